//! The prose of one synthetic review: the executive summary and the findings.
//!
//! Owns the sentence templates (per summary section and per kind of finding), their
//! slots (the child's pseudonym, an agency, a theme phrase, a date), the filler
//! sentences drawn word by word from the Zipf [`Lexicon`] with the review's theme
//! words recurring in them, and exact word budgets: a summary has exactly the number
//! of whitespace-separated words drawn for it, and so does each finding.

use lessons_model::review::month_name;
use lessons_model::vocab::AGENCIES;
use lessons_model::Lesson;
use rand::Rng;
use time::Month;

use super::meta::{Case, Strand};
use super::random::{chance, pick, pick_ref, weighted};
use super::topics::{agency_phrase, TOPICS};
use super::words::Lexicon;

/// Words in an executive summary (headings and paragraph numbers included).
const SUMMARY_WORDS: (usize, usize) = (2_000, 8_000);
/// Findings per review, and words per finding.
const FINDINGS: (usize, usize) = (10, 40);
const FINDING_WORDS: (usize, usize) = (30, 120);
/// Words per paragraph of the summary; a shorter remainder joins the last paragraph.
const PARAGRAPH_WORDS: (usize, usize) = (50, 180);
/// Words per filler sentence; a remainder shorter than [`SHORTEST_SENTENCE`] joins
/// the last sentence.
const SENTENCE_WORDS: (usize, usize) = (6, 24);
const SHORTEST_SENTENCE: usize = 3;
/// Share of sentences built from a template rather than drawn word by word.
const TEMPLATE_SHARE: f64 = 0.3;
/// Share of filler words taken from the review's own theme words.
const TOPIC_WORD_SHARE: f64 = 0.03;
/// Chance of a comma after a word inside a filler sentence.
const COMMA_SHARE: f64 = 0.06;

/// A numbered section of an executive summary with its share of the words (percent).
struct Section {
    heading: &'static str,
    share: usize,
    templates: &'static [&'static str],
}

// Slots: {c} the child, {a}/{A} an agency, {p}/{P} a theme phrase, {W} a date
// ("In March 2008"), {t} the place. Upper case means capitalised.
const SECTIONS: &[Section] = &[
    Section {
        heading: "Introduction",
        share: 8,
        templates: &[
            "The review considered the involvement of {a} with {c} and the family.",
            "Reports were received from {a} and from {a}.",
            "The review was asked to consider {p}.",
            "The review panel met six times and heard from {a}.",
            "Family members were invited to contribute to the review.",
        ],
    },
    Section {
        heading: "Background",
        share: 17,
        templates: &[
            "{C} lived with Mother in {t}.",
            "The family were known to {a} because of {p}.",
            "There was a history of {p} before {c} was born.",
            "Mother had moved to {t} from another area, and {a} did not receive the earlier records.",
            "{A} had previously been involved because of {p}.",
        ],
    },
    Section {
        heading: "Key events",
        share: 35,
        templates: &[
            "{W}, {a} recorded {p}.",
            "{W}, {a} became aware of {p}.",
            "{W}, {c} was seen by {a} and {p} was noted.",
            "{W}, {a} made a referral to children's social care about {p}.",
            "{W}, a home visit by {a} found no one at home.",
            "{W}, {a} was told about {p} but did not share this with {a}.",
        ],
    },
    Section {
        heading: "Analysis",
        share: 28,
        templates: ANALYSIS,
    },
    Section {
        heading: "Conclusions",
        share: 12,
        templates: &[
            "The review concludes that the response to {p} fell short of expected practice.",
            "Agencies have since strengthened their response to {p}.",
            "The Board has accepted the recommendations, which are set out in the full report.",
            "It is not possible to say whether a different response to {p} would have changed the outcome for {c}.",
        ],
    },
];

