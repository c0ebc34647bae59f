//! Attribute-set builtins: `attrNames`, `mapAttrs`, `listToAttrs`, ….

use std::rc::Rc;

use super::{required_attr, to_attrs, to_list, to_str, BuiltinDef, BuiltinImpl::*, ALL};
use crate::errors::ErrorKind;
use crate::eval_err;
use crate::syntax::Pos;
use crate::value::{well_known, Attr, Attrs, Symbol, Thunk, Value};
use crate::vm::generators::{make_gen, Gen};
use crate::vm::Vm;
use crate::Shared;

pub(super) static BUILTINS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "attrNames",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(attr_names),
    },
    BuiltinDef {
        name: "attrValues",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(attr_values),
    },
    BuiltinDef {
        name: "getAttr",
        arity: 2,
        strict: ALL,
        first_arg: Some("a string without context"),
        imp: Sync(get_attr),
    },
    BuiltinDef {
        name: "hasAttr",
        arity: 2,
        strict: ALL,
        first_arg: Some("a string without context"),
        imp: Sync(has_attr),
    },
    BuiltinDef {
        name: "removeAttrs",
        arity: 2,
        strict: ALL,
        first_arg: Some("a set"),
        imp: Fast(remove_attrs_fast, remove_attrs),
    },
    BuiltinDef {
        name: "mapAttrs",
        arity: 2,
        strict: 0b10,
        first_arg: None,
        imp: Sync(map_attrs),
    },
    BuiltinDef {
        name: "intersectAttrs",
        arity: 2,
        strict: ALL,
        first_arg: Some("a set"),
        imp: Sync(intersect_attrs),
    },
    BuiltinDef {
        name: "catAttrs",
        arity: 2,
        strict: ALL,
        first_arg: Some("a string without context"),
        imp: Fast(cat_attrs_fast, cat_attrs),
    },
    BuiltinDef {
        name: "listToAttrs",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Fast(list_to_attrs_fast, list_to_attrs),
    },
    BuiltinDef {
        name: "functionArgs",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(function_args),
    },
    BuiltinDef {
        name: "zipAttrsWith",
        arity: 2,
        strict: 0b1,
        first_arg: None,
        imp: Fast(zip_attrs_with_fast, zip_attrs_with),
    },
    BuiltinDef {
        name: "genericClosure",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(super::closure::generic_closure),
    },
    BuiltinDef {
        name: "unsafeGetAttrPos",
        arity: 2,
        strict: ALL,
        first_arg: Some("a string without context"),
        imp: Sync(unsafe_get_attr_pos),
    },
];

fn attr_names(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let a = to_attrs(&args[0])?;
    Ok(Value::list(
        a.iter().map(|x| Value::string(x.name.as_bytes())).collect(),
    ))
}

fn attr_values(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let a = to_attrs(&args[0])?;
    Ok(Value::list(a.iter().map(|x| x.value.clone()).collect()))
}

fn get_attr(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let name = to_str(&args[0])?;
    let a = to_attrs(&args[1])?;
    let sym = Symbol::new(name.as_bytes());
    required_attr(&a, sym, "getAttr")
}

fn has_attr(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let name = super::to_str_no_ctx(&args[0])?;
    let a = to_attrs(&args[1])?;
    Ok(Value::Bool(a.contains(Symbol::new(name.as_bytes()))))
}

/// `removeAttrs`' result: `a` without the attributes named in `remove`,
/// always a new set, as in C++ Nix (it matters for «repeated» in printing).
/// The names are looked up in `a` (usually a few names against a larger set)
/// rather than hashing every attribute of `a`.
fn attrs_without(a: &Attrs, remove: &[Symbol]) -> Value {
    let mut gone: Vec<usize> = remove.iter().filter_map(|s| a.index_of(*s)).collect();
    gone.sort_unstable();
    gone.dedup();
    let mut kept = Vec::with_capacity(a.len() - gone.len());
    let mut next_gone = gone.iter().copied().peekable();
    for (i, attr) in a.iter().enumerate() {
        if next_gone.peek() == Some(&i) {
            next_gone.next();
        } else {
            kept.push(attr.clone());
        }
    }
    Value::attrs(Attrs::from_sorted(kept))
}

