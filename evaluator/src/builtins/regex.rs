//! `match` and `split`: POSIX extended regular expressions with the exact
//! behaviour of C++ Nix, which uses libstdc++'s `std::regex` (extended
//! syntax, depth-first executor). That executor is not a textbook POSIX
//! matcher: alternations try both branches and keep the longer match, but
//! greedy repetitions stop exploring once any match is found. This file
//! parses the same grammar, builds the same automaton shape and runs the same
//! depth-first search (with an explicit stack instead of recursion), so
//! captures, empty matches and errors agree with C++ Nix. Compiled
//! expressions are cached per thread.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::versions::to_str_no_ctx;
use super::{to_str, BuiltinDef, BuiltinImpl::*, ALL};
use crate::errors::ErrorKind;
use crate::eval_err;
use crate::value::Value;
use crate::vm::Vm;

pub(super) static BUILTINS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "match",
        arity: 2,
        strict: ALL,
        first_arg: Some("a string without context"),
        imp: Sync(match_builtin),
    },
    BuiltinDef {
        name: "split",
        arity: 2,
        strict: ALL,
        first_arg: Some("a string without context"),
        imp: Sync(split_builtin),
    },
];

// ---- syntax -------------------------------------------------------------

/// A set of bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn insert(&mut self, b: u8) {
        self.0[(b >> 6) as usize] |= 1 << (b & 63);
    }
    fn contains(&self, b: u8) -> bool {
        self.0[(b >> 6) as usize] & (1 << (b & 63)) != 0
    }
}

#[derive(Debug, Clone)]
enum Ast {
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
enum RegexError {
    Invalid,
    /// The automaton would exceed libstdc++'s state limit.
    Space,
}

/// libstdc++'s `_GLIBCXX_REGEX_STATE_LIMIT`.
const STATE_LIMIT: usize = 100_000;
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

struct Parser<'a> {
    re: &'a [u8],
    pos: usize,
    groups: usize,
    depth: usize,
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

