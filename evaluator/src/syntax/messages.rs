//! Syntax errors in the words C++ Nix's bison parser uses: what was found,
//! what was expected, and where, from rnix's errors.

use super::Span;
use crate::errors::{Error, ErrorKind};

pub(super) fn parse_error(file: u32, text: &str, e: &rnix::ParseError) -> Error {
    use rnix::ParseError as P;
    let end = text.len() as u32;
    let eof = Span {
        file,
        start: end,
        end,
    };
    let slice = |r: &rnix::TextRange| {
        text.get(usize::from(r.start())..usize::from(r.end()))
            .unwrap_or("")
    };
    let (msg, span) = match e {
        P::Unexpected(r) | P::UnexpectedExtra(r) => {
            let got = slice(r);
            let first = rnix::tokenize(got).find(|(k, _)| *k != rnix::SyntaxKind::TOKEN_WHITESPACE);
            let msg = match first {
                Some((rnix::SyntaxKind::TOKEN_ERROR, t)) => {
                    let m = error_token_message(text, t, &[]);
                    // After a complete expression, bison expects the end.
                    if matches!(e, P::UnexpectedExtra(_)) && m.ends_with("unexpected invalid token")
                    {
                        m + ", expecting end of file"
                    } else {
                        m
                    }
                }
                Some((k, _)) if matches!(e, P::UnexpectedExtra(_)) && !is_operator(k) => {
                    format!(
                        "syntax error, unexpected {}, expecting end of file",
                        token_name(k)
                    )
                }
                _ => format!("syntax error, unexpected {}", describe_text(got)),
            };
            (msg, Span::range(file, *r))
        }
        P::UnexpectedWanted(got, r, wanted) => {
            let span = Span::range(file, *r);
            let got_text = slice(r);
            let after_dot = text
                .get(..usize::from(r.start()))
                .is_some_and(|before| before.trim_end().ends_with('.'));
            if *got == rnix::SyntaxKind::TOKEN_ERROR {
                let m = error_token_message(text, got_text, wanted);
                match bison_expected(wanted, after_dot) {
                    Some(expected) if m.ends_with("unexpected invalid token") => {
                        (format!("{m}, expecting {expected}"), span)
                    }
                    _ => (m, span),
                }
            } else {
                (bison_message(&token_name(*got), wanted, after_dot), span)
            }
        }
        P::UnexpectedDoubleBind(r) => (bison_message("'@'", &[], false), Span::range(file, *r)),
        P::UnexpectedEOF | P::UnexpectedEOFWanted(_) if string_open_at_eof(text).is_some() => (
            format!(
                "syntax error, unexpected end of file, expecting {}",
                string_open_at_eof(text).unwrap_or_default()
            ),
            eof,
        ),
        P::UnexpectedEOF if unclosed(text, "(", ")") => (
            "syntax error, unexpected end of file, expecting ')'".into(),
            eof,
        ),
        P::UnexpectedEOF => ("syntax error, unexpected end of file".into(), eof),
        P::UnexpectedEOFWanted(wanted) => (
            bison_message("end of file", wanted, text.trim_end().ends_with('.')),
            eof,
        ),
        P::DuplicatedArgs(r, name) => (
            format!("duplicate formal function argument '{name}'"),
            Span::range(file, *r),
        ),
        P::RecursionLimitExceeded => ("expression is nested too deeply".into(), eof),
        _ => (format!("syntax error: {e}"), eof),
    };
    Error::new(ErrorKind::ParseError(msg), span)
}

/// Bison prints the expected token only when there are few alternatives;
/// rnix's lists differ from bison's, so only a single certain one is kept.
fn bison_message(got: &str, wanted: &[rnix::SyntaxKind], after_dot: bool) -> String {
    match bison_expected(wanted, after_dot) {
        Some(expected) => format!("syntax error, unexpected {got}, expecting {expected}"),
        None => format!("syntax error, unexpected {got}"),
    }
}

/// What bison lists as expected where rnix wanted `wanted`: a single token,
/// or the two contexts inside attribute paths whose lists differ from rnix's
/// (`after_dot`: the unexpected token follows a `.`).
fn bison_expected(wanted: &[rnix::SyntaxKind], after_dot: bool) -> Option<String> {
    use rnix::SyntaxKind as K;
    match wanted {
        // After a name in a binding: the path may go on, or the value follows.
        [K::TOKEN_ASSIGN] => Some("'.' or '='".into()),
        // After a `.` in an attribute path.
        [K::TOKEN_IDENT, K::TOKEN_OR, K::TOKEN_CUR_POS] if after_dot => {
            Some("ID or OR_KW or DOLLAR_CURLY or '\"'".into())
        }
        [K::TOKEN_IDENT, K::TOKEN_OR, K::TOKEN_CUR_POS] => None,
        [one] => Some(token_name(*one)),
        _ => None,
    }
}

/// If the text ends inside a string, what bison expects next there:
/// `'"'` for a `"…"` string, the indented-string tokens for `''…''`.
fn string_open_at_eof(text: &str) -> Option<&'static str> {
    use rnix::SyntaxKind as K;
    // What is open, innermost last: a string (`Some(indented)`) or an interpolation (`None`).
    let mut open: Vec<Option<bool>> = Vec::new();
    for (kind, tok) in rnix::tokenize(text) {
        match kind {
            K::TOKEN_STRING_START => open.push(Some(tok.starts_with("''"))),
            K::TOKEN_INTERPOL_START => open.push(None),
            K::TOKEN_STRING_END | K::TOKEN_INTERPOL_END => {
                open.pop();
            }
            _ => {}
        }
    }
    match open.last() {
        Some(Some(true)) => Some("IND_STR or DOLLAR_CURLY or IND_STRING_CLOSE"),
        Some(Some(false)) => Some("'\"'"),
        _ => None,
    }
}

