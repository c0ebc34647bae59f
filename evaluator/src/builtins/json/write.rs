//! `toJSON`'s writer: string escaping and float formatting as nlohmann::json
//! does them, and the iterative serialisation of a forced value.

use crate::errors::ErrorKind;
use crate::eval_err;
use crate::value::{well_known, NixString, StringBuilder, Symbol, Value};
use crate::vm::generators::{coerce_to_string, Co, Coercion};

/// Appends `s` as a JSON string literal, escaped as nlohmann::json does
/// (non-ASCII bytes are written as they are).
pub(crate) fn escape_json_string(s: &[u8], out: &mut Vec<u8>) {
    escape_json_string_ascii(s, out);
}

/// [`escape_json_string`], answering whether `s` is all ASCII (found in
/// the same pass, so most strings need no UTF-8 check of their own).
fn escape_json_string_ascii(s: &[u8], out: &mut Vec<u8>) -> bool {
    out.reserve(s.len() + 2);
    out.push(b'"');
    let mut rest = s;
    let mut high = 0u8;
    loop {
        // What needs no escape is copied as one run.
        let plain = rest
            .iter()
            .position(|&c| {
                high |= c;
                c < 0x20 || c == b'"' || c == b'\\'
            })
            .unwrap_or(rest.len());
        out.extend_from_slice(&rest[..plain]);
        let Some((&c, tail)) = rest[plain..].split_first() else {
            break;
        };
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            c => out.extend_from_slice(format!("\\u{:04x}", c).as_bytes()),
        }
        rest = tail;
    }
    out.push(b'"');
    high < 0x80
}

/// Writes `s` as a JSON string literal, keeping the first string that is
/// not UTF-8 in `first` (see [`note_utf8`]).
fn write_json_string(first: &mut Option<ErrorKind>, s: &[u8], out: &mut Vec<u8>) {
    if !escape_json_string_ascii(s, out) {
        note_utf8(first, s);
    }
}

