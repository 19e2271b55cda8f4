//! 类案推送: how alike two case descriptions are, and why.
//!
//! Two texts are compared on
//! - their words: cosine of character-bigram TF-IDF vectors (document frequencies from the
//!   texts compared plus a background of 民间借贷 judgments, `data/loan-background.tsv`);
//! - their amounts: the distance between the largest sums of money, in orders of magnitude;
//! - their legal elements (要素): for each element of [`ELEMENTS`] (担保, 夫妻共同债务, 约定利息,
//!   转账交付 …) whether both texts have it or both lack it, and the share of the elements
//!   either has that both have.
//!
//! The weights of these features are learned ([`train`]: L2-regularised logistic regression
//! on "b or c is closer to a" triplets, with 5-fold cross-validation in `xiezhi bench
//! similar`); the shipped values are [`WEIGHTS`] over features divided by [`SCALES`].

use std::collections::HashMap;

const BACKGROUND: &str = include_str!("../data/loan-background.tsv");

/// A legal element of a 民间借贷 case: its label and the words that show it.
pub struct Element {
    pub label: &'static str,
    pub words: &'static [&'static str],
}

/// The elements compared (labels in the words of a 民间借贷 judgment).
pub const ELEMENTS: &[Element] = &[
    Element {
        label: "保证担保",
        words: &["保证人", "连带责任保证", "连带保证", "担保人", "提供担保", "保证责任", "担保"],
    },
    Element { label: "抵押", words: &["抵押"] },
    Element { label: "质押", words: &["质押"] },
    Element {
        label: "夫妻共同债务", words: &["夫妻共同债务", "夫妻关系", "婚姻关系存续", "配偶", "夫妻"]
    },
    Element {
        label: "公司或企业参与", words: &["有限公司", "有限责任公司", "公司", "企业", "厂"]
    },
    Element {
        label: "约定利息", words: &["月息", "月利率", "年利率", "利息", "分息", "%", "‰", "厘", "按月支付"]
    },
    Element { label: "未约定利息", words: &["未约定利息", "没有约定利息", "无息", "不计利息"] },
    Element { label: "逾期利息或违约金", words: &["逾期", "违约金", "罚息"] },
    Element { label: "借条", words: &["借条", "借据"] },
    Element { label: "欠条", words: &["欠条", "欠款"] },
    Element { label: "借款合同", words: &["借款合同", "借款协议", "合同"] },
    Element { label: "转账交付", words: &["转账", "银行转", "汇款", "汇入", "转入"] },
    Element { label: "现金交付", words: &["现金"] },
    Element { label: "微信或支付宝", words: &["微信", "支付宝"] },
    Element {
        label: "已部分还款", words: &["归还了", "已归还", "偿还了", "还款", "已还", "支付了利息", "支付利息"]
    },
    Element { label: "被告缺席", words: &["未到庭", "缺席", "未出庭", "未答辩", "未提交答辩"] },
    Element { label: "债权转让", words: &["债权转让", "转让"] },
    Element { label: "律师费", words: &["律师费", "律师代理费"] },
    Element { label: "诉讼时效", words: &["诉讼时效"] },
    Element { label: "利率超过法定上限", words: &["24%", "36%", "年利率24", "超过部分", "高利"] },
    Element { label: "多笔借款", words: &["多次", "分别", "先后", "累计", "共计"] },
    Element { label: "经营用途", words: &["经营", "资金周转", "生意", "工程", "项目"] },
    Element { label: "涉刑事", words: &["刑事", "犯罪", "公安"] },
    Element { label: "银行", words: &["银行"] },
    Element { label: "票据", words: &["支票", "承兑", "汇票"] },
    Element { label: "房屋或车辆", words: &["房屋", "房产", "车辆"] },
];

/// Features: cosine, amount closeness, one per element (same presence), element Jaccard.
pub const FEATURES: usize = 2 + ELEMENTS.len() + 1;

