//! The compiler: `rnix` syntax tree → bytecode chunks, with static scope
//! resolution, thunks only where evaluation must be deferred, and attribute
//! sets merged statically the way C++ Nix's parser merges them.

mod attrs;
mod constants;
pub(crate) mod defer;
pub(crate) use constants::Folds;
mod fuse;
mod lambda;
mod last_use;
mod operators;
mod places;
mod scope;
mod show;
mod speculate;
mod strings;
mod token_folds;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use rnix::ast;
use rowan::ast::AstNode;

use crate::bytecode::{Capture, Chunk, ChunkBuilder, Idx, Op};
use crate::errors::{Error, ErrorKind};
use crate::syntax::Span;
use crate::value::{Symbol, Value};
use operators::Operand;
pub use places::{canon_path, pos_string, pos_value};
pub use scope::{Binding, Level, LevelKind, Lookup, Scopes};
pub use show::show;

/// Values every program can name without binding them (`true`, `map`, `builtins`, `__add`, …).
pub type Globals = HashMap<Symbol, Value>;

/// Host stack the compiler keeps free before recursing: when less is
/// left, it continues on a new segment of `STACK_SEGMENT` bytes.
pub(crate) const STACK_RED_ZONE: usize = 128 * 1024;
pub(crate) const STACK_SEGMENT: usize = 4 * 1024 * 1024;

/// Compiles a parsed file or expression into the chunk that evaluates it.
///
/// `dir` is the directory relative path literals resolve against. `scope`
/// names variables bound around the file (for `scopedImport`): the chunk's
/// `captures` then say which of them it uses, as `Capture::Local(i)` for
/// `scope[i]`.
pub fn compile(
    expr: &ast::Expr,
    file: u32,
    dir: &Path,
    globals: &Globals,
    scope: Option<Vec<Symbol>>,
) -> Result<Rc<Chunk>, Vec<Error>> {
    compile_folded(expr, &Folds::new(file), dir, globals, scope)
}

/// [`compile`] for a tree parsed with folding (see
/// [`crate::syntax::Fold`]): folded literals are taken from `folds`.
pub(crate) fn compile_folded(
    expr: &ast::Expr,
    folds: &Folds,
    dir: &Path,
    globals: &Globals,
    scope: Option<Vec<Symbol>>,
) -> Result<Rc<Chunk>, Vec<Error>> {
    compile_unit(expr, folds, dir, globals, scope, None)
}

/// [`compile_folded`] for a file whose `let` and `rec` bindings may be
/// compiled when first forced (see [`defer`]).
pub(crate) fn compile_deferring(
    expr: &ast::Expr,
    folds: &Folds,
    ctx: Rc<defer::DeferContext>,
    scope: Option<Vec<Symbol>>,
) -> Result<Rc<Chunk>, Vec<Error>> {
    compile_unit(
        expr,
        folds,
        &ctx.dir,
        &ctx.globals,
        scope,
        Some(ctx.clone()),
    )
}

fn compile_unit(
    expr: &ast::Expr,
    folds: &Folds,
    dir: &Path,
    globals: &Globals,
    scope: Option<Vec<Symbol>>,
    defer: Option<Rc<defer::DeferContext>>,
) -> Result<Rc<Chunk>, Vec<Error>> {
    let file = folds.file();
    // String literals restore the file's raw bytes while it compiles.
    crate::syntax::with_file_bytes(file, || {
        let mut c = Compiler::new(folds, 0, dir.to_path_buf(), globals, defer);
        let span = Span::of(file, expr.syntax());
        let chunk = match scope {
            Some(names) => {
                // The scope's variables live in an outer unit the file's code captures from.
                c.push_vars(names.into_iter().map(Some).collect());
                c.sub_chunk(None, |c| {
                    c.compile_strict(expr);
                    c.emit(Op::Return, span);
                })
            }
            None => {
                c.compile_strict(expr);
                c.emit(Op::Return, span);
                let unit = c.units.pop().unwrap_or_default();
                Rc::new(unit.finish(&mut c.spare_chunks))
            }
        };
        if !c.errors.is_empty() {
            return Err(c.errors);
        }
        Ok(chunk)
    })
}

/// A compilation unit: the chunk of one thunk, lambda body or file, whose
/// frame holds the slots of the scope levels it opens.
#[derive(Default)]
struct Unit {
    chunk: ChunkBuilder,
    /// The next free local slot.
    next_slot: u32,
}

