//! Index tests over a small in-code corpus: analysis, synonyms, coverage ranking,
//! facets against filtered totals, paging, views, visibility and the commit payload.

use super::*;
use lessons_model::dates::parse_date;
use lessons_model::{Child, Lesson, Status};
use std::collections::HashSet;

fn lesson(kind: &str, level: &str, agency: Option<&str>, themes: &[&str], text: &str) -> Lesson {
    Lesson {
        kind: kind.into(),
        level: level.into(),
        agency: agency.map(str::to_string),
        themes: themes.iter().map(|t| t.to_string()).collect(),
        text: text.into(),
        ..Lesson::default()
    }
}

fn review(
    n: u32,
    board: &str,
    year: i32,
    themes: &[&str],
    summary: &str,
    lessons: Vec<Lesson>,
) -> Review {
    let mut review = Review {
        id: format!("scr-{year}-{board}-{n:04}"),
        title: format!("Serious Case Review: Child {n}"),
        board: board.into(),
        region: Some("south_west".into()),
        review_type: "serious_case_review".into(),
        incident: if n.is_multiple_of(2) {
            "death".into()
        } else {
            "serious_harm".into()
        },
        abuse: vec!["neglect".into()],
        child: Child {
            age_band: "under_1".into(),
            sex: "male".into(),
        },
        commissioned_on: Some(format!("{}-01-10", year - 1)),
        completed_on: Some(format!("{}-{:02}-10", year - 1, 5 + n % 6)),
        published_on: Some(format!("{year}-03-01")),
        themes: themes.iter().map(|t| t.to_string()).collect(),
        agencies: vec!["police".into(), "health_visiting".into()],
        summary: summary.into(),
        lessons,
        status: Status::Published,
        revision: 1,
        ..Review::default()
    };
    review.fill_derived();
    review
}

fn corpus() -> Vec<Review> {
    vec![
        review(1, "barsetshire", 2008, &["bruising_in_non_mobile_infants", "unseen_men"],
            "Child 1 was ten weeks old. The health visitor saw bruising on the baby, who was not yet mobile. The mother's new partner was not known to agencies.",
            vec![
                lesson("lesson", "inter_agency", None, &["unseen_men"], "No agency asked who else lived in the household or cared for the baby."),
                lesson("recommendation", "individual", Some("general_practice"), &["bruising_in_non_mobile_infants"], "The GP practice should adopt the protocol for bruising in babies who are not yet mobile."),
            ]),
        review(2, "barsetshire", 2009, &["neglect", "domestic_abuse"],
            "The family was known to children's social care for neglect. Assessments were repeated but each started again. Domestic violence was reported by police.",
            vec![
                lesson("lesson", "inter_agency", None, &["history_and_chronologies"], "Each assessment started afresh without the history; a chronology would have shown the pattern."),
                lesson("recommendation", "individual", Some("police"), &["domestic_abuse"], "Police should share every domestic abuse notification with children's social care within one day."),
            ]),
        review(3, "wessex", 2010, &["parental_mental_health", "parental_substance_misuse"],
            "The general practitioner knew of the mother's depression and the father's drinking. The child was not brought to appointments.",
            vec![
                lesson("good_practice", "individual", Some("school"), &["voice_of_the_child"], "The school nurse listened to the child and recorded his words carefully."),
                lesson("lesson", "inter_agency", None, &["information_sharing"], "The general practitioner did not share concerns with the health visitor or social care."),
            ]),
        review(4, "wessex", 2011, &["child_sexual_exploitation"],
            "A fourteen year old girl went missing repeatedly. The emergency department treated her twice. Professionals saw her as making lifestyle choices.",
            vec![
                lesson("lesson", "inter_agency", None, &["vulnerable_adolescents"], "Missing episodes were not linked across agencies, so the risk of exploitation was not seen."),
                lesson("recommendation", "individual", Some("emergency_department"), &["child_sexual_exploitation"], "The A&E department should ask about exploitation when a young person attends repeatedly."),
            ]),
        review(5, "wessex", 2012, &["neglect"],
            "Home conditions were poor for years. Neglect was chronic and the assessments underestimated it. The family moved between three authorities.",
            vec![
                lesson("lesson", "inter_agency", None, &["neglect", "cross_boundary_working"], "Chronic neglect needs a shared picture across authorities when families move."),
                lesson("recommendation", "individual", Some("housing"), &["poverty_housing_and_transience"], "Housing officers should report poor home conditions to children's social care."),
            ]),
    ]
}

