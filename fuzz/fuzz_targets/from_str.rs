//! Arbitrary text through the serde API, into a typed config and into
//! `serde_json::Value` (which buffers everything), then back to Nix source.
#![no_main]

mod common;

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;

#[derive(Debug, serde::Deserialize, serde::Serialize)]
#[allow(dead_code)]
struct Config {
    name: String,
    port: Option<u16>,
    hosts: Vec<String>,
    weights: BTreeMap<String, f64>,
    mode: Mode,
    nested: Option<Box<Config>>,
}

#[derive(Debug, serde::Deserialize, serde::Serialize)]
#[allow(dead_code)]
enum Mode {
    Fast,
    Slow { delay: u32 },
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        let _ = tvix_serde::from_slice::<serde_json::Value>(data);
        return;
    };
    let configure = |b: tvix_serde::Builder| b.limits(common::limits());
    if let Ok(c) = tvix_serde::from_str_with_config::<Config, _>(src, configure) {
        let _ = tvix_serde::to_string(&c);
    }
    let _ = tvix_serde::from_str_with_config::<serde_json::Value, _>(src, configure);
    if let Ok(v) = tvix_serde::from_str_with_config::<tvix_serde::Value, _>(src, configure) {
        let printed = v.to_string();
        // What `Display` prints must read back as the same value.
        if let Ok(back) = tvix_serde::from_str_with_config::<tvix_serde::Value, _>(&printed, configure) {
            assert!(back == v || printed.contains("NaN") || printed.contains("inf"), "{printed}");
        }
    }
});
