//! Builtins that make many values in one call (`split`, `splitVersion`,
//! `fromJSON`, `fromTOML`, `genericClosure`) stop near the memory limit
//! instead of allocating many times it before the evaluator looks: this
//! test binary counts every byte it allocates, and checks the peak.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; only counters are
// updated on the side.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let grown = new_size - layout.size();
                let now = IN_USE.fetch_add(grown, Ordering::Relaxed) + grown;
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                IN_USE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

const MIB: usize = 1 << 20;

/// One test, so that nothing else allocates while a peak is measured.
#[test]
fn value_building_builtins_stop_near_the_memory_limit() {
    // Each input is 4 to 12 MB, made by doubling; without the checks inside
    // the builtins each peaked at 290 to 380 MB here.
    let double = "let d = n: s: if n == 0 then s else d (n - 1) (s + s); in";
    let bombs = [
        format!(r#"{double} builtins.length (builtins.split "" (d 22 "a"))"#),
        format!(r#"{double} builtins.length (builtins.splitVersion (d 22 "1."))"#),
        format!(r#"{double} builtins.length (builtins.fromJSON ("[" + d 22 "[]," + "[]]"))"#),
        format!(r#"{double} builtins.length (builtins.fromJSON ("[" + d 22 "{{}}," + "{{}}]"))"#),
        format!(r#"{double} builtins.length (builtins.fromTOML ("a = [" + d 20 "[]," + "[]]")).a"#),
        // Its queue, keys and result are not values until it ends.
        "builtins.length (builtins.genericClosure { startSet = [ { key = 0; } ]; \
         operator = x: [ { key = x.key + 1; } ]; })"
            .to_string(),
    ];
    for src in &bombs {
        let before = IN_USE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let err = tvix_serde::from_str_with_config::<u64, _>(src, |b| {
            b.limits(tvix_serde::Limits::default().max_memory(64 << 20))
        })
        .unwrap_err();
        assert!(err.is_limit_error(), "{src}: {err}");
        assert!(
            err.message().contains("max-memory = 64 MiB"),
            "{src}: {err}"
        );
        let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
        assert!(
            peak < 160 * MIB,
            "{src}: {} MiB allocated at the peak under a 64 MiB limit",
            peak / MIB
        );
    }
}
