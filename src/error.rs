//! The error type of `tvix_serde`: evaluation failures and data mismatches,
//! each with the config path being read and the source location it is about.

use std::fmt;

use tvix_eval::{ErrorKind, Span};

/// Where in the Nix source a value was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file name (`«string»` for [`crate::from_str`] unless the builder
    /// names the source).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in bytes.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Nix evaluation failed (`throw`, a type error in Nix code, a parse error, …).
    Eval,
    /// The value does not fit the target type (or another serde error).
    Data,
    /// A Rust builtin returned `Err`; becomes a Nix `throw` (never returned to users).
    Failed,
}

/// An error from evaluating or deserializing a Nix config.
///
/// Every error has a [`message`](Error::message). Errors found while
/// deserializing also have the [`path`](Error::path) inside the config that
/// was being read, and errors about a value have the
/// [`location`](Error::location) where it was written: a type error points
/// at the value itself, a missing attribute at the set that lacks it.
/// `Display` gives one line for data errors and, for evaluation errors, a
/// first line followed by the Nix diagnostic; it never starts with `error:`,
/// so it reads well under `anyhow`'s `Caused by:`.
///
/// ```
/// #[derive(Debug, serde::Deserialize)]
/// struct Server { port: u16 }
/// let err = tvix_serde::from_str::<Vec<Server>>("[ { port = 80; } { port = -1; } ]").unwrap_err();
/// assert_eq!(err.path(), Some("[1].port"));
/// assert_eq!(err.location().map(|l| (l.line, l.column)), Some((1, 27)));
/// assert_eq!(err.message(), "integer -1 is out of range for u16");
/// assert_eq!(err.to_string(), "«string»:1:27: [1].port: integer -1 is out of range for u16");
/// assert!(!err.is_eval_error());
///
/// let err = tvix_serde::from_str::<Server>("{ port = throw \"no port configured\"; }").unwrap_err();
/// assert!(err.is_eval_error());
/// assert_eq!(err.path(), Some("port"));
/// assert_eq!(err.message(), "no port configured");
/// assert!(err.to_string().starts_with("port: no port configured\n"));
/// assert!(err.diagnostic().contains("throw \"no port configured\""));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Error(Box<Inner>);

#[derive(Clone, Debug, PartialEq)]
struct Inner {
    kind: Kind,
    message: String,
    path: Option<String>,
    location: Option<Location>,
    /// The rendered diagnostic, starting with `error: `.
    diagnostic: String,
    /// The span `location` was resolved from (valid on this thread only).
    span: Option<Span>,
    /// The evaluator's error, for evaluation errors.
    source: Option<tvix_eval::Error>,
}

impl Error {
    /// An evaluation error, with its Nix diagnostic (source snippet and trace).
    #[cold]
    pub(crate) fn eval(e: &tvix_eval::Error) -> Error {
        let mut e = e.clone();
        if let Some(reworded) = library_wording(&e.kind) {
            e.kind = ErrorKind::Io(reworded);
        }
        let location = e.location().map(|l| Location {
            file: l.file,
            line: l.line,
            column: l.column,
        });
        Error(Box::new(Inner {
            kind: Kind::Eval,
            message: e.message(),
            path: None,
            location,
            diagnostic: tvix_eval::errors::render_error(&e, true),
            span: None,
            source: Some(e),
        }))
    }

    /// A data error without path or location (added by [`Error::at`]).
    #[cold]
    pub(crate) fn data(msg: impl Into<String>) -> Error {
        let message = msg.into();
        Error(Box::new(Inner {
            kind: Kind::Data,
            diagnostic: format!("error: {message}\n"),
            message,
            path: None,
            location: None,
            span: None,
            source: None,
        }))
    }

    /// A Rust builtin's `Err` outcome.
    #[cold]
    pub(crate) fn failed(message: String) -> Error {
        let mut e = Error::data(message);
        e.0.kind = Kind::Failed;
        e
    }

