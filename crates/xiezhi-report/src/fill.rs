//! Draft filling (讲话稿数据填充): the placeholders (`XX`, `X`, `XX.X`, full-width `ＸＸ`) of a
//! draft that stand in a recognised phrase are filled from the scope's figures; every other
//! placeholder is left exactly as written and listed with the reason.
//!
//! Recognition is a small phrase grammar, not a list of sentences: within a sentence, an
//! **indicator name** (longest match: 实际执结率 before 执结率, 执行结案 before 结案) makes that
//! indicator current; **modifiers** set what a following number means (同比 / 去年同期 → the
//! year-on-year change, 全省平均 → the difference to the province, 居全省第 → the rank, 分别 →
//! the changes of the two counts just named); the **unit** after the placeholder (件, %,
//! 个百分点, 亿元/万元/元, 天, 位, 个月) must fit. Direction words (增长/下降, 提高/降低, 高于/低于)
//! are rewritten to follow the sign; a zero change becomes 持平.

use std::ops::Range;

use serde_json::{Value as Json, json};
use xiezhi_metrics::{Catalogue, GroupKey, GroupReport, IndicatorId, MetricsReport, Unit, Value};

use crate::bulletin::scaled_two_decimals;
use crate::data::ReportScope;
use crate::error::ReportError;
use crate::format::table_value;
use crate::prose::{
    PER_JUDGE_DECIMALS, Shown, Sign, change_word, difference_change, direction_word, has_province_peers,
    province_difference, relative_change,
};

mod docx;
pub use docx::fill_docx;

/// What the figures come from.
#[derive(Debug, Clone, Copy)]
pub struct FillContext<'a> {
    pub report: &'a MetricsReport,
    pub catalogue: &'a Catalogue,
    pub group: &'a GroupReport,
}

impl<'a> FillContext<'a> {
    /// The context of `scope`; fails when the scope is not in the report or has no case.
    pub fn new(
        report: &'a MetricsReport,
        catalogue: &'a Catalogue,
        scope: &ReportScope,
    ) -> Result<FillContext<'a>, ReportError> {
        Ok(FillContext { report, catalogue, group: scope.group_with_data(report)? })
    }
}

/// Values for non-data placeholders: a phrase as written in the draft (e.g. `XX法院`) and the
/// text that replaces the whole phrase (e.g. `江门法院`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillConfig {
    pub phrases: Vec<(String, String)>,
    /// Decimal places of per-judge figures (法官人均结案) and their changes; default 1.
    pub per_judge_decimals: usize,
    /// A line put before the draft's first paragraph (合成演示数据 when the figures come
    /// from the synthetic demo), and logged as a warning.
    pub marker: Option<String>,
}

impl Default for FillConfig {
    fn default() -> FillConfig {
        FillConfig { phrases: Vec::new(), per_judge_decimals: PER_JUDGE_DECIMALS, marker: None }
    }
}

/// The marker of drafts filled from the synthetic demo.
pub const SYNTHETIC_MARKER: &str = "【合成演示数据 — 非真实案件，数字不得引用】";

/// One line of the log.
#[derive(Debug, Clone, PartialEq)]
pub enum LogEntry {
    /// A data slot that was filled.
    Slot {
        sentence: String,
        /// The indicator id (`period_month` for 前X个月).
        indicator: String,
        /// `value`, `yoy_change`, `province_difference`, `rank`, `comparison` or `month`.
        quantity: &'static str,
        /// The figure (the engine's value; changes in the unit shown).
        value: Json,
        /// The text written in place of the placeholder (and its direction word).
        written: String,
    },
    /// A placeholder left as it is, with the reason (non-data text, or a slot that cannot be
    /// filled; `indicator` says which slot it was).
    Left {
        sentence: String,
        placeholder: String,
        /// The placeholder with a few characters either side (`市委XX届X次`), to find it.
        context: String,
        indicator: Option<String>,
        reason: String,
    },
    /// A phrase replaced from the configuration.
    Configured { sentence: String, phrase: String, written: String },
    /// Something the reader should check; the draft's words are never changed for it: the
    /// draft's subject is not the filled scope (“全市法院…” filled with one court), or its
    /// fixed words say the opposite of the figures (稳步提升 beside a decline).
    Warning { sentence: String, message: String },
}

/// What fill did, in document order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FillLog {
    pub entries: Vec<LogEntry>,
}

