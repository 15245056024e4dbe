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

/// An everyday way of saying something, with the words the reviews use for it and the
/// themes it means. Unlike [`TEXT_SYNONYMS`] the equivalence runs one way: a query that
/// says it also matches what it means (and, through [`TEXT_SYNONYMS`], their acronyms
/// and full forms) and the documents tagged with its themes; a query in the reviews' own
/// words is not widened to everyday speech.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Everyday {
    /// What a practitioner or member of the public types (lower case; `'` is part of a word).
    pub say: &'static [&'static str],
    /// What the reviews write for it (may be empty when only `themes` are meant).
    pub means: &'static [&'static str],
    /// Theme slugs whose tagged reviews and findings it reaches.
    pub themes: &'static [&'static str],
    /// Why the equivalence holds.
    pub why: &'static str,
}

const fn everyday(
    say: &'static [&'static str],
    means: &'static [&'static str],
    themes: &'static [&'static str],
    why: &'static str,
) -> Everyday {
    Everyday {
        say,
        means,
        themes,
        why,
    }
}

/// Lay-to-professional equivalents: everyday words and phrases, the reviews' words for
/// them, and the themes they name. Each entry says why it holds.
pub const EVERYDAY: &[Everyday] = &[
    // A theme's own name, its parts and its everyday words reach its tagged documents.
    everyday(
        &[
            "suicide",
            "suicides",
            "suicidal",
            "self-harm",
            "self harm",
            "self-harming",
            "self harming",
            "self-harmed",
            "self harmed",
            "self-harms",
        ],
        &[],
        &["suicide_and_self_harm"],
        "the two halves of the theme's name: each alone means the theme",
    ),
    everyday(
        &[
            "took her own life",
            "took his own life",
            "took their own life",
            "killed herself",
            "killed himself",
            "kill herself",
            "kill himself",
            "ended her life",
            "ended his life",
        ],
        &["suicide"],
        &["suicide_and_self_harm"],
        "everyday words for a death by suicide",
    ),
    everyday(
        &[
            "cutting herself",
            "cutting himself",
            "cut herself",
            "cut himself",
            "overdose",
            "overdosed",
            "overdoses",
        ],
        &["self-harm"],
        &["suicide_and_self_harm"],
        "the commonest forms of self-harm in the reviews",
    ),
    everyday(
        &["neglected", "neglecting", "neglectful"],
        &["neglect"],
        &["neglect"],
        "inflections the stemmer does not bring to 'neglect'",
    ),
    everyday(
        &[
            "dirty house",
            "dirty home",
            "messy house",
            "filthy house",
            "filthy home",
            "state of the house",
            "state of the home",
            "smelly",
            "unkempt",
            "dirty clothes",
        ],
        &["home conditions", "poor home conditions", "hygiene"],
        &["neglect"],
        "how a visitor describes what reviews call poor home conditions, a sign of neglect",
    ),
    everyday(
        &[
            "underweight",
            "not fed",
            "underfed",
            "hungry",
            "losing weight",
            "lost weight",
            "skinny",
            "not growing",
            "not putting on weight",
        ],
        &[
            "faltering growth",
            "weight",
            "failure to thrive",
            "malnourished",
        ],
        &["neglect"],
        "everyday words for faltering growth, a sign of neglect",
    ),
    everyday(
        &[
            "home alone",
            "left alone",
            "left on their own",
            "left on his own",
            "left on her own",
            "unsupervised",
        ],
        &["left alone", "unsupervised", "left unsupervised"],
        &["neglect"],
        "a child left without care is neglect, not the supervision of staff",
    ),
    everyday(
        &[
            "not brought",
            "wasn't brought",
            "weren't brought",
            "not taken to",
            "missed appointment",
            "missed appointments",
            "miss appointments",
            "misses appointments",
            "missing appointments",
            "missed health appointments",
            "didn't attend",
            "didnt attend",
            "did not turn up",
            "didn't turn up",
            "failed to attend",
            "no show",
            "no shows",
        ],
        &["was not brought", "did not attend", "missed appointments"],
        &[],
        "a child who misses an appointment was not brought (DNA)",
    ),
    everyday(
        &[
            "never seen",
            "was never seen",
            "were never seen",
            "never met",
        ],
        &["not seen", "never seen", "unseen"],
        &[],
        "'never seen' is said 'not seen' or 'unseen' in the reviews ('not seen' itself stays two words)",
    ),
    everyday(
        &[
            "seen alone",
            "spoken to alone",
            "speak to alone",
            "talk to alone",
            "talked to alone",
            "spoke to alone",
            "seen on their own",
            "spoken to on their own",
            "seen by themselves",
            "alone without their parents",
        ],
        &[
            "seen alone",
            "spoken to alone",
            "seen on their own",
            "spoken to on their own",
        ],
        &["voice_of_the_child"],
        "seeing or speaking to a child away from its carers is how the child's voice is heard",
    ),
    everyday(
        &[
            "daddy",
            "dads",
            "stepdad",
            "stepdads",
            "step-dad",
            "step dad",
            "stepfather",
            "stepfathers",
            "step-father",
            "father figure",
        ],
        &["father", "stepfather"],
        &[],
        "everyday and step forms of 'father'",
    ),
    everyday(
        &["mummy", "mom", "moms", "mam", "mums"],
        &["mother"],
        &[],
        "everyday and regional forms of 'mother'",
    ),
    everyday(
        &[
            "mum's boyfriend",
            "mums boyfriend",
            "mother's boyfriend",
            "mum's new boyfriend",
            "mother's new boyfriend",
            "new boyfriend",
            "mum's partner",
            "mum's new partner",
        ],
        &[
            "mother's partner",
            "mother's new partner",
            "new partner",
            "boyfriend",
        ],
        &["unseen_men"],
        "a mother's new partner is the man reviews most often find unknown to agencies",
    ),
    everyday(
        &["kids", "kid"],
        &["children", "child"],
        &[],
        "everyday word for children",
    ),
    everyday(
        &["social services", "social worker's office"],
        &["children's social care"],
        &[],
        "the older, everyday name of children's social care",
    ),
    everyday(
        &[
            "doctor",
            "doctors",
            "family doctor",
            "gp surgery",
            "doctor's surgery",
        ],
        &["gp", "general practitioner"],
        &[],
        "a family's doctor is its GP",
    ),
    everyday(
        &["casualty", "hospital emergency"],
        &["a&e", "emergency department"],
        &[],
        "the everyday name of the emergency department",
    ),
    everyday(
        &[
            "mash",
            "multi-agency safeguarding hub",
            "multi agency safeguarding hub",
        ],
        &[
            "joint screening",
            "screened jointly",
            "multi-agency screening",
            "front door",
            "information sharing",
        ],
        &["information_sharing"],
        "a MASH is where agencies screen referrals together by sharing what each knows",
    ),
    everyday(
        &[
            "share information",
            "sharing information",
            "shared information",
            "shares information",
            "pass on information",
            "passed on",
            "not passed on",
            "information not shared",
            "tell each other",
            "told each other",
        ],
        &["information sharing"],
        &["information_sharing"],
        "everyday words for information sharing between agencies",
    ),
    everyday(
        &[
            "moved area",
            "moves area",
            "move area",
            "moving area",
            "moved areas",
            "moves areas",
            "moved away",
            "moved to another area",
            "another area",
            "different area",
            "out of area",
            "out-of-area",
            "moved between areas",
            "another local authority",
            "another council",
            "cross border",
            "cross-border",
        ],
        &[
            "cross-boundary",
            "transfer",
            "another local authority",
            "out of area",
            "moved",
        ],
        &["cross_boundary_working"],
        "a family that moves area crosses the boundary between local authorities",
    ),
    everyday(
        &["far from home", "miles away", "far away"],
        &["out of area", "out-of-area", "distant placement"],
        &["cross_boundary_working"],
        "a placement far from home is an out-of-area placement",
    ),
    everyday(
        &[
            "moved house",
            "moving house",
            "moves house",
            "moved home",
            "kept moving",
            "homeless",
            "homelessness",
            "evicted",
            "eviction",
            "overcrowded",
            "overcrowding",
        ],
        &["transience", "temporary accommodation", "housing", "moved"],
        &["poverty_housing_and_transience"],
        "everyday words for housing insecurity and frequent moves",
    ),
    everyday(
        &[
            "poverty",
            "housing",
            "transience",
            "transient",
            "temporary accommodation",
        ],
        &[],
        &["poverty_housing_and_transience"],
        "the parts of the theme's name",
    ),
    everyday(
        &[
            "disagree",
            "disagreed",
            "disagrees",
            "disagreement",
            "disagreements",
            "disagreeing",
            "dispute",
            "disputed",
            "not happy with",
            "unhappy with",
            "challenge a decision",
            "challenged",
        ],
        &[
            "escalation",
            "escalate",
            "professional disagreement",
            "challenge",
            "dispute",
        ],
        &[
            "thresholds_and_escalation",
            "professional_curiosity_and_challenge",
        ],
        "a professional who disagrees with a decision escalates or challenges it",
    ),
    everyday(
        &[
            "threshold",
            "thresholds",
            "escalation",
            "escalate",
            "escalated",
            "escalating",
        ],
        &[],
        &["thresholds_and_escalation"],
        "the two halves of the theme's name",
    ),
    everyday(
        &[
            "too many cases",
            "too many families",
            "caseload",
            "caseloads",
            "workload",
            "workloads",
            "overworked",
            "overstretched",
            "short staffed",
            "short-staffed",
            "staff shortages",
            "understaffed",
            "vacancies",
            "unallocated",
        ],
        &[
            "caseload",
            "caseloads",
            "workload",
            "high caseloads",
            "vacancies",
            "unallocated",
        ],
        &["supervision_and_workload"],
        "everyday words for high caseloads and staff shortages",
    ),
    everyday(
        &[
            "pregnant",
            "pregnancy",
            "unborn",
            "unborn baby",
            "expecting a baby",
            "pre-birth",
            "prebirth",
            "antenatal",
        ],
        &["pregnancy", "pregnant", "unborn", "pre-birth", "antenatal"],
        &["pregnancy_prebirth_and_young_parents"],
        "'pregnant' and 'pregnancy' stem apart; both mean the theme",
    ),
    everyday(
        &[
            "teenage mum",
            "teenage mother",
            "young mum",
            "young mother",
            "teenage parents",
            "teenage parent",
            "young parents",
            "young parent",
        ],
        &["young mother", "young parents", "teenage mother"],
        &["pregnancy_prebirth_and_young_parents"],
        "part of the theme's name, in everyday words",
    ),
    everyday(
        &[
            "run away",
            "runs away",
            "ran away",
            "running away",
            "runaway",
            "went missing",
            "goes missing",
            "go missing",
            "going missing",
            "absconded",
            "absconding",
        ],
        &[
            "missing",
            "missing episodes",
            "missing from home",
            "return interview",
        ],
        &["missing_and_not_in_school"],
        "a child who runs away is reported missing; reviews speak of missing episodes",
    ),
    everyday(
        &[
            "off school",
            "not going to school",
            "not in school",
            "out of school",
            "skipping school",
            "bunking off",
            "truanting",
            "truancy",
            "not attending school",
            "poor attendance",
            "school attendance",
            "absent from school",
            "excluded from school",
            "exclusion",
        ],
        &[
            "attendance",
            "non-attendance",
            "absence",
            "missing education",
            "exclusion",
        ],
        &["missing_and_not_in_school"],
        "everyday words for a child not in school",
    ),
    everyday(
        &[
            "in care",
            "children in care",
            "child in care",
            "foster care",
            "fostered",
            "foster carer",
            "foster carers",
            "care home",
            "children's home",
            "care leaver",
            "care leavers",
            "leaving care",
            "taken into care",
        ],
        &[
            "looked after",
            "looked after children",
            "placement",
            "care leaver",
        ],
        &["looked_after_children_and_care_leavers"],
        "a child in care is a looked-after child; the theme's name and its parts",
    ),
    everyday(
        &[
            "sell drugs",
            "selling drugs",
            "sold drugs",
            "deal drugs",
            "dealing drugs",
            "drug dealing",
            "drug dealer",
            "drug dealers",
            "drug runner",
            "drug running",
            "carry drugs",
            "carrying drugs",
            "gang",
            "gangs",
        ],
        &["county lines", "criminal exploitation", "drugs"],
        &["child_criminal_exploitation"],
        "children used to sell or carry drugs are criminally exploited (county lines)",
    ),
    everyday(
        &[
            "groomed",
            "grooming",
            "sexually exploited",
            "sexual exploitation",
            "older men",
        ],
        &["sexual exploitation", "grooming"],
        &["child_sexual_exploitation"],
        "the words reviews use around child sexual exploitation",
    ),
    everyday(
        &[
            "cot death",
            "died in their sleep",
            "died in his sleep",
            "died in her sleep",
            "died while sleeping",
            "sleeping with parents",
            "sleeping with her parents",
            "sleeping with his parents",
            "slept with parents",
            "slept with the parents",
            "in the parents' bed",
            "in bed with",
            "on the sofa",
            "sofa sleeping",
            "safe sleep",
            "safe sleeping",
            "unsafe sleep",
            "unsafe sleeping",
        ],
        &["co-sleeping", "safe sleeping", "sudden unexpected death"],
        &["sudden_unexpected_death_in_infancy"],
        "a baby who dies asleep beside a parent is a co-sleeping SUDI",
    ),
    everyday(
        &[
            "head injury",
            "head injuries",
            "brain injury",
            "skull fracture",
            "bleed on the brain",
        ],
        &["head injury", "subdural"],
        &["abusive_head_trauma"],
        "everyday words for an infant head injury",
    ),
    everyday(
        &[
            "bruised baby",
            "bruised babies",
            "bruises on a baby",
            "bruising on a baby",
            "non-mobile",
            "non mobile",
            "not yet mobile",
            "not mobile",
            "immobile",
        ],
        &["bruising", "non-mobile"],
        &["bruising_in_non_mobile_infants"],
        "the theme's name in parts",
    ),
    everyday(
        &[
            "smacked",
            "slapped",
            "punched",
            "kicked",
            "hit the child",
            "hitting the child",
            "beaten",
            "physically abused",
            "physical harm",
        ],
        &[
            "physical abuse",
            "assault",
            "physical chastisement",
            "injury",
        ],
        &["physical_abuse"],
        "everyday words for physical abuse",
    ),
    everyday(
        &[
            "sexually abused",
            "sexual abuse",
            "incest",
            "abused by her father",
            "abused by his father",
            "abused by a relative",
        ],
        &["sexual abuse"],
        &["intrafamilial_sexual_abuse"],
        "part of the theme's name, in everyday words",
    ),
    everyday(
        &[
            "sexualised behaviour",
            "sexually harmful behaviour",
            "abused another child",
            "abusing other children",
        ],
        &["harmful sexual behaviour", "sexualised behaviour"],
        &["harmful_sexual_behaviour"],
        "everyday words for harmful sexual behaviour",
    ),
    everyday(
        &["emotional harm", "emotionally abused", "emotional neglect"],
        &["emotional abuse", "emotional harm"],
        &["emotional_abuse"],
        "the theme's name in other words",
    ),
    everyday(
        &[
            "online",
            "internet",
            "social media",
            "sexting",
            "indecent images",
            "nude images",
        ],
        &["online", "internet", "social media"],
        &["online_abuse"],
        "the theme's name and where online abuse happens",
    ),
    everyday(
        &[
            "trafficked",
            "trafficking",
            "modern slavery",
            "smuggled",
            "unaccompanied",
        ],
        &["trafficking", "trafficked", "unaccompanied"],
        &["trafficking_and_unaccompanied_children"],
        "the theme's name and its parts",
    ),
    everyday(
        &[
            "forced marriage",
            "honour-based abuse",
            "honour based abuse",
            "honour-based violence",
            "honour based violence",
        ],
        &[
            "forced marriage",
            "honour-based abuse",
            "honour-based violence",
        ],
        &["fgm_forced_marriage_honour_abuse"],
        "the parts of the theme's name",
    ),
    everyday(
        &[
            "munchausen",
            "munchausen's",
            "made up illness",
            "faked illness",
            "faking illness",
        ],
        &["fabricated or induced illness"],
        &["fabricated_or_induced_illness"],
        "the older and everyday names of fabricated or induced illness",
    ),
    everyday(
        &[
            "autism",
            "autistic",
            "special needs",
            "special educational needs",
            "disabled child",
            "disabled children",
            "disability",
            "disabilities",
        ],
        &[
            "disabled",
            "disability",
            "autism",
            "special educational needs",
        ],
        &["disabled_children"],
        "the theme's name and the commonest disabilities in the reviews",
    ),
    everyday(
        &[
            "religion",
            "religious",
            "church",
            "mosque",
            "culture",
            "cultural",
            "ethnicity",
            "ethnic",
            "racism",
            "faith",
        ],
        &["faith", "culture", "religious", "cultural"],
        &["race_culture_and_faith"],
        "the theme's name and its everyday words",
    ),
    everyday(
        &[
            "own childhood",
            "parent's own childhood",
            "mother's own childhood",
            "father's own childhood",
            "abused as a child",
            "grew up in care",
            "adverse childhood experiences",
            "aces",
        ],
        &[
            "own childhood",
            "adverse childhood",
            "childhood experiences",
        ],
        &["parents_own_adverse_childhood"],
        "the theme's name in everyday words",
    ),
    everyday(
        &[
            "chronology",
            "chronologies",
            "previous history",
            "past history",
            "family history",
            "previous concerns",
            "history",
        ],
        &["chronology", "history", "previous concerns"],
        &["history_and_chronologies"],
        "the theme's name and its parts",
    ),
    everyday(
        &[
            "curious",
            "curiosity",
            "took at face value",
            "face value",
            "believed the parents",
            "accepted the parents' account",
            "accepted what they were told",
            "asked questions",
            "ask questions",
            "asking questions",
        ],
        &["professional curiosity", "curiosity", "face value"],
        &["professional_curiosity_and_challenge"],
        "everyday words for (a lack of) professional curiosity",
    ),
    everyday(
        &[
            "pretending to cooperate",
            "pretended to cooperate",
            "false compliance",
            "superficial compliance",
            "apparent cooperation",
            "went along with",
            "playing along",
        ],
        &["disguised compliance", "apparent cooperation"],
        &["disguised_compliance"],
        "everyday words for disguised compliance",
    ),
    everyday(
        &["supervision", "reflective supervision"],
        &[],
        &["supervision_and_workload"],
        "part of the theme's name",
    ),
    everyday(
        &[
            "case conference",
            "core group",
            "child protection conference",
            "on a plan",
            "on a child protection plan",
        ],
        &[
            "child protection conference",
            "core group",
            "strategy discussion",
        ],
        &["child_protection_processes"],
        "the meetings of the child protection process",
    ),
    everyday(
        &[
            "record keeping",
            "record-keeping",
            "paperwork",
            "policy",
            "policies",
            "procedure",
            "procedures",
        ],
        &["recording", "records", "procedures"],
        &["policies_procedures_and_recording"],
        "the theme's name and its everyday words",
    ),
    everyday(
        &["early intervention", "family support", "early support"],
        &["early help"],
        &["early_help"],
        "the older and everyday names of early help",
    ),
    everyday(
        &[
            "assess risk",
            "assessing risk",
            "assessed risk",
            "risk assessed",
        ],
        &["risk assessment", "risk"],
        &["risk_assessment"],
        "everyday words for risk assessment",
    ),
    everyday(
        &[
            "violent partner",
            "violent relationship",
            "domestic incident",
            "domestic incidents",
            "domestic",
            "domestics",
            "fighting at home",
            "wife beating",
        ],
        &["domestic abuse", "domestic violence"],
        &["domestic_abuse"],
        "everyday words (and police shorthand) for domestic abuse",
    ),
    everyday(
        &[
            "drunk",
            "drinking",
            "drinker",
            "alcoholic",
            "alcoholism",
            "drink problem",
        ],
        &["alcohol", "alcohol misuse"],
        &[],
        "everyday words for alcohol misuse",
    ),
    everyday(
        &[
            "drug use",
            "drug user",
            "drug users",
            "drug taking",
            "taking drugs",
            "on drugs",
            "drug addict",
            "addict",
            "addiction",
        ],
        &["substance misuse", "drug misuse", "drug use"],
        &[],
        "everyday words for drug misuse",
    ),
    everyday(
        &[
            "learning difficulties",
            "learning difficulty",
            "learning disabled",
            "learning disability",
            "learning disabilities",
        ],
        &[
            "learning disability",
            "learning disabilities",
            "learning difficulties",
        ],
        &[],
        "'learning difficulties' is the everyday (and older) name of a learning disability",
    ),
    everyday(
        &[
            "refer",
            "refers",
            "referred",
            "referring",
            "did not refer",
            "didn't refer",
            "failed to refer",
        ],
        &["referral", "referrals", "refer"],
        &[],
        "'refer' and 'referral' stem apart; telling social care of a concern is a referral",
    ),
    everyday(
        &["worry", "worries", "worried", "worrying"],
        &["concern", "concerns"],
        &[],
        "the reviews' word for a worry is a concern",
    ),
    everyday(
        &["disclose", "discloses", "disclosed", "disclosing", "disclosure", "disclosures",
          "told someone", "told a teacher", "told her teacher", "told his teacher"],
        &["disclosure", "disclosures", "disclosed", "disclose"],
        &[],
        "'disclosing' and 'disclosure' stem apart; a child telling is a disclosure",
    ),
    everyday(
        &["supervising", "supervise", "supervised", "supervisor", "supervisors"],
        &["supervision"],
        &["supervision_and_workload"],
        "the theme's name in its verb forms",
    ),
    everyday(
        &["start again syndrome"],
        &["fresh start", "afresh", "start again", "previous history", "previous records"],
        &[],
        "start again syndrome is each new worker or move starting afresh without the history",
    ),
    everyday(
        &["think family"],
        &["whole family", "whole-family", "adult services", "children of adult"],
        &[],
        "think family asks adult services to consider the children of the adults they serve",
    ),
];

