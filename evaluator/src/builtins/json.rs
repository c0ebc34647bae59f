//! JSON builtins: `toJSON` (iterative, nlohmann::json's output format, floats
//! in shortest round-trip form as current Nix writes them) and `fromJSON`
//! (a port of nlohmann::json's lexer and parser, so errors read the same).

use std::rc::Rc;

use super::versions::to_str_no_ctx;
use super::{make_attrs, BuiltinDef, BuiltinImpl::*, ALL};
use crate::errors::ErrorKind;
use crate::eval_err;
use crate::value::{well_known, NixString, StringBuilder, Symbol, Value};
use crate::vm::generators::{coerce_to_string, make_gen, Co, Coercion, Gen};
use crate::vm::Vm;
use crate::Shared;

pub(super) static BUILTINS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "toJSON",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Async(to_json),
    },
    BuiltinDef {
        name: "fromJSON",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(from_json),
    },
];

// ---- toJSON -------------------------------------------------------------

/// Appends `s` as a JSON string literal, escaped as nlohmann::json does
/// (non-ASCII bytes are written as they are).
pub(crate) fn escape_json_string(s: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &c in s {
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            c if c < 0x20 => out.extend_from_slice(format!("\\u{:04x}", c).as_bytes()),
            c => out.push(c),
        }
    }
    out.push(b'"');
}

