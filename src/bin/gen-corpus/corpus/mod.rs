//! A deterministic generator of realistic sites, for benchmarks and for tests that need volume.
//!
//! `write_site(dir, count, seed, style)` writes `site.yaml`, `count` customer records under
//! `content/customers/<region>/` and a fixed set of playbooks under `content/playbooks/`. Every
//! file passes `dossier check` with no diagnostic, and the same `(count, seed, style)` always
//! gives the same bytes: record `i` depends only on `(seed, i)` and on the owner pool (which
//! depends only on `(seed, count)`), so records are generated in parallel in any order. The
//! [`Style`] changes how the YAML is written, never the data: the same seed gives the same
//! customers in every style, so benchmarks of the styles compare.
//!
//! The records look like the example site: Chinese company names built from city + brand +
//! industry + legal suffix (杭州华东医药商业有限公司), some English names overseas, regions,
//! owners, contacts with a decision chain, 3–6 years of sales, payments, 5C, surveys,
//! complaints, visits, lost customers with churn, prospects with a MAN qualification, and
//! longer notes in some records.
//!
//! This module is benchmark tooling, not part of the `dossier` library: the `gen-corpus`
//! binary owns it, and the integration tests include it by path (`tests/it/main.rs`).

mod customer;
pub(crate) mod emit;
mod playbooks;
pub(crate) mod rng;
mod sites;
mod words;

use std::collections::BTreeSet;
use std::io;
use std::path::Path;

use jiff::civil::{Date, date};
use rayon::prelude::*;

pub use emit::Style;
use rng::Rng;
pub use sites::Generator;
use words::{EN_FIRST, EN_LAST, GIVEN, REGION_WEIGHTS, REGIONS, SURNAMES};

/// The reporting year and as-of date of generated sites.
pub const YEAR: i16 = 2025;

/// Writes a generated site of `count` customers into `dir` (created if absent; existing files
/// with the same names are overwritten). Same `(count, seed, style)`, same bytes.
pub fn write_site(dir: &Path, count: usize, seed: u64, style: Style) -> io::Result<()> {
    let customers = dir.join("content").join("customers");
    let playbooks = dir.join("content").join("playbooks");
    std::fs::create_dir_all(&playbooks)?;
    for region in REGIONS {
        std::fs::create_dir_all(customers.join(region.slug))?;
    }
    std::fs::write(dir.join("site.yaml"), site_yaml(count))?;
    for (slug, text) in playbook_files(seed, style) {
        std::fs::write(playbooks.join(format!("{slug}.md")), text)?;
    }
    let owners = Owners::new(count, seed);
    (0..count).into_par_iter().try_for_each(|i| {
        let record = customer::file(customer::generate(i, seed, &owners), style);
        std::fs::write(customers.join(&record.path), record.text)
    })
}

/// Writes the same site for `generator`: [`write_site`] for dossier, the same customers as a
/// Zola or Hugo site otherwise (see [`sites`]).
#[allow(dead_code, reason = "the tests write dossier sites only")]
pub fn write_site_for(
    generator: Generator,
    dir: &Path,
    count: usize,
    seed: u64,
    style: Style,
) -> io::Result<()> {
    match generator {
        Generator::Dossier => write_site(dir, count, seed, style),
        _ => sites::write(generator, dir, count, seed, style),
    }
}

/// One generated customer: its path below `content/customers/` and its file text.
pub struct GeneratedRecord {
    pub path: String,
    pub text: String,
}

/// The file of generated customer `index` (0-based) of a site of `count` customers.
#[allow(
    dead_code,
    reason = "the binary writes whole sites; tests pick single records"
)]
pub fn customer_record(index: usize, count: usize, seed: u64, style: Style) -> GeneratedRecord {
    customer::file(
        customer::generate(index, seed, &Owners::new(count, seed)),
        style,
    )
}

fn site_yaml(count: usize) -> String {
    format!(
        "title: 客户档案（生成的 {count} 家）\nbase_url: /\nlanguage: zh-CN\ntheme: default\n\
         output_dir: public\nyear: {YEAR}\nas_of: {YEAR}-12-31\n\
         edit_url: https://git.example.com/crm/edit/main/{{path}}\n"
    )
}

fn playbook_files(seed: u64, style: Style) -> Vec<(&'static str, String)> {
    playbooks::PLAYBOOKS
        .iter()
        .enumerate()
        .map(|(k, playbook)| {
            let mut layout = Rng::for_item(seed ^ 0x91a7_b00c, k as u64);
            let yaml = emit::front_matter(&playbook.fields(), style, &mut layout);
            (playbook.slug, format!("---\n{yaml}---\n{}", playbook.body))
        })
        .collect()
}

/// The account managers, per region: about one per 120 customers, at least two per region.
pub(crate) struct Owners {
    by_region: Vec<Vec<String>>,
}

impl Owners {
    fn new(count: usize, seed: u64) -> Self {
        let mut rng = Rng::for_item(seed, u64::MAX);
        let mut used = BTreeSet::new();
        let by_region = REGIONS
            .iter()
            .zip(REGION_WEIGHTS)
            .map(|(region, weight)| {
                let n = (count * weight / 1000 / 120).max(2);
                let mut names = Vec::with_capacity(n);
                while names.len() < n {
                    let name = if region.slug == "overseas" {
                        format!("{} {}", rng.pick(EN_FIRST), rng.pick(EN_LAST))
                    } else {
                        chinese_name(&mut rng)
                    };
                    // Two thousand-odd distinct names exist; past that, number them.
                    let name = if used.len() > 2000 && used.contains(&name) {
                        format!("{name}{}", used.len())
                    } else {
                        name
                    };
                    if used.insert(name.clone()) {
                        names.push(name);
                    }
                }
                names
            })
            .collect();
        Owners { by_region }
    }
}

fn chinese_name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

fn random_date(rng: &mut Rng, year: i16) -> Date {
    date(year, rng.range(1, 12) as i8, rng.range(1, 28) as i8)
}

fn round_to(x: f64, step: f64) -> f64 {
    ((x / step).round() * step).max(step)
}
