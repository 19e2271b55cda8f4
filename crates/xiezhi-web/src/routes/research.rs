//! 智能辅助办案 on the web: 法条推荐 and 类案推送 from pasted facts (the 法律检索 page) or from a
//! case's file (the case page), the 检索报告 DOCX, a case document with its citations linked,
//! and the `/api/v1` calls of `laws show|search|recommend`, `similar` and `cite`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use xiezhi_app::judgments::{SimilarCase, rank};
use xiezhi_app::research::{Research, article_json};
use xiezhi_legal::{Corpus, SearchIndex};

use crate::AppState;
use crate::auth::{self, ApiUser, PageUser};
use crate::error::{ApiError, WebError};
use crate::models::Base;
use crate::shared::{LinkPiece, blocking, enc, linkify, parse_day};

/// The most facts a form or API call may send (characters).
pub const FACTS_LIMIT: usize = 20_000;
/// The body of a facts form or call: the facts in UTF-8, URL-encoded (9 bytes a character).
pub const FORM_LIMIT: usize = FACTS_LIMIT * 9 + 4096;
/// `/api/v1/similar` with candidates: up to 4 MB.
pub const SIMILAR_LIMIT: usize = 4 << 20;

/// A recommended article on a page.
#[derive(Debug, Serialize)]
pub struct ArticleView {
    pub citation: String,
    pub link: String,
    pub version: String,
    pub pieces: Vec<LinkPiece>,
    pub why: Vec<String>,
}

/// A similar case on a page.
#[derive(Debug, Serialize)]
pub struct CaseView {
    pub title: String,
    pub link: String,
    pub tier: String,
    pub case_number: Option<String>,
    pub court: Option<String>,
    pub score: String,
    pub why: Vec<String>,
}

/// What a page shows of some research.
#[derive(Debug, Serialize)]
pub struct AnalysisView {
    pub source: String,
    pub as_of: String,
    pub articles: Vec<ArticleView>,
    pub cases: Vec<CaseView>,
}

fn document_link(id: &str) -> String {
    format!("/judgments?id={}", enc(id))
}

/// The page view of research results.
pub fn analysis_view(r: &Research) -> AnalysisView {
    AnalysisView {
        source: r.source.clone(),
        as_of: r.as_of.to_string(),
        articles: r
            .articles
            .iter()
            .map(|a| ArticleView {
                citation: a.citation.clone(),
                link: format!("/laws?cite={}&as_of={}", enc(&a.citation), r.as_of),
                version: a.version.clone(),
                pieces: linkify(&a.text, Some(&a.law)),
                why: a.why.clone(),
            })
            .collect(),
        cases: r
            .cases
            .iter()
            .map(|c| CaseView {
                title: c.title.clone().or_else(|| c.case_number.clone()).unwrap_or_else(|| c.id.clone()),
                link: document_link(&c.id),
                tier: c.tier.clone(),
                case_number: c.case_number.clone(),
                court: c.court.clone(),
                score: format!("{:.2}", c.score),
                why: c.why.clone(),
            })
            .collect(),
    }
}

#[derive(Debug, Deserialize)]
pub struct FactsForm {
    pub csrf: Option<String>,
    pub facts: Option<String>,
    pub as_of: Option<String>,
}

fn facts_of(form: &FactsForm) -> Result<String, WebError> {
    let facts = form.facts.as_deref().unwrap_or("").trim().to_owned();
    if facts.is_empty() {
        return Err(WebError::BadRequest("请先填写案情（事实描述）。".to_owned()));
    }
    if facts.chars().count() > FACTS_LIMIT {
        return Err(WebError::BadRequest(format!("案情过长：最多 {FACTS_LIMIT} 字。")));
    }
    Ok(facts)
}

