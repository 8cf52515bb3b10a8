//! The typed site configuration (`site.yaml`). Decoding and its diagnostics live in
//! `validate::config`; this module holds the values and their defaults.

use jiff::civil::Date;
use serde::Serialize;

/// A weight in exact ten-thousandths (0.3 is 3000): weights have at most 4 decimal places and
/// sum to exactly 10000, so weighted scores compare with thresholds without float drift.
pub type Weight = u32;

/// The denominator of [`Weight`].
pub const WEIGHT_SCALE: u32 = 10_000;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SiteConfig {
    pub title: String,
    pub base_url: String,
    pub language: Language,
    pub theme: String,
    pub output_dir: String,
    pub year: Option<i32>,
    pub as_of: Option<Date>,
    /// A URL with `{path}` replaced by the record's site-relative path.
    pub edit_url: Option<String>,
    pub markdown: MarkdownConfig,
    pub ranking: RankingConfig,
    pub credit: CreditConfig,
    pub retention: RetentionConfig,
    pub satisfaction: SatisfactionConfig,
    pub visits: VisitsConfig,
    pub history: HistoryConfig,
    /// The audiences of `--audience` and `--all-audiences`, in name order; empty: one site.
    pub audiences: Vec<crate::audience::Audience>,
}

impl SiteConfig {
    pub fn audience(&self, name: &str) -> Option<&crate::audience::Audience> {
        self.audiences.iter().find(|a| a.name == name)
    }
}

/// Whether `name` can name a theme: a folder of the site's `themes/` folder, so a plain name,
/// not a path (no `/` or `\\`, not `.` or `..`, not hidden, no control characters).
pub fn is_theme_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', ':'])
        && !name.chars().any(char::is_control)
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum Language {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Language {
    pub const CHOICES: &'static str = "zh-CN, en";

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "zh-CN" => Some(Language::ZhCn),
            "en" => Some(Language::En),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::En => "en",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MarkdownConfig {
    pub allow_html: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RankingConfig {
    pub top: usize,
}

impl Default for RankingConfig {
    fn default() -> Self {
        RankingConfig { top: 10 }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CreditScale {
    #[default]
    Nine,
    Three,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CreditConfig {
    pub scale: CreditScale,
    pub weights: FiveCWeights,
    /// Days of payment delay; each threshold that the delay exceeds costs one notch.
    pub delay_notches: Vec<f64>,
}

impl Default for CreditConfig {
    fn default() -> Self {
        CreditConfig {
            scale: CreditScale::Nine,
            weights: FiveCWeights::default(),
            delay_notches: vec![30.0, 90.0],
        }
    }
}

/// 5C weights in ten-thousandths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FiveCWeights {
    pub character: Weight,
    pub capacity: Weight,
    pub capital: Weight,
    pub collateral: Weight,
    pub conditions: Weight,
}

impl FiveCWeights {
    /// In the order of [`crate::model::FiveC::scores`].
    pub fn as_array(&self) -> [Weight; 5] {
        [
            self.character,
            self.capacity,
            self.capital,
            self.collateral,
            self.conditions,
        ]
    }
}

impl Default for FiveCWeights {
    fn default() -> Self {
        FiveCWeights {
            character: 3000,
            capacity: 2500,
            capital: 2000,
            collateral: 1000,
            conditions: 1500,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RetentionConfig {
    pub default_rate: f64,
    pub discount_rate: f64,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig {
            default_rate: 0.80,
            discount_rate: 0.10,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SatisfactionConfig {
    pub weights: SurveyWeights,
}

/// Survey weights in ten-thousandths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SurveyWeights {
    pub product: Weight,
    pub service: Weight,
    pub price: Weight,
    pub image: Weight,
}

impl Default for SurveyWeights {
    fn default() -> Self {
        SurveyWeights {
            product: 3000,
            service: 3000,
            price: 2000,
            image: 2000,
        }
    }
}

/// The change history of the site (`/changes/` and the dossiers' timelines).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryConfig {
    /// How many of the latest commits that touched the records or site.yaml get a digest;
    /// 0: no change history.
    pub commits: usize,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig { commits: 50 }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct VisitsConfig {
    /// Days between visits by ABC class; unclassed customers use C's.
    pub interval_days: IntervalDays,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[allow(non_snake_case)]
pub struct IntervalDays {
    pub A: u32,
    pub B: u32,
    pub C: u32,
}

impl Default for VisitsConfig {
    fn default() -> Self {
        VisitsConfig {
            interval_days: IntervalDays {
                A: 30,
                B: 90,
                C: 180,
            },
        }
    }
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "Dossier".to_string(),
            base_url: "/".to_string(),
            language: Language::ZhCn,
            theme: "default".to_string(),
            output_dir: "public".to_string(),
            year: None,
            as_of: None,
            edit_url: None,
            markdown: MarkdownConfig::default(),
            ranking: RankingConfig::default(),
            credit: CreditConfig::default(),
            retention: RetentionConfig::default(),
            satisfaction: SatisfactionConfig::default(),
            visits: VisitsConfig::default(),
            history: HistoryConfig::default(),
            audiences: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_names_are_names_not_paths() {
        for good in ["default", "corporate-2025", "品牌", "a.b"] {
            assert!(is_theme_name(good), "{good}");
        }
        for bad in [
            "", ".", "..", "../x", "/etc", "a/b", "a\\b", "C:x", ".hidden", "a\nb",
        ] {
            assert!(!is_theme_name(bad), "{bad:?}");
        }
    }
}
