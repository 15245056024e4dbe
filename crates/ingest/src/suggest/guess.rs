//! Guesses for a suggested finding: the agencies it names (from the vocabulary labels and
//! the common names and acronyms practitioners use), whether it is inter-agency, whether
//! it praises practice, and its themes (from the theme labels, their search synonyms and a
//! few more phrases).

use std::sync::LazyLock;

use lessons_model::vocab::{AGENCIES, THEMES};
use regex::Regex;

/// Agency patterns, most specific first: each match is blanked out before the next
/// pattern runs, so "school nurse" is not also "school" and "adult social care" is not
/// also "social care".
const AGENCY_PATTERNS: &[(&str, &str)] = &[
    ("school_nursing", r"(?i)\bschool[- ]nurs(?:e|es|ing)\b"),
    (
        "camhs",
        r"(?i)\bcamhs\b|\bchild and adolescent mental health(?: services?)?\b",
    ),
    (
        "adult_social_care",
        r"(?i)\badults?['’]?s?['’]? (?:social care|social services|services)\b|\badult social work(?:ers?)?\b",
    ),
    (
        "adult_mental_health",
        r"(?i)\badult mental health(?: services?| teams?)?\b|\bcommunity mental health teams?\b|\bCMHTs?\b|\bmental health (?:services?|trusts?|teams?|practitioners?|nurses?|workers?)\b|\bpsychiatrists?\b|\bpsychiatric services?\b",
    ),
    (
        "domestic_abuse_services",
        r"(?i)\bdomestic (?:abuse|violence) (?:services?|agenc(?:y|ies)|workers?|advocates?|projects?|charit(?:y|ies))\b|\bIDVAs?\b|\brefuges?\b|\bwomen['’]?s aid\b",
    ),
    (
        "substance_misuse_services",
        r"(?i)\b(?:substance misuse|drugs? and alcohol|drugs?|alcohol) (?:services?|teams?|workers?|agenc(?:y|ies)|treatment services?)\b",
    ),
    (
        "emergency_department",
        r"(?i:\ba ?& ?e\b|\baccident and emergency(?: department)?\b|\bemergency departments?\b|\burgent care cent(?:re|er)s?\b|\bwalk-in cent(?:re|er)s?\b)|\bED\b",
    ),
    ("adult_mental_health", r"(?i)\bmental health trusts?\b"),
    (
        "acute_paediatrics",
        r"(?i)\b(?:acute|hospital|NHS|foundation) (?:hospitals? )?trusts?\b|\bacute hospitals?\b|\bneonatal (?:units?|services?|teams?)\b|\bspecial care baby units?\b|\bhospital paediatric\w*\b",
    ),
    (
        "childrens_social_care",
        r"(?i)\bleaving care (?:services?|teams?|workers?)\b|\bindependent reviewing officers?\b|\bIROs?\b|\b(?:child protection )?conference chairs?\b|\bchairs of (?:child protection )?(?:case )?conferences\b",
    ),
    (
        "midwifery",
        r"(?i)\bmidwi(?:fe|ves|fery)\b|\bmaternity(?: services?| units?)?\b",
    ),
    (
        "health_visiting",
        r"(?i:\bhealth visit(?:or|ors|ing)(?: services?| teams?)?\b)|\bHVs?\b",
    ),
    (
        "general_practice",
        r"(?i:\bgeneral practi(?:ces?|tioners?)\b|\bthe (?:gp )?practice(?:['’]s)?\s+(?:should|must|will|did|had|was|manager|nurse|team|staff)\b)|\bGPs?\b",
    ),
    (
        "police",
        r"(?i)\bpolice\b|\bconstabulary\b|\bpublic protection unit\b|\bPPU\b",
    ),
    (
        "acute_paediatrics",
        r"(?i)\bpaediatric(?:ians?|s)?\b|\bchildren['’]?s ward\b|\bacute paediatrics\b",
    ),
    (
        "ambulance",
        r"(?i)\bambulance(?: services?)?\b|\bparamedics?\b",
    ),
    (
        "early_years",
        r"(?i)\bearly years\b|\bnurser(?:y|ies)\b|\bchildren['’]?s cent(?:re|res|er|ers)\b|\bchildminders?\b|\bpre-?schools?\b",
    ),
    (
        "further_education",
        r"(?i)\bfurther education\b|\bcolleges?\b|\bsixth form\b",
    ),
    (
        "youth_justice",
        r"(?i)\byouth offending(?: teams?| services?)?\b|\byouth justice\b|\bYOTs?\b",
    ),
    (
        "secure_estate",
        r"(?i)\bsecure estate\b|\byoung offender institutions?\b|\bYOIs?\b|\bsecure (?:units?|children['’]?s homes?|training centres?)\b|\bprisons?\b",
    ),
    (
        "school",
        r"(?i)\bschools?\b|\bhead ?teachers?\b|\bteachers?\b|\beducation (?:services?|settings?|providers?|welfare(?: officers?| services?)?)\b|\bdesignated safeguarding leads?\b|\bacadem(?:y|ies)\b",
    ),
    (
        "early_help",
        r"(?i)\bearly help(?: services?| teams?| workers?| practitioners?| hubs?)?\b|\bfamily support (?:services?|workers?)\b",
    ),
    (
        "other_local_authority",
        r"(?i)\b(?:other|another|neighbouring|previous|originating|home) (?:local )?authorit(?:y|ies)\b",
    ),
    (
        "childrens_social_care",
        r"(?i:\bchildren['’]?s['’]? social care\b|\bchildren['’]?s['’]? services\b|\bsocial care\b|\bsocial work(?:ers?)?\b|\bchildren and families (?:services?|teams?)\b|\bchildren['’]?s social work\b)|\bCSC\b",
    ),
    (
        "probation",
        r"(?i)\b(?:national )?probation(?: services?| trusts?| officers?)?\b|\bcommunity rehabilitation compan(?:y|ies)\b|\bCRCs?\b|\boffender managers?\b",
    ),
    (
        "housing",
        r"(?i)\bhousing (?:services?|providers?|officers?|associations?|departments?|teams?|options)\b|\blandlords?\b|\bhomeless(?:ness)? (?:services?|teams?|units?)\b|\bhousing\b",
    ),
    ("cafcass", r"(?i)\bcafcass\b"),
    (
        "local_authority_legal",
        r"(?i)\blegal (?:services|departments?|teams?|advisers?)\b|\blocal authority (?:legal|solicitors?)\b",
    ),
    (
        "voluntary_sector",
        r"(?i)\bvoluntary (?:sector|organisations?|agenc(?:y|ies))\b|\bthird sector\b|\bcharit(?:y|ies)\b",
    ),
    (
        "faith_organisations",
        r"(?i)\bfaith (?:groups?|organisations?|communit(?:y|ies)|leaders?|settings?)\b|\bchurch(?:es)?\b|\bmosques?\b|\btemples?\b|\bsynagogues?\b|\bgurdwaras?\b",
    ),
    (
        "immigration",
        r"(?i)\bimmigration(?: services?| enforcement)?\b|\bhome office\b|\bborder (?:agency|force)\b|\bUKBA\b",
    ),
    (
        "commissioners",
        r"(?i)\bcommissioners?\b|\bclinical commissioning groups?\b|\bCCGs?\b",
    ),
    (
        "national_body",
        r"(?i)\bdepartment for education\b|\bDfE\b|\bofsted\b|\bNHS England\b|\bcare quality commission\b|\bCQC\b|\bgovernment\b",
    ),
    (
        "lscb",
        r"(?i:\blocal safeguarding children['’]?s? boards?\b|\bsafeguarding children['’]?s? (?:boards?|partnerships?)\b|\bsafeguarding partners(?:hip)?\b|\bthe board\b)|\bLSCBs?\b|\bBoard\b|\bPartnership\b",
    ),
];

