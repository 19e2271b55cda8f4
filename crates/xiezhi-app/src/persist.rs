//! 快照文件 the dataset persisted beside the database, so that a restart of `serve` or a
//! command-line `metrics` does not re-read every case. The file records the database's
//! identity and the change counter it reflects; a reader uses it only for that database, then
//! catches up with the changes made since (or reloads when they are too many).
//!
//! Layout (little-endian): the magic `XIEZHI-DATASET-2` (2: the snapshot carries the enforcement record), then two sections — the snapshot (what
//! `metrics` needs) and the rest of the dataset (案号, roster links, events, list orders) — each
//! as its length, its checksum and its bytes. A file that fails any check is ignored (and
//! rebuilt), never trusted. Written to a temporary file and renamed: a reader never sees half
//! a file, and a killed writer leaves the old file whole.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::io::{Read, Seek, SeekFrom, Write};

use xiezhi_metrics::Snapshot;
use xiezhi_metrics::codec::{CodecError, Reader, Writer};

use crate::dataset::{Caches, Dataset, Numbers};

const MAGIC: &[u8; 16] = b"XIEZHI-DATASET-2";

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
    /// The file holds the snapshot only (written by `metrics`), not the whole dataset.
    #[error("{} holds the indicators' snapshot only", .0.display())]
    SnapshotOnly(PathBuf),
}

/// The header of a persisted dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub database_id: String,
    pub revision: i64,
}

/// Writes the rest of the dataset (everything but the snapshot) to `w`.
fn encode_rest<W: Write>(data: &Dataset, w: &mut Writer<W>) {
    let mut names: Vec<(String, String)> = data.court_names.iter().map(|(c, n)| (c.to_string(), n.clone())).collect();
    names.sort();
    w.u64(names.len() as u64);
    for (code, name) in &names {
        w.str(code);
        w.str(name);
    }
    w.str(&data.numbers.text);
    w.u32s(&data.numbers.ends);
    w.u32s(&data.judge_ids);
    w.u64(data.roster_ids.len() as u64);
    for id in &data.roster_ids {
        w.str(id);
    }
    let mut rows: Vec<&u32> = data.events.keys().collect();
    rows.sort();
    w.u64(rows.len() as u64);
    for row in rows {
        let events = &data.events[row];
        w.u64(u64::from(*row));
        w.u64(events.len() as u64);
        for e in events.iter() {
            w.str(e.kind().key());
            w.str(&xiezhi_store::events::encode(e));
        }
    }
    w.i64(i64::from(data.near_days));
    w.u32s(&data.order);
    w.u32s(&data.newest_first);
}

/// Streams the three sections into `out`: each section's header (length, checksum) is written
/// as a placeholder and filled in once the section is written, so nothing is held in memory.
fn write_sections<F: Write + Seek>(
    out: &mut F,
    stamp: &Stamp,
    snapshot: &Snapshot,
    rest: Option<&Dataset>,
) -> std::io::Result<()> {
    out.write_all(MAGIC)?;
    let mut headers = Vec::with_capacity(3);
    for section in 0..3 {
        let at = out.stream_position()?;
        out.write_all(&[0u8; 16])?;
        let mut w = Writer::to(&mut *out);
        match section {
            0 => {
                w.str(&stamp.database_id);
                w.i64(stamp.revision);
            }
            1 => snapshot.encode(&mut w),
            _ => {
                if let Some(data) = rest {
                    encode_rest(data, &mut w);
                }
            }
        }
        let (len, sum) = (w.written(), w.checksum());
        w.finish()?;
        headers.push((at, len, sum));
    }
    let end = out.stream_position()?;
    for (at, len, sum) in headers {
        out.seek(SeekFrom::Start(at))?;
        out.write_all(&len.to_le_bytes())?;
        out.write_all(&sum.to_le_bytes())?;
    }
    out.seek(SeekFrom::Start(end))?;
    Ok(())
}

/// Encodes a dataset with its stamp into one byte vector (the file's content).
pub fn encode(data: &Dataset, stamp: &Stamp) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    write_sections(&mut out, stamp, &data.snapshot, Some(data)).expect("writing to memory");
    out.into_inner()
}

