//! Printing values as current Nix shows them in `builtins.trace` (its
//! `ValuePrinter`): names sorted, functions and pending values described in
//! `«…»`. Iterative, like `print.rs`; what `nix-instantiate --eval` prints is
//! `print.rs`'s business.

use std::collections::HashSet;

use super::print::{print_plain, quote_attr_name};
use super::{Symbol, ThunkState, Value};

enum Task {
    Value(Value),
    Text(&'static str),
    AttrName(Symbol),
}

/// Prints `value` as current Nix's `builtins.trace` does: sets with their
/// names sorted, unevaluated values as `«thunk»` (`«potential infinite
/// recursion»` while under evaluation), functions as `«lambda NAME @ POS»`,
/// `«primop NAME»` or `«partially applied primop NAME»`, and sets and lists
/// met before as `«repeated»`. Nothing is forced.
pub fn show_value(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let mut seen: HashSet<usize> = HashSet::new();
    let mut tasks = vec![Task::Value(value.clone())];
    while let Some(task) = tasks.pop() {
        let v = match task {
            Task::Text(t) => {
                out.extend_from_slice(t.as_bytes());
                continue;
            }
            Task::AttrName(n) => {
                quote_attr_name(n.as_bytes(), &mut out);
                continue;
            }
            Task::Value(v) => v,
        };
        // C++ Nix tracks lists by the cell holding them: here the thunk
        // they were reached through, if any.
        let cell = match &v {
            Value::Thunk(t) => Some(std::rc::Rc::as_ptr(&t.0) as usize),
            _ => None,
        };
        let v = match &v {
            Value::Thunk(t) => match &*t.0.borrow() {
                ThunkState::Evaluated(v) => v.clone(),
                ThunkState::Blackhole | ThunkState::Code { chunk: None, .. } => {
                    out.extend_from_slice("«potential infinite recursion»".as_bytes());
                    continue;
                }
                _ => {
                    out.extend_from_slice("«thunk»".as_bytes());
                    continue;
                }
            },
            v => v.clone(),
        };
        match v {
            // An evaluated thunk may hold another thunk (an alias).
            Value::Thunk(_) => tasks.push(Task::Value(v)),
            plain @ (Value::Null
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::String(_)
            | Value::Path(_)) => print_plain(&plain, &mut out),
            Value::Closure(c) => {
                out.extend_from_slice("«lambda".as_bytes());
                if let Some(name) = c.lambda.name {
                    out.push(b' ');
                    out.extend_from_slice(name.as_bytes());
                }
                if let Some(loc) = crate::syntax::locate(c.lambda.span) {
                    let pos = format!(" @ {}:{}:{}", loc.file, loc.line, loc.column);
                    out.extend_from_slice(pos.as_bytes());
                }
                out.extend_from_slice("»".as_bytes());
            }
            Value::Builtin(b) => {
                let text = if b.args.is_empty() {
                    format!("«primop {}»", b.def.name)
                } else {
                    format!("«partially applied primop {}»", b.def.name)
                };
                out.extend_from_slice(text.as_bytes());
            }
            Value::Attrs(attrs) => {
                if !seen.insert(std::rc::Rc::as_ptr(&attrs) as usize) {
                    out.extend_from_slice("«repeated»".as_bytes());
                    continue;
                }
                if attrs.is_empty() {
                    out.extend_from_slice(b"{ }");
                    continue;
                }
                // A set is stored sorted by name bytes, the order C++ Nix
                // sorts the names into here.
                out.extend_from_slice(b"{");
                tasks.push(Task::Text(" }"));
                for attr in attrs.iter().rev() {
                    tasks.push(Task::Text(";"));
                    tasks.push(Task::Value(attr.value.clone()));
                    tasks.push(Task::Text(" = "));
                    tasks.push(Task::AttrName(attr.name));
                    tasks.push(Task::Text(" "));
                }
            }
            Value::List(list) => {
                let id = cell.unwrap_or(std::rc::Rc::as_ptr(&list) as usize);
                if !list.is_empty() && !seen.insert(id) {
                    out.extend_from_slice("«repeated»".as_bytes());
                    continue;
                }
                if list.is_empty() {
                    out.extend_from_slice(b"[ ]");
                    continue;
                }
                out.extend_from_slice(b"[");
                tasks.push(Task::Text(" ]"));
                for item in list.iter().rev() {
                    tasks.push(Task::Value(item.clone()));
                    tasks.push(Task::Text(" "));
                }
            }
        }
    }
    out
}
