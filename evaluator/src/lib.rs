//! `tvix_eval`: a Nix evaluator. Source is parsed by `rnix`, compiled to
//! bytecode and run on a frame-stack VM; the host keeps results and forces
//! any part of them later through an [`Evaluation`].
//!
//! ```
//! let mut eval = tvix_eval::Evaluation::builder().build();
//! let v = eval.evaluate_str("let x = 20; in { a = x + 22; }").unwrap();
//! let a = eval.select(&v, "a").unwrap();
//! assert!(matches!(eval.force(&a).unwrap(), tvix_eval::Value::Int(42)));
//! ```

#![warn(missing_docs)]

pub mod builtins;
pub mod bytecode;
pub mod compiler;
pub mod errors;
pub mod io;
pub mod state;
pub mod store;
pub mod syntax;
pub mod value;
pub mod vm;

#[cfg(test)]
mod test_random;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

pub use errors::{Error, ErrorKind};
pub use io::{EvalIO, FileType, MemoryIO, NoIO, StdIO};
pub use state::limits::{InterruptHandle, LimitKind, Limits};
pub use syntax::{Location, Span};
pub use value::{Attrs, NixString, Symbol, Value};
pub use vm::Vm;

use compiler::Globals;

/// Counts of an evaluation's work ([`Evaluation::stats`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Thunks made (C++ Nix's `nrThunks`).
    pub thunks_made: u64,
    /// Thunks entered to be evaluated.
    pub thunks_forced: u64,
    /// Function (lambda) calls (`nrFunctionCalls`).
    pub function_calls: u64,
    /// Builtin calls with all arguments (`nrPrimOpCalls`).
    pub primop_calls: u64,
    /// `//` operations (`nrOpUpdates`).
    pub updates: u64,
    /// Bytes the evaluation's values hold now, as its memory accounting counts them.
    pub memory_used: u64,
}

/// Evaluation settings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Pure mode: no environment, clock or `currentSystem`; file access only below `allowed_roots`.
    pub pure: bool,
    /// If set, file access is limited to these directories (and their contents).
    pub allowed_roots: Option<Vec<PathBuf>>,
    /// Search path entries for `<name>`: (prefix, path). An empty prefix matches any name.
    pub nix_path: Vec<(String, String)>,
    /// The store directory used in store path computations.
    pub store_dir: String,
    /// The value of `builtins.currentSystem` in impure mode.
    pub system: String,
    /// Write store objects (path copies, `toFile` results, `.drv` files) into
    /// `store_dir`. Off by default: evaluation only computes the paths.
    pub write_store: bool,
    /// The name [`Evaluation::evaluate_str`] gives its source in messages.
    pub source_name: String,
    /// The directory relative paths in [`Evaluation::evaluate_str`]'s source
    /// resolve against (`None`: the working directory).
    pub base_dir: Option<PathBuf>,
    /// `abort-on-warn`: every evaluation warning (`builtins.warn`) also
    /// aborts evaluation with an error, so its trace shows where it came from.
    pub abort_on_warn: bool,
    /// Parse-time lints on path and URL literals (current Nix's `lint-*`
    /// settings), all off by default.
    pub lints: syntax::lint::Lints,
    /// Enabled experimental features by current Nix's names (for example
    /// `fetch-tree`, `flakes`, `parse-toml-timestamps`), none by default.
    pub experimental_features: std::collections::BTreeSet<String>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            pure: false,
            allowed_roots: None,
            nix_path: Vec::new(),
            store_dir: "/nix/store".into(),
            system: default_system(),
            write_store: false,
            source_name: "«string»".into(),
            base_dir: None,
            abort_on_warn: false,
            lints: syntax::lint::Lints::default(),
            experimental_features: Default::default(),
        }
    }
}

fn default_system() -> String {
    let arch = std::env::consts::ARCH;
    let os = std::env::consts::OS;
    format!("{arch}-{os}")
}

impl Settings {
    /// Whether the experimental feature `name` is enabled (`flakes` implies
    /// `fetch-tree`, as in current Nix).
    pub fn feature_enabled(&self, name: &str) -> bool {
        self.experimental_features.contains(name)
            || (name == "fetch-tree" && self.experimental_features.contains("flakes"))
    }
}

