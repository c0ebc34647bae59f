//! JSON builtins: `toJSON` (iterative, nlohmann::json's output format, floats
//! in shortest round-trip form as current Nix writes them) and `fromJSON`
//! (a port of nlohmann::json's lexer and parser, so errors read the same).

mod lex;
mod parse;
#[cfg(test)]
mod tests;
mod write;

use std::rc::Rc;

use self::parse::parse_json;
// Re-exported at their old path: derivations with structured attributes
// (store.rs) write their JSON with them.
pub(crate) use self::write::{escape_json_string, value_to_json};
use super::versions::to_str_no_ctx;
use super::{BuiltinDef, BuiltinImpl::*, ALL};
use crate::errors::ErrorKind;
use crate::value::Value;
use crate::vm::generators::{make_gen, Gen};
use crate::vm::Vm;
use crate::Shared;

pub(super) static BUILTINS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "toJSON",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(to_json),
    },
    BuiltinDef {
        name: "fromJSON",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(from_json),
    },
];

fn to_json(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let depth = shared.limits.data_depth();
        Ok(Value::String(
            value_to_json(&co, args[0].clone(), depth).await?,
        ))
    })
}

fn from_json(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let s = to_str_no_ctx(&args[0])?;
    parse_json(s.as_bytes())
}

/// Current Nix refuses parsed strings and names with a NUL byte (which 2.8
/// silently cut short), naming the string with the NUL shown as `␀`.
pub(crate) fn reject_nul_bytes(bytes: &[u8]) -> Result<(), String> {
    if !bytes.contains(&0) {
        return Ok(());
    }
    let shown = String::from_utf8_lossy(bytes).replace('\0', "\u{2400}");
    Err(format!(
        "input string '{shown}' cannot be represented as Nix string because it contains null bytes"
    ))
}

/// [`reject_nul_bytes`] over every string and name of a parsed value, for
/// parsers that do not check as they read: a set's names before its values.
pub(crate) fn reject_nul_bytes_in(v: &Value) -> Result<(), String> {
    let check = reject_nul_bytes;
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
            Some(Value::String(s)) => check(s.as_bytes())?,
            Some(Value::List(l)) => stack.push(Walk::List(l.iter())),
            Some(Value::Attrs(a)) => {
                for attr in a.iter() {
                    check(attr.name.as_bytes())?;
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
