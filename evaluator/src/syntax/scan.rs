//! Byte-level scanning shared by the checks that read a file's bytes
//! around parsing (the lexing pre-check, the nesting bound, the cursed-`or`
//! search): skipping runs of bytes, comments, and stepping through string
//! literals the way the lexer does.

/// The flag of bytes of words (names, keywords, numbers) in [`BYTE_CLASS`].
const WORD: u8 = 1;
/// The flag of bytes that may open or close a frame of the nesting bound,
/// start a comment or string, or start `let` or `in`, in [`BYTE_CLASS`].
const STRUCTURE: u8 = 2;
/// Each byte's flags, from a table rather than comparisons in turn (the
/// byte scans run over whole files).
static BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'\'' || b == b'-' {
            table[c] |= WORD;
        }
        if matches!(
            b,
            b'(' | b')'
                | b'{'
                | b'}'
                | b'['
                | b']'
                | b';'
                | b','
                | b'"'
                | b'\''
                | b'#'
                | b'/'
                | b'l'
                | b'i'
        ) {
            table[c] |= STRUCTURE;
        }
        c += 1;
    }
    table
};

/// Whether `c` may open or close something in code (a bracket, `;`, `,`,
/// a string, a comment, `let` or `in`): other bytes are counted in runs.
#[inline]
pub(crate) fn may_structure(c: u8) -> bool {
    BYTE_CLASS[usize::from(c)] & STRUCTURE != 0
}

/// Whether `c` can be part of a name, keyword or number.
#[inline]
pub(crate) fn is_word_byte(c: u8) -> bool {
    BYTE_CLASS[usize::from(c)] & WORD != 0
}

/// Whether the byte before `b[i]` is part of a word, so that `b[i]` goes
/// on that word rather than starting something (`x''` is a name).
#[inline]
pub(crate) fn after_word(b: &[u8], i: usize) -> bool {
    i > 0 && b.get(i - 1).is_some_and(|&c| is_word_byte(c))
}

/// How many bytes at the start of `b` are not `special` (all of them if none is).
#[inline]
pub(crate) fn skip_until(b: &[u8], special: impl Fn(u8) -> bool) -> usize {
    b.iter().position(|&c| special(c)).unwrap_or(b.len())
}

/// Where the comment starting at `b[start]` (`#` or `/*`) ends: the index
/// of its last byte (the end of the text for an unterminated one).
pub(crate) fn comment_end(b: &[u8], start: usize) -> usize {
    let rest = b.get(start..).unwrap_or(&[]);
    let end = if rest.first() == Some(&b'#') {
        start + memchr::memchr(b'\n', rest).unwrap_or(rest.len())
    } else {
        let body = start + 2;
        b.get(body..)
            .and_then(|rest| memchr::memmem::find(rest, b"*/"))
            .map_or(b.len(), |p| body + p + 2)
    };
    end.saturating_sub(1).max(start)
}

/// How many bytes from `b[i]` on are plain text of a string literal
/// (`indented` for `''…''`): the bytes that cannot end it, escape or
/// interpolate.
#[inline]
pub(crate) fn string_text(b: &[u8], i: usize, indented: bool) -> usize {
    let rest = b.get(i..).unwrap_or(&[]);
    // Strings are most of a generated file: searched with memchr's
    // vectorised scans rather than a byte at a time.
    if indented {
        memchr::memchr2(b'\'', b'$', rest).unwrap_or(rest.len())
    } else {
        memchr::memchr3(b'\\', b'$', b'"', rest).unwrap_or(rest.len())
    }
}

/// What the byte at `b[i]` does inside a string literal.
#[derive(Debug, PartialEq)]
pub(crate) enum InString {
    /// Text: an escape or an escaped `$`; the scan goes on past the
    /// given number of further bytes.
    Text(usize),
    /// `${`: code starts after the given number of further bytes.
    Interpolation(usize),
    /// The closing delimiter, ending after the given number of further bytes.
    End(usize),
}

/// Steps over `b[i]` inside a string literal (`indented` for `''…''`), as
/// the lexer reads it: `\x` in a plain string, `''\x`, `'''` and `''$` in an
/// indented one, and `$$` in both are text.
#[inline]
pub(crate) fn in_string(b: &[u8], i: usize, indented: bool) -> InString {
    let next = b.get(i + 1).copied();
    match b.get(i) {
        Some(b'\\') if !indented => InString::Text(1),
        Some(b'$') if next == Some(b'$') => InString::Text(1),
        Some(b'$') if next == Some(b'{') => InString::Interpolation(1),
        Some(b'"') if !indented => InString::End(0),
        Some(b'\'') if indented && next == Some(b'\'') => match b.get(i + 2) {
            Some(b'\'' | b'$') => InString::Text(2),
            Some(b'\\') => InString::Text(3),
            _ => InString::End(1),
        },
        _ => InString::Text(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_step_like_the_lexer() {
        assert_eq!(in_string(br#"\"x"#, 0, false), InString::Text(1));
        assert_eq!(in_string(b"$${", 0, false), InString::Text(1));
        assert_eq!(in_string(b"${x}", 0, false), InString::Interpolation(1));
        assert_eq!(in_string(b"\"", 0, false), InString::End(0));
        assert_eq!(in_string(b"''", 0, false), InString::Text(0));
        assert_eq!(in_string(b"'''", 0, true), InString::Text(2));
        assert_eq!(in_string(b"''${", 0, true), InString::Text(2));
        assert_eq!(in_string(b"''\\n", 0, true), InString::Text(3));
        assert_eq!(in_string(b"'';", 0, true), InString::End(1));
        assert_eq!(in_string(b"''", 0, true), InString::End(1));
        assert_eq!(in_string(b"\"", 0, true), InString::Text(0));
        // At the very end of the text nothing steps past it.
        assert_eq!(in_string(b"$", 0, false), InString::Text(0));
        assert_eq!(string_text(b"abc$", 0, false), 3);
        assert_eq!(string_text(b"ab\"c", 1, true), 3);
    }

    #[test]
    fn comments_end_where_the_lexer_ends_them() {
        assert_eq!(comment_end(b"# x\ny", 0), 2);
        assert_eq!(comment_end(b"/* x */y", 0), 6);
        assert_eq!(comment_end(b"/* x", 0), 3);
        assert_eq!(comment_end(b"#", 0), 0);
    }
}