/// State shared by the VM, the builtins and the host.
pub struct Shared {
    /// The evaluation settings.
    pub settings: Settings,
    /// All file access goes through this.
    pub io: Box<dyn EvalIO>,
    /// Imported files by path: each is parsed and evaluated once.
    pub(crate) import_cache: RefCell<HashMap<PathBuf, Value>>,
    pub(crate) globals: RefCell<Rc<Globals>>,
    pub(crate) extra_builtins: Vec<(String, Value)>,
    /// Builtins written in Rust by the embedder, by index.
    pub(crate) host_functions: Vec<HostFunction>,
    /// Native functions of the embedder (with VM access), by index.
    pub(crate) native_functions: Vec<NativeFunction>,
    /// Paths already "copied to the store" (their computed store paths).
    pub(crate) store_paths: RefCell<HashMap<PathBuf, String>>,
    /// Store paths this evaluation wrote (valid when a path's context is
    /// realised). Read-only evaluation writes nothing, so, as in C++ Nix on
    /// a store that lacks them, its source copies are not valid.
    pub(crate) realised: RefCell<std::collections::HashSet<String>>,

    /// Derivations made by this evaluation, by `.drv` path, with their modulo hashes.
    pub derivations: RefCell<HashMap<String, (store::derivation::Derivation, Vec<u8>)>>,
    trace_sink: RefCell<TraceSink>,
    /// Resource limits.
    pub limits: Limits,
    /// Raised by the host to stop the evaluation.
    pub(crate) interrupt: Option<InterruptHandle>,
    /// Sources, positions, symbol order and memory accounting.
    pub(crate) context: Rc<state::Context>,
    /// Compiled regular expressions of `match` and `split`.
    pub(crate) regex_cache: RefCell<builtins::RegexCache>,
    /// Keeps names interned while the evaluation exists (see
    /// [`value::NameLease`]).
    _names_lease: value::NameLease,
}

/// Where `trace` and `warn` lines go.
type TraceSink = Box<dyn FnMut(&str)>;

impl Shared {
    /// Writes a `trace`/`warn` line.
    pub fn trace(&self, line: &str) {
        (self.trace_sink.borrow_mut())(line)
    }

    /// Checks the file-access policy for `path`; returns the path to use.
    pub fn check_path(&self, path: &Path) -> Result<PathBuf, ErrorKind> {
        let roots = match (&self.settings.allowed_roots, self.settings.pure) {
            (Some(roots), _) => roots.clone(),
            (None, true) => Vec::new(),
            (None, false) => return Ok(path.to_path_buf()),
        };
        // Resolve `..` and symlinks before comparing, so neither leads outside a root.
        let real = match self.io.canonicalize(path) {
            Ok(p) => p,
            Err(_) => match path.parent().and_then(|p| self.io.canonicalize(p).ok()) {
                Some(parent) => parent.join(path.file_name().unwrap_or_default()),
                None => PathBuf::from(compiler::canon_path(&path.to_string_lossy())),
            },
        };
        for root in &roots {
            let root = self.io.canonicalize(root).unwrap_or_else(|_| root.clone());
            if real.starts_with(&root) {
                return Ok(path.to_path_buf());
            }
        }
        Err(ErrorKind::Forbidden {
            path: path.display().to_string(),
            pure: self.settings.pure,
        })
    }

    /// The global scope.
    pub fn globals(&self) -> Rc<Globals> {
        self.globals.borrow().clone()
    }
}

/// A builtin supplied by the embedder.
#[derive(Clone)]
pub enum ExtraBuiltin {
    /// A value (e.g. configuration data) bound as `builtins.NAME`.
    Value(Value),
    /// Nix source evaluated (lazily) to give the value.
    Nix(String),
    /// A function written in Rust, called with its argument in weak head
    /// normal form. An `Err` message becomes an evaluation error.
    Rust(HostFunction),
    /// A curried function of `arity` arguments (1 to 3) written in Rust,
    /// called with its arguments unevaluated and the VM, which it uses to
    /// force them as deeply as it needs.
    Native {
        /// How many arguments it takes.
        arity: u8,
        /// The function.
        function: NativeFunction,
    },
}

/// A builtin implemented by the embedder.
pub type HostFunction = Rc<dyn Fn(Value) -> Result<Value, String>>;

/// A native function of the embedder: gets the VM and its arguments.
pub type NativeFunction = Rc<dyn Fn(&mut vm::Vm, Vec<Value>) -> Result<Value, ErrorKind>>;

