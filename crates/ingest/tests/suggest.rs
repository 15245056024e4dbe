//! Lesson suggestions: each numbering style, section detection, page-break continuation,
//! the guessed kind, level, agency and themes, and the labelled evaluation set.

use std::path::Path;

use lessons_ingest::{evaluate_suggestions, suggest_lessons};
use lessons_model::Lesson;

fn texts(lessons: &[Lesson]) -> Vec<&str> {
    lessons.iter().map(|l| l.text.as_str()).collect()
}

const A: &str = "The health visitor did not ask who else lived in the household.";
const B: &str = "Agencies should share information about domestic abuse within a day.";
const C: &str = "The school did not follow up the child's repeated absences from class.";

#[test]
fn every_numbering_style_is_split() {
    let cases: &[(&str, [&str; 3])] = &[
        ("1.", ["1.", "2.", "3."]),
        ("5.1", ["5.1", "5.2", "5.3"]),
        ("(a)", ["(a)", "(b)", "(c)"]),
        ("a)", ["a)", "b)", "c)"]),
        ("i.", ["i.", "ii.", "iii."]),
        ("bullet", ["•", "•", "•"]),
        ("dash", ["-", "-", "-"]),
        ("star", ["*", "*", "*"]),
        ("label", ["Lesson 1 -", "Lesson 2 -", "Lesson 3 -"]),
        ("finding", ["Finding 1:", "Finding 2:", "Finding 3:"]),
    ];
    for (name, markers) in cases {
        for separator in ["\n\n", "\n"] {
            let body: Vec<String> = markers
                .iter()
                .zip([A, B, C])
                .map(|(m, t)| format!("{m} {t}"))
                .collect();
            let text = format!(
                "Introduction\n\nThe child was four.\n\nLessons learned\n\n{}\n\nBackground\n\nThe family moved twice.",
                body.join(separator)
            );
            let found = suggest_lessons(&text);
            assert_eq!(
                texts(&found),
                [A, B, C],
                "style {name} separated by {separator:?}"
            );
            assert!(
                found.iter().all(|l| l.suggested && l.kind == "lesson"),
                "{name}"
            );
        }
    }
}

#[test]
fn section_headings_are_recognised() {
    for heading in [
        "Lessons learned",
        "Lessons to be learnt",
        "Key learning",
        "Learning",
        "Learning points",
        "Findings",
        "Conclusions",
        "6. Recommendations",
        "5 Lessons Learned",
        "KEY FINDINGS",
        "Recommendations:",
        "4.0 Conclusions and lessons learned",
    ] {
        let text = format!(
            "Summary\n\nSome narrative here about events.\n\n{heading}\n\n1. {A}\n\n2. {C}"
        );
        assert_eq!(
            texts(&suggest_lessons(&text)),
            [A, C],
            "heading {heading:?}"
        );
    }
}

#[test]
fn items_outside_findings_sections_are_ignored() {
    let text = format!(
        "Chronology\n\n1. {A}\n\n2. {C}\n\nRecommendations\n\n1. {B}\n\nAppendix 1: Membership of the panel\n\n1. The independent chair of the review panel was a retired director."
    );
    assert_eq!(texts(&suggest_lessons(&text)), [B]);
}

#[test]
fn other_headings_end_a_section() {
    let text = format!("Findings\n\n• {A}\n\nBackground\n\n• {C}");
    assert_eq!(texts(&suggest_lessons(&text)), [A]);
}

#[test]
fn an_item_runs_across_a_page_break() {
    let text = "Recommendations\n\n1. The Board should ensure that every agency knows how to refer a\n\nbaby with a bruise to children's social care without delay.\n\n2. The police should share every domestic abuse incident with the school.";
    let found = suggest_lessons(text);
    assert_eq!(
        texts(&found),
        [
            "The Board should ensure that every agency knows how to refer a baby with a bruise to children's social care without delay.",
            "The police should share every domestic abuse incident with the school.",
        ]
    );
    // A page number between the halves is not part of the item.
    let text = "Findings\n\n1. Nobody asked the child what life at home was like, although she told her\n\nPage 4 of 9\n\nteacher she was hungry.";
    assert_eq!(
        texts(&suggest_lessons(text)),
        ["Nobody asked the child what life at home was like, although she told her teacher she was hungry."]
    );
}

#[test]
fn prose_after_the_items_is_not_an_item() {
    let text = format!("Lessons learned\n\nThe review identified the following lessons:\n\n1. {A}\n\n2. {C}\n\nThe Board has accepted these lessons and will monitor progress.");
    assert_eq!(texts(&suggest_lessons(&text)), [A, C]);
}

#[test]
fn unnumbered_paragraphs_of_a_section_are_items() {
    let text = format!("Conclusions\n\n{A}\n\n{C}\n\nNext steps\n\nThe Board will publish an action plan in the spring.");
    assert_eq!(texts(&suggest_lessons(&text)), [A, C]);
}

