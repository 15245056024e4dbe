//! The metadata of one synthetic review.
//!
//! Owns [`Case`], the facts drawn first that the text is then written about (board,
//! themes, the child's age, agencies, dates, review type, incident), and
//! [`into_review`], which draws the remaining facets (abuse, source of harm, sex,
//! siblings, methodology, parallel processes, Ofsted grade, keywords) and assembles a
//! [`Review`] in the import shape. Facets follow each other plausibly: a review about
//! bruising in a non-mobile infant is about a baby, one about SUDI is about a death.

use lessons_model::dates::add_months;
use lessons_model::vocab::{AGENCIES, AGE_BANDS};
use lessons_model::{Child, Lesson, Review, Status};
use rand::seq::SliceRandom;
use rand::Rng;
use time::macros::date;
use time::{Date, Duration};

use super::boards::{self, BOARD_COUNT};
use super::random::{chance, pick, weighted, weighted_by};
use super::topics::{Topic, TOPICS};

/// Extra themes after the first.
const MIN_EXTRA_THEMES: usize = 2;
const MAX_EXTRA_THEMES: usize = 6;
const MAX_AGENCIES: usize = 10;
/// Incidents fall in this range, so that every date stays within 2004-2025.
const FIRST_INCIDENT: Date = date!(2004 - 01 - 01);
const LAST_INCIDENT: Date = date!(2022 - 10 - 31);
/// Commissioning follows the incident by this many days.
const COMMISSIONING_DAYS: (i64, i64) = (7, 120);
/// Whole months from commissioning to completion.
const DURATION_MONTHS: (u32, u32) = (3, 24);
/// Publication follows completion by up to this many days.
const MAX_PUBLICATION_DAYS: i64 = 240;

/// The age of the child when no theme decides it.
const AGE_WEIGHTS: &[(&str, u32)] = &[
    ("unborn", 2),
    ("under_1", 26),
    ("1_to_5", 22),
    ("6_to_10", 13),
    ("11_to_15", 20),
    ("16_to_17", 11),
    ("18_plus", 2),
    ("not_stated", 4),
];

/// Who harmed the child (`self` is kept for reviews about suicide and self-harm).
const SOURCE_WEIGHTS: &[(&str, u32)] = &[
    ("parent", 45),
    ("parents_partner", 20),
    ("other_relative", 6),
    ("another_child", 5),
    ("other_known_adult", 7),
    ("person_in_position_of_trust", 3),
    ("stranger", 2),
    ("unknown", 8),
];

const GRADE_WEIGHTS: &[(&str, u32)] = &[
    ("outstanding", 5),
    ("good", 30),
    ("adequate", 40),
    ("inadequate", 20),
    ("not_evaluated", 5),
];

/// The facts of a review that its text is written about.
pub struct Case {
    /// Board number (see [`boards`]).
    pub board: usize,
    /// The review's themes, the leading one first.
    pub strands: Vec<Strand>,
    pub age_band: &'static str,
    /// "Child A", "Baby B", "Young Person C".
    pub pseudonym: String,
    /// Never empty: every child is registered with a GP.
    pub agencies: Vec<&'static str>,
    pub incident: &'static str,
    pub review_type: &'static str,
    pub dates: Dates,
    /// Words of the themes' phrases, which recur in the text of this review.
    pub topic_words: Vec<&'static str>,
}

/// One theme of a review, with the phrases this review uses for it (so that reviews
/// on the same theme do not all say the same things).
#[derive(Clone)]
pub struct Strand {
    pub topic: &'static Topic,
    pub phrases: Vec<&'static str>,
}

impl Strand {
    /// A theme with every one of its phrases.
    pub fn whole(topic: &'static Topic) -> Strand {
        Strand {
            topic,
            phrases: topic.phrases.to_vec(),
        }
    }

    /// A theme with one to three of its phrases.
    fn draw(rng: &mut impl Rng, topic: &'static Topic) -> Strand {
        let mut phrases = topic.phrases.to_vec();
        phrases.shuffle(rng);
        phrases.truncate(rng.random_range(1..=3));
        Strand { topic, phrases }
    }
}

/// The four dates of a review, in order.
pub struct Dates {
    pub incident: Date,
    pub commissioned: Date,
    pub completed: Date,
    pub published: Date,
}