struct Fixture {
    _dir: tempfile::TempDir,
    index: SearchIndex,
}

fn fixture_with(reviews: Vec<Review>) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    let updates: Vec<IndexUpdate> = reviews
        .into_iter()
        .map(|r| IndexUpdate::Put(Box::new(r)))
        .collect();
    index.apply(&updates, 7).unwrap();
    Fixture { _dir: dir, index }
}

fn fixture() -> Fixture {
    fixture_with(corpus())
}

fn today() -> Date {
    parse_date("2026-11-26").unwrap()
}

fn search(index: &SearchIndex, query: &str) -> SearchResults {
    let pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                k.to_string(),
                v.replace('+', " ").replace("%26", "&").replace("%22", "\""),
            )
        })
        .collect();
    let boards = vec!["barsetshire".to_string(), "wessex".to_string()];
    let request =
        SearchRequest::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), &boards)
            .unwrap();
    index.search(&request, today()).unwrap()
}

/// The ids of the matches on the page (not the related documents that may follow).
fn ids(results: &SearchResults) -> Vec<String> {
    results
        .hits
        .iter()
        .filter(|h| !h.related)
        .map(|h| h.display.id.clone())
        .collect()
}

fn id_set(results: &SearchResults) -> HashSet<String> {
    ids(results).into_iter().collect()
}

#[test]
fn empty_query_lists_every_public_review_newest_first() {
    let f = fixture();
    let results = search(&f.index, "q=");
    assert_eq!(results.total, 5);
    assert_eq!(ids(&results)[0], "scr-2012-wessex-0005");
}

#[test]
fn stemming_matches_inflections() {
    let f = fixture();
    assert_eq!(
        id_set(&search(&f.index, "q=assessment")),
        id_set(&search(&f.index, "q=assessments"))
    );
    assert_eq!(search(&f.index, "q=assessments").total, 2);
}

#[test]
fn acronyms_match_their_full_forms_and_back() {
    let f = fixture();
    let gp = id_set(&search(&f.index, "q=GP"));
    let full = id_set(&search(&f.index, "q=\"general practitioner\""));
    assert!(full.is_subset(&gp), "{full:?} not in {gp:?}");
    assert!(gp.contains("scr-2008-barsetshire-0001") && gp.contains("scr-2010-wessex-0003"));
    let ae = id_set(&search(&f.index, "q=emergency department"));
    assert!(ae.contains("scr-2011-wessex-0004"));
    assert_eq!(
        id_set(&search(&f.index, "q=A%26E")),
        id_set(&search(&f.index, "q=accident+and+emergency"))
    );
    let dv = id_set(&search(&f.index, "q=DV"));
    assert!(dv.contains("scr-2009-barsetshire-0002"));
}

#[test]
fn theme_synonyms_match_tags_and_text() {
    let f = fixture();
    let trio = id_set(&search(&f.index, "q=toxic+trio"));
    assert!(trio.contains("scr-2010-wessex-0003") && trio.contains("scr-2009-barsetshire-0002"));
    let hidden = id_set(&search(&f.index, "q=hidden+men"));
    assert!(hidden.contains("scr-2008-barsetshire-0001"));
}

#[test]
fn plain_words_rank_by_coverage_instead_of_requiring_all() {
    let f = fixture();
    let results = search(&f.index, "q=bruising+babies+not+yet+mobile+protocol+zebra");
    assert!(results.total >= 1);
    assert_eq!(ids(&results)[0], "scr-2008-barsetshire-0001");
    let strict = search(&f.index, "q=bruising+AND+zebra");
    assert_eq!(strict.total, 0);
}

#[test]
fn function_words_alone_do_not_widen_the_match_set() {
    let f = fixture();
    assert_eq!(search(&f.index, "q=the+exploitation").total, 1);
}