/// A meaning carried by several words anywhere in a query rather than by one phrase
/// ("dad ... never seen": an unseen man). When the query holds a phrase of every group,
/// it also matches what the combination means and the documents tagged with its themes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Combination {
    /// Each group: the query must hold at least one of its phrases (lower case words).
    pub all_of: &'static [&'static [&'static str]],
    /// What the reviews write for the combination.
    pub means: &'static [&'static str],
    /// Theme slugs whose tagged reviews and findings it reaches.
    pub themes: &'static [&'static str],
    /// Why the combination holds.
    pub why: &'static str,
}

const MEN: &[&str] = &[
    "dad",
    "dads",
    "daddy",
    "father",
    "fathers",
    "stepfather",
    "stepdad",
    "step-father",
    "partner",
    "partners",
    "boyfriend",
    "boyfriends",
    "man",
    "men",
    "male",
    "males",
    "father figure",
    "father's",
    "dad's",
];
const PARENTS: &[&str] = &[
    "parent", "parents", "parental", "parent's", "parents'", "mum", "mums", "mother", "mothers",
    "mother's", "mum's", "dad", "dads", "father", "fathers", "father's", "dad's", "carer",
    "carers",
];
const CHILDREN: &[&str] = &[
    "child",
    "children",
    "child's",
    "pupil",
    "pupils",
    "student",
    "students",
    "girl",
    "boy",
    "teenager",
    "teenagers",
    "young person",
    "young people",
    "kid",
    "kids",
    "son",
    "daughter",
    "baby",
    "toddler",
];

