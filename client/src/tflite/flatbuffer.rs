//! A small, defensive reader for the FlatBuffers binary format.
//!
//! Only what is needed to read a schema-less view of a buffer is implemented:
//! tables (with their vtables), scalar fields with defaults, offsets to
//! sub-tables, vectors of scalars, of tables and of strings, strings, and
//! unions (a `u8` type field followed by an offset field).
//!
//! Every read is bounds-checked and returns a [`FlatbufferError`] naming the
//! offset at which the problem was found. Nothing here panics on any input,
//! and nothing allocates memory in proportion to a length read from the
//! buffer: a vector's length is checked against the bytes actually present
//! before a caller can iterate over it or copy it out.
//!
//! Offsets to sub-objects (`uoffset_t`) are unsigned and must be non-zero, so
//! following them always moves strictly forward through the buffer; a chain of
//! them therefore cannot loop. As an extra guard every table carries its
//! nesting depth, and reading a table deeper than [`MAX_DEPTH`] fails.
//!
//! All multi-byte values are little-endian, as the format prescribes.
//! Alignment is not required: values are assembled byte by byte.

use std::fmt;
use std::marker::PhantomData;

/// How deeply tables may be nested below the root table.
pub const MAX_DEPTH: u32 = 64;

/// Size in bytes of an offset (`uoffset_t` / `soffset_t`) and of a vector or
/// string length prefix.
const OFFSET_SIZE: usize = 4;

/// What kind of problem a [`FlatbufferError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlatbufferErrorKind {
    /// A read would go past the end of the file.
    OutOfBounds,
    /// The bytes are present but do not form a valid FlatBuffers structure.
    Malformed,
    /// Tables are nested more deeply than [`MAX_DEPTH`].
    TooDeep,
}

/// An error found while reading a flatbuffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlatbufferError {
    kind: FlatbufferErrorKind,
    offset: usize,
    message: String,
}

impl FlatbufferError {
    fn new(kind: FlatbufferErrorKind, offset: usize, message: impl Into<String>) -> Self {
        FlatbufferError {
            kind,
            offset,
            message: message.into(),
        }
    }

    fn out_of_bounds(offset: usize, message: impl Into<String>) -> Self {
        Self::new(FlatbufferErrorKind::OutOfBounds, offset, message)
    }

    fn malformed(offset: usize, message: impl Into<String>) -> Self {
        Self::new(FlatbufferErrorKind::Malformed, offset, message)
    }

    /// The kind of problem.
    pub fn kind(&self) -> FlatbufferErrorKind {
        self.kind
    }

    /// The byte offset in the buffer at which the problem was found.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// A description of the problem, without the offset.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for FlatbufferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (offset {:#x})", self.message, self.offset)
    }
}

impl std::error::Error for FlatbufferError {}

/// Result type of this module.
pub type Result<T> = std::result::Result<T, FlatbufferError>;

/// A fixed-size little-endian value that can be stored in a table field or a
/// vector.
pub trait Scalar: Copy + 'static {
    /// Size of the encoded value in bytes.
    const SIZE: usize;
    /// Decodes the value from exactly `SIZE` bytes; `None` if `bytes` has
    /// another length.
    fn from_le_slice(bytes: &[u8]) -> Option<Self>;
}

macro_rules! impl_scalar {
    ($($t:ty),* $(,)?) => {$(
        impl Scalar for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            fn from_le_slice(bytes: &[u8]) -> Option<Self> {
                let arr: [u8; std::mem::size_of::<$t>()] = bytes.try_into().ok()?;
                Some(<$t>::from_le_bytes(arr))
            }
        }
    )*};
}

impl_scalar!(u8, i8, u16, i16, u32, i32, u64, i64, f32, f64);

impl Scalar for bool {
    const SIZE: usize = 1;
    fn from_le_slice(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [b] => Some(*b != 0),
            _ => None,
        }
    }
}

/// A borrowed view of a whole flatbuffer.
#[derive(Clone, Copy)]
pub struct Buf<'a> {
    data: &'a [u8],
}

