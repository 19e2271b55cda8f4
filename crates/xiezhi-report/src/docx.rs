//! The bulletin as a Word document laid out as an official document (公文): A4, margins
//! 37/35/28/26 mm, 方正小标宋 二号 title, 仿宋 三号 body with 2-character indent, 黑体/楷体
//! headings, bordered tables, page numbers `— N —` in the footer. Every font is carried by a
//! style in `styles.xml` (run properties in schema order), so Word and WPS honour them; the
//! package is written part by part with the `zip` crate.

use std::fmt::Write as _;
use std::io::Write as _;

use zip::write::SimpleFileOptions;

use crate::bulletin::{Bulletin, Table};
use crate::chart::{HEIGHT, WIDTH, escape};
use crate::error::ReportError;

/// The font names written into the styles (the machine that opens the file supplies them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocxFonts {
    /// 正文, e.g. 仿宋 or 仿宋_GB2312.
    pub body: String,
    /// 标题, e.g. 方正小标宋简体.
    pub title: String,
    /// 一级标题, e.g. 黑体.
    pub heading: String,
    /// 二级标题, e.g. 楷体.
    pub subheading: String,
    /// Latin and digits.
    pub latin: String,
}

impl Default for DocxFonts {
    fn default() -> DocxFonts {
        DocxFonts {
            body: "仿宋".to_owned(),
            title: "方正小标宋简体".to_owned(),
            heading: "黑体".to_owned(),
            subheading: "楷体".to_owned(),
            latin: "Times New Roman".to_owned(),
        }
    }
}

/// A chart already rasterised (see [`crate::ChartFonts::render_png`]).
#[derive(Debug, Clone)]
pub struct ChartImage {
    pub png: Vec<u8>,
}

/// What stands in the document instead of charts that were not drawn (no CJK font).
pub const NO_CHART_NOTE: &str = "（本文件未附图表：生成时未找到中文字体，图表见同期HTML或XLSX通报。）";

pub(crate) const NS: &str = concat!(
    "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" ",
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" ",
    "xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" ",
    "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" ",
    "xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\""
);

fn fonts_xml(latin: &str, east_asia: &str) -> String {
    format!(
        "<w:rFonts w:ascii=\"{l}\" w:hAnsi=\"{l}\" w:eastAsia=\"{e}\" w:cs=\"{l}\"/>",
        l = escape(latin),
        e = escape(east_asia)
    )
}

pub(crate) fn styles_xml(f: &DocxFonts) -> String {
    // Run properties in CT_RPr order: rFonts, b, bCs, color, kern, sz, szCs, lang.
    let body = fonts_xml(&f.latin, &f.body);
    let title = fonts_xml(&f.latin, &f.title);
    let heading = fonts_xml(&f.latin, &f.heading);
    let sub = fonts_xml(&f.latin, &f.subheading);
    let song = fonts_xml(&f.latin, "宋体");
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults><w:rPrDefault><w:rPr>{body}<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:line="578" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr><w:rPr>{body}<w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="0" w:after="0" w:line="700" w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr><w:rPr>{title}<w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="290"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr><w:rPr>{sub}<w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr><w:rPr>{heading}<w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="1"/></w:pPr><w:rPr>{sub}<w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr><w:rPr>{body}<w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TableHeader"><w:name w:val="Table Header"/><w:basedOn w:val="TableText"/><w:qFormat/><w:pPr><w:keepNext/></w:pPr><w:rPr>{heading}<w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Figure"><w:name w:val="Figure"/><w:basedOn w:val="Normal"/><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Note"><w:name w:val="Note"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="400" w:lineRule="exact"/></w:pPr><w:rPr>{body}<w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Signature"><w:name w:val="Signature"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLineChars="0" w:firstLine="0" w:right="640"/><w:jc w:val="right"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr><w:rPr>{song}<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
</w:styles>
"#
    )
}

