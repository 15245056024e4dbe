//! The lessons view's `theme` and `agency` mean the finding's own tags, and
//! `review_theme` / `review_agency` its review's (DESIGN §5), checked value by value
//! against the corpus itself; in the reviews view `review_*` are the review's own tags.
//! Facet counts, cross-tab totals and export rows agree with the filtered totals.

use super::*;
use std::collections::BTreeSet;

/// The small corpus, with reviews that involved different agencies and a finding
/// addressed to health visiting.
fn mixed_corpus() -> Vec<Review> {
    let mut reviews = corpus();
    reviews[1].agencies = vec!["police".into(), "childrens_social_care".into()];
    reviews[2].agencies = vec!["general_practice".into(), "school".into()];
    reviews[4].lessons.push(lesson(
        "recommendation",
        "individual",
        Some("health_visiting"),
        &["neglect"],
        "Health visitors should record home conditions at every visit.",
    ));
    for review in &mut reviews {
        review.fill_derived();
    }
    reviews
}

fn all_ids(index: &SearchIndex, query: &str) -> BTreeSet<String> {
    let results = search(index, &format!("{query}&per_page=100"));
    assert!(results.total <= 100, "{query}");
    results.hits.iter().map(|h| h.display.id.clone()).collect()
}

/// The ids of the findings of `reviews` that `keep(review, finding)` accepts.
fn findings(reviews: &[Review], keep: impl Fn(&Review, &Lesson) -> bool) -> BTreeSet<String> {
    reviews
        .iter()
        .flat_map(|r| r.lessons.iter().map(move |l| (r, l)))
        .filter(|(r, l)| keep(r, l))
        .map(|(_, l)| l.id.clone())
        .collect()
}

fn reviews_where(reviews: &[Review], keep: impl Fn(&Review) -> bool) -> BTreeSet<String> {
    reviews
        .iter()
        .filter(|r| keep(r))
        .map(|r| r.id.clone())
        .collect()
}

#[test]
fn lessons_view_agency_and_theme_match_the_findings_own_tags() {
    let reviews = mixed_corpus();
    let f = fixture_with(reviews.clone());
    for agency in lessons_model::Vocabulary::Agency.slugs() {
        let agency = agency.as_str();
        let own = all_ids(&f.index, &format!("view=lessons&agency={agency}"));
        let expected = findings(&reviews, |_, l| l.agency.as_deref() == Some(agency));
        assert_eq!(own, expected, "agency={agency}");
    }
    for theme in lessons_model::Vocabulary::Theme.slugs() {
        let theme = theme.as_str();
        let own = all_ids(&f.index, &format!("view=lessons&theme={theme}"));
        let expected = findings(&reviews, |_, l| l.themes.iter().any(|t| t == theme));
        assert_eq!(own, expected, "theme={theme}");
    }
    // The one finding addressed to health visiting, though every review but one
    // involved it.
    let hv = search(&f.index, "view=lessons&agency=health_visiting");
    assert_eq!(hv.total, 1);
    assert_eq!(
        hv.hits[0].display.agency.as_deref(),
        Some("health_visiting")
    );
}

