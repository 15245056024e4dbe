//! Behaviour of the grouping through the public API.

use super::*;

fn finding(review: &str, n: usize, year: i32, text: &str) -> FindingInput {
    FindingInput {
        finding_id: format!("{review}#L{n}"),
        review_id: review.to_string(),
        board: "board".into(),
        year: Some(year),
        kind: "lesson".into(),
        level: "inter_agency".into(),
        agency: None,
        themes: vec![],
        text: text.into(),
    }
}

/// Unrelated findings, so that the IDF means something.
fn background() -> Vec<FindingInput> {
    let topics = [
        "school attendance dropped and the education welfare service closed the case",
        "the housing department moved the family to temporary accommodation twice",
        "police attended a report of shouting but recorded no crime",
        "the midwife booked the pregnancy late and missed the scan",
        "the pharmacy dispensed methadone daily under supervision",
        "the youth offending team supervised the boy after the burglary",
        "dental decay was severe and treatment under anaesthetic was cancelled",
        "the paediatric ward discharged the infant without a plan for feeding",
        "interpreters were not booked for meetings with the grandmother",
        "the probation officer knew of the conviction for arson",
        "the nursery noticed weight loss over the winter months",
        "a private fostering arrangement was never notified to the council",
    ];
    topics
        .iter()
        .enumerate()
        .map(|(i, t)| finding(&format!("bg-{i}"), 1, 2010, t))
        .collect()
}

const BRUISE_A: &str = "A bruise on a baby who is not yet mobile must always prompt a referral for a child protection medical; practitioners accepted the explanation that the baby had rolled against the cot.";
const BRUISE_B: &str = "Bruising in a non-mobile baby should always lead to a child protection medical, whatever explanation the parents give for the bruise.";
const BRUISE_C: &str = "Any bruise seen on a baby who cannot yet crawl requires a referral and a child protection medical, even when the parents offer an explanation.";
const FATHER_A: &str = "The father was never spoken to by any agency, although he lived in the household and cared for the children most days.";
const FATHER_B: &str = "Practitioners should identify, speak to and assess every man living in the household or caring for the children, such as the father or a partner.";

#[test]
fn only_findings_of_different_reviews_make_a_group() {
    let mut findings = background();
    findings.push(finding("r1", 1, 2010, BRUISE_A));
    findings.push(finding("r1", 2, 2010, BRUISE_B));
    let grouping = regroup(&findings, &Grouping::default());
    assert!(grouping.groups.is_empty(), "{grouping:?}");

    findings.push(finding("r2", 1, 2012, BRUISE_C));
    let grouping = regroup(&findings, &Grouping::default());
    assert_eq!(grouping.groups.len(), 1, "{grouping:?}");
    let members = &grouping.groups[0].members;
    assert!(members.contains(&"r2#L1".to_string()));
    assert_eq!(grouping.groups[0].id, "rl-1");
    // Every finding is in at most one group.
    let all: Vec<&String> = grouping.groups.iter().flat_map(|g| &g.members).collect();
    let unique: HashSet<&String> = all.iter().copied().collect();
    assert_eq!(all.len(), unique.len());
}

#[test]
fn separate_points_make_separate_groups_oldest_first() {
    let mut findings = background();
    findings.push(finding("r1", 1, 2014, BRUISE_A));
    findings.push(finding("r2", 1, 2009, BRUISE_B));
    findings.push(finding("r3", 1, 2011, FATHER_A));
    findings.push(finding("r4", 1, 2015, FATHER_B));
    let grouping = regroup(&findings, &Grouping::default());
    let mut sets: Vec<Vec<String>> = grouping.groups.iter().map(|g| g.members.clone()).collect();
    sets.sort();
    assert_eq!(
        sets,
        vec![
            vec!["r2#L1".to_string(), "r1#L1".to_string()],
            vec!["r3#L1".to_string(), "r4#L1".to_string()],
        ]
    );
}

