//! Tests of the `tvix-eval` command line beyond the language corpus: `--drv`
//! against `.drv` files written by C++ Nix, and `nix-instantiate`-style flags.

use std::path::Path;
use std::process::Command;

fn tvix_eval(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tvix-eval"))
        .args(args)
        .current_dir(dir)
        .env("NIX_PATH", "")
        .env_remove("NIX_CONFIG")
        .output()
        .expect("tvix-eval runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The `NAME.nix` files of a test directory with the contents of `NAME.<ext>`.
fn cases(subdir: &str, ext: &str) -> (std::path::PathBuf, Vec<(String, String)>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(subdir);
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("test directory exists") {
        let path = entry.expect("readable entry").path();
        if path.extension().is_none_or(|e| e != "nix") {
            continue;
        }
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let expected =
            std::fs::read_to_string(path.with_extension(ext)).expect("expectation exists");
        out.push((name, expected));
    }
    (dir, out)
}

#[test]
fn drv_aterm_matches_cpp_nix() {
    let (dir, cases) = cases("tests/drv", "drv");
    for (name, expected) in &cases {
        let (ok, stdout, stderr) = tvix_eval(&dir, &["--drv", name]);
        assert!(ok, "{name}: {stderr}");
        assert_eq!(stdout.trim_end(), expected, "{name}");
    }
    assert!(cases.len() >= 8);
}

#[test]
fn auto_call_with_arg_and_argstr() {
    let dir = std::env::temp_dir();
    let (ok, out, err) = tvix_eval(
        &dir,
        &[
            "--eval",
            "--strict",
            "-E",
            "{ a, b ? 2, c }: [ a b c ]",
            "--arg",
            "a",
            "1 + 1",
            "--argstr",
            "c",
            "x",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(out, "[ 2 2 \"x\" ]\n");
}

#[test]
fn attr_path_selection() {
    let dir = std::env::temp_dir();
    let (ok, out, err) = tvix_eval(
        &dir,
        &["--eval", "-E", "{ a.b = [ 10 20 ]; }", "-A", "a.b.1"],
    );
    assert!(ok, "{err}");
    assert_eq!(out, "20\n");
}

#[test]
fn errors_exit_1_with_location() {
    let dir = std::env::temp_dir();
    let (ok, out, err) = tvix_eval(&dir, &["--eval", "-E", "let x = 1; in x + \"a\""]);
    assert!(!ok);
    assert!(out.is_empty());
    assert!(
        err.starts_with("error: cannot add a string to an integer"),
        "{err}"
    );
    assert!(err.contains("«string»:1:15"), "{err}");
}

#[test]
fn parse_prints_expression() {
    let dir = std::env::temp_dir();
    let (ok, out, _) = tvix_eval(&dir, &["--parse", "-E", "a: a.b or 1 + 2"]);
    assert!(ok);
    assert_eq!(out, "(a: ((a).b or (1) + 2))\n");
}

#[test]
fn parse_prints_bindings_as_current_nix() {
    // Current Nix's `Expr::show`: inherits grouped first, names sorted in
    // sets and lets, set literals and paths for one name merged, formals
    // sorted, URL literals as strings.
    let dir = std::env::temp_dir();
    let cases = [
        (
            "let c = {}; b = 2; in { a = 1; inherit b; inherit (c) e d; f = 3; }",
            "(let b = 2; c = { }; in { inherit b; inherit (c) d e; a = 1; f = 3; })",
        ),
        (
            "{ x.q = 3; x = { z = 3; y = 3; }; }",
            "{ x = { q = 3; y = 3; z = 3; }; }",
        ),
        (
            "a: { s.ssh = { enable = true; }; s.ssh.port = 23; ${a} = 1; }",
            "(a: { s = { ssh = { enable = true; port = 23; }; }; \"${a}\" = 1; })",
        ),
        (
            "{ z, a ? 1, ... }@x: http://e.org",
            "({ a ? 1, z, ... } @ x: \"http://e.org\")",
        ),
        (
            "a: b: w: rec { inherit (a) y; inherit (b) x; inherit w; }",
            "(a: (b: (w: rec { inherit w; inherit (a) y; inherit (b) x; })))",
        ),
    ];
    for (src, want) in cases {
        let (ok, out, err) = tvix_eval(&dir, &["--parse", "-E", src]);
        assert!(ok, "{src}: {err}");
        assert_eq!(out.trim_end(), want, "{src}");
    }
}

#[test]
fn deep_recursion_does_not_overflow_the_host_stack() {
    let dir = std::env::temp_dir();
    let (ok, out, err) = tvix_eval(
        &dir,
        &[
            "--eval",
            "-E",
            "let f = n: if n == 0 then 0 else 1 + f (n - 1); in f 1000000",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(out, "1000000\n");
}

#[test]
fn deeply_nested_values_are_freed_without_overflow() {
    let dir = std::env::temp_dir();
    for (src, expected) in [
        ("builtins.length (builtins.foldl' (acc: i: [ acc ]) [ ] (builtins.genList (x: x) 1000000))", "1\n"),
        ("let f = n: if n == 0 then { } else { a = f (n - 1); }; in builtins.deepSeq (f 300000) 2", "2\n"),
        ("let f = n: if n == 0 then 0 else (x: x) (f (n - 1)); in f 300000", "0\n"),
    ] {
        let (ok, out, err) = tvix_eval(&dir, &["--eval", "-E", src]);
        assert!(ok, "{src}: {err}");
        assert_eq!(out, expected, "{src}");
    }
}

/// Runs a CLI test directory with the flags in its `flags` file.
fn check_cli_dir(subdir: &str, min: usize) {
    let (dir, cases) = cases(subdir, "exp");
    let flags = std::fs::read_to_string(dir.join("flags")).expect("flags file");
    let prefix = format!("{}/", dir.display());
    for (name, expected) in &cases {
        let mut args: Vec<&str> = flags.split_whitespace().collect();
        args.push(name);
        let (ok, stdout, stderr) = tvix_eval(&dir, &args);
        assert!(ok, "{name}: {stderr}");
        assert_eq!(&stdout.replace(&prefix, ""), expected, "{name}");
    }
    assert!(cases.len() >= min);
}

#[test]
fn non_strict_printing_matches_cpp_nix() {
    // Which values are still unevaluated (<CODE>) after `--eval` without
    // `--strict` follows C++ Nix's thunk creation exactly.
    check_cli_dir("tests/nonstrict", 15);
}

#[test]
fn xml_output_with_positions_matches_cpp_nix() {
    check_cli_dir("tests/xml", 2);
    check_cli_dir("tests/xml-lazy", 3);
}

#[test]
fn attr_path_syntax_and_errors_as_nix_instantiate() {
    // Expected lines as printed by nix-instantiate 2.8 for the same file and paths.
    let dir = std::env::temp_dir().join(format!("tvix-cli-attrpath-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("sel.nix"), "{ a = { b = 1; }; f = x: x; i = 3; }").expect("write");
    for (path, expected) in [
        ("a.", "{ b = 1; }"),
        ("\"a\".b", "1"),
        ("f.x", "error: the expression selected by the selection path 'f.x' should be a set but is a function"),
        ("i.x", "error: the expression selected by the selection path 'i.x' should be a set but is an integer"),
        ("a..b", "error: empty attribute name in selection path 'a..b'"),
        ("a.\"b", "error: missing closing quote in selection path 'a.\"b'"),
        ("a.c", "error: attribute 'c' in selection path 'a.c' not found"),
    ] {
        let (_, out, err) = tvix_eval(&dir, &["--eval", "sel.nix", "-A", path]);
        let first = if out.is_empty() { err.lines().next().unwrap_or("").to_string() } else { out.trim_end().to_string() };
        assert_eq!(first, expected, "-A {path}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Expected text from `nix-instantiate --pure-eval --eval -E '<foo>'` and
/// `nix-instantiate --pure-eval --eval -E 'typeOf (import <nix/fetchurl.nix>)'` (2.8).
#[test]
fn pure_mode_search_path_and_builtin_fetchurl() {
    let dir = std::env::temp_dir();
    let (ok, _, err) = tvix_eval(&dir, &["--pure-eval", "--eval", "-E", "<foo>"]);
    assert!(!ok);
    assert!(
        err.contains("cannot look up '<foo>' in pure evaluation mode (use '--impure' to override)"),
        "{err}"
    );
    let (ok, out, err) = tvix_eval(
        &dir,
        &[
            "--pure-eval",
            "--eval",
            "-E",
            "builtins.typeOf (import <nix/fetchurl.nix>)",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(out, "\"lambda\"\n");
}

/// Arguments need not be UTF-8: `nix-instantiate --eval -E 'builtins.stringLength "\xf0\x9f"'`
/// prints 2, and `--argstr` passes the bytes through.
#[test]
fn non_utf8_arguments_are_bytes() {
    use std::os::unix::ffi::OsStrExt;
    let dir = std::env::temp_dir();
    let out = Command::new(env!("CARGO_BIN_EXE_tvix-eval"))
        .arg("--eval")
        .arg("-E")
        .arg(std::ffi::OsStr::from_bytes(
            b"builtins.stringLength \"\xf0\x9f\"",
        ))
        .current_dir(&dir)
        .output()
        .expect("tvix-eval runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, b"2\n");
    let out = Command::new(env!("CARGO_BIN_EXE_tvix-eval"))
        .args(["--eval", "--argstr", "x"])
        .arg(std::ffi::OsStr::from_bytes(b"\xff\xfe"))
        .args(["-E", "{ x }: builtins.stringLength x"])
        .current_dir(&dir)
        .output()
        .expect("tvix-eval runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, b"2\n");
}

/// `nix-instantiate --eval -I data -E 'import <simple.nix>'` (run in
/// tests/lang) finds `data/simple.nix`: relative entries are relative to the
/// working directory. In pure mode -I is ignored (`builtins.nixPath` is `[ ]`).
#[test]
fn relative_search_path_entries() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lang");
    let (ok, out, err) = tvix_eval(&dir, &["--eval", "-I", "data", "-E", "import <simple.nix>"]);
    assert!(ok, "{err}");
    let (_, expected, _) = tvix_eval(&dir, &["--eval", "-E", "import ./data/simple.nix"]);
    assert_eq!(out, expected);
    let (ok, out, err) = tvix_eval(
        &dir,
        &[
            "--pure-eval",
            "-I",
            "x=/tmp",
            "--eval",
            "-E",
            "builtins.nixPath",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(out, "[ ]\n");
}

/// `nix-instantiate --eval --json` without `--strict` prints only values that
/// are already evaluated: `{ a = 1 + 1; }.a` gives `2`, while
/// `{ a = 1; b = [ "x" ]; }` fails with "cannot convert a thunk to JSON".
#[test]
fn json_without_strict_refuses_thunks() {
    let dir = std::env::temp_dir();
    let (ok, out, _) = tvix_eval(&dir, &["--eval", "--json", "-E", "{ a = 1 + 1; }.a"]);
    assert!(ok);
    // No trailing newline, as nix-instantiate 2.8 prints JSON.
    assert_eq!(out, "2");
    let (ok, _, err) = tvix_eval(
        &dir,
        &["--eval", "--json", "-E", "{ a = 1; b = [ \"x\" ]; }"],
    );
    assert!(!ok);
    assert!(err.contains("cannot convert a thunk to JSON"), "{err}");
    let (ok, out, _) = tvix_eval(
        &dir,
        &[
            "--eval",
            "--json",
            "--strict",
            "-E",
            "{ a = 1; b = [ \"x\" ]; }",
        ],
    );
    assert!(ok);
    assert_eq!(out, "{\"a\":1,\"b\":[\"x\"]}");
}

/// nix-instantiate 2.8 in pure mode reads nothing outside the store (not even
/// the file given), in restricted mode only what the search path names, and
/// `pathExists` answers false for forbidden paths:
/// `nix-instantiate --pure-eval --eval FILE` fails with "access to absolute
/// path 'FILE' is forbidden in pure eval mode (use '--impure' to override)".
#[test]
fn pure_and_restricted_modes_as_nix_instantiate() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lang");
    let file = dir.join("data/simple.nix");
    let file = file.to_string_lossy();
    let (ok, _, err) = tvix_eval(&dir, &["--pure-eval", "--eval", &file]);
    assert!(!ok);
    assert!(
        err.contains(&format!(
            "access to absolute path '{file}' is forbidden in pure eval mode (use '--impure' to override)"
        )),
        "{err}"
    );
    let (ok, _, err) = tvix_eval(&dir, &["--restrict-eval", "--eval", &file]);
    assert!(!ok);
    assert!(
        err.contains(&format!(
            "access to absolute path '{file}' is forbidden in restricted mode"
        )),
        "{err}"
    );
    let (ok, out, err) = tvix_eval(&dir, &["--restrict-eval", "-I", "data", "--eval", &file]);
    assert!(ok, "{err}");
    assert_eq!(out, "{ a = 1; b = \"two\"; }\n");
    let (ok, out, _) = tvix_eval(
        &dir,
        &[
            "--pure-eval",
            "--eval",
            "-E",
            &format!("builtins.pathExists {file}"),
        ],
    );
    assert!(ok);
    assert_eq!(out, "false\n");
}

/// Runs tvix-eval with `stdin` on standard input; returns (exit code, stdout, stderr).
fn tvix_eval_with(
    program: &Path,
    args: &[&str],
    stdin: &[u8],
    env: &[(&str, &str)],
) -> (Option<i32>, String, String) {
    use std::io::Write;
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(std::env::temp_dir())
        .env("NIX_PATH", "")
        .env_remove("NIX_ABORT_ON_WARN")
        .env_remove("NIX_CONFIG")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("tvix-eval runs");
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin);
    }
    let out = child.wait_with_output().expect("tvix-eval finishes");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_tvix-eval"))
}

#[test]
fn stdin_is_read_for_dash() {
    let (code, out, err) = tvix_eval_with(bin(), &["--eval", "-"], b"1 + 2", &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "3\n");
    let (code, out, _) = tvix_eval_with(bin(), &["--parse", "-"], b"a: a.b", &[]);
    assert_eq!(code, Some(0));
    assert_eq!(out, "(a: (a).b)\n");
    // Parse errors name the source «stdin»; compile-time checks count as parse errors.
    let (code, _, err) = tvix_eval_with(bin(), &["--parse", "-"], b"{ x = 1; x = 2; }", &[]);
    assert_eq!(code, Some(1));
    assert!(
        err.starts_with("error: attribute 'x' already defined at «stdin»:1:3"),
        "{err}"
    );
    let (code, _, err) = tvix_eval_with(bin(), &["--parse", "-"], b"x", &[]);
    assert_eq!(code, Some(1));
    assert!(err.starts_with("error: undefined variable 'x'"), "{err}");
}

#[test]
fn help_and_version() {
    let (code, out, _) = tvix_eval_with(bin(), &["--help"], b"", &[]);
    assert_eq!(code, Some(0));
    assert!(out.contains("--eval"), "{out}");
    assert!(out.contains("abort-on-warn"), "{out}");
    let (code, out, _) = tvix_eval_with(bin(), &["--version"], b"", &[]);
    assert_eq!(code, Some(0));
    assert_eq!(out, format!("tvix-eval {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn invoked_as_nix_instantiate_through_a_symlink() {
    let dir = std::env::temp_dir().join(format!("tvix-eval-argv0-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let link = dir.join("nix-instantiate");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(bin(), &link).expect("symlink");
    let (code, out, _) = tvix_eval_with(&link, &["--eval", "-E", "[ 1 ]"], b"", &[]);
    assert_eq!(code, Some(0));
    assert_eq!(out, "[ 1 ]\n");
    let (_, out, _) = tvix_eval_with(&link, &["--version"], b"", &[]);
    assert!(out.starts_with("nix-instantiate (tvix-eval) "), "{out}");
    let (code, _, err) = tvix_eval_with(&link, &["--bogus"], b"", &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        "error: unrecognised flag '--bogus'\nTry 'nix-instantiate --help' for more information.\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn nix_instantiate_flags_of_lib_tests_are_accepted() {
    // lib/tests/modules.sh's invocation.
    let args = [
        "--timeout",
        "1",
        "--eval-only",
        "--show-trace",
        "--read-write-mode",
        "--json",
        "-E",
        "{ a = 1; }",
        "-A",
        "a",
    ];
    let (code, out, err) = tvix_eval_with(bin(), &args, b"", &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "1");
    assert!(err.contains("ignoring setting 'timeout'"), "{err}");
    let (code, _, err) = tvix_eval_with(bin(), &["--eval", "-E", "1", "--arg", "x"], b"", &[]);
    assert_eq!(code, Some(1));
    assert!(
        err.starts_with("error: flag '--arg' requires 2 argument(s)"),
        "{err}"
    );
}

#[test]
fn option_settings() {
    // Settings apply in command-line order, as --option, --NAME or --no-NAME.
    let sys = ["--eval", "-E", "builtins ? currentSystem"];
    let run = |extra: &[&str]| {
        let mut args = extra.to_vec();
        args.extend(sys);
        tvix_eval_with(bin(), &args, b"", &[])
    };
    assert_eq!(run(&["--option", "pure-eval", "true"]).1, "false\n");
    assert_eq!(run(&["--pure-eval"]).1, "false\n");
    assert_eq!(run(&["--pure-eval", "--no-pure-eval"]).1, "true\n");
    assert_eq!(
        run(&["--option", "pure-eval", "true", "--impure"]).1,
        "true\n"
    );
    // Unknown names and bad values are warnings, as in C++ Nix.
    let (code, out, err) = run(&["--option", "no-such-setting", "1"]);
    assert_eq!((code, out.as_str()), (Some(0), "true\n"));
    assert_eq!(err, "warning: unknown setting 'no-such-setting'\n");
    let (_, _, err) = run(&["--option", "pure-eval", "maybe"]);
    assert_eq!(
        err,
        "warning: Boolean setting 'pure-eval' has invalid value 'maybe'\n"
    );
    // Build-only settings are ignored with a note.
    let (code, _, err) = run(&["--option", "cores", "4", "--sandbox", "false"]);
    assert_eq!(code, Some(0));
    assert!(err.contains("ignoring setting 'cores'"), "{err}");
    assert!(err.contains("ignoring setting 'sandbox'"), "{err}");
    // Accepted for the evaluation limits (wired up separately).
    assert_eq!(run(&["--max-call-depth", "100"]).0, Some(0));
    assert_eq!(run(&["--option", "max-call-depth", "100"]).0, Some(0));
}

#[test]
fn abort_on_warn_makes_warnings_errors() {
    let expr = [
        "--eval",
        "-E",
        "builtins.tryEval (builtins.warn \"careful\" 1)",
    ];
    let (code, out, err) = tvix_eval_with(bin(), &expr, b"", &[]);
    assert_eq!(code, Some(0));
    assert_eq!(out, "{ success = true; value = 1; }\n");
    assert_eq!(err, "evaluation warning: careful\n");
    for (extra, env) in [
        (vec!["--option", "abort-on-warn", "true"], vec![]),
        (vec!["--abort-on-warn"], vec![]),
        (vec![], vec![("NIX_ABORT_ON_WARN", "1")]),
    ] {
        let mut args = extra.clone();
        args.extend(expr);
        let (code, out, err) = tvix_eval_with(bin(), &args, b"", &env);
        assert_eq!(code, Some(1), "{extra:?}");
        assert!(out.is_empty());
        assert!(
            err.starts_with("evaluation warning: careful\nerror: aborting to reveal stack trace of warning, as abort-on-warn is set"),
            "{err}"
        );
    }
}

#[test]
fn ansi_escapes_are_filtered_off_a_terminal() {
    let (code, _, err) = tvix_eval_with(
        bin(),
        &[
            "--eval",
            "-E",
            "builtins.trace \"\u{1b}[1;31mred\u{1b}[0m\" (throw \"\u{1b}[1mbold\u{1b}[0m\tx\")",
        ],
        b"",
        &[],
    );
    assert_eq!(code, Some(1));
    assert!(!err.contains('\u{1b}'), "{err:?}");
    // Tabs become spaces up to the next multiple of 8, as in C++ Nix.
    assert!(
        err.starts_with("trace: red\nerror: bold     x\n"),
        "{err:?}"
    );
}

#[test]
fn read_write_mode_makes_to_file_importable() {
    let store = std::env::temp_dir().join(format!("tvix-eval-store-{}", std::process::id()));
    let store_s = store.to_string_lossy().into_owned();
    let expr = r#"import "${builtins.toFile "x.nix" "{ a = 1 + 1; }"}""#;
    // Read-only (the default with --eval): the path is computed, not valid.
    let (code, _, err) = tvix_eval_with(
        bin(),
        &["--eval", "--strict", "-E", expr],
        b"",
        &[("NIX_STORE_DIR", &store_s)],
    );
    assert_eq!(code, Some(1));
    assert!(err.contains("is not valid"), "{err}");
    let (code, out, err) = tvix_eval_with(
        bin(),
        &["--eval", "--strict", "--read-write-mode", "-E", expr],
        b"",
        &[("NIX_STORE_DIR", &store_s)],
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "{ a = 2; }\n");
    let written: Vec<_> = std::fs::read_dir(&store)
        .expect("store written")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(written.iter().any(|n| n.ends_with("-x.nix")), "{written:?}");
    let _ = std::fs::remove_dir_all(&store);
}

#[test]
fn limit_flags_stop_evaluation_with_a_located_error() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rec = "let f = n: if n == 0 then 0 else 1 + f (n - 1); in f 100000";
    // Unlimited by default, as nix-instantiate.
    let (ok, out, _) = tvix_eval(dir, &["--eval", "-E", rec]);
    assert!(ok);
    assert_eq!(out, "100000\n");

    let (ok, _, err) = tvix_eval(dir, &["--eval", "--max-call-depth", "100", "-E", rec]);
    assert!(!ok);
    assert!(
        err.starts_with("error: stack overflow; max-call-depth exceeded\n"),
        "{err}"
    );
    assert!(err.contains("«string»:1:"), "{err}");
    // The same setting through --option, and not catchable.
    let caught = format!("builtins.tryEval ({rec})");
    let (ok, _, err) = tvix_eval(
        dir,
        &["--eval", "--option", "max-call-depth", "100", "-E", &caught],
    );
    assert!(!ok);
    assert!(err.contains("max-call-depth exceeded"), "{err}");

    let (ok, _, err) = tvix_eval(dir, &["--eval", "--max-steps", "1000", "-E", rec]);
    assert!(!ok);
    assert!(
        err.starts_with("error: evaluation exceeded its step limit (max-steps = 1000)\n"),
        "{err}"
    );

    let bomb = "builtins.length (builtins.genList (x: x) 10000000)";
    let (ok, _, err) = tvix_eval(dir, &["--eval", "--max-memory", "10M", "-E", bomb]);
    assert!(!ok);
    assert!(
        err.starts_with("error: evaluation exceeded its memory limit (max-memory = 10 MiB)\n"),
        "{err}"
    );
    assert!(err.contains("«string»:1:18"), "{err}");

    let endless = "let f = n: f (n + 1); in f 0";
    let (ok, _, err) = tvix_eval(dir, &["--eval", "--eval-timeout", "0.2", "-E", endless]);
    assert!(!ok);
    assert!(
        err.starts_with("error: evaluation timed out (eval-timeout = 0.200s)\n"),
        "{err}"
    );

    let (ok, out, err) = tvix_eval(dir, &["--eval", "--max-memory", "lots", "-E", "1"]);
    assert!(ok);
    assert_eq!(out, "1\n");
    assert!(
        err.contains("setting 'max-memory' has invalid value 'lots'"),
        "{err}"
    );
}

#[test]
fn lint_warnings_name_each_literal_and_its_setting() {
    let dir = std::env::temp_dir().join(format!("tvix-eval-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("lints.nix"),
        "[\n  foo/bar\n  ./ok\n  /abs\n  http://example.com\n  (_: a/b/c)\n]\n",
    )
    .expect("writable");
    let (ok, stdout, stderr) = tvix_eval(
        &dir,
        &[
            "--eval",
            "--lint-short-path-literals",
            "warn",
            "--lint-absolute-path-literals",
            "warn",
            "--option",
            "lint-url-literals",
            "warn",
            "lints.nix",
        ],
    );
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert!(ok, "{stderr}");
    assert!(stdout.starts_with("[ "), "{stdout}");
    assert_eq!(
        warnings,
        [
            "warning: relative path literal 'foo/bar' should be prefixed with '.' for clarity: './foo/bar' (lint-short-path-literals)",
            "warning: absolute path literals are not portable. Consider replacing path literal '/abs' by a string, relative path, or parameter (lint-absolute-path-literals)",
            "warning: URL literals are discouraged. Consider using a string literal \"http://example.com\" instead (lint-url-literals)",
            // Unevaluated code is linted too, as C++ Nix's parser does.
            "warning: relative path literal 'a/b/c' should be prefixed with '.' for clarity: './a/b/c' (lint-short-path-literals)",
        ]
    );
    assert!(stderr.contains("lints.nix:2:3"), "{stderr}");
    // Without the flags, nothing is said.
    let (ok, _, stderr) = tvix_eval(&dir, &["--eval", "lints.nix"]);
    assert!(ok && stderr.is_empty(), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn nix_config_applies_settings_before_the_command_line() {
    let probe = "builtins ? fetchTree";
    let (code, out, err) = tvix_eval_with(bin(), &["--eval", "-E", probe], b"", &[]);
    assert_eq!((code, out.as_str()), (Some(0), "false\n"), "{err}");
    let conf =
        "# comment\nexperimental-features = nix-command flakes  # trailing\n\nshow-trace = true";
    let (code, out, err) = tvix_eval_with(
        bin(),
        &["--eval", "-E", probe],
        b"",
        &[("NIX_CONFIG", conf)],
    );
    assert_eq!((code, out.as_str()), (Some(0), "true\n"), "{err}");
    // The command line comes after NIX_CONFIG and overrides it.
    let (code, out, err) = tvix_eval_with(
        bin(),
        &[
            "--option",
            "experimental-features",
            "",
            "--eval",
            "-E",
            probe,
        ],
        b"",
        &[("NIX_CONFIG", conf)],
    );
    assert_eq!((code, out.as_str()), (Some(0), "false\n"), "{err}");
    // Unknown settings and malformed lines are warnings, as in C++ Nix.
    let (code, _, err) = tvix_eval_with(
        bin(),
        &["--eval", "-E", "1"],
        b"",
        &[("NIX_CONFIG", "no-such-setting = 1\nnonsense")],
    );
    assert_eq!(code, Some(0));
    assert!(err.contains("unknown setting 'no-such-setting'"), "{err}");
    assert!(
        err.contains("illegal configuration line 'nonsense'"),
        "{err}"
    );
}

#[test]
fn fetchers_check_arguments_before_refusing_to_fetch() {
    let (code, _, err) = tvix_eval_with(
        bin(),
        &[
            "--pure-eval",
            "--eval",
            "-E",
            "builtins.fetchTarball \"https://example.com/x.tar.gz\"",
        ],
        b"",
        &[],
    );
    assert_eq!(code, Some(1));
    assert!(
        err.starts_with(
            "error: in pure evaluation mode, 'fetchTarball' requires a 'sha256' argument"
        ),
        "{err}"
    );
    let pinned = "builtins.fetchurl { url = \"https://example.com/x\"; sha256 = \"sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"; }";
    let (code, _, err) = tvix_eval_with(bin(), &["--pure-eval", "--eval", "-E", pinned], b"", &[]);
    assert_eq!(code, Some(1));
    assert!(err.contains("network access is unavailable"), "{err}");
}

#[test]
fn failed_thunks_are_not_evaluated_again() {
    // Current Nix (2.34) memoizes errors: a thunk whose evaluation failed
    // raises the same error when forced again, without re-running its code.
    let src = "let t = builtins.trace \"evaluated\" (throw \"no\"); \
               in [ (builtins.tryEval t).success (builtins.tryEval t).success ]";
    let (code, out, err) = tvix_eval_with(bin(), &["--eval", "--strict", "-E", src], b"", &[]);
    assert_eq!(
        (code, out.as_str()),
        (Some(0), "[ false false ]\n"),
        "{err}"
    );
    assert_eq!(err.matches("trace: evaluated").count(), 1, "{err}");
    // The memoized error is the original one, position included.
    let src = "let t = throw \"original\"; in builtins.seq (builtins.tryEval t) t";
    let (code, _, err) = tvix_eval_with(bin(), &["--eval", "-E", src], b"", &[]);
    assert_eq!(code, Some(1));
    assert!(err.starts_with("error: original"), "{err}");
    assert!(err.contains("«string»:1:9"), "{err}");
}

#[test]
fn trace_shows_values_as_current_nix() {
    let cases = [
        ("builtins.trace [ (1 + 1) ] 1", "trace: [ «thunk» ]"),
        (
            "let f = x: x; in builtins.seq f (builtins.trace { inherit f; z = 1; a = \"s\"; } 1)",
            "trace: { a = \"s\"; f = «lambda f @ «string»:1:9»; z = 1; }",
        ),
        (
            "builtins.trace builtins.toString 1",
            "trace: «primop toString»",
        ),
        (
            "builtins.trace (builtins.deepSeq 1) 1",
            "trace: «partially applied primop deepSeq»",
        ),
        (
            "let x = builtins.trace { x = x; } true; in x",
            "trace: { x = «potential infinite recursion»; }",
        ),
        (
            "let x = { repeating = x; tracing = builtins.trace x true; }; in x.tracing",
            "trace: { repeating = «repeated»; tracing = «potential infinite recursion»; }",
        ),
        ("builtins.trace \"plain\" 1", "trace: plain"),
    ];
    for (src, want) in cases {
        let (code, _, err) = tvix_eval_with(bin(), &["--eval", "-E", src], b"", &[]);
        assert_eq!(code, Some(0), "{src}: {err}");
        assert_eq!(err.lines().next(), Some(want), "{src}");
    }
}

#[test]
fn current_nix_deprecation_warnings() {
    // `or` as an identifier where a future Nix will read it differently.
    let src = "let or = 1; in [ (builtins.length [ (x: x) or ]) (map or [ ]) ((y: y) (z: z) or) ]";
    let (code, out, err) = tvix_eval_with(bin(), &["--eval", "--strict", "-E", src], b"", &[]);
    assert_eq!((code, out.as_str()), (Some(0), "[ 1 [ ] 1 ]\n"), "{err}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(
        warnings,
        [
            "warning: at «string»:1:37: This expression uses `or` as an identifier in a way that will change in a future Nix release.",
            "warning: at «string»:1:71: This expression uses `or` as an identifier in a way that will change in a future Nix release.",
        ],
        "{err}"
    );
    assert!(err.contains("    ((x: x) or)\n"), "{err}");
    // Parenthesised, or as a function, it is not ambiguous.
    let (_, _, err) = tvix_eval_with(
        bin(),
        &["--eval", "-E", "let or = x: x; f = x: x; in f (f or)"],
        b"",
        &[],
    );
    assert!(!err.contains("warning"), "{err}");
    // The hash format name "base32" is a deprecated alias.
    let src = "builtins.convertHash { hash = \"sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"; toHashFormat = \"base32\"; }";
    let (code, _, err) = tvix_eval_with(bin(), &["--eval", "-E", src], b"", &[]);
    assert_eq!(code, Some(0));
    assert_eq!(
        err.trim_end(),
        r#"warning: "base32" is a deprecated alias for hash format "nix32"."#
    );
}

#[test]
fn derivations_warn_about_attributes_structured_attrs_ignores() {
    let src = "(builtins.derivationStrict { name = \"d\"; system = \"s\"; builder = \"/b\"; \
               __structuredAttrs = true; maxSize = 1; allowedReferences = [ ]; }).out";
    let (code, _, err) = tvix_eval_with(bin(), &["--eval", "-E", src], b"", &[]);
    assert_eq!(code, Some(0), "{err}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(
        warnings,
        [
            "warning: 'structuredAttrs' disables the effect of the derivation attribute 'allowedReferences'; use 'outputChecks.<output>.allowedReferences' instead",
            "warning: 'structuredAttrs' disables the effect of the derivation attribute 'maxSize'; use 'outputChecks.<output>.maxSize' instead",
        ],
        "{err}"
    );
    assert!(err.contains("while evaluating derivation 'd'"), "{err}");
    let src = "(builtins.derivationStrict { name = \"d\"; system = \"s\"; builder = \"/b\"; __json = \"{}\"; }).out";
    let (code, _, err) = tvix_eval_with(bin(), &["--eval", "-E", src], b"", &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.starts_with("warning: setting structured attributes via '__json' is deprecated"),
        "{err}"
    );
}

#[test]
fn nix_show_stats_counts_the_work_done() {
    let src = "let f = x: { a = x; } // { b = x + 1; }; \
               in builtins.foldl' (acc: i: acc + (f i).b) 0 (builtins.genList (i: i) 10)";
    let (code, out, err) = tvix_eval_with(
        bin(),
        &["--eval", "--strict", "-E", src],
        b"",
        &[("NIX_SHOW_STATS", "1")],
    );
    assert_eq!((code, out.as_str()), (Some(0), "55\n"), "{err}");
    let number = |key: &str| -> u64 {
        let at = err
            .find(&format!("\"{key}\": "))
            .unwrap_or_else(|| panic!("{key} missing: {err}"));
        let rest = &err[at + key.len() + 4..];
        rest[..rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len())]
            .parse()
            .unwrap_or_else(|_| panic!("{key} is no number: {err}"))
    };
    // Per element: the folding function, `f` and genList's function run once, `//` once.
    assert_eq!(number("nrFunctionCalls"), 30, "{err}");
    assert_eq!(number("nrOpUpdates"), 10, "{err}");
    assert!(number("nrPrimOpCalls") >= 2, "{err}");
    assert!(number("nrThunks") >= 10, "{err}");
    // Without the variable, nothing is printed.
    let (_, _, err) = tvix_eval_with(bin(), &["--eval", "-E", "1"], b"", &[]);
    assert!(!err.contains("nrThunks"), "{err}");
}

#[test]
fn parse_of_large_set_literals_is_linear_and_merges_paths() {
    // `--parse` looked up every binding's name by scanning the ones before
    // it: a 100,000-entry generated file took 34 s (2 s for 20,000).
    let n = 60_000;
    let mut src = String::from("{\n");
    for i in 0..n {
        src.push_str(&format!("  p{i}.v = {i};\n  p{i}.w = \"x\";\n"));
    }
    src.push_str("}\n");
    let start = std::time::Instant::now();
    let (code, out, err) = tvix_eval_with(bin(), &["--parse", "-"], src.as_bytes(), &[]);
    let took = start.elapsed();
    assert_eq!(code, Some(0), "{err}");
    assert!(
        took < std::time::Duration::from_secs(60),
        "--parse took {took:?}"
    );
    // Names print sorted by bytes, each path merged into one set.
    assert!(out.starts_with("{ p0 = { v = 0; w = \"x\"; }; p1 = { v = 1; w = \"x\"; }; p10 = "));
    assert_eq!(out.matches(" w = \"x\"; }").count(), n);
}

/// The CLI runs without transparent huge pages (see `without_huge_pages`
/// in main.rs), where the kernel says whether they are on.
#[test]
#[cfg(target_os = "linux")]
fn huge_pages_are_off() {
    let has_field =
        std::fs::read_to_string("/proc/self/status").is_ok_and(|s| s.contains("THP_enabled:"));
    if !has_field {
        return;
    }
    let (ok, out, err) = tvix_eval(
        &std::env::temp_dir(),
        &["--eval", "-E", "builtins.readFile /proc/self/status"],
    );
    assert!(ok, "{err}");
    assert!(out.contains("THP_enabled:\\t0"), "{out}");
}
