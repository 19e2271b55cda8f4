//! `ReportError`: what can go wrong producing a bulletin or filling a draft.

/// A report or a filled draft could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The scope names no group of the report (a code not in the data).
    #[error("the scope {0} is not in the data")]
    UnknownScope(String),
    /// Nothing happened in the scope over the period (no case filed, none closed): before the
    /// data starts or after it ends.
    #[error(
        "本期间该范围没有立案或结案，无数据可报 / the period {from} to {to} has no case in the scope {scope} (no case filed or closed)"
    )]
    EmptyPeriod { scope: String, from: String, to: String },
    /// No installed or configured font covers Chinese characters, so charts cannot be drawn.
    #[error(
        "no font with Chinese characters was found for the charts (install fonts-noto-cjk, or put a CJK .ttf/.otf/.ttc into the fonts directory)"
    )]
    NoCjkFont,
    /// A chart could not be rasterised.
    #[error("drawing a chart: {0}")]
    Chart(String),
    /// The draft is in a format fill does not read.
    #[error("unsupported draft format {0:?}: use .txt, .md or .docx")]
    UnsupportedDraft(String),
    /// A text draft in neither UTF-8 nor GB18030.
    #[error("the draft is text in neither UTF-8 nor GB18030 (GBK): save it as UTF-8 or GB18030 text")]
    DraftEncoding,
    /// A DOCX draft is not a readable Word file.
    #[error("reading the DOCX draft: {0}")]
    BadDocx(String),
    /// Writing a DOCX or XLSX package failed.
    #[error("writing the {format} file: {message}")]
    Write { format: &'static str, message: String },
}

impl From<zip::result::ZipError> for ReportError {
    fn from(e: zip::result::ZipError) -> Self {
        ReportError::Write { format: "DOCX", message: e.to_string() }
    }
}

impl From<rust_xlsxwriter::XlsxError> for ReportError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        ReportError::Write { format: "XLSX", message: e.to_string() }
    }
}
