//! Lesson suggestions: find the sections of an executive summary that hold its findings
//! ("Lessons learned", "Key learning", "Findings", "Conclusions", "Recommendations", ...),
//! split them into their numbered or bulleted items (joining an item that runs across a
//! page break), and guess each item's kind, level, agency and themes. Every suggestion is
//! marked `suggested: true` for the depositor to confirm.

mod action_plan;
mod actor;
mod eval;
mod guess;
mod table;

use std::sync::LazyLock;

use lessons_model::validate::{MAX_LESSONS, MAX_LESSON_CHARS};
use lessons_model::Lesson;
use regex::Regex;

pub use action_plan::{suggest_actions, ActionPlanReport};
pub use eval::{evaluate_suggestions, DocScore, EvalReport};

/// Items shorter than this many words are not suggested (headings, fragments).
const MIN_WORDS: usize = 5;

/// What a findings section holds, from its heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SectionKind {
    Lessons,
    Recommendations,
    /// "Conclusions and recommendations": decided per item.
    Mixed,
    GoodPractice,
}

/// What a sub-heading inside a section tells about the items under it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Context {
    /// "Recommendations for the police": the one agency addressed.
    agency: Option<&'static str>,
    /// "Multi-agency recommendations", "Recommendations for the Board".
    inter_agency: bool,
}

/// How an item is numbered; items of another style under a parent ending in ':' are
/// its sub-items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Numeric(usize),
    Letter,
    Roman,
    Bullet,
    Label,
}

/// "Recommendation 3:" or "Finding 2:": the item says what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LabelKind {
    Recommendation,
    Lesson,
    GoodPractice,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Heading {
    Section(SectionKind, Context),
    Sub(Context),
    Other,
}

/// A line, or lines joined within a paragraph.
#[derive(Debug, Clone)]
enum Unit {
    Heading(Heading),
    Item {
        style: Style,
        label: Option<LabelKind>,
        text: String,
        /// The agency column of a table row.
        cell: Option<table::CellAgency>,
    },
    Plain {
        text: String,
    },
}

/// An item found in a section, before guessing.
#[derive(Debug, Clone)]
struct RawItem {
    style: Style,
    label: Option<LabelKind>,
    text: String,
    section: SectionKind,
    context: Context,
    /// Found as a plain paragraph in a section without numbered items.
    unmarked: bool,
    /// Opened by a label with no text yet ("Recommendation 3" on its own line).
    awaiting_body: bool,
    /// The agency column of a table row.
    cell: Option<table::CellAgency>,
}

fn re(pattern: &str) -> Regex {
    // Patterns are constants of this module; a failure is a programming error caught by
    // the tests, and yields a regex that never matches rather than a panic.
    Regex::new(pattern).unwrap_or_else(|_| never())
}

fn never() -> Regex {
    // `[^\s\S]` matches nothing; this cannot fail to compile.
    #[allow(clippy::unwrap_used)]
    Regex::new(r"[^\s\S]").unwrap()
}

