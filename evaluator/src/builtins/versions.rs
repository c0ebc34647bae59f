//! Version-string builtins: `compareVersions`, `splitVersion` and
//! `parseDrvName`, with C++ Nix's component rules (`names.cc`).

use super::{make_attrs, to_str, BuiltinDef, BuiltinImpl::*, ALL};
use crate::errors::ErrorKind;
use crate::eval_err;
use crate::value::{NixString, Symbol, Value};
use crate::vm::Vm;

pub(super) static BUILTINS: &[BuiltinDef] = &[
    BuiltinDef {
        name: "compareVersions",
        arity: 2,
        strict: ALL,
        first_arg: Some("a string without context"),
        imp: Sync(compare_versions_builtin),
    },
    BuiltinDef {
        name: "splitVersion",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(split_version),
    },
    BuiltinDef {
        name: "parseDrvName",
        arity: 1,
        strict: ALL,
        first_arg: None,
        imp: Sync(parse_drv_name),
    },
];

/// A string argument that must not refer to store paths (C++ `forceStringNoCtx`).
pub(crate) fn to_str_no_ctx(v: &Value) -> Result<NixString, ErrorKind> {
    let s = to_str(v)?;
    if let Some(ctx) = s.context() {
        if let Some(first) = ctx.iter().next() {
            return Err(eval_err!(
                "the string '{}' is not allowed to refer to a store path (such as '{}')",
                s.to_str_lossy(),
                first.raw()
            ));
        }
    }
    Ok(s)
}

/// The next version component starting at `*pos`: a run of digits or a run
/// of other non-separator bytes, after skipping `.` and `-` separators.
fn next_component<'a>(s: &'a [u8], pos: &mut usize) -> &'a [u8] {
    while *pos < s.len() && (s[*pos] == b'.' || s[*pos] == b'-') {
        *pos += 1;
    }
    let start = *pos;
    if *pos < s.len() && s[*pos].is_ascii_digit() {
        while *pos < s.len() && s[*pos].is_ascii_digit() {
            *pos += 1;
        }
    } else {
        while *pos < s.len() && !s[*pos].is_ascii_digit() && s[*pos] != b'.' && s[*pos] != b'-' {
            *pos += 1;
        }
    }
    &s[start..*pos]
}

/// A component as C++ `string2Int<int>` reads it: only digit runs that fit an `int`.
fn as_number(c: &[u8]) -> Option<i32> {
    if c.is_empty() || !c.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(c).ok()?.parse::<i32>().ok()
}

fn components_lt(c1: &[u8], c2: &[u8]) -> bool {
    let n1 = as_number(c1);
    let n2 = as_number(c2);
    match (n1, n2) {
        (Some(a), Some(b)) => a < b,
        _ if c1.is_empty() && n2.is_some() => true,
        _ if c1 == b"pre" && c2 != b"pre" => true,
        _ if c2 == b"pre" => false,
        // `2.3a` < `2.3.1`: a number beats any word.
        (_, Some(_)) => true,
        (Some(_), _) => false,
        _ => c1 < c2,
    }
}

/// C++ Nix's `compareVersions`: -1, 0 or 1.
pub(crate) fn compare_versions(v1: &[u8], v2: &[u8]) -> i64 {
    let (mut p1, mut p2) = (0, 0);
    while p1 < v1.len() || p2 < v2.len() {
        let c1 = next_component(v1, &mut p1);
        let c2 = next_component(v2, &mut p2);
        if components_lt(c1, c2) {
            return -1;
        }
        if components_lt(c2, c1) {
            return 1;
        }
    }
    0
}

fn compare_versions_builtin(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let a = to_str_no_ctx(&args[0])?;
    let b = to_str_no_ctx(&args[1])?;
    Ok(Value::Int(compare_versions(a.as_bytes(), b.as_bytes())))
}

fn split_version(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let s = to_str_no_ctx(&args[0])?;
    let bytes = s.as_bytes();
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < bytes.len() {
        let c = next_component(bytes, &mut pos);
        if c.is_empty() {
            break;
        }
        out.push(Value::string(c));
        crate::state::check_building(out.len(), || crate::state::vec_bytes(&out))?;
    }
    Ok(Value::list(out))
}

/// Splits `name-version` at the first `-` not followed by a letter.
pub(crate) fn split_drv_name(s: &[u8]) -> (&[u8], &[u8]) {
    for i in 0..s.len() {
        if s[i] == b'-' && i + 1 < s.len() && !s[i + 1].is_ascii_alphabetic() {
            return (&s[..i], &s[i + 1..]);
        }
    }
    (s, b"")
}

fn parse_drv_name(_: &mut Vm, args: Vec<Value>) -> Result<Value, ErrorKind> {
    let s = to_str_no_ctx(&args[0])?;
    let (name, version) = split_drv_name(s.as_bytes());
    Ok(make_attrs(vec![
        (Symbol::from_str("name"), Value::string(name)),
        (Symbol::from_str("version"), Value::string(version)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::{compare_versions, split_drv_name};

    #[test]
    fn versions_compare_like_cpp_nix() {
        assert_eq!(compare_versions(b"1.0", b"2.3"), -1);
        assert_eq!(compare_versions(b"2.3", b"2.3"), 0);
        assert_eq!(compare_versions(b"1.10", b"1.9"), 1);
        assert_eq!(compare_versions(b"2.3pre1", b"2.3"), -1);
        assert_eq!(compare_versions(b"2.3a", b"2.3.1"), -1);
        assert_eq!(compare_versions(b"2.3", b"2.3a"), -1);
        assert_eq!(compare_versions(b"1.0", b"1"), 1);
        assert_eq!(compare_versions(b"", b"1"), -1);
        // Digit runs beyond `int` compare as words, as `string2Int<int>` fails on them.
        assert_eq!(compare_versions(b"99999999999", b"2"), -1);
        assert_eq!(compare_versions(b"99999999999", b"a"), -1);
        assert_eq!(compare_versions(b"2147483647", b"2147483648"), 1);
    }

    #[test]
    fn drv_names_split_at_first_dash_before_non_letter() {
        assert_eq!(
            split_drv_name(b"nix-0.12pre12876"),
            (&b"nix"[..], &b"0.12pre12876"[..])
        );
        assert_eq!(split_drv_name(b"a-b-1.2-3"), (&b"a-b"[..], &b"1.2-3"[..]));
        assert_eq!(split_drv_name(b"foo-bar"), (&b"foo-bar"[..], &b""[..]));
        assert_eq!(split_drv_name(b"foo-"), (&b"foo-"[..], &b""[..]));
    }
}
