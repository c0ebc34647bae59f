//! Attribute-set literals, `let` and `rec`: nested paths are merged into a
//! static tree first (as C++ Nix's parser does), then compiled.

use std::collections::HashMap;

use rnix::ast::{self, HasEntry};
use rowan::ast::AstNode;

use super::{ident_name, pos_string, unparen, Compiler, Lookup};
use crate::bytecode::{AttrsDesc, Op};
use crate::errors::ErrorKind;
use crate::syntax::{Pos, Span};
use crate::value::Symbol;

/// The name of an attribute if it is known at compile time. `${"a"}` and
/// `"a"` count as static, like in C++ Nix.
pub(super) fn static_key(a: &ast::Attr) -> Option<Symbol> {
    fn literal(s: &ast::Str) -> Option<Symbol> {
        if super::strings::has_interpolation(s) {
            return None;
        }
        let parts = super::strings::string_parts(s);
        match parts.as_slice() {
            [] => Some(Symbol::from_str("")),
            [ast::InterpolPart::Literal(l)] => Some(Symbol::new(&crate::syntax::literal_bytes(l))),
            _ => None,
        }
    }
    match a {
        ast::Attr::Ident(i) => Some(ident_name(i)),
        ast::Attr::Str(s) => literal(s),
        ast::Attr::Dynamic(d) => match d.expr().map(|e| unparen(&e)) {
            Some(ast::Expr::Str(s)) => literal(&s),
            _ => None,
        },
    }
}

enum Value_ {
    Expr(ast::Expr),
    Nested(Box<Tree>),
    /// `inherit name;` (from = None) or `inherit (e) name;` (index into `inherit_froms`).
    Inherit(Option<usize>),
}

struct Binding {
    name: Symbol,
    span: Span,
    value: Value_,
}

struct Dynamic {
    key: ast::Attr,
    span: Span,
    value: Value_,
}

/// An attribute set (or `let` block) with nested paths merged.
#[derive(Default)]
struct Tree {
    rec: bool,
    /// Only ever appended to, so `index` can catch up incrementally.
    statics: Vec<Binding>,
    dynamics: Vec<Dynamic>,
    inherit_froms: Vec<ast::Expr>,
    /// `statics[..indexed]` by name: large literals (generated files with
    /// 100,000s of attributes) would be quadratic to merge by scanning.
    index: HashMap<Symbol, usize, rustc_hash::FxBuildHasher>,
    indexed: usize,
}

impl Tree {
    /// Below this many attributes a scan beats hashing.
    const SCAN_LIMIT: usize = 16;

    /// Where the static attribute `name` is, if it is defined.
    fn position(&mut self, name: Symbol) -> Option<usize> {
        if self.statics.len() <= Self::SCAN_LIMIT {
            return self.statics.iter().position(|b| b.name == name);
        }
        for (i, b) in self.statics.iter().enumerate().skip(self.indexed) {
            self.index.entry(b.name).or_insert(i);
        }
        self.indexed = self.statics.len();
        self.index.get(&name).copied()
    }
}

impl<'a> Compiler<'a> {
    fn build_tree(&mut self, node: &impl HasEntry, rec: bool) -> Tree {
        let mut tree = Tree {
            rec,
            ..Tree::default()
        };
        self.add_entries(&mut tree, node);
        tree
    }

