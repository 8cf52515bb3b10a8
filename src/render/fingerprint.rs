//! A compact binary encoding of any serialisable value, made only to be hashed: the preview's
//! page keys ([`super::memo::key`]) hash the data every page is made of at every save.
//!
//! Written by hand because the serde formats on crates.io that are this cheap (bincode,
//! postcard) fail on sequences of unknown length, and a failed encoding would give two
//! different contexts the same key. JSON, used before, spends most of its time formatting
//! floats and escaping strings that are only to be hashed.
//!
//! Every value starts with a tag byte; strings and field names carry their length; sequences,
//! maps and structs end with an end tag. So no encoding is a prefix of another one, and
//! different values of one type encode differently: a key never matches a page made of other
//! data. The encoding is not stable across versions and never leaves the process.

use serde::ser::{self, Serialize};

/// Appends the encoding of `value` to `out`.
pub fn encode(out: &mut Vec<u8>, value: &impl Serialize) {
    // Writing into memory cannot fail, and nothing here returns an error.
    let _ = value.serialize(&mut Encoder { out });
}

mod tag {
    pub const NONE: u8 = 0;
    pub const SOME: u8 = 1;
    pub const UNIT: u8 = 2;
    pub const FALSE: u8 = 3;
    pub const TRUE: u8 = 4;
    pub const INT: u8 = 5;
    pub const UINT: u8 = 6;
    pub const WIDE_INT: u8 = 7;
    pub const WIDE_UINT: u8 = 8;
    pub const FLOAT: u8 = 9;
    pub const CHAR: u8 = 10;
    pub const STR: u8 = 11;
    pub const BYTES: u8 = 12;
    pub const VARIANT: u8 = 13;
    pub const SEQ: u8 = 14;
    pub const MAP: u8 = 15;
    pub const STRUCT: u8 = 16;
    pub const END: u8 = 17;
}

struct Encoder<'o> {
    out: &'o mut Vec<u8>,
}

/// The only error type serde allows to be named here; never produced.
#[derive(Debug)]
pub struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("encoding into memory failed")
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Never
    }
}

impl Encoder<'_> {
    fn tag(&mut self, tag: u8) {
        self.out.push(tag);
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.out
            .extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        self.out.extend_from_slice(bytes);
    }

    fn variant(&mut self, index: u32) {
        self.tag(tag::VARIANT);
        self.out.extend_from_slice(&index.to_le_bytes());
    }

    fn field(&mut self, name: &'static str) {
        // Field names are written, so a field left out (`skip_serializing_if`) is told apart
        // from another one written. They are short: one length byte is enough (longer ones
        // are cut, still prefixed by their length, so still unambiguous).
        let name = &name.as_bytes()[..name.len().min(255)];
        self.out.push(name.len() as u8);
        self.out.extend_from_slice(name);
    }
}

type Result = std::result::Result<(), Never>;

impl<'a, 'o> ser::Serializer for &'a mut Encoder<'o> {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Result {
        self.tag(if v { tag::TRUE } else { tag::FALSE });
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result {
        self.serialize_i64(v.into())
    }

    fn serialize_i16(self, v: i16) -> Result {
        self.serialize_i64(v.into())
    }

    fn serialize_i32(self, v: i32) -> Result {
        self.serialize_i64(v.into())
    }

    fn serialize_i64(self, v: i64) -> Result {
        self.tag(tag::INT);
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }

    fn serialize_i128(self, v: i128) -> Result {
        self.tag(tag::WIDE_INT);
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }

    fn serialize_u8(self, v: u8) -> Result {
        self.serialize_u64(v.into())
    }

    fn serialize_u16(self, v: u16) -> Result {
        self.serialize_u64(v.into())
    }

    fn serialize_u32(self, v: u32) -> Result {
        self.serialize_u64(v.into())
    }

    fn serialize_u64(self, v: u64) -> Result {
        self.tag(tag::UINT);
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }

