//! Live reload: Server-Sent Events on the same port, a small script injected into HTML in serve
//! mode only, and an overlay listing the diagnostics of a failed build.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::site_state::Published;
use crate::diagnostics::Diagnostic;

pub const EVENTS_PATH: &str = "/__dossier/events";
pub const SCRIPT_PATH: &str = "/__dossier/live.js";

/// The browser side: reconnects by itself (EventSource does) and reloads when the server says
/// the page it shows has changed. The page knows the version it was served (the build in which
/// it last changed), and the server sends the current one when the stream opens, so a rebuild
/// between the response and the stream still reloads it. The id of each new search index goes
/// to the theme's search script as a `dossier:search-index` event (it reloads its index).
pub const SCRIPT: &str = r#"(() => {
  const shown = document.currentScript && document.currentScript.dataset.generation;
  const source = new EventSource("/__dossier/events?page=" + encodeURIComponent(location.pathname));
  source.addEventListener("build", (event) => {
    if (event.data !== shown) { location.reload(); }
  });
  source.addEventListener("index", (event) => {
    window.dispatchEvent(new CustomEvent("dossier:search-index", { detail: event.data }));
  });
  const dismiss = document.getElementById("dossier-overlay-close");
  if (dismiss) { dismiss.addEventListener("click", () => document.getElementById("dossier-overlay").remove()); }
})();
"#;

/// Every open tab's event channel, with the page it shows.
#[derive(Clone)]
pub struct Hub {
    tabs: Arc<Mutex<Tabs>>,
    /// The most tabs subscribed at once.
    max: usize,
}

struct Tabs {
    next: u64,
    /// By subscription: the key of the tab's page and where its events go.
    open: Vec<(u64, String, Sender<Event>)>,
}

/// What a tab is told.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    /// The version of its page: the tab reloads when it is not the one it shows.
    Build(String),
    /// The id of the search index: a search tab reloads its index when it is not the one it
    /// loaded.
    Index(String),
}

impl Event {
    fn text(&self) -> String {
        match self {
            Event::Build(version) => format!("event: build\ndata: {version}\n\n"),
            Event::Index(id) => format!("event: index\ndata: {id}\n\n"),
        }
    }
}

/// What a tab is told when its stream opens.
pub struct First {
    pub version: String,
    pub index: Option<String>,
}

/// One tab's events; dropping it unsubscribes the tab.
pub struct Subscription {
    id: u64,
    hub: Hub,
    events: Receiver<Event>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.tabs().open.retain(|(tab, ..)| *tab != self.id);
    }
}

impl Hub {
    /// A hub for at most `max` tabs at once.
    pub fn new(max: usize) -> Hub {
        Hub {
            tabs: Arc::new(Mutex::new(Tabs {
                next: 0,
                open: Vec::new(),
            })),
            max,
        }
    }

    fn tabs(&self) -> std::sync::MutexGuard<'_, Tabs> {
        self.tabs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Events for a tab showing the page `key` (see `site_state::page_key`), or `None` when
    /// as many tabs as allowed are subscribed.
    pub fn subscribe(&self, key: String) -> Option<Subscription> {
        let (sender, events) = channel();
        let mut tabs = self.tabs();
        if tabs.open.len() >= self.max {
            return None;
        }
        tabs.next += 1;
        let id = tabs.next;
        tabs.open.push((id, key, sender));
        Some(Subscription {
            id,
            hub: self.clone(),
            events,
        })
    }

    /// Sends the new version of their page to the tabs whose page a build changed, and the
    /// id of a new search index to every tab. Takes the publication, which holds the files:
    /// kept, it would make the next update of the files (the search index) copy them all.
    pub fn broadcast(&self, published: Published) {
        let mut tabs = self.tabs();
        tabs.open.retain(|(_, key, tab)| {
            let build = published.reaches(key).map(Event::Build);
            let index = published
                .index
                .as_deref()
                .map(|id| Event::Index(id.to_string()));
            build
                .into_iter()
                .chain(index)
                .all(|event| tab.send(event).is_ok())
        });
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.tabs().open.len()
    }
}

/// How often a stream looks whether its tab has gone, and how often it writes a comment line
/// (which keeps proxies from closing it).
const CHECK_GONE: Duration = Duration::from_secs(1);
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Streams events to one tab until it goes away (each write within the connection's write
/// timeout). The page's current version and the search index's id are sent first, so a tab
/// whose page or index changed before the stream opened catches up.
pub fn stream(mut stream: TcpStream, first: &First, subscription: Subscription) {
    let mut head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\n".to_string();
    head.push_str(&Event::Build(first.version.clone()).text());
    if let Some(id) = &first.index {
        head.push_str(&Event::Index(id.clone()).text());
    }
    if write_flush(&mut stream, &head).is_err() {
        return;
    }
    let mut quiet_since = Instant::now();
    loop {
        let message = match subscription.events.recv_timeout(CHECK_GONE) {
            Ok(event) => event.text(),
            Err(RecvTimeoutError::Timeout) if has_gone(&mut stream) => return,
            Err(RecvTimeoutError::Timeout) if quiet_since.elapsed() >= KEEP_ALIVE => {
                ": keep-alive\n\n".to_string()
            }
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if write_flush(&mut stream, &message).is_err() {
            return;
        }
        quiet_since = Instant::now();
    }
}

/// Whether the tab closed its end (a tab never sends anything on its stream). Its place
/// counts against the cap on streams, so it is given back within a second.
fn has_gone(stream: &mut TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let mut scratch = [0u8; 512];
    let gone = match stream.read(&mut scratch) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != ErrorKind::WouldBlock && e.kind() != ErrorKind::Interrupted,
    };
    gone || stream.set_nonblocking(false).is_err()
}

fn write_flush(writer: &mut TcpStream, text: &str) -> std::io::Result<()> {
    writer.write_all(text.as_bytes())?;
    writer.flush()
}

/// Adds the live script (with the page's version), and the overlay when the latest build
/// failed, before `</body>`.
pub fn inject(html: &[u8], problems: &[Diagnostic], version: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let mut addition = String::new();
    if !problems.is_empty() {
        addition.push_str(&overlay(problems));
    }
    addition.push_str(&format!(
        "<script src=\"{SCRIPT_PATH}\" data-generation=\"{version}\" defer></script>"
    ));
    let at = text.rfind("</body>").unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + addition.len());
    out.push_str(&text[..at]);
    out.push_str(&addition);
    out.push_str(&text[at..]);
    out.into_bytes()
}

