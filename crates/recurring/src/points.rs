//! Known recurring practice points, as data: a catalogue of the points that national
//! analyses of serious case reviews keep naming (the biennial and triennial analyses,
//! Ofsted's "Learning lessons" reports, the national panel's annual reports): a bruise on
//! a non-mobile baby explained away; men in the household unseen ("hidden men"); "was
//! not brought"; "start again syndrome"; adult services not thinking family; exploited
//! young people treated as offenders; assuming another agency acts; ...
//!
//! Each point has a slug, a short human label and cues. A cue is a list of slots; it
//! matches a *sentence* when every slot is present in that sentence (any of its
//! alternatives, words or phrases, analysed with the same concept terms as the findings,
//! so stems, synonyms and acronyms agree). A finding's main point is read from its first
//! sentence that matches any cue (the main point of a finding is normally its first
//! sentence, or the recommendation it leads to); when several points match that
//! sentence, the one whose cue words occur most wins (the earlier point on a tie). A
//! point whose `unless` words occur in the matching sentence is not taken there.
//!
//! The cues are written from the wording of the national learning and general
//! practice vocabulary, not from any one finding; see BENCHMARKS.md for how they were
//! measured.

use std::collections::HashMap;
use std::sync::OnceLock;

/// A cue: every slot must be present in one sentence; a slot is a list of alternatives.
type Cue = &'static [&'static [&'static str]];

/// A practice point and its cues.
pub(crate) struct Point {
    /// Stable identifier, such as `non_mobile_bruising`.
    pub(crate) slug: &'static str,
    /// A short human label, such as "A bruise on a baby who cannot crawl".
    pub(crate) label: &'static str,
    cues: &'static [Cue],
    /// Words that, in the matching sentence, show another point is meant.
    unless: &'static [&'static str],
}

// Slots used by several points.
const BABY: &[&str] = &["baby", "babies", "infant", "infants", "newborn"];
const BRUISE: &[&str] = &["bruise", "bruises", "bruising", "bruised"];
const MEN: &[&str] = &[
    "father",
    "fathers",
    "dad",
    "man",
    "men",
    "male",
    "males",
    "partner",
    "partners",
    "boyfriend",
    "boyfriends",
    "stepfather",
    "stepfathers",
    "young father",
    "young fathers",
];
const SAFE_SLEEP: &[&str] = &[
    "safe sleep",
    "safe sleeping",
    "safer sleep",
    "safer sleeping",
    "co-sleeping",
    "bed sharing",
    "sleeping arrangements",
    "sleep safely",
    "sleeping safely",
];
const TELL: &[&str] = &[
    "notify",
    "notified",
    "notification",
    "notifications",
    "inform",
    "informed",
    "tell",
    "told",
    "share",
    "shared",
    "sharing",
    "pass",
    "passed",
    "refer",
    "referred",
    "referral",
    "referrals",
    "send",
    "sent",
];
const MOVE: &[&str] = &[
    "move",
    "moves",
    "moved",
    "moving",
    "relocate",
    "relocated",
    "relocates",
];
const AREA: &[&str] = &[
    "area",
    "areas",
    "authority",
    "authorities",
    "borough",
    "boroughs",
    "county",
    "council",
    "councils",
];

