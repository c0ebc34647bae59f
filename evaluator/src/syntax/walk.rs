//! A walk over rowan's green tree, for the passes that look at every token
//! of a file (interning names in source order, the parser's extra checks).
//! Cursor nodes (`SyntaxNode`) cost an allocation each, more than parsing
//! itself on large files; green nodes are borrowed as they are.

use std::ops::ControlFlow;

use rnix::SyntaxKind as K;
use rowan::{Children, GreenNodeData, NodeOrToken};

/// The children of a green node with the byte offset each starts at
/// (`start` being the node's).
pub(crate) fn children_at(
    green: &GreenNodeData,
    start: u32,
) -> impl Iterator<Item = (NodeOrToken<&GreenNodeData, &rowan::GreenTokenData>, u32)> {
    let mut at = start;
    green.children().map(move |child| {
        let here = at;
        at += u32::from(child.text_len());
        (child, here)
    })
}

/// The rowan kind of an rnix kind.
pub(crate) fn raw(kind: K) -> rowan::SyntaxKind {
    rowan::SyntaxKind(kind as u16)
}

/// A node being walked: an ancestor of whatever is visited.
pub(crate) struct Frame<'a> {
    /// Its kind.
    pub kind: rowan::SyntaxKind,
    /// Its byte offset in the file.
    pub start: u32,
    /// Its length in bytes.
    pub len: u32,
    /// The children not visited yet.
    pub rest: Children<'a>,
    /// How many child nodes (not tokens) were visited before the current one.
    pub nodes_before: u32,
    /// Whether an `or` keyword came before the current child.
    pub after_or: bool,
    /// Bytes of the children visited so far.
    visited: u32,
}

/// What the walk meets, in source order.
pub(crate) enum Visit<'a> {
    /// A token: its kind and text.
    Token(rowan::SyntaxKind, &'a str),
    /// A node (before its children): the node, its offset.
    Node(&'a GreenNodeData, u32),
}

/// Visits every node and token below `root` (which starts at `start`) in
/// source order, with the ancestors of each (innermost last), until `visit`
/// breaks. Iterative: deep trees are no problem.
pub(crate) fn walk<'a>(
    root: &'a GreenNodeData,
    start: u32,
    mut visit: impl FnMut(Visit<'a>, &[Frame<'a>]) -> ControlFlow<()>,
) {
    let mut frames = vec![Frame {
        kind: root.kind(),
        start,
        len: u32::from(root.text_len()),
        rest: root.children(),
        nodes_before: 0,
        after_or: false,
        visited: 0,
    }];
    let or_keyword = raw(K::TOKEN_OR);
    while let Some(top) = frames.last_mut() {
        let Some(child) = top.rest.next() else {
            frames.pop();
            continue;
        };
        let offset = top.start + top.visited;
        match child {
            NodeOrToken::Token(t) => {
                let len = u32::from(t.text_len());
                if visit(Visit::Token(t.kind(), t.text()), &frames).is_break() {
                    return;
                }
                if let Some(top) = frames.last_mut() {
                    top.after_or |= t.kind() == or_keyword;
                    top.visited += len;
                }
            }
            NodeOrToken::Node(n) => {
                if visit(Visit::Node(n, offset), &frames).is_break() {
                    return;
                }
                let len = u32::from(n.text_len());
                if let Some(top) = frames.last_mut() {
                    top.nodes_before += 1;
                    top.visited += len;
                }
                frames.push(Frame {
                    kind: n.kind(),
                    start: offset,
                    len,
                    rest: n.children(),
                    nodes_before: 0,
                    after_or: false,
                    visited: 0,
                });
            }
        }
    }
}
