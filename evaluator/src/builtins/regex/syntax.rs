//! The syntax of POSIX extended regular expressions as libstdc++ reads them:
//! byte sets, the AST and the recursive-descent parser.

/// A set of bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(super) struct ByteSet(pub(super) [u64; 4]);

impl ByteSet {
    pub(super) fn insert(&mut self, b: u8) {
        self.0[(b >> 6) as usize] |= 1 << (b & 63);
    }
    pub(super) fn contains(&self, b: u8) -> bool {
        self.0[(b >> 6) as usize] & (1 << (b & 63)) != 0
    }
}

#[derive(Debug, Clone)]
pub(super) enum Ast {
    Empty,
    Byte(u8),
    /// `.`: any byte but NUL.
    Any,
    Set(ByteSet),
    Bol,
    Eol,
    Group(usize, Box<Ast>),
    Concat(Vec<Ast>),
    Alt(Box<Ast>, Box<Ast>),
    Star(Box<Ast>),
    Plus(Box<Ast>),
    Opt(Box<Ast>),
    /// `{min}`, `{min,}` (max `None`) or `{min,max}`.
    Interval(Box<Ast>, usize, Option<usize>),
}

#[derive(Debug, PartialEq)]
pub(super) enum RegexError {
    Invalid,
    /// The automaton would exceed libstdc++'s state limit.
    Space,
}

/// libstdc++'s `_GLIBCXX_REGEX_STATE_LIMIT`.
pub(super) const STATE_LIMIT: usize = 100_000;
/// Deeper nesting than this is refused rather than risking the host stack.
const MAX_DEPTH: usize = 1000;

/// Characters that may follow a backslash in extended syntax.
const ESCAPABLE: &[u8] = b".[\\()*+?{|^$";

/// POSIX collating-element names, indexed by character (libstdc++'s table).
const COLLATE_NAMES: [&str; 128] = [
    "NUL",
    "SOH",
    "STX",
    "ETX",
    "EOT",
    "ENQ",
    "ACK",
    "alert",
    "backspace",
    "tab",
    "newline",
    "vertical-tab",
    "form-feed",
    "carriage-return",
    "SO",
    "SI",
    "DLE",
    "DC1",
    "DC2",
    "DC3",
    "DC4",
    "NAK",
    "SYN",
    "ETB",
    "CAN",
    "EM",
    "SUB",
    "ESC",
    "IS4",
    "IS3",
    "IS2",
    "IS1",
    "space",
    "exclamation-mark",
    "quotation-mark",
    "number-sign",
    "dollar-sign",
    "percent-sign",
    "ampersand",
    "apostrophe",
    "left-parenthesis",
    "right-parenthesis",
    "asterisk",
    "plus-sign",
    "comma",
    "hyphen",
    "period",
    "slash",
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "colon",
    "semicolon",
    "less-than-sign",
    "equals-sign",
    "greater-than-sign",
    "question-mark",
    "commercial-at",
    "A",
    "B",
    "C",
    "D",
    "E",
    "F",
    "G",
    "H",
    "I",
    "J",
    "K",
    "L",
    "M",
    "N",
    "O",
    "P",
    "Q",
    "R",
    "S",
    "T",
    "U",
    "V",
    "W",
    "X",
    "Y",
    "Z",
    "left-square-bracket",
    "backslash",
    "right-square-bracket",
    "circumflex",
    "underscore",
    "grave-accent",
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "v",
    "w",
    "x",
    "y",
    "z",
    "left-curly-bracket",
    "vertical-line",
    "right-curly-bracket",
    "tilde",
    "DEL",
];

fn lookup_collate_name(name: &[u8]) -> Result<u8, RegexError> {
    COLLATE_NAMES
        .iter()
        .position(|n| n.as_bytes() == name)
        .map(|i| i as u8)
        .ok_or(RegexError::Invalid)
}

/// The bytes of a character class in the C locale (`[:alpha:]`, …).
fn class_set(name: &[u8]) -> Result<ByteSet, RegexError> {
    let name = name.to_ascii_lowercase();
    let pred: fn(u8) -> bool = match name.as_slice() {
        b"d" | b"digit" => |c| c.is_ascii_digit(),
        b"w" => |c| c.is_ascii_alphanumeric() || c == b'_',
        b"s" | b"space" => |c| matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'),
        b"alnum" => |c| c.is_ascii_alphanumeric(),
        b"alpha" => |c| c.is_ascii_alphabetic(),
        b"blank" => |c| c == b' ' || c == b'\t',
        b"cntrl" => |c| c < 0x20 || c == 0x7f,
        b"graph" => |c| c.is_ascii_graphic(),
        b"lower" => |c| c.is_ascii_lowercase(),
        b"print" => |c| c.is_ascii_graphic() || c == b' ',
        b"punct" => |c| c.is_ascii_punctuation(),
        b"upper" => |c| c.is_ascii_uppercase(),
        b"xdigit" => |c| c.is_ascii_hexdigit(),
        _ => return Err(RegexError::Invalid),
    };
    let mut set = ByteSet::default();
    for c in 0..=255u8 {
        if pred(c) {
            set.insert(c);
        }
    }
    Ok(set)
}

