//! Literals whose value is known when compiling: strings without
//! interpolation, numbers, and lists and sets made only of them.
//!
//! C++ Nix makes no thunk for a string or number literal in a lazy
//! position, so a list or non-recursive set whose elements are all such
//! literals holds no thunk either. In a lazy position (where C++ Nix has a
//! thunk for it, `<CODE>` in non-strict output) it is built once, here,
//! instead of compiled into code that builds it (a generated file's nested
//! sets were most of its compiled code); forcing the thunk copies it, as
//! each evaluation of a literal is a new value (printing shows
//! `«repeated»` only for the same one).

use rnix::ast::{self, AstToken, HasEntry};
use rnix::SyntaxKind;
use rowan::ast::AstNode;
use rowan::{GreenNodeData, GreenTokenData, NodeOrToken};

use super::{strings, unparen, Compiler};
use crate::errors::ErrorKind;
use crate::syntax::{children_at, raw_kind as kind, Pos};
use crate::value::{Symbol, Value};

/// A number or URI literal's value, or the error C++ Nix's parser reports.
pub(super) fn literal_constant(l: &ast::Literal) -> Result<Value, ErrorKind> {
    Ok(match l.kind() {
        ast::LiteralKind::Integer(i) => match i.value() {
            Ok(v) => Value::Int(v),
            Err(_) => {
                return Err(ErrorKind::ParseError(format!(
                    "invalid integer '{}'",
                    i.syntax().text()
                )))
            }
        },
        ast::LiteralKind::Float(f) => match f.value() {
            Ok(v) if float_in_range(v) => Value::Float(v),
            _ => {
                return Err(ErrorKind::ParseError(format!(
                    "invalid float '{}'",
                    f.syntax().text()
                )))
            }
        },
        ast::LiteralKind::Uri(u) => Value::string(u.syntax().text()),
    })
}

/// Whether a float literal's value is one C++ Nix's `strtod` accepts: it
/// rejects literals out of range (infinite or subnormal).
pub(super) fn float_in_range(v: f64) -> bool {
    v.is_finite() && (v == 0.0 || v.abs() >= f64::MIN_POSITIVE)
}

/// The value of a number token (`kind` is `TOKEN_INTEGER` or
/// `TOKEN_FLOAT`), or `None` for another token or a number C++ Nix's
/// parser rejects (out of range).
pub(super) fn number_value(kind: SyntaxKind, text: &str) -> Option<Value> {
    match kind {
        SyntaxKind::TOKEN_INTEGER => text.parse().ok().map(Value::Int),
        SyntaxKind::TOKEN_FLOAT => text
            .parse()
            .ok()
            .filter(|v| float_in_range(*v))
            .map(Value::Float),
        _ => None,
    }
}

/// A string literal's value if it has no interpolation.
pub(super) fn string_constant(s: &ast::Str) -> Option<Value> {
    if strings::has_interpolation(s) {
        return None;
    }
    literal_parts_value(&strings::string_parts(s))
}

/// The value of a string literal's parts if they have no interpolation.
fn literal_parts_value(parts: &[ast::InterpolPart<String>]) -> Option<Value> {
    let text = match parts {
        [] => std::borrow::Cow::Borrowed(""),
        [ast::InterpolPart::Literal(l)] => std::borrow::Cow::Borrowed(l.as_str()),
        _ => {
            let mut text = String::new();
            for p in parts {
                match p {
                    ast::InterpolPart::Literal(l) => text.push_str(l),
                    ast::InterpolPart::Interpolation(_) => return None,
                }
            }
            std::borrow::Cow::Owned(text)
        }
    };
    Some(Value::String(crate::syntax::literal_string(&text)))
}

/// The value of a literal C++ Nix makes without a thunk, if `e` is one
/// (and valid: an invalid number is left for the compiler to report).
pub(super) fn thunkless_literal(e: &ast::Expr) -> Option<Value> {
    match e {
        ast::Expr::Str(s) => string_constant(s),
        ast::Expr::Literal(l) => literal_constant(l).ok(),
        _ => None,
    }
}

