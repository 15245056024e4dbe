//! The controlled vocabularies of DESIGN §4 as data: every slug with its human label,
//! themes with their group, and the search synonyms (acronyms, theme phrases) that the
//! index expands queries with. Nothing here is stored as a tag; it is the list that
//! validation checks against and that `/api/v1/vocabularies` serves.

use serde::Serialize;

/// A slug with its human label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Term {
    pub slug: &'static str,
    pub label: &'static str,
}

/// A theme: a term in one of three groups, with search phrases that also mean it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Theme {
    pub slug: &'static str,
    pub label: &'static str,
    pub group: &'static str,
    pub synonyms: &'static [&'static str],
}

/// The three theme groups, in display order, with their labels.
pub const THEME_GROUPS: &[Term] = &[
    t("harm_and_child", "Harm and the child"),
    t("parents_and_family", "Parents and family"),
    t("practice_and_system", "Practice and system"),
];

const fn t(slug: &'static str, label: &'static str) -> Term {
    Term { slug, label }
}

const fn theme(
    slug: &'static str,
    label: &'static str,
    group: &'static str,
    synonyms: &'static [&'static str],
) -> Theme {
    Theme {
        slug,
        label,
        group,
        synonyms,
    }
}

const HARM: &str = "harm_and_child";
const FAMILY: &str = "parents_and_family";
const PRACTICE: &str = "practice_and_system";

/// Every theme (40), grouped as in DESIGN §4.
pub const THEMES: &[Theme] = &[
    theme(
        "physical_abuse",
        "Physical abuse",
        HARM,
        &["nai", "non-accidental injury"],
    ),
    theme(
        "abusive_head_trauma",
        "Abusive head trauma",
        HARM,
        &["shaken baby", "nai", "non-accidental injury"],
    ),
    theme(
        "bruising_in_non_mobile_infants",
        "Bruising in non-mobile infants",
        HARM,
        &[],
    ),
    theme(
        "neglect",
        "Neglect",
        HARM,
        &["was not brought", "dna", "did not attend"],
    ),
    theme("emotional_abuse", "Emotional abuse", HARM, &[]),
    theme(
        "intrafamilial_sexual_abuse",
        "Intrafamilial sexual abuse",
        HARM,
        &[],
    ),
    theme(
        "child_sexual_exploitation",
        "Child sexual exploitation",
        HARM,
        &["cse"],
    ),
    theme(
        "child_criminal_exploitation",
        "Child criminal exploitation",
        HARM,
        &["county lines", "cce"],
    ),
    theme("online_abuse", "Online abuse", HARM, &[]),
    theme(
        "fabricated_or_induced_illness",
        "Fabricated or induced illness",
        HARM,
        &["fii"],
    ),
    theme(
        "sudden_unexpected_death_in_infancy",
        "Sudden unexpected death in infancy",
        HARM,
        &["sudi", "co-sleeping"],
    ),
    theme("suicide_and_self_harm", "Suicide and self-harm", HARM, &[]),
    theme("disabled_children", "Disabled children", HARM, &[]),
    theme(
        "looked_after_children_and_care_leavers",
        "Looked-after children and care leavers",
        HARM,
        &["lac", "cla"],
    ),
    theme(
        "vulnerable_adolescents",
        "Vulnerable adolescents",
        HARM,
        &[],
    ),
    theme(
        "missing_and_not_in_school",
        "Missing and not in school",
        HARM,
        &[],
    ),
    theme(
        "fgm_forced_marriage_honour_abuse",
        "FGM, forced marriage and honour-based abuse",
        HARM,
        &["fgm"],
    ),
    theme(
        "trafficking_and_unaccompanied_children",
        "Trafficking and unaccompanied children",
        HARM,
        &[],
    ),
    theme(
        "harmful_sexual_behaviour",
        "Harmful sexual behaviour",
        HARM,
        &[],
    ),
    theme("domestic_abuse", "Domestic abuse", FAMILY, &["toxic trio"]),
    theme(
        "parental_mental_health",
        "Parental mental health",
        FAMILY,
        &["toxic trio"],
    ),
    theme(
        "parental_substance_misuse",
        "Parental substance misuse",
        FAMILY,
        &["toxic trio"],
    ),
    theme(
        "parental_learning_disability",
        "Parental learning disability",
        FAMILY,
        &[],
    ),
    theme(
        "unseen_men",
        "Unseen men",
        FAMILY,
        &["hidden men", "invisible men"],
    ),
    theme(
        "pregnancy_prebirth_and_young_parents",
        "Pregnancy, pre-birth and young parents",
        FAMILY,
        &[],
    ),
    theme(
        "poverty_housing_and_transience",
        "Poverty, housing and transience",
        FAMILY,
        &[],
    ),
    theme(
        "race_culture_and_faith",
        "Race, culture and faith",
        FAMILY,
        &[],
    ),
    theme(
        "parents_own_adverse_childhood",
        "Parents' own adverse childhood",
        FAMILY,
        &[],
    ),
    theme("information_sharing", "Information sharing", PRACTICE, &[]),
    theme("risk_assessment", "Risk assessment", PRACTICE, &[]),
    theme(
        "thresholds_and_escalation",
        "Thresholds and escalation",
        PRACTICE,
        &[],
    ),
    theme("voice_of_the_child", "Voice of the child", PRACTICE, &[]),
    theme(
        "disguised_compliance",
        "Disguised compliance",
        PRACTICE,
        &["was not brought", "dna", "did not attend"],
    ),
    theme(
        "professional_curiosity_and_challenge",
        "Professional curiosity and challenge",
        PRACTICE,
        &["rule of optimism"],
    ),
    theme(
        "history_and_chronologies",
        "History and chronologies",
        PRACTICE,
        &["start again syndrome"],
    ),
    theme(
        "supervision_and_workload",
        "Supervision and workload",
        PRACTICE,
        &[],
    ),
    theme(
        "cross_boundary_working",
        "Cross-boundary working",
        PRACTICE,
        &[],
    ),
    theme("early_help", "Early help", PRACTICE, &[]),
    theme(
        "child_protection_processes",
        "Child protection processes",
        PRACTICE,
        &[],
    ),
    theme(
        "policies_procedures_and_recording",
        "Policies, procedures and recording",
        PRACTICE,
        &[],
    ),
];

