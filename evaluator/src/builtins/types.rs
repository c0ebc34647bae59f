//! Type predicates: `typeOf`, `isInt`, `isAttrs`, ….

use super::{BuiltinDef, BuiltinImpl::*, ALL};
use crate::errors::ErrorKind;
use crate::value::Value;
use crate::vm::Vm;

pub(super) static BUILTINS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "typeOf",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(type_of),
    },
    BuiltinDef {
        name: "isNull",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, a| Ok(Value::Bool(matches!(a[0], Value::Null)))),
    },
    BuiltinDef {
        name: "isBool",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, a| Ok(Value::Bool(matches!(a[0], Value::Bool(_))))),
    },
    BuiltinDef {
        name: "isInt",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, a| Ok(Value::Bool(matches!(a[0], Value::Int(_))))),
    },
    BuiltinDef {
        name: "isFloat",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, a| Ok(Value::Bool(matches!(a[0], Value::Float(_))))),
    },
    BuiltinDef {
        name: "isString",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, a| Ok(Value::Bool(matches!(a[0], Value::String(_))))),
    },
    BuiltinDef {
        name: "isPath",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, a| Ok(Value::Bool(matches!(a[0], Value::Path(_))))),
    },
    BuiltinDef {
        name: "isList",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, a| Ok(Value::Bool(matches!(a[0], Value::List(_))))),
    },
    BuiltinDef {
        name: "isAttrs",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, a| Ok(Value::Bool(matches!(a[0], Value::Attrs(_))))),
    },
    BuiltinDef {
        name: "isFunction",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(|_, a| Ok(Value::Bool(a[0].is_function()))),
    },
];

fn type_of(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    Ok(Value::string(args[0].type_of()))
}
