//! `genericClosure`: the items reachable from a start set through an
//! operator, each kept once by its `key`, in the order found.
//!
//! C++ Nix keeps the keys seen in a `std::set` ordered by `<`. Keys of one
//! plain kind (all integers, all floats, all strings — the usual case) are
//! kept here in a `BTreeSet` compared without the evaluator. The first key
//! that is not of that kind turns the set into a sorted vector searched
//! with Nix's `<` (lists compare element by element and may need forcing,
//! incomparable keys are an error); the comparisons it makes are the same
//! as before, so errors do not depend on the mode.

use std::cmp::Ordering;
use std::collections::{BTreeSet, VecDeque};
use std::rc::Rc;

use super::{required_attr, to_attrs, to_list};
use crate::errors::ErrorKind;
use crate::eval_err;
use crate::value::{well_known, NixString, Symbol, Value};
use crate::vm::generators::{less_than, make_gen, Co, Gen};
use crate::Shared;

/// A key that orders without evaluation.
enum PlainKey {
    Int(i64),
    /// Never NaN (which `<` leaves unordered).
    Float(f64),
    String(NixString),
}

impl PlainKey {
    /// `v` as a plain key of the same kind as `like` (any kind if `None`).
    fn of(v: &Value, like: Option<&PlainKey>) -> Option<PlainKey> {
        let key = match v {
            Value::Int(i) => PlainKey::Int(*i),
            Value::Float(f) if !f.is_nan() => PlainKey::Float(*f),
            Value::String(s) => PlainKey::String(s.clone()),
            _ => return None,
        };
        let same_kind =
            like.is_none_or(|l| std::mem::discriminant(l) == std::mem::discriminant(&key));
        same_kind.then_some(key)
    }

    fn into_value(self) -> Value {
        match self {
            PlainKey::Int(i) => Value::Int(i),
            PlainKey::Float(f) => Value::Float(f),
            PlainKey::String(s) => Value::String(s),
        }
    }
}

impl Ord for PlainKey {
    /// Nix's `<` on keys of one kind (a set only holds one kind).
    fn cmp(&self, other: &PlainKey) -> Ordering {
        match (self, other) {
            (PlainKey::Int(a), PlainKey::Int(b)) => a.cmp(b),
            // -0.0 and 0.0 are one key, as neither is `<` the other.
            (PlainKey::Float(a), PlainKey::Float(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
            (PlainKey::String(a), PlainKey::String(b)) => a.as_bytes().cmp(b.as_bytes()),
            _ => Ordering::Equal,
        }
    }
}

impl PartialOrd for PlainKey {
    fn partial_cmp(&self, other: &PlainKey) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for PlainKey {
    fn eq(&self, other: &PlainKey) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PlainKey {}

/// The keys seen so far.
enum Seen {
    Plain(BTreeSet<PlainKey>),
    /// In `<` order.
    Sorted(Vec<Value>),
}

/// Bytes a key takes in a `BTreeSet` (the key and its share of a node).
const PLAIN_KEY_BYTES: u64 = 40;

impl Seen {
    /// Adds `key`; whether it was new.
    async fn insert(&mut self, co: &Co, key: Value) -> Result<bool, ErrorKind> {
        if let Seen::Plain(set) = self {
            if let Some(plain) = PlainKey::of(&key, set.first()) {
                return Ok(set.insert(plain));
            }
            let sorted = std::mem::take(set)
                .into_iter()
                .map(PlainKey::into_value)
                .collect();
            *self = Seen::Sorted(sorted);
        }
        let Seen::Sorted(seen) = self else {
            return Ok(false);
        };
        let (mut lo, mut hi) = (0, seen.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if less_than(co, key.clone(), seen[mid].clone()).await? {
                hi = mid;
            } else if less_than(co, seen[mid].clone(), key.clone()).await? {
                lo = mid + 1;
            } else {
                return Ok(false);
            }
        }
        seen.insert(lo, key);
        Ok(true)
    }

    /// Bytes held, for the memory limit.
    fn bytes(&self) -> u64 {
        match self {
            Seen::Plain(set) => set.len() as u64 * PLAIN_KEY_BYTES,
            Seen::Sorted(v) => crate::state::vec_bytes(v),
        }
    }
}

pub(super) fn generic_closure(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let a = to_attrs(&args[0])?;
        let start = required_attr(&a, Symbol::from_str("startSet"), "genericClosure")?;
        let op = required_attr(&a, Symbol::from_str("operator"), "genericClosure")?;
        let start = co.force(start).await;
        let op = co.force(op).await;
        let key_sym = well_known(|w| w.key);
        let mut queue: VecDeque<Value> = to_list(&start)?.iter().cloned().collect();
        let mut seen = Seen::Plain(BTreeSet::new());
        let mut out = Vec::new();
        let mut rounds = 0usize;
        while let Some(item) = queue.pop_front() {
            rounds += 1;
            // The queue, the keys and the result are not values yet: an
            // endless closure grows them without the evaluator seeing it.
            crate::state::check_building(rounds, || {
                crate::state::vec_bytes(&out)
                    + (queue.capacity() * std::mem::size_of::<Value>()) as u64
                    + seen.bytes()
            })?;
            let item = co.force(item).await;
            let Some(key) = to_attrs(&item)?.get(key_sym).cloned() else {
                return Err(eval_err!("attribute 'key' required"));
            };
            let key = co.force(key).await;
            if !seen.insert(&co, key).await? {
                continue;
            }
            out.push(item.clone());
            let next = co.call(op.clone(), item).await;
            queue.extend(to_list(&next)?.iter().cloned());
        }
        Ok(Value::list(out))
    })
}
