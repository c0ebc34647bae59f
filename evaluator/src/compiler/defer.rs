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

use std::cell::OnceCell;
use std::path::PathBuf;
use std::rc::Rc;

use rnix::ast;
use rnix::SyntaxKind as K;
use rowan::ast::AstNode;
use rowan::NodeOrToken;

use super::constants::{number_value, Folds};
use super::scope::Lookup;
use super::{unparen, Compiler, Globals};
use crate::bytecode::{Chunk, ChunkBuilder, Op};
use crate::errors::{Error, ErrorKind};
use crate::syntax::{raw_kind as raw, walk_green, Visit};
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
    /// of at least [`DEFER_MIN_SCOPE`], not inside a scope searched before.
    pub(super) fn may_defer(&self, bindings: usize) -> bool {
        self.defer
            .as_ref()
            .is_some_and(|ctx| !self.defer_checked && bindings >= ctx.min_scope)
    }

    /// Which bindings of a scope [`Self::may_defer`] allowed to defer: the
    /// `standalone` ones (mentioning no binding of the scope) that
    /// [`Self::deferrable`] allows.
    ///
    /// Sets `defer_checked` when it looked inside the bindings, so that
    /// scopes nested in them are not searched again (each part of the file
    /// is searched at most once).
    pub(super) fn deferred_bindings(
        &mut self,
        values: &[Option<&ast::Expr>],
        standalone: &[bool],
    ) -> Vec<bool> {
        let mut out = vec![false; values.len()];
        for (i, e) in values.iter().enumerate() {
            let Some(e) = e.filter(|_| standalone.get(i).copied().unwrap_or(false)) else {
                continue;
            };
            let e = unparen(e);
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
        match e {
            ast::Expr::Apply(_)
            | ast::Expr::Select(_)
            | ast::Expr::BinOp(_)
            | ast::Expr::UnaryOp(_)
            | ast::Expr::IfElse(_)
            | ast::Expr::HasAttr(_) => true,
            ast::Expr::Str(s) => !super::constants::is_plain_string(s),
            ast::Expr::List(_) | ast::Expr::AttrSet(_) => !self.is_constant(e),
            _ => false,
        }
    }

    /// Whether `e` compiles to the same code outside this scope, and
    /// without error: see the module's documentation.
    fn deferrable(&self, e: &ast::Expr) -> bool {
        let node = e.syntax();
        let green = node.green();
        let start = u32::from(node.text_range().start());
        if !self.deferrable_node(green, None) {
            return false;
        }
        let mut ok = true;
        walk_green(green, start, |visit, frames| {
            let parent = frames.last().map(|f| f.kind);
            let fine = match visit {
                Visit::Node(n, _) => self.deferrable_node(n, parent),
                Visit::Token(kind, text) => deferrable_token(kind, text),
            };
            if fine {
                std::ops::ControlFlow::Continue(())
            } else {
                ok = false;
                std::ops::ControlFlow::Break(())
            }
        });
        ok
    }

    /// One node of a deferrable expression, below `parent`.
    fn deferrable_node(&self, n: &rowan::GreenNodeData, parent: Option<rowan::SyntaxKind>) -> bool {
        let kind = n.kind();
        if kind == raw(K::NODE_IDENT) {
            // An attribute's name, or a variable that must be a global.
            if parent == Some(raw(K::NODE_ATTRPATH)) {
                return true;
            }
            let Some(NodeOrToken::Token(t)) = n.children().next() else {
                return false;
            };
            let sym = Symbol::from_str(t.text());
            return matches!(
                self.scopes.lookup(sym, 0),
                Lookup::Unbound | Lookup::With(_)
            ) && self.globals.contains_key(&sym);
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
        matches!(
            kind.0,
            APPLY
                | SELECT
                | BIN_OP
                | UNARY_OP
                | PAREN
                | IF_ELSE
                | HAS_ATTR
                | LIST
                | ATTRPATH_VALUE
                | ATTRPATH
                | LITERAL
                | STRING
                | INTERPOL
                | DYNAMIC
        )
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

/// A set that cannot fail to compile: not `rec`, and each binding a plain
/// name (`a = …;`) different from the others. Dotted paths, quoted or
/// dynamic names and `inherit` are left to the file's compilation.
fn plain_set(n: &rowan::GreenNodeData) -> bool {
    let mut names: Vec<&str> = Vec::new();
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
    /// included; and files fail to compile with the same first error.
    #[test]
    fn deferred_bindings_compile_as_they_would_with_their_file() {
        let eval = crate::EvaluationBuilder::default().build();
        let _entered = crate::state::enter(&eval.shared.context);
        let globals = eval.shared.globals();
        let (mut files, mut deferred) = (0, 0);
        for (path, text) in crate::syntax::corpus_texts() {
            let name = path.display().to_string();
            let file = crate::syntax::add_source_bytes(name.clone(), None, &text, false);
            let _ =
                crate::syntax::parse_folding_with(file, &text, Folds::new(file), |expr, folds| {
                    let eager =
                        super::super::compile_folded(expr, &folds, Path::new("/"), &globals, None);
                    // Every scope, however small, so that the corpus has some.
                    let source = crate::syntax::source(file).expect("registered");
                    let mut ctx = DeferContext::new(PathBuf::from("/"), globals.clone(), source);
                    ctx.min_scope = 0;
                    let ctx = Rc::new(ctx);
                    let later = super::super::compile_deferring(expr, &folds, ctx, None);
                    let (eager, later) = match (eager, later) {
                        (Ok(e), Ok(l)) => (e, l),
                        (Err(e), Err(l)) => {
                            assert_eq!(format!("{:?}", e[0]), format!("{:?}", l[0]), "{name}");
                            return;
                        }
                        (e, l) => panic!("{name}: {:?} / {:?}", e.err(), l.err()),
                    };
                    files += 1;
                    let mut by_span: HashMap<(u32, u32), Vec<Rc<Chunk>>> = HashMap::new();
                    let mut chunks = Vec::new();
                    all_chunks(&eager, &mut chunks);
                    for c in chunks {
                        if let (Some(Op::Return), Some(span)) = (c.code.last(), c.spans.last()) {
                            by_span
                                .entry((span.start, span.end))
                                .or_default()
                                .push(c.clone());
                        }
                    }
                    let mut stand_ins = Vec::new();
                    all_chunks(&later, &mut stand_ins);
                    for s in stand_ins.iter().filter(|c| c.deferred().is_some()) {
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
                        deferred += 1;
                    }
                });
        }
        assert!(
            files > 500 && deferred > 50,
            "{files} files, {deferred} deferred"
        );
    }
}
