//! `dossier serve`: a live preview. Builds into memory (never over the output folder), serves it
//! with tiny_http, watches the sources, rebuilds on change and makes open tabs reload.

mod handler;
mod live;
pub mod mime;
pub mod path;
mod site_state;
mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};

use site_state::SiteState;
pub use site_state::{Files, FollowUp, Rebuild, Update};

/// Threads answering ordinary requests; a slow client holds one of them, not the server.
const WORKERS: usize = 16;

#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub poll: bool,
}

/// A running preview server, for the CLI and for tests.
pub struct Preview {
    pub address: SocketAddr,
    server: Arc<tiny_http::Server>,
    _watcher: watch::Watcher,
}

impl Preview {
    /// Binds, builds once, and starts serving and watching in background threads.
    pub fn start<F>(options: &ServeOptions, rebuild: F) -> anyhow::Result<Preview>
    where
        F: Fn() -> Rebuild + Send + Sync + 'static,
    {
        let listener = bind(options.bind, options.port)?;
        let address = listener.local_addr().context("reading the bound address")?;
        let server = Arc::new(
            tiny_http::Server::from_listener(listener, None)
                .map_err(|e| anyhow::anyhow!("starting the HTTP server: {e}"))?,
        );
        let state = SiteState::default();
        let hub = live::Hub::default();
        if let (_, Some(then)) = state.apply(rebuild()) {
            state.update(then());
        }
        for _ in 0..WORKERS {
            let (server, state, hub) = (server.clone(), state.clone(), hub.clone());
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    handler::handle(request, &state, &hub);
                }
            });
        }
        let on_change = move || {
            let (generation, then) = state.apply(rebuild());
            hub.broadcast(generation);
            // The search index, after the pages: the reload does not wait for it.
            if let Some(then) = then {
                state.update(then());
            }
        };
        let watcher = watch::watch(&options.root, options.poll, on_change)?;
        Ok(Preview {
            address,
            server,
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

impl Drop for Preview {
    fn drop(&mut self) {
        self.server.unblock();
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
