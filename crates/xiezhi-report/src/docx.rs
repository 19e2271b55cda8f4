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
<w:style w:type="paragraph" w:styleId="Masthead"><w:name w:val="Masthead"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="0" w:after="120" w:line="1000" w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr><w:rPr>{title}<w:color w:val="C00000"/><w:spacing w:val="20"/><w:sz w:val="72"/><w:szCs w:val="72"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Plain"><w:name w:val="Plain"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Colophon"><w:name w:val="Colophon"/><w:basedOn w:val="Plain"/><w:pPr><w:spacing w:line="440" w:lineRule="exact"/><w:ind w:left="280" w:right="280"/></w:pPr><w:rPr>{body}<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="120" w:line="400" w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr><w:rPr>{heading}<w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Units"><w:name w:val="Units"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:line="320" w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="right"/></w:pPr><w:rPr>{body}<w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>
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

/// Whether a cell is a figure (right-aligned).
fn is_figure(cell: &str) -> bool {
    let t = cell.trim();
    !t.is_empty()
        && t.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '+' || c == '-')
        && t.chars().all(|c| c.is_ascii_digit() || ".,+-%".contains(c) || "个百分点".contains(c))
}

/// A numbered table: its caption (表N　title), its unit line, then the table.
fn numbered_table(out: &mut String, number: usize, t: &Table) {
    paragraph(out, "Caption", &format!("表{number}　{}", t.title));
    if !t.units.is_empty() {
        paragraph(out, "Units", &t.units);
    }
    table(out, t);
}

