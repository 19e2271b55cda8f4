//! 合成文书: the demo's judgment corpus (for 类案推送) and the papers of a few demo cases'
//! electronic files (起诉状, 借条, 答辩状, 起诉书). Every name, number and sum is made up from
//! the seed; the wording follows the usual structure of such documents.

use crate::DemoConfig;
use crate::rng::Rng;

/// One synthetic judgment of the demo corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoJudgment {
    pub id: String,
    pub title: String,
    pub case_number: String,
    pub court: String,
    /// YYYY-MM-DD.
    pub date: String,
    pub text: String,
}

const SURNAMES: [&str; 16] =
    ["陈", "林", "黄", "李", "张", "吴", "刘", "周", "郑", "何", "梁", "谢", "罗", "冯", "邓", "蔡"];
const COURTS: [(&str, &str); 6] = [
    ("粤0106", "广州市天河区人民法院"),
    ("粤0104", "广州市越秀区人民法院"),
    ("粤0105", "广州市海珠区人民法院"),
    ("粤0304", "深圳市福田区人民法院"),
    ("粤0306", "深圳市宝安区人民法院"),
    ("粤0113", "广州市番禺区人民法院"),
];

fn person(rng: &mut Rng, tag: &str) -> String {
    format!("{}某{tag}", SURNAMES[rng.below(SURNAMES.len() as u64) as usize])
}

fn yuan(amount: u64) -> String {
    if amount.is_multiple_of(10_000) { format!("{}万元", amount / 10_000) } else { format!("{amount}元") }
}

/// The facts of a 民间借贷 dispute with some of its elements, and the result.
fn loan_text(rng: &mut Rng, plaintiff: &str, defendant: &str) -> (String, String) {
    let amount = (rng.log_normal(80_000.0, 1.0) / 1000.0).round().max(3.0) as u64 * 1000;
    let year = rng.int(2013, 2015);
    let month = rng.int(1, 12);
    let rate = [0.0, 1.0, 1.5, 2.0, 3.0][rng.below(5) as usize];
    let guarantor = rng.chance(0.35).then(|| person(rng, "丙"));
    let spouse = rng.chance(0.25).then(|| person(rng, "丁"));
    let transfer = rng.chance(0.6);
    let repaid = rng.chance(0.4).then(|| (amount as f64 * rng.uniform(0.1, 0.5) / 1000.0).round() as u64 * 1000);
    let absent = rng.chance(0.3);
    let company = rng.chance(0.2);
    let borrower = if company { format!("{defendant}经营的某某贸易有限公司") } else { defendant.to_owned() };
    let mut facts = format!(
        "原告{plaintiff}诉称，{year}年{month}月，被告{defendant}因{}向原告借款{}，{}。",
        if company { "公司资金周转" } else { "个人生意需要" },
        yuan(amount),
        if rate > 0.0 {
            format!("双方约定月利率{rate}%，借款期限一年，被告出具借条一张")
        } else {
            "双方未约定利息，被告出具借条一张".to_owned()
        }
    );
    facts.push_str(if transfer {
        "原告当日通过银行转账向被告交付借款。"
    } else {
        "原告以现金方式向被告交付借款。"
    });
    if let Some(g) = &guarantor {
        facts.push_str(&format!("{g}在借条上签字，承诺对该笔借款承担连带责任保证。"));
    }
    if company {
        facts.push_str(&format!("借款实际用于{borrower}的经营。"));
    }
    if let Some(s) = &spouse {
        facts.push_str(&format!("借款发生于被告与{s}婚姻关系存续期间，原告主张该债务为夫妻共同债务。"));
    }
    match repaid {
        Some(r) => facts.push_str(&format!("借款到期后，被告仅归还了{}，余款经多次催讨未还。", yuan(r))),
        None => facts.push_str("借款到期后，经原告多次催讨，被告至今未还。"),
    }
    facts.push_str("原告请求判令被告偿还借款本金及利息，并承担本案诉讼费用。");
    if absent {
        facts.push_str("被告经本院传票传唤，无正当理由拒不到庭参加诉讼，亦未提交答辩意见。");
    } else {
        facts.push_str("被告辩称，借款属实，但因经营困难暂时无力偿还，请求分期履行。");
    }
    let owed = amount - repaid.unwrap_or(0);
    let mut result = format!("本院认为，原告与被告之间的借贷关系合法有效，被告应当偿还借款本金{}", yuan(owed));
    if rate > 0.0 {
        result.push_str(&format!(
            "，并按约定的月利率{rate}%支付利息（以不超过合同成立时一年期贷款市场报价利率四倍为限）"
        ));
    } else {
        result.push_str("，借期内未约定利息，原告主张逾期利息的，自逾期之日起按一年期贷款市场报价利率计付");
    }
    if guarantor.is_some() {
        result.push_str("；保证人对上述债务承担连带清偿责任，承担责任后有权向被告追偿");
    }
    if spouse.is_some() {
        result.push_str(if rng.chance(0.5) {
            "；该借款用于家庭共同生活，属夫妻共同债务"
        } else {
            "；原告未能举证证明该借款用于夫妻共同生活，对其夫妻共同债务的主张不予支持"
        });
    }
    result.push_str("。依照《中华人民共和国民法典》第六百六十七条、第六百七十五条、第六百七十六条，《最高人民法院关于审理民间借贷案件适用法律若干问题的规定》第二十五条之规定，判决如上。");
    (facts, result)
}