static LABEL_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(recommendations?|rec\.?|r|findings?|key findings?|lessons?|learning points?|key learning points?|learning|conclusions?|good practice|areas? of good practice)\s*(?:no\.?\s*)?(\d{1,2}(?:\.\d{1,2})*|[a-z](?:\b|$)|[ivx]{1,4}\b)?\s*(?:[:.)\-–—]\s*|$)|^(recommendations?|rec\.?|r|findings?|lessons?|learning points?)\s*(?:no\.?\s*)?(\d{1,2}(?:\.\d{1,2})*)\s+",
    )
});
static NUMERIC_MARKER: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(\d{1,2}(?:\.\d{1,2}){0,3})(\.|\))?(?:\s+|$)"));
static LETTER_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?:\(([A-Za-z]|[ivxIVX]{1,4})\)|([A-Za-z]|[ivxIVX]{1,4})[.)])(?:\s+|$)")
});
static BULLET_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?:[•●○◦▪■□▫‣⁃∙·➢➤►✓✔\u{f0b7}\u{f0a7}\u{f076}\u{f0d8}]|[-–—*](?:\s|$)|o\s+[A-Z])\s*")
});
static PAGE_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:page\s+\d+(?:\s+of\s+\d+)?|\d{1,3}|-\s*\d{1,3}\s*-)$"));
static HEADING_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(?:section|part|chapter|appendix)\s+)?(?:\d{1,2}(?:\.\d{1,2})*[.)]?|[A-Z][.)]|[IVX]{1,4}[.)])\s+",
    )
});
static SECTION_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:(?:the|key|main|summary|of|overall|principal|emerging|single[- ]agency|multi[- ]agency|inter[- ]agency|agency|lscb|board|additional|further|specific|general|national|local|areas?|examples?|what|has|we|have|been|other|organisational|wider|system|systems|practice)\s+)*(lessons?|learning|learnt|learned|findings?|conclusions?|recommendations?|good practice|notable practice|worked well)\b(.*)$",
    )
});
static NOT_SECTION_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:disabilit|difficult|needs|together|mentor|support|environment|style|and development|&|log|event|review|set|plan)|\bprocess\b|\bmethodology\b|\bterms of reference\b",
    )
});
static APPENDIX: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:appendix|appendices|annex|annexe)\b[^.]*$"));
static TRAILING_PAGE: LazyLock<Regex> = LazyLock::new(|| re(r"(?:\s*\.{2,}\s*|\s+)\d{1,3}$"));
static KNOWN_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:introduction|background|summary|executive summary|methodology|method|terms of reference|chronology|analysis|the family|family|family background|appendix|appendices|glossary|acknowledgements?|references|action plan|contents|table of contents|process|scope|overview|the review|review process|purpose|context|key events|agency involvement|parallel processes|index|foreword|next steps|response|board'?s response|author|the author|independent author|the panel|panel|circumstances|the circumstances|case summary|summary of (?:the )?case|narrative|the child|about this review|publication|references and sources|involvement of the family|family involvement|views of the family)(?:\s+(?:to|of|and|for|from|with)\b.*)?$",
    )
});
static META: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:the following|as follows|set out below|listed below|outlined below|detailed below|this section|in this section|below are)\b",
    )
});
static INCOMPLETE_END: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(?:[,\-–(/]|\b(?:the|a|an|and|or|of|to|with|for|by|in|on|at|that|which|who|their|its|his|her|from|between|should|must|will|be|is|are|was|were|as|has|have|had|not|all|any|each|this|these|those|such|into|within|across|about|including|both|where|when|than|but|so|would|could|may|can|do|does|did|more|most|whether|how|what|under|over|through|about|also))$",
    )
});
static REC_LANGUAGE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:should|must|recommend(?:s|ed|ation)?|is asked to|are asked to|to ensure|will ensure)\b",
    )
});

/// Proposes findings from the findings sections of `text` (normalised plain text with
/// paragraphs separated by blank lines). Every result has `suggested: true`.
pub fn suggest_lessons(text: &str) -> Vec<Lesson> {
    let units = units(text);
    let raw = collect_items(&units);
    let items = merge_sub_items(raw);
    let mut lessons = Vec::new();
    for item in items {
        if lessons.len() >= MAX_LESSONS {
            break;
        }
        let body = normalise_space(&item.text);
        if body.split_whitespace().count() < MIN_WORDS {
            continue;
        }
        let body = truncate(&body, MAX_LESSON_CHARS);
        let kind = guess_kind(&item, &body);
        let (level, agency) = level_and_agency(&item.context, item.cell, &body);
        lessons.push(Lesson {
            id: String::new(),
            kind: kind.to_string(),
            level: level.to_string(),
            agency: agency.map(str::to_string),
            themes: guess::themes_in(&body)
                .into_iter()
                .map(str::to_string)
                .collect(),
            text: body,
            suggested: true,
            ..Lesson::default()
        });
    }
    lessons
}

/// The level and agency of an item: what its table's agency column says; else an agency
/// given by its sub-heading; else whoever acts in it ([`actor::actor`]); else
/// inter-agency, with no agency.
fn level_and_agency(
    context: &Context,
    cell: Option<table::CellAgency>,
    body: &str,
) -> (&'static str, Option<&'static str>) {
    match cell {
        Some(table::CellAgency::One(agency)) => return ("individual", Some(agency)),
        Some(table::CellAgency::Many) => return ("inter_agency", None),
        None => {}
    }
    if let Some(agency) = context.agency {
        return ("individual", Some(agency));
    }
    match actor::actor(body) {
        Some(actor::Actor::One(agency)) => ("individual", Some(agency)),
        Some(actor::Actor::Many) | None => ("inter_agency", None),
    }
}

