//! Source files, spans and parsing (via `rnix`) into a syntax tree.

use lexfix::lex_like_cpp_nix;
use std::path::PathBuf;
use std::rc::Rc;

use rowan::ast::AstNode;

use crate::errors::{Error, ErrorKind};

pub(crate) mod fastparse;
mod fold;
mod lexer;
mod lexfix;
pub mod lint;
mod messages;
pub mod nesting;
mod room;
mod scan;
mod walk;

pub(crate) use fold::{is_folded, is_stand_in, unfolded, Fold, NoFold, TokenFold};
pub(crate) use walk::{children_at, raw as raw_kind};

/// A byte range in one source file. `file == u32::MAX` means "no location".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    /// The source file id (`u32::MAX` for none).
    pub file: u32,
    /// Start byte offset.
    pub start: u32,
    /// End byte offset.
    pub end: u32,
}

impl Span {
    /// The absent span, for values made by builtins.
    pub const NONE: Span = Span {
        file: u32::MAX,
        start: 0,
        end: 0,
    };

    /// Whether this span points somewhere.
    pub fn is_some(self) -> bool {
        self.file != u32::MAX
    }

    /// Span of a syntax node in `file`.
    pub fn of(file: u32, node: &rnix::SyntaxNode) -> Span {
        let r = node.text_range();
        Span {
            file,
            start: r.start().into(),
            end: r.end().into(),
        }
    }

    /// Span of a text range in `file`.
    pub fn range(file: u32, r: rnix::TextRange) -> Span {
        Span {
            file,
            start: r.start().into(),
            end: r.end().into(),
        }
    }
}

/// One loaded source file.
#[derive(Debug)]
pub struct SourceFile {
    /// What to call it in messages: a path, or `«string»` for `-E`.
    pub name: String,
    /// The file's path, if it is a file (for relative path literals).
    pub path: Option<PathBuf>,
    /// The source text.
    pub text: Rc<str>,
    line_starts: Vec<u32>,
    /// Whether `text` stands for bytes that are not UTF-8 (see [`decode_source`]).
    pub raw_bytes: bool,
}

impl SourceFile {
    /// The `file` C++ Nix reports in positions: the path, or for an
    /// expression given on the command line, the expression text itself.
    pub fn pos_file(&self) -> String {
        match &self.path {
            Some(p) => p.to_string_lossy().into_owned(),
            None if self.name == "«string»" => self.text.to_string(),
            None => self.name.clone(),
        }
    }

    /// 1-based line and column of a byte offset. Columns count bytes, as
    /// C++ Nix's lexer does.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1) - 1;
        let start = self.line_starts[line] as usize;
        let end = (offset as usize).min(self.text.len());
        (line as u32 + 1, (end.saturating_sub(start)) as u32 + 1)
    }
}

thread_local! {
    /// Set while parsing or compiling a file whose text stands for raw bytes.
    static RAW_BYTES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Private-use characters U+F780..=U+F7FF stand for the bytes 0x80..=0xFF
/// of a source that is not valid UTF-8 (rnix needs text).
const RAW_BYTE_BASE: u32 = 0xF700;

/// Source bytes as text for the parser. C++ Nix reads files as bytes, so
/// a string literal may hold bytes that are not UTF-8; each such byte is
/// carried through the parser as a private-use character and turned back
/// into the byte by [`literal_bytes`]. Returns whether that happened.
pub fn decode_source(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (std::borrow::Cow::Borrowed(s), false),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len() + 16);
            for chunk in bytes.utf8_chunks() {
                out.push_str(chunk.valid());
                for &b in chunk.invalid() {
                    out.push(char::from_u32(RAW_BYTE_BASE + u32::from(b)).unwrap_or('\u{FFFD}'));
                }
            }
            (std::borrow::Cow::Owned(out), true)
        }
    }
}

