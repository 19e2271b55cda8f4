//! 快照编码 a plain binary encoding of columns (little-endian, length-prefixed), for persisting
//! the snapshot beside the database. Pure: bytes in, bytes out (any `std::io::Read` /
//! `std::io::Write`, so a file is read column by column without holding its bytes). A reader
//! refuses anything that does not decode exactly (wrong lengths, invalid text), and keeps a
//! running checksum of what it read.

use std::io::Read;

use xiezhi_domain::CourtCode;

/// Why bytes do not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("snapshot bytes do not decode: {0}")]
pub struct CodecError(pub String);

/// Writes values to a byte buffer (the default) or any writer, keeping a running checksum and
/// count of what it wrote. A writer's IO error is kept and returned by [`Writer::finish`].
#[derive(Debug)]
pub struct Writer<W = Vec<u8>> {
    inner: W,
    sum: Checksum,
    error: Option<std::io::Error>,
}

impl Default for Writer<Vec<u8>> {
    fn default() -> Writer<Vec<u8>> {
        Writer { inner: Vec::new(), sum: Checksum::default(), error: None }
    }
}

macro_rules! put_slice {
    ($name:ident, $t:ty) => {
        pub fn $name(&mut self, values: &[$t]) {
            self.u64(values.len() as u64);
            let mut buf = Vec::with_capacity(64 * 1024);
            for chunk in values.chunks(64 * 1024 / std::mem::size_of::<$t>()) {
                buf.clear();
                for v in chunk {
                    buf.extend_from_slice(&v.to_le_bytes());
                }
                self.put(&buf);
            }
        }
    };
}

impl Writer<Vec<u8>> {
    pub fn with_capacity(n: usize) -> Writer<Vec<u8>> {
        Writer { inner: Vec::with_capacity(n), sum: Checksum::default(), error: None }
    }

    /// The bytes written.
    pub fn bytes(&self) -> &[u8] {
        &self.inner
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.inner
    }
}

impl<W: std::io::Write> Writer<W> {
    /// A writer into `inner`.
    pub fn to(inner: W) -> Writer<W> {
        Writer { inner, sum: Checksum::default(), error: None }
    }

