//! `dossier report`: metrics in the terminal or for scripts.

use std::io::{IsTerminal, Write};

use anyhow::Context;
use jiff::civil::Date;

use super::{Cli, EXIT_INVALID, EXIT_OK, Output};
use crate::analytics;
use crate::diagnostics::{Format, RenderOptions, render, summary_line};
use crate::report::{self, ReportFormat, ReportRequest, Section};
use crate::validate::check_site;

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Which metrics to print.
    #[arg(value_enum, default_value_t = Section::All)]
    pub section: Section,
    /// Table for people, JSON or CSV for scripts.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// The reporting year, instead of site.yaml `year`.
    #[arg(long)]
    pub year: Option<i32>,
    /// Read every dated fact as of this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<Date>,
    /// Only customers of this region.
    #[arg(long)]
    pub region: Option<String>,
    /// Only customers of this account manager.
    #[arg(long)]
    pub owner: Option<String>,
    /// Rows of each ranking (default: site.yaml ranking.top).
    #[arg(long)]
    pub top: Option<usize>,
    /// Only what this audience of site.yaml `audiences` may see.
    #[arg(long, value_name = "NAME")]
    pub audience: Option<String>,
}

pub fn run(cli: &Cli, args: &ReportArgs, _output: Output) -> anyhow::Result<u8> {
    let checked = check_site(&cli.root, cli.config.as_deref())?;
    if checked.report.errors() > 0 {
        // Metrics of invalid content would mislead: show why instead, as `check` does.
        let options = RenderOptions {
            format: Format::Concise,
            color: false,
        };
        eprint!("{}", render(&checked.report, &checked.sources, options));
        eprintln!("{}", summary_line(checked.files_checked, &checked.report));
        eprintln!("report refused: the content is invalid (run `dossier check`)");
        return Ok(EXIT_INVALID);
    }
    let mut config = checked.config;
    if let Some(year) = args.year {
        config.year = Some(year);
    }
    let analytics = analytics::analyse(&checked.site, &config, args.as_of)?;
    let audience = match &args.audience {
        Some(name) => Some(config.audience(name).cloned().ok_or_else(|| {
            anyhow::anyhow!(
                "{}",
                crate::site::BuildError::UnknownAudience {
                    name: name.clone(),
                    known: crate::site::known_audiences(&config),
                }
            )
        })?),
        None => None,
    };
    let request = ReportRequest {
        region: args.region.clone(),
        owner: args.owner.clone(),
        top: args.top,
        audience: audience.clone(),
        ..ReportRequest::new(args.section, args.format)
    };
    if !request.shows(args.section) {
        let group = ReportRequest::section_group(args.section).map_or("", |g| g.as_str());
        anyhow::bail!(
            "audience `{}` hides `{group}`: its report has no {} section",
            args.audience.as_deref().unwrap_or_default(),
            args.section.as_str()
        );
    }
    let text = match &audience {
        Some(audience) => {
            let hidden = &audience.hidden;
            let site = crate::audience::redact_site(&checked.site, hidden);
            let analytics =
                crate::audience::redact_analytics(&analytics, &checked.site.playbooks, hidden);
            report::render(&site, &config, &analytics, &request)
        }
        None => report::render(&checked.site, &config, &analytics, &request),
    };
    let mut stdout = std::io::stdout().lock();
    // CSV is data for a program and stays as the records have it, unless a person reads it.
    let text = if args.format == ReportFormat::Csv && stdout.is_terminal() {
        crate::terminal::escape_lines(&text)
    } else {
        text.into()
    };
    stdout
        .write_all(text.as_bytes())
        .context("writing the report")?;
    Ok(EXIT_OK)
}
