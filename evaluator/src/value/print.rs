//! Printing values the way `nix-instantiate --eval` does, byte for byte.
//! Iterative, so deeply nested values do not recurse on the host stack.

use std::collections::HashSet;

use super::{format_float, Symbol, Value};

/// Escapes a string as a Nix string literal, quotes included.
pub fn escape_string(bytes: &[u8], out: &mut Vec<u8>) {
    escape_with(bytes, false, out)
}

/// Quotes and escapes; `every_dollar` escapes each `$` (C++ Nix 2.8 does so
/// in attribute names), otherwise only `${`.
fn escape_with(bytes: &[u8], every_dollar: bool, out: &mut Vec<u8>) {
    out.push(b'"');
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'$' if every_dollar || bytes.get(i + 1) == Some(&b'{') => {
                out.extend_from_slice(b"\\$")
            }
            b => out.push(b),
        }
        i += 1;
    }
    out.push(b'"');
}

/// Nix 2.8's printer quotes only this keyword (checked against `nix-instantiate`).
const KEYWORDS: &[&[u8]] = &[b"if"];

/// Writes an attribute name, quoted unless it is a plain identifier.
pub fn quote_attr_name(name: &[u8], out: &mut Vec<u8>) {
    let is_ident = !name.is_empty()
        && (name[0].is_ascii_alphabetic() || name[0] == b'_')
        && name[1..]
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'\'' || c == b'-')
        && !KEYWORDS.contains(&name);
    if is_ident {
        out.extend_from_slice(name);
    } else {
        escape_with(name, true, out);
    }
}

enum Task {
    Value(Value),
    Text(&'static str),
    AttrName(Symbol),
}

/// Prints a value without parts (null, Booleans, numbers, strings, paths)
/// as both printers show it; anything else prints nothing.
pub(super) fn print_plain(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Value::Float(f) => out.extend_from_slice(format_float(*f).as_bytes()),
        Value::String(s) => escape_string(s.as_bytes(), out),
        Value::Path(p) => out.extend_from_slice(p.as_os_str().as_encoded_bytes()),
        _ => {}
    }
}

/// Prints `value` like `nix-instantiate --eval`: unevaluated thunks as
/// `<CODE>`, sets and lists seen before as `«repeated»`.
pub fn print_value(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let mut seen: HashSet<usize> = HashSet::new();
    let mut tasks = vec![Task::Value(value.clone())];
    while let Some(task) = tasks.pop() {
        let (v, key) = match task {
            Task::Text(t) => {
                out.extend_from_slice(t.as_bytes());
                continue;
            }
            Task::AttrName(n) => {
                quote_attr_name(n.as_bytes(), &mut out);
                continue;
            }
            // C++ Nix keeps lists of up to two elements inside the value cell,
            // so their identity is the cell's (here: the thunk's), not the list's.
            Task::Value(v) => {
                let key = match &v {
                    Value::Thunk(t) => Some(std::rc::Rc::as_ptr(&t.0) as usize),
                    _ => None,
                };
                (v, key)
            }
        };
        match v.shallow() {
            plain @ (Value::Null
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::String(_)
            | Value::Path(_)) => print_plain(&plain, &mut out),
            Value::Closure(_) => out.extend_from_slice(b"<LAMBDA>"),
            Value::Builtin(b) if b.args.is_empty() => out.extend_from_slice(b"<PRIMOP>"),
            Value::Builtin(_) => out.extend_from_slice(b"<PRIMOP-APP>"),
            Value::Thunk(_) => out.extend_from_slice(b"<CODE>"),
            Value::Attrs(attrs) => {
                if !attrs.is_empty() && !seen.insert(std::rc::Rc::as_ptr(&attrs) as usize) {
                    out.extend_from_slice("«repeated»".as_bytes());
                    continue;
                }
                out.extend_from_slice(b"{ ");
                tasks.push(Task::Text("}"));
                for attr in attrs.iter().rev() {
                    tasks.push(Task::Text("; "));
                    tasks.push(Task::Value(attr.value.clone()));
                    tasks.push(Task::Text(" = "));
                    tasks.push(Task::AttrName(attr.name));
                }
            }
            Value::List(list) => {
                let id = if list.len() <= 2 {
                    key
                } else {
                    Some(std::rc::Rc::as_ptr(&list) as usize)
                };
                if !list.is_empty() && id.is_some_and(|id| !seen.insert(id)) {
                    out.extend_from_slice("«repeated»".as_bytes());
                    continue;
                }
                out.extend_from_slice(b"[ ");
                tasks.push(Task::Text("]"));
                for item in list.iter().rev() {
                    tasks.push(Task::Text(" "));
                    tasks.push(Task::Value(item.clone()));
                }
            }
        }
    }
    out
}
