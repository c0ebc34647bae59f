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
/// `or`. Each is a complete message, as current Nix prints it. Only the
/// places where the word `or` occurs are looked at, so files without such
/// uses cost one scan of their text.
pub fn cursed_or(root: &rnix::SyntaxNode, src: &str, file: u32) -> Vec<String> {
    use rnix::SyntaxKind::{NODE_APPLY, NODE_IDENT, NODE_LIST, NODE_SELECT, TOKEN_IDENT, TOKEN_OR};
    let mut found = Vec::new();
    // The whole tree (`root` may be the expression inside it).
    let top = root.ancestors().last().unwrap_or_else(|| root.clone());
    let bytes = src.as_bytes();
    let is_ident_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'\'' || b == b'-';
    let mut from = 0;
    while let Some(i) = src[from..].find("or").map(|i| i + from) {
        from = i + 2;
        let before = i.checked_sub(1).map(|j| bytes[j]);
        let after = bytes.get(i + 2).copied();
        if before.is_some_and(is_ident_byte) || after.is_some_and(is_ident_byte) {
            continue;
        }
        let Ok(offset) = u32::try_from(i) else {
            break;
        };
        let Some(token) = super::token_covering(&top, offset, 2) else {
            continue;
        };
        if token.kind() != TOKEN_IDENT || token.text() != "or" {
            continue;
        }
        // `x or`: an application whose argument is the identifier `or`.
        let Some(ident) = token.parent().filter(|n| n.kind() == NODE_IDENT) else {
            continue;
        };
        let Some(call) = ident.parent().filter(|n| n.kind() == NODE_APPLY) else {
            continue;
        };
        if call.last_child().as_ref() != Some(&ident) {
            continue;
        }
        let Some(parent) = call.parent() else {
            continue;
        };
        let cursed = match parent.kind() {
            // The argument of an application (not its function: `map or []`).
            NODE_APPLY => parent.last_child().as_ref() == Some(&call),
            NODE_LIST => true,
            // The default of `a.b or …`.
            NODE_SELECT => call
                .siblings_with_tokens(rowan::Direction::Prev)
                .any(|t| t.kind() == TOKEN_OR),
            _ => false,
        };
        if !cursed {
            continue;
        }
        let range = call.text_range();
        let span = Span {
            file,
            start: range.start().into(),
            end: range.end().into(),
        };
        let pos = match super::locate(span) {
            Some(loc) => format!("{}:{}:{}", loc.file, loc.line, loc.column),
            None => "«unknown»".into(),
        };
        let snippet = &src[usize::from(range.start())..usize::from(range.end())];
        found.push(format!(
            "warning: at {pos}: This expression uses `or` as an identifier in a way that will change in a future Nix release.\nWrap this entire expression in parentheses to preserve its current meaning:\n    ({snippet})\nGive feedback at https://github.com/NixOS/nix/pull/11121"
        ));
    }
    found
}
