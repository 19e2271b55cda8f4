//! A document read page by page: a PDF's text layer where a page has one, its scanned page
//! image by OCR where it has not; every page of a TIFF; a single JPEG or PNG.
//!
//! Everything a file can make the reader allocate is bounded: decompressed streams, image
//! dimensions, the number of pages. A page that cannot be read (an image encoding the product
//! does not decode, a page over the limits) is reported as such, never silently empty.

use image::GrayImage;

use crate::{Ocr, OcrError};

/// Largest page image decoded (pixels): an A4 page at 600 dpi is 35 M.
pub const MAX_PIXELS: u64 = 60_000_000;
/// Largest stream a PDF may inflate to (bytes), per stream.
const MAX_INFLATED: usize = 256 << 20;
/// Most pages read from one file.
pub const MAX_PAGES: usize = 2_000;
/// A PDF page with fewer visible characters than this in its text layer, and an image on it, is
/// a scan (a page number or a stamp's text is not the page's text).
const MIN_TEXT_LAYER_CHARS: usize = 20;

/// Where a page's text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The PDF's own text (exact; confidence 1).
    TextLayer,
    /// Read by OCR from the page image.
    Ocr,
    /// Neither: the reason is the page's text.
    Unreadable,
}

impl Source {
    /// The stored name: `text`, `ocr`, `unreadable`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::TextLayer => "text",
            Source::Ocr => "ocr",
            Source::Unreadable => "unreadable",
        }
    }
}

/// One page's text.
#[derive(Debug, Clone, PartialEq)]
pub struct PageText {
    pub text: String,
    /// 0–1: 1 for a text layer; the character-weighted mean of the lines' scores for OCR; 0
    /// for a page nothing could be read from.
    pub confidence: f32,
    pub source: Source,
}

/// A page before reading.
enum Content {
    Text(String),
    Image(GrayImage),
    Unreadable(String),
}

/// An opened document: its pages, read one at a time.
pub struct Pages<'a> {
    inner: Inner<'a>,
    count: usize,
}

enum Inner<'a> {
    Pdf { doc: Box<lopdf::Document>, pages: Vec<lopdf::ObjectId> },
    Tiff { bytes: &'a [u8] },
    Image { bytes: &'a [u8] },
}

/// Opens a PDF, TIFF (every page), JPEG or PNG.
pub fn open(bytes: &[u8]) -> Result<Pages<'_>, OcrError> {
    if bytes.starts_with(b"%PDF") {
        let options = lopdf::LoadOptions { max_decompressed_size: Some(MAX_INFLATED), ..Default::default() };
        let doc = lopdf::Document::load_mem_with_options(bytes, options)
            .map_err(|e| OcrError::Decode(format!("PDF 无法解析：{e}")))?;
        if doc.is_encrypted() {
            return Err(OcrError::Decode("PDF 已加密，无法读取".into()));
        }
        let pages: Vec<_> = doc.get_pages().into_values().collect();
        if pages.len() > MAX_PAGES {
            return Err(OcrError::Decode(format!("PDF 共 {} 页，超过 {MAX_PAGES} 页的上限", pages.len())));
        }
        let count = pages.len();
        Ok(Pages { inner: Inner::Pdf { doc: Box::new(doc), pages }, count })
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        let mut decoder = tiff_decoder(bytes)?;
        let mut count = 1;
        while decoder.more_images() {
            if count >= MAX_PAGES {
                return Err(OcrError::Decode(format!("TIFF 超过 {MAX_PAGES} 页的上限")));
            }
            decoder.next_image().map_err(|e| OcrError::Decode(format!("TIFF 第 {} 页：{e}", count + 1)))?;
            count += 1;
        }
        Ok(Pages { inner: Inner::Tiff { bytes }, count })
    } else {
        Ok(Pages { inner: Inner::Image { bytes }, count: 1 })
    }
}

