//! The VM: a value stack and a frame stack of bytecode frames, thunk-update
//! markers, builtin argument forcing, generator frames and `tryEval` catch
//! frames. Nothing recurses on the host stack: forcing and calling push frames.
//! This file holds the frames, the VM's state, its entry points, the run
//! loop over frames and error unwinding; `calls.rs` forcing and calls,
//! `dispatch.rs` the bytecode loop.

mod calls;
mod dispatch;
pub mod generators;
mod ops;
mod sort;

use std::rc::Rc;

use genawaiter::GeneratorState;

use crate::builtins::{BuiltinDef, BuiltinImpl};
use crate::bytecode::{Capture, Chunk, Op, SpecOperand, Speculation};
use crate::compiler::pos_string;
use crate::errors::{Error, ErrorKind};
use crate::eval_err;
use crate::syntax::{Pos, Span};
use crate::value::{
    Attr, Attrs, Closure, PartialBuiltin, Start, Symbol, Thunk, ThunkState, Upvalues, Value,
};
use crate::Shared;
use generators::{Gen, Request, Response};

/// Steps between checks of the clock, the interrupt flag and the memory meter.
const CHECK_INTERVAL: u64 = 1024;

/// One entry of the frame stack. With a tag byte of its own: left to
/// itself, rustc hid the tag in a spare value inside `Update`'s state, and
/// every frame popped paid for decoding it (fib.nix +5% instructions).
#[repr(u8)]
pub(crate) enum Frame {
    /// Bytecode running with its local slots from `bp` on the value stack
    /// and its upvalues in `up`.
    Code {
        chunk: Rc<Chunk>,
        ip: usize,
        bp: usize,
        up: Up,
    },
    /// When the frame above finishes, store the value on top of the stack in
    /// `thunk`. If evaluation is abandoned, what `saved` holds is given back.
    Update {
        thunk: Thunk,
        saved: Saved,
        discard: bool,
    },
    /// Forcing the strict arguments of a builtin, one at a time.
    BuiltinArgs {
        def: &'static BuiltinDef,
        args: Vec<Value>,
        next: usize,
        span: Span,
    },
    /// A builtin written as a generator, suspended while the VM works for it.
    Gen {
        gen: Box<Gen>,
        span: Span,
        awaiting: bool,
    },
    /// `tryEval`: catches `throw`/`assert` errors from the frames above it.
    Catch { stack_len: usize },
    /// Calls the function the frame above returned with `arg` (curried calls).
    CallWith { arg: Value, span: Span },
    /// `addErrorContext`: errors from the frames above get `message` in their trace.
    ErrorContext { message: Value },
    /// `foldl'`: the frame above leaves the accumulator for element `next`.
    Foldl {
        f: Value,
        list: crate::value::NixList,
        next: usize,
    },
    /// `foldl'` before its list is forced: the frame above leaves the list.
    FoldlList { f: Value, acc: Value },
    /// `filter`, `concatMap`, `any` or `all`: the frame above leaves
    /// `f list[next - 1]`.
    Collect {
        op: Collect,
        f: Value,
        list: crate::value::NixList,
        next: usize,
        /// The result so far.
        out: Vec<Value>,
        /// The call's, for a result of the wrong type.
        span: Span,
    },
    /// `filter`, `concatMap`, `any` or `all` before its list is forced.
    CollectList { op: Collect, f: Value, span: Span },
    /// `sort`: the frame above leaves what the machine asked for.
    Sort(Box<sort::SortMachine>, Span),
    /// `sort` before its list is forced.
    SortList { f: Value, span: Span },
}

/// What a [`Frame::Collect`] makes of the results of `f` on each element.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Collect {
    /// `filter`: the elements for which the predicate gives `true`.
    Filter,
    /// `concatMap`: the concatenation of the lists `f` gives.
    ConcatMap,
    /// `any`: `true` at the first element the predicate gives `true` for.
    Any,
    /// `all`: `false` at the first element the predicate gives `false` for.
    All,
}

