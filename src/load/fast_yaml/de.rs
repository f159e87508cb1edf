//! serde's questions answered from the tree, the way serde-saphyr answers them, or `Unsure`.

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::parse::{ambiguous, maybe_not_finite, nullish, Node};

/// Any problem, or anything this reader does not decide: serde-saphyr reads the file again.
#[derive(Debug)]
pub(super) struct Unsure;

impl std::fmt::Display for Unsure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("left to serde-saphyr")
    }
}

impl std::error::Error for Unsure {}

impl de::Error for Unsure {
    fn custom<M: std::fmt::Display>(_: M) -> Self {
        Unsure
    }
}

/// Deserializes one node, asking serde-saphyr's questions the way it answers them.
pub(super) struct De<'n, 'y>(pub(super) &'n Node<'y>);

impl<'n, 'y: 'n> De<'n, 'y> {
    /// The text of a plain scalar in the simple decimal form `-?(0|[1-9][0-9]*)(\.[0-9]+)?`
    /// (with `fraction`), which serde-saphyr and Rust read alike; anything else is unsure.
    fn decimal(&self, fraction: bool) -> Result<&'y str, Unsure> {
        let Node::Plain(text) = self.0 else {
            return Err(Unsure);
        };
        let digits = text.strip_prefix('-').unwrap_or(text);
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) if fraction => (i, Some(f)),
            Some(_) => return Err(Unsure),
            None => (digits, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let ok =
            all_digits(int) && (int == "0" || !int.starts_with('0')) && frac.is_none_or(all_digits);
        if ok {
            Ok(text)
        } else {
            Err(Unsure)
        }
    }

    /// A decimal as a float: serde-saphyr rejects one too large to be finite (310 digits),
    /// which Rust reads as infinity.
    fn finite<T: std::str::FromStr + Into<f64> + Copy>(&self) -> Result<T, Unsure> {
        let value: T = self.decimal(true)?.parse().map_err(|_| Unsure)?;
        if value.into().is_finite() {
            Ok(value)
        } else {
            Err(Unsure)
        }
    }

    fn int<T: std::str::FromStr>(&self) -> Result<T, Unsure> {
        self.decimal(false)?.parse().map_err(|_| Unsure)
    }
}

macro_rules! ints {
    ($($method:ident $visit:ident $ty:ty),*) => {$(
        fn $method<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
            visitor.$visit(self.int::<$ty>()?)
        }
    )*};
}

macro_rules! unsure {
    ($($method:ident),*) => {$(
        fn $method<V: Visitor<'n>>(self, _: V) -> Result<V::Value, Unsure> {
            Err(Unsure)
        }
    )*};
}

impl<'n, 'y: 'n> de::Deserializer<'n> for De<'n, 'y> {
    type Error = Unsure;

    /// Without a type to go by (an objective, `extra:`), as serde-saphyr: a decimal integer
    /// is `i64` when negative, else `u64`; a decimal fraction `f64`; text that YAML can read
    /// as nothing else a string. Every other plain scalar is left to serde-saphyr.
    fn deserialize_any<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        match self.0 {
            Node::Plain(text) if !ambiguous(text) => visitor.visit_borrowed_str(text),
            Node::Plain(text) if self.decimal(false).is_ok() => match text.starts_with('-') {
                true => visitor.visit_i64(self.int()?),
                false => visitor.visit_u64(self.int()?),
            },
            // A decimal fraction, or unsure.
            Node::Plain(_) => self.deserialize_f64(visitor),
            Node::Quoted(text) => visitor.visit_borrowed_str(text),
            Node::Seq(_) => self.deserialize_seq(visitor),
            Node::Map(_) => self.deserialize_map(visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        match self.0 {
            Node::Plain("true") => visitor.visit_bool(true),
            Node::Plain("false") => visitor.visit_bool(false),
            _ => Err(Unsure),
        }
    }

    ints!(deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32, deserialize_i64 visit_i64 i64,
        deserialize_u8 visit_u8 u8, deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32, deserialize_u64 visit_u64 u64);

    fn deserialize_f32<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        visitor.visit_f32(self.finite()?)
    }

