//! 法律检索报告 the research report a judge attaches to the case file: what was searched, the
//! articles recommended with their text and reasons, the similar cases with theirs, and how
//! they were found — a Word document in the bulletin's 公文 layout.

use std::fmt::Write as _;
use std::io::Write as _;

use xiezhi_domain::Date;
use zip::write::SimpleFileOptions;

use crate::docx::{DocxFonts, NS, paragraph};
use crate::error::ReportError;
use crate::notice::chinese_numeral_date;

/// One article of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportArticle {
    /// 《中华人民共和国刑法》第一百三十三条之一.
    pub citation: String,
    pub version: String,
    pub text: String,
    pub why: Vec<String>,
}

/// One similar case of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportCase {
    pub title: String,
    pub tier: String,
    pub case_number: Option<String>,
    pub court: Option<String>,
    pub why: Vec<String>,
}

/// What the report says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResearchReport {
    pub court_name: String,
    pub case_number: Option<String>,
    pub cause: Option<String>,
    /// 检索人.
    pub prepared_by: String,
    pub prepared_on: Date,
    /// The day whose statutes apply.
    pub as_of: Date,
    /// Where the facts came from.
    pub source: String,
    pub facts: String,
    pub articles: Vec<ReportArticle>,
    pub cases: Vec<ReportCase>,
    /// 数据来源 and corpus size.
    pub corpus: String,
}

/// How much of the facts the report repeats (characters).
const FACTS_SHOWN: usize = 1_500;

const NUMBERS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn ordinal(i: usize) -> String {
    NUMBERS.get(i).map_or_else(|| (i + 1).to_string(), |n| (*n).to_owned())
}

/// `word/document.xml` of the report.
pub fn report_xml(r: &ResearchReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document {NS}><w:body>");
    paragraph(&mut out, "Title", "法律检索报告");
    if let Some(n) = &r.case_number {
        paragraph(&mut out, "Subtitle", n);
    }
    paragraph(&mut out, "Heading1", "一、检索事项");
    let mut facts_line = Vec::new();
    if let Some(n) = &r.case_number {
        facts_line.push(format!("案号：{n}"));
    }
    if let Some(c) = r.cause.as_deref().filter(|c| !c.is_empty()) {
        facts_line.push(format!("案由：{c}"));
    }
    facts_line.push(format!("检索人：{}", r.prepared_by));
    facts_line.push(format!("检索日期：{}", crate::chinese_date(r.prepared_on)));
    facts_line.push(format!("法律适用时点：{}（取该日施行的版本）", crate::chinese_date(r.as_of)));
    paragraph(&mut out, "Normal", &format!("{}。", facts_line.join("；")));
    paragraph(&mut out, "Normal", &format!("检索依据：{}。", r.source));
    paragraph(&mut out, "Heading1", "二、案情摘要");
    let shown: String = r.facts.chars().take(FACTS_SHOWN).collect();
    for line in shown.lines().map(str::trim).filter(|l| !l.is_empty()) {
        paragraph(&mut out, "Normal", line);
    }
    if r.facts.chars().count() > FACTS_SHOWN {
        paragraph(&mut out, "Note", &format!("（以上为前{FACTS_SHOWN}字，全文见卷宗。）"));
    }
    paragraph(&mut out, "Heading1", "三、推荐法条");
    if r.articles.is_empty() {
        paragraph(&mut out, "Normal", "未检索到可推荐的法条。");
    }
    for (i, a) in r.articles.iter().enumerate() {
        let version = if a.version.is_empty() { String::new() } else { format!("（{}版）", a.version) };
        paragraph(&mut out, "Heading2", &format!("（{}）{}{version}", ordinal(i), a.citation));
        for line in a.text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            paragraph(&mut out, "Normal", line);
        }
        paragraph(&mut out, "Note", &format!("推荐理由：{}。", a.why.join("；")));
    }
    paragraph(&mut out, "Heading1", "四、类案检索");
    if r.cases.is_empty() {
        paragraph(&mut out, "Normal", "类案库中未检索到可比案例。");
    }
    for (i, c) in r.cases.iter().enumerate() {
        let mut head = format!("（{}）{}", ordinal(i), c.title);
        let mut meta = vec![c.tier.clone()];
        if let Some(n) = &c.case_number {
            meta.push(n.clone());
        }
        if let Some(court) = &c.court {
            meta.push(court.clone());
        }
        let _ = write!(head, "（{}）", meta.join("，"));
        paragraph(&mut out, "Heading2", &head);
        paragraph(&mut out, "Note", &format!("相似理由：{}。", c.why.join("；")));
    }
    paragraph(&mut out, "Heading1", "五、说明");
    paragraph(
        &mut out,
        "Normal",
        "推荐法条由案情文字与法条用语、罪名及其要素的对应关系得出；类案按文字、金额与案件要素的相似程度排列，效力层级相近时指导性案例在前。检索结果供承办法官参考，不代替法官对案件事实和法律适用的判断。",
    );
    paragraph(&mut out, "Normal", &format!("数据来源：{}。", r.corpus));
    paragraph(&mut out, "Signature", &format!("检索人：{}", r.prepared_by));
    paragraph(&mut out, "Signature", &chinese_numeral_date(r.prepared_on));
    out.push_str("<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\" w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/><w:docGrid w:type=\"lines\" w:linePitch=\"579\"/></w:sectPr>\n</w:body></w:document>\n");
    out
}

