//! The draw: known answers computed independently from the algorithm's description (Python's
//! hashlib), the band, order independence, and statistics over fixed seeds.

use super::*;

fn w(text: &str) -> Weight {
    Weight::parse(text).unwrap()
}

fn c<'a>(id: &'a str, weight: &str, open: u32) -> Candidate<'a> {
    Candidate { judge_id: id, weight: w(weight), open_cases: open }
}

/// The test's fixed seed source: SHA-256 of a counter.
fn seed(i: u64) -> [u8; 32] {
    Sha256::digest(i.to_be_bytes()).into()
}

#[test]
fn known_answers() {
    // SHA-256("xiezhi-draw-v1" ‖ 32 zero bytes ‖ 00000000)[..8] mod 20000 = 13421 → the second
    // of two judges of weight 1 (A takes [0, 10000), B [10000, 20000)).
    let zero = [0u8; 32];
    let two = [c("A", "1", 0), c("B", "1", 0)];
    assert_eq!(draw(&two, &zero).unwrap().chosen, 1);
    // mod 30000 = 13421 → B again, with three judges of weight 1.
    let three = [c("A", "1", 0), c("B", "1", 0), c("C", "1", 0)];
    assert_eq!(draw(&three, &zero).unwrap().chosen, 1);
    // Seed 00 01 … 1f, weights 0.25/0.25/2 (total 25000): x = 14145 → C ([5000, 25000)).
    let seed: [u8; 32] = std::array::from_fn(|i| i as u8);
    let weighted = [c("A", "0.25", 0), c("B", "0.25", 0), c("C", "2", 0)];
    assert_eq!(draw(&weighted, &seed).unwrap().chosen, 2);
}

#[test]
fn the_band_fills_the_least_loaded_first() {
    // C is 5 cases ahead: never drawn while A and B are below r_min + 1.
    let pool = [c("A", "1", 0), c("B", "1", 0), c("C", "1", 5)];
    for i in 0..500 {
        let d = draw(&pool, &seed(i)).unwrap();
        assert_eq!(d.band, [0, 1]);
        assert_ne!(d.chosen, 2);
    }
    // Exactly one case per unit of weight ahead is outside (r < r_min + 1 is strict) …
    assert_eq!(draw(&[c("A", "1", 3), c("B", "1", 4)], &seed(0)).unwrap().band, [0]);
    // … less than one is inside; weights scale the ratio: 3 cases at weight 2 is r = 1.5.
    assert_eq!(draw(&[c("A", "1", 1), c("B", "2", 3)], &seed(0)).unwrap().band, [0, 1]);
    assert_eq!(draw(&[c("A", "0.5", 1), c("B", "1", 1)], &seed(0)).unwrap().band, [1]);
}

#[test]
fn chances_are_weight_shares_within_the_band() {
    let pool = [c("A", "2", 0), c("B", "1", 0), c("C", "1", 3), c("D", "0.5", 0)];
    // C is outside (r = 3 ≥ 0 + 1); the band's weights 2 + 1 + 0.5 = 3.5.
    let p = chances(&pool).unwrap();
    assert_eq!(p[2], 0.0);
    assert!((p[0] - 2.0 / 3.5).abs() < 1e-12 && (p[1] - 1.0 / 3.5).abs() < 1e-12 && (p[3] - 0.5 / 3.5).abs() < 1e-12);
}

#[test]
fn the_order_given_does_not_matter() {
    let pool = [c("J3", "1", 2), c("J1", "2", 3), c("J2", "1", 2), c("J4", "0.5", 1)];
    let mut reversed = pool;
    reversed.reverse();
    for i in 0..200 {
        let a = draw(&pool, &seed(i)).unwrap();
        let b = draw(&reversed, &seed(i)).unwrap();
        assert_eq!(pool[a.chosen].judge_id, reversed[b.chosen].judge_id);
    }
    assert_eq!(draw(&[], &seed(0)), Err(DrawError::EmptyPool));
    assert_eq!(draw(&[c("A", "1", 0), c("A", "1", 0)], &seed(0)), Err(DrawError::Duplicate("A".into())));
}

/// |count − n·p| within 4.5 standard deviations of the binomial (n, p): a correct draw fails
/// this with probability about 7·10⁻⁶ per judge; the seeds are fixed, so the test is exact.
#[track_caller]
fn within_binomial(count: u64, n: u64, p: f64) {
    let mean = n as f64 * p;
    let sd = (n as f64 * p * (1.0 - p)).sqrt();
    assert!((count as f64 - mean).abs() <= 4.5 * sd, "{count} of {n} draws, expected {mean:.0} ± {:.0}", 4.5 * sd);
}

#[test]
fn equal_weights_are_even_and_weight_two_takes_twice() {
    const N: u64 = 20_000;
    // Five judges, equal weights and loads: p = 1/5 each.
    let pool = [c("A", "1", 4), c("B", "1", 4), c("C", "1", 4), c("D", "1", 4), c("E", "1", 4)];
    let mut counts = [0u64; 5];
    for i in 0..N {
        counts[draw(&pool, &seed(i)).unwrap().chosen] += 1;
    }
    for count in counts {
        within_binomial(count, N, 0.2);
    }
    // Weights 2, 1, 1, 1: p = 2/5 for the first, 1/5 for the others.
    let pool = [c("A", "2", 0), c("B", "1", 0), c("C", "1", 0), c("D", "1", 0)];
    let mut counts = [0u64; 4];
    for i in 0..N {
        counts[draw(&pool, &seed(1_000_000 + i)).unwrap().chosen] += 1;
    }
    within_binomial(counts[0], N, 0.4);
    for count in &counts[1..] {
        within_binomial(*count, N, 0.2);
    }
}

#[test]
fn over_time_shares_follow_weights() {
    // Cases stay open (each draw adds one to the judge drawn): the band keeps every judge
    // within one case per unit of weight of the least loaded, so after 400 draws the weight-2
    // judge holds twice the others' cases, within the band's width.
    let ids = ["A", "B", "C", "D"];
    let weights = [w("2"), w("1"), w("1"), w("0.5")];
    let mut open = [0u32; 4];
    for i in 0..450 {
        let pool: Vec<Candidate<'_>> =
            (0..4).map(|k| Candidate { judge_id: ids[k], weight: weights[k], open_cases: open[k] }).collect();
        open[draw(&pool, &seed(7_000 + i)).unwrap().chosen] += 1;
    }
    // Total weight 4.5: 450 draws = 100 per unit of weight.
    let expected = [200.0, 100.0, 100.0, 50.0];
    for k in 0..4 {
        let per_unit = f64::from(open[k]) / (f64::from(weights[k].ten_thousandths()) / 10_000.0);
        assert!((per_unit - 100.0).abs() <= 2.0, "judge {}: {} cases, expected ≈ {}", ids[k], open[k], expected[k]);
    }
}

#[test]
fn seeds_round_trip_as_hex() {
    let s = seed(42);
    assert_eq!(parse_seed(&seed_hex(&s)), Some(s));
    assert_eq!(seed_hex(&[0xab; 32]), "ab".repeat(32));
    assert_eq!(parse_seed("zz"), None);
    assert_eq!(parse_seed(&"g".repeat(64)), None);
}
