//! The error type of `tvix_serde`: evaluation failures with the Nix
//! diagnostic, and type mismatches with the path inside the config and the
//! source location where the offending value was written.

use std::fmt;

/// Where in the Nix source a value was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file name (or `«string»` for `from_str`).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    /// Nix evaluation failed; `rendered` is the full diagnostic.
    Eval { message: String, rendered: String },
    /// The value does not fit the target type (or another serde error).
    Data(String),
}

/// An error from evaluating or deserializing a Nix config.
///
/// ```
/// #[derive(Debug, serde::Deserialize)]
/// struct Server { port: u16 }
/// let err = tvix_serde::from_str::<Vec<Server>>("[ { port = 80; } { port = -1; } ]").unwrap_err();
/// assert_eq!(err.path(), Some("[1].port"));
/// assert_eq!(err.location().map(|l| (l.line, l.column)), Some((1, 20)));
/// assert_eq!(err.message(), "integer -1 is out of range for u16");
/// assert!(!err.is_eval_error());
///
/// let err = tvix_serde::from_str::<u16>("throw \"no port configured\"").unwrap_err();
/// assert!(err.is_eval_error());
/// assert_eq!(err.message(), "no port configured");
/// assert!(err.diagnostic().unwrap().contains("throw"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    kind: Kind,
    path: Option<String>,
    location: Option<Location>,
}

impl Error {
    pub(crate) fn eval(e: &tvix_eval::Error) -> Error {
        let location = e.location().map(|l| Location {
            file: l.file,
            line: l.line,
            column: l.column,
        });
        Error {
            kind: Kind::Eval {
                message: e.message(),
                rendered: tvix_eval::errors::render_error(e, true),
            },
            path: None,
            location,
        }
    }

    pub(crate) fn data(msg: impl Into<String>) -> Error {
        Error {
            kind: Kind::Data(msg.into()),
            path: None,
            location: None,
        }
    }

    /// Attaches the config path and location unless an inner value already did.
    pub(crate) fn at(mut self, path: &str, location: Option<Location>) -> Error {
        if self.path.is_none() && matches!(self.kind, Kind::Data(_)) {
            self.path = Some(path.to_string());
            if self.location.is_none() {
                self.location = location;
            }
        }
        self
    }

    /// The path inside the config where the error happened (`servers[2].port`).
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref().filter(|p| !p.is_empty())
    }

    /// Where the offending value (or the failing expression) was written.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// Whether Nix evaluation itself failed (as opposed to a type mismatch).
    pub fn is_eval_error(&self) -> bool {
        matches!(self.kind, Kind::Eval { .. })
    }

    /// The message without path or location.
    pub fn message(&self) -> &str {
        match &self.kind {
            Kind::Eval { message, .. } => message,
            Kind::Data(m) => m,
        }
    }

    /// The full Nix diagnostic for evaluation errors (source line, caret, trace).
    pub fn diagnostic(&self) -> Option<&str> {
        match &self.kind {
            Kind::Eval { rendered, .. } => Some(rendered),
            Kind::Data(_) => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Kind::Eval { rendered, .. } = &self.kind {
            return f.write_str(rendered.trim_end());
        }
        if let Some(loc) = &self.location {
            write!(f, "{loc}: ")?;
        }
        if let Some(path) = self.path() {
            write!(f, "{path}: ")?;
        }
        f.write_str(self.message())
    }
}

impl std::error::Error for Error {}

impl serde::de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Error {
        Error::data(msg.to_string())
    }

    fn invalid_type(unexp: serde::de::Unexpected<'_>, exp: &dyn serde::de::Expected) -> Error {
        Error::data(format!("expected {exp}, found {}", describe(&unexp)))
    }

    fn invalid_value(unexp: serde::de::Unexpected<'_>, exp: &dyn serde::de::Expected) -> Error {
        Error::data(format!(
            "invalid value: expected {exp}, found {}",
            describe(&unexp)
        ))
    }

    fn invalid_length(len: usize, exp: &dyn serde::de::Expected) -> Error {
        Error::data(format!("expected {exp}, found a list of {len} elements"))
    }

    fn missing_field(field: &'static str) -> Error {
        Error::data(format!("missing attribute '{field}'"))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Error {
        Error::data(format!(
            "unknown attribute '{field}', expected one of: {}",
            expected.join(", ")
        ))
    }

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
