//! Attribute sets: a vector of (name, value) pairs kept in Nix's name order,
//! searched linearly when small and by binary search otherwise.

use std::rc::Rc;

use super::symbol::{NameLease, SymbolTable};
use super::{Symbol, Value};
use crate::syntax::Pos;

/// One attribute: its name, its value and where it was defined. 24 bytes.
#[derive(Clone, Debug)]
pub struct Attr {
    /// The name.
    pub name: Symbol,
    /// The value (may be a thunk).
    pub value: Value,
    /// Where it was defined.
    pub pos: Pos,
}

/// An immutable attribute set, sorted by name.
#[derive(Debug, Default)]
pub struct Attrs {
    entries: Vec<Attr>,
    /// Keeps the names of `entries` interned (zero-sized).
    _names: NameLease,
}

/// Bytes an attribute counts for in the memory accounting.
const ATTR_BYTES: u64 = std::mem::size_of::<Attr>() as u64;

/// Bytes a set counts for besides its attributes: the block holding the
/// set and its `Rc` counts (a million empty sets hold 48 MB).
const SET_BYTES: u64 = (std::mem::size_of::<Attrs>() as u64 + 16).next_multiple_of(16);

impl Attrs {
    /// A set over `entries`, charged to the current evaluation.
    fn charged(entries: Vec<Attr>) -> Attrs {
        crate::state::charge(entries.len() as u64 * ATTR_BYTES + SET_BYTES);
        Attrs {
            entries,
            _names: NameLease::new(),
        }
    }
}

impl Clone for Attrs {
    fn clone(&self) -> Attrs {
        Attrs::charged(self.entries.clone())
    }
}

/// Below this many entries a linear scan by pointer beats binary search.
const LINEAR_SCAN_MAX: usize = 8;

impl Drop for Attrs {
    fn drop(&mut self) {
        crate::state::credit(self.entries.len() as u64 * ATTR_BYTES + SET_BYTES);
        if self.entries.is_empty() {
            return;
        }
        match super::drop::enter() {
            Some(depth) => {
                self.entries.clear();
                super::drop::leave(depth);
            }
            None => super::drop::enqueue(super::drop::Deferred::Attrs(std::mem::take(
                &mut self.entries,
            ))),
        }
    }
}

impl Attrs {
    /// The empty set.
    pub fn empty() -> Attrs {
        crate::state::charge(SET_BYTES);
        Attrs {
            entries: Vec::new(),
            _names: NameLease::new(),
        }
    }

    /// Builds a set from attributes already sorted by name and free of duplicates.
    pub fn from_sorted(entries: Vec<Attr>) -> Attrs {
        debug_assert!(entries.windows(2).all(|w| w[0].name < w[1].name));
        Attrs::charged(entries)
    }

    /// Builds a set from arbitrary attributes; for duplicate names the first wins.
    pub fn from_unsorted_first_wins(mut entries: Vec<Attr>) -> Attrs {
        entries.sort_by_key(|a| a.name); // stable: first occurrence stays first
        entries.dedup_by(|later, earlier| later.name == earlier.name);
        Attrs::charged(entries)
    }

    /// Builds a set from arbitrary attributes; for duplicate names the last wins.
    pub fn from_unsorted_last_wins(mut entries: Vec<Attr>) -> Attrs {
        entries.reverse();
        Attrs::from_unsorted_first_wins(entries)
    }

    /// Number of attributes.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Where `name` is, if present: for a lookup that misses, a small set
    /// needs no insertion point (finding it compares names byte by byte).
    #[inline]
    fn find(&self, name: Symbol) -> Option<usize> {
        if self.entries.len() <= LINEAR_SCAN_MAX {
            return self.entries.iter().position(|attr| attr.name == name);
        }
        // The table is read once, not at every step.
        let table = SymbolTable::current();
        self.entries
            .binary_search_by(|a| {
                if a.name == name {
                    std::cmp::Ordering::Equal
                } else {
                    a.name.cmp_in(name, table)
                }
            })
            .ok()
    }

    /// The index of `name` in name order, if present.
    pub(crate) fn index_of(&self, name: Symbol) -> Option<usize> {
        self.find(name)
    }

    /// The value of `name`, if present.
    pub fn get(&self, name: Symbol) -> Option<&Value> {
        self.find(name).map(|i| &self.entries[i].value)
    }

    /// The whole attribute `name`, if present.
    pub fn get_attr(&self, name: Symbol) -> Option<&Attr> {
        self.find(name).map(|i| &self.entries[i])
    }

    /// Whether `name` is present.
    pub fn contains(&self, name: Symbol) -> bool {
        self.find(name).is_some()
    }

    /// The attributes in name order.
    pub fn iter(&self) -> std::slice::Iter<'_, Attr> {
        self.entries.iter()
    }

    /// Attribute indices in the order C++ Nix stores a set: by when each
    /// name was first interned (see `Symbol::creation_index`). Deep forcing
    /// and `==` walk a set in this order.
    pub fn creation_order(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.entries.len() as u32).collect();
        order.sort_by_key(|&i| self.entries[i as usize].name.creation_index());
        order
    }

    /// The attribute at `index` in name order.
    pub fn at(&self, index: usize) -> Option<&Attr> {
        self.entries.get(index)
    }

    /// The attributes, consumed.
    pub fn into_entries(mut self) -> Vec<Attr> {
        crate::state::credit(self.entries.len() as u64 * ATTR_BYTES);
        std::mem::take(&mut self.entries)
    }

    /// `self // other`: a linear merge where `other` wins.
    pub fn update(left: &Rc<Attrs>, right: &Rc<Attrs>) -> Rc<Attrs> {
        if right.is_empty() {
            return left.clone();
        }
        if left.is_empty() {
            return right.clone();
        }
        let (a, b) = (&left.entries, &right.entries);
        // An error is unreachable in practice (both sides are already in
        // memory): then the vector grows as needed.
        let mut out = crate::state::vec_with_capacity(a.len() + b.len()).unwrap_or_default();
        // For each attribute of the (usually smaller) right side, binary-search
        // its place in the rest of the left side and copy the run before it.
        let mut i = 0;
        for r in b {
            let pos = i + a[i..].partition_point(|x| x.name < r.name);
            out.extend_from_slice(&a[i..pos]);
            i = if pos < a.len() && a[pos].name == r.name {
                pos + 1
            } else {
                pos
            };
            out.push(r.clone());
        }
        out.extend_from_slice(&a[i..]);
        Rc::new(Attrs::charged(out))
    }
}
