//! Interned identifiers and attribute names: `Symbol` is a four-byte index
//! into the thread's table of names; its equality is index equality and its
//! order is Nix's byte order.
//! Each symbol also remembers when it was first interned: C++ Nix walks a
//! set's attributes in that order when it forces a value deeply or compares
//! two sets, which decides which error such an evaluation reports.
//!
//! Names are reclaimed. Sets and compiled code hold a [`NameLease`]; when
//! an evaluation is built or dropped while the thread holds none (every
//! evaluation and all of its values are gone), every name but the
//! well-known ones is freed, so a service that loads configs with ever new
//! names keeps a table the size of one load. Names are only freed there,
//! never while a set, code or evaluation exists, so a symbol read during an
//! evaluation always has its name.

use std::cell::{Cell, RefCell};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// An interned name. Two symbols are equal exactly when their bytes are equal,
/// because every distinct byte string is interned once per thread. Each
/// evaluation keeps its own order of names (see `creation_index`).
///
/// Four bytes: an index into this thread's table of names, which keeps an
/// attribute (name, position, value) at 24 bytes. Not `Send`: the index
/// means nothing on another thread.
///
/// A symbol kept on its own after every evaluation, set and piece of code
/// of its thread is gone loses its name (when the last evaluation is
/// dropped or the next is built, see the module note): it then reads as
/// the empty name, or as a name interned later. Intern names through a
/// live evaluation ([`crate::Evaluation::symbol`]) or keep them as text.
#[derive(Clone, Copy)]
pub struct Symbol {
    index: u32,
    _this_thread: PhantomData<*const Interned>,
}

/// The one copy of an interned name.
struct Interned {
    bytes: Box<[u8]>,
    /// The first eight bytes, big-endian, zero-padded: two different
    /// prefixes order their names as the bytes do, so most comparisons
    /// (searching and sorting sets) need no `memcmp`.
    prefix: u64,
    /// Which evaluation last used the name, and how many names that
    /// evaluation had used before it (its order there).
    order: Cell<(u32, u32)>,
}

/// The interner: a map from names to symbols (FxHash, since every dynamic
/// attribute name is looked up here) and the table symbols index.
struct Interner {
    /// Keys borrow the bytes of `table`'s entries: an entry leaves the map
    /// before it is freed (see [`Interner::reclaim`]).
    map: HashMap<&'static [u8], Symbol, std::hash::BuildHasherDefault<rustc_hash::FxHasher>>,
    /// Boxed so that an entry stays put while the table grows.
    #[allow(clippy::vec_box)]
    table: Vec<Box<Interned>>,
    /// The names at the start of the table that are never reclaimed: C++
    /// Nix's startup names and the evaluator's well-known ones.
    permanent: usize,
}

impl Interner {
    /// A table holding the permanent names, in C++ Nix's startup order.
    fn new() -> Interner {
        let mut it = Interner {
            map: HashMap::default(),
            table: Vec::new(),
            permanent: 0,
        };
        for name in super::symbol_order::CPP_STARTUP_SYMBOLS
            .iter()
            .chain(EXTRA_PERMANENT_NAMES)
        {
            intern_new(&mut it, name.as_bytes());
        }
        it.permanent = it.table.len();
        it
    }

    /// Frees every name after the permanent ones.
    fn reclaim(&mut self) {
        for entry in self.table.drain(self.permanent..) {
            self.map.remove(&*entry.bytes);
        }
        self.table.shrink_to(self.permanent.max(1024));
        publish(&self.table);
    }
}

impl Drop for Interner {
    fn drop(&mut self) {
        if LEASES.try_with(Cell::get).unwrap_or(0) != 0 {
            // Something still borrows names at thread exit (a set or a
            // name's bytes in a thread-local dropped after this one): the
            // names stay, leaked, and readable.
            std::mem::forget(std::mem::take(&mut self.table));
            return;
        }
        // Symbols read during thread teardown find no table and read as
        // the empty name instead of freed memory.
        TABLE.set((std::ptr::null(), 0));
    }
}

