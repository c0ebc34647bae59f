//! Hostile configs through the serde API: each must come back as an error
//! (or a value), never abort the host or overflow its stack. The test
//! threads have small (2 MiB) stacks, as many host threads do.

use std::time::{Duration, Instant};

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
enum Tree {
    Leaf,
    Node(Box<Tree>),
}

fn quick<T>(f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let r = f();
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "took {:?}",
        start.elapsed()
    );
    r
}

#[test]
fn cyclic_values_are_errors_naming_the_path() {
    let err = quick(|| tvix_serde::from_str::<serde_json::Value>("let x = { y = x; }; in x"))
        .unwrap_err();
    assert!(err.message().contains("contains itself"), "{err}");
    assert_eq!(err.path(), Some("y"));

    let err =
        quick(|| tvix_serde::from_str::<serde_json::Value>("let xs = [ xs ]; in xs")).unwrap_err();
    assert!(err.message().contains("contains itself"), "{err}");
    assert_eq!(err.path(), Some("[0]"));

    let err =
        quick(|| tvix_serde::from_str::<tvix_serde::Value>("let x = { a = 1; b = [ x ]; }; in x"))
            .unwrap_err();
    assert_eq!(err.path(), Some("b[0]"));
    assert!(err.location().is_some(), "{err}");

    let err = quick(|| tvix_serde::from_str::<Tree>("let t = { Node = t; }; in t")).unwrap_err();
    assert!(err.message().contains("contains itself"), "{err}");
}

#[test]
fn endless_and_too_deep_data_is_an_error() {
    // Not a cycle: every level is a new set.
    let endless = "let f = n: { a = f (n + 1); }; in f 0";
    let err = quick(|| tvix_serde::from_str::<serde_json::Value>(endless)).unwrap_err();
    assert!(
        err.message().contains("nested more than 10000 levels"),
        "{err}"
    );

    let deep = "let d = n: if n == 0 then 1 else [ (d (n - 1)) ]; in d 100000";
    let err = quick(|| tvix_serde::from_str::<tvix_serde::Value>(deep)).unwrap_err();
    assert!(
        err.message().contains("nested more than 10000 levels"),
        "{err}"
    );
}

#[test]
fn deep_data_within_the_limit_deserializes() {
    let deep = "let d = n: if n == 0 then 1 else [ (d (n - 1)) ]; in d 9000";
    let v: tvix_serde::Value = quick(|| tvix_serde::from_str(deep)).unwrap();
    let printed = v.to_string();
    assert_eq!(printed.matches('[').count(), 9000);
    let back: tvix_serde::Value = tvix_serde::from_str(&printed).unwrap();
    assert_eq!(back, v);
    let json: serde_json::Value = quick(|| tvix_serde::from_str(deep)).unwrap();
    assert!(json.is_array());
    // Nested data dropped iteratively by serde_json would still recurse in
    // its `Drop`; keep the shallow part and forget the deep value here.
    std::mem::forget(json);
}

#[test]
fn deep_source_parses_or_fails_cleanly() {
    let chain = format!("1{}", " + 1".repeat(5000));
    assert_eq!(tvix_serde::from_str::<i64>(&chain).unwrap(), 5001);

    let n = 70_000;
    let brackets = format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let err = quick(|| tvix_serde::from_str::<serde_json::Value>(&brackets)).unwrap_err();
    assert!(err.message().contains("nested too deeply"), "{err}");
    assert!(err.location().is_some(), "{err}");

    let n = 10_000;
    let brackets = format!("builtins.length {}1{}", "[".repeat(n), "]".repeat(n));
    assert_eq!(tvix_serde::from_str::<u64>(&brackets).unwrap(), 1);
}

#[test]
fn deep_coercions_to_string_work() {
    let lists = "let d = n: if n == 0 then 1 else [ (d (n - 1)) ]; in toString (d 20000)";
    assert_eq!(tvix_serde::from_str::<String>(lists).unwrap(), "1");
    let out_paths =
        r#"let d = n: if n == 0 then "x" else { outPath = d (n - 1); }; in "${d 20000}""#;
    assert_eq!(tvix_serde::from_str::<String>(out_paths).unwrap(), "x");
    let to_strings =
        r#"let d = n: if n == 0 then "x" else { __toString = self: d (n - 1); }; in "${d 20000}""#;
    assert_eq!(tvix_serde::from_str::<String>(to_strings).unwrap(), "x");
}

#[test]
fn allocation_bombs_are_errors() {
    for bomb in [
        "builtins.genList (i: i) 2000000000",
        r#"let d = n: s: if n == 0 then s else d (n - 1) (s + s); in d 48 "x""#,
        "builtins.toXML (let d = n: if n == 0 then 1 else [ (d (n - 1)) ]; in d 100000)",
    ] {
        let err = quick(|| tvix_serde::from_str::<serde_json::Value>(bomb)).unwrap_err();
        assert!(err.is_limit_error(), "{bomb}: {err}");
    }
}

#[test]
fn parser_checks_stay_linear_on_deep_files_full_of_their_patterns() {
    // Every `or` word and every `''` is looked at by a parse-time check;
    // each used to be looked up from the root, so deep nesting made the
    // checks quadratic (a minute for this size).
    let n = 12_000;
    let ors = format!(
        "{}{}{}",
        "[".repeat(n),
        " x or".repeat(50_000),
        "]".repeat(n)
    );
    let err = quick(|| tvix_serde::from_str::<serde_json::Value>(&ors)).unwrap_err();
    assert!(err.message().contains("undefined variable 'x'"), "{err}");
    let strings = format!(
        "{}{}{}",
        "[".repeat(n),
        " ''a''".repeat(50_000),
        "]".repeat(n)
    );
    let err = quick(|| tvix_serde::from_str::<serde_json::Value>(&strings)).unwrap_err();
    assert!(err.message().contains("nested more than"), "{err}");
}

#[test]
fn a_path_spaced_from_an_interpolation_is_a_syntax_error() {
    // Found by fuzzing: rnix reads `a/b ${n}` as one path and panicked when
    // asked for its parts; C++ Nix's path ends at the space.
    let found =
        "# Raw CR and CR LF p-feature-flakes)\nmap (n: builtin/wo ${n}) [ \"fetchTree\n\" ]\n";
    for src in [
        found,
        "a/b ${1}",
        "[ /a /* c */ ${\"x\"} ]",
        "{ p = ~/x ${1}; }",
    ] {
        let err = tvix_serde::from_str::<tvix_serde::Value>(src).unwrap_err();
        assert!(
            err.message()
                .contains("syntax error, unexpected DOLLAR_CURLY"),
            "{src:?}: {err}"
        );
        assert!(err.location().is_some(), "{src:?}: {err}");
    }
}
