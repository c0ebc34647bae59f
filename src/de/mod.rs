//! The deserializer: drives the evaluator, forcing a value only when the
//! target type asks for it, and locates every error it reports.

mod access;
mod origin;

use std::rc::Rc;

use serde::de::{self, IntoDeserializer, Visitor};
use tvix_eval::{Evaluation, NixString, Value, Vm};

use crate::error::Error;
use access::{EnumAccess, MapAccess, SeqAccess};
#[cfg(test)]
pub(crate) use origin::tree_cached;
pub(crate) use origin::{forget_tree, next_file_id, Origin};

/// What the deserializer needs from the evaluator: an [`Evaluation`] from
/// the host, or the VM itself inside a native function.
pub(crate) trait Force {
    /// Forces `v` to weak head normal form.
    fn force(&mut self, v: &Value) -> Result<Value, tvix_eval::Error>;
    /// Coerces `v` to a string as `toString` does.
    fn coerce_to_string(&mut self, v: &Value) -> Result<NixString, tvix_eval::Error>;
}

impl Force for Evaluation {
    fn force(&mut self, v: &Value) -> Result<Value, tvix_eval::Error> {
        Evaluation::force(self, v)
    }
    fn coerce_to_string(&mut self, v: &Value) -> Result<NixString, tvix_eval::Error> {
        Evaluation::coerce_to_string(self, v)
    }
}

impl Force for Vm {
    fn force(&mut self, v: &Value) -> Result<Value, tvix_eval::Error> {
        self.force_value(v)
    }
    fn coerce_to_string(&mut self, v: &Value) -> Result<NixString, tvix_eval::Error> {
        let to_string = tvix_eval::builtins::find_builtin("toString")
            .map(tvix_eval::builtins::builtin_value)
            .unwrap_or_default();
        match self.call_value(&to_string, v.clone())? {
            Value::String(s) => Ok(s),
            other => Err(tvix_eval::Error::from(tvix_eval::ErrorKind::TypeError {
                expected: "a string",
                actual: other.type_description(),
            })),
        }
    }
}

/// Deserializes one (possibly unevaluated) Nix value.
pub(crate) struct Deserializer<'a> {
    eval: &'a mut dyn Force,
    value: Value,
    /// The config path of this value (`servers[1].port`).
    path: Rc<str>,
    origin: Origin,
    /// The lists and sets being deserialized around this value (their
    /// addresses, outermost first): how cycles and runaway depth are found.
    open: Rc<std::cell::RefCell<Vec<usize>>>,
}

/// Lists and sets nested deeper than this are refused: as deep as C++ Nix
/// goes, and deep structures still fit the stack of the program that
/// drops them.
pub(crate) const MAX_DEPTH: usize = 10_000;

impl<'a> Deserializer<'a> {
    /// A deserializer for the top-level value `value`.
    pub(crate) fn new(eval: &'a mut dyn Force, value: Value) -> Deserializer<'a> {
        Deserializer::at(eval, value, "", Origin::default())
    }

    /// A deserializer for `value`, found at `path` and written at `origin`.
    pub(crate) fn at(
        eval: &'a mut dyn Force,
        value: Value,
        path: &str,
        origin: Origin,
    ) -> Deserializer<'a> {
        Deserializer {
            eval,
            value,
            path: path.into(),
            origin,
            open: Rc::default(),
        }
    }

    /// Runs `visit` for the list or set at `address`, refusing cycles and
    /// runaway depth, on a stack that grows as deep data needs.
    fn nested<T>(
        &mut self,
        address: usize,
        visit: impl FnOnce(&mut Self) -> Result<T, Error>,
    ) -> Result<T, Error> {
        {
            let mut open = self.open.borrow_mut();
            if open.contains(&address) {
                drop(open);
                return Err(self.locate(Error::data(
                    "the value contains itself (a cycle), so deserializing it would never end",
                )));
            }
            if open.len() >= MAX_DEPTH {
                drop(open);
                return Err(self.locate(Error::data(format!(
                    "the value is nested more than {MAX_DEPTH} levels deep"
                ))));
            }
            open.push(address);
        }
        let r = stacker::maybe_grow(128 * 1024, 4 * 1024 * 1024, || visit(self));
        self.open.borrow_mut().pop();
        r
    }

    /// Forces the value; an evaluation error gets this value's path.
    fn force(&mut self) -> Result<Value, Error> {
        match self.eval.force(&self.value) {
            Ok(v) => Ok(v),
            Err(e) => Err(Error::eval(&e).at(&self.path, || None)),
        }
    }

    /// Locates `e` at this value (unless an inner value did already).
    fn locate(&self, e: Error) -> Error {
        e.at(&self.path, || self.origin.span())
    }

    #[cold]
    fn mismatch(&self, expected: &str, v: &Value) -> Error {
        let e = Error::data(format!("expected {expected}, found {}", found(v)));
        match v {
            Value::Attrs(a) => e.at(&self.path, || self.origin.set_span(a)),
            _ => self.locate(e),
        }
    }

