//! What each theme and agency sounds like in the synthetic corpus.
//!
//! Owns [`TOPICS`] (one entry per theme of the vocabulary: how common it is, which
//! age bands and kinds of abuse it goes with, the agencies usually involved, the noun
//! phrases that template sentences are built from, and depositors' keywords) and
//! [`agency_phrase`], how a review's text refers to each agency.

/// The synthetic profile of one theme.
pub struct Topic {
    pub theme: &'static str,
    /// Relative frequency among reviews.
    pub weight: u32,
    /// Age bands the theme fits (empty: any).
    pub ages: &'static [&'static str],
    pub abuse: &'static [&'static str],
    pub agencies: &'static [&'static str],
    /// Noun phrases that slot into template sentences.
    pub phrases: &'static [&'static str],
    pub keywords: &'static [&'static str],
}

const BABY: &[&str] = &["under_1"];
const YOUNG: &[&str] = &["under_1", "1_to_5"];
const INFANT: &[&str] = &["unborn", "under_1"];
const TEEN: &[&str] = &["11_to_15", "16_to_17"];
const OLDER: &[&str] = &["11_to_15", "16_to_17", "18_plus"];
const SCHOOL: &[&str] = &["6_to_10", "11_to_15", "16_to_17"];
const ANY: &[&str] = &[];

const fn topic(
    theme: &'static str,
    weight: u32,
    ages: &'static [&'static str],
    abuse: &'static [&'static str],
    agencies: &'static [&'static str],
    phrases: &'static [&'static str],
    keywords: &'static [&'static str],
) -> Topic {
    Topic {
        theme,
        weight,
        ages,
        abuse,
        agencies,
        phrases,
        keywords,
    }
}

