//! 导入 the import page (upload → validation report → confirmation) and `POST /api/v1/imports`,
//! with the command line's rules (the application's import use case).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Form, Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use xiezhi_app::ingest::{ImportFailure, ImportOptions};
use xiezhi_app::{Actor, Clock, CurrentUser};

use crate::AppState;
use crate::auth::{self, ApiUser, PageUser};
use crate::error::{ApiError, WebError};
use crate::models::{Base, ImportLine, ImportPage, ImportReport, ProblemLine};
use crate::shared::flag;

/// Uploads kept between the validation and the confirmation of an import, and filled drafts
/// waiting to be downloaded.
#[derive(Default)]
pub struct Uploads {
    pub(crate) imports: Mutex<HashMap<String, PendingUpload>>,
    pub(crate) filled: Mutex<HashMap<String, FilledDraft>>,
}

pub(crate) struct PendingUpload {
    path: PathBuf,
    file_name: String,
    username: String,
    skip_invalid: bool,
    /// When it was stored (the clock's milliseconds).
    created: i64,
}

pub(crate) struct FilledDraft {
    pub bytes: Vec<u8>,
    pub file_name: String,
    pub content_type: &'static str,
    pub username: String,
    pub created: i64,
}

/// Validated uploads waiting for confirmation and filled drafts waiting for download are kept
/// this long (milliseconds), then dropped (an unconfirmed upload's file is deleted).
const UPLOAD_TTL_MILLIS: i64 = 3_600_000;

impl Uploads {
    /// Drops what has waited longer than the time to live; called whenever something is added.
    pub(crate) fn sweep(&self, now: i64) {
        self.imports.lock().expect("uploads lock").retain(|_, p| {
            let keep = now - p.created < UPLOAD_TTL_MILLIS;
            if !keep {
                let _ = std::fs::remove_file(&p.path);
            }
            keep
        });
        self.filled.lock().expect("uploads lock").retain(|_, f| now - f.created < UPLOAD_TTL_MILLIS);
    }
}

/// The name every upload file starts with (stale ones are removed at start).
pub(crate) const UPLOAD_PREFIX: &str = "xiezhi-upload-";

/// Writes uploaded bytes to a fresh file (0600) in the upload directory.
pub(crate) fn save_upload(state: &AppState, bytes: &[u8], file_name: &str) -> Result<PathBuf, WebError> {
    let ext = match file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()) {
        Some(e) if ["csv", "xlsx", "xls", "txt"].contains(&e.as_str()) => e,
        _ => "bin".to_owned(),
    };
    let path = state.config.upload_dir.join(format!("{UPLOAD_PREFIX}{}.{ext}", xiezhi_app::accounts::random_token()));
    let saving = |e: std::io::Error| WebError::Internal(format!("saving an upload: {e}"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    // Case data: readable by the server's account only, even in a shared temp directory.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).map_err(saving)?;
    if let Err(e) = std::io::Write::write_all(&mut file, bytes) {
        let _ = std::fs::remove_file(&path);
        return Err(saving(e));
    }
    Ok(path)
}

/// Removes upload files left by an earlier run (older than the time to live: their
/// confirmations died with that process).
pub(crate) fn remove_stale_uploads(dir: &Path, clock: &dyn Clock) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let now = clock.unix_seconds();
    for entry in entries.flatten() {
        let modified = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_secs() as i64);
        let stale = entry.file_name().to_string_lossy().starts_with(UPLOAD_PREFIX)
            && modified.is_some_and(|m| (now - m) * 1000 > UPLOAD_TTL_MILLIS);
        if stale {
            // Files, and the folders a case-file upload spools into.
            let path = entry.path();
            let _ = if path.is_dir() { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) };
        }
    }
}

fn require_import(user: &CurrentUser) -> Result<(), WebError> {
    if user.access.may_import() { Ok(()) } else { Err(WebError::Forbidden) }
}

