//! Credit: 5C points, nine-grade and three-grade credit, notches, payment delay, outstanding,
//! limit use and financial ratios (5C 评估, 信用等级; domain.md §4).

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use super::exact;
use super::time::{Period, days_between, paid_as_of};
use crate::config::{CreditConfig, CreditScale};
use crate::model::{Class, Customer, Financials, FiveC, Grade, Payment, Warning, WarningCategory};

/// A customer's credit picture.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CreditMetrics {
    /// The 5C rating; absent (grade `unrated`) without five_c.
    pub rating: Option<Rating>,
    /// The grade as the site shows it: the nine-grade name, the three-grade class under
    /// `credit.scale: three`, or `unrated`.
    pub display: String,
    /// The credit warnings of the record (老客户信用变化的征兆), as written.
    pub warnings: Vec<Warning>,
    /// D with the payments it counts; absent when no payment is due in the window.
    pub payment_delay: Option<PaymentDelay>,
    /// Σ amounts not paid by the as-of date, due or not.
    pub outstanding: f64,
    /// The unpaid invoices behind `outstanding`.
    pub outstanding_payments: Vec<PaymentLine>,
    pub limit: Option<f64>,
    /// outstanding / limit, when limit > 0.
    pub limit_use: Option<f64>,
    /// outstanding − limit, when that is more than 0 (limit use above 100 %): a watch reason.
    pub over_limit: Option<f64>,
    pub ratios: FinancialRatios,
}

impl CreditMetrics {
    /// The final nine-grade, when rated.
    pub fn grade(&self) -> Option<Grade> {
        self.rating.as_ref().map(|r| r.grade)
    }

    /// The three-grade class of the final grade, when rated.
    pub fn class(&self) -> Option<Class> {
        self.grade().map(Grade::class)
    }
}

/// How a grade was reached: points → base grade → notches → grade.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rating {
    pub five_c: FiveC,
    /// s = Σ w_k · score_k (1..5).
    pub weighted_score: f64,
    /// (s − 1) / 4 · 100 (0..100).
    pub points: f64,
    pub base: Grade,
    pub notches: Vec<Notch>,
    /// The base grade moved down by the notches, never below C.
    pub grade: Grade,
    /// The three-grade class (三级制) of `grade`.
    pub class: Class,
    /// True when the notches would have gone below C.
    pub floored: bool,
}

/// One step down, with its reason.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Notch {
    /// At least one warning of this category.
    Warnings {
        category: WarningCategory,
        warnings: Vec<Warning>,
    },
    /// The payment delay D exceeds this threshold of `credit.delay_notches`.
    PaymentDelay {
        threshold_days: f64,
        /// D; `None` in the site of an audience that hides payments (see `audience`).
        delay_days: Option<f64>,
    },
}

/// D: the amount-weighted mean days late over the payments due in the window.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PaymentDelay {
    pub days: f64,
    /// as_of − 364 days.
    pub window_start: Date,
    /// The as-of date.
    pub window_end: Date,
    pub payments: Vec<PaymentLine>,
}

/// One payment as of the as-of date.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PaymentLine {
    pub invoice: Option<String>,
    pub due: Date,
    /// The paid date when on or before the as-of date.
    pub paid: Option<Date>,
    pub amount: f64,
    /// Paid: max(0, paid − due); unpaid: max(0, as_of − due).
    pub days_late: i64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct FinancialRatios {
    /// current_assets / current_liabilities (流动比率).
    pub current: Option<f64>,
    /// (current_assets − inventory) / current_liabilities (速动比率).
    pub quick: Option<f64>,
    /// total_liabilities / total_assets (负债比率).
    pub debt: Option<f64>,
    /// (total_assets − total_liabilities) / total_assets (自有资本比率).
    pub equity: Option<f64>,
}

