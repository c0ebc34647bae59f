//! Where rnix's lexer and C++ Nix's disagree: the text is adjusted before
//! parsing (see [`lex_like_cpp_nix`]), after a byte scan that decides
//! whether anything can need it.

use super::scan::{comment_end, in_string, skip_until, string_text, InString};

/// Adjusts the text where rnix's lexer differs from C++ Nix's, or returns
/// `None` if nothing needs adjusting:
/// - A lone carriage return is a line break for C++ Nix (it ends a `#`
///   comment and counts as a new line); outside strings it becomes `\n`,
///   which keeps every offset.
/// - A float whose exponent has no digits (`1.5e`, `2.E+x`) is the float
///   without it followed by an identifier (`1.5 e`, `2. E+x`); rnix rejects
///   it, so a space is inserted (positions later on that line then shift by
///   one column).
pub(super) fn lex_like_cpp_nix(text: &str) -> Option<String> {
    if !needs_lexing_fixes(text.as_bytes()) {
        return None;
    }
    let mut cuts = Vec::new();
    let mut line_breaks = Vec::new();
    let mut offset = 0usize;
    // The project's tokenizer gives exactly rnix's tokens, faster.
    for (kind, tok) in super::lexer::tokenize(text) {
        if matches!(
            kind,
            rnix::SyntaxKind::TOKEN_COMMENT | rnix::SyntaxKind::TOKEN_WHITESPACE
        ) {
            let bytes = tok.as_bytes();
            for (i, b) in bytes.iter().enumerate() {
                if *b == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
                    line_breaks.push(offset + i);
                }
            }
        }
        if kind == rnix::SyntaxKind::TOKEN_ERROR {
            let bytes = tok.as_bytes();
            let mantissa = bytes
                .iter()
                .position(|b| *b == b'e' || *b == b'E')
                .unwrap_or(bytes.len());
            let (m, rest) = bytes.split_at(mantissa);
            let is_mantissa = m.iter().filter(|b| **b == b'.').count() == 1
                && m.iter().all(|b| b.is_ascii_digit() || *b == b'.')
                && m.iter().any(|b| b.is_ascii_digit());
            let is_dangling = matches!(rest, [b'e' | b'E'] | [b'e' | b'E', b'+' | b'-']);
            if is_mantissa && is_dangling {
                cuts.push(offset + mantissa);
            }
        }
        offset += tok.len();
    }
    if cuts.is_empty() && line_breaks.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for at in line_breaks {
        bytes[at] = b'\n';
    }
    // Only ASCII bytes were replaced, so this is still UTF-8.
    let text = String::from_utf8(bytes).ok()?;
    let text = text.as_str();
    let mut out = String::with_capacity(text.len() + cuts.len());
    let mut last = 0;
    for cut in cuts {
        out.push_str(text.get(last..cut)?);
        out.push(' ');
        last = cut;
    }
    out.push_str(text.get(last..)?);
    Some(out)
}

/// The bytes the scan for lexing differences stops at in code: string and
/// comment starts, braces and exponent letters (a table, rather than eight
/// comparisons per byte of the file).
static MATTERS: [bool; 256] = {
    let mut table = [false; 256];
    let special = *b"\"'#/{}eE";
    let mut k = 0;
    while k < special.len() {
        table[special[k] as usize] = true;
        k += 1;
    }
    table
};