pub(crate) const POINTS: &[Point] = &[
    // Assurance that the bruising protocol is used: the boards' audits recommended
    // after reviews of bruised babies (a system point, apart from the practice point
    // below, so it comes first on a tie).
    Point {
        slug: "bruising_protocol_audit",
        label: "An audit of whether the bruising protocol is followed",
        cues: &[&[
            &[
                "bruise",
                "bruises",
                "bruising",
                "bruised",
                "bruising in non-mobile infants",
            ],
            &["audit", "audited", "auditing", "compliance"],
        ]],
        unless: &[],
    },
    // Bruising in non-mobile infants: the triennial analyses and local protocols ("those
    // who don't cruise rarely bruise").
    Point {
        slug: "non_mobile_bruising",
        label: "A bruise on a baby who cannot crawl",
        cues: &[
            // The safeguarding synonyms make this phrase one concept term.
            &[&["bruising in non-mobile infants"]],
            &[
                BRUISE,
                &[
                    "mobile",
                    "non-mobile",
                    "pre-mobile",
                    "crawl",
                    "crawling",
                    "cruise",
                    "cruising",
                    "roll",
                    "rolling",
                ],
            ],
            &[
                &["mark", "marks", "injury", "injuries"],
                &["non-mobile", "pre-mobile", "crawl", "cruising", "roll over"],
            ],
            &[BRUISE, BABY],
            &[BRUISE, &["protocol", "procedure"]],
        ],
        // A sentence asking for an audit is the assurance point above.
        unless: &["audit", "audited", "auditing"],
    },
    // Police check every adult present at a domestic incident (before the broader
    // "hidden men" point on a tie).
    Point {
        slug: "police_check_adults",
        label: "Police check every adult present at a domestic incident",
        cues: &[&[
            &["police", "officer", "officers"],
            &["check", "checks", "checked", "pnc"],
            &["adult", "adults", "everyone", "every adult"],
        ]],
        unless: &[],
    },
    // Probation asks offenders about new partners and children they live with (MAPPA and
    // probation guidance).
    Point {
        slug: "probation_new_partners",
        label: "Probation asks offenders about new partners and the children around them",
        cues: &[&[
            &["probation", "offender manager", "offender managers"],
            &["ask", "asked", "enquire", "establish", "check"],
            &[
                "partner",
                "partners",
                "relationship",
                "relationships",
                "pregnancy",
                "children",
            ],
        ]],
        unless: &[],
    },
    // "Hidden men" (the national analyses; the NSPCC's and the national panel's reviews
    // of men in the household): fathers, partners and other men caring for or living with
    // a child not identified, seen or assessed.
    Point {
        slug: "hidden_men",
        label: "Men in the household unseen",
        cues: &[
            &[&["hidden men", "invisible men", "unseen men"]],
            &[
                MEN,
                &[
                    "household",
                    "home",
                    "living",
                    "lives",
                    "live",
                    "visiting",
                    "visits",
                    "staying",
                    "life",
                    "caring",
                    "care",
                ],
                &[
                    "unseen",
                    "seen",
                    "see",
                    "spoken",
                    "speak",
                    "assess",
                    "assessed",
                    "assessment",
                    "assessments",
                    "identify",
                    "identified",
                    "invisible",
                    "ask",
                    "asked",
                    "name",
                    "named",
                    "names",
                    "curious",
                    "curiosity",
                    "met",
                    "include",
                    "included",
                    "engage",
                    "engaged",
                    "unknown",
                ],
            ],
            &[
                MEN,
                &[
                    "met",
                    "unseen",
                    "never seen",
                    "never spoken",
                    "never asked",
                    "overlooked",
                    "invisible",
                ],
            ],
            &[
                &["household", "home"],
                &[
                    "ask",
                    "asked",
                    "establish",
                    "record",
                    "recorded",
                    "identify",
                ],
                &["adult", "adults", "members", "composition", "new"],
            ],
            &[
                &[
                    "collect",
                    "collects",
                    "collecting",
                    "collected",
                    "pick up",
                    "picks up",
                    "picking up",
                ],
                &["adult", "adults", "man", "unknown", "anyone"],
                // Where a child is collected from (not "child" alone: "adults seen
                // collecting the young person" from adult accommodation).
                &[
                    "nursery",
                    "school",
                    "early years",
                    "name",
                    "names",
                    "record",
                ],
            ],
        ],
        // A sentence about a service for adults asking about the children is "think
        // family", not hidden men.
        unless: &[
            "home office",
            "adult services",
            "adult social care",
            "adult mental health",
            "learning disability",
            "learning disabilities",
            "work with adults",
            "working with adults",
            "drug service",
            "alcohol service",
            "substance misuse",
        ],
    },
    // An emergency department checks a child's previous attendances (the national
    // analyses; the child protection information sharing flag).
    Point {
        slug: "ed_previous_attendances",
        label: "Emergency departments check a child's previous attendances",
        cues: &[&[
            &["emergency department", "a&e", "hospital"],
            &[
                "previous", "repeat", "repeated", "earlier", "frequent", "flag",
            ],
            &[
                "attendance",
                "attendances",
                "attend",
                "presentations",
                "presentation",
            ],
        ]],
        unless: &[],
    },
    // "Was not brought": a missed health appointment of a child is a child not brought
    // (the national panel; the RCGP and NHS guidance that renamed "did not attend").
    Point {
        slug: "was_not_brought",
        label: "Missed appointments: the child was not brought",
        cues: &[
            &[&["was not brought"]],
            // Missed appointments and what they mean or call for: one item in a list
            // of data to share ("missed appointments and weight data") is not the point.
            &[
                &["missed", "miss", "cancelled", "cancel"],
                &["appointment", "appointments", "clinic", "clinics"],
                &[
                    "follow",
                    "followed",
                    "discharge",
                    "discharged",
                    "discharging",
                    "brought",
                    "neglect",
                    "sign",
                    "signs",
                    "indicator",
                    "repeated",
                    "repeat",
                    "consecutive",
                    "pattern",
                    "escalate",
                ],
            ],
            &[
                &["brought"],
                &[
                    "appointment",
                    "appointments",
                    "clinic",
                    "clinics",
                    "follow-up",
                    "review",
                    "reviews",
                ],
            ],
            &[&["no access", "no-access"], &["visit", "visits"]],
        ],
        // Self-harm and CAMHS discharge is the point below.
        unless: &["self-harm", "self harm", "camhs"],
    },
    // Adolescents who self-harm discharged from mental health services after missed
    // appointments (the national panel's work on adolescent suicide and self-harm).
    Point {
        slug: "adolescent_discharged_after_missed",
        label: "A young person at risk discharged after missed appointments",
        cues: &[&[
            &["camhs", "mental health"],
            &["discharge", "discharged", "discharging", "closed", "close"],
            &[
                "missed",
                "miss",
                "not brought",
                "non-attendance",
                "disengaged",
                "engage",
            ],
        ]],
        unless: &[],
    },
    // A school, college or nursery follows up a vulnerable child who stops attending
    // (statutory guidance on children missing education).
    Point {
        slug: "education_stops_attending",
        label: "A vulnerable child who stops attending school or college is followed up",
        cues: &[&[
            &[
                "school",
                "schools",
                "college",
                "colleges",
                "nursery",
                "setting",
                "settings",
                "pupil referral unit",
                "education provider",
            ],
            &[
                "non-attendance",
                "stops attending",
                "stopped attending",
                "roll",
                "absence",
                "absences",
            ],
            &[
                "follow",
                "notify",
                "tell",
                "inform",
                "social worker",
                "safeguarding lead",
                "designated safeguarding lead",
            ],
        ]],
        // Missed health appointments are "was not brought".
        unless: &[
            "did not attend",
            "was not brought",
            "appointment",
            "appointments",
            "clinic",
            "clinics",
        ],
    },
    // Each domestic abuse incident judged with the history (the national analyses on
    // domestic abuse and children: cumulative notifications, repeated gradings).
    Point {
        slug: "domestic_incident_history",
        label: "Each domestic abuse incident judged with the history, not alone",
        cues: &[&[
            &["incident", "incidents"],
            &[
                "history",
                "previous",
                "previously",
                "pattern",
                "cumulative",
                "cumulatively",
                "repeated",
                "frequency",
            ],
            &[
                "assessed", "graded", "grading", "gradings", "flag", "flagged", "risk",
            ],
        ]],
        // Referrals seen with their history are "start again syndrome".
        unless: &["referral", "referrals"],
    },
    // "Start again syndrome" (Brandon et al.'s biennial analyses): each referral assessed
    // afresh without the history.
    Point {
        slug: "start_again",
        label: "Each referral seen afresh, without the history (start again syndrome)",
        cues: &[
            &[&[
                "start again syndrome",
                "start again",
                "starting again",
                "afresh",
            ]],
            &[
                &[
                    "history",
                    "previous",
                    "earlier",
                    "past",
                    "cumulative",
                    "chronology",
                    "historical",
                    "pattern",
                ],
                &[
                    "referral",
                    "referrals",
                    "contact",
                    "contacts",
                    "concern",
                    "concerns",
                    "episode",
                    "episodes",
                ],
                // Words that say the referrals come again and are seen one by one
                // (not "every" or "current": "in every assessment").
                &[
                    "each",
                    "new",
                    "single",
                    "repeated",
                    "repeat",
                    "re-referral",
                    "re-referrals",
                    "isolation",
                    "separately",
                    "latest",
                ],
            ],
        ],
        // Starting again after a move is the cross-area point below.
        unless: &["move", "moves", "moved", "area", "areas", "address"],
    },
    // Housing staff trained to recognise and report concerns about children.
    Point {
        slug: "housing_staff_route",
        label: "Housing staff trained, with a clear route to raise a concern about a child",
        cues: &[&[
            &["housing", "homeless"],
            &["training", "trained", "train"],
            &["route", "concern", "concerns", "child protection"],
        ]],
        unless: &[],
    },
    // Temporary accommodation out of area: the placing authority tells the receiving
    // area (housing and cross-boundary learning).
    Point {
        slug: "temporary_accommodation_notice",
        label: "Families placed in temporary accommodation out of area: the receiving area is told",
        cues: &[
            &[
                &["temporary accommodation", "bed and breakfast", "hostel"],
                TELL,
            ],
            // "placed" alone stems like "places" ("the places used").
            &[
                &["housing", "homeless"],
                &[
                    "placing authority",
                    "placing authorities",
                    "placing borough",
                    "receiving area",
                    "receiving authority",
                    "out of area",
                ],
                TELL,
            ],
        ],
        unless: &[],
    },
    // Information about a child's harmful sexual behaviour shared with carers and
    // schools (the national analyses on harmful sexual behaviour).
    Point {
        slug: "harmful_sexual_behaviour_shared",
        label: "A child's harmful sexual behaviour is made known to carers and schools",
        cues: &[&[
            &[
                "harmful sexual behaviour",
                "sexually harmful behaviour",
                "harmful sexual behaviours",
            ],
            TELL,
        ]],
        unless: &[],
    },
    // A placing authority tells the host area about a child's risks (statutory
    // guidance on out-of-area placements).
    Point {
        slug: "placing_authority_informs_host",
        label: "A placing authority tells the host area about a child's risks",
        cues: &[&[
            &[
                "placing authority",
                "placing authorities",
                "out of area placement",
                "distant placement",
            ],
            TELL,
        ]],
        // A housing placement is the temporary accommodation point above.
        unless: &["housing", "temporary accommodation"],
    },
    // The area where the child is acts first and settles responsibility afterwards
    // (cross-boundary learning).
    Point {
        slug: "host_area_acts_first",
        label: "The area where the child is acts first and settles responsibility later",
        cues: &[&[
            &["host", "receiving"],
            AREA,
            &["undertake", "carry out", "act first", "strategy discussion"],
        ]],
        unless: &[],
    },
    // A child's safeguarding file follows the child to a new school (statutory
    // guidance on keeping children safe in education).
    Point {
        slug: "school_records_transfer",
        label: "A child's safeguarding file follows them to a new school",
        cues: &[&[
            &["school", "schools"],
            &["record", "records", "file", "files"],
            &[
                "transfer",
                "transferred",
                "move",
                "moves",
                "moved",
                "moving",
                "changes",
                "new",
            ],
            &[
                "safeguarding",
                "child protection",
                "cp",
                "concerns",
                "designated safeguarding lead",
            ],
        ]],
        unless: &[],
    },
    // Families who move between areas, receiving side: obtain and read the previous
    // area's history (the national analyses on mobility and cross-boundary working).
    Point {
        slug: "history_from_previous_area",
        label: "When a family moves in, the previous area's history is obtained and read",
        cues: &[
            &[
                &[
                    "previous",
                    "former",
                    "originating",
                    "another",
                    "other areas",
                    "other area",
                    "other authorities",
                ],
                AREA,
                &[
                    "records",
                    "record",
                    "history",
                    "file",
                    "files",
                    "checks",
                    "chronology",
                    "involvement",
                    "concerns",
                ],
            ],
            &[&["start again"], MOVE],
        ],
        unless: &["school", "schools"],
    },
    // Families who move between areas, sending side: hand the case on actively.
    Point {
        slug: "handover_when_family_moves",
        label: "When a family moves away, the case is handed on, not closed",
        cues: &[&[
            MOVE,
            &[
                "close",
                "closed",
                "closure",
                "closing",
                "transfer",
                "transferred",
                "handover",
                "hand over",
                "handed over",
            ],
        ]],
        // A partner who "moved out" is a separation, not a family moving away.
        unless: &["moved out", "move out", "moves out", "moving out"],
    },
    // A case is not closed because a family disengages (the national analyses on
    // early help and neglect).
    Point {
        slug: "disengagement_not_closure",
        label: "A case is not closed only because the family disengages",
        cues: &[&[
            &[
                "disengage",
                "disengages",
                "disengaged",
                "disengagement",
                "stops engaging",
            ],
            &[
                "close",
                "closed",
                "closure",
                "closing",
                "discussion",
                "escalate",
                "escalated",
            ],
        ]],
        unless: &[],
    },
    // Joint protocols between adult mental health services and children's social care
    // (the national analyses on parental mental illness).
    Point {
        slug: "adult_children_joint_protocol",
        label: "A joint protocol between adult mental health and children's services",
        cues: &[&[
            &["protocol", "protocols", "guidance", "joint working"],
            &["adult", "adults", "adult mental health", "adult services"],
            &[
                "children's social care",
                "children's services",
                "childrens services",
            ],
            &[
                "refer",
                "referral",
                "referrals",
                "assessing",
                "assessment",
                "working",
                "planning",
            ],
        ]],
        unless: &[],
    },
    // A parent detained or in crisis: who is looking after the children (Mental Health
    // Act code of practice; police child notifications).
    Point {
        slug: "detained_parent_children",
        label: "When a parent is detained or in crisis, someone checks who cares for the children",
        cues: &[&[
            &[
                "mental health act",
                "place of safety",
                "section 136",
                "section 135",
                "detained",
                "detention",
                "sectioned",
                "mental health crisis",
            ],
            &[
                "child",
                "children",
                "ask",
                "asked",
                "notification",
                "notify",
                "looking after",
            ],
        ]],
        unless: &[],
    },
    // Adult services that do not ask whether their patient is a parent or carer
    // ("Think child, think parent, think family", SCIE; the national analyses).
    Point {
        slug: "think_family",
        label: "Adult services ask whether their patient cares for children (think family)",
        cues: &[
            &[&["think family", "think child"]],
            &[
                &[
                    "adult mental health",
                    "mental health trust",
                    "mental health team",
                    "mental health service",
                    "mental health services",
                    "community mental health",
                    // A service, not any mention ("asked about psychiatric admission").
                    "psychiatric liaison",
                    "psychiatric team",
                    "psychiatric service",
                    "psychiatric services",
                    "psychiatrist",
                    "psychiatrists",
                    "drug and alcohol",
                    "alcohol service",
                    "drug service",
                    "substance misuse",
                    "learning disability service",
                    "adult social care",
                    "adult services",
                    "services for adults",
                    "work with adults",
                    "working with adults",
                ],
                &[
                    "ask",
                    "asked",
                    "record",
                    "recorded",
                    "establish",
                    "identify",
                    "check",
                    "consider",
                    "assess",
                    "assesses",
                ],
                // Not "caring"/"cares": they stem to "care", as in "social care" and
                // "care leavers".
                &["child", "children", "parent", "parents", "dependants"],
            ],
            &[
                &[
                    "patient",
                    "patients",
                    "service user",
                    "service users",
                    "client",
                    "clients",
                ],
                &["children", "child", "dependants"],
                &[
                    "mental health",
                    "psychiatric",
                    "substance",
                    "drug",
                    "drugs",
                    "alcohol",
                    "learning disability",
                ],
            ],
        ],
        // A joint protocol between adult and children's services is a point of its own.
        unless: &["joint protocol", "joint protocols"],
    },
    // Assuming another agency knows or is acting (the national analyses: "everyone
    // thought someone else was doing it").
    Point {
        slug: "assumed_other_agency",
        label: "Assuming another agency is acting",
        cues: &[
            &[&["someone else"]],
            &[
                &[
                    "assume",
                    "assumed",
                    "assumption",
                    "assumptions",
                    "presume",
                    "presumed",
                    "relied",
                    "rely",
                    "reassured",
                    "reassurance",
                ],
                &[
                    "agency",
                    "agencies",
                    "another",
                    "other professionals",
                    "other professional",
                ],
            ],
            &[
                &[
                    "close",
                    "closed",
                    "closing",
                    "screened out",
                    "screen out",
                    "screens out",
                ],
                &["basis", "because"],
                &["involved", "involvement", "dealing"],
            ],
        ],
        unless: &[],
    },
    // Escalation and professional challenge (the national analyses; local escalation
    // procedures).
    Point {
        slug: "escalation",
        label: "Escalate a disagreement when a child's case is not progressing",
        cues: &[
            &[&[
                "escalation procedure",
                "escalation policy",
                "escalation process",
                "professional challenge",
                "resolution procedure",
            ]],
            &[
                &[
                    "escalate",
                    "escalated",
                    "escalation",
                    "challenge",
                    "challenged",
                ],
                &[
                    "disagree",
                    "disagreed",
                    "disagreement",
                    "disagreements",
                    "decision",
                    "decisions",
                    "threshold",
                ],
            ],
        ],
        unless: &[],
    },
    // Disguised compliance and the rule of optimism (Reder and Duncan; the national
    // analyses).
    Point {
        slug: "disguised_compliance",
        label: "Apparent cooperation taken for change (disguised compliance)",
        cues: &[
            &[&["disguised compliance", "rule of optimism"]],
            &[
                &["apparent", "superficial", "surface"],
                &[
                    "cooperation",
                    "co-operation",
                    "compliance",
                    "compliant",
                    "engagement",
                    "cooperative",
                    "co-operative",
                ],
            ],
        ],
        unless: &[],
    },
    // Child protection plans judged by measurable change for the child (the national
    // analyses of neglect).
    Point {
        slug: "measurable_outcomes",
        label: "Plans judged by measurable change for the child",
        cues: &[&[
            &["measurable", "test progress", "measure progress"],
            &[
                "plan",
                "plans",
                "child protection plan",
                "core group",
                "core groups",
                "outcomes",
            ],
        ]],
        unless: &[],
    },
    // A claimed separation is tested before risk is judged reduced (the national
    // analyses on domestic abuse).
    Point {
        slug: "separation_tested",
        label: "A claimed separation is tested before it is relied on",
        cues: &[&[
            &[
                "separation",
                "separated",
                "split up",
                "relationship had ended",
                "relationship ended",
                "ended the relationship",
                "no longer together",
            ],
            &[
                "verify",
                "verified",
                "test",
                "tested",
                "check",
                "checked",
                "evidence",
                "confirm",
                "confirmed",
                "claimed",
                "claim",
                "accepted",
                "assurance",
                "word",
                "face value",
            ],
        ]],
        unless: &[],
    },
    // Young carers identified and their own needs assessed (the Children and Families
    // Act duties; the national analyses).
    Point {
        slug: "young_carers",
        label: "Children caring for a parent are identified and assessed as young carers",
        cues: &[&[
            &["young carer", "young carers"],
            &[
                "assess",
                "assessment",
                "assessments",
                "assessed",
                "needs",
                "identify",
                "identified",
                "recognised",
                "offered",
                "support",
            ],
        ]],
        unless: &[],
    },
    // Youth offending teams make a safeguarding referral for a vulnerable young person
    // (the national panel's "It was hard to escape").
    Point {
        slug: "yot_safeguarding_referral",
        label: "Youth offending teams refer vulnerable young people for safeguarding",
        cues: &[&[
            &["youth offending team", "yot"],
            &["refer", "referral", "child protection", "safeguarding"],
        ]],
        unless: &[],
    },
    // Exploited young people treated as offenders (the national panel's "It was hard to
    // escape"; county lines guidance).
    Point {
        slug: "exploitation_victims",
        label: "Exploited young people are victims, not offenders",
        cues: &[
            &[
                &[
                    "exploitation",
                    "exploited",
                    "county lines",
                    "trafficking",
                    "trafficked",
                    "groomed",
                    "grooming",
                ],
                &["victim", "victims"],
                &[
                    "treated",
                    "recognised",
                    "regarded",
                    "seen",
                    "identified",
                    "offender",
                    "offenders",
                    "offending",
                ],
            ],
            &[
                &["arrested", "charged", "prosecuted", "criminalised"],
                &[
                    "drugs",
                    "heroin",
                    "cocaine",
                    "cannabis",
                    "county lines",
                    "exploitation",
                    "exploited",
                ],
            ],
        ],
        unless: &[],
    },
    // Language that blames exploited children ("lifestyle choice", "consenting"): the
    // national analyses on child sexual exploitation.
    Point {
        slug: "exploitation_language",
        label: "Exploitation is never described as a child's choice",
        cues: &[&[
            &[
                "exploitation",
                "exploited",
                "child sexual exploitation",
                "groomed",
                "grooming",
            ],
            // Not "choice" alone ("saying he had no choice").
            &[
                "lifestyle",
                "making choices",
                "consenting",
                "consensual",
                "promiscuous",
            ],
        ]],
        unless: &[],
    },
    // Safe sleeping advice given to every carer, not the mother alone (the national
    // panel's "Out of routine" review of SUDI).
    Point {
        slug: "safe_sleep_every_carer",
        label: "Safe sleep advice given to every carer, not the mother alone",
        cues: &[&[
            SAFE_SLEEP,
            &[
                "father",
                "fathers",
                "both parents",
                "partner",
                "partners",
                "every carer",
                "all carers",
                "grandparent",
                "grandparents",
                "carers",
                "male",
            ],
        ]],
        unless: &[],
    },
    // One consistent safe sleeping message from every agency.
    Point {
        slug: "safe_sleep_one_message",
        label: "One consistent safe sleep message from every agency",
        cues: &[&[
            SAFE_SLEEP,
            &[
                "consistent",
                "consistently",
                "same",
                "single",
                "shared",
                "common",
                "agreed",
            ],
            &[
                "message", "messages", "advice", "guidance", "leaflet", "tool", "approach",
            ],
        ]],
        unless: &[],
    },
    // Return interviews after missing episodes, by someone independent (statutory
    // guidance on children who run away or go missing).
    Point {
        slug: "return_interviews",
        label: "A child who goes missing is asked why, by someone independent",
        cues: &[
            &[&[
                "return interview",
                "return interviews",
                "return home interview",
                "return home interviews",
            ]],
            &[
                &[
                    "missing",
                    "runs away",
                    "run away",
                    "ran away",
                    "running away",
                    "absconded",
                ],
                &["ask", "asked", "conversation", "interview", "talk"],
                &["independent", "alone", "away from the family"],
            ],
        ],
        unless: &[],
    },
    // Faltering growth seen on a growth chart (the national analyses of neglect).
    Point {
        slug: "growth_charts",
        label: "Weights plotted on the growth chart, so faltering growth is seen",
        cues: &[
            &[&[
                "faltering growth",
                "failure to thrive",
                "growth chart",
                "growth charts",
                "centile",
                "centiles",
                "centile chart",
            ]],
            &[
                &[
                    "weight", "weights", "weighed", "weighing", "height", "growth",
                ],
                &["plotted", "plot", "chart", "charts", "trend", "trends"],
            ],
        ],
        unless: &[],
    },
    // Children of high-risk domestic abuse cases considered by children's social care
    // (the national analyses on domestic abuse).
    Point {
        slug: "marac_children_referred",
        label: "Every child in a MARAC case considered by children's social care",
        cues: &[&[
            &["marac"],
            &["child", "children"],
            &[
                "referral",
                "refer",
                "strategy discussion",
                "children's social care",
                "consideration",
                "assessment",
            ],
        ]],
        unless: &[],
    },
    // Schools and other children's services told of, and part of, MARAC cases.
    Point {
        slug: "marac_schools_told",
        label: "Schools told of and part of MARAC cases about their pupils",
        cues: &[&[
            &["marac"],
            &[
                "school",
                "schools",
                "early years",
                "nursery",
                "settings",
                "health services",
            ],
            &[
                "informed",
                "inform",
                "included",
                "told",
                "share",
                "sharing",
                "contribute",
                "attendance",
            ],
        ]],
        unless: &[],
    },
    // Police notify children's services of domestic incidents where children live.
    Point {
        slug: "police_domestic_notifications",
        label: "Police tell children's services of domestic incidents where children live",
        cues: &[&[
            &["police", "officer", "officers"],
            &[
                "domestic abuse",
                "domestic incident",
                "domestic incidents",
                "call-out",
                "call-outs",
                "callout",
            ],
            TELL,
            &["children's social care", "children", "child"],
        ]],
        // Telling a school is another point; keeping the notifications on one cumulative
        // record is about reading them together.
        unless: &["school", "schools", "cumulative"],
    },
    // Routine, safe enquiry about domestic abuse, seeing the woman alone (NICE and
    // maternity guidance; the national analyses).
    Point {
        slug: "routine_enquiry_domestic_abuse",
        label: "Mothers asked about domestic abuse when seen alone",
        cues: &[&[
            &["domestic abuse"],
            &["ask", "asked", "enquiry", "routine"],
            &["alone", "partner is present", "on her own"],
        ]],
        unless: &[],
    },
    // Housing officers hear a request to move away as a possible disclosure (the
    // national analyses on domestic abuse and housing).
    Point {
        slug: "housing_domestic_abuse_disclosure",
        label: "Housing officers ask directly about domestic abuse when someone asks to move away",
        cues: &[&[
            &["housing"],
            &[
                "domestic abuse",
                "get away",
                "leave",
                "leaving",
                "flee",
                "fleeing",
            ],
            &["ask", "directly", "disclosure", "recognise"],
        ]],
        unless: &[],
    },
    // Children educated at home are seen (the national analyses; the guidance on
    // elective home education).
    Point {
        slug: "home_education",
        label: "Children taken out of school to be educated at home are seen",
        cues: &[
            &[&["elective home education"]],
            &[&[
                "removed from school",
                "withdrawn from school",
                "off-rolled",
                "deregistered",
                "de-registered",
            ]],
        ],
        unless: &[],
    },
    // Part-time timetables leave young people open to exploitation.
    Point {
        slug: "part_time_timetables",
        label: "A part-time timetable can leave a young person open to exploitation",
        cues: &[&[&[
            "part-time timetable",
            "part-time timetables",
            "part time timetable",
            "reduced timetable",
            "reduced timetables",
        ]]],
        unless: &[],
    },
    // Visits at short or no notice (the national analyses on neglect and concealment).
    Point {
        slug: "unannounced_visits",
        label: "Home visits at short or no notice",
        cues: &[
            &[&["unannounced"]],
            &[
                &["short notice", "without notice", "without warning"],
                &["visit", "visits", "visiting", "call", "calls"],
            ],
        ],
        unless: &[],
    },
    // A structured neglect assessment tool (Graded Care Profile).
    Point {
        slug: "graded_care_profile",
        label: "Neglect assessed with a structured tool (Graded Care Profile)",
        cues: &[
            &[&["graded care profile", "gcp", "gcp2"]],
            &[&["neglect"], &["tool", "tools"]],
        ],
        unless: &[],
    },
    // Reflective supervision for child protection work (the national analyses on
    // supervision and workload).
    Point {
        slug: "reflective_supervision",
        label: "Regular reflective supervision for child protection work",
        cues: &[&[&["reflective supervision"]]],
        unless: &[],
    },
    // Transition to adult services planned, with support kept until they take over (the
    // national analyses on disabled young people).
    Point {
        slug: "transition_to_adult_services",
        label: "Support kept through the move to adult services at 18",
        cues: &[&[
            &[
                "transition",
                "eighteenth birthday",
                "18th birthday",
                "turns 18",
                "turned 18",
            ],
            &["adult", "adults", "adult services", "eighteenth", "18"],
        ]],
        unless: &[],
    },
    // Support for care leavers who become parents (the national analyses; care leaver
    // guidance).
    Point {
        slug: "care_leaver_parents",
        label: "Care leavers who become parents are supported as parents",
        cues: &[&[
            &[
                "care leaver",
                "care leavers",
                "care experienced",
                "care-experienced",
                "leaving care",
            ],
            &[
                "support",
                "supported",
                "guidance",
                "advice",
                "personal adviser",
                "personal advisers",
            ],
            &[
                "parent",
                "parents",
                "pregnant",
                "pregnancy",
                "mother",
                "father",
                "baby",
                "parenthood",
            ],
        ]],
        unless: &[],
    },
    // Professional interpreters, not family members (the national analyses on race,
    // culture and language).
    Point {
        slug: "interpreters",
        label: "Professional interpreters, not family members, interpret",
        cues: &[&[
            &[
                "interpreter",
                "interpreters",
                "interpreting",
                "interpret",
                "translate",
                "translated",
                "translation",
            ],
            &[
                "family",
                "relative",
                "relatives",
                "child",
                "children",
                "husband",
                "partner",
                "independent",
                "professional",
                "friend",
            ],
        ]],
        unless: &[],
    },
];

