//! Arithmetic and bitwise builtins.

use std::rc::Rc;

use super::{to_int, type_err, BuiltinDef, BuiltinImpl::*, ALL};
use crate::bytecode::Op;
use crate::errors::ErrorKind;
use crate::value::Value;
use crate::vm::generators::{less_than, make_gen, Gen};
use crate::Shared;

pub(super) static BUILTINS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "add",
        arity: 2,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, a| arith(Op::Add, &a)),
    },
    BuiltinDef {
        name: "sub",
        arity: 2,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, a| arith(Op::Sub, &a)),
    },
    BuiltinDef {
        name: "mul",
        arity: 2,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, a| arith(Op::Mul, &a)),
    },
    BuiltinDef {
        name: "div",
        arity: 2,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, a| arith(Op::Div, &a)),
    },
    BuiltinDef {
        name: "lessThan",
        arity: 2,
        strict: ALL,
        first_arg: None,
        imp: Async(less),
    },
    BuiltinDef {
        name: "bitAnd",
        arity: 2,
        strict: ALL,
        first_arg: Some("an integer"),
        imp: Sync(|_, a| Ok(Value::Int(to_int(&a[0])? & to_int(&a[1])?))),
    },
    BuiltinDef {
        name: "bitOr",
        arity: 2,
        strict: ALL,
        first_arg: Some("an integer"),
        imp: Sync(|_, a| Ok(Value::Int(to_int(&a[0])? | to_int(&a[1])?))),
    },
    BuiltinDef {
        name: "bitXor",
        arity: 2,
        strict: ALL,
        first_arg: Some("an integer"),
        imp: Sync(|_, a| Ok(Value::Int(to_int(&a[0])? ^ to_int(&a[1])?))),
    },
    BuiltinDef {
        name: "ceil",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, a| round(&a[0], f64::ceil)),
    },
    BuiltinDef {
        name: "floor",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, a| round(&a[0], f64::floor)),
    },
];

/// The builtins take numbers only (no string concatenation, unlike `+`).
fn arith(op: Op, a: &[Value]) -> Result<Value, ErrorKind> {
    if op == Op::Div {
        return crate::vm::arith_numbers(op, &a[0], &a[1]);
    }
    for v in a {
        if !matches!(v, Value::Int(_) | Value::Float(_)) {
            let any_float = a.iter().any(|x| matches!(x, Value::Float(_)));
            return Err(type_err(
                if any_float { "a float" } else { "an integer" },
                v,
            ));
        }
    }
    crate::vm::arith_numbers(op, &a[0], &a[1])
}

fn round(v: &Value, f: fn(f64) -> f64) -> Result<Value, ErrorKind> {
    match v {
        Value::Int(i) => Ok(Value::Int(*i)),
        Value::Float(x) => {
            let r = f(*x);
            if r.is_finite() && (-9.223372036854776e18..9.223372036854776e18).contains(&r) {
                Ok(Value::Int(r as i64))
            } else {
                Err(crate::eval_err!(
                    "cannot convert float {} to an integer",
                    crate::value::format_float(*x)
                ))
            }
        }
        other => Err(type_err("a float", other)),
    }
}

fn less(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        Ok(Value::Bool(
            less_than(&co, args[0].clone(), args[1].clone()).await?,
        ))
    })
}
