//! The indicator catalogue (指标目录): per-id metadata read from TOML. The default ships embedded
//! (`default_catalogue.toml`); a court overrides it with its own TOML, field by field.

use std::sync::LazyLock;

use serde::Deserialize;
use xiezhi_domain::{AverageWage, Date, Scope, TriageRules, TypeCode};

use crate::error::MetricsError;
use crate::indicator::{Direction, IndicatorId, Unit};
use crate::report::Roster;
use crate::snapshot::GroupKey;
use xiezhi_domain::{CourtCode, CourtLevel};

const DEFAULT_TOML: &str = include_str!("default_catalogue.toml");

/// Whether a definition is the SPC's or the platform's own (shown as **[ours]** in the product).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Official,
    Ours,
}

/// A reference interval (区间参考值) [low, high], both ends inclusive: values inside are 达标.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceInterval {
    pub low: f64,
    pub high: f64,
    /// Where the interval comes from (e.g. a court's 考核办法).
    pub source: String,
    /// The interval applies to periods ending on or after this day.
    pub valid_from: Date,
}

/// Where a value stands against its reference interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Band {
    Below,
    /// 达标.
    Inside,
    Above,
}

/// A set of type codes, one bit per [`TypeCode::index`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TypeMask([u64; 4]);

impl TypeMask {
    pub fn contains(self, index: u8) -> bool {
        self.0[usize::from(index >> 6)] >> (index & 63) & 1 == 1
    }

    fn insert(&mut self, index: u8) {
        self.0[usize::from(index >> 6)] |= 1 << (index & 63);
    }

    fn remove(&mut self, index: u8) {
        self.0[usize::from(index >> 6)] &= !(1 << (index & 63));
    }
}

/// One catalogue entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: IndicatorId,
    /// 中文名称.
    pub name: String,
    /// 口径: the formula and scope in Chinese, as users read it.
    pub definition: String,
    /// 质量 / 效率 / 效果.
    pub group: String,
    pub direction: Direction,
    /// The case scope the formula runs over.
    pub scope: Scope,
    /// Type codes removed from the scope (local rules, e.g. 执保 and 执恢 for 人均结案).
    pub exclude_types: Vec<TypeCode>,
    pub unit: Unit,
    pub source: Source,
    /// A remark shown beside the entry (e.g. what is ours about it).
    pub note: Option<String>,
    pub reference: Option<ReferenceInterval>,
}

impl Entry {
    /// The type codes this entry's formula counts.
    pub fn mask(&self) -> TypeMask {
        let mut mask = TypeMask::default();
        for code in TypeCode::all() {
            if self.scope.contains(code) {
                mask.insert(code.index());
            }
        }
        for code in &self.exclude_types {
            mask.remove(code.index());
        }
        mask
    }

    /// Where `value` stands against the reference interval, when one applies to a period
    /// ending on `as_of`. No interval, or one not yet valid, gives `None`.
    pub fn band(&self, value: f64, as_of: Date) -> Option<Band> {
        let reference = self.reference.as_ref().filter(|r| r.valid_from <= as_of)?;
        Some(if value < reference.low {
            Band::Below
        } else if value > reference.high {
            Band::Above
        } else {
            Band::Inside
        })
    }
}

/// Every indicator's metadata, indexed in [`IndicatorId::ALL`] order.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalogue {
    entries: Vec<Entry>,
    /// 员额法官名册: the configured number of judges per group (`[[roster]]` in the TOML); it
    /// replaces J of closed_per_judge where given.
    roster: Roster,
    /// 繁简分流 rules (`[triage]`).
    triage: TriageRules,
    /// 指定分案 reason codes (`[assignment]`).
    reason_codes: Vec<ReasonCode>,
}

/// 指定分案理由 one reason a manager may give for designating a judge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonCode {
    pub code: String,
    /// Whether a designation with this code must carry a note (其他).
    pub needs_note: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    indicator: Vec<RawEntry>,
    #[serde(default)]
    roster: Vec<RawRoster>,
    triage: Option<RawTriage>,
    assignment: Option<RawAssignment>,
}

/// `[triage] simple_causes = [...]` and `[[triage.average_wage]] province year yuan`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTriage {
    simple_causes: Option<Vec<String>>,
    #[serde(default)]
    average_wage: Vec<RawWage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWage {
    province: String,
    year: i32,
    yuan: toml::Value,
}