/// Configures an [`Evaluation`].
pub struct EvaluationBuilder {
    settings: Settings,
    io: Box<dyn EvalIO>,
    extra: Vec<(String, ExtraBuiltin)>,
    trace_sink: Box<dyn FnMut(&str)>,
    limits: Limits,
    interrupt: Option<InterruptHandle>,
    reclaim_cycles: bool,
}

impl Default for EvaluationBuilder {
    fn default() -> Self {
        EvaluationBuilder {
            settings: Settings::default(),
            io: Box::new(StdIO),
            extra: Vec::new(),
            trace_sink: Box::new(|line| eprintln!("{line}")),
            limits: Limits::default(),
            interrupt: None,
            reclaim_cycles: true,
        }
    }
}

impl EvaluationBuilder {
    /// Pure mode (see [`Settings::pure`]).
    pub fn pure(mut self, pure: bool) -> Self {
        self.settings.pure = pure;
        self
    }

    /// Restricts file access to the roots given with [`EvaluationBuilder::allow_root`]
    /// (with none, no file outside the store can be read).
    pub fn restrict_to_roots(mut self) -> Self {
        self.settings.allowed_roots.get_or_insert_with(Vec::new);
        self
    }

    /// Allows file access below `root` (restricts access to the listed roots).
    pub fn allow_root(mut self, root: impl Into<PathBuf>) -> Self {
        self.settings
            .allowed_roots
            .get_or_insert_with(Vec::new)
            .push(root.into());
        self
    }

    /// Adds a search path entry for `<prefix/...>` lookups (`-I prefix=path`).
    pub fn nix_path_entry(mut self, prefix: impl Into<String>, path: impl Into<String>) -> Self {
        self.settings.nix_path.push((prefix.into(), path.into()));
        self
    }

    /// Sets the store directory used in store path computations (default `/nix/store`).
    pub fn store_dir(mut self, dir: impl Into<String>) -> Self {
        self.settings.store_dir = dir.into();
        self
    }

    /// The name [`Evaluation::evaluate_str`] gives its source in messages
    /// (default `«string»`).
    pub fn source_name(mut self, name: impl Into<String>) -> Self {
        self.settings.source_name = name.into();
        self
    }

    /// The directory relative paths (`./x.nix`) in [`Evaluation::evaluate_str`]'s
    /// source resolve against (default: the working directory).
    pub fn base_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.settings.base_dir = Some(dir.into());
        self
    }

    /// Writes store objects into the store directory as they are computed.
    pub fn write_store(mut self, write: bool) -> Self {
        self.settings.write_store = write;
        self
    }

    /// Enables an experimental feature by current Nix's name (`flakes`,
    /// `fetch-tree`, `parse-toml-timestamps`, …).
    pub fn experimental_feature(mut self, name: impl Into<String>) -> Self {
        self.settings.experimental_features.insert(name.into());
        self
    }

    /// Replaces the settings.
    pub fn settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// The current settings.
    pub fn settings_mut(&mut self) -> &mut Settings {
        &mut self.settings
    }

    /// Uses `io` for all file access.
    pub fn io(mut self, io: impl EvalIO + 'static) -> Self {
        self.io = Box::new(io);
        self
    }

    /// Adds `builtins.NAME` (also reachable as `__NAME`).
    pub fn add_builtin(mut self, name: impl Into<String>, value: ExtraBuiltin) -> Self {
        self.extra.push((name.into(), value));
        self
    }

    /// Where `trace` and `warn` output goes (stderr by default).
    pub fn trace_sink(mut self, sink: impl FnMut(&str) + 'static) -> Self {
        self.trace_sink = Box::new(sink);
        self
    }

    /// Sets the resource limits (see [`Limits`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The limits set so far.
    pub fn current_limits(&self) -> &Limits {
        &self.limits
    }

    /// Lets `handle` stop the evaluation from another thread.
    pub fn interrupt(mut self, handle: InterruptHandle) -> Self {
        self.interrupt = Some(handle);
        self
    }

    /// Whether dropping the evaluation frees the reference cycles that
    /// recursive bindings and self-referring values form (on by default).
    /// That needs every thunk that may close a cycle remembered as it is
    /// made or evaluated. A program that evaluates once and exits without
    /// dropping the evaluation (as the `tvix-eval` CLI does) can turn it
    /// off and save that work; an evaluation built so leaks its cycles
    /// when dropped.
    pub fn reclaim_cycles(mut self, reclaim: bool) -> Self {
        self.reclaim_cycles = reclaim;
        self
    }

    /// Creates the evaluation.
    pub fn build(self) -> Evaluation {
        // Nothing of an earlier evaluation is left if no lease is held:
        // its names go, so that a thread that loads config after config
        // does not keep every name it ever saw.
        value::reclaim_unused_names();
        let context = state::Context::new(self.limits.memory, self.reclaim_cycles);
        let _entered = state::enter(&context);
        let mut shared = Shared {
            settings: self.settings,
            io: self.io,
            import_cache: RefCell::new(HashMap::new()),
            globals: RefCell::new(Rc::new(Globals::new())),
            extra_builtins: Vec::new(),
            host_functions: Vec::new(),
            native_functions: Vec::new(),
            store_paths: RefCell::new(HashMap::new()),
            realised: RefCell::new(std::collections::HashSet::new()),

            derivations: RefCell::new(HashMap::new()),
            trace_sink: RefCell::new(self.trace_sink),
            limits: self.limits,
            interrupt: self.interrupt,
            context,
            regex_cache: RefCell::default(),
            _names_lease: value::NameLease::new(),
        };
        // Nix-source builtins are thunks compiled against the plain globals.
        let base = builtins::globals(&shared);
        let derivation = lazy_source(builtins::DERIVATION_NIX, "derivation", &base);
        shared
            .extra_builtins
            .push(("derivation".into(), derivation));
        for (name, b) in self.extra {
            let value = match b {
                ExtraBuiltin::Value(v) => v,
                ExtraBuiltin::Rust(f) => {
                    shared.host_functions.push(f);
                    builtins::host_function_value(shared.host_functions.len() - 1)
                }
                ExtraBuiltin::Nix(src) => lazy_source(&src, &name, &base),
                ExtraBuiltin::Native { arity, function } => {
                    shared.native_functions.push(function);
                    let idx = shared.native_functions.len() - 1;
                    builtins::native_function_value(idx, arity).unwrap_or_else(|| {
                        throwing(format!("builtin '{name}': arity {arity} is not 1, 2 or 3"))
                    })
                }
            };
            shared.extra_builtins.push((name, value));
        }
        let globals = builtins::globals(&shared);
        *shared.globals.borrow_mut() = Rc::new(globals);
        let shared = Rc::new(shared);
        Evaluation {
            vm: Vm::new(shared.clone()),
            shared,
            _names: ReclaimNamesOnDrop,
        }
    }
}

