//! The entry points that evaluate Nix source and deserialize the result:
//! from text, bytes or a file, with or without arguments and configuration.
//! They all end in [`deserialize`].

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;
use tvix_eval::{Evaluation, Value};

use crate::de::{forget_tree, next_file_id, Deserializer, Origin};
use crate::{Builder, Error};

/// Evaluates `src` in pure mode (no file system, environment or clock) and
/// deserializes the result.
///
/// Only what `T` asks for is evaluated: attributes `T` has no field for are
/// never forced (but see the crate docs on what serde buffers).
///
/// ```
/// let n: Vec<u32> = tvix_serde::from_str("builtins.genList (i: i * i) 4").unwrap();
/// assert_eq!(n, [0, 1, 4, 9]);
/// ```
///
/// # Errors
///
/// A syntax or evaluation error, or a value that does not fit `T`; see [`Error`].
pub fn from_str<T: DeserializeOwned>(src: &str) -> Result<T, Error> {
    from_slice(src.as_bytes())
}

/// Like [`from_str`], for source given as bytes (which need not be UTF-8:
/// string literals keep their bytes, as in C++ Nix).
///
/// ```
/// let v: Vec<String> = tvix_serde::from_slice(b"[ \"a\" \"b\" ]").unwrap();
/// assert_eq!(v, ["a", "b"]);
/// ```
///
/// # Errors
///
/// As [`from_str`].
pub fn from_slice<T: DeserializeOwned>(src: &[u8]) -> Result<T, Error> {
    let mut eval = pure_builder().build();
    let file = next_file_id();
    let v = eval.evaluate_bytes(src).map_err(|e| Error::eval(&e))?;
    deserialize_file(&mut eval, v, file)
}