    fn add_entries(&mut self, tree: &mut Tree, node: &impl HasEntry) {
        for entry in node.entries() {
            match entry {
                ast::Entry::Inherit(i) => {
                    let from = i.from().and_then(|f| f.expr()).map(|e| {
                        tree.inherit_froms.push(e);
                        tree.inherit_froms.len() - 1
                    });
                    // Each inherited name has its own position, as in current
                    // Nix (2.8 placed them all after `inherit` or `)`).
                    for a in i.attrs() {
                        let span = self.span(&a);
                        match static_key(&a) {
                            Some(name) => {
                                if let Some(prev) = tree.position(name) {
                                    let msg = format!(
                                        "attribute '{}' already defined at {}",
                                        name.display_name(),
                                        pos_string(tree.statics[prev].span)
                                    );
                                    self.error(ErrorKind::Eval(msg), span);
                                    continue;
                                }
                                tree.statics.push(Binding {
                                    name,
                                    span,
                                    value: Value_::Inherit(from),
                                });
                            }
                            None => self.error(
                                ErrorKind::ParseError(
                                    "dynamic attributes not allowed in inherit".into(),
                                ),
                                span,
                            ),
                        }
                    }
                }
                ast::Entry::AttrpathValue(kv) => {
                    // One walk over the children (`attrpath()` and `value()`
                    // would each start one): the path, then the value.
                    let mut path: Vec<ast::Attr> = Vec::new();
                    let mut value = None;
                    for child in kv.syntax().children() {
                        if let Some(e) = ast::Expr::cast(child.clone()) {
                            value = Some(e);
                            break;
                        }
                        if let (true, Some(p)) = (path.is_empty(), ast::Attrpath::cast(child)) {
                            path = p.attrs().collect();
                        }
                    }
                    let Some(value) = value else { continue };
                    if path.is_empty() {
                        continue;
                    }
                    self.insert_path(tree, &path, 0, value);
                }
            }
        }
    }

    fn path_string(path: &[ast::Attr], upto: usize) -> String {
        path[..=upto]
            .iter()
            .map(|a| match static_key(a) {
                Some(s) => s.display_name(),
                None => "\"${...}\"".to_string(),
            })
            .collect::<Vec<_>>()
            .join(".")
    }

    fn insert_path(&mut self, tree: &mut Tree, path: &[ast::Attr], i: usize, value: ast::Expr) {
        let attr = &path[i];
        // C++ Nix gives every attribute of a path the position of the path's start.
        let span = self.span(&path[0]);
        let last = i + 1 == path.len();
        let Some(name) = static_key(attr) else {
            if last {
                tree.dynamics.push(Dynamic {
                    key: attr.clone(),
                    span,
                    value: Value_::Expr(value),
                });
            } else {
                let mut sub = Tree::default();
                self.insert_path(&mut sub, path, i + 1, value);
                tree.dynamics.push(Dynamic {
                    key: attr.clone(),
                    span,
                    value: Value_::Nested(Box::new(sub)),
                });
            }
            return;
        };
        let existing = tree.position(name);
        let Some(pos) = existing else {
            if last {
                tree.statics.push(Binding {
                    name,
                    span,
                    value: Value_::Expr(value),
                });
            } else {
                let mut sub = Tree::default();
                self.insert_path(&mut sub, path, i + 1, value);
                tree.statics.push(Binding {
                    name,
                    span,
                    value: Value_::Nested(Box::new(sub)),
                });
            }
            return;
        };
        // The name exists: only attribute-set literals merge.
        let prev_span = tree.statics[pos].span;
        let dup = |c: &mut Self| {
            let msg = format!(
                "attribute '{}' already defined at {}",
                Self::path_string(path, path.len() - 1),
                pos_string(prev_span)
            );
            c.error(ErrorKind::Eval(msg), span);
        };
        let new_is_set = matches!(unparen(&value), ast::Expr::AttrSet(_));
        if last && !new_is_set {
            return dup(self);
        }
        // Turn an existing set literal into a tree we can extend.
        let converted = match &tree.statics[pos].value {
            Value_::Nested(_) => None,
            Value_::Expr(e) => match unparen(e) {
                ast::Expr::AttrSet(set) => Some(self.build_tree(&set, super::is_rec(&set))),
                _ => return dup(self),
            },
            Value_::Inherit(_) => return dup(self),
        };
        if let Some(t) = converted {
            tree.statics[pos].value = Value_::Nested(Box::new(t));
        }
        let Value_::Nested(sub) = &mut tree.statics[pos].value else {
            return;
        };
        let mut sub = std::mem::take(sub);
        if last {
            // `a = { … }; a = { … };`: the sets merge, recursively.
            if let ast::Expr::AttrSet(set) = unparen(&value) {
                let other = self.build_tree(&set, false);
                self.merge_trees(&mut sub, other, &Self::path_string(path, i));
            }
        } else {
            self.insert_path(&mut sub, path, i + 1, value);
        }
        if let Value_::Nested(slot) = &mut tree.statics[pos].value {
            *slot = sub;
        }
    }