/// How deep [`is_constant`] looks: deeper literals are compiled as code
/// (which bounds the repeated checks of nested non-constant literals).
pub(super) const MAX_CONSTANT_DEPTH: usize = 32;

/// Whether `e` is a thunkless literal, or a list or non-recursive set made
/// only of thunkless literals and such lists and sets (nested ones, in lazy
/// positions, get thunks made per evaluation: see
/// [`ThunkState::Literal`](crate::value::ThunkState::Literal)).
/// Exact: [`Compiler::constant_value`] builds anything this accepts.
pub(super) fn is_constant(e: &ast::Expr, depth: usize) -> bool {
    if depth > MAX_CONSTANT_DEPTH {
        return false;
    }
    match e {
        ast::Expr::Str(s) => is_plain_string(s),
        ast::Expr::Literal(l) => literal_constant(l).is_ok(),
        ast::Expr::List(l) => l.items().all(|e| is_constant(&unparen(&e), depth + 1)),
        ast::Expr::AttrSet(set) => {
            !super::is_rec(set)
                && set.entries().all(|entry| match entry {
                    ast::Entry::AttrpathValue(kv) => {
                        // One walk over the children: the path, then the value.
                        // A path nests its value one set per name.
                        let mut path = None;
                        for child in kv.syntax().children() {
                            if let Some(e) = ast::Expr::cast(child.clone()) {
                                return path
                                    .is_some_and(|len| is_constant(&unparen(&e), depth + len));
                            }
                            path = ast::Attrpath::cast(child)
                                .and_then(|p| plain_path_len(p.syntax().green()));
                        }
                        false
                    }
                    ast::Entry::Inherit(_) => false,
                })
        }
        _ => false,
    }
}

/// Whether a string literal has no interpolation.
pub(super) fn is_plain_string(s: &ast::Str) -> bool {
    has_no_interpolation(s.syntax().green())
}

/// Whether a string node's green tree has no interpolation among its parts.
pub(super) fn has_no_interpolation(string: &rowan::GreenNodeData) -> bool {
    let interpolation = kind(rnix::SyntaxKind::NODE_INTERPOL);
    string.children().all(|c| c.kind() != interpolation)
}

/// How many names an attribute path (its green node) has, if they are all
/// written plainly or quoted without interpolation.
fn plain_path_len(green: &GreenNodeData) -> Option<usize> {
    let mut len = 0;
    for part in green.children().filter_map(|c| c.into_node()) {
        let plain = part.kind() == kind(rnix::SyntaxKind::NODE_IDENT)
            || (part.kind() == kind(rnix::SyntaxKind::NODE_STRING) && has_no_interpolation(part));
        if !plain {
            return None;
        }
        len += 1;
    }
    Some(len)
}

