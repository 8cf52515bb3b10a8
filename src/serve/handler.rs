//! Answering one HTTP request from the current snapshot.

use std::io::Cursor;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::live;
use super::mime::content_type;
use super::path::{Refused, query_param, site_path};
use super::site_state::{NOT_FOUND, SiteState, Snapshot};

type Reply = Response<Cursor<Vec<u8>>>;

/// Handles a request; event streams take over the connection in their own thread.
pub fn handle(request: Request, state: &SiteState, hub: &live::Hub) {
    if request.url().split('?').next() == Some(live::EVENTS_PATH) {
        // The tab names the page it shows (its location's path; none stands for the home
        // page). A path outside the site showed the 404 page.
        let key = match query_param(request.url(), "page").map(|page| site_path(&page)) {
            Some(Ok(path)) => state.snapshot().page(&path).0,
            Some(Err(_)) => NOT_FOUND.to_string(),
            None => state.snapshot().page("").0,
        };
        // Subscribed before the version is read: a build in between is sent twice, not lost.
        let (id, events) = hub.subscribe(key.clone());
        let version = state.snapshot().version(&key);
        let writer = request.into_writer();
        let hub = hub.clone();
        std::thread::spawn(move || {
            live::stream(writer, &version, events);
            hub.forget(id);
        });
        return;
    }
    let reply = respond(&request, state);
    // A client that has gone away cannot be answered; nothing else is affected.
    let _ = request.respond(reply);
}

fn respond(request: &Request, state: &SiteState) -> Reply {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return text(405, "method not allowed\n").with_header(header("Allow", "GET, HEAD"));
    }
    if request.url().split('?').next() == Some(live::SCRIPT_PATH) {
        return cached(
            request,
            live::SCRIPT.as_bytes().to_vec(),
            "text/javascript; charset=utf-8",
        );
    }
    let path = match site_path(request.url()) {
        Ok(path) => path,
        Err(Refused::BadRequest) => return text(400, "bad request\n"),
        Err(Refused::Outside) => {
            let shot = state.snapshot();
            let version = shot.version(NOT_FOUND);
            return not_found(&shot, &version);
        }
    };
    let shot = state.snapshot();
    let (key, version) = shot.page(&path);
    let shown = Shown {
        problems: &shot.problems,
        version: &version,
    };
    if let Some(bytes) = shot.files.get(&path) {
        return file_reply(request, &path, bytes, &shown);
    }
    match shot.files.get(&key) {
        Some(_) if !request.url().split('?').next().unwrap_or("").ends_with('/') => {
            let location = format!("/{}/", percent_encode(&path));
            text(301, "moved\n").with_header(header("Location", &location))
        }
        Some(bytes) => file_reply(request, &key, bytes, &shown),
        None => not_found(&shot, &version),
    }
}

/// What an HTML page is served with: its version (see `Snapshot::version`) and the latest
/// problems.
struct Shown<'s> {
    problems: &'s [crate::diagnostics::Diagnostic],
    version: &'s str,
}

fn file_reply(request: &Request, path: &str, bytes: &[u8], shown: &Shown<'_>) -> Reply {
    let kind = content_type(path);
    let body = if kind.starts_with("text/html") {
        live::inject(bytes, shown.problems, shown.version)
    } else {
        bytes.to_vec()
    };
    cached(request, body, kind)
}

/// A 200 with an ETag, or a 304 when the client already has these bytes.
fn cached(request: &Request, body: Vec<u8>, kind: &str) -> Reply {
    let etag = format!("\"{:08x}-{:x}\"", crc32(&body), body.len());
    let matches = request
        .headers()
        .iter()
        .filter(|h| h.field.equiv("If-None-Match"))
        .any(|h| {
            h.value
                .as_str()
                .split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    let reply = if matches {
        Response::from_data(Vec::new()).with_status_code(StatusCode(304))
    } else {
        Response::from_data(body).with_header(header("Content-Type", kind))
    };
    reply
        .with_header(header("ETag", &etag))
        .with_header(header("Cache-Control", "no-cache"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

/// The theme's 404 page, with the version of the page asked for: its tab reloads when that
/// page appears. Before any good build there is no theme page: a bare one still carries the
/// live script (and the problems), so the tab reloads once the site builds.
fn not_found(shot: &Snapshot, version: &str) -> Reply {
    let bare = b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404</title></head><body><p>not found</p></body></html>";
    let page = shot.files.get(NOT_FOUND).map_or(&bare[..], Vec::as_slice);
    Response::from_data(live::inject(page, &shot.problems, version))
        .with_status_code(StatusCode(404))
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
}

/// A site path as a URL path: bytes outside unreserved ASCII and `/` percent-encoded.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn text(status: u16, body: &str) -> Reply {
    Response::from_data(body.as_bytes().to_vec())
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

fn header(name: &str, value: &str) -> Header {
    // Names and values here are ASCII constants or built from ASCII, so this cannot fail;
    // a fallback keeps the server from panicking if that ever changes.
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|_| {
        Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("constant header")
    })
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}
