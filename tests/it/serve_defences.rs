//! What the preview server defends against, over real sockets on 127.0.0.1 with clients that
//! give up after a bounded time: requests for other host names (DNS rebinding), clients that
//! never read, oversized or stalled request heads, raw UTF-8 and HTTP/2 request lines, and the
//! caps on connections and event streams. See docs/preview.md.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use dossier::serve::{Files, FirstPages, Limits, Preview, Rebuild, ServeOptions};

use crate::serve_http::{header, raw, status};

/// A file big enough that a few responses fill the socket buffers of a client that never reads.
const BIG: usize = 1 << 20;

fn site() -> Files {
    let page = |body: &str| -> Arc<[u8]> {
        format!("<html><body>{body}</body></html>")
            .into_bytes()
            .into()
    };
    let mut files = Files::new();
    files.insert("index.html".into(), page("home"));
    files.insert("search/index.html".into(), page("search"));
    files.insert("customers/华东/index.html".into(), page("华东医药"));
    files.insert("404.html".into(), page("not here"));
    files.insert("big.bin".into(), vec![7; BIG].into());
    files
}

fn options() -> ServeOptions {
    ServeOptions {
        root: std::path::PathBuf::new(),
        bind: "127.0.0.1".parse().expect("ip"),
        port: 0,
        poll: false,
        allowed_hosts: Vec::new(),
        limits: Limits::default(),
    }
}

/// Serves [`site`] with `options`; the temporary root is only watched, never changed.
fn start(options: &ServeOptions) -> Served {
    let root = tempfile::tempdir().expect("temp");
    let options = ServeOptions {
        root: root.path().to_path_buf(),
        ..options.clone()
    };
    let preview = Preview::start(&options, |_: Option<&[String]>, _: &FirstPages| {
        Rebuild::Built(site())
    })
    .expect("starts");
    Served {
        address: preview.address,
        _preview: preview,
        _root: root,
    }
}

struct Served {
    address: SocketAddr,
    _preview: Preview,
    _root: tempfile::TempDir,
}

