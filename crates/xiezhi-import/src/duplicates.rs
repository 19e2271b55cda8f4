//! 文件内重复案号 the within-file duplicate check in bounded memory.
//!
//! Every row's 案号 fingerprint (`CaseNumber::fingerprint`, 128 bits) and row number go into a
//! buffer of a fixed size; a full buffer is sorted and spilled as a run to an unnamed scratch
//! file. At the end the runs are merged: in (fingerprint, row) order the first row of each
//! fingerprint is its first occurrence and every later row a duplicate of it. Memory stays at
//! one buffer (6 MiB by default) and one 64 KiB read buffer per run, however long the file;
//! the scratch file holds 24 bytes a row (240 MB at 10M rows) and is deleted when dropped.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};

/// Entries a buffer holds before it is spilled (24 bytes each: 6 MiB).
pub const DEFAULT_RUN_ENTRIES: usize = 1 << 18;
/// Bytes of one spilled entry: the fingerprint's two words and the row, little-endian.
const ENTRY_BYTES: usize = 24;
/// Entries read back at a time from each run during the merge (64 KiB... rounded to entries).
const READ_ENTRIES: usize = 2730;

/// A later row whose 案号 already appeared at `first_row` of the same file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duplicate {
    pub row: u64,
    pub first_row: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    key: [u64; 2],
    row: u64,
}

impl Entry {
    fn to_bytes(self) -> [u8; ENTRY_BYTES] {
        let mut out = [0; ENTRY_BYTES];
        out[..8].copy_from_slice(&self.key[0].to_le_bytes());
        out[8..16].copy_from_slice(&self.key[1].to_le_bytes());
        out[16..].copy_from_slice(&self.row.to_le_bytes());
        out
    }

    fn from_bytes(bytes: &[u8]) -> Entry {
        let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        Entry { key: [word(0), word(8)], row: word(16) }
    }
}

/// Collects (fingerprint, row) pairs and finds the duplicates among them; see the module docs.
#[derive(Debug)]
pub struct DuplicateFinder {
    buffer: Vec<Entry>,
    run_entries: usize,
    scratch: Option<File>,
    /// Entries in each spilled run, in file order.
    runs: Vec<u64>,
}

impl Default for DuplicateFinder {
    fn default() -> Self {
        DuplicateFinder::with_run_entries(DEFAULT_RUN_ENTRIES)
    }
}

impl DuplicateFinder {
    /// A finder that spills every `run_entries` rows (tests use small runs to exercise the merge).
    pub fn with_run_entries(run_entries: usize) -> DuplicateFinder {
        let run_entries = run_entries.max(1);
        DuplicateFinder { buffer: Vec::new(), run_entries, scratch: None, runs: Vec::new() }
    }

    /// Records that `row` holds the 案号 with fingerprint `key`.
    pub fn push(&mut self, key: [u64; 2], row: u64) -> io::Result<()> {
        if self.buffer.capacity() == 0 {
            self.buffer.reserve_exact(self.run_entries);
        }
        self.buffer.push(Entry { key, row });
        if self.buffer.len() == self.run_entries {
            self.spill()?;
        }
        Ok(())
    }

    /// Whether anything has gone to the scratch file (the file had more rows than one buffer).
    pub fn spilled(&self) -> bool {
        !self.runs.is_empty()
    }

    fn spill(&mut self) -> io::Result<()> {
        self.buffer.sort_unstable();
        let file = match &mut self.scratch {
            Some(file) => file,
            None => self.scratch.insert(tempfile::tempfile()?),
        };
        let mut writer = BufWriter::with_capacity(1 << 16, &mut *file);
        for entry in &self.buffer {
            writer.write_all(&entry.to_bytes())?;
        }
        writer.flush()?;
        self.runs.push(self.buffer.len() as u64);
        self.buffer.clear();
        Ok(())
    }