/// Like [`from_str`], with the evaluator configured by `configure`: the
/// source's name and base directory, file access, search paths and extra
/// builtins (see also [`from_str_with_args`] for arguments).
///
/// The builder starts in pure mode with no file access ([`crate::eval::NoIO`]).
/// To let the source import files, give it a base directory, the real file
/// system and a root it may read below:
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("tvix-serde-doc-base-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("ports.nix"), "[ 80 443 ]").unwrap();
/// let err = tvix_serde::from_str_with_config::<Vec<u16>, _>("import ./ports.nix", |b| {
///     b.source_name("inline.nix").base_dir(&dir).io(tvix_serde::eval::StdIO)
/// })
/// .unwrap_err();
/// assert!(err.message().contains("allow_root"), "{}", err.message());
///
/// let ports: Vec<u16> = tvix_serde::from_str_with_config("import ./ports.nix", |b| {
///     b.source_name("inline.nix").base_dir(&dir).io(tvix_serde::eval::StdIO).allow_root(&dir)
/// })
/// .unwrap();
/// assert_eq!(ports, [80, 443]);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
///
/// Extra builtins written in Nix, or in Rust with [`crate::BuilderExt::add_fn`]:
///
/// ```
/// use tvix_serde::prelude::*;
/// let v: String = tvix_serde::from_str_with_config(
///     "builtins.greeting + \", world\"",
///     |b| b.add_builtin("greeting", ExtraBuiltin::Nix("\"hello\"".into())),
/// ).unwrap();
/// assert_eq!(v, "hello, world");
/// ```
///
/// # Errors
///
/// As [`from_str`].
pub fn from_str_with_config<T, F>(src: &str, configure: F) -> Result<T, Error>
where
    T: DeserializeOwned,
    F: FnOnce(Builder) -> Builder,
{
    let mut eval = configure(pure_builder()).build();
    let file = next_file_id();
    let v = eval.evaluate_str(src).map_err(|e| Error::eval(&e))?;
    deserialize_file(&mut eval, v, file)
}

/// Evaluates `src` (which must be a function) called with `args`, which is
/// serialized from Rust into a Nix attribute set, like `nix-instantiate --arg`.
///
/// ```
/// #[derive(serde::Serialize)]
/// struct Args { env: String }
/// let port: u16 = tvix_serde::from_str_with_args(
///     "{ env }: if env == \"prod\" then 443 else 8080",
///     &Args { env: "prod".into() },
/// ).unwrap();
/// assert_eq!(port, 443);
/// ```
///
/// # Errors
///
/// As [`from_str`], and if `args` cannot be serialized.
pub fn from_str_with_args<T: DeserializeOwned, A: Serialize + ?Sized>(
    src: &str,
    args: &A,
) -> Result<T, Error> {
    let mut eval = pure_builder().build();
    let f = eval.evaluate_str(src).map_err(|e| Error::eval(&e))?;
    call_with_args(&mut eval, f, args)
}

/// Evaluates a file and deserializes the result. Imports and path literals
/// resolve relative to the file; file access is limited to the file's directory.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("tvix-serde-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("ports.nix"), "[ 80 443 ]").unwrap();
/// std::fs::write(dir.join("config.nix"), "{ ports = import ./ports.nix; }").unwrap();
///
/// #[derive(serde::Deserialize)]
/// struct Config { ports: Vec<u16> }
/// let cfg: Config = tvix_serde::from_file(dir.join("config.nix")).unwrap();
/// assert_eq!(cfg.ports, [80, 443]);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
///
/// # Errors
///
/// As [`from_str`], and if the file cannot be read.
pub fn from_file<T: DeserializeOwned>(path: impl AsRef<Path>) -> Result<T, Error> {
    from_file_with_config(path, |b| b)
}

/// Evaluates a file whose value is a function, calls it with `args`
/// (serialized into a Nix attribute set, like `nix-instantiate --arg`) and
/// deserializes the result. File access is limited to the file's directory.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("tvix-serde-doc-args-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("app.nix"), "{ env, replicas ? 1 }: { inherit replicas; tls = env == \"prod\"; }").unwrap();
///
/// #[derive(serde::Serialize)]
/// struct Args { env: &'static str }
/// #[derive(serde::Deserialize)]
/// struct App { replicas: u32, tls: bool }
/// let app: App = tvix_serde::from_file_with_args(dir.join("app.nix"), &Args { env: "prod" }).unwrap();
/// assert_eq!((app.replicas, app.tls), (1, true));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
///
/// # Errors
///
/// As [`from_file`], and if `args` cannot be serialized.
pub fn from_file_with_args<T: DeserializeOwned, A: Serialize + ?Sized>(
    path: impl AsRef<Path>,
    args: &A,
) -> Result<T, Error> {
    let (mut eval, path) = file_evaluation(path.as_ref(), |b| b);
    let f = eval.evaluate_file(&path).map_err(|e| Error::eval(&e))?;
    call_with_args(&mut eval, f, args)
}

/// Like [`from_file`], with the evaluator configured by `configure`
/// (here: a search path entry for `<lib>`).
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("tvix-serde-doc2-{}", std::process::id()));
/// # std::fs::create_dir_all(dir.join("lib")).unwrap();
/// std::fs::write(dir.join("lib/default.nix"), "{ double = x: x * 2; }").unwrap();
/// std::fs::write(dir.join("app.nix"), "(import <lib>).double 21").unwrap();
/// let lib = dir.join("lib").to_string_lossy().into_owned();
/// let n: u32 = tvix_serde::from_file_with_config(dir.join("app.nix"), |b| {
///     b.nix_path_entry("lib", lib.clone()).allow_root(lib.clone())
/// }).unwrap();
/// assert_eq!(n, 42);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
///
/// # Errors
///
/// As [`from_file`].
pub fn from_file_with_config<T, F>(path: impl AsRef<Path>, configure: F) -> Result<T, Error>
where
    T: DeserializeOwned,
    F: FnOnce(Builder) -> Builder,
{
    let (mut eval, path) = file_evaluation(path.as_ref(), configure);
    let file = next_file_id();
    let v = eval.evaluate_file(&path).map_err(|e| Error::eval(&e))?;
    deserialize_file(&mut eval, v, file)
}

/// Deserializes an already evaluated (or still lazy) value of `eval`; use
/// this to keep one evaluation and deserialize several parts of it.
///
/// ```
/// let mut eval = tvix_serde::Evaluation::builder().pure(true).build();
/// let v = eval.evaluate_str("{ a = 1; b = [ true ]; }").unwrap();
/// let a = eval.select(&v, "a").unwrap();
/// let b = eval.select(&v, "b").unwrap();
/// let a: u8 = tvix_serde::deserialize(&mut eval, a).unwrap();
/// let b: Vec<bool> = tvix_serde::deserialize(&mut eval, b).unwrap();
/// assert_eq!((a, b), (1, vec![true]));
/// ```
///
/// # Errors
///
/// An evaluation error while forcing part of `v`, or a value that does not fit `T`.
pub fn deserialize<T: DeserializeOwned>(eval: &mut Evaluation, v: Value) -> Result<T, Error> {
    let result = T::deserialize(Deserializer::new(eval, v));
    forget_tree();
    result
}

