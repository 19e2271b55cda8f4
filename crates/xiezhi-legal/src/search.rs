//! 法条检索 article-level search: BM25 over character bigrams, in memory.
//!
//! Chinese has no spaces, and a word segmenter needs a dictionary (jieba's, or lindera's which
//! downloads at build time); character bigrams need none, match every word a segmenter would and
//! the parts of words it would not (盗窃 in 入户盗窃), and keep the index small (≈3 million
//! postings for the 26,000 articles). A query is cut the same way, so an unsegmented query is
//! never turned into one long phrase. Highlights are the character ranges where the query's
//! bigrams occur.

use std::collections::HashMap;

use crate::corpus::Corpus;

const K1: f32 = 1.2;
const B: f32 = 0.75;

fn indexed(c: char) -> bool {
    c.is_alphanumeric()
}

/// The bigrams of `text` (over indexed characters, with their char offsets), or its single
/// characters when it has only one.
fn bigrams(text: &str) -> Vec<(u64, usize)> {
    let chars: Vec<(usize, char)> = text.chars().enumerate().filter(|(_, c)| indexed(*c)).collect();
    if chars.len() == 1 {
        return vec![(u64::from(chars[0].1 as u32), chars[0].0)];
    }
    chars
        .windows(2)
        .filter(|w| w[1].0 == w[0].0 + 1)
        .map(|w| ((u64::from(w[0].1 as u32) << 32) | u64::from(w[1].1 as u32), w[0].0))
        .collect()
}

/// The index over every article of a corpus.
pub struct SearchIndex {
    postings: HashMap<u64, Vec<(u32, u16)>>,
    lengths: Vec<u32>,
    average: f32,
    /// Per article, the prior of its source's rank (效力层级), multiplied into its score.
    authority: Vec<f32>,
}

/// One hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Index into [`Corpus::articles`].
    pub article: usize,
    pub score: f32,
    /// Character ranges of the text that match the query.
    pub highlights: Vec<(usize, usize)>,
}

/// Where built indexes are kept between runs: the caller's files (this crate does no IO).
pub trait IndexFiles: Send + Sync {
    /// The bytes kept under `name`, if any.
    fn load(&self, name: &str) -> Option<Vec<u8>>;
    /// Keeps `bytes` under `name` so that a reader sees either no file or the whole one (a
    /// temporary file renamed into place), and drops indexes kept under other names.
    fn save(&self, name: &str, bytes: &[u8]);
}

static FILES: std::sync::OnceLock<Box<dyn IndexFiles>> = std::sync::OnceLock::new();

/// Makes [`SearchIndex::embedded`] read a kept index, and keep the one it builds, in `files`;
/// only before its first use (false after).
pub fn install_index_files(files: Box<dyn IndexFiles>) -> bool {
    FILES.set(files).is_ok()
}

/// The name a corpus's index is kept under: the format's version and the corpus fingerprint
/// ([`crate::corpus::corpus_fingerprint`]).
pub fn index_file_name(fingerprint: u64) -> String {
    format!("search-v{FORMAT}-{fingerprint:016x}.idx")
}

/// The kept format's version (a change of layout or of what is indexed changes it).
const FORMAT: u32 = 1;
const MAGIC: &[u8; 8] = b"XZIDX\0\0\x01";

