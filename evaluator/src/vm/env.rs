//! Runtime environments: one per lambda call, `let`, `rec` set or `with`,
//! chained to the environment the code was compiled in.

use std::cell::RefCell;
use std::rc::Rc;

use smallvec::SmallVec;

use crate::value::Value;

/// Slots stored inline: most levels (lambda calls, small `let`s) are this small,
/// so an environment is a single allocation.
pub type Slots = SmallVec<[Value; 2]>;

/// A level of variables. Slots are filled once (a `let` fills them after
/// creating the level, which is how recursive bindings see each other).
#[derive(Debug)]
pub struct Env {
    /// The variables of this level.
    pub slots: RefCell<Slots>,
    /// The enclosing level.
    pub parent: Option<Rc<Env>>,
}

/// The outcome of looking a name up in one `with` namespace.
pub enum WithLookup {
    /// The name is bound in this namespace.
    Found(Value),
    /// It is not.
    Missing,
    /// The namespace is an unevaluated thunk (returned for forcing).
    Pending(Value),
    /// The namespace is not a set (its type description).
    NotASet(&'static str),
}

impl Drop for Env {
    fn drop(&mut self) {
        use crate::value::drop;
        match drop::enter() {
            Some(depth) => {
                self.slots.get_mut().clear();
                self.parent = None;
                drop::leave(depth);
            }
            None => {
                let slots = std::mem::take(self.slots.get_mut());
                drop::enqueue(drop::Deferred::Env(slots, self.parent.take()));
            }
        }
    }
}

impl Env {
    /// The root environment (no variables).
    pub fn root() -> Rc<Env> {
        Rc::new(Env {
            slots: RefCell::new(Slots::new()),
            parent: None,
        })
    }

    /// A child level of `size` slots, all `null` until set.
    pub fn child(parent: &Rc<Env>, size: usize) -> Rc<Env> {
        Rc::new(Env {
            slots: RefCell::new(smallvec::smallvec![Value::Null; size]),
            parent: Some(parent.clone()),
        })
    }

    /// A child level holding the given values.
    pub fn with_slots(parent: &Rc<Env>, slots: Slots) -> Rc<Env> {
        Rc::new(Env {
            slots: RefCell::new(slots),
            parent: Some(parent.clone()),
        })
    }

    /// Slot `idx` of the level `depth` steps up.
    #[inline(always)]
    pub fn get(self: &Rc<Env>, depth: u32, idx: u32) -> Value {
        let mut env: &Rc<Env> = self;
        for _ in 0..depth {
            match &env.parent {
                Some(p) => env = p,
                None => return Value::Null,
            }
        }
        env.slots
            .borrow()
            .get(idx as usize)
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// Sets slot `idx` of this level.
    #[inline]
    pub fn set(&self, idx: u32, v: Value) {
        if let Some(slot) = self.slots.borrow_mut().get_mut(idx as usize) {
            *slot = v;
        }
    }

    /// Looks `name` up in the `with` namespace in slot 0 of the level `depth`
    /// steps up, without cloning the namespace.
    pub fn with_lookup(self: &Rc<Env>, depth: u32, name: crate::value::Symbol) -> WithLookup {
        let mut env: &Rc<Env> = self;
        for _ in 0..depth {
            match &env.parent {
                Some(p) => env = p,
                None => return WithLookup::NotASet("null"),
            }
        }
        let slots = env.slots.borrow();
        let Some(ns) = slots.first() else {
            return WithLookup::NotASet("null");
        };
        let found = match ns {
            Value::Attrs(a) => a.get(name).cloned(),
            Value::Thunk(t) => match &*t.0.borrow() {
                crate::value::ThunkState::Evaluated(Value::Attrs(a)) => a.get(name).cloned(),
                crate::value::ThunkState::Evaluated(other) => {
                    return WithLookup::NotASet(other.type_description())
                }
                _ => return WithLookup::Pending(ns.clone()),
            },
            other => return WithLookup::NotASet(other.type_description()),
        };
        match found {
            Some(v) => WithLookup::Found(v),
            None => WithLookup::Missing,
        }
    }

    /// The level `depth` steps up.
    pub fn ancestor(self: &Rc<Env>, depth: u32) -> Rc<Env> {
        let mut env = self.clone();
        for _ in 0..depth {
            match env.parent.clone() {
                Some(p) => env = p,
                None => break,
            }
        }
        env
    }
}
