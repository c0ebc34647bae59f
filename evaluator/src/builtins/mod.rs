//! The builtin set: definitions grouped by domain, and the global scope
//! (`builtins`, `true`, `map`, `__add`, …) every program starts in.

mod attrs;
mod closure;
mod control;
mod fetch;
mod hash;
mod io;
mod json;
mod lists;
mod math;
mod misc;
mod regex;
pub(crate) use regex::RegexCache;
mod store;
mod strings;
mod toml;
mod types;
mod versions;
pub mod xml;

use std::rc::Rc;

use crate::compiler::Globals;
use crate::errors::ErrorKind;
use crate::syntax::Pos;
use crate::value::{Attr, Attrs, NixList, NixString, PartialBuiltin, Symbol, Value};
use crate::vm::generators::Gen;
use crate::vm::Vm;
use crate::Shared;
use crate::Span;

pub(crate) use hash::HashAlgo;
pub use io::import_value;
pub use store::{path_to_store, DERIVATION_NIX};
pub(crate) use versions::to_str_no_ctx;

/// How a builtin runs once its strict arguments are forced.
pub enum BuiltinImpl {
    /// A plain function. Its result is forced by the VM if it is a thunk.
    Sync(fn(&mut Vm, Vec<Value>) -> Result<Value, ErrorKind>),
    /// A generator, for builtins that force nested values or call functions.
    Async(fn(Vec<Value>, Rc<Shared>) -> Box<Gen>),
    /// Arranges frames itself (e.g. `tryEval`) and leaves its result on the
    /// stack; gets the call's span for the errors its frames raise.
    Frames(fn(&mut Vm, Vec<Value>, Span) -> Result<(), ErrorKind>),
    /// A generator with a synchronous first attempt: when the arguments are
    /// already plain values (nothing to force or coerce), the first function
    /// answers exactly as the generator would; `None` runs the generator.
    Fast(
        fn(&[Value]) -> Option<Result<Value, ErrorKind>>,
        fn(Vec<Value>, Rc<Shared>) -> Box<Gen>,
    ),
}

/// The value in weak head normal form if it needs no evaluation (`None` for
/// a pending thunk): what a synchronous fast path may look at.
pub(crate) fn evaluated(v: &Value) -> Option<Value> {
    match v {
        Value::Thunk(t) => t.value(),
        v => Some(v.clone()),
    }
}

/// A value that needs no evaluation, as a string, when coercing it needs no
/// evaluation either: strings, and for `toString` also integers, Booleans and
/// `null`. `None` for anything else (the caller then coerces step by step).
pub(crate) fn plain_string(v: &Value, to_string: bool) -> Option<crate::value::NixString> {
    match v.shallow() {
        Value::String(s) => Some(s),
        Value::Int(i) if to_string => Some(crate::value::NixString::from(i.to_string())),
        Value::Bool(b) if to_string => Some(crate::value::NixString::from(
            if b { "1" } else { "" }.to_string(),
        )),
        Value::Null if to_string => Some(crate::value::NixString::from(String::new())),
        _ => None,
    }
}

/// A builtin: name, arity, which arguments are forced before it runs.
pub struct BuiltinDef {
    /// The name under `builtins`.
    pub name: &'static str,
    /// How many arguments it takes.
    pub arity: u8,
    /// Bit `i` set: argument `i` is forced to weak head normal form first.
    pub strict: u32,
    /// The type the first argument must have, checked before any later
    /// argument is forced (as C++ Nix's primop does), e.g. `Some("a string")`
    /// or `Some("a string without context")`.
    pub first_arg: Option<&'static str>,
    /// How it runs.
    pub imp: BuiltinImpl,
}

impl std::fmt::Debug for BuiltinDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<builtin {}>", self.name)
    }
}

/// Every argument strict.
pub(crate) const ALL: u32 = u32::MAX;

/// Builtins reachable without the `builtins.` prefix, as in C++ Nix.
const GLOBAL_NAMES: &[&str] = &[
    "abort",
    "baseNameOf",
    "break",
    "derivation",
    "dirOf",
    "fetchGit",
    "fetchMercurial",
    "fetchTarball",
    "fetchTree",
    "fromTOML",
    "import",
    "isNull",
    "map",
    "placeholder",
    "removeAttrs",
    "scopedImport",
    "throw",
    "toString",
];

