//! The depth-first executor: libstdc++'s backtracking search, run with an
//! explicit stack, and the whole-string and iterated matches built on it.

use super::automaton::{Matcher, Op, Program, State};
use crate::errors::ErrorKind;

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
pub(super) enum Stop {
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

/// What `each_match` hands each match to.
pub(super) type OnMatch<'a> = dyn FnMut(&[Option<(usize, usize)>]) -> Result<(), ErrorKind> + 'a;

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
        if let Some(literal) = &self.prog.literal {
            // A literal is never empty and has no assertions: the automaton
            // would find exactly its first occurrence. Polled every few
            // thousand searches: one match costs little, many add up.
            self.steps += 1;
            if self.steps.is_multiple_of(1 << 12) {
                (self.poll)().map_err(Stop::Limit)?;
            }
            let rest = self.hay.get(from..).unwrap_or_default();
            let at = if self.flags.continuous {
                rest.starts_with(literal.needle()).then_some(0)
            } else {
                literal.find(rest)
            };
            return Ok(match at {
                Some(at) => {
                    let start = from + at;
                    self.results[0] = Sub {
                        start,
                        end: start + literal.needle().len(),
                        matched: true,
                    };
                    true
                }
                None => false,
            });
        }
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

/// The captures of a whole-string match (`regex_match`), or `None`.
pub(super) fn full_match(
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
#[cfg(test)]
pub(super) fn all_matches(
    prog: &Program,
    hay: &[u8],
    poll: &mut dyn FnMut() -> Result<(), ErrorKind>,
) -> Result<Vec<Captures>, Stop> {
    let mut out = Vec::new();
    each_match(prog, hay, poll, &mut |m| {
        out.push(m.to_vec());
        Ok(())
    })?;
    Ok(out)
}

/// Calls `found` with each match `std::sregex_iterator` yields, as its
/// captures, as soon as it is found: `split` builds its result from them
/// without holding them all (an empty expression matches at every byte).
pub(super) fn each_match(
    prog: &Program,
    hay: &[u8],
    poll: &mut dyn FnMut() -> Result<(), ErrorKind>,
    found: &mut OnMatch<'_>,
) -> Result<(), Stop> {
    let mut flags = Flags::default();
    // One executor throughout: its repeat counters are back to their initial
    // state after every attempt.
    let mut ex = Executor::new(prog, hay, Mode::Prefix, flags, poll);
    if !ex.search(0)? {
        return Ok(());
    }
    let mut m: Captures = Vec::new();
    loop {
        m.clear();
        m.extend(
            ex.results
                .iter()
                .map(|s| s.matched.then_some((s.start, s.end))),
        );
        let (start, end) = m[0].unwrap_or((0, 0));
        found(&m).map_err(Stop::Limit)?;
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
    Ok(())
}