/// The demo judgment corpus: 民间借贷 judgments with varied elements and a few criminal ones.
pub fn judgments(config: &DemoConfig) -> Vec<DemoJudgment> {
    let mut rng = Rng::new(config.seed ^ 0x6A75_6467_6D65_6E74);
    let mut out = Vec::new();
    for i in 0..32u32 {
        let (code, court) = COURTS[rng.below(COURTS.len() as u64) as usize];
        // Before the demo province's cases (2021 on), so no 案号 here names a demo case.
        let year = rng.int(2016, 2020);
        let (plaintiff, defendant) = (person(&mut rng, "甲"), person(&mut rng, "乙"));
        let (facts, result) = loan_text(&mut rng, &plaintiff, &defendant);
        let case_number = format!("（{year}）{code}民初{}号", 1000 + rng.below(30_000));
        let month = rng.int(1, 12);
        out.push(DemoJudgment {
            id: format!("demo-loan-{i:02}"),
            title: format!("{plaintiff}与{defendant}民间借贷纠纷一审民事判决书"),
            case_number: case_number.clone(),
            court: court.to_owned(),
            date: format!("{year}-{month:02}-{:02}", rng.int(1, 28)),
            text: format!("{court}\n民事判决书\n{case_number}\n{facts}\n{result}\n（合成演示文书，非真实案件）"),
        });
    }
    let crimes: [(&str, &str, &str); 4] = [
        (
            "危险驾驶",
            "被告人{d}于{y}年{m}月某日晚饮酒后驾驶小型轿车在市区道路行驶，被执勤民警查获。经鉴定，其血液酒精含量为{n}毫克/100毫升。被告人到案后如实供述。",
            "本院认为，被告人{d}在道路上醉酒驾驶机动车，其行为已构成危险驾驶罪。依照《中华人民共和国刑法》第一百三十三条之一第一款第（二）项、第六十七条第三款之规定，判处拘役二个月，并处罚金人民币四千元。",
        ),
        (
            "盗窃",
            "被告人{d}于{y}年{m}月间，先后三次在某小区地下停车场撬开车窗，窃取车内现金及财物，共计价值人民币{n}元。案发后赃款已部分退赔。",
            "本院认为，被告人{d}以非法占有为目的，多次秘密窃取他人财物，数额较大，其行为已构成盗窃罪。依照《中华人民共和国刑法》第二百六十四条、第五十二条、第五十三条之规定，判处有期徒刑八个月，并处罚金人民币三千元。",
        ),
        (
            "故意伤害",
            "被告人{d}于{y}年{m}月某日因琐事与被害人发生争执，持木棍击打被害人头部，致其受伤。经鉴定，被害人的损伤程度为轻伤二级。被告人已赔偿被害人经济损失{n}元并取得谅解。",
            "本院认为，被告人{d}故意伤害他人身体，致一人轻伤，其行为已构成故意伤害罪。依照《中华人民共和国刑法》第二百三十四条第一款、第六十七条第三款之规定，判处有期徒刑十个月，缓刑一年。",
        ),
        (
            "交通肇事",
            "被告人{d}于{y}年{m}月某日驾驶货车行经某路口时未按规定让行，与一辆电动自行车相撞，致电动自行车驾驶人经抢救无效死亡。经交警部门认定，被告人负事故主要责任。事故发生后被告人赔偿被害人家属{n}元。",
            "本院认为，被告人{d}违反交通运输管理法规，发生重大事故，致一人死亡，负事故主要责任，其行为已构成交通肇事罪。依照《中华人民共和国刑法》第一百三十三条之规定，判处有期徒刑一年，缓刑一年六个月。",
        ),
    ];
    for (i, (crime, facts, result)) in crimes.iter().enumerate() {
        for k in 0..2u32 {
            let (code, court) = COURTS[rng.below(COURTS.len() as u64) as usize];
            let year = rng.int(2016, 2020);
            let d = person(&mut rng, "");
            let n = if *crime == "危险驾驶" { rng.int(85, 240) as u64 } else { 1000 * rng.int(3, 90) as u64 };
            let fill = |t: &str| {
                t.replace("{d}", &d)
                    .replace("{y}", &year.to_string())
                    .replace("{m}", &rng_month(i, k))
                    .replace("{n}", &n.to_string())
            };
            let case_number = format!("（{year}）{code}刑初{}号", 100 + rng.below(3000));
            out.push(DemoJudgment {
                id: format!("demo-criminal-{i}{k}"),
                title: format!("{d}{crime}一审刑事判决书"),
                case_number: case_number.clone(),
                court: court.to_owned(),
                date: format!("{year}-{:02}-15", rng.int(1, 12)),
                text: format!(
                    "{court}\n刑事判决书\n{case_number}\n公诉机关指控，{}\n{}\n（合成演示文书，非真实案件）",
                    fill(facts),
                    fill(result)
                ),
            });
        }
    }
    out
}

