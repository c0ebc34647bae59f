//! Deferred compilation: the bindings of a `let` or `rec` set that read
//! nothing but globals are compiled when first forced instead of with
//! their file.
//!
//! A generated file of many such bindings (`v1 = { id = 1; size =
//! builtins.stringLength "v1"; };`) spent most of its compile time on code
//! that never runs, and peaked with its syntax tree and all that code alive
//! at once. Deferred, each binding is a thunk whose chunk only says where
//! its text is; the file's tree goes as soon as the file is compiled, and a
//! binding that is used is parsed again from its text and compiled then,
//! once.
//!
//! Only what compiles the same anywhere is deferred: expressions whose
//! every variable is a global (no `let`, function, `with`, `inherit`,
//! `rec`, path or pipe inside) and that cannot fail to compile (sets with
//! distinct plain names, literals in range). Their code depends on nothing
//! around them, and compiling their text later (its spans moved to where
//! the text is in the file) gives the same code, the same positions and no
//! error that compiling the file would have reported.
//!
//! The tree of such a file still peaked whole while it was parsed. Past
//! the 1,000th plain name of a `let` or `rec` set, a value is checked as
//! soon as its tree is built ([`stand_in`]): if it has that shape and its
//! variables are globals, only its text stays in the tree (a stand-in) and
//! the names it spells are kept aside ([`StandIn`]). The compiler defers it
//! from those alone. Where it may not (an enclosing name shadows a global
//! it reads, its scope binds a name it spells, `__overrides`), the file is
//! parsed and compiled again without stand-ins: rare, and never wrong.

use std::cell::OnceCell;
use std::path::PathBuf;
use std::rc::Rc;

use rnix::ast;
use rnix::SyntaxKind as K;
use rowan::ast::AstNode;
use rowan::NodeOrToken;

use super::attrs::ScopeNames;
use super::constants::{number_value, Folds};
use super::scope::Lookup;
use super::{unparen, Compiler, Globals};
use crate::bytecode::{Chunk, ChunkBuilder, Op};
use crate::errors::{Error, ErrorKind};
use crate::syntax::raw_kind as raw;
use crate::syntax::{SourceFile, Span};
use crate::value::Symbol;

/// Scopes with fewer bindings are compiled whole. Deferring pays in a large
/// scope, which is data (a generated package set) of which one evaluation
/// uses a few bindings; in a hand-written `let` most bindings are used, and
/// parsing each one's text again costs more than compiling it at once.
const DEFER_MIN_SCOPE: usize = 1_000;

/// What every deferred binding of a file compiles with later.
pub(crate) struct DeferContext {
    /// The directory the file's relative paths resolve against.
    pub(super) dir: PathBuf,
    pub(super) globals: Rc<Globals>,
    /// The file as it was parsed: a binding's text is read from it, not
    /// looked up in whichever evaluation is current when it is forced.
    source: Rc<SourceFile>,
    /// The fewest bindings a scope defers in ([`DEFER_MIN_SCOPE`]).
    min_scope: usize,
}

impl DeferContext {
    /// The context of the file `source` (as parsed) in `dir`, compiled
    /// against `globals`.
    pub(crate) fn new(dir: PathBuf, globals: Rc<Globals>, source: Rc<SourceFile>) -> Self {
        DeferContext {
            dir,
            globals,
            source,
            min_scope: DEFER_MIN_SCOPE,
        }
    }
}

/// After this many bindings with a plain name, a `let` or `rec` set's values
/// that will be deferred are left out of the tree as they are parsed (see
/// [`stand_in`]): a scope this large defers.
const STAND_INS_AFTER: u32 = DEFER_MIN_SCOPE as u32;

/// Folds for parsing the file whose deferrable values leave the tree as
/// they are parsed, their variables checked against `globals` (those the
/// file is compiled with).
pub(crate) fn folds_with_stand_ins(file: u32, globals: Rc<Globals>) -> Folds {
    Folds::new(file).standing_in(STAND_INS_AFTER, globals)
}

/// What the compiler needs of a binding's value that was left out of the
/// tree while its file was parsed (see [`crate::syntax::Fold::stand_in`]):
/// the names it spells. Its variables were globals then; where it is
/// compiled they must still be, and it must name no binding of its scope,
/// for it to be deferred. If it is not, the file is compiled again from a
/// whole tree.
pub(crate) struct StandIn {
    /// Its variables first, then the attribute names it spells.
    names: Box<[Symbol]>,
    variables: u32,
    /// Whether it has the keyword `or` (which a scope may bind as a name).
    spells_or: bool,
}

