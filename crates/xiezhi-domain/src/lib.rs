//! The Xiezhi case model, free of IO and of the clock.
//!
//! Main types: [`CaseNumber`] (案号) with [`CourtCode`] (法院代字) and [`TypeCode`] (类型代字),
//! [`CaseClass`], [`Disposition`] (结案方式), [`Procedure`] (适用程序), [`Date`] with
//! [`Date::add_months`] clamping, [`StatutoryLimit`] (审限), [`CaseFacts`] (one row of the
//! case-facts interchange format), [`CaseEvent`] (the events of a case's record),
//! [`Deadline`] (the one 审限 rule, module [`deadline`]), [`JudgeId`] (工号), the registration
//! rules ([`registration`]: flags, tracks, 繁简分流 [`registration::triage`]) and the random
//! assignment draw ([`assignment::draw`]).
//!
//! Architecture invariant: nothing in this crate reads files, the network, the environment or
//! the clock; every "today" is a parameter.

mod amount;
pub mod assignment;
mod case_number;
mod case_type;
mod court;
mod date;
pub mod deadline;
mod disposition;
pub mod events;
mod facts;
mod judge;
mod procedure;
pub mod registration;
mod time_limit;

pub use amount::{Amount, AmountError};
pub use case_number::{CaseNumber, CaseNumberError, CourtRef};
pub use case_type::{CaseClass, Scope, TypeCode};
pub use court::{CourtCode, CourtLevel, PROVINCE_ABBREVIATIONS};
pub use date::{Date, DateError, days_in_month};
pub use deadline::{ClockCase, ClockRecord, Deadline, DeadlineStatus};
pub use disposition::{Disposition, DispositionError};
pub use events::{
    CaseEvent, EventKind, EventRefusal, Span, SuspensionKind, TerminalApproval, TerminalItems, check_event,
    terminal_gate,
};
pub use facts::CaseFacts;
pub use judge::{JudgeId, JudgeIdError};
pub use procedure::{Procedure, ProcedureError};
pub use registration::{AverageWage, Flags, Track, TrackSet, TriageRules, Weight};
pub use time_limit::StatutoryLimit;
