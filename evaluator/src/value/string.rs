//! Nix strings: immutable byte strings (not necessarily UTF-8) that carry a
//! string context, the set of store paths the string refers to.

use std::alloc::Layout;
use std::cell::Cell;
use std::collections::BTreeSet;
use std::fmt;
use std::ptr::NonNull;

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

/// The start of a string's block: the text follows it in the same block, so
/// a string is one allocation (a short one 32 bytes), as in C++ Nix.
#[repr(C)]
struct Header {
    /// Handles to this block ([`NixString`] counts by hand, like `Rc`).
    refs: Cell<usize>,
    /// Length of the text.
    len: usize,
    /// The context; `None` when empty.
    context: Option<Box<NixContext>>,
}

/// Bytes a string counts for beyond its text in the memory accounting: its
/// header and the rounding of its block. Millions of short strings (`split`,
/// `splitVersion`) hold about this much each.
const STRING_OVERHEAD: u64 = std::mem::size_of::<Header>() as u64 + 8;

/// A reference-counted Nix string: a pointer to one block holding a header
/// (count, length, context) and then the text. Cloning is a pointer copy.
/// Not `Send` or `Sync` (the count is not atomic), as `NonNull` is neither.
pub struct NixString(NonNull<Header>);

impl NixString {
    /// The layout of the block for a text of `len` bytes.
    fn layout(len: usize) -> Layout {
        // Only fails past `isize::MAX` bytes, which no text in memory reaches.
        Layout::new::<Header>()
            .extend(Layout::array::<u8>(len).unwrap_or_else(|_| capacity_overflow()))
            .unwrap_or_else(|_| capacity_overflow())
            .0
    }

    /// A string of `bytes` with `context` (`None` when empty).
    #[inline(never)]
    fn make(bytes: &[u8], context: Option<Box<NixContext>>) -> NixString {
        let layout = NixString::layout(bytes.len());
        // SAFETY: the layout is not zero-sized (it holds the header); the
        // header is written before the pointer is used, and the text is
        // copied to just after it, inside the block `layout` describes.
        unsafe {
            let block = std::alloc::alloc(layout) as *mut Header;
            let Some(header) = NonNull::new(block) else {
                std::alloc::handle_alloc_error(layout)
            };
            header.as_ptr().write(Header {
                refs: Cell::new(1),
                len: bytes.len(),
                context,
            });
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), block.add(1) as *mut u8, bytes.len());
            crate::state::charge(bytes.len() as u64 + STRING_OVERHEAD);
            NixString(header)
        }
    }

    fn header(&self) -> &Header {
        // SAFETY: the block lives as long as any handle to it.
        unsafe { self.0.as_ref() }
    }

    /// A string without context.
    pub fn new(bytes: impl AsRef<[u8]>) -> NixString {
        NixString::make(bytes.as_ref(), None)
    }

    /// A string with the given context (dropped if empty).
    pub fn with_context(bytes: impl AsRef<[u8]>, context: NixContext) -> NixString {
        let context = if context.is_empty() {
            None
        } else {
            Some(Box::new(context))
        };
        NixString::make(bytes.as_ref(), context)
    }

    /// The bytes of the string.
    pub fn as_bytes(&self) -> &[u8] {
        let header = self.header();
        // SAFETY: `len` bytes of text follow the header in its block, written
        // once when it was made and never changed.
        unsafe { std::slice::from_raw_parts((self.0.as_ptr().add(1)) as *const u8, header.len) }
    }

    /// The string as UTF-8 text, with invalid sequences replaced.
    pub fn to_str_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.as_bytes())
    }

    /// The string as `&str` if it is valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(self.as_bytes()).ok()
    }

    /// Whether nothing else holds this string (it was just made).
    pub(crate) fn is_unique(&self) -> bool {
        self.header().refs.get() == 1
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.header().len
    }

    /// Whether the string is empty.
    pub fn is_empty(&self) -> bool {
        self.header().len == 0
    }

    /// The context, if any.
    pub fn context(&self) -> Option<&NixContext> {
        self.header().context.as_deref()
    }

    /// Whether the string carries any context.
    pub fn has_context(&self) -> bool {
        self.header().context.is_some()
    }

    /// The same bytes without context.
    pub fn without_context(&self) -> NixString {
        if self.has_context() {
            NixString::new(self.as_bytes())
        } else {
            self.clone()
        }
    }

    /// Frees the block once its last handle is gone. Out of line, as in
    /// `Rc`, so that the drops inlined into the dispatch loop stay small.
    #[inline(never)]
    fn free(&mut self) {
        let len = self.header().len;
        crate::state::credit(len as u64 + STRING_OVERHEAD);
        // SAFETY: this was the last handle: the header is dropped (freeing
        // its context) and the block freed with the layout it was made with.
        unsafe {
            std::ptr::drop_in_place(self.0.as_ptr());
            std::alloc::dealloc(self.0.as_ptr() as *mut u8, NixString::layout(len));
        }
    }

    /// Whether two handles share one allocation.
    pub fn ptr_eq(&self, other: &NixString) -> bool {
        self.0 == other.0
    }
}

