//! `fromTOML`: TOML 1.0 documents to Nix values through the `toml` crate.
//! The crate implements TOML 1.1, so a pre-scan rejects the 1.1-only forms
//! (newlines and trailing commas in inline tables, `\e` and `\xHH` escapes)
//! as C++ Nix's TOML 1.0 parser does; dates and times are errors as in Nix.

use super::json::reject_nul_bytes;
use super::versions::to_str_no_ctx;
use super::{make_attrs, BuiltinDef, BuiltinImpl::*, ALL};
use crate::errors::ErrorKind;
use crate::eval_err;
use crate::value::{Symbol, Value};
use crate::vm::Vm;

pub(super) static BUILTINS: &[BuiltinDef] = &[BuiltinDef {
    name: "fromTOML",
    arity: 1,
    strict: ALL,
    first_arg: None,
    imp: Sync(from_toml),
}];

fn from_toml(vm: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let s = to_str_no_ctx(&args[0])?;
    crate::state::check_room(parse_bytes_bound(s.as_bytes()))?;
    let text = String::from_utf8_lossy(s.as_bytes());
    let timestamps = vm
        .shared()
        .settings
        .feature_enabled("parse-toml-timestamps");
    let v = parse_toml_with(&text, timestamps)
        .map_err(|m| eval_err!("while parsing a TOML string: {m}"))?;
    reject_nul_bytes_in(&v).map_err(|m| eval_err!("while parsing TOML: error: {m}"))?;
    Ok(v)
}

