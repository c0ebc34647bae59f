//! The result of an `add_fn` closure must implement `Serialize`.
use tvix_serde::prelude::*;

struct Opaque;

fn main() {
    let _: Result<u8, Error> =
        tvix_serde::from_str_with_config("1", |b| b.add_fn("f", |_n: u8| Opaque));
}
