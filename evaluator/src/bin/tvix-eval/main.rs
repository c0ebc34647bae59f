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

use std::process::ExitCode;

/// mimalloc, through its unaligned fast path: the evaluator allocates many
/// small, short-lived objects, and `mi_malloc` already guarantees 16-byte
/// alignment (the `mimalloc` crate always takes the slower aligned path).
struct FastAlloc;

const MI_MIN_ALIGN: usize = 16;

// SAFETY: every block comes from mimalloc and goes back to it; blocks whose
// alignment exceeds what `mi_malloc` guarantees use the aligned functions.
unsafe impl std::alloc::GlobalAlloc for FastAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.align() <= MI_MIN_ALIGN {
            unsafe { libmimalloc_sys::mi_malloc(layout.size()) as *mut u8 }
        } else {
            unsafe { libmimalloc_sys::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8 }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.align() <= MI_MIN_ALIGN {
            unsafe { libmimalloc_sys::mi_zalloc(layout.size()) as *mut u8 }
        } else {
            unsafe { libmimalloc_sys::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8 }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        unsafe { libmimalloc_sys::mi_free(ptr as *mut std::ffi::c_void) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
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

fn main() -> ExitCode {
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
