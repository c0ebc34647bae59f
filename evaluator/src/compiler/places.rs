//! Positions and paths as C++ Nix writes them: `file:line:column` inside
//! messages, the `{ column; file; line; }` set of `__curPos` and
//! `unsafeGetAttrPos`, and paths canonicalised lexically.

use crate::syntax::{locate, Pos, Span};
use crate::value::{Attr, Attrs, NixString, Symbol, Value};

/// Formats a span as C++ Nix prints positions inside messages (`(string):1:3`).
pub fn pos_string(span: Span) -> String {
    match locate(span) {
        Some(loc) => {
            let file = if loc.file == "«string»" {
                "(string)".to_string()
            } else {
                loc.file
            };
            format!("{}:{}:{}", file, loc.line, loc.column)
        }
        None => "undefined position".into(),
    }
}

/// Canonicalises a path lexically, like C++ Nix's `canonPath`.
pub fn canon_path(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = String::from("/");
    out.push_str(&parts.join("/"));
    out
}

/// The `{ column; file; line; }` set C++ Nix uses for positions.
pub fn pos_value(file: String, line: u32, column: u32) -> Value {
    let attrs = vec![
        Attr {
            name: Symbol::from_str("column"),
            value: Value::Int(column as i64),
            pos: Pos::NONE,
        },
        Attr {
            name: Symbol::from_str("file"),
            value: Value::String(NixString::from(file)),
            pos: Pos::NONE,
        },
        Attr {
            name: Symbol::from_str("line"),
            value: Value::Int(line as i64),
            pos: Pos::NONE,
        },
    ];
    Value::attrs(Attrs::from_sorted(attrs))
}