/// The bytes of literal text from the file being parsed or compiled: raw
/// bytes come back for a file [`decode_source`] escaped.
pub fn literal_bytes(text: &str) -> Vec<u8> {
    if !RAW_BYTES.get() {
        return text.as_bytes().to_vec();
    }
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        let cp = u32::from(c);
        if (RAW_BYTE_BASE + 0x80..=RAW_BYTE_BASE + 0xFF).contains(&cp) {
            out.push((cp - RAW_BYTE_BASE) as u8);
        } else {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    out
}

/// A string literal's value: [`literal_bytes`] without the intermediate
/// copy when no raw bytes need restoring (the common case).
pub fn literal_string(text: &str) -> crate::value::NixString {
    if RAW_BYTES.get() {
        literal_bytes(text).into()
    } else {
        text.into()
    }
}

/// Runs `f` with [`literal_bytes`] restoring raw bytes when `file` needs it.
pub fn with_file_bytes<T>(file: u32, f: impl FnOnce() -> T) -> T {
    with_raw_bytes(source(file).is_some_and(|s| s.raw_bytes), f)
}

/// Runs `f` with [`literal_bytes`] restoring raw bytes if `raw`.
pub(crate) fn with_raw_bytes<T>(raw: bool, f: impl FnOnce() -> T) -> T {
    let saved = RAW_BYTES.replace(raw);
    let out = f();
    RAW_BYTES.set(saved);
    out
}

/// Registers a source file whose text stands for raw bytes where
/// `raw_bytes` says so (see [`decode_source`]); returns its id.
pub fn add_source_bytes(name: String, path: Option<PathBuf>, text: &str, raw_bytes: bool) -> u32 {
    let file = SourceFile {
        name,
        path,
        text: text.into(),
        line_starts: line_starts_of(text),
        raw_bytes,
    };
    crate::state::with_current(|ctx| {
        let mut s = ctx.sources.borrow_mut();
        s.push(Rc::new(file));
        (s.len() - 1) as u32
    })
}

/// Offsets where lines start. A line ends at `\n`, `\r\n` or a lone `\r`,
/// as C++ Nix's lexer counts them.
fn line_starts_of(text: &str) -> Vec<u32> {
    let bytes = text.as_bytes();
    let mut line_starts = vec![0u32];
    let mut i = 0;
    loop {
        i += memchr::memchr2(b'\n', b'\r', &bytes[i..]).unwrap_or(bytes.len() - i);
        let Some(&b) = bytes.get(i) else {
            break;
        };
        if b == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
            line_starts.push(i as u32 + 1);
        }
        i += 1;
    }
    line_starts
}

/// Registers a source file and returns its id.
pub fn add_source(name: String, path: Option<PathBuf>, text: &str) -> u32 {
    add_source_bytes(name, path, text, false)
}

/// Replaces a registered file's text (keeping its name and path).
fn replace_source_text(id: u32, text: &str) {
    let Some(old) = source(id) else { return };
    let line_starts = line_starts_of(text);
    let file = SourceFile {
        name: old.name.clone(),
        path: old.path.clone(),
        text: text.into(),
        line_starts,
        raw_bytes: old.raw_bytes,
    };
    crate::state::with_current(|ctx| {
        if let Some(slot) = ctx.sources.borrow_mut().get_mut(id as usize) {
            *slot = Rc::new(file);
        }
    });
}

/// The source file with this id.
pub fn source(id: u32) -> Option<Rc<SourceFile>> {
    crate::state::with_current(|ctx| ctx.source(id))
}

/// A compact handle for a span (4 bytes), used where many are stored:
/// every attribute of every set carries one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Pos(u32);

impl Pos {
    /// No position (values made by builtins).
    pub const NONE: Pos = Pos(0);

    /// Registers `span` (done at compile time, once per source location).
    pub fn new(span: Span) -> Pos {
        if !span.is_some() {
            return Pos::NONE;
        }
        crate::state::with_current(|ctx| {
            let mut p = ctx.positions.borrow_mut();
            p.push(span);
            Pos((p.len() - 1) as u32)
        })
    }

    /// How many positions are registered: a mark to [`Pos::forget_since`].
    pub(crate) fn registered() -> usize {
        crate::state::with_current(|ctx| ctx.positions.borrow().len())
    }

    /// Forgets the positions registered since `mark` (from
    /// [`Pos::registered`]): the values that held them are gone.
    pub(crate) fn forget_since(mark: usize) {
        crate::state::with_current(|ctx| ctx.positions.borrow_mut().truncate(mark.max(1)));
    }

