//! How deep the parser and compiler will recurse on a source text, found by
//! one linear pass over its tokens before parsing, so that parsing runs on
//! a stack sized for it, or is refused with a located error.
//!
//! rnix's parser recurses for nested lists, for every operator or argument
//! of a chain (`1 + 1 + …`, `f a b …`, `!!…`), and for nested expressions.
//! The estimate is an upper bound on that recursion: every open bracket
//! counts one level, and inside an expression every operator, keyword and
//! applied argument since the last `;` or `,` of that bracket counts one
//! more (a list's elements do not nest, and neither does a string's text).

use rnix::SyntaxKind::*;

use super::scan::{self, InString};

/// The deepest estimated nesting accepted: twice what C++ Nix 2.8 reaches
/// (about 10,000 levels). Deeper, rowan's tree building turns quadratic
/// (it rehashes deep subtrees recursively), so refusing keeps parsing fast.
pub const MAX_NESTING: usize = 20_000;

/// Host stack bytes reserved per estimated level: rnix's parser takes up
/// to ~180 bytes a level (nested lists) in an optimised build and ~600
/// unoptimised; dropping the syntax tree takes less. The estimate counts
/// an operator and its operand, so this has margin.
pub const STACK_PER_LEVEL: usize = if cfg!(debug_assertions) { 1024 } else { 256 };

/// Stack reserved beyond the per-level amount: rnix stops nested
/// expressions at 512 levels on its own, which take up to ~1 MiB.
pub const STACK_BASE: usize = 2 * 1024 * 1024;

#[derive(Clone, Copy, PartialEq)]
enum Level {
    /// Inside parentheses, a set, `let … in`, `${ … }` or at the top.
    Expr,
    /// Inside `[ … ]`.
    List,
    /// Inside a string or an interpolated path.
    Text,
}

/// Why a text is refused.
pub struct TooDeep {
    /// Byte offset of the token where the nesting passed [`MAX_NESTING`].
    pub offset: u32,
}

/// The estimated nesting of `text`: an upper bound on the parser's recursion.
pub fn estimate(text: &str) -> Result<usize, TooDeep> {
    // (kind, tokens counted at this level since its last reset,
    //  whether the last token there ended an operand)
    let mut stack: Vec<Frame> = vec![Frame::new(Level::Expr)];
    let mut depth = 1usize;
    let mut deepest = 1usize;
    let mut offset = 0usize;
    for (kind, token) in rnix::tokenize(text) {
        let at = offset;
        offset += token.len();
        match kind {
            TOKEN_WHITESPACE | TOKEN_COMMENT => continue,
            TOKEN_L_BRACK | TOKEN_L_PAREN | TOKEN_L_BRACE | TOKEN_INTERPOL_START | TOKEN_LET
            | TOKEN_STRING_START => {
                if kind != TOKEN_INTERPOL_START && kind != TOKEN_LET {
                    // A bracketed operand: applied if it follows another.
                    operand(&mut stack, &mut depth);
                } else {
                    operator(&mut stack, &mut depth);
                }
                let level = match kind {
                    TOKEN_L_BRACK => Level::List,
                    TOKEN_STRING_START => Level::Text,
                    _ => Level::Expr,
                };
                stack.push(Frame::new(level));
                depth += 1;
            }
            TOKEN_R_BRACK | TOKEN_R_PAREN | TOKEN_R_BRACE | TOKEN_INTERPOL_END | TOKEN_IN
            | TOKEN_STRING_END => {
                // A mismatched closer is the parser's to report.
                if stack.len() > 1 {
                    if let Some(frame) = stack.pop() {
                        depth -= 1 + frame.count;
                    }
                }
                if let Some(frame) = stack.last_mut() {
                    // What the bracket closed is an operand (`in` starts one).
                    frame.after_operand = kind != TOKEN_IN;
                }
            }
            TOKEN_SEMICOLON | TOKEN_COMMA => {
                if let Some(frame) = stack.last_mut() {
                    if frame.level == Level::Expr {
                        depth -= frame.count;
                        frame.count = 0;
                        frame.after_operand = false;
                    }
                }
            }
            TOKEN_IDENT | TOKEN_INTEGER | TOKEN_FLOAT | TOKEN_URI | TOKEN_PATH_ABS
            | TOKEN_PATH_REL | TOKEN_PATH_HOME | TOKEN_PATH_SEARCH => {
                operand(&mut stack, &mut depth)
            }
            _ => operator(&mut stack, &mut depth),
        }
        deepest = deepest.max(depth);
        if depth > MAX_NESTING {
            return Err(TooDeep {
                offset: u32::try_from(at).unwrap_or(u32::MAX),
            });
        }
    }
    Ok(deepest)
}

