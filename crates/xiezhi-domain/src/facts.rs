//! One row of the case-facts interchange format.

use crate::amount::Amount;
use crate::case_number::CaseNumber;
use crate::date::Date;
use crate::disposition::Disposition;
use crate::procedure::Procedure;

/// 案件基础数据: the facts of one case, exactly the columns of case-facts.md.
///
/// Invariants (checked by the importer, relied on by the engine): `closed_on >= filed_on`;
/// `disposition.is_some() == closed_on.is_some()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    /// 案号.
    pub case_number: CaseNumber,
    /// 法院名称.
    pub court_name: Option<String>,
    /// 案由.
    pub cause: Option<String>,
    /// 适用程序.
    pub procedure: Option<Procedure>,
    /// 立案日期.
    pub filed_on: Date,
    /// 结案日期; `None` = 未结.
    pub closed_on: Option<Date>,
    /// 结案方式.
    pub disposition: Option<Disposition>,
    /// 承办人.
    pub judge: Option<String>,
    /// 承办部门.
    pub department: Option<String>,
    /// 标的额.
    pub claim_amount: Option<Amount>,
    /// 申请执行标的额.
    pub applied_amount: Option<Amount>,
    /// 执行到位金额.
    pub recovered_amount: Option<Amount>,
    /// 延长审限天数.
    pub extension_days: u32,
    /// 扣除审限天数.
    pub suspended_days: u32,
    /// 原审案号 / 执行依据案号.
    pub origin_case_number: Option<CaseNumber>,
    /// 有无财产可供执行; `None` = unknown.
    pub has_property: Option<bool>,
}

impl CaseFacts {
    /// A case with only its 案号 and 立案日期; every optional fact blank (pending, no judge,
    /// no amounts, no extension or suspension).
    pub fn new(case_number: CaseNumber, filed_on: Date) -> CaseFacts {
        CaseFacts {
            case_number,
            court_name: None,
            cause: None,
            procedure: None,
            filed_on,
            closed_on: None,
            disposition: None,
            judge: None,
            department: None,
            claim_amount: None,
            applied_amount: None,
            recovered_amount: None,
            extension_days: 0,
            suspended_days: 0,
            origin_case_number: None,
            has_property: None,
        }
    }
}
