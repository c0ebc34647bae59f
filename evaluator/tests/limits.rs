//! Resource limits, interruption and allocation bombs: each must stop with
//! a clean error that names what stopped it, within seconds.

use std::time::{Duration, Instant};

use tvix_eval::{Evaluation, InterruptHandle, Limits};

/// Evaluates `src` deeply under `limits`; returns the error text.
fn fails_with(src: &str, limits: Limits) -> String {
    let start = Instant::now();
    let mut eval = Evaluation::builder().limits(limits).build();
    let result = eval.evaluate_str(src).and_then(|v| eval.force_deep(&v));
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}: {src}");
    match result {
        Ok(v) => panic!("expected an error, got {v:?} for {src}"),
        Err(e) => e.to_string(),
    }
}

fn memory(bytes: u64) -> Limits {
    Limits::default().max_memory(bytes)
}

const MIB: u64 = 1 << 20;

#[test]
fn gen_list_of_two_billion_is_an_error_even_without_a_limit() {
    let e = fails_with("builtins.genList (i: i) 2000000000", Limits::default());
    assert!(e.contains("out of memory"), "{e}");
}

#[test]
fn allocation_bombs_stop_at_the_memory_limit() {
    let bombs = [
        "builtins.genList (i: i) 2000000000",
        "builtins.listToAttrs (builtins.genList (i: { name = toString i; value = i; }) 500000000)",
        r#"builtins.concatStringsSep "" (builtins.genList (_: "xxxxxxxxxx") 300000000)"#,
        r#"let d = n: s: if n == 0 then s else d (n - 1) (s + s); in d 48 "x""#,
        r#"let d = n: s: if n == 0 then s else d (n - 1) "${s}${s}"; in d 48 "x""#,
        "let d = n: if n == 0 then 1 else [ (d (n - 1)) ]; in builtins.toXML (d 100000)",
        "builtins.concatLists (builtins.genList (_: builtins.genList (x: x) 100000) 100000)",
        "let d = n: l: if n == 0 then l else d (n - 1) (l ++ l); in d 40 [ 1 ]",
        "builtins.concatMap (x: builtins.genList (y: y) 1000000) (builtins.genList (x: x) 1000000)",
    ];
    for src in bombs {
        let e = fails_with(src, memory(256 * MIB));
        assert!(e.contains("max-memory = 256 MiB"), "{src}: {e}");
    }
}

#[test]
fn the_memory_limit_is_not_catchable() {
    let e = fails_with(
        "builtins.tryEval (builtins.genList (i: i) 100000000)",
        memory(64 * MIB),
    );
    assert!(e.contains("max-memory"), "{e}");
}

#[test]
fn ordinary_programs_fit_a_small_limit() {
    let mut eval = Evaluation::builder().limits(memory(32 * MIB)).build();
    for _ in 0..20 {
        let v = eval
            .evaluate_str(
                "builtins.length (builtins.foldl' (acc: x: acc ++ [ (toString x) ]) [ ] (builtins.genList (x: x) 20000))",
            )
            .unwrap();
        assert!(matches!(v, tvix_eval::Value::Int(20000)));
    }
}

/// `concatMap` moves the elements of fresh result lists into its own: the
/// emptied lists must stop counting them, or repeated rounds would add up
/// to the limit.
#[test]
fn elements_moved_out_of_lists_are_counted_once() {
    let mut eval = Evaluation::builder().limits(memory(32 * MIB)).build();
    let v = eval
        .evaluate_str(
            "builtins.length (builtins.foldl' (acc: i: builtins.concatMap (x: [ x ]) acc) \
             (builtins.genList (x: x) 100000) (builtins.genList (x: x) 300))",
        )
        .unwrap();
    assert!(matches!(v, tvix_eval::Value::Int(100000)));
}

#[test]
fn step_limit_is_deterministic() {
    let src = "let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 40";
    let a = fails_with(src, Limits::default().max_steps(100_000));
    let b = fails_with(src, Limits::default().max_steps(100_000));
    assert_eq!(a, b);
    assert!(a.contains("max-steps = 100000"), "{a}");
    // Within the limit the result comes back.
    let mut eval = Evaluation::builder()
        .limits(Limits::default().max_steps(100_000))
        .build();
    assert!(matches!(
        eval.evaluate_str("let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 15"),
        Ok(tvix_eval::Value::Int(610))
    ));
}

#[test]
fn endless_computations_stop_at_the_step_limit() {
    let endless = [
        "let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 100",
        "let f = n: { next = f (n + 1); }; in builtins.deepSeq (f 0) 1",
        "builtins.genericClosure { startSet = [ { key = 0; } ]; operator = x: [ { key = x.key + 1; } ]; }",
        "let t = n: if n == 0 then { } else let s = t (n - 1); in { a = s; b = s; }; in builtins.toJSON (t 60)",
        "let f = x: f x; in builtins.tryEval (f 1)",
    ];
    for src in endless {
        let e = fails_with(
            src,
            Limits::default().max_steps(200_000).max_memory(512 * MIB),
        );
        assert!(
            e.contains("max-steps") || e.contains("max-memory") || e.contains("stack overflow"),
            "{src}: {e}"
        );
    }
}

