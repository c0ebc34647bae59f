//! Enums in serde's four representations, read from Nix, and which of them
//! are lazy.
//!
//! Externally and adjacently tagged enums are read field by field: an
//! attribute the chosen variant does not use is never evaluated. Internally
//! tagged and untagged enums make serde buffer the whole value first, which
//! evaluates everything in it: the `throw` below fails those loads.
//!
//! Run: `cargo run --example enums`

use serde::Deserialize;

/// Externally tagged (serde's default): `{ Tcp = { port = 80; }; }` or `"Stdio"`.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
enum External {
    Stdio,
    Tcp { port: u16 },
}

/// Adjacently tagged: `{ kind = "Tcp"; settings = { port = 80; }; }`.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
#[serde(tag = "kind", content = "settings")]
enum Adjacent {
    Stdio,
    Tcp { port: u16 },
}

/// Internally tagged: `{ kind = "Tcp"; port = 80; }` (buffered).
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
#[serde(tag = "kind")]
enum Internal {
    Stdio,
    Tcp { port: u16 },
}

/// Untagged: the first variant that fits (buffered).
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
#[serde(untagged)]
enum Untagged {
    Port(u16),
    Socket { path: String },
}

fn show<T: std::fmt::Debug>(what: &str, r: Result<T, tvix_serde::Error>) {
    match r {
        Ok(v) => println!("{what:>24}: {v:?}"),
        Err(e) => println!(
            "{what:>24}: error: {}: {}",
            e.path().unwrap_or("(top)"),
            e.message()
        ),
    }
}

fn main() {
    let unused = r#"debug = throw "never needed";"#;
    show(
        "externally tagged",
        tvix_serde::from_str::<External>(&format!("{{ Tcp = {{ port = 80; {unused} }}; }}")),
    );
    show(
        "adjacently tagged",
        tvix_serde::from_str::<Adjacent>(&format!(
            r#"{{ kind = "Tcp"; settings = {{ port = 80; {unused} }}; }}"#
        )),
    );
    show(
        "internally tagged",
        tvix_serde::from_str::<Internal>(&format!(r#"{{ kind = "Tcp"; port = 80; {unused} }}"#)),
    );
    show(
        "untagged",
        tvix_serde::from_str::<Untagged>(&format!(r#"{{ path = "/run/app.sock"; {unused} }}"#)),
    );
    show(
        "untagged, nothing unused",
        tvix_serde::from_str::<Untagged>(r#"{ path = "/run/app.sock"; }"#),
    );
}
