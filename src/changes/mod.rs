//! `dossier changes`: what a change to the records does, in business terms. Two versions of
//! the site (git revisions or the working tree) are read, checked and analysed with the same
//! code as a build, and compared: [`digest`] computes the difference, [`format`] writes it for
//! a terminal, a pull-request comment, CI annotations or scripts.

pub mod digest;
pub mod format;
pub mod history;
pub mod revision;

pub use digest::{Digest, State, compare};
pub use revision::{Repository, Revision, RevisionError};

use jiff::civil::Date;

use crate::analytics::{self, Analytics, AnalyticsError};
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

/// Both versions analysed. A version whose own settings give no reporting year (an empty
/// site: the repository's first commit is yet to come) is read with the other's year and
/// as-of date.
pub fn analyse_pair(
    from: &Checked,
    to: &Checked,
    as_of: Option<Date>,
) -> Result<(Analytics, Analytics), AnalyticsError> {
    let analyse = |checked: &Checked| analytics::analyse(&checked.site, &checked.config, as_of);
    match (analyse(from), analyse(to)) {
        (Ok(f), Ok(t)) => Ok((f, t)),
        (Err(_), Ok(t)) => Ok((like(from, &t)?, t)),
        (Ok(f), Err(_)) => {
            let t = like(to, &f)?;
            Ok((f, t))
        }
        (Err(e), Err(_)) => Err(e),
    }
}

fn like(checked: &Checked, other: &Analytics) -> Result<Analytics, AnalyticsError> {
    let mut config = checked.config.clone();
    config.year = Some(other.year());
    analytics::analyse(&checked.site, &config, Some(other.as_of()))
}
