//! String builtins: `substring`, `replaceStrings`, `toString`, `dirOf`, ….
//! Strings are bytes; contexts follow the string data as in C++ Nix.

use std::rc::Rc;

use super::{to_int, to_list, to_str, BuiltinDef, BuiltinImpl::*, ALL};
use crate::errors::ErrorKind;
use crate::eval_err;
use crate::value::{NixString, StringBuilder, Value};
use crate::vm::generators::{coerce_to_string, make_gen, Coercion, Gen};
use crate::Shared;

pub(super) static BUILTINS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "stringLength",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Fast(string_length_fast, string_length),
    },
    BuiltinDef {
        name: "substring",
        arity: 3,
        strict: ALL,
        first_arg: Some("an integer"),
        imp: Fast(substring_fast, substring),
    },
    BuiltinDef {
        name: "concatStringsSep",
        arity: 2,
        strict: ALL,
        first_arg: Some("a string"),
        imp: Fast(concat_strings_sep_fast, concat_strings_sep),
    },
    BuiltinDef {
        name: "toString",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Fast(to_string_fast, to_string),
    },
    BuiltinDef {
        name: "baseNameOf",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(base_name_of),
    },
    BuiltinDef {
        name: "dirOf",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(dir_of),
    },
    BuiltinDef {
        name: "replaceStrings",
        arity: 3,
        strict: ALL,
        first_arg: Some("a list"),
        imp: Async(replace_strings),
    },
];

fn string_length_fast(args: &[Value]) -> Option<Result<Value, ErrorKind>> {
    let s = super::plain_string(&args[0], false)?;
    Some(Ok(Value::Int(s.len() as i64)))
}

fn substring_fast(args: &[Value]) -> Option<Result<Value, ErrorKind>> {
    let (Value::Int(start), Value::Int(len)) = (args[0].shallow(), args[1].shallow()) else {
        return None;
    };
    let s = super::plain_string(&args[2], false)?;
    Some(substring_of(start, len, &s))
}

/// `substring start len s` once the arguments are known.
fn substring_of(start: i64, len: i64, s: &NixString) -> Result<Value, ErrorKind> {
    if start < 0 {
        return Err(eval_err!("negative start position in 'substring'"));
    }
    let bytes = s.as_bytes();
    let start = (start as usize).min(bytes.len());
    let end = if len < 0 {
        bytes.len()
    } else {
        start.saturating_add(len as usize).min(bytes.len())
    };
    Ok(Value::String(NixString::with_context(
        &bytes[start..end],
        s.context().cloned().unwrap_or_default(),
    )))
}

fn concat_strings_sep_fast(args: &[Value]) -> Option<Result<Value, ErrorKind>> {
    let Value::String(sep) = args[0].shallow() else {
        return None;
    };
    let Value::List(list) = args[1].shallow() else {
        return None;
    };
    let mut parts = Vec::with_capacity(list.len());
    for x in list.iter() {
        parts.push(super::plain_string(x, false)?);
    }
    Some(join_with(&sep, &parts))
}

/// `concatStringsSep sep parts`: the separator's context is kept even when
/// it is never inserted.
fn join_with(sep: &NixString, parts: &[NixString]) -> Result<Value, ErrorKind> {
    let mut b = StringBuilder::new();
    b.add_context(sep.context());
    for (i, s) in parts.iter().enumerate() {
        if i > 0 {
            b.push_str(sep);
        }
        b.push_str(s);
    }
    Ok(Value::String(b.finish()?))
}

fn to_string_fast(args: &[Value]) -> Option<Result<Value, ErrorKind>> {
    Some(Ok(Value::String(super::plain_string(&args[0], true)?)))
}

fn string_length(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let s = coerce_to_string(&co, args[0].clone(), Coercion::INTERPOLATION).await?;
        Ok(Value::Int(s.len() as i64))
    })
}

fn substring(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let start = to_int(&args[0])?;
        let len = to_int(&args[1])?;
        let s = coerce_to_string(&co, args[2].clone(), Coercion::INTERPOLATION).await?;
        substring_of(start, len, &s)
    })
}

fn concat_strings_sep(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let sep = to_str(&args[0])?;
        let list = to_list(&args[1])?;
        let mut parts = Vec::with_capacity(list.len());
        for x in list.iter() {
            parts.push(coerce_to_string(&co, x.clone(), Coercion::INTERPOLATION).await?);
        }
        join_with(&sep, &parts)
    })
}