/// `[assignment] reason_codes = [...] needs_note = [...]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssignment {
    reason_codes: Option<Vec<String>>,
    needs_note: Option<Vec<String>>,
}

impl RawTriage {
    /// Lays these lines over `rules`: a list of causes replaces the list; each wage line sets
    /// its province and year.
    fn apply(self, rules: &mut TriageRules) -> Result<(), MetricsError> {
        if let Some(causes) = self.simple_causes {
            rules.simple_causes = causes.into_iter().map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect();
        }
        for line in self.average_wage {
            let id = format!("triage.average_wage {} {}", line.province, line.year);
            let problem = |p: &str| MetricsError::CatalogueEntry { id: id.clone(), problem: p.to_owned() };
            let mut chars = line.province.trim().chars();
            let province = match (chars.next(), chars.next()) {
                (Some(c), None) if xiezhi_domain::PROVINCE_ABBREVIATIONS.contains(&c) => c,
                _ => return Err(problem("province must be one abbreviation (粤)")),
            };
            if !(1990..=2200).contains(&line.year) {
                return Err(problem("year out of range"));
            }
            let text = match &line.yuan {
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::String(s) => s.clone(),
                _ => return Err(problem("yuan must be a number")),
            };
            let amount = xiezhi_domain::Amount::parse(&text, false)
                .ok()
                .filter(|a| a.ten_thousandths() > 0)
                .ok_or_else(|| problem("yuan must be a positive amount"))?;
            rules.set_wage(AverageWage { province, year: line.year, amount });
        }
        Ok(())
    }
}

impl RawAssignment {
    fn apply(self, codes: &mut Vec<ReasonCode>) -> Result<(), MetricsError> {
        if let Some(list) = self.reason_codes {
            let mut seen = std::collections::HashSet::new();
            *codes = list
                .into_iter()
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty() && seen.insert(c.clone()))
                .map(|code| ReasonCode { code, needs_note: false })
                .collect();
            if codes.is_empty() {
                return Err(MetricsError::CatalogueEntry {
                    id: "assignment.reason_codes".into(),
                    problem: "at least one reason code".into(),
                });
            }
        }
        if let Some(needs) = self.needs_note {
            for code in codes.iter_mut() {
                code.needs_note = false;
            }
            for n in needs {
                let entry =
                    codes.iter_mut().find(|c| c.code == n.trim()).ok_or_else(|| MetricsError::CatalogueEntry {
                        id: "assignment.needs_note".into(),
                        problem: format!("{n:?} is not one of reason_codes"),
                    })?;
                entry.needs_note = true;
            }
        }
        Ok(())
    }
}

/// `[[roster]] kind = "court" code = "粤0703" judges = 45`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoster {
    kind: String,
    code: String,
    judges: u32,
}

impl RawRoster {
    /// The group this line configures: `court` (法院) any court code, `city` (全市) a 中院 code,
    /// `province` (全省) a 高院 code.
    fn key(&self) -> Result<GroupKey, MetricsError> {
        let problem =
            |p: String| MetricsError::CatalogueEntry { id: format!("roster {} {}", self.kind, self.code), problem: p };
        let code = CourtCode::parse(self.code.trim()).ok_or_else(|| problem("not a court code".to_owned()))?;
        let (key, level) = match self.kind.trim() {
            "court" | "法院" => (GroupKey::Court(code), None),
            "city" | "全市" => (GroupKey::City(code), Some(CourtLevel::Intermediate)),
            "province" | "全省" => (GroupKey::Province(code), Some(CourtLevel::High)),
            other => return Err(problem(format!("kind {other:?} is not court, city or province"))),
        };
        match level {
            Some(level) if code.level() != level => {
                Err(problem(format!("a {} roster is keyed by its {} code", self.kind, level_words(level))))
            }
            _ => Ok(key),
        }
    }
}

