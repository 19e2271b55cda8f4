//! The one citation grammar: a law name and an article — `《中华人民共和国刑法》第二百六十四条`,
//! `刑法第264条`, `《民法典》第一千一百六十五条第一款`, `刑法第一百三十三条之一`,
//! `民事诉讼法第一百二十二条第（二）项` — and the 案号 in a text, each with its character
//! offsets. Law names resolve with and without 中华人民共和国 and 《》, and by the common short
//! names; `本法` resolves to the law whose text is being read. After a citation, `、第X条` and
//! `和第X条` cite more articles of the same law.

use xiezhi_domain::CaseNumber;

use crate::numerals::{is_number_char, parse_number, to_chinese};

/// The law names the product knows (the national laws of the shipped corpus, one a line).
const LAW_NAMES: &str = include_str!("../data/law-names.txt");

/// Short names in common use, and names of 司法解释 courts cite as laws.
const SHORT_NAMES: [(&str, &str); 9] = [
    ("民诉法", "中华人民共和国民事诉讼法"),
    ("刑诉法", "中华人民共和国刑事诉讼法"),
    ("行诉法", "中华人民共和国行政诉讼法"),
    ("民诉解释", "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释"),
    ("刑诉解释", "最高人民法院关于适用《中华人民共和国刑事诉讼法》的解释"),
    ("民间借贷规定", "最高人民法院关于审理民间借贷案件适用法律若干问题的规定"),
    (
        "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释",
        "最高人民法院关于适用《中华人民共和国民事诉讼法》的解释",
    ),
    (
        "最高人民法院关于适用《中华人民共和国刑事诉讼法》的解释",
        "最高人民法院关于适用《中华人民共和国刑事诉讼法》的解释",
    ),
    (
        "最高人民法院关于审理民间借贷案件适用法律若干问题的规定",
        "最高人民法院关于审理民间借贷案件适用法律若干问题的规定",
    ),
];

const PREFIX: &str = "中华人民共和国";

/// Resolves law names: full, without 中华人民共和国, and short names; longest first.
#[derive(Debug, Clone)]
pub struct LawNames {
    /// (alias, canonical name), longest alias first.
    aliases: Vec<(String, String)>,
}

impl Default for LawNames {
    fn default() -> LawNames {
        LawNames::new(LAW_NAMES.lines().map(str::trim).filter(|l| !l.is_empty()))
    }
}

impl LawNames {
    /// The names of `laws` (canonical names), with their aliases and the short names.
    pub fn new<'a>(laws: impl IntoIterator<Item = &'a str>) -> LawNames {
        let mut aliases: Vec<(String, String)> = Vec::new();
        for name in laws {
            aliases.push((name.to_owned(), name.to_owned()));
            if let Some(bare) = name.strip_prefix(PREFIX).filter(|b| b.chars().count() >= 2) {
                aliases.push((bare.to_owned(), name.to_owned()));
            }
        }
        for (short, full) in SHORT_NAMES {
            aliases.push((short.to_owned(), full.to_owned()));
        }
        aliases.sort_by(|a, b| b.0.chars().count().cmp(&a.0.chars().count()).then_with(|| a.0.cmp(&b.0)));
        aliases.dedup_by(|a, b| a.0 == b.0);
        LawNames { aliases }
    }

    /// The canonical name of `name` (with or without 《》 and 中华人民共和国, or a short name).
    pub fn resolve(&self, name: &str) -> Option<&str> {
        let bare = name.trim().trim_start_matches('《').trim_end_matches('》');
        self.aliases.iter().find(|(a, _)| a == bare).map(|(_, c)| c.as_str())
    }

    /// The longest alias that ends exactly at `end` (a byte offset) of `text`.
    fn ending_at<'a>(&'a self, text: &str, end: usize) -> Option<(usize, &'a str)> {
        let before = &text[..end];
        self.aliases.iter().find(|(a, _)| before.ends_with(a.as_str())).map(|(a, c)| (end - a.len(), c.as_str()))
    }
}

/// A statute reference found in a text (offsets in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatuteCitation {
    pub text: String,
    /// The law's canonical name.
    pub law: String,
    pub article_no: u32,
    /// `之一`, `之二` …
    pub suffix: Option<String>,
    /// 款.
    pub paragraph: Option<u32>,
    /// 项.
    pub item: Option<u32>,
    pub start: usize,
    pub end: usize,
}

/// A 案号 found in a text (offsets in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseNumberCitation {
    pub text: String,
    pub canonical: String,
    pub start: usize,
    pub end: usize,
}

/// What `cite` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Citations {
    pub case_numbers: Vec<CaseNumberCitation>,
    pub statutes: Vec<StatuteCitation>,
}

