//! Resumption tokens: stateless and tamper-evident. A token holds everything needed to
//! continue a list (the verb, format, set, `from`, the `until` the harvest froze at its
//! first page, the datestamp and id of the last record sent, how many were sent, and
//! when it was issued), as URL-safe base64 of JSON, followed by an HMAC-SHA256 of that
//! text under the repository's secret key. An altered, foreign or expired token is
//! refused (badResumptionToken).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// How long a token stays valid, in seconds (a day).
pub const LIFETIME_SECONDS: i64 = 24 * 60 * 60;

/// Where a list harvest stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// `ListRecords` or `ListIdentifiers`.
    pub verb: String,
    pub prefix: String,
    pub set: Option<String>,
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    pub until: i64,
    /// The last record sent: its datestamp (Unix seconds) and id.
    pub after: (i64, String),
    /// Records sent so far.
    pub cursor: usize,
    /// When the token was issued (Unix seconds).
    pub issued: i64,
}

/// Signs `position` as a token.
pub fn issue(position: &Position, key: &[u8]) -> String {
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(position).unwrap_or_default());
    let signature = URL_SAFE_NO_PAD.encode(sign(body.as_bytes(), key));
    format!("{body}.{signature}")
}

/// The position a token holds, if it is one of ours, unaltered and not expired at `now`.
pub fn read(token: &str, key: &[u8], now: i64) -> Option<Position> {
    let (body, signature) = token.split_once('.')?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    mac.update(body.as_bytes());
    mac.verify_slice(&signature).ok()?;
    let position: Position = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()?;
    (now - position.issued <= LIFETIME_SECONDS && position.issued <= now + 60).then_some(position)
}

fn sign(body: &[u8], key: &[u8]) -> Vec<u8> {
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(body);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position() -> Position {
        Position {
            verb: "ListRecords".into(),
            prefix: "oai_dc".into(),
            set: Some("board:barsetshire".into()),
            from: None,
            until: 2_000_000_000,
            after: (1_300_000_000, "scr-2011-barsetshire-0001".into()),
            cursor: 100,
            issued: 1_700_000_000,
        }
    }

    #[test]
    fn a_token_reads_back_and_an_altered_or_old_one_does_not() {
        let key = [7u8; 32];
        let token = issue(&position(), &key);
        assert_eq!(read(&token, &key, 1_700_000_100), Some(position()));
        assert_eq!(read(&token, &[8u8; 32], 1_700_000_100), None, "another key");
        assert_eq!(
            read(&token, &key, 1_700_000_000 + LIFETIME_SECONDS + 1),
            None,
            "expired"
        );
        let (body, signature) = token.split_once('.').unwrap();
        let mut altered = position();
        altered.cursor = 0;
        let forged_body = issue(&altered, &key).split_once('.').unwrap().0.to_string();
        assert_eq!(
            read(&format!("{forged_body}.{signature}"), &key, 1_700_000_100),
            None
        );
        assert_eq!(
            read(&format!("{body}x.{signature}"), &key, 1_700_000_100),
            None
        );
        assert_eq!(read("nonsense", &key, 1_700_000_100), None);
    }
}
