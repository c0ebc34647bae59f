//! Interned identifiers and attribute names: `Symbol` is a four-byte index
//! into the thread's table of names; its equality is index equality and its
//! order is Nix's byte order.
//! Each symbol also remembers when it was first interned: C++ Nix walks a
//! set's attributes in that order when it forces a value deeply or compares
//! two sets, which decides which error such an evaluation reports.

use std::cell::{Cell, RefCell};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::mem::ManuallyDrop;

/// An interned name. Two symbols are equal exactly when their bytes are equal,
/// because every distinct byte string is interned once per thread. Each
/// evaluation keeps its own order of names (see `creation_index`).
///
/// Four bytes: an index into this thread's table of names, which keeps an
/// attribute (name, position, value) at 24 bytes. Not `Send`: the index
/// means nothing on another thread.
#[derive(Clone, Copy)]
pub struct Symbol {
    index: u32,
    _this_thread: PhantomData<*const Interned>,
}

/// The one copy of an interned name.
struct Interned {
    bytes: &'static [u8],
    /// Which evaluation last used the name, and how many names that
    /// evaluation had used before it (its order there).
    order: Cell<(u32, u32)>,
}

/// The interner: a map from names to symbols (FxHash, since every dynamic
/// attribute name is looked up here) and the table symbols index.
struct Interner {
    map: HashMap<&'static [u8], Symbol, std::hash::BuildHasherDefault<rustc_hash::FxHasher>>,
    /// Never freed, not even at thread exit: a symbol held anywhere (a
    /// value in another thread-local, dropped later) can still be read.
    table: ManuallyDrop<Vec<&'static Interned>>,
}

thread_local! {
    static INTERNER: RefCell<Interner> = RefCell::new(Interner {
        map: HashMap::default(),
        table: ManuallyDrop::new(Vec::new()),
    });
    /// The start of `Interner::table`, so that reading a symbol needs no
    /// borrow of the interner.
    static TABLE: Cell<*const &'static Interned> = const { Cell::new(std::ptr::null()) };
}

/// Adds a name that is not interned yet.
fn intern_new(it: &mut Interner, name: &[u8]) -> Symbol {
    if let Some(sym) = it.map.get(name) {
        return *sym;
    }
    // Past 2^32 names (hundreds of gigabytes of table and map first, so the
    // allocator fails long before) an index would wrap to an earlier, still
    // valid entry: a wrong name, never a read out of bounds.
    let index = it.table.len() as u32;
    let bytes: &'static [u8] = Box::leak(name.to_vec().into_boxed_slice());
    let entry: &'static Interned = Box::leak(Box::new(Interned {
        bytes,
        order: Cell::new((0, 0)),
    }));
    it.table.push(entry);
    TABLE.set(it.table.as_ptr());
    let sym = Symbol {
        index,
        _this_thread: PhantomData,
    };
    it.map.insert(bytes, sym);
    sym
}

/// Gives `sym` its place in the current evaluation's symbol order, if it
/// has none there yet. The first use in an evaluation places C++ Nix's
/// startup names first, in its order.
#[inline]
fn touch(sym: Symbol, it: &mut Interner) -> u32 {
    let ctx = crate::state::current_id();
    let (owner, index) = sym.entry().order.get();
    if owner == ctx {
        return index;
    }
    let seen = crate::state::symbols_seen();
    if seen == 0 {
        for n in super::symbol_order::CPP_STARTUP_SYMBOLS {
            let s = intern_new(it, n.as_bytes());
            place(s, ctx);
        }
        if sym.entry().order.get().0 == ctx {
            return sym.entry().order.get().1;
        }
    }
    place(sym, ctx)
}

fn place(sym: Symbol, ctx: u32) -> u32 {
    let order = &sym.entry().order;
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
    ///
    /// Interned names live for the rest of the process: names are few in
    /// practice, and leaking them is what makes a symbol a plain index.
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

    /// This symbol's entry in the thread's table.
    #[inline(always)]
    fn entry(self) -> &'static Interned {
        // SAFETY: symbols are made only by `intern_new`, on this thread (they
        // are not `Send`), after pushing their entry and pointing `TABLE` at
        // the table's buffer; the table only grows (`TABLE` follows it) and is
        // never freed, so `index` is in bounds of the buffer `TABLE` points to.
        unsafe { *TABLE.get().add(self.index as usize) }
    }

    /// The bytes of the name.
    #[inline]
    pub fn as_bytes(self) -> &'static [u8] {
        self.entry().bytes
    }

    /// The name as text, with invalid UTF-8 replaced.
    pub fn to_str_lossy(self) -> std::borrow::Cow<'static, str> {
        String::from_utf8_lossy(self.as_bytes())
    }

    /// When the current evaluation first interned the name (0 for the
    /// first). Orders a set's attributes the way C++ Nix stores them (see
    /// the module note).
    #[inline]
    pub fn creation_index(self) -> u32 {
        let (owner, index) = self.entry().order.get();
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
            self.as_bytes().cmp(other.as_bytes())
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
}
