//! Answering one HTTP request from the current snapshot, for allowed hosts only.

use super::host::{AllowedHosts, Refused as HostRefused, explain};
use super::http::{Answer, Method, Request, Response};
use super::live;
use super::mime::content_type;
use super::path::{Refused, query_param, site_path};
use super::site_state::{NOT_FOUND, SiteState, Snapshot};

/// What requests are answered from.
pub struct Site {
    pub state: SiteState,
    pub hub: live::Hub,
    pub hosts: AllowedHosts,
}

/// Answers a request; an event stream takes the connection over.
pub fn answer(request: &Request, site: &Site) -> Answer {
    let http_1_0 = request.minor_version == 0;
    if let Err(refused) = site.hosts.check(request.headers("Host"), http_1_0) {
        let status = match refused {
            HostRefused::MissingOrRepeated => 400,
            HostRefused::Name(_) => 403,
        };
        return Answer::Reply(Response::text(status, &explain(&refused)));
    }
    if request.path() == live::EVENTS_PATH {
        return events(request, site);
    }
    Answer::Reply(respond(request, &site.state))
}

/// The live-reload event stream of one tab.
fn events(request: &Request, site: &Site) -> Answer {
    // The tab names the page it shows (its location's path; none stands for the home page).
    // A path outside the site showed the 404 page.
    let key = match query_param(&request.target, "page").map(|page| site_path(&page)) {
        Some(Ok(path)) => site.state.snapshot().page(&path).0,
        Some(Err(_)) => NOT_FOUND.to_string(),
        None => site.state.snapshot().page("").0,
    };
    // Subscribed before the version is read: a build in between is sent twice, not lost.
    let Some(subscription) = site.hub.subscribe(key.clone()) else {
        return Answer::Reply(
            Response::text(
                503,
                "too many preview tabs are open: this one will not reload by itself; close some and reload it\n",
            )
            .with_header("Retry-After", "5"),
        );
    };
    let shot = site.state.snapshot();
    let first = live::First {
        version: shot.version(&key),
        index: shot.index.as_deref().map(str::to_string),
    };
    drop(shot);
    Answer::TakeOver(Box::new(move |stream| {
        live::stream(stream, &first, subscription);
    }))
}

fn respond(request: &Request, state: &SiteState) -> Response {
    if !matches!(request.method, Method::Get | Method::Head) {
        return Response::text(405, "method not allowed\n").with_header("Allow", "GET, HEAD");
    }
    if request.path() == live::SCRIPT_PATH {
        return cached(
            request,
            live::SCRIPT.as_bytes().to_vec(),
            "text/javascript; charset=utf-8",
        );
    }
    let path = match site_path(&request.target) {
        Ok(path) => path,
        Err(Refused::BadRequest) => return Response::text(400, "bad request\n"),
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
        Some(_) if !request.path().ends_with('/') => {
            let location = format!("/{}/", percent_encode(&path));
            Response::text(301, "moved\n").with_header("Location", &location)
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

fn file_reply(request: &Request, path: &str, bytes: &[u8], shown: &Shown<'_>) -> Response {
    let kind = content_type(path);
    let body = if kind.starts_with("text/html") {
        live::inject(bytes, shown.problems, shown.version)
    } else {
        bytes.to_vec()
    };
    cached(request, body, kind)
}

/// A 200 with an ETag, or a 304 when the client already has these bytes.
fn cached(request: &Request, body: Vec<u8>, kind: &str) -> Response {
    let etag = format!("\"{:08x}-{:x}\"", crc32(&body), body.len());
    let matches = request.headers("If-None-Match").any(|value| {
        value
            .split(',')
            .any(|tag| tag.trim() == etag || tag.trim() == "*")
    });
    let reply = if matches {
        Response::new(304, Vec::new())
    } else {
        Response::new(200, body).with_header("Content-Type", kind)
    };
    reply
        .with_header("ETag", &etag)
        .with_header("Cache-Control", "no-cache")
        .with_header("X-Content-Type-Options", "nosniff")
}

/// The theme's 404 page, with the version of the page asked for: its tab reloads when that
/// page appears. Before any good build there is no theme page: a bare one still carries the
/// live script (and the problems), so the tab reloads once the site builds.
fn not_found(shot: &Snapshot, version: &str) -> Response {
    let bare = b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404</title></head><body><p>not found</p></body></html>";
    let page = shot
        .files
        .get(NOT_FOUND)
        .map_or(&bare[..], |page| &page[..]);
    Response::new(404, live::inject(page, &shot.problems, version))
        .with_header("Content-Type", "text/html; charset=utf-8")
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

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}