impl Compiler<'_> {
    /// [`is_constant`], remembered for the last expression it accepted
    /// (read from the green tree where [`green_is_constant`] can tell).
    pub(super) fn is_constant(&mut self, e: &ast::Expr) -> bool {
        let id = e.syntax().green() as *const _ as usize;
        if self.known_constant == Some(id) {
            return true;
        }
        let constant =
            green_is_constant(e.syntax().green(), 0).unwrap_or_else(|| is_constant(e, 0));
        if constant {
            self.known_constant = Some(id);
        }
        constant
    }

    /// The value of an expression [`is_constant`] accepts: a literal's own
    /// value; a list or set with its nested lists and sets in thunks that
    /// copy them when forced. A set's duplicate attributes are reported as
    /// when it is compiled.
    pub(super) fn constant_value(&mut self, e: &ast::Expr) -> Option<Value> {
        let start = self.base + u32::from(e.syntax().text_range().start());
        let green = e.syntax().green();
        let v = self.folds.reader(true).constant(green, start, 0);
        // A folded literal has no syntax for the cursor walk below to read.
        if v.is_some() || crate::syntax::is_folded(green) {
            return v;
        }
        match e {
            ast::Expr::List(l) => {
                let mut items = Vec::new();
                for item in l.items() {
                    items.push(self.constant_element(&item)?);
                }
                Some(Value::list(items))
            }
            ast::Expr::AttrSet(set) => self.constant_set(set),
            _ => thunkless_literal(e),
        }
    }

    /// An element of a constant list or set: nested lists and sets (lazy
    /// positions) in thunks that copy them when forced.
    pub(super) fn constant_element(&mut self, e: &ast::Expr) -> Option<Value> {
        let e = unparen(e);
        match &e {
            ast::Expr::List(_) | ast::Expr::AttrSet(_) => Some(Value::Thunk(
                crate::value::Thunk::new_literal(self.constant_value(&e)?),
            )),
            _ => thunkless_literal(&e),
        }
    }

    /// Emits a literal folded while parsing, in a strict position: a copy
    /// of its value, as evaluating the literal would build.
    pub(super) fn emit_folded(&mut self, e: &ast::Expr, span: crate::syntax::Span) {
        let start = self.base + u32::from(e.syntax().text_range().start());
        match self.folds.get(start) {
            // Forcing the literal's thunk makes the copy (an instruction
            // of its own cost the dispatch loop more than this costs here).
            Some(v) => {
                self.emit_constant_thunk(v.clone(), span);
                self.emit(crate::bytecode::Op::Force, span);
            }
            None => self.error(
                ErrorKind::Eval("internal compiler error: a folded literal has no value".into()),
                span,
            ),
        }
    }

    /// Emits a constant set or list in a lazy position: a thunk whose
    /// forcing copies it.
    pub(super) fn emit_constant_thunk(&mut self, v: Value, span: crate::syntax::Span) {
        let i = self.constant(v);
        self.emit(crate::bytecode::Op::MakeLiteralThunk(i), span);
    }
}

/// Literals folded while parsing (see [`crate::syntax::Fold`]): the value
/// of each by the byte offset it starts at, for the compiler to take
/// wherever it meets one.
pub(crate) struct Folds {
    file: u32,
    /// By start offset, ascending. Literals close after those before them
    /// and after those inside them, and a literal's fold takes the values
    /// of the folded literals inside it: so the values inside a literal
    /// being folded are always the end of this list.
    values: Vec<(u32, Value)>,
    /// Attribute names recently read, by their token (see
    /// [`Folds::token_name`]).
    names: std::cell::RefCell<[Option<(rowan::GreenToken, Symbol)>; NAME_CACHE]>,
    /// Bindings' values left out of the tree, by start offset, ascending
    /// (see [`crate::syntax::Fold::stand_in`]).
    stand_ins: Vec<(u32, super::defer::StandIn)>,
    /// After how many plain names of a `let` or `rec` set values may stand
    /// in, and the globals their variables must be; `None` if none may.
    standing_in: Option<(u32, std::rc::Rc<super::Globals>)>,
    /// Set when the compiler met a stand-in it does not defer: the file is
    /// then parsed and compiled again without stand-ins.
    refused: std::cell::Cell<bool>,
    /// The literal being folded from its tokens in parts, if one is.
    pub(super) partial_fold: Option<Box<super::token_folds::PartialFold>>,
    /// Where the literals kept from a literal read in parts that did not
    /// fold are, ascending (see `Folds::salvage`).
    pub(super) salvaged: std::collections::VecDeque<std::ops::Range<u32>>,
}

/// Slots of [`Folds`]' cache of attribute names.
const NAME_CACHE: usize = 64;

impl Folds {
    /// No folded literals yet, for the file `file`.
    pub(crate) fn new(file: u32) -> Folds {
        Folds {
            file,
            values: Vec::new(),
            names: std::cell::RefCell::new(std::array::from_fn(|_| None)),
            stand_ins: Vec::new(),
            standing_in: None,
            refused: std::cell::Cell::new(false),
            partial_fold: None,
            salvaged: std::collections::VecDeque::new(),
        }
    }