/// The stand-in of the binding's value `green`, if a large enough scope
/// would defer it where its variables are the `globals` (see the module's
/// documentation). `name` interns an identifier's token.
pub(crate) fn stand_in(
    green: &rowan::GreenNodeData,
    globals: &Globals,
    mut name: impl FnMut(&rowan::GreenTokenData) -> Symbol,
) -> Option<StandIn> {
    // A larger value is never searched for names, so never standalone.
    if u32::from(green.text_len()) > super::attrs::MENTIONS_SEARCH_MAX {
        return None;
    }
    let mut variables: smallvec::SmallVec<[Symbol; 8]> = smallvec::SmallVec::new();
    let mut others: smallvec::SmallVec<[Symbol; 8]> = smallvec::SmallVec::new();
    // Whether it reads anything (then a list or set is not constant).
    let mut reads = false;
    let mut spells_or = false;
    let deferrable = walk_deferrable(green, |spelled| {
        let (name, list) = match spelled {
            Spelled::Reads => {
                reads = true;
                return true;
            }
            Spelled::Variable(token) => {
                let name = name(token);
                if !globals.contains_key(&name) {
                    return false;
                }
                reads = true;
                (name, &mut variables)
            }
            Spelled::Attribute(token) => (name(token), &mut others),
            Spelled::Or => {
                // Not interned: that would change the order of names.
                spells_or = true;
                return true;
            }
        };
        if !list.contains(&name) {
            list.push(name);
        }
        true
    });
    let constant = || !reads && super::constants::green_alone_is_constant(green);
    if !deferrable || !makes_generic_thunk(green, constant) {
        return None;
    }
    let count = variables.len() as u32;
    variables.extend(others);
    Some(StandIn {
        names: variables.into_iter().collect(),
        variables: count,
        spells_or,
    })
}

/// A binding not compiled yet, held by the chunk that stands for its code
/// (see [`compiled`]).
pub(crate) struct Deferred {
    ctx: Rc<DeferContext>,
    name: Symbol,
    /// Where the binding's expression is in its file.
    span: Span,
    /// The code, once made: every thunk of the stand-in shares it.
    code: OnceCell<Rc<Chunk>>,
}

impl std::fmt::Debug for Deferred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deferred")
            .field("name", &self.name)
            .field("span", &self.span)
            .finish_non_exhaustive()
    }
}

/// For a chunk that stands for a deferred binding: its code, compiled now
/// if it was not before. `None` for any other chunk.
pub(crate) fn compiled(chunk: &Chunk) -> Option<Result<Rc<Chunk>, Error>> {
    let d = chunk.deferred()?;
    if let Some(code) = d.code.get() {
        return Some(Ok(code.clone()));
    }
    let result = compile_text(d);
    Some(result.inspect(|code| {
        let _ = d.code.set(code.clone());
    }))
}

/// Parses a deferred binding's text again and compiles it, its spans moved
/// to where the text is in the file.
fn compile_text(d: &Deferred) -> Result<Rc<Chunk>, Error> {
    let internal = |what: &str| {
        Error::new(
            ErrorKind::Eval(format!("internal error: a deferred binding {what}")),
            d.span,
        )
    };
    let file = d.span.file;
    let source = &d.ctx.source;
    let text = source
        .text
        .get(d.span.start as usize..d.span.end as usize)
        .ok_or_else(|| internal("is not in its source"))?;
    // Parsed as no file: the parser may register a lexing fix-up of the
    // text it parses in place of its file's text, which is the whole file's.
    let parsed = crate::syntax::parse_with(Span::NONE.file, text, |expr| {
        crate::syntax::with_raw_bytes(source.raw_bytes, || {
            let folds = Folds::new(file);
            let mut c = Compiler::new(
                &folds,
                d.span.start,
                d.ctx.dir.clone(),
                &d.ctx.globals,
                None,
            );
            c.chunk().attribute = Some(d.name);
            c.compile_strict(expr);
            c.emit(Op::Return, d.span);
            match c.errors.into_iter().next() {
                Some(e) => Err(e),
                None => {
                    let unit = c.units.pop().unwrap_or_default();
                    Ok(Rc::new(unit.finish(&mut c.spare_chunks)))
                }
            }
        })
    });
    match parsed {
        Ok(result) => result,
        Err(errors) => Err(errors
            .into_iter()
            .next()
            .unwrap_or_else(|| internal("does not parse"))),
    }
}

