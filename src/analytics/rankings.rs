//! Key-customer rankings and ABC classes (重点客户排行, 二八法则; domain.md §3).

use std::cmp::Reverse;
use std::collections::BTreeMap;

use serde::Serialize;

use super::exact::{self, Ratio};
use super::time::{Period, stage_as_of};
use crate::model::{Class, Customer, SalesYear, Stage};

/// A customer's sales figures for the reporting year Y (present when it has a sales row for Y).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SalesMetrics {
    pub year: i32,
    /// revenue_Y (销售额).
    pub revenue: f64,
    pub target: Option<f64>,
    pub gross_profit: Option<f64>,
    /// revenue_{Y−1}; absent when there is no row for Y−1 (growth then has no base).
    pub previous_revenue: Option<f64>,
    /// 目标达成率 revenue_Y / target_Y, where target_Y > 0.
    pub achievement: Option<f64>,
    /// 销售成长率 (revenue_Y − revenue_{Y−1}) / revenue_{Y−1}, where revenue_{Y−1} > 0.
    pub growth: Option<f64>,
    /// 利润率 gross_profit_Y / revenue_Y, where revenue_Y > 0 and gross profit is given.
    pub margin: Option<f64>,
}

/// One line of a ranking: rank 1 is the largest value; ties are separated by id.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RankEntry {
    pub rank: usize,
    pub id: String,
    pub value: f64,
}

/// The four key-customer tables in full (pages and reports show the top N).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RankingTables {
    pub revenue: Vec<RankEntry>,
    pub achievement: Vec<RankEntry>,
    pub growth: Vec<RankEntry>,
    pub margin: Vec<RankEntry>,
}

/// The tables of one region or one owner; `key` is `None` for the customers without a region.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupRankings {
    pub key: Option<String>,
    pub tables: RankingTables,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Rankings {
    /// The number of rows pages show (config `ranking.top`).
    pub top: usize,
    pub site: RankingTables,
    /// Regions in code-point order, the group without a region last.
    pub by_region: Vec<GroupRankings>,
    /// Owners in code-point order.
    pub by_owner: Vec<GroupRankings>,
}

/// Where a customer falls in the ABC analysis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AbcEntry {
    /// Position in the revenue order (1 = largest).
    pub rank: usize,
    pub id: String,
    pub revenue: f64,
    /// c_{i−1}: share of total revenue of the customers ranked before this one.
    pub cumulative_share_before: f64,
    /// c_i: the same including this customer.
    pub cumulative_share: f64,
    pub class: Class,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ClassCounts {
    #[serde(rename = "A")]
    pub a: usize,
    #[serde(rename = "B")]
    pub b: usize,
    #[serde(rename = "C")]
    pub c: usize,
}

/// What the first ceil(n/5) customers of the revenue order bring (the measured 二八法则).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopShare {
    /// n: customers in the ABC analysis.
    pub customers: usize,
    /// ceil(n/5).
    pub top: usize,
    pub ids: Vec<String>,
    pub revenue_share: f64,
    /// Their Σ gross profit / the n customers' Σ gross profit; absent when that total ≤ 0.
    pub gross_profit_share: Option<f64>,
    pub gross_profit_total: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AbcAnalysis {
    pub total_revenue: f64,
    pub customers: Vec<AbcEntry>,
    pub counts: ClassCounts,
    /// Absent when no customer has revenue in Y.
    pub top20: Option<TopShare>,
}

impl AbcAnalysis {
    pub fn class_of(&self, id: &str) -> Option<Class> {
        self.entry(id).map(|e| e.class)
    }

    pub fn entry(&self, id: &str) -> Option<&AbcEntry> {
        self.customers.iter().find(|e| e.id == id)
    }
}

/// The row of `year`, if any.
pub fn sales_row(customer: &Customer, year: i32) -> Option<&SalesYear> {
    customer.sales.iter().find(|s| s.year == year)
}

/// The exact figures behind the four rankings.
struct Figures<'a> {
    customer: &'a Customer,
    revenue: i128,
    achievement: Option<Ratio>,
    growth: Option<Ratio>,
    margin: Option<Ratio>,
}

