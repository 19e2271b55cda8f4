//! The shipped corpus: every article reads back through its printed citation, articles are
//! found by citation as of a day, and the versions of a law are told apart by their dates.

use xiezhi_domain::Date;
use xiezhi_legal::{Corpus, LegalError, cite, format_citation};

fn d(text: &str) -> Date {
    Date::parse_iso(text).unwrap()
}

#[test]
fn every_article_round_trips_through_its_printed_citation() {
    let corpus = Corpus::embedded().unwrap();
    // The 378 laws of laws.db, then the 司法解释 of lawrefbook (their ids are their paths).
    let national = corpus.laws.iter().filter(|l| !l.id.starts_with("lawrefbook/")).count();
    assert_eq!(national, 378);
    assert!(corpus.laws.len() > 378 + 400, "{}", corpus.laws.len());
    let mut checked = 0;
    let mut expected = 0;
    for a in &corpus.articles {
        if corpus.laws[a.law].id.starts_with("lawrefbook/") {
            continue;
        }
        expected += 1;
        let law = &corpus.laws[a.law].name;
        let printed = format_citation(law, a.number, a.suffix.as_deref(), None, None);
        let found = cite(&printed, &corpus.names, None);
        assert_eq!(found.statutes.len(), 1, "{printed}");
        let s = &found.statutes[0];
        assert_eq!((&s.law, s.article_no, &s.suffix), (law, a.number, &a.suffix), "{printed}");
        checked += 1;
    }
    assert_eq!(checked, expected);
    assert!(checked > 26_000, "{checked}");
}

#[test]
fn articles_are_found_by_citation() {
    let corpus = Corpus::embedded().unwrap();
    let theft = corpus.show("刑法第二百六十四条", None).unwrap();
    assert!(theft.text.contains("盗窃公私财物"), "{}", theft.text);
    assert_eq!(theft.label, "第二百六十四条");
    let drunk = corpus.show("《中华人民共和国刑法》第133条之一", None).unwrap();
    assert!(drunk.text.contains("醉酒驾驶"), "{}", drunk.text);
    assert!(matches!(corpus.show("刑法第九千条", None), Err(LegalError::NoSuchArticle { .. })));
    assert!(matches!(corpus.show("第十条", None), Err(LegalError::NotACitation(_))));
}

#[test]
fn the_version_in_force_on_a_day() {
    let corpus = Corpus::embedded().unwrap();
    let version = |day: &str| corpus.laws[corpus.version("中华人民共和国仲裁法", Some(d(day))).unwrap()].version;
    // 仲裁法: the 2017 version until the 2025 revision took effect on 2026-03-01.
    assert_eq!(version("2026-01-01"), Some(d("2017-09-01")));
    assert_eq!(version("2026-03-01"), Some(d("2025-09-12")));
    assert!(matches!(
        corpus.version("中华人民共和国仲裁法", Some(d("1990-01-01"))),
        Err(LegalError::NotYetInForce { .. })
    ));
    // Without a day: the version marked 现行有效.
    assert_eq!(corpus.laws[corpus.version("中华人民共和国仲裁法", None).unwrap()].status, "现行有效");
}

#[test]
fn search_finds_the_articles_a_judge_means() {
    let corpus = Corpus::embedded().unwrap();
    let index = xiezhi_legal::SearchIndex::build(corpus);
    let in_force = corpus.in_force(None);
    let allowed = |a: usize| in_force[corpus.articles[a].law];
    let label = |h: &xiezhi_legal::Hit| {
        let a = &corpus.articles[h.article];
        format!("{}{}", corpus.laws[a.law].name, a.label)
    };
    // The theft article: its own words, unsegmented.
    let hits = index.search(corpus, "盗窃公私财物数额较大", 5, allowed);
    // The article, or a 司法解释 quoting it, first; the article itself in the top 5.
    let theft = hits.iter().find(|h| label(h) == "中华人民共和国刑法第二百六十四条").expect("刑法第264条 in the top 5");
    // Highlights are character ranges of the article's text that hold the query's words.
    let text: Vec<char> = corpus.articles[theft.article].text.chars().collect();
    let marked: Vec<String> = theft.highlights.iter().map(|(s, e)| text[*s..*e].iter().collect()).collect();
    assert!(marked.iter().any(|m| m.contains("盗窃公私财物")), "{marked:?}");
    // Drunk driving is 第一百三十三条之一: among the 66,000 articles (with the departmental
    // rules on driving licences that say the same words more often), the law's own articles
    // come first (效力层级).
    let hits = index.search(corpus, "醉酒驾驶机动车", 3, allowed);
    assert_eq!(label(&hits[0]), "中华人民共和国道路交通安全法第九十一条");
    assert!(
        hits.iter().any(|h| label(h) == "中华人民共和国刑法第一百三十三条之一"),
        "{:?}",
        hits.iter().map(label).collect::<Vec<_>>()
    );
    // A law filter keeps only that law's articles.
    let civil = corpus.names.resolve("民法典").unwrap();
    let hits = index.search(corpus, "合同", 10, |a| allowed(a) && corpus.laws[corpus.articles[a].law].name == civil);
    assert_eq!(hits.len(), 10);
    assert!(hits.iter().all(|h| corpus.laws[corpus.articles[h.article].law].name == civil));
}

/// A kept index reads back to the same index: the same hits for the same query. A file cut
/// short, with a changed byte in its header, or for another corpus is not used.
#[test]
fn a_kept_index_reads_back_whole_or_not_at_all() {
    let corpus = Corpus::embedded().unwrap();
    let built = xiezhi_legal::SearchIndex::build(corpus);
    let bytes = built.to_bytes();
    let read = xiezhi_legal::SearchIndex::from_bytes(&bytes, corpus).expect("a whole file reads back");
    for q in ["盗窃公私财物数额较大", "醉酒驾驶机动车", "借款利率", "合同"] {
        let a: Vec<(usize, u32)> =
            built.search(corpus, q, 20, |_| true).iter().map(|h| (h.article, h.score.to_bits())).collect();
        let b: Vec<(usize, u32)> =
            read.search(corpus, q, 20, |_| true).iter().map(|h| (h.article, h.score.to_bits())).collect();
        assert_eq!(a, b, "{q}");
        assert_eq!(a.len(), 20);
    }
    assert!(xiezhi_legal::SearchIndex::from_bytes(&bytes[..bytes.len() - 1], corpus).is_none());
    assert!(xiezhi_legal::SearchIndex::from_bytes(&bytes[..bytes.len() / 2], corpus).is_none());
    let mut other = bytes.clone();
    other[8] ^= 1; // the article count
    assert!(xiezhi_legal::SearchIndex::from_bytes(&other, corpus).is_none());
    let mut magic = bytes;
    magic[0] = b'Y';
    assert!(xiezhi_legal::SearchIndex::from_bytes(&magic, corpus).is_none());
    // The name follows the corpus: imported texts change it.
    let shipped = xiezhi_legal::corpus_fingerprint(None);
    let texts = xiezhi_legal::ImportedTexts { tables: vec![], markdown: vec![("a.md".into(), "# 甲\n".into())] };
    assert_ne!(shipped, xiezhi_legal::corpus_fingerprint(Some(&texts)));
    assert_eq!(xiezhi_legal::index_file_name(0x1f), "search-v1-000000000000001f.idx");
}