fn overlay(problems: &[Diagnostic]) -> String {
    let mut items = String::new();
    for d in problems {
        items.push_str(&format!(
            "<li><code>{}:{}:{}</code> <strong>{}[{}]</strong> {}{}</li>",
            escape(&d.file),
            d.line,
            d.column,
            d.severity.as_str(),
            d.code,
            escape(&d.message),
            d.help.as_ref().map_or(String::new(), |h| format!(
                "<br><em>help: {}</em>",
                escape(h)
            ))
        ));
    }
    format!(
        concat!(
            "<div id=\"dossier-overlay\" role=\"alert\" style=\"position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;",
            "z-index:2147483647;background:#fff5f5;color:#1a1a1a;border-bottom:4px solid #c00;padding:1rem 1.5rem;",
            "font:14px/1.5 system-ui,sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.3)\">",
            "<button id=\"dossier-overlay-close\" type=\"button\" style=\"float:right\" aria-label=\"close\">×</button>",
            "<p><strong>The last change made the site invalid; this preview shows the last good build.</strong></p>",
            "<ul style=\"padding-left:1.2rem\">{}</ul></div>"
        ),
        items
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;
    use crate::yaml::Pos;

    #[test]
    fn injects_before_body_end_and_escapes_the_overlay() {
        let html = b"<html><body><p>x</p></body></html>";
        let plain = String::from_utf8(inject(html, &[], "3")).unwrap();
        assert_eq!(
            plain,
            "<html><body><p>x</p><script src=\"/__dossier/live.js\" data-generation=\"3\" defer></script></body></html>"
        );
        let d = Diagnostic::new(
            Code::OutOfRange,
            "content/customers/<a>.md",
            Pos { line: 3, column: 9 },
            "x must be 1..5, found 7",
        );
        let with = String::from_utf8(inject(html, &[d], "4")).unwrap();
        assert!(with.contains("<code>content/customers/&lt;a&gt;.md:3:9</code> <strong>error[E012]</strong> x must be 1..5, found 7"), "{with}");
        assert!(with.find("dossier-overlay").unwrap() < with.find("</body>").unwrap());
    }

    #[test]
    fn hub_tells_only_the_tabs_whose_page_changed_within_its_cap() {
        use crate::serve::site_state::{Rebuild, SiteState};
        let files = |list: &[(&str, &str)]| -> crate::serve::Files {
            list.iter()
                .map(|(p, b)| (p.to_string(), Arc::from(b.as_bytes())))
                .collect()
        };
        let state = SiteState::default();
        state.apply(Rebuild::Built(files(&[
            ("index.html", "home"),
            ("customers/a/index.html", "a"),
        ])));
        let hub = Hub::new(3);
        let edited = hub.subscribe("customers/a/index.html".into()).unwrap();
        let home = hub.subscribe("index.html".into()).unwrap();
        let closed = hub.subscribe("customers/a/index.html".into()).unwrap();
        assert!(hub.subscribe("index.html".into()).is_none(), "over the cap");
        drop(closed);
        assert_eq!(hub.len(), 2, "a closed tab is forgotten");
        let _kept_open = hub.subscribe("index.html".into()).expect("a place again");

        hub.broadcast(state.publish_first(files(&[("customers/a/index.html", "a2")])));
        let version = state.snapshot().page("customers/a").1;
        assert_eq!(edited.events.try_recv(), Ok(Event::Build(version)));
        assert!(
            home.events.try_recv().is_err(),
            "the home page did not change"
        );

        let (failed, _) = state.apply(Rebuild::Failed(Vec::new()));
        hub.broadcast(failed);
        assert_eq!(
            edited.events.try_recv(),
            Ok(Event::Build(state.snapshot().page("customers/a").1))
        );
        assert_eq!(
            home.events.try_recv(),
            Ok(Event::Build(state.snapshot().page("").1))
        );

        // A new search index is announced to every tab, without a reload.
        let index = |id: &str| crate::serve::Update {
            remove: Vec::new(),
            files: files(&[(crate::index::MANIFEST, &format!("{{\"id\":\"{id}\"}}"))]),
        };
        hub.broadcast(state.update(index("a1")));
        for tab in [&edited, &home] {
            assert_eq!(tab.events.try_recv(), Ok(Event::Index("a1".into())));
            assert!(tab.events.try_recv().is_err());
        }
        hub.broadcast(state.update(index("a1")));
        assert!(home.events.try_recv().is_err(), "the same index again");
    }
}