/// Well-known names that are not among C++ Nix's startup names.
const EXTRA_PERMANENT_NAMES: &[&str] = &["success"];

thread_local! {
    static INTERNER: RefCell<Interner> = RefCell::new(Interner::new());
    /// The start and length of `Interner::table`, so that reading a symbol
    /// needs no borrow of the interner.
    static TABLE: Cell<(*const Box<Interned>, u32)> = const { Cell::new((std::ptr::null(), 0)) };
    /// Sets, pieces of code and evaluations alive on this thread (see
    /// [`NameLease`]).
    static LEASES: Cell<usize> = const { Cell::new(0) };
}

/// Points `TABLE` at `table` after it changed.
fn publish(table: &[Box<Interned>]) {
    TABLE.set((table.as_ptr(), table.len() as u32));
}

/// Held by everything that keeps symbols beyond one call (sets, compiled
/// code, evaluations): while any lease exists on a thread, none of its
/// names is freed. Zero-sized; taking and returning one is a counter step.
#[derive(Debug)]
pub struct NameLease(PhantomData<*const Interned>);

impl NameLease {
    /// Takes a lease.
    #[inline]
    pub fn new() -> NameLease {
        LEASES.set(LEASES.get() + 1);
        NameLease(PhantomData)
    }
}

impl Default for NameLease {
    fn default() -> NameLease {
        NameLease::new()
    }
}

impl Clone for NameLease {
    fn clone(&self) -> NameLease {
        NameLease::new()
    }
}

impl Drop for NameLease {
    #[inline]
    fn drop(&mut self) {
        LEASES.set(LEASES.get().saturating_sub(1));
    }
}

/// A symbol's name, borrowed (see [`Symbol::bytes`]): while it lives, the
/// thread's names are not reclaimed.
pub struct SymbolBytes<'a> {
    bytes: &'a [u8],
    _lease: NameLease,
}

impl std::ops::Deref for SymbolBytes<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.bytes
    }
}

impl AsRef<[u8]> for SymbolBytes<'_> {
    fn as_ref(&self) -> &[u8] {
        self.bytes
    }
}

impl fmt::Debug for SymbolBytes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&String::from_utf8_lossy(self.bytes), f)
    }
}

/// Frees the names interned since the permanent ones if nothing on this
/// thread can still refer to them (no [`NameLease`] is held). Called when
/// an evaluation is built, before it interns anything, and after one is
/// dropped; returns whether the names were freed.
pub(crate) fn reclaim_unused_names() -> bool {
    if LEASES.get() != 0 {
        return false;
    }
    INTERNER
        .try_with(|interner| match interner.try_borrow_mut() {
            Ok(mut it) => {
                it.reclaim();
                true
            }
            Err(_) => false,
        })
        .unwrap_or(false)
}

/// How many names this thread's table holds (for tests of reclaiming).
#[doc(hidden)]
pub fn interned_names() -> usize {
    TABLE.get().1 as usize
}

/// Adds a name that is not interned yet.
/// [`Interned::prefix`] of `name`.
fn name_prefix(name: &[u8]) -> u64 {
    let mut head = [0u8; 8];
    let n = name.len().min(8);
    head[..n].copy_from_slice(&name[..n]);
    u64::from_be_bytes(head)
}

fn intern_new(it: &mut Interner, name: &[u8]) -> Symbol {
    if let Some(sym) = it.map.get(name) {
        return *sym;
    }
    // Past 2^32 names (hundreds of gigabytes of table and map first, so the
    // allocator fails long before) an index would wrap to an earlier entry:
    // a wrong name, never a read out of bounds.
    let index = it.table.len() as u32;
    let entry = Box::new(Interned {
        bytes: name.into(),
        prefix: name_prefix(name),
        order: Cell::new((0, 0)),
    });
    // SAFETY: the key borrows the entry's bytes, which live on the heap
    // until `Interner::reclaim` (or the interner's drop) frees the entry;
    // reclaim removes the key first, and the map drops before the table.
    let key: &'static [u8] = unsafe { &*(&*entry.bytes as *const [u8]) };
    it.table.push(entry);
    publish(&it.table);
    // The table's own bytes for the name count against the evaluation
    // that interns it (a set of a million generated names holds them).
    crate::state::charge(name.len() as u64 + INTERNED_OVERHEAD);
    let sym = Symbol {
        index,
        _this_thread: PhantomData,
    };
    it.map.insert(key, sym);
    sym
}