fn guess_kind(item: &RawItem, body: &str) -> &'static str {
    if item.label == Some(LabelKind::Recommendation) {
        return "recommendation";
    }
    if guess::is_praise(body) {
        return "good_practice";
    }
    match item.label {
        Some(LabelKind::Lesson) => return "lesson",
        Some(LabelKind::GoodPractice) => return "good_practice",
        _ => {}
    }
    match item.section {
        SectionKind::Recommendations => "recommendation",
        SectionKind::Lessons => "lesson",
        SectionKind::GoodPractice => "good_practice",
        SectionKind::Mixed => {
            if REC_LANGUAGE.is_match(body) {
                "recommendation"
            } else {
                "lesson"
            }
        }
    }
}

/// Splits the text into headings, items and plain paragraphs.
fn units(text: &str) -> Vec<Unit> {
    let mut units = Vec::new();
    for paragraph in paragraphs(text) {
        let lines: Vec<&str> = paragraph
            .iter()
            .map(|line| line.trim())
            .filter(|line| !line.is_empty() && !PAGE_LINE.is_match(line))
            .collect();
        if table::is_table(&lines) {
            for row in table::rows(&lines) {
                units.push(Unit::Item {
                    style: Style::Numeric(1),
                    label: row.label,
                    text: row.text,
                    cell: row.agency,
                });
            }
            continue;
        }
        // Whether the last unit pushed belongs to this paragraph and may take more lines.
        let mut open = false;
        for (i, line) in lines.iter().enumerate() {
            let next = lines.get(i + 1).copied();
            if let Some(heading) = heading(line, i == 0, next) {
                units.push(Unit::Heading(heading));
                open = false;
            } else if let Some((style, label, rest)) = marker(line) {
                units.push(Unit::Item {
                    style,
                    label,
                    text: rest.to_string(),
                    cell: None,
                });
                open = true;
            } else if open {
                if let Some(Unit::Item { text, .. } | Unit::Plain { text }) = units.last_mut() {
                    push_words(text, line);
                }
            } else {
                units.push(Unit::Plain {
                    text: line.to_string(),
                });
                open = true;
            }
        }
    }
    units
}

/// Paragraphs as lists of lines.
fn paragraphs(text: &str) -> Vec<Vec<&str>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn push_words(text: &mut String, more: &str) {
    if text.ends_with('-') && !text.ends_with(" -") && more.starts_with(char::is_lowercase) {
        // A word hyphenated at the end of a line.
        text.pop();
        text.push_str(more);
        return;
    }
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(more);
}

/// The item marker at the start of `line`, with the text after it.
fn marker(line: &str) -> Option<(Style, Option<LabelKind>, &str)> {
    if let Some(caps) = LABEL_MARKER.captures(line) {
        // The second form: "R1 The Board ..." with no punctuation after the number.
        let bare = caps.get(1).is_none();
        let word = caps
            .get(1)
            .or_else(|| caps.get(3))
            .map_or("", |m| m.as_str())
            .to_lowercase();
        let numbered = caps.get(2).is_some() || caps.get(4).is_some();
        let whole = caps.get(0).map_or("", |m| m.as_str());
        let rest = &line[whole.len()..];
        // "Learning from this review ..." is a sentence, not a label: a label needs a
        // number or a colon/dash, and a short word such as "R" needs a number.
        let punctuated = whole.trim_end().ends_with([':', '-', '–', '—', '.', ')']);
        let short_word = matches!(word.as_str(), "r" | "rec" | "rec.");
        let accept = if numbered {
            !bare || rest.starts_with(char::is_uppercase)
        } else {
            punctuated && !short_word && !rest.is_empty()
        };
        if accept {
            let kind = if word.starts_with('r') {
                LabelKind::Recommendation
            } else if word.contains("good practice") {
                LabelKind::GoodPractice
            } else {
                LabelKind::Lesson
            };
            return Some((Style::Label, Some(kind), rest.trim_start()));
        }
    }
    if let Some(caps) = NUMERIC_MARKER.captures(line) {
        let whole = caps.get(0).map_or("", |m| m.as_str());
        let number = caps.get(1).map_or("", |m| m.as_str());
        let punct = caps.get(2).is_some();
        let rest = &line[whole.len()..];
        let depth = number.split('.').count();
        // "12 occasions" inside a sentence: a bare number needs a capital after it.
        let bare_ok = depth > 1 || rest.starts_with(|c: char| c.is_uppercase() || c == '"');
        if (punct || bare_ok) && !rest.starts_with(['%', '/']) {
            return Some((Style::Numeric(depth), None, rest));
        }
    }
    if let Some(caps) = LETTER_MARKER.captures(line) {
        let whole = caps.get(0).map_or("", |m| m.as_str());
        let mark = caps
            .get(1)
            .or_else(|| caps.get(2))
            .map_or("", |m| m.as_str());
        let rest = &line[whole.len()..];
        // "A. Smith" or "I. " at the start of a sentence are rare; an initial followed
        // by a capitalised surname alone is not an item.
        if rest.split_whitespace().count() >= 2 || rest.is_empty() {
            let style = if mark.len() > 1 || matches!(mark, "i" | "v" | "x" | "I" | "V" | "X") {
                if mark.len() == 1 && matches!(mark, "v" | "x" | "V" | "X") {
                    Style::Letter
                } else {
                    Style::Roman
                }
            } else {
                Style::Letter
            };
            return Some((style, None, rest));
        }
    }
    if let Some(m) = BULLET_MARKER.find(line) {
        let matched = m.as_str();
        // "o Text": keep the capital letter that the pattern consumed.
        let skip = if matched.starts_with('o') {
            matched.len() - 1
        } else {
            matched.len()
        };
        return Some((Style::Bullet, None, line[skip..].trim_start()));
    }
    None
}