    fn deserialize_f64<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        visitor.visit_f64(self.finite()?)
    }

    /// Text as written: serde-saphyr gives `2026-05-16` or `42` to a string as it stands.
    fn deserialize_str<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        match self.0 {
            Node::Plain(text) if !nullish(text) => visitor.visit_borrowed_str(text),
            Node::Quoted(text) => visitor.visit_borrowed_str(text),
            _ => Err(Unsure),
        }
    }

    fn deserialize_string<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        self.deserialize_str(visitor)
    }

    /// A plain null (`~`, `null`, nothing) is `None` (`contacts:` left empty while drafting);
    /// any other value is `Some`. Everywhere else a null is left to serde-saphyr.
    fn deserialize_option<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        match self.0 {
            Node::Plain(text) if nullish(text) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    /// serde-saphyr's `Spanned`, which an account's `ids` use to recover a key's spelling
    /// (`erp: 0000100457` is read as the number 100457), asks for a newtype of its own. Given
    /// a plain value's text as written, it takes it without a position: the spelling the
    /// loader would take from the position. Any other marked newtype is left to serde-saphyr.
    fn deserialize_newtype_struct<V: Visitor<'n>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Unsure> {
        match name {
            "__yaml_spanned" => visitor.visit_newtype_struct(AsWritten(self.0)),
            _ if name.starts_with("__") => Err(Unsure),
            _ => visitor.visit_newtype_struct(self),
        }
    }

    fn deserialize_seq<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        match self.0 {
            Node::Seq(items) => {
                let mut access = Items(items.iter());
                let value = visitor.visit_seq(&mut access)?;
                match access.0.next() {
                    None => Ok(value),
                    Some(_) => Err(Unsure),
                }
            }
            _ => Err(Unsure),
        }
    }

    fn deserialize_map<V: Visitor<'n>>(self, visitor: V) -> Result<V::Value, Unsure> {
        match self.0 {
            Node::Map(entries) => {
                let mut access = Entries {
                    entries: entries.iter(),
                    value: None,
                };
                let value = visitor.visit_map(&mut access)?;
                match access.entries.next() {
                    None => Ok(value),
                    Some(_) => Err(Unsure),
                }
            }
            _ => Err(Unsure),
        }
    }

    fn deserialize_struct<V: Visitor<'n>>(
        self,
        name: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unsure> {
        if name.starts_with("__") {
            return Err(Unsure);
        }
        self.deserialize_map(visitor)
    }

    /// Unit variants written as a plain word (`stage: won`); other forms are left.
    fn deserialize_enum<V: Visitor<'n>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unsure> {
        match self.0 {
            Node::Plain(text) if !nullish(text) => {
                visitor.visit_enum(IntoDeserializer::<Unsure>::into_deserializer(*text))
            }
            _ => Err(Unsure),
        }
    }

    unsure!(
        deserialize_char,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_unit,
        deserialize_ignored_any
    );

    fn deserialize_unit_struct<V: Visitor<'n>>(
        self,
        _: &'static str,
        _: V,
    ) -> Result<V::Value, Unsure> {
        Err(Unsure)
    }

    fn deserialize_tuple<V: Visitor<'n>>(self, _: usize, _: V) -> Result<V::Value, Unsure> {
        Err(Unsure)
    }

    fn deserialize_tuple_struct<V: Visitor<'n>>(
        self,
        _: &'static str,
        _: usize,
        _: V,
    ) -> Result<V::Value, Unsure> {
        Err(Unsure)
    }
}

/// A value for serde-saphyr's `Spanned`: a scalar as its text as written, a list of such
/// values. serde-saphyr reads a number there as a number, keeping its position, and rejects
/// null and numbers that are not finite: those are left to it.
struct AsWritten<'n, 'y>(&'n Node<'y>);

impl<'de, 'y: 'de> de::Deserializer<'de> for AsWritten<'de, 'y> {
    type Error = Unsure;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unsure> {
        match self.0 {
            Node::Plain(text) if !nullish(text) && !maybe_not_finite(text) => {
                visitor.visit_borrowed_str(text)
            }
            Node::Quoted(text) => visitor.visit_borrowed_str(text),
            Node::Seq(_) => De(self.0).deserialize_seq(visitor),
            _ => Err(Unsure),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

struct Items<'n, 'y>(std::slice::Iter<'n, Node<'y>>);

impl<'n, 'y: 'n> de::SeqAccess<'n> for Items<'n, 'y> {
    type Error = Unsure;

    fn next_element_seed<T: DeserializeSeed<'n>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Unsure> {
        self.0.next().map(|n| seed.deserialize(De(n))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries<'n, 'y> {
    entries: std::slice::Iter<'n, (Node<'y>, Node<'y>)>,
    value: Option<&'n Node<'y>>,
}

impl<'n, 'y: 'n> de::MapAccess<'n> for Entries<'n, 'y> {
    type Error = Unsure;

    fn next_key_seed<K: DeserializeSeed<'n>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Unsure> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(De(key)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'n>>(&mut self, seed: V) -> Result<V::Value, Unsure> {
        seed.deserialize(De(self.value.take().ok_or(Unsure)?))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}
