//! Service: complaint statistics and alerts, visit intervals and overdue lists (客户投诉,
//! 巡视管理; domain.md §8).

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::time::{
    Period, closed_as_of, complaints_as_of, days_between, stage_as_of, visits_as_of,
};
use crate::config::IntervalDays;
use crate::model::{
    Class, Complaint, ComplaintCategory, ComplaintSeverity, Customer, Stage, VisitKind,
};

/// The group name for complaints without a category or severity.
pub const UNSPECIFIED: &str = "unspecified";

/// A customer's complaints as of the as-of date.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ComplaintMetrics {
    /// Complaints opened on or before the as-of date.
    pub total: usize,
    /// Of those, the ones without a closed date by the as-of date.
    pub open: usize,
    /// Open and of high severity.
    pub open_high: usize,
    pub open_complaints: Vec<OpenComplaint>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpenComplaint {
    pub opened: Date,
    pub category: Option<ComplaintCategory>,
    pub severity: Option<ComplaintSeverity>,
    pub summary: Option<String>,
    /// as_of − opened.
    pub days_open: i64,
}

/// Open count and resolution time of a set of complaints.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComplaintGroup {
    /// A category or severity spelling, `unspecified`, or `total`.
    pub key: String,
    pub open: usize,
    /// Complaints closed in Y (on or before the as-of date).
    pub closed_in_year: usize,
    /// Mean of closed − opened over those; absent when none.
    pub mean_resolution_days: Option<f64>,
}

/// An active customer with an open high-severity complaint.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComplaintAlert {
    pub id: String,
    pub owner: String,
    pub complaints: Vec<OpenComplaint>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComplaintStats {
    pub total: ComplaintGroup,
    /// Every category in domain.md order, then `unspecified`.
    pub by_category: Vec<ComplaintGroup>,
    /// low, medium, high, then `unspecified`.
    pub by_severity: Vec<ComplaintGroup>,
    pub alerts: Vec<ComplaintAlert>,
}

fn open_complaint(c: &Complaint, as_of: Date) -> OpenComplaint {
    OpenComplaint {
        opened: c.opened,
        category: c.category,
        severity: c.severity,
        summary: c.summary.clone(),
        days_open: days_between(c.opened, as_of),
    }
}

pub fn complaints(customer: &Customer, period: &Period) -> ComplaintMetrics {
    let as_of = period.as_of;
    let seen: Vec<&Complaint> = complaints_as_of(customer, as_of).collect();
    let open: Vec<OpenComplaint> = seen
        .iter()
        .filter(|c| closed_as_of(c, as_of).is_none())
        .map(|c| open_complaint(c, as_of))
        .collect();
    ComplaintMetrics {
        total: seen.len(),
        open: open.len(),
        open_high: open
            .iter()
            .filter(|c| c.severity == Some(ComplaintSeverity::High))
            .count(),
        open_complaints: open,
    }
}

fn group<'a>(
    key: &str,
    complaints: impl Iterator<Item = &'a Complaint>,
    period: &Period,
) -> ComplaintGroup {
    let mut open = 0;
    let mut resolution = Vec::new();
    for c in complaints {
        match closed_as_of(c, period.as_of) {
            None => open += 1,
            Some(closed) if i32::from(closed.year()) == period.year => {
                resolution.push(days_between(c.opened, closed));
            }
            Some(_) => {}
        }
    }
    ComplaintGroup {
        key: key.to_string(),
        open,
        closed_in_year: resolution.len(),
        mean_resolution_days: (!resolution.is_empty())
            .then(|| resolution.iter().sum::<i64>() as f64 / resolution.len() as f64),
    }
}

