//! Error paths, locations and rendering (issue 10, part 1 and 2): every data
//! error is located, evaluation errors name the config path, and `Display`
//! reads well on its own and under `anyhow`.

use std::collections::BTreeMap;

use serde::Deserialize;
use tvix_serde::Error;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Upstream {
    host: String,
    port: u16,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Service {
    name: String,
    upstreams: Vec<Upstream>,
}

fn line_col(e: &Error) -> Option<(u32, u32)> {
    e.location().map(|l| (l.line, l.column))
}

#[test]
fn missing_top_level_field_points_at_the_set() {
    let err = tvix_serde::from_str::<Service>("\n{\n  upstreams = [ ];\n}").unwrap_err();
    assert_eq!(err.path(), None);
    assert_eq!(err.message(), "missing attribute 'name'");
    assert_eq!(line_col(&err), Some((2, 1)));
    assert_eq!(err.to_string(), "«string»:2:1: missing attribute 'name'");
}

#[test]
fn missing_field_of_an_empty_top_level_set_is_located() {
    let err = tvix_serde::from_str::<Upstream>("{ }").unwrap_err();
    assert_eq!(line_col(&err), Some((1, 1)));
}

#[test]
fn missing_field_in_a_list_element_points_at_the_element() {
    let src = "{\n  name = \"x\";\n  upstreams = [\n    { host = \"a\"; port = 1; }\n    { host = \"b\"; }\n  ];\n}";
    let err = tvix_serde::from_str::<Service>(src).unwrap_err();
    assert_eq!(err.path(), Some("upstreams[1]"));
    assert_eq!(err.message(), "missing attribute 'port'");
    assert_eq!(line_col(&err), Some((5, 5)));
}

#[test]
fn missing_field_in_a_set_made_by_a_function_points_at_its_literal() {
    let src = "let\n  mk = host:\n    { inherit host; };\nin {\n  name = \"x\";\n  upstreams = map mk [ \"a\" ];\n}";
    let err = tvix_serde::from_str::<Service>(src).unwrap_err();
    assert_eq!(err.path(), Some("upstreams[0]"));
    assert_eq!(line_col(&err), Some((3, 5)));
}

#[test]
fn missing_field_in_a_nested_attrpath_set_is_located() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Log {
        level: String,
        format: String,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct C {
        log: Log,
    }
    let err = tvix_serde::from_str::<C>("{\n  log.level = \"debug\";\n}").unwrap_err();
    assert_eq!(err.path(), Some("log"));
    assert_eq!(line_col(&err), Some((2, 3)));
}

#[test]
fn type_errors_point_at_the_value() {
    let err =
        tvix_serde::from_str::<Service>("{\n  name =\n    42;\n  upstreams = [ ];\n}").unwrap_err();
    assert_eq!(err.path(), Some("name"));
    assert_eq!(line_col(&err), Some((3, 5)));
    assert_eq!(err.message(), "expected a string, found an integer 42");
}

#[test]
fn type_errors_in_inherited_and_computed_values_are_located() {
    let src = "let port = \"80\"; in {\n  name = \"x\";\n  upstreams = [ { host = \"a\"; inherit port; } ];\n}";
    let err = tvix_serde::from_str::<Service>(src).unwrap_err();
    assert_eq!(err.path(), Some("upstreams[0].port"));
    assert_eq!(line_col(&err), Some((3, 39)));
}

#[test]
fn errors_from_untagged_enums_carry_the_buffered_values_path() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    #[serde(untagged)]
    enum Port {
        Number(u16),
        Named(String),
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct C {
        ports: Vec<Port>,
    }
    let err =
        tvix_serde::from_str::<C>("{\n  ports = [\n    80\n    { x = 1; }\n  ];\n}").unwrap_err();
    assert_eq!(err.path(), Some("ports[1]"));
    assert_eq!(line_col(&err), Some((4, 5)));
    assert!(!err.is_eval_error());
}

#[test]
fn errors_from_internally_tagged_enums_carry_the_buffered_values_path() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    #[serde(tag = "kind")]
    enum Listener {
        Tcp { port: u16 },
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct C {
        listener: Listener,
    }
    let err =
        tvix_serde::from_str::<C>("{\n  listener =\n    { kind = \"Tcp\"; port = \"x\"; };\n}")
            .unwrap_err();
    assert_eq!(err.path(), Some("listener"));
    assert_eq!(line_col(&err), Some((3, 5)));
    assert_eq!(err.message(), "expected u16, found a string \"x\"");
}

#[test]
fn errors_from_flattened_fields_carry_the_sets_path() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        port: u16,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        #[serde(flatten)]
        inner: Inner,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct C {
        server: Outer,
    }
    let err =
        tvix_serde::from_str::<C>("{\n  server = {\n    name = \"a\";\n    port = true;\n  };\n}")
            .unwrap_err();
    assert_eq!(err.path(), Some("server"));
    assert_eq!(line_col(&err), Some((2, 12)));
    assert_eq!(err.message(), "expected u16, found a Boolean true");
}