/// Whether [`lex_like_cpp_nix`] could change anything: the text has a
/// carriage return, or, in code (not inside a string or comment), an
/// `e`/`E` after a digit or `.` that no exponent digit follows. A byte scan,
/// so most files skip the extra tokenizing, hashes in strings included.
fn needs_lexing_fixes(b: &[u8]) -> bool {
    if memchr::memchr(b'\r', b).is_some() {
        return true;
    }
    enum Ctx {
        Code { braces: u32 },
        Str,
        IndStr,
    }
    let dangling_exponent = |i: usize| {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        !b.get(j).is_some_and(u8::is_ascii_digit)
    };
    let mut stack = vec![Ctx::Code { braces: 0 }];
    let mut i = 0;
    loop {
        // Skip the bytes that cannot matter where the scan is: most of a
        // file, in a tight loop.
        i += match stack.last() {
            Some(Ctx::Str) => string_text(b, i, false),
            Some(Ctx::IndStr) => string_text(b, i, true),
            _ => skip_until(b.get(i..).unwrap_or(&[]), |c| MATTERS[usize::from(c)]),
        };
        let Some(&c) = b.get(i) else {
            break;
        };
        let next = b.get(i + 1).copied();
        let nested = stack.len() > 1;
        let Some(ctx) = stack.last_mut() else {
            return true;
        };
        match ctx {
            Ctx::Code { braces } => match c {
                b'"' => stack.push(Ctx::Str),
                b'\'' if next == Some(b'\'') && !super::scan::after_word(b, i) => {
                    stack.push(Ctx::IndStr);
                    i += 1;
                }
                b'#' | b'/' if c == b'#' || next == Some(b'*') => i = comment_end(b, i),
                b'{' => *braces += 1,
                // The end of an interpolation (a stray brace is the parser's to report).
                b'}' if *braces == 0 && nested => {
                    stack.pop();
                }
                b'}' if *braces == 0 => {}
                b'}' => *braces -= 1,
                // A mantissa has a digit and at most one dot, so the byte
                // before the `e` is a digit or a dot after one (`lib.elem`
                // is a selection, not a float).
                b'e' | b'E'
                    if i > 0
                        && (b[i - 1].is_ascii_digit()
                            || (b[i - 1] == b'.' && i > 1 && b[i - 2].is_ascii_digit()))
                        && dangling_exponent(i) =>
                {
                    return true
                }
                _ => {}
            },
            Ctx::Str | Ctx::IndStr => match in_string(b, i, matches!(ctx, Ctx::IndStr)) {
                InString::Text(n) => i += n,
                InString::Interpolation(n) => {
                    stack.push(Ctx::Code { braces: 0 });
                    i += n;
                }
                InString::End(n) => {
                    stack.pop();
                    i += n;
                }
            },
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::needs_lexing_fixes;

    #[test]
    fn lexing_fixes_are_needed_only_for_code() {
        let needs = |s: &str| needs_lexing_fixes(s.as_bytes());
        assert!(needs("1.5e"));
        assert!(needs("[ 1.5e+ ]"));
        assert!(needs("\"${1.5e}\""));
        assert!(needs("''${ { a = 1.5e; }.a }''"));
        assert!(needs("x'' + 1.5e"));
        assert!(needs("\"$${\" + 1.5e"));
        assert!(needs("a\rb"));
        assert!(!needs("\"1.5e\""));
        assert!(!needs("{ sha256 = \"0e\"; hash = ''4e''; }"));
        assert!(!needs("''a''' 1.5e''"));
        assert!(!needs("''a''${ 1.5e''"));
        assert!(!needs("\"\\\"1.5e\""));
        assert!(!needs("# 1.5e\n1"));
        assert!(!needs("/* 1.5e */ 1"));
        assert!(!needs("1.5e3 + 2E-1"));
        assert!(needs("[ 1.e 2 ]"));
        assert!(needs("x.5e"));
        assert!(!needs("lib.elem x [ builtins.elemAt ]"));
        assert!(!needs("{ a.enable = 1.0; }.a.Enable"));
        // Found by fuzzing: scans ending inside an escape or a comment ran
        // past the end of the text.
        let edges = [
            r#""a\"#,
            "# no newline",
            "/* open",
            "''a''",
            "''a'''",
            "x ''",
            r#""$"#,
            "''$",
            r#""\"#,
            r"''a''\",
        ];
        for text in edges {
            let _ = needs(text);
            let _ = crate::syntax::nesting::quick_bound(text);
        }
    }
}
