//! 导出表格 any table of a page as a print-ready XLSX: the page's script posts the table as it
//! shows it (title, headers, rows); the workbook comes back as a download. Nothing is read
//! from the database: the user only gets back what their page already showed them.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{self, PageUser};
use crate::error::WebError;
use crate::shared::{blocking, enc};

/// The body limit of a table export (a long table of a page).
pub const TABLE_BODY_LIMIT: usize = 8 * 1024 * 1024;

#[derive(Debug, Deserialize)]
pub struct TableBody {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// `POST /export/table` (JSON, X-CSRF-Token): the table as XLSX.
pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    headers: HeaderMap,
    body: Result<Json<TableBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, WebError> {
    auth::check_csrf_header(&user, &headers)?;
    let Json(table) = body.map_err(|_| WebError::BadRequest("请求体应为表格的 JSON（标题、表头、行）。".to_owned()))?;
    let title: String = table.title.trim().chars().filter(|c| !c.is_control()).take(60).collect();
    let title = if title.is_empty() { "表格".to_owned() } else { title };
    let rows = table.rows.len();
    let (sheet_title, headers_, rows_) = (title.clone(), table.headers, table.rows);
    let bytes = blocking("table export", move || xiezhi_report::table_xlsx::write(&sheet_title, &headers_, &rows_))
        .await?
        .map_err(|e| WebError::BadRequest(e.to_string()))?;
    let record = state
        .app
        .audit_record(xiezhi_app::Actor::User(&user.access), "table_export")
        .object(title.clone())
        .detail(format!("{rows} rows"));
    state.app.audit(&record).await?;
    let file_name: String = title.chars().map(|c| if matches!(c, '/' | '\\' | '"') { '_' } else { c }).collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename*=UTF-8''{}", enc(&format!("{file_name}.xlsx"))),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
