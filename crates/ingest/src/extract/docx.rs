//! DOCX: a zip holding `word/document.xml`. Text is the `w:t` runs of each `w:p`
//! paragraph (with `w:tab` as a space and `w:br` as a line break); list paragraphs get
//! their number or bullet from `word/numbering.xml`. A table (`w:tbl`) is one block in
//! its place: a line per row, its cells separated by `" | "`. Entries are read through
//! `.take()` so a zip bomb stops at `max_decompressed_bytes` (and `word/document.xml`
//! at [`MAX_DOCUMENT_XML`]).
//!
//! Hostile XML is bounded: the parser stops after [`MAX_XML_NODES`] nodes, a document
//! nested deeper than [`MAX_DEPTH`] elements is refused before it is walked, and every
//! walk uses an explicit stack, so no input can exhaust the thread's stack.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use roxmltree::Node;
use zip::result::ZipError;
use zip::ZipArchive;

use crate::extract::bytes::human_size;
use crate::types::{IngestError, Limits};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Largest `word/document.xml` read once inflated, whatever the overall limit. Word's
/// own files rarely pass a few megabytes of XML for hundreds of pages.
pub(crate) const MAX_DOCUMENT_XML: u64 = 20 << 20;
/// Most XML nodes (elements, text) parsed from one part; bounds the parsed tree's memory.
pub(crate) const MAX_XML_NODES: u32 = 2_000_000;
/// Deepest element nesting accepted in `word/document.xml`. Real documents (tables in
/// tables, content controls, alternate content) stay well under a hundred.
pub(crate) const MAX_DEPTH: usize = 256;
/// Most entries in the archive. A Word file has a few dozen parts plus one per image;
/// only two are ever read, but the zip reader keeps the whole central directory.
pub(crate) const MAX_ZIP_ENTRIES: usize = 10_000;

fn damaged(detail: impl std::fmt::Display) -> IngestError {
    IngestError::Damaged(format!(
        "the Word document is damaged and cannot be read ({detail})"
    ))
}

/// Raw text: one paragraph per block, blocks separated by a blank line.
pub(super) fn extract(bytes: &[u8], limits: &Limits) -> Result<String, IngestError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(IngestError::TooLarge(format!(
            "the Word document has {} parts; the most accepted is {MAX_ZIP_ENTRIES}",
            archive.len()
        )));
    }
    let budget = limits.max_decompressed_bytes;
    let document = read_entry(
        &mut archive,
        "word/document.xml",
        budget.min(MAX_DOCUMENT_XML),
    )?
    .ok_or_else(|| damaged("word/document.xml is missing"))?;
    let left = budget.saturating_sub(document.len() as u64);
    let numbering = match read_entry(&mut archive, "word/numbering.xml", left) {
        Ok(n) => n,
        Err(e @ IngestError::TooLarge(_)) => return Err(e),
        Err(_) => None,
    };
    let doc = roxmltree::Document::parse_with_options(&document, parsing_options()).map_err(
        |e| match e {
            roxmltree::Error::NodesLimitReached => IngestError::TooLarge(format!(
                "the Word document has more than {MAX_XML_NODES} pieces of text and markup"
            )),
            e => damaged(format_args!("word/document.xml is not well-formed: {e}")),
        },
    )?;
    check_depth(doc.root())?;
    // numbering.xml is only ever walked through `children()` and `descendants()`
    // (both iterative), so its depth does not matter.
    let numbering_doc = numbering
        .as_deref()
        .and_then(|n| roxmltree::Document::parse_with_options(n, parsing_options()).ok());
    let mut lists = Numbering::new(numbering_doc.as_ref());
    let mut out = String::new();
    for node in doc.descendants().filter(|n| is_w(n, "p") || is_w(n, "tbl")) {
        if node.ancestors().any(|a| a.tag_name().name() == "Fallback") {
            continue; // mc:Fallback repeats what mc:Choice holds
        }
        if node.ancestors().skip(1).any(|a| is_w(&a, "tc")) {
            continue; // read with its table's cell
        }
        if is_w(&node, "tbl") {
            table(node, &mut lists, &mut out);
            continue;
        }
        let text = paragraph(node, &mut lists);
        if text.trim().is_empty() {
            continue;
        }
        out.push_str(&text);
        out.push_str("\n\n");
    }
    Ok(out)
}

/// The text of one paragraph, with its list number or bullet.
fn paragraph(p: Node, lists: &mut Numbering) -> String {
    let mut text = String::new();
    collect(p, &mut text);
    if text.trim().is_empty() {
        return text;
    }
    if let Some(prefix) = lists.prefix(p) {
        if !prefix.is_empty() {
            text = format!("{prefix} {}", text.trim_start());
        }
    }
    text
}

