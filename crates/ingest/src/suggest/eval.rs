//! Measuring [`suggest_lessons`](super::suggest_lessons) against a labelled set: each
//! document `NAME.txt`, `.html`, `.docx` or `.pdf` in a folder has `NAME.json` beside it
//! listing the items expected, `{"split": "dev"|"heldout", "items": [{"text": "...",
//! "kind": "...", "level": "...", "agency": "..."|null}]}`. A document goes through
//! [`extract`](crate::extract) first, as a deposit does. A suggestion matches an expected item when their normalised
//! texts are equal or share most of their words; kind, level and agency are then scored
//! on the matched items, and the report gives dev, held-out and overall figures.

use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

/// Token overlap (Dice coefficient of word sets) at which two item texts match.
const MATCH_THRESHOLD: f64 = 0.8;

#[derive(Debug, Deserialize)]
struct Expected {
    /// `dev` (rules may be tuned on it) or `heldout` (never looked at while tuning).
    #[serde(default = "dev")]
    split: String,
    items: Vec<ExpectedItem>,
}

fn dev() -> String {
    "dev".to_string()
}

#[derive(Debug, Deserialize)]
struct ExpectedItem {
    text: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    level: Option<String>,
    /// The agency expected (absent or null: none, as for inter-agency findings). Scored
    /// wherever the level is labelled.
    #[serde(default)]
    agency: Option<String>,
}

/// The score of one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocScore {
    pub name: String,
    /// `dev` or `heldout`.
    pub split: String,
    pub expected: usize,
    pub suggested: usize,
    pub matched: usize,
    /// Matched items whose kind (level) was labelled, and how many of those agree.
    pub kind_labelled: usize,
    pub kind_correct: usize,
    pub level_labelled: usize,
    pub level_correct: usize,
    pub agency_correct: usize,
    /// Expected items not found, and suggestions that match nothing (for the report).
    pub missed: Vec<String>,
    pub spurious: Vec<String>,
    /// Matched items with a wrong kind, level or agency: what was expected and given.
    pub wrong: Vec<String>,
}

/// Scores of every document and their totals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvalReport {
    pub documents: Vec<DocScore>,
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        1.0
    } else {
        num as f64 / den as f64
    }
}

impl DocScore {
    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.suggested)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.expected)
    }
}

impl EvalReport {
    fn total(&self, f: impl Fn(&DocScore) -> usize) -> usize {
        self.documents.iter().map(f).sum()
    }
    /// Micro-averaged precision of the item split.
    pub fn precision(&self) -> f64 {
        ratio(self.total(|d| d.matched), self.total(|d| d.suggested))
    }
    /// Micro-averaged recall of the item split.
    pub fn recall(&self) -> f64 {
        ratio(self.total(|d| d.matched), self.total(|d| d.expected))
    }
    pub fn kind_accuracy(&self) -> f64 {
        ratio(
            self.total(|d| d.kind_correct),
            self.total(|d| d.kind_labelled),
        )
    }
    pub fn level_accuracy(&self) -> f64 {
        ratio(
            self.total(|d| d.level_correct),
            self.total(|d| d.level_labelled),
        )
    }
    pub fn agency_accuracy(&self) -> f64 {
        ratio(
            self.total(|d| d.agency_correct),
            self.total(|d| d.level_labelled),
        )
    }

    /// The documents of one split (`dev` or `heldout`).
    pub fn split(&self, split: &str) -> EvalReport {
        EvalReport {
            documents: self
                .documents
                .iter()
                .filter(|d| d.split == split)
                .cloned()
                .collect(),
        }
    }

    /// One line of totals: items found, missed and spurious, and the accuracy of kind,
    /// level and agency on the items found.
    fn summary_line(&self, label: &str) -> String {
        let expected = self.total(|d| d.expected);
        let matched = self.total(|d| d.matched);
        let labelled = self.total(|d| d.level_labelled);
        format!(
            "{label:<8} {:>2} docs  found {matched}/{expected}  missed {}  spurious {}  kind {}/{} {:.3}  level {}/{labelled} {:.3}  agency {}/{labelled} {:.3}",
            self.documents.len(),
            expected - matched,
            self.total(|d| d.suggested) - matched,
            self.total(|d| d.kind_correct),
            self.total(|d| d.kind_labelled),
            self.kind_accuracy(),
            self.total(|d| d.level_correct),
            self.level_accuracy(),
            self.total(|d| d.agency_correct),
            self.agency_accuracy(),
        )
    }