#[test]
fn quoted_phrases_mean_their_words_or_the_concept_they_name() {
    let f = fixture();
    // "toxic trio" names a concept (three themes): quoted or not, it matches their tags.
    let unquoted = search(&f.index, "q=toxic+trio").total;
    assert!(unquoted >= 2);
    assert_eq!(search(&f.index, "q=%22toxic+trio%22").total, unquoted);
    // Any other quoted phrase means exactly its words, in order ("not brought" is now
    // an everyday name of the DNA concept, so another phrase of the same review).
    assert_eq!(
        ids(&search(&f.index, "q=%22brought+to+appointments%22")),
        ["scr-2010-wessex-0003"]
    );
}

#[test]
fn snippets_do_not_mark_function_words() {
    let f = fixture();
    let results = search(&f.index, "q=bruising+in+babies+who+are+not+yet+mobile");
    let snippet = &results.hits[0].snippet;
    assert!(snippet.contains("<mark>bruising</mark>"), "{snippet}");
    assert!(
        !snippet.contains("<mark>who</mark>") && !snippet.contains("<mark>not</mark>"),
        "{snippet}"
    );
}

#[test]
fn phrases_and_exclusions_are_strict() {
    let f = fixture();
    assert_eq!(
        ids(&search(&f.index, "q=\"home+conditions\"")),
        ["scr-2012-wessex-0005"]
    );
    let without = id_set(&search(&f.index, "q=neglect+-housing"));
    assert!(!without.contains("scr-2012-wessex-0005"));
    assert!(without.contains("scr-2009-barsetshire-0002"));
}

#[test]
fn close_spellings_match_rare_long_words() {
    let f = fixture();
    assert!(id_set(&search(&f.index, "q=exploitaton")).contains("scr-2011-wessex-0004"));
}

#[test]
fn malformed_queries_never_fail() {
    let f = fixture();
    let long = "neglect ".repeat(700);
    for q in [
        "\"unbalanced (",
        "AND",
        "***",
        "((",
        "-",
        "+",
        "\"\"",
        "NOT",
        "OR OR",
        "a&&b",
        long.as_str(),
    ] {
        let encoded = q.replace('&', "%26");
        let request = SearchRequest {
            q: encoded.replace("%26", "&"),
            ..SearchRequest::default()
        };
        assert!(f.index.search(&request, today()).is_ok(), "{q}");
    }
    assert_eq!(search(&f.index, "q=***").total, 0);
}

#[test]
fn snippets_mark_matches_and_escape_the_rest() {
    let mut reviews = corpus();
    reviews[0]
        .summary
        .push_str(" <script>alert(1)</script> bruising again.");
    let f = fixture_with(reviews);
    let results = search(&f.index, "q=bruising");
    let snippet = &results.hits[0].snippet;
    assert!(snippet.contains("<mark>bruising</mark>"), "{snippet}");
    assert!(!snippet.contains("<script>"), "{snippet}");
}

#[test]
fn facet_counts_equal_filtered_totals_for_every_value() {
    let f = fixture();
    for view in ["reviews", "lessons"] {
        for q in ["", "q=neglect"] {
            let base = search(&f.index, &format!("{q}&view={view}"));
            for (facet, values) in &base.facets {
                for value in values {
                    let filtered = search(
                        &f.index,
                        &format!("{q}&view={view}&{}={}", facet.key(), value.value),
                    );
                    assert_eq!(
                        filtered.total,
                        value.count,
                        "{view} {q} {}={}",
                        facet.key(),
                        value.value
                    );
                }
            }
        }
    }
}

#[test]
fn every_facet_is_present() {
    let f = fixture();
    let results = search(&f.index, "q=");
    for (facet, values) in &results.facets {
        assert!(!values.is_empty(), "{}", facet.key());
    }
}

#[test]
fn filters_or_within_a_facet_and_and_across() {
    let f = fixture();
    let neglect = search(&f.index, "theme=neglect").total;
    let cse = search(&f.index, "theme=child_sexual_exploitation").total;
    assert_eq!(
        search(&f.index, "theme=neglect&theme=child_sexual_exploitation").total,
        neglect + cse
    );
    assert_eq!(search(&f.index, "theme=neglect&board=barsetshire").total, 1);
    assert_eq!(search(&f.index, "year_from=2010&year_to=2011").total, 2);
    assert_eq!(search(&f.index, "year_from=2011&year_to=2010").total, 0);
}

