//! 罪名 → 刑法 articles, read from the statute texts themselves: the Supreme People's
//! Procuratorate's opinion on the names of the crimes of the 分则 (a list `罪名（第N条…）`) and
//! the two courts' 确定罪名的补充规定 (tables `| 第N条… | 罪名 |`, and the 2024 wording
//! `第X条…的罪名由“旧”修改为“新”`). Older names are kept beside newer ones: facts and
//! earlier judgments use both.

use std::collections::{BTreeMap, BTreeSet};

use crate::corpus::Corpus;
use crate::numerals::parse_number;

/// An article of the 刑法: number and 之X suffix.
pub type ArticleKey = (u32, Option<String>);

/// Every 罪名 with the articles that define it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChargeTable {
    pub charges: BTreeMap<String, BTreeSet<ArticleKey>>,
}

/// Every `第N条[之X]` in `text`, in order.
pub fn article_refs(text: &str) -> Vec<ArticleKey> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('第') {
        let after = &rest[at + '第'.len_utf8()..];
        let Some(end) = after.find('条') else { break };
        let number_text = &after[..end];
        if let Some(n) =
            (!number_text.is_empty() && number_text.chars().count() <= 8).then(|| parse_number(number_text)).flatten()
        {
            let tail = &after[end + '条'.len_utf8()..];
            let suffix = tail.strip_prefix('之').and_then(|s| {
                let n: String = s.chars().take_while(|c| "一二三四五六七八九十".contains(*c)).collect();
                (!n.is_empty()).then(|| format!("之{n}"))
            });
            out.push((n, suffix));
            rest = tail;
        } else {
            rest = after;
        }
    }
    out
}

/// Characters that end the text before a 罪名 in the opinion's list.
fn name_boundary(c: char) -> bool {
    c.is_ascii_digit() || c.is_whitespace() || "．.，。；：|（）()“”".contains(c)
}

impl ChargeTable {
    /// The table from the corpus's 罪名 documents.
    pub fn from_corpus(corpus: &Corpus) -> ChargeTable {
        let mut table = ChargeTable::default();
        for a in &corpus.articles {
            let name = &corpus.laws[a.law].name;
            if name.contains("罪名") && (name.contains("意见") || name.contains("规定")) {
                table.read(&a.text);
            }
        }
        table
    }

    /// Reads the 罪名 of one text (any of the three layouts).
    pub fn read(&mut self, text: &str) {
        for line in text.lines() {
            let line = line.trim();
            if let Some(row) = line.strip_prefix('|') {
                let cells: Vec<&str> = row.split('|').map(str::trim).collect();
                if cells.len() >= 2 {
                    let refs = article_refs(cells[0].split('（').next().unwrap_or(""));
                    let name: String = cells[1].chars().take_while(|c| *c != '（' && !c.is_whitespace()).collect();
                    if name.ends_with('罪') && !refs.is_empty() {
                        self.add(&name, refs);
                    }
                }
                continue;
            }
            self.read_list(line);
            if let Some((head, tail)) = line.split_once("的罪名由“")
                && let Some((_, renamed)) = tail.split_once("修改为“")
            {
                let name: String = renamed.chars().take_while(|c| *c != '”').collect();
                let refs = article_refs(head.split('（').next().unwrap_or(""));
                if name.ends_with('罪') && !refs.is_empty() {
                    self.add(&name, refs);
                }
            }
        }
    }

    /// `罪名（第N条…）` entries of one line.
    fn read_list(&mut self, line: &str) {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i + 2 < chars.len() {
            if chars[i] == '罪' && chars[i + 1] == '（' && chars[i + 2] == '第' {
                let mut start = i;
                while start > 0 && !name_boundary(chars[start - 1]) {
                    start -= 1;
                }
                let close = chars[i + 1..].iter().position(|c| *c == '）').map_or(chars.len(), |p| i + 1 + p);
                let name: String = chars[start..=i].iter().collect();
                let inside: String = chars[i + 2..close].iter().collect();
                let refs = article_refs(&inside);
                if name.chars().count() >= 2 && !refs.is_empty() {
                    self.add(&name, refs);
                }
                i = close;
            }
            i += 1;
        }
    }

    fn add(&mut self, name: &str, refs: Vec<ArticleKey>) {
        self.charges.entry(name.to_owned()).or_default().extend(refs);
    }

    /// The 罪名 of an article (several when the article defines several crimes).
    pub fn of_article(&self, key: &ArticleKey) -> Vec<&str> {
        self.charges.iter().filter(|(_, a)| a.contains(key)).map(|(n, _)| n.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_layouts_are_read() {
        let mut t = ChargeTable::default();
        t.read("186．抢劫罪（第263条） 187．盗窃罪（第264条）\n放火罪（第114条、第115条第1款）");
        t.read("| 第一百三十三条之一 （《刑法修正案（八）》第二十二条） |危险驾驶罪 |");
        t.read("| 第114条、第115条第1款（《修正案（三）》第1、2条） |投放危险物质罪（取消投毒罪罪名） |");
        t.read("将《中华人民共和国刑法》第一百六十九条（《刑法修正案（十二）》第三条）的罪名由“甲罪”修改为“乙罪”。");
        let keys = |n: &str| t.charges[n].iter().cloned().collect::<Vec<_>>();
        assert_eq!(keys("抢劫罪"), [(263, None)]);
        assert_eq!(keys("盗窃罪"), [(264, None)]);
        assert_eq!(keys("放火罪"), [(114, None), (115, None)]);
        assert_eq!(keys("危险驾驶罪"), [(133, Some("之一".to_owned()))]);
        assert_eq!(keys("投放危险物质罪"), [(114, None), (115, None)]);
        assert_eq!(keys("乙罪"), [(169, None)]);
        assert!(!t.charges.contains_key("甲罪"));
        assert_eq!(t.of_article(&(115, None)), ["投放危险物质罪", "放火罪"]);
    }
}