    /// A table of the scores, one line per document and a total; with `verbose`, the
    /// missed and spurious items (and wrong guesses) too.
    pub fn render(&self, verbose: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<34} {:>4} {:>4} {:>4} {:>9} {:>6} {:>5} {:>6} {:>6}",
            "document", "exp", "sugg", "hit", "precision", "recall", "kind", "level", "agency"
        );
        for d in &self.documents {
            let _ = writeln!(
                out,
                "{:<34} {:>4} {:>4} {:>4} {:>9.3} {:>6.3} {:>5} {:>6} {:>6}",
                format!(
                    "{}{}",
                    d.name,
                    if d.split == "heldout" { " (H)" } else { "" }
                ),
                d.expected,
                d.suggested,
                d.matched,
                d.precision(),
                d.recall(),
                format!("{}/{}", d.kind_correct, d.kind_labelled),
                format!("{}/{}", d.level_correct, d.level_labelled),
                format!("{}/{}", d.agency_correct, d.level_labelled),
            );
            if verbose {
                for wrong in &d.wrong {
                    let _ = writeln!(out, "    wrong:    {wrong}");
                }
                for text in &d.missed {
                    let _ = writeln!(out, "    missed:   {}", short(text));
                }
                for text in &d.spurious {
                    let _ = writeln!(out, "    spurious: {}", short(text));
                }
            }
        }
        let _ = writeln!(
            out,
            "{:<34} {:>4} {:>4} {:>4} {:>9.3} {:>6.3}",
            "TOTAL",
            self.total(|d| d.expected),
            self.total(|d| d.suggested),
            self.total(|d| d.matched),
            self.precision(),
            self.recall(),
        );
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", self.split("dev").summary_line("dev"));
        let _ = writeln!(out, "{}", self.split("heldout").summary_line("held-out"));
        let _ = writeln!(out, "{}", self.summary_line("all"));
        let _ = writeln!(
            out,
            "precision {:.3}  recall {:.3}  kind accuracy {:.3}  level accuracy {:.3}  agency accuracy {:.3}  ({} documents; accuracy on the items found)",
            self.precision(),
            self.recall(),
            self.kind_accuracy(),
            self.level_accuracy(),
            self.agency_accuracy(),
            self.documents.len()
        );
        out
    }
}

fn short(text: &str) -> String {
    let mut s: String = text.chars().take(90).collect();
    if text.chars().count() > 90 {
        s.push('…');
    }
    s
}

fn tokens(text: &str) -> Vec<String> {
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words.dedup();
    words
}

/// Dice coefficient of the two texts' word sets; 1.0 for equal normalised texts.
fn similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (tokens(a), tokens(b));
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let common = a.iter().filter(|w| b.binary_search(w).is_ok()).count();
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// Scores one document's text against its expected items (as the JSON text).
fn score(name: &str, text: &str, expected_json: &str) -> Result<DocScore, String> {
    let expected: Expected =
        serde_json::from_str(expected_json).map_err(|e| format!("{name}.json: {e}"))?;
    let suggested = super::suggest_lessons(text);
    let mut score = DocScore {
        name: name.to_string(),
        split: expected.split.clone(),
        expected: expected.items.len(),
        suggested: suggested.len(),
        ..DocScore::default()
    };
    let mut taken = vec![false; expected.items.len()];
    for lesson in &suggested {
        let best = expected
            .items
            .iter()
            .enumerate()
            .filter(|(i, _)| !taken[*i])
            .map(|(i, item)| (i, similarity(&lesson.text, &item.text)))
            .filter(|(_, sim)| *sim >= MATCH_THRESHOLD)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let Some((i, _)) = best else {
            score.spurious.push(lesson.text.clone());
            continue;
        };
        taken[i] = true;
        score.matched += 1;
        let item = &expected.items[i];
        if let Some(kind) = &item.kind {
            score.kind_labelled += 1;
            score.kind_correct += usize::from(*kind == lesson.kind);
        }
        let mut right = true;
        if let Some(kind) = &item.kind {
            right &= *kind == lesson.kind;
        }
        if let Some(level) = &item.level {
            score.level_labelled += 1;
            score.level_correct += usize::from(*level == lesson.level);
            score.agency_correct += usize::from(item.agency == lesson.agency);
            right &= *level == lesson.level && item.agency == lesson.agency;
        }
        if !right {
            score.wrong.push(format!(
                "{} | expected {} {} {} | got {} {} {}",
                short(&item.text),
                item.kind.as_deref().unwrap_or("-"),
                item.level.as_deref().unwrap_or("-"),
                item.agency.as_deref().unwrap_or("-"),
                lesson.kind,
                lesson.level,
                lesson.agency.as_deref().unwrap_or("-"),
            ));
        }
    }
    for (item, taken) in expected.items.iter().zip(&taken) {
        if !taken {
            score.missed.push(item.text.clone());
        }
    }
    Ok(score)
}

/// Runs extraction and the suggestions over every `*.txt`, `*.html`, `*.docx` or `*.pdf`
/// in `dir` that has a `*.json` beside it.
pub fn evaluate_suggestions(dir: &Path) -> Result<EvalReport, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<(String, String)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let path = entry.path();
            let ext = path.extension()?.to_string_lossy().into_owned();
            let stem = path.file_stem()?.to_string_lossy().into_owned();
            matches!(ext.as_str(), "txt" | "html" | "docx" | "pdf").then_some((stem, ext))
        })
        .collect();
    files.sort();
    let mut report = EvalReport::default();
    for (name, ext) in files {
        let bytes = std::fs::read(dir.join(format!("{name}.{ext}")))
            .map_err(|e| format!("{name}.{ext}: {e}"))?;
        let text = crate::extract(&bytes, &crate::Limits::default())
            .map_err(|e| format!("{name}.{ext}: {e}"))?
            .text;
        let json = match std::fs::read_to_string(dir.join(format!("{name}.json"))) {
            Ok(json) => json,
            Err(_) => continue,
        };
        report.documents.push(score(&name, &text, &json)?);
    }
    if report.documents.is_empty() {
        return Err(format!("no labelled documents in {}", dir.display()));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_ignores_case_and_punctuation() {
        assert_eq!(similarity("The GP should, act.", "the gp should act"), 1.0);
        assert!(similarity("one two three four", "five six seven eight") < 0.1);
    }
}
