//! 视图模型 the typed values each template renders. A template names only fields of its model,
//! so a renamed field fails to compile here instead of rendering blank.

use serde::Serialize;
use xiezhi_app::{CurrentUser, Role};

use crate::AppState;

/// What every page shows: the title, the navigation, the user and the demo banner.
#[derive(Debug, Serialize)]
pub struct Base {
    pub title: String,
    pub active: &'static str,
    pub csrf: String,
    pub user: UserView,
    pub demo: bool,
    /// 数据截至: the latest 立案 or 结案 day in the data.
    pub data_end: Option<String>,
    pub today: String,
}

#[derive(Debug, Serialize)]
pub struct UserView {
    pub username: String,
    pub role: &'static str,
    pub role_label: &'static str,
    pub scope: String,
    pub is_admin: bool,
    pub may_import: bool,
    pub may_report: bool,
    /// 立案 (registrars, managers, admins).
    pub may_register: bool,
    /// 分案记录 (managers, admins).
    pub oversees_assignments: bool,
    /// 名册 (managers, admins; registrars read it).
    pub sees_roster: bool,
    /// 我的案件 (judges, clerks).
    pub has_own_cases: bool,
    /// 审限, 提醒, 延长审限 (everyone but registrars).
    pub sees_deadlines: bool,
}

impl Base {
    pub fn new(state: &AppState, user: &CurrentUser, active: &'static str, title: &str) -> Base {
        let a = &user.access;
        Base {
            title: title.to_owned(),
            active,
            csrf: user.csrf.clone(),
            user: UserView {
                username: a.username.clone(),
                role: a.role.key(),
                role_label: a.role.label(),
                scope: a.scope_label(),
                is_admin: a.is_admin(),
                may_import: a.may_import(),
                may_report: matches!(a.role, Role::Admin | Role::Manager),
                may_register: matches!(a.role, Role::Admin | Role::Manager | Role::Registrar),
                oversees_assignments: matches!(a.role, Role::Admin | Role::Manager),
                sees_roster: matches!(a.role, Role::Admin | Role::Manager | Role::Registrar),
                has_own_cases: matches!(a.role, Role::Judge | Role::Clerk),
                sees_deadlines: !matches!(a.role, Role::Registrar),
            },
            demo: state.config.demo_banner,
            today: state.app.clock.today().to_string(),
            data_end: state.app.data.last_day().map(|d| d.to_string()),
        }
    }
}

/// The period of a page and its year-ago period.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodView {
    pub from: String,
    pub to: String,
    pub prev_from: String,
    pub prev_to: String,
    /// 本月, 本季, 本年, 上年同期: periods around this one's end, one click away.
    pub presets: Vec<Preset>,
}

/// A period one click away.
#[derive(Debug, Clone, Serialize)]
pub struct Preset {
    pub label: &'static str,
    pub from: String,
    pub to: String,
    /// Whether it is the period shown.
    pub on: bool,
}

/// One entry of the scope picker.
#[derive(Debug, Serialize)]
pub struct GroupOption {
    pub query: String,
    /// `query` percent-encoded, for links.
    pub query_enc: String,
    pub label: String,
    pub selected: bool,
}

/// A page of a list.
#[derive(Debug, Serialize)]
pub struct Pager {
    pub page: usize,
    pub pages: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn new(base: &str, page: usize, per_page: usize, total: usize) -> Pager {
        let pages = total.div_ceil(per_page).max(1);
        Pager {
            page,
            pages,
            total,
            prev: (page > 1).then(|| format!("{base}&page={}", page - 1)),
            next: (page < pages).then(|| format!("{base}&page={}", page + 1)),
        }
    }
}

/// A case in a list (案件, 指标穿透).
#[derive(Debug, Serialize)]
pub struct CaseLine {
    pub number: String,
    pub link: String,
    pub court: String,
    pub class: &'static str,
    pub procedure: &'static str,
    pub filed: String,
    pub closed: String,
    pub disposition: &'static str,
    pub judge: String,
    pub deadline: String,
    pub status: &'static str,
    /// 申请执行标的额 and 执行到位金额 (元), on drill-downs of the enforcement amounts.
    pub applied: Option<String>,
    pub recovered: Option<String>,
}

/// A judge counted in 法官人均结案's denominator, with the cases they closed.
#[derive(Debug, Serialize)]
pub struct JudgeLine {
    pub court: String,
    pub judge: String,
    pub closed: usize,
}