fn figures(customer: &Customer, year: i32) -> Option<Figures<'_>> {
    let row = sales_row(customer, year)?;
    let revenue = exact::money(row.revenue);
    let previous = sales_row(customer, year - 1).map(|r| exact::money(r.revenue));
    Some(Figures {
        customer,
        revenue,
        achievement: row
            .target
            .and_then(|t| Ratio::new(revenue, exact::money(t))),
        growth: previous.and_then(|p| Ratio::new(revenue.saturating_sub(p), p)),
        margin: row
            .gross_profit
            .and_then(|gp| Ratio::new(exact::money(gp), revenue)),
    })
}

/// What the rankings and the ABC analysis read of a record, exactly; `None` when the record
/// is in neither (not active as of the date, or without a sales row for Y). Records with the
/// same inputs leave both unchanged.
#[derive(PartialEq, Eq)]
pub(super) struct RankingInputs<'a> {
    revenue: i128,
    target: Option<i128>,
    gross_profit: Option<i128>,
    previous_revenue: Option<i128>,
    owner: &'a str,
    region: Option<&'a str>,
}

pub(super) fn ranking_inputs<'a>(
    customer: &'a Customer,
    period: &Period,
) -> Option<RankingInputs<'a>> {
    if stage_as_of(customer, period.as_of) != Stage::Active {
        return None;
    }
    let row = sales_row(customer, period.year)?;
    Some(RankingInputs {
        revenue: exact::money(row.revenue),
        target: row.target.map(exact::money),
        gross_profit: row.gross_profit.map(exact::money),
        previous_revenue: sales_row(customer, period.year - 1).map(|r| exact::money(r.revenue)),
        owner: &customer.owner,
        region: customer.profile.region.as_deref(),
    })
}

/// The Y figures of any record that has a sales row for Y.
pub fn sales_metrics(customer: &Customer, year: i32) -> Option<SalesMetrics> {
    let row = sales_row(customer, year)?;
    let f = figures(customer, year)?;
    Some(SalesMetrics {
        year,
        revenue: row.revenue,
        target: row.target,
        gross_profit: row.gross_profit,
        previous_revenue: sales_row(customer, year - 1).map(|r| r.revenue),
        achievement: f.achievement.map(Ratio::value),
        growth: f.growth.map(Ratio::value),
        margin: f.margin.map(Ratio::value),
    })
}

/// Active customers (as of the as-of date) with a sales row for Y, in site order (id, then
/// path: see [`Customer::site_order`]), which breaks every tie of the rankings.
fn ranked_population<'a>(customers: &[&'a Customer], period: &Period) -> Vec<Figures<'a>> {
    let mut population: Vec<Figures> = customers
        .iter()
        .filter(|c| stage_as_of(c, period.as_of) == Stage::Active)
        .filter_map(|c| figures(c, period.year))
        .collect();
    let in_order = |a: &Figures, b: &Figures| a.customer.site_order() <= b.customer.site_order();
    if !population.is_sorted_by(in_order) {
        population.sort_by(|a, b| a.customer.site_order().cmp(&b.customer.site_order()));
    }
    population
}

/// One ranking's order: places in the population (which is in site order) with their
/// values, descending by the key; a tie goes to the earlier place, that is by id, then path.
type Order = Vec<(usize, f64)>;

fn order_by<K: Ord + Copy>(
    population: &[&Figures],
    key: impl Fn(&Figures) -> Option<K>,
    value: impl Fn(K) -> f64,
) -> Order {
    let mut keyed: Vec<(Reverse<K>, usize)> = population
        .iter()
        .enumerate()
        .filter_map(|(i, f)| key(f).map(|k| (Reverse(k), i)))
        .collect();
    keyed.sort_unstable();
    keyed
        .into_iter()
        .map(|(Reverse(k), i)| (i, value(k)))
        .collect()
}

/// The four orders: revenue, achievement, growth, margin.
fn orders(population: &[&Figures]) -> [Order; 4] {
    [
        order_by(population, |f| Some(f.revenue), exact::value),
        order_by(population, |f| f.achievement, Ratio::value),
        order_by(population, |f| f.growth, Ratio::value),
        order_by(population, |f| f.margin, Ratio::value),
    ]
}

