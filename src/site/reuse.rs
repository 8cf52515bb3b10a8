//! What a preview rebuild takes from the last one instead of computing it again, and when.
//!
//! The last rebuild's analysis is compared with the new one ([`SinceLast`]): record by record
//! (the same `Arc`, or equal but for the Markdown body; metrics equal, or equal but for the
//! ABC placement, which a revenue saved anywhere moves) and site-wide (the rankings and ABC
//! analysis by pointer, the other summaries, configuration, playbooks and history by value).
//! From that:
//!
//! - the fingerprints of an unchanged record are the last ones, and where only site-wide
//!   values moved, their costly parts are: the record's own part of its dossier's key and its
//!   row's fingerprint ([`fingerprints`]);
//! - the aggregate pages and exports ([`KEPT_GROUPS`]) are the last files when no record changed
//!   but for its body, and nothing site-wide moved ([`Reuse::group`]);
//! - an unchanged record's search document is the last one, whatever moved site-wide
//!   ([`search_docs`]).
//!
//! Each is what a fresh build would make of the same sources, byte for byte (see the sequence
//! test in `tests.rs`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::context::{Ctx, Taxonomy, Terms};
use super::customers;
use super::exports::CustomerExport;
use super::{Analysed, LastAnalysis, Sink};
use crate::analytics::{Analytics, CustomerMetrics};
use crate::index::SearchDoc;
use crate::model::{Customer, Site};

/// How a record compares with the last rebuild's record at the same place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Record {
    /// The same record.
    Same,
    /// Only the Markdown body differs (no list or aggregate shows it).
    BodyOnly,
    Changed,
}

/// How a record's metrics compare with the last rebuild's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Metrics {
    Same,
    /// Only the ABC figures (rank, shares) differ, as a revenue saved anywhere moves them; the
    /// class is the same.
    AbcFigures,
    /// Only the ABC placement differs, its class too.
    AbcClass,
    Changed,
}

/// The differences between the last preview rebuild's analysis and this one's.
#[derive(Debug, Default)]
pub(crate) struct SinceLast {
    /// One per record, in site order; empty when the records are not the same ids in the same
    /// order (or there was no last rebuild).
    records: Vec<(Record, Metrics)>,
    /// Configuration, period, playbooks, history and every site-wide analysis are the same.
    site_wide_same: bool,
    /// Configuration and playbooks are the same: what a record's export rows are made of
    /// besides the record, its metrics and the renderer.
    rows_inputs_same: bool,
}

impl SinceLast {
    pub(super) fn new(last: &LastAnalysis, now: &Analysed) -> Self {
        let rows_inputs_same =
            last.config == now.config && last.site.playbooks == now.site.playbooks;
        let site_wide_same = rows_inputs_same
            && last.history == now.history
            && site_wide_analysis_same(&last.analytics, &now.analytics);
        SinceLast {
            records: compare_records((&last.site, &last.analytics), (&now.site, &now.analytics)),
            site_wide_same,
            rows_inputs_same,
        }
    }

    fn record(&self, i: usize) -> Option<(Record, Metrics)> {
        self.records.get(i).copied()
    }

    /// Whether record `i` (in site order) and everything site-wide is as in the last rebuild.
    fn record_same(&self, i: usize) -> bool {
        self.site_wide_same && self.record(i) == Some((Record::Same, Metrics::Same))
    }

    /// Whether record `i`'s row in the lists ([`Ctx::index_row`]) is made of the same values:
    /// the record but for its body, its metrics but for ABC figures (the row shows the class),
    /// and the configuration. (Its links to term pages are compared by the caller.)
    fn row_values_same(&self, i: usize) -> bool {
        self.rows_inputs_same
            && matches!(
                self.record(i),
                Some((
                    Record::Same | Record::BodyOnly,
                    Metrics::Same | Metrics::AbcFigures
                ))
            )
    }

    /// Whether record `i` and its metrics but for the ABC placement are as last time (with the
    /// configuration): what its search document and the own part of its dossier's key
    /// ([`super::customers::dossier_own_inputs`]) are made of.
    fn own_same(&self, i: usize) -> bool {
        self.rows_inputs_same
            && matches!(self.record(i), Some((Record::Same, m)) if m != Metrics::Changed)
    }

    /// Whether record `i`'s export rows are as last time: the record as last time but for its
    /// body, its metrics the same, and what rows are made of besides them. (Unlike a list row,
    /// an export row does not depend on other records: its ABC class and CLV are its metrics.)
    fn export_row_same(&self, i: usize) -> bool {
        self.rows_inputs_same
            && matches!(
                self.record(i),
                Some((Record::Same | Record::BodyOnly, Metrics::Same))
            )
    }

