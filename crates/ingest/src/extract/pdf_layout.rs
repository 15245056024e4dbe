//! PDF text with the positions of its characters, so that tables come out as tables.
//!
//! [`LaidOut`] writes the page's text exactly as pdf-extract's `PlainTextOutput` does
//! (a space for a gap, a line break for a move down or back) and also keeps where each
//! character was drawn and where it went in the text. [`LaidOut::finish`] then looks for
//! tables: runs of text side by side in two or more columns ("1", "Agree a protocol
//! ...", "LSCB"), over several lines, whose columns hold text in at least two of them
//! (a numbered or bulleted list has one). A table found is written in place of its
//! characters as one block, a line per row and its cells separated by `" | "`, the form
//! the suggestions read. Rows start where the number column has a number (or, without
//! one, where a line has two cells or more); the lines below add to their cells. A
//! table whose characters are not one stretch of the page's text is left as it was.

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

/// One character drawn: where (left, baseline from the top, right, font size) and the
/// byte range of the text it was written to.
#[derive(Debug, Clone, Copy)]
struct Glyph {
    x: f64,
    y: f64,
    end: f64,
    size: f64,
    from: usize,
    to: usize,
}

/// Text of a page being written, with its characters' positions.
pub(super) struct LaidOut {
    text: String,
    glyphs: Vec<Glyph>,
    last_end: f64,
    last_y: f64,
    first_char: bool,
    height: f64,
}

impl LaidOut {
    pub(super) fn new() -> Self {
        LaidOut {
            text: String::new(),
            glyphs: Vec::new(),
            last_end: 100_000.0,
            last_y: 0.0,
            first_char: false,
            height: 0.0,
        }
    }

    /// The page's text, with any table found written as rows of cells.
    pub(super) fn finish(self) -> String {
        rewrite_tables(&self.text, &self.glyphs)
    }
}

impl OutputDev for LaidOut {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.height = media_box.ury - media_box.lly;
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        // As PlainTextOutput: the position in a page flipped to run downwards, and the
        // font size as the side of a square of the transformed size's area.
        let (x, y) = (trm.m31, self.height - trm.m32);
        let sx = font_size * trm.m11 + font_size * trm.m21;
        let sy = font_size * trm.m12 + font_size * trm.m22;
        let size = (sx * sy).sqrt();
        if self.first_char {
            if (y - self.last_y).abs() > size * 1.5 {
                self.text.push('\n');
            }
            if x < self.last_end && (y - self.last_y).abs() > size * 0.5 {
                self.text.push('\n');
            }
            if x > self.last_end + size * 0.1 {
                self.text.push(' ');
            }
        }
        let from = self.text.len();
        self.text.push_str(char);
        let end = x + width * size;
        if size.is_finite() && size > 0.0 && !char.trim().is_empty() {
            self.glyphs.push(Glyph {
                x,
                y,
                end,
                size,
                from,
                to: self.text.len(),
            });
        }
        self.first_char = false;
        self.last_y = y;
        self.last_end = end;
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.first_char = true;
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// Characters written one after another on one baseline with no wide gap.
#[derive(Debug, Clone)]
struct Run {
    x: f64,
    y: f64,
    end: f64,
    size: f64,
    /// Index of its first and last glyph.
    first: usize,
    last: usize,
}

/// Points within which two left edges are one column.
const COLUMN_TOLERANCE: f64 = 2.5;

fn runs(glyphs: &[Glyph]) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for (i, g) in glyphs.iter().enumerate() {
        if let Some(run) = runs.last_mut() {
            let same_line = (g.y - run.y).abs() <= 0.3 * run.size;
            let gap = g.x - run.end;
            if same_line && gap > -0.5 * run.size && gap < 1.2 * run.size {
                run.end = run.end.max(g.end);
                run.last = i;
                continue;
            }
        }
        runs.push(Run {
            x: g.x,
            y: g.y,
            end: g.end,
            size: g.size,
            first: i,
            last: i,
        });
    }
    runs
}

