//! `dossier changes`: what a change to the records does, in business terms. Two versions of
//! the site (git revisions or the working tree) are read, checked and analysed with the same
//! code as a build, and compared: [`digest`] computes the difference, [`format`](mod@format) writes it for
//! a terminal, a pull-request comment, CI annotations or scripts.

pub mod digest;
pub mod format;
pub mod history;
pub mod revision;

pub use digest::{Digest, State, compare};
pub use revision::{Repository, Revision, RevisionError};

use std::sync::Arc;

use jiff::civil::Date;

use crate::analytics::{self, Analytics, AnalyticsError};
use crate::model::Site;
use crate::validate::Checked;

/// One version analysed on its own settings (and `as_of` when given); `None` when those give
/// no reporting year.
pub fn analyse_alone(checked: &Checked, as_of: Option<Date>) -> Option<Analytics> {
    analytics::analyse(&checked.site, &checked.config, as_of).ok()
}

/// `checked` analysed from the analysis of `known`, a version that shares most of its records
/// (see [`analytics::analyse_after`]); `None` as in [`analyse_alone`].
pub fn analyse_next(
    known: &Checked,
    known_analytics: &Analytics,
    checked: &Checked,
    as_of: Option<Date>,
) -> Option<Analytics> {
    let previous = analytics::Previous {
        site: &known.site,
        config: &known.config,
        analytics: known_analytics,
    };
    analytics::analyse_after(previous, &checked.site, &checked.config, as_of).ok()
}

/// Both versions analysed, `to` from `from`'s analysis where the two share settings (see
/// [`analytics::analyse_after`]). A version whose own settings give no reporting year (an
/// empty site: the repository's first commit is yet to come) is read with the other's year
/// and as-of date.
pub fn analyse_pair(
    from: &Checked,
    to: &Checked,
    as_of: Option<Date>,
) -> Result<(Analytics, Analytics), AnalyticsError> {
    let analyse = |checked: &Checked| analytics::analyse(&checked.site, &checked.config, as_of);
    let from_analytics = analyse(from);
    let to_analytics = match &from_analytics {
        Ok(known) => {
            let to_site = sharing_records(&from.site, &to.site);
            let previous = analytics::Previous {
                site: &from.site,
                config: &from.config,
                analytics: known,
            };
            analytics::analyse_after(previous, &to_site, &to.config, as_of)
        }
        Err(_) => analyse(to),
    };
    match (from_analytics, to_analytics) {
        (Ok(f), Ok(t)) => Ok((f, t)),
        (Err(_), Ok(t)) => Ok((like(from, &t)?, t)),
        (Ok(f), Err(_)) => {
            let t = like(to, &f)?;
            Ok((f, t))
        }
        (Err(e), Err(_)) => Err(e),
    }
}

/// `site` with each record that says the same as `known`'s record of the same file replaced
/// by that one (shared): two versions read apart (two revisions, or a revision and the disk)
/// then share what did not change, and the analysis of one starts from the other's. Records
/// in id order on both sides: one merge pairs them.
fn sharing_records(known: &Site, site: &Site) -> Site {
    let mut known_records = known.customers.iter().peekable();
    let customers = site
        .customers
        .iter()
        .map(|record| {
            while known_records
                .next_if(|k| k.site_order() < record.site_order())
                .is_some()
            {}
            match known_records.peek() {
                Some(k) if **k == *record => Arc::clone(k),
                _ => Arc::clone(record),
            }
        })
        .collect();
    Site {
        customers,
        playbooks: site.playbooks.clone(),
    }
}

fn like(checked: &Checked, other: &Analytics) -> Result<Analytics, AnalyticsError> {
    let mut config = checked.config.clone();
    config.year = Some(other.year());
    analytics::analyse(&checked.site, &config, Some(other.as_of()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::testing::customer;

    /// A record read again from elsewhere (another revision, the disk) is shared with the other
    /// version when it says the same; an edited one, or one in another file, is not.
    #[test]
    fn versions_read_apart_share_the_records_that_did_not_change() {
        let record = |id: &str, revenue: f64| Arc::new(customer(id).sale(2025, revenue).build());
        let known = Site::shared(
            vec![
                record("KH-1", 10.0),
                record("KH-2", 20.0),
                record("KH-4", 40.0),
            ],
            Vec::new(),
        );
        let mut elsewhere = (*record("KH-1", 10.0)).clone();
        elsewhere.source.absolute = "/somewhere/else.md".into();
        let mut moved = (*record("KH-4", 40.0)).clone();
        moved.source.path = "content/customers/other.md".to_string();
        let site = Site::shared(
            vec![
                Arc::new(elsewhere),
                record("KH-2", 21.0),
                record("KH-3", 30.0),
                Arc::new(moved),
            ],
            Vec::new(),
        );
        let shared = sharing_records(&known, &site);
        let from_known: Vec<bool> = shared
            .customers
            .iter()
            .map(|c| known.customers.iter().any(|k| Arc::ptr_eq(k, c)))
            .collect();
        assert_eq!(from_known, [true, false, false, false]);
        assert_eq!(shared, site);
    }
}