/// What an [`Frame::Update`] gives back to its thunk if the evaluation is
/// abandoned (a limit reached, an interruption), so it can be forced again.
pub(crate) enum Saved {
    /// A code thunk's chunk (its upvalues stay in the thunk while it runs).
    Code(Rc<Chunk>),
    /// Another pending state, taken out while it is evaluated.
    State(ThunkState),
}

/// How far [`Vm::builtin_step`] got with a builtin call.
pub(crate) enum BuiltinStep {
    /// The builtin's result (a thunk in it may still need forcing).
    Value(Value),
    /// A strict argument needs evaluating first: the frame that waits for
    /// it, and the argument.
    Force(Frame, Value),
    /// The builtin runs as a generator or pushes its own frames.
    Frames(Vec<Value>),
}

/// Where a running frame's upvalues live: in the thunk or closure it runs.
#[derive(Clone)]
pub(crate) enum Up {
    /// Top-level code: nothing captured.
    None,
    /// A thunk's code (its state holds the upvalues while it runs).
    Thunk(Thunk),
    /// A closure's body.
    Closure(Rc<Closure>),
    /// The inner body of a curried closure `a: b: …` entered with both
    /// arguments at once: its upvalues are the outer argument (`a`) and the
    /// outer closure's upvalues, read without making the inner closure.
    Curried(Rc<Closure>, Value),
}

impl Up {
    /// Upvalue `i` of a frame running `chunk`.
    #[inline(always)]
    fn get(&self, chunk: &Chunk, i: u32) -> Value {
        match self {
            Up::Closure(c) => c.upvalues.get(i),
            Up::Thunk(t) => t.upvalue(i),
            Up::Curried(outer, a) => match chunk.captures.get(i as usize) {
                Some(Capture::Local(_)) => a.clone(),
                Some(&Capture::Upvalue(j)) => outer.upvalues.get(j),
                None => Value::Null,
            },
            Up::None => Value::Null,
        }
    }
}

/// Reads the values named by `captures` from a frame running `chunk`
/// (locals from `bp` on `stack`, upvalues from `up`).
#[inline(always)]
fn capture(captures: &[Capture], chunk: &Chunk, stack: &[Value], bp: usize, up: &Up) -> Upvalues {
    let get = |c: &Capture| match *c {
        Capture::Local(s) => stack.get(bp + s as usize).cloned().unwrap_or_default(),
        Capture::Upvalue(i) => up.get(chunk, i),
    };
    // Up to two captures (most thunks) are stored inline.
    match captures {
        [] => Upvalues::default(),
        [a] => Upvalues::one(get(a)),
        [a, b] => Upvalues::two(get(a), get(b)),
        more => capture_many(more, chunk, stack, bp, up),
    }
}

/// [`capture`] of more values than fit inline, into a vector of the exact
/// size. Out of line, so that the dispatch loop it is inlined into stays as
/// tight for the common case of up to two captures.
#[cold]
#[inline(never)]
fn capture_many(
    captures: &[Capture],
    chunk: &Chunk,
    stack: &[Value],
    bp: usize,
    up: &Up,
) -> Upvalues {
    // The running thunk's upvalues are borrowed once, not once per capture.
    let state;
    let ups: Option<&[Value]> = match up {
        Up::Thunk(t) => {
            state = t.0.borrow();
            match &*state {
                ThunkState::Code { upvalues, .. } => Some(upvalues.as_slice()),
                _ => Some(&[]),
            }
        }
        Up::Closure(c) => Some(c.upvalues.as_slice()),
        Up::None => Some(&[]),
        Up::Curried(..) => None,
    };
    let local = |s: u32| stack.get(bp + s as usize).cloned().unwrap_or_default();
    // Collected from an exact-size iterator: one allocation of the final
    // size, no capacity checks per value.
    let values: Box<[Value]> = match ups {
        Some(ups) => captures
            .iter()
            .map(|c| match *c {
                Capture::Local(s) => local(s),
                Capture::Upvalue(i) => ups.get(i as usize).cloned().unwrap_or_default(),
            })
            .collect(),
        None => captures
            .iter()
            .map(|c| match *c {
                Capture::Local(s) => local(s),
                Capture::Upvalue(i) => up.get(chunk, i),
            })
            .collect(),
    };
    Upvalues::many(values)
}

