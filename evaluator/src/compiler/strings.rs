//! String literal parts, with C++ Nix's indentation stripping for `''…''`
//! strings. As in C++ Nix's lexer, escapes are separate pieces: they end the
//! leading whitespace of a line when the indentation is measured, and are
//! ordinary text when it is removed.

use rnix::ast::AstToken;
use rnix::ast::{self, InterpolPart};
use rowan::ast::AstNode;

/// The parts of a string literal: decoded text and interpolations.
pub(crate) fn string_parts(s: &ast::Str) -> Vec<InterpolPart<String>> {
    // Most strings are `"…"` without interpolation: read them from the green
    // tree, without the cursor nodes `parts()` allocates for every piece.
    let green = s.syntax().green();
    if let Some(text) = plain_quoted_text(green) {
        return if text.is_empty() {
            Vec::new()
        } else {
            vec![InterpolPart::Literal(text.into_owned())]
        };
    }
    let indented = matches!(green.children().next(), Some(rowan::NodeOrToken::Token(open)) if open.text() == "''");
    if !indented {
        return s
            .parts()
            .map(|part| match part {
                InterpolPart::Literal(lit) => {
                    InterpolPart::Literal(unescape_quoted(lit.syntax().text()).into_owned())
                }
                InterpolPart::Interpolation(x) => InterpolPart::Interpolation(x),
            })
            .collect();
    }
    let mut pieces: Vec<Piece> = Vec::new();
    for (i, part) in s.parts().enumerate() {
        match part {
            InterpolPart::Literal(lit) => {
                let mut raw = lit.syntax().text();
                if i == 0 {
                    // `''` followed by spaces and a newline: the opening token takes them.
                    if let Some(p) = raw.find('\n') {
                        if raw[..p].bytes().all(|b| b == b' ') {
                            raw = &raw[p + 1..];
                        }
                    }
                }
                split_escapes(raw, &mut pieces);
            }
            InterpolPart::Interpolation(x) => pieces.push(Piece::Interpolation(x)),
        }
    }
    strip_indentation(pieces)
}

/// The decoded text of a string node (green tree) that is `"…"` without
/// interpolation, or `None` for any other string. Borrowed from the tree
/// when there is nothing to decode (most strings).
pub(super) fn plain_quoted_text(green: &rowan::GreenNodeData) -> Option<std::borrow::Cow<'_, str>> {
    let mut children = green.children().map(|c| c.into_token());
    match children.next() {
        Some(Some(open)) if open.text() == "\"" => {}
        _ => return None,
    }
    let kind = crate::syntax::raw_kind;
    let (content, end) = (
        kind(rnix::SyntaxKind::TOKEN_STRING_CONTENT),
        kind(rnix::SyntaxKind::TOKEN_STRING_END),
    );
    match (children.next(), children.next(), children.next()) {
        (Some(Some(close)), None, _) if close.kind() == end => Some("".into()),
        (Some(Some(text)), Some(Some(close)), None)
            if text.kind() == content && close.kind() == end =>
        {
            Some(unescape_quoted(text.text()))
        }
        _ => None,
    }
}

/// Decodes the text of a `"…"` string as C++ Nix's `unescapeStr` does:
/// `\n`, `\r`, `\t` and `\c` escapes, and a raw CR or CR LF becomes LF.
/// Most strings have nothing to decode: they are borrowed as they are.
#[inline]
pub(super) fn unescape_quoted(raw: &str) -> std::borrow::Cow<'_, str> {
    if memchr::memchr2(b'\\', b'\r', raw.as_bytes()).is_none() {
        return raw.into();
    }
    decode_quoted(raw).into()
}