fn tiff_decoder(bytes: &[u8]) -> Result<tiff::decoder::Decoder<std::io::Cursor<&[u8]>>, OcrError> {
    let mut limits = tiff::decoder::Limits::default();
    limits.decoding_buffer_size = usize::try_from(MAX_PIXELS * 4).unwrap_or(usize::MAX);
    tiff::decoder::Decoder::new(std::io::Cursor::new(bytes))
        .map(|d| d.with_limits(limits))
        .map_err(|e| OcrError::Decode(format!("TIFF 无法解析：{e}")))
}

impl Pages<'_> {
    /// The number of pages.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the document has no page.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The text layer of every page, when each page has one (a PDF made from a text document):
    /// such a file needs no OCR. `None` otherwise.
    pub fn text_layer(&self) -> Option<Vec<String>> {
        let Inner::Pdf { doc, pages } = &self.inner else { return None };
        if pages.is_empty() {
            return None;
        }
        (1..=pages.len())
            .map(|n| {
                pdf_page_text(doc, n)
                    .filter(|t| visible_chars(t) >= MIN_TEXT_LAYER_CHARS || !has_image(doc, pages[n - 1]))
            })
            .collect()
    }

    /// Reads page `index` (from 0): its text layer, else OCR of its image (the models loaded on
    /// first need).
    pub fn read(&self, index: usize) -> Result<PageText, OcrError> {
        match self.content(index) {
            Content::Text(text) => Ok(PageText { text, confidence: 1.0, source: Source::TextLayer }),
            Content::Unreadable(why) => Ok(PageText { text: why, confidence: 0.0, source: Source::Unreadable }),
            Content::Image(image) => {
                let ocr = Ocr::embedded().map_err(|e| OcrError::Model(e.to_string()))?;
                let page = ocr.read(&image)?;
                let chars: usize = page.lines.iter().map(|l| l.text.chars().count()).sum();
                let confidence = if chars == 0 {
                    0.0
                } else {
                    page.lines.iter().map(|l| l.score * l.text.chars().count() as f32).sum::<f32>() / chars as f32
                };
                Ok(PageText { text: page.text(), confidence, source: Source::Ocr })
            }
        }
    }

    /// Page `index`'s scanned image as PNG, scaled to at most `max_width` pixels wide, for a
    /// person to compare with the text read. `Ok(None)` for a page that is text only (a PDF's
    /// text layer: the PDF itself shows it).
    pub fn page_png(&self, index: usize, max_width: u32) -> Result<Option<Vec<u8>>, String> {
        let image = match &self.inner {
            Inner::Image { bytes } => decode_image(bytes)?,
            Inner::Tiff { bytes } => tiff_page(bytes, index)?,
            Inner::Pdf { doc, pages } => {
                let page = *pages.get(index).ok_or_else(|| format!("没有第 {} 页", index + 1))?;
                match pdf_page_image(doc, page)? {
                    Some(image) => image,
                    None => return Ok(None),
                }
            }
        };
        let image = if image.width() > max_width {
            let height = (u64::from(image.height()) * u64::from(max_width) / u64::from(image.width())).max(1) as u32;
            image::imageops::resize(&image, max_width, height, image::imageops::FilterType::Triangle)
        } else {
            image
        };
        let mut png = Vec::new();
        image
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .map_err(|e| format!("页面图像无法编码：{e}"))?;
        Ok(Some(png))
    }

    fn content(&self, index: usize) -> Content {
        match &self.inner {
            Inner::Image { bytes } => match decode_image(bytes) {
                Ok(image) => Content::Image(image),
                Err(why) => Content::Unreadable(why),
            },
            Inner::Tiff { bytes } => match tiff_page(bytes, index) {
                Ok(image) => Content::Image(image),
                Err(why) => Content::Unreadable(why),
            },
            Inner::Pdf { doc, pages } => {
                let Some(&page) = pages.get(index) else {
                    return Content::Unreadable(format!("没有第 {} 页", index + 1));
                };
                let text = pdf_page_text(doc, index + 1).unwrap_or_default();
                if visible_chars(&text) >= MIN_TEXT_LAYER_CHARS {
                    return Content::Text(text);
                }
                match pdf_page_image(doc, page) {
                    Ok(Some(image)) => Content::Image(image),
                    // No image: whatever text the page has is all it has.
                    Ok(None) => Content::Text(text),
                    Err(why) => Content::Unreadable(why),
                }
            }
        }
    }
}

