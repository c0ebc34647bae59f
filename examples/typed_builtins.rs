//! Rust functions as Nix builtins, with typed arguments and results.
//!
//! `add_fn` takes a closure of one to three arguments whose types implement
//! `Deserialize`; Nix calls it curried. Arguments are read lazily, like a
//! config, and a result of `Err` is a Nix `throw`. Errors that are only
//! `Display` (here `ParseIntError`) go through `FnError` and `?`.
//!
//! Run: `cargo run --example typed_builtins`

use serde::{Deserialize, Serialize};
use tvix_serde::prelude::*;

#[derive(Deserialize)]
struct Upstream {
    host: String,
    port: u16,
}

#[derive(Serialize)]
struct Endpoint {
    url: String,
    secure: bool,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Config {
    endpoints: Vec<String>,
    https_port: u16,
    admin_port: u16,
}

const CONFIG: &str = r#"
let
  upstreams = [ { host = "a.internal"; port = 443; } { host = "b.internal"; port = 8080; } ];
  endpoint = builtins.endpoint "https";
in {
  endpoints = map (u: (endpoint u).url) upstreams;
  https_port = builtins.wellKnownPort "https";
  admin_port = builtins.parsePort " 9090 ";
}
"#;

fn configure(b: Builder) -> Builder {
    b.add_fn("endpoint", |scheme: String, u: Upstream| Endpoint {
        url: format!("{scheme}://{}:{}", u.host, u.port),
        secure: scheme == "https",
    })
    .add_fn("wellKnownPort", |service: String| match service.as_str() {
        "http" => Ok(80),
        "https" => Ok(443),
        _ => Err(format!("no well-known port for '{service}'")),
    })
    .add_fn("parsePort", |s: String| -> Result<u16, FnError> {
        Ok(s.trim().parse()?)
    })
}

fn main() {
    match tvix_serde::from_str_with_config::<Config, _>(CONFIG, configure) {
        Ok(c) => println!("{c:#?}"),
        Err(e) => eprintln!("{e}"),
    }
    // An argument of the wrong type reads like a config error.
    let err = tvix_serde::from_str_with_config::<String, _>(
        "(builtins.endpoint \"https\" { host = \"a\"; port = \"443\"; }).url",
        configure,
    )
    .unwrap_err();
    println!("\n{err}");
}