pub(crate) fn paragraph(out: &mut String, style: &str, text: &str) {
    let _ = writeln!(
        out,
        "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
        escape(text)
    );
}

fn table(out: &mut String, t: &Table) {
    let columns = t.rows.first().map_or(1, Vec::len);
    // Text width 210 − 28 − 26 mm = 156 mm ≈ 8845 twips, shared by the columns in proportion to
    // their widest cell (CJK characters count 2, others 1; clamped so no column starves).
    let total = 8845;
    let weights: Vec<usize> = (0..columns)
        .map(|c| {
            t.rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(|cell| {
                    cell.chars()
                        .map(|ch| if ch.is_ascii() { 1 } else { 2 })
                        .sum::<usize>()
                })
                .max()
                .unwrap_or(4)
                .clamp(5, 18)
                // The cell margins take about one character.
                + 3
        })
        .collect();
    let sum: usize = weights.iter().sum();
    let widths: Vec<usize> = weights.iter().map(|w| total * w / sum.max(1)).collect();
    out.push_str("<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:jc w:val=\"center\"/><w:tblBorders>");
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        let _ = write!(out, "<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>");
    }
    out.push_str("</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"1\" w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>");
    for w in &widths {
        let _ = write!(out, "<w:gridCol w:w=\"{w}\"/>");
    }
    out.push_str("</w:tblGrid>\n");
    for (r, row) in t.rows.iter().enumerate() {
        out.push_str("<w:tr><w:trPr><w:cantSplit/>");
        if r == 0 {
            out.push_str("<w:tblHeader/>");
        }
        out.push_str("</w:trPr>");
        for (c, cell) in row.iter().enumerate() {
            let style = if r == 0 { "TableHeader" } else { "TableText" };
            let shade = if r == 0 { "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"EFE9DF\"/>" } else { "" };
            let jc = if r > 0 && c == 0 {
                "<w:jc w:val=\"left\"/>"
            } else if r > 0 {
                "<w:jc w:val=\"right\"/>"
            } else {
                ""
            };
            let _ = write!(
                out,
                "<w:tc><w:tcPr><w:tcW w:w=\"{}\" w:type=\"dxa\"/>{shade}<w:vAlign w:val=\"center\"/></w:tcPr><w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{jc}</w:pPr><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p></w:tc>",
                widths[c.min(widths.len() - 1)],
                escape(cell)
            );
        }
        out.push_str("</w:tr>\n");
    }
    out.push_str("</w:tbl>\n");
    // A table must be followed by a paragraph before another table or the section end.
    out.push_str("<w:p><w:pPr><w:pStyle w:val=\"Note\"/></w:pPr></w:p>\n");
}

fn image(out: &mut String, index: usize, title: &str) {
    // 150 mm wide, keeping the SVG's aspect ratio; 1 mm = 36 000 EMU.
    let cx: u64 = 150 * 36_000;
    let cy: u64 = (cx as f64 * HEIGHT / WIDTH).round() as u64;
    let _ = writeln!(
        out,
        "<w:p><w:pPr><w:pStyle w:val=\"Figure\"/><w:keepNext/></w:pPr><w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:docPr id=\"{id}\" name=\"图{id}\" descr=\"{t}\"/><a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:pic><pic:nvPicPr><pic:cNvPr id=\"{id}\" name=\"chart{id}.png\"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed=\"rIdChart{id}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>",
        id = index + 1,
        t = escape(title)
    );
    paragraph(out, "TableText", &format!("图{}　{title}", index + 1));
}