fn rng_month(i: usize, k: u32) -> String {
    (((i as u32) * 5 + k * 7) % 12 + 1).to_string()
}

/// The papers of a 民间借贷 case's file: (file name, text).
pub fn loan_case_papers(seed: u64, case_number: &str, court: &str) -> Vec<(String, String)> {
    let mut rng = Rng::new(seed ^ 0x7061_7065_7273);
    let (plaintiff, defendant) = (person(&mut rng, "甲"), person(&mut rng, "乙"));
    let (facts, _) = loan_text(&mut rng, &plaintiff, &defendant);
    vec![
        (
            "民事起诉状.txt".to_owned(),
            format!(
                "民事起诉状\n原告：{plaintiff}\n被告：{defendant}\n诉讼请求：\n一、判令被告偿还借款本金及利息；\n二、本案诉讼费用由被告承担。\n事实与理由：\n{facts}\n此致\n{court}\n具状人：{plaintiff}\n（合成演示材料，非真实案件）"
            ),
        ),
        (
            "借条.txt".to_owned(),
            format!(
                "借条\n今借到{plaintiff}人民币若干元整，按约定期限归还。\n借款人：{defendant}\n（合成演示材料，案号 {case_number}）"
            ),
        ),
        (
            "民事答辩状.txt".to_owned(),
            format!(
                "民事答辩状\n答辩人：{defendant}\n答辩人对借款事实无异议，但因经营困难暂时无力偿还，请求法院准许分期履行。\n此致\n{court}\n（合成演示材料，非真实案件）"
            ),
        ),
    ]
}

/// The 起诉书 of a 危险驾驶 case: (file name, text).
pub fn drunk_driving_papers(seed: u64, court: &str) -> Vec<(String, String)> {
    let mut rng = Rng::new(seed ^ 0x0063_7269_6d65);
    let d = person(&mut rng, "");
    let n = rng.int(90, 220);
    vec![(
        "起诉书.txt".to_owned(),
        format!(
            "某区人民检察院\n起诉书\n被告人{d}，男，无业。\n经依法审查查明：被告人{d}饮酒后驾驶小型轿车在道路上行驶，被执勤民警查获。经鉴定，其血液酒精含量为{n}毫克/100毫升。被告人到案后如实供述了自己的罪行。\n本院认为，被告人{d}的行为触犯了《中华人民共和国刑法》第一百三十三条之一，犯罪事实清楚，证据确实、充分，应当以危险驾驶罪追究其刑事责任。\n此致\n{court}\n（合成演示材料，非真实案件）"
        ),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use xiezhi_domain::Date;

    #[test]
    fn the_corpus_is_reproducible_marked_and_numbered() {
        let config = DemoConfig { cases: 10, seed: 7, as_of: Date::parse_iso("2026-10-31").unwrap(), years: 4 };
        let a = judgments(&config);
        assert_eq!(a, judgments(&config));
        assert_eq!(a.len(), 40);
        assert!(a.iter().all(|j| j.text.contains("合成演示文书")));
        assert!(a.iter().all(|j| xiezhi_domain::CaseNumber::parse(&j.case_number).is_ok()), "{:?}", a[0].case_number);
        assert!(a.iter().any(|j| j.text.contains("连带责任保证")));
        assert!(a.iter().any(|j| j.text.contains("夫妻共同债务")));
    }
}
