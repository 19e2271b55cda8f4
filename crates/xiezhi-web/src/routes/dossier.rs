//! 电子卷宗 on the web: upload (streamed to disk, never held in memory; drag and drop with
//! progress on the case page), a document's text with citations linked and search hits marked,
//! the stored file (audited; images and PDFs shown, everything else downloaded), withdraw with
//! a reason, re-catalogue, and the archive export.

use std::io::Write as _;

use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use xiezhi_app::Actor;
use xiezhi_app::dossier::CATEGORIES;

use crate::AppState;
use crate::auth::{self, ApiUser, PageUser};
use crate::error::{ApiError, WebError};
use crate::models::Base;
use crate::shared::{LinkPiece, enc, linkify};

/// The largest document accepted (the app's own cap).
pub const UPLOAD_LIMIT: usize = xiezhi_app::dossier::MAX_DOCUMENT_BYTES as usize;

/// A document line of the case page's catalogue.
#[derive(Debug, Serialize)]
pub struct DocumentLine {
    pub seq: i64,
    pub file_name: String,
    pub category: String,
    pub reason: Option<String>,
    pub withdrawn: Option<String>,
    pub size: String,
    pub added: String,
    pub link: String,
    pub file_link: String,
    pub has_text: bool,
    /// 文字识别 queued or running.
    pub ocr_pending: bool,
    /// Where reading stands, in words ("文字识别中：第 3/10 页"; empty when done).
    pub ocr_status: String,
    /// Percent read, for the progress bar (while reading).
    pub ocr_percent: Option<i64>,
    /// The pages whose text a person should check (low confidence).
    pub pages_to_check: String,
    pub pages: Option<i64>,
    /// How many times the search words occur in its text.
    pub hits: usize,
}

/// The catalogue on the case page.
#[derive(Debug, Serialize)]
pub struct DossierView {
    pub documents: Vec<DocumentLine>,
    pub upload_action: String,
    pub export_link: String,
    pub categories: Vec<&'static str>,
    pub q: String,
    pub limit_mb: usize,
    /// Some document is being read: the page polls its progress.
    pub pending: bool,
    pub api_list: String,
}

