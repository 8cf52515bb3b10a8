//! The semantic difference of two analysed versions of a site: what moved per customer
//! (stage, owner, grade and why, warnings, rankings, classes, values, complaints, visits,
//! satisfaction) and site-wide, read from the same [`Analytics`] the build renders.
//!
//! Numbers are compared exactly, as the export carries them; nothing that did not change is
//! listed. The JSON form of [`Digest`] is described by `docs/changes.schema.json`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use jiff::civil::Date;
use serde::Serialize;

use crate::analytics::{Analytics, CustomerMetrics, Notch, RankEntry};
use crate::audience::{Group, Hidden};
use crate::config::SiteConfig;
use crate::diagnostics::Report;
use crate::model::{
    ChurnReason, Class, ComplaintCategory, ComplaintSeverity, Customer, FiveC, Site, Stage,
    Warning, WarningCategory,
};

/// The version of the JSON document's shape; bumped when a key changes meaning or goes away.
pub const SCHEMA_VERSION: u32 = 1;

/// One analysed version of the site.
pub struct State<'a> {
    /// How the side is named (`HEAD`, `working tree`).
    pub label: &'a str,
    pub commit: Option<&'a str>,
    pub site: &'a Site,
    pub config: &'a SiteConfig,
    pub report: &'a Report,
    pub analytics: &'a Analytics,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Digest {
    pub schema_version: u32,
    pub from: Side,
    pub to: Side,
    /// The sections of site.yaml that changed and move numbers (`credit`, `ranking`, …).
    pub settings: Vec<&'static str>,
    /// Customers with at least one change, in id order.
    pub customers: Vec<CustomerChanges>,
    /// Playbooks added, removed, or applying to a different number of customers.
    pub playbooks: Vec<PlaybookChange>,
    /// Site-wide figures that changed.
    pub site: Vec<SiteChange>,
}

impl Digest {
    /// Whether nothing changed that the digest reports.
    pub fn is_empty(&self) -> bool {
        self.settings.is_empty()
            && self.customers.is_empty()
            && self.playbooks.is_empty()
            && self.site.is_empty()
            && self.to.invalid_files.is_empty()
    }

    /// How many customers have the given status.
    pub fn count(&self, status: Status) -> usize {
        self.customers.iter().filter(|c| c.status == status).count()
    }
}

/// One side of the comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Side {
    pub revision: String,
    /// The full commit id; null for the working tree or a repository without commits.
    pub commit: Option<String>,
    pub year: i32,
    pub as_of: Date,
    pub customers: usize,
    pub playbooks: usize,
    /// Files with errors at this side, each with its first error; their records are left out
    /// of the comparison (not reported as removed or added).
    pub invalid_files: Vec<InvalidFile>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InvalidFile {
    pub path: String,
    pub errors: usize,
    pub line: u32,
    pub column: u32,
    pub code: String,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Added,
    Removed,
    /// The record was edited (or its file renamed).
    Edited,
    /// The record is unchanged; its figures moved with other records or the settings (a
    /// place in a ranking, an ABC class, a CLV).
    Moved,
    /// The record's file has errors at `to`: it is not compared.
    Invalid,
    /// The record's file had errors at `from` and is valid at `to`: listed as at `to`.
    Repaired,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CustomerChanges {
    pub id: String,
    pub name: String,
    /// The record's file at `to` (at `from` when removed).
    pub path: String,
    pub status: Status,
    pub changes: Vec<Change>,
}

/// One thing that moved for a customer. `before`/`after` are null where the customer (or the
/// value) does not exist on that side.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    Renamed {
        from: String,
        to: String,
    },
    Name {
        before: Option<String>,
        after: Option<String>,
    },
    /// The stage as of each side's as-of date; a churn names its date and reason.
    Stage {
        before: Option<Stage>,
        after: Option<Stage>,
        churn_date: Option<Date>,
        churn_reason: Option<ChurnReason>,
    },
    Owner {
        before: Option<String>,
        after: Option<String>,
    },
    /// The grade as the site shows it, with the points and what moved them.
    Grade {
        before: Option<String>,
        after: Option<String>,
        points_before: Option<f64>,
        points_after: Option<f64>,
        causes: Vec<GradeCause>,
    },
    /// Points that moved without moving the grade.
    CreditPoints {
        before: Option<f64>,
        after: Option<f64>,
    },
    Warnings {
        added: Vec<Warning>,
        cleared: Vec<Warning>,
    },
    CreditLimit {
        before: Option<f64>,
        after: Option<f64>,
    },
    Outstanding {
        before: Option<f64>,
        after: Option<f64>,
    },
    /// Revenue of the reporting year.
    Revenue {
        before: Option<f64>,
        after: Option<f64>,
    },
    /// A place in a site-wide top-N ranking (null: not in the top N).
    Ranking {
        ranking: Ranking,
        top: usize,
        before: Option<usize>,
        after: Option<usize>,
    },
    Abc {
        before: Option<Class>,
        after: Option<Class>,
    },
    /// CLV of an active customer, win-back CLV of a lost one.
    Clv {
        before: Option<f64>,
        after: Option<f64>,
    },
    Complaint {
        event: ComplaintEvent,
        opened: Date,
        category: Option<ComplaintCategory>,
        severity: Option<ComplaintSeverity>,
        summary: Option<String>,
    },
    VisitOverdue {
        before: bool,
        after: bool,
        /// Days past the interval at `to`, when overdue after a visit.
        days_overdue: Option<i64>,
    },
    Satisfaction {
        before: Option<String>,
        after: Option<String>,
        csi_before: Option<f64>,
        csi_after: Option<f64>,
    },
}

