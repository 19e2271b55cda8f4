//! 演示事件 the demo province's case events, derived from its cases (deterministic, synthetic):
//! the record behind the day counts (an extension of the case's 延长审限天数, an excluded period
//! of its 扣除审限天数, on closed cases), 执行到位 payments summing to each enforcement case's
//! 执行到位金额, 终本核查 before 终本 closings (most complete and approved, some not) and the
//! six-monthly re-checks after them (some overdue), 执行信访 petitions, running excluded periods,
//! extensions and 简易→普通 conversions on open cases.

use xiezhi_domain::{
    Amount, CaseClass, CaseEvent, CaseFacts, CaseNumber, Date, Disposition, Procedure, Span, SuspensionKind,
    TerminalApproval, TerminalItems,
};

use crate::DemoConfig;
use crate::rng::Rng;

/// Every event of the demo run `config`, with its case.
pub fn events(config: &DemoConfig) -> Vec<(CaseNumber, CaseEvent)> {
    let mut rng = Rng::new(crate::rng::mix(config.seed, 0x0E7E_4E75));
    let mut out = Vec::new();
    for facts in crate::generate(config) {
        case_events(&facts, config.as_of, &mut rng, &mut out);
    }
    out
}

fn all_items() -> TerminalItems {
    let mut items = TerminalItems::default();
    for (k, _, _) in TerminalItems::default().items() {
        items.set(k, true);
    }
    items
}

fn case_events(f: &CaseFacts, as_of: Date, rng: &mut Rng, out: &mut Vec<(CaseNumber, CaseEvent)>) {
    let number = &f.case_number;
    let class = number.type_code().class();
    let filed = f.filed_on;
    let mut push = |e: CaseEvent| out.push((number.clone(), e));
    match (class, f.closed_on) {
        (CaseClass::Enforcement, closed) => {
            let end = closed.unwrap_or(as_of);
            let span = end.days_since(filed).max(0);
            // Payments: one to three instalments summing to 执行到位金额 (whole fen only).
            if let Some(total) =
                f.recovered_amount.filter(|a| a.ten_thousandths() > 0 && a.ten_thousandths() % 100 == 0)
                && span >= 3
            {
                let fen = total.ten_thousandths() / 100;
                let parts = (1 + rng.below(3) as i64).min(fen);
                let mut left = fen;
                for k in 0..parts {
                    let amount = if k == parts - 1 { left } else { (left / (parts - k)).max(1) };
                    left -= amount;
                    let on = filed.add_days(1 + ((span - 1) * (k as i32 + 1)) / parts as i32);
                    push(CaseEvent::Payment { on, amount: Amount::from_ten_thousandths(amount * 100) });
                }
            }
            if let (Some(closed), Some(Disposition::TerminalEnforcementSuspension)) = (closed, f.disposition) {
                // The checklist before the closing: complete and approved (≈ 88 %), an item
                // left open (≈ 5 %), no approval (≈ 3 %), no check at all (≈ 4 %).
                let u = rng.f64();
                let on = closed.add_days(-(rng.int(1, 20))).max(filed);
                let approval = if rng.f64() < 0.7 {
                    TerminalApproval::ApplicantConfirmed
                } else {
                    TerminalApproval::PresidentApproved
                };
                if u < 0.88 {
                    push(CaseEvent::TerminalCheck { on, items: all_items(), approval: Some(approval) });
                } else if u < 0.93 {
                    let mut items = all_items();
                    let keys = TerminalItems::default().items();
                    items.set(keys[rng.below(keys.len() as u64) as usize].0, false);
                    push(CaseEvent::TerminalCheck { on, items, approval: Some(approval) });
                } else if u < 0.96 {
                    push(CaseEvent::TerminalCheck { on, items: all_items(), approval: None });
                }
                // Re-checks every six months for five years: most done on time, the last due one
                // sometimes still outstanding.
                for k in 1..=10 {
                    let due = closed.add_months(6 * k);
                    if due > as_of || rng.f64() < 0.12 {
                        break;
                    }
                    let on = due.add_days(-(rng.int(0, 25))).min(as_of);
                    push(CaseEvent::TerminalCheck {
                        on,
                        items: all_items(),
                        approval: Some(TerminalApproval::PresidentApproved),
                    });
                }
            }
            // 执行信访 on about 4 % of enforcement cases.
            if rng.f64() < 0.04 && span >= 2 {
                let on = filed.add_days(rng.int(1, span));
                let resolved = (rng.f64() < 0.85).then(|| on.add_days(rng.int(5, 60))).filter(|r| *r <= as_of);
                push(CaseEvent::Petition { on, resolved_on: resolved });
            }
        }
        (_, Some(closed)) => {
            // The record behind a closed case's day counts: an approved extension of exactly
            // 延长审限天数, an excluded period of exactly 扣除审限天数 inside (filed, closed].
            let span = closed.days_since(filed);
            if f.suspended_days > 0 && (f.suspended_days as i32) < span {
                let from = filed.add_days(1 + rng.int(0, span - 1 - f.suspended_days as i32));
                let kind = if rng.f64() < 0.6 { SuspensionKind::Publication } else { SuspensionKind::Appraisal };
                push(CaseEvent::Suspension { kind, from, to: Some(from.add_days(f.suspended_days as i32 - 1)) });
            }
            if f.extension_days > 0 && span > 1 {
                let on = filed.add_days(rng.int(1, span));
                push(CaseEvent::Extension {
                    on,
                    span: Span::Days(f.extension_days),
                    approver: Some("院长".to_owned()),
                    reason: Some("案情复杂".to_owned()),
                });
            }
        }
        (CaseClass::CivilFirst | CaseClass::CriminalFirst | CaseClass::AdminFirst, None) => {
            if f.extension_days > 0 || f.suspended_days > 0 {
                // An open case's imported counts stand: no events that would replace them.
                return;
            }
            let age = as_of.days_since(filed);
            let u = rng.f64();
            if u < 0.03 && (21..80).contains(&age) {
                // A publication or appraisal period still running.
                let from = as_of.add_days(-rng.int(1, 20));
                let kind = if rng.f64() < 0.5 { SuspensionKind::Publication } else { SuspensionKind::Appraisal };
                push(CaseEvent::Suspension { kind, from, to: None });
            } else if u < 0.06 && (61..170).contains(&age) {
                // An extension approved by the president.
                let on = as_of.add_days(-rng.int(1, 30)).max(filed.add_days(1));
                push(CaseEvent::Extension {
                    on,
                    span: Span::Months(if class == CaseClass::CivilFirst { 6 } else { 3 }),
                    approver: Some("院长".to_owned()),
                    reason: Some("需要鉴定".to_owned()),
                });
            } else if u < 0.08 && f.procedure == Some(Procedure::Summary) && class == CaseClass::CivilFirst && age > 10
            {
                // 简易转普通 (counted from filing, 民诉解释 §258).
                push(CaseEvent::Conversion {
                    on: filed.add_days(rng.int(1, age.min(80))),
                    procedure: Procedure::Ordinary,
                });
            }
        }
        _ => {}
    }
}
