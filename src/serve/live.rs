//! Live reload: Server-Sent Events on the same port, a small script injected into HTML in serve
//! mode only, and an overlay listing the diagnostics of a failed build.

use std::io::Write;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::diagnostics::Diagnostic;

pub const EVENTS_PATH: &str = "/__dossier/events";
pub const SCRIPT_PATH: &str = "/__dossier/live.js";

/// The browser side: reconnects by itself (EventSource does), reloads on every new build.
/// The page knows the build it was rendered from, so a rebuild that happens between the
/// response and the event stream's first message still reloads it.
pub const SCRIPT: &str = r#"(() => {
  const shown = document.currentScript && document.currentScript.dataset.generation;
  const source = new EventSource("/__dossier/events");
  source.addEventListener("build", (event) => {
    if (event.data !== shown) { location.reload(); }
  });
  const dismiss = document.getElementById("dossier-overlay-close");
  if (dismiss) { dismiss.addEventListener("click", () => document.getElementById("dossier-overlay").remove()); }
})();
"#;

/// Every open tab's event channel.
#[derive(Clone, Default)]
pub struct Hub {
    clients: Arc<Mutex<Vec<Sender<u64>>>>,
}

impl Hub {
    pub fn subscribe(&self) -> Receiver<u64> {
        let (sender, receiver) = channel();
        self.clients
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(sender);
        receiver
    }

    /// Tells every tab about a new build; forgets tabs that have gone.
    pub fn broadcast(&self, generation: u64) {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        clients.retain(|client| client.send(generation).is_ok());
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.clients.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// Streams build events to one tab until it goes away. The current generation is sent first so
/// a tab that connects after a rebuild still knows which build it shows.
pub fn stream(mut writer: Box<dyn Write + Send>, current: u64, events: Receiver<u64>) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\n";
    if write_flush(&mut writer, head).is_err() || write_flush(&mut writer, &event(current)).is_err()
    {
        return;
    }
    loop {
        let message = match events.recv_timeout(Duration::from_secs(15)) {
            Ok(generation) => event(generation),
            // A comment line keeps proxies from closing the stream and reveals a vanished tab.
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if write_flush(&mut writer, &message).is_err() {
            return;
        }
    }
}

fn event(generation: u64) -> String {
    format!("event: build\ndata: {generation}\n\n")
}

fn write_flush(writer: &mut Box<dyn Write + Send>, text: &str) -> std::io::Result<()> {
    writer.write_all(text.as_bytes())?;
    writer.flush()
}

/// Adds the live script, and the overlay when the latest build failed, before `</body>`.
pub fn inject(html: &[u8], problems: &[Diagnostic], generation: u64) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let mut addition = String::new();
    if !problems.is_empty() {
        addition.push_str(&overlay(problems));
    }
    addition.push_str(&format!(
        "<script src=\"{SCRIPT_PATH}\" data-generation=\"{generation}\" defer></script>"
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
        let plain = String::from_utf8(inject(html, &[], 3)).unwrap();
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
        let with = String::from_utf8(inject(html, &[d], 4)).unwrap();
        assert!(with.contains("<code>content/customers/&lt;a&gt;.md:3:9</code> <strong>error[E012]</strong> x must be 1..5, found 7"), "{with}");
        assert!(with.find("dossier-overlay").unwrap() < with.find("</body>").unwrap());
    }

    #[test]
    fn hub_forgets_gone_tabs() {
        let hub = Hub::default();
        let kept = hub.subscribe();
        drop(hub.subscribe());
        hub.broadcast(7);
        assert_eq!(hub.len(), 1);
        assert_eq!(kept.recv().unwrap(), 7);
    }
}
