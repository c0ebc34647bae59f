//! `tvix_serde`: Nix as a configuration language for Rust programs.
//!
//! A Nix expression is evaluated by this project's own evaluator
//! ([`tvix_eval`]) and deserialized into any `T: DeserializeOwned`. The
//! deserializer drives the evaluation: only the attributes the target type
//! asks for are ever evaluated.
//!
//! ```
//! #[derive(serde::Deserialize)]
//! struct Config { port: u16, hosts: Vec<String> }
//!
//! let cfg: Config = tvix_serde::from_str(r#"
//!   let base = 8000; in {
//!     port = base + 80;
//!     hosts = map (n: "web${toString n}") [ 1 2 ];
//!     debug = throw "never evaluated: Config has no such field";
//!   }"#).unwrap();
//! assert_eq!(cfg.port, 8080);
//! assert_eq!(cfg.hosts, ["web1", "web2"]);
//! ```

#![warn(missing_docs)]

mod de;
mod error;
mod ser;
mod value;

use std::path::Path;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::Serialize;

pub use error::{Error, Location};
pub use ser::to_value;
pub use tvix_eval::EvaluationBuilder as Builder;
pub use tvix_eval::ExtraBuiltin;
pub use value::Value;

/// Evaluates `src` in pure mode (no file system, environment or clock) and
/// deserializes the result.
///
/// ```
/// let n: Vec<u32> = tvix_serde::from_str("builtins.genList (i: i * i) 4").unwrap();
/// assert_eq!(n, [0, 1, 4, 9]);
/// ```
pub fn from_str<T: DeserializeOwned>(src: &str) -> Result<T, Error> {
    from_str_with_config(src, |b| b)
}