fn get_as(address: SocketAddr, host: &str, target: &str) -> String {
    raw(
        address,
        format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

#[test]
fn requests_for_other_host_names_are_refused() {
    let preview = start(&options());
    let address = preview.address;
    let port = address.port();
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        "localhost.evil.example".into(),
        "127.0.0.1.nip.io".into(),
        "localhost.".into(),
        "".into(),
    ] {
        let response = get_as(address, &host, "/");
        assert_eq!(status(&response), 403, "{host:?}: {response}");
        assert!(
            response.contains("--allow-host") && !response.contains("home"),
            "{host:?}: {response}"
        );
        let events = get_as(address, &host, "/__dossier/events?page=%2F");
        assert_eq!(status(&events), 403, "the event stream, for {host:?}");
        assert_ne!(header(&events, "Content-Type"), Some("text/event-stream"));
    }
    let no_host = raw(address, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert_eq!(status(&no_host), 400, "HTTP/1.1 requires Host: {no_host}");
    for host in [
        "localhost".to_string(),
        format!("LocalHost:{port}"),
        "127.0.0.1".into(),
        format!("127.0.0.1:{port}"),
        "[::1]".into(),
        format!("[::1]:{port}"),
        // An address is never the result of a DNS lookup, so never a rebinding.
        "192.168.1.5:8080".into(),
        "[fe80::1]".into(),
    ] {
        let response = get_as(address, &host, "/");
        assert_eq!(status(&response), 200, "{host:?}: {response}");
    }
}

#[test]
fn a_client_that_pipelines_and_never_reads_does_not_block_the_others() {
    let preview = start(&options());
    let address = preview.address;
    // 64 MB of answers asked for at once, never read: the server's writes to it block.
    let mut greedy = TcpStream::connect(address).expect("connect");
    let request = "GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(64);
    greedy.write_all(request.as_bytes()).expect("pipeline");
    for _ in 0..40 {
        let response = get_as(address, "127.0.0.1", "/");
        assert_eq!(status(&response), 200, "{response}");
    }
    drop(greedy);
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let preview = start(&options());
    let response = raw(
        preview.address,
        b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\nGET /search/ HTTP/1.1\r\nHost: localhost\r\n\r\nGET /nope HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    let statuses: Vec<&str> = response
        .match_indices("HTTP/1.1 ")
        .map(|(at, _)| &response[at + 9..at + 12])
        .collect();
    assert_eq!(statuses, ["200", "200", "404"], "{response}");
    let home = response.find("home").expect("the home page");
    let search = response.find("<body>search").expect("the search page");
    assert!(home < search, "{response}");
}

/// Sends `head` and then `filler` bytes forever (until the server closes), and returns the
/// response read meanwhile.
pub(crate) fn send_endlessly(address: SocketAddr, head: &str, filler: u8) -> String {
    let stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut writer = stream.try_clone().expect("clone");
    let head = head.to_string();
    let sender = std::thread::spawn(move || {
        let chunk = vec![filler; 64 * 1024];
        let mut sent = 0usize;
        if writer.write_all(head.as_bytes()).is_err() {
            return sent;
        }
        // 300 MB at most: enough to show that the server does not keep what it is sent.
        while sent < 300 << 20 && writer.write_all(&chunk).is_ok() {
            sent += chunk.len();
        }
        sent
    });
    let mut response = Vec::new();
    let _ = (&stream).read_to_end(&mut response);
    drop(stream);
    let _ = sender.join();
    String::from_utf8_lossy(&response).into_owned()
}

#[test]
fn oversized_request_heads_are_refused() {
    let preview = start(&options());
    let address = preview.address;
    let line = send_endlessly(
        address,
        "GET / HTTP/1.1\r\nHost: localhost\r\nX-Long: ",
        b'a',
    );
    assert_eq!(status(&line), 431, "{line}");
    assert_eq!(header(&line, "Connection"), Some("close"));
    let target = send_endlessly(address, "GET /", b'a');
    assert_eq!(status(&target), 414, "{target}");
    let many = format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\n{}\r\n",
        "X-A: b\r\n".repeat(500)
    );
    assert_eq!(status(&raw(address, many.as_bytes())), 431);
    // The server is still there for everyone else.
    assert_eq!(status(&get_as(address, "localhost", "/")), 200);
}

#[test]
fn raw_utf8_request_lines_are_answered() {
    let preview = start(&options());
    let address = preview.address;
    let search = get_as(address, "127.0.0.1", "/search/?q=华东");
    assert_eq!(status(&search), 200, "{search}");
    let page = get_as(address, "127.0.0.1", "/customers/华东/");
    assert_eq!(status(&page), 200, "{page}");
    assert!(page.contains("华东医药"), "{page}");
    let moved = get_as(address, "127.0.0.1", "/customers/华东");
    assert_eq!(
        header(&moved, "Location"),
        Some("/customers/%E5%8D%8E%E4%B8%9C/")
    );
    // Bytes that are not UTF-8 are a bad request, not a dropped connection.
    let mut latin1 = b"GET /caf".to_vec();
    latin1.extend_from_slice(&[0xe9]);
    latin1.extend_from_slice(b"/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assert_eq!(status(&raw(address, &latin1)), 400);
}

#[test]
fn http2_and_unknown_versions_get_505() {
    let preview = start(&options());
    let address = preview.address;
    for request in [
        &b"GET / HTTP/2.0\r\nHost: localhost\r\n\r\n"[..],
        // The preface of HTTP/2 with prior knowledge (curl --http2-prior-knowledge).
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        b"GET / HTTP/9.9\r\nHost: localhost\r\n\r\n",
    ] {
        let response = raw(address, request);
        assert_eq!(status(&response), 505, "{response}");
        assert!(
            response.contains("HTTP/1.1"),
            "says what it speaks: {response}"
        );
    }
}

#[test]
fn names_given_with_allow_host_are_answered() {
    let preview = start(&ServeOptions {
        allowed_hosts: vec!["preview.example.internal".into()],
        ..options()
    });
    let allowed = get_as(preview.address, "Preview.Example.Internal:443", "/");
    assert_eq!(status(&allowed), 200, "{allowed}");
    let other = get_as(preview.address, "other.example.internal", "/");
    assert_eq!(status(&other), 403, "{other}");
    assert!(
        other.contains("--allow-host other.example.internal"),
        "{other}"
    );
}

fn limited(limits: Limits) -> Served {
    start(&ServeOptions {
        limits,
        ..options()
    })
}

/// Retries `attempt` until it holds, for at most ten seconds (the server notices a closed
/// connection on its own thread, a moment after the client closed it).
fn eventually(what: &str, attempt: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !attempt() {
        assert!(std::time::Instant::now() < deadline, "never: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn connections_beyond_the_cap_get_503_until_one_closes() {
    let preview = limited(Limits {
        max_connections: 3,
        ..Limits::default()
    });
    let address = preview.address;
    let idle: Vec<TcpStream> = (0..3)
        .map(|_| TcpStream::connect(address).expect("connect"))
        .collect();
    // An answered request shows that the three are open on the server's side.
    let over = get_as(address, "localhost", "/");
    assert_eq!(status(&over), 503, "{over}");
    assert!(over.contains("too many open connections"), "{over}");
    assert_eq!(header(&over, "Retry-After"), Some("1"));
    drop(idle);
    eventually("a closed connection frees its place", || {
        status(&get_as(address, "localhost", "/")) == 200
    });
}

/// Opens a live-reload stream and returns it with the first line of its response.
fn subscribe(address: SocketAddr) -> (TcpStream, String) {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    stream
        .write_all(b"GET /__dossier/events?page=%2F HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .expect("subscribe");
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    (stream, text)
}

#[test]
fn event_streams_beyond_the_cap_get_503_until_a_tab_closes() {
    let preview = limited(Limits {
        max_event_streams: 2,
        ..Limits::default()
    });
    let address = preview.address;
    let (first, head) = subscribe(address);
    assert_eq!(status(&head), 200, "{head}");
    assert_eq!(header(&head, "Content-Type"), Some("text/event-stream"));
    let (_second, head) = subscribe(address);
    assert_eq!(status(&head), 200, "{head}");
    let (mut third, head) = subscribe(address);
    assert_eq!(status(&head), 503, "{head}");
    let mut body = String::new();
    let _ = third.read_to_string(&mut body);
    assert!(body.contains("too many preview tabs"), "{body}");
    // Pages are still served meanwhile.
    assert_eq!(status(&get_as(address, "localhost", "/")), 200);
    drop(first);
    eventually("a closed tab frees its stream", || {
        status(&subscribe(address).1) == 200
    });
}

#[test]
fn a_request_head_that_stalls_gets_408() {
    let preview = limited(Limits {
        request_timeout: Duration::from_millis(300),
        ..Limits::default()
    });
    let response = raw(preview.address, b"GET / HTTP/1.1\r\nHost: loc");
    assert_eq!(status(&response), 408, "{response}");
    // A connection that never sends anything is closed without a word.
    assert_eq!(raw(preview.address, b""), "");
}

#[test]
fn a_client_that_stops_reading_is_dropped_after_the_write_timeout() {
    let preview = limited(Limits {
        write_timeout: Duration::from_millis(300),
        ..Limits::default()
    });
    let mut greedy = TcpStream::connect(preview.address).expect("connect");
    let request = "GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(64);
    greedy.write_all(request.as_bytes()).expect("pipeline");
    // Not reading for several times the write timeout: the server gives up on the connection
    // and closes it, so reading then gets what it had sent and the end, not 64 MB.
    std::thread::sleep(Duration::from_secs(2));
    greedy
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut received = Vec::new();
    let ended = greedy.read_to_end(&mut received);
    assert!(
        !matches!(&ended, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)),
        "still open: {ended:?}"
    );
    assert!(received.len() < 64 * BIG, "{} bytes", received.len());
}
