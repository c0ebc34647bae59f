//! Per-evaluation state that values and spans refer to without a handle:
//! the source table, attribute positions, the memory meter and the
//! evaluation's symbol order. Each `Evaluation` owns one [`Context`]; the
//! one in use is installed for its thread while the host calls into it, and
//! stays installed afterwards until another evaluation is entered, so that
//! spans of returned values and errors can still be resolved. Dropping the
//! evaluation (and its values) frees all of it.

pub mod limits;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::errors::ErrorKind;
use crate::syntax::{SourceFile, Span};
use limits::LimitKind;

/// What one evaluation's spans, positions and accounting refer to.
pub struct Context {
    /// Distinguishes evaluations in symbol order tags (never reused).
    pub(crate) id: u32,
    /// Loaded source files by id.
    pub(crate) sources: RefCell<Vec<Rc<SourceFile>>>,
    /// Spans behind `Pos` handles.
    pub(crate) positions: RefCell<Vec<Span>>,
    /// Names interned so far by this evaluation (the next symbol order index).
    pub(crate) symbols_seen: Cell<u32>,
    /// Memory accounting.
    pub(crate) meter: Meter,
    /// Thunks that may sit on reference cycles: those of recursive bindings
    /// and those evaluated to a value that can refer back to them (a set,
    /// list, closure or partial application). Cleared when the evaluation
    /// is dropped.
    cycle_roots: RefCell<Vec<std::rc::Weak<RefCell<crate::value::ThunkState>>>>,
    /// Length of `cycle_roots` after its last pruning of dead entries.
    cycle_roots_pruned: Cell<usize>,
    /// Whether `cycle_roots` is kept: not when the evaluation is never
    /// dropped (a process that exits after it), where tracking only costs.
    track_cycles: bool,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context").field("id", &self.id).finish()
    }
}

static NEXT_ID: AtomicU32 = AtomicU32::new(1);

impl Context {
    /// A fresh context with `memory_limit` bytes (or none), remembering the
    /// thunks that may close reference cycles if `track_cycles`.
    pub(crate) fn new(memory_limit: Option<u64>, track_cycles: bool) -> Rc<Context> {
        let limit = memory_limit.unwrap_or_else(host_memory_budget);
        let ctx = Rc::new(Context {
            // Ids only tag symbols: wrapping after 4 billion evaluations
            // merely risks sharing an order with a long-gone evaluation.
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed).max(1),
            sources: RefCell::new(Vec::new()),
            positions: RefCell::new(vec![Span::NONE]),
            symbols_seen: Cell::new(0),
            cycle_roots: RefCell::new(Vec::new()),
            cycle_roots_pruned: Cell::new(0),
            track_cycles,
            meter: Meter {
                used: Cell::new(0),
                thunks: Cell::new(0),
                limit,
                configured: memory_limit,
            },
        });
        let _ = LIVE.try_with(|live| live.borrow_mut().insert(ctx.id, Rc::downgrade(&ctx)));
        ctx
    }

    /// The live context with this id on this thread (errors name their
    /// evaluation by id so that they stay `Send + Sync`).
    pub fn by_id(id: u32) -> Option<Rc<Context>> {
        LIVE.try_with(|live| live.borrow().get(&id).and_then(std::rc::Weak::upgrade))
            .ok()
            .flatten()
    }

    /// The source file with this id.
    pub fn source(&self, id: u32) -> Option<Rc<SourceFile>> {
        self.sources.borrow().get(id as usize).cloned()
    }

    /// Clears every live recursive-binding thunk, freeing the reference
    /// cycles they close (the evaluation is over).
    pub(crate) fn break_cycles(&self) {
        let roots = std::mem::take(&mut *self.cycle_roots.borrow_mut());
        for weak in roots {
            if let Some(rc) = weak.upgrade() {
                crate::value::Thunk(rc).clear();
            }
        }
    }
}