impl Unit {
    /// The unit's chunk, its vectors exactly as long as what they hold:
    /// code lives as long as the values made from it, and a generated
    /// file's hundreds of thousands of chunks would otherwise keep up to
    /// half their room unused. The unit's own vectors, now empty, keep
    /// their room in `spare` for the next unit, so compiling grows no
    /// vector one push at a time.
    fn finish(mut self, spare: &mut Vec<ChunkBuilder>) -> Chunk {
        last_use::mark_last_uses(&mut self.chunk);
        fuse::fuse_forced_reads(&mut self.chunk);
        let chunk = self.chunk.take_exact();
        spare.push(self.chunk);
        chunk
    }
}

/// The name of an attribute when it is known at compile time (interning it).
pub fn static_attr_name(a: &ast::Attr) -> Option<Symbol> {
    attrs::static_key(a)
}

struct Compiler<'a> {
    file: u32,
    /// Added to the offsets of the tree compiled: where its text starts in
    /// the file (a deferred binding's text is parsed on its own).
    base: u32,
    /// The literals folded while parsing.
    folds: &'a Folds,
    dir: PathBuf,
    globals: &'a Globals,
    scopes: Scopes,
    /// Units under construction, innermost last.
    units: Vec<Unit>,
    errors: Vec<Error>,
    /// While filling a `let`/`rec` scope: the position of the binding being filled.
    filling_slot: Option<u32>,
    /// Set while compiling a recursive binding that is a thunk: the local
    /// slot holding its blank thunk, which the binding's thunk initialises.
    init_slot: Option<u32>,
    /// The last expression found constant (`constants::is_constant`) by
    /// its green node, so that compiling it does not check it again.
    known_constant: Option<usize>,
    /// Set while compiling a recursive binding classified as needing no thunk.
    expect_direct: bool,
    /// Emptied chunks of finished units, whose vectors keep their room for
    /// the next units (see [`Unit::finish`]).
    spare_chunks: Vec<ChunkBuilder>,
    /// For a file whose bindings may be compiled when first forced (see
    /// [`defer`]): what they compile with then.
    defer: Option<Rc<defer::DeferContext>>,
    /// Set inside the bindings of a scope searched for deferrable ones.
    defer_checked: bool,
}

/// The name an identifier node spells. Read from the green tree: going
/// through rowan's cursor API allocated a node and a `String` per identifier.
fn ident_name(i: &ast::Ident) -> Symbol {
    let green = i.syntax().green();
    let mut children = green.children();
    if let (Some(rowan::NodeOrToken::Token(t)), None) = (children.next(), children.next()) {
        return Symbol::from_str(t.text());
    }
    Symbol::from_str(i.syntax().text().to_string().as_str())
}

/// Whether a set literal is `rec { … }`: its first element is the keyword
/// (the parser puts leading trivia outside the node). rnix's `rec_token`
/// looks through every child, i.e. every binding of the set.
fn is_rec(set: &ast::AttrSet) -> bool {
    let green = set.syntax().green();
    let first = green.children().next();
    matches!(first, Some(rowan::NodeOrToken::Token(t))
        if t.kind() == crate::syntax::raw_kind(rnix::SyntaxKind::TOKEN_REC))
}

/// Strips parentheses, which C++ Nix's syntax tree does not keep.
fn unparen(e: &ast::Expr) -> ast::Expr {
    let mut e = e.clone();
    while let ast::Expr::Paren(p) = &e {
        match p.expr() {
            Some(inner) => e = inner,
            None => break,
        }
    }
    e
}

impl<'a> Compiler<'a> {
    /// A compiler for the file of `folds` with one unit open, for a tree
    /// whose offsets start `base` bytes into the file.
    fn new(
        folds: &'a Folds,
        base: u32,
        dir: PathBuf,
        globals: &'a Globals,
        defer: Option<Rc<defer::DeferContext>>,
    ) -> Self {
        Compiler {
            file: folds.file(),
            base,
            folds,
            dir,
            globals,
            scopes: Scopes::default(),
            units: vec![Unit::default()],
            errors: Vec::new(),
            filling_slot: None,
            init_slot: None,
            known_constant: None,
            expect_direct: false,
            spare_chunks: Vec::new(),
            defer,
            defer_checked: false,
        }
    }