/// What moved a grade.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "cause", rename_all = "snake_case")]
pub enum GradeCause {
    /// One of the five C scores.
    Score {
        component: &'static str,
        before: Option<u8>,
        after: Option<u8>,
    },
    /// A notch for warnings of this category was gained (`added`) or lost.
    WarningNotch {
        category: WarningCategory,
        added: bool,
    },
    /// A notch for a payment delay over this threshold was gained or lost.
    DelayNotch {
        threshold_days: f64,
        delay_before: Option<f64>,
        delay_after: Option<f64>,
        added: bool,
    },
    /// site.yaml `credit` changed (weights, bands, notches or scale).
    Settings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ranking {
    Revenue,
    Achievement,
    Growth,
    Margin,
}

impl Ranking {
    pub const ALL: [Ranking; 4] = [
        Ranking::Revenue,
        Ranking::Achievement,
        Ranking::Growth,
        Ranking::Margin,
    ];

    fn entries(self, analytics: &Analytics) -> &[RankEntry] {
        let tables = &analytics.rankings.site;
        match self {
            Ranking::Revenue => &tables.revenue,
            Ranking::Achievement => &tables.achievement,
            Ranking::Growth => &tables.growth,
            Ranking::Margin => &tables.margin,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintEvent {
    /// A complaint that was not in the record; `closed` false: open at `to`.
    New,
    Closed,
    Reopened,
    /// A complaint taken out of the record.
    Removed,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlaybookChange {
    pub path: String,
    pub title: String,
    pub status: Status,
    /// How many customers it applies to (null where it does not exist).
    pub customers_before: Option<usize>,
    pub customers_after: Option<usize>,
}

/// A site-wide figure before → after; `key` names the grade or stage of a count.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SiteChange {
    pub metric: SiteMetric,
    pub key: Option<String>,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteMetric {
    /// Σ revenue of the reporting year.
    Revenue,
    CustomerEquity,
    /// r, the retention rate of the CLV formula (clamped cohort retention or the default).
    ClvRetentionRate,
    /// 客户维系率 of the reporting year.
    RetentionRate,
    CohortRetentionRate,
    ChurnRate,
    Csi,
    OpenComplaints,
    OverdueVisits,
    /// Records per stage (as of the as-of date).
    Stage,
    /// Records per displayed grade.
    Grade,
}

impl Digest {
    /// The digest as an audience may read it: no change, figure or cause of a group it hides;
    /// customers left with nothing to say are dropped (those added, removed or invalid stay).
    /// Playbook changes go when anything is hidden: a playbook may select by a hidden group.
    pub fn redacted(&self, hidden: &Hidden) -> Digest {
        if hidden.is_empty() {
            return self.clone();
        }
        let customers = self
            .customers
            .iter()
            .filter_map(|c| {
                let changes: Vec<Change> = c
                    .changes
                    .iter()
                    .filter_map(|x| x.redacted(hidden))
                    .collect();
                let keep =
                    !changes.is_empty() || !matches!(c.status, Status::Edited | Status::Moved);
                keep.then(|| CustomerChanges {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    path: c.path.clone(),
                    status: c.status,
                    changes,
                })
            })
            .collect();
        Digest {
            customers,
            playbooks: Vec::new(),
            site: self
                .site
                .iter()
                .filter(|f| f.metric.group().is_none_or(|g| !hidden.hides(g)))
                .cloned()
                .collect(),
            schema_version: self.schema_version,
            from: self.from.clone(),
            to: self.to.clone(),
            settings: self.settings.clone(),
        }
    }
}

impl Change {
    /// The group of the audience rules (src/audience.rs) a change reveals, if any.
    fn group(&self) -> Option<Group> {
        match self {
            Change::Grade { .. }
            | Change::CreditPoints { .. }
            | Change::Warnings { .. }
            | Change::CreditLimit { .. } => Some(Group::Credit),
            Change::Outstanding { .. } => Some(Group::Payments),
            Change::Revenue { .. }
            | Change::Ranking { .. }
            | Change::Abc { .. }
            | Change::Clv { .. } => Some(Group::Sales),
            Change::Complaint { .. } => Some(Group::Complaints),
            Change::VisitOverdue { .. } => Some(Group::Visits),
            Change::Satisfaction { .. } => Some(Group::Satisfaction),
            Change::Renamed { .. }
            | Change::Name { .. }
            | Change::Stage { .. }
            | Change::Owner { .. } => None,
        }
    }

    fn redacted(&self, hidden: &Hidden) -> Option<Change> {
        if self.group().is_some_and(|g| hidden.hides(g)) {
            return None;
        }
        let Change::Grade {
            before,
            after,
            points_before,
            points_after,
            causes,
        } = self
        else {
            return Some(self.clone());
        };
        // The grade keeps its delay notch without the days when payments are hidden, as the
        // site's pages do.
        let causes = causes
            .iter()
            .map(|cause| match cause {
                GradeCause::DelayNotch {
                    threshold_days,
                    added,
                    ..
                } if hidden.hides(Group::Payments) => GradeCause::DelayNotch {
                    threshold_days: *threshold_days,
                    delay_before: None,
                    delay_after: None,
                    added: *added,
                },
                other => other.clone(),
            })
            .collect();
        Some(Change::Grade {
            before: before.clone(),
            after: after.clone(),
            points_before: *points_before,
            points_after: *points_after,
            causes,
        })
    }
}

impl SiteMetric {
    /// The group of the audience rules a site-wide figure reveals, if any.
    fn group(self) -> Option<Group> {
        match self {
            SiteMetric::Revenue | SiteMetric::CustomerEquity | SiteMetric::ClvRetentionRate => {
                Some(Group::Sales)
            }
            SiteMetric::Csi => Some(Group::Satisfaction),
            SiteMetric::OpenComplaints => Some(Group::Complaints),
            SiteMetric::OverdueVisits => Some(Group::Visits),
            SiteMetric::Grade => Some(Group::Credit),
            SiteMetric::RetentionRate
            | SiteMetric::CohortRetentionRate
            | SiteMetric::ChurnRate
            | SiteMetric::Stage => None,
        }
    }
}

/// Compares two analysed versions of a site.
pub fn compare(from: &State, to: &State) -> Digest {
    let from_side = side(from);
    let to_side = side(to);
    let invalid_from: BTreeSet<&str> = from_side
        .invalid_files
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    let invalid_to: BTreeSet<&str> = to_side
        .invalid_files
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    let settings = settings_changed(from.config, to.config);
    let credit_settings = settings.contains(&"credit");
    let customers = customers_changed(from, to, &invalid_from, &invalid_to, credit_settings);
    Digest {
        schema_version: SCHEMA_VERSION,
        playbooks: playbooks_changed(from, to),
        site: site_changed(from, to),
        from: from_side,
        to: to_side,
        settings,
        customers,
    }
}

fn side(state: &State) -> Side {
    let mut by_file: BTreeMap<&str, Vec<&crate::diagnostics::Diagnostic>> = BTreeMap::new();
    for d in state.report.diagnostics().iter().filter(|d| d.is_error()) {
        by_file.entry(d.file.as_str()).or_default().push(d);
    }
    let invalid_files = by_file
        .into_iter()
        .map(|(path, errors)| {
            let first = errors[0];
            InvalidFile {
                path: path.to_string(),
                errors: errors.len(),
                line: first.line,
                column: first.column,
                code: first.code.to_string(),
                message: first.message.clone(),
            }
        })
        .collect();
    Side {
        revision: state.label.to_string(),
        commit: state.commit.map(str::to_string),
        year: state.analytics.year(),
        as_of: state.analytics.as_of(),
        customers: state.site.customers.len(),
        playbooks: state.site.playbooks.len(),
        invalid_files,
    }
}

/// The sections of site.yaml that move numbers, where they differ.
fn settings_changed(from: &SiteConfig, to: &SiteConfig) -> Vec<&'static str> {
    let sections = [
        ("year", from.year != to.year),
        ("as_of", from.as_of != to.as_of),
        ("ranking", from.ranking != to.ranking),
        ("credit", from.credit != to.credit),
        ("retention", from.retention != to.retention),
        ("satisfaction", from.satisfaction != to.satisfaction),
        ("visits", from.visits != to.visits),
    ];
    sections
        .into_iter()
        .filter_map(|(name, changed)| changed.then_some(name))
        .collect()
}

/// A customer on one side: its record and metrics.
#[derive(Clone, Copy)]
struct Seen<'a> {
    record: &'a Arc<Customer>,
    metrics: &'a CustomerMetrics,
    as_of: Date,
}

/// Every customer of one side with its metrics, in id order (the first of repeated ids).
fn seen_all<'a>(state: &'a State) -> Vec<Seen<'a>> {
    let as_of = state.analytics.as_of();
    let metrics = &state.analytics.customers;
    let mut all: Vec<Seen> = Vec::with_capacity(state.site.customers.len());
    for (i, record) in state.site.customers.iter().enumerate() {
        if all.last().is_some_and(|s| s.record.id == record.id) {
            continue;
        }
        // Both lists are in id order: the i-th metrics are the i-th record's but for repeats.
        let found = metrics
            .get(i)
            .map(|m| &**m)
            .filter(|m| m.id == record.id)
            .or_else(|| state.analytics.customer(&record.id));
        if let Some(metrics) = found {
            all.push(Seen {
                record,
                metrics,
                as_of,
            });
        }
    }
    all
}

/// The customers of both sides paired by id, in id order.
fn paired<'a>(from: &'a State, to: &'a State) -> Vec<(Option<Seen<'a>>, Option<Seen<'a>>)> {
    let (before, after) = (seen_all(from), seen_all(to));
    let mut pairs = Vec::with_capacity(before.len().max(after.len()));
    let (mut i, mut j) = (0, 0);
    loop {
        let pair = match (before.get(i), after.get(j)) {
            (Some(b), Some(a)) => match b.record.id.cmp(&a.record.id) {
                std::cmp::Ordering::Less => (Some(*b), None),
                std::cmp::Ordering::Greater => (None, Some(*a)),
                std::cmp::Ordering::Equal => (Some(*b), Some(*a)),
            },
            (Some(b), None) => (Some(*b), None),
            (None, Some(a)) => (None, Some(*a)),
            (None, None) => break,
        };
        i += usize::from(pair.0.is_some());
        j += usize::from(pair.1.is_some());
        pairs.push(pair);
    }
    pairs
}