pub const REGIONS: &[Term] = &[
    t("north_east", "North East"),
    t("north_west", "North West"),
    t("yorkshire_and_humber", "Yorkshire and the Humber"),
    t("east_midlands", "East Midlands"),
    t("west_midlands", "West Midlands"),
    t("east_of_england", "East of England"),
    t("london", "London"),
    t("south_east", "South East"),
    t("south_west", "South West"),
    t("wales", "Wales"),
];

pub const REVIEW_TYPES: &[Term] = &[
    t("serious_case_review", "Serious case review"),
    t(
        "child_safeguarding_practice_review",
        "Child safeguarding practice review",
    ),
    t("national_review", "National review"),
    t("child_practice_review", "Child practice review (Wales)"),
    t("other_learning_review", "Other learning review"),
];

pub const METHODOLOGIES: &[Term] = &[
    t(
        "imr_and_overview",
        "Individual management reviews and overview report",
    ),
    t("scie_learning_together", "SCIE Learning Together"),
    t("silp", "Significant incident learning process"),
    t("welsh_child_practice_review", "Welsh child practice review"),
    t("appreciative_inquiry", "Appreciative inquiry"),
    t("other", "Other"),
];

pub const AGE_BANDS: &[Term] = &[
    t("unborn", "Unborn"),
    t("under_1", "Under 1"),
    t("1_to_5", "1 to 5"),
    t("6_to_10", "6 to 10"),
    t("11_to_15", "11 to 15"),
    t("16_to_17", "16 to 17"),
    t("18_plus", "18 and over"),
    t("not_stated", "Not stated"),
];

