//! Arbitrary bytes as a Nix expression: parse, compile, evaluate, force
//! deeply and print. Errors are fine; panics, aborts and overflows are not.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut eval = tvix_eval::Evaluation::builder()
        .pure(true)
        .io(tvix_eval::NoIO)
        .limits(common::limits())
        .build();
    if let Ok(v) = eval.evaluate_bytes(data) {
        if eval.force_deep(&v).is_ok() {
            let _ = tvix_eval::value::print_value(&v);
        }
    }
});