fn customers_changed(
    from: &State,
    to: &State,
    invalid_from: &BTreeSet<&str>,
    invalid_to: &BTreeSet<&str>,
    credit_settings: bool,
) -> Vec<CustomerChanges> {
    let tops = [top_places(from), top_places(to)];
    let mut found = Vec::new();
    for (before, after) in paired(from, to) {
        let status = match (before, after) {
            (Some(b), Some(a)) if same_record(b.record, a.record) => Status::Moved,
            (Some(_), Some(_)) => Status::Edited,
            (None, Some(a)) if invalid_from.contains(a.record.source.path.as_str()) => {
                Status::Repaired
            }
            (None, Some(_)) => Status::Added,
            (Some(b), None) if invalid_to.contains(b.record.source.path.as_str()) => {
                Status::Invalid
            }
            (Some(_), None) => Status::Removed,
            (None, None) => continue,
        };
        let changes = match status {
            Status::Invalid | Status::Repaired => Vec::new(),
            _ => customer_changes(before, after, &tops, credit_settings),
        };
        if changes.is_empty() && status != Status::Invalid && status != Status::Repaired {
            continue;
        }
        let shown = after.or(before).map(|s| s.record);
        let Some(shown) = shown else { continue };
        found.push(CustomerChanges {
            id: shown.id.clone(),
            name: shown.name.clone(),
            path: shown.source.path.clone(),
            status,
            changes,
        });
    }
    found
}