    /// Merges the attributes of `other` into `tree` (the set at `prefix`),
    /// as current Nix merges two set literals bound to one name: names both
    /// bind to set literals merge in turn, any other repeat is an error at
    /// the later definition naming the full path and the earlier one.
    fn merge_trees(&mut self, tree: &mut Tree, other: Tree, prefix: &str) {
        let offset = tree.inherit_froms.len();
        tree.inherit_froms.extend(other.inherit_froms);
        for mut b in other.statics {
            if let Value_::Inherit(Some(j)) = b.value {
                b.value = Value_::Inherit(Some(j + offset));
            }
            let Some(pos) = tree.position(b.name) else {
                tree.statics.push(b);
                continue;
            };
            let path = format!("{prefix}.{}", b.name.display_name());
            let (Some(mut existing), Some(incoming)) = (
                self.as_tree(&mut tree.statics[pos].value),
                self.as_tree(&mut b.value),
            ) else {
                let msg = format!(
                    "attribute '{path}' already defined at {}",
                    pos_string(tree.statics[pos].span)
                );
                self.error(ErrorKind::Eval(msg), b.span);
                continue;
            };
            self.merge_trees(&mut existing, incoming, &path);
            tree.statics[pos].value = Value_::Nested(Box::new(existing));
        }
        tree.dynamics.extend(other.dynamics);
    }

    /// Takes the attribute set a binding holds (a merged path or a set
    /// literal), if it holds one.
    fn as_tree(&mut self, value: &mut Value_) -> Option<Tree> {
        match value {
            Value_::Nested(t) => Some(std::mem::take(&mut **t)),
            Value_::Expr(e) => match unparen(e) {
                ast::Expr::AttrSet(set) => Some(self.build_tree(&set, super::is_rec(&set))),
                _ => None,
            },
            Value_::Inherit(_) => None,
        }
    }

    // ---- code generation ---------------------------------------------

    pub(super) fn compile_attr_set(&mut self, set: &ast::AttrSet, span: Span) {
        let tree = self.build_tree(set, super::is_rec(set));
        self.compile_tree(&tree, span);
    }

    /// The value of a set literal [`super::constants::is_constant`]
    /// accepts, built now (duplicates reported as when compiled).
    pub(super) fn constant_set(&mut self, set: &ast::AttrSet) -> Option<crate::value::Value> {
        let tree = self.build_tree(set, false);
        self.constant_tree(&tree)
    }

    /// A merged set of constant values (`a.b = 1; a.c = 2;` gives `a` a
    /// tree of its own, in a literal thunk like a nested set literal).
    fn constant_tree(&mut self, tree: &Tree) -> Option<crate::value::Value> {
        if tree.rec || !tree.dynamics.is_empty() || !tree.inherit_froms.is_empty() {
            return None;
        }
        let mut entries = Vec::with_capacity(tree.statics.len());
        for b in &tree.statics {
            let value = match &b.value {
                Value_::Expr(e) => self.constant_element(e)?,
                Value_::Nested(t) => crate::value::Value::Thunk(crate::value::Thunk::new_literal(
                    self.constant_tree(t)?,
                )),
                Value_::Inherit(_) => return None,
            };
            entries.push(crate::value::Attr {
                name: b.name,
                value,
                pos: Pos::new(b.span),
            });
        }
        entries.sort_by_key(|a| a.name);
        Some(crate::value::Value::attrs(
            crate::value::Attrs::from_sorted(entries),
        ))
    }

