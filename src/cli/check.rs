//! `dossier check`: validate and report every problem in one run.

use std::io::Write;

use anyhow::Context;

use super::{Cli, EXIT_INVALID, EXIT_OK, Output};
use crate::diagnostics::{Format, RenderOptions, render, summary_line};
use crate::validate::check_site;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Concise)]
    pub format: Format,
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
}

pub fn run(cli: &Cli, args: &CheckArgs, output: Output) -> anyhow::Result<u8> {
    let checked = check_site(&cli.root, cli.config.as_deref())?;
    let options = RenderOptions {
        format: args.format,
        color: output.color,
    };
    let text = render(&checked.report, &checked.sources, options);
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .context("writing diagnostics")?;
    stdout.flush().ok();
    if !output.quiet {
        eprintln!("{}", summary_line(checked.files_checked, &checked.report));
    }
    Ok(if checked.report.fails(args.strict) {
        EXIT_INVALID
    } else {
        EXIT_OK
    })
}