    fn disjunction(&mut self) -> Result<Ast, RegexError> {
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

// ---- automaton (the shape libstdc++'s compiler builds) -----------------

#[derive(Debug, Clone, Copy)]
enum Matcher {
    Byte(u8),
    Any,
    Set(usize),
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Match(Matcher),
    /// Try `alt` (the left branch), then `next`; keep the longer match.
    Alt {
        alt: usize,
    },
    /// Greedy: once more through `alt`, then `next` unless a match was found.
    Repeat {
        alt: usize,
    },
    SubBegin(usize),
    SubEnd(usize),
    Bol,
    Eol,
    Dummy,
    Accept,
}

#[derive(Debug, Clone, Copy)]
struct State {
    op: Op,
    next: usize,
}

const NONE: usize = usize::MAX;

/// A compiled expression.
#[derive(Debug)]
pub(crate) struct Program {
    states: Vec<State>,
    sets: Vec<ByteSet>,
    start: usize,
    /// Capture groups, including group 0 (the whole match).
    groups: usize,
    /// The bytes a match can start with, or `None` if a match can be empty.
    /// Lets searches skip positions where an attempt would fail at once.
    first: Option<ByteSet>,
}

/// The first-byte set of the automaton from `start`, or `None` if it can
/// accept without consuming input. Assertions are treated as passable, which
/// can only enlarge the set.
fn first_bytes(states: &[State], sets: &[ByteSet], start: usize) -> Option<ByteSet> {
    let mut first = ByteSet::default();
    let mut seen = vec![false; states.len()];
    let mut work = vec![start];
    while let Some(s) = work.pop() {
        if s >= states.len() || seen[s] {
            continue;
        }
        seen[s] = true;
        let State { op, next } = states[s];
        match op {
            Op::Accept => return None,
            Op::Match(Matcher::Byte(b)) => first.insert(b),
            Op::Match(Matcher::Any) => {
                for b in 1..=255u8 {
                    first.insert(b);
                }
            }
            Op::Match(Matcher::Set(i)) => {
                for (w, x) in first.0.iter_mut().zip(sets[i].0) {
                    *w |= x;
                }
            }
            Op::Alt { alt } | Op::Repeat { alt } => work.extend([alt, next]),
            Op::SubBegin(_) | Op::SubEnd(_) | Op::Bol | Op::Eol | Op::Dummy => work.push(next),
        }
    }
    Some(first)
}

struct Compiler {
    states: Vec<State>,
    sets: Vec<ByteSet>,
}

/// A fragment: entry state and the state whose `next` continues it.
type Frag = (usize, usize);

impl Compiler {
    fn insert(&mut self, op: Op, next: usize) -> Result<usize, RegexError> {
        if self.states.len() >= STATE_LIMIT {
            return Err(RegexError::Space);
        }
        self.states.push(State { op, next });
        Ok(self.states.len() - 1)
    }

    fn append(&mut self, frag: &mut Frag, other: Frag) {
        self.states[frag.1].next = other.0;
        frag.1 = other.1;
    }

    fn single(&mut self, op: Op) -> Result<Frag, RegexError> {
        let s = self.insert(op, NONE)?;
        Ok((s, s))
    }

    fn compile(&mut self, ast: &Ast) -> Result<Frag, RegexError> {
        match ast {
            Ast::Empty => self.single(Op::Dummy),
            Ast::Byte(b) => self.single(Op::Match(Matcher::Byte(*b))),
            Ast::Any => self.single(Op::Match(Matcher::Any)),
            Ast::Set(set) => {
                self.sets.push(*set);
                let i = self.sets.len() - 1;
                self.single(Op::Match(Matcher::Set(i)))
            }
            Ast::Bol => self.single(Op::Bol),
            Ast::Eol => self.single(Op::Eol),
            Ast::Group(g, inner) => {
                let mut f = self.single(Op::SubBegin(*g))?;
                let body = self.compile(inner)?;
                self.append(&mut f, body);
                let end = self.single(Op::SubEnd(*g))?;
                self.append(&mut f, end);
                Ok(f)
            }
            Ast::Concat(items) => {
                let mut f: Option<Frag> = None;
                for item in items {
                    let g = self.compile(item)?;
                    match &mut f {
                        None => f = Some(g),
                        Some(f) => self.append(f, g),
                    }
                }
                match f {
                    Some(f) => Ok(f),
                    None => self.single(Op::Dummy),
                }
            }
            Ast::Alt(l, r) => {
                let left = self.compile(l)?;
                let right = self.compile(r)?;
                let end = self.insert(Op::Dummy, NONE)?;
                self.states[left.1].next = end;
                self.states[right.1].next = end;
                let a = self.insert(Op::Alt { alt: left.0 }, right.0)?;
                Ok((a, end))
            }
            Ast::Star(e) => {
                let body = self.compile(e)?;
                let r = self.insert(Op::Repeat { alt: body.0 }, NONE)?;
                self.states[body.1].next = r;
                Ok((r, r))
            }
            Ast::Plus(e) => {
                let body = self.compile(e)?;
                let r = self.insert(Op::Repeat { alt: body.0 }, NONE)?;
                self.states[body.1].next = r;
                Ok((body.0, r))
            }
            Ast::Opt(e) => {
                let body = self.compile(e)?;
                let end = self.insert(Op::Dummy, NONE)?;
                let r = self.insert(Op::Repeat { alt: body.0 }, end)?;
                self.states[body.1].next = end;
                Ok((r, end))
            }
            Ast::Interval(e, min, max) => {
                // libstdc++ compiles the operand once, then uses clones of it.
                self.compile(e)?;
                let mut f = self.single(Op::Dummy)?;
                for _ in 0..*min {
                    let c = self.compile(e)?;
                    self.append(&mut f, c);
                }
                match max {
                    None => {
                        let body = self.compile(e)?;
                        let r = self.insert(Op::Repeat { alt: body.0 }, NONE)?;
                        self.states[body.1].next = r;
                        self.append(&mut f, (r, r));
                    }
                    Some(max) => {
                        let end = self.insert(Op::Dummy, NONE)?;
                        for _ in *min..*max {
                            let body = self.compile(e)?;
                            let r = self.insert(Op::Repeat { alt: body.0 }, end)?;
                            self.append(&mut f, (r, body.1));
                        }
                        self.append(&mut f, (end, end));
                    }
                }
                Ok(f)
            }
        }
    }
}

fn compile(re: &[u8]) -> Result<Program, RegexError> {
    let mut p = Parser {
        re,
        pos: 0,
        groups: 0,
        depth: 0,
    };
    let ast = p.disjunction()?;
    if p.pos != re.len() {
        return Err(RegexError::Invalid);
    }
    let mut c = Compiler {
        states: Vec::new(),
        sets: Vec::new(),
    };
    let mut f = c.single(Op::SubBegin(0))?;
    let body = c.compile(&ast)?;
    c.append(&mut f, body);
    let end = c.single(Op::SubEnd(0))?;
    c.append(&mut f, end);
    let accept = c.single(Op::Accept)?;
    c.append(&mut f, accept);
    let first = first_bytes(&c.states, &c.sets, f.0);
    Ok(Program {
        states: c.states,
        sets: c.sets,
        start: f.0,
        groups: p.groups + 1,
        first,
    })
}

thread_local! {
    static CACHE: RefCell<HashMap<Vec<u8>, Rc<Program>>> = RefCell::new(HashMap::new());
}

/// The compiled form of `re`, from the per-thread cache when possible.
pub(crate) fn compiled(re: &[u8]) -> Result<Rc<Program>, ErrorKind> {
    if let Some(p) = CACHE.with(|c| c.borrow().get(re).cloned()) {
        return Ok(p);
    }
    let text = String::from_utf8_lossy(re);
    let prog = match compile(re) {
        Ok(p) => Rc::new(p),
        Err(RegexError::Space) => {
            return Err(eval_err!(
                "memory limit exceeded by regular expression '{text}'"
            ))
        }
        Err(RegexError::Invalid) => return Err(eval_err!("invalid regular expression '{text}'")),
    };
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 1000 {
            c.clear();
        }
        c.insert(re.to_vec(), prog.clone());
    });
    Ok(prog)
}

