//! The `tvix-eval` command: `nix-instantiate --eval`'s interface on top of the
//! `tvix_eval` library, with byte-identical output.

use std::io::Write;

/// mimalloc, through its unaligned fast path: the evaluator allocates many
/// small, short-lived objects, and `mi_malloc` already guarantees 16-byte
/// alignment (the `mimalloc` crate always takes the slower aligned path).
struct FastAlloc;

const MI_MIN_ALIGN: usize = 16;

// SAFETY: every block comes from mimalloc and goes back to it; blocks whose
// alignment exceeds what `mi_malloc` guarantees use the aligned functions.
unsafe impl std::alloc::GlobalAlloc for FastAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.align() <= MI_MIN_ALIGN {
            unsafe { libmimalloc_sys::mi_malloc(layout.size()) as *mut u8 }
        } else {
            unsafe { libmimalloc_sys::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8 }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.align() <= MI_MIN_ALIGN {
            unsafe { libmimalloc_sys::mi_zalloc(layout.size()) as *mut u8 }
        } else {
            unsafe { libmimalloc_sys::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8 }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        unsafe { libmimalloc_sys::mi_free(ptr as *mut std::ffi::c_void) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        let p = ptr as *mut std::ffi::c_void;
        if layout.align() <= MI_MIN_ALIGN {
            unsafe { libmimalloc_sys::mi_realloc(p, new_size) as *mut u8 }
        } else {
            unsafe { libmimalloc_sys::mi_realloc_aligned(p, new_size, layout.align()) as *mut u8 }
        }
    }
}

#[global_allocator]
static GLOBAL: FastAlloc = FastAlloc;
use std::path::PathBuf;
use std::process::ExitCode;

use tvix_eval::errors::render_error;
use tvix_eval::value::print_value;
use tvix_eval::{Error, Evaluation, Value};

const USAGE: &str =
    "usage: tvix-eval [--eval] [--strict] [--json] [--xml [--no-location]] [--drv] [--parse] [--show-trace]
                 [-E EXPR | FILE] [-A ATTRPATH]... [--arg NAME EXPR] [--argstr NAME STRING]
                 [-I [NAME=]PATH] [--pure-eval] [--restrict-eval] [--allowed-root PATH]
                 [--store-dir DIR] [--write-store]";

#[derive(Default)]
struct Options {
    strict: bool,
    json: bool,
    xml: bool,
    drv: bool,
    parse_only: bool,
    show_trace: bool,
    no_location: bool,
    expr: Option<Vec<u8>>,
    files: Vec<String>,
    attr_paths: Vec<String>,
    args: Vec<(String, AutoArg)>,
    include: Vec<String>,
    pure: bool,
    restrict: bool,
    allowed_roots: Vec<PathBuf>,
    store_dir: Option<String>,
    write_store: bool,
}

/// `--arg`/`--argstr` values, as bytes: like C++ Nix, arguments need not be UTF-8.
enum AutoArg {
    Expr(Vec<u8>),
    Str(Vec<u8>),
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options::default();
    use std::os::unix::ffi::OsStringExt;
    // Arguments are bytes (not necessarily UTF-8); flags and names are read as text.
    let mut it = std::env::args_os().skip(1).map(OsStringExt::into_vec);
    let mut expr_mode = false;
    while let Some(raw) = it.next() {
        let a = String::from_utf8_lossy(&raw).into_owned();
        let mut next_raw = |what: &str| {
            it.next()
                .ok_or_else(|| format!("flag '{a}' requires {what}"))
        };
        let mut next =
            |what: &str| next_raw(what).map(|v| String::from_utf8_lossy(&v).into_owned());
        match a.as_str() {
            "--eval" | "--read-write-mode" | "--readonly-mode" => {}
            "--strict" => o.strict = true,
            "--json" => o.json = true,
            "--xml" => o.xml = true,
            "--drv" => o.drv = true,
            "--parse" => o.parse_only = true,
            "--show-trace" => o.show_trace = true,
            "--no-show-trace" => o.show_trace = false,
            "--no-location" => o.no_location = true,
            // Experimental features change nothing this evaluator does.
            "--extra-experimental-features" | "--experimental-features" => {
                next("a list of features")?;
            }
            "--pure-eval" => o.pure = true,
            "--impure" => o.pure = false,
            "--restrict-eval" => o.restrict = true,
            "-E" | "--expr" => expr_mode = true,
            "-A" | "--attr" => o.attr_paths.push(next("an attribute path")?),
            "--arg" | "--argstr" => {
                let name = next("a name")?;
                let value = next_raw("a value")?;
                let value = if a == "--arg" {
                    AutoArg::Expr(value)
                } else {
                    AutoArg::Str(value)
                };
                o.args.push((name, value));
            }
            "-I" | "--include" => o.include.push(next("a path")?),
            "--allowed-root" => o.allowed_roots.push(PathBuf::from(next("a path")?)),
            "--store-dir" => o.store_dir = Some(next("a path")?),
            "--write-store" => o.write_store = true,
            "--option" => {
                next("a name")?;
                next("a value")?;
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            s if s.starts_with('-') && s.len() > 1 => {
                return Err(format!("unrecognised flag '{s}'"))
            }
            _ => {
                if expr_mode && o.expr.is_none() {
                    o.expr = Some(raw);
                } else {
                    o.files.push(a);
                }
            }
        }
    }
    Ok(o)
}

fn main() -> ExitCode {
    let opts = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}\nTry 'tvix-eval --help' for more information.");
            return ExitCode::from(1);
        }
    };
    match run(&opts) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(&out);
            let _ = stdout.flush();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprint!("{}", render_cli_error(&e, opts.show_trace));
            ExitCode::from(1)
        }
    }
}