fn visible_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

fn decode_image(bytes: &[u8]) -> Result<GrayImage, String> {
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("图片无法解码：{e}"))?;
    let (w, h) = reader.into_dimensions().map_err(|e| format!("图片无法解码：{e}"))?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!("图片 {w}×{h} 像素，超过 {MAX_PIXELS} 像素的上限"));
    }
    image::load_from_memory(bytes).map(|i| i.to_luma8()).map_err(|e| format!("图片无法解码：{e}"))
}

/// Page `index` of a TIFF as grey (paper light, ink dark).
fn tiff_page(bytes: &[u8], index: usize) -> Result<GrayImage, String> {
    use tiff::ColorType;
    use tiff::decoder::DecodingResult;
    let page = index + 1;
    let mut decoder = tiff_decoder(bytes).map_err(|e| e.to_string())?;
    decoder.seek_to_image(index).map_err(|e| format!("TIFF 第 {page} 页：{e}"))?;
    let (w, h) = decoder.dimensions().map_err(|e| format!("TIFF 第 {page} 页：{e}"))?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!("TIFF 第 {page} 页 {w}×{h} 像素，超过 {MAX_PIXELS} 像素的上限"));
    }
    let colour = decoder.colortype().map_err(|e| format!("TIFF 第 {page} 页：{e}"))?;
    let data = decoder.read_image().map_err(|e| format!("TIFF 第 {page} 页：{e}"))?;
    let (w_us, h_us) = (w as usize, h as usize);
    let grey: Vec<u8> = match (colour, data) {
        (ColorType::Gray(8), DecodingResult::U8(v)) => v,
        (ColorType::Gray(16), DecodingResult::U16(v)) => v.iter().map(|&x| (x >> 8) as u8).collect(),
        (ColorType::Gray(1), DecodingResult::U8(v)) => unpack_bits(&v, w_us, h_us),
        (ColorType::GrayA(8), DecodingResult::U8(v)) => v.chunks_exact(2).map(|p| p[0]).collect(),
        (ColorType::RGB(8), DecodingResult::U8(v)) => v.chunks_exact(3).map(|p| luma(p[0], p[1], p[2])).collect(),
        (ColorType::RGBA(8), DecodingResult::U8(v)) => v.chunks_exact(4).map(|p| luma(p[0], p[1], p[2])).collect(),
        (ColorType::YCbCr(8), DecodingResult::U8(v)) => v.chunks_exact(3).map(|p| p[0]).collect(),
        (other, _) => return Err(format!("TIFF 第 {page} 页的颜色格式 {other:?} 暂不支持")),
    };
    let mut image = GrayImage::from_raw(w, h, grey).ok_or_else(|| format!("TIFF 第 {page} 页的像素数据不完整"))?;
    paper_light(&mut image);
    Ok(image)
}

fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000) as u8
}

/// One-bit rows (each padded to a byte) as 0/255 grey.
fn unpack_bits(packed: &[u8], width: usize, height: usize) -> Vec<u8> {
    let row_bytes = width.div_ceil(8);
    let mut out = Vec::with_capacity(width * height);
    for row in packed.chunks(row_bytes).take(height) {
        for x in 0..width {
            let bit = row.get(x / 8).map_or(0, |b| (b >> (7 - x % 8)) & 1);
            out.push(if bit == 1 { 255 } else { 0 });
        }
    }
    out
}

/// Documents are dark ink on light paper: a page that is mostly dark was stored the other way
/// round (1-bit scans with 0 = white) and is inverted.
fn paper_light(image: &mut GrayImage) {
    let n = image.as_raw().len().max(1) as u64;
    let mean = image.as_raw().iter().map(|&p| u64::from(p)).sum::<u64>() / n;
    if mean < 100 {
        image.as_mut().iter_mut().for_each(|p| *p = 255 - *p);
    }
}