#[test]
fn lessons_view_filters_on_the_finding() {
    let f = fixture();
    let results = search(&f.index, "view=lessons&level=inter_agency");
    assert_eq!(results.total, 5);
    assert!(results
        .hits
        .iter()
        .all(|h| h.display.level.as_deref() == Some("inter_agency")));
    let gp = search(
        &f.index,
        "view=lessons&level=individual&agency=general_practice",
    );
    assert_eq!(ids(&gp), ["scr-2008-barsetshire-0001#L2"]);
    assert_eq!(
        gp.hits[0].display.review_id.as_deref(),
        Some("scr-2008-barsetshire-0001")
    );
}

#[test]
fn pages_do_not_overlap() {
    let f = fixture();
    for sort in ["relevance", "newest", "oldest"] {
        let mut seen = HashSet::new();
        for page in 1..=4 {
            let results = search(
                &f.index,
                &format!("view=lessons&q=children&sort={sort}&per_page=3&page={page}"),
            );
            for id in ids(&results) {
                assert!(seen.insert(id.clone()), "{id} twice ({sort})");
            }
        }
        assert_eq!(
            seen.len() as u64,
            search(&f.index, "view=lessons&q=children").total
        );
    }
}

#[test]
fn only_public_reviews_are_searchable() {
    let mut reviews = corpus();
    reviews[0].status = Status::Draft;
    reviews[1].status = Status::Withdrawn;
    reviews[2].embargo_until = Some("2099-01-01".into());
    reviews[3].embargo_until = Some("2020-01-01".into());
    let f = fixture_with(reviews);
    let results = search(&f.index, "q=");
    assert_eq!(
        id_set(&results),
        HashSet::from([
            "scr-2011-wessex-0004".to_string(),
            "scr-2012-wessex-0005".to_string()
        ])
    );
    let lessons = search(&f.index, "view=lessons");
    assert_eq!(lessons.total, 4);
    let theme_counts: u64 = results
        .facets
        .iter()
        .find(|(f, _)| *f == FacetName::Theme)
        .unwrap()
        .1
        .iter()
        .map(|v| v.count)
        .sum();
    assert!(theme_counts > 0);
    assert!(search(&f.index, "q=general+practitioner")
        .hits
        .iter()
        .all(|h| h.display.id != "scr-2010-wessex-0003"));
}

#[test]
fn removing_a_review_removes_its_lessons() {
    let f = fixture();
    f.index
        .apply(
            &[IndexUpdate::Remove("scr-2008-barsetshire-0001".into())],
            8,
        )
        .unwrap();
    assert_eq!(search(&f.index, "q=").total, 4);
    assert_eq!(f.index.document_counts().unwrap(), (4, 8));
}

#[test]
fn writes_to_unindexed_drafts_start_no_new_generation() {
    let f = fixture();
    let before = f.index.generation();
    let mut draft = corpus().remove(0);
    draft.id = "scr-2008-barsetshire-0099".into();
    draft.status = Status::Draft;
    f.index
        .apply(&[IndexUpdate::Put(Box::new(draft.clone()))], 8)
        .unwrap();
    f.index
        .apply(
            &[IndexUpdate::Remove("scr-2008-barsetshire-0098".into())],
            9,
        )
        .unwrap();
    assert_eq!(f.index.generation(), before, "nothing searchable changed");
    assert_eq!(f.index.indexed_seq(), 9);

    draft.status = Status::Published;
    f.index
        .apply(&[IndexUpdate::Put(Box::new(draft.clone()))], 10)
        .unwrap();
    let published = f.index.generation();
    assert!(published > before);
    assert_eq!(search(&f.index, "q=").total, 6);

    draft.status = Status::Withdrawn;
    f.index
        .apply(&[IndexUpdate::Put(Box::new(draft))], 11)
        .unwrap();
    assert!(f.index.generation() > published, "a withdrawal is a change");
    assert_eq!(search(&f.index, "q=").total, 5);
}

#[test]
fn the_caught_up_sequence_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(index.indexed_seq(), 0);
        index
            .apply(&[IndexUpdate::Put(Box::new(corpus().remove(0)))], 42)
            .unwrap();
    }
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.indexed_seq(), 42);
    assert_eq!(index.document_counts().unwrap(), (1, 2));
}