#[test]
fn short_items_are_skipped() {
    let text = format!("Recommendations\n\n1. Training.\n\n2. {B}");
    assert_eq!(texts(&suggest_lessons(&text)), [B]);
}

#[test]
fn a_label_on_its_own_line_takes_the_next_paragraph() {
    let text = "Recommendations\n\nRecommendation 3\n\nThe midwifery service should record the name of every adult in the household.";
    let found = suggest_lessons(text);
    assert_eq!(
        texts(&found),
        ["The midwifery service should record the name of every adult in the household."]
    );
    assert_eq!(found[0].kind, "recommendation");
}

#[test]
fn sub_items_join_their_parent() {
    let text = "Learning\n\n1. Professionals should remember that:\n(a) a plan ending does not mean the risk has gone;\n(b) a new partner needs a fresh assessment.\n\n2. The nursery did not pass its concerns to the health visitor.";
    assert_eq!(
        texts(&suggest_lessons(text)),
        [
            "Professionals should remember that: a plan ending does not mean the risk has gone; a new partner needs a fresh assessment.",
            "The nursery did not pass its concerns to the health visitor.",
        ]
    );
}

/// (item, kind, level, agency) for items in the given section.
#[test]
fn kind_level_and_agency_are_guessed() {
    let cases: &[(&str, &str, &str, &str, Option<&str>)] = &[
        (
            "Recommendations",
            "The GP practice should code every child protection plan on the child's record.",
            "recommendation",
            "individual",
            Some("general_practice"),
        ),
        (
            "Lessons learned",
            "The health visitor did not weigh the baby at the visit in March.",
            "lesson",
            "individual",
            Some("health_visiting"),
        ),
        (
            "Findings",
            "The HV did not weigh the baby at the visit in March.",
            "lesson",
            "individual",
            Some("health_visiting"),
        ),
        (
            "Findings",
            "Children's social care closed the case without seeing the children.",
            "lesson",
            "individual",
            Some("childrens_social_care"),
        ),
        (
            "Findings",
            "The social worker closed the case without seeing the children.",
            "lesson",
            "individual",
            Some("childrens_social_care"),
        ),
        (
            "Recommendations",
            "The midwife should ask every pregnant woman about domestic abuse when she is alone.",
            "recommendation",
            "individual",
            Some("midwifery"),
        ),
        (
            "Recommendations",
            "Staff in A&E should check the child protection information system for every child.",
            "recommendation",
            "individual",
            Some("emergency_department"),
        ),
        (
            "Recommendations",
            "CAMHS should offer an appointment within four weeks to any child who has self-harmed.",
            "recommendation",
            "individual",
            Some("camhs"),
        ),
        (
            "Recommendations",
            "The school should keep a record of every concern raised by staff about a pupil.",
            "recommendation",
            "individual",
            Some("school"),
        ),
        (
            "Findings",
            "The probation officer did not know that the man lived with a baby.",
            "lesson",
            "individual",
            Some("probation"),
        ),
        (
            "Recommendations",
            "All agencies should use the Board's neglect toolkit when they assess a family.",
            "recommendation",
            "inter_agency",
            None,
        ),
        (
            "Recommendations",
            "The LSCB should audit the quality of strategy discussions every year.",
            "recommendation",
            "inter_agency",
            None,
        ),
        (
            "Findings",
            "The police did not tell the GP about the incident at the house.",
            "lesson",
            "individual",
            Some("police"),
        ),
        (
            "Findings",
            "The GP and the health visitor did not meet to discuss the family.",
            "lesson",
            "inter_agency",
            None,
        ),
        (
            "Recommendations",
            "Professionals should ask who else lives in the household at every contact.",
            "recommendation",
            "inter_agency",
            None,
        ),
        (
            "Recommendations",
            "The acute trust should ensure that no baby with an injury is discharged before the skeletal survey is reported.",
            "recommendation",
            "individual",
            Some("acute_paediatrics"),
        ),
        (
            "Recommendations",
            "The hospital trust should put an alert in the emergency department for children who self-harm.",
            "recommendation",
            "individual",
            Some("emergency_department"),
        ),
        (
            "Recommendations",
            "The police should share domestic abuse notifications with health visitors and midwives.",
            "recommendation",
            "individual",
            Some("police"),
        ),
        (
            "Recommendations",
            "The panel recommends that the CCG commissions a perinatal mental health service.",
            "recommendation",
            "individual",
            Some("commissioners"),
        ),
        (
            "Findings",
            "Missed appointments were not followed up by the GP practice.",
            "lesson",
            "individual",
            Some("general_practice"),
        ),
        (
            "Findings",
            "The school nurse was not invited to the strategy meeting.",
            "lesson",
            "inter_agency",
            None,
        ),
        (
            "Findings",
            "Multi-agency meetings did not include the housing provider.",
            "lesson",
            "inter_agency",
            None,
        ),
        (
            "Findings",
            "The response of the ambulance crew was good practice and saved the child's life.",
            "good_practice",
            "individual",
            Some("ambulance"),
        ),
        (
            "Recommendations",
            "Recommendation 4: Housing officers should report disrepair that puts a child at risk.",
            "recommendation",
            "individual",
            Some("housing"),
        ),
        (
            "Findings",
            "The nursery staff worked well with the family throughout the year.",
            "good_practice",
            "individual",
            Some("early_years"),
        ),
    ];
    for (section, item, kind, level, agency) in cases {
        let text = format!("{section}\n\n1. {item}");
        let found = suggest_lessons(&text);
        assert_eq!(found.len(), 1, "{item}");
        let lesson = &found[0];
        assert_eq!(lesson.kind, *kind, "kind of {item}");
        assert_eq!(lesson.level, *level, "level of {item}");
        assert_eq!(lesson.agency.as_deref(), *agency, "agency of {item}");
        assert!(lesson.suggested);
    }
}