/// Appends the elements of `list` (one result of `concatMap`'s function) to
/// `out`: moved out of a list nothing else holds, copied otherwise.
fn append_list(out: &mut Vec<Value>, mut list: crate::value::NixList) -> Result<(), ErrorKind> {
    match Rc::get_mut(&mut list) {
        Some(items) => {
            let items = std::mem::take(&mut items.0);
            // The emptied list no longer counts its elements.
            crate::state::credit(items.len() as u64 * crate::value::ELEMENT_BYTES);
            crate::state::append_checked(out, items)
        }
        None => crate::state::extend_checked(out, &list),
    }
}

/// The evaluator's machine state. Owned by an [`crate::Evaluation`].
pub struct Vm {
    pub(crate) stack: Vec<Value>,
    pub(crate) frames: Vec<Frame>,
    /// Frames below this index belong to an outer `run` (host re-entry).
    base: usize,
    /// How many thunks have been entered (evaluated or attempted).
    pub(crate) thunks_forced: u64,
    /// Lambda bodies entered (for [`crate::Stats`]).
    pub(crate) function_calls: u64,
    /// Builtins applied to all their arguments.
    pub(crate) primop_calls: u64,
    /// `//` operations.
    pub(crate) updates: u64,
    pub(crate) shared: Rc<Shared>,
    /// Frames past this depth are a stack overflow (each frame is small and on the heap).
    frame_limit: usize,
    /// Calls and forcings so far (see [`crate::Limits::max_steps`]).
    steps: u64,
    /// At this step count, check the limits and the interrupt flag.
    next_check: u64,
    /// When the current call into the evaluation must stop.
    deadline: Option<std::time::Instant>,
}

impl Vm {
    pub(crate) fn new(shared: Rc<Shared>) -> Vm {
        Vm {
            stack: Vec::with_capacity(256),
            frames: Vec::with_capacity(64),
            base: 0,
            thunks_forced: 0,
            function_calls: 0,
            primop_calls: 0,
            updates: 0,
            frame_limit: shared.limits.call_depth,
            steps: 0,
            next_check: CHECK_INTERVAL,
            deadline: None,
            shared,
        }
    }

    /// Counts one call or forcing; every so often checks the step limit,
    /// the clock, the interrupt flag and the memory meter.
    #[inline(always)]
    fn tick(&mut self) -> Result<(), ErrorKind> {
        self.steps += 1;
        if self.steps >= self.next_check {
            return self.check_limits();
        }
        Ok(())
    }

    /// Counts the work of one step that built `v` (a builtin's result, a
    /// `//` of large sets) as a step per 256 elements (or 4 KiB of text), so
    /// that the limits are checked about as often in time as when steps are
    /// small: a loop of `//` on a set of 100,000 attributes did 1,024 of
    /// them (seconds) between two checks of the timeout.
    ///
    /// Only a value made by the step counts: one it merely returns (a
    /// `getAttr` of a large set) is held elsewhere too.
    #[inline]
    pub(crate) fn count_work(&mut self, v: &Value) {
        let units = match v {
            Value::List(l) if Rc::strong_count(l) == 1 => l.len(),
            Value::Attrs(a) if Rc::strong_count(a) == 1 => a.len(),
            Value::String(s) if s.is_unique() => s.len() >> 4,
            _ => 0,
        };
        self.count_elements(units);
    }

    /// Counts the work of copying `n` elements in one step (see
    /// [`Vm::count_work`]).
    #[inline]
    pub(crate) fn count_elements(&mut self, n: usize) {
        self.steps += (n >> 8) as u64;
    }

    /// Checks the limits and the interrupt flag now: for builtins that run
    /// long without making steps (a regular expression's backtracking).
    pub(crate) fn poll_limits(&mut self) -> Result<(), ErrorKind> {
        self.check_limits()
    }

