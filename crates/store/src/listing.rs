//! The reviews of each board, listed without reading the reviews: the `board_reviews`
//! tree holds `board \0 id -> ReviewListing` (what a board's own list shows: title,
//! status, revision, timeliness, last change), written in the same transaction as every
//! revision, so `/my` and other board listings read a few hundred bytes per review
//! instead of decoding every review in the store.
//! A record module: it knows only `codec` and `error`.

use lessons_model::{Review, Status};
use serde::{Deserialize, Serialize};
use sled::transaction::TransactionalTree;

use crate::codec::{decode_json, encode_json};
use crate::error::{abort, Result, TxResult};

/// One review as its board's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewListing {
    pub id: String,
    pub title: String,
    pub board: String,
    pub status: Status,
    pub revision: u32,
    /// `(months, over_six_months)` from commissioning to completion, when both are known.
    pub timeliness: Option<(u32, bool)>,
    pub updated_at: Option<String>,
}

impl ReviewListing {
    pub fn of(review: &Review) -> ReviewListing {
        ReviewListing {
            id: review.id.clone(),
            title: review.title.clone(),
            board: review.board.clone(),
            status: review.status,
            revision: review.revision,
            timeliness: review.timeliness(),
            updated_at: review.updated_at.clone(),
        }
    }
}

/// The key of `id` in board `board`'s list.
pub(crate) fn listing_key(board: &str, id: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(board.len() + id.len() + 1);
    key.extend_from_slice(board.as_bytes());
    key.push(0);
    key.extend_from_slice(id.as_bytes());
    key
}

/// Puts `review` in its board's list, taking it out of `previous_board`'s when it moved.
pub(crate) fn record_listing(
    listings: &TransactionalTree,
    review: &Review,
    previous_board: Option<&str>,
) -> TxResult<()> {
    if let Some(previous) = previous_board.filter(|b| *b != review.board) {
        listings.remove(listing_key(previous, &review.id))?;
    }
    listings.insert(
        listing_key(&review.board, &review.id),
        encode_json(&ReviewListing::of(review)).map_err(abort)?,
    )?;
    Ok(())
}

/// Writes every review's listing afresh (opening a store of an older format, which had
/// none): `listings` is cleared and refilled from `reviews`. Not flushed: the caller
/// flushes with the format version.
pub(crate) fn rebuild_listings(reviews: &sled::Tree, listings: &sled::Tree) -> Result<()> {
    listings.clear()?;
    for entry in reviews.iter() {
        let (_, value) = entry?;
        let review: Review = decode_json(&value, "review")?;
        listings.insert(
            listing_key(&review.board, &review.id),
            encode_json(&ReviewListing::of(&review))?,
        )?;
    }
    Ok(())
}
