//! Runtime values: a 16-byte enum whose heap variants are single `Rc` pointers.

mod attrs;
pub(crate) mod drop;
mod float;
mod print;
mod show;
mod string;
mod symbol;
mod symbol_order;
mod thunk;

use std::path::PathBuf;
use std::rc::Rc;

pub use attrs::{Attr, Attrs};
pub use float::format_float;
pub use print::{escape_string, print_value, quote_attr_name};
pub use show::show_value;
pub use string::{ContextElement, NixContext, NixString, StringBuilder};
pub(crate) use symbol::reclaim_unused_names;
pub use symbol::{interned_names, well_known, NameLease, Symbol, SymbolBytes, WellKnown};
pub(crate) use thunk::Start;
pub use thunk::{Thunk, ThunkState, Upvalues, THUNK_BYTES};

use crate::builtins::BuiltinDef;
use crate::bytecode::Lambda;

/// A Nix list. Elements may be thunks.
pub type NixList = Rc<ListItems>;

/// The elements of a list (a `Vec` that frees nested lists iteratively).
#[derive(Debug)]
pub struct ListItems(pub Vec<Value>);

/// Bytes a list element counts for in the memory accounting.
pub(crate) const ELEMENT_BYTES: u64 = std::mem::size_of::<Value>() as u64;

/// Bytes a list counts for besides its elements: the block holding the
/// list and its `Rc` counts (`split` can return millions of empty lists).
pub(crate) const LIST_BYTES: u64 =
    (std::mem::size_of::<ListItems>() as u64 + 16).next_multiple_of(16);

impl Clone for ListItems {
    fn clone(&self) -> ListItems {
        crate::state::charge(self.0.len() as u64 * ELEMENT_BYTES + LIST_BYTES);
        ListItems(self.0.clone())
    }
}

impl Default for ListItems {
    fn default() -> ListItems {
        crate::state::charge(LIST_BYTES);
        ListItems(Vec::new())
    }
}

impl std::ops::Deref for ListItems {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.0
    }
}

impl std::ops::DerefMut for ListItems {
    fn deref_mut(&mut self) -> &mut Vec<Value> {
        &mut self.0
    }
}

impl Drop for ListItems {
    fn drop(&mut self) {
        crate::state::credit(self.0.len() as u64 * ELEMENT_BYTES + LIST_BYTES);
        if self.0.is_empty() {
            return;
        }
        match drop::enter() {
            Some(depth) => {
                self.0.clear();
                drop::leave(depth);
            }
            None => drop::enqueue(drop::Deferred::Values(std::mem::take(&mut self.0))),
        }
    }
}

/// A function value: compiled code plus the values it captured.
#[derive(Debug)]
pub struct Closure {
    /// The compiled lambda.
    pub lambda: Rc<Lambda>,
    /// The values its body's `GetUpvalue` reads.
    pub upvalues: Upvalues,
}

/// Bytes a closure counts for in the memory accounting.
const CLOSURE_BYTES: u64 = std::mem::size_of::<Closure>() as u64 + 16;

impl Closure {
    /// A closure, charged to the current evaluation.
    pub fn new(lambda: Rc<Lambda>, upvalues: Upvalues) -> Closure {
        crate::state::charge(CLOSURE_BYTES);
        Closure { lambda, upvalues }
    }
}

impl Drop for Closure {
    fn drop(&mut self) {
        crate::state::credit(CLOSURE_BYTES);
    }
}

/// A builtin, possibly applied to some of its arguments.
#[derive(Debug)]
pub struct PartialBuiltin {
    /// Which builtin.
    pub def: &'static BuiltinDef,
    /// The arguments applied so far.
    pub args: Vec<Value>,
}

impl PartialBuiltin {
    /// The arguments applied so far, in a vector with room for all of them.
    #[inline]
    pub(crate) fn args_with_room(&self) -> Vec<Value> {
        let mut args = Vec::with_capacity(self.def.arity as usize);
        args.extend(self.args.iter().cloned());
        args
    }
}

/// A Nix value. Nested values may be unevaluated thunks.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// `null` (also the default, for slots and absent values).
    #[default]
    Null,
    /// A Boolean.
    Bool(bool),
    /// A 64-bit integer (overflow is an error).
    Int(i64),
    /// A float.
    Float(f64),
    /// A string with its context.
    String(NixString),
    /// An absolute, canonical path.
    Path(Rc<PathBuf>),
    /// An attribute set.
    Attrs(Rc<Attrs>),
    /// A list (elements may be thunks).
    List(NixList),
    /// A lambda with its environment.
    Closure(Rc<Closure>),
    /// A builtin, possibly partially applied.
    Builtin(Rc<PartialBuiltin>),
    /// A suspended computation (or its cached result).
    Thunk(Thunk),
}