/// One `listToAttrs` element `a` whose `name` attribute evaluated to `name`.
/// The new attribute takes the position of the `value` attribute.
fn list_to_attrs_entry(a: &Attrs, name: &Value) -> Result<Attr, ErrorKind> {
    let value_sym = well_known(|w| w.value);
    let name = Symbol::new(super::to_str_no_ctx(name)?.as_bytes());
    let value = required_attr(a, value_sym, "listToAttrs")?;
    let pos = a.get_attr(value_sym).map(|x| x.pos).unwrap_or(Pos::NONE);
    Ok(Attr { name, value, pos })
}

// Synchronous fast paths: the same steps as the generators below, giving up
// (`None`) at the first value that would need forcing. Errors met before that
// are the ones the generator would meet first, too.

fn remove_attrs_fast(args: &[Value]) -> Option<Result<Value, ErrorKind>> {
    let (Some(a), Some(names)) = (super::evaluated(&args[0]), super::evaluated(&args[1])) else {
        return None;
    };
    let run = || -> Result<Option<Value>, ErrorKind> {
        let a = to_attrs(&a)?;
        let names = to_list(&names)?;
        let mut remove = Vec::with_capacity(names.len());
        for n in names.iter() {
            let Some(n) = super::evaluated(n) else {
                return Ok(None);
            };
            remove.push(Symbol::new(to_str(&n)?.as_bytes()));
        }
        Ok(Some(attrs_without(&a, &remove)))
    };
    run().transpose()
}

fn cat_attrs_fast(args: &[Value]) -> Option<Result<Value, ErrorKind>> {
    let (Some(name), Some(list)) = (super::evaluated(&args[0]), super::evaluated(&args[1])) else {
        return None;
    };
    let run = || -> Result<Option<Value>, ErrorKind> {
        let name = Symbol::new(to_str(&name)?.as_bytes());
        let mut out = Vec::new();
        for x in to_list(&list)?.iter() {
            let Some(x) = super::evaluated(x) else {
                return Ok(None);
            };
            if let Some(v) = to_attrs(&x)?.get(name) {
                out.push(v.clone());
            }
        }
        Ok(Some(Value::list(out)))
    };
    run().transpose()
}

fn list_to_attrs_fast(args: &[Value]) -> Option<Result<Value, ErrorKind>> {
    let list = super::evaluated(&args[0])?;
    let run = || -> Result<Option<Value>, ErrorKind> {
        let name_sym = well_known(|w| w.name);
        let mut entries = Vec::new();
        for x in to_list(&list)?.iter() {
            let Some(x) = super::evaluated(x) else {
                return Ok(None);
            };
            let a = to_attrs(&x)?;
            let n = required_attr(&a, name_sym, "listToAttrs")?;
            let Some(n) = super::evaluated(&n) else {
                return Ok(None);
            };
            entries.push(list_to_attrs_entry(&a, &n)?);
        }
        Ok(Some(Value::attrs(Attrs::from_unsorted_first_wins(entries))))
    };
    run().transpose()
}

fn remove_attrs(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let a = to_attrs(&args[0])?;
        let names = to_list(&args[1])?;
        let mut remove = Vec::with_capacity(names.len());
        for n in names.iter() {
            let n = co.force(n.clone()).await;
            remove.push(Symbol::new(to_str(&n)?.as_bytes()));
        }
        Ok(attrs_without(&a, &remove))
    })
}

fn map_attrs(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let a = to_attrs(&args[1])?;
    let f = &args[0];
    let entries = a
        .iter()
        .map(|x| {
            let partial = Value::Thunk(Thunk::new_apply(
                f.clone(),
                Value::string(x.name.as_bytes()),
            ));
            Attr {
                name: x.name,
                value: Value::Thunk(Thunk::new_apply(partial, x.value.clone())),
                // C++ Nix's mapAttrs results have no positions.
                pos: Pos::NONE,
            }
        })
        .collect();
    Ok(Value::attrs(Attrs::from_sorted(entries)))
}

fn intersect_attrs(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let a = to_attrs(&args[0])?;
    let b = to_attrs(&args[1])?;
    let kept: Vec<Attr> = b.iter().filter(|x| a.contains(x.name)).cloned().collect();
    Ok(Value::attrs(Attrs::from_sorted(kept)))
}