    /// These folds, letting the values of bindings past the `after`th plain
    /// name of a `let` or `rec` set stand in for themselves when they read
    /// only `globals` (see [`super::defer::stand_in`]).
    pub(super) fn standing_in(mut self, after: u32, globals: std::rc::Rc<super::Globals>) -> Folds {
        self.standing_in = Some((after, globals));
        self
    }

    /// What is known of the value standing in for itself at byte `start`.
    pub(super) fn stand_in_at(&self, start: u32) -> Option<&super::defer::StandIn> {
        let i = self
            .stand_ins
            .binary_search_by_key(&start, |(at, _)| *at)
            .ok()?;
        self.stand_ins.get(i).map(|(_, s)| s)
    }

    /// Notes that the compiler met a stand-in it does not defer.
    pub(super) fn refuse(&self) {
        self.refused.set(true);
    }

    /// Whether the compiler met a stand-in it does not defer: its code is
    /// not the file's, which must be parsed and compiled again without
    /// stand-ins.
    pub(crate) fn refused(&self) -> bool {
        self.refused.get()
    }

    /// The name an identifier's token spells, remembered by the token: the
    /// parser shares the tokens of names that repeat (`pname`, `src`, `url`
    /// in every package), and interning a name again costs more than
    /// finding its token here. An entry holds its token, so no other token
    /// can be at that address while it is cached.
    fn token_name(&self, token: &GreenTokenData) -> Symbol {
        let address = token as *const GreenTokenData as usize;
        let slot = (address >> 4) % NAME_CACHE;
        let mut names = self.names.borrow_mut();
        let entry = &mut names[slot];
        if let Some((cached, name)) = entry {
            if std::ptr::eq(&**cached, token) {
                return *name;
            }
        }
        let name = Symbol::from_str(token.text());
        *entry = Some((token.to_owned(), name));
        name
    }

    /// The file the literals are in.
    pub(crate) fn file(&self) -> u32 {
        self.file
    }

    /// Every folded literal's start and value, by start.
    #[cfg(test)]
    pub(super) fn values(&self) -> &[(u32, Value)] {
        &self.values
    }

    /// The value of the folded literal starting at byte `start`.
    pub(super) fn get(&self, start: u32) -> Option<&Value> {
        let i = self
            .values
            .binary_search_by_key(&start, |(at, _)| *at)
            .ok()?;
        self.values.get(i).map(|(_, v)| v)
    }

    /// Keeps `value`, folded from the literal starting at byte `start`.
    pub(super) fn keep(&mut self, start: u32, value: Value) {
        // The folded literals inside are in `value` now.
        let inside = self.values.partition_point(|(at, _)| *at < start);
        self.values.truncate(inside);
        self.values.push((start, value));
    }

    /// Reads constant literals from the green tree, taking folded ones
    /// from here.
    pub(super) fn reader(&self, uris: bool) -> GreenConstants<'_> {
        GreenConstants {
            file: self.file,
            folds: self,
            uris,
        }
    }
}

impl crate::syntax::Fold for Folds {
    fn fold(&mut self, node: &GreenNodeData, start: u32) -> bool {
        // Most literals that are not constant are told apart by the kinds
        // of their elements, before a value is made for any of them.
        if !elements_may_be_constant(node) {
            return false;
        }
        // URI literals are left in the tree for the lints to find.
        let Some(value) = self.reader(false).constant(node, start, 0) else {
            return false;
        };
        self.keep(start, value);
        true
    }

    fn folds_tokens(&self) -> bool {
        true
    }

    fn fold_tokens(
        &mut self,
        open: SyntaxKind,
        tokens: &[(SyntaxKind, &str)],
        start: u32,
        more: bool,
    ) -> crate::syntax::TokenFold {
        self.fold_from_tokens(open, tokens, start, more)
    }

    fn salvaged(&mut self, start: u32) -> Option<u32> {
        self.take_salvaged(start)
    }

