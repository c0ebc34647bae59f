//! Generator frames: Rust code (builtins, deep equality, string coercion)
//! that suspends whenever it needs the VM to force a value or call a
//! function, so nested evaluation never recurses on the host stack.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use crate::compiler::canon_path;
use crate::errors::ErrorKind;
use crate::eval_err;
use crate::value::{well_known, NixString, StringBuilder, Value};

use super::ops::{equal_shallow, incomparable, less_shallow};

/// What a generator asks of the VM.
pub enum Request {
    /// Evaluate a value to weak head normal form.
    Force(Value),
    /// Call a function with one argument (result in weak head normal form).
    Call(Value, Value),
    /// Call a curried function with two arguments, without resuming in between.
    Call2(Value, Value, Value),
    /// Force under a `tryEval` catch frame; answers `{ success; value; }`.
    TryForce(Value),
    /// The store path a path is copied to (as a string with context).
    PathToStore(std::path::PathBuf),
}

/// What the VM answers.
pub enum Response {
    /// Nothing (the first resume).
    Empty,
    /// The requested value.
    Value(Value),
    /// A same-frame request failed; the generator decides what to do.
    Error(ErrorKind),
}

/// The boxed future inside a generator frame.
pub type GenFut = Pin<Box<dyn Future<Output = Result<Value, ErrorKind>>>>;

/// A suspended generator.
pub type Gen = genawaiter::rc::Gen<Request, Response, GenFut>;

/// The handle a generator uses to talk to the VM.
pub struct Co(genawaiter::rc::Co<Request, Response>, std::cell::Cell<u32>);

/// Of the values a generator forces that are already evaluated, every
/// this many still go through the VM, so that long walks over evaluated
/// data (`toJSON` of a shared tree) meet step limits and interruption.
const READY_FORCES_PER_TICK: u32 = 64;

impl Co {
    /// Forces `v` to weak head normal form.
    pub async fn force(&self, v: Value) -> Value {
        if let Some(r) = ready(&v) {
            let n = self.1.get().wrapping_add(1);
            self.1.set(n);
            if !n.is_multiple_of(READY_FORCES_PER_TICK) {
                return r;
            }
        }
        match self.0.yield_(Request::Force(v)).await {
            Response::Value(v) => v,
            Response::Empty | Response::Error(_) => Value::Null,
        }
    }

    /// Lets the VM count a step and check the evaluation's limits (a
    /// forced value that is ready): for long loops that force nothing.
    pub async fn tick(&self) {
        let _ = self.0.yield_(Request::Force(Value::Null)).await;
    }

    /// Calls `f x`, returning the result in weak head normal form.
    pub async fn call(&self, f: Value, x: Value) -> Value {
        match self.0.yield_(Request::Call(f, x)).await {
            Response::Value(v) => v,
            Response::Empty | Response::Error(_) => Value::Null,
        }
    }

    /// Calls `f a b`.
    pub async fn call2(&self, f: Value, a: Value, b: Value) -> Value {
        match self.0.yield_(Request::Call2(f, a, b)).await {
            Response::Value(v) => v,
            Response::Empty | Response::Error(_) => Value::Null,
        }
    }

    /// The store path of `path` as a string with a context entry.
    pub async fn path_to_store(&self, path: std::path::PathBuf) -> Result<NixString, ErrorKind> {
        match self.0.yield_(Request::PathToStore(path)).await {
            Response::Value(Value::String(s)) => Ok(s),
            Response::Error(e) => Err(e),
            _ => Err(eval_err!(
                "internal error: unexpected answer to a store request"
            )),
        }
    }

    /// Forces `v` inside a `tryEval` frame.
    pub async fn try_force(&self, v: Value) -> Value {
        match self.0.yield_(Request::TryForce(v)).await {
            Response::Value(v) => v,
            Response::Empty | Response::Error(_) => Value::Null,
        }
    }
}

fn ready(v: &Value) -> Option<Value> {
    match v {
        Value::Thunk(t) => t.value(),
        v => Some(v.clone()),
    }
}

/// Wraps an async block as a generator frame.
pub fn make_gen<F, Fut>(f: F) -> Box<Gen>
where
    F: FnOnce(Co) -> Fut + 'static,
    Fut: Future<Output = Result<Value, ErrorKind>> + 'static,
{
    Box::new(genawaiter::rc::Gen::new(move |co| {
        Box::pin(f(Co(co, std::cell::Cell::new(0)))) as GenFut
    }))
}