fn lazy_source(src: &str, name: &str, globals: &Globals) -> Value {
    let file = syntax::add_source(format!("<builtin {name}>"), None, src);
    let compiled = syntax::parse_folding_with(file, src, compiler::Folds::new(file), |e, folds| {
        compiler::compile_folded(e, &folds, Path::new("/"), globals, None)
    })
    .and_then(|r| r);
    match compiled {
        Ok(chunk) => Value::Thunk(value::Thunk::new_code(chunk, value::Upvalues::default())),
        Err(errs) => {
            // A builtin whose source does not compile throws when used.
            let msg = errs.first().map(|e| e.to_string()).unwrap_or_default();
            throwing(format!("builtin '{name}': {msg}"))
        }
    }
}

/// A thunk that throws `msg` when forced.
fn throwing(msg: String) -> Value {
    let throw = builtins::find_builtin("throw")
        .map(builtins::builtin_value)
        .unwrap_or_default();
    Value::Thunk(value::Thunk::new_apply(throw, Value::string(msg)))
}

/// One evaluation: owns the VM state and hands out values that can be forced
/// on demand, any number of times, in any order.
pub struct Evaluation {
    vm: Vm,
    shared: Rc<Shared>,
    /// Dropped last, once the values above are gone.
    _names: ReclaimNamesOnDrop,
}

/// Frees the names the evaluation interned when it ends, unless values that
/// outlive it still hold them: otherwise they would stay until the thread's
/// next evaluation, and pin the memory allocated before them (a heap only
/// shrinks from its top).
struct ReclaimNamesOnDrop;

impl Drop for ReclaimNamesOnDrop {
    fn drop(&mut self) {
        value::reclaim_unused_names();
    }
}

impl Drop for Evaluation {
    fn drop(&mut self) {
        let _entered = self.enter();
        // Recursive bindings (and `builtins.builtins`) form reference
        // cycles; clear them so the evaluation's values are freed.
        self.shared.context.break_cycles();
    }
}

impl Evaluation {
    /// A builder with default settings (impure, real file system).
    pub fn builder() -> EvaluationBuilder {
        EvaluationBuilder::default()
    }