/// Learned by `xiezhi bench similar --train` on the dev triplets (see BENCHMARKS.md).
pub const WEIGHTS: [f64; FEATURES] = [
    0.381159, 0.010471, 0.599984, 0.159794, 0.000000, 0.125609, 0.224880, 0.049414, -0.181847, -0.039203, -0.004847,
    0.114851, -0.002202, 0.041666, 0.303279, 0.152870, -0.046362, -0.138672, 0.214038, 0.048509, 0.007965, -0.166825,
    -0.151523, 0.132119, 0.173496, 0.085226, 0.000000, 0.166673, 0.128265,
];
/// The spread (standard deviation of b−c differences) of each feature on the dev triplets.
pub const SCALES: [f64; FEATURES] = [
    0.025442, 0.737421, 0.643602, 0.340564, 1.000000, 0.677655, 0.551725, 0.388556, 0.340564, 0.564113, 0.603205,
    0.550839, 0.540000, 0.620000, 0.678221, 0.268209, 0.610626, 0.726207, 0.187659, 0.236102, 0.167284, 0.236508,
    0.629273, 0.690553, 0.189357, 0.691665, 1.000000, 0.368695, 0.207492,
];

fn kept(c: char) -> bool {
    c.is_alphabetic() && !c.is_ascii()
}

fn bigrams(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).filter(|w| kept(w[0]) && kept(w[1])).map(|w| w.iter().collect()).collect()
}

/// Document frequencies: the background's plus those of the texts being compared.
#[derive(Debug, Clone)]
pub struct Frequencies {
    documents: f64,
    df: HashMap<String, f64>,
}

impl Frequencies {
    /// The shipped background.
    pub fn background() -> Frequencies {
        let mut documents = 0.0;
        let mut df = HashMap::new();
        for line in BACKGROUND.lines().filter(|l| !l.starts_with('#')) {
            let Some((k, v)) = line.split_once('\t') else { continue };
            let Ok(v) = v.trim().parse::<f64>() else { continue };
            if k == "documents" {
                documents = v;
            } else {
                df.insert(k.to_owned(), v);
            }
        }
        Frequencies { documents, df }
    }

    /// No documents yet (for frequencies of the compared texts alone).
    pub fn empty() -> Frequencies {
        Frequencies { documents: 0.0, df: HashMap::new() }
    }

    /// Counts `text` as one more document.
    pub fn add(&mut self, text: &str) {
        let mut seen: Vec<String> = bigrams(text);
        seen.sort_unstable();
        seen.dedup();
        for g in seen {
            *self.df.entry(g).or_default() += 1.0;
        }
        self.documents += 1.0;
    }
}

/// A text prepared for comparison.
#[derive(Debug, Clone)]
pub struct Profile {
    vector: HashMap<String, f64>,
    /// The largest sum of money, yuan.
    amount: Option<f64>,
    elements: Vec<bool>,
    /// Whether the text is about a loan (the elements are a 民间借贷 dispute's).
    loan: bool,
}

/// Words that show a text is about a loan.
const LOAN_WORDS: [&str; 5] = ["借款", "借条", "欠条", "出借", "借贷"];

/// Sums of money in yuan (`70000元`, `7万元`, `70,000.00元`); at least 100 yuan.
pub fn amounts(text: &str) -> Vec<f64> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == ',') {
                i += 1;
            }
            let number: String = chars[start..i].iter().filter(|c| **c != ',').collect();
            let rest: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let factor = if rest.starts_with("万") {
                Some(10_000.0)
            } else if rest.starts_with('元') {
                Some(1.0)
            } else {
                None
            };
            if let (Some(f), Ok(v)) = (factor, number.trim_end_matches('.').parse::<f64>())
                && v * f >= 100.0
            {
                out.push(v * f);
            }
        } else {
            i += 1;
        }
    }
    out
}

