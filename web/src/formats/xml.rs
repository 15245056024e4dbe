//! Text in XML documents (the Atom feeds, OAI-PMH answers, sitemaps): escaped, and
//! without the characters XML 1.0 cannot carry at all.

/// Escapes text for XML, leaving out the characters XML 1.0 cannot carry at all (control
/// characters other than tab, line feed and carriage return, U+FFFE, U+FFFF): a title
/// pasted with a stray control character must not make the whole feed unreadable.
pub fn escape(text: &str) -> String {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{fffe}' | '\u{ffff}'))
    };
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|c| allowed(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_carry() {
        assert_eq!(
            escape("<b>\u{1}A&B\u{b}\u{c}\t\r\n\u{fffe}\"'</b>"),
            "&lt;b&gt;A&amp;B\t\r\n&quot;&#x27;&lt;/b&gt;"
        );
    }
}