/// Deserializes `v`, the value of the source file registered as `file`.
fn deserialize_file<T: DeserializeOwned>(
    eval: &mut Evaluation,
    v: Value,
    file: u32,
) -> Result<T, Error> {
    let result = T::deserialize(Deserializer::at(eval, v, "", Origin::file(file)));
    forget_tree();
    result
}

/// The builder every `from_str*` function starts from.
fn pure_builder() -> Builder {
    Evaluation::builder()
        .pure(true)
        .io(tvix_eval::NoIO)
        .limits(default_limits())
}

/// The limits every `from_*` function applies unless the configuring
/// closure sets others with [`Builder::limits`]: far above what a real
/// config needs, low enough that a hostile one cannot exhaust the host.
///
/// - memory: 1 GiB held by the evaluation's values (strings, lists, sets,
///   thunks, closures);
/// - steps: 1,000,000,000 function calls and forcings (and a step per 256
///   elements of large values built at once; tens of seconds of
///   evaluation; deterministic, so a config that loads once always loads);
/// - timeout: 60 seconds of wall-clock time;
/// - call depth: the evaluator's default, 2,500,000 frames, enough for a
///   million-deep recursion.
///
/// ```
/// use std::time::Duration;
/// let limits = tvix_serde::default_limits();
/// assert_eq!(limits.memory, Some(1 << 30));
/// assert_eq!(limits.steps, Some(1_000_000_000));
/// assert_eq!(limits.timeout, Some(Duration::from_secs(60)));
///
/// // A config that never ends is stopped by the defaults…
/// let err = tvix_serde::from_str::<u64>("let f = n: f (n + 1); in f 0").unwrap_err();
/// assert!(err.is_limit_error());
/// // …and a closure can set tighter (or looser) limits.
/// let err = tvix_serde::from_str_with_config::<Vec<u64>, _>(
///     "builtins.genList (i: i) 1000000",
///     |b| b.limits(tvix_serde::Limits::default().max_memory(1 << 20)),
/// ).unwrap_err();
/// assert_eq!(err.message(), "evaluation exceeded its memory limit (max-memory = 1 MiB)");
/// ```
pub fn default_limits() -> tvix_eval::Limits {
    tvix_eval::Limits::default()
        .max_memory(1 << 30)
        .max_steps(1_000_000_000)
        .timeout(std::time::Duration::from_secs(60))
}

/// An evaluation for the file at `path` (made absolute), allowed to read
/// its directory.
fn file_evaluation(
    path: &Path,
    configure: impl FnOnce(Builder) -> Builder,
) -> (Evaluation, PathBuf) {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| "/".into());
    let builder = configure(
        Evaluation::builder()
            .pure(true)
            .allow_root(dir)
            .limits(default_limits()),
    );
    (builder.build(), path)
}

/// Calls the function `f` with `args` as a Nix set and deserializes the result.
fn call_with_args<T: DeserializeOwned, A: Serialize + ?Sized>(
    eval: &mut Evaluation,
    f: Value,
    args: &A,
) -> Result<T, Error> {
    let a = crate::value::to_raw(&crate::to_value(args)?);
    let a = only_requested_args(eval, &f, a)?;
    let v = eval.call(&f, a).map_err(|e| Error::eval(&e))?;
    deserialize(eval, v)
}

/// Like `nix-instantiate --arg`: a function with a `{ … }` pattern and no
/// `...` receives only the arguments it names.
fn only_requested_args(eval: &mut Evaluation, f: &Value, args: Value) -> Result<Value, Error> {
    let f = eval.force(f).map_err(|e| Error::eval(&e))?;
    let (Value::Closure(c), Value::Attrs(a)) = (&f, &args) else {
        return Ok(args);
    };
    let Some(formals) = c.lambda.chunk.formals() else {
        return Ok(args);
    };
    if formals.ellipsis {
        return Ok(args);
    }
    let kept: Vec<tvix_eval::value::Attr> = a
        .iter()
        .filter(|attr| formals.entries.iter().any(|f| f.name == attr.name))
        .cloned()
        .collect();
    Ok(Value::attrs(tvix_eval::Attrs::from_sorted(kept)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_load_does_not_keep_its_syntax_tree() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Config {
            port: u16,
        }
        // Locating the bad value parses the source into a syntax tree.
        let err = super::from_str::<Config>("{\n  port = \"eighty\";\n}").unwrap_err();
        assert_eq!(err.location().map(|l| l.line), Some(2), "{err}");
        assert!(!crate::de::tree_cached());
    }
}
