//! The parser's side of folding (see [`crate::syntax::fold`]): literals read
//! ahead and folded from their tokens, whole or in parts, the text of
//! parts read again when a literal does not fold after all, values of
//! large scopes standing in for themselves, and folded values unfolded
//! where another binding extends them.

use std::collections::VecDeque;

use rnix::SyntaxKind::{self, *};
use rowan::NodeOrToken;

use super::Parser;
use crate::syntax::fold::TokenFold;
use crate::syntax::walk::raw;

/// The most tokens of one literal read ahead to fold it without a tree
/// (a bound on the tokens held and read again when it does not fold).
const MAX_FOLD_AHEAD: usize = 4096;

/// The deepest nesting of literals read ahead to fold (deeper, a literal
/// read ahead that fails would read the same tokens again for each level).
const MAX_FOLD_AHEAD_DEPTH: u32 = 32;

/// After this many literals in a row did not fold from their tokens, only
/// one in [`FOLD_SAMPLING`] is read ahead, until one folds.
const FOLD_MISSES_BEFORE_SAMPLING: u32 = 8;

/// See [`FOLD_MISSES_BEFORE_SAMPLING`].
const FOLD_SAMPLING: u32 = 16;

/// The text of parts of a literal that the fold dropped before the literal
/// failed to fold, read again (see [`Parser::fold_ahead`]), and then the
/// tokens that had been read past them.
pub(super) struct Replay<'a> {
    /// Where the lexer's text starts in the source.
    from: u32,
    lexer: crate::syntax::lexer::Lexer<'a>,
    rest: VecDeque<(SyntaxKind, &'a str)>,
}

impl<'a, I: Iterator<Item = (SyntaxKind, &'a str)>> Parser<'a, '_, I> {
    /// [`Parser::pull`] while text is read again.
    #[cold]
    #[inline(never)]
    pub(super) fn pull_replayed(&mut self) -> Option<(SyntaxKind, &'a str)> {
        while let Some(replay) = self.replays.last_mut() {
            if let Some(token) = replay.lexer.next() {
                return Some(token);
            }
            if let Some(token) = replay.rest.pop_front() {
                return Some(token);
            }
            self.replays.pop();
        }
        self.tokens.next()
    }

    /// At the `{` or `[` (the next token, trivia before it flushed) of a
    /// set or list literal of `kind`: reads its tokens ahead and, if the
    /// fold takes the literal from them, adds its folded stand-in without
    /// building its tree. `false` (the tokens read are put back) if not.
    ///
    /// A literal longer than [`MAX_FOLD_AHEAD`] tokens goes to the fold in
    /// parts of whole items, each dropped once folded; if it then does not
    /// fold, the text of the parts dropped is read again.
    pub(super) fn fold_ahead(&mut self, kind: SyntaxKind) -> bool {
        if !self.token_folds {
            return false;
        }
        if let Some(end) = self.fold.salvaged(self.end) {
            return self.skip_salvaged(kind, end);
        }
        if self.no_token_folds.contains(&self.end) {
            return false;
        }
        // Where literals keep failing (code, not data), only some are read
        // ahead, until one folds: reading ahead in vain costs a fifth of
        // parsing the literal.
        if self.fold_misses >= FOLD_MISSES_BEFORE_SAMPLING {
            self.fold_misses = self.fold_misses.saturating_add(1);
            if !self.fold_misses.is_multiple_of(FOLD_SAMPLING) {
                return false;
            }
        }
        let Some(open) = self.next else {
            return false;
        };
        let start = self.end;
        let after_open = start + open.1.len() as u32;
        let mut end = after_open;
        // The tokens after the bracket go into `later` (where peeking ahead
        // left some already): nothing is put back if the literal does not fold.
        let mut open_brackets = 1u32;
        let mut read = 0;
        // Where the tokens of parts given to the fold (and dropped) end,
        // and how many tokens of `later` end the last whole item.
        let mut given_up_to = after_open;
        let mut items_end = 0;
        // Whether the fold holds parts of the literal.
        let mut parts_held = false;
        let is_list = open.0 == TOKEN_L_BRACK;
        let outcome = loop {
            let token = match self.later.get(read) {
                Some(&t) => t,
                None => match self.pull() {
                    Some(t) => {
                        self.later.push_back(t);
                        t
                    }
                    None => break TokenFold::Failed(end),
                },
            };
            read += 1;
            end += token.1.len() as u32;
            match token.0 {
                // Too deep to fold from tokens: the tree does it.
                TOKEN_L_BRACE | TOKEN_L_BRACK if open_brackets >= MAX_FOLD_AHEAD_DEPTH => {
                    break TokenFold::Failed(end)
                }
                TOKEN_L_BRACE | TOKEN_L_BRACK => open_brackets += 1,
                TOKEN_R_BRACE | TOKEN_R_BRACK => {
                    open_brackets -= 1;
                    if open_brackets == 0 {
                        let tokens = &self.later.make_contiguous()[..read];
                        parts_held = false;
                        break self.fold.fold_tokens(open.0, tokens, start, false);
                    }
                    if open_brackets == 1 && is_list {
                        items_end = read;
                    }
                }
                TOKEN_SEMICOLON if open_brackets == 1 => items_end = read,
                TOKEN_STRING_END | TOKEN_INTEGER | TOKEN_FLOAT if open_brackets == 1 && is_list => {
                    items_end = read
                }
                k if crate::syntax::fold::may_fold_token(k) => {}
                _ => break TokenFold::Failed(end),
            }
            if read >= MAX_FOLD_AHEAD {
                // An item longer than that: those inside it are read ahead
                // in turn, and the literal folds from its tree.
                if items_end == 0 {
                    break TokenFold::Declined;
                }
                let tokens = &self.later.make_contiguous()[..items_end];
                match self.fold.fold_tokens(open.0, tokens, start, true) {
                    TokenFold::Partial => parts_held = true,
                    other => {
                        parts_held = false;
                        break other;
                    }
                }
                given_up_to += self
                    .later
                    .drain(..items_end)
                    .map(|(_, t)| t.len() as u32)
                    .sum::<u32>();
                read -= items_end;
                items_end = 0;
            }
        };
        if parts_held {
            // Stopped at a token no constant has: the fold lets go.
            self.fold.fold_tokens(open.0, &[], start, false);
        }
        match outcome {
            TokenFold::Folded => {
                self.fold_misses = 0;
                self.later.drain(..read);
                self.add_folded(kind, start, end);
                return true;
            }
            TokenFold::Failed(at) => {
                // Those in parts that folded fold again.
                self.no_token_folds = given_up_to..at;
                self.fold_misses = self.fold_misses.saturating_add(1);
            }
            TokenFold::Declined | TokenFold::Partial => {}
        }
        // The parts given and dropped are read again, ahead of the rest.
        if given_up_to > after_open {
            let text = &self.source[after_open as usize..given_up_to as usize];
            self.replays.push(Replay {
                from: after_open,
                lexer: crate::syntax::lexer::tokenize(text),
                rest: std::mem::take(&mut self.later),
            });
        }
        false
    }

