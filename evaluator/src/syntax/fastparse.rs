//! A faster parser for well-formed text, building exactly the syntax tree
//! rnix's parser builds (same nodes, tokens and trivia placement), so the
//! compiler and every check after parsing see no difference.
//!
//! Why: rnix interns every token and small node of the tree in hash tables
//! as large as the file, and looks ahead through a token queue at each of
//! its fifteen precedence levels. On a generated file of 100,000 package
//! entries that was over half the wall-clock time of the whole evaluation,
//! most of it cache misses in the interning tables. This parser keeps the
//! next significant token and the trivia before it apart (every level asks
//! for the next token; looking further ahead is rare), and shares only
//! short tokens and the small nodes made of them, in tables of bounded size.
//!
//! It gives up (returns `None`) at the first thing that is not a
//! well-formed expression, and at rnix's recursion limit: then rnix parses
//! the text again and its errors are reported as before. Tests compare its
//! trees with rnix's over the language corpus.

use rnix::SyntaxKind::{self, *};
use rowan::{GreenNode, GreenToken, NodeOrToken};
use rustc_hash::FxHashMap;

use super::fold::Fold;
use super::walk::raw;
use std::collections::VecDeque;

mod folding;
use folding::Replay;

/// rnix's limit on nested expressions; deeper text goes to rnix, which
/// reports it.
const MAX_DEPTH: u32 = 512;

/// Tokens at most this long are shared between their occurrences
/// (whitespace runs, punctuation, keywords and common names).
const SHARED_TOKEN_LEN: usize = 16;

/// At most this many distinct tokens, and as many nodes, are kept for
/// sharing. What repeats (names, punctuation, common values) is met early;
/// a generated file's many unique short names and strings would otherwise
/// grow the tables with the file, costing more than sharing saves.
const SHARED_LIMIT: usize = 1 << 14;

/// Room for every token kind: rnix numbers them before its node kinds
/// (a kind past the end would only miss the per-kind cache).
const KINDS: usize = NODE_ROOT as usize;

/// Parses `text`, or `None` if it is not a well-formed expression.
pub(crate) fn parse(text: &str) -> Option<GreenNode> {
    parse_folding(text, &mut super::fold::NoFold)
}

/// Parses `text` as [`parse`] does, folding set and list literals made
/// only of literals into `fold` as they close (see [`super::fold`]).
pub(crate) fn parse_folding(text: &str, fold: &mut dyn Fold) -> Option<GreenNode> {
    let token_folds = fold.folds_tokens();
    let stand_ins_after = fold.stand_ins_after();
    let mut p = Parser {
        source: text,
        end: 0,
        fold,
        gave_up: false,
        folds_made: 0,
        folds_at_open: Vec::new(),
        token_folds,
        no_token_folds: 0..0,
        fold_misses: 0,
        stand_ins_after,
        tokens: super::lexer::tokenize(text),
        replays: Vec::new(),
        trivia: Vec::with_capacity(8),
        next: None,
        read: false,
        later: VecDeque::new(),
        children: Vec::with_capacity(64),
        open: Vec::with_capacity(64),
        depth: 0,
        token_cache: FxHashMap::default(),
        last_of_kind: vec![None; KINDS],
        node_cache: FxHashMap::default(),
    };
    // The root starts before any leading trivia, which goes into it.
    p.open.push((NODE_ROOT, 0));
    p.expr()?;
    p.flush_trivia();
    if p.peek().is_some() {
        return None;
    }
    p.finish();
    if p.gave_up {
        return None;
    }
    match p.children.pop() {
        Some((NodeOrToken::Node(root), _)) if p.children.is_empty() => Some(root),
        _ => None,
    }
}

/// Interns an identifier when its token is first made: names are interned
/// in the order they are written, the order C++ Nix's parser creates its
/// symbols in (and so keeps a set's attributes in). A token met again was
/// interned when it was made.
fn intern_name(kind: SyntaxKind, text: &str) {
    if kind == TOKEN_IDENT {
        crate::value::Symbol::from_str(text);
    }
}

/// An element of a node being built, and whether it is shared, i.e. held
/// by the sharing tables (then nodes made only of shared elements can be
/// shared too, keyed by their elements' addresses).
type Child = (NodeOrToken<GreenNode, GreenToken>, bool);

