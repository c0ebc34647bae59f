//! `fromJSON`'s lexer: a port of nlohmann::json's, so tokens, positions and
//! error messages read the same.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tok {
    Uninitialized,
    True,
    False,
    Null,
    Str,
    Unsigned,
    Integer,
    Float,
    BeginArray,
    BeginObject,
    EndArray,
    EndObject,
    NameSeparator,
    ValueSeparator,
    ParseError,
    EndOfInput,
    LiteralOrValue,
}

pub(super) fn token_type_name(t: Tok) -> &'static str {
    match t {
        Tok::Uninitialized => "<uninitialized>",
        Tok::True => "true literal",
        Tok::False => "false literal",
        Tok::Null => "null literal",
        Tok::Str => "string literal",
        Tok::Unsigned | Tok::Integer | Tok::Float => "number literal",
        Tok::BeginArray => "'['",
        Tok::BeginObject => "'{'",
        Tok::EndArray => "']'",
        Tok::EndObject => "'}'",
        Tok::NameSeparator => "':'",
        Tok::ValueSeparator => "','",
        Tok::ParseError => "<parse error>",
        Tok::EndOfInput => "end of input",
        Tok::LiteralOrValue => "'[', '{', or a literal",
    }
}

const CONTROL_NAMES: [&str; 32] = [
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
    "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC",
    "FS", "GS", "RS", "US",
];

