//! Live reload: Server-Sent Events on the same port, a small script injected into HTML in serve
//! mode only, and an overlay listing the diagnostics of a failed build.

use std::io::Write;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::site_state::Published;
use crate::diagnostics::Diagnostic;

pub const EVENTS_PATH: &str = "/__dossier/events";
pub const SCRIPT_PATH: &str = "/__dossier/live.js";

/// The browser side: reconnects by itself (EventSource does) and reloads when the server says
/// the page it shows has changed. The page knows the version it was served (the build in which
/// it last changed), and the server sends the current one when the stream opens, so a rebuild
/// between the response and the stream still reloads it.
pub const SCRIPT: &str = r#"(() => {
  const shown = document.currentScript && document.currentScript.dataset.generation;
  const source = new EventSource("/__dossier/events?page=" + encodeURIComponent(location.pathname));
  source.addEventListener("build", (event) => {
    if (event.data !== shown) { location.reload(); }
  });
  const dismiss = document.getElementById("dossier-overlay-close");
  if (dismiss) { dismiss.addEventListener("click", () => document.getElementById("dossier-overlay").remove()); }
})();
"#;

/// Every open tab's event channel, with the page it shows.
#[derive(Clone, Default)]
pub struct Hub {
    tabs: Arc<Mutex<Tabs>>,
}

#[derive(Default)]
struct Tabs {
    next: u64,
    /// By subscription: the key of the tab's page and where its events go.
    open: Vec<(u64, String, Sender<String>)>,
}

impl Hub {
    fn tabs(&self) -> std::sync::MutexGuard<'_, Tabs> {
        self.tabs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Events for a tab showing the page `key` (see `site_state::page_key`), and the
    /// subscription to [`Hub::forget`] when the tab has gone.
    pub fn subscribe(&self, key: String) -> (u64, Receiver<String>) {
        let (sender, receiver) = channel();
        let mut tabs = self.tabs();
        tabs.next += 1;
        let id = tabs.next;
        tabs.open.push((id, key, sender));
        (id, receiver)
    }

    pub fn forget(&self, id: u64) {
        self.tabs().open.retain(|(tab, ..)| *tab != id);
    }

    /// Sends the new version of their page to the tabs whose page a build changed. Takes the
    /// publication, which holds the files: kept, it would make the next update of the files
    /// (the search index) copy them all.
    pub fn broadcast(&self, published: Published) {
        let mut tabs = self.tabs();
        tabs.open
            .retain(|(_, key, tab)| match published.reaches(key) {
                Some(version) => tab.send(version).is_ok(),
                None => true,
            });
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.tabs().open.len()
    }
}

/// Streams build events to one tab until it goes away. The page's current version is sent
/// first, so a tab whose page changed before the stream opened reloads.
pub fn stream(mut writer: Box<dyn Write + Send>, current: &str, events: Receiver<String>) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\n";
    if write_flush(&mut writer, head).is_err() || write_flush(&mut writer, &event(current)).is_err()
    {
        return;
    }
    loop {
        let message = match events.recv_timeout(Duration::from_secs(15)) {
            Ok(version) => event(&version),
            // A comment line keeps proxies from closing the stream and reveals a vanished tab.
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if write_flush(&mut writer, &message).is_err() {
            return;
        }
    }
}

fn event(version: &str) -> String {
    format!("event: build\ndata: {version}\n\n")
}

fn write_flush(writer: &mut Box<dyn Write + Send>, text: &str) -> std::io::Result<()> {
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
    fn hub_tells_only_the_tabs_whose_page_changed_and_forgets_gone_tabs() {
        use crate::serve::site_state::{Rebuild, SiteState};
        let files = |list: &[(&str, &str)]| -> crate::serve::Files {
            list.iter()
                .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
                .collect()
        };
        let state = SiteState::default();
        state.apply(Rebuild::Built(files(&[
            ("index.html", "home"),
            ("customers/a/index.html", "a"),
        ])));
        let hub = Hub::default();
        let (_, edited) = hub.subscribe("customers/a/index.html".into());
        let (_, home) = hub.subscribe("index.html".into());
        drop(hub.subscribe("customers/a/index.html".into()));
        let (closed, _kept_open) = hub.subscribe("index.html".into());
        hub.forget(closed);

        hub.broadcast(state.publish_first(files(&[("customers/a/index.html", "a2")])));
        assert_eq!(hub.len(), 2, "the dropped and the forgotten tab are gone");
        let version = state.snapshot().page("customers/a").1;
        assert_eq!(edited.try_recv(), Ok(version));
        assert!(home.try_recv().is_err(), "the home page did not change");

        let (failed, _) = state.apply(Rebuild::Failed(Vec::new()));
        hub.broadcast(failed);
        assert_eq!(
            edited.try_recv(),
            Ok(state.snapshot().page("customers/a").1)
        );
        assert_eq!(home.try_recv(), Ok(state.snapshot().page("").1));
    }
}
