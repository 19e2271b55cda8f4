//! Filling a DOCX draft: the text of each paragraph (its `w:t` runs joined, so a placeholder
//! that Word split across runs is still one) goes through the same grammar; each edit is put
//! back into the runs it covers — the first covered run gets the new text, the others lose the
//! covered characters. Runs without a placeholder, and every other byte of the package, are
//! left untouched.

use std::io::{Cursor, Read, Write};

use quick_xml::events::Event;

use super::{Edit, FillConfig, FillContext, FillLog, LogEntry, plan};
use crate::error::ReportError;

/// One `w:t` element's text in the part: byte range of its content and of its start tag.
struct Piece {
    start_tag: std::ops::Range<usize>,
    content: std::ops::Range<usize>,
    text: String,
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Fills one XML part (document, header or footer); returns the new part text.
fn fill_part(xml: &str, ctx: &FillContext<'_>, config: &FillConfig, log: &mut FillLog) -> Result<String, ReportError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Vec<Piece>> = Vec::new();
    let mut in_t: Option<(std::ops::Range<usize>, usize)> = None;
    // (byte range in the part, replacement) for the whole part.
    let mut splices: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| ReportError::BadDocx(e.to_string()))?;
        let after = reader.buffer_position() as usize;
        match event {
            Event::Start(e) if e.name().0 == "w:p" => stack.push(Vec::new()),
            Event::End(e) if e.name().0 == "w:p" => {
                if let Some(pieces) = stack.pop() {
                    splice_paragraph(xml, &pieces, ctx, config, log, &mut splices);
                }
            }
            Event::Start(e) if e.name().0 == "w:t" => in_t = Some((before..after, after)),
            Event::End(e) if e.name().0 == "w:t" => {
                if let (Some((start_tag, content_start)), Some(paragraph)) = (in_t.take(), stack.last_mut()) {
                    let raw = &xml[content_start..before];
                    let text =
                        quick_xml::escape::unescape(raw).map_err(|e| ReportError::BadDocx(e.to_string()))?.into_owned();
                    paragraph.push(Piece { start_tag, content: content_start..before, text });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    splices.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(xml.len() + 256);
    let mut at = 0;
    for (range, text) in splices {
        out.push_str(&xml[at..range.start]);
        out.push_str(&text);
        at = range.end;
    }
    out.push_str(&xml[at..]);
    Ok(out)
}

fn splice_paragraph(
    xml: &str,
    pieces: &[Piece],
    ctx: &FillContext<'_>,
    config: &FillConfig,
    log: &mut FillLog,
    splices: &mut Vec<(std::ops::Range<usize>, String)>,
) {
    let text: String = pieces.iter().map(|p| p.text.as_str()).collect();
    if !text.contains(['X', 'Ｘ']) && config.phrases.is_empty() {
        return;
    }
    let edits: Vec<Edit> = plan(&text, ctx, config, log);
    if edits.is_empty() {
        return;
    }
    // Piece boundaries in the paragraph text.
    let mut offsets = Vec::with_capacity(pieces.len());
    let mut at = 0;
    for p in pieces {
        offsets.push(at..at + p.text.len());
        at += p.text.len();
    }
    // New text per piece: each piece's characters, with every edit's text given to the piece
    // holding the edit's first character and the covered characters dropped.
    let mut new_texts: Vec<Option<String>> = vec![None; pieces.len()];
    for (k, range) in offsets.iter().enumerate() {
        let touched = edits.iter().any(|e| e.range.start < range.end && e.range.end > range.start);
        if !touched {
            continue;
        }
        let mut s = String::new();
        let mut pos = range.start;
        let mut sorted: Vec<&Edit> =
            edits.iter().filter(|e| e.range.start < range.end && e.range.end > range.start).collect();
        sorted.sort_by_key(|e| e.range.start);
        for e in sorted {
            let cut_start = e.range.start.max(range.start);
            s.push_str(&text[pos..cut_start]);
            if e.range.start >= range.start {
                s.push_str(&e.text);
            }
            pos = e.range.end.min(range.end);
        }
        s.push_str(&text[pos..range.end]);
        new_texts[k] = Some(s);
    }
    for (piece, new) in pieces.iter().zip(new_texts) {
        let Some(new) = new else { continue };
        let tag = &xml[piece.start_tag.clone()];
        let needs_preserve = (new.starts_with(' ') || new.ends_with(' ')) && !tag.contains("xml:space");
        if needs_preserve {
            splices.push((piece.start_tag.clone(), tag.replacen("<w:t", "<w:t xml:space=\"preserve\"", 1)));
        }
        splices.push((piece.content.clone(), xml_escape(&new)));
    }
}

/// The parts whose paragraphs are the draft's text: the body, headers and footers, footnotes
/// and endnotes (a speech's "注：数据截至…" notes). Reviewers' comments are not draft text.
fn is_text_part(name: &str) -> bool {
    matches!(name, "word/document.xml" | "word/footnotes.xml" | "word/endnotes.xml")
        || (name.starts_with("word/header") && name.ends_with(".xml"))
        || (name.starts_with("word/footer") && name.ends_with(".xml"))
}

/// The largest text part (unpacked) a draft may have: a long speech's document.xml is a few MB.
const MAX_PART_BYTES: u64 = 64 << 20;

/// Fills a DOCX draft: the same package with the text parts rewritten run by run.
pub fn fill_docx(bytes: &[u8], ctx: &FillContext<'_>, config: &FillConfig) -> Result<(Vec<u8>, FillLog), ReportError> {
    let bad = |e: zip::result::ZipError| ReportError::BadDocx(e.to_string());
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(bad)?;
    if archive.index_for_name("word/document.xml").is_none() {
        return Err(ReportError::BadDocx("no word/document.xml: not a Word document".into()));
    }
    let mut log = FillLog::default();
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for index in 0..archive.len() {
        let name = archive.by_index_raw(index).map_err(bad)?.name().map_err(bad)?.into_owned();
        if is_text_part(&name) {
            let mut file = archive.by_index(index).map_err(bad)?;
            let mut xml = String::new();
            // A crafted package can inflate a small upload to gigabytes: read at most the
            // limit, and refuse a part that is larger.
            (&mut file)
                .take(MAX_PART_BYTES + 1)
                .read_to_string(&mut xml)
                .map_err(|e| ReportError::BadDocx(format!("{name}: {e}")))?;
            if xml.len() as u64 > MAX_PART_BYTES {
                return Err(ReportError::BadDocx(format!(
                    "{name} is larger than {} MB once unpacked",
                    MAX_PART_BYTES >> 20
                )));
            }
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .last_modified_time(file.last_modified().unwrap_or_default());
            drop(file);
            let mut filled = fill_part(&xml, ctx, config, &mut log)?;
            if name == "word/document.xml"
                && let Some(marker) = &config.marker
                && let Some(at) = filled.find("<w:body>").map(|i| i + "<w:body>".len())
            {
                // The marker as the document's first paragraph, in red.
                let paragraph = format!(
                    "<w:p><w:r><w:rPr><w:b/><w:color w:val=\"C00000\"/></w:rPr><w:t>{}</w:t></w:r></w:p>",
                    xml_escape(marker)
                );
                filled.insert_str(at, &paragraph);
                log.entries.push(LogEntry::Warning {
                    sentence: marker.clone(),
                    message: format!("填入的数字来自合成演示数据：{marker}"),
                });
            }
            writer.start_file(name.as_str(), options)?;
            writer
                .write_all(filled.as_bytes())
                .map_err(|e| ReportError::Write { format: "DOCX", message: e.to_string() })?;
        } else {
            let file = archive.by_index_raw(index).map_err(bad)?;
            writer.raw_copy_file(file)?;
        }
    }
    Ok((writer.finish()?.into_inner(), log))
}
