//! String literal parts, with C++ Nix's indentation stripping for `''…''`
//! strings. As in C++ Nix's lexer, escapes are separate pieces: they end the
//! leading whitespace of a line when the indentation is measured, and are
//! ordinary text when it is removed.

use rnix::ast::AstToken;
use rnix::ast::{self, InterpolPart};
use rowan::ast::AstNode;

/// Whether a string literal has an interpolation (found in its green tree,
/// without reading its parts).
pub(crate) fn has_interpolation(s: &ast::Str) -> bool {
    let interpol = crate::syntax::raw_kind(rnix::SyntaxKind::NODE_INTERPOL);
    s.syntax().green().children().any(|c| c.kind() == interpol)
}

/// The parts of a string literal: decoded text and interpolations.
pub(crate) fn string_parts(s: &ast::Str) -> Vec<InterpolPart<String>> {
    let mut parts = Vec::new();
    for_each_string_part(s, |part| parts.push(part));
    parts
}

/// Calls `f` with each part of a string literal in order, as
/// [`string_parts`] lists them, without holding them all: one large
/// interpolated string would hold its whole text twice more, as pieces and
/// as parts, while it compiles.
pub(crate) fn for_each_string_part(s: &ast::Str, mut f: impl FnMut(InterpolPart<String>)) {
    // Most strings are `"…"` without interpolation: read them from the green
    // tree, without the cursor nodes `parts()` allocates for every piece.
    let green = s.syntax().green();
    if let Some(text) = plain_quoted_text(green) {
        if !text.is_empty() {
            f(InterpolPart::Literal(text.into_owned()));
        }
        return;
    }
    let indented = matches!(green.children().next(), Some(rowan::NodeOrToken::Token(open)) if open.text() == "''");
    if !indented {
        for part in s.parts() {
            f(match part {
                InterpolPart::Literal(lit) => {
                    InterpolPart::Literal(unescape_quoted(lit.syntax().text()).into_owned())
                }
                InterpolPart::Interpolation(x) => InterpolPart::Interpolation(x),
            });
        }
        return;
    }
    // Two passes over the pieces: the first measures the indentation, the
    // second removes it. Only the second needs the interpolations' nodes.
    let mut measure = Indentation::default();
    for_each_piece(s, || Some(()), &mut |piece| measure.add(&piece));
    let mut strip = Stripper::new(measure, &mut f);
    let mut nodes = s.syntax().children().filter_map(ast::Interpol::cast);
    for_each_piece(s, || nodes.next(), &mut |piece| strip.add(piece));
    strip.finish();
}

