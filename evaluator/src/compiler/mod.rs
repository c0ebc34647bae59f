//! The compiler: `rnix` syntax tree → bytecode chunks, with static scope
//! resolution, thunks only where evaluation must be deferred, and attribute
//! sets merged statically the way C++ Nix's parser merges them.

mod attrs;
mod scope;
mod show;
mod strings;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use rnix::ast::{self, AstToken};
use rowan::ast::AstNode;

use crate::bytecode::{Chunk, Formal, Formals, Idx, Lambda, Op};
use crate::errors::{Error, ErrorKind};
use crate::syntax::{locate, Pos, Span};
use crate::value::{Attr, Attrs, NixString, Symbol, Value};
pub use scope::{Resolved, ScopeKind, Scopes};
pub use show::show;

/// Values every program can name without binding them (`true`, `map`, `builtins`, `__add`, …).
pub type Globals = HashMap<Symbol, Value>;

/// Compiles a parsed file or expression into the chunk that evaluates it.
///
/// `dir` is the directory relative path literals resolve against. `scope`
/// names the slots of the root environment (for `scopedImport`).
pub fn compile(
    expr: &ast::Expr,
    file: u32,
    dir: &Path,
    globals: &Globals,
    scope: Option<Vec<Symbol>>,
) -> Result<Rc<Chunk>, Vec<Error>> {
    let mut c = Compiler {
        file,
        dir: dir.to_path_buf(),
        globals,
        scopes: Scopes::default(),
        chunks: vec![Chunk::default()],
        errors: Vec::new(),
        filling_slot: None,
    };
    if let Some(names) = scope {
        c.scopes
            .push(ScopeKind::Vars(names.into_iter().map(Some).collect()));
    }
    c.compile_strict(expr);
    c.emit(Op::Return, Span::of(file, expr.syntax()));
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    let chunk = c.chunks.pop().unwrap_or_default();
    Ok(Rc::new(chunk))
}

/// Formats a span as C++ Nix prints positions inside messages (`(string):1:3`).
pub fn pos_string(span: Span) -> String {
    match locate(span) {
        Some(loc) => {
            let file = if loc.file == "«string»" {
                "(string)".to_string()
            } else {
                loc.file
            };
            format!("{}:{}:{}", file, loc.line, loc.column)
        }
        None => "undefined position".into(),
    }
}

struct Compiler<'a> {
    file: u32,
    dir: PathBuf,
    globals: &'a Globals,
    scopes: Scopes,
    /// Chunks under construction, innermost last.
    chunks: Vec<Chunk>,
    errors: Vec<Error>,
    /// While filling a `let`/`rec` environment: the slot being filled.
    filling_slot: Option<u32>,
}