#[test]
fn a_second_writer_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let _first = SearchIndex::open(dir.path()).unwrap();
    assert!(matches!(
        SearchIndex::open(dir.path()),
        Err(IndexError::Locked)
    ));
}

#[test]
fn an_index_of_another_schema_version_is_emptied_for_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        index
            .apply(&[IndexUpdate::Put(Box::new(corpus().remove(0)))], 42)
            .unwrap();
        let mut writer = index.writer.lock().unwrap();
        let mut prepared = writer.prepare_commit().unwrap();
        prepared.set_payload(r#"{"seq":42,"schema":0}"#);
        prepared.commit().unwrap();
    }
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(
        index.indexed_seq(),
        0,
        "the caller replays the store from the start"
    );
    assert_eq!(index.document_counts().unwrap(), (0, 0));
}

#[test]
fn an_index_of_another_phrase_vocabulary_is_emptied_for_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        index
            .apply(&[IndexUpdate::Put(Box::new(corpus().remove(0)))], 42)
            .unwrap();
        let mut writer = index.writer.lock().unwrap();
        let mut prepared = writer.prepare_commit().unwrap();
        let payload = format!(r#"{{"seq":42,"schema":{SCHEMA_VERSION},"phrases":1}}"#);
        prepared.set_payload(&payload);
        prepared.commit().unwrap();
    }
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.indexed_seq(), 0);
    assert_eq!(index.document_counts().unwrap(), (0, 0));
}

/// Every known phrase in every text field, matched through its single term, finds the
/// same documents with the same scores as the phrase query it replaces: repeated,
/// overlapping, at the start and end of a text, across line breaks and punctuation, and
/// not across a word too long to index.
#[test]
fn known_phrases_match_and_score_as_phrase_queries() {
    use tantivy::collector::TopDocs;
    use tantivy::query::{PhraseQuery, Query};

    let long = "x".repeat(45);
    let texts = [
        "Was not brought. The child was not brought was not brought to clinic; did not attend.",
        "did not attend\n\nthe GP and the general practitioner; general practitioners met",
        "information sharing between agencies: sharing information, information sharing.",
        "The health visitor and health visitors; domestic abuse, domestic-abuse and domestic violence",
        "was not brought",
    ];
    let mut reviews = Vec::new();
    for (n, text) in texts.iter().enumerate() {
        let mut r = review(
            n as u32 + 1,
            "wessex",
            2012,
            &["neglect"],
            text,
            vec![lesson("lesson", "individual", None, &[], text)],
        );
        r.title = format!("{text} {long} was not {long} brought");
        r.keywords = vec![
            "health".into(),
            "visitor".into(),
            "did not".into(),
            "attend".into(),
        ];
        reviews.push(r);
    }
    let f = fixture_with(reviews);
    let searcher = f.index.reader.searcher();
    let fields = f.index.fields;
    let text_fields = [
        fields.title,
        fields.summary,
        fields.lessons,
        fields.keywords,
        fields.context,
    ];
    let top = TopDocs::with_limit(100).order_by_score();
    let mut compared = 0;
    for phrase in known_phrases::known_phrases() {
        for field in text_fields {
            let terms: Vec<(usize, Term)> = phrase
                .iter()
                .enumerate()
                .map(|(i, t)| (i, Term::from_field_text(field, t)))
                .collect();
            let slow: Box<dyn Query> = Box::new(PhraseQuery::new_with_offset_and_slop(terms, 0));
            let fast: Box<dyn Query> = Box::new(
                known_phrases::KnownPhraseQuery::for_tokens(
                    searcher.schema(),
                    field,
                    fields.phrases,
                    phrase,
                )
                .unwrap(),
            );
            let expected = searcher.search(&slow, &top).unwrap();
            let found = searcher.search(&fast, &top).unwrap();
            assert_eq!(found, expected, "{phrase:?} in field {field:?}");
            compared += expected.len();
        }
    }
    assert!(compared > 30, "only {compared} matches compared");
}

