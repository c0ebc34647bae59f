//! Deeply nested source and data: parsed, compiled, coerced, compared and
//! printed without overflowing the host stack (test threads have 2 MiB),
//! or refused with a located error.

use tvix_eval::Evaluation;

fn eval(src: &str) -> Result<String, String> {
    let mut e = Evaluation::builder().build();
    e.evaluate_str(src)
        .and_then(|v| e.force_deep(&v).map(|_| v))
        .map(|v| String::from_utf8_lossy(&tvix_eval::value::print_value(&v)).into_owned())
        .map_err(|err| err.to_string())
}

#[test]
fn long_operator_chains_evaluate() {
    assert_eq!(
        eval(&format!("1{}", " + 1".repeat(5000))).as_deref(),
        Ok("5001")
    );
    assert_eq!(
        eval(&format!("1{}", " + 1".repeat(19_000))).as_deref(),
        Ok("19001")
    );
    let apps = format!("(x: x){} 1", " (x: x)".repeat(10_000));
    assert_eq!(eval(&apps).as_deref(), Ok("1"));
    assert_eq!(
        eval(&format!("{}true", "!".repeat(10_000))).as_deref(),
        Ok("true")
    );
}

#[test]
fn ten_thousand_nested_lists_work_everywhere() {
    let n = 10_000;
    let list = format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let src = format!(
        "let x = {list}; in [ (x == {list}) (builtins.stringLength (builtins.toJSON x)) (toString x) (builtins.deepSeq x 1) ]"
    );
    assert_eq!(eval(&src).as_deref(), Ok(r#"[ true 20001 "1" 1 ]"#));
}

#[test]
fn deeper_source_is_refused_with_a_location() {
    let n = 70_000;
    let list = format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let err = eval(&list).unwrap_err();
    assert!(
        err.contains("expression is nested too deeply (more than 20000 levels)"),
        "{err}"
    );
    assert!(err.contains("«string»:1:"), "{err}");

    // rnix stops nested parentheses, sets and lets at 512 levels.
    let n = 600;
    let parens = format!("{}1{}", "(".repeat(n), ")".repeat(n));
    let err = eval(&parens).unwrap_err();
    assert!(err.contains("expression is nested too deeply"), "{err}");
    assert!(err.contains("«string»:1:513"), "{err}");
}

#[test]
fn deep_data_built_at_runtime_works() {
    let src = "let d = n: if n == 0 then 1 else [ (d (n - 1)) ]; x = d 100000; in [ (x == d 100000) (builtins.stringLength (toString x)) (builtins.deepSeq x true) ]";
    assert_eq!(eval(src).as_deref(), Ok("[ true 1 true ]"));
}