const ANALYSIS: &[&str] = &[
    "With hindsight, {p} should have prompted a strategy discussion.",
    "{A} did not recognise the significance of {p}.",
    "Practitioners in {a} described {p} as a familiar pattern in their work.",
    "The review considered whether {p} was understood by {a}.",
    "The response of {a} to {p} lacked professional curiosity.",
    "Information about {p} was held by {a} but was not shared with {a}.",
    "There is no evidence that {a} considered {p} when assessing risk.",
    "{P} was seen in isolation rather than as part of a pattern.",
];

const LESSON_OPENINGS: &[&str] = &[
    "Practitioners should be alert to {p} and should record what they see.",
    "{P} must be understood as a safeguarding concern rather than a family matter.",
    "Where there is {p}, agencies should hold a strategy discussion without delay.",
    "{A} did not connect {p} with the risk to {c}.",
];

const AGENCY_RECOMMENDATIONS: &[&str] = &[
    "{A} should ensure that staff understand the procedure for responding to {p}.",
    "{A} should audit its records of {p} and report to the Board within six months.",
    "{A} should provide training on {p} for all front-line staff.",
];

const BOARD_RECOMMENDATIONS: &[&str] = &[
    "The Board should seek assurance that partner agencies respond consistently to {p}.",
    "The Board should review the multi-agency guidance on {p}.",
    "Agencies should agree a shared approach to {p}, with clear routes for escalation.",
];

const GOOD_PRACTICE: &[&str] = &[
    "{A} responded promptly to {p} and shared information the same day.",
    "The response of {a} to {p} was timely and child-centred.",
    "{A} challenged other agencies about {p} and escalated appropriately.",
];

const KINDS: &[(&str, u32)] = &[
    ("lesson", 50),
    ("recommendation", 35),
    ("good_practice", 15),
];

/// What the slots of a template are filled from.
struct Focus<'a> {
    strands: &'a [Strand],
    /// The agency a finding is about; otherwise any of the review's agencies.
    agency: Option<&'static str>,
}

/// Writes text for one review into a string, drawing from the review's generator.
struct Writer<'a, R> {
    rng: &'a mut R,
    case: &'a Case,
    lexicon: &'static Lexicon,
    out: String,
}

/// The executive summary: numbered sections and paragraphs, exactly as many words
/// as drawn from [`SUMMARY_WORDS`].
pub fn summary(rng: &mut impl Rng, case: &Case) -> String {
    let total = rng.random_range(SUMMARY_WORDS.0..=SUMMARY_WORDS.1);
    let mut writer = Writer::new(rng, case, total * 7);
    let focus = Focus {
        strands: &case.strands,
        agency: None,
    };
    let mut used = 0;
    for (n, section) in SECTIONS.iter().enumerate() {
        let budget = if n + 1 == SECTIONS.len() {
            total - used
        } else {
            total * section.share / 100
        };
        writer.section(n + 1, section, budget, &focus);
        used += budget;
    }
    writer.out
}

/// The findings: [`FINDINGS`] of them, both levels and every kind.
pub fn findings(rng: &mut impl Rng, case: &Case) -> Vec<Lesson> {
    let count = rng.random_range(FINDINGS.0..=FINDINGS.1);
    (0..count).map(|_| finding(rng, case)).collect()
}

fn finding(rng: &mut impl Rng, case: &Case) -> Lesson {
    let kind = weighted(rng, KINDS);
    let agency = chance(rng, 0.55).then(|| finding_agency(rng, case));
    let strands = finding_strands(rng, case);
    let words = rng.random_range(FINDING_WORDS.0..=FINDING_WORDS.1);
    let opening = match (kind, agency) {
        ("lesson", _) => LESSON_OPENINGS,
        ("recommendation", Some(_)) => AGENCY_RECOMMENDATIONS,
        ("recommendation", None) => BOARD_RECOMMENDATIONS,
        _ => GOOD_PRACTICE,
    };
    let focus = Focus {
        strands: &strands,
        agency,
    };
    let mut writer = Writer::new(rng, case, words * 7);
    let template = pick(writer.rng, opening);
    let first = writer.render(template, &focus);
    writer.out.push_str(&first);
    writer.sentences(words.saturating_sub(count_words(&first)), ANALYSIS, &focus);
    Lesson {
        kind: kind.to_string(),
        level: if agency.is_some() {
            "individual"
        } else {
            "inter_agency"
        }
        .to_string(),
        agency: agency.map(str::to_string),
        themes: strands.iter().map(|s| s.topic.theme.to_string()).collect(),
        text: writer.out,
        ..Lesson::default()
    }
}

