//! File and environment builtins: `import`, `readFile`, `readDir`,
//! `pathExists`, `findFile`, `getEnv`, …. All file access goes through the
//! evaluation's [`crate::EvalIO`] and its allowed-roots policy.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::{
    make_attrs, required_attr, to_attrs, to_list, to_str, BuiltinDef, BuiltinImpl::*, ALL,
};
use crate::bytecode::Capture;
use crate::compiler::canon_path;
use crate::errors::ErrorKind;
use crate::eval_err;
use crate::io::FileType;
use crate::value::{NixString, Symbol, Thunk, Upvalues, Value};
use crate::vm::generators::{coerce_to_string, make_gen, Co, Coercion, Gen};
use crate::vm::Vm;
use crate::Shared;

pub(super) static BUILTINS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "import",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(import),
    },
    BuiltinDef {
        name: "scopedImport",
        arity: 2,
        strict: ALL,
        first_arg: None,
        imp: Async(scoped_import),
    },
    BuiltinDef {
        name: "readFile",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(read_file),
    },
    BuiltinDef {
        name: "readDir",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(read_dir),
    },
    BuiltinDef {
        name: "readFileType",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(read_file_type),
    },
    BuiltinDef {
        name: "pathExists",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(path_exists),
    },
    BuiltinDef {
        name: "findFile",
        arity: 2,
        strict: ALL,
        first_arg: Some("a list"),
        imp: Async(find_file),
    },
    BuiltinDef {
        name: "getEnv",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(get_env),
    },
    BuiltinDef {
        name: "toPath",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(to_path),
    },
];

/// C++ Nix makes a string's context valid before using it as a path; without
/// a store, only objects this evaluation wrote count as valid (read-only
/// evaluation computes store paths but writes and builds nothing).
fn realise_context(shared: &Shared, s: &NixString) -> Result<(), ErrorKind> {
    for element in s.context().into_iter().flatten() {
        let path = match element {
            crate::value::ContextElement::Plain(p) => p,
            crate::value::ContextElement::Single { drv, .. }
            | crate::value::ContextElement::Derivation(drv) => drv,
        };
        if !shared.realised.borrow().contains(path) {
            return Err(eval_err!("path '{path}' is not valid"));
        }
    }
    Ok(())
}

/// Coerces a builtin's path argument to an absolute path, realising its context.
pub(crate) async fn coerce_to_path(
    co: &Co,
    shared: &Shared,
    v: Value,
) -> Result<PathBuf, ErrorKind> {
    coerce_to_path_with(co, Some(shared), v).await
}

/// Like [`coerce_to_path`]; without `shared` the context is not realised (`storePath`).
pub(crate) async fn coerce_to_path_with(
    co: &Co,
    realise_in: Option<&Shared>,
    v: Value,
) -> Result<PathBuf, ErrorKind> {
    if let Value::Path(p) = &v {
        return Ok(p.as_ref().clone());
    }
    let s = coerce_to_string(co, v, Coercion::PATH_APPEND).await?;
    if let Some(shared) = realise_in {
        realise_context(shared, &s)?;
    }
    let text = s.to_str_lossy();
    if !text.starts_with('/') {
        return Err(eval_err!(
            "string '{text}' doesn't represent an absolute path"
        ));
    }
    Ok(PathBuf::from(text.as_ref()))
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> ErrorKind {
    ErrorKind::Io(format!(
        "{what} '{}': {}",
        path.display(),
        crate::io::io_reason(&e)
    ))
}

/// Reads and compiles a Nix file; relative paths in it resolve against its
/// directory, and `scope` names the root environment's slots (`scopedImport`).
/// Where C++ Nix keeps its built-in Nix files: `<nix/NAME>` resolves here
/// when no search path entry provides it.
const CORE_PREFIX: &str = "/__corepkgs__/";

/// The one built-in file, `<nix/fetchurl.nix>`.
const CORE_FETCHURL: &str = "/__corepkgs__/fetchurl.nix";

/// Its source (our own, producing the same derivations as C++ Nix's).
const CORE_FETCHURL_SOURCE: &str = include_str!("corepkgs/fetchurl.nix");

fn compile_nix_file(
    shared: &Shared,
    path: &Path,
    scope: Option<Vec<Symbol>>,
) -> Result<Rc<crate::bytecode::Chunk>, ErrorKind> {
    let (src, name) = if path == Path::new(CORE_FETCHURL) {
        // C++ Nix parses its built-in copy as a string, so positions say `(string)`.
        (
            CORE_FETCHURL_SOURCE.as_bytes().to_vec(),
            "«string»".to_string(),
        )
    } else {
        let bytes = shared
            .io
            .read_file(path)
            .map_err(|e| io_error("opening file", path, e))?;
        // Not necessarily UTF-8: string literals keep such bytes, as in C++ Nix.
        (bytes, path.to_string_lossy().into_owned())
    };
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("/"));
    crate::compile_source(
        src.into(),
        name,
        Some(path.to_path_buf()),
        &dir,
        shared,
        scope,
    )
    .map_err(|e| ErrorKind::Spanned(Box::new(e)))
}