/// `word/document.xml`: one block element per line (so the golden file reads as text).
pub fn document_xml(b: &Bulletin, with_charts: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document {NS}><w:body>");
    paragraph(&mut out, "Title", &b.title);
    paragraph(&mut out, "Subtitle", &format!("（{}）", b.period_text));
    paragraph(&mut out, "Heading1", "一、总体情况");
    for p in &b.overview {
        paragraph(&mut out, "Normal", p);
    }
    paragraph(&mut out, "Heading1", "二、趋势与对比");
    if with_charts {
        image(&mut out, 0, &b.trend.title);
        image(&mut out, 1, &b.comparison.title);
    } else {
        paragraph(&mut out, "Normal", NO_CHART_NOTE);
    }
    paragraph(&mut out, "Heading1", "三、各院主要指标");
    for (i, t) in b.tables.iter().enumerate() {
        paragraph(&mut out, "Heading2", &format!("（{}）{}", chinese_number(i + 1), t.title));
        table(&mut out, t);
    }
    paragraph(&mut out, "Heading1", "四、需要督办的案件");
    for (i, list) in b.action_lists.iter().enumerate() {
        paragraph(&mut out, "Heading2", &format!("（{}）{}", chinese_number(i + 1), list.title));
        if list.total == 0 {
            paragraph(&mut out, "Normal", "无。");
        } else {
            table(&mut out, &list.table);
        }
    }
    for n in &b.notes {
        paragraph(&mut out, "Note", &format!("注：{n}"));
    }
    paragraph(&mut out, "Signature", &b.issuer);
    paragraph(&mut out, "Signature", &b.issued_on);
    out.push_str("<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\" w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/><w:docGrid w:type=\"lines\" w:linePitch=\"579\"/></w:sectPr>\n</w:body></w:document>\n");
    out
}

/// 一, 二, … 十九 (enough for headings).
fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => DIGITS[n].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", DIGITS[n - 10]),
        20..=99 => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
        _ => n.to_string(),
    }
}

pub(crate) const FOOTER: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr><w:r><w:t xml:space="preserve">— </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>
"#;

pub(crate) const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>
"#;

pub(crate) fn content_types() -> &'static str {
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>
"#
}

pub(crate) const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>
"#;

pub(crate) fn document_rels(charts: usize) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>"#,
    );
    for i in 1..=charts {
        let _ = write!(
            s,
            "<Relationship Id=\"rIdChart{i}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"media/chart{i}.png\"/>"
        );
    }
    s.push_str("</Relationships>\n");
    s
}

fn core_xml(b: &Bulletin) -> String {
    core_properties(&b.title, &b.issuer)
}

pub(crate) fn core_properties(title: &str, creator: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title><dc:creator>{}</dc:creator></cp:coreProperties>
"#,
        escape(title),
        escape(creator)
    )
}

pub(crate) const APP: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Xiezhi</Application></Properties>
"#;

/// The bulletin as DOCX bytes. `charts` are the trend and comparison PNGs; when empty, a note
/// stands in their place (the figures are all in the tables).
pub fn write(b: &Bulletin, fonts: &DocxFonts, charts: &[ChartImage]) -> Result<Vec<u8>, ReportError> {
    let with_charts = charts.len() >= 2;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut part = |name: &str, bytes: &[u8]| -> Result<(), ReportError> {
        zip.start_file(name, options)?;
        zip.write_all(bytes).map_err(|e| ReportError::Write { format: "DOCX", message: e.to_string() })
    };
    part("[Content_Types].xml", content_types().as_bytes())?;
    part("_rels/.rels", ROOT_RELS.as_bytes())?;
    part("docProps/core.xml", core_xml(b).as_bytes())?;
    part("docProps/app.xml", APP.as_bytes())?;
    part("word/document.xml", document_xml(b, with_charts).as_bytes())?;
    part("word/styles.xml", styles_xml(fonts).as_bytes())?;
    part("word/settings.xml", SETTINGS.as_bytes())?;
    part("word/footer1.xml", FOOTER.as_bytes())?;
    let n_charts = if with_charts { 2 } else { 0 };
    part("word/_rels/document.xml.rels", document_rels(n_charts).as_bytes())?;
    for (i, chart) in charts.iter().take(n_charts).enumerate() {
        part(&format!("word/media/chart{}.png", i + 1), &chart.png)?;
    }
    Ok(zip.finish()?.into_inner())
}