    #[cold]
    fn check_limits(&mut self) -> Result<(), ErrorKind> {
        use crate::state::limits::LimitKind;
        let limits = &self.shared.limits;
        if let Some(max) = limits.steps {
            if self.steps > max {
                return Err(ErrorKind::Limit(LimitKind::Steps(max)));
            }
        }
        if self
            .shared
            .interrupt
            .as_ref()
            .is_some_and(|h| h.is_interrupted())
        {
            return Err(ErrorKind::Limit(LimitKind::Interrupted));
        }
        if let (Some(deadline), Some(timeout)) = (self.deadline, limits.timeout) {
            if std::time::Instant::now() >= deadline {
                return Err(ErrorKind::Limit(LimitKind::Timeout(timeout)));
            }
        }
        if let Some(e) = crate::state::over_limit() {
            return Err(e);
        }
        self.next_check = self.steps + CHECK_INTERVAL;
        if let Some(max) = limits.steps {
            self.next_check = self.next_check.min(max + 1);
        }
        Ok(())
    }

    /// The error for a frame stack deeper than the limit.
    fn overflow(&self) -> ErrorKind {
        if self.shared.limits.call_depth_set {
            ErrorKind::MaxCallDepth
        } else {
            ErrorKind::StackOverflow
        }
    }

    /// The shared evaluation state (settings, IO, caches).
    pub fn shared(&self) -> &Rc<Shared> {
        &self.shared
    }

    /// Forces `v` to weak head normal form, running the VM as needed.
    pub fn force_value(&mut self, v: &Value) -> Result<Value, Error> {
        match v {
            Value::Thunk(t) => {
                if let Some(v) = t.value() {
                    return Ok(v);
                }
            }
            v => return Ok(v.clone()),
        }
        self.run_with(|vm| {
            vm.stack.push(v.clone());
            vm.force_top(false)?;
            Ok(())
        })
    }

    /// Calls `f` with `arg` and returns the result in weak head normal form.
    pub fn call_value(&mut self, f: &Value, arg: Value) -> Result<Value, Error> {
        let f = self.force_value(f)?;
        self.run_with(|vm| {
            vm.stack.push(f);
            vm.stack.push(arg);
            vm.call(Span::NONE)?;
            Ok(())
        })
    }

    /// Runs compiled top-level code (which captures nothing).
    pub fn run_chunk(&mut self, chunk: Rc<Chunk>) -> Result<Value, Error> {
        self.run_with(|vm| {
            let bp = vm.push_locals(chunk.locals);
            vm.frames.push(Frame::Code {
                chunk,
                ip: 0,
                bp,
                up: Up::None,
            });
            Ok(())
        })
    }

    /// Reserves `n` local slots on the value stack; returns where they start.
    #[inline(always)]
    fn push_locals(&mut self, n: u32) -> usize {
        let bp = self.stack.len();
        for _ in 0..n {
            self.stack.push(Value::Null);
        }
        bp
    }

    /// Sets up frames with `setup`, runs until they complete, and pops the result.
    fn run_with(
        &mut self,
        setup: impl FnOnce(&mut Vm) -> Result<(), ErrorKind>,
    ) -> Result<Value, Error> {
        let saved_base = self.base;
        let stack_len = self.stack.len();
        let outermost = self.frames.is_empty();
        if outermost {
            self.deadline = self
                .shared
                .limits
                .timeout
                .map(|t| std::time::Instant::now() + t);
            // Check the interrupt flag and the clock right away.
            self.next_check = self.steps + 1;
        }
        self.base = self.frames.len();
        let result = match setup(self) {
            Ok(()) => self.run(),
            Err(kind) => Err(self.unwind(Error::new(kind, Span::NONE))),
        };
        self.base = saved_base;
        match result {
            Ok(()) => {
                let v = self.stack.pop().unwrap_or_default();
                self.stack.truncate(stack_len);
                Ok(v)
            }
            Err(e) => {
                self.stack.truncate(stack_len);
                Err(e)
            }
        }
    }

