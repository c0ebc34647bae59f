//! Constant set and list literals folded straight from their tokens while
//! the file is parsed, before any tree is built for them (see
//! [`crate::syntax::Fold::fold_tokens`]).
//!
//! Why: a generated file is mostly such literals, and folding one from its
//! tree meant building that tree (nodes, shared tokens), reading the value
//! back out of it and dropping it again, several times the work of reading
//! the tokens once. Here the common shapes are read from the tokens: lists,
//! and sets of `name = value;` or `a.b.c = value;` bindings of plain names
//! (paths merge as the tree fold merges them), of `"…"` strings without
//! interpolation, numbers, and such lists and sets. Anything else
//! (parentheses, quoted names, URIs, indented strings, a name bound twice
//! or through a value) is left to the tree, which folds it as before, so the two give
//! the same values, positions and stand-ins (a test compares them over the
//! language corpus).

use rnix::SyntaxKind::{self, *};

use super::constants::{distinct_attrs, number_value, Folds, GreenSet, MAX_CONSTANT_DEPTH};
use super::strings::unescape_quoted;
use crate::syntax::{Pos, Span, TokenFold};
use crate::value::{Attr, Symbol, Thunk, ThunkState, Value};

impl Folds {
    /// [`crate::syntax::Fold::fold_tokens`]: the literal's value from its
    /// tokens, kept under `start` as [`crate::syntax::Fold::fold`] keeps it.
    pub(super) fn fold_from_tokens(
        &mut self,
        open: SyntaxKind,
        tokens: &[(SyntaxKind, &str)],
        start: u32,
        more: bool,
    ) -> TokenFold {
        let in_parts = more || self.partial_fold.is_some();
        let mut part = match self.partial_fold.take() {
            Some(part) => *part,
            None => PartialFold {
                items: match Items::after(open) {
                    Some(items) => items,
                    None => return TokenFold::Failed(start),
                },
                elements: 2,
                // After the one-byte bracket.
                offset: start + 1,
                positions: Pos::registered(),
                salvage: Vec::new(),
            },
        };
        let mut reader = Reader {
            tokens,
            at: 0,
            offset: part.offset,
            file: self.file(),
        };
        let noted = in_parts.then_some(&mut part.salvage);
        let (outcome, items) = match reader.items(&mut part.items, &mut part.elements, noted) {
            // Every token read, the literal closed where it should.
            Some(closed) if reader.at == tokens.len() && closed != more => {
                if more {
                    part.offset = reader.offset;
                    self.partial_fold = Some(Box::new(part));
                    return TokenFold::Partial;
                }
                match part.items.finish(part.elements) {
                    Some(Literal { small: true, .. }) => (TokenFold::Declined, None),
                    Some(Literal { value, .. }) => {
                        self.keep(start, value);
                        return TokenFold::Folded;
                    }
                    None => (TokenFold::Failed(reader.offset), None),
                }
            }
            _ => (TokenFold::Failed(reader.offset), Some(part.items)),
        };
        if !items.is_some_and(|items| self.salvage(&items, part.salvage)) {
            // The attributes read are gone: so are their positions (the
            // tree registers them again).
            Pos::forget_since(part.positions);
        }
        outcome
    }

    /// After a literal read in parts did not fold: keeps the `literals`
    /// among its `items` as folded, so that they are not read again (their
    /// positions stay registered); `false` if none are kept (the items of
    /// a set that paths merged are not where they were read).
    fn salvage(&mut self, items: &Items, literals: Vec<Salvaged>) -> bool {
        if matches!(
            items,
            Items::Set {
                merged: Some(_),
                ..
            }
        ) {
            return false;
        }
        let mut kept = false;
        for (range, index) in literals {
            let index = index as usize;
            let value = match items {
                Items::List { items, .. } => items.get(index),
                Items::Set { plain, .. } => plain.get(index).map(|(_, v, _)| v),
            };
            let Some(Value::Thunk(literal)) = value else {
                continue;
            };
            if let ThunkState::Literal(inner) = &*literal.0.borrow() {
                self.keep(range.start, inner.clone());
                self.salvaged.push_back(range);
                kept = true;
            }
        }
        kept
    }