    /// The shared state.
    pub fn shared(&self) -> &Rc<Shared> {
        &self.shared
    }

    /// Compiles `src` (named after [`Settings::source_name`], paths relative
    /// to [`Settings::base_dir`]) and evaluates it to weak head normal form.
    pub fn evaluate_str(&mut self, src: &str) -> Result<Value, Error> {
        self.evaluate_bytes(src.as_bytes())
    }

    /// Evaluates an expression given as bytes, which need not be UTF-8
    /// (string literals keep such bytes, as in C++ Nix).
    pub fn evaluate_bytes(&mut self, src: &[u8]) -> Result<Value, Error> {
        let name = self.shared.settings.source_name.clone();
        self.evaluate_named_bytes(src, &name)
    }

    /// Evaluates an expression given as bytes under a display name such as
    /// `«stdin»` (paths relative to the settings' base directory, or else
    /// the working directory).
    pub fn evaluate_named_bytes(&mut self, src: &[u8], name: &str) -> Result<Value, Error> {
        let _entered = self.enter();
        let dir = match &self.shared.settings.base_dir {
            Some(dir) => dir.clone(),
            None => std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")),
        };
        let chunk = compile_source(src.into(), name.into(), None, &dir, &self.shared, None)
            .map_err(|e| self.attach(e))?;
        self.vm.run_chunk(chunk).map_err(|e| self.attach(e))
    }

    /// Evaluates source text with an explicit name and base directory.
    pub fn evaluate_source(
        &mut self,
        src: &str,
        name: String,
        path: Option<PathBuf>,
        dir: &Path,
    ) -> Result<Value, Error> {
        let _entered = self.enter();
        let chunk = compile_source(src.as_bytes().into(), name, path, dir, &self.shared, None)?;
        self.vm.run_chunk(chunk).map_err(|e| self.attach(e))
    }

    /// Evaluates a file (a directory means its `default.nix`).
    pub fn evaluate_file(&mut self, path: &Path) -> Result<Value, Error> {
        let _entered = self.enter();
        let v = builtins::import_value(&self.shared, path).map_err(|k| self.attach(k.into()))?;
        self.force(&v)
    }

    /// Makes this evaluation's context (sources, symbol order, memory
    /// meter) the thread's current one while the guard lives.
    fn enter(&self) -> state::EnterGuard {
        state::enter(&self.shared.context)
    }

    /// Gives an error the source table it refers to, so it can be
    /// displayed after the evaluation is gone.
    fn attach(&self, mut e: Error) -> Error {
        e.sources = errors::SourceRef(Some(self.shared.context.id));
        e
    }

    /// The evaluation's state that spans and positions refer to.
    pub fn context(&self) -> &Rc<state::Context> {
        &self.shared.context
    }

    /// Bytes this evaluation's values hold, as its memory accounting counts them.
    pub fn memory_used(&self) -> u64 {
        let _entered = self.enter();
        state::memory_used()
    }

    /// Forces a value to weak head normal form.
    pub fn force(&mut self, v: &Value) -> Result<Value, Error> {
        let _entered = self.enter();
        self.vm.force_value(v).map_err(|e| self.attach(e))
    }

    /// Forces a value and everything inside it.
    pub fn force_deep(&mut self, v: &Value) -> Result<Value, Error> {
        let _entered = self.enter();
        let f = builtins::find_builtin("deepSeq")
            .map(builtins::builtin_value)
            .unwrap_or_default();
        let g = self
            .vm
            .call_value(&f, v.clone())
            .map_err(|e| self.attach(e))?;
        self.vm
            .call_value(&g, v.clone())
            .map_err(|e| self.attach(e))
    }

    /// Calls a function value with one argument.
    pub fn call(&mut self, f: &Value, arg: Value) -> Result<Value, Error> {
        let _entered = self.enter();
        self.vm.call_value(f, arg).map_err(|e| self.attach(e))
    }

    /// Selects an attribute (forcing the set, not the attribute).
    pub fn select(&mut self, v: &Value, name: &str) -> Result<Value, Error> {
        let _entered = self.enter();
        let v = self.force(v)?;
        vm::select_attr(&v, Symbol::from_str(name)).map_err(|k| self.attach(k.into()))
    }

    /// Interns `name` as this evaluation's symbol (attribute names of
    /// values built by the host must come from here).
    pub fn symbol(&self, name: &str) -> Symbol {
        let _entered = self.enter();
        Symbol::from_str(name)
    }

