//! 类型代字 (case type codes) of 《人民法院案件类型及其代字标准》 and the case classes derived
//! from them (case-facts.md, "Case class").

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

/// Every 类型代字 of the SPC table (domain.md §4.2), in table order.
const TYPE_CODES: &[&str] = &[
    // 01 管辖
    "刑辖",
    "民辖",
    "民辖终",
    "民辖监",
    "行辖",
    "行辖终",
    "赔辖",
    "赔辖终",
    // 02 刑事
    "刑初",
    "刑终",
    "刑监",
    "刑申",
    "刑抗",
    "刑再",
    "刑没",
    "刑核",
    "刑医",
    "刑医解",
    "刑医复",
    "刑医监",
    "刑止",
    "刑止调",
    "刑止核",
    "刑更",
    "刑更监",
    "刑更备",
    "刑他",
    "刑教",
    "刑教解",
    "刑教复",
    "刑教监",
    // 03 民事
    "民初",
    "民终",
    "民监",
    "民申",
    "民抗",
    "民再",
    "民撤",
    "民特",
    "民特监",
    "民催",
    "民督",
    "民督监",
    "民他",
    "民保令",
    "民保更",
    // 04 行政
    "行初",
    "行终",
    "行监",
    "行申",
    "行抗",
    "行再",
    "行审",
    "行审复",
    "行他",
    // 05 国家赔偿与司法救助
    "行赔初",
    "行赔终",
    "行赔监",
    "行赔申",
    "行赔抗",
    "行赔再",
    "行赔他",
    "法赔",
    "委赔",
    "委赔监",
    "赔确监",
    "委赔提",
    "委赔再",
    "赔他",
    "司救刑",
    "司救民",
    "司救行",
    "司救赔",
    "司救执",
    "司救访",
    "司救他",
    // 06 区际司法协助
    "认台",
    "认港",
    "认澳",
    "认复",
    "认他",
    "请台送",
    "请港送",
    "请澳送",
    "台请送",
    "港请送",
    "澳请送",
    "请台调",
    "请港调",
    "请澳调",
    "台请调",
    "港请调",
    "澳请调",
    "请移管",
    "助移管",
    "请移赃",
    "助移赃",
    // 07 国际司法协助
    "协外认",
    "协他",
    "协外送",
    "请外送",
    "协外调",
    "请外调",
    "请外移",
    "协外移",
    "请外引",
    "协外引",
    // 08 司法制裁
    "司惩",
    "司惩复",
    // 09 非诉保全审查
    "财保",
    "行保",
    "行保复",
    "证保",
    // 10 执行
    "执",
    "执恢",
    "执保",
    "执异",
    "执复",
    "执监",
    "执协",
    "执他",
    // 11 强制清算与破产
    "清申",
    "破申",
    "清终",
    "破终",
    "清监",
    "破监",
    "强清",
    "破",
];

static BY_TEXT: LazyLock<HashMap<&'static str, TypeCode>> = LazyLock::new(|| {
    TYPE_CODES
        .iter()
        .enumerate()
        .map(|(i, &code)| (code, TypeCode(u8::try_from(i).expect("fewer than 256 type codes"))))
        .collect()
});

/// Longest code in the table, in characters.
pub(crate) const MAX_TYPE_CODE_CHARS: usize = 3;

/// A 类型代字 from the SPC table, e.g. 民初, 执恢. A one-byte handle into the table.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeCode(u8);

impl TypeCode {
    /// Looks up a code by its exact text.
    pub fn from_text(text: &str) -> Option<TypeCode> {
        BY_TEXT.get(text).copied()
    }

    /// Every code of the table.
    pub fn all() -> impl Iterator<Item = TypeCode> {
        (0..TYPE_CODES.len()).map(|i| TypeCode(i as u8))
    }

