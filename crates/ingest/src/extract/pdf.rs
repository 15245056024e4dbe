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
//!
//! pdf-extract follows the `Do` operator into Form XObjects by recursion, with no loop
//! check, and looks up inherited page attributes by recursion along `/Parent`; a stack
//! overflow aborts the process (`catch_unwind` cannot catch it). So before any page is
//! read, [`check_drawing_structure`] replays those walks with explicit bounds and
//! refuses loops, forms nested more than [`MAX_FORM_NESTING`] deep and drawings that
//! expand past [`MAX_FORM_DRAWS`] forms. The thread also gets a large stack
//! ([`THREAD_STACK`]) so that deep but bounded work is safe.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::Once;
use std::thread;

use pdf_extract::content::Content;
use pdf_extract::{Dictionary, Document, Object, ObjectId, Stream};

use crate::extract::bytes::{find, human_size};
use crate::extract::pdf_layout::LaidOut;
use crate::types::{IngestError, Limits, Warning};

/// Name of the extraction threads; the panic hook stays quiet for them.
const THREAD_NAME: &str = "lessons-ingest-pdf";
/// Stack of the extraction thread: pdf-extract and lopdf recurse.
const THREAD_STACK: usize = 32 << 20;
/// Deepest chain of Form XObjects drawing one another.
pub(crate) const MAX_FORM_NESTING: usize = 20;
/// Most Form XObjects drawn in the whole document, counting each time a form is drawn
/// (a form drawn twice by a form drawn twice is four).
pub(crate) const MAX_FORM_DRAWS: u64 = 100_000;
/// Longest `/Parent` chain from a page to the root of the page tree.
const MAX_PAGE_TREE_DEPTH: usize = 256;

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
    // The one copy of the upload: the thread may outlive this call (a timed-out thread is
    // abandoned), so it cannot borrow `bytes`. It is freed as soon as lopdf has parsed it.
    let data = bytes.to_vec();
    let max_inflated = limits.max_decompressed_bytes;
    let (tx, rx) = mpsc::sync_channel(1);
    let started = std::time::Instant::now();
    thread::Builder::new()
        .name(THREAD_NAME.to_string())
        .stack_size(THREAD_STACK)
        .spawn(move || {
            let result = panic::catch_unwind(AssertUnwindSafe(|| read_pages(data, max_inflated)));
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

fn read_pages(data: Vec<u8>, max_inflated: u64) -> Result<(String, Vec<Warning>), IngestError> {
    let mut doc = Document::load_mem(&data).map_err(|e| {
        if is_encryption_error(&e) || find(&data, b"/Encrypt").is_some() {
            IngestError::Encrypted
        } else {
            damaged(e)
        }
    })?;
    let declares_encryption = find(&data, b"/Encrypt").is_some();
    drop(data);
    // lopdf opens PDFs encrypted only to set permissions (empty user password) by
    // itself; anything still encrypted needs a password we do not have.
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(IngestError::Encrypted);
    }
    // A file that declares encryption and whose objects make no sense once opened with
    // the empty password is protected by a password we do not have, not damaged.
    if declares_encryption && doc.get_pages().is_empty() {
        return Err(IngestError::Encrypted);
    }
    check_inflated_size(&doc, max_inflated)?;
    check_drawing_structure(&doc, max_inflated)?;
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(damaged("it has no pages"));
    }
    let mut texts = Vec::with_capacity(pages.len());
    let mut failed = Vec::new();
    for &page_num in pages.keys() {
        let r = panic::catch_unwind(AssertUnwindSafe(|| {
            let mut out = LaidOut::new();
            pdf_extract::output_doc_page(&doc, &mut out, page_num).map(|_| out.finish())
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
    let blank: Vec<String> = texts
        .iter()
        .enumerate()
        .filter(|(i, text)| text.trim().is_empty() && !failed.contains(&(*i as u32 + 1)))
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    if !blank.is_empty() && blank.len() < texts.len() {
        warnings.push(Warning {
            code: "pages_without_text".to_string(),
            message: format!(
                "no text was found on page {} (a scanned page, or a font that cannot be read); check the extracted text",
                blank.join(", ")
            ),
            excerpt: String::new(),
        });
    }
    let raw = texts.join("\x0C");
    if raw.trim().is_empty() {
        warnings.push(Warning::no_text());
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

/// Replays, with bounds, the walks pdf-extract makes by recursion: up each page's
/// `/Parent` chain (inherited `/Resources` and `/MediaBox`) and into every Form XObject
/// a content stream draws with `Do` (using the form's own `/Resources`, or else the
/// resources it was drawn with, as pdf-extract does).
///
/// Refuses a `/Parent` chain that loops, a form that draws itself (directly or through
/// others), forms nested more than [`MAX_FORM_NESTING`] deep, more than
/// [`MAX_FORM_DRAWS`] form drawings in all, or drawing instructions expanding past
/// four times `max_inflated`. Forms are memoised by (stream, resources), so the check
/// itself decodes each pair once however often it is drawn.
fn check_drawing_structure(doc: &Document, max_inflated: u64) -> Result<(), IngestError> {
    let mut forms = Forms {
        doc,
        seen: HashMap::new(),
        path: Vec::new(),
        decoded: 0,
        max_decoded: max_inflated,
    };
    let mut total = Cost::default();
    let max_expanded = max_inflated.saturating_mul(4);
    for &page_id in doc.get_pages().values() {
        let resources = page_resources(doc, page_id)?;
        let Ok(content) = doc.get_page_content(page_id) else {
            continue; // pdf-extract fails this page by itself
        };
        forms.decoded = forms.decoded.saturating_add(content.len() as u64);
        let page = forms.draws_in(&content, resources, 0)?;
        total.draws = total.draws.saturating_add(page.draws);
        total.bytes = total
            .bytes
            .saturating_add(page.bytes)
            .saturating_add(content.len() as u64);
        if total.draws > MAX_FORM_DRAWS {
            return Err(damaged(format_args!(
                "its pages draw more than {MAX_FORM_DRAWS} embedded drawings"
            )));
        }
        if total.bytes > max_expanded {
            return Err(IngestError::TooLarge(format!(
                "the PDF's pages expand to more than {} of drawing instructions",
                human_size(max_expanded)
            )));
        }
    }
    Ok(())
}

/// The resources a page inherits, found as pdf-extract finds them (the nearest
/// `/Resources` dictionary up the `/Parent` chain). The whole chain is walked, since
/// pdf-extract walks it for `/MediaBox` too; a chain that loops or is longer than
/// [`MAX_PAGE_TREE_DEPTH`] is refused.
fn page_resources(doc: &Document, page_id: ObjectId) -> Result<Option<&Dictionary>, IngestError> {
    let Ok(mut dict) = doc.get_dictionary(page_id) else {
        return Ok(None);
    };
    let mut chain = HashSet::from([page_id]);
    let mut resources = None;
    loop {
        if resources.is_none() {
            resources = get_deref(doc, dict, b"Resources").and_then(|o| o.as_dict().ok());
        }
        let Ok(parent) = dict.get(b"Parent").and_then(Object::as_reference) else {
            return Ok(resources);
        };
        if !chain.insert(parent) || chain.len() > MAX_PAGE_TREE_DEPTH {
            return Err(damaged("its page tree loops back on itself"));
        }
        let Ok(next) = doc.get_dictionary(parent) else {
            return Ok(resources);
        };
        dict = next;
    }
}

/// `dict[key]`, following one reference as pdf-extract does.
fn get_deref<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    match dict.get(key).ok()? {
        Object::Reference(id) => doc.get_object(*id).ok(),
        o => Some(o),
    }
}

/// What drawing a content stream costs pdf-extract, forms included.
#[derive(Clone, Copy, Default)]
struct Cost {
    /// Form XObjects drawn, counting repeats.
    draws: u64,
    /// Bytes of form content parsed, counting repeats.
    bytes: u64,
    /// Deepest chain of forms below (1 for a form that draws no form).
    height: usize,
}

/// A form as pdf-extract meets it: the stream and the resources it is read with
/// (by address; both live in the borrowed document).
type FormKey = (usize, usize);

struct Forms<'a> {
    doc: &'a Document,
    /// Forms already checked and what they cost.
    seen: HashMap<FormKey, Cost>,
    /// Forms being drawn, outermost first.
    path: Vec<FormKey>,
    /// Bytes decoded by the check itself.
    decoded: u64,
    max_decoded: u64,
}

impl<'a> Forms<'a> {
    /// The cost of the forms drawn by `content`, which is `depth` forms deep.
    fn draws_in(
        &mut self,
        content: &[u8],
        resources: Option<&'a Dictionary>,
        depth: usize,
    ) -> Result<Cost, IngestError> {
        let mut cost = Cost::default();
        let Some(resources) = resources else {
            return Ok(cost); // pdf-extract cannot resolve a `Do` without resources
        };
        let Ok(content) = Content::decode(content) else {
            return Ok(cost); // pdf-extract fails this stream by itself
        };
        for op in &content.operations {
            if op.operator != "Do" {
                continue;
            }
            let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) else {
                continue;
            };
            let Some(form) = get_deref(self.doc, resources, b"XObject")
                .and_then(|o| o.as_dict().ok())
                .and_then(|xobjects| get_deref(self.doc, xobjects, name))
                .and_then(|o| o.as_stream().ok())
            else {
                continue;
            };
            let below = self.form(form, resources, depth + 1)?;
            cost.draws = cost.draws.saturating_add(below.draws);
            cost.bytes = cost.bytes.saturating_add(below.bytes);
            cost.height = cost.height.max(below.height);
            if cost.draws > MAX_FORM_DRAWS {
                return Err(damaged(format_args!(
                    "its pages draw more than {MAX_FORM_DRAWS} embedded drawings"
                )));
            }
        }
        Ok(cost)
    }

    /// The cost of drawing `form` (drawn with `inherited` resources) at `depth`.
    /// Recursion here is bounded by [`MAX_FORM_NESTING`].
    fn form(
        &mut self,
        form: &'a Stream,
        inherited: &'a Dictionary,
        depth: usize,
    ) -> Result<Cost, IngestError> {
        let too_deep = || {
            damaged(format_args!(
                "its drawings are nested more than {MAX_FORM_NESTING} deep"
            ))
        };
        if depth > MAX_FORM_NESTING {
            return Err(too_deep());
        }
        let resources = get_deref(self.doc, &form.dict, b"Resources")
            .and_then(|o| o.as_dict().ok())
            .unwrap_or(inherited);
        let key: FormKey = (
            form as *const Stream as usize,
            resources as *const Dictionary as usize,
        );
        if let Some(&cost) = self.seen.get(&key) {
            if depth + cost.height - 1 > MAX_FORM_NESTING {
                return Err(too_deep());
            }
            return Ok(cost);
        }
        if self.path.contains(&key) {
            return Err(damaged("an embedded drawing in it draws itself"));
        }
        // As pdf-extract reads a form's content.
        let content = if form.filters().is_ok() {
            form.decompressed_content()
                .unwrap_or_else(|_| form.content.clone())
        } else {
            form.content.clone()
        };
        self.decoded = self.decoded.saturating_add(content.len() as u64);
        if self.decoded > self.max_decoded {
            return Err(IngestError::TooLarge(format!(
                "the PDF's drawings expand to more than {} when unpacked",
                human_size(self.max_decoded)
            )));
        }
        self.path.push(key);
        let below = self.draws_in(&content, Some(resources), depth)?;
        self.path.pop();
        let cost = Cost {
            draws: below.draws.saturating_add(1),
            bytes: below.bytes.saturating_add(content.len() as u64),
            height: below.height + 1,
        };
        self.seen.insert(key, cost);
        Ok(cost)
    }
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
