//! Thunks: suspended computations that are evaluated at most once and then
//! replaced in place by their value, and the upvalues thunks and closures capture.

use std::cell::RefCell;
use std::rc::Rc;

use super::Value;
use crate::bytecode::Chunk;

/// The values a thunk or closure captured when it was made. Up to two are
/// stored inline, so most thunks are a single allocation; the whole is 32
/// bytes (the variant is kept in a spare tag value of the first `Value`).
/// Long chains of captures are freed without recursing on the host stack.
#[derive(Clone, Debug, Default)]
pub struct Upvalues(Captured);

#[derive(Clone, Debug, Default)]
enum Captured {
    #[default]
    Zero,
    One([Value; 1]),
    Two([Value; 2]),
    Many(Box<[Value]>),
}

impl Upvalues {
    /// One captured value.
    #[inline(always)]
    pub fn one(a: Value) -> Upvalues {
        Upvalues(Captured::One([a]))
    }

    /// Two captured values.
    #[inline(always)]
    pub fn two(a: Value, b: Value) -> Upvalues {
        Upvalues(Captured::Two([a, b]))
    }

    /// Three or more captured values.
    pub fn many(values: Box<[Value]>) -> Upvalues {
        Upvalues(Captured::Many(values))
    }

    /// The captured values, in order.
    #[inline(always)]
    pub fn as_slice(&self) -> &[Value] {
        match &self.0 {
            Captured::Zero => &[],
            Captured::One(v) => v,
            Captured::Two(v) => v,
            Captured::Many(v) => v,
        }
    }

    /// Upvalue `i` (`null` if out of range, which the compiler never emits).
    #[inline(always)]
    pub fn get(&self, i: u32) -> Value {
        // Spelled out: `.cloned().unwrap_or_default()` here, inlined into
        // the dispatch loop, cost fib 0.7% and modules-50 0.45%.
        match self.as_slice().get(i as usize) {
            Some(v) => v.clone(),
            None => Value::Null,
        }
    }
}

impl From<Vec<Value>> for Upvalues {
    fn from(values: Vec<Value>) -> Upvalues {
        // (The conversions cannot fail: the length was checked.)
        Upvalues(match values.len() {
            0 => Captured::Zero,
            1 => values.try_into().map_or(Captured::Zero, Captured::One),
            2 => values.try_into().map_or(Captured::Zero, Captured::Two),
            _ => Captured::Many(values.into_boxed_slice()),
        })
    }
}

impl FromIterator<Value> for Upvalues {
    fn from_iter<I: IntoIterator<Item = Value>>(values: I) -> Upvalues {
        Upvalues::from(values.into_iter().collect::<Vec<_>>())
    }
}

impl Drop for Upvalues {
    fn drop(&mut self) {
        // Only the last reference to a thunk or closure can chain on through
        // its own upvalues (lists and sets count their own nesting): anything
        // else drops directly.
        let chains = self.as_slice().iter().any(|v| match v {
            Value::Thunk(t) => Rc::strong_count(&t.0) == 1,
            Value::Closure(c) => Rc::strong_count(c) == 1,
            _ => false,
        });
        if !chains {
            return;
        }
        use super::drop;
        let values = std::mem::take(&mut self.0);
        match drop::enter() {
            Some(depth) => {
                std::mem::drop(values);
                drop::leave(depth);
            }
            None => drop::enqueue(drop::Deferred::Values(match values {
                Captured::Zero => Vec::new(),
                Captured::One(v) => v.into(),
                Captured::Two(v) => v.into(),
                Captured::Many(v) => v.into_vec(),
            })),
        }
    }
}

/// What a thunk holds at a given moment.
#[derive(Clone, Debug)]
pub enum ThunkState {
    /// Code to run over captured upvalues. While it runs, its frame holds
    /// the chunk (`None` here: forcing it again then means infinite
    /// recursion) and reads the upvalues from here.
    Code {
        /// The code, unless it is running.
        chunk: Option<Rc<Chunk>>,
        /// Its captured values.
        upvalues: Upvalues,
    },
    /// A lazy application `f x`, made by builtins such as `map` without compiling anything.
    Apply(Value, Value),
    /// Stands for another value: a closure made at once for a lambda in a
    /// lazy position, or a `rec` binding replaced by `__overrides`.
    Alias(Value),
    /// A list or set literal made only of string and number literals,
    /// built when compiling (`compiler/constants.rs`). Forcing gives a copy:
    /// evaluating a literal again makes a new list or set in C++ Nix, and
    /// printing tells them apart (`«repeated»` only for the same one).
    Literal(Value),
    /// Made for a recursive binding; its code is attached once every sibling exists.
    Blank,
    /// Under evaluation: forcing it again means infinite recursion.
    Blackhole,
    /// The value in weak head normal form.
    Evaluated(Value),
    /// Its evaluation failed: forcing it again raises the same error
    /// without evaluating anything (current Nix memoizes errors too).
    Failed(Box<crate::errors::Error>),
}

