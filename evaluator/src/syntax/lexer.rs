//! A byte-level tokenizer that yields exactly the tokens `rnix::tokenize`
//! yields (same kinds, same boundaries, error tokens included), for the
//! fast parser.
//!
//! Why: rnix's tokenizer decodes a `char` at every step and, before each
//! token, scans ahead through the following path characters to decide
//! whether a path or URI starts there. On a large generated file that was a
//! fifth of the whole evaluation. Here every decision is made on bytes (all
//! of Nix's punctuation is ASCII, so a multi-byte character only matters
//! where rnix tests for whitespace or consumes one whole character), the
//! path lookahead is skipped for tokens that cannot start a path, and runs
//! of identifier, digit, whitespace and comment bytes are plain loops.
//!
//! Tests compare the two tokenizers over the corpus and generated token
//! soup; under the fuzzer every parsed text is compared.

use rnix::SyntaxKind::{self, *};

/// What a token started before this one left open.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Open {
    /// Inside a string's text; `indented` for `''…''`.
    StringText { indented: bool },
    /// The string's text ended; its closing quote comes next.
    StringClose,
    /// Inside `${ … }`, with this many unclosed `{` of its own.
    Interpolation { braces: u32 },
    /// A `${` comes next (found while reading string or path text).
    InterpolationStart,
    /// Inside a path of this kind, which may go on after an interpolation.
    Path(SyntaxKind),
}

/// What the bytes from a token's start make it, when that is not decided by
/// its first byte alone: a path, search path or URI (rnix looks ahead
/// before it reads the token).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lead {
    Other,
    AbsolutePath,
    HomePath,
    RelativePath,
    SearchPath,
    Uri,
}

/// The tokens of `text`, as `rnix::tokenize` gives them.
pub(crate) fn tokenize(text: &str) -> Lexer<'_> {
    Lexer {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        open: Vec::new(),
    }
}

/// An iterator over `(kind, text)` tokens; see [`tokenize`].
pub(crate) struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    open: Vec<Open>,
}

impl Lexer<'_> {
    /// The byte offset of the next token in the text.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// Moves on to byte `pos` without reading what is before it, which
    /// must be whole tokens with balanced brackets and no string open (a
    /// literal already read); `false` (and nothing done) where that cannot
    /// hold: inside a string or interpolation, or not on a character.
    pub(crate) fn skip_to(&mut self, pos: usize) -> bool {
        if !self.open.is_empty() || pos < self.pos || !self.text.is_char_boundary(pos) {
            return false;
        }
        self.pos = pos;
        true
    }
}

#[inline]
fn is_path_byte(b: u8) -> bool {
    matches!(b, b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'/' | b'_' | b'.' | b'+' | b'-')
}

#[inline]
fn is_uri_byte(b: u8) -> bool {
    matches!(
        b,
        b'%' | b'?' | b':' | b'@' | b'&' | b'=' | b'$' | b',' | b'!' | b'~' | b'*' | b'\''
    ) || is_path_byte(b)
}

#[inline]
fn is_ident_byte(b: u8) -> bool {
    matches!(b, b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-' | b'\'')
}

impl<'a> Iterator for Lexer<'a> {
    type Item = (SyntaxKind, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let start = self.pos;
        let kind = self.token(start)?;
        // Every token ends before an ASCII byte or at the end, so this is
        // on character boundaries.
        Some((kind, self.text.get(start..self.pos)?))
    }
}

