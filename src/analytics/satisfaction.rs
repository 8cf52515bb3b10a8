//! Satisfaction: survey scores, CSI, levels, trend and segments (客户满意度; domain.md §6).

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::exact;
use super::time::{Period, stage_as_of, surveys_as_of};
use crate::config::SurveyWeights;
use crate::model::{Customer, Stage, Survey};

/// The five satisfaction levels, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    VerySatisfied,
    Satisfied,
    FairlySatisfied,
    Dissatisfied,
    VeryDissatisfied,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::VerySatisfied,
        Level::Satisfied,
        Level::FairlySatisfied,
        Level::Dissatisfied,
        Level::VeryDissatisfied,
    ];

    /// The level of a score given in ten-thousandths: ≥ 4.5, ≥ 3.5, ≥ 2.5, ≥ 1.5, else the
    /// lowest; a score on a threshold gets the higher level.
    pub fn of_fixed(score: i64) -> Level {
        Level::of_mean(score, 1)
    }

    /// The level of the mean `sum / count` (ten-thousandths), compared exactly as
    /// sum ≥ threshold · count.
    pub fn of_mean(sum: i64, count: i64) -> Level {
        const STEPS: [(i64, Level); 4] = [
            (45, Level::VerySatisfied),
            (35, Level::Satisfied),
            (25, Level::FairlySatisfied),
            (15, Level::Dissatisfied),
        ];
        STEPS
            .iter()
            .find(|(tenths, _)| sum >= tenths * 1_000 * count)
            .map_or(Level::VeryDissatisfied, |(_, l)| *l)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::VerySatisfied => "very_satisfied",
            Level::Satisfied => "satisfied",
            Level::FairlySatisfied => "fairly_satisfied",
            Level::Dissatisfied => "dissatisfied",
            Level::VeryDissatisfied => "very_dissatisfied",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Level::VerySatisfied => "很满意",
            Level::Satisfied => "满意",
            Level::FairlySatisfied => "基本满意",
            Level::Dissatisfied => "不满意",
            Level::VeryDissatisfied => "很不满意",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Level::VerySatisfied => "Very satisfied",
            Level::Satisfied => "Satisfied",
            Level::FairlySatisfied => "Fairly satisfied",
            Level::Dissatisfied => "Dissatisfied",
            Level::VeryDissatisfied => "Very dissatisfied",
        }
    }
}

/// A customer's CSI: its latest survey on or before the as-of date.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Csi {
    pub date: Date,
    /// Σ w_a · a over product, service, price, image.
    pub score: f64,
    pub level: Level,
    pub survey: Survey,
    pub previous: Option<PreviousSurvey>,
    /// latest − previous; absent with a single survey.
    pub trend: Option<f64>,
    /// Surveys on or before the as-of date.
    pub surveys: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PreviousSurvey {
    pub date: Date,
    pub score: f64,
}

/// One region or kind: its share of the active customers with a CSI, and its mean CSI.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Segment {
    /// The region (absent: customers without one) or the kind spelling.
    pub key: Option<String>,
    pub customers: usize,
    pub share: f64,
    pub csi: f64,
    pub level: Level,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SatisfactionSummary {
    /// Active customers with a CSI.
    pub customers: usize,
    /// Σ share_i · CSI_i = the mean CSI of those customers; absent when there are none.
    pub csi: Option<f64>,
    pub level: Option<Level>,
    /// Regions in code-point order, the customers without a region last.
    pub by_region: Vec<Segment>,
    /// distributor, end_customer.
    pub by_kind: Vec<Segment>,
}

/// A survey's score in ten-thousandths.
pub fn survey_fixed(survey: &Survey, weights: &SurveyWeights) -> i64 {
    exact::weighted(
        &[
            weights.product,
            weights.service,
            weights.price,
            weights.image,
        ],
        &[survey.product, survey.service, survey.price, survey.image],
    )
}

fn fixed_value(fixed: i64) -> f64 {
    fixed as f64 / 10_000.0
}

pub fn csi(customer: &Customer, period: &Period, weights: &SurveyWeights) -> Option<Csi> {
    let mut surveys: Vec<&Survey> = surveys_as_of(customer, period.as_of).collect();
    surveys.sort_by_key(|s| std::cmp::Reverse(s.date));
    let latest = *surveys.first()?;
    let latest_fixed = survey_fixed(latest, weights);
    let previous = surveys.get(1).map(|s| (s.date, survey_fixed(s, weights)));
    Some(Csi {
        date: latest.date,
        score: fixed_value(latest_fixed),
        level: Level::of_fixed(latest_fixed),
        survey: *latest,
        previous: previous.map(|(date, fixed)| PreviousSurvey {
            date,
            score: fixed_value(fixed),
        }),
        trend: previous.map(|(_, fixed)| fixed_value(latest_fixed - fixed)),
        surveys: surveys.len(),
    })
}

