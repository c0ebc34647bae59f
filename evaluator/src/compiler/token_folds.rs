//! Constant set and list literals folded straight from their tokens while
//! the file is parsed, before any tree is built for them (see
//! [`crate::syntax::Fold::fold_tokens`]).
//!
//! Why: a generated file is mostly such literals, and folding one from its
//! tree meant building that tree (nodes, shared tokens), reading the value
//! back out of it and dropping it again, several times the work of reading
//! the tokens once. Here the common shapes are read from the tokens: lists,
//! and sets of `name = value;` bindings with distinct plain names, of
//! `"…"` strings without interpolation, numbers, and such lists and sets.
//! Anything else (parentheses, dotted or quoted names, URIs, indented
//! strings) is left to the tree, which folds it as before, so the two give
//! the same values, positions and stand-ins (a test compares them over the
//! language corpus).

use rnix::SyntaxKind::{self, *};

use super::constants::{distinct_attrs, number_value, Folds};
use super::strings::unescape_quoted;
use crate::syntax::{Pos, Span, TokenFold};
use crate::value::{Attr, Symbol, Thunk, Value};

impl Folds {
    /// [`crate::syntax::Fold::fold_tokens`]: the literal's value from its
    /// tokens, kept under `start` as [`crate::syntax::Fold::fold`] keeps it.
    pub(super) fn fold_from_tokens(
        &mut self,
        open: SyntaxKind,
        tokens: &[(SyntaxKind, &str)],
        start: u32,
    ) -> TokenFold {
        let mut reader = Reader {
            tokens,
            at: 0,
            // After the one-byte bracket.
            offset: start + 1,
            file: self.file(),
        };
        let positions = Pos::registered();
        let outcome = match reader.literal_after(open) {
            Some(_) if reader.at != tokens.len() => TokenFold::Failed(reader.offset),
            Some(Literal { small: true, .. }) => TokenFold::Declined,
            Some(Literal { value, .. }) => {
                self.keep(start, value);
                return TokenFold::Folded;
            }
            None => TokenFold::Failed(reader.offset),
        };
        // The attributes read are gone: so are their positions (the tree
        // registers them again).
        Pos::forget_since(positions);
        outcome
    }
}

/// A literal read from tokens.
struct Literal {
    value: Value,
    /// Whether the parser might share its tree rather than fold it: at most
    /// three elements (brackets, trivia tokens and items each count), none a
    /// literal that folds. Such a literal is left to the tree, which tells.
    small: bool,
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

    /// A list or set literal.
    fn literal(&mut self) -> Option<Literal> {
        let (open, _, _) = self.bump()?;
        self.literal_after(open)
    }

    /// A list or set literal after its opening bracket `open`.
    fn literal_after(&mut self, open: SyntaxKind) -> Option<Literal> {
        match open {
            TOKEN_L_BRACK => self.list(),
            TOKEN_L_BRACE => self.set(),
            _ => None,
        }
    }

    fn list(&mut self) -> Option<Literal> {
        let mut items = Vec::new();
        let mut elements = 2;
        let mut small = true;
        loop {
            elements += self.skip_trivia();
            if self.peek()? == TOKEN_R_BRACK {
                self.bump();
                break;
            }
            let (item, item_small) = self.element()?;
            items.push(item);
            elements += 1;
            small &= item_small;
        }
        Some(Literal {
            value: Value::list(items),
            small: small && elements <= 3,
        })
    }

    /// A set of `name = value;` bindings with distinct plain names.
    fn set(&mut self) -> Option<Literal> {
        let mut attrs = Vec::new();
        let mut elements = 2;
        loop {
            elements += self.skip_trivia();
            let (kind, name, at) = self.bump()?;
            match kind {
                TOKEN_R_BRACE => break,
                TOKEN_IDENT => {}
                _ => return None,
            }
            // Interned as read: names are interned in source order (the
            // order the parser interns them in, see `fastparse`).
            let name = Symbol::from_str(name);
            let span = Span {
                file: self.file,
                start: at,
                end: self.offset,
            };
            self.skip_trivia();
            self.expect(TOKEN_ASSIGN)?;
            self.skip_trivia();
            let (value, _) = self.element()?;
            self.skip_trivia();
            self.expect(TOKEN_SEMICOLON)?;
            attrs.push(Attr {
                name,
                value,
                pos: Pos::new(span),
            });
        }
        let small = attrs.is_empty() && elements <= 3;
        // A repeated name is merged or reported by the compiler, from the tree.
        Some(Literal {
            value: distinct_attrs(attrs)?,
            small,
        })
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
    /// tokens in `from_tokens`.
    struct Folding {
        folds: Folds,
        tokens: bool,
        from_tokens: usize,
    }

    impl Folding {
        fn new(tokens: bool) -> Folding {
            Folding {
                folds: Folds::new(0),
                tokens,
                from_tokens: 0,
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
        ) -> TokenFold {
            let outcome = self.folds.fold_tokens(open, tokens, start);
            self.from_tokens += usize::from(outcome == TokenFold::Folded);
            outcome
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
                     [ http://x.org ] { a = { }: 1; } [ -1 ] { a = 1 }";
        texts.push(("mixed".into(), mixed.into()));
        let (mut files, mut from_tokens) = (0, 0);
        for (path, text) in texts {
            let evaluation = crate::Evaluation::builder().build();
            let _entered = evaluation.enter();
            let mut trees = Folding::new(false);
            let mut tokens = Folding::new(true);
            let by_trees = crate::syntax::fastparse::parse_folding(&text, &mut trees);
            let by_tokens = crate::syntax::fastparse::parse_folding(&text, &mut tokens);
            assert_eq!(by_trees, by_tokens, "{}", path.display());
            let (trees, tokens_folded) = (trees.folds.values(), tokens.folds.values());
            assert_eq!(trees.len(), tokens_folded.len(), "{}", path.display());
            for ((at, x), (at_too, y)) in trees.iter().zip(tokens_folded) {
                assert!(at == at_too && same(x, y), "{}: at {at}", path.display());
            }
            files += 1;
            from_tokens += tokens.from_tokens;
        }
        assert!(files > 1000 && from_tokens > 300, "{files} {from_tokens}");
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
