//! Pseudo-relevance feedback in the lessons view (issue 17): the words the best
//! findings of a question share rank the other findings, and never widen the match set.

use super::*;

/// The shared corpus and, from review number `first`, one review per text, so that
/// each finding is its own lesson document.
fn with_one_review_per_finding(first: u32, year: i32, texts: &[&str]) -> Vec<Review> {
    let mut reviews = corpus();
    reviews.extend(texts.iter().enumerate().map(|(n, text)| {
        review(
            first + n as u32,
            "wessex",
            year,
            &[],
            "A short summary.",
            vec![lesson("lesson", "individual", None, &[], text)],
        )
    }));
    reviews
}

fn findings_corpus() -> Vec<Review> {
    let texts = [
        // Say both query words and share "transferred", "receiving" and "authority".
        "Families who move away should have their records transferred promptly to the receiving authority.",
        "When a family moves, the case file must be transferred to the receiving authority without delay.",
        "The receiving authority was not sent the transferred file when the family moved house.",
        // Says one query word and the shared words.
        "Records held about the family were transferred late to the receiving authority.",
        // Says one query word, three times, and none of the shared words.
        "The family was visited by the health visitor, the family support worker and the family nurse.",
        // Says only the shared words: no query word, so it must never match.
        "Nothing was transferred to the receiving authority for months.",
    ];
    with_one_review_per_finding(10, 2015, &texts)
}

#[test]
fn words_the_best_findings_share_rank_the_others() {
    let f = fixture_with(findings_corpus());
    let results = search(&f.index, "view=lessons&q=the+family+moves+somewhere+else");
    let found = ids(&results);
    let rank = |id: &str| found.iter().position(|f| f == id);
    let shares_words = rank("scr-2015-wessex-0013#L1").expect("one query word: a match");
    let repeats_word = rank("scr-2015-wessex-0014#L1").expect("one query word: a match");
    assert!(
        shares_words < repeats_word,
        "the finding that says what the best ones say ranks first: {found:?}"
    );
    assert_eq!(
        rank("scr-2015-wessex-0015#L1"),
        None,
        "no query word: no match"
    );
}

#[test]
fn feedback_changes_no_total_and_no_facet_count() {
    let f = fixture_with(findings_corpus());
    for query in [
        "view=lessons&q=the+family+moves+somewhere+else",
        "q=the+family+moves+somewhere+else",
        "q=neglect",
    ] {
        let ranked = search(&f.index, query);
        let by_date = search(&f.index, &format!("{query}&sort=newest"));
        assert_eq!(ranked.total, by_date.total, "{query}");
        assert_eq!(ranked.facets, by_date.facets, "{query}");
        let mut a = ids(&ranked);
        let mut b = ids(&by_date);
        a.sort();
        b.sort();
        assert_eq!(a, b, "{query}");
    }
}

#[test]
fn pages_of_a_reordered_question_follow_one_order() {
    let f = fixture_with(findings_corpus());
    let query = "view=lessons&q=the+family+moves+somewhere+else";
    let whole = ids(&search(&f.index, &format!("{query}&per_page=6")));
    let mut paged = Vec::new();
    for page in 1..=3 {
        paged.extend(ids(&search(
            &f.index,
            &format!("{query}&per_page=2&page={page}"),
        )));
    }
    assert_eq!(whole.len(), 6);
    assert_eq!(paged, whole);
}

#[test]
fn an_export_of_a_reordered_question_follows_the_search_order() {
    let f = fixture_with(findings_corpus());
    let query = "view=lessons&q=the+family+moves+somewhere+else";
    let searched = ids(&search(&f.index, &format!("{query}&per_page=50")));
    let (total, rows) = export_all(&f.index, query);
    assert_eq!(total as usize, searched.len());
    let exported: Vec<String> = rows
        .iter()
        .map(|row| text_of(row, export::Column::Id))
        .collect();
    assert_eq!(exported, searched);
}

/// Two reviews say a phrase; a third says what they share in other words.
fn related_corpus() -> Vec<Review> {
    let texts = [
        "Staff kept a hopeful outlook and accepted the mother's promises at face value.",
        "A hopeful outlook meant that practitioners accepted promises at face value.",
        // Says no word of the phrase, but what the two matches share.
        "Workers accepted the parents' promises at face value and did not test them.",
        // Says neither.
        "The school nurse saw a bruise on the arm of the youngest sibling.",
    ];
    with_one_review_per_finding(20, 2016, &texts)
}

#[test]
fn fewer_matches_than_a_page_are_followed_by_related_documents() {
    let f = fixture_with(related_corpus());
    let query = "q=%22hopeful+outlook%22";
    let results = search(&f.index, query);
    let matches = ids(&results);
    assert_eq!(results.total, 2);
    assert_eq!(matches.len(), 2);
    let all: Vec<(String, bool)> = results
        .hits
        .iter()
        .map(|h| (h.display.id.clone(), h.related))
        .collect();
    // Every match comes first, then the related documents.
    assert!(all[..2].iter().all(|(_, related)| !related), "{all:?}");
    assert!(all[2..].iter().all(|(_, related)| *related), "{all:?}");
    assert!(
        all.contains(&("scr-2016-wessex-0022".to_string(), true)),
        "the review that says what the matches share is related: {all:?}"
    );
    assert!(
        !all.iter().any(|(id, _)| id == "scr-2016-wessex-0023"),
        "a review that shares nothing is not: {all:?}"
    );
    assert!(all.len() <= 20);
    // The facets count the matches only, as a search by date (no related documents) does.
    let by_date = search(&f.index, &format!("{query}&sort=newest"));
    assert!(by_date.hits.iter().all(|h| !h.related));
    assert_eq!(by_date.facets, results.facets);
    // A full page, or a later page, has no related documents.
    let full = search(&f.index, &format!("{query}&per_page=2"));
    assert!(full.hits.iter().all(|h| !h.related));
    let second = search(&f.index, &format!("{query}&per_page=2&page=2"));
    assert!(second.hits.is_empty());
    // A query that excludes a word gets none: they might say it.
    let excluding = search(&f.index, &format!("{query}+-bruise"));
    assert_eq!(excluding.total, 2);
    assert!(excluding.hits.iter().all(|h| !h.related));
    // In the lessons view too.
    let lessons = search(&f.index, &format!("{query}&view=lessons"));
    assert_eq!(lessons.total, 2);
    assert!(lessons
        .hits
        .iter()
        .any(|h| h.related && h.display.id == "scr-2016-wessex-0022#L1"));
}
