//! The lawrefbook markdown layout (one file per law version): `# 名称`, metadata lines, the
//! marker `<!-- INFO END -->`, then `## 第一章 …` / `### 第一节 …` headings and articles as
//! paragraphs beginning `第X条`. The version day is in the file name: `刑法(2020-12-26).md`.
//!
//! A document without numbered articles (a list of 罪名, an opinion written as paragraphs) is
//! kept whole, as one article labelled 全文 with number 0, so its text is still searchable.

use xiezhi_domain::Date;

use crate::numerals::parse_number;

/// One law version read from markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownLaw {
    pub name: String,
    /// From the file name.
    pub version: Option<Date>,
    /// The first metadata line that says when it took effect (…施行), else the version day.
    pub effective: Option<Date>,
    /// The metadata lines between the title and the body (who passed it, when).
    pub preamble: Vec<String>,
    pub articles: Vec<MarkdownArticle>,
}

/// One article (or the whole text, for a document without articles).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownArticle {
    pub chapter: String,
    pub section: String,
    /// 第十七条之一, or 全文.
    pub label: String,
    pub number: u32,
    pub suffix: Option<String>,
    pub text: String,
}

/// The version day in a lawrefbook file name: `名称(2020-12-26).md` → 2020-12-26.
pub fn version_from_file_name(file_name: &str) -> Option<Date> {
    let stem = file_name.strip_suffix(".md").unwrap_or(file_name);
    let open = stem.rfind('(')?;
    let inner = stem[open + 1..].strip_suffix(')')?;
    Date::parse_iso(inner).ok()
}

/// The first `YYYY年M月D日` of a line.
fn chinese_date(line: &str) -> Option<Date> {
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let digits = |from: usize| chars[from..].iter().take_while(|c| c.is_ascii_digit()).count();
        let y = digits(i);
        if y == 4 && chars.get(i + 4) == Some(&'年') {
            let year: String = chars[i..i + 4].iter().collect();
            let m_at = i + 5;
            let m = digits(m_at);
            if (1..=2).contains(&m) && chars.get(m_at + m) == Some(&'月') {
                let d_at = m_at + m + 1;
                let d = digits(d_at);
                if (1..=2).contains(&d) && chars.get(d_at + d) == Some(&'日') {
                    let month: String = chars[m_at..m_at + m].iter().collect();
                    let day: String = chars[d_at..d_at + d].iter().collect();
                    if let (Ok(y), Ok(m), Ok(d)) = (year.parse(), month.parse(), day.parse()) {
                        return Date::from_ymd(y, m, d).ok();
                    }
                }
            }
            i += 4;
        } else {
            i += y.max(1);
        }
    }
    None
}

/// `第X条[之Y]` at the start of a paragraph: (label, number, suffix, the rest).
fn article_start(paragraph: &str) -> Option<(String, u32, Option<String>, &str)> {
    let rest = paragraph.strip_prefix('第')?;
    let end = rest.find('条')?;
    let number = parse_number(&rest[..end])?;
    let mut after = &rest[end + '条'.len_utf8()..];
    let mut suffix = None;
    if let Some(s) = after.strip_prefix('之') {
        let n: String = s.chars().take_while(|c| "一二三四五六七八九十".contains(*c)).collect();
        if !n.is_empty() {
            suffix = Some(format!("之{n}"));
            after = &s[n.len()..];
        }
    }
    // An article heading is followed by a space (ASCII or 全角) or ends the line; “第三条规定的”
    // inside a sentence is not a heading.
    let body = after.strip_prefix([' ', '\u{3000}']).or(if after.is_empty() { Some(after) } else { None })?;
    let label = format!("第{}条{}", &rest[..end], suffix.as_deref().unwrap_or(""));
    Some((label, number, suffix, body.trim()))
}

/// Reads one file's text. `file_name` gives the version day.
pub fn parse(file_name: &str, text: &str) -> Option<MarkdownLaw> {
    let mut lines = text.lines();
    let name = lines.by_ref().map(str::trim).find(|l| !l.is_empty())?.strip_prefix("# ")?.trim().to_owned();
    let (head, body): (Vec<&str>, Vec<&str>) = if text.contains("<!-- INFO END -->") {
        let mut head = Vec::new();
        for line in lines.by_ref() {
            if line.contains("<!-- INFO END -->") {
                break;
            }
            head.push(line);
        }
        (head, lines.collect())
    } else {
        (Vec::new(), lines.collect())
    };
    let preamble: Vec<String> = head.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).map(str::to_owned).collect();
    let version = version_from_file_name(file_name);
    let effective = preamble.iter().filter(|l| l.contains("施行")).find_map(|l| chinese_date(l)).or(version);

    let mut articles: Vec<MarkdownArticle> = Vec::new();
    let (mut chapter, mut section) = (String::new(), String::new());
    let mut loose: Vec<String> = Vec::new();
    for raw in body {
        let line = raw.trim();
        if line.is_empty() || (line.starts_with("<!--") && line.ends_with("-->")) {
            continue;
        }
        if let Some(h) = line.strip_prefix("### ") {
            section = h.trim().to_owned();
            continue;
        }
        if let Some(h) = line.strip_prefix("## ") {
            chapter = h.trim().to_owned();
            section.clear();
            loose.push(h.trim().to_owned());
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        loose.push(line.to_owned());
        if let Some((label, number, suffix, rest)) = article_start(line) {
            articles.push(MarkdownArticle {
                chapter: chapter.clone(),
                section: section.clone(),
                label,
                number,
                suffix,
                text: rest.to_owned(),
            });
        } else if let Some(last) = articles.last_mut() {
            last.text.push('\n');
            last.text.push_str(line);
        }
    }
    if articles.is_empty() {
        articles.push(MarkdownArticle {
            chapter: String::new(),
            section: String::new(),
            label: "全文".to_owned(),
            number: 0,
            suffix: None,
            text: loose.join("\n"),
        });
    }
    Some(MarkdownLaw { name, version, effective, preamble, articles })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_chapters_and_days_are_read() {
        let text = "# 最高人民法院关于审理某类案件的解释\n\n2020年12月23日 通过\n\n自2021年1月1日起施行\n\n<!-- INFO END -->\n\n## 第一章 一般规定\n\n第一条 甲。\n\n乙。\n\n第二条之一　丙，依照第一条规定的办理。\n";
        let law = parse("某解释(2020-12-29).md", text).unwrap();
        assert_eq!(law.name, "最高人民法院关于审理某类案件的解释");
        assert_eq!(law.version, Date::from_ymd(2020, 12, 29).ok());
        assert_eq!(law.effective, Date::from_ymd(2021, 1, 1).ok());
        assert_eq!(law.articles.len(), 2);
        assert_eq!((law.articles[0].number, law.articles[0].text.as_str()), (1, "甲。\n乙。"));
        assert_eq!(law.articles[0].chapter, "第一章 一般规定");
        assert_eq!((law.articles[1].number, law.articles[1].suffix.as_deref()), (2, Some("之一")));
        assert_eq!(law.articles[1].text, "丙，依照第一条规定的办理。");
    }

    #[test]
    fn a_document_without_articles_is_kept_whole() {
        let law = parse("意见.md", "# 意见\n\n<!-- INFO END -->\n\n为统一执法：\n\n## 第一章\n\n1．甲罪（第102条）\n")
            .unwrap();
        assert_eq!(law.version, None);
        assert_eq!(law.articles.len(), 1);
        assert_eq!(law.articles[0].label, "全文");
        assert_eq!(law.articles[0].text, "为统一执法：\n第一章\n1．甲罪（第102条）");
    }
}