/// Whether `line` is a heading, and of what.
fn heading(line: &str, first_in_paragraph: bool, next: Option<&str>) -> Option<Heading> {
    if line.chars().count() > 120 || BULLET_MARKER.is_match(line) {
        return None;
    }
    if first_in_paragraph && APPENDIX.is_match(line) && line.split_whitespace().count() <= 10 {
        return Some(Heading::Other);
    }
    let numbered = HEADING_NUMBER.find(line);
    let rest = numbered.map_or(line, |m| &line[m.end()..]).trim();
    if LABEL_MARKER.is_match(rest) && rest.contains(|c: char| c.is_ascii_digit()) {
        // "Recommendation 2" on its own line opens an item.
        return None;
    }
    // A contents line: "3 Recommendations ........ 14".
    let rest = if numbered.is_some() || rest.contains("..") {
        TRAILING_PAGE.replace(rest, "")
    } else {
        std::borrow::Cow::Borrowed(rest)
    };
    let rest = rest.trim().trim_end_matches(':').trim();
    if rest.is_empty() || !rest.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    if rest.ends_with(['.', ',', ';', '?', '!']) && rest.split_whitespace().count() > 3 {
        return None;
    }
    let full_stop = rest.ends_with('.');
    let rest = rest.trim_end_matches(['.', ',', ';']);
    let words = rest.split_whitespace().count();
    let lower = rest.to_lowercase();
    if words <= 10 {
        if let Some(caps) = SECTION_TITLE.captures(&lower) {
            let title = caps.get(1).map_or("", |m| m.as_str());
            let tail = caps.get(2).map_or("", |m| m.as_str());
            if title == "conclusion" && tail.trim().is_empty() {
                // "Conclusion" (one) closes the summary in prose; "Conclusions" list them.
                return Some(Heading::Other);
            }
            if tail.split_whitespace().count() <= 7 && !NOT_SECTION_TAIL.is_match(tail) {
                return Some(Heading::Section(
                    section_kind(&lower),
                    context_of(&lower, rest),
                ));
            }
        }
    }
    // Other headings: short, capitalised, standing alone at the start of a paragraph.
    if !first_in_paragraph || words > 8 || full_stop {
        return None;
    }
    if let Some(next) = next {
        // A wrapped sentence goes on in lower case.
        if next.starts_with(char::is_lowercase) {
            return None;
        }
    }
    let known = KNOWN_HEADING.is_match(rest);
    if !(known || title_case(rest)) {
        return None;
    }
    if numbered.is_some() && !known && words > 5 {
        return None;
    }
    if !known {
        let context = context_of(&lower, rest);
        if context.agency.is_some() || context.inter_agency || !guess::themes_in(rest).is_empty() {
            return Some(Heading::Sub(context));
        }
    }
    Some(Heading::Other)
}

