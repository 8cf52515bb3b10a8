//! `dossier init DIR`: a working site from files embedded in the binary.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::{EXIT_OK, Output};

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to create the site in.
    pub dir: PathBuf,
    /// Write into a folder that is not empty (existing files with the same names are replaced).
    #[arg(long)]
    pub force: bool,
}

/// The scaffold: a small consistent site whose links resolve and which checks clean.
const SCAFFOLD: &[(&str, &str)] = &[
    ("site.yaml", include_str!("scaffold/site.yaml")),
    (
        "content/customers/hangzhou-mingda.md",
        include_str!("scaffold/customers/hangzhou-mingda.md"),
    ),
    (
        "content/customers/shenzhen-haixing.md",
        include_str!("scaffold/customers/shenzhen-haixing.md"),
    ),
    (
        "content/customers/chengdu-rongcheng.md",
        include_str!("scaffold/customers/chengdu-rongcheng.md"),
    ),
    (
        "content/playbooks/complaint-handling.md",
        include_str!("scaffold/playbooks/complaint-handling.md"),
    ),
    (
        "content/playbooks/man-prospecting.md",
        include_str!("scaffold/playbooks/man-prospecting.md"),
    ),
];

/// The scaffold's `output_dir` (scaffold/site.yaml), kept out of git by `.gitignore`.
const OUTPUT_DIR: &str = "public";

pub fn run(args: &InitArgs, output: Output) -> anyhow::Result<u8> {
    let dir = &args.dir;
    if !args.force && is_non_empty(dir)? {
        bail!(
            "{} is not empty; use --force to write into it anyway",
            dir.display()
        );
    }
    for (relative, text) in SCAFFOLD {
        write_file(&dir.join(relative), text)?;
    }
    ignore_output(&dir.join(".gitignore"))?;
    if !output.quiet {
        println!("created a dossier site in {}", dir.display());
        println!("next: cd {} && dossier check", dir.display());
    }
    Ok(EXIT_OK)
}

fn is_non_empty(dir: &Path) -> anyhow::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_some()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("reading {}", dir.display())),
    }
}

/// Adds the output folder and a build's temporary folders to `.gitignore`, keeping every line
/// of one that exists (`init --force` into a repository never loses the user's rules).
fn ignore_output(path: &Path) -> anyhow::Result<()> {
    let mut text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let missing: Vec<String> = crate::write::ignore_patterns(OUTPUT_DIR)
        .into_iter()
        .filter(|pattern| !text.lines().any(|line| line.trim() == pattern))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("# dossier: the built site and the temporary folders of a build\n");
    for pattern in missing {
        text.push_str(&pattern);
        text.push('\n');
    }
    write_file(path, &text)
}

fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_ignored_folder_is_the_scaffolds_output_dir() {
        let config = include_str!("scaffold/site.yaml");
        assert!(
            config
                .lines()
                .any(|line| line == format!("output_dir: {}", super::OUTPUT_DIR)),
            "{config}"
        );
    }
}