impl RankingTables {
    fn table_mut(&mut self, which: usize) -> &mut Vec<RankEntry> {
        match which {
            0 => &mut self.revenue,
            1 => &mut self.achievement,
            2 => &mut self.growth,
            _ => &mut self.margin,
        }
    }
}

/// The tables of `population` in the given orders, ranks counted from 1.
fn tables(population: &[&Figures], orders: &[Order; 4]) -> RankingTables {
    let mut tables = RankingTables::default();
    for (which, order) in orders.iter().enumerate() {
        *tables.table_mut(which) = order
            .iter()
            .enumerate()
            .map(|(rank, &(i, value))| RankEntry {
                rank: rank + 1,
                id: population[i].customer.id.clone(),
                value,
            })
            .collect();
    }
    tables
}

/// The tables of each group (region, owner): the site's orders cut by group, ranks counted
/// anew. A group's order is the site's order of its members (one order rules them all: key
/// descending, then id, then path), so nothing is sorted again.
fn grouped<'a>(
    population: &'a [&Figures],
    orders: &[Order; 4],
    key: impl Fn(&'a Customer) -> Option<&'a str>,
) -> Vec<GroupRankings> {
    // The group without a key sorts last.
    let mut keys: BTreeMap<(bool, Option<&str>), usize> = BTreeMap::new();
    let group_of: Vec<usize> = population
        .iter()
        .map(|f| {
            let k = key(f.customer);
            let next = keys.len();
            *keys.entry((k.is_none(), k)).or_insert(next)
        })
        .collect();
    let mut groups = vec![RankingTables::default(); keys.len()];
    for (which, order) in orders.iter().enumerate() {
        for &(i, value) in order {
            let list = groups[group_of[i]].table_mut(which);
            list.push(RankEntry {
                rank: list.len() + 1,
                id: population[i].customer.id.clone(),
                value,
            });
        }
    }
    keys.into_iter()
        .map(|((_, key), g)| GroupRankings {
            key: key.map(str::to_string),
            tables: std::mem::take(&mut groups[g]),
        })
        .collect()
}

/// What the rankings and the ABC analysis read: the figures of the customers they rank, in
/// site order. Made once for both.
pub struct Population<'a>(Vec<Figures<'a>>);