fn section_kind(lower: &str) -> SectionKind {
    let rec = lower.contains("recommend");
    let lesson = ["lesson", "learn", "finding", "conclusion"]
        .iter()
        .any(|w| lower.contains(w));
    let good = lower.contains("good practice")
        || lower.contains("worked well")
        || lower.contains("notable practice");
    match (rec, lesson, good) {
        (true, true, _) => SectionKind::Mixed,
        (true, false, _) => SectionKind::Recommendations,
        (false, false, true) => SectionKind::GoodPractice,
        _ => SectionKind::Lessons,
    }
}

fn context_of(lower: &str, original: &str) -> Context {
    let agencies = guess::agencies_in(original);
    let inter = lower.contains("multi-agency")
        || lower.contains("multi agency")
        || lower.contains("inter-agency")
        || lower.contains("partnership")
        || guess::names_inter_agency(original);
    let single: Vec<_> = agencies
        .iter()
        .map(|(a, _)| *a)
        .filter(|a| *a != "lscb")
        .collect();
    Context {
        agency: if single.len() == 1 && !inter {
            Some(single[0])
        } else {
            None
        },
        inter_agency: inter || single.len() > 1,
    }
}

/// Most words capitalised (small words aside), or all capitals.
fn title_case(text: &str) -> bool {
    const SMALL: &[&str] = &[
        "a", "an", "and", "the", "of", "for", "in", "on", "to", "with", "by", "at", "from", "or",
        "&",
    ];
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return false;
    }
    let significant: Vec<&&str> = words
        .iter()
        .filter(|w| !SMALL.contains(&w.to_lowercase().as_str()))
        .collect();
    if significant.is_empty() {
        return false;
    }
    let capitalised = significant
        .iter()
        .filter(|w| w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()))
        .count();
    words.len() <= 2 || capitalised == significant.len()
}

/// Walks the units and collects the items of findings sections.
fn collect_items(units: &[Unit]) -> Vec<RawItem> {
    let mut items: Vec<RawItem> = Vec::new();
    let mut section: Option<(SectionKind, Context)> = None;
    // Index in `items` where the current section's items start, and whether any of them
    // is marked.
    let mut section_start = 0;
    let mut marked = false;
    for unit in units {
        match unit {
            Unit::Heading(Heading::Section(kind, context)) => {
                close(&mut items, section_start, marked);
                section_start = items.len();
                marked = false;
                section = Some((*kind, context.clone()));
            }
            Unit::Heading(Heading::Sub(context)) => {
                if let Some((_, current)) = section.as_mut() {
                    *current = context.clone();
                    // The items before it are complete.
                    if let Some(last) = items.last_mut() {
                        last.awaiting_body = false;
                    }
                    items.push(RawItem {
                        style: Style::Bullet,
                        label: None,
                        text: String::new(),
                        section: SectionKind::Lessons,
                        context: Context::default(),
                        unmarked: true,
                        awaiting_body: false,
                        cell: None,
                    });
                    // A placeholder that stops continuation into the previous item; it is
                    // dropped later for having no words.
                }
            }
            Unit::Heading(Heading::Other) => {
                close(&mut items, section_start, marked);
                section_start = items.len();
                marked = false;
                section = None;
            }
            Unit::Item {
                style,
                label,
                text,
                cell,
            } => {
                let (kind, context) = match (&section, label) {
                    (Some((kind, context)), _) => (*kind, context.clone()),
                    // A labelled item counts outside a findings section too.
                    (None, Some(LabelKind::Recommendation)) => {
                        (SectionKind::Recommendations, Context::default())
                    }
                    (None, Some(LabelKind::GoodPractice)) => {
                        (SectionKind::GoodPractice, Context::default())
                    }
                    (None, Some(LabelKind::Lesson)) => (SectionKind::Lessons, Context::default()),
                    (None, None) => continue,
                };
                marked = true;
                items.push(RawItem {
                    style: *style,
                    label: *label,
                    text: text.clone(),
                    section: kind,
                    context,
                    unmarked: false,
                    awaiting_body: text.trim().is_empty(),
                    cell: *cell,
                });
            }
            Unit::Plain { text } => {
                let in_section = section.is_some();
                if let Some(last) = items.last_mut() {
                    let last_open = in_section || last.awaiting_body || last.label.is_some();
                    if last_open && continues(last, text) {
                        push_words(&mut last.text, text);
                        last.awaiting_body = false;
                        continue;
                    }
                }
                let Some((kind, context)) = &section else {
                    continue;
                };
                if text.trim_end().ends_with(':') || META.is_match(text) {
                    // "The review makes the following recommendations:"
                    items.push(RawItem {
                        style: Style::Bullet,
                        label: None,
                        text: String::new(),
                        section: *kind,
                        context: context.clone(),
                        unmarked: true,
                        awaiting_body: false,
                        cell: None,
                    });
                    continue;
                }
                items.push(RawItem {
                    style: Style::Bullet,
                    label: None,
                    text: text.clone(),
                    section: *kind,
                    context: context.clone(),
                    unmarked: true,
                    awaiting_body: false,
                    cell: None,
                });
            }
        }
    }
    close(&mut items, section_start, marked);
    items
}