/// Remembers a thunk that may close a reference cycle (see
/// [`Context::break_cycles`]).
#[inline]
pub(crate) fn register_cycle_root(thunk: &crate::value::Thunk) {
    let ctx = CONTEXT.get();
    if ctx.is_null() {
        return;
    }
    // SAFETY: CONTEXT points to the context CURRENT holds (see `install`).
    let ctx = unsafe { &*ctx };
    if !ctx.track_cycles {
        return;
    }
    let mut roots = ctx.cycle_roots.borrow_mut();
    roots.push(Rc::downgrade(&thunk.0));
    // Dead entries keep their (emptied) allocation: prune whenever the list
    // has doubled since the last time, which keeps pushes amortised O(1)
    // and the list at most twice the live roots.
    if roots.len() >= 1024 && roots.len() >= 2 * ctx.cycle_roots_pruned.get() {
        roots.retain(|w| w.strong_count() > 0);
        ctx.cycle_roots_pruned.set(roots.len());
    }
}

/// Bytes held by an evaluation's values, against its limit.
pub(crate) struct Meter {
    used: Cell<u64>,
    /// Thunks made so far (for [`crate::Stats`]).
    thunks: Cell<u64>,
    limit: u64,
    configured: Option<u64>,
}

impl Meter {
    /// The error for exceeding the limit (or an allocation the host refused).
    fn exceeded(&self, wanted: u64) -> ErrorKind {
        match self.configured {
            Some(n) => ErrorKind::Limit(LimitKind::Memory(n)),
            None => ErrorKind::Limit(LimitKind::OutOfMemory(wanted)),
        }
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        // During thread teardown the registry may already be gone.
        let _ = LIVE.try_with(|live| live.borrow_mut().remove(&self.id));
    }
}

thread_local! {
    /// Contexts alive on this thread, by id, for rendering errors.
    static LIVE: RefCell<std::collections::HashMap<u32, std::rc::Weak<Context>>> =
        RefCell::new(std::collections::HashMap::new());
    static CURRENT: RefCell<Option<Rc<Context>>> = const { RefCell::new(None) };
    /// The current context's meter, for the hot accounting paths. Valid while
    /// `CURRENT` holds that context (they are only changed together).
    static METER: Cell<*const Meter> = const { Cell::new(std::ptr::null()) };
    /// The current context itself, for registering cycle roots on the hot
    /// path. Valid under the same rule as `METER`.
    static CONTEXT: Cell<*const Context> = const { Cell::new(std::ptr::null()) };
    /// How many calls into evaluations are active on this thread.
    static ACTIVE: Cell<u32> = const { Cell::new(0) };
    /// The current context's id (0 when there is none).
    static CURRENT_ID: Cell<u32> = const { Cell::new(0) };
}

/// The current evaluation's id, creating a context if there is none.
#[inline]
pub(crate) fn current_id() -> u32 {
    let id = CURRENT_ID.get();
    if id != 0 {
        return id;
    }
    current().id
}

/// How many names the current evaluation has placed in its symbol order.
pub(crate) fn symbols_seen() -> u32 {
    with_current(|c| c.symbols_seen.get())
}

pub(crate) fn set_symbols_seen(n: u32) {
    with_current(|c| c.symbols_seen.set(n))
}

fn install(ctx: Option<Rc<Context>>) -> Option<Rc<Context>> {
    let meter = ctx
        .as_ref()
        .map_or(std::ptr::null(), |c| &c.meter as *const Meter);
    CURRENT_ID.set(ctx.as_ref().map_or(0, |c| c.id));
    let context = ctx.as_ref().map_or(std::ptr::null(), Rc::as_ptr);
    let prev = CURRENT.with(|c| c.replace(ctx));
    METER.set(meter);
    CONTEXT.set(context);
    prev
}

/// Makes `ctx` current until the guard drops. A nested entry (a host
/// builtin evaluating something else) puts the outer context back; the
/// outermost keeps `ctx` installed, so results stay resolvable.
pub(crate) fn enter(ctx: &Rc<Context>) -> EnterGuard {
    ACTIVE.set(ACTIVE.get() + 1);
    let same = CURRENT.with(|c| c.borrow().as_ref().is_some_and(|cur| Rc::ptr_eq(cur, ctx)));
    let prev = if same {
        None
    } else {
        Some(install(Some(ctx.clone())))
    };
    EnterGuard { prev }
}

/// Restores the previous context of a nested [`enter`].
pub(crate) struct EnterGuard {
    prev: Option<Option<Rc<Context>>>,
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        let active = ACTIVE.get().saturating_sub(1);
        ACTIVE.set(active);
        if let Some(prev) = self.prev.take() {
            if active > 0 && prev.is_some() {
                install(prev);
            }
        }
    }
}