    /// The ATerm text (the `.drv` file contents) of a derivation this
    /// evaluation instantiated, by its `.drv` path.
    pub fn derivation_aterm(&self, drv_path: &str) -> Option<String> {
        self.shared
            .derivations
            .borrow()
            .get(drv_path)
            .map(|(d, _)| d.to_aterm())
    }

    /// How many thunks this evaluation has forced so far.
    pub fn thunks_forced(&self) -> u64 {
        self.vm.thunks_forced
    }

    /// Counts of the work done so far, comparable to C++ Nix's
    /// `NIX_SHOW_STATS` output.
    pub fn stats(&self) -> Stats {
        let _entered = self.enter();
        Stats {
            thunks_made: state::thunks_made(),
            thunks_forced: self.vm.thunks_forced,
            function_calls: self.vm.function_calls,
            primop_calls: self.vm.primop_calls,
            updates: self.vm.updates,
            memory_used: state::memory_used(),
        }
    }

    /// Coerces a value to a string as `toString` does (paths stay paths).
    pub fn coerce_to_string(&mut self, v: &Value) -> Result<NixString, Error> {
        let _entered = self.enter();
        let f = builtins::find_builtin("toString")
            .map(builtins::builtin_value)
            .unwrap_or_default();
        match self
            .vm
            .call_value(&f, v.clone())
            .map_err(|e| self.attach(e))?
        {
            Value::String(s) => Ok(s),
            _ => Err(Error::from(ErrorKind::Eval(
                "toString did not return a string".into(),
            ))),
        }
    }
}

/// Registers, parses, lints and compiles source text, printing the lints'
/// warnings through the evaluation's trace sink.
pub(crate) fn compile_source(
    src: std::borrow::Cow<'_, [u8]>,
    name: String,
    path: Option<PathBuf>,
    dir: &Path,
    shared: &Shared,
    scope: Option<Vec<Symbol>>,
) -> Result<Rc<bytecode::Chunk>, Error> {
    let file = {
        let (text, raw_bytes) = syntax::decode_source(&src);
        syntax::add_source_bytes(name, path, &text, raw_bytes)
    };
    // The registered copy is the one parsed: a large file read for import
    // is not held twice while it is parsed and compiled.
    drop(src);
    let registered = syntax::source(file)
        .ok_or_else(|| Error::from(ErrorKind::Eval("source file not registered".into())))?;
    let src: &str = &registered.text;
    // Like C++ Nix, report the first error only: later ones are mostly
    // follow-on errors of the parser's recovery.
    let first = |errs: Vec<Error>| {
        errs.into_iter()
            .next()
            .unwrap_or_else(|| Error::from(ErrorKind::ParseError("syntax error".into())))
    };
    let globals = shared.globals();
    // Values of large `let`s and `rec` sets that will be deferred may leave
    // the tree as they are parsed (see `compiler::defer`), unless a lint
    // must see every literal in it (URLs may be in them).
    let lints = &shared.settings.lints;
    let stand_ins = lints.url_literals == syntax::lint::Diagnose::Ignore;
    let compile = |folds: compiler::Folds, lint: bool| {
        syntax::parse_folding_with(file, src, folds, |expr, folds| {
            use rowan::ast::AstNode;
            if lint {
                syntax::lint::diagnose(expr.syntax(), src, file, lints, |w| shared.trace(w))
                    .map_err(|e| vec![e])?;
            }
            // As parsed: the parse may have registered a lexing fix-up of the text.
            let parsed = syntax::source(file).unwrap_or_else(|| registered.clone());
            let ctx =
                compiler::defer::DeferContext::new(dir.to_path_buf(), globals.clone(), parsed);
            let compiled = compiler::compile_deferring(expr, &folds, Rc::new(ctx), scope.clone());
            Ok((compiled, folds.refused()))
        })
        .and_then(|r| r)
    };
    let compiled = if stand_ins {
        let folds = compiler::defer::folds_with_stand_ins(file, globals.clone());
        match compile(folds, true).map_err(first)? {
            // A stand-in was not deferred where it is (a name around the
            // scope shadows a global it reads, say): compiled again whole.
            (_, true) => compile(compiler::Folds::new(file), false).map_err(first)?.0,
            (compiled, false) => compiled,
        }
    } else {
        compile(compiler::Folds::new(file), true).map_err(first)?.0
    };
    compiled.map_err(first)
}
