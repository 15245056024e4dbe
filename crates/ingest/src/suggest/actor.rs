//! Who acts in a finding, which decides its level and agency: the agency that is asked to
//! act or that acted ("The police should ...", "The GP did not refer ...") makes it
//! individual; professionals, agencies, the Board or several agencies together make it
//! inter-agency. The subject is the words before the first verb, once a lead-in ("The
//! panel recommends that") and an opening clause ("When the family moved, ...") are set
//! aside; a subject that only receives ("should be invited", "was not told") does not act.
//! With no agency in the subject, a passive agent ("... by the GP") or an agency that
//! begins a later clause ("... because the emergency department did not ...") acts.

use std::sync::LazyLock;

use regex::Regex;

use super::guess::agency_spans;

/// What the actor of a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// One agency (a vocabulary slug).
    One(&'static str),
    /// Several agencies, professionals in general, or the Board.
    Many,
}

fn re(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

/// "The panel recommends that", "It is recommended that", "The review found that".
static LEAD_IN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(?:the|this) (?:panel|review|reviewer|review team|author|overview author|serious case review|scr)|we|it)\s+(?:(?:is|was|also|therefore|further)\s+)*(?:recommends?|recommended|found|finds|concluded|concludes|considers?|notes?|noted|believes?|is concerned|was concerned|learned|learnt)\s+(?:that\s+)?|^that\s+",
    )
});
/// An opening subordinate clause, up to its comma.
static OPENING_CLAUSE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(
        r"(?i)^(?:when|whenever|although|though|while|whilst|after|before|because|since|as|if|despite|following|once|until|in|during|at)\b[^,;:]{0,160},\s+",
    )
});
/// Words that end a subject: modals, auxiliaries and common verbs of past practice.
static VERB: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(
        r"(?i)^(?:should|must|will|would|could|may|might|can|cannot|needs?|ought|did|does|do|didn['’]t|was|were|is|are|had|has|have|saw|knew|took|made|kept|gave|held|thought|found|met|sent|told|led|heard|felt|left|went|came|got|became|brought|began|put|ran|sought|spoke|understood|lost|wrote|used|uses|works|worked|seemed|appeared|continued|relied|remained|focused|focussed|considered|accepted|recorded|noticed|recognised|recognized|treated|closed|discharged|assessed|referred|visited|attended|acted|provided|offered|shared|responded|failed|missed|believed|assumed|agreed|decided|showed|identified|completed|received|escalated|raised|followed|asked|noted|saw)$|^[a-z]{3,}ed$",
    )
});
/// Past participles that describe rather than act ("the designated lead").
const ADJECTIVES: &[&str] = &[
    "designated",
    "named",
    "unexplained",
    "specialised",
    "qualified",
    "registered",
    "trained",
    "skilled",
    "dedicated",
    "integrated",
    "looked",
    "extended",
    "experienced",
    "related",
    "based",
    "supervised",
    "allocated",
    "commissioned",
    "unborn",
    "injured",
    "disabled",
    "missed",
    "concerned",
    "involved",
    "detailed",
    "shared",
    "joined",
    "required",
    "limited",
    "prescribed",
    "unrelated",
];
/// A subject that only receives: "should be invited", "was not told".
static RECIPIENT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(
        r"(?i)^(?:should|must|will|would|could|may|is|are|was|were|had|has|have)(?:\s+not|n['’]t)?\s+(?:always\s+|also\s+|routinely\s+|then\s+)?(?:be\s+|been\s+)?(?:invited|told|informed|notified|given|sent|copied|offered|included|consulted|made aware|asked to attend|alerted|contacted)\b",
    )
});
/// Words for agencies or professionals in general, and for nobody in particular.
static GENERAL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:professionals?|practitioners?|agencies|agency|partners|organisations|services|staff|workers|no one|no-one|nobody|none|everyone|anyone|all|each|every|panel|multi[- ]?agency|inter[- ]?agency)\b",
    )
});
/// A passive agent: "by the GP", "by any professional"; or who held what was known
/// ("was known to probation").
static BY: LazyLock<Option<Regex>> =
    LazyLock::new(|| re(r"(?i)\bby\s+|\b(?:was|were|had been|is|are)\s+known\s+to\s+"));
