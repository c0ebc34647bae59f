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
use rowan::ast::AstNode;

use super::{strings, unparen, Compiler};
use crate::errors::ErrorKind;
use crate::syntax::raw_kind as kind;
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
    literal_parts_value(&strings::string_parts(s))
}

/// The value of a string literal's parts if they have no interpolation.
pub(super) fn literal_parts_value(parts: &[ast::InterpolPart<String>]) -> Option<Value> {
    let text = match parts {
        [] => std::borrow::Cow::Borrowed(""),
        [ast::InterpolPart::Literal(l)] => std::borrow::Cow::Borrowed(l.as_str()),
        _ => {
            let mut text = String::new();
            for p in parts {
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

/// How deep [`is_constant`] looks: deeper literals are compiled as code
/// (which bounds the repeated checks of nested non-constant literals).
const MAX_CONSTANT_DEPTH: usize = 32;

/// Whether `e` is a thunkless literal, or a list or non-recursive set made
/// only of thunkless literals and such lists and sets (nested ones, in lazy
/// positions, get thunks made per evaluation: see
/// [`ThunkState::Literal`](crate::value::ThunkState::Literal)).
/// Exact: [`Compiler::constant_value`] builds anything this accepts.
pub(super) fn is_constant(e: &ast::Expr, depth: usize) -> bool {
    if depth > MAX_CONSTANT_DEPTH {
        return false;
    }
    match e {
        ast::Expr::Str(s) => is_plain_string(s),
        ast::Expr::Literal(l) => literal_constant(l).is_ok(),
        ast::Expr::List(l) => l.items().all(|e| is_constant(&unparen(&e), depth + 1)),
        ast::Expr::AttrSet(set) => {
            !super::is_rec(set)
                && set.entries().all(|entry| match entry {
                    ast::Entry::AttrpathValue(kv) => {
                        // One walk over the children: the path, then the value.
                        // A path nests its value one set per name.
                        let mut path = None;
                        for child in kv.syntax().children() {
                            if let Some(e) = ast::Expr::cast(child.clone()) {
                                return path
                                    .is_some_and(|len| is_constant(&unparen(&e), depth + len));
                            }
                            path = ast::Attrpath::cast(child).and_then(|p| plain_path_len(&p));
                        }
                        false
                    }
                    ast::Entry::Inherit(_) => false,
                })
        }
        _ => false,
    }
}

/// Whether a string literal has no interpolation.
pub(super) fn is_plain_string(s: &ast::Str) -> bool {
    has_no_interpolation(s.syntax().green())
}

/// Whether a string node's green tree has no interpolation among its parts.
fn has_no_interpolation(string: &rowan::GreenNodeData) -> bool {
    let interpolation = kind(rnix::SyntaxKind::NODE_INTERPOL);
    string.children().all(|c| c.kind() != interpolation)
}

/// How many names an attribute path has, if they are all written plainly
/// or quoted without interpolation (read from the green tree).
fn plain_path_len(p: &ast::Attrpath) -> Option<usize> {
    let green = p.syntax().green();
    let mut len = 0;
    for part in green.children().filter_map(|c| c.into_node()) {
        let plain = part.kind() == kind(rnix::SyntaxKind::NODE_IDENT)
            || (part.kind() == kind(rnix::SyntaxKind::NODE_STRING) && has_no_interpolation(part));
        if !plain {
            return None;
        }
        len += 1;
    }
    Some(len)
}

impl Compiler<'_> {
    /// [`is_constant`], remembered for the last expression it accepted.
    pub(super) fn is_constant(&mut self, e: &ast::Expr) -> bool {
        let id = e.syntax().green() as *const _ as usize;
        if self.known_constant == Some(id) {
            return true;
        }
        let constant = is_constant(e, 0);
        if constant {
            self.known_constant = Some(id);
        }
        constant
    }

    /// The value of an expression [`is_constant`] accepts: a literal's own
    /// value; a list or set with its nested lists and sets in thunks that
    /// copy them when forced. A set's duplicate attributes are reported as
    /// when it is compiled.
    pub(super) fn constant_value(&mut self, e: &ast::Expr) -> Option<Value> {
        match e {
            ast::Expr::List(l) => {
                let mut items = Vec::new();
                for item in l.items() {
                    items.push(self.constant_element(&item)?);
                }
                Some(Value::list(items))
            }
            ast::Expr::AttrSet(set) => self.constant_set(set),
            _ => thunkless_literal(e),
        }
    }

    /// An element of a constant list or set: nested lists and sets (lazy
    /// positions) in thunks that copy them when forced.
    pub(super) fn constant_element(&mut self, e: &ast::Expr) -> Option<Value> {
        let e = unparen(e);
        match &e {
            ast::Expr::List(_) | ast::Expr::AttrSet(_) => Some(Value::Thunk(
                crate::value::Thunk::new_literal(self.constant_value(&e)?),
            )),
            _ => thunkless_literal(&e),
        }
    }

    /// Emits a constant set or list in a lazy position: a thunk whose
    /// forcing copies it.
    pub(super) fn emit_constant_thunk(&mut self, v: Value, span: crate::syntax::Span) {
        let i = self.constant(v);
        self.emit(crate::bytecode::Op::MakeLiteralThunk(i), span);
    }
}