/// The text of a run, its whitespace collapsed.
fn run_text(text: &str, glyphs: &[Glyph], run: &Run) -> String {
    let from = glyphs[run.first].from;
    let to = glyphs[run.last].to;
    text.get(from..to)
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs on one baseline, left to right (indices into the runs).
struct Line {
    y: f64,
    runs: Vec<usize>,
}

fn lines(runs: &[Run]) -> Vec<Line> {
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by(|a, b| runs[*a].y.total_cmp(&runs[*b].y));
    let mut lines: Vec<Line> = Vec::new();
    for i in order {
        let run = &runs[i];
        match lines.last_mut() {
            Some(line) if (run.y - line.y).abs() <= 0.4 * run.size => line.runs.push(i),
            _ => lines.push(Line {
                y: run.y,
                runs: vec![i],
            }),
        }
    }
    for line in &mut lines {
        line.runs.sort_by(|a, b| runs[*a].x.total_cmp(&runs[*b].x));
    }
    lines
}

/// Whether a cell is a number ("1", "2.", "3.1") or empty.
fn numeric(cell: &str) -> bool {
    let c = cell.trim().trim_end_matches(['.', ')', ':']);
    c.is_empty()
        || (c.len() <= 5
            && c.chars().all(|ch| ch.is_ascii_digit() || ch == '.')
            && c.starts_with(|ch: char| ch.is_ascii_digit()))
}

/// A table found on a page: its rows of cells and the runs it is made of.
struct Table {
    rows: Vec<Vec<String>>,
    runs: Vec<usize>,
}

fn column_of(columns: &[f64], x: f64) -> Option<usize> {
    columns
        .iter()
        .position(|c| (c - x).abs() <= COLUMN_TOLERANCE)
}

/// Tables among the lines of a page, top to bottom.
fn tables(text: &str, glyphs: &[Glyph], runs: &[Run], lines: &[Line]) -> Vec<Table> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].runs.len() < 2 {
            i += 1;
            continue;
        }
        let columns: Vec<f64> = lines[i].runs.iter().map(|r| runs[*r].x).collect();
        // The block: following lines whose runs all start at these columns.
        let mut j = i + 1;
        while j < lines.len()
            && lines[j]
                .runs
                .iter()
                .all(|r| column_of(&columns, runs[*r].x).is_some())
        {
            j += 1;
        }
        match table(text, glyphs, runs, &lines[i..j], &columns) {
            Some((t, used)) => {
                found.push(t);
                i += used.max(1);
            }
            // A long block that is not a table is passed over whole: the work per page
            // stays linear in its lines.
            None if j - i > 50 => i = j,
            None => i += 1,
        }
    }
    found
}

/// Reads a block of lines as a table, with the number of lines it takes, or `None`
/// when it is not one. A line of one run after a wide gap (a heading or a paragraph
/// after the table) ends it.
fn table(
    text: &str,
    glyphs: &[Glyph],
    runs: &[Run],
    block: &[Line],
    columns: &[f64],
) -> Option<(Table, usize)> {
    let size = block
        .first()
        .and_then(|l| l.runs.first())
        .map_or(10.0, |r| runs[*r].size);
    let used = block
        .iter()
        .enumerate()
        .skip(1)
        .find(|(k, line)| line.runs.len() < 2 && line.y - block[k - 1].y > 2.0 * size)
        .map_or(block.len(), |(k, _)| k);
    let block = &block[..used];
    let multi = block.iter().filter(|l| l.runs.len() >= 2).count();
    if multi < 2 {
        return None;
    }
    // Each line's cells by column.
    let cells: Vec<Vec<Option<String>>> = block
        .iter()
        .map(|line| {
            let mut row = vec![None; columns.len()];
            for r in &line.runs {
                if let Some(c) = column_of(columns, runs[*r].x) {
                    let t = run_text(text, glyphs, &runs[*r]);
                    row[c] = Some(match row[c].take() {
                        Some(before) => format!("{before} {t}"),
                        None => t,
                    });
                }
            }
            row
        })
        .collect();
    // Columns holding words (not only numbers or bullets).
    let wordy = (0..columns.len())
        .filter(|c| {
            let values: Vec<&String> = cells.iter().filter_map(|l| l[*c].as_ref()).collect();
            let with_words = values
                .iter()
                .filter(|v| v.chars().filter(|ch| ch.is_alphabetic()).count() >= 2)
                .count();
            !values.is_empty() && with_words * 2 >= values.len()
        })
        .count();
    if wordy < 2 {
        return None;
    }
    // A number column: the first, a number on every line with two cells but the header.
    let multi_lines: Vec<&Vec<Option<String>>> = cells
        .iter()
        .zip(block)
        .filter(|(_, l)| l.runs.len() >= 2)
        .map(|(c, _)| c)
        .collect();
    let numbered = multi_lines.iter().skip(1).all(|l| {
        l[0].as_deref()
            .is_some_and(|v| numeric(v) && !v.trim().is_empty())
    });
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut used = used;
    for (k, (line, row)) in block.iter().zip(&cells).enumerate() {
        if numbered && k > 0 && row[0].as_deref().is_some_and(|v| !numeric(v)) {
            // Words where the numbers are: the table has ended.
            used = k;
            break;
        }
        let starts = if numbered {
            row[0].is_some() || rows.is_empty()
        } else {
            line.runs.len() >= 2 || rows.is_empty()
        };
        if starts {
            rows.push(row.iter().map(|c| c.clone().unwrap_or_default()).collect());
            continue;
        }
        if let Some(current) = rows.last_mut() {
            for (cell, more) in current.iter_mut().zip(row) {
                if let Some(more) = more {
                    join_words(cell, more);
                }
            }
        }
    }
    let members: Vec<usize> = block[..used]
        .iter()
        .flat_map(|l| l.runs.iter().copied())
        .collect();
    // A table is drawn row by row, so its columns alternate in the order of drawing; text
    // set in two columns (one drawn after the other) is not a table.
    let mut drawn = members.clone();
    drawn.sort_by_key(|r| runs[*r].first);
    let switches = drawn
        .windows(2)
        .filter(|pair| column_of(columns, runs[pair[0]].x) != column_of(columns, runs[pair[1]].x))
        .count();
    if rows.len() < 2 || switches < rows.len() {
        return None;
    }
    Some((
        Table {
            rows,
            runs: members,
        },
        used,
    ))
}

