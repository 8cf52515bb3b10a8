//! `dossier changes`: the business meaning of a change to the records, between two git
//! revisions or a revision and the working tree.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, bail};
use jiff::civil::Date;

use super::{Cli, EXIT_OK, Output};
use crate::analytics::Analytics;
use crate::changes::format::{self, ChangesFormat};
use crate::changes::{self, Repository, Revision, State};
use crate::validate::{self, Checked};

#[derive(Debug, clap::Args)]
pub struct ChangesArgs {
    /// The earlier version: a commit, branch or tag (default HEAD). `A..B` compares A with B;
    /// `A...B` compares the merge base of A and B with B (a pull request's change).
    pub from: Option<String>,
    /// The later version (default: the working tree).
    pub to: Option<String>,
    /// Compare the last commit before this day (YYYY-MM-DD) with TO.
    #[arg(long, value_name = "DATE", conflicts_with = "from")]
    pub since: Option<Date>,
    /// Terminal table, JSON for scripts, Markdown for a pull-request comment, or GitHub
    /// annotations.
    #[arg(long, value_enum, default_value_t = ChangesFormat::Table)]
    pub format: ChangesFormat,
    /// Read every dated fact of both versions as of this day (YYYY-MM-DD); by default each
    /// version uses its own site.yaml.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<Date>,
}

/// A version of the site, checked.
struct Loaded {
    revision: Revision,
    checked: Checked,
}

pub fn run(cli: &Cli, args: &ChangesArgs, _output: Output) -> anyhow::Result<u8> {
    let repository = Repository::open(&cli.root)?;
    let (from, to) = revisions(&repository, args)?;
    let config = config_in_site(cli)?;
    // The two versions are read and checked side by side.
    let (from, to) = rayon::join(
        || load(cli, &repository, from, &config),
        || load(cli, &repository, to, &config),
    );
    let (from, to) = (from?, to?);
    let (from_analytics, to_analytics) =
        changes::analyse_pair(&from.checked, &to.checked, args.as_of)?;
    let digest = changes::compare(&state(&from, &from_analytics), &state(&to, &to_analytics));
    let text = format::write(
        &digest,
        args.format,
        to.checked.config.language,
        repository.prefix(),
    );
    // Record values reach the terminal: their control characters are shown, never obeyed.
    let text = match args.format {
        ChangesFormat::Json => crate::terminal::escape_json(&text),
        _ => crate::terminal::escape_lines(&text),
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(EXIT_OK)
}

fn state<'a>(side: &'a Loaded, analytics: &'a Analytics) -> State<'a> {
    State {
        label: side.revision.label(),
        commit: side.revision.commit(),
        site: &side.checked.site,
        config: &side.checked.config,
        report: &side.checked.report,
        analytics,
    }
}

/// The two versions the arguments name.
fn revisions(repository: &Repository, args: &ChangesArgs) -> anyhow::Result<(Revision, Revision)> {
    if let Some(date) = args.since {
        let to = match &args.to {
            Some(spec) => repository.resolve(spec)?,
            None => Revision::WorkingTree,
        };
        return Ok((repository.before(date)?, to));
    }
    let from = args.from.as_deref().unwrap_or("HEAD");
    let range = from
        .split_once("...")
        .map(|(a, b)| (a, b, true))
        .or_else(|| from.split_once("..").map(|(a, b)| (a, b, false)));
    let Some((a, b, merge_base)) = range else {
        let to = match &args.to {
            Some(spec) => repository.resolve(spec)?,
            None => Revision::WorkingTree,
        };
        return Ok((repository.resolve(from)?, to));
    };
    if args.to.is_some() {
        bail!("give either a range ({from}) or two revisions, not both");
    }
    // As in git: an empty side of a range is HEAD.
    let or_head = |s: &'static str, side: &str| {
        if side.is_empty() {
            s.to_string()
        } else {
            side.to_string()
        }
    };
    let (a, b) = (or_head("HEAD", a), or_head("HEAD", b));
    let from = if merge_base {
        repository.merge_base(&a, &b)?
    } else {
        repository.resolve(&a)?
    };
    Ok((from, repository.resolve(&b)?))
}

/// The configuration file's path inside the site (`site.yaml` unless `--config` names
/// another file of the site), as a revision holds it.
fn config_in_site(cli: &Cli) -> anyhow::Result<String> {
    let Some(path) = &cli.config else {
        return Ok("site.yaml".to_string());
    };
    let relative = if path.is_absolute() {
        let root = std::path::absolute(&cli.root)?;
        path.strip_prefix(&root).map(Path::to_path_buf).ok()
    } else {
        let root = cli
            .root
            .components()
            .filter(|c| *c != Component::CurDir)
            .collect::<PathBuf>();
        let path = path
            .components()
            .filter(|c| *c != Component::CurDir)
            .collect::<PathBuf>();
        path.strip_prefix(&root).map(Path::to_path_buf).ok()
    };
    let inside = relative.filter(|r| r.components().all(|c| matches!(c, Component::Normal(_))));
    match inside.and_then(|r| r.to_str().map(|s| s.replace('\\', "/"))) {
        Some(relative) => Ok(relative),
        None => bail!(
            "--config {} is outside the site: `dossier changes` reads the configuration of each revision from the site's folder",
            path.display()
        ),
    }
}

fn load(
    cli: &Cli,
    repository: &Repository,
    revision: Revision,
    config: &str,
) -> anyhow::Result<Loaded> {
    let checked = match &revision {
        Revision::WorkingTree => validate::check_site(&cli.root, cli.config.as_deref())?,
        _ => {
            let snapshot = repository
                .snapshot(&revision, config)
                .with_context(|| format!("cannot read {}", revision.label()))?;
            validate::check_snapshot(snapshot)
        }
    };
    Ok(Loaded { revision, checked })
}
