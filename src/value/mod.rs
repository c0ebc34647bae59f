//! A dynamic value that any Nix value (other than a function) deserializes
//! into, like `serde_json::Value`: the type, its accessors and its printing.

mod de;
mod raw;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

pub use de::from_value;
pub(crate) use de::{PATH_TOKEN, VALUE_TOKEN};
pub(crate) use raw::to_raw;

/// Any Nix data value. Attribute sets are sorted by name; paths stay paths.
///
/// Deserializing into `Value` evaluates everything it holds (unlike typed
/// deserialization, which forces only the fields asked for).
///
/// ```
/// use tvix_serde::Value;
/// let v: Value = tvix_serde::from_str("{ a = [ 1 2.5 null ]; b = \"x\"; p = /etc/hosts; }").unwrap();
/// assert_eq!(v["a"][1], Value::Float(2.5));
/// assert_eq!(v["p"], Value::Path("/etc/hosts".into()));
/// assert_eq!(v.get("b").and_then(Value::as_str), Some("x"));
/// assert_eq!(v.get("missing"), None);
/// assert_eq!(v.to_string(), r#"{ a = [ 1 2.5 null ]; b = "x"; p = /etc/hosts; }"#);
/// ```
#[derive(Clone, Debug)]
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

/// Compares without recursion: values from Nix may be nested 10,000 deep.
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        let mut pending = vec![(self, other)];
        while let Some(pair) = pending.pop() {
            match pair {
                (Value::Null, Value::Null) => {}
                (Value::Bool(a), Value::Bool(b)) if a == b => {}
                (Value::Int(a), Value::Int(b)) if a == b => {}
                (Value::Float(a), Value::Float(b)) if a == b => {}
                (Value::String(a), Value::String(b)) if a == b => {}
                (Value::Path(a), Value::Path(b)) if a == b => {}
                (Value::List(a), Value::List(b)) if a.len() == b.len() => {
                    pending.extend(a.iter().zip(b));
                }
                (Value::Attrs(a), Value::Attrs(b)) if a.len() == b.len() => {
                    for ((ka, va), (kb, vb)) in a.iter().zip(b) {
                        if ka != kb {
                            return false;
                        }
                        pending.push((va, vb));
                    }
                }
                _ => return false,
            }
        }
        true
    }
}

impl Value {
    /// The attribute `name` of a set; `None` if absent or not a set.
    ///
    /// ```
    /// let v: tvix_serde::Value = tvix_serde::from_str("{ port = 80; }").unwrap();
    /// assert_eq!(v.get("port").and_then(|p| p.as_i64()), Some(80));
    /// assert!(v.get("host").is_none());
    /// ```
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.as_attrs()?.get(name)
    }

    /// The string, if this is a string.
    ///
    /// ```
    /// let v: tvix_serde::Value = tvix_serde::from_str("\"web\"").unwrap();
    /// assert_eq!(v.as_str(), Some("web"));
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is an integer.
    ///
    /// ```
    /// let v: tvix_serde::Value = tvix_serde::from_str("6 * 7").unwrap();
    /// assert_eq!(v.as_i64(), Some(42));
    /// ```
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The number as a float, if this is a float or an integer.
    ///
    /// ```
    /// let v: tvix_serde::Value = tvix_serde::from_str("[ 1.5 2 ]").unwrap();
    /// assert_eq!((v[0].as_f64(), v[1].as_f64()), (Some(1.5), Some(2.0)));
    /// ```
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Float(f) => Some(*f),
            Value::Int(i) => Some(*i as f64),
            _ => None,
        }
    }

    /// The Boolean, if this is a Boolean.
    ///
    /// ```
    /// let v: tvix_serde::Value = tvix_serde::from_str("1 < 2").unwrap();
    /// assert_eq!(v.as_bool(), Some(true));
    /// ```
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The elements, if this is a list.
    ///
    /// ```
    /// let v: tvix_serde::Value = tvix_serde::from_str("[ 1 2 ]").unwrap();
    /// assert_eq!(v.as_list().map(|l| l.len()), Some(2));
    /// ```
    pub fn as_list(&self) -> Option<&Vec<Value>> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// The attributes, if this is a set.
    ///
    /// ```
    /// let v: tvix_serde::Value = tvix_serde::from_str("{ b = 1; a = 2; }").unwrap();
    /// let names: Vec<&String> = v.as_attrs().unwrap().keys().collect();
    /// assert_eq!(names, ["a", "b"]);
    /// ```
    pub fn as_attrs(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Attrs(a) => Some(a),
            _ => None,
        }
    }

    /// Whether this is `null`.
    ///
    /// ```
    /// let v: tvix_serde::Value = tvix_serde::from_str("{ a = null; }").unwrap();
    /// assert!(v["a"].is_null());
    /// ```
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// Prints the value as Nix source that evaluates back to it, on one line;
/// `{:#}` prints it indented over several lines. A value holding a
/// non-finite float, which Nix has no literal for, prints in its `Debug` form.
///
/// ```
/// let v: tvix_serde::Value = tvix_serde::from_str("{ hosts = [ \"a\" ]; }").unwrap();
/// assert_eq!(format!("{v}"), r#"{ hosts = [ "a" ]; }"#);
/// assert_eq!(format!("{v:#}"), "{\n  hosts = [\n    \"a\"\n  ];\n}");
/// ```
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match crate::ser::print(self, f.alternate()) {
            Ok(s) => f.write_str(&s),
            Err(_) => match self {
                Value::Float(x) => write!(f, "{x}"),
                other => write!(f, "{other:?}"),
            },
        }
    }
}

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