/// Site-wide statistics over every record's complaints, and the alert list.
pub fn complaint_stats(customers: &[&Customer], period: &Period) -> ComplaintStats {
    let all: Vec<&Complaint> = customers
        .iter()
        .flat_map(|c| complaints_as_of(c, period.as_of))
        .collect();
    let category_key = |c: &Complaint| c.category.map_or(UNSPECIFIED, |k| k.as_str());
    let severity_key = |c: &Complaint| c.severity.map_or(UNSPECIFIED, |k| k.as_str());
    let categories = ComplaintCategory::ALL.iter().map(|c| c.as_str());
    let severities = ComplaintSeverity::ALL.iter().map(|s| s.as_str());
    ComplaintStats {
        total: group("total", all.iter().copied(), period),
        by_category: categories
            .chain([UNSPECIFIED])
            .map(|k| {
                group(
                    k,
                    all.iter().copied().filter(|c| category_key(c) == k),
                    period,
                )
            })
            .collect(),
        by_severity: severities
            .chain([UNSPECIFIED])
            .map(|k| {
                group(
                    k,
                    all.iter().copied().filter(|c| severity_key(c) == k),
                    period,
                )
            })
            .collect(),
        alerts: alerts(customers, period),
    }
}

fn alerts(customers: &[&Customer], period: &Period) -> Vec<ComplaintAlert> {
    customers
        .iter()
        .filter(|c| stage_as_of(c, period.as_of) == Stage::Active)
        .filter_map(|c| {
            let high: Vec<OpenComplaint> = complaints(c, period)
                .open_complaints
                .into_iter()
                .filter(|o| o.severity == Some(ComplaintSeverity::High))
                .collect();
            (!high.is_empty()).then(|| ComplaintAlert {
                id: c.id.clone(),
                owner: c.owner.clone(),
                complaints: high,
            })
        })
        .collect()
}