impl FillLog {
    /// The JSON form: `{"slots": n, "left": n, "entries": [...]}`.
    pub fn to_json(&self) -> Json {
        let entries: Vec<Json> = self
            .entries
            .iter()
            .map(|e| match e {
                LogEntry::Slot { sentence, indicator, quantity, value, written } => {
                    json!({"kind": "slot", "sentence": sentence, "indicator": indicator,
                    "quantity": quantity, "value": value, "written": written})
                }
                LogEntry::Left { sentence, placeholder, context, indicator, reason } => {
                    json!({"kind": "left", "sentence": sentence, "placeholder": placeholder,
                    "context": context, "indicator": indicator, "reason": reason})
                }
                LogEntry::Configured { sentence, phrase, written } => {
                    json!({"kind": "configured", "sentence": sentence, "phrase": phrase,
                    "written": written})
                }
                LogEntry::Warning { sentence, message } => {
                    json!({"kind": "warning", "sentence": sentence, "message": message})
                }
            })
            .collect();
        json!({
            "slots": self.slots().count(),
            "left": self.entries.iter().filter(|e| matches!(e, LogEntry::Left { .. })).count(),
            "warnings": self.warnings().count(),
            "entries": entries,
        })
    }

    /// The warnings' messages.
    pub fn warnings(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().filter_map(|e| match e {
            LogEntry::Warning { message, .. } => Some(message.as_str()),
            _ => None,
        })
    }

    /// The filled slots.
    pub fn slots(&self) -> impl Iterator<Item = &LogEntry> {
        self.entries.iter().filter(|e| matches!(e, LogEntry::Slot { .. }))
    }

    /// For people: each sentence once, then one line per entry in it, in document order.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mut last_sentence: Option<&str> = None;
        for e in &self.entries {
            let (sentence, line) = match e {
                LogEntry::Slot { sentence, indicator, quantity, value, written } => {
                    (sentence, format!("填入 filled  {indicator} ({quantity}) = {value} → “{written}”"))
                }
                LogEntry::Left { sentence, context, indicator, reason, .. } => (
                    sentence,
                    format!(
                        "保留 left    “{context}”{}: {reason}",
                        indicator.as_ref().map_or(String::new(), |i| format!(" ({i})"))
                    ),
                ),
                LogEntry::Configured { sentence, phrase, written } => {
                    (sentence, format!("配置 set     {phrase} → “{written}”"))
                }
                LogEntry::Warning { sentence, message } => (sentence, format!("注意 warning {message}")),
            };
            if last_sentence != Some(sentence.as_str()) {
                out.push_str(&format!("句 sentence: {sentence}\n"));
                last_sentence = Some(sentence);
            }
            out.push_str("  ");
            out.push_str(&line);
            out.push('\n');
        }
        out
    }
}

/// A replacement of `range` (byte offsets in a paragraph) by `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

/// Applies non-overlapping edits to `text`.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| e.range.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.text);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The encoding a text draft came in; the filled draft goes back in the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    /// UTF-8 with a byte-order mark (Windows Notepad), kept on output.
    Utf8Bom,
    /// GB18030 / GBK, as Chinese Windows saves "ANSI" text.
    Gb18030,
}

/// Decodes a text draft: UTF-8 (with or without BOM) or GB18030, detected.
pub fn decode_text_draft(bytes: &[u8]) -> Result<(String, TextEncoding), ReportError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = std::str::from_utf8(rest).map_err(|_| ReportError::DraftEncoding)?;
        return Ok((text.to_owned(), TextEncoding::Utf8Bom));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), TextEncoding::Utf8));
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok((text.into_owned(), TextEncoding::Gb18030)),
        None => Err(ReportError::DraftEncoding),
    }
}

/// Encodes a filled text draft back in the draft's encoding.
pub fn encode_text_draft(text: &str, encoding: TextEncoding) -> Vec<u8> {
    match encoding {
        TextEncoding::Utf8 => text.as_bytes().to_vec(),
        TextEncoding::Utf8Bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        // GB18030 maps every Unicode character: nothing is lost.
        TextEncoding::Gb18030 => encoding_rs::GB18030.encode(text).0.into_owned(),
    }
}

/// Fills a plain-text or Markdown draft (paragraph = line).
pub fn fill_text(text: &str, ctx: &FillContext<'_>, config: &FillConfig) -> (String, FillLog) {
    let mut log = FillLog::default();
    let mut out = String::with_capacity(text.len() + 256);
    if let Some(marker) = &config.marker {
        out.push_str(marker);
        out.push('\n');
        log.entries.push(LogEntry::Warning {
            sentence: marker.clone(),
            message: format!("填入的数字来自合成演示数据：{marker}"),
        });
    }
    for line in text.split_inclusive('\n') {
        let edits = plan(line, ctx, config, &mut log);
        out.push_str(&apply(line, &edits));
    }
    (out, log)
}

// ---------------------------------------------------------------------------------------
// The phrase grammar.