/// One topic per theme, in the order of the theme vocabulary.
pub const TOPICS: &[Topic] = &[
    topic(
        "physical_abuse",
        6,
        ANY,
        &["physical"],
        &["police", "emergency_department", "acute_paediatrics"],
        &[
            "a non-accidental injury",
            "unexplained injuries to the child",
            "a fractured arm with an inconsistent explanation",
            "physical chastisement by a parent",
            "marks on the child's face seen at school",
        ],
        &["non-accidental injury", "fracture", "physical chastisement"],
    ),
    topic(
        "abusive_head_trauma",
        3,
        YOUNG,
        &["physical"],
        &["acute_paediatrics", "ambulance", "emergency_department"],
        &[
            "a head injury to a baby",
            "subdural haemorrhages consistent with shaking",
            "a non-accidental head injury",
            "persistent crying and the risk of shaking",
        ],
        &["shaken baby", "head injury", "crying"],
    ),
    topic(
        "bruising_in_non_mobile_infants",
        3,
        BABY,
        &["physical"],
        &["health_visiting", "general_practice", "acute_paediatrics"],
        &[
            "bruising to a baby who was not yet mobile",
            "a bruise on the face of a non-mobile infant",
            "unexplained bruising in a baby under six months",
            "the protocol for bruising in babies who are not mobile",
        ],
        &["bruise", "non-mobile", "bruising protocol"],
    ),
    topic(
        "neglect",
        10,
        ANY,
        &["neglect"],
        &["health_visiting", "school", "general_practice"],
        &[
            "chronic neglect",
            "poor home conditions",
            "missed appointments at the GP surgery",
            "the cumulative impact of neglect",
            "a child who was not brought to health appointments",
            "dental decay and poor hygiene",
        ],
        &["neglect", "home conditions", "was not brought"],
    ),
    topic(
        "emotional_abuse",
        3,
        ANY,
        &["emotional"],
        &["school", "camhs"],
        &[
            "emotional abuse by a parent",
            "a child who was frightened of going home",
            "persistent criticism and rejection of the child",
        ],
        &["emotional abuse", "rejection"],
    ),
    topic(
        "intrafamilial_sexual_abuse",
        2,
        SCHOOL,
        &["sexual"],
        &["police", "school", "camhs"],
        &[
            "sexual abuse within the family",
            "a disclosure of sexual abuse that was later retracted",
            "sexualised behaviour noticed at school",
        ],
        &["sexual abuse", "disclosure", "retraction"],
    ),
    topic(
        "child_sexual_exploitation",
        3,
        TEEN,
        &["sexual"],
        &["police", "childrens_social_care", "voluntary_sector"],
        &[
            "child sexual exploitation",
            "older men giving the young person alcohol and lifts",
            "a young person who was groomed online and in the town centre",
        ],
        &["CSE", "grooming", "exploitation"],
    ),
    topic(
        "child_criminal_exploitation",
        2,
        TEEN,
        &["physical", "emotional"],
        &["youth_justice", "police", "school"],
        &[
            "criminal exploitation through county lines",
            "a young person carrying drugs for older men",
            "repeated arrests treated as offending rather than exploitation",
        ],
        &["county lines", "CCE", "exploitation"],
    ),
    topic(
        "online_abuse",
        2,
        SCHOOL,
        &["sexual", "emotional"],
        &["police", "school"],
        &[
            "online abuse through social media",
            "indecent images shared online",
            "contact with an adult met through an online game",
        ],
        &["online", "images", "social media"],
    ),
    topic(
        "fabricated_or_induced_illness",
        1,
        &["under_1", "1_to_5", "6_to_10"],
        &["physical", "emotional"],
        &["acute_paediatrics", "general_practice"],
        &[
            "fabricated or induced illness",
            "repeated presentations with symptoms no one observed",
            "a parent seeking ever more specialist opinions",
        ],
        &["FII", "presentations", "medical opinions"],
    ),
    topic(
        "sudden_unexpected_death_in_infancy",
        3,
        BABY,
        &["neglect"],
        &["health_visiting", "midwifery", "ambulance"],
        &[
            "co-sleeping after parental alcohol use",
            "unsafe sleep on a sofa",
            "safe sleep advice that was given but not followed",
            "a sudden unexpected death in infancy",
        ],
        &["SUDI", "co-sleeping", "safe sleep"],
    ),
    topic(
        "suicide_and_self_harm",
        3,
        OLDER,
        &["emotional"],
        &["camhs", "emergency_department", "school"],
        &[
            "repeated self-harm",
            "an overdose treated as attention seeking",
            "suicidal thoughts disclosed to a school nurse",
        ],
        &["self-harm", "suicide", "overdose"],
    ),
    topic(
        "disabled_children",
        2,
        ANY,
        &["neglect"],
        &["school", "acute_paediatrics", "early_years"],
        &[
            "a disabled child who could not tell anyone",
            "injuries attributed to the child's disability",
            "a child with complex health needs missing therapy",
        ],
        &["disability", "complex needs"],
    ),
    topic(
        "looked_after_children_and_care_leavers",
        3,
        &["1_to_5", "6_to_10", "11_to_15", "16_to_17", "18_plus"],
        &["neglect", "emotional"],
        &["childrens_social_care", "other_local_authority"],
        &[
            "placement moves for a looked after child",
            "a care leaver with no settled accommodation",
            "a looked after child placed out of area",
        ],
        &["looked after", "placement", "care leaver"],
    ),
    topic(
        "vulnerable_adolescents",
        4,
        OLDER,
        &["neglect", "emotional"],
        &["youth_justice", "school", "camhs"],
        &[
            "neglect of an adolescent",
            "adolescent neglect seen as a lifestyle choice",
            "a teenager whose needs were overlooked",
            "a young person treated as more resilient than they were",
        ],
        &["adolescent neglect", "teenager"],
    ),
    topic(
        "missing_and_not_in_school",
        3,
        SCHOOL,
        &["neglect"],
        &["school", "police", "early_help"],
        &[
            "repeated missing episodes",
            "a child missing from education",
            "elective home education with no contact",
            "return home interviews that did not happen",
        ],
        &["missing", "home education", "attendance"],
    ),
    topic(
        "fgm_forced_marriage_honour_abuse",
        1,
        SCHOOL,
        &["physical", "emotional"],
        &["school", "police", "faith_organisations"],
        &[
            "a risk of forced marriage",
            "female genital mutilation",
            "honour-based abuse within the wider family",
        ],
        &["FGM", "forced marriage", "honour"],
    ),
    topic(
        "trafficking_and_unaccompanied_children",
        1,
        OLDER,
        &["physical", "emotional"],
        &["immigration", "police", "childrens_social_care"],
        &[
            "an unaccompanied asylum seeking child",
            "a child trafficked for domestic work",
            "age disputes delaying protection",
        ],
        &["trafficking", "unaccompanied", "asylum"],
    ),
    topic(
        "harmful_sexual_behaviour",
        2,
        SCHOOL,
        &["sexual"],
        &["school", "youth_justice", "camhs"],
        &[
            "harmful sexual behaviour by another child",
            "sexual behaviour between siblings",
        ],
        &["harmful sexual behaviour", "peer"],
    ),
    topic(
        "domestic_abuse",
        10,
        ANY,
        &["emotional", "physical"],
        &["police", "domestic_abuse_services", "health_visiting"],
        &[
            "domestic abuse",
            "domestic abuse during pregnancy",
            "coercive and controlling behaviour",
            "police call-outs for domestic abuse",
            "a MARAC referral that was not shared with health",
        ],
        &["domestic abuse", "coercive control", "MARAC"],
    ),
    topic(
        "parental_mental_health",
        7,
        ANY,
        &["neglect", "emotional"],
        &["adult_mental_health", "general_practice"],
        &[
            "a mother's postnatal depression",
            "parental mental illness",
            "a mother who stopped taking her medication",
            "a father's psychosis",
        ],
        &["mental health", "depression", "psychosis"],
    ),
    topic(
        "parental_substance_misuse",
        7,
        ANY,
        &["neglect"],
        &["substance_misuse_services", "general_practice"],
        &[
            "parental alcohol misuse",
            "heroin use by both parents",
            "cannabis use in the home",
            "methadone stored within reach of the children",
        ],
        &["alcohol", "drug use", "substance misuse"],
    ),
    topic(
        "parental_learning_disability",
        2,
        ANY,
        &["neglect"],
        &["adult_social_care", "childrens_social_care"],
        &[
            "a parent with a learning disability",
            "advice that was not adapted to a parent's understanding",
        ],
        &["learning disability", "parenting capacity"],
    ),
    topic(
        "unseen_men",
        4,
        ANY,
        &["physical"],
        &["health_visiting", "probation", "police"],
        &[
            "a new partner no agency asked about",
            "the mother's partner who was never seen",
            "a father figure with a history of violence",
        ],
        &["mother's partner", "hidden men"],
    ),
    topic(
        "pregnancy_prebirth_and_young_parents",
        4,
        INFANT,
        &["neglect"],
        &["midwifery", "health_visiting", "childrens_social_care"],
        &[
            "a concealed pregnancy",
            "domestic abuse disclosed in pregnancy at the antenatal booking",
            "a pre-birth assessment that was not completed",
            "a teenage mother with little support",
        ],
        &["pregnancy", "pre-birth", "young parents"],
    ),
    topic(
        "poverty_housing_and_transience",
        4,
        ANY,
        &["neglect"],
        &["housing", "other_local_authority"],
        &[
            "repeated house moves",
            "temporary accommodation far from family",
            "debt and rent arrears",
        ],
        &["housing", "poverty", "transience"],
    ),
    topic(
        "race_culture_and_faith",
        3,
        ANY,
        &["emotional"],
        &["faith_organisations", "school"],
        &[
            "assumptions about the family's culture",
            "the need for an interpreter at every meeting",
            "a faith setting that knew the family well",
        ],
        &["culture", "interpreter", "faith"],
    ),
    topic(
        "parents_own_adverse_childhood",
        3,
        ANY,
        &["neglect"],
        &["childrens_social_care", "adult_mental_health"],
        &[
            "the mother's own experience of care",
            "a father who had been abused as a child",
        ],
        &["adverse childhood", "care experienced parent"],
    ),
    topic(
        "information_sharing",
        9,
        ANY,
        &[],
        &["general_practice", "police", "childrens_social_care"],
        &[
            "information that was not shared between agencies",
            "a GP record that other agencies never saw",
            "a referral that did not reach the MASH",
        ],
        &["information sharing", "MASH"],
    ),
    topic(
        "risk_assessment",
        8,
        ANY,
        &[],
        &["childrens_social_care", "probation"],
        &[
            "a risk assessment that was not updated",
            "risk judged from single incidents",
            "an assessment that relied on the parents' account",
        ],
        &["risk assessment"],
    ),
    topic(
        "thresholds_and_escalation",
        6,
        ANY,
        &[],
        &["childrens_social_care", "school", "health_visiting"],
        &[
            "referrals that did not meet the threshold",
            "professional disagreement that was never escalated",
            "the escalation policy",
        ],
        &["threshold", "escalation"],
    ),
    topic(
        "voice_of_the_child",
        7,
        ANY,
        &[],
        &["school", "childrens_social_care"],
        &[
            "the child's lived experience",
            "a child who was never seen alone",
            "what the child said at school",
        ],
        &["voice of the child", "seen alone"],
    ),
    topic(
        "disguised_compliance",
        4,
        ANY,
        &["neglect"],
        &["childrens_social_care", "health_visiting"],
        &[
            "disguised compliance",
            "disguised compliance by the parents",
            "missed appointments and cancelled home visits",
            "parents who agreed to every plan but changed nothing",
        ],
        &["disguised compliance", "non-engagement"],
    ),
    topic(
        "professional_curiosity_and_challenge",
        6,
        ANY,
        &[],
        &["health_visiting", "general_practice", "police"],
        &[
            "a lack of professional curiosity",
            "the rule of optimism",
            "explanations accepted without challenge",
        ],
        &["professional curiosity", "rule of optimism"],
    ),
    topic(
        "history_and_chronologies",
        5,
        ANY,
        &[],
        &["childrens_social_care", "other_local_authority"],
        &[
            "the family's history with other authorities",
            "a chronology that was never compiled",
            "start again syndrome at each new referral",
        ],
        &["chronology", "history"],
    ),
    topic(
        "supervision_and_workload",
        4,
        ANY,
        &[],
        &["childrens_social_care", "health_visiting"],
        &[
            "high caseloads and staff turnover",
            "supervision that did not challenge the plan",
            "a newly qualified social worker without support",
        ],
        &["supervision", "caseload"],
    ),
    topic(
        "cross_boundary_working",
        3,
        ANY,
        &[],
        &["other_local_authority", "housing"],
        &[
            "a move between local authorities",
            "a transfer of a child protection plan across a boundary",
        ],
        &["cross-boundary", "transfer"],
    ),
    topic(
        "early_help",
        4,
        ANY,
        &[],
        &["early_help", "early_years", "school"],
        &[
            "an early help assessment",
            "early help that closed when the family disengaged",
        ],
        &["early help", "CAF"],
    ),
    topic(
        "child_protection_processes",
        6,
        ANY,
        &[],
        &["childrens_social_care", "police", "lscb"],
        &[
            "a strategy discussion held without health",
            "an initial child protection conference",
            "a child protection plan that drifted",
            "core group meetings that were cancelled",
        ],
        &["child protection plan", "ICPC", "strategy discussion"],
    ),
    topic(
        "policies_procedures_and_recording",
        4,
        ANY,
        &[],
        &["lscb", "commissioners", "national_body"],
        &[
            "records that did not say who was present",
            "procedures that staff did not know",
            "local guidance that was out of date",
        ],
        &["recording", "procedures"],
    ),
];

