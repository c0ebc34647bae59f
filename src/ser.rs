//! Rust → Nix source: any `T: Serialize` becomes a [`Value`] tree, printed as
//! a Nix expression that evaluates back to an equal value.

use std::collections::BTreeMap;

use serde::ser::{self, Serialize};

use crate::{Error, Value};

/// Converts any serializable value to a [`Value`].
///
/// ```
/// let v = tvix_serde::to_value(&vec![("a", 1)]).unwrap();
/// assert_eq!(v.to_string(), r#"[ [ "a" 1 ] ]"#);
/// ```
///
/// # Errors
///
/// If a map key is not a string or number.
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, Error> {
    value.serialize(PLAIN)
}

/// Converts the result of a Rust builtin: like [`to_value`], except that a
/// top-level `Result` is an outcome, not data: `Ok(v)` gives `v`, and
/// `Err(e)` fails with `e` (as a string, or printed as Nix) as the message.
pub(crate) fn to_outcome<T: Serialize + ?Sized>(value: &T) -> Result<Value, Error> {
    value.serialize(ValueSerializer { outcome: true })
}

/// Writes `value` as Nix source on one line; evaluating it gives `value` back.
///
/// ```
/// #[derive(serde::Serialize)]
/// struct S { name: &'static str, ports: Vec<i32> }
/// let src = tvix_serde::to_string(&S { name: "a\"b", ports: vec![80, -1] }).unwrap();
/// assert_eq!(src, r#"{ name = "a\"b"; ports = [ 80 (-1) ]; }"#);
/// ```
///
/// # Errors
///
/// If `value` holds what Nix cannot write (a non-finite float, a map key
/// that is not a string or number).
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    print(&to_value(value)?, false)
}

/// Writes `value` as indented, multi-line Nix source.
///
/// ```
/// let mut m = std::collections::BTreeMap::new();
/// m.insert("hosts", vec!["a", "b"]);
/// assert_eq!(
///     tvix_serde::to_string_pretty(&m).unwrap(),
///     "{\n  hosts = [\n    \"a\"\n    \"b\"\n  ];\n}"
/// );
/// ```
///
/// # Errors
///
/// As [`to_string`].
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    print(&to_value(value)?, true)
}

/// Prints a value as Nix source on one line.
pub(crate) fn print(v: &Value, pretty: bool) -> Result<String, Error> {
    let mut out = String::new();
    write_value(v, pretty, 0, &mut out)?;
    Ok(out)
}

fn write_string(s: &str, out: &mut String) {
    let mut b = Vec::new();
    tvix_eval::value::escape_string(s.as_bytes(), &mut b);
    out.push_str(&String::from_utf8_lossy(&b));
}

const KEYWORDS: &[&str] = &[
    "if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or",
];

fn write_name(name: &str, out: &mut String) {
    let mut chars = name.chars();
    let ident = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '\'' || c == '-')
        && !KEYWORDS.contains(&name);
    if ident {
        out.push_str(name);
    } else {
        write_string(name, out);
    }
}

fn write_float(f: f64, out: &mut String) -> Result<(), Error> {
    if !f.is_finite() {
        return Err(Error::data(format!(
            "cannot write the float {f} as Nix source"
        )));
    }
    // `{:?}` round-trips; Nix float literals need a dot before any exponent.
    let mut s = format!("{f:?}");
    if !s.contains('.') {
        match s.find('e') {
            Some(i) => s.insert_str(i, ".0"),
            None => s.push_str(".0"),
        }
    }
    if f < 0.0 {
        out.push('(');
        out.push_str(&s);
        out.push(')');
    } else {
        out.push_str(&s);
    }
    Ok(())
}

fn newline(pretty: bool, indent: usize, out: &mut String) {
    if pretty {
        out.push('\n');
        out.push_str(&"  ".repeat(indent));
    } else {
        out.push(' ');
    }
}

fn write_value(v: &Value, pretty: bool, indent: usize, out: &mut String) -> Result<(), Error> {
    // Deep values (10,000 levels come back from Nix) must not exhaust the stack.
    stacker::maybe_grow(GROW_RED_ZONE, GROW_SEGMENT, || {
        write_value_here(v, pretty, indent, out)
    })
}

/// Stack kept free before recursing into a nested value, and the segment
/// added when less is left.
pub(crate) const GROW_RED_ZONE: usize = 64 * 1024;
pub(crate) const GROW_SEGMENT: usize = 2 * 1024 * 1024;

fn write_value_here(v: &Value, pretty: bool, indent: usize, out: &mut String) -> Result<(), Error> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) if *i < 0 => out.push_str(&format!("({i})")),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => write_float(*f, out)?,
        Value::String(s) => write_string(s, out),
        Value::Path(p) => {
            let s = p.to_string_lossy();
            let plain = s.starts_with('/')
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c));
            if plain && s.len() > 1 {
                out.push_str(&s);
            } else {
                out.push_str("(/. + ");
                write_string(&s, out);
                out.push(')');
            }
        }
        Value::List(l) => {
            if l.is_empty() {
                out.push_str("[ ]");
                return Ok(());
            }
            out.push('[');
            for item in l {
                newline(pretty, indent + 1, out);
                write_value(item, pretty, indent + 1, out)?;
            }
            newline(pretty, indent, out);
            out.push(']');
        }
        Value::Attrs(a) => {
            if a.is_empty() {
                out.push_str("{ }");
                return Ok(());
            }
            out.push('{');
            for (k, item) in a {
                newline(pretty, indent + 1, out);
                write_name(k, out);
                out.push_str(" = ");
                write_value(item, pretty, indent + 1, out)?;
                out.push(';');
            }
            newline(pretty, indent, out);
            out.push('}');
        }
    }
    Ok(())
}