/// Words before an agency that make it an object, not an actor.
static PREPOSITION_BEFORE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:from|to|with|by|of|for|about|at|in|on|between|into|through|without|than|including|within|across|under|towards?|involving|alongside|like)\s+(?:(?:the|a|an|his|her|their|its|any|every|each|all|other|local|child's|family's)\s+)*$",
    )
});
/// An agency joined to one before it: "the GP and the health visitor".
static COORDINATED: LazyLock<Option<Regex>> =
    LazyLock::new(|| re(r"(?i)\b(?:and|or|nor)\s+(?:the\s+|a\s+|an\s+|their\s+)*$"));
/// People before a preposition: "staff in", "practitioners from".
static PEOPLE_BEFORE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:staff|practitioners?|professionals?|workers?|officers?|teams?|managers?|clinicians?|nurses?|doctors?|colleagues|leaders?|members?|leads?|chairs?|heads?|practice|work|response|role|actions?|decisions?|concerns?|assessments?|referrals?|records?)\s+(?:in|at|within|of|from)\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+)*$",
    )
});
/// Small words that may stand between "by" and the agency.
static DETERMINERS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    re(
        r"(?i)^(?:(?:the|a|an|his|her|their|its|any|every|each|child's|family's|local|[A-Z][a-z]+)\s+){0,3}",
    )
});

fn matches(re: &LazyLock<Option<Regex>>, text: &str) -> bool {
    re.as_ref().is_some_and(|r| r.is_match(text))
}

/// The text with a lead-in and an opening clause removed.
fn core(text: &str) -> &str {
    let mut rest = text.trim();
    for _ in 0..2 {
        let before = rest;
        for pattern in [&LEAD_IN, &OPENING_CLAUSE] {
            if let Some(m) = pattern.as_ref().and_then(|r| r.find(rest)) {
                rest = rest[m.end()..].trim_start();
            }
        }
        if rest == before {
            break;
        }
    }
    rest
}

/// Byte offset where the subject of `text` ends (the first verb after the first word),
/// or `None` when no verb is found.
fn subject_end(text: &str) -> Option<usize> {
    let mut first = true;
    for (start, word) in words(text) {
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’');
        if first {
            first = false;
            continue;
        }
        let lower = bare.to_lowercase();
        if ADJECTIVES.contains(&lower.as_str()) {
            continue;
        }
        if matches(&VERB, &lower) {
            return Some(start);
        }
    }
    None
}

/// Words of `text` with their byte offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_whitespace()
        .map(move |w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
}

