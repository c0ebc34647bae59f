//! List builtins: `map`, `filter`, `foldl'`, `sort`, `genList`, ….

use std::rc::Rc;

use super::{
    make_attrs, to_bool, to_function, to_int, to_list, to_str, BuiltinDef, BuiltinImpl::*, ALL,
};
use crate::errors::ErrorKind;
use crate::eval_err;
use crate::value::{NixList, Symbol, Thunk, Value};
use crate::vm::generators::{equal_cells, make_gen, Co, Gen};
use crate::vm::{Collect, Vm};
use crate::Shared;
use crate::Span;

pub(super) static BUILTINS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "map",
        arity: 2,
        strict: 0b10,
        first_arg: None,
        imp: Sync(map),
    },
    BuiltinDef {
        name: "filter",
        arity: 2,
        strict: 0b10,
        first_arg: None,
        imp: Frames(filter),
    },
    BuiltinDef {
        name: "foldl'",
        arity: 3,
        strict: 0b1,
        first_arg: None,
        imp: Frames(foldl),
    },
    BuiltinDef {
        name: "genList",
        arity: 2,
        strict: 0b10,
        first_arg: None,
        imp: Sync(gen_list),
    },
    BuiltinDef {
        name: "elem",
        arity: 2,
        strict: 0b10,
        first_arg: None,
        imp: Fast(elem_fast, elem),
    },
    BuiltinDef {
        name: "elemAt",
        arity: 2,
        strict: 0,
        first_arg: None,
        imp: Frames(elem_at),
    },
    BuiltinDef {
        name: "head",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(head),
    },
    BuiltinDef {
        name: "tail",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(tail),
    },
    BuiltinDef {
        name: "length",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, a| Ok(Value::Int(to_list(&a[0])?.len() as i64))),
    },
    BuiltinDef {
        name: "concatLists",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Fast(concat_lists_fast, concat_lists),
    },
    BuiltinDef {
        name: "concatMap",
        arity: 2,
        strict: 0b1,
        first_arg: None,
        imp: Frames(concat_map),
    },
    BuiltinDef {
        name: "partition",
        arity: 2,
        strict: 0b1,
        first_arg: None,
        imp: Async(partition),
    },
    BuiltinDef {
        name: "sort",
        arity: 2,
        strict: 0b10,
        first_arg: None,
        imp: Frames(sort),
    },
    BuiltinDef {
        name: "all",
        arity: 2,
        strict: 0b1,
        first_arg: None,
        imp: Frames(all),
    },
    BuiltinDef {
        name: "any",
        arity: 2,
        strict: 0b1,
        first_arg: None,
        imp: Frames(any),
    },
    BuiltinDef {
        name: "groupBy",
        arity: 2,
        strict: 0b1,
        first_arg: None,
        imp: Async(group_by),
    },
];

fn map(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let list = to_list(&args[1])?;
    let f = &args[0];
    Ok(Value::list(
        list.iter()
            .map(|x| Value::Thunk(Thunk::new_apply(f.clone(), x.clone())))
            .collect(),
    ))
}

fn gen_list(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let n = to_int(&args[1])?;
    if n < 0 {
        return Err(eval_err!("cannot create list of size {n}"));
    }
    let f = &args[0];
    // Each element is a thunk: check the whole size before making any.
    let bytes = (n as u64).saturating_mul(crate::value::THUNK_BYTES);
    crate::state::check_room(bytes)?;
    let mut items = crate::state::vec_with_capacity(n as usize)?;
    items.extend((0..n).map(|i| Value::Thunk(Thunk::new_apply(f.clone(), Value::Int(i)))));
    Ok(Value::list(items))
}

fn elem_fast(args: &[Value]) -> Option<Result<Value, ErrorKind>> {
    let Value::List(list) = args[1].shallow() else {
        return None;
    };
    // Compared in order; anything that would need forcing, or more work than
    // one budget, ends the attempt (the generator below polls the limits).
    let mut budget = crate::vm::generators::SYNC_EQUALITY_PAIRS;
    for x in list.iter() {
        if crate::vm::generators::equal_evaluated_within(&args[0], x, true, &mut budget)? {
            return Some(Ok(Value::Bool(true)));
        }
    }
    Some(Ok(Value::Bool(false)))
}

