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

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;

use crate::config::SiteConfig;
use crate::model::{Customer, Kind, Playbook, Site, Stage};

pub use clv::{Clv, ClvBasis, ClvSummary, MeanProfit, RateSource, RetentionRate, WinBackEntry};
pub use credit::{CreditMetrics, FinancialRatios, Notch, PaymentDelay, PaymentLine, Rating};
pub use export::{MetricsDocument, document_json, metrics_document, metrics_json};
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
    pub customers: Vec<CustomerMetrics>,
    /// The four key-customer tables in full, site-wide, per region and per owner.
    pub rankings: Rankings,
    /// ABC classes and the top-20% shares.
    pub abc: AbcAnalysis,
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
            .map(|i| &self.customers[i])
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
    pub credit: CreditMetrics,
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
    // The rankings and the complaint statistics depend on nothing else computed here: they
    // run beside the per-customer metrics (a preview rebuild waits for all of it).
    let ((rankings, complaints), (mut metrics, (abc, clv, retention, satisfaction, visits))) =
        rayon::join(
            || {
                rayon::join(
                    || rankings::rankings(&customers, &period, config.ranking.top),
                    || service::complaint_stats(&customers, &period),
                )
            },
            || per_customer(&customers, config, &period),
        );
    let playbooks = apply_playbooks(&site.playbooks, &customers, &mut metrics);
    Ok(Analytics {
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
    })
}

/// The site-wide summaries [`per_customer`] computes with the customers' metrics.
type Summaries = (
    AbcAnalysis,
    ClvSummary,
    Retention,
    SatisfactionSummary,
    VisitSummary,
);

/// Every customer's metrics (without playbooks), and the summaries built from them.
fn per_customer(
    customers: &[&Customer],
    config: &SiteConfig,
    period: &Period,
) -> (Vec<CustomerMetrics>, Summaries) {
    let abc = rankings::abc(customers, period);
    let rate = clv::retention_rate(customers, period, &config.retention);
    let d = config.retention.discount_rate;
    let clvs: Vec<Option<Clv>> = customers
        .par_iter()
        .map(|c| clv::clv(c, period, &rate, d))
        .collect();
    let win_back: BTreeMap<String, f64> = customers
        .iter()
        .zip(&clvs)
        .filter_map(|(c, v)| v.as_ref().map(|v| (c, v)))
        .filter(|(_, v)| matches!(v.basis, ClvBasis::WinBack { .. }))
        .map(|(c, v)| (c.id.clone(), v.value))
        .collect();
    let weights = &config.satisfaction.weights;
    let csis: Vec<Option<Csi>> = customers
        .par_iter()
        .map(|c| satisfaction::csi(c, period, weights))
        .collect();
    let classes: BTreeMap<&str, &AbcEntry> =
        abc.customers.iter().map(|e| (e.id.as_str(), e)).collect();
    let statuses: Vec<Option<VisitStatus>> = customers
        .par_iter()
        .map(|c| {
            let class = classes.get(c.id.as_str()).map(|e| e.class);
            service::visit_status(c, period, class, &config.visits.interval_days)
        })
        .collect();

    let (retention, (clv_summary, (satisfaction, visits))) = rayon::join(
        || retention::retention(customers, period, &win_back),
        || {
            (
                clv::summary(with(customers, &clvs), period, rate, d),
                (
                    satisfaction::summary(with(customers, &csis), period, weights),
                    service::visit_summary(with(customers, &statuses)),
                ),
            )
        },
    );
    let metrics: Vec<CustomerMetrics> = customers
        .par_iter()
        .zip(clvs)
        .zip(csis)
        .zip(statuses)
        .map(|(((c, clv), csi), visits)| CustomerMetrics {
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
            abc: classes.get(c.id.as_str()).map(|e| (*e).clone()),
            credit: credit::credit(c, &config.credit, period),
            clv,
            churn: retention::churn_loss(c, period),
            satisfaction: csi,
            man: prospects::man(c, period),
            complaints: service::complaints(c, period),
            visits,
            playbooks: Vec::new(),
        })
        .collect();
    (metrics, (abc, clv_summary, retention, satisfaction, visits))
}

/// Each customer with its value of a per-customer metric.
fn with<'a, T>(
    customers: &'a [&'a Customer],
    values: &'a [Option<T>],
) -> impl Iterator<Item = (&'a Customer, Option<&'a T>)> {
    customers
        .iter()
        .copied()
        .zip(values.iter().map(Option::as_ref))
}

/// Customers by id (code points), then path, whatever order the site gives.
fn in_id_order(customers: &[std::sync::Arc<Customer>]) -> Vec<&Customer> {
    let mut sorted: Vec<&Customer> = customers.iter().map(|c| &**c).collect();
    sorted.sort_by(|a, b| (&a.id, &a.source.path).cmp(&(&b.id, &b.source.path)));
    sorted
}

/// Fills each customer's playbook list and returns the reverse: each playbook's customers.
fn apply_playbooks(
    playbooks: &[Playbook],
    customers: &[&Customer],
    metrics: &mut [CustomerMetrics],
) -> Vec<PlaybookMatches> {
    let mut ordered: Vec<&Playbook> = playbooks.iter().collect();
    ordered.sort_by(|a, b| {
        (a.order.unwrap_or(i64::MAX), &a.title, &a.source.path).cmp(&(
            b.order.unwrap_or(i64::MAX),
            &b.title,
            &b.source.path,
        ))
    });
    ordered
        .into_iter()
        .map(|playbook| {
            let mut matched = Vec::new();
            for (customer, m) in customers.iter().zip(metrics.iter_mut()) {
                if selectors::applies(playbook, &facts(customer, m)) {
                    m.playbooks.push(playbook.source.slug.clone());
                    matched.push(m.id.clone());
                }
            }
            PlaybookMatches {
                slug: playbook.source.slug.clone(),
                title: playbook.title.clone(),
                customers: matched,
            }
        })
        .collect()
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
