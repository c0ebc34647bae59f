//! A reproducible random number generator for the randomized unit tests,
//! without a dependency.

/// An xorshift64 generator from `seed`: `next(n)` is a number below `n`.
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut(u64) -> u64 {
    move |n| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    }
}