#[test]
fn eval_errors_name_the_config_path() {
    let src = "let\n  mkUpstream = i: {\n    host = \"h${toString i}\";\n    port = if i == 1 then throw \"no port for h${toString i}\" else 80;\n  };\nin {\n  name = \"x\";\n  upstreams = builtins.genList mkUpstream 2;\n}";
    let err = tvix_serde::from_str::<Service>(src).unwrap_err();
    assert!(err.is_eval_error());
    assert_eq!(err.path(), Some("upstreams[1].port"));
    assert_eq!(err.message(), "no port for h1");
    assert_eq!(line_col(&err), Some((4, 27)));
    let shown = err.to_string();
    assert!(
        shown.starts_with("upstreams[1].port: no port for h1\n"),
        "{shown}"
    );
    assert!(shown.contains("«string»:4:27"), "{shown}");
    assert!(err
        .diagnostic()
        .starts_with("error: upstreams[1].port: no port for h1\n"));
}

#[test]
fn eval_errors_before_deserializing_have_no_path() {
    let err = tvix_serde::from_str::<u8>("1 + \"a\"").unwrap_err();
    assert!(err.is_eval_error());
    assert_eq!(err.path(), None);
    assert_eq!(err.message(), "cannot add a string to an integer");
}

#[test]
fn syntax_errors_report_what_cpp_nix_reports_and_nothing_else() {
    // nix-instantiate 2.8: error: syntax error, unexpected '=', expecting ';'
    //                      at «string»:3:5
    let err = tvix_serde::from_str::<Service>("{\n  a = 1\n  b = 2;\n}").unwrap_err();
    assert!(err.is_eval_error());
    assert_eq!(err.message(), "syntax error, unexpected '=', expecting ';'");
    assert_eq!(line_col(&err), Some((3, 5)));
    let shown = err.to_string();
    assert_eq!(shown.matches("syntax error").count(), 1, "{shown}");
    assert!(!shown.contains("end of file"), "{shown}");
    assert_eq!(
        err.diagnostic().matches("error").count(),
        2,
        "{}",
        err.diagnostic()
    );
}

#[test]
fn display_never_starts_with_error() {
    let errors = [
        tvix_serde::from_str::<u8>("throw \"x\"").unwrap_err(),
        tvix_serde::from_str::<u8>("\"x\"").unwrap_err(),
        tvix_serde::from_str::<u8>("{").unwrap_err(),
        tvix_serde::from_str::<Service>("{ }").unwrap_err(),
    ];
    for e in errors {
        let shown = e.to_string();
        assert!(!shown.starts_with("error"), "{shown}");
        // What anyhow prints as a cause.
        let as_dyn: Box<dyn std::error::Error + Send + Sync + 'static> = Box::new(e);
        assert!(!format!("Caused by: {as_dyn}").contains("Caused by: error"));
    }
}

