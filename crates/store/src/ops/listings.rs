//! Reading the boards' lists of reviews (the `board_reviews` tree, see `listing`).

use crate::codec::decode_json;
use crate::error::Result;
use crate::listing::ReviewListing;
use crate::store::Store;

impl Store {
    /// The reviews of board `board` (every status), in id order.
    pub fn board_listings(&self, board: &str) -> Result<Vec<ReviewListing>> {
        let mut prefix = board.as_bytes().to_vec();
        prefix.push(0);
        self.board_reviews
            .scan_prefix(prefix)
            .map(|entry| {
                let (_, value) = entry?;
                decode_json(&value, "review listing")
            })
            .collect()
    }

    /// The reviews of every board, board by board.
    pub fn all_listings(&self) -> Result<Vec<ReviewListing>> {
        self.board_reviews
            .iter()
            .map(|entry| {
                let (_, value) = entry?;
                decode_json(&value, "review listing")
            })
            .collect()
    }
}
