//! `Value` and serde: deserializing any Nix value into a `Value`, and
//! `Value` as a deserializer of typed data ([`from_value`]).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::de::{
    self, Deserialize, DeserializeOwned, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

use super::Value;
use crate::de::join_field;
use crate::Error;

/// The newtype name by which `Value` asks this crate's deserializer to
/// deliver paths as paths (other deserializers just see a newtype).
pub(crate) const VALUE_TOKEN: &str = "$tvix_serde::private::Value";
/// The single key of the map a path is delivered as.
pub(crate) const PATH_TOKEN: &str = "$tvix_serde::private::Path";

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_newtype_struct(VALUE_TOKEN, ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any Nix value except a function")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(Value::Int(i))
    }
    fn visit_u64<E: de::Error>(self, i: u64) -> Result<Value, E> {
        i64::try_from(i)
            .map(Value::Int)
            .map_err(|_| E::custom("integer out of range"))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
        Ok(Value::Float(f))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_bytes<E>(self, b: &[u8]) -> Result<Value, E> {
        Ok(Value::String(String::from_utf8_lossy(b).into_owned()))
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::List(out))
    }
    fn visit_newtype_struct<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(k) = map.next_key::<String>()? {
            if k == PATH_TOKEN {
                let p: String = map.next_value()?;
                return Ok(Value::Path(PathBuf::from(p)));
            }
            let v: Value = map.next_value()?;
            out.insert(k, v);
        }
        Ok(Value::Attrs(out))
    }
}

/// Deserializes a `T` from a [`Value`], like `serde_json::from_value`. Data
/// errors carry the path inside the value (there is no source location).
///
/// ```
/// #[derive(Debug, serde::Deserialize)]
/// struct Server { host: String, port: u16 }
/// let v: tvix_serde::Value = tvix_serde::from_str("{ host = \"a\"; port = 80; extra = [ ]; }").unwrap();
/// let s: Server = tvix_serde::from_value(v.clone()).unwrap();
/// assert_eq!((s.host.as_str(), s.port), ("a", 80));
///
/// let extra: Vec<u8> = tvix_serde::from_value(v["extra"].clone()).unwrap();
/// assert!(extra.is_empty());
/// let err = tvix_serde::from_value::<Server>(tvix_serde::from_str("{ host = 1; port = 80; }").unwrap()).unwrap_err();
/// assert_eq!(err.path(), Some("host"));
/// ```
///
/// # Errors
///
/// If `value` does not fit `T`.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    T::deserialize(ValueDeserializer {
        value,
        path: String::new(),
    })
}

/// A [`Value`] being deserialized, at `path`.
struct ValueDeserializer {
    value: Value,
    path: String,
}

impl ValueDeserializer {
    fn wrap<T>(&self, r: Result<T, Error>) -> Result<T, Error> {
        r.map_err(|e| e.at(&self.path, || None))
    }

    fn unexpected(&self) -> de::Unexpected<'_> {
        use de::Unexpected as U;
        match &self.value {
            Value::Null => U::Unit,
            Value::Bool(b) => U::Bool(*b),
            Value::Int(i) => U::Signed(*i),
            Value::Float(f) => U::Float(*f),
            Value::String(s) => U::Str(s),
            Value::Path(_) => U::Other("a path"),
            Value::List(_) => U::Seq,
            Value::Attrs(_) => U::Map,
        }
    }
}

impl<'de> de::Deserializer<'de> for ValueDeserializer {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let r = match &self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::String(s) => visitor.visit_str(s),
            Value::Path(p) => visitor.visit_str(&p.to_string_lossy()),
            Value::List(items) => visitor.visit_seq(Elements {
                items: items.iter(),
                index: 0,
                path: &self.path,
            }),
            Value::Attrs(attrs) => visitor.visit_map(Entries {
                entries: attrs.iter(),
                value: None,
                path: &self.path,
            }),
        };
        self.wrap(r)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => self.wrap(visitor.visit_none()),
            _ => {
                let path = self.path.clone();
                visitor.visit_some(self).map_err(|e| e.at(&path, || None))
            }
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == VALUE_TOKEN {
            if let Value::Path(p) = &self.value {
                let entries = std::iter::once((PATH_TOKEN, p.to_string_lossy().into_owned()));
                return self.wrap(visitor.visit_map(de::value::MapDeserializer::new(entries)));
            }
            return self.deserialize_any(visitor);
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.value {
            Value::String(s) => self.wrap(visitor.visit_enum(s.as_str().into_deserializer())),
            Value::Attrs(a) if a.len() == 1 => {
                let Some((name, value)) = a.iter().next() else {
                    return Err(Error::data("empty set"));
                };
                let r = visitor.visit_enum(Variant {
                    name: name.clone(),
                    de: ValueDeserializer {
                        value: value.clone(),
                        path: join_field(&self.path, name),
                    },
                });
                self.wrap(r)
            }
            _ => Err(de::Error::invalid_type(
                self.unexpected(),
                &"a string or a set with exactly one attribute (an enum)",
            ))
            .map_err(|e: Error| e.at(&self.path, || None)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

struct Elements<'a> {
    items: std::slice::Iter<'a, Value>,
    index: usize,
    path: &'a str,
}

impl<'de> SeqAccess<'de> for Elements<'_> {
    type Error = Error;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let path = format!("{}[{}]", self.path, self.index);
        self.index += 1;
        seed.deserialize(ValueDeserializer {
            value: item.clone(),
            path: path.clone(),
        })
        .map(Some)
        .map_err(|e| e.at(&path, || None))
    }
}

struct Entries<'a> {
    entries: std::collections::btree_map::Iter<'a, String, Value>,
    value: Option<(&'a String, &'a Value)>,
    path: &'a str,
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((k, v)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some((k, v));
        let path = join_field(self.path, k);
        seed.deserialize(k.as_str().into_deserializer())
            .map(Some)
            .map_err(|e: Error| e.at(&path, || None))
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((k, v)) = self.value.take() else {
            return Err(Error::data("value requested without a key"));
        };
        let path = join_field(self.path, k);
        seed.deserialize(ValueDeserializer {
            value: v.clone(),
            path: path.clone(),
        })
        .map_err(|e| e.at(&path, || None))
    }
}

/// An externally tagged enum variant held in a one-attribute set.
struct Variant {
    name: String,
    de: ValueDeserializer,
}

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = Error;
    type Variant = ValueDeserializer;

    fn variant_seed<V: de::DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, ValueDeserializer), Error> {
        let v = seed.deserialize(self.name.into_deserializer())?;
        Ok((v, self.de))
    }
}

impl<'de> de::VariantAccess<'de> for ValueDeserializer {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Deserialize::deserialize(self)
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}
