//! Fixed-point helpers: the exact side of domain.md §Precision.
//!
//! Money is held as `i128` ten-thousandths (`money(x) = round(x · 10000)`), so sums and
//! threshold comparisons (ABC cumulative shares, payment delay against `credit.delay_notches`)
//! never drift. Weighted scores (5C, surveys) are integers in ten-thousandths because the
//! weights are ([`crate::config::Weight`]). Ratios of money compare by cross-multiplication.
//!
//! Validated amounts are at most [`crate::model::MAX_AMOUNT`] (10^15), far inside `i128`; sums
//! and products here still saturate (or fall back to floats) instead of wrapping, so records
//! built in code cannot turn a large value negative.

use std::cmp::Ordering;

/// The denominator of every fixed-point value here.
pub const SCALE: i128 = 10_000;

/// Money in ten-thousandths: `round(x · 10000)`. Values beyond ±1.7e34 saturate.
pub fn money(x: f64) -> i128 {
    (x * SCALE as f64).round() as i128
}

/// Σ of fixed-point values, saturating at the ends of `i128` instead of wrapping.
pub fn sum(values: impl IntoIterator<Item = i128>) -> i128 {
    values.into_iter().fold(0, i128::saturating_add)
}

/// Back from ten-thousandths to a number for export and display.
pub fn value(fixed: i128) -> f64 {
    fixed as f64 / SCALE as f64
}

/// Σ weight · score in ten-thousandths (weights in ten-thousandths sum to 10000, so a
/// result of 40000 is a score of exactly 4).
pub fn weighted(weights: &[u32], scores: &[u8]) -> i64 {
    weights
        .iter()
        .zip(scores)
        .map(|(w, s)| i64::from(*w) * i64::from(*s))
        .sum()
}

/// `a ≥ threshold`, where `a` is in ten-thousandths and the threshold is written as a whole
/// number of tenths (45 is 4.5), so that the comparison is exact.
pub fn at_least_tenths(a: i64, threshold_tenths: i64) -> bool {
    a >= threshold_tenths * 1_000
}

/// A non-negative-denominator fraction of two fixed-point values, ordered exactly.
#[derive(Clone, Copy, Debug)]
pub struct Ratio {
    num: i128,
    den: i128,
}

impl Ratio {
    /// `num / den`; `None` unless `den > 0`.
    pub fn new(num: i128, den: i128) -> Option<Ratio> {
        (den > 0).then_some(Ratio { num, den })
    }

    pub fn value(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

impl PartialEq for Ratio {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ratio {}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ratio {
    /// a/b vs c/d as a·d vs c·b (b, d > 0); on overflow (amounts beyond 10^15) the
    /// float values decide.
    fn cmp(&self, other: &Self) -> Ordering {
        match (
            self.num.checked_mul(other.den),
            other.num.checked_mul(self.den),
        ) {
            (Some(left), Some(right)) => left.cmp(&right),
            _ => self.value().total_cmp(&other.value()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_rounds_to_ten_thousandths() {
        assert_eq!(money(0.1) + money(0.2), money(0.3));
        assert_eq!(money(1234.56789), 12_345_679);
        assert_eq!(money(-2.5), -25_000);
        assert_eq!(value(12_345_600), 1234.56);
    }

    #[test]
    fn weighted_scores_are_exact() {
        // 0.3·4 + 0.3·4 + 0.2·5 + 0.2·5 = 1.2 + 1.2 + 1 + 1 = 4.4 → 44000
        assert_eq!(weighted(&[3000, 3000, 2000, 2000], &[4, 4, 5, 5]), 44_000);
        assert!(at_least_tenths(45_000, 45));
        assert!(!at_least_tenths(44_999, 45));
    }

    #[test]
    fn ratios_compare_exactly() {
        // 0.1/0.3 and 0.2/0.6 are both exactly 1/3.
        let a = Ratio::new(money(0.1), money(0.3)).unwrap();
        let b = Ratio::new(money(0.2), money(0.6)).unwrap();
        assert_eq!(a, b);
        assert!(Ratio::new(2, 3).unwrap() > a);
        assert!(Ratio::new(1, 0).is_none());
        assert!(Ratio::new(-1, 2).unwrap() < Ratio::new(0, 5).unwrap());
    }
}