fn level_words(level: CourtLevel) -> &'static str {
    match level {
        CourtLevel::Intermediate => "中院 (e.g. 粤07)",
        CourtLevel::High => "高院 (e.g. 粤)",
        _ => "court",
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: String,
    name: Option<String>,
    definition: Option<String>,
    group: Option<String>,
    direction: Option<String>,
    scope: Option<String>,
    exclude_types: Option<Vec<String>>,
    unit: Option<String>,
    source: Option<String>,
    note: Option<String>,
    reference: Option<RawReference>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReference {
    low: f64,
    high: f64,
    source: String,
    valid_from: String,
}

static BUILTIN: LazyLock<Catalogue> =
    LazyLock::new(|| Catalogue::from_default_and(DEFAULT_TOML).expect("the embedded catalogue is valid"));

impl Default for Catalogue {
    /// The embedded v1 catalogue (no reference intervals).
    fn default() -> Catalogue {
        Catalogue::builtin().clone()
    }
}

impl Catalogue {
    /// The embedded v1 catalogue, parsed once.
    pub fn builtin() -> &'static Catalogue {
        &BUILTIN
    }

    /// The default catalogue with a court's TOML laid over it: every `[[indicator]]` of
    /// `text` names an existing id and replaces the fields it gives.
    pub fn from_toml_str(text: &str) -> Result<Catalogue, MetricsError> {
        let mut catalogue = Catalogue::default();
        catalogue.apply(text)?;
        Ok(catalogue)
    }

    fn from_default_and(text: &str) -> Result<Catalogue, MetricsError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| MetricsError::CatalogueSyntax(e.to_string()))?;
        let mut slots: Vec<Option<Entry>> = vec![None; IndicatorId::ALL.len()];
        for raw_entry in raw.indicator {
            let id = parse_id(&raw_entry.id)?;
            let problem = |p: &str| MetricsError::CatalogueEntry { id: raw_entry.id.clone(), problem: p.to_owned() };
            let mut entry = Entry {
                id,
                name: raw_entry.name.clone().ok_or_else(|| problem("missing name"))?,
                definition: raw_entry.definition.clone().ok_or_else(|| problem("missing definition (口径)"))?,
                group: raw_entry.group.clone().ok_or_else(|| problem("missing group"))?,
                direction: Direction::None,
                scope: Scope::All,
                exclude_types: Vec::new(),
                unit: id.unit(),
                source: Source::Official,
                note: None,
                reference: None,
            };
            for field in ["direction", "scope", "unit", "source"] {
                let present = match field {
                    "direction" => raw_entry.direction.is_some(),
                    "scope" => raw_entry.scope.is_some(),
                    "unit" => raw_entry.unit.is_some(),
                    _ => raw_entry.source.is_some(),
                };
                if !present {
                    return Err(problem(&format!("missing {field}")));
                }
            }
            merge_into(&mut entry, raw_entry)?;
            slots[id.index()] = Some(entry);
        }
        let entries = slots
            .into_iter()
            .zip(IndicatorId::ALL)
            .map(|(slot, id)| {
                slot.ok_or_else(|| MetricsError::CatalogueEntry { id: id.to_string(), problem: "missing".into() })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut catalogue =
            Catalogue { entries, roster: Roster::new(), triage: TriageRules::default(), reason_codes: Vec::new() };
        for line in raw.roster {
            catalogue.roster.insert(line.key()?, line.judges);
        }
        if let Some(t) = raw.triage {
            t.apply(&mut catalogue.triage)?;
        }
        if let Some(a) = raw.assignment {
            a.apply(&mut catalogue.reason_codes)?;
        }
        Ok(catalogue)
    }

    /// Lays a court's TOML over this catalogue (see [`Catalogue::from_toml_str`]).
    pub fn apply(&mut self, text: &str) -> Result<(), MetricsError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| MetricsError::CatalogueSyntax(e.to_string()))?;
        for raw_entry in raw.indicator {
            let id = parse_id(&raw_entry.id)?;
            merge_into(&mut self.entries[id.index()], raw_entry)?;
        }
        for line in raw.roster {
            self.roster.insert(line.key()?, line.judges);
        }
        if let Some(t) = raw.triage {
            t.apply(&mut self.triage)?;
        }
        if let Some(a) = raw.assignment {
            a.apply(&mut self.reason_codes)?;
        }
        self.check_count_identities()
    }

    /// The counts that add up (accepted = carried_over + filed, pending = accepted − closed)
    /// must count the same cases: a court changes their scope together or not at all.
    fn check_count_identities(&self) -> Result<(), MetricsError> {
        use IndicatorId::*;
        let families: [&[IndicatorId]; 3] = [
            &[Filed, CarriedOver, Accepted, Closed, Pending],
            &[TrialFiled, TrialClosed, TrialPending],
            &[EnfFiled, EnfCarriedOver, EnfAccepted, EnfClosed, EnfPending],
        ];
        for family in families {
            let first = self.entry(family[0]);
            if let Some(other) = family[1..]
                .iter()
                .map(|id| self.entry(*id))
                .find(|e| e.scope != first.scope || e.exclude_types != first.exclude_types)
            {
                let ids: Vec<&str> = family.iter().map(|id| id.as_str()).collect();
                return Err(MetricsError::CatalogueEntry {
                    id: other.id.as_str().to_owned(),
                    problem: format!(
                        "{} must share one scope and exclude_types (accepted = carried_over + filed): change them together",
                        ids.join(", ")
                    ),
                });
            }
        }
        Ok(())
    }

    /// The configured judge roster (empty unless the court's TOML has `[[roster]]` lines).
    pub fn roster(&self) -> &Roster {
        &self.roster
    }

    /// 繁简分流 rules: simple 案由 and average wages by province and year.
    pub fn triage(&self) -> &TriageRules {
        &self.triage
    }

    /// 指定分案 reason codes, in the configured order.
    pub fn reason_codes(&self) -> &[ReasonCode] {
        &self.reason_codes
    }

    /// The reason code `code`, if configured.
    pub fn reason_code(&self, code: &str) -> Option<&ReasonCode> {
        self.reason_codes.iter().find(|c| c.code == code.trim())
    }

    /// The entry of `id`.
    pub fn entry(&self, id: IndicatorId) -> &Entry {
        &self.entries[id.index()]
    }

    /// Every entry, in [`IndicatorId::ALL`] order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}