fn render_cli_error(e: &Error, show_trace: bool) -> String {
    let mut s = render_error(e, show_trace);
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

fn run(opts: &Options) -> Result<Vec<u8>, Error> {
    let mut builder = Evaluation::builder()
        .pure(opts.pure)
        .write_store(opts.write_store);
    if let Some(dir) = &opts.store_dir {
        builder = builder.store_dir(dir.clone());
    }
    // Pure mode ignores -I and NIX_PATH, as nix-instantiate does.
    let mut nix_path: Vec<String> = Vec::new();
    if !opts.pure {
        nix_path.extend(opts.include.iter().cloned());
        if let Ok(env) = std::env::var("NIX_PATH") {
            nix_path.extend(env.split(':').filter(|s| !s.is_empty()).map(str::to_string));
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
    if opts.restrict || opts.pure {
        builder = builder.restrict_to_roots();
        for r in &opts.allowed_roots {
            builder = builder.allow_root(r.clone());
        }
        if !opts.pure {
            for r in search_roots {
                builder = builder.allow_root(r);
            }
        }
    }
    let mut eval = builder.build();

    if opts.parse_only {
        let src = match (&opts.expr, opts.files.first()) {
            (Some(e), _) => String::from_utf8_lossy(e).into_owned(),
            (None, Some(f)) => std::fs::read_to_string(f).map_err(|e| {
                Error::from(tvix_eval::ErrorKind::Io(format!("opening file '{f}': {e}")))
            })?,
            (None, None) => std::fs::read_to_string("default.nix").map_err(|e| {
                Error::from(tvix_eval::ErrorKind::Io(format!(
                    "opening file 'default.nix': {e}"
                )))
            })?,
        };
        return tvix_eval::syntax::parse_to_string(&src).map(|s| (s + "\n").into_bytes());
    }

    let root = match &opts.expr {
        Some(e) => eval.evaluate_bytes(e)?,
        None => {
            let file = opts
                .files
                .first()
                .cloned()
                .unwrap_or_else(|| "default.nix".to_string());
            let path = cwd.join(&file);
            eval.evaluate_file(&path)?
        }
    };

    let auto_args = build_auto_args(&mut eval, &opts.args)?;
    let mut outputs = Vec::new();
    let paths: Vec<&str> = if opts.attr_paths.is_empty() {
        vec![""]
    } else {
        opts.attr_paths.iter().map(|s| s.as_str()).collect()
    };
    for path in paths {
        // As nix-instantiate: each step of the attribute path auto-calls the
        // value first, and the result is auto-called only if arguments were given.
        let mut v = select_path(&mut eval, &root, path, &auto_args)?;
        if !auto_args.is_empty() {
            v = auto_call(&mut eval, v, &auto_args)?;
        }
        outputs.push(render_value(&mut eval, &v, opts)?);
    }
    Ok(outputs.concat())
}

fn render_value(eval: &mut Evaluation, v: &Value, opts: &Options) -> Result<Vec<u8>, Error> {
    if opts.drv {
        let drv_path = eval.select(v, "drvPath")?;
        let Value::String(p) = eval.force(&drv_path)? else {
            return Err(Error::from(tvix_eval::ErrorKind::Eval(
                "drvPath is not a string".into(),
            )));
        };
        let text = p.to_str_lossy().into_owned();
        return match eval.derivation_aterm(&text) {
            Some(aterm) => Ok(format!("{aterm}\n").into_bytes()),
            None => Err(Error::from(tvix_eval::ErrorKind::Eval(format!(
                "'{text}' is not a derivation of this evaluation"
            )))),
        };
    }
    // Without --strict, --json only prints what is already evaluated, as
    // nix-instantiate does.
    if opts.json && !opts.strict {
        let top = eval.force(v)?;
        if has_unevaluated(&top) {
            return Err(Error::from(tvix_eval::ErrorKind::Eval(
                "cannot convert a thunk to JSON".into(),
            )));
        }
    }
    let v = if opts.strict || opts.json {
        eval.force_deep(v)?
    } else {
        eval.force(v)?
    };
    if opts.json {
        let f = eval.evaluate_str("builtins.toJSON")?;
        let s = eval.call(&f, v)?;
        // nix-instantiate 2.8 writes the JSON without a newline.
        return Ok(match s {
            Value::String(s) => s.as_bytes().to_vec(),
            _ => Vec::new(),
        });
    }
    if opts.xml {
        let f = tvix_eval::builtins::xml::xml_for_cli(opts.strict, !opts.no_location);
        let s = eval.call(&f, v)?;
        return Ok(match s {
            Value::String(s) => s.as_bytes().to_vec(),
            _ => Vec::new(),
        });
    }
    let mut out = print_value(&v);
    out.push(b'\n');
    Ok(out)
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

/// Calls a top-level function with the `--arg`/`--argstr` values it asks for, like Nix.
fn auto_call(eval: &mut Evaluation, v: Value, args: &[(String, Value)]) -> Result<Value, Error> {
    let v = eval.force(&v)?;
    let chunk_formals = match &v {
        Value::Closure(c) => match &c.lambda.chunk.formals {
            Some(f) => Some((
                f.entries
                    .iter()
                    .map(|e| e.name.to_string())
                    .collect::<Vec<_>>(),
                f.ellipsis,
            )),
            None => return Ok(v),
        },
        Value::Attrs(a) if a.get(tvix_eval::Symbol::from_str("__functor")).is_some() => {
            let functor = eval.select(&v, "__functor")?;
            let r = eval.call(&functor, v.clone())?;
            return auto_call(eval, r, args);
        }
        _ => None,
    };
    let Some((formals, ellipsis)) = chunk_formals else {
        return Ok(v);
    };
    if !ellipsis {
        for f in &formals {
            let has_default = match &v {
                Value::Closure(c) => c.lambda.chunk.formals.as_ref().is_some_and(|fs| {
                    fs.entries
                        .iter()
                        .any(|e| e.name.as_bytes() == f.as_bytes() && e.default.is_some())
                }),
                _ => false,
            };
            if !has_default && !args.iter().any(|(n, _)| n == f) {
                return Err(Error::from(tvix_eval::ErrorKind::Eval(format!(
                    "cannot evaluate a function that has an argument without a value ('{f}')"
                ))));
            }
        }
    }
    let pairs: Vec<tvix_eval::value::Attr> = args
        .iter()
        .filter(|(n, _)| ellipsis || formals.contains(n))
        .map(|(n, val)| tvix_eval::value::Attr {
            name: tvix_eval::Symbol::from_str(n),
            value: val.clone(),
            pos: tvix_eval::syntax::Pos::NONE,
        })
        .collect();
    let set = Value::attrs(tvix_eval::Attrs::from_unsorted_last_wins(pairs));
    eval.call(&v, set)
}

fn select_path(
    eval: &mut Evaluation,
    root: &Value,
    path: &str,
    args: &[(String, Value)],
) -> Result<Value, Error> {
    let mut v = root.clone();
    if path.is_empty() {
        return Ok(v);
    }
    for part in split_attr_path(path)? {
        if part.is_empty() {
            return Err(Error::from(tvix_eval::ErrorKind::Eval(format!(
                "empty attribute name in selection path '{path}'"
            ))));
        }
        let forced = auto_call(eval, v, args)?;
        v = match (&forced, part.parse::<usize>()) {
            (Value::List(l), Ok(i)) => l.get(i).cloned().ok_or_else(|| {
                Error::from(tvix_eval::ErrorKind::Eval(format!(
                    "list index {i} in selection path '{path}' is out of range"
                )))
            })?,
            (Value::Attrs(a), _) => a
                .get(tvix_eval::Symbol::from_str(&part))
                .cloned()
                .ok_or_else(|| {
                    Error::from(tvix_eval::ErrorKind::Eval(format!(
                        "attribute '{part}' in selection path '{path}' not found"
                    )))
                })?,
            (other, _) => {
                return Err(Error::from(tvix_eval::ErrorKind::Eval(format!(
                "the expression selected by the selection path '{path}' should be a set but is {}",
                other.type_description()
            ))))
            }
        };
    }
    Ok(v)
}

/// Splits `a.b."c.d"` into its components, as nix-instantiate does: a
/// trailing dot is ignored, an unclosed quote is an error.
fn split_attr_path(path: &str) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            '.' => out.push(std::mem::take(&mut cur)),
            '"' => loop {
                match chars.next() {
                    Some('"') => break,
                    Some(c) => cur.push(c),
                    None => {
                        return Err(Error::from(tvix_eval::ErrorKind::Eval(format!(
                            "missing closing quote in selection path '{path}'"
                        ))))
                    }
                }
            },
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}
