//! Each argument of an `add_fn` closure must implement `Deserialize`.
use tvix_serde::prelude::*;

struct Opaque;

fn main() {
    let _: Result<u8, Error> =
        tvix_serde::from_str_with_config("1", |b| b.add_fn("f", |_o: Opaque| 1u8));
}