impl fmt::Debug for Buf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Buf({} bytes)", self.data.len())
    }
}

impl<'a> Buf<'a> {
    /// Wraps a byte slice. Nothing is read yet.
    pub fn new(data: &'a [u8]) -> Self {
        Buf { data }
    }

    /// Length of the buffer in bytes.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether the buffer is empty.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The underlying bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.data
    }

    /// `len` bytes starting at `offset`, or an error naming `what` if they are
    /// not all inside the buffer.
    pub fn slice(&self, offset: usize, len: usize, what: &str) -> Result<&'a [u8]> {
        let end = offset.checked_add(len).ok_or_else(|| {
            FlatbufferError::out_of_bounds(
                offset,
                format!("{what} of {len} bytes has an end that overflows"),
            )
        })?;
        self.data.get(offset..end).ok_or_else(|| {
            FlatbufferError::out_of_bounds(
                offset,
                format!(
                    "{what} of {len} bytes runs past the end of the file ({} bytes)",
                    self.data.len()
                ),
            )
        })
    }

    /// Reads a scalar at `offset`.
    pub fn read<T: Scalar>(&self, offset: usize, what: &str) -> Result<T> {
        let bytes = self.slice(offset, T::SIZE, what)?;
        T::from_le_slice(bytes).ok_or_else(|| {
            FlatbufferError::malformed(offset, format!("{what}: cannot decode value"))
        })
    }

    /// Follows the `uoffset_t` stored at `pos`, returning the absolute
    /// position it points to. The offset must be non-zero (a zero offset would
    /// point at itself) and the target must lie inside the buffer.
    pub fn follow(&self, pos: usize, what: &str) -> Result<usize> {
        let rel = self.read::<u32>(pos, what)?;
        if rel == 0 {
            return Err(FlatbufferError::malformed(
                pos,
                format!("{what} is a zero offset"),
            ));
        }
        let target = usize::try_from(rel)
            .ok()
            .and_then(|r| pos.checked_add(r))
            .ok_or_else(|| FlatbufferError::out_of_bounds(pos, format!("{what} overflows")))?;
        if target >= self.data.len() {
            return Err(FlatbufferError::out_of_bounds(
                pos,
                format!(
                    "{what} points to {target:#x}, past the end of the file ({} bytes)",
                    self.data.len()
                ),
            ));
        }
        Ok(target)
    }

    /// The 4-byte file identifier stored after the root offset, if the buffer
    /// is long enough to hold one.
    pub fn file_identifier(&self) -> Option<[u8; 4]> {
        self.data.get(4..8)?.try_into().ok()
    }

    /// The root table, found through the offset at the start of the file.
    pub fn root(&self) -> Result<Table<'a>> {
        let pos = self.follow(0, "root table offset")?;
        self.table_at(pos, 0)
    }

    /// Reads the table whose start (its `soffset_t` to the vtable) is at
    /// `pos`, checking its vtable and inline size against the buffer.
    pub fn table_at(&self, pos: usize, depth: u32) -> Result<Table<'a>> {
        if depth > MAX_DEPTH {
            return Err(FlatbufferError::new(
                FlatbufferErrorKind::TooDeep,
                pos,
                format!("tables nested more than {MAX_DEPTH} deep"),
            ));
        }
        let soffset = self.read::<i32>(pos, "table's vtable offset")?;
        // The vtable lives at `pos - soffset`.
        let vtable = i64::try_from(pos)
            .ok()
            .and_then(|p| p.checked_sub(i64::from(soffset)))
            .and_then(|v| usize::try_from(v).ok())
            .ok_or_else(|| {
                FlatbufferError::out_of_bounds(
                    pos,
                    format!("table's vtable offset {soffset} points before the start of the file"),
                )
            })?;
        let vtable_size = usize::from(self.read::<u16>(vtable, "vtable size").map_err(|_| {
            FlatbufferError::out_of_bounds(
                pos,
                format!(
                    "table's vtable at {vtable:#x} is outside the file ({} bytes)",
                    self.data.len()
                ),
            )
        })?);
        if vtable_size < 4 || vtable_size % 2 != 0 {
            return Err(FlatbufferError::malformed(
                vtable,
                format!("vtable size {vtable_size} is not an even number of at least 4"),
            ));
        }
        self.slice(vtable, vtable_size, "vtable")?;
        let table_size = usize::from(self.read::<u16>(vtable + 2, "table size in vtable")?);
        if table_size < OFFSET_SIZE {
            return Err(FlatbufferError::malformed(
                vtable,
                format!("vtable gives a table size of {table_size}, less than the 4-byte header"),
            ));
        }
        self.slice(pos, table_size, "table")?;
        Ok(Table {
            buf: *self,
            pos,
            vtable,
            num_fields: (vtable_size - 4) / 2,
            size: table_size,
            depth,
        })
    }

    /// Checks that a vector of `elem_size`-byte elements with its length prefix
    /// at `pos` fits in the buffer, returning the position of its first element
    /// and its length.
    fn vector_bounds(&self, pos: usize, elem_size: usize, what: &str) -> Result<(usize, usize)> {
        let len = self.read::<u32>(pos, "length").map_err(|_| {
            FlatbufferError::out_of_bounds(
                pos,
                format!(
                    "{what}'s length runs past the end of the file ({} bytes)",
                    self.data.len()
                ),
            )
        })?;
        let len = usize::try_from(len)
            .map_err(|_| FlatbufferError::out_of_bounds(pos, format!("{what} is too long")))?;
        let start = pos + OFFSET_SIZE; // cannot overflow: pos + 4 was just read
        let bytes = len.checked_mul(elem_size).ok_or_else(|| {
            FlatbufferError::out_of_bounds(pos, format!("{what} of {len} elements is too long"))
        })?;
        let fits = start
            .checked_add(bytes)
            .is_some_and(|end| end <= self.data.len());
        if !fits {
            let extent = if elem_size == 1 {
                format!("{len} bytes")
            } else {
                format!("{len} elements of {elem_size} bytes")
            };
            return Err(FlatbufferError::out_of_bounds(
                pos,
                format!(
                    "{what} runs past the end of the file ({extent}, file is {} bytes)",
                    self.data.len()
                ),
            ));
        }
        Ok((start, len))
    }

    /// Reads the string whose length prefix is at `pos`.
    pub fn string_at(&self, pos: usize, what: &str) -> Result<&'a str> {
        let (start, len) = self.vector_bounds(pos, 1, what)?;
        let bytes = self.slice(start, len, what)?;
        match self.data.get(start + len) {
            Some(0) => {}
            Some(_) => {
                return Err(FlatbufferError::malformed(
                    pos,
                    format!("{what} is not followed by a terminating zero byte"),
                ))
            }
            None => {
                return Err(FlatbufferError::out_of_bounds(
                    pos,
                    format!("{what}'s terminating zero byte is past the end of the file"),
                ))
            }
        }
        std::str::from_utf8(bytes).map_err(|e| {
            FlatbufferError::malformed(
                start + e.valid_up_to(),
                format!("{what} is not valid UTF-8"),
            )
        })
    }
}

