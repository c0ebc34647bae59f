//! `match` and `split`: POSIX extended regular expressions with the exact
//! behaviour of C++ Nix, which uses libstdc++'s `std::regex` (extended
//! syntax, depth-first executor). That executor is not a textbook POSIX
//! matcher: alternations try both branches and keep the longer match, but
//! greedy repetitions stop exploring once any match is found. This module
//! parses the same grammar (`syntax`), builds the same automaton shape
//! (`automaton`) and runs the same depth-first search (`exec`, with an
//! explicit stack instead of recursion), so captures, empty matches and
//! errors agree with C++ Nix. Compiled expressions are cached per thread.

mod automaton;
mod exec;
mod syntax;
#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use self::automaton::{compile, Program};
use self::exec::{all_matches, full_match, Stop};
use self::syntax::RegexError;
use super::versions::to_str_no_ctx;
use super::{to_str, BuiltinDef, BuiltinImpl::*, ALL};
use crate::errors::ErrorKind;
use crate::eval_err;
use crate::value::Value;
use crate::vm::Vm;

pub(super) static BUILTINS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "match",
        arity: 2,
        strict: ALL,
        first_arg: Some("a string without context"),
        imp: Sync(match_builtin),
    },
    BuiltinDef {
        name: "split",
        arity: 2,
        strict: ALL,
        first_arg: Some("a string without context"),
        imp: Sync(split_builtin),
    },
];

thread_local! {
    static CACHE: RefCell<HashMap<Vec<u8>, Rc<Program>>> = RefCell::new(HashMap::new());
}

/// The compiled form of `re`, from the per-thread cache when possible.
pub(crate) fn compiled(re: &[u8]) -> Result<Rc<Program>, ErrorKind> {
    if let Some(p) = CACHE.with(|c| c.borrow().get(re).cloned()) {
        return Ok(p);
    }
    let text = String::from_utf8_lossy(re);
    let prog = match compile(re) {
        Ok(p) => Rc::new(p),
        Err(RegexError::Space) => {
            return Err(eval_err!(
                "memory limit exceeded by regular expression '{text}'"
            ))
        }
        Err(RegexError::Invalid) => return Err(eval_err!("invalid regular expression '{text}'")),
    };
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 1000 {
            c.clear();
        }
        c.insert(re.to_vec(), prog.clone());
    });
    Ok(prog)
}

/// The error for an abandoned match.
fn stopped(re: &[u8], stop: Stop) -> ErrorKind {
    match stop {
        Stop::TooComplex => eval_err!(
            "regular expression '{}' is too expensive to match against this string",
            String::from_utf8_lossy(re)
        ),
        Stop::Limit(e) => e,
    }
}

fn substring(hay: &[u8], span: Option<(usize, usize)>) -> Value {
    match span {
        Some((s, e)) => Value::string(hay[s..e].to_vec()),
        None => Value::Null,
    }
}

fn match_builtin(vm: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let re = to_str_no_ctx(&args[0])?;
    let prog = compiled(re.as_bytes())?;
    let s = to_str(&args[1])?;
    let hay = s.as_bytes();
    let mut poll = || vm.poll_limits();
    match full_match(&prog, hay, &mut poll).map_err(|e| stopped(re.as_bytes(), e))? {
        None => Ok(Value::Null),
        Some(groups) => Ok(Value::list(
            groups[1..].iter().map(|g| substring(hay, *g)).collect(),
        )),
    }
}

fn split_builtin(vm: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let re = to_str_no_ctx(&args[0])?;
    let prog = compiled(re.as_bytes())?;
    let s = to_str(&args[1])?;
    let hay = s.as_bytes();
    let mut poll = || vm.poll_limits();
    let matches = all_matches(&prog, hay, &mut poll).map_err(|e| stopped(re.as_bytes(), e))?;
    if matches.is_empty() {
        return Ok(Value::list(vec![args[1].clone()]));
    }
    let mut out = Vec::with_capacity(2 * matches.len() + 1);
    let mut prev_end = 0;
    for m in &matches {
        let (start, end) = m[0].unwrap_or((prev_end, prev_end));
        out.push(Value::string(hay[prev_end..start].to_vec()));
        out.push(Value::list(
            m[1..].iter().map(|g| substring(hay, *g)).collect(),
        ));
        prev_end = end;
    }
    out.push(Value::string(hay[prev_end..].to_vec()));
    Ok(Value::list(out))
}