/// A PDF page's text layer, a line per baseline: the runs of text shown are followed through
/// the text matrix (Tm, Td, TD, T*, TL, ' and ") and a new line starts when the baseline moves by
/// more than a third of the font's height. Word processors write a line as several runs — one
/// per font, so the digits of 2024年 come apart from the characters around them — and those
/// runs join again on their line.
fn pdf_page_text(doc: &lopdf::Document, page_number: usize) -> Option<String> {
    use lopdf::Object;
    let n = u32::try_from(page_number).ok()?;
    let page = *doc.get_pages().get(&n)?;
    let encodings: std::collections::BTreeMap<Vec<u8>, lopdf::Encoding> = doc
        .get_page_fonts(page)
        .ok()?
        .into_iter()
        .filter_map(|(name, font)| font.get_font_encoding_with_limit(doc, MAX_INFLATED).ok().map(|e| (name, e)))
        .collect();
    let content = lopdf::content::Content::decode(&doc.get_page_content_with_limit(page, MAX_INFLATED).ok()?).ok()?;
    let number = |o: &Object| match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    };
    // Text line matrix [a b c d e f]; leading; font size; the current font's encoding.
    let mut line = [1.0f32, 0.0, 0.0, 1.0, 0.0, 0.0];
    let (mut leading, mut size) = (0.0f32, 10.0f32);
    let mut encoding: Option<&lopdf::Encoding> = None;
    let mut out = String::new();
    let mut baseline: Option<f32> = None;
    let mut show =
        |out: &mut String, line: &[f32; 6], size: f32, encoding: Option<&lopdf::Encoding>, operands: &[Object]| {
            let Some(encoding) = encoding else { return };
            let mut text = String::new();
            let push = |o: &Object, text: &mut String| match o {
                Object::String(bytes, _) => {
                    if let Ok(t) = lopdf::Document::decode_text(encoding, bytes) {
                        text.push_str(&t);
                    }
                }
                // A wide gap between two Latin words is their space.
                o if number(o).is_some_and(|v| v < -250.0) && text.ends_with(|c: char| c.is_ascii_alphanumeric()) => {
                    text.push(' ');
                }
                _ => {}
            };
            for o in operands {
                match o {
                    Object::Array(items) => items.iter().for_each(|i| push(i, &mut text)),
                    other => push(other, &mut text),
                }
            }
            if text.is_empty() {
                return;
            }
            let y = line[5];
            let height = (size * line[3].abs().max(line[1].abs())).max(1.0);
            match baseline {
                Some(b) if (b - y).abs() <= height / 3.0 => {}
                Some(_) => out.push('\n'),
                None => {}
            }
            baseline = Some(y);
            out.push_str(&text);
        };
    let move_by = |line: &mut [f32; 6], tx: f32, ty: f32| {
        line[4] += tx * line[0] + ty * line[2];
        line[5] += tx * line[1] + ty * line[3];
    };
    for op in &content.operations {
        let args: Vec<f32> = op.operands.iter().filter_map(number).collect();
        match op.operator.as_str() {
            "BT" => line = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            "Tm" if args.len() == 6 => line = [args[0], args[1], args[2], args[3], args[4], args[5]],
            "Td" if args.len() == 2 => move_by(&mut line, args[0], args[1]),
            "TD" if args.len() == 2 => {
                leading = -args[1];
                move_by(&mut line, args[0], args[1]);
            }
            "TL" if args.len() == 1 => leading = args[0],
            "T*" => move_by(&mut line, 0.0, -leading),
            "Tf" => {
                encoding = op.operands.first().and_then(|o| o.as_name().ok()).and_then(|f| encodings.get(f));
                if let Some(&s) = args.first() {
                    size = s.abs();
                }
            }
            "Tj" | "TJ" => show(&mut out, &line, size, encoding, &op.operands),
            "'" => {
                move_by(&mut line, 0.0, -leading);
                show(&mut out, &line, size, encoding, &op.operands);
            }
            "\"" => {
                move_by(&mut line, 0.0, -leading);
                show(&mut out, &line, size, encoding, op.operands.get(2..).unwrap_or(&[]));
            }
            _ => {}
        }
    }
    Some(out)
}

