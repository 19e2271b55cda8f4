//! 快照文件 the dataset persisted beside the database, so that a restart of `serve` or a
//! command-line `metrics` does not re-read every case. The file records the database's
//! identity and the change counter it reflects; a reader uses it only for that database, then
//! catches up with the changes made since (or reloads when they are too many).
//!
//! Layout (little-endian): the magic `XIEZHI-DATASET-1`, then two sections — the snapshot (what
//! `metrics` needs) and the rest of the dataset (案号, roster links, events, list orders) — each
//! as its length, its checksum and its bytes. A file that fails any check is ignored (and
//! rebuilt), never trusted. Written to a temporary file and renamed: a reader never sees half
//! a file, and a killed writer leaves the old file whole.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use xiezhi_metrics::Snapshot;
use xiezhi_metrics::codec::{CodecError, Reader, Writer, checksum};

use crate::dataset::{Caches, Dataset, Numbers};

const MAGIC: &[u8; 16] = b"XIEZHI-DATASET-1";

/// Why a persisted file was not used.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    #[error("reading {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{} is not a dataset file of this version", .0.display())]
    NotOurs(PathBuf),
    #[error("{} is damaged: {why}", path.display())]
    Damaged { path: PathBuf, why: String },
    #[error("{} belongs to another database", .0.display())]
    OtherDatabase(PathBuf),
}

/// The header of a persisted dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub database_id: String,
    pub revision: i64,
}

fn section(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(&checksum(bytes).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// Encodes a dataset with its stamp.
pub fn encode(data: &Dataset, stamp: &Stamp) -> Vec<u8> {
    let mut head = Writer::default();
    head.str(&stamp.database_id);
    head.i64(stamp.revision);
    let mut snap = Writer::with_capacity(data.len() * 60);
    data.snapshot.encode(&mut snap);
    let mut rest = Writer::with_capacity(data.len() * 50);
    let mut names: Vec<(String, String)> = data.court_names.iter().map(|(c, n)| (c.to_string(), n.clone())).collect();
    names.sort();
    rest.u64(names.len() as u64);
    for (code, name) in &names {
        rest.str(code);
        rest.str(name);
    }
    rest.str(&data.numbers.text);
    rest.u32s(&data.numbers.ends);
    rest.u32s(&data.judge_ids);
    rest.u64(data.roster_ids.len() as u64);
    for id in &data.roster_ids {
        rest.str(id);
    }
    let mut rows: Vec<&u32> = data.events.keys().collect();
    rows.sort();
    rest.u64(rows.len() as u64);
    for row in rows {
        let events = &data.events[row];
        rest.u64(u64::from(*row));
        rest.u64(events.len() as u64);
        for e in events.iter() {
            rest.str(e.kind().key());
            rest.str(&xiezhi_store::events::encode(e));
        }
    }
    rest.i64(i64::from(data.near_days));
    rest.u32s(&data.order);
    rest.u32s(&data.newest_first);
    let mut out = Vec::with_capacity(16 + head.bytes.len() + snap.bytes.len() + rest.bytes.len() + 48);
    out.extend_from_slice(MAGIC);
    section(&mut out, &head.bytes);
    section(&mut out, &snap.bytes);
    section(&mut out, &rest.bytes);
    out
}

/// Splits a file into its three checked sections (the last only when `all`).
fn sections<'a>(path: &Path, bytes: &'a [u8], all: bool) -> Result<Vec<&'a [u8]>, PersistError> {
    if bytes.len() < 16 || &bytes[..16] != MAGIC {
        return Err(PersistError::NotOurs(path.to_owned()));
    }
    let damaged = |why: &str| PersistError::Damaged { path: path.to_owned(), why: why.to_owned() };
    let mut at = 16;
    let mut out = Vec::new();
    for i in 0..3 {
        let header = bytes.get(at..at + 16).ok_or_else(|| damaged("truncated"))?;
        let len = usize::try_from(u64::from_le_bytes(header[..8].try_into().expect("8 bytes")))
            .map_err(|_| damaged("length"))?;
        let sum = u64::from_le_bytes(header[8..].try_into().expect("8 bytes"));
        let body = bytes.get(at + 16..at + 16 + len).ok_or_else(|| damaged("truncated"))?;
        if (all || i < 2) && checksum(body) != sum {
            return Err(damaged("checksum"));
        }
        out.push(body);
        at += 16 + len;
    }
    if at != bytes.len() {
        return Err(damaged("trailing bytes"));
    }
    Ok(out)
}

fn read(path: &Path) -> Result<Vec<u8>, PersistError> {
    std::fs::read(path).map_err(|source| PersistError::Io { path: path.to_owned(), source })
}

fn stamp_of(path: &Path, head: &[u8], database_id: &str) -> Result<Stamp, PersistError> {
    let codec = |e: CodecError| PersistError::Damaged { path: path.to_owned(), why: e.to_string() };
    let mut r = Reader::new(head);
    let stamp = Stamp { database_id: r.str().map_err(codec)?.to_owned(), revision: r.i64().map_err(codec)? };
    if stamp.database_id != database_id {
        return Err(PersistError::OtherDatabase(path.to_owned()));
    }
    Ok(stamp)
}