// ---- the depth-first executor ------------------------------------------

/// One capture: start, end, and whether it took part in the match.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Sub {
    start: usize,
    end: usize,
    matched: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// The match must end at the end of the input.
    Exact,
    /// Any match starting at the search position.
    Prefix,
}

/// `regex_constants` match flags that matter here.
#[derive(Clone, Copy, Default)]
struct Flags {
    not_null: bool,
    continuous: bool,
    prev_avail: bool,
}

enum Frame {
    Explore(usize, usize),
    AltRight(usize, usize),
    MergeSol(bool),
    RepeatNext(usize, usize),
    RestoreRep(usize, Option<usize>, u8),
    RestoreSub(usize, Sub),
}

/// Work allowed for one match attempt before giving up (libstdc++ would
/// run on, or exhaust its stack).
const STEP_LIMIT: u64 = 50_000_000;

struct Executor<'a> {
    prog: &'a Program,
    hay: &'a [u8],
    begin: usize,
    flags: Flags,
    mode: Mode,
    has_sol: bool,
    sol_pos: Option<usize>,
    cur: Vec<Sub>,
    results: Vec<Sub>,
    rep: Vec<(Option<usize>, u8)>,
    steps: u64,
    stack: Vec<Frame>,
    /// Asked every [`POLL_INTERVAL`] steps whether the evaluation must stop
    /// (interruption, timeout): a long match stops with it.
    poll: &'a mut dyn FnMut() -> Result<(), ErrorKind>,
}

/// Why a match was abandoned.
enum Stop {
    /// One attempt took more than [`STEP_LIMIT`] steps.
    TooComplex,
    /// The evaluation was stopped (a limit or an interruption).
    Limit(ErrorKind),
}

/// Steps between two polls of the evaluation's limits.
const POLL_INTERVAL: u64 = 1 << 16;

