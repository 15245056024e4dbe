//! Proximity added to the best matches only (`rescore.rs`): it still ranks the
//! documents that say the query's words together first, and every page, past the
//! reordered window too, follows one order, the export's.

use super::*;
use crate::rescore::WINDOW;

/// `apart` reviews that say "school" (twice) and "nurse" apart, and one that says
/// "school nurse" (review 900), which only proximity ranks above the others.
fn apart_and_together(apart: u32) -> Vec<Review> {
    let mut reviews: Vec<Review> = (0..apart)
        .map(|n| {
            let text = format!(
                "The nurse wrote to the school about child {n}; the school replied {}.",
                if n % 2 == 0 { "late" } else { "at once" }
            );
            review(
                100 + n,
                "wessex",
                2015,
                &[],
                "A short summary.",
                vec![lesson("lesson", "individual", None, &[], &text)],
            )
        })
        .collect();
    reviews.push(review(
        900,
        "wessex",
        2015,
        &[],
        "A short summary.",
        vec![lesson(
            "lesson",
            "individual",
            None,
            &[],
            "The school nurse was not told of the concerns.",
        )],
    ));
    reviews
}

#[test]
fn words_said_together_still_rank_first_from_the_end_of_the_window() {
    // Last of the window by the plain score, first with proximity.
    let apart = WINDOW as u32 - 1;
    let f = fixture_with(apart_and_together(apart));
    let results = search(&f.index, "q=school+nurse");
    assert_eq!(results.total, u64::from(apart) + 1);
    assert_eq!(ids(&results)[0], "scr-2015-wessex-0900");
}

#[test]
fn pages_across_the_reordered_window_follow_the_export_order() {
    // More matches than the window, and a page (per_page 70) straddling its end.
    let f = fixture_with(apart_and_together(WINDOW as u32 + 30));
    let query = "q=school+nurse";
    let mut paged = Vec::new();
    for page in 1..=5 {
        paged.extend(ids(&search(
            &f.index,
            &format!("{query}&per_page=70&page={page}"),
        )));
    }
    let (total, rows) = export_all(&f.index, query);
    assert_eq!(total, WINDOW as u64 + 31);
    let exported: Vec<String> = rows
        .iter()
        .map(|row| text_of(row, export::Column::Id))
        .collect();
    assert_eq!(
        paged, exported,
        "no hit repeated or skipped at the window's end"
    );
    let mut distinct = paged.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), WINDOW + 31);
}
