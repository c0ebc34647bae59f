//! The automaton libstdc++'s regex compiler builds, and the compilation of
//! a parsed expression into it.

use super::syntax::{Ast, ByteSet, Parser, RegexError, STATE_LIMIT};

#[derive(Debug, Clone, Copy)]
pub(super) enum Matcher {
    Byte(u8),
    Any,
    Set(usize),
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Op {
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
pub(super) struct State {
    pub(super) op: Op,
    pub(super) next: usize,
}

const NONE: usize = usize::MAX;

/// A compiled expression.
#[derive(Debug)]
pub(crate) struct Program {
    pub(super) states: Vec<State>,
    pub(super) sets: Vec<ByteSet>,
    pub(super) start: usize,
    /// Capture groups, including group 0 (the whole match).
    pub(super) groups: usize,
    /// The bytes a match can start with, or `None` if a match can be empty.
    /// Lets searches skip positions where an attempt would fail at once.
    pub(super) first: Option<ByteSet>,
    /// A searcher for the expression's bytes when it is nothing but a
    /// non-empty run of literal bytes with no groups (`;`, `, `): its
    /// leftmost match is the first occurrence, found without the automaton.
    pub(super) literal: Option<memchr::memmem::Finder<'static>>,
}

impl Program {
    /// The bytes the program holds on the heap.
    pub(crate) fn heap_bytes(&self) -> u64 {
        (self.states.capacity() * std::mem::size_of::<State>()
            + self.sets.capacity() * std::mem::size_of::<ByteSet>()
            + self.literal.as_ref().map_or(0, |f| f.needle().len())) as u64
    }
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

/// The bytes of an expression that is only literal bytes, or `None`.
fn literal_bytes(ast: &Ast, out: &mut Vec<u8>) -> Option<()> {
    match ast {
        Ast::Byte(b) => out.push(*b),
        Ast::Concat(items) => {
            for item in items {
                literal_bytes(item, out)?;
            }
        }
        _ => return None,
    }
    Some(())
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

pub(super) fn compile(re: &[u8]) -> Result<Program, RegexError> {
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
    let mut bytes = Vec::new();
    let literal = (p.groups == 0 && literal_bytes(&ast, &mut bytes).is_some() && !bytes.is_empty())
        .then(|| memchr::memmem::Finder::new(&bytes).into_owned());
    Ok(Program {
        states: c.states,
        sets: c.sets,
        start: f.0,
        groups: p.groups + 1,
        first,
        literal,
    })
}
