//! What [`super::analyse_after`] may take from a previous analysis: the metrics of each record
//! the new version shares with it, and whether the site-wide orders (rankings, ABC classes) can
//! stay as they were.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::sync::Arc;

use super::rankings::ranking_inputs;
use super::time::Period;
use super::{Analytics, CustomerMetrics, Previous, in_id_order};
use crate::model::{Customer, Playbook};

pub(super) struct Reuse<'a> {
    previous: &'a Analytics,
    /// For each record of the new version (in id order), its metrics in the previous
    /// analysis when it is the same record (the same `Arc`).
    before: Vec<Option<&'a Arc<CustomerMetrics>>>,
    /// No record that the rankings or the ABC classes read came, went or changed what they
    /// read: both stay as they were.
    pub orders_same: bool,
    /// The same playbooks, with distinct slugs: reused customers keep their matches.
    pub playbooks_same: bool,
}

impl<'a> Reuse<'a> {
    /// `None` when the previous analysis does not line up with its site (it was not made
    /// from it).
    pub fn new(
        previous: &Previous<'a>,
        customers: &[&Customer],
        playbooks: &[Playbook],
        period: &Period,
    ) -> Option<Self> {
        let records = in_id_order(&previous.site.customers);
        let metrics = &previous.analytics.customers;
        if records.len() != metrics.len() || records.iter().zip(metrics).any(|(c, m)| c.id != m.id)
        {
            return None;
        }
        let mut before = vec![None; customers.len()];
        let mut orders_same = true;
        let ranked = |c: &Customer| ranking_inputs(c, period).is_some();
        let (mut i, mut j) = (0, 0);
        loop {
            let order = match (records.get(i), customers.get(j)) {
                (Some(b), Some(a)) => b.site_order().cmp(&a.site_order()),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => break,
            };
            match order {
                Ordering::Less => {
                    orders_same &= !ranked(records[i]);
                    i += 1;
                }
                Ordering::Greater => {
                    orders_same &= !ranked(customers[j]);
                    j += 1;
                }
                Ordering::Equal => {
                    let (b, a) = (records[i], customers[j]);
                    if std::ptr::eq(b, a) {
                        before[j] = Some(&metrics[i]);
                    } else {
                        orders_same &= ranking_inputs(b, period) == ranking_inputs(a, period);
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
        Some(Reuse {
            previous: previous.analytics,
            before,
            orders_same,
            playbooks_same: previous.site.playbooks == playbooks && distinct_slugs(playbooks),
        })
    }

    pub fn analytics(&self) -> &'a Analytics {
        self.previous
    }

    /// The previous metrics of the `i`-th record (in id order), when it is the same record.
    pub fn metrics_before(&self, i: usize) -> Option<&'a Arc<CustomerMetrics>> {
        self.before.get(i).copied().flatten()
    }
}

fn distinct_slugs(playbooks: &[Playbook]) -> bool {
    let mut seen = HashSet::with_capacity(playbooks.len());
    playbooks
        .iter()
        .all(|p| seen.insert(p.source.slug.as_str()))
}