fn all_defs() -> impl Iterator<Item = &'static BuiltinDef> {
    attrs::BUILTINS
        .iter()
        .chain(control::BUILTINS)
        .chain(io::BUILTINS)
        .chain(store::BUILTINS)
        .chain(lists::BUILTINS)
        .chain(math::BUILTINS)
        .chain(strings::BUILTINS)
        .chain(types::BUILTINS)
        .chain(hash::BUILTINS)
        .chain(misc::BUILTINS)
        .chain(fetch::BUILTINS)
        .chain(versions::BUILTINS)
        .chain(json::BUILTINS)
        .chain(toml::BUILTINS)
        .chain(xml::BUILTINS)
        .chain(regex::BUILTINS)
}

/// Calls an embedder's Rust builtin: argument 0 is its index, argument 1 the
/// (forced) argument.
static HOST_CALL: BuiltinDef = BuiltinDef {
    name: "hostFunction",
    arity: 2,
    strict: ALL,
    first_arg: None,
    imp: BuiltinImpl::Sync(|vm, args| {
        let idx = to_int(&args[0])? as usize;
        let f = vm.shared().host_functions.get(idx).cloned();
        match f {
            Some(f) => f(args[1].clone()).map_err(ErrorKind::Eval),
            None => Err(ErrorKind::Eval("unknown host function".into())),
        }
    }),
};

/// Calls an embedder's native function: argument 0 is its index, the others
/// its arguments, unevaluated (the function forces what it needs).
fn native_call(vm: &mut Vm, mut args: Vec<Value>) -> Result<Value, ErrorKind> {
    let idx = to_int(&args[0])? as usize;
    let f = vm.shared().native_functions.get(idx).cloned();
    match f {
        Some(f) => f(vm, args.split_off(1)),
        None => Err(ErrorKind::Eval("unknown native function".into())),
    }
}

/// Native functions of one, two and three arguments.
static NATIVE_CALLS: [BuiltinDef; 3] = [
    BuiltinDef {
        name: "nativeFunction",
        arity: 2,
        strict: 0,
        first_arg: None,
        imp: BuiltinImpl::Sync(native_call),
    },
    BuiltinDef {
        name: "nativeFunction",
        arity: 3,
        strict: 0,
        first_arg: None,
        imp: BuiltinImpl::Sync(native_call),
    },
    BuiltinDef {
        name: "nativeFunction",
        arity: 4,
        strict: 0,
        first_arg: None,
        imp: BuiltinImpl::Sync(native_call),
    },
];

/// The value of the embedder's native function number `idx`, curried over
/// `arity` arguments (1 to 3; `None` for any other arity).
pub fn native_function_value(idx: usize, arity: u8) -> Option<Value> {
    let def = NATIVE_CALLS.get(usize::from(arity).checked_sub(1)?)?;
    Some(Value::Builtin(Rc::new(PartialBuiltin {
        def,
        args: vec![Value::Int(idx as i64)],
    })))
}

/// The value of the embedder's Rust builtin number `idx`.
pub fn host_function_value(idx: usize) -> Value {
    Value::Builtin(Rc::new(PartialBuiltin {
        def: &HOST_CALL,
        args: vec![Value::Int(idx as i64)],
    }))
}

/// The value of a builtin with no arguments applied.
pub fn builtin_value(def: &'static BuiltinDef) -> Value {
    Value::Builtin(Rc::new(PartialBuiltin {
        def,
        args: Vec::new(),
    }))
}

/// Builds the global scope for an evaluation with these settings.
pub fn globals(shared: &Shared) -> Globals {
    let mut entries: Vec<Attr> = Vec::new();
    let mut add = |name: &str, value: Value| {
        entries.push(Attr {
            name: Symbol::from_str(name),
            value,
            pos: Pos::NONE,
        });
    };
    for def in all_defs() {
        let feature = fetch::EXPERIMENTAL.iter().find(|(n, _)| *n == def.name);
        if feature.is_some_and(|(_, f)| !shared.settings.feature_enabled(f)) {
            continue;
        }
        add(def.name, builtin_value(def));
    }
    for (name, value) in constants(shared) {
        add(name, value);
    }
    for (name, value) in &shared.extra_builtins {
        add(name, value.clone());
    }
    // The `builtins` set contains itself, through a thunk filled in below.
    // The cycle lives as long as the evaluation, like the global scope.
    let myself = crate::value::Thunk::new_apply(Value::Null, Value::Null);
    let mut set_entries = entries.clone();
    set_entries.push(Attr {
        name: Symbol::from_str("builtins"),
        value: Value::Thunk(myself.clone()),
        pos: Pos::NONE,
    });
    let builtins_set = Value::attrs(Attrs::from_unsorted_last_wins(set_entries));
    myself.finish(builtins_set.clone());

    let mut g = Globals::new();
    for attr in &entries {
        let name = attr.name.as_bytes();
        let plain = GLOBAL_NAMES.iter().any(|n| n.as_bytes() == name);
        let prefixed = format!("__{}", attr.name);
        g.insert(Symbol::from_str(&prefixed), attr.value.clone());
        if plain {
            g.insert(attr.name, attr.value.clone());
        }
    }
    g.insert(Symbol::from_str("builtins"), builtins_set);
    g.insert(Symbol::from_str("true"), Value::Bool(true));
    g.insert(Symbol::from_str("false"), Value::Bool(false));
    g.insert(Symbol::from_str("null"), Value::Null);
    g
}

