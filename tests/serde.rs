//! Integration tests for `tvix_serde`: laziness, the data model, errors and round trips.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, PartialEq)]
struct Port {
    port: u16,
}

#[test]
fn unknown_fields_are_never_forced() {
    let p: Port = tvix_serde::from_str("{ port = 8080; debug = throw \"unused\"; }").unwrap();
    assert_eq!(p, Port { port: 8080 });
}

#[test]
fn counts_forced_thunks() {
    // Each field value is a thunk; only `port`'s may be evaluated.
    let mut eval = tvix_eval::Evaluation::builder().pure(true).build();
    let v = eval
        .evaluate_str("{ port = 8000 + 80; a = 1 + 1; b = 2 + 2; c = [ (3 + 3) ]; }")
        .unwrap();
    let before = eval.thunks_forced();
    let p: Port = tvix_serde::deserialize(&mut eval, v).unwrap();
    assert_eq!(p.port, 8080);
    assert_eq!(eval.thunks_forced() - before, 1);
}

#[test]
fn optional_and_default_fields() {
    #[derive(Deserialize)]
    struct C {
        a: Option<u8>,
        #[serde(default)]
        b: u8,
        c: Option<u8>,
    }
    let c: C = tvix_serde::from_str("{ a = null; c = 3; }").unwrap();
    assert_eq!((c.a, c.b, c.c), (None, 0, Some(3)));
}

#[test]
fn type_mismatch_names_path_and_location() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct C {
        servers: Vec<Port>,
    }
    let err =
        tvix_serde::from_str::<C>("{\n  servers = [ { port = 80; } { port = \"eighty\"; } ];\n}")
            .unwrap_err();
    assert_eq!(err.path(), Some("servers[1].port"));
    let loc = err.location().unwrap();
    assert_eq!((loc.line, loc.column), (2, 39));
    assert_eq!(
        err.to_string(),
        "«string»:2:39: servers[1].port: expected u16, found a string \"eighty\""
    );
}

#[test]
fn integer_out_of_range() {
    let err = tvix_serde::from_str::<Port>("{ port = 70000; }").unwrap_err();
    assert_eq!(err.message(), "integer 70000 is out of range for u16");
    assert_eq!(err.path(), Some("port"));
}

#[test]
fn missing_field_and_wrong_tuple_length() {
    let err = tvix_serde::from_str::<Port>("{ }").unwrap_err();
    assert_eq!(err.message(), "missing attribute 'port'");
    let err = tvix_serde::from_str::<(u8, u8)>("[ 1 2 3 ]").unwrap_err();
    assert_eq!(
        err.message(),
        "expected a list of 2 elements, found a list of 3 elements"
    );
}

#[test]
fn evaluation_errors_carry_the_diagnostic() {
    let err = tvix_serde::from_str::<Port>("{ port = 1 + \"a\"; }").unwrap_err();
    assert!(err.is_eval_error());
    assert_eq!(err.message(), "cannot add a string to an integer");
    assert!(err.diagnostic().contains("1 + \"a\""));
}

#[derive(Debug, Deserialize, Serialize, PartialEq)]
enum Mode {
    Fast,
    Limited(u32),
    Window { from: u8, to: u8 },
}

#[test]
fn enums_externally_tagged() {
    let m: Vec<Mode> =
        tvix_serde::from_str("[ \"Fast\" { Limited = 3; } { Window = { from = 1; to = 2; }; } ]")
            .unwrap();
    assert_eq!(
        m,
        vec![
            Mode::Fast,
            Mode::Limited(3),
            Mode::Window { from: 1, to: 2 }
        ]
    );
    let err = tvix_serde::from_str::<Mode>("\"Slow\"").unwrap_err();
    assert!(
        err.message().starts_with("unknown variant 'Slow'"),
        "{}",
        err.message()
    );
}

#[test]
fn enums_internally_and_untagged() {
    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(tag = "kind")]
    enum Shape {
        Circle { r: f64 },
    }
    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(untagged)]
    enum Either {
        N(i64),
        S(String),
    }
    let s: Shape = tvix_serde::from_str("{ kind = \"Circle\"; r = 2; }").unwrap();
    assert_eq!(s, Shape::Circle { r: 2.0 });
    let e: Vec<Either> = tvix_serde::from_str("[ 1 \"x\" ]").unwrap();
    assert_eq!(e, vec![Either::N(1), Either::S("x".into())]);
}

