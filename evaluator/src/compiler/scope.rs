//! Compile-time scopes: which names are bound where. Every name lives in a
//! stack slot of the compilation unit (thunk or lambda body) that binds it;
//! inner units reach it through captured upvalues.

use crate::value::Symbol;

/// What one scope level binds.
#[derive(Debug)]
pub enum LevelKind {
    /// Named slots (`None` for hidden slots such as `inherit (e)` sources).
    Vars(Vec<(Option<Symbol>, u32)>),
    /// A `with`: the slot holding the namespace value.
    With(u32),
}

/// One scope level (a `let`, `rec` set, lambda argument or `with`).
#[derive(Debug)]
pub struct Level {
    /// The compilation unit whose frame holds the slots.
    pub unit: usize,
    /// What it binds.
    pub kind: LevelKind,
    /// For a level of many names, each name's first position: scanning
    /// them made every lookup through a generated `let` of 100,000
    /// bindings (`builtins`, say) cost 100,000 comparisons.
    index: Option<NameIndex>,
}

type NameIndex = std::collections::HashMap<Symbol, usize, rustc_hash::FxBuildHasher>;

/// Levels with more names than this get a [`NameIndex`].
const INDEX_FROM: usize = 16;

impl Level {
    /// A level binding `vars` (name and slot each).
    pub fn vars(unit: usize, vars: Vec<(Option<Symbol>, u32)>) -> Level {
        let index = (vars.len() > INDEX_FROM).then(|| {
            let mut index = NameIndex::default();
            for (pos, (name, _)) in vars.iter().enumerate() {
                if let Some(name) = name {
                    index.entry(*name).or_insert(pos);
                }
            }
            index
        });
        Level {
            unit,
            kind: LevelKind::Vars(vars),
            index,
        }
    }

    /// A `with` level whose namespace is in `slot`.
    pub fn with(unit: usize, slot: u32) -> Level {
        Level {
            unit,
            kind: LevelKind::With(slot),
            index: None,
        }
    }

    /// Where `name` is among this level's names, if it binds it.
    fn position(&self, names: &[(Option<Symbol>, u32)], name: Symbol) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(&name).copied(),
            None => names.iter().position(|(n, _)| *n == Some(name)),
        }
    }
}

/// Where a name is statically bound.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Binding {
    /// Index of the level that binds it.
    pub level: usize,
    /// Position of the name within that level.
    pub pos: usize,
    /// The unit whose frame holds the slot.
    pub unit: usize,
    /// The slot in that frame.
    pub slot: u32,
}

/// How an identifier resolves (before any capture is registered).
#[derive(Debug, PartialEq)]
pub enum Lookup {
    /// A static binding.
    Static(Binding),
    /// Not bound statically: search these `with` slots (innermost first),
    /// each given as (unit, slot).
    With(Vec<(usize, u32)>),
    /// Not bound anywhere in the scope chain.
    Unbound,
}

/// The stack of scope levels, innermost last.
#[derive(Debug, Default)]
pub struct Scopes {
    /// The levels, outermost first.
    pub levels: Vec<Level>,
}

impl Scopes {
    /// Looks `name` up, ignoring the innermost `skip` levels.
    pub fn lookup(&self, name: Symbol, skip: usize) -> Lookup {
        let top = self.levels.len().saturating_sub(skip);
        let mut withs = Vec::new();
        for (li, level) in self.levels[..top].iter().enumerate().rev() {
            match &level.kind {
                LevelKind::Vars(names) => {
                    if let Some(pos) = level.position(names, name) {
                        return Lookup::Static(Binding {
                            level: li,
                            pos,
                            unit: level.unit,
                            slot: names[pos].1,
                        });
                    }
                }
                LevelKind::With(slot) => withs.push((level.unit, *slot)),
            }
        }
        if withs.is_empty() {
            Lookup::Unbound
        } else {
            Lookup::With(withs)
        }
    }

    /// The index the next level pushed will get.
    pub fn depth(&self) -> usize {
        self.levels.len()
    }
}