/// Byte spans of the capture groups (group 0 first); `None` for a group
/// that did not take part in the match.
type Captures = Vec<Option<(usize, usize)>>;

impl<'a> Executor<'a> {
    fn new(
        prog: &'a Program,
        hay: &'a [u8],
        mode: Mode,
        flags: Flags,
        poll: &'a mut dyn FnMut() -> Result<(), ErrorKind>,
    ) -> Self {
        Executor {
            prog,
            hay,
            begin: 0,
            flags,
            mode,
            has_sol: false,
            sol_pos: None,
            cur: vec![Sub::default(); prog.groups],
            results: vec![Sub::default(); prog.groups],
            rep: vec![(None, 0); prog.states.len()],
            steps: 0,
            stack: Vec::new(),
            poll,
        }
    }

    /// Whether an attempt at `pos` can possibly succeed.
    fn can_start(&self, pos: usize) -> bool {
        match &self.prog.first {
            None => true,
            Some(first) => pos < self.hay.len() && first.contains(self.hay[pos]),
        }
    }

    fn matches(&self, m: Matcher, c: u8) -> bool {
        match m {
            Matcher::Byte(b) => b == c,
            Matcher::Any => c != 0,
            Matcher::Set(i) => self.prog.sets[i].contains(c),
        }
    }

    /// One attempt at `self.begin` (libstdc++'s `_M_main`).
    fn run(&mut self) -> Result<bool, Stop> {
        self.has_sol = false;
        self.sol_pos = None;
        self.steps = 0;
        self.cur.fill(Sub::default());
        let mut stack = std::mem::take(&mut self.stack);
        stack.clear();
        stack.push(Frame::Explore(self.prog.start, self.begin));
        let result = self.explore(&mut stack);
        self.stack = stack;
        result
    }

    fn explore(&mut self, stack: &mut Vec<Frame>) -> Result<bool, Stop> {
        while let Some(frame) = stack.pop() {
            self.steps += 1;
            if self.steps.is_multiple_of(POLL_INTERVAL) {
                (self.poll)().map_err(Stop::Limit)?;
                if self.steps > STEP_LIMIT {
                    return Err(Stop::TooComplex);
                }
            }
            match frame {
                Frame::Explore(s, pos) => {
                    let State { op, next } = self.prog.states[s];
                    match op {
                        Op::Match(m) => {
                            if pos < self.hay.len() && self.matches(m, self.hay[pos]) {
                                stack.push(Frame::Explore(next, pos + 1));
                            }
                        }
                        Op::Alt { alt } => {
                            stack.push(Frame::AltRight(next, pos));
                            stack.push(Frame::Explore(alt, pos));
                        }
                        Op::Repeat { alt } => {
                            stack.push(Frame::RepeatNext(next, pos));
                            let (at, count) = self.rep[s];
                            // An empty iteration may repeat at most twice at one position.
                            if count == 0 || at != Some(pos) {
                                stack.push(Frame::RestoreRep(s, at, count));
                                self.rep[s] = (Some(pos), 1);
                                stack.push(Frame::Explore(alt, pos));
                            } else if count < 2 {
                                stack.push(Frame::RestoreRep(s, at, count));
                                self.rep[s].1 += 1;
                                stack.push(Frame::Explore(alt, pos));
                            }
                        }
                        Op::SubBegin(g) => {
                            stack.push(Frame::RestoreSub(g, self.cur[g]));
                            self.cur[g].start = pos;
                            stack.push(Frame::Explore(next, pos));
                        }
                        Op::SubEnd(g) => {
                            stack.push(Frame::RestoreSub(g, self.cur[g]));
                            self.cur[g].end = pos;
                            self.cur[g].matched = true;
                            stack.push(Frame::Explore(next, pos));
                        }
                        Op::Bol => {
                            if pos == self.begin && !self.flags.prev_avail {
                                stack.push(Frame::Explore(next, pos));
                            }
                        }
                        Op::Eol => {
                            if pos == self.hay.len() {
                                stack.push(Frame::Explore(next, pos));
                            }
                        }
                        Op::Dummy => stack.push(Frame::Explore(next, pos)),
                        Op::Accept => {
                            self.has_sol = match self.mode {
                                Mode::Exact => pos == self.hay.len(),
                                Mode::Prefix => true,
                            };
                            if pos == self.begin && self.flags.not_null {
                                self.has_sol = false;
                            }
                            if self.has_sol && self.sol_pos.is_none_or(|p| p < pos) {
                                self.sol_pos = Some(pos);
                                self.results.clone_from(&self.cur);
                            }
                        }
                    }
                }
                Frame::AltRight(next, pos) => {
                    let saved = self.has_sol;
                    self.has_sol = false;
                    stack.push(Frame::MergeSol(saved));
                    stack.push(Frame::Explore(next, pos));
                }
                Frame::MergeSol(saved) => self.has_sol |= saved,
                Frame::RepeatNext(next, pos) => {
                    if !self.has_sol {
                        stack.push(Frame::Explore(next, pos));
                    }
                }
                Frame::RestoreRep(s, at, count) => self.rep[s] = (at, count),
                Frame::RestoreSub(g, sub) => self.cur[g] = sub,
            }
        }
        Ok(self.has_sol)
    }