/// `POST /laws/analyse`: 法条推荐 and 类案推送 for pasted facts, on the 法律检索 page.
pub async fn analyse(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(form): Form<FactsForm>,
) -> Result<Response, WebError> {
    auth::check_csrf(&user, form.csrf.as_deref())?;
    let facts = facts_of(&form)?;
    let as_of = parse_day(form.as_of.as_deref(), "时点")?.unwrap_or(state.app.clock.today());
    let research = state.app.research("检索人输入的案情", &facts, as_of, 5).await?;
    let query = crate::routes::laws::LawsQuery { as_of: Some(as_of.to_string()), ..Default::default() };
    crate::routes::laws::render(&state, &user, query, Some((facts, analysis_view(&research)))).await
}

fn docx(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, format!("attachment; filename*=UTF-8''{}", enc(name))),
        ],
        bytes,
    )
        .into_response()
}

/// `POST /laws/report`: the 检索报告 of pasted facts.
pub async fn facts_report(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(form): Form<FactsForm>,
) -> Result<Response, WebError> {
    auth::check_csrf(&user, form.csrf.as_deref())?;
    let facts = facts_of(&form)?;
    let as_of = parse_day(form.as_of.as_deref(), "时点")?.unwrap_or(state.app.clock.today());
    let (name, bytes) = state.app.research_report(&user.access, None, Some(&facts), as_of).await?;
    Ok(docx(&name, bytes))
}

/// `GET /cases/{案号}/research-report`: the 检索报告 of a case the user may see.
pub async fn case_report(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    let today = state.app.clock.today();
    let (name, bytes) = state.app.research_report(&user.access, Some(&number), None, today).await?;
    Ok(docx(&name, bytes))
}

#[derive(Debug, Deserialize)]
pub struct DocumentQuery {
    pub id: Option<String>,
}

#[derive(Debug, Serialize)]
struct DocumentPage {
    #[serde(flatten)]
    base: Base,
    title: String,
    tier: String,
    case_number: Option<String>,
    court: Option<String>,
    decided: Option<String>,
    paragraphs: Vec<Vec<LinkPiece>>,
}

/// `GET /judgments?id=`: a case document of the corpus, its citations linked.
pub async fn document_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<DocumentQuery>,
) -> Result<Response, WebError> {
    let id = q.id.unwrap_or_default();
    let doc = state.app.case_document(id.trim()).await?;
    let paragraphs = doc.text.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| linkify(l, None)).collect();
    let page = DocumentPage {
        base: Base::new(&state, &user, "laws", &doc.title),
        title: doc.title,
        tier: doc.tier,
        case_number: doc.case_number,
        court: doc.court,
        decided: doc.decided,
        paragraphs,
    };
    Ok(state.templates.render("judgment.html", &page)?.into_response())
}

fn json_body(body: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError(WebError::Refused(xiezhi_app::Refusal::unreadable("body", "", &format!("请求体不是有效的JSON: {e}"))))
    })
}

fn text_field(v: &Value, key: &str, required: bool) -> Result<Option<String>, ApiError> {
    match v.get(key) {
        Some(Value::String(s)) if s.chars().count() > FACTS_LIMIT => {
            Err(ApiError(WebError::Refused(xiezhi_app::Refusal::unacceptable(
                key,
                "",
                &format!("最多 {FACTS_LIMIT} 字 / at most {FACTS_LIMIT} characters"),
            ))))
        }
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
        None | Some(Value::Null) if !required => Ok(None),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            Err(ApiError(WebError::Refused(xiezhi_app::Refusal::unacceptable(key, "", "不能为空 / required"))))
        }
        Some(other) => Err(ApiError(WebError::Refused(xiezhi_app::Refusal::unreadable(
            key,
            &other.to_string().chars().take(40).collect::<String>(),
            "应为文本 / must be a string",
        )))),
    }
}

fn top_field(v: &Value, default: usize) -> Result<usize, ApiError> {
    match v.get("top") {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Number(n)) if n.as_u64().is_some_and(|n| (1..=100).contains(&n)) => {
            Ok(n.as_u64().unwrap_or(default as u64) as usize)
        }
        Some(other) => Err(ApiError(WebError::Refused(xiezhi_app::Refusal::unacceptable(
            "top",
            &other.to_string(),
            "应为 1–100 的整数 / an integer from 1 to 100",
        )))),
    }
}