const _: () = assert!(std::mem::size_of::<Value>() == 16);

/// "the built-in function 'NAME'" (or "the partially applied …"), as C++
/// Nix describes a primop in messages. Made once per builtin for the whole
/// process and kept (at most two per builtin, so a bounded set; a static
/// table rather than a per-thread one, so threads that come and go do not
/// each leave a copy behind).
fn builtin_description(name: &'static str, partial: bool) -> &'static str {
    type Descriptions = std::collections::HashMap<(&'static str, bool), &'static str>;
    static DESCRIPTIONS: std::sync::LazyLock<std::sync::Mutex<Descriptions>> =
        std::sync::LazyLock::new(Default::default);
    let mut d = DESCRIPTIONS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    d.entry((name, partial)).or_insert_with(|| {
        let kind = if partial {
            "the partially applied built-in function"
        } else {
            "the built-in function"
        };
        Box::leak(format!("{kind} '{name}'").into_boxed_str())
    })
}

impl Value {
    /// A string value without context.
    pub fn string(s: impl Into<NixString>) -> Value {
        Value::String(s.into())
    }

    /// A new list or set with the same elements (a literal evaluated again,
    /// see [`ThunkState::Literal`](thunk::ThunkState::Literal)); other
    /// values as they are.
    pub(crate) fn fresh_copy(&self) -> Value {
        // Nested lists and sets are literal thunks: the copy gets new ones.
        fn element(v: &Value) -> Value {
            match v {
                Value::Thunk(t) => match t.renew_literal() {
                    Some(t) => Value::Thunk(t),
                    None => v.clone(),
                },
                _ => v.clone(),
            }
        }
        match self {
            Value::List(l) if !l.0.is_empty() => Value::list(l.0.iter().map(element).collect()),
            Value::Attrs(a) if !a.is_empty() => Value::attrs(Attrs::from_sorted(
                a.iter()
                    .map(|attr| Attr {
                        name: attr.name,
                        value: element(&attr.value),
                        pos: attr.pos,
                    })
                    .collect(),
            )),
            other => other.clone(),
        }
    }

    /// A list value.
    pub fn list(items: Vec<Value>) -> Value {
        crate::state::charge(items.len() as u64 * ELEMENT_BYTES + LIST_BYTES);
        Value::List(Rc::new(ListItems(items)))
    }

    /// An attribute set value.
    pub fn attrs(attrs: Attrs) -> Value {
        Value::Attrs(Rc::new(attrs))
    }

    /// The name `builtins.typeOf` gives this value.
    pub fn type_of(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::Path(_) => "path",
            Value::Attrs(_) => "set",
            Value::List(_) => "list",
            Value::Closure(_) | Value::Builtin(_) => "lambda",
            Value::Thunk(_) => "thunk",
        }
    }

    /// The description C++ Nix uses in type errors ("a string", "a set", …).
    pub fn type_description(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a Boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::String(s) if s.has_context() => "a string with context",
            Value::String(_) => "a string",
            Value::Path(_) => "a path",
            Value::Attrs(_) => "a set",
            Value::List(_) => "a list",
            Value::Closure(_) => "a function",
            Value::Builtin(b) => builtin_description(b.def.name, !b.args.is_empty()),
            Value::Thunk(_) => "a thunk",
        }
    }

    /// If this is an evaluated thunk, its value; otherwise itself.
    /// Pending thunks stay thunks.
    pub fn shallow(&self) -> Value {
        match self {
            Value::Thunk(t) => t.value().unwrap_or_else(|| self.clone()),
            v => v.clone(),
        }
    }

    /// Whether this is a thunk that has not been evaluated yet.
    pub fn is_pending(&self) -> bool {
        matches!(self, Value::Thunk(t) if !t.is_evaluated())
    }

    /// Whether this value can be called.
    pub fn is_function(&self) -> bool {
        matches!(self, Value::Closure(_) | Value::Builtin(_))
    }
}

#[cfg(test)]
mod tests {
    use super::builtin_description;

    #[test]
    fn builtin_descriptions_are_made_once_per_process() {
        // Found by fuzzing: a per-thread table left a copy of every
        // description behind for each thread that had used it.
        let here = builtin_description("map", true);
        let there = std::thread::spawn(|| builtin_description("map", true))
            .join()
            .expect("the thread runs");
        assert_eq!(here, "the partially applied built-in function 'map'");
        assert!(std::ptr::eq(here, there));
    }
}