impl Compiler<'_> {
    /// Whether a recursive scope of `bindings` bindings may defer some: one
    /// of at least [`DEFER_MIN_SCOPE`].
    pub(super) fn may_defer(&self, bindings: usize) -> bool {
        self.defer
            .as_ref()
            .is_some_and(|ctx| bindings >= ctx.min_scope)
    }

    /// Which bindings of a scope [`Self::may_defer`] allowed to defer: the
    /// `standalone` ones (mentioning no binding of the scope) that
    /// [`Self::deferrable`] allows.
    ///
    /// Sets `defer_checked` when it looked inside the bindings, so that
    /// scopes nested in them are not searched again (each part of the file
    /// is searched at most once). Values that stand in for themselves are
    /// not searched: what they spell is known.
    pub(super) fn deferred_bindings(
        &mut self,
        values: &[Option<&ast::Expr>],
        standalone: &[bool],
    ) -> Vec<bool> {
        let mut out = vec![false; values.len()];
        let searched_before = self.defer_checked;
        for (i, e) in values.iter().enumerate() {
            let Some(e) = e.filter(|_| standalone.get(i).copied().unwrap_or(false)) else {
                continue;
            };
            let e = unparen(e);
            if crate::syntax::is_stand_in(e.syntax().green()) {
                out[i] = self.stand_in(&e).is_some_and(|s| {
                    let variables = s.names.get(..s.variables as usize).unwrap_or_default();
                    variables.iter().all(|&name| self.reads_global(name))
                });
                continue;
            }
            if searched_before {
                continue;
            }
            if self.makes_generic_thunk(&e) {
                self.defer_checked = true;
                out[i] = self.deferrable(&e);
            }
        }
        out
    }

    /// Whether `compile_lazy` makes `e` a thunk of its own code (its last
    /// case), with nothing that could be known constant.
    fn makes_generic_thunk(&mut self, e: &ast::Expr) -> bool {
        makes_generic_thunk(e.syntax().green(), || self.is_constant(e))
    }

    /// Whether `e` compiles to the same code outside this scope, and
    /// without error: see the module's documentation.
    fn deferrable(&self, e: &ast::Expr) -> bool {
        let node = e.syntax();
        walk_deferrable(node.green(), |spelled| match spelled {
            Spelled::Variable(token) => self.reads_global(Symbol::from_str(token.text())),
            Spelled::Attribute(_) | Spelled::Or | Spelled::Reads => true,
        })
    }

    /// What is known of the value `e` that stands in for itself.
    fn stand_in(&self, e: &ast::Expr) -> Option<&StandIn> {
        let start = self.base + u32::from(e.syntax().text_range().start());
        self.folds.stand_in_at(start)
    }

    /// Whether the value `e` that stands in for itself spells none of the
    /// names `own` (those of its scope).
    pub(super) fn stand_in_names_none_of(&self, e: &ast::Expr, own: &ScopeNames) -> bool {
        self.stand_in(e).is_some_and(|s| {
            let or = s.spells_or && own.contains(b"or");
            !or && !s.names.iter().any(|n| own.contains(n.as_bytes()))
        })
    }

    /// Whether the variable `name` is a global here.
    fn reads_global(&self, name: Symbol) -> bool {
        matches!(
            self.scopes.lookup(name, 0),
            Lookup::Unbound | Lookup::With(_)
        ) && self.globals.contains_key(&name)
    }

    /// Emits the thunk of a deferred binding: a chunk that only holds where
    /// its expression is (see [`compiled`]).
    pub(super) fn emit_deferred(&mut self, e: &ast::Expr, name: Symbol) {
        let Some(ctx) = self.defer.clone() else {
            return;
        };
        let span = self.span(e);
        let mut stand_in = ChunkBuilder {
            attribute: Some(name),
            ..ChunkBuilder::default()
        };
        stand_in.deferred = Some(Box::new(Deferred {
            ctx,
            name,
            span,
            code: OnceCell::new(),
        }));
        let chunk = Rc::new(stand_in.take_exact());
        let c = self.chunk();
        c.chunks.push(chunk);
        let i = (c.chunks.len() - 1) as u32;
        self.emit(Op::MakeThunk(i), span);
    }
}

