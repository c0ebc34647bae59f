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
