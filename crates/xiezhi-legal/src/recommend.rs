//! 法条推荐: from facts as a clerk would paste them (no charge, no cause given) to the articles
//! they most likely engage, each with the reasons.
//!
//! Three signals, all from texts that ship with the product:
//! 1. **The statute's own words**: BM25 over character bigrams of each crime article of the
//!    刑法 in force, its 罪名 (from the 罪名 regulations, [`crate::charges`]) and the paragraphs of
//!    the 司法解释 that name that 罪名 (how the courts describe the crime's elements). A query
//!    bigram common to all criminal facts (被告、指控、证据 — `data/fact-background.tsv`) counts
//!    little.
//! 2. **The 罪名 named in the facts** (盗窃, 故意伤害 …) multiplies the article's score.
//! 3. **Legal elements** (`data/elements.txt`): for each 罪名, the words by which facts
//!    describe its elements (醉酒驾驶、血液酒精含量 for 危险驾驶罪; 砸坏、损毁 for 故意毁坏
//!    财物罪), written from the statutes and common fact patterns, not from any single case.
//!    A word shared by many 罪名 counts less (its inverse frequency over the lexicon).
//!
//! Facts that do not look criminal (no 被告人/公诉/犯罪/指控 …) are matched by BM25 over every
//! article in force instead. The weights were chosen by cross-validation on the dev set and
//! are stable around their values (BENCHMARKS.md).

use std::collections::{HashMap, HashSet};

use xiezhi_domain::Date;

use crate::charges::{ArticleKey, ChargeTable};
use crate::corpus::Corpus;
use crate::search::SearchIndex;

const ELEMENTS: &str = include_str!("../data/elements.txt");
const BACKGROUND: &str = include_str!("../data/fact-background.tsv");

const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Times the 罪名 names are added to an article's text.
const NAME_REPEAT: usize = 2;
/// Weight of the 司法解释 paragraphs' bigrams in an article's text.
const INTERPRETATION_WEIGHT: f64 = 0.1;
/// Power of (1 − share of criminal facts containing the bigram).
const BACKGROUND_POWER: i32 = 2;
/// Score multiplier when the facts name the article's 罪名.
const NAMED_BOOST: f64 = 0.5;
/// Weight of the element score (both normalised to the best candidate).
const ELEMENT_WEIGHT: f64 = 1.0;
const ELEMENT_TF: f64 = 0.5;
const ELEMENT_LENGTH_POWER: f64 = 0.5;

/// Words that mark facts as criminal.
const CRIMINAL_MARKERS: [&str; 8] = ["被告人", "公诉", "检察院", "犯罪", "指控", "涉嫌", "刑事", "归案"];

/// One recommended article.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    /// Index into [`Corpus::articles`].
    pub article: usize,
    pub score: f64,
    pub why: Vec<String>,
}

fn kept(c: char) -> bool {
    c.is_alphabetic() && !c.is_ascii()
}

/// The bigrams of runs of Chinese characters.
fn bigrams(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).filter(|w| kept(w[0]) && kept(w[1])).map(|w| w.iter().collect()).collect()
}

fn counts(text: &str, weight: f64, into: &mut HashMap<String, f64>) {
    for g in bigrams(text) {
        *into.entry(g).or_default() += weight;
    }
}

/// An article as a BM25 document.
struct Doc {
    article: usize,
    charges: Vec<String>,
    terms: HashMap<String, f64>,
    length: f64,
}

/// The recommender over one corpus.
pub struct Recommender {
    docs: Vec<Doc>,
    idf: HashMap<String, f64>,
    average: f64,
    background: HashMap<String, f64>,
    /// 罪名 → its element words.
    elements: Vec<(String, Vec<String>)>,
    element_idf: HashMap<String, f64>,
}

