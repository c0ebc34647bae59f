//! Loads a service configuration from `examples/service/config.nix`, which
//! imports a defaults file and a small helper library, and prints a summary.
//! Then loads `broken.nix` to show how a located error reads.
//!
//! Run: `cargo run --example service_config`

use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Log {
    level: String,
    format: String,
}

#[derive(Debug, Deserialize)]
struct Server {
    name: String,
    port: u16,
    tls: bool,
}

#[derive(Debug, Deserialize)]
struct Config {
    name: String,
    workers: u32,
    log: Log,
    servers: Vec<Server>,
}

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/service");
    let config: Config = match tvix_serde::from_file(format!("{dir}/config.nix")) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };

    println!("service {}", config.name);
    println!("  workers: {} (from defaults.nix)", config.workers);
    println!(
        "  log: level {} (config.nix), format {} (from defaults.nix)",
        config.log.level, config.log.format
    );
    for s in &config.servers {
        let tls = if s.tls { ", tls" } else { "" };
        println!("  server {}: port {}{tls}", s.name, s.port);
    }
    println!("  never evaluated: `experimental` (a throw) and `report` (a sum over 10^7 numbers)");

    println!("\nloading broken.nix:");
    match tvix_serde::from_file::<Config>(format!("{dir}/broken.nix")) {
        Ok(_) => println!("  unexpectedly loaded"),
        Err(e) => println!("{e}\n\n{}", e.diagnostic()),
    }
}