/// Bytes a name costs beyond its own: its entry, table slot and map slot.
const INTERNED_OVERHEAD: u64 = 64;

/// Gives `sym` its place in the current evaluation's symbol order, if it
/// has none there yet. The first use in an evaluation places C++ Nix's
/// startup names first, in its order.
#[inline]
fn touch(sym: Symbol, it: &mut Interner) -> u32 {
    let ctx = crate::state::current_id();
    let Some(entry) = sym.entry() else {
        return 0;
    };
    let (owner, index) = entry.order.get();
    if owner == ctx {
        return index;
    }
    let seen = crate::state::symbols_seen();
    if seen == 0 {
        for n in super::symbol_order::CPP_STARTUP_SYMBOLS {
            let s = intern_new(it, n.as_bytes());
            place(s, ctx);
        }
        if let Some((owner, index)) = sym.entry().map(|e| e.order.get()) {
            if owner == ctx {
                return index;
            }
        }
    }
    place(sym, ctx)
}

fn place(sym: Symbol, ctx: u32) -> u32 {
    let Some(entry) = sym.entry() else {
        return 0;
    };
    let order = &entry.order;
    if order.get().0 == ctx {
        return order.get().1;
    }
    let index = crate::state::symbols_seen();
    crate::state::set_symbols_seen(index + 1);
    order.set((ctx, index));
    index
}

impl Symbol {
    /// Interns `name`, returning the one symbol for these bytes.
    pub fn new(name: &[u8]) -> Symbol {
        INTERNER.with(|interner| {
            let mut it = interner.borrow_mut();
            let sym = match it.map.get(name) {
                Some(sym) => *sym,
                None => intern_new(&mut it, name),
            };
            touch(sym, &mut it);
            sym
        })
    }

    /// Interns a UTF-8 name.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(name: &str) -> Symbol {
        Symbol::new(name.as_bytes())
    }

    /// This symbol's entry in the thread's table, if the name is still
    /// there (see [`Symbol`]).
    #[inline(always)]
    fn entry<'a>(self) -> Option<&'a Interned> {
        self.entry_in(TABLE.get())
    }

    /// [`Symbol::entry`] in `table` as read from `TABLE` (one read can
    /// serve several symbols).
    #[inline(always)]
    fn entry_in<'a>(self, (table, len): (*const Box<Interned>, u32)) -> Option<&'a Interned> {
        if self.index >= len {
            return None;
        }
        // SAFETY: `TABLE` describes the live table (`publish` runs after
        // every change, and the interner's drop clears it), and `index` is
        // in bounds. The entry is boxed, so it stays put while the table
        // grows; it is freed only by `reclaim`, which runs when an
        // evaluation is built or dropped and no set, code or evaluation
        // holds names.
        Some(unsafe { &**table.add(self.index as usize) })
    }

    /// The bytes of the name (empty for a reclaimed name, see [`Symbol`]).
    ///
    /// Inside the crate only: the slice is not protected from reclaiming,
    /// which is sound because the crate never builds or drops an evaluation
    /// (the only places names are freed) while it holds one.
    #[inline]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self.entry() {
            Some(entry) => &entry.bytes,
            None => b"",
        }
    }

    /// The name as text, with invalid UTF-8 replaced (crate-internal, as
    /// [`Symbol::as_bytes`]). By reference: the text borrows the name.
    #[allow(clippy::wrong_self_convention)]
    pub(crate) fn to_str_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.as_bytes())
    }

    /// The bytes of the name (empty for a reclaimed name, see [`Symbol`]).
    /// The names of the thread are not reclaimed while the returned bytes
    /// are borrowed.
    ///
    /// ```
    /// use tvix_eval::Symbol;
    /// let name = Symbol::from_str("services");
    /// assert_eq!(&*name.bytes(), b"services");
    /// ```
    pub fn bytes(&self) -> SymbolBytes<'_> {
        SymbolBytes {
            bytes: self.as_bytes(),
            _lease: NameLease::new(),
        }
    }

    /// When the current evaluation first interned the name (0 for the
    /// first). Orders a set's attributes the way C++ Nix stores them (see
    /// the module note).
    #[inline]
    pub fn creation_index(self) -> u32 {
        let Some(entry) = self.entry() else {
            return 0;
        };
        let (owner, index) = entry.order.get();
        if owner == crate::state::current_id() {
            return index;
        }
        // Names held since before this evaluation (well-known names) take
        // their place now.
        INTERNER.with(|interner| touch(self, &mut interner.borrow_mut()))
    }
}