    fn unfold(&mut self, range: std::ops::Range<u32>) {
        let from = self.values.partition_point(|(at, _)| *at < range.start);
        let to = self.values.partition_point(|(at, _)| *at < range.end);
        self.values.drain(from..to);
        let from = self.stand_ins.partition_point(|(at, _)| *at < range.start);
        let to = self.stand_ins.partition_point(|(at, _)| *at < range.end);
        self.stand_ins.drain(from..to);
    }

    fn stand_ins_after(&self) -> Option<u32> {
        self.standing_in.as_ref().map(|(after, _)| *after)
    }

    fn stand_in(&mut self, node: &GreenNodeData, start: u32) -> bool {
        let Some((_, globals)) = &self.standing_in else {
            return false;
        };
        let Some(stand_in) = super::defer::stand_in(node, globals, |t| self.token_name(t)) else {
            return false;
        };
        // The literals folded inside are in its text now: they are the
        // last ones folded (see `values`). No stand-in is inside another.
        let inside = self.values.partition_point(|(at, _)| *at < start);
        self.values.truncate(inside);
        self.stand_ins.push((start, stand_in));
        true
    }
}

/// Builds the values of constant literals from the green tree.
pub(super) struct GreenConstants<'f> {
    file: u32,
    folds: &'f Folds,
    /// Whether URI literals count as constants.
    uris: bool,
}

impl GreenConstants<'_> {
    /// [`green_attr_name`], remembering the names of identifier tokens
    /// (see [`Folds::token_name`]).
    fn attr_name(&self, green: &GreenNodeData) -> Option<Symbol> {
        let mut children = green.children();
        match (children.next(), children.next()) {
            (Some(NodeOrToken::Token(t)), None)
                if kind_of(green.kind()) == SyntaxKind::NODE_IDENT =>
            {
                Some(self.folds.token_name(t))
            }
            _ => green_attr_name(green),
        }
    }

    /// What [`is_constant`] and [`Compiler::constant_value`] give for the
    /// node `green` at byte `start`, computed in one walk of the green tree
    /// (no cursor nodes): for lists, and sets whose attributes are plain
    /// names or dotted paths of them, each bound once, of `"…"` strings,
    /// numbers, URIs and such lists and sets. `None` for anything else,
    /// constant or not: then the general path decides and reports.
    fn constant(&self, green: &GreenNodeData, start: u32, depth: usize) -> Option<Value> {
        if crate::syntax::is_folded(green) {
            return self.folds.get(start).cloned();
        }
        if depth > MAX_CONSTANT_DEPTH {
            return None;
        }
        match kind_of(green.kind()) {
            SyntaxKind::NODE_LIST => {
                let mut items = Vec::new();
                for (node, at) in child_nodes(green, start) {
                    items.push(self.element(node, at, depth + 1)?);
                }
                Some(Value::list(items))
            }
            SyntaxKind::NODE_ATTR_SET => self.set(green, start, depth),
            _ => None,
        }
    }

    /// An element of a constant list or set (see [`Compiler::constant_element`]).
    fn element(&self, green: &GreenNodeData, start: u32, depth: usize) -> Option<Value> {
        let (green, start) = green_unparen(green, start)?;
        if depth > MAX_CONSTANT_DEPTH {
            return None;
        }
        match kind_of(green.kind()) {
            SyntaxKind::NODE_LIST | SyntaxKind::NODE_ATTR_SET => Some(Value::Thunk(
                crate::value::Thunk::new_literal(self.constant(green, start, depth)?),
            )),
            SyntaxKind::NODE_STRING => Some(Value::String(crate::syntax::literal_string(
                &strings::plain_quoted_text(green)?,
            ))),
            SyntaxKind::NODE_LITERAL => green_literal(green, self.uris),
            _ => None,
        }
    }

    /// A non-recursive set of `path = constant;` bindings whose paths are
    /// plain names: paths sharing a prefix merge (`a.b = 1; a.c = 2;`), as
    /// the general path merges them. A name bound twice, or a path through
    /// a name bound to a value, is left to the general path (which merges
    /// set literals and reports the rest).
    fn set(&self, green: &GreenNodeData, start: u32, depth: usize) -> Option<Value> {
        // Single names only (most sets) need no merging: a list sorted at
        // the end. The first longer path moves them into a `GreenSet`.
        let mut plain: Vec<(Symbol, Value, crate::syntax::Span)> = Vec::new();
        let mut merged: Option<GreenSet> = None;
        let mut names: smallvec::SmallVec<[Symbol; 4]> = smallvec::SmallVec::new();
        for (i, (child, at)) in children_at(green, start).enumerate() {
            let node = match child {
                NodeOrToken::Token(t) => {
                    if i == 0 && kind_of(t.kind()) == SyntaxKind::TOKEN_REC {
                        return None;
                    }
                    continue;
                }
                NodeOrToken::Node(n) => n,
            };
            if kind_of(node.kind()) != SyntaxKind::NODE_ATTRPATH_VALUE {
                return None;
            }
            let mut parts = child_nodes(node, at);
            let ((path, path_at), (value, value_at)) = (parts.next()?, parts.next()?);
            if kind_of(path.kind()) != SyntaxKind::NODE_ATTRPATH {
                return None;
            }
            names.clear();
            // Every attribute a path makes has the position of its start.
            let mut span = None;
            for (attr, attr_at) in child_nodes(path, path_at) {
                names.push(self.attr_name(attr)?);
                span.get_or_insert(crate::syntax::Span {
                    file: self.file,
                    start: attr_at,
                    end: attr_at + u32::from(attr.text_len()),
                });
            }
            let value = self.element(value, value_at, depth + names.len())?;
            match (&mut merged, names.as_slice()) {
                (None, [name]) => plain.push((*name, value, span?)),
                (None, _) => {
                    let mut set = GreenSet::default();
                    for (name, value, span) in plain.drain(..) {
                        set.insert(&[name], span, value)?;
                    }
                    set.insert(&names, span?, value)?;
                    merged = Some(set);
                }
                (Some(set), _) => set.insert(&names, span?, value)?,
            }
        }
        if let Some(set) = merged {
            return Some(set.into_value());
        }
        // A repeated name is merged or reported by the general path.
        distinct_attrs(
            plain
                .into_iter()
                .map(|(name, value, span)| crate::value::Attr {
                    name,
                    value,
                    pos: Pos::new(span),
                })
                .collect(),
        )
    }
}

