//! Typed Rust builtins: closures of one to three `Deserialize` arguments
//! returning a `Serialize` result, added to an evaluation as curried Nix
//! functions whose arguments are deserialized lazily, and [`FnError`], the
//! error type that lets them fail with any `Display` error.

use std::fmt;
use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use tvix_eval::{ErrorKind, ExtraBuiltin, Value, Vm};

use crate::de::Deserializer;
use crate::Builder;

/// Adds typed Rust functions to a [`Builder`]. In scope through
/// [`crate::prelude`].
pub trait BuilderExt: Sized {
    /// Adds `builtins.NAME` (also `__NAME`): a Nix function that calls `f`.
    ///
    /// `f` is a closure of one to three arguments whose types implement
    /// [`Deserialize`](serde::Deserialize); Nix calls it curried
    /// (`builtins.f a b`). Each argument is deserialized like a config: only
    /// what its type asks for is evaluated, and a value that does not fit
    /// fails with the argument's path and location. The result is anything
    /// that implements [`Serialize`]; a `Result<T, E>` whose `Ok` is `T` and
    /// whose `Err` serializes to a string (such as `String` or `&str`) makes
    /// `Err` a Nix `throw` with that message. For an error type that is only
    /// [`Display`](std::fmt::Display) (`std::io::Error`, `anyhow::Error`,
    /// your own), return `Result<T, FnError>`: `?` converts any `Display`
    /// error into an [`FnError`] carrying its message.
    ///
    /// ```
    /// use tvix_serde::prelude::*;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Upstream { host: String, port: u16 }
    ///
    /// let urls: Vec<String> = tvix_serde::from_str_with_config(
    ///     "map (builtins.url \"https\") [ { host = \"a\"; port = 443; } { host = \"b\"; port = 8443; } ]",
    ///     |b| b.add_fn("url", |scheme: String, u: Upstream| format!("{scheme}://{}:{}", u.host, u.port)),
    /// ).unwrap();
    /// assert_eq!(urls, ["https://a:443", "https://b:8443"]);
    ///
    /// // Errors: `Err` is a `throw` (so `tryEval` catches it) …
    /// let r: bool = tvix_serde::from_str_with_config(
    ///     "(builtins.tryEval (builtins.port \"gopher\")).success",
    ///     |b| b.add_fn("port", |s: String| match s.as_str() {
    ///         "https" => Ok(443),
    ///         _ => Err(format!("unknown service {s}")),
    ///     }),
    /// ).unwrap();
    /// assert!(!r);
    ///
    /// // Any `Display` error works through `FnError` and `?` …
    /// let n: u16 = tvix_serde::from_str_with_config(
    ///     "builtins.parsePort \"8080\"",
    ///     |b| b.add_fn("parsePort", |s: String| -> Result<u16, FnError> { Ok(s.parse()?) }),
    /// ).unwrap();
    /// assert_eq!(n, 8080);
    ///
    /// // … and an argument that does not fit names its path.
    /// let err = tvix_serde::from_str_with_config::<String, _>(
    ///     "builtins.url \"https\" { host = \"a\"; port = \"443\"; }",
    ///     |b| b.add_fn("url", |scheme: String, u: Upstream| format!("{scheme}://{}:{}", u.host, u.port)),
    /// ).unwrap_err();
    /// assert_eq!(err.message(), "url: argument 2: port: expected u16, found a string \"443\"");
    /// ```
    fn add_fn<Args, F: NixFn<Args>>(self, name: &str, f: F) -> Self;
}

impl BuilderExt for Builder {
    fn add_fn<Args, F: NixFn<Args>>(self, name: &str, f: F) -> Self {
        let label = name.to_string();
        let function = Rc::new(move |vm: &mut Vm, args: Vec<Value>| f.call(vm, &label, args));
        self.add_builtin(
            name,
            ExtraBuiltin::Native {
                arity: F::ARITY,
                function,
            },
        )
    }
}

/// The error of a typed builtin: what a closure given to
/// [`BuilderExt::add_fn`] returns as `Err` when its own errors are only
/// [`Display`](fmt::Display).
///
/// Every `Display` type converts into it (so `?` works on `std::io::Error`,
/// `ParseIntError`, `anyhow::Error`, …), keeping the error's message. In Nix,
/// `Err(FnError)` is a `throw` with that message, which `tryEval` catches.
///
/// Like `anyhow::Error`, `FnError` does not implement `Display` itself: that
/// is what lets it convert from every type that does.
///
/// ```
/// use tvix_serde::prelude::*;
///
/// fn read_port(s: String) -> Result<u16, FnError> {
///     let port: u16 = s.trim().parse()?; // a ParseIntError
///     if port == 0 {
///         return Err(FnError::new("port 0 is reserved"));
///     }
///     Ok(port)
/// }
///
/// let config = |b: Builder| b.add_fn("port", read_port);
/// let err = tvix_serde::from_str_with_config::<u16, _>("builtins.port \"http\"", config)
///     .unwrap_err();
/// assert_eq!(err.message(), "port: invalid digit found in string");
/// let err = tvix_serde::from_str_with_config::<u16, _>("builtins.port \"0\"", config)
///     .unwrap_err();
/// assert_eq!(err.message(), "port: port 0 is reserved");
/// ```
pub struct FnError {
    message: String,
}

