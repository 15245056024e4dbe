//! `Content-Disposition: attachment` for every download (RFC 6266): an ASCII fallback in
//! `filename` and the name itself, percent-encoded UTF-8, in `filename*` (RFC 8187), with
//! control and bidirectional-override characters removed from both so that a name
//! people chose cannot disguise its extension ("report\u{202E}fdp.exe").

use actix_web::http::header::{HeaderName, CONTENT_DISPOSITION};

use crate::service::uploads::is_unsafe_in_name;

/// The header that offers `filename` as a download.
pub fn attachment(filename: &str) -> (HeaderName, String) {
    let name: String = filename
        .chars()
        .filter(|c| !is_unsafe_in_name(*c))
        .collect();
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii() && !matches!(c, '"' | '\\') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let value = format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        percent_encode(&name)
    );
    (CONTENT_DISPOSITION, value)
}

/// RFC 8187 `value-chars`: attr-char as it is, every other byte as `%XX`.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || matches!(
                byte,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            );
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_sent_as_they_are_in_both_forms() {
        assert_eq!(
            attachment("lessons-reviews-2026-12-06.csv").1,
            "attachment; filename=\"lessons-reviews-2026-12-06.csv\"; filename*=UTF-8''lessons-reviews-2026-12-06.csv"
        );
    }

    #[test]
    fn other_names_get_an_ascii_fallback_and_their_utf8_form() {
        assert_eq!(
            attachment("résumé “A”.pdf").1,
            "attachment; filename=\"r_sum_ _A_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%E2%80%9CA%E2%80%9D.pdf"
        );
        assert_eq!(
            attachment("a\"b\\c.txt").1,
            "attachment; filename=\"a_b_c.txt\"; filename*=UTF-8''a%22b%5Cc.txt"
        );
    }

    #[test]
    fn bidi_and_control_characters_are_removed() {
        let (_, value) = attachment("child\u{202E}fdp.txt\u{7}");
        assert!(value.is_ascii());
        assert_eq!(
            value,
            "attachment; filename=\"childfdp.txt\"; filename*=UTF-8''childfdp.txt"
        );
        let (_, isolated) = attachment("x\u{2066}y\u{200F}.pdf");
        assert_eq!(
            isolated,
            "attachment; filename=\"xy.pdf\"; filename*=UTF-8''xy.pdf"
        );
    }
}