async fn page_model(state: &AppState, user: &CurrentUser) -> Result<ImportPage, WebError> {
    // The imports table names every court's files: admins see it; a manager sees their own
    // imports, from the audit log.
    let history: Vec<ImportLine> = if user.access.is_admin() {
        state
            .app
            .store
            .imports(10)
            .await?
            .into_iter()
            .map(|i| ImportLine {
                file: Some(i.file_name),
                at: i.imported_at,
                rows: Some(i.rows.to_string()),
                inserted: Some(i.inserted.to_string()),
                updated: Some(i.updated.to_string()),
                skipped: Some(i.skipped.to_string()),
            })
            .collect()
    } else {
        state
            .app
            .store
            .audit_entries_of(&user.access.username, "import", 10)
            .await?
            .into_iter()
            .map(|e| {
                // "rows N new N updated N skipped N"
                let detail = e.detail.unwrap_or_default();
                let words: Vec<&str> = detail.split_whitespace().collect();
                let figure = |name: &str| {
                    words.iter().position(|w| *w == name).and_then(|i| words.get(i + 1)).map(|s| (*s).to_owned())
                };
                ImportLine {
                    file: e.object,
                    at: e.at,
                    rows: figure("rows"),
                    inserted: figure("new"),
                    updated: figure("updated"),
                    skipped: figure("skipped"),
                }
            })
            .collect()
    };
    Ok(ImportPage {
        base: Base::new(state, user, "import", "数据导入"),
        history,
        limit: crate::error::size_text(state.config.max_upload_bytes),
        report: None,
        validated: false,
        done: false,
        token: None,
        error: None,
    })
}

pub async fn page(State(state): State<AppState>, PageUser(user): PageUser) -> Result<Response, WebError> {
    require_import(&user)?;
    let model = page_model(&state, &user).await?;
    Ok(state.templates.render("import.html", &model)?.into_response())
}

/// The fields of a multipart form: text fields and at most one file.
pub(crate) struct Upload {
    pub fields: HashMap<String, String>,
    pub file: Option<(String, Vec<u8>)>,
}

pub(crate) async fn read_multipart(state: &AppState, mut multipart: Multipart) -> Result<Upload, WebError> {
    let limit = state.config.max_upload_bytes;
    let too_large = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge { limit }
        } else {
            WebError::BadRequest("表单格式错误。".to_owned())
        }
    };
    let mut upload = Upload { fields: HashMap::new(), file: None };
    while let Some(field) = multipart.next_field().await.map_err(too_large)? {
        let name = field.name().unwrap_or("").to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(too_large)?;
                if bytes.len() > limit {
                    return Err(WebError::TooLarge { limit });
                }
                if !bytes.is_empty() {
                    upload.file = Some((file_name, bytes.to_vec()));
                }
            }
            None => {
                let text = field.text().await.map_err(too_large)?;
                upload.fields.insert(name, text);
            }
        }
    }
    Ok(upload)
}

pub(crate) fn file_base_name(name: &str) -> String {
    name.rsplit(['/', '\\']).next().unwrap_or(name).chars().filter(|c| !c.is_control()).take(200).collect()
}

pub async fn upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    multipart: Multipart,
) -> Result<Response, WebError> {
    require_import(&user)?;
    let upload = read_multipart(&state, multipart).await?;
    auth::check_csrf(&user, upload.fields.get("csrf").map(String::as_str))?;
    let Some((file_name, bytes)) = upload.file else {
        return Err(WebError::BadRequest("请选择要导入的 CSV 或 XLSX 文件。".to_owned()));
    };
    let file_name = file_base_name(&file_name);
    let skip_invalid = upload.fields.get("skip_invalid").is_some_and(|v| v == "1" || v == "on");
    let path = save_upload(&state, &bytes, &file_name)?;
    let options = ImportOptions { skip_invalid, dry_run: true, ..ImportOptions::default() };
    let result = run_import(&state, &user, &path, &file_name, options).await;
    let mut model = page_model(&state, &user).await?;
    match result {
        Ok((status, report)) => {
            let ok = status == StatusCode::OK;
            if ok {
                let token = xiezhi_app::accounts::random_token();
                let now = state.app.clock.unix_millis();
                state.uploads.sweep(now);
                let mut pending = state.uploads.imports.lock().expect("uploads lock");
                // One validated upload waits per user: a new upload replaces the last one.
                pending.retain(|_, p| {
                    let mine = p.username == user.access.username;
                    if mine {
                        let _ = std::fs::remove_file(&p.path);
                    }
                    !mine
                });
                pending.insert(
                    token.clone(),
                    PendingUpload {
                        path,
                        file_name: file_name.clone(),
                        username: user.access.username.clone(),
                        skip_invalid,
                        created: now,
                    },
                );
                drop(pending);
                model.token = Some(token);
            } else {
                let _ = std::fs::remove_file(&path);
            }
            model.report = Some(report);
            model.validated = ok;
            // A rejected file answers 422, as the API does.
            Ok((status, state.templates.render("import.html", &model)?).into_response())
        }
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            model.error = Some(e.message());
            Ok((e.status(), state.templates.render("import.html", &model)?).into_response())
        }
    }
}

