//! The VM: a value stack and a frame stack of bytecode frames, thunk-update
//! markers, builtin argument forcing, generator frames and `tryEval` catch
//! frames. Nothing recurses on the host stack: forcing and calling push frames.

pub mod generators;
mod ops;
mod sort;

use std::rc::Rc;

use genawaiter::GeneratorState;

use crate::builtins::{BuiltinDef, BuiltinImpl};
use crate::bytecode::{Capture, Chunk, Op};
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

/// One entry of the frame stack.
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
    /// `thunk`. If evaluation fails, `saved` is put back (or, for code
    /// thunks, which keep their state while running, the thunk is marked idle).
    Update {
        thunk: Thunk,
        saved: Option<ThunkState>,
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
    /// `filter`: the frame above leaves the predicate's result for `list[next - 1]`.
    Filter {
        f: Value,
        list: crate::value::NixList,
        next: usize,
        kept: Vec<Value>,
    },
    /// `filter` before its list is forced.
    FilterList { f: Value },
    /// `sort`: the frame above leaves what the machine asked for.
    Sort(Box<sort::SortMachine>),
    /// `sort` before its list is forced.
    SortList { f: Value },
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
    let mut out = smallvec::SmallVec::new();
    for c in captures {
        out.push(match *c {
            Capture::Local(s) => stack.get(bp + s as usize).cloned().unwrap_or(Value::Null),
            Capture::Upvalue(i) => up.get(chunk, i),
        });
    }
    Upvalues(out)
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
                let v = self.stack.pop().unwrap_or(Value::Null);
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
            let Some(frame) = self.frames.pop() else {
                break;
            };
            let result = match frame {
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
                    let v = self.stack.pop().unwrap_or(Value::Null);
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
                        Response::Value(self.stack.pop().unwrap_or(Value::Null))
                    } else {
                        Response::Empty
                    };
                    self.resume_gen(gen, span, response)
                }
                Frame::Catch { .. } => {
                    let v = self.stack.pop().unwrap_or(Value::Null);
                    self.stack.push(try_eval_result(true, v));
                    Ok(())
                }
                Frame::ErrorContext { .. } => Ok(()),
                Frame::FilterList { f } => {
                    let list = self.stack.pop().unwrap_or(Value::Null);
                    self.filter_start(f, list)
                        .map_err(|k| Error::new(k, Span::NONE))
                }
                Frame::Filter {
                    f,
                    list,
                    next,
                    mut kept,
                } => {
                    let keep = self.stack.pop().unwrap_or(Value::Null);
                    match keep {
                        Value::Bool(b) => {
                            if b {
                                kept.push(list[next - 1].clone());
                            }
                            self.filter_step(f, list, next, kept)
                                .map_err(|k| Error::new(k, Span::NONE))
                        }
                        other => Err(Error::new(
                            ErrorKind::TypeError {
                                expected: "a Boolean",
                                actual: other.type_description(),
                            },
                            Span::NONE,
                        )),
                    }
                }
                Frame::FoldlList { f, acc } => {
                    let list = self.stack.pop().unwrap_or(Value::Null);
                    self.foldl_start(f, acc, list)
                        .map_err(|k| Error::new(k, Span::NONE))
                }
                Frame::Foldl { f, list, next } => {
                    let acc = self.stack.pop().unwrap_or(Value::Null);
                    self.foldl_step(f, list, next, acc)
                        .map_err(|k| Error::new(k, Span::NONE))
                }
                Frame::CallWith { arg, span } => {
                    self.stack.push(arg);
                    self.call(span).map_err(|k| Error::new(k, span))
                }
                Frame::Sort(m) => {
                    let v = self.stack.pop().unwrap_or(Value::Null);
                    self.sort_resume(m, Some(v))
                        .map_err(|k| Error::new(k, Span::NONE))
                }
                Frame::SortList { f } => {
                    let list = self.stack.pop().unwrap_or(Value::Null);
                    self.sort_start(f, list)
                        .map_err(|k| Error::new(k, Span::NONE))
                }
            };
            if let Err(e) = result {
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

    /// Pops frames down to `base` (restoring thunks and collecting a trace),
    /// stopping at a `tryEval` frame if the error is catchable.
    fn unwind(&mut self, mut e: Error) -> Error {
        while self.frames.len() > self.base {
            let Some(frame) = self.frames.pop() else {
                break;
            };
            match frame {
                Frame::Update { thunk, saved, .. } => {
                    if let ThunkState::Code { chunk, .. } = &*thunk.0.borrow() {
                        if let (Some(d), true) = (&chunk.description, e.trace.len() < 64) {
                            let span = chunk.spans.last().copied().unwrap_or(Span::NONE);
                            e.trace.push(crate::errors::TraceFrame {
                                span,
                                message: d.clone(),
                            });
                        }
                    }
                    // Errors are memoized, as in current Nix; a limit or an
                    // interruption is not the thunk's fault, so it can be retried.
                    match saved {
                        _ if !e.kind.is_limit_like() => thunk.fail(&e),
                        Some(state) => thunk.restore(state),
                        None => thunk.stop_running(),
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
                        let msg = match (&chunk.lambda_name, &chunk.description) {
                            (Some(n), _) => format!("while calling '{n}'"),
                            (None, Some(d)) => d.clone(),
                            (None, None) => "while evaluating".to_string(),
                        };
                        e.trace
                            .push(crate::errors::TraceFrame { span, message: msg });
                    }
                }
                Frame::CallWith { .. }
                | Frame::Foldl { .. }
                | Frame::FoldlList { .. }
                | Frame::Filter { .. }
                | Frame::FilterList { .. }
                | Frame::Sort(_)
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

    fn finish_update(
        &mut self,
        thunk: Thunk,
        saved: Option<ThunkState>,
        discard: bool,
    ) -> Result<(), Error> {
        let top = self.stack.last().cloned().unwrap_or(Value::Null);
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
            self.stack.pop().unwrap_or(Value::Null)
        } else {
            self.stack.last().cloned().unwrap_or(Value::Null)
        };
        thunk.finish(v);
        Ok(())
    }

    /// Forces the value on top of the stack. Either it is already in weak head
    /// normal form (replaced in place), or frames are pushed that will leave
    /// it there. With `discard`, the forced value is dropped afterwards.
    pub(crate) fn force_top(&mut self, discard: bool) -> Result<(), ErrorKind> {
        let Some(Value::Thunk(t)) = self.stack.last().cloned() else {
            if discard {
                self.stack.pop();
            }
            return Ok(());
        };
        if let Some(v) = t.value() {
            if discard {
                self.stack.pop();
            } else if let Some(top) = self.stack.last_mut() {
                *top = v;
            }
            return Ok(());
        }
        self.stack.pop();
        self.tick()?;
        self.thunks_forced += 1;
        match t.start() {
            Start::Value(v) => {
                self.thunks_forced -= 1;
                if !discard {
                    self.stack.push(v);
                }
                return Ok(());
            }
            Start::Code(chunk) => {
                self.frames.push(Frame::Update {
                    thunk: t.clone(),
                    saved: None,
                    discard,
                });
                let bp = self.push_locals(chunk.locals);
                self.frames.push(Frame::Code {
                    chunk,
                    ip: 0,
                    bp,
                    up: Up::Thunk(t),
                });
                return Ok(());
            }
            Start::Running => return Err(ErrorKind::InfiniteRecursion),
            Start::Other => {}
        }
        let state = t.enter();
        match &state {
            ThunkState::Apply(f, x) => {
                let (f, x) = (f.clone(), x.clone());
                self.frames.push(Frame::Update {
                    thunk: t,
                    saved: Some(state),
                    discard,
                });
                // `f` may itself be a thunk: force it via a generator.
                if f.is_pending() {
                    let gen = generators::make_gen(move |co| async move {
                        let f = co.force(f).await;
                        Ok(co.call(f, x).await)
                    });
                    self.frames.push(Frame::Gen {
                        gen,
                        span: Span::NONE,
                        awaiting: false,
                    });
                    return Ok(());
                }
                self.stack.push(f.shallow());
                self.stack.push(x);
                self.call(Span::NONE)
            }
            ThunkState::Alias(v) => {
                let v = v.clone();
                self.frames.push(Frame::Update {
                    thunk: t,
                    saved: Some(state),
                    discard,
                });
                self.stack.push(v);
                self.force_top(false)
            }
            ThunkState::Blackhole | ThunkState::Blank | ThunkState::Code { .. } => {
                t.restore(state);
                Err(ErrorKind::InfiniteRecursion)
            }
            ThunkState::Evaluated(_) => {
                t.restore(state);
                Ok(())
            }
            ThunkState::Failed(e) => {
                let e = (**e).clone();
                t.restore(state);
                Err(ErrorKind::Spanned(Box::new(e)))
            }
        }
    }

    /// Calls the function below the argument on the stack. On return, either
    /// the result is on the stack (in weak head normal form) or frames are pushed.
    pub(crate) fn call(&mut self, span: Span) -> Result<(), ErrorKind> {
        self.tick()?;
        let arg = self.stack.pop().unwrap_or(Value::Null);
        let f = self.stack.pop().unwrap_or(Value::Null);
        match f.shallow() {
            Value::Closure(c) => {
                // `a: b: …` with the second argument waiting: enter the inner
                // lambda directly, without running the outer body.
                if let (Some(inner), Some(Frame::CallWith { .. })) =
                    (curried_inner(&c.lambda.chunk), self.frames.last())
                {
                    let inner = inner.clone();
                    if let Some(Frame::CallWith { arg: b, .. }) = self.frames.pop() {
                        let (chunk, bp) = self.enter_lambda(&inner, b);
                        let up = Up::Curried(c, arg);
                        self.frames.push(Frame::Code {
                            chunk,
                            ip: 0,
                            bp,
                            up,
                        });
                        return Ok(());
                    }
                }
                let (chunk, bp, up) = self.enter_closure(c, arg);
                self.frames.push(Frame::Code {
                    chunk,
                    ip: 0,
                    bp,
                    up,
                });
                Ok(())
            }
            Value::Builtin(b) => {
                let mut args = Vec::with_capacity(b.def.arity as usize);
                args.extend(b.args.iter().cloned());
                args.push(arg);
                if args.len() < b.def.arity as usize {
                    self.stack
                        .push(Value::Builtin(Rc::new(PartialBuiltin { def: b.def, args })));
                    return Ok(());
                }
                self.invoke_builtin(b.def, args, 0, span)
            }
            Value::Attrs(a) => {
                let functor = crate::value::well_known(|w| w.functor);
                let Some(fv) = a.get(functor).cloned() else {
                    return Err(eval_err!(
                        "attempt to call something which is not a function but a set"
                    ));
                };
                let this = Value::Attrs(a.clone());
                let gen = generators::make_gen(move |co| async move {
                    let f = co.force(fv).await;
                    let g = co.call(f, this).await;
                    Ok(co.call(g, arg).await)
                });
                self.frames.push(Frame::Gen {
                    gen,
                    span,
                    awaiting: false,
                });
                Ok(())
            }
            Value::Thunk(t) => {
                // Only reachable through builtins handing back unforced functions.
                let f = Value::Thunk(t);
                let gen = generators::make_gen(move |co| async move {
                    let f = co.force(f).await;
                    Ok(co.call(f, arg).await)
                });
                self.frames.push(Frame::Gen {
                    gen,
                    span,
                    awaiting: false,
                });
                Ok(())
            }
            other => Err(eval_err!(
                "attempt to call something which is not a function but {}",
                other.type_description()
            )),
        }
    }

    /// Sets up the locals of a call of closure `c` with `arg` (slot 0 for a
    /// plain argument; for a formals pattern the `@` slot, with the argument
    /// also pushed for the body's `BindFormals`). Returns the frame's parts.
    #[inline(always)]
    fn enter_closure(&mut self, c: Rc<Closure>, arg: Value) -> (Rc<Chunk>, usize, Up) {
        let (chunk, bp) = self.enter_lambda(&c.lambda, arg);
        (chunk, bp, Up::Closure(c))
    }

    /// Sets up the locals for calling `lambda` with `arg`; returns its chunk
    /// and the frame's base.
    #[inline(always)]
    fn enter_lambda(&mut self, lambda: &crate::bytecode::Lambda, arg: Value) -> (Rc<Chunk>, usize) {
        self.function_calls += 1;
        let chunk = lambda.chunk.clone();
        let bp = self.stack.len();
        if !lambda.has_formals {
            self.stack.push(arg);
            for _ in 1..chunk.locals {
                self.stack.push(Value::Null);
            }
        } else {
            self.push_locals(chunk.locals);
            if let Some(b) = lambda.bind_slot {
                if let Some(slot) = self.stack.get_mut(bp + b as usize) {
                    *slot = arg.clone();
                }
            }
            self.stack.push(arg);
        }
        (chunk, bp)
    }

    /// Gives `v` as a builtin's result (from a `Frames` builtin).
    pub(crate) fn return_value(&mut self, v: Value) -> Result<(), ErrorKind> {
        self.stack.push(v);
        Ok(())
    }

    /// Forces argument `index` of the builtin `name` and runs the builtin
    /// again with it, for builtins that force an argument only in some cases.
    pub(crate) fn rerun_with_forced_arg(
        &mut self,
        name: &str,
        mut args: Vec<Value>,
        index: usize,
    ) -> Result<(), ErrorKind> {
        let Some(def) = crate::builtins::find_builtin(name) else {
            return Err(ErrorKind::Eval(format!("unknown builtin '{name}'")));
        };
        let Some(arg) = args.get_mut(index) else {
            return Err(ErrorKind::Eval(format!(
                "builtin '{name}' has no argument {index}"
            )));
        };
        let thunk = std::mem::replace(arg, Value::Null);
        self.frames.push(Frame::BuiltinArgs {
            def,
            args,
            next: index,
            span: Span::NONE,
        });
        self.stack.push(thunk);
        self.force_top(false)
    }

    /// Starts `filter` once the list is forced (forcing it first if needed).
    pub(crate) fn filter_start(&mut self, f: Value, list: Value) -> Result<(), ErrorKind> {
        match evaluated_list(&list)? {
            Some(l) => self.filter_step(f, l, 0, Vec::new()),
            None => {
                self.frames.push(Frame::FilterList { f });
                self.stack.push(list);
                self.force_top(false)
            }
        }
    }

    /// One step of `filter`: call the predicate on `list[next]`, or finish.
    fn filter_step(
        &mut self,
        f: Value,
        list: crate::value::NixList,
        next: usize,
        kept: Vec<Value>,
    ) -> Result<(), ErrorKind> {
        let Some(x) = list.get(next).cloned() else {
            self.stack.push(Value::list(kept));
            return Ok(());
        };
        self.frames.push(Frame::Filter {
            f: f.clone(),
            list,
            next: next + 1,
            kept,
        });
        self.stack.push(f);
        self.stack.push(x);
        self.call(Span::NONE)
    }

    /// Starts `sort` once the list is forced (forcing it first if needed).
    pub(crate) fn sort_start(&mut self, f: Value, list: Value) -> Result<(), ErrorKind> {
        match evaluated_list(&list)? {
            Some(l) => {
                let machine = sort::SortMachine::new(f, l.iter().cloned().collect());
                self.sort_resume(Box::new(machine), None)
            }
            None => {
                self.frames.push(Frame::SortList { f });
                self.stack.push(list);
                self.force_top(false)
            }
        }
    }

    /// Runs the sort machine until it needs a value forced or a comparison
    /// made (pushing frames for that), or is done.
    fn sort_resume(
        &mut self,
        mut m: Box<sort::SortMachine>,
        input: Option<Value>,
    ) -> Result<(), ErrorKind> {
        match m.resume(input)? {
            sort::Next::Force(v) => {
                self.frames.push(Frame::Sort(m));
                self.stack.push(v);
                self.force_top(false)
            }
            sort::Next::Compare(a, b) => {
                let cmp = m.comparator();
                self.frames.push(Frame::Sort(m));
                self.frames.push(Frame::CallWith {
                    arg: b,
                    span: Span::NONE,
                });
                self.stack.push(cmp);
                self.stack.push(a);
                self.call(Span::NONE)
            }
            sort::Next::Done(v) => {
                self.stack.push(v);
                Ok(())
            }
        }
    }

    /// Starts `foldl'` once the list is forced (forcing it first if needed).
    pub(crate) fn foldl_start(
        &mut self,
        f: Value,
        acc: Value,
        list: Value,
    ) -> Result<(), ErrorKind> {
        match evaluated_list(&list)? {
            Some(l) => self.foldl_step(f, l, 0, acc),
            None => {
                self.frames.push(Frame::FoldlList { f, acc });
                self.stack.push(list);
                self.force_top(false)
            }
        }
    }

    /// One step of `foldl'`: call `f acc list[next]`, or finish with `acc`.
    pub(crate) fn foldl_step(
        &mut self,
        f: Value,
        list: crate::value::NixList,
        next: usize,
        acc: Value,
    ) -> Result<(), ErrorKind> {
        let Some(x) = list.get(next).cloned() else {
            self.stack.push(acc);
            return self.force_top(false);
        };
        self.frames.push(Frame::Foldl {
            f: f.clone(),
            list,
            next: next + 1,
        });
        self.frames.push(Frame::CallWith {
            arg: x,
            span: Span::NONE,
        });
        self.stack.push(f);
        self.stack.push(acc);
        self.call(Span::NONE)
    }

    /// Forces `v` under an `addErrorContext` frame carrying `message`.
    pub(crate) fn push_error_context(&mut self, message: Value, v: Value) -> Result<(), ErrorKind> {
        self.frames.push(Frame::ErrorContext { message });
        self.stack.push(v);
        self.force_top(false)
    }

    /// Forces strict arguments from `from` on, then runs the builtin.
    fn invoke_builtin(
        &mut self,
        def: &'static BuiltinDef,
        mut args: Vec<Value>,
        from: usize,
        span: Span,
    ) -> Result<(), ErrorKind> {
        if from == 0 {
            self.primop_calls += 1;
        }
        for i in from..args.len() {
            if i == 1 {
                // C++ Nix checks the first argument before forcing the next.
                if let (Some(expected), Some(first)) = (def.first_arg, args.first()) {
                    check_type(first, expected)?;
                }
            }
            if def.strict & (1 << i) == 0 {
                continue;
            }
            if let Value::Thunk(t) = &args[i] {
                match t.value() {
                    Some(v) => args[i] = v,
                    None => {
                        let thunk = args[i].clone();
                        self.frames.push(Frame::BuiltinArgs {
                            def,
                            args,
                            next: i,
                            span,
                        });
                        self.stack.push(thunk);
                        return self.force_top(false);
                    }
                }
            }
        }
        match def.imp {
            BuiltinImpl::Sync(f) => {
                let v = f(self, args)?;
                self.stack.push(v);
                self.force_top(false)
            }
            BuiltinImpl::Async(f) => {
                let gen = f(args, self.shared.clone());
                self.frames.push(Frame::Gen {
                    gen,
                    span,
                    awaiting: false,
                });
                Ok(())
            }
            BuiltinImpl::Frames(f) => f(self, args),
            BuiltinImpl::Fast(fast, slow) => {
                if let Some(r) = fast(&args) {
                    self.stack.push(r?);
                    return self.force_top(false);
                }
                let gen = slow(args, self.shared.clone());
                self.frames.push(Frame::Gen {
                    gen,
                    span,
                    awaiting: false,
                });
                Ok(())
            }
        }
    }

    fn resume_gen(
        &mut self,
        mut gen: Box<Gen>,
        span: Span,
        mut response: Response,
    ) -> Result<(), Error> {
        loop {
            match gen.resume_with(response) {
                GeneratorState::Yielded(req) => match req {
                    Request::Force(v) => {
                        if let Some(v) = ready(&v) {
                            // Long walks over evaluated data (`toJSON`,
                            // `deepSeq`) count as steps too, so limits and
                            // interruption reach them.
                            if let Err(k) = self.tick() {
                                return Err(Error::new(k, span));
                            }
                            response = Response::Value(v);
                            continue;
                        }
                        self.frames.push(Frame::Gen {
                            gen,
                            span,
                            awaiting: true,
                        });
                        self.stack.push(v);
                        return self.force_top(false).map_err(|k| Error::new(k, span));
                    }
                    Request::Call2(f, a, b) => {
                        self.frames.push(Frame::Gen {
                            gen,
                            span,
                            awaiting: true,
                        });
                        self.frames.push(Frame::CallWith { arg: b, span });
                        self.stack.push(f);
                        self.stack.push(a);
                        return self.call(span).map_err(|k| Error::new(k, span));
                    }
                    Request::Call(f, x) => {
                        self.frames.push(Frame::Gen {
                            gen,
                            span,
                            awaiting: true,
                        });
                        self.stack.push(f);
                        self.stack.push(x);
                        return self.call(span).map_err(|k| Error::new(k, span));
                    }
                    Request::PathToStore(p) => {
                        response = match crate::builtins::path_to_store(&self.shared, &p) {
                            Ok(s) => Response::Value(Value::String(s)),
                            Err(e) => Response::Error(e),
                        };
                        continue;
                    }
                    Request::TryForce(v) => {
                        self.frames.push(Frame::Gen {
                            gen,
                            span,
                            awaiting: true,
                        });
                        self.frames.push(Frame::Catch {
                            stack_len: self.stack.len(),
                        });
                        self.stack.push(v);
                        return self.force_top(false).map_err(|k| Error::new(k, span));
                    }
                },
                GeneratorState::Complete(Ok(v)) => {
                    self.stack.push(v);
                    return self.force_top(false).map_err(|k| Error::new(k, span));
                }
                GeneratorState::Complete(Err(kind)) => return Err(Error::new(kind, span)),
            }
        }
    }

    /// `MakeAttrs`: builds a set from the static values and dynamic
    /// (key, value) pairs on the stack.
    #[inline(never)]
    fn make_attrs(&mut self, chunk: &Chunk, desc: u32, dynamic: u32) -> Result<Value, Error> {
        let d = &chunk.attr_sets[desc as usize];
        let n_static = d.names.len();
        let total = n_static + 2 * dynamic as usize;
        if self.stack.len() < total {
            return Err(Error::new(
                eval_err!("internal error: value stack underflow"),
                Span::NONE,
            ));
        }
        let start = self.stack.len() - total;
        let mut values = self.stack.split_off(start).into_iter();
        let mut entries: Vec<Attr> = Vec::with_capacity(n_static + dynamic as usize);
        for (name, pos) in &d.names {
            let value = values.next().unwrap_or(Value::Null);
            entries.push(Attr {
                name: *name,
                value,
                pos: *pos,
            });
        }
        for i in 0..dynamic as usize {
            let key = values.next().unwrap_or(Value::Null);
            let value = values.next().unwrap_or(Value::Null);
            let span = d.dynamic_spans.get(i).copied().unwrap_or(Span::NONE);
            let name = match key {
                Value::Null => continue,
                Value::String(s) => {
                    if let Err(k) = crate::builtins::to_str_no_ctx(&Value::String(s.clone())) {
                        return Err(Error::new(k, span));
                    }
                    Symbol::new(s.as_bytes())
                }
                other => {
                    return Err(Error::new(
                        ErrorKind::TypeError {
                            expected: "a string",
                            actual: other.type_description(),
                        },
                        span,
                    ))
                }
            };
            match entries.binary_search_by(|a| a.name.cmp(&name)) {
                Ok(at) => {
                    return Err(Error::new(
                        eval_err!(
                            "dynamic attribute '{}' already defined at {}",
                            name,
                            pos_string(entries[at].pos.span())
                        ),
                        span,
                    ))
                }
                Err(at) => {
                    let pos = d.dynamic_pos.get(i).copied().unwrap_or(Pos::NONE);
                    entries.insert(at, Attr { name, value, pos })
                }
            }
        }
        Ok(Value::attrs(Attrs::from_sorted(entries)))
    }

    /// `ApplyOverrides` (legacy `rec { __overrides = …; }`): stores the
    /// overriding attributes into their slots and the thunks that captured
    /// them; returns a set of the remaining ones.
    #[inline(never)]
    fn apply_overrides(
        &mut self,
        chunk: &Chunk,
        bp: usize,
        i: u32,
        overrides: Value,
    ) -> Result<Value, ErrorKind> {
        let overrides = match overrides {
            Value::Attrs(a) => a,
            other => {
                return Err(ErrorKind::TypeError {
                    expected: "a set",
                    actual: other.type_description(),
                })
            }
        };
        let names = &chunk.rec_slots[i as usize];
        let mut extra = Vec::new();
        for attr in overrides.iter() {
            match names.iter().find(|(n, _)| *n == attr.name) {
                Some(&(_, slot)) => {
                    let Some(cell) = self.stack.get_mut(bp + slot as usize) else {
                        continue;
                    };
                    // Thunks that captured the binding see the override too.
                    let same = matches!((&*cell, &attr.value),
                            (Value::Thunk(x), Value::Thunk(y)) if x.ptr_eq(y));
                    if let (Value::Thunk(t), false) = (&*cell, same) {
                        t.restore(match attr.value.shallow() {
                            v @ Value::Thunk(_) => ThunkState::Alias(v),
                            v => ThunkState::Evaluated(v),
                        });
                    }
                    *cell = attr.value.clone();
                }
                None => extra.push(attr.clone()),
            }
        }
        Ok(Value::attrs(Attrs::from_sorted(extra)))
    }

    /// The inner loop: runs bytecode, switching frames in place for calls,
    /// forces and returns, and going back to the outer loop for anything else.
    fn run_code(
        &mut self,
        mut chunk: Rc<Chunk>,
        mut ip: usize,
        mut bp: usize,
        mut up: Up,
    ) -> Result<(), Error> {
        macro_rules! fail {
            ($kind:expr) => {
                return Err(Error::new($kind, chunk.span_at(ip - 1)))
            };
        }
        macro_rules! tryk {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(k) => fail!(k),
                }
            };
        }
        macro_rules! pop {
            () => {
                match self.stack.pop() {
                    Some(v) => v,
                    None => fail!(eval_err!("internal error: value stack underflow")),
                }
            };
        }
        // Suspend this frame (resuming at `ip`) so the outer loop can run others.
        macro_rules! suspend_then {
            ($e:expr) => {{
                self.frames.push(Frame::Code {
                    chunk: chunk.clone(),
                    ip,
                    bp,
                    up: up.clone(),
                });
                if let Err(k) = $e {
                    return Err(Error::new(k, chunk.span_at(ip - 1)));
                }
                return Ok(());
            }};
        }
        loop {
            let Some(&op) = chunk.code.get(ip) else {
                fail!(eval_err!("internal error: ran off the end of a chunk"));
            };
            ip += 1;
            match op {
                Op::Constant(i) => self.stack.push(chunk.constants[i as usize].clone()),
                Op::GetLocal(i) => {
                    let v = match self.stack.get(bp + i as usize) {
                        Some(v) => v.clone(),
                        None => fail!(eval_err!("internal error: bad local slot")),
                    };
                    self.stack.push(v);
                }
                Op::MoveLocal(i) => {
                    let v = match self.stack.get_mut(bp + i as usize) {
                        Some(slot) => std::mem::replace(slot, Value::Null),
                        None => fail!(eval_err!("internal error: bad local slot")),
                    };
                    self.stack.push(v);
                }
                Op::MoveUpvalue(i) => {
                    let v = match up {
                        Up::Curried(..) => take_curried_upvalue(&mut up, &chunk, i),
                        _ => up.get(&chunk, i),
                    };
                    self.stack.push(v);
                }
                Op::GetUpvalue(i) => {
                    let v = up.get(&chunk, i);
                    self.stack.push(v);
                }
                Op::SetLocal(i) => {
                    let v = pop!();
                    match self.stack.get_mut(bp + i as usize) {
                        Some(slot) => *slot = v,
                        None => fail!(eval_err!("internal error: bad local slot")),
                    }
                }
                Op::MakeBlank(i) => {
                    if let Some(slot) = self.stack.get_mut(bp + i as usize) {
                        *slot = Value::Thunk(Thunk::new_blank());
                    }
                }
                Op::InitThunk { chunk: c, slot } => {
                    let proto = &chunk.chunks[c as usize];
                    let ups = capture(&proto.captures, &chunk, &self.stack, bp, &up);
                    if let Some(Value::Thunk(t)) = self.stack.get(bp + slot as usize) {
                        t.init(proto.clone(), ups);
                    }
                }
                Op::Force => {
                    let start = match self.stack.last() {
                        Some(Value::Thunk(t)) => t.start(),
                        _ => continue,
                    };
                    match start {
                        Start::Value(v) => {
                            if let Some(top) = self.stack.last_mut() {
                                *top = v;
                            }
                        }
                        Start::Code(c) => {
                            let Some(Value::Thunk(t)) = self.stack.pop() else {
                                fail!(eval_err!("internal error: value stack underflow"));
                            };
                            self.thunks_forced += 1;
                            self.frames.push(Frame::Code { chunk, ip, bp, up });
                            self.frames.push(Frame::Update {
                                thunk: t.clone(),
                                saved: None,
                                discard: false,
                            });
                            if self.frames.len() > self.frame_limit {
                                return Err(Error::new(self.overflow(), Span::NONE));
                            }
                            if let Err(k) = self.tick() {
                                return Err(Error::new(k, Span::NONE));
                            }
                            bp = self.push_locals(c.locals);
                            chunk = c;
                            up = Up::Thunk(t);
                            ip = 0;
                        }
                        Start::Running | Start::Other => suspend_then!(self.force_top(false)),
                    }
                }
                Op::Pop => {
                    self.stack.pop();
                }
                Op::MakeThunk(i) => {
                    let proto = &chunk.chunks[i as usize];
                    let ups = capture(&proto.captures, &chunk, &self.stack, bp, &up);
                    let t = Thunk::new_code(proto.clone(), ups);
                    self.stack.push(Value::Thunk(t));
                }
                Op::MakeClosure(i) => {
                    let lambda = &chunk.lambdas[i as usize];
                    let upvalues = capture(&lambda.chunk.captures, &chunk, &self.stack, bp, &up);
                    let c = Closure::new(lambda.clone(), upvalues);
                    self.stack.push(Value::Closure(Rc::new(c)));
                }
                Op::Call => {
                    let len = self.stack.len();
                    if len >= 2 {
                        if let Value::Closure(c) = &self.stack[len - 2] {
                            let c = c.clone();
                            let arg = pop!();
                            self.stack.pop();
                            self.frames.push(Frame::Code { chunk, ip, bp, up });
                            if self.frames.len() > self.frame_limit {
                                return Err(Error::new(self.overflow(), Span::NONE));
                            }
                            if let Err(k) = self.tick() {
                                return Err(Error::new(k, Span::NONE));
                            }
                            (chunk, bp, up) = self.enter_closure(c, arg);
                            ip = 0;
                            continue;
                        }
                    }
                    let span = chunk.span_at(ip - 1);
                    suspend_then!(self.call(span));
                }
                Op::Call2 => {
                    // Stack: [f, a, b]. Curried closures are entered in one step.
                    let b = pop!();
                    let len = self.stack.len();
                    if len >= 2 {
                        if let Value::Closure(c) = &self.stack[len - 2] {
                            if let Some(inner) = curried_inner(&c.lambda.chunk) {
                                let inner = inner.clone();
                                let c = c.clone();
                                let a = pop!();
                                self.stack.pop();
                                self.frames.push(Frame::Code { chunk, ip, bp, up });
                                if self.frames.len() > self.frame_limit {
                                    return Err(Error::new(self.overflow(), Span::NONE));
                                }
                                if let Err(k) = self.tick() {
                                    return Err(Error::new(k, Span::NONE));
                                }
                                (chunk, bp) = self.enter_lambda(&inner, b);
                                up = Up::Curried(c, a);
                                ip = 0;
                                continue;
                            }
                        }
                    }
                    let span = chunk.span_at(ip - 1);
                    self.frames.push(Frame::Code {
                        chunk: chunk.clone(),
                        ip,
                        bp,
                        up: up.clone(),
                    });
                    self.frames.push(Frame::CallWith { arg: b, span });
                    if let Err(k) = self.call(span) {
                        return Err(Error::new(k, span));
                    }
                    return Ok(());
                }
                Op::WithLookup { name, withs } => {
                    let sym = chunk.names[name as usize];
                    let mut found = None;
                    for cap in &chunk.withs[withs as usize] {
                        let ns = match *cap {
                            Capture::Local(s) => self
                                .stack
                                .get(bp + s as usize)
                                .cloned()
                                .unwrap_or(Value::Null),
                            Capture::Upvalue(i) => up.get(&chunk, i),
                        };
                        let lookup = match &ns {
                            Value::Attrs(a) => a.get(sym).cloned().ok_or(None),
                            Value::Thunk(t) => match &*t.0.borrow() {
                                ThunkState::Evaluated(Value::Attrs(a)) => {
                                    a.get(sym).cloned().ok_or(None)
                                }
                                ThunkState::Evaluated(other) => {
                                    Err(Some(Err(other.type_description())))
                                }
                                _ => Err(Some(Ok(()))),
                            },
                            other => Err(Some(Err(other.type_description()))),
                        };
                        match lookup {
                            Ok(v) => {
                                found = Some(v);
                                break;
                            }
                            Err(None) => {}
                            Err(Some(Ok(()))) => {
                                // Force the namespace, then run this lookup again.
                                ip -= 1;
                                self.stack.push(ns);
                                suspend_then!(self.force_top(true));
                            }
                            Err(Some(Err(actual))) => fail!(ErrorKind::TypeError {
                                expected: "a set",
                                actual
                            }),
                        }
                    }
                    match found {
                        Some(v) => self.stack.push(v),
                        None => fail!(eval_err!("undefined variable '{sym}'")),
                    }
                }
                Op::CheckAddLhs => {
                    if let Some(v) = self.stack.last() {
                        tryk!(ops::check_add_lhs(v));
                    }
                }
                Op::CheckUpdateLhs => match self.stack.last() {
                    Some(Value::Attrs(_)) | None => {}
                    Some(other) => fail!(ErrorKind::TypeError {
                        expected: "a set",
                        actual: other.type_description()
                    }),
                },
                Op::Add | Op::Sub | Op::Mul | Op::Div => {
                    // Fast path: two integers, computed in place.
                    if let Some(r) = int_fast_path(&self.stack, op) {
                        // The popped value is an integer: nothing to drop.
                        std::mem::forget(self.stack.pop());
                        if let Some(top) = self.stack.last_mut() {
                            std::mem::forget(std::mem::replace(top, r));
                        }
                        continue;
                    }
                    let b = pop!();
                    let a = pop!();
                    match ops::arith(op, &a, &b) {
                        Some(r) => self.stack.push(tryk!(r)),
                        None => {
                            let span = chunk.span_at(ip - 1);
                            let gen =
                                generators::make_gen(move |co| generators::add_slow(co, a, b));
                            self.frames.push(Frame::Code { chunk, ip, bp, up });
                            self.frames.push(Frame::Gen {
                                gen,
                                span,
                                awaiting: false,
                            });
                            return Ok(());
                        }
                    }
                }
                Op::Equal | Op::NotEqual => {
                    let b = pop!();
                    let a = pop!();
                    let negate = op == Op::NotEqual;
                    let quick = ops::equal_shallow(&a, &b)
                        .or_else(|| generators::equal_evaluated(&a, &b, false));
                    match quick {
                        Some(r) => self.stack.push(Value::Bool(r != negate)),
                        None => {
                            let span = chunk.span_at(ip - 1);
                            let gen = generators::make_gen(move |co| async move {
                                let r = generators::equal(&co, a, b).await?;
                                Ok(Value::Bool(r != negate))
                            });
                            self.frames.push(Frame::Code { chunk, ip, bp, up });
                            self.frames.push(Frame::Gen {
                                gen,
                                span,
                                awaiting: false,
                            });
                            return Ok(());
                        }
                    }
                }
                Op::Less => {
                    if let Some(r) = int_fast_path(&self.stack, op) {
                        std::mem::forget(self.stack.pop());
                        if let Some(top) = self.stack.last_mut() {
                            std::mem::forget(std::mem::replace(top, r));
                        }
                        continue;
                    }
                    // `>`, `<=` and `>=` are compiled to `<` (and `!`), as in C++ Nix.
                    let y = pop!();
                    let x = pop!();
                    let negate = false;
                    match ops::less_shallow(&x, &y) {
                        Some(r) => self.stack.push(Value::Bool(tryk!(r) != negate)),
                        None => {
                            let span = chunk.span_at(ip - 1);
                            let gen = generators::make_gen(move |co| async move {
                                let r = generators::less_than(&co, x, y).await?;
                                Ok(Value::Bool(r != negate))
                            });
                            self.frames.push(Frame::Code { chunk, ip, bp, up });
                            self.frames.push(Frame::Gen {
                                gen,
                                span,
                                awaiting: false,
                            });
                            return Ok(());
                        }
                    }
                }
                Op::Concat => {
                    let b = pop!();
                    let a = pop!();
                    self.stack.push(tryk!(ops::concat_lists(a, b)));
                }
                Op::Update => {
                    self.updates += 1;
                    let b = pop!();
                    let a = pop!();
                    match (&a, &b) {
                        (Value::Attrs(x), Value::Attrs(y)) => {
                            self.stack.push(Value::Attrs(Attrs::update(x, y)))
                        }
                        (Value::Attrs(_), other) | (other, _) => {
                            fail!(ErrorKind::TypeError {
                                expected: "a set",
                                actual: other.type_description()
                            })
                        }
                    }
                }
                Op::Not => match pop!() {
                    Value::Bool(b) => self.stack.push(Value::Bool(!b)),
                    other => fail!(ErrorKind::TypeError {
                        expected: "a Boolean",
                        actual: other.type_description()
                    }),
                },
                Op::Negate => {
                    let v = pop!();
                    let r = tryk!(
                        ops::arith(Op::Sub, &Value::Int(0), &v).unwrap_or_else(|| Err(
                            ErrorKind::TypeError {
                                expected: "an integer",
                                actual: v.type_description()
                            }
                        ))
                    );
                    self.stack.push(r);
                }
                Op::AssertBool => match self.stack.last() {
                    Some(Value::Bool(_)) => {}
                    Some(other) => {
                        fail!(ErrorKind::TypeError {
                            expected: "a Boolean",
                            actual: other.type_description()
                        })
                    }
                    None => fail!(eval_err!("internal error: value stack underflow")),
                },
                Op::Jump(t) => ip = t as usize,
                Op::JumpIfFalse(t) | Op::JumpIfTrue(t) => match self.stack.last() {
                    // A Boolean needs no drop: pop it without one.
                    Some(&Value::Bool(b)) => {
                        std::mem::forget(self.stack.pop());
                        if b == matches!(op, Op::JumpIfTrue(_)) {
                            ip = t as usize;
                        }
                    }
                    _ => match pop!() {
                        Value::Bool(b) => {
                            if b == matches!(op, Op::JumpIfTrue(_)) {
                                ip = t as usize;
                            }
                        }
                        other => fail!(ErrorKind::TypeError {
                            expected: "a Boolean",
                            actual: other.type_description()
                        }),
                    },
                },
                Op::Select(n) => {
                    let sym = chunk.names[n as usize];
                    let v = pop!();
                    self.stack.push(tryk!(ops::select(&v, sym)));
                }
                Op::SelectDyn => {
                    let key = pop!();
                    let v = pop!();
                    let sym = tryk!(ops::key_symbol(&key));
                    self.stack.push(tryk!(ops::select(&v, sym)));
                }
                Op::SelectOr(n, t) => {
                    let sym = chunk.names[n as usize];
                    let v = pop!();
                    match ops::try_select(&v, sym) {
                        Some(x) => self.stack.push(x),
                        None => ip = t as usize,
                    }
                }
                Op::SelectOrDyn(t) => {
                    let key = pop!();
                    let v = pop!();
                    let sym = tryk!(ops::key_symbol(&key));
                    match ops::try_select(&v, sym) {
                        Some(x) => self.stack.push(x),
                        None => ip = t as usize,
                    }
                }
                Op::HasAttr(n) => {
                    let sym = chunk.names[n as usize];
                    let v = pop!();
                    self.stack
                        .push(Value::Bool(ops::try_select(&v, sym).is_some()));
                }
                Op::HasAttrDyn => {
                    let key = pop!();
                    let v = pop!();
                    let sym = tryk!(ops::key_symbol(&key));
                    self.stack
                        .push(Value::Bool(ops::try_select(&v, sym).is_some()));
                }
                Op::MakeAttrs { desc, dynamic } => {
                    let v = self.make_attrs(&chunk, desc, dynamic)?;
                    self.stack.push(v);
                }
                Op::MakeList(n) => {
                    let start = self.stack.len().saturating_sub(n as usize);
                    let items = self.stack.split_off(start);
                    self.stack.push(Value::list(items));
                }
                Op::CoerceToString => {
                    if let Some(Value::String(_)) = self.stack.last() {
                        continue;
                    }
                    let v = pop!();
                    let span = chunk.span_at(ip - 1);
                    let gen = generators::make_gen(move |co| async move {
                        let s = generators::coerce_to_string(
                            &co,
                            v,
                            generators::Coercion::INTERPOLATION,
                        )
                        .await?;
                        Ok(Value::String(s))
                    });
                    self.frames.push(Frame::Code { chunk, ip, bp, up });
                    self.frames.push(Frame::Gen {
                        gen,
                        span,
                        awaiting: false,
                    });
                    return Ok(());
                }
                Op::Interpolate(n) => {
                    let start = self.stack.len().saturating_sub(n as usize);
                    let parts = self.stack.split_off(start);
                    self.stack.push(tryk!(ops::interpolate(parts)));
                }
                Op::InterpolatePath(n) => {
                    let start = self.stack.len().saturating_sub(n as usize);
                    let parts = self.stack.split_off(start);
                    self.stack.push(tryk!(ops::interpolate_path(parts)));
                }
                Op::AssertFail(i) => {
                    let text = match &chunk.constants[i as usize] {
                        Value::String(s) => s.to_str_lossy().into_owned(),
                        _ => String::new(),
                    };
                    fail!(ErrorKind::AssertionFailed(text));
                }
                Op::ApplyOverrides(i) => {
                    let overrides = pop!();
                    let rest = tryk!(self.apply_overrides(&chunk, bp, i, overrides));
                    self.stack.push(rest);
                }
                Op::BindFormals => {
                    let arg = pop!();
                    tryk!(ops::bind_formals(&chunk, &mut self.stack, bp, &up, arg));
                }
                Op::Return => {
                    // Drop the locals, then pass the value down through thunk
                    // updates and into the caller.
                    if self.stack.len() > bp + 1 {
                        let v = pop!();
                        self.stack.truncate(bp);
                        self.stack.push(v);
                    }
                    loop {
                        if self.frames.len() <= self.base {
                            return Ok(());
                        }
                        match self.frames.pop() {
                            Some(Frame::Update {
                                thunk,
                                saved,
                                discard,
                            }) => {
                                if let Some(Value::Thunk(_)) = self.stack.last() {
                                    // Not in normal form: let the outer loop handle it.
                                    self.frames.push(Frame::Update {
                                        thunk,
                                        saved,
                                        discard,
                                    });
                                    return Ok(());
                                }
                                let v = if discard {
                                    self.stack.pop().unwrap_or(Value::Null)
                                } else {
                                    self.stack.last().cloned().unwrap_or(Value::Null)
                                };
                                thunk.finish(v);
                            }
                            Some(Frame::Code {
                                chunk: c,
                                ip: i,
                                bp: b,
                                up: u,
                            }) => {
                                chunk = c;
                                ip = i;
                                bp = b;
                                up = u;
                                break;
                            }
                            Some(other) => {
                                self.frames.push(other);
                                return Ok(());
                            }
                            None => return Ok(()),
                        }
                    }
                }
            }
        }
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
    match op {
        Op::Add => x.checked_add(*y).map(Value::Int),
        Op::Sub => x.checked_sub(*y).map(Value::Int),
        Op::Mul => x.checked_mul(*y).map(Value::Int),
        Op::Less => Some(Value::Bool(x < y)),
        _ => None,
    }
}

/// The inner lambda of a lambda whose body is just another lambda (`a: b: …`).
#[inline]
fn curried_inner(chunk: &Chunk) -> Option<&Rc<crate::bytecode::Lambda>> {
    match chunk.code.as_slice() {
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
