//! Unit tests of the JSON writer and parser against nlohmann::json's output
//! and error messages.

use super::parse::parse_json;
use super::write::{escape_json_string, format_json_float};
use crate::value::Value;

#[test]
fn floats_are_written_like_nlohmann() {
    let cases: &[(f64, &str)] = &[
        (1.0, "1.0"),
        (0.5, "0.5"),
        (1.0e-5, "1e-05"),
        (1.0e-4, "0.0001"),
        (1.0e20, "1e+20"),
        (1.0e15, "1e+15"),
        (1.0e14, "100000000000000.0"),
        (123456789.123, "123456789.123"),
        (-2.5, "-2.5"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1.0 / 3.0, "0.3333333333333333"),
        (-0.0, "-0.0"),
        (0.0, "0.0"),
        (f64::INFINITY, "null"),
        (f64::NAN, "null"),
        (1.5e300, "1.5e+300"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
    ];
    for (x, want) in cases {
        assert_eq!(format_json_float(*x), *want, "formatting {x:e}");
    }
}

#[test]
fn strings_are_escaped_like_nlohmann() {
    let mut out = Vec::new();
    escape_json_string(b"q\" b\\ \x08\x0c\n\r\t\x01\x1f\x7f \xc3\xa9", &mut out);
    assert_eq!(
        out,
        b"\"q\\\" b\\\\ \\b\\f\\n\\r\\t\\u0001\\u001f\x7f \xc3\xa9\"".to_vec()
    );
}

fn err(s: &str) -> String {
    match parse_json(s.as_bytes()) {
        Err(crate::errors::ErrorKind::Eval(e)) => e,
        Err(e) => panic!("{s:?} failed with {e:?}"),
        Ok(v) => panic!("{s:?} parsed to {v:?}"),
    }
}

#[test]
fn parse_errors_match_nlohmann() {
    let p = "[json.exception.parse_error.101] parse error at";
    assert_eq!(err(""), format!("{p} line 1, column 1: syntax error while parsing value - unexpected end of input; expected '[', '{{', or a literal"));
    assert_eq!(err("{ invalid"), format!("{p} line 1, column 3: syntax error while parsing object key - invalid literal; last read: '{{ i'; expected string literal"));
    assert_eq!(err("[1] x"), format!("{p} line 1, column 5: syntax error while parsing value - invalid literal; last read: '1] x'; expected end of input"));
    assert_eq!(err("01"), format!("{p} line 1, column 2: syntax error while parsing value - unexpected number literal; expected end of input"));
    assert_eq!(err("1.e5"), format!("{p} line 1, column 3: syntax error while parsing value - invalid number; expected digit after '.'; last read: '1.e'"));
    assert_eq!(err("{\"a\" 1}"), format!("{p} line 1, column 6: syntax error while parsing object separator - unexpected number literal; expected ':'"));
    assert_eq!(err("\"\\ud800\""), format!("{p} line 1, column 8: syntax error while parsing value - invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF; last read: '\"\\ud800\"'"));
    assert_eq!(err("\n\n  x"), format!("{p} line 3, column 3: syntax error while parsing value - invalid literal; last read: '<U+000A><U+000A>  x'"));
    assert_eq!(err("\"\t\""), format!("{p} line 1, column 2: syntax error while parsing value - invalid string: control character U+0009 (HT) must be escaped to \\u0009 or \\t; last read: '\"<U+0009>'"));
    assert_eq!(err("[1 2]"), format!("{p} line 1, column 4: syntax error while parsing array - unexpected number literal; expected ']'"));
    assert_eq!(
        err("1e400"),
        "[json.exception.out_of_range.406] number overflow parsing '1e400'"
    );
    assert_eq!(
        err("9223372036854775808"),
        "unsigned json number 9223372036854775808 outside of Nix integer range"
    );
}

#[test]
fn values_parse() {
    assert!(matches!(parse_json(b"-0"), Ok(Value::Int(0))));
    assert!(matches!(
        parse_json(b"18446744073709551616"),
        Ok(Value::Float(_))
    ));
    assert!(matches!(
        parse_json(b"-9223372036854775808"),
        Ok(Value::Int(i64::MIN))
    ));
    assert!(matches!(parse_json(b"\xef\xbb\xbf 1"), Ok(Value::Int(1))));
    let deep = "[".repeat(1000) + &"]".repeat(1000);
    assert!(matches!(parse_json(deep.as_bytes()), Ok(Value::List(_))));
}