/// Reads only the snapshot of the file at `path` (what `metrics` needs), for the database
/// `database_id`.
pub fn load_snapshot(path: &Path, database_id: &str) -> Result<(Snapshot, Stamp), PersistError> {
    let bytes = read(path)?;
    let parts = sections(path, &bytes, false)?;
    let stamp = stamp_of(path, parts[0], database_id)?;
    let codec = |e: CodecError| PersistError::Damaged { path: path.to_owned(), why: e.to_string() };
    let mut r = Reader::new(parts[1]);
    let snapshot = Snapshot::decode(&mut r).map_err(codec)?;
    if !r.is_done() {
        return Err(PersistError::Damaged { path: path.to_owned(), why: "snapshot section too long".into() });
    }
    Ok((snapshot, stamp))
}

/// Reads the whole dataset of the file at `path`, for the database `database_id`.
pub fn load(path: &Path, database_id: &str) -> Result<(Dataset, Stamp), PersistError> {
    let bytes = read(path)?;
    let parts = sections(path, &bytes, true)?;
    let stamp = stamp_of(path, parts[0], database_id)?;
    let damaged = |why: String| PersistError::Damaged { path: path.to_owned(), why };
    let codec = |e: CodecError| damaged(e.to_string());
    let mut r = Reader::new(parts[1]);
    let snapshot = Snapshot::decode(&mut r).map_err(codec)?;
    let mut r = Reader::new(parts[2]);
    let n_names = r.u64().map_err(codec)? as usize;
    let mut court_names = Vec::with_capacity(n_names.min(1 << 20));
    for _ in 0..n_names {
        court_names.push((r.str().map_err(codec)?.to_owned(), r.str().map_err(codec)?.to_owned()));
    }
    let text = r.str().map_err(codec)?.to_owned();
    let ends = r.u32s().map_err(codec)?;
    let judge_ids = r.u32s().map_err(codec)?;
    let n_roster = r.u64().map_err(codec)? as usize;
    let mut roster_ids: Vec<Box<str>> = Vec::with_capacity(n_roster.min(1 << 20));
    for _ in 0..n_roster {
        roster_ids.push(r.str().map_err(codec)?.into());
    }
    let n_rows = r.u64().map_err(codec)? as usize;
    let mut events = HashMap::with_capacity(n_rows.min(1 << 20));
    for _ in 0..n_rows {
        let row = u32::try_from(r.u64().map_err(codec)?).map_err(|_| damaged("event row".into()))?;
        let m = r.u64().map_err(codec)? as usize;
        let mut list = Vec::with_capacity(m.min(1 << 16));
        for _ in 0..m {
            let kind = r.str().map_err(codec)?;
            let data = r.str().map_err(codec)?;
            list.push(xiezhi_store::events::decode(kind, data).ok_or_else(|| damaged(format!("event {kind}")))?);
        }
        events.insert(row, Arc::from(list));
    }
    let near_days = i32::try_from(r.i64().map_err(codec)?).map_err(|_| damaged("near days".into()))?;
    let order = r.u32s().map_err(codec)?;
    let newest_first = r.u32s().map_err(codec)?;
    if !r.is_done() {
        return Err(damaged("dataset section too long".into()));
    }
    let n = snapshot.len();
    let consistent = ends.len() == n
        && judge_ids.len() == n
        && order.len() == n
        && newest_first.len() == n
        && ends.windows(2).all(|w| w[0] <= w[1])
        && ends.last().is_none_or(|&e| e as usize == text.len())
        && judge_ids.iter().all(|&j| j == u32::MAX || (j as usize) < roster_ids.len())
        && order.iter().chain(&newest_first).all(|&r| (r as usize) < n)
        && events.keys().all(|&r| (r as usize) < n)
        && ends.iter().all(|&e| text.is_char_boundary(e as usize));
    if !consistent {
        return Err(damaged("columns disagree".into()));
    }
    let mut list_rank = vec![0u32; n];
    for (position, &row) in newest_first.iter().enumerate() {
        list_rank[row as usize] = position as u32;
    }
    let roster_index = roster_ids.iter().enumerate().map(|(i, id)| (id.clone(), i as u32)).collect();
    let names = xiezhi_metrics::GroupNames::from_court_names(&court_names);
    let court_names_map =
        court_names.iter().filter_map(|(c, name)| Some((xiezhi_domain::CourtCode::parse(c)?, name.clone()))).collect();
    let mut data = Dataset {
        snapshot,
        names,
        court_names: court_names_map,
        numbers: Numbers { text, ends },
        judge_ids,
        roster_ids,
        roster_index,
        events,
        order,
        newest_first,
        list_rank,
        by_court: Vec::new(),
        open_by_court: Vec::new(),
        closed_by_court: Vec::new(),
        latest_closed: None,
        latest_filed: None,
        near_days,
        caches: Caches::default(),
    };
    data.build_court_lists();
    Ok((data, stamp))
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().map_or_else(|| "dataset".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.partial"));
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