/// At most 500 problems on a page (the count says how many there are).
/// Keeps the complete problem report of an import (CSV, as `xiezhi import` writes beside the
/// file) for its user to download for an hour; one per user. `None` without problems.
fn keep_problem_report(
    state: &AppState,
    user: &CurrentUser,
    file_name: &str,
    problems: &[xiezhi_import::Problem],
) -> Option<String> {
    if problems.is_empty() {
        return None;
    }
    let bytes = xiezhi_app::ingest::problem_report_bytes(problems).ok()?;
    let stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s);
    let token = xiezhi_app::accounts::random_token();
    let now = state.app.clock.unix_millis();
    state.uploads.sweep(now);
    let mut map = state.uploads.filled.lock().expect("uploads lock");
    map.retain(|_, f| !(f.username == user.access.username && f.content_type.starts_with("text/csv")));
    map.insert(
        token.clone(),
        FilledDraft {
            bytes,
            file_name: format!("{stem}.problems.csv"),
            content_type: "text/csv; charset=utf-8",
            username: user.access.username.clone(),
            created: now,
        },
    );
    Some(format!("/import/problems/{token}"))
}

/// `GET /import/problems/{token}`: the complete problem report of the user's last import.
pub async fn problems_download(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    axum::extract::Path(token): axum::extract::Path<String>,
) -> Result<Response, WebError> {
    require_import(&user)?;
    let map = state.uploads.filled.lock().expect("uploads lock");
    let report = map
        .get(&token)
        .filter(|d| d.username == user.access.username && d.content_type.starts_with("text/csv"))
        .ok_or(WebError::NotFound)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, report.content_type.to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename*=UTF-8''{}", crate::shared::enc(&report.file_name)),
            ),
            (axum::http::header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        report.bytes.clone(),
    )
        .into_response())
}

/// Problems an import's answer lists in full (page and API); `problem_count` has them all.
pub(crate) const REPORTED_PROBLEMS: usize = 200;

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    pub csrf: Option<String>,
    pub token: Option<String>,
}

