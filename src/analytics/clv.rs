//! Customer lifetime value, customer equity and the win-back list (客户终身价值, 客户资产,
//! 赢返流失客户; domain.md §5).

use jiff::civil::Date;
use serde::Serialize;

use super::exact;
use super::retention::cohort_rate;
use super::time::{Period, churn_as_of, stage_as_of};
use crate::config::RetentionConfig;
use crate::model::{ChurnReason, Customer, Stage};

/// The highest r allowed: CLV's denominator 1 + d − r stays ≥ d + 0.05.
pub const MAX_RATE: f64 = 0.95;

/// r, with where it came from.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RetentionRate {
    /// Clamped to 0..0.95.
    pub r: f64,
    /// The value before clamping.
    pub unclamped: f64,
    pub source: RateSource,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RateSource {
    /// The cohort retention of year Y.
    CohortRetention { year: i32 },
    /// `retention.default_rate`, because year Y has no customers at its start.
    Default,
}

/// m: the mean gross profit of the (at most) three latest rows that give one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MeanProfit {
    pub value: f64,
    /// The sales years averaged, latest first.
    pub years: Vec<i32>,
    pub gross_profits: Vec<f64>,
}

/// CLV = m · (1 + d) / (1 + d − r), with its inputs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Clv {
    pub basis: ClvBasis,
    pub m: MeanProfit,
    pub r: f64,
    pub r_source: RateSource,
    pub d: f64,
    pub value: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClvBasis {
    /// An active customer: m over rows with year ≤ Y.
    Active,
    /// A lost customer (重生终身价值): m over rows with year ≤ the churn year.
    WinBack { churn_year: i32 },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WinBackEntry {
    pub rank: usize,
    pub id: String,
    pub churn_date: Date,
    pub reason: ChurnReason,
    pub clv: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClvSummary {
    pub rate: RetentionRate,
    /// d (`retention.discount_rate`).
    pub discount_rate: f64,
    /// 客户资产: Σ CLV over active customers with a CLV.
    pub customer_equity: f64,
    /// How many active customers have a CLV.
    pub customers: usize,
    /// Lost customers with an m, by win-back CLV descending, ties by id.
    pub win_back: Vec<WinBackEntry>,
}

/// r = cohort retention of Y clamped to 0..0.95, else the clamped default rate.
pub fn retention_rate(
    customers: &[&Customer],
    period: &Period,
    config: &RetentionConfig,
) -> RetentionRate {
    let (unclamped, source) = match cohort_rate(customers, period, period.year) {
        Some(r) => (r, RateSource::CohortRetention { year: period.year }),
        None => (config.default_rate, RateSource::Default),
    };
    RetentionRate {
        r: unclamped.clamp(0.0, MAX_RATE),
        unclamped,
        source,
    }
}

/// m over the (at most) three rows with the largest years ≤ `last_year` that give gross
/// profit; absent when none does.
pub fn mean_profit(customer: &Customer, last_year: i32) -> Option<MeanProfit> {
    let mut rows: Vec<(i32, f64)> = customer
        .sales
        .iter()
        .filter(|s| s.year <= last_year)
        .filter_map(|s| s.gross_profit.map(|gp| (s.year, gp)))
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    rows.truncate(3);
    if rows.is_empty() {
        return None;
    }
    let sum = exact::sum(rows.iter().map(|(_, gp)| exact::money(*gp)));
    Some(MeanProfit {
        value: exact::value(sum) / rows.len() as f64,
        years: rows.iter().map(|(y, _)| *y).collect(),
        gross_profits: rows.iter().map(|(_, gp)| *gp).collect(),
    })
}

/// m · (1 + d) / (1 + d − r).
pub fn lifetime_value(m: f64, r: f64, d: f64) -> f64 {
    m * (1.0 + d) / (1.0 + d - r)
}

/// The CLV of an active customer, or the win-back CLV of a lost one (as of the as-of date).
pub fn clv(
    customer: &Customer,
    period: &Period,
    rate: &RetentionRate,
    discount_rate: f64,
) -> Option<Clv> {
    let basis = match stage_as_of(customer, period.as_of) {
        Stage::Active => ClvBasis::Active,
        Stage::Lost => ClvBasis::WinBack {
            churn_year: i32::from(churn_as_of(customer, period.as_of)?.date.year()),
        },
        _ => return None,
    };
    let last_year = match basis {
        ClvBasis::Active => period.year,
        ClvBasis::WinBack { churn_year } => churn_year,
    };
    let m = mean_profit(customer, last_year)?;
    Some(Clv {
        basis,
        value: lifetime_value(m.value, rate.r, discount_rate),
        m,
        r: rate.r,
        r_source: rate.source,
        d: discount_rate,
    })
}

/// Customer equity and the win-back list from the customers' CLVs (in id order).
pub fn summary<'a>(
    clvs: impl Iterator<Item = (&'a Customer, Option<&'a Clv>)>,
    period: &Period,
    rate: RetentionRate,
    discount_rate: f64,
) -> ClvSummary {
    let mut equity = 0.0;
    let mut customers = 0;
    let mut win_back = Vec::new();
    for (customer, clv) in clvs {
        let Some(clv) = clv else { continue };
        match clv.basis {
            ClvBasis::Active => {
                equity += clv.value;
                customers += 1;
            }
            ClvBasis::WinBack { .. } => {
                let Some(churn) = churn_as_of(customer, period.as_of) else {
                    continue;
                };
                win_back.push(WinBackEntry {
                    rank: 0,
                    id: customer.id.clone(),
                    churn_date: churn.date,
                    reason: churn.reason,
                    clv: clv.value,
                });
            }
        }
    }
    win_back.sort_by(|a, b| b.clv.total_cmp(&a.clv).then_with(|| a.id.cmp(&b.id)));
    for (i, entry) in win_back.iter_mut().enumerate() {
        entry.rank = i + 1;
    }
    ClvSummary {
        rate,
        discount_rate,
        customer_equity: equity,
        customers,
        win_back,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::testing::*;
    use crate::analytics::time::{AsOfSource, YearSource};

    fn period(year: i32) -> Period {
        Period {
            year,
            year_source: YearSource::Config,
            as_of: date(&format!("{year}-12-31")),
            as_of_source: AsOfSource::EndOfYear,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn m_is_the_mean_of_the_three_latest_rows_with_gross_profit() {
        // Rows ≤ 2025 with gross profit: 2025 (30), 2023 (−12), 2022 (9), 2021 (100).
        // The three latest: 2025, 2023, 2022 → m = (30 − 12 + 9)/3 = 9. 2026 is after Y.
        let c = customer("A")
            .sales_row(2021, 1.0, None, Some(100.0))
            .sales_row(2022, 1.0, None, Some(9.0))
            .sales_row(2023, 1.0, None, Some(-12.0))
            .sales_row(2024, 1.0, None, None)
            .sales_row(2025, 1.0, None, Some(30.0))
            .sales_row(2026, 1.0, None, Some(1000.0))
            .build();
        let m = mean_profit(&c, 2025).unwrap();
        assert_eq!(m.value, 9.0);
        assert_eq!(m.years, [2025, 2023, 2022]);
        assert!(mean_profit(&customer("B").sale(2025, 5.0).build(), 2025).is_none());
    }

    #[test]
    fn clv_formula_with_cohort_rate_and_clamping() {
        // 2025: S = 2 (A, B since 2024), nobody lost → cohort rate 1.0, clamped to 0.95.
        // A: m = 100, d = 0.10 → CLV = 100 · 1.1 / (1.1 − 0.95) = 110 / 0.15 = 733.33…
        let cs = [
            customer("A")
                .since("2024-01-01")
                .sales_row(2025, 500.0, None, Some(100.0))
                .build(),
            customer("B").since("2024-01-01").build(),
        ];
        let refs: Vec<&Customer> = cs.iter().collect();
        let config = RetentionConfig::default();
        let rate = retention_rate(&refs, &period(2025), &config);
        assert_eq!(rate.unclamped, 1.0);
        assert_eq!(rate.r, 0.95);
        assert_eq!(rate.source, RateSource::CohortRetention { year: 2025 });
        let a = clv(&cs[0], &period(2025), &rate, 0.10).unwrap();
        assert!(close(a.value, 110.0 / 0.15));
        assert_eq!(a.basis, ClvBasis::Active);
        assert!(clv(&cs[1], &period(2025), &rate, 0.10).is_none());
    }

    #[test]
    fn default_rate_when_year_has_no_start_and_negative_m_counts() {
        // Everyone joined in 2025 → S_2025 = 0 → r = default 0.80.
        // A: m = −50 → CLV = −50 · 1.1 / (1.1 − 0.8) = −55 / 0.3 = −183.33…
        // B: m = 30 → CLV = 33 / 0.3 = 110. Equity = 110 − 183.33… = −73.33…
        let cs = [
            customer("A")
                .since("2025-02-01")
                .sales_row(2025, 10.0, None, Some(-50.0))
                .build(),
            customer("B")
                .since("2025-03-01")
                .sales_row(2025, 10.0, None, Some(30.0))
                .build(),
        ];
        let refs: Vec<&Customer> = cs.iter().collect();
        let rate = retention_rate(&refs, &period(2025), &RetentionConfig::default());
        assert_eq!((rate.r, rate.source), (0.8, RateSource::Default));
        let values: Vec<Clv> = cs
            .iter()
            .map(|c| clv(c, &period(2025), &rate, 0.1).unwrap())
            .collect();
        assert!(close(values[0].value, -55.0 / 0.3));
        assert!(close(values[1].value, 110.0));
        let s = summary(
            cs.iter().zip(values.iter().map(Some)),
            &period(2025),
            rate,
            0.1,
        );
        assert!(close(s.customer_equity, 110.0 - 55.0 / 0.3));
        assert_eq!(s.customers, 2);
        // A default rate above 0.95 is clamped too.
        let high = RetentionConfig {
            default_rate: 0.99,
            discount_rate: 0.1,
        };
        assert_eq!(retention_rate(&refs, &period(2025), &high).r, 0.95);
    }

    #[test]
    fn win_back_uses_rows_up_to_the_churn_year() {
        // L1 lost 2024: rows ≤ 2024 → m = (40 + 20)/2 = 30 (the 2025 row is ignored).
        // L2 lost 2025: m = 60. L3 lost 2025 with m = 60 too: tie → id order L2, L3.
        // S_2025 = 3 (L2, L3, L4; L1 left in 2024), all three lost in 2025 → cohort = 0/3 = 0
        // → r = 0, so CLV = m · 1.1 / (1.1 − 0) = m. L4 has no gross profit → no m, not listed.
        let cs = [
            customer("L1")
                .since("2020-01-01")
                .sales_row(2023, 1.0, None, Some(40.0))
                .sales_row(2024, 1.0, None, Some(20.0))
                .sales_row(2025, 1.0, None, Some(1000.0))
                .churn("2024-06-01", ChurnReason::Price)
                .build(),
            customer("L3")
                .since("2020-01-01")
                .sales_row(2025, 1.0, None, Some(60.0))
                .churn("2025-06-01", ChurnReason::Price)
                .build(),
            customer("L2")
                .since("2020-01-01")
                .sales_row(2025, 1.0, None, Some(60.0))
                .churn("2025-07-01", ChurnReason::Service)
                .build(),
            customer("L4")
                .since("2020-01-01")
                .sale(2025, 1.0)
                .churn("2025-07-01", ChurnReason::Service)
                .build(),
        ];
        let refs: Vec<&Customer> = cs.iter().collect();
        let rate = retention_rate(&refs, &period(2025), &RetentionConfig::default());
        assert_eq!(rate.r, 0.0);
        let clvs: Vec<Option<Clv>> = cs
            .iter()
            .map(|c| clv(c, &period(2025), &rate, 0.1))
            .collect();
        let l1 = clvs[0].as_ref().unwrap();
        assert_eq!(l1.basis, ClvBasis::WinBack { churn_year: 2024 });
        assert!(close(l1.value, 30.0));
        assert!(clvs[3].is_none());
        let s = summary(
            cs.iter().zip(clvs.iter().map(Option::as_ref)),
            &period(2025),
            rate,
            0.1,
        );
        let order: Vec<&str> = s.win_back.iter().map(|w| w.id.as_str()).collect();
        assert_eq!(order, ["L2", "L3", "L1"]);
        assert_eq!(s.customer_equity, 0.0);
        assert_eq!(s.customers, 0);
    }
}
