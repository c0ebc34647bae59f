//! Limits every fuzz target evaluates under: small enough that each input
//! finishes in well under a second, so the fuzzer explores instead of waiting.

use std::time::Duration;

pub fn limits() -> tvix_eval::Limits {
    tvix_eval::Limits::default()
        .max_memory(64 << 20)
        .max_steps(200_000)
        .timeout(Duration::from_secs(2))
}