fn cat_attrs(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let name = Symbol::new(to_str(&args[0])?.as_bytes());
        let mut out = Vec::new();
        for x in to_list(&args[1])?.iter() {
            let x = co.force(x.clone()).await;
            if let Some(v) = to_attrs(&x)?.get(name) {
                out.push(v.clone());
            }
        }
        Ok(Value::list(out))
    })
}

fn list_to_attrs(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let name_sym = well_known(|w| w.name);
        let mut entries = Vec::new();
        for x in to_list(&args[0])?.iter() {
            let x = co.force(x.clone()).await;
            let a = to_attrs(&x)?;
            let n = required_attr(&a, name_sym, "listToAttrs")?;
            let n = co.force(n).await;
            entries.push(list_to_attrs_entry(&a, &n)?);
        }
        Ok(Value::attrs(Attrs::from_unsorted_first_wins(entries)))
    })
}

fn function_args(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    match &args[0] {
        Value::Closure(c) => {
            let Some(formals) = c.lambda.chunk.formals() else {
                return Ok(Value::attrs(Attrs::empty()));
            };
            Ok(Value::attrs(Attrs::from_sorted(
                formals
                    .entries
                    .iter()
                    .map(|f| Attr {
                        name: f.name,
                        value: Value::Bool(f.default.is_some()),
                        pos: f.pos,
                    })
                    .collect(),
            )))
        }
        Value::Builtin(_) => Ok(Value::attrs(Attrs::empty())),
        _ => Err(eval_err!("'functionArgs' requires a function")),
    }
}

/// `zipAttrsWith` when the function, the list and its sets need no
/// evaluation (`None` otherwise: the generator forces them in order).
fn zip_attrs_with_fast(args: &[Value]) -> Option<Result<Value, ErrorKind>> {
    let f = super::evaluated(&args[0])?;
    if let Err(e) = super::to_function(&f) {
        return Some(Err(e));
    }
    let list = super::evaluated(&args[1])?;
    let run = || -> Result<Option<Value>, ErrorKind> {
        let mut sets = Vec::new();
        for x in to_list(&list)?.iter() {
            let Some(x) = super::evaluated(x) else {
                return Ok(None);
            };
            sets.push(to_attrs(&x)?);
        }
        Ok(Some(zip_sets(&f, &sets)))
    };
    run().transpose()
}

fn zip_attrs_with(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let mut sets = Vec::new();
        for x in super::lists::function_then_list(&co, &args[0], &args[1])
            .await?
            .iter()
        {
            let x = co.force(x.clone()).await;
            sets.push(to_attrs(&x)?);
        }
        Ok(zip_sets(&args[0], &sets))
    })
}

/// `zipAttrsWith f sets`: for each name, a lazy `f name [ values … ]` with
/// the values in list order. Every set is sorted by name, so one stable
/// sort of all attributes (runs it merges) groups them already in the
/// result's order: no hashing, no second sort.
fn zip_sets(f: &Value, sets: &[Rc<Attrs>]) -> Value {
    let mut all: Vec<(Symbol, Value)> = sets
        .iter()
        .flat_map(|set| set.iter().map(|a| (a.name, a.value.clone())))
        .collect();
    if sets.len() > 1 {
        all.sort_by_key(|a| a.0);
    }
    let mut entries: Vec<Attr> = Vec::new();
    let mut all = all.into_iter().peekable();
    while let Some((name, first)) = all.next() {
        let mut values = vec![first];
        while let Some((_, v)) = all.next_if(|(n, _)| *n == name) {
            values.push(v);
        }
        let partial = Value::Thunk(Thunk::new_apply(f.clone(), Value::string(name.as_bytes())));
        entries.push(Attr {
            name,
            value: Value::Thunk(Thunk::new_apply(partial, Value::list(values))),
            pos: Pos::NONE,
        });
    }
    Value::attrs(Attrs::from_sorted(entries))
}

fn unsafe_get_attr_pos(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let name = Symbol::new(to_str(&args[0])?.as_bytes());
    let a = to_attrs(&args[1])?;
    let Some(attr) = a.get_attr(name) else {
        return Ok(Value::Null);
    };
    match crate::syntax::nix_pos(attr.pos.span()) {
        Some((file, line, column)) => Ok(crate::compiler::pos_value(file, line, column)),
        None => Ok(Value::Null),
    }
}