    /// Whether no aggregate can differ: every record as last time but for its body.
    fn aggregates_same(&self) -> bool {
        self.site_wide_same
            && self
                .records
                .iter()
                .all(|(record, metrics)| *record != Record::Changed && *metrics == Metrics::Same)
    }
}

/// Whether everything of an analysis but the per-record metrics is the same. Every field is
/// named, so that a new one has to be compared or left out on purpose.
fn site_wide_analysis_same(last: &Analytics, now: &Analytics) -> bool {
    let Analytics {
        period,
        customers: _,
        rankings,
        abc,
        retention,
        clv,
        satisfaction,
        complaints,
        visits,
        playbooks,
    } = last;
    // `analyse_after` keeps these two `Arc`s while no figure they are made of moved.
    Arc::ptr_eq(rankings, &now.rankings)
        && Arc::ptr_eq(abc, &now.abc)
        && *period == now.period
        && *retention == now.retention
        && *clv == now.clv
        && *satisfaction == now.satisfaction
        && *complaints == now.complaints
        && *visits == now.visits
        && *playbooks == now.playbooks
}

/// The metrics of record `id`, usually at the same place in both lists (both in id order).
fn metrics_at<'a>(a: &'a Analytics, i: usize, id: &str) -> Option<&'a CustomerMetrics> {
    match a.customers.get(i) {
        Some(m) if m.id == id => Some(m),
        _ => a.customer(id),
    }
}

fn compare_records(last: (&Site, &Analytics), now: (&Site, &Analytics)) -> Vec<(Record, Metrics)> {
    let (last_records, now_records) = (&last.0.customers, &now.0.customers);
    let aligned = last_records.len() == now_records.len()
        && last_records
            .iter()
            .zip(now_records)
            .all(|(a, b)| a.id == b.id);
    if !aligned {
        return Vec::new();
    }
    last_records
        .par_iter()
        .zip(now_records)
        .enumerate()
        .map(|(i, (before, after))| {
            let metrics = compare_metrics(
                metrics_at(last.1, i, &before.id),
                metrics_at(now.1, i, &after.id),
            );
            let record = if Arc::ptr_eq(before, after) {
                Record::Same
            } else if equal_but_body(before, after) {
                Record::BodyOnly
            } else {
                Record::Changed
            };
            (record, metrics)
        })
        .collect()
}

pub(super) fn compare_metrics(
    last: Option<&CustomerMetrics>,
    now: Option<&CustomerMetrics>,
) -> Metrics {
    match (last, now) {
        // The analysis shares the metrics of a record whose inputs did not move.
        (Some(a), Some(b)) if std::ptr::eq(a, b) => Metrics::Same,
        (a, b) if a == b => Metrics::Same,
        (Some(a), Some(b)) if equal_but_abc(a, b) => {
            let class = |m: &CustomerMetrics| m.abc.as_ref().map(|x| x.class);
            if class(a) == class(b) {
                Metrics::AbcFigures
            } else {
                Metrics::AbcClass
            }
        }
        _ => Metrics::Changed,
    }
}

/// Whether two records' metrics differ at most in their ABC placement. Every field is named,
/// so that a new one has to be compared or left out on purpose.
fn equal_but_abc(a: &CustomerMetrics, b: &CustomerMetrics) -> bool {
    let CustomerMetrics {
        id,
        name,
        owner,
        region,
        city,
        industry,
        tags,
        kind,
        record_stage,
        stage,
        sales,
        abc: _,
        credit,
        clv,
        churn,
        satisfaction,
        man,
        complaints,
        visits,
        playbooks,
    } = a;
    *id == b.id
        && *name == b.name
        && *owner == b.owner
        && *region == b.region
        && *city == b.city
        && *industry == b.industry
        && *tags == b.tags
        && *kind == b.kind
        && *record_stage == b.record_stage
        && *stage == b.stage
        && *sales == b.sales
        && *credit == b.credit
        && *clv == b.clv
        && *churn == b.churn
        && *satisfaction == b.satisfaction
        && *man == b.man
        && *complaints == b.complaints
        && *visits == b.visits
        && *playbooks == b.playbooks
}