static AGENCY_RES: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    AGENCY_PATTERNS
        .iter()
        .filter_map(|(slug, pattern)| Regex::new(pattern).ok().map(|re| (*slug, re)))
        .collect()
});

static INTER_AGENCY: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i:\bagencies\b|\b(?:no|any|every|each|all|partner|other) agency\b|\bmulti[- ]?agency\b|\binter[- ]?agency\b|\bpartner (?:agencies|organisations)\b|\bsafeguarding partners(?:hip)?\b|\ball (?:professionals|practitioners|partners)\b|\bprofessionals from\b|\bacross (?:the )?(?:partnership|agencies|organisations)\b|\bmulti[- ]?disciplinary\b)|\bMASH\b|\bMARAC\b",
    )
    .ok()
});

static PRAISE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:was|is|were|are|as|represents?|represented|demonstrated?|shows?|showed|an example of|examples of|constituted?)\s+(?:\w+\s+){0,2}(?:good|excellent|positive|notable) practice\b|\bworked well\b|\bcommend(?:ed|able)\b|\bpraiseworthy\b|\bexemplary\b|\bexcellent practice\b|\b(?:good|positive|notable) practice (?:was|by|in|from|of|on|when)\b|\bthere was (?:good|positive|effective)\b|\bwas (?:good|excellent|effective|thorough|timely) and\b",
    )
    .ok()
});

