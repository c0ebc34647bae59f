//! `builtins.sort` as a resumable machine driven by a VM frame: it follows
//! libstdc++'s `std::stable_sort` (which C++ Nix uses) step by step —
//! insertion sort of 7-element chunks of each half, merge passes through a
//! buffer, a final merge of the halves — and stops at every comparison so the
//! VM can call the comparator without a generator or host recursion.
//!
//! With a consistent comparator any stable sort gives the same result; with
//! an inconsistent one only the same sequence of comparisons does, which is
//! why the steps are libstdc++'s exactly.

use crate::builtins::to_bool;
use crate::errors::ErrorKind;
use crate::value::Value;

use super::ops::less_shallow;

/// Chunk length of libstdc++'s initial insertion sorts.
const CHUNK: usize = 7;

/// What the machine needs from the VM next.
pub(crate) enum Next {
    /// Force this value and resume with the result.
    Force(Value),
    /// Call the comparator on these two values and resume with the result.
    Compare(Value, Value),
    /// The sorted list.
    Done(Value),
}

/// Where the machine is.
enum Stage {
    /// Forcing the list's elements, from `next` on (C++ Nix forces them all first).
    ForceItems { next: usize },
    /// Insertion sort of the chunk `[start, end)` of half `half`; element
    /// `i` (relative to `start`) is being inserted.
    Insert {
        half: usize,
        start: usize,
        i: usize,
        step: InsertStep,
    },
    /// A merge pass over `src` with runs of length `step` into `out`.
    Pass(Box<Pass>),
    /// Merging the two sorted halves from the back (the first is longer).
    Backward(Box<Backward>),
    /// Finished (or failed).
    Finished,
}

/// The steps of inserting one element.
enum InsertStep {
    /// Compare element `i` with the chunk's first element.
    First,
    /// Waiting for that comparison.
    FirstAsked,
    /// Moving `val` down: compare it with the element before slot `j`.
    Down { val: Value, j: usize },
    /// Waiting for that comparison.
    DownAsked { val: Value, j: usize },
}

/// One `__merge_sort_loop` (or the final forward merge, with `half == 2`).
struct Pass {
    half: usize,
    src: Vec<Value>,
    out: Vec<Value>,
    step: usize,
    /// Whether this is the second pass of a pair (after which `step` is checked).
    second: bool,
    /// Start of the current pair of runs.
    first: usize,
    /// End of the first run and of the second.
    a_end: usize,
    b_end: usize,
    /// Cursors in the first and second run.
    i: usize,
    j: usize,
    /// Whether the current pair is the last of the pass.
    last: bool,
    /// Waiting for the comparison of `src[j]` with `src[i]`.
    asked: bool,
}

/// The backward final merge of `__merge_adaptive`.
struct Backward {
    left: Vec<Value>,
    right: Vec<Value>,
    out: Vec<Value>,
    l1: usize,
    l2: usize,
    res: usize,
    asked: bool,
}

/// The state of one `sort` call.
pub(crate) struct SortMachine {
    cmp: Value,
    /// `cmp` is `builtins.lessThan`: numbers and strings compare without a call.
    native_less: bool,
    items: Vec<Value>,
    halves: [Vec<Value>; 2],
    stage: Stage,
}

/// How a comparison turned out: known at once, or a call to make.
enum Ask {
    Known(bool),
    Call(Next),
}

impl SortMachine {
    /// A machine sorting the (forced) list `items` with `cmp`.
    pub(crate) fn new(cmp: Value, items: Vec<Value>) -> SortMachine {
        let native_less =
            matches!(&cmp, Value::Builtin(b) if b.def.name == "lessThan" && b.args.is_empty());
        SortMachine {
            cmp,
            native_less,
            items,
            halves: [Vec::new(), Vec::new()],
            stage: Stage::ForceItems { next: 0 },
        }
    }

    /// The comparator.
    pub(crate) fn comparator(&self) -> Value {
        self.cmp.clone()
    }

    /// Whether `a` sorts before `b`: known at once for `lessThan` on plain
    /// values, otherwise a comparator call for the VM to make.
    fn ask(&self, a: &Value, b: &Value) -> Result<Ask, ErrorKind> {
        if self.native_less {
            if let Some(r) = less_shallow(&a.shallow(), &b.shallow()) {
                return Ok(Ask::Known(r?));
            }
        }
        Ok(Ask::Call(Next::Compare(a.clone(), b.clone())))
    }