struct Parser<'a, 'f, I> {
    /// The text being parsed.
    source: &'a str,
    /// The byte offset after the last token added to the tree.
    end: u32,
    /// Where literals made only of literals are folded.
    fold: &'f mut dyn Fold,
    /// Set when a folded literal could not be parsed again unfolded.
    gave_up: bool,
    /// How many literals were folded so far.
    folds_made: u32,
    /// `folds_made` when each open set or `let` started, innermost last
    /// (one that closes with none folded inside has nothing to unfold).
    folds_at_open: Vec<u32>,
    /// Whether `fold` folds literals from their tokens.
    token_folds: bool,
    /// Literals starting in this range are not read ahead again: a literal
    /// read ahead that did not fold read this far, and those inside it
    /// would read the same tokens again (the tree folds them). Those in
    /// parts of it that folded (see [`Parser::fold_ahead`]) are read again.
    no_token_folds: std::ops::Range<u32>,
    /// Literals read ahead in vain since the last one that folded.
    fold_misses: u32,
    /// The fold's [`Fold::stand_ins_after`].
    stand_ins_after: Option<u32>,
    tokens: I,
    /// Text to read again before `tokens`, innermost last (see
    /// [`Parser::fold_ahead`]).
    replays: Vec<Replay<'a>>,
    /// Trivia read before `next`, not yet in the tree. Trivia goes into
    /// the tree right before the next token or node starts, into the node
    /// open at that moment (as in rnix).
    trivia: Vec<(SyntaxKind, &'a str)>,
    /// The next significant token, once `read` (`None` then: the end).
    next: Option<(SyntaxKind, &'a str)>,
    read: bool,
    /// Tokens read past `next` by [`Parser::peek_ahead`], trivia included.
    later: VecDeque<(SyntaxKind, &'a str)>,
    /// Elements of all open nodes, innermost last.
    children: Vec<Child>,
    /// Open nodes: kind and where their elements start in `children`.
    open: Vec<(SyntaxKind, usize)>,
    depth: u32,
    token_cache: FxHashMap<(SyntaxKind, &'a str), GreenToken>,
    /// The last shared token of each kind (indexed by kind).
    last_of_kind: Vec<Option<GreenToken>>,
    node_cache: FxHashMap<(SyntaxKind, [usize; 3]), GreenNode>,
}

impl<'a, I: Iterator<Item = (SyntaxKind, &'a str)>> Parser<'a, '_, I> {
    // ---- tokens and tree building -------------------------------------

    /// Reads up to the next significant token (the trivia before it, then
    /// it), unless that is done.
    #[inline]
    fn read_next(&mut self) {
        if self.read {
            return;
        }
        self.read = true;
        loop {
            let token = match self.later.pop_front() {
                Some(t) => Some(t),
                None => self.pull(),
            };
            match token {
                Some(t) if t.0.is_trivia() => self.trivia.push(t),
                t => {
                    self.next = t;
                    return;
                }
            }
        }
    }

    /// The next token not read yet (trivia included).
    #[inline]
    fn pull(&mut self) -> Option<(SyntaxKind, &'a str)> {
        if self.replays.is_empty() {
            return self.tokens.next();
        }
        self.pull_replayed()
    }

    /// The next significant token.
    #[inline]
    fn peek_token(&mut self) -> Option<(SyntaxKind, &'a str)> {
        self.read_next();
        self.next
    }

    /// The next significant token's kind.
    #[inline]
    fn peek(&mut self) -> Option<SyntaxKind> {
        self.peek_token().map(|(k, _)| k)
    }

    /// Whether trivia comes before the next significant token.
    fn trivia_next(&mut self) -> bool {
        self.read_next();
        !self.trivia.is_empty()
    }

    /// The kind of the `n`th significant token after the next one.
    fn peek_ahead(&mut self, n: usize) -> Option<SyntaxKind> {
        self.peek()?;
        let mut seen = 0;
        let mut i = 0;
        loop {
            if self.later.len() <= i {
                let t = self.pull()?;
                self.later.push_back(t);
            }
            let (kind, _) = *self.later.get(i)?;
            i += 1;
            if !kind.is_trivia() {
                seen += 1;
                if seen == n {
                    return Some(kind);
                }
            }
        }
    }

    fn add_token(&mut self, kind: SyntaxKind, text: &'a str) {
        // Tokens are slices of the source.
        self.end = (text.as_ptr() as usize - self.source.as_ptr() as usize + text.len()) as u32;
        if text.len() <= SHARED_TOKEN_LEN {
            // The last token of each kind first: punctuation, keywords and
            // most whitespace repeat it, and a comparison is cheaper than
            // hashing.
            let last = self.last_of_kind.get_mut(kind as usize);
            if let Some(Some(token)) = last.as_deref() {
                if token.text() == text {
                    let token = token.clone();
                    self.children.push((NodeOrToken::Token(token), true));
                    return;
                }
            }
            let token = match self.token_cache.get(&(kind, text)) {
                Some(token) => token.clone(),
                None => {
                    intern_name(kind, text);
                    let token = GreenToken::new(raw(kind), text);
                    if self.token_cache.len() >= SHARED_LIMIT {
                        // Not held by the table: nothing may key on its address.
                        self.children.push((NodeOrToken::Token(token), false));
                        return;
                    }
                    self.token_cache.insert((kind, text), token.clone());
                    token
                }
            };
            if let Some(slot) = self.last_of_kind.get_mut(kind as usize) {
                *slot = Some(token.clone());
            }
            self.children.push((NodeOrToken::Token(token), true));
        } else {
            intern_name(kind, text);
            let token = GreenToken::new(raw(kind), text);
            self.children.push((NodeOrToken::Token(token), false));
        }
    }

    /// Interns a quoted or interpolated attribute name just finished, if
    /// it is static (see [`intern_name`]).
    fn intern_attr_string(&self) {
        if let Some((NodeOrToken::Node(node), _)) = self.children.last() {
            super::intern_attr_node(node.clone());
        }
    }

    /// Adds the pending trivia to the open node.
    fn flush_trivia(&mut self) {
        self.read_next();
        if self.trivia.is_empty() {
            return;
        }
        let trivia = std::mem::take(&mut self.trivia);
        for &(kind, text) in &trivia {
            self.add_token(kind, text);
        }
        // The vector keeps its room for the next run of trivia.
        self.trivia = trivia;
        self.trivia.clear();
    }

    /// Adds the next significant token, as `kind`.
    fn bump_as(&mut self, kind: SyntaxKind) {
        self.flush_trivia();
        if let Some((_, text)) = self.next.take() {
            self.read = false;
            self.add_token(kind, text);
        }
    }

    /// Adds the next significant token if it is `kind`; `None` otherwise.
    fn expect(&mut self, kind: SyntaxKind) -> Option<()> {
        if self.peek() != Some(kind) {
            return None;
        }
        self.bump_as(kind);
        Some(())
    }

    /// Where a node can later start around what follows (trivia before
    /// it stays outside).
    fn checkpoint(&mut self) -> usize {
        self.flush_trivia();
        self.children.len()
    }

    fn start(&mut self, kind: SyntaxKind) {
        self.flush_trivia();
        self.start_at(self.children.len(), kind);
    }

    /// Starts a node around everything added since `checkpoint`.
    fn start_at(&mut self, checkpoint: usize, kind: SyntaxKind) {
        if matches!(kind, NODE_ATTR_SET | NODE_LET_IN | NODE_LEGACY_LET) {
            self.folds_at_open.push(self.folds_made);
        }
        self.open.push((kind, checkpoint));
    }

    fn finish(&mut self) {
        let Some((kind, start)) = self.open.pop() else {
            return;
        };
        if matches!(kind, NODE_ATTR_SET | NODE_LET_IN | NODE_LEGACY_LET)
            && self.folds_at_open.pop() != Some(self.folds_made)
        {
            self.unfold_extended(start);
        }
        let elements = &self.children[start..];
        let shareable = elements.len() <= 3 && elements.iter().all(|(_, shared)| *shared);
        let mut shared = shareable;
        let node = if shareable {
            let mut key = [0usize; 3];
            for (slot, (e, _)) in key.iter_mut().zip(elements) {
                *slot = match e {
                    NodeOrToken::Node(n) => &**n as *const _ as usize,
                    NodeOrToken::Token(t) => &**t as *const _ as usize,
                };
            }
            match self.node_cache.get(&(kind, key)) {
                Some(n) => {
                    let n = n.clone();
                    self.children.truncate(start);
                    n
                }
                None => {
                    let n = GreenNode::new(raw(kind), self.children.drain(start..).map(|(e, _)| e));
                    if self.node_cache.len() < SHARED_LIMIT {
                        self.node_cache.insert((kind, key), n.clone());
                    } else {
                        shared = false;
                    }
                    n
                }
            }
        } else {
            // The children move into the node (no reference-count traffic).
            let node = GreenNode::new(raw(kind), self.children.drain(start..).map(|(e, _)| e));
            // A large literal leaves the vector large and nearly empty: its
            // room goes back before the literal's value is made.
            if self.children.capacity() > 4 * self.children.len() + (1 << 16) {
                self.children.shrink_to(2 * self.children.len());
            }
            if matches!(kind, NODE_ATTR_SET | NODE_LIST) {
                let start = self.end - u32::from(node.text_len());
                if self.fold.fold(&node, start) {
                    self.folds_made += 1;
                    // The tree goes before its stand-in is made: the two
                    // are never held together.
                    drop(node);
                    let text = &self.source[start as usize..self.end as usize];
                    super::fold::folded_node(kind, text)
                } else {
                    node
                }
            } else {
                node
            }
        };
        self.children.push((NodeOrToken::Node(node), shared));
    }

    // ---- grammar --------------------------------------------------------

    fn expr(&mut self) -> Option<()> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        match self.peek()? {
            TOKEN_LET => {
                let cp = self.checkpoint();
                self.bump_as(TOKEN_LET);
                if self.peek() == Some(TOKEN_L_BRACE) {
                    self.start_at(cp, NODE_LEGACY_LET);
                    self.bump_as(TOKEN_L_BRACE);
                    self.bindings(TOKEN_R_BRACE, false)?;
                } else {
                    self.start_at(cp, NODE_LET_IN);
                    self.bindings(TOKEN_IN, true)?;
                    self.expr()?;
                }
                self.finish();
            }
            kind @ (TOKEN_WITH | TOKEN_ASSERT) => {
                self.start(if kind == TOKEN_WITH {
                    NODE_WITH
                } else {
                    NODE_ASSERT
                });
                self.bump_as(kind);
                self.expr()?;
                self.expect(TOKEN_SEMICOLON)?;
                self.expr()?;
                self.finish();
            }
            TOKEN_IF => {
                self.start(NODE_IF_ELSE);
                self.bump_as(TOKEN_IF);
                self.expr()?;
                self.expect(TOKEN_THEN)?;
                self.expr()?;
                self.expect(TOKEN_ELSE)?;
                self.expr()?;
                self.finish();
            }
            _ => {
                self.binary(0)?;
            }
        }
        self.depth -= 1;
        Some(())
    }

    /// An expression of binary operators binding at least as tightly as
    /// `min` (a level of [`binary_level`]); returns where it started (the
    /// place operator nodes wrap from). Precedence climbing builds the
    /// nesting rnix builds with one function per level.
    fn binary(&mut self, min: u8) -> Option<usize> {
        let cp = if min <= INVERT_LEVEL && self.peek() == Some(TOKEN_INVERT) {
            let cp = self.checkpoint();
            self.start(NODE_UNARY_OP);
            self.bump_as(TOKEN_INVERT);
            self.binary(INVERT_LEVEL)?;
            self.finish();
            cp
        } else {
            self.has_attr()?
        };
        while let Some(op) = self.peek() {
            let Some((level, assoc)) = binary_level(op) else {
                break;
            };
            if level < min {
                break;
            }
            self.start_at(cp, NODE_BIN_OP);
            self.bump_as(op);
            self.binary(if assoc == Assoc::Right {
                level
            } else {
                level + 1
            })?;
            self.finish();
            // `a < b < c` is an error.
            if assoc == Assoc::None
                && self
                    .peek()
                    .and_then(binary_level)
                    .is_some_and(|(next, _)| next == level)
            {
                return None;
            }
        }
        Some(cp)
    }

    fn has_attr(&mut self) -> Option<usize> {
        let cp = self.negate()?;
        while self.peek() == Some(TOKEN_QUESTION) {
            self.start_at(cp, NODE_HAS_ATTR);
            self.bump_as(TOKEN_QUESTION);
            self.attrpath()?;
            self.finish();
        }
        Some(cp)
    }

    fn negate(&mut self) -> Option<usize> {
        if self.peek() == Some(TOKEN_SUB) {
            let cp = self.checkpoint();
            self.start(NODE_UNARY_OP);
            self.bump_as(TOKEN_SUB);
            self.negate()?;
            self.finish();
            return Some(cp);
        }
        let cp = self.simple()?;
        while self.peek().is_some_and(SyntaxKind::is_fn_arg) {
            self.start_at(cp, NODE_APPLY);
            self.simple()?;
            self.finish();
        }
        Some(cp)
    }

    /// A primary expression with its selections.
    fn simple(&mut self) -> Option<usize> {
        let kind = self.peek()?;
        let cp = self.checkpoint();
        match kind {
            TOKEN_L_PAREN => {
                self.start(NODE_PAREN);
                self.bump_as(TOKEN_L_PAREN);
                self.expr()?;
                self.expect(TOKEN_R_PAREN)?;
                self.finish();
            }
            TOKEN_REC => {
                self.start(NODE_ATTR_SET);
                self.bump_as(TOKEN_REC);
                self.expect(TOKEN_L_BRACE)?;
                self.bindings(TOKEN_R_BRACE, true)?;
                self.finish();
            }
            TOKEN_L_BRACE => {
                let looks_like_pattern = matches!(
                    (self.peek_ahead(1), self.peek_ahead(2)),
                    (
                        Some(TOKEN_IDENT),
                        Some(TOKEN_COMMA | TOKEN_QUESTION | TOKEN_R_BRACE)
                    ) | (Some(TOKEN_ELLIPSIS), Some(TOKEN_R_BRACE))
                        | (Some(TOKEN_R_BRACE), Some(TOKEN_COLON | TOKEN_AT))
                );
                if looks_like_pattern {
                    self.start(NODE_LAMBDA);
                    self.start(NODE_PATTERN);
                    self.bump_as(TOKEN_L_BRACE);
                    self.pattern(false)?;
                    self.finish();
                    self.expect(TOKEN_COLON)?;
                    self.expr()?;
                    self.finish();
                } else if !self.fold_ahead(NODE_ATTR_SET) {
                    self.start(NODE_ATTR_SET);
                    self.bump_as(TOKEN_L_BRACE);
                    self.bindings(TOKEN_R_BRACE, false)?;
                    self.finish();
                }
            }
            TOKEN_L_BRACK if self.fold_ahead(NODE_LIST) => {}
            TOKEN_L_BRACK => {
                self.start(NODE_LIST);
                self.bump_as(TOKEN_L_BRACK);
                while self.peek()? != TOKEN_R_BRACK {
                    self.simple()?;
                }
                self.bump_as(TOKEN_R_BRACK);
                self.finish();
            }
            TOKEN_STRING_START => self.string()?,
            TOKEN_PATH_ABS | TOKEN_PATH_REL | TOKEN_PATH_HOME | TOKEN_PATH_SEARCH => {
                self.path(kind)?
            }
            k if k.is_literal() => {
                self.start(NODE_LITERAL);
                self.bump_as(k);
                self.finish();
            }
            TOKEN_IDENT => match self.peek_ahead(1) {
                Some(TOKEN_COLON) => {
                    self.ident()?;
                    self.start_at(cp, NODE_LAMBDA);
                    self.start_at(cp, NODE_IDENT_PARAM);
                    self.finish();
                    self.expect(TOKEN_COLON)?;
                    self.expr()?;
                    self.finish();
                }
                Some(TOKEN_AT) => {
                    self.ident()?;
                    self.start_at(cp, NODE_LAMBDA);
                    self.start_at(cp, NODE_PATTERN);
                    self.start_at(cp, NODE_PAT_BIND);
                    self.expect(TOKEN_AT)?;
                    self.finish();
                    self.expect(TOKEN_L_BRACE)?;
                    self.pattern(true)?;
                    self.finish();
                    self.expect(TOKEN_COLON)?;
                    self.expr()?;
                    self.finish();
                }
                _ if self.peek_token() == Some((TOKEN_IDENT, "__curPos")) => {
                    self.start(NODE_CUR_POS);
                    self.bump_as(TOKEN_CUR_POS);
                    self.finish();
                }
                _ => self.ident()?,
            },
            _ => return None,
        }
        match self.peek() {
            Some(TOKEN_DOT) => {
                self.start_at(cp, NODE_SELECT);
                self.bump_as(TOKEN_DOT);
                self.attrpath()?;
                if self.peek() == Some(TOKEN_OR) {
                    self.bump_as(TOKEN_OR);
                    self.simple()?;
                }
                self.finish();
            }
            // As C++ Nix: `a or` without a selection applies `a` to a
            // variable named `or`.
            Some(TOKEN_OR) => {
                self.start_at(cp, NODE_APPLY);
                self.start(NODE_IDENT);
                self.bump_as(TOKEN_IDENT);
                self.finish();
                self.finish();
            }
            _ => {}
        }
        Some(cp)
    }

    fn ident(&mut self) -> Option<()> {
        if self.peek() != Some(TOKEN_IDENT) {
            return None;
        }
        self.start(NODE_IDENT);
        self.bump_as(TOKEN_IDENT);
        self.finish();
        Some(())
    }

    fn string(&mut self) -> Option<()> {
        self.start(NODE_STRING);
        self.expect(TOKEN_STRING_START)?;
        loop {
            match self.peek()? {
                TOKEN_STRING_CONTENT => self.bump_as(TOKEN_STRING_CONTENT),
                TOKEN_INTERPOL_START => self.interpolation(NODE_INTERPOL)?,
                TOKEN_STRING_END => break,
                _ => return None,
            }
        }
        self.bump_as(TOKEN_STRING_END);
        self.finish();
        Some(())
    }

    /// `${ … }` as a `kind` node.
    fn interpolation(&mut self, kind: SyntaxKind) -> Option<()> {
        self.start(kind);
        self.bump_as(TOKEN_INTERPOL_START);
        self.expr()?;
        self.expect(TOKEN_INTERPOL_END)?;
        self.finish();
        Some(())
    }

    fn path(&mut self, kind: SyntaxKind) -> Option<()> {
        let node = match kind {
            TOKEN_PATH_ABS => NODE_PATH_ABS,
            TOKEN_PATH_REL => NODE_PATH_REL,
            TOKEN_PATH_HOME => NODE_PATH_HOME,
            _ => NODE_PATH_SEARCH,
        };
        self.start(node);
        self.bump_as(kind);
        if node != NODE_PATH_SEARCH && self.peek() == Some(TOKEN_INTERPOL_START) {
            // Space before the `${` is an error rnix does not see: its
            // check after parsing needs rnix's tree.
            if self.trivia_next() {
                return None;
            }
            // The parts of an interpolated path are adjacent: trivia ends it.
            loop {
                if self.trivia_next() {
                    break;
                }
                match self.peek() {
                    Some(k @ (TOKEN_PATH_ABS | TOKEN_PATH_REL | TOKEN_PATH_HOME)) => {
                        self.bump_as(k)
                    }
                    Some(TOKEN_INTERPOL_START) => self.interpolation(NODE_INTERPOL)?,
                    _ => break,
                }
            }
        }
        self.finish();
        Some(())
    }

    fn attr(&mut self) -> Option<()> {
        match self.peek()? {
            TOKEN_INTERPOL_START => {
                self.interpolation(NODE_DYNAMIC)?;
                self.intern_attr_string();
                Some(())
            }
            TOKEN_STRING_START => {
                self.string()?;
                self.intern_attr_string();
                Some(())
            }
            TOKEN_IDENT | TOKEN_OR | TOKEN_CUR_POS => {
                self.start(NODE_IDENT);
                self.bump_as(TOKEN_IDENT);
                self.finish();
                Some(())
            }
            _ => None,
        }
    }

    fn attrpath(&mut self) -> Option<()> {
        self.start(NODE_ATTRPATH);
        self.attr()?;
        while self.peek() == Some(TOKEN_DOT) {
            self.bump_as(TOKEN_DOT);
            self.attr()?;
        }
        self.finish();
        Some(())
    }

    /// The bindings of a set or `let`, and the `until` token closing them.
    /// In a `let` or `rec` set (`recursive`), values past the fold's
    /// [`Fold::stand_ins_after`] plain names may stand in for themselves.
    fn bindings(&mut self, until: SyntaxKind, recursive: bool) -> Option<()> {
        let stand_ins_after = self.stand_ins_after.filter(|_| recursive);
        let mut plain_names = 0u32;
        loop {
            match self.peek()? {
                k if k == until => break,
                TOKEN_INHERIT => {
                    self.start(NODE_INHERIT);
                    self.bump_as(TOKEN_INHERIT);
                    if self.peek() == Some(TOKEN_L_PAREN) {
                        self.start(NODE_INHERIT_FROM);
                        self.bump_as(TOKEN_L_PAREN);
                        self.expr()?;
                        self.expect(TOKEN_R_PAREN)?;
                        self.finish();
                    }
                    while self.peek()? != TOKEN_SEMICOLON {
                        self.attr()?;
                    }
                    self.bump_as(TOKEN_SEMICOLON);
                    self.finish();
                }
                _ => {
                    self.start(NODE_ATTRPATH_VALUE);
                    self.attrpath()?;
                    let plain = stand_ins_after.is_some() && self.added_plain_name();
                    self.expect(TOKEN_ASSIGN)?;
                    self.expr()?;
                    if let (true, Some(after)) = (plain, stand_ins_after) {
                        if plain_names >= after {
                            self.stand_in_value();
                        }
                        plain_names += 1;
                    }
                    self.expect(TOKEN_SEMICOLON)?;
                    self.finish();
                }
            }
        }
        self.bump_as(until);
        Some(())
    }

    /// A `{ … }` pattern's entries after the `{`, the `}` and a trailing
    /// `@ name` (refused after a leading one: `bound`).
    fn pattern(&mut self, bound: bool) -> Option<()> {
        loop {
            match self.peek()? {
                TOKEN_R_BRACE => {
                    self.bump_as(TOKEN_R_BRACE);
                    break;
                }
                TOKEN_ELLIPSIS => {
                    self.bump_as(TOKEN_ELLIPSIS);
                    self.expect(TOKEN_R_BRACE)?;
                    break;
                }
                TOKEN_IDENT => {
                    self.start(NODE_PAT_ENTRY);
                    self.ident()?;
                    if self.peek() == Some(TOKEN_QUESTION) {
                        self.bump_as(TOKEN_QUESTION);
                        self.expr()?;
                    }
                    self.finish();
                    if self.peek() == Some(TOKEN_COMMA) {
                        self.bump_as(TOKEN_COMMA);
                    } else {
                        self.expect(TOKEN_R_BRACE)?;
                        break;
                    }
                }
                _ => return None,
            }
        }
        if self.peek() == Some(TOKEN_AT) {
            if bound {
                return None;
            }
            self.start(NODE_PAT_BIND);
            self.bump_as(TOKEN_AT);
            self.ident()?;
            self.finish();
        }
        Some(())
    }
}

/// `!` binds between `//` and `+`: its operand has operators of this
/// level and tighter.
const INVERT_LEVEL: u8 = 8;

/// A binary operator's level (0 binds loosest) and associativity.
fn binary_level(op: SyntaxKind) -> Option<(u8, Assoc)> {
    use Assoc::*;
    Some(match op {
        TOKEN_PIPE_LEFT => (0, Right),
        TOKEN_PIPE_RIGHT => (1, Left),
        TOKEN_IMPLICATION => (2, Right),
        TOKEN_OR_OR => (3, Left),
        TOKEN_AND_AND => (4, Left),
        TOKEN_EQUAL | TOKEN_NOT_EQUAL => (5, None),
        TOKEN_LESS | TOKEN_LESS_OR_EQ | TOKEN_MORE | TOKEN_MORE_OR_EQ => (6, None),
        TOKEN_UPDATE => (7, Right),
        TOKEN_ADD | TOKEN_SUB => (8, Left),
        TOKEN_MUL | TOKEN_DIV => (9, Left),
        TOKEN_CONCAT => (10, Right),
        _ => return Option::None,
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Assoc {
    Left,
    Right,
    None,
}

#[cfg(test)]
mod tests;