impl Symbol {
    /// The name as C++ Nix shows it in messages: quoted when it is not a
    /// plain identifier (`"a b"`).
    pub fn display_name(self) -> String {
        let mut out = Vec::new();
        crate::value::quote_attr_name(self.as_bytes(), &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }
}

impl PartialEq for Symbol {
    #[inline]
    fn eq(&self, other: &Symbol) -> bool {
        self.index == other.index
    }
}
impl Eq for Symbol {}

impl Hash for Symbol {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.index.hash(state)
    }
}

impl PartialOrd for Symbol {
    fn partial_cmp(&self, other: &Symbol) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Symbol {
    fn cmp(&self, other: &Symbol) -> Ordering {
        if self == other {
            Ordering::Equal
        } else {
            // One read of the table for both names: sorting and searching
            // sets compare names in their inner loops.
            self.cmp_in(*other, SymbolTable::current())
        }
    }
}

/// The thread's table of names as read once, for comparing many symbols
/// (a set's binary search).
#[derive(Clone, Copy)]
pub(crate) struct SymbolTable((*const Box<Interned>, u32));

impl SymbolTable {
    /// The table as it is now.
    #[inline]
    pub(crate) fn current() -> SymbolTable {
        SymbolTable(TABLE.get())
    }
}

impl Symbol {
    /// Name order, reading both names from `table`: the eight-byte
    /// prefixes decide unless they are equal. (A reclaimed name reads as
    /// empty, see [`Symbol`].)
    #[inline]
    pub(crate) fn cmp_in(self, other: Symbol, table: SymbolTable) -> Ordering {
        match (self.entry_in(table.0), other.entry_in(table.0)) {
            (Some(a), Some(b)) => a.prefix.cmp(&b.prefix).then_with(|| a.bytes.cmp(&b.bytes)),
            (a, b) => {
                fn bytes(e: Option<&Interned>) -> &[u8] {
                    e.map_or(b"", |e| &e.bytes)
                }
                bytes(a).cmp(bytes(b))
            }
        }
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_str_lossy())
    }
}
impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_str_lossy())
    }
}

/// Symbols the evaluator looks up often, interned once per thread.
pub struct WellKnown {
    /// `outPath`
    pub out_path: Symbol,
    /// `__toString`
    pub to_string: Symbol,
    /// `__functor`
    pub functor: Symbol,
    /// `type`
    pub type_: Symbol,
    /// `value`
    pub value: Symbol,
    /// `success`
    pub success: Symbol,
    /// `name`
    pub name: Symbol,
    /// `key`
    pub key: Symbol,
    /// `line`
    pub line: Symbol,
    /// `column`
    pub column: Symbol,
    /// `file`
    pub file: Symbol,
    /// `drvPath`
    pub drv_path: Symbol,
    /// `outputs`
    pub outputs: Symbol,
    /// `__ignoreNulls`
    pub ignore_nulls: Symbol,
    /// `__structuredAttrs`
    pub structured_attrs: Symbol,
}