/// Tokens inside a bracket expression.
#[derive(Debug)]
enum BracketTok {
    Char(u8),
    Dash,
    End,
    Class(Vec<u8>),
    Equiv(Vec<u8>),
    Collate(Vec<u8>),
}

pub(super) struct Parser<'a> {
    pub(super) re: &'a [u8],
    pub(super) pos: usize,
    pub(super) groups: usize,
    pub(super) depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.re.get(self.pos).copied()
    }

    fn enter(&mut self) -> Result<(), RegexError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(RegexError::Invalid);
        }
        Ok(())
    }

    pub(super) fn disjunction(&mut self) -> Result<Ast, RegexError> {
        let mut left = self.alternative()?;
        while self.peek() == Some(b'|') {
            self.pos += 1;
            let right = self.alternative()?;
            left = Ast::Alt(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn alternative(&mut self) -> Result<Ast, RegexError> {
        let mut items = Vec::new();
        loop {
            match self.peek() {
                None | Some(b'|' | b')' | b'*' | b'+' | b'?' | b'{') => break,
                Some(b'^') => {
                    self.pos += 1;
                    items.push(Ast::Bol);
                }
                Some(b'$') => {
                    self.pos += 1;
                    items.push(Ast::Eol);
                }
                Some(_) => {
                    let atom = self.atom()?;
                    items.push(self.quantifiers(atom)?);
                }
            }
        }
        Ok(match items.len() {
            0 => Ast::Empty,
            1 => items.pop().unwrap_or(Ast::Empty),
            _ => Ast::Concat(items),
        })
    }

    fn atom(&mut self) -> Result<Ast, RegexError> {
        let Some(c) = self.peek() else {
            return Err(RegexError::Invalid);
        };
        self.pos += 1;
        match c {
            b'.' => Ok(Ast::Any),
            b'(' => {
                self.enter()?;
                self.groups += 1;
                let g = self.groups;
                let inner = self.disjunction()?;
                if self.peek() != Some(b')') {
                    return Err(RegexError::Invalid);
                }
                self.pos += 1;
                self.depth -= 1;
                Ok(Ast::Group(g, Box::new(inner)))
            }
            b'[' => self.bracket(),
            b'\\' => match self.peek() {
                Some(e) if ESCAPABLE.contains(&e) => {
                    self.pos += 1;
                    Ok(Ast::Byte(e))
                }
                // Escaping an ordinary character (or nothing) is an error.
                _ => Err(RegexError::Invalid),
            },
            c => Ok(Ast::Byte(c)),
        }
    }

    fn number(&mut self) -> Result<Option<usize>, RegexError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if start == self.pos {
            return Ok(None);
        }
        let digits =
            std::str::from_utf8(&self.re[start..self.pos]).map_err(|_| RegexError::Invalid)?;
        // A count too large to represent would need more states than allowed anyway.
        digits
            .parse::<usize>()
            .map(Some)
            .map_err(|_| RegexError::Space)
    }

    fn quantifiers(&mut self, mut atom: Ast) -> Result<Ast, RegexError> {
        let mut count = 0;
        loop {
            let q = match self.peek() {
                Some(q @ (b'*' | b'+' | b'?' | b'{')) => q,
                _ => return Ok(atom),
            };
            count += 1;
            if count > MAX_DEPTH {
                return Err(RegexError::Invalid);
            }
            self.pos += 1;
            atom = match q {
                b'*' => Ast::Star(Box::new(atom)),
                b'+' => Ast::Plus(Box::new(atom)),
                b'?' => Ast::Opt(Box::new(atom)),
                _ => {
                    let min = self.number()?.ok_or(RegexError::Invalid)?;
                    let max = if self.peek() == Some(b',') {
                        self.pos += 1;
                        self.number()?
                    } else {
                        Some(min)
                    };
                    if self.peek() != Some(b'}') {
                        return Err(RegexError::Invalid);
                    }
                    self.pos += 1;
                    if max.is_some_and(|m| m < min) {
                        return Err(RegexError::Invalid);
                    }
                    Ast::Interval(Box::new(atom), min, max)
                }
            };
        }
    }

    fn bracket_token(&mut self, at_start: bool) -> Result<BracketTok, RegexError> {
        let Some(c) = self.peek() else {
            return Err(RegexError::Invalid);
        };
        self.pos += 1;
        Ok(match c {
            b'-' => BracketTok::Dash,
            b'[' => match self.peek() {
                None => return Err(RegexError::Invalid),
                Some(k @ (b'.' | b':' | b'=')) => {
                    self.pos += 1;
                    let start = self.pos;
                    while self.peek().is_some_and(|c| c != k) {
                        self.pos += 1;
                    }
                    let name = self.re[start..self.pos].to_vec();
                    if self.peek() != Some(k) || self.re.get(self.pos + 1) != Some(&b']') {
                        return Err(RegexError::Invalid);
                    }
                    self.pos += 2;
                    match k {
                        b'.' => BracketTok::Collate(name),
                        b':' => BracketTok::Class(name),
                        _ => BracketTok::Equiv(name),
                    }
                }
                Some(_) => BracketTok::Char(b'['),
            },
            b']' if !at_start => BracketTok::End,
            c => BracketTok::Char(c),
        })
    }

    /// A bracket expression after its `[`, with libstdc++'s rules for `-`.
    fn bracket(&mut self) -> Result<Ast, RegexError> {
        #[derive(Clone, Copy, PartialEq)]
        enum Last {
            None,
            Char(u8),
            Class,
        }
        let negate = self.peek() == Some(b'^');
        if negate {
            self.pos += 1;
        }
        let mut set = ByteSet::default();
        let range = |set: &mut ByteSet, l: u8, r: u8| -> Result<(), RegexError> {
            // `char` is signed: ranges compare bytes as signed values.
            let (l, r) = (l as i8, r as i8);
            if l > r {
                return Err(RegexError::Invalid);
            }
            for c in l..=r {
                set.insert(c as u8);
            }
            Ok(())
        };
        let mut last = Last::None;
        let mut pending = None;
        match self.bracket_token(true)? {
            BracketTok::Char(c) => last = Last::Char(c),
            BracketTok::Dash => last = Last::Char(b'-'),
            t => pending = Some(t),
        }
        fn push_char(set: &mut ByteSet, last: &mut Last, c: u8) {
            if let Last::Char(p) = *last {
                set.insert(p);
            }
            *last = Last::Char(c);
        }
        fn push_class(set: &mut ByteSet, last: &mut Last) {
            if let Last::Char(p) = *last {
                set.insert(p);
            }
            *last = Last::Class;
        }
        loop {
            let tok = match pending.take() {
                Some(t) => t,
                None => self.bracket_token(false)?,
            };
            match tok {
                BracketTok::End => break,
                BracketTok::Collate(name) => {
                    let c = lookup_collate_name(&name)?;
                    push_char(&mut set, &mut last, c);
                }
                BracketTok::Equiv(name) => {
                    let c = lookup_collate_name(&name)?;
                    push_class(&mut set, &mut last);
                    // Equivalence is case-insensitive (`transform_primary` lowers case).
                    for x in 0..=255u8 {
                        if x.eq_ignore_ascii_case(&c) {
                            set.insert(x);
                        }
                    }
                }
                BracketTok::Class(name) => {
                    let cls = class_set(&name)?;
                    push_class(&mut set, &mut last);
                    for (w, c) in set.0.iter_mut().zip(cls.0) {
                        *w |= c;
                    }
                }
                BracketTok::Char(c) => push_char(&mut set, &mut last, c),
                BracketTok::Dash => match self.bracket_token(false)? {
                    BracketTok::End => {
                        push_char(&mut set, &mut last, b'-');
                        break;
                    }
                    t => match (last, t) {
                        (Last::Char(l), BracketTok::Char(r)) => {
                            range(&mut set, l, r)?;
                            last = Last::None;
                        }
                        (Last::Char(l), BracketTok::Dash) => {
                            range(&mut set, l, b'-')?;
                            last = Last::None;
                        }
                        _ => return Err(RegexError::Invalid),
                    },
                },
            }
        }
        if let Last::Char(c) = last {
            set.insert(c);
        }
        if negate {
            for w in set.0.iter_mut() {
                *w = !*w;
            }
        }
        Ok(Ast::Set(set))
    }
}