impl SearchIndex {
    /// The index of the embedded corpus, once per process: read from the kept file of this
    /// corpus when [`install_index_files`] gave one and it is whole, else built (and kept).
    pub fn embedded() -> Result<&'static SearchIndex, crate::LegalError> {
        static INDEX: std::sync::OnceLock<SearchIndex> = std::sync::OnceLock::new();
        let corpus = Corpus::embedded()?;
        Ok(INDEX.get_or_init(|| {
            let Some(files) = FILES.get() else { return SearchIndex::build(corpus) };
            let name = index_file_name(crate::corpus::corpus_fingerprint(crate::corpus::installed_imported()));
            if let Some(index) = files.load(&name).and_then(|b| SearchIndex::from_bytes(&b, corpus)) {
                return index;
            }
            let index = SearchIndex::build(corpus);
            files.save(&name, &index.to_bytes());
            index
        }))
    }

    /// The index as bytes to keep: a header (magic, article count, average length), the
    /// per-article lengths and priors, then each bigram's postings, all little-endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        let postings: usize = self.postings.values().map(Vec::len).sum();
        let mut out = Vec::with_capacity(32 + self.lengths.len() * 8 + self.postings.len() * 12 + postings * 6);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.lengths.len() as u64).to_le_bytes());
        out.extend_from_slice(&self.average.to_le_bytes());
        for l in &self.lengths {
            out.extend_from_slice(&l.to_le_bytes());
        }
        for a in &self.authority {
            out.extend_from_slice(&a.to_le_bytes());
        }
        out.extend_from_slice(&(self.postings.len() as u64).to_le_bytes());
        let mut grams: Vec<&u64> = self.postings.keys().collect();
        grams.sort_unstable();
        for g in grams {
            let list = &self.postings[g];
            out.extend_from_slice(&g.to_le_bytes());
            out.extend_from_slice(&(list.len() as u32).to_le_bytes());
            for (doc, tf) in list {
                out.extend_from_slice(&doc.to_le_bytes());
                out.extend_from_slice(&tf.to_le_bytes());
            }
        }
        out
    }

    /// An index read back from [`SearchIndex::to_bytes`]; `None` unless it is whole and fits
    /// `corpus` (its article count, every posting inside it).
    pub fn from_bytes(bytes: &[u8], corpus: &Corpus) -> Option<SearchIndex> {
        struct Reader<'a>(&'a [u8]);
        impl Reader<'_> {
            fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
                let (head, rest) = self.0.split_first_chunk::<N>()?;
                self.0 = rest;
                Some(*head)
            }
        }
        let mut r = Reader(bytes);
        if &r.take::<8>()? != MAGIC {
            return None;
        }
        let n = usize::try_from(u64::from_le_bytes(r.take()?)).ok()?;
        if n != corpus.articles.len() {
            return None;
        }
        let average = f32::from_le_bytes(r.take()?);
        let lengths = (0..n).map(|_| r.take().map(u32::from_le_bytes)).collect::<Option<Vec<_>>>()?;
        let authority = (0..n).map(|_| r.take().map(f32::from_le_bytes)).collect::<Option<Vec<_>>>()?;
        let grams = usize::try_from(u64::from_le_bytes(r.take()?)).ok()?;
        // Each bigram takes at least 12 bytes: a count beyond what is left is a broken file.
        if grams > r.0.len() / 12 {
            return None;
        }
        let mut postings = HashMap::with_capacity(grams);
        for _ in 0..grams {
            let g = u64::from_le_bytes(r.take()?);
            let len = u32::from_le_bytes(r.take()?) as usize;
            if len > r.0.len() / 6 {
                return None;
            }
            let mut list = Vec::with_capacity(len);
            for _ in 0..len {
                let doc = u32::from_le_bytes(r.take()?);
                let tf = u16::from_le_bytes(r.take()?);
                if doc as usize >= n {
                    return None;
                }
                list.push((doc, tf));
            }
            postings.insert(g, list);
        }
        r.0.is_empty().then_some(SearchIndex { postings, lengths, average, authority })
    }

    /// Indexes every article's text (its law's name is not indexed: filter by law instead).
    pub fn build(corpus: &Corpus) -> SearchIndex {
        let mut postings: HashMap<u64, Vec<(u32, u16)>> = HashMap::new();
        let mut lengths = Vec::with_capacity(corpus.articles.len());
        for (doc, a) in corpus.articles.iter().enumerate() {
            let grams = bigrams(&a.text);
            lengths.push(grams.len() as u32);
            let mut counts: HashMap<u64, u16> = HashMap::new();
            for (g, _) in grams {
                *counts.entry(g).or_default() += 1;
            }
            for (g, n) in counts {
                postings.entry(g).or_default().push((doc as u32, n));
            }
        }
        let average = lengths.iter().map(|&l| l as f32).sum::<f32>() / lengths.len().max(1) as f32;
        let authority = corpus.articles.iter().map(|a| authority(&corpus.laws[a.law])).collect();
        SearchIndex { postings, lengths, average, authority }
    }

    /// The best `top` articles for `query` among those `allowed` lets through (the versions
    /// in force, a law filter), best first.
    pub fn search(&self, corpus: &Corpus, query: &str, top: usize, allowed: impl Fn(usize) -> bool) -> Vec<Hit> {
        let mut grams: Vec<u64> = bigrams(query).into_iter().map(|(g, _)| g).collect();
        grams.sort_unstable();
        grams.dedup();
        let n = self.lengths.len() as f32;
        let mut scores: HashMap<u32, f32> = HashMap::new();
        for g in &grams {
            let Some(list) = self.postings.get(g) else { continue };
            let idf = ((n - list.len() as f32 + 0.5) / (list.len() as f32 + 0.5) + 1.0).ln();
            for &(doc, tf) in list {
                let tf = f32::from(tf);
                let norm = K1 * (1.0 - B + B * self.lengths[doc as usize] as f32 / self.average);
                *scores.entry(doc).or_default() += idf * tf * (K1 + 1.0) / (tf + norm);
            }
        }
        let mut ranked: Vec<(u32, f32)> = scores
            .into_iter()
            .filter(|(doc, _)| allowed(*doc as usize))
            .map(|(doc, score)| (doc, score * self.authority[doc as usize]))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(top);
        ranked
            .into_iter()
            .map(|(doc, score)| Hit {
                article: doc as usize,
                score,
                highlights: highlights(&corpus.articles[doc as usize].text, &grams),
            })
            .collect()
    }
}

