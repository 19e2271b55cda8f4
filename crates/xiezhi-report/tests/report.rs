//! End-to-end tests of the bulletin and of draft filling on a small synthetic province whose
//! every figure is worked out by hand below (comments give each derivation).

use std::io::{Cursor, Read, Write};

use xiezhi_domain::{Amount, CaseFacts, CaseNumber, CourtCode, Date, Disposition};
use xiezhi_metrics::{Catalogue, GroupNames, MetricsReport, Period, Snapshot};
use xiezhi_report::fill::{FillConfig, FillContext, LogEntry, fill_docx, fill_text};
use xiezhi_report::{
    ActionListBuilder, Bulletin, BulletinOptions, ChartFonts, ReportError, ReportScope, docx, html, monthly_series,
    xlsx,
};

fn d(text: &str) -> Date {
    Date::parse_iso(text).unwrap()
}

fn case(number: &str, filed: &str, closed: Option<(&str, &str)>, judge: &str) -> CaseFacts {
    CaseFacts {
        closed_on: closed.map(|(on, _)| d(on)),
        disposition: closed.map(|(_, how)| Disposition::parse(how).unwrap()),
        judge: Some(judge.to_owned()),
        ..CaseFacts::new(CaseNumber::parse(number).unwrap(), d(filed))
    }
}

fn recovered(mut c: CaseFacts, yuan: &str) -> CaseFacts {
    c.recovered_amount = Some(Amount::parse(yuan, false).unwrap());
    c
}

/// The province 粤 with two cities. P = 2024-01-01..2024-06-30, P' = 2023-01-01..2023-06-30.
fn province() -> Vec<CaseFacts> {
    vec![
        // 粤07, over P.
        case("(2023)粤0703民初1号", "2023-11-01", Some(("2024-02-01", "判决")), "张三"), // carried over, closed in P
        case("(2024)粤0703民初1号", "2024-01-10", Some(("2024-03-10", "判决")), "张三"),
        case("(2024)粤0703民初2号", "2024-02-01", Some(("2024-04-01", "调解")), "李四"),
        case("(2024)粤0703民初3号", "2024-03-01", None, "李四"),
        case("(2024)粤0704民初1号", "2024-01-05", Some(("2024-05-05", "判决")), "王五"),
        recovered(case("(2024)粤0703执1号", "2024-01-15", Some(("2024-03-15", "执行完毕")), "赵六"), "150000000"),
        recovered(
            case("(2024)粤0704执1号", "2024-02-15", Some(("2024-04-15", "终结本次执行程序")), "孙七"),
            "50000000",
        ),
        case("(2024)粤0704执2号", "2024-03-01", None, "孙七"),
        // 粤07, over P'.
        case("(2023)粤0703民初2号", "2023-02-01", Some(("2023-03-01", "判决")), "张三"),
        case("(2023)粤0703民初3号", "2023-03-01", Some(("2023-05-01", "判决")), "李四"),
        case("(2023)粤0704民初1号", "2023-04-01", Some(("2023-09-01", "判决")), "王五"),
        recovered(case("(2023)粤0703执1号", "2023-02-10", Some(("2023-04-10", "执行完毕")), "赵六"), "100000000"),
        case("(2023)粤0704执1号", "2023-05-01", Some(("2023-12-01", "终结本次执行程序")), "孙七"),
        // 粤01, over P only.
        case("(2024)粤0101民初1号", "2024-01-02", Some(("2024-02-02", "判决")), "周八"),
        case("(2024)粤0101民初2号", "2024-01-03", None, "周八"),
        recovered(case("(2024)粤0101执1号", "2024-01-04", Some(("2024-02-04", "执行完毕")), "吴九"), "10000"),
        case("(2024)粤0101执2号", "2024-01-05", Some(("2024-03-05", "执行完毕")), "吴九"),
    ]
}

fn names() -> GroupNames {
    let mut names = GroupNames::default();
    for (code, name) in
        [("粤0703", "江海市东城区人民法院"), ("粤0704", "江海市西城区人民法院"), ("粤0101", "南岭市北区人民法院")]
    {
        names.courts.insert(CourtCode::parse(code).unwrap(), name.to_owned());
    }
    names.cities.insert(CourtCode::parse("粤07").unwrap(), "江海市法院".to_owned());
    names
}

fn period() -> Period {
    Period::new(d("2024-01-01"), d("2024-06-30")).unwrap()
}

fn compute(facts: &[CaseFacts]) -> (Snapshot, MetricsReport) {
    let snapshot = Snapshot::new(facts, &names());
    let report = xiezhi_metrics::compute_with(&snapshot, period(), &Catalogue::default());
    (snapshot, report)
}

const SEED: &str = include_str!("data/speech-draft.txt");