impl Recommender {
    /// The recommender of the embedded corpus, built once.
    pub fn embedded() -> Result<&'static Recommender, crate::LegalError> {
        static R: std::sync::OnceLock<Recommender> = std::sync::OnceLock::new();
        let corpus = Corpus::embedded()?;
        Ok(R.get_or_init(|| Recommender::build(corpus)))
    }

    pub fn build(corpus: &Corpus) -> Recommender {
        let table = ChargeTable::from_corpus(corpus);
        let interpretations = interpretation_paragraphs(corpus, &table);
        let criminal_law = corpus.names.resolve("刑法").unwrap_or("中华人民共和国刑法").to_owned();
        let mut docs = Vec::new();
        for i in corpus.articles_of(&criminal_law, None) {
            let a = &corpus.articles[i];
            let key: ArticleKey = (a.number, a.suffix.clone());
            let charges: Vec<String> = table.of_article(&key).into_iter().map(str::to_owned).collect();
            if charges.is_empty() {
                continue;
            }
            let mut terms = HashMap::new();
            counts(&a.text, 1.0, &mut terms);
            let names = charges.join("。");
            for _ in 0..NAME_REPEAT {
                counts(&names, 1.0, &mut terms);
            }
            for p in interpretations.get(&key).into_iter().flatten() {
                counts(p, INTERPRETATION_WEIGHT, &mut terms);
            }
            let length = terms.values().sum();
            docs.push(Doc { article: i, charges, terms, length });
        }
        let n = docs.len() as f64;
        let mut df: HashMap<String, f64> = HashMap::new();
        for d in &docs {
            for t in d.terms.keys() {
                *df.entry(t.clone()).or_default() += 1.0;
            }
        }
        let idf = df.into_iter().map(|(t, f)| (t, ((n - f + 0.5) / (f + 0.5) + 1.0).ln())).collect();
        let average = docs.iter().map(|d| d.length).sum::<f64>() / n.max(1.0);
        let background = BACKGROUND
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .filter_map(|(g, f)| f.trim().parse::<f64>().ok().map(|f| (g.to_owned(), f)))
            .collect();
        let known: HashSet<&str> = table.charges.keys().map(String::as_str).collect();
        let elements = parse_elements(ELEMENTS, &known);
        let mut element_df: HashMap<String, f64> = HashMap::new();
        for (_, words) in &elements {
            for w in words {
                *element_df.entry(w.clone()).or_default() += 1.0;
            }
        }
        let total = elements.len() as f64;
        let element_idf = element_df.into_iter().map(|(w, f)| (w, (total / f).ln())).collect();
        Recommender { docs, idf, average, background, elements, element_idf }
    }

    /// The number of crime articles it ranks.
    pub fn articles(&self) -> usize {
        self.docs.len()
    }

    /// The best `top` articles for `facts`; `as_of` is used for facts that are not criminal
    /// (the crime articles are those of the 刑法 in force today).
    pub fn recommend(&self, corpus: &Corpus, facts: &str, top: usize, as_of: Option<Date>) -> Vec<Recommendation> {
        if !CRIMINAL_MARKERS.iter().any(|m| facts.contains(m)) {
            return self.general(corpus, facts, top, as_of);
        }
        let mut query: HashMap<String, f64> = HashMap::new();
        counts(facts, 1.0, &mut query);
        let weight: HashMap<&str, f64> = query
            .keys()
            .map(|g| (g.as_str(), (1.0 - self.background.get(g).copied().unwrap_or(0.0)).powi(BACKGROUND_POWER)))
            .collect();
        let mut bm25 = Vec::with_capacity(self.docs.len());
        for d in &self.docs {
            let norm = K1 * (1.0 - B + B * d.length / self.average);
            let mut s = 0.0;
            for g in query.keys() {
                if let Some(&f) = d.terms.get(g) {
                    s += weight[g.as_str()] * self.idf[g] * f * (K1 + 1.0) / (f + norm);
                }
            }
            let named = d.charges.iter().any(|c| facts.contains(c.trim_end_matches('罪')));
            bm25.push(if named { s * (1.0 + NAMED_BOOST) } else { s });
        }
        let best = bm25.iter().copied().fold(0.0, f64::max).max(f64::MIN_POSITIVE);
        let (element_scores, element_words) = self.element_scores(facts);
        let best_element = element_scores.values().copied().fold(0.0, f64::max).max(f64::MIN_POSITIVE);
        let mut ranked: Vec<(usize, f64)> = self
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let e = d.charges.iter().filter_map(|c| element_scores.get(c)).copied().fold(0.0, f64::max);
                (i, bm25[i] / best + ELEMENT_WEIGHT * e / best_element)
            })
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(self.docs[a.0].article.cmp(&self.docs[b.0].article)));
        ranked.truncate(top);
        ranked
            .into_iter()
            .map(|(i, score)| {
                let d = &self.docs[i];
                let mut why = Vec::new();
                let named: Vec<&str> =
                    d.charges.iter().filter(|c| facts.contains(c.trim_end_matches('罪'))).map(String::as_str).collect();
                if !named.is_empty() {
                    why.push(format!("事实中出现罪名用语：{}", named.join("、")));
                }
                for c in &d.charges {
                    if let Some(words) = element_words.get(c.as_str())
                        && !words.is_empty()
                    {
                        why.push(format!("{c}的要素：{}", words.join("、")));
                    }
                }
                let shared = self.shared_words(facts, d, &weight);
                if !shared.is_empty() {
                    why.push(format!("与条文用语相同：{}", shared.join("、")));
                }
                why.push(format!("本条罪名：{}", d.charges.join("、")));
                Recommendation { article: d.article, score, why }
            })
            .collect()
    }

    /// 罪名 → element score, and the element words found.
    fn element_scores<'a>(&'a self, facts: &str) -> (HashMap<String, f64>, HashMap<&'a str, Vec<&'a str>>) {
        let mut scores = HashMap::new();
        let mut found = HashMap::new();
        for (charge, words) in &self.elements {
            let mut s = 0.0;
            let mut hits = Vec::new();
            for w in words {
                let n = facts.matches(w.as_str()).count();
                if n > 0 {
                    s += self.element_idf[w]
                        * (1.0 + ELEMENT_TF * (n as f64).ln())
                        * (w.chars().count() as f64).powf(ELEMENT_LENGTH_POWER);
                    hits.push(w.as_str());
                }
            }
            if s > 0.0 {
                *scores.entry(charge.clone()).or_default() += s;
                found.entry(charge.as_str()).or_insert_with(Vec::new).extend(hits);
            }
        }
        (scores, found)
    }

    /// The facts' words (bigrams joined where they run on) that the article's text shares,
    /// the most telling first.
    fn shared_words(&self, facts: &str, d: &Doc, weight: &HashMap<&str, f64>) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut scored: Vec<(f64, String)> = bigrams(facts)
            .into_iter()
            .filter(|g| d.terms.contains_key(g) && seen.insert(g.clone()))
            .map(|g| (weight.get(g.as_str()).copied().unwrap_or(1.0) * self.idf.get(&g).copied().unwrap_or(0.0), g))
            .filter(|(s, _)| *s > 1.0)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().take(6).map(|(_, g)| g).collect()
    }

    /// Facts that are not criminal: BM25 over every article in force.
    fn general(&self, corpus: &Corpus, facts: &str, top: usize, as_of: Option<Date>) -> Vec<Recommendation> {
        let Ok(index) = SearchIndex::embedded() else { return Vec::new() };
        let in_force = corpus.in_force(as_of);
        index
            .search(corpus, facts, top, |a| in_force[corpus.articles[a].law] && corpus.articles[a].number > 0)
            .into_iter()
            .map(|hit| {
                let text: Vec<char> = corpus.articles[hit.article].text.chars().collect();
                let words: Vec<String> = hit
                    .highlights
                    .iter()
                    .filter(|(s, e)| e - s >= 2)
                    .map(|&(s, e)| text[s..e.min(text.len())].iter().collect::<String>())
                    .collect::<Vec<_>>()
                    .into_iter()
                    .fold(Vec::new(), |mut acc, w| {
                        if !acc.contains(&w) {
                            acc.push(w);
                        }
                        acc
                    });
                let why = vec![format!("与条文用语相同：{}", words.into_iter().take(6).collect::<Vec<_>>().join("、"))];
                Recommendation { article: hit.article, score: f64::from(hit.score), why }
            })
            .collect()
    }
}

