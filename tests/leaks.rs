//! Loading a config many times in one thread keeps memory flat, and what
//! one load sees never depends on what the thread loaded before.

/// The tests here measure the process's RSS: they run one at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Hands memory the allocator holds free back to the system, so that RSS
/// counts what is allocated: glibc keeps freed blocks in per-thread arenas
/// (each test runs on its own thread) and returned 40 MB of a load's freed
/// regular expressions only sometimes, which made the regex test flaky.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release_free_memory() {
    extern "C" {
        fn malloc_trim(pad: usize) -> i32;
    }
    // SAFETY: glibc's `malloc_trim` only releases free memory; any pad is valid.
    unsafe {
        malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_free_memory() {}

fn rss_bytes() -> u64 {
    release_free_memory();
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// Fails if RSS grew by 16 MiB or more since `before` over `what`.
fn assert_rss_flat(before: u64, what: &str) {
    let growth = rss_bytes().saturating_sub(before);
    assert!(
        growth < 16 << 20,
        "RSS grew by {} KiB over {what}",
        growth >> 10
    );
}

#[test]
fn twenty_thousand_loads_keep_rss_flat() {
    let _serial = serial();
    if !std::path::Path::new("/proc/self/statm").exists() {
        return;
    }
    // Warm up allocator pools and lazily built tables first.
    for _ in 0..500 {
        let n: u8 = tvix_serde::from_str("1").unwrap();
        assert_eq!(n, 1);
    }
    let before = rss_bytes();
    for i in 0..20_000u32 {
        let src = format!("{{ a{} = {}; b = [ \"x\" ]; }}.b", i % 7, i % 200);
        let v: Vec<String> = tvix_serde::from_str(&src).unwrap();
        assert_eq!(v, ["x"]);
        let n: u8 = tvix_serde::from_str("1").unwrap();
        assert_eq!(n, 1);
    }
    assert_rss_flat(before, "20,000 loads");
}

#[test]
fn attribute_order_does_not_depend_on_earlier_loads() {
    let _serial = serial();
    // `deepSeq` walks a set in the order its names were first seen; an
    // earlier load that used `b` before `a` must not change which error
    // this one reports.
    let src = r#"builtins.deepSeq { a = throw "a first"; b = throw "b first"; } 1"#;
    let fresh =
        std::thread::spawn(move || tvix_serde::from_str::<i64>(src).unwrap_err().to_string())
            .join()
            .unwrap();
    let _: i64 = tvix_serde::from_str("let b = 1; zz = 2; a = 3; in b + zz + a").unwrap();
    let after = tvix_serde::from_str::<i64>(src).unwrap_err().to_string();
    assert_eq!(fresh, after);
}

/// Names of this load only: `{ <tag>_<i>_0 = 0; … }`, so that no two loads
/// share one.
fn fresh_names_config(tag: &str, i: u32, count: u32) -> String {
    let mut src = String::from("builtins.length (builtins.attrNames {");
    for k in 0..count {
        src.push_str(&format!(" {tag}_{i}_{k} = {k};"));
    }
    src.push_str(" })");
    src
}

#[test]
fn loads_with_ever_new_names_free_them() {
    let _serial = serial();
    // Without reclaiming, each load would keep its 400 names for good
    // (about 90 bytes each: 36 MB across the loop).
    let _: u32 = tvix_serde::from_str(&fresh_names_config("warm", 0, 400)).unwrap();
    let baseline = tvix_eval::value::interned_names();
    let before = rss_bytes();
    let mut most = 0;
    for i in 0..1_000u32 {
        let n: u32 = tvix_serde::from_str(&fresh_names_config("name", i, 400)).unwrap();
        assert_eq!(n, 400);
        most = most.max(tvix_eval::value::interned_names());
    }
    assert!(
        most <= baseline + 400,
        "the table grew from {baseline} to {most} names"
    );
    if std::path::Path::new("/proc/self/statm").exists() {
        assert_rss_flat(before, "1,000 loads");
    }
}

#[test]
fn a_finished_load_frees_its_names_at_once() {
    let _serial = serial();
    let _: u32 = tvix_serde::from_str(&fresh_names_config("first", 0, 10)).unwrap();
    let before = tvix_eval::value::interned_names();
    let n: u32 = tvix_serde::from_str(&fresh_names_config("once", 0, 300)).unwrap();
    assert_eq!(n, 300);
    // Not only when the thread's next evaluation starts.
    assert_eq!(tvix_eval::value::interned_names(), before);
}

#[test]
fn a_thread_per_load_frees_its_names() {
    let _serial = serial();
    let load = |i: u32| {
        std::thread::spawn(move || {
            tvix_serde::from_str::<u32>(&fresh_names_config("thread", i, 800)).unwrap()
        })
        .join()
        .unwrap()
    };
    for i in 0..20 {
        assert_eq!(load(i), 800);
    }
    // Without freeing a thread's table when it ends, 500 threads would
    // leave 400,000 names behind.
    let before = rss_bytes();
    for i in 20..520 {
        assert_eq!(load(i), 800);
    }
    assert_rss_flat(before, "500 threads");
}

#[test]
fn values_kept_from_a_dropped_evaluation_keep_their_names() {
    let _serial = serial();
    let kept = {
        let mut eval = tvix_eval::Evaluation::builder().build();
        eval.evaluate_str("{ kept_name_only_here = \"yes\"; }")
            .unwrap()
    };
    // Building another evaluation must not free the names `kept` uses.
    let v: String = tvix_serde::from_str_with_config("builtins.site.kept_name_only_here", |b| {
        b.add_builtin("site", tvix_serde::ExtraBuiltin::Value(kept.clone()))
    })
    .unwrap();
    assert_eq!(v, "yes");
    let tvix_eval::Value::Attrs(attrs) = &kept else {
        panic!("not a set: {kept:?}");
    };
    let names: Vec<String> = attrs.iter().map(|a| a.name.to_string()).collect();
    assert_eq!(names, ["kept_name_only_here"]);
}

#[test]
fn compiled_regular_expressions_go_with_their_evaluation() {
    let _serial = serial();
    // Each expression compiles to about 3 MB: a cache that outlived the
    // load would keep 40 of them (over 100 MB).
    let src = r#"builtins.length (builtins.filter (m: m != null) (builtins.genList (i: builtins.match "(a{300}){300}|y${toString i}" "y${toString i}") 40))"#;
    let _: u32 = tvix_serde::from_str(r#"builtins.length (builtins.split "a" "bab")"#).unwrap();
    // The same load with a trivial expression first: what the thread sets
    // up once for it (thread-local tables, the allocator's bookkeeping) is
    // then in place, and only the expressions' own memory is measured.
    let _: u32 = tvix_serde::from_str(&src.replace("(a{300}){300}", "a")).unwrap();
    let before = rss_bytes();
    let n: u32 = tvix_serde::from_str(src).unwrap();
    assert_eq!(n, 40);
    assert_rss_flat(before, "one load of 40 large regular expressions");
}

#[test]
fn cyclic_and_failing_loads_free_their_names_too() {
    let _serial = serial();
    // A set left on a reference cycle, or one an error abandons mid-way,
    // would hold its lease forever and stop all reclaiming on the thread.
    let cases = [
        "let x = { y = x; NAME = 1; }; in x.y.y.NAME",
        "(rec { a = b; b = 1; NAME = a; }).NAME",
        "let fix = f: let x = f x; in x; in (fix (self: { NAME = 1; b = self.NAME; })).b",
        "let f = x: { NAME = f; v = x; }; in (f 1).v",
        "let xs = [ xs { NAME = 1; } ]; in builtins.length xs",
        "let x = { NAME = x; }; in throw \"boom\"",
        "let x = { NAME = x; y = x.y; }; in x.y",
        "let x = { NAME = 1; }; in x.nope",
        "(derivation { name = \"NAME\"; system = \"x\"; builder = \"/b\"; NAME = 1; }).drvPath",
        "builtins.tryEval (let x = { NAME = x; }; in throw x.NAME)",
    ];
    for (k, case) in cases.iter().enumerate() {
        let mut sizes = Vec::new();
        for i in 0..20 {
            let src = case.replace("NAME", &format!("name_{k}_{i}"));
            let _ = tvix_serde::from_str::<tvix_serde::Value>(&src);
            sizes.push(tvix_eval::value::interned_names());
        }
        let (least, most) = (sizes.iter().min(), sizes.iter().max());
        assert!(
            most.zip(least).is_some_and(|(m, l)| m - l <= 2),
            "{case}: the table kept growing: {sizes:?}"
        );
    }
}
