//! The `tvix-eval` command: `nix-instantiate`'s interface (`--eval`,
//! `--parse`, instantiation) on top of the `tvix_eval` library, with
//! byte-identical output. Installed or linked as `nix-instantiate`, it names
//! itself that way in messages and behaves identically.

mod ansi;
mod args;
mod instantiate;
mod run;
mod select;
mod settings;

use std::alloc::GlobalAlloc;
use std::process::ExitCode;

/// mimalloc, through its unaligned fast path: the evaluator allocates many
/// small, short-lived objects, and `mi_malloc` already guarantees 16-byte
/// alignment (the `mimalloc` crate always takes the slower aligned path).
///
/// Blocks of [`LARGE_BLOCK`] bytes or more (big sets and lists, long strings)
/// go to the system allocator instead, which maps them page by page. mimalloc
/// rounds such blocks up to a size class, and with transparent huge pages the
/// rounding becomes resident: `fixpoint.nix`, whose 1,000 sets of up to 1.2 MB
/// hold 600 MB, peaked at 783 MiB through mimalloc and peaks at about 600 MiB so.
struct FastAlloc;

const MI_MIN_ALIGN: usize = 16;

/// The size from which a block comes from the system allocator. A block's
/// size alone decides which allocator owns it, so `dealloc` and `realloc`
/// know where to return it.
const LARGE_BLOCK: usize = 256 * 1024;

// The large-block paths are out of line: with LTO the allocator is inlined
// into every allocation site, the dispatch loop's included, where the branch
// to them is all that should appear.

/// [`GlobalAlloc::alloc`] and `alloc_zeroed` of a large block.
#[cold]
#[inline(never)]
unsafe fn alloc_large(layout: std::alloc::Layout, zeroed: bool) -> *mut u8 {
    if zeroed {
        unsafe { std::alloc::System.alloc_zeroed(layout) }
    } else {
        unsafe { std::alloc::System.alloc(layout) }
    }
}

/// [`GlobalAlloc::dealloc`] of a large block.
#[cold]
#[inline(never)]
unsafe fn dealloc_large(ptr: *mut u8, layout: std::alloc::Layout) {
    unsafe { std::alloc::System.dealloc(ptr, layout) }
}

/// [`GlobalAlloc::realloc`] where the old or the new size is large: within
/// the system allocator, or moving the block from one allocator to the other.
#[cold]
#[inline(never)]
unsafe fn realloc_large(ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
    if layout.size() >= LARGE_BLOCK && new_size >= LARGE_BLOCK {
        return unsafe { std::alloc::System.realloc(ptr, layout, new_size) };
    }
    // SAFETY (for the layout): the caller guarantees `new_size`, rounded up
    // to `layout.align()`, does not overflow `isize`.
    let new_layout =
        unsafe { std::alloc::Layout::from_size_align_unchecked(new_size, layout.align()) };
    let new = unsafe { FastAlloc.alloc(new_layout) };
    if !new.is_null() {
        unsafe {
            std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            FastAlloc.dealloc(ptr, layout);
        }
    }
    new
}

