//! `recurring_quality`: scores the recurring-lesson grouping on the judged set
//! (`bench/recurring/judged.json`, groups found by reading the demo corpus) beside two
//! baselines, with pairwise and B-cubed precision, recall and F1.
//!
//! ```text
//! cargo run --release -p lessons-bench --bin recurring_quality [-- --grid]
//! ```
//!
//! Tuning is honest: the thresholds are chosen on the reviews at even positions of the
//! corpus file (the tuning half); the other half is reported separately, then all.
//! `--explain --explain-half other` prints the other half's wrong merges and splits:
//! once read, that half is no longer a blind test (BENCHMARKS.md says when it was read).
//! `--dump FILE` writes the findings and judged groups for the recurring crate's
//! `judge` example, which scores the method in seconds without building the service.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Parser;
use lessons_bench::corpus;
use lessons_bench::recurring::{
    components, cosine, labels_from_groups, load_judged, score, stemmed_tfidf, theme_agency,
    Labels, Prf,
};
use lessons_recurring::{regroup_corpus, Analysis, Corpus, FindingInput, Grouping, Params};

/// Thresholds are chosen for the best F1 among those with at least this pairwise
/// precision on the tuning half (a margin above the 0.85 target: precision first).
const PRECISION_FLOOR: f64 = 0.9;

#[derive(Parser)]
#[command(about = "Score recurring-lesson detection on the judged set, beside two baselines")]
struct Args {
    /// Folder with boards.jsonl and reviews.jsonl (default: the bundled demo corpus).
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// The judged set (default: bench/recurring/judged.json).
    #[arg(long)]
    judged: Option<PathBuf>,
    /// Print every threshold pair tried on the tuning half.
    #[arg(long)]
    grid: bool,
    /// Score the tuning half only (while tuning: the other half stays unseen).
    #[arg(long)]
    tuning_only: bool,
    /// Print how well each similarity separates judged pairs from the others.
    #[arg(long)]
    diagnose: bool,
    /// Print the groups the method finds (ids and first words of their tuning-half
    /// members), for reading.
    #[arg(long)]
    show: bool,
    /// Print, for the tuning half (or `--explain-half`), how each judged group came out,
    /// each wrong merge, and the wrong pairs by predicted and by judged group.
    #[arg(long)]
    explain: bool,
    /// With --explain: the half to explain: `tuning` (default), `other` or `all`.
    /// Reading the other half's errors makes it no longer a blind held-out test: say so
    /// when reporting its figures afterwards.
    #[arg(long, default_value = "tuning")]
    explain_half: String,
    /// Write the public findings, the judged groups (as finding ids) and the tuning
    /// half's review ids to this JSON file and stop (for the crate's `judge` example,
    /// which scores the method without building the service).
    #[arg(long)]
    dump: Option<PathBuf>,
    /// With --explain: the second-pass point link to explain (default: the crate's).
    #[arg(long)]
    point_link: Option<f32>,
    /// With --explain: the smallest document frequency of a term (default: the crate's).
    #[arg(long)]
    min_df: Option<u32>,
    /// With --explain: the point weight to explain (default: the crate's).
    #[arg(long)]
    point_weight: Option<f32>,
    /// With --explain: read known points from this many first sentences (default: the
    /// crate's).
    #[arg(long)]
    point_sentences: Option<usize>,
    /// With --explain: do not group findings by their known point first.
    #[arg(long)]
    no_point_groups: bool,
    /// With --explain: the edge threshold to explain (default: the crate's).
    #[arg(long)]
    edge: Option<f32>,
    /// With --explain: the link threshold to explain (default: the crate's).
    #[arg(long)]
    link: Option<f32>,
}

