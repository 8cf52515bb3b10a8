//! Retention per year, churn by reason and what churn cost (客户维系; domain.md §5).

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::exact;
use super::time::{Period, churn_as_of, is_customer_as_of};
use crate::model::{ChurnReason, Customer};

/// One year of the retention table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RetentionYear {
    pub year: i32,
    /// S_y 原有客户: since before 1 Jan y and not churned before 1 Jan y.
    pub start: usize,
    /// N_y 新增客户: since in y.
    pub new: usize,
    /// L_y 流失客户: churned in y.
    pub lost: usize,
    /// E_y 现有客户 = S_y + N_y − L_y.
    pub end: usize,
    /// L_y^S: customers of S_y lost in y.
    pub lost_from_start: usize,
    /// 客户维系率 (E_y − N_y) / S_y, the material's formula; absent when S_y = 0.
    pub rate: Option<f64>,
    /// Cohort retention (S_y − L_y^S) / S_y; absent when S_y = 0.
    pub cohort_rate: Option<f64>,
    /// 1 − cohort retention.
    pub churn_rate: Option<f64>,
    /// 流失损失: Σ revenue of the lost customers' last sales row with year ≤ y.
    pub revenue_lost: f64,
    /// Σ gross profit of those same rows (missing = 0).
    pub gross_profit_lost: f64,
    /// Σ win-back CLV of the customers lost in y that have one.
    pub value_lost: f64,
    pub new_ids: Vec<String>,
    pub lost_ids: Vec<String>,
}

/// Count and cost of one churn reason.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReasonCount {
    pub reason: ChurnReason,
    pub count: usize,
    pub revenue_lost: f64,
    pub gross_profit_lost: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct YearReasons {
    pub year: i32,
    /// Every reason, in the order of domain.md, zeros included.
    pub reasons: Vec<ReasonCount>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ChurnReasons {
    /// Over all years of the table.
    pub total: Vec<ReasonCount>,
    pub by_year: Vec<YearReasons>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Retention {
    /// From the first `since` year to Y.
    pub years: Vec<RetentionYear>,
    pub churn_reasons: ChurnReasons,
}

/// What a lost customer's churn cost: its last sales row with year ≤ the churn year.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChurnLoss {
    pub date: Date,
    pub year: i32,
    pub reason: ChurnReason,
    /// The sales year used; absent when the record has no row up to the churn year.
    pub sales_year: Option<i32>,
    pub revenue_lost: f64,
    pub gross_profit_lost: f64,
}

/// A customer as the retention counts see it: since and churn as of the as-of date.
struct Member<'a> {
    customer: &'a Customer,
    since: Date,
    churn: Option<Date>,
}

fn members<'a>(customers: &[&'a Customer], period: &Period) -> Vec<Member<'a>> {
    customers
        .iter()
        .filter(|c| is_customer_as_of(c, period.as_of))
        .filter_map(|c| {
            Some(Member {
                customer: c,
                since: c.since?,
                churn: churn_as_of(c, period.as_of).map(|ch| ch.date),
            })
        })
        .collect()
}

fn in_start(m: &Member, year: i32) -> bool {
    i32::from(m.since.year()) < year && m.churn.is_none_or(|d| i32::from(d.year()) >= year)
}

fn churned_in(m: &Member, year: i32) -> bool {
    m.churn.is_some_and(|d| i32::from(d.year()) == year)
}

/// The four counts of a year and L_y^S.
struct Counts<'a> {
    start: usize,
    new: Vec<&'a Member<'a>>,
    lost: Vec<&'a Member<'a>>,
    lost_from_start: usize,
}