/// Whether an expression of the node `green` is compiled to a thunk of its
/// own code (the last case of `compile_lazy`), with nothing that could be
/// known constant (`is_constant` tells for lists and sets).
fn makes_generic_thunk(green: &rowan::GreenNodeData, is_constant: impl FnOnce() -> bool) -> bool {
    match <rnix::NixLanguage as rowan::Language>::kind_from_raw(green.kind()) {
        K::NODE_APPLY
        | K::NODE_SELECT
        | K::NODE_BIN_OP
        | K::NODE_UNARY_OP
        | K::NODE_IF_ELSE
        | K::NODE_HAS_ATTR => true,
        K::NODE_STRING => !super::constants::has_no_interpolation(green),
        K::NODE_LIST | K::NODE_ATTR_SET => !is_constant(),
        _ => false,
    }
}

/// A name a deferrable expression spells, as [`walk_deferrable`] meets it.
enum Spelled<'t> {
    /// A variable (its identifier's token).
    Variable(&'t rowan::GreenTokenData),
    /// An attribute's name written plainly.
    Attribute(&'t rowan::GreenTokenData),
    /// The `or` keyword of a selection with a default.
    Or,
    /// Not a name: an application, selection, operator, condition,
    /// interpolation or dynamic attribute, which no constant has.
    Reads,
}

/// Whether the expression of the node `green` has only what a deferred
/// binding may have (see the module's documentation), given that `spelled`
/// accepts every name it spells; `spelled` sees them in order until it
/// refuses one.
fn walk_deferrable(
    green: &rowan::GreenNodeData,
    mut spelled: impl FnMut(Spelled<'_>) -> bool,
) -> bool {
    if !deferrable_node(green, None, &mut spelled) {
        return false;
    }
    // Each open node's kind and the children left to visit.
    let mut open = Vec::with_capacity(16);
    open.push((green.kind(), green.children()));
    while let Some((parent, children)) = open.last_mut() {
        let parent = *parent;
        let fine = match children.next() {
            None => {
                open.pop();
                continue;
            }
            Some(NodeOrToken::Node(n)) => {
                open.push((n.kind(), n.children()));
                deferrable_node(n, Some(parent), &mut spelled)
            }
            Some(NodeOrToken::Token(t)) => {
                let kind = t.kind();
                if kind == raw(K::TOKEN_OR) && parent != raw(K::NODE_IDENT) {
                    spelled(Spelled::Or)
                } else {
                    deferrable_token(kind, t.text())
                }
            }
        };
        if !fine {
            return false;
        }
    }
    true
}

/// One node of a deferrable expression, below `parent`; the names it
/// spells go to `spelled`.
fn deferrable_node(
    n: &rowan::GreenNodeData,
    parent: Option<rowan::SyntaxKind>,
    spelled: &mut impl FnMut(Spelled<'_>) -> bool,
) -> bool {
    let kind = n.kind();
    if kind == raw(K::NODE_IDENT) {
        let Some(NodeOrToken::Token(t)) = n.children().next() else {
            return false;
        };
        // An attribute's name, or a variable.
        return spelled(if parent == Some(raw(K::NODE_ATTRPATH)) {
            Spelled::Attribute(t)
        } else {
            Spelled::Variable(t)
        });
    }
    if kind == raw(K::NODE_ATTR_SET) {
        return crate::syntax::is_folded(n) || plain_set(n);
    }
    const APPLY: u16 = K::NODE_APPLY as u16;
    const SELECT: u16 = K::NODE_SELECT as u16;
    const BIN_OP: u16 = K::NODE_BIN_OP as u16;
    const UNARY_OP: u16 = K::NODE_UNARY_OP as u16;
    const PAREN: u16 = K::NODE_PAREN as u16;
    const IF_ELSE: u16 = K::NODE_IF_ELSE as u16;
    const HAS_ATTR: u16 = K::NODE_HAS_ATTR as u16;
    const LIST: u16 = K::NODE_LIST as u16;
    const ATTRPATH_VALUE: u16 = K::NODE_ATTRPATH_VALUE as u16;
    const ATTRPATH: u16 = K::NODE_ATTRPATH as u16;
    const LITERAL: u16 = K::NODE_LITERAL as u16;
    const STRING: u16 = K::NODE_STRING as u16;
    const INTERPOL: u16 = K::NODE_INTERPOL as u16;
    const DYNAMIC: u16 = K::NODE_DYNAMIC as u16;
    match kind.0 {
        APPLY | SELECT | BIN_OP | UNARY_OP | IF_ELSE | HAS_ATTR | INTERPOL | DYNAMIC => {
            spelled(Spelled::Reads)
        }
        PAREN | LIST | ATTRPATH_VALUE | ATTRPATH | LITERAL | STRING => true,
        _ => false,
    }
}

/// A set that cannot fail to compile: not `rec`, and each binding a plain
/// name (`a = …;`) different from the others. Dotted paths, quoted or
/// dynamic names and `inherit` are left to the file's compilation.
fn plain_set(n: &rowan::GreenNodeData) -> bool {
    let mut names: smallvec::SmallVec<[&str; 16]> = smallvec::SmallVec::new();
    for child in n.children() {
        let binding = match child {
            NodeOrToken::Token(t) if t.kind() == raw(K::TOKEN_REC) => return false,
            NodeOrToken::Token(_) => continue,
            NodeOrToken::Node(binding) => binding,
        };
        if binding.kind() != raw(K::NODE_ATTRPATH_VALUE) {
            return false;
        }
        let Some(path) = binding.children().find_map(NodeOrToken::into_node) else {
            return false;
        };
        let mut attrs = path.children().filter_map(NodeOrToken::into_node);
        let (Some(attr), None) = (attrs.next(), attrs.next()) else {
            return false;
        };
        if path.kind() != raw(K::NODE_ATTRPATH) || attr.kind() != raw(K::NODE_IDENT) {
            return false;
        }
        let Some(NodeOrToken::Token(name)) = attr.children().next() else {
            return false;
        };
        names.push(name.text());
    }
    // Sets written by hand or generated are small: pairs are compared
    // directly below a few dozen names.
    if names.len() <= 32 {
        return names
            .iter()
            .enumerate()
            .all(|(i, a)| !names[..i].contains(a));
    }
    names.sort_unstable();
    names.windows(2).all(|w| w[0] != w[1])
}

/// One token of a deferrable expression: no `rec`, no pipe operator, and
/// numbers the compiler accepts.
fn deferrable_token(kind: rowan::SyntaxKind, text: &str) -> bool {
    if kind == raw(K::TOKEN_INTEGER) || kind == raw(K::TOKEN_FLOAT) {
        let kind = <rnix::NixLanguage as rowan::Language>::kind_from_raw(kind);
        return number_value(kind, text).is_some();
    }
    const REC: u16 = K::TOKEN_REC as u16;
    const PIPE_LEFT: u16 = K::TOKEN_PIPE_LEFT as u16;
    const PIPE_RIGHT: u16 = K::TOKEN_PIPE_RIGHT as u16;
    const ERROR: u16 = K::TOKEN_ERROR as u16;
    !matches!(kind.0, REC | PIPE_LEFT | PIPE_RIGHT | ERROR)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::path::Path;

    /// The code of a chunk and of every chunk and lambda inside it, with
    /// spans: what must not change when a binding is compiled later.
    fn shape(chunk: &Chunk) -> String {
        let mut out = format!(
            "{:?} {:?} {}",
            chunk.code,
            chunk.spans,
            chunk.constants.len()
        );
        for c in chunk.chunks.iter() {
            out.push_str(&format!(" chunk[{}]", shape(c)));
        }
        for l in chunk.lambdas.iter() {
            out.push_str(&format!(" lambda[{}]", shape(&l.chunk)));
        }
        out
    }

    /// Every chunk below `chunk` (itself included), lambda bodies too.
    fn all_chunks(chunk: &Rc<Chunk>, out: &mut Vec<Rc<Chunk>>) {
        out.push(chunk.clone());
        for c in chunk.chunks.iter() {
            all_chunks(c, out);
        }
        for l in chunk.lambdas.iter() {
            all_chunks(&l.chunk, out);
        }
    }

    /// Over the whole corpus, each deferred binding compiles (later, from
    /// its text) to the code compiling it with its file gives, spans
    /// included; and files fail to compile with the same first error. Both
    /// with the values of every `let` and `rec` set standing in for
    /// themselves as they are parsed where they may, and without.
    #[test]
    fn deferred_bindings_compile_as_they_would_with_their_file() {
        let eval = crate::EvaluationBuilder::default().build();
        let _entered = crate::state::enter(&eval.shared.context);
        let globals = eval.shared.globals();
        let (mut files, mut deferred, mut stood_in, mut refused) = (0, 0, 0, 0);
        for (path, text) in crate::syntax::corpus_texts() {
            let name = path.display().to_string();
            let file = crate::syntax::add_source_bytes(name.clone(), None, &text, false);
            let compile = |folds: Folds, defer: bool| {
                crate::syntax::parse_folding_with(file, &text, folds, |expr, folds| {
                    if !defer {
                        let eager = super::super::compile_folded(
                            expr,
                            &folds,
                            Path::new("/"),
                            &globals,
                            None,
                        );
                        return (eager, false, 0);
                    }
                    // Every scope, however small, so that the corpus has some.
                    let source = crate::syntax::source(file).expect("registered");
                    let mut ctx = DeferContext::new(PathBuf::from("/"), globals.clone(), source);
                    ctx.min_scope = 0;
                    let later = super::super::compile_deferring(expr, &folds, Rc::new(ctx), None);
                    let stand_ins = expr
                        .syntax()
                        .descendants()
                        .filter(|n| crate::syntax::is_stand_in(n.green()))
                        .count();
                    (later, folds.refused(), stand_ins)
                })
            };
            let Ok((eager, _, _)) = compile(Folds::new(file), false) else {
                continue;
            };
            files += 1;
            let mut by_span: HashMap<(u32, u32), Vec<Rc<Chunk>>> = HashMap::new();
            if let Ok(eager) = &eager {
                let mut chunks = Vec::new();
                all_chunks(eager, &mut chunks);
                for c in chunks {
                    if let (Some(Op::Return), span) = (c.code.last(), c.last_span()) {
                        by_span
                            .entry((span.start, span.end))
                            .or_default()
                            .push(c.clone());
                    }
                }
            }
            let with_stand_ins = Folds::new(file).standing_in(0, globals.clone());
            for (folds, stand_ins) in [(Folds::new(file), false), (with_stand_ins, true)] {
                let Ok((later, gave_up, stand_in_nodes)) = compile(folds, true) else {
                    panic!("{name} parses no more");
                };
                stood_in += stand_in_nodes;
                if gave_up {
                    eprintln!("refused: {name}");
                    refused += 1;
                    continue;
                }
                let later = match (&eager, later) {
                    (Ok(_), Ok(l)) => l,
                    (Err(e), Err(l)) => {
                        assert_eq!(format!("{:?}", e[0]), format!("{:?}", l[0]), "{name}");
                        continue;
                    }
                    (e, l) => panic!("{name}: {:?} / {:?}", e.as_ref().err(), l.err()),
                };
                let mut stand_in_chunks = Vec::new();
                all_chunks(&later, &mut stand_in_chunks);
                for s in stand_in_chunks.iter().filter(|c| c.deferred().is_some()) {
                    let Some(d) = s.deferred() else { continue };
                    let code = match compiled(s) {
                        Some(Ok(code)) => code,
                        other => panic!(
                            "{name}: {:?} does not compile: {:?}",
                            d.span,
                            other.map(|r| r.err())
                        ),
                    };
                    let same = by_span.get(&(d.span.start, d.span.end)).is_some_and(|cs| {
                        cs.iter()
                            .any(|c| shape(c) == shape(&code) && c.attribute == code.attribute)
                    });
                    assert!(same, "{name}: {:?} compiles to {}", d.span, shape(&code));
                    deferred += usize::from(!stand_ins);
                }
            }
        }
        assert!(
            files > 500 && deferred > 50 && stood_in > 50 && refused > 0,
            "{files} files, {deferred} deferred, {stood_in} stand-ins, {refused} refused"
        );
    }

    /// A `let` of `n` bindings `b0 = { id = 0; s = builtins.toString 0; };`
    /// (binding `i` on line `i + 2`), with `change` applied to its lines.
    fn large_let(n: usize, change: impl FnOnce(&mut Vec<String>), body: &str) -> String {
        let mut lines = vec!["let".to_string()];
        lines.extend(
            (0..n).map(|i| format!("  b{i} = {{ id = {i}; s = builtins.toString {i}; }};")),
        );
        change(&mut lines);
        format!("{}\nin {body}\n", lines.join("\n"))
    }

    /// `src` evaluated deeply and printed, or its error and where it is.
    fn evaluated(src: &str) -> String {
        let mut eval = crate::Evaluation::builder().build();
        match eval.evaluate_str(src).and_then(|v| eval.force_deep(&v)) {
            Ok(v) => String::from_utf8_lossy(&crate::value::print_value(&v)).into_owned(),
            Err(e) => format!("{e} at {}..{}", e.span.start, e.span.end),
        }
    }

    /// How many values of `src` stand in for themselves when it is parsed
    /// as a file is.
    fn stand_ins(src: &str) -> usize {
        let eval = crate::EvaluationBuilder::default().build();
        let _entered = crate::state::enter(&eval.shared.context);
        let file = crate::syntax::add_source_bytes("<test>".into(), None, src, false);
        let folds = folds_with_stand_ins(file, eval.shared.globals());
        crate::syntax::parse_folding_with(file, src, folds, |expr, _| {
            expr.syntax()
                .descendants()
                .filter(|n| crate::syntax::is_stand_in(n.green()))
                .count()
        })
        .unwrap_or(0)
    }

    /// Past 1,000 plain names, the values of a large `let` or `rec` set
    /// leave the tree as they are parsed; used ones are compiled from their
    /// text with the positions they have in the file.
    #[test]
    fn large_lets_stand_in_and_keep_their_positions() {
        let body = r#"[ b0.s b1099.s (builtins.unsafeGetAttrPos "s" b1050).line ]"#;
        let src = large_let(1100, |_| {}, body);
        assert_eq!(stand_ins(&src), 100);
        assert_eq!(evaluated(&src), r#"[ "0" "1099" 1052 ]"#);
        // An error in one is reported where it is in the file.
        let src = large_let(
            1100,
            |lines| lines[1052] = r#"  b1051 = builtins.toString (1 + "a");"#.into(),
            "b1051",
        );
        assert_eq!(stand_ins(&src), 100);
        let at = src.find(r#"1 + "a""#).unwrap_or_default();
        assert_eq!(
            evaluated(&src),
            format!(
                "«string»:1053:30: cannot add a string to an integer at {at}..{}",
                at + 7
            )
        );
        // A `rec` set's values too.
        let recursive = large_let(1100, |lines| lines[0] = "rec {".into(), "")
            .replace("\nin \n", "\n}.b1099.s\n");
        assert_eq!(stand_ins(&recursive), 100);
        assert_eq!(evaluated(&recursive), r#""1099""#);
    }

    /// A value that stood in for itself but is not deferred where it is
    /// (a name around it shadows a global it reads; its scope binds a name
    /// it spells; `__overrides`; another binding extends it) has the file
    /// compiled again from its whole tree.
    #[test]
    fn stand_ins_not_deferred_compile_the_file_again() {
        let shadowed = format!(
            "(builtins: {}) {{ toString = x: \"shadow\"; }}",
            large_let(1100, |_| {}, "[ b0.s b1099.s ]")
        );
        assert_eq!(stand_ins(&shadowed), 100);
        assert_eq!(evaluated(&shadowed), r#"[ "shadow" "shadow" ]"#);
        let spelled = large_let(1100, |lines| lines.push("  s = 5;".into()), "[ b1099.s s ]");
        assert_eq!(evaluated(&spelled), r#"[ "1099" 5 ]"#);
        let extended = large_let(
            1100,
            |lines| lines.push("  b1099.more = 2;".into()),
            "b1099",
        );
        assert_eq!(
            evaluated(&extended),
            r#"{ id = 1099; more = 2; s = "1099"; }"#
        );
        let overridden = large_let(
            1100,
            |lines| {
                lines[0] = "rec {".into();
                lines.push("  __overrides = { b1099 = 7; };".into());
            },
            "",
        )
        .replace("\nin \n", "\n}.b1099\n");
        assert_eq!(stand_ins(&overridden), 100);
        assert_eq!(evaluated(&overridden), "7");
    }
}