    /// `regex_search` from `from`: the first start position with a match.
    fn search(&mut self, from: usize) -> Result<bool, Stop> {
        self.begin = from;
        self.results.fill(Sub::default());
        if self.can_start(from) && self.run()? {
            return Ok(true);
        }
        if self.flags.continuous {
            return Ok(false);
        }
        self.flags.prev_avail = true;
        while self.begin < self.hay.len() {
            self.begin += 1;
            if self.can_start(self.begin) && self.run()? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// The error for an abandoned match.
fn stopped(re: &[u8], stop: Stop) -> ErrorKind {
    match stop {
        Stop::TooComplex => eval_err!(
            "regular expression '{}' is too expensive to match against this string",
            String::from_utf8_lossy(re)
        ),
        Stop::Limit(e) => e,
    }
}

/// The captures of a whole-string match (`regex_match`), or `None`.
fn full_match(
    prog: &Program,
    hay: &[u8],
    poll: &mut dyn FnMut() -> Result<(), ErrorKind>,
) -> Result<Option<Captures>, Stop> {
    let mut ex = Executor::new(prog, hay, Mode::Exact, Flags::default(), poll);
    ex.begin = 0;
    if !ex.run()? {
        return Ok(None);
    }
    Ok(Some(
        ex.results
            .iter()
            .map(|s| s.matched.then_some((s.start, s.end)))
            .collect(),
    ))
}

/// The successive matches `std::sregex_iterator` yields, each as its captures
/// (group 0 is the whole match).
fn all_matches(
    prog: &Program,
    hay: &[u8],
    poll: &mut dyn FnMut() -> Result<(), ErrorKind>,
) -> Result<Vec<Captures>, Stop> {
    let mut out = Vec::new();
    let mut flags = Flags::default();
    // One executor throughout: its repeat counters are back to their initial
    // state after every attempt.
    let mut ex = Executor::new(prog, hay, Mode::Prefix, flags, poll);
    if !ex.search(0)? {
        return Ok(out);
    }
    loop {
        let m: Captures = ex
            .results
            .iter()
            .map(|s| s.matched.then_some((s.start, s.end)))
            .collect();
        let (start, end) = m[0].unwrap_or((0, 0));
        out.push(m);
        let mut from = end;
        if start == end {
            if from == hay.len() {
                break;
            }
            // After an empty match, first try a non-empty one at the same place.
            ex.flags = Flags {
                not_null: true,
                continuous: true,
                ..flags
            };
            if ex.search(from)? {
                continue;
            }
            from += 1;
        }
        flags.prev_avail = true;
        ex.flags = flags;
        if !ex.search(from)? {
            break;
        }
    }
    Ok(out)
}

fn substring(hay: &[u8], span: Option<(usize, usize)>) -> Value {
    match span {
        Some((s, e)) => Value::string(hay[s..e].to_vec()),
        None => Value::Null,
    }
}

fn match_builtin(vm: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let re = to_str_no_ctx(&args[0])?;
    let prog = compiled(re.as_bytes())?;
    let s = to_str(&args[1])?;
    let hay = s.as_bytes();
    let mut poll = || vm.poll_limits();
    match full_match(&prog, hay, &mut poll).map_err(|e| stopped(re.as_bytes(), e))? {
        None => Ok(Value::Null),
        Some(groups) => Ok(Value::list(
            groups[1..].iter().map(|g| substring(hay, *g)).collect(),
        )),
    }
}

fn split_builtin(vm: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let re = to_str_no_ctx(&args[0])?;
    let prog = compiled(re.as_bytes())?;
    let s = to_str(&args[1])?;
    let hay = s.as_bytes();
    let mut poll = || vm.poll_limits();
    let matches = all_matches(&prog, hay, &mut poll).map_err(|e| stopped(re.as_bytes(), e))?;
    if matches.is_empty() {
        return Ok(Value::list(vec![args[1].clone()]));
    }
    let mut out = Vec::with_capacity(2 * matches.len() + 1);
    let mut prev_end = 0;
    for m in &matches {
        let (start, end) = m[0].unwrap_or((prev_end, prev_end));
        out.push(Value::string(hay[prev_end..start].to_vec()));
        out.push(Value::list(
            m[1..].iter().map(|g| substring(hay, *g)).collect(),
        ));
        prev_end = end;
    }
    out.push(Value::string(hay[prev_end..].to_vec()));
    Ok(Value::list(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(re: &str, s: &str) -> Option<Vec<Option<String>>> {
        let prog = compile(re.as_bytes()).unwrap_or_else(|e| panic!("{re:?}: {e:?}"));
        let groups = full_match(&prog, s.as_bytes(), &mut || Ok(()))
            .ok()
            .flatten()?;
        Some(
            groups[1..]
                .iter()
                .map(|g| g.map(|(a, b)| s[a..b].to_string()))
                .collect(),
        )
    }

    fn sp(re: &str, s: &str) -> Vec<(String, Vec<Option<String>>)> {
        let prog = compile(re.as_bytes()).unwrap_or_else(|e| panic!("{re:?}: {e:?}"));
        let ms = all_matches(&prog, s.as_bytes(), &mut || Ok(()))
            .ok()
            .unwrap_or_default();
        ms.iter()
            .map(|g| {
                let (a, b) = g[0].unwrap_or((0, 0));
                (
                    s[a..b].to_string(),
                    g[1..]
                        .iter()
                        .map(|x| x.map(|(a, b)| s[a..b].to_string()))
                        .collect(),
                )
            })
            .collect()
    }

    fn some(v: &[&str]) -> Option<Vec<Option<String>>> {
        Some(v.iter().map(|x| Some(x.to_string())).collect())
    }

    #[test]
    fn long_matches_poll_the_evaluation_limits() {
        // Found by fuzzing (`builtins.split` with nested quantifiers took 10 s):
        // the match stays under the per-attempt step limit at each start
        // position, so only polling the evaluation's limits can stop it.
        let re: &[u8] = b"(a*)**+\n*+\n*++\n*+*.\0\x000.\xae?";
        let prog = compile(re).expect("a valid regular expression");
        let mut polls = 0;
        let mut poll = || {
            polls += 1;
            if polls > 3 {
                Err(ErrorKind::Limit(
                    crate::state::limits::LimitKind::Interrupted,
                ))
            } else {
                Ok(())
            }
        };
        let r = all_matches(&prog, b"aab-cd_ef 123 xyz", &mut poll);
        assert!(matches!(r, Err(Stop::Limit(ErrorKind::Limit(_)))));
    }

    #[test]
    fn whole_string_matches() {
        assert_eq!(m("a(b)c", "abc"), some(&["b"]));
        assert_eq!(m("b", "abc"), None);
        assert_eq!(m("(a)|(b)", "b"), Some(vec![None, Some("b".into())]));
        assert_eq!(m("((a)(b))+", "abab"), some(&["ab", "a", "b"]));
        assert_eq!(m("a.b", "a\nb"), some(&[]));
        assert_eq!(m("(a*)*", ""), some(&[""]));
        assert_eq!(m("((a)|b)+", "ab"), some(&["b", "a"]));
        assert_eq!(m("(a|)*b", "aab"), some(&[""]));
        assert_eq!(m("(a?){2}", "a"), some(&[""]));
        assert_eq!(m("(^a)*", "aa"), None);
        assert_eq!(m("[]a]+", "]a"), some(&[]));
        assert_eq!(m("[^]a]+", "bc"), some(&[]));
        assert_eq!(m("[\\.]+", "\\."), some(&[]));
        assert_eq!(m("[[=a=]]+", "aA"), some(&[]));
        assert_eq!(m("[[.space.]]", " "), some(&[]));
        assert_eq!(m("[[:ALPHA:]][[:w:]]", "a_"), some(&[]));
        assert_eq!(m("a{1}{2}", "aa"), some(&[]));
        assert_eq!(m("a**", "aa"), some(&[]));
        assert_eq!(m("x{0}", ""), some(&[]));
    }

    #[test]
    fn invalid_expressions() {
        for re in [
            "(",
            ")",
            "a)",
            "[a",
            "[]",
            "[^]",
            "[z-a]",
            "[a-z-0]",
            "[[:alpha:]-z]",
            "[[:alpha:]",
            "[[:foo:]]",
            "[[.0.]]",
            "[[=-=]]",
            "\\d",
            "\\]",
            "\\}",
            "\\",
            "a{,3}",
            "a{2",
            "a{2,1}",
            "{",
            "^*",
            "a|*",
            "*a",
        ] {
            assert_eq!(
                compile(re.as_bytes()).err(),
                Some(RegexError::Invalid),
                "{re:?}"
            );
        }
        for re in [
            "\\{",
            "\\|",
            "\\^",
            "\\$",
            "\\*",
            "[[.hyphen.]]",
            "[--0]",
            "[a-]",
            "a||b",
            "(|a)",
            "()*",
            "",
        ] {
            assert!(compile(re.as_bytes()).is_ok(), "{re:?}");
        }
        assert_eq!(compile(b"(a{1000}){1000}").err(), Some(RegexError::Space));
        assert!(compile(b"a{1000}").is_ok());
    }

    #[test]
    fn searches_follow_libstdcxx() {
        let s = |v: &[(&str, &[Option<&str>])]| -> Vec<(String, Vec<Option<String>>)> {
            v.iter()
                .map(|(a, g)| {
                    (
                        a.to_string(),
                        g.iter().map(|x| x.map(str::to_string)).collect(),
                    )
                })
                .collect()
        };
        // Alternation keeps the longer branch …
        assert_eq!(sp("(a|ab)", "xabx"), s(&[("ab", &[Some("ab")])]));
        // … but greedy repetition stops at its first success.
        assert_eq!(
            sp("(a*)(ab)?", "ab"),
            s(&[
                ("a", &[Some("a"), None]),
                ("", &[Some(""), None]),
                ("", &[Some(""), None])
            ])
        );
        assert_eq!(
            sp("(a|ab)(c|bcd)(d*)", "abcd"),
            s(&[("abcd", &[Some("a"), Some("bcd"), Some("")])])
        );
        assert_eq!(sp("x*", "ab"), s(&[("", &[]), ("", &[]), ("", &[])]));
        assert_eq!(
            sp("a*", "baaac"),
            s(&[("", &[]), ("aaa", &[]), ("", &[]), ("", &[])])
        );
        assert_eq!(sp("^a|b*", "ca"), s(&[("", &[]), ("", &[]), ("", &[])]));
    }

    #[test]
    fn deep_inputs_do_not_overflow() {
        let long = "a".repeat(200_000);
        assert_eq!(m("(a*)", &long).map(|g| g.len()), Some(1));
        assert_eq!(m(".*b", &long), None);
    }
}