/// `罪名：词|词` lines; names the table does not know are dropped.
fn parse_elements(text: &str, known: &HashSet<&str>) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let Some((name, words)) = line.split_once('：') else { continue };
        if !known.contains(name) {
            continue;
        }
        let words: Vec<String> = words.split('|').map(str::trim).filter(|w| !w.is_empty()).map(str::to_owned).collect();
        match out.iter_mut().find(|(n, _)| n == name) {
            Some((_, existing)) => {
                for w in words {
                    if !existing.contains(&w) {
                        existing.push(w);
                    }
                }
            }
            None => out.push((name.to_owned(), words)),
        }
    }
    out
}

/// For each crime article, the 司法解释 paragraphs that name one or two 罪名 of it.
fn interpretation_paragraphs(corpus: &Corpus, table: &ChargeTable) -> HashMap<ArticleKey, Vec<String>> {
    let names: HashSet<&str> = table.charges.keys().map(String::as_str).collect();
    let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let mut out: HashMap<ArticleKey, Vec<String>> = HashMap::new();
    for a in &corpus.articles {
        let law = &corpus.laws[a.law];
        if law.doc_type != "司法解释" || law.name.contains("罪名") {
            continue;
        }
        for paragraph in a.text.lines() {
            if !paragraph.contains('罪') {
                continue;
            }
            let chars: Vec<char> = paragraph.chars().collect();
            let mut found: Vec<String> = Vec::new();
            for (i, c) in chars.iter().enumerate() {
                if *c != '罪' {
                    continue;
                }
                // The longest 罪名 ending here.
                let hit = (2..=longest.min(i + 1))
                    .rev()
                    .map(|len| chars[i + 1 - len..=i].iter().collect::<String>())
                    .find(|s| names.contains(s.as_str()));
                if let Some(h) = hit
                    && !found.contains(&h)
                {
                    found.push(h);
                }
            }
            if (1..=2).contains(&found.len()) {
                for n in &found {
                    for key in &table.charges[n] {
                        out.entry(key.clone()).or_default().push(paragraph.to_owned());
                    }
                }
            }
        }
    }
    out
}