/// A table: a vtable-described record of optional fields.
#[derive(Clone, Copy, Debug)]
pub struct Table<'a> {
    buf: Buf<'a>,
    pos: usize,
    vtable: usize,
    num_fields: usize,
    size: usize,
    depth: u32,
}

impl<'a> Table<'a> {
    /// Absolute position of the table in the buffer.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Nesting depth of the table (the root table is at depth 0).
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// The buffer this table belongs to.
    pub fn buf(&self) -> Buf<'a> {
        self.buf
    }

    /// Absolute position of field `id`'s inline data, or `None` if the field
    /// is absent. Checks that `size` bytes of inline data fit in the table.
    fn field_pos(&self, id: u16, size: usize) -> Result<Option<usize>> {
        let id = usize::from(id);
        if id >= self.num_fields {
            return Ok(None);
        }
        let entry = self.vtable + 4 + 2 * id; // inside the vtable, checked in table_at
        let rel = usize::from(self.buf.read::<u16>(entry, "vtable entry")?);
        if rel == 0 {
            return Ok(None);
        }
        if rel < OFFSET_SIZE || rel.checked_add(size).is_none_or(|end| end > self.size) {
            return Err(FlatbufferError::malformed(
                entry,
                format!(
                    "field {id} of the table at {:#x} is at offset {rel} with {size} bytes, outside the table's {} bytes",
                    self.pos, self.size
                ),
            ));
        }
        Ok(Some(self.pos + rel))
    }

    /// Whether field `id` is present.
    pub fn has_field(&self, id: u16) -> Result<bool> {
        Ok(self.field_pos(id, 0)?.is_some())
    }

    /// Reads a scalar field, or `default` if it is absent.
    pub fn scalar<T: Scalar>(&self, id: u16, default: T) -> Result<T> {
        match self.field_pos(id, T::SIZE)? {
            Some(p) => self.buf.read::<T>(p, "scalar field"),
            None => Ok(default),
        }
    }

    /// Follows an offset field, returning the absolute target position.
    fn offset_field(&self, id: u16, what: &str) -> Result<Option<usize>> {
        match self.field_pos(id, OFFSET_SIZE)? {
            Some(p) => self.buf.follow(p, what).map(Some),
            None => Ok(None),
        }
    }

    /// Reads a sub-table field.
    pub fn table(&self, id: u16) -> Result<Option<Table<'a>>> {
        match self.offset_field(id, "offset to sub-table")? {
            Some(p) => self.buf.table_at(p, self.depth + 1).map(Some),
            None => Ok(None),
        }
    }

    /// Reads a string field.
    pub fn string(&self, id: u16) -> Result<Option<&'a str>> {
        match self.offset_field(id, "offset to string")? {
            Some(p) => self.buf.string_at(p, "string").map(Some),
            None => Ok(None),
        }
    }

    /// Reads a vector-of-scalars field.
    pub fn vector<T: Scalar>(&self, id: u16) -> Result<Option<Vector<'a, T>>> {
        match self.offset_field(id, "offset to vector")? {
            Some(p) => {
                let (start, len) = self.buf.vector_bounds(p, T::SIZE, "vector")?;
                Ok(Some(Vector {
                    buf: self.buf,
                    start,
                    len,
                    _elem: PhantomData,
                }))
            }
            None => Ok(None),
        }
    }

    /// Reads a `[ubyte]` field as a byte slice.
    pub fn bytes(&self, id: u16) -> Result<Option<&'a [u8]>> {
        match self.vector::<u8>(id)? {
            Some(v) => v.as_bytes().map(Some),
            None => Ok(None),
        }
    }

    /// Reads a vector-of-tables field.
    pub fn table_vector(&self, id: u16) -> Result<Option<TableVector<'a>>> {
        match self.offset_field(id, "offset to vector of tables")? {
            Some(p) => {
                let (start, len) = self.buf.vector_bounds(p, OFFSET_SIZE, "vector of tables")?;
                Ok(Some(TableVector {
                    buf: self.buf,
                    start,
                    len,
                    depth: self.depth + 1,
                }))
            }
            None => Ok(None),
        }
    }

    /// Reads a vector-of-strings field.
    pub fn string_vector(&self, id: u16) -> Result<Option<StringVector<'a>>> {
        match self.offset_field(id, "offset to vector of strings")? {
            Some(p) => {
                let (start, len) = self
                    .buf
                    .vector_bounds(p, OFFSET_SIZE, "vector of strings")?;
                Ok(Some(StringVector {
                    buf: self.buf,
                    start,
                    len,
                }))
            }
            None => Ok(None),
        }
    }

    /// Reads a union: the `u8` type field `type_id` and the table field
    /// `value_id` (by FlatBuffers convention `value_id == type_id + 1`).
    ///
    /// Returns `None` when the type is 0 (`NONE`). When the type is set the
    /// value table is returned if present, or `None` in the second position
    /// if the value field is missing.
    pub fn union(&self, type_id: u16, value_id: u16) -> Result<Option<(u8, Option<Table<'a>>)>> {
        let kind = self.scalar::<u8>(type_id, 0)?;
        if kind == 0 {
            return Ok(None);
        }
        let value = self.table(value_id)?;
        Ok(Some((kind, value)))
    }
}

