//! Normalisation shared by every format.
//!
//! Input: raw text with pages separated by `\x0C`, lines by `\n`, paragraphs by blank
//! lines. Output: paragraphs separated by one blank line, with Unicode whitespace turned
//! into spaces and collapsed, words hyphenated across line ends joined, "Page N of M"
//! and bare page-number lines dropped, running headers and footers (short lines that
//! repeat at the top or bottom of many pages) dropped, and a paragraph that runs across
//! a page break (no terminal punctuation, next page starts lower-case) joined up.

use std::collections::{HashMap, HashSet};

/// How line breaks inside a block of text are meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Line breaks are layout (PDF, hard-wrapped text): join lines into paragraphs,
    /// but start a new one at a list item or after a heading-like line.
    Flowing,
    /// Every line is a paragraph (text files written one paragraph per line).
    LinePerParagraph,
    /// Blocks are already paragraphs and a line break inside one is meant (DOCX, HTML).
    Blocks,
}

/// Picks the mode for a plain-text file: one paragraph per line when it has no blank
/// lines between paragraphs or its lines are mostly long (not hard-wrapped).
pub(crate) fn text_mode(text: &str) -> Mode {
    let trimmed = text.trim();
    let lines: Vec<&str> = trimmed.lines().map(str::trim).collect();
    let non_empty = lines.iter().filter(|l| !l.is_empty()).count();
    let has_blank = lines.iter().any(|l| l.is_empty() || *l == "\x0C");
    let long = lines.iter().filter(|l| l.chars().count() > 120).count();
    if non_empty > 1 && (!has_blank || long * 3 > non_empty) {
        Mode::LinePerParagraph
    } else {
        Mode::Flowing
    }
}

/// Normalises raw text as described in the module documentation.
pub(crate) fn normalise(raw: &str, mode: Mode) -> String {
    let raw = raw.replace("\r\n", "\n").replace('\r', "\n");
    let mut pages: Vec<Vec<String>> = raw
        .split('\x0C')
        .map(|p| p.split('\n').map(clean_line).collect())
        .collect();
    drop_page_numbers(&mut pages, mode);
    if pages.len() >= 2 {
        drop_running_lines(&mut pages);
    }
    let mut paras: Vec<String> = Vec::new();
    for page in &pages {
        let page_paras = paragraphs(page, mode);
        let mut iter = page_paras.into_iter();
        let Some(first) = iter.next() else { continue };
        match paras.last_mut() {
            Some(prev) if mode != Mode::Blocks && continues_table_row(prev, &first) => {
                append_to_open_cell(prev, &first);
            }
            Some(prev) if mode != Mode::Blocks && joins_across_break(prev, &first) => {
                append_line(prev, &first);
            }
            _ => paras.push(first),
        }
        paras.extend(iter);
    }
    paras
        .into_iter()
        .map(|p| p.replace('\u{AD}', ""))
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Whitespace to single spaces, invisible characters removed, ligatures expanded,
/// private-use bullets mapped to "•"; trimmed.
fn clean_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => {}
            // A soft hyphen only matters at the end of a line.
            '\u{AD}' => {
                if chars.peek().is_none() {
                    out.push(c);
                }
            }
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            '\u{F0B7}' | '\u{F0A7}' | '\u{F0FC}' => out.push('•'),
            c if c.is_whitespace() || c.is_control() => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => out.push(c),
        }
    }
    let trimmed = out.trim_end();
    trimmed.to_string()
}

/// "Page 3", "Page 3 of 12", "3 of 12", "page 3/12", "p. 3".
pub(crate) fn is_page_label(line: &str) -> bool {
    let l = strip_decoration(line).to_lowercase();
    let words: Vec<&str> = l.split(' ').filter(|w| !w.is_empty()).collect();
    let num = |w: &str| !w.is_empty() && w.len() <= 4 && w.bytes().all(|b| b.is_ascii_digit());
    let slash = |w: &str| w.split_once('/').is_some_and(|(a, b)| num(a) && num(b));
    let is_page_word = |w: &str| matches!(w, "page" | "p." | "pg" | "pg." | "p");
    match words.as_slice() {
        [p, n] => is_page_word(p) && (num(n) || slash(n)),
        [p, n, "/", m] | [p, n, "of", m] => is_page_word(p) && num(n) && num(m),
        [n, "of", m] | [n, "/", m] => num(n) && num(m),
        _ => false,
    }
}

