//! A `Result` whose error is only `Display` is not `Serialize`; the
//! diagnostic points at `FnError`.
use tvix_serde::prelude::*;

fn main() {
    let _: Result<u16, Error> = tvix_serde::from_str_with_config("1", |b| {
        b.add_fn("f", |s: String| s.parse::<u16>())
    });
}