    fn span(&self, node: &impl rnix::ast::AstNode) -> Span {
        let r = node.syntax().text_range();
        Span {
            file: self.file,
            start: self.base + u32::from(r.start()),
            end: self.base + u32::from(r.end()),
        }
    }

    fn chunk(&mut self) -> &mut ChunkBuilder {
        if self.units.is_empty() {
            self.units.push(Unit::default());
        }
        let last = self.units.len() - 1;
        &mut self.units[last].chunk
    }

    fn current_unit(&self) -> usize {
        self.units.len().saturating_sub(1)
    }

    /// Reserves `n` consecutive local slots in the current unit.
    fn alloc_slots(&mut self, n: u32) -> u32 {
        let first = self.units.last().map_or(0, |u| u.next_slot);
        if let Some(u) = self.units.last_mut() {
            u.next_slot += n;
            u.chunk.locals = u.chunk.locals.max(u.next_slot);
        }
        first
    }

    /// Opens a scope level binding `names` to fresh consecutive slots; returns the first.
    fn push_vars(&mut self, names: Vec<Option<Symbol>>) -> u32 {
        let first = self.alloc_slots(names.len() as u32);
        let vars = names
            .into_iter()
            .enumerate()
            .map(|(i, n)| (n, first + i as u32))
            .collect();
        let unit = self.current_unit();
        self.scopes.levels.push(Level::vars(unit, vars));
        first
    }

    /// Opens a `with` level whose namespace lives in a fresh slot; returns it.
    fn push_with(&mut self) -> u32 {
        let slot = self.alloc_slots(1);
        let unit = self.current_unit();
        self.scopes.levels.push(Level::with(unit, slot));
        slot
    }

    /// Closes the innermost level, freeing its slots for later levels.
    fn pop_level(&mut self) {
        let Some(level) = self.scopes.levels.pop() else {
            return;
        };
        let n = match &level.kind {
            LevelKind::Vars(v) => v.len() as u32,
            LevelKind::With(_) => 1,
        };
        if let Some(u) = self.units.get_mut(level.unit) {
            u.next_slot = u.next_slot.saturating_sub(n);
        }
    }

    /// How code in unit `unit` reaches slot `slot` of unit `owner`'s frame:
    /// directly, or through upvalues captured by every unit in between.
    fn source_in(&mut self, unit: usize, owner: usize, slot: u32) -> Capture {
        if unit <= owner {
            return Capture::Local(slot);
        }
        let outer = self.source_in(unit - 1, owner, slot);
        let caps = &mut self.units[unit].chunk.captures;
        let i = match caps.iter().position(|c| *c == outer) {
            Some(i) => i,
            None => {
                caps.push(outer);
                caps.len() - 1
            }
        };
        Capture::Upvalue(i as u32)
    }

    /// How the current unit reaches a binding (registering captures as needed).
    fn source(&mut self, owner: usize, slot: u32) -> Capture {
        self.source_in(self.current_unit(), owner, slot)
    }

    /// The current unit's access paths to `with` namespaces given as (unit, slot).
    fn with_sources(&mut self, withs: &[(usize, u32)]) -> Vec<Capture> {
        withs.iter().map(|&(u, s)| self.source(u, s)).collect()
    }

    fn emit_get(&mut self, cap: Capture, span: Span) {
        match cap {
            Capture::Local(i) => self.emit(Op::GetLocal(i), span),
            Capture::Upvalue(i) => self.emit(Op::GetUpvalue(i), span),
        };
    }

    /// Emits a read of a statically bound variable (not forced).
    fn emit_binding(&mut self, b: Binding, span: Span) {
        let cap = self.source(b.unit, b.slot);
        self.emit_get(cap, span);
    }

    /// Emits a `with` lookup of `sym` through the namespaces given as (unit, slot).
    fn emit_with_lookup(&mut self, sym: Symbol, withs: &[(usize, u32)], span: Span) {
        let sources = self.with_sources(withs);
        let name = self.name(sym);
        let c = self.chunk();
        c.withs.push(sources);
        let w = (c.withs.len() - 1) as Idx;
        self.emit(Op::WithLookup { name, withs: w }, span);
        // A lookup result may be a thunk.
        self.emit(Op::Force, span);
    }

    fn emit(&mut self, op: Op, span: Span) -> usize {
        let chunk = self.chunk();
        chunk.code.push(op);
        chunk.spans.push(span);
        chunk.code.len() - 1
    }