fn size_text(bytes: i64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// The case page's catalogue (documents in catalogue order; a search counts hits).
pub async fn dossier_view(
    state: &AppState,
    user: &xiezhi_app::CurrentUser,
    number: &str,
    q: &str,
) -> Result<DossierView, WebError> {
    let documents = state.app.dossier_documents(Actor::User(&user.access), number).await?;
    let base = format!("/cases/{}/dossier", enc(number));
    let documents = lines(documents, &base, q);
    Ok(DossierView {
        pending: documents.iter().any(|d| d.ocr_pending),
        api_list: format!("/api/v1/cases/{}/documents", enc(number)),
        documents,
        upload_action: base.clone(),
        export_link: format!("{base}/export"),
        categories: CATEGORIES.to_vec(),
        q: q.to_owned(),
        limit_mb: UPLOAD_LIMIT >> 20,
    })
}

/// Where a document's reading stands, in words (empty when its text is there).
fn ocr_status_text(d: &xiezhi_app::dossier::DossierDocument) -> String {
    match d.ocr {
        "pending" => "排队等待文字识别".to_owned(),
        "reading" => match d.pages_total {
            Some(total) if total > 1 => format!("文字识别中：已读 {}/{total} 页", d.pages_done),
            _ => "文字识别中".to_owned(),
        },
        "failed" => format!("未能识别：{}", d.ocr_error.as_deref().unwrap_or("原因不明")),
        _ => String::new(),
    }
}

fn lines(documents: Vec<xiezhi_app::dossier::DossierDocument>, base: &str, q: &str) -> Vec<DocumentLine> {
    documents
        .into_iter()
        .map(|d| DocumentLine {
            hits: if q.is_empty() { 0 } else { d.text.as_deref().map_or(0, |t| t.matches(q).count()) },
            link: format!("{base}/{}{}", d.seq, if q.is_empty() { String::new() } else { format!("?q={}", enc(q)) }),
            file_link: format!("{base}/{}/file", d.seq),
            has_text: d.text.as_deref().is_some_and(|t| !t.trim().is_empty()),
            ocr_pending: d.ocr_pending(),
            ocr_status: ocr_status_text(&d),
            ocr_percent: (d.ocr == "reading")
                .then(|| d.pages_total.filter(|t| *t > 0).map(|t| d.pages_done * 100 / t))
                .flatten(),
            pages_to_check: d.pages_to_check().iter().map(|p| format!("第{p}页")).collect::<Vec<_>>().join("、"),
            pages: d.pages_count,
            seq: d.seq,
            file_name: d.file_name,
            category: d.category,
            reason: d.reason,
            withdrawn: d.withdrawn,
            size: size_text(d.size),
            added: format!("{} {}", d.added_at.get(..16).unwrap_or(&d.added_at), d.added_by.unwrap_or_default()),
        })
        .collect()
}

/// `POST /cases/{案号}/dossier` (multipart: csrf, category?, file…): each file streamed to a
/// temporary file under the upload directory, then stored and catalogued; the temporary files
/// are removed whatever happens. A script's request (`X-Requested-With: fetch`) gets JSON;
/// a plain form is sent back to the case page.
pub async fn upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(number): Path<String>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let dir = state.config.upload_dir.join(format!(
        "{}dossier-{}",
        crate::routes::import::UPLOAD_PREFIX,
        xiezhi_app::accounts::random_token()
    ));
    let result = receive(&state, &user, &number, &mut multipart, &dir, None).await;
    let _ = std::fs::remove_dir_all(&dir);
    let added = result?;
    let scripted = headers.get("x-requested-with").is_some_and(|v| v == "fetch");
    if scripted {
        return Ok(axum::Json(serde_json::json!({"added": added})).into_response());
    }
    Ok(Redirect::to(&format!("/cases/{}#dossier", enc(&number))).into_response())
}

async fn receive(
    state: &AppState,
    user: &xiezhi_app::CurrentUser,
    number: &str,
    multipart: &mut Multipart,
    dir: &std::path::Path,
    header_csrf: Option<&str>,
) -> Result<Vec<serde_json::Value>, WebError> {
    let too_large = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge { limit: UPLOAD_LIMIT }
        } else {
            WebError::BadRequest("上传中断或表单格式错误，请重试。".to_owned())
        }
    };
    let io = |e: std::io::Error| WebError::Internal(format!("spooling an upload: {e}"));
    std::fs::create_dir_all(dir).map_err(io)?;
    let (mut csrf, mut category) = (None, None);
    let mut files = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(too_large)? {
        match field.file_name().map(crate::routes::import::file_base_name) {
            Some(name) => {
                if name.is_empty() {
                    continue;
                }
                // A folder per file, so the stored name is the uploaded one.
                let folder = dir.join(files.len().to_string());
                std::fs::create_dir_all(&folder).map_err(io)?;
                let path = folder.join(&name);
                let mut out = std::fs::File::create(&path).map_err(io)?;
                let mut size = 0usize;
                while let Some(chunk) = field.chunk().await.map_err(too_large)? {
                    size += chunk.len();
                    if size > UPLOAD_LIMIT {
                        return Err(WebError::TooLarge { limit: UPLOAD_LIMIT });
                    }
                    out.write_all(&chunk).map_err(io)?;
                }
                if size > 0 {
                    files.push(path);
                }
            }
            None => {
                let key = field.name().unwrap_or("").to_owned();
                let text: String = field.text().await.map_err(too_large)?.chars().take(200).collect();
                match key.as_str() {
                    "csrf" => csrf = Some(text),
                    "category" if !text.trim().is_empty() => category = Some(text.trim().to_owned()),
                    _ => {}
                }
            }
        }
    }
    auth::check_csrf(user, csrf.as_deref().or(header_csrf))?;
    if files.is_empty() {
        return Err(WebError::BadRequest("请选择要上传的文件。".to_owned()));
    }
    let mut seqs = Vec::new();
    for path in files {
        let e = state.app.dossier_add(Actor::User(&user.access), number, &path, category.as_deref()).await?;
        seqs.push(e.seq);
    }
    let documents = state.app.dossier_documents(Actor::User(&user.access), number).await?;
    Ok(seqs.iter().filter_map(|s| documents.iter().find(|d| d.seq == *s)).map(|d| d.to_json()).collect())
}