/// A bounds-checked vector of scalars.
#[derive(Clone, Copy)]
pub struct Vector<'a, T: Scalar> {
    buf: Buf<'a>,
    start: usize,
    len: usize,
    _elem: PhantomData<T>,
}

impl<T: Scalar> fmt::Debug for Vector<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Vector(len {} at {:#x})", self.len, self.start)
    }
}

impl<'a, T: Scalar> Vector<'a, T> {
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the vector has no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Absolute position of the first element.
    pub fn position(&self) -> usize {
        self.start
    }

    /// Element `i`.
    pub fn get(&self, i: usize) -> Result<T> {
        if i >= self.len {
            return Err(FlatbufferError::out_of_bounds(
                self.start,
                format!(
                    "index {i} out of range for a vector of {} elements",
                    self.len
                ),
            ));
        }
        self.buf
            .read::<T>(self.start + i * T::SIZE, "vector element")
    }

    /// Iterates over the elements.
    pub fn iter(&self) -> impl Iterator<Item = Result<T>> + 'a {
        let v = *self;
        (0..v.len).map(move |i| v.get(i))
    }

    /// Copies the elements out. The allocation is bounded by the buffer size,
    /// as the vector's extent was checked when it was read.
    pub fn to_vec(&self) -> Result<Vec<T>> {
        let mut out = Vec::with_capacity(self.len);
        for i in 0..self.len {
            out.push(self.get(i)?);
        }
        Ok(out)
    }

    /// The raw little-endian bytes of the elements.
    pub fn as_bytes(&self) -> Result<&'a [u8]> {
        self.buf
            .slice(self.start, self.len * T::SIZE, "vector data")
    }
}