impl Clone for NixString {
    #[inline]
    fn clone(&self) -> NixString {
        let refs = &self.header().refs;
        // Wrapping takes 2^64 handles: more than memory holds, unless they
        // are leaked on purpose (`mem::forget`) 2^64 times, centuries of
        // looping. (An abort check here, as `Rc` has, cost the dispatch loop
        // 5% in register spills.)
        refs.set(refs.get().wrapping_add(1));
        NixString(self.0)
    }
}

impl Drop for NixString {
    #[inline]
    fn drop(&mut self) {
        let refs = &self.header().refs;
        refs.set(refs.get() - 1);
        if refs.get() == 0 {
            self.free();
        }
    }
}

impl PartialEq for NixString {
    #[inline(never)]
    fn eq(&self, other: &NixString) -> bool {
        self.ptr_eq(other)
            || (self.as_bytes() == other.as_bytes() && self.context() == other.context())
    }
}

impl Eq for NixString {}

/// Aborts like `Rc` and `Vec` do for a size past `isize::MAX`.
#[cold]
fn capacity_overflow() -> ! {
    panic!("capacity overflow")
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
impl From<&[u8]> for NixString {
    fn from(s: &[u8]) -> NixString {
        NixString::new(s)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_share_one_block_until_the_last_is_dropped() {
        let a = NixString::new("abc");
        assert!(a.is_unique());
        let b = a.clone();
        assert!(!a.is_unique() && a.ptr_eq(&b));
        assert_eq!(b.as_bytes(), b"abc");
        drop(a);
        assert!(b.is_unique());
        assert_eq!((b.len(), b.as_str()), (3, Some("abc")));
    }

    #[test]
    fn text_of_every_length_round_trips() {
        for len in [0usize, 1, 7, 8, 9, 23, 24, 25, 4096, 300_000] {
            let text: Vec<u8> = (0..len).map(|i| (i % 256) as u8).collect();
            let s = NixString::from(text.clone());
            assert_eq!(s.as_bytes(), &text[..]);
            assert_eq!((s.len(), s.is_empty()), (len, len == 0));
        }
    }

    #[test]
    fn equality_compares_text_and_context() {
        let ctx: NixContext = [ContextElement::Plain("/nix/store/x".into())].into();
        let plain = NixString::new("p");
        let with = NixString::with_context("p", ctx.clone());
        assert_ne!(plain, with);
        assert_eq!(with, NixString::with_context("p", ctx));
        assert_eq!(plain, NixString::new(b"p"));
        assert_ne!(plain, NixString::new("q"));
        assert!(with.has_context() && !with.without_context().has_context());
        assert!(!NixString::with_context("p", NixContext::new()).has_context());
    }
}
