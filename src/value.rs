//! A dynamic value that any Nix value (other than a function) deserializes
//! into, like `serde_json::Value`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::de::{self, Deserialize, MapAccess, SeqAccess, Visitor};

/// Any Nix data value. Attribute sets keep Nix's name order; paths stay paths.
///
/// ```
/// let v: tvix_serde::Value = tvix_serde::from_str("{ a = [ 1 2.5 null ]; b = \"x\"; p = /etc/hosts; }").unwrap();
/// assert_eq!(v["a"][1], tvix_serde::Value::Float(2.5));
/// assert_eq!(v["p"], tvix_serde::Value::Path("/etc/hosts".into()));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A 64-bit integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string (context dropped; invalid UTF-8 replaced).
    String(String),
    /// A path (from a path literal or path arithmetic).
    Path(PathBuf),
    /// A list.
    List(Vec<Value>),
    /// An attribute set, in Nix's name order.
    Attrs(BTreeMap<String, Value>),
}

static NULL: Value = Value::Null;

impl std::ops::Index<&str> for Value {
    type Output = Value;
    /// The attribute `name`, or `Null` if absent or not a set.
    fn index(&self, name: &str) -> &Value {
        match self {
            Value::Attrs(a) => a.get(name).unwrap_or(&NULL),
            _ => &NULL,
        }
    }
}

impl std::ops::Index<usize> for Value {
    type Output = Value;
    /// The list element `i`, or `Null` if absent or not a list.
    fn index(&self, i: usize) -> &Value {
        match self {
            Value::List(l) => l.get(i).unwrap_or(&NULL),
            _ => &NULL,
        }
    }
}

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

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Float(f) => s.serialize_f64(*f),
            Value::String(x) => s.serialize_str(x),
            Value::Path(p) => s.serialize_str(&p.to_string_lossy()),
            Value::List(l) => s.collect_seq(l),
            Value::Attrs(a) => s.collect_map(a),
        }
    }
}