    /// [`crate::syntax::Fold::salvaged`].
    pub(super) fn take_salvaged(&mut self, start: u32) -> Option<u32> {
        while let Some(range) = self.salvaged.front() {
            if range.start > start {
                return None;
            }
            let range = self.salvaged.pop_front()?;
            if range.start == start {
                return Some(range.end);
            }
        }
        None
    }
}

/// A literal read from tokens in parts (see
/// [`crate::syntax::Fold::fold_tokens`]): what its parts so far gave.
pub(super) struct PartialFold {
    items: Items,
    /// Its elements so far (see [`Literal::small`]).
    elements: usize,
    /// The byte offset the next part starts at.
    offset: u32,
    /// The positions registered before it (forgotten if it does not fold).
    positions: usize,
    /// Its items' literals read so far.
    salvage: Vec<Salvaged>,
}

/// Where a nested literal of a literal read in parts is, and which of its
/// items holds it: kept as folded if the literal does not fold (see
/// [`Folds::salvage`]).
type Salvaged = (std::ops::Range<u32>, u32);

/// A literal read from tokens.
struct Literal {
    value: Value,
    /// Whether the parser might share its tree rather than fold it: at most
    /// three elements (brackets, trivia tokens and items each count), none a
    /// literal that folds. Such a literal is left to the tree, which tells.
    small: bool,
}

/// The items of a literal being read.
enum Items {
    List {
        items: Vec<Value>,
        /// Whether every item may be shared (see [`Literal::small`]).
        small: bool,
    },
    /// Single names only (most sets) need no merging: a list sorted at the
    /// end. The first longer path moves them into a `GreenSet`.
    Set {
        plain: Vec<(Symbol, Value, Span)>,
        merged: Option<GreenSet>,
    },
}

impl Items {
    /// No items yet of the literal opened by `open`.
    fn after(open: SyntaxKind) -> Option<Items> {
        match open {
            TOKEN_L_BRACK => Some(Items::List {
                items: Vec::new(),
                small: true,
            }),
            TOKEN_L_BRACE => Some(Items::Set {
                plain: Vec::new(),
                merged: None,
            }),
            _ => None,
        }
    }

    /// The token closing the literal.
    fn close(&self) -> SyntaxKind {
        match self {
            Items::List { .. } => TOKEN_R_BRACK,
            Items::Set { .. } => TOKEN_R_BRACE,
        }
    }

    /// The literal of these items and `elements` elements in all.
    fn finish(self, elements: usize) -> Option<Literal> {
        match self {
            Items::List { items, small } => Some(Literal {
                value: Value::list(items),
                small: small && elements <= 3,
            }),
            Items::Set { plain, merged } => {
                let small = plain.is_empty() && merged.is_none() && elements <= 3;
                let value = match merged {
                    Some(set) => set.into_value(),
                    // A repeated name is merged or reported by the compiler,
                    // from the tree.
                    None => distinct_attrs(
                        plain
                            .into_iter()
                            .map(|(name, value, span)| Attr {
                                name,
                                value,
                                pos: Pos::new(span),
                            })
                            .collect(),
                    )?,
                };
                Some(Literal { value, small })
            }
        }
    }
}

/// Reads a literal's tokens in order, keeping the byte offset.
struct Reader<'t, 'a> {
    tokens: &'t [(SyntaxKind, &'a str)],
    at: usize,
    /// The byte offset of `tokens[at]`.
    offset: u32,
    file: u32,
}

