//! Evaluation errors: a kind with C++ Nix's wording, a span, and a trace of
//! the enclosing calls; rendered rustc-style with `codespan-reporting`.

mod render;

pub use render::{render_error, render_errors, render_warning};

use crate::syntax::{locate, Location, Span};

/// What went wrong.
#[derive(Clone, Debug, PartialEq)]
pub enum ErrorKind {
    /// `throw msg`: catchable by `tryEval`.
    Throw(String),
    /// `abort msg`: not catchable.
    Abort(String),
    /// A failed `assert`: catchable by `tryEval`. Holds the printed condition.
    AssertionFailed(String),
    /// A thunk forced while being forced.
    InfiniteRecursion,
    /// A syntax error.
    ParseError(String),
    /// Any other evaluation error, with its full message.
    Eval(String),
    /// A value of the wrong type.
    TypeError {
        /// What was expected ("a string").
        expected: &'static str,
        /// What was found.
        actual: &'static str,
    },
    /// Integer arithmetic overflowed (current Nix makes this an error).
    Overflow(String),
    /// File access failed.
    Io(String),
    /// File access refused by the evaluation's policy (pure or restricted
    /// mode). Embedders can word the refusal after their own settings.
    Forbidden {
        /// The path that was refused.
        path: String,
        /// Whether pure mode (rather than restricted mode) refused it.
        pure: bool,
    },
    /// The VM's frame stack grew past its limit.
    StackOverflow,
    /// Calls nested deeper than an explicitly set `max-call-depth`.
    MaxCallDepth,
    /// A resource limit stopped the evaluation (never caught by `tryEval`).
    Limit(crate::state::limits::LimitKind),
    /// An error that already has its own location (e.g. from an imported file).
    Spanned(Box<Error>),
    /// An error raised inside an embedder's native function (for example
    /// while it forced one of its arguments), with its own location; the
    /// call site is added to its trace.
    InNative(Box<Error>),
}

impl ErrorKind {
    /// Whether this error stops evaluation for a resource reason (a limit,
    /// interruption or exhausted call depth) rather than a fault in the code.
    pub fn is_limit_like(&self) -> bool {
        matches!(
            self,
            ErrorKind::Limit(_) | ErrorKind::MaxCallDepth | ErrorKind::StackOverflow
        )
    }

    /// Whether this error stops the evaluation because of a resource limit
    /// or an interruption (rather than something the Nix code did).
    pub fn is_limit(&self) -> bool {
        match self {
            ErrorKind::Spanned(e) | ErrorKind::InNative(e) => e.kind.is_limit(),
            k => matches!(k, ErrorKind::Limit(_)),
        }
    }

    /// Whether `builtins.tryEval` catches this error (only `throw` and `assert`, as in C++ Nix).
    pub fn is_catchable(&self) -> bool {
        match self {
            ErrorKind::Spanned(e) | ErrorKind::InNative(e) => e.kind.is_catchable(),
            k => matches!(k, ErrorKind::Throw(_) | ErrorKind::AssertionFailed(_)),
        }
    }

    /// The message, as C++ Nix words it (without the `error: ` prefix).
    pub fn message(&self) -> String {
        match self {
            ErrorKind::Throw(m) => m.clone(),
            ErrorKind::Abort(m) => {
                format!("evaluation aborted with the following error message: '{m}'")
            }
            ErrorKind::AssertionFailed(c) => format!("assertion '{c}' failed"),
            ErrorKind::InfiniteRecursion => "infinite recursion encountered".into(),
            ErrorKind::ParseError(m)
            | ErrorKind::Eval(m)
            | ErrorKind::Overflow(m)
            | ErrorKind::Io(m) => m.clone(),
            ErrorKind::TypeError { expected, actual } => {
                format!("value is {actual} while {expected} was expected")
            }
            ErrorKind::StackOverflow => "stack overflow (possible infinite recursion)".into(),
            ErrorKind::MaxCallDepth => "stack overflow; max-call-depth exceeded".into(),
            ErrorKind::Limit(l) => l.message(),
            // C++ Nix's wording, which names its command-line flag.
            ErrorKind::Forbidden { path, pure: true } => format!(
                "access to absolute path '{path}' is forbidden in pure eval mode (use '--impure' to override)"
            ),
            ErrorKind::Forbidden { path, pure: false } => {
                format!("access to absolute path '{path}' is forbidden in restricted mode")
            }
            ErrorKind::Spanned(e) | ErrorKind::InNative(e) => e.message(),
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

/// Shorthand for an `ErrorKind::Eval` with a formatted message.
#[macro_export]
macro_rules! eval_err {
    ($($arg:tt)*) => { $crate::errors::ErrorKind::Eval(format!($($arg)*)) };
}

/// One step of context around an error: where, and what was happening.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceFrame {
    /// Where.
    pub span: Span,
    /// What was happening there.
    pub message: String,
}

/// An evaluation error with its location and trace.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Where it went wrong.
    pub span: Span,
    /// Enclosing contexts, innermost first (what `--show-trace` prints).
    pub trace: Vec<TraceFrame>,
    /// The source table the spans refer to, once the error has left its
    /// evaluation (see [`crate::state`]).
    pub sources: SourceRef,
}

/// The evaluation context an error's spans belong to. Ignored by `==`.
#[derive(Clone, Default)]
pub struct SourceRef(pub Option<u32>);

impl SourceRef {
    /// The evaluation context, while it is alive on this thread.
    pub fn context(&self) -> Option<std::rc::Rc<crate::state::Context>> {
        self.0.and_then(crate::state::Context::by_id)
    }
}

impl PartialEq for SourceRef {
    fn eq(&self, _: &SourceRef) -> bool {
        true
    }
}

impl std::fmt::Debug for SourceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SourceRef")
    }
}

impl Error {
    /// An error at `span`.
    pub fn new(kind: ErrorKind, span: Span) -> Error {
        if let ErrorKind::Spanned(inner) = kind {
            let mut e = *inner;
            if span.is_some() {
                e.trace.push(TraceFrame {
                    span,
                    message: "while importing".into(),
                });
            }
            return e;
        }
        if let ErrorKind::InNative(inner) = kind {
            let mut e = *inner;
            if span.is_some() {
                e.trace.push(TraceFrame {
                    span,
                    message: "while calling a native function".into(),
                });
            }
            return e;
        }
        Error {
            kind,
            span,
            trace: Vec::new(),
            sources: SourceRef(None),
        }
    }

    /// The message without location.
    pub fn message(&self) -> String {
        self.kind.message()
    }

    /// Where the error happened, if known.
    pub fn location(&self) -> Option<Location> {
        self.locate(self.span)
    }

    /// Resolves one of this error's spans (its own or a trace frame's).
    pub fn locate(&self, span: Span) -> Option<Location> {
        match self.sources.context() {
            Some(ctx) => crate::syntax::locate_in(&ctx, span),
            None => locate(span),
        }
    }

    /// Adds an outer context frame.
    pub fn with_context(mut self, span: Span, message: impl Into<String>) -> Error {
        self.trace.push(TraceFrame {
            span,
            message: message.into(),
        });
        self
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.location() {
            Some(loc) => write!(
                f,
                "{}:{}:{}: {}",
                loc.file,
                loc.line,
                loc.column,
                self.message()
            ),
            None => f.write_str(&self.message()),
        }
    }
}

impl std::error::Error for Error {}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error::new(kind, Span::NONE)
    }
}