    pub(super) fn compile_let(&mut self, l: &ast::LetIn, span: Span) {
        let tree = self.build_tree(l, true);
        for d in &tree.dynamics {
            self.error(
                ErrorKind::ParseError("dynamic attributes not allowed in let".into()),
                d.span,
            );
        }
        self.open_recursive_scope(&tree, span);
        match l.body() {
            Some(b) => self.compile_strict(&b),
            None => self.error(ErrorKind::ParseError("missing let body".into()), span),
        }
        self.pop_level();
    }

    pub(super) fn compile_legacy_let(&mut self, l: &ast::LegacyLet, span: Span) {
        // `let { …; body = e; }` is `rec { …; body = e; }.body`.
        let tree = self.build_tree(l, true);
        self.compile_tree(&tree, span);
        let n = self.name(Symbol::from_str("body"));
        self.emit(Op::Select(n), span);
        self.emit(Op::Force, span);
    }

    /// Whether a binding of a recursive scope becomes a thunk (which may
    /// capture siblings) rather than a value computed without evaluating anything.
    fn binding_makes_thunk(&self, b: &Binding, position: usize, level: usize) -> bool {
        match &b.value {
            Value_::Expr(e) => {
                let e = unparen(e);
                if let ast::Expr::Ident(i) = &e {
                    if let Lookup::Static(bound) = self.scopes.lookup(ident_name(i), 0) {
                        if bound.level == level
                            && self.filling_slot.is_none_or(|_| bound.pos >= position)
                        {
                            return true;
                        }
                    }
                }
                self.lazy_makes_thunk(&e)
            }
            Value_::Nested(_) | Value_::Inherit(Some(_)) => true,
            Value_::Inherit(None) => {
                matches!(self.scopes.lookup(b.name, 1), Lookup::With(_))
                    && !self.globals.contains_key(&b.name)
            }
        }
    }