#[derive(Clone, Copy)]
struct ValueSerializer {
    /// Whether a `Result` here is an outcome (see [`to_outcome`]).
    outcome: bool,
}

/// The serializer for data.
const PLAIN: ValueSerializer = ValueSerializer { outcome: false };

fn key_string(v: Value) -> Result<String, Error> {
    match v {
        Value::String(s) => Ok(s),
        Value::Int(i) => Ok(i.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(Error::data(format!(
            "attribute names must be strings, found {other:?}"
        ))),
    }
}

fn tagged(variant: &str, v: Value) -> Value {
    Value::Attrs(BTreeMap::from([(variant.to_string(), v)]))
}

impl ser::Serializer for ValueSerializer {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = SeqSer;
    type SerializeTuple = SeqSer;
    type SerializeTupleStruct = SeqSer;
    type SerializeTupleVariant = SeqSer;
    type SerializeMap = MapSer;
    type SerializeStruct = MapSer;
    type SerializeStructVariant = MapSer;

    fn serialize_bool(self, v: bool) -> Result<Value, Error> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<Value, Error> {
        Ok(Value::Int(v))
    }
    fn serialize_i128(self, v: i128) -> Result<Value, Error> {
        i64::try_from(v)
            .map(Value::Int)
            .map_err(|_| Error::data(format!("integer {v} does not fit a Nix integer")))
    }
    fn serialize_u8(self, v: u8) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<Value, Error> {
        i64::try_from(v)
            .map(Value::Int)
            .map_err(|_| Error::data(format!("integer {v} does not fit a Nix integer")))
    }
    fn serialize_u128(self, v: u128) -> Result<Value, Error> {
        i64::try_from(v)
            .map(Value::Int)
            .map_err(|_| Error::data(format!("integer {v} does not fit a Nix integer")))
    }
    fn serialize_f32(self, v: f32) -> Result<Value, Error> {
        Ok(Value::Float(v.into()))
    }
    fn serialize_f64(self, v: f64) -> Result<Value, Error> {
        Ok(Value::Float(v))
    }
    fn serialize_char(self, v: char) -> Result<Value, Error> {
        Ok(Value::String(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Value, Error> {
        Ok(Value::String(v.to_string()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value, Error> {
        String::from_utf8(v.to_vec())
            .map(Value::String)
            .map_err(|_| Error::data("bytes that are not UTF-8 cannot be written as Nix source"))
    }
    fn serialize_none(self) -> Result<Value, Error> {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Value, Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, Error> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Value, Error> {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Value, Error> {
        Ok(Value::String(variant.to_string()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<Value, Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<Value, Error> {
        if self.outcome && name == "Result" {
            match variant {
                "Ok" => return v.serialize(PLAIN),
                "Err" => {
                    let message = match v.serialize(PLAIN)? {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    return Err(Error::failed(message));
                }
                _ => {}
            }
        }
        Ok(tagged(variant, v.serialize(PLAIN)?))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer, Error> {
        Ok(SeqSer {
            items: Vec::with_capacity(len.unwrap_or(0)),
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSer, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<SeqSer, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SeqSer, Error> {
        Ok(SeqSer {
            items: Vec::with_capacity(len),
            variant: Some(variant),
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<MapSer, Error> {
        Ok(MapSer {
            map: BTreeMap::new(),
            key: None,
            variant: None,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<MapSer, Error> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<MapSer, Error> {
        Ok(MapSer {
            map: BTreeMap::new(),
            key: None,
            variant: Some(variant),
        })
    }
}

struct SeqSer {
    items: Vec<Value>,
    variant: Option<&'static str>,
}

impl SeqSer {
    fn push<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let item = stacker::maybe_grow(GROW_RED_ZONE, GROW_SEGMENT, || v.serialize(PLAIN))?;
        self.items.push(item);
        Ok(())
    }
    fn done(self) -> Result<Value, Error> {
        let list = Value::List(self.items);
        Ok(match self.variant {
            Some(v) => tagged(v, list),
            None => list,
        })
    }
}

/// The four sequence-like serializer traits all append an element.
macro_rules! seq_like {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for SeqSer {
            type Ok = Value;
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
                self.push(v)
            }
            fn end(self) -> Result<Value, Error> {
                self.done()
            }
        }
    )*};
}

seq_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

struct MapSer {
    map: BTreeMap<String, Value>,
    key: Option<String>,
    variant: Option<&'static str>,
}

impl MapSer {
    fn done(self) -> Result<Value, Error> {
        let set = Value::Attrs(self.map);
        Ok(match self.variant {
            Some(v) => tagged(v, set),
            None => set,
        })
    }
}

impl ser::SerializeMap for MapSer {
    type Ok = Value;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), Error> {
        self.key = Some(key_string(k.serialize(PLAIN)?)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let k = self
            .key
            .take()
            .ok_or_else(|| Error::data("map value without a key"))?;
        let v = stacker::maybe_grow(GROW_RED_ZONE, GROW_SEGMENT, || v.serialize(PLAIN))?;
        self.map.insert(k, v);
        Ok(())
    }
    fn end(self) -> Result<Value, Error> {
        self.done()
    }
}
/// Structs and struct variants insert a named field.
macro_rules! struct_like {
    ($($trait:ident),*) => {$(
        impl ser::$trait for MapSer {
            type Ok = Value;
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, k: &'static str, v: &T) -> Result<(), Error> {
                let v = stacker::maybe_grow(GROW_RED_ZONE, GROW_SEGMENT, || v.serialize(PLAIN))?;
                self.map.insert(k.to_string(), v);
                Ok(())
            }
            fn end(self) -> Result<Value, Error> {
                self.done()
            }
        }
    )*};
}

struct_like!(SerializeStruct, SerializeStructVariant);