    /// The code's text, e.g. `民初`.
    pub fn as_str(self) -> &'static str {
        TYPE_CODES[usize::from(self.0)]
    }

    /// The code's index in the table (stable within a build; used by columnar stores).
    pub fn index(self) -> u8 {
        self.0
    }

    /// The code with this table index.
    pub fn from_index(index: u8) -> Option<TypeCode> {
        (usize::from(index) < TYPE_CODES.len()).then_some(TypeCode(index))
    }

    /// The case class this code belongs to.
    pub fn class(self) -> CaseClass {
        use CaseClass::*;
        match self.as_str() {
            "刑初" => CriminalFirst,
            "民初" => CivilFirst,
            "行初" | "行赔初" => AdminFirst,
            "刑终" | "民终" | "行终" | "行赔终" | "民辖终" | "行辖终" | "清终" | "破终" => Appeal,
            "刑再" | "民再" | "行再" | "行赔再" => Retrial,
            "刑申" | "刑监" | "刑抗" | "民申" | "民监" | "民抗" | "行申" | "行监" | "行抗" | "行赔申" | "行赔监"
            | "行赔抗" => RetrialReview,
            "执" | "执恢" => Enforcement,
            "执保" => PreservationEnforcement,
            "执异" | "执复" | "执监" | "执协" | "执他" => EnforcementReview,
            "财保" | "行保" | "行保复" | "证保" => Preservation,
            "破" | "破申" | "强清" | "清申" | "破监" | "清监" => Bankruptcy,
            _ => Other,
        }
    }
}

impl TypeCode {
    /// Whether a court of `level` files cases of this type (立案): a 基层法院 files no appeal
    /// (…终), 赔偿委员会 cases (委赔…) are decided at a 中院 or above, and 刑核 (死刑复核,
    /// 法定刑以下判处刑罚复核) only at a 高院 or the SPC. Everything else is left to the court.
    pub fn filable_at(self, level: crate::court::CourtLevel) -> bool {
        use crate::court::CourtLevel::*;
        let code = self.as_str();
        match level {
            Basic => !(code.ends_with('终') || code.starts_with("委赔") || code == "刑核"),
            Intermediate => code != "刑核",
            High | Supreme => true,
        }
    }
}

impl fmt::Display for TypeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for TypeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The class of a case, derived from its 类型代字 (never imported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CaseClass {
    /// 刑事一审.
    CriminalFirst,
    /// 民事一审.
    CivilFirst,
    /// 行政一审 (incl. 行政赔偿一审).
    AdminFirst,
    /// 二审 (上诉).
    Appeal,
    /// 再审.
    Retrial,
    /// 再审审查 (申请再审、依职权、抗诉).
    RetrialReview,
    /// 执行实施: 首次执行 执 and 恢复执行 执恢.
    Enforcement,
    /// 财产保全执行 执保.
    PreservationEnforcement,
    /// 执行审查类: 执异 执复 执监 执协 执他.
    EnforcementReview,
    /// 非诉保全审查.
    Preservation,
    /// 强制清算与破产.
    Bankruptcy,
    /// Every other code.
    Other,
}

impl CaseClass {
    pub const ALL: [CaseClass; 12] = [
        CaseClass::CriminalFirst,
        CaseClass::CivilFirst,
        CaseClass::AdminFirst,
        CaseClass::Appeal,
        CaseClass::Retrial,
        CaseClass::RetrialReview,
        CaseClass::Enforcement,
        CaseClass::PreservationEnforcement,
        CaseClass::EnforcementReview,
        CaseClass::Preservation,
        CaseClass::Bankruptcy,
        CaseClass::Other,
    ];

    /// The contract's identifier, e.g. `civil_first`.
    pub fn key(self) -> &'static str {
        use CaseClass::*;
        match self {
            CriminalFirst => "criminal_first",
            CivilFirst => "civil_first",
            AdminFirst => "admin_first",
            Appeal => "appeal",
            Retrial => "retrial",
            RetrialReview => "retrial_review",
            Enforcement => "enforcement",
            PreservationEnforcement => "preservation_enforcement",
            EnforcementReview => "enforcement_review",
            Preservation => "preservation",
            Bankruptcy => "bankruptcy",
            Other => "other",
        }
    }

    /// The Chinese label shown to users.
    pub fn label(self) -> &'static str {
        use CaseClass::*;
        match self {
            CriminalFirst => "刑事一审",
            CivilFirst => "民事一审",
            AdminFirst => "行政一审",
            Appeal => "二审",
            Retrial => "再审",
            RetrialReview => "再审审查",
            Enforcement => "执行实施",
            PreservationEnforcement => "保全执行",
            EnforcementReview => "执行审查",
            Preservation => "非诉保全审查",
            Bankruptcy => "强制清算与破产",
            Other => "其他",
        }
    }

    /// 审判 (trial) cases: every class except the enforcement ones.
    pub fn is_trial(self) -> bool {
        !matches!(self, CaseClass::Enforcement | CaseClass::PreservationEnforcement | CaseClass::EnforcementReview)
    }

    /// 一审 (first instance) cases.
    pub fn is_first_instance(self) -> bool {
        matches!(self, CaseClass::CivilFirst | CaseClass::CriminalFirst | CaseClass::AdminFirst)
    }
}