#[test]
fn similar_reviews_are_public_others_ranked_by_shared_words() {
    let mut reviews = corpus();
    reviews[1].status = Status::Draft;
    let f = fixture_with(reviews);
    let similar = f
        .index
        .similar("scr-2012-wessex-0005", today(), 5)
        .unwrap()
        .unwrap();
    let ids: Vec<&str> = similar.iter().map(|h| h.display.id.as_str()).collect();
    assert!(!ids.contains(&"scr-2012-wessex-0005"), "not itself");
    assert!(!ids.contains(&"scr-2009-barsetshire-0002"), "never a draft");
    assert!(
        f.index
            .similar("scr-2009-barsetshire-0002", today(), 5)
            .unwrap()
            .is_none(),
        "a draft has no page"
    );
    assert!(f
        .index
        .similar("scr-1999-nowhere-0001", today(), 5)
        .unwrap()
        .is_none());
}

/// Replaced reviews stay in the index as deleted documents until a merge, so a word's
/// document frequency can exceed the number of live documents; MoreLikeThis must not
/// then fail (tantivy 0.27 asserts `num_docs >= doc_freq` in its idf).
#[test]
fn similar_survives_replaced_reviews_outnumbering_the_live_ones() {
    let f = fixture();
    let replaced = corpus().remove(4);
    let updates: Vec<IndexUpdate> = (0..40)
        .map(|_| IndexUpdate::Put(Box::new(replaced.clone())))
        .collect();
    f.index.apply(&updates, 8).unwrap();
    assert_eq!(f.index.document_counts().unwrap(), (5, 10));
    for id in ["scr-2012-wessex-0005", "scr-2012-wessex-0005#L1"] {
        assert!(f.index.similar(id, today(), 5).unwrap().is_some(), "{id}");
    }
}

#[test]
fn did_you_mean_corrects_rare_words_from_public_text_only() {
    let mut reviews: Vec<Review> = (1..=6)
        .map(|n| {
            review(
                n,
                "wessex",
                2010 + n as i32,
                &["neglect"],
                "Chronic neglect went unchallenged while the family moved house.",
                vec![],
            )
        })
        .collect();
    for n in 7..=12 {
        let mut hidden = review(
            n,
            "wessex",
            2020,
            &["neglect"],
            "The Pemberton family were known to the Pemberton school.",
            vec![],
        );
        hidden.embargo_until = Some("2099-01-01".into());
        reviews.push(hidden);
    }
    let f = fixture_with(reviews);
    let corrected = search(&f.index, "q=chronic+neglekt");
    assert_eq!(corrected.did_you_mean.as_deref(), Some("chronic neglect"));
    let kept_case = search(&f.index, "q=%22chronic%22+Neglekt+housing");
    assert_eq!(
        kept_case.did_you_mean.as_deref(),
        Some("\"chronic\" neglect housing")
    );
    assert_eq!(search(&f.index, "q=chronic+neglect").did_you_mean, None);
    // Only embargoed reviews say "Pemberton": it must not be suggested.
    assert_eq!(search(&f.index, "q=pembertan").did_you_mean, None);
}

#[test]
fn a_page_far_past_the_end_is_empty_with_the_right_total() {
    let f = fixture();
    let first = search(&f.index, "q=neglect");
    let far = search(&f.index, "q=neglect&page=100000&per_page=100");
    assert!(far.hits.is_empty());
    assert_eq!(far.total, first.total);
}

fn request(query: &str) -> SearchRequest {
    let pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.replace('+', " "))
        })
        .collect();
    let boards = vec!["barsetshire".to_string(), "wessex".to_string()];
    SearchRequest::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), &boards).unwrap()
}

/// Every row of an export, read in small batches.
fn export_all(index: &SearchIndex, query: &str) -> (u64, Vec<export::ExportRow>) {
    let mut cursor = index.export(&request(query), today()).unwrap();
    let mut rows = Vec::new();
    loop {
        let batch = cursor.next_batch(3).unwrap();
        if batch.is_empty() {
            break;
        }
        rows.extend(batch);
    }
    (cursor.total(), rows)
}

fn text_of(row: &export::ExportRow, column: export::Column) -> String {
    match row.get(column) {
        Some(export::Cell::Text(text)) => text.clone(),
        other => panic!("{column:?} is {other:?}"),
    }
}