    /// At the bracket of a literal of `kind` folded already (see
    /// [`Fold::salvaged`]), ending at byte `end`: adds its folded stand-in,
    /// skipping its tokens.
    pub(super) fn skip_salvaged(&mut self, kind: SyntaxKind, end: u32) -> bool {
        let start = self.end;
        let Some((_, open)) = self.next.take() else {
            return false;
        };
        self.read = false;
        let mut at = start + open.len() as u32;
        while at < end {
            if self.later.is_empty() {
                // Text read again skips the literal without lexing it.
                if let Some(replay) = self.replays.last_mut() {
                    let here = replay.from + replay.lexer.position() as u32;
                    if here == at && replay.lexer.skip_to((end - replay.from) as usize) {
                        at = end;
                        break;
                    }
                }
            }
            match self.later.pop_front().or_else(|| self.pull()) {
                Some((_, text)) => at += text.len() as u32,
                None => break,
            }
        }
        if at != end {
            // Not where the fold said: rnix parses the file instead.
            self.gave_up = true;
            return false;
        }
        self.add_folded(kind, start, end);
        true
    }

    /// Adds the folded stand-in of the literal of `kind` from byte `start`
    /// to `end`, all of whose tokens were read (its bracket in `next` too).
    fn add_folded(&mut self, kind: SyntaxKind, start: u32, end: u32) {
        self.next = None;
        self.read = false;
        self.end = end;
        self.folds_made += 1;
        let text = &self.source[start as usize..end as usize];
        let node = crate::syntax::fold::folded_node(kind, text);
        self.children.push((NodeOrToken::Node(node), false));
    }

    /// Right after a binding's value (the last element added): lets it
    /// stand in for itself if the fold takes it (see [`Fold::stand_in`]).
    pub(super) fn stand_in_value(&mut self) {
        let Some((NodeOrToken::Node(value), _)) = self.children.last() else {
            return;
        };
        // A folded literal is as small already.
        if crate::syntax::fold::is_folded(value) {
            return;
        }
        let start = self.end - u32::from(value.text_len());
        if !self.fold.stand_in(value, start) {
            return;
        }
        let text = &self.source[start as usize..self.end as usize];
        // The tree goes before its stand-in is made (see `finish`).
        self.children.pop();
        let node = crate::syntax::fold::stand_in_node(text);
        self.children.push((NodeOrToken::Node(node), false));
        // The set or `let` closing checks whether a binding extends it.
        self.folds_made += 1;
    }

    /// Before a set or `let` whose elements start at `start` in `children`
    /// closes: unfolds the folded values other bindings extend.
    pub(super) fn unfold_extended(&mut self, start: usize) {
        let elements = &mut self.children[start..];
        if !crate::syntax::fold::unfold_extended(elements, self.end, self.source, self.fold) {
            self.gave_up = true;
        }
    }

    /// Whether the attribute path just added is one name written plainly.
    pub(super) fn added_plain_name(&self) -> bool {
        let Some((NodeOrToken::Node(path), _)) = self.children.last() else {
            return false;
        };
        let mut attrs = path.children();
        match (attrs.next(), attrs.next()) {
            (Some(NodeOrToken::Node(ident)), None) => {
                ident.kind() == raw(NODE_IDENT)
                    && matches!(ident.children().next(), Some(NodeOrToken::Token(t)) if t.kind() == raw(TOKEN_IDENT))
            }
            _ => false,
        }
    }
}