#[test]
fn synonyms_and_acronyms_bring_findings_together() {
    let mut findings = background();
    findings.push(finding(
        "r1",
        1,
        2010,
        "The GP was not told that the children were subject of a child protection plan.",
    ));
    findings.push(finding(
        "r2",
        1,
        2012,
        "General practitioners were not informed of the CP plan for the children.",
    ));
    let grouping = regroup(&findings, &Grouping::default());
    assert_eq!(grouping.groups.len(), 1, "{grouping:?}");
}

#[test]
fn ids_stay_when_one_finding_is_added() {
    let mut findings = background();
    findings.push(finding("r1", 1, 2010, BRUISE_A));
    findings.push(finding("r2", 1, 2011, BRUISE_B));
    findings.push(finding("r3", 1, 2012, FATHER_A));
    findings.push(finding("r4", 1, 2013, FATHER_B));
    let first = regroup(&findings, &Grouping::default());
    assert_eq!(first.groups.len(), 2);
    let bruise_id = first
        .groups
        .iter()
        .find(|g| g.members.contains(&"r1#L1".to_string()))
        .map(|g| g.id.clone())
        .unwrap();

    findings.push(finding("r5", 1, 2016, BRUISE_C));
    let second = regroup(&findings, &first);
    let bruise = second.groups.iter().find(|g| g.id == bruise_id).unwrap();
    assert!(bruise.members.contains(&"r5#L1".to_string()));
    assert_eq!(
        second.groups.iter().map(|g| &g.id).collect::<Vec<_>>(),
        first.groups.iter().map(|g| &g.id).collect::<Vec<_>>()
    );
    assert!(second.retired.is_empty());
    // The grouping round-trips through JSON (the caller stores it).
    let json = serde_json::to_string(&second).unwrap();
    assert_eq!(serde_json::from_str::<Grouping>(&json).unwrap(), second);
}

#[test]
fn a_split_keeps_the_id_for_the_larger_part_and_names_new_ids() {
    let mut findings = background();
    findings.push(finding("r1", 1, 2010, BRUISE_A));
    findings.push(finding("r2", 1, 2011, BRUISE_B));
    findings.push(finding("r5", 1, 2016, BRUISE_C));
    findings.push(finding("r3", 1, 2012, FATHER_A));
    findings.push(finding("r4", 1, 2013, FATHER_B));
    // An earlier grouping had all five together as rl-7.
    let previous = Grouping {
        groups: vec![Group {
            id: "rl-7".into(),
            members: ["r1#L1", "r2#L1", "r5#L1", "r3#L1", "r4#L1"]
                .map(String::from)
                .to_vec(),
        }],
        next_id: 8,
        retired: BTreeMap::new(),
    };
    let next = regroup(&findings, &previous);
    let ids: Vec<(&str, usize)> = next
        .groups
        .iter()
        .map(|g| (g.id.as_str(), g.members.len()))
        .collect();
    assert_eq!(ids, vec![("rl-7", 3), ("rl-8", 2)]);
    assert_eq!(next.next_id, 9);
}

#[test]
fn a_merge_retires_one_id_with_its_successor() {
    let mut findings = background();
    findings.push(finding("r1", 1, 2010, BRUISE_A));
    findings.push(finding("r2", 1, 2011, BRUISE_B));
    findings.push(finding("r5", 1, 2016, BRUISE_C));
    let previous = Grouping {
        groups: vec![
            Group {
                id: "rl-1".into(),
                members: vec!["r1#L1".into(), "r2#L1".into()],
            },
            Group {
                id: "rl-2".into(),
                members: vec!["r5#L1".into(), "gone#L1".into()],
            },
        ],
        next_id: 3,
        retired: BTreeMap::from([("rl-0".to_string(), Some("rl-2".to_string()))]),
    };
    let next = regroup(&findings, &previous);
    assert_eq!(next.groups.len(), 1);
    assert_eq!(next.groups[0].id, "rl-1");
    assert_eq!(next.retired.get("rl-2"), Some(&Some("rl-1".to_string())));
    // An older retirement follows its successor's successor.
    assert_eq!(next.retired.get("rl-0"), Some(&Some("rl-1".to_string())));

    // A group that vanishes entirely has no successor.
    let none = regroup(&background(), &next);
    assert!(none.groups.is_empty());
    assert_eq!(none.retired.get("rl-1"), Some(&None));
    assert_eq!(none.next_id, 3);
}