/// Mostly one of the review's agencies; sometimes one the review does not list.
fn finding_agency(rng: &mut impl Rng, case: &Case) -> &'static str {
    if chance(rng, 0.15) {
        pick(rng, AGENCIES).slug
    } else {
        pick(rng, &case.agencies)
    }
}

/// One to three of the review's themes, now and then with one it is not tagged with.
fn finding_strands(rng: &mut impl Rng, case: &Case) -> Vec<Strand> {
    let wanted = rng.random_range(1..=3).min(case.strands.len());
    let mut strands: Vec<Strand> = Vec::with_capacity(wanted + 1);
    let has = |strands: &[Strand], theme: &str| strands.iter().any(|s| s.topic.theme == theme);
    while strands.len() < wanted {
        let strand = pick_ref(rng, &case.strands);
        if !has(&strands, strand.topic.theme) {
            strands.push(strand.clone());
        }
    }
    let extra = pick_ref(rng, TOPICS);
    if chance(rng, 0.1) && !has(&strands, extra.theme) {
        strands.push(Strand::whole(extra));
    }
    strands.truncate(3);
    strands
}

fn count_words(text: &str) -> usize {
    text.split_whitespace().count()
}

impl<'a, R: Rng> Writer<'a, R> {
    fn new(rng: &'a mut R, case: &'a Case, capacity: usize) -> Self {
        Writer {
            rng,
            case,
            lexicon: Lexicon::get(),
            out: String::with_capacity(capacity),
        }
    }

    /// "2. Background" and its numbered paragraphs, `budget` words in all.
    fn section(&mut self, number: usize, section: &Section, budget: usize, focus: &Focus) {
        if !self.out.is_empty() {
            self.out.push_str("\n\n");
        }
        let heading = format!("{number}. {}", section.heading);
        self.out.push_str(&heading);
        let mut left = budget - count_words(&heading);
        let mut paragraph = 1;
        while left > 0 {
            let size = self.span(left, PARAGRAPH_WORDS, PARAGRAPH_WORDS.0);
            self.out.push_str(&format!("\n\n{number}.{paragraph} "));
            let mut body = size - 1;
            if number == 1 && paragraph == 1 {
                body -= self.opening_sentence(body);
            }
            self.sentences(body, section.templates, focus);
            left -= size;
            paragraph += 1;
        }
    }

    /// A size drawn from `range`, or all of `left` when less than `shortest` would remain.
    fn span(&mut self, left: usize, range: (usize, usize), shortest: usize) -> usize {
        let size = self.rng.random_range(range.0..=range.1);
        if size + shortest > left {
            left
        } else {
            size
        }
    }

    /// The summary's first sentence, when it fits in `budget`; returns its words.
    fn opening_sentence(&mut self, budget: usize) -> usize {
        let event = match self.case.incident {
            "death" => "the death of",
            "serious_harm" => "serious harm to",
            _ => "a serious incident involving",
        };
        let incident = self.case.dates.incident;
        let sentence = format!(
            "The {board} commissioned this review after {event} {child} in {month} {year}.",
            board = self.case.board_name(),
            child = self.case.pseudonym,
            month = month_name(incident.month()),
            year = incident.year(),
        );
        let words = count_words(&sentence);
        if words + SHORTEST_SENTENCE > budget {
            return 0;
        }
        self.out.push_str(&sentence);
        self.out.push(' ');
        words
    }

