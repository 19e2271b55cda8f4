//! 受理通知书 the acceptance notice of a registered case, as a Word document in the bulletin's
//! 公文 layout (A4, 仿宋 三号 body, 方正小标宋 title, page numbers): one page per party who
//! brought the case (原告, 上诉人, 申请人, 申请执行人, 再审申请人, 自诉人), each saying that
//! the case is accepted, its 案号, 案由, procedure, 承办法官 and the parties' duties.

use std::fmt::Write as _;
use std::io::Write as _;

use xiezhi_domain::Date;
use zip::write::SimpleFileOptions;

use crate::docx::{DocxFonts, NS, paragraph};
use crate::error::ReportError;

/// What the notice says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub court_name: String,
    pub case_number: String,
    pub filed_on: Date,
    pub cause: Option<String>,
    pub procedure: Option<String>,
    pub judge_name: String,
    pub department: Option<String>,
    /// (诉讼地位, 名称), in the order registered.
    pub parties: Vec<(String, String)>,
    /// 落款日期.
    pub issued_on: Date,
}

/// The roles that bring a case: each gets a notice.
const BRINGING: &[&str] = &["原告", "上诉人", "申请人", "申请执行人", "再审申请人", "自诉人"];

/// `二〇二六年三月二日`, the 公文 date.
pub fn chinese_numeral_date(d: Date) -> String {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let (y, m, day) = d.ymd();
    let year: String = y.to_string().chars().map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize]).collect();
    let small = |n: u32| -> String {
        match n {
            1..=9 => DIGITS[n as usize].to_string(),
            10 => "十".to_owned(),
            11..=19 => format!("十{}", DIGITS[(n - 10) as usize]),
            20 | 30 => format!("{}十", DIGITS[(n / 10) as usize]),
            _ => format!("{}十{}", DIGITS[(n / 10) as usize], DIGITS[(n % 10) as usize]),
        }
    };
    format!("{year}年{}月{}日", small(m), small(day))
}

/// The others a party's notice names: `被告李四、第三人王五`.
fn others(n: &Notice, addressee: usize) -> String {
    n.parties
        .iter()
        .enumerate()
        .filter(|(i, (role, _))| *i != addressee && !BRINGING.contains(&role.as_str()))
        .map(|(_, (role, name))| format!("{role}{name}"))
        .collect::<Vec<_>>()
        .join("、")
}

/// `word/document.xml` of the notice.
pub fn notice_xml(n: &Notice) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document {NS}><w:body>");
    let mut addressees: Vec<usize> =
        n.parties.iter().enumerate().filter(|(_, (r, _))| BRINGING.contains(&r.as_str())).map(|(i, _)| i).collect();
    if addressees.is_empty() {
        addressees = (0..n.parties.len().min(1)).collect();
    }
    let cause = n.cause.as_deref().unwrap_or("");
    for (page, &i) in addressees.iter().enumerate() {
        if page > 0 {
            out.push_str("<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>\n");
        }
        let (role, name) = n.parties.get(i).map_or(("当事人", ""), |(r, nm)| (r.as_str(), nm.as_str()));
        paragraph(&mut out, "Title", &n.court_name);
        paragraph(&mut out, "Title", "受理案件通知书");
        paragraph(&mut out, "Subtitle", &n.case_number);
        paragraph(&mut out, "Heading1", &format!("{role}{name}："));
        let against = others(n, i);
        let subject = if against.is_empty() {
            format!("你方提交的{cause}一案的起诉（申请）材料")
        } else {
            format!("你方诉{against}{cause}一案的起诉（申请）材料")
        };
        paragraph(
            &mut out,
            "Normal",
            &format!(
                "{subject}本院已于{}收到。经审查，符合法定受理条件，本院决定立案。现将有关事项通知如下：",
                crate::chinese_date(n.filed_on)
            ),
        );
        let procedure = n.procedure.as_deref().map_or(String::new(), |p| format!("本案适用{p}，"));
        let department = n.department.as_deref().map_or(String::new(), |d| format!("（{d}）"));
        paragraph(&mut out, "Normal", &format!("一、{procedure}由承办法官{}{department}负责审理。", n.judge_name));
        paragraph(&mut out, "Normal", "二、诉讼费用按照《诉讼费用交纳办法》的规定交纳，具体金额与期限另行通知。");
        paragraph(
            &mut out,
            "Normal",
            "三、当事人有权依法行使诉讼权利，同时必须遵守诉讼秩序、履行诉讼义务；认为审判人员有回避情形的，可以依法申请回避。",
        );
        paragraph(&mut out, "Normal", "四、送达地址如有变更，应及时书面告知本院。");
        paragraph(&mut out, "Normal", "特此通知。");
        paragraph(&mut out, "Signature", &n.court_name);
        paragraph(&mut out, "Signature", &chinese_numeral_date(n.issued_on));
    }
    out.push_str("<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\" w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/><w:docGrid w:type=\"lines\" w:linePitch=\"579\"/></w:sectPr>\n</w:body></w:document>\n");
    out
}