const NAMES: &[(&str, IndicatorId)] = {
    use IndicatorId::*;
    &[
        ("超12个月未结", PendingOver12m),
        ("超18个月未结", PendingOver18m),
        ("超24个月未结", PendingOver24m),
        ("超36个月未结", PendingOver36m),
        ("实际执结率", ActualExecutionRate),
        ("审限内结案率", OnTimeRate),
        ("整体结案率", ClosureRate),
        ("结案率", ClosureRate),
        ("结收比", ClearanceRate),
        ("执结率", EnfClosureRate),
        ("执行到位金额", RecoveredAmount),
        ("到位金额", RecoveredAmount),
        ("执行到位率", RecoveryRate),
        ("法官人均结案", ClosedPerJudge),
        ("人均结案", ClosedPerJudge),
        ("平均审理天数", AvgDays),
        ("执行新收", EnfFiled),
        ("执行旧存", EnfCarriedOver),
        ("执行受理", EnfAccepted),
        ("执行未结", EnfPending),
        ("执行结案", EnfClosed),
        ("执结", EnfClosed),
        ("审执结", Closed),
        ("结案", Closed),
        ("受理", Accepted),
        ("新收", Filed),
        ("旧存", CarriedOver),
        ("未结", Pending),
    ]
};

/// Words before a value that make it a threshold (`结案超过XX件`), not a figure.
const THRESHOLD_WORDS: [&str; 9] = ["超过", "多于", "高于", "少于", "低于", "不足", "不到", "不少于", "不超过"];

/// Markdown emphasis and code marks that may wrap a figure.
const MARKUP: &[char] = &['*', '_', '`'];

/// Words that may stand alone before a value in a clause without an indicator name, the value
/// then being the indicator of the clause before (`整体结案率同比提高XX个百分点，达到XX%`).
const CONNECTIVES: [&str; 13] =
    ["", "达到", "达", "为", "是", "共", "计", "共计", "合计", "总计", "约", "约为", "分别为"];

const DIRECTION_WORDS: [&str; 13] =
    ["增长", "提高", "上升", "增加", "下降", "降低", "减少", "高于", "低于", "多于", "少于", "延长", "缩短"];

fn is_x(c: char) -> bool {
    c == 'X' || c == 'Ｘ'
}

/// The length in bytes of a placeholder at the start of `s` (`XX`, `X`, `XX.X`), if any.
fn placeholder_len(s: &str) -> Option<usize> {
    let run = |t: &str| -> usize { t.chars().take_while(|c| is_x(*c)).map(char::len_utf8).sum() };
    let first = run(s);
    if first == 0 {
        return None;
    }
    let rest = &s[first..];
    for dot in ['.', '．'] {
        if let Some(after) = rest.strip_prefix(dot) {
            let second = run(after);
            if second > 0 {
                return Some(first + dot.len_utf8() + second);
            }
        }
    }
    Some(first)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    None,
    Yoy,
    Province,
}

/// The unit after a placeholder.
fn unit_after(s: &str) -> Option<&'static str> {
    ["个百分点", "个月", "亿元", "万元", "%", "％", "件", "元", "天", "位", "月"].into_iter().find(|u| s.starts_with(u))
}

struct Sentence<'s> {
    text: &'s str,
    /// Offset of `text` in the paragraph.
    base: usize,
}

