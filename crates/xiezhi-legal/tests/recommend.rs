//! 法条推荐 and the 罪名 table over the shipped corpus, on facts written for these tests.

use xiezhi_legal::{ChargeTable, Corpus, Recommender};

fn labels(facts: &str, top: usize) -> Vec<String> {
    let corpus = Corpus::embedded().unwrap();
    let r = Recommender::embedded().unwrap();
    r.recommend(corpus, facts, top, None)
        .into_iter()
        .map(|x| {
            let a = &corpus.articles[x.article];
            format!("{}{}", corpus.laws[a.law].name, a.label)
        })
        .collect()
}

#[test]
fn the_charge_table_comes_from_the_shipped_regulations() {
    let corpus = Corpus::embedded().unwrap();
    let table = ChargeTable::from_corpus(corpus);
    let of = |n: &str| table.charges.get(n).map(|a| a.iter().cloned().collect::<Vec<_>>()).unwrap_or_default();
    // The 1997 opinion's list, the 2011 supplement's table, and a name with 、 in it.
    assert_eq!(of("盗窃罪"), [(264, None)]);
    assert_eq!(of("危险驾驶罪"), [(133, Some("之一".to_owned()))]);
    assert_eq!(of("生产、销售伪劣产品罪"), [(140, None)]);
    assert_eq!(of("非国家工作人员受贿罪"), [(163, None)]);
    // 司法解释 and 指导性案例 ship with the laws.
    assert!(corpus.laws.iter().any(|l| l.name == "最高人民法院关于审理民间借贷案件适用法律若干问题的规定"));
    assert!(corpus.cases.iter().any(|c| c.tier == "指导性案例"));
}

#[test]
fn drunk_driving_facts_give_the_dangerous_driving_article_first_with_its_elements() {
    let facts = "公诉机关指控：2023年5月1日晚，被告人甲某饮酒后驾驶小型轿车行驶至某路段，被执勤民警查获。\
                 经鉴定，其血液酒精含量为182毫克/100毫升。";
    let corpus = Corpus::embedded().unwrap();
    let found = Recommender::embedded().unwrap().recommend(corpus, facts, 5, None);
    let first = &corpus.articles[found[0].article];
    assert_eq!((first.number, first.suffix.as_deref()), (133, Some("之一")));
    assert!(found[0].why.iter().any(|w| w.contains("血液酒精含量")), "{:?}", found[0].why);
    assert!(found[0].why.iter().any(|w| w.contains("危险驾驶罪")));
}

#[test]
fn theft_and_injury_facts_without_the_charge_names_find_their_articles() {
    // No 罪名 in the facts: the elements (窃取、撬, 殴打、轻伤) carry them.
    let theft = "公诉机关指控，被告人乙某于2022年3月至5月间，先后三次撬开他人车辆门锁，窃取车内现金及手机，\
                 共计价值人民币8600元。";
    assert!(labels(theft, 3).contains(&"中华人民共和国刑法第二百六十四条".to_owned()), "{:?}", labels(theft, 3));
    let injury = "检察院指控，被告人丙某因琐事与邻居发生争执，持木棍将被害人打伤，经鉴定被害人的损伤程度为轻伤二级。";
    assert!(labels(injury, 3).contains(&"中华人民共和国刑法第二百三十四条".to_owned()), "{:?}", labels(injury, 3));
}

#[test]
fn civil_facts_are_matched_against_all_articles_in_force() {
    let facts = "原告诉称，被告于2022年向其借款10万元，约定月利率1.5%，到期未还，请求判令偿还借款本金及利息。";
    let found = labels(facts, 5);
    assert!(found.iter().all(|l| !l.starts_with("中华人民共和国刑法")), "{found:?}");
    assert!(found.iter().any(|l| l.contains("借款") || l.contains("民间借贷") || l.contains("民法典")), "{found:?}");
}