fn join_words(cell: &mut String, more: &str) {
    if cell.ends_with('-') && !cell.ends_with(" -") && more.starts_with(char::is_lowercase) {
        cell.pop();
    } else if !cell.is_empty() {
        cell.push(' ');
    }
    cell.push_str(more);
}

/// The page's text with each table's stretch replaced by its rows.
fn rewrite_tables(text: &str, glyphs: &[Glyph]) -> String {
    if glyphs.len() < 4 {
        return text.to_string();
    }
    let runs = runs(glyphs);
    let lines = lines(&runs);
    let mut spans: Vec<(usize, usize, String)> = Vec::new();
    for table in tables(text, glyphs, &runs, &lines) {
        let mut members: Vec<usize> = table
            .runs
            .iter()
            .flat_map(|r| runs[*r].first..=runs[*r].last)
            .collect();
        members.sort_unstable();
        let (Some(&first), Some(&last)) = (members.first(), members.last()) else {
            continue;
        };
        // The table's glyphs must be one stretch of the text: every glyph written
        // between its first and last is one of its own.
        if last + 1 - first != members.len() {
            continue;
        }
        let rendered: Vec<String> = table
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|c| c.replace('|', "/"))
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .collect();
        spans.push((glyphs[first].from, glyphs[last].to, rendered.join("\n")));
    }
    if spans.is_empty() {
        return text.to_string();
    }
    spans.sort_by_key(|(from, _, _)| *from);
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for (from, to, table) in spans {
        if from < at {
            continue;
        }
        out.push_str(text.get(at..from).unwrap_or(""));
        out.push_str("\n\n");
        out.push_str(&table);
        out.push_str("\n\n");
        at = to;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs for words at (x, y), one glyph per word, 10 points high.
    fn page(words: &[(f64, f64, &str)]) -> (String, Vec<Glyph>) {
        let mut text = String::new();
        let mut glyphs = Vec::new();
        for (x, y, word) in words {
            if !text.is_empty() {
                text.push('\n');
            }
            let from = text.len();
            text.push_str(word);
            glyphs.push(Glyph {
                x: *x,
                y: *y,
                end: x + 5.0 * word.len() as f64,
                size: 10.0,
                from,
                to: text.len(),
            });
        }
        (text, glyphs)
    }

    #[test]
    fn a_numbered_table_becomes_rows() {
        let (text, glyphs) = page(&[
            (60.0, 90.0, "Recommendations"),
            (62.0, 100.0, "No."),
            (100.0, 100.0, "Recommendation"),
            (300.0, 100.0, "Agency"),
            (62.0, 112.0, "1"),
            (100.0, 112.0, "Agree a protocol for"),
            (100.0, 124.0, "moves between areas."),
            (300.0, 112.0, "LSCB"),
            (62.0, 136.0, "2"),
            (100.0, 136.0, "Record every child."),
            (300.0, 136.0, "Police"),
            (60.0, 160.0, "Conclusion"),
        ]);
        let got = rewrite_tables(&text, &glyphs);
        assert!(
            got.contains("No. | Recommendation | Agency\n1 | Agree a protocol for moves between areas. | LSCB\n2 | Record every child. | Police"),
            "{got}"
        );
        assert!(got.starts_with("Recommendations"));
        assert!(got.trim_end().ends_with("Conclusion"));
    }

    #[test]
    fn text_in_two_columns_is_not_a_table() {
        // The left column is drawn first, then the right one.
        let (text, glyphs) = page(&[
            (60.0, 100.0, "The review found that"),
            (60.0, 112.0, "the school knew the"),
            (60.0, 124.0, "family well."),
            (300.0, 100.0, "Agencies did not share"),
            (300.0, 112.0, "what they knew about"),
            (300.0, 124.0, "the father."),
        ]);
        assert_eq!(rewrite_tables(&text, &glyphs), text);
    }

    #[test]
    fn a_numbered_list_is_not_a_table() {
        let (text, glyphs) = page(&[
            (62.0, 100.0, "1."),
            (100.0, 100.0, "The first item"),
            (100.0, 112.0, "goes on here."),
            (62.0, 124.0, "2."),
            (100.0, 124.0, "The second item."),
        ]);
        assert_eq!(rewrite_tables(&text, &glyphs), text);
    }
}
