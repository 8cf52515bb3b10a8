//! `dossier new`: a valid skeleton record, never over an existing file.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::{Cli, EXIT_OK, Output};
use crate::index::tokenize::normalized_chars;
use crate::load::{self, Collection};
use crate::yaml::Value;

#[derive(Debug, clap::Subcommand)]
pub enum NewCommand {
    /// A prospect customer record with the next free id.
    Customer {
        /// The company name (客户名称).
        name: String,
        /// The id; by default the next free one in the site's numbering (e.g. KH-047).
        #[arg(long)]
        id: Option<String>,
        /// The account manager; by default git's user.name.
        #[arg(long)]
        owner: Option<String>,
        /// The file name without `.md`; by default derived from the name or the id.
        #[arg(long)]
        slug: Option<String>,
        /// Create the record even if a customer with the same name exists.
        #[arg(long)]
        force: bool,
    },
    /// A playbook record.
    Playbook {
        title: String,
        /// The file name without `.md`; by default derived from the title.
        #[arg(long)]
        slug: Option<String>,
    },
}

pub fn run(cli: &Cli, command: &NewCommand, output: Output) -> anyhow::Result<u8> {
    let (path, text) = match command {
        NewCommand::Customer {
            name,
            id,
            owner,
            slug,
            force,
        } => {
            let existing = existing_customers(&cli.root);
            if !force && let Some(twin) = same_name(&existing, name) {
                bail!(
                    "a customer named \"{}\" already exists: {}{}; dossier new adds a record, \
                     edit that one instead, or pass --force for a second customer with this name",
                    twin.name.as_deref().unwrap_or_default(),
                    twin.path,
                    twin.id
                        .as_deref()
                        .map(|id| format!(" (id {id})"))
                        .unwrap_or_default(),
                )
            }
            let ids: Vec<String> = existing.into_iter().filter_map(|c| c.id).collect();
            let id = match id {
                Some(id) if !crate::validate::is_valid_id(id) => {
                    bail!(
                        "\"{id}\" is not a valid id: use letters, digits, `-` and `_`, starting with a letter or digit"
                    )
                }
                Some(id) if ids.iter().any(|e| e == id) => bail!("id \"{id}\" is already used"),
                Some(id) => id.clone(),
                None => next_free_id(&ids),
            };
            let owner = owner
                .clone()
                .or_else(git_user_name)
                .unwrap_or_else(|| "未分配".to_string());
            let slug = slug
                .clone()
                .unwrap_or_else(|| slugify(name).unwrap_or_else(|| id.to_lowercase()));
            let path = record_path(&cli.root, Collection::Customers, &slug)?;
            (path, customer_skeleton(&id, name, &owner))
        }
        NewCommand::Playbook { title, slug } => {
            let slug = match slug {
                Some(slug) => slug.clone(),
                None => slugify(title).unwrap_or_else(|| file_safe(title)),
            };
            let path = record_path(&cli.root, Collection::Playbooks, &slug)?;
            (path, playbook_skeleton(title))
        }
    };
    write_new(&path, &text)?;
    let shown = crate::diagnostics::display_path(&cli.root, &path);
    if output.quiet {
        println!("{shown}");
    } else {
        println!("created {shown}");
    }
    Ok(EXIT_OK)
}

fn record_path(root: &Path, collection: Collection, slug: &str) -> anyhow::Result<PathBuf> {
    if slug.is_empty() || slug.contains(['/', '\\']) || slug.starts_with('.') {
        bail!("\"{slug}\" cannot be a file name: give --slug with letters, digits and `-`");
    }
    Ok(root
        .join("content")
        .join(collection.folder())
        .join(format!("{slug}.md")))
}

/// Creates the file, refusing to overwrite one that exists (even if created meanwhile).
fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                anyhow::anyhow!(
                    "{} already exists; dossier never overwrites a record (choose another --slug)",
                    path.display()
                )
            }
            _ => anyhow::Error::new(e).context(format!("creating {}", path.display())),
        })?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}

/// A customer record as far as `new` needs it: read from the front matter as written, so
/// that records with errors elsewhere still count.
struct ExistingCustomer {
    path: String,
    id: Option<String>,
    name: Option<String>,
}

/// The customer records that parse as YAML, with their id and name where they have them.
fn existing_customers(root: &Path) -> Vec<ExistingCustomer> {
    if !root.join("content").is_dir() {
        return Vec::new();
    }
    load::load(root)
        .documents
        .iter()
        .filter(|d| d.collection == Collection::Customers)
        .map(|d| {
            let text = |key: &str| match &d.front.value {
                Value::Map(entries) => entries.iter().find(|e| e.key == key).and_then(|e| match &e
                    .value
                    .value
                {
                    Value::Str(text) => Some(text.clone()),
                    _ => None,
                }),
                _ => None,
            };
            ExistingCustomer {
                path: d.path.clone(),
                id: text("id"),
                name: text("name"),
            }
        })
        .collect()
}

