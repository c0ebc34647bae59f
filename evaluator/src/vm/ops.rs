//! Operator fast paths and small helpers the bytecode loop runs inline.
//! Anything that may need to evaluate nested values returns `None` and the
//! loop falls back to a generator in `generators.rs`.

use std::rc::Rc;

use crate::bytecode::{Capture, Chunk, FormalDefault, Op};
use crate::compiler::{canon_path, pos_string};
use crate::errors::ErrorKind;
use crate::eval_err;
use crate::value::{StringBuilder, Symbol, Thunk, Value};

/// Integer or float arithmetic. `None` means `+` on non-numbers (string or
/// path concatenation), which the slow path handles.
pub(super) fn arith(op: Op, a: &Value, b: &Value) -> Option<Result<Value, ErrorKind>> {
    use Value::{Float, Int};
    if op == Op::Div {
        return Some(divide(a, b));
    }
    Some(match (op, a, b) {
        (Op::Add, Int(x), Int(y)) => x
            .checked_add(*y)
            .map(Int)
            .ok_or_else(|| overflow("adding", *x, '+', *y)),
        (Op::Sub, Int(x), Int(y)) => x
            .checked_sub(*y)
            .map(Int)
            .ok_or_else(|| overflow("subtracting", *x, '-', *y)),
        (Op::Mul, Int(x), Int(y)) => x
            .checked_mul(*y)
            .map(Int)
            .ok_or_else(|| overflow("multiplying", *x, '*', *y)),
        (Op::Div, Int(x), Int(y)) => {
            if *y == 0 {
                Err(eval_err!("division by zero"))
            } else {
                x.checked_div(*y)
                    .map(Int)
                    .ok_or_else(|| eval_err!("overflow in integer division"))
            }
        }
        (Op::Add, Int(_) | Float(_), _) | (Op::Add, _, Int(_) | Float(_)) => {
            let (Some(x), Some(y)) = (as_float(a), as_float(b)) else {
                if matches!(a, Int(_) | Float(_)) {
                    let what = if matches!(a, Int(_)) {
                        "an integer"
                    } else {
                        "a float"
                    };
                    return Some(Err(eval_err!(
                        "cannot add {} to {}",
                        b.type_description(),
                        what
                    )));
                }
                return None;
            };
            Ok(Float(x + y))
        }
        (Op::Add, _, _) => return None,
        (_, Float(_), _) | (_, _, Float(_)) => {
            let x = match as_float(a) {
                Some(x) => x,
                None => {
                    return Some(Err(ErrorKind::TypeError {
                        expected: "a float",
                        actual: a.type_description(),
                    }))
                }
            };
            let y = match as_float(b) {
                Some(y) => y,
                None => {
                    return Some(Err(ErrorKind::TypeError {
                        expected: "a float",
                        actual: b.type_description(),
                    }))
                }
            };
            match op {
                Op::Sub => Ok(Float(x - y)),
                Op::Mul => Ok(Float(x * y)),
                _ if y == 0.0 => Err(eval_err!("division by zero")),
                _ => Ok(Float(x / y)),
            }
        }
        (_, Int(_), other) | (_, other, _) => Err(ErrorKind::TypeError {
            expected: "an integer",
            actual: other.type_description(),
        }),
    })
}

/// `/` as C++ Nix's `__div`: the divisor is checked as a float and for zero
/// first, then the division is float if either side is, else integer.
fn divide(a: &Value, b: &Value) -> Result<Value, ErrorKind> {
    let Some(divisor) = as_float(b) else {
        return Err(ErrorKind::TypeError {
            expected: "a float",
            actual: b.type_description(),
        });
    };
    if divisor == 0.0 {
        return Err(eval_err!("division by zero"));
    }
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x
            .checked_div(*y)
            .map(Value::Int)
            .ok_or_else(|| eval_err!("overflow in integer division")),
        (Value::Float(_), _) | (_, Value::Float(_)) => match as_float(a) {
            Some(x) => Ok(Value::Float(x / divisor)),
            None => Err(ErrorKind::TypeError {
                expected: "a float",
                actual: a.type_description(),
            }),
        },
        _ => Err(ErrorKind::TypeError {
            expected: "an integer",
            actual: a.type_description(),
        }),
    }
}

fn overflow(verb: &str, x: i64, op: char, y: i64) -> ErrorKind {
    ErrorKind::Overflow(format!("integer overflow in {verb} {x} {op} {y}"))
}

