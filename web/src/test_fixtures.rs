//! Records the crate's unit tests share: one board and a public review of it.

use lessons_model::{Board, Review, Status};

/// The board every fixture review belongs to.
pub fn board() -> Board {
    Board {
        slug: "barsetshire".into(),
        name: "Barsetshire LSCB".into(),
        region: "south_west".into(),
    }
}

/// A published review of [`board`] whose summary mentions a wombat.
pub fn review(title: &str) -> Review {
    Review {
        title: title.into(),
        board: "barsetshire".into(),
        incident: "death".into(),
        review_type: "serious_case_review".into(),
        summary: "A wombat was seen at every visit.".into(),
        status: Status::Published,
        ..Review::default()
    }
}
