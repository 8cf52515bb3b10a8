//! `dossier serve`: a live preview. Builds into memory (never over the output folder), serves it
//! with its own small HTTP/1.1 server (`http`) to localhost only (`host`), watches the sources,
//! rebuilds on change and makes open tabs reload.

mod handler;
pub mod host;
mod http;
mod live;
pub mod mime;
pub mod path;
mod site_state;
mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};

use crate::diagnostics::{Code, Diagnostic};
use crate::yaml::Pos;

pub use http::Limits;
use site_state::SiteState;
pub use site_state::{Files, FollowUp, Rebuild, Update};

/// Publishes pages of a build ahead of the rest; see [`Preview::start`].
pub type FirstPages<'a> = dyn Fn(Files) + Sync + 'a;

#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub poll: bool,
    /// Host names answered besides `localhost` and IP addresses (see [`host`]).
    pub allowed_hosts: Vec<String>,
    pub limits: Limits,
}

/// A running preview server, for the CLI and for tests.
pub struct Preview {
    pub address: SocketAddr,
    _server: http::Server,
    _watcher: watch::Watcher,
}

impl Preview {
    /// Binds, builds once, and starts serving and watching in background threads.
    /// `rebuild` builds the site, given the site-relative paths of the sources that changed
    /// since its last call (`None`: the first build, or the watcher may have missed some); it
    /// may hand pages it has ready before the rest (the dossiers of edited records) to the
    /// function it is given, which publishes them at once.
    pub fn start<F>(options: &ServeOptions, rebuild: F) -> anyhow::Result<Preview>
    where
        F: Fn(Option<&[String]>, &FirstPages<'_>) -> Rebuild + Send + Sync + 'static,
    {
        let listener = bind(options.bind, options.port)?;
        let address = listener.local_addr().context("reading the bound address")?;
        let state = SiteState::default();
        let hub = live::Hub::new(options.limits.max_event_streams);
        let (published, then) = state.apply(guarded(&[], || rebuild(None, &|_| {})));
        // It holds the files: kept, it would make the update below copy them all.
        drop(published);
        if let Some(then) = then {
            drop(state.update(then()));
        }
        rayon::broadcast(|_| release_freed_memory());
        let site = handler::Site {
            state: state.clone(),
            hub: hub.clone(),
            hosts: host::AllowedHosts::new(&options.allowed_hosts),
        };
        let server = http::Server::start(
            listener,
            options.limits,
            Arc::new(move |request: &http::Request| handler::answer(request, &site)),
        )
        .context("starting the HTTP server")?;
        let pool = rebuild_pool();
        let on_change = move |changed: Option<&[String]>| {
            let rebuild_and_publish = || {
                let first = |pages: Files| hub.broadcast(state.publish_first(pages));
                let named = changed.unwrap_or_default();
                let (published, then) = state.apply(guarded(named, || rebuild(changed, &first)));
                hub.broadcast(published);
                // The search index, after the pages: the reload does not wait for it.
                if let Some(then) = then
                    && let Ok(update) = std::panic::catch_unwind(AssertUnwindSafe(then))
                {
                    hub.broadcast(state.update(update));
                }
            };
            match &pool {
                Some(pool) => {
                    pool.install(rebuild_and_publish);
                    pool.broadcast(|_| release_freed_memory());
                }
                None => rebuild_and_publish(),
            }
            release_freed_memory();
        };
        let watcher = watch::watch(&options.root, options.poll, on_change)?;
        Ok(Preview {
            address,
            _server: server,
            _watcher: watcher,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }

    /// Serves until the process is stopped (Ctrl-C ends it; nothing is written to disk).
    pub fn wait(self) {
        loop {
            std::thread::park();
        }
    }
}

/// Runs a rebuild; one that panics (a bug of dossier on some input) becomes a failed build, so
/// that its overlay shows and the watcher, whose thread would otherwise die with it, keeps
/// watching. `changed` names the sources whose change started it.
fn guarded(changed: &[String], rebuild: impl FnOnce() -> Rebuild) -> Rebuild {
    match std::panic::catch_unwind(AssertUnwindSafe(rebuild)) {
        Ok(rebuild) => rebuild,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_string());
            let file = changed.first().map_or("content", String::as_str);
            eprintln!(
                "error: dossier failed while rebuilding ({what}); still serving the last good build"
            );
            Rebuild::Failed(vec![
                Diagnostic::new(
                    Code::Internal,
                    file,
                    Pos { line: 1, column: 1 },
                    format!("dossier failed while rebuilding after this change: {what}"),
                )
                .help(
                    "this is a bug in dossier, not in the file: please report it with the file; \
                     meanwhile undo the change, the preview keeps watching",
                ),
            ])
        }
    }
}

fn bind(ip: IpAddr, port: u16) -> anyhow::Result<TcpListener> {
    match TcpListener::bind((ip, port)) {
        Ok(listener) => Ok(listener),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            bail!(
                "port {port} on {ip} is already in use; choose another with --port, or --port 0 for any free port"
            )
        }
        Err(e) => Err(e).with_context(|| format!("cannot listen on {ip}:{port}")),
    }
}

/// The threads that rebuild after a change, at a lower CPU priority than the rest of the
/// machine: once the edited page is published, the browser reloading it (and the server's
/// request threads) get the cores before the rest of the rebuild. On an idle machine this
/// changes nothing.
fn rebuild_pool() -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("dossier-rebuild-{i}"))
        .start_handler(|_| lower_priority())
        .build()
        .ok()
}

// The allocator of the `dossier` binary (its C library comes with the mimalloc crate).
use mimalloc as _;
unsafe extern "C" {
    fn mi_collect(force: bool);
}

/// Gives the memory this thread freed back to the system. mimalloc keeps the pages a thread
/// freed, to purge them when that thread next allocates; the rebuild threads then idle until
/// the next save, holding 100–120 MB at 10k records (docs/performance.md, "Preview server").
/// Called on every rebuild thread once the whole site is published, off the save's path. With
/// another global allocator (tests) it finds nothing to collect.
fn release_freed_memory() {
    // SAFETY: mi_collect takes no pointer; on a thread mimalloc never served it returns at once.
    unsafe { mi_collect(true) }
}

#[cfg(target_os = "linux")]
fn lower_priority() {
    // On Linux, PRIO_PROCESS with id 0 sets the nice value of the calling thread only. A
    // failure leaves the normal priority, which is only slower.
    // SAFETY: setpriority reads its three integer arguments and nothing else.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}
