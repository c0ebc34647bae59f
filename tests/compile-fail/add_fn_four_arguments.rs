//! `add_fn` takes closures of one to three arguments.
use tvix_serde::prelude::*;

fn main() {
    let _: Result<u8, Error> = tvix_serde::from_str_with_config("1", |b| {
        b.add_fn("f", |a: u8, _b: u8, _c: u8, _d: u8| a)
    });
}
