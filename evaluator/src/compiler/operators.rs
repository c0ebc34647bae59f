//! Operators: C++ Nix's desugaring of `-`, `*`, `/` and the comparisons into
//! calls a program can rebind, and the bytecode of the built-in operators.

use rnix::ast;

use super::{Compiler, Lookup};
use crate::bytecode::Op;
use crate::errors::ErrorKind;
use crate::syntax::Span;
use crate::value::{Symbol, Value};

/// An operand of a desugared operator call.
pub(super) enum Operand {
    Expr(ast::Expr),
    Constant(Value),
}

impl Compiler<'_> {
    /// C++ Nix parses `-`, `*`, `/` and the comparisons into calls of
    /// `__sub`, `__mul`, `__div` and `__lessThan`, looked up like variables:
    /// when the program binds such a name itself (not through `with`), the
    /// operator calls it. Returns whether it emitted such a call.
    pub(super) fn compile_user_operator(
        &mut self,
        name: &str,
        a: Operand,
        b: Operand,
        span: Span,
    ) -> bool {
        let sym = Symbol::from_str(name);
        let Lookup::Static(binding) = self.scopes.lookup(sym, 0) else {
            return false;
        };
        self.emit_binding(binding, span);
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

    pub(super) fn compile_binop(&mut self, b: &ast::BinOp, span: Span) {
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
                // C++ Nix checks these left operands before evaluating the right one.
                match op {
                    K::Add => {
                        self.emit(Op::CheckAddLhs, span);
                    }
                    K::Update => {
                        self.emit(Op::CheckUpdateLhs, span);
                    }
                    _ => {}
                }
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
}