/// A table as one block: a line per row, cells separated by `" | "` (the paragraphs of
/// a cell, and any table nested in it, joined by spaces). A table of one column is a
/// layout box, and its cells are paragraphs.
fn table(tbl: Node, lists: &mut Numbering, out: &mut String) {
    let mut rows: Vec<Vec<String>> = Vec::new();
    for tr in tbl.children().filter(|n| is_w(n, "tr")) {
        let mut cells = Vec::new();
        for tc in tr.children().filter(|n| is_w(n, "tc")) {
            let mut cell = String::new();
            for p in tc.descendants().filter(|n| is_w(n, "p")) {
                if p.ancestors().any(|a| a.tag_name().name() == "Fallback") {
                    continue;
                }
                let text = paragraph(p, lists);
                let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                if !text.is_empty() {
                    if !cell.is_empty() {
                        cell.push(' ');
                    }
                    cell.push_str(&text.replace('|', "/"));
                }
            }
            cells.push(cell);
        }
        if cells.iter().any(|c| !c.is_empty()) {
            rows.push(cells);
        }
    }
    if rows.iter().all(|r| r.len() <= 1) {
        for cell in rows.into_iter().flatten() {
            out.push_str(&cell);
            out.push_str("\n\n");
        }
        return;
    }
    let lines: Vec<String> = rows.iter().map(|r| r.join(" | ")).collect();
    out.push_str(&lines.join("\n"));
    out.push_str("\n\n");
}

fn parsing_options<'a>() -> roxmltree::ParsingOptions<'a> {
    roxmltree::ParsingOptions {
        nodes_limit: MAX_XML_NODES,
        ..roxmltree::ParsingOptions::default()
    }
}

/// Refuses a tree nested deeper than [`MAX_DEPTH`] elements, walking it with an explicit
/// stack (the depth is the stack's height).
fn check_depth(root: Node) -> Result<(), IngestError> {
    let mut stack = vec![root.children()];
    while let Some(top) = stack.last_mut() {
        match top.next() {
            Some(child) if child.is_element() => {
                if stack.len() >= MAX_DEPTH {
                    return Err(damaged(format_args!(
                        "word/document.xml is nested too deeply (more than {MAX_DEPTH} levels)"
                    )));
                }
                stack.push(child.children());
            }
            Some(_) => {}
            None => {
                stack.pop();
            }
        }
    }
    Ok(())
}

