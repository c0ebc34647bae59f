//! Dropping deeply nested values without recursing on the host stack.
//!
//! Lists, attribute sets and captured upvalues count how deeply their drops nest
//! ([`enter`]/[`leave`]). Below a small depth contents are dropped in place;
//! deeper, they are queued ([`enqueue`]) and the outermost drop drains the
//! queue in a loop, so a million-level nested list is freed in constant
//! stack space.

use std::cell::{Cell, RefCell};

use super::{Attr, Value};

/// Contents of a container whose last reference went away. The fields are
/// only held to be dropped later, never read.
#[allow(dead_code)]
pub(crate) enum Deferred {
    Values(Vec<Value>),
    Attrs(Vec<Attr>),
}

/// Nested drops up to this depth run directly (cheap for ordinary values).
const MAX_NESTED_DROPS: u32 = 64;

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// Whether `PENDING` may hold anything: keeps the common case to two `Cell`s.
    static QUEUED: Cell<bool> = const { Cell::new(false) };
    static PENDING: RefCell<Vec<Deferred>> = const { RefCell::new(Vec::new()) };
}

/// Called at the start of a container's `Drop`: `Some(depth)` means drop the
/// contents in place now and call [`leave`] afterwards; `None` means the
/// nesting is deep, so hand the contents to [`enqueue`] instead.
#[inline]
pub(crate) fn enter() -> Option<u32> {
    let depth = DEPTH.get();
    if depth >= MAX_NESTED_DROPS {
        return None;
    }
    DEPTH.set(depth + 1);
    Some(depth)
}

/// Ends a drop begun with [`enter`]; the outermost one drains the queue.
#[inline]
pub(crate) fn leave(depth: u32) {
    DEPTH.set(depth);
    if depth == 0 && QUEUED.get() {
        drain();
    }
}

/// Queues contents for the outermost drop to free.
#[cold]
pub(crate) fn enqueue(d: Deferred) {
    let mut d = Some(d);
    let _ = PENDING.try_with(|p| {
        if let (Ok(mut queue), Some(d)) = (p.try_borrow_mut(), d.take()) {
            queue.push(d);
        }
    });
    QUEUED.set(true);
    // Only if the queue was unavailable (thread exit) does `d` drop here, directly.
}

#[cold]
fn drain() {
    DEPTH.set(1);
    while let Some(next) = PENDING.try_with(|p| p.borrow_mut().pop()).ok().flatten() {
        drop(next);
    }
    QUEUED.set(false);
    DEPTH.set(0);
}