/// The site CSI and its segments over active customers with a CSI.
pub fn summary<'a>(
    csis: impl Iterator<Item = (&'a Customer, Option<&'a Csi>)>,
    period: &Period,
    weights: &SurveyWeights,
) -> SatisfactionSummary {
    let scored: Vec<(&Customer, i64)> = csis
        .filter(|(c, _)| stage_as_of(c, period.as_of) == Stage::Active)
        .filter_map(|(c, csi)| csi.map(|csi| (c, survey_fixed(&csi.survey, weights))))
        .collect();
    let n = scored.len();
    if n == 0 {
        return SatisfactionSummary::default();
    }
    let sum: i64 = scored.iter().map(|(_, s)| s).sum();
    SatisfactionSummary {
        customers: n,
        csi: Some(fixed_value(sum) / n as f64),
        level: Some(Level::of_mean(sum, n as i64)),
        by_region: segments(&scored, |c| c.profile.region.clone()),
        by_kind: segments(&scored, |c| Some(c.kind.as_str().to_string())),
    }
}

fn segments(
    scored: &[(&Customer, i64)],
    key: impl Fn(&Customer) -> Option<String>,
) -> Vec<Segment> {
    let mut groups: BTreeMap<(bool, Option<String>), (usize, i64)> = BTreeMap::new();
    for (c, s) in scored {
        let k = key(c);
        let entry = groups.entry((k.is_none(), k)).or_default();
        entry.0 += 1;
        entry.1 += s;
    }
    groups
        .into_iter()
        .map(|((_, key), (count, sum))| Segment {
            key,
            customers: count,
            share: count as f64 / scored.len() as f64,
            csi: fixed_value(sum) / count as f64,
            level: Level::of_mean(sum, count as i64),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::testing::*;
    use crate::analytics::time::{AsOfSource, YearSource};
    use crate::model::{ChurnReason, Kind};

    fn period(as_of: &str) -> Period {
        Period {
            year: 2025,
            year_source: YearSource::Config,
            as_of: date(as_of),
            as_of_source: AsOfSource::Config,
        }
    }

    fn level_of(scores: [u8; 4]) -> (f64, Level) {
        let c = customer("A").survey("2025-01-01", scores).build();
        let csi = csi(&c, &period("2025-12-31"), &SurveyWeights::default()).unwrap();
        (csi.score, csi.level)
    }

    #[test]
    fn survey_scores_exactly_on_level_thresholds() {
        // 0.3·5 + 0.3·5 + 0.2·4 + 0.2·4 = 1.5 + 1.5 + 0.8 + 0.8 = 4.6 → very satisfied
        assert_eq!(level_of([5, 5, 4, 4]), (4.6, Level::VerySatisfied));
        // 0.3·5 + 0.3·4 + 0.2·4 + 0.2·5 = 1.5 + 1.2 + 0.8 + 1.0 = 4.5 exactly → very satisfied
        // (in floats 0.3·5 + 0.3·4 + 0.2·4 + 0.2·5 = 4.5 happens to hold; the exact path
        // does not depend on it)
        assert_eq!(level_of([5, 4, 4, 5]), (4.5, Level::VerySatisfied));
        // 0.3·4 + 0.3·4 + 0.2·3 + 0.2·3 = 1.2 + 1.2 + 0.6 + 0.6 = 3.6 → satisfied
        assert_eq!(level_of([4, 4, 3, 3]), (3.6, Level::Satisfied));
        // 0.3·4 + 0.3·3 + 0.2·3 + 0.2·4 = 1.2 + 0.9 + 0.6 + 0.8 = 3.5 exactly → satisfied
        assert_eq!(level_of([4, 3, 3, 4]).1, Level::Satisfied);
        // 0.3·3 + 0.3·2 + 0.2·2 + 0.2·3 = 0.9 + 0.6 + 0.4 + 0.6 = 2.5 exactly → fairly satisfied
        assert_eq!(level_of([3, 2, 2, 3]).1, Level::FairlySatisfied);
        // 0.3·2 + 0.3·1 + 0.2·1 + 0.2·2 = 0.6 + 0.3 + 0.2 + 0.4 = 1.5 exactly → dissatisfied
        assert_eq!(level_of([2, 1, 1, 2]).1, Level::Dissatisfied);
        // 0.3·1 + 0.3·1 + 0.2·2 + 0.2·2 = 1.4 → very dissatisfied
        assert_eq!(level_of([1, 1, 2, 2]), (1.4, Level::VeryDissatisfied));
        // Just below 4.5: 44999 ten-thousandths.
        assert_eq!(Level::of_fixed(44_999), Level::Satisfied);
    }

    #[test]
    fn latest_survey_on_or_before_as_of_and_its_trend() {
        // Surveys 2024-06-01 (all 3 → 3.0), 2025-03-01 (4,4,4,4 → 4.0), 2025-09-01 (after).
        // As of 2025-06-30: CSI = 4.0, previous 3.0, trend +1.0.
        let c = customer("A")
            .survey("2025-03-01", [4, 4, 4, 4])
            .survey("2024-06-01", [3, 3, 3, 3])
            .survey("2025-09-01", [1, 1, 1, 1])
            .build();
        let csi = csi(&c, &period("2025-06-30"), &SurveyWeights::default()).unwrap();
        assert_eq!(
            (csi.date, csi.score, csi.trend),
            (date("2025-03-01"), 4.0, Some(1.0))
        );
        assert_eq!(csi.previous.unwrap().score, 3.0);
        assert_eq!(csi.surveys, 2);
        let only_later = customer("B").survey("2026-01-01", [5, 5, 5, 5]).build();
        assert!(
            super::csi(
                &only_later,
                &period("2025-12-31"),
                &SurveyWeights::default()
            )
            .is_none()
        );
    }

    #[test]
    fn segments_and_site_csi() {
        // Active with CSI: A 华东 distributor 4.0; B 华东 end 3.0; C (no region) end 5.0.
        // D is lost (ignored). n = 3.
        // Regions: 华东 2/3, CSI (4 + 3)/2 = 3.5 → satisfied (exactly on 3.5);
        //          none 1/3, CSI 5.0 → very satisfied.
        // Kinds: distributor 1/3 4.0; end_customer 2/3 (3 + 5)/2 = 4.0.
        // Site CSI = 2/3·3.5 + 1/3·5 = 4.0 = (4 + 3 + 5)/3 → satisfied.
        let cs = [
            customer("A")
                .region("华东")
                .kind(Kind::Distributor)
                .survey("2025-01-01", [4, 4, 4, 4])
                .build(),
            customer("B")
                .region("华东")
                .survey("2025-01-01", [3, 3, 3, 3])
                .build(),
            customer("C").survey("2025-01-01", [5, 5, 5, 5]).build(),
            customer("D")
                .survey("2025-01-01", [1, 1, 1, 1])
                .churn("2025-02-01", ChurnReason::Price)
                .build(),
        ];
        let p = period("2025-12-31");
        let w = SurveyWeights::default();
        let csis: Vec<Option<Csi>> = cs.iter().map(|c| csi(c, &p, &w)).collect();
        let s = summary(cs.iter().zip(csis.iter().map(Option::as_ref)), &p, &w);
        assert_eq!(s.customers, 3);
        assert_eq!(s.csi, Some(4.0));
        assert_eq!(s.level, Some(Level::Satisfied));
        let regions: Vec<_> = s
            .by_region
            .iter()
            .map(|g| (g.key.as_deref(), g.customers, g.csi, g.level))
            .collect();
        assert_eq!(
            regions,
            [
                (Some("华东"), 2, 3.5, Level::Satisfied),
                (None, 1, 5.0, Level::VerySatisfied)
            ]
        );
        assert!((s.by_region[0].share - 2.0 / 3.0).abs() < 1e-15);
        let kinds: Vec<_> = s
            .by_kind
            .iter()
            .map(|g| (g.key.as_deref(), g.customers, g.csi))
            .collect();
        assert_eq!(
            kinds,
            [
                (Some("distributor"), 1, 4.0),
                (Some("end_customer"), 2, 4.0)
            ]
        );
        let none = summary(std::iter::empty(), &p, &w);
        assert_eq!((none.customers, none.csi), (0, None));
    }

    #[test]
    fn segment_levels_are_exact_means() {
        // Three surveys 4.6, 4.6, 4.3 (5,5,4,4 / 5,5,4,4 / 4,5,4,4 → 1.2+1.5+0.8+0.8 = 4.3):
        // mean = 13.5/3 = 4.5 exactly → very satisfied, though 13.5/3 in floats is 4.5 too;
        // the exact rule compares 135000 ≥ 45000·3.
        assert_eq!(Level::of_mean(135_000, 3), Level::VerySatisfied);
        assert_eq!(Level::of_mean(134_999, 3), Level::Satisfied);
    }
}