impl Profile {
    pub fn new(text: &str, freq: &Frequencies) -> Profile {
        let mut counts: HashMap<String, f64> = HashMap::new();
        for g in bigrams(text) {
            *counts.entry(g).or_default() += 1.0;
        }
        let n = freq.documents.max(1.0);
        let mut vector: HashMap<String, f64> = counts
            .into_iter()
            .map(|(g, c)| {
                let df = freq.df.get(&g).copied().unwrap_or(1.0).max(1.0);
                let w = (1.0 + c.ln()) * (n / df).ln().max(0.0);
                (g, w)
            })
            .collect();
        let norm = vector.values().map(|w| w * w).sum::<f64>().sqrt().max(f64::MIN_POSITIVE);
        for w in vector.values_mut() {
            *w /= norm;
        }
        let amount = amounts(text).into_iter().fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
        let elements = ELEMENTS.iter().map(|e| e.words.iter().any(|w| text.contains(w))).collect();
        let loan = LOAN_WORDS.iter().any(|w| text.contains(w));
        Profile { vector, amount, elements, loan }
    }

    /// Cosine of the two texts' word vectors.
    pub fn cosine(&self, other: &Profile) -> f64 {
        features(self, other)[0]
    }

    /// The element labels this text has.
    pub fn element_labels(&self) -> Vec<&'static str> {
        ELEMENTS.iter().zip(&self.elements).filter(|(_, h)| **h).map(|(e, _)| e.label).collect()
    }
}

/// The features of a pair.
pub fn features(a: &Profile, b: &Profile) -> [f64; FEATURES] {
    let mut f = [0.0; FEATURES];
    let (small, large) = if a.vector.len() < b.vector.len() { (a, b) } else { (b, a) };
    f[0] = small.vector.iter().map(|(g, w)| w * large.vector.get(g).copied().unwrap_or(0.0)).sum();
    f[1] = match (a.amount, b.amount) {
        (Some(x), Some(y)) => -(x.log10() - y.log10()).abs(),
        _ => 0.0,
    };
    let (mut both, mut either) = (0.0, 0.0);
    for (i, (x, y)) in a.elements.iter().zip(&b.elements).enumerate() {
        f[2 + i] = if x == y { 1.0 } else { 0.0 };
        both += f64::from(u8::from(*x && *y));
        either += f64::from(u8::from(*x || *y));
    }
    f[FEATURES - 1] = if either > 0.0 { both / either } else { 0.0 };
    f
}

/// The score of a pair under some weights.
pub fn score_with(f: &[f64; FEATURES], weights: &[f64; FEATURES], scales: &[f64; FEATURES]) -> f64 {
    f.iter().zip(weights).zip(scales).map(|((x, w), s)| x * w / s).sum()
}

/// The shipped score of a pair.
pub fn score(a: &Profile, b: &Profile) -> f64 {
    score_with(&features(a, b), &WEIGHTS, &SCALES)
}

/// Why `b` is like `a`: the elements both have, their amounts, how alike the words are.
pub fn why(a: &Profile, b: &Profile) -> Vec<String> {
    let f = features(a, b);
    let mut out = Vec::new();
    // The elements are those of a loan dispute: named only when both texts are about loans.
    if !(a.loan && b.loan) {
        if let (Some(x), Some(y)) = (a.amount, b.amount) {
            out.push(format!("金额：{} / {}", yuan(x), yuan(y)));
        }
        out.push(format!("文字相似度 {:.2}", f[0]));
        return out;
    }
    let shared: Vec<&str> =
        ELEMENTS.iter().enumerate().filter(|(i, _)| a.elements[*i] && b.elements[*i]).map(|(_, e)| e.label).collect();
    if !shared.is_empty() {
        out.push(format!("共同要素：{}", shared.join("、")));
    }
    let differ: Vec<&str> = ELEMENTS
        .iter()
        .enumerate()
        .filter(|(i, _)| a.elements[*i] != b.elements[*i])
        .map(|(_, e)| e.label)
        .take(5)
        .collect();
    if !differ.is_empty() {
        out.push(format!("不同要素：{}", differ.join("、")));
    }
    if let (Some(x), Some(y)) = (a.amount, b.amount) {
        out.push(format!("金额：{} / {}", yuan(x), yuan(y)));
    }
    out.push(format!("文字相似度 {:.2}", f[0]));
    out
}

