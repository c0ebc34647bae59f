//! Every evaluation frees everything it allocated once it is dropped, even
//! when its values form reference cycles: each case of the language corpus
//! is evaluated twice under a counting allocator, and the second run must
//! end with exactly as many live bytes as it started with. (The first run
//! warms the thread's symbol interner and other per-thread tables.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;
use std::sync::Mutex;

/// The system allocator, counting the bytes currently allocated by each
/// thread (so that the test harness's own threads never disturb a count).
struct Counting;

thread_local! {
    static LIVE_BYTES: Cell<i64> = const { Cell::new(0) };
}

fn count(delta: i64) {
    // Threads being torn down have no counter left: their frees do not matter.
    let _ = LIVE_BYTES.try_with(|live| live.set(live.get() + delta));
}

/// Bytes the current thread has allocated and not freed.
fn live_bytes() -> i64 {
    LIVE_BYTES.with(Cell::get)
}

// SAFETY: defers to `System` and only adds bookkeeping (which never allocates).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            count(layout.size() as i64);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        count(-(layout.size() as i64));
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size() as i64);
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(new_size as i64 - layout.size() as i64);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Tests in this file run one at a time, so that they do not compete for the CPU.
static SERIAL: Mutex<()> = Mutex::new(());

/// Evaluates `file` as `nix-instantiate --eval --strict` would, ignoring
/// the outcome, and drops everything.
fn evaluate(file: &Path) {
    let dir = file.parent().unwrap_or(Path::new("/"));
    let mut eval = tvix_eval::Evaluation::builder()
        .pure(false)
        .base_dir(dir)
        .trace_sink(|_| {})
        .build();
    if let Ok(v) = eval.evaluate_file(file) {
        if let Ok(v) = eval.force_deep(&v) {
            let _ = tvix_eval::value::print_value(&v);
        }
    }
}

/// Live bytes left behind by evaluating `file` a second time.
fn leaked_by(file: &Path) -> i64 {
    evaluate(file);
    let before = live_bytes();
    evaluate(file);
    live_bytes() - before
}

#[test]
fn no_case_of_the_language_corpus_leaks() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lang");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/lang exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            name.is_some_and(|n| n.starts_with("eval-") && n.ends_with(".nix"))
        })
        .collect();
    files.sort();
    assert!(files.len() > 1000, "the corpus is missing");
    let leaks: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let leaked = leaked_by(f);
            (leaked != 0).then(|| format!("{}: {leaked} bytes", f.display()))
        })
        .collect();
    assert!(leaks.is_empty(), "leaking cases:\n{}", leaks.join("\n"));
}

#[test]
fn derivations_and_fixpoints_do_not_leak() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let cases = [
        // A derivation's outputs refer to each other through `all`.
        r#"derivation { name = "a"; builder = "b"; system = "s"; outputs = [ "out" "dev" ]; }"#,
        // A fixpoint closes its cycle through evaluated thunks only.
        "let fix = f: let x = f x; in x; in fix (self: { a = 1; b = self.a; me = self; })",
        "let fix = f: let x = f x; in x; in (fix (self: { xs = map (_: self) [ 1 2 ]; })).xs",
        // Cycles through lazily applied builtins and partial applications.
        "let s = { f = builtins.map (x: s); }; in s.f [ 1 ]",
        "let l = builtins.genList (_: l) 3; in builtins.length l",
        // A failure half-way leaves blackholed thunks behind.
        "let s = { a = s.b; b = throw \"no\"; c = s; }; in builtins.tryEval s.a",
    ];
    let dir = std::env::temp_dir();
    let mut leaks = Vec::new();
    for (i, src) in cases.iter().enumerate() {
        let file = dir.join(format!("tvix-eval-leak-{}-{i}.nix", std::process::id()));
        std::fs::write(&file, src).expect("temp dir is writable");
        let leaked = leaked_by(&file);
        let _ = std::fs::remove_file(&file);
        if leaked != 0 {
            leaks.push(format!("{src}: {leaked} bytes"));
        }
    }
    assert!(leaks.is_empty(), "leaking cases:\n{}", leaks.join("\n"));
}

/// Live bytes left behind by a second evaluation of `src`, built with
/// `reclaim_cycles(reclaim)`.
fn leaked_by_source(src: &str, reclaim: bool) -> i64 {
    let run = || {
        let mut eval = tvix_eval::Evaluation::builder()
            .reclaim_cycles(reclaim)
            .trace_sink(|_| {})
            .build();
        if let Ok(v) = eval.evaluate_str(src) {
            let _ = eval.force_deep(&v);
        }
    };
    run();
    let before = live_bytes();
    run();
    live_bytes() - before
}

#[test]
fn only_evaluations_that_reclaim_cycles_free_them() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // A recursive binding that refers to itself through a set.
    let src = "let s = { me = s; v = 1; }; in s.me.me.v";
    assert_eq!(leaked_by_source(src, true), 0);
    // Off (for a process that exits without dropping its evaluation),
    // cycles are not tracked and stay: `builtins.builtins` in every
    // evaluation, and this one's on top.
    let acyclic = leaked_by_source("let s = { v = 1; }; in s.v", false);
    assert!(acyclic > 0);
    assert!(leaked_by_source(src, false) > acyclic);
}
