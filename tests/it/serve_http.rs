//! The preview server over real sockets: safe paths, HTTP semantics, live reload events, and a
//! bounded concurrent load. The site here is a stand-in build (one page per file of content/),
//! so these tests exercise the server alone; tests/serve_e2e.rs runs the real build.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use dossier::serve::{Files, FirstPages, Preview, Rebuild, ServeOptions, Update};

fn stand_in_build(root: &Path) -> Rebuild {
    let page = std::fs::read_to_string(root.join("content/page.txt")).unwrap_or_default();
    if page.contains("BROKEN") {
        let d = dossier::diagnostics::Diagnostic::new(
            dossier::diagnostics::Code::OutOfRange,
            "content/page.txt",
            dossier::yaml::Pos { line: 1, column: 1 },
            "page is broken",
        );
        return Rebuild::Failed(vec![d]);
    }
    let mut files = Files::new();
    files.insert(
        "index.html".into(),
        format!("<html><body><p>{page}</p></body></html>")
            .into_bytes()
            .into(),
    );
    files.insert(
        "customers/kh-001/index.html".into(),
        b"<html><body>dossier</body></html>".to_vec().into(),
    );
    files.insert(
        "404.html".into(),
        b"<html><body>not here</body></html>".to_vec().into(),
    );
    files.insert("style.css".into(), b"body{}".to_vec().into());
    files.insert("search/index.json".into(), b"{}".to_vec().into());
    files.insert("fonts/a.woff2".into(), vec![0, 1, 2].into());
    files.insert("app.wasm".into(), vec![0, 97, 115, 109].into());
    Rebuild::Built(files)
}

fn start() -> (tempfile::TempDir, Preview) {
    start_watching(false)
}

fn start_watching(poll: bool) -> (tempfile::TempDir, Preview) {
    let site = site_with_page();
    let root = site.path().to_path_buf();
    let preview = start_preview(site.path(), poll, move |_: &FirstPages| {
        stand_in_build(&root)
    });
    (site, preview)
}

/// A temporary site whose content/ holds one `page.txt` that says "first".
fn site_with_page() -> tempfile::TempDir {
    let site = tempfile::tempdir().expect("temp");
    std::fs::create_dir_all(site.path().join("content")).expect("content");
    std::fs::write(site.path().join("content/page.txt"), "first").expect("page");
    site
}

/// Serves `site` on a free loopback port with `build` as its build.
fn start_preview<F>(site: &Path, poll: bool, build: F) -> Preview
where
    F: Fn(&FirstPages) -> Rebuild + Send + Sync + 'static,
{
    let options = ServeOptions {
        root: site.to_path_buf(),
        bind: "127.0.0.1".parse().expect("ip"),
        port: 0,
        poll,
        allowed_hosts: Vec::new(),
        limits: Default::default(),
    };
    Preview::start(&options, move |_: Option<&[String]>, first: &FirstPages| {
        build(first)
    })
    .expect("starts")
}

/// Sends raw bytes and returns the whole response (the server closes after `Connection: close`).
pub(crate) fn raw(address: SocketAddr, request: &[u8]) -> String {
    raw_within(address, request, Duration::from_secs(5))
}

fn raw_within(address: SocketAddr, request: &[u8], timeout: Duration) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(timeout)).expect("timeout");
    stream.write_all(request).expect("send");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response).into_owned()
}