#[test]
fn exports_hold_every_match_in_the_search_order() {
    let f = fixture();
    for query in [
        "q=bruising",
        "view=lessons",
        "view=lessons&q=general+practitioner",
        "q=neglect&sort=oldest",
        "theme=neglect&year_from=2009",
    ] {
        let all = search(&f.index, &format!("{query}&per_page=100"));
        let (total, rows) = export_all(&f.index, query);
        assert_eq!(total, all.total, "{query}");
        let exported: Vec<String> = rows
            .iter()
            .map(|r| text_of(r, export::Column::Id))
            .collect();
        assert_eq!(exported, ids(&all), "{query}");
        let ranks: Vec<export::Cell> = rows
            .iter()
            .filter_map(|r| r.get(export::Column::Rank).cloned())
            .collect();
        assert_eq!(ranks.first(), Some(&export::Cell::Integer(Some(1))));
    }
}

#[test]
fn export_rows_carry_metadata_text_and_permalinks() {
    let f = fixture();
    let (_, rows) = export_all(&f.index, "view=lessons&q=protocol+bruising");
    let mut row = rows[0].clone();
    assert_eq!(
        text_of(&row, export::Column::Id),
        "scr-2008-barsetshire-0001#L2"
    );
    assert_eq!(
        text_of(&row, export::Column::Permalink),
        "/reviews/scr-2008-barsetshire-0001#L2"
    );
    row.absolute_permalinks("http://example.org");
    assert_eq!(
        text_of(&row, export::Column::Permalink),
        "http://example.org/reviews/scr-2008-barsetshire-0001#L2"
    );
    let row = &row;
    assert!(text_of(row, export::Column::Text).starts_with("The GP practice should adopt"));
    assert_eq!(text_of(row, export::Column::Agency), "general_practice");
    assert_eq!(
        row.get(export::Column::AgeBand),
        Some(&export::Cell::List(vec!["under_1".into()]))
    );
    let (_, reviews) = export_all(&f.index, "q=bruising");
    assert!(text_of(&reviews[0], export::Column::Summary).starts_with("Child 1 was ten weeks old."));
    assert_eq!(
        reviews[0].get(export::Column::LessonCount),
        Some(&export::Cell::Integer(Some(2)))
    );
}

#[test]
fn exports_leave_out_what_the_public_cannot_see() {
    let mut reviews = corpus();
    reviews[0].status = Status::Draft;
    reviews[1].status = Status::Withdrawn;
    reviews[2].embargo_until = Some("2099-01-01".into());
    let f = fixture_with(reviews);
    for query in ["", "view=lessons", "q=general+practitioner"] {
        let (total, rows) = export_all(&f.index, query);
        assert_eq!(total as usize, rows.len());
        for row in rows {
            let id = text_of(&row, export::Column::Id);
            assert!(
                id.starts_with("scr-2011-wessex-0004") || id.starts_with("scr-2012-wessex-0005"),
                "{id} leaked into {query:?}"
            );
        }
    }
}

mod crosstab;
mod feedback;
mod progress;
mod properties;
mod rescore;
mod review_filters;
mod typos;

#[test]
fn facet_tables_hold_only_live_segments_across_commits_and_merges() {
    let fixture = fixture();
    let index = &fixture.index;
    // One commit per review, as deposits do: segments come and go with merges.
    for (n, review) in corpus().into_iter().cycle().take(40).enumerate() {
        index
            .apply(&[IndexUpdate::Put(Box::new(review))], 8 + n as u64)
            .unwrap();
        let live = index.reader.searcher().segment_readers().len();
        assert_eq!(
            index.facet_tables.cached_segments(),
            live,
            "after commit {n}"
        );
    }
}