/// Forces `v` and everything inside it. Shared sets and lists are visited
/// once, so cyclic values terminate.
/// Nesting deeper than `depth_limit` (see [`crate::Limits`]) is refused as
/// current Nix refuses it: `max-call-depth` exceeded.
pub async fn deep_force(co: &Co, v: Value, depth_limit: Option<usize>) -> Result<Value, ErrorKind> {
    let top = co.force(v).await;
    let mut seen: HashSet<usize> = HashSet::new();
    let mut work = vec![(top.clone(), 0usize)];
    while let Some((v, depth)) = work.pop() {
        let v = co.force(v).await;
        let nested = matches!(&v, Value::Attrs(_) | Value::List(_));
        if nested && depth_limit.is_some_and(|max| depth >= max) {
            return Err(ErrorKind::MaxCallDepth);
        }
        match &v {
            Value::Attrs(a) if seen.insert(Rc::as_ptr(a) as usize) => {
                // In C++ Nix's storage order, which decides the first error.
                let order = a.creation_order();
                work.extend(
                    order
                        .iter()
                        .rev()
                        .filter_map(|&i| a.at(i as usize).map(|x| (x.value.clone(), depth + 1))),
                );
            }
            Value::List(l) if seen.insert(Rc::as_ptr(l) as usize) => {
                work.extend(l.iter().rev().map(|x| (x.clone(), depth + 1)));
            }
            _ => {}
        }
    }
    Ok(top)
}

