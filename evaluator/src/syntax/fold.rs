//! Set and list literals made only of literals, folded into values while
//! the file is parsed, so their syntax tree is never held whole.
//!
//! Why: a generated file's package set is one literal of 100,000s of
//! nested sets of strings. Its green tree is seven to eight times the
//! text and lived until the whole file was compiled, beside the values the
//! compiler built from it (a 25 MB file peaked at 400 MB, C++ Nix at 300).
//! Folded bottom-up as each literal is closed, the tree of a constant
//! literal is released as soon as its value exists.
//!
//! A folded literal keeps its kind and its exact text, as whitespace
//! tokens (where a real set or list starts with `{`, `rec` or `[`), so
//! every offset and span is unchanged and walks looking for names,
//! literals or syntax see nothing (a constant has none of them). Its value
//! is kept by the [`Fold`] under the byte offset the literal starts at.
//! The compiler takes folded literals from there wherever it meets one
//! (`compiler::Folds`), and showing an expression reads the text again.
//!
//! One case would need the tree: a literal that another binding of the
//! same set or `let` extends (`a = { … }; a.b = 1;` merges into `a`'s
//! literal). When a set or `let` closes with such a name, its folded
//! values are parsed again from their text, unfolded.
//!
//! The same goes for a binding's value that stands in for itself: in a
//! large `let` or `rec` set, a value the compiler will defer (see
//! `compiler::defer`) keeps only its text once its tree is built, and what
//! the compiler needs to know about it is kept by the [`Fold`].

use rnix::SyntaxKind::{self, *};
use rowan::{GreenNode, GreenNodeData, NodeOrToken};

use rustc_hash::FxHashMap;

use super::walk::raw;

/// Where folded values go while a file is parsed.
pub(crate) trait Fold {
    /// Folds the set or list literal `node` that starts at byte `start`
    /// (its nested literals folded already) if it is made only of literals:
    /// keeps its value and answers `true`.
    fn fold(&mut self, node: &GreenNodeData, start: u32) -> bool;

    /// Forgets the values folded within `range` (the literal there was
    /// parsed again, unfolded).
    fn unfold(&mut self, range: std::ops::Range<u32>);

    /// Whether [`Fold::fold_tokens`] may fold anything (the parser then
    /// reads a literal's tokens ahead before building its tree).
    fn folds_tokens(&self) -> bool {
        false
    }

    /// Folds the set or list literal starting at byte `start` with the
    /// bracket `open` (`{` or `[`) whose tokens after it (trivia and nested
    /// literals included, the closing bracket last) are `tokens`, without a
    /// tree: what [`Fold::fold`] would do once its tree closed, for the
    /// literals the tokens alone can tell.
    ///
    /// A literal too long to read ahead whole comes in parts: while `more`,
    /// `tokens` are its next whole items (a set's bindings, a list's
    /// elements), and [`TokenFold::Partial`] asks for the rest. The last
    /// part ends with the closing bracket; an empty one abandons the
    /// literal (the parser found a token no constant has).
    fn fold_tokens(
        &mut self,
        _open: SyntaxKind,
        _tokens: &[(SyntaxKind, &str)],
        _start: u32,
        _more: bool,
    ) -> TokenFold {
        TokenFold::Declined
    }

    /// Where the literal starting at byte `start` ends, if it was folded
    /// already, as an item of a literal read in parts that did not fold
    /// (the parser then skips its tokens).
    fn salvaged(&mut self, _start: u32) -> Option<u32> {
        None
    }

    /// After how many bindings with a plain name a `let` or `rec` set's
    /// binding values may stand in for themselves (see
    /// [`Fold::stand_in`]); `None` if none may.
    fn stand_ins_after(&self) -> Option<u32> {
        None
    }

    /// Whether the value `node`, starting at byte `start`, of a binding of a
    /// `let` or `rec` set past [`Fold::stand_ins_after`] plain names may be
    /// left out of the tree: the compiler then defers it without reading its
    /// syntax (what it needs is kept here), and the parser keeps only its
    /// text (see [`stand_in_node`]).
    fn stand_in(&mut self, _node: &GreenNodeData, _start: u32) -> bool {
        false
    }
}