#[test]
fn timeout_stops_an_endless_evaluation() {
    let start = Instant::now();
    let e = fails_with(
        "let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 100",
        Limits::default().timeout(Duration::from_millis(200)),
    );
    assert!(e.contains("timed out"), "{e}");
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn call_depth_limit_uses_current_nix_wording() {
    let e = fails_with(
        "let f = n: if n == 0 then 0 else 1 + f (n - 1); in f 100000",
        Limits::default().max_call_depth(1000),
    );
    assert!(e.contains("stack overflow; max-call-depth exceeded"), "{e}");
}

#[test]
fn million_deep_recursion_works_with_default_limits() {
    let mut eval = Evaluation::builder().build();
    let v = eval
        .evaluate_str("let f = n: if n == 0 then 0 else 1 + f (n - 1); in f 1000000")
        .unwrap();
    assert!(matches!(v, tvix_eval::Value::Int(1000000)));
}

#[test]
fn interrupt_stops_the_evaluation_from_another_thread() {
    let handle = InterruptHandle::new();
    let remote = handle.clone();
    let start = Instant::now();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        remote.interrupt();
    });
    let mut eval = Evaluation::builder().interrupt(handle.clone()).build();
    let e = eval
        .evaluate_str("let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 100")
        .unwrap_err();
    stopper.join().unwrap();
    assert!(e.to_string().contains("evaluation interrupted"), "{e}");
    assert!(start.elapsed() < Duration::from_secs(3));
    // Interruption is not catchable.
    let e = eval.evaluate_str("builtins.tryEval 1").unwrap_err();
    assert!(e.to_string().contains("evaluation interrupted"), "{e}");
    handle.reset();
    assert!(eval.evaluate_str("1 + 1").is_ok());
}

#[test]
fn a_thunk_interrupted_while_it_runs_can_be_forced_again() {
    let handle = InterruptHandle::new();
    let mut eval = Evaluation::builder().interrupt(handle.clone()).build();
    let set = eval
        .evaluate_str(
            "{ a = let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 30; }",
        )
        .unwrap();
    let tvix_eval::value::Value::Attrs(attrs) = set else {
        panic!("not a set: {set:?}")
    };
    let a = attrs
        .get(tvix_eval::value::Symbol::new(b"a"))
        .unwrap()
        .clone();
    let remote = handle.clone();
    let stopper = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        remote.interrupt();
    });
    let e = eval.force(&a).unwrap_err();
    stopper.join().unwrap();
    assert!(e.to_string().contains("evaluation interrupted"), "{e}");
    handle.reset();
    // Not "infinite recursion": the interrupted thunk gave its code back.
    let v = eval.force(&a).unwrap();
    assert!(matches!(v, tvix_eval::value::Value::Int(832040)), "{v:?}");
}

#[test]
fn limit_errors_carry_a_span() {
    let mut eval = Evaluation::builder()
        .limits(Limits::default().max_memory(64 * MIB))
        .build();
    let e = eval
        .evaluate_str("let x = 1; in\n  builtins.genList (i: i) 100000000")
        .unwrap_err();
    let loc = e.location().expect("a location");
    assert_eq!(loc.line, 2);
    assert!(e.kind.is_limit());
}

#[test]
fn output_buffers_are_checked_before_they_grow() {
    // toJSON/toXML output grew inside `Vec` (doubling) and was checked only
    // afterwards: a 100,000-deep toXML reached twice the limit in RSS before
    // it was refused. Now the buffer grows by half, checked first; a large
    // output that fits is still produced.
    let json = r#"let s = builtins.concatStringsSep "" (builtins.genList (_: "x") 100);
        in builtins.stringLength (builtins.toJSON (builtins.genList (_: s) 400000))"#;
    let mut eval = Evaluation::builder().limits(memory(96 * MIB)).build();
    let v = eval
        .evaluate_str(json)
        .and_then(|v| eval.force_deep(&v))
        .unwrap();
    assert!(matches!(v, tvix_eval::Value::Int(41_200_001)), "{v:?}");
    let xml = "builtins.toXML (let d = n: if n == 0 then 1 else [ (d (n - 1)) ]; in d 100000)";
    let e = fails_with(xml, memory(64 * MIB));
    assert!(e.contains("memory limit"), "{e}");
}

