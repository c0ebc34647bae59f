//! The deserializer: drives the evaluator, forcing a value only when the
//! target type asks for it.

use std::rc::Rc;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use tvix_eval::value::Attr;
use tvix_eval::{Evaluation, Span, Value};

use crate::error::{Error, Location};

/// Deserializes one (possibly unevaluated) Nix value.
pub(crate) struct Deserializer<'a> {
    pub eval: &'a mut Evaluation,
    pub value: Value,
    pub path: Rc<str>,
    pub span: Span,
}

fn location(span: Span) -> Option<Location> {
    tvix_eval::syntax::locate(span).map(|l| Location {
        file: l.file,
        line: l.line,
        column: l.column,
    })
}

impl<'a> Deserializer<'a> {
    fn force(&mut self) -> Result<Value, Error> {
        self.eval.force(&self.value).map_err(|e| Error::eval(&e))
    }

    fn mismatch(&self, expected: &str, v: &Value) -> Error {
        Error::data(format!("expected {expected}, found {}", found(v)))
            .at(&self.path, location(self.span))
    }

    fn wrap<T>(&self, r: Result<T, Error>) -> Result<T, Error> {
        r.map_err(|e| e.at(&self.path, location(self.span)))
    }

    /// Hands a list's elements to `visitor`, each deserialized lazily.
    fn visit_list<'de, V: Visitor<'de>>(
        &mut self,
        items: tvix_eval::value::NixList,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let r = visitor.visit_seq(SeqAccess {
            de: self,
            items,
            index: 0,
        });
        self.wrap(r)
    }

    /// Hands a set's attributes to `visitor`, each value deserialized lazily.
    fn visit_attrs<'de, V: Visitor<'de>>(
        &mut self,
        entries: Vec<Attr>,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let r = visitor.visit_map(MapAccess {
            de: self,
            entries,
            index: 0,
        });
        self.wrap(r)
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
                        .map_err(|e| Error::eval(&e))?;
                    return Ok(s.as_bytes().to_vec());
                }
                Err(self.mismatch(expected, &v))
            }
            other => Err(self.mismatch(expected, &other)),
        }
    }

    fn child(&mut self, value: Value, path: String, span: Span) -> Deserializer<'_> {
        let span = if span.is_some() { span } else { self.span };
        Deserializer {
            eval: self.eval,
            value,
            path: path.into(),
            span,
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

fn join_field(path: &str, name: &str) -> String {
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
                Error::data(format!("integer {i} is out of range for {}", $name))
                    .at(&self.path, location(self.span))
            })?;
            self.wrap(visitor.$visit(v))
        }
    };
}

impl<'de, 'a> de::Deserializer<'de> for Deserializer<'a> {
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
            Value::Attrs(a) => return self.visit_attrs(a.iter().cloned().collect(), visitor),
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
            _ => Err(Error::data(format!(
                "expected a one-character string, found a string {s:?}"
            ))
            .at(&self.path, location(self.span))),
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
                let (path, span) = (self.path.clone(), self.span);
                visitor
                    .visit_some(self)
                    .map_err(|e| e.at(&path, location(span)))
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
        visitor.visit_newtype_struct(self)
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
                    return Err(Error::data(format!(
                        "expected a list of {len} elements, found a list of {} elements",
                        items.len()
                    ))
                    .at(&self.path, location(self.span)));
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
            Value::Attrs(a) => self.visit_attrs(a.iter().cloned().collect(), visitor),
            other => Err(self.mismatch("a set", &other)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
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
                let attr = a
                    .iter()
                    .next()
                    .cloned()
                    .ok_or_else(|| Error::data("empty set"))?;
                let path = join_field(&self.path, &attr.name.to_str_lossy());
                let de = self.child(attr.value.clone(), path, attr.pos.span());
                let r = visitor.visit_enum(EnumAccess {
                    de,
                    name: attr.name.to_str_lossy().into_owned(),
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

struct SeqAccess<'a, 'b> {
    de: &'a mut Deserializer<'b>,
    items: tvix_eval::value::NixList,
    index: usize,
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'_, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(item) = self.items.get(self.index).cloned() else {
            return Ok(None);
        };
        let path = format!("{}[{}]", self.de.path, self.index);
        self.index += 1;
        let child = self.de.child(item, path, Span::NONE);
        seed.deserialize(child).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.index)
    }
}

struct MapAccess<'a, 'b> {
    de: &'a mut Deserializer<'b>,
    entries: Vec<Attr>,
    index: usize,
}

impl<'de> de::MapAccess<'de> for MapAccess<'_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(attr) = self.entries.get(self.index) else {
            return Ok(None);
        };
        let key = attr.name.to_str_lossy().into_owned();
        let span = attr.pos.span();
        let path = join_field(&self.de.path, &key);
        seed.deserialize(KeyDeserializer { key })
            .map(Some)
            .map_err(|e| e.at(&path, location(span)))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some(attr) = self.entries.get(self.index).cloned() else {
            return Err(Error::data("value requested without a key"));
        };
        self.index += 1;
        let path = join_field(&self.de.path, &attr.name.to_str_lossy());
        let child = self.de.child(attr.value, path, attr.pos.span());
        seed.deserialize(child)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len() - self.index)
    }
}

/// Attribute names as map keys: strings, or parsed into integers/bools when the key type asks.
struct KeyDeserializer {
    key: String,
}

macro_rules! key_parse {
    ($method:ident, $visit:ident, $ty:ty) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.key.parse::<$ty>() {
                Ok(v) => visitor.$visit(v),
                Err(_) => Err(Error::data(format!(
                    "expected an attribute name that is a {}, found {:?}",
                    stringify!($ty),
                    self.key
                ))),
            }
        }
    };
}

impl<'de> de::Deserializer<'de> for KeyDeserializer {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_string(self.key)
    }

    key_parse!(deserialize_i8, visit_i8, i8);
    key_parse!(deserialize_i16, visit_i16, i16);
    key_parse!(deserialize_i32, visit_i32, i32);
    key_parse!(deserialize_i64, visit_i64, i64);
    key_parse!(deserialize_i128, visit_i128, i128);
    key_parse!(deserialize_u8, visit_u8, u8);
    key_parse!(deserialize_u16, visit_u16, u16);
    key_parse!(deserialize_u32, visit_u32, u32);
    key_parse!(deserialize_u64, visit_u64, u64);
    key_parse!(deserialize_u128, visit_u128, u128);
    key_parse!(deserialize_bool, visit_bool, bool);
    key_parse!(deserialize_f32, visit_f32, f32);
    key_parse!(deserialize_f64, visit_f64, f64);
    key_parse!(deserialize_char, visit_char, char);

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_enum(self.key.into_deserializer())
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        str string bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

struct EnumAccess<'a> {
    de: Deserializer<'a>,
    name: String,
}

impl<'de, 'a> de::EnumAccess<'de> for EnumAccess<'a> {
    type Error = Error;
    type Variant = Deserializer<'a>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), Error> {
        let v = seed.deserialize(KeyDeserializer { key: self.name })?;
        Ok((v, self.de))
    }
}

impl<'de> de::VariantAccess<'de> for Deserializer<'_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        serde::Deserialize::deserialize(self)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
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