pub(super) struct Lexer<'a> {
    input: &'a [u8],
    next: usize,
    /// The current character; `None` is end of input.
    current: Option<u8>,
    next_unget: bool,
    chars_read_total: usize,
    chars_read_current_line: usize,
    lines_read: usize,
    /// Where the raw text of the current token starts in `input`, for
    /// error messages (see [`Lexer::token_string`]): read from the input
    /// when needed instead of copied byte by byte as it is read.
    token_start: usize,
    /// Decoded bytes of the current string or number.
    pub(super) token_buffer: Vec<u8>,
    /// Whether the current string has a NUL byte: only a `\u0000` escape
    /// makes one (a raw control character is an error), so the strings
    /// need no search for it.
    pub(super) string_has_nul: bool,
    pub(super) error_message: String,
    pub(super) value_unsigned: u64,
    pub(super) value_integer: i64,
    pub(super) value_float: f64,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(input: &'a [u8]) -> Self {
        Lexer {
            input,
            next: 0,
            current: None,
            next_unget: false,
            chars_read_total: 0,
            chars_read_current_line: 0,
            lines_read: 0,
            token_start: 0,
            token_buffer: Vec::new(),
            string_has_nul: false,
            error_message: String::new(),
            value_unsigned: 0,
            value_integer: 0,
            value_float: 0.0,
        }
    }

    fn get(&mut self) -> Option<u8> {
        self.chars_read_total += 1;
        self.chars_read_current_line += 1;
        if self.next_unget {
            self.next_unget = false;
        } else {
            self.current = self.input.get(self.next).copied();
            if self.current.is_some() {
                self.next += 1;
            }
        }
        if self.current == Some(b'\n') {
            self.lines_read += 1;
            self.chars_read_current_line = 0;
        }
        self.current
    }

    fn unget(&mut self) {
        self.next_unget = true;
        self.chars_read_total = self.chars_read_total.saturating_sub(1);
        if self.chars_read_current_line == 0 {
            self.lines_read = self.lines_read.saturating_sub(1);
        } else {
            self.chars_read_current_line -= 1;
        }
    }

    /// Starts a token at the current character.
    fn reset(&mut self) {
        self.token_buffer.clear();
        self.string_has_nul = false;
        // Strings and numbers start right after `scan` read their first
        // character, which nothing has given back.
        self.token_start = self
            .next
            .saturating_sub(usize::from(self.current.is_some()));
    }

    /// The end of what has been read (a character given back with
    /// `unget` is not).
    fn consumed(&self) -> usize {
        self.next - usize::from(self.next_unget && self.current.is_some())
    }

    fn add(&mut self, c: u8) {
        self.token_buffer.push(c);
    }

    fn error(&mut self, msg: impl Into<String>) -> Tok {
        self.error_message = msg.into();
        Tok::ParseError
    }

    /// What was read since the current token started (or since the input
    /// did, before the first string or number), control characters shown
    /// as `<U+XXXX>`.
    pub(super) fn token_string(&self) -> String {
        let mut out = Vec::new();
        let read = self
            .input
            .get(self.token_start..self.consumed())
            .unwrap_or_default();
        for &c in read {
            if c <= 0x1f {
                out.extend_from_slice(format!("<U+{:04X}>", c).as_bytes());
            } else {
                out.push(c);
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    pub(super) fn position(&self) -> String {
        format!(
            "line {}, column {}",
            self.lines_read + 1,
            self.chars_read_current_line
        )
    }

    fn skip_bom(&mut self) -> bool {
        if self.get() == Some(0xEF) {
            return self.get() == Some(0xBB) && self.get() == Some(0xBF);
        }
        self.unget();
        true
    }

    pub(super) fn scan(&mut self) -> Tok {
        if self.chars_read_total == 0 && !self.skip_bom() {
            return self.error("invalid BOM; must be 0xEF 0xBB 0xBF if given");
        }
        loop {
            self.get();
            if !matches!(self.current, Some(b' ' | b'\t' | b'\n' | b'\r')) {
                break;
            }
        }
        match self.current {
            Some(b'[') => Tok::BeginArray,
            Some(b']') => Tok::EndArray,
            Some(b'{') => Tok::BeginObject,
            Some(b'}') => Tok::EndObject,
            Some(b':') => Tok::NameSeparator,
            Some(b',') => Tok::ValueSeparator,
            Some(b't') => self.scan_literal(b"true", Tok::True),
            Some(b'f') => self.scan_literal(b"false", Tok::False),
            Some(b'n') => self.scan_literal(b"null", Tok::Null),
            Some(b'"') => self.scan_string(),
            Some(b'-' | b'0'..=b'9') => self.scan_number(),
            None | Some(0) => Tok::EndOfInput,
            Some(_) => self.error("invalid literal"),
        }
    }

    fn scan_literal(&mut self, text: &[u8], tok: Tok) -> Tok {
        for &expected in &text[1..] {
            if self.get() != Some(expected) {
                return self.error("invalid literal");
            }
        }
        tok
    }

    /// Four hex digits after `\u`, or `None`.
    fn get_codepoint(&mut self) -> Option<u32> {
        let mut cp = 0;
        for _ in 0..4 {
            let d = match self.get() {
                Some(c) => char::from(c).to_digit(16)?,
                None => return None,
            };
            cp = cp * 16 + d;
        }
        Some(cp)
    }

    /// Checks the continuation bytes of a UTF-8 sequence against `ranges`.
    fn next_byte_in_range(&mut self, ranges: &[(u8, u8)]) -> bool {
        if let Some(c) = self.current {
            self.add(c);
        }
        for &(lo, hi) in ranges {
            match self.get() {
                Some(c) if lo <= c && c <= hi => self.add(c),
                _ => {
                    self.error_message = "invalid string: ill-formed UTF-8 byte".into();
                    return false;
                }
            }
        }
        true
    }

    fn scan_string(&mut self) -> Tok {
        self.reset();
        loop {
            // A run of plain ASCII (no quote, backslash or control
            // character) is taken at once, as `get` would take it byte by
            // byte: no line ends in it, so only the column moves.
            if !self.next_unget {
                let rest = self.input.get(self.next..).unwrap_or_default();
                let plain = rest
                    .iter()
                    .position(|&b| !(0x20..0x80).contains(&b) || b == b'"' || b == b'\\')
                    .unwrap_or(rest.len());
                if plain > 0 {
                    let run = &rest[..plain];
                    self.token_buffer.extend_from_slice(run);
                    self.current = run.last().copied();
                    self.next += plain;
                    self.chars_read_total += plain;
                    self.chars_read_current_line += plain;
                }
            }
            let Some(c) = self.get() else {
                return self.error("invalid string: missing closing quote");
            };
            match c {
                b'"' => return Tok::Str,
                b'\\' => match self.get() {
                    Some(b'"') => self.add(b'"'),
                    Some(b'\\') => self.add(b'\\'),
                    Some(b'/') => self.add(b'/'),
                    Some(b'b') => self.add(0x08),
                    Some(b'f') => self.add(0x0c),
                    Some(b'n') => self.add(b'\n'),
                    Some(b'r') => self.add(b'\r'),
                    Some(b't') => self.add(b'\t'),
                    Some(b'u') => {
                        let Some(cp1) = self.get_codepoint() else {
                            return self
                                .error("invalid string: '\\u' must be followed by 4 hex digits");
                        };
                        let mut cp = cp1;
                        if (0xD800..=0xDBFF).contains(&cp1) {
                            if self.get() == Some(b'\\') && self.get() == Some(b'u') {
                                let Some(cp2) = self.get_codepoint() else {
                                    return self.error(
                                        "invalid string: '\\u' must be followed by 4 hex digits",
                                    );
                                };
                                if (0xDC00..=0xDFFF).contains(&cp2) {
                                    cp = (cp1 << 10) + cp2 - 0x35F_DC00;
                                } else {
                                    return self.error(
                                        "invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF",
                                    );
                                }
                            } else {
                                return self.error(
                                    "invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF",
                                );
                            }
                        } else if (0xDC00..=0xDFFF).contains(&cp1) {
                            return self.error("invalid string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF");
                        }
                        self.string_has_nul |= cp == 0;
                        let ch = char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER);
                        let mut buf = [0u8; 4];
                        for &b in ch.encode_utf8(&mut buf).as_bytes() {
                            self.add(b);
                        }
                    }
                    _ => return self.error("invalid string: forbidden character after backslash"),
                },
                0x00..=0x1f => {
                    let alt = match c {
                        0x08 => " or \\b",
                        0x09 => " or \\t",
                        0x0a => " or \\n",
                        0x0c => " or \\f",
                        0x0d => " or \\r",
                        _ => "",
                    };
                    let msg = format!(
                        "invalid string: control character U+{:04X} ({}) must be escaped to \\u{:04X}{}",
                        c, CONTROL_NAMES[c as usize], c, alt
                    );
                    return self.error(msg);
                }
                0x20..=0x7f => self.add(c),
                0xC2..=0xDF => {
                    if !self.next_byte_in_range(&[(0x80, 0xBF)]) {
                        return Tok::ParseError;
                    }
                }
                0xE0 => {
                    if !self.next_byte_in_range(&[(0xA0, 0xBF), (0x80, 0xBF)]) {
                        return Tok::ParseError;
                    }
                }
                0xE1..=0xEC | 0xEE | 0xEF => {
                    if !self.next_byte_in_range(&[(0x80, 0xBF), (0x80, 0xBF)]) {
                        return Tok::ParseError;
                    }
                }
                0xED => {
                    if !self.next_byte_in_range(&[(0x80, 0x9F), (0x80, 0xBF)]) {
                        return Tok::ParseError;
                    }
                }
                0xF0 => {
                    if !self.next_byte_in_range(&[(0x90, 0xBF), (0x80, 0xBF), (0x80, 0xBF)]) {
                        return Tok::ParseError;
                    }
                }
                0xF1..=0xF3 => {
                    if !self.next_byte_in_range(&[(0x80, 0xBF), (0x80, 0xBF), (0x80, 0xBF)]) {
                        return Tok::ParseError;
                    }
                }
                0xF4 => {
                    if !self.next_byte_in_range(&[(0x80, 0x8F), (0x80, 0xBF), (0x80, 0xBF)]) {
                        return Tok::ParseError;
                    }
                }
                _ => return self.error("invalid string: ill-formed UTF-8 byte"),
            }
        }
    }

    fn scan_number(&mut self) -> Tok {
        #[derive(PartialEq)]
        enum State {
            Minus,
            Zero,
            Any1,
            Decimal1,
            Decimal2,
            Exponent,
            Sign,
            Any2,
            Done,
        }
        self.reset();
        let mut number_type = Tok::Unsigned;
        let first = self.current.unwrap_or(b'0');
        self.add(first);
        let mut state = match first {
            b'-' => State::Minus,
            b'0' => State::Zero,
            _ => State::Any1,
        };
        while state != State::Done {
            state = match state {
                State::Minus => {
                    number_type = Tok::Integer;
                    match self.get() {
                        Some(c @ b'0') => {
                            self.add(c);
                            State::Zero
                        }
                        Some(c @ b'1'..=b'9') => {
                            self.add(c);
                            State::Any1
                        }
                        _ => return self.error("invalid number; expected digit after '-'"),
                    }
                }
                State::Zero => match self.get() {
                    Some(b'.') => {
                        self.add(b'.');
                        State::Decimal1
                    }
                    Some(c @ (b'e' | b'E')) => {
                        self.add(c);
                        State::Exponent
                    }
                    _ => State::Done,
                },
                State::Any1 => match self.get() {
                    Some(c @ b'0'..=b'9') => {
                        self.add(c);
                        State::Any1
                    }
                    Some(b'.') => {
                        self.add(b'.');
                        State::Decimal1
                    }
                    Some(c @ (b'e' | b'E')) => {
                        self.add(c);
                        State::Exponent
                    }
                    _ => State::Done,
                },
                State::Decimal1 => {
                    number_type = Tok::Float;
                    match self.get() {
                        Some(c @ b'0'..=b'9') => {
                            self.add(c);
                            State::Decimal2
                        }
                        _ => return self.error("invalid number; expected digit after '.'"),
                    }
                }
                State::Decimal2 => match self.get() {
                    Some(c @ b'0'..=b'9') => {
                        self.add(c);
                        State::Decimal2
                    }
                    Some(c @ (b'e' | b'E')) => {
                        self.add(c);
                        State::Exponent
                    }
                    _ => State::Done,
                },
                State::Exponent => {
                    number_type = Tok::Float;
                    match self.get() {
                        Some(c @ (b'+' | b'-')) => {
                            self.add(c);
                            State::Sign
                        }
                        Some(c @ b'0'..=b'9') => {
                            self.add(c);
                            State::Any2
                        }
                        _ => {
                            return self.error(
                                "invalid number; expected '+', '-', or digit after exponent",
                            )
                        }
                    }
                }
                State::Sign => match self.get() {
                    Some(c @ b'0'..=b'9') => {
                        self.add(c);
                        State::Any2
                    }
                    _ => return self.error("invalid number; expected digit after exponent sign"),
                },
                State::Any2 => match self.get() {
                    Some(c @ b'0'..=b'9') => {
                        self.add(c);
                        State::Any2
                    }
                    _ => State::Done,
                },
                State::Done => State::Done,
            };
        }
        self.unget();
        // Only ASCII digits, signs, dots and exponents were added.
        let text = std::str::from_utf8(&self.token_buffer).unwrap_or_default();
        match number_type {
            Tok::Unsigned => {
                if let Ok(u) = text.parse::<u64>() {
                    self.value_unsigned = u;
                    return Tok::Unsigned;
                }
            }
            Tok::Integer => {
                if let Ok(i) = text.parse::<i64>() {
                    self.value_integer = i;
                    return Tok::Integer;
                }
            }
            _ => {}
        }
        // Floats, and integers too large for 64 bits.
        self.value_float = text.parse::<f64>().unwrap_or(f64::NAN);
        Tok::Float
    }
}