    /// Continues with `input`, the result of the last request (`None` at
    /// the start), until the next request or the result.
    pub(crate) fn resume(&mut self, mut input: Option<Value>) -> Result<Next, ErrorKind> {
        // The answer to the last comparison, once checked to be a Boolean.
        let mut answer: Option<bool> = None;
        if let (Some(v), false) = (&input, matches!(self.stage, Stage::ForceItems { .. })) {
            answer = Some(to_bool(v)?);
            input = None;
        }
        loop {
            let stage = std::mem::replace(&mut self.stage, Stage::Finished);
            match stage {
                Stage::ForceItems { mut next } => {
                    // C++ Nix sorts the list's cells, and equality treats
                    // the very same cell as equal: an item whose value has
                    // an identity (a set, list or function) stays its cell
                    // (forcing updated it in place). Plain values, where
                    // cells cannot be told apart, are taken out, so that
                    // comparisons need not look through thunks.
                    if let Some(v) = input.take() {
                        // The thunk now holds `v`; a cell the force could
                        // not update (none should remain) takes the value.
                        if let Some(slot) = self.items.get_mut(next) {
                            if slot.is_pending() {
                                *slot = v;
                            }
                        }
                    }
                    while let Some(x) = self.items.get(next) {
                        if x.is_pending() {
                            let x = x.clone();
                            self.stage = Stage::ForceItems { next };
                            return Ok(Next::Force(x));
                        }
                        let v = x.shallow();
                        if !matches!(
                            v,
                            Value::Attrs(_)
                                | Value::List(_)
                                | Value::Closure(_)
                                | Value::Builtin(_)
                        ) {
                            self.items[next] = v;
                        }
                        next += 1;
                    }
                    let mut items = std::mem::take(&mut self.items);
                    if items.len() < 2 {
                        return Ok(Next::Done(Value::list(items)));
                    }
                    let right = items.split_off(items.len().div_ceil(2));
                    self.halves = [items, right];
                    self.stage = Stage::Insert {
                        half: 0,
                        start: 0,
                        i: 1,
                        step: InsertStep::First,
                    };
                }
                Stage::Insert {
                    half,
                    start,
                    mut i,
                    mut step,
                } => {
                    let len = self.halves[half].len();
                    let end = (start + CHUNK).min(len);
                    loop {
                        step = match step {
                            InsertStep::First => {
                                if start + i >= end {
                                    break;
                                }
                                let v = &self.halves[half];
                                match self.ask(&v[start + i], &v[start])? {
                                    Ask::Known(r) => {
                                        answer = Some(r);
                                        InsertStep::FirstAsked
                                    }
                                    Ask::Call(next) => {
                                        self.stage = Stage::Insert {
                                            half,
                                            start,
                                            i,
                                            step: InsertStep::FirstAsked,
                                        };
                                        return Ok(next);
                                    }
                                }
                            }
                            InsertStep::FirstAsked => {
                                let v = &mut self.halves[half];
                                if answer.take().unwrap_or(false) {
                                    v[start..=start + i].rotate_right(1);
                                    i += 1;
                                    InsertStep::First
                                } else {
                                    InsertStep::Down {
                                        val: v[start + i].clone(),
                                        j: i,
                                    }
                                }
                            }
                            InsertStep::Down { val, j } => {
                                if j == 0 {
                                    self.halves[half][start] = val;
                                    i += 1;
                                    InsertStep::First
                                } else {
                                    match self.ask(&val, &self.halves[half][start + j - 1])? {
                                        Ask::Known(r) => {
                                            answer = Some(r);
                                            InsertStep::DownAsked { val, j }
                                        }
                                        Ask::Call(next) => {
                                            self.stage = Stage::Insert {
                                                half,
                                                start,
                                                i,
                                                step: InsertStep::DownAsked { val, j },
                                            };
                                            return Ok(next);
                                        }
                                    }
                                }
                            }
                            InsertStep::DownAsked { val, j } => {
                                let v = &mut self.halves[half];
                                if answer.take().unwrap_or(false) {
                                    v[start + j] = v[start + j - 1].clone();
                                    InsertStep::Down { val, j: j - 1 }
                                } else {
                                    v[start + j] = val;
                                    i += 1;
                                    InsertStep::First
                                }
                            }
                        };
                    }
                    // This chunk is sorted: the next one, or the merge passes.
                    if len - start >= CHUNK {
                        self.stage = Stage::Insert {
                            half,
                            start: start + CHUNK,
                            i: 1,
                            step: InsertStep::First,
                        };
                    } else if CHUNK < len {
                        let src = std::mem::take(&mut self.halves[half]);
                        self.stage = Stage::Pass(Box::new(Pass::new(half, src, CHUNK, false)));
                    } else {
                        self.stage = self.half_sorted(half);
                    }
                }
                Stage::Pass(mut pass) => {
                    loop {
                        if pass.asked {
                            pass.asked = false;
                            let (i, j) = (pass.i, pass.j);
                            if answer.take().unwrap_or(false) {
                                let x = pass.src[j].clone();
                                pass.out.push(x);
                                pass.j += 1;
                            } else {
                                let x = pass.src[i].clone();
                                pass.out.push(x);
                                pass.i += 1;
                            }
                        }
                        if pass.i < pass.a_end && pass.j < pass.b_end {
                            match self.ask(&pass.src[pass.j], &pass.src[pass.i])? {
                                Ask::Known(r) => {
                                    answer = Some(r);
                                    pass.asked = true;
                                    continue;
                                }
                                Ask::Call(next) => {
                                    pass.asked = true;
                                    self.stage = Stage::Pass(pass);
                                    return Ok(next);
                                }
                            }
                        }
                        // One pair merged: copy what is left of both runs.
                        let Pass {
                            src,
                            out,
                            i,
                            a_end,
                            j,
                            b_end,
                            ..
                        } = &mut *pass;
                        out.extend_from_slice(&src[*i..*a_end]);
                        out.extend_from_slice(&src[*j..*b_end]);
                        if pass.last {
                            break;
                        }
                        let next_first = pass.first + 2 * pass.step;
                        pass.start_pair(next_first);
                    }
                    self.stage = self.pass_done(*pass);
                }
                Stage::Backward(mut b) => loop {
                    if b.asked {
                        b.asked = false;
                        b.res -= 1;
                        let res = b.res;
                        if answer.take().unwrap_or(false) {
                            b.out[res] = b.left[b.l1].clone();
                            if b.l1 == 0 {
                                return Ok(Next::Done(b.finish(true)));
                            }
                            b.l1 -= 1;
                        } else {
                            b.out[res] = b.right[b.l2].clone();
                            if b.l2 == 0 {
                                return Ok(Next::Done(b.finish(false)));
                            }
                            b.l2 -= 1;
                        }
                    }
                    b.asked = true;
                    match self.ask(&b.right[b.l2], &b.left[b.l1])? {
                        Ask::Known(r) => answer = Some(r),
                        Ask::Call(next) => {
                            self.stage = Stage::Backward(b);
                            return Ok(next);
                        }
                    }
                },
                Stage::Finished => {
                    return Err(ErrorKind::Eval(
                        "internal error: sort resumed after finishing".into(),
                    ))
                }
            }
            // A stage that finished the whole sort leaves its result here.
            if let Stage::Finished = self.stage {
                let sorted = std::mem::take(&mut self.halves[0]);
                return Ok(Next::Done(Value::list(sorted)));
            }
        }
    }