/// The outcome of [`Thunk::start`].
pub(crate) enum Start {
    /// Already evaluated.
    Value(Value),
    /// Evaluated now without running anything (a closure, literal or
    /// speculated result held ready): it counts as forced.
    Settled(Value),
    /// Code to run, taken out of the thunk, which is now marked running
    /// (give it back with [`Thunk::resume`] if the evaluation is abandoned).
    Code(Rc<Chunk>),
    /// Code already running: infinite recursion.
    Running,
    /// Another state (lazy application, alias, blank, blackhole).
    Other,
}

/// A shared, mutable thunk cell. One allocation per thunk.
#[derive(Clone, Debug)]
pub struct Thunk(pub(crate) Rc<RefCell<ThunkState>>);

/// Bytes a thunk counts for in the memory accounting.
pub const THUNK_BYTES: u64 = std::mem::size_of::<RefCell<ThunkState>>() as u64 + 16;

impl Drop for Thunk {
    fn drop(&mut self) {
        if Rc::strong_count(&self.0) == 1 {
            crate::state::credit(THUNK_BYTES);
        }
    }
}

/// [`Thunk::start`] for an alias: one for a closure or a constant needs no
/// evaluation and becomes its value. (No cycle-root registration: the value
/// was made before the thunk and cannot hold it.) Out of line, so that the
/// forcing inlined into the dispatch loop stays small.
#[inline(never)]
fn start_alias(state: &mut ThunkState) -> Start {
    match state {
        ThunkState::Alias(v) if !matches!(v, Value::Thunk(_)) => settle_with(state, None),
        // A number or string (a speculated result, most often) is its own
        // copy.
        ThunkState::Literal(v) if !matches!(v, Value::List(_) | Value::Attrs(_)) => {
            settle_with(state, None)
        }
        ThunkState::Literal(v) => {
            let copy = v.fresh_copy();
            settle_with(state, Some(copy))
        }
        _ => Start::Other,
    }
}

/// Settles an alias or literal thunk: its value becomes `copy`, or the one
/// it holds, moved out rather than copied (settling runs once per
/// speculated integer in integer recursion).
#[inline(always)]
fn settle_with(state: &mut ThunkState, copy: Option<Value>) -> Start {
    if let Some(v) = copy {
        *state = ThunkState::Evaluated(v.clone());
        return Start::Settled(v);
    }
    let v = match state {
        ThunkState::Alias(v) | ThunkState::Literal(v) => std::mem::take(v),
        _ => return Start::Other,
    };
    // The state replaced now holds `Null`, which owns nothing: forgetting it
    // skips its drop glue.
    std::mem::forget(std::mem::replace(state, ThunkState::Evaluated(v.clone())));
    Start::Settled(v)
}

impl Thunk {
    /// A thunk that runs `chunk` over `upvalues`.
    pub fn new_code(chunk: Rc<Chunk>, upvalues: Upvalues) -> Thunk {
        crate::state::charge_thunk(THUNK_BYTES);
        Thunk(Rc::new(RefCell::new(ThunkState::Code {
            chunk: Some(chunk),
            upvalues,
        })))
    }

    /// A thunk for the application `f x`.
    pub fn new_apply(f: Value, x: Value) -> Thunk {
        crate::state::charge_thunk(THUNK_BYTES);
        Thunk(Rc::new(RefCell::new(ThunkState::Apply(f, x))))
    }

    /// A thunk standing for `v`, a closure or constant made at once for a
    /// lazy position (C++ Nix has a thunk there, shown as `<CODE>`).
    pub(crate) fn new_alias(v: Value) -> Thunk {
        crate::state::charge_thunk(THUNK_BYTES);
        Thunk(Rc::new(RefCell::new(ThunkState::Alias(v))))
    }

    /// A thunk for a list or set literal built when compiling: forcing it
    /// gives a copy of `v` (see [`ThunkState::Literal`]).
    // Inlined: speculative thunks make one per integer step (`fib`).
    #[inline]
    pub(crate) fn new_literal(v: Value) -> Thunk {
        crate::state::charge_thunk(THUNK_BYTES);
        Thunk(Rc::new(RefCell::new(ThunkState::Literal(v))))
    }

    /// For an unforced literal thunk, a new one for the same literal (each
    /// copy of a literal list or set gets its own nested thunks).
    pub(crate) fn renew_literal(&self) -> Option<Thunk> {
        match &*self.0.borrow() {
            ThunkState::Literal(v) => Some(Thunk::new_literal(v.clone())),
            _ => None,
        }
    }

    /// A blank thunk for a recursive binding (filled in later by `Thunk::init`).
    pub fn new_blank() -> Thunk {
        crate::state::charge_thunk(THUNK_BYTES);
        let t = Thunk(Rc::new(RefCell::new(ThunkState::Blank)));
        // Recursive bindings are where reference cycles form: the
        // evaluation breaks them when it is dropped.
        crate::state::register_cycle_root(&t);
        t
    }

    /// Attaches code and upvalues to a blank thunk.
    pub(crate) fn init(&self, chunk: Rc<Chunk>, upvalues: Upvalues) {
        let mut state = self.0.borrow_mut();
        if matches!(*state, ThunkState::Blank) {
            *state = ThunkState::Code {
                chunk: Some(chunk),
                upvalues,
            };
        }
    }

