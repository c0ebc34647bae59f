//! Thunks: suspended computations that are evaluated at most once and then
//! replaced in place by their value.

use std::cell::RefCell;
use std::rc::Rc;

use super::Value;
use crate::bytecode::Chunk;
use crate::vm::env::Env;

/// What a thunk holds at a given moment.
#[derive(Clone, Debug)]
pub enum ThunkState {
    /// Code to run in an environment.
    Code {
        /// The code.
        chunk: Rc<Chunk>,
        /// Its environment.
        env: Rc<Env>,
    },
    /// A lazy application `f x`, made by builtins such as `map` without compiling anything.
    Apply(Value, Value),
    /// Under evaluation: forcing it again means infinite recursion.
    Blackhole,
    /// The value in weak head normal form.
    Evaluated(Value),
}

/// A shared, mutable thunk cell. One allocation per thunk.
#[derive(Clone, Debug)]
pub struct Thunk(pub(crate) Rc<RefCell<ThunkState>>);

impl Thunk {
    /// A thunk that runs `chunk` in `env`.
    pub fn new_code(chunk: Rc<Chunk>, env: Rc<Env>) -> Thunk {
        Thunk(Rc::new(RefCell::new(ThunkState::Code { chunk, env })))
    }

    /// A thunk for the application `f x`.
    pub fn new_apply(f: Value, x: Value) -> Thunk {
        Thunk(Rc::new(RefCell::new(ThunkState::Apply(f, x))))
    }

    /// The value if already evaluated.
    pub fn value(&self) -> Option<Value> {
        match &*self.0.borrow() {
            ThunkState::Evaluated(v) => Some(v.clone()),
            _ => None,
        }
    }

    /// Whether the thunk has been evaluated.
    pub fn is_evaluated(&self) -> bool {
        matches!(&*self.0.borrow(), ThunkState::Evaluated(_))
    }

    /// Takes the pending state out, leaving a blackhole.
    pub(crate) fn enter(&self) -> ThunkState {
        std::mem::replace(&mut *self.0.borrow_mut(), ThunkState::Blackhole)
    }

    /// Stores the result.
    pub(crate) fn finish(&self, v: Value) {
        *self.0.borrow_mut() = ThunkState::Evaluated(v);
    }

    /// Puts a pending state back after a failed evaluation, so it can be retried.
    pub(crate) fn restore(&self, state: ThunkState) {
        *self.0.borrow_mut() = state;
    }

    /// Whether two handles are the same thunk.
    pub fn ptr_eq(&self, other: &Thunk) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
