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