#[test]
fn average_linkage_does_not_chain() {
    let mut findings = background();
    // A shares half its words with B, B half with C; A and C share nothing.
    findings.push(finding(
        "r1",
        1,
        2010,
        "alpha bravo charlie delta echo foxtrot",
    ));
    findings.push(finding(
        "r2",
        1,
        2011,
        "delta echo foxtrot golf hotel india",
    ));
    findings.push(finding("r3", 1, 2012, "golf hotel india juliet kilo lima"));
    let corpus = Corpus::new(&findings);
    let params = Params {
        edge: 0.3,
        link: 0.3,
        max_group: 100,
    };
    assert!(corpus.similarity(findings.len() - 3, findings.len() - 2) >= 0.3);
    assert!(corpus.similarity(findings.len() - 2, findings.len() - 1) >= 0.3);
    let grouping = regroup_corpus(&corpus, &Grouping::default(), &params);
    assert_eq!(grouping.groups.len(), 1, "{grouping:?}");
    assert_eq!(grouping.groups[0].members.len(), 2, "{grouping:?}");
}

#[test]
fn assign_joins_an_existing_group_or_makes_a_new_one() {
    let mut findings = background();
    findings.push(finding("r1", 1, 2010, BRUISE_A));
    findings.push(finding("r2", 1, 2011, BRUISE_B));
    findings.push(finding("r3", 1, 2012, FATHER_A));
    let current = regroup(&findings, &Grouping::default());
    assert_eq!(current.groups.len(), 1);
    let mut corpus = Corpus::new(&findings);

    // A repeat of the bruising point joins its group, under the same id.
    let new = vec![
        finding("r9", 1, 2020, BRUISE_C),
        finding(
            "r9",
            2,
            2020,
            "Unrelated words about library opening hours.",
        ),
    ];
    let next = corpus.assign(&new, &current, &Params::default());
    assert_eq!(next.groups.len(), 1);
    assert_eq!(next.groups[0].id, current.groups[0].id);
    assert_eq!(
        next.groups[0].members.last().map(String::as_str),
        Some("r9#L1")
    );

    // A repeat of an ungrouped finding makes a new group with a new id.
    let later = corpus.assign(
        &[finding("r10", 1, 2021, FATHER_B)],
        &next,
        &Params::default(),
    );
    assert_eq!(later.groups.len(), 2);
    assert_eq!(later.groups[1].id, format!("rl-{}", next.next_id));
    assert_eq!(later.groups[1].members, vec!["r3#L1", "r10#L1"]);

    // The free function gives the same answer from scratch.
    let mut all = findings.clone();
    all.extend(new.clone());
    let same = assign(&new, &all, &current);
    assert_eq!(same, next);

    // Withdrawing one of two reviews retires the group.
    let withdrawn = corpus.remove(&["r10#L1".to_string()], &later);
    assert_eq!(withdrawn.groups.len(), 1);
    assert_eq!(withdrawn.retired.get(&later.groups[1].id), Some(&None));
}

#[test]
fn representative_is_the_most_shared_member() {
    let findings = vec![
        finding("r1", 1, 2010, BRUISE_A),
        finding("r2", 1, 2011, BRUISE_B),
        finding("r3", 1, 2012, BRUISE_C),
        finding("r4", 1, 2012, FATHER_A),
    ];
    let group = Group {
        id: "rl-1".into(),
        members: vec!["r1#L1".into(), "r2#L1".into(), "r3#L1".into()],
    };
    let text = representative(&group, &findings);
    assert!([BRUISE_A, BRUISE_B, BRUISE_C].contains(&text));
    let empty = Group {
        id: "rl-2".into(),
        members: vec!["nobody#L1".into()],
    };
    assert_eq!(representative(&empty, &findings), "");
}