pub fn credit(customer: &Customer, config: &CreditConfig, period: &Period) -> CreditMetrics {
    let credit = customer.credit.as_ref();
    let warnings = credit.map(|c| c.warnings.clone()).unwrap_or_default();
    let delay = payment_delay(&customer.payments, period.as_of);
    let rating = credit
        .and_then(|c| c.five_c)
        .map(|five_c| rate(five_c, config, &warnings, delay.as_ref()));
    let unpaid = outstanding_payments(&customer.payments, period.as_of);
    let outstanding = exact::sum(unpaid.iter().map(|p| exact::money(p.amount)));
    let limit = credit.and_then(|c| c.limit);
    CreditMetrics {
        display: display_grade(rating.as_ref().map(|r| r.grade), config.scale),
        rating,
        warnings,
        outstanding: exact::value(outstanding),
        outstanding_payments: unpaid,
        limit,
        limit_use: limit
            .and_then(|l| exact::Ratio::new(outstanding, exact::money(l)))
            .map(exact::Ratio::value),
        over_limit: limit
            .map(|l| outstanding.saturating_sub(exact::money(l)))
            .filter(|over| *over > 0)
            .map(exact::value),
        ratios: customer.financials.map(ratios).unwrap_or_default(),
        payment_delay: delay,
    }
}

/// The grade as shown under the configured scale.
pub fn display_grade(grade: Option<Grade>, scale: CreditScale) -> String {
    match (grade, scale) {
        (None, _) => "unrated".to_string(),
        (Some(g), CreditScale::Nine) => g.as_str().to_string(),
        (Some(g), CreditScale::Three) => g.class().as_str().to_string(),
    }
}

/// 5C points in exact ten-thousandths: s·10000 = Σ w_k·score_k (weights in ten-thousandths),
/// points·10000 = (s·10000 − 10000) · 25.
pub fn points_fixed(five_c: FiveC, config: &CreditConfig) -> i64 {
    points_of_score(score_fixed(five_c, config))
}

/// s in ten-thousandths.
fn score_fixed(five_c: FiveC, config: &CreditConfig) -> i64 {
    exact::weighted(&config.weights.as_array(), &five_c.scores())
}

fn points_of_score(score_fixed: i64) -> i64 {
    (score_fixed - 10_000) * 25
}

/// The base grade of points given in ten-thousandths; a value on a threshold gets the higher
/// grade (80 points exactly is AA).
pub fn base_grade(points_fixed: i64) -> Grade {
    const STEPS: [(i64, Grade); 8] = [
        (90, Grade::Aaa),
        (80, Grade::Aa),
        (70, Grade::A),
        (60, Grade::Bbb),
        (50, Grade::Bb),
        (40, Grade::B),
        (30, Grade::Ccc),
        (20, Grade::Cc),
    ];
    STEPS
        .iter()
        .find(|(threshold, _)| points_fixed >= threshold * 10_000)
        .map_or(Grade::C, |(_, g)| *g)
}

fn rate(
    five_c: FiveC,
    config: &CreditConfig,
    warnings: &[Warning],
    delay: Option<&PaymentDelay>,
) -> Rating {
    let score = score_fixed(five_c, config);
    let points = points_of_score(score);
    let base = base_grade(points);
    let mut notches = warning_notches(warnings);
    if let Some(d) = delay {
        notches.extend(delay_notches(d, &config.delay_notches));
    }
    let grade = base.notched_down(notches.len());
    let base_index = Grade::ALL.iter().position(|g| *g == base).unwrap_or(0);
    Rating {
        five_c,
        weighted_score: score as f64 / 10_000.0,
        points: points as f64 / 10_000.0,
        base,
        floored: base_index + notches.len() > Grade::ALL.len() - 1,
        grade,
        class: grade.class(),
        notches,
    }
}

/// One notch per warning category with at least one warning, in category order.
fn warning_notches(warnings: &[Warning]) -> Vec<Notch> {
    WarningCategory::ALL
        .iter()
        .filter_map(|category| {
            let mut in_category: Vec<Warning> = warnings
                .iter()
                .copied()
                .filter(|w| w.category() == *category)
                .collect();
            in_category.sort();
            in_category.dedup();
            (!in_category.is_empty()).then_some(Notch::Warnings {
                category: *category,
                warnings: in_category,
            })
        })
        .collect()
}

/// One notch per threshold that D strictly exceeds, compared exactly:
/// Σ A_i·days_i / Σ A_i > t  ⇔  Σ A_i·days_i · 10000 > round(t·10000) · Σ A_i
/// (in floats when a threshold is too large for the products).
fn delay_notches(delay: &PaymentDelay, thresholds: &[f64]) -> Vec<Notch> {
    let (weighted_days, total) = delay_sums(&delay.payments);
    let exceeds = |t: f64| match (
        weighted_days.checked_mul(exact::SCALE),
        exact::money(t).checked_mul(total),
    ) {
        (Some(left), Some(right)) => left > right,
        _ => delay.days > t,
    };
    thresholds
        .iter()
        .filter(|t| exceeds(**t))
        .map(|t| Notch::PaymentDelay {
            threshold_days: *t,
            delay_days: Some(delay.days),
        })
        .collect()
}

