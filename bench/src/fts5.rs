//! The peer of the side-by-side benchmark: the same corpus in SQLite FTS5 (rusqlite with
//! bundled SQLite, the porter tokenizer), with equivalent fields. Reviews and findings
//! are two FTS5 tables, each beside a plain table of filter columns and a table of facet
//! values (one row per document, facet and value). A search does what ours does: the top
//! 20 by bm25 with `snippet()`, the total, and `GROUP BY` counts of every facet over the
//! whole match set. Built only with the `fts5` feature.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use lessons_model::{Board, Review};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, Transaction};

use crate::corpus::{disk_bytes, for_each_review, read_boards};
use crate::queries::{ComparedQuery, Target};

const SCHEMA: &str = "
    CREATE TABLE reviews(id INTEGER PRIMARY KEY, review_id TEXT NOT NULL, title TEXT NOT NULL,
                         year INTEGER, public_from TEXT NOT NULL);
    CREATE VIRTUAL TABLE reviews_fts USING fts5(title, keywords, summary, findings,
                                                tokenize = 'porter unicode61');
    CREATE TABLE reviews_facets(doc INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL);
    CREATE TABLE lessons(id INTEGER PRIMARY KEY, lesson_id TEXT NOT NULL, title TEXT NOT NULL,
                         year INTEGER, public_from TEXT NOT NULL);
    CREATE VIRTUAL TABLE lessons_fts USING fts5(text, tokenize = 'porter unicode61');
    CREATE TABLE lessons_facets(doc INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL);
";

/// Indexes and merges made once the rows are in, as a bulk load would.
const FINISH: &str = "
    CREATE INDEX reviews_facets_by_doc ON reviews_facets(doc, facet, value);
    CREATE INDEX reviews_facets_by_value ON reviews_facets(facet, value, doc);
    CREATE INDEX lessons_facets_by_doc ON lessons_facets(doc, facet, value);
    CREATE INDEX lessons_facets_by_value ON lessons_facets(facet, value, doc);
    INSERT INTO reviews_fts(reviews_fts) VALUES('optimize');
    INSERT INTO lessons_fts(lessons_fts) VALUES('optimize');
    ANALYZE;
";

/// What loading the corpus took.
#[derive(Debug, Clone, Copy)]
pub struct LoadReport {
    pub reviews: u64,
    pub json_bytes: u64,
    pub seconds: f64,
    pub disk_bytes: u64,
}

/// One answer: the total, the page of hits (id and snippet), and how many facet values
/// were counted.
#[derive(Debug, Clone)]
pub struct Answer {
    pub total: u64,
    pub hits: Vec<(String, String)>,
    pub facet_values: usize,
}

/// A loaded FTS5 database.
pub struct Fts5 {
    connection: Connection,
}

impl Fts5 {
    /// Loads the corpus folder into a new database file at `path`, in one transaction.
    pub fn load(corpus_dir: &Path, path: &Path) -> Result<(Fts5, LoadReport)> {
        let started = Instant::now();
        let boards = read_boards(&corpus_dir.join("boards.jsonl"))?;
        let mut connection =
            Connection::open(path).with_context(|| format!("cannot create {}", path.display()))?;
        connection.execute_batch(SCHEMA)?;
        let transaction = connection.transaction()?;
        let mut reviews = 0;
        let json_bytes = for_each_review(corpus_dir, |review, _| {
            reviews += 1;
            insert_review(&transaction, reviews, &review, &boards)
        })?;
        transaction.commit()?;
        connection.execute_batch(FINISH)?;
        let seconds = started.elapsed().as_secs_f64();
        let report = LoadReport {
            reviews: reviews as u64,
            json_bytes,
            seconds,
            disk_bytes: disk_bytes(path),
        };
        Ok((Fts5 { connection }, report))
    }

    /// Runs one query as of `today` (`YYYY-MM-DD`): embargoes not yet ended are left out,
    /// as ours does.
    pub fn search(&self, query: &ComparedQuery, today: &str) -> Result<Answer> {
        let table = match query.target {
            Target::Reviews => "reviews",
            Target::Lessons => "lessons",
        };
        let (filter, values) = match_filter(table, query, today);
        let mut page = self.connection.prepare_cached(&format!(
            "SELECT d.title, snippet({table}_fts, -1, '<mark>', '</mark>', '…', 24)
             FROM {table}_fts JOIN {table} d ON d.id = {table}_fts.rowid
             WHERE {filter} ORDER BY rank LIMIT 20"
        ))?;
        let hits = page
            .query_map(params_from_iter(values.iter()), |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut count = self.connection.prepare_cached(&format!(
            "SELECT count(*) FROM {table}_fts JOIN {table} d ON d.id = {table}_fts.rowid
             WHERE {filter}"
        ))?;
        let total: i64 = count.query_row(params_from_iter(values.iter()), |row| row.get(0))?;
        let mut facets = self.connection.prepare_cached(&format!(
            "SELECT f.facet, f.value, count(*) FROM {table}_facets f
             WHERE f.doc IN (SELECT {table}_fts.rowid FROM {table}_fts
                             JOIN {table} d ON d.id = {table}_fts.rowid WHERE {filter})
             GROUP BY f.facet, f.value"
        ))?;
        let facet_values = facets
            .query_map(params_from_iter(values.iter()), |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                ))
            })?
            .count();
        Ok(Answer {
            total: u64::try_from(total).unwrap_or(0),
            hits,
            facet_values,
        })
    }
}

