//! Runs what the command line asked for, as `nix-instantiate` does: standard
//! input first (`-`), then each file or `-E` expression; for each, every
//! `-A` path is selected, auto-called with `--arg`s and printed at once.

use std::io::Write;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use tvix_eval::value::print_value;
use tvix_eval::{Error, ErrorKind, Evaluation, Value};

use crate::args::{AutoArg, Options, Output};
use crate::select::{auto_call, select_path};

/// One expression source.
enum Source {
    Stdin(Vec<u8>),
    Expr(Vec<u8>),
    File(Vec<u8>),
}

fn io_error(what: &str, e: &std::io::Error) -> Error {
    Error::from(ErrorKind::Io(format!(
        "{what}: {}",
        tvix_eval::io::io_reason(e)
    )))
}

fn eval_error(msg: String) -> Error {
    Error::from(ErrorKind::Eval(msg))
}

/// The store directory: `--store-dir`, else `NIX_STORE_DIR`, else `/nix/store`.
fn store_dir(opts: &Options) -> String {
    opts.store_dir
        .clone()
        .or_else(|| {
            std::env::var("NIX_STORE_DIR")
                .ok()
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_else(|| "/nix/store".to_string())
}

/// Builds the evaluation the options describe.
fn evaluation(opts: &Options, colours: bool) -> Evaluation {
    let cfg = &opts.config;
    // `--eval` is read-only unless `--read-write-mode`; instantiation writes
    // `.drv` files unless `--dry-run` (as nix-instantiate does).
    let write = opts.write_store || opts.read_write || (!opts.eval_only && !opts.dry_run);
    // The evaluation is never dropped (see `run`): nothing to reclaim.
    let mut builder = Evaluation::builder()
        .reclaim_cycles(false)
        .pure(cfg.pure)
        .write_store(write)
        .store_dir(store_dir(opts))
        .trace_sink(move |line| crate::ansi::eprint(&format!("{line}\n"), colours));
    builder.settings_mut().abort_on_warn = cfg.abort_on_warn;
    builder.settings_mut().experimental_features = cfg.features.clone();
    builder.settings_mut().lints = tvix_eval::syntax::lint::Lints {
        short_path_literals: cfg.lint_short_paths,
        absolute_path_literals: cfg.lint_absolute_paths,
        url_literals: cfg.lint_urls,
    };
    if let Some(system) = cfg.eval_system.as_ref().or(cfg.system.as_ref()) {
        builder.settings_mut().system = system.clone();
    }
    // Unlimited unless asked for, as nix-instantiate is.
    let mut limits = tvix_eval::Limits::unlimited();
    if let Some(depth) = cfg.max_call_depth {
        limits = limits.max_call_depth(depth);
    }
    if let Some(bytes) = cfg.max_memory {
        limits = limits.max_memory(bytes);
    }
    if let Some(steps) = cfg.max_steps {
        limits = limits.max_steps(steps);
    }
    if let Some(timeout) = cfg.eval_timeout {
        limits = limits.timeout(timeout);
    }
    builder = builder.limits(limits);

    // Pure mode ignores -I and NIX_PATH, as nix-instantiate does.
    let mut nix_path: Vec<String> = Vec::new();
    if !cfg.pure {
        nix_path.extend(opts.include.iter().cloned());
        match &cfg.nix_path {
            Some(list) => nix_path.extend(list.iter().cloned()),
            None => {
                if let Ok(env) = std::env::var("NIX_PATH") {
                    nix_path.extend(env.split(':').filter(|s| !s.is_empty()).map(str::to_string));
                }
            }
        }
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let mut search_roots = Vec::new();
    for entry in nix_path {
        let (prefix, path) = entry.split_once('=').unwrap_or(("", entry.as_str()));
        search_roots.push(cwd.join(path));
        builder = builder.nix_path_entry(prefix, path);
    }
    // As nix-instantiate: pure mode reads nothing outside the store;
    // restricted mode also what the search path names. --allowed-root adds roots.
    if cfg.restrict || cfg.pure {
        builder = builder.restrict_to_roots();
        for r in &opts.allowed_roots {
            builder = builder.allow_root(r.clone());
        }
        if !cfg.pure {
            for r in search_roots {
                builder = builder.allow_root(r);
            }
        }
    }
    builder.build()
}

/// Runs the command; results go to standard output as they are computed.
pub fn run(opts: &Options, colours: bool) -> Result<(), Error> {
    // The process exits right after: freeing the evaluation's values (and
    // breaking their cycles) would only cost time, so it is left to the OS.
    let mut eval = std::mem::ManuallyDrop::new(evaluation(opts, colours));
    let result = run_in(&mut eval, opts);
    // As C++ Nix: NIX_SHOW_STATS prints counts of the work done, on success or not.
    if std::env::var_os("NIX_SHOW_STATS").is_some_and(|v| !v.is_empty() && v != "0") {
        eprintln!("{}", stats_json(&eval.stats()));
    }
    result
}

/// The statistics as JSON, with C++ Nix's names where they mean the same.
fn stats_json(s: &tvix_eval::Stats) -> String {
    format!(
        "{{\n  \"nrThunks\": {},\n  \"nrThunksForced\": {},\n  \"nrFunctionCalls\": {},\n  \"nrPrimOpCalls\": {},\n  \"nrOpUpdates\": {},\n  \"memoryUsed\": {}\n}}",
        s.thunks_made, s.thunks_forced, s.function_calls, s.primop_calls, s.updates, s.memory_used
    )
}

fn run_in(eval: &mut Evaluation, opts: &Options) -> Result<(), Error> {
    let mut sources = Vec::new();
    if opts.read_stdin {
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut data)
            .map_err(|e| io_error("reading standard input", &e))?;
        sources.push(Source::Stdin(data));
    }
    if opts.find_file {
        return find_files(eval, &opts.files);
    }
    for f in &opts.files {
        sources.push(if opts.from_args {
            Source::Expr(f.clone())
        } else {
            Source::File(f.clone())
        });
    }
    if sources.is_empty() && !opts.from_args {
        sources.push(Source::File(b"./default.nix".to_vec()));
    }
    let auto_args = build_auto_args(eval, &opts.args)?;
    for source in sources {
        if opts.parse_only {
            let text = parse_source(eval, &source)?;
            write_out(format!("{text}\n").as_bytes());
            continue;
        }
        let root = match &source {
            Source::Stdin(src) => eval.evaluate_named_bytes(src, "«stdin»")?,
            Source::Expr(src) => eval.evaluate_bytes(src)?,
            Source::File(f) => evaluate_file_arg(eval, f)?,
        };
        let paths: Vec<&str> = if opts.attr_paths.is_empty() {
            vec![""]
        } else {
            opts.attr_paths.iter().map(String::as_str).collect()
        };
        for path in paths {
            // As nix-instantiate: each step of the attribute path auto-calls the
            // value first, and the result is auto-called only if arguments were given.
            let mut v = select_path(eval, &root, path, &auto_args)?;
            if opts.eval_only && !auto_args.is_empty() {
                v = auto_call(eval, v, &auto_args)?;
            }
            if opts.eval_only || opts.drv {
                let out = render_value(eval, &v, opts)?;
                write_out(&out);
            } else {
                crate::instantiate::print_derivations(eval, &v, &auto_args)?;
            }
        }
    }
    Ok(())
}

fn write_out(bytes: &[u8]) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(bytes);
    let _ = stdout.flush();
}

/// `--find-file`: each argument is looked up in the search path.
fn find_files(eval: &mut Evaluation, names: &[Vec<u8>]) -> Result<(), Error> {
    for name in names {
        let name = String::from_utf8_lossy(name);
        let v = eval.evaluate_str(&format!("<{name}>"))?;
        match eval.force(&v)? {
            Value::Path(p) => write_out(format!("{}\n", p.display()).as_bytes()),
            _ => return Err(eval_error(format!("'{name}' has no physical path"))),
        }
    }
    Ok(())
}

/// A file argument: `<name>` is looked up in the search path, anything else
/// is a path relative to the working directory (a directory means its
/// `default.nix`).
fn evaluate_file_arg(eval: &mut Evaluation, f: &[u8]) -> Result<Value, Error> {
    if f.starts_with(b"<") && f.ends_with(b">") {
        let mut src = b"import ".to_vec();
        src.extend_from_slice(f);
        return eval.evaluate_bytes(&src);
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let path = cwd.join(PathBuf::from(std::ffi::OsString::from_vec(f.to_vec())));
    eval.evaluate_file(&path)
}

/// `--parse`: the expression printed as C++ Nix's `Expr::show` does.
fn parse_source(eval: &mut Evaluation, source: &Source) -> Result<String, Error> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let (bytes, name, path, dir) = match source {
        Source::Stdin(b) => (b.clone(), "«stdin»".to_string(), None, cwd),
        Source::Expr(b) => (b.clone(), "«string»".to_string(), None, cwd),
        Source::File(f) => {
            let mut path = if f.starts_with(b"<") && f.ends_with(b">") {
                let v = eval.evaluate_bytes(f)?;
                match eval.force(&v)? {
                    Value::Path(p) => p.as_ref().clone(),
                    _ => return Err(eval_error("search path lookup is not a path".into())),
                }
            } else {
                cwd.join(PathBuf::from(std::ffi::OsString::from_vec(f.clone())))
            };
            if path.is_dir() {
                path = path.join("default.nix");
            }
            let data = std::fs::read(&path)
                .map_err(|e| io_error(&format!("opening file '{}'", path.display()), &e))?;
            let dir = path.parent().map(Path::to_path_buf).unwrap_or(cwd);
            (data, path.display().to_string(), Some(path), dir)
        }
    };
    let (text, raw) = tvix_eval::syntax::decode_source(&bytes);
    let file = tvix_eval::syntax::add_source_bytes(name, path, &text, raw);
    let first = |mut errs: Vec<Error>| errs.remove(0);
    let globals = eval.shared().globals();
    tvix_eval::syntax::parse_with(file, &text, |e| {
        // C++ Nix's parser also lints literals, binds variables and checks
        // attribute sets, so what only the compiler reports here is a parse
        // error there too.
        let shared = eval.shared();
        let root = rowan::ast::AstNode::syntax(e);
        tvix_eval::syntax::lint::diagnose(root, &text, file, &shared.settings.lints, |w| {
            shared.trace(w)
        })
        .map_err(|e| vec![e])?;
        tvix_eval::compiler::compile(e, file, &dir, &globals, None)?;
        Ok(tvix_eval::syntax::with_file_bytes(file, || {
            tvix_eval::compiler::show(e, &dir)
        }))
    })
    .and_then(|r| r)
    .map_err(first)
}

fn render_value(eval: &mut Evaluation, v: &Value, opts: &Options) -> Result<Vec<u8>, Error> {
    if opts.drv {
        let drv_path = eval.select(v, "drvPath")?;
        let Value::String(p) = eval.force(&drv_path)? else {
            return Err(eval_error("drvPath is not a string".into()));
        };
        let text = p.to_str_lossy().into_owned();
        return match eval.derivation_aterm(&text) {
            Some(aterm) => Ok(format!("{aterm}\n").into_bytes()),
            None => Err(eval_error(format!(
                "'{text}' is not a derivation of this evaluation"
            ))),
        };
    }
    let strict = opts.strict;
    match opts.output {
        Output::Json => {
            // Without --strict, --json only prints what is already evaluated,
            // as nix-instantiate does.
            if !strict {
                let top = eval.force(v)?;
                if has_unevaluated(&top) {
                    return Err(eval_error("cannot convert a thunk to JSON".into()));
                }
            }
            let v = eval.force_deep(v)?;
            let f = eval.evaluate_str("builtins.toJSON")?;
            // nix-instantiate 2.8 writes the JSON without a newline.
            Ok(string_bytes(eval.call(&f, v)?))
        }
        Output::Xml => {
            let v = if strict {
                eval.force_deep(v)?
            } else {
                eval.force(v)?
            };
            let f = tvix_eval::builtins::xml::xml_for_cli(strict, opts.xml_location);
            Ok(string_bytes(eval.call(&f, v)?))
        }
        Output::Raw => {
            let v = if strict {
                eval.force_deep(v)?
            } else {
                eval.force(v)?
            };
            let f = eval.evaluate_str("v: \"${v}\"")?;
            Ok(string_bytes(eval.call(&f, v)?))
        }
        Output::Plain => {
            let v = if strict {
                eval.force_deep(v)?
            } else {
                eval.force(v)?
            };
            let mut out = print_value(&v);
            out.push(b'\n');
            Ok(out)
        }
    }
}

fn string_bytes(v: Value) -> Vec<u8> {
    match v {
        Value::String(s) => s.as_bytes().to_vec(),
        _ => Vec::new(),
    }
}

/// Whether a value still contains something not evaluated (looking inside
/// lists and sets, and through evaluated thunks).
fn has_unevaluated(v: &Value) -> bool {
    let mut work = vec![v.clone()];
    while let Some(v) = work.pop() {
        match v.shallow() {
            Value::Thunk(_) => return true,
            Value::List(l) => work.extend(l.iter().cloned()),
            Value::Attrs(a) => work.extend(a.iter().map(|x| x.value.clone())),
            _ => {}
        }
    }
    false
}

fn build_auto_args(
    eval: &mut Evaluation,
    args: &[(String, AutoArg)],
) -> Result<Vec<(String, Value)>, Error> {
    let mut out = Vec::new();
    for (name, arg) in args {
        let v = match arg {
            AutoArg::Str(s) => Value::string(s.clone()),
            AutoArg::Expr(e) => eval.evaluate_bytes(e)?,
        };
        out.push((name.clone(), v));
    }
    Ok(out)
}
