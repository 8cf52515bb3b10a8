//! `dossier report`: analytics as terminal tables, JSON or CSV.
//!
//! The report reads the [`Analytics`] value only: rows are filtered by `--region` and
//! `--owner`, ranking and win-back lists are cut to `--top N` (default `ranking.top`), and
//! numbers are formatted for the terminal. Site-wide aggregates (retention, customer equity,
//! site CSI and its segments, complaint statistics) are never filtered. `all --format json`
//! prints the `data/metrics.json` document and ignores the filters.
//!
//! Control characters of record values never reach the terminal raw: tables escape them
//! ([`crate::terminal::escape`]), JSON writes the ones it would leave raw as `\uXXXX` (the same
//! document to a parser), and CSV is escaped by the command when stdout is a terminal.

pub mod format;
mod sections;
mod table;

use serde_json::{Map, Value};

use crate::analytics::Analytics;
use crate::config::{Language, SiteConfig};
use crate::model::Site;
use sections::Ctx;

/// Which part of the analytics to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Section {
    /// Key-customer rankings and ABC classes.
    Rankings,
    /// 5C grades, notches, payment delay, outstanding, ratios.
    Credit,
    /// Retention per year and churn by reason.
    Retention,
    /// Lifetime value, customer equity, win-back list.
    Clv,
    /// CSI per customer, segments, site CSI.
    Satisfaction,
    /// MAN verdicts of prospects.
    Prospects,
    /// Complaint statistics and alerts.
    Complaints,
    /// Overdue visits per owner.
    Visits,
    /// Every section.
    All,
}

impl Section {
    /// The sections `all` prints, in order.
    pub const EACH: [Section; 8] = [
        Section::Rankings,
        Section::Credit,
        Section::Retention,
        Section::Clv,
        Section::Satisfaction,
        Section::Prospects,
        Section::Complaints,
        Section::Visits,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Section::Rankings => "rankings",
            Section::Credit => "credit",
            Section::Retention => "retention",
            Section::Clv => "clv",
            Section::Satisfaction => "satisfaction",
            Section::Prospects => "prospects",
            Section::Complaints => "complaints",
            Section::Visits => "visits",
            Section::All => "all",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum ReportFormat {
    /// Aligned columns for the terminal; numbers rounded for display.
    #[default]
    Table,
    /// JSON with unrounded numbers.
    Json,
    /// CSV with unrounded numbers.
    Csv,
}

/// What `dossier report` was asked for (`--year` and `--as-of` are applied before
/// [`crate::analytics::analyse`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportRequest {
    pub section: Section,
    pub format: ReportFormat,
    /// Only customers of this region (exact match).
    pub region: Option<String>,
    /// Only customers of this account manager (exact match).
    pub owner: Option<String>,
    /// Rows of ranking and win-back lists; default `ranking.top`.
    pub top: Option<usize>,
    /// The audience whose view this is: the site and analytics given are redacted for it
    /// already; its report leaves out the sections of groups it hides.
    pub audience: Option<crate::audience::Audience>,
}

impl ReportRequest {
    /// The group a section is made of, if an audience can hide it.
    pub fn section_group(section: Section) -> Option<crate::audience::Group> {
        use crate::audience::Group;
        match section {
            Section::Rankings | Section::Clv => Some(Group::Sales),
            Section::Credit => Some(Group::Credit),
            Section::Satisfaction => Some(Group::Satisfaction),
            Section::Complaints => Some(Group::Complaints),
            Section::Visits => Some(Group::Visits),
            Section::Retention | Section::Prospects | Section::All => None,
        }
    }

    /// Whether the audience of this request may see `section`.
    pub fn shows(&self, section: Section) -> bool {
        match (&self.audience, Self::section_group(section)) {
            (Some(audience), Some(group)) => !audience.hidden.hides(group),
            _ => true,
        }
    }

    pub fn new(section: Section, format: ReportFormat) -> ReportRequest {
        ReportRequest {
            section,
            format,
            region: None,
            owner: None,
            top: None,
            audience: None,
        }
    }
}

/// The report as text, ending with a newline.
pub fn render(
    site: &Site,
    config: &SiteConfig,
    analytics: &Analytics,
    request: &ReportRequest,
) -> String {
    if request.section == Section::All && request.format == ReportFormat::Json {
        let doc = crate::analytics::metrics_document(analytics);
        let json = crate::audience::metrics_json(&doc, request.audience.as_ref());
        return crate::terminal::escape_json(&json).into_owned();
    }
    let ctx = Ctx::new(site, config, analytics, request);
    let chosen: Vec<Section> = match request.section {
        Section::All => Section::EACH
            .into_iter()
            .filter(|s| request.shows(*s))
            .collect(),
        one => vec![one],
    };
    match request.format {
        ReportFormat::Table => text(&ctx, &chosen),
        ReportFormat::Csv => csv(&ctx, &chosen),
        ReportFormat::Json => json(&ctx, &chosen),
    }
}

fn heading(ctx: &Ctx) -> String {
    let a = ctx.analytics;
    let mut parts = vec![match ctx.language {
        Language::ZhCn => format!("报告年度 {} · 截至 {}", a.period.year, a.period.as_of),
        Language::En => format!("Year {} · as of {}", a.period.year, a.period.as_of),
    }];
    if let Some(r) = &ctx.request.region {
        parts.push(format!("{} {r}", ctx.t("区域", "region")));
    }
    if let Some(o) = &ctx.request.owner {
        parts.push(format!("{} {o}", ctx.t("客户经理", "owner")));
    }
    crate::terminal::escape(&parts.join(" · ")).into_owned()
}

fn text(ctx: &Ctx, chosen: &[Section]) -> String {
    let empty = ctx.t("（无）", "(none)");
    let mut out = format!("{}\n", heading(ctx));
    for section in chosen {
        out.push_str(&format!(
            "\n== {} ==\n",
            sections::section_title(ctx, *section)
        ));
        for table in sections::tables(ctx, *section) {
            out.push('\n');
            out.push_str(&table::to_text(&table, &empty));
        }
    }
    out
}

/// One CSV table per block; with more than one, each block starts with a `# section.table`
/// line and blocks are separated by a blank line.
fn csv(ctx: &Ctx, chosen: &[Section]) -> String {
    let all: Vec<(Section, table::Table)> = chosen
        .iter()
        .flat_map(|s| sections::tables(ctx, *s).into_iter().map(move |t| (*s, t)))
        .collect();
    if let [(_, only)] = all.as_slice() {
        return table::to_csv(only);
    }
    all.iter()
        .map(|(s, t)| format!("# {}.{}\n{}", s.as_str(), t.key, table::to_csv(t)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn json(ctx: &Ctx, chosen: &[Section]) -> String {
    let mut sections_json = Map::new();
    for section in chosen {
        let tables: Map<String, Value> = sections::tables(ctx, *section)
            .iter()
            .map(|t| (t.key.to_string(), table::to_json(t)))
            .collect();
        sections_json.insert(section.as_str().to_string(), Value::Object(tables));
    }
    let r = ctx.request;
    let document = serde_json::json!({
        "year": ctx.analytics.period.year,
        "as_of": ctx.analytics.period.as_of.to_string(),
        "filters": { "region": r.region, "owner": r.owner, "top": ctx.top },
        "sections": sections_json,
    });
    let text = serde_json::to_string_pretty(&document).expect("report JSON serializes");
    let mut out = crate::terminal::escape_json(&text).into_owned();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests;