/// The case scopes of indicators.md ("Scopes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    All,
    Trial,
    FirstInstance,
    CivilFirst,
    Appeal,
    Enforcement,
    FirstEnforcement,
}

impl Scope {
    /// Whether a case of `type_code` is in this scope.
    pub fn contains(self, type_code: TypeCode) -> bool {
        let class = type_code.class();
        match self {
            Scope::All => true,
            Scope::Trial => class.is_trial(),
            Scope::FirstInstance => class.is_first_instance(),
            Scope::CivilFirst => class == CaseClass::CivilFirst,
            Scope::Appeal => class == CaseClass::Appeal,
            Scope::Enforcement => class == CaseClass::Enforcement,
            Scope::FirstEnforcement => type_code.as_str() == "执",
        }
    }

    /// The contract's identifier.
    pub fn key(self) -> &'static str {
        match self {
            Scope::All => "all",
            Scope::Trial => "trial",
            Scope::FirstInstance => "first_instance",
            Scope::CivilFirst => "civil_first",
            Scope::Appeal => "appeal",
            Scope::Enforcement => "enforcement",
            Scope::FirstEnforcement => "first_enforcement",
        }
    }

    pub fn from_key(key: &str) -> Option<Scope> {
        [
            Scope::All,
            Scope::Trial,
            Scope::FirstInstance,
            Scope::CivilFirst,
            Scope::Appeal,
            Scope::Enforcement,
            Scope::FirstEnforcement,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_level_files_what() {
        use crate::court::CourtLevel::*;
        let t = |s: &str| TypeCode::from_text(s).unwrap();
        assert!(t("民初").filable_at(Basic) && t("民特").filable_at(Basic) && t("执").filable_at(Basic));
        for code in ["民终", "刑终", "行终", "民辖终", "破终", "委赔", "委赔监", "刑核"] {
            assert!(!t(code).filable_at(Basic), "{code} at a 基层法院");
        }
        assert!(t("民终").filable_at(Intermediate) && t("委赔").filable_at(Intermediate));
        assert!(!t("刑核").filable_at(Intermediate) && t("刑核").filable_at(High));
    }

    #[test]
    fn table_has_no_duplicates_and_fits_limit() {
        assert_eq!(BY_TEXT.len(), TYPE_CODES.len());
        assert!(TYPE_CODES.iter().all(|c| c.chars().count() <= MAX_TYPE_CODE_CHARS));
    }

    #[test]
    fn classes_follow_the_contract() {
        let class = |t: &str| TypeCode::from_text(t).unwrap().class();
        assert_eq!(class("民初"), CaseClass::CivilFirst);
        assert_eq!(class("行赔初"), CaseClass::AdminFirst);
        assert_eq!(class("民辖终"), CaseClass::Appeal);
        assert_eq!(class("行赔抗"), CaseClass::RetrialReview);
        assert_eq!(class("执恢"), CaseClass::Enforcement);
        assert_eq!(class("执保"), CaseClass::PreservationEnforcement);
        assert_eq!(class("执他"), CaseClass::EnforcementReview);
        assert_eq!(class("证保"), CaseClass::Preservation);
        assert_eq!(class("强清"), CaseClass::Bankruptcy);
        assert_eq!(class("民特"), CaseClass::Other);
        assert!(!CaseClass::EnforcementReview.is_trial());
        assert!(CaseClass::Bankruptcy.is_trial());
        assert!(Scope::FirstEnforcement.contains(TypeCode::from_text("执").unwrap()));
        assert!(!Scope::FirstEnforcement.contains(TypeCode::from_text("执恢").unwrap()));
        assert!(!Scope::Enforcement.contains(TypeCode::from_text("执保").unwrap()));
    }
}
