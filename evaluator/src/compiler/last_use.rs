//! Last-use moves: the last read of a local slot (and of an upvalue, which
//! matters for the outer argument of a curried call) becomes a move, so a
//! value such as a list accumulator is held only once and `++` can extend it
//! in place. Jumps only go forward, so "no later instruction reads it" means
//! no read can follow at run time either.

use std::collections::HashSet;

use crate::bytecode::{Capture, ChunkBuilder, FormalDefault, Op};

/// Rewrites `GetLocal`/`GetUpvalue` that are the last reads of their slot
/// into `MoveLocal`/`MoveUpvalue`.
pub(super) fn mark_last_uses(chunk: &mut ChunkBuilder) {
    let mut locals: HashSet<u32> = HashSet::new();
    let mut upvalues: HashSet<u32> = HashSet::new();
    let note = |cap: &Capture, locals: &mut HashSet<u32>, upvalues: &mut HashSet<u32>| {
        match *cap {
            Capture::Local(s) => locals.insert(s),
            Capture::Upvalue(i) => upvalues.insert(i),
        };
    };
    // Reads made by `BindFormals` happen first, so they never follow another read.
    for at in (0..chunk.code.len()).rev() {
        match chunk.code[at] {
            // The guards record the read; only a first sighting (from the end) moves.
            Op::GetLocal(s) if locals.insert(s) => chunk.code[at] = Op::MoveLocal(s),
            Op::GetUpvalue(i) if upvalues.insert(i) => chunk.code[at] = Op::MoveUpvalue(i),
            Op::MakeThunk(c)
            | Op::MakeSpeculativeThunk { chunk: c, .. }
            | Op::InitThunk { chunk: c, .. } => {
                // `InitThunk` also reads the slot holding its blank thunk.
                if let Op::InitThunk { slot, .. } = chunk.code[at] {
                    locals.insert(slot);
                }
                if let Some(sub) = chunk.chunks.get(c as usize) {
                    for cap in &sub.captures {
                        note(cap, &mut locals, &mut upvalues);
                    }
                }
            }
            Op::MakeClosure(l) | Op::MakeClosureThunk(l) => {
                if let Some(lambda) = chunk.lambdas.get(l as usize) {
                    for cap in &lambda.chunk.captures {
                        note(cap, &mut locals, &mut upvalues);
                    }
                }
            }
            Op::WithLookup { withs, .. } => {
                if let Some(caps) = chunk.withs.get(withs as usize) {
                    for cap in caps {
                        note(cap, &mut locals, &mut upvalues);
                    }
                }
            }
            Op::ApplyOverrides(i) => {
                if let Some(slots) = chunk.rec_slots.get(i as usize) {
                    locals.extend(slots.iter().map(|(_, s)| *s));
                }
            }
            Op::BindFormals => {
                if let Some(formals) = &chunk.formals {
                    for f in &formals.entries {
                        match &f.default {
                            Some(FormalDefault::Share(cap)) => {
                                note(cap, &mut locals, &mut upvalues)
                            }
                            Some(FormalDefault::Thunk(d)) => {
                                for cap in d.captures.iter() {
                                    note(cap, &mut locals, &mut upvalues);
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
}