#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    pub cite: Option<String>,
    pub as_of: Option<String>,
}

/// `GET /api/v1/laws/show?cite=&as_of=`: the article, or 404 with why it does not resolve.
pub async fn api_show(
    State(state): State<AppState>,
    ApiUser(_user): ApiUser,
    Query(q): Query<ShowQuery>,
) -> Result<Json<Value>, ApiError> {
    let as_of = parse_day(q.as_of.as_deref(), "as_of")?.unwrap_or(state.app.clock.today());
    let cite = q.cite.unwrap_or_default();
    let found = blocking("laws show", move || -> Result<Value, String> {
        let corpus = Corpus::embedded().map_err(|e| e.to_string())?;
        match corpus.show(&cite, Some(as_of)) {
            Ok(article) => {
                let index = corpus.articles.iter().position(|a| std::ptr::eq(a, article)).unwrap_or(0);
                Ok(article_json(corpus, index))
            }
            Err(e) => Ok(json!({"error": e.to_string()})),
        }
    })
    .await?
    .map_err(WebError::Internal)?;
    if let Some(e) = found.get("error").and_then(Value::as_str) {
        return Err(ApiError(WebError::BadRequest(e.to_owned())));
    }
    Ok(Json(found))
}

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    pub q: Option<String>,
    pub law: Option<String>,
    pub as_of: Option<String>,
    pub top: Option<usize>,
}