    /// The span this handle stands for.
    pub fn span(self) -> Span {
        crate::state::with_current(|ctx| {
            ctx.positions
                .borrow()
                .get(self.0 as usize)
                .copied()
                .unwrap_or(Span::NONE)
        })
    }
}

/// A resolved location: file name, line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file name.
    pub file: String,
    /// The file's path, if it is a file.
    pub path: Option<PathBuf>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in bytes, like C++ Nix).
    pub column: u32,
}

/// The `{ file; line; column; }` of a span as `__curPos` and
/// `unsafeGetAttrPos` report it.
pub fn nix_pos(span: Span) -> Option<(String, u32, u32)> {
    if !span.is_some() {
        return None;
    }
    let f = source(span.file)?;
    let (line, column) = f.line_col(span.start);
    Some((f.pos_file(), line, column))
}

/// Resolves a span's start to file, line and column.
pub fn locate(span: Span) -> Option<Location> {
    locate_in(&crate::state::current(), span)
}

/// Resolves a span of the evaluation whose context is `ctx`.
pub fn locate_in(ctx: &crate::state::Context, span: Span) -> Option<Location> {
    if !span.is_some() {
        return None;
    }
    let f = ctx.source(span.file)?;
    let (line, column) = f.line_col(span.start);
    Some(Location {
        file: f.name.clone(),
        path: f.path.clone(),
        line,
        column,
    })
}

/// The host stack parsing `text` (and walking or dropping its syntax tree)
/// may need: an upper bound from its size for small texts, else from its
/// nesting. For texts that parse, [`parse_with`] has refused deeper ones.
pub fn stack_for(text: &str) -> usize {
    if text.len() <= 16 * 1024 {
        return nesting::stack_needed(text.len());
    }
    nesting::stack_needed(nesting::levels(text).unwrap_or(nesting::MAX_NESTING))
}

/// Parses `text` (registered as `file`) and passes the expression to `f`,
/// returning every parse error instead if there are any.
///
/// The parser, `f` (typically the compiler) and the syntax tree's drop run
/// on a host stack sized for the text's nesting (see [`nesting`]), so deep
/// input cannot overflow the stack; input nested beyond
/// [`nesting::MAX_NESTING`] is refused with an error at the place where it
/// got too deep.
pub fn parse_with<R>(
    file: u32,
    text: &str,
    f: impl FnOnce(&rnix::ast::Expr) -> R,
) -> Result<R, Vec<Error>> {
    parse_folding_with(file, text, NoFold, |e, _| f(e))
}

/// [`parse_with`], folding literals made only of literals into `fold` as
/// they are parsed (see [`fold`]); `f` gets the tree and `fold`.
pub(crate) fn parse_folding_with<R, F: Fold>(
    file: u32,
    text: &str,
    mut fold: F,
    f: impl FnOnce(&rnix::ast::Expr, F) -> R,
) -> Result<R, Vec<Error>> {
    if let Err(kind) = room::check_tree_room(text) {
        let span = Span {
            file,
            start: 0,
            end: 0,
        };
        return Err(vec![Error::new(kind, span)]);
    }
    // A text cannot nest deeper than it has bytes: small texts skip the scan.
    let bound = nesting::stack_needed(text.len());
    let needed = if stacker::remaining_stack().is_some_and(|left| left > bound) {
        bound
    } else {
        match nesting::levels(text) {
            Ok(levels) => nesting::stack_needed(levels),
            Err(e) => {
                let span = Span {
                    file,
                    start: e.offset,
                    end: e.offset,
                };
                return Err(vec![Error::new(
                    ErrorKind::ParseError(format!(
                        "expression is nested too deeply (more than {} levels)",
                        nesting::MAX_NESTING
                    )),
                    span,
                )]);
            }
        }
    };
    stacker::maybe_grow(needed, needed, || {
        let expr = parse(file, text, &mut fold)?;
        Ok(f(&expr, fold))
    })
}

