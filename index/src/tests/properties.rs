//! Property tests of the query parser and search parameters (issue 7, fuzzing): any
//! text as `q`, in either view and order, searches without error or panic (an error
//! would be a 500; queries are never an error), and any query-string pairs are either
//! refused with named field errors (a 422) or searched without error. The cargo-fuzz
//! target `query` (fuzz/, docs/fuzzing.md) covers the same ground for longer.

use std::sync::OnceLock;

use proptest::prelude::*;

use super::*;

/// One index for every case (building it is the slow part).
fn shared() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(fixture)
}

/// Words from the corpus and the query syntax people type (and mistype).
fn query_text() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("neglect".to_string()),
        Just("not brought".to_string()),
        Just("A&E".to_string()),
        Just("\"".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("-".to_string()),
        Just("+".to_string()),
        Just("*".to_string()),
        Just(":".to_string()),
        Just("~2".to_string()),
        Just("title:".to_string()),
        Just("AND".to_string()),
        Just("OR".to_string()),
        Just("domestic abuse".to_string()),
        "[a-z]{1,12}",
        any::<String>(),
    ];
    proptest::collection::vec(token, 0..8).prop_map(|tokens| tokens.join(" "))
}

fn parameter() -> impl Strategy<Value = (String, String)> {
    let key = prop_oneof![
        Just("q"),
        Just("view"),
        Just("sort"),
        Just("page"),
        Just("per_page"),
        Just("year_from"),
        Just("year_to"),
        Just("theme"),
        Just("board"),
        Just("year"),
        Just("agency"),
        Just("kind"),
        Just("nonsense"),
    ];
    let value = prop_oneof![
        Just("lessons".to_string()),
        Just("newest".to_string()),
        Just("2".to_string()),
        Just("0".to_string()),
        Just("2009".to_string()),
        Just("neglect".to_string()),
        Just("wessex".to_string()),
        Just("99999999999999999999".to_string()),
        "[0-9]{1,6}",
        any::<String>(),
    ];
    (key.prop_map(str::to_string), value)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn any_text_searches_without_error(q in query_text(), lessons in any::<bool>(), newest in any::<bool>()) {
        let request = SearchRequest {
            q,
            view: if lessons { View::Lessons } else { View::Reviews },
            sort: if newest { Sort::Newest } else { Sort::Relevance },
            ..SearchRequest::default()
        };
        let results = shared().index.search(&request, today());
        prop_assert!(results.is_ok(), "{:?}: {:?}", request, results.err());
    }

    #[test]
    fn any_parameters_are_refused_with_reasons_or_searched(pairs in proptest::collection::vec(parameter(), 0..6)) {
        let boards = vec!["barsetshire".to_string(), "wessex".to_string()];
        match SearchRequest::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), &boards) {
            Ok(request) => {
                let results = shared().index.search(&request, today());
                prop_assert!(results.is_ok(), "{:?}: {:?}", request, results.err());
            }
            Err(errors) => {
                prop_assert!(!errors.0.is_empty());
                prop_assert!(errors.0.iter().all(|e| !e.field.is_empty() && !e.message.is_empty()));
            }
        }
    }
}