/// The set of `attrs`, or `None` if a name is bound twice.
pub(super) fn distinct_attrs(mut attrs: Vec<crate::value::Attr>) -> Option<Value> {
    attrs.sort_by_key(|a| a.name);
    if attrs.windows(2).any(|w| w[0].name == w[1].name) {
        return None;
    }
    Some(Value::attrs(crate::value::Attrs::from_sorted(attrs)))
}

/// A constant set being read from the green tree: attributes in the order
/// first bound, with the sets that paths make (see [`GreenConstants::set`]).
#[derive(Default)]
pub(super) struct GreenSet {
    entries: Vec<(Symbol, GreenEntry, crate::syntax::Span)>,
    /// `entries` by name, once there are more than a scan should search
    /// (a generated file's set has 100,000s).
    index: rustc_hash::FxHashMap<Symbol, usize>,
}

enum GreenEntry {
    Value(Value),
    Nested(Box<GreenSet>),
}

impl GreenSet {
    /// Below this many attributes a scan beats hashing.
    const SCAN_LIMIT: usize = 16;

    fn position(&self, name: Symbol) -> Option<usize> {
        if self.index.is_empty() {
            self.entries.iter().position(|(n, _, _)| *n == name)
        } else {
            self.index.get(&name).copied()
        }
    }

    fn push(&mut self, name: Symbol, entry: GreenEntry, span: crate::syntax::Span) {
        self.entries.push((name, entry, span));
        if self.entries.len() > Self::SCAN_LIMIT {
            if self.index.is_empty() {
                for (i, (n, _, _)) in self.entries.iter().enumerate() {
                    self.index.insert(*n, i);
                }
            } else {
                self.index.insert(name, self.entries.len() - 1);
            }
        }
    }