/// Each point's cues with every alternative as concept terms, and its `unless` terms.
struct Prepared {
    cues: Vec<Vec<Vec<Vec<String>>>>,
    unless: Vec<Vec<String>>,
}

fn prepared() -> &'static [Prepared] {
    static TABLE: OnceLock<Vec<Prepared>> = OnceLock::new();
    // Alternatives that analyse alike ("move", "moves", "moved") count once.
    let terms = |alts: &[&str]| -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = Vec::new();
        for alt in alts {
            let terms = lessons_index::query::concept_terms(alt);
            if !terms.is_empty() && !out.contains(&terms) {
                out.push(terms);
            }
        }
        out
    };
    TABLE.get_or_init(|| {
        POINTS
            .iter()
            .map(|point| Prepared {
                cues: point
                    .cues
                    .iter()
                    .map(|cue| cue.iter().map(|slot| terms(slot)).collect())
                    .collect(),
                unless: terms(point.unless),
            })
            .collect()
    })
}

/// Where an alternative sits: point, cue, slot (or [`UNLESS`]) and alternative.
#[derive(Debug, Clone, Copy)]
struct Entry {
    point: u16,
    cue: u16,
    slot: u16,
    alt: u16,
}

/// The `slot` of an [`Entry`] for an `unless` alternative.
const UNLESS: u16 = u16::MAX;

