//! The command line: argument parsing and dispatch to one module per command.

mod build;
mod changes;
mod check;
mod init;
mod new;
mod progress;
mod report;
mod serve;

pub use new::{next_free_id, slugify};

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit statuses: clean, invalid content, usage or I/O failure.
pub const EXIT_OK: u8 = 0;
pub const EXIT_INVALID: u8 = 1;
pub const EXIT_FAILURE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "dossier",
    version,
    about = "Static site generator for customer dossiers and sales playbooks"
)]
pub struct Cli {
    /// The site's folder (holding site.yaml and content/).
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// The configuration file, instead of ROOT/site.yaml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print only diagnostics and errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more about what is done.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate every record and site.yaml, and report every problem found.
    Check(check::CheckArgs),
    /// Build the static site into the output folder.
    Build(build::BuildArgs),
    /// Serve a live preview that rebuilds and reloads on save.
    Serve(serve::ServeArgs),
    /// Print rankings, credit, retention and other metrics.
    Report(report::ReportArgs),
    /// What a change to the records does: grades, rankings, stages and site figures that
    /// moved between two git revisions, or a revision and the working tree.
    Changes(changes::ChangesArgs),
    /// Create a new customer or playbook record from a valid skeleton.
    #[command(subcommand)]
    New(new::NewCommand),
    /// Create a new site with sample records in DIR.
    Init(init::InitArgs),
}

/// Output settings shared by the commands.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    pub quiet: bool,
    pub verbose: bool,
    /// Colour on standard output: only on a terminal, and never with NO_COLOR set.
    pub color: bool,
}

impl Output {
    fn detect(cli: &Cli) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Output {
            quiet: cli.quiet,
            verbose: cli.verbose,
            color: !no_color && std::io::stdout().is_terminal(),
        }
    }
}

/// Puts back the published site when a build was killed in the middle of its swap and left no
/// output folder, before a command that reads the site (a build does it itself).
fn restore_published_site(cli: &Cli, output: Output) {
    let Some(config) = crate::validate::read_config(&cli.root, cli.config.as_deref()) else {
        return;
    };
    let out = cli.root.join(&config.output_dir);
    match crate::write::restore_interrupted(&out) {
        Ok(Some(from)) if !output.quiet => eprintln!(
            "note: restored {} from {}, where a build stopped in the middle of its swap had left it",
            out.display(),
            from.display()
        ),
        Ok(_) => {}
        Err(error) => eprintln!(
            "warning: {} is missing and could not be restored: {error}",
            out.display()
        ),
    }
}

/// Parses the command line, runs the command, and returns the exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let output = Output::detect(&cli);
    if matches!(
        cli.command,
        Command::Check(_) | Command::Report(_) | Command::Serve(_)
    ) {
        restore_published_site(&cli, output);
    }
    let result = match &cli.command {
        Command::Check(args) => check::run(&cli, args, output),
        Command::Report(args) => report::run(&cli, args, output),
        Command::Changes(args) => changes::run(&cli, args, output),
        Command::New(command) => new::run(&cli, command, output),
        Command::Init(args) => init::run(args, output),
        Command::Build(args) => build::run(&cli, args, output),
        Command::Serve(args) => serve::run(&cli, args, output),
    };
    match result {
        Ok(status) => ExitCode::from(status),
        Err(err) => {
            // Errors name files of the site, whose names may hold control characters; their
            // own line breaks (a `help:` line) stay.
            eprintln!(
                "error: {}",
                crate::terminal::escape_lines(&format!("{err:#}"))
            );
            ExitCode::from(EXIT_FAILURE)
        }
    }
}