/// Whether two versions of a record say the same, in the same file (wherever each was read
/// from: see [`crate::model::Source`]).
fn same_record(before: &Arc<Customer>, after: &Arc<Customer>) -> bool {
    // The history shares the record of every file a commit did not change.
    Arc::ptr_eq(before, after) || before == after
}

/// Each ranking's top-N places by customer id, on one side.
type TopPlaces = Vec<(Ranking, usize, BTreeMap<String, usize>)>;

fn top_places(state: &State) -> TopPlaces {
    let top = state.analytics.rankings.top;
    Ranking::ALL
        .iter()
        .map(|&ranking| {
            let places = ranking
                .entries(state.analytics)
                .iter()
                .filter(|e| e.rank <= top)
                .map(|e| (e.id.clone(), e.rank))
                .collect();
            (ranking, top, places)
        })
        .collect()
}

fn customer_changes(
    before: Option<Seen>,
    after: Option<Seen>,
    tops: &[TopPlaces; 2],
    credit_settings: bool,
) -> Vec<Change> {
    let (b, a) = (before.map(|s| s.metrics), after.map(|s| s.metrics));
    let mut changes = Vec::new();
    if let (Some(b), Some(a)) = (before, after)
        && b.record.source.path != a.record.source.path
    {
        changes.push(Change::Renamed {
            from: b.record.source.path.clone(),
            to: a.record.source.path.clone(),
        });
    }
    if let (Some(bm), Some(am)) = (b, a)
        && bm.name != am.name
    {
        changes.push(Change::Name {
            before: Some(bm.name.clone()),
            after: Some(am.name.clone()),
        });
    }
    stage_change(b, a, &mut changes);
    differ(
        b.map(|m| m.owner.as_str()),
        a.map(|m| m.owner.as_str()),
        |before, after| {
            changes.push(Change::Owner {
                before: before.map(str::to_string),
                after: after.map(str::to_string),
            });
        },
    );
    credit_changes(b, a, credit_settings, &mut changes);
    differ(revenue(b), revenue(a), |before, after| {
        changes.push(Change::Revenue { before, after });
    });
    ranking_changes(b, a, tops, &mut changes);
    differ(abc(b), abc(a), |before, after| {
        changes.push(Change::Abc { before, after });
    });
    differ(clv(b), clv(a), |before, after| {
        changes.push(Change::Clv { before, after });
    });
    // Complaints are read from the record as of the date: the same record on the same day
    // has the same ones.
    let unchanged = matches!((before, after), (Some(x), Some(y))
        if Arc::ptr_eq(x.record, y.record) && x.as_of == y.as_of);
    if !unchanged {
        complaint_changes(before, after, &mut changes);
    }
    visit_change(b, a, &mut changes);
    satisfaction_change(b, a, &mut changes);
    changes
}