    /// The outer loop: runs frames until the stack is back at `base`.
    fn run(&mut self) -> Result<(), Error> {
        while self.frames.len() > self.base {
            if self.frames.len() > self.frame_limit {
                let e = Error::new(self.overflow(), Span::NONE);
                return Err(self.unwind(e));
            }
            // A step of `foldl'`, `filter`, `concatMap`, `any` or `all`
            // updates its frame where it lies.
            let result = match self.frames.last() {
                Some(Frame::Foldl { .. }) => {
                    self.foldl_resume().map_err(|k| Error::new(k, Span::NONE))
                }
                Some(Frame::Collect { .. }) => self.collect_resume(),
                _ => {
                    let Some(frame) = self.frames.pop() else {
                        break;
                    };
                    match frame {
                        Frame::Code { chunk, ip, bp, up } => self.run_code(chunk, ip, bp, up),
                        Frame::Update {
                            thunk,
                            saved,
                            discard,
                        } => self.finish_update(thunk, saved, discard),
                        Frame::BuiltinArgs {
                            def,
                            mut args,
                            next,
                            span,
                        } => {
                            let v = self.stack.pop().unwrap_or_default();
                            args[next] = v;
                            self.invoke_builtin(def, args, next + 1, span)
                                .map_err(|k| Error::new(k, span))
                        }
                        Frame::Gen {
                            gen,
                            span,
                            awaiting,
                        } => {
                            let response = if awaiting {
                                Response::Value(self.stack.pop().unwrap_or_default())
                            } else {
                                Response::Empty
                            };
                            self.resume_gen(gen, span, response)
                        }
                        Frame::Catch { .. } => {
                            let v = self.stack.pop().unwrap_or_default();
                            self.stack.push(try_eval_result(true, v));
                            Ok(())
                        }
                        Frame::ErrorContext { .. } => Ok(()),
                        Frame::CollectList { op, f, span } => {
                            let list = self.stack.pop().unwrap_or_default();
                            self.collect_start(op, f, list, span)
                                .map_err(|k| Error::new(k, span))
                        }
                        // Stepped where they lie (above); one popped is put back.
                        frame @ (Frame::Foldl { .. } | Frame::Collect { .. }) => {
                            self.frames.push(frame);
                            continue;
                        }
                        Frame::FoldlList { f, acc } => {
                            let list = self.stack.pop().unwrap_or_default();
                            self.foldl_start(f, acc, list)
                                .map_err(|k| Error::new(k, Span::NONE))
                        }
                        Frame::CallWith { arg, span } => {
                            self.stack.push(arg);
                            self.call(span).map_err(|k| Error::new(k, span))
                        }
                        Frame::Sort(m, span) => {
                            let v = self.stack.pop().unwrap_or_default();
                            self.sort_resume(m, Some(v), span)
                                .map_err(|k| Error::new(k, span))
                        }
                        Frame::SortList { f, span } => {
                            let list = self.stack.pop().unwrap_or_default();
                            self.sort_start(f, list, span)
                                .map_err(|k| Error::new(k, span))
                        }
                    }
                }
            };
            if let Err(e) = result {
                let e = match self.enter_deferred(e) {
                    Ok(()) => continue,
                    Err(e) => e,
                };
                let e = self.unwind(e);
                // A catch frame may have handled it.
                if e.kind == ErrorKind::Eval(CAUGHT.into()) {
                    continue;
                }
                return Err(e);
            }
        }
        Ok(())
    }

