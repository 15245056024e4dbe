//! Review ids, `scr-YEAR-BOARD-NNNN`, and the per-board counters in `meta` that issue
//! them (the last number issued, never lowered). A record module: it knows only `codec`
//! and `error`.

use lessons_model::validate::is_board_slug;
use sled::transaction::TransactionalTree;

use crate::codec::decode_u64;
use crate::error::{abort, TxResult};

/// The board slug and the number of an id the store issues (`scr-YEAR-BOARD-NNNN`,
/// the number at most `u32::MAX`, so that counting on from it cannot overflow).
pub fn review_id_parts(id: &str) -> Option<(&str, u64)> {
    let rest = id.strip_prefix("scr-")?;
    let (year, rest) = rest.split_once('-')?;
    let (slug, number) = rest.rsplit_once('-')?;
    let all_digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(year) || !all_digits(number) || !is_board_slug(slug) {
        return None;
    }
    let number: u32 = number.parse().ok()?;
    Some((slug, u64::from(number)))
}

/// The id of the `number`-th review of board `slug`, dated `year`.
pub(crate) fn review_id(year: i32, slug: &str, number: u64) -> String {
    format!("scr-{year}-{slug}-{number:04}")
}

/// Key of a board's id counter in `meta`: the last number issued.
pub(crate) fn counter_key(slug: &str) -> Vec<u8> {
    format!("next/{slug}").into_bytes()
}

/// The last id number issued under `counter_key` (0 when none).
pub(crate) fn last_number(meta: &TransactionalTree, counter_key: &[u8]) -> TxResult<u64> {
    match meta.get(counter_key)? {
        Some(bytes) => decode_u64(&bytes, "id counter").map_err(abort),
        None => Ok(0),
    }
}