/// Draws the facts the text depends on.
pub fn draw_case(rng: &mut impl Rng) -> Case {
    let board = rng.random_range(0..BOARD_COUNT);
    let first = pick_topic(rng);
    let age_band = draw_age(rng, first);
    let topics = draw_topics(rng, first, age_band);
    let agencies = draw_agencies(rng, &topics, age_band);
    let strands: Vec<Strand> = topics.iter().map(|t| Strand::draw(rng, t)).collect();
    let dates = draw_dates(rng);
    let in_wales = boards::region(board) == "wales";
    Case {
        board,
        pseudonym: pseudonym(rng, age_band),
        incident: draw_incident(rng, &topics),
        review_type: draw_review_type(rng, dates.commissioned.year(), in_wales),
        topic_words: topic_words(&strands),
        strands,
        age_band,
        agencies,
        dates,
    }
}

impl Case {
    pub fn has_theme(&self, theme: &str) -> bool {
        self.strands.iter().any(|s| s.topic.theme == theme)
    }

    pub fn place(&self) -> String {
        boards::place_name(self.board)
    }

    pub fn board_name(&self) -> String {
        boards::board(self.board).name
    }

    fn in_wales(&self) -> bool {
        boards::region(self.board) == "wales"
    }
}

fn pick_topic(rng: &mut impl Rng) -> &'static Topic {
    weighted_by(rng, TOPICS, |topic| topic.weight)
}

fn draw_age(rng: &mut impl Rng, first: &Topic) -> &'static str {
    if first.ages.is_empty() {
        weighted(rng, AGE_WEIGHTS)
    } else {
        pick(rng, first.ages)
    }
}

fn fits_age(topic: &Topic, age_band: &str) -> bool {
    topic.ages.is_empty() || topic.ages.contains(&age_band)
}

fn draw_topics(rng: &mut impl Rng, first: &'static Topic, age_band: &str) -> Vec<&'static Topic> {
    let wanted = 1 + rng.random_range(MIN_EXTRA_THEMES..=MAX_EXTRA_THEMES);
    let mut topics = vec![first];
    for _ in 0..wanted * 8 {
        if topics.len() == wanted {
            break;
        }
        let topic = pick_topic(rng);
        if fits_age(topic, age_band) && !topics.iter().any(|t| t.theme == topic.theme) {
            topics.push(topic);
        }
    }
    topics
}

fn draw_agencies(rng: &mut impl Rng, topics: &[&Topic], age_band: &str) -> Vec<&'static str> {
    let mut agencies = Vec::new();
    if chance(rng, 0.9) {
        agencies.push("childrens_social_care");
    }
    for topic in topics {
        agencies.push(pick(rng, topic.agencies));
    }
    agencies.extend(age_agencies(rng, age_band));
    if chance(rng, 0.7) {
        agencies.push("police");
    }
    for _ in 0..rng.random_range(0..=2) {
        agencies.push(pick(rng, AGENCIES).slug);
    }
    dedupe(&mut agencies);
    agencies.truncate(MAX_AGENCIES);
    agencies
}

/// The agencies every child of this age meets.
fn age_agencies(rng: &mut impl Rng, age_band: &str) -> Vec<&'static str> {
    let mut agencies = vec!["general_practice"];
    match age_band {
        "unborn" | "under_1" => {
            agencies.push("health_visiting");
            if chance(rng, 0.6) {
                agencies.push("midwifery");
            }
        }
        "1_to_5" => {
            agencies.push("health_visiting");
            if chance(rng, 0.4) {
                agencies.push("early_years");
            }
        }
        "6_to_10" | "11_to_15" | "16_to_17" => {
            agencies.push("school");
            if chance(rng, 0.2) {
                agencies.push("school_nursing");
            }
        }
        _ => {
            if chance(rng, 0.5) {
                agencies.push("further_education");
            }
        }
    }
    agencies
}

fn dedupe(items: &mut Vec<&'static str>) {
    let mut kept: Vec<&'static str> = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        if !kept.contains(&item) {
            kept.push(item);
        }
    }
    *items = kept;
}

fn draw_dates(rng: &mut impl Rng) -> Dates {
    let span = (LAST_INCIDENT - FIRST_INCIDENT).whole_days();
    let incident = plus_days(FIRST_INCIDENT, rng.random_range(0..=span));
    let after = rng.random_range(COMMISSIONING_DAYS.0..=COMMISSIONING_DAYS.1);
    let commissioned = with_day_at_most_28(plus_days(incident, after));
    let months = rng.random_range(DURATION_MONTHS.0..=DURATION_MONTHS.1);
    // Fewer extra days than any month has, so the whole-month duration stays `months`.
    let completed = plus_days(add_months(commissioned, months), rng.random_range(0..=25));
    let published = plus_days(completed, rng.random_range(0..=MAX_PUBLICATION_DAYS));
    Dates {
        incident,
        commissioned,
        completed,
        published,
    }
}