    /// After `e` stopped a frame: if the frame was a deferred binding's
    /// stand-in, which has no code and so runs off its end at once, its
    /// code (compiled now, or before by another thunk of the stand-in, see
    /// `compiler::defer`) takes the frame's place and `Ok` says to go on.
    /// Caught here rather than in the dispatch loop, whose code any extra
    /// branch there makes slower. Otherwise `e` (or the error compiling).
    #[cold]
    #[inline(never)]
    fn enter_deferred(&mut self, e: Error) -> Result<(), Error> {
        if !matches!(&e.kind, ErrorKind::Eval(m) if m == OFF_THE_END) {
            return Err(e);
        }
        // The stand-in ran under the update of the thunk it is the code of.
        let Some(Frame::Update {
            thunk,
            saved: Saved::Code(stand_in),
            ..
        }) = self.frames.last_mut()
        else {
            return Err(e);
        };
        let Some(code) = crate::compiler::defer::compiled(stand_in) else {
            return Err(e);
        };
        let code = code?;
        // Traces and a retry after a limit use the code, not the stand-in.
        *stand_in = code.clone();
        let up = Up::Thunk(thunk.clone());
        let bp = self.push_locals(code.locals);
        self.frames.push(Frame::Code {
            chunk: code,
            ip: 0,
            bp,
            up,
        });
        Ok(())
    }

    /// Pops frames down to `base` (restoring thunks and collecting a trace),
    /// stopping at a `tryEval` frame if the error is catchable.
    fn unwind(&mut self, mut e: Error) -> Error {
        while self.frames.len() > self.base {
            let Some(frame) = self.frames.pop() else {
                break;
            };
            match frame {
                Frame::Update { thunk, saved, .. } => {
                    if let Saved::Code(chunk) = &saved {
                        if let (Some(d), true) = (chunk.description(), e.trace.len() < 64) {
                            let span = chunk.last_span();
                            e.trace.push(crate::errors::TraceFrame { span, message: d });
                        }
                    }
                    // Errors are memoized, as in current Nix; a limit or an
                    // interruption is not the thunk's fault, so it can be retried.
                    match saved {
                        _ if !e.kind.is_limit_like() => thunk.fail(&e),
                        Saved::State(state) => thunk.restore(state),
                        Saved::Code(chunk) => thunk.resume(chunk),
                    }
                }
                Frame::Catch { stack_len } if e.kind.is_catchable() => {
                    self.stack.truncate(stack_len);
                    self.stack.push(try_eval_result(false, Value::Bool(false)));
                    return Error::new(ErrorKind::Eval(CAUGHT.into()), Span::NONE);
                }
                Frame::Code { chunk, ip, .. } => {
                    let span = chunk.span_at(ip.saturating_sub(1));
                    if !e.span.is_some() && e.kind.is_limit_like() {
                        // Limits stop evaluation between instructions: the
                        // innermost code running is where it happened.
                        e.span = span;
                    } else if e.trace.len() < 64 && span.is_some() && span != e.span {
                        let msg = match (&chunk.lambda_name(), chunk.description()) {
                            (Some(n), _) => format!("while calling '{n}'"),
                            (None, Some(d)) => d,
                            (None, None) => "while evaluating".to_string(),
                        };
                        e.trace
                            .push(crate::errors::TraceFrame { span, message: msg });
                    }
                }
                Frame::CallWith { .. }
                | Frame::Foldl { .. }
                | Frame::FoldlList { .. }
                | Frame::Collect { .. }
                | Frame::CollectList { .. }
                | Frame::Sort(..)
                | Frame::SortList { .. } => {}
                Frame::ErrorContext { message } => {
                    let text = match message.shallow() {
                        Value::String(s) => s.to_str_lossy().into_owned(),
                        _ => {
                            // The message still needs evaluating (and may itself fail,
                            // which then replaces the error, as in C++ Nix): do that
                            // in a generator, which re-raises `e` with the message.
                            let gen = generators::make_gen(move |co| async move {
                                let s = generators::coerce_to_string(
                                    &co,
                                    message,
                                    generators::Coercion::INTERPOLATION,
                                )
                                .await?;
                                e.trace.push(crate::errors::TraceFrame {
                                    span: Span::NONE,
                                    message: s.to_str_lossy().into_owned(),
                                });
                                Err(ErrorKind::Spanned(Box::new(e)))
                            });
                            self.frames.push(Frame::Gen {
                                gen,
                                span: Span::NONE,
                                awaiting: false,
                            });
                            return Error::new(ErrorKind::Eval(CAUGHT.into()), Span::NONE);
                        }
                    };
                    e.trace.push(crate::errors::TraceFrame {
                        span: Span::NONE,
                        message: text,
                    });
                }
                Frame::Gen { span, .. } | Frame::BuiltinArgs { span, .. } => {
                    if e.trace.len() < 64 && span.is_some() {
                        e.trace.push(crate::errors::TraceFrame {
                            span,
                            message: "while calling a builtin".into(),
                        });
                    }
                }
                Frame::Catch { .. } => {}
            }
        }
        e
    }