/// An active customer's visit rhythm.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VisitStatus {
    /// The ABC class the interval comes from; absent: unclassed (C's interval).
    pub class: Option<Class>,
    pub interval_days: u32,
    pub last_visit: Option<VisitRef>,
    /// as_of − last visit date.
    pub days_since: Option<i64>,
    /// No visit on or before the as-of date, or days_since > interval_days.
    pub overdue: bool,
    /// days_since − interval_days when overdue after a visit.
    pub days_overdue: Option<i64>,
    /// The forward plan: last visit + interval_days; absent when never visited (due now).
    pub next_due: Option<Date>,
    /// next_due − as_of: 0 on the day it falls due, negative once overdue.
    pub days_until_due: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VisitRef {
    pub date: Date,
    pub kind: Option<VisitKind>,
    pub by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OverdueEntry {
    pub id: String,
    #[serde(flatten)]
    pub status: VisitStatus,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OwnerOverdue {
    pub owner: String,
    /// Never visited first, then the most days overdue, ties by id.
    pub customers: Vec<OverdueEntry>,
}

impl OwnerOverdue {
    /// Of the overdue customers, those never visited.
    pub fn never_visited(&self) -> usize {
        self.customers
            .iter()
            .filter(|c| c.status.last_visit.is_none())
            .count()
    }
}

/// The days ahead that the visit plan lists: what falls due within them is "due soon".
pub const PLAN_DAYS: i64 = 30;

/// An active customer whose next visit falls due within [`PLAN_DAYS`] (not overdue yet).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DueEntry {
    pub id: String,
    pub owner: String,
    #[serde(flatten)]
    pub status: VisitStatus,
}

/// Overdue active customers per ABC class (`unclassed`: no class, C's interval).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OverdueByClass {
    #[serde(rename = "A")]
    pub a: usize,
    #[serde(rename = "B")]
    pub b: usize,
    #[serde(rename = "C")]
    pub c: usize,
    pub unclassed: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct VisitSummary {
    /// Active customers (the only ones that can be overdue).
    pub active: usize,
    pub overdue: usize,
    /// Of `overdue`: never visited.
    pub never_visited: usize,
    pub overdue_by_class: OverdueByClass,
    /// Owners in code-point order; owners with nothing overdue are left out.
    pub by_owner: Vec<OwnerOverdue>,
    /// The forward plan: customers not overdue whose next visit falls due within
    /// [`PLAN_DAYS`] of the as-of date, soonest first, ties by id.
    pub due_soon: Vec<DueEntry>,
}

pub fn interval_for(class: Option<Class>, intervals: &IntervalDays) -> u32 {
    match class {
        Some(Class::A) => intervals.A,
        Some(Class::B) => intervals.B,
        Some(Class::C) | None => intervals.C,
    }
}

/// The visit status of an active customer (as of the as-of date); `None` for the others.
pub fn visit_status(
    customer: &Customer,
    period: &Period,
    class: Option<Class>,
    intervals: &IntervalDays,
) -> Option<VisitStatus> {
    if stage_as_of(customer, period.as_of) != Stage::Active {
        return None;
    }
    let interval = interval_for(class, intervals);
    let last = visits_as_of(customer, period.as_of).max_by_key(|v| v.date);
    let days_since = last.map(|v| days_between(v.date, period.as_of));
    let late = days_since.map(|d| d - i64::from(interval));
    Some(VisitStatus {
        class,
        interval_days: interval,
        last_visit: last.map(|v| VisitRef {
            date: v.date,
            kind: v.kind,
            by: v.by.clone(),
        }),
        days_since,
        overdue: late.is_none_or(|l| l > 0),
        days_overdue: late.filter(|l| *l > 0),
        next_due: last.and_then(|v| {
            v.date
                .checked_add(jiff::Span::new().days(i64::from(interval)))
                .ok()
        }),
        days_until_due: late.map(|l| -l),
    })
}

/// Overdue customers per owner, from the statuses in id order.
pub fn visit_summary<'a>(
    statuses: impl Iterator<Item = (&'a Customer, Option<&'a VisitStatus>)>,
) -> VisitSummary {
    let mut summary = VisitSummary::default();
    let mut by_owner: BTreeMap<&str, Vec<OverdueEntry>> = BTreeMap::new();
    for (customer, status) in statuses {
        let Some(status) = status else { continue };
        summary.active += 1;
        let due_in = status
            .days_until_due
            .filter(|d| (0..=PLAN_DAYS).contains(d));
        if due_in.is_some() && !status.overdue {
            summary.due_soon.push(DueEntry {
                id: customer.id.clone(),
                owner: customer.owner.clone(),
                status: status.clone(),
            });
        }
        if status.overdue {
            summary.overdue += 1;
            summary.never_visited += usize::from(status.last_visit.is_none());
            let counts = &mut summary.overdue_by_class;
            *match status.class {
                Some(Class::A) => &mut counts.a,
                Some(Class::B) => &mut counts.b,
                Some(Class::C) => &mut counts.c,
                None => &mut counts.unclassed,
            } += 1;
            by_owner
                .entry(&customer.owner)
                .or_default()
                .push(OverdueEntry {
                    id: customer.id.clone(),
                    status: status.clone(),
                });
        }
    }
    summary.by_owner = by_owner
        .into_iter()
        .map(|(owner, mut customers)| {
            customers.sort_by(|a, b| {
                let urgency = |e: &OverdueEntry| {
                    std::cmp::Reverse(e.status.days_overdue.map_or(i64::MAX, |d| d))
                };
                urgency(a).cmp(&urgency(b)).then_with(|| a.id.cmp(&b.id))
            });
            OwnerOverdue {
                owner: owner.to_string(),
                customers,
            }
        })
        .collect();
    summary
        .due_soon
        .sort_by(|a, b| (a.status.next_due, &a.id).cmp(&(b.status.next_due, &b.id)));
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::testing::*;
    use crate::analytics::time::{AsOfSource, YearSource};
    use crate::model::ChurnReason;

    fn period(as_of: &str) -> Period {
        Period {
            year: 2025,
            year_source: YearSource::Config,
            as_of: date(as_of),
            as_of_source: AsOfSource::Config,
        }
    }

    fn intervals() -> IntervalDays {
        crate::config::VisitsConfig::default().interval_days
    }

    #[test]
    fn overdue_by_exactly_the_interval_and_one_day_more() {
        // As of 2025-12-31, class A (30 days):
        // last visit 2025-12-01 → 30 days since → not overdue (30 is not > 30);
        // last visit 2025-11-30 → 31 days → overdue by 1.
        let p = period("2025-12-31");
        let on_time = customer("A")
            .visit("2025-12-01")
            .visit("2025-06-01")
            .build();
        let s = visit_status(&on_time, &p, Some(Class::A), &intervals()).unwrap();
        assert_eq!(
            (s.days_since, s.overdue, s.days_overdue),
            (Some(30), false, None)
        );
        assert_eq!(s.last_visit.unwrap().date, date("2025-12-01"));
        let late = customer("B").visit("2025-11-30").build();
        let s = visit_status(&late, &p, Some(Class::A), &intervals()).unwrap();
        assert_eq!(
            (s.days_since, s.overdue, s.days_overdue),
            (Some(31), true, Some(1))
        );
        // Class B: 90 days. 2025-10-02 → 90 days → fine; 2025-10-01 → 91 → overdue.
        let b = customer("C").visit("2025-10-02").build();
        assert!(
            !visit_status(&b, &p, Some(Class::B), &intervals())
                .unwrap()
                .overdue
        );
        let b = customer("C").visit("2025-10-01").build();
        assert!(
            visit_status(&b, &p, Some(Class::B), &intervals())
                .unwrap()
                .overdue
        );
        // Unclassed uses C's 180 days: 2025-07-04 → 180 days → fine.
        let u = customer("D").visit("2025-07-04").build();
        let s = visit_status(&u, &p, None, &intervals()).unwrap();
        assert_eq!(
            (s.interval_days, s.days_since, s.overdue),
            (180, Some(180), false)
        );
    }

    #[test]
    fn never_visited_or_only_later_visits_is_overdue() {
        let p = period("2025-06-30");
        let c = customer("A").visit("2025-07-01").build();
        let s = visit_status(&c, &p, Some(Class::C), &intervals()).unwrap();
        assert_eq!(
            (s.last_visit, s.overdue, s.days_overdue),
            (None, true, None)
        );
        // Only active customers can be overdue.
        let lost = customer("L")
            .churn("2025-01-01", ChurnReason::Price)
            .build();
        assert!(visit_status(&lost, &p, None, &intervals()).is_none());
        let prospect = customer("P").stage(Stage::Prospect).build();
        assert!(visit_status(&prospect, &p, None, &intervals()).is_none());
    }

    #[test]
    fn overdue_list_per_owner() {
        let p = period("2025-12-31");
        let cs = [
            customer("A").owner("王").visit("2025-11-01").build(), // 60 days, A → 30 over
            customer("B").owner("王").build(),                     // never
            customer("C").owner("李").visit("2025-12-30").build(), // fine
            customer("D").owner("王").visit("2025-10-01").build(), // 91 days, A → 61 over
        ];
        let statuses: Vec<Option<VisitStatus>> = cs
            .iter()
            .map(|c| visit_status(c, &p, Some(Class::A), &intervals()))
            .collect();
        let s = visit_summary(cs.iter().zip(statuses.iter().map(Option::as_ref)));
        assert_eq!((s.active, s.overdue), (4, 3));
        assert_eq!(s.by_owner.len(), 1);
        let order: Vec<_> = s.by_owner[0]
            .customers
            .iter()
            .map(|e| e.id.as_str())
            .collect();
        assert_eq!(order, ["B", "D", "A"]);
    }

    #[test]
    fn the_forward_plan_lists_what_falls_due_within_30_days() {
        // As of 2025-12-31:
        // E, A (30 d), last 2025-12-01 → due 2025-12-31, in 0 days: due soon (not overdue);
        // F, A (30 d), last 2025-11-30 → due 2025-12-30, −1 day: overdue, not in the plan;
        // G, B (90 d), last 2025-10-20 → 11 + 30 + 31 + 18 = 90 → due 2026-01-18, in 18 days;
        // H, C (180 d), last 2025-09-01 → due 2026-02-28 (29 + 31 + 30 + 31 + 31 + 28), in 59
        //    days: beyond the plan;
        // I, B, never visited: overdue, no due date.
        let p = period("2025-12-31");
        let cs = [
            (
                customer("E").owner("王").visit("2025-12-01").build(),
                Some(Class::A),
            ),
            (
                customer("F").owner("王").visit("2025-11-30").build(),
                Some(Class::A),
            ),
            (
                customer("G").owner("李").visit("2025-10-20").build(),
                Some(Class::B),
            ),
            (
                customer("H").owner("李").visit("2025-09-01").build(),
                Some(Class::C),
            ),
            (customer("I").owner("李").build(), Some(Class::B)),
            (customer("J").owner("李").build(), None),
        ];
        let statuses: Vec<Option<VisitStatus>> = cs
            .iter()
            .map(|(c, class)| visit_status(c, &p, *class, &intervals()))
            .collect();
        let plan = |i: usize| {
            let s = statuses[i].as_ref().unwrap();
            (s.next_due, s.days_until_due)
        };
        assert_eq!(plan(0), (Some(date("2025-12-31")), Some(0)));
        assert_eq!(plan(1), (Some(date("2025-12-30")), Some(-1)));
        assert_eq!(plan(2), (Some(date("2026-01-18")), Some(18)));
        assert_eq!(plan(3), (Some(date("2026-02-28")), Some(59)));
        assert_eq!(plan(4), (None, None));
        let s = visit_summary(
            cs.iter()
                .map(|(c, _)| c)
                .zip(statuses.iter().map(Option::as_ref)),
        );
        let due: Vec<(&str, &str)> = s
            .due_soon
            .iter()
            .map(|e| (e.id.as_str(), e.owner.as_str()))
            .collect();
        assert_eq!(due, [("E", "王"), ("G", "李")]);
        assert_eq!((s.active, s.overdue, s.never_visited), (6, 3, 2));
        assert_eq!(
            s.overdue_by_class,
            OverdueByClass {
                a: 1,
                b: 1,
                c: 0,
                unclassed: 1
            }
        );
    }

    #[test]
    fn complaint_statistics() {
        // Y = 2025, as of 2025-12-31.
        // A: product/high opened 2025-03-01 closed 2025-03-11 (10 days, closed in Y)
        //    service/high opened 2025-12-01, open → alert
        // B (lost): delivery/low opened 2024-12-20 closed 2025-01-09 (20 days, closed in Y)
        //    no category/medium opened 2024-01-01 closed 2024-02-01 (closed in 2024: not counted)
        //    no category/no severity opened 2025-11-01 closed 2026-01-05 (after as_of → open)
        // C: opened 2026-01-02 (after as_of → ignored)
        // Total: open 2, closed in Y 2, mean (10 + 20)/2 = 15.
        let cs = [
            customer("A")
                .complaint_in(
                    "2025-03-01",
                    Some("2025-03-11"),
                    Some(ComplaintSeverity::High),
                    Some(ComplaintCategory::Product),
                )
                .complaint_in(
                    "2025-12-01",
                    None,
                    Some(ComplaintSeverity::High),
                    Some(ComplaintCategory::Service),
                )
                .build(),
            customer("B")
                .complaint_in(
                    "2024-12-20",
                    Some("2025-01-09"),
                    Some(ComplaintSeverity::Low),
                    Some(ComplaintCategory::Delivery),
                )
                .complaint_in(
                    "2024-01-01",
                    Some("2024-02-01"),
                    Some(ComplaintSeverity::Medium),
                    None,
                )
                .complaint("2025-11-01", Some("2026-01-05"), None)
                .churn("2025-06-01", ChurnReason::Service)
                .build(),
            customer("C")
                .complaint("2026-01-02", None, Some(ComplaintSeverity::High))
                .build(),
        ];
        let refs: Vec<&Customer> = cs.iter().collect();
        let p = period("2025-12-31");
        let s = complaint_stats(&refs, &p);
        assert_eq!(
            (
                s.total.open,
                s.total.closed_in_year,
                s.total.mean_resolution_days
            ),
            (2, 2, Some(15.0))
        );
        let cat = |k: &str| s.by_category.iter().find(|g| g.key == k).unwrap();
        assert_eq!(
            (
                cat("product").closed_in_year,
                cat("product").mean_resolution_days
            ),
            (1, Some(10.0))
        );
        assert_eq!(
            (cat("unspecified").open, cat("unspecified").closed_in_year),
            (1, 0)
        );
        assert_eq!(cat("billing").mean_resolution_days, None);
        let sev = |k: &str| s.by_severity.iter().find(|g| g.key == k).unwrap();
        assert_eq!(
            (sev("high").open, sev("low").mean_resolution_days),
            (1, Some(20.0))
        );
        assert_eq!(sev("medium").closed_in_year, 0);
        assert_eq!(s.alerts.len(), 1);
        assert_eq!(
            (s.alerts[0].id.as_str(), s.alerts[0].complaints[0].days_open),
            ("A", 30)
        );
        let b = complaints(&cs[1], &p);
        assert_eq!((b.total, b.open, b.open_high), (3, 1, 0));
        assert_eq!(complaints(&cs[2], &p).total, 0);
    }
}