/// The file `import`/`scopedImport` of `path` reads: `default.nix` inside a
/// directory, after the IO policy has allowed the path.
fn resolve_import_path(shared: &Shared, path: &Path) -> Result<PathBuf, ErrorKind> {
    if path == Path::new(CORE_FETCHURL) {
        // Built in: importable even in pure and restricted mode.
        return Ok(path.to_path_buf());
    }
    let path = shared.check_path(path)?;
    match shared.io.file_type(&path) {
        Ok(FileType::Directory) => Ok(path.join("default.nix")),
        Ok(_) => Ok(path),
        Err(e) => Err(io_error("getting status of", &path, e)),
    }
}

/// The value of importing `path`: compiled once per evaluation, returned as a thunk.
pub fn import_value(shared: &Rc<Shared>, path: &Path) -> Result<Value, ErrorKind> {
    let path = resolve_import_path(shared, path)?;
    if let Some(v) = shared.import_cache.borrow().get(&path) {
        return Ok(v.clone());
    }
    let chunk = compile_nix_file(shared, &path, None)?;
    let v = Value::Thunk(Thunk::new_code(chunk, Upvalues::default()));
    shared.import_cache.borrow_mut().insert(path, v.clone());
    Ok(v)
}

fn import(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let path = coerce_to_path(&co, &shared, args[0].clone()).await?;
        import_value(&shared, &path)
    })
}

fn scoped_import(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let scope = to_attrs(&args[0])?;
        let path = coerce_to_path(&co, &shared, args[1].clone()).await?;
        let path = resolve_import_path(&shared, &path)?;
        let names: Vec<Symbol> = scope.iter().map(|a| a.name).collect();
        let values: Vec<Value> = scope.iter().map(|a| a.value.clone()).collect();
        let chunk = compile_nix_file(&shared, &path, Some(names))?;
        // The file's chunk captures the scope variables it uses.
        let upvalues: Upvalues = chunk
            .captures
            .iter()
            .map(|c| match *c {
                Capture::Local(i) => values.get(i as usize).cloned().unwrap_or_default(),
                Capture::Upvalue(_) => Value::Null,
            })
            .collect();
        Ok(Value::Thunk(Thunk::new_code(chunk, upvalues)))
    })
}

fn read_file(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let path = coerce_to_path(&co, &shared, args[0].clone()).await?;
        let bytes = read_file_contents(&shared, &path)?;
        // Nix strings cannot hold NUL bytes.
        if bytes.contains(&0) {
            return Err(eval_err!(
                "the contents of the file '{}' cannot be represented as a Nix string",
                path.display()
            ));
        }
        Ok(Value::String(NixString::new(bytes)))
    })
}

/// The contents of the file at `path` (`readFile`, `hashFile`), after the IO
/// policy has allowed it, with C++ Nix's messages for directories and IO errors.
pub(super) fn read_file_contents(shared: &Shared, path: &Path) -> Result<Vec<u8>, ErrorKind> {
    let path = shared.check_path(path)?;
    if let Ok(FileType::Directory) = shared.io.file_type(&path) {
        return Err(ErrorKind::Io("reading from file: Is a directory".into()));
    }
    shared
        .io
        .read_file(&path)
        .map_err(|e| io_error("opening file", &path, e))
}

