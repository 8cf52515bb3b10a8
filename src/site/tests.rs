//! Build tests on the `dossier init` sample site: determinism, atomicity, hostile input.

use super::*;
use std::collections::BTreeMap;
use std::fs;

/// Rendered files as the preview holds them.
type Files = Shared;

/// A site made of the `dossier init` sample records.
fn sample_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let scaffold = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli/scaffold");
    fs::copy(scaffold.join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    for collection in ["customers", "playbooks"] {
        let to = dir.path().join("content").join(collection);
        fs::create_dir_all(&to).unwrap();
        for entry in fs::read_dir(scaffold.join(collection)).unwrap() {
            let entry = entry.unwrap();
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
    dir
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

fn built(outcome: Outcome) -> Summary {
    match outcome {
        Outcome::Built(s) => s,
        Outcome::Invalid(c) => panic!("invalid: {:?}", c.report.diagnostics()),
    }
}

#[test]
fn builds_deterministically_and_atomically() {
    let site = sample_site();
    let out = site.path().join("public");
    let summary = built(build(site.path(), &BuildOptions::default()).unwrap());
    assert!(summary.pages >= 7, "{summary:?}");
    let first = tree(&out);
    assert!(first.contains_key("index.html"));
    assert!(first.contains_key("customers/index.html"));
    assert!(first.contains_key("customers/hangzhou-mingda/index.html"));
    assert!(first.contains_key("404.html"));
    assert!(first.contains_key("static/style.css"));
    let dossier = String::from_utf8(first["customers/hangzhou-mingda/index.html"].clone()).unwrap();
    assert!(dossier.contains("杭州明达医疗器械有限公司"));
    assert!(dossier.contains("chart-sales"));

    // Two builds of the same inputs are byte-identical.
    built(build(site.path(), &BuildOptions::default()).unwrap());
    assert_eq!(tree(&out), first);

    // A build with an invalid record writes nothing and leaves the output as it was.
    fs::write(
        site.path().join("content/customers/broken.md"),
        "---\nid: KH-X\nname: x\nstage: nonsense\nowner: o\n---\n",
    )
    .unwrap();
    assert!(matches!(
        build(site.path(), &BuildOptions::default()).unwrap(),
        Outcome::Invalid(_)
    ));
    assert_eq!(tree(&out), first);
}

#[test]
fn hostile_names_render_inert() {
    let site = sample_site();
    let path = site.path().join("content/customers/hangzhou-mingda.md");
    let text = fs::read_to_string(&path).unwrap().replacen(
        "name: 杭州明达医疗器械有限公司",
        "name: \"<script>alert(1)</script>\"",
        1,
    ) + "\n<img src=x onerror=alert(1)>\n";
    fs::write(&path, text).unwrap();
    built(build(site.path(), &BuildOptions::default()).unwrap());
    for (name, bytes) in tree(&site.path().join("public")) {
        if name.ends_with(".html") {
            let html = String::from_utf8(bytes).unwrap();
            assert!(!html.contains("<script>alert"), "{name}");
            assert!(!html.contains("<img src=x"), "{name}");
        }
    }
}

#[test]
fn every_page_renders_in_english_too() {
    let site = sample_site();
    let config = site.path().join("site.yaml");
    let text = fs::read_to_string(&config)
        .unwrap()
        .replacen("language: zh-CN", "language: en", 1);
    fs::write(&config, text).unwrap();
    built(build(site.path(), &BuildOptions::default()).unwrap());
    let home = String::from_utf8(fs::read(site.path().join("public/index.html")).unwrap()).unwrap();
    assert!(home.contains("<html lang=\"en\">"), "{home}");
    assert!(home.contains(">Customers</a>"), "{home}");
}

/// The files of a preview rebuild, and how many pages it rendered rather than reused. A new
/// search index is built after the pages and published over them, as `dossier serve` does.
fn preview(site: &Path, cache: &mut PreviewCache) -> (Files, usize) {
    let (mut files, pending, renders) = preview_pages(site, cache);
    if let Some(pending) = pending {
        let update = pending.build(cache);
        for path in &update.remove {
            files.remove(path);
        }
        files.extend(update.files);
    }
    (files, renders)
}

/// The files a preview rebuild publishes first, with the search index it builds after them.
fn preview_pages(site: &Path, cache: &mut PreviewCache) -> (Files, Option<PendingIndex>, usize) {
    let options = BuildOptions::default();
    match render_cached(site, &options, cache).unwrap() {
        Ok(rendered) => (rendered.files, rendered.pending, cache.pages.renders()),
        Err(invalid) => panic!("invalid: {:?}", invalid.report.diagnostics()),
    }
}

/// The preview publishes the pages of a rebuild with the previous search index, and builds
/// the new one just after; an index whose documents did not change is reused at once.
#[test]
fn preview_builds_a_changed_search_index_after_the_pages() {
    let site = sample_site();
    let mut cache = PreviewCache::default();
    let index = |files: &Files| -> Files {
        files
            .iter()
            .filter(|(p, _)| p.starts_with("search/") && *p != "search/index.html")
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect()
    };
    let (first, pending, _) = preview_pages(site.path(), &mut cache);
    assert!(pending.is_none(), "the first build has its index");
    assert_eq!(first, fresh(site.path()));
    assert!(!index(&first).is_empty());

    // A new note in a record: the pages show it at once, the index follows.
    let haixing = site.path().join("content/customers/shenzhen-haixing.md");
    let text = fs::read_to_string(&haixing).unwrap();
    fs::write(&haixing, format!("{text}\n独特的新词：蓝鲸计划。\n")).unwrap();
    let (mut pages, pending, _) = preview_pages(site.path(), &mut cache);
    let now = fresh(site.path());
    assert_eq!(
        index(&pages),
        index(&first),
        "the previous index until the new one"
    );
    assert_ne!(index(&now), index(&first), "the search documents changed");
    let dossier = "customers/shenzhen-haixing/index.html";
    assert_eq!(pages[dossier], now[dossier]);
    let update = pending
        .expect("the new index comes after")
        .build(&mut cache);
    for path in &update.remove {
        pages.remove(path);
    }
    pages.extend(update.files);
    assert_eq!(pages, now, "then the site is exactly a fresh build");

    // Nothing changed since: the index is reused, nothing is left to build.
    let (again, pending, _) = preview_pages(site.path(), &mut cache);
    assert!(pending.is_none());
    assert_eq!(again, now);
}

/// What a one-off build (no memo) makes of the site as it is now.
fn fresh(site: &Path) -> Files {
    match render(site, &BuildOptions::default()).unwrap() {
        Ok(rendered) => rendered.files,
        Err(invalid) => panic!("invalid: {:?}", invalid.report.diagnostics()),
    }
}

fn page(files: &Files, path: &str) -> String {
    String::from_utf8(files[path].to_vec()).unwrap()
}

#[test]
fn preview_rebuilds_reuse_unchanged_pages_and_rerender_changed_ones() {
    let site = sample_site();
    let mut cache = PreviewCache::default();
    let (first, rendered) = preview(site.path(), &mut cache);
    // Every page once, and the rows of every long report table on it once more (src/site/
    // report_tables.rs renders them apart, for the table's rows file too).
    let long_tables: usize = first
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(_, bytes)| {
            String::from_utf8_lossy(bytes)
                .matches(" data-per-page=")
                .count()
        })
        .sum();
    assert!(long_tables >= 5, "{long_tables} long tables");
    assert_eq!(
        rendered,
        first.keys().filter(|p| p.ends_with(".html")).count() + long_tables
    );
    assert_eq!(first, fresh(site.path()));

    // Nothing changed: every page is reused, byte for byte.
    let (second, rendered) = preview(site.path(), &mut cache);
    assert_eq!(rendered, 0, "an unchanged site renders nothing again");
    assert_eq!(second, first);

    // New notes in one record: its dossier, and only it, is rendered again.
    let haixing = site.path().join("content/customers/shenzhen-haixing.md");
    let text = fs::read_to_string(&haixing).unwrap();
    fs::write(&haixing, format!("{text}\n新的拜访记录：对方计划扩产。\n")).unwrap();
    let (third, rendered) = preview(site.path(), &mut cache);
    assert_eq!(rendered, 1, "only the edited dossier");
    let dossier = "customers/shenzhen-haixing/index.html";
    assert!(page(&third, dossier).contains("对方计划扩产"));
    assert_ne!(third[dossier], second[dossier]);
    assert_eq!(third, fresh(site.path()));

    // Revenue of Y up tenfold: the customer moves to the top of the rankings. Its dossier,
    // the dossier of the customer it overtakes (ranks, ABC share), the rankings, the home
    // page's totals and the lists showing revenue all change, and the rebuild equals a
    // fresh build of the edited site.
    let text = fs::read_to_string(&haixing).unwrap();
    fs::write(
        &haixing,
        text.replacen("revenue: 980000,", "revenue: 9800000,", 1),
    )
    .unwrap();
    let (fourth, rendered) = preview(site.path(), &mut cache);
    let now = fresh(site.path());
    assert_eq!(fourth, now, "a memoised rebuild is exactly a fresh build");
    for changed in [
        dossier,
        "customers/hangzhou-mingda/index.html",
        "rankings/index.html",
        "index.html",
        "customers/index.html",
    ] {
        assert_ne!(
            fourth[changed], third[changed],
            "{changed} shows the new revenue"
        );
    }
    assert!(page(&fourth, "rankings/index.html").contains("980万"));
    let changed = fourth
        .iter()
        .filter(|(path, bytes)| path.ends_with(".html") && third.get(*path) != Some(*bytes))
        .count();
    assert!(
        rendered >= changed,
        "{rendered} rendered, {changed} changed"
    );
    assert!(rendered < fourth.len(), "unchanged pages are still reused");

    // The region moves from 华南 to 华东 (杭州明达's region) and back. Term pages, the customer
    // index and the playbook pages are keyed by their customers' fingerprints before their
    // rows are built: both region pages follow, and each rebuild equals a fresh build.
    let (east, south) = ("regions/华东/index.html", "regions/华南/index.html");
    let before = fs::read_to_string(&haixing).unwrap();
    fs::write(&haixing, before.replacen("region: 华南", "region: 华东", 1)).unwrap();
    let (fifth, rendered) = preview(site.path(), &mut cache);
    assert_eq!(fifth, fresh(site.path()), "region moved");
    assert!(page(&fifth, east).contains("深圳海星电子有限公司"));
    assert!(!fifth.contains_key(south), "no customer left in 华南");
    for changed in [east, "customers/index.html", dossier] {
        assert_ne!(fifth[changed], fourth[changed], "{changed}");
    }
    assert!(
        rendered >= 3 && rendered < fifth.len(),
        "{rendered} rendered"
    );

    fs::write(&haixing, &before).unwrap();
    let (sixth, _) = preview(site.path(), &mut cache);
    assert_eq!(sixth, fresh(site.path()), "region moved back");
    assert_eq!(sixth, fourth);
    assert!(!page(&sixth, east).contains("深圳海星电子有限公司"));
    assert!(page(&sixth, south).contains("深圳海星电子有限公司"));
    let (seventh, rendered) = preview(site.path(), &mut cache);
    assert_eq!(rendered, 0, "an unchanged rebuild renders nothing");
    assert_eq!(seventh, sixth);

    // Its complaint closed: the complaint playbook no longer applies, and its page drops it.
    let playbook = "playbooks/complaint-handling/index.html";
    assert!(page(&seventh, playbook).contains("深圳海星电子有限公司"));
    fs::write(
        &haixing,
        before.replacen(
            "summary: 两批货延迟交付}",
            "summary: 两批货延迟交付, closed: 2025-11-20}",
            1,
        ),
    )
    .unwrap();
    let (eighth, _) = preview(site.path(), &mut cache);
    assert_eq!(eighth, fresh(site.path()), "complaint closed");
    assert!(!page(&eighth, playbook).contains("深圳海星电子有限公司"));
}

/// A term's page address can move without its record changing: another record's new term
/// that slugs the same takes the plain slug (terms are slugged in sorted order). The dossiers
/// that link to the moved page are rendered again.
#[test]
fn preview_follows_a_term_page_that_another_record_moves() {
    let site = sample_site();
    let mut cache = PreviewCache::default();
    let haixing = site.path().join("content/customers/shenzhen-haixing.md");
    let text = fs::read_to_string(&haixing).unwrap();
    fs::write(
        &haixing,
        text.replacen(
            "industry: 电子\n",
            "industry: 电子\ntags: [key-account]\n",
            1,
        ),
    )
    .unwrap();
    let (first, _) = preview(site.path(), &mut cache);
    assert_eq!(first, fresh(site.path()));
    let dossier = "customers/shenzhen-haixing/index.html";
    assert!(page(&first, dossier).contains("/tags/key-account/\""));

    let mingda = site.path().join("content/customers/hangzhou-mingda.md");
    let text = fs::read_to_string(&mingda).unwrap();
    fs::write(
        &mingda,
        text.replacen("tags: [重点客户]", "tags: [重点客户, Key Account]", 1),
    )
    .unwrap();
    let (second, _) = preview(site.path(), &mut cache);
    assert_eq!(second, fresh(site.path()), "the rebuild is a fresh build");
    assert!(page(&second, dossier).contains("/tags/key-account-2/\""));
}

/// A dossier's memo key covers what it shows beyond its own record: metrics computed from the
/// whole site (here the CLV, which depends on every cohort's retention), its ranks, history.
#[test]
fn dossier_inputs_follow_site_wide_metrics() {
    let site = sample_site();
    let checked = validate::check_site(site.path(), None).unwrap();
    let config = checked.config.clone();
    let analytics = analytics::analyse(&checked.site, &config, None).unwrap();
    let renderer = Renderer::new(site.path(), &config).unwrap();
    let memory = Memory::default();
    let key = |analytics: &Analytics, history: &History| {
        let ctx = Ctx::new(
            &renderer,
            &checked.site,
            &config,
            history,
            analytics,
            &memory,
        );
        let e = ctx.entry("KH-001").expect("sample customer KH-001");
        customers::dossier_inputs(&ctx, e)
    };
    let history = History::default();
    let before = key(&analytics, &history);
    assert_eq!(before, key(&analytics, &history), "a fingerprint is stable");

    let mut changed = analytics.clone();
    let m = changed
        .customers
        .iter_mut()
        .find(|m| m.id == "KH-001")
        .map(std::sync::Arc::make_mut)
        .unwrap();
    m.complaints.open += 1;
    assert_ne!(before, key(&changed, &history), "metrics of the customer");

    let mut with_history = History::default();
    std::sync::Arc::make_mut(&mut with_history.files).insert(
        "content/customers/hangzhou-mingda.md".into(),
        crate::git::FileHistory {
            last_changed: jiff::civil::date(2025, 1, 2),
            last_changed_at: "2025-01-02T00:00:00Z".into(),
            last_author: "王磊".into(),
            last_commit: "abc".into(),
            changes: 3,
        },
    );
    assert_ne!(
        before,
        key(&analytics, &with_history),
        "the record's history"
    );

    // The ABC shares, as the dossier shows them (rounded): a shift below the rounding keeps
    // the key, one the page shows changes it.
    let shifted = |by: f64| {
        let mut a = analytics.clone();
        let m = a
            .customers
            .iter_mut()
            .find(|m| m.id == "KH-001")
            .map(std::sync::Arc::make_mut)
            .unwrap();
        let entry = m.abc.as_mut().expect("KH-001 has an ABC class");
        // Away from zero, where "0.0%" becomes "< 0.1%".
        entry.cumulative_share_before += 0.3 + by;
        entry.cumulative_share += 0.3 + by;
        a
    };
    let at = key(&shifted(0.0), &history);
    assert_eq!(at, key(&shifted(1e-9), &history), "a shift nobody sees");
    assert_ne!(at, key(&shifted(0.05), &history), "a shift the page shows");
}

/// A record whose ABC figures moved because revenue was saved elsewhere keeps the costly parts
/// of its fingerprints (`reuse::fingerprints`); one whose class moved keeps its own part but
/// not its row (lists show the class); any other metric is a change.
#[test]
fn metrics_that_differ_only_in_abc_figures_are_told_apart() {
    use super::reuse::{Metrics, compare_metrics};
    let site = sample_site();
    let checked = validate::check_site(site.path(), None).unwrap();
    let analytics = analytics::analyse(&checked.site, &checked.config, None).unwrap();
    let m = analytics
        .customer("KH-001")
        .expect("sample customer KH-001");
    assert!(m.abc.is_some(), "KH-001 has an ABC class");
    let with = |change: &dyn Fn(&mut crate::analytics::CustomerMetrics)| {
        let mut changed = m.clone();
        change(&mut changed);
        compare_metrics(Some(m), Some(&changed))
    };
    assert_eq!(compare_metrics(Some(m), Some(m)), Metrics::Same);
    assert_eq!(
        with(&|c| c.abc.as_mut().unwrap().cumulative_share += 0.01),
        Metrics::AbcFigures
    );
    assert_eq!(
        with(&|c| c.abc.as_mut().unwrap().rank += 1),
        Metrics::AbcFigures
    );
    let other = |class| {
        *crate::model::Class::ALL
            .iter()
            .find(|c| **c != class)
            .unwrap()
    };
    assert_eq!(
        with(&|c| {
            let abc = c.abc.as_mut().unwrap();
            abc.class = other(abc.class);
        }),
        Metrics::AbcClass
    );
    assert_eq!(with(&|c| c.abc = None), Metrics::AbcClass);
    assert_eq!(with(&|c| c.complaints.open += 1), Metrics::Changed);
    assert_eq!(compare_metrics(Some(m), None), Metrics::Changed);
}

/// The dossiers the preview hands over first, in each rebuild (see `render_cached_first`).
fn preview_first(site: &Path, cache: &mut PreviewCache) -> (Files, Vec<Files>) {
    let first = Mutex::new(Vec::new());
    let give = |pages: Files| first.lock().unwrap().push(pages);
    let rendered = render_cached_first(site, &BuildOptions::default(), cache, &give)
        .unwrap()
        .unwrap_or_else(|invalid| panic!("invalid: {:?}", invalid.report.diagnostics()));
    (rendered.files, first.into_inner().unwrap())
}

/// Editing records hands their dossiers over before the rest of the site, byte for byte as
/// the full build then has them; nothing goes first on the first build, without a change,
/// or when only a playbook changed.
#[test]
fn preview_hands_over_the_dossiers_of_edited_records_first() {
    let site = sample_site();
    let mut cache = PreviewCache::default();
    let (_, first) = preview_first(site.path(), &mut cache);
    assert!(
        first.is_empty(),
        "the first build publishes everything at once"
    );

    let edit = |name: &str, from: &str, to: &str| {
        let path = site.path().join("content").join(name);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{name} has {from}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    // A new figure reorders the rankings: other pages change too, later.
    edit("customers/shenzhen-haixing.md", "revenue: ", "revenue: 1");
    let (files, first) = preview_first(site.path(), &mut cache);
    let dossier = "customers/shenzhen-haixing/index.html";
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].keys().collect::<Vec<_>>(), [dossier]);
    assert_eq!(first[0][dossier], files[dossier]);
    assert_eq!(first[0][dossier], fresh(site.path())[dossier]);

    edit("customers/hangzhou-mingda.md", "\n\n", "\n\n新的一段。\n\n");
    edit(
        "customers/chengdu-rongcheng.md",
        "\n\n",
        "\n\nAnother paragraph.\n\n",
    );
    let (files, first) = preview_first(site.path(), &mut cache);
    let both = [
        "customers/chengdu-rongcheng/index.html",
        "customers/hangzhou-mingda/index.html",
    ];
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].keys().collect::<Vec<_>>(), both);
    for path in both {
        assert_eq!(first[0][path], files[path]);
    }

    assert!(preview_first(site.path(), &mut cache).1.is_empty());
    edit(
        "playbooks/complaint-handling.md",
        "\n\n",
        "\n\nA new step.\n\n",
    );
    assert!(preview_first(site.path(), &mut cache).1.is_empty());
}