/// Calls `record` with both values when they differ.
fn differ<T: PartialEq>(before: T, after: T, record: impl FnOnce(T, T)) {
    if before != after {
        record(before, after);
    }
}

fn revenue(m: Option<&CustomerMetrics>) -> Option<f64> {
    m?.sales.as_ref().map(|s| s.revenue)
}

fn abc(m: Option<&CustomerMetrics>) -> Option<Class> {
    m?.abc.as_ref().map(|e| e.class)
}

fn clv(m: Option<&CustomerMetrics>) -> Option<f64> {
    m?.clv.as_ref().map(|c| c.value)
}

fn stage_change(b: Option<&CustomerMetrics>, a: Option<&CustomerMetrics>, out: &mut Vec<Change>) {
    let (before, after) = (b.map(|m| m.stage), a.map(|m| m.stage));
    if before == after {
        return;
    }
    let churn = a
        .filter(|m| m.stage == Stage::Lost)
        .and_then(|m| m.churn.as_ref());
    out.push(Change::Stage {
        before,
        after,
        churn_date: churn.map(|c| c.date),
        churn_reason: churn.map(|c| c.reason),
    });
}

fn credit_changes(
    b: Option<&CustomerMetrics>,
    a: Option<&CustomerMetrics>,
    credit_settings: bool,
    out: &mut Vec<Change>,
) {
    let points =
        |m: Option<&CustomerMetrics>| m.and_then(|m| m.credit.rating.as_ref()).map(|r| r.points);
    let (grade_before, grade_after) = (grade_of(b), grade_of(a));
    let unrated_only = |g: Option<&str>| g.is_none_or(|g| g == "unrated");
    // A record that is unrated on both sides (or exists on one only, unrated) has no grade
    // to report.
    if grade_before != grade_after && !(unrated_only(grade_before) && unrated_only(grade_after)) {
        out.push(Change::Grade {
            before: grade_before.map(str::to_string),
            after: grade_after.map(str::to_string),
            points_before: points(b),
            points_after: points(a),
            // A record new or gone has no cause to tell: its scores are all new.
            causes: if b.is_some() && a.is_some() {
                grade_causes(b, a, credit_settings)
            } else {
                Vec::new()
            },
        });
    } else {
        differ(points(b), points(a), |before, after| {
            if before.is_some() && after.is_some() {
                out.push(Change::CreditPoints { before, after });
            }
        });
    }
    let warnings = |m: Option<&CustomerMetrics>| -> BTreeSet<Warning> {
        warnings_of(m).iter().copied().collect()
    };
    let (wb, wa) = if warnings_of(b) == warnings_of(a) {
        (BTreeSet::new(), BTreeSet::new())
    } else {
        (warnings(b), warnings(a))
    };
    if wb != wa {
        out.push(Change::Warnings {
            added: wa.difference(&wb).copied().collect(),
            cleared: wb.difference(&wa).copied().collect(),
        });
    }
    differ(
        b.and_then(|m| m.credit.limit),
        a.and_then(|m| m.credit.limit),
        |before, after| out.push(Change::CreditLimit { before, after }),
    );
    let outstanding =
        |m: Option<&CustomerMetrics>| m.map(|m| m.credit.outstanding).filter(|o| *o != 0.0);
    differ(outstanding(b), outstanding(a), |before, after| {
        out.push(Change::Outstanding { before, after });
    });
}