fn ident_name(i: &ast::Ident) -> Symbol {
    Symbol::from_str(i.syntax().text().to_string().as_str())
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

/// Canonicalises a path lexically, like C++ Nix's `canonPath`.
pub fn canon_path(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = String::from("/");
    out.push_str(&parts.join("/"));
    out
}

impl<'a> Compiler<'a> {
    fn span(&self, node: &impl rnix::ast::AstNode) -> Span {
        Span::of(self.file, node.syntax())
    }

    fn chunk(&mut self) -> &mut Chunk {
        self.chunks.last_mut().expect("compiler always has a chunk")
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

    /// Compiles `f` into a fresh chunk and returns it.
    fn sub_chunk(&mut self, description: Option<String>, f: impl FnOnce(&mut Self)) -> Rc<Chunk> {
        self.chunks.push(Chunk {
            description,
            ..Chunk::default()
        });
        f(self);
        Rc::new(self.chunks.pop().unwrap_or_default())
    }

    /// Emits a thunk whose body `f` compiles in the current scope.
    fn emit_thunk(&mut self, span: Span, f: impl FnOnce(&mut Self)) {
        self.emit_named_thunk(span, None, f)
    }

    /// Emits a thunk whose error traces name what it computes.
    fn emit_named_thunk(
        &mut self,
        span: Span,
        description: Option<String>,
        f: impl FnOnce(&mut Self),
    ) {
        let chunk = self.sub_chunk(description, |c| {
            f(c);
            c.emit(Op::Return, span);
        });
        let c = self.chunk();
        c.chunks.push(chunk);
        let i = (c.chunks.len() - 1) as Idx;
        self.emit(Op::MakeThunk(i), span);
    }

    // ---- expressions -------------------------------------------------

    /// Emits code leaving the value of `e` on the stack, without evaluating
    /// anything: constants, variables and lambdas directly, the rest as thunks.
    fn compile_lazy(&mut self, e: &ast::Expr, name: Option<Symbol>) {
        let e = unparen(e);
        let span = self.span(&e);
        match &e {
            ast::Expr::Literal(_) => self.compile_strict(&e),
            ast::Expr::Str(s)
                if strings::string_parts(s)
                    .iter()
                    .all(|p| matches!(p, ast::InterpolPart::Literal(_))) =>
            {
                self.compile_strict(&e)
            }
            ast::Expr::Ident(i) => {
                let sym = ident_name(i);
                match self.scopes.resolve(sym, 0) {
                    Resolved::Static { depth, idx } => {
                        self.emit(Op::GetVar { depth, idx }, span);
                    }
                    Resolved::With(_) if !self.globals.contains_key(&sym) => {
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
            // C++ Nix makes a thunk for a lambda in a lazy position too.
            ast::Expr::Lambda(l) => {
                let description = name.map(|n| format!("while evaluating the attribute '{n}'"));
                let l = l.clone();
                self.emit_named_thunk(span, description, |c| c.compile_lambda(&l, name))
            }
            _ => {
                let description = name.map(|n| format!("while evaluating the attribute '{n}'"));
                self.emit_named_thunk(span, description, |c| c.compile_strict(&e))
            }
        }
    }

    /// Emits code that evaluates `e` to weak head normal form.
    fn compile_strict(&mut self, e: &ast::Expr) {
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
                self.emit(Op::PushWith, span);
                self.scopes.push(ScopeKind::With);
                self.compile_opt(w.body(), span);
                self.scopes.pop();
                self.emit(Op::PopEnv, span);
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
            ast::Expr::Error(_) => self.error(ErrorKind::ParseError("syntax error".into()), span),
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
        let v = match l.kind() {
            ast::LiteralKind::Integer(i) => match i.value() {
                Ok(v) => Value::Int(v),
                Err(_) => {
                    return self.error(
                        ErrorKind::ParseError(format!("invalid integer '{}'", i.syntax().text())),
                        span,
                    )
                }
            },
            ast::LiteralKind::Float(f) => match f.value() {
                // C++ Nix's strtod rejects literals out of range (infinite or subnormal).
                Ok(v) if v.is_finite() && (v == 0.0 || v.abs() >= f64::MIN_POSITIVE) => {
                    Value::Float(v)
                }
                _ => {
                    return self.error(
                        ErrorKind::ParseError(format!("invalid float '{}'", f.syntax().text())),
                        span,
                    )
                }
            },
            ast::LiteralKind::Uri(u) => Value::string(u.syntax().text()),
        };
        self.emit_constant(v, span);
    }

    fn compile_str(&mut self, s: &ast::Str, span: Span) {
        let parts = strings::string_parts(s);
        if parts
            .iter()
            .all(|p| matches!(p, ast::InterpolPart::Literal(_)))
        {
            let mut text = String::new();
            for p in &parts {
                if let ast::InterpolPart::Literal(l) = p {
                    text.push_str(l);
                }
            }
            self.emit_constant(Value::string(text), span);
            return;
        }
        let mut n = 0;
        for p in parts {
            match p {
                ast::InterpolPart::Literal(l) => {
                    if l.is_empty() {
                        continue;
                    }
                    self.emit_constant(Value::string(l), span);
                }
                ast::InterpolPart::Interpolation(i) => {
                    let ispan = self.span(&i);
                    self.compile_opt(i.expr(), ispan);
                    self.emit(Op::CoerceToString, ispan);
                }
            }
            n += 1;
        }
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
        match self.scopes.resolve(sym, 0) {
            Resolved::Static { depth, idx } => {
                self.emit(Op::GetVar { depth, idx }, span);
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
                    Resolved::With(withs) => {
                        let name = self.name(sym);
                        let c = self.chunk();
                        c.withs.push(withs);
                        let w = (c.withs.len() - 1) as Idx;
                        self.emit(Op::WithLookup { name, withs: w }, span);
                        // A lookup result may be a thunk; lazy positions thunk the whole lookup.
                        self.emit(Op::Force, span);
                    }
                    _ => self.error(ErrorKind::Eval(format!("undefined variable '{sym}'")), span),
                }
            }
        }
    }

    /// C++ Nix parses `-`, `*`, `/` and the comparisons into calls of
    /// `__sub`, `__mul`, `__div` and `__lessThan`, looked up like variables:
    /// when the program binds such a name itself (not through `with`), the
    /// operator calls it. Returns whether it emitted such a call.
    fn compile_user_operator(&mut self, name: &str, a: Operand, b: Operand, span: Span) -> bool {
        let sym = Symbol::from_str(name);
        let Resolved::Static { depth, idx } = self.scopes.resolve(sym, 0) else {
            return false;
        };
        self.emit(Op::GetVar { depth, idx }, span);
        self.emit(Op::Force, span);
        for operand in [a, b] {
            match operand {
                Operand::Expr(e) => self.compile_lazy(&e, None),
                Operand::Constant(v) => self.emit_constant(v, span),
            }
        }
        self.emit(Op::Call2, span);
        true
    }

    fn compile_binop(&mut self, b: &ast::BinOp, span: Span) {
        use ast::BinOpKind as K;
        let Some(op) = b.operator() else {
            return self.error(ErrorKind::ParseError("missing operator".into()), span);
        };
        let user = match op {
            K::Sub => Some(("__sub", false, false)),
            K::Mul => Some(("__mul", false, false)),
            K::Div => Some(("__div", false, false)),
            K::Less => Some(("__lessThan", false, false)),
            K::More => Some(("__lessThan", true, false)),
            K::LessOrEq => Some(("__lessThan", true, true)),
            K::MoreOrEq => Some(("__lessThan", false, true)),
            _ => None,
        };
        if let (Some((name, swap, negate)), Some(l), Some(r)) = (user, b.lhs(), b.rhs()) {
            let (x, y) = if swap { (r, l) } else { (l, r) };
            if self.compile_user_operator(name, Operand::Expr(x), Operand::Expr(y), span) {
                if negate {
                    self.emit(Op::Not, span);
                }
                return;
            }
        }
        match op {
            K::And | K::Or | K::Implication => {
                self.compile_opt(b.lhs(), span);
                let j = match op {
                    K::Or => self.emit(Op::JumpIfTrue(0), span),
                    _ => self.emit(Op::JumpIfFalse(0), span),
                };
                self.compile_opt(b.rhs(), span);
                self.emit(Op::AssertBool, span);
                let jend = self.emit(Op::Jump(0), span);
                self.patch_jump(j);
                self.emit_constant(Value::Bool(op != K::And), span);
                self.patch_jump(jend);
            }
            K::PipeLeft | K::PipeRight => self.error(
                ErrorKind::ParseError(
                    "the pipe operators require the experimental feature 'pipe-operators'".into(),
                ),
                span,
            ),
            // Comparisons are calls of `__lessThan` in C++ Nix, with the
            // operands swapped for `>` and `<=`: that decides which operand
            // is evaluated (and can fail) first.
            K::Less | K::MoreOrEq => {
                self.compile_opt(b.lhs(), span);
                self.compile_opt(b.rhs(), span);
                self.emit(Op::Less, span);
                if op == K::MoreOrEq {
                    self.emit(Op::Not, span);
                }
            }
            K::More | K::LessOrEq => {
                self.compile_opt(b.rhs(), span);
                self.compile_opt(b.lhs(), span);
                self.emit(Op::Less, span);
                if op == K::LessOrEq {
                    self.emit(Op::Not, span);
                }
            }
            _ => {
                self.compile_opt(b.lhs(), span);
                self.compile_opt(b.rhs(), span);
                let o = match op {
                    K::Concat => Op::Concat,
                    K::Update => Op::Update,
                    K::Add => Op::Add,
                    K::Sub => Op::Sub,
                    K::Mul => Op::Mul,
                    K::Div => Op::Div,
                    K::Equal => Op::Equal,
                    K::NotEqual => Op::NotEqual,
                    _ => Op::Equal,
                };
                self.emit(o, span);
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
                self.emit_constant(Value::string(s.as_bytes().to_vec()), span);
            }
        }
    }

    fn compile_select(&mut self, s: &ast::Select, span: Span) {
        self.compile_opt(s.expr(), span);
        let attrs: Vec<ast::Attr> = s
            .attrpath()
            .map(|p| p.attrs().collect())
            .unwrap_or_default();
        let default = s.default_expr();
        let mut jumps = Vec::new();
        for a in &attrs {
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

    /// A lambda's body; a body that is itself a lambda gets the same name
    /// (C++ Nix's `setName` recurses into curried lambdas).
    fn compile_lambda_body(&mut self, l: &ast::Lambda, name: Option<Symbol>, span: Span) {
        match l.body() {
            Some(ast::Expr::Lambda(inner)) => self.compile_lambda(&inner, name),
            Some(b) => self.compile_strict(&b),
            None => self.error(
                ErrorKind::ParseError("syntax error, missing expression".into()),
                span,
            ),
        }
    }

    fn compile_lambda(&mut self, l: &ast::Lambda, name: Option<Symbol>) {
        let span = self.span(l);
        let lambda = match l.param() {
            Some(ast::Param::IdentParam(p)) => {
                let Some(id) = p.ident() else {
                    return self.error(ErrorKind::ParseError("missing parameter".into()), span);
                };
                let sym = ident_name(&id);
                self.scopes.push(ScopeKind::Vars(vec![Some(sym)]));
                let chunk = self.sub_chunk(None, |c| {
                    c.chunk().lambda_name = name;
                    c.chunk().lambda_span = span;
                    c.compile_lambda_body(l, name, span);
                    c.emit(Op::Return, span);
                });
                self.scopes.pop();
                Lambda {
                    chunk,
                    has_formals: false,
                    name,
                    span,
                    env_size: 1,
                    bind_slot: None,
                }
            }
            Some(ast::Param::Pattern(p)) => {
                let mut entries: Vec<(Symbol, Option<ast::Expr>)> = Vec::new();
                let mut positions = std::collections::HashMap::new();
                for e in p.pat_entries() {
                    if let Some(id) = e.ident() {
                        positions.insert(ident_name(&id), Pos::new(self.span(&id)));
                        entries.push((ident_name(&id), e.default()));
                    }
                }
                entries.sort_by_key(|a| a.0);
                if let Some(w) = entries.windows(2).find(|w| w[0].0 == w[1].0) {
                    let msg = format!("duplicate formal function argument '{}'", w[0].0);
                    return self.error(ErrorKind::ParseError(msg), span);
                }
                let bind = p.pat_bind().and_then(|b| b.ident()).map(|i| ident_name(&i));
                if let Some(b) = bind {
                    if entries.iter().any(|(n, _)| *n == b) {
                        self.error(
                            ErrorKind::ParseError(format!(
                                "duplicate formal function argument '{b}'"
                            )),
                            span,
                        );
                        return;
                    }
                }
                let mut names: Vec<Option<Symbol>> =
                    entries.iter().map(|(n, _)| Some(*n)).collect();
                let bind_slot = bind.map(|b| {
                    names.push(Some(b));
                    (names.len() - 1) as u32
                });
                let env_size = names.len() as u32;
                self.scopes.push(ScopeKind::Vars(names));
                let mut formals = Vec::new();
                for (sym, default) in &entries {
                    let default = default.as_ref().map(|d| {
                        let dspan = self.span(d);
                        self.sub_chunk(None, |c| {
                            c.compile_strict(d);
                            c.emit(Op::Return, dspan);
                        })
                    });
                    formals.push(Formal {
                        name: *sym,
                        default,
                        pos: positions.get(sym).copied().unwrap_or(Pos::NONE),
                    });
                }
                let ellipsis = p.ellipsis_token().is_some();
                let chunk = self.sub_chunk(None, |c| {
                    c.chunk().formals = Some(Formals {
                        entries: formals,
                        ellipsis,
                    });
                    c.chunk().lambda_name = name;
                    c.chunk().lambda_span = span;
                    c.emit(Op::Force, span);
                    c.emit(Op::BindFormals, span);
                    c.compile_lambda_body(l, name, span);
                    c.emit(Op::Return, span);
                });
                self.scopes.pop();
                Lambda {
                    chunk,
                    has_formals: true,
                    name,
                    span,
                    env_size,
                    bind_slot,
                }
            }
            None => return self.error(ErrorKind::ParseError("missing parameter".into()), span),
        };
        let c = self.chunk();
        c.lambdas.push(Rc::new(lambda));
        let i = (c.lambdas.len() - 1) as Idx;
        self.emit(Op::MakeClosure(i), span);
    }
}

/// An operand of a desugared operator call.
enum Operand {
    Expr(ast::Expr),
    Constant(Value),
}

/// The `{ column; file; line; }` set C++ Nix uses for positions.
pub fn pos_value(file: String, line: u32, column: u32) -> Value {
    let attrs = vec![
        Attr {
            name: Symbol::from_str("column"),
            value: Value::Int(column as i64),
            pos: Pos::NONE,
        },
        Attr {
            name: Symbol::from_str("file"),
            value: Value::String(NixString::from(file)),
            pos: Pos::NONE,
        },
        Attr {
            name: Symbol::from_str("line"),
            value: Value::Int(line as i64),
            pos: Pos::NONE,
        },
    ];
    Value::attrs(Attrs::from_sorted(attrs))
}