/// What [`Fold::fold_tokens`] made of a literal's tokens.
#[derive(Debug, PartialEq)]
pub(crate) enum TokenFold {
    /// Its value is kept: the literal stands folded, and no tree is built.
    Folded,
    /// Left to the tree: a literal small enough that the parser shares its
    /// tree rather than folds it, which only the tree can tell exactly.
    Declined,
    /// Not a constant of the shapes the tokens tell (the tree decides),
    /// as found at the token ending at this byte: literals starting before
    /// it are not read ahead again.
    Failed(u32),
    /// The items given so far fold: the rest of the literal is wanted.
    Partial,
}

/// Whether a token of `kind` can be part of a literal [`Fold::fold_tokens`]
/// folds: the parser stops reading ahead at any other.
pub(crate) fn may_fold_token(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        TOKEN_WHITESPACE
            | TOKEN_COMMENT
            | TOKEN_L_BRACE
            | TOKEN_R_BRACE
            | TOKEN_L_BRACK
            | TOKEN_R_BRACK
            | TOKEN_ASSIGN
            | TOKEN_SEMICOLON
            | TOKEN_DOT
            | TOKEN_IDENT
            | TOKEN_STRING_START
            | TOKEN_STRING_CONTENT
            | TOKEN_STRING_END
            | TOKEN_INTEGER
            | TOKEN_FLOAT
    )
}

/// Parses without folding.
pub(crate) struct NoFold;

impl Fold for NoFold {
    fn fold(&mut self, _: &GreenNodeData, _: u32) -> bool {
        false
    }

    fn unfold(&mut self, _: std::ops::Range<u32>) {}
}

/// Whether `green` is a folded set or list literal.
pub(crate) fn is_folded(green: &GreenNodeData) -> bool {
    let kind = green.kind();
    (kind == raw(NODE_ATTR_SET) || kind == raw(NODE_LIST))
        && matches!(green.children().next(), Some(NodeOrToken::Token(t)) if t.kind() == raw(TOKEN_WHITESPACE))
}

/// Whether `green` stands for a binding's value left out of the tree (see
/// [`Fold::stand_in`]). No other error node reaches the compiler: a text
/// with syntax errors is not compiled.
pub(crate) fn is_stand_in(green: &GreenNodeData) -> bool {
    green.kind() == raw(NODE_ERROR)
        && matches!(green.children().next(), Some(NodeOrToken::Token(t)) if t.kind() == raw(TOKEN_WHITESPACE))
}

/// The node standing for a binding's value written as `text` that was
/// left out of the tree (see [`Fold::stand_in`]): its text, as a folded
/// literal keeps it, under an error node, which no expression parses to.
pub(super) fn stand_in_node(text: &str) -> GreenNode {
    folded_node(NODE_ERROR, text)
}

/// The node standing for a folded literal of `kind` written as `text`.
/// The text is kept in pieces of at most [`PIECE`] bytes: memory the
/// literal's tree just gave back can hold them, where one large block would
/// be new memory.
pub(super) fn folded_node(kind: SyntaxKind, text: &str) -> GreenNode {
    let mut pieces = Vec::with_capacity(text.len() / PIECE + 1);
    let mut rest = text;
    while !rest.is_empty() {
        let mut end = rest.len().min(PIECE);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let (piece, after) = rest.split_at(end);
        pieces.push(NodeOrToken::Token(rowan::GreenToken::new(
            raw(TOKEN_WHITESPACE),
            piece,
        )));
        rest = after;
    }
    GreenNode::new(raw(kind), pieces)
}

/// The longest piece of a folded literal's text (see [`folded_node`]).
const PIECE: usize = 4096;

/// The expression a folded literal stands for, parsed again from its
/// text (without folding), as a tree of its own.
pub(crate) fn unfolded(node: &rnix::SyntaxNode) -> Option<rnix::ast::Expr> {
    let text = node.text().to_string();
    let green = super::fastparse::parse(&text).or_else(|| {
        let parsed = rnix::Root::parse(&text);
        parsed
            .errors()
            .is_empty()
            .then(|| parsed.syntax().green().to_owned())
    })?;
    <rnix::Root as rowan::ast::AstNode>::cast(rnix::SyntaxNode::new_root(green))?.expr()
}

/// How a binding's first attribute name compares with the others', for
/// finding names bound more than once.
#[derive(Clone, Copy)]
enum Name<'t> {
    /// Written plainly or as a string without escapes, carriage returns
    /// (read as newlines) or interpolation: the name is the text.
    Known(&'t str),
    /// Anything else: may equal any other name.
    Unknown,
}

