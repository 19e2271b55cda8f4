//! Reports from the indicator engine: the 质效通报 bulletin and speech-draft filling.
//!
//! # Main types
//! - [`Bulletin`] ([`Bulletin::build`]): the bulletin's content — overview paragraph, one
//!   table per court, chart data ([`ChartData`]), action lists — derived from one
//!   [`xiezhi_metrics::MetricsReport`], the monthly series ([`monthly_series`]) and the action
//!   lists ([`ActionListBuilder`]). Writers: [`html::write`] (self-contained, inline SVG),
//!   [`docx::write`] (A4 公文 layout, fonts carried by styles, PNG charts) and [`xlsx::write`]
//!   (tables and native Excel charts).
//! - [`ChartFonts`]: the CJK font charts are rasterised with (never boxes: no font, no chart).
//! - [`fill`]: draft filling for plain text, Markdown and DOCX ([`fill::fill_text`],
//!   [`fill::fill_docx`]) with its [`fill::FillLog`].
//!
//! # Invariants
//! - Pure but for reading fonts ([`ChartFonts::load`]): bytes in, bytes out; no clock (dates
//!   are parameters), no environment.
//! - Every figure comes from the report the caller computed, formatted as `xiezhi metrics`
//!   prints it ([`format`]); prose figures use the official formats.

mod bulletin;
pub mod chart;
mod data;
pub mod docx;
mod error;
pub mod fill;
pub mod format;
pub mod html;
pub mod notice;
pub mod prose;
mod raster;
pub mod research;
pub mod table_xlsx;
pub mod xlsx;

pub use bulletin::{
    ActionTable, Bulletin, BulletinOptions, COMPARED_RATIOS, ChartData, ChartKind, DEFAULT_INDICATORS, Table,
    amount_text, chinese_date, scaled_two_decimals,
};
pub use data::{ActionCase, ActionListBuilder, ActionLists, ActionRules, MonthPoint, ReportScope, monthly_series};
pub use error::ReportError;
pub use raster::ChartFonts;