pub const AGENCIES: &[Term] = &[
    t("childrens_social_care", "Children's social care"),
    t("early_help", "Early help"),
    t("police", "Police"),
    t("general_practice", "General practice"),
    t("health_visiting", "Health visiting"),
    t("school_nursing", "School nursing"),
    t("midwifery", "Midwifery"),
    t("emergency_department", "Emergency department"),
    t("acute_paediatrics", "Acute paediatrics"),
    t("ambulance", "Ambulance service"),
    t("camhs", "Child and adolescent mental health services"),
    t("adult_mental_health", "Adult mental health"),
    t("substance_misuse_services", "Substance misuse services"),
    t("school", "School"),
    t("early_years", "Early years"),
    t("further_education", "Further education"),
    t("probation", "Probation"),
    t("youth_justice", "Youth justice"),
    t("housing", "Housing"),
    t("adult_social_care", "Adult social care"),
    t("cafcass", "Cafcass"),
    t("local_authority_legal", "Local authority legal services"),
    t("domestic_abuse_services", "Domestic abuse services"),
    t("voluntary_sector", "Voluntary sector"),
    t("faith_organisations", "Faith organisations"),
    t("secure_estate", "Secure estate"),
    t("immigration", "Immigration"),
    t("commissioners", "Commissioners"),
    t("lscb", "Local Safeguarding Children Board"),
    t("national_body", "National body"),
    t("other_local_authority", "Other local authority"),
];

pub const INCIDENTS: &[Term] = &[
    t("death", "Death"),
    t("serious_harm", "Serious harm"),
    t("other", "Other"),
];

pub const ABUSE: &[Term] = &[
    t("neglect", "Neglect"),
    t("physical", "Physical"),
    t("sexual", "Sexual"),
    t("emotional", "Emotional"),
];

pub const SOURCES_OF_HARM: &[Term] = &[
    t("parent", "Parent"),
    t("parents_partner", "Parent's partner"),
    t("other_relative", "Other relative"),
    t("another_child", "Another child"),
    t("other_known_adult", "Other known adult"),
    t(
        "person_in_position_of_trust",
        "Person in a position of trust",
    ),
    t("stranger", "Stranger"),
    t("self", "Self"),
    t("unknown", "Unknown"),
];

pub const SEXES: &[Term] = &[
    t("female", "Female"),
    t("male", "Male"),
    t("not_stated", "Not stated"),
];

pub const PARALLEL_PROCESSES: &[Term] = &[
    t("criminal_trial", "Criminal trial"),
    t("inquest", "Inquest"),
    t("care_proceedings", "Care proceedings"),
    t("domestic_homicide_review", "Domestic homicide review"),
    t("other", "Other"),
];

pub const OFSTED_GRADES: &[Term] = &[
    t("outstanding", "Outstanding"),
    t("good", "Good"),
    t("adequate", "Adequate"),
    t("inadequate", "Inadequate"),
    t("not_evaluated", "Not evaluated"),
];

pub const LESSON_KINDS: &[Term] = &[
    t("lesson", "Lesson"),
    t("recommendation", "Recommendation"),
    t("good_practice", "Good practice"),
];

/// The status of an action of a recommendation's plan (DESIGN §10).
pub const ACTION_STATUSES: &[Term] = &[
    t("planned", "Planned"),
    t("in_progress", "In progress"),
    t("completed", "Completed"),
    t("not_accepted", "Not accepted"),
    t("superseded", "Superseded"),
];

/// A recommendation's follow-through, derived from its actions (DESIGN §10); `overdue`
/// is a value of the search facet, not a state (an overdue recommendation is also in
/// progress or not started).
pub const PROGRESS: &[Term] = &[
    t("no_plan", "No action plan"),
    t("not_started", "Not started"),
    t("in_progress", "In progress"),
    t("completed", "Completed"),
    t("not_accepted", "Not accepted"),
    t("overdue", "Overdue"),
];

pub const LEVELS: &[Term] = &[
    t("individual", "Individual agency"),
    t("inter_agency", "Inter-agency"),
];

pub const DOCUMENT_TYPES: &[Term] = &[
    t("executive_summary", "Executive summary"),
    t("overview_report", "Overview report"),
    t("action_plan", "Action plan"),
    t("briefing", "Briefing"),
    t("other", "Other"),
];

pub const TIMELINESS: &[Term] = &[
    t("within_6_months", "Within six months"),
    t("over_6_months", "Over six months"),
    t("unknown", "Unknown"),
];