/// An item in which no agency acts is inter-agency, whatever agency the rest of the
/// document names most (it used to take that agency, and "Professionals should ..."
/// became the health visitor's).
#[test]
fn an_item_naming_no_agency_is_inter_agency() {
    let text = "Background\n\nThe health visitor saw the family often. The health visitor was worried. The GP saw the baby once.\n\nLessons learned\n\n1. Nobody asked what the baby's day was like at home.\n\n2. Professionals should see the baby with each carer at least once.";
    for lesson in suggest_lessons(text) {
        assert_eq!(lesson.level, "inter_agency", "{}", lesson.text);
        assert_eq!(lesson.agency, None, "{}", lesson.text);
    }
    let text = "Lessons learned\n\n1. Nobody asked what the baby's day was like at home.";
    assert_eq!(suggest_lessons(text)[0].agency, None);
}

#[test]
fn a_sub_heading_names_the_agency() {
    let text = "Single agency recommendations\n\nPolice\n\n1. Officers should record the names of all children present at an incident.\n\nSchool\n\n2. Staff should record every unexplained absence and tell the designated lead.";
    let found = suggest_lessons(text);
    let agencies: Vec<_> = found.iter().map(|l| l.agency.as_deref()).collect();
    assert_eq!(agencies, [Some("police"), Some("school")]);
}

#[test]
fn themes_come_from_labels_and_synonyms() {
    let cases: &[(&str, &str)] = &[
        (
            "Professionals did not see the impact of domestic abuse on the children.",
            "domestic_abuse",
        ),
        (
            "Nobody asked about the hidden men in the household of the baby.",
            "unseen_men",
        ),
        (
            "Advice about co-sleeping was not given to the parents at discharge.",
            "sudden_unexpected_death_in_infancy",
        ),
        (
            "Agencies did not recognise that he was being drawn into county lines.",
            "child_criminal_exploitation",
        ),
        (
            "Bruising to a baby of ten weeks was not referred to children's social care.",
            "bruising_in_non_mobile_infants",
        ),
        (
            "Each referral was treated afresh, a case of start again syndrome.",
            "history_and_chronologies",
        ),
        (
            "The voice of the child was not heard in any assessment of the family.",
            "voice_of_the_child",
        ),
    ];
    for (item, theme) in cases {
        let found = suggest_lessons(&format!("Findings\n\n- {item}"));
        assert!(
            found[0].themes.iter().any(|t| t == theme),
            "{item}: {:?}",
            found[0].themes
        );
        assert!(found[0].themes.len() <= 3);
        for theme in &found[0].themes {
            assert!(lessons_model::Vocabulary::Theme.contains(theme), "{theme}");
        }
    }
}

#[test]
fn suggestions_pass_lesson_validation() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("eval");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            let text = std::fs::read_to_string(&path).unwrap();
            let review = lessons_model::Review {
                title: "Serious Case Review: Child A".into(),
                board: "barsetshire".into(),
                incident: "death".into(),
                lessons: suggest_lessons(&text),
                ..lessons_model::Review::default()
            };
            if let Err(errors) = lessons_model::validate_review(&review) {
                let lesson_errors: Vec<_> = errors
                    .0
                    .iter()
                    .filter(|e| e.field.starts_with("lessons"))
                    .collect();
                assert!(
                    lesson_errors.is_empty(),
                    "{}: {lesson_errors:?}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn nothing_to_find_finds_nothing() {
    assert!(suggest_lessons("").is_empty());
    assert!(suggest_lessons("Recommendations").is_empty());
    assert!(suggest_lessons("Just a paragraph of text with no headings at all in it.").is_empty());
}

#[test]
fn the_labelled_set_scores_at_least_0_8() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("eval");
    let report = evaluate_suggestions(&dir).unwrap();
    println!("{}", report.render(true));
    assert!(report.documents.len() >= 8);
    assert!(
        report.precision() >= 0.8,
        "precision {}",
        report.precision()
    );
    assert!(report.recall() >= 0.8, "recall {}", report.recall());
}