#[derive(Debug, Deserialize)]
pub struct ChangeForm {
    pub csrf: Option<String>,
    pub reason: Option<String>,
    pub category: Option<String>,
}

/// `POST /cases/{案号}/dossier/{seq}/withdraw` (reason) and `/recategorise` (category).
pub async fn change(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((number, seq, action)): Path<(String, i64, String)>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, WebError> {
    auth::check_csrf(&user, form.csrf.as_deref())?;
    let actor = Actor::User(&user.access);
    match action.as_str() {
        "withdraw" => {
            let reason = form
                .reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .ok_or_else(|| WebError::BadRequest("撤回须写明理由。".to_owned()))?;
            state.app.dossier_change(actor, &number, seq, Some(reason), None).await?;
        }
        "recategorise" => {
            let category = form
                .category
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .ok_or_else(|| WebError::BadRequest("请选择类别。".to_owned()))?;
            state.app.dossier_change(actor, &number, seq, None, Some(category)).await?;
        }
        _ => return Err(WebError::NotFound),
    }
    Ok(Redirect::to(&format!("/cases/{}/dossier/{seq}", enc(&number))).into_response())
}

#[derive(Debug, Deserialize)]
pub struct DocumentQuery {
    pub q: Option<String>,
}

/// A piece of a document's text: a link (citation), a search hit, or plain.
#[derive(Debug, Serialize)]
pub struct TextPiece {
    pub text: String,
    pub link: Option<String>,
    pub hit: bool,
}

/// One page of a document in the viewer: its image (a scan) beside its text.
#[derive(Debug, Serialize)]
struct PageView {
    page: i64,
    source: &'static str,
    confidence: String,
    /// Below the confidence threshold: a person should check it.
    check: bool,
    image: Option<String>,
    paragraphs: Vec<Vec<TextPiece>>,
}

#[derive(Debug, Serialize)]
struct DocumentPage {
    #[serde(flatten)]
    base: Base,
    number: String,
    case_link: String,
    document: DocumentLine,
    pages: Vec<PageView>,
    many_pages: bool,
    api_list: String,
    /// The PDF original, opened in the browser's own viewer.
    pdf: Option<String>,
    q: String,
    hits: usize,
    categories: Vec<&'static str>,
    action: String,
}

/// Splits linked pieces further at the occurrences of `q`.
fn mark(pieces: Vec<LinkPiece>, q: &str) -> (Vec<TextPiece>, usize) {
    let mut out = Vec::new();
    let mut hits = 0;
    for p in pieces {
        if q.is_empty() || p.link.is_some() || !p.text.contains(q) {
            out.push(TextPiece { text: p.text, link: p.link, hit: false });
            continue;
        }
        let mut rest = p.text.as_str();
        while let Some(at) = rest.find(q) {
            if at > 0 {
                out.push(TextPiece { text: rest[..at].to_owned(), link: None, hit: false });
            }
            out.push(TextPiece { text: q.to_owned(), link: None, hit: true });
            hits += 1;
            rest = &rest[at + q.len()..];
        }
        if !rest.is_empty() {
            out.push(TextPiece { text: rest.to_owned(), link: None, hit: false });
        }
    }
    (out, hits)
}

/// `GET /cases/{案号}/dossier/{seq}?q=`: the document's text (citations linked, search words
/// marked) beside its page image when it is one.
pub async fn document(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((number, seq)): Path<(String, i64)>,
    Query(query): Query<DocumentQuery>,
) -> Result<Response, WebError> {
    let q: String = query.q.unwrap_or_default().trim().chars().take(50).collect();
    let documents = state.app.dossier_documents(Actor::User(&user.access), &number).await?;
    let records = documents.iter().find(|d| d.seq == seq).map(|d| d.pages.clone()).unwrap_or_default();
    let base = format!("/cases/{}/dossier", enc(&number));
    let document = lines(documents, &base, &q).into_iter().find(|d| d.seq == seq).ok_or(WebError::NotFound)?;
    let lower = document.file_name.to_lowercase();
    let single_image = [".png", ".jpg", ".jpeg"].iter().any(|e| lower.ends_with(e));
    let mut hits = 0;
    let pages: Vec<PageView> = records
        .iter()
        .map(|p| {
            let paragraphs = p
                .text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| {
                    let (pieces, n) = if p.source == "unreadable" {
                        (vec![TextPiece { text: l.to_owned(), link: None, hit: false }], 0)
                    } else {
                        mark(linkify(l, None), &q)
                    };
                    hits += n;
                    pieces
                })
                .collect();
            PageView {
                page: p.page,
                source: match p.source.as_str() {
                    "ocr" => "文字识别",
                    "unreadable" => "未能识别",
                    _ => "文件自带文字",
                },
                confidence: format!("{:.0}%", p.confidence * 100.0),
                check: p.confidence < xiezhi_app::dossier::LOW_CONFIDENCE,
                // The scan beside its text: the file itself for a JPEG or PNG, a rendered page
                // for TIFF and image PDFs.
                image: match (p.source.as_str(), single_image) {
                    ("text", _) => None,
                    (_, true) => Some(document.file_link.clone()),
                    _ => Some(format!("{base}/{seq}/page/{}", p.page)),
                },
                paragraphs,
            }
        })
        .collect();
    let pdf = lower.ends_with(".pdf").then(|| document.file_link.clone());
    let canonical = xiezhi_domain::CaseNumber::parse(&number).map(|n| n.as_str().to_owned()).unwrap_or(number);
    let page = DocumentPage {
        base: Base::new(&state, &user, "cases", &format!("{} 卷宗", canonical)),
        case_link: format!("/cases/{}#dossier", enc(&canonical)),
        action: format!("/cases/{}/dossier/{seq}", enc(&canonical)),
        api_list: format!("/api/v1/cases/{}/documents", enc(&canonical)),
        number: canonical,
        document,
        many_pages: pages.len() > 1,
        pages,
        pdf,
        q,
        hits,
        categories: CATEGORIES.to_vec(),
    };
    Ok(state.templates.render("dossier.html", &page)?.into_response())
}