/// (Σ A_i · days_i, Σ A_i) with A_i the amounts in ten-thousandths.
fn delay_sums(lines: &[PaymentLine]) -> (i128, i128) {
    lines.iter().fold((0, 0), |(w, t), p| {
        let a = exact::money(p.amount);
        let weighted = a.saturating_mul(i128::from(p.days_late));
        (w.saturating_add(weighted), t.saturating_add(a))
    })
}

fn line(payment: &Payment, as_of: Date) -> PaymentLine {
    let paid = paid_as_of(payment, as_of);
    let settled = paid.unwrap_or(as_of);
    PaymentLine {
        invoice: payment.invoice.clone(),
        due: payment.due,
        paid,
        amount: payment.amount,
        days_late: days_between(payment.due, settled).max(0),
    }
}

/// D over the payments due in [as_of − 364 days, as_of]; absent when there are none.
pub fn payment_delay(payments: &[Payment], as_of: Date) -> Option<PaymentDelay> {
    let window_start = as_of.saturating_sub(364.days());
    let lines: Vec<PaymentLine> = payments
        .iter()
        .filter(|p| window_start <= p.due && p.due <= as_of)
        .map(|p| line(p, as_of))
        .collect();
    let (weighted_days, total) = delay_sums(&lines);
    if lines.is_empty() || total <= 0 {
        return None;
    }
    Some(PaymentDelay {
        days: weighted_days as f64 / total as f64,
        window_start,
        window_end: as_of,
        payments: lines,
    })
}

/// Payments not paid by the as-of date, due or not.
fn outstanding_payments(payments: &[Payment], as_of: Date) -> Vec<PaymentLine> {
    payments
        .iter()
        .filter(|p| paid_as_of(p, as_of).is_none())
        .map(|p| line(p, as_of))
        .collect()
}

fn divide(num: Option<f64>, den: Option<f64>) -> Option<f64> {
    match (num, den) {
        (Some(n), Some(d)) if d != 0.0 => Some(n / d),
        _ => None,
    }
}

