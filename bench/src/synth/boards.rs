//! The synthetic boards: [`BOARD_COUNT`] Local Safeguarding Children Boards with
//! invented place names, spread evenly over every region. A board is a pure function
//! of its number, so a review needs only the number to know its board's slug, place
//! and region.

use lessons_model::vocab::REGIONS;
use lessons_model::Board;

/// How many boards the synthetic corpus has.
pub const BOARD_COUNT: usize = 150;

/// First syllables of invented place names.
const HEADS: &[&str] = &[
    "Quen", "Irn", "Zeth", "Vant", "Ulth", "Kest", "Yarl", "Pell", "Orm", "Drom", "Gorse", "Selk",
    "Wend", "Lynd", "Mirk", "Oss", "Brisk", "Hask", "Tharn", "Quill",
];

/// Last syllables of invented place names (16: coprime with the stride 13 of
/// [`place_name`], which keeps every name different).
const TAILS: &[&str] = &[
    "vale", "ford", "ham", "bury", "mere", "ton", "ley", "worth", "field", "wick", "stow", "dale",
    "combe", "by", "thorpe", "marsh",
];

/// Every synthetic board, in number order.
pub fn boards() -> Vec<Board> {
    (0..BOARD_COUNT).map(board).collect()
}

/// Board number `n` (0-based).
pub fn board(n: usize) -> Board {
    let place = place_name(n);
    let region = region(n);
    let name = if region == "wales" {
        format!("{place} Regional Safeguarding Children Board")
    } else {
        format!("{place} Local Safeguarding Children Board")
    };
    Board {
        slug: slug(n),
        name,
        region: region.to_string(),
    }
}

/// `synth-board-001` for board 0.
pub fn slug(n: usize) -> String {
    format!("synth-board-{:03}", n + 1)
}

/// The region of board `n`: regions in turn, so each has a tenth of the boards.
pub fn region(n: usize) -> &'static str {
    REGIONS[n % REGIONS.len()].slug
}

/// The invented place of board `n` ("Quenvale"). Names are distinct for
/// `n < HEADS.len() * TAILS.len()`: boards with the same head differ in
/// `13 * (n / HEADS.len()) mod TAILS.len()`, and 13 is coprime with 16.
pub fn place_name(n: usize) -> String {
    let head = n % HEADS.len();
    let round = n / HEADS.len();
    let tail = (13 * round + 3 * head) % TAILS.len();
    format!("{}{}", HEADS[head], TAILS[tail])
}

#[cfg(test)]
mod tests {
    use super::*;
    use lessons_model::validate_board;
    use std::collections::HashSet;

    #[test]
    fn boards_are_valid_distinct_and_cover_every_region() {
        let all = boards();
        assert_eq!(all.len(), BOARD_COUNT);
        for board in &all {
            assert_eq!(validate_board(board), Ok(()), "{board:?}");
        }
        let names: HashSet<_> = all.iter().map(|b| b.name.as_str()).collect();
        let slugs: HashSet<_> = all.iter().map(|b| b.slug.as_str()).collect();
        assert_eq!((names.len(), slugs.len()), (BOARD_COUNT, BOARD_COUNT));
        for region in REGIONS {
            let count = all.iter().filter(|b| b.region == region.slug).count();
            assert_eq!(count, BOARD_COUNT / REGIONS.len(), "{}", region.slug);
        }
        assert_eq!(all[0].slug, "synth-board-001");
    }
}