fn plus_days(date: Date, days: i64) -> Date {
    date.saturating_add(Duration::days(days))
}

/// The same month, on day 28 at the latest, so month arithmetic never clamps.
fn with_day_at_most_28(date: Date) -> Date {
    date.replace_day(date.day().min(28)).unwrap_or(date)
}

/// `YYYY-MM-DD`.
fn iso(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        date.month() as u8,
        date.day()
    )
}

fn pseudonym(rng: &mut impl Rng, age_band: &str) -> String {
    let letter = char::from(b'A' + rng.random_range(0..26u8));
    let kind = match age_band {
        "unborn" | "under_1" => "Baby",
        "16_to_17" | "18_plus" => "Young Person",
        _ => "Child",
    };
    format!("{kind} {letter}")
}

fn draw_incident(rng: &mut impl Rng, topics: &[&Topic]) -> &'static str {
    let has = |theme: &str| topics.iter().any(|t| t.theme == theme);
    if has("sudden_unexpected_death_in_infancy")
        || (has("suicide_and_self_harm") && chance(rng, 0.8))
    {
        return "death";
    }
    weighted(rng, &[("death", 40), ("serious_harm", 52), ("other", 8)])
}

fn draw_review_type(rng: &mut impl Rng, year: i32, wales: bool) -> &'static str {
    let local = match (wales, year) {
        (true, 2013..) => "child_practice_review",
        (false, 2019..) => "child_safeguarding_practice_review",
        _ => "serious_case_review",
    };
    weighted(
        rng,
        &[
            (local, 86),
            ("other_learning_review", 11),
            ("national_review", 3),
        ],
    )
}

fn topic_words(strands: &[Strand]) -> Vec<&'static str> {
    let mut words: Vec<&'static str> = strands
        .iter()
        .flat_map(|s| s.phrases.iter().flat_map(|p| p.split_whitespace()))
        .filter(|w| w.len() >= 5)
        .collect();
    dedupe(&mut words);
    words
}

/// Draws the remaining facets and assembles the review in the import shape.
pub fn into_review(
    rng: &mut impl Rng,
    case: Case,
    summary: String,
    lessons: Vec<Lesson>,
) -> Review {
    let abuse = draw_abuse(rng, &case);
    let source_of_harm = draw_sources(rng, &case);
    let methodology = draw_methodology(rng, &case);
    let parallel_processes = draw_parallel(rng, &case, &source_of_harm);
    let child = Child {
        age_band: case.age_band.to_string(),
        sex: draw_sex(rng).to_string(),
    };
    let children = draw_siblings(rng, &child);
    Review {
        title: title(rng, &case),
        pseudonyms: pseudonyms(rng, &case),
        board: boards::slug(case.board),
        review_type: case.review_type.to_string(),
        methodology,
        incident: case.incident.to_string(),
        abuse,
        source_of_harm,
        child,
        children,
        incident_date: Some(incident_date(rng, case.dates.incident)),
        commissioned_on: (!chance(rng, 0.04)).then(|| iso(case.dates.commissioned)),
        completed_on: Some(iso(case.dates.completed)),
        published_on: Some(iso(case.dates.published)),
        parallel_processes,
        ofsted_grade: draw_grade(rng, case.dates.completed.year()),
        themes: case
            .strands
            .iter()
            .map(|s| s.topic.theme.to_string())
            .collect(),
        agencies: case.agencies.iter().map(|a| a.to_string()).collect(),
        keywords: draw_keywords(rng, &case),
        summary,
        lessons,
        status: Status::Published,
        ..Review::default()
    }
}

fn title(rng: &mut impl Rng, case: &Case) -> String {
    let who = &case.pseudonym;
    match case.review_type {
        "serious_case_review" if chance(rng, 0.3) => {
            format!("Executive Summary of the Serious Case Review in respect of {who}")
        }
        "serious_case_review" => format!("Serious Case Review: {who} ({})", case.place()),
        "child_safeguarding_practice_review" => {
            format!("Child Safeguarding Practice Review: {who}")
        }
        "child_practice_review" => format!("Child Practice Review: {who} ({})", case.place()),
        "national_review" => format!("National Review: {who}"),
        _ => format!("Learning Review: {who} ({})", case.place()),
    }
}

fn pseudonyms(rng: &mut impl Rng, case: &Case) -> Vec<String> {
    let mut names = vec![case.pseudonym.clone(), "Mother".to_string()];
    if chance(rng, 0.6) {
        names.push("Father".to_string());
    }
    if case.has_theme("unseen_men") || chance(rng, 0.2) {
        names.push(format!(
            "Mr {}",
            char::from(b'P' + rng.random_range(0..10u8))
        ));
    }
    names
}

