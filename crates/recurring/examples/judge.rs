//! `judge`: scores the default grouping on a dump of the judged set written by
//! `recurring_quality --dump FILE` (pairwise precision / recall / F1 over pairs of
//! findings from different reviews, on the tuning half, the other half and all), without
//! building the service. With `--wrong HALF` (tuning, other or all) it prints the wrong
//! merges and the split judged groups of that half, with each finding's known point;
//! `--edge X` and `--link Y` set the word pass's thresholds, `--sentences N` how many
//! first sentences a known point is read from.
//!
//! ```text
//! cargo run --release -p lessons-recurring --example judge -- /tmp/judged-dump.json [--wrong tuning] [--edge 0.35 --link 0.30]
//! ```

use std::collections::{HashMap, HashSet};

use lessons_recurring::{
    practice_point, regroup_corpus, Analysis, Corpus, FindingInput, Grouping, Params,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct Dump {
    findings: Vec<FindingInput>,
    groups: Vec<Vec<String>>,
    tuning: Vec<String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).ok_or("usage: judge DUMP.json [--wrong HALF]")?;
    let wrong = args
        .iter()
        .position(|a| a == "--wrong")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let dump: Dump = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let findings = &dump.findings;
    let index: HashMap<&str, usize> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| (f.finding_id.as_str(), i))
        .collect();
    let mut gold: Vec<Option<usize>> = vec![None; findings.len()];
    for (g, members) in dump.groups.iter().enumerate() {
        for m in members {
            if let Some(&i) = index.get(m.as_str()) {
                gold[i] = Some(g);
            }
        }
    }
    let number = |flag: &str| -> Option<f32> {
        let i = args.iter().position(|a| a == flag)?;
        args.get(i + 1)?.parse().ok()
    };
    let defaults = Params::default();
    let params = Params {
        edge: number("--edge").unwrap_or(defaults.edge),
        link: number("--link").unwrap_or(defaults.link),
        ..defaults
    };
    let analysis = Analysis {
        point_sentences: number("--sentences")
            .map_or(Analysis::default().point_sentences, |n| n as usize),
        ..Analysis::default()
    };
    let corpus = Corpus::with_analysis(findings, analysis);
    let grouping = regroup_corpus(&corpus, &Grouping::default(), &params);
    let mut pred: Vec<Option<usize>> = vec![None; findings.len()];
    for (g, group) in grouping.groups.iter().enumerate() {
        for m in &group.members {
            if let Some(&i) = index.get(m.as_str()) {
                pred[i] = Some(g);
            }
        }
    }
    let tuning: HashSet<&str> = dump.tuning.iter().map(String::as_str).collect();
    let half = |name: &str, i: usize| match name {
        "tuning" => tuning.contains(findings[i].review_id.as_str()),
        "other" => !tuning.contains(findings[i].review_id.as_str()),
        _ => true,
    };
    let same = |l: &[Option<usize>], a: usize, b: usize| l[a].is_some() && l[a] == l[b];
    for name in ["tuning", "other", "all"] {
        let inside: Vec<usize> = (0..findings.len()).filter(|&i| half(name, i)).collect();
        let (mut both, mut p, mut g) = (0usize, 0usize, 0usize);
        for (k, &a) in inside.iter().enumerate() {
            for &b in &inside[k + 1..] {
                if findings[a].review_id == findings[b].review_id {
                    continue;
                }
                let (x, y) = (same(&pred, a, b), same(&gold, a, b));
                both += (x && y) as usize;
                p += x as usize;
                g += y as usize;
            }
        }
        let precision = if p == 0 { 1.0 } else { both as f64 / p as f64 };
        let recall = if g == 0 { 1.0 } else { both as f64 / g as f64 };
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        println!(
            "{name:>6}: P {precision:.3} R {recall:.3} F1 {f1:.3} (pairs predicted {p}, judged {g}, both {both})"
        );
    }
    let Some(name) = wrong else {
        return Ok(());
    };
    let line = |i: usize| {
        let text: String = findings[i].text.chars().take(160).collect();
        format!(
            "{} [judged {} pred {} point {:?} {}] {text}",
            findings[i].finding_id,
            gold[i].map_or("-".into(), |g| g.to_string()),
            pred[i].map_or("-".into(), |g| g.to_string()),
            practice_point(&findings[i].text),
            findings[i].kind
        )
    };
    let mut by_pred: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in (0..findings.len()).filter(|&i| half(&name, i)) {
        if let Some(p) = pred[i] {
            by_pred.entry(p).or_default().push(i);
        }
    }
    let mut mixed: Vec<(usize, usize)> = Vec::new();
    for (&p, members) in &by_pred {
        let mut wrong = 0;
        for (k, &a) in members.iter().enumerate() {
            for &b in &members[k + 1..] {
                if findings[a].review_id != findings[b].review_id && !same(&gold, a, b) {
                    wrong += 1;
                }
            }
        }
        if wrong > 0 {
            mixed.push((wrong, p));
        }
    }
    mixed.sort_by(|a, b| b.cmp(a));
    for (wrong, p) in mixed {
        println!("\npredicted group {p}: {wrong} wrong pairs");
        for &m in &by_pred[&p] {
            println!("    {}", line(m));
        }
    }
    for (g, members) in dump.groups.iter().enumerate() {
        let inside: Vec<usize> = members
            .iter()
            .filter_map(|m| index.get(m.as_str()).copied())
            .filter(|&i| half(&name, i))
            .collect();
        let mut split = 0;
        for (k, &a) in inside.iter().enumerate() {
            for &b in &inside[k + 1..] {
                if findings[a].review_id != findings[b].review_id && !same(&pred, a, b) {
                    split += 1;
                }
            }
        }
        if split > 0 {
            println!("\njudged group {g}: {split} pairs split");
            for &m in &inside {
                println!("    {}", line(m));
            }
        }
    }
    Ok(())
}
