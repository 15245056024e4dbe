//! Known recurring practice points, as data: the points that national analyses of
//! serious case reviews keep naming (a bruise on a non-mobile baby explained away;
//! men in the household unseen; "was not brought"; "start again syndrome"; parents'
//! account accepted unchecked; adult services not thinking family; assuming another
//! agency acts; ...). Each point is recognised by cues: a cue is a list of slots, every
//! slot must be present (any of its alternatives, words or phrases, analysed with the
//! same concept terms as the findings). A finding that matches points is tagged with
//! the one it matches most strongly, its main point; the tag becomes a heavy term of
//! its vector, so two findings making the same known point are close even when they
//! share few words. Findings on other points are grouped by their words alone.

use std::collections::HashSet;
use std::sync::OnceLock;

/// A practice point and its cues.
struct Point {
    slug: &'static str,
    cues: &'static [&'static [&'static [&'static str]]],
}

const POINTS: &[Point] = &[
    Point {
        slug: "non_mobile_bruising",
        cues: &[
            // The safeguarding synonyms make this phrase one concept term.
            &[&["bruising in non-mobile infants"]],
            &[
                &["bruise", "bruising", "bruised"],
                &["mobile", "crawl", "crawling", "non-mobile", "pre-mobile"],
            ],
            &[
                &["bruise", "bruising", "bruised"],
                &["baby", "babies", "infant", "infants"],
            ],
        ],
    },
    Point {
        slug: "hidden_men",
        cues: &[
            &[&["hidden men", "invisible men", "unseen men"]],
            &[
                &[
                    "father",
                    "fathers",
                    "man",
                    "men",
                    "male",
                    "partner",
                    "partners",
                    "boyfriend",
                    "stepfather",
                    "adult",
                    "adults",
                    "dad",
                    "young man",
                ],
                &[
                    "household",
                    "home",
                    "living",
                    "lives",
                    "visiting",
                    "visits",
                    "staying",
                ],
                &[
                    "unseen",
                    "seen",
                    "spoken",
                    "speak",
                    "assess",
                    "assessed",
                    "identify",
                    "identified",
                    "invisible",
                    "ask",
                    "asked",
                    "name",
                    "names",
                    "curious",
                    "curiosity",
                    "met",
                    "include",
                ],
            ],
        ],
    },
    Point {
        slug: "was_not_brought",
        cues: &[
            &[&[
                "was not brought",
                "were not brought",
                "did not attend",
                "not brought",
            ]],
            &[
                &["missed", "missing", "miss"],
                &["appointment", "appointments"],
            ],
            &[&["no access", "no-access"], &["visit", "visits"]],
        ],
    },
    Point {
        // Records and history not sought or handed on when a family moves between
        // areas (named apart from "start again" by the national analyses).
        slug: "family_moves",
        cues: &[&[
            &["move", "moves", "moved", "moving", "relocate", "relocated"],
            &[
                "area",
                "areas",
                "authority",
                "authorities",
                "borough",
                "boroughs",
                "address",
                "addresses",
            ],
            &[
                "records",
                "record",
                "history",
                "previous",
                "transfer",
                "transferred",
                "chronology",
                "checks",
            ],
        ]],
    },
    Point {
        slug: "start_again",
        cues: &[
            &[&["start again", "starting again", "afresh"]],
            &[
                &[
                    "history",
                    "previous",
                    "earlier",
                    "past",
                    "cumulative",
                    "chronology",
                ],
                &["referral", "referrals"],
                &["each", "new", "repeated", "isolation", "separately"],
            ],
        ],
    },
    Point {
        slug: "parents_account_unchecked",
        cues: &[
            &[&["disguised compliance", "rule of optimism"]],
            &[
                &["parent", "parents", "mother", "father", "carer", "carers"],
                &[
                    "account",
                    "accounts",
                    "explanation",
                    "explanations",
                    "assurance",
                    "assurances",
                    "word",
                ],
                &[
                    "accepted",
                    "accept",
                    "checked",
                    "check",
                    "verified",
                    "tested",
                    "challenged",
                    "face value",
                ],
            ],
        ],
    },
    Point {
        slug: "think_family",
        cues: &[
            &[&["think family"]],
            // Adult services named by their specialism, asking about their patients'
            // children.
            &[
                &[
                    "mental health",
                    "psychiatric",
                    "substance",
                    "drug",
                    "drugs",
                    "alcohol",
                    "learning disability",
                ],
                &[
                    "patient",
                    "patients",
                    "service user",
                    "service users",
                    "client",
                    "clients",
                ],
                &["children", "child"],
            ],
            &[
                &["adult", "adults"],
                &[
                    "mental health",
                    "substance",
                    "drug",
                    "drugs",
                    "alcohol",
                    "learning disability",
                    "patient",
                    "patients",
                ],
                &["children", "child", "parent", "parenting", "caring"],
                &["ask", "asked", "record", "recorded", "consider", "impact"],
            ],
        ],
    },
    Point {
        slug: "assumed_other_agency",
        cues: &[&[
            &[
                "assume",
                "assumed",
                "assumption",
                "assumptions",
                "presume",
                "presumed",
                "relied",
                "rely",
            ],
            &[
                "agency",
                "agencies",
                "someone else",
                "another",
                "other professionals",
            ],
        ]],
    },
    Point {
        slug: "escalation",
        cues: &[
            &[&[
                "escalation procedure",
                "escalation policy",
                "escalation process",
                "professional challenge",
            ]],
            &[
                &["escalate", "escalation", "challenge"],
                &["disagree", "disagreement", "decision", "response", "answer"],
            ],
        ],
    },
    Point {
        slug: "young_carers",
        cues: &[&[&["young carer", "young carers"]]],
    },
    Point {
        slug: "exploitation_victims",
        cues: &[&[
            &[
                "exploitation",
                "exploited",
                "county lines",
                "groomed",
                "grooming",
            ],
            &[
                "drug",
                "drugs",
                "dealing",
                "carrying",
                "offender",
                "offending",
                "criminal",
            ],
            &["victim", "victims"],
        ]],
    },
    Point {
        slug: "safe_sleep",
        cues: &[&[&[
            "safe sleep",
            "safe sleeping",
            "safer sleep",
            "co-sleeping",
            "co sleeping",
            "sleeping arrangements",
        ]]],
    },
];