fn counts<'a>(members: &'a [Member<'a>], year: i32) -> Counts<'a> {
    Counts {
        start: members.iter().filter(|m| in_start(m, year)).count(),
        new: members
            .iter()
            .filter(|m| i32::from(m.since.year()) == year)
            .collect(),
        lost: members.iter().filter(|m| churned_in(m, year)).collect(),
        lost_from_start: members
            .iter()
            .filter(|m| in_start(m, year) && churned_in(m, year))
            .count(),
    }
}

/// (S_y − L_y^S) / S_y: the share of the customers at the start of y still active at its end.
fn cohort(c: &Counts) -> Option<f64> {
    (c.start > 0).then(|| (c.start - c.lost_from_start) as f64 / c.start as f64)
}

/// Cohort retention of `year` (absent when S_year = 0), for CLV's r.
pub fn cohort_rate(customers: &[&Customer], period: &Period, year: i32) -> Option<f64> {
    let members = members(customers, period);
    cohort(&counts(&members, year))
}

/// The revenue and gross profit a churn in `year` cost: the last sales row with year ≤ `year`.
pub fn churn_loss(customer: &Customer, period: &Period) -> Option<ChurnLoss> {
    let churn = churn_as_of(customer, period.as_of)?;
    let year = i32::from(churn.date.year());
    let row = customer
        .sales
        .iter()
        .filter(|s| s.year <= year)
        .max_by_key(|s| s.year);
    Some(ChurnLoss {
        date: churn.date,
        year,
        reason: churn.reason,
        sales_year: row.map(|r| r.year),
        revenue_lost: row.map_or(0.0, |r| r.revenue),
        gross_profit_lost: row.and_then(|r| r.gross_profit).unwrap_or(0.0),
    })
}

/// The retention table and churn by reason; `win_back_clv` gives a lost customer's
/// win-back CLV by id.
pub fn retention(
    customers: &[&Customer],
    period: &Period,
    win_back_clv: &BTreeMap<String, f64>,
) -> Retention {
    let members = members(customers, period);
    let Some(first) = members.iter().map(|m| i32::from(m.since.year())).min() else {
        return Retention::default();
    };
    let mut years = Vec::new();
    let mut by_year = Vec::new();
    // Every year's losses, in year order: the churn reasons of all years.
    let mut all: Vec<ChurnLoss> = Vec::new();
    for year in first..=period.year {
        let c = counts(&members, year);
        let losses: Vec<ChurnLoss> = c
            .lost
            .iter()
            .filter_map(|m| churn_loss(m.customer, period))
            .collect();
        years.push(year_row(year, &c, &losses, win_back_clv));
        by_year.push(YearReasons {
            year,
            reasons: reason_counts(&losses),
        });
        all.extend(losses);
    }
    Retention {
        years,
        churn_reasons: ChurnReasons {
            total: reason_counts(&all),
            by_year,
        },
    }
}

fn year_row(
    year: i32,
    c: &Counts,
    losses: &[ChurnLoss],
    win_back_clv: &BTreeMap<String, f64>,
) -> RetentionYear {
    let end = c.start + c.new.len() - c.lost.len();
    let ids =
        |list: &[&Member]| -> Vec<String> { list.iter().map(|m| m.customer.id.clone()).collect() };
    let lost_ids = ids(&c.lost);
    let cohort_rate = cohort(c);
    RetentionYear {
        year,
        start: c.start,
        new: c.new.len(),
        lost: c.lost.len(),
        end,
        lost_from_start: c.lost_from_start,
        rate: (c.start > 0).then(|| (end as f64 - c.new.len() as f64) / c.start as f64),
        cohort_rate,
        churn_rate: cohort_rate.map(|r| 1.0 - r),
        revenue_lost: money_sum(losses.iter().map(|l| l.revenue_lost)),
        gross_profit_lost: money_sum(losses.iter().map(|l| l.gross_profit_lost)),
        value_lost: lost_ids.iter().filter_map(|id| win_back_clv.get(id)).sum(),
        new_ids: ids(&c.new),
        lost_ids,
    }
}

fn money_sum(values: impl Iterator<Item = f64>) -> f64 {
    exact::value(exact::sum(values.map(exact::money)))
}

fn reason_counts(losses: &[ChurnLoss]) -> Vec<ReasonCount> {
    ChurnReason::ALL
        .iter()
        .map(|reason| {
            let of: Vec<&ChurnLoss> = losses.iter().filter(|l| l.reason == *reason).collect();
            ReasonCount {
                reason: *reason,
                count: of.len(),
                revenue_lost: money_sum(of.iter().map(|l| l.revenue_lost)),
                gross_profit_lost: money_sum(of.iter().map(|l| l.gross_profit_lost)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::testing::*;
    use crate::analytics::time::{AsOfSource, YearSource};
    use proptest::prelude::*;

    fn period(year: i32, as_of: &str) -> Period {
        Period {
            year,
            year_source: YearSource::Config,
            as_of: date(as_of),
            as_of_source: AsOfSource::Config,
        }
    }

    fn row(r: &Retention, year: i32) -> &RetentionYear {
        r.years.iter().find(|y| y.year == year).unwrap()
    }

    #[test]
    fn new_and_lost_in_the_same_year_separates_the_two_rates() {
        // 2024: A, B, C, D join (N = 4).
        // 2025: S = 4 (A, B, C, D). E joins in March and leaves in October (N = 1), and
        // A leaves in May: L = 2 (A, E), L^S = 1 (A). E = 4 + 1 − 2 = 3.
        // material's rate = (E − N)/S = (3 − 1)/4 = 0.5
        // cohort rate     = (S − L^S)/S = (4 − 1)/4 = 0.75; churn rate 0.25.
        let cs = [
            customer("A")
                .since("2024-02-01")
                .sales_row(2024, 100.0, None, Some(20.0))
                .churn("2025-05-01", ChurnReason::Price)
                .build(),
            customer("B").since("2024-03-01").build(),
            customer("C").since("2024-04-01").build(),
            customer("D").since("2024-12-31").build(),
            customer("E")
                .since("2025-03-01")
                .sales_row(2025, 40.0, None, None)
                .churn("2025-10-01", ChurnReason::Service)
                .build(),
            customer("P").stage(crate::model::Stage::Prospect).build(),
        ];
        let refs: Vec<&Customer> = cs.iter().collect();
        let clv = BTreeMap::from([("A".to_string(), 55.0)]);
        let r = retention(&refs, &period(2025, "2025-12-31"), &clv);
        assert_eq!(r.years.len(), 2);
        let y24 = row(&r, 2024);
        assert_eq!((y24.start, y24.new, y24.lost, y24.end), (0, 4, 0, 4));
        assert_eq!((y24.rate, y24.cohort_rate), (None, None));
        let y25 = row(&r, 2025);
        assert_eq!((y25.start, y25.new, y25.lost, y25.end), (4, 1, 2, 3));
        assert_eq!(y25.lost_from_start, 1);
        assert_eq!(y25.rate, Some(0.5));
        assert_eq!(y25.cohort_rate, Some(0.75));
        assert_eq!(y25.churn_rate, Some(0.25));
        // Revenue lost: A's last row ≤ 2025 is 2024 (100, gp 20); E's is 2025 (40, gp missing = 0).
        assert_eq!(y25.revenue_lost, 140.0);
        assert_eq!(y25.gross_profit_lost, 20.0);
        assert_eq!(y25.value_lost, 55.0);
        assert_eq!(y25.lost_ids, ["A", "E"]);
        let price = &r.churn_reasons.total[0];
        assert_eq!(
            (price.reason, price.count, price.revenue_lost),
            (ChurnReason::Price, 1, 100.0)
        );
        let service = &r.churn_reasons.total[2];
        assert_eq!(
            (service.reason, service.count, service.revenue_lost),
            (ChurnReason::Service, 1, 40.0)
        );
        assert_eq!(
            r.churn_reasons.by_year[0]
                .reasons
                .iter()
                .map(|c| c.count)
                .sum::<usize>(),
            0
        );
    }

    #[test]
    fn dates_after_as_of_do_not_count() {
        // As of 2025-06-30: A's churn on 2025-09-01 has not happened (A still active);
        // B's since 2025-08-01 has not happened (not a customer). So 2025: S = 1 (A), N = 0,
        // L = 0, E = 1.
        let cs = [
            customer("A")
                .since("2023-05-01")
                .churn("2025-09-01", ChurnReason::Market)
                .build(),
            customer("B").since("2025-08-01").build(),
        ];
        let refs: Vec<&Customer> = cs.iter().collect();
        let r = retention(&refs, &period(2025, "2025-06-30"), &BTreeMap::new());
        assert_eq!(r.years.first().unwrap().year, 2023);
        let y = row(&r, 2025);
        assert_eq!((y.start, y.new, y.lost, y.end), (1, 0, 0, 1));
        assert_eq!(y.cohort_rate, Some(1.0));
        assert!(churn_loss(&cs[0], &period(2025, "2025-06-30")).is_none());
    }

    #[test]
    fn customers_lost_in_an_earlier_year_leave_the_start_count() {
        // A since 2022, lost 2023-12-31 → in S_2023, not in S_2024 (churned before 1 Jan 2024).
        let cs = [
            customer("A")
                .since("2022-01-01")
                .churn("2023-12-31", ChurnReason::Product)
                .build(),
            customer("B").since("2022-06-01").build(),
        ];
        let refs: Vec<&Customer> = cs.iter().collect();
        let r = retention(&refs, &period(2024, "2024-12-31"), &BTreeMap::new());
        let y23 = row(&r, 2023);
        assert_eq!(
            (y23.start, y23.lost, y23.end, y23.cohort_rate),
            (2, 1, 1, Some(0.5))
        );
        assert_eq!(y23.revenue_lost, 0.0);
        let y24 = row(&r, 2024);
        assert_eq!((y24.start, y24.lost, y24.end), (1, 0, 1));
        assert_eq!(
            cohort_rate(&refs, &period(2024, "2024-12-31"), 2024),
            Some(1.0)
        );
    }

    proptest! {
        #[test]
        fn cohort_retention_is_within_zero_and_one(
            people in prop::collection::vec((2018i16..2026, 1i8..=12, prop::option::of(0i16..4)), 0..20),
        ) {
            let cs: Vec<Customer> = people
                .iter()
                .enumerate()
                .map(|(i, (year, month, churn_after))| {
                    let since = format!("{year}-{month:02}-01");
                    let b = customer(&format!("C{i}")).since(&since);
                    match churn_after {
                        Some(k) => b.churn(&format!("{}-{month:02}-15", year + k), ChurnReason::Price),
                        None => b,
                    }
                    .build()
                })
                .collect();
            let refs: Vec<&Customer> = cs.iter().collect();
            let r = retention(&refs, &period(2025, "2025-12-31"), &BTreeMap::new());
            for y in &r.years {
                prop_assert_eq!(y.end, y.start + y.new - y.lost);
                if let Some(rate) = y.cohort_rate {
                    prop_assert!((0.0..=1.0).contains(&rate));
                    prop_assert!(y.rate.unwrap() <= rate);
                }
            }
        }
    }
}
