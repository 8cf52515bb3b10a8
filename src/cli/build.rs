//! `dossier build`: the static site, written atomically.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use jiff::civil::Date;

use super::{Cli, EXIT_INVALID, EXIT_OK, Output};
use crate::diagnostics::{Format, RenderOptions, render, summary_line};
use crate::site::{self, BuildOptions, Invalid, Outcome};

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The output folder, instead of site.yaml `output_dir` (default public/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The URL the site is published under, e.g. https://intranet.example.com/crm/.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Read every dated fact as of this day (YYYY-MM-DD), instead of site.yaml `as_of`.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<Date>,
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// Build the site of this audience of site.yaml `audiences` (what it hides is left out of
    /// every page, export and the search index).
    #[arg(long, value_name = "NAME", conflicts_with = "all_audiences")]
    pub audience: Option<String>,
    /// Build every audience's site, each into <out>/<name>/, in one atomic step.
    #[arg(long)]
    pub all_audiences: bool,
    /// How to print diagnostics when the content is invalid.
    #[arg(long, value_enum, default_value_t = Format::Concise)]
    pub format: Format,
}

pub fn run(cli: &Cli, args: &BuildArgs, output: Output) -> anyhow::Result<u8> {
    let options = BuildOptions {
        config: cli.config.clone(),
        out: args.out.clone(),
        base_url: args.base_url.clone(),
        as_of: args.as_of,
        strict: args.strict,
        audience: args.audience.clone(),
    };
    let started = std::time::Instant::now();
    let watched = super::progress::watched(
        std::io::stderr().is_terminal(),
        output.quiet,
        std::env::var_os("CI").is_some(),
    );
    let progress = site::Progress::default();
    let stop = AtomicBool::new(false);
    let outcome = std::thread::scope(|scope| {
        if watched {
            scope.spawn(|| super::progress::draw(&progress, &stop, started));
        }
        let outcome = if args.all_audiences {
            site::build_all_audiences(&cli.root, &options, &progress)
        } else {
            site::build_with_progress(&cli.root, &options, &progress)
        };
        stop.store(true, Ordering::Release);
        outcome
    });
    match outcome? {
        Outcome::Invalid(invalid) => {
            print_invalid(&invalid, args.format, output);
            if !output.quiet {
                eprintln!("build failed: nothing was written; the previous site is unchanged");
            }
            Ok(EXIT_INVALID)
        }
        Outcome::Built(summary) => {
            if let Some(note) = &summary.history_note
                && !output.quiet
            {
                eprintln!("note: {}", crate::terminal::escape(note));
            }
            if summary.replaced_unmarked && !output.quiet {
                eprintln!(
                    "note: {} held an earlier dossier build without a {} marker and was replaced; \
                     builds now mark their output",
                    crate::diagnostics::display_path(&cli.root, &summary.out),
                    crate::write::MARKER
                );
            }
            if output.verbose {
                print_phases(&summary.phases, &summary.groups);
            }
            if !output.quiet {
                let mut shown = crate::diagnostics::display_path(&cli.root, &summary.out);
                let linked = std::fs::symlink_metadata(&summary.out)
                    .is_ok_and(|m| m.file_type().is_symlink());
                if linked {
                    shown = format!("{shown} -> {}", summary.written_to.display());
                }
                let shown = crate::terminal::escape(&shown);
                eprintln!(
                    "built {} pages ({} files, {:.1} MB) into {shown} in {:.2} s",
                    summary.pages,
                    summary.files,
                    summary.bytes as f64 / 1_000_000.0,
                    started.elapsed().as_secs_f64()
                );
            }
            Ok(EXIT_OK)
        }
    }
}

/// The `--verbose` lines: time per phase, and under `render` the time per page group (groups
/// run in parallel, so theirs overlap).
pub fn print_phases(
    phases: &[(&'static str, std::time::Duration)],
    groups: &[(&'static str, std::time::Duration)],
) {
    for (phase, time) in phases {
        eprintln!("  {phase:<8} {:>8.1} ms", time.as_secs_f64() * 1000.0);
        if *phase == "render" {
            for (group, time) in groups {
                eprintln!("    {group:<12} {:>8.1} ms", time.as_secs_f64() * 1000.0);
            }
        }
    }
}

/// Prints the diagnostics of a failed build like `dossier check` does.
pub fn print_invalid(invalid: &Invalid, format: Format, output: Output) {
    let options = RenderOptions {
        format,
        color: output.color,
    };
    let text = render(&invalid.report, &invalid.sources, options);
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    if !output.quiet && invalid.files_checked > 0 {
        eprintln!("{}", summary_line(invalid.files_checked, &invalid.report));
    }
}