/// 首页.
#[derive(Debug, Serialize)]
pub struct Dashboard {
    #[serde(flatten)]
    pub base: Base,
    pub empty: bool,
    pub period: Option<PeriodView>,
    pub group_title: String,
    pub group_kind: &'static str,
    pub group_query: String,
    pub groups: Vec<GroupOption>,
    pub cards: Vec<Card>,
    pub trend_svg: String,
    pub comparison_svg: Option<String>,
    pub columns: Vec<Column>,
    pub side: Vec<SideRow>,
    pub member_kind: &'static str,
    pub actions: Vec<ActionPanel>,
}

/// A headline indicator card.
#[derive(Debug, Serialize)]
pub struct Card {
    pub id: &'static str,
    pub name: String,
    pub unit: &'static str,
    pub value: String,
    pub raw: String,
    pub previous: String,
    pub change: String,
    pub change_class: &'static str,
    /// The same figure of the groups it is set against (全市, 全省, 本院); none for counts
    /// and amounts.
    pub compares: Vec<Compared>,
    pub band: Option<String>,
    pub band_text: Option<String>,
    pub band_label: Option<&'static str>,
    pub link: String,
}

/// A figure of a group a card is set against.
#[derive(Debug, Serialize)]
pub struct Compared {
    pub label: &'static str,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct Column {
    pub name: String,
    pub unit: &'static str,
}

/// A member's row of a side-by-side table.
#[derive(Debug, Serialize)]
pub struct SideRow {
    pub name: String,
    pub link: String,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Serialize)]
pub struct Cell {
    pub text: String,
    pub link: String,
    pub band: Option<&'static str>,
}