/// The first attribute name of a binding's attribute path, or of an
/// `inherit`'s names.
fn name_of(attr: &GreenNodeData) -> Name<'_> {
    let mut children = attr.children();
    if attr.kind() == raw(NODE_IDENT) {
        if let (Some(NodeOrToken::Token(t)), None) = (children.next(), children.next()) {
            return Name::Known(t.text());
        }
    } else if attr.kind() == raw(NODE_STRING) {
        match (
            children.next(),
            children.next(),
            children.next(),
            children.next(),
        ) {
            (Some(NodeOrToken::Token(open)), Some(NodeOrToken::Token(close)), None, None)
                if open.text() == "\"" && close.kind() == raw(TOKEN_STRING_END) =>
            {
                return Name::Known("");
            }
            (
                Some(NodeOrToken::Token(open)),
                Some(NodeOrToken::Token(text)),
                Some(NodeOrToken::Token(close)),
                None,
            ) if open.text() == "\""
                && text.kind() == raw(TOKEN_STRING_CONTENT)
                && close.kind() == raw(TOKEN_STRING_END)
                && !text.text().contains(['\\', '\r']) =>
            {
                return Name::Known(text.text());
            }
            _ => {}
        }
    }
    Name::Unknown
}

/// A binding's value node (the child node after its attribute path), if
/// it is, or parenthesizes, a folded literal or a stand-in: its index among the
/// binding's children and its offset from the binding's start.
fn folded_value(binding: &GreenNodeData) -> Option<(usize, u32)> {
    let mut nodes = 0;
    for (index, (child, offset)) in super::walk::children_at(binding, 0).enumerate() {
        let NodeOrToken::Node(mut inner) = child else {
            continue;
        };
        nodes += 1;
        if nodes == 2 {
            while inner.kind() == raw(NODE_PAREN) {
                inner = inner.children().find_map(|c| c.into_node())?;
            }
            return (is_folded(inner) || is_stand_in(inner)).then_some((index, offset));
        }
    }
    None
}

/// The first name a binding binds (the first attribute of its path).
fn first_name(binding: &GreenNodeData) -> Name<'_> {
    binding
        .children()
        .find_map(|c| c.into_node())
        .and_then(|path| path.children().find_map(|c| c.into_node()))
        .map_or(Name::Unknown, name_of)
}