fn draw_abuse(rng: &mut impl Rng, case: &Case) -> Vec<String> {
    let mut abuse: Vec<&'static str> = case
        .strands
        .iter()
        .flat_map(|s| s.topic.abuse)
        .copied()
        .collect();
    if abuse.is_empty() || chance(rng, 0.15) {
        abuse.push(pick(rng, &["neglect", "physical", "sexual", "emotional"]));
    }
    dedupe(&mut abuse);
    abuse.into_iter().map(String::from).collect()
}

fn draw_sources(rng: &mut impl Rng, case: &Case) -> Vec<String> {
    if case.has_theme("suicide_and_self_harm") {
        return vec!["self".to_string()];
    }
    if chance(rng, 0.08) {
        return Vec::new();
    }
    let mut sources = vec![weighted(rng, SOURCE_WEIGHTS)];
    if chance(rng, 0.25) {
        sources.push(weighted(rng, SOURCE_WEIGHTS));
    }
    dedupe(&mut sources);
    sources.into_iter().map(String::from).collect()
}

fn draw_sex(rng: &mut impl Rng) -> &'static str {
    weighted(rng, &[("female", 47), ("male", 47), ("not_stated", 6)])
}

/// Brothers and sisters the review is also about (one review in eight).
fn draw_siblings(rng: &mut impl Rng, child: &Child) -> Vec<Child> {
    if !chance(rng, 0.125) {
        return Vec::new();
    }
    let mut children = vec![child.clone()];
    for _ in 0..rng.random_range(1..=3) {
        children.push(Child {
            age_band: pick(rng, &AGE_BANDS[1..6]).slug.to_string(),
            sex: draw_sex(rng).to_string(),
        });
    }
    children
}

fn draw_methodology(rng: &mut impl Rng, case: &Case) -> Option<String> {
    if chance(rng, 0.1) {
        return None;
    }
    let year = case.dates.commissioned.year();
    let slug = match (case.in_wales(), year) {
        (true, 2013..) if chance(rng, 0.8) => "welsh_child_practice_review",
        (_, ..=2010) => weighted(
            rng,
            &[
                ("imr_and_overview", 85),
                ("scie_learning_together", 5),
                ("other", 10),
            ],
        ),
        (_, 2011..=2018) => weighted(
            rng,
            &[
                ("imr_and_overview", 35),
                ("scie_learning_together", 30),
                ("silp", 20),
                ("appreciative_inquiry", 5),
                ("other", 10),
            ],
        ),
        _ => weighted(
            rng,
            &[
                ("imr_and_overview", 10),
                ("scie_learning_together", 25),
                ("silp", 30),
                ("appreciative_inquiry", 15),
                ("other", 20),
            ],
        ),
    };
    Some(slug.to_string())
}

fn draw_parallel(rng: &mut impl Rng, case: &Case, sources: &[String]) -> Vec<String> {
    let death = case.incident == "death";
    let by_family = sources
        .iter()
        .any(|s| s == "parent" || s == "parents_partner");
    let candidates = [
        (
            "criminal_trial",
            if by_family && case.incident != "other" {
                0.4
            } else {
                0.05
            },
        ),
        ("inquest", if death { 0.6 } else { 0.0 }),
        ("care_proceedings", 0.3),
        (
            "domestic_homicide_review",
            if death && case.has_theme("domestic_abuse") {
                0.3
            } else {
                0.0
            },
        ),
        ("other", 0.05),
    ];
    candidates
        .into_iter()
        .filter(|(_, p)| *p > 0.0 && chance(rng, *p))
        .map(|(slug, _)| slug.to_string())
        .collect()
}

/// Ofsted graded serious case reviews completed from 2007 to 2012.
fn draw_grade(rng: &mut impl Rng, completed_year: i32) -> Option<String> {
    ((2007..=2012).contains(&completed_year) && chance(rng, 0.8))
        .then(|| weighted(rng, GRADE_WEIGHTS).to_string())
}

fn incident_date(rng: &mut impl Rng, day: Date) -> String {
    if chance(rng, 0.4) {
        format!("{:04}-{:02}", day.year(), day.month() as u8)
    } else {
        iso(day)
    }
}

fn draw_keywords(rng: &mut impl Rng, case: &Case) -> Vec<String> {
    let mut keywords: Vec<&'static str> = case
        .strands
        .iter()
        .flat_map(|s| s.topic.keywords)
        .copied()
        .filter(|_| chance(rng, 0.6))
        .collect();
    dedupe(&mut keywords);
    keywords.truncate(6);
    keywords.into_iter().map(String::from).collect()
}