fn yuan(v: f64) -> String {
    if v >= 10_000.0 { format!("{:.2}万元", v / 10_000.0) } else { format!("{v:.0}元") }
}

/// One training triplet: a, b, c and whether b is the closer.
pub struct Triplet<'a> {
    pub a: &'a str,
    pub b: &'a str,
    pub c: &'a str,
    pub b_closer: bool,
}

/// The feature differences f(a,b) − f(a,c) of triplets, with the background frequencies plus
/// the triplets' own texts.
pub fn differences(triplets: &[Triplet<'_>]) -> Vec<[f64; FEATURES]> {
    let mut freq = Frequencies::background();
    for t in triplets {
        for text in [t.a, t.b, t.c] {
            freq.add(text);
        }
    }
    triplets
        .iter()
        .map(|t| {
            let (a, b, c) = (Profile::new(t.a, &freq), Profile::new(t.b, &freq), Profile::new(t.c, &freq));
            let (fb, fc) = (features(&a, &b), features(&a, &c));
            let mut d = [0.0; FEATURES];
            for i in 0..FEATURES {
                d[i] = fb[i] - fc[i];
            }
            d
        })
        .collect()
}

/// Learns weights and scales from feature differences and labels (true: b closer):
/// logistic regression with an L2 penalty, by gradient descent, each example also seen
/// mirrored (−d, ¬label) so that no side is favoured.
pub fn train(diffs: &[[f64; FEATURES]], labels: &[bool], l2: f64) -> ([f64; FEATURES], [f64; FEATURES]) {
    let n = diffs.len().max(1) as f64;
    let mut scales = [1.0; FEATURES];
    for (i, s) in scales.iter_mut().enumerate() {
        let mean = diffs.iter().map(|d| d[i]).sum::<f64>() / n;
        let var = diffs.iter().map(|d| (d[i] - mean).powi(2)).sum::<f64>() / n;
        *s = if var > 0.0 { var.sqrt() } else { 1.0 };
    }
    let mut w = [0.0; FEATURES];
    for _ in 0..400 {
        let mut grad = [0.0; FEATURES];
        for (d, &label) in diffs.iter().zip(labels) {
            let y = if label { 1.0 } else { -1.0 };
            let margin = y * score_with(d, &w, &scales);
            let g = -y / (1.0 + margin.exp());
            // The mirrored example has the same margin and the same gradient.
            for i in 0..FEATURES {
                grad[i] += g * d[i] / scales[i] / n;
            }
        }
        for i in 0..FEATURES {
            w[i] -= 0.5 * (grad[i] + l2 * w[i]);
        }
    }
    (w, scales)
}

/// The share of triplets whose closer text scores higher.
pub fn accuracy(diffs: &[[f64; FEATURES]], labels: &[bool], w: &[f64; FEATURES], s: &[f64; FEATURES]) -> f64 {
    let right = diffs.iter().zip(labels).filter(|(d, l)| (score_with(d, w, s) > 0.0) == **l).count();
    right as f64 / diffs.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_yuan() {
        assert_eq!(amounts("借款70000元，另7万元及70,000.50元，利息50元"), [70000.0, 70000.0, 70000.5]);
    }

    #[test]
    fn training_finds_the_feature_that_decides() {
        // Feature 1 (amount closeness) decides every label; the others are noise.
        let mut diffs = Vec::new();
        let mut labels = Vec::new();
        for i in 0..40 {
            let mut d = [0.0; FEATURES];
            let sign = if i % 2 == 0 { 1.0 } else { -1.0 };
            d[1] = sign * (1.0 + f64::from(i % 3));
            d[0] = if i % 3 == 0 { 0.5 } else { -0.5 };
            diffs.push(d);
            labels.push(sign > 0.0);
        }
        let (w, s) = train(&diffs, &labels, 0.01);
        assert!(w[1] > 0.0 && w[1].abs() > 5.0 * w[0].abs(), "{w:?}");
        assert_eq!(accuracy(&diffs, &labels, &w, &s), 1.0);
    }
}
