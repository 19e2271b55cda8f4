//! The 审判执行质效 indicator engine: every indicator of the binding contract
//! `shared/contracts/indicators.md`, for every court, city (全市法院), province (全省) and
//! judge, over a period P and its previous-year period P'.
//!
//! # Main types
//! - [`Snapshot`] (built by [`Snapshot::new`] or streamed through [`SnapshotBuilder`]): the
//!   case facts as compact columns (≈ 60 bytes per case, no per-case strings), court and
//!   judge texts interned, 审限 deadlines precomputed, origin links resolved to row indices
//!   over the whole data set and inverted into CSR child lists.
//! - [`Period`]: [from, to], both inclusive; [`Period::previous_year`] gives P'.
//! - [`compute`] / [`compute_with`] → [`MetricsReport`]: per group [`Value`]s over P and P',
//!   year-on-year [`Change`]s, reference-interval [`Band`]s and, for cities, a
//!   [`ProvinceComparison`] (province value, difference, rank). [`MetricsReport::to_json`]
//!   prints the contract's machine-readable object.
//! - [`Catalogue`]: the indicator metadata (name, 质量/效率/效果, direction, scope, unit,
//!   source, reference interval) from an embedded TOML, overridable by a court's TOML.
//! - [`explain`]: the case rows behind any value.
//! - [`Partial`] / [`aggregate_rows`]: the mergeable partial aggregate behind it all.
//!
//! # Invariants
//! - Pure: no IO, no clock, no environment; the period is a parameter.
//! - Exact: counts and sums are integers (amounts in i128 ten-thousandths of a yuan); a ratio
//!   keeps numerator and denominator until output, so ranks compare exactly; a zero
//!   denominator is [`Value::Undefined`] (null), never 0 or NaN; unavailable indicators are
//!   [`Value::Unavailable`] with their reason.
//! - Pooled: city and province values come from the pooled cases, never from court averages.
//! - Partition-independent: the rows are aggregated per partition (one thread each) into
//!   per-(group, type code) counters; merging the partials of any split of the rows gives the
//!   same report.
//! - Ids and formulas are code ([`IndicatorId`]); names, scopes, directions and reference
//!   intervals are configuration ([`Catalogue`]).

mod catalogue;
pub mod codec;
mod engine;
mod error;
mod explain;
mod indicator;
mod period;
mod report;
mod snapshot;
mod update;
mod value;

pub use catalogue::{Band, Catalogue, Entry, ReasonCode, ReferenceInterval, Source, TypeMask};
pub use engine::{GroupPartial, Partial, aggregate, aggregate_listed, aggregate_rows};
pub use error::MetricsError;
pub use explain::{Explanation, explain, explain_with};
pub use indicator::{Direction, IndicatorId, Unit};
pub use period::Period;
pub use report::{
    GroupReport, LiveReport, MetricsReport, ProvinceComparison, Roster, compute, compute_with, compute_with_partitions,
    compute_with_roster, period_json,
};
pub use snapshot::{GroupKey, GroupKeyError, GroupNames, RowView, Snapshot, SnapshotBuilder, imported_deadline};
pub use value::{Change, Value};

#[cfg(test)]
mod tests;