/// [`unescape_quoted`] for a string with something to decode.
fn decode_quoted(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => break,
            },
            '\r' => {
                out.push('\n');
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Part of an indented string as C++ Nix's lexer produces it.
enum Piece {
    /// Literal text (whose leading spaces count as indentation).
    Text(String),
    /// The decoded text of an escape (two quotes then `$`, `'` or `\x`).
    Escape(String),
    Interpolation(ast::Interpol),
}

const QUOTES: &str = "''";

fn split_escapes(raw: &str, out: &mut Vec<Piece>) {
    let mut rest = raw;
    while let Some(p) = find_quotes(rest) {
        if p > 0 {
            out.push(Piece::Text(rest[..p].to_string()));
        }
        let after = &rest[p + 2..];
        let mut chars = after.chars();
        match chars.next() {
            Some('\'') => {
                out.push(Piece::Escape(QUOTES.to_string()));
                rest = &after[1..];
            }
            Some('$') => {
                out.push(Piece::Escape("$".to_string()));
                rest = &after[1..];
            }
            Some('\\') => {
                let c = chars.next();
                let text = match c {
                    Some('n') => "\n".to_string(),
                    Some('r') => "\r".to_string(),
                    Some('t') => "\t".to_string(),
                    Some(c) => c.to_string(),
                    None => String::new(),
                };
                out.push(Piece::Escape(text));
                let skip = 1 + c.map(char::len_utf8).unwrap_or(0);
                rest = &after[skip.min(after.len())..];
            }
            _ => {
                out.push(Piece::Text(QUOTES.to_string()));
                rest = after;
            }
        }
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest.to_string()));
    }
}

/// Where the first `''` in `text` starts (found byte-wise: most text of an
/// indented string has none, and few single quotes).
fn find_quotes(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(p) = memchr::memchr(b'\'', b.get(from..)?) {
        let at = from + p;
        if b.get(at + 1) == Some(&b'\'') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// C++ Nix's `stripIndentation`: remove the smallest indentation of all
/// non-blank lines, and a last line of spaces only.
fn strip_indentation(pieces: Vec<Piece>) -> Vec<InterpolPart<String>> {
    let mut min_indent = usize::MAX;
    let mut cur_indent = 0;
    let mut at_start = true;
    for piece in &pieces {
        match piece {
            // Interpolations and escapes end the leading whitespace of a line.
            Piece::Interpolation(_) | Piece::Escape(_) => {
                if at_start {
                    at_start = false;
                    min_indent = min_indent.min(cur_indent);
                }
            }
            Piece::Text(text) => {
                let b = text.as_bytes();
                let mut i = 0;
                while i < b.len() {
                    if at_start {
                        match b[i] {
                            b' ' => cur_indent += 1,
                            b'\n' => cur_indent = 0,
                            _ => {
                                at_start = false;
                                min_indent = min_indent.min(cur_indent);
                            }
                        }
                        i += 1;
                    } else {
                        // The rest of the line says nothing about indentation.
                        match memchr::memchr(b'\n', &b[i..]) {
                            Some(p) => {
                                i += p + 1;
                                at_start = true;
                                cur_indent = 0;
                            }
                            None => break,
                        }
                    }
                }
            }
        }
    }
    let n = pieces.len();
    let mut out: Vec<InterpolPart<String>> = Vec::with_capacity(n);
    let mut at_start = true;
    let mut dropped = 0;
    for (i, piece) in pieces.into_iter().enumerate() {
        let text = match piece {
            Piece::Interpolation(x) => {
                at_start = false;
                dropped = 0;
                out.push(InterpolPart::Interpolation(x));
                continue;
            }
            // Here escapes are text like any other.
            Piece::Text(t) | Piece::Escape(t) => t,
        };
        let mut s = String::with_capacity(text.len());
        let b = text.as_bytes();
        let mut at = 0;
        while at < b.len() {
            if at_start {
                match b[at] {
                    b' ' => {
                        if dropped >= min_indent {
                            s.push(' ');
                        }
                        dropped += 1;
                        at += 1;
                    }
                    b'\n' => {
                        dropped = 0;
                        s.push('\n');
                        at += 1;
                    }
                    _ => {
                        at_start = false;
                        dropped = 0;
                    }
                }
            } else {
                // The rest of the line (its newline too) is copied as it is.
                let end = memchr::memchr(b'\n', &b[at..]).map_or(b.len(), |p| at + p + 1);
                s.push_str(&text[at..end]);
                at_start = b[end - 1] == b'\n';
                at = end;
            }
        }
        if i + 1 == n {
            if let Some(p) = s.rfind('\n') {
                if s[p + 1..].bytes().all(|b| b == b' ') {
                    s.truncate(p + 1);
                }
            }
        }
        // Adjacent text pieces join into one literal.
        match out.last_mut() {
            Some(InterpolPart::Literal(prev)) => prev.push_str(&s),
            _ if !s.is_empty() => out.push(InterpolPart::Literal(s)),
            _ => {}
        }
    }
    out
}