    /// Opens the scope of a `let` or `rec` set and fills its slots: statics
    /// (in declaration order), then hidden `inherit (e)` sources. Returns the
    /// first slot. Bindings that are thunks get a blank thunk first, so that
    /// every binding can capture every other; values that need no thunk are
    /// stored next, and the thunks' code and captures are attached last.
    /// A thunk whose expression names no binding of the scope (itself
    /// included) needs no blank: it is made like any lazy value, with the
    /// values (a blank costs a cycle-root registration, and a lambda there
    /// can then be made at once).
    fn open_recursive_scope(&mut self, tree: &Tree, span: Span) -> u32 {
        let n_static = tree.statics.len();
        let mut names: Vec<Option<Symbol>> = tree.statics.iter().map(|b| Some(b.name)).collect();
        names.extend(std::iter::repeat_n(None, tree.inherit_froms.len()));
        let first = self.push_vars(names);
        let level = self.scopes.depth() - 1;
        let unit = self.current_unit();
        // With `__overrides` every value must stay a thunk (it may be replaced).
        let overrides = tree
            .statics
            .iter()
            .any(|b| b.name.as_bytes() == b"__overrides");
        let mut thunks = Vec::new();
        for (i, b) in tree.statics.iter().enumerate() {
            self.filling_slot = if overrides { None } else { Some(i as u32) };
            thunks.push(overrides || self.binding_makes_thunk(b, i, level));
            self.filling_slot = None;
        }
        for e in &tree.inherit_froms {
            thunks.push(self.lazy_makes_thunk(e));
        }
        let own_names = ScopeNames::new(tree.statics.iter().map(|b| b.name.as_bytes()));
        let mut standalone: Vec<bool> = tree
            .statics
            .iter()
            .enumerate()
            .map(|(i, b)| {
                thunks[i]
                    && !overrides
                    && matches!(&b.value, Value_::Expr(e) if match mentions_any(e, &own_names) {
                        _ if crate::syntax::is_stand_in(e.syntax().green()) => {
                            self.stand_in_names_none_of(e, &own_names)
                        }
                        Some(mentions) => !mentions,
                        // Too large to search, but a literal names nothing
                        // (a generated file's package set).
                        None => self.is_constant(&unparen(e)),
                    })
            })
            .collect();
        standalone.resize(thunks.len(), false);
        let was_checked = self.defer_checked;
        let deferred = if self.may_defer(tree.statics.len()) {
            let values: Vec<Option<&ast::Expr>> = tree
                .statics
                .iter()
                .map(|b| match &b.value {
                    Value_::Expr(e) => Some(e),
                    _ => None,
                })
                .collect();
            self.deferred_bindings(&values, &standalone)
        } else {
            Vec::new()
        };
        // Standalone thunks are made with the values; the others get a blank.
        let blank: Vec<bool> = thunks
            .iter()
            .zip(&standalone)
            .map(|(&t, &s)| t && !s)
            .collect();
        for (i, &blank) in blank.iter().enumerate() {
            if blank {
                self.emit(Op::MakeBlank(first + i as u32), span);
            }
        }
        let hidden = (unit, first + n_static as u32);
        for pass_thunks in [false, true] {
            for (i, b) in tree.statics.iter().enumerate() {
                if blank[i] != pass_thunks {
                    continue;
                }
                let slot = first + i as u32;
                self.filling_slot = if overrides { None } else { Some(i as u32) };
                if standalone[i] {
                    match (&b.value, deferred.get(i)) {
                        (Value_::Expr(e), Some(true)) => self.emit_deferred(&unparen(e), b.name),
                        _ => self.compile_binding(b.name, b.span, &b.value, true, hidden),
                    }
                    self.emit(Op::SetLocal(slot), b.span);
                } else if pass_thunks {
                    self.init_slot = Some(slot);
                    if overrides && !self.binding_makes_thunk(b, i, level) {
                        // A cell that `__overrides` can redirect.
                        let name = b.name;
                        let bspan = b.span;
                        self.emit_thunk(bspan, |c| {
                            c.compile_binding(name, bspan, &b.value, true, hidden);
                            c.emit(Op::Force, bspan);
                        });
                    } else {
                        self.compile_binding(b.name, b.span, &b.value, true, hidden);
                    }
                    self.check_initialised(b.span);
                } else {
                    self.expect_direct = true;
                    self.compile_binding(b.name, b.span, &b.value, true, hidden);
                    self.expect_direct = false;
                    self.emit(Op::SetLocal(slot), b.span);
                }
                self.filling_slot = None;
            }
            for (j, e) in tree.inherit_froms.iter().enumerate() {
                if blank[n_static + j] != pass_thunks {
                    continue;
                }
                let slot = first + (n_static + j) as u32;
                if pass_thunks {
                    self.init_slot = Some(slot);
                    self.compile_lazy(e, None);
                    self.check_initialised(span);
                } else {
                    self.expect_direct = true;
                    self.compile_lazy(e, None);
                    self.expect_direct = false;
                    self.emit(Op::SetLocal(slot), span);
                }
            }
        }
        self.defer_checked = was_checked;
        first
    }

    /// After compiling a binding classified as a thunk: its thunk must have
    /// initialised the blank (the classification and the code agree).
    fn check_initialised(&mut self, span: Span) {
        if self.init_slot.take().is_some() {
            self.error(
                ErrorKind::Eval("internal compiler error: binding compiled without a thunk".into()),
                span,
            );
        }
    }