/// rnix takes `a/b ${x}` (space or comment before the `${`) as one path
/// and then panics when asked for its parts; for C++ Nix's lexer the path
/// ends at the space and `${` is a token no expression may be followed by.
/// The syntax error it reports there, in the words our other errors use:
/// the text is parsed again with a `,` (also a token nothing is followed by
/// there) in place of the `$`, whose error names what bison expected.
fn spaced_path_interpolation(top: &rnix::SyntaxNode, file: u32, text: &str) -> Option<Error> {
    use rnix::SyntaxKind as K;
    use walk::{raw, Visit};
    let paths = [
        raw(K::NODE_PATH_ABS),
        raw(K::NODE_PATH_REL),
        raw(K::NODE_PATH_HOME),
        raw(K::NODE_PATH_SEARCH),
    ];
    let (whitespace, comment, interpol) = (
        raw(K::TOKEN_WHITESPACE),
        raw(K::TOKEN_COMMENT),
        raw(K::NODE_INTERPOL),
    );
    let mut at = None;
    // The start of the path whose children included trivia last.
    let mut trivia_in = None;
    walk::walk(
        top.green(),
        top.text_range().start().into(),
        |visit, frames| {
            let Some(parent) = frames.last().filter(|f| paths.contains(&f.kind)) else {
                return std::ops::ControlFlow::Continue(());
            };
            match visit {
                Visit::Token(kind, _) if kind == whitespace || kind == comment => {
                    trivia_in = Some(parent.start);
                }
                Visit::Node(n, offset)
                    if n.kind() == interpol && trivia_in == Some(parent.start) =>
                {
                    at = Some(offset);
                    return std::ops::ControlFlow::Break(());
                }
                _ => {}
            }
            std::ops::ControlFlow::Continue(())
        },
    );
    let at = at?;
    let span = Span {
        file,
        start: at,
        end: at + 2,
    };
    let mut probe = text.to_string();
    probe.replace_range(at as usize..at as usize + 1, ",");
    let reparsed = rnix::Root::parse(&probe);
    let message = reparsed
        .errors()
        .first()
        .map(|e| messages::parse_error(file, &probe, e))
        .filter(|e| e.span.start == at)
        .and_then(|e| match e.kind {
            ErrorKind::ParseError(m) => {
                Some(m.replacen("unexpected ','", "unexpected DOLLAR_CURLY", 1))
            }
            _ => None,
        })
        .unwrap_or_else(|| "syntax error, unexpected DOLLAR_CURLY".to_string());
    Some(Error::new(ErrorKind::ParseError(message), span))
}

/// rnix accepts an indented string (`''x''`) as an attribute name; C++
/// Nix's grammar does not. The syntax error it reports for the first one.
fn indented_string_attr_name(top: &rnix::SyntaxNode, file: u32) -> Option<Error> {
    use rnix::SyntaxKind as K;
    use walk::{raw, Visit};
    let (string, attrpath, binding, inherit) = (
        raw(K::NODE_STRING),
        raw(K::NODE_ATTRPATH),
        raw(K::NODE_ATTRPATH_VALUE),
        raw(K::NODE_INHERIT),
    );
    let green = top.green();
    let mut found = None;
    walk::walk(green, top.text_range().start().into(), |visit, frames| {
        let Visit::Node(n, offset) = visit else {
            return std::ops::ControlFlow::Continue(());
        };
        let indented = n.kind() == string
            && n.children()
                .next()
                .and_then(|c| c.into_token())
                .is_some_and(|t| t.text() == "''");
        let Some(parent) = frames.last().filter(|_| indented) else {
            return std::ops::ControlFlow::Continue(());
        };
        let at_binding_start = if parent.kind == inherit {
            true
        } else if parent.kind == attrpath {
            let grandparent = frames.len().checked_sub(2).and_then(|i| frames.get(i));
            parent.nodes_before == 0 && grandparent.is_some_and(|g| g.kind == binding)
        } else {
            return std::ops::ControlFlow::Continue(());
        };
        let message = if at_binding_start {
            "syntax error, unexpected IND_STRING_OPEN".to_string()
        } else {
            "syntax error, unexpected IND_STRING_OPEN, expecting ID or OR_KW or DOLLAR_CURLY or '\"'"
                .to_string()
        };
        found = Some(Error::new(
            ErrorKind::ParseError(message),
            Span {
                file,
                start: offset,
                end: offset + 2,
            },
        ));
        std::ops::ControlFlow::Break(())
    });
    found
}