/// Extra phrases for themes, beyond the vocabulary's labels and synonyms. A phrase ending
/// in `*` matches any word that starts with it.
const THEME_PHRASES: &[(&str, &[&str])] = &[
    (
        "physical_abuse",
        &["physical abuse", "non-accidental injur*", "physical injur*"],
    ),
    (
        "abusive_head_trauma",
        &["head injur*", "shaken", "shaking", "abusive head trauma"],
    ),
    (
        "bruising_in_non_mobile_infants",
        &[
            "non-mobile",
            "not yet mobile",
            "bruising in bab*",
            "bruising to bab*",
            "bruising in infants",
            "bruising in young bab*",
        ],
    ),
    (
        "neglect",
        &[
            "neglect*",
            "was not brought",
            "were not brought",
            "did not attend",
            "missed appointments",
            "not brought to",
        ],
    ),
    ("emotional_abuse", &["emotional abuse", "emotional harm"]),
    (
        "intrafamilial_sexual_abuse",
        &["sexual abuse", "intrafamilial", "intra-familial"],
    ),
    (
        "child_sexual_exploitation",
        &["sexual exploitation", "sexually exploited"],
    ),
    (
        "child_criminal_exploitation",
        &[
            "criminal exploitation",
            "criminally exploited",
            "county lines",
        ],
    ),
    (
        "online_abuse",
        &["online", "internet", "social media", "sexting"],
    ),
    (
        "fabricated_or_induced_illness",
        &["fabricated", "induced illness", "perplexing presentation*"],
    ),
    (
        "sudden_unexpected_death_in_infancy",
        &[
            "safe sleep*",
            "co-sleep*",
            "sudden unexpected death",
            "sudden infant death",
            "cot death",
            "unsafe sleep*",
        ],
    ),
    (
        "suicide_and_self_harm",
        &["suicid*", "self-harm*", "self harm*", "overdose*"],
    ),
    (
        "disabled_children",
        &[
            "disabled child*",
            "child with a disability",
            "children with disabilities",
            "special educational needs",
            "complex needs",
            "complex health needs",
        ],
    ),
    (
        "looked_after_children_and_care_leavers",
        &[
            "looked after",
            "looked-after",
            "care leaver*",
            "foster*",
            "children in care",
            "child in care",
        ],
    ),
    (
        "vulnerable_adolescents",
        &["adolescen*", "teenage*", "young people", "young person"],
    ),
    (
        "missing_and_not_in_school",
        &[
            "missing from",
            "missing episode*",
            "went missing",
            "not in school",
            "elective home education",
            "electively home educated",
            "home educated",
            "children missing education",
            "school attendance",
            "exclusion*",
            "excluded from school",
        ],
    ),
    (
        "fgm_forced_marriage_honour_abuse",
        &["female genital mutilation", "forced marriage", "honour"],
    ),
    (
        "trafficking_and_unaccompanied_children",
        &["traffick*", "unaccompanied", "modern slavery"],
    ),
    (
        "harmful_sexual_behaviour",
        &["harmful sexual behaviour*", "sexually harmful"],
    ),
    (
        "domestic_abuse",
        &[
            "domestic abuse",
            "domestic violence",
            "coercive control",
            "coercion and control",
            "marac",
            "idva",
        ],
    ),
    (
        "parental_mental_health",
        &[
            "parental mental health",
            "mother's mental health",
            "father's mental health",
            "mental health of parents",
            "mental health of the mother",
            "postnatal depression",
            "post-natal depression",
            "perinatal mental health",
            "maternal mental health",
            "mental ill health",
            "mental illness",
        ],
    ),
    (
        "parental_substance_misuse",
        &[
            "substance misuse",
            "drug use",
            "drug misuse",
            "alcohol",
            "illicit drug*",
            "substance use",
        ],
    ),
    (
        "parental_learning_disability",
        &[
            "parental learning disabilit*",
            "parents with learning disabilit*",
            "parent with a learning disability",
            "mother's learning disability",
            "learning disabilit*",
        ],
    ),
    (
        "unseen_men",
        &[
            "male partner*",
            "mother's partner",
            "fathers",
            "father figure*",
            "men in the household",
            "significant m*les",
            "new partner*",
            "adult males",
            "men who",
            "who else lived",
            "members of the household",
            "household composition",
        ],
    ),
    (
        "pregnancy_prebirth_and_young_parents",
        &[
            "pregnan*",
            "pre-birth",
            "prebirth",
            "unborn",
            "antenatal",
            "ante-natal",
            "young parent*",
            "teenage parent*",
            "young mother*",
        ],
    ),
    (
        "poverty_housing_and_transience",
        &[
            "poverty",
            "homeless*",
            "transien*",
            "frequent moves",
            "moved frequently",
            "house moves",
            "debt",
            "overcrowd*",
            "temporary accommodation",
        ],
    ),
    (
        "race_culture_and_faith",
        &[
            "cultur*",
            "ethnic*",
            "racism",
            "race",
            "religio*",
            "faith",
            "interpreter*",
            "first language",
            "language barrier*",
        ],
    ),
    (
        "parents_own_adverse_childhood",
        &[
            "own childhood",
            "adverse childhood",
            "parents' own",
            "parent's own history",
            "own experience of care",
        ],
    ),
    (
        "information_sharing",
        &[
            "information sharing",
            "share information",
            "shared information",
            "sharing information",
            "sharing of information",
            "information was not shared",
            "information is shared",
            "information should be shared",
            "communicat*",
        ],
    ),
    (
        "risk_assessment",
        &[
            "risk assessment*",
            "assess* risk",
            "assessment of risk",
            "assessments",
            "assessment",
        ],
    ),
    (
        "thresholds_and_escalation",
        &[
            "threshold*",
            "escalat*",
            "resolution of professional disagreement*",
            "professional disagreement*",
        ],
    ),
    (
        "voice_of_the_child",
        &[
            "voice of the child",
            "child's voice",
            "children's voices",
            "lived experience",
            "daily lived",
            "child's perspective",
            "seen alone",
            "spoken to alone",
            "wishes and feelings",
            "what life was like",
        ],
    ),
    (
        "disguised_compliance",
        &[
            "disguised compliance",
            "non-engagement",
            "did not engage",
            "non-compliance",
            "superficial*",
            "engagement with services",
        ],
    ),
    (
        "professional_curiosity_and_challenge",
        &[
            "curiosity",
            "curious",
            "challenge*",
            "challenging",
            "professional scepticism",
            "respectful uncertainty",
            "rule of optimism",
        ],
    ),
    (
        "history_and_chronologies",
        &[
            "history",
            "histories",
            "chronolog*",
            "start again",
            "previous concerns",
            "historical",
            "past concerns",
        ],
    ),
    (
        "supervision_and_workload",
        &[
            "supervision",
            "workload*",
            "caseload*",
            "staffing",
            "capacity",
        ],
    ),
    (
        "cross_boundary_working",
        &[
            "cross-boundary",
            "cross boundary",
            "across boundaries",
            "between local authorities",
            "other local authorit*",
            "moved area*",
            "moved between",
            "transfer*",
        ],
    ),
    (
        "early_help",
        &[
            "early help",
            "common assessment framework",
            "early intervention",
        ],
    ),
    (
        "child_protection_processes",
        &[
            "child protection",
            "strategy meeting*",
            "strategy discussion*",
            "section 47",
            "core group*",
            "case conference*",
        ],
    ),
    (
        "policies_procedures_and_recording",
        &["polic*", "procedure*", "protocol*", "record*", "guidance"],
    ),
];