fn has_image(doc: &lopdf::Document, page: lopdf::ObjectId) -> bool {
    doc.get_page_images(page).is_ok_and(|images| !images.is_empty())
}

/// The page's largest image as grey: the scan of a scanned page. `Ok(None)` when the page has
/// no image.
fn pdf_page_image(doc: &lopdf::Document, page: lopdf::ObjectId) -> Result<Option<GrayImage>, String> {
    let images = doc.get_page_images(page).map_err(|e| format!("PDF 页面无法解析：{e}"))?;
    let Some(image) = images.iter().max_by_key(|i| i.width.saturating_mul(i.height)) else {
        return Ok(None);
    };
    let (Ok(w), Ok(h)) = (u32::try_from(image.width), u32::try_from(image.height)) else {
        return Err("PDF 图像尺寸无效".into());
    };
    if w == 0 || h == 0 || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!("PDF 图像 {w}×{h} 像素，超出可识别的范围"));
    }
    let filters = image.filters.clone().unwrap_or_default();
    let stream =
        doc.get_object(image.id).and_then(lopdf::Object::as_stream).map_err(|e| format!("PDF 图像无法读取：{e}"))?;
    let mut grey = match filters.last().map(String::as_str) {
        Some("DCTDecode") => {
            // JPEG, possibly inside other filters.
            let jpeg = if filters.len() == 1 {
                stream.content.clone()
            } else {
                let mut s = stream.clone();
                s.dict.set(
                    "Filter",
                    lopdf::Object::Array(
                        filters[..filters.len() - 1]
                            .iter()
                            .map(|f| lopdf::Object::Name(f.clone().into_bytes()))
                            .collect(),
                    ),
                );
                s.decompressed_content_with_limit(MAX_INFLATED).map_err(|e| format!("PDF 图像无法解压：{e}"))?
            };
            image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg)
                .map_err(|e| format!("PDF 中的 JPEG 图像无法解码：{e}"))?
                .to_luma8()
        }
        None | Some("FlateDecode" | "LZWDecode" | "RunLengthDecode") => {
            let raw =
                stream.decompressed_content_with_limit(MAX_INFLATED).map_err(|e| format!("PDF 图像无法解压：{e}"))?;
            raw_pixels(&raw, w, h, image.color_space.as_deref(), image.bits_per_component.unwrap_or(8))?
        }
        Some(other) => return Err(format!("PDF 图像编码 {other} 暂不支持识别，请以 JPEG、PNG 或 TIFF 上传扫描件")),
    };
    paper_light(&mut grey);
    Ok(Some(grey))
}

/// Uncompressed PDF image samples as grey.
fn raw_pixels(raw: &[u8], w: u32, h: u32, colour: Option<&str>, bits: i64) -> Result<GrayImage, String> {
    let (wu, hu) = (w as usize, h as usize);
    let grey: Vec<u8> = match (colour.unwrap_or("DeviceGray"), bits) {
        ("DeviceGray" | "CalGray", 8) => raw.get(..wu * hu).ok_or("PDF 图像数据不完整")?.to_vec(),
        ("DeviceGray" | "CalGray", 1) => unpack_bits(raw, wu, hu),
        ("DeviceRGB" | "CalRGB", 8) => raw
            .get(..wu * hu * 3)
            .ok_or("PDF 图像数据不完整")?
            .chunks_exact(3)
            .map(|p| luma(p[0], p[1], p[2]))
            .collect(),
        ("DeviceCMYK", 8) => raw
            .get(..wu * hu * 4)
            .ok_or("PDF 图像数据不完整")?
            .chunks_exact(4)
            .map(|p| (u32::from(luma(255 - p[0], 255 - p[1], 255 - p[2])) * u32::from(255 - p[3]) / 255) as u8)
            .collect(),
        (space, bits) => return Err(format!("PDF 图像颜色空间 {space}（{bits} 位）暂不支持识别")),
    };
    GrayImage::from_raw(w, h, grey).ok_or_else(|| "PDF 图像数据不完整".to_owned())
}

