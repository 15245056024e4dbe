//! Small random choices shared by the generators: a uniform pick from a slice, a
//! weighted pick, and a chance. Everything draws from the caller's seeded generator.

use rand::Rng;

/// A uniformly chosen element of a non-empty slice.
pub fn pick<T: Copy>(rng: &mut impl Rng, items: &[T]) -> T {
    *pick_ref(rng, items)
}

/// A reference to a uniformly chosen element of a non-empty slice.
pub fn pick_ref<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// An item of a non-empty slice of `(item, weight)` pairs, chosen with probability
/// proportional to its weight.
pub fn weighted<T: Copy>(rng: &mut impl Rng, items: &[(T, u32)]) -> T {
    weighted_by(rng, items, |(_, weight)| *weight).0
}

/// An element of a non-empty slice chosen with probability proportional to `weight`.
pub fn weighted_by<'a, T>(rng: &mut impl Rng, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
    let total: u32 = items.iter().map(&weight).sum();
    let mut ticket = rng.random_range(0..total);
    for item in items {
        let w = weight(item);
        if ticket < w {
            return item;
        }
        ticket -= w;
    }
    &items[items.len() - 1]
}

/// True with probability `p`.
pub fn chance(rng: &mut impl Rng, p: f64) -> bool {
    rng.random_bool(p)
}