/// Groups of words and phrases that mean the same thing in a search (acronyms and their
/// full forms). A query that contains any member also matches every other member.
/// Written in lower case; `&` and `'` are part of a word.
pub const TEXT_SYNONYMS: &[&[&str]] = &[
    &[
        "gp",
        "gps",
        "general practitioner",
        "general practitioners",
        "general practice",
    ],
    &[
        "a&e",
        "accident and emergency",
        "emergency department",
        "ed",
    ],
    &[
        "csc",
        "children's social care",
        "childrens social care",
        "children's services",
    ],
    &["dv", "domestic violence", "domestic abuse"],
    &["hv", "health visitor", "health visitors", "health visiting"],
    &[
        "camhs",
        "child and adolescent mental health services",
        "child and adolescent mental health service",
    ],
    &[
        "mash",
        "multi-agency safeguarding hub",
        "multi agency safeguarding hub",
    ],
    &[
        "marac",
        "multi-agency risk assessment conference",
        "multi agency risk assessment conference",
    ],
    &["cp plan", "child protection plan"],
    &["icpc", "initial child protection conference"],
    &["nai", "non-accidental injury", "non accidental injury"],
    &[
        "sudi",
        "sudden unexpected death in infancy",
        "sudden infant death",
    ],
    &["cse", "child sexual exploitation"],
    &[
        "lac",
        "cla",
        "looked after child",
        "looked after children",
        "child looked after",
        "children looked after",
    ],
    &[
        "dna",
        "did not attend",
        "was not brought",
        "were not brought",
    ],
    &["fii", "fabricated or induced illness"],
    &["fgm", "female genital mutilation"],
    &["imr", "individual management review"],
    &["scr", "serious case review"],
    &["lscb", "local safeguarding children board"],
    &["hidden men", "invisible men", "unseen men"],
    &[
        "shaken baby",
        "abusive head trauma",
        "non-accidental head injury",
    ],
    &[
        "idva",
        "idvas",
        "independent domestic violence adviser",
        "independent domestic violence advisor",
        "independent domestic violence advisers",
        "independent domestic violence advisors",
    ],
    &[
        "isva",
        "independent sexual violence adviser",
        "independent sexual violence advisor",
    ],
    &["caf", "common assessment framework"],
    &["eha", "early help assessment"],
    &["cin", "child in need", "children in need"],
    &["lado", "local authority designated officer"],
    &["dsl", "designated safeguarding lead"],
    &[
        "ehe",
        "elective home education",
        "home education",
        "home educated",
        "home schooling",
        "home schooled",
    ],
    &[
        "cme",
        "child missing education",
        "children missing education",
    ],
    &["mappa", "multi-agency public protection arrangements"],
    &[
        "uasc",
        "unaccompanied asylum-seeking child",
        "unaccompanied asylum-seeking children",
    ],
    &[
        "yot",
        "yos",
        "youth offending team",
        "youth offending service",
    ],
    &["sgo", "special guardianship order"],
    &["plo", "public law outline"],
    &[
        "s47",
        "section 47",
        "child protection enquiry",
        "child protection enquiries",
    ],
    &["s17", "section 17"],
    &["strategy discussion", "strategy meeting"],
    &["rcpc", "review child protection conference"],
    &["ehcp", "education health and care plan"],
    &["nfa", "no further action"],
    &["co-sleeping", "cosleeping", "bed sharing", "bed-sharing"],
    &["county lines", "cce", "child criminal exploitation"],
    &["start again syndrome", "fresh start"],
    &["rule of optimism", "over-optimistic", "overly optimistic"],
    &["young carer", "young carers", "caring for a parent"],
    &["baby", "babies", "infant", "infants"],
    &[
        "teenager",
        "teenagers",
        "adolescent",
        "adolescents",
        "young person",
        "young people",
    ],
    &["mum", "mother"],
    &["dad", "father"],
];

/// Every vocabulary a field can be checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocabulary {
    Theme,
    Agency,
    Region,
    ReviewType,
    Methodology,
    AgeBand,
    Incident,
    Abuse,
    SourceOfHarm,
    Sex,
    ParallelProcess,
    OfstedGrade,
    LessonKind,
    Level,
    DocumentType,
    Timeliness,
    ActionStatus,
    Progress,
}

