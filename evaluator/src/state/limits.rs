//! Resource limits for one evaluation: memory, steps, call depth, wall-clock
//! time, and an interrupt flag another thread can raise.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Limits on what one evaluation may use. `Limits::default()` limits
/// nothing but the call depth (which is large enough for a million-deep
/// recursion); the builder methods tighten one limit each.
///
/// Exceeding a limit stops the evaluation with an error that `tryEval`
/// cannot catch, naming the limit and its value.
///
/// ```
/// use std::time::Duration;
/// let limits = tvix_eval::Limits::default()
///     .max_memory(256 << 20)
///     .max_steps(1_000_000)
///     .timeout(Duration::from_secs(60));
/// let mut eval = tvix_eval::Evaluation::builder().limits(limits).build();
/// // Exponential: runs for ever without a limit.
/// let err = eval
///     .evaluate_str("let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 100")
///     .unwrap_err();
/// assert!(err.to_string().contains("max-steps = 1000000"), "{err}");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes the evaluation's values may hold at once (`None`: no limit
    /// beyond what the host can allocate).
    pub memory: Option<u64>,
    /// Steps the evaluation may make in all: function calls and thunk
    /// forcings, plus one per 256 elements an operation builds at once.
    pub steps: Option<u64>,
    /// Nested calls and forcings (frames on the VM's frame stack).
    pub call_depth: usize,
    /// Wall-clock time for each call into the evaluation.
    pub timeout: Option<Duration>,
    /// Whether `call_depth` was set explicitly (which changes the message to
    /// current Nix's `max-call-depth` wording).
    pub(crate) call_depth_set: bool,
}

/// Frames the VM allows by default: a million-deep non-tail recursion
/// takes two frames a level, and each frame is small and on the heap.
pub const DEFAULT_CALL_DEPTH: usize = 2_500_000;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            memory: None,
            steps: None,
            call_depth: DEFAULT_CALL_DEPTH,
            timeout: None,
            call_depth_set: false,
        }
    }
}

impl Limits {
    /// No limit but the default call depth (the CLI's behaviour, as nix-instantiate).
    pub fn unlimited() -> Limits {
        Limits::default()
    }

    /// Limits the bytes the evaluation's values (strings, lists, sets,
    /// thunks, closures) may hold at once.
    pub fn max_memory(mut self, bytes: u64) -> Limits {
        self.memory = Some(bytes);
        self
    }

    /// Limits the number of steps: function calls and thunk forcings, and
    /// for an operation that builds a large value at once (a `//` of large
    /// sets, a builtin's long list) one more per 256 elements (4 KiB of a
    /// string) it makes. Deterministic: the same program stops at the same
    /// point every time.
    pub fn max_steps(mut self, steps: u64) -> Limits {
        self.steps = Some(steps);
        self
    }

    /// Limits how deeply calls and forcings may nest.
    pub fn max_call_depth(mut self, depth: usize) -> Limits {
        self.call_depth = depth.max(1);
        self.call_depth_set = true;
        self
    }

    /// Limits the wall-clock time of each call into the evaluation.
    pub fn timeout(mut self, timeout: Duration) -> Limits {
        self.timeout = Some(timeout);
        self
    }
}

impl Limits {
    /// How deeply nested data a walk over it (`deepSeq`, `toJSON`) may go:
    /// an explicitly set call depth, as current Nix counts such walks
    /// against `max-call-depth`; otherwise unbounded (the walks are
    /// iterative, so deep data is no danger to the host).
    pub(crate) fn data_depth(&self) -> Option<usize> {
        self.call_depth_set.then_some(self.call_depth)
    }
}

/// Stops an evaluation from another thread.
///
/// ```
/// let handle = tvix_eval::InterruptHandle::new();
/// let remote = handle.clone();
/// std::thread::spawn(move || {
///     std::thread::sleep(std::time::Duration::from_millis(50));
///     remote.interrupt();
/// });
/// let mut eval = tvix_eval::Evaluation::builder().interrupt(handle).build();
/// let err = eval
///     .evaluate_str("let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 100")
///     .unwrap_err();
/// assert!(err.to_string().contains("evaluation interrupted"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct InterruptHandle(Arc<AtomicBool>);

impl InterruptHandle {
    /// A handle that has not been triggered.
    pub fn new() -> InterruptHandle {
        InterruptHandle::default()
    }

    /// Asks every evaluation this handle is attached to to stop. It stops
    /// at its next call or forcing, within milliseconds.
    pub fn interrupt(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`InterruptHandle::interrupt`] was called (and not reset).
    pub fn is_interrupted(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Clears the flag, so the evaluation can be used again.
    pub fn reset(&self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

/// Which limit stopped an evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LimitKind {
    /// [`Limits::max_memory`] (bytes), or an allocation the host could not make.
    Memory(u64),
    /// [`Limits::max_steps`].
    Steps(u64),
    /// [`Limits::timeout`].
    Timeout(Duration),
    /// [`InterruptHandle::interrupt`].
    Interrupted,
    /// An allocation of this many bytes that the host could not make (no
    /// memory limit was configured).
    OutOfMemory(u64),
}

impl LimitKind {
    /// The error message.
    pub fn message(&self) -> String {
        match self {
            LimitKind::Memory(n) => format!(
                "evaluation exceeded its memory limit (max-memory = {})",
                format_bytes(*n)
            ),
            LimitKind::Steps(n) => {
                format!("evaluation exceeded its step limit (max-steps = {n})")
            }
            LimitKind::Timeout(d) => format!(
                "evaluation timed out (eval-timeout = {})",
                format_duration(*d)
            ),
            LimitKind::Interrupted => "evaluation interrupted".into(),
            LimitKind::OutOfMemory(n) => format!(
                "out of memory: the evaluation asked for {} more than the host can give",
                format_bytes(*n)
            ),
        }
    }
}

/// `512 MiB`, `3 KiB`, `17 bytes`.
pub fn format_bytes(n: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (size, unit) in UNITS {
        if n >= size {
            return if n.is_multiple_of(size) {
                format!("{} {unit}", n / size)
            } else {
                format!("{:.1} {unit}", n as f64 / size as f64)
            };
        }
    }
    format!("{n} bytes")
}

fn format_duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{:.3}s", d.as_secs_f64())
    }
}

/// Parses a size with an optional K/M/G/T suffix (powers of 1024): `512M`.
pub fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let (digits, shift) = match t.as_bytes().last()? {
        b'k' | b'K' => (&t[..t.len() - 1], 10),
        b'm' | b'M' => (&t[..t.len() - 1], 20),
        b'g' | b'G' => (&t[..t.len() - 1], 30),
        b't' | b'T' => (&t[..t.len() - 1], 40),
        _ => (t, 0),
    };
    let n: u64 = digits.trim().parse().ok()?;
    n.checked_mul(1u64 << shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_suffixes() {
        assert_eq!(parse_size("512"), Some(512));
        assert_eq!(parse_size("4K"), Some(4096));
        assert_eq!(parse_size("3m"), Some(3 << 20));
        assert_eq!(parse_size("2G"), Some(2 << 30));
        assert_eq!(parse_size("x"), None);
        assert_eq!(parse_size("99999999999T"), None);
    }

    #[test]
    fn bytes_format_readably() {
        assert_eq!(format_bytes(512 << 20), "512 MiB");
        assert_eq!(format_bytes(1536), "1.5 KiB");
        assert_eq!(format_bytes(17), "17 bytes");
    }
}