    /// This error as an evaluator error, for a native function `name` to
    /// return into Nix: evaluation errors keep their own location and
    /// trace; data errors name the argument (`argument` is 1-based) and
    /// point at the value if it is known; an `Err` outcome is a `throw`.
    pub(crate) fn into_native(self, name: &str, argument: Option<usize>) -> ErrorKind {
        let inner = *self.0;
        if let Some(source) = inner.source {
            return ErrorKind::InNative(Box::new(source));
        }
        let mut message = format!("{name}: ");
        if let Some(i) = argument {
            message.push_str(&format!("argument {i}: "));
        }
        if let Some(path) = inner.path.as_deref().filter(|p| !p.is_empty()) {
            message.push_str(&format!("{path}: "));
        }
        message.push_str(&inner.message);
        match (inner.kind, inner.span) {
            (Kind::Failed, _) => ErrorKind::Throw(message),
            (_, Some(span)) => ErrorKind::InNative(Box::new(tvix_eval::Error::new(
                ErrorKind::Eval(message),
                span,
            ))),
            _ => ErrorKind::Eval(message),
        }
    }

    /// Attaches the config path (and, for data errors, the location that
    /// `span` resolves to) unless an inner value already did. `span` is only
    /// called when needed, since resolving it re-reads the source.
    pub(crate) fn at(mut self, path: &str, span: impl FnOnce() -> Option<Span>) -> Error {
        if self.0.path.is_some() {
            return self;
        }
        self.0.path = Some(path.to_string());
        match self.0.kind {
            Kind::Eval => {
                if !path.is_empty() {
                    if let Some(rest) = self.0.diagnostic.strip_prefix("error: ") {
                        self.0.diagnostic = format!("error: {path}: {rest}");
                    }
                }
            }
            Kind::Data | Kind::Failed => {
                if let Some(span) = span() {
                    self.locate(path, span);
                }
            }
        }
        self
    }

    /// Sets a data error's location and renders its diagnostic at `span`,
    /// through the evaluator's renderer.
    fn locate(&mut self, path: &str, span: Span) {
        let Some(l) = tvix_eval::syntax::locate(span) else {
            return;
        };
        self.0.location = Some(Location {
            file: l.file,
            line: l.line,
            column: l.column,
        });
        self.0.span = Some(span);
        let header = match path {
            "" => self.0.message.clone(),
            p => format!("{p}: {}", self.0.message),
        };
        let e = tvix_eval::Error::new(ErrorKind::Eval(header), span);
        self.0.diagnostic = tvix_eval::errors::render_error(&e, false);
    }

    /// The path inside the config that was being read when the error
    /// happened (`servers[2].port`); `None` at the top level or before
    /// deserialization began (a syntax error, say).
    ///
    /// ```
    /// #[derive(Debug, serde::Deserialize)]
    /// struct Upstream { host: String, port: u16 }
    /// let src = "{ upstreams = builtins.genList (i: { host = \"h${toString i}\"; port = throw \"no port for h${toString i}\"; }) 2; }";
    /// #[derive(Debug, serde::Deserialize)]
    /// struct Config { upstreams: Vec<Upstream> }
    /// let err = tvix_serde::from_str::<Config>(src).unwrap_err();
    /// assert_eq!(err.path(), Some("upstreams[0].port"));
    /// assert_eq!(err.message(), "no port for h0");
    /// ```
    pub fn path(&self) -> Option<&str> {
        self.0.path.as_deref().filter(|p| !p.is_empty())
    }

    /// Where the offending value (or the failing Nix expression) was written.
    pub fn location(&self) -> Option<&Location> {
        self.0.location.as_ref()
    }

    /// Whether Nix evaluation itself failed, as opposed to a value not
    /// fitting the target type.
    pub fn is_eval_error(&self) -> bool {
        self.0.kind == Kind::Eval
    }

    /// Whether a resource limit ([`crate::Limits`]) or an
    /// [`InterruptHandle`](crate::InterruptHandle) stopped the evaluation.
    pub fn is_limit_error(&self) -> bool {
        self.0
            .source
            .as_ref()
            .is_some_and(|e| e.kind.is_limit_like())
    }

