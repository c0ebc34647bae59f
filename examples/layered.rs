//! A layered config: defaults, then site overrides merged recursively by a
//! `recursiveUpdate` written in Nix, then per-host overrides with `//`.
//!
//! Run: `cargo run --example layered`

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Config {
    database: Database,
    features: BTreeMap<String, bool>,
    host: String,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Database {
    url: String,
    pool: u32,
    timeout_ms: u64,
}

const CONFIG: &str = r#"
let
  recursiveUpdate = lhs: rhs:
    lhs // builtins.mapAttrs (name: value:
      if builtins.isAttrs value && builtins.isAttrs (lhs.${name} or null)
      then recursiveUpdate lhs.${name} value
      else value) rhs;

  defaults = {
    host = "localhost";
    database = { url = "postgres://localhost/app"; pool = 4; timeout_ms = 5000; };
    features = { search = true; beta = false; };
  };
  site = { database.pool = 16; features.beta = true; };
  hostOverrides = { host = "db-1.internal"; };
in recursiveUpdate defaults site // hostOverrides
"#;

fn main() {
    match tvix_serde::from_str::<Config>(CONFIG) {
        Ok(c) => println!("{c:#?}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