/// `GET /cases/{案号}/dossier/{seq}/file`: the stored file (audited). Images and PDFs are shown
/// (the viewer puts them beside the text); anything else is a download. Never HTML: the
/// content was checked on the way in, and the response forbids sniffing and scripts.
pub async fn file(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((number, seq)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    file_response(&state, &user, &number, seq).await
}

async fn file_response(
    state: &AppState,
    user: &xiezhi_app::CurrentUser,
    number: &str,
    seq: i64,
) -> Result<Response, WebError> {
    let (name, kind, path) = state.app.dossier_file(Actor::User(&user.access), number, seq).await?;
    let bytes = tokio::task::spawn_blocking(move || std::fs::read(path))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(|e| WebError::Internal(format!("reading a stored document: {e}")))?;
    let (content_type, inline) = match kind {
        "pdf" => ("application/pdf", true),
        "jpeg" => ("image/jpeg", true),
        "png" => ("image/png", true),
        "tiff" => ("image/tiff", false),
        "docx" => ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", false),
        _ => ("text/plain; charset=utf-8", false),
    };
    let disposition = format!("{}; filename*=UTF-8''{}", if inline { "inline" } else { "attachment" }, enc(&name));
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'; img-src 'self'".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /cases/{案号}/dossier/export`: the archive (zip) of the case's file.
pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    let path = state.config.upload_dir.join(format!(
        "{}export-{}.zip",
        crate::routes::import::UPLOAD_PREFIX,
        xiezhi_app::accounts::random_token()
    ));
    let result = state.app.dossier_export(Actor::User(&user.access), &number, &path).await;
    let bytes = result.and_then(|_| {
        std::fs::read(&path).map_err(|e| xiezhi_app::AppError::Internal(format!("reading the archive: {e}")))
    });
    let _ = std::fs::remove_file(&path);
    let bytes = bytes?;
    let canonical = xiezhi_domain::CaseNumber::parse(&number).map(|n| n.as_str().to_owned()).unwrap_or(number);
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename*=UTF-8''{}", enc(&format!("电子卷宗{canonical}.zip"))),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `POST /api/v1/cases/{案号}/documents` (multipart: file…, category?; CSRF in the
/// `X-CSRF-Token` header or a `csrf` field): the documents added, as `dossier add` prints them.
/// Scans are read in the background: their `ocr` is `pending` until done.
pub async fn api_upload(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(number): Path<String>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, ApiError> {
    let dir = state.config.upload_dir.join(format!(
        "{}dossier-{}",
        crate::routes::import::UPLOAD_PREFIX,
        xiezhi_app::accounts::random_token()
    ));
    let header_csrf = headers.get(auth::CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let result = receive(&state, &user, &number, &mut multipart, &dir, header_csrf.as_deref()).await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok((StatusCode::CREATED, axum::Json(serde_json::Value::Array(result?))).into_response())
}

/// `GET /api/v1/cases/{案号}/documents`: the case file's documents, as `dossier list` prints them.
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(number): Path<String>,
) -> Result<Response, ApiError> {
    let mut documents = state.app.dossier_documents(Actor::User(&user.access), &number).await?;
    documents.sort_by_key(|d| d.seq);
    let list: Vec<_> = documents.iter().map(|d| d.to_json()).collect();
    Ok(axum::Json(list).into_response())
}

/// `GET /api/v1/cases/{案号}/documents/{seq}`: the stored file (audited), as the page's download.
pub async fn api_file(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((number, seq)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    Ok(file_response(&state, &user, &number, seq).await?)
}

#[derive(Debug, Deserialize)]
pub struct TextQuery {
    pub wait: Option<bool>,
}

/// `GET /api/v1/cases/{案号}/documents/{seq}/text`: the text page by page with confidence, as
/// `dossier text --seq` prints it (`?wait=true` waits for the reading to finish).
pub async fn api_text(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((number, seq)): Path<(String, i64)>,
    Query(query): Query<TextQuery>,
) -> Result<Response, ApiError> {
    let pages =
        state.app.dossier_text(Actor::User(&user.access), &number, Some(seq), query.wait.unwrap_or(false)).await?;
    let list: Vec<_> = pages.iter().map(|(s, p)| xiezhi_app::dossier::page_json(*s, p)).collect();
    Ok(axum::Json(list).into_response())
}

/// `GET /cases/{案号}/dossier/{seq}/page/{page}`: a scanned page's image (PNG, audited) for the
/// viewer; 404 for a page that is text only.
pub async fn page_image(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((number, seq, page)): Path<(String, i64, usize)>,
) -> Result<Response, WebError> {
    let png = state.app.dossier_page_image(Actor::User(&user.access), &number, seq, page).await?;
    let png = png.ok_or(WebError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png".to_owned()),
            (header::CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'".to_owned()),
            (header::CACHE_CONTROL, "private, max-age=300".to_owned()),
        ],
        png,
    )
        .into_response())
}