fn ratios(f: Financials) -> FinancialRatios {
    let quick_assets = f
        .current_assets
        .zip(f.inventory)
        .map(|(a, i)| exact::value(exact::money(a).saturating_sub(exact::money(i))));
    let equity = f
        .total_assets
        .zip(f.total_liabilities)
        .map(|(a, l)| exact::value(exact::money(a).saturating_sub(exact::money(l))));
    FinancialRatios {
        current: divide(f.current_assets, f.current_liabilities),
        quick: divide(quick_assets, f.current_liabilities),
        debt: divide(f.total_liabilities, f.total_assets),
        equity: divide(equity, f.total_assets),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::testing::*;
    use crate::analytics::time::{AsOfSource, YearSource};
    use proptest::prelude::*;

    fn period(as_of: &str) -> Period {
        Period {
            year: 2025,
            year_source: YearSource::Config,
            as_of: date(as_of),
            as_of_source: AsOfSource::Config,
        }
    }

    fn rated(c: &Customer, as_of: &str) -> Rating {
        credit(c, &CreditConfig::default(), &period(as_of))
            .rating
            .expect("rated")
    }

    #[test]
    fn points_from_default_weights() {
        // s = 0.30·5 + 0.25·4 + 0.20·3 + 0.10·2 + 0.15·1 = 1.5 + 1.0 + 0.6 + 0.2 + 0.15 = 3.45
        // points = (3.45 − 1) / 4 · 100 = 61.25 → BBB
        let c = customer("A").five_c([5, 4, 3, 2, 1]).build();
        let r = rated(&c, "2025-12-31");
        assert_eq!(r.weighted_score, 3.45);
        assert_eq!(r.points, 61.25);
        assert_eq!((r.base, r.grade), (Grade::Bbb, Grade::Bbb));
    }

    #[test]
    fn points_exactly_on_thresholds_get_the_higher_grade() {
        // Default weights, scores 5,3,4,4,5:
        // s = 0.30·5 + 0.25·3 + 0.20·4 + 0.10·4 + 0.15·5 = 1.5 + 0.75 + 0.8 + 0.4 + 0.75 = 4.2
        // points = (4.2 − 1)/4·100 = 80 exactly → AA, not A. In floats the same sum gives
        // 79.99999999999999 points.
        let float_points =
            (0.30f64 * 5.0 + 0.25 * 3.0 + 0.20 * 4.0 + 0.10 * 4.0 + 0.15 * 5.0 - 1.0) / 4.0 * 100.0;
        assert!(float_points < 80.0);
        let c = customer("A").five_c([5, 3, 4, 4, 5]).build();
        let r = rated(&c, "2025-12-31");
        assert_eq!((r.points, r.base, r.grade), (80.0, Grade::Aa, Grade::Aa));
        // 1,1,5,5,1: s = 0.3 + 0.25 + 1.0 + 0.5 + 0.15 = 2.2 → points 30 exactly → CCC
        // (floats: 29.999999999999993 → CC).
        let c = customer("C").five_c([1, 1, 5, 5, 1]).build();
        assert_eq!(rated(&c, "2025-12-31").base, Grade::Ccc);
        // Default weights, all scores 4: s = 4, points = 3/4·100 = 75 → A.
        let fours = customer("B").five_c([4, 4, 4, 4, 4]).build();
        assert_eq!(rated(&fours, "2025-12-31").base, Grade::A);
        // Each threshold exactly, and one ten-thousandth below it.
        let steps = [
            (90, Grade::Aaa, Grade::Aa),
            (80, Grade::Aa, Grade::A),
            (70, Grade::A, Grade::Bbb),
            (60, Grade::Bbb, Grade::Bb),
            (50, Grade::Bb, Grade::B),
            (40, Grade::B, Grade::Ccc),
            (30, Grade::Ccc, Grade::Cc),
            (20, Grade::Cc, Grade::C),
        ];
        for (threshold, at, below) in steps {
            assert_eq!(base_grade(threshold * 10_000), at);
            assert_eq!(base_grade(threshold * 10_000 - 1), below);
        }
        assert_eq!(base_grade(0), Grade::C);
        assert_eq!(base_grade(1_000_000), Grade::Aaa);
    }

    #[test]
    fn warning_categories_notch_once_each() {
        // All fives: points 100 → AAA. Warnings in payment (two of them), staff → 2 notches → A.
        let c = customer("A")
            .five_c([5, 5, 5, 5, 5])
            .warnings(&[
                Warning::LowMorale,
                Warning::LatePayments,
                Warning::IrregularSettlement,
            ])
            .build();
        let r = rated(&c, "2025-12-31");
        assert_eq!(r.base, Grade::Aaa);
        assert_eq!(r.grade, Grade::A);
        assert_eq!(
            r.notches,
            [
                Notch::Warnings {
                    category: WarningCategory::Payment,
                    warnings: vec![Warning::LatePayments, Warning::IrregularSettlement],
                },
                Notch::Warnings {
                    category: WarningCategory::Staff,
                    warnings: vec![Warning::LowMorale],
                },
            ]
        );
    }

    #[test]
    fn grades_floor_at_c() {
        // All ones: s = 1, points 0 → C; four warning categories and a 91-day delay
        // (two notches) would be six steps, but C is the floor.
        let c = customer("A")
            .five_c([1, 1, 1, 1, 1])
            .warnings(&[
                Warning::LatePayments,
                Warning::NoOrders,
                Warning::MassReturns,
                Warning::LowMorale,
            ])
            .payment("2025-01-01", Some("2025-04-02"), 100.0)
            .build();
        let r = rated(&c, "2025-12-31");
        assert_eq!((r.points, r.base, r.grade), (0.0, Grade::C, Grade::C));
        assert_eq!(r.notches.len(), 6);
        assert!(r.floored);
        // All twos: s = 2, points (2 − 1)/4·100 = 25 → CC; one notch → C, not floored.
        let c = customer("B")
            .five_c([2, 2, 2, 2, 2])
            .warnings(&[Warning::NoOrders])
            .build();
        let r = rated(&c, "2025-12-31");
        assert_eq!(
            (r.points, r.base, r.grade, r.floored),
            (25.0, Grade::Cc, Grade::C, false)
        );
    }

    /// A single invoice of 100 due 2025-01-01, paid `late` days later; as of 2025-12-31.
    fn delay_for(paid: &str) -> (Option<f64>, usize) {
        let c = customer("A")
            .five_c([5, 5, 5, 5, 5])
            .payment("2025-01-01", Some(paid), 100.0)
            .build();
        let m = credit(&c, &CreditConfig::default(), &period("2025-12-31"));
        let notches = m.rating.unwrap().notches.len();
        (m.payment_delay.map(|d| d.days), notches)
    }

    #[test]
    fn payments_exactly_30_31_90_91_days_late() {
        // 2025-01-01 + 30 days = 2025-01-31; +31 = 02-01; +90 = 04-01; +91 = 04-02.
        // D = 30 exceeds no threshold of [30, 90]; 31 exceeds 30; 90 exceeds only 30; 91 both.
        assert_eq!(delay_for("2025-01-31"), (Some(30.0), 0));
        assert_eq!(delay_for("2025-02-01"), (Some(31.0), 1));
        assert_eq!(delay_for("2025-04-01"), (Some(90.0), 1));
        assert_eq!(delay_for("2025-04-02"), (Some(91.0), 2));
        // Paid early: max(0, paid − due) = 0.
        assert_eq!(delay_for("2024-12-20"), (Some(0.0), 0));
    }

    #[test]
    fn delay_is_amount_weighted_and_compared_exactly() {
        // 100 paid 30 days late, 100 paid 31 days late: D = (100·30 + 100·31)/200 = 30.5 → 1 notch.
        let c = customer("A")
            .five_c([5, 5, 5, 5, 5])
            .payment("2025-01-01", Some("2025-01-31"), 100.0)
            .payment("2025-03-01", Some("2025-04-01"), 100.0)
            .build();
        let m = credit(&c, &CreditConfig::default(), &period("2025-12-31"));
        assert_eq!(m.payment_delay.as_ref().unwrap().days, 30.5);
        let r = m.rating.unwrap();
        assert_eq!(
            r.notches,
            [Notch::PaymentDelay {
                threshold_days: 30.0,
                delay_days: Some(30.5)
            }]
        );
        assert_eq!(r.grade, Grade::Aa);
        // Threshold 30.5 exactly: D = 30.5 does not exceed it.
        let config = CreditConfig {
            delay_notches: vec![30.5],
            ..CreditConfig::default()
        };
        let m = credit(&c, &config, &period("2025-12-31"));
        assert!(m.rating.unwrap().notches.is_empty());
        // Two payments of 0.1, 2 and 58 days late (2025-01-01 → 01-03, 2025-02-01 → 03-31):
        // D = (0.1·2 + 0.1·58)/0.2 = 6/0.2 = 30 exactly → no notch. Floats give
        // 30.000000000000004, which would add one.
        let tenth = std::hint::black_box(0.1f64);
        assert!((tenth * 2.0 + tenth * 58.0) / (tenth + tenth) > 30.0);
        let c = customer("B")
            .five_c([5, 5, 5, 5, 5])
            .payment("2025-01-01", Some("2025-01-03"), 0.1)
            .payment("2025-02-01", Some("2025-03-31"), 0.1)
            .build();
        let m = credit(&c, &CreditConfig::default(), &period("2025-12-31"));
        assert_eq!(m.payment_delay.as_ref().unwrap().days, 30.0);
        assert!(m.rating.unwrap().notches.is_empty());
    }

    #[test]
    fn delay_window_and_as_of() {
        // As of 2025-12-31 the window is 2025-01-01 (= 2025-12-31 − 364 days) ..= 2025-12-31.
        // - due 2024-12-31: outside the window (one day too early)
        // - due 2025-01-01, unpaid: 364 days late as of 2025-12-31
        // - due 2025-12-01, paid 2026-01-10 (after as_of → unpaid): 30 days late
        // - due 2026-01-15: outside the window, but unpaid so it is outstanding
        // D = (100·364 + 300·30) / 400 = (36400 + 9000)/400 = 113.5
        let c = customer("A")
            .payment("2024-12-31", None, 50.0)
            .payment("2025-01-01", None, 100.0)
            .payment("2025-12-01", Some("2026-01-10"), 300.0)
            .payment("2026-01-15", None, 7.5)
            .limit(915.0)
            .build();
        let m = credit(&c, &CreditConfig::default(), &period("2025-12-31"));
        let d = m.payment_delay.unwrap();
        assert_eq!(d.window_start, date("2025-01-01"));
        assert_eq!(d.days, 113.5);
        assert_eq!(d.payments.len(), 2);
        assert_eq!(d.payments[1].paid, None);
        // Outstanding: 50 + 100 + 300 + 7.5 = 457.5; limit use 457.5/915 = 0.5.
        assert_eq!(m.outstanding, 457.5);
        assert_eq!(m.limit_use, Some(0.5));
        assert_eq!(m.over_limit, None, "within the limit");
        assert_eq!(m.display, "unrated");
        assert!(m.rating.is_none());
    }

    #[test]
    fn outstanding_above_the_limit_is_the_amount_over() {
        // Unpaid 600 + 250.25 = 850.25 against a limit of 800: use 1.0628125, over by 50.25.
        // Exactly at the limit (850.25) is not over.
        let c = customer("A")
            .payment("2025-11-01", None, 600.0)
            .payment("2025-12-01", None, 250.25)
            .limit(800.0)
            .build();
        let m = credit(&c, &CreditConfig::default(), &period("2025-12-31"));
        assert_eq!(m.limit_use, Some(1.0628125));
        assert_eq!(m.over_limit, Some(50.25));
        let at = customer("B")
            .payment("2025-11-01", None, 850.25)
            .limit(850.25)
            .build();
        let m = credit(&at, &CreditConfig::default(), &period("2025-12-31"));
        assert_eq!((m.limit_use, m.over_limit), (Some(1.0), None));
    }

    #[test]
    fn no_payments_in_the_window_means_no_delay() {
        let c = customer("A")
            .payment("2023-01-01", Some("2023-06-01"), 10.0)
            .build();
        let m = credit(&c, &CreditConfig::default(), &period("2025-12-31"));
        assert_eq!(m.payment_delay, None);
        assert_eq!(m.outstanding, 0.0);
        assert_eq!(m.limit_use, None);
    }

    #[test]
    fn three_grade_scale_shows_the_class() {
        assert_eq!(display_grade(Some(Grade::Bb), CreditScale::Three), "B");
        assert_eq!(display_grade(Some(Grade::Bb), CreditScale::Nine), "BB");
        assert_eq!(display_grade(None, CreditScale::Three), "unrated");
    }

    #[test]
    fn financial_ratios() {
        // current 200/100 = 2; quick (200 − 50)/100 = 1.5; debt 300/1000 = 0.3;
        // equity (1000 − 300)/1000 = 0.7.
        let f = Financials {
            as_of: None,
            current_assets: Some(200.0),
            current_liabilities: Some(100.0),
            inventory: Some(50.0),
            total_assets: Some(1000.0),
            total_liabilities: Some(300.0),
        };
        let c = customer("A").financials(f).build();
        let r = credit(&c, &CreditConfig::default(), &period("2025-12-31")).ratios;
        assert_eq!(
            (r.current, r.quick, r.debt, r.equity),
            (Some(2.0), Some(1.5), Some(0.3), Some(0.7))
        );
        let r = ratios(Financials {
            inventory: None,
            current_liabilities: Some(0.0),
            total_assets: Some(0.0),
            ..f
        });
        assert_eq!(r, FinancialRatios::default());
    }

    proptest! {
        #[test]
        fn grades_never_drop_below_c(
            scores in prop::array::uniform5(1u8..=5),
            warnings in prop::collection::vec(prop::sample::select(Warning::ALL), 0..6),
            late in 0i64..400,
        ) {
            let paid = date("2025-01-01").checked_add(late.days()).unwrap().to_string();
            let c = customer("A")
                .five_c(scores)
                .warnings(&warnings)
                .payment("2025-01-01", Some(&paid), 10.0)
                .build();
            let r = rated(&c, "2025-12-31");
            let base = Grade::ALL.iter().position(|g| *g == r.base).unwrap();
            let fin = Grade::ALL.iter().position(|g| *g == r.grade).unwrap();
            prop_assert_eq!(fin, (base + r.notches.len()).min(8));
            prop_assert!(r.points >= 0.0 && r.points <= 100.0);
        }
    }
}