/// `elemAt list n` as C++ Nix runs it: the index is forced and checked
/// first, then the list; the element is returned in weak head normal form.
/// An argument still to evaluate is forced under the call, which then runs
/// again (no generator).
fn elem_at(vm: &mut Vm, mut args: Vec<Value>, span: Span) -> Result<(), ErrorKind> {
    static DEF: std::sync::OnceLock<Option<&'static super::BuiltinDef>> =
        std::sync::OnceLock::new();
    let def = *DEF.get_or_init(|| super::find_builtin("elemAt"));
    if vm.settle(&mut args[1]) {
        return vm.rerun_with_forced_arg_of(def, args, 1, span);
    }
    // Settled: neither is a thunk now.
    let i = to_int(&args[1])?;
    if vm.settle(&mut args[0]) {
        return vm.rerun_with_forced_arg_of(def, args, 0, span);
    }
    let list = to_list(&args[0])?;
    if i < 0 || i as usize >= list.len() {
        return Err(eval_err!("list index {i} is out of bounds"));
    }
    vm.return_forced(list[i as usize].clone())
}

fn head(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let list = to_list(&args[0])?;
    list.first()
        .cloned()
        .ok_or_else(|| eval_err!("list index 0 is out of bounds"))
}

fn tail(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let list = to_list(&args[0])?;
    if list.is_empty() {
        return Err(eval_err!("'tail' called on an empty list"));
    }
    Ok(Value::list(list[1..].to_vec()))
}

/// C++ Nix checks the function argument before it forces the list.
pub(crate) async fn function_then_list(
    co: &Co,
    f: &Value,
    list: &Value,
) -> Result<NixList, ErrorKind> {
    to_function(f)?;
    let list = co.force(list.clone()).await;
    to_list(&list)
}

/// Calls a predicate and checks it returned a Boolean.
async fn predicate(co: &Co, f: &Value, x: Value) -> Result<bool, ErrorKind> {
    let r = co.call(f.clone(), x).await;
    to_bool(&r)
}

/// `filter` runs as a native frame: one predicate call per element.
fn filter(vm: &mut Vm, args: Vec<Value>, span: Span) -> Result<(), ErrorKind> {
    match function_after_list("filter", vm, args, span)? {
        Some(args) => function_then_collect(vm, args, Collect::Filter, span),
        None => Ok(()),
    }
}

/// For `filter` and `sort`: current Nix forces the list first and returns
/// an empty one as it is, without forcing the function. `None` when that
/// is done (or the function is being forced first).
fn function_after_list(
    name: &str,
    vm: &mut Vm,
    args: Vec<Value>,
    span: Span,
) -> Result<Option<Vec<Value>>, ErrorKind> {
    if to_list(&args[1])?.is_empty() {
        vm.return_value(args[1].clone())?;
        return Ok(None);
    }
    if let Value::Thunk(t) = &args[0] {
        if t.value().is_none() {
            vm.rerun_with_forced_arg(name, args, 0, span)?;
            return Ok(None);
        }
    }
    let mut args = args;
    args[0] = args[0].shallow();
    to_function(&args[0])?;
    Ok(Some(args))
}

/// `filter`, `concatMap`, `any` and `all` run as native frames (no
/// generator): the function (forced as the strict argument, or by
/// `filter` after the list) is checked, then the list forced, then `f`
/// called on each element in turn (for `any`/`all` until one decides).
fn function_then_collect(
    vm: &mut Vm,
    args: Vec<Value>,
    op: Collect,
    span: Span,
) -> Result<(), ErrorKind> {
    let mut args = args.into_iter();
    let f = args.next().unwrap_or_default().shallow();
    let list = args.next().unwrap_or_default();
    to_function(&f)?;
    vm.collect_start(op, f, list, span)
}

