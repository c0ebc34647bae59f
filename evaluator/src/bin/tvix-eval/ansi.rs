//! What reaches standard error passes through C++ Nix's escape filter: on a
//! terminal only colour (SGR) sequences survive, elsewhere every escape
//! sequence is dropped; tabs become spaces up to the next multiple of 8 and
//! carriage returns and bells are dropped. Messages can carry escapes from
//! Nix strings (`throw "\e[31m…"`), which scripts grepping logs must not see.

use std::io::{IsTerminal, Write};

/// Whether colour sequences are kept: standard error is a terminal, `TERM`
/// is not `dumb` and neither `NO_COLOR` nor `NOCOLOR` is set (as in Nix).
pub fn keep_colours() -> bool {
    std::io::stderr().is_terminal()
        && std::env::var("TERM").map(|t| t != "dumb").unwrap_or(false)
        && std::env::var_os("NO_COLOR").is_none()
        && std::env::var_os("NOCOLOR").is_none()
}

/// The display width C++ Nix counts for one character (for tab stops):
/// control characters count 0, everything else 1.
fn width(c: u8) -> usize {
    usize::from(!(c < 0x20 || c == 0x7f))
}

/// Filters `s` as C++ Nix's `filterANSIEscapes` does (without a width limit).
pub fn filter(s: &[u8], keep_colours: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut col = 0usize;
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c == 0x1b {
            let start = i;
            i += 1;
            let mut last = 0u8;
            match s.get(i) {
                Some(b'[') => {
                    i += 1;
                    while i < s.len() && (0x30..=0x3f).contains(&s[i]) {
                        i += 1;
                    }
                    while i < s.len() && (0x20..=0x2f).contains(&s[i]) {
                        i += 1;
                    }
                    if i < s.len() && (0x40..=0x7e).contains(&s[i]) {
                        last = s[i];
                        i += 1;
                    }
                }
                Some(b']') => {
                    // An operating system command, ended by ESC \ or BEL.
                    i += 1;
                    while i < s.len() && s[i] != 0x1b && s[i] != 0x07 {
                        i += 1;
                    }
                    if i < s.len() {
                        let end = s[i];
                        i += 1;
                        if end == 0x1b && s.get(i) == Some(&b'\\') {
                            last = b'\\';
                            i += 1;
                        }
                    }
                }
                Some(&b) if (0x40..=0x5f).contains(&b) => i += 1,
                _ => {}
            }
            if keep_colours && last == b'm' {
                out.extend_from_slice(&s[start..i]);
            }
        } else if c == b'\t' {
            loop {
                out.push(b' ');
                col += 1;
                if col.is_multiple_of(8) {
                    break;
                }
            }
            i += 1;
        } else if c == b'\r' || c == 0x07 {
            i += 1;
        } else {
            // Continuation bytes of a UTF-8 character add no width.
            if c & 0xc0 != 0x80 {
                col += width(c);
            }
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Writes `text` to standard error through the filter.
pub fn eprint(text: &str, keep_colours: bool) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(&filter(text.as_bytes(), keep_colours));
    let _ = err.flush();
}

#[cfg(test)]
mod tests {
    use super::filter;

    #[test]
    fn drops_escapes_off_a_terminal() {
        assert_eq!(filter(b"\x1b[1;31mred\x1b[0m!", false), b"red!");
        assert_eq!(filter(b"a\x1b]8;;http://x\x1b\\b", false), b"ab");
        assert_eq!(filter(b"\x1b[2Kline\r", false), b"line");
    }

    #[test]
    fn keeps_colours_on_a_terminal() {
        assert_eq!(
            filter(b"\x1b[1;31mred\x1b[0m\x1b[2K", true),
            b"\x1b[1;31mred\x1b[0m"
        );
    }

    #[test]
    fn expands_tabs() {
        assert_eq!(filter(b"ab\tc", false), b"ab      c");
    }
}