/// Whether `open` occurs more often than `close` (an unclosed bracket at the end).
fn unclosed(source: &str, open: &str, close: &str) -> bool {
    source.matches(open).count() > source.matches(close).count()
}

/// Binary operators: bison lists no expected tokens after them.
fn is_operator(k: rnix::SyntaxKind) -> bool {
    use rnix::SyntaxKind as K;
    matches!(
        k,
        K::TOKEN_EQUAL
            | K::TOKEN_NOT_EQUAL
            | K::TOKEN_LESS
            | K::TOKEN_LESS_OR_EQ
            | K::TOKEN_MORE
            | K::TOKEN_MORE_OR_EQ
    )
}

/// Messages for text the lexer could not tokenize (unclosed strings, bad paths).
fn error_token_message(source: &str, text: &str, wanted: &[rnix::SyntaxKind]) -> String {
    use rnix::SyntaxKind as K;
    // An odd number of `''` means an indented string is still open.
    let indented = source.matches("''").count() % 2 == 1;
    if wanted.contains(&K::TOKEN_STRING_END) || text.starts_with('"') || text.starts_with("''") {
        let quote = if indented || text.starts_with("''") {
            "IND_STR or DOLLAR_CURLY or IND_STRING_CLOSE"
        } else {
            "'\"'"
        };
        return format!("syntax error, unexpected end of file, expecting {quote}");
    }
    if text.contains('/') {
        if text.ends_with('/') {
            return "path has a trailing slash".into();
        }
        if text.contains("//") {
            return "syntax error, unexpected PATH_END, expecting DOLLAR_CURLY".into();
        }
    }
    format!("syntax error, unexpected {}", describe_text(text))
}

fn describe_text(t: &str) -> String {
    let kinds: Vec<_> = rnix::tokenize(t)
        .filter(|(k, _)| *k != rnix::SyntaxKind::TOKEN_WHITESPACE)
        .collect();
    match kinds.first() {
        Some((k, _)) => token_name(*k),
        None => "end of file".into(),
    }
}

/// The names C++ Nix's bison grammar gives tokens.
fn token_name(k: rnix::SyntaxKind) -> String {
    use rnix::SyntaxKind as K;
    let s = match k {
        K::TOKEN_IDENT => "ID",
        K::TOKEN_OR => "OR_KW",
        K::TOKEN_IF => "IF",
        K::TOKEN_THEN => "THEN",
        K::TOKEN_ELSE => "ELSE",
        K::TOKEN_ASSERT => "ASSERT",
        K::TOKEN_WITH => "WITH",
        K::TOKEN_LET => "LET",
        K::TOKEN_IN => "IN",
        K::TOKEN_REC => "REC",
        K::TOKEN_INHERIT => "INHERIT",
        K::TOKEN_INTEGER => "INT",
        K::TOKEN_FLOAT => "FLOAT",
        K::TOKEN_URI => "URI",
        K::TOKEN_PATH_ABS | K::TOKEN_PATH_REL => "PATH",
        K::TOKEN_PATH_HOME => "HPATH",
        K::TOKEN_PATH_SEARCH => "SPATH",
        K::TOKEN_ELLIPSIS => "ELLIPSIS",
        K::TOKEN_EQUAL => "EQ",
        K::TOKEN_NOT_EQUAL => "NEQ",
        K::TOKEN_LESS_OR_EQ => "LEQ",
        K::TOKEN_MORE_OR_EQ => "GEQ",
        K::TOKEN_AND_AND => "AND",
        K::TOKEN_OR_OR => "OR",
        K::TOKEN_IMPLICATION => "IMPL",
        K::TOKEN_UPDATE => "UPDATE",
        K::TOKEN_CONCAT => "CONCAT",
        K::TOKEN_INTERPOL_START => "DOLLAR_CURLY",
        K::TOKEN_STRING_START | K::TOKEN_STRING_END => "'\"'",
        K::TOKEN_L_BRACE => "'{'",
        K::TOKEN_R_BRACE => "'}'",
        K::TOKEN_L_BRACK => "'['",
        K::TOKEN_R_BRACK => "']'",
        K::TOKEN_L_PAREN => "'('",
        K::TOKEN_R_PAREN => "')'",
        K::TOKEN_SEMICOLON => "';'",
        K::TOKEN_ASSIGN => "'='",
        K::TOKEN_COLON => "':'",
        K::TOKEN_COMMA => "','",
        K::TOKEN_DOT => "'.'",
        K::TOKEN_AT => "'@'",
        K::TOKEN_QUESTION => "'?'",
        K::TOKEN_SUB => "'-'",
        K::TOKEN_ADD => "'+'",
        K::TOKEN_MUL => "'*'",
        K::TOKEN_DIV => "'/'",
        K::TOKEN_INVERT => "'!'",
        K::TOKEN_LESS => "'<'",
        K::TOKEN_MORE => "'>'",
        K::TOKEN_CUR_POS => "__curPos",
        // A character no token starts with (bison's undefined token).
        K::TOKEN_ERROR => "invalid token",
        other => {
            return format!("{other:?}")
                .trim_start_matches("TOKEN_")
                .to_lowercase()
        }
    };
    s.to_string()
}