/// The WHERE clause of a query over `table` and its parameters.
fn match_filter(table: &str, query: &ComparedQuery, today: &str) -> (String, Vec<Value>) {
    let mut filter = format!("{table}_fts MATCH ?1 AND d.public_from <= ?2");
    let mut values = vec![
        Value::Text(query.fts_match.to_string()),
        Value::Text(today.to_string()),
    ];
    if let Some((from, to)) = query.years {
        filter.push_str(" AND d.year BETWEEN ?3 AND ?4");
        values.push(Value::Integer(from.into()));
        values.push(Value::Integer(to.into()));
    }
    if let Some(theme) = query.theme {
        filter.push_str(&format!(
            " AND d.id IN (SELECT doc FROM {table}_facets WHERE facet = 'theme' AND value = ?{})",
            values.len() + 1
        ));
        values.push(Value::Text(theme.to_string()));
    }
    (filter, values)
}

/// Inserts one review (row id `number`) and its findings, with their facet values.
fn insert_review(
    transaction: &Transaction,
    number: usize,
    review: &Review,
    boards: &[Board],
) -> Result<()> {
    let review_id = format!("scr-{number:06}");
    let year: Option<i64> = review
        .published_on
        .as_deref()
        .and_then(|date| date.get(..4))
        .and_then(|year| year.parse().ok());
    let public_from = review.embargo_until.clone().unwrap_or_default();
    let findings: Vec<&str> = review.lessons.iter().map(|l| l.text.as_str()).collect();
    let mut insert = transaction.prepare_cached(
        "INSERT INTO reviews(id, review_id, title, year, public_from) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    insert.execute(params![number, review_id, review.title, year, public_from])?;
    let mut text = transaction.prepare_cached(
        "INSERT INTO reviews_fts(rowid, title, keywords, summary, findings) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    text.execute(params![
        number,
        review.title,
        review.keywords.join("; "),
        review.summary,
        findings.join("\n")
    ])?;
    let shared = shared_facets(review, boards, year);
    let mut review_facets = shared.clone();
    review_facets.extend(review.themes.iter().map(|t| ("theme", t.clone())));
    review_facets.extend(review.agencies.iter().map(|a| ("agency", a.clone())));
    review_facets.extend(review.lessons.iter().map(|l| ("level", l.level.clone())));
    review_facets.extend(review.lessons.iter().map(|l| ("kind", l.kind.clone())));
    insert_facets(transaction, "reviews", number as i64, review_facets)?;

    for (n, lesson) in review.lessons.iter().enumerate() {
        let row = (number * 100 + n) as i64;
        let mut insert = transaction.prepare_cached(
            "INSERT INTO lessons(id, lesson_id, title, year, public_from) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        insert.execute(params![
            row,
            format!("{review_id}#L{}", n + 1),
            review.title,
            year,
            public_from
        ])?;
        let mut text =
            transaction.prepare_cached("INSERT INTO lessons_fts(rowid, text) VALUES (?1, ?2)")?;
        text.execute(params![row, lesson.text])?;
        let mut facets = shared.clone();
        facets.extend(lesson.themes.iter().map(|t| ("theme", t.clone())));
        facets.extend(lesson.agency.iter().map(|a| ("agency", a.clone())));
        facets.insert(("level", lesson.level.clone()));
        facets.insert(("kind", lesson.kind.clone()));
        insert_facets(transaction, "lessons", row, facets)?;
    }
    Ok(())
}

/// The facet values a review and each of its findings share.
fn shared_facets(
    review: &Review,
    boards: &[Board],
    year: Option<i64>,
) -> BTreeSet<(&'static str, String)> {
    let region = boards
        .iter()
        .find(|b| b.slug == review.board)
        .map(|b| b.region.clone())
        .unwrap_or_default();
    let mut facets = BTreeSet::from([
        ("region", region),
        ("board", review.board.clone()),
        ("incident", review.incident.clone()),
        ("review_type", review.review_type.clone()),
        ("timeliness", review.timeliness_slug().to_string()),
        (
            "year",
            year.map(|y| y.to_string())
                .unwrap_or_else(|| "not_recorded".into()),
        ),
    ]);
    facets.extend(review.abuse.iter().map(|a| ("abuse", a.clone())));
    facets.extend(
        review
            .all_children()
            .into_iter()
            .map(|c| ("age_band", c.age_band.clone())),
    );
    facets
}

fn insert_facets(
    transaction: &Transaction,
    table: &str,
    doc: i64,
    facets: BTreeSet<(&'static str, String)>,
) -> Result<()> {
    let mut insert = transaction.prepare_cached(&format!(
        "INSERT INTO {table}_facets(doc, facet, value) VALUES (?1, ?2, ?3)"
    ))?;
    for (facet, value) in facets {
        insert.execute(params![doc, facet, value])?;
    }
    Ok(())
}
