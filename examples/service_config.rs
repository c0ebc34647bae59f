//! Loads a service configuration from `examples/service/config.nix`, which
//! imports sibling files (defaults and a small helper library).
//!
//! Run: `cargo run --example service_config`

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Log {
    level: String,
    format: String,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Server {
    name: String,
    port: u16,
    tls: bool,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Config {
    name: String,
    workers: u32,
    log: Log,
    servers: Vec<Server>,
}

fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/service/config.nix");
    match tvix_serde::from_file::<Config>(path) {
        Ok(config) => println!("{config:#?}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