/// Whether two records differ at most in their Markdown body. Every field is named, so that a
/// new field has to be placed on one side or the other.
fn equal_but_body(a: &Customer, b: &Customer) -> bool {
    let Customer {
        source,
        id,
        name,
        stage,
        owner,
        since,
        kind,
        profile,
        tags,
        contacts,
        qualification,
        sales,
        credit,
        payments,
        financials,
        satisfaction,
        complaints,
        visits,
        churn,
        body: _,
        body_line,
    } = a;
    *source == b.source
        && *id == b.id
        && *name == b.name
        && *stage == b.stage
        && *owner == b.owner
        && *since == b.since
        && *kind == b.kind
        && *profile == b.profile
        && *tags == b.tags
        && *contacts == b.contacts
        && *qualification == b.qualification
        && *sales == b.sales
        && *credit == b.credit
        && *payments == b.payments
        && *financials == b.financials
        && *satisfaction == b.satisfaction
        && *complaints == b.complaints
        && *visits == b.visits
        && *churn == b.churn
        && *body_line == b.body_line
}

/// A page group's files, as the preview keeps them between rebuilds.
pub(super) type KeptFiles = Vec<(String, Arc<[u8]>)>;

/// The page groups whose files depend on no record's body: they are the last rebuild's files
/// when [`SinceLast::aggregates_same`]. (The customer index, term and playbook pages hand
/// their pages over one by one and are memoised per page instead; the term pages are kept with
/// [`Recorder`].)
pub(super) const KEPT_GROUPS: [&str; 11] = [
    "dashboard",
    "changes",
    "rankings",
    "credit",
    "retention",
    "satisfaction",
    "service",
    "prospects",
    "exports",
    "playbooks",
    "taxonomy",
];

/// A sink that also remembers the term pages handed over one by one, so that the taxonomy group
/// can be kept whole like the groups that return their files.
pub(super) struct Recorder<'s> {
    pub inner: &'s dyn Sink,
    term_pages: Mutex<KeptFiles>,
}

impl<'s> Recorder<'s> {
    pub fn new(inner: &'s dyn Sink) -> Self {
        Recorder {
            inner,
            term_pages: Mutex::default(),
        }
    }

    /// The term pages handed over since the last call.
    pub fn take_term_pages(&self) -> KeptFiles {
        std::mem::take(&mut *self.term_pages.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl Sink for Recorder<'_> {
    fn put(&self, path: String, bytes: Vec<u8>) {
        self.inner.put(path, bytes);
    }

    fn put_shared(&self, path: String, page: Arc<str>) {
        let is_term_page = Taxonomy::ALL.iter().any(|t| {
            path.strip_prefix(t.key())
                .is_some_and(|rest| rest.starts_with('/'))
        });
        if is_term_page {
            let mut pages = self.term_pages.lock().unwrap_or_else(|p| p.into_inner());
            pages.push((path.clone(), Arc::from(page.clone())));
        }
        self.inner.put_shared(path, page);
    }

    fn put_kept(&self, path: String, bytes: Arc<[u8]>) {
        self.inner.put_kept(path, bytes);
    }

    fn expect(&self, pages: usize) {
        self.inner.expect(pages);
    }
}

/// What the preview keeps of its last rebuild for the next one.
#[derive(Default)]
pub(crate) struct Kept {
    /// The fingerprints of the last rebuild's records, in site order.
    fingerprints: Vec<Prints>,
    terms: Terms,
    /// The files of the [`KEPT_GROUPS`] and the renderer's inputs they were rendered with.
    groups: HashMap<&'static str, KeptFiles>,
    renderer_inputs: u64,
    /// Every record's part of the exports, in site order (empty when not made).
    export_rows: Vec<Arc<CustomerExport>>,
    /// The analysis the kept values were made of.
    analytics: Option<Arc<Analytics>>,
}

/// The last rebuild's parts of the exports when this rebuild took its export files whole (so
/// they are still this rebuild's), else none.
pub(super) fn kept_export_rows(ctx: &Ctx) -> Vec<Arc<CustomerExport>> {
    ctx.reuse
        .filter(|r| r.group(ctx, "exports").is_some())
        .map(|r| r.last.export_rows.clone())
        .unwrap_or_default()
}

/// Where a rebuild's exports leave every record's part of them, in site order.
pub(crate) type ExportRows = Mutex<Option<Vec<Arc<CustomerExport>>>>;

/// The preview's view of the last rebuild during this one.
pub(crate) struct Reuse<'p> {
    pub since: &'p SinceLast,
    pub last: &'p Kept,
    /// The last search index's documents: records in site order, then playbooks.
    pub last_docs: Option<&'p [Arc<SearchDoc>]>,
}

impl Reuse<'_> {
    /// The last rebuild's files of `group`, when they are still this rebuild's.
    pub fn group(&self, ctx: &Ctx, group: &str) -> Option<&KeptFiles> {
        let usable = self.since.aggregates_same()
            && ctx.hidden.is_empty()
            && self.last.renderer_inputs == ctx.r.inputs()
            && self.last.terms == ctx.terms;
        usable.then(|| self.last.groups.get(group)).flatten()
    }

