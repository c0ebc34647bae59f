//! Interned identifiers and attribute names: `Symbol` is a pointer-sized handle
//! whose equality is pointer equality and whose order is Nix's byte order.
//! Each symbol also remembers when it was first interned: C++ Nix walks a
//! set's attributes in that order when it forces a value deeply or compares
//! two sets, which decides which error such an evaluation reports.

use std::cell::{Cell, RefCell};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};

/// An interned name. Two symbols are equal exactly when their bytes are equal,
/// because every distinct byte string is interned once per thread. Each
/// evaluation keeps its own order of names (see `creation_index`).
#[derive(Clone, Copy)]
pub struct Symbol(&'static Interned);

/// The one copy of an interned name.
struct Interned {
    bytes: &'static [u8],
    /// Which evaluation last used the name, and how many names that
    /// evaluation had used before it (its order there).
    order: Cell<(u32, u32)>,
}

/// The interner's map: FxHash, since every dynamic attribute name is looked up here.
type Interner = HashMap<&'static [u8], Symbol, std::hash::BuildHasherDefault<rustc_hash::FxHasher>>;

thread_local! {
    static INTERNER: RefCell<Interner> = RefCell::new(Interner::default());
}

/// Adds a name that is not interned yet.
fn intern_new(map: &mut Interner, name: &[u8]) -> Symbol {
    if let Some(sym) = map.get(name) {
        return *sym;
    }
    let bytes: &'static [u8] = Box::leak(name.to_vec().into_boxed_slice());
    let sym = Symbol(Box::leak(Box::new(Interned {
        bytes,
        order: Cell::new((0, 0)),
    })));
    map.insert(bytes, sym);
    sym
}

/// Gives `sym` its place in the current evaluation's symbol order, if it
/// has none there yet. The first use in an evaluation places C++ Nix's
/// startup names first, in its order.
#[inline]
fn touch(sym: Symbol, map: &mut Interner) -> u32 {
    let ctx = crate::state::current_id();
    let (owner, index) = sym.0.order.get();
    if owner == ctx {
        return index;
    }
    let seen = crate::state::symbols_seen();
    if seen == 0 {
        for n in super::symbol_order::CPP_STARTUP_SYMBOLS {
            let s = intern_new(map, n.as_bytes());
            place(s, ctx);
        }
        if sym.0.order.get().0 == ctx {
            return sym.0.order.get().1;
        }
    }
    place(sym, ctx)
}

fn place(sym: Symbol, ctx: u32) -> u32 {
    if sym.0.order.get().0 == ctx {
        return sym.0.order.get().1;
    }
    let index = crate::state::symbols_seen();
    crate::state::set_symbols_seen(index + 1);
    sym.0.order.set((ctx, index));
    index
}

impl Symbol {
    /// Interns `name`, returning the one symbol for these bytes.
    ///
    /// Interned names live for the rest of the process: names are few in
    /// practice, and leaking them is what makes a symbol a plain pointer.
    pub fn new(name: &[u8]) -> Symbol {
        INTERNER.with(|interner| {
            let mut map = interner.borrow_mut();
            let sym = match map.get(name) {
                Some(sym) => *sym,
                None => intern_new(&mut map, name),
            };
            touch(sym, &mut map);
            sym
        })
    }

    /// Interns a UTF-8 name.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(name: &str) -> Symbol {
        Symbol::new(name.as_bytes())
    }

    /// The bytes of the name.
    #[inline]
    pub fn as_bytes(self) -> &'static [u8] {
        self.0.bytes
    }

    /// The name as text, with invalid UTF-8 replaced.
    pub fn to_str_lossy(self) -> std::borrow::Cow<'static, str> {
        String::from_utf8_lossy(self.0.bytes)
    }

    /// When the current evaluation first interned the name (0 for the
    /// first). Orders a set's attributes the way C++ Nix stores them (see
    /// the module note).
    #[inline]
    pub fn creation_index(self) -> u32 {
        let (owner, index) = self.0.order.get();
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
        crate::value::quote_attr_name(self.0.bytes, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }
}

impl PartialEq for Symbol {
    fn eq(&self, other: &Symbol) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}
impl Eq for Symbol {}

impl Hash for Symbol {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.0 as *const Interned as usize).hash(state)
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
            self.0.bytes.cmp(other.0.bytes)
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
    fn interning_is_identity() {
        let a = Symbol::from_str("abc");
        let b = Symbol::new(b"abc");
        assert_eq!(a, b);
        assert_ne!(a, Symbol::from_str("abd"));
        assert!(Symbol::from_str("B") < Symbol::from_str("a"));
    }
}