    fn wrap<T>(&self, r: Result<T, Error>) -> Result<T, Error> {
        r.map_err(|e| self.locate(e))
    }

    /// Hands a list's elements to `visitor`, each deserialized lazily.
    fn visit_list<'de, V: Visitor<'de>>(
        &mut self,
        items: tvix_eval::value::NixList,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let address = Rc::as_ptr(&items) as usize;
        let r = self.nested(address, |de| visitor.visit_seq(SeqAccess::new(de, items)));
        self.wrap(r)
    }

    /// Hands a set's attributes to `visitor`, each value deserialized
    /// lazily. Errors the visitor reports about the set as a whole (such as
    /// a missing attribute) point at the set.
    fn visit_attrs<'de, V: Visitor<'de>>(
        &mut self,
        attrs: Rc<tvix_eval::Attrs>,
        fields: &[&str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let address = Rc::as_ptr(&attrs) as usize;
        let r = self.nested(address, |de| {
            let mut access = MapAccess::new(de, attrs.clone());
            if fields.len() > 1 {
                access = access.fields_first(fields);
            }
            visitor.visit_map(access)
        });
        r.map_err(|e| e.at(&self.path, || self.origin.set_span(&attrs)))
    }

    fn int(&mut self, expected: &str) -> Result<i64, Error> {
        match self.force()? {
            Value::Int(i) => Ok(i),
            other => Err(self.mismatch(expected, &other)),
        }
    }

    /// The string a value coerces to (strings, paths, `__toString`/`outPath` sets).
    fn string(&mut self, expected: &str) -> Result<Vec<u8>, Error> {
        match self.force()? {
            Value::String(s) => Ok(s.as_bytes().to_vec()),
            Value::Path(p) => Ok(p.as_os_str().as_encoded_bytes().to_vec()),
            Value::Attrs(a) => {
                let (ts, op) = tvix_eval::value::well_known(|w| (w.to_string, w.out_path));
                let v = Value::Attrs(a.clone());
                if a.contains(ts) || a.contains(op) {
                    let s = self
                        .eval
                        .coerce_to_string(&v)
                        .map_err(|e| Error::eval(&e).at(&self.path, || None))?;
                    return Ok(s.as_bytes().to_vec());
                }
                Err(self.mismatch(expected, &v))
            }
            other => Err(self.mismatch(expected, &other)),
        }
    }

    /// A deserializer for a value inside this one.
    fn child(&mut self, value: Value, path: &str, origin: Origin) -> Deserializer<'_> {
        Deserializer {
            eval: self.eval,
            value,
            path: path.into(),
            origin,
            open: self.open.clone(),
        }
    }
}

/// How a value is described in type errors.
fn found(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let text = s.to_str_lossy();
            if text.chars().count() > 40 {
                format!(
                    "a string \"{}…\"",
                    text.chars().take(40).collect::<String>()
                )
            } else {
                format!("a string {:?}", text)
            }
        }
        Value::Int(i) => format!("an integer {i}"),
        Value::Float(f) => format!("a float {}", tvix_eval::value::format_float(*f)),
        Value::Bool(b) => format!("a Boolean {b}"),
        other => other.type_description().to_string(),
    }
}

/// `path.name`, quoting names that are not plain identifiers.
pub(crate) fn join_field(path: &str, name: &str) -> String {
    let simple = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let name = if simple {
        name.to_string()
    } else {
        format!("{name:?}")
    };
    if path.is_empty() {
        name
    } else {
        format!("{path}.{name}")
    }
}

macro_rules! deserialize_int {
    ($method:ident, $visit:ident, $ty:ty, $name:expr) => {
        fn $method<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Error> {
            let i = self.int($name)?;
            let v = <$ty>::try_from(i).map_err(|_| {
                self.locate(Error::data(format!(
                    "integer {i} is out of range for {}",
                    $name
                )))
            })?;
            self.wrap(visitor.$visit(v))
        }
    };
}