/// A float as nlohmann::json writes it: the shortest digits that read back
/// as the same double, `%g`-like layout, `.0` on integral values, and
/// `null` for infinities and NaN.
pub(crate) fn format_json_float(x: f64) -> String {
    if !x.is_finite() {
        return "null".into();
    }
    let mut out = String::new();
    if x.is_sign_negative() {
        out.push('-');
    }
    let v = x.abs();
    if v == 0.0 {
        out.push_str("0.0");
        return out;
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "d.ddde-5".
    let sci = format!("{v:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    let k = digits.len() as i32;
    // The value is 0.DIGITS * 10^n.
    let n = exp + 1;
    const MIN_EXP: i32 = -4;
    const MAX_EXP: i32 = 15;
    if k <= n && n <= MAX_EXP {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
        out.push_str(".0");
    } else if 0 < n && n <= MAX_EXP {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if MIN_EXP < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let e = n - 1;
        out.push('e');
        out.push(if e < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", e.abs()));
    }
    out
}

/// Current Nix's JSON library refuses strings that are not UTF-8 (2.8
/// wrote their bytes as they were); the index is the offending byte's.
fn check_json_utf8(s: &[u8]) -> Result<(), ErrorKind> {
    let Err(e) = std::str::from_utf8(s) else {
        return Ok(());
    };
    let start = e.valid_up_to();
    let Some(len) = e.error_len() else {
        let last = s.last().copied().unwrap_or(0);
        return Err(eval_err!(
            "JSON serialization error: [json.exception.type_error.316] incomplete UTF-8 string; last byte: 0x{last:02X}"
        ));
    };
    // A bad lead byte is reported where it is; a bad continuation byte after it.
    let lead_ok = matches!(s[start], 0xc2..=0xf4);
    let at = if lead_ok { start + len } else { start };
    let byte = s.get(at).copied().unwrap_or(s[start]);
    Err(eval_err!(
        "JSON serialization error: [json.exception.type_error.316] invalid UTF-8 byte at index {at}: 0x{byte:02X}"
    ))
}

enum Task {
    /// A value and how deeply it is nested.
    Visit(Value, usize),
    Emit(Vec<u8>),
}

/// Serialises `v` (forcing it deeply) with an explicit work stack, so deep
/// values do not recurse on the host stack. Contexts of all strings are
/// merged. Nesting deeper than `depth_limit` is refused (see
/// [`crate::Limits`]).
pub(crate) async fn value_to_json(
    co: &Co,
    v: Value,
    depth_limit: Option<usize>,
) -> Result<NixString, ErrorKind> {
    let mut out: Vec<u8> = Vec::new();
    let mut ctx = StringBuilder::new();
    let mut work = vec![Task::Visit(v, 0)];
    let (to_string_sym, out_path_sym) = well_known(|w| (w.to_string, w.out_path));
    let mut checked = crate::state::BufferCheck::default();
    while let Some(task) = work.pop() {
        checked.check(out.len())?;
        let v = match task {
            Task::Emit(b) => {
                out.extend_from_slice(&b);
                continue;
            }
            Task::Visit(v, depth) => (co.force(v).await, depth),
        };
        let (v, depth) = v;
        if matches!(v, Value::Attrs(_) | Value::List(_))
            && depth_limit.is_some_and(|max| depth >= max)
        {
            return Err(ErrorKind::MaxCallDepth);
        }
        match &v {
            Value::Null => out.extend_from_slice(b"null"),
            Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Value::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
            Value::Float(f) => out.extend_from_slice(format_json_float(*f).as_bytes()),
            Value::String(s) => {
                check_json_utf8(s.as_bytes())?;
                ctx.add_context(s.context());
                escape_json_string(s.as_bytes(), &mut out);
            }
            Value::Path(_) => {
                let s = coerce_to_string(co, v.clone(), Coercion::INTERPOLATION).await?;
                ctx.add_context(s.context());
                escape_json_string(s.as_bytes(), &mut out);
            }
            Value::Attrs(a) => {
                if a.contains(to_string_sym) {
                    let s = coerce_to_string(co, v.clone(), Coercion::PATH_APPEND).await?;
                    ctx.add_context(s.context());
                    escape_json_string(s.as_bytes(), &mut out);
                } else if let Some(o) = a.get(out_path_sym) {
                    work.push(Task::Visit(o.clone(), depth));
                } else {
                    out.push(b'{');
                    work.push(Task::Emit(b"}".to_vec()));
                    for (i, attr) in a.iter().enumerate().rev() {
                        work.push(Task::Visit(attr.value.clone(), depth + 1));
                        let mut key = Vec::new();
                        if i > 0 {
                            key.push(b',');
                        }
                        check_json_utf8(attr.name.as_bytes())?;
                        escape_json_string(attr.name.as_bytes(), &mut key);
                        key.push(b':');
                        work.push(Task::Emit(key));
                    }
                }
            }
            Value::List(l) => {
                out.push(b'[');
                work.push(Task::Emit(b"]".to_vec()));
                for (i, x) in l.iter().enumerate().rev() {
                    work.push(Task::Visit(x.clone(), depth + 1));
                    if i > 0 {
                        work.push(Task::Emit(b",".to_vec()));
                    }
                }
            }
            Value::Builtin(b) => {
                let partially = if b.args.is_empty() {
                    ""
                } else {
                    "partially applied "
                };
                return Err(eval_err!(
                    "cannot convert the {partially}built-in function '{}' to JSON",
                    b.def.name
                ));
            }
            Value::Closure(_) | Value::Thunk(_) => {
                return Err(eval_err!("cannot convert {} to JSON", v.type_description()));
            }
        }
    }
    let mut b = StringBuilder::new();
    b.push_bytes(&out);
    b.push_str(&ctx.finish()?);
    b.finish()
}

fn to_json(args: Vec<Value>, shared: Rc<Shared>) -> Box<Gen> {
    make_gen(move |co| async move {
        let depth = shared.limits.data_depth();
        Ok(Value::String(
            value_to_json(&co, args[0].clone(), depth).await?,
        ))
    })
}

// ---- fromJSON: nlohmann::json's lexer ----------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
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

fn token_type_name(t: Tok) -> &'static str {
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

struct Lexer<'a> {
    input: &'a [u8],
    next: usize,
    /// The current character; `None` is end of input.
    current: Option<u8>,
    next_unget: bool,
    chars_read_total: usize,
    chars_read_current_line: usize,
    lines_read: usize,
    /// Raw bytes of the current token, for error messages.
    token_string: Vec<u8>,
    /// Decoded bytes of the current string or number.
    token_buffer: Vec<u8>,
    error_message: String,
    value_unsigned: u64,
    value_integer: i64,
    value_float: f64,
}

impl<'a> Lexer<'a> {
    fn new(input: &'a [u8]) -> Self {
        Lexer {
            input,
            next: 0,
            current: None,
            next_unget: false,
            chars_read_total: 0,
            chars_read_current_line: 0,
            lines_read: 0,
            token_string: Vec::new(),
            token_buffer: Vec::new(),
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
        if let Some(c) = self.current {
            self.token_string.push(c);
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
        if self.current.is_some() {
            self.token_string.pop();
        }
    }

    fn reset(&mut self) {
        self.token_buffer.clear();
        self.token_string.clear();
        if let Some(c) = self.current {
            self.token_string.push(c);
        }
    }

    fn add(&mut self, c: u8) {
        self.token_buffer.push(c);
    }

    fn error(&mut self, msg: impl Into<String>) -> Tok {
        self.error_message = msg.into();
        Tok::ParseError
    }

    /// The token read so far, control characters shown as `<U+XXXX>`.
    fn token_string(&self) -> String {
        let mut out = Vec::new();
        for &c in &self.token_string {
            if c <= 0x1f {
                out.extend_from_slice(format!("<U+{:04X}>", c).as_bytes());
            } else {
                out.push(c);
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    fn position(&self) -> String {
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

    fn scan(&mut self) -> Tok {
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
        let text = String::from_utf8_lossy(&self.token_buffer).into_owned();
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

// ---- fromJSON: nlohmann::json's parser, building Nix values ------------

enum Frame {
    Array(Vec<Value>),
    Object(Vec<(Symbol, Value)>, Option<Symbol>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    result: Option<Value>,
}

impl Builder {
    fn value(&mut self, v: Value) {
        match self.stack.last_mut() {
            Some(Frame::Array(items)) => items.push(v),
            Some(Frame::Object(pairs, key)) => {
                if let Some(k) = key.take() {
                    pairs.push((k, v));
                }
            }
            None => self.result = Some(v),
        }
    }

    fn key(&mut self, k: &[u8]) {
        if let Some(Frame::Object(_, key)) = self.stack.last_mut() {
            *key = Some(Symbol::new(k));
        }
    }

    fn end(&mut self) {
        match self.stack.pop() {
            Some(Frame::Array(items)) => self.value(Value::list(items)),
            Some(Frame::Object(pairs, _)) => self.value(make_attrs(pairs)),
            None => {}
        }
    }
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    last: Tok,
}

impl Parser<'_> {
    fn get_token(&mut self) -> Tok {
        self.last = self.lexer.scan();
        self.last
    }

    fn syntax_error(&self, expected: Tok, context: &str) -> String {
        let mut msg = String::from("syntax error ");
        if !context.is_empty() {
            msg.push_str(&format!("while parsing {context} "));
        }
        msg.push_str("- ");
        if self.last == Tok::ParseError {
            msg.push_str(&format!(
                "{}; last read: '{}'",
                self.lexer.error_message,
                self.lexer.token_string()
            ));
        } else {
            msg.push_str(&format!("unexpected {}", token_type_name(self.last)));
        }
        if expected != Tok::Uninitialized {
            msg.push_str(&format!("; expected {}", token_type_name(expected)));
        }
        format!(
            "[json.exception.parse_error.101] parse error at {}: {msg}",
            self.lexer.position()
        )
    }

    fn string_value(&self) -> Value {
        // A NUL byte is kept here and refused by `reject_nul_bytes`.
        Value::string(self.lexer.token_buffer.clone())
    }

    fn parse(mut self) -> Result<Value, String> {
        let mut b = Builder::default();
        // `true`: inside an array; `false`: inside an object.
        let mut states: Vec<bool> = Vec::new();
        let mut skip_to_state_evaluation = false;
        self.get_token();
        loop {
            if !skip_to_state_evaluation {
                match self.last {
                    Tok::BeginObject => {
                        b.stack.push(Frame::Object(Vec::new(), None));
                        if self.get_token() == Tok::EndObject {
                            b.end();
                        } else {
                            if self.last != Tok::Str {
                                return Err(self.syntax_error(Tok::Str, "object key"));
                            }
                            b.key(&self.lexer.token_buffer);
                            if self.get_token() != Tok::NameSeparator {
                                return Err(
                                    self.syntax_error(Tok::NameSeparator, "object separator")
                                );
                            }
                            states.push(false);
                            self.get_token();
                            continue;
                        }
                    }
                    Tok::BeginArray => {
                        b.stack.push(Frame::Array(Vec::new()));
                        if self.get_token() == Tok::EndArray {
                            b.end();
                        } else {
                            states.push(true);
                            continue;
                        }
                    }
                    Tok::Float => {
                        let f = self.lexer.value_float;
                        if !f.is_finite() {
                            return Err(format!(
                                "[json.exception.out_of_range.406] number overflow parsing '{}'",
                                self.lexer.token_string()
                            ));
                        }
                        b.value(Value::Float(f));
                    }
                    Tok::False => b.value(Value::Bool(false)),
                    Tok::True => b.value(Value::Bool(true)),
                    Tok::Null => b.value(Value::Null),
                    Tok::Integer => b.value(Value::Int(self.lexer.value_integer)),
                    Tok::Unsigned => {
                        let u = self.lexer.value_unsigned;
                        let Ok(i) = i64::try_from(u) else {
                            return Err(format!(
                                "unsigned json number {u} outside of Nix integer range"
                            ));
                        };
                        b.value(Value::Int(i));
                    }
                    Tok::Str => b.value(self.string_value()),
                    Tok::ParseError => return Err(self.syntax_error(Tok::Uninitialized, "value")),
                    _ => return Err(self.syntax_error(Tok::LiteralOrValue, "value")),
                }
            } else {
                skip_to_state_evaluation = false;
            }
            let Some(&in_array) = states.last() else {
                break;
            };
            if in_array {
                if self.get_token() == Tok::ValueSeparator {
                    self.get_token();
                    continue;
                }
                if self.last == Tok::EndArray {
                    b.end();
                    states.pop();
                    skip_to_state_evaluation = true;
                    continue;
                }
                return Err(self.syntax_error(Tok::EndArray, "array"));
            }
            if self.get_token() == Tok::ValueSeparator {
                if self.get_token() != Tok::Str {
                    return Err(self.syntax_error(Tok::Str, "object key"));
                }
                b.key(&self.lexer.token_buffer);
                if self.get_token() != Tok::NameSeparator {
                    return Err(self.syntax_error(Tok::NameSeparator, "object separator"));
                }
                self.get_token();
                continue;
            }
            if self.last == Tok::EndObject {
                b.end();
                states.pop();
                skip_to_state_evaluation = true;
                continue;
            }
            return Err(self.syntax_error(Tok::EndObject, "object"));
        }
        if self.get_token() != Tok::EndOfInput {
            return Err(self.syntax_error(Tok::EndOfInput, "value"));
        }
        Ok(b.result.unwrap_or(Value::Null))
    }
}

/// Parses JSON text into a Nix value, with nlohmann::json's error messages.
pub(crate) fn parse_json(input: &[u8]) -> Result<Value, String> {
    Parser {
        lexer: Lexer::new(input),
        last: Tok::Uninitialized,
    }
    .parse()
}

fn from_json(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let s = to_str_no_ctx(&args[0])?;
    let v = parse_json(s.as_bytes()).map_err(ErrorKind::Eval)?;
    reject_nul_bytes(&v).map_err(ErrorKind::Eval)?;
    Ok(v)
}

/// Current Nix refuses parsed strings and names with a NUL byte (which 2.8
/// silently cut short), naming the string with the NUL shown as `␀`.
pub(crate) fn reject_nul_bytes(v: &Value) -> Result<(), String> {
    let check = |bytes: &[u8]| {
        if !bytes.contains(&0) {
            return Ok(());
        }
        let shown = String::from_utf8_lossy(bytes).replace('\0', "\u{2400}");
        Err(format!(
            "input string '{shown}' cannot be represented as Nix string because it contains null bytes"
        ))
    };
    let mut work = vec![v.clone()];
    while let Some(v) = work.pop() {
        match v {
            Value::String(s) => check(s.as_bytes())?,
            // In order, so the first offending string is the one named.
            Value::List(l) => work.extend(l.iter().rev().cloned()),
            Value::Attrs(a) => {
                for attr in a.iter() {
                    check(attr.name.as_bytes())?;
                }
                work.extend(a.iter().rev().map(|attr| attr.value.clone()));
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_written_like_nlohmann() {
        let cases: &[(f64, &str)] = &[
            (1.0, "1.0"),
            (0.5, "0.5"),
            (1.0e-5, "1e-05"),
            (1.0e-4, "0.0001"),
            (1.0e20, "1e+20"),
            (1.0e15, "1e+15"),
            (1.0e14, "100000000000000.0"),
            (123456789.123, "123456789.123"),
            (-2.5, "-2.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1.0 / 3.0, "0.3333333333333333"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (f64::INFINITY, "null"),
            (f64::NAN, "null"),
            (1.5e300, "1.5e+300"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
        ];
        for (x, want) in cases {
            assert_eq!(format_json_float(*x), *want, "formatting {x:e}");
        }
    }

    #[test]
    fn strings_are_escaped_like_nlohmann() {
        let mut out = Vec::new();
        escape_json_string(b"q\" b\\ \x08\x0c\n\r\t\x01\x1f\x7f \xc3\xa9", &mut out);
        assert_eq!(
            out,
            b"\"q\\\" b\\\\ \\b\\f\\n\\r\\t\\u0001\\u001f\x7f \xc3\xa9\"".to_vec()
        );
    }

    fn err(s: &str) -> String {
        match parse_json(s.as_bytes()) {
            Err(e) => e,
            Ok(v) => panic!("{s:?} parsed to {v:?}"),
        }
    }

    #[test]
    fn parse_errors_match_nlohmann() {
        let p = "[json.exception.parse_error.101] parse error at";
        assert_eq!(err(""), format!("{p} line 1, column 1: syntax error while parsing value - unexpected end of input; expected '[', '{{', or a literal"));
        assert_eq!(err("{ invalid"), format!("{p} line 1, column 3: syntax error while parsing object key - invalid literal; last read: '{{ i'; expected string literal"));
        assert_eq!(err("[1] x"), format!("{p} line 1, column 5: syntax error while parsing value - invalid literal; last read: '1] x'; expected end of input"));
        assert_eq!(err("01"), format!("{p} line 1, column 2: syntax error while parsing value - unexpected number literal; expected end of input"));
        assert_eq!(err("1.e5"), format!("{p} line 1, column 3: syntax error while parsing value - invalid number; expected digit after '.'; last read: '1.e'"));
        assert_eq!(err("{\"a\" 1}"), format!("{p} line 1, column 6: syntax error while parsing object separator - unexpected number literal; expected ':'"));
        assert_eq!(err("\"\\ud800\""), format!("{p} line 1, column 8: syntax error while parsing value - invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF; last read: '\"\\ud800\"'"));
        assert_eq!(err("\n\n  x"), format!("{p} line 3, column 3: syntax error while parsing value - invalid literal; last read: '<U+000A><U+000A>  x'"));
        assert_eq!(err("\"\t\""), format!("{p} line 1, column 2: syntax error while parsing value - invalid string: control character U+0009 (HT) must be escaped to \\u0009 or \\t; last read: '\"<U+0009>'"));
        assert_eq!(err("[1 2]"), format!("{p} line 1, column 4: syntax error while parsing array - unexpected number literal; expected ']'"));
        assert_eq!(
            err("1e400"),
            "[json.exception.out_of_range.406] number overflow parsing '1e400'"
        );
        assert_eq!(
            err("9223372036854775808"),
            "unsigned json number 9223372036854775808 outside of Nix integer range"
        );
    }

    #[test]
    fn values_parse() {
        assert!(matches!(parse_json(b"-0"), Ok(Value::Int(0))));
        assert!(matches!(
            parse_json(b"18446744073709551616"),
            Ok(Value::Float(_))
        ));
        assert!(matches!(
            parse_json(b"-9223372036854775808"),
            Ok(Value::Int(i64::MIN))
        ));
        assert!(matches!(parse_json(b"\xef\xbb\xbf 1"), Ok(Value::Int(1))));
        let deep = "[".repeat(1000) + &"]".repeat(1000);
        assert!(matches!(parse_json(deep.as_bytes()), Ok(Value::List(_))));
    }
}
