//! Fused reads: a variable read, constant or attribute selection directly
//! followed by `Force` (most of them, in strict positions) becomes one
//! instruction that skips the `Force` when the value needs no evaluation,
//! saving a dispatch and a round trip of the thunk through the stack.

use crate::bytecode::{ChunkBuilder, Op};

/// Rewrites each `GetLocal`/`MoveLocal`/`GetUpvalue`/`MoveUpvalue`/
/// `Constant`/`Select`/`SelectOr` that is followed by `Force` into its
/// fused form. The `Force` stays where it is
/// (it runs when the value is a pending thunk), so no jump target moves.
pub(super) fn fuse_forced_reads(chunk: &mut ChunkBuilder) {
    for at in 0..chunk.code.len().saturating_sub(1) {
        if chunk.code[at + 1] != Op::Force {
            continue;
        }
        chunk.code[at] = match chunk.code[at] {
            Op::GetLocal(i) => Op::GetLocalF(i),
            Op::MoveLocal(i) => Op::MoveLocalF(i),
            Op::GetUpvalue(i) => Op::GetUpvalueF(i),
            Op::MoveUpvalue(i) => Op::MoveUpvalueF(i),
            Op::Constant(i) => Op::ConstantF(i),
            Op::Select(n) => Op::SelectF(n),
            Op::SelectOr(n, t) => Op::SelectOrF(n, t),
            other => other,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_before_force_are_fused_and_the_force_stays() {
        let mut chunk = ChunkBuilder {
            code: vec![
                Op::GetLocal(0),
                Op::Force,
                Op::MoveUpvalue(1),
                Op::Force,
                Op::GetLocal(2),
                Op::Return,
                Op::Force,
                Op::SelectOr(3, 9),
                Op::Force,
                Op::Constant(4),
                Op::Pop,
            ],
            ..ChunkBuilder::default()
        };
        fuse_forced_reads(&mut chunk);
        assert_eq!(
            chunk.code,
            vec![
                Op::GetLocalF(0),
                Op::Force,
                Op::MoveUpvalueF(1),
                Op::Force,
                Op::GetLocal(2),
                Op::Return,
                Op::Force,
                Op::SelectOrF(3, 9),
                Op::Force,
                Op::Constant(4),
                Op::Pop,
            ]
        );
    }
}