    /// The last rebuild's parts of the exports, by record in site order, when what they are made
    /// of besides each record is as last time; each is still this rebuild's when
    /// [`Reuse::export_row_same`] says so.
    pub fn export_rows(&self, ctx: &Ctx) -> Option<&[Arc<CustomerExport>]> {
        let usable = ctx.hidden.is_empty()
            && self.last.export_rows.len() == ctx.customers.len()
            && ctx.customers.len() == ctx.site.customers.len()
            && self.last.renderer_inputs == ctx.r.inputs()
            && self.last.terms == ctx.terms;
        usable.then_some(&self.last.export_rows[..])
    }

    /// Whether record `i`'s export rows are as last time (see [`Reuse::export_rows`]).
    pub fn export_row_same(&self, i: usize) -> bool {
        self.since.export_row_same(i)
    }

    /// Whether what export rows are made of besides their record and its metrics is as last
    /// time (then a row made of the same values is the last one).
    pub fn rows_inputs_same(&self) -> bool {
        self.since.rows_inputs_same
    }
}

impl Kept {
    /// What to keep of a rebuild: its fingerprints, terms and kept groups' files.
    pub fn new(
        ctx: &Ctx,
        fingerprints: Vec<Prints>,
        groups: HashMap<&'static str, KeptFiles>,
        export_rows: Vec<Arc<CustomerExport>>,
        analytics: Option<Arc<Analytics>>,
    ) -> Self {
        Kept {
            fingerprints,
            terms: ctx.terms.clone(),
            groups,
            export_rows,
            renderer_inputs: ctx.r.inputs(),
            analytics,
        }
    }

    #[cfg(test)]
    pub fn export_rows(&self) -> &[Arc<CustomerExport>] {
        &self.export_rows
    }

    /// Whether these values were made of `analytics` (not of an older rebuild, when a later
    /// one failed after its analysis).
    pub fn made_of(&self, analytics: &Arc<Analytics>) -> bool {
        self.analytics
            .as_ref()
            .is_some_and(|kept| Arc::ptr_eq(kept, analytics))
    }
}

/// A record's fingerprints: of its dossier and its row (see [`Ctx::set_fingerprints`]), and the
/// record's own part of the dossier's (see [`super::customers::dossier_own_inputs`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Prints {
    pub own: u64,
    pub dossier: u64,
    pub row: u64,
}

/// The fingerprints of every record: the last ones where the record and everything site-wide
/// are as last time; otherwise each part is the last one where what it is made of is, and
/// computed where not.
pub(super) fn fingerprints(ctx: &Ctx, reuse: Option<&Reuse>) -> Vec<Prints> {
    let last = reuse.filter(|r| {
        r.last.terms == ctx.terms
            && r.last.fingerprints.len() == ctx.customers.len()
            && ctx.customers.len() == ctx.site.customers.len()
    });
    ctx.customers
        .par_iter()
        .enumerate()
        .map(|(i, e)| {
            let kept = last.and_then(|r| r.last.fingerprints.get(i).map(|p| (&r.since, *p)));
            let kept_if = |same: fn(&SinceLast, usize) -> bool| {
                kept.filter(|(since, _)| same(since, i)).map(|(_, p)| p)
            };
            if let Some(prints) = kept_if(SinceLast::record_same) {
                return prints;
            }
            let own = kept_if(SinceLast::own_same)
                .map_or_else(|| customers::dossier_own_inputs(e), |p| p.own);
            Prints {
                own,
                dossier: customers::dossier_inputs_with(ctx, e, own),
                row: kept_if(SinceLast::row_values_same)
                    .map_or_else(|| ctx.row_fingerprint(e), |p| p.row),
            }
        })
        .collect()
}

/// The search documents of the site: the last ones of records as last time, made for the
/// others (what [`crate::index::site_docs`] makes of every record).
pub(super) fn search_docs(ctx: &Ctx, reuse: Option<&Reuse>) -> Vec<Arc<SearchDoc>> {
    let last = reuse
        .filter(|_| ctx.hidden.is_empty())
        .and_then(|r| r.last_docs.map(|docs| (r, docs)))
        .filter(|(_, docs)| docs.len() >= ctx.site.customers.len());
    let Some((reuse, docs)) = last else {
        return crate::index::site_docs_reusing(ctx.site, ctx.a, &ctx.base, &|_| None);
    };
    crate::index::site_docs_reusing(ctx.site, ctx.a, &ctx.base, &|i| {
        reuse.since.own_same(i).then(|| docs[i].clone())
    })
}