/// Like [`from_str`], with the evaluator configured by `configure`: search
/// paths, allowed roots, impure mode, and extra builtins written in Nix or
/// in Rust (see also [`from_str_with_args`] for arguments).
///
/// ```
/// use std::rc::Rc;
/// use tvix_serde::ExtraBuiltin;
/// use tvix_eval::Value;
/// // A builtin written in Rust: `builtins.port "https"`.
/// let port = ExtraBuiltin::Rust(Rc::new(|v: Value| match v {
///     Value::String(s) if s.as_bytes() == b"https" => Ok(Value::Int(443)),
///     other => Err(format!("unknown service ({})", other.type_of())),
/// }));
/// let p: u16 = tvix_serde::from_str_with_config("builtins.port \"https\"", |b| b.add_builtin("port", port)).unwrap();
/// assert_eq!(p, 443);
/// ```
///
/// ```
/// use tvix_serde::ExtraBuiltin;
/// let v: String = tvix_serde::from_str_with_config(
///     "builtins.greeting + \", world\"",
///     |b| b.add_builtin("greeting", ExtraBuiltin::Nix("\"hello\"".into())),
/// ).unwrap();
/// assert_eq!(v, "hello, world");
/// ```
pub fn from_str_with_config<T, F>(src: &str, configure: F) -> Result<T, Error>
where
    T: DeserializeOwned,
    F: FnOnce(Builder) -> Builder,
{
    let builder = configure(pure_builder());
    let mut eval = builder.build();
    let dir = std::env::current_dir().unwrap_or_else(|_| "/".into());
    let v = eval
        .evaluate_source(src, "«string»".into(), None, &dir)
        .map_err(|e| Error::eval(&e))?;
    deserialize(&mut eval, v)
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
pub fn from_str_with_args<T: DeserializeOwned, A: Serialize + ?Sized>(
    src: &str,
    args: &A,
) -> Result<T, Error> {
    let arg_src = to_string(args)?;
    let mut eval = pure_builder().build();
    let dir = std::env::current_dir().unwrap_or_else(|_| "/".into());
    let f = eval
        .evaluate_source(src, "«string»".into(), None, &dir)
        .map_err(|e| Error::eval(&e))?;
    let a = eval
        .evaluate_source(&arg_src, "«arguments»".into(), None, &dir)
        .map_err(|e| Error::eval(&e))?;
    let a = only_requested_args(&mut eval, &f, a)?;
    let v = eval.call(&f, a).map_err(|e| Error::eval(&e))?;
    deserialize(&mut eval, v)
}

/// Like `nix-instantiate --arg`: a function with a `{ … }` pattern and no
/// `...` receives only the arguments it names.
fn only_requested_args(
    eval: &mut tvix_eval::Evaluation,
    f: &tvix_eval::Value,
    args: tvix_eval::Value,
) -> Result<tvix_eval::Value, Error> {
    let f = eval.force(f).map_err(|e| Error::eval(&e))?;
    let args = eval.force(&args).map_err(|e| Error::eval(&e))?;
    let (tvix_eval::Value::Closure(c), tvix_eval::Value::Attrs(a)) = (&f, &args) else {
        return Ok(args);
    };
    let Some(formals) = &c.lambda.chunk.formals else {
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
    Ok(tvix_eval::Value::attrs(tvix_eval::Attrs::from_sorted(kept)))
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
/// ```
pub fn from_file<T: DeserializeOwned>(path: impl AsRef<Path>) -> Result<T, Error> {
    from_file_with_config(path, |b| b)
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
/// ```
pub fn from_file_with_config<T, F>(path: impl AsRef<Path>, configure: F) -> Result<T, Error>
where
    T: DeserializeOwned,
    F: FnOnce(Builder) -> Builder,
{
    let path = path.as_ref();
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| "/".into());
    let builder = configure(tvix_eval::Evaluation::builder().pure(true).allow_root(dir));
    let mut eval = builder.build();
    let v = eval.evaluate_file(&path).map_err(|e| Error::eval(&e))?;
    deserialize(&mut eval, v)
}

fn pure_builder() -> Builder {
    tvix_eval::Evaluation::builder()
        .pure(true)
        .io(tvix_eval::NoIO)
}

/// Deserializes an already evaluated (or still lazy) value of `eval`; use
/// this to keep one evaluation and deserialize several parts of it.
///
/// ```
/// let mut eval = tvix_eval::Evaluation::builder().pure(true).build();
/// let v = eval.evaluate_str("{ a = 1; b = [ true ]; }").unwrap();
/// let a = eval.select(&v, "a").unwrap();
/// let b = eval.select(&v, "b").unwrap();
/// let a: u8 = tvix_serde::deserialize(&mut eval, a).unwrap();
/// let b: Vec<bool> = tvix_serde::deserialize(&mut eval, b).unwrap();
/// assert_eq!((a, b), (1, vec![true]));
/// ```
pub fn deserialize<T: DeserializeOwned>(
    eval: &mut tvix_eval::Evaluation,
    v: tvix_eval::Value,
) -> Result<T, Error> {
    T::deserialize(de::Deserializer {
        eval,
        value: v,
        path: Rc::from(""),
        span: tvix_eval::Span::NONE,
    })
}

/// Writes `value` as Nix source on one line; evaluating it gives `value` back.
///
/// ```
/// #[derive(serde::Serialize)]
/// struct S { name: &'static str, ports: Vec<i32> }
/// let src = tvix_serde::to_string(&S { name: "a\"b", ports: vec![80, -1] }).unwrap();
/// assert_eq!(src, r#"{ name = "a\"b"; ports = [ 80 (-1) ]; }"#);
/// ```
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    ser::print(&to_value(value)?, false)
}

/// Writes `value` as indented, multi-line Nix source.
///
/// ```
/// let mut m = std::collections::BTreeMap::new();
/// m.insert("hosts", vec!["a", "b"]);
/// assert_eq!(
///     tvix_serde::to_string_pretty(&m).unwrap(),
///     "{\n  hosts = [\n    \"a\"\n    \"b\"\n  ];\n}"
/// );
/// ```
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    ser::print(&to_value(value)?, true)
}