fn grade_of(m: Option<&CustomerMetrics>) -> Option<&str> {
    m.map(|m| m.credit.display.as_str())
}

fn warnings_of(m: Option<&CustomerMetrics>) -> &[Warning] {
    m.map_or(&[], |m| &m.credit.warnings)
}

fn grade_causes(
    b: Option<&CustomerMetrics>,
    a: Option<&CustomerMetrics>,
    credit_settings: bool,
) -> Vec<GradeCause> {
    let five_c =
        |m: Option<&CustomerMetrics>| m.and_then(|m| m.credit.rating.as_ref()).map(|r| r.five_c);
    let mut causes = score_causes(five_c(b), five_c(a));
    let notches = |m: Option<&CustomerMetrics>| -> Vec<Notch> {
        m.and_then(|m| m.credit.rating.as_ref())
            .map(|r| r.notches.clone())
            .unwrap_or_default()
    };
    let (nb, na) = (notches(b), notches(a));
    let delay = |m: Option<&CustomerMetrics>| {
        m.and_then(|m| m.credit.payment_delay.as_ref())
            .map(|d| d.days)
    };
    for (list, other, added) in [(&na, &nb, true), (&nb, &na, false)] {
        for notch in list
            .iter()
            .filter(|n| !other.iter().any(|o| same_notch(o, n)))
        {
            causes.push(match notch {
                Notch::Warnings { category, .. } => GradeCause::WarningNotch {
                    category: *category,
                    added,
                },
                Notch::PaymentDelay { threshold_days, .. } => GradeCause::DelayNotch {
                    threshold_days: *threshold_days,
                    delay_before: delay(b),
                    delay_after: delay(a),
                    added,
                },
            });
        }
    }
    if credit_settings {
        causes.push(GradeCause::Settings);
    }
    causes
}

fn same_notch(x: &Notch, y: &Notch) -> bool {
    match (x, y) {
        (Notch::Warnings { category: p, .. }, Notch::Warnings { category: q, .. }) => p == q,
        (
            Notch::PaymentDelay {
                threshold_days: p, ..
            },
            Notch::PaymentDelay {
                threshold_days: q, ..
            },
        ) => p == q,
        _ => false,
    }
}

const COMPONENTS: [&str; 5] = [
    "character",
    "capacity",
    "capital",
    "collateral",
    "conditions",
];

fn score_causes(before: Option<FiveC>, after: Option<FiveC>) -> Vec<GradeCause> {
    let scores = |f: Option<FiveC>| f.map(|f| f.scores());
    let (sb, sa) = (scores(before), scores(after));
    COMPONENTS
        .iter()
        .enumerate()
        .filter_map(|(i, component)| {
            let (x, y) = (sb.map(|s| s[i]), sa.map(|s| s[i]));
            (x != y).then_some(GradeCause::Score {
                component,
                before: x,
                after: y,
            })
        })
        .collect()
}

