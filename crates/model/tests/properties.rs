//! Property tests of review JSON and validation (issue 7, fuzzing): validation never
//! panics on any review that JSON can describe, a valid review stays valid through a
//! JSON round trip, and any review that deserialises serialises back to itself.
//! The cargo-fuzz target `review_json` (fuzz/, docs/fuzzing.md) covers the same
//! ground through the deposit API's reader for longer.

use lessons_model::review::REVIEW_FIELDS;
use lessons_model::{validate_review, Child, Lesson, Review, Vocabulary};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use serde_json::{Map, Value};

fn slug(vocabulary: Vocabulary) -> impl Strategy<Value = String> {
    select(vocabulary.slugs())
}

fn slugs(vocabulary: Vocabulary) -> impl Strategy<Value = Vec<String>> {
    let all = vocabulary.slugs();
    let most = all.len().min(4);
    subsequence(all, 0..=most)
}

/// Non-blank text of any characters (control characters and non-BMP included).
fn text(max: usize) -> impl Strategy<Value = String> {
    (any::<String>(), "[A-Za-z]").prop_map(move |(s, first)| {
        let s: String = s.chars().take(max).collect();
        format!("{first}{s}")
    })
}

/// A date `YYYY-MM-DD` from a day number, so that three sorted numbers give three
/// dates in order.
fn date(day: u32) -> String {
    format!(
        "{}-{:02}-{:02}",
        1990 + day / 336,
        1 + (day / 28) % 12,
        1 + day % 28
    )
}

fn lesson() -> impl Strategy<Value = Lesson> {
    (
        slug(Vocabulary::LessonKind),
        slug(Vocabulary::Level),
        slug(Vocabulary::Agency),
        slugs(Vocabulary::Theme),
        text(200),
    )
        .prop_map(|(kind, level, agency, themes, text)| Lesson {
            agency: (level == "individual").then_some(agency),
            kind,
            level,
            themes,
            text,
            ..Lesson::default()
        })
}

prop_compose! {
    fn valid_review()(
        title in text(100),
        board in "[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,4})?",
        review_type in slug(Vocabulary::ReviewType),
        incident in slug(Vocabulary::Incident),
        abuse in slugs(Vocabulary::Abuse),
        age_band in slug(Vocabulary::AgeBand),
        sex in slug(Vocabulary::Sex),
        mut days in proptest::collection::vec(0u32..12_000, 3),
        themes in slugs(Vocabulary::Theme),
        agencies in slugs(Vocabulary::Agency),
        keywords in proptest::collection::vec(any::<String>(), 0..3),
        summary in any::<String>(),
        lessons in proptest::collection::vec(lesson(), 0..4),
    ) -> Review {
        days.sort_unstable();
        Review {
            title,
            board,
            review_type,
            incident,
            abuse,
            child: Child { age_band, sex },
            commissioned_on: Some(date(days[0])),
            completed_on: Some(date(days[1])),
            published_on: Some(date(days[2])),
            themes,
            agencies,
            keywords,
            summary,
            lessons,
            ..Review::default()
        }
    }
}

/// JSON values shaped like reviews: known field names (and a few others) holding any
/// JSON, nested a little.
fn review_like_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        select(Vocabulary::Theme.slugs()).prop_map(Value::String),
    ];
    let value = leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    let mut keys: Vec<String> = REVIEW_FIELDS.iter().map(|k| k.to_string()).collect();
    keys.extend(["text", "kind", "age_band", "sex"].map(String::from));
    proptest::collection::vec((select(keys), value), 0..10)
        .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_valid_review_round_trips_through_json_and_stays_valid(review in valid_review()) {
        prop_assert_eq!(validate_review(&review), Ok(()));
        let json = serde_json::to_string(&review).unwrap();
        let again: Review = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&again, &review);
        prop_assert_eq!(validate_review(&again), Ok(()));
    }

    #[test]
    fn any_review_json_validates_without_panicking_and_round_trips(value in review_like_json()) {
        if let Ok(review) = serde_json::from_value::<Review>(value) {
            if let Err(errors) = validate_review(&review) {
                prop_assert!(!errors.0.is_empty());
                prop_assert!(errors.0.iter().all(|e| !e.message.is_empty()));
            }
            let json = serde_json::to_string(&review).unwrap();
            let again: Review = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(again, review);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_review_reader(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(review) = serde_json::from_slice::<Review>(&bytes) {
            let _ = validate_review(&review);
        }
    }
}
