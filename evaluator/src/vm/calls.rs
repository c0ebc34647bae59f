//! Forcing thunks, calling closures and builtins, and the native frames of
//! `filter`, `sort` and `foldl'`: each pushes frames rather than recursing.

use super::*;

impl Vm {
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
            Start::Settled(v) => {
                if !discard {
                    self.stack.push(v);
                }
                return Ok(());
            }
            Start::Code(chunk) => {
                self.frames.push(Frame::Update {
                    thunk: t.clone(),
                    saved: Saved::Code(chunk.clone()),
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
                    saved: Saved::State(state),
                    discard,
                });
                // `f` may be a pending application of a curried closure to
                // its first argument that only this application holds
                // (`mapAttrs g` applies `g name` to each value): the
                // closure's inner body runs with both, as `Call2` runs it,
                // and `g name` is never needed on its own. (Held elsewhere
                // too, it is evaluated: non-strict output would show it.)
                // (Two holders: the saved state and `f` here.)
                let private_application = match &f {
                    Value::Thunk(p) if Rc::strong_count(&p.0) <= 2 => p.closure_application(),
                    _ => None,
                };
                if let Some((c, a)) = private_application {
                    if let Some(inner) = curried_inner(&c.lambda.chunk).cloned() {
                        self.tick()?;
                        let (chunk, bp) = self.enter_lambda(&inner, x);
                        self.frames.push(Frame::Code {
                            chunk,
                            ip: 0,
                            bp,
                            up: Up::Curried(c, a),
                        });
                        return Ok(());
                    }
                }
                // `f` may itself be a thunk (`map` over a function that is
                // still a thunk): force it, then the frame calls it with `x`.
                if f.is_pending() {
                    let then_call = Frame::CallWith {
                        arg: x,
                        span: Span::NONE,
                    };
                    return self.force_under(then_call, f);
                }
                self.stack.push(f.shallow());
                self.stack.push(x);
                self.call(Span::NONE)
            }
            ThunkState::Alias(v) => {
                let v = v.clone();
                let update = Frame::Update {
                    thunk: t,
                    saved: Saved::State(state),
                    discard,
                };
                self.force_under(update, v)
            }
            // `start` makes the copy; nothing is left to evaluate.
            ThunkState::Literal(v) => {
                let v = v.fresh_copy();
                t.finish(v.clone());
                if !discard {
                    self.stack.push(v);
                }
                Ok(())
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
        let arg = self.stack.pop().unwrap_or_default();
        let f = self.stack.pop().unwrap_or_default();
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
                let mut args = b.args_with_room();
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
    pub(super) fn enter_closure(&mut self, c: Rc<Closure>, arg: Value) -> (Rc<Chunk>, usize, Up) {
        let (chunk, bp) = self.enter_lambda(&c.lambda, arg);
        (chunk, bp, Up::Closure(c))
    }

    /// Sets up the locals for calling `lambda` with `arg`; returns its chunk
    /// and the frame's base.
    #[inline(always)]
    pub(super) fn enter_lambda(
        &mut self,
        lambda: &crate::bytecode::Lambda,
        arg: Value,
    ) -> (Rc<Chunk>, usize) {
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

    /// Gives `v` as a builtin's result, forced to weak head normal form
    /// (from a `Frames` builtin whose result may be a thunk).
    pub(crate) fn return_forced(&mut self, v: Value) -> Result<(), ErrorKind> {
        self.stack.push(v);
        self.force_top(false)
    }

    /// Forces argument `index` of the builtin `name` and runs the builtin
    /// again with it, for builtins that force an argument only in some cases
    /// (`span` is the call's).
    pub(crate) fn rerun_with_forced_arg(
        &mut self,
        name: &str,
        args: Vec<Value>,
        index: usize,
        span: Span,
    ) -> Result<(), ErrorKind> {
        self.rerun_with_forced_arg_of(crate::builtins::find_builtin(name), args, index, span)
    }

    /// For a builtin about to force `v`: replaces a thunk that needs no
    /// evaluation (evaluated, or a value held ready) by its value. Returns
    /// whether `v` is still a thunk to evaluate.
    #[inline(always)]
    pub(crate) fn settle(&mut self, v: &mut Value) -> bool {
        let Value::Thunk(t) = v else {
            return false;
        };
        match t.settled_value() {
            Some((x, settled)) => {
                self.thunks_forced += settled as u64;
                *v = x;
                false
            }
            None => true,
        }
    }

    /// [`Vm::rerun_with_forced_arg`] with the builtin's definition at hand
    /// (`None`: not found, an internal error).
    pub(crate) fn rerun_with_forced_arg_of(
        &mut self,
        def: Option<&'static crate::builtins::BuiltinDef>,
        mut args: Vec<Value>,
        index: usize,
        span: Span,
    ) -> Result<(), ErrorKind> {
        let Some(def) = def else {
            return Err(ErrorKind::Eval("internal error: unknown builtin".into()));
        };
        let name = def.name;
        let Some(arg) = args.get_mut(index) else {
            return Err(ErrorKind::Eval(format!(
                "builtin '{name}' has no argument {index}"
            )));
        };
        let thunk = std::mem::replace(arg, Value::Null);
        let waiting = Frame::BuiltinArgs {
            def,
            args,
            next: index,
            span,
        };
        self.force_under(waiting, thunk)
    }

    /// Starts `filter`, `concatMap`, `any` or `all` once the list is forced
    /// (forcing it first if needed).
    pub(crate) fn collect_start(
        &mut self,
        op: Collect,
        f: Value,
        list: Value,
        span: Span,
    ) -> Result<(), ErrorKind> {
        match evaluated_list(&list)? {
            Some(list) => {
                self.frames.push(Frame::Collect {
                    op,
                    f,
                    list,
                    next: 0,
                    out: Vec::new(),
                    span,
                });
                self.collect_advance()
            }
            None => self.force_under(Frame::CollectList { op, f, span }, list),
        }
    }

    /// Starts `sort` once the list is forced (forcing it first if needed).
    pub(crate) fn sort_start(
        &mut self,
        f: Value,
        list: Value,
        span: Span,
    ) -> Result<(), ErrorKind> {
        match evaluated_list(&list)? {
            Some(l) => {
                let machine = sort::SortMachine::new(f, l.iter().cloned().collect());
                self.sort_resume(Box::new(machine), None, span)
            }
            None => self.force_under(Frame::SortList { f, span }, list),
        }
    }

    /// Runs the sort machine until it needs a value forced or a comparison
    /// made (pushing frames for that), or is done.
    pub(super) fn sort_resume(
        &mut self,
        mut m: Box<sort::SortMachine>,
        input: Option<Value>,
        span: Span,
    ) -> Result<(), ErrorKind> {
        match m.resume(input)? {
            sort::Next::Force(v) => self.force_under(Frame::Sort(m, span), v),
            sort::Next::Compare(a, b) => {
                let cmp = m.comparator();
                self.frames.push(Frame::Sort(m, span));
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
            Some(list) => {
                self.frames.push(Frame::Foldl { f, list, next: 0 });
                self.stack.push(acc);
                self.foldl_resume()
            }
            None => self.force_under(Frame::FoldlList { f, acc }, list),
        }
    }

    /// The next step of the `foldl'` whose frame is on top, the frame above
    /// it having left the accumulator: the frame is updated where it lies.
    // Inlined into the outer loop, which runs it once per element.
    #[inline(always)]
    pub(super) fn foldl_resume(&mut self) -> Result<(), ErrorKind> {
        let acc = self.stack.pop().unwrap_or_default();
        let Some(Frame::Foldl { f, list, next }) = self.frames.last_mut() else {
            return Err(ErrorKind::Eval("internal error: no foldl' frame".into()));
        };
        let Some(x) = list.get(*next).cloned() else {
            self.frames.pop();
            self.stack.push(acc);
            return self.force_top(false);
        };
        *next += 1;
        let f = f.clone();
        self.frames.push(Frame::CallWith {
            arg: x,
            span: Span::NONE,
        });
        self.stack.push(f);
        self.stack.push(acc);
        self.call(Span::NONE)
    }

    /// The next step of the `filter`, `concatMap`, `any` or `all` whose
    /// frame is on top, the frame above it having left `f list[next - 1]`:
    /// the frame is updated where it lies.
    // Inlined into the outer loop, which runs it once per element.
    #[inline(always)]
    pub(super) fn collect_resume(&mut self) -> Result<(), Error> {
        let result = self.stack.pop().unwrap_or_default();
        let Some(Frame::Collect {
            op,
            f,
            list,
            next,
            out,
            span,
        }) = self.frames.last_mut()
        else {
            let k = eval_err!("internal error: no collecting frame");
            return Err(Error::new(k, Span::NONE));
        };
        let (op, span) = (*op, *span);
        // Whether the result decides the answer (`any`/`all`).
        let decided = match op {
            Collect::Filter => crate::builtins::to_bool(&result).map(|keep| {
                if keep {
                    // The element `f` was just called on.
                    if let Some(x) = list.get(next.wrapping_sub(1)) {
                        out.push(x.clone());
                    }
                }
                false
            }),
            Collect::Any | Collect::All => {
                crate::builtins::to_bool(&result).map(|b| b == (op == Collect::Any))
            }
            // As C++ Nix, a result that is no list is reported at the
            // result's position if it has one (a function), else the
            // function's, else the call's.
            Collect::ConcatMap => match result {
                Value::List(l) => append_list(out, l).map(|()| false),
                result => {
                    let at = [&result, &*f].into_iter().find_map(|v| match v {
                        Value::Closure(c) => Some(c.lambda.span),
                        _ => None,
                    });
                    let k = crate::builtins::type_err("a list", &result);
                    return Err(Error::new(k, at.unwrap_or(span)));
                }
            },
        }
        .map_err(|k| Error::new(k, span))?;
        if decided {
            self.frames.pop();
            self.stack.push(Value::Bool(op == Collect::Any));
            return Ok(());
        }
        self.collect_advance().map_err(|k| Error::new(k, span))
    }

    /// Calls `f` on the next element for the collecting frame on top, or
    /// finishes with what was collected (for `any`/`all`, no element
    /// decided: `false`/`true`).
    #[inline(always)]
    fn collect_advance(&mut self) -> Result<(), ErrorKind> {
        let Some(Frame::Collect {
            op,
            f,
            list,
            next,
            out,
            ..
        }) = self.frames.last_mut()
        else {
            return Err(eval_err!("internal error: no collecting frame"));
        };
        let op = *op;
        let Some(x) = list.get(*next).cloned() else {
            let out = std::mem::take(out);
            self.frames.pop();
            let result = match op {
                Collect::Any | Collect::All => Value::Bool(op == Collect::All),
                Collect::Filter | Collect::ConcatMap => Value::list(out),
            };
            self.count_work(&result);
            self.stack.push(result);
            return Ok(());
        };
        *next += 1;
        let f = f.clone();
        self.stack.push(f);
        self.stack.push(x);
        self.call(Span::NONE)
    }

    /// Forces `v` under an `addErrorContext` frame carrying `message`.
    pub(crate) fn push_error_context(&mut self, message: Value, v: Value) -> Result<(), ErrorKind> {
        self.force_under(Frame::ErrorContext { message }, v)
    }

    /// Forces `v` with `frame` below it, which then takes the forced value.
    #[inline(always)]
    pub(crate) fn force_under(&mut self, frame: Frame, v: Value) -> Result<(), ErrorKind> {
        self.frames.push(frame);
        self.stack.push(v);
        self.force_top(false)
    }

    /// Forces strict arguments from `from` on, then runs the builtin.
    pub(super) fn invoke_builtin(
        &mut self,
        def: &'static BuiltinDef,
        args: Vec<Value>,
        from: usize,
        span: Span,
    ) -> Result<(), ErrorKind> {
        let step = self.builtin_step(def, args, from, span)?;
        self.finish_builtin(def, step, span)
    }

    /// The part of [`Vm::invoke_builtin`] that runs without frames: the
    /// strict arguments from `from` on that are already values are taken
    /// as they are and, if all are, a builtin that answers synchronously
    /// answers. Code calling a builtin goes on without being suspended
    /// when this gives [`BuiltinStep::Value`] in weak head normal form.
    #[inline(always)]
    pub(super) fn builtin_step(
        &mut self,
        def: &'static BuiltinDef,
        mut args: Vec<Value>,
        from: usize,
        span: Span,
    ) -> Result<BuiltinStep, ErrorKind> {
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
            if self.settle(&mut args[i]) {
                let thunk = args[i].clone();
                let waiting = Frame::BuiltinArgs {
                    def,
                    args,
                    next: i,
                    span,
                };
                return Ok(BuiltinStep::Force(waiting, thunk));
            }
        }
        match def.imp {
            BuiltinImpl::Sync(f) => {
                let v = f(self, args)?;
                self.count_work(&v);
                Ok(BuiltinStep::Value(v))
            }
            BuiltinImpl::Fast(fast, _) => match fast(&args) {
                Some(r) => Ok(BuiltinStep::Value(r?)),
                None => Ok(BuiltinStep::Frames(args)),
            },
            BuiltinImpl::Async(_) | BuiltinImpl::Frames(_) => Ok(BuiltinStep::Frames(args)),
        }
    }

    /// For code calling builtin `def` with all its arguments: a step (see
    /// [`Vm::builtin_step`]), and `Ok` with the result if that is already in
    /// weak head normal form. Out of line, so that the dispatch loop stays small.
    #[inline(never)]
    pub(super) fn builtin_now(
        &mut self,
        def: &'static BuiltinDef,
        args: Vec<Value>,
        span: Span,
    ) -> Result<Result<Value, BuiltinStep>, ErrorKind> {
        self.tick()?;
        Ok(match self.builtin_step(def, args, 0, span)? {
            BuiltinStep::Value(Value::Thunk(t)) => match t.value() {
                Some(v) => Ok(v),
                None => Err(BuiltinStep::Value(Value::Thunk(t))),
            },
            BuiltinStep::Value(v) => Ok(v),
            step => Err(step),
        })
    }

    /// The rest of [`Vm::invoke_builtin`] after [`Vm::builtin_step`]: pushes
    /// the frames that force an argument, run a generator or the builtin's
    /// own frames, or leaves the result on the stack (forcing it).
    #[inline(always)]
    pub(super) fn finish_builtin(
        &mut self,
        def: &'static BuiltinDef,
        step: BuiltinStep,
        span: Span,
    ) -> Result<(), ErrorKind> {
        let args = match step {
            BuiltinStep::Value(v) => {
                self.stack.push(v);
                return self.force_top(false);
            }
            BuiltinStep::Force(waiting, thunk) => return self.force_under(waiting, thunk),
            BuiltinStep::Frames(args) => args,
        };
        let gen = match def.imp {
            BuiltinImpl::Frames(f) => return f(self, args, span),
            BuiltinImpl::Async(f) | BuiltinImpl::Fast(_, f) => f(args, self.shared.clone()),
            BuiltinImpl::Sync(_) => {
                return Err(ErrorKind::Eval(
                    "internal error: a synchronous builtin asked for frames".into(),
                ))
            }
        };
        self.frames.push(Frame::Gen {
            gen,
            span,
            awaiting: false,
        });
        Ok(())
    }

    pub(super) fn resume_gen(
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
                        let waiting = Frame::Gen {
                            gen,
                            span,
                            awaiting: true,
                        };
                        return self
                            .force_under(waiting, v)
                            .map_err(|k| Error::new(k, span));
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
                        let catch = Frame::Catch {
                            stack_len: self.stack.len(),
                        };
                        return self.force_under(catch, v).map_err(|k| Error::new(k, span));
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
}