/// A point's cues with each alternative as concept terms.
type Prepared = Vec<(&'static str, Vec<Vec<Vec<Vec<String>>>>)>;

fn prepared() -> &'static Prepared {
    static TABLE: OnceLock<Prepared> = OnceLock::new();
    TABLE.get_or_init(|| {
        POINTS
            .iter()
            .map(|point| {
                let cues = point
                    .cues
                    .iter()
                    .map(|cue| {
                        cue.iter()
                            .map(|slot| {
                                slot.iter()
                                    .map(|alt| lessons_index::query::concept_terms(alt))
                                    .filter(|terms| !terms.is_empty())
                                    .collect()
                            })
                            .collect()
                    })
                    .collect();
                (point.slug, cues)
            })
            .collect()
    })
}

/// How often `needle` occurs as consecutive terms of `terms`.
fn occurrences(terms: &[String], needle: &[String]) -> usize {
    if needle.is_empty() || needle.len() > terms.len() {
        return 0;
    }
    terms.windows(needle.len()).filter(|w| *w == needle).count()
}

/// The main known practice point of a finding with these concept terms: of the points
/// with a matching cue, the one whose cue words occur most (the earlier point on a tie).
pub(crate) fn main_point(terms: &[String]) -> Option<&'static str> {
    let present: HashSet<&str> = terms.iter().map(String::as_str).collect();
    let count = |alt: &[String]| -> usize {
        if alt.iter().all(|t| present.contains(t.as_str())) {
            occurrences(terms, alt)
        } else {
            0
        }
    };
    let mut best: Option<(usize, &'static str)> = None;
    for (slug, cues) in prepared() {
        let strength = cues
            .iter()
            .filter_map(|cue| {
                let mut total = 0;
                for slot in cue {
                    let hits: usize = slot.iter().map(|alt| count(alt.as_slice())).sum();
                    if hits == 0 {
                        return None;
                    }
                    total += hits;
                }
                Some(total)
            })
            .max();
        if let Some(strength) = strength {
            if best.is_none_or(|(b, _)| strength > b) {
                best = Some((strength, slug));
            }
        }
    }
    best.map(|(_, slug)| slug)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lessons_index::query::concept_terms;

    fn point(text: &str) -> Option<&'static str> {
        main_point(&concept_terms(text))
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
}