    /// Begins forcing: an evaluated thunk gives its value; idle code gives
    /// its chunk and is then running (the upvalues stay in the thunk, where
    /// the frame reads them); anything else is for the caller to handle.
    #[inline(always)]
    pub(crate) fn start(&self) -> Start {
        let mut state = self.0.borrow_mut();
        match &mut *state {
            ThunkState::Evaluated(v) => Start::Value(v.clone()),
            ThunkState::Code { chunk, .. } => match chunk.take() {
                Some(chunk) => Start::Code(chunk),
                None => Start::Running,
            },
            ThunkState::Alias(_) | ThunkState::Literal(_) => start_alias(&mut state),
            _ => Start::Other,
        }
    }

    /// For a lazy application of a closure (not yet started), the closure
    /// and its argument. (Forcing enters it directly; `force_top` also
    /// asks it of the function of an application, `f name` in `mapAttrs`.)
    pub(crate) fn closure_application(&self) -> Option<(Rc<super::Closure>, Value)> {
        match &*self.0.borrow() {
            ThunkState::Apply(Value::Closure(c), x) => Some((c.clone(), x.clone())),
            // The function is often a thunk itself, evaluated by now (a
            // lambda in a lazy position: `map (x: …) xs`).
            ThunkState::Apply(Value::Thunk(f), x) => match &*f.0.borrow() {
                ThunkState::Evaluated(Value::Closure(c)) => Some((c.clone(), x.clone())),
                _ => None,
            },
            _ => None,
        }
    }

    /// Upvalue `i` of a thunk running code.
    #[inline(always)]
    pub(crate) fn upvalue(&self, i: u32) -> Value {
        match &*self.0.borrow() {
            ThunkState::Code { upvalues, .. } => upvalues.get(i),
            _ => Value::Null,
        }
    }

    /// The value if already evaluated.
    pub fn value(&self) -> Option<Value> {
        match &*self.0.borrow() {
            ThunkState::Evaluated(v) => Some(v.clone()),
            _ => None,
        }
    }

    /// The value if evaluated, or if it needs no evaluation (a literal, a
    /// closure or a speculated result held ready: then it is settled now,
    /// and `true` says so, as it counts as forced). For forcing contexts
    /// only: settling shows in non-strict output, as forcing does.
    pub(crate) fn settled_value(&self) -> Option<(Value, bool)> {
        let mut state = self.0.borrow_mut();
        match &*state {
            ThunkState::Evaluated(v) => Some((v.clone(), false)),
            ThunkState::Literal(_) | ThunkState::Alias(_) => match start_alias(&mut state) {
                Start::Settled(v) => Some((v, true)),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether the thunk has been evaluated.
    pub fn is_evaluated(&self) -> bool {
        matches!(&*self.0.borrow(), ThunkState::Evaluated(_))
    }

    /// Takes the pending state out, leaving a blackhole (for states other than code).
    pub(crate) fn enter(&self) -> ThunkState {
        std::mem::replace(&mut *self.0.borrow_mut(), ThunkState::Blackhole)
    }

    /// Stores the result.
    pub(crate) fn finish(&self, v: Value) {
        // A value that holds other values may (through them) hold this
        // thunk: a reference cycle no `Rc` frees, so the evaluation
        // remembers the thunk and clears it when it ends.
        let may_close_cycle = matches!(
            v,
            Value::Attrs(_)
                | Value::List(_)
                | Value::Closure(_)
                | Value::Builtin(_)
                | Value::Thunk(_)
        );
        let old = std::mem::replace(&mut *self.0.borrow_mut(), ThunkState::Evaluated(v));
        // Dropped after the borrow ends: freeing the upvalues may free other thunks.
        drop(old);
        if may_close_cycle {
            crate::state::register_cycle_root(self);
        }
    }

    /// Puts a pending state back after a failed evaluation, so it can be retried.
    pub(crate) fn restore(&self, state: ThunkState) {
        *self.0.borrow_mut() = state;
    }

    /// Remembers that evaluating the thunk failed with `e`; its pending
    /// state (and what that held on to) is dropped.
    pub(crate) fn fail(&self, e: &crate::errors::Error) {
        let old = std::mem::replace(
            &mut *self.0.borrow_mut(),
            ThunkState::Failed(Box::new(e.clone())),
        );
        // Dropped after the borrow ends: freeing the upvalues may free other thunks.
        drop(old);
    }

    /// Gives running code its chunk back after an abandoned evaluation, so
    /// that it can be forced again.
    pub(crate) fn resume(&self, code: Rc<Chunk>) {
        if let ThunkState::Code {
            chunk: chunk @ None,
            ..
        } = &mut *self.0.borrow_mut()
        {
            *chunk = Some(code);
        }
    }

    /// Drops whatever the thunk holds, leaving it blank (breaks reference
    /// cycles when its evaluation ends).
    pub(crate) fn clear(&self) {
        let old = std::mem::replace(&mut *self.0.borrow_mut(), ThunkState::Blank);
        drop(old);
    }

    /// Whether two handles are the same thunk.
    pub fn ptr_eq(&self, other: &Thunk) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