#[test]
fn good_practice_findings_are_not_grouped() {
    let mut findings = background();
    findings.push(finding("r1", 1, 2010, BRUISE_A));
    let mut commended = finding("r2", 1, 2012, BRUISE_B);
    commended.kind = "good_practice".into();
    findings.push(commended);
    let grouping = regroup(&findings, &Grouping::default());
    assert!(grouping.groups.is_empty(), "{grouping:?}");

    if let Some(last) = findings.last_mut() {
        last.kind = "recommendation".into();
    }
    let grouping = regroup(&findings, &Grouping::default());
    assert_eq!(grouping.groups.len(), 1, "{grouping:?}");

    // Nor is one placed into a group after a publish.
    let mut late = finding("r3", 1, 2014, BRUISE_C);
    late.kind = "good_practice".into();
    let mut corpus = Corpus::new(&findings);
    let after = corpus.assign(&[late], &grouping, &Params::default());
    assert_eq!(after.groups, grouping.groups);
}

#[test]
fn known_points_from_the_national_analyses_are_recognised() {
    assert_eq!(
        practice_point("When the psychiatric liaison team assesses a patient after an overdose, it should establish whether the patient looks after any children."),
        Some("think_family")
    );
    assert_eq!(
        practice_point("Health visitors should ask at each contact who lives in the household and record the name of any new adult."),
        Some("hidden_men")
    );
    assert_eq!(
        practice_point("When a family moves between areas, the previous authority's records must be obtained and read."),
        Some("history_from_previous_area")
    );
    // The main point is read from the first sentence.
    assert_eq!(
        practice_point(
            "The school did not know the family. Missed appointments were not followed up."
        ),
        None
    );
}

const MEN_A: &str =
    "No professional ever met the mother's boyfriend, although he was living in the home.";
const MEN_B: &str = "Practitioners should be curious about fathers and male partners in a child's life and assess them.";
const MEN_C: &str = "Health visitors should ask at every contact who lives in the household and record any new adult.";

fn group_of<'a>(grouping: &'a Grouping, id: &str) -> Option<&'a Group> {
    grouping
        .groups
        .iter()
        .find(|g| g.members.iter().any(|m| m == id))
}

#[test]
fn a_known_point_groups_differently_worded_findings_of_different_reviews() {
    let mut findings = background();
    findings.push(finding("r1", 1, 2010, MEN_A));
    findings.push(finding("r2", 1, 2012, MEN_B));
    findings.push(finding("r3", 1, 2014, MEN_C));
    let grouping = regroup(&findings, &Grouping::default());
    assert_eq!(grouping.groups.len(), 1, "{grouping:?}");
    assert_eq!(
        grouping.groups[0].members,
        vec!["r1#L1", "r2#L1", "r3#L1"],
        "{grouping:?}"
    );
    assert_eq!(
        label(&grouping.groups[0], &findings),
        "Men in the household unseen"
    );
    assert_eq!(
        group_point(&grouping.groups[0], &findings),
        Some("hidden_men")
    );

    // By their words alone they are not alike: without the points, no group.
    let words_only = Corpus::with_analysis(
        &findings,
        Analysis {
            point_groups: false,
            point_weight: 0.0,
            ..Analysis::default()
        },
    );
    let grouping = regroup_corpus(&words_only, &Grouping::default(), &Params::default());
    assert!(grouping.groups.is_empty(), "{grouping:?}");
}

