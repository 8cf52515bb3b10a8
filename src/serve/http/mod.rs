//! The preview's HTTP/1.1 server, over `std::net` with one thread per connection and a cap on
//! connections. Request heads are parsed by `httparse`; everything else is here: time limits
//! for reading a head and for every write, a size limit on heads, pipelining, and the answers
//! to what it refuses (400, 408, 414, 431, 503, 505). docs/preview.md says what it defends
//! against and why.
//!
//! A thread per connection keeps a client that never reads from holding anyone else up: its
//! thread waits on its socket alone, until the write timeout drops it.

mod connection;
mod message;

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

pub use message::{Answer, Method, Request, Response};

/// Answers a request; called on the connection's thread.
pub type Handler = dyn Fn(&Request) -> Answer + Send + Sync;

/// What one client may cost the server.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Open connections (event streams included); the next one is answered 503 and closed.
    pub max_connections: usize,
    /// Open live-reload event streams (one per tab); the next one is answered 503.
    pub max_event_streams: usize,
    /// The request line and header fields together; beyond, 414 or 431.
    pub max_head_bytes: usize,
    /// How long a request head may take to arrive, counted from the end of the previous
    /// response (so also how long an idle connection stays open).
    pub request_timeout: Duration,
    /// How long one write to a client may block: a client that stops reading is dropped.
    pub write_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 128,
            max_event_streams: 32,
            max_head_bytes: 32 * 1024,
            request_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
        }
    }
}

/// A running server; dropping it stops accepting connections (open ones finish by themselves).
pub struct Server {
    stopped: Arc<AtomicBool>,
    address: SocketAddr,
}

impl Server {
    /// Accepts connections on `listener` in a background thread.
    pub fn start(
        listener: TcpListener,
        limits: Limits,
        handler: Arc<Handler>,
    ) -> std::io::Result<Server> {
        let address = listener.local_addr()?;
        let stopped = Arc::new(AtomicBool::new(false));
        let stop = stopped.clone();
        std::thread::Builder::new()
            .name("dossier-http".into())
            .spawn(move || accept(&listener, &limits, &handler, &stop))?;
        Ok(Server { stopped, address })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        // Wakes the accepting thread, which then sees the flag. An unspecified bind address
        // (0.0.0.0, ::) is reached through loopback.
        let mut wake = self.address;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake {
                SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
    }
}

fn accept(listener: &TcpListener, limits: &Limits, handler: &Arc<Handler>, stop: &AtomicBool) {
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else {
            // Out of file descriptors, most likely: let connections close before trying again.
            std::thread::sleep(Duration::from_millis(20));
            continue;
        };
        let Some(slot) = Slot::take(&open, limits.max_connections) else {
            refuse_busy(stream);
            continue;
        };
        let (limits, handler) = (*limits, handler.clone());
        let spawned = std::thread::Builder::new()
            .name("dossier-connection".into())
            .spawn(move || {
                let _slot = slot;
                connection::serve(stream, &limits, &*handler);
            });
        // A thread that cannot start drops its connection (and frees its slot).
        drop(spawned);
    }
}

/// One of the `max_connections` places, given back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(open: &Arc<AtomicUsize>, max: usize) -> Option<Slot> {
        open.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
            (n < max).then_some(n + 1)
        })
        .ok()
        .map(|_| Slot(open.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Answers a connection over the cap with 503, without a thread and without waiting: the
/// request already received is read first, so that closing does not reset the connection.
fn refuse_busy(mut stream: TcpStream) {
    if stream.set_nonblocking(true).is_err() {
        return;
    }
    let mut scratch = [0u8; 16 * 1024];
    while matches!(stream.read(&mut scratch), Ok(n) if n > 0) {}
    let response = Response::text(
        503,
        "dossier's preview has too many open connections; close some tabs or clients and reload\n",
    )
    .with_header("Retry-After", "1");
    let mut bytes = Vec::new();
    if response.write(&mut bytes, false, true).is_ok() {
        let _ = stream.write_all(&bytes);
    }
    let _ = stream.shutdown(Shutdown::Write);
}
