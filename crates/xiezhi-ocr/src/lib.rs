//! 文字识别 (OCR) offline, in the product's own binary: the PaddleOCR PP-OCRv4 models
//! (Apache-2.0; `data/`, embedded with `include_bytes!`) run by `rten`, a pure-Rust ONNX
//! runtime — no download at build or run time, no system library.
//!
//! The pipeline follows PaddleOCR's (and RapidOCR's defaults, with two departures measured in
//! BENCHMARKS.md): the page scaled so that its long side is at most 1,600 px (RapidOCR: 2,000)
//! and its short side at least 736 px (multiples of 32); the DB
//! detector's probability map thresholded at 0.3 and dilated; each connected region kept when
//! its mean probability is at least 0.5, as a rotated rectangle (its principal axis) widened by
//! the unclip ratio 1.6; each line cut out along its own angle, scaled to 48 px high (and to
//! 0.75 of its aspect's width) and read by the SVTR recogniser, six lines of similar width a
//! run, the runs shared by the cores; CTC greedy decoding with the model's 6,623-character dictionary
//! (`data/ppocr-keys.txt`, from the model's metadata); lines under a mean confidence of 0.5
//! dropped; lines in reading order (top to bottom, then left to right).
//!
//! Architecture invariant: this crate is the only one that knows rten and the models; it does
//! no IO (bytes in, text out) and reads no clock.

pub mod document;

use std::sync::OnceLock;

use image::GrayImage;
use rten::Model;
use rten_tensor::prelude::*;
use rten_tensor::{NdTensor, NdTensorView};

const DET_MODEL: &[u8] = include_bytes!("../data/ch_PP-OCRv4_det_infer.onnx");
const REC_MODEL: &[u8] = include_bytes!("../data/ch_PP-OCRv4_rec_infer.onnx");
const KEYS: &str = include_str!("../data/ppocr-keys.txt");

const MAX_SIDE: f32 = 1600.0;
const MIN_SIDE: f32 = 736.0;
const THRESHOLD: f32 = 0.3;
const BOX_THRESHOLD: f32 = 0.5;
const UNCLIP_RATIO: f32 = 1.6;
const REC_HEIGHT: usize = 48;
const REC_MIN_WIDTH: usize = 320;
const TEXT_SCORE: f32 = 0.5;
const REC_BATCH: usize = 6;
/// Lines are cut 0.75 times as wide as their aspect says: characters stay readable (a
/// 12-point line keeps more than one recogniser step per character) and the recogniser, whose
/// cost grows with the width, runs a quarter faster.
const WIDTH_FACTOR: f32 = 0.75;

/// Why a page could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error("{0}")]
    Decode(String),
    #[error("识别模型无法加载：{0}")]
    Model(String),
    #[error("识别失败：{0}")]
    Run(String),
}

/// One line read.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    /// Mean confidence of its characters.
    pub score: f32,
    /// Centre, size (along and across the line) and angle (radians), in page pixels.
    pub center: (f32, f32),
    pub size: (f32, f32),
    pub angle: f32,
}

/// A page read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub lines: Vec<Line>,
}

impl Page {
    /// The text, a line of the page per line.
    pub fn text(&self) -> String {
        self.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n")
    }
}

/// The two models and the dictionary.
pub struct Ocr {
    det: Model,
    rec: Model,
    keys: Vec<String>,
}

/// A text region: centre, half extents along (u) and across (v) its axis, angle.
#[derive(Debug, Clone, Copy)]
struct Region {
    cx: f32,
    cy: f32,
    half_u: f32,
    half_v: f32,
    angle: f32,
}

impl Region {
    /// Length over height.
    fn aspect(&self) -> f32 {
        if self.half_v > 0.0 { self.half_u / self.half_v } else { 0.0 }
    }
}

impl Ocr {
    /// The embedded models, loaded once.
    pub fn embedded() -> Result<&'static Ocr, &'static OcrError> {
        static OCR: OnceLock<Result<Ocr, OcrError>> = OnceLock::new();
        OCR.get_or_init(|| {
            // Weights prepacked for the matrix kernels: a slower load (once), faster runs.
            let mut options = rten::ModelOptions::with_all_ops();
            options.prepack_weights(true);
            let det = options.load_static_slice(DET_MODEL).map_err(|e| OcrError::Model(e.to_string()))?;
            let rec = options.load_static_slice(REC_MODEL).map_err(|e| OcrError::Model(e.to_string()))?;
            let keys = KEYS.split('\n').map(str::to_owned).collect();
            Ok(Ocr { det, rec, keys })
        })
        .as_ref()
    }