/// Reviews for the everyday-language tests: each says its subject only in the words
/// the reviews use, never in the everyday words a query uses.
fn everyday_corpus() -> Vec<Review> {
    let mut caseloads = review(
        11,
        "barsetshire",
        2010,
        &["supervision_and_workload"],
        "The social worker held forty cases. High caseloads meant visits were missed.",
        vec![lesson(
            "lesson",
            "individual",
            Some("childrens_social_care"),
            &["supervision_and_workload"],
            "Managers should keep caseloads at a level that allows direct work with children.",
        )],
    );
    caseloads.title = "Serious Case Review: Child K".into();
    vec![
        review(10, "barsetshire", 2009, &["suicide_and_self_harm", "vulnerable_adolescents"],
            "A fifteen year old took an overdose twice before she died. CAMHS closed the case after one missed appointment.",
            vec![lesson("lesson", "individual", Some("camhs"), &["suicide_and_self_harm"],
                "CAMHS should not close the case of a young person after a single missed appointment.")]),
        caseloads,
        review(12, "wessex", 2011, &["information_sharing"],
            "Police notifications were screened jointly by police and children's social care, but the earlier incidents were not linked.",
            vec![lesson("lesson", "inter_agency", None, &["information_sharing"],
                "Joint screening must read every earlier notification about the child.")]),
        review(13, "wessex", 2012, &["unseen_men"],
            "The mother's partner lived in the household. The health visitor recorded him only as a visitor; no agency knew his history.",
            vec![lesson("lesson", "inter_agency", None, &["unseen_men"],
                "Practitioners should ask who lives in the household and who cares for the baby.")]),
        review(14, "wessex", 2013, &["bruising_in_non_mobile_infants"],
            "The father brought the baby to the GP with a bruise. The health visitor saw the baby at home.",
            vec![lesson("recommendation", "individual", Some("general_practice"), &["bruising_in_non_mobile_infants"],
                "The GP should refer any bruise on a baby who is not yet mobile.")]),
    ]
}

#[test]
fn a_themes_own_name_reaches_its_tagged_reviews() {
    let f = fixture_with(everyday_corpus());
    // The review about suicide never uses the word; its theme tag carries it.
    assert_eq!(
        ids(&search(&f.index, "q=suicide")),
        ["scr-2009-barsetshire-0010"]
    );
    assert!(id_set(&search(&f.index, "q=suicide&view=lessons"))
        .contains("scr-2009-barsetshire-0010#L1"));
}

#[test]
fn everyday_words_find_the_reviews_words() {
    let f = fixture_with(everyday_corpus());
    assert_eq!(
        ids(&search(&f.index, "q=social+workers+with+too+many+cases"))[0],
        "scr-2010-barsetshire-0011"
    );
    // A MASH screens referrals jointly by sharing information; no review says "MASH".
    for query in ["q=MASH", "q=multi-agency+safeguarding+hub"] {
        let results = search(&f.index, query);
        assert_eq!(ids(&results)[0], "scr-2011-wessex-0012", "{query}");
    }
}

#[test]
fn words_anywhere_in_a_question_can_mean_one_concept_together() {
    let f = fixture_with(everyday_corpus());
    // "dad" and "never seen" together mean an unseen man, though neither the words nor
    // the review's text say so; the bruising review that names a father and a health
    // visitor comes after it.
    let results = search(&f.index, "q=dad+never+seen+by+the+health+visitor");
    let found = ids(&results);
    assert_eq!(found[0], "scr-2012-wessex-0013", "{found:?}");
    let lessons = ids(&search(
        &f.index,
        "q=dad+never+seen+by+the+health+visitor&view=lessons",
    ));
    assert_eq!(lessons[0], "scr-2012-wessex-0013#L1", "{lessons:?}");
}

#[test]
fn a_findings_review_context_ranks_it_in_the_lessons_view() {
    let text = "Agencies should share their records before a conference.";
    let mut plain = review(
        20,
        "barsetshire",
        2010,
        &["information_sharing"],
        "A summary.",
        vec![lesson("lesson", "inter_agency", None, &[], text)],
    );
    plain.title = "Serious Case Review: Child S".into();
    let mut neglect = review(
        21,
        "barsetshire",
        2011,
        &["neglect"],
        "A summary.",
        vec![lesson("lesson", "inter_agency", None, &[], text)],
    );
    neglect.title = "Serious Case Review: chronic neglect of Child T".into();
    // Indexed first, the plain review's finding would win a tie.
    let f = fixture_with(vec![plain, neglect]);
    let lessons = ids(&search(&f.index, "q=share+records+neglect&view=lessons"));
    assert_eq!(
        lessons,
        [
            "scr-2011-barsetshire-0021#L1",
            "scr-2010-barsetshire-0020#L1"
        ]
    );
    // The context only ranks: a required phrase that no finding's own text holds finds
    // no finding.
    assert_eq!(
        search(&f.index, "q=%22chronic+neglect%22&view=lessons").total,
        0
    );
}