/// The current context, creating one for code that runs outside any
/// evaluation (parsing for `--parse`, tests).
pub fn current() -> Rc<Context> {
    if let Some(c) = CURRENT.with(|c| c.borrow().clone()) {
        return c;
    }
    let ctx = Context::new(None, true);
    install(Some(ctx.clone()));
    ctx
}

/// Runs `f` with the current context.
pub(crate) fn with_current<R>(f: impl FnOnce(&Context) -> R) -> R {
    let ctx = current();
    f(&ctx)
}

/// Runs `f` on the current evaluation's meter, if an evaluation is installed.
#[inline(always)]
fn with_meter<R>(f: impl FnOnce(&Meter) -> R) -> Option<R> {
    let m = METER.get();
    if m.is_null() {
        return None;
    }
    // SAFETY: METER is null or points into the context CURRENT holds, which
    // stays installed (and alive) while values of it are made or dropped on
    // this thread (see `install`); the reference does not outlive `f`.
    Some(f(unsafe { &*m }))
}

/// Records `bytes` more held by the current evaluation, without checking
/// (fixed-size allocations; the VM checks the total at its next step).
#[inline]
pub(crate) fn charge(bytes: u64) {
    with_meter(|m| m.used.set(m.used.get().saturating_add(bytes)));
}

/// Records a new thunk: its bytes and, for the statistics, the count.
#[inline]
pub(crate) fn charge_thunk(bytes: u64) {
    with_meter(|m| {
        m.used.set(m.used.get().saturating_add(bytes));
        m.thunks.set(m.thunks.get() + 1);
    });
}

/// Thunks the current evaluation has made.
pub(crate) fn thunks_made() -> u64 {
    with_meter(|m| m.thunks.get()).unwrap_or(0)
}

/// Records `bytes` released.
#[inline]
pub(crate) fn credit(bytes: u64) {
    with_meter(|m| m.used.set(m.used.get().saturating_sub(bytes)));
}

/// Checks that `bytes` more fit the memory limit, and charges them.
/// Sizes computed from input go through here before anything is allocated.
pub(crate) fn reserve(bytes: u64) -> Result<(), ErrorKind> {
    let charged = with_meter(|m| {
        let total = m.used.get().saturating_add(bytes);
        if total > m.limit || bytes > HOST_MAX_ALLOCATION {
            return Err(m.exceeded(bytes));
        }
        m.used.set(total);
        Ok(())
    });
    match charged {
        Some(result) => result,
        None if bytes > HOST_MAX_ALLOCATION => Err(ErrorKind::Limit(LimitKind::OutOfMemory(bytes))),
        None => Ok(()),
    }
}

/// Whether the current evaluation holds more than its limit allows.
#[inline]
pub(crate) fn over_limit() -> Option<ErrorKind> {
    with_meter(|m| (m.used.get() > m.limit).then(|| m.exceeded(0))).flatten()
}

/// Bytes the current evaluation's values hold, as accounted.
pub fn memory_used() -> u64 {
    with_meter(|m| m.used.get()).unwrap_or(0)
}

/// With no memory limit set, values may hold half of the
/// machine's physical memory: past that the host would be killed for lack
/// of memory rather than get an error.
fn host_memory_budget() -> u64 {
    thread_local! {
        static BUDGET: Cell<u64> = const { Cell::new(0) };
    }
    let cached = BUDGET.get();
    if cached != 0 {
        return cached;
    }
    let total = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib.saturating_mul(1024))
        })
        .unwrap_or(HOST_MAX_ALLOCATION);
    let budget = (total / 2).max(1 << 28);
    BUDGET.set(budget);
    budget
}

/// No single allocation may ask for more than this, limit or not: a
/// request this size cannot be meant and would abort the host.
pub const HOST_MAX_ALLOCATION: u64 = 1 << 36;