/// The agencies named as actors in the subject, `text[..end]`: distinct slugs in order,
/// and whether two of them stand side by side ("the GP and the health visitor"). The
/// agencies are found in the whole text ("the practice should" names the GP practice)
/// and kept when they start in the subject and are not the object of a preposition
/// ("notifications from the police"), unless people stand before it ("staff in A&E").
fn actors_in(text: &str, end: usize) -> (Vec<&'static str>, bool) {
    let span = text;
    let spans: Vec<(&'static str, usize, usize)> = agency_spans(text)
        .into_iter()
        .filter(|(_, start, _)| *start < end)
        .filter(|(_, start, _)| {
            let before = &text[..*start];
            !matches(&PREPOSITION_BEFORE, before) || matches(&PEOPLE_BEFORE, before)
        })
        .collect();
    let mut slugs: Vec<&'static str> = Vec::new();
    for (slug, _, _) in &spans {
        if !slugs.contains(slug) {
            slugs.push(slug);
        }
    }
    let joined = spans.windows(2).any(|pair| {
        let between = &span[pair[0].2..pair[1].1];
        pair[0].0 != pair[1].0
            && (between.contains(" and ")
                || between.contains(" or ")
                || between.trim().starts_with(',')
                || between.trim().starts_with('/'))
    });
    (slugs, joined)
}

/// Who acts in a finding; `None` when the text names nobody who does.
pub fn actor(text: &str) -> Option<Actor> {
    let core = core(text);
    let end = subject_end(core).unwrap_or(core.len());
    let subject = &core[..end];
    let after = &core[end..];
    let (agencies, joined) = actors_in(core, end);
    let specific: Vec<&'static str> = agencies.iter().copied().filter(|a| *a != "lscb").collect();
    let receives = matches(&RECIPIENT, after);
    if !specific.is_empty() {
        if receives || joined && specific.len() > 1 {
            return Some(Actor::Many);
        }
        return Some(Actor::One(hospital_or_emergency(specific[0], text)));
    }
    if agencies.contains(&"lscb") || matches(&GENERAL, subject) {
        return Some(Actor::Many);
    }
    if receives {
        return Some(Actor::Many);
    }
    // No one in the subject: a passive agent, or an agency opening a later clause.
    if let Some(agent) = passive_agent(after) {
        return Some(agent);
    }
    clause_actor(after)
}

/// "by the GP" names the GP; "by any professional" names professionals in general.
fn passive_agent(text: &str) -> Option<Actor> {
    let by = BY.as_ref()?;
    for m in by.find_iter(text) {
        let rest = &text[m.end()..];
        let skip = DETERMINERS
            .as_ref()
            .and_then(|d| d.find(rest))
            .map_or(0, |d| d.end());
        let head: String = rest
            .split_whitespace()
            .take(6)
            .collect::<Vec<_>>()
            .join(" ");
        if let Some((slug, start, _)) = agency_spans(&head).first() {
            if *start <= skip + 1 {
                return Some(if *slug == "lscb" {
                    Actor::Many
                } else {
                    Actor::One(hospital_or_emergency(slug, text))
                });
            }
        }
        let next: String = rest
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        if matches(&GENERAL, &next) {
            return Some(Actor::Many);
        }
    }
    None
}

/// An agency that is followed by a verb and not preceded by a preposition: the subject
/// of a later clause ("because the emergency department did not have access").
fn clause_actor(text: &str) -> Option<Actor> {
    for (slug, start, end) in agency_spans(text) {
        if slug == "lscb" {
            continue;
        }
        let before = &text[..start];
        if matches(&PREPOSITION_BEFORE, before) || matches(&COORDINATED, before) {
            continue;
        }
        let next = text[end..]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_lowercase();
        if matches(&VERB, &next) && !ADJECTIVES.contains(&next.as_str()) {
            if matches(&RECIPIENT, text[end..].trim_start()) {
                return Some(Actor::Many);
            }
            return Some(Actor::One(hospital_or_emergency(slug, text)));
        }
    }
    None
}

/// A hospital or acute trust acts through its emergency department when the finding
/// names that department, and through its paediatricians otherwise.
fn hospital_or_emergency(slug: &'static str, text: &str) -> &'static str {
    if slug == "acute_paediatrics"
        && agency_spans(text)
            .iter()
            .any(|(s, _, _)| *s == "emergency_department")
    {
        "emergency_department"
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compile() {
        for pattern in [
            &LEAD_IN,
            &OPENING_CLAUSE,
            &VERB,
            &RECIPIENT,
            &GENERAL,
            &BY,
            &PREPOSITION_BEFORE,
            &PEOPLE_BEFORE,
            &COORDINATED,
            &DETERMINERS,
        ] {
            assert!(pattern.is_some());
        }
    }

    #[test]
    fn subjects() {
        let cases: &[(&str, Option<Actor>)] = &[
            (
                "Professionals should ask who lives in the household.",
                Some(Actor::Many),
            ),
            (
                "The acute trust should ensure that no child is discharged early.",
                Some(Actor::One("acute_paediatrics")),
            ),
            (
                "The police should share notifications with health visitors and midwives.",
                Some(Actor::One("police")),
            ),
            (
                "The panel recommends that the GP practice codes every plan.",
                Some(Actor::One("general_practice")),
            ),
            (
                "The GP and the health visitor did not meet to discuss the family.",
                Some(Actor::Many),
            ),
            (
                "The health visitor was not told that the father had moved back.",
                Some(Actor::Many),
            ),
            (
                "Missed appointments were not followed up by the GP practice.",
                Some(Actor::One("general_practice")),
            ),
            (
                "The significance of the injury was lost because the emergency department did not have the records.",
                Some(Actor::One("emergency_department")),
            ),
            ("Nobody spoke to the child on her own.", Some(Actor::Many)),
            (
                "The LSCB should seek assurance that agencies use the protocol.",
                Some(Actor::Many),
            ),
            (
                "When the family moved, the case was transferred without a meeting.",
                None,
            ),
            (
                "The practice should adopt the Board's protocol for bruising.",
                Some(Actor::One("general_practice")),
            ),
            (
                "Notifications from the police were not read at the school.",
                None,
            ),
            (
                "Staff in A&E should check the child protection information system.",
                Some(Actor::One("emergency_department")),
            ),
            (
                "The father's history was known to probation but not to the midwife.",
                Some(Actor::One("probation")),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(actor(text), *want, "{text}");
        }
    }
}
