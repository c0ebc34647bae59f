//! Compile-time scopes: one per runtime environment, so a variable resolves
//! statically to (depth, slot), or to a list of `with` levels to search.

use crate::value::Symbol;

/// What a runtime environment level holds.
#[derive(Debug)]
pub enum ScopeKind {
    /// Named slots (`None` for hidden slots such as `inherit (e)` sources).
    Vars(Vec<Option<Symbol>>),
    /// A `with` environment: slot 0 holds the namespace value.
    With,
}

/// How an identifier resolves.
#[derive(Debug, PartialEq)]
pub enum Resolved {
    /// A slot in an environment `depth` levels up.
    Static {
        /// Environment levels up.
        depth: u32,
        /// Slot in that level.
        idx: u32,
    },
    /// Not bound statically: search these `with` levels (innermost first).
    With(Vec<u32>),
    /// Not bound anywhere in the scope chain.
    Unbound,
}

/// The stack of scopes, innermost last.
#[derive(Debug, Default)]
pub struct Scopes {
    levels: Vec<ScopeKind>,
}

impl Scopes {
    /// Opens a level.
    pub fn push(&mut self, kind: ScopeKind) {
        self.levels.push(kind);
    }

    /// Closes the innermost level.
    pub fn pop(&mut self) {
        self.levels.pop();
    }

    /// Resolves `name`, ignoring the innermost `skip` levels (but counting them in depths).
    pub fn resolve(&self, name: Symbol, skip: usize) -> Resolved {
        let mut withs = Vec::new();
        for (depth, level) in self.levels.iter().rev().enumerate() {
            if depth < skip {
                continue;
            }
            match level {
                ScopeKind::Vars(names) => {
                    if let Some(idx) = names.iter().position(|n| *n == Some(name)) {
                        return Resolved::Static {
                            depth: depth as u32,
                            idx: idx as u32,
                        };
                    }
                }
                ScopeKind::With => withs.push(depth as u32),
            }
        }
        if withs.is_empty() {
            Resolved::Unbound
        } else {
            Resolved::With(withs)
        }
    }
}
