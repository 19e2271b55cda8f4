//! 案件查看 the case use cases that read: a case with its chain (原审 and 后续案件), as one
//! user may see it, audited whether it was shown or refused.

use xiezhi_domain::{CaseFacts, Date, Deadline};

use crate::{Access, Actor, App, AppError};

/// A case as shown: its facts as the indicators see them (day counts and 执行到位金额 derived
/// from its events, when it has any), its deadline, its record and its chain.
#[derive(Debug, Clone)]
pub struct CaseView {
    pub facts: CaseFacts,
    pub record: xiezhi_store::CaseRecord,
    pub events: Vec<xiezhi_store::events::StoredEvent>,
    pub deadline: Deadline,
    /// The origin case, when it exists and the user may see it.
    pub origin: Option<CaseFacts>,
    /// The later cases (appeals, retrials, enforcement) of this case: the origin court sees
    /// them and their results even when they are heard elsewhere (a first-instance judge
    /// learns of the appeal's 改判 or 发回重审); `openable` says whether the user may open
    /// the later case itself.
    pub followers: Vec<Follower>,
}

/// A later case in a case's chain.
#[derive(Debug, Clone)]
pub struct Follower {
    pub facts: CaseFacts,
    /// Whether the user may open the case (it is in their scope).
    pub openable: bool,
}

impl App {
    /// A case the user may see, with its chain (origin and followers, each only if visible), or
    /// [`AppError::NotFound`] for a missing case and a case outside the scope alike. The view is
    /// audited (`case_view`), and so is a refusal (`case_view_refused`, one entry either way:
    /// a probe for case numbers leaves a trace, and the answers cost the same).
    pub async fn view_case(&self, access: &Access, number: &str, as_of: Date) -> Result<CaseView, AppError> {
        let sees = |r: &xiezhi_store::CaseRecord| {
            access.sees_case(r.facts.case_number.court(), r.facts.judge.as_deref(), r.judge_id.as_deref())
        };
        let found = match xiezhi_domain::CaseNumber::parse(number.trim()) {
            Ok(canonical) => self.store.case_record(canonical.as_str()).await?.filter(|r| sees(r)),
            Err(_) => None,
        };
        let Some(record) = found else {
            let asked: String = number.trim().chars().take(64).collect();
            self.audit(&self.audit_record(Actor::User(access), "case_view_refused").object(asked)).await?;
            return Err(AppError::NotFound);
        };
        let origin = match &record.facts.origin_case_number {
            Some(o) => self.store.case_record(o.as_str()).await?.filter(|r| sees(r)).map(|r| r.facts),
            None => None,
        };
        let followers = self
            .store
            .records_following(record.facts.case_number.as_str())
            .await?
            .into_iter()
            .map(|r| Follower { openable: sees(&r), facts: r.facts })
            .collect();
        let events = self.store.events_of(record.facts.case_number.as_str()).await?;
        let plain: Vec<_> = events.iter().map(|e| e.event.clone()).collect();
        // The day counts as of the day asked (as of its closing for a closed case).
        let facts = crate::dataset::facts_as_of(&record.facts, &plain, as_of, self.config.near_days);
        let record_kind = if plain.iter().any(|e| e.kind().is_clock()) {
            xiezhi_domain::ClockRecord::Events(&plain)
        } else {
            xiezhi_domain::ClockRecord::Imported {
                extension_days: record.facts.extension_days,
                suspended_days: record.facts.suspended_days,
            }
        };
        let case = xiezhi_domain::ClockCase {
            type_code: facts.case_number.type_code(),
            procedure: facts.procedure,
            filed_on: facts.filed_on,
            closed_on: facts.closed_on,
            record: record_kind,
        };
        let deadline = Deadline::compute(&case, as_of, self.config.near_days);
        self.audit(&self.audit_record(Actor::User(access), "case_view").object(facts.case_number.as_str())).await?;
        Ok(CaseView { facts, record, events, deadline, origin, followers })
    }
}