    fn put(&mut self, bytes: &[u8]) {
        if self.error.is_some() {
            return;
        }
        match self.inner.write_all(bytes) {
            Ok(()) => self.sum.update(bytes),
            Err(e) => self.error = Some(e),
        }
    }

    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.sum.total
    }

    /// The checksum of everything written.
    pub fn checksum(&self) -> u64 {
        self.sum.finish()
    }

    /// The writer back, or the first IO error.
    pub fn finish(self) -> std::io::Result<W> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.inner),
        }
    }

    pub fn u64(&mut self, v: u64) {
        self.put(&v.to_le_bytes());
    }

    pub fn i64(&mut self, v: i64) {
        self.put(&v.to_le_bytes());
    }

    pub fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.put(s.as_bytes());
    }

    pub fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.put(&[0]),
            Some(s) => {
                self.put(&[1]);
                self.str(s);
            }
        }
    }

    pub fn bools(&mut self, values: &[bool]) {
        self.u64(values.len() as u64);
        for chunk in values.chunks(64 * 1024) {
            let bytes: Vec<u8> = chunk.iter().map(|&b| u8::from(b)).collect();
            self.put(&bytes);
        }
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

/// A running FNV-style checksum over 8-byte little-endian words (and the trailing bytes), the
/// same whatever pieces the bytes arrive in.
#[derive(Debug, Clone)]
pub struct Checksum {
    h: u64,
    pending: [u8; 8],
    pending_len: usize,
    total: u64,
}

impl Default for Checksum {
    fn default() -> Checksum {
        Checksum { h: 0xcbf2_9ce4_8422_2325, pending: [0; 8], pending_len: 0, total: 0 }
    }
}

impl Checksum {
    fn word(&mut self, w: u64) {
        self.h ^= w;
        self.h = self.h.wrapping_mul(0x0000_0100_0000_01b3).rotate_left(5);
    }

    pub fn update(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len() as u64;
        if self.pending_len > 0 {
            let take = (8 - self.pending_len).min(bytes.len());
            self.pending[self.pending_len..self.pending_len + take].copy_from_slice(&bytes[..take]);
            self.pending_len += take;
            bytes = &bytes[take..];
            if self.pending_len < 8 {
                return;
            }
            let w = u64::from_le_bytes(self.pending);
            self.word(w);
            self.pending_len = 0;
        }
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.word(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.pending_len = rest.len();
    }

    pub fn finish(&self) -> u64 {
        let mut h = self.h;
        for &b in &self.pending[..self.pending_len] {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h ^ self.total
    }
}

/// The checksum of `bytes` (see [`Checksum`]).
pub fn checksum(bytes: &[u8]) -> u64 {
    let mut c = Checksum::default();
    c.update(bytes);
    c.finish()
}

/// Reads values back in the order they were written, from any reader, with a running checksum.
#[derive(Debug)]
pub struct Reader<R> {
    inner: R,
    sum: Checksum,
    read: u64,
    /// Bytes this reader may read at most (a section's length).
    limit: u64,
}

macro_rules! get_slice {
    ($name:ident, $t:ty, $n:expr) => {
        pub fn $name(&mut self) -> Result<Vec<$t>, CodecError> {
            let len = self.len($n)?;
            let mut out: Vec<$t> = Vec::with_capacity(len);
            let mut buf = vec![0u8; (64 * 1024 / $n) * $n];
            let mut left = len * $n;
            while left > 0 {
                let n = left.min(buf.len());
                self.fill(&mut buf[..n])?;
                out.extend(buf[..n].chunks_exact($n).map(|c| <$t>::from_le_bytes(c.try_into().expect("chunk size"))));
                left -= n;
            }
            Ok(out)
        }
    };
}

impl<'a> Reader<&'a [u8]> {
    /// A reader over bytes in memory.
    pub fn new(bytes: &'a [u8]) -> Reader<&'a [u8]> {
        let limit = bytes.len() as u64;
        Reader { inner: bytes, sum: Checksum::default(), read: 0, limit }
    }
}

impl<R: Read> Reader<R> {
    /// A reader of at most `limit` bytes of `inner`.
    pub fn with_limit(inner: R, limit: u64) -> Reader<R> {
        Reader { inner, sum: Checksum::default(), read: 0, limit }
    }

    fn fill(&mut self, buf: &mut [u8]) -> Result<(), CodecError> {
        if self.read + buf.len() as u64 > self.limit {
            return Err(CodecError(format!("{} bytes wanted at {} of {}", buf.len(), self.read, self.limit)));
        }
        self.inner.read_exact(buf).map_err(|e| CodecError(format!("reading: {e}")))?;
        self.sum.update(buf);
        self.read += buf.len() as u64;
        Ok(())
    }

    /// A length of elements of `size` bytes each, refused when more than the bytes left.
    fn len(&mut self, size: usize) -> Result<usize, CodecError> {
        let n = self.u64()?;
        let left = self.limit - self.read;
        if n.saturating_mul(size.max(1) as u64) > left {
            return Err(CodecError(format!("length {n} beyond the {left} bytes left")));
        }
        usize::try_from(n).map_err(|_| CodecError(format!("length {n}")))
    }

    pub fn u64(&mut self) -> Result<u64, CodecError> {
        let mut b = [0u8; 8];
        self.fill(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    pub fn i64(&mut self) -> Result<i64, CodecError> {
        let mut b = [0u8; 8];
        self.fill(&mut b)?;
        Ok(i64::from_le_bytes(b))
    }

    pub fn str(&mut self) -> Result<String, CodecError> {
        let n = self.len(1)?;
        let mut b = vec![0u8; n];
        self.fill(&mut b)?;
        String::from_utf8(b).map_err(|e| CodecError(e.to_string()))
    }

    pub fn opt_str(&mut self) -> Result<Option<String>, CodecError> {
        let mut tag = [0u8; 1];
        self.fill(&mut tag)?;
        match tag[0] {
            0 => Ok(None),
            1 => self.str().map(Some),
            t => Err(CodecError(format!("option tag {t}"))),
        }
    }

    pub fn bools(&mut self) -> Result<Vec<bool>, CodecError> {
        self.u8s()?
            .into_iter()
            .map(|b| match b {
                0 => Ok(false),
                1 => Ok(true),
                x => Err(CodecError(format!("bool {x}"))),
            })
            .collect()
    }

    pub fn courts(&mut self) -> Result<Vec<CourtCode>, CodecError> {
        let n = self.len(9)?;
        (0..n)
            .map(|_| {
                let t = self.str()?;
                CourtCode::parse(&t).ok_or_else(|| CodecError(format!("court {t:?}")))
            })
            .collect()
    }

    get_slice!(u8s, u8, 1);
    get_slice!(u32s, u32, 4);
    get_slice!(i32s, i32, 4);
    get_slice!(i64s, i64, 8);

    /// Whether every byte allowed was read.
    pub fn is_done(&self) -> bool {
        self.read == self.limit
    }

    /// Bytes read so far.
    pub fn position(&self) -> u64 {
        self.read
    }

    /// The checksum of everything read so far.
    pub fn checksum(&self) -> u64 {
        self.sum.finish()
    }

    /// The underlying reader.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_does_not_depend_on_the_pieces() {
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole = checksum(&bytes);
        for cut in [0, 1, 3, 7, 8, 9, 500, 999, 1000] {
            let mut c = Checksum::default();
            c.update(&bytes[..cut]);
            c.update(&bytes[cut..]);
            assert_eq!(c.finish(), whole, "cut at {cut}");
        }
        assert_ne!(checksum(&bytes[..999]), whole);
    }

    #[test]
    fn values_round_trip_and_lengths_are_checked() {
        let mut w = Writer::default();
        w.u32s(&[1, 2, u32::MAX]);
        w.str("粤0103");
        w.opt_str(None);
        w.bools(&[true, false]);
        let mut r = Reader::new(w.bytes());
        assert_eq!(r.u32s().unwrap(), [1, 2, u32::MAX]);
        assert_eq!(r.str().unwrap(), "粤0103");
        assert_eq!(r.opt_str().unwrap(), None);
        assert_eq!(r.bools().unwrap(), [true, false]);
        assert!(r.is_done());
        assert_eq!(r.checksum(), checksum(w.bytes()));
        assert_eq!(w.checksum(), checksum(w.bytes()));
        // A length beyond the bytes is refused before anything is allocated.
        let mut bad = Writer::default();
        bad.u64(u64::MAX / 2);
        assert!(Reader::new(bad.bytes()).u32s().is_err());
    }
}