impl<'a> Reader<'_, 'a> {
    /// Skips trivia, returning how many tokens it skipped.
    fn skip_trivia(&mut self) -> usize {
        let mut skipped = 0;
        while let Some(&(kind, text)) = self.tokens.get(self.at) {
            if !kind.is_trivia() {
                break;
            }
            self.at += 1;
            self.offset += text.len() as u32;
            skipped += 1;
        }
        skipped
    }

    fn peek(&self) -> Option<SyntaxKind> {
        self.tokens.get(self.at).map(|&(kind, _)| kind)
    }

    /// The next token, its text and where it starts.
    fn bump(&mut self) -> Option<(SyntaxKind, &'a str, u32)> {
        let &(kind, text) = self.tokens.get(self.at)?;
        let at = self.offset;
        self.at += 1;
        self.offset += text.len() as u32;
        Some((kind, text, at))
    }

    fn expect(&mut self, kind: SyntaxKind) -> Option<&'a str> {
        match self.bump()? {
            (k, text, _) if k == kind => Some(text),
            _ => None,
        }
    }

    /// A list or set literal, from its opening bracket.
    fn literal(&mut self) -> Option<Literal> {
        let (open, _, _) = self.bump()?;
        let mut items = Items::after(open)?;
        let mut elements = 2;
        if !self.items(&mut items, &mut elements, None)? {
            return None;
        }
        items.finish(elements)
    }

    /// Reads items into `items` (counting `elements`) up to the closing
    /// bracket (`true`) or the end of the tokens (`false`), noting the
    /// literals among them in `salvage` if given.
    fn items(
        &mut self,
        items: &mut Items,
        elements: &mut usize,
        mut salvage: Option<&mut Vec<Salvaged>>,
    ) -> Option<bool> {
        let close = items.close();
        loop {
            *elements += self.skip_trivia();
            match self.peek() {
                None => return Some(false),
                Some(kind) if kind == close => {
                    self.bump();
                    return Some(true);
                }
                Some(_) => {}
            }
            *elements += 1;
            match items {
                Items::List { items, small } => {
                    let index = items.len();
                    let (item, item_small) = self.noted_element(salvage.as_deref_mut(), index)?;
                    items.push(item);
                    *small &= item_small;
                }
                Items::Set { plain, merged } => {
                    self.binding(plain, merged, salvage.as_deref_mut())?
                }
            }
        }
    }

    /// A `path = value;` binding whose path is plain names, added to a set's
    /// `plain` bindings or `merged` tree (see [`Items::Set`]): paths sharing
    /// a prefix merge (`a.b = 1; a.c = 2;`), as folding the tree merges them.
    fn binding(
        &mut self,
        plain: &mut Vec<(Symbol, Value, Span)>,
        merged: &mut Option<GreenSet>,
        salvage: Option<&mut Vec<Salvaged>>,
    ) -> Option<()> {
        let (kind, name, at) = self.bump()?;
        if kind != TOKEN_IDENT {
            return None;
        }
        // Every attribute a path makes has the position of its start.
        let span = Span {
            file: self.file,
            start: at,
            end: self.offset,
        };
        // Interned as read: names are interned in source order (the order
        // the parser interns them in, see `fastparse`).
        let mut names: smallvec::SmallVec<[Symbol; 4]> = smallvec::SmallVec::new();
        names.push(Symbol::from_str(name));
        self.skip_trivia();
        while self.peek()? == TOKEN_DOT {
            self.bump();
            self.skip_trivia();
            names.push(Symbol::from_str(self.expect(TOKEN_IDENT)?));
            self.skip_trivia();
        }
        // Each name of a path nests its value one set deeper.
        if names.len() > MAX_CONSTANT_DEPTH {
            return None;
        }
        self.expect(TOKEN_ASSIGN)?;
        self.skip_trivia();
        let (value, _) = self.noted_element(salvage, plain.len())?;
        self.skip_trivia();
        self.expect(TOKEN_SEMICOLON)?;
        match (merged, names.as_slice()) {
            (None, [name]) => plain.push((*name, value, span)),
            (merged @ None, _) => {
                let mut set = GreenSet::default();
                for (name, value, span) in plain.drain(..) {
                    set.insert(&[name], span, value)?;
                }
                set.insert(&names, span, value)?;
                *merged = Some(set);
            }
            (Some(set), _) => set.insert(&names, span, value)?,
        }
        Some(())
    }

    /// [`Reader::element`], noting it in `salvage` (as item `index`) if
    /// given and it is a literal that would fold on its own.
    #[inline]
    fn noted_element(
        &mut self,
        salvage: Option<&mut Vec<Salvaged>>,
        index: usize,
    ) -> Option<(Value, bool)> {
        let start = self.offset;
        let (value, small) = self.element()?;
        if let (Some(salvage), Value::Thunk(_), false) = (salvage, &value, small) {
            salvage.push((start..self.offset, index as u32));
        }
        Some((value, small))
    }

    /// An element of a list or value of a set: nested literals in thunks
    /// that copy them when forced (as folding from the tree makes them),
    /// and whether it may be shared (see [`Literal::small`]).
    fn element(&mut self) -> Option<(Value, bool)> {
        match self.peek()? {
            TOKEN_L_BRACK | TOKEN_L_BRACE => {
                let Literal { value, small } = self.literal()?;
                Some((Value::Thunk(Thunk::new_literal(value)), small))
            }
            TOKEN_STRING_START => {
                if self.expect(TOKEN_STRING_START)? != "\"" {
                    return None;
                }
                let text = match self.bump()? {
                    (TOKEN_STRING_END, _, _) => "",
                    (TOKEN_STRING_CONTENT, text, _) => {
                        self.expect(TOKEN_STRING_END)?;
                        text
                    }
                    _ => return None,
                };
                let text = unescape_quoted(text);
                Some((Value::String(crate::syntax::literal_string(&text)), true))
            }
            TOKEN_INTEGER | TOKEN_FLOAT => {
                let (kind, text, _) = self.bump()?;
                Some((number_value(kind, text)?, true))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Fold;
    use crate::value::ThunkState;

    /// Folds into `folds`, from tokens if `tokens` (else from trees only,
    /// as before tokens were read ahead), counting the literals folded from
    /// tokens in `from_tokens` and those kept from literals that did not
    /// fold in parts in `kept`.
    struct Folding {
        folds: Folds,
        tokens: bool,
        from_tokens: usize,
        kept: usize,
    }

    impl Folding {
        fn new(tokens: bool) -> Folding {
            Folding {
                folds: Folds::new(0),
                tokens,
                from_tokens: 0,
                kept: 0,
            }
        }
    }

    impl Fold for Folding {
        fn fold(&mut self, node: &rowan::GreenNodeData, start: u32) -> bool {
            self.folds.fold(node, start)
        }

        fn unfold(&mut self, range: std::ops::Range<u32>) {
            self.folds.unfold(range)
        }

        fn folds_tokens(&self) -> bool {
            self.tokens
        }

        fn fold_tokens(
            &mut self,
            open: SyntaxKind,
            tokens: &[(SyntaxKind, &str)],
            start: u32,
            more: bool,
        ) -> TokenFold {
            let outcome = self.folds.fold_tokens(open, tokens, start, more);
            self.from_tokens += usize::from(outcome == TokenFold::Folded);
            outcome
        }

        fn salvaged(&mut self, start: u32) -> Option<u32> {
            let end = self.folds.salvaged(start);
            self.kept += usize::from(end.is_some());
            end
        }
    }

    /// The same value, down to attribute positions and the literal thunks
    /// of nested literals.
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Int(x), Value::Int(y)) => x == y,
            (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
            (Value::String(x), Value::String(y)) => x.as_bytes() == y.as_bytes(),
            (Value::List(x), Value::List(y)) => {
                x.len() == y.len() && x.iter().zip(y.iter()).all(|(x, y)| same(x, y))
            }
            (Value::Attrs(x), Value::Attrs(y)) => {
                x.len() == y.len()
                    && x.iter().zip(y.iter()).all(|(x, y)| {
                        x.name == y.name && x.pos.span() == y.pos.span() && same(&x.value, &y.value)
                    })
            }
            (Value::Thunk(x), Value::Thunk(y)) => match (&*x.0.borrow(), &*y.0.borrow()) {
                (ThunkState::Literal(x), ThunkState::Literal(y)) => same(x, y),
                _ => false,
            },
            _ => false,
        }
    }

    /// Over the language corpus and generated-file shapes: reading literals'
    /// tokens ahead gives the tree, folded values and positions that folding
    /// trees alone gives.
    #[test]
    fn folding_from_tokens_agrees_with_folding_trees() {
        let mut texts = crate::syntax::corpus_texts();
        let generated: String = (0..50)
            .map(|i| {
                format!(
                    "p{i} = {{ name = \"p{i}\"; v = {i}; f = {i}.5; t = [ \"a\\n\" \"\" [ ] {{ }} ]; \
                     # note\n m = {{ d = \"x\"; }}; }};\n"
                )
            })
            .collect();
        texts.push(("generated".into(), format!("{{ {generated} }}")));
        texts.push(("generated-let".into(), format!("let {generated} in p1")));
        // Shapes left to the tree, alone and inside literals read ahead.
        let mixed = "[ [1] [ ] {} { } [[ 1 ]] { a = 1; a = 2; } { a.b = 1; } { \"q\" = 1; } \
                     ( [ 1 ] ) [ 99999999999999999999 ] [ 1e999 ] [ ''s'' ] [ \"${x}\" ] \
                     [ http://x.org ] { a = { }: 1; } ]";
        texts.push(("mixed".into(), mixed.into()));
        // Not well-formed: the fast parser gives up with either.
        texts.push(("ill-formed".into(), "[ { a = 1 } [ -1 ] ]".into()));
        // Paths, merging and not.
        let long_path = |n: usize| {
            (0..n)
                .map(|i| format!("n{i}"))
                .collect::<Vec<_>>()
                .join(".")
        };
        let paths = format!(
            "[ {{ a.b = 1; a . c.d = \"x\"; e = [ ]; a.c.f = 2.5; }} {{ a.b = 1; a = 2; }} \
             {{ a = 2; a.b = 1; }} {{ a = {{ x = 1; }}; a.b = 1; }} {{ a.b = 1; a.b.c = 2; }} \
             {{ a.b = 1; a.c = {{ d.e = 2; }}; }} {{ x = 1; a.b = 2; x.y = 3; }} {{ a.\"b\" = 1; }} \
             {{ {} = 1; }} {{ {} = 1; }} {{ a.b.c = 1; }} ]",
            long_path(32),
            long_path(33)
        );
        texts.push(("paths".into(), paths));
        let dotted: String = (0..50)
            .map(|i| format!("p{i}.version = \"1.{i}\"; p{i}.src.url = \"https://x/{i}\";\n"))
            .collect();
        texts.push(("generated-dotted".into(), format!("{{ {dotted} }}")));
        // Literals longer than one read-ahead, folded in parts: whole, and
        // failing or declined after some parts (their text read again).
        let many: String = (0..1500)
            .map(|i| format!("p{i}.v = \"{i}\"; p{i}.s.u = [ {i} \"x\" ];\n"))
            .collect();
        let strings: String = (0..5000).map(|i| format!("\"s{i}\" {i} ")).collect();
        let long_item: String = (0..3000).map(|i| format!("{i} ")).collect();
        texts.push(("parts".into(), format!("{{ {many} }}")));
        texts.push(("parts-list".into(), format!("[ {strings} ]")));
        texts.push(("parts-fail".into(), format!("{{ {many} z = f 1; }}")));
        let sets: String = (0..1500)
            .map(|i| format!("q{i} = {{ v = {i}; w = [ \"{i}\" ]; }};\n"))
            .collect();
        texts.push(("parts-fail-kept".into(), format!("{{ {sets} z = f 1; }}")));
        texts.push((
            "parts-fail-list".into(),
            format!("[ {strings} (f 1) {strings} ]"),
        ));
        texts.push(("parts-repeat".into(), format!("{{ {many} p1 = 2; }}")));
        texts.push((
            "parts-declined".into(),
            format!("{{ {many} l = [ {long_item} {long_item} ]; }}"),
        ));
        let (mut files, mut from_tokens, mut kept) = (0, 0, 0);
        for (path, text) in texts {
            let generated = !path.is_absolute() && path.to_str() != Some("ill-formed");
            let tokens = assert_folds_agree(&path.display().to_string(), &text, generated);
            files += 1;
            from_tokens += tokens.from_tokens;
            kept += tokens.kept;
        }
        // Every set of `parts-fail-kept` is kept.
        assert!(
            files > 1000 && from_tokens > 300 && kept >= 1500,
            "{files} {from_tokens} {kept}"
        );
    }

    /// Parses `text` folding trees only and folding tokens too, and checks
    /// both give the same tree and folded values (and a tree at all if
    /// `well_formed`); the folds from tokens.
    fn assert_folds_agree(name: &str, text: &str, well_formed: bool) -> Folding {
        let evaluation = crate::Evaluation::builder().build();
        let _entered = evaluation.enter();
        let mut trees = Folding::new(false);
        let mut tokens = Folding::new(true);
        let by_trees = crate::syntax::fastparse::parse_folding(text, &mut trees);
        let by_tokens = crate::syntax::fastparse::parse_folding(text, &mut tokens);
        assert_eq!(by_trees, by_tokens, "{name}");
        assert!(by_trees.is_some() || !well_formed, "{name}");
        let (trees, tokens_folded) = (trees.folds.values(), tokens.folds.values());
        assert_eq!(trees.len(), tokens_folded.len(), "{name}");
        for ((at, x), (at_too, y)) in trees.iter().zip(tokens_folded) {
            assert!(at == at_too && same(x, y), "{name}: at {at}");
        }
        tokens
    }

    /// Random long literals (folded in parts) of constants, nested
    /// literals, paths, repeated names and comments, most with one item
    /// that is not a constant, early or late: folding from tokens agrees
    /// with folding trees.
    #[test]
    fn random_long_literals_fold_alike() {
        let mut next = crate::test_random::xorshift(0x9e37_79b9_7f4a_7c15);
        fn item(next: &mut impl FnMut(u64) -> u64, depth: u32, out: &mut String) {
            match next(100) {
                0..=34 => out.push_str(&format!("{} ", next(1000))),
                35..=59 => out.push_str(&format!("\"s{}\" ", next(1000))),
                60..=74 if depth < 4 => {
                    let bindings = next(6);
                    set(next, depth + 1, bindings, out)
                }
                75..=87 if depth < 4 => {
                    out.push_str("[ ");
                    for _ in 0..next(5) {
                        item(next, depth + 1, out);
                    }
                    out.push_str("] ");
                }
                88..=93 => out.push_str("# note\n"),
                _ => out.push_str("1.5 "),
            }
        }
        fn set(next: &mut impl FnMut(u64) -> u64, depth: u32, bindings: u64, out: &mut String) {
            out.push_str("{ ");
            for _ in 0..bindings {
                let names = 1 + usize::from(next(4) == 0) + usize::from(next(8) == 0);
                // Repeated names now and then, in small sets most.
                let pool = if bindings < 10 { 40 } else { 5000 };
                let path: Vec<String> = (0..names).map(|_| format!("a{}", next(pool))).collect();
                out.push_str(&format!("{} = ", path.join(".")));
                // A value that is a comment or not an expression would not parse.
                let mut value = String::new();
                while value.trim().is_empty() || value.starts_with('#') {
                    value.clear();
                    item(next, depth, &mut value);
                }
                out.push_str(&value);
                out.push_str("; ");
            }
            out.push_str("} ");
        }
        let (mut folded, mut kept) = (0, 0);
        for round in 0..40 {
            let mut text = String::new();
            if round % 2 == 0 {
                set(&mut next, 0, 1500, &mut text);
            } else {
                text.push_str("[ ");
                for _ in 0..3000 {
                    item(&mut next, 0, &mut text);
                }
                text.push(']');
            }
            // In three rounds of four, something that is not a constant,
            // early or late: the literal does not fold.
            if round % 4 != 0 {
                let at = if round % 4 == 1 {
                    text.len() / 8
                } else {
                    text.len() * 7 / 8
                };
                // After a binding, or after a string (then an application).
                let (cut, odd) = if round % 2 == 0 {
                    (text[..at].rfind("; "), " z9 = f 1;")
                } else {
                    (text[..at].rfind("\" "), " (f 1) x")
                };
                if let Some(cut) = cut {
                    text.insert_str(cut + 1, odd);
                }
            }
            let text = format!("let f = x: x; x = 1; in {text}");
            let tokens = assert_folds_agree(&format!("round {round}"), &text, true);
            folded += tokens.from_tokens;
            kept += tokens.kept;
        }
        assert!(folded > 1000 && kept > 100, "{folded} folded, {kept} kept");
    }

    /// After literals that keep failing, reading ahead resumes once one
    /// read folds: data after code still folds from its tokens.
    #[test]
    fn data_after_code_folds_from_tokens_again() {
        let code: String = (0..100)
            .map(|i| format!("c{i} = {{ v = f {i}; }};\n"))
            .collect();
        let data: String = (0..100)
            .map(|i| format!("d{i} = {{ v = {i}; }};\n"))
            .collect();
        let text = format!("{{ {code}{data} }}");
        let evaluation = crate::Evaluation::builder().build();
        let _entered = evaluation.enter();
        let mut folds = Folding::new(true);
        assert!(crate::syntax::fastparse::parse_folding(&text, &mut folds).is_some());
        assert!(
            folds.from_tokens >= 80,
            "{} of 100 folded from tokens",
            folds.from_tokens
        );
        assert_eq!(folds.folds.values().len(), 100);
    }
}