    fn compile_tree(&mut self, tree: &Tree, span: Span) {
        let mut order: Vec<usize> = (0..tree.statics.len()).collect();
        order.sort_by(|&a, &b| tree.statics[a].name.cmp(&tree.statics[b].name));
        let desc = AttrsDesc {
            names: order
                .iter()
                .map(|&i| (tree.statics[i].name, Pos::new(tree.statics[i].span)))
                .collect(),
            dynamic_spans: tree.dynamics.iter().map(|d| d.span).collect(),
            dynamic_pos: tree.dynamics.iter().map(|d| Pos::new(d.span)).collect(),
        };
        let hidden = !tree.rec && !tree.inherit_froms.is_empty();
        let overrides = tree.rec
            && tree
                .statics
                .iter()
                .any(|b| b.name.as_bytes() == b"__overrides");
        let unit = self.current_unit();
        let mut hidden_slots = (unit, 0);
        if tree.rec {
            let first = self.open_recursive_scope(tree, span);
            hidden_slots = (unit, first + tree.statics.len() as u32);
            if overrides {
                // Legacy: `__overrides` replaces attributes in the recursive scope too.
                let slot = tree
                    .statics
                    .iter()
                    .position(|b| b.name.as_bytes() == b"__overrides")
                    .unwrap_or(0);
                self.emit(Op::GetLocal(first + slot as u32), span);
                self.emit(Op::Force, span);
                let c = self.chunk();
                c.rec_slots.push(
                    tree.statics
                        .iter()
                        .enumerate()
                        .map(|(i, b)| (b.name, first + i as u32))
                        .collect(),
                );
                let i = (c.rec_slots.len() - 1) as u32;
                self.emit(Op::ApplyOverrides(i), span);
            }
            for &i in &order {
                self.emit(Op::GetLocal(first + i as u32), tree.statics[i].span);
            }
        } else {
            if hidden {
                let n = tree.inherit_froms.len();
                // Sources evaluate in the enclosing scope, into hidden slots.
                let first = self.push_vars(vec![None; n]);
                hidden_slots = (unit, first);
                for (j, e) in tree.inherit_froms.iter().enumerate() {
                    self.compile_lazy(e, None);
                    self.emit(Op::SetLocal(first + j as u32), span);
                }
            }
            for &i in &order {
                let b = &tree.statics[i];
                self.compile_binding(b.name, b.span, &b.value, false, hidden_slots);
            }
        }
        for d in &tree.dynamics {
            self.compile_dynamic_key(&d.key);
            let name = static_key(&d.key).unwrap_or(Symbol::from_str(""));
            self.compile_binding(name, d.span, &d.value, false, hidden_slots);
        }
        let c = self.chunk();
        c.attr_sets.push(desc);
        let idx = (c.attr_sets.len() - 1) as u32;
        self.emit(
            Op::MakeAttrs {
                desc: idx,
                dynamic: tree.dynamics.len() as u32,
            },
            span,
        );
        if overrides {
            // The overrides that name no static attribute join the set.
            self.emit(Op::Update, span);
        }
        if tree.rec || hidden {
            self.pop_level();
        }
    }