#[test]
fn review_agency_and_review_theme_match_the_reviews_tags() {
    let reviews = mixed_corpus();
    let f = fixture_with(reviews.clone());
    for agency in lessons_model::Vocabulary::Agency.slugs() {
        let agency = agency.as_str();
        let of_reviews = all_ids(&f.index, &format!("view=lessons&review_agency={agency}"));
        let expected = findings(&reviews, |r, _| r.agencies.iter().any(|a| a == agency));
        assert_eq!(of_reviews, expected, "review_agency={agency}");
        let reviews_view = all_ids(&f.index, &format!("review_agency={agency}"));
        let expected = reviews_where(&reviews, |r| r.agencies.iter().any(|a| a == agency));
        assert_eq!(
            reviews_view, expected,
            "reviews view, review_agency={agency}"
        );
    }
    for theme in lessons_model::Vocabulary::Theme.slugs() {
        let theme = theme.as_str();
        let of_reviews = all_ids(&f.index, &format!("view=lessons&review_theme={theme}"));
        let expected = findings(&reviews, |r, _| r.themes.iter().any(|t| t == theme));
        assert_eq!(of_reviews, expected, "review_theme={theme}");
        let reviews_view = all_ids(&f.index, &format!("review_theme={theme}"));
        let expected = reviews_where(&reviews, |r| r.themes.iter().any(|t| t == theme));
        assert_eq!(reviews_view, expected, "reviews view, review_theme={theme}");
    }
    // Inter-agency lessons of reviews that involved health visiting.
    let inter = search(
        &f.index,
        "view=lessons&review_agency=health_visiting&level=inter_agency",
    );
    let expected = findings(&reviews, |r, l| {
        l.level == "inter_agency" && r.agencies.iter().any(|a| a == "health_visiting")
    });
    assert_eq!(inter.total, expected.len() as u64);
    assert!(inter.total >= 3);
    assert!(inter.hits.iter().all(|h| h
        .display
        .review_agencies
        .as_ref()
        .is_some_and(|a| a.iter().any(|a| a == "health_visiting"))));
}

#[test]
fn the_reviews_view_still_matches_a_review_by_its_findings_tags() {
    let f = fixture_with(mixed_corpus());
    // Review 1 has a finding addressed to general practice; review 3 involved it.
    assert_eq!(
        all_ids(&f.index, "agency=general_practice"),
        BTreeSet::from([
            "scr-2008-barsetshire-0001".to_string(),
            "scr-2010-wessex-0003".to_string()
        ])
    );
    assert_eq!(
        all_ids(&f.index, "review_agency=general_practice"),
        BTreeSet::from(["scr-2010-wessex-0003".to_string()])
    );
}

#[test]
fn review_facets_count_the_filtered_totals_in_both_views() {
    let f = fixture_with(mixed_corpus());
    for view in ["reviews", "lessons"] {
        for q in ["", "q=neglect", "level=inter_agency"] {
            let base = search(&f.index, &format!("{q}&view={view}"));
            for facet in [
                FacetName::Agency,
                FacetName::Theme,
                FacetName::ReviewAgency,
                FacetName::ReviewTheme,
            ] {
                let values = &base.facets.iter().find(|(f, _)| *f == facet).unwrap().1;
                // (Inter-agency findings have no agency: that facet may be empty.)
                if q.is_empty() {
                    assert!(!values.is_empty(), "{view} {}", facet.key());
                }
                for value in values {
                    let query = format!("{q}&view={view}&{}={}", facet.key(), value.value);
                    assert_eq!(search(&f.index, &query).total, value.count, "{query}");
                    let (exported, rows) = export_all(&f.index, &query);
                    assert_eq!(
                        (exported, rows.len() as u64),
                        (value.count, value.count),
                        "{query}"
                    );
                    let table = f
                        .index
                        .cross_tab(&request(&query), facet, FacetName::Year, today())
                        .unwrap();
                    assert_eq!(table.total, value.count, "{query}");
                }
            }
        }
    }
}

#[test]
fn lesson_export_rows_carry_the_findings_tags_and_the_reviews() {
    let f = fixture_with(mixed_corpus());
    let (_, rows) = export_all(&f.index, "view=lessons&agency=health_visiting");
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(text_of(row, export::Column::Agency), "health_visiting");
    assert_eq!(
        row.get(export::Column::ReviewAgencies),
        Some(&export::Cell::List(vec![
            "police".into(),
            "health_visiting".into()
        ]))
    );
    assert_eq!(
        row.get(export::Column::Themes),
        Some(&export::Cell::List(vec!["neglect".into()]))
    );
    assert_eq!(
        row.get(export::Column::ReviewThemes),
        Some(&export::Cell::List(vec!["neglect".into()]))
    );
}
