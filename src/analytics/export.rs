//! The machine-readable export `data/metrics.json` (domain.md §9), schema in
//! `docs/metrics.schema.json`. Absent values are `null`; numbers are unrounded. Key order is
//! the field order of these structs, so the document is deterministic.

use jiff::civil::Date;
use serde::Serialize;

use super::{
    AbcAnalysis, Analytics, ChurnReasons, ComplaintStats, CustomerMetrics, RateSource,
    RetentionYear, SatisfactionSummary, WinBackEntry,
};
use crate::model::{Class, Kind, Stage};

/// The version of the document's shape; bumped when a key changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricsDocument {
    pub schema_version: u32,
    pub year: i32,
    pub as_of: Date,
    pub customers: Vec<CustomerRow>,
    pub rankings: RankingIds,
    pub abc: AbcAnalysis,
    pub retention: Vec<RetentionYear>,
    pub churn_reasons: ChurnReasons,
    pub clv_parameters: ClvParameters,
    pub customer_equity: f64,
    pub win_back: Vec<WinBackEntry>,
    pub satisfaction: SatisfactionSummary,
    pub complaints: ComplaintStats,
}

/// One customer record, as of the as-of date.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CustomerRow {
    pub id: String,
    pub name: String,
    /// As of the as-of date.
    pub stage: Stage,
    pub owner: String,
    pub region: Option<String>,
    pub city: Option<String>,
    pub industry: Option<String>,
    pub tags: Vec<String>,
    pub kind: Kind,
    pub revenue: Option<f64>,
    pub target: Option<f64>,
    pub gross_profit: Option<f64>,
    pub achievement: Option<f64>,
    pub growth: Option<f64>,
    pub margin: Option<f64>,
    pub abc: Option<Class>,
    pub credit_points: Option<f64>,
    /// As displayed: nine-grade, three-grade class or `unrated`.
    pub grade: String,
    pub grade_nine: Option<String>,
    pub credit_class: Option<Class>,
    pub payment_delay_days: Option<f64>,
    pub outstanding: f64,
    pub credit_limit: Option<f64>,
    pub limit_use: Option<f64>,
    /// Active: CLV; lost: win-back CLV; else null.
    pub clv: Option<f64>,
    pub csi: Option<f64>,
    pub csi_level: Option<String>,
    /// MAN code of a prospect or qualified record with a qualification.
    pub man: Option<String>,
    pub open_complaints: usize,
    /// Null unless the customer is active.
    pub visit_overdue: Option<bool>,
    /// The latest visit on or before the as-of date of an active customer.
    pub last_visit: Option<Date>,
    /// Last visit + the interval of its ABC class; null unless active and visited.
    pub next_visit_due: Option<Date>,
    pub playbooks: Vec<String>,
}

/// The four rankings as full ordered lists of ids, site-wide.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RankingIds {
    pub top: usize,
    pub revenue: Vec<String>,
    pub achievement: Vec<String>,
    pub growth: Vec<String>,
    pub margin: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ClvParameters {
    pub r: f64,
    pub r_unclamped: f64,
    pub r_source: RateSource,
    pub d: f64,
}

/// A customer's row of the document.
pub fn customer_row(m: &CustomerMetrics) -> CustomerRow {
    let sales = m.sales.as_ref();
    let rating = m.credit.rating.as_ref();
    CustomerRow {
        id: m.id.clone(),
        name: m.name.clone(),
        stage: m.stage,
        owner: m.owner.clone(),
        region: m.region.clone(),
        city: m.city.clone(),
        industry: m.industry.clone(),
        tags: m.tags.clone(),
        kind: m.kind,
        revenue: sales.map(|s| s.revenue),
        target: sales.and_then(|s| s.target),
        gross_profit: sales.and_then(|s| s.gross_profit),
        achievement: sales.and_then(|s| s.achievement),
        growth: sales.and_then(|s| s.growth),
        margin: sales.and_then(|s| s.margin),
        abc: m.abc.as_ref().map(|e| e.class),
        credit_points: rating.map(|r| r.points),
        grade: m.credit.display.clone(),
        grade_nine: rating.map(|r| r.grade.as_str().to_string()),
        credit_class: rating.map(|r| r.class),
        payment_delay_days: m.credit.payment_delay.as_ref().map(|d| d.days),
        outstanding: m.credit.outstanding,
        credit_limit: m.credit.limit,
        limit_use: m.credit.limit_use,
        clv: m.clv.as_ref().map(|c| c.value),
        csi: m.satisfaction.as_ref().map(|c| c.score),
        csi_level: m
            .satisfaction
            .as_ref()
            .map(|c| c.level.as_str().to_string()),
        man: m.man.as_ref().map(|v| v.code.as_str().to_string()),
        open_complaints: m.complaints.open,
        visit_overdue: m.visits.as_ref().map(|v| v.overdue),
        last_visit: m
            .visits
            .as_ref()
            .and_then(|v| v.last_visit.as_ref().map(|l| l.date)),
        next_visit_due: m.visits.as_ref().and_then(|v| v.next_due),
        playbooks: m.playbooks.clone(),
    }
}

fn ids(entries: &[super::RankEntry]) -> Vec<String> {
    entries.iter().map(|e| e.id.clone()).collect()
}

pub fn metrics_document(analytics: &Analytics) -> MetricsDocument {
    let customers = analytics
        .customers
        .iter()
        .map(|m| customer_row(m))
        .collect();
    metrics_document_with(analytics, customers)
}

/// The document with `customers` as its customer rows (the site's export writes them apart).
pub fn metrics_document_with(
    analytics: &Analytics,
    customers: Vec<CustomerRow>,
) -> MetricsDocument {
    let site = &analytics.rankings.site;
    let rate = analytics.clv.rate;
    MetricsDocument {
        schema_version: SCHEMA_VERSION,
        year: analytics.period.year,
        as_of: analytics.period.as_of,
        customers,
        rankings: RankingIds {
            top: analytics.rankings.top,
            revenue: ids(&site.revenue),
            achievement: ids(&site.achievement),
            growth: ids(&site.growth),
            margin: ids(&site.margin),
        },
        abc: (*analytics.abc).clone(),
        retention: analytics.retention.years.clone(),
        churn_reasons: analytics.retention.churn_reasons.clone(),
        clv_parameters: ClvParameters {
            r: rate.r,
            r_unclamped: rate.unclamped,
            r_source: rate.source,
            d: analytics.clv.discount_rate,
        },
        customer_equity: analytics.clv.customer_equity,
        win_back: analytics.clv.win_back.clone(),
        satisfaction: analytics.satisfaction.clone(),
        complaints: analytics.complaints.clone(),
    }
}

/// The document as pretty JSON with a trailing newline.
pub fn metrics_json(analytics: &Analytics) -> String {
    document_json(&metrics_document(analytics))
}

/// [`metrics_json`] of a document already made.
pub fn document_json(document: &MetricsDocument) -> String {
    let mut text = serde_json::to_string_pretty(document).expect("the metrics document serializes");
    text.push('\n');
    text
}