    fn finish_update(&mut self, thunk: Thunk, saved: Saved, discard: bool) -> Result<(), Error> {
        let top = self.stack.last().cloned().unwrap_or_default();
        if let Value::Thunk(inner) = &top {
            if let Some(v) = inner.value() {
                if let Some(t) = self.stack.last_mut() {
                    *t = v;
                }
            } else {
                // The result is itself a pending thunk: evaluate it first.
                self.frames.push(Frame::Update {
                    thunk,
                    saved,
                    discard,
                });
                return self.force_top(false).map_err(|k| Error::new(k, Span::NONE));
            }
        }
        let v = if discard {
            self.stack.pop().unwrap_or_default()
        } else {
            self.stack.last().cloned().unwrap_or_default()
        };
        thunk.finish(v);
        Ok(())
    }
}

/// `+ - * /` on two numbers (for the arithmetic builtins).
pub fn arith_numbers(op: Op, a: &Value, b: &Value) -> Result<Value, ErrorKind> {
    ops::arith(op, a, b).unwrap_or_else(|| {
        Err(ErrorKind::TypeError {
            expected: "an integer",
            actual: a.type_description(),
        })
    })
}

/// `v.name` on a forced value.
pub fn select_attr(v: &Value, name: Symbol) -> Result<Value, ErrorKind> {
    ops::select(v, name)
}

/// `+ - * <` on the two integers on top of the stack, when that is what they
/// are and the result does not overflow (everything else takes the general path).
#[inline(always)]
fn int_fast_path(stack: &[Value], op: Op) -> Option<Value> {
    let [.., Value::Int(x), Value::Int(y)] = stack else {
        return None;
    };
    int_operation(op, *x, *y)
}

/// `x op y` for integers, unless the slow path has to decide (overflow,
/// division by zero: it fails).
#[inline(always)]
fn int_operation(op: Op, x: i64, y: i64) -> Option<Value> {
    match op {
        Op::Add => x.checked_add(y).map(Value::Int),
        Op::Sub => x.checked_sub(y).map(Value::Int),
        Op::Mul => x.checked_mul(y).map(Value::Int),
        // Division by zero and `MIN / -1` take the slow path, which fails.
        Op::Div if y != 0 => x.checked_div(y).map(Value::Int),
        Op::Less => Some(Value::Bool(x < y)),
        Op::Equal => Some(Value::Bool(x == y)),
        Op::NotEqual => Some(Value::Bool(x != y)),
        _ => None,
    }
}

/// The result of a speculative thunk's operation (`MakeSpeculativeThunk`)
/// if its operands are evaluated integers and it cannot fail.
#[inline(never)]
fn speculate(s: &Speculation, chunk: &Chunk, stack: &[Value], bp: usize, up: &Up) -> Option<Value> {
    let lhs = speculated_operand(s.lhs, chunk, stack, bp, up)?;
    let rhs = speculated_operand(s.rhs, chunk, stack, bp, up)?;
    let r = int_operation(s.op, lhs, rhs)?;
    Some(match (s.negate, r) {
        (true, Value::Bool(b)) => Value::Bool(!b),
        (_, r) => r,
    })
}