/// A saved record in the preview, after several edits: every page, aggregate and export
/// equals a fresh build's byte for byte, and the search index, updated in place, finds the
/// record by its new name and no longer by its old one (its terms are a fresh build's; only
/// where the shards split may differ).
#[test]
fn preview_after_edits_equals_a_fresh_build_and_its_index_finds_the_new_name() {
    let site = sample_site();
    let mut cache = PreviewCache::default();
    preview(site.path(), &mut cache);
    let haixing = site.path().join("content/customers/shenzhen-haixing.md");
    let text = fs::read_to_string(&haixing).unwrap();
    let edits = [
        text.replace("revenue: 980000", "revenue: 990000"),
        format!("{text}\n新的备注：下季度追加订单。\n"),
        text.replace("name: 深圳海星电子有限公司", "name: 深圳蓝湾电子有限公司"),
    ];
    let plain = |files: &Files| -> BTreeMap<String, Vec<u8>> {
        files
            .iter()
            .filter(|(p, _)| p.starts_with("search/") && *p != "search/index.html")
            .map(|(p, b)| (p.clone(), b.to_vec()))
            .collect()
    };
    let terms = |index: &BTreeMap<String, Vec<u8>>| {
        let reader = crate::index::Reader::open(index).unwrap();
        let mut all = BTreeMap::new();
        for i in 0..reader.shards.len() {
            for (term, data) in &reader.shard(i).unwrap().terms {
                all.insert(term.clone(), format!("{:?}", data.postings));
            }
        }
        all
    };
    for edit in edits {
        fs::write(&haixing, edit).unwrap();
        let (files, _) = preview(site.path(), &mut cache);
        let now = fresh(site.path());
        let pages = |f: &Files| -> Vec<String> {
            f.keys()
                .filter(|p| !p.starts_with("search/") || *p == "search/index.html")
                .cloned()
                .collect()
        };
        assert_eq!(pages(&files), pages(&now));
        for path in pages(&now) {
            assert!(
                files[&path] == now[&path],
                "{path} differs from a fresh build"
            );
        }
        assert_eq!(terms(&plain(&files)), terms(&plain(&now)));
    }
    let index = plain(&preview(site.path(), &mut cache).0);
    let reader = crate::index::Reader::open(&index).unwrap();
    let url = "/customers/shenzhen-haixing/";
    let found = |q: &str| {
        let hits = reader.search(&crate::index::Query::text(q)).unwrap();
        hits.iter()
            .any(|h| reader.card(h.doc).unwrap()["u"].as_str() == Some(url))
    };
    assert!(found("蓝湾电子"));
    assert!(!found("海星"));
}