impl FnError {
    /// An error with this message.
    pub fn new(message: impl fmt::Display) -> Self {
        FnError {
            message: message.to_string(),
        }
    }

    /// The message the Nix `throw` carries.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl<E: fmt::Display> From<E> for FnError {
    fn from(error: E) -> Self {
        FnError::new(error)
    }
}

impl fmt::Debug for FnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FnError").field(&self.message).finish()
    }
}

/// Serializes as its message, which is what makes `Err(FnError)` a `throw`.
impl Serialize for FnError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.message)
    }
}

/// A Rust closure [`BuilderExt::add_fn`] can add as a Nix function:
/// implemented for closures of one to three arguments whose types implement
/// `DeserializeOwned` and whose result implements `Serialize`. `Args` is
/// the tuple of argument types.
#[diagnostic::on_unimplemented(
    message = "this closure cannot be added as a Nix function",
    label = "not a closure of 1 to 3 owned `Deserialize` arguments with a `Serialize` result",
    note = "`add_fn` takes closures like `|a: u16, b: String| …` whose argument types implement `serde::de::DeserializeOwned` and whose result implements `serde::Serialize`; for a `Result` whose error is only `Display`, return `Result<T, tvix_serde::FnError>` and convert with `?`"
)]
pub trait NixFn<Args>: 'static {
    /// How many arguments the function takes.
    const ARITY: u8;

    /// Deserializes the arguments, calls the function and converts its
    /// result; errors are returned to Nix.
    #[doc(hidden)]
    fn call(&self, vm: &mut Vm, name: &str, args: Vec<Value>) -> Result<Value, ErrorKind>;
}

/// Argument `i` (0-based) of `args`, deserialized.
fn arg<T: DeserializeOwned>(
    vm: &mut Vm,
    name: &str,
    args: &[Value],
    i: usize,
) -> Result<T, ErrorKind> {
    let v = args.get(i).cloned().unwrap_or_default();
    let result = T::deserialize(Deserializer::new(vm, v));
    crate::de::forget_tree();
    result.map_err(|e| e.into_native(name, Some(i + 1)))
}

/// The Nix value of a result.
fn output<R: Serialize>(name: &str, r: &R) -> Result<Value, ErrorKind> {
    match crate::ser::to_outcome(r) {
        Ok(v) => Ok(crate::value::to_raw(&v)),
        Err(e) => Err(e.into_native(name, None)),
    }
}

impl<F, A, R> NixFn<(A,)> for F
where
    F: Fn(A) -> R + 'static,
    A: DeserializeOwned,
    R: Serialize,
{
    const ARITY: u8 = 1;

    fn call(&self, vm: &mut Vm, name: &str, args: Vec<Value>) -> Result<Value, ErrorKind> {
        let a = arg(vm, name, &args, 0)?;
        output(name, &self(a))
    }
}

impl<F, A, B, R> NixFn<(A, B)> for F
where
    F: Fn(A, B) -> R + 'static,
    A: DeserializeOwned,
    B: DeserializeOwned,
    R: Serialize,
{
    const ARITY: u8 = 2;

    fn call(&self, vm: &mut Vm, name: &str, args: Vec<Value>) -> Result<Value, ErrorKind> {
        let a = arg(vm, name, &args, 0)?;
        let b = arg(vm, name, &args, 1)?;
        output(name, &self(a, b))
    }
}

impl<F, A, B, C, R> NixFn<(A, B, C)> for F
where
    F: Fn(A, B, C) -> R + 'static,
    A: DeserializeOwned,
    B: DeserializeOwned,
    C: DeserializeOwned,
    R: Serialize,
{
    const ARITY: u8 = 3;

    fn call(&self, vm: &mut Vm, name: &str, args: Vec<Value>) -> Result<Value, ErrorKind> {
        let a = arg(vm, name, &args, 0)?;
        let b = arg(vm, name, &args, 1)?;
        let c = arg(vm, name, &args, 2)?;
        output(name, &self(a, b, c))
    }
}
