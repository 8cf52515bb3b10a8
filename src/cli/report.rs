//! `dossier report`: metrics in the terminal or for scripts.

use super::{Cli, EXIT_FAILURE, Output};

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    rest: Vec<String>,
}

pub fn run(_cli: &Cli, _args: &ReportArgs, _output: Output) -> anyhow::Result<u8> {
    eprintln!("error: `dossier report` is not yet available");
    Ok(EXIT_FAILURE)
}