// SAFETY: a block's size decides its allocator the same way at allocation,
// reallocation and release, so every block goes back where it came from;
// blocks whose alignment exceeds what `mi_malloc` guarantees use mimalloc's
// aligned functions, and the system allocator honours any alignment.
unsafe impl GlobalAlloc for FastAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.size() >= LARGE_BLOCK {
            return unsafe { alloc_large(layout, false) };
        }
        if layout.align() <= MI_MIN_ALIGN {
            unsafe { libmimalloc_sys::mi_malloc(layout.size()) as *mut u8 }
        } else {
            unsafe { libmimalloc_sys::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8 }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.size() >= LARGE_BLOCK {
            return unsafe { alloc_large(layout, true) };
        }
        if layout.align() <= MI_MIN_ALIGN {
            unsafe { libmimalloc_sys::mi_zalloc(layout.size()) as *mut u8 }
        } else {
            unsafe { libmimalloc_sys::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8 }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        if layout.size() >= LARGE_BLOCK {
            return unsafe { dealloc_large(ptr, layout) };
        }
        unsafe { libmimalloc_sys::mi_free(ptr as *mut std::ffi::c_void) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        if layout.size() >= LARGE_BLOCK || new_size >= LARGE_BLOCK {
            return unsafe { realloc_large(ptr, layout, new_size) };
        }
        let p = ptr as *mut std::ffi::c_void;
        if layout.align() <= MI_MIN_ALIGN {
            unsafe { libmimalloc_sys::mi_realloc(p, new_size) as *mut u8 }
        } else {
            unsafe { libmimalloc_sys::mi_realloc_aligned(p, new_size, layout.align()) as *mut u8 }
        }
    }
}

#[global_allocator]
static GLOBAL: FastAlloc = FastAlloc;

/// The name the program was invoked as (the basename of `argv[0]`).
fn program_name(argv0: Option<&std::ffi::OsString>) -> String {
    argv0
        .map(std::path::Path::new)
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "tvix-eval".to_string())
}

/// Turns transparent huge pages off for the process. mimalloc asks for them
/// on its arenas, and where the kernel compacts memory to make one (its
/// common `defrag=madvise` setting), a page fault may wait for that: one run
/// in three or four of a 200 MB evaluation spent 0.2-0.7 s more in the
/// kernel. Small pages cost a few percent more faults, never stall, and
/// leave a smaller peak (fixpoint.nix 618 → 607 MB).
#[cfg(target_os = "linux")]
fn without_huge_pages() {
    // SAFETY: takes no pointers; where it fails (old kernels) nothing changes.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(not(target_os = "linux"))]
fn without_huge_pages() {}

fn main() -> ExitCode {
    without_huge_pages();
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let program = program_name(argv.first());
    let colours = ansi::keep_colours();
    let opts = match args::parse(&program, argv) {
        Ok(args::Parsed::Run(o)) => o,
        Ok(args::Parsed::Print(text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            ansi::eprint(
                &format!("error: {e}\nTry '{program} --help' for more information.\n"),
                colours,
            );
            return ExitCode::from(1);
        }
    };
    for note in &opts.config.notes {
        ansi::eprint(&format!("{note}\n"), colours);
    }
    match run::run(&opts, colours) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let mut text = tvix_eval::errors::render_error(&e, opts.config.show_trace);
            if !text.ends_with('\n') {
                text.push('\n');
            }
            ansi::eprint(&text, colours);
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::Layout;

    /// A block keeps its bytes when reallocation moves it between the two
    /// allocators, in both directions, and zeroed blocks are zero on both sides.
    #[test]
    fn blocks_keep_their_bytes_across_the_large_block_threshold() {
        let pattern = |i: usize| (i * 7 % 251) as u8;
        let sizes = [1000, LARGE_BLOCK + 4096, 2 * LARGE_BLOCK, 100, 100];
        unsafe {
            let mut layout = Layout::from_size_align(sizes[0], 8).unwrap();
            let mut p = FastAlloc.alloc(layout);
            assert!(!p.is_null());
            for i in 0..sizes[0] {
                *p.add(i) = pattern(i);
            }
            for &size in &sizes[1..] {
                let kept = layout.size().min(size);
                p = FastAlloc.realloc(p, layout, size);
                assert!(!p.is_null());
                layout = Layout::from_size_align(size, 8).unwrap();
                for i in 0..kept {
                    assert_eq!(*p.add(i), pattern(i), "byte {i} after realloc to {size}");
                }
                for i in kept..size {
                    *p.add(i) = pattern(i);
                }
            }
            FastAlloc.dealloc(p, layout);
            for size in [64, LARGE_BLOCK] {
                for align in [8, 64] {
                    let layout = Layout::from_size_align(size, align).unwrap();
                    let z = FastAlloc.alloc_zeroed(layout);
                    assert!(!z.is_null());
                    assert_eq!(z as usize % align, 0);
                    assert!((0..size).all(|i| *z.add(i) == 0));
                    FastAlloc.dealloc(z, layout);
                }
            }
        }
    }
}