#[test]
fn compiled_regular_expressions_count_against_the_memory_limit() {
    let mut eval = Evaluation::builder().limits(memory(2 * MIB)).build();
    let v = eval.evaluate_str(r#"builtins.match "(a{3}){3}" "aaaaaaaaa""#);
    assert!(v.is_ok(), "{v:?}");
    // 90,000 states: about 3 MB of automaton.
    let e = fails_with(r#"builtins.match "(a{300}){300}" "a""#, memory(2 * MIB));
    assert!(e.contains("max-memory = 2 MiB"), "{e}");
    // Many of them fit a larger limit: the cache starts over rather than
    // holding them all (40 would be over 100 MB).
    let mut eval = Evaluation::builder().limits(memory(48 * MIB)).build();
    let v = eval
        .evaluate_str(
            r#"builtins.length (builtins.filter (m: m != null) (builtins.genList (i: builtins.match "(a{300}){300}|x${toString i}" "x${toString i}") 40))"#,
        )
        .unwrap();
    assert!(matches!(v, tvix_eval::Value::Int(40)), "{v:?}");
}

#[test]
fn long_walks_over_evaluated_data_meet_the_timeout() {
    // Loops that force nothing new (comparing two shared-structure values
    // of 2^60 leaves, trying 20,000 patterns at many bytes) still let the
    // VM check the limits.
    let dag = "let d = n: if n == 0 then [ 1 ] else let x = d (n - 1); in [ x x ]; in";
    let walks = [
        format!("{dag} d 60 == d 60"),
        format!("{dag} builtins.elem (d 60) [ 1 (d 60) ]"),
        format!("{dag} builtins.lessThan (d 60) (d 60)"),
        format!(
            "{dag} builtins.length (builtins.genericClosure {{ startSet = [ {{ key = d 60; }} {{ key = d 60; }} ]; operator = _: [ ]; }})"
        ),
        // The patterns start like the string, so every tenth byte is worth
        // trying all 20,000 of them (bytes that start none are skipped).
        r#"let pats = builtins.genList (i: "abcdefghij-${toString i}-") 20000;
               s = builtins.concatStringsSep "" (builtins.genList (_: "abcdefghij") 100000);
           in builtins.replaceStrings pats pats s"#
            .to_string(),
    ];
    for src in &walks {
        let start = Instant::now();
        let e = fails_with(src, Limits::default().timeout(Duration::from_millis(300)));
        assert!(e.contains("timed out"), "{src}: {e}");
        assert!(start.elapsed() < Duration::from_secs(10), "{src}");
    }
}

#[test]
fn large_steps_count_by_the_work_they_do() {
    // Each loop makes 2,000 steps that copy 100,000 attributes or elements:
    // counted a step per 256 elements, they exceed 200,000 steps (they
    // counted a handful each, and a loop of `//` on a large set did seconds
    // of work between two checks of the timeout or the interrupt flag).
    let loops = [
        r#"let s = builtins.listToAttrs (builtins.genList (i: { name = "a${toString i}"; value = i; }) 100000);
           in builtins.attrNames (builtins.foldl' (acc: i: acc // s) { } (builtins.genList (x: x) 2000))"#,
        r#"let l = builtins.genList (x: x) 100000;
           in builtins.foldl' (acc: i: builtins.seq (l ++ [ i ]) acc) 0 (builtins.genList (x: x) 2000)"#,
        r#"let s = builtins.listToAttrs (builtins.genList (i: { name = "a${toString i}"; value = i; }) 100000);
           in builtins.foldl' (acc: i: builtins.seq (builtins.attrValues s) acc) 0 (builtins.genList (x: x) 2000)"#,
    ];
    for src in loops {
        let e = fails_with(src, Limits::default().max_steps(200_000));
        assert!(e.contains("max-steps = 200000"), "{src}: {e}");
    }
    // Returning a large value that already exists is no work.
    let mut eval = Evaluation::builder()
        .limits(Limits::default().max_steps(200_000))
        .build();
    let v = eval.evaluate_str(
        r#"let s = { big = builtins.genList (x: x) 100000; };
           in builtins.foldl' (acc: i: builtins.seq (builtins.getAttr "big" s) (acc + 1)) 0 (builtins.genList (x: x) 2000)"#,
    );
    assert!(matches!(v, Ok(tvix_eval::Value::Int(2000))), "{v:?}");
}

#[test]
fn the_syntax_tree_of_a_large_source_must_fit_the_memory_limit() {
    // Two million tokens: rowan's tree takes about 100 MB, the list it
    // evaluates to 16 MB.
    let src = format!("[{} ]", " 1".repeat(1_000_000));
    let e = fails_with(&src, memory(64 * MIB));
    assert!(e.contains("max-memory = 64 MiB"), "{e}");
    let mut eval = Evaluation::builder().limits(memory(512 * MIB)).build();
    let v = eval.evaluate_str(&format!("builtins.length {src}"));
    assert!(matches!(v, Ok(tvix_eval::Value::Int(1_000_000))), "{v:?}");
    // Few tokens in many bytes: the tree is small, though the most a text
    // of this size could take (every byte a token) would not fit.
    let long = format!("builtins.stringLength \"{}\"", "a".repeat(2_000_000));
    let mut eval = Evaluation::builder().limits(memory(64 * MIB)).build();
    let v = eval.evaluate_str(&long);
    assert!(matches!(v, Ok(tvix_eval::Value::Int(2_000_000))), "{v:?}");
}