impl Vocabulary {
    /// Every `(slug, label)` of this vocabulary, in display order.
    pub fn terms(self) -> Vec<Term> {
        match self {
            Vocabulary::Theme => THEMES.iter().map(|th| t(th.slug, th.label)).collect(),
            other => other.plain_terms().to_vec(),
        }
    }

    fn plain_terms(self) -> &'static [Term] {
        match self {
            Vocabulary::Theme => &[],
            Vocabulary::Agency => AGENCIES,
            Vocabulary::Region => REGIONS,
            Vocabulary::ReviewType => REVIEW_TYPES,
            Vocabulary::Methodology => METHODOLOGIES,
            Vocabulary::AgeBand => AGE_BANDS,
            Vocabulary::Incident => INCIDENTS,
            Vocabulary::Abuse => ABUSE,
            Vocabulary::SourceOfHarm => SOURCES_OF_HARM,
            Vocabulary::Sex => SEXES,
            Vocabulary::ParallelProcess => PARALLEL_PROCESSES,
            Vocabulary::OfstedGrade => OFSTED_GRADES,
            Vocabulary::LessonKind => LESSON_KINDS,
            Vocabulary::Level => LEVELS,
            Vocabulary::DocumentType => DOCUMENT_TYPES,
            Vocabulary::Timeliness => TIMELINESS,
            Vocabulary::ActionStatus => ACTION_STATUSES,
            Vocabulary::Progress => PROGRESS,
        }
    }

    /// Whether `slug` belongs to this vocabulary.
    pub fn contains(self, slug: &str) -> bool {
        match self {
            Vocabulary::Theme => THEMES.iter().any(|th| th.slug == slug),
            other => other.plain_terms().iter().any(|term| term.slug == slug),
        }
    }

    /// The human label of `slug`, if it belongs to this vocabulary.
    pub fn label(self, slug: &str) -> Option<&'static str> {
        match self {
            Vocabulary::Theme => THEMES.iter().find(|th| th.slug == slug).map(|th| th.label),
            other => other
                .plain_terms()
                .iter()
                .find(|term| term.slug == slug)
                .map(|term| term.label),
        }
    }

    /// Every slug, for error messages that list the allowed values.
    pub fn slugs(self) -> Vec<String> {
        self.terms()
            .iter()
            .map(|term| term.slug.to_string())
            .collect()
    }
}

/// The theme with this slug.
pub fn theme_by_slug(slug: &str) -> Option<&'static Theme> {
    THEMES.iter().find(|th| th.slug == slug)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn vocabularies_have_the_sizes_of_the_design() {
        assert_eq!(THEMES.len(), 40);
        assert_eq!(AGENCIES.len(), 31);
        assert_eq!(REGIONS.len(), 10);
        assert_eq!(AGE_BANDS.len(), 8);
    }

    #[test]
    fn slugs_are_unique_and_groups_known() {
        let slugs: HashSet<_> = THEMES.iter().map(|th| th.slug).collect();
        assert_eq!(slugs.len(), THEMES.len());
        for th in THEMES {
            assert!(
                THEME_GROUPS.iter().any(|g| g.slug == th.group),
                "{}",
                th.slug
            );
        }
        let agencies: HashSet<_> = AGENCIES.iter().map(|a| a.slug).collect();
        assert_eq!(agencies.len(), AGENCIES.len());
    }

    #[test]
    fn toxic_trio_names_its_three_themes() {
        let trio: Vec<_> = THEMES
            .iter()
            .filter(|th| th.synonyms.contains(&"toxic trio"))
            .map(|th| th.slug)
            .collect();
        assert_eq!(
            trio,
            [
                "domestic_abuse",
                "parental_mental_health",
                "parental_substance_misuse"
            ]
        );
    }

    #[test]
    fn labels_and_membership() {
        assert_eq!(
            Vocabulary::Agency.label("camhs"),
            Some("Child and adolescent mental health services")
        );
        assert!(Vocabulary::Theme.contains("neglect"));
        assert!(!Vocabulary::Theme.contains("negelct"));
        assert_eq!(Vocabulary::Level.slugs(), ["individual", "inter_agency"]);
    }
}
