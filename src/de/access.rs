//! Serde's access traits over Nix lists, sets and enums: each element or
//! attribute value is handed out unevaluated, with its path and origin.

use std::rc::Rc;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use tvix_eval::value::NixList;
use tvix_eval::Attrs;

use super::{join_field, Deserializer};
use crate::error::Error;

/// A list's elements, in order.
pub(super) struct SeqAccess<'a, 'b> {
    de: &'a mut Deserializer<'b>,
    items: NixList,
    index: usize,
}

impl<'a, 'b> SeqAccess<'a, 'b> {
    pub(super) fn new(de: &'a mut Deserializer<'b>, items: NixList) -> Self {
        SeqAccess {
            de,
            items,
            index: 0,
        }
    }
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
        let origin = self.de.origin.elem(self.index);
        self.index += 1;
        let child = self.de.child(item, &path, origin.clone());
        // Errors without a path come from content serde buffered (untagged
        // enums and the like): they belong to this element.
        match seed.deserialize(child) {
            Ok(v) => Ok(Some(v)),
            Err(e) => Err(e.at(&path, || origin.span())),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.index)
    }
}

/// A set's attributes, in Nix's order or in the order of a struct's fields.
pub(super) struct MapAccess<'a, 'b> {
    de: &'a mut Deserializer<'b>,
    attrs: Rc<Attrs>,
    /// Indices into `attrs`, in the order to visit them (`None`: in order).
    order: Option<Vec<usize>>,
    index: usize,
}

impl<'a, 'b> MapAccess<'a, 'b> {
    pub(super) fn new(de: &'a mut Deserializer<'b>, attrs: Rc<Attrs>) -> Self {
        MapAccess {
            de,
            attrs,
            order: None,
            index: 0,
        }
    }

    /// Visits the attributes named in `fields` first, in that order. For an
    /// adjacently tagged enum (`fields` is `[tag, content]`) this reads the
    /// tag before the content, which serde then deserializes directly
    /// instead of buffering it.
    pub(super) fn fields_first(mut self, fields: &[&str]) -> Self {
        let mut order: Vec<usize> = fields
            .iter()
            .filter_map(|f| {
                let name = tvix_eval::Symbol::from_str(f);
                self.attrs.iter().position(|a| a.name == name)
            })
            .collect();
        let named = order.clone();
        order.extend((0..self.attrs.len()).filter(|i| !named.contains(i)));
        self.order = Some(order);
        self
    }

    /// The attribute to visit at step `index`.
    fn attr(&self, index: usize) -> Option<&tvix_eval::value::Attr> {
        match &self.order {
            Some(order) => self.attrs.at(*order.get(index)?),
            None => self.attrs.at(index),
        }
    }
}

impl<'de> de::MapAccess<'de> for MapAccess<'_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(attr) = self.attr(self.index) else {
            return Ok(None);
        };
        let key = attr.name.to_string();
        // A bad key (an unknown attribute, say) points at the name.
        let name = attr.pos.span();
        let path = join_field(&self.de.path, &key);
        seed.deserialize(KeyDeserializer { key })
            .map(Some)
            .map_err(|e| e.at(&path, || Some(name).filter(|s| s.is_some())))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some(attr) = self.attr(self.index).cloned() else {
            return Err(Error::data("value requested without a key"));
        };
        self.index += 1;
        let path = join_field(&self.de.path, &attr.name.to_string());
        let origin = self.de.origin.attr(&attr);
        let child = self.de.child(attr.value, &path, origin.clone());
        seed.deserialize(child)
            .map_err(|e| e.at(&path, || origin.span()))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.attrs.len() - self.index)
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

/// An externally tagged enum: `"Variant"` or `{ Variant = …; }`.
pub(super) struct EnumAccess<'a> {
    de: Deserializer<'a>,
    name: String,
}

impl<'a> EnumAccess<'a> {
    pub(super) fn new(de: Deserializer<'a>, name: String) -> Self {
        EnumAccess { de, name }
    }
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