fn same_identity(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Closure(x), Value::Closure(y)) => Rc::ptr_eq(x, y),
        (Value::Builtin(x), Value::Builtin(y)) => Rc::ptr_eq(x, y),
        (Value::Attrs(x), Value::Attrs(y)) => Rc::ptr_eq(x, y),
        (Value::List(x), Value::List(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

/// Whether a set is a derivation (`type = "derivation"`), forcing `type`.
async fn is_derivation(co: &Co, v: &Value) -> bool {
    let Value::Attrs(a) = v else { return false };
    let Some(t) = a.get(well_known(|w| w.type_)).cloned() else {
        return false;
    };
    matches!(co.force(t).await, Value::String(s) if s.as_bytes() == b"derivation")
}

/// Deep `==` with C++ Nix's rules: ints equal floats, functions never equal
/// (except the very same value inside a container), derivations by `outPath`.
pub async fn equal(co: &Co, a: Value, b: Value) -> Result<bool, ErrorKind> {
    equal_impl(co, a, b, false).await
}

/// `==` between two value cells (list elements, builtin arguments): the very
/// same cell is equal to itself even at the top, as in C++ Nix's `eqValues`.
pub async fn equal_cells(co: &Co, a: Value, b: Value) -> Result<bool, ErrorKind> {
    equal_impl(co, a, b, true).await
}

/// Pairs of values [`equal_evaluated`] compares at most: past it, the
/// comparison goes step by step through the VM, where limits and
/// interruption reach it (two distinct but shared-structure values, `[ x x ]`
/// sixty levels deep, are 2^60 pairs).
pub(crate) const SYNC_EQUALITY_PAIRS: usize = 1 << 16;

/// `==` when nothing the comparison could look at still needs evaluating:
/// then it forces nothing, so no order of forcing can matter and the answer
/// is structural. `None` if a pending thunk is reachable (or two sets have
/// different names), or past [`SYNC_EQUALITY_PAIRS`]; the caller then
/// compares step by step, forcing in C++ Nix's order. Follows the same
/// rules as [`equal_impl`].
pub(crate) fn equal_evaluated(a: &Value, b: &Value, cells_at_top: bool) -> Option<bool> {
    let mut budget = SYNC_EQUALITY_PAIRS;
    equal_evaluated_within(a, b, cells_at_top, &mut budget)
}

/// [`equal_evaluated`], comparing at most `budget` pairs (what is left of
/// it is written back, so that one budget can serve many comparisons).
pub(crate) fn equal_evaluated_within(
    a: &Value,
    b: &Value,
    cells_at_top: bool,
    budget: &mut usize,
) -> Option<bool> {
    let (type_sym, out) = well_known(|w| (w.type_, w.out_path));
    let is_drv = |set: &crate::value::Attrs| -> Option<bool> {
        match set.get(type_sym) {
            None => Some(false),
            Some(t) => Some(matches!(ready(t)?, Value::String(s) if s.as_bytes() == b"derivation")),
        }
    };
    // Scalars (the common case) need no work list.
    if let (Some(x), Some(y)) = (ready(a), ready(b)) {
        let same_cell = match (a, b) {
            (Value::Thunk(p), Value::Thunk(q)) => p.ptr_eq(q),
            (Value::Thunk(_), _) | (_, Value::Thunk(_)) => false,
            _ => same_identity(a, b),
        };
        if cells_at_top && same_cell {
            return Some(true);
        }
        if let Some(r) = equal_shallow(&x, &y) {
            return Some(r);
        }
    }
    let mut equal = true;
    let mut work = vec![(a.clone(), b.clone(), true)];
    while let Some((a, b, top)) = work.pop() {
        *budget = budget.checked_sub(1)?;
        let same_cell = match (&a, &b) {
            (Value::Thunk(x), Value::Thunk(y)) => x.ptr_eq(y),
            (Value::Thunk(_), _) | (_, Value::Thunk(_)) => false,
            _ => same_identity(&a, &b),
        };
        let a = ready(&a)?;
        let b = ready(&b)?;
        if (!top || cells_at_top) && same_cell {
            continue;
        }
        if let Some(r) = equal_shallow(&a, &b) {
            equal &= r;
            continue;
        }
        match (&a, &b) {
            (Value::List(x), Value::List(y)) => {
                work.extend(
                    x.iter()
                        .cloned()
                        .zip(y.iter().cloned())
                        .map(|(p, q)| (p, q, false)),
                );
            }
            (Value::Attrs(x), Value::Attrs(y)) => {
                if is_drv(x)? && is_drv(y)? {
                    if let (Some(p), Some(q)) = (x.get(out), y.get(out)) {
                        work.push((p.clone(), q.clone(), false));
                        continue;
                    }
                }
                if x.len() != y.len() {
                    equal = false;
                    continue;
                }
                if !x.iter().zip(y.iter()).all(|(p, q)| p.name == q.name) {
                    return None;
                }
                work.extend(
                    x.iter()
                        .zip(y.iter())
                        .map(|(p, q)| (p.value.clone(), q.value.clone(), false)),
                );
            }
            _ => equal = false,
        }
    }
    Some(equal)
}

async fn equal_impl(co: &Co, a: Value, b: Value, cells_at_top: bool) -> Result<bool, ErrorKind> {
    if let Some(r) = equal_evaluated(&a, &b, cells_at_top) {
        return Ok(r);
    }
    /// Pending comparisons: a pair of values, or the attributes of two sets
    /// from a step on (names and values are compared one attribute at a
    /// time, in C++ Nix's storage order — this decides which error wins).
    enum Work {
        Pair(Value, Value, bool),
        AttrsFrom(Rc<AttrsPair>, usize),
    }
    /// Two sets and the order to walk each in (`y_order` is `None` when both
    /// sets have the same names, so the same order serves both).
    struct AttrsPair {
        x: Rc<crate::value::Attrs>,
        y: Rc<crate::value::Attrs>,
        x_order: Vec<u32>,
        y_order: Option<Vec<u32>>,
    }
    let mut work = vec![Work::Pair(a, b, true)];
    let mut pairs = 0u32;
    while let Some(item) = work.pop() {
        // Evaluated values skip the VM below: let it check the limits now
        // and then (shared structure makes walks exponential).
        pairs = pairs.wrapping_add(1);
        if pairs.is_multiple_of(1024) {
            co.tick().await;
        }
        let (a, b, top) = match item {
            Work::Pair(a, b, top) => (a, b, top),
            Work::AttrsFrom(pair, i) => {
                let y_order = pair.y_order.as_ref().unwrap_or(&pair.x_order);
                let p = pair.x_order.get(i).and_then(|&k| pair.x.at(k as usize));
                let q = y_order.get(i).and_then(|&k| pair.y.at(k as usize));
                let (Some(p), Some(q)) = (p, q) else {
                    continue;
                };
                if p.name != q.name {
                    return Ok(false);
                }
                let (pv, qv) = (p.value.clone(), q.value.clone());
                work.push(Work::AttrsFrom(pair, i + 1));
                work.push(Work::Pair(pv, qv, false));
                continue;
            }
        };
        // C++ Nix forces both sides, then treats the very same value cell as
        // equal: here, the same thunk, or (for values stored directly) the
        // same closure, set or list.
        let same_cell = match (&a, &b) {
            (Value::Thunk(x), Value::Thunk(y)) => x.ptr_eq(y),
            (Value::Thunk(_), _) | (_, Value::Thunk(_)) => false,
            _ => same_identity(&a, &b),
        };
        // Evaluated values need no trip through the generator.
        let a = match ready(&a) {
            Some(v) => v,
            None => co.force(a).await,
        };
        let b = match ready(&b) {
            Some(v) => v,
            None => co.force(b).await,
        };
        if (!top || cells_at_top) && same_cell {
            continue;
        }
        if let Some(r) = equal_shallow(&a, &b) {
            if !r {
                return Ok(false);
            }
            continue;
        }
        match (&a, &b) {
            (Value::List(x), Value::List(y)) => {
                for (p, q) in x.iter().zip(y.iter()).rev() {
                    work.push(Work::Pair(p.clone(), q.clone(), false));
                }
            }
            (Value::Attrs(x), Value::Attrs(y)) => {
                let type_sym = well_known(|w| w.type_);
                if x.contains(type_sym)
                    && is_derivation(co, &a).await
                    && y.contains(type_sym)
                    && is_derivation(co, &b).await
                {
                    let out = well_known(|w| w.out_path);
                    if let (Some(p), Some(q)) = (x.get(out), y.get(out)) {
                        work.push(Work::Pair(p.clone(), q.clone(), false));
                        continue;
                    }
                }
                if x.len() != y.len() {
                    return Ok(false);
                }
                let same_names = x.iter().zip(y.iter()).all(|(p, q)| p.name == q.name);
                if same_names && x.len() == 1 {
                    // One attribute on each side: nothing to order.
                    if let (Some(p), Some(q)) = (x.at(0), y.at(0)) {
                        work.push(Work::Pair(p.value.clone(), q.value.clone(), false));
                    }
                    continue;
                }
                let pair = AttrsPair {
                    x_order: x.creation_order(),
                    y_order: if same_names {
                        None
                    } else {
                        Some(y.creation_order())
                    },
                    x: x.clone(),
                    y: y.clone(),
                };
                work.push(Work::AttrsFrom(Rc::new(pair), 0));
            }
            _ => return Ok(false),
        }
    }
    Ok(true)
}

/// `a < b` with lexicographic list comparison.
pub async fn less_than(co: &Co, a: Value, b: Value) -> Result<bool, ErrorKind> {
    let mut a = co.force(a).await;
    let mut b = co.force(b).await;
    loop {
        if let Some(r) = less_shallow(&a, &b) {
            return r;
        }
        let (Value::List(x), Value::List(y)) = (&a, &b) else {
            return Err(incomparable(&a, &b));
        };
        let mut next = None;
        for i in 0.. {
            if i == y.len() {
                return Ok(false);
            }
            if i == x.len() {
                return Ok(true);
            }
            if !equal_cells(co, x[i].clone(), y[i].clone()).await? {
                let p = co.force(x[i].clone()).await;
                let q = co.force(y[i].clone()).await;
                next = Some((p, q));
                break;
            }
        }
        match next {
            Some((p, q)) => {
                a = p;
                b = q;
            }
            None => return Ok(false),
        }
    }
}

/// How permissive a string coercion is.
#[derive(Clone, Copy)]
pub struct Coercion {
    /// `toString`: also integers, floats, Booleans, null and lists.
    pub more: bool,
    /// Copy paths to the store (interpolation) rather than using them as text.
    pub copy_to_store: bool,
}

impl Coercion {
    /// `"${x}"`: strings, paths (copied to the store), `__toString`/`outPath` sets.
    pub const INTERPOLATION: Coercion = Coercion {
        more: false,
        copy_to_store: true,
    };
    /// `toString`: also numbers, Booleans, null and lists; paths stay paths.
    pub const TO_STRING: Coercion = Coercion {
        more: true,
        copy_to_store: false,
    };
    /// Path arithmetic and path arguments: strings and paths as text.
    pub const PATH_APPEND: Coercion = Coercion {
        more: false,
        copy_to_store: false,
    };
}

/// Coerces a value to a string the way C++ Nix's `coerceToString` does.
pub fn coerce_to_string(
    co: &Co,
    v: Value,
    how: Coercion,
) -> Pin<Box<dyn Future<Output = Result<NixString, ErrorKind>> + '_>> {
    // Iterative: nested lists and `__toString`/`outPath` chains can be
    // deeper than the host stack (C++ Nix coerces them all).
    Box::pin(async move {
        let mut out = StringBuilder::new();
        let mut walks: Vec<ListWalk> = Vec::new();
        let mut next = v;
        loop {
            let mut v = co.force(next).await;
            while let Value::Attrs(a) = &v {
                let (to_string, out_path) = well_known(|w| (w.to_string, w.out_path));
                v = if let Some(f) = a.get(to_string).cloned() {
                    let f = co.force(f).await;
                    let r = co.call(f, v.clone()).await;
                    co.force(r).await
                } else if let Some(o) = a.get(out_path).cloned() {
                    co.force(o).await
                } else {
                    return Err(eval_err!("cannot coerce a set to a string"));
                };
            }
            let piece = match &v {
                Value::String(s) => s.clone(),
                Value::Path(p) => {
                    if how.copy_to_store {
                        co.path_to_store(p.as_ref().clone()).await?
                    } else {
                        NixString::from(p.to_string_lossy().into_owned())
                    }
                }
                Value::Int(i) if how.more => NixString::from(i.to_string()),
                Value::Float(f) if how.more => NixString::from(format!("{f:.6}")),
                Value::Bool(b) if how.more => NixString::from(if *b { "1" } else { "" }),
                Value::Null if how.more => NixString::from(""),
                Value::List(l) if how.more => {
                    walks.push(ListWalk {
                        items: l.clone(),
                        next: 0,
                        separator: false,
                    });
                    NixString::from("")
                }
                other => {
                    return Err(eval_err!(
                        "cannot coerce {} to a string",
                        other.type_description()
                    ))
                }
            };
            if walks.is_empty() {
                return Ok(piece);
            }
            if !matches!(v, Value::List(_)) {
                out.push_str(&piece);
                ListWalk::end_item(&mut walks, &mut out);
            }
            // The next element to coerce, closing the lists that are done.
            next = loop {
                let Some(walk) = walks.last_mut() else {
                    return out.finish();
                };
                if let Some(item) = walk.items.0.get(walk.next).cloned() {
                    walk.next += 1;
                    let item = co.force(item).await;
                    // As C++ Nix: no space after the last element or an empty list.
                    walk.separator = walk.next < walk.items.0.len()
                        && !matches!(&item, Value::List(x) if x.0.is_empty());
                    break item;
                }
                walks.pop();
                ListWalk::end_item(&mut walks, &mut out);
            };
        }
    })
}

/// A list being coerced to a string: its elements, the next one, and
/// whether a space follows the element being coerced.
struct ListWalk {
    items: crate::value::NixList,
    next: usize,
    separator: bool,
}

impl ListWalk {
    /// Called when an element of the innermost list is done.
    fn end_item(walks: &mut [ListWalk], out: &mut StringBuilder) {
        if let Some(walk) = walks.last_mut() {
            if std::mem::take(&mut walk.separator) {
                out.push_bytes(b" ");
            }
        }
    }
}

/// `a + b` when `a` is not a number: path or string concatenation.
pub async fn add_slow(co: Co, a: Value, b: Value) -> Result<Value, ErrorKind> {
    if let Value::Path(p) = &a {
        let s = coerce_to_string(&co, b, Coercion::PATH_APPEND).await?;
        if s.has_context() {
            return Err(eval_err!(
                "a string that refers to a store path cannot be appended to a path"
            ));
        }
        let joined = format!("{}{}", p.to_string_lossy(), s.to_str_lossy());
        return Ok(Value::Path(Rc::new(canon_path(&joined).into())));
    }
    // As in C++ Nix, the first operand's type decides: after a string, paths
    // are copied to the store; after a set (coerced to a string) they stay text.
    let how = if matches!(a, Value::String(_)) {
        Coercion::INTERPOLATION
    } else {
        Coercion::PATH_APPEND
    };
    let x = coerce_to_string(&co, a, how).await?;
    let y = coerce_to_string(&co, b, how).await?;
    let mut s = StringBuilder::new();
    s.push_str(&x);
    s.push_str(&y);
    Ok(Value::String(s.finish()?))
}