    /// Reads an image file's bytes (JPEG, PNG, TIFF — the first page).
    pub fn read_bytes(&self, bytes: &[u8]) -> Result<Page, OcrError> {
        let image = image::load_from_memory(bytes).map_err(|e| OcrError::Decode(format!("图片无法解码：{e}")))?;
        self.read(&image.to_luma8())
    }

    /// Reads a grey page.
    pub fn read(&self, page: &GrayImage) -> Result<Page, OcrError> {
        let regions = self.detect(page)?;
        // Lines of similar width are read in batches of 6 (as PaddleOCR does): one model run
        // per batch uses the cores better than one per line. Batches are shared by the cores.
        let mut order: Vec<usize> = (0..regions.len()).collect();
        order.sort_by(|&a, &b| regions[a].aspect().total_cmp(&regions[b].aspect()));
        let batches: Vec<&[usize]> = order.chunks(REC_BATCH).collect();
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(batches.len().max(1));
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut results: Vec<Option<Line>> = Vec::new();
        results.resize_with(regions.len(), || None);
        let results = std::sync::Mutex::new(results);
        let failure: std::sync::Mutex<Option<OcrError>> = std::sync::Mutex::new(None);
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let b = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(batch) = batches.get(b) else { break };
                        let chosen: Vec<Region> = batch.iter().map(|&i| regions[i]).collect();
                        match self.recognise(page, &chosen) {
                            Ok(read) => {
                                let mut all = results.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                                for (&i, line) in batch.iter().zip(read) {
                                    all[i] = line;
                                }
                            }
                            Err(e) => {
                                *failure.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(e);
                                break;
                            }
                        }
                    }
                });
            }
        });
        if let Some(e) = failure.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
            return Err(e);
        }
        let lines: Vec<Line> =
            results.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner).into_iter().flatten().collect();
        Ok(Page { lines })
    }

    /// The text regions of a page, in reading order.
    fn detect(&self, page: &GrayImage) -> Result<Vec<Region>, OcrError> {
        let (w, h) = (page.width() as f32, page.height() as f32);
        let mut scale = 1.0f32;
        if w.max(h) * scale > MAX_SIDE {
            scale = MAX_SIDE / w.max(h);
        }
        if w.min(h) * scale < MIN_SIDE {
            scale = MIN_SIDE / w.min(h);
        }
        let round32 = |v: f32| (((v / 32.0).round() as u32).max(1) * 32) as usize;
        let (dw, dh) = (round32(w * scale), round32(h * scale));
        let resized = image::imageops::resize(page, dw as u32, dh as u32, image::imageops::FilterType::Triangle);
        let mut data = vec![0f32; 3 * dw * dh];
        for (i, p) in resized.pixels().enumerate() {
            let v = (f32::from(p.0[0]) / 255.0 - 0.5) / 0.5;
            data[i] = v;
            data[dw * dh + i] = v;
            data[2 * dw * dh + i] = v;
        }
        let input = NdTensor::from_data([1, 3, dh, dw], data);
        let output = self.det.run_one(input.view().into(), None).map_err(|e| OcrError::Run(e.to_string()))?;
        let prob: NdTensor<f32, 4> = output.try_into().map_err(|e| OcrError::Run(format!("{e:?}")))?;
        let [_, _, ph, pw] = prob.shape();
        let prob: Vec<f32> = prob.to_vec();
        // Threshold and dilate by one pixel right and down (PaddleOCR's 2×2 kernel).
        let mut on = vec![false; pw * ph];
        for y in 0..ph {
            for x in 0..pw {
                if prob[y * pw + x] > THRESHOLD {
                    on[y * pw + x] = true;
                    if x + 1 < pw {
                        on[y * pw + x + 1] = true;
                    }
                    if y + 1 < ph {
                        on[(y + 1) * pw + x] = true;
                        if x + 1 < pw {
                            on[(y + 1) * pw + x + 1] = true;
                        }
                    }
                }
            }
        }
        let (sx, sy) = (w / pw as f32, h / ph as f32);
        let mut seen = vec![false; pw * ph];
        let mut regions = Vec::new();
        let mut stack = Vec::new();
        let mut pixels: Vec<(usize, usize)> = Vec::new();
        for start in 0..pw * ph {
            if !on[start] || seen[start] {
                continue;
            }
            pixels.clear();
            stack.push(start);
            seen[start] = true;
            while let Some(i) = stack.pop() {
                let (x, y) = (i % pw, i / pw);
                pixels.push((x, y));
                let mut visit = |j: usize| {
                    if on[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                };
                if x > 0 {
                    visit(i - 1);
                }
                if x + 1 < pw {
                    visit(i + 1);
                }
                if y > 0 {
                    visit(i - pw);
                }
                if y + 1 < ph {
                    visit(i + pw);
                }
            }
            if pixels.len() < 12 {
                continue;
            }
            let score = pixels.iter().map(|&(x, y)| prob[y * pw + x]).sum::<f32>() / pixels.len() as f32;
            if score < BOX_THRESHOLD {
                continue;
            }
            if let Some(r) = rectangle(&pixels) {
                // Unclip: widen by area × ratio / perimeter on every side.
                let (lu, lv) = (2.0 * r.half_u, 2.0 * r.half_v);
                if lu.min(lv) < 3.0 {
                    continue;
                }
                let d = lu * lv * UNCLIP_RATIO / (2.0 * (lu + lv));
                regions.push(Region {
                    cx: r.cx * sx,
                    cy: r.cy * sy,
                    half_u: (r.half_u + d) * sx,
                    half_v: (r.half_v + d) * sy,
                    angle: r.angle,
                });
            }
        }
        // Reading order: by line (centres within half a line height), then left to right.
        regions.sort_by(|a, b| a.cy.total_cmp(&b.cy));
        let mut ordered: Vec<Region> = Vec::with_capacity(regions.len());
        let mut row: Vec<Region> = Vec::new();
        for r in regions {
            if let Some(first) = row.first()
                && (r.cy - first.cy).abs() > first.half_v.min(r.half_v)
            {
                row.sort_by(|a, b| a.cx.total_cmp(&b.cx));
                ordered.append(&mut row);
            }
            row.push(r);
        }
        row.sort_by(|a, b| a.cx.total_cmp(&b.cx));
        ordered.append(&mut row);
        Ok(ordered)
    }

    /// Reads regions: each cut along its angle, scaled to 48 px high, padded to the widest of
    /// the batch, decoded.
    fn recognise(&self, page: &GrayImage, regions: &[Region]) -> Result<Vec<Option<Line>>, OcrError> {
        let widths: Vec<usize> = regions
            .iter()
            .map(|r| ((REC_HEIGHT as f32 * r.aspect() * WIDTH_FACTOR).ceil() as usize).clamp(8, 48 * 60))
            .collect();
        let padded = widths.iter().copied().max().unwrap_or(0).max(REC_MIN_WIDTH);
        let n = regions.len();
        let plane = REC_HEIGHT * padded;
        let mut data = vec![0f32; n * 3 * plane];
        for (k, (r, &width)) in regions.iter().zip(&widths).enumerate() {
            let (len_u, len_v) = (2.0 * r.half_u, 2.0 * r.half_v);
            let (cos, sin) = (r.angle.cos(), r.angle.sin());
            let base = k * 3 * plane;
            for oy in 0..REC_HEIGHT {
                let v = ((oy as f32 + 0.5) / REC_HEIGHT as f32 - 0.5) * len_v;
                for ox in 0..width {
                    let u = ((ox as f32 + 0.5) / width as f32 - 0.5) * len_u;
                    let x = r.cx + u * cos - v * sin;
                    let y = r.cy + u * sin + v * cos;
                    let value = (sample(page, x, y) / 255.0 - 0.5) / 0.5;
                    let i = oy * padded + ox;
                    data[base + i] = value;
                    data[base + plane + i] = value;
                    data[base + 2 * plane + i] = value;
                }
            }
        }
        let input = NdTensor::from_data([n, 3, REC_HEIGHT, padded], data);
        let output = self.rec.run_one(input.view().into(), None).map_err(|e| OcrError::Run(e.to_string()))?;
        let logits: NdTensor<f32, 3> = output.try_into().map_err(|e| OcrError::Run(format!("{e:?}")))?;
        Ok(regions
            .iter()
            .enumerate()
            .map(|(k, r)| {
                let (text, score) = self.decode(logits.view(), k);
                (!text.trim().is_empty() && score >= TEXT_SCORE).then_some(Line {
                    text,
                    score,
                    center: (r.cx, r.cy),
                    size: (2.0 * r.half_u, 2.0 * r.half_v),
                    angle: r.angle,
                })
            })
            .collect())
    }

    /// CTC greedy decoding: the best class per step, repeats merged, blanks dropped.
    fn decode(&self, logits: NdTensorView<f32, 3>, row: usize) -> (String, f32) {
        let [_, steps, classes] = logits.shape();
        let mut text = String::new();
        let (mut sum, mut n) = (0.0f32, 0usize);
        let mut previous = 0usize;
        for t in 0..steps {
            let mut best = 0usize;
            let mut best_p = f32::MIN;
            for c in 0..classes {
                let p = logits[[row, t, c]];
                if p > best_p {
                    best_p = p;
                    best = c;
                }
            }
            if best != 0 && best != previous {
                let ch = if best == classes - 1 { " " } else { self.keys.get(best - 1).map_or("", String::as_str) };
                text.push_str(ch);
                sum += best_p;
                n += 1;
            }
            previous = best;
        }
        (text, if n == 0 { 0.0 } else { sum / n as f32 })
    }
}