#[test]
fn seed_draft_section_one_is_filled_with_hand_worked_figures() {
    let facts = province();
    let (_, report) = compute(&facts);
    let catalogue = Catalogue::default();
    let scope = ReportScope::parse("粤07").unwrap();
    let ctx = FillContext::new(&report, &catalogue, &scope).unwrap();
    let (filled, log) = fill_text(SEED, &ctx, &FillConfig::default());

    // 粤07 over P: filed 7 (the seven 2024 cases), carried over 1 ((2023)粤0703民初1号, open on
    // 2024-01-01), accepted 8, closed 6 (all but 民初3号 and 执2号).
    // P': filed 5, carried over 0, accepted 5, closed 3 (民初2号, 民初3号, 执1号 of 粤0703).
    //   受理 (8 − 5) / 5 = 60.00 %; 审执结 (6 − 3) / 3 = 100.00 %.
    // 法官人均结案: 6 closed / 5 judges (东城 张三 李四 赵六, 西城 王五 孙七) = 1.2 (one decimal);
    //   P': 3 / 3 (张三 李四 赵六) = 1.00; (1.20 − 1.00) / 1.00 = 20.00 %.
    // 结收比 6/7 = 85.714 % → 85.71; P' 3/5 = 60 % → +25.71 个百分点;
    //   province (粤07 + 粤01 pooled): closed 6 + 3 = 9, filed 7 + 4 = 11 → 81.818 %;
    //   85.714 − 81.818 = 3.896 → 3.90; 粤01 = 3/4 = 75 % → 粤07 is 1st.
    // 结案率 6/8 = 75.00 %; P' 3/5 = 60 % → +15.00; province 9/12 = 75 % → 持平; 粤01 3/4 = 75 %
    //   → tie, both 1st.
    // 执行: 粤07 closed 2 (执1号 ×2), accepted 3 → 执结率 66.67 %; province (2 + 2) / (3 + 2) = 80 %
    //   → 低于; 粤01 2/2 = 100 % → 粤07 2nd. 实际执结率 粤07 1/2 = 50 % vs 粤01 2/2 → 2nd.
    // 执行到位金额 150 000 000 + 50 000 000 = 2.00 亿元.
    let expected = "一是审判执行质效稳步提升。去年年底至今年年初，全市法院通过集中开展规范立案行为专项行动和办案纪律专项审务督察，以及年初以来持续开展执行工作“春雷行动”和“夏日闪电”专项行动，进一步强化审判执行管理，提升审判执行质效。今年前6个月，全市法院共受理案件8件，审执结6件，比去年同期分别增长60.00%和100.00%；法官人均结案1.2件，同比提高20.00%；案件结收比85.71%，同比提高25.71个百分点，高于全省平均水平3.90个百分点，居全省第1位；整体结案率75.00%，同比提高15.00个百分点，与全省平均水平持平，居全省第1位。全市法院共执行结案2件，执结率66.67%，低于全省平均水平，居全省第2位，实际执结率居全省第2位，执行到位金额2.00亿元，执行工作四项核心指标和18项质效指标稳步提升。";
    let line = filled.lines().find(|l| l.starts_with("一是")).unwrap();
    // The seed uses ASCII punctuation in places; compare after normalising commas and colons.
    let normalise = |s: &str| s.replace(',', "，").replace(';', "；").replace(':', "：");
    assert_eq!(normalise(line), normalise(expected));

    // Every other line keeps every placeholder exactly as written.
    for (before, after) in SEED.lines().zip(filled.lines()) {
        if !before.starts_with("一是") {
            assert_eq!(before, after);
        }
    }
    // 20 slots in section 一: 月, 受理, 审执结, 2 增幅, 人均, 人均增幅, 结收比 ×4, 结案率 ×4,
    // 执行结案, 执结率, 执结率比较词, 执结率排名, 实际执结率排名, 到位金额.
    let slots: Vec<&LogEntry> = log.slots().collect();
    assert_eq!(slots.len(), 21, "{}", log.to_text());
    // Every placeholder outside section 一 is listed as left alone with a reason.
    let placeholders_elsewhere: usize = SEED
        .lines()
        .filter(|l| !l.starts_with("一是"))
        .map(|l| l.split(|c: char| c != 'X').filter(|s| !s.is_empty()).count())
        .sum();
    let left = log.entries.iter().filter(|e| matches!(e, LogEntry::Left { .. })).count();
    assert_eq!(left, placeholders_elsewhere, "{}", log.to_text());
    let json = log.to_json();
    assert_eq!(json["slots"], 21);
    let rank = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["indicator"] == "clearance_rate" && e["quantity"] == "rank")
        .unwrap();
    assert_eq!(rank["value"], 1);
    assert!(rank["sentence"].as_str().unwrap().contains("结收比"));
}