/// For a set or `let` about to close with the elements `children`: the
/// indices of the bindings whose folded value another binding may extend,
/// i.e. whose first name is bound more than once (or may be).
fn to_unfold<'a>(children: &'a [(NodeOrToken<GreenNode, rowan::GreenToken>, bool)]) -> Vec<usize> {
    let binding = raw(NODE_ATTRPATH_VALUE);
    // Every name bound, and the bindings of folded values with theirs.
    let mut names: smallvec::SmallVec<[&'a str; 8]> = smallvec::SmallVec::new();
    let mut folded: smallvec::SmallVec<[(usize, Name<'a>); 4]> = smallvec::SmallVec::new();
    let mut unknown = false;
    let mut add = |name: Name<'a>| match name {
        Name::Known(n) => names.push(n),
        Name::Unknown => unknown = true,
    };
    for (i, (child, _)) in children.iter().enumerate() {
        let NodeOrToken::Node(n) = child else {
            continue;
        };
        if n.kind() == binding {
            let name = first_name(n);
            if folded_value(n).is_some() {
                folded.push((i, name));
            }
            add(name);
        } else if n.kind() == raw(NODE_INHERIT) {
            for attr in n.children().filter_map(|c| c.into_node()) {
                if attr.kind() != raw(NODE_INHERIT_FROM) {
                    add(name_of(attr));
                }
            }
        }
    }
    if folded.is_empty() {
        return Vec::new();
    }
    if unknown {
        return folded.iter().map(|&(i, _)| i).collect();
    }
    // Counted in a table when there are many.
    let counts: Option<FxHashMap<&str, u32>> = (names.len() > 8).then(|| {
        let mut counts = FxHashMap::with_capacity_and_hasher(names.len(), Default::default());
        for name in &names {
            *counts.entry(*name).or_default() += 1;
        }
        counts
    });
    let repeated = |name: &str| match &counts {
        Some(counts) => counts.get(name).is_some_and(|&c| c > 1),
        None => names.iter().filter(|n| **n == name).count() > 1,
    };
    folded
        .iter()
        .filter(|(_, name)| match name {
            Name::Known(name) => repeated(name),
            Name::Unknown => true,
        })
        .map(|&(i, _)| i)
        .collect()
}

/// Unfolds, among the elements `children` of a set or `let` about to close
/// (the last ending at byte `end` of `source`), the folded values other
/// bindings extend (see [`to_unfold`]); `false` if one does not parse again
/// (then the file goes to rnix's parser).
pub(super) fn unfold_extended(
    children: &mut [(NodeOrToken<GreenNode, rowan::GreenToken>, bool)],
    end: u32,
    source: &str,
    fold: &mut dyn Fold,
) -> bool {
    let found = to_unfold(children);
    if found.is_empty() {
        return true;
    }
    let total: u32 = children.iter().map(|(e, _)| u32::from(e.text_len())).sum();
    let mut at = end - total;
    let mut next = found.iter().peekable();
    for (i, (element, shared)) in children.iter_mut().enumerate() {
        let here = at;
        at += u32::from(element.text_len());
        if next.next_if(|&&j| j == i).is_none() {
            continue;
        }
        let NodeOrToken::Node(binding) = &*element else {
            continue;
        };
        match unfold_binding(binding, here, source, fold) {
            Some(unfolded) => {
                *element = NodeOrToken::Node(unfolded);
                *shared = false;
            }
            None => return false,
        }
    }
    true
}

/// The binding `binding` (starting at byte `start` of `source`) with its
/// folded value parsed again, unfolded; `None` if that fails (then the
/// file goes to rnix's parser).
fn unfold_binding(
    binding: &GreenNodeData,
    start: u32,
    source: &str,
    fold: &mut dyn Fold,
) -> Option<GreenNode> {
    let (index, offset) = folded_value(binding)?;
    let value = binding.children().nth(index)?.into_node()?;
    let from = start + offset;
    let to = from + u32::from(value.text_len());
    let text = source.get(from as usize..to as usize)?;
    let root = super::fastparse::parse(text)?;
    let mut parts = root.children();
    let (Some(NodeOrToken::Node(unfolded)), None) = (parts.next(), parts.next()) else {
        return None;
    };
    // A stand-in's kind is not its value's.
    let same_kind = unfolded.kind() == value.kind() || is_stand_in(value);
    if !same_kind || unfolded.text_len() != value.text_len() {
        return None;
    }
    let unfolded = unfolded.to_owned();
    fold.unfold(from..to);
    Some(GreenNode::new(
        binding.kind(),
        binding
            .children()
            .enumerate()
            .map(|(i, child)| match child {
                _ if i == index => NodeOrToken::Node(unfolded.clone()),
                NodeOrToken::Node(n) => NodeOrToken::Node(n.to_owned()),
                NodeOrToken::Token(t) => NodeOrToken::Token(t.to_owned()),
            }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Over the language corpus: a tree parsed with folding has the file's
    /// text, folded literals stand where rnix's tree has the same literal,
    /// and each parsed again is that literal's subtree.
    #[test]
    fn folded_literals_keep_the_text_and_unfold_to_rnix_subtrees() {
        let mut folded = 0;
        for (path, text) in super::super::corpus_texts() {
            let rnix_root = rnix::Root::parse(&text);
            if !rnix_root.errors().is_empty() {
                continue;
            }
            let evaluation = crate::Evaluation::builder().build();
            let _entered = evaluation.enter();
            let mut folds = crate::compiler::Folds::new(0);
            let Some(green) = super::super::fastparse::parse_folding(&text, &mut folds) else {
                continue;
            };
            let ours = rnix::SyntaxNode::new_root(green);
            assert_eq!(ours.text().to_string(), text, "{}", path.display());
            for node in ours.descendants().filter(|n| is_folded(n.green())) {
                let theirs = rnix_root
                    .syntax()
                    .descendants()
                    .find(|n| n.text_range() == node.text_range() && n.kind() == node.kind())
                    .unwrap_or_else(|| panic!("{}: no literal at {:?}", path.display(), node));
                let unfolded = unfolded(&node).expect("a folded literal parses again");
                assert_eq!(
                    *rowan::ast::AstNode::syntax(&unfolded).green(),
                    *theirs.green(),
                    "{}",
                    path.display()
                );
                folded += 1;
            }
        }
        assert!(folded > 500, "only {folded} folded literals");
    }
}
