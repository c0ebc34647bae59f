//! `match` and `split`: POSIX extended regular expressions with the exact
//! behaviour of C++ Nix, which uses libstdc++'s `std::regex` (extended
//! syntax, depth-first executor). That executor is not a textbook POSIX
//! matcher: alternations try both branches and keep the longer match, but
//! greedy repetitions stop exploring once any match is found. This module
//! parses the same grammar (`syntax`), builds the same automaton shape
//! (`automaton`) and runs the same depth-first search (`exec`, with an
//! explicit stack instead of recursion), so captures, empty matches and
//! errors agree with C++ Nix. Compiled expressions are cached per evaluation.

mod automaton;
mod exec;
mod syntax;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::rc::Rc;

use self::automaton::{compile, Program};
use self::exec::{each_match, full_match, Stop};
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

/// An evaluation's compiled expressions, by source text. C++ Nix keeps
/// every expression an evaluation compiles; this cache is bounded, since
/// one expression compiles to up to 100,000 states (megabytes), and its
/// bytes count against the memory limit.
#[derive(Default)]
pub(crate) struct RegexCache {
    programs: HashMap<Vec<u8>, Rc<Program>>,
    /// Bytes the cached programs hold, as charged to the meter.
    bytes: u64,
}

/// At most this many bytes of compiled expressions stay cached (a quarter
/// of a smaller memory limit): past it the cache starts over.
const CACHE_BYTES: u64 = 64 << 20;

/// The compiled form of `re`, from the evaluation's cache when possible.
pub(crate) fn compiled(vm: &Vm, re: &[u8]) -> Result<Rc<Program>, ErrorKind> {
    let shared = vm.shared();
    if let Some(p) = shared.regex_cache.borrow().programs.get(re) {
        return Ok(p.clone());
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
    let size = prog.heap_bytes() + re.len() as u64;
    let budget = CACHE_BYTES.min(shared.limits.memory.unwrap_or(u64::MAX) / 4);
    let mut cache = shared.regex_cache.borrow_mut();
    if cache.programs.len() >= 1000 || cache.bytes.saturating_add(size) > budget {
        crate::state::credit(cache.bytes);
        cache.programs.clear();
        cache.bytes = 0;
    }
    crate::state::reserve(size)?;
    cache.bytes += size;
    cache.programs.insert(re.to_vec(), prog.clone());
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
        Some((s, e)) => Value::string(&hay[s..e]),
        None => Value::Null,
    }
}

fn match_builtin(vm: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let re = to_str_no_ctx(&args[0])?;
    let prog = compiled(vm, re.as_bytes())?;
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
    let prog = compiled(vm, re.as_bytes())?;
    let s = to_str(&args[1])?;
    let hay = s.as_bytes();
    let mut out = Vec::new();
    let mut prev_end = 0;
    let mut add = |m: &[Option<(usize, usize)>]| {
        let (start, end) = m[0].unwrap_or((prev_end, prev_end));
        out.push(Value::string(&hay[prev_end..start]));
        out.push(Value::list(
            m[1..].iter().map(|g| substring(hay, *g)).collect(),
        ));
        prev_end = end;
        // An empty expression matches at every byte: the result can be
        // many times the input's size.
        crate::state::check_building(out.len() / 2, || crate::state::vec_bytes(&out))
    };
    let mut poll = || vm.poll_limits();
    each_match(&prog, hay, &mut poll, &mut add).map_err(|e| stopped(re.as_bytes(), e))?;
    if out.is_empty() {
        return Ok(Value::list(vec![args[1].clone()]));
    }
    out.push(Value::string(&hay[prev_end..]));
    // Grown by doubling: the list keeps only what it holds.
    out.shrink_to_fit();
    Ok(Value::list(out))
}