/// An operand of a speculative thunk's operation, if it is an evaluated
/// integer. Inlined into [`speculate`] (integer recursion makes one such
/// thunk per call), with no value held across it that needs dropping.
#[inline(always)]
fn speculated_operand(
    o: SpecOperand,
    chunk: &Chunk,
    stack: &[Value],
    bp: usize,
    up: &Up,
) -> Option<i64> {
    // A literal thunk counts as unevaluated: see `compiler/speculate.rs`.
    #[inline(always)]
    fn int(v: &Value) -> Option<i64> {
        match v {
            Value::Int(n) => Some(*n),
            Value::Thunk(t) => match &*t.0.borrow() {
                ThunkState::Evaluated(Value::Int(n)) => Some(*n),
                _ => None,
            },
            _ => None,
        }
    }
    match o {
        SpecOperand::Int(n) => Some(n),
        SpecOperand::Captured(Capture::Local(s)) => int(stack.get(bp + s as usize)?),
        SpecOperand::Captured(Capture::Upvalue(i)) => int(&up.get(chunk, i)),
    }
}

/// The inner lambda of a lambda whose body is just another lambda (`a: b: …`).
#[inline]
fn curried_inner(chunk: &Chunk) -> Option<&Rc<crate::bytecode::Lambda>> {
    match &chunk.code[..] {
        [Op::MakeClosure(i), Op::Return] => chunk.lambdas.get(*i as usize),
        _ => None,
    }
}

/// The last read of upvalue `i` in a curried body: the outer argument is
/// owned by the frame and moves out; the outer closure's upvalues are copied.
#[inline(never)]
fn take_curried_upvalue(up: &mut Up, chunk: &Chunk, i: u32) -> Value {
    match up {
        Up::Curried(_, a) if matches!(chunk.captures.get(i as usize), Some(Capture::Local(_))) => {
            std::mem::replace(a, Value::Null)
        }
        other => other.get(chunk, i),
    }
}

/// The list argument of `filter`, `foldl'` or `sort`: the list if evaluated,
/// `None` if it still needs forcing (the caller pushes the frame that takes
/// it over), a type error for anything else.
fn evaluated_list(list: &Value) -> Result<Option<crate::value::NixList>, ErrorKind> {
    match list.shallow() {
        Value::List(l) => Ok(Some(l)),
        Value::Thunk(_) => Ok(None),
        other => Err(ErrorKind::TypeError {
            expected: "a list",
            actual: other.type_description(),
        }),
    }
}

/// Whether a forced value has the type a primop's argument check names
/// (`"a string"`, `"a string without context"`, `"a hash algorithm"`,
/// `"an integer"`, `"a list"`, `"a set"`).
fn check_type(v: &Value, expected: &'static str) -> Result<(), ErrorKind> {
    if expected == "a string without context" {
        return crate::builtins::to_str_no_ctx(v).map(|_| ());
    }
    if expected == "a hash algorithm" {
        let name = crate::builtins::to_str_no_ctx(v)?;
        return crate::builtins::HashAlgo::parse(name.as_bytes()).map(|_| ());
    }
    let ok = match (expected, v) {
        ("a string", Value::String(_))
        | ("an integer", Value::Int(_))
        | ("a list", Value::List(_))
        | ("a set", Value::Attrs(_)) => true,
        ("a string" | "an integer" | "a list" | "a set", _) => false,
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(ErrorKind::TypeError {
            expected,
            actual: v.type_description(),
        })
    }
}

/// Marker message for an error a `tryEval` frame has turned into a value.
const CAUGHT: &str = "\u{0}caught";

/// The error the dispatch loop stops with when it runs past a chunk's last
/// instruction: the stand-in of a deferred binding does so at once (see
/// [`Vm::enter_deferred`]).
const OFF_THE_END: &str = "internal error: ran off the end of a chunk";

fn try_eval_result(success: bool, value: Value) -> Value {
    let (s, v) = crate::value::well_known(|w| (w.success, w.value));
    Value::attrs(Attrs::from_sorted(vec![
        Attr {
            name: s,
            value: Value::Bool(success),
            pos: Pos::NONE,
        },
        Attr {
            name: v,
            value,
            pos: Pos::NONE,
        },
    ]))
}

/// The value if it needs no evaluation.
fn ready(v: &Value) -> Option<Value> {
    match v {
        Value::Thunk(t) => t.value(),
        v => Some(v.clone()),
    }
}