#[test]
fn findings_sharing_only_a_theme_are_not_grouped() {
    let mut findings = background();
    findings.push(finding(
        "r1",
        1,
        2010,
        "Training on domestic abuse for GP receptionists should cover how to respond to a disclosure made at the desk.",
    ));
    findings.push(finding(
        "r2",
        1,
        2012,
        "The refuge had no children's worker, so the effect of the domestic abuse on the children was never assessed.",
    ));
    let grouping = regroup(&findings, &Grouping::default());
    assert!(grouping.groups.is_empty(), "{grouping:?}");
    // Nor two different known points of one theme (both about men and domestic abuse).
    findings.push(finding("r3", 1, 2014, MEN_A));
    findings.push(finding(
        "r4",
        1,
        2015,
        "Police officers attending a domestic incident should check the details of every adult present.",
    ));
    let grouping = regroup(&findings, &Grouping::default());
    assert!(grouping.groups.is_empty(), "{grouping:?}");
}

#[test]
fn good_practice_making_a_known_point_stays_out() {
    let mut findings = background();
    findings.push(finding("r1", 1, 2010, MEN_A));
    let mut commended = finding(
        "r2",
        1,
        2012,
        "The health visitor asked at every visit who was living in the household and met the new partner.",
    );
    commended.kind = "good_practice".into();
    findings.push(commended.clone());
    let grouping = regroup(&findings, &Grouping::default());
    assert!(grouping.groups.is_empty(), "{grouping:?}");
    let mut corpus = Corpus::new(&findings[..findings.len() - 1]);
    let after = corpus.assign(&[commended], &grouping, &Params::default());
    assert!(after.groups.is_empty(), "{after:?}");
}

#[test]
fn assign_joins_a_known_point_group_or_forms_it() {
    let mut findings = background();
    findings.push(finding("r1", 1, 2010, MEN_A));
    findings.push(finding("r2", 1, 2012, MEN_B));
    findings.push(finding("r4", 1, 2012, BRUISE_A));
    let current = regroup(&findings, &Grouping::default());
    assert_eq!(current.groups.len(), 1, "{current:?}");
    let mut corpus = Corpus::new(&findings);

    // A new finding making the point in other words joins the point's group.
    let next = corpus.assign(
        &[finding("r3", 1, 2014, MEN_C)],
        &current,
        &Params::default(),
    );
    assert_eq!(next.groups.len(), 1, "{next:?}");
    assert_eq!(next.groups[0].id, current.groups[0].id);
    assert!(next.groups[0].members.contains(&"r3#L1".to_string()));

    // A new finding making a point only one other review made forms its group.
    let later = corpus.assign(
        &[finding(
            "r5",
            1,
            2016,
            "A mark found on an infant who could not yet roll over was explained away.",
        )],
        &next,
        &Params::default(),
    );
    let bruise = group_of(&later, "r5#L1").expect("a bruising group");
    assert_eq!(bruise.members, vec!["r4#L1", "r5#L1"]);
    assert_eq!(bruise.id, format!("rl-{}", next.next_id));
    assert!(group_of(&later, "r3#L1").is_some_and(|g| g.id == current.groups[0].id));
}

#[test]
fn a_label_is_the_point_or_a_short_first_sentence() {
    let findings = vec![
        finding("r1", 1, 2010, "The chronology was written by one agency only and nobody else added what they knew about the family over many years of involvement. It was not shared."),
        finding("r2", 1, 2011, "Short text here."),
    ];
    let group = Group {
        id: "rl-1".into(),
        members: vec!["r1#L1".into(), "r2#L1".into()],
    };
    let text = label(&group, &findings);
    assert!(text.chars().count() <= 92, "{text}");
    assert!(text.ends_with(" …"), "{text}");
    assert!(!text.contains("It was not shared"), "{text}");
    assert_eq!(group_point(&group, &findings), None);
    let short = Group {
        id: "rl-2".into(),
        members: vec!["r2#L1".into()],
    };
    assert_eq!(label(&short, &findings), "Short text here.");
}