/// Writes a file through a temporary file in the same directory and a rename.
fn write_file(path: &Path, stamp: &Stamp, snapshot: &Snapshot, rest: Option<&Dataset>) -> std::io::Result<()> {
    let name = path.file_name().map_or_else(|| "dataset".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.partial"));
    let written = (|| {
        let mut file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
        write_sections(&mut file, stamp, snapshot, rest)?;
        file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Writes the dataset to `path`, streaming.
pub fn save(path: &Path, data: &Dataset, stamp: &Stamp) -> std::io::Result<()> {
    write_file(path, stamp, &data.snapshot, Some(data))
}

/// Writes a file of the snapshot only (no 案号, no list orders): what `xiezhi metrics` needs,
/// written by it when no current file exists. A server reading it finds it incomplete and
/// reads every case instead.
pub fn save_snapshot_only(path: &Path, snapshot: &Snapshot, stamp: &Stamp) -> std::io::Result<()> {
    write_file(path, stamp, snapshot, None)
}

/// The file opened at its first section, its magic checked.
fn open(path: &Path) -> Result<std::io::BufReader<std::fs::File>, PersistError> {
    let io = |source: std::io::Error| PersistError::Io { path: path.to_owned(), source };
    let mut file = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(path).map_err(io)?);
    let mut magic = [0u8; 16];
    if file.read_exact(&mut magic).is_err() || &magic != MAGIC {
        return Err(PersistError::NotOurs(path.to_owned()));
    }
    Ok(file)
}

/// Decodes the next section of `file` with `decode`, checking its length and checksum.
fn section<T>(
    path: &Path,
    file: &mut std::io::BufReader<std::fs::File>,
    decode: impl FnOnce(&mut Reader<&mut std::io::BufReader<std::fs::File>>) -> Result<T, CodecError>,
) -> Result<T, PersistError> {
    let damaged = |why: String| PersistError::Damaged { path: path.to_owned(), why };
    let mut header = [0u8; 16];
    file.read_exact(&mut header).map_err(|_| damaged("truncated".into()))?;
    let len = u64::from_le_bytes(header[..8].try_into().expect("8 bytes"));
    let sum = u64::from_le_bytes(header[8..].try_into().expect("8 bytes"));
    let mut reader = Reader::with_limit(file, len);
    let value = decode(&mut reader).map_err(|e| damaged(e.to_string()))?;
    if !reader.is_done() {
        return Err(damaged("a section is longer than its contents".into()));
    }
    if reader.checksum() != sum {
        return Err(damaged("checksum".into()));
    }
    Ok(value)
}

fn check_stamp(path: &Path, stamp: Stamp, database_id: &str) -> Result<Stamp, PersistError> {
    if stamp.database_id != database_id {
        return Err(PersistError::OtherDatabase(path.to_owned()));
    }
    Ok(stamp)
}

fn read_stamp<R: Read>(r: &mut Reader<R>) -> Result<Stamp, CodecError> {
    Ok(Stamp { database_id: r.str()?, revision: r.i64()? })
}

/// Reads only the snapshot of the file at `path` (what `metrics` needs), for the database
/// `database_id`: the file is read column by column, never held whole.
// The closures are needed: the functions alone are not general over the reader's lifetime.
#[allow(clippy::redundant_closure)]
pub fn load_snapshot(path: &Path, database_id: &str) -> Result<(Snapshot, Stamp), PersistError> {
    let mut file = open(path)?;
    let stamp = check_stamp(path, section(path, &mut file, |r| read_stamp(r))?, database_id)?;
    let snapshot = section(path, &mut file, |r| Snapshot::decode(r))?;
    Ok((snapshot, stamp))
}

/// Reads the whole dataset of the file at `path`, for the database `database_id`.
#[allow(clippy::redundant_closure)] // see `load_snapshot`
pub fn load(path: &Path, database_id: &str) -> Result<(Dataset, Stamp), PersistError> {
    let mut file = open(path)?;
    let stamp = check_stamp(path, section(path, &mut file, |r| read_stamp(r))?, database_id)?;
    let snapshot = section(path, &mut file, |r| Snapshot::decode(r))?;
    let damaged = |why: String| PersistError::Damaged { path: path.to_owned(), why };
    let rest = section(path, &mut file, |r| {
        if r.is_done() {
            return Ok(None);
        }
        let n_names = r.u64()? as usize;
        let mut court_names = Vec::new();
        for _ in 0..n_names {
            court_names.push((r.str()?, r.str()?));
            if court_names.len() > 1 << 20 {
                return Err(CodecError("too many courts".into()));
            }
        }
        let text = r.str()?;
        let ends = r.u32s()?;
        let judge_ids = r.u32s()?;
        let n_roster = r.u64()? as usize;
        let mut roster_ids: Vec<Box<str>> = Vec::new();
        for _ in 0..n_roster {
            roster_ids.push(r.str()?.into());
            if roster_ids.len() > 1 << 24 {
                return Err(CodecError("too many judges".into()));
            }
        }
        let n_rows = r.u64()? as usize;
        let mut events = HashMap::new();
        for _ in 0..n_rows {
            let row = u32::try_from(r.u64()?).map_err(|_| CodecError("event row".into()))?;
            let m = r.u64()? as usize;
            let mut list = Vec::new();
            for _ in 0..m {
                let kind = r.str()?;
                let data = r.str()?;
                list.push(
                    xiezhi_store::events::decode(&kind, &data).ok_or_else(|| CodecError(format!("event {kind}")))?,
                );
                if list.len() > 1 << 16 {
                    return Err(CodecError("too many events of a case".into()));
                }
            }
            events.insert(row, Arc::from(list));
            if events.len() > 1 << 26 {
                return Err(CodecError("too many cases with events".into()));
            }
        }
        let near_days = i32::try_from(r.i64()?).map_err(|_| CodecError("near days".into()))?;
        let order = r.u32s()?;
        let newest_first = r.u32s()?;
        Ok(Some((court_names, text, ends, judge_ids, roster_ids, events, near_days, order, newest_first)))
    })?;
    let Some((court_names, text, ends, judge_ids, roster_ids, events, near_days, order, newest_first)) = rest else {
        return Err(PersistError::SnapshotOnly(path.to_owned()));
    };
    let mut trailing = [0u8; 1];
    if file.read(&mut trailing).map_err(|source| PersistError::Io { path: path.to_owned(), source })? != 0 {
        return Err(damaged("trailing bytes".into()));
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
