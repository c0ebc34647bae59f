//! Current Nix's parse-time lints on literals: relative paths without `./`
//! (`lint-short-path-literals`), absolute and home paths
//! (`lint-absolute-path-literals`) and unquoted URLs (`lint-url-literals`),
//! each ignored, warned about or fatal.

use rnix::ast::{self, AstToken};
use rowan::ast::AstNode;

use super::Span;
use crate::errors::{Error, ErrorKind};

/// What a lint does when it finds its literal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Diagnose {
    /// Say nothing (the default).
    #[default]
    Ignore,
    /// Print a warning and go on.
    Warn,
    /// Refuse the file, as a parse error.
    Fatal,
}

/// The lint settings of an evaluation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lints {
    /// Relative path literals that do not start with `.` (`foo/bar`).
    pub short_path_literals: Diagnose,
    /// Absolute (`/etc/x`) and home (`~/x`) path literals.
    pub absolute_path_literals: Diagnose,
    /// Unquoted URL literals (`http://example.com`).
    pub url_literals: Diagnose,
}

impl Lints {
    /// Whether every lint is off (nothing to scan for).
    pub fn all_ignored(&self) -> bool {
        *self == Lints::default()
    }
}

/// A warning found while checking a file, with the literal's span.
#[derive(Clone, Debug)]
pub struct Warning {
    /// The message, ending in the setting's name in parentheses.
    pub message: String,
    /// Where the literal is.
    pub span: Span,
}

/// Checks every literal of the file whose syntax tree is `root` (registered
/// as `file`): the warnings found, in source order, or the first fatal one
/// as an error. Unevaluated code is checked too, as the parser does.
pub fn check(root: &rnix::SyntaxNode, file: u32, lints: &Lints) -> Result<Vec<Warning>, Error> {
    let mut warnings = Vec::new();
    if lints.all_ignored() {
        return Ok(warnings);
    }
    // `descendants` walks the tree iteratively: deep input is no problem.
    for node in root.descendants() {
        let Some(expr) = ast::Expr::cast(node) else {
            continue;
        };
        let found = match &expr {
            ast::Expr::PathAbs(p) => first_literal(p.parts()).map(|text| {
                (
                    lints.absolute_path_literals,
                    "lint-absolute-path-literals",
                    format!(
                        "absolute path literals are not portable. Consider replacing path literal '{text}' by a string, relative path, or parameter"
                    ),
                )
            }),
            ast::Expr::PathHome(p) => first_literal(p.parts()).map(|text| {
                (
                    lints.absolute_path_literals,
                    "lint-absolute-path-literals",
                    format!(
                        "home path literals are not portable. Consider replacing path literal '{text}' by a string, relative path, or parameter"
                    ),
                )
            }),
            ast::Expr::PathRel(p) => first_literal(p.parts())
                .filter(|text| !text.starts_with('.'))
                .map(|text| {
                    (
                        lints.short_path_literals,
                        "lint-short-path-literals",
                        format!(
                            "relative path literal '{text}' should be prefixed with '.' for clarity: './{text}'"
                        ),
                    )
                }),
            ast::Expr::Literal(l) => match l.kind() {
                ast::LiteralKind::Uri(u) => {
                    let fatal = lints.url_literals == Diagnose::Fatal;
                    Some((
                        lints.url_literals,
                        "lint-url-literals",
                        format!(
                            "URL literals are {}. Consider using a string literal \"{}\" instead",
                            if fatal { "disallowed" } else { "discouraged" },
                            u.syntax().text()
                        ),
                    ))
                }
                _ => None,
            },
            _ => None,
        };
        let Some((level, setting, message)) = found else {
            continue;
        };
        let range = expr.syntax().text_range();
        let span = Span {
            file,
            start: range.start().into(),
            end: range.end().into(),
        };
        let message = format!("{message} ({setting})");
        match level {
            Diagnose::Ignore => {}
            Diagnose::Warn => warnings.push(Warning { message, span }),
            Diagnose::Fatal => return Err(Error::new(ErrorKind::ParseError(message), span)),
        }
    }
    Ok(warnings)
}