fn ranking_changes(
    b: Option<&CustomerMetrics>,
    a: Option<&CustomerMetrics>,
    tops: &[TopPlaces; 2],
    out: &mut Vec<Change>,
) {
    let Some(id) = a.or(b).map(|m| m.id.as_str()) else {
        return;
    };
    for ((ranking, _, places_before), (_, top, places_after)) in tops[0].iter().zip(&tops[1]) {
        let before = b.and_then(|_| places_before.get(id).copied());
        let after = a.and_then(|_| places_after.get(id).copied());
        differ(before, after, |before, after| {
            out.push(Change::Ranking {
                ranking: *ranking,
                top: *top,
                before,
                after,
            });
        });
    }
}

/// A complaint's identity in a record: it has no id, so its opening date, category and
/// summary stand for one.
type ComplaintKey = (Date, Option<ComplaintCategory>, Option<String>);

fn complaint_changes(before: Option<Seen>, after: Option<Seen>, out: &mut Vec<Change>) {
    let open_at = |s: Option<Seen>| -> BTreeMap<ComplaintKey, (bool, Option<ComplaintSeverity>)> {
        let Some(s) = s else { return BTreeMap::new() };
        let open: BTreeSet<(Date, Option<ComplaintCategory>, Option<String>)> = s
            .metrics
            .complaints
            .open_complaints
            .iter()
            .map(|c| (c.opened, c.category, c.summary.clone()))
            .collect();
        s.record
            .complaints
            .iter()
            .map(|c| {
                let key = (c.opened, c.category, c.summary.clone());
                let is_open = open.contains(&key);
                (key, (is_open, c.severity))
            })
            .collect()
    };
    let (b, a) = (open_at(before), open_at(after));
    if before.is_none() || after.is_none() {
        // A customer added or removed carries its complaints with it: only open ones matter.
        let side = if before.is_none() { &a } else { &b };
        let event = if before.is_none() {
            ComplaintEvent::New
        } else {
            ComplaintEvent::Removed
        };
        for (key, (open, severity)) in side {
            if *open {
                out.push(complaint(event, key, *severity));
            }
        }
        return;
    }
    for (key, (open_after, severity)) in &a {
        let event = match b.get(key) {
            None => Some(ComplaintEvent::New),
            Some((true, _)) if !open_after => Some(ComplaintEvent::Closed),
            Some((false, _)) if *open_after => Some(ComplaintEvent::Reopened),
            Some(_) => None,
        };
        if let Some(event) = event {
            out.push(complaint(event, key, *severity));
        }
    }
    for (key, (_, severity)) in b.iter().filter(|(key, _)| !a.contains_key(*key)) {
        out.push(complaint(ComplaintEvent::Removed, key, *severity));
    }
}

fn complaint(
    event: ComplaintEvent,
    key: &ComplaintKey,
    severity: Option<ComplaintSeverity>,
) -> Change {
    Change::Complaint {
        event,
        opened: key.0,
        category: key.1,
        severity,
        summary: key.2.clone(),
    }
}

fn visit_change(b: Option<&CustomerMetrics>, a: Option<&CustomerMetrics>, out: &mut Vec<Change>) {
    // Only customers active on both sides have a visit rhythm to compare: a churn or a first
    // sale says so itself.
    let overdue =
        |m: Option<&CustomerMetrics>| m.and_then(|m| m.visits.as_ref()).map(|v| v.overdue);
    let (Some(before), Some(after)) = (overdue(b), overdue(a)) else {
        return;
    };
    differ(before, after, |before, after| {
        out.push(Change::VisitOverdue {
            before,
            after,
            days_overdue: a
                .and_then(|m| m.visits.as_ref())
                .and_then(|v| v.days_overdue),
        });
    });
}

fn satisfaction_change(
    b: Option<&CustomerMetrics>,
    a: Option<&CustomerMetrics>,
    out: &mut Vec<Change>,
) {
    let level = |m: Option<&CustomerMetrics>| {
        m.and_then(|m| m.satisfaction.as_ref())
            .map(|c| c.level.as_str().to_string())
    };
    let csi =
        |m: Option<&CustomerMetrics>| m.and_then(|m| m.satisfaction.as_ref()).map(|c| c.score);
    differ(level(b), level(a), |before, after| {
        out.push(Change::Satisfaction {
            before,
            after,
            csi_before: csi(b),
            csi_after: csi(a),
        });
    });
}