    /// Sentences of exactly `budget` words in all, separated by spaces.
    fn sentences(&mut self, budget: usize, templates: &[&str], focus: &Focus) {
        let mut left = budget;
        while left > 0 {
            if !self.out.is_empty() && !self.out.ends_with([' ', '\n']) {
                self.out.push(' ');
            }
            if chance(self.rng, TEMPLATE_SHARE) {
                let template = pick(self.rng, templates);
                let sentence = self.render(template, focus);
                let words = count_words(&sentence);
                if words == left || words + SHORTEST_SENTENCE <= left {
                    self.out.push_str(&sentence);
                    left -= words;
                    continue;
                }
            }
            let words = self.span(left, SENTENCE_WORDS, SHORTEST_SENTENCE);
            self.filler(words);
            left -= words;
        }
    }

    /// A sentence of `words` words drawn by Zipf rank, some from the review's themes,
    /// never the same word twice in a row.
    fn filler(&mut self, words: usize) {
        let mut previous = "";
        for k in 0..words {
            let mut word = self.word();
            if word == previous {
                word = self.word();
            }
            if k == 0 {
                push_capitalised(&mut self.out, word);
            } else {
                self.out.push(' ');
                self.out.push_str(word);
            }
            if k > 1 && k + 1 < words && chance(self.rng, COMMA_SHARE) {
                self.out.push(',');
            }
            previous = word;
        }
        self.out.push('.');
    }

    fn word(&mut self) -> &'static str {
        let topic_words = &self.case.topic_words;
        if !topic_words.is_empty() && chance(self.rng, TOPIC_WORD_SHARE) {
            pick(self.rng, topic_words)
        } else {
            self.lexicon.word(self.rng)
        }
    }

    /// A template with its slots filled.
    fn render(&mut self, template: &str, focus: &Focus) -> String {
        let mut out = String::with_capacity(template.len() + 64);
        let mut named = Vec::new();
        let mut rest = template;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let slot = rest.as_bytes()[start + 1];
            let value = match slot.to_ascii_lowercase() {
                b'a' => {
                    let agency = self.agency(focus, &named);
                    named.push(agency);
                    agency_phrase(agency).to_string()
                }
                other => self.slot(other, focus),
            };
            if slot.is_ascii_uppercase() {
                push_capitalised(&mut out, &value);
            } else {
                out.push_str(&value);
            }
            rest = &rest[start + 3..];
        }
        out.push_str(rest);
        out
    }

    fn slot(&mut self, slot: u8, focus: &Focus) -> String {
        match slot {
            b'c' => self.case.pseudonym.clone(),
            b'p' => {
                let strand = pick_ref(self.rng, focus.strands);
                pick(self.rng, &strand.phrases).to_string()
            }
            b't' => self.case.place(),
            _ => self.when(),
        }
    }

    /// The agency of the next `{a}` of a sentence: the finding's own agency first,
    /// then mostly the review's agencies, never one the sentence has named already.
    fn agency(&mut self, focus: &Focus, named: &[&'static str]) -> &'static str {
        if let Some(agency) = focus.agency.filter(|_| named.is_empty()) {
            return agency;
        }
        loop {
            let agency = if chance(self.rng, 0.8) {
                pick(self.rng, &self.case.agencies)
            } else {
                pick(self.rng, AGENCIES).slug
            };
            if !named.contains(&agency) {
                return agency;
            }
        }
    }

    /// "In March 2008": a month in the three years up to the incident.
    fn when(&mut self) -> String {
        let year = self.case.dates.incident.year() - self.rng.random_range(0..=2);
        let month = Month::try_from(self.rng.random_range(1..=12u8)).unwrap_or(Month::January);
        format!("in {} {year}", month_name(month))
    }
}

/// Appends `text` with its first letter in upper case.
fn push_capitalised(out: &mut String, text: &str) {
    let mut chars = text.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
}