/// Every alternative of every cue (and `unless`), by its first concept term, so that a
/// sentence is matched by looking up its own terms only.
fn by_first_term() -> &'static HashMap<String, Vec<Entry>> {
    static INDEX: OnceLock<HashMap<String, Vec<Entry>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: HashMap<String, Vec<Entry>> = HashMap::new();
        for (p, prepared) in prepared().iter().enumerate() {
            let mut add = |cue: usize, slot: u16, alt: usize, terms: &[String]| {
                if let Some(first) = terms.first() {
                    index.entry(first.clone()).or_default().push(Entry {
                        point: p as u16,
                        cue: cue as u16,
                        slot,
                        alt: alt as u16,
                    });
                }
            };
            for (c, cue) in prepared.cues.iter().enumerate() {
                for (s, slot) in cue.iter().enumerate() {
                    for (a, alt) in slot.iter().enumerate() {
                        add(c, s as u16, a, alt);
                    }
                }
            }
            for (a, alt) in prepared.unless.iter().enumerate() {
                add(0, UNLESS, a, alt);
            }
        }
        index
    })
}

/// The point with this slug.
pub(crate) fn by_slug(slug: &str) -> Option<&'static Point> {
    POINTS.iter().find(|p| p.slug == slug)
}

/// The sentences of `text` as concept terms (a sentence ends at `.`, `?`, `!` or `;`
/// followed by white space or the end). Joined, they are the text's concept terms.
pub(crate) fn sentences(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(c, '.' | '?' | '!' | ';') {
            let next = chars.peek().map(|(_, n)| *n);
            if next.is_none_or(char::is_whitespace) {
                let end = i + c.len_utf8();
                let terms = lessons_index::query::concept_terms(&text[start..end]);
                if !terms.is_empty() {
                    out.push(terms);
                }
                start = end;
            }
        }
    }
    if start < text.len() {
        let terms = lessons_index::query::concept_terms(&text[start..]);
        if !terms.is_empty() {
            out.push(terms);
        }
    }
    out
}

