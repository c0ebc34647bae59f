//! `Value` into the evaluator's value type, for arguments passed to Nix
//! functions and results of Rust builtins.

use std::rc::Rc;

use tvix_eval::value::Attr;
use tvix_eval::{Attrs, Symbol};

use super::Value;

/// The evaluator's value for `v` (fully evaluated: no thunks).
pub(crate) fn to_raw(v: &Value) -> tvix_eval::Value {
    use crate::ser::{GROW_RED_ZONE, GROW_SEGMENT};
    stacker::maybe_grow(GROW_RED_ZONE, GROW_SEGMENT, || to_raw_here(v))
}

fn to_raw_here(v: &Value) -> tvix_eval::Value {
    match v {
        Value::Null => tvix_eval::Value::Null,
        Value::Bool(b) => tvix_eval::Value::Bool(*b),
        Value::Int(i) => tvix_eval::Value::Int(*i),
        Value::Float(f) => tvix_eval::Value::Float(*f),
        Value::String(s) => tvix_eval::Value::string(s.as_str()),
        Value::Path(p) => tvix_eval::Value::Path(Rc::new(p.clone())),
        Value::List(items) => tvix_eval::Value::list(items.iter().map(to_raw).collect()),
        Value::Attrs(attrs) => {
            let entries = attrs
                .iter()
                .map(|(name, v)| Attr {
                    name: Symbol::from_str(name),
                    value: to_raw(v),
                    pos: Default::default(),
                })
                .collect();
            tvix_eval::Value::attrs(Attrs::from_unsorted_last_wins(entries))
        }
    }
}
