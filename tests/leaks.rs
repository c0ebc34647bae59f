//! Loading a config many times in one thread keeps memory flat, and what
//! one load sees never depends on what the thread loaded before.

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

#[test]
fn twenty_thousand_loads_keep_rss_flat() {
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
    let growth = rss_bytes().saturating_sub(before);
    assert!(
        growth < 16 << 20,
        "RSS grew by {} KiB over 20,000 loads",
        growth >> 10
    );
}

#[test]
fn attribute_order_does_not_depend_on_earlier_loads() {
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