impl Lexer<'_> {
    #[inline]
    fn at(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.at(self.pos)
    }

    #[inline]
    /// The bytes from the cursor on.
    fn rest(&self) -> &[u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    #[inline]
    fn starts_with(&self, s: &[u8]) -> bool {
        self.rest().starts_with(s)
    }

    #[inline]
    /// The character at byte `i` (a whole UTF-8 sequence).
    fn char_at(&self, i: usize) -> Option<char> {
        match self.at(i)? {
            b if b.is_ascii() => Some(char::from(b)),
            _ => self.text.get(i..)?.chars().next(),
        }
    }

    #[inline]
    /// Steps over the whole character at the cursor, if any.
    fn bump_char(&mut self) -> Option<char> {
        let c = self.char_at(self.pos)?;
        self.pos += c.len_utf8();
        Some(c)
    }

    #[inline]
    /// Steps over bytes while `f` holds (ASCII-only predicates: a
    /// multi-byte character never matches).
    fn skip_while(&mut self, f: impl Fn(u8) -> bool) -> usize {
        let from = self.pos;
        while self.peek().is_some_and(&f) {
            self.pos += 1;
        }
        self.pos - from
    }

    /// Steps over whitespace as `char::is_whitespace` defines it.
    fn skip_whitespace(&mut self) -> usize {
        let from = self.pos;
        while let Some(b) = self.peek() {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
                self.pos += 1;
            } else if b.is_ascii() {
                break;
            } else {
                match self.char_at(self.pos) {
                    Some(c) if c.is_whitespace() => self.pos += c.len_utf8(),
                    _ => break,
                }
            }
        }
        self.pos - from
    }

    fn token(&mut self, start: usize) -> Option<SyntaxKind> {
        loop {
            match self.open.last().copied() {
                Some(Open::InterpolationStart) => {
                    self.open.pop();
                    self.open.push(Open::Interpolation { braces: 0 });
                    // Only pushed where `${` follows.
                    self.pos += 2;
                    return Some(TOKEN_INTERPOL_START);
                }
                Some(Open::Path(kind)) => {
                    if kind == TOKEN_PATH_SEARCH {
                        if self.peek().is_some_and(is_path_byte) {
                            return Some(self.path_rest(start, kind));
                        }
                    } else if self.starts_with(b"${") {
                        self.pos += 2;
                        self.open.push(Open::Interpolation { braces: 0 });
                        return Some(TOKEN_INTERPOL_START);
                    } else if self.peek().is_some_and(is_path_byte) {
                        return Some(self.path_rest(start, kind));
                    }
                    self.open.pop();
                }
                Some(Open::StringText { indented }) => {
                    let kind = self.string_text(indented);
                    if self.pos == start {
                        // Nothing before the `${` or the closing quote.
                        continue;
                    }
                    return Some(kind);
                }
                Some(Open::StringClose) => {
                    self.open.pop();
                    let closed = match self.peek() {
                        Some(b'"') => {
                            self.pos += 1;
                            true
                        }
                        Some(b'\'') => {
                            self.pos += 1;
                            if self.peek() == Some(b'\'') {
                                self.pos += 1;
                                true
                            } else {
                                false
                            }
                        }
                        _ => false,
                    };
                    return Some(if closed {
                        TOKEN_STRING_END
                    } else {
                        TOKEN_ERROR
                    });
                }
                Some(Open::Interpolation { .. }) | None => {}
            }
            break;
        }
        self.code_token(start)
    }

    /// A string's text up to its end, an interpolation or an error. The
    /// cursor stays before a closing quote or `${`.
    fn string_text(&mut self, indented: bool) -> SyntaxKind {
        loop {
            // Only these bytes decide anything; the text between them is
            // skipped in one search.
            let rest = self.rest();
            let found = if indented {
                memchr::memchr2(b'\'', b'$', rest)
            } else {
                memchr::memchr3(b'"', b'\\', b'$', rest)
            };
            let Some(n) = found else {
                self.pos = self.bytes.len();
                self.open.pop();
                return TOKEN_ERROR;
            };
            let here = self.pos + n;
            let b = rest[n];
            self.pos = here + 1;
            match b {
                b'"' if !indented => {
                    self.pos = here;
                    self.open.pop();
                    self.open.push(Open::StringClose);
                    return TOKEN_STRING_CONTENT;
                }
                b'\\' if !indented => {
                    // An escape takes the whole character after it.
                    let escaped = self.bump_char();
                    if escaped.is_none() {
                        return TOKEN_ERROR;
                    }
                }
                b'\'' if indented => match self.peek() {
                    None => return TOKEN_ERROR,
                    Some(b'\'') => {
                        self.pos += 1;
                        match self.peek() {
                            Some(b'\'' | b'$') => self.pos += 1,
                            Some(b'\\') => {
                                self.pos += 1;
                                if self.bump_char().is_none() {
                                    return TOKEN_ERROR;
                                }
                            }
                            _ => {
                                self.pos = here;
                                self.open.pop();
                                self.open.push(Open::StringClose);
                                return TOKEN_STRING_CONTENT;
                            }
                        }
                    }
                    Some(_) => {}
                },
                b'$' => match self.peek() {
                    Some(b'$') => self.pos += 1,
                    Some(b'{') => {
                        self.pos = here;
                        self.open.push(Open::InterpolationStart);
                        return TOKEN_STRING_CONTENT;
                    }
                    _ => {}
                },
                _ => {}
            }
        }
    }

    /// The rest of a path segment from the cursor; `start` is where the
    /// token began.
    fn path_rest(&mut self, start: usize, kind: SyntaxKind) -> SyntaxKind {
        self.skip_while(is_path_byte);
        if self.starts_with(b"${") {
            self.open.push(Open::InterpolationStart);
            return kind;
        }
        let segment = self.bytes.get(start..self.pos).unwrap_or_default();
        if segment.last() == Some(&b'/') || segment.windows(2).any(|w| w == b"//") {
            // The path stays open: what follows may still continue it.
            return TOKEN_ERROR;
        }
        self.open.pop();
        kind
    }

    /// What the bytes from the cursor say about a path or URI starting
    /// here (decided before the token's first character is read).
    fn lead(&self) -> Lead {
        let Some(first) = self.peek() else {
            return Lead::Other;
        };
        match first {
            b'/' => {
                if self.starts_with(b"//") {
                    Lead::Other
                } else if self.starts_with(b"/${")
                    || self.at(self.pos + 1).is_some_and(is_path_byte)
                {
                    Lead::AbsolutePath
                } else {
                    Lead::Other
                }
            }
            b'~' if self.at(self.pos + 1) == Some(b'/') => Lead::HomePath,
            // Only these can begin the run the lookahead below needs.
            b'<' => self.lead_after_run(self.pos, false, true),
            b if is_path_byte(b) => self.lead_after_run(self.pos, false, false),
            _ => Lead::Other,
        }
    }

    /// Reads past the run of path bytes (and `<`, `/` for a search path)
    /// and decides by the two characters after it.
    /// The run starts at the cursor; the bytes before `from` are in it
    /// already, `underscore` telling whether one of them is `_`.
    fn lead_after_run(&self, from: usize, mut underscore: bool, search: bool) -> Lead {
        let mut i = from;
        while let Some(b) = self.at(i) {
            let taken = match b {
                b'<' | b'/' => search,
                _ => is_path_byte(b),
            };
            if !taken {
                break;
            }
            underscore |= b == b'_';
            i += 1;
        }
        match self.at(i) {
            Some(b'/') => match self.char_at(i + 1) {
                Some('/' | '*') => Lead::Other,
                Some(c) if !c.is_whitespace() => Lead::RelativePath,
                _ => Lead::Other,
            },
            Some(b'>') => Lead::SearchPath,
            Some(b':') if !underscore && self.at(i + 1).is_some_and(is_uri_byte) => Lead::Uri,
            _ => Lead::Other,
        }
    }

    /// A token outside string text: trivia, operators, names, numbers,
    /// paths and URIs.
    fn code_token(&mut self, start: usize) -> Option<SyntaxKind> {
        if self.skip_whitespace() > 0 {
            return Some(TOKEN_WHITESPACE);
        }
        match self.peek()? {
            b'#' => {
                self.pos = match memchr::memchr(b'\n', self.rest()) {
                    Some(n) => self.pos + n,
                    None => self.bytes.len(),
                };
                return Some(TOKEN_COMMENT);
            }
            b'/' if self.starts_with(b"/*") => {
                self.pos += 2;
                return Some(self.block_comment());
            }
            b'.' if self.starts_with(b"...") => {
                self.pos += 3;
                return Some(TOKEN_ELLIPSIS);
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => return Some(self.word(start)),
            _ => {}
        }
        let lead = self.lead();
        let c = self.bump_char()?;
        if c == '/' && self.peek() == Some(b'/') {
            self.pos += 1;
            return Some(TOKEN_UPDATE);
        }
        if c == '~'
            || matches!(lead, Lead::AbsolutePath | Lead::RelativePath)
            || (c == '/' && self.peek().is_some_and(is_path_byte))
        {
            let kind = if c == '~' {
                if self.bump_char() != Some('/') {
                    return Some(TOKEN_ERROR);
                }
                TOKEN_PATH_HOME
            } else if c == '/' {
                TOKEN_PATH_ABS
            } else {
                TOKEN_PATH_REL
            };
            self.open.push(Open::Path(kind));
            return Some(self.path_rest(start, kind));
        }
        let next = self.peek();
        Some(match c {
            '=' if next == Some(b'=') => self.pair(TOKEN_EQUAL),
            '!' if next == Some(b'=') => self.pair(TOKEN_NOT_EQUAL),
            '!' => TOKEN_INVERT,
            '{' => {
                if let Some(Open::Interpolation { braces }) = self.open.last_mut() {
                    *braces += 1;
                }
                TOKEN_L_BRACE
            }
            '}' => {
                if let Some(Open::Interpolation { braces }) = self.open.last_mut() {
                    if *braces == 0 {
                        self.open.pop();
                        return Some(TOKEN_INTERPOL_END);
                    }
                    *braces -= 1;
                }
                TOKEN_R_BRACE
            }
            '[' => TOKEN_L_BRACK,
            ']' => TOKEN_R_BRACK,
            '@' => TOKEN_AT,
            ':' => TOKEN_COLON,
            ',' => TOKEN_COMMA,
            '.' if next.is_some_and(|b| b.is_ascii_digit()) => {
                self.skip_while(|b| b.is_ascii_digit());
                self.exponent()
            }
            '.' => TOKEN_DOT,
            '=' => TOKEN_ASSIGN,
            '?' => TOKEN_QUESTION,
            ';' => TOKEN_SEMICOLON,
            '(' => TOKEN_L_PAREN,
            ')' => TOKEN_R_PAREN,
            '+' if next == Some(b'+') => self.pair(TOKEN_CONCAT),
            '-' if next == Some(b'>') => self.pair(TOKEN_IMPLICATION),
            '+' => TOKEN_ADD,
            '-' => TOKEN_SUB,
            '*' => TOKEN_MUL,
            '/' => TOKEN_DIV,
            '<' if next == Some(b'|') => self.pair(TOKEN_PIPE_LEFT),
            '<' if lead == Lead::SearchPath => {
                if self.skip_while(is_path_byte) == 0 {
                    TOKEN_LESS
                } else if self.bump_char() != Some('>') {
                    TOKEN_ERROR
                } else {
                    TOKEN_PATH_SEARCH
                }
            }
            '&' if next == Some(b'&') => self.pair(TOKEN_AND_AND),
            '|' if next == Some(b'>') => self.pair(TOKEN_PIPE_RIGHT),
            '|' if next == Some(b'|') => self.pair(TOKEN_OR_OR),
            '<' if next == Some(b'=') => self.pair(TOKEN_LESS_OR_EQ),
            '<' => TOKEN_LESS,
            '>' if next == Some(b'=') => self.pair(TOKEN_MORE_OR_EQ),
            '>' => TOKEN_MORE,
            '$' if next == Some(b'{') => {
                self.pos += 1;
                self.open.push(Open::Interpolation { braces: 0 });
                TOKEN_INTERPOL_START
            }
            '"' => {
                self.open.push(Open::StringText { indented: false });
                TOKEN_STRING_START
            }
            '\'' if next == Some(b'\'') => {
                self.pos += 1;
                self.open.push(Open::StringText { indented: true });
                TOKEN_STRING_START
            }
            '0'..='9' => {
                self.skip_while(|b| b.is_ascii_digit());
                // A leading `0` makes an integer of the digits alone
                // (`0.5` is still a float).
                if self.peek() == Some(b'.') && (c != '0' || next == Some(b'.')) {
                    self.pos += 1;
                    self.skip_while(|b| b.is_ascii_digit());
                    self.exponent()
                } else {
                    TOKEN_INTEGER
                }
            }
            _ => TOKEN_ERROR,
        })
    }

    #[inline]
    /// A token starting with a letter or `_` (the most common kind): a
    /// name or keyword, unless the path lookahead makes it a relative path
    /// or a URI. The bytes names and paths share are read once.
    fn word(&mut self, start: usize) -> SyntaxKind {
        let mut i = self.pos;
        let mut underscore = false;
        while let Some(b) = self.at(i) {
            if !matches!(b, b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-') {
                break;
            }
            underscore |= b == b'_';
            i += 1;
        }
        match self.lead_after_run(i, underscore, false) {
            Lead::RelativePath => {
                self.pos += 1;
                self.open.push(Open::Path(TOKEN_PATH_REL));
                self.path_rest(start, TOKEN_PATH_REL)
            }
            Lead::Uri => {
                self.pos += 1;
                self.skip_while(|b| is_ident_byte(b) || is_uri_byte(b));
                TOKEN_URI
            }
            _ => {
                self.pos = i;
                // `'` is the one name byte that is not a path byte.
                if self.peek() == Some(b'\'') {
                    self.skip_while(is_ident_byte);
                }
                keyword(self.bytes.get(start..self.pos).unwrap_or_default())
            }
        }
    }

    /// Steps over the second byte of a two-byte operator.
    fn pair(&mut self, kind: SyntaxKind) -> SyntaxKind {
        self.pos += 1;
        kind
    }

    /// The rest of a `/* … */` comment after its opening.
    fn block_comment(&mut self) -> SyntaxKind {
        loop {
            match memchr::memchr(b'*', self.rest()) {
                Some(n) => self.pos += n + 1,
                None => {
                    self.pos = self.bytes.len();
                    return TOKEN_ERROR;
                }
            }
            match self.peek() {
                None => return TOKEN_ERROR,
                Some(b'/') => {
                    self.pos += 1;
                    return TOKEN_COMMENT;
                }
                Some(_) => {}
            }
        }
    }

    /// An optional exponent after a float's digits.
    fn exponent(&mut self) -> SyntaxKind {
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'-' | b'+')) {
                self.pos += 1;
            }
            if self.skip_while(|b| b.is_ascii_digit()) == 0 {
                return TOKEN_ERROR;
            }
        }
        TOKEN_FLOAT
    }
}