/// A `Vec` with room for `n` elements, charged to the current evaluation;
/// fails cleanly instead of aborting when the memory is not there.
pub(crate) fn vec_with_capacity<T>(n: usize) -> Result<Vec<T>, ErrorKind> {
    let bytes = (n as u64).saturating_mul(std::mem::size_of::<T>() as u64);
    reserve(bytes)?;
    let mut v = Vec::new();
    if v.try_reserve_exact(n).is_err() {
        credit(bytes);
        return Err(ErrorKind::Limit(LimitKind::OutOfMemory(bytes)));
    }
    // The list's own accounting takes over once it becomes a value.
    credit(bytes);
    Ok(v)
}

/// Items a builtin that builds many values in one call (`split`,
/// `splitVersion`, `fromJSON`) makes between two checks of the memory
/// limit: the VM checks only between its own steps, and such a call can
/// turn a string into many times its size in values.
pub(crate) const BUILD_CHECK_INTERVAL: usize = 4096;

/// Checks, every [`BUILD_CHECK_INTERVAL`] items, that the values made so
/// far plus the `pending` bytes not charged yet (the vectors being filled,
/// computed only then) fit the memory limit.
#[inline]
pub(crate) fn check_building(items: usize, pending: impl FnOnce() -> u64) -> Result<(), ErrorKind> {
    if !items.is_multiple_of(BUILD_CHECK_INTERVAL) {
        return Ok(());
    }
    check_room(pending())
}

/// Checks that `bytes` more would fit the memory limit, without charging
/// them (for memory that is not a value: a parser's tree, a vector being
/// filled, an output buffer before it grows).
pub(crate) fn check_room(bytes: u64) -> Result<(), ErrorKind> {
    reserve(bytes)?;
    credit(bytes);
    Ok(())
}

/// Bytes `values` holds as a vector (its capacity, not only its length).
pub(crate) fn vec_bytes<T>(values: &Vec<T>) -> u64 {
    (values.capacity() as u64).saturating_mul(std::mem::size_of::<T>() as u64)
}

/// Checks that a buffer of `current` bytes may grow by `extra` bytes
/// (strings built from input) within the memory limit.
pub(crate) fn check_growth(current: usize, extra: usize) -> Result<(), ErrorKind> {
    check_room((current as u64).saturating_add(extra as u64))
}

/// Appends `items` to `out`, checking growth against the memory limit
/// (concatenations can multiply what is held: `concatLists` of a list
/// repeated a million times).
pub(crate) fn extend_checked<T: Clone>(out: &mut Vec<T>, items: &[T]) -> Result<(), ErrorKind> {
    reserve_checked(out, items.len())?;
    out.extend_from_slice(items);
    Ok(())
}

/// [`extend_checked`] for items that can be moved.
pub(crate) fn append_checked<T>(out: &mut Vec<T>, mut items: Vec<T>) -> Result<(), ErrorKind> {
    reserve_checked(out, items.len())?;
    out.append(&mut items);
    Ok(())
}

/// Room in `out` for `n` more items, its growth checked against the limit.
fn reserve_checked<T>(out: &mut Vec<T>, n: usize) -> Result<(), ErrorKind> {
    let need = out.len().saturating_add(n);
    if need > out.capacity() {
        let size = std::mem::size_of::<T>();
        let extra = n.max(out.len());
        check_growth(out.len().saturating_mul(size), extra.saturating_mul(size))?;
        if out.try_reserve(extra).is_err() {
            return Err(ErrorKind::Limit(LimitKind::OutOfMemory(
                extra.saturating_mul(size) as u64,
            )));
        }
    }
    Ok(())
}

/// Keeps an output buffer (`toJSON`, `toXML`) ahead of its writes, checked
/// against the memory limit: when little room is left, it grows by half
/// here, after the check, rather than in a write, where `Vec` would double
/// it unchecked (a 100,000-deep `toXML` reached twice the limit before it
/// was refused). Called before each piece of output, which is small but
/// for the text of a string already in memory.
pub(crate) fn grow_output(out: &mut Vec<u8>) -> Result<(), ErrorKind> {
    let (len, capacity) = (out.len(), out.capacity());
    if capacity - len >= (capacity / 8).max(1 << 12) {
        return Ok(());
    }
    let extra = (capacity / 2).max(1 << 16);
    check_growth(capacity, extra)?;
    out.try_reserve_exact(capacity.saturating_add(extra).saturating_sub(len))
        .map_err(|_| ErrorKind::Limit(LimitKind::OutOfMemory(extra as u64)))
}
