//! Errors raised by builtins that run as native frames point where C++ Nix points.

/// Evaluates `call` on the second line of a file binding `l = [ 1 2 ]`;
/// checks the error says `message` and returns its (line, column).
fn error_at(call: &str, message: &str) -> (u32, u32) {
    let mut eval = tvix_eval::Evaluation::builder().build();
    let e = eval
        .evaluate_str(&format!("let l = [ 1 2 ]; in\n  {call}"))
        .unwrap_err();
    assert!(e.to_string().contains(message), "{call}: {e}");
    let loc = e
        .location()
        .unwrap_or_else(|| panic!("{call}: no location"));
    (loc.line, loc.column)
}

#[test]
fn predicates_that_give_no_boolean_point_at_the_call() {
    // `filter`, `any`, `all` and `sort` run as native frames; their type
    // error carries the call's location (it had none).
    for call in [
        "builtins.filter (x: 1) l",
        "builtins.any (x: 1) l",
        "builtins.all (x: 1) l",
        "builtins.sort (a: b: 1) l",
    ] {
        let at = error_at(call, "value is an integer while a Boolean was expected");
        assert_eq!(at, (2, 3), "{call}");
    }
}

#[test]
fn concat_map_results_that_are_no_list_point_where_cpp_nix_points() {
    // As C++ Nix's `determinePos`: the result's position if it is a function,
    // else the function's, else (a builtin) the call's.
    for (call, actual, expected) in [
        ("builtins.concatMap (x: x) l", "an integer", (2, 23)),
        ("builtins.concatMap (x: y: y) l", "a function", (2, 26)),
        (
            "builtins.concatMap builtins.head [ [ 1 ] ]",
            "an integer",
            (2, 3),
        ),
    ] {
        let at = error_at(
            call,
            &format!("value is {actual} while a list was expected"),
        );
        assert_eq!(at, expected, "{call}");
    }
}

#[test]
fn errors_in_bindings_compiled_when_forced_point_into_them() {
    // A binding that reads only globals is compiled when first forced,
    // from its own text: its spans are moved to where the text is in the
    // file (line 3, after a multi-byte character on line 2).
    let mut eval = tvix_eval::Evaluation::builder().build();
    // Only scopes of many bindings defer: 1,000 more follow the two.
    let filler: String = (0..1000)
        .map(|i| format!("  f{i} = builtins.add {i} 1;\n"))
        .collect();
    let src = format!("let\n  u = \"∀ü\";\n  b = {{ x = 1; y = 1 + (builtins.length [ ]) + builtins.div 1 (builtins.length [ ]); }};\n{filler}in builtins.seq u b.y");
    let e = eval.evaluate_str(&src).unwrap_err();
    assert!(e.to_string().contains("division by zero"), "{e}");
    let loc = e.location().expect("a location");
    // Where C++ Nix 2.8 points too.
    assert_eq!((loc.line, loc.column), (3, 48), "{e}");
}