fn get(address: SocketAddr, target: &str) -> String {
    raw(
        address,
        format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

pub(crate) fn status(response: &str) -> u16 {
    response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

pub(crate) fn header<'r>(response: &'r str, name: &str) -> Option<&'r str> {
    response
        .lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| {
            l.split_once(": ")
                .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
}

#[test]
fn serves_pages_with_types_and_the_live_script() {
    let (_site, preview) = start();
    let home = get(preview.address, "/");
    assert_eq!(status(&home), 200);
    assert_eq!(
        header(&home, "Content-Type"),
        Some("text/html; charset=utf-8")
    );
    let (_, version) = tab(preview.address, "%2F");
    assert_eq!(generation(&version), 1, "the first build");
    assert!(
        home.contains(&format!("<p>first</p><script src=\"/__dossier/live.js\" data-generation=\"{version}\" defer></script></body>")),
        "{home}"
    );
    for (path, kind) in [
        ("/style.css", "text/css; charset=utf-8"),
        ("/search/index.json", "application/json"),
        ("/fonts/a.woff2", "font/woff2"),
        ("/app.wasm", "application/wasm"),
        ("/__dossier/live.js", "text/javascript; charset=utf-8"),
    ] {
        let response = get(preview.address, path);
        assert_eq!(
            (status(&response), header(&response, "Content-Type")),
            (200, Some(kind)),
            "{path}"
        );
    }
    let folder = get(preview.address, "/customers/kh-001");
    assert_eq!(
        (status(&folder), header(&folder, "Location")),
        (301, Some("/customers/kh-001/"))
    );
    assert_eq!(status(&get(preview.address, "/customers/kh-001/")), 200);
    let missing = get(preview.address, "/nope");
    assert_eq!(status(&missing), 404);
    assert!(
        missing.contains("not here"),
        "the theme's 404 page: {missing}"
    );
}

#[test]
fn head_and_conditional_requests() {
    let (_site, preview) = start();
    let full = get(preview.address, "/style.css");
    let etag = header(&full, "ETag").expect("etag").to_string();
    let head = raw(
        preview.address,
        b"HEAD /style.css HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status(&head), 200);
    assert!(head.ends_with("\r\n\r\n"), "no body for HEAD: {head:?}");
    let again = raw(
        preview.address,
        format!("GET /style.css HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: {etag}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    assert_eq!(status(&again), 304);
    let post = raw(
        preview.address,
        b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status(&post), 405);
}

#[test]
fn traversal_is_refused_in_every_spelling() {
    let (_site, preview) = start();
    for target in [
        "/../site.yaml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/..\\..\\etc\\passwd",
        "/a%00.html",
        "/%zz",
        "/C:/Windows/win.ini",
        "/content/page.txt",
        "/etc/passwd",
    ] {
        let response = get(preview.address, target);
        assert!(
            matches!(status(&response), 400 | 404),
            "{target}: {response}"
        );
        assert!(
            !response.contains("first")
                || target == "/content/page.txt" && status(&response) == 404,
            "{target}"
        );
        assert!(!response.contains("root:"), "{target}");
    }
    let absolute = raw(
        preview.address,
        b"GET http://x/../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    assert!(matches!(status(&absolute), 400 | 404), "{absolute}");
}

#[test]
fn malformed_requests_do_not_stop_the_server() {
    let (_site, preview) = start();
    for junk in [
        &b"\r\n\r\n"[..],
        b"GARBAGE\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        &[0xff; 64][..],
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: nope\r\n\r\n",
    ] {
        // Some of these leave the server waiting for more bytes; the client gives up first.
        let _ = raw_within(preview.address, junk, Duration::from_millis(300));
    }
    // A client that connects and vanishes, and one that sends half a request and stalls.
    drop(TcpStream::connect(preview.address).expect("connect"));
    let mut stalled = TcpStream::connect(preview.address).expect("connect");
    stalled.write_all(b"GET / HT").expect("partial");
    assert_eq!(status(&get(preview.address, "/")), 200);
}

#[test]
fn a_change_rebuilds_notifies_tabs_and_shows_the_overlay_until_fixed() {
    let (site, preview) = start();
    let (mut reader, first) = tab(preview.address, "%2F");

    std::fs::write(site.path().join("content/page.txt"), "second").expect("edit");
    let second = next_event(&mut reader);
    assert!(generation(&second) > generation(&first));
    assert!(get(preview.address, "/").contains("<p>second</p>"));

    std::fs::write(site.path().join("content/page.txt"), "BROKEN").expect("break");
    next_event(&mut reader);
    let page = get(preview.address, "/");
    assert!(page.contains("<p>second</p>"), "keeps the last good build");
    assert!(
        page.contains("dossier-overlay") && page.contains("content/page.txt:1:1"),
        "{page}"
    );

    std::fs::write(site.path().join("content/page.txt"), "third").expect("fix");
    next_event(&mut reader);
    let page = get(preview.address, "/");
    assert!(
        page.contains("<p>third</p>") && !page.contains("dossier-overlay"),
        "{page}"
    );
}

#[test]
fn a_build_reading_the_sources_does_not_trigger_another() {
    let site = site_with_page();
    let root = site.path().to_path_buf();
    let builds = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = builds.clone();
    let _preview = start_preview(site.path(), false, move |_: &FirstPages| {
        counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        // Reading the sources, as every build does, must not count as a change.
        let _ = std::fs::read(root.join("content/page.txt"));
        stand_in_build(&root)
    });
    for _ in 0..5 {
        let _ = std::fs::read(site.path().join("content/page.txt"));
    }
    // A spurious rebuild would come within the watcher's debounce of the last read.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        builds.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "rebuilt without a change"
    );
}

#[test]
fn the_polling_watcher_sees_changes_too() {
    let (site, preview) = start_watching(true);
    // The poller's first scan runs in its own thread; a save before it ends would be its baseline.
    std::thread::sleep(Duration::from_millis(1000));
    std::fs::write(site.path().join("content/page.txt"), "polled").expect("edit");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !get(preview.address, "/").contains("<p>polled</p>") {
        assert!(
            Instant::now() < deadline,
            "no rebuild from the polling watcher"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The generation part of a page version (`<session>.<generation>`).
fn generation(version: &str) -> u64 {
    let (_, generation) = version.split_once('.').expect("session.generation");
    generation.parse().expect("a number")
}

/// Reads server-sent events until a `build` event and returns its page version.
fn next_event(reader: &mut BufReader<TcpStream>) -> String {
    event_within(reader, Duration::from_secs(10)).expect("a build event within 10 s")
}

#[test]
fn many_concurrent_clients_get_every_answer() {
    let (_site, preview) = start();
    let address = preview.address;
    let started = Instant::now();
    let threads: Vec<_> = (0..32)
        .map(|i| {
            std::thread::spawn(move || {
                (0..60)
                    .filter(|j| {
                        let target = if (i + j) % 2 == 0 { "/" } else { "/style.css" };
                        status(&get(address, target)) == 200
                    })
                    .count()
            })
        })
        .collect();
    let ok: usize = threads.into_iter().map(|t| t.join().expect("thread")).sum();
    assert_eq!(ok, 32 * 60, "every request answered");
    eprintln!("1920 requests from 32 clients in {:?}", started.elapsed());
}

/// A build whose search index comes after its pages (`Rebuild::BuiltThen`): the tabs are told
/// to reload as soon as the pages are published, the index replaces the old one when it is
/// ready, and every tab is told the new index's id (search tabs reload their index), without a
/// second reload.
#[test]
fn pages_are_published_before_the_index_that_follows_them() {
    let site = site_with_page();
    let root = site.path().to_path_buf();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let released = std::sync::Arc::new(std::sync::Mutex::new(released));
    // An index as `dossier::index` lays it out: a manifest naming its id, files under it.
    let index = |id: &str| -> Files {
        Files::from([
            (
                "search/index.json".to_string(),
                format!("{{\"version\":2,\"id\":\"{id}\"}}")
                    .into_bytes()
                    .into(),
            ),
            (
                format!("search/{id}/d/0.json"),
                format!("\"{id}\"").into_bytes().into(),
            ),
        ])
    };
    let build = move |_: &FirstPages| {
        let page = std::fs::read_to_string(root.join("content/page.txt")).unwrap_or_default();
        let mut files = index("first");
        files.insert(
            "index.html".into(),
            format!("<html><body><p>{page}</p></body></html>")
                .into_bytes()
                .into(),
        );
        if page == "first" {
            return Rebuild::Built(files);
        }
        let released = released.clone();
        let then = move || {
            // The index takes as long as the test wants.
            let _ = released
                .lock()
                .expect("lock")
                .recv_timeout(Duration::from_secs(10));
            Update {
                remove: index("first").into_keys().collect(),
                files: index(&page),
            }
        };
        Rebuild::BuiltThen(files, Box::new(then))
    };
    let preview = start_preview(site.path(), false, build);
    let (mut reader, first) = tab(preview.address, "%2F");
    assert_eq!(
        named_event_within(&mut reader, "index", Duration::from_secs(10)).as_deref(),
        Some("first"),
        "a tab is told the index's id when its stream opens"
    );

    std::fs::write(site.path().join("content/page.txt"), "second").expect("edit");
    let second = next_event(&mut reader);
    assert!(generation(&second) > generation(&first));
    assert!(get(preview.address, "/").contains("<p>second</p>"));
    assert_eq!(status(&get(preview.address, "/search/first/d/0.json")), 200);
    assert_eq!(
        status(&get(preview.address, "/search/second/d/0.json")),
        404
    );

    release.send(()).expect("release the index");
    assert_eq!(
        named_event_within(&mut reader, "index", Duration::from_secs(10)).as_deref(),
        Some("second"),
        "the new index is announced"
    );
    assert!(get(preview.address, "/search/second/d/0.json").contains("\"second\""));
    assert_eq!(status(&get(preview.address, "/search/first/d/0.json")), 404);
    assert!(get(preview.address, "/search/index.json").contains("\"second\""));
    assert!(get(preview.address, "/").contains("<p>second</p>"));
    assert_eq!(
        event_within(&mut reader, Duration::from_millis(500)),
        None,
        "a reload for the index"
    );
}

/// Subscribes to the build events of a tab showing `page`, and reads the version it is sent
/// when the stream opens.
fn tab(address: SocketAddr, page: &str) -> (BufReader<TcpStream>, String) {
    let mut events = TcpStream::connect(address).expect("connect");
    let request = format!("GET /__dossier/events?page={page} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    events.write_all(request.as_bytes()).expect("subscribe");
    events
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("timeout");
    let mut reader = BufReader::new(events);
    let version = next_event(&mut reader);
    (reader, version)
}

/// The version of the next build event within `wait` (keep-alive comments and other events
/// do not count).
fn event_within(reader: &mut BufReader<TcpStream>, wait: Duration) -> Option<String> {
    named_event_within(reader, "build", wait)
}

/// The data of the next event called `name` within `wait`.
pub(crate) fn named_event_within(
    reader: &mut BufReader<TcpStream>,
    name: &str,
    wait: Duration,
) -> Option<String> {
    let deadline = Instant::now() + wait;
    let mut line = String::new();
    let mut current = String::new();
    // read_line returns an error on a read timeout; the deadline decides.
    while Instant::now() < deadline {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            continue;
        }
        if let Some(event) = line.strip_prefix("event: ") {
            current = event.trim().to_string();
        } else if let Some(data) = line.strip_prefix("data: ")
            && current == name
        {
            return Some(data.trim().to_string());
        }
    }
    None
}

/// A build that publishes an edited page first (as the real build does with the dossier of
/// an edited record) and the rest when the test lets it: only the tab showing the edited page
/// reloads at first; the home page's tab reloads when the rest is published; a tab whose page
/// never changed is left alone, and the edited page's tab is not reloaded twice.
#[test]
fn the_edited_page_goes_first_and_only_tabs_of_changed_pages_reload() {
    let site = site_with_page();
    let root = site.path().to_path_buf();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let released = std::sync::Mutex::new(released);
    let build = move |first: &FirstPages| {
        let text = std::fs::read_to_string(root.join("content/page.txt")).unwrap_or_default();
        let page = |body: &str| -> std::sync::Arc<[u8]> {
            format!("<html><body>{body}</body></html>")
                .into_bytes()
                .into()
        };
        let dossier = ("customers/甲/index.html".to_string(), page(&text));
        let mut files = Files::new();
        files.insert("index.html".into(), page(&format!("home {text}")));
        files.insert("unchanged/index.html".into(), page("same"));
        files.insert(dossier.0.clone(), dossier.1.clone());
        if text != "first" {
            first(Files::from([dossier]));
            let _ = released
                .lock()
                .expect("lock")
                .recv_timeout(Duration::from_secs(10));
        }
        Rebuild::Built(files)
    };
    let preview = start_preview(site.path(), false, build);
    let (mut edited, v1) = tab(preview.address, "%2Fcustomers%2F%25E7%2594%25B2%2F");
    let (mut home, h1) = tab(preview.address, "%2F");
    let (mut unchanged, u1) = tab(preview.address, "%2Funchanged%2F");
    let served = get(preview.address, "/customers/%E7%94%B2/");
    assert!(
        served.contains(&format!("data-generation=\"{v1}\"")),
        "a page is served with the version its tab is told: {served}"
    );

    // A folder without its slash is redirected, to a Location that stays ASCII.
    let moved = get(preview.address, "/customers/%E7%94%B2");
    assert_eq!(status(&moved), 301);
    assert_eq!(header(&moved, "Location"), Some("/customers/%E7%94%B2/"));
    // A path outside the site shows the 404 page with the version its tab is then told (a
    // mismatch would reload that tab forever).
    let refused = get(preview.address, "/a:b");
    assert_eq!(status(&refused), 404);
    let (_, refused_version) = tab(preview.address, "%2Fa%3Ab");
    assert!(
        refused.contains(&format!("data-generation=\"{refused_version}\"")),
        "{refused}"
    );

    std::fs::write(site.path().join("content/page.txt"), "second").expect("edit");
    let v2 = event_within(&mut edited, Duration::from_secs(10)).expect("the edited page first");
    assert!(generation(&v2) > generation(&v1));
    assert!(get(preview.address, "/customers/%E7%94%B2/").contains("second"));
    assert!(
        get(preview.address, "/").contains("home first"),
        "the rest waits"
    );
    assert_eq!(event_within(&mut home, Duration::from_millis(300)), None);

    release.send(()).expect("release the rest");
    let h2 = event_within(&mut home, Duration::from_secs(10)).expect("the home page next");
    assert!(generation(&h2) > generation(&v2) && generation(&h1) < generation(&v2));
    assert!(get(preview.address, "/").contains("home second"));
    assert_eq!(event_within(&mut edited, Duration::from_millis(300)), None);
    assert_eq!(
        event_within(&mut unchanged, Duration::from_millis(300)),
        None
    );
    assert_eq!(tab(preview.address, "%2Funchanged%2F").1, u1);
}
