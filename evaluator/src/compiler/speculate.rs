//! Speculation: a thunk whose code is one integer operation on variables
//! and integer literals (`n - 1`, `i + 1`, `x < y`) is made holding its
//! result when the operands are evaluated integers already, since then
//! running it could neither fail nor evaluate anything else.
//!
//! C++ Nix makes a thunk there, and the difference would show only in
//! non-strict output, where an unevaluated thunk prints as `<CODE>`: so
//! the result is kept in a literal thunk (`ThunkState::Literal`), which
//! prints as `<CODE>` until it is forced, like the thunk C++ Nix makes.
//! Operands that are literal thunks themselves (unforced, as far as a
//! program can tell) do not count as evaluated: forcing C++ Nix's thunk
//! would force them too.

use crate::bytecode::{Chunk, Op, SpecOperand, Speculation};
use crate::value::Value;

/// The integer operation a thunk's finished code consists of, if it is one.
pub(super) fn integer_operation(thunk: &Chunk) -> Option<Speculation> {
    let (lhs, rest) = operand(thunk, &thunk.code)?;
    // `+` checks its left operand before evaluating the right one; an
    // integer passes.
    let rest = match rest {
        [Op::CheckAddLhs, rest @ ..] => rest,
        _ => rest,
    };
    let (rhs, rest) = operand(thunk, rest)?;
    let (op, negate) = match rest {
        [op @ (Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Less | Op::Equal | Op::NotEqual), Op::Return] => {
            (*op, false)
        }
        [Op::Less, Op::Not, Op::Return] => (Op::Less, true),
        _ => return None,
    };
    Some(Speculation {
        op,
        negate,
        lhs,
        rhs,
    })
}

/// A strict read of a captured variable or an integer literal at the start
/// of `code`, and the code after it.
fn operand<'a>(thunk: &Chunk, code: &'a [Op]) -> Option<(SpecOperand, &'a [Op])> {
    match code {
        [Op::GetUpvalueF(i) | Op::MoveUpvalueF(i), Op::Force, rest @ ..] => Some((
            SpecOperand::Captured(*thunk.captures.get(*i as usize)?),
            rest,
        )),
        [Op::Constant(k), rest @ ..] => match thunk.constants.get(*k as usize)? {
            Value::Int(n) => Some((SpecOperand::Int(*n), rest)),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bytecode::Capture;

    fn thunk(code: Vec<Op>, constants: Vec<Value>) -> Chunk {
        crate::bytecode::ChunkBuilder {
            code,
            constants,
            captures: vec![Capture::Local(3), Capture::Upvalue(1)],
            ..Default::default()
        }
        .take_exact()
    }

    #[test]
    fn one_operation_on_captures_and_integer_literals() {
        let minus_one = thunk(
            vec![
                Op::GetUpvalueF(0),
                Op::Force,
                Op::Constant(0),
                Op::Sub,
                Op::Return,
            ],
            vec![Value::Int(1)],
        );
        assert_eq!(
            integer_operation(&minus_one),
            Some(Speculation {
                op: Op::Sub,
                negate: false,
                lhs: SpecOperand::Captured(Capture::Local(3)),
                rhs: SpecOperand::Int(1),
            })
        );
        let at_most = thunk(
            vec![
                Op::MoveUpvalueF(1),
                Op::Force,
                Op::GetUpvalueF(0),
                Op::Force,
                Op::Less,
                Op::Not,
                Op::Return,
            ],
            vec![],
        );
        assert_eq!(
            integer_operation(&at_most),
            Some(Speculation {
                op: Op::Less,
                negate: true,
                lhs: SpecOperand::Captured(Capture::Upvalue(1)),
                rhs: SpecOperand::Captured(Capture::Local(3)),
            })
        );
        let plus = thunk(
            vec![
                Op::GetUpvalueF(0),
                Op::Force,
                Op::CheckAddLhs,
                Op::Constant(0),
                Op::Add,
                Op::Return,
            ],
            vec![Value::Int(2)],
        );
        assert_eq!(integer_operation(&plus).map(|s| s.op), Some(Op::Add));
    }

    #[test]
    fn anything_else_is_not_speculated() {
        // A read of capture 0 and integer constant 0, then `ops`.
        let after_read = |ops: &[Op]| {
            let mut code = vec![Op::GetUpvalueF(0), Op::Force, Op::Constant(0)];
            code.extend_from_slice(ops);
            code
        };
        let cases = [
            // A float literal.
            (after_read(&[Op::Sub, Op::Return]), Value::Float(1.0)),
            // An operation followed by more code.
            (
                after_read(&[Op::Sub, Op::Negate, Op::Return]),
                Value::Int(1),
            ),
            // A call.
            (after_read(&[Op::Call, Op::Return]), Value::Int(1)),
            // An upvalue read without its force.
            (
                vec![Op::GetUpvalue(0), Op::Constant(0), Op::Mul, Op::Return],
                Value::Int(1),
            ),
            // A capture that does not exist.
            (
                vec![
                    Op::GetUpvalueF(7),
                    Op::Force,
                    Op::Constant(0),
                    Op::Div,
                    Op::Return,
                ],
                Value::Int(1),
            ),
        ];
        for (code, constant) in cases {
            let chunk = thunk(code.clone(), vec![constant]);
            assert_eq!(integer_operation(&chunk), None, "{code:?}");
        }
    }
}