/// 效力层级 as a ranking prior: among texts that match about equally, the higher source first —
/// the Constitution and laws, then judicial interpretations, administrative regulations,
/// departmental rules and the rest; an amendment act (修正案, 修改决定) after the law it amends,
/// whose own article says the same in force.
fn authority(law: &crate::corpus::LawVersion) -> f32 {
    if law.doc_type == "修正案" || law.doc_type == "修改决定" || law.name.contains("修正案") {
        return 0.8;
    }
    match law.level.as_str() {
        "宪法"
        | "法律"
        | "宪法相关法"
        | "民法商法"
        | "行政法"
        | "经济法"
        | "社会法"
        | "诉讼与非诉讼程序法"
        | "刑法" => 1.0,
        "司法解释" => 0.95,
        "行政法规" => 0.9,
        _ => 0.85,
    }
}

/// The merged character ranges of `text` covered by the query's bigrams.
fn highlights(text: &str, grams: &[u64]) -> Vec<(usize, usize)> {
    let single = grams.iter().all(|g| g >> 32 == 0);
    let mut ranges: Vec<(usize, usize)> = bigrams(text)
        .into_iter()
        .filter(|(g, _)| grams.binary_search(g).is_ok())
        .map(|(_, at)| (at, at + if single { 1 } else { 2 }))
        .collect();
    if single {
        ranges = text
            .chars()
            .enumerate()
            .filter(|(_, c)| grams.binary_search(&u64::from(*c as u32)).is_ok())
            .map(|(i, _)| (i, i + 1))
            .collect();
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigrams_skip_punctuation_and_keep_offsets() {
        let g = bigrams("盗窃，公私");
        assert_eq!(g.iter().map(|(_, at)| *at).collect::<Vec<_>>(), [0, 3]);
        assert_eq!(
            highlights("入户盗窃财物", &{
                let mut q: Vec<u64> = bigrams("盗窃").into_iter().map(|(g, _)| g).collect();
                q.sort_unstable();
                q
            }),
            [(2, 4)]
        );
    }
}