/// The notice as DOCX bytes.
pub fn write_notice(n: &Notice, fonts: &DocxFonts) -> Result<Vec<u8>, ReportError> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut part = |name: &str, bytes: &[u8]| -> Result<(), ReportError> {
        zip.start_file(name, options)?;
        zip.write_all(bytes).map_err(|e| ReportError::Write { format: "DOCX", message: e.to_string() })
    };
    part("[Content_Types].xml", crate::docx::content_types().as_bytes())?;
    part("_rels/.rels", crate::docx::ROOT_RELS.as_bytes())?;
    part(
        "docProps/core.xml",
        crate::docx::core_properties(&format!("受理案件通知书 {}", n.case_number), &n.court_name).as_bytes(),
    )?;
    part("docProps/app.xml", crate::docx::APP.as_bytes())?;
    part("word/document.xml", notice_xml(n).as_bytes())?;
    part("word/styles.xml", crate::docx::styles_xml(fonts).as_bytes())?;
    part("word/settings.xml", crate::docx::SETTINGS.as_bytes())?;
    part("word/footer1.xml", crate::docx::FOOTER.as_bytes())?;
    part("word/_rels/document.xml.rels", crate::docx::document_rels(0).as_bytes())?;
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    #[test]
    fn dates_in_chinese_numerals() {
        assert_eq!(chinese_numeral_date(d("2026-03-02")), "二〇二六年三月二日");
        assert_eq!(chinese_numeral_date(d("2026-12-31")), "二〇二六年十二月三十一日");
        assert_eq!(chinese_numeral_date(d("2030-10-20")), "二〇三〇年十月二十日");
        assert_eq!(chinese_numeral_date(d("2026-11-15")), "二〇二六年十一月十五日");
    }

    #[test]
    fn one_page_per_plaintiff() {
        let n = Notice {
            court_name: "广州市天河区人民法院".into(),
            case_number: "（2026）粤0106民初1号".into(),
            filed_on: d("2026-03-02"),
            cause: Some("民间借贷纠纷".into()),
            procedure: Some("小额诉讼程序".into()),
            judge_name: "甲法官".into(),
            department: Some("民一庭".into()),
            parties: vec![
                ("原告".into(), "原告甲".into()),
                ("原告".into(), "原告乙".into()),
                ("被告".into(), "某<公司>".into()),
            ],
            issued_on: d("2026-03-02"),
        };
        let xml = notice_xml(&n);
        assert_eq!(xml.matches("受理案件通知书").count(), 2);
        assert_eq!(xml.matches("w:type=\"page\"").count(), 1);
        assert!(xml.contains("原告原告甲："));
        // The notice to the first plaintiff names the defendant, escaped, not the other plaintiff.
        assert!(xml.contains("你方诉被告某&lt;公司&gt;民间借贷纠纷一案"));
        assert!(xml.contains("本案适用小额诉讼程序，由承办法官甲法官（民一庭）负责审理。"));
        assert!(xml.contains("本院已于2026年3月2日收到"));
        assert!(xml.contains("二〇二六年三月二日"));
        let bytes = write_notice(&n, &DocxFonts::default()).unwrap();
        assert!(bytes.starts_with(b"PK"));
    }
}
