//! Pure analytics over validated records (domain.md §2–§9).
//!
//! [`analyse`] reads the site and its configuration once and returns one [`Analytics`] value
//! that pages, `data/metrics.json` ([`export`]) and `dossier report` all read: nothing
//! downstream recomputes a metric. No I/O, no clock: the same inputs give the same value.
//! Every value that a reader may question carries its explanation (a grade its points and
//! notches, a CLV its m, r and d, an overdue visit its last visit and interval).
//!
//! One module per concept: [`time`] (Y, as-of date, records as of that date), [`exact`]
//! (fixed-point comparisons), [`rankings`] (§3), [`credit`] (§4), [`retention`] and [`clv`]
//! (§5), [`satisfaction`] (§6), [`prospects`] (§7), [`service`] (§8), [`selectors`]
//! (playbook `applies_to`) and [`export`] (§9).

pub mod clv;
pub mod credit;
pub mod exact;
pub mod export;
mod incremental;
pub mod prospects;
pub mod rankings;
pub mod retention;
pub mod satisfaction;
pub mod selectors;
pub mod service;
pub mod time;

#[cfg(test)]
pub(crate) mod testing;

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::config::SiteConfig;
use crate::model::{Customer, Kind, Playbook, Site, Stage};

pub use clv::{Clv, ClvBasis, ClvSummary, MeanProfit, RateSource, RetentionRate, WinBackEntry};
pub use credit::{CreditMetrics, FinancialRatios, Notch, PaymentDelay, PaymentLine, Rating};
pub use export::{
    CustomerRow, MetricsDocument, customer_row, document_json, metrics_document,
    metrics_document_with, metrics_json,
};
pub use prospects::{ManCode, ManLetter, ManVerdict};
pub use rankings::{
    AbcAnalysis, AbcEntry, ClassCounts, GroupRankings, RankEntry, RankingTables, Rankings,
    SalesMetrics, TopShare,
};
pub use retention::{ChurnLoss, ChurnReasons, ReasonCount, Retention, RetentionYear, YearReasons};
pub use satisfaction::{Csi, Level, PreviousSurvey, SatisfactionSummary, Segment};
pub use selectors::PlaybookMatches;
pub use service::{
    ComplaintAlert, ComplaintGroup, ComplaintMetrics, ComplaintStats, OpenComplaint, OverdueEntry,
    OwnerOverdue, VisitRef, VisitStatus, VisitSummary,
};
pub use time::{AsOfSource, Period, YearSource};

/// A version analysed before and what it was made of, for [`analyse_after`].
#[derive(Clone, Copy)]
pub struct Previous<'a> {
    pub site: &'a Site,
    pub config: &'a SiteConfig,
    pub analytics: &'a Analytics,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnalyticsError {
    #[error(
        "no reporting year: site.yaml has no `year`, no record has sales and no as-of date is given (add `year: 2025` to site.yaml)"
    )]
    NoReportingYear,
    #[error("reporting year {0} is out of range")]
    YearOutOfRange(i32),
}

/// Everything dossier computes, for one reporting year and as-of date.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Analytics {
    /// Y and the as-of date, with where each came from.
    pub period: Period,
    /// One per customer record (every stage), in id order (code points).
    /// Shared: a rebuild keeps the metrics of every record whose inputs are as they were.
    pub customers: Vec<Arc<CustomerMetrics>>,
    /// The four key-customer tables in full, site-wide, per region and per owner (shared: a
    /// version analysed from an earlier one keeps them while no figure they read moved).
    pub rankings: Arc<Rankings>,
    /// ABC classes and the top-20% shares (shared likewise).
    pub abc: Arc<AbcAnalysis>,
    /// The retention table per year and churn by reason.
    pub retention: Retention,
    /// r, d, customer equity and the win-back list.
    pub clv: ClvSummary,
    /// Site CSI and its segments.
    pub satisfaction: SatisfactionSummary,
    /// Complaint statistics and alerts.
    pub complaints: ComplaintStats,
    /// Visit overdue lists per owner.
    pub visits: VisitSummary,
    /// For each playbook (in site order), the customers it applies to.
    pub playbooks: Vec<PlaybookMatches>,
}

impl Analytics {
    /// The metrics of one customer.
    pub fn customer(&self, id: &str) -> Option<&CustomerMetrics> {
        self.customers
            .binary_search_by(|c| c.id.as_str().cmp(id))
            .ok()
            .map(|i| &*self.customers[i])
    }

    pub fn year(&self) -> i32 {
        self.period.year
    }