/// The keyword kind of an identifier's text, or `TOKEN_IDENT`.
fn keyword(word: &[u8]) -> SyntaxKind {
    match word {
        b"assert" => TOKEN_ASSERT,
        b"else" => TOKEN_ELSE,
        b"if" => TOKEN_IF,
        b"in" => TOKEN_IN,
        b"inherit" => TOKEN_INHERIT,
        b"let" => TOKEN_LET,
        b"or" => TOKEN_OR,
        b"rec" => TOKEN_REC,
        b"then" => TOKEN_THEN,
        b"with" => TOKEN_WITH,
        _ => TOKEN_IDENT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn same(text: &str) {
        let ours: Vec<_> = tokenize(text).collect();
        let theirs: Vec<_> = rnix::tokenize(text).collect();
        assert_eq!(ours, theirs, "{text:?}");
    }

    #[test]
    fn tokens_like_rnix() {
        for text in [
            "",
            "a.b or c",
            "{ a = 1; b = \"x${y}z\\\"\"; }",
            "''\n  a ''${b} ''' ''\\n $${c} ${d}\n''",
            "./a/${b}/c ~/x /a/b <nixpkgs/lib> https://x.org/a?b=c&d",
            "a//b a/b a / b a/ b /* c */ # d\n",
            "1 1.5 .5 0.5 05 00.5 1e5 1.5e-3 1.5e 2.E+ 0.e",
            "x: y:z a_b:c <a<b> <> < a > ~x ~",
            "/a//b /a/ /${x} ./a/ ${b} a-b a'b",
            "é \u{a0}\u{2028}x \u{3000}",
            "\"abc",
            "''abc'",
            "\"a\\",
            "/* unclosed *",
            "${ { } }",
            "a |> b <| c -> d && e || f ?? g",
            "\r\n\r",
        ] {
            same(text);
        }
    }

    /// Every file of the language corpus.
    #[test]
    fn tokens_like_rnix_on_the_corpus() {
        let mut checked = 0;
        for (_, text) in super::super::corpus_texts() {
            same(&text);
            checked += 1;
        }
        assert!(checked > 1000, "only {checked} corpus files");
    }

    /// Random sequences of fragments chosen for the tokenizer's decisions
    /// (paths, URIs, strings, interpolations, numbers, comments, non-ASCII).
    #[test]
    fn tokens_like_rnix_on_token_soup() {
        const FRAGMENTS: &[&str] = &[
            "a",
            "_",
            "b1",
            "'",
            "''",
            "\"",
            "${",
            "}",
            "{",
            "/",
            "//",
            "/*",
            "*/",
            "*",
            "~",
            "~/",
            "<",
            ">",
            "<|",
            "|>",
            ":",
            "://",
            ".",
            "..",
            "...",
            "0",
            "05",
            "1.5",
            "e",
            "E+",
            "-",
            "+",
            "$",
            "$$",
            "\\",
            "\n",
            " ",
            "\t",
            "#",
            "é",
            "\u{a0}",
            "\u{2028}",
            "?",
            "@",
            "=",
            "!",
            ",",
            ";",
            "(",
            ")",
            "[",
            "]",
            "&&",
            "||",
            "x:y",
            "https",
            "./",
            "../",
            "a/b",
            "<nixpkgs>",
            "''$",
            "''\\",
            "'''",
            "\r",
            "in",
            "or",
            "let",
            "=>",
        ];
        let mut next = crate::test_random::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut random = move |n: usize| next(n as u64) as usize;
        for _ in 0..40_000 {
            let mut text = String::new();
            for _ in 0..1 + random(14) {
                text.push_str(FRAGMENTS[random(FRAGMENTS.len())]);
            }
            same(&text);
        }
    }
}
