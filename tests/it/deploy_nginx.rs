//! The deployment of docs/deploy.md works as written: Debian's nginx serves the example site's
//! audience folders (`dossier build --all-audiences`) with docs/deploy/nginx.conf, each behind
//! its own rule. Needs nginx (scripts/install-test-deps installs it); without it the test says
//! so and passes, unless `DOSSIER_REQUIRE_TOOLS` is set, as `scripts/test` and CI set it.

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::cli::dossier;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn nginx() -> Option<PathBuf> {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// nginx in the foreground with the documented server block, its paths moved into `dir`.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(nginx: &Path, dir: &Path, srv: &Path) -> Server {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let documented = fs::read_to_string(repo().join("docs/deploy/nginx.conf")).expect("conf");
    let auth = dir.join("auth");
    fs::create_dir_all(&auth).expect("auth dir");
    // nginx reads `{PLAIN}` entries; docs/deploy.md makes real ones with `openssl passwd`.
    fs::write(auth.join("sales.htpasswd"), "amy:{PLAIN}sales-secret\n").expect("htpasswd");
    fs::write(auth.join("credit.htpasswd"), "cai:{PLAIN}credit-secret\n").expect("htpasswd");
    let server = documented
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
        .replace("/srv/dossier", &srv.display().to_string())
        .replace("/etc/nginx/dossier/", &format!("{}/", auth.display()));
    assert_ne!(
        server, documented,
        "the documented paths are where the test expects them"
    );
    fs::write(dir.join("dossier.conf"), server).expect("server conf");
    let temp = |name: &str| dir.join(name).display().to_string();
    let main = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {pid};\nerror_log {log};\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  include /etc/nginx/mime.types;\n  access_log off;\n  \
         client_body_temp_path {t}/body;\n  proxy_temp_path {t}/proxy;\n  \
         fastcgi_temp_path {t}/fastcgi;\n  uwsgi_temp_path {t}/uwsgi;\n  \
         scgi_temp_path {t}/scgi;\n  include {conf};\n}}\n",
        pid = temp("nginx.pid"),
        log = temp("error.log"),
        t = dir.display(),
        conf = temp("dossier.conf"),
    );
    fs::write(dir.join("nginx.conf"), main).expect("main conf");
    let child = Command::new(nginx)
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nginx starts");
    let server = Server { child, port };
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "nginx did not listen: {}",
            fs::read_to_string(dir.join("error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

/// Status, headers and body of a GET, with basic credentials `user:password` if given.
fn get(port: u16, path: &str, credentials: Option<&str>) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let auth = credentials.map_or(String::new(), |c| {
        format!("Authorization: Basic {}\r\n", base64(c.as_bytes()))
    });
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: intranet.example.com\r\n{auth}Connection: close\r\n\r\n"
    )
    .expect("request");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("response");
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| n << 8 | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn base64_matches_rfc_4648() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
}

#[test]
fn each_audience_folder_is_behind_its_documented_rule() {
    let Some(nginx) = nginx() else {
        assert!(
            std::env::var_os("DOSSIER_REQUIRE_TOOLS").is_none(),
            "nginx is missing: run scripts/install-test-deps"
        );
        eprintln!("skipped: no nginx here (scripts/install-test-deps installs it)");
        return;
    };
    let guide = fs::read_to_string(repo().join("docs/deploy.md")).expect("docs/deploy.md");
    let documented = fs::read_to_string(repo().join("docs/deploy/nginx.conf")).expect("conf");
    assert!(
        guide.contains(documented.trim_end()),
        "docs/deploy.md shows docs/deploy/nginx.conf as it is"
    );

    let dir = tempfile::tempdir().expect("temp");
    let srv = dir.path().join("srv");
    dossier()
        .current_dir(repo())
        .args(["build", "--all-audiences", "--out"])
        .arg(&srv)
        .assert()
        .code(0);
    let server = start(&nginx, dir.path(), &srv);
    let port = server.port;

    let (status, page) = get(port, "/staff/", None);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(r#"<strong class="audience">staff</strong>"#));
    assert!(
        page.contains(r#"href="/staff/customers/""#),
        "links stay in the folder"
    );

    for (folder, user) in [
        ("sales", "amy:sales-secret"),
        ("credit", "cai:credit-secret"),
    ] {
        let path = format!("/{folder}/");
        assert_eq!(get(port, &path, None).0, 401, "{path} without credentials");
        assert_eq!(
            get(port, &path, Some("amy:wrong")).0,
            401,
            "{path} wrong password"
        );
        let (status, page) = get(port, &path, Some(user));
        assert_eq!(status, 200, "{path} with credentials: {page}");
        let edition = format!(r#"<strong class="audience">{folder}</strong>"#);
        assert!(page.contains(&edition), "{path} is the {folder} edition");
        let (status, _) = get(port, &format!("{path}data/metrics.json"), None);
        assert_eq!(status, 401, "{path}'s exports are behind the rule too");
    }
    assert_eq!(get(port, "/credit/", Some("amy:sales-secret")).0, 401);

    let (status, head) = get(port, "/", None);
    assert_eq!(status, 302);
    let location = head
        .lines()
        .find_map(|l| l.strip_prefix("Location: "))
        .unwrap_or_default();
    assert!(location.ends_with("/staff/"), "{head}");
    assert_eq!(get(port, "/.dossier-build", None).0, 404, "no build marker");
    assert_eq!(
        get(port, "/other/", None).0,
        404,
        "nothing but the audiences"
    );
}