static THEME_RES: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    THEMES
        .iter()
        .filter_map(|theme| {
            let mut phrases: Vec<String> = vec![theme.label.to_lowercase()];
            phrases.extend(theme.synonyms.iter().map(|s| s.to_string()));
            if let Some((_, extra)) = THEME_PHRASES.iter().find(|(slug, _)| *slug == theme.slug) {
                phrases.extend(extra.iter().map(|s| s.to_string()));
            }
            let alternatives: Vec<String> = phrases
                .iter()
                .map(|phrase| match phrase.strip_suffix('*') {
                    Some(stem) => format!(r"\b{}\w*", regex::escape(stem).replace('\'', "['’]")),
                    None => format!(r"\b{}\b", regex::escape(phrase).replace('\'', "['’]")),
                })
                .collect();
            // Short acronyms from the synonyms ("nai", "dna", "cse") only in capitals.
            let (acronyms, words): (Vec<_>, Vec<_>) = alternatives
                .into_iter()
                .zip(phrases.iter())
                .partition(|(_, phrase)| {
                    phrase.len() <= 4
                        && !phrase.contains(' ')
                        && phrase.chars().all(|c| c.is_ascii_lowercase())
                });
            let words: Vec<String> = words.into_iter().map(|(alt, _)| alt).collect();
            let acronyms: Vec<String> = acronyms
                .into_iter()
                .map(|(_, phrase)| format!(r"\b{}\b", phrase.to_uppercase()))
                .collect();
            let mut pattern = format!("(?i:{})", words.join("|"));
            if !acronyms.is_empty() {
                pattern.push('|');
                pattern.push_str(&acronyms.join("|"));
            }
            Regex::new(&pattern).ok().map(|re| (theme.slug, re))
        })
        .collect()
});