/// The nesting to size the stack for: the byte-level [`quick_bound`] when
/// it is small enough, else the tokenizing [`estimate`] (which also refuses
/// text nested beyond [`MAX_NESTING`]).
pub fn levels(text: &str) -> Result<usize, TooDeep> {
    match quick_bound(text) {
        usize::MAX => estimate(text),
        levels => Ok(levels),
    }
}

/// A quick upper bound on [`estimate`], from the bytes alone (no
/// tokenizing): the same frames (brackets, `let … in`, strings and their
/// interpolations), but every byte of an expression counts a level (a
/// token has at least one), not only operators and applied arguments.
/// Several times cheaper than [`estimate`]: runs of bytes that open or
/// close nothing are counted at once. Large files of many shallow bindings
/// (generated package sets) get a small bound from it and skip the exact
/// estimate. `usize::MAX` once past [`MAX_NESTING`].
pub fn quick_bound(text: &str) -> usize {
    #[derive(PartialEq)]
    enum Kind {
        Expr,
        List,
        Str,
        IndStr,
    }
    let b = text.as_bytes();
    // (kind, bytes counted in this frame since its last `;` or `,`)
    let mut stack: Vec<(Kind, usize)> = vec![(Kind::Expr, 0)];
    let mut depth = 1usize;
    let mut deepest = 1usize;
    let mut i = 0;
    // `n` more bytes of the innermost frame (levels count in expressions only).
    fn count(stack: &mut [(Kind, usize)], depth: &mut usize, n: usize) {
        if let Some((Kind::Expr, count)) = stack.last_mut() {
            *count += n;
            *depth += n;
        }
    }
    fn close(stack: &mut Vec<(Kind, usize)>, depth: &mut usize) {
        if stack.len() > 1 {
            if let Some((_, count)) = stack.pop() {
                *depth -= 1 + count;
            }
        }
    }
    loop {
        let kind = match stack.last() {
            Some((k, _)) => k,
            None => return usize::MAX,
        };
        if let Kind::Str | Kind::IndStr = kind {
            // Text never changes the bound.
            let indented = *kind == Kind::IndStr;
            i += scan::string_text(b, i, indented);
            if i >= b.len() {
                break;
            }
            match scan::in_string(b, i, indented) {
                InString::Text(n) => i += n,
                InString::Interpolation(n) => {
                    stack.push((Kind::Expr, 0));
                    depth += 1;
                    i += n;
                }
                InString::End(n) => {
                    close(&mut stack, &mut depth);
                    i += n;
                }
            }
            deepest = deepest.max(depth);
            if deepest > MAX_NESTING {
                return usize::MAX;
            }
            i += 1;
            continue;
        }
        // A run of bytes that open and close nothing, counted at once.
        let run = i;
        while b.get(i).is_some_and(|&c| !scan::may_structure(c)) {
            i += 1;
        }
        count(&mut stack, &mut depth, i - run);
        deepest = deepest.max(depth);
        let Some(&c) = b.get(i) else {
            break;
        };
        let next = b.get(i + 1).copied();
        // Inside a name, `'`, `l` and `i` are part of it.
        let in_word = scan::after_word(b, i);
        match c {
            b'#' => i = scan::comment_end(b, i),
            b'/' if next == Some(b'*') => i = scan::comment_end(b, i),
            b'"' => {
                count(&mut stack, &mut depth, 1);
                stack.push((Kind::Str, 0));
                depth += 1;
            }
            b'\'' if next == Some(b'\'') && !in_word => {
                count(&mut stack, &mut depth, 1);
                stack.push((Kind::IndStr, 0));
                depth += 1;
                i += 1;
            }
            b'(' | b'{' | b'[' => {
                count(&mut stack, &mut depth, 1);
                stack.push((if c == b'[' { Kind::List } else { Kind::Expr }, 0));
                depth += 1;
            }
            b')' | b'}' | b']' => close(&mut stack, &mut depth),
            b';' | b',' => {
                if let Some((Kind::Expr, count)) = stack.last_mut() {
                    depth -= *count;
                    *count = 0;
                }
            }
            b'l' | b'i' if !in_word => {
                let word = b.get(i..).unwrap_or(&[]);
                let len = word.iter().take_while(|&&c| scan::is_word_byte(c)).count();
                match &word[..len] {
                    b"let" => {
                        count(&mut stack, &mut depth, 1);
                        stack.push((Kind::Expr, 0));
                        depth += 1;
                    }
                    b"in" => close(&mut stack, &mut depth),
                    _ => count(&mut stack, &mut depth, len),
                }
                i += len.max(1) - 1;
            }
            _ => count(&mut stack, &mut depth, 1),
        }
        deepest = deepest.max(depth);
        if deepest > MAX_NESTING {
            return usize::MAX;
        }
        i += 1;
    }
    if deepest > MAX_NESTING {
        return usize::MAX;
    }
    deepest
}

struct Frame {
    level: Level,
    count: usize,
    after_operand: bool,
}