    /// After a merge pass: the next pass, or the half (or the whole list) is sorted.
    fn pass_done(&mut self, pass: Pass) -> Stage {
        let Pass {
            half,
            out,
            step,
            second,
            ..
        } = pass;
        if half == 2 {
            self.halves[0] = out;
            return Stage::Finished;
        }
        if !second {
            return Stage::Pass(Box::new(Pass::new(half, out, step * 2, true)));
        }
        let step = step * 2;
        if step < out.len() {
            Stage::Pass(Box::new(Pass::new(half, out, step, false)))
        } else {
            self.halves[half] = out;
            self.half_sorted(half)
        }
    }

    /// After half `half` is sorted: sort the other one, or merge the two.
    fn half_sorted(&mut self, half: usize) -> Stage {
        if half == 0 {
            return Stage::Insert {
                half: 1,
                start: 0,
                i: 1,
                step: InsertStep::First,
            };
        }
        let [left, right] = std::mem::take(&mut self.halves);
        let (n1, n2) = (left.len(), right.len());
        if n1 <= n2 {
            // Forward: one merge of the runs [0, n1) and [n1, n1 + n2).
            let mut src = left;
            src.extend(right);
            let mut pass = Pass::new(2, src, n1, false);
            pass.a_end = n1;
            pass.b_end = n1 + n2;
            pass.last = true;
            return Stage::Pass(Box::new(pass));
        }
        if n2 == 0 {
            self.halves[0] = left;
            return Stage::Finished;
        }
        Stage::Backward(Box::new(Backward {
            out: vec![Value::Null; n1 + n2],
            l1: n1 - 1,
            l2: n2 - 1,
            res: n1 + n2,
            left,
            right,
            asked: false,
        }))
    }
}

impl Backward {
    /// One side is used up: the rest of the other (`right`, or else `left`,
    /// up to its cursor) goes in front, and the merged list is done.
    fn finish(&mut self, right: bool) -> Value {
        let rest = if right {
            &self.right[..=self.l2]
        } else {
            &self.left[..=self.l1]
        };
        for x in rest.iter().rev() {
            self.res -= 1;
            self.out[self.res] = x.clone();
        }
        Value::list(std::mem::take(&mut self.out))
    }
}

impl Pass {
    fn new(half: usize, src: Vec<Value>, step: usize, second: bool) -> Pass {
        let mut pass = Pass {
            half,
            out: Vec::with_capacity(src.len()),
            src,
            step,
            second,
            first: 0,
            a_end: 0,
            b_end: 0,
            i: 0,
            j: 0,
            last: false,
            asked: false,
        };
        pass.start_pair(0);
        pass
    }

    /// Sets up the pair of runs starting at `first` (`__merge_sort_loop`).
    fn start_pair(&mut self, first: usize) {
        let len = self.src.len();
        self.first = first;
        if len - first >= 2 * self.step {
            self.a_end = first + self.step;
            self.b_end = first + 2 * self.step;
            self.last = false;
        } else {
            self.a_end = first + self.step.min(len - first);
            self.b_end = len;
            self.last = true;
        }
        self.i = first;
        self.j = self.a_end;
    }
}
