//! The benchmarks of `gen-corpus`: the search index of a site (`--bench-index`) and preview
//! rebuilds after an edit (`--bench-preview`).

use std::alloc::{GlobalAlloc, Layout};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::time::Instant;

use dossier::index::{self, CustomerFacts, PAGE, Query, Reader, SearchDoc};
use mimalloc::MiMalloc;

/// The same allocator as `dossier` (so timings match it), counting heap bytes in use and their
/// peak for `--bench-index` only: the benchmark reports what indexing itself allocates (the
/// resident size also holds the loaded site and freed pages). Counting is off otherwise, since
/// two threads updating the same counters on every allocation would slow the other benchmarks.
struct Counting;

pub(crate) static COUNTING: AtomicBool = AtomicBool::new(false);
static IN_USE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn count(added: isize) {
    let now = IN_USE.fetch_add(added, Ordering::Relaxed) + added;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the allocator.
        let p = unsafe { MiMalloc.alloc(layout) };
        if !p.is_null() && COUNTING.load(Ordering::Relaxed) {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the allocator.
        unsafe { MiMalloc.dealloc(ptr, layout) };
        if COUNTING.load(Ordering::Relaxed) {
            count(-(layout.size() as isize));
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged to the allocator.
        let p = unsafe { MiMalloc.realloc(ptr, layout, new_size) };
        if !p.is_null() && COUNTING.load(Ordering::Relaxed) {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Heap bytes in use now, after resetting the peak to it.
fn heap_reset() -> isize {
    let now = IN_USE.load(Ordering::Relaxed);
    PEAK.store(now, Ordering::Relaxed);
    now
}

pub(crate) fn bench_index(site: &Path, write: Option<&Path>) -> ExitCode {
    let t = Instant::now();
    let checked = match dossier::validate::check_site(site, None) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let load = t.elapsed();
    let t = Instant::now();
    let mut docs: Vec<SearchDoc> = checked
        .site
        .customers
        .iter()
        .map(|c| {
            let url = format!("/customers/{}/", c.source.slug);
            index::customer_doc(c, CustomerFacts::from_record(c, url))
        })
        .collect();
    docs.extend(
        checked
            .site
            .playbooks
            .iter()
            .map(|p| index::playbook_doc(p, format!("/playbooks/{}/", p.source.slug))),
    );
    let prepare = t.elapsed();
    drop(checked);
    let before = heap_reset();
    let t = Instant::now();
    let files = index::build_index(&docs);
    let build = t.elapsed();
    let peak = PEAK.load(Ordering::Relaxed);

    let total: usize = files.values().map(Vec::len).sum();
    let (largest, largest_bytes) = files
        .iter()
        .max_by_key(|(_, b)| b.len())
        .map(|(p, b)| (p.clone(), b.len()))
        .unwrap_or_default();
    let mut by_dir: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (path, bytes) in &files {
        // search/<id>/<dir>/<file>, or the manifest.
        let dir = path
            .strip_prefix("search/")
            .and_then(|p| p.split_once('/'))
            .and_then(|(_, p)| p.split_once('/'))
            .map_or("manifest", |(d, _)| d);
        let e = by_dir.entry(dir).or_default();
        e.0 += 1;
        e.1 += bytes.len();
    }
    println!("documents            {}", docs.len());
    println!("load + check         {:.2} s", load.as_secs_f64());
    println!("documents prepared   {:.2} s", prepare.as_secs_f64());
    println!("index built          {:.2} s", build.as_secs_f64());
    println!(
        "heap                 {:.0} MB of documents, {:.0} MB more at the peak of indexing",
        before as f64 / 1e6,
        (peak - before) as f64 / 1e6
    );
    println!("files                {}", files.len());
    println!("bundle               {:.2} MB", total as f64 / 1e6);
    println!(
        "largest file         {largest} ({:.1} KB)",
        largest_bytes as f64 / 1e3
    );
    for (dir, (n, bytes)) in &by_dir {
        println!("  {dir:<8} {n:>6} files {:>10.1} KB", *bytes as f64 / 1e3);
    }
    println!("term shards by kind of term (each kind's records gzipped on their own):");
    for (kind, (terms, bytes)) in term_kinds(&files) {
        println!(
            "  {kind:<8} {terms:>7} terms {:>10.1} KB",
            index::build::gzip(&bytes).len() as f64 / 1e3
        );
    }
    println!("what a data group costs (the bundle built without its fields):");
    for (label, groups) in [
        (
            "phones",
            &[index::DataGroup::Phone, index::DataGroup::ContactsPhone][..],
        ),
        ("emails", &[index::DataGroup::ContactsEmail][..]),
        ("contacts", &[index::DataGroup::Contacts][..]),
        ("notes", &[index::DataGroup::Notes][..]),
    ] {
        let without: Vec<SearchDoc> = docs
            .iter()
            .map(|d| {
                let mut d = d.clone();
                d.fields.retain(|f| !groups.contains(&f.group));
                d
            })
            .collect();
        let smaller: usize = index::build_index(&without).values().map(Vec::len).sum();
        println!(
            "  {label:<8} {:>8.1} KB",
            (total as f64 - smaller as f64) / 1e3
        );
    }

    let reader = match Reader::open(&files) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let queries = bench_queries(&docs);
    println!(
        "bytes fetched by a first query (manifest, term shards, cards of the first {PAGE} hits):"
    );
    let mut fetched = Vec::new();
    for q in &queries {
        let reader = Reader::open(&files).expect("opened once already");
        let t = Instant::now();
        let hits = reader.search(&Query::text(q)).unwrap_or_default();
        for hit in hits.iter().take(PAGE) {
            let _ = reader.card(hit.doc);
        }
        let took = t.elapsed();
        fetched.push(reader.fetched_bytes());
        println!(
            "  {q:<24} {:>6} hits {:>8.1} KB in {:>3} files  ({:.1} ms in Rust)",
            hits.len(),
            reader.fetched_bytes() as f64 / 1e3,
            reader.fetched.borrow().len(),
            took.as_secs_f64() * 1e3
        );
    }
    fetched.sort_unstable();
    println!(
        "median of the {} queries: {:.1} KB",
        fetched.len(),
        fetched[fetched.len() / 2] as f64 / 1e3
    );
    drop(reader);
    if let Some(out) = write {
        for (path, bytes) in &files {
            let target = out.join(path);
            if let Some(parent) = target.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            if let Err(e) = std::fs::write(&target, bytes) {
                eprintln!("error: cannot write {}: {e}", target.display());
                return ExitCode::FAILURE;
            }
        }
        println!("wrote the index under {}", out.display());
    }
    ExitCode::SUCCESS
}

/// The records of the term shards by kind of term (phone, pinyin, whole value, Han pair, Han
/// character, digits, word): number of terms and their bytes as stored, before gzip.
fn term_kinds(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<&'static str, (usize, Vec<u8>)> {
    fn varint(bytes: &[u8], at: &mut usize) -> usize {
        let (mut x, mut shift) = (0usize, 0);
        while let Some(&b) = bytes.get(*at) {
            *at += 1;
            x |= usize::from(b & 0x7f) << shift;
            if b < 0x80 {
                break;
            }
            shift += 7;
        }
        x
    }
    let mut out: BTreeMap<&'static str, (usize, Vec<u8>)> = BTreeMap::new();
    for (path, gz) in files
        .iter()
        .filter(|(p, _)| p.starts_with("search/") && p.contains("/t/"))
    {
        let mut bytes = Vec::new();
        if std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut bytes)
            .is_err()
        {
            eprintln!("warning: {path} is not gzip");
            continue;
        }
        let mut at = 0;
        for _ in 0..varint(&bytes, &mut at) {
            let start = at;
            let len = varint(&bytes, &mut at);
            let term = String::from_utf8_lossy(&bytes[at..at + len]).into_owned();
            at += len;
            let data = varint(&bytes, &mut at);
            at += data;
            let first = term.chars().next().unwrap_or(' ');
            let kind = if first == '#' {
                "phone"
            } else if first == '\'' {
                "pinyin"
            } else if term.contains('\u{1}') {
                "whole"
            } else if index::tokenize::is_han(first) {
                if term.chars().count() == 2 {
                    "pair"
                } else {
                    "han"
                }
            } else if term.bytes().all(|b| b.is_ascii_digit()) {
                "digits"
            } else {
                "word"
            };
            let e = out.entry(kind).or_default();
            e.0 += 1;
            e.1.extend_from_slice(&bytes[start..at]);
        }
    }
    out
}

/// The queries whose first-query bytes `--bench-index` reports: fragments, a full name, an
/// owner, an English word, and one of each kind of issue 15 taken from the first records
/// (phone, its last digits, id, email, pinyin, initials, traditional, sound, typo).
fn bench_queries(docs: &[SearchDoc]) -> Vec<String> {
    use index::FieldClass;
    let mut queries: Vec<String> = ["华东", "医药", "东医", "州华", "杭", "pharma", "采购总监"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let Some(chinese) = docs.iter().find(|d| !d.name.is_ascii()) else {
        return queries;
    };
    let first = |class: FieldClass| chinese.texts(class).next().unwrap_or_default().to_string();
    let phone = first(FieldClass::Phone);
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let core = index::normalize::without_legal_suffix(&chinese.name);
    let (full, initials) = index::chinese::spellings(core);
    queries.extend([
        chinese.name.clone(),
        first(FieldClass::Owner),
        first(FieldClass::Person),
        phone.clone(),
        digits[digits.len().saturating_sub(4)..].to_string(),
        chinese.id.replace('-', ""),
        first(FieldClass::Email),
        full.first().cloned().unwrap_or_default(),
        initials.first().cloned().unwrap_or_default(),
        "華東醫藥".to_string(),
        "长沙安太".to_string(),
        "Atlas Chemcials".to_string(),
    ]);
    queries.retain(|q| !q.is_empty());
    queries
}

/// What `--bench-preview` changes in the record at each rebuild.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(crate) enum Edit {
    /// A line appended to the Markdown body: only the record's dossier and search document.
    Notes,
    /// The record's name: its row in every list, the aggregates and the exports too.
    Name,
    /// The record's latest revenue, a tenth higher at each edit: it moves up the revenue order
    /// (rankings, ABC classes, totals, the search index's document order).
    Revenue,
}

impl Edit {
    /// The record's text at edit `round` (from 1).
    fn apply(self, original: &str, round: usize) -> String {
        match self {
            Edit::Notes => format!("{original}\nEdit {round}: more notes.\n"),
            Edit::Name => original
                .lines()
                .map(|line| match line.starts_with("name:") {
                    true => format!("name: \"Renamed {round}\""),
                    false => line.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n"),
            Edit::Revenue => raise_last_revenue(original, round),
        }
    }

    /// Whether a record's text can take this edit.
    fn applies_to(self, text: &str) -> bool {
        !matches!(self, Edit::Revenue) || text.contains(REVENUE)
    }
}

const REVENUE: &str = "revenue: ";

/// `text` with the number after its last `revenue: ` raised by `round` tenths.
fn raise_last_revenue(text: &str, round: usize) -> String {
    let Some(at) = text.rfind(REVENUE).map(|at| at + REVENUE.len()) else {
        return text.to_string();
    };
    let digits = text[at..].bytes().take_while(u8::is_ascii_digit).count();
    let Ok(value) = text[at..at + digits].parse::<u64>() else {
        return text.to_string();
    };
    let raised = value + value * round as u64 / 10;
    format!("{}{raised}{}", &text[..at], &text[at + digits..])
}

/// Preview rebuilds after editing one record, timed like `dossier serve -v` prints them.
pub(crate) fn bench_preview(site: &Path, rebuilds: usize, edit: Edit) -> ExitCode {
    let options = dossier::site::BuildOptions {
        base_url: Some("/".to_string()),
        ..Default::default()
    };
    let mut cache = dossier::site::PreviewCache::default();
    let Some(record) = walkdir::WalkDir::new(site.join("content/customers"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .find(|p| std::fs::read_to_string(p).is_ok_and(|text| edit.applies_to(&text)))
    else {
        eprintln!("error: no customer record under {}", site.display());
        return ExitCode::FAILURE;
    };
    let Ok(original) = std::fs::read_to_string(&record) else {
        return ExitCode::FAILURE;
    };
    let mut status = ExitCode::SUCCESS;
    let (mut consistent, mut indexed) = (Vec::new(), Vec::new());
    for round in 0..=rebuilds {
        if round > 0 {
            let text = edit.apply(&original, round);
            if std::fs::write(&record, text).is_err() {
                status = ExitCode::FAILURE;
                break;
            }
        }
        // As `dossier serve`'s watcher does: the first build looks at every file, a rebuild is
        // told which file changed.
        let relative = record
            .strip_prefix(site)
            .map(|p| p.to_string_lossy().replace('\\', "/"));
        let changed: Option<Vec<String>> = (round > 0)
            .then(|| relative.clone().ok())
            .flatten()
            .map(|p| vec![p]);
        cache.changed_since_last_build(site, changed.as_deref());
        let start = Instant::now();
        // As `dossier serve` does, the edited record's dossier is published before the rest.
        let first = |pages: dossier::site::Shared| {
            println!(
                "        its dossier ({} file) published after {:.0} ms",
                pages.len(),
                start.elapsed().as_secs_f64() * 1000.0
            );
        };
        match dossier::site::render_cached_first(site, &options, &mut cache, &first) {
            Ok(Ok(rendered)) => {
                let phases: Vec<String> = rendered
                    .phases
                    .iter()
                    .chain(&rendered.groups)
                    .filter(|(_, t)| t.as_secs_f64() >= 0.0005)
                    .map(|(name, t)| format!("{name} {:.0}", t.as_secs_f64() * 1000.0))
                    .collect();
                println!(
                    "{} {} pages in {:.0} ms ({} ms)",
                    if round == 0 { "build  " } else { "rebuild" },
                    rendered.pages(),
                    start.elapsed().as_secs_f64() * 1000.0,
                    phases.join(", ")
                );
                // As `dossier serve` does: a changed search index is built after the pages
                // are published.
                let mut index_ms = 0.0;
                if let Some(pending) = rendered.pending {
                    let at = Instant::now();
                    let update = pending.build(&mut cache);
                    index_ms = at.elapsed().as_secs_f64() * 1000.0;
                    let what = match update.remade {
                        dossier::index::Updated::Files(n) => format!("{n} files made again"),
                        dossier::index::Updated::Whole => "built whole".to_string(),
                        dossier::index::Updated::Nothing => "unchanged".to_string(),
                    };
                    println!(
                        "        then the search index ({} files, {what}) in {index_ms:.0} ms",
                        update.files.len(),
                    );
                }
                // Pages, aggregates, exports and search index all written: the whole site
                // is consistent with the save.
                let whole = start.elapsed().as_secs_f64() * 1000.0;
                if round > 0 {
                    println!("        whole site consistent after {whole:.0} ms");
                    consistent.push(whole);
                    indexed.push(index_ms);
                }
            }
            _ => {
                eprintln!("error: the site did not build");
                status = ExitCode::FAILURE;
                break;
            }
        }
    }
    let _ = std::fs::write(&record, original);
    if !consistent.is_empty() {
        println!(
            "median of {} saves: whole site consistent after {:.0} ms, of which the search index {:.0} ms",
            consistent.len(),
            median(&mut consistent),
            median(&mut indexed)
        );
    }
    status
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revenue_edit_raises_the_latest_revenue_only() {
        let text = "sales:\n  - {year: 2024, revenue: 9610000}\n  - {year: 2025, revenue: 11560000, target: 1}\n";
        let edited = Edit::Revenue.apply(text, 2);
        assert_eq!(
            edited,
            "sales:\n  - {year: 2024, revenue: 9610000}\n  - {year: 2025, revenue: 13872000, target: 1}\n"
        );
        assert!(!Edit::Revenue.applies_to("stage: prospect\n"));
        assert!(Edit::Notes.applies_to("stage: prospect\n"));
    }
}