/// `foldl'` runs as a native frame (no generator): each step calls
/// `op acc x` and forces the result; the initial value is forced only for
/// an empty list, as in C++ Nix.
fn foldl(vm: &mut Vm, args: Vec<Value>, _: Span) -> Result<(), ErrorKind> {
    // The function is checked before the list is forced, as in C++ Nix.
    to_function(&args[0])?;
    let mut args = args.into_iter();
    let f = args.next().unwrap_or_default();
    let acc = args.next().unwrap_or_default();
    let list = args.next().unwrap_or_default();
    vm.foldl_start(f, acc, list)
}

fn elem(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let list = to_list(&args[1])?;
        for (i, x) in list.iter().enumerate() {
            // Each quick comparison below can cost a budget of work.
            if i % 16 == 15 {
                co.tick().await;
            }
            // Once both sides are evaluated, no trip through the generator.
            let equal = match crate::vm::generators::equal_evaluated(&args[0], x, true) {
                Some(r) => r,
                None => equal_cells(&co, args[0].clone(), x.clone()).await?,
            };
            if equal {
                return Ok(Value::Bool(true));
            }
        }
        Ok(Value::Bool(false))
    })
}

/// `concatLists` when every inner list is already evaluated.
fn concat_lists_fast(args: &[Value]) -> Option<Result<Value, ErrorKind>> {
    let lists = super::evaluated(&args[0])?;
    let run = || -> Result<Option<Value>, ErrorKind> {
        let lists = to_list(&lists)?;
        let mut out = Vec::new();
        for l in lists.iter() {
            let Some(l) = super::evaluated(l) else {
                return Ok(None);
            };
            crate::state::extend_checked(&mut out, &to_list(&l)?)?;
        }
        Ok(Some(Value::list(out)))
    };
    run().transpose()
}

fn concat_lists(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let lists = to_list(&args[0])?;
        let mut out = Vec::new();
        for l in lists.iter() {
            let l = co.force(l.clone()).await;
            crate::state::extend_checked(&mut out, &to_list(&l)?)?;
        }
        Ok(Value::list(out))
    })
}

fn concat_map(vm: &mut Vm, args: Vec<Value>, span: Span) -> Result<(), ErrorKind> {
    function_then_collect(vm, args, Collect::ConcatMap, span)
}

fn partition(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let list = function_then_list(&co, &args[0], &args[1]).await?;
        let (mut right, mut wrong) = (Vec::new(), Vec::new());
        for x in list.iter() {
            if predicate(&co, &args[0], x.clone()).await? {
                right.push(x.clone());
            } else {
                wrong.push(x.clone());
            }
        }
        Ok(make_attrs(vec![
            (Symbol::from_str("right"), Value::list(right)),
            (Symbol::from_str("wrong"), Value::list(wrong)),
        ]))
    })
}

fn all(vm: &mut Vm, args: Vec<Value>, span: Span) -> Result<(), ErrorKind> {
    function_then_collect(vm, args, Collect::All, span)
}

fn any(vm: &mut Vm, args: Vec<Value>, span: Span) -> Result<(), ErrorKind> {
    function_then_collect(vm, args, Collect::Any, span)
}

fn group_by(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let mut groups: Vec<(Symbol, Vec<Value>)> = Vec::new();
        let mut index: std::collections::HashMap<Symbol, usize> = std::collections::HashMap::new();
        for x in function_then_list(&co, &args[0], &args[1]).await?.iter() {
            let k = co.call(args[0].clone(), x.clone()).await;
            let k = Symbol::new(to_str(&k)?.as_bytes());
            match index.get(&k) {
                Some(&i) => groups[i].1.push(x.clone()),
                None => {
                    index.insert(k, groups.len());
                    groups.push((k, vec![x.clone()]));
                }
            }
        }
        Ok(make_attrs(
            groups
                .into_iter()
                .map(|(k, v)| (k, Value::list(v)))
                .collect(),
        ))
    })
}

/// `sort` runs as a native frame (`vm/sort.rs`): libstdc++'s stable sort,
/// one comparator call per step.
fn sort(vm: &mut Vm, args: Vec<Value>, span: Span) -> Result<(), ErrorKind> {
    let Some(args) = function_after_list("sort", vm, args, span)? else {
        return Ok(());
    };
    let mut args = args.into_iter();
    let f = args.next().unwrap_or_default();
    let list = args.next().unwrap_or_default();
    vm.sort_start(f, list, span)
}
