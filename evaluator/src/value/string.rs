//! Nix strings: immutable byte strings (not necessarily UTF-8) that carry a
//! string context, the set of store paths the string refers to.

use std::collections::BTreeSet;
use std::fmt;
use std::rc::Rc;

/// One build reference in a string context.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContextElement {
    /// A plain store path (a source or a `toFile` result).
    Plain(String),
    /// One output of a derivation: `(output name, drv path)`.
    Single {
        /// The output name.
        name: String,
        /// The `.drv` path.
        drv: String,
    },
    /// A derivation with its whole closure of outputs (`=drv`).
    Derivation(String),
}

impl ContextElement {
    /// The element as C++ Nix writes it: `path`, `!output!drv` or `=drv`.
    pub fn raw(&self) -> String {
        match self {
            ContextElement::Plain(p) => p.clone(),
            ContextElement::Single { name, drv } => format!("!{name}!{drv}"),
            ContextElement::Derivation(d) => format!("={d}"),
        }
    }
}

/// The set of references a string carries. Usually empty.
pub type NixContext = BTreeSet<ContextElement>;

#[derive(PartialEq, Eq)]
struct StrData {
    bytes: Box<[u8]>,
    context: Option<Box<NixContext>>,
}

/// Bytes a string counts for beyond its text in the memory accounting: its
/// `Rc` box (counts and `StrData`, 40 bytes, a 48-byte block) and the
/// rounding of the text's own block. Millions of short strings (`split`,
/// `splitVersion`) hold about this much each.
const STRING_OVERHEAD: u64 = 56;

impl StrData {
    fn charged(bytes: Box<[u8]>, context: Option<Box<NixContext>>) -> StrData {
        crate::state::charge(bytes.len() as u64 + STRING_OVERHEAD);
        StrData { bytes, context }
    }
}

impl Drop for StrData {
    fn drop(&mut self) {
        crate::state::credit(self.bytes.len() as u64 + STRING_OVERHEAD);
    }
}

/// A reference-counted Nix string. Cloning is a pointer copy.
#[derive(Clone, PartialEq, Eq)]
pub struct NixString(Rc<StrData>);

impl NixString {
    /// A string without context.
    pub fn new(bytes: impl Into<Box<[u8]>>) -> NixString {
        NixString(Rc::new(StrData::charged(bytes.into(), None)))
    }

    /// A string with the given context (dropped if empty).
    pub fn with_context(bytes: impl Into<Box<[u8]>>, context: NixContext) -> NixString {
        let context = if context.is_empty() {
            None
        } else {
            Some(Box::new(context))
        };
        NixString(Rc::new(StrData::charged(bytes.into(), context)))
    }

    /// The bytes of the string.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0.bytes
    }

    /// The string as UTF-8 text, with invalid sequences replaced.
    pub fn to_str_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.0.bytes)
    }

    /// The string as `&str` if it is valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0.bytes).ok()
    }

    /// Whether nothing else holds this string (it was just made).
    pub(crate) fn is_unique(&self) -> bool {
        Rc::strong_count(&self.0) == 1
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.0.bytes.len()
    }

    /// Whether the string is empty.
    pub fn is_empty(&self) -> bool {
        self.0.bytes.is_empty()
    }

    /// The context, if any.
    pub fn context(&self) -> Option<&NixContext> {
        self.0.context.as_deref()
    }

    /// Whether the string carries any context.
    pub fn has_context(&self) -> bool {
        self.0.context.is_some()
    }

    /// The same bytes without context.
    pub fn without_context(&self) -> NixString {
        if self.has_context() {
            NixString::new(self.as_bytes())
        } else {
            self.clone()
        }
    }

    /// Whether two handles share one allocation.
    pub fn ptr_eq(&self, other: &NixString) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl From<&str> for NixString {
    fn from(s: &str) -> NixString {
        NixString::new(s.as_bytes())
    }
}
impl From<String> for NixString {
    fn from(s: String) -> NixString {
        NixString::new(s.into_bytes())
    }
}
impl From<Vec<u8>> for NixString {
    fn from(s: Vec<u8>) -> NixString {
        NixString::new(s)
    }
}

impl fmt::Debug for NixString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_str_lossy())
    }
}

/// Builds a string piece by piece, merging the contexts of the pieces.
#[derive(Default)]
pub struct StringBuilder {
    bytes: Vec<u8>,
    context: NixContext,
    /// Set when growing failed (memory limit); reported by `finish`.
    failed: Option<crate::errors::ErrorKind>,
}

/// Growth past this size is checked against the memory limit.
const CHECKED_GROWTH: usize = 1 << 16;

impl StringBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a string with its context.
    pub fn push_str(&mut self, s: &NixString) {
        self.push_bytes(s.as_bytes());
        if let Some(ctx) = s.context() {
            self.context.extend(ctx.iter().cloned());
        }
    }

    /// Appends bytes without context.
    pub fn push_bytes(&mut self, b: &[u8]) {
        if !self.reserve(b.len()) {
            return;
        }
        self.bytes.extend_from_slice(b);
    }

    /// Makes room for `extra` more bytes, checking large growth against the
    /// memory limit; false (with the error kept for `finish`) if it failed.
    pub fn reserve(&mut self, extra: usize) -> bool {
        if self.failed.is_some() {
            return false;
        }
        let len = self.bytes.len();
        if len.saturating_add(extra) <= self.bytes.capacity() {
            return true;
        }
        if len.saturating_add(extra) > CHECKED_GROWTH {
            // Doubling, as `Vec` would, but checked first.
            let want = extra.max(len);
            if let Err(e) = crate::state::check_growth(len, want) {
                self.failed = Some(e);
                return false;
            }
            if self.bytes.try_reserve(want).is_err() {
                self.failed = Some(crate::errors::ErrorKind::Limit(
                    crate::state::limits::LimitKind::OutOfMemory(want as u64),
                ));
                return false;
            }
        }
        true
    }

    /// Adds context elements.
    pub fn add_context(&mut self, ctx: Option<&NixContext>) {
        if let Some(ctx) = ctx {
            self.context.extend(ctx.iter().cloned());
        }
    }

    /// The bytes so far.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Finishes with `bytes` as the string, after what was pushed here, and
    /// the contexts gathered here: for writers that grow their own output
    /// (checked against the memory limit as it grew), so that it is not
    /// copied once more at the end.
    pub(crate) fn finish_with(
        mut self,
        bytes: Vec<u8>,
    ) -> Result<NixString, crate::errors::ErrorKind> {
        if self.bytes.is_empty() {
            self.bytes = bytes;
        } else {
            self.push_bytes(&bytes);
        }
        self.finish()
    }

    /// Finishes the string; fails if it grew past the memory limit.
    pub fn finish(self) -> Result<NixString, crate::errors::ErrorKind> {
        match self.failed {
            Some(e) => Err(e),
            None => Ok(NixString::with_context(self.bytes, self.context)),
        }
    }
}