/// The literal text a path starts with (what C++ Nix's lexer calls the
/// path's first token).
fn first_literal(parts: Vec<ast::InterpolPart<ast::PathContent>>) -> Option<String> {
    match parts.into_iter().next()? {
        ast::InterpolPart::Literal(l) => Some(l.text().to_string()),
        ast::InterpolPart::Interpolation(_) => None,
    }
}

/// Current Nix's warnings about `or` used as an identifier where a future
/// release will read it differently (NixOS/nix#11118): `f x or`, `[ x or ]`
/// and `a.b or x or`, where `x or` means `x` applied to a variable named
/// `or`. Each is a complete message, as current Nix prints it. Files in
/// which the word `or` does not occur are not walked.
pub fn cursed_or(root: &rnix::SyntaxNode, src: &str, file: u32) -> Vec<String> {
    use super::walk::{raw, Visit};
    use rnix::SyntaxKind as K;
    let mut found = Vec::new();
    if !has_word_or(src) {
        return found;
    }
    let (ident_token, ident, apply, list, select) = (
        raw(K::TOKEN_IDENT),
        raw(K::NODE_IDENT),
        raw(K::NODE_APPLY),
        raw(K::NODE_LIST),
        raw(K::NODE_SELECT),
    );
    let green = root.green();
    super::walk::walk(green, root.text_range().start().into(), |visit, frames| {
        let proceed = std::ops::ControlFlow::Continue(());
        let Visit::Token(kind, "or") = visit else {
            return proceed;
        };
        // `x or`: an application whose argument (its second child node) is
        // the identifier `or` …
        let [.., parent, call, var] = frames else {
            return proceed;
        };
        if kind != ident_token || var.kind != ident || call.kind != apply || call.nodes_before != 2
        {
            return proceed;
        }
        // … as the argument of another application (not its function:
        // `map or [ ]`), a list element, or the default of `a.b or …`.
        let cursed = (parent.kind == apply && parent.nodes_before == 2)
            || parent.kind == list
            || (parent.kind == select && parent.after_or);
        if !cursed {
            return proceed;
        }
        let span = Span {
            file,
            start: call.start,
            end: call.start + call.len,
        };
        let pos = match super::locate(span) {
            Some(loc) => format!("{}:{}:{}", loc.file, loc.line, loc.column),
            None => "«unknown»".into(),
        };
        let snippet = src
            .get(span.start as usize..span.end as usize)
            .unwrap_or("");
        found.push(format!(
            "warning: at {pos}: This expression uses `or` as an identifier in a way that will change in a future Nix release.\nWrap this entire expression in parentheses to preserve its current meaning:\n    ({snippet})\nGive feedback at https://github.com/NixOS/nix/pull/11121"
        ));
        proceed
    });
    found
}

/// Whether `or` occurs as a word (not inside a longer name) in `src`.
fn has_word_or(src: &str) -> bool {
    use super::scan::{after_word, is_word_byte};
    let bytes = src.as_bytes();
    memchr::memmem::find_iter(bytes, b"or")
        .any(|i| !after_word(bytes, i) && !bytes.get(i + 2).copied().is_some_and(is_word_byte))
}

/// Every parse-time diagnostic of a file, as the parser gives them: the
/// literal lints (the first fatal one is the error) and the cursed-`or`
/// warnings, each rendered and handed to `warn` in that order.
pub fn diagnose(
    root: &rnix::SyntaxNode,
    src: &str,
    file: u32,
    lints: &Lints,
    mut warn: impl FnMut(&str),
) -> Result<(), Error> {
    for w in check(root, file, lints)? {
        warn(crate::errors::render_warning(&w.message, w.span).trim_end());
    }
    for w in cursed_or(root, src, file) {
        warn(&w);
    }
    Ok(())
}