    pub fn as_of(&self) -> Date {
        self.period.as_of
    }
}

/// The metrics of one customer record.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CustomerMetrics {
    pub id: String,
    pub name: String,
    pub owner: String,
    pub region: Option<String>,
    pub city: Option<String>,
    pub industry: Option<String>,
    pub tags: Vec<String>,
    pub kind: Kind,
    /// The stage as written in the record.
    pub record_stage: Stage,
    /// The stage as of the as-of date (a later `since` reads as qualified, a later churn as
    /// active); every other metric uses this one.
    pub stage: Stage,
    /// Figures of the sales row for Y (any stage); absent without one.
    pub sales: Option<SalesMetrics>,
    /// The ABC placement (active customers with revenue in Y).
    pub abc: Option<AbcEntry>,
    /// Shared: a version analysed from an earlier one keeps an unchanged record's credit
    /// metrics (payment lines and all) without copying them.
    pub credit: Arc<CreditMetrics>,
    /// Active: CLV; lost: win-back CLV; absent without gross profit rows or for prospects.
    pub clv: Option<Clv>,
    /// For a lost customer: when, why and what the churn cost.
    pub churn: Option<ChurnLoss>,
    /// CSI from the latest survey on or before the as-of date.
    pub satisfaction: Option<Csi>,
    /// MAN verdict of a prospect or qualified record with a qualification.
    pub man: Option<ManVerdict>,
    pub complaints: ComplaintMetrics,
    /// The visit status of an active customer.
    pub visits: Option<VisitStatus>,
    /// Slugs of the playbooks that apply, in site order.
    pub playbooks: Vec<String>,
}

/// Computes every metric of domain.md §2–§9. `as_of_override` is `--as-of`; the caller
/// applies `--year` by setting `config.year`.
pub fn analyse(
    site: &Site,
    config: &SiteConfig,
    as_of_override: Option<Date>,
) -> Result<Analytics, AnalyticsError> {
    let period = time::resolve(site, config, as_of_override)?;
    let customers = in_id_order(&site.customers);
    Ok(analyse_records(site, &customers, config, period, None))
}

/// The same value as [`analyse`], computed from `previous`: the metrics of every record that
/// `site` shares with the previous version (the same `Arc`) are taken from it when the period
/// and settings are the same, and the site-wide orders are recomputed only when a record
/// they read changed. The change history analyses fifty versions that differ by a few files.
pub fn analyse_after(
    previous: Previous,
    site: &Site,
    config: &SiteConfig,
    as_of_override: Option<Date>,
) -> Result<Analytics, AnalyticsError> {
    let period = time::resolve(site, config, as_of_override)?;
    let customers = in_id_order(&site.customers);
    let reuse = (period == previous.analytics.period && config == previous.config)
        .then(|| incremental::Reuse::new(&previous, &customers, &site.playbooks, &period));
    Ok(analyse_records(
        site,
        &customers,
        config,
        period,
        reuse.flatten(),
    ))
}

fn analyse_records(
    site: &Site,
    customers: &[&Customer],
    config: &SiteConfig,
    period: Period,
    reuse: Option<incremental::Reuse>,
) -> Analytics {
    let orders = match reuse.as_ref() {
        Some(r) if r.orders_same => Orders::Kept(r.analytics()),
        _ => Orders::Made(rankings::Population::of(customers, &period)),
    };
    // The rankings and the complaint statistics depend on nothing else computed here: they
    // run beside the per-customer metrics (a preview rebuild waits for all of it).
    let ((rankings, complaints), (mut metrics, summaries, fresh)) = rayon::join(
        || {
            rayon::join(
                || match &orders {
                    Orders::Kept(previous) => Arc::clone(&previous.rankings),
                    Orders::Made(population) => {
                        Arc::new(rankings::rankings_of(population, config.ranking.top))
                    }
                },
                || service::complaint_stats(customers, &period),
            )
        },
        || per_customer(customers, config, &period, reuse.as_ref(), &orders),
    );
    let (abc, clv, retention, satisfaction, visits) = summaries;
    let playbooks = match reuse.as_ref() {
        Some(r) if r.playbooks_same => {
            apply_playbooks(&site.playbooks, customers, &mut metrics, &fresh)
        }
        _ => {
            let all = vec![true; metrics.len()];
            apply_playbooks(&site.playbooks, customers, &mut metrics, &all)
        }
    };
    Analytics {
        rankings,
        retention,
        clv,
        satisfaction,
        complaints,
        visits,
        customers: metrics,
        playbooks,
        abc,
        period,
    }
}