/// `GET /api/v1/laws/search?q=&law=&as_of=&top=`.
pub async fn api_search(
    State(state): State<AppState>,
    ApiUser(_user): ApiUser,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Value>, ApiError> {
    let as_of = parse_day(q.as_of.as_deref(), "as_of")?.unwrap_or(state.app.clock.today());
    let query: String = q.q.unwrap_or_default().chars().take(200).collect();
    let top = q.top.unwrap_or(10).clamp(1, 100);
    let law = q.law.unwrap_or_default();
    let result = blocking("laws search", move || -> Result<Value, String> {
        let corpus = Corpus::embedded().map_err(|e| e.to_string())?;
        let only = if law.trim().is_empty() {
            None
        } else {
            Some(corpus.names.resolve(law.trim()).ok_or_else(|| format!("法律库中没有“{}”", law.trim()))?.to_owned())
        };
        let index = SearchIndex::embedded().map_err(|e| e.to_string())?;
        let in_force = corpus.in_force(Some(as_of));
        let hits = index.search(corpus, &query, top, |a| {
            let l = corpus.articles[a].law;
            in_force[l] && only.as_deref().is_none_or(|o| corpus.laws[l].name == o)
        });
        Ok(Value::Array(
            hits.iter()
                .map(|h| {
                    let mut v = article_json(corpus, h.article);
                    v["score"] = json!((f64::from(h.score) * 1000.0).round() / 1000.0);
                    v["highlights"] = json!(h.highlights.iter().map(|(s, e)| [s, e]).collect::<Vec<_>>());
                    v
                })
                .collect(),
        ))
    })
    .await?;
    result.map(Json).map_err(|e| ApiError(WebError::BadRequest(e)))
}

/// `POST /api/v1/laws/recommend` `{"facts", "top"?, "as_of"?}`.
pub async fn api_recommend(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    auth::check_csrf_header(&user, &headers)?;
    let v = json_body(&body)?;
    let facts = text_field(&v, "facts", true)?.unwrap_or_default();
    let top = top_field(&v, 5)?;
    let as_of = parse_day(text_field(&v, "as_of", false)?.as_deref(), "as_of")?.unwrap_or(state.app.clock.today());
    let research = state.app.research("API", &facts, as_of, top).await?;
    Ok(Json(Value::Array(
        research
            .articles
            .iter()
            .map(
                |a| json!({"law": a.law, "article": a.label, "article_no": a.number, "suffix": a.suffix, "why": a.why}),
            )
            .collect(),
    )))
}

/// `POST /api/v1/similar` `{"query", "top"?, "candidates"?: [{"id", "text"}]}`: among the
/// candidates, or the judgment corpus.
pub async fn api_similar(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    auth::check_csrf_header(&user, &headers)?;
    let v = json_body(&body)?;
    let query = text_field(&v, "query", true)?.unwrap_or_default();
    let candidates = match v.get("candidates") {
        None | Some(Value::Null) => None,
        Some(Value::Array(list)) => {
            let mut texts = Vec::new();
            let mut cases = Vec::new();
            for (i, c) in list.iter().enumerate() {
                let id = match c.get("id") {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => {
                        return Err(ApiError(WebError::Refused(xiezhi_app::Refusal::unacceptable(
                            &format!("candidates[{i}].id"),
                            "",
                            "缺少 / required",
                        ))));
                    }
                };
                let text = text_field(c, "text", true).map_err(|_| {
                    ApiError(WebError::Refused(xiezhi_app::Refusal::unacceptable(
                        &format!("candidates[{i}].text"),
                        "",
                        "应为非空文本 / a non-empty string",
                    )))
                })?;
                texts.push(text.unwrap_or_default());
                cases.push(SimilarCase {
                    id,
                    title: None,
                    case_number: None,
                    court: None,
                    tier: "其他".to_owned(),
                    score: 0.0,
                    why: Vec::new(),
                });
            }
            Some((texts, cases))
        }
        Some(_) => {
            return Err(ApiError(WebError::Refused(xiezhi_app::Refusal::unreadable(
                "candidates",
                "",
                "应为数组 / must be an array",
            ))));
        }
    };
    let ranked: Vec<Value> = match candidates {
        Some((texts, mut cases)) => {
            let top = top_field(&v, cases.len().max(1))?;
            let cases = blocking("similar", move || {
                rank(&query, &texts, &mut cases, top);
                cases.truncate(top);
                cases
            })
            .await?;
            cases
                .iter()
                .map(|c| json!({"id": c.id, "score": (c.score * 1000.0).round() / 1000.0, "why": c.why}))
                .collect()
        }
        None => {
            let top = top_field(&v, 10)?;
            state
                .app
                .similar_cases(&query, top)
                .await?
                .iter()
                .map(|c| {
                    json!({"id": c.id, "score": (c.score * 1000.0).round() / 1000.0, "why": c.why,
                        "case_number": c.case_number, "court": c.court, "tier": c.tier, "title": c.title})
                })
                .collect()
        }
    };
    Ok(Json(Value::Array(ranked)))
}

/// `POST /api/v1/cite` `{"text"}`: every 案号 and statute reference with character offsets.
pub async fn api_cite(ApiUser(user): ApiUser, headers: HeaderMap, body: Bytes) -> Result<Json<Value>, ApiError> {
    auth::check_csrf_header(&user, &headers)?;
    let v = json_body(&body)?;
    let text = text_field(&v, "text", true)?.unwrap_or_default();
    let found = blocking("cite", move || -> Result<Value, String> {
        let corpus = Corpus::embedded().map_err(|e| e.to_string())?;
        let c = xiezhi_legal::cite(&text, &corpus.names, None);
        Ok(json!({
            "case_numbers": c.case_numbers.iter().map(|n| json!({"text": n.text, "canonical": n.canonical, "start": n.start, "end": n.end})).collect::<Vec<_>>(),
            "statutes": c.statutes.iter().map(|s| json!({"text": s.text, "law": s.law, "article_no": s.article_no, "suffix": s.suffix, "paragraph": s.paragraph, "item": s.item, "start": s.start, "end": s.end})).collect::<Vec<_>>(),
        }))
    })
    .await?
    .map_err(WebError::Internal)?;
    Ok(Json(found))
}