thread_local! {
    static WELL_KNOWN: WellKnown = WellKnown {
        out_path: Symbol::from_str("outPath"),
        to_string: Symbol::from_str("__toString"),
        functor: Symbol::from_str("__functor"),
        type_: Symbol::from_str("type"),
        value: Symbol::from_str("value"),
        success: Symbol::from_str("success"),
        name: Symbol::from_str("name"),
        key: Symbol::from_str("key"),
        line: Symbol::from_str("line"),
        column: Symbol::from_str("column"),
        file: Symbol::from_str("file"),
        drv_path: Symbol::from_str("drvPath"),
        outputs: Symbol::from_str("outputs"),
        ignore_nulls: Symbol::from_str("__ignoreNulls"),
        structured_attrs: Symbol::from_str("__structuredAttrs"),
    };
}

/// Runs `f` with the well-known symbols of this thread.
pub fn well_known<R>(f: impl FnOnce(&WellKnown) -> R) -> R {
    WELL_KNOWN.with(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_order_is_byte_order() {
        // Prefixes decide most comparisons; names equal in their first
        // eight bytes, shorter names, NUL and high bytes still order as bytes.
        let names: Vec<&[u8]> = vec![
            b"",
            b"a",
            b"a\0",
            b"a\0\0",
            b"a\x01",
            b"ab",
            b"abcdefgh",
            b"abcdefgh\0",
            b"abcdefghi",
            b"abcdefgha",
            b"abcdefg",
            b"b",
            b"\xff",
            b"\xff\xff",
            b"\x7f",
            b"services",
            b"servicesA",
            b"service",
            b"z\0a",
            b"z\0",
            b"z",
        ];
        let syms: Vec<Symbol> = names.iter().map(|n| Symbol::new(n)).collect();
        for (a, x) in names.iter().zip(&syms) {
            for (b, y) in names.iter().zip(&syms) {
                assert_eq!(x.cmp(y), a.cmp(b), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn symbols_keep_attributes_at_24_bytes() {
        assert_eq!(std::mem::size_of::<Symbol>(), 4);
        assert_eq!(std::mem::size_of::<crate::value::Attr>(), 24);
    }

    #[test]
    fn interning_is_identity() {
        let a = Symbol::from_str("abc");
        let b = Symbol::new(b"abc");
        assert_eq!(a, b);
        assert_ne!(a, Symbol::from_str("abd"));
        assert!(Symbol::from_str("B") < Symbol::from_str("a"));
    }

    #[test]
    fn reclaiming_frees_all_but_the_permanent_names() {
        let kept = Symbol::from_str("name");
        let gone = Symbol::from_str("only_in_this_test");
        let before = interned_names();
        assert!(reclaim_unused_names());
        assert!(interned_names() < before);
        assert_eq!(kept.as_bytes(), b"name");
        assert_eq!(kept, Symbol::from_str("name"));
        // A bare symbol kept past reclaiming reads as the empty name,
        // never as freed memory.
        assert_eq!(gone.as_bytes(), b"");
        assert_eq!(gone.to_string(), "");
        let again = Symbol::from_str("only_in_this_test");
        assert_eq!(again.as_bytes(), b"only_in_this_test");
    }

    #[test]
    fn leases_keep_names() {
        let sym = Symbol::from_str("leased_name");
        let lease = NameLease::new();
        assert!(!reclaim_unused_names());
        assert_eq!(sym.as_bytes(), b"leased_name");
        drop(lease);
        let bytes = sym.bytes();
        assert!(!reclaim_unused_names(), "borrowed bytes are a lease");
        assert_eq!(&*bytes, b"leased_name");
        drop(bytes);
        assert!(reclaim_unused_names());
        assert_eq!(sym.as_bytes(), b"");
    }
}