/// Calls `f` with each piece of an indented string, as C++ Nix's lexer
/// makes them, read from the green tree; `interpolation` gives what stands
/// for each interpolation, in order.
fn for_each_piece<I>(
    s: &ast::Str,
    mut interpolation: impl FnMut() -> Option<I>,
    f: &mut dyn FnMut(Piece<'_, I>),
) {
    let green = s.syntax().green();
    let content = crate::syntax::raw_kind(rnix::SyntaxKind::TOKEN_STRING_CONTENT);
    let mut first = true;
    for child in green.children() {
        match child {
            rowan::NodeOrToken::Token(t) if t.kind() == content => {
                let mut raw = t.text();
                if first {
                    // `''` followed by spaces and a newline: the opening token takes them.
                    if let Some(p) = raw.find('\n') {
                        if raw[..p].bytes().all(|b| b == b' ') {
                            raw = &raw[p + 1..];
                        }
                    }
                }
                first = false;
                split_escapes(raw, f);
            }
            // The opening and closing quotes.
            rowan::NodeOrToken::Token(_) => {}
            rowan::NodeOrToken::Node(_) => {
                first = false;
                if let Some(x) = interpolation() {
                    f(Piece::Interpolation(x));
                }
            }
        }
    }
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

/// Part of an indented string as C++ Nix's lexer produces it; `I` stands
/// for an interpolation.
enum Piece<'a, I> {
    /// Literal text (whose leading spaces count as indentation).
    Text(&'a str),
    /// The decoded text of an escape (two quotes then `$`, `'` or `\x`).
    Escape(&'a str),
    Interpolation(I),
}

const QUOTES: &str = "''";

fn split_escapes<'a, I>(raw: &'a str, out: &mut dyn FnMut(Piece<'a, I>)) {
    let mut rest = raw;
    while let Some(p) = find_quotes(rest) {
        if p > 0 {
            out(Piece::Text(&rest[..p]));
        }
        let after = &rest[p + 2..];
        let mut chars = after.chars();
        match chars.next() {
            Some('\'') => {
                out(Piece::Escape(QUOTES));
                rest = &after[1..];
            }
            Some('$') => {
                out(Piece::Escape("$"));
                rest = &after[1..];
            }
            Some('\\') => {
                let c = chars.next();
                let len = c.map(char::len_utf8).unwrap_or(0);
                out(Piece::Escape(match c {
                    Some('n') => "\n",
                    Some('r') => "\r",
                    Some('t') => "\t",
                    // Any other character stands for itself.
                    Some(_) => &after[1..1 + len],
                    None => "",
                }));
                rest = &after[(1 + len).min(after.len())..];
            }
            _ => {
                out(Piece::Text(QUOTES));
                rest = after;
            }
        }
    }
    if !rest.is_empty() {
        out(Piece::Text(rest));
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

/// C++ Nix's `stripIndentation`, first pass: the smallest indentation of
/// all non-blank lines, and how many pieces there are.
struct Indentation {
    min: usize,
    current: usize,
    at_start: bool,
    pieces: usize,
}

impl Default for Indentation {
    fn default() -> Indentation {
        Indentation {
            min: usize::MAX,
            current: 0,
            at_start: true,
            pieces: 0,
        }
    }
}

impl Indentation {
    fn add<I>(&mut self, piece: &Piece<'_, I>) {
        self.pieces += 1;
        match piece {
            // Interpolations and escapes end the leading whitespace of a line.
            Piece::Interpolation(_) | Piece::Escape(_) => {
                if self.at_start {
                    self.at_start = false;
                    self.min = self.min.min(self.current);
                }
            }
            Piece::Text(text) => {
                let b = text.as_bytes();
                let mut i = 0;
                while i < b.len() {
                    if self.at_start {
                        match b[i] {
                            b' ' => self.current += 1,
                            b'\n' => self.current = 0,
                            _ => {
                                self.at_start = false;
                                self.min = self.min.min(self.current);
                            }
                        }
                        i += 1;
                    } else {
                        // The rest of the line says nothing about indentation.
                        match memchr::memchr(b'\n', &b[i..]) {
                            Some(p) => {
                                i += p + 1;
                                self.at_start = true;
                                self.current = 0;
                            }
                            None => break,
                        }
                    }
                }
            }
        }
    }
}

/// C++ Nix's `stripIndentation`, second pass: removes the indentation
/// measured and a last line of spaces only, joins adjacent text into one
/// literal and hands each part on.
struct Stripper<'f, F: FnMut(InterpolPart<String>)> {
    min_indent: usize,
    pieces: usize,
    seen: usize,
    at_start: bool,
    dropped: usize,
    /// Text not handed on yet (the next piece may join it).
    literal: String,
    out: &'f mut F,
}

impl<'f, F: FnMut(InterpolPart<String>)> Stripper<'f, F> {
    fn new(measured: Indentation, out: &'f mut F) -> Self {
        Stripper {
            min_indent: measured.min,
            pieces: measured.pieces,
            seen: 0,
            at_start: true,
            dropped: 0,
            literal: String::new(),
            out,
        }
    }

    fn add(&mut self, piece: Piece<'_, ast::Interpol>) {
        self.seen += 1;
        let text = match piece {
            Piece::Interpolation(x) => {
                self.at_start = false;
                self.dropped = 0;
                self.flush();
                (self.out)(InterpolPart::Interpolation(x));
                return;
            }
            // Here escapes are text like any other.
            Piece::Text(t) | Piece::Escape(t) => t,
        };
        let from = self.literal.len();
        let s = &mut self.literal;
        let b = text.as_bytes();
        let mut at = 0;
        while at < b.len() {
            if self.at_start {
                match b[at] {
                    b' ' => {
                        if self.dropped >= self.min_indent {
                            s.push(' ');
                        }
                        self.dropped += 1;
                        at += 1;
                    }
                    b'\n' => {
                        self.dropped = 0;
                        s.push('\n');
                        at += 1;
                    }
                    _ => {
                        self.at_start = false;
                        self.dropped = 0;
                    }
                }
            } else {
                // The rest of the line (its newline too) is copied as it is.
                let end = memchr::memchr(b'\n', &b[at..]).map_or(b.len(), |p| at + p + 1);
                s.push_str(&text[at..end]);
                self.at_start = b[end - 1] == b'\n';
                at = end;
            }
        }
        if self.seen == self.pieces {
            // The last piece's own text loses a last line of spaces only.
            if let Some(p) = s[from..].rfind('\n') {
                let p = from + p;
                if s[p + 1..].bytes().all(|b| b == b' ') {
                    s.truncate(p + 1);
                }
            }
        }
    }

    /// Hands on the text gathered, if any.
    fn flush(&mut self) {
        if !self.literal.is_empty() {
            (self.out)(InterpolPart::Literal(std::mem::take(&mut self.literal)));
        }
    }

    fn finish(mut self) {
        self.flush();
    }
}
