//! The bytecode loop (`run_code`) and the set-building instructions it
//! keeps out of line.

use super::*;

/// For the fused reads: an evaluated thunk's value, or the value itself
/// when it is no thunk (`true`: the `Force` after the read can be skipped),
/// or the pending thunk (`false`: it runs).
#[inline(always)]
fn ready_or_pending(v: Value) -> (Value, bool) {
    match &v {
        Value::Thunk(t) => match t.value() {
            Some(x) => (x, true),
            None => (v, false),
        },
        _ => (v, true),
    }
}

impl Vm {
    /// `MakeAttrs`: builds a set from the static values and dynamic
    /// (key, value) pairs on the stack.
    #[inline(never)]
    pub(super) fn make_attrs(
        &mut self,
        chunk: &Chunk,
        desc: u32,
        dynamic: u32,
    ) -> Result<Value, Error> {
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
        // Drained in place: `split_off` allocated a vector per set literal.
        let mut values = self.stack.drain(start..);
        let mut entries: Vec<Attr> = Vec::with_capacity(n_static + dynamic as usize);
        for (name, pos) in &d.names {
            let value = values.next().unwrap_or_default();
            entries.push(Attr {
                name: *name,
                value,
                pos: *pos,
            });
        }
        for i in 0..dynamic as usize {
            let key = values.next().unwrap_or_default();
            let value = values.next().unwrap_or_default();
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
    pub(super) fn apply_overrides(
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
        let names = &chunk.rec_slots()[i as usize];
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

    /// `MakeClosureThunk`: a closure of `lambdas[i]`, in a thunk standing
    /// for it. Out of line, like the set-building instructions, so that
    /// the dispatch loop stays small.
    #[inline(never)]
    fn make_closure_thunk(&mut self, chunk: &Chunk, i: u32, bp: usize, up: &Up) -> Value {
        let lambda = &chunk.lambdas[i as usize];
        let upvalues = capture(&lambda.chunk.captures, chunk, &self.stack, bp, up);
        let c = Closure::new(lambda.clone(), upvalues);
        Value::Thunk(Thunk::new_alias(Value::Closure(Rc::new(c))))
    }

    /// For `Force` of a lazy application of a closure on top of the stack:
    /// pops it and starts it, giving the frame that stores its result, the
    /// closure and the argument. Out of line, so that the dispatch loop
    /// stays small.
    #[inline(never)]
    fn take_closure_application(&mut self) -> Option<(Frame, Rc<Closure>, Value)> {
        let (c, arg) = match self.stack.last() {
            Some(Value::Thunk(t)) => t.closure_application()?,
            _ => return None,
        };
        let Some(Value::Thunk(t)) = self.stack.pop() else {
            return None;
        };
        self.thunks_forced += 1;
        let state = t.enter();
        let update = Frame::Update {
            thunk: t,
            saved: Saved::State(state),
            discard: false,
        };
        Some((update, c, arg))
    }

    /// The inner loop: runs bytecode, switching frames in place for calls,
    /// forces and returns, and going back to the outer loop for anything else.
    pub(super) fn run_code(
        &mut self,
        mut chunk: Rc<Chunk>,
        mut ip: usize,
        mut bp: usize,
        mut up: Up,
    ) -> Result<(), Error> {
        // Wrapping: a deferred binding's stand-in fails before its first
        // instruction (`ip` 0, no span), and is then compiled and entered
        // (see `Vm::enter_deferred`).
        macro_rules! fail {
            ($kind:expr) => {
                return Err(Error::new($kind, chunk.span_at(ip.wrapping_sub(1))))
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
        // Suspend this frame (resuming at `ip`) under a generator that leaves
        // the operation's result, located at the instruction just run.
        macro_rules! suspend_for {
            ($gen:expr) => {{
                let span = chunk.span_at(ip - 1);
                let gen = $gen;
                self.frames.push(Frame::Code { chunk, ip, bp, up });
                self.frames.push(Frame::Gen {
                    gen,
                    span,
                    awaiting: false,
                });
                return Ok(());
            }};
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
        // Calls builtin `def` with all its arguments. One that answers at
        // once (synchronously, its strict arguments already values) leaves
        // its result and this code goes on; otherwise this frame is suspended
        // under the frames that force an argument, run a generator or force
        // the result.
        macro_rules! builtin_here {
            ($def:expr, $args:expr) => {{
                let span = chunk.span_at(ip - 1);
                match tryk!(self.builtin_now($def, $args, span)) {
                    Ok(v) => {
                        self.stack.push(v);
                        continue;
                    }
                    Err(step) => suspend_then!(self.finish_builtin($def, step, span)),
                }
            }};
        }
        // After pushing the frame of code about to start: the frame-depth
        // limit, then a step (limits and interruption).
        macro_rules! check_limits {
            () => {
                if self.frames.len() > self.frame_limit {
                    return Err(Error::new(self.overflow(), Span::NONE));
                }
                if let Err(k) = self.tick() {
                    return Err(Error::new(k, Span::NONE));
                }
            };
        }
        loop {
            let Some(&op) = chunk.code.get(ip) else {
                fail!(ErrorKind::Eval(OFF_THE_END.into()));
            };
            ip += 1;
            match op {
                Op::Constant(i) => self.stack.push(chunk.constants[i as usize].clone()),
                Op::ConstantF(i) => {
                    let (v, ready) = ready_or_pending(chunk.constants[i as usize].clone());
                    ip += ready as usize;
                    self.stack.push(v);
                }
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
                Op::GetLocalF(i) => {
                    let v = match self.stack.get(bp + i as usize) {
                        Some(Value::Thunk(t)) => match t.value() {
                            Some(v) => {
                                ip += 1;
                                v
                            }
                            None => Value::Thunk(t.clone()),
                        },
                        Some(v) => {
                            ip += 1;
                            v.clone()
                        }
                        None => fail!(eval_err!("internal error: bad local slot")),
                    };
                    self.stack.push(v);
                }
                Op::MoveLocalF(i) => {
                    let v = match self.stack.get_mut(bp + i as usize) {
                        Some(slot) => std::mem::replace(slot, Value::Null),
                        None => fail!(eval_err!("internal error: bad local slot")),
                    };
                    let (v, ready) = ready_or_pending(v);
                    ip += ready as usize;
                    self.stack.push(v);
                }
                Op::GetUpvalueF(i) | Op::MoveUpvalueF(i) => {
                    let v = match up {
                        Up::Curried(..) if matches!(op, Op::MoveUpvalueF(_)) => {
                            take_curried_upvalue(&mut up, &chunk, i)
                        }
                        _ => up.get(&chunk, i),
                    };
                    let (v, ready) = ready_or_pending(v);
                    ip += ready as usize;
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
                        Start::Settled(v) => {
                            self.thunks_forced += 1;
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
                                saved: Saved::Code(c.clone()),
                                discard: false,
                            });
                            check_limits!();
                            bp = self.push_locals(c.locals);
                            chunk = c;
                            up = Up::Thunk(t);
                            ip = 0;
                        }
                        Start::Other => {
                            // A lazy application of a closure (the elements
                            // of `map f xs`, `genList f n`): entered here, as
                            // `force_top` and `call` would, without leaving
                            // the loop.
                            let Some((update, c, arg)) = self.take_closure_application() else {
                                suspend_then!(self.force_top(false))
                            };
                            self.frames.push(Frame::Code { chunk, ip, bp, up });
                            self.frames.push(update);
                            check_limits!();
                            (chunk, bp, up) = self.enter_closure(c, arg);
                            ip = 0;
                        }
                        Start::Running => suspend_then!(self.force_top(false)),
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
                Op::MakeSpeculativeThunk { chunk: c, spec } => {
                    let known = chunk
                        .speculations
                        .get(spec as usize)
                        .and_then(|s| speculate(s, &chunk, &self.stack, bp, &up));
                    let t = match known {
                        Some(v) => Thunk::new_literal(v),
                        None => {
                            let proto = &chunk.chunks[c as usize];
                            let ups = capture(&proto.captures, &chunk, &self.stack, bp, &up);
                            Thunk::new_code(proto.clone(), ups)
                        }
                    };
                    self.stack.push(Value::Thunk(t));
                }
                Op::MakeClosure(i) => {
                    let lambda = &chunk.lambdas[i as usize];
                    let upvalues = capture(&lambda.chunk.captures, &chunk, &self.stack, bp, &up);
                    let c = Closure::new(lambda.clone(), upvalues);
                    self.stack.push(Value::Closure(Rc::new(c)));
                }
                Op::MakeLiteralThunk(i) => {
                    let v = chunk.constants[i as usize].clone();
                    self.stack.push(Value::Thunk(Thunk::new_literal(v)));
                }
                Op::MakeClosureThunk(i) => {
                    let t = self.make_closure_thunk(&chunk, i, bp, &up);
                    self.stack.push(t);
                }
                Op::Call => {
                    let len = self.stack.len();
                    if len >= 2 {
                        match &self.stack[len - 2] {
                            Value::Closure(c) => {
                                let c = c.clone();
                                let arg = pop!();
                                self.stack.pop();
                                self.frames.push(Frame::Code { chunk, ip, bp, up });
                                check_limits!();
                                (chunk, bp, up) = self.enter_closure(c, arg);
                                ip = 0;
                                continue;
                            }
                            // A builtin this argument completes.
                            Value::Builtin(f) if f.args.len() + 1 == f.def.arity as usize => {
                                let def = f.def;
                                let mut args = f.args_with_room();
                                let a = pop!();
                                self.stack.pop();
                                args.push(a);
                                builtin_here!(def, args);
                            }
                            _ => {}
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
                                check_limits!();
                                (chunk, bp) = self.enter_lambda(&inner, b);
                                up = Up::Curried(c, a);
                                ip = 0;
                                continue;
                            }
                        }
                    }
                    let span = chunk.span_at(ip - 1);
                    // A builtin that these two arguments complete (`map f l`,
                    // `elem x l`) is invoked at once, without making the
                    // partial application and calling it again.
                    if len >= 2 {
                        if let Value::Builtin(f) = &self.stack[len - 2] {
                            if f.args.len() + 2 == f.def.arity as usize {
                                let def = f.def;
                                let mut args = f.args_with_room();
                                let a = pop!();
                                self.stack.pop();
                                args.push(a);
                                args.push(b);
                                builtin_here!(def, args);
                            }
                        }
                    }
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
                    for cap in &chunk.withs()[withs as usize] {
                        let ns = match *cap {
                            Capture::Local(s) => {
                                self.stack.get(bp + s as usize).cloned().unwrap_or_default()
                            }
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
                            suspend_for!(generators::make_gen(move |co| generators::add_slow(
                                co, a, b
                            )))
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
                            suspend_for!(generators::make_gen(move |co| async move {
                                let r = generators::equal(&co, a, b).await?;
                                Ok(Value::Bool(r != negate))
                            }))
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
                            suspend_for!(generators::make_gen(move |co| async move {
                                let r = generators::less_than(&co, x, y).await?;
                                Ok(Value::Bool(r != negate))
                            }))
                        }
                    }
                }
                Op::Concat => {
                    let b = pop!();
                    let a = pop!();
                    // What is copied: the right side, and the left one
                    // unless it is extended in place.
                    let copied = match (&a, &b) {
                        (Value::List(x), Value::List(y)) if Rc::strong_count(x) == 1 => y.len(),
                        (Value::List(x), Value::List(y)) => x.len() + y.len(),
                        _ => 0,
                    };
                    self.count_elements(copied);
                    self.stack.push(tryk!(ops::concat_lists(a, b)));
                }
                Op::Update => {
                    self.updates += 1;
                    let b = pop!();
                    let a = pop!();
                    match (a, &b) {
                        (Value::Attrs(x), Value::Attrs(y)) => {
                            let (merged, copied) = Attrs::update(x, y);
                            self.count_elements(copied);
                            self.stack.push(Value::Attrs(merged))
                        }
                        // The left side is checked first.
                        (a, b) => {
                            let other = if matches!(a, Value::Attrs(_)) { b } else { &a };
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
                Op::SelectF(n) => {
                    let sym = chunk.names[n as usize];
                    let v = pop!();
                    let (x, ready) = ready_or_pending(tryk!(ops::select(&v, sym)));
                    ip += ready as usize;
                    self.stack.push(x);
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
                Op::SelectOrF(n, t) => {
                    let sym = chunk.names[n as usize];
                    let v = pop!();
                    match ops::try_select(&v, sym) {
                        Some(x) => {
                            let (x, ready) = ready_or_pending(x);
                            ip += ready as usize;
                            self.stack.push(x)
                        }
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
                    suspend_for!(generators::make_gen(move |co| async move {
                        let s = generators::coerce_to_string(
                            &co,
                            v,
                            generators::Coercion::INTERPOLATION,
                        )
                        .await?;
                        Ok(Value::String(s))
                    }))
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
                                    self.stack.pop().unwrap_or_default()
                                } else {
                                    self.stack.last().cloned().unwrap_or_default()
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