/// Meanings that several words of a query carry together.
pub const COMBINATIONS: &[Combination] = &[
    Combination {
        all_of: &[
            MEN,
            &[
                "never seen",
                "not seen",
                "unseen",
                "hidden",
                "invisible",
                "unknown",
                "not known",
                "never met",
                "not met",
                "not assessed",
                "never assessed",
                "ignored",
                "overlooked",
                "not involved",
                "not included",
                "excluded",
                "missed",
                "not checked",
                "never asked",
                "not asked",
            ],
        ],
        means: &["unseen men", "hidden men", "invisible men"],
        themes: &["unseen_men"],
        why: "a father or partner whom professionals never see, know or assess is an unseen man",
    },
    Combination {
        all_of: &[
            &[
                "looking after",
                "looks after",
                "look after",
                "looked after their",
                "caring for",
                "cares for",
                "care for",
                "cared for",
                "helping",
                "helps",
            ],
            &[
                "sick parent",
                "ill parent",
                "sick mum",
                "ill mum",
                "sick mother",
                "ill mother",
                "sick dad",
                "sick father",
                "disabled parent",
                "disabled mum",
                "parent",
                "mum",
                "mother",
                "dad",
                "father",
            ],
        ],
        means: &["young carer", "young carers", "caring for a parent"],
        themes: &[],
        why: "a child looking after a sick parent is a young carer",
    },
    Combination {
        all_of: &[
            CHILDREN,
            &[
                "tells",
                "told",
                "tell",
                "telling",
                "said",
                "says",
                "talked about",
                "spoke about",
                "opened up",
                "confided",
            ],
            &[
                "teacher",
                "teachers",
                "school",
                "nurse",
                "staff",
                "someone",
                "professional",
                "social worker",
                "worker",
                "about home",
                "worrying",
            ],
        ],
        means: &["disclosure", "disclosed", "disclose"],
        themes: &["voice_of_the_child"],
        why: "a child telling a professional about harm is a disclosure",
    },
    Combination {
        all_of: &[
            &[
                "school",
                "schools",
                "teacher",
                "teachers",
                "teaching assistant",
                "head teacher",
                "headteacher",
                "nursery",
                "college",
            ],
            &[
                "tells",
                "told",
                "tell",
                "said",
                "says",
                "discloses",
                "disclosed",
                "worrying",
                "worried",
                "worries",
                "concern",
                "concerns",
                "concerned",
            ],
        ],
        means: &[
            "designated safeguarding lead",
            "designated teacher",
            "designated senior person",
            "designated person",
        ],
        themes: &[],
        why: "a school passes every worry about a child to its designated safeguarding lead (the designated teacher or senior person in older guidance)",
    },
    Combination {
        all_of: &[
            &[
                "health visitor",
                "health visitors",
                "health visiting",
                "midwife",
                "midwives",
                "school nurse",
                "school nurses",
            ],
            &[
                "escalate",
                "escalating",
                "escalated",
                "escalation",
                "worried",
                "worrying",
                "worries",
                "concern",
                "concerns",
                "concerned",
            ],
        ],
        means: &["named nurse", "named midwife", "named nurse for safeguarding"],
        themes: &[],
        why: "a health visitor, midwife or school nurse takes a safeguarding worry to the named nurse (or named midwife) for safeguarding",
    },
    Combination {
        all_of: &[
            PARENTS,
            &[
                "mental health",
                "mentally ill",
                "mental illness",
                "depressed",
                "depression",
                "psychosis",
                "psychotic",
                "schizophrenia",
                "bipolar",
                "breakdown",
            ],
        ],
        means: &["parental mental health", "mental health", "mental illness"],
        themes: &["parental_mental_health"],
        why: "a parent's mental ill health is the theme of parental mental health",
    },
    Combination {
        all_of: &[
            PARENTS,
            &[
                "drugs",
                "drug",
                "drinking",
                "drunk",
                "alcohol",
                "alcoholic",
                "heroin",
                "cannabis",
                "cocaine",
                "addict",
                "addiction",
            ],
        ],
        means: &["substance misuse", "alcohol misuse", "drug misuse"],
        themes: &["parental_substance_misuse"],
        why: "a parent's drinking or drug use is parental substance misuse",
    },
    Combination {
        all_of: &[
            PARENTS,
            &[
                "learning disability",
                "learning disabilities",
                "learning difficulties",
                "learning difficulty",
                "learning disabled",
            ],
        ],
        means: &["learning disability", "parental learning disability"],
        themes: &["parental_learning_disability"],
        why: "a parent with a learning disability is the theme of that name",
    },
    Combination {
        all_of: &[
            &["baby", "babies", "infant", "infants", "newborn"],
            &["died", "dead", "death", "dies", "die"],
            &["sleeping", "asleep", "sleep", "slept", "bed", "sofa", "cot"],
        ],
        means: &[
            "co-sleeping",
            "sudden unexpected death in infancy",
            "safe sleeping",
        ],
        themes: &["sudden_unexpected_death_in_infancy"],
        why: "a baby who dies asleep is a sudden unexpected death in infancy",
    },
    Combination {
        all_of: &[
            &[
                "home schooling",
                "home schooled",
                "home educated",
                "home education",
                "taken out of school",
                "withdrawn from school",
                "removed from school",
            ],
            &[
                "hide",
                "hidden",
                "hiding",
                "invisible",
                "away from",
                "out of sight",
                "not seen",
                "unseen",
            ],
        ],
        means: &[
            "elective home education",
            "withdrawn from school",
            "invisible",
        ],
        themes: &["missing_and_not_in_school"],
        why: "home education used to keep a child out of professionals' sight",
    },
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
    fn everyday_entries_name_known_themes_and_say_why() {
        for entry in EVERYDAY {
            assert!(!entry.say.is_empty() && !entry.why.is_empty(), "{entry:?}");
            for theme in entry.themes {
                assert!(Vocabulary::Theme.contains(theme), "{theme} in {entry:?}");
            }
        }
        for combination in COMBINATIONS {
            assert!(combination.all_of.len() >= 2, "{combination:?}");
            assert!(!combination.means.is_empty() && !combination.why.is_empty());
            for theme in combination.themes {
                assert!(Vocabulary::Theme.contains(theme), "{theme}");
            }
        }
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
