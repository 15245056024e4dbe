//! PDF text with pdf-extract (and the lopdf it re-exports), isolated: the work runs on
//! its own thread, under `catch_unwind` (pdf-extract panics on input it does not
//! understand), with a wall-clock limit. A timed-out thread cannot be killed; it is
//! left to finish on its own and its result is dropped.
//!
//! Outcomes: a missing end-of-file marker or an unreadable structure is "damaged"
//! (never "scanned"); an `/Encrypt` that the empty password does not open is
//! [`IngestError::Encrypted`]; streams inflating past `max_decompressed_bytes` are
//! [`IngestError::TooLarge`]; a sound PDF with no text is accepted with a `no_text`
//! warning.

use std::io::Read;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::Once;
use std::thread;

use pdf_extract::{Document, Object, PlainTextOutput};

use crate::extract::{human_size, no_text_warning, sniff::find};
use crate::{IngestError, Limits, Warning};

/// Name of the extraction threads; the panic hook stays quiet for them.
const THREAD_NAME: &str = "lessons-ingest-pdf";

fn damaged(detail: impl std::fmt::Display) -> IngestError {
    IngestError::Damaged(format!("the PDF is damaged and cannot be read ({detail})"))
}

/// Raw text, pages separated by `\x0C`, and warnings.
pub(super) fn extract(
    bytes: &[u8],
    limits: &Limits,
) -> Result<(String, Vec<Warning>), IngestError> {
    let tail = &bytes[bytes.len().saturating_sub(2048)..];
    if find(tail, b"%%EOF").is_none() {
        return Err(IngestError::Damaged(
            "the PDF is damaged: it is incomplete (no end-of-file marker), perhaps cut short \
             during upload or download"
                .to_string(),
        ));
    }
    quiet_panics_on_pdf_threads();
    let data = bytes.to_vec();
    let max_inflated = limits.max_decompressed_bytes;
    let (tx, rx) = mpsc::sync_channel(1);
    let started = std::time::Instant::now();
    thread::Builder::new()
        .name(THREAD_NAME.to_string())
        .spawn(move || {
            let result = panic::catch_unwind(AssertUnwindSafe(|| read_pages(&data, max_inflated)));
            let _ = tx.send(result);
        })
        .map_err(|e| damaged(format_args!("could not start the reader: {e}")))?;
    let too_long = || {
        IngestError::Damaged(format!(
            "the PDF took too long to read (more than {} seconds); it may be damaged or \
             unusually complex",
            limits.pdf_time_limit.as_secs_f64().ceil()
        ))
    };
    match rx.recv_timeout(limits.pdf_time_limit) {
        // A result that arrives after the limit (the waiting thread was slow to start)
        // is over the limit all the same: the outcome does not depend on scheduling.
        Ok(_) if started.elapsed() > limits.pdf_time_limit => Err(too_long()),
        Ok(Ok(result)) => result,
        Ok(Err(_panic)) => Err(damaged("its structure is not understood")),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(too_long()),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(damaged("the reader stopped")),
    }
}

/// Chains a panic hook that says nothing for panics on the PDF threads (they are
/// caught and reported as "damaged") and defers to the previous hook otherwise.
fn quiet_panics_on_pdf_threads() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if thread::current().name() == Some(THREAD_NAME) {
                return;
            }
            previous(info);
        }));
    });
}

fn read_pages(data: &[u8], max_inflated: u64) -> Result<(String, Vec<Warning>), IngestError> {
    let mut doc = Document::load_mem(data).map_err(|e| {
        if is_encryption_error(&e) || find(data, b"/Encrypt").is_some() {
            IngestError::Encrypted
        } else {
            damaged(e)
        }
    })?;
    // lopdf opens PDFs encrypted only to set permissions (empty user password) by
    // itself; anything still encrypted needs a password we do not have.
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(IngestError::Encrypted);
    }
    check_inflated_size(&doc, max_inflated)?;
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(damaged("it has no pages"));
    }
    let mut texts = Vec::with_capacity(pages.len());
    let mut failed = Vec::new();
    for &page_num in pages.keys() {
        let r = panic::catch_unwind(AssertUnwindSafe(|| {
            let mut s = String::new();
            let mut out = PlainTextOutput::new(&mut s);
            pdf_extract::output_doc_page(&doc, &mut out, page_num).map(|_| s)
        }));
        match r {
            Ok(Ok(s)) => texts.push(s),
            _ => {
                failed.push(page_num);
                texts.push(String::new());
            }
        }
    }
    if failed.len() == texts.len() {
        return Err(damaged("no page could be read"));
    }
    let mut warnings = Vec::new();
    if !failed.is_empty() {
        let list: Vec<String> = failed.iter().map(u32::to_string).collect();
        warnings.push(Warning {
            code: "pages_unreadable".to_string(),
            message: format!(
                "the text of some pages could not be read (page {}); check the extracted text",
                list.join(", ")
            ),
            excerpt: String::new(),
        });
    }
    let texts: Vec<String> = texts.iter().map(|t| collapse_line_gaps(t)).collect();
    let raw = texts.join("\x0C");
    if raw.trim().is_empty() {
        warnings.push(no_text_warning());
    }
    Ok((raw, warnings))
}