fn to_string(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let s = coerce_to_string(&co, args[0].clone(), Coercion::TO_STRING).await?;
        Ok(Value::String(s))
    })
}

fn base_name_of(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let s = coerce_to_string(&co, args[0].clone(), Coercion::PATH_APPEND).await?;
        let mut b = s.as_bytes();
        if b.last() == Some(&b'/') {
            b = &b[..b.len() - 1];
        }
        let base = match b.iter().rposition(|&c| c == b'/') {
            Some(p) => &b[p + 1..],
            None => b,
        };
        Ok(Value::String(NixString::with_context(
            base,
            s.context().cloned().unwrap_or_default(),
        )))
    })
}

fn dir_of(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let is_path = matches!(&args[0], Value::Path(_));
        let s = coerce_to_string(&co, args[0].clone(), Coercion::PATH_APPEND).await?;
        let b = s.as_bytes();
        let dir: &[u8] = match b.iter().rposition(|&c| c == b'/') {
            Some(0) => b"/",
            Some(p) => &b[..p],
            None => b".",
        };
        if is_path {
            return Ok(Value::Path(Rc::new(
                String::from_utf8_lossy(dir).into_owned().into(),
            )));
        }
        Ok(Value::String(NixString::with_context(
            dir,
            s.context().cloned().unwrap_or_default(),
        )))
    })
}

fn replace_strings(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let from_list = to_list(&args[0])?;
        let to_list_ = to_list(&args[1])?;
        if from_list.len() != to_list_.len() {
            return Err(eval_err!(
                "'from' and 'to' arguments to 'replaceStrings' have different lengths"
            ));
        }
        let mut from = Vec::new();
        for x in from_list.iter() {
            let x = co.force(x.clone()).await;
            from.push(to_str(&x)?);
        }
        // `to` strings are forced lazily, only when used (as C++ Nix does).
        let mut to: Vec<Option<NixString>> = vec![None; to_list_.len()];
        let s = to_str(&args[2])?;
        let input = s.as_bytes();
        let mut out = StringBuilder::new();
        out.add_context(s.context());
        // Only positions whose byte starts some pattern can match; the bytes
        // between them are copied as one run. An empty pattern matches
        // everywhere, so then every position is tried.
        let any_empty = from.iter().any(|pat| pat.as_bytes().is_empty());
        let mut starts = [false; 256];
        for pat in &from {
            if let Some(&b) = pat.as_bytes().first() {
                starts[usize::from(b)] = true;
            }
        }
        // The unmatched input since the last replacement, not yet copied.
        let mut run_start = 0;
        let mut p = 0;
        let mut tests = 0usize;
        // Runs one past the last byte so an empty pattern also matches at the end.
        while p <= input.len() {
            if !any_empty {
                // A window at a time, polling the limits between windows:
                // the input can be long and hold no candidate at all.
                let window = &input[p..input.len().min(p + (1 << 16))];
                match window.iter().position(|&b| starts[usize::from(b)]) {
                    Some(skip) => p += skip,
                    None => {
                        p += window.len();
                        if p >= input.len() {
                            break;
                        }
                        co.tick().await;
                        continue;
                    }
                }
            }
            let mut found = false;
            for (k, pat) in from.iter().enumerate() {
                // Many patterns over a long string are long enough to need
                // the limits polled.
                tests += 1;
                if tests.is_multiple_of(1 << 14) {
                    co.tick().await;
                }
                let pat_bytes = pat.as_bytes();
                if input[p..].starts_with(pat_bytes) {
                    found = true;
                    if to[k].is_none() {
                        let t = co.force(to_list_[k].clone()).await;
                        to[k] = Some(to_str(&t)?);
                    }
                    out.push_bytes(&input[run_start..p]);
                    if let Some(t) = &to[k] {
                        out.push_str(t);
                    }
                    // After an empty match the byte at `p` is kept, as the
                    // start of the next run.
                    run_start = p;
                    p += pat_bytes.len().max(1);
                    if !pat_bytes.is_empty() {
                        run_start = p;
                    }
                    break;
                }
            }
            if !found {
                p += 1;
            }
        }
        out.push_bytes(&input[run_start.min(input.len())..]);
        Ok(Value::String(out.finish()?))
    })
}