/// How a citation is printed: `《中华人民共和国刑法》第一百三十三条之一第一款第（二）项`.
pub fn format_citation(
    law: &str,
    article_no: u32,
    suffix: Option<&str>,
    paragraph: Option<u32>,
    item: Option<u32>,
) -> String {
    let mut out = format!("《{law}》第{}条", to_chinese(article_no));
    if let Some(s) = suffix {
        out.push_str(s);
    }
    if let Some(p) = paragraph {
        out.push_str(&format!("第{}款", to_chinese(p)));
    }
    if let Some(i) = item {
        out.push_str(&format!("第（{}）项", to_chinese(i)));
    }
    out
}

/// The number at the start of `text` in a `第…<unit>` position: (value, bytes used).
fn number_at(text: &str) -> Option<(u32, usize)> {
    let len: usize = text.chars().take_while(|c| is_number_char(*c)).map(char::len_utf8).sum();
    parse_number(&text[..len]).map(|n| (n, len))
}

/// An article position: 条, 之M, 款, 项, and the bytes it took.
type ArticleAt = (u32, Option<String>, Option<u32>, Option<u32>, usize);

/// `第N条[之M][第N款][第（N）项]` at the start of `text`: the parts and the bytes used.
fn article_at(text: &str) -> Option<ArticleAt> {
    let rest = text.strip_prefix('第')?;
    let (article, used) = number_at(rest)?;
    let mut at = '第'.len_utf8() + used;
    at += text[at..].starts_with('条').then_some('条'.len_utf8())?;
    let mut suffix = None;
    if let Some(after) = text[at..].strip_prefix('之') {
        let n: usize = after
            .chars()
            .take_while(|c| matches!(c, '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'))
            .map(char::len_utf8)
            .sum();
        if n > 0 {
            suffix = Some(format!("之{}", &after[..n]));
            at += '之'.len_utf8() + n;
        }
    }
    let mut paragraph = None;
    if let Some(after) = text[at..].strip_prefix('第')
        && let Some((p, used)) = number_at(after)
        && after[used..].starts_with('款')
    {
        paragraph = Some(p);
        at += '第'.len_utf8() + used + '款'.len_utf8();
    }
    let mut item = None;
    if let Some(after) = text[at..].strip_prefix('第') {
        let (open, inner) = match after.chars().next() {
            Some(c @ ('（' | '(')) => (c.len_utf8(), &after[c.len_utf8()..]),
            _ => (0, after),
        };
        if let Some((i, used)) = number_at(inner) {
            let close = if open > 0 {
                inner[used..].chars().next().filter(|c| matches!(c, '）' | ')')).map(char::len_utf8)
            } else {
                Some(0)
            };
            if let Some(close) = close
                && inner[used + close..].starts_with('项')
            {
                item = Some(i);
                at += '第'.len_utf8() + open + used + close + '项'.len_utf8();
            }
        }
    }
    Some((article, suffix, paragraph, item, at))
}

