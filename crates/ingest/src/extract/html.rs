//! HTML: a small forgiving tokenizer (no external parser). Tags are stripped, block
//! elements become paragraphs, list items become paragraphs prefixed "• " or their
//! number, `<br>` a line break, entities are decoded. A table is one paragraph with a
//! line per row and its cells separated by `" | "` (blocks inside a cell are spaces), as
//! the suggestions read tables. Script, style and page chrome
//! (nav, header, footer, aside, and elements whose class, id or role names a
//! breadcrumb, navigation, menu, footer, cookie banner or skip link) are dropped.

use std::collections::HashMap;

/// Elements whose content is raw text up to the matching end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
    "template", "svg", "math",
];
/// Elements dropped with everything inside them.
const DROPPED: &[&str] = &[
    "head", "nav", "aside", "button", "select", "form", "dialog", "object", "canvas", "map",
];
/// Void elements: never have an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
/// Elements that start and end a paragraph.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "caption",
    "blockquote",
    "pre",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "address",
    "figure",
    "figcaption",
    "fieldset",
    "details",
    "summary",
    "hr",
    "body",
    "html",
    "center",
];
/// class/id/role fragments that mark page chrome.
const CHROME: &[&str] = &[
    "breadcrumb",
    "nav",
    "menu",
    "footer",
    "cookie",
    "skip",
    "banner",
    "contentinfo",
];

/// Deepest element nesting kept for structure. Past it, elements are only counted:
/// each is assumed closed by the next end tag, whatever its name, and keeps only
/// whether it is dropped and whether it breaks a paragraph.
pub(crate) const MAX_DEPTH: usize = 512;

struct Open {
    name: String,
    dropped: bool,
    /// For `ol`: the next item number; for `ul`: `None`.
    counter: Option<i64>,
}

/// An element open past [`MAX_DEPTH`].
struct Deeper {
    dropped: bool,
    block: bool,
}

/// The open elements, with running counts and an index by name, so that no tag or
/// text run has to scan the stack: the work per tag is constant apart from popping.
#[derive(Default)]
struct Tree {
    stack: Vec<Open>,
    /// Stack positions of the open elements of each name, in order.
    open_at: HashMap<String, Vec<usize>>,
    /// Open elements that are dropped (their content is not text).
    dropped: usize,
    /// Open `article` and `main` elements.
    article: usize,
    /// Elements open past [`MAX_DEPTH`], innermost last.
    overflow: Vec<Deeper>,
}

impl Tree {
    fn in_dropped(&self) -> bool {
        self.dropped > 0
    }

    fn push(&mut self, open: Open) {
        self.dropped += usize::from(open.dropped);
        self.article += usize::from(matches!(open.name.as_str(), "article" | "main"));
        self.open_at
            .entry(open.name.clone())
            .or_default()
            .push(self.stack.len());
        self.stack.push(open);
    }

    fn pop(&mut self) -> Option<Open> {
        let open = self.stack.pop()?;
        self.dropped -= usize::from(open.dropped);
        self.article -= usize::from(matches!(open.name.as_str(), "article" | "main"));
        if let Some(at) = self.open_at.get_mut(&open.name) {
            at.pop();
        }
        Some(open)
    }

    /// Position of the innermost open element named `name`.
    fn last(&self, name: &str) -> Option<usize> {
        self.open_at.get(name).and_then(|at| at.last().copied())
    }

    /// Position of the innermost open element with one of `names`.
    fn last_of(&self, names: &[&str]) -> Option<usize> {
        names.iter().filter_map(|n| self.last(n)).max()
    }
}

struct Out {
    text: String,
    pre: usize,
}

impl Out {
    fn block_break(&mut self) {
        let t = self.text.trim_end_matches([' ', '\t']);
        let len = t.len();
        self.text.truncate(len);
        if !self.text.is_empty() && !self.text.ends_with("\n\n") {
            if self.text.ends_with('\n') {
                self.text.push('\n');
            } else {
                self.text.push_str("\n\n");
            }
        }
    }
    fn line_break(&mut self) {
        self.text.push('\n');
    }
    fn push_text(&mut self, s: &str) {
        if self.pre > 0 {
            self.text.push_str(s);
            return;
        }
        for c in s.chars() {
            if c.is_whitespace() && c != '\u{A0}' {
                if !self.text.is_empty() && !self.text.ends_with([' ', '\n']) {
                    self.text.push(' ');
                }
            } else {
                self.text.push(c);
            }
        }
    }
}