    /// Binds `path` to `value`, making or extending the sets on the way;
    /// `None` where the general path must decide.
    pub(super) fn insert(
        &mut self,
        path: &[Symbol],
        span: crate::syntax::Span,
        value: Value,
    ) -> Option<()> {
        let (&name, rest) = path.split_first()?;
        match self.position(name) {
            None if rest.is_empty() => self.push(name, GreenEntry::Value(value), span),
            None => {
                let mut nested = Box::<GreenSet>::default();
                nested.insert(rest, span, value)?;
                self.push(name, GreenEntry::Nested(nested), span);
            }
            Some(_) if rest.is_empty() => return None,
            Some(i) => match &mut self.entries.get_mut(i)?.1 {
                GreenEntry::Nested(nested) => nested.insert(rest, span, value)?,
                GreenEntry::Value(_) => return None,
            },
        }
        Some(())
    }

    /// The set's value: sets that paths made in literal thunks, as nested
    /// set literals are.
    pub(super) fn into_value(self) -> Value {
        let mut attrs: Vec<crate::value::Attr> = self
            .entries
            .into_iter()
            .map(|(name, entry, span)| crate::value::Attr {
                name,
                value: match entry {
                    GreenEntry::Value(v) => v,
                    GreenEntry::Nested(set) => {
                        Value::Thunk(crate::value::Thunk::new_literal(set.into_value()))
                    }
                },
                pos: Pos::new(span),
            })
            .collect();
        attrs.sort_by_key(|a| a.name);
        Value::attrs(crate::value::Attrs::from_sorted(attrs))
    }
}

/// [`is_constant`] for an expression's node `green` alone (a tree of its
/// own for the cursor walk where the green walk cannot tell).
pub(super) fn green_alone_is_constant(green: &GreenNodeData) -> bool {
    green_is_constant(green, 0).unwrap_or_else(|| {
        let node = rnix::SyntaxNode::new_root(green.to_owned());
        ast::Expr::cast(node).is_some_and(|e| is_constant(&e, 0))
    })
}

/// [`is_constant`] read from the green tree, without cursor nodes:
/// `None` where the tree has a shape it does not expect (then the cursor
/// walk decides).
fn green_is_constant(green: &GreenNodeData, depth: usize) -> Option<bool> {
    if crate::syntax::is_folded(green) {
        return Some(true);
    }
    if depth > MAX_CONSTANT_DEPTH {
        return Some(false);
    }
    Some(match kind_of(green.kind()) {
        SyntaxKind::NODE_STRING => has_no_interpolation(green),
        SyntaxKind::NODE_LITERAL => {
            let mut children = green.children();
            match (children.next(), children.next()) {
                (Some(NodeOrToken::Token(_)), None) => green_literal(green, true).is_some(),
                _ => return None,
            }
        }
        SyntaxKind::NODE_LIST => {
            for (item, _) in child_nodes(green, 0) {
                let (item, _) = green_unparen(item, 0)?;
                if !green_is_constant(item, depth + 1)? {
                    return Some(false);
                }
            }
            true
        }
        SyntaxKind::NODE_ATTR_SET => {
            for (i, child) in green.children().enumerate() {
                let entry = match child {
                    NodeOrToken::Token(t) => {
                        if i == 0 && kind_of(t.kind()) == SyntaxKind::TOKEN_REC {
                            return Some(false);
                        }
                        continue;
                    }
                    NodeOrToken::Node(n) => n,
                };
                match kind_of(entry.kind()) {
                    SyntaxKind::NODE_ATTRPATH_VALUE => {}
                    SyntaxKind::NODE_INHERIT => return Some(false),
                    _ => return None,
                }
                let mut parts = child_nodes(entry, 0);
                let (Some((path, _)), Some((value, _))) = (parts.next(), parts.next()) else {
                    return None;
                };
                if kind_of(path.kind()) != SyntaxKind::NODE_ATTRPATH {
                    return None;
                }
                let Some(len) = plain_path_len(path) else {
                    return Some(false);
                };
                let (value, _) = green_unparen(value, 0)?;
                if !green_is_constant(value, depth + len)? {
                    return Some(false);
                }
            }
            true
        }
        _ => false,
    })
}