/// An action list panel (超审限, 临近审限, 超12个月).
#[derive(Debug, Serialize)]
pub struct ActionPanel {
    pub title: &'static str,
    pub total: usize,
    pub rows: Vec<ActionLine>,
    pub more: String,
    pub kind: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ActionLine {
    pub number: String,
    pub link: String,
    pub court: Option<String>,
    pub judge: Option<String>,
    pub filed: String,
    pub deadline: Option<String>,
    pub age: i32,
    pub left: Option<i32>,
}

/// 质效指标.
#[derive(Debug, Serialize)]
pub struct MetricsPage {
    #[serde(flatten)]
    pub base: Base,
    pub period: PeriodView,
    pub group_title: String,
    pub group_kind: &'static str,
    pub groups: Vec<GroupOption>,
    /// The groups the figures are set against (全市, 全省, 本院).
    pub compare_labels: Vec<&'static str>,
    pub has_rank: bool,
    pub rank_toggle: Option<String>,
    pub sections: Vec<Section>,
    pub columns: Vec<String>,
    pub sub: Vec<SideRow>,
    pub member_kind: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Section {
    pub name: String,
    pub rows: Vec<MetricRow>,
}

#[derive(Debug, Serialize)]
pub struct MetricRow {
    pub id: &'static str,
    pub name: String,
    pub ours: bool,
    pub unit: &'static str,
    pub value: String,
    pub raw: String,
    pub previous: String,
    pub change: String,
    pub change_class: &'static str,
    /// The figure in each compared group (`—` for counts and amounts).
    pub compares: Vec<String>,
    pub rank: Option<String>,
    pub band: Option<&'static str>,
    pub band_class: &'static str,
    pub interval: Option<String>,
    pub link: Option<String>,
    pub note: Option<String>,
    /// 口径: formula and scope in Chinese.
    pub definition: String,
}

/// 指标穿透.
#[derive(Debug, Serialize)]
pub struct ExplainPage {
    #[serde(flatten)]
    pub base: Base,
    pub period: PeriodView,
    pub indicator: IndicatorHead,
    pub group_title: String,
    pub metrics_link: String,
    pub side: &'static str,
    pub numerator_count: usize,
    pub denominator_count: usize,
    pub has_denominator: bool,
    pub numerator_link: String,
    pub denominator_link: String,
    pub total: usize,
    pub visible: usize,
    pub hidden: usize,
    pub rows: Vec<CaseLine>,
    pub paging: Pager,
    /// 未达标: the cases of the denominator not in the numerator (rates where higher is
    /// better: the late cases behind 审限内结案率).
    pub missed_count: Option<usize>,
    pub missed_link: String,
    /// Whether the rows carry the enforcement amounts.
    pub amounts: bool,
    /// 法官人均结案's denominator: judges, not cases.
    pub judges: Vec<JudgeLine>,
}

#[derive(Debug, Serialize)]
pub struct IndicatorHead {
    pub id: &'static str,
    pub name: String,
    pub value: Option<String>,
    /// 口径.
    pub definition: String,
}

/// 案件 list.
#[derive(Debug, Serialize)]
pub struct CasesPage {
    #[serde(flatten)]
    pub base: Base,
    pub q: CaseQueryView,
    pub courts: Vec<CourtOption>,
    pub judges: Vec<NamedOption>,
    pub classes: Vec<KeyedOption>,
    pub procedures: Vec<LabelOption>,
    pub rows: Vec<CaseLine>,
    pub paging: Pager,
    pub export_query: String,
}

/// The list's filter values as typed (echoed into the form).
#[derive(Debug, Serialize)]
pub struct CaseQueryView {
    pub court: Option<String>,
    #[serde(rename = "type")]
    pub type_code: Option<String>,
    pub class: Option<String>,
    pub procedure: Option<String>,
    pub judge: Option<String>,
    pub filed_from: Option<String>,
    pub filed_to: Option<String>,
    pub closed_from: Option<String>,
    pub closed_to: Option<String>,
    pub pending: Option<String>,
    pub over_limit: Option<String>,
    pub near_limit: Option<String>,
    pub q: Option<String>,
    /// Kept through the form: the group a dashboard link scoped the list to, and its day.
    pub scope: Option<String>,
    pub as_of: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CourtOption {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

#[derive(Debug, Serialize)]
pub struct NamedOption {
    pub name: String,
    pub selected: bool,
}

#[derive(Debug, Serialize)]
pub struct LabelOption {
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Debug, Serialize)]
pub struct KeyedOption {
    pub key: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// 案件详情.
#[derive(Debug, Serialize)]
pub struct CasePage {
    #[serde(flatten)]
    pub base: Base,
    pub number: String,
    pub fields: Vec<Field>,
    pub status: Option<&'static str>,
    pub days_left: Option<i32>,
    pub age: i32,
    pub origin: Option<ChainLink>,
    pub origin_hidden: bool,
    pub origin_number: Option<String>,
    pub followers: Vec<ChainLink>,
    /// 分案记录 of the case (managers and admins see it; empty otherwise).
    pub assignments: Vec<AssignmentView>,
    /// 调整分案 form (the manager of the case's court, admins).
    pub reassign: Option<ReassignForm>,
    /// The case was registered here: its 受理通知书 link.
    pub notice: Option<String>,
    /// A message after a reassignment, or its refusal.
    pub message: Option<String>,
    pub error: Option<String>,
    /// 流程: the case's events, in date order.
    pub events: Vec<EventLine>,
    /// The forms of the case's record (None: the user records nothing here).
    pub record: Option<RecordForms>,
    /// 延长审限申请 of the case.
    pub extension_requests: Vec<ExtensionLine>,
    /// 执行 the sum of payments (执行到位), when the case is an enforcement case.
    pub paid_total: Option<String>,
    /// The deadline rule's steps for this case (start, limit, base, extension, suspension).
    pub clock: Vec<Field>,
    /// 电子卷宗: the catalogue, search inside, upload.
    pub dossier: Option<crate::routes::dossier::DossierView>,
    /// 推荐法条 and 类案推送 from the case's file (or its 案由).
    pub analysis: Option<crate::routes::research::AnalysisView>,
    /// The 检索报告 download.
    pub research_report: String,
}

/// One event on the case page's timeline.
#[derive(Debug, Serialize)]
pub struct EventLine {
    pub date: String,
    pub kind: &'static str,
    pub detail: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// The forms of a case's record.
#[derive(Debug, Serialize)]
pub struct RecordForms {
    pub action: String,
    pub kinds: Vec<OwnedOption>,
    pub suspension_kinds: Vec<&'static str>,
    pub procedures: Vec<&'static str>,
    pub items: Vec<OwnedOption>,
    pub today: String,
    pub open: bool,
    pub enforcement: bool,
    /// May record an extension directly (院长/庭长 approve; managers, admins).
    pub direct_extension: bool,
    pub request_action: String,
    pub close_action: String,
    pub dispositions: Vec<&'static str>,
}

/// A 延长审限 request as listed.
#[derive(Debug, Serialize)]
pub struct ExtensionLine {
    pub id: i64,
    pub number: String,
    pub link: String,
    pub court: String,
    pub judge: String,
    pub span: String,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: String,
    pub deadline_then: String,
    pub days_left: String,
    pub late: bool,
    pub status: &'static str,
    pub status_key: String,
    pub decided: String,
    pub may_decide: bool,
}

#[derive(Debug, Serialize)]
pub struct Field {
    pub label: &'static str,
    pub value: String,
}

#[derive(Debug, Serialize)]
pub struct ChainLink {
    pub number: String,
    /// Empty when the user may not open the case (a later case heard elsewhere).
    pub link: String,
    /// The court hearing it, when it is not the user's.
    pub court: Option<String>,
    pub class: &'static str,
    pub filed: String,
    pub closed: Option<String>,
    pub disposition: Option<&'static str>,
}

/// 数据导入.
#[derive(Debug, Serialize)]
pub struct ImportPage {
    #[serde(flatten)]
    pub base: Base,
    pub history: Vec<ImportLine>,
    pub limit: String,
    pub report: Option<ImportReport>,
    pub validated: bool,
    pub done: bool,
    pub token: Option<String>,
    pub error: Option<String>,
}

/// What an import (or its validation) did: the page's report and the API's body.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// `validated`, `imported` or `rejected`.
    pub status: &'static str,
    pub file_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inserted: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unchanged: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown_columns: Option<Vec<String>>,
    pub problems: Vec<ProblemLine>,
    /// How many problems there are (the list shows the first 200).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem_count: Option<usize>,
    /// Where the complete problem report (CSV) can be downloaded, for an hour.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems_csv: Option<String>,
}

/// One problem of a file: row, column, reason, value, and the line `xiezhi import` prints.
#[derive(Debug, Clone, Serialize)]
pub struct ProblemLine {
    pub row: u64,
    pub column: String,
    pub reason: String,
    pub value: String,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct ImportLine {
    pub file: Option<String>,
    pub at: String,
    pub rows: Option<String>,
    pub inserted: Option<String>,
    pub updated: Option<String>,
    pub skipped: Option<String>,
}

/// 报表.
#[derive(Debug, Serialize)]
pub struct ReportsPage {
    #[serde(flatten)]
    pub base: Base,
    pub period: PeriodView,
    pub scopes: Vec<ScopeOption>,
    pub fill: Option<FillResult>,
}

#[derive(Debug, Serialize)]
pub struct ScopeOption {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Serialize)]
pub struct FillResult {
    pub token: String,
    pub name: String,
    pub log: String,
    pub slots: usize,
    pub left: usize,
    /// Warnings to check (scope against the draft's subject, words against the figures).
    pub warnings: Vec<String>,
}

/// 用户管理.
#[derive(Debug, Serialize)]
pub struct UsersPage {
    #[serde(flatten)]
    pub base: Base,
    pub users: Vec<UserLine>,
    pub audit: Vec<AuditLine>,
    pub roles: Vec<KeyedOption>,
    pub message: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct UserLine {
    pub username: String,
    pub role: String,
    pub court: Option<String>,
    pub judge: Option<String>,
    pub disabled: bool,
    /// Where the daily 审限 digest goes (SMTP), if anywhere.
    pub email: Option<String>,
    pub created_at: String,
    pub enc: String,
}

#[derive(Debug, Serialize)]
pub struct AuditLine {
    pub at: String,
    pub username: Option<String>,
    /// The action's Chinese name (操作).
    pub label: String,
    pub action: String,
    pub object: Option<String>,
    pub detail: Option<String>,
}

/// 登录.
#[derive(Debug, Serialize)]
pub struct LoginPage {
    pub title: &'static str,
    pub error: Option<String>,
    pub demo: bool,
    /// Where to go after signing in (a path of this site).
    pub next: Option<String>,
}

/// An option whose key and label are computed.
#[derive(Debug, Clone, Serialize)]
pub struct OwnedOption {
    pub key: String,
    pub label: String,
    pub selected: bool,
}

/// One party row of the 立案 form.
#[derive(Debug, Clone, Serialize)]
pub struct PartyRow {
    pub index: usize,
    pub roles: Vec<OwnedOption>,
    pub name: String,
    pub organization: bool,
    /// Shown without JavaScript (filled or among the first rows).
    pub shown: bool,
}

/// A flag checkbox of the 立案 form.
#[derive(Debug, Clone, Serialize)]
pub struct FlagBox {
    pub key: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// 立案 the registration form, with its values after a refusal or a preview.
#[derive(Debug, Serialize)]
pub struct RegisterPage {
    #[serde(flatten)]
    pub base: Base,
    /// The court is fixed (registrars, managers) or typed (admins).
    pub court_fixed: bool,
    pub court: String,
    pub court_name: String,
    pub type_codes: Vec<OwnedOption>,
    pub filed_on: String,
    pub max_date: String,
    pub cause: String,
    pub causes: Vec<String>,
    pub claim_amount: String,
    pub origin_case_number: String,
    pub parties: Vec<PartyRow>,
    pub flags: Vec<FlagBox>,
    pub series_of: String,
    pub procedures: Vec<OwnedOption>,
    pub procedure_reason: String,
    pub may_designate: bool,
    pub designated: bool,
    pub judges: Vec<OwnedOption>,
    pub reason_codes: Vec<OwnedOption>,
    pub note: String,
    pub error: Option<String>,
    pub error_field: Option<String>,
    pub preview: Option<PreviewView>,
}

/// 分流与分案预览.
#[derive(Debug, Serialize)]
pub struct PreviewView {
    pub next_case_number: String,
    pub procedure: String,
    pub proposed_procedure: String,
    pub track: String,
    pub reasons: Vec<String>,
    pub deadline: String,
    pub mode: String,
    pub judge: Option<String>,
    pub pool: Vec<PoolLine>,
    pub excluded: Vec<ExcludedLine>,
    pub series_fallback: Option<String>,
}

/// One judge of a pool as shown.
#[derive(Debug, Clone, Serialize)]
pub struct PoolLine {
    pub judge_id: String,
    pub name: String,
    pub weight: String,
    pub open_cases: u32,
    /// `66.7%`, or `—` outside the band.
    pub chance: String,
    pub in_band: bool,
    pub chosen: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExcludedLine {
    pub judge_id: String,
    pub name: String,
    pub reason: String,
}

/// 立案结果 after saving.
#[derive(Debug, Serialize)]
pub struct RegisteredPage {
    #[serde(flatten)]
    pub base: Base,
    pub number: String,
    pub fields: Vec<Field>,
    pub reasons: Vec<String>,
    pub override_reason: Option<String>,
    pub assignment: Option<AssignmentView>,
    pub notice: String,
    pub case_link: String,
}

/// One assignment as shown (case page, 分案记录, 立案结果).
#[derive(Debug, Clone, Serialize)]
pub struct AssignmentView {
    pub id: i64,
    pub number: String,
    pub link: String,
    pub court: String,
    pub judge: String,
    pub mode: &'static str,
    pub mode_key: String,
    pub reason: String,
    pub actor: String,
    pub at: String,
    pub current: bool,
    pub replays: bool,
    pub problems: Vec<String>,
    pub pool: Vec<PoolLine>,
    pub excluded: Vec<ExcludedLine>,
    pub seed: String,
    pub algorithm: String,
    pub series_fallback: Option<String>,
    pub previous: Option<String>,
}

/// The reassignment form of a case page.
#[derive(Debug, Serialize)]
pub struct ReassignForm {
    pub action: String,
    pub judges: Vec<OwnedOption>,
    pub reason_codes: Vec<OwnedOption>,
}

/// 名册.
#[derive(Debug, Serialize)]
pub struct RosterPage {
    #[serde(flatten)]
    pub base: Base,
    pub courts: Vec<OwnedOption>,
    pub court: String,
    pub judges: Vec<RosterJudgeLine>,
    pub active_count: usize,
    pub may_edit: bool,
    pub edit: JudgeForm,
    pub conflicts: Vec<ConflictLine>,
    pub message: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RosterJudgeLine {
    pub judge_id: String,
    pub enc: String,
    pub name: String,
    pub department: String,
    pub case_types: String,
    pub track: String,
    pub weight: String,
    pub active: bool,
    pub open_cases: i64,
    /// Open cases per unit of weight (填平 compares these).
    pub load: String,
}

/// The add/edit form of the roster page.
#[derive(Debug, Default, Serialize)]
pub struct JudgeForm {
    pub judge_id: String,
    pub name: String,
    pub court: String,
    pub department: String,
    pub case_types: String,
    pub track: String,
    pub weight: String,
    pub active: bool,
    pub editing: bool,
}

#[derive(Debug, Serialize)]
pub struct ConflictLine {
    pub judge_id: String,
    pub judge: String,
    pub party: String,
    pub created_at: String,
}

/// 分案记录.
#[derive(Debug, Serialize)]
pub struct AssignmentsPage {
    #[serde(flatten)]
    pub base: Base,
    pub from: String,
    pub to: String,
    pub modes: Vec<OwnedOption>,
    pub stats: Vec<StatsLine>,
    pub monthly: Vec<StatsLine>,
    pub lines: Vec<AssignmentView>,
    pub total: i64,
    pub mismatches: usize,
    pub paging: Pager,
}

#[derive(Debug, Serialize)]
pub struct StatsLine {
    pub court: String,
    pub court_name: String,
    pub month: String,
    pub random: i64,
    pub designated: i64,
    pub series: i64,
    pub total: i64,
    pub share: String,
    /// The share as a bar width (0–100).
    pub bar: f64,
}

/// 我的案件.
#[derive(Debug, Serialize)]
pub struct MyCasesPage {
    #[serde(flatten)]
    pub base: Base,
    pub judge: String,
    pub lines: Vec<MyCaseLine>,
    pub overdue: usize,
    pub near: usize,
    pub suspended: usize,
}

#[derive(Debug, Serialize)]
pub struct MyCaseLine {
    pub number: String,
    pub link: String,
    pub class: &'static str,
    pub procedure: String,
    pub filed: String,
    pub deadline: String,
    pub days_left: Option<i32>,
    pub status: &'static str,
    pub status_key: &'static str,
}

/// 审限 the deadlines page: counts by court and judge, and the cases of a status.
#[derive(Debug, Serialize)]
pub struct DeadlinesPage {
    #[serde(flatten)]
    pub base: Base,
    pub as_of: String,
    pub status: String,
    pub statuses: Vec<OwnedOption>,
    pub courts: Vec<CountLine>,
    pub judges: Vec<CountLine>,
    pub lines: Vec<DeadlineRow>,
    pub total: usize,
    pub shown: usize,
}

#[derive(Debug, Serialize)]
pub struct CountLine {
    pub court: String,
    pub name: String,
    pub judge: String,
    pub open: u32,
    pub overdue: u32,
    pub near: u32,
    pub suspended: u32,
    pub link: String,
}

#[derive(Debug, Serialize)]
pub struct DeadlineRow {
    pub number: String,
    pub link: String,
    pub court: String,
    pub judge: String,
    pub procedure: String,
    pub start: String,
    pub limit: String,
    pub extension_days: u32,
    pub suspended_days: u32,
    pub deadline: String,
    pub days_left: String,
    pub status: &'static str,
    pub status_key: &'static str,
}

/// 延长审限审批.
#[derive(Debug, Serialize)]
pub struct ExtensionsPage {
    #[serde(flatten)]
    pub base: Base,
    pub pending: Vec<ExtensionLine>,
    pub decided: Vec<ExtensionLine>,
    pub message: Option<String>,
    pub error: Option<String>,
}

/// 提醒.
#[derive(Debug, Serialize)]
pub struct NotificationsPage {
    #[serde(flatten)]
    pub base: Base,
    pub lines: Vec<NotificationLine>,
    pub unread: usize,
}

#[derive(Debug, Serialize)]
pub struct NotificationLine {
    pub id: i64,
    pub number: String,
    pub link: String,
    pub court: String,
    pub judge: String,
    pub kind: &'static str,
    pub kind_key: String,
    pub raised_on: String,
    pub deadline: String,
    pub read: bool,
}

/// 终本复查.
#[derive(Debug, Serialize)]
pub struct RechecksPage {
    #[serde(flatten)]
    pub base: Base,
    pub lines: Vec<RecheckLine>,
    pub overdue: usize,
}

#[derive(Debug, Serialize)]
pub struct RecheckLine {
    pub number: String,
    pub link: String,
    pub court: String,
    pub judge: String,
    pub closed_on: String,
    pub checks_done: u32,
    pub due_on: String,
    pub days_left: i32,
}