/// [`reject_nul_bytes`] over every string and name of a parsed document
/// (this parser does not check as it reads): a set's names before its values.
fn reject_nul_bytes_in(v: &Value) -> Result<(), String> {
    // Iterators over the lists and sets being walked, so that a long list
    // is walked in place rather than copied onto a work stack.
    enum Walk<'a> {
        List(std::slice::Iter<'a, Value>),
        Set(std::slice::Iter<'a, crate::value::Attr>),
    }
    let mut stack: Vec<Walk> = Vec::new();
    let mut next = Some(v);
    loop {
        match next.take() {
            Some(Value::String(s)) => reject_nul_bytes(s.as_bytes())?,
            Some(Value::List(l)) => stack.push(Walk::List(l.iter())),
            Some(Value::Attrs(a)) => {
                for attr in a.iter() {
                    reject_nul_bytes(attr.name.as_bytes())?;
                }
                stack.push(Walk::Set(a.iter()));
            }
            _ => {}
        }
        // In order, so the first offending string is the one named.
        next = match stack.last_mut() {
            None => return Ok(()),
            Some(Walk::List(items)) => items.next(),
            Some(Walk::Set(attrs)) => attrs.next().map(|attr| &attr.value),
        };
        if next.is_none() {
            stack.pop();
        }
    }
}

/// What parsing `src` may take at most, checked against the memory limit
/// first: the `toml` crate builds its whole document (and its spans)
/// before any value is made here, and `a = [[],[],…]` takes about 280
/// bytes per three bytes of input. Every value follows one of `[`, `{`,
/// `,` or `=`.
fn parse_bytes_bound(src: &[u8]) -> u64 {
    const PER_VALUE: u64 = 320;
    let values = src
        .iter()
        .filter(|&&b| matches!(b, b'[' | b'{' | b',' | b'='))
        .count() as u64
        + 1;
    values
        .saturating_mul(PER_VALUE)
        .saturating_add((src.len() as u64).saturating_mul(4))
}

/// Parses a TOML 1.0 document into a Nix attribute set; dates and times
/// are refused.
#[cfg(test)]
pub(crate) fn parse_toml(src: &str) -> Result<Value, String> {
    parse_toml_with(src, false)
}

/// Parses a TOML 1.0 document into a Nix attribute set. With `timestamps`
/// (current Nix's `parse-toml-timestamps` feature), dates and times become
/// `{ _type = "timestamp"; value = "…"; }`; without, they are refused.
pub(crate) fn parse_toml_with(src: &str, timestamps: bool) -> Result<Value, String> {
    check_toml_1_0(src)?;
    let table: toml::Table = src
        .parse()
        .map_err(|e: toml::de::Error| crate_error_message(src, &e))?;
    let written = if timestamps {
        Some(written_datetimes(src))
    } else {
        None
    };
    convert(&table, written)
}

/// Every date or time of the document with the number of fractional-second
/// digits it was written with, in the order `convert` meets them (keys in
/// map order, arrays in order, depth first). The parsed value cannot tell
/// `.1` from `.100`, and current Nix keeps the written precision.
fn written_datetimes(src: &str) -> Vec<(toml::value::Datetime, usize)> {
    use toml::de::{DeTable, DeValue};
    let Ok(root) = DeTable::parse(src) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let mut work: Vec<&toml::Spanned<DeValue>> = Vec::new();
    work.extend(root.get_ref().values().rev());
    while let Some(v) = work.pop() {
        match v.get_ref() {
            DeValue::Datetime(dt) => {
                let text = src.get(v.span()).unwrap_or("");
                let digits = text
                    .split_once('.')
                    .map_or(0, |(_, f)| f.bytes().take_while(u8::is_ascii_digit).count());
                found.push((*dt, digits));
            }
            DeValue::Array(a) => work.extend(a.iter().rev()),
            DeValue::Table(t) => work.extend(t.values().rev()),
            _ => {}
        }
    }
    found
}

/// A date or time as current Nix prints it: upper-case `T`, seconds always,
/// fractional seconds to the next multiple of three digits of what was
/// written (at most nine), `Z` for a zero offset.
fn timestamp_text(dt: &toml::value::Datetime, written_digits: Option<usize>) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if let Some(d) = dt.date {
        let _ = write!(out, "{:04}-{:02}-{:02}", d.year, d.month, d.day);
    }
    if let Some(t) = dt.time {
        if dt.date.is_some() {
            out.push('T');
        }
        let _ = write!(
            out,
            "{:02}:{:02}:{:02}",
            t.hour,
            t.minute,
            t.second.unwrap_or(0)
        );
        if let Some(nanos) = t.nanosecond {
            // Without the written form, the shortest group that holds the value.
            let digits = written_digits.unwrap_or(if nanos % 1_000_000 == 0 {
                3
            } else if nanos % 1_000 == 0 {
                6
            } else {
                9
            });
            let precision = digits.div_ceil(3).clamp(1, 3) * 3;
            let all = format!("{nanos:09}");
            out.push('.');
            out.push_str(all.get(..precision).unwrap_or(&all));
        }
    }
    match dt.offset {
        Some(toml::value::Offset::Z) => out.push('Z'),
        Some(toml::value::Offset::Custom { minutes: 0 }) => out.push('Z'),
        Some(toml::value::Offset::Custom { minutes }) => {
            let sign = if minutes < 0 { '-' } else { '+' };
            let m = minutes.unsigned_abs();
            let _ = write!(out, "{sign}{:02}:{:02}", m / 60, m % 60);
        }
        None => {}
    }
    out
}