/// Whether every element of the set or list literal `green` is of a kind
/// a constant element can be (a quick look, for literals that are not).
fn elements_may_be_constant(green: &GreenNodeData) -> bool {
    let element = |node: &GreenNodeData| {
        matches!(
            kind_of(node.kind()),
            SyntaxKind::NODE_STRING
                | SyntaxKind::NODE_LITERAL
                | SyntaxKind::NODE_LIST
                | SyntaxKind::NODE_ATTR_SET
                | SyntaxKind::NODE_PAREN
        )
    };
    green.children().all(|child| match child {
        NodeOrToken::Token(_) => true,
        NodeOrToken::Node(n) if kind_of(n.kind()) == SyntaxKind::NODE_ATTRPATH_VALUE => n
            .children()
            .filter_map(|c| c.into_node())
            .nth(1)
            .is_some_and(element),
        NodeOrToken::Node(n) => element(n),
    })
}

/// The child nodes of a green node (tokens and trivia skipped), with their
/// offsets.
fn child_nodes(green: &GreenNodeData, start: u32) -> impl Iterator<Item = (&GreenNodeData, u32)> {
    children_at(green, start).filter_map(|(child, at)| child.into_node().map(|n| (n, at)))
}

/// The expression inside any parentheses around `green`.
fn green_unparen(mut green: &GreenNodeData, mut start: u32) -> Option<(&GreenNodeData, u32)> {
    while kind_of(green.kind()) == SyntaxKind::NODE_PAREN {
        (green, start) = child_nodes(green, start).next()?;
    }
    Some((green, start))
}

/// A number or URI literal node's value, as [`literal_constant`] gives it
/// (`None` where that reports an error).
fn green_literal(green: &GreenNodeData, uris: bool) -> Option<Value> {
    let mut children = green.children();
    let (Some(NodeOrToken::Token(token)), None) = (children.next(), children.next()) else {
        return None;
    };
    let text = token.text();
    match kind_of(token.kind()) {
        SyntaxKind::TOKEN_URI if uris => Some(Value::string(text)),
        kind => number_value(kind, text),
    }
}

/// An attribute name written plainly or as a `"…"` string without
/// interpolation (as [`super::attrs::static_key`] reads it).
fn green_attr_name(green: &GreenNodeData) -> Option<Symbol> {
    match kind_of(green.kind()) {
        SyntaxKind::NODE_IDENT => {
            let mut children = green.children();
            match (children.next(), children.next()) {
                (Some(NodeOrToken::Token(t)), None) => Some(Symbol::from_str(t.text())),
                _ => None,
            }
        }
        SyntaxKind::NODE_STRING => Some(Symbol::new(&crate::syntax::literal_bytes(
            &strings::plain_quoted_text(green)?,
        ))),
        _ => None,
    }
}

/// rnix's kind of a green element's raw kind.
fn kind_of(raw: rowan::SyntaxKind) -> SyntaxKind {
    <rnix::NixLanguage as rowan::Language>::kind_from_raw(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On every expression of every corpus file, the green-tree check
    /// answers as the cursor walk does wherever it answers.
    #[test]
    fn green_check_agrees_with_the_cursor_walk() {
        let (mut answered, mut constant) = (0, 0);
        for (path, text) in crate::syntax::corpus_texts() {
            let root = rnix::Root::parse(&text);
            if !root.errors().is_empty() {
                continue;
            }
            for node in root.syntax().descendants() {
                let Some(e) = ast::Expr::cast(node.clone()) else {
                    continue;
                };
                if let Some(green) = green_is_constant(node.green(), 0) {
                    assert_eq!(green, is_constant(&e, 0), "{}: {node}", path.display());
                    answered += 1;
                    constant += usize::from(green);
                }
            }
        }
        assert!(
            answered > 10_000 && constant > 1_000,
            "{answered} {constant}"
        );
    }
}