    /// Every duplicate row with the first row of its 案号, in row order.
    pub fn finish(mut self) -> io::Result<Vec<Duplicate>> {
        let mut duplicates = Vec::new();
        let mut note = |first: &mut Option<Entry>, entry: Entry| match first {
            Some(f) if f.key == entry.key => duplicates.push(Duplicate { row: entry.row, first_row: f.row }),
            _ => *first = Some(entry),
        };
        let mut first: Option<Entry> = None;
        if self.runs.is_empty() {
            self.buffer.sort_unstable();
            for entry in &self.buffer {
                note(&mut first, *entry);
            }
        } else {
            if !self.buffer.is_empty() {
                self.spill()?;
            }
            drop(std::mem::take(&mut self.buffer));
            let file = self.scratch.as_mut().expect("spilled runs have a scratch file");
            let mut cursors = Vec::with_capacity(self.runs.len());
            let mut offset = 0u64;
            for &entries in &self.runs {
                cursors.push(RunCursor {
                    next: offset,
                    end: offset + entries * ENTRY_BYTES as u64,
                    ..Default::default()
                });
                offset += entries * ENTRY_BYTES as u64;
            }
            let mut heap = BinaryHeap::with_capacity(cursors.len());
            for (run, cursor) in cursors.iter_mut().enumerate() {
                if let Some(entry) = cursor.next(file)? {
                    heap.push(Reverse((entry, run)));
                }
            }
            while let Some(Reverse((entry, run))) = heap.pop() {
                note(&mut first, entry);
                if let Some(next) = cursors[run].next(file)? {
                    heap.push(Reverse((next, run)));
                }
            }
        }
        duplicates.sort_unstable_by_key(|d| d.row);
        Ok(duplicates)
    }
}

/// Reads one sorted run back in blocks.
#[derive(Debug, Default)]
struct RunCursor {
    next: u64,
    end: u64,
    block: Vec<u8>,
    at: usize,
}

impl RunCursor {
    fn next(&mut self, file: &mut File) -> io::Result<Option<Entry>> {
        if self.at == self.block.len() {
            if self.next == self.end {
                return Ok(None);
            }
            let len = (self.end - self.next).min((READ_ENTRIES * ENTRY_BYTES) as u64) as usize;
            self.block.resize(len, 0);
            file.seek(SeekFrom::Start(self.next))?;
            file.read_exact(&mut self.block)?;
            self.next += len as u64;
            self.at = 0;
        }
        let entry = Entry::from_bytes(&self.block[self.at..self.at + ENTRY_BYTES]);
        self.at += ENTRY_BYTES;
        Ok(Some(entry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(keys: &[u64], run_entries: usize) -> Vec<(u64, u64)> {
        let mut finder = DuplicateFinder::with_run_entries(run_entries);
        for (i, k) in keys.iter().enumerate() {
            finder.push([*k, k.wrapping_mul(31)], i as u64 + 2).unwrap();
        }
        finder.finish().unwrap().into_iter().map(|d| (d.row, d.first_row)).collect()
    }

    #[test]
    fn later_rows_of_a_number_are_duplicates_of_its_first_row() {
        // Rows 2..: keys 5, 7, 5, 9, 7, 5 → row 4 and 7 repeat row 2; row 6 repeats row 3.
        let keys = [5, 7, 5, 9, 7, 5];
        let expected = vec![(4, 2), (6, 3), (7, 2)];
        assert_eq!(find(&keys, 1 << 10), expected, "in memory");
        for run in [1, 2, 3, 4, 5] {
            assert_eq!(find(&keys, run), expected, "spilled in runs of {run}");
        }
    }

    #[test]
    fn no_duplicates_and_no_rows() {
        assert_eq!(find(&[], 4), vec![]);
        assert_eq!(find(&[1, 2, 3, 4, 5, 6, 7, 8, 9], 2), vec![]);
    }

    #[test]
    fn many_runs_merge_to_the_same_answer_as_memory() {
        // 10,000 rows over 1,000 distinct keys, in an order that scatters each key's rows.
        let keys: Vec<u64> = (0..10_000u64).map(|i| (i * 7919) % 1000).collect();
        let in_memory = find(&keys, 1 << 20);
        assert_eq!(in_memory.len(), 9_000);
        // Key k's first row is the first i with i*7919 ≡ k (mod 1000); rows are i + 2.
        assert_eq!(in_memory[0], (1002, 2), "row 1002 (i = 1000) repeats key 0 of row 2");
        assert_eq!(find(&keys, 333), in_memory);
        assert_eq!(find(&keys, 64), in_memory);
    }
}