/// Line and column (1-based, in characters) of byte offset `at`.
fn line_col(src: &str, at: usize) -> (usize, usize) {
    let at = at.min(src.len());
    let before = src.get(..at).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// Words the `toml` crate's errors as C++ Nix's toml11 does for the common
/// cases; otherwise gives the crate's message with its position.
fn crate_error_message(src: &str, e: &toml::de::Error) -> String {
    let msg = e.message();
    let span = e.span().unwrap_or(0..0);
    let text = src.get(span.clone()).unwrap_or("");
    match msg {
        "duplicate key" => {
            let line_start = src
                .get(..span.start)
                .and_then(|b| b.rfind('\n'))
                .map(|i| i + 1)
                .unwrap_or(0);
            let key = text.trim_matches(|c| c == '"' || c == '\'');
            // toml11 names the kind of the *existing* definition.
            let what = existing_kind(src.get(..line_start).unwrap_or(""), key);
            format!("[error] toml::insert_value: {what} (\"{key}\") already exists.")
        }
        "key with no value, expected `=`" => {
            "[error] toml::parse_key_value_pair: missing key-value separator `=`".into()
        }
        "string values must be quoted, expected literal string" if text.trim().is_empty() => {
            "[error] toml::parse_key_value_pair: missing value after key-value separator '='".into()
        }
        "string values must be quoted, expected literal string"
            if inside_array(src, span.start) =>
        {
            "[error] toml::parse_array: missing array separator `,` after a value".into()
        }
        m if m.contains("leading zero") => "[error] bad integer: leading zero".into(),
        _ => {
            let (line, col) = line_col(src, span.start);
            format!("[error] {msg} at line {line}, column {col}")
        }
    }
}

/// What `key` was first defined as before the duplicate: a value, a table
/// or an array of tables (toml11's wording).
fn existing_kind(before: &str, key: &str) -> &'static str {
    for line in before.lines() {
        let l = line.trim();
        if let Some(inner) = l.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            if inner.trim() == key {
                return "array of tables";
            }
        } else if let Some(inner) = l.strip_prefix('[').and_then(|r| r.split(']').next()) {
            if inner.trim() == key {
                return "table";
            }
        } else if let Some((k, _)) = l.split_once('=') {
            if k.trim().trim_matches(|c| c == '"' || c == '\'') == key {
                return "value";
            }
        }
    }
    "table"
}

/// Whether `at` is inside an array value (an unclosed `[` after the last `=`).
fn inside_array(src: &str, at: usize) -> bool {
    let before = src.get(..at).unwrap_or("");
    let value = before.rsplit('=').next().unwrap_or("");
    value.matches('[').count() > value.matches(']').count()
}

/// toml11's words for a line break (or comment) inside an inline table at
/// `at`: where a key is due, or after a value.
fn inline_break_message(b: &[u8], at: usize) -> &'static str {
    let before = b[..at]
        .iter()
        .rev()
        .find(|c| !matches!(c, b' ' | b'\t' | b'\r'));
    if matches!(before, Some(b'{' | b',')) {
        "toml::parse_key: an invalid key appeared."
    } else {
        "toml::parse_inline_table: missing curly brace `}`"
    }
}