/// pdf-extract separates every line of some producers' PDFs with a blank line, which
/// would make each line a paragraph. When a page has no single line breaks at all, its
/// blank lines are read as line breaks, and normalisation finds the paragraphs again
/// (headings, list items, short last lines).
fn collapse_line_gaps(page: &str) -> String {
    let runs = newline_runs(page);
    let doubles = runs.iter().filter(|&&n| n == 2).count();
    let singles = runs.iter().filter(|&&n| n == 1).count();
    if doubles < 3 || singles * 10 > doubles {
        return page.to_string();
    }
    // Two newlines are a line break; three or more, a paragraph break.
    let mut out = String::with_capacity(page.len());
    let mut run = 0;
    for c in page.chars() {
        if c == '\n' {
            run += 1;
            continue;
        }
        match run {
            0 => {}
            1 | 2 => out.push('\n'),
            _ => out.push_str("\n\n"),
        }
        run = 0;
        out.push(c);
    }
    out
}

/// The lengths of the runs of consecutive newlines in `text`.
fn newline_runs(text: &str) -> Vec<usize> {
    let mut runs = Vec::new();
    let mut run = 0;
    for c in text.chars() {
        if c == '\n' {
            run += 1;
        } else if run > 0 {
            runs.push(run);
            run = 0;
        }
    }
    runs
}

fn is_encryption_error(e: &pdf_extract::Error) -> bool {
    let msg = format!("{e:?}").to_lowercase();
    msg.contains("decrypt") || msg.contains("encrypt") || msg.contains("password")
}

/// Inflates every Flate stream into nothing, refusing once the total passes `max`
/// (a PDF can hide a decompression bomb as easily as a zip).
fn check_inflated_size(doc: &Document, max: u64) -> Result<(), IngestError> {
    let mut total: u64 = 0;
    for obj in doc.objects.values() {
        let Object::Stream(stream) = obj else {
            continue;
        };
        let flate = match stream.dict.get(b"Filter") {
            Ok(Object::Name(n)) => n.as_slice() == b"FlateDecode",
            Ok(Object::Array(a)) => a
                .first()
                .is_some_and(|f| matches!(f, Object::Name(n) if n.as_slice() == b"FlateDecode")),
            _ => false,
        };
        if !flate {
            total = total.saturating_add(stream.content.len() as u64);
            continue;
        }
        let left = max.saturating_sub(total);
        let mut decoder = flate2::read::ZlibDecoder::new(stream.content.as_slice()).take(left + 1);
        let n = std::io::copy(&mut decoder, &mut std::io::sink()).unwrap_or(0);
        total = total.saturating_add(n);
        if total > max {
            return Err(IngestError::TooLarge(format!(
                "the PDF expands to more than {} when its contents are unpacked",
                human_size(max)
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::normalize::{normalise, Mode};

    #[test]
    fn blank_lines_between_every_line_are_line_breaks() {
        // As pdf-extract reads some producers' PDFs (seen with fpdf2): every line apart.
        let page = "\n\nExecutive Summary\n\nChild H was eleven weeks old when she was taken to hospital with\n\na fractured skull.\n\nThe review covered a year.\n\n\n\nRecommendations\n\n1. Health visitors should ask who lives in the household at every\n\ncontact and record any new adult.\n";
        let text = normalise(&collapse_line_gaps(page), Mode::Flowing);
        let paragraphs: Vec<&str> = text.split("\n\n").collect();
        assert_eq!(
            paragraphs,
            [
                "Executive Summary",
                "Child H was eleven weeks old when she was taken to hospital with a fractured skull.",
                "The review covered a year.",
                "Recommendations",
                "1. Health visitors should ask who lives in the household at every contact and record any new adult.",
            ]
        );
    }

    #[test]
    fn single_line_breaks_are_left_alone() {
        let page = "one line\nanother line\n\nnext paragraph\n";
        assert_eq!(collapse_line_gaps(page), page);
    }
}