fn table(out: &mut String, t: &Table) {
    let columns = t.rows.first().map_or(1, Vec::len);
    let header = t.rows.first().cloned().unwrap_or_default();
    // Text width 210 − 28 − 26 mm = 156 mm ≈ 8845 twips, shared by the columns in proportion to
    // their widest cell (CJK characters count 2, others 1; clamped so no column starves; a 案号
    // column is never wrapped).
    let total = 8845;
    let weights: Vec<usize> = (0..columns)
        .map(|c| {
            let width = |cell: &str| cell.chars().map(|ch| if ch.is_ascii() { 1 } else { 2 }).sum::<usize>();
            // Figures and names must not wrap; a long heading may take two lines.
            let data = t.rows.iter().skip(1).filter_map(|r| r.get(c)).map(|cell| width(cell)).max().unwrap_or(4);
            let heading = header.get(c).map_or(4, |h| width(h).div_ceil(2));
            let cap = if header.get(c).is_some_and(|h| h == "案号") { 30 } else { 18 };
            // The cell margins take about one character; a flag ▼ two more.
            (data + 3).max(heading).clamp(4, cap) + 2
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
    let last = t.rows.len().saturating_sub(1);
    for (r, row) in t.rows.iter().enumerate() {
        out.push_str("<w:tr><w:trPr><w:cantSplit/>");
        if r == 0 {
            out.push_str("<w:tblHeader/>");
        }
        out.push_str("</w:trPr>");
        // The scope's own row closes a comparison table (全市 / 全省): bold.
        let total_row = r > 0 && r == last && row.first().is_some_and(String::is_empty);
        for (c, cell) in row.iter().enumerate() {
            let style = if r == 0 { "TableHeader" } else { "TableText" };
            let shade =
                if r == 0 || total_row { "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"EFE9DF\"/>" } else { "" };
            let head = header.get(c).map_or("", String::as_str);
            let jc = if r == 0 || head == "序号" {
                ""
            } else if c > 0 && is_figure(cell) {
                "<w:jc w:val=\"right\"/>"
            } else {
                "<w:jc w:val=\"left\"/>"
            };
            let nowrap = if head == "案号" { "<w:noWrap/>" } else { "" };
            let flagged = t.flagged.contains(&(r, c));
            let run_props = match (flagged, total_row) {
                (true, _) => "<w:rPr><w:b/><w:color w:val=\"C00000\"/></w:rPr>",
                (false, true) => "<w:rPr><w:b/></w:rPr>",
                _ => "",
            };
            let text = if flagged { format!("{cell}▼") } else { cell.clone() };
            let _ = write!(
                out,
                "<w:tc><w:tcPr><w:tcW w:w=\"{}\" w:type=\"dxa\"/>{nowrap}{shade}<w:vAlign w:val=\"center\"/></w:tcPr><w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{jc}</w:pPr><w:r>{run_props}<w:t xml:space=\"preserve\">{}</w:t></w:r></w:p></w:tc>",
                widths[c.min(widths.len() - 1)],
                escape(&text)
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

/// A paragraph with text at the left margin and text at the right margin (a right tab stop),
/// with optional borders (`w:pBdr` content).
fn two_sided(out: &mut String, style: &str, left: &str, right: &str, borders: &str) {
    // The text width, less the 版记's indents on both sides.
    let tab = if style == "Colophon" { 8845 - 560 } else { 8845 };
    let _ = writeln!(
        out,
        "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/><w:pBdr>{borders}</w:pBdr><w:tabs><w:tab w:val=\"right\" w:pos=\"{tab}\"/></w:tabs></w:pPr><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r><w:r><w:tab/><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
        escape(left),
        escape(right)
    );
}

/// `word/document.xml`: one block element per line (so the golden file reads as text). The
/// 公文 parts in order: 报头 (name in red, issue, office and date over a red rule), title,
/// sections 一 to 五, one numbered 注, 落款, 附件 on a new page, 版记.
pub fn document_xml(b: &Bulletin, with_charts: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document {NS}><w:body>");
    let m = &b.masthead;
    paragraph(&mut out, "Masthead", &m.name);
    let _ = writeln!(
        out,
        "<w:p><w:pPr><w:pStyle w:val=\"Plain\"/><w:jc w:val=\"center\"/></w:pPr><w:r><w:t>{}</w:t></w:r></w:p>",
        escape(&m.issue)
    );
    two_sided(
        &mut out,
        "Plain",
        &m.office,
        &m.date,
        "<w:bottom w:val=\"single\" w:sz=\"24\" w:space=\"6\" w:color=\"C00000\"/>",
    );
    paragraph(&mut out, "Title", &b.title);
    paragraph(&mut out, "Subtitle", &format!("（{}）", b.period_text));
    if let Some(line) = &b.synthetic_line {
        let _ = writeln!(
            out,
            "<w:p><w:pPr><w:pStyle w:val=\"Note\"/><w:jc w:val=\"center\"/></w:pPr><w:r><w:rPr><w:b/><w:color w:val=\"C00000\"/></w:rPr><w:t>{}</w:t></w:r></w:p>",
            escape(line)
        );
    }
    paragraph(&mut out, "Heading1", "一、总体情况");
    for p in &b.overview {
        paragraph(&mut out, "Normal", p);
    }
    paragraph(&mut out, "Heading1", "二、质效指标对比");
    for p in &b.named {
        paragraph(&mut out, "Normal", p);
    }
    let mut number = 1;
    numbered_table(&mut out, number, &b.comparison_table);
    if with_charts {
        image(&mut out, 0, &b.trend.title);
        image(&mut out, 1, &b.comparison.title);
    } else {
        paragraph(&mut out, "Normal", NO_CHART_NOTE);
    }
    paragraph(&mut out, "Heading1", "三、需要督办的案件");
    for (i, list) in b.action_lists.iter().enumerate() {
        paragraph(&mut out, "Heading2", &format!("（{}）{}", chinese_number(i + 1), list.title));
        if list.total == 0 {
            paragraph(&mut out, "Normal", "无。");
        } else {
            number += 1;
            let mut t = list.table.clone();
            // The heading above says how many; the caption names the list.
            t.title = format!("{}清单", list.title.split('（').next().unwrap_or(&list.title));
            numbered_table(&mut out, number, &t);
        }
    }
    paragraph(&mut out, "Heading1", "四、存在问题");
    for p in &b.problems {
        paragraph(&mut out, "Normal", p);
    }
    paragraph(&mut out, "Heading1", "五、下一步工作要求");
    for p in &b.requirements {
        paragraph(&mut out, "Normal", p);
    }
    paragraph(&mut out, "Note", "注：");
    for (i, n) in b.notes.iter().enumerate() {
        paragraph(&mut out, "Note", &format!("{}. {n}", i + 1));
    }
    paragraph(&mut out, "Signature", &b.issuer);
    paragraph(&mut out, "Signature", &b.issued_on);
    // 附件 on a page of its own.
    out.push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>\n");
    paragraph(&mut out, "Heading1", "附件");
    paragraph(&mut out, "Heading2", "各院主要质效指标明细");
    for t in &b.tables {
        number += 1;
        numbered_table(&mut out, number, t);
    }
    // 版记: between two thick rules, 报 and 送, then the printing line.
    let d = &b.distribution;
    let thick = |side: &str| format!("<w:{side} w:val=\"single\" w:sz=\"12\" w:space=\"2\" w:color=\"000000\"/>");
    let thin = "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"2\" w:color=\"000000\"/>";
    let _ = writeln!(
        out,
        "<w:p><w:pPr><w:pStyle w:val=\"Colophon\"/><w:keepNext/><w:pBdr>{}{thin}</w:pBdr><w:spacing w:before=\"480\"/></w:pPr><w:r><w:t xml:space=\"preserve\">报：{}</w:t></w:r></w:p>",
        thick("top"),
        escape(&d.report_to)
    );
    let _ = writeln!(
        out,
        "<w:p><w:pPr><w:pStyle w:val=\"Colophon\"/><w:keepNext/><w:pBdr>{thin}</w:pBdr></w:pPr><w:r><w:t xml:space=\"preserve\">送：{}</w:t></w:r></w:p>",
        escape(&d.copy_to)
    );
    two_sided(&mut out, "Colophon", &d.office, &d.printed_on, &thick("bottom"));
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