/// A city whose figures all fell: 2 cases this half-year against 4 last year.
fn shrinking_city() -> Vec<CaseFacts> {
    let mut facts = vec![
        case("(2024)粤0703民初1号", "2024-01-10", Some(("2024-02-10", "判决")), "张三"),
        case("(2024)粤0703民初2号", "2024-02-10", None, "张三"),
    ];
    for n in 1..=4 {
        facts.push(case(&format!("(2023)粤0703民初{n}号"), "2023-02-01", Some(("2023-03-01", "判决")), "张三"));
    }
    facts
}

#[test]
fn negative_changes_flip_the_direction_words() {
    let (_, report) = compute(&shrinking_city());
    let catalogue = Catalogue::default();
    let ctx = FillContext::new(&report, &catalogue, &ReportScope::parse("粤07").unwrap()).unwrap();
    let draft = "今年1-X月，全市法院受理案件XX件，同比增长XX%；结案XX件，同比增长XX%；结收比XX%，同比提高XX个百分点。受理XX件、结案XX件，比去年同期分别增长XX%和XX%。\n";
    let (filled, log) = fill_text(draft, &ctx, &FillConfig::default());
    // P: accepted 2, closed 1, clearance 1/2 = 50 %. P': accepted 4, closed 4, clearance 100 %.
    // 受理 (2 − 4)/4 = −50 %; 结案 (1 − 4)/4 = −75 %; 结收比 50 − 100 = −50 个百分点.
    assert_eq!(
        filled,
        "今年1-6月，全市法院受理案件2件，同比下降50.00%；结案1件，同比下降75.00%；结收比50.00%，同比降低50.00个百分点。受理2件、结案1件，比去年同期分别下降50.00%和75.00%。\n",
        "{}",
        log.to_text()
    );
    // The data holds no other city of 粤: "全省" would be 粤07 itself, so neither the comparison
    // nor the rank is written (never "与全省平均水平持平，居全省第1位"), and the direction word
    // without a number is left as the draft has it.
    let draft = "结收比高于全省平均水平XX个百分点，居全省第X位。结案率高于全省平均水平。";
    let (filled, log) = fill_text(draft, &ctx, &FillConfig::default());
    assert_eq!(filled, draft);
    let reasons: Vec<String> = left_entries(&log).into_iter().map(|e| e.reason).collect();
    assert_eq!(reasons.len(), 3, "{}", log.to_text());
    assert!(reasons.iter().all(|r| r.contains("只有本市一个地级市")), "{reasons:?}");
}

/// The shrinking city and one case open since 2023-03-01 (over 12 months at 2024-06-30).
fn shrinking_city_with_an_old_case() -> Vec<CaseFacts> {
    let mut facts = shrinking_city();
    facts.push(case("(2023)粤0703民初9号", "2023-03-01", None, "李四"));
    facts
}

#[test]
fn counts_are_whole_days_lengthen_rates_move_by_points_and_thresholds_stay() {
    let (_, report) = compute(&shrinking_city_with_an_old_case());
    let catalogue = Catalogue::default();
    let ctx = FillContext::new(&report, &catalogue, &ReportScope::parse("粤07").unwrap()).unwrap();
    // P (2024-01-01..06-30): filed 2, carried over 1 (民初9号) → accepted 3; closed 1 (民初1号,
    // 31 days); pending at 06-30: 民初2号 and 民初9号 (16 months) → over 12 months 1 of 2 = 50 %.
    // P' (2023-01-01..06-30): filed 5 (four closed 2023-03-01 after 28 days, and 民初9号) →
    // accepted 5; closed 4.
    // 受理 3 − 5 = −2 件 (whole cases); 平均审理天数 31 − 28 = +3 天 (延长, not 增长);
    // 结收比 1/2 = 50 % against 4/5 = 80 % → −30 个百分点 (降低).
    let draft = "截至X月底，全市法院受理案件XX件，同比增长XX件；平均审理天数XX天，同比增加XX天；        超12个月未结案件XX件，占未结审判案件的XX%。全市法院审判质效稳步提升，结收比XX%，同比提高XX个百分点。        全市XX名法官结案超过XX件。";
    let (filled, log) = fill_text(draft, &ctx, &FillConfig::default());
    assert_eq!(
        filled,
        "截至6月底，全市法院受理案件3件，同比减少2件；平均审理天数31.00天，同比延长3.00天；        超12个月未结案件1件，占未结审判案件的50.00%。全市法院审判质效稳步提升，结收比50.00%，同比降低30.00个百分点。        全市XX名法官结案超过XX件。",
        "{}",
        log.to_text()
    );
    let reasons: Vec<String> = left_entries(&log).into_iter().map(|e| e.reason).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[1].contains("门槛值"), "{reasons:?}");
    // The fixed words 稳步提升 beside a fall of 结收比 are kept, with a warning.
    let warnings: Vec<&str> = log.warnings().collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("稳步提升") && warnings[0].contains("结收比"), "{warnings:?}");

    // The same draft filled with one basic court: the subject 全市法院 does not fit.
    let ctx = FillContext::new(&report, &catalogue, &ReportScope::parse("粤0703").unwrap()).unwrap();
    let (_, log) = fill_text(draft, &ctx, &FillConfig::default());
    let warnings: Vec<&str> = log.warnings().collect();
    assert!(warnings[0].contains("主语“全市法院”与填数范围粤0703"), "{warnings:?}");
    assert_eq!(warnings.iter().filter(|w| w.starts_with("主语")).count(), 1, "once per draft");
}