#[test]
fn maps_with_integer_keys_and_to_string_sets() {
    let m: BTreeMap<u32, String> =
        tvix_serde::from_str("{ \"1\" = \"a\"; \"20\" = { __toString = self: \"b\"; }; }").unwrap();
    assert_eq!(
        m,
        BTreeMap::from([(1, "a".to_string()), (20, "b".to_string())])
    );
}

#[test]
fn chars_bytes_and_wide_ints() {
    let (c, b, i, u): (char, serde_bytes_like::Bytes, i128, u128) =
        tvix_serde::from_str("[ \"x\" \"ab\" (-5) 7 ]").unwrap();
    assert_eq!((c, b.0, i, u), ('x', b"ab".to_vec(), -5, 7));
}

mod serde_bytes_like {
    /// Bytes via `deserialize_byte_buf`.
    pub struct Bytes(pub Vec<u8>);
    impl<'de> serde::Deserialize<'de> for Bytes {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
            struct V;
            impl serde::de::Visitor<'_> for V {
                type Value = Bytes;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("bytes")
                }
                fn visit_bytes<E>(self, b: &[u8]) -> Result<Bytes, E> {
                    Ok(Bytes(b.to_vec()))
                }
                fn visit_byte_buf<E>(self, b: Vec<u8>) -> Result<Bytes, E> {
                    Ok(Bytes(b))
                }
            }
            d.deserialize_byte_buf(V)
        }
    }
}

#[test]
fn dynamic_value() {
    let v: tvix_serde::Value =
        tvix_serde::from_str("{ a = [ 1 2.5 null true ]; b = \"s\"; }").unwrap();
    assert_eq!(v["a"][3], tvix_serde::Value::Bool(true));
    assert_eq!(v["b"], tvix_serde::Value::String("s".into()));
    let err = tvix_serde::from_str::<tvix_serde::Value>("{ f = x: x; }").unwrap_err();
    assert_eq!(
        err.message(),
        "expected a value that is not a function, found a function"
    );
}

#[test]
fn round_trip_through_nix_source() {
    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct All {
        name: String,
        tricky: String,
        n: i64,
        neg: i64,
        f: f64,
        big: f64,
        list: Vec<Mode>,
        map: BTreeMap<String, Option<bool>>,
    }
    let value = All {
        name: "svc".into(),
        tricky: "quote \" backslash \\ dollar ${x} newline \n tab \t".into(),
        n: 42,
        neg: -7,
        f: 0.1,
        big: 1e300,
        list: vec![
            Mode::Fast,
            Mode::Limited(9),
            Mode::Window { from: 0, to: 255 },
        ],
        map: BTreeMap::from([("if".into(), Some(true)), ("a b".into(), None)]),
    };
    for src in [
        tvix_serde::to_string(&value).unwrap(),
        tvix_serde::to_string_pretty(&value).unwrap(),
    ] {
        let back: All = tvix_serde::from_str(&src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        assert_eq!(back, value);
    }
}

#[test]
fn function_of_rust_arguments() {
    #[derive(Serialize)]
    struct Args {
        replicas: u32,
    }
    let v: Vec<String> = tvix_serde::from_str_with_args(
        "{ replicas }: builtins.genList (i: \"pod-${toString i}\") replicas",
        &Args { replicas: 2 },
    )
    .unwrap();
    assert_eq!(v, ["pod-0", "pod-1"]);
}

#[test]
fn pure_mode_has_no_file_system() {
    let err = tvix_serde::from_str::<String>("builtins.readFile /etc/hostname").unwrap_err();
    assert!(err.is_eval_error());
    assert!(err.message().contains("/etc/hostname"), "{}", err.message());
}

#[test]
fn from_file_with_imports() {
    #[derive(Deserialize)]
    struct Log {
        level: String,
    }
    #[derive(Deserialize)]
    struct C {
        workers: u32,
        log: Log,
    }
    let c: C = tvix_serde::from_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/service/config.nix"
    ))
    .unwrap();
    assert_eq!((c.workers, c.log.level.as_str()), (4, "debug"));
}

