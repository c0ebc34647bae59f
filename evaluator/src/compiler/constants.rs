//! Literals whose value is known when compiling: strings without
//! interpolation, numbers, and lists and sets made only of them.
//!
//! C++ Nix makes no thunk for a string or number literal in a lazy
//! position, so a list or non-recursive set whose elements are all such
//! literals holds no thunk either. In a lazy position (where C++ Nix has a
//! thunk for it, `<CODE>` in non-strict output) it is built once, here,
//! instead of compiled into code that builds it (a generated file's nested
//! sets were most of its compiled code); forcing the thunk copies it, as
//! each evaluation of a literal is a new value (printing shows
//! `«repeated»` only for the same one).

use rnix::ast::{self, AstToken, HasEntry};

use super::{strings, unparen, Compiler};
use crate::errors::ErrorKind;
use crate::value::Value;

/// A number or URI literal's value, or the error C++ Nix's parser reports.
pub(super) fn literal_constant(l: &ast::Literal) -> Result<Value, ErrorKind> {
    Ok(match l.kind() {
        ast::LiteralKind::Integer(i) => match i.value() {
            Ok(v) => Value::Int(v),
            Err(_) => {
                return Err(ErrorKind::ParseError(format!(
                    "invalid integer '{}'",
                    i.syntax().text()
                )))
            }
        },
        ast::LiteralKind::Float(f) => match f.value() {
            // C++ Nix's strtod rejects literals out of range (infinite or subnormal).
            Ok(v) if v.is_finite() && (v == 0.0 || v.abs() >= f64::MIN_POSITIVE) => Value::Float(v),
            _ => {
                return Err(ErrorKind::ParseError(format!(
                    "invalid float '{}'",
                    f.syntax().text()
                )))
            }
        },
        ast::LiteralKind::Uri(u) => Value::string(u.syntax().text()),
    })
}

/// A string literal's value if it has no interpolation.
pub(super) fn string_constant(s: &ast::Str) -> Option<Value> {
    let parts = strings::string_parts(s);
    let text = match parts.as_slice() {
        [] => std::borrow::Cow::Borrowed(""),
        [ast::InterpolPart::Literal(l)] => std::borrow::Cow::Borrowed(l.as_str()),
        _ => {
            let mut text = String::new();
            for p in &parts {
                match p {
                    ast::InterpolPart::Literal(l) => text.push_str(l),
                    ast::InterpolPart::Interpolation(_) => return None,
                }
            }
            std::borrow::Cow::Owned(text)
        }
    };
    Some(Value::String(crate::syntax::literal_string(&text)))
}

/// The value of a literal C++ Nix makes without a thunk, if `e` is one
/// (and valid: an invalid number is left for the compiler to report).
pub(super) fn thunkless_literal(e: &ast::Expr) -> Option<Value> {
    match e {
        ast::Expr::Str(s) => string_constant(s),
        ast::Expr::Literal(l) => literal_constant(l).ok(),
        _ => None,
    }
}

/// Whether a list literal holds only thunkless literals; then its value.
pub(super) fn constant_list(l: &ast::List) -> Option<Value> {
    let items: Option<Vec<Value>> = l.items().map(|e| thunkless_literal(&unparen(&e))).collect();
    items.map(Value::list)
}

/// Whether every binding of a set literal is `name = literal;` at a
/// glance (a cheap test before building its tree to see if it is constant).
pub(super) fn may_be_constant_set(set: &ast::AttrSet) -> bool {
    set.entries().all(|entry| match entry {
        ast::Entry::AttrpathValue(kv) => kv
            .value()
            .is_some_and(|v| matches!(unparen(&v), ast::Expr::Str(_) | ast::Expr::Literal(_))),
        ast::Entry::Inherit(_) => false,
    })
}

impl Compiler<'_> {
    /// Emits a constant set or list in a lazy position: a thunk whose
    /// forcing copies it.
    pub(super) fn emit_constant_thunk(&mut self, v: Value, span: crate::syntax::Span) {
        let i = self.constant(v);
        self.emit(crate::bytecode::Op::MakeLiteralThunk(i), span);
    }
}