/// The first customer whose name is `name` once both are folded the way search folds text
/// (full-width forms, case) and spaces are dropped: `ACME （杭州）` is `acme(杭州)`.
fn same_name<'a>(existing: &'a [ExistingCustomer], name: &str) -> Option<&'a ExistingCustomer> {
    let key = |text: &str| -> String {
        normalized_chars(text)
            .filter(|c| !c.is_whitespace())
            .collect()
    };
    let wanted = key(name);
    existing
        .iter()
        .find(|c| c.name.as_deref().is_some_and(|n| key(n) == wanted))
}

/// The next id in the site's most common `PREFIX<digits>` numbering, keeping its zero padding:
/// after KH-001..KH-046 comes KH-047. A site with no such ids starts at KH-001.
pub fn next_free_id(ids: &[String]) -> String {
    let mut best: std::collections::BTreeMap<&str, (usize, u64, usize)> = Default::default();
    for id in ids {
        let digits = id.len() - id.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            continue;
        }
        let (prefix, number) = id.split_at(id.len() - digits);
        let Ok(n) = number.parse::<u64>() else {
            continue;
        };
        let entry = best.entry(prefix).or_insert((0, 0, digits));
        entry.0 += 1;
        if n >= entry.1 {
            entry.1 = n;
            entry.2 = entry.2.max(digits);
        }
    }
    let Some((prefix, (_, max, width))) = best
        .iter()
        .max_by_key(|(prefix, (count, _, _))| (*count, std::cmp::Reverse(*prefix)))
    else {
        return "KH-001".to_string();
    };
    let mut n = max + 1;
    loop {
        let candidate = format!("{prefix}{n:0width$}");
        if !ids.contains(&candidate) {
            return candidate;
        }
        n += 1;
    }
}

/// A lowercase ASCII file name from a title, or `None` when the title has letters outside ASCII
/// (a Chinese title would lose its meaning; the caller then uses the id or the title itself).
pub fn slugify(title: &str) -> Option<String> {
    if title.chars().any(|c| c.is_alphanumeric() && !c.is_ascii()) {
        return None;
    }
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    (!slug.is_empty()).then_some(slug)
}

/// The title itself as a file name, with characters that file systems or URLs refuse replaced.
fn file_safe(title: &str) -> String {
    title
        .trim()
        .chars()
        .map(|c| {
            if c.is_whitespace() || "/\\:*?\"<>|#%".contains(c) {
                '-'
            } else {
                c
            }
        })
        .collect()
}

fn git_user_name() -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["config", "user.name"])
        .output()
        .ok()?;
    let name = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !name.is_empty()).then_some(name)
}

fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
}

fn customer_skeleton(id: &str, name: &str, owner: &str) -> String {
    format!(
        "---\nid: {}\nname: {}\nstage: prospect\nowner: {}\n# region: 华东\n# city: 杭州\n# industry: 医药\n# tags: [重点客户]\n# contacts:\n#   - {{name: 张三, title: 采购经理, role: decision_maker, phone: \"0571-88880000\", email: zhang@example.com}}\n# qualification: {{money: true, authority: true, need: true}}\n---\n\n## 客户概况\n\n",
        yaml_string(id),
        yaml_string(name),
        yaml_string(owner)
    )
}

fn playbook_skeleton(title: &str) -> String {
    format!(
        "---\ntitle: {}\nsummary: \"\"\n# order: 10\n# applies_to: {{stages: [active], warnings: true}}\n---\n\n## 步骤\n\n1. \n",
        yaml_string(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn next_id_keeps_prefix_and_padding() {
        assert_eq!(next_free_id(&[]), "KH-001");
        assert_eq!(
            next_free_id(&ids(&["KH-001", "KH-046", "KH-010"])),
            "KH-047"
        );
        assert_eq!(next_free_id(&ids(&["KH-9", "KH-10"])), "KH-11");
        assert_eq!(next_free_id(&ids(&["C-0099", "KH-1", "C-0100"])), "C-0101");
        assert_eq!(next_free_id(&ids(&["acme"])), "KH-001");
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Nordic Marine Supplies AB").as_deref(),
            Some("nordic-marine-supplies-ab")
        );
        assert_eq!(slugify("杭州华东医药商业有限公司"), None);
        assert_eq!(slugify("MAN 法则"), None);
        assert_eq!(
            slugify("Win-back: lost customers!").as_deref(),
            Some("win-back-lost-customers")
        );
        assert_eq!(slugify("--"), None);
        assert_eq!(file_safe("客户 投诉/处理"), "客户-投诉-处理");
    }
}
