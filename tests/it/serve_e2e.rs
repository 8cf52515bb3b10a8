//! `dossier serve` end to end: the real binary, the real build, a temporary site.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) struct Server {
    child: Child,
    pub(crate) address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dossier() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin("dossier"))
}

fn start(root: &Path) -> Server {
    start_with(root, &[])
}

fn start_with(root: &Path, extra: &[&str]) -> Server {
    let root = root.to_str().expect("UTF-8 path");
    let mut args = vec!["--root", root];
    args.extend_from_slice(extra);
    start_in(Path::new("."), &args)
}

/// Starts `dossier serve --port 0` with `args`, in the folder `cwd`.
pub(crate) fn start_in(cwd: &Path, args: &[&str]) -> Server {
    let mut command = dossier();
    command
        .current_dir(cwd)
        .args(["serve", "--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    as_from_a_terminal(&mut command);
    let mut child = command.spawn().expect("serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_string();
    Server { child, address }
}

/// Ctrl-C reaches the server as it does when an editor starts it in a terminal, however the
/// tests were started: a non-interactive shell starts background jobs (a CI step with `&`)
/// with SIGINT ignored, and a child inherits that.
fn as_from_a_terminal(command: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec only `signal`, which is async-signal-safe, is called.
        unsafe {
            command.pre_exec(|| {
                libc::signal(libc::SIGINT, libc::SIG_DFL);
                Ok(())
            });
        }
    }
    #[cfg(not(unix))]
    let _ = command;
}

pub(crate) fn get(address: &str, path: &str) -> (u16, String) {
    get_as(address, "127.0.0.1", path)
}

fn get_as(address: &str, host: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, response)
}

/// Polls until the page satisfies `ready`, for at most ten seconds.
pub(crate) fn eventually(address: &str, path: &str, ready: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, page) = get(address, path);
        if ready(&page) {
            return page;
        }
        assert!(
            Instant::now() < deadline,
            "page never became ready:\n{page}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn edit_break_and_fix_a_record_while_serving() {
    let site = example_site();
    let server = start(site.path());
    let page_path = "/customers/hangzhou-mingda/";
    let (status, page) = get(&server.address, page_path);
    assert_eq!(status, 200);
    assert!(page.contains("杭州明达医疗器械有限公司"));
    assert!(page.contains("/__dossier/live.js"));

    let record = site.path().join("content/customers/hangzhou-mingda.md");
    let original = std::fs::read_to_string(&record).expect("record");
    std::fs::write(
        &record,
        original.replace("杭州明达医疗器械有限公司", "杭州明达医疗集团"),
    )
    .expect("edit");
    eventually(&server.address, page_path, |p| {
        p.contains("杭州明达医疗集团")
    });

    std::fs::write(&record, original.replace("stage: active", "stage: activ")).expect("break");
    let broken = eventually(&server.address, page_path, |p| {
        p.contains("dossier-overlay")
    });
    assert!(
        broken.contains("content/customers/hangzhou-mingda.md:4:8"),
        "{broken}"
    );
    assert!(broken.contains("error[E014]"));
    assert!(
        broken.contains("杭州明达医疗集团"),
        "the last good build stays in service"
    );

    std::fs::write(&record, &original).expect("fix");
    let fixed = eventually(&server.address, page_path, |p| {
        !p.contains("dossier-overlay")
    });
    assert!(fixed.contains("杭州明达医疗器械有限公司"));
    assert!(
        !site.path().join("public").exists(),
        "serve never writes the output folder"
    );
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let site = example_site();
    let output = dossier()
        .args(["serve", "--port", &port, "--root"])
        .arg(site.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_promptly_and_leaves_nothing_behind() {
    let site = example_site();
    let before: Vec<_> = walkdir::WalkDir::new(site.path())
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("entry").into_path())
        .collect();
    let mut server = start(site.path());
    assert_eq!(get(&server.address, "/").0, 200);
    Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .expect("kill");
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.child.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "still running 5 s after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    }
    let after: Vec<_> = walkdir::WalkDir::new(site.path())
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("entry").into_path())
        .collect();
    assert_eq!(before, after, "serve wrote nothing into the site");
}

fn example_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().expect("temp");
    dossier()
        .arg("init")
        .arg(site.path())
        .arg("-q")
        .status()
        .expect("init");
    site
}

#[test]
fn allow_host_adds_a_name_to_localhost_and_addresses() {
    let site = example_site();
    let server = start_with(site.path(), &["--allow-host", "dossier.test"]);
    assert_eq!(get_as(&server.address, "dossier.test", "/").0, 200);
    assert_eq!(get_as(&server.address, "localhost:1111", "/").0, 200);
    assert_eq!(get_as(&server.address, "evil.example", "/").0, 403);
    let refused = dossier()
        .args([
            "serve",
            "--port",
            "0",
            "--allow-host",
            "http://dossier.test:80",
            "--root",
        ])
        .arg(site.path())
        .output()
        .expect("runs");
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("without scheme or port"), "{stderr}");
}

/// The peak resident memory of a process, in KiB.
#[cfg(target_os = "linux")]
fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

#[cfg(target_os = "linux")]
#[test]
fn a_300_mb_header_line_is_refused_without_growing_the_server() {
    let site = example_site();
    let server = start(site.path());
    assert_eq!(get(&server.address, "/").0, 200);
    let before = peak_kib(server.child.id());
    let address = server.address.parse().expect("address");
    let response = crate::serve_defences::send_endlessly(
        address,
        "GET / HTTP/1.1\r\nHost: localhost\r\nX-Long: ",
        b'a',
    );
    assert!(response.starts_with("HTTP/1.1 431 "), "{response}");
    let grown = peak_kib(server.child.id()).saturating_sub(before);
    assert!(grown < 16 * 1024, "the server grew by {grown} KiB");
    assert_eq!(get(&server.address, "/").0, 200);
}

/// dossier turns transparent huge pages off for itself (`memory::without_transparent_huge_pages`:
/// with them the kernel zeroed 2 MiB pages again and again, 17 % of a build's CPU).
#[cfg(target_os = "linux")]
#[test]
fn the_server_runs_without_transparent_huge_pages() {
    let site = example_site();
    let server = start(site.path());
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).expect("status");
    // Kernels before 6.x do not report it; there is nothing to check on those.
    if let Some(line) = status.lines().find(|l| l.starts_with("THP_enabled:")) {
        assert_eq!(line.split_whitespace().nth(1), Some("0"), "{line}");
    }
}