fn playbooks_changed(from: &State, to: &State) -> Vec<PlaybookChange> {
    let count = |state: &State| -> BTreeMap<String, (String, usize)> {
        state
            .site
            .playbooks
            .iter()
            .zip(&state.analytics.playbooks)
            .map(|(p, m)| (p.source.path.clone(), (p.title.clone(), m.customers.len())))
            .collect()
    };
    let (before, after) = (count(from), count(to));
    let paths: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    paths
        .into_iter()
        .filter_map(|path| {
            let (b, a) = (before.get(path), after.get(path));
            let status = match (b, a) {
                (None, Some(_)) => Status::Added,
                (Some(_), None) => Status::Removed,
                (Some(x), Some(y)) if x.1 != y.1 => Status::Edited,
                _ => return None,
            };
            let title = a.or(b).map(|(t, _)| t.clone()).unwrap_or_default();
            Some(PlaybookChange {
                path: path.clone(),
                title,
                status,
                customers_before: b.map(|(_, n)| *n),
                customers_after: a.map(|(_, n)| *n),
            })
        })
        .collect()
}

fn site_changed(from: &State, to: &State) -> Vec<SiteChange> {
    let (before, after) = (site_figures(from.analytics), site_figures(to.analytics));
    let keys: BTreeSet<&FigureKey> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter_map(|key| {
            let (metric, _, name) = key;
            let (mut b, mut a) = (before.get(key).copied(), after.get(key).copied());
            // A count of records is 0 where none are, not unknown.
            if matches!(metric, SiteMetric::Stage | SiteMetric::Grade) {
                (b, a) = (b.or(Some(0.0)), a.or(Some(0.0)));
            }
            (b != a).then(|| SiteChange {
                metric: *metric,
                key: name.clone(),
                before: b,
                after: a,
            })
        })
        .collect()
}

/// A site-wide figure: the metric, the place of its key among the metric's keys (stages and
/// grades in their own order), and the key.
type FigureKey = (SiteMetric, usize, Option<String>);

/// The site-wide figures of one side, in report order.
fn site_figures(a: &Analytics) -> BTreeMap<FigureKey, f64> {
    let mut figures = BTreeMap::new();
    let mut put = |metric: SiteMetric, value: Option<f64>| {
        if let Some(value) = value {
            figures.insert((metric, 0, None), value);
        }
    };
    let revenue: f64 = a
        .customers
        .iter()
        .filter_map(|m| m.sales.as_ref())
        .map(|s| s.revenue)
        .sum();
    put(SiteMetric::Revenue, Some(revenue));
    put(SiteMetric::CustomerEquity, Some(a.clv.customer_equity));
    put(SiteMetric::ClvRetentionRate, Some(a.clv.rate.r));
    let year = a.retention.years.iter().find(|y| y.year == a.year());
    put(SiteMetric::RetentionRate, year.and_then(|y| y.rate));
    put(
        SiteMetric::CohortRetentionRate,
        year.and_then(|y| y.cohort_rate),
    );
    put(SiteMetric::ChurnRate, year.and_then(|y| y.churn_rate));
    put(SiteMetric::Csi, a.satisfaction.csi);
    let open: usize = a.customers.iter().map(|m| m.complaints.open).sum();
    put(SiteMetric::OpenComplaints, Some(open as f64));
    let overdue = a
        .customers
        .iter()
        .filter(|m| m.visits.as_ref().is_some_and(|v| v.overdue))
        .count();
    put(SiteMetric::OverdueVisits, Some(overdue as f64));
    for stage in Stage::ALL {
        let n = a.customers.iter().filter(|m| m.stage == *stage).count();
        let key = (
            SiteMetric::Stage,
            stage_order(*stage),
            Some(stage.as_str().to_string()),
        );
        figures.insert(key, n as f64);
    }
    for m in &a.customers {
        let key = (
            SiteMetric::Grade,
            grade_order(&m.credit.display),
            Some(m.credit.display.clone()),
        );
        *figures.entry(key).or_insert(0.0) += 1.0;
    }
    figures
}

fn stage_order(stage: Stage) -> usize {
    Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0)
}

/// Nine grades best first, then the three-grade classes, then `unrated`.
fn grade_order(display: &str) -> usize {
    let nine = crate::model::Grade::ALL
        .iter()
        .position(|g| g.as_str() == display);
    let three = Class::ALL.iter().position(|c| c.as_str() == display);
    nine.unwrap_or_else(|| three.map_or(20, |i| 10 + i))
}