/// A matching slot outweighs any number of occurrences.
const SLOT_WEIGHT: usize = 100;

/// How strongly each point matches one sentence, as (point, strength) for the points
/// with a matching cue and no `unless` word in the sentence: over a point's matching
/// cues, the most slots (a more specific cue wins), then the most occurrences of cue
/// words. Only the alternatives starting with one of the sentence's terms are tried.
fn strengths(sentence: &[String]) -> Vec<(usize, usize)> {
    let table = prepared();
    let index = by_first_term();
    // Occurrences per (point, cue, slot), and the points an `unless` word rules out.
    let mut hits: Vec<((u16, u16, u16), usize)> = Vec::new();
    let mut blocked: Vec<u16> = Vec::new();
    for i in 0..sentence.len() {
        let Some(entries) = index.get(sentence[i].as_str()) else {
            continue;
        };
        for e in entries {
            let prepared = &table[e.point as usize];
            let alt = if e.slot == UNLESS {
                &prepared.unless[e.alt as usize]
            } else {
                &prepared.cues[e.cue as usize][e.slot as usize][e.alt as usize]
            };
            if !sentence[i..].starts_with(alt) {
                continue;
            }
            if e.slot == UNLESS {
                blocked.push(e.point);
                continue;
            }
            let key = (e.point, e.cue, e.slot);
            match hits.iter_mut().find(|(k, _)| *k == key) {
                Some((_, n)) => *n += 1,
                None => hits.push((key, 1)),
            }
        }
    }
    let mut points: Vec<u16> = hits.iter().map(|((p, _, _), _)| *p).collect();
    points.sort_unstable();
    points.dedup();
    let count = |key: (u16, u16, u16)| -> usize {
        hits.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    let mut out = Vec::new();
    for p in points {
        if blocked.contains(&p) {
            continue;
        }
        let strength = table[p as usize]
            .cues
            .iter()
            .enumerate()
            .filter_map(|(c, cue)| {
                let mut total = 0;
                for s in 0..cue.len() {
                    let n = count((p, c as u16, s as u16));
                    if n == 0 {
                        return None;
                    }
                    total += n;
                }
                Some(cue.len() * SLOT_WEIGHT + total.min(SLOT_WEIGHT - 1))
            })
            .max();
        if let Some(strength) = strength {
            out.push((p as usize, strength));
        }
    }
    out
}

/// A finding's main known point: the point and the sentence (0 = first) it was read
/// from.
#[derive(Clone, Copy)]
pub(crate) struct MainPoint {
    pub(crate) point: &'static Point,
    pub(crate) sentence: usize,
}

/// The main known point of a finding with these sentences: read from the first
/// sentence any cue matches; of the points matching there, the strongest (the earlier
/// point on a tie).
pub(crate) fn main_point(sentences: &[Vec<String>]) -> Option<MainPoint> {
    for (s, sentence) in sentences.iter().enumerate() {
        let mut best: Option<(usize, usize)> = None;
        // Points come in catalogue order, so the earlier point wins a tie.
        for (p, strength) in strengths(sentence) {
            if best.is_none_or(|(b, _)| strength > b) {
                best = Some((strength, p));
            }
        }
        if let Some((_, p)) = best {
            return Some(MainPoint {
                point: &POINTS[p],
                sentence: s,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(text: &str) -> Option<&'static str> {
        main_point(&sentences(text)).map(|m| m.point.slug)
    }

    #[test]
    fn recognises_known_points_in_different_words() {
        assert_eq!(
            point("Any bruise on a baby who cannot crawl needs a medical."),
            Some("non_mobile_bruising")
        );
        assert_eq!(
            point("The child was not brought to three health appointments."),
            Some("was_not_brought")
        );
        assert_eq!(
            point("Missed appointments must be followed up."),
            Some("was_not_brought")
        );
        assert_eq!(point("The weather was fine in the afternoon."), None);
    }

    #[test]
    fn one_common_word_does_not_make_a_point() {
        // A service for adults asking about the children is "think family", even
        // where the sentence says "household" and "adult".
        assert_eq!(
            point("Support workers in adult learning disability services should record any child in the household."),
            Some("think_family")
        );
        // Missed appointments as one item of data to share are not "was not brought";
        // what they call for makes the point.
        assert_ne!(
            point("Paediatricians should share missed appointments and weight data with the core group."),
            Some("was_not_brought")
        );
        assert_eq!(
            point("Repeated missed appointments should be followed up with the family."),
            Some("was_not_brought")
        );
        // A partner moving out is not a family moving away.
        assert_ne!(
            point("The case was closed because the mother said her partner had moved out."),
            Some("handover_when_family_moves")
        );
        // "No choice" is not language that blames an exploited child.
        assert_ne!(
            point("He was exploited and said he had no choice."),
            Some("exploitation_language")
        );
        // Adults collecting a young person from adult accommodation are not the
        // nursery's "who collects the child" point.
        assert_ne!(
            point(
                "Staff should share what they know about adults seen collecting the young person."
            ),
            Some("hidden_men")
        );
        // "Every" and "current" do not make "start again syndrome".
        assert_ne!(
            point(
                "Every referral of a mother with a history of illness should be treated as urgent."
            ),
            Some("start_again")
        );
        assert_eq!(
            point("Each new referral must be read against the history of earlier referrals."),
            Some("start_again")
        );
    }

    #[test]
    fn the_first_matching_sentence_decides() {
        assert_eq!(
            point("The weather was fine. Missed appointments must be followed up. A bruise on a baby is serious."),
            Some("was_not_brought")
        );
    }

    #[test]
    fn slugs_are_unique_and_every_cue_reads() {
        let slugs: std::collections::HashSet<&str> = POINTS.iter().map(|p| p.slug).collect();
        assert_eq!(slugs.len(), POINTS.len());
        for (point, prepared) in POINTS.iter().zip(prepared()) {
            assert!(!point.label.is_empty());
            for cue in &prepared.cues {
                assert!(cue.iter().all(|slot| !slot.is_empty()), "{}", point.slug);
            }
        }
    }
}
