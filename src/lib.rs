//! `tvix_serde`: Nix as a configuration language for Rust programs.
//!
//! A Nix expression is evaluated by this project's own evaluator (the
//! `tvix-eval` crate, whose API is re-exported here as [`eval`], so one
//! dependency is enough) and deserialized into any `T: DeserializeOwned`.
//! The deserializer drives the evaluation: only what the target type asks
//! for is ever evaluated.
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
//!
//! # Entry points
//!
//! - [`from_str`], [`from_slice`] and [`from_file`] evaluate source in pure
//!   mode; a file may import files from its own directory.
//! - [`from_str_with_args`] and [`from_file_with_args`] call a config that is
//!   a function (`{ env, ... }: { … }`) with arguments serialized from Rust.
//! - [`from_str_with_config`] and [`from_file_with_config`] take a closure
//!   that configures the [`Builder`]: the source's name and base directory,
//!   file access ([`eval::StdIO`], [`Builder::allow_root`]), search paths,
//!   and extra builtins, in Nix or in Rust ([`BuilderExt::add_fn`]).
//! - [`deserialize`] reads (part of) a value of an [`Evaluation`] you keep.
//! - [`from_value`] reads typed data out of a dynamic [`Value`];
//!   [`to_value`], [`to_string`] and [`to_string_pretty`] go the other way.
//!
//! # Laziness, and where serde buffers
//!
//! Structs, maps, lists, `Option` and externally or adjacently tagged enums
//! are read field by field, so an attribute nothing asks for is never
//! evaluated, and an attribute that fails (`throw`, a missing import)
//! fails the load only if the target type reads it.
//!
//! Some serde features need to see a whole value before deciding what it
//! is, and buffer it first: **internally tagged** (`#[serde(tag = "…")]`) and
//! **untagged** enums, `#[serde(flatten)]`, and [`Value`]. Buffering
//! evaluates everything inside the value, so an unused `throw` in there
//! does fail the load. This is serde's data model, not a choice of this
//! crate. Where that matters, use the lazy alternatives: an externally
//! tagged enum (`{ Tcp = { port = 80; }; }`) or an adjacently tagged one
//! (`#[serde(tag = "type", content = "settings")]`), `Option` fields, and
//! [`serde::de::IgnoredAny`] for parts you only need to exist.
//!
//! ```
//! #[derive(Debug, serde::Deserialize, PartialEq)]
//! #[serde(tag = "type", content = "settings")]
//! enum Listener { Tcp { port: u16 }, Unix { path: String } }
//!
//! // Adjacently tagged: only the fields the variant needs are evaluated.
//! let l: Listener = tvix_serde::from_str(
//!     r#"{ type = "Tcp"; settings = { port = 80; tls = throw "unused"; }; }"#).unwrap();
//! assert_eq!(l, Listener::Tcp { port: 80 });
//!
//! // Internally tagged: serde buffers the whole set, so the unused attribute fails.
//! #[derive(Debug, serde::Deserialize)]
//! #[serde(tag = "type")]
//! enum Buffered { Tcp { port: u16 } }
//! let err = tvix_serde::from_str::<Buffered>(
//!     r#"{ type = "Tcp"; port = 80; tls = throw "unused"; }"#).unwrap_err();
//! assert_eq!((err.message(), err.path()), ("unused", Some("tls")));
//! ```
//!
//! # Errors
//!
//! Every [`Error`] has a [`message`](Error::message). A data error (a value
//! that does not fit) has the [`path`](Error::path) inside the config and
//! the [`location`](Error::location) of the value: a type error points at
//! the value, a missing attribute at the set that lacks it, and an error
//! from buffered content at the buffered value. An evaluation error (a
//! `throw`, a type error in Nix code) carries the path that was being read
//! when it happened, and the Nix diagnostic. [`Error::diagnostic`] renders
//! either kind with a source snippet.
//!
//! ```
//! #[derive(Debug, serde::Deserialize)]
//! struct Upstream { host: String, port: u16 }
//! #[derive(Debug, serde::Deserialize)]
//! struct Config { upstreams: Vec<Upstream> }
//!
//! let err = tvix_serde::from_str::<Config>(r#"{
//!   upstreams = [
//!     { host = "a"; port = 80; }
//!     { host = "b"; }
//!   ];
//! }"#).unwrap_err();
//! assert_eq!(err.to_string(), "«string»:4:5: upstreams[1]: missing attribute 'port'");
//! ```
//!
//! # Loading untrusted configs
//!
//! Every `from_*` function runs the config in pure mode (no environment,
//! no files outside the config's directory, no network) under
//! [`default_limits`]: 1 GiB of values, a billion evaluation steps and 60
//! seconds. Exceeding a limit is an [`Error`] that names the limit
//! ([`Error::is_limit_error`]) and that Nix's `tryEval` cannot catch.
//! Nothing a config does aborts the host process or overflows its stack:
//! impossible allocations, deep nesting and cyclic values are errors too.
//! Builtins that make many values in one call (`split`, `fromJSON`,
//! `fromTOML`, `genericClosure`) check the memory limit as they go, and
//! long loops inside one operation still meet the timeout and the
//! interrupt. An evaluation leaves nothing behind when dropped. Identifiers and
//! attribute names are interned per thread; when no evaluation and none of
//! its values is alive on a thread, the next evaluation built there frees
//! them, and a thread's names go when it ends. So a service can reload its
//! config any number of times, even one that generates new names on every
//! load, without its memory growing. What stays is what the host keeps: a
//! live `tvix_eval::Evaluation` or `tvix_eval::Value` keeps every name its
//! thread interned since the last reclaim, so keep deserialized Rust values
//! (or a [`Value`]), not evaluator values, across reloads.
//!
//! Set tighter limits, or stop an evaluation from another thread with an
//! [`InterruptHandle`]:
//!
//! ```
//! use std::time::Duration;
//! use tvix_serde::{InterruptHandle, Limits};
//!
//! let handle = InterruptHandle::new();
//! let stopper = handle.clone();
//! std::thread::spawn(move || {
//!     std::thread::sleep(Duration::from_millis(50));
//!     stopper.interrupt();
//! });
//! let err = tvix_serde::from_str_with_config::<u64, _>("let f = n: f (n + 1); in f 0", |b| {
//!     b.limits(Limits::default().max_memory(64 << 20).timeout(Duration::from_secs(10)))
//!         .interrupt(handle)
//! })
//! .unwrap_err();
//! assert_eq!(err.message(), "evaluation interrupted");
//! ```
//!
//! # Typed Rust builtins
//!
//! [`BuilderExt::add_fn`] adds a Rust closure of one to three `Deserialize`
//! arguments as a curried Nix function. A closure that returns `Err` throws
//! in Nix; with [`FnError`] as the error type, `?` takes any `Display` error.
//!
//! ```
//! use tvix_serde::prelude::*;
//! let n: u64 = tvix_serde::from_str_with_config("builtins.add3 1 2 3", |b| {
//!     b.add_fn("add3", |a: u64, b: u64, c: u64| a + b + c)
//! }).unwrap();
//! assert_eq!(n, 6);
//!
//! let err = tvix_serde::from_str_with_config::<u16, _>("builtins.port \"http\"", |b| {
//!     b.add_fn("port", |s: String| -> Result<u16, FnError> { Ok(s.parse()?) })
//! }).unwrap_err();
//! assert_eq!(err.message(), "port: invalid digit found in string");
//! ```

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod builtin;
mod de;
mod error;
mod load;
mod ser;
mod value;

