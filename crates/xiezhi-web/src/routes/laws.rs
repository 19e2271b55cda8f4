//! 法律检索: search the statutes shipped in the binary (filters by law and day, matching parts
//! marked), and an article by its citation with its versions side by side.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use xiezhi_legal::{Corpus, SearchIndex};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::models::Base;
use crate::shared::{blocking, parse_day};

#[derive(Debug, Deserialize, Default)]
pub struct LawsQuery {
    /// 检索词.
    pub q: Option<String>,
    /// 法律 (full or short name).
    pub law: Option<String>,
    /// 时点.
    pub as_of: Option<String>,
    /// 引注: show this article.
    pub cite: Option<String>,
}

/// A piece of an article's text, marked when it matches the query.
#[derive(Debug, Serialize)]
pub struct Piece {
    pub text: String,
    pub hit: bool,
}

#[derive(Debug, Serialize)]
pub struct LawHit {
    pub law: String,
    pub article: String,
    /// The article's page: its versions side by side.
    pub link: String,
    pub version: String,
    pub pieces: Vec<Piece>,
}

/// One version of the article shown.
#[derive(Debug, Serialize)]
pub struct ArticleVersion {
    pub version: String,
    pub effective: String,
    pub status: String,
    pub text: String,
    /// The text with its citations (本法第X条, other laws, 案号) as links.
    pub pieces: Vec<crate::shared::LinkPiece>,
    /// Whether it is the one in force on the day asked.
    pub current: bool,
    /// Whether its text differs from the version before it.
    pub changed: bool,
}

#[derive(Debug, Serialize)]
pub struct LawsPage {
    #[serde(flatten)]
    pub base: Base,
    pub q: String,
    pub law: String,
    pub as_of: String,
    pub cite: String,
    pub hits: Vec<LawHit>,
    pub searched: bool,
    pub article_title: Option<String>,
    pub versions: Vec<ArticleVersion>,
    pub error: Option<String>,
    pub articles: usize,
    pub laws: usize,
    /// The facts of 案情分析 and what they gave.
    pub facts: String,
    pub analysis: Option<crate::routes::research::AnalysisView>,
    pub cases: usize,
}

fn pieces(text: &str, highlights: &[(usize, usize)]) -> Vec<Piece> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    for &(s, e) in highlights {
        if s > at {
            out.push(Piece { text: chars[at..s].iter().collect(), hit: false });
        }
        out.push(Piece { text: chars[s..e].iter().collect(), hit: true });
        at = e;
    }
    if at < chars.len() {
        out.push(Piece { text: chars[at..].iter().collect(), hit: false });
    }
    out
}

/// `GET /laws?q=&law=&as_of=&cite=`: every signed-in user (statutes are public texts).
pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<LawsQuery>,
) -> Result<Response, WebError> {
    render(&state, &user, q, None).await
}

/// The page, with the results of 案情分析 when there are some.
pub(crate) async fn render(
    state: &AppState,
    user: &xiezhi_app::CurrentUser,
    q: LawsQuery,
    analysis: Option<(String, crate::routes::research::AnalysisView)>,
) -> Result<Response, WebError> {
    let today = state.app.clock.today();
    let as_of = parse_day(q.as_of.as_deref(), "时点")?.unwrap_or(today);
    let query = q.q.clone().unwrap_or_default().trim().chars().take(200).collect::<String>();
    let law = q.law.clone().unwrap_or_default().trim().to_owned();
    let cite = q.cite.clone().unwrap_or_default().trim().chars().take(200).collect::<String>();
    let (query_, law_, cite_) = (query.clone(), law.clone(), cite.clone());
    let (hits, versions, article_title, error, counts) = blocking("laws", move || {
        let corpus = Corpus::embedded().map_err(|e| e.to_string())?;
        let mut error = None;
        let only = if law_.is_empty() {
            None
        } else {
            match corpus.names.resolve(&law_) {
                Some(n) => Some(n.to_owned()),
                None => {
                    error = Some(format!("法律库中没有“{law_}”。"));
                    None
                }
            }
        };
        let mut hits = Vec::new();
        if !query_.is_empty() && error.is_none() {
            let index = SearchIndex::embedded().map_err(|e| e.to_string())?;
            let in_force = corpus.in_force(Some(as_of));
            for h in index.search(corpus, &query_, 20, |a| {
                let l = corpus.articles[a].law;
                in_force[l] && only.as_deref().is_none_or(|o| corpus.laws[l].name == o)
            }) {
                let a = &corpus.articles[h.article];
                let l = &corpus.laws[a.law];
                hits.push(LawHit {
                    law: l.name.clone(),
                    article: a.label.clone(),
                    link: format!(
                        "/laws?cite={}&as_of={as_of}&q={}",
                        crate::shared::enc(&format!("{}{}", l.name, a.label)),
                        crate::shared::enc(&query_)
                    ),
                    version: l.version.map(|d| d.to_string()).unwrap_or_default(),
                    pieces: pieces(&a.text, &h.highlights),
                });
            }
        }
        let mut versions = Vec::new();
        let mut title = None;
        if !cite_.is_empty() {
            match corpus.show(&cite_, Some(as_of)) {
                Ok(article) => {
                    let law = &corpus.laws[article.law];
                    title = Some(format!("《{}》{}", law.name, article.label));
                    let mut previous: Option<String> = None;
                    for v in corpus.versions_of(&law.name, article.number, article.suffix.as_deref()) {
                        let l = &corpus.laws[v.law];
                        versions.push(ArticleVersion {
                            version: l.version.map(|d| d.to_string()).unwrap_or_default(),
                            effective: l.effective.map(|d| d.to_string()).unwrap_or_default(),
                            status: l.status.clone(),
                            text: v.text.clone(),
                            pieces: crate::shared::linkify(&v.text, Some(&l.name)),
                            current: std::ptr::eq(v, article),
                            changed: previous.as_ref().is_some_and(|p| *p != v.text),
                        });
                        previous = Some(v.text.clone());
                    }
                }
                Err(e) => error = Some(e.to_string()),
            }
        }
        Ok::<_, String>((hits, versions, title, error, (corpus.articles.len(), corpus.laws.len(), corpus.cases.len())))
    })
    .await?
    .map_err(WebError::Internal)?;
    let (facts, analysis) = match analysis {
        Some((f, a)) => (f, Some(a)),
        None => (String::new(), None),
    };
    let page = LawsPage {
        base: Base::new(state, user, "laws", "法律检索"),
        facts,
        analysis,
        cases: counts.2,
        searched: !query.is_empty(),
        q: query,
        law,
        as_of: as_of.to_string(),
        cite,
        hits,
        article_title,
        versions,
        error,
        articles: counts.0,
        laws: counts.1,
    };
    Ok(state.templates.render("laws.html", &page)?.into_response())
}