/// Reads one entry, at most `limit` bytes once inflated; `None` when absent.
fn read_entry(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limit: u64,
) -> Result<Option<String>, IngestError> {
    let too_large = || {
        IngestError::TooLarge(format!(
            "the Word document expands to more than {} when unpacked (a zip bomb?)",
            human_size(limit)
        ))
    };
    let file = match archive.by_name(name) {
        Ok(f) => f,
        Err(ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(damaged(e)),
    };
    if file.size() > limit {
        return Err(too_large());
    }
    let mut buf = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(damaged)?;
    if buf.len() as u64 > limit {
        return Err(too_large());
    }
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(&buf) {
        let (text, _) = enc.decode_without_bom_handling(&buf[bom..]);
        return Ok(Some(text.into_owned()));
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| damaged(format_args!("{name} is not UTF-8")))
}

fn is_w(n: &Node, local: &str) -> bool {
    n.is_element() && n.tag_name().name() == local && n.tag_name().namespace() == Some(W)
}

fn w_val<'a>(n: &Node<'a, '_>) -> Option<&'a str> {
    n.attribute((W, "val"))
}

/// Text of a paragraph, not descending into nested paragraphs or properties. The walk
/// keeps its own stack of child iterators (document order, no recursion).
fn collect(node: Node, out: &mut String) {
    let mut stack = vec![node.children()];
    while let Some(top) = stack.last_mut() {
        let Some(child) = top.next() else {
            stack.pop();
            continue;
        };
        if !child.is_element() {
            continue;
        }
        let name = child.tag_name().name();
        if child.tag_name().namespace() != Some(W) {
            if name != "Fallback" {
                stack.push(child.children());
            }
            continue;
        }
        match name {
            "t" => out.push_str(child.text().unwrap_or("")),
            "tab" | "ptab" => out.push('\t'),
            "br" | "cr" => out.push('\n'),
            "noBreakHyphen" => out.push('-'),
            "p" | "pPr" | "rPr" | "delText" | "instrText" | "fldData" | "sym" => {}
            _ => stack.push(child.children()),
        }
    }
}

#[derive(Clone)]
struct Level {
    format: String,
    text: String,
    start: i64,
}

/// List numbering from `word/numbering.xml`, with running counters per list.
struct Numbering {
    lists: HashMap<String, Vec<Level>>,
    counters: HashMap<String, [Option<i64>; 9]>,
}

impl Numbering {
    fn new(doc: Option<&roxmltree::Document>) -> Self {
        let mut lists = HashMap::new();
        if let Some(doc) = doc {
            let mut abstracts: HashMap<&str, Vec<Level>> = HashMap::new();
            for a in doc.descendants().filter(|n| is_w(n, "abstractNum")) {
                let Some(id) = a.attribute((W, "abstractNumId")) else {
                    continue;
                };
                let mut levels = vec![
                    Level {
                        format: "decimal".into(),
                        text: String::new(),
                        start: 1
                    };
                    9
                ];
                for lvl in a.children().filter(|n| is_w(n, "lvl")) {
                    let Some(i) = lvl
                        .attribute((W, "ilvl"))
                        .and_then(|v| v.parse::<usize>().ok())
                        .filter(|&i| i < 9)
                    else {
                        continue;
                    };
                    for c in lvl.children().filter(Node::is_element) {
                        let v = w_val(&c).unwrap_or("");
                        match c.tag_name().name() {
                            "numFmt" => levels[i].format = v.to_string(),
                            "lvlText" => levels[i].text = v.to_string(),
                            "start" => levels[i].start = v.parse().unwrap_or(1),
                            _ => {}
                        }
                    }
                }
                abstracts.insert(id, levels);
            }
            for num in doc.descendants().filter(|n| is_w(n, "num")) {
                let Some(id) = num.attribute((W, "numId")) else {
                    continue;
                };
                let abs = num
                    .children()
                    .find(|n| is_w(n, "abstractNumId"))
                    .and_then(|n| w_val(&n));
                if let Some(levels) = abs.and_then(|a| abstracts.get(a)) {
                    lists.insert(id.to_string(), levels.clone());
                }
            }
        }
        Numbering {
            lists,
            counters: HashMap::new(),
        }
    }

    /// The number or bullet of a list paragraph; `None` for other paragraphs.
    fn prefix(&mut self, p: Node) -> Option<String> {
        let num_pr = p
            .children()
            .find(|n| is_w(n, "pPr"))?
            .children()
            .find(|n| is_w(n, "numPr"))?;
        let num_id = num_pr
            .children()
            .find(|n| is_w(n, "numId"))
            .and_then(|n| w_val(&n))?;
        if num_id == "0" {
            return None;
        }
        let ilvl = num_pr
            .children()
            .find(|n| is_w(n, "ilvl"))
            .and_then(|n| w_val(&n))
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0)
            .min(8);
        let Some(levels) = self.lists.get(num_id) else {
            return Some("•".to_string());
        };
        let counters = self.counters.entry(num_id.to_string()).or_insert([None; 9]);
        counters[ilvl] = Some(match counters[ilvl] {
            Some(n) => n.saturating_add(1),
            None => levels[ilvl].start,
        });
        for c in counters.iter_mut().skip(ilvl + 1) {
            *c = None;
        }
        let level = &levels[ilvl];
        match level.format.as_str() {
            "bullet" => return Some("•".to_string()),
            "none" => return Some(String::new()),
            _ => {}
        }
        let mut text = level.text.clone();
        for (k, lv) in levels.iter().enumerate().take(ilvl + 1).rev() {
            let n = counters[k].unwrap_or(lv.start);
            text = text.replace(&format!("%{}", k + 1), &format_number(n, &lv.format));
        }
        Some(text.trim().to_string())
    }
}

fn format_number(n: i64, format: &str) -> String {
    match format {
        "lowerLetter" => letter(n).to_lowercase(),
        "upperLetter" => letter(n),
        "lowerRoman" => roman(n).to_lowercase(),
        "upperRoman" => roman(n),
        "decimalZero" => format!("{n:02}"),
        _ => n.to_string(),
    }
}

/// 1 -> A, 26 -> Z, 27 -> AA (Word repeats the letter).
fn letter(n: i64) -> String {
    if n < 1 {
        return n.to_string();
    }
    let idx = ((n - 1) % 26) as u8;
    let reps = ((n - 1) / 26 + 1).min(10) as usize;
    char::from(b'A' + idx).to_string().repeat(reps)
}

fn roman(mut n: i64) -> String {
    if !(1..4000).contains(&n) {
        return n.to_string();
    }
    const TABLE: &[(i64, &str)] = &[
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for &(v, r) in TABLE {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}
