//! Where a value being deserialized was written: cheap handles kept while
//! deserializing, resolved to a source span only when an error is built, by
//! re-reading the source's syntax tree.
//!
//! The evaluator records where each attribute's *name* was written. From
//! there the syntax tree gives the attribute's value expression, a literal
//! list's elements, and the set literal an attribute belongs to.

use std::cell::RefCell;
use std::rc::Rc;

use rnix::{SyntaxKind as K, SyntaxNode};
use rowan::{TextRange, TextSize};
use tvix_eval::value::Attr;
use tvix_eval::{Attrs, Span, Symbol};

/// The way from the top-level value to a value (empty: the top level).
#[derive(Clone, Default)]
pub(crate) struct Origin(Option<Rc<Step>>);

enum Step {
    /// The value of the whole source file `file`.
    File(u32),
    /// The value of the attribute `symbol`, whose name was written at `name`.
    Attr {
        name: Span,
        symbol: Symbol,
        parent: Origin,
    },
    /// Element `index` of the parent list.
    Elem { index: usize, parent: Origin },
}

impl Origin {
    /// The value of the whole source file `file`.
    pub(crate) fn file(file: u32) -> Origin {
        Origin(Some(Rc::new(Step::File(file))))
    }

    /// The value of the attribute `attr` of this value.
    pub(crate) fn attr(&self, attr: &Attr) -> Origin {
        Origin(Some(Rc::new(Step::Attr {
            name: attr.pos.span(),
            symbol: attr.name,
            parent: self.clone(),
        })))
    }

    /// Element `index` of this list.
    pub(crate) fn elem(&self, index: usize) -> Origin {
        Origin(Some(Rc::new(Step::Elem {
            index,
            parent: self.clone(),
        })))
    }

    /// The span of the expression that gave this value, or failing that the
    /// nearest enclosing one known (an attribute's name, a parent's value).
    pub(crate) fn span(&self) -> Option<Span> {
        self.expr()
            .map(|(file, node)| span_of(file, node.text_range()))
            .or_else(|| self.fallback())
    }

    /// The span of the opening of the set literal `attrs` was written as:
    /// its own expression if that is a set literal, else the literal one of
    /// its attributes was written in (when a function or `//` made it),
    /// else the expression's span.
    pub(crate) fn set_span(&self, attrs: &Attrs) -> Option<Span> {
        if let Some((file, node)) = self.expr() {
            // A set literal, or the set `a.b = v;` makes for `a`.
            if matches!(node.kind(), K::NODE_ATTR_SET | K::NODE_ATTRPATH_VALUE) {
                return Some(opening(file, &node));
            }
        }
        let from_attrs = attrs
            .iter()
            .map(|a| a.pos.span())
            .find(|s| s.is_some())
            .and_then(|name| {
                let (file, token) = token_at(name)?;
                let set = token
                    .parent_ancestors()
                    .find(|n| matches!(n.kind(), K::NODE_ATTRPATH_VALUE | K::NODE_INHERIT))?;
                let set = set.parent().filter(|p| p.kind() == K::NODE_ATTR_SET)?;
                Some(opening(file, &set))
            });
        from_attrs.or_else(|| self.span())
    }

    /// The syntax node of the expression that gave this value, if known.
    /// Iterative: data nests 10,000 lists deep.
    fn expr(&self) -> Option<(u32, SyntaxNode)> {
        // Walk up past list elements to a step that is found directly.
        let mut indices = Vec::new();
        let mut step = self.0.as_deref()?;
        while let Step::Elem { index, parent } = step {
            indices.push(*index);
            step = parent.0.as_deref()?;
        }
        let (file, mut node) = match step {
            Step::File(file) => {
                let root = with_tree(*file, |root| root.clone())?;
                (*file, root.children().next()?)
            }
            Step::Attr { name, symbol, .. } => attr_value(*name, *symbol)?,
            Step::Elem { .. } => return None,
        };
        // Then down through the list literals.
        for index in indices.into_iter().rev() {
            while node.kind() == K::NODE_PAREN {
                node = node.children().next()?;
            }
            if node.kind() != K::NODE_LIST {
                return None;
            }
            node = node.children().nth(index)?;
        }
        Some((file, node))
    }

    /// The nearest span known when the expression itself is not.
    fn fallback(&self) -> Option<Span> {
        let mut step = self.0.as_deref()?;
        loop {
            let parent = match step {
                Step::File(_) => return None,
                Step::Attr { name, parent, .. } => {
                    if name.is_some() {
                        return Some(*name);
                    }
                    parent
                }
                Step::Elem { parent, .. } => parent,
            };
            if let Some(span) = parent.expr().map(|(f, n)| span_of(f, n.text_range())) {
                return Some(span);
            }
            step = parent.0.as_deref()?;
        }
    }
}

/// Frees a long chain of steps without recursing.
impl Drop for Origin {
    fn drop(&mut self) {
        let mut next = self.0.take();
        while let Some(rc) = next {
            next = match Rc::try_unwrap(rc) {
                Ok(mut step) => match &mut step {
                    Step::File(_) => None,
                    Step::Attr { parent, .. } | Step::Elem { parent, .. } => parent.0.take(),
                },
                Err(_) => None,
            };
        }
    }
}

fn span_of(file: u32, range: TextRange) -> Span {
    Span {
        file,
        start: range.start().into(),
        end: range.end().into(),
    }
}

