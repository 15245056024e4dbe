//! One plain-English paragraph per theme, saying what the theme covers in serious case
//! reviews, shown on the theme pages (`/themes/{slug}`).

/// What the theme with this slug covers, or `None` for an unknown slug.
pub fn theme_description(slug: &str) -> Option<&'static str> {
    THEME_DESCRIPTIONS
        .iter()
        .find(|(s, _)| *s == slug)
        .map(|(_, d)| *d)
}

const THEME_DESCRIPTIONS: &[(&str, &str)] = &[
    (
        "physical_abuse",
        "Reviews where a child was deliberately hurt by a parent, carer or other person, including fractures, burns, bruising and other non-accidental injuries. Learning often concerns injuries that were explained away or accepted at face value, missed opportunities to seek a child protection medical, and the need for agencies to consider earlier minor injuries together rather than one at a time.",
    ),
    (
        "abusive_head_trauma",
        "Reviews of babies and young children who suffered serious brain injury from shaking or impact, sometimes called shaken baby injuries. Learning commonly covers the pressures of infant crying, the role of fathers and male carers, earlier warning signs such as minor bruising or unexplained symptoms, and whether parents received consistent advice on coping with a crying baby.",
    ),
    (
        "bruising_in_non_mobile_infants",
        "Reviews where a baby who was not yet crawling or cruising was seen with a bruise or other mark before serious harm occurred. Learning usually concerns whether local protocols for bruising in non-mobile infants were known and followed, why plausible explanations were accepted without referral, and whether professionals such as health visitors, GPs and emergency staff felt confident to act.",
    ),
    (
        "neglect",
        "Reviews where a child's basic needs for food, warmth, hygiene, supervision, health care or emotional care were persistently unmet. Learning often covers the cumulative impact of neglect over time, children who were not brought to appointments, the use of assessment tools to measure change, and drift where cases moved between early help and statutory services without lasting improvement.",
    ),
    (
        "emotional_abuse",
        "Reviews where a child was harmed by persistent rejection, hostility, threats, humiliation, or exposure to frightening adult behaviour. Because emotional abuse rarely leaves visible signs, learning usually concerns recognising its impact on a child's behaviour, development and relationships, recording what children say and show, and giving it the same weight as physical harm when planning and reviewing help.",
    ),
    (
        "intrafamilial_sexual_abuse",
        "Reviews where a child was sexually abused by a parent, step-parent, sibling or other family member, or someone in the family's close network. Learning often covers indirect signs that were not connected, children's difficulty in telling, the management of known sex offenders in or near the household, and how professionals respond when a child discloses and then retracts.",
    ),
    (
        "child_sexual_exploitation",
        "Reviews where children or young people were groomed and sexually abused in exchange for something they needed or wanted, often by adults or groups outside the family. Learning typically covers victim-blaming language, failure to see older teenagers as children, links with going missing, the use of disruption tactics, and the need for joint working between police, social care, health and schools.",
    ),
    (
        "child_criminal_exploitation",
        "Reviews where children were coerced or groomed into criminal activity, such as carrying drugs along county lines, storing weapons or handling money. Learning often concerns seeing these young people as victims rather than offenders, recognising risks outside the home through contextual safeguarding, responding to exclusion and going missing, and the use of the National Referral Mechanism.",
    ),
    (
        "online_abuse",
        "Reviews where harm to a child involved the internet, social media, gaming or messaging, including online grooming, sharing of sexual images, sextortion and exposure to harmful content. Learning typically covers professionals asking about children's online lives, parents' awareness of risk, the speed at which contact can move from online to offline, and cooperation with police and platforms.",
    ),
    (
        "fabricated_or_induced_illness",
        "Reviews where a carer fabricated, exaggerated or caused illness in a child, leading to unnecessary investigations, treatment or restrictions on the child's life. Learning usually concerns perplexing presentations, the difficulty of coordinating many health providers, over-reliance on parental reports, the child's own voice and daily experience, and when and how to involve safeguarding leads and children's social care.",
    ),
    (
        "sudden_unexpected_death_in_infancy",
        "Reviews of babies who died suddenly and unexpectedly, often while sharing a bed or sofa with an adult or in an unsafe sleeping environment. Learning commonly covers how safer sleep advice is given and tailored to families, the added risk when parents have used alcohol or drugs, and planning for circumstances that change routines, such as illness or staying elsewhere.",
    ),
    (
        "suicide_and_self_harm",
        "Reviews of children and young people who died by suicide or seriously harmed themselves. Learning typically covers access to child and adolescent mental health services, the effects of bullying, bereavement, exploitation and online content, communication between schools, health and social care, and how professionals respond to earlier self-harm, disclosures of suicidal thoughts and the concerns of parents.",
    ),
    (
        "disabled_children",
        "Reviews involving children with physical, learning or communication disabilities, or complex health needs, who face a higher risk of abuse and neglect. Learning commonly concerns attributing signs of harm to the disability, focusing on parents' coping rather than the child's experience, finding ways to hear children who communicate differently, and coordination between health, education and social care.",
    ),
    (
        "looked_after_children_and_care_leavers",
        "Reviews involving children in the care of a local authority, whether in foster care, residential homes or placements out of area, and young people leaving care. Learning often covers placement instability, distant and unregulated placements, the role of corporate parents, planning for the transition to adulthood, and the continuing vulnerability of care leavers to exploitation, homelessness and poor mental health.",
    ),
    (
        "vulnerable_adolescents",
        "Reviews of teenagers whose needs and risks did not fit neatly into services designed for younger children, including those affected by exploitation, violence, mental ill health or family breakdown. Learning frequently concerns viewing older children as able to make choices rather than as at risk, the shift in focus from risks inside the home to risks outside it, and transitions to adult services.",
    ),
    (
        "missing_and_not_in_school",
        "Reviews where a child's episodes of going missing, or absence from education through exclusion, reduced timetables, elective home education or children missing education, were part of the picture. Learning often covers the protective role of school, the quality of return home interviews, tracking children who leave school rolls, and recognising missing and absence as indicators of exploitation or neglect.",
    ),
    (
        "fgm_forced_marriage_honour_abuse",
        "Reviews involving female genital mutilation, forced marriage or abuse committed to protect perceived family or community honour. Learning usually covers professionals' confidence to ask about these forms of abuse, understanding of legal duties such as mandatory reporting of FGM, the risks of involving family members or community interpreters, and the use of protection orders where needed.",
    ),
    (
        "trafficking_and_unaccompanied_children",
        "Reviews involving children trafficked into or within the country, and unaccompanied asylum-seeking children arriving without a parent or carer. Learning commonly covers age assessment, going missing soon after arrival, the risk of re-trafficking, trauma and language barriers, immigration uncertainty, and the duties of local authorities and partners to identify and refer potential victims of modern slavery.",
    ),
    (
        "harmful_sexual_behaviour",
        "Reviews where a child or young person displayed sexual behaviour that was developmentally inappropriate or harmful to others, including towards siblings or peers. Learning typically concerns recognising that children who harm may themselves have been harmed, safety planning for both the child who harmed and those affected, responses in schools, and using specialist assessment rather than informal reassurance.",
    ),
    (
        "domestic_abuse",
        "Reviews where controlling, coercive, threatening or violent behaviour between adults in the household formed part of the child's experience, often alongside parental mental ill health and substance misuse as part of the so-called toxic trio. Learning often covers recognising children as victims in their own right, risk assessment and MARAC processes, and engaging with perpetrators as well as survivors.",
    ),
    (
        "parental_mental_health",
        "Reviews where a parent or carer's mental ill health, including perinatal mental illness, affected their capacity to care safely for a child, often alongside domestic abuse and substance misuse in the so-called toxic trio. Learning commonly covers communication between adult mental health and children's services, the think family approach, and considering the child's needs when adult services assess or discharge.",
    ),
    (
        "parental_substance_misuse",
        "Reviews where a parent or carer's use of alcohol or drugs affected a child's safety and care, frequently alongside domestic abuse and parental mental ill health in the so-called toxic trio. Learning typically concerns the impact on supervision and safe sleep, relying on self-reported abstinence, links between adult treatment services and children's services, and the safe storage of substances such as methadone.",
    ),
    (
        "parental_learning_disability",
        "Reviews where a parent had a learning disability or learning difficulty that affected their understanding of professional concerns or their ability to make and sustain change. Learning commonly covers adapting communication and written plans, specialist parenting assessments, offering sustained support rather than short interventions, and balancing parents' rights and needs against the child's need for timely safe care.",
    ),
    (
        "unseen_men",
        "Reviews where fathers, stepfathers, mothers' partners or other men in the child's life were not known to, assessed by or engaged with services. Learning often covers asking about who lives in or visits the household, checking men's histories, including fathers in assessments and plans, and recognising both the risks some men pose and the protective role others may play.",
    ),
    (
        "pregnancy_prebirth_and_young_parents",
        "Reviews involving concerns during pregnancy, planning for the birth of a baby at risk, and teenage or young parents who may themselves be care leavers or vulnerable. Learning commonly covers late or concealed pregnancies, the timeliness of pre-birth assessments and plans, the use of previous history from older children, and support that recognises young parents' own needs as children or young adults.",
    ),
    (
        "poverty_housing_and_transience",
        "Reviews where financial hardship, poor or overcrowded housing, homelessness or frequent moves shaped a family's circumstances and their contact with services. Learning typically covers how moves disrupt records and relationships with professionals, temporary accommodation placements out of area, the stress poverty places on parenting, and distinguishing between neglect and deprivation while still keeping the child's experience in view.",
    ),
    (
        "race_culture_and_faith",
        "Reviews where the child's ethnicity, culture, religion, language or immigration status affected how professionals understood the family and responded to risk. Learning often covers cultural assumptions that led to under- or over-reaction, the use of professional interpreters, the effect of racism and discrimination on families' trust in services, and considering identity as part of every assessment.",
    ),
    (
        "parents_own_adverse_childhood",
        "Reviews where a parent's own history of abuse, neglect, care experience or trauma in childhood affected their parenting and their relationships with professionals. Learning commonly covers gathering and using parents' histories in assessment, trauma-informed approaches that still keep the child in focus, and recognising the intergenerational patterns that may repeat when earlier harm has not been addressed.",
    ),
    (
        "information_sharing",
        "Reviews where information held by one agency was not shared, was shared late, or was not understood by others who needed it to protect a child. Learning typically covers misplaced concerns about consent and data protection, the quality of referrals, differences in agencies' recording systems, and the need to share relevant information promptly when there are safeguarding concerns.",
    ),
    (
        "risk_assessment",
        "Reviews examining how professionals identified, analysed and acted on risks to a child, including how they weighed new information. Learning often concerns assessments that described rather than analysed, reliance on a single incident instead of the pattern over time, the use of tools without professional judgement, and assessments that were not revisited when circumstances changed.",
    ),
    (
        "thresholds_and_escalation",
        "Reviews where disagreements about whether a child's needs met the threshold for a service, or a lack of action by another agency, left concerns unresolved. Learning usually covers professionals' understanding of local threshold guidance, the use of escalation and resolution procedures when they disagree with a decision, and the confidence to challenge referrals that were closed or stepped down.",
    ),
    (
        "voice_of_the_child",
        "Reviews examining whether professionals saw, heard and understood the child, and whether the child's experience shaped decisions. Learning commonly covers children not being seen alone, over-reliance on parents' accounts, communicating with babies, non-verbal and disabled children through observation, and recognising what a child's behaviour, presentation and silence may be saying about their daily life.",
    ),
    (
        "disguised_compliance",
        "Reviews where parents or carers appeared to cooperate with professionals while not making the changes needed to keep a child safe. Learning typically covers the rule of optimism, focusing on parents' engagement with appointments rather than evidence of change for the child, children who were not brought to appointments, and approaches that test whether agreed actions are making a difference.",
    ),
    (
        "professional_curiosity_and_challenge",
        "Reviews where professionals accepted explanations at face value, did not ask further questions, or did not challenge parents or colleagues when something did not fit. Learning often covers the rule of optimism, respectful uncertainty, checking what families say against other sources, and creating a culture where practitioners feel able to question other agencies and more senior staff.",
    ),
    (
        "history_and_chronologies",
        "Reviews where the family's past, including earlier referrals, previous children removed or known convictions, was not gathered or used to understand present risk. Learning commonly covers start again syndrome, where each new concern is treated in isolation, the value of multi-agency chronologies, and the need to revisit historical information when a new worker, service or partner becomes involved.",
    ),
    (
        "supervision_and_workload",
        "Reviews where high caseloads, staff turnover, limited management oversight or the quality of supervision affected practice with a child and family. Learning usually covers reflective supervision that challenges drift and assumptions, the effect of workforce pressures on the time available for direct work, and managers' oversight of decisions in cases where risk is rising or unclear.",
    ),
    (
        "cross_boundary_working",
        "Reviews where families moved between local authority, health or police areas, or where services in different areas were involved at the same time. Learning typically covers the transfer of child protection plans and records, confusion over which area holds responsibility, out of area placements, and the importance of direct professional conversations when cases cross organisational or geographical boundaries.",
    ),
    (
        "early_help",
        "Reviews examining support offered to families before concerns reached statutory thresholds, often through early help assessments, family support workers, children's centres or schools. Learning commonly covers whether early help was the right response for the level of risk, the impact of consent-based work when families disengage, the role of lead professionals, and stepping cases up when things do not improve.",
    ),
    (
        "child_protection_processes",
        "Reviews examining how formal child protection procedures worked, including strategy discussions, section 47 enquiries, child protection conferences, core groups and plans. Learning often covers which agencies were invited to or attended strategy meetings, plans with unclear outcomes, decisions to end plans too early, and whether the multi-agency processes added protection for the child rather than activity alone.",
    ),
    (
        "policies_procedures_and_recording",
        "Reviews where local policies and procedures were absent, unclear, not known or not followed, or where records were incomplete, inaccurate or hard to find. Learning usually covers the gap between written procedures and everyday practice, the quality of case recording and use of electronic systems, and recommendations to update guidance, training or audit arrangements across the partnership.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::THEMES;

    #[test]
    fn every_theme_has_a_description() {
        for theme in THEMES {
            let text = theme_description(theme.slug).unwrap_or_default();
            assert!(text.len() > 80, "{}", theme.slug);
        }
        assert_eq!(THEME_DESCRIPTIONS.len(), THEMES.len());
    }
}
