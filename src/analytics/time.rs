//! The reporting year, the as-of date, and every record read "as of" that date (domain.md §2).

use jiff::civil::Date;
use serde::Serialize;

use super::AnalyticsError;
use crate::config::SiteConfig;
use crate::model::{Churn, Complaint, Customer, Payment, Site, Stage, Survey, Visit};

/// The reporting year Y and the as-of date, with where each came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Period {
    pub year: i32,
    pub year_source: YearSource,
    pub as_of: Date,
    pub as_of_source: AsOfSource,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum YearSource {
    /// `site.yaml` `year` (or `--year`, which the caller writes into the config).
    Config,
    /// The largest sales year of any record.
    LatestSales,
    /// The year of the given as-of date.
    AsOfDate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AsOfSource {
    CommandLine,
    Config,
    /// 31 December of Y.
    EndOfYear,
}

/// Resolves Y and the as-of date per domain.md §2.
pub fn resolve(
    site: &Site,
    config: &SiteConfig,
    as_of_override: Option<Date>,
) -> Result<Period, AnalyticsError> {
    let given_as_of = as_of_override
        .map(|d| (d, AsOfSource::CommandLine))
        .or(config.as_of.map(|d| (d, AsOfSource::Config)));
    let latest_sales = site
        .customers
        .iter()
        .flat_map(|c| c.sales.iter().map(|s| s.year))
        .max();
    let (year, year_source) = match (config.year, latest_sales, given_as_of) {
        (Some(y), _, _) => (y, YearSource::Config),
        (None, Some(y), _) => (y, YearSource::LatestSales),
        (None, None, Some((d, _))) => (i32::from(d.year()), YearSource::AsOfDate),
        (None, None, None) => return Err(AnalyticsError::NoReportingYear),
    };
    let (as_of, as_of_source) = match given_as_of {
        Some(given) => given,
        None => (end_of_year(year)?, AsOfSource::EndOfYear),
    };
    Ok(Period {
        year,
        year_source,
        as_of,
        as_of_source,
    })
}

fn end_of_year(year: i32) -> Result<Date, AnalyticsError> {
    i16::try_from(year)
        .ok()
        .and_then(|y| Date::new(y, 12, 31).ok())
        .ok_or(AnalyticsError::YearOutOfRange(year))
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    i64::from((to - from).get_days())
}

/// The churn of a lost record, when it happened on or before the as-of date.
pub fn churn_as_of(customer: &Customer, as_of: Date) -> Option<&Churn> {
    if customer.stage != Stage::Lost {
        return None;
    }
    customer.churn.as_ref().filter(|c| c.date <= as_of)
}

/// Whether the record was a customer (first deal made) by the as-of date. A record without
/// `since` (only possible on a site with errors) keeps its stage.
pub fn is_customer_as_of(customer: &Customer, as_of: Date) -> bool {
    customer.stage.is_customer() && customer.since.is_none_or(|s| s <= as_of)
}

/// The stage as of the as-of date: an active or lost record whose first deal is later is not
/// yet a customer and reads as `qualified` (准客户); a lost record whose churn is later is still
/// `active`.
pub fn stage_as_of(customer: &Customer, as_of: Date) -> Stage {
    match customer.stage {
        Stage::Active | Stage::Lost if !is_customer_as_of(customer, as_of) => Stage::Qualified,
        Stage::Lost if churn_as_of(customer, as_of).is_none() => Stage::Active,
        stage => stage,
    }
}

/// The paid date, when it is on or before the as-of date.
pub fn paid_as_of(payment: &Payment, as_of: Date) -> Option<Date> {
    payment.paid.filter(|d| *d <= as_of)
}

/// The closed date, when it is on or before the as-of date.
pub fn closed_as_of(complaint: &Complaint, as_of: Date) -> Option<Date> {
    complaint.closed.filter(|d| *d <= as_of)
}

/// Complaints opened on or before the as-of date.
pub fn complaints_as_of(customer: &Customer, as_of: Date) -> impl Iterator<Item = &Complaint> {
    customer
        .complaints
        .iter()
        .filter(move |c| c.opened <= as_of)
}

/// Visits on or before the as-of date.
pub fn visits_as_of(customer: &Customer, as_of: Date) -> impl Iterator<Item = &Visit> {
    customer.visits.iter().filter(move |v| v.date <= as_of)
}

/// Surveys on or before the as-of date.
pub fn surveys_as_of(customer: &Customer, as_of: Date) -> impl Iterator<Item = &Survey> {
    customer
        .satisfaction
        .iter()
        .filter(move |s| s.date <= as_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::testing::*;
    use crate::model::ChurnReason;

    #[test]
    fn year_comes_from_config_then_sales_then_as_of() {
        let s = site(vec![
            customer("A").sale(2023, 10.0).build(),
            customer("B").sale(2024, 10.0).build(),
        ]);
        let mut config = config_for(None);
        let p = resolve(&s, &config, None).unwrap();
        assert_eq!((p.year, p.year_source), (2024, YearSource::LatestSales));
        assert_eq!(
            (p.as_of, p.as_of_source),
            (date("2024-12-31"), AsOfSource::EndOfYear)
        );

        config.year = Some(2022);
        let p = resolve(&s, &config, Some(date("2023-06-30"))).unwrap();
        assert_eq!((p.year, p.year_source), (2022, YearSource::Config));
        assert_eq!(
            (p.as_of, p.as_of_source),
            (date("2023-06-30"), AsOfSource::CommandLine)
        );

        let empty = site(vec![customer("A").stage(Stage::Prospect).build()]);
        let mut config = config_for(None);
        assert_eq!(
            resolve(&empty, &config, None),
            Err(AnalyticsError::NoReportingYear)
        );
        config.as_of = Some(date("2021-03-01"));
        let p = resolve(&empty, &config, None).unwrap();
        assert_eq!((p.year, p.year_source), (2021, YearSource::AsOfDate));
        assert_eq!(p.as_of_source, AsOfSource::Config);
        // The command line beats site.yaml for the as-of date.
        let p = resolve(&empty, &config, Some(date("2020-01-01"))).unwrap();
        assert_eq!((p.year, p.as_of), (2020, date("2020-01-01")));
    }

    #[test]
    fn stages_read_as_of_the_date() {
        let as_of = date("2025-06-30");
        let future = customer("F").since("2025-07-01").build();
        assert_eq!(stage_as_of(&future, as_of), Stage::Qualified);
        let on_the_day = customer("D").since("2025-06-30").build();
        assert_eq!(stage_as_of(&on_the_day, as_of), Stage::Active);
        let lost_later = customer("L")
            .since("2020-01-01")
            .churn("2025-07-01", ChurnReason::Price)
            .build();
        assert_eq!(stage_as_of(&lost_later, as_of), Stage::Active);
        let lost = customer("L")
            .since("2020-01-01")
            .churn("2025-06-30", ChurnReason::Price)
            .build();
        assert_eq!(stage_as_of(&lost, as_of), Stage::Lost);
        let prospect = customer("P").stage(Stage::Prospect).build();
        assert_eq!(stage_as_of(&prospect, as_of), Stage::Prospect);
    }

    #[test]
    fn dated_facts_after_as_of_are_not_yet_facts() {
        let as_of = date("2025-06-30");
        let c = customer("A")
            .payment("2025-01-01", Some("2025-07-01"), 10.0)
            .complaint("2025-06-01", Some("2025-07-02"), None)
            .complaint("2025-07-01", None, None)
            .visit("2025-06-30")
            .visit("2025-07-01")
            .survey("2025-08-01", [5, 5, 5, 5])
            .build();
        assert_eq!(paid_as_of(&c.payments[0], as_of), None);
        assert_eq!(closed_as_of(&c.complaints[0], as_of), None);
        assert_eq!(complaints_as_of(&c, as_of).count(), 1);
        assert_eq!(visits_as_of(&c, as_of).count(), 1);
        assert_eq!(surveys_as_of(&c, as_of).count(), 0);
    }

    #[test]
    fn days_between_counts_calendar_days() {
        assert_eq!(days_between(date("2024-02-28"), date("2024-03-01")), 2);
        assert_eq!(days_between(date("2025-03-01"), date("2025-02-28")), -1);
    }
}