/// The span of a node's first token (`{` of a set, `rec` of a `rec` set).
fn opening(file: u32, node: &SyntaxNode) -> Span {
    match node.first_token() {
        Some(t) => span_of(file, t.text_range()),
        None => span_of(file, node.text_range()),
    }
}

/// The value expression of the attribute `symbol` whose name is at
/// `name`. For `a.b = v`, the value of `a` is the set `{ b = v; }`, given
/// as the binding `a.b = v`.
fn attr_value(name: Span, symbol: Symbol) -> Option<(u32, SyntaxNode)> {
    let (file, token) = token_at(name)?;
    let binding = token
        .parent_ancestors()
        .find(|n| matches!(n.kind(), K::NODE_ATTRPATH_VALUE | K::NODE_INHERIT))?;
    if binding.kind() == K::NODE_INHERIT {
        // `inherit port;` (recorded at `inherit`): the name is the value.
        let text = symbol.to_string();
        let ident = binding
            .children()
            .find(|n| n.kind() != K::NODE_INHERIT_FROM && n.text() == text.as_str())?;
        return Some((file, ident));
    }
    let attrpath = binding.children().find(|n| n.kind() == K::NODE_ATTRPATH)?;
    let value = binding.children().find(|n| n.kind() != K::NODE_ATTRPATH)?;
    let at = TextSize::from(name.start);
    let mut attrs = attrpath.children();
    attrs.find(|a| a.text_range().contains_inclusive(at))?;
    match attrs.next() {
        None => Some((file, value)),
        Some(_) => Some((file, binding)),
    }
}

/// The syntax tree of the file last looked at, with the text it was parsed
/// from (file ids are per evaluation, so the text itself tells whether the
/// cached tree is the file's) and the host stack its depth needs.
struct Cached {
    text: Rc<str>,
    root: SyntaxNode,
    stack: usize,
}

/// The cache cell. A deep tree is dropped on a stack sized for it, also when
/// the thread exits (rowan frees a tree recursively).
struct TreeCache(Option<Cached>);

impl Drop for TreeCache {
    fn drop(&mut self) {
        if let Some(cached) = self.0.take() {
            let stack = cached.stack;
            stacker::maybe_grow(stack, stack, move || drop(cached));
        }
    }
}

thread_local! {
    static TREE: RefCell<TreeCache> = const { RefCell::new(TreeCache(None)) };
}

/// Drops the cached syntax tree: called when a deserialization ends, so
/// that a thread does not keep the last config's text and tree (hundreds
/// of megabytes for a large generated file) after the load.
pub(crate) fn forget_tree() {
    let cached = TREE.try_with(|t| t.borrow_mut().0.take()).ok().flatten();
    // Dropped through `TreeCache`, on a stack sized for the tree.
    drop(TreeCache(cached));
}

/// Whether a syntax tree is cached on this thread.
#[cfg(test)]
pub(crate) fn tree_cached() -> bool {
    TREE.with(|t| t.borrow().0.is_some())
}

/// Calls `f` with the syntax tree of source file `file` (parsed once), on
/// a stack deep enough for the tree: `f`'s lookups recurse through it, and
/// errors are often located deep inside a value's nesting already. The
/// tree stays cached, so nodes `f` returns never free it on a small stack.
fn with_tree<T>(file: u32, f: impl FnOnce(&SyntaxNode) -> T) -> Option<T> {
    let text = tvix_eval::syntax::source(file)?.text.clone();
    let (cached, previous) = TREE.with(|t| {
        let t = t.borrow();
        let previous = t.0.as_ref().map_or(0, |c| c.stack);
        let hit =
            t.0.as_ref()
                .and_then(|c| Rc::ptr_eq(&c.text, &text).then_some(c.stack));
        (hit, previous)
    });
    let stack = cached.unwrap_or_else(|| tvix_eval::syntax::stack_for(&text));
    // Replacing the previous tree drops it: that needs its depth too.
    let needed = stack.max(previous);
    stacker::maybe_grow(needed, needed, || {
        TREE.with(|t| {
            let mut t = t.borrow_mut();
            if cached.is_none() {
                let root = rnix::Root::parse(&text).syntax();
                t.0 = Some(Cached { text, root, stack });
            }
            t.0.as_ref().map(|c| f(&c.root))
        })
    })
}

/// The token starting at `span` in its file's syntax tree.
fn token_at(span: Span) -> Option<(u32, rnix::SyntaxToken)> {
    if !span.is_some() {
        return None;
    }
    let token = with_tree(span.file, |root| {
        // A span past the tree's end (it should not happen) finds nothing
        // rather than making rowan panic.
        let at = TextSize::from(span.start);
        if !root.text_range().contains_inclusive(at) {
            return None;
        }
        root.token_at_offset(at).right_biased()
    })??;
    Some((span.file, token))
}

/// The id the next source file registered on this thread will get.
pub(crate) fn next_file_id() -> u32 {
    let exists = |id: u32| tvix_eval::syntax::source(id).is_some();
    // Exponential search for a free id, then binary search for the first.
    let mut hi = 1u32;
    while exists(hi - 1) {
        hi = hi.saturating_mul(2);
        if hi == u32::MAX {
            break;
        }
    }
    let mut lo = hi / 2;
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if exists(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}