/// Current Nix refuses string literals containing NUL bytes (its strings
/// cannot hold them): the error names the literal's text up to the next
/// interpolation, with each NUL shown as `␀`.
fn check_no_nul_in_strings(root: &rnix::SyntaxNode, file: u32) -> Result<(), Vec<Error>> {
    let found = root
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .find(|t| t.kind() == rnix::SyntaxKind::TOKEN_STRING_CONTENT && t.text().contains('\0'));
    let Some(token) = found else {
        return Ok(());
    };
    let in_indented = token
        .parent()
        .and_then(|p| p.first_token())
        .is_some_and(|t| t.text() == "''");
    let text = token.text();
    let mut skipped = 0;
    // A "…" literal's escapes are resolved first; a ''…'' one is shown raw.
    let shown = if in_indented {
        // C++ Nix's lexer takes spaces and a newline right after `''` as
        // part of the opening quote.
        let opens = token.prev_token().is_some_and(|t| t.text() == "''");
        let rest = text.trim_start_matches(' ');
        match rest.strip_prefix('\n') {
            Some(after) if opens => {
                skipped = (text.len() - after.len()) as u32;
                after.to_string()
            }
            _ => text.to_string(),
        }
    } else {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            match (c, c == '\\') {
                (_, true) => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('r') => out.push('\r'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => {}
                },
                (c, false) => out.push(c),
            }
        }
        out
    };
    let start = u32::from(token.text_range().start()) + skipped;
    Err(vec![Error::new(
        ErrorKind::Eval(format!(
            "input string '{}' cannot be represented as Nix string because it contains null bytes",
            shown.replace('\0', "␀")
        )),
        Span {
            file,
            start,
            end: u32::from(token.text_range().end()),
        },
    )])
}

/// Whether `text` has a NUL byte (searched with memchr's vectorised scan:
/// whole files are searched).
fn has_nul(text: &str) -> bool {
    memchr::memchr(0, text.as_bytes()).is_some()
}

/// Parses `text` (registered as `file`), returning every parse error. The
/// caller's stack must fit the text's nesting: use [`parse_with`].
fn parse(file: u32, text: &str, fold: &mut dyn Fold) -> Result<rnix::ast::Expr, Vec<Error>> {
    let adjusted = lex_like_cpp_nix(text);
    let text = match &adjusted {
        Some(t) => {
            // Only insertions move offsets; then the registered text must match.
            if t.len() != text.len() {
                replace_source_text(file, t);
            }
            t.as_str()
        }
        None => text,
    };
    // Well-formed text takes the faster parser; anything else goes to rnix,
    // whose errors are reported (the trees are the same).
    // The fast parser interns names as it reads them (in source order, as
    // `intern_in_source_order` does after rnix's parse).
    // Strings are checked for NUL bytes in the tree, where folded literals
    // would hide them.
    let fold: &mut dyn Fold = if has_nul(text) { &mut NoFold } else { fold };
    let fast = with_file_bytes(file, || fastparse::parse_folding(text, fold));
    let interned = fast.is_some();
    // Under the fuzzer, every text checks that the two parsers agree.
    #[cfg(fuzzing)]
    {
        assert!(
            lexer::tokenize(text).eq(rnix::tokenize(text)),
            "tokenizers differ: {text:?}"
        );
        let parsed = rnix::Root::parse(text);
        if parsed.errors().is_empty() {
            if let Some(ours) = &fastparse::parse(text) {
                assert_eq!(
                    **ours,
                    *parsed.syntax().green(),
                    "fast parser differs: {text:?}"
                );
            }
        } else {
            assert!(fast.is_none(), "fast parser accepted an error: {text:?}");
        }
    }
    let (syntax, parse_errors) = match fast {
        Some(green) => (rnix::SyntaxNode::new_root(green), Vec::new()),
        None => {
            let parsed = rnix::Root::parse(text);
            (parsed.syntax(), parsed.errors().to_vec())
        }
    };
    let mut errors: Vec<Error> = parse_errors
        .iter()
        .map(|e| messages::parse_error(file, text, e))
        .collect();
    if memchr::memmem::find(text.as_bytes(), b"''").is_some() {
        if let Some(e) = indented_string_attr_name(&syntax, file) {
            // It is where C++ Nix's parser stops, unless something before it
            // stopped rnix already.
            if errors
                .first()
                .is_none_or(|first| first.span.start >= e.span.start)
            {
                return Err(vec![e]);
            }
        }
    }
    if errors.is_empty() && memchr::memmem::find(text.as_bytes(), b"${").is_some() {
        if let Some(e) = spaced_path_interpolation(&syntax, file, text) {
            return Err(vec![e]);
        }
    }
    if !errors.is_empty() {
        if parse_errors
            .iter()
            .any(|e| matches!(e, rnix::ParseError::RecursionLimitExceeded))
        {
            // rnix stops at 512 nested expressions and skips the rest of
            // the input in one error node: point at where that began.
            let skipped = syntax
                .descendants()
                .filter(|n| n.kind() == rnix::SyntaxKind::NODE_ERROR)
                .last();
            if let Some(node) = skipped {
                let start = u32::from(node.text_range().start());
                errors.insert(
                    0,
                    Error::new(
                        ErrorKind::ParseError(
                            "expression is nested too deeply (this parser allows 512 levels \
                             of parentheses, sets, let, if, with, assert and functions)"
                                .into(),
                        ),
                        Span {
                            file,
                            start,
                            end: start,
                        },
                    ),
                );
            }
        }
        return Err(errors);
    }
    let Some(root) = rnix::Root::cast(syntax) else {
        return Err(vec![Error::new(
            ErrorKind::ParseError("internal error: the syntax tree has no root".into()),
            Span {
                file,
                start: 0,
                end: 0,
            },
        )]);
    };
    if has_nul(text) {
        check_no_nul_in_strings(root.syntax(), file)?;
    }
    if !interned {
        with_file_bytes(file, || intern_in_source_order(root.syntax()));
    }
    match root.expr() {
        Some(e) => Ok(e),
        None => Err(vec![Error::new(
            ErrorKind::ParseError("syntax error, unexpected end of file".into()),
            Span {
                file,
                start: 0,
                end: 0,
            },
        )]),
    }
}

