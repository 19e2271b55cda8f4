//! Charts as PNG for documents: the SVG of [`crate::chart`] rendered by resvg with a font that
//! has Chinese glyphs. [`ChartFonts`] finds one among the fonts it is given (a fonts directory
//! and/or the system's); without one it refuses ([`ReportError::NoCjkFont`]) rather than draw
//! boxes.

use std::path::Path;
use std::sync::Arc;

use resvg::usvg::{self, fontdb};
use skrifa::MetadataProvider;

use crate::bulletin::ChartData;
use crate::error::ReportError;

/// Characters a chart font must have (a face without them would draw boxes).
const PROBE: &str = "结案率执收比月新未审限内";

/// The fonts charts are drawn with: a font database and the CJK family chosen from it.
#[derive(Clone)]
pub struct ChartFonts {
    db: Arc<fontdb::Database>,
    family: String,
}

impl std::fmt::Debug for ChartFonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChartFonts").field("family", &self.family).finish()
    }
}

impl ChartFonts {
    /// Loads the fonts of `dir` (when given; .ttf/.otf/.ttc, searched recursively) and, when
    /// `system` is true, the system's fonts; picks a family covering Chinese (fonts from `dir`
    /// first, sans-serif (黑体-like) faces preferred).
    pub fn load(dir: Option<&Path>, system: bool) -> Result<ChartFonts, ReportError> {
        let mut db = fontdb::Database::new();
        if let Some(dir) = dir {
            db.load_fonts_dir(dir);
        }
        let from_dir = db.len();
        if system {
            db.load_system_fonts();
        }
        ChartFonts::choose(db, from_dir)
    }

    /// Uses the fonts given as file contents (e.g. embedded by a caller).
    pub fn from_data(fonts: Vec<Vec<u8>>) -> Result<ChartFonts, ReportError> {
        let mut db = fontdb::Database::new();
        for data in fonts {
            db.load_font_data(data);
        }
        let n = db.len();
        ChartFonts::choose(db, n)
    }

    fn choose(db: fontdb::Database, preferred_first: usize) -> Result<ChartFonts, ReportError> {
        let mut best: Option<(i32, String)> = None;
        for (i, face) in db.faces().enumerate() {
            let Some((family, _)) = face.families.first() else {
                continue;
            };
            let covers = db
                .with_face_data(face.id, |data, index| {
                    skrifa::FontRef::from_index(data, index).is_ok_and(|font| {
                        let charmap = font.charmap();
                        PROBE.chars().all(|c| charmap.map(c).is_some())
                    })
                })
                .unwrap_or(false);
            if !covers {
                continue;
            }
            let mut score = 0;
            if i < preferred_first {
                score += 100;
            }
            let lower = family.to_lowercase();
            if lower.contains("sans") || family.contains('黑') || lower.contains("hei") {
                score += 10;
            }
            if family.ends_with(" SC") || lower.contains("gb") || lower.contains(" cn") {
                score += 5;
            }
            if face.weight == fontdb::Weight::NORMAL {
                score += 1;
            }
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, family.clone()));
            }
        }
        let (_, family) = best.ok_or(ReportError::NoCjkFont)?;
        Ok(ChartFonts { db: Arc::new(db), family })
    }

    /// The chosen family, e.g. `Noto Sans CJK SC`.
    pub fn family(&self) -> &str {
        &self.family
    }

    /// The chart as a PNG at `scale` × its SVG size (2.0 gives print quality).
    pub fn render_png(&self, chart: &ChartData, scale: f32) -> Result<Vec<u8>, ReportError> {
        let svg = crate::chart::svg(chart, &self.family, true);
        let options =
            usvg::Options { font_family: self.family.clone(), fontdb: self.db.clone(), ..usvg::Options::default() };
        let tree = usvg::Tree::from_str(&svg, &options).map_err(|e| ReportError::Chart(e.to_string()))?;
        let size = tree
            .size()
            .to_int_size()
            .scale_by(scale)
            .ok_or_else(|| ReportError::Chart(format!("cannot scale {:?} by {scale}", tree.size())))?;
        let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
            .ok_or_else(|| ReportError::Chart("empty picture".into()))?;
        resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
        pixmap.encode_png().map_err(|e| ReportError::Chart(e.to_string()))
    }

    /// A page of text as a PNG, as a scanner would give it (for the demo's scanned papers):
    /// `lines` at 33 px (12 pt at 200 dpi) on a white page `width` px wide.
    pub fn render_text_page(&self, lines: &[String], width: u32) -> Result<Vec<u8>, ReportError> {
        let (size, lead, margin) = (33.0f32, 50.0f32, 120.0f32);
        let height = (2.0 * margin + lead * lines.len() as f32).ceil() as u32;
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\"><rect width=\"100%\" height=\"100%\" fill=\"#fdfdfb\"/>"
        );
        for (i, line) in lines.iter().enumerate() {
            svg.push_str(&format!(
                "<text x=\"{margin}\" y=\"{}\" font-size=\"{size}\" fill=\"#202020\">{}</text>",
                margin + lead * (i as f32 + 1.0),
                crate::chart::escape(line)
            ));
        }
        svg.push_str("</svg>");
        let options =
            usvg::Options { font_family: self.family.clone(), fontdb: self.db.clone(), ..usvg::Options::default() };
        let tree = usvg::Tree::from_str(&svg, &options).map_err(|e| ReportError::Chart(e.to_string()))?;
        let mut pixmap =
            resvg::tiny_skia::Pixmap::new(width, height).ok_or_else(|| ReportError::Chart("empty picture".into()))?;
        resvg::render(&tree, resvg::tiny_skia::Transform::identity(), &mut pixmap.as_mut());
        pixmap.encode_png().map_err(|e| ReportError::Chart(e.to_string()))
    }
}