/// Where the rankings and the ABC analysis come from: a previous analysis whose orders no
/// changed record moved, or the figures of this one's customers (read once for both).
enum Orders<'a> {
    Kept(&'a Analytics),
    Made(rankings::Population<'a>),
}

/// The site-wide summaries [`per_customer`] computes with the customers' metrics.
type Summaries = (
    Arc<AbcAnalysis>,
    ClvSummary,
    Retention,
    SatisfactionSummary,
    VisitSummary,
);

/// Every customer's metrics (without playbooks), the summaries built from them, and for each
/// customer whether its playbooks are yet to be matched (its metrics were not reused whole).
fn per_customer(
    customers: &[&Customer],
    config: &SiteConfig,
    period: &Period,
    reuse: Option<&incremental::Reuse>,
    orders: &Orders,
) -> (Vec<Arc<CustomerMetrics>>, Summaries, Vec<bool>) {
    let abc = match orders {
        Orders::Kept(previous) => Arc::clone(&previous.abc),
        Orders::Made(population) => Arc::new(rankings::abc_of(population, period.year)),
    };
    let rate = clv::retention_rate(customers, period, &config.retention);
    let rate_same = reuse.is_some_and(|r| r.analytics().clv.rate == rate);
    let classes: FxHashMap<&str, &AbcEntry> =
        abc.customers.iter().map(|e| (e.id.as_str(), e)).collect();
    let (metrics, unmatched): (Vec<Arc<CustomerMetrics>>, Vec<bool>) = customers
        .par_iter()
        .enumerate()
        .map(|(i, c)| {
            let abc = classes.get(c.id.as_str()).map(|e| (*e).clone());
            match reuse.and_then(|r| r.metrics_before(i)) {
                Some(before) => updated(before, c, config, period, (&rate, rate_same), abc),
                None => (
                    Arc::new(customer_metrics(c, config, period, &rate, abc)),
                    true,
                ),
            }
        })
        .unzip();

    let d = config.retention.discount_rate;
    let weights = &config.satisfaction.weights;
    let (retention, (clv_summary, (satisfaction, visits))) = rayon::join(
        || retention::retention(customers, period, &win_back(&metrics)),
        || {
            (
                clv::summary(
                    with(customers, &metrics, |m| m.clv.as_ref()),
                    period,
                    rate,
                    d,
                ),
                (
                    satisfaction::summary(
                        with(customers, &metrics, |m| m.satisfaction.as_ref()),
                        period,
                        weights,
                    ),
                    service::visit_summary(with(customers, &metrics, |m| m.visits.as_ref())),
                ),
            )
        },
    );
    (
        metrics,
        (abc, clv_summary, retention, satisfaction, visits),
        unmatched,
    )
}

/// The metrics of one record, computed.
fn customer_metrics(
    c: &Customer,
    config: &SiteConfig,
    period: &Period,
    rate: &RetentionRate,
    abc: Option<AbcEntry>,
) -> CustomerMetrics {
    let class = abc.as_ref().map(|e| e.class);
    CustomerMetrics {
        id: c.id.clone(),
        name: c.name.clone(),
        owner: c.owner.clone(),
        region: c.profile.region.clone(),
        city: c.profile.city.clone(),
        industry: c.profile.industry.clone(),
        tags: c.tags.clone(),
        kind: c.kind,
        record_stage: c.stage,
        stage: time::stage_as_of(c, period.as_of),
        sales: rankings::sales_metrics(c, period.year),
        abc,
        credit: Arc::new(credit::credit(c, &config.credit, period)),
        clv: clv::clv(c, period, rate, config.retention.discount_rate),
        churn: retention::churn_loss(c, period),
        satisfaction: satisfaction::csi(c, period, &config.satisfaction.weights),
        man: prospects::man(c, period),
        complaints: service::complaints(c, period),
        visits: service::visit_status(c, period, class, &config.visits.interval_days),
        playbooks: Vec::new(),
    }
}

/// The metrics of a record unchanged since `before` was computed, in the same period and
/// settings: only what reads other records is computed again — the ABC placement, the CLV
/// when r moved, the visit interval when the class moved. The flag: playbooks to match again.
fn updated(
    before: &Arc<CustomerMetrics>,
    c: &Customer,
    config: &SiteConfig,
    period: &Period,
    (rate, rate_same): (&RetentionRate, bool),
    abc: Option<AbcEntry>,
) -> (Arc<CustomerMetrics>, bool) {
    // Most records of most saves: nothing they are made of moved, the metrics are shared.
    if rate_same && before.abc == abc {
        return (Arc::clone(before), false);
    }
    let mut m = CustomerMetrics::clone(before);
    if !rate_same {
        m.clv = clv::clv(c, period, rate, config.retention.discount_rate);
    }
    let class = abc.as_ref().map(|e| e.class);
    let class_same = m.abc.as_ref().map(|e| e.class) == class;
    if !class_same {
        m.visits = service::visit_status(c, period, class, &config.visits.interval_days);
    }
    m.abc = abc;
    (Arc::new(m), !class_same)
}

/// Each customer with one of its metrics.
fn with<'a, T: 'a>(
    customers: &'a [&'a Customer],
    metrics: &'a [Arc<CustomerMetrics>],
    value: fn(&CustomerMetrics) -> Option<&T>,
) -> impl Iterator<Item = (&'a Customer, Option<&'a T>)> {
    customers
        .iter()
        .copied()
        .zip(metrics.iter().map(move |m| value(m)))
}