fn as_float(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// `==` on values that need no further evaluation; `None` for lists and sets.
pub(crate) fn equal_shallow(a: &Value, b: &Value) -> Option<bool> {
    use Value::*;
    Some(match (a, b) {
        (Int(x), Int(y)) => x == y,
        (Float(x), Float(y)) => x == y,
        (Int(x), Float(y)) | (Float(y), Int(x)) => (*x as f64) == *y,
        (String(x), String(y)) => x.as_bytes() == y.as_bytes(),
        (Path(x), Path(y)) => x == y,
        (Null, Null) => true,
        (Bool(x), Bool(y)) => x == y,
        (List(x), List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            if x.is_empty() {
                return Some(true);
            }
            return None;
        }
        (Attrs(x), Attrs(y)) => {
            if x.is_empty() && y.is_empty() {
                return Some(true);
            }
            return None;
        }
        _ => false,
    })
}

/// `<` on values that need no further evaluation; `None` for lists.
pub(crate) fn less_shallow(a: &Value, b: &Value) -> Option<Result<bool, ErrorKind>> {
    use Value::*;
    Some(match (a, b) {
        (Int(x), Int(y)) => Ok(x < y),
        (Float(x), Float(y)) => Ok(x < y),
        (Int(x), Float(y)) => Ok((*x as f64) < *y),
        (Float(x), Int(y)) => Ok(*x < (*y as f64)),
        (String(x), String(y)) => Ok(x.as_bytes() < y.as_bytes()),
        (Path(x), Path(y)) => {
            Ok(x.as_os_str().as_encoded_bytes() < y.as_os_str().as_encoded_bytes())
        }
        (List(_), List(_)) => return None,
        _ => Err(incomparable(a, b)),
    })
}

pub(crate) fn incomparable(a: &Value, b: &Value) -> ErrorKind {
    eval_err!(
        "cannot compare {} with {}",
        a.type_description(),
        b.type_description()
    )
}

/// `a ++ b`. The left list's buffer is reused when nothing else holds it.
pub(super) fn concat_lists(a: Value, b: Value) -> Result<Value, ErrorKind> {
    let Value::List(x) = a else {
        return Err(ErrorKind::TypeError {
            expected: "a list",
            actual: a.type_description(),
        });
    };
    let Value::List(y) = b else {
        return Err(ErrorKind::TypeError {
            expected: "a list",
            actual: b.type_description(),
        });
    };
    if y.is_empty() {
        return Ok(Value::List(x));
    }
    if x.is_empty() {
        return Ok(Value::List(y));
    }
    let mut x = x;
    let total = x.len().saturating_add(y.len());
    match Rc::get_mut(&mut x) {
        Some(v) => {
            crate::state::reserve(y.len() as u64 * crate::value::ELEMENT_BYTES)?;
            if v.0.try_reserve(y.len()).is_err() {
                return Err(ErrorKind::Limit(
                    crate::state::limits::LimitKind::OutOfMemory(total as u64),
                ));
            }
            v.extend(y.iter().cloned());
            Ok(Value::List(x))
        }
        None => {
            let mut v = crate::state::vec_with_capacity(total)?;
            v.extend(x.iter().cloned());
            v.extend(y.iter().cloned());
            Ok(Value::list(v))
        }
    }
}

/// `v.name`, with C++ Nix's errors.
pub(crate) fn select(v: &Value, name: Symbol) -> Result<Value, ErrorKind> {
    match v {
        Value::Attrs(a) => match a.get(name) {
            Some(x) => Ok(x.clone()),
            // C++ Nix names the attribute unquoted here (unlike in `getAttr`).
            None => Err(eval_err!("attribute '{}' missing", name.to_str_lossy())),
        },
        other => Err(ErrorKind::TypeError {
            expected: "a set",
            actual: other.type_description(),
        }),
    }
}

/// `v.name` if `v` is a set that has it.
pub(super) fn try_select(v: &Value, name: Symbol) -> Option<Value> {
    match v {
        Value::Attrs(a) => a.get(name).cloned(),
        _ => None,
    }
}

/// A dynamic attribute name.
pub(super) fn key_symbol(key: &Value) -> Result<Symbol, ErrorKind> {
    match key {
        Value::String(s) => {
            crate::builtins::to_str_no_ctx(key)?;
            Ok(Symbol::new(s.as_bytes()))
        }
        other => Err(ErrorKind::TypeError {
            expected: "a string",
            actual: other.type_description(),
        }),
    }
}

/// Joins coerced string parts.
pub(super) fn interpolate(parts: Vec<Value>) -> Result<Value, ErrorKind> {
    let mut b = StringBuilder::new();
    for p in &parts {
        match p {
            Value::String(s) => b.push_str(s),
            other => {
                return Err(ErrorKind::TypeError {
                    expected: "a string",
                    actual: other.type_description(),
                })
            }
        }
    }
    Ok(Value::String(b.finish()?))
}

/// Joins a path literal with interpolated parts into a canonical path.
pub(super) fn interpolate_path(parts: Vec<Value>) -> Result<Value, ErrorKind> {
    let mut out = String::new();
    for p in &parts {
        match p {
            Value::Path(p) => out.push_str(&p.to_string_lossy()),
            Value::String(s) => {
                if s.has_context() {
                    return Err(eval_err!(
                        "a string that refers to a store path cannot be appended to a path"
                    ));
                }
                out.push_str(&s.to_str_lossy())
            }
            other => {
                return Err(ErrorKind::TypeError {
                    expected: "a string",
                    actual: other.type_description(),
                })
            }
        }
    }
    Ok(Value::Path(Rc::new(canon_path(&out).into())))
}

/// How C++ Nix names a lambda in call errors.
fn lambda_description(chunk: &Chunk) -> String {
    match chunk.lambda_name() {
        Some(n) => format!("'{}' at {}", n, pos_string(chunk.lambda_span())),
        None => format!("anonymous function at {}", pos_string(chunk.lambda_span())),
    }
}

/// Fills a called lambda's formal slots (locals from `bp` on `stack`) from
/// the forced argument set. Missing formals with a thunk default get a blank
/// thunk first and their code last, so defaults can refer to each other.
pub(super) fn bind_formals(
    chunk: &Chunk,
    stack: &mut [Value],
    bp: usize,
    up: &super::Up,
    arg: Value,
) -> Result<(), ErrorKind> {
    let Some(formals) = chunk.formals() else {
        return Ok(());
    };
    let Value::Attrs(attrs) = arg else {
        return Err(ErrorKind::TypeError {
            expected: "a set",
            actual: arg.type_description(),
        });
    };
    let mut used = 0;
    // The formals the argument lacks, so the default passes below need not
    // look every name up again.
    let mut missing: smallvec::SmallVec<[usize; 8]> = smallvec::SmallVec::new();
    for (i, formal) in formals.entries.iter().enumerate() {
        let Some(slot) = stack.get_mut(bp + i) else {
            break;
        };
        match attrs.get(formal.name) {
            Some(v) => {
                used += 1;
                *slot = v.clone();
            }
            None => match &formal.default {
                Some(FormalDefault::Thunk(_)) => {
                    missing.push(i);
                    *slot = Value::Thunk(Thunk::new_blank());
                }
                Some(_) => missing.push(i),
                None => {
                    return Err(eval_err!(
                        "{} called without required argument '{}'",
                        lambda_description(chunk),
                        formal.name
                    ))
                }
            },
        }
    }
    if !missing.is_empty() {
        for pass_thunks in [false, true] {
            for &i in &missing {
                let Some(formal) = formals.entries.get(i) else {
                    continue;
                };
                let v = match (&formal.default, pass_thunks) {
                    (Some(FormalDefault::Constant(v)), false) => v.clone(),
                    (Some(FormalDefault::Share(c)), false) => match *c {
                        Capture::Local(s) => {
                            stack.get(bp + s as usize).cloned().unwrap_or_default()
                        }
                        Capture::Upvalue(u) => up.get(chunk, u),
                    },
                    (Some(FormalDefault::Thunk(d)), true) => {
                        let ups = super::capture(&d.captures, chunk, stack, bp, up);
                        if let Some(Value::Thunk(t)) = stack.get(bp + i) {
                            t.init(d.clone(), ups);
                        }
                        continue;
                    }
                    _ => continue,
                };
                if let Some(slot) = stack.get_mut(bp + i) {
                    *slot = v;
                }
            }
        }
    }
    if !formals.ellipsis && used < attrs.len() {
        for a in attrs.iter() {
            if formals
                .entries
                .binary_search_by(|f| f.name.cmp(&a.name))
                .is_err()
            {
                return Err(eval_err!(
                    "{} called with unexpected argument '{}'",
                    lambda_description(chunk),
                    a.name.display_name()
                ));
            }
        }
    }
    Ok(())
}

/// The left operand of `+`, checked before the right one is evaluated (C++
/// Nix coerces it first): numbers, strings, paths and sets that can become
/// strings pass; anything else cannot be coerced to a string.
pub(super) fn check_add_lhs(v: &Value) -> Result<(), ErrorKind> {
    match v {
        Value::Int(_) | Value::Float(_) | Value::String(_) | Value::Path(_) | Value::Thunk(_) => {
            Ok(())
        }
        Value::Attrs(a) => {
            let (to_string, out_path) = crate::value::well_known(|w| (w.to_string, w.out_path));
            if a.contains(to_string) || a.contains(out_path) {
                Ok(())
            } else {
                Err(eval_err!("cannot coerce a set to a string"))
            }
        }
        other => Err(eval_err!(
            "cannot coerce {} to a string",
            other.type_description()
        )),
    }
}