/// "3", "- 3 -", "[3]", "(3)", "– 3 –".
pub(crate) fn is_bare_number(line: &str) -> bool {
    let l = strip_decoration(line);
    !l.is_empty() && l.len() <= 4 && l.bytes().all(|b| b.is_ascii_digit())
}

fn strip_decoration(line: &str) -> &str {
    line.trim_matches(|c: char| {
        c == ' ' || c == '-' || c == '–' || c == '—' || c == '[' || c == ']' || c == '|'
    })
    .trim_start_matches('(')
    .trim_end_matches(')')
    .trim()
}

fn non_empty_indices(page: &[String]) -> Vec<usize> {
    page.iter()
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, _)| i)
        .collect()
}

/// Indices of the first and last `n` non-empty lines of a page.
fn edge_indices(page: &[String], n: usize) -> Vec<usize> {
    let idx = non_empty_indices(page);
    let mut out: Vec<usize> = idx.iter().take(n).copied().collect();
    for &i in idx.iter().rev().take(n) {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

fn drop_page_numbers(pages: &mut [Vec<String>], mode: Mode) {
    let paginated = pages.len() > 1;
    for page in pages.iter_mut() {
        let edges = edge_indices(page, 2);
        let mut drop = Vec::new();
        for (i, line) in page.iter().enumerate() {
            if line.is_empty() {
                continue;
            }
            if is_page_label(line) {
                drop.push(i);
            } else if is_bare_number(line) {
                let isolated = (i == 0 || page[i - 1].is_empty())
                    && page.get(i + 1).is_none_or(|l| l.is_empty());
                if (paginated && edges.contains(&i)) || (isolated && mode != Mode::Blocks) {
                    drop.push(i);
                }
            }
        }
        for i in drop {
            page[i].clear();
        }
    }
}

/// The key under which running headers/footers are compared: lower-case, digits as `#`.
fn running_key(line: &str) -> String {
    line.chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect::<String>()
        .to_lowercase()
}

/// Drops short lines found at the top or bottom of at least 60% of the pages (and on
/// at least two).
fn drop_running_lines(pages: &mut [Vec<String>]) {
    const EDGE: usize = 3;
    const MAX_CHARS: usize = 100;
    let n = pages.len();
    let threshold = ((6 * n).div_ceil(10)).max(2);
    let mut counts: HashMap<String, usize> = HashMap::new();
    for page in pages.iter() {
        let keys: HashSet<String> = edge_indices(page, EDGE)
            .into_iter()
            .filter(|&i| page[i].chars().count() <= MAX_CHARS)
            .map(|i| running_key(&page[i]))
            .collect();
        for k in keys {
            *counts.entry(k).or_insert(0) += 1;
        }
    }
    for page in pages.iter_mut() {
        for i in edge_indices(page, EDGE) {
            if page[i].chars().count() <= MAX_CHARS
                && counts
                    .get(&running_key(&page[i]))
                    .is_some_and(|&c| c >= threshold)
            {
                page[i].clear();
            }
        }
    }
}

/// Paragraphs of one page.
fn paragraphs(lines: &[String], mode: Mode) -> Vec<String> {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for l in lines {
        if l.is_empty() {
            if !cur.is_empty() {
                blocks.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(l);
        }
    }
    if !cur.is_empty() {
        blocks.push(cur);
    }
    let mut out = Vec::new();
    for block in blocks {
        if mode == Mode::Blocks {
            out.push(block.join("\n"));
            continue;
        }
        // Rows of a table (cells separated by " | ", as `pdf_layout` writes them, or a
        // Markdown table in a text file) keep their lines, as one paragraph.
        let whole_table = block.iter().all(|l| is_table_line(l));
        let mut rest: Vec<&str> = Vec::new();
        let mut i = 0;
        while i < block.len() {
            let run = block[i..].iter().take_while(|l| is_table_line(l)).count();
            if run >= 2 || (run == 1 && whole_table) {
                lines_as_paragraphs(&rest, mode, &mut out);
                rest.clear();
                out.push(block[i..i + run].join("\n"));
                i += run;
            } else {
                rest.push(block[i]);
                i += 1;
            }
        }
        lines_as_paragraphs(&rest, mode, &mut out);
    }
    out
}

/// A row of a table: cells separated by " | ", or a Markdown rule ("|---|---|").
fn is_table_line(line: &str) -> bool {
    line.contains(" | ")
        || (line.contains('|')
            && line.contains('-')
            && line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')))
}

fn lines_as_paragraphs(lines: &[&str], mode: Mode, out: &mut Vec<String>) {
    if lines.is_empty() {
        return;
    }
    match mode {
        Mode::LinePerParagraph => out.extend(lines.iter().map(|l| l.to_string())),
        _ => split_flowing(lines, out),
    }
}

/// Joins the lines of a block into paragraphs, starting a new paragraph at a list item
/// and around a heading-like line.
fn split_flowing(block: &[&str], out: &mut Vec<String>) {
    let max_len = block.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let mut cur = String::new();
    let mut prev_heading = false;
    for (i, line) in block.iter().enumerate() {
        let heading = is_heading(block, i, max_len);
        if i > 0 && (prev_heading || heading || starts_item(line)) && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if cur.is_empty() {
            cur.push_str(line);
        } else {
            append_line(&mut cur, line);
        }
        prev_heading = heading;
        if ends_paragraph(line, max_len) {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
}

/// The short last line of a paragraph: it ends a sentence well before the right margin.
fn ends_paragraph(line: &str, max_len: usize) -> bool {
    let length = line.chars().count();
    max_len >= 40
        && length * 4 < max_len * 3
        && line.ends_with(['.', '?', '!', ':', '"', '\u{201d}'])
}

const CONNECTIVES: &[&str] = &[
    "and", "or", "the", "of", "to", "a", "an", "in", "with", "for", "by", "on", "at", "from",
    "that", "which", "who", "was", "were", "is", "are", "be", "as", "but", "not", "their", "his",
    "her",
];

/// A short line standing alone as a title, inside a block of flowing text.
fn is_heading(block: &[&str], i: usize, max_len: usize) -> bool {
    let line = block[i];
    let Some(next) = block.get(i + 1) else {
        return false;
    };
    let len = line.chars().count();
    let words: Vec<&str> = line.split(' ').collect();
    if len > 60 || words.len() > 8 {
        return false;
    }
    if block.len() >= 3 && (len as f64) >= 0.7 * max_len as f64 {
        return false;
    }
    let Some(first) = line.chars().next() else {
        return false;
    };
    if !(first.is_uppercase() || first.is_ascii_digit()) {
        return false;
    }
    if line.ends_with(['.', ',', ';', '!', '?', '-', '\u{AD}']) {
        return false;
    }
    let last_word = words.last().map(|w| w.to_lowercase()).unwrap_or_default();
    if CONNECTIVES.contains(&last_word.as_str()) {
        return false;
    }
    if i > 0 && !block[i - 1].ends_with(['.', '!', '?', ':']) {
        return false;
    }
    next.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || starts_item(next))
}

/// A list item: a bullet, "1.", "5.1", "2)", "(a)", "a)", "(iv)", "Recommendation 3".
pub(crate) fn starts_item(line: &str) -> bool {
    let Some(c0) = line.chars().next() else {
        return false;
    };
    if matches!(
        c0,
        '•' | '●' | '▪' | '■' | '◦' | '‣' | '∙' | '·' | '○' | '►' | '➢' | '✓' | '□'
    ) {
        return true;
    }
    if matches!(c0, '-' | '*' | '–' | '—') {
        return line[c0.len_utf8()..].starts_with(' ');
    }
    let b = line.as_bytes();
    // Numbered: 1. / 1) / 5.1 / 5.1.2 / 5.1.
    let mut i = 0;
    let mut groups = 0;
    let mut trailing = false;
    loop {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start || i - start > 3 {
            if i - start > 3 {
                groups = 0;
            }
            break;
        }
        groups += 1;
        if i < b.len() && b[i] == b'.' {
            i += 1;
            if i < b.len() && b[i].is_ascii_digit() {
                continue;
            }
            trailing = true;
        } else if i < b.len() && b[i] == b')' {
            i += 1;
            trailing = true;
        }
        break;
    }
    if groups > 0 && (trailing || groups > 1) && (i == b.len() || b[i] == b' ') {
        return true;
    }
    // Lettered: (a) a) (iv) iv)
    let rest = line.strip_prefix('(').unwrap_or(line);
    if let Some(close) = rest.find(')') {
        let label = &rest[..close];
        let after = &rest[close + 1..];
        let single = label.chars().count() == 1 && label.chars().all(|c| c.is_ascii_alphabetic());
        let roman = !label.is_empty()
            && label.len() <= 5
            && label.chars().all(|c| matches!(c, 'i' | 'v' | 'x'));
        if (single || roman) && (after.is_empty() || after.starts_with(' ')) {
            return true;
        }
    }
    let lower = line.to_lowercase();
    for kw in ["recommendation ", "finding ", "lesson ", "learning point "] {
        if let Some(rest) = lower.strip_prefix(kw) {
            if rest.starts_with(|c: char| c.is_ascii_digit()) {
                return true;
            }
        }
    }
    false
}

/// Appends a line to a paragraph, joining a word hyphenated across the line end.
fn append_line(acc: &mut String, line: &str) {
    let next_lower = line.chars().next().is_some_and(char::is_lowercase);
    if acc.ends_with('\u{AD}') {
        acc.pop();
        acc.push_str(line);
        return;
    }
    let mut rev = acc.chars().rev();
    if let (Some(h), Some(before)) = (rev.next(), rev.next()) {
        if matches!(h, '-' | '\u{2010}') && before.is_alphabetic() {
            // "assess-" + "ment": a word broken at the line end; "Anglo-" + "Saxon":
            // a compound whose hyphen stays.
            if next_lower {
                acc.pop();
            }
            acc.push_str(line);
            return;
        }
    }
    if !acc.is_empty() && !acc.ends_with(' ') {
        acc.push(' ');
    }
    acc.push_str(line);
}

/// True when `next` (first paragraph of a page) continues `prev` (last paragraph of
/// the page before): `prev` has no terminal punctuation and `next` starts lower-case.
/// A table row split by a page break: the table's last row has a cell whose sentence is
/// unfinished and the next page starts in lower case, outside a table.
fn continues_table_row(prev: &str, next: &str) -> bool {
    let Some(last) = prev.lines().last() else {
        return false;
    };
    last.contains(" | ")
        && !next.contains(" | ")
        && next.starts_with(char::is_lowercase)
        && open_cell(last).is_some()
}

/// The longest cell of a row whose sentence is unfinished (the finding, not the agency).
fn open_cell(row: &str) -> Option<usize> {
    row.split(" | ")
        .enumerate()
        .filter(|(_, cell)| {
            let cell = cell.trim();
            cell.split_whitespace().count() >= 3 && !cell.ends_with(['.', '!', '?', ':', ';'])
        })
        .max_by_key(|(_, cell)| cell.len())
        .map(|(i, _)| i)
}

/// Adds the words to the unfinished cell of the paragraph's last row.
fn append_to_open_cell(prev: &mut String, next: &str) {
    let start = prev.rfind('\n').map_or(0, |i| i + 1);
    let row = prev[start..].to_string();
    let Some(open) = open_cell(&row) else {
        return append_line(prev, next);
    };
    let cells: Vec<String> = row
        .split(" | ")
        .enumerate()
        .map(|(i, cell)| {
            if i == open {
                let mut cell = cell.trim_end().to_string();
                append_line(&mut cell, &next.replace('\n', " "));
                cell
            } else {
                cell.to_string()
            }
        })
        .collect();
    prev.truncate(start);
    prev.push_str(&cells.join(" | "));
}

fn joins_across_break(prev: &str, next: &str) -> bool {
    let starts_lower = next.chars().next().is_some_and(char::is_lowercase);
    if !starts_lower || starts_item(next) {
        return false;
    }
    let tail = prev.trim_end_matches(['"', '\'', '”', '’', ')', ' ']);
    !tail.ends_with(['.', '!', '?', ':', ';'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_labels() {
        for l in [
            "Page 3",
            "Page 3 of 12",
            "page 3/12",
            "3 of 12",
            "- 3 -",
            "p. 4",
        ] {
            assert!(is_page_label(l) || is_bare_number(l), "{l}");
        }
        for l in ["Page three", "3 children", "Pages 3 and 4", "2014 review"] {
            assert!(!is_page_label(l) && !is_bare_number(l), "{l}");
        }
    }

    #[test]
    fn drops_page_lines_and_numbers() {
        let raw = "First paragraph ends here.\n\nPage 1 of 2\x0C2\nSecond page text.\n\n- 2 -";
        assert_eq!(
            normalise(raw, Mode::Flowing),
            "First paragraph ends here.\n\nSecond page text."
        );
    }

    #[test]
    fn joins_hyphenation_and_lines() {
        let raw = "The assess-\nment was not\ncompleted.\n\nNext para.";
        assert_eq!(
            normalise(raw, Mode::Flowing),
            "The assessment was not completed.\n\nNext para."
        );
        // A capitalised continuation keeps its hyphen (e.g. "Anglo-\nSaxon").
        assert_eq!(normalise("Anglo-\nSaxon", Mode::Flowing), "Anglo-Saxon");
    }

    #[test]
    fn whitespace() {
        let raw = "a\u{00A0}\u{2003} b\t\tc  \u{200B}d ﬁle";
        assert_eq!(normalise(raw, Mode::Flowing), "a b c d file");
    }

    #[test]
    fn drops_running_headers_and_footers() {
        let pages = [
            "Child A Serious Case Review\nThe first page text.\nOFFICIAL - SENSITIVE",
            "Child A Serious Case Review\nThe second page text.\nOFFICIAL - SENSITIVE",
            "Child A Serious Case Review\nThe third page text.\nOFFICIAL - SENSITIVE",
        ]
        .join("\x0C");
        assert_eq!(
            normalise(&pages, Mode::Flowing),
            "The first page text.\n\nThe second page text.\n\nThe third page text."
        );
    }

    #[test]
    fn running_header_with_page_numbers() {
        let pages = ["Alpha", "Beta", "Gamma", "Delta"]
            .iter()
            .enumerate()
            .map(|(n, w)| format!("{w} body.\n\nSCR Child B – page {} of 4", n + 1))
            .collect::<Vec<_>>()
            .join("\x0C");
        let out = normalise(&pages, Mode::Flowing);
        assert!(!out.contains("SCR Child B"), "{out}");
        assert_eq!(
            out,
            "Alpha body.\n\nBeta body.\n\nGamma body.\n\nDelta body."
        );
    }

    #[test]
    fn joins_paragraph_across_page_break() {
        let raw = "The health visitor did not\x0Cshare the referral. The end.\x0CNew page starts.";
        assert_eq!(
            normalise(raw, Mode::Flowing),
            "The health visitor did not share the referral. The end.\n\nNew page starts."
        );
        let raw = "Ends with a full stop.\x0Cstarts lower but separate.";
        assert_eq!(
            normalise(raw, Mode::Flowing),
            "Ends with a full stop.\n\nstarts lower but separate."
        );
        let raw = "A word split by assess-\x0Cment across pages.";
        assert_eq!(
            normalise(raw, Mode::Flowing),
            "A word split by assessment across pages."
        );
    }

    #[test]
    fn list_items_and_headings_stay_paragraphs() {
        let raw = "Lessons learned\nThe review found three things.\n1. Agencies did not share\ninformation.\n2. The GP was not told.\n(a) a sub item\n• bullet";
        assert_eq!(
            normalise(raw, Mode::Flowing),
            "Lessons learned\n\nThe review found three things.\n\n1. Agencies did not share information.\n\n2. The GP was not told.\n\n(a) a sub item\n\n• bullet"
        );
    }

    #[test]
    fn starts_item_cases() {
        for l in [
            "1. x",
            "5.1 x",
            "12) x",
            "(a) x",
            "a) x",
            "(iv) x",
            "• x",
            "- x",
            "Recommendation 3: x",
        ] {
            assert!(starts_item(l), "{l}");
        }
        for l in [
            "2014 the board",
            "1.5million",
            "-x",
            "Recommendations",
            "A. Smith",
        ] {
            assert!(!starts_item(l), "{l}");
        }
    }

    #[test]
    fn text_modes() {
        assert_eq!(text_mode("one\ntwo\nthree"), Mode::LinePerParagraph);
        assert_eq!(text_mode("wrapped line\ncontinues\n\nnext"), Mode::Flowing);
        assert_eq!(normalise("one\ntwo", Mode::LinePerParagraph), "one\n\ntwo");
        assert_eq!(
            normalise("one\ntwo\n\nthree", Mode::Blocks),
            "one\ntwo\n\nthree"
        );
    }
}
