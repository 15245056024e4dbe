//! Typo tolerance (issue 17): what counts as rare, what is a correction and what is
//! suggested is judged on public documents only, so embargoed text never changes what
//! the public gets.

use super::*;
use lessons_model::Status;

/// Embargoed reviews (until 2099) whose summaries say `text`.
fn embargoed(text: &str) -> Vec<Review> {
    (20..=22)
        .map(|n| {
            let mut hidden = review(n, "wessex", 2021, &["neglect"], text, vec![]);
            hidden.embargo_until = Some("2099-01-01".into());
            hidden
        })
        .collect()
}

/// The public corpus plus three embargoed reviews saying `hidden_text`.
fn with_embargoed(hidden_text: &str) -> Fixture {
    let mut reviews = corpus();
    reviews.extend(embargoed(hidden_text));
    fixture_with(reviews)
}

#[test]
fn embargoed_words_do_not_change_what_a_near_miss_finds() {
    let plain = with_embargoed("The family moved house twice in one year.");
    let holding = with_embargoed("The exploitaton of the girl was not seen by anyone.");
    for query in [
        "q=exploitaton",
        "view=lessons&q=exploitaton",
        "q=girl+exploitaton",
    ] {
        let public = search(&plain.index, query);
        let beside_embargoed = search(&holding.index, query);
        assert!(public.total > 0, "{query}: the close spelling is public");
        assert_eq!(ids(&public), ids(&beside_embargoed), "{query}");
        assert_eq!(public.total, beside_embargoed.total, "{query}");
        assert_eq!(
            public.did_you_mean, beside_embargoed.did_you_mean,
            "{query}"
        );
    }
}

/// The first 40 reviews of the demo corpus, as a fresh repository holds them.
fn demo_40() -> &'static Fixture {
    static FIXTURE: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    FIXTURE.get_or_init(|| {
        let reviews = include_str!("../../../web/demo/reviews.jsonl")
            .lines()
            .take(40)
            .enumerate()
            .map(|(n, line)| {
                let mut review: Review = serde_json::from_str(line).unwrap();
                review.id = format!("scr-demo-{n:04}");
                review.status = Status::Published;
                review.revision = 1;
                review.fill_derived();
                review
            })
            .collect();
        fixture_with(reviews)
    })
}

fn top(results: &SearchResults, n: usize) -> Vec<String> {
    ids(results).into_iter().take(n).collect()
}

#[test]
fn misspelt_words_rank_what_their_correct_spelling_ranks_on_a_small_repository() {
    let f = demo_40();
    for (typed, meant) in [
        ("teenage suicde", "teenage suicide"),
        ("neglact toddler", "neglect toddler"),
        ("exploitaton", "exploitation"),
        ("chilren's social care", "children's social care"),
        ("helth visitor", "health visitor"),
    ] {
        for view in ["reviews", "lessons"] {
            let query = |q: &str| format!("view={view}&q={}", q.replace(' ', "+"));
            let misspelt = search(&f.index, &query(typed));
            let correct = search(&f.index, &query(meant));
            // Whether a word is misspelt is decided over the whole public repository,
            // the same in both views (no finding says "suicide" in these 40 reviews).
            assert!(correct.total > 0 || view == "lessons", "{meant} ({view})");
            assert_eq!(correct.did_you_mean, None, "{meant} ({view})");
            assert_eq!(
                misspelt.did_you_mean.as_deref(),
                Some(meant),
                "{typed} ({view})"
            );
            assert_eq!(top(&misspelt, 5), top(&correct, 5), "{typed} ({view})");
            assert!(misspelt.total >= correct.total, "{typed} ({view})");
        }
    }
}

#[test]
fn correctly_spelt_rare_words_are_never_rewritten() {
    let f = demo_40();
    // A drug, places and a surname that a few of the 40 reviews name, some a letter
    // away from a common word ("heath" from "health").
    for word in [
        "methadone",
        "heath",
        "westcombe",
        "arden",
        "hollins",
        "duchenne",
    ] {
        let plain = search(&f.index, &format!("q={word}"));
        let quoted = search(&f.index, &format!("q=%22{word}%22"));
        assert!(plain.total > 0, "{word} is in the corpus");
        assert_eq!(plain.did_you_mean, None, "{word}");
        assert_eq!(ids(&plain), ids(&quoted), "{word} matches only itself");
        let in_context = search(&f.index, &format!("q={word}+mother"));
        assert_eq!(in_context.did_you_mean, None, "{word} mother");
    }
}