fn constants(shared: &Shared) -> Vec<(&'static str, Value)> {
    let s = &shared.settings;
    let nix_path: Vec<Value> = s
        .nix_path
        .iter()
        .map(|(prefix, path)| {
            Value::attrs(Attrs::from_sorted(vec![
                Attr {
                    name: Symbol::from_str("path"),
                    value: Value::string(path.as_str()),
                    pos: Pos::NONE,
                },
                Attr {
                    name: Symbol::from_str("prefix"),
                    value: Value::string(prefix.as_str()),
                    pos: Pos::NONE,
                },
            ]))
        })
        .collect();
    let mut c = vec![
        ("true", Value::Bool(true)),
        ("false", Value::Bool(false)),
        ("null", Value::Null),
        ("langVersion", Value::Int(6)),
        ("nixVersion", Value::string("2.18.0")),
        ("storeDir", Value::string(s.store_dir.as_str())),
        ("nixPath", Value::list(nix_path)),
    ];
    if !s.pure {
        c.push(("currentSystem", Value::string(s.system.as_str())));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        c.push(("currentTime", Value::Int(now)));
    }
    c
}

// ---- argument helpers shared by the domain modules -------------------

pub(crate) fn type_err(expected: &'static str, v: &Value) -> ErrorKind {
    ErrorKind::TypeError {
        expected,
        actual: v.type_description(),
    }
}

pub(crate) fn to_int(v: &Value) -> Result<i64, ErrorKind> {
    match v {
        Value::Int(i) => Ok(*i),
        other => Err(type_err("an integer", other)),
    }
}

pub(crate) fn to_bool(v: &Value) -> Result<bool, ErrorKind> {
    match v {
        Value::Bool(b) => Ok(*b),
        other => Err(type_err("a Boolean", other)),
    }
}

pub(crate) fn to_list(v: &Value) -> Result<NixList, ErrorKind> {
    match v {
        Value::List(l) => Ok(l.clone()),
        other => Err(type_err("a list", other)),
    }
}

pub(crate) fn to_attrs(v: &Value) -> Result<Rc<Attrs>, ErrorKind> {
    match v {
        Value::Attrs(a) => Ok(a.clone()),
        other => Err(type_err("a set", other)),
    }
}

/// The attribute `name` of `builtin`'s argument set, or C++ Nix's error when it is absent.
pub(crate) fn required_attr(
    attrs: &Attrs,
    name: Symbol,
    builtin: &str,
) -> Result<Value, ErrorKind> {
    attrs.get(name).cloned().ok_or_else(|| {
        crate::eval_err!(
            "attribute '{}' missing for call to '{builtin}'",
            name.display_name()
        )
    })
}

pub(crate) fn to_str(v: &Value) -> Result<NixString, ErrorKind> {
    match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(type_err("a string", other)),
    }
}

/// Checks that `v` can be called (a function or a set with `__functor`).
pub(crate) fn to_function(v: &Value) -> Result<(), ErrorKind> {
    match v {
        Value::Closure(_) | Value::Builtin(_) => Ok(()),
        Value::Attrs(a) if a.contains(crate::value::well_known(|w| w.functor)) => Ok(()),
        other => Err(type_err("a function", other)),
    }
}

/// Builds a set from (name, value) pairs in any order (last wins).
pub(crate) fn make_attrs(pairs: Vec<(Symbol, Value)>) -> Value {
    Value::attrs(Attrs::from_unsorted_last_wins(
        pairs
            .into_iter()
            .map(|(name, value)| Attr {
                name,
                value,
                pos: Pos::NONE,
            })
            .collect(),
    ))
}

/// The definition of a builtin by name (for tests and the host API).
pub fn find_builtin(name: &str) -> Option<&'static BuiltinDef> {
    all_defs().find(|d| d.name == name)
}

/// Every builtin name this evaluator defines.
pub fn builtin_names() -> Vec<&'static str> {
    all_defs().map(|d| d.name).collect()
}
