//! A config that is a function of arguments passed from Rust (like
//! `nix-instantiate --arg`): the deployment environment decides the values.
//!
//! Run: `cargo run --example function_of_args`

use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct Args {
    environment: &'static str,
    replicas: u32,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Deployment {
    hosts: Vec<String>,
    log_level: String,
    tls: bool,
}

const CONFIG: &str = r#"
{ environment, replicas, domain ? "example.org" }:
let prod = environment == "production";
in {
  hosts = builtins.genList (i: "web-${toString i}.${environment}.${domain}") replicas;
  log_level = if prod then "warn" else "debug";
  tls = prod;
}
"#;

fn main() {
    for (environment, replicas) in [("staging", 1), ("production", 3)] {
        let args = Args {
            environment,
            replicas,
        };
        match tvix_serde::from_str_with_args::<Deployment, _>(CONFIG, &args) {
            Ok(d) => println!("{environment}: {d:#?}"),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
    }
}