    fn here(&mut self) -> u32 {
        self.chunk().code.len() as u32
    }

    fn patch_jump(&mut self, at: usize) {
        let target = self.here();
        let op = &mut self.chunk().code[at];
        *op = match *op {
            Op::Jump(_) => Op::Jump(target),
            Op::JumpIfFalse(_) => Op::JumpIfFalse(target),
            Op::JumpIfTrue(_) => Op::JumpIfTrue(target),
            Op::SelectOr(n, _) => Op::SelectOr(n, target),
            Op::SelectOrDyn(_) => Op::SelectOrDyn(target),
            other => other,
        };
    }

    fn constant(&mut self, v: Value) -> Idx {
        let c = self.chunk();
        c.constants.push(v);
        (c.constants.len() - 1) as Idx
    }

    fn emit_constant(&mut self, v: Value, span: Span) {
        let i = self.constant(v);
        self.emit(Op::Constant(i), span);
    }

    fn name(&mut self, s: Symbol) -> Idx {
        let c = self.chunk();
        if let Some(i) = c.names.iter().position(|n| *n == s) {
            return i as Idx;
        }
        c.names.push(s);
        (c.names.len() - 1) as Idx
    }

    fn error(&mut self, kind: ErrorKind, span: Span) {
        self.errors.push(Error::new(kind, span));
    }

    /// Compiles `f` into a fresh unit and returns its chunk, whose captures
    /// are read from the current unit's frame.
    fn sub_chunk(&mut self, attribute: Option<Symbol>, f: impl FnOnce(&mut Self)) -> Rc<Chunk> {
        let saved_init = self.init_slot.take();
        let saved_direct = std::mem::replace(&mut self.expect_direct, false);
        let mut chunk = self.spare_chunks.pop().unwrap_or_default();
        chunk.attribute = attribute;
        self.units.push(Unit {
            chunk,
            next_slot: 0,
        });
        f(self);
        self.init_slot = saved_init;
        self.expect_direct = saved_direct;
        let unit = self.units.pop().unwrap_or_default();
        Rc::new(unit.finish(&mut self.spare_chunks))
    }

    /// Emits a thunk whose body `f` compiles in the current scope.
    fn emit_thunk(&mut self, span: Span, f: impl FnOnce(&mut Self)) {
        self.emit_named_thunk(span, None, f)
    }

    /// Emits a thunk whose error traces name what it computes.
    fn emit_named_thunk(
        &mut self,
        span: Span,
        attribute: Option<Symbol>,
        f: impl FnOnce(&mut Self),
    ) {
        // Only the outermost thunk of a recursive binding initialises its blank.
        let init = self.init_slot.take();
        if self.expect_direct {
            self.error(
                ErrorKind::Eval("internal compiler error: unexpected thunk in a binding".into()),
                span,
            );
        }
        let chunk = self.sub_chunk(attribute, |c| {
            f(c);
            c.emit(Op::Return, span);
        });
        let speculation = speculate::integer_operation(&chunk);
        let c = self.chunk();
        c.chunks.push(chunk);
        let i = (c.chunks.len() - 1) as Idx;
        match (init, speculation) {
            (Some(slot), _) => self.emit(Op::InitThunk { chunk: i, slot }, span),
            (None, Some(s)) => {
                let c = self.chunk();
                c.speculations.push(s);
                let spec = (c.speculations.len() - 1) as Idx;
                self.emit(Op::MakeSpeculativeThunk { chunk: i, spec }, span)
            }
            (None, None) => self.emit(Op::MakeThunk(i), span),
        };
    }

    /// Whether `compile_lazy(e)` makes a thunk (everything else it emits is
    /// a single instruction that evaluates nothing).
    fn lazy_makes_thunk(&self, e: &ast::Expr) -> bool {
        let e = unparen(e);
        match &e {
            ast::Expr::Literal(_) => false,
            ast::Expr::Str(s) => strings::has_interpolation(s),
            ast::Expr::Ident(i) => {
                let sym = ident_name(i);
                matches!(self.scopes.lookup(sym, 0), Lookup::With(_))
                    && !self.globals.contains_key(&sym)
            }
            ast::Expr::PathAbs(_) | ast::Expr::PathRel(_) | ast::Expr::PathHome(_) => {
                e.to_string().contains("${")
            }
            _ => true,
        }
    }

