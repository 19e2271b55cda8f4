//! Typed errors of the indicator engine.

/// Everything that can go wrong when building a period, loading a catalogue or asking for a
/// drill-down.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetricsError {
    /// `Period::new` with `from` after `to`.
    #[error("period start {from} is after its end {to}")]
    PeriodReversed { from: String, to: String },
    /// An indicator id that the catalogue does not define.
    #[error("unknown indicator id {0:?}")]
    UnknownIndicator(String),
    /// A group that the snapshot does not contain.
    #[error("unknown group {0}")]
    UnknownGroup(String),
    /// The indicator cannot be computed from case facts v1.
    #[error("indicator {id} is unavailable: {reason}")]
    Unavailable { id: String, reason: String },
    /// The catalogue TOML does not parse.
    #[error("catalogue TOML: {0}")]
    CatalogueSyntax(String),
    /// The catalogue TOML parses but an entry is not acceptable.
    #[error("catalogue entry {id:?}: {problem}")]
    CatalogueEntry { id: String, problem: String },
}