struct State {
    current: Option<IndicatorId>,
    mode: Mode,
    /// A slot has used `mode`: the next clause starts without it (`同比提高XX个百分点，达到XX%`).
    mode_used: bool,
    /// Where the current clause (after the last ， ； ：) starts, and whether it names an
    /// indicator: a plain value needs a name in its own clause, or only a connective before it.
    clause_start: usize,
    named_in_clause: bool,
    /// The last direction word since the last comma: (range in the sentence, word).
    direction: Option<(Range<usize>, &'static str)>,
    counts: Vec<IndicatorId>,
    /// Position of 分别 when it was seen after the last count.
    respectively: Option<Range<usize>>,
}

fn names(catalogue: &Catalogue) -> Vec<(String, IndicatorId)> {
    let mut list: Vec<(String, IndicatorId)> = NAMES.iter().map(|(n, id)| ((*n).to_owned(), *id)).collect();
    for e in catalogue.entries() {
        let name = e.name.split([' ', '(', '（']).next().unwrap_or("").to_owned();
        if name.chars().count() >= 3 && !list.iter().any(|(n, _)| *n == name) {
            list.push((name, e.id));
        }
    }
    // Longest first, so that a longer name wins at the same position.
    list.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
    list
}

/// Plans the edits of one paragraph and logs them.
pub fn plan(paragraph: &str, ctx: &FillContext<'_>, config: &FillConfig, log: &mut FillLog) -> Vec<Edit> {
    let lexicon = names(ctx.catalogue);
    let mut edits = Vec::new();
    let mut start = 0;
    for (i, c) in paragraph.char_indices() {
        if matches!(c, '。' | '！' | '？' | '!' | '?') || i + c.len_utf8() == paragraph.len() {
            let end = i + c.len_utf8();
            let sentence = Sentence { text: &paragraph[start..end], base: start };
            let first_entry = log.entries.len();
            plan_sentence(&sentence, ctx, config, &lexicon, log, &mut edits);
            check_sentence(sentence.text, ctx, first_entry, log);
            start = end;
        }
    }
    edits
}

/// Subjects a draft may write, and the scopes they fit.
const SUBJECTS: [(&str, &str); 3] = [("全省法院", "province"), ("全市法院", "city"), ("全市两级法院", "city")];

/// Fixed words that say the figures improved.
const IMPROVEMENT_WORDS: [&str; 8] =
    ["稳步提升", "持续提升", "明显提升", "大幅提升", "不断提高", "稳中有升", "持续向好", "显著提高"];

/// Warnings for one sentence (after its slots were planned from `first_entry` on): a subject
/// that is not the filled scope (once per draft), and improvement words beside a worsening.
fn check_sentence(text: &str, ctx: &FillContext<'_>, first_entry: usize, log: &mut FillLog) {
    let sentence = text.trim().to_owned();
    let scope_kind = match &ctx.group.key {
        GroupKey::Province(_) => "province",
        GroupKey::City(_) => "city",
        GroupKey::Court(_) | GroupKey::Judge { .. } => "court",
    };
    let warned_scope =
        log.entries.iter().any(|e| matches!(e, LogEntry::Warning { message, .. } if message.starts_with("主语")));
    if !warned_scope
        && let Some((subject, _)) = SUBJECTS.iter().find(|(s, kind)| text.contains(*s) && *kind != scope_kind)
    {
        let scope = match &ctx.group.key {
            GroupKey::Judge { court, judge } => format!("{court} {judge}"),
            GroupKey::Province(c) | GroupKey::City(c) | GroupKey::Court(c) => c.to_string(),
        };
        log.entries.push(LogEntry::Warning {
            sentence: sentence.clone(),
            message: format!(
                "主语“{subject}”与填数范围{scope}（{}）不符：数字是{scope}的，请核对范围或改写主语",
                scope_words(&ctx.group.key)
            ),
        });
    }
    let Some(word) = IMPROVEMENT_WORDS.iter().find(|w| text.contains(**w)) else { return };
    let worse: Vec<String> = log.entries[first_entry..]
        .iter()
        .filter_map(|e| match e {
            LogEntry::Slot { indicator, quantity: "yoy_change", value, .. } => {
                let id = IndicatorId::from_str_id(indicator)?;
                let change = value.as_f64()?;
                let worse = match ctx.catalogue.entry(id).direction {
                    xiezhi_metrics::Direction::Higher => change < 0.0,
                    xiezhi_metrics::Direction::Lower => change > 0.0,
                    xiezhi_metrics::Direction::None => false,
                };
                worse.then(|| ctx.catalogue.entry(id).name.clone())
            }
            _ => None,
        })
        .collect();
    if !worse.is_empty() {
        log.entries.push(LogEntry::Warning {
            sentence,
            message: format!("原文“{word}”与数据不符：{}同比变差；原文未改动，请核对措辞", worse.join("、")),
        });
    }
}

fn plan_sentence(
    s: &Sentence<'_>,
    ctx: &FillContext<'_>,
    config: &FillConfig,
    lexicon: &[(String, IndicatorId)],
    log: &mut FillLog,
    edits: &mut Vec<Edit>,
) {
    let text = s.text;
    let sentence_text = text.trim().to_owned();
    let mut st = State {
        current: None,
        mode: Mode::None,
        mode_used: false,
        clause_start: 0,
        named_in_clause: false,
        direction: None,
        counts: Vec::new(),
        respectively: None,
    };
    let mut i = 0;
    'scan: while i < text.len() {
        let rest = &text[i..];
        // Configured phrases.
        for (phrase, value) in &config.phrases {
            if !phrase.is_empty() && rest.starts_with(phrase.as_str()) {
                edits.push(Edit { range: s.base + i..s.base + i + phrase.len(), text: value.clone() });
                log.entries.push(LogEntry::Configured {
                    sentence: sentence_text.clone(),
                    phrase: phrase.clone(),
                    written: value.clone(),
                });
                i += phrase.len();
                continue 'scan;
            }
        }
        if let Some(len) = placeholder_len(rest) {
            let preceded_by_letter = text[..i].chars().next_back().is_some_and(|c| c.is_ascii_alphabetic());
            if !preceded_by_letter {
                i = placeholder(s, i, len, ctx, config, &mut st, log, edits, &sentence_text);
                continue;
            }
        }
        // 超12个月未结案件XX件，占未结（审判）案件的XX%: the share is over_12m_ratio.
        if let Some(share) = ["占未结审判案件的", "占未结审判案件", "占未结案件的", "占未结案件", "占全部未结案件的"]
            .iter()
            .find(|p| rest.starts_with(**p))
        {
            st.current = match st.current {
                Some(IndicatorId::PendingOver12m) => Some(IndicatorId::Over12mRatio),
                _ => None,
            };
            st.mode = Mode::None;
            st.named_in_clause = st.current.is_some();
            i += share.len();
            continue;
        }
        if let Some((name, id)) = lexicon.iter().find(|(n, _)| rest.starts_with(n.as_str())) {
            st.current = Some(*id);
            st.mode = Mode::None;
            st.mode_used = false;
            st.named_in_clause = true;
            st.direction = None;
            if matches!(id.unit(), Unit::Count | Unit::Amount) {
                st.counts.push(*id);
                st.respectively = None;
            }
            i += name.len();
            continue;
        }
        if rest.starts_with("同比") || rest.starts_with("去年同期") {
            st.mode = Mode::Yoy;
            st.mode_used = false;
        } else if rest.starts_with("全省平均") {
            st.mode = Mode::Province;
            st.mode_used = false;
            // 高于全省平均水平 with no number: only the comparison word.
            let after = rest.strip_prefix("全省平均水平").or_else(|| rest.strip_prefix("全省平均")).unwrap_or("");
            if placeholder_len(after).is_none()
                && let Some((range, _)) = st.direction.clone()
            {
                comparison_word(s, range, i, rest.len() - after.len(), ctx, &st, log, edits, &sentence_text);
                st.direction = None;
                st.mode_used = true;
            }
        } else if rest.starts_with("分别") {
            st.respectively = Some(i..i + "分别".len());
        } else if let Some(word) = DIRECTION_WORDS.iter().find(|w| rest.starts_with(**w)) {
            st.direction = Some((i..i + word.len(), word));
            i += word.len();
            continue;
        } else if let Some(sep) = ['，', ',', '；', ';', '：', ':'].into_iter().find(|c| rest.starts_with(*c)) {
            st.direction = None;
            st.clause_start = i + sep.len_utf8();
            st.named_in_clause = false;
            if st.mode_used {
                st.mode = Mode::None;
                st.mode_used = false;
            }
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
}

#[allow(clippy::too_many_arguments)] // One call site; the grammar state is spelled out.
fn comparison_word(
    s: &Sentence<'_>,
    word: Range<usize>,
    at: usize,
    phrase_len: usize,
    ctx: &FillContext<'_>,
    st: &State,
    log: &mut FillLog,
    edits: &mut Vec<Edit>,
    sentence: &str,
) {
    let Some(id) = st.current else { return };
    match province_difference(ctx.report, ctx.group, id) {
        Ok(shown) => {
            let (range, written) = match direction_word(&s.text[word.clone()], shown.sign) {
                Some(w) => (word, w.to_owned()),
                None => (word.start..at + phrase_len, "与全省平均水平持平".to_owned()),
            };
            edits.push(Edit { range: s.base + range.start..s.base + range.end, text: written.clone() });
            log.entries.push(LogEntry::Slot {
                sentence: sentence.to_owned(),
                indicator: id.as_str().to_owned(),
                quantity: "comparison",
                value: json!(shown.value),
                written,
            });
        }
        Err(reason) => log.entries.push(LogEntry::Left {
            sentence: sentence.to_owned(),
            placeholder: s.text[word.clone()].to_owned(),
            context: context(s.text, word.start..at + phrase_len),
            indicator: Some(id.as_str().to_owned()),
            reason: reason.to_owned(),
        }),
    }
}

/// The figure of a value slot, as officials write it; `Err` with the reason when there is none.
fn value_text(id: IndicatorId, value: &Value, unit: &str, per_judge_decimals: usize) -> Result<String, String> {
    match value {
        Value::Undefined => return Err("指标无定义（分母为0）".to_owned()),
        Value::Unavailable(reason) => return Err(format!("指标不可得：{reason}")),
        _ => {}
    }
    let fits = match id.unit() {
        Unit::Count => unit == "件",
        Unit::PerJudge => unit == "件",
        Unit::Ratio => unit == "%" || unit == "％",
        Unit::Days => unit == "天",
        Unit::Amount => matches!(unit, "亿元" | "万元" | "元"),
        // No draft phrase names 案-件比 with a unit; it is never a slot.
        Unit::PerDispute => false,
    };
    if !fits {
        return Err(format!("单位“{unit}”与指标{}不符", id.as_str()));
    }
    Ok(match (id.unit(), value) {
        (Unit::Amount, Value::Amount(a)) => {
            let divisor: i128 = match unit {
                "亿元" => 1_000_000_000_000,
                "万元" => 100_000_000,
                _ => 10_000,
            };
            let figure = scaled_two_decimals(*a, divisor);
            if figure == "0.00" && *a != 0 {
                return Err(format!("金额不足0.01{unit}，写作0.00{unit}会误导，请改用更小的单位"));
            }
            figure
        }
        (Unit::Ratio, v) => table_value(v, Unit::Ratio).trim_end_matches('%').to_owned(),
        (Unit::Count, v) => table_value(v, Unit::Count),
        (Unit::PerJudge, v) => match v.as_f64() {
            Some(x) => format!("{x:.per_judge_decimals$}"),
            None => table_value(v, Unit::Days),
        },
        (_, v) => table_value(v, Unit::Days),
    })
}

/// `range` of `text` with up to six characters either side, for finding it in the draft.
fn context(text: &str, range: Range<usize>) -> String {
    let before: String = text[..range.start].chars().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect();
    let after: String = text[range.end..].chars().take(6).collect();
    format!("{}{}{}", before.trim_start(), &text[range], after.trim_end())
}

/// Handles the placeholder at `i` (length `len`); returns where scanning goes on.
#[allow(clippy::too_many_arguments)] // The grammar's state is spelled out.
fn placeholder(
    s: &Sentence<'_>,
    i: usize,
    len: usize,
    ctx: &FillContext<'_>,
    config: &FillConfig,
    st: &mut State,
    log: &mut FillLog,
    edits: &mut Vec<Edit>,
    sentence: &str,
) -> usize {
    let text = s.text;
    let ph = &text[i..i + len];
    // Markdown emphasis around the figure (`**XX**件`) stands between it and its words.
    let after_markup = &text[i + len..];
    let after = after_markup.trim_start_matches(MARKUP);
    let markup_after = after_markup.len() - after.len();
    let unit = unit_after(after);
    let before = text[..i].trim_end_matches(MARKUP);
    let unit_end = i + len + markup_after + unit.map_or(0, str::len);
    let left = |log: &mut FillLog, indicator: Option<IndicatorId>, reason: String| {
        log.entries.push(LogEntry::Left {
            sentence: sentence.to_owned(),
            placeholder: ph.to_owned(),
            context: context(text, i..i + len),
            indicator: indicator.map(|id| id.as_str().to_owned()),
            reason,
        });
    };
    let at = |r: Range<usize>| s.base + r.start..s.base + r.end;
    let slot =
        |log: &mut FillLog, edits: &mut Vec<Edit>, id: &str, quantity: &'static str, value: Json, written: String| {
            edits.push(Edit { range: at(i..i + len), text: written.clone() });
            log.entries.push(LogEntry::Slot {
                sentence: sentence.to_owned(),
                indicator: id.to_owned(),
                quantity,
                value,
                written,
            });
        };

    // 今年前X个月 / 1-X月.
    if matches!(unit, Some("个月") | Some("月"))
        && (before.ends_with('前')
            || ["1-", "1－", "1—", "1至", "1~", "1～", "1月至", "1月-"].iter().any(|p| before.ends_with(p)))
    {
        // 前X个月 / 1-X月 means 1 January to the end of month X of one year.
        let (from, to) = (ctx.report.period.from(), ctx.report.period.to());
        let (year, month, day) = to.ymd();
        if from.ymd() != (year, 1, 1) || day != xiezhi_domain::days_in_month(year, month) {
            left(log, None, format!("统计期间{from}至{to}不是自1月1日起的整月，“前X个月”无法表述，请改写该句"));
            return i + len;
        }
        slot(log, edits, "period_month", "month", json!(month), month.to_string());
        return i + len;
    }
    // 截至X月底 / 截止X月末: the month the period ends in.
    if matches!(unit, Some("月")) && (before.ends_with("截至") || before.ends_with("截止")) {
        let to = ctx.report.period.to();
        let (year, month, day) = to.ymd();
        if day != xiezhi_domain::days_in_month(year, month) && after["月".len()..].starts_with(['底', '末']) {
            left(log, None, format!("统计期间截至{to}，不是月底，“截至X月底”无法表述，请改写该句"));
            return i + len;
        }
        slot(log, edits, "period_month", "month", json!(month), month.to_string());
        return i + len;
    }
    let Some(unit) = unit else {
        left(log, None, "不在可识别的数据短语中（非数据占位符）".to_owned());
        return i + len;
    };
    // 居全省第X位.
    if unit == "位" {
        if !before.ends_with("全省第") {
            left(log, None, "不在可识别的数据短语中（非数据占位符）".to_owned());
            return i + len;
        }
        let Some(id) = st.current else {
            left(log, None, "排名前没有可识别的指标名称".to_owned());
            return i + len;
        };
        let rank = match &ctx.group.province {
            None => Err("排名只对全市法院（地级市）在全省各市中计算，本范围无排名".to_owned()),
            Some(_) if !has_province_peers(ctx.report, ctx.group) => {
                Err("数据中本省只有本市一个地级市，无法排名".to_owned())
            }
            Some(p) => p.rank[id.index()].ok_or_else(|| {
                if ctx.catalogue.entry(id).direction == xiezhi_metrics::Direction::None {
                    "该指标无优劣方向，不排名".to_owned()
                } else {
                    "指标无定义，无排名".to_owned()
                }
            }),
        };
        match rank {
            Ok(r) => slot(log, edits, id.as_str(), "rank", json!(r), r.to_string()),
            Err(reason) => left(log, Some(id), reason),
        }
        return i + len;
    }
    // 分别增长XX%和XX%.
    if (unit == "%" || unit == "％")
        && let Some(resp) = st.respectively.clone()
        && st.counts.len() >= 2
    {
        st.respectively = None;
        let pair = [st.counts[st.counts.len() - 2], st.counts[st.counts.len() - 1]];
        let tail = &text[unit_end..];
        let second = ["和", "、", "与"].iter().find_map(|joiner| {
            let after_joiner = tail.strip_prefix(joiner)?;
            let t = after_joiner.trim_start_matches(MARKUP);
            let l = placeholder_len(t)?;
            let rest = &t[l..];
            let unit_text = rest.trim_start_matches(MARKUP);
            let u = unit_after(unit_text).filter(|u| *u == "%" || *u == "％")?;
            let start = unit_end + joiner.len() + (after_joiner.len() - t.len());
            Some((start..start + l, start + l + (rest.len() - unit_text.len()) + u.len()))
        });
        let Some((ph2, end2)) = second else {
            left(log, None, "“分别”后未找到第二个占位符".to_owned());
            return i + len;
        };
        let changes = pair.map(|id| relative_change(ctx.group, id));
        if changes.iter().any(Result::is_err) {
            // The pair is written together: both placeholders stay, each with its own reason.
            for (id, change) in pair.into_iter().zip(&changes) {
                let reason = match change {
                    Err(reason) => (*reason).to_owned(),
                    Ok(_) => "与之并列的另一项无法填写，两项均保留".to_owned(),
                };
                left(log, Some(id), reason);
            }
            return end2;
        }
        let [a, b] = changes.map(|c| c.expect("checked above"));
        let dir = st.direction.take();
        let word_of = |sh: &Shown| direction_word(dir.as_ref().map_or("增长", |d| d.1), sh.sign);
        let both_same = a.sign == b.sign && a.sign != Sign::Flat;
        let write_pair = |log: &mut FillLog, texts: [String; 2]| {
            for (k, (id, sh)) in pair.iter().zip([&a, &b]).enumerate() {
                log.entries.push(LogEntry::Slot {
                    sentence: sentence.to_owned(),
                    indicator: id.as_str().to_owned(),
                    quantity: "yoy_change",
                    value: json!(sh.value),
                    written: texts[k].clone(),
                });
            }
        };
        if both_same {
            if let Some((range, _)) = &dir {
                edits.push(Edit { range: at(range.clone()), text: word_of(&a).expect("not flat").to_owned() });
            }
            let first = if dir.is_some() {
                a.figure.clone()
            } else {
                format!("{}{}", word_of(&a).expect("not flat"), a.figure)
            };
            edits.push(Edit { range: at(i..i + len), text: first.clone() });
            edits.push(Edit { range: at(ph2), text: b.figure.clone() });
            write_pair(log, [first, b.figure.clone()]);
        } else {
            let phrase = |sh: &Shown| match word_of(sh) {
                Some(w) => format!("{w}{}%", sh.figure),
                None => "持平".to_owned(),
            };
            let (start, text) = if a.sign == Sign::Flat && b.sign == Sign::Flat {
                (resp.start, "均持平".to_owned())
            } else {
                let start = dir.as_ref().map_or(i, |d| d.0.start);
                (start, format!("{}和{}", phrase(&a), phrase(&b)))
            };
            edits.push(Edit { range: at(start..end2), text: text.clone() });
            write_pair(log, [phrase(&a), phrase(&b)]);
        }
        return end2;
    }
    let Some(id) = st.current else {
        left(log, None, "前面没有可识别的指标名称（非数据占位符）".to_owned());
        return i + len;
    };
    // Changes: 同比提高XX% / XX个百分点, 高于全省平均水平XX个百分点 / XX天.
    if st.mode != Mode::None && matches!(unit, "%" | "％" | "个百分点" | "件" | "天") {
        st.mode_used = true;
        let shown = match (st.mode, unit) {
            (Mode::Yoy, "%" | "％") => relative_change(ctx.group, id),
            (Mode::Yoy, "个百分点") if id.unit() == Unit::Ratio => difference_change(ctx.group, id),
            (Mode::Yoy, "件") if matches!(id.unit(), Unit::Count | Unit::PerJudge) => difference_change(ctx.group, id),
            (Mode::Yoy, "天") if id.unit() == Unit::Days => difference_change(ctx.group, id),
            (Mode::Province, "个百分点") if id.unit() == Unit::Ratio => {
                province_difference(ctx.report, ctx.group, id)
            }
            (Mode::Province, "天") if id.unit() == Unit::Days => province_difference(ctx.report, ctx.group, id),
            (Mode::Province, "件") if id.unit() == Unit::PerJudge => province_difference(ctx.report, ctx.group, id),
            _ => Err("单位与指标不符"),
        };
        let (quantity, default_word, flat_text) = if st.mode == Mode::Yoy {
            ("yoy_change", "增长", "持平")
        } else {
            ("province_difference", "高于", "与全省平均水平持平")
        };
        // Per-judge figures in the configured precision.
        let shown = shown.map(|mut sh| {
            if id.unit() == Unit::PerJudge && unit == "件" {
                sh.figure = format!("{:.*}", config.per_judge_decimals, sh.value.abs());
            }
            sh
        });
        match shown {
            Ok(sh) => {
                let dir = st.direction.take();
                let word = change_word(dir.as_ref().map_or(default_word, |d| d.1), sh.sign, unit);
                match (word, &dir) {
                    (Some(w), Some((range, _))) => {
                        edits.push(Edit { range: at(range.clone()), text: w.to_owned() });
                        slot(log, edits, id.as_str(), quantity, json!(sh.value), sh.figure.clone());
                        if let Some(LogEntry::Slot { written, .. }) = log.entries.last_mut() {
                            *written = format!("{w}{}", sh.figure);
                        }
                    }
                    (Some(w), None) => {
                        slot(log, edits, id.as_str(), quantity, json!(sh.value), format!("{w}{}", sh.figure));
                    }
                    (None, _) => {
                        let start = dir.as_ref().map_or(i, |d| d.0.start);
                        edits.push(Edit { range: at(start..unit_end), text: flat_text.to_owned() });
                        log.entries.push(LogEntry::Slot {
                            sentence: sentence.to_owned(),
                            indicator: id.as_str().to_owned(),
                            quantity,
                            value: json!(sh.value),
                            written: flat_text.to_owned(),
                        });
                        return unit_end;
                    }
                }
            }
            Err(reason) => left(log, Some(id), reason.to_owned()),
        }
        return i + len;
    }
    // “XX名法官结案超过XX件”: a threshold the writer chooses, not a figure of the data.
    if let Some(word) = THRESHOLD_WORDS.iter().find(|w| before.ends_with(**w)) {
        left(log, None, format!("“{word}XX{unit}”是一个门槛值，不是指标数值，保留原文"));
        return i + len;
    }
    let lead = text[st.clause_start.min(i)..i].trim().trim_matches(MARKUP);
    if !st.named_in_clause && !CONNECTIVES.contains(&lead) {
        left(log, None, format!("本分句没有可识别的指标名称（“{lead}”不是指标名称）"));
        return i + len;
    }
    match value_text(id, ctx.group.value(id), unit, config.per_judge_decimals) {
        Ok(figure) => {
            let value = ctx.group.value(id).to_json();
            slot(log, edits, id.as_str(), "value", value, figure);
        }
        Err(reason) => left(log, Some(id), reason),
    }
    i + len
}

/// The scope's group kind in words, for messages.
pub fn scope_words(key: &GroupKey) -> &'static str {
    match key {
        GroupKey::Province(_) => "全省",
        GroupKey::City(_) => "全市法院",
        GroupKey::Court(_) => "法院",
        GroupKey::Judge { .. } => "法官",
    }
}
