//! Unit tests of the regex engine: matching, searching and error cases
//! checked against libstdc++'s behaviour.

use super::automaton::compile;
use super::exec::{all_matches, full_match, Stop};
use super::syntax::RegexError;
use crate::errors::ErrorKind;

fn m(re: &str, s: &str) -> Option<Vec<Option<String>>> {
    let prog = compile(re.as_bytes()).unwrap_or_else(|e| panic!("{re:?}: {e:?}"));
    let groups = full_match(&prog, s.as_bytes(), &mut || Ok(()))
        .ok()
        .flatten()?;
    Some(
        groups[1..]
            .iter()
            .map(|g| g.map(|(a, b)| s[a..b].to_string()))
            .collect(),
    )
}

fn sp(re: &str, s: &str) -> Vec<(String, Vec<Option<String>>)> {
    let prog = compile(re.as_bytes()).unwrap_or_else(|e| panic!("{re:?}: {e:?}"));
    let ms = all_matches(&prog, s.as_bytes(), &mut || Ok(()))
        .ok()
        .unwrap_or_default();
    ms.iter()
        .map(|g| {
            let (a, b) = g[0].unwrap_or((0, 0));
            (
                s[a..b].to_string(),
                g[1..]
                    .iter()
                    .map(|x| x.map(|(a, b)| s[a..b].to_string()))
                    .collect(),
            )
        })
        .collect()
}

fn some(v: &[&str]) -> Option<Vec<Option<String>>> {
    Some(v.iter().map(|x| Some(x.to_string())).collect())
}

#[test]
fn long_matches_poll_the_evaluation_limits() {
    // Found by fuzzing (`builtins.split` with nested quantifiers took 10 s):
    // the match stays under the per-attempt step limit at each start
    // position, so only polling the evaluation's limits can stop it.
    let re: &[u8] = b"(a*)**+\n*+\n*++\n*+*.\0\x000.\xae?";
    let prog = compile(re).expect("a valid regular expression");
    let mut polls = 0;
    let mut poll = || {
        polls += 1;
        if polls > 3 {
            Err(ErrorKind::Limit(
                crate::state::limits::LimitKind::Interrupted,
            ))
        } else {
            Ok(())
        }
    };
    let r = all_matches(&prog, b"aab-cd_ef 123 xyz", &mut poll);
    assert!(matches!(r, Err(Stop::Limit(ErrorKind::Limit(_)))));
}

#[test]
fn whole_string_matches() {
    assert_eq!(m("a(b)c", "abc"), some(&["b"]));
    assert_eq!(m("b", "abc"), None);
    assert_eq!(m("(a)|(b)", "b"), Some(vec![None, Some("b".into())]));
    assert_eq!(m("((a)(b))+", "abab"), some(&["ab", "a", "b"]));
    assert_eq!(m("a.b", "a\nb"), some(&[]));
    assert_eq!(m("(a*)*", ""), some(&[""]));
    assert_eq!(m("((a)|b)+", "ab"), some(&["b", "a"]));
    assert_eq!(m("(a|)*b", "aab"), some(&[""]));
    assert_eq!(m("(a?){2}", "a"), some(&[""]));
    assert_eq!(m("(^a)*", "aa"), None);
    assert_eq!(m("[]a]+", "]a"), some(&[]));
    assert_eq!(m("[^]a]+", "bc"), some(&[]));
    assert_eq!(m("[\\.]+", "\\."), some(&[]));
    assert_eq!(m("[[=a=]]+", "aA"), some(&[]));
    assert_eq!(m("[[.space.]]", " "), some(&[]));
    assert_eq!(m("[[:ALPHA:]][[:w:]]", "a_"), some(&[]));
    assert_eq!(m("a{1}{2}", "aa"), some(&[]));
    assert_eq!(m("a**", "aa"), some(&[]));
    assert_eq!(m("x{0}", ""), some(&[]));
}

#[test]
fn invalid_expressions() {
    for re in [
        "(",
        ")",
        "a)",
        "[a",
        "[]",
        "[^]",
        "[z-a]",
        "[a-z-0]",
        "[[:alpha:]-z]",
        "[[:alpha:]",
        "[[:foo:]]",
        "[[.0.]]",
        "[[=-=]]",
        "\\d",
        "\\]",
        "\\}",
        "\\",
        "a{,3}",
        "a{2",
        "a{2,1}",
        "{",
        "^*",
        "a|*",
        "*a",
    ] {
        assert_eq!(
            compile(re.as_bytes()).err(),
            Some(RegexError::Invalid),
            "{re:?}"
        );
    }
    for re in [
        "\\{",
        "\\|",
        "\\^",
        "\\$",
        "\\*",
        "[[.hyphen.]]",
        "[--0]",
        "[a-]",
        "a||b",
        "(|a)",
        "()*",
        "",
    ] {
        assert!(compile(re.as_bytes()).is_ok(), "{re:?}");
    }
    assert_eq!(compile(b"(a{1000}){1000}").err(), Some(RegexError::Space));
    assert!(compile(b"a{1000}").is_ok());
}

#[test]
fn searches_follow_libstdcxx() {
    let s = |v: &[(&str, &[Option<&str>])]| -> Vec<(String, Vec<Option<String>>)> {
        v.iter()
            .map(|(a, g)| {
                (
                    a.to_string(),
                    g.iter().map(|x| x.map(str::to_string)).collect(),
                )
            })
            .collect()
    };
    // Alternation keeps the longer branch …
    assert_eq!(sp("(a|ab)", "xabx"), s(&[("ab", &[Some("ab")])]));
    // … but greedy repetition stops at its first success.
    assert_eq!(
        sp("(a*)(ab)?", "ab"),
        s(&[
            ("a", &[Some("a"), None]),
            ("", &[Some(""), None]),
            ("", &[Some(""), None])
        ])
    );
    assert_eq!(
        sp("(a|ab)(c|bcd)(d*)", "abcd"),
        s(&[("abcd", &[Some("a"), Some("bcd"), Some("")])])
    );
    assert_eq!(sp("x*", "ab"), s(&[("", &[]), ("", &[]), ("", &[])]));
    assert_eq!(
        sp("a*", "baaac"),
        s(&[("", &[]), ("aaa", &[]), ("", &[]), ("", &[])])
    );
    assert_eq!(sp("^a|b*", "ca"), s(&[("", &[]), ("", &[]), ("", &[])]));
}

#[test]
fn deep_inputs_do_not_overflow() {
    let long = "a".repeat(200_000);
    assert_eq!(m("(a*)", &long).map(|g| g.len()), Some(1));
    assert_eq!(m(".*b", &long), None);
}

#[test]
fn literal_expressions_search_like_the_automaton() {
    for (re, is_literal) in [
        (";", true),
        ("ab", true),
        ("a\\.b", true),
        ("aa", true),
        ("(a)", false),
        ("a*", false),
        ("", false),
        ("^a", false),
        ("a|b", false),
    ] {
        let fast = compile(re.as_bytes()).expect("valid");
        assert_eq!(fast.literal.is_some(), is_literal, "{re:?}");
        let mut slow = compile(re.as_bytes()).expect("valid");
        slow.literal = None;
        for hay in ["", "a", ";a;;b;", "aaaaa", "xa.bab", "abab;ab", "a\0b;"] {
            let found = |prog| {
                all_matches(prog, hay.as_bytes(), &mut || Ok(()))
                    .ok()
                    .unwrap_or_default()
            };
            assert_eq!(found(&fast), found(&slow), "{re:?} in {hay:?}");
        }
    }
}