pub async fn confirm(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, WebError> {
    require_import(&user)?;
    auth::check_csrf(&user, form.csrf.as_deref())?;
    let pending = {
        let mut map = state.uploads.imports.lock().expect("uploads lock");
        let token = form.token.as_deref().unwrap_or("");
        // Only the uploader's own confirmation takes the upload (another account's attempt
        // leaves it waiting for its owner).
        match map.get(token) {
            Some(p) if p.username == user.access.username => map.remove(token).expect("present"),
            Some(_) => return Err(WebError::NotFound),
            None => return Err(WebError::BadRequest("该上传已处理或已过期，请重新上传。".to_owned())),
        }
    };
    let options = ImportOptions { skip_invalid: pending.skip_invalid, ..ImportOptions::default() };
    let result = run_import(&state, &user, &pending.path, &pending.file_name, options).await;
    let _ = std::fs::remove_file(&pending.path);
    let mut model = page_model(&state, &user).await?;
    match result {
        Ok((status, report)) => {
            model.report = Some(report);
            model.done = status == StatusCode::OK;
            Ok(state.templates.render("import.html", &model)?.into_response())
        }
        Err(e) => {
            model.error = Some(e.message());
            Ok((e.status(), state.templates.render("import.html", &model)?).into_response())
        }
    }
}

/// Runs the import use case on a saved upload; the report.
pub(crate) async fn run_import(
    state: &AppState,
    user: &CurrentUser,
    path: &Path,
    file_name: &str,
    mut options: ImportOptions,
) -> Result<(StatusCode, ImportReport), WebError> {
    options.problem_report = false;
    options.file_name = Some(file_name.to_owned());
    if !user.access.is_admin() {
        options.scope = Some(user.access.clone());
    }
    let dry_run = options.dry_run;
    // The first problems in full; the count says how many there are in all.
    let problem_lines = |problems: &[xiezhi_import::Problem]| -> Vec<ProblemLine> {
        problems
            .iter()
            .take(REPORTED_PROBLEMS)
            .map(|p| ProblemLine {
                row: p.row,
                column: p.column.clone(),
                reason: p.reason.clone(),
                value: p.value.clone(),
                text: p.to_string(),
            })
            .collect()
    };
    let imported_at = state.app.clock.timestamp();
    let result = xiezhi_app::ingest::import_file(
        &state.app.store,
        Actor::User(&user.access),
        path,
        &options,
        &imported_at,
        |_, _| {},
    )
    .await;
    match result {
        Ok(summary) => {
            if !dry_run {
                state.app.refresh().await?;
            }
            Ok((
                StatusCode::OK,
                ImportReport {
                    status: if dry_run { "validated" } else { "imported" },
                    file_name: file_name.to_owned(),
                    message: None,
                    rows: Some(summary.rows),
                    inserted: Some(summary.counts.inserted),
                    updated: Some(summary.counts.updated),
                    unchanged: Some(summary.counts.unchanged),
                    skipped: Some(summary.skipped),
                    unknown_columns: Some(summary.unknown_columns.clone()),
                    problems: problem_lines(&summary.problems),
                    problem_count: Some(summary.problems.len()),
                    problems_csv: keep_problem_report(state, user, file_name, &summary.problems),
                },
            ))
        }
        Err(ImportFailure::BadRows(problems)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            ImportReport {
                status: "rejected",
                file_name: file_name.to_owned(),
                message: Some(format!("发现 {} 个问题，未导入任何数据。", problems.len())),
                rows: None,
                inserted: None,
                updated: None,
                unchanged: None,
                skipped: None,
                unknown_columns: None,
                problems: problem_lines(&problems),
                problem_count: Some(problems.len()),
                problems_csv: keep_problem_report(state, user, file_name, &problems),
            },
        )),
        Err(ImportFailure::File(e)) => Err(WebError::BadRequest(format!("无法读取该文件：{e}"))),
        Err(e) if e.is_busy() => Err(WebError::Busy),
        Err(e @ ImportFailure::FiledAfterStoredClosing) => Err(WebError::BadRequest(e.to_string())),
        Err(other) => Err(WebError::Internal(other.to_string())),
    }
}

#[derive(Debug, Deserialize)]
pub struct ImportQuery {
    pub file_name: Option<String>,
    pub skip_invalid: Option<String>,
    pub dry_run: Option<String>,
    pub sheet: Option<String>,
}

/// `POST /api/v1/imports` (body: the CSV or XLSX file; X-CSRF-Token): managers and admins.
pub async fn api_import(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    auth::check_csrf_header(&user, &headers)?;
    if !user.access.may_import() {
        return Err(WebError::Forbidden.into());
    }
    let options = ImportOptions {
        skip_invalid: flag(q.skip_invalid.as_deref())?.unwrap_or(false),
        dry_run: flag(q.dry_run.as_deref())?.unwrap_or(false),
        sheet: q.sheet.clone(),
        ..ImportOptions::default()
    };
    let name = q.file_name.as_deref().map(file_base_name).filter(|n| !n.is_empty());
    let name = name.unwrap_or_else(|| "upload".to_owned());
    if body.is_empty() {
        return Err(WebError::BadRequest("上传的文件为空。".to_owned()).into());
    }
    if body.len() > state.config.max_upload_bytes {
        return Err(WebError::TooLarge { limit: state.config.max_upload_bytes }.into());
    }
    let path = save_upload(&state, &body, &name)?;
    let result = run_import(&state, &user, &path, &name, options).await;
    let _ = std::fs::remove_file(&path);
    let (status, body) = result?;
    Ok((status, Json(body)).into_response())
}
