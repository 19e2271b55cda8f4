//! 随机分案 the draw (contract registration.md, "Assignment"): among the eligible judges,
//! balanced on open cases per unit of weight (填平) and proportional to weight, from a recorded
//! 32-byte seed, so that anyone can replay it.
//!
//! Algorithm `xiezhi-draw-v1`:
//! 1. Order the candidates by judge id (the draw does not depend on the order given).
//! 2. Load ratio rᵢ = open casesᵢ / weightᵢ. The band is every candidate with rᵢ < r_min + 1:
//!    judges more than one case per unit of weight ahead of the least loaded wait (填平).
//! 3. Pick within the band with probability weightᵢ / Σ weight: x uniform in [0, Σ weight) (in
//!    ten-thousandths), the first candidate whose running sum of weights exceeds x.
//! 4. x comes from the seed: the first 8 bytes (big-endian) of
//!    SHA-256("xiezhi-draw-v1" ‖ seed ‖ counter as 4 bytes big-endian), counter = 0, 1, …,
//!    rejecting values at or above the largest multiple of Σ weight below 2⁶⁴ (no modulo bias).
//!
//! Equal weights and equal loads give every judge the same chance; a weight-2 judge stays in
//! the band twice as long and so takes twice the share over time.

use sha2::{Digest, Sha256};

use crate::registration::Weight;

/// The algorithm version written into every record.
pub const DRAW_ALGORITHM: &str = "xiezhi-draw-v1";

/// One eligible judge at draw time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate<'a> {
    pub judge_id: &'a str,
    pub weight: Weight,
    /// 在办案件 open cases at draw time.
    pub open_cases: u32,
}

/// Why there is nothing to draw.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    #[error("没有可分配的法官 / the pool is empty")]
    EmptyPool,
    #[error("法官 {0} 在名单中出现两次 / judge listed twice")]
    Duplicate(String),
}

/// The result of a draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    /// Index (into the candidates as given) of the judge drawn.
    pub chosen: usize,
    /// Indexes of the candidates in the band (填平), in judge-id order.
    pub band: Vec<usize>,
}

/// The candidates in the band (填平), as indexes in judge-id order.
pub fn band(candidates: &[Candidate<'_>]) -> Result<Vec<usize>, DrawError> {
    if candidates.is_empty() {
        return Err(DrawError::EmptyPool);
    }
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&a, &b| candidates[a].judge_id.cmp(candidates[b].judge_id));
    if let Some(w) = order.windows(2).find(|w| candidates[w[0]].judge_id == candidates[w[1]].judge_id) {
        return Err(DrawError::Duplicate(candidates[w[0]].judge_id.to_owned()));
    }
    // rᵢ = openᵢ / wᵢ compared exactly: with w in ten-thousandths, rᵢ = 10⁴·openᵢ / wᵢ.
    // rᵢ < r_m + 1  ⇔  10⁴·openᵢ·w_m < 10⁴·open_m·wᵢ + wᵢ·w_m.
    let ratio_less = |a: &Candidate<'_>, b: &Candidate<'_>| {
        u128::from(a.open_cases) * u128::from(b.weight.ten_thousandths())
            < u128::from(b.open_cases) * u128::from(a.weight.ten_thousandths())
    };
    let least = order
        .iter()
        .copied()
        .reduce(|m, i| if ratio_less(&candidates[i], &candidates[m]) { i } else { m })
        .expect("not empty");
    let m = &candidates[least];
    Ok(order
        .iter()
        .copied()
        .filter(|&i| {
            let c = &candidates[i];
            let (wi, wm) = (u128::from(c.weight.ten_thousandths()), u128::from(m.weight.ten_thousandths()));
            10_000 * u128::from(c.open_cases) * wm < 10_000 * u128::from(m.open_cases) * wi + wi * wm
        })
        .collect())
}

/// Each candidate's chance in the next draw (0 outside the band), in the order given.
pub fn chances(candidates: &[Candidate<'_>]) -> Result<Vec<f64>, DrawError> {
    let band = band(candidates)?;
    let total: u64 = band.iter().map(|&i| u64::from(candidates[i].weight.ten_thousandths())).sum();
    let mut out = vec![0.0; candidates.len()];
    for i in band {
        out[i] = f64::from(candidates[i].weight.ten_thousandths()) / total as f64;
    }
    Ok(out)
}

/// Draws one judge. Deterministic in (candidates as a set, seed).
pub fn draw(candidates: &[Candidate<'_>], seed: &[u8; 32]) -> Result<Drawn, DrawError> {
    let band = band(candidates)?;
    let total: u64 = band.iter().map(|&i| u64::from(candidates[i].weight.ten_thousandths())).sum();
    let x = uniform(seed, total);
    let mut running = 0u64;
    let chosen = band
        .iter()
        .copied()
        .find(|&i| {
            running += u64::from(candidates[i].weight.ten_thousandths());
            x < running
        })
        .expect("x < total");
    Ok(Drawn { chosen, band })
}

/// A uniform integer in [0, bound) from the seed (bound > 0).
fn uniform(seed: &[u8; 32], bound: u64) -> u64 {
    let zone = u64::MAX - (u64::MAX % bound + 1) % bound;
    for counter in 0u32.. {
        let mut hasher = Sha256::new();
        hasher.update(DRAW_ALGORITHM.as_bytes());
        hasher.update(seed);
        hasher.update(counter.to_be_bytes());
        let digest = hasher.finalize();
        let x = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
        if x <= zone {
            return x % bound;
        }
    }
    unreachable!("a rejection happens with probability below 2⁻³²; 2³² in a row do not")
}

/// A seed as 64 lowercase hex digits.
pub fn seed_hex(seed: &[u8; 32]) -> String {
    seed.iter().map(|b| format!("{b:02x}")).collect()
}

/// A seed from its hex text.
pub fn parse_seed(text: &str) -> Option<[u8; 32]> {
    let t = text.trim();
    if t.len() != 64 || !t.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&t[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests;