#[test]
fn pure_mode_refusals_name_the_builder_option() {
    let err =
        tvix_serde::from_str_with_config::<String, _>("builtins.readFile /etc/hostname", |b| {
            b.io(tvix_serde::eval::StdIO)
        })
        .unwrap_err();
    assert!(err.message().contains("/etc/hostname"), "{}", err.message());
    assert!(err.message().contains("allow_root"), "{}", err.message());
    assert!(!err.to_string().contains("--impure"), "{err}");
}

#[test]
fn restricted_mode_refusals_name_the_builder_option() {
    let dir = std::env::temp_dir().join(format!("tvix-serde-restricted-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("c.nix"), "builtins.readFile /etc/hostname").unwrap();
    let err = tvix_serde::from_file::<String>(dir.join("c.nix")).unwrap_err();
    assert!(err.message().contains("allow_root"), "{}", err.message());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn data_error_diagnostics_show_the_source() {
    let err =
        tvix_serde::from_str::<Service>("{\n  name = [ ];\n  upstreams = [ ];\n}").unwrap_err();
    let d = err.diagnostic();
    assert!(
        d.starts_with("error: name: expected a string, found a list\n"),
        "{d}"
    );
    assert!(d.contains("2 │   name = [ ];"), "{d}");
    assert!(d.contains("^^^"), "{d}");
}

#[test]
fn unknown_attributes_point_at_the_name() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    #[serde(deny_unknown_fields)]
    struct S {
        port: u16,
    }
    let err = tvix_serde::from_str::<S>("{\n  port = 1;\n  prot = 2;\n}").unwrap_err();
    assert_eq!(err.path(), Some("prot"));
    assert_eq!(line_col(&err), Some((3, 3)));
}

#[test]
fn map_values_are_located() {
    let err =
        tvix_serde::from_str::<BTreeMap<String, u8>>("{\n  a = 1;\n  b = 300;\n}").unwrap_err();
    assert_eq!(err.path(), Some("b"));
    assert_eq!(line_col(&err), Some((3, 7)));
}

#[test]
fn errors_are_send_sync_and_static() {
    fn check<E: std::error::Error + Send + Sync + 'static>() {}
    check::<Error>();
}

#[test]
fn errors_in_imported_files_name_the_file() {
    let dir = std::env::temp_dir().join(format!("tvix-serde-import-err-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("ups.nix"),
        "[\n  { host = \"a\"; port = \"x\"; }\n]",
    )
    .unwrap();
    std::fs::write(
        dir.join("c.nix"),
        "{ name = \"n\"; upstreams = import ./ups.nix; }",
    )
    .unwrap();
    let err = tvix_serde::from_file::<Service>(dir.join("c.nix")).unwrap_err();
    assert_eq!(err.path(), Some("upstreams[0].port"));
    let loc = err.location().unwrap();
    assert!(loc.file.ends_with("ups.nix"), "{}", loc.file);
    assert_eq!((loc.line, loc.column), (2, 24));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn errors_of_later_loads_are_located_in_their_own_source() {
    // Found by fuzzing: the syntax tree cached for locating errors was keyed
    // by file id, which each evaluation numbers from the start, so a later
    // load on the same thread looked its error up in an earlier file's tree
    // (and rowan panicked on an offset past its end).
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct X {
        x: String,
    }
    let first = tvix_serde::from_str::<X>("{ x = 1; }").unwrap_err();
    assert_eq!(
        first.location().map(|l| (l.line, l.column)),
        Some((1, 7)),
        "{first}"
    );
    let second = tvix_serde::from_str::<X>("{ aaaaaaaaaa = 0;\n  x = 1; }").unwrap_err();
    let location = second.location().expect("the error is located");
    assert_eq!((location.line, location.column), (2, 7), "{second}");
}