/// Pages (PNG or JPEG images) put together as one multi-page grey TIFF, as a sheet-fed scanner
/// writes a bundle of papers (LZW-compressed). For the demo's scanned papers and tests.
pub fn tiff_of_pages(pages: &[Vec<u8>]) -> Result<Vec<u8>, OcrError> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut encoder = tiff::encoder::TiffEncoder::new(&mut out)
        .map_err(|e| OcrError::Decode(format!("TIFF 无法写入：{e}")))?
        .with_compression(tiff::encoder::Compression::Lzw);
    for (i, page) in pages.iter().enumerate() {
        let grey = decode_image(page).map_err(|e| OcrError::Decode(format!("第 {} 页：{e}", i + 1)))?;
        encoder
            .write_image::<tiff::encoder::colortype::Gray8>(grey.width(), grey.height(), grey.as_raw())
            .map_err(|e| OcrError::Decode(format!("TIFF 无法写入：{e}")))?;
    }
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bit_rows_unpack_to_grey() {
        // Two rows of 10 pixels: each row padded to 2 bytes.
        let packed = [0b1010_0000, 0b1100_0000, 0b0000_0000, 0b0100_0000];
        let grey = unpack_bits(&packed, 10, 2);
        assert_eq!(&grey[..10], &[255, 0, 255, 0, 0, 0, 0, 0, 255, 255]);
        assert_eq!(&grey[10..], &[0, 0, 0, 0, 0, 0, 0, 0, 0, 255]);
    }

    #[test]
    fn dark_pages_are_turned_to_light_paper() {
        let mut image = GrayImage::from_raw(2, 2, vec![0, 0, 0, 255]).unwrap();
        paper_light(&mut image);
        assert_eq!(image.as_raw(), &vec![255, 255, 255, 0]);
        let mut light = GrayImage::from_raw(2, 2, vec![255, 255, 255, 0]).unwrap();
        paper_light(&mut light);
        assert_eq!(light.as_raw(), &vec![255, 255, 255, 0]);
    }

    #[test]
    fn rgb_and_cmyk_samples_become_grey() {
        let rgb = raw_pixels(&[255, 255, 255, 0, 0, 0], 2, 1, Some("DeviceRGB"), 8).unwrap();
        assert_eq!(rgb.as_raw(), &vec![255, 0]);
        // CMYK: no ink is white, full black ink is black.
        let cmyk = raw_pixels(&[0, 0, 0, 0, 0, 0, 0, 255], 2, 1, Some("DeviceCMYK"), 8).unwrap();
        assert_eq!(cmyk.as_raw(), &vec![255, 0]);
        assert!(raw_pixels(&[1, 2], 2, 1, Some("Indexed"), 8).is_err());
    }

    #[test]
    fn pages_put_together_come_apart_again() {
        let png = |shade: u8| {
            let mut bytes = Vec::new();
            GrayImage::from_pixel(3, 2, image::Luma([shade]))
                .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
                .unwrap();
            bytes
        };
        let tiff = tiff_of_pages(&[png(250), png(200)]).unwrap();
        let pages = open(&tiff).unwrap();
        assert_eq!(pages.len(), 2);
        assert_eq!(tiff_page(&tiff, 0).unwrap().as_raw(), &vec![250; 6]);
        assert_eq!(tiff_page(&tiff, 1).unwrap().as_raw(), &vec![200; 6]);
        assert!(tiff_page(&tiff, 2).is_err());
    }

    #[test]
    fn what_is_not_a_document_is_refused_with_its_reason() {
        assert!(matches!(open(b"%PDF-1.7 not really"), Err(OcrError::Decode(_))));
        let pages = open(b"\x89PNG\r\n\x1a\n broken").unwrap();
        let page = pages.read(0).unwrap();
        assert_eq!(page.source, Source::Unreadable);
        assert_eq!(page.confidence, 0.0);
        assert!(page.text.contains("图片无法解码"), "{}", page.text);
    }
}
