//! `gen-corpus --count 10000 --seed 1 --out DIR`: writes a generated site (see `dossier::corpus`)
//! for benchmarks. Same count and seed, same bytes.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

#[derive(Parser)]
#[command(about = "Write a deterministic generated dossier site for benchmarks")]
struct Args {
    /// Number of customer records.
    #[arg(long, default_value_t = 1000)]
    count: usize,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Site folder to write (created if absent).
    #[arg(long)]
    out: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let start = Instant::now();
    if let Err(e) = dossier::corpus::write_site(&args.out, args.count, args.seed) {
        eprintln!("error: cannot write {}: {e}", args.out.display());
        return ExitCode::FAILURE;
    }
    eprintln!(
        "wrote {} customers (seed {}) to {} in {:.2} s",
        args.count,
        args.seed,
        args.out.display(),
        start.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
