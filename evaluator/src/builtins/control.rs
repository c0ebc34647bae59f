//! Control builtins: `throw`, `abort`, `tryEval`, `seq`, `deepSeq`, tracing.

use std::rc::Rc;

use super::{to_str, BuiltinDef, BuiltinImpl::*, ALL};
use crate::errors::ErrorKind;
use crate::value::Value;
use crate::vm::generators::{coerce_to_string, deep_force, make_gen, Coercion, Gen};
use crate::vm::Vm;
use crate::Shared;
use crate::Span;

pub(super) static BUILTINS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "throw",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(throw),
    },
    BuiltinDef {
        name: "abort",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(abort),
    },
    BuiltinDef {
        name: "tryEval",
        arity: 1,
        strict: 0,
        first_arg: None,
        imp: Async(try_eval),
    },
    BuiltinDef {
        name: "seq",
        arity: 2,
        strict: 1,
        first_arg: None,
        imp: Sync(seq),
    },
    BuiltinDef {
        name: "deepSeq",
        arity: 2,
        strict: 0,
        first_arg: None,
        imp: Async(deep_seq),
    },
    BuiltinDef {
        name: "trace",
        arity: 2,
        strict: 1,
        first_arg: None,
        imp: Async(trace),
    },
    BuiltinDef {
        name: "traceVerbose",
        arity: 2,
        strict: 0,
        first_arg: None,
        imp: Sync(trace_verbose),
    },
    BuiltinDef {
        name: "warn",
        arity: 2,
        strict: 1,
        first_arg: None,
        imp: Sync(warn),
    },
    BuiltinDef {
        name: "addErrorContext",
        arity: 2,
        strict: 0,
        first_arg: None,
        imp: Frames(add_error_context),
    },
    BuiltinDef {
        name: "break",
        arity: 1,
        strict: 0,
        first_arg: None,
        imp: Sync(break_),
    },
];

fn throw(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let s = coerce_to_string(&co, args[0].clone(), Coercion::INTERPOLATION).await?;
        Err(ErrorKind::Throw(s.to_str_lossy().into_owned()))
    })
}

fn abort(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let s = coerce_to_string(&co, args[0].clone(), Coercion::INTERPOLATION).await?;
        Err(ErrorKind::Abort(s.to_str_lossy().into_owned()))
    })
}

fn try_eval(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move { Ok(co.try_force(args[0].clone()).await) })
}

fn seq(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    Ok(args[1].clone())
}

fn deep_seq(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        deep_force(&co, args[0].clone(), shared.limits.data_depth()).await?;
        Ok(args[1].clone())
    })
}

fn trace(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let v = co.force(args[0].clone()).await;
        let text = match &v {
            Value::String(s) => s.to_str_lossy().into_owned(),
            other => String::from_utf8_lossy(&crate::value::show_value(other)).into_owned(),
        };
        shared.trace(&format!("trace: {text}"));
        Ok(args[1].clone())
    })
}

fn trace_verbose(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    // Only prints with `--trace-verbose`, which this evaluator does not enable.
    Ok(args[1].clone())
}

/// The prefix of `builtins.warn` lines; continuation lines are indented under
/// the message, unless it starts with a newline (as in current Nix).
const WARNING_PREFIX: &str = "evaluation warning: ";

fn warn(vm: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let msg = to_str(&args[0])?;
    let text = msg.to_str_lossy();
    let line = if text.starts_with('\n') {
        format!("{}{text}", WARNING_PREFIX.trim_end())
    } else {
        let indent = format!("\n{}", " ".repeat(WARNING_PREFIX.len()));
        format!("{WARNING_PREFIX}{}", text.replace('\n', &indent))
    };
    vm.shared().trace(&line);
    if vm.shared().settings.abort_on_warn {
        // Current Nix's wording; not catchable by `tryEval`.
        return Err(ErrorKind::Eval(
            "aborting to reveal stack trace of warning, as abort-on-warn is set".into(),
        ));
    }
    Ok(args[1].clone())
}

/// Forces the value under a frame that adds the message to any error's trace.
fn add_error_context(vm: &mut Vm, args: Vec<Value>, _: Span) -> Result<(), ErrorKind> {
    vm.push_error_context(args[0].clone(), args[1].clone())
}

fn break_(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    Ok(args[0].clone())
}
