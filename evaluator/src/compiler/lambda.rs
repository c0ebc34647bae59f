//! Lambdas: plain and pattern parameters, formals and their defaults, and
//! the closures that capture them.

use std::rc::Rc;

use rnix::ast;

use super::{ident_name, Compiler};
use crate::bytecode::{Capture, Formal, FormalDefault, Formals, Idx, Lambda, Op};
use crate::errors::ErrorKind;
use crate::syntax::{Pos, Span};
use crate::value::Symbol;

impl Compiler<'_> {
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

    pub(super) fn compile_lambda(&mut self, l: &ast::Lambda, name: Option<Symbol>) {
        self.compile_lambda_as(l, name, false)
    }

    /// Compiles a lambda; `delayed`: as a thunk standing for the closure
    /// (`MakeClosureThunk`), for a lazy position.
    pub(super) fn compile_lambda_as(
        &mut self,
        l: &ast::Lambda,
        name: Option<Symbol>,
        delayed: bool,
    ) {
        let span = self.span(l);
        let lambda = match l.param() {
            Some(ast::Param::IdentParam(p)) => {
                let Some(id) = p.ident() else {
                    return self.error(ErrorKind::ParseError("missing parameter".into()), span);
                };
                let sym = ident_name(&id);
                let chunk = self.sub_chunk(None, |c| {
                    // The argument is local slot 0.
                    c.push_vars(vec![Some(sym)]);
                    c.chunk().lambda_name = name;
                    c.chunk().lambda_span = span;
                    c.compile_lambda_body(l, name, span);
                    c.emit(Op::Return, span);
                    c.pop_level();
                });
                Lambda {
                    chunk,
                    has_formals: false,
                    name,
                    span,
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
                let ellipsis = p.ellipsis_token().is_some();
                let chunk = self.sub_chunk(None, |c| {
                    // Formal `i` is local slot `i`, the `@` binding follows them.
                    c.push_vars(names);
                    let mut formals = Vec::new();
                    for (i, (sym, default)) in entries.iter().enumerate() {
                        let default = default
                            .as_ref()
                            .map(|d| c.formal_default(d, i as u32, bind_slot));
                        formals.push(Formal {
                            name: *sym,
                            default,
                            pos: positions.get(sym).copied().unwrap_or(Pos::NONE),
                        });
                    }
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
                    c.pop_level();
                });
                Lambda {
                    chunk,
                    has_formals: true,
                    name,
                    span,
                    bind_slot,
                }
            }
            None => return self.error(ErrorKind::ParseError("missing parameter".into()), span),
        };
        let c = self.chunk();
        c.lambdas.push(Rc::new(lambda));
        let i = (c.lambdas.len() - 1) as Idx;
        let op = if delayed {
            Op::MakeClosureThunk(i)
        } else {
            Op::MakeClosure(i)
        };
        self.emit(op, span);
    }

    /// How formal `slot` gets its default `d` (compiled inside the lambda's
    /// unit): literals and variables already bound (outer ones, earlier
    /// formals, the `@` binding) are shared, as C++ Nix's `maybeThunk` shares
    /// them; anything else is a thunk.
    fn formal_default(
        &mut self,
        d: &ast::Expr,
        slot: u32,
        bind_slot: Option<u32>,
    ) -> FormalDefault {
        let dspan = self.span(d);
        let chunk = self.sub_chunk(None, |c| {
            c.compile_strict(d);
            c.emit(Op::Return, dspan);
        });
        // `builtins.map` compiles to the constant it is known to be, but
        // C++ Nix makes a thunk of a selection (which non-strict output shows).
        let selection = matches!(super::unparen(d), ast::Expr::Select(_));
        match &chunk.code[..] {
            // A literal, or a global such as `null` or `map` (a variable in C++ Nix).
            [Op::Constant(k), Op::Return]
            | [Op::Constant(k) | Op::ConstantF(k), Op::Force, Op::Return]
                if !selection =>
            {
                if let Some(v) = chunk.constants.get(*k as usize) {
                    return FormalDefault::Constant(v.clone());
                }
            }
            [Op::GetUpvalue(k) | Op::MoveUpvalue(k) | Op::GetUpvalueF(k) | Op::MoveUpvalueF(k), Op::Force, Op::Return] =>
            {
                match chunk.captures.get(*k as usize) {
                    // Earlier formals are bound, and so is the `@` binding (first, in C++ Nix).
                    Some(&Capture::Local(s)) if s < slot || Some(s) == bind_slot => {
                        return FormalDefault::Share(Capture::Local(s))
                    }
                    Some(&Capture::Upvalue(u)) => return FormalDefault::Share(Capture::Upvalue(u)),
                    _ => {}
                }
            }
            _ => {}
        }
        FormalDefault::Thunk(chunk)
    }
}