/// A bounds-checked vector of tables.
#[derive(Clone, Copy, Debug)]
pub struct TableVector<'a> {
    buf: Buf<'a>,
    start: usize,
    len: usize,
    depth: u32,
}

impl<'a> TableVector<'a> {
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the vector has no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Table `i`.
    pub fn get(&self, i: usize) -> Result<Table<'a>> {
        if i >= self.len {
            return Err(FlatbufferError::out_of_bounds(
                self.start,
                format!("index {i} out of range for a vector of {} tables", self.len),
            ));
        }
        let p = self
            .buf
            .follow(self.start + i * OFFSET_SIZE, "offset to table in vector")?;
        self.buf.table_at(p, self.depth)
    }

    /// Iterates over the tables.
    pub fn iter(&self) -> impl Iterator<Item = Result<Table<'a>>> + 'a {
        let v = *self;
        (0..v.len).map(move |i| v.get(i))
    }
}

/// A bounds-checked vector of strings.
#[derive(Clone, Copy, Debug)]
pub struct StringVector<'a> {
    buf: Buf<'a>,
    start: usize,
    len: usize,
}

impl<'a> StringVector<'a> {
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the vector has no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// String `i`.
    pub fn get(&self, i: usize) -> Result<&'a str> {
        if i >= self.len {
            return Err(FlatbufferError::out_of_bounds(
                self.start,
                format!(
                    "index {i} out of range for a vector of {} strings",
                    self.len
                ),
            ));
        }
        let p = self
            .buf
            .follow(self.start + i * OFFSET_SIZE, "offset to string in vector")?;
        self.buf.string_at(p, "string in vector")
    }

    /// Iterates over the strings.
    pub fn iter(&self) -> impl Iterator<Item = Result<&'a str>> + 'a {
        let v = *self;
        (0..v.len).map(move |i| v.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table with one vtable and fields: 0 = u32 7, 1 absent, 2 = offset to
    /// string "hi", 3 = offset to [i32] {1, -2}.
    fn sample() -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&20u32.to_le_bytes()); // root table at 20
        b.extend_from_slice(&[0; 4]); // identifier slot
                                      // vtable at 8..20: size 12, table size 16, fields at 4, 0, 8, 12
        for v in [12u16, 16, 4, 0, 8, 12] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        // table at 20; its vtable is at 20 - 12 = 8
        b.extend_from_slice(&12i32.to_le_bytes());
        b.extend_from_slice(&7u32.to_le_bytes()); // field 0 at 24
        b.extend_from_slice(&8u32.to_le_bytes()); // field 2 at 28 -> 36
        b.extend_from_slice(&12u32.to_le_bytes()); // field 3 at 32 -> 44
                                                   // string at 36
        b.extend_from_slice(&2u32.to_le_bytes());
        b.extend_from_slice(b"hi\0\0");
        // vector at 44
        b.extend_from_slice(&2u32.to_le_bytes());
        b.extend_from_slice(&1i32.to_le_bytes());
        b.extend_from_slice(&(-2i32).to_le_bytes());
        b
    }

    #[test]
    fn reads_fields() {
        let data = sample();
        let buf = Buf::new(&data);
        let t = buf.root().unwrap();
        assert_eq!(t.scalar::<u32>(0, 0).unwrap(), 7);
        assert_eq!(t.scalar::<u32>(1, 99).unwrap(), 99);
        assert_eq!(t.scalar::<u32>(9, 5).unwrap(), 5);
        assert_eq!(t.string(2).unwrap(), Some("hi"));
        assert_eq!(
            t.vector::<i32>(3).unwrap().unwrap().to_vec().unwrap(),
            vec![1, -2]
        );
        assert!(t.string(1).unwrap().is_none());
    }

    #[test]
    fn every_prefix_errors_or_reads() {
        let data = sample();
        for n in 0..data.len() {
            let buf = Buf::new(&data[..n]);
            let r = buf.root().and_then(|t| {
                t.scalar::<u32>(0, 0)?;
                t.string(2)?;
                t.vector::<i32>(3)?.map(|v| v.to_vec()).transpose()?;
                Ok(())
            });
            assert!(r.is_err(), "prefix {n} read successfully");
        }
    }

    #[test]
    fn huge_vector_length_is_refused_without_allocating() {
        let mut data = sample();
        data[44..48].copy_from_slice(&u32::MAX.to_le_bytes());
        let buf = Buf::new(&data);
        let t = buf.root().unwrap();
        let e = t.vector::<i32>(3).unwrap_err();
        assert_eq!(e.kind(), FlatbufferErrorKind::OutOfBounds);
        assert_eq!(e.offset(), 44);
    }

    #[test]
    fn nesting_beyond_the_limit_is_refused() {
        let data = sample();
        let buf = Buf::new(&data);
        assert!(buf.table_at(20, MAX_DEPTH).is_ok());
        let e = buf.table_at(20, MAX_DEPTH + 1).unwrap_err();
        assert_eq!(e.kind(), FlatbufferErrorKind::TooDeep);
    }

    #[test]
    fn table_that_is_its_own_vtable_is_malformed() {
        let mut data = sample();
        data[20..24].copy_from_slice(&0i32.to_le_bytes());
        let e = Buf::new(&data).root().unwrap_err();
        assert_eq!(e.kind(), FlatbufferErrorKind::Malformed);
    }

    #[test]
    fn zero_offset_is_malformed() {
        let mut data = sample();
        data[28..32].copy_from_slice(&0u32.to_le_bytes());
        let t = Buf::new(&data).root().unwrap();
        assert_eq!(
            t.string(2).unwrap_err().kind(),
            FlatbufferErrorKind::Malformed
        );
    }

    #[test]
    fn field_outside_table_is_malformed() {
        let mut data = sample();
        // field 0 claims offset 14 in a 16-byte table: 4 bytes do not fit.
        data[12..14].copy_from_slice(&14u16.to_le_bytes());
        let t = Buf::new(&data).root().unwrap();
        assert_eq!(
            t.scalar::<u32>(0, 0).unwrap_err().kind(),
            FlatbufferErrorKind::Malformed
        );
    }
}