/// Ends a section: in a section with numbered or bulleted items, its plain paragraphs
/// are prose around the items, not items.
fn close(items: &mut Vec<RawItem>, start: usize, marked: bool) {
    if marked {
        let mut index = 0;
        items.retain(|item| {
            index += 1;
            index <= start || !item.unmarked
        });
    }
}

/// Whether a plain paragraph carries on the item before it (a page break in the middle of
/// a sentence, or the body of a label on its own line).
fn continues(last: &RawItem, text: &str) -> bool {
    if last.awaiting_body {
        return true;
    }
    let previous = last.text.trim_end();
    if previous.is_empty() {
        return false;
    }
    let starts_lower = text.starts_with(|c: char| !c.is_uppercase() && c != '"' && c != '“');
    if starts_lower {
        return !previous.ends_with(['.', '!', '?']) || text.starts_with(char::is_lowercase);
    }
    INCOMPLETE_END.is_match(previous)
}

/// Folds sub-items into a parent that ends with ':' ("The Board should ensure that:"
/// followed by (a), (b), ...), and drops introductory items ("... the following:").
fn merge_sub_items(items: Vec<RawItem>) -> Vec<RawItem> {
    let mut out: Vec<RawItem> = Vec::new();
    // Index in `out` of an open parent, with its style.
    let mut parent: Option<(usize, Style)> = None;
    for item in items {
        if item.text.trim().is_empty() {
            parent = None;
            continue;
        }
        if let Some((index, style)) = parent {
            if item.style != style && !item.unmarked {
                if let Some(target) = out.get_mut(index) {
                    push_words(&mut target.text, item.text.trim());
                    continue;
                }
            }
            parent = None;
        }
        let opens = item.text.trim_end().ends_with(':');
        if opens && META.is_match(&item.text) {
            // An introduction in the shape of an item: its sub-items stand alone.
            continue;
        }
        out.push(item);
        if opens {
            if let Some(last) = out.last() {
                parent = Some((out.len() - 1, last.style));
            }
        }
    }
    out
}

fn normalise_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => text[..at].to_string(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compile() {
        for pattern in [
            &*LABEL_MARKER,
            &*NUMERIC_MARKER,
            &*LETTER_MARKER,
            &*BULLET_MARKER,
            &*PAGE_LINE,
            &*HEADING_NUMBER,
            &*SECTION_TITLE,
            &*NOT_SECTION_TAIL,
            &*TRAILING_PAGE,
            &*APPENDIX,
            &*KNOWN_HEADING,
            &*META,
            &*INCOMPLETE_END,
            &*REC_LANGUAGE,
        ] {
            assert_ne!(pattern.as_str(), never().as_str());
        }
    }

    #[test]
    fn markers() {
        let m = |s: &str| marker(s).map(|(style, label, rest)| (style, label, rest.to_string()));
        assert_eq!(
            m("5.1 The Board should"),
            Some((Style::Numeric(2), None, "The Board should".into()))
        );
        assert_eq!(
            m("(a) the police"),
            Some((Style::Letter, None, "the police".into()))
        );
        assert_eq!(
            m("ii. the police"),
            Some((Style::Roman, None, "the police".into()))
        );
        assert_eq!(
            m("Recommendation 3: The LSCB"),
            Some((
                Style::Label,
                Some(LabelKind::Recommendation),
                "The LSCB".into()
            ))
        );
        assert_eq!(
            m("• Agencies"),
            Some((Style::Bullet, None, "Agencies".into()))
        );
        assert_eq!(m("12 occasions"), None);
        assert_eq!(m("Learning from this review"), None);
    }
}
