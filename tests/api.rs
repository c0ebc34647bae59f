//! Entry points, the dynamic `Value`, re-exports and typed Rust builtins
//! (issue 10, parts 3 to 6).

use serde::{Deserialize, Serialize};
use tvix_serde::prelude::*;

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tvix-serde-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[derive(Serialize)]
struct Args {
    env: &'static str,
}

#[derive(Debug, Deserialize, PartialEq)]
struct App {
    replicas: u32,
    tls: bool,
}

#[test]
fn from_file_with_args() {
    let dir = temp_dir("file-args");
    std::fs::write(dir.join("defaults.nix"), "{ replicas = 2; }").unwrap();
    std::fs::write(
        dir.join("app.nix"),
        "{ env, region ? \"eu\" }: import ./defaults.nix // { tls = env == \"prod\"; }",
    )
    .unwrap();
    let app: App =
        tvix_serde::from_file_with_args(dir.join("app.nix"), &Args { env: "prod" }).unwrap();
    assert_eq!(
        app,
        App {
            replicas: 2,
            tls: true
        }
    );
    // Errors in the file are located in it.
    std::fs::write(
        dir.join("bad.nix"),
        "{ env }: {\n  replicas = env;\n  tls = true;\n}",
    )
    .unwrap();
    let err = tvix_serde::from_file_with_args::<App, _>(dir.join("bad.nix"), &Args { env: "x" })
        .unwrap_err();
    assert_eq!(err.path(), Some("replicas"));
    assert_eq!(err.location().map(|l| l.line), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn from_slice_keeps_bytes() {
    let v: Vec<u8> = tvix_serde::from_slice(b"[ 1 2 ]").unwrap();
    assert_eq!(v, [1, 2]);
    let n: usize = tvix_serde::from_slice(b"builtins.stringLength \"\xff\xfe\"").unwrap();
    assert_eq!(n, 2);
}

#[test]
fn from_value() {
    let v: Value = tvix_serde::from_str("{ replicas = 3; tls = false; extra = null; }").unwrap();
    let app: App = tvix_serde::from_value(v.clone()).unwrap();
    assert_eq!(
        app,
        App {
            replicas: 3,
            tls: false
        }
    );
    let bad: Value = tvix_serde::from_str("{ replicas = [ 1 ]; tls = false; }").unwrap();
    let err = tvix_serde::from_value::<App>(bad).unwrap_err();
    assert_eq!(err.path(), Some("replicas"));
    let nested: Value = tvix_serde::from_str("[ { replicas = 1; } ]").unwrap();
    let err = tvix_serde::from_value::<Vec<App>>(nested).unwrap_err();
    assert_eq!(err.path(), Some("[0]"));
    assert_eq!(err.message(), "missing attribute 'tls'");
}

#[test]
fn source_name_and_base_dir() {
    let dir = temp_dir("base-dir");
    std::fs::write(dir.join("ports.nix"), "[ 80 \"443\" ]").unwrap();
    let err = tvix_serde::from_str_with_config::<Vec<u16>, _>("import ./ports.nix", |b| {
        b.source_name("app.nix")
            .base_dir(&dir)
            .io(tvix_serde::eval::StdIO)
            .allow_root(&dir)
    })
    .unwrap_err();
    assert_eq!(err.path(), Some("[1]"));
    let err = tvix_serde::from_str_with_config::<u8, _>("\"x\"", |b| b.source_name("app.nix"))
        .unwrap_err();
    assert_eq!(err.location().map(|l| l.file.as_str()), Some("app.nix"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn value_get() {
    let v: Value = tvix_serde::from_str("{ a = { b = 1; }; }").unwrap();
    assert_eq!(v.get("a").and_then(|a| a.get("b")), Some(&Value::Int(1)));
    assert_eq!(v.get("z"), None);
    assert_eq!(Value::Int(1).get("a"), None);
}

#[test]
fn as_str() {
    let v: Value = tvix_serde::from_str("[ \"s\" 1 ]").unwrap();
    assert_eq!(v[0].as_str(), Some("s"));
    assert_eq!(v[1].as_str(), None);
}

#[test]
fn as_i64() {
    let v: Value = tvix_serde::from_str("[ 7 7.5 ]").unwrap();
    assert_eq!(v[0].as_i64(), Some(7));
    assert_eq!(v[1].as_i64(), None);
    assert_eq!(v[1].as_f64(), Some(7.5));
}

#[test]
fn other_value_accessors() {
    let v: Value = tvix_serde::from_str("{ b = true; l = [ null ]; s = { }; }").unwrap();
    assert_eq!(v["b"].as_bool(), Some(true));
    assert_eq!(v["l"].as_list().map(Vec::len), Some(1));
    assert!(v["l"][0].is_null());
    assert!(v["s"].as_attrs().is_some_and(|a| a.is_empty()));
    assert_eq!(v["s"].as_bool(), None);
}

#[test]
fn value_display_is_nix_that_evaluates_back() {
    let src = "{ a = [ 1 (-2) 2.5 null true ]; \"b c\" = \"q\\\"\"; p = /etc/hosts; s = { }; }";
    let v: Value = tvix_serde::from_str(src).unwrap();
    let shown = v.to_string();
    assert_eq!(
        shown,
        "{ a = [ 1 (-2) 2.5 null true ]; \"b c\" = \"q\\\"\"; p = /etc/hosts; s = { }; }"
    );
    let back: Value = tvix_serde::from_str(&shown).unwrap();
    assert_eq!(back, v);
    let pretty = format!("{v:#}");
    let back: Value = tvix_serde::from_str(&pretty).unwrap();
    assert_eq!(back, v);
}

#[test]
fn one_dependency_is_enough() {
    // Everything an embedder touches is reachable from tvix_serde.
    let mut eval: tvix_serde::Evaluation = tvix_serde::Builder::default()
        .settings(tvix_serde::Settings::default())
        .io(tvix_serde::eval::MemoryIO::default())
        .build();
    let v: tvix_serde::eval::Value = eval.evaluate_str("{ a = 1; }").unwrap();
    let a = eval.select(&v, "a").unwrap();
    let a: u8 = tvix_serde::deserialize(&mut eval, a).unwrap();
    assert_eq!(a, 1);
    let _: fn(tvix_serde::eval::Value) -> Result<tvix_serde::eval::Value, String> = Ok;
    let _ = tvix_serde::eval::StdIO;
    let _ = tvix_serde::eval::NoIO;
}

#[test]
fn typed_builtins_of_one_to_three_arguments() {
    let v: Vec<i64> = tvix_serde::from_str_with_config(
        "[ (builtins.neg 1) (builtins.sub 5 2) (builtins.mad 2 3 4) ]",
        |b| {
            b.add_fn("neg", |a: i64| -a)
                .add_fn("sub", |a: i64, b: i64| a - b)
                .add_fn("mad", |a: i64, b: i64, c: i64| a * b + c)
        },
    )
    .unwrap();
    assert_eq!(v, [-1, 3, 10]);
}

#[test]
fn typed_builtins_are_curried() {
    let v: Vec<String> = tvix_serde::from_str_with_config(
        "map (builtins.join \"-\") [ [ \"a\" \"b\" ] [ \"c\" ] ]",
        |b| b.add_fn("join", |sep: String, parts: Vec<String>| parts.join(&sep)),
    )
    .unwrap();
    assert_eq!(v, ["a-b", "c"]);
}

#[test]
fn typed_builtin_arguments_are_lazy() {
    #[derive(Deserialize)]
    struct Host {
        name: String,
    }
    let v: String = tvix_serde::from_str_with_config(
        "builtins.hostName { name = \"a\"; port = throw \"never forced\"; }",
        |b| b.add_fn("hostName", |h: Host| h.name),
    )
    .unwrap();
    assert_eq!(v, "a");
    // A whole unused argument is not forced either.
    let v: u8 = tvix_serde::from_str_with_config("builtins.first 1 (throw \"unused\")", |b| {
        b.add_fn("first", |a: u8, _b: serde::de::IgnoredAny| a)
    })
    .unwrap();
    assert_eq!(v, 1);
}

#[test]
fn typed_builtin_argument_errors_are_located() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Host {
        port: u16,
    }
    let err =
        tvix_serde::from_str_with_config::<u16, _>("builtins.port {\n  port = \"x\";\n}", |b| {
            b.add_fn("port", |h: Host| h.port)
        })
        .unwrap_err();
    assert!(err.is_eval_error());
    assert_eq!(
        err.message(),
        "port: argument 1: port: expected u16, found a string \"x\""
    );
    assert_eq!(err.location().map(|l| (l.line, l.column)), Some((2, 10)));
    // Evaluation errors inside an argument keep their own location.
    let err = tvix_serde::from_str_with_config::<u16, _>(
        "builtins.port {\n  port = throw \"no port\";\n}",
        |b| b.add_fn("port", |h: Host| h.port),
    )
    .unwrap_err();
    assert_eq!(err.message(), "no port");
    assert_eq!(err.location().map(|l| l.line), Some(2));
}

#[test]
fn typed_builtin_err_is_a_catchable_throw() {
    let config = |b: Builder| {
        b.add_fn("check", |n: i64| {
            if n > 0 {
                Ok(n)
            } else {
                Err(format!("{n} is not positive"))
            }
        })
    };
    let ok: i64 = tvix_serde::from_str_with_config("builtins.check 2", config).unwrap();
    assert_eq!(ok, 2);
    let caught: bool =
        tvix_serde::from_str_with_config("(builtins.tryEval (builtins.check 0)).success", config)
            .unwrap();
    assert!(!caught);
    let err =
        tvix_serde::from_str_with_config::<i64, _>("builtins.check (-1)", config).unwrap_err();
    assert_eq!(err.message(), "check: -1 is not positive");
}

#[test]
fn typed_builtins_return_structured_values() {
    #[derive(Serialize)]
    struct Endpoint {
        host: String,
        port: u16,
    }
    let v: String = tvix_serde::from_str_with_config(
        "let e = builtins.endpoint \"a\"; in \"${e.host}:${toString e.port}\"",
        |b| b.add_fn("endpoint", |host: String| Endpoint { host, port: 443 }),
    )
    .unwrap();
    assert_eq!(v, "a:443");
}

#[test]
fn raw_rust_builtins_still_work() {
    let double = ExtraBuiltin::Rust(std::rc::Rc::new(|v: tvix_serde::eval::Value| match v {
        tvix_serde::eval::Value::Int(i) => Ok(tvix_serde::eval::Value::Int(i * 2)),
        other => Err(format!("expected an integer, got {}", other.type_of())),
    }));
    let n: i64 =
        tvix_serde::from_str_with_config("builtins.double 21", |b| b.add_builtin("double", double))
            .unwrap();
    assert_eq!(n, 42);
}

/// An error type that is `Display` but not `Serialize`, like most library
/// errors.
#[derive(Debug)]
struct QuotaExceeded {
    limit: u32,
}

impl std::fmt::Display for QuotaExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "quota of {} exceeded", self.limit)
    }
}

#[test]
fn typed_builtins_fail_with_any_display_error_through_fn_error() {
    let config = |b: Builder| {
        b.add_fn("replicas", |n: u32| -> Result<u32, FnError> {
            if n > 10 {
                return Err(QuotaExceeded { limit: 10 }.into());
            }
            Ok(n)
        })
        .add_fn("portOf", |s: String| -> Result<u16, FnError> {
            Ok(s.parse::<u16>()?)
        })
        .add_fn("readSecret", |path: String| -> Result<String, FnError> {
            Ok(std::fs::read_to_string(path)?)
        })
    };
    let ok: u32 = tvix_serde::from_str_with_config("builtins.replicas 3", config).unwrap();
    assert_eq!(ok, 3);
    let err =
        tvix_serde::from_str_with_config::<u32, _>("builtins.replicas 11", config).unwrap_err();
    assert_eq!(err.message(), "replicas: quota of 10 exceeded");
    assert!(err.is_eval_error());

    let err =
        tvix_serde::from_str_with_config::<u16, _>("builtins.portOf \"x80\"", config).unwrap_err();
    assert_eq!(err.message(), "portOf: invalid digit found in string");

    let scratch = temp_dir("fn-error");
    let missing = scratch.join("does-not-exist");
    let src = format!("builtins.readSecret \"{}\"", missing.display());
    let err = tvix_serde::from_str_with_config::<String, _>(&src, config).unwrap_err();
    assert!(
        err.message()
            .starts_with("readSecret: No such file or directory"),
        "{}",
        err.message()
    );

    // A throw like any other: tryEval catches it.
    let caught: bool = tvix_serde::from_str_with_config(
        "(builtins.tryEval (builtins.portOf \"http\")).success",
        config,
    )
    .unwrap();
    assert!(!caught);
    assert_eq!(FnError::new("plain").message(), "plain");
    std::fs::remove_dir_all(&scratch).unwrap();
}