fn read_dir(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let path = coerce_to_path(&co, &shared, args[0].clone()).await?;
        let path = shared.check_path(&path)?;
        let entries = shared.io.read_dir(&path).map_err(|e| match e.kind() {
            // Current Nix's wording, naming the file a symlink leads to.
            std::io::ErrorKind::NotADirectory => {
                let target = shared
                    .io
                    .canonicalize(&path)
                    .unwrap_or_else(|_| path.clone());
                ErrorKind::Eval(format!("'{}' is not a directory", target.display()))
            }
            _ => io_error("opening directory", &path, e),
        })?;
        Ok(make_attrs(
            entries
                .into_iter()
                .map(|(n, t)| (Symbol::from_str(&n), Value::string(t.as_str())))
                .collect(),
        ))
    })
}

fn read_file_type(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let path = coerce_to_path(&co, &shared, args[0].clone()).await?;
        let path = shared.check_path(&path)?;
        let t = shared
            .io
            .file_type(&path)
            .map_err(|e| io_error("getting status of", &path, e))?;
        Ok(Value::string(t.as_str()))
    })
}

fn path_exists(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let path = coerce_to_path(&co, &shared, args[0].clone()).await?;
        // A path the policy forbids does not exist, as far as C++ Nix says.
        let Ok(path) = shared.check_path(&path) else {
            return Ok(Value::Bool(false));
        };
        Ok(Value::Bool(shared.io.file_type(&path).is_ok()))
    })
}

fn find_file(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let search = to_list(&args[0])?;
        let name = to_str(&args[1])?;
        let name = name.to_str_lossy().into_owned();
        for entry in search.iter() {
            let entry = co.force(entry.clone()).await;
            let entry = to_attrs(&entry)?;
            let prefix = match entry.get(Symbol::from_str("prefix")) {
                Some(p) => to_str(&co.force(p.clone()).await)?
                    .to_str_lossy()
                    .into_owned(),
                None => String::new(),
            };
            let path = required_attr(&entry, Symbol::from_str("path"), "findFile")?;
            let path = coerce_to_string(&co, path, Coercion::PATH_APPEND)
                .await?
                .to_str_lossy()
                .into_owned();
            let rest = if prefix.is_empty() {
                Some(name.as_str())
            } else if name == prefix {
                Some("")
            } else {
                name.strip_prefix(&format!("{prefix}/"))
            };
            let Some(rest) = rest else { continue };
            // A relative entry (`-I dir`) is relative to the working directory, as in C++ Nix.
            let path = if path.starts_with('/') {
                path
            } else {
                let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
                format!("{}/{path}", cwd.display())
            };
            let candidate = canon_path(&format!("{path}/{rest}"));
            let candidate = PathBuf::from(candidate);
            if shared.check_path(&candidate).is_ok() && shared.io.file_type(&candidate).is_ok() {
                return Ok(Value::Path(Rc::new(candidate)));
            }
        }
        // `<nix/…>` falls back to C++ Nix's built-in files (only fetchurl.nix exists).
        if let Some(rest) = name.strip_prefix("nix/") {
            let path = canon_path(&format!("{}/{rest}", CORE_PREFIX.trim_end_matches('/')));
            return Ok(Value::Path(Rc::new(PathBuf::from(path))));
        }
        // A thrown error, as in C++ Nix: `tryEval` catches it.
        Err(ErrorKind::Throw(if shared.settings.pure {
            format!(
                "cannot look up '<{name}>' in pure evaluation mode (use '--impure' to override)"
            )
        } else {
            format!(
                "file '{name}' was not found in the Nix search path (add it using $NIX_PATH or -I)"
            )
        }))
    })
}

fn get_env(vm: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let name = to_str(&args[0])?;
    if vm.shared().settings.pure {
        return Ok(Value::string(""));
    }
    Ok(Value::string(
        std::env::var(name.to_str_lossy().as_ref()).unwrap_or_default(),
    ))
}

fn to_path(args: Vec<Value>, _: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let s = coerce_to_string(&co, args[0].clone(), Coercion::PATH_APPEND).await?;
        let text = s.to_str_lossy();
        if !text.starts_with('/') {
            return Err(eval_err!(
                "string '{text}' doesn't represent an absolute path"
            ));
        }
        Ok(Value::String(NixString::with_context(
            canon_path(&text).into_bytes(),
            s.context().cloned().unwrap_or_default(),
        )))
    })
}