/// After any sequence of saves the preview's files are a fresh build's byte for byte (the
/// search index: the same terms and postings; only where its shards split may differ), and a
/// save of a record's body alone keeps the aggregate pages and exports of the last rebuild.
#[test]
fn preview_after_a_sequence_of_saves_equals_a_fresh_build() {
    let site = sample_site();
    let customers = site.path().join("content/customers");
    let haixing = customers.join("shenzhen-haixing.md");
    let text = fs::read_to_string(&haixing).unwrap();
    let added = customers.join("xiamen-haiwan.md");
    let mingda = customers.join("hangzhou-mingda.md");
    let mingda_text = fs::read_to_string(&mingda).unwrap();
    let write = |path: &Path, content: &str| fs::write(path, content).unwrap();
    let with_note = format!("{text}\n新的备注：下季度追加订单。\n");
    let renamed = with_note.replace("name: 深圳海星电子有限公司", "name: 深圳蓝湾电子有限公司");
    // Above every other record: the revenue ranking changes order.
    let reordered = renamed.replace("revenue: 980000", "revenue: 9800000");
    let playbook = site.path().join("content/playbooks/man-prospecting.md");
    let playbook_text = fs::read_to_string(&playbook).unwrap();
    type Save<'s> = Box<dyn Fn() + 's>;
    let steps: Vec<(&str, Save)> = vec![
        ("body edit", Box::new(|| write(&haixing, &with_note))),
        (
            "second body edit",
            Box::new(|| write(&haixing, &format!("{with_note}再一行。\n"))),
        ),
        ("name change", Box::new(|| write(&haixing, &renamed))),
        (
            "revenue that reorders",
            Box::new(|| write(&haixing, &reordered)),
        ),
        (
            "new record",
            Box::new(|| {
                let record = text
                    .replace("id: KH-002", "id: KH-090")
                    .replace("name: 深圳海星电子有限公司", "name: 厦门海湾贸易有限公司")
                    .replace("region: 华南", "region: 华东南");
                write(&added, &record);
            }),
        ),
        (
            "body edit of another record",
            Box::new(|| write(&mingda, &format!("{mingda_text}\n备注。\n"))),
        ),
        (
            "removed record",
            Box::new(|| fs::remove_file(&added).unwrap()),
        ),
        ("unchanged", Box::new(|| {})),
        (
            // The exports show playbook titles: every record's rows are made again.
            "playbook title",
            Box::new(|| write(&playbook, &playbook_text.replace("MAN 法则", "MAN 三问"))),
        ),
    ];
    let mut cache = PreviewCache::default();
    let (mut last, _) = preview(site.path(), &mut cache);
    for (step, save) in &steps {
        let rows_before = cache.kept.export_rows().to_vec();
        save();
        let (files, _) = preview(site.path(), &mut cache);
        assert_same_as_fresh(&files, &fresh(site.path()), step);
        if *step == "name change" {
            let rows = cache.kept.export_rows();
            let made = (0..rows.len())
                .filter(|&i| !Arc::ptr_eq(&rows[i], &rows_before[i]))
                .count();
            assert_eq!(
                made, 1,
                "only the renamed record's export rows are made again"
            );
        }
        if step.contains("body edit") {
            let export = "data/metrics.json";
            assert!(
                Arc::ptr_eq(&files[export], &last[export]),
                "{step}: exports kept"
            );
        }
        last = files;
    }

    // An invalid save, then its fix.
    write(&haixing, &text.replace("stage: active", "stage: bogus"));
    let options = BuildOptions::default();
    let invalid = render_cached(site.path(), &options, &mut cache).unwrap();
    assert!(invalid.is_err(), "an unknown stage is an error");
    write(&haixing, &format!("{text}\n修好了。\n"));
    let (files, _) = preview(site.path(), &mut cache);
    assert_same_as_fresh(&files, &fresh(site.path()), "fix after an invalid save");
}

fn assert_same_as_fresh(files: &Files, fresh: &Files, step: &str) {
    let is_index = |p: &str| p.starts_with("search/") && p != "search/index.html";
    let pages = |f: &Files| -> Vec<String> { f.keys().filter(|p| !is_index(p)).cloned().collect() };
    assert_eq!(pages(files), pages(fresh), "{step}: the same files");
    for path in pages(fresh) {
        assert!(
            files[&path] == fresh[&path],
            "{step}: {path} differs from a fresh build"
        );
    }
    let terms = |files: &Files| {
        let index: BTreeMap<String, Vec<u8>> = files
            .iter()
            .filter(|(p, _)| is_index(p))
            .map(|(p, b)| (p.clone(), b.to_vec()))
            .collect();
        let reader = crate::index::Reader::open(&index).unwrap();
        let mut all = BTreeMap::new();
        for i in 0..reader.shards.len() {
            for (term, data) in &reader.shard(i).unwrap().terms {
                all.insert(term.clone(), format!("{:?}", data.postings));
            }
        }
        all
    };
    assert_eq!(
        terms(files),
        terms(fresh),
        "{step}: the search index's terms"
    );
}
