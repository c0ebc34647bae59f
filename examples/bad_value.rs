//! Shows the error a user gets for a value of the wrong type: the path inside
//! the config, the source location, and what was expected.
//!
//! Run: `cargo run --example bad_value`

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Server {
    port: u16,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Config {
    servers: Vec<Server>,
}

fn main() {
    let src = "{\n  servers = [\n    { port = 80; }\n    { port = \"eighty\"; }\n  ];\n}";
    match tvix_serde::from_str::<Config>(src) {
        Ok(c) => println!("{c:?}"),
        Err(e) => print!("{}", e.diagnostic()),
    }
}