#[test]
fn quoted_and_capitalised_words_are_not_corrected() {
    let f = demo_40();
    let quoted = search(&f.index, "q=%22suicde%22");
    assert_eq!(quoted.did_you_mean, None);
    assert_eq!(quoted.total, 0);
    let quoted_in_query = search(&f.index, "q=teenage+%22suicde%22");
    assert_eq!(quoted_in_query.did_you_mean, None);
    // Typed in capitals among lower-case words: an acronym, kept as typed.
    let acronym = search(&f.index, "q=SUICDE+risk");
    assert_eq!(acronym.did_you_mean, None);
    // A query typed with caps lock on is corrected like any other.
    let shouted = search(&f.index, "q=TEENAGE+SUICDE");
    assert_eq!(shouted.did_you_mean.as_deref(), Some("TEENAGE suicide"));
}

#[test]
fn vocabulary_words_correct_even_when_no_document_spells_them() {
    let mut reviews = corpus();
    reviews[3].lessons.push(lesson(
        "recommendation",
        "individual",
        Some("camhs"),
        &["vulnerable_adolescents"],
        "Child and adolescent mental health services should see a young person who self-harms within a week.",
    ));
    let f = fixture_with(reviews);
    // No document says "camhs"; the vocabulary knows it and its full form.
    let corrected = search(&f.index, "q=cahms");
    assert_eq!(corrected.did_you_mean.as_deref(), Some("camhs"));
    assert_eq!(ids(&corrected), ids(&search(&f.index, "q=camhs")));
    assert!(ids(&corrected).contains(&"scr-2011-wessex-0004".to_string()));
}

/// The searcher's day decides, as it decides what search shows: a word held only by a
/// review under embargo counts once the embargo has ended.
#[test]
fn an_embargo_that_ends_makes_its_words_count() {
    let mut reviews = corpus();
    reviews.extend(embargoed(
        "The Pemberton family were known to the Pemberton school.",
    ));
    for hidden in reviews.iter_mut().filter(|r| r.embargo_until.is_some()) {
        hidden.embargo_until = Some("2026-12-15".into());
    }
    let f = fixture_with(reviews);
    let boards = vec!["wessex".to_string()];
    let request = SearchRequest::from_pairs([("q", "pembertan")], &boards).unwrap();
    let before = f.index.search(&request, today()).unwrap();
    assert_eq!(before.did_you_mean, None);
    assert_eq!(before.total, 0);
    let after_end = parse_date("2026-12-16").unwrap();
    let after = f.index.search(&request, after_end).unwrap();
    assert_eq!(after.did_you_mean.as_deref(), Some("pemberton"));
    assert_eq!(after.total, 3);
}

/// A replaced review's old text stays in its segment until a merge; it must not count.
#[test]
fn replaced_text_does_not_count() {
    let mut reviews = corpus();
    reviews[4].summary = "Home conditions were poor; the neglekt was chronic.".into();
    let f = fixture_with(reviews.clone());
    assert_eq!(
        search(&f.index, "q=neglekt").did_you_mean,
        None,
        "held publicly"
    );
    reviews[4].summary = "Home conditions were poor; the neglect was chronic.".into();
    f.index
        .apply(&[IndexUpdate::Put(Box::new(reviews[4].clone()))], 8)
        .unwrap();
    let searcher = f.index.reader.searcher();
    assert!(searcher.segment_readers().iter().any(|s| s.has_deletes()));
    let corrected = search(&f.index, "q=neglekt");
    assert_eq!(corrected.did_you_mean.as_deref(), Some("neglect"));
    assert_eq!(ids(&corrected), ids(&search(&f.index, "q=neglect")));
}

/// Everyday words ([`lessons_model::vocab::EVERYDAY`], [`lessons_model::vocab::COMBINATIONS`])
/// are words of the vocabulary: one that no public document holds is never rewritten as
/// a close professional word ("worrying" is not "working" misspelt).
#[test]
fn everyday_words_are_never_corrected() {
    let mut reviews = corpus();
    reviews[2].summary = "The social worker kept working with the family.".into();
    let f = fixture_with(reviews);
    assert!(search(&f.index, "q=working").total > 0);
    for query in [
        "q=worrying",
        "q=pupil+tells+a+teacher+something+worrying",
        "q=smelly",
    ] {
        let results = search(&f.index, query);
        assert_eq!(results.did_you_mean, None, "{query}");
    }
    // Still a misspelling when no document and no vocabulary has it.
    assert_eq!(
        search(&f.index, "q=workng").did_you_mean.as_deref(),
        Some("working")
    );
}