    // ---- expressions -------------------------------------------------

    /// Emits code leaving the value of `e` on the stack, without evaluating
    /// anything: constants, variables and lambdas directly, the rest as thunks.
    fn compile_lazy(&mut self, e: &ast::Expr, name: Option<Symbol>) {
        // Deep input (5,000-term chains, 10,000 nested lists) recurses this
        // deep: the stack grows on the heap rather than overflowing.
        stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
            self.compile_lazy_here(e, name)
        })
    }

    fn compile_lazy_here(&mut self, e: &ast::Expr, name: Option<Symbol>) {
        let e = unparen(e);
        let span = self.span(&e);
        match &e {
            ast::Expr::Literal(_) => self.compile_strict(&e),
            ast::Expr::Str(s) if constants::is_plain_string(s) => self.compile_strict(&e),
            ast::Expr::Ident(i) => {
                let sym = ident_name(i);
                match self.scopes.lookup(sym, 0) {
                    Lookup::Static(b) => self.emit_binding(b, span),
                    Lookup::With(_) if !self.globals.contains_key(&sym) => {
                        self.emit_thunk(span, |c| c.compile_strict(&e))
                    }
                    _ => self.compile_var(sym, span, false),
                }
            }
            // Path literals are constants, as in C++ Nix.
            ast::Expr::PathAbs(_) | ast::Expr::PathRel(_) | ast::Expr::PathHome(_)
                if !e.to_string().contains("${") =>
            {
                self.compile_strict(&e)
            }
            // C++ Nix makes a thunk for a lambda in a lazy position too, and
            // it shows (`<CODE>` until used, in non-strict output). Making a
            // closure evaluates nothing and cannot fail, so it is made now,
            // in a thunk that stands for it: forcing that needs no frame, no
            // second capture and no cycle-root registration. A recursive
            // binding keeps a code thunk, which siblings capture before it
            // is filled in.
            ast::Expr::Lambda(l) if self.init_slot.is_none() => {
                self.compile_lambda_as(l, name, true)
            }
            // A list or set of literals only (see `constants`): built now,
            // in a thunk that copies it when forced.
            ast::Expr::List(_) | ast::Expr::AttrSet(_)
                if self.init_slot.is_none() && self.is_constant(&e) =>
            {
                match self.constant_value(&e) {
                    Some(v) => self.emit_constant_thunk(v, span),
                    None => self.error(
                        ErrorKind::Eval(
                            "internal compiler error: a literal is not constant".into(),
                        ),
                        span,
                    ),
                }
            }
            ast::Expr::Lambda(l) => {
                let l = l.clone();
                self.emit_named_thunk(span, name, |c| c.compile_lambda(&l, name))
            }
            _ => self.emit_named_thunk(span, name, |c| c.compile_strict(&e)),
        }
    }

    /// Emits code that evaluates `e` to weak head normal form.
    fn compile_strict(&mut self, e: &ast::Expr) {
        stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
            self.compile_strict_here(e)
        })
    }

    fn compile_strict_here(&mut self, e: &ast::Expr) {
        let span = self.span(e);
        match e {
            ast::Expr::Paren(p) => match p.expr() {
                Some(inner) => self.compile_strict(&inner),
                None => self.error(ErrorKind::ParseError("empty parentheses".into()), span),
            },
            ast::Expr::Root(r) => match r.expr() {
                Some(inner) => self.compile_strict(&inner),
                None => self.error(ErrorKind::ParseError("empty expression".into()), span),
            },
            ast::Expr::Literal(l) => self.compile_literal(l, span),
            ast::Expr::Str(s) => self.compile_str(s, span),
            ast::Expr::Ident(i) => {
                let sym = ident_name(i);
                self.compile_var(sym, span, true);
            }
            ast::Expr::PathAbs(_)
            | ast::Expr::PathRel(_)
            | ast::Expr::PathHome(_)
            | ast::Expr::PathSearch(_) => self.compile_path(e, span),
            ast::Expr::List(_) | ast::Expr::AttrSet(_)
                if crate::syntax::is_folded(e.syntax().green()) =>
            {
                self.emit_folded(e, span)
            }
            ast::Expr::List(l) => {
                let mut n = 0;
                for item in l.items() {
                    self.compile_lazy(&item, None);
                    n += 1;
                }
                self.emit(Op::MakeList(n), span);
            }
            ast::Expr::AttrSet(a) => self.compile_attr_set(a, span),
            ast::Expr::LetIn(l) => self.compile_let(l, span),
            ast::Expr::LegacyLet(l) => self.compile_legacy_let(l, span),
            ast::Expr::Lambda(l) => self.compile_lambda(l, None),
            ast::Expr::Apply(a) => {
                // `f x y`: one two-argument call, so curried lambdas are entered at once.
                if let (Some(ast::Expr::Apply(inner)), Some(y)) =
                    (a.lambda().map(|l| unparen(&l)), a.argument())
                {
                    if let (Some(f), Some(x)) = (inner.lambda(), inner.argument()) {
                        self.compile_strict(&f);
                        self.compile_lazy(&x, None);
                        self.compile_lazy(&y, None);
                        self.emit(Op::Call2, span);
                        return;
                    }
                }
                match a.lambda() {
                    Some(f) => self.compile_strict(&f),
                    None => {
                        return self.error(ErrorKind::ParseError("missing function".into()), span)
                    }
                }
                match a.argument() {
                    Some(x) => self.compile_lazy(&x, None),
                    None => {
                        return self.error(ErrorKind::ParseError("missing argument".into()), span)
                    }
                }
                self.emit(Op::Call, span);
            }
            ast::Expr::Select(s) => self.compile_select(s, span),
            ast::Expr::HasAttr(h) => self.compile_has_attr(h, span),
            ast::Expr::IfElse(i) => {
                self.compile_opt(i.condition(), span);
                let jf = self.emit(Op::JumpIfFalse(0), span);
                self.compile_opt(i.body(), span);
                let jend = self.emit(Op::Jump(0), span);
                self.patch_jump(jf);
                self.compile_opt(i.else_body(), span);
                self.patch_jump(jend);
            }
            ast::Expr::Assert(a) => {
                let cond_text = a
                    .condition()
                    .map(|c| show(&c, &self.dir))
                    .unwrap_or_default();
                self.compile_opt(a.condition(), span);
                let jok = self.emit(Op::JumpIfTrue(0), span);
                let i = self.constant(Value::string(cond_text));
                self.emit(Op::AssertFail(i), span);
                self.patch_jump(jok);
                self.compile_opt(a.body(), span);
            }
            ast::Expr::With(w) => {
                match w.namespace() {
                    Some(ns) => self.compile_lazy(&ns, None),
                    None => {
                        return self
                            .error(ErrorKind::ParseError("missing with namespace".into()), span)
                    }
                }
                let slot = self.push_with();
                self.emit(Op::SetLocal(slot), span);
                self.compile_opt(w.body(), span);
                self.pop_level();
            }
            ast::Expr::UnaryOp(u) => match u.operator() {
                Some(ast::UnaryOpKind::Invert) => {
                    self.compile_opt(u.expr(), span);
                    self.emit(Op::Not, span);
                }
                _ => {
                    // `-x` is `__sub 0 x`; a user binding of `__sub` takes over.
                    if let Some(x) = u.expr() {
                        let zero = Operand::Constant(Value::Int(0));
                        if self.compile_user_operator("__sub", zero, Operand::Expr(x.clone()), span)
                        {
                            return;
                        }
                    }
                    self.compile_opt(u.expr(), span);
                    self.emit(Op::Negate, span);
                }
            },
            ast::Expr::BinOp(b) => self.compile_binop(b, span),
            ast::Expr::CurPos(_) => {
                let v = self.cur_pos(span);
                self.emit_constant(v, span);
            }
            ast::Expr::Error(_) => {
                // A value standing in for itself that is not deferred here:
                // the file is compiled again from its whole tree.
                if crate::syntax::is_stand_in(e.syntax().green()) {
                    self.folds.refuse();
                }
                self.error(ErrorKind::ParseError("syntax error".into()), span)
            }
        }
    }

    fn compile_opt(&mut self, e: Option<ast::Expr>, span: Span) {
        match e {
            Some(e) => self.compile_strict(&e),
            None => self.error(
                ErrorKind::ParseError("syntax error, missing expression".into()),
                span,
            ),
        }
    }

    /// The `{ file, line, column }` set for a position, as `__curPos` gives it.
    fn cur_pos(&self, span: Span) -> Value {
        let (file, line, column) = crate::syntax::nix_pos(span).unwrap_or_default();
        pos_value(file, line, column)
    }

    fn compile_literal(&mut self, l: &ast::Literal, span: Span) {
        match constants::literal_constant(l) {
            Ok(v) => self.emit_constant(v, span),
            Err(kind) => self.error(kind, span),
        }
    }

    fn compile_str(&mut self, s: &ast::Str, span: Span) {
        if let Some(v) = constants::string_constant(s) {
            return self.emit_constant(v, span);
        }
        // Each part is compiled as it is read (a generated string can have
        // hundreds of thousands).
        let mut n = 0;
        strings::for_each_string_part(s, |p| {
            match p {
                ast::InterpolPart::Literal(l) => {
                    if l.is_empty() {
                        return;
                    }
                    self.emit_constant(Value::string(crate::syntax::literal_bytes(&l)), span);
                }
                ast::InterpolPart::Interpolation(i) => {
                    let ispan = self.span(&i);
                    self.compile_opt(i.expr(), ispan);
                    self.emit(Op::CoerceToString, ispan);
                }
            }
            n += 1;
        });
        self.emit(Op::Interpolate(n), span);
    }

    fn compile_path(&mut self, e: &ast::Expr, span: Span) {
        let path = match e {
            ast::Expr::PathAbs(p) => p.parts(),
            ast::Expr::PathRel(p) => p.parts(),
            ast::Expr::PathHome(p) => p.parts(),
            ast::Expr::PathSearch(p) => {
                let name = p
                    .content()
                    .map(|c| c.text().to_string())
                    .unwrap_or_default();
                let name = name
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string();
                // `<name>` is `__findFile __nixPath "name"`, as in C++ Nix.
                self.compile_var(Symbol::from_str("__findFile"), span, true);
                self.compile_var(Symbol::from_str("__nixPath"), span, false);
                self.emit(Op::Call, span);
                self.emit_constant(Value::string(name), span);
                self.emit(Op::Call, span);
                return;
            }
            _ => return,
        };
        let mut n = 0u32;
        for (i, part) in path.iter().enumerate() {
            match part {
                ast::InterpolPart::Literal(lit) => {
                    let text = lit.text();
                    if i == 0 {
                        let resolved = self.resolve_path_literal(text, e);
                        let Some(mut resolved) = resolved else {
                            return self.error(
                                ErrorKind::Eval(
                                    "cannot resolve home directory for '~' path".into(),
                                ),
                                span,
                            );
                        };
                        if path.len() == 1 {
                            self.emit_constant(Value::Path(Rc::new(PathBuf::from(resolved))), span);
                            return;
                        }
                        if text.ends_with('/') && text.len() > 1 && !resolved.ends_with('/') {
                            resolved.push('/');
                        }
                        self.emit_constant(Value::Path(Rc::new(PathBuf::from(resolved))), span);
                    } else {
                        self.emit_constant(Value::string(text), span);
                    }
                }
                ast::InterpolPart::Interpolation(interp) => {
                    let ispan = self.span(interp);
                    self.compile_opt(interp.expr(), ispan);
                    self.emit(Op::CoerceToString, ispan);
                }
            }
            n += 1;
        }
        self.emit(Op::InterpolatePath(n), span);
    }

    fn resolve_path_literal(&self, text: &str, e: &ast::Expr) -> Option<String> {
        Some(match e {
            ast::Expr::PathAbs(_) => canon_path(text),
            ast::Expr::PathHome(_) => {
                let home = std::env::var("HOME").ok()?;
                canon_path(&format!("{}/{}", home, text.trim_start_matches('~')))
            }
            _ => canon_path(&format!("{}/{}", self.dir.to_string_lossy(), text)),
        })
    }

    /// Emits a variable reference; `force` evaluates it.
    fn compile_var(&mut self, sym: Symbol, span: Span, force: bool) {
        match self.scopes.lookup(sym, 0) {
            Lookup::Static(b) => {
                self.emit_binding(b, span);
                if force {
                    self.emit(Op::Force, span);
                }
            }
            resolved => {
                if let Some(v) = self.globals.get(&sym) {
                    let v = v.clone();
                    self.emit_constant(v, span);
                    if force {
                        self.emit(Op::Force, span);
                    }
                    return;
                }
                match resolved {
                    // Lazy positions thunk the whole lookup.
                    Lookup::With(withs) => self.emit_with_lookup(sym, &withs, span),
                    _ => self.error(ErrorKind::Eval(format!("undefined variable '{sym}'")), span),
                }
            }
        }
    }

    /// Emits code leaving a dynamic attribute name (a string) on the stack.
    fn compile_dynamic_key(&mut self, a: &ast::Attr) {
        let span = self.span(a);
        match a {
            ast::Attr::Dynamic(d) => self.compile_opt(d.expr(), span),
            ast::Attr::Str(s) => self.compile_str(s, span),
            ast::Attr::Ident(i) => {
                let s = ident_name(i);
                self.emit_constant(Value::string(s.as_bytes()), span);
            }
        }
    }

    fn compile_select(&mut self, s: &ast::Select, span: Span) {
        let attrs: Vec<ast::Attr> = s
            .attrpath()
            .map(|p| p.attrs().collect())
            .unwrap_or_default();
        let known = match (s.expr(), attrs.first()) {
            (Some(ast::Expr::Ident(set)), Some(first)) => self.global_attr(&set, first),
            _ => None,
        };
        let rest = match known {
            Some(v) => {
                let aspan = self.span(&attrs[0]);
                self.emit_constant(v, aspan);
                self.emit(Op::Force, aspan);
                &attrs[1..]
            }
            None => {
                self.compile_opt(s.expr(), span);
                &attrs[..]
            }
        };
        let default = s.default_expr();
        let mut jumps = Vec::new();
        for a in rest {
            let aspan = self.span(a);
            match attrs::static_key(a) {
                Some(sym) => {
                    let n = self.name(sym);
                    if default.is_some() {
                        jumps.push(self.emit(Op::SelectOr(n, 0), aspan));
                    } else {
                        self.emit(Op::Select(n), aspan);
                    }
                }
                None => {
                    self.compile_dynamic_key(a);
                    if default.is_some() {
                        jumps.push(self.emit(Op::SelectOrDyn(0), aspan));
                    } else {
                        self.emit(Op::SelectDyn, aspan);
                    }
                }
            }
            self.emit(Op::Force, aspan);
        }
        if let Some(d) = default {
            let jend = self.emit(Op::Jump(0), span);
            for j in jumps {
                self.patch_jump(j);
            }
            self.compile_strict(&d);
            self.patch_jump(jend);
        }
    }

    /// For `builtins.name` (or another global set's attribute), the
    /// attribute's value when the name is the global, not a binding (`with`
    /// does not hide a global), and the set has the attribute: known when
    /// compiling, as C++ Nix would find it on every evaluation.
    fn global_attr(&self, set: &ast::Ident, first: &ast::Attr) -> Option<Value> {
        let sym = ident_name(set);
        if matches!(self.scopes.lookup(sym, 0), Lookup::Static(_)) {
            return None;
        }
        let Some(Value::Attrs(globals)) = self.globals.get(&sym) else {
            return None;
        };
        globals.get(attrs::static_key(first)?).cloned()
    }

    fn compile_has_attr(&mut self, h: &ast::HasAttr, span: Span) {
        self.compile_opt(h.expr(), span);
        let attrs: Vec<ast::Attr> = h
            .attrpath()
            .map(|p| p.attrs().collect())
            .unwrap_or_default();
        let mut jumps = Vec::new();
        for (i, a) in attrs.iter().enumerate() {
            let aspan = self.span(a);
            let last = i + 1 == attrs.len();
            match attrs::static_key(a) {
                Some(sym) => {
                    let n = self.name(sym);
                    if last {
                        self.emit(Op::HasAttr(n), aspan);
                    } else {
                        jumps.push(self.emit(Op::SelectOr(n, 0), aspan));
                        self.emit(Op::Force, aspan);
                    }
                }
                None => {
                    self.compile_dynamic_key(a);
                    if last {
                        self.emit(Op::HasAttrDyn, aspan);
                    } else {
                        jumps.push(self.emit(Op::SelectOrDyn(0), aspan));
                        self.emit(Op::Force, aspan);
                    }
                }
            }
        }
        if !jumps.is_empty() {
            let jend = self.emit(Op::Jump(0), span);
            for j in jumps {
                self.patch_jump(j);
            }
            self.emit_constant(Value::Bool(false), span);
            self.patch_jump(jend);
        }
    }
}
