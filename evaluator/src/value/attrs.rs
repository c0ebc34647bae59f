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

    /// `left // right`, where `right` wins, and how many attributes were
    /// copied or moved to make it. When nothing else holds `left`, its table
    /// is updated in place (as `++` extends a list it alone holds): a
    /// `foldl'` that adds to its accumulator with `//` then moves what
    /// follows each new name instead of copying the whole set each step.
    pub fn update(mut left: Rc<Attrs>, right: &Rc<Attrs>) -> (Rc<Attrs>, usize) {
        if right.is_empty() {
            return (left, 0);
        }
        if left.is_empty() {
            return (right.clone(), 0);
        }
        if let Some(unique) = Rc::get_mut(&mut left) {
            let moved = unique.update_in_place(&right.entries);
            return (left, moved);
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
        let copied = out.len();
        (Rc::new(Attrs::charged(out)), copied)
    }

    /// `self // right` on a set nothing else holds: the names both have
    /// take `right`'s attribute where they are, the others are inserted in
    /// name order. Answers how many attributes were moved or copied.
    fn update_in_place(&mut self, right: &[Attr]) -> usize {
        let entries = &mut self.entries;
        // Where each new name goes (its index in `entries` as they are now),
        // and which of `right`'s attributes it is.
        let mut inserts: Vec<(usize, usize)> = Vec::new();
        let mut from = 0;
        for (j, r) in right.iter().enumerate() {
            let pos = from + entries[from..].partition_point(|x| x.name < r.name);
            match entries.get_mut(pos) {
                Some(slot) if slot.name == r.name => {
                    *slot = r.clone();
                    from = pos + 1;
                }
                _ => {
                    inserts.push((pos, j));
                    from = pos;
                }
            }
        }
        crate::state::charge(inserts.len() as u64 * ATTR_BYTES);
        match inserts[..] {
            [] => right.len(),
            [(pos, j)] => {
                entries.insert(pos, right[j].clone());
                right.len() + entries.len() - pos
            }
            [(first, _), ..] => {
                // One pass that moves the old attributes into a new table
                // and places the new ones between them.
                let old = std::mem::take(entries);
                let mut out = Vec::with_capacity(old.len() + inserts.len());
                let mut old = old.into_iter();
                let mut taken = 0;
                for &(pos, j) in &inserts {
                    out.extend(old.by_ref().take(pos - taken));
                    taken = pos;
                    out.push(right[j].clone());
                }
                out.extend(old);
                *entries = out;
                right.len() + entries.len() - first
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn set(pairs: &[(&str, i64)]) -> Rc<Attrs> {
        let entries = pairs
            .iter()
            .map(|&(n, v)| Attr {
                name: Symbol::from_str(n),
                value: Value::Int(v),
                pos: Pos::NONE,
            })
            .collect();
        Rc::new(Attrs::from_unsorted_last_wins(entries))
    }

    fn pairs(a: &Attrs) -> Vec<(String, i64)> {
        a.iter()
            .map(|attr| match attr.value {
                Value::Int(i) => (attr.name.to_str_lossy().into_owned(), i),
                _ => panic!("only integers here"),
            })
            .collect()
    }

    #[test]
    fn updating_in_place_agrees_with_copying() {
        // Random sets over a small alphabet, so names collide often; each
        // update is made on a set held once (in place) and on one held
        // twice (copied), and both must match a map's answer.
        let mut next = crate::test_random::xorshift(0x2545_f491_4f6c_dd1d);
        let names: Vec<String> = (0..40).map(|i| format!("n{i}")).collect();
        for round in 0..500 {
            let mut left = Vec::new();
            for _ in 0..next(30) {
                left.push((names[next(40) as usize].as_str(), next(1000) as i64));
            }
            let mut right = Vec::new();
            for _ in 0..next(if round % 2 == 0 { 4 } else { 30 }) {
                right.push((names[next(40) as usize].as_str(), 1000 + next(1000) as i64));
            }
            let (l, r) = (set(&left), set(&right));
            let mut model: BTreeMap<String, i64> = BTreeMap::new();
            for (n, v) in pairs(&l).into_iter().chain(pairs(&r)) {
                model.insert(n, v);
            }
            let mut expected: Vec<(String, i64)> = model.into_iter().collect();
            expected.sort_by(|a, b| Symbol::from_str(&a.0).cmp(&Symbol::from_str(&b.0)));

            let held = l.clone();
            let (copied, _) = Attrs::update(l.clone(), &r);
            assert_eq!(pairs(&copied), expected, "copied, round {round}");
            assert_eq!(
                pairs(&held),
                pairs(&set(&left)),
                "the held set is unchanged"
            );
            drop(held);
            let (in_place, _) = Attrs::update(l, &r);
            assert_eq!(pairs(&in_place), expected, "in place, round {round}");
        }
    }

    #[test]
    fn a_set_held_elsewhere_is_copied_not_changed() {
        let left = set(&[("a", 1), ("c", 3)]);
        let other = left.clone();
        let (merged, copied) = Attrs::update(left, &set(&[("b", 2), ("c", 4)]));
        assert_eq!(copied, 3);
        assert_eq!(pairs(&other), [("a".into(), 1), ("c".into(), 3)]);
        assert_eq!(
            pairs(&merged),
            [("a".into(), 1), ("b".into(), 2), ("c".into(), 4)]
        );
        assert!(!Rc::ptr_eq(&merged, &other));

        let unique = set(&[("a", 1), ("c", 3)]);
        let address = Rc::as_ptr(&unique);
        let (merged, _) = Attrs::update(unique, &set(&[("b", 2)]));
        assert_eq!(Rc::as_ptr(&merged), address, "updated in place");
    }
}
