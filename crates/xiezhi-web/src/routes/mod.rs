//! 路由 one module per page family, each with its pages and its `/api/v1` calls.

pub mod assignments;
pub mod cases;
pub mod casework;
pub mod dashboard;
pub mod dossier;
pub mod import;
pub mod laws;
pub mod login;
pub mod metrics;
pub mod my_cases;
pub mod openapi;
pub mod registration;
pub mod reports;
pub mod research;
pub mod roster;
pub mod tables;
pub mod users;

use crate::error::WebError;

pub async fn not_found() -> WebError {
    WebError::NotFound
}