impl Frame {
    fn new(level: Level) -> Frame {
        Frame {
            level,
            count: 0,
            after_operand: false,
        }
    }
}

/// An operator or keyword: one more level in an expression.
fn operator(stack: &mut [Frame], depth: &mut usize) {
    if let Some(frame) = stack.last_mut() {
        if frame.level == Level::Expr {
            frame.count += 1;
            *depth += 1;
        }
        frame.after_operand = false;
    }
}

/// An operand: one more level only when it is applied to the one before.
fn operand(stack: &mut [Frame], depth: &mut usize) {
    if let Some(frame) = stack.last_mut() {
        if frame.level == Level::Expr && frame.after_operand {
            frame.count += 1;
            *depth += 1;
        }
        frame.after_operand = true;
    }
}

/// The host stack to have available for parsing (and compiling and
/// dropping) a text of estimated nesting `levels`.
pub fn stack_needed(levels: usize) -> usize {
    STACK_BASE + levels.saturating_mul(STACK_PER_LEVEL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_bound_is_at_least_the_estimate() {
        let cases = [
            "1",
            "{ a = 1; b = { c = [ 1 2 3 ]; }; }",
            "let a = let b = 1; in b; in a",
            "f a b c d e",
            r#""a ${ "b ${ x } c" } d" + ''e ${ f g } h'' + ''i''' ''$ j''"#,
            "[ [ [ ( 1 + 2 + 3 ) ] ] ] ++ [ ] ++ [ ]",
            "x: y: { inherit x; z = y.a or (y.b); } // { }",
            "/* { [ ( */ # { [ (\n a",
            "./a/${b}/c + https://example.org/x",
            "rec { a = b; b = if a then assert c; d else with e; f; }",
        ];
        for src in cases {
            let quick = quick_bound(src);
            let exact = estimate(src).ok().unwrap_or(usize::MAX);
            assert!(quick >= exact, "{src}: quick {quick} < estimate {exact}");
        }
        // And on every file of the language corpus.
        for (path, src) in crate::syntax::corpus_texts() {
            let quick = quick_bound(&src);
            let exact = estimate(&src).ok().unwrap_or(usize::MAX);
            assert!(
                quick >= exact,
                "{}: quick {quick} < estimate {exact}",
                path.display()
            );
        }
        let chain = vec!["1"; 3000].join(" + ");
        assert!(quick_bound(&chain) >= depth(&chain));
        let brackets = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
        assert!(quick_bound(&brackets) >= depth(&brackets));
        // Many shallow bindings stay shallow: the bound is that of one.
        let flat = |n: usize| -> String {
            (0..n)
                .map(|i| format!("p = {{ v = \"{i}\"; w = [ x ]; }};\n"))
                .collect()
        };
        let bound = quick_bound(&format!("{{ {} }}", flat(1)));
        assert!(bound < 40, "{bound}");
        assert_eq!(quick_bound(&format!("{{ {} }}", flat(10_000))), bound);
        // Past the limit it gives up (the exact estimate decides).
        let n = MAX_NESTING + 1;
        let deep = format!("{}1{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(quick_bound(&deep), usize::MAX);
    }

    fn depth(s: &str) -> usize {
        estimate(s).ok().unwrap_or(usize::MAX)
    }

    #[test]
    fn flat_structures_are_shallow() {
        let list = format!("[ {} ]", "1 ".repeat(10_000));
        assert!(depth(&list) < 5);
        let set = format!("{{ {} }}", "a = 1 + 2; ".repeat(10_000));
        assert!(depth(&set) < 10);
        let calls = format!("{{ {} }}", "a = f x y; ".repeat(10_000));
        assert!(depth(&calls) < 10);
        let string = format!("\"{}\"", "text ".repeat(10_000));
        assert!(depth(&string) < 5);
    }

    #[test]
    fn nesting_and_chains_count() {
        assert!(depth(&format!("{}1{}", "[".repeat(1000), "]".repeat(1000))) >= 1000);
        assert!(depth(&format!("1{}", " + 1".repeat(1000))) >= 1000);
        assert!(depth(&format!("{}true", "!".repeat(1000))) >= 1000);
        assert!(depth(&format!("{}1", "x: ".repeat(1000))) >= 1000);
        assert!(depth(&format!("{}1{}", "(".repeat(1000), ")".repeat(1000))) >= 1000);
        assert!(depth(&format!("f{}", " x".repeat(1000))) >= 1000);
    }

    #[test]
    fn too_deep_is_refused_where_it_happens() {
        let s = format!(
            "{}1{}",
            "[".repeat(MAX_NESTING + 10),
            "]".repeat(MAX_NESTING + 10)
        );
        let Err(e) = estimate(&s) else {
            panic!("accepted")
        };
        assert_eq!(e.offset as usize, MAX_NESTING - 1);
    }
}