    /// The message alone, without path or location.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The error rendered rustc-style: `error: path: message`, then the
    /// source line with the offending span underlined and, for evaluation
    /// errors, the Nix trace. Data errors without a location render as the
    /// header line alone.
    ///
    /// ```
    /// let err = tvix_serde::from_str::<bool>("{ }").unwrap_err();
    /// assert_eq!(err.message(), "expected a Boolean, found a set");
    /// assert!(err.diagnostic().starts_with("error: expected a Boolean, found a set\n"));
    /// assert!(err.diagnostic().contains("1 │ { }"));
    /// ```
    pub fn diagnostic(&self) -> &str {
        &self.0.diagnostic
    }
}

/// Words a refused file access after the builder option that lifts it
/// (C++ Nix names its command-line flag instead).
fn library_wording(kind: &ErrorKind) -> Option<String> {
    match kind {
        ErrorKind::Forbidden { path, pure: true } => Some(format!(
            "access to absolute path '{path}' is forbidden in pure mode \
             (allow its directory with the builder's `allow_root`)"
        )),
        ErrorKind::Forbidden { path, pure: false } => Some(format!(
            "access to absolute path '{path}' is forbidden: it is outside the \
             allowed roots (add its directory with the builder's `allow_root`)"
        )),
        ErrorKind::Spanned(e) | ErrorKind::InNative(e) => library_wording(&e.kind),
        _ => None,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.kind {
            Kind::Eval => {
                // The diagnostic's header already carries the path.
                let d = self.0.diagnostic.trim_end();
                f.write_str(d.strip_prefix("error: ").unwrap_or(d))
            }
            Kind::Data | Kind::Failed => {
                if let Some(loc) = &self.0.location {
                    write!(f, "{loc}: ")?;
                }
                if let Some(path) = self.path() {
                    write!(f, "{path}: ")?;
                }
                f.write_str(&self.0.message)
            }
        }
    }
}

impl std::error::Error for Error {}

impl serde::de::Error for Error {
    #[cold]
    fn custom<T: fmt::Display>(msg: T) -> Error {
        Error::data(msg.to_string())
    }

    #[cold]
    fn invalid_type(unexp: serde::de::Unexpected<'_>, exp: &dyn serde::de::Expected) -> Error {
        Error::data(format!("expected {exp}, found {}", describe(&unexp)))
    }

    #[cold]
    fn invalid_value(unexp: serde::de::Unexpected<'_>, exp: &dyn serde::de::Expected) -> Error {
        Error::data(format!(
            "invalid value: expected {exp}, found {}",
            describe(&unexp)
        ))
    }

    #[cold]
    fn invalid_length(len: usize, exp: &dyn serde::de::Expected) -> Error {
        Error::data(format!("expected {exp}, found a list of {len} elements"))
    }

    #[cold]
    fn missing_field(field: &'static str) -> Error {
        Error::data(format!("missing attribute '{field}'"))
    }

    #[cold]
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Error {
        Error::data(format!(
            "unknown attribute '{field}', expected one of: {}",
            expected.join(", ")
        ))
    }

    #[cold]
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Error {
        Error::data(format!(
            "unknown variant '{variant}', expected one of: {}",
            expected.join(", ")
        ))
    }
}

impl serde::ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Error {
        Error::data(msg.to_string())
    }
}

fn describe(u: &serde::de::Unexpected<'_>) -> String {
    use serde::de::Unexpected as U;
    match u {
        U::Bool(b) => format!("a Boolean {b}"),
        U::Unsigned(i) => format!("an integer {i}"),
        U::Signed(i) => format!("an integer {i}"),
        U::Float(x) => format!("a float {x}"),
        U::Char(c) => format!("a string {c:?}"),
        U::Str(s) => format!("a string {s:?}"),
        U::Bytes(_) => "a string".to_string(),
        U::Unit => "null".to_string(),
        U::Option => "an optional value".to_string(),
        U::NewtypeStruct => "a newtype".to_string(),
        U::Seq => "a list".to_string(),
        U::Map => "a set".to_string(),
        U::Enum => "an enum".to_string(),
        U::UnitVariant | U::NewtypeVariant | U::TupleVariant | U::StructVariant => {
            "an enum variant".to_string()
        }
        U::Other(o) => o.to_string(),
    }
}
