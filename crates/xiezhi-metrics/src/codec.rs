//! 快照编码 a plain binary encoding of columns (little-endian, length-prefixed), for persisting
//! the snapshot beside the database. Pure: bytes in, bytes out. A reader refuses anything that
//! does not decode exactly (wrong lengths, invalid text, trailing bytes).

use xiezhi_domain::CourtCode;

/// Why bytes do not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("snapshot bytes do not decode: {0}")]
pub struct CodecError(pub String);

/// Appends values to a byte buffer.
#[derive(Debug, Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

macro_rules! put_slice {
    ($name:ident, $t:ty) => {
        pub fn $name(&mut self, values: &[$t]) {
            self.u64(values.len() as u64);
            self.bytes.reserve(values.len() * std::mem::size_of::<$t>());
            for v in values {
                self.bytes.extend_from_slice(&v.to_le_bytes());
            }
        }
    };
}

impl Writer {
    pub fn with_capacity(n: usize) -> Writer {
        Writer { bytes: Vec::with_capacity(n) }
    }

    pub fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub fn i64(&mut self, v: i64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.bytes.extend_from_slice(s.as_bytes());
    }

    pub fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.bytes.push(0),
            Some(s) => {
                self.bytes.push(1);
                self.str(s);
            }
        }
    }

    pub fn bools(&mut self, values: &[bool]) {
        self.u64(values.len() as u64);
        self.bytes.extend(values.iter().map(|&b| u8::from(b)));
    }

    pub fn courts(&mut self, codes: &[CourtCode]) {
        self.u64(codes.len() as u64);
        for c in codes {
            self.str(&c.to_string());
        }
    }

    put_slice!(u8s, u8);
    put_slice!(u32s, u32);
    put_slice!(i32s, i32);
    put_slice!(i64s, i64);
}

/// Reads values back in the order they were written.
#[derive(Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

macro_rules! get_slice {
    ($name:ident, $t:ty, $n:expr) => {
        pub fn $name(&mut self) -> Result<Vec<$t>, CodecError> {
            let len = self.len()?;
            let raw = self.take(len.checked_mul($n).ok_or_else(|| CodecError("length overflow".into()))?)?;
            Ok(raw.chunks_exact($n).map(|c| <$t>::from_le_bytes(c.try_into().expect("chunk size"))).collect())
        }
    };
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.bytes.len());
        let end = end.ok_or_else(|| CodecError(format!("{n} bytes wanted at {} of {}", self.at, self.bytes.len())))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn len(&mut self) -> Result<usize, CodecError> {
        let n = self.u64()?;
        usize::try_from(n).ok().filter(|n| *n <= self.bytes.len()).ok_or_else(|| CodecError(format!("length {n}")))
    }

    pub fn u64(&mut self) -> Result<u64, CodecError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes")))
    }

    pub fn i64(&mut self) -> Result<i64, CodecError> {
        Ok(i64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes")))
    }

    pub fn str(&mut self) -> Result<&'a str, CodecError> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).map_err(|e| CodecError(e.to_string()))
    }

    pub fn opt_str(&mut self) -> Result<Option<&'a str>, CodecError> {
        match self.take(1)?[0] {
            0 => Ok(None),
            1 => self.str().map(Some),
            t => Err(CodecError(format!("option tag {t}"))),
        }
    }

    pub fn bools(&mut self) -> Result<Vec<bool>, CodecError> {
        let n = self.len()?;
        self.take(n)?
            .iter()
            .map(|&b| match b {
                0 => Ok(false),
                1 => Ok(true),
                x => Err(CodecError(format!("bool {x}"))),
            })
            .collect()
    }

    pub fn courts(&mut self) -> Result<Vec<CourtCode>, CodecError> {
        let n = self.len()?;
        (0..n)
            .map(|_| {
                let t = self.str()?;
                CourtCode::parse(t).ok_or_else(|| CodecError(format!("court {t:?}")))
            })
            .collect()
    }

    get_slice!(u8s, u8, 1);
    get_slice!(u32s, u32, 4);
    get_slice!(i32s, i32, 4);
    get_slice!(i64s, i64, 8);

    /// Whether every byte was read.
    pub fn is_done(&self) -> bool {
        self.at == self.bytes.len()
    }

    /// Bytes read so far.
    pub fn position(&self) -> usize {
        self.at
    }
}

/// A fast 64-bit checksum of bytes (FNV-1a over 8-byte words): detects a damaged file, not an
/// adversary (the file is a cache the store's change counter validates).
pub fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        h ^= u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = h.wrapping_mul(0x0000_0100_0000_01b3).rotate_left(5);
    }
    for &b in chunks.remainder() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^ bytes.len() as u64
}