/// The report as DOCX bytes.
pub fn write_report(r: &ResearchReport, fonts: &DocxFonts) -> Result<Vec<u8>, ReportError> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut part = |name: &str, bytes: &[u8]| -> Result<(), ReportError> {
        zip.start_file(name, options)?;
        zip.write_all(bytes).map_err(|e| ReportError::Write { format: "DOCX", message: e.to_string() })
    };
    let title = match &r.case_number {
        Some(n) => format!("法律检索报告 {n}"),
        None => "法律检索报告".to_owned(),
    };
    part("[Content_Types].xml", crate::docx::content_types().as_bytes())?;
    part("_rels/.rels", crate::docx::ROOT_RELS.as_bytes())?;
    part("docProps/core.xml", crate::docx::core_properties(&title, &r.court_name).as_bytes())?;
    part("docProps/app.xml", crate::docx::APP.as_bytes())?;
    part("word/document.xml", report_xml(r).as_bytes())?;
    part("word/styles.xml", crate::docx::styles_xml(fonts).as_bytes())?;
    part("word/settings.xml", crate::docx::SETTINGS.as_bytes())?;
    part("word/footer1.xml", crate::docx::FOOTER.as_bytes())?;
    part("word/_rels/document.xml.rels", crate::docx::document_rels(0).as_bytes())?;
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_has_its_sections_reasons_and_escapes() {
        let r = ResearchReport {
            court_name: "某市某区人民法院".into(),
            case_number: Some("（2026）粤0106刑初1号".into()),
            cause: Some("危险驾驶罪".into()),
            prepared_by: "甲法官".into(),
            prepared_on: Date::parse_iso("2026-03-02").unwrap(),
            as_of: Date::parse_iso("2026-03-01").unwrap(),
            source: "电子卷宗：起诉书.txt（起诉状）".into(),
            facts: "被告人饮酒后驾驶<机动车>。".into(),
            articles: vec![ReportArticle {
                citation: "《中华人民共和国刑法》第一百三十三条之一".into(),
                version: "2020-12-26".into(),
                text: "在道路上驾驶机动车，有下列情形之一的，处拘役，并处罚金：".into(),
                why: vec!["危险驾驶罪的要素：饮酒后驾驶".into(), "本条罪名：危险驾驶罪".into()],
            }],
            cases: vec![],
            corpus: "国家法律 378 部".into(),
        };
        let xml = report_xml(&r);
        for part in ["一、检索事项", "二、案情摘要", "三、推荐法条", "四、类案检索", "五、说明"]
        {
            assert!(xml.contains(part), "{part}");
        }
        assert!(xml.contains("（一）《中华人民共和国刑法》第一百三十三条之一（2020-12-26版）"));
        assert!(xml.contains("推荐理由：危险驾驶罪的要素：饮酒后驾驶；本条罪名：危险驾驶罪。"));
        assert!(xml.contains("驾驶&lt;机动车&gt;"));
        assert!(xml.contains("类案库中未检索到可比案例。"));
        assert!(xml.contains("二〇二六年三月二日"));
        assert!(write_report(&r, &DocxFonts::default()).unwrap().starts_with(b"PK"));
    }
}