struct Sets {
    tuning: HashSet<String>,
    other: HashSet<String>,
    all: HashSet<String>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let corpus_dir = args.corpus.unwrap_or_else(corpus::demo_dir);
    let judged_path = args
        .judged
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("recurring/judged.json"));
    let data = tempfile::tempdir().context("cannot make a temporary data directory")?;
    let repository = corpus::load(&corpus_dir, data.path(), |_| {})?;
    let reviews = corpus::public_reviews(&repository)?;
    let findings: Vec<FindingInput> = reviews.iter().flat_map(FindingInput::from_review).collect();
    let index: HashMap<&str, usize> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| (f.finding_id.as_str(), i))
        .collect();

    let judged = load_judged(&judged_path)?;
    let mut gold_groups = Vec::new();
    let mut unknown = Vec::new();
    for group in &judged.groups {
        let mut members = Vec::new();
        for id in &group.findings {
            match index.get(id.as_str()) {
                Some(&i) => members.push(i),
                None => unknown.push(id.clone()),
            }
        }
        gold_groups.push(members);
    }
    if !unknown.is_empty() {
        bail!(
            "{} judged finding ids are not public findings of the corpus: {}",
            unknown.len(),
            unknown.join(", ")
        );
    }
    let gold = labels_from_groups(findings.len(), &gold_groups);

    // Halves by the review's line in the corpus file (titles identify the line).
    let text = std::fs::read_to_string(corpus_dir.join("reviews.jsonl"))?;
    let line_of: HashMap<String, usize> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .filter_map(|(i, l)| {
            let value: serde_json::Value = serde_json::from_str(l).ok()?;
            Some((value.get("title")?.as_str()?.to_string(), i))
        })
        .collect();
    let mut sets = Sets {
        tuning: HashSet::new(),
        other: HashSet::new(),
        all: HashSet::new(),
    };
    for review in &reviews {
        let line = line_of.get(&review.title).copied().unwrap_or(0);
        if line % 2 == 0 {
            sets.tuning.insert(review.id.clone());
        } else {
            sets.other.insert(review.id.clone());
        }
        sets.all.insert(review.id.clone());
    }
    println!(
        "Judged set: {} groups over {} findings ({}); corpus: {} public reviews, {} findings ({})",
        judged.groups.len(),
        gold_groups.iter().map(Vec::len).sum::<usize>(),
        judged_path.display(),
        reviews.len(),
        findings.len(),
        corpus_dir.display()
    );
    println!(
        "Halves: tuning = reviews at even lines of reviews.jsonl ({} reviews), other = odd lines ({} reviews)\n",
        sets.tuning.len(),
        sets.other.len()
    );

    if let Some(path) = &args.dump {
        let mut tuning: Vec<&String> = sets.tuning.iter().collect();
        tuning.sort();
        let groups: Vec<&Vec<String>> = judged.groups.iter().map(|g| &g.findings).collect();
        let dump = serde_json::json!({ "findings": findings, "groups": groups, "tuning": tuning });
        std::fs::write(path, serde_json::to_string(&dump)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("wrote {}", path.display());
        return Ok(());
    }

    // The method: thresholds tuned on the tuning half.
    let prepared = {
        let d = Analysis::default();
        Corpus::with_analysis(
            &findings,
            Analysis {
                point_link: args.point_link.unwrap_or(d.point_link),
                min_df: args.min_df.unwrap_or(d.min_df),
                point_weight: args.point_weight.unwrap_or(d.point_weight),
                point_sentences: args.point_sentences.unwrap_or(d.point_sentences),
                point_groups: d.point_groups && !args.no_point_groups,
                ..d
            },
        )
    };
    // Analysis options tried (bigrams and other point weights were tried before and
    // did worse on the tuning half; see BENCHMARKS.md).
    let mut analyses: Vec<Analysis> = Vec::new();
    for (point_groups, point_sentences) in [(false, 1), (true, 1), (true, 2), (true, 99)] {
        for point_weight in [0.0, 0.5] {
            for lexical_floor in [0.0, 0.15] {
                analyses.push(Analysis {
                    point_groups,
                    point_sentences,
                    point_weight,
                    lexical_floor,
                    ..Analysis::default()
                });
            }
        }
    }
    let corpora: Vec<Corpus> = analyses
        .iter()
        .map(|a| Corpus::with_analysis(&findings, *a))
        .collect();
    let run_on = |corpus: &Corpus, params: &Params| -> Labels {
        let grouping = regroup_corpus(corpus, &Grouping::default(), params);
        let groups: Vec<Vec<usize>> = grouping
            .groups
            .iter()
            .map(|g| {
                g.members
                    .iter()
                    .filter_map(|m| index.get(m.as_str()).copied())
                    .collect()
            })
            .collect();
        labels_from_groups(findings.len(), &groups)
    };
    let run = |params: &Params| run_on(&prepared, params);
    let mut best: Option<(usize, Params, Prf)> = None;
    if args.grid {
        println!("| point groups | sentences | point | lexical | edge | link | tuning P | R | F1 |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    }
    for (a, corpus) in corpora.iter().enumerate() {
        for e in 0..=10 {
            for l in 0..=10 {
                let params = Params {
                    edge: 0.10 + 0.05 * e as f32,
                    link: 0.10 + 0.05 * l as f32,
                    ..Params::default()
                };
                if params.link > params.edge {
                    continue;
                }
                let (pairwise, _) = score(&findings, &sets.tuning, &gold, &run_on(corpus, &params));
                if args.grid {
                    println!(
                        "| {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.3} | {:.3} | {:.3} |",
                        analyses[a].point_groups,
                        analyses[a].point_sentences,
                        analyses[a].point_weight,
                        analyses[a].lexical_floor,
                        params.edge,
                        params.link,
                        pairwise.precision,
                        pairwise.recall,
                        pairwise.f1
                    );
                }
                let better = match &best {
                    None => true,
                    Some((_, _, b)) => {
                        let ok = pairwise.precision >= PRECISION_FLOOR;
                        let b_ok = b.precision >= PRECISION_FLOOR;
                        (ok && !b_ok) || (ok == b_ok && (pairwise.f1 > b.f1 + 1e-9))
                    }
                };
                if better {
                    best = Some((a, params, pairwise));
                }
            }
        }
    }
    let defaults = Params::default();
    let mut rows: Vec<(String, Labels)> = vec![(
        format!(
            "method (defaults: edge {:.2}, link {:.2})",
            defaults.edge, defaults.link
        ),
        run(&defaults),
    )];
    if let Some((a, params, _)) = best {
        if params != defaults || analyses[a] != Analysis::default() {
            rows.push((
                format!(
                    "method (best on tuning half: point groups {}, sentences {}, point {:.2}, lexical {:.2}, edge {:.2}, link {:.2})",
                    analyses[a].point_groups, analyses[a].point_sentences, analyses[a].point_weight, analyses[a].lexical_floor, params.edge, params.link
                ),
                run_on(&corpora[a], &params),
            ));
        }
    }
    rows.push((
        "baseline (a) theme + agency".into(),
        theme_agency(&findings),
    ));

    // Baseline (b): the best threshold on the tuning half, and a few others.
    let vectors = stemmed_tfidf(&findings);
    let mut sims: HashMap<(usize, usize), f64> = HashMap::new();
    for a in 0..findings.len() {
        for b in a + 1..findings.len() {
            let s = cosine(&vectors[a], &vectors[b]);
            if s > 0.05 {
                sims.insert((a, b), s);
            }
        }
    }
    let tfidf = |t: f64| components(&findings, |a, b| sims.get(&(a, b)).is_some_and(|s| *s >= t));
    let mut best_t = (0.0, -1.0);
    for k in 2..=16 {
        let t = 0.05 * k as f64;
        let (pairwise, _) = score(&findings, &sets.tuning, &gold, &tfidf(t));
        if pairwise.f1 > best_t.1 {
            best_t = (t, pairwise.f1);
        }
    }
    for t in [0.3, 0.5, 0.7] {
        if (t - best_t.0).abs() > 1e-9 {
            rows.push((format!("baseline (b) TF-IDF cosine >= {t:.2}"), tfidf(t)));
        }
    }
    rows.push((
        format!(
            "baseline (b) TF-IDF cosine >= {:.2} (best on tuning half)",
            best_t.0
        ),
        tfidf(best_t.0),
    ));

    if args.diagnose {
        let mut tagged: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
        for (i, f) in findings.iter().enumerate() {
            if !sets.tuning.contains(&f.review_id) {
                continue;
            }
            if let Some(p) = lessons_recurring::practice_point(&f.text) {
                tagged.entry(p).or_default().push(i);
            }
        }
        for (point, members) in &tagged {
            let mut by_gold: HashMap<usize, usize> = HashMap::new();
            for &m in members {
                *by_gold.entry(gold[m]).or_default() += 1;
            }
            let mut counts: Vec<(usize, usize)> =
                by_gold.into_iter().map(|(g, c)| (c, g)).collect();
            counts.sort_by(|a, b| b.cmp(a));
            let top = counts[0].1;
            let top_size = (0..findings.len())
                .filter(|&i| gold[i] == top && sets.tuning.contains(&findings[i].review_id))
                .count();
            println!(
                "point {point}: {} tagged; by judged group: {:?}; largest group has {} findings",
                members.len(),
                counts.iter().map(|c| c.0).collect::<Vec<_>>(),
                top_size
            );
            if args.show {
                for &m in members {
                    let text: String = findings[m].text.chars().take(120).collect();
                    println!(
                        "    {} {} {text}",
                        if gold[m] == top { "*" } else { " " },
                        findings[m].finding_id
                    );
                }
            }
        }
        for (name, sim) in [
            (
                "concept cosine",
                &(|a: usize, b: usize| prepared.similarity(a, b) as f64)
                    as &dyn Fn(usize, usize) -> f64,
            ),
            ("stemmed cosine", &|a: usize, b: usize| {
                sims.get(&(a, b)).copied().unwrap_or(0.0)
            }),
        ] {
            let mut gold_sims = Vec::new();
            let mut other_sims = Vec::new();
            for a in 0..findings.len() {
                for b in a + 1..findings.len() {
                    if findings[a].review_id == findings[b].review_id {
                        continue;
                    }
                    // Tuning half only: the other half stays held out.
                    if !sets.tuning.contains(&findings[a].review_id)
                        || !sets.tuning.contains(&findings[b].review_id)
                    {
                        continue;
                    }
                    let same = gold[a] == gold[b];
                    if same {
                        gold_sims.push(sim(a, b))
                    } else {
                        other_sims.push(sim(a, b))
                    }
                }
            }
            println!(
                "{name}: {} judged pairs, {} others",
                gold_sims.len(),
                other_sims.len()
            );
            for t in [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5] {
                let g = gold_sims.iter().filter(|s| **s >= t).count();
                let o = other_sims.iter().filter(|s| **s >= t).count();
                println!(
                    "  >= {t:.2}: judged {g}, others {o}, precision {:.3}",
                    g as f64 / (g + o).max(1) as f64
                );
            }
        }
    }
    println!("| method | reviews | pairs P | pairs R | pairs F1 | B³ P | B³ R | B³ F1 |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for (name, labels) in &rows {
        for (set_name, set) in [
            ("tuning half", &sets.tuning),
            ("other half", &sets.other),
            ("all", &sets.all),
        ] {
            if args.tuning_only && set_name != "tuning half" {
                continue;
            }
            let (pairwise, bcubed) = score(&findings, set, &gold, labels);
            println!(
                "| {name} | {set_name} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |",
                pairwise.precision,
                pairwise.recall,
                pairwise.f1,
                bcubed.precision,
                bcubed.recall,
                bcubed.f1
            );
        }
    }
    if args.explain {
        // How each judged group came out, and each wrong merge, on the chosen half.
        let labels = run(&Params {
            edge: args.edge.unwrap_or(defaults.edge),
            link: args.link.unwrap_or(defaults.link),
            ..defaults
        });
        let half = match args.explain_half.as_str() {
            "tuning" => &sets.tuning,
            "other" => &sets.other,
            "all" => &sets.all,
            other => bail!("--explain-half must be tuning, other or all, not {other}"),
        };
        let tuning = |i: usize| half.contains(&findings[i].review_id);
        let judged_of: HashMap<usize, usize> = gold_groups
            .iter()
            .enumerate()
            .flat_map(|(g, members)| members.iter().map(move |&m| (m, g)))
            .collect();
        let line = |i: usize| {
            let text: String = findings[i].text.chars().take(150).collect();
            format!(
                "{} [judged {} pred {} point {:?} {}] {text}",
                findings[i].finding_id,
                judged_of
                    .get(&i)
                    .map_or_else(|| "-".to_string(), |g| g.to_string()),
                labels[i],
                lessons_recurring::practice_point(&findings[i].text),
                findings[i].kind
            )
        };
        for (g, members) in gold_groups.iter().enumerate() {
            let inside: Vec<usize> = members.iter().copied().filter(|&m| tuning(m)).collect();
            if inside.len() < 2 {
                continue;
            }
            println!("\njudged group {g}: {}", judged.groups[g].point);
            for &m in &inside {
                println!("    {}", line(m));
            }
        }
        let mut predicted: HashMap<usize, Vec<usize>> = HashMap::new();
        for i in (0..findings.len()).filter(|&i| tuning(i)) {
            predicted.entry(labels[i]).or_default().push(i);
        }
        for members in predicted.values() {
            let golds: HashSet<usize> = members.iter().map(|&m| gold[m]).collect();
            if members.len() > 1 && golds.len() > 1 {
                println!("\nmixed predicted group:");
                for &m in members {
                    println!("    [gold {}] {}", gold[m], line(m));
                }
            }
        }
        // Wrong pairs (findings of different reviews): merged but judged apart, by
        // predicted group; judged together but split, by judged group.
        let cross = |a: usize, b: usize| findings[a].review_id != findings[b].review_id;
        let mut false_pairs: Vec<(usize, usize, usize)> = Vec::new();
        for (&p, members) in &predicted {
            let (mut wrong, mut right) = (0, 0);
            for (k, &a) in members.iter().enumerate() {
                for &b in &members[k + 1..] {
                    if cross(a, b) {
                        if gold[a] == gold[b] {
                            right += 1;
                        } else {
                            wrong += 1;
                        }
                    }
                }
            }
            if wrong > 0 {
                false_pairs.push((wrong, right, p));
            }
        }
        false_pairs.sort_by(|a, b| b.cmp(a));
        println!("\nwrong merges (predicted group: pairs judged apart / pairs right):");
        for (wrong, right, p) in &false_pairs {
            println!("  pred {p}: {wrong} wrong / {right} right");
        }
        let mut missed: Vec<(usize, usize)> = Vec::new();
        for (g, members) in gold_groups.iter().enumerate() {
            let inside: Vec<usize> = members.iter().copied().filter(|&m| tuning(m)).collect();
            let mut split = 0;
            for (k, &a) in inside.iter().enumerate() {
                for &b in &inside[k + 1..] {
                    if cross(a, b) && labels[a] != labels[b] {
                        split += 1;
                    }
                }
            }
            if split > 0 {
                missed.push((split, g));
            }
        }
        missed.sort_by(|a, b| b.cmp(a));
        println!("\nsplit judged groups (judged group: pairs split):");
        for (split, g) in &missed {
            println!(
                "  gold {g} ({}): {split}",
                judged.groups[*g].point.chars().take(70).collect::<String>()
            );
        }
    }
    if args.show {
        // Members from the tuning half only: the other half stays held out.
        let grouping = regroup_corpus(&prepared, &Grouping::default(), &defaults);
        let tuning_findings: Vec<FindingInput> = findings
            .iter()
            .filter(|f| sets.tuning.contains(&f.review_id))
            .cloned()
            .collect();
        for group in &grouping.groups {
            println!(
                "\n{} ({} findings): {}",
                group.id,
                group.members.len(),
                lessons_recurring::label(group, &tuning_findings)
            );
            for member in &group.members {
                if let Some(&i) = index
                    .get(member.as_str())
                    .filter(|&&i| sets.tuning.contains(&findings[i].review_id))
                {
                    let text: String = findings[i].text.chars().take(110).collect();
                    let mark = if gold[i] == i && !gold_groups.iter().any(|g| g.contains(&i)) {
                        " "
                    } else {
                        "*"
                    };
                    println!("  {mark} {member} [gold {}] {text}", gold[i]);
                }
            }
        }
    }
    Ok(())
}