/// Interns the identifiers and static attribute names of a parsed file in
/// the order they are written, which is the order C++ Nix's parser creates
/// its symbols in (and so the order it keeps a set's attributes in).
fn intern_in_source_order(root: &rnix::SyntaxNode) {
    use rnix::SyntaxKind as K;
    use walk::{raw, Visit};
    let (ident, string, dynamic, attrpath) = (
        raw(K::TOKEN_IDENT),
        raw(K::NODE_STRING),
        raw(K::NODE_DYNAMIC),
        raw(K::NODE_ATTRPATH),
    );
    let green = root.green();
    walk::walk(green, root.text_range().start().into(), |visit, frames| {
        match visit {
            Visit::Token(kind, text) if kind == ident => {
                crate::value::Symbol::from_str(text);
            }
            Visit::Node(n, _)
                if (n.kind() == string || n.kind() == dynamic)
                    && frames.last().is_some_and(|f| f.kind == attrpath) =>
            {
                intern_attr_node(n.to_owned());
            }
            _ => {}
        }
        std::ops::ControlFlow::Continue(())
    });
}

/// Interns a quoted or interpolated attribute name (its node), if static.
fn intern_attr_node(node: rowan::GreenNode) {
    if let Some(attr) = rnix::ast::Attr::cast(rnix::SyntaxNode::new_root(node)) {
        crate::compiler::static_attr_name(&attr);
    }
}

/// Parses `text` and prints it back the way `nix-instantiate --parse` does.
pub fn parse_to_string(text: &str) -> Result<String, Error> {
    let file = add_source("«string»".into(), None, text);
    match parse(file, text, &mut NoFold) {
        Ok(e) => Ok(crate::compiler::show(
            &e,
            &std::env::current_dir().unwrap_or_default(),
        )),
        Err(mut errs) => Err(errs.remove(0)),
    }
}

/// Every readable file of the language corpus (`tests/lang`) with its
/// text, for the tests that check the parsers and compiler over all of it.
#[cfg(test)]
pub(crate) fn corpus_texts() -> Vec<(PathBuf, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lang");
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let path = entry.path();
            let text = std::fs::read_to_string(&path).ok()?;
            Some((path, text))
        })
        .collect()
}