#[test]
fn paths_stay_paths_in_value_and_become_strings_elsewhere() {
    let v: tvix_serde::Value = tvix_serde::from_str("{ p = /etc/../etc/hosts; }").unwrap();
    assert_eq!(v["p"], tvix_serde::Value::Path("/etc/hosts".into()));
    let p: std::path::PathBuf = tvix_serde::from_str("/a/b/../c").unwrap();
    assert_eq!(p, std::path::PathBuf::from("/a/c"));
}

#[test]
fn large_and_deep_values() {
    let v: Vec<i64> = tvix_serde::from_str("builtins.genList (i: i * 2) 200000").unwrap();
    assert_eq!((v.len(), v[199999]), (200000, 399998));
    // 200 levels of nesting, built by Nix recursion.
    let deep: tvix_serde::Value =
        tvix_serde::from_str("let f = n: if n == 0 then 0 else { x = f (n - 1); }; in f 200")
            .unwrap();
    let mut cur = &deep;
    let mut depth = 0;
    while let tvix_serde::Value::Attrs(_) = cur {
        cur = &cur["x"];
        depth += 1;
    }
    assert_eq!(depth, 200);
}

#[test]
fn adjacently_tagged_enum_and_flatten() {
    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(tag = "t", content = "c")]
    enum Msg {
        Ping,
        Data(Vec<u8>),
    }
    #[derive(Debug, Deserialize, PartialEq)]
    struct Outer {
        name: String,
        #[serde(flatten)]
        rest: BTreeMap<String, i64>,
    }
    let m: Vec<Msg> =
        tvix_serde::from_str("[ { t = \"Ping\"; } { t = \"Data\"; c = [ 1 2 ]; } ]").unwrap();
    assert_eq!(m, vec![Msg::Ping, Msg::Data(vec![1, 2])]);
    let o: Outer = tvix_serde::from_str("{ name = \"n\"; a = 1; b = 2; }").unwrap();
    assert_eq!(o.rest, BTreeMap::from([("a".into(), 1), ("b".into(), 2)]));
}

#[test]
fn deny_unknown_fields_and_aliases() {
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Strict {
        #[serde(alias = "p")]
        port: u16,
    }
    let s: Strict = tvix_serde::from_str("{ p = 1; }").unwrap();
    assert_eq!(s.port, 1);
    let err = tvix_serde::from_str::<Strict>("{ port = 1; extra = 2; }").unwrap_err();
    assert!(
        err.message().starts_with("unknown attribute 'extra'"),
        "{}",
        err.message()
    );
}

#[test]
fn extra_builtins_from_rust_values() {
    use tvix_serde::ExtraBuiltin;
    let mut eval = tvix_eval::Evaluation::builder().build();
    let data = eval.evaluate_str("{ region = \"eu\"; }").unwrap();
    let r: String = tvix_serde::from_str_with_config("builtins.site.region", |b| {
        b.add_builtin("site", ExtraBuiltin::Value(data.clone()))
    })
    .unwrap();
    assert_eq!(r, "eu");
}

#[test]
fn args_the_function_does_not_name_are_left_out() {
    #[derive(Serialize)]
    struct Args {
        a: u8,
        unused: u8,
    }
    let v: u8 = tvix_serde::from_str_with_args("{ a }: a * 2", &Args { a: 4, unused: 0 }).unwrap();
    assert_eq!(v, 8);
    let v: u8 =
        tvix_serde::from_str_with_args("{ a, ... }@all: all.unused", &Args { a: 4, unused: 7 })
            .unwrap();
    assert_eq!(v, 7);
}

#[test]
fn rust_builtins_are_called_and_their_errors_reported() {
    use std::rc::Rc;
    use tvix_serde::ExtraBuiltin;
    let double = ExtraBuiltin::Rust(Rc::new(|v: tvix_eval::Value| match v {
        tvix_eval::Value::Int(i) => Ok(tvix_eval::Value::Int(i * 2)),
        other => Err(format!(
            "double: expected an integer, got {}",
            other.type_of()
        )),
    }));
    let v: Vec<i64> = tvix_serde::from_str_with_config("map builtins.double [ 1 (1 + 1) ]", |b| {
        b.add_builtin("double", double.clone())
    })
    .unwrap();
    assert_eq!(v, [2, 4]);
    let err = tvix_serde::from_str_with_config::<i64, _>("__double \"x\"", |b| {
        b.add_builtin("double", double.clone())
    })
    .unwrap_err();
    assert_eq!(err.message(), "double: expected an integer, got string");
}