/// A float as nlohmann::json writes it: the shortest digits that read back
/// as the same double, `%g`-like layout, `.0` on integral values, and
/// `null` for infinities and NaN.
pub(crate) fn format_json_float(x: f64) -> String {
    if !x.is_finite() {
        return "null".into();
    }
    let mut out = String::new();
    if x.is_sign_negative() {
        out.push('-');
    }
    let v = x.abs();
    if v == 0.0 {
        out.push_str("0.0");
        return out;
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "d.ddde-5".
    let sci = format!("{v:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    let k = digits.len() as i32;
    // The value is 0.DIGITS * 10^n.
    let n = exp + 1;
    const MIN_EXP: i32 = -4;
    const MAX_EXP: i32 = 15;
    if k <= n && n <= MAX_EXP {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
        out.push_str(".0");
    } else if 0 < n && n <= MAX_EXP {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if MIN_EXP < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let e = n - 1;
        out.push('e');
        out.push(if e < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", e.abs()));
    }
    out
}

/// Current Nix's JSON library refuses strings that are not UTF-8 (2.8
/// wrote their bytes as they were); the index is the offending byte's.
fn check_json_utf8(s: &[u8]) -> Result<(), ErrorKind> {
    // Most strings are short and ASCII, checked faster this way.
    if s.is_ascii() {
        return Ok(());
    }
    let Err(e) = std::str::from_utf8(s) else {
        return Ok(());
    };
    let start = e.valid_up_to();
    let Some(len) = e.error_len() else {
        let last = s.last().copied().unwrap_or(0);
        return Err(eval_err!(
            "JSON serialization error: [json.exception.type_error.316] incomplete UTF-8 string; last byte: 0x{last:02X}"
        ));
    };
    // A bad lead byte is reported where it is; a bad continuation byte after it.
    let lead_ok = matches!(s[start], 0xc2..=0xf4);
    let at = if lead_ok { start + len } else { start };
    let byte = s.get(at).copied().unwrap_or(s[start]);
    Err(eval_err!(
        "JSON serialization error: [json.exception.type_error.316] invalid UTF-8 byte at index {at}: 0x{byte:02X}"
    ))
}

/// Keeps the first string that is not UTF-8, in document order: current Nix
/// builds the whole JSON value first (forcing everything, so an evaluation
/// error comes first) and finds such a string only when writing it out.
fn note_utf8(first: &mut Option<ErrorKind>, s: &[u8]) {
    if first.is_none() {
        *first = check_json_utf8(s).err();
    }
}

enum Task {
    /// A value and how deeply it is nested.
    Visit(Value, usize),
    /// A closing bracket or a `,` between list elements.
    Byte(u8),
    /// An attribute's name and the `:` after it, after a `,` unless it is
    /// the first.
    Key(Symbol, bool),
}

/// Serialises `v` (forcing it deeply) with an explicit work stack, so deep
/// values do not recurse on the host stack. Contexts of all strings are
/// merged. Nesting deeper than `depth_limit` is refused (see
/// [`crate::Limits`]).
pub(crate) async fn value_to_json(
    co: &Co,
    v: Value,
    depth_limit: Option<usize>,
) -> Result<NixString, ErrorKind> {
    let mut out: Vec<u8> = Vec::new();
    let mut ctx = StringBuilder::new();
    let mut work = vec![Task::Visit(v, 0)];
    let mut not_utf8 = None;
    let (to_string_sym, out_path_sym) = well_known(|w| (w.to_string, w.out_path));
    while let Some(task) = work.pop() {
        crate::state::grow_output(&mut out)?;
        let v = match task {
            Task::Byte(b) => {
                out.push(b);
                continue;
            }
            Task::Key(name, first) => {
                if !first {
                    out.push(b',');
                }
                write_json_string(&mut not_utf8, name.as_bytes(), &mut out);
                out.push(b':');
                continue;
            }
            Task::Visit(v, depth) => (co.force(v).await, depth),
        };
        let (v, depth) = v;
        if matches!(v, Value::Attrs(_) | Value::List(_))
            && depth_limit.is_some_and(|max| depth >= max)
        {
            return Err(ErrorKind::MaxCallDepth);
        }
        match &v {
            Value::Null => out.extend_from_slice(b"null"),
            Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Value::Int(i) => {
                use std::io::Write;
                // Writing to a vector cannot fail.
                let _ = write!(out, "{i}");
            }
            Value::Float(f) => out.extend_from_slice(format_json_float(*f).as_bytes()),
            Value::String(s) => {
                ctx.add_context(s.context());
                write_json_string(&mut not_utf8, s.as_bytes(), &mut out);
            }
            Value::Path(_) => {
                let s = coerce_to_string(co, v.clone(), Coercion::INTERPOLATION).await?;
                ctx.add_context(s.context());
                write_json_string(&mut not_utf8, s.as_bytes(), &mut out);
            }
            Value::Attrs(a) => {
                if a.contains(to_string_sym) {
                    let s = coerce_to_string(co, v.clone(), Coercion::PATH_APPEND).await?;
                    ctx.add_context(s.context());
                    write_json_string(&mut not_utf8, s.as_bytes(), &mut out);
                } else if let Some(o) = a.get(out_path_sym) {
                    work.push(Task::Visit(o.clone(), depth));
                } else {
                    out.push(b'{');
                    work.push(Task::Byte(b'}'));
                    for (i, attr) in a.iter().enumerate().rev() {
                        work.push(Task::Visit(attr.value.clone(), depth + 1));
                        work.push(Task::Key(attr.name, i == 0));
                    }
                }
            }
            Value::List(l) => {
                out.push(b'[');
                work.push(Task::Byte(b']'));
                for (i, x) in l.iter().enumerate().rev() {
                    work.push(Task::Visit(x.clone(), depth + 1));
                    if i > 0 {
                        work.push(Task::Byte(b','));
                    }
                }
            }
            Value::Builtin(b) => {
                let partially = if b.args.is_empty() {
                    ""
                } else {
                    "partially applied "
                };
                return Err(eval_err!(
                    "cannot convert the {partially}built-in function '{}' to JSON",
                    b.def.name
                ));
            }
            Value::Closure(_) | Value::Thunk(_) => {
                return Err(eval_err!("cannot convert {} to JSON", v.type_description()));
            }
        }
    }
    if let Some(e) = not_utf8 {
        return Err(e);
    }
    // `ctx` holds only the contexts of the strings written.
    ctx.finish_with(out)
}