/// How a review's text refers to an agency ("the health visitor", "CAMHS").
pub fn agency_phrase(agency: &str) -> &'static str {
    match agency {
        "childrens_social_care" => "children's social care",
        "early_help" => "the early help service",
        "police" => "the police",
        "general_practice" => "the GP",
        "health_visiting" => "the health visitor",
        "school_nursing" => "the school nurse",
        "midwifery" => "the midwife",
        "emergency_department" => "the A&E department",
        "acute_paediatrics" => "the paediatrician",
        "ambulance" => "the ambulance crew",
        "camhs" => "CAMHS",
        "adult_mental_health" => "adult mental health services",
        "substance_misuse_services" => "the substance misuse service",
        "school" => "the school",
        "early_years" => "the nursery",
        "further_education" => "the college",
        "probation" => "the probation service",
        "youth_justice" => "the youth offending team",
        "housing" => "the housing department",
        "adult_social_care" => "adult social care",
        "cafcass" => "Cafcass",
        "local_authority_legal" => "legal services",
        "domestic_abuse_services" => "the domestic abuse service",
        "voluntary_sector" => "a voluntary sector project",
        "faith_organisations" => "the family's place of worship",
        "secure_estate" => "the secure unit",
        "immigration" => "immigration services",
        "commissioners" => "the commissioners",
        "lscb" => "the LSCB",
        "national_body" => "a national body",
        _ => "a neighbouring local authority",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lessons_model::vocab::{AGENCIES, THEMES};
    use lessons_model::Vocabulary;

    #[test]
    fn every_theme_has_a_topic_with_known_slugs() {
        let themes: Vec<&str> = TOPICS.iter().map(|t| t.theme).collect();
        let expected: Vec<&str> = THEMES.iter().map(|t| t.slug).collect();
        assert_eq!(themes, expected);
        for topic in TOPICS {
            assert!(topic.weight > 0 && !topic.phrases.is_empty() && !topic.keywords.is_empty());
            assert!(topic.ages.iter().all(|a| Vocabulary::AgeBand.contains(a)));
            assert!(topic.abuse.iter().all(|a| Vocabulary::Abuse.contains(a)));
            assert!(topic
                .agencies
                .iter()
                .all(|a| Vocabulary::Agency.contains(a)));
        }
    }

    #[test]
    fn every_agency_has_its_own_phrase() {
        let phrases: std::collections::HashSet<_> =
            AGENCIES.iter().map(|a| agency_phrase(a.slug)).collect();
        assert_eq!(phrases.len(), AGENCIES.len());
    }
}
