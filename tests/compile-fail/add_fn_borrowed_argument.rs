//! Arguments are owned: a `&str` argument cannot borrow from the evaluation.
use tvix_serde::prelude::*;

fn main() {
    let _: Result<u8, Error> =
        tvix_serde::from_str_with_config("1", |b| b.add_fn("len", |s: &str| s.len()));
}