impl<'a> Population<'a> {
    pub fn of(customers: &[&'a Customer], period: &Period) -> Self {
        Population(ranked_population(customers, period))
    }
}

/// The four tables site-wide, per region and per owner (the analysis makes the population once
/// for these and the ABC analysis: [`rankings_of`]).
#[cfg(test)]
pub fn rankings(customers: &[&Customer], period: &Period, top: usize) -> Rankings {
    rankings_of(&Population::of(customers, period), top)
}

/// The four tables site-wide, per region and per owner, of a population already made.
pub fn rankings_of(population: &Population, top: usize) -> Rankings {
    let all: Vec<&Figures> = population.0.iter().collect();
    let orders = orders(&all);
    Rankings {
        top,
        site: tables(&all, &orders),
        by_region: grouped(&all, &orders, |c| c.profile.region.as_deref()),
        by_owner: grouped(&all, &orders, |c| Some(c.owner.as_str())),
    }
}

/// The class of a customer whose predecessors in the revenue order sum to `before`, all
/// exact: A when before < 0.80 · total, B when before < 0.95 · total, else C.
fn abc_class(before: i128, total: i128) -> Class {
    let share = Ratio::new(before, total);
    if share < Ratio::new(80, 100) {
        Class::A
    } else if share < Ratio::new(95, 100) {
        Class::B
    } else {
        Class::C
    }
}

/// ABC classes over active customers with revenue_Y > 0, and the top-20% shares (see
/// [`abc_of`] for the analysis).
#[cfg(test)]
pub fn abc(customers: &[&Customer], period: &Period) -> AbcAnalysis {
    abc_of(&Population::of(customers, period), period.year)
}

/// The ABC analysis of a population already made, for the reporting year `year`.
pub fn abc_of(population: &Population, year: i32) -> AbcAnalysis {
    let positive: Vec<&Figures> = population.0.iter().filter(|f| f.revenue > 0).collect();
    let ordered: Vec<&Figures> = order_by(&positive, |f| Some(f.revenue), exact::value)
        .into_iter()
        .map(|(i, _)| positive[i])
        .collect();
    let total = exact::sum(ordered.iter().map(|f| f.revenue));
    let mut before = 0i128;
    let mut counts = ClassCounts::default();
    let mut entries = Vec::with_capacity(ordered.len());
    for (rank, f) in ordered.iter().enumerate() {
        let class = abc_class(before, total);
        match class {
            Class::A => counts.a += 1,
            Class::B => counts.b += 1,
            Class::C => counts.c += 1,
        }
        entries.push(AbcEntry {
            rank: rank + 1,
            id: f.customer.id.clone(),
            revenue: exact::value(f.revenue),
            cumulative_share_before: share(before, total),
            cumulative_share: share(before.saturating_add(f.revenue), total),
            class,
        });
        before = before.saturating_add(f.revenue);
    }
    let top20 = top_share(&ordered, total, year);
    AbcAnalysis {
        total_revenue: exact::value(total),
        customers: entries,
        counts,
        top20,
    }
}

fn share(part: i128, total: i128) -> f64 {
    part as f64 / total as f64
}

/// The top 20 % of `ordered` (by revenue, descending) and their shares.
fn top_share(ordered: &[&Figures], total_revenue: i128, year: i32) -> Option<TopShare> {
    let n = ordered.len();
    if n == 0 {
        return None;
    }
    let k = n.div_ceil(5);
    let gross_profit = |f: &&Figures| {
        sales_row(f.customer, year)
            .and_then(|r| r.gross_profit)
            .map_or(0, exact::money)
    };
    let revenue_top = exact::sum(ordered[..k].iter().map(|f| f.revenue));
    let gp_top = exact::sum(ordered[..k].iter().map(gross_profit));
    let gp_total = exact::sum(ordered.iter().map(gross_profit));
    Some(TopShare {
        customers: n,
        top: k,
        ids: ordered[..k].iter().map(|f| f.customer.id.clone()).collect(),
        revenue_share: share(revenue_top, total_revenue),
        gross_profit_share: (gp_total > 0).then(|| share(gp_top, gp_total)),
        gross_profit_total: exact::value(gp_total),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::testing::*;
    use crate::analytics::time::{AsOfSource, YearSource};
    use crate::model::{ChurnReason, Customer};
    use proptest::prelude::*;

    fn period(year: i32) -> Period {
        Period {
            year,
            year_source: YearSource::Config,
            as_of: date(&format!("{year}-12-31")),
            as_of_source: AsOfSource::EndOfYear,
        }
    }

    fn refs(customers: &[Customer]) -> Vec<&Customer> {
        customers.iter().collect()
    }

    fn ids(entries: &[RankEntry]) -> Vec<&str> {
        entries.iter().map(|e| e.id.as_str()).collect()
    }

    #[test]
    fn ties_are_broken_by_code_point_id_order() {
        // Equal revenue 100: "KH-10" < "KH-9" because '1' (0x31) < '9' (0x39).
        let cs = vec![
            customer("KH-9").sale(2025, 100.0).build(),
            customer("KH-10").sale(2025, 100.0).build(),
            customer("KH-2").sale(2025, 150.0).build(),
        ];
        let r = rankings(&refs(&cs), &period(2025), 10);
        assert_eq!(ids(&r.site.revenue), ["KH-2", "KH-10", "KH-9"]);
        assert_eq!(
            r.site.revenue.iter().map(|e| e.rank).collect::<Vec<_>>(),
            [1, 2, 3]
        );
    }

    #[test]
    fn the_four_tables_and_their_eligibility() {
        let cs = vec![
            // achievement 120/100 = 1.2; growth (120−100)/100 = 0.2; margin 30/120 = 0.25
            customer("A")
                .sales_row(2024, 100.0, None, None)
                .sales_row(2025, 120.0, Some(100.0), Some(30.0))
                .build(),
            // no previous year → no growth; target 0 → no achievement;
            // negative gross profit: margin −20/80 = −0.25, still ranked (last)
            customer("B")
                .sales_row(2025, 80.0, Some(0.0), Some(-20.0))
                .build(),
            // previous year revenue 0 → no growth; revenue 0 → no margin
            customer("C")
                .sales_row(2024, 0.0, None, None)
                .sales_row(2025, 0.0, Some(50.0), Some(0.0))
                .build(),
            // lost: never ranked
            customer("D")
                .sale(2025, 999.0)
                .churn("2025-03-01", ChurnReason::Price)
                .build(),
            // no 2025 row: not ranked
            customer("E").sale(2024, 500.0).build(),
        ];
        let r = rankings(&refs(&cs), &period(2025), 10);
        assert_eq!(ids(&r.site.revenue), ["A", "B", "C"]);
        assert_eq!(ids(&r.site.achievement), ["A", "C"]);
        assert_eq!(r.site.achievement[1].value, 0.0);
        assert_eq!(ids(&r.site.growth), ["A"]);
        assert!((r.site.growth[0].value - 0.2).abs() < 1e-12);
        assert_eq!(ids(&r.site.margin), ["A", "B"]);
        assert_eq!(r.site.margin[1].value, -0.25);

        let b = sales_metrics(&cs[1], 2025).unwrap();
        assert_eq!(b.previous_revenue, None);
        assert_eq!(b.growth, None);
        assert_eq!(b.achievement, None);
        let c = sales_metrics(&cs[2], 2025).unwrap();
        assert_eq!(
            (c.previous_revenue, c.growth, c.margin),
            (Some(0.0), None, None)
        );
        // A lost customer still has its own figures; it is only left out of rankings.
        assert_eq!(sales_metrics(&cs[3], 2025).unwrap().revenue, 999.0);
    }

    #[test]
    fn ratio_ties_are_exact_not_float() {
        // 0.1/0.3 and 0.3/0.9 are both exactly 1/3; in floats 0.1/0.3 = 0.33333333333333337
        // and 0.3/0.9 = 0.3333333333333333, which would put Y first.
        assert!(std::hint::black_box(0.1f64) / 0.3 > 0.3 / 0.9);
        let cs = vec![
            customer("Y").sales_row(2025, 0.1, Some(0.3), None).build(),
            customer("X").sales_row(2025, 0.3, Some(0.9), None).build(),
        ];
        let r = rankings(&refs(&cs), &period(2025), 10);
        // A tie, so id order decides: X before Y.
        assert_eq!(ids(&r.site.achievement), ["X", "Y"]);
    }

    #[test]
    fn groups_by_region_and_owner() {
        let cs = vec![
            customer("A")
                .region("华东")
                .owner("李")
                .sale(2025, 10.0)
                .build(),
            customer("B").owner("王").sale(2025, 30.0).build(),
            customer("C")
                .region("华东")
                .owner("王")
                .sale(2025, 20.0)
                .build(),
        ];
        let r = rankings(&refs(&cs), &period(2025), 10);
        let regions: Vec<_> = r.by_region.iter().map(|g| g.key.clone()).collect();
        assert_eq!(regions, [Some("华东".to_string()), None]);
        assert_eq!(ids(&r.by_region[0].tables.revenue), ["C", "A"]);
        assert_eq!(r.by_region[0].tables.revenue[1].rank, 2);
        assert_eq!(ids(&r.by_region[1].tables.revenue), ["B"]);
        let owners: Vec<_> = r.by_owner.iter().map(|g| g.key.clone().unwrap()).collect();
        assert_eq!(owners, ["李", "王"]);
        assert_eq!(ids(&r.by_owner[1].tables.revenue), ["B", "C"]);
    }

    #[test]
    fn abc_boundaries_at_exactly_80_and_95_percent() {
        // Revenues 50, 30, 15, 5 (total 100): c_{i−1} = 0, 0.50, 0.80, 0.95.
        // P1: 0 < 0.8 → A; P2: 0.5 < 0.8 → A (it reaches exactly 80%);
        // P3: 0.80 is not < 0.80 → B; P4: 0.95 is not < 0.95 → C.
        let cs = vec![
            customer("P1").sale(2025, 50.0).build(),
            customer("P2").sale(2025, 30.0).build(),
            customer("P3").sale(2025, 15.0).build(),
            customer("P4").sale(2025, 5.0).build(),
        ];
        let a = abc(&refs(&cs), &period(2025));
        let classes: Vec<_> = a.customers.iter().map(|e| e.class).collect();
        assert_eq!(classes, [Class::A, Class::A, Class::B, Class::C]);
        assert_eq!(a.counts, ClassCounts { a: 2, b: 1, c: 1 });
        assert_eq!(a.customers[2].cumulative_share_before, 0.8);
        assert_eq!(a.total_revenue, 100.0);
    }

    #[test]
    fn abc_boundary_is_exact_where_floats_drift() {
        // Revenues 0.7, 0.1, 0.1, 0.1 → total 1.0. In floats 0.7 + 0.1 = 0.7999999999999999,
        // which would wrongly make the third customer A. Exactly, c_2 = 0.8 → B.
        // Third customer's c_{i−1}: 0.7 + 0.1 = 0.8 → not < 0.8 → B; fourth: 0.9 < 0.95 → B.
        assert!(std::hint::black_box(0.7f64) + 0.1 < 0.8);
        let cs = vec![
            customer("Q1").sale(2025, 0.7).build(),
            customer("Q2").sale(2025, 0.1).build(),
            customer("Q3").sale(2025, 0.1).build(),
            customer("Q4").sale(2025, 0.1).build(),
        ];
        let a = abc(&refs(&cs), &period(2025));
        let classes: Vec<_> = a.customers.iter().map(|e| e.class).collect();
        assert_eq!(classes, [Class::A, Class::A, Class::B, Class::B]);
    }

    #[test]
    fn abc_skips_zero_revenue_and_separates_equal_revenue_by_id() {
        // KH-10 and KH-9 both 40, KH-1 20, KH-0 0 (left out). Total 100.
        // KH-10: 0 → A; KH-9: 0.40 → A; KH-1: 0.80 → B.
        let cs = vec![
            customer("KH-9").sale(2025, 40.0).build(),
            customer("KH-10").sale(2025, 40.0).build(),
            customer("KH-1").sale(2025, 20.0).build(),
            customer("KH-0").sale(2025, 0.0).build(),
        ];
        let a = abc(&refs(&cs), &period(2025));
        let order: Vec<_> = a
            .customers
            .iter()
            .map(|e| (e.id.as_str(), e.class))
            .collect();
        assert_eq!(
            order,
            [("KH-10", Class::A), ("KH-9", Class::A), ("KH-1", Class::B)]
        );
        assert_eq!(a.class_of("KH-0"), None);
    }

    #[test]
    fn top_twenty_percent_shares() {
        // n = 6 → ceil(6/5) = 2 customers: T1 (60) and T2 (20).
        // revenue share = 80/100 = 0.8.
        // gross profit: T1 30, T2 −10, T3 missing (0), T4 10, T5 10, T6 10 → total 50;
        // top two bring 30 − 10 = 20 → 20/50 = 0.4.
        let cs = vec![
            customer("T1")
                .sales_row(2025, 60.0, None, Some(30.0))
                .build(),
            customer("T2")
                .sales_row(2025, 20.0, None, Some(-10.0))
                .build(),
            customer("T3").sale(2025, 8.0).build(),
            customer("T4")
                .sales_row(2025, 5.0, None, Some(10.0))
                .build(),
            customer("T5")
                .sales_row(2025, 4.0, None, Some(10.0))
                .build(),
            customer("T6")
                .sales_row(2025, 3.0, None, Some(10.0))
                .build(),
        ];
        let top = abc(&refs(&cs), &period(2025)).top20.unwrap();
        assert_eq!((top.customers, top.top), (6, 2));
        assert_eq!(top.ids, ["T1", "T2"]);
        assert_eq!(top.revenue_share, 0.8);
        assert_eq!(top.gross_profit_share, Some(0.4));
    }

    #[test]
    fn gross_profit_share_is_absent_when_total_is_not_positive() {
        // Gross profit 10 and −10 sum to 0 → absent.
        let cs = vec![
            customer("A")
                .sales_row(2025, 60.0, None, Some(10.0))
                .build(),
            customer("B")
                .sales_row(2025, 40.0, None, Some(-10.0))
                .build(),
        ];
        let top = abc(&refs(&cs), &period(2025)).top20.unwrap();
        assert_eq!(top.top, 1);
        assert_eq!(top.revenue_share, 0.6);
        assert_eq!(top.gross_profit_share, None);
        assert!(abc(&[], &period(2025)).top20.is_none());
    }

    fn arbitrary_customers() -> impl Strategy<Value = Vec<Customer>> {
        prop::collection::vec((0u32..40, 0u32..5, prop::option::of(0u32..4)), 0..25).prop_map(
            |rows| {
                rows.into_iter()
                    .enumerate()
                    .map(|(i, (revenue, target, previous))| {
                        let mut b = customer(&format!("KH-{}", i * 7 % 25)).sales_row(
                            2025,
                            f64::from(revenue),
                            Some(f64::from(target)),
                            None,
                        );
                        if let Some(p) = previous {
                            b = b.sale(2024, f64::from(p));
                        }
                        b.build()
                    })
                    .collect()
            },
        )
    }

    proptest! {
        #[test]
        fn ranking_order_is_total_and_stable(cs in arbitrary_customers()) {
            let r = rankings(&refs(&cs), &period(2025), 10);
            for table in [&r.site.revenue, &r.site.achievement, &r.site.growth] {
                for pair in table.windows(2) {
                    prop_assert!(pair[0].value > pair[1].value
                        || (pair[0].value == pair[1].value && pair[0].id <= pair[1].id));
                }
            }
            let mut reversed = cs.clone();
            reversed.reverse();
            prop_assert_eq!(&rankings(&refs(&reversed), &period(2025), 10), &r);
        }

        #[test]
        fn abc_classes_never_go_back(cs in arbitrary_customers()) {
            let a = abc(&refs(&cs), &period(2025));
            for pair in a.customers.windows(2) {
                prop_assert!(pair[0].class <= pair[1].class);
            }
            if let Some(first) = a.customers.first() {
                prop_assert_eq!(first.class, Class::A);
            }
        }
    }
}

#[cfg(test)]
mod grouped_tests {
    use super::*;
    use crate::analytics::testing::{config_for, customer, site};

    /// Each group's tables sorted on their own, the way the domain states them.
    fn sorted_per_group(
        population: &[&Figures],
        key: impl Fn(&Customer) -> Option<String>,
    ) -> Vec<GroupRankings> {
        let mut groups: BTreeMap<(bool, Option<String>), Vec<&Figures>> = BTreeMap::new();
        for f in population {
            let k = key(f.customer);
            groups.entry((k.is_none(), k)).or_default().push(f);
        }
        groups
            .into_iter()
            .map(|((_, key), members)| GroupRankings {
                key,
                tables: tables(&members, &orders(&members)),
            })
            .collect()
    }

    /// The tables cut from the site's order equal the tables of each group sorted on its own,
    /// ties, missing keys and repeated ids included.
    #[test]
    fn group_tables_cut_from_the_site_equal_sorting_each_group() {
        let owners = ["王芳", "李娜", "张伟"];
        let regions = [Some("华东"), Some("华北"), None];
        let customers: Vec<Customer> = (0..60)
            .map(|i| {
                // Every tenth id repeats the one before (an invalid site `dossier changes` reads).
                let n = if i % 10 == 9 { 60 - i + 1 } else { 60 - i };
                let mut b = customer(&format!("KH-{n:03}"))
                    .owner(owners[i % 3])
                    .sales_row(
                        2024,
                        1000.0 + (i % 7) as f64 * 100.0,
                        Some(1000.0),
                        Some(100.0),
                    )
                    .sales_row(
                        2025,
                        1000.0 + (i % 5) as f64 * 100.0,
                        (i % 4 != 0).then_some(1200.0),
                        (i % 3 != 0).then_some(150.0),
                    );
                if let Some(region) = regions[i % 3] {
                    b = b.region(region);
                }
                b.build()
            })
            .collect();
        let refs: Vec<&Customer> = customers.iter().collect();
        let period =
            crate::analytics::time::resolve(&site(Vec::new()), &config_for(Some(2025)), None)
                .expect("period");
        let population = ranked_population(&refs, &period);
        let all: Vec<&Figures> = population.iter().collect();
        let r = rankings(&refs, &period, 10);
        assert_eq!(
            r.by_region,
            sorted_per_group(&all, |c| c.profile.region.clone())
        );
        assert_eq!(
            r.by_owner,
            sorted_per_group(&all, |c| Some(c.owner.clone()))
        );
        assert!(r.by_owner.iter().all(|g| !g.tables.revenue.is_empty()));
    }
}