#[doc(inline)]
pub use builtin::{BuilderExt, FnError, NixFn};
#[doc(inline)]
pub use error::{Error, Location};
#[doc(inline)]
pub use load::{
    default_limits, deserialize, from_file, from_file_with_args, from_file_with_config, from_slice,
    from_str, from_str_with_args, from_str_with_config,
};
#[doc(inline)]
pub use ser::{to_string, to_string_pretty, to_value};
#[doc(inline)]
pub use value::{from_value, Value};

/// Configures an evaluation: pure mode, file access, search paths, the
/// source's name and base directory, extra builtins. The evaluator's
/// `EvaluationBuilder`; [`BuilderExt`] adds typed Rust functions.
pub type Builder = tvix_eval::EvaluationBuilder;

#[doc(no_inline)]
pub use tvix_eval::{Evaluation, ExtraBuiltin, InterruptHandle, LimitKind, Limits, Settings};

/// The evaluator's API that embedders need, re-exported so that
/// `tvix-serde` is the only dependency: the evaluation and its settings,
/// the evaluator's own (lazy) value type, which raw builtins receive, and
/// the file-access implementations.
pub mod eval {
    #[doc(no_inline)]
    pub use tvix_eval::{
        EvalIO, Evaluation, EvaluationBuilder, ExtraBuiltin, HostFunction, InterruptHandle,
        LimitKind, Limits, MemoryIO, NoIO, Settings, StdIO, Value,
    };
}

/// The names most programs need: `use tvix_serde::prelude::*;`.
pub mod prelude {
    #[doc(no_inline)]
    pub use crate::{Builder, BuilderExt, Error, ExtraBuiltin, FnError, Value};
}