    /// Emits one binding's value. `recursive` marks `let`/`rec` scopes, where
    /// a reference to a sibling must stay lazy because the slot may be unset.
    /// `hidden` is the (unit, first slot) of the `inherit (e)` sources.
    fn compile_binding(
        &mut self,
        name: Symbol,
        span: Span,
        value: &Value_,
        recursive: bool,
        hidden: (usize, u32),
    ) {
        match value {
            Value_::Expr(e) => {
                let e = unparen(e);
                if recursive {
                    if let ast::Expr::Ident(i) = &e {
                        // A sibling that is already filled is shared, as C++ Nix
                        // shares it; a later one needs a thunk.
                        if let Lookup::Static(b) = self.scopes.lookup(ident_name(i), 0) {
                            if b.level + 1 == self.scopes.depth()
                                && self.filling_slot.is_none_or(|slot| b.pos as u32 >= slot)
                            {
                                let espan = self.span(&e);
                                return self.emit_thunk(espan, |c| c.compile_strict(&e));
                            }
                        }
                    }
                }
                self.compile_lazy(&e, Some(name));
            }
            Value_::Nested(t) => {
                self.emit_thunk(span, |c| c.compile_tree(t, span));
            }
            Value_::Inherit(None) => {
                // `inherit x;` looks `x` up outside a recursive scope.
                let skip = usize::from(recursive);
                match self.scopes.lookup(name, skip) {
                    Lookup::Static(b) => self.emit_binding(b, span),
                    Lookup::With(withs) if !self.globals.contains_key(&name) => {
                        self.emit_thunk(span, |c| c.emit_with_lookup(name, &withs, span));
                    }
                    _ => match self.globals.get(&name) {
                        Some(v) => {
                            let v = v.clone();
                            self.emit_constant(v, span);
                        }
                        None => self.error(
                            ErrorKind::Eval(format!("undefined variable '{name}'")),
                            span,
                        ),
                    },
                }
            }
            Value_::Inherit(Some(j)) => {
                let (unit, first) = hidden;
                let slot = first + *j as u32;
                self.emit_thunk(span, |c| {
                    let cap = c.source(unit, slot);
                    c.emit_get(cap, span);
                    c.emit(Op::Force, span);
                    let n = c.name(name);
                    c.emit(Op::Select(n), span);
                    c.emit(Op::Force, span);
                });
            }
        }
    }
}

/// Expressions longer than this are not searched for the names of their
/// scope (unless they are literals, they keep their blank thunk): the
/// search would be a pass over a large generated file's whole tree for one
/// thunk.
pub(super) const MENTIONS_SEARCH_MAX: u32 = 1 << 16;

/// The names a `let` or `rec` set binds, to search expressions for:
/// a few are compared one by one, many looked up (a generated `let` can bind
/// a hundred thousand).
pub(super) enum ScopeNames<'a> {
    Few(Vec<&'a [u8]>),
    Many(rustc_hash::FxHashSet<&'a [u8]>),
}

impl<'a> ScopeNames<'a> {
    fn new(names: impl Iterator<Item = &'a [u8]>) -> ScopeNames<'a> {
        let few: Vec<&[u8]> = names.collect();
        if few.len() <= 8 {
            ScopeNames::Few(few)
        } else {
            ScopeNames::Many(few.into_iter().collect())
        }
    }

    pub(super) fn contains(&self, text: &[u8]) -> bool {
        match self {
            ScopeNames::Few(names) => names.contains(&text),
            ScopeNames::Many(names) => names.contains(text),
        }
    }
}

/// Whether a name token anywhere in `e` spells one of `names`: a variable
/// of the scope, or (conservatively) an attribute name or a binding of an
/// inner scope that happens to spell one. Walks rowan's green tree; `None`
/// if `e` is too large to search.
fn mentions_any(e: &ast::Expr, names: &ScopeNames) -> Option<bool> {
    let green = e.syntax().green();
    if u32::from(green.text_len()) > MENTIONS_SEARCH_MAX {
        return None;
    }
    // Only names can refer to a binding: punctuation, keywords, literals
    // and string text are not looked up.
    let names_kinds = [
        crate::syntax::raw_kind(rnix::SyntaxKind::TOKEN_IDENT),
        crate::syntax::raw_kind(rnix::SyntaxKind::TOKEN_OR),
    ];
    let mut stack = vec![green.children()];
    while let Some(children) = stack.last_mut() {
        match children.next() {
            Some(rowan::NodeOrToken::Node(n)) => stack.push(n.children()),
            Some(rowan::NodeOrToken::Token(t)) => {
                if names_kinds.contains(&t.kind()) && names.contains(t.text().as_bytes()) {
                    return Some(true);
                }
            }
            None => {
                stack.pop();
            }
        }
    }
    Some(false)
}