    fn serialize_u128(self, v: u128) -> Result {
        self.tag(tag::WIDE_UINT);
        self.out.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result {
        self.serialize_f64(v.into())
    }

    fn serialize_f64(self, v: f64) -> Result {
        self.tag(tag::FLOAT);
        self.out.extend_from_slice(&v.to_bits().to_le_bytes());
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result {
        self.tag(tag::CHAR);
        self.out.extend_from_slice(&u32::from(v).to_le_bytes());
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result {
        self.tag(tag::STR);
        self.bytes(v.as_bytes());
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result {
        self.tag(tag::BYTES);
        self.bytes(v);
        Ok(())
    }

    fn serialize_none(self) -> Result {
        self.tag(tag::NONE);
        Ok(())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result {
        self.tag(tag::SOME);
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result {
        self.tag(tag::UNIT);
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.serialize_unit()
    }

    fn serialize_unit_variant(self, _: &'static str, index: u32, _: &'static str) -> Result {
        self.variant(index);
        Ok(())
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        value: &T,
    ) -> Result {
        self.variant(index);
        value.serialize(self)
    }

    fn serialize_seq(self, _len: Option<usize>) -> std::result::Result<Self, Never> {
        self.tag(tag::SEQ);
        Ok(self)
    }

    fn serialize_tuple(self, len: usize) -> std::result::Result<Self, Never> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> std::result::Result<Self, Never> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        _len: usize,
    ) -> std::result::Result<Self, Never> {
        self.variant(index);
        self.tag(tag::SEQ);
        Ok(self)
    }

    fn serialize_map(self, _len: Option<usize>) -> std::result::Result<Self, Never> {
        self.tag(tag::MAP);
        Ok(self)
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> std::result::Result<Self, Never> {
        self.tag(tag::STRUCT);
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        _len: usize,
    ) -> std::result::Result<Self, Never> {
        self.variant(index);
        self.tag(tag::STRUCT);
        Ok(self)
    }
}

/// The compound serializers: every element encoded in turn, then the end tag.
macro_rules! elements {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for &mut Encoder<'_> {
            type Ok = ();
            type Error = Never;

            fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
                value.serialize(&mut **self)
            }

            fn end(self) -> Result {
                self.tag(tag::END);
                Ok(())
            }
        }
    )*};
}

elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// Structs: each field written as its name and value, then the end tag.
macro_rules! fields {
    ($($trait:ident),*) => {$(
        impl ser::$trait for &mut Encoder<'_> {
            type Ok = ();
            type Error = Never;

            fn serialize_field<T: ?Sized + Serialize>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result {
                self.field(key);
                value.serialize(&mut **self)
            }

            fn end(self) -> Result {
                self.tag(tag::END);
                Ok(())
            }
        }
    )*};
}

fields!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for &mut Encoder<'_> {
    type Ok = ();
    type Error = Never;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result {
        key.serialize(&mut **self)
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
        value.serialize(&mut **self)
    }

    fn end(self) -> Result {
        self.tag(tag::END);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn bytes(value: &impl Serialize) -> Vec<u8> {
        let mut out = Vec::new();
        encode(&mut out, value);
        out
    }

    #[derive(serde::Serialize)]
    struct Optional {
        #[serde(skip_serializing_if = "Option::is_none")]
        a: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        b: Option<u32>,
    }

    #[test]
    fn values_that_differ_encode_differently() {
        let distinct: Vec<Vec<u8>> = vec![
            bytes(&json!(null)),
            bytes(&json!(0)),
            bytes(&json!(0.0)),
            bytes(&json!(-0.0)),
            bytes(&json!(1)),
            bytes(&json!("")),
            bytes(&json!("a")),
            bytes(&json!(["a", "b"])),
            bytes(&json!(["ab"])),
            // Text holding the bytes of tags: only the lengths tell these apart.
            bytes(&json!(["a\u{b}b"])),
            bytes(&json!(["a\u{b}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{1}b"])),
            bytes(&json!([["a"], "b"])),
            bytes(&json!([["a", "b"]])),
            bytes(&json!({"a": "b"})),
            bytes(&json!({"ab": ""})),
            bytes(&json!([])),
            bytes(&json!({})),
            bytes(&(Some(1u8), None::<u8>)),
            bytes(&(None::<u8>, Some(1u8))),
            bytes(&Optional {
                a: Some(1),
                b: None,
            }),
            bytes(&Optional {
                a: None,
                b: Some(1),
            }),
            bytes(&Optional { a: None, b: None }),
        ];
        for (i, a) in distinct.iter().enumerate() {
            for b in &distinct[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn a_sequence_of_unknown_length_is_encoded_whole() {
        struct Unsized(Vec<u32>);
        impl Serialize for Unsized {
            fn serialize<S: ser::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.collect_seq(self.0.iter().filter(|_| true))
            }
        }
        assert_ne!(bytes(&Unsized(vec![1, 2])), bytes(&Unsized(vec![1, 3])));
        assert_eq!(bytes(&Unsized(vec![1, 2])), bytes(&vec![1u32, 2]));
    }

    #[test]
    fn equal_values_encode_equally() {
        let map: BTreeMap<&str, f64> = [("x", 1.5), ("y", -2.0)].into_iter().collect();
        assert_eq!(bytes(&map), bytes(&json!({"x": 1.5, "y": -2.0})));
        assert_eq!(bytes(&("t", 1u8, 2.5f32)), bytes(&("t", 1u64, 2.5f64)));
    }
}