/// Raw text of an HTML document: paragraphs separated by blank lines.
pub(super) fn extract(html: &str) -> String {
    let mut out = Out {
        text: String::new(),
        pre: 0,
    };
    let mut tree = Tree::default();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            emit_text(&mut out, &tree, rest);
            break;
        };
        if lt > 0 {
            emit_text(&mut out, &tree, &rest[..lt]);
            rest = &rest[lt..];
        }
        // rest starts with '<'
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest.find('>').map_or("", |e| &rest[e + 1..]);
            continue;
        }
        let Some(tag) = parse_tag(rest) else {
            emit_text(&mut out, &tree, "<");
            rest = &rest[1..];
            continue;
        };
        rest = &rest[tag.len..];
        if tag.end {
            end_tag(&mut out, &mut tree, &tag.name);
            continue;
        }
        let name = tag.name.as_str();
        if RAW_TEXT.contains(&name) {
            // Skip to the matching end tag, case-insensitively.
            let close = format!("</{name}");
            rest = match find_ci(rest, &close) {
                Some(i) => {
                    let after = &rest[i..];
                    after.find('>').map_or("", |e| &after[e + 1..])
                }
                None => "",
            };
            continue;
        }
        start_tag(&mut out, &mut tree, &tag);
    }
    out.text
}

fn emit_text(out: &mut Out, tree: &Tree, raw: &str) {
    if tree.in_dropped() {
        return;
    }
    out.push_text(&decode_entities(raw));
}

fn start_tag(out: &mut Out, tree: &mut Tree, tag: &Tag) {
    let name = tag.name.as_str();
    let dropped_already = tree.in_dropped();
    if VOID.contains(&name) {
        if !dropped_already {
            match name {
                "br" => out.line_break(),
                "hr" => brk(out, tree),
                "img" => {}
                _ => {}
            }
        }
        return;
    }
    if !tree.overflow.is_empty() || tree.stack.len() >= MAX_DEPTH {
        // Too deep to track: keep dropped content out and paragraphs apart.
        let dropped = DROPPED.contains(&name)
            || (matches!(name, "header" | "footer") && tree.article == 0)
            || tag.chrome
            || tag.hidden;
        let block = BLOCK.contains(&name);
        if !dropped_already && !dropped {
            if matches!(name, "td" | "th") {
                out.push_text(" ");
            } else if block {
                out.block_break();
            }
        }
        tree.dropped += usize::from(dropped);
        tree.overflow.push(Deeper { dropped, block });
        return;
    }
    // Implied end tags: a block closes an open <p>; an <li> closes the previous <li>.
    if BLOCK.contains(&name) && tree.stack.last().is_some_and(|o| o.name == "p") {
        end_tag(out, tree, "p");
    }
    if matches!(name, "li" | "dt" | "dd" | "tr" | "td" | "th" | "option") {
        let siblings: &[&str] = match name {
            "li" => &["li"],
            "dt" | "dd" => &["dt", "dd"],
            "tr" => &["tr"],
            _ => &["td", "th"],
        };
        let boundary: &[&str] = &["ul", "ol", "dl", "table", "tr", "tbody", "thead"];
        // The innermost sibling, unless a list or table boundary opened after it
        // (a sibling name that is also a boundary, `tr`, is the sibling).
        if let Some(at) = tree.last_of(siblings) {
            if tree.last_of(boundary).is_none_or(|b| b <= at) {
                let n = tree.stack[at].name.clone();
                end_tag(out, tree, &n);
            }
        }
    }
    let dropped = DROPPED.contains(&name)
        || (matches!(name, "header" | "footer") && tree.article == 0)
        || tag.chrome
        || tag.hidden;
    let mut counter = None;
    if name == "ol" {
        counter = Some(tag.start.unwrap_or(1));
    }
    if name == "tr" {
        // The cells opened so far in this row.
        counter = Some(0);
    }
    if !dropped_already && !dropped {
        if matches!(name, "td" | "th") {
            let row = tree
                .last("tr")
                .filter(|r| tree.last("table").is_none_or(|t| t < *r));
            match row.map(|r| &mut tree.stack[r]) {
                Some(Open {
                    counter: Some(cells),
                    ..
                }) => {
                    if *cells > 0 {
                        out.push_text(" | ");
                    }
                    *cells = cells.saturating_add(1);
                }
                _ => out.push_text(" "),
            }
        } else if name == "tr" && !in_cell(tree) {
            if !out.text.is_empty() && !out.text.ends_with('\n') {
                out.line_break();
            }
        } else if BLOCK.contains(&name) {
            brk(out, tree);
        }
        if name == "pre" {
            out.pre += 1;
        }
        if name == "li" {
            let list = tree.last_of(&["ul", "ol"]).map(|at| &mut tree.stack[at]);
            let marker = match list {
                Some(Open {
                    counter: Some(c), ..
                }) => {
                    let n = tag.value.unwrap_or(*c);
                    *c = n.saturating_add(1);
                    format!("{n}. ")
                }
                _ => "• ".to_string(),
            };
            out.text.push_str(&marker);
        }
    }
    tree.push(Open {
        name: name.to_string(),
        dropped,
        counter,
    });
}

