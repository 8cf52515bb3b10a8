//! `gen-corpus --count 10000 --seed 1 --style flow --out DIR`: writes a generated site (see
//! [`corpus`]) for benchmarks. Same count, seed and style, same bytes; same count and seed, same
//! customers in every style.
//!
//! `gen-corpus --bench-index DIR [--write OUT]`: loads the site at DIR, builds its search index
//! and prints what docs/performance.md records (build time, bundle size, file count, largest
//! file, bytes fetched by typical queries). Run it under `/usr/bin/time -v` for peak memory.
//!
//! `gen-corpus --bench-preview DIR`: times preview rebuilds after an edit (see [`bench`]).

mod bench;
mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Instant;

use clap::Parser;

#[derive(Parser)]
#[command(about = "Write a deterministic generated dossier site, or benchmark its search index")]
struct Args {
    /// Number of customer records.
    #[arg(long, default_value_t = 1000)]
    count: usize,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How the YAML is written: block, flow (as most hand-written records) or mixed (both, with
    /// anchors, quoting styles, block scalars, comments, CRLF and BOM). The data is the same.
    #[arg(long, default_value = "block")]
    style: corpus::Style,
    /// The generator the site is for: dossier, or the same customers as a Zola or a Hugo site
    /// (for `scripts/bench-compare`).
    #[arg(long = "for", value_name = "GENERATOR", default_value = "dossier")]
    generator: corpus::Generator,
    /// Site folder to write (created if absent).
    #[arg(long, required_unless_present_any = ["bench_index", "bench_preview"])]
    out: Option<PathBuf>,
    /// Instead of generating: build the search index of the site in this folder and report.
    #[arg(long, value_name = "SITE")]
    bench_index: Option<PathBuf>,
    /// Instead of generating: time preview rebuilds of the site in this folder, as
    /// `dossier serve -v` does them: a first build, then REBUILDS times one line appended to
    /// one record and a rebuild (the record is restored at the end).
    #[arg(long, value_name = "SITE", conflicts_with = "bench_index")]
    bench_preview: Option<PathBuf>,
    /// With --bench-preview: how many edits and rebuilds.
    #[arg(long, default_value_t = 5, value_name = "REBUILDS")]
    rebuilds: usize,
    /// With --bench-preview: what each edit changes: `notes` (a line appended to the body),
    /// `name` (the record's name, which every list and export shows) or `revenue` (the first
    /// record with sales: its latest revenue, raised so that it moves up the rankings).
    #[arg(
        long,
        default_value = "notes",
        value_name = "EDIT",
        requires = "bench_preview"
    )]
    edit: bench::Edit,
    /// With --bench-index: also write the index files under this folder.
    #[arg(long, value_name = "DIR", requires = "bench_index")]
    write: Option<PathBuf>,
}

fn main() -> ExitCode {
    // As the dossier binary runs, so that the benchmarks measure what it does.
    dossier::memory::without_transparent_huge_pages();
    // Before anything is allocated worth counting: the index benchmark reports heap use.
    let counting = std::env::args_os().any(|a| a == "--bench-index");
    bench::COUNTING.store(counting, Ordering::Relaxed);
    let args = Args::parse();
    if let Some(site) = &args.bench_index {
        return bench::bench_index(site, args.write.as_deref());
    }
    if let Some(site) = &args.bench_preview {
        return bench::bench_preview(site, args.rebuilds, args.edit);
    }
    let Some(out) = &args.out else {
        return ExitCode::FAILURE;
    };
    let start = Instant::now();
    if let Err(e) = corpus::write_site_for(args.generator, out, args.count, args.seed, args.style) {
        eprintln!("error: cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    eprintln!(
        "wrote {} customers (seed {}, {} style, for {}) to {} in {:.2} s",
        args.count,
        args.seed,
        args.style,
        args.generator,
        out.display(),
        start.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
