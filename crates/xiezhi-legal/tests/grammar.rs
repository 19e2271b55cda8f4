//! Property tests of the citation grammar: numerals both ways over 1–2,000, and every printed
//! citation of every known law read back to the same parts.

use proptest::prelude::*;
use xiezhi_legal::numerals::{from_chinese, parse_number, to_chinese};
use xiezhi_legal::{LawNames, cite, format_citation};

#[test]
fn numerals_both_ways_from_1_to_2000() {
    for n in 1..=2000 {
        let text = to_chinese(n);
        assert_eq!(from_chinese(&text), Some(n), "{n} → {text}");
        assert_eq!(parse_number(&n.to_string()), Some(n));
    }
}

fn law_names() -> Vec<String> {
    include_str!("../data/law-names.txt").lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

#[test]
fn every_law_resolves_by_its_full_and_bare_name() {
    let names = LawNames::default();
    for law in law_names() {
        assert_eq!(names.resolve(&law), Some(law.as_str()), "{law}");
        assert_eq!(names.resolve(&format!("《{law}》")), Some(law.as_str()), "{law}");
        if let Some(bare) = law.strip_prefix("中华人民共和国").filter(|b| b.chars().count() >= 2) {
            assert_eq!(names.resolve(bare), Some(law.as_str()), "{bare}");
        }
    }
}

proptest! {
    #[test]
    fn printed_citations_read_back(
        law in prop::sample::select(law_names()),
        article in 1u32..=2000,
        suffix in prop::option::of(1u32..=9),
        paragraph in prop::option::of(1u32..=9),
        item in prop::option::of(1u32..=12),
        before in "[a-z，。 ]{0,6}",
    ) {
        let names = LawNames::default();
        let suffix_text = suffix.map(|s| format!("之{}", to_chinese(s)));
        let printed = format_citation(&law, article, suffix_text.as_deref(), paragraph, item);
        let text = format!("{before}{printed}。");
        let found = cite(&text, &names, None);
        prop_assert_eq!(found.statutes.len(), 1, "{}", text);
        let s = &found.statutes[0];
        prop_assert_eq!(&s.law, &law);
        prop_assert_eq!(s.article_no, article);
        prop_assert_eq!(s.suffix.clone(), suffix_text);
        prop_assert_eq!(s.paragraph, paragraph);
        prop_assert_eq!(s.item, item);
        prop_assert_eq!(s.start, before.chars().count());
        prop_assert_eq!(&s.text, &printed);
    }

    #[test]
    fn cite_never_panics(text in "\\PC{0,80}") {
        let _ = cite(&text, &LawNames::default(), Some("中华人民共和国刑法"));
    }
}