fn end_tag(out: &mut Out, tree: &mut Tree, name: &str) {
    if let Some(deeper) = tree.overflow.pop() {
        // Closes the innermost untracked element.
        tree.dropped -= usize::from(deeper.dropped);
        if !deeper.dropped && !tree.in_dropped() && deeper.block {
            out.block_break();
        }
        return;
    }
    let Some(pos) = tree.last(name) else {
        if name == "p" || name == "br" {
            brk(out, tree);
        }
        return;
    };
    while tree.stack.len() > pos {
        let Some(open) = tree.pop() else { break };
        let dropped = open.dropped || tree.in_dropped();
        if dropped {
            continue;
        }
        if open.name == "pre" {
            out.pre = out.pre.saturating_sub(1);
        }
        if BLOCK.contains(&open.name.as_str()) {
            brk(out, tree);
        }
    }
}

/// Whether the innermost open table has a cell open: blocks there are spaces, so that a
/// row stays one line.
fn in_cell(tree: &Tree) -> bool {
    match (tree.last_of(&["td", "th"]), tree.last("table")) {
        (Some(cell), Some(table)) => cell > table,
        (Some(_), None) => true,
        _ => false,
    }
}

/// A paragraph break, or a space inside a table cell.
fn brk(out: &mut Out, tree: &Tree) {
    if in_cell(tree) {
        out.push_text(" ");
    } else {
        out.block_break();
    }
}

struct Tag {
    name: String,
    end: bool,
    /// Bytes of input the tag spans.
    len: usize,
    chrome: bool,
    hidden: bool,
    start: Option<i64>,
    value: Option<i64>,
}