/// Every agency named in `text`, with how often, in order of first mention.
pub fn agencies_in(text: &str) -> Vec<(&'static str, usize)> {
    let mut found: Vec<(&'static str, usize)> = Vec::new();
    for (slug, _, _) in agency_spans(text) {
        match found.iter_mut().find(|(s, _)| *s == slug) {
            Some((_, count)) => *count += 1,
            None => found.push((slug, 1)),
        }
    }
    found
}

/// Every mention of an agency in `text`: its slug and byte range, in order of position.
pub fn agency_spans(text: &str) -> Vec<(&'static str, usize, usize)> {
    let mut masked = text.to_string();
    let mut found: Vec<(&'static str, usize, usize)> = Vec::new();
    for (slug, re) in AGENCY_RES.iter() {
        let ranges: Vec<(usize, usize)> = re
            .find_iter(&masked)
            .map(|m| (m.start(), m.end()))
            .filter(|(_, end)| *slug != "lscb" || !possessive(&masked[*end..]))
            .collect();
        for (start, end) in ranges {
            found.push((slug, start, end));
            masked.replace_range(start..end, &" ".repeat(end - start));
        }
    }
    found.sort_by_key(|(_, start, _)| *start);
    found.retain(|(slug, _, _)| AGENCIES.iter().any(|a| a.slug == *slug));
    found
}

/// "the Board's protocol" names the Board's document, not the Board as an actor.
fn possessive(after: &str) -> bool {
    after.starts_with("'s") || after.starts_with("’s")
}

/// Whether `text` speaks of agencies together: "all agencies", "partner agencies",
/// "multi-agency", the Board.
pub fn names_inter_agency(text: &str) -> bool {
    INTER_AGENCY.as_ref().is_some_and(|re| re.is_match(text))
        || agencies_in(text).iter().any(|(slug, _)| *slug == "lscb")
}

/// Whether the item praises practice rather than finding fault.
pub fn is_praise(text: &str) -> bool {
    PRAISE.as_ref().is_some_and(|re| re.is_match(text))
}

/// Up to three themes, the most often evoked first (vocabulary order breaks ties).
pub fn themes_in(text: &str) -> Vec<&'static str> {
    let mut scored: Vec<(usize, usize, &'static str)> = THEME_RES
        .iter()
        .enumerate()
        .filter_map(|(i, (slug, re))| {
            let hits = re.find_iter(text).count();
            (hits > 0).then_some((hits, i, *slug))
        })
        .collect();
    // "bruising" alone is physical abuse; with a baby it is the infants' theme.
    if !scored
        .iter()
        .any(|(_, _, s)| *s == "bruising_in_non_mobile_infants")
    {
        let lower = text.to_lowercase();
        if lower.contains("bruis")
            && ["baby", "babies", "infant", "non-mobile", "weeks old"]
                .iter()
                .any(|w| lower.contains(w))
        {
            let index = THEMES
                .iter()
                .position(|t| t.slug == "bruising_in_non_mobile_infants")
                .unwrap_or(0);
            scored.push((2, index, "bruising_in_non_mobile_infants"));
        }
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .take(3)
        .map(|(_, _, slug)| slug)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        assert_eq!(AGENCY_RES.len(), AGENCY_PATTERNS.len());
        assert_eq!(THEME_RES.len(), THEMES.len());
        assert!(INTER_AGENCY.is_some());
        assert!(PRAISE.is_some());
        for (slug, _) in AGENCY_PATTERNS {
            assert!(AGENCIES.iter().any(|a| a.slug == *slug), "{slug}");
        }
        for (slug, _) in THEME_PHRASES {
            assert!(THEMES.iter().any(|t| t.slug == *slug), "{slug}");
        }
    }

    #[test]
    fn agencies_are_specific_first() {
        let found: Vec<_> = agencies_in("The school nurse told the GP and adult social care.")
            .into_iter()
            .map(|(slug, _)| slug)
            .collect();
        assert_eq!(
            found,
            ["school_nursing", "general_practice", "adult_social_care"]
        );
    }
}