/// The rotated rectangle of a region's pixels: its principal axis and extents.
fn rectangle(pixels: &[(usize, usize)]) -> Option<Region> {
    let n = pixels.len() as f32;
    let (mx, my) = pixels.iter().fold((0.0, 0.0), |(a, b), &(x, y)| (a + x as f32, b + y as f32));
    let (mx, my) = (mx / n, my / n);
    let (mut sxx, mut syy, mut sxy) = (0.0f32, 0.0f32, 0.0f32);
    for &(x, y) in pixels {
        let (dx, dy) = (x as f32 - mx, y as f32 - my);
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    let (cos, sin) = (angle.cos(), angle.sin());
    let (mut u0, mut u1, mut v0, mut v1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
    for &(x, y) in pixels {
        let (dx, dy) = (x as f32 + 0.5 - mx, y as f32 + 0.5 - my);
        let u = dx * cos + dy * sin;
        let v = -dx * sin + dy * cos;
        u0 = u0.min(u);
        u1 = u1.max(u);
        v0 = v0.min(v);
        v1 = v1.max(v);
    }
    let (cu, cv) = ((u0 + u1) / 2.0 + 0.5, (v0 + v1) / 2.0 + 0.5);
    let mut region = Region {
        cx: mx + cu * cos - cv * sin,
        cy: my + cu * sin + cv * cos,
        half_u: (u1 - u0 + 1.0) / 2.0,
        half_v: (v1 - v0 + 1.0) / 2.0,
        angle,
    };
    // A line is longer than high: keep u along the line.
    if region.half_v > region.half_u {
        std::mem::swap(&mut region.half_u, &mut region.half_v);
        region.angle += std::f32::consts::FRAC_PI_2;
    }
    if region.angle > std::f32::consts::FRAC_PI_2 {
        region.angle -= std::f32::consts::PI;
    }
    Some(region)
}

/// Bilinear sample of a grey page (white outside).
fn sample(page: &GrayImage, x: f32, y: f32) -> f32 {
    let (w, h) = (page.width() as i64, page.height() as i64);
    let (x, y) = (x - 0.5, y - 0.5);
    let (x0, y0) = (x.floor() as i64, y.floor() as i64);
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let at = |px: i64, py: i64| -> f32 {
        if px < 0 || py < 0 || px >= w || py >= h {
            255.0
        } else {
            f32::from(page.get_pixel(px as u32, py as u32).0[0])
        }
    };
    let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1, y0) * fx;
    let bottom = at(x0, y0 + 1) * (1.0 - fx) + at(x0 + 1, y0 + 1) * fx;
    top * (1.0 - fy) + bottom * fy
}

/// Levenshtein distance between two character sequences (for the character error rate).
pub fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == cb { previous } else { 1 + previous.min(row[j]).min(row[j + 1]) };
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(edit_distance(&c("借款合同"), &c("借款合同")), 0);
        assert_eq!(edit_distance(&c("借款合同"), &c("借歀合同")), 1);
        assert_eq!(edit_distance(&c("借款合同"), &c("借款同")), 1);
        assert_eq!(edit_distance(&c(""), &c("甲乙")), 2);
    }

    #[test]
    fn a_horizontal_region_keeps_its_axis() {
        let pixels: Vec<(usize, usize)> = (10..110).flat_map(|x| (20..30).map(move |y| (x, y))).collect();
        let r = rectangle(&pixels).unwrap();
        assert!(r.angle.abs() < 1e-3, "{}", r.angle);
        assert!((r.half_u - 50.0).abs() < 0.6 && (r.half_v - 5.0).abs() < 0.6, "{r:?}");
        assert!((r.cx - 60.0).abs() < 0.6 && (r.cy - 25.0).abs() < 0.6, "{r:?}");
    }
}
