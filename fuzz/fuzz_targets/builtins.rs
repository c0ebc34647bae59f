//! The builtins that parse text the config author controls: `fromJSON`,
//! `fromTOML`, `match` and `split` (a regex), each given the fuzz input.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use tvix_eval::Value;

const FUNCTIONS: &[&str] = &[
    "s: builtins.fromJSON s",
    "s: builtins.fromTOML s",
    r#"s: builtins.match s "aab-cd_ef 123""#,
    r#"s: builtins.split s "aab-cd_ef 123 xyz""#,
    r#"s: builtins.match "(a*)(b|c)+[[:alpha:]]{1,3}.*" s"#,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let function = FUNCTIONS[selector as usize % FUNCTIONS.len()];
    let mut eval = tvix_eval::Evaluation::builder()
        .pure(true)
        .io(tvix_eval::NoIO)
        .limits(common::limits())
        .build();
    let Ok(f) = eval.evaluate_str(function) else {
        return;
    };
    let arg = Value::String(tvix_eval::NixString::from(input.to_vec()));
    if let Ok(v) = eval.call(&f, arg) {
        let _ = eval.force_deep(&v);
    }
});