/// The win-back CLV of each lost customer, by id.
fn win_back(metrics: &[Arc<CustomerMetrics>]) -> BTreeMap<String, f64> {
    metrics
        .iter()
        .filter_map(|m| m.clv.as_ref().map(|v| (m, v)))
        .filter(|(_, v)| matches!(v.basis, ClvBasis::WinBack { .. }))
        .map(|(m, v)| (m.id.clone(), v.value))
        .collect()
}

/// Customers by id (code points), then path, whatever order the site gives.
fn in_id_order(customers: &[Arc<Customer>]) -> Vec<&Customer> {
    let mut sorted: Vec<&Customer> = customers.iter().map(|c| &**c).collect();
    sorted.sort_by(|a, b| a.site_order().cmp(&b.site_order()));
    sorted
}

/// Matches the playbooks to each customer marked `unmatched` (filling its list) and returns
/// the reverse over every customer: each playbook's customers, in id order. A customer not
/// marked keeps its list, read by slug (the caller guarantees the same playbooks, slugs
/// distinct).
fn apply_playbooks(
    playbooks: &[Playbook],
    customers: &[&Customer],
    metrics: &mut [Arc<CustomerMetrics>],
    unmatched: &[bool],
) -> Vec<PlaybookMatches> {
    let ordered = in_playbook_order(playbooks);
    let mut matches: Vec<PlaybookMatches> = ordered
        .iter()
        .map(|p| PlaybookMatches {
            slug: p.source.slug.clone(),
            title: p.title.clone(),
            customers: Vec::new(),
        })
        .collect();
    let mut place: FxHashMap<&str, usize> =
        FxHashMap::with_capacity_and_hasher(ordered.len(), Default::default());
    for (k, p) in ordered.iter().enumerate() {
        place.entry(p.source.slug.as_str()).or_insert(k);
    }
    for ((customer, m), &unmatched) in customers.iter().zip(metrics.iter_mut()).zip(unmatched) {
        if unmatched {
            // Made in this analysis, so not shared: no copy.
            let m = Arc::make_mut(m);
            m.playbooks.clear();
            let facts = facts(customer, m);
            for (k, playbook) in ordered.iter().enumerate() {
                if selectors::applies(playbook, &facts) {
                    m.playbooks.push(playbook.source.slug.clone());
                    matches[k].customers.push(m.id.clone());
                }
            }
        } else {
            for slug in &m.playbooks {
                if let Some(&k) = place.get(slug.as_str()) {
                    matches[k].customers.push(m.id.clone());
                }
            }
        }
    }
    matches
}

/// Playbooks by order (unordered last), then title, then path.
pub(crate) fn in_playbook_order(playbooks: &[Playbook]) -> Vec<&Playbook> {
    let mut ordered: Vec<&Playbook> = playbooks.iter().collect();
    ordered.sort_by(|a, b| {
        (a.order.unwrap_or(i64::MAX), &a.title, &a.source.path).cmp(&(
            b.order.unwrap_or(i64::MAX),
            &b.title,
            &b.source.path,
        ))
    });
    ordered
}

fn facts<'a>(customer: &'a Customer, m: &CustomerMetrics) -> selectors::Facts<'a> {
    selectors::Facts {
        stage: m.stage,
        grade: m.credit.grade(),
        abc: m.abc.as_ref().map(|e| e.class),
        tags: &customer.tags,
        warnings: !m.credit.warnings.is_empty(),
        open_complaints: m.complaints.open > 0,
        visit_overdue: m.visits.as_ref().is_some_and(|v| v.overdue),
    }
}

#[cfg(test)]
mod tests;