/// Parses `<name attr=...>` or `</name>` at the start of `s`; `None` if it is not a tag.
fn parse_tag(s: &str) -> Option<Tag> {
    let b = s.as_bytes();
    let mut i = 1;
    let end = b.get(1) == Some(&b'/');
    if end {
        i = 2;
    }
    if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let name_start = i;
    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    let name = s[name_start..i].to_ascii_lowercase();
    let mut tag = Tag {
        name,
        end,
        len: 0,
        chrome: false,
        hidden: false,
        start: None,
        value: None,
    };
    // Attributes.
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            tag.len = b.len();
            return Some(tag);
        }
        if b[i] == b'>' {
            tag.len = i + 1;
            return Some(tag);
        }
        let an_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let attr = s[an_start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = "";
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vs = i + 1;
                i = vs;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                value = &s[vs..i];
                i = (i + 1).min(b.len());
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = &s[vs..i];
            }
        }
        let v = value.to_ascii_lowercase();
        match attr.as_str() {
            "class" | "id" | "role" => tag.chrome |= CHROME.iter().any(|c| v.contains(c)),
            "hidden" => tag.hidden = true,
            "aria-hidden" => tag.hidden |= v == "true",
            "start" => tag.start = v.trim().parse().ok(),
            "value" => tag.value = v.trim().parse().ok(),
            _ => {}
        }
        // Progress is guaranteed: an empty name means `b[i]` was '=', consumed above.
    }
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Decodes character references: numeric ones and the common named ones.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest
            .char_indices()
            .skip(1)
            .take(32)
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|(i, _)| i);
        let (body, consumed) = match end {
            Some(e) if rest[e..].starts_with(';') => (&rest[1..e], e + 1),
            Some(e) => (&rest[1..e], e),
            None => (&rest[1..], rest.len()),
        };
        match decode_one(body) {
            Some(c) => {
                out.push_str(&c);
                rest = &rest[consumed..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_one(body: &str) -> Option<String> {
    if let Some(num) = body.strip_prefix('#') {
        let n = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        // References in 0x80..0x9F mean Windows-1252 characters.
        if (0x80..=0x9F).contains(&n) {
            let byte = [n as u8];
            let (cow, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
            return Some(cow.into_owned());
        }
        let c = char::from_u32(n).filter(|c| !c.is_control() || c.is_whitespace())?;
        return Some(c.to_string());
    }
    let c = match body {
        "amp" | "AMP" => "&",
        "lt" | "LT" => "<",
        "gt" | "GT" => ">",
        "quot" | "QUOT" => "\"",
        "apos" => "'",
        "nbsp" => "\u{A0}",
        "ensp" | "emsp" | "thinsp" => " ",
        "ndash" => "–",
        "mdash" => "—",
        "lsquo" => "‘",
        "rsquo" => "’",
        "sbquo" => "‚",
        "ldquo" => "“",
        "rdquo" => "”",
        "bdquo" => "„",
        "hellip" => "…",
        "bull" => "•",
        "middot" => "·",
        "pound" => "£",
        "euro" => "€",
        "cent" => "¢",
        "yen" => "¥",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "sect" => "§",
        "para" => "¶",
        "deg" => "°",
        "plusmn" => "±",
        "times" => "×",
        "divide" => "÷",
        "frac12" => "½",
        "frac14" => "¼",
        "frac34" => "¾",
        "laquo" => "«",
        "raquo" => "»",
        "shy" => "\u{AD}",
        "zwj" => "\u{200D}",
        "zwnj" => "\u{200C}",
        "dagger" => "†",
        "Dagger" => "‡",
        "prime" => "′",
        "rarr" => "→",
        "larr" => "←",
        "aacute" => "á",
        "eacute" => "é",
        "iacute" => "í",
        "oacute" => "ó",
        "uacute" => "ú",
        "Eacute" => "É",
        "agrave" => "à",
        "egrave" => "è",
        "ecirc" => "ê",
        "acirc" => "â",
        "ocirc" => "ô",
        "auml" => "ä",
        "ouml" => "ö",
        "uuml" => "ü",
        "euml" => "ë",
        "iuml" => "ï",
        "ccedil" => "ç",
        "ntilde" => "ñ",
        "szlig" => "ß",
        "oslash" => "ø",
        "aring" => "å",
        "aelig" => "æ",
        "oelig" => "œ",
        _ => return None,
    };
    Some(c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a &amp; b &lt;c&gt; &#8220;q&#x201D; &#150; &pound;5 &nope; & x"),
            "a & b <c> “q” – £5 &nope; & x"
        );
    }

    #[test]
    fn structure_and_chrome() {
        let html = r#"<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head>
<body><header><a href="/">Home</a></header>
<nav><ul><li>Menu item</li></ul></nav>
<div class="breadcrumbs">Home &gt; Reviews</div>
<main><h1>Child A</h1><p>First   para
 text.<p>Second<br>line</p>
<ol><li>One<li>Two</ol><ul><li>Bullet</li></ul>
<script>var x = "<p>no</p>";</script>
<table><tr><td>a</td><td>b</td></tr></table></main>
<div id="cookie-banner">We use cookies</div>
<footer>Footer text</footer></body></html>"#;
        let got = extract(html);
        let got =
            crate::extract::normalize::normalise(&got, crate::extract::normalize::Mode::Blocks);
        assert_eq!(
            got,
            "Child A\n\nFirst para text.\n\nSecond\nline\n\n1. One\n\n2. Two\n\n• Bullet\n\na | b"
        );
    }
}