/// The byte offset of the 《 that the 》 ending `text` closes (titles may nest).
fn matching_open(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in text.char_indices().rev() {
        match c {
            '》' => depth += 1,
            '《' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

/// Every 案号 and statute reference in `text`. `own_law` is the law whose text this is (for
/// 本法).
pub fn cite(text: &str, names: &LawNames, own_law: Option<&str>) -> Citations {
    let char_at = |byte: usize| text[..byte].chars().count();
    let mut out = Citations::default();
    // Statutes: every 第…条 preceded by a law name (or 》 closing one, or 本法).
    let mut i = 0;
    let mut last: Option<(String, usize)> = None; // the law of the previous citation and where it ended
    // How many 《 are open before `i` (kept up to date as `i` moves on: one pass over the text).
    let (mut depth, mut scanned) = (0usize, 0usize);
    while i < text.len() {
        let rest = &text[i..];
        for c in text[scanned..i].chars() {
            match c {
                '《' => depth += 1,
                '》' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        scanned = i;
        // A 第…条 inside an open 《…》 is part of a title (…关于《刑事诉讼法》第七十九条…的解释》).
        let inside_title = depth > 0;
        if rest.starts_with('第')
            && !inside_title
            && let Some((article, suffix, paragraph, item, used)) = article_at(rest)
        {
            let law = if text[..i].ends_with('》') {
                matching_open(&text[..i]).and_then(|o| names.resolve(&text[o..i]).map(|c| (o, c.to_owned())))
            } else if text[..i].ends_with("本法") {
                own_law.map(|l| (i - "本法".len(), l.to_owned()))
            } else {
                names.ending_at(text, i).map(|(s, c)| (s, c.to_owned()))
            }
            .or_else(|| {
                // 、第X条 / 和第X条 right after a citation: the same law.
                last.as_ref().and_then(|(law, end)| {
                    let between = &text[*end..i];
                    matches!(between, "、" | "和" | "及" | "，" | "或").then(|| (i, law.clone()))
                })
            });
            if let Some((start, law)) = law {
                let end = i + used;
                out.statutes.push(StatuteCitation {
                    text: text[start..end].to_owned(),
                    law: law.clone(),
                    article_no: article,
                    suffix,
                    paragraph,
                    item,
                    start: char_at(start),
                    end: char_at(end),
                });
                last = Some((law, end));
                i = end;
                continue;
            }
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    // 案号: an opening bracket, a four-digit year, a closing bracket, … 号 within 40 characters.
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let opens = rest.starts_with(['(', '（', '〔']);
        if opens {
            let window: String = rest.chars().take(40).collect();
            if let Some(end) = window.find('号') {
                let candidate = &window[..end + '号'.len_utf8()];
                if let Ok(number) = CaseNumber::parse(candidate) {
                    out.case_numbers.push(CaseNumberCitation {
                        text: candidate.to_owned(),
                        canonical: number.as_str().to_owned(),
                        start: char_at(i),
                        end: char_at(i + candidate.len()),
                    });
                    i += candidate.len();
                    continue;
                }
            }
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_the_contract_resolves() {
        let names = LawNames::default();
        let text = "依照《中华人民共和国刑法》第二百六十四条、第六十七条第三款，刑法第264条，《民法典》第一千一百六十五条第一款，\
            刑法第一百三十三条之一，民事诉讼法第一百二十二条第（二）项，民诉法第3条。";
        let c = cite(text, &names, None);
        type Brief = (String, u32, Option<String>, Option<u32>, Option<u32>);
        let brief: Vec<Brief> =
            c.statutes.iter().map(|s| (s.law.clone(), s.article_no, s.suffix.clone(), s.paragraph, s.item)).collect();
        let criminal = "中华人民共和国刑法".to_owned();
        assert_eq!(
            brief,
            [
                (criminal.clone(), 264, None, None, None),
                (criminal.clone(), 67, None, Some(3), None),
                (criminal.clone(), 264, None, None, None),
                ("中华人民共和国民法典".to_owned(), 1165, None, Some(1), None),
                (criminal, 133, Some("之一".to_owned()), None, None),
                ("中华人民共和国民事诉讼法".to_owned(), 122, None, None, Some(2)),
                ("中华人民共和国民事诉讼法".to_owned(), 3, None, None, None),
            ]
        );
        // Offsets are characters: 依照 is two, so the first citation starts at 2.
        assert_eq!((c.statutes[0].start, c.statutes[0].text.as_str()), (2, "《中华人民共和国刑法》第二百六十四条"));
        assert_eq!(c.statutes[1].text, "第六十七条第三款");
        let chars: Vec<char> = text.chars().collect();
        for s in &c.statutes {
            assert_eq!(chars[s.start..s.end].iter().collect::<String>(), s.text);
        }
    }

    #[test]
    fn own_law_and_case_numbers() {
        let names = LawNames::default();
        let c = cite("本法第十条所称的……", &names, Some("中华人民共和国刑法"));
        assert_eq!(c.statutes[0].law, "中华人民共和国刑法");
        assert_eq!(c.statutes[0].text, "本法第十条");
        // Without a law name the number is not a citation.
        assert!(cite("第十条规定", &names, None).statutes.is_empty());
        let c = cite("参见(2024)粤0703民初1234号及〔2023〕粤07民终56号判决。", &names, None);
        let found: Vec<(&str, &str, usize)> =
            c.case_numbers.iter().map(|n| (n.text.as_str(), n.canonical.as_str(), n.start)).collect();
        assert_eq!(
            found,
            [
                ("(2024)粤0703民初1234号", "（2024）粤0703民初1234号", 2),
                ("〔2023〕粤07民终56号", "（2023）粤07民终56号", 21)
            ]
        );
    }

    #[test]
    fn printed_citations_read_back() {
        let names = LawNames::default();
        let printed = format_citation("中华人民共和国刑法", 133, Some("之一"), Some(1), Some(2));
        assert_eq!(printed, "《中华人民共和国刑法》第一百三十三条之一第一款第（二）项");
        let c = cite(&printed, &names, None);
        assert_eq!(c.statutes.len(), 1);
        let s = &c.statutes[0];
        assert_eq!((s.article_no, s.suffix.as_deref(), s.paragraph, s.item), (133, Some("之一"), Some(1), Some(2)));
        assert_eq!((s.start, s.end), (0, printed.chars().count()));
    }
}