fn parse_id(text: &str) -> Result<IndicatorId, MetricsError> {
    IndicatorId::from_str_id(text).ok_or_else(|| MetricsError::UnknownIndicator(text.to_owned()))
}

fn merge_into(entry: &mut Entry, raw: RawEntry) -> Result<(), MetricsError> {
    let problem = |p: String| MetricsError::CatalogueEntry { id: raw.id.clone(), problem: p };
    if let Some(name) = raw.name {
        entry.name = name;
    }
    if let Some(group) = raw.group {
        entry.group = group;
    }
    if let Some(direction) = &raw.direction {
        entry.direction = Direction::from_key(direction).ok_or_else(|| problem(format!("direction {direction:?}")))?;
    }
    if let Some(scope) = &raw.scope {
        entry.scope = Scope::from_key(scope).ok_or_else(|| problem(format!("scope {scope:?}")))?;
    }
    if let Some(codes) = &raw.exclude_types {
        entry.exclude_types = codes
            .iter()
            .map(|c| TypeCode::from_text(c).ok_or_else(|| problem(format!("type code {c:?}"))))
            .collect::<Result<_, _>>()?;
    }
    if let Some(unit) = &raw.unit {
        let parsed = Unit::from_key(unit).ok_or_else(|| problem(format!("unit {unit:?}")))?;
        if parsed != entry.id.unit() {
            return Err(problem(format!("unit {unit:?} does not match the formula's {:?}", entry.id.unit().key())));
        }
    }
    if let Some(source) = &raw.source {
        entry.source = match source.as_str() {
            "official" => Source::Official,
            "ours" => Source::Ours,
            _ => return Err(problem(format!("source {source:?}"))),
        };
    }
    if let Some(note) = raw.note {
        entry.note = Some(note);
    }
    if let Some(definition) = raw.definition {
        entry.definition = definition;
    }
    if let Some(r) = raw.reference {
        let valid_from =
            Date::parse_iso(&r.valid_from).map_err(|e| problem(format!("valid_from {:?}: {e}", r.valid_from)))?;
        if r.low.is_nan() || r.high.is_nan() || r.low > r.high {
            return Err(problem(format!("reference interval [{}, {}] is empty", r.low, r.high)));
        }
        entry.reference = Some(ReferenceInterval { low: r.low, high: r.high, source: r.source, valid_from });
    }
    Ok(())
}
