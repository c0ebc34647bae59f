//! What parsing a text may cost, checked before it is parsed: its syntax
//! tree's bytes must fit the evaluation's memory limit.

use crate::errors::ErrorKind;

/// The syntax tree is not a value, but it is most of what a large file
/// costs (60 times its size for `[ 1 1 1 … ]`): it must fit the limit.
/// Every byte a token is the most the tree can take: when that fits
/// (always without a memory limit), the tokens need no counting.
pub(super) fn check_tree_room(text: &str) -> Result<(), ErrorKind> {
    let most = (text.len() as u64).saturating_mul(TREE_BYTES_PER_TOKEN + 1);
    crate::state::check_room(most)
        .or_else(|_| crate::state::check_room(tree_bytes_bound(text.as_bytes())))
}

/// What a token of the syntax tree is taken to cost (see [`tree_bytes_bound`]).
const TREE_BYTES_PER_TOKEN: u64 = 64;

/// Bytes the syntax tree of `text` may take: rowan keeps every token,
/// whitespace included, with its text and a place in its parent node
/// (40 to 75 bytes a token measured, for lists of numbers and generated
/// package sets). Tokens are counted roughly, as runs of word or space
/// bytes and single punctuation bytes; small texts skip the count.
fn tree_bytes_bound(text: &[u8]) -> u64 {
    const PER_TOKEN: u64 = TREE_BYTES_PER_TOKEN;
    let len = text.len() as u64;
    if len <= 1 << 16 {
        return len * (PER_TOKEN + 1);
    }
    let class = |b: u8| match b {
        b' ' | b'\t' | b'\r' | b'\n' => 0,
        b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'\'' | b'-' | b'.' => 1,
        _ => 2,
    };
    let mut tokens = 0u64;
    let mut previous = u8::MAX;
    for &b in text {
        let c = class(b);
        if c == 2 || c != previous {
            tokens += 1;
        }
        previous = c;
    }
    tokens * PER_TOKEN + len
}