/// Rejects what TOML 1.1 added over 1.0. Only strings, comments and
/// brackets are tracked; everything else is left to the parser.
fn check_toml_1_0(src: &str) -> Result<(), String> {
    let b = src.as_bytes();
    let mut open: Vec<u8> = Vec::new();
    let mut i = 0;
    // Worded as toml11's first line, which gives no position there either.
    let err = |what: &str| format!("[error] {what}");
    let in_inline_table = |open: &Vec<u8>| open.last() == Some(&b'{');
    while i < b.len() {
        match b[i] {
            b'#' => {
                if in_inline_table(&open) {
                    return Err(err(inline_break_message(b, i)));
                }
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\n' if in_inline_table(&open) => return Err(err(inline_break_message(b, i))),
            b'{' | b'[' => open.push(b[i]),
            b'}' | b']' => {
                open.pop();
            }
            b',' if in_inline_table(&open) => {
                let mut j = i + 1;
                while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
                    j += 1;
                }
                if b.get(j) == Some(&b'}') {
                    return Err(err("toml::parse_inline_table: trailing comma is not allowed in an inline table"));
                }
            }
            b'"' if b[i..].starts_with(b"\"\"\"") => {
                i += 3;
                loop {
                    match b.get(i) {
                        None => return Ok(()),
                        Some(b'\\') => {
                            match b.get(i + 1) {
                                Some(b'b' | b't' | b'n' | b'f' | b'r' | b'"' | b'\\' | b'u' | b'U') => {}
                                Some(b' ' | b'\t' | b'\n' | b'\r') => {}
                                _ => {
                                    return Err(err(
                                        "toml::parse_ml_basic_string: the next token is not a valid multiline string",
                                    ))
                                }
                            }
                            i += 2;
                        }
                        Some(b'"') if b[i..].starts_with(b"\"\"\"") => {
                            i += 3;
                            // Up to two more quotes belong to the content.
                            let mut extra = 0;
                            while extra < 2 && b.get(i) == Some(&b'"') {
                                i += 1;
                                extra += 1;
                            }
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                continue;
            }
            b'"' => {
                i += 1;
                loop {
                    match b.get(i) {
                        None | Some(b'\n') => break,
                        Some(b'\\') => {
                            if !matches!(
                                b.get(i + 1),
                                Some(b'b' | b't' | b'n' | b'f' | b'r' | b'"' | b'\\' | b'u' | b'U')
                            ) {
                                return Err(err("toml::parse_basic_string: the next token is not a valid string"));
                            }
                            i += 2;
                        }
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                continue;
            }
            b'\'' if b[i..].starts_with(b"'''") => {
                i += 3;
                while i < b.len() && !b[i..].starts_with(b"'''") {
                    i += 1;
                }
                i += 3;
                let mut extra = 0;
                while extra < 2 && b.get(i) == Some(&b'\'') {
                    i += 1;
                    extra += 1;
                }
                continue;
            }
            b'\'' => {
                i += 1;
                while i < b.len() && b[i] != b'\'' && b[i] != b'\n' {
                    i += 1;
                }
                i += 1;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn string_value(s: &str) -> Value {
    // A NUL byte is kept here and refused by `reject_nul_bytes_in`.
    Value::string(s.as_bytes())
}

enum Task<'a> {
    Visit(&'a toml::Value),
    Table(&'a toml::Table),
    FinishTable(Vec<Symbol>),
    FinishList(usize),
}

/// Converts without recursion: children are converted onto `done`, then
/// gathered into their parent.
fn convert(
    root: &toml::Table,
    written: Option<Vec<(toml::value::Datetime, usize)>>,
) -> Result<Value, String> {
    let mut written = written.map(Vec::into_iter);
    let mut work = vec![Task::Table(root)];
    let mut done: Vec<Value> = Vec::new();
    while let Some(task) = work.pop() {
        match task {
            Task::Table(t) => {
                work.push(Task::FinishTable(
                    t.keys().map(|k| Symbol::from_str(k)).collect(),
                ));
                work.extend(t.values().rev().map(Task::Visit));
            }
            Task::FinishTable(keys) => {
                let values = done.split_off(done.len().saturating_sub(keys.len()));
                done.push(make_attrs(keys.into_iter().zip(values).collect()));
            }
            Task::FinishList(n) => {
                let values = done.split_off(done.len().saturating_sub(n));
                done.push(Value::list(values));
            }
            Task::Visit(v) => match v {
                toml::Value::String(s) => done.push(string_value(s)),
                toml::Value::Integer(i) => done.push(Value::Int(*i)),
                toml::Value::Float(f) => done.push(Value::Float(*f)),
                toml::Value::Boolean(b) => done.push(Value::Bool(*b)),
                toml::Value::Datetime(dt) => {
                    let Some(written) = written.as_mut() else {
                        return Err("Dates and times are not supported".into());
                    };
                    // The written precision, if the two walks agree (they
                    // visit the same tree in the same order).
                    let digits = written
                        .next()
                        .filter(|(w, _)| w == dt)
                        .map(|(_, digits)| digits);
                    done.push(make_attrs(vec![
                        (Symbol::from_str("_type"), Value::string("timestamp")),
                        (
                            Symbol::from_str("value"),
                            Value::string(timestamp_text(dt, digits)),
                        ),
                    ]));
                }
                toml::Value::Array(a) => {
                    work.push(Task::FinishList(a.len()));
                    work.extend(a.iter().rev().map(Task::Visit));
                }
                toml::Value::Table(t) => work.push(Task::Table(t)),
            },
        }
    }
    done.pop().ok_or_else(|| "empty TOML document".to_string())
}

#[cfg(test)]
mod tests {
    use super::parse_toml;
    use crate::value::{print_value, Value};

    fn show(src: &str) -> String {
        show_with(src, false)
    }

    fn show_with(src: &str, timestamps: bool) -> String {
        match super::parse_toml_with(src, timestamps) {
            Ok(v) => String::from_utf8_lossy(&print_value(&v)).into_owned(),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn documents_convert() {
        assert_eq!(
            show("a = 1\n[b]\nc = [1, 'x', { d = true }]"),
            r#"{ a = 1; b = { c = [ 1 "x" { d = true; } ]; }; }"#
        );
        assert_eq!(
            show("[[t]]\nx = 1\n[[t]]\nx = 2"),
            "{ t = [ { x = 1; } { x = 2; } ]; }"
        );
        assert!(matches!(parse_toml(""), Ok(Value::Attrs(a)) if a.is_empty()));
    }

    #[test]
    fn toml_1_1_forms_are_rejected() {
        assert_eq!(
            show("a = {b=1,}"),
            "error: [error] toml::parse_inline_table: trailing comma is not allowed in an inline table"
        );
        assert_eq!(
            show("a = {\nb=1}"),
            "error: [error] toml::parse_key: an invalid key appeared."
        );
        assert_eq!(
            show("a = { b = 1 # c\n}"),
            "error: [error] toml::parse_inline_table: missing curly brace `}`"
        );
        assert!(show("a = \"\\e\"").starts_with("error: [error] toml::parse_basic_string"));
        assert!(
            show("a = \"\"\"\\x41\"\"\"").starts_with("error: [error] toml::parse_ml_basic_string")
        );
        // Still fine: escapes of 1.0, brackets and `#` inside strings, multi-line arrays in inline tables.
        assert_eq!(
            show("a = \"\\u00e9 # {\"\nb = { c = [\n1,\n2] }"),
            r#"{ a = "é # {"; b = { c = [ 1 2 ]; }; }"#
        );
        assert_eq!(show("a = '''x'''''"), r#"{ a = "x''"; }"#);
    }

    #[test]
    fn errors_read_like_toml11() {
        assert_eq!(show("a = "), "error: [error] toml::parse_key_value_pair: missing value after key-value separator '='");
        assert_eq!(
            show("a = 1\na = 2"),
            "error: [error] toml::insert_value: value (\"a\") already exists."
        );
        assert_eq!(
            show("[a]\n[a]"),
            "error: [error] toml::insert_value: table (\"a\") already exists."
        );
        assert_eq!(
            show("x"),
            "error: [error] toml::parse_key_value_pair: missing key-value separator `=`"
        );
        assert_eq!(
            show("d = 1979-05-27"),
            "error: Dates and times are not supported"
        );
    }

    #[test]
    fn timestamps_keep_the_written_precision() {
        assert_eq!(
            show_with("a = 1979-05-27 07:32:00.1Z\nb = 00:32:00.1234\nc = 1979-05-27\nd = 1979-05-27t00:32:00.120000+01:30\ne = 07:32:00.1234567891", true),
            r#"{ a = { _type = "timestamp"; value = "1979-05-27T07:32:00.100Z"; }; b = { _type = "timestamp"; value = "00:32:00.123400"; }; c = { _type = "timestamp"; value = "1979-05-27"; }; d = { _type = "timestamp"; value = "1979-05-27T00:32:00.120000+01:30"; }; e = { _type = "timestamp"; value = "07:32:00.123456789"; }; }"#
        );
        assert_eq!(
            show_with("[[x]]\nt = [1979-05-27, { u = 00:00:00.0 }]", true),
            r#"{ x = [ { t = [ { _type = "timestamp"; value = "1979-05-27"; } { u = { _type = "timestamp"; value = "00:00:00.000"; }; } ]; } ]; }"#
        );
    }
}