#[test]
fn per_judge_figures_follow_the_configured_precision() {
    let (_, report) = compute(&province());
    let catalogue = Catalogue::default();
    let ctx = FillContext::new(&report, &catalogue, &ReportScope::parse("粤07").unwrap()).unwrap();
    // 6 closed / 5 judges = 1.2; P' 3 / 3 = 1.0; +0.2 件.
    let draft = "法官人均结案XX件，同比增加XX件。";
    let (filled, _) = fill_text(draft, &ctx, &FillConfig::default());
    assert_eq!(filled, "法官人均结案1.2件，同比增加0.2件。");
    let two = FillConfig { per_judge_decimals: 2, ..FillConfig::default() };
    let (filled, _) = fill_text(draft, &ctx, &two);
    assert_eq!(filled, "法官人均结案1.20件，同比增加0.20件。");
}

/// A placeholder the fill left alone, as its log entry gives it.
#[derive(Debug)]
struct Left {
    placeholder: String,
    context: String,
    reason: String,
}

fn left_entries(log: &xiezhi_report::fill::FillLog) -> Vec<Left> {
    log.entries
        .iter()
        .filter_map(|e| match e {
            LogEntry::Left { placeholder, context, reason, .. } => {
                Some(Left { placeholder: placeholder.clone(), context: context.clone(), reason: reason.clone() })
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_value_needs_its_indicator_named_in_its_own_clause() {
    let (_, report) = compute(&province());
    let catalogue = Catalogue::default();
    let ctx = FillContext::new(&report, &catalogue, &ReportScope::parse("粤07").unwrap()).unwrap();
    // 粤07 over P (see the seed test): accepted 8; 结案率 6/8 = 75.00 %, P' 3/5 = 60 % → +15.00
    // 个百分点; 执行到位金额 2.00 亿元. 其中民事案件 / 审结 / 办结 name no indicator of the
    // catalogue: their XX stay (never 受理's 8 again). "达到XX%" after a filled change is the
    // value of the clause before's indicator, no longer its change. "高于全省平均水平" after an
    // amount is not checked: the province's amount is a total, not an average.
    let draft = "全市法院受理案件XX件，其中民事案件XX件，审结XX件，办结XX件。整体结案率同比提高XX个百分点，达到XX%。执行到位金额XX亿元，高于全省平均水平。\n";
    let (filled, log) = fill_text(draft, &ctx, &FillConfig::default());
    assert_eq!(
        filled,
        "全市法院受理案件8件，其中民事案件XX件，审结XX件，办结XX件。整体结案率同比提高15.00个百分点，达到75.00%。执行到位金额2.00亿元，高于全省平均水平。\n",
        "{}",
        log.to_text()
    );
    let left = left_entries(&log);
    assert_eq!(left.len(), 4, "{left:?}");
    for l in &left[..3] {
        assert_eq!(l.placeholder, "XX");
        assert!(l.reason.contains("本分句没有可识别的指标名称"), "{}", l.reason);
    }
    assert_eq!(left[3].placeholder, "高于");
    assert!(left[3].reason.contains("合计"), "{}", left[3].reason);
    // Each left placeholder is shown with six characters either side, to find it.
    assert_eq!(left[0].context, "其中民事案件XX件，审结XX");
    // Six characters before 高于: 额 X X 亿 元 ，.
    assert_eq!(left[3].context, "额XX亿元，高于全省平均水平。");
}

#[test]
fn months_so_far_only_for_whole_months_from_the_first_of_january() {
    let facts = province();
    let snapshot = Snapshot::new(&facts, &names());
    let catalogue = Catalogue::default();
    for (from, to, expected) in [
        ("2024-01-01", "2024-06-30", Some("6")),
        ("2024-01-01", "2024-02-29", Some("2")),
        ("2024-02-01", "2024-06-30", None),
        ("2024-01-01", "2024-06-15", None),
    ] {
        let report = xiezhi_metrics::compute_with(&snapshot, Period::new(d(from), d(to)).unwrap(), &catalogue);
        let ctx = FillContext::new(&report, &catalogue, &ReportScope::parse("粤07").unwrap()).unwrap();
        let (filled, log) = fill_text("今年前X个月，", &ctx, &FillConfig::default());
        match expected {
            Some(month) => assert_eq!(filled, format!("今年前{month}个月，"), "{from}..{to}"),
            None => {
                assert_eq!(filled, "今年前X个月，", "{from}..{to}");
                assert!(left_entries(&log)[0].reason.contains("不是自1月1日起的整月"), "{}", log.to_text());
            }
        }
    }
}

#[test]
fn text_drafts_in_gb18030_or_with_a_bom_come_back_in_their_encoding() {
    use xiezhi_report::fill::{TextEncoding, decode_text_draft, encode_text_draft};
    let (_, report) = compute(&province());
    let catalogue = Catalogue::default();
    let ctx = FillContext::new(&report, &catalogue, &ReportScope::parse("粤07").unwrap()).unwrap();
    let draft = "全市法院共受理案件XX件。\n";
    // 粤07 accepted 8 over P (see the seed test).
    let expected = "全市法院共受理案件8件。\n";
    let gbk = encoding_rs::GB18030.encode(draft).0.into_owned();
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), draft.as_bytes()].concat();
    for (bytes, encoding) in [
        (draft.as_bytes().to_vec(), TextEncoding::Utf8),
        (with_bom, TextEncoding::Utf8Bom),
        (gbk, TextEncoding::Gb18030),
    ] {
        let (text, seen) = decode_text_draft(&bytes).unwrap();
        assert_eq!(seen, encoding);
        let (filled, _) = fill_text(&text, &ctx, &FillConfig::default());
        assert_eq!(filled, expected);
        let out = encode_text_draft(&filled, encoding);
        let (back, again) = decode_text_draft(&out).unwrap();
        assert_eq!((back.as_str(), again), (expected, encoding));
    }
    assert!(matches!(decode_text_draft(b"\xff\xfe\x00\x00"), Err(ReportError::DraftEncoding)));
}

#[test]
fn markdown_emphasis_around_figures_is_kept() {
    let (_, report) = compute(&province());
    let catalogue = Catalogue::default();
    let ctx = FillContext::new(&report, &catalogue, &ReportScope::parse("粤07").unwrap()).unwrap();
    // 粤07 (see the seed test): 前6个月, accepted 8, closed 6, +60.00 % and +100.00 %;
    // 结收比 85.71 %, +25.71 个百分点.
    let draft = "## 一、审判执行\n\n今年前**X**个月，全市法院共受理案件**XX**件，审执结**XX**件，比去年同期分别增长**XX**%和**XX**%；\n- 结收比 *XX*%，同比提高`XX`个百分点。\n";
    let (filled, log) = fill_text(draft, &ctx, &FillConfig::default());
    assert_eq!(
        filled,
        "## 一、审判执行\n\n今年前**6**个月，全市法院共受理案件**8**件，审执结**6**件，比去年同期分别增长**60.00**%和**100.00**%；\n- 结收比 *85.71*%，同比提高`25.71`个百分点。\n",
        "{}",
        log.to_text()
    );
}

#[test]
fn unfillable_slots_stay_xx_with_a_reason_and_configured_phrases_are_replaced() {
    let (_, report) = compute(&province());
    let catalogue = Catalogue::default();
    // 粤0101 over P' has no case: its year-on-year change cannot be computed; and a court has
    // no rank among cities.
    let ctx = FillContext::new(&report, &catalogue, &ReportScope::parse("粤0101").unwrap()).unwrap();
    let config =
        FillConfig { phrases: vec![("XX法院".to_owned(), "南岭法院".to_owned())], ..FillConfig::default() };
    let (filled, log) = fill_text("推动XX法院高质量发展。受理XX件，同比增长XX%，居全省第X位。", &ctx, &config);
    assert_eq!(filled, "推动南岭法院高质量发展。受理4件，同比增长XX%，居全省第X位。");
    let reasons: Vec<String> = left_entries(&log).into_iter().map(|e| e.reason).collect();
    assert_eq!(reasons.len(), 2);
    assert!(reasons[0].contains("去年同期为0"), "{reasons:?}");
    assert!(reasons[1].contains("排名"), "{reasons:?}");
}

// ---------------------------------------------------------------------------------------
// DOCX drafts.

fn docx_with(document: &str) -> Vec<u8> {
    docx_with_parts(document, &[])
}

fn docx_with_parts(document: &str, parts: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(
        b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
    )
    .unwrap();
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(document.as_bytes()).unwrap();
    zip.start_file("word/styles.xml", options).unwrap();
    zip.write_all(b"<w:styles/>").unwrap();
    for (name, xml) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn part(docx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    let mut s = String::new();
    archive.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn docx_round_trip_keeps_runs_and_finds_a_placeholder_split_across_runs() {
    let (_, report) = compute(&province());
    let catalogue = Catalogue::default();
    let ctx = FillContext::new(&report, &catalogue, &ReportScope::parse("粤07").unwrap()).unwrap();
    let w = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";
    // Word split "XX" of 受理 across two runs (bold, then italic), and 结收比's "同比提高" and
    // its placeholder; a third paragraph has a non-data XX in a coloured run.
    let document = format!(
        "<w:document {w}><w:body>\
<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>全市法院共受理案件X</w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>X件，</w:t></w:r><w:r><w:t xml:space=\"preserve\">结收比XX%，同比</w:t></w:r><w:r><w:rPr><w:u w:val=\"single\"/></w:rPr><w:t>提</w:t></w:r><w:r><w:t>高XX个百分点。</w:t></w:r></w:p>\
<w:p><w:r><w:rPr><w:color w:val=\"FF0000\"/></w:rPr><w:t>推动XX法院高质量发展。</w:t></w:r></w:p>\
</w:body></w:document>"
    );
    let (out, log) = fill_docx(&docx_with(&document), &ctx, &FillConfig::default()).unwrap();
    // 受理 8 (see the seed test); 结收比 85.71 %, +25.71 个百分点 (提高 stays: the sign is up).
    let expected = format!(
        "<w:document {w}><w:body>\
<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>全市法院共受理案件8</w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>件，</w:t></w:r><w:r><w:t xml:space=\"preserve\">结收比85.71%，同比</w:t></w:r><w:r><w:rPr><w:u w:val=\"single\"/></w:rPr><w:t>提高</w:t></w:r><w:r><w:t>25.71个百分点。</w:t></w:r></w:p>\
<w:p><w:r><w:rPr><w:color w:val=\"FF0000\"/></w:rPr><w:t>推动XX法院高质量发展。</w:t></w:r></w:p>\
</w:body></w:document>"
    );
    assert_eq!(part(&out, "word/document.xml"), expected);
    assert_eq!(part(&out, "word/styles.xml"), "<w:styles/>");
    assert_eq!(log.slots().count(), 3);
    assert!(matches!(&log.entries[3], LogEntry::Left { placeholder, .. } if placeholder == "XX"));
}

#[test]
fn docx_footnotes_are_filled_and_comments_left_alone() {
    let (_, report) = compute(&province());
    let catalogue = Catalogue::default();
    let ctx = FillContext::new(&report, &catalogue, &ReportScope::parse("粤07").unwrap()).unwrap();
    let w = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";
    let document = format!("<w:document {w}><w:body><w:p><w:r><w:t>正文。</w:t></w:r></w:p></w:body></w:document>");
    let note = |n: &str| {
        format!(
            "<w:footnotes {w}><w:footnote w:id=\"1\"><w:p><w:r><w:t>注：全市法院共受理案件{n}件。</w:t></w:r></w:p></w:footnote></w:footnotes>"
        )
    };
    let comment = format!(
        "<w:comments {w}><w:comment w:id=\"0\"><w:p><w:r><w:t>受理案件XX件请核对</w:t></w:r></w:p></w:comment></w:comments>"
    );
    let input = docx_with_parts(&document, &[("word/footnotes.xml", &note("XX")), ("word/comments.xml", &comment)]);
    let (out, log) = fill_docx(&input, &ctx, &FillConfig::default()).unwrap();
    // 粤07 accepted 8 (see the seed test).
    assert_eq!(part(&out, "word/footnotes.xml"), note("8"));
    assert_eq!(part(&out, "word/comments.xml"), comment);
    assert_eq!(log.slots().count(), 1);
}

#[test]
fn a_file_that_is_not_a_docx_is_refused() {
    let (_, report) = compute(&province());
    let catalogue = Catalogue::default();
    let ctx = FillContext::new(&report, &catalogue, &ReportScope::parse("粤07").unwrap()).unwrap();
    let err = fill_docx(b"plain text", &ctx, &FillConfig::default()).unwrap_err();
    assert!(matches!(err, ReportError::BadDocx(_)), "{err}");
}

// ---------------------------------------------------------------------------------------
// The bulletin.

fn bulletin() -> Bulletin {
    let facts = province();
    let (snapshot, report) = compute(&facts);
    let catalogue = Catalogue::default();
    let scope = ReportScope::parse("粤07").unwrap();
    let mut actions = ActionListBuilder::new(scope.clone(), period().to(), &catalogue);
    for f in &facts {
        actions.push(f);
    }
    let months = monthly_series(&snapshot, period(), &catalogue, &scope);
    Bulletin::build(&report, &catalogue, &scope, &months, &actions.finish(), &BulletinOptions::new(d("2024-07-05")))
        .unwrap()
}

fn golden(name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name);
    #[allow(clippy::disallowed_methods)] // UPDATE_GOLDEN=1 rewrites the golden files.
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    if update {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} missing: run with UPDATE_GOLDEN=1", path.display()));
    assert_eq!(actual, expected, "{name} differs (UPDATE_GOLDEN=1 rewrites it)");
}

#[test]
fn bulletin_figures_are_the_hand_worked_ones() {
    let b = bulletin();
    assert_eq!(b.title, "江海市法院审判执行质效通报");
    assert_eq!(
        b.overview[0],
        "2024年1月1日至2024年6月30日，江海市法院共受理案件8件，其中新收7件、旧存1件；审执结6件，未结2件。与去年同期相比，受理案件增长60.00%，审执结案件增长100.00%。"
    );
    assert!(b.overview[1].contains("结收比85.71%，同比提高25.71个百分点，高于全省平均水平3.90个百分点"));
    assert!(b.overview[1].contains("结案率75.00%，同比提高15.00个百分点，与全省平均水平持平"));
    // 执结率 66.67 % against 80 % (P' 1 of 2 closed by 6-30 = 50 % → +16.67).
    assert!(b.overview[2].contains("执结率66.67%，同比提高16.67个百分点，低于全省平均水平13.33个百分点"));
    // 2.00 亿元 against 1.00 亿元 → +100 %.
    assert!(b.overview[2].contains("执行到位金额2.00亿元，同比增长100.00%"));
    // Monthly trend: filed Jan 3 (民初1号, 民初1号 of 西城, 执1号), Feb 2, Mar 2 → 7 in all.
    let filed: Vec<f64> = b.trend.series[0].1.iter().map(|v| v.unwrap()).collect();
    assert_eq!(filed, [3.0, 2.0, 2.0, 0.0, 0.0, 0.0]);
    // Pending at June's end = 2 = the period's pending.
    assert_eq!(b.trend.series[2].1[5], Some(2.0));
    // Annex tables: 全市 then 东城, 西城; rows start with 受理 8, 去年同期 5, +60.00%, and the
    // 全省 column blank for a count (a total is not compared); no 区间 column without intervals.
    assert_eq!(b.tables.len(), 3);
    assert_eq!(b.tables[0].rows[1], ["受理", "8", "5", "+60.00%", ""]);
    assert_eq!(b.tables[0].rows[0], ["指标", "本期", "去年同期", "同比", "全省"]);
    // 结收比 row: the province's 81.82 % is there (9 of 11).
    assert_eq!(b.tables[0].rows[6], ["结收比", "85.71%", "60.00%", "+25.71个百分点", "81.82%"]);
    // 表1 compares the courts. 西城 (粤0704): accepted 3 (民初1号, 执1号, 执2号), closed 2 →
    // 66.67 %; filed 3 → 结收比 66.67 %; its one trial closing took 121 days (01-05 → 05-05);
    // no pending trial case → 超12个月未结案件比 undefined; 执结率 1 of 2 = 50 %. 全市: 8, 6,
    // 75 %, 6/7, 100 %, (92 + 60 + 60 + 121) / 4 = 83.25 days, 0 of 1 pending trial case over
    // 12 months, 执结率 2/3. No case has an applied amount: 执行到位率 undefined.
    let t = &b.comparison_table;
    assert_eq!(t.rows[2], ["2", "西城区", "3", "2", "66.67%", "66.67%", "100.00%", "121.00", "—", "50.00%", "—"]);
    assert_eq!(t.rows[3], ["", "全市", "8", "6", "75.00%", "85.71%", "100.00%", "83.25", "0.00%", "66.67%", "—"]);
    // Worse than 全市: 西城's 结案率, 结收比, 平均审理天数 and 执结率 (columns 4, 5, 7, 9).
    let mut flagged = t.flagged.clone();
    flagged.sort();
    assert_eq!(flagged, [(2, 4), (2, 5), (2, 7), (2, 9)]);
    assert_eq!(
        b.named,
        [
            "结案率低于全市平均水平（75.00%）的有：西城区。",
            "结收比低于全市平均水平（85.71%）的有：西城区。",
            "平均审理天数高于全市平均水平（83.25）的有：西城区。",
            "执结率低于全市平均水平（66.67%）的有：西城区。",
        ]
    );
    // The 公文 parts: 报头 with the period's month as the issue, the issuing office, 版记.
    assert_eq!(b.masthead.issue, "第6期");
    assert_eq!(b.masthead.office, "江海市法院审判管理办公室");
    assert_eq!(b.distribution.copy_to, "各审判业务部门，各基层人民法院");
    assert!(!b.title.contains("合成演示数据"));
    // Action lists on 2024-06-30: 民初3号 (filed 03-01, 6-month limit to 09-01) is not over its
    // limit; 执2号 (filed 03-01, 6 months) neither; nothing is over 12 months.
    assert_eq!(b.action_lists[0].total, 0);
    assert_eq!(b.action_lists[1].total, 0);
}

#[test]
fn a_city_alone_in_the_data_is_not_set_against_the_province() {
    // Only 粤07's cases: "全省" would be 粤07 itself, so the bulletin has no province column
    // and no 高于/低于全省 phrase.
    let facts: Vec<CaseFacts> = province().into_iter().filter(|f| f.case_number.as_str().contains("粤07")).collect();
    let (snapshot, report) = compute(&facts);
    let catalogue = Catalogue::default();
    let scope = ReportScope::parse("粤07").unwrap();
    let actions = ActionListBuilder::new(scope.clone(), period().to(), &catalogue).finish();
    let months = monthly_series(&snapshot, period(), &catalogue, &scope);
    let b = Bulletin::build(&report, &catalogue, &scope, &months, &actions, &BulletinOptions::new(d("2024-07-05")))
        .unwrap();
    assert_eq!(b.tables[0].rows[1], ["受理", "8", "5", "+60.00%"]);
    assert!(b.tables.iter().all(|t| t.rows[0] == ["指标", "本期", "去年同期", "同比"]), "no 全省 column");
    assert!(b.overview.iter().all(|p| !p.contains("全省平均水平")), "{:?}", b.overview);
}

#[test]
fn action_lists_hold_the_cases_behind_the_indicators() {
    let mut facts = province();
    // A 民初 case filed 2023-05-01, still open: 6-month limit ended 2023-11-01 (超审限); over
    // 12 months on 2024-06-30 since 2024-05-01 < 2024-06-30; age 426 days (2023-05-01 →
    // 2024-06-30: 245 days to 2024-01-01 + 181).
    facts.push(case("(2023)粤0704民初9号", "2023-05-01", None, "王五"));
    let catalogue = Catalogue::default();
    let mut actions = ActionListBuilder::new(ReportScope::parse("粤07").unwrap(), d("2024-06-30"), &catalogue);
    for f in &facts {
        actions.push(f);
    }
    let lists = actions.finish();
    assert_eq!(lists.over_limit.len(), 1);
    assert_eq!(lists.over_12m.len(), 1);
    let row = &lists.over_12m[0];
    assert_eq!(row.case_number, "（2023）粤0704民初9号");
    assert_eq!(row.judge.as_deref(), Some("王五"));
    assert_eq!(row.age_days, 426);
    assert_eq!(lists.over_limit[0].deadline, Some(d("2023-11-01")));
    // The same count as the engine's pending_over_12m.
    let (_, report) = compute(&facts);
    let city = report.group(&ReportScope::parse("粤07").unwrap().key).unwrap();
    assert_eq!(city.value(xiezhi_metrics::IndicatorId::PendingOver12m), &xiezhi_metrics::Value::Count(1));
}

#[test]
fn bulletin_html_is_self_contained_and_matches_its_golden_file() {
    let page = String::from_utf8(html::write(&bulletin())).unwrap();
    for forbidden in ["http:", "https:", "<script", "<link", "src=", "url(", "@import"] {
        assert!(!page.contains(forbidden), "the page contains {forbidden}");
    }
    golden("bulletin.html.golden", &page);
}

#[test]
fn bulletin_docx_document_xml_matches_its_golden_file() {
    let b = bulletin();
    golden("bulletin.document.xml.golden", &docx::document_xml(&b, true));
    // The package: fonts named by the styles, A4 section, page number field in the footer.
    let bytes = docx::write(&b, &docx::DocxFonts::default(), &[]).unwrap();
    let styles = part(&bytes, "word/styles.xml");
    assert!(styles.contains("w:eastAsia=\"仿宋\""));
    assert!(part(&bytes, "word/document.xml").contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"));
    assert!(part(&bytes, "word/footer1.xml").contains(" PAGE "));
    // Without chart images the note stands in their place.
    assert!(part(&bytes, "word/document.xml").contains(docx::NO_CHART_NOTE));
}

#[test]
fn bulletin_xlsx_has_native_charts() {
    let bytes = xlsx::write(&bulletin()).unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let charts = (0..archive.len())
        .filter(|&i| archive.by_index(i).unwrap().name().unwrap().starts_with("xl/charts/chart"))
        .count();
    assert_eq!(charts, 2);
}

#[test]
fn charts_are_drawn_with_a_cjk_font_or_refused() {
    let b = bulletin();
    match ChartFonts::load(None, true) {
        Ok(fonts) => {
            let png = fonts.render_png(&b.trend, 1.0).unwrap();
            assert_eq!(&png[1..4], b"PNG");
        }
        Err(e) => assert!(matches!(e, ReportError::NoCjkFont), "{e}"),
    }
    // No font at all: refused, never boxes.
    let err = ChartFonts::from_data(Vec::new()).unwrap_err();
    assert!(matches!(err, ReportError::NoCjkFont));
}