impl<'de> de::Deserializer<'de> for Deserializer<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Error> {
        let v = self.force()?;
        let r = match &v {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::String(s) => match s.as_str() {
                Some(t) => visitor.visit_str(t),
                None => visitor.visit_bytes(s.as_bytes()),
            },
            Value::Path(p) => visitor.visit_str(&p.to_string_lossy()),
            Value::List(l) => return self.visit_list(l.clone(), visitor),
            Value::Attrs(a) => return self.visit_attrs(a.clone(), &[], visitor),
            other => return Err(self.mismatch("a value that is not a function", other)),
        };
        self.wrap(r)
    }

    fn deserialize_bool<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Error> {
        match self.force()? {
            Value::Bool(b) => self.wrap(visitor.visit_bool(b)),
            other => Err(self.mismatch("a Boolean", &other)),
        }
    }

    deserialize_int!(deserialize_i8, visit_i8, i8, "i8");
    deserialize_int!(deserialize_i16, visit_i16, i16, "i16");
    deserialize_int!(deserialize_i32, visit_i32, i32, "i32");
    deserialize_int!(deserialize_i64, visit_i64, i64, "i64");
    deserialize_int!(deserialize_i128, visit_i128, i128, "i128");
    deserialize_int!(deserialize_u8, visit_u8, u8, "u8");
    deserialize_int!(deserialize_u16, visit_u16, u16, "u16");
    deserialize_int!(deserialize_u32, visit_u32, u32, "u32");
    deserialize_int!(deserialize_u64, visit_u64, u64, "u64");
    deserialize_int!(deserialize_u128, visit_u128, u128, "u128");

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Error> {
        match self.force()? {
            Value::Float(f) => self.wrap(visitor.visit_f64(f)),
            Value::Int(i) => self.wrap(visitor.visit_f64(i as f64)),
            other => Err(self.mismatch("a float", &other)),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Error> {
        let bytes = self.string("a one-character string")?;
        let s = String::from_utf8_lossy(&bytes).into_owned();
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => self.wrap(visitor.visit_char(c)),
            _ => Err(self.locate(Error::data(format!(
                "expected a one-character string, found a string {s:?}"
            )))),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Error> {
        let bytes = self.string("a string")?;
        match String::from_utf8(bytes) {
            Ok(s) => self.wrap(visitor.visit_string(s)),
            Err(e) => self.wrap(visitor.visit_byte_buf(e.into_bytes())),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_byte_buf(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Error> {
        let bytes = self.string("a string")?;
        self.wrap(visitor.visit_byte_buf(bytes))
    }

    fn deserialize_option<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Error> {
        match self.force()? {
            Value::Null => self.wrap(visitor.visit_none()),
            _ => {
                let (path, origin) = (self.path.clone(), self.origin.clone());
                visitor
                    .visit_some(self)
                    .map_err(|e| e.at(&path, || origin.span()))
            }
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Error> {
        match self.force()? {
            Value::Null => self.wrap(visitor.visit_unit()),
            other => Err(self.mismatch("null", &other)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        mut self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == crate::value::VALUE_TOKEN {
            // `tvix_serde::Value`: deliver paths as a one-entry marker map.
            if let Value::Path(p) = self.force()? {
                let text = p.to_string_lossy().into_owned();
                let entries = std::iter::once((crate::value::PATH_TOKEN, text));
                let map = serde::de::value::MapDeserializer::new(entries);
                return self.wrap(visitor.visit_map(map));
            }
            return de::Deserializer::deserialize_any(self, visitor);
        }
        let (path, origin) = (self.path.clone(), self.origin.clone());
        visitor
            .visit_newtype_struct(self)
            .map_err(|e| e.at(&path, || origin.span()))
    }

    fn deserialize_seq<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Error> {
        match self.force()? {
            Value::List(items) => self.visit_list(items, visitor),
            other => Err(self.mismatch("a list", &other)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        mut self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.force()? {
            Value::List(items) => {
                if items.len() != len {
                    return Err(self.locate(Error::data(format!(
                        "expected a list of {len} elements, found a list of {} elements",
                        items.len()
                    ))));
                }
                self.visit_list(items, visitor)
            }
            other => Err(self.mismatch(&format!("a list of {len} elements"), &other)),
        }
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Error> {
        match self.force()? {
            Value::Attrs(a) => self.visit_attrs(a, &[], visitor),
            other => Err(self.mismatch("a set", &other)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        mut self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.force()? {
            Value::Attrs(a) => self.visit_attrs(a, fields, visitor),
            other => Err(self.mismatch("a set", &other)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        mut self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.force()? {
            Value::String(s) => {
                let name = s.to_str_lossy().into_owned();
                self.wrap(visitor.visit_enum(name.into_deserializer()))
            }
            Value::Attrs(a) if a.len() == 1 => {
                let Some(attr) = a.iter().next().cloned() else {
                    return Err(self.mismatch("an enum", &Value::Attrs(a)));
                };
                let name = attr.name.to_string();
                let path = join_field(&self.path, &name);
                let origin = self.origin.attr(&attr);
                let address = Rc::as_ptr(&a) as usize;
                let r = self.nested(address, |de| {
                    let child = de.child(attr.value.clone(), &path, origin);
                    visitor.visit_enum(EnumAccess::new(child, name))
                });
                self.wrap(r)
            }
            other => Err(self.mismatch(
                "a string or a set with exactly one attribute (an enum)",
                &other,
            )),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        // Never forced: an ignored value may be arbitrarily expensive or fail.
        visitor.visit_unit()
    }
}

impl<'de> de::VariantAccess<'de> for Deserializer<'_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        serde::Deserialize::deserialize(self)
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        let (path, origin) = (self.path.clone(), self.origin.clone());
        seed.deserialize(self)
            .map_err(|e| e.at(&path, || origin.span()))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_tuple(self, len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}
