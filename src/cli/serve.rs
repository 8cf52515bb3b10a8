//! `dossier serve`: the live preview for editors.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::{Cli, EXIT_OK, Output};
use crate::diagnostics::{Format, RenderOptions, render};
use crate::serve::{Files, FirstPages, Preview, Rebuild, ServeOptions, Update};
use crate::site::{self, BuildOptions, PreviewCache};
use crate::terminal::escape;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The port; 0 picks any free port.
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// The address to listen on. Anything but loopback exposes the preview to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Open the preview in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Poll for changes instead of using the file system's events (network drives, some VMs).
    #[arg(long)]
    pub poll: bool,
    /// Also answer requests for this host name (repeatable). The preview answers only
    /// localhost and IP addresses by default, so that other web sites cannot read it through
    /// DNS rebinding; allow a name you reach it by (a tunnel, a name in /etc/hosts).
    #[arg(long = "allow-host", value_name = "NAME", value_parser = crate::serve::host::parse_allowed_name)]
    pub allow_host: Vec<String>,
    /// Preview the site of this audience of site.yaml `audiences`.
    #[arg(long, value_name = "NAME")]
    pub audience: Option<String>,
}

pub fn run(cli: &Cli, args: &ServeArgs, output: Output) -> anyhow::Result<u8> {
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this machine can read the preview",
            args.bind
        );
    }
    if let Some(name) = &args.audience
        && let Some(config) = crate::validate::read_config(&cli.root, cli.config.as_deref())
        && config.audience(name).is_none()
    {
        // A typo would otherwise serve an error page until the server is restarted.
        anyhow::bail!(
            "{}",
            crate::site::BuildError::UnknownAudience {
                name: name.clone(),
                known: crate::site::known_audiences(&config),
            }
        );
    }
    let root = cli.root.clone();
    let options = BuildOptions {
        config: cli.config.clone(),
        // The preview is served at the root of its own address, whatever site.yaml says.
        base_url: Some("/".to_string()),
        audience: args.audience.clone(),
        ..BuildOptions::default()
    };
    let cache = Arc::new(Mutex::new(PreviewCache::default()));
    let rebuild = move |changed: Option<&[String]>, first: &FirstPages| {
        rebuild(&root, &options, &cache, changed, output, first)
    };
    let serve_options = ServeOptions {
        root: cli.root.clone(),
        bind: args.bind,
        port: args.port,
        poll: args.poll,
        allowed_hosts: args.allow_host.clone(),
        limits: crate::serve::Limits::default(),
    };
    let preview = Preview::start(&serve_options, rebuild)?;
    let url = preview.url();
    println!(
        "serving {} at {url} (Ctrl-C to stop)",
        escape(&cli.root.display().to_string())
    );
    if args.open {
        open_browser(&url);
    }
    preview.wait();
    Ok(EXIT_OK)
}

/// One build into memory; problems go to the terminal and, through the overlay, to the page.
/// A changed search index is built after the pages are published.
fn rebuild(
    root: &std::path::Path,
    options: &BuildOptions,
    cache: &Arc<Mutex<PreviewCache>>,
    changed: Option<&[String]>,
    output: Output,
    first: &FirstPages,
) -> Rebuild {
    let started = Instant::now();
    let lock = || {
        cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    };
    let first = |pages: Files| {
        if output.verbose {
            let names: Vec<&str> = pages.keys().map(String::as_str).collect();
            eprintln!(
                "  published {} first, {} ms into the rebuild",
                escape(&names.join(", ")),
                started.elapsed().as_millis()
            );
        }
        first(pages);
    };
    let result = {
        let mut locked = lock();
        locked.changed_since_last_build(root, changed);
        site::render_cached_first(root, options, &mut locked, &first)
    };
    match result {
        Ok(Ok(rendered)) => {
            if !output.quiet {
                eprintln!(
                    "built {} pages in {} ms",
                    rendered.pages(),
                    started.elapsed().as_millis()
                );
            }
            if output.verbose {
                super::build::print_phases(&rendered.phases, &rendered.groups);
            }
            match rendered.pending {
                None => Rebuild::Built(rendered.files),
                Some(pending) => {
                    let cache = cache.clone();
                    let then = move || {
                        let started = Instant::now();
                        let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
                        let update = pending.build(&mut cache);
                        if output.verbose {
                            let what = match update.remade {
                                crate::index::Updated::Files(n) => format!("{n} files updated"),
                                crate::index::Updated::Whole => "rebuilt whole".to_string(),
                                crate::index::Updated::Nothing => "unchanged".to_string(),
                            };
                            eprintln!(
                                "  search index {what} after the pages in {} ms",
                                started.elapsed().as_millis()
                            );
                        }
                        Update {
                            remove: update.remove,
                            files: update.files,
                        }
                    };
                    Rebuild::BuiltThen(rendered.files, Box::new(then))
                }
            }
        }
        Ok(Err(invalid)) => {
            let text = render(
                &invalid.report,
                &invalid.sources,
                RenderOptions {
                    format: Format::Concise,
                    color: output.color,
                },
            );
            eprint!("{text}");
            eprintln!("the site is invalid: still serving the last good build");
            Rebuild::Failed(invalid.report.diagnostics().to_vec())
        }
        Err(error) => {
            eprintln!("error: {}", escape(&format!("{error:#}")));
            let d = crate::diagnostics::Diagnostic::new(
                crate::diagnostics::Code::Unreadable,
                "site.yaml",
                crate::yaml::Pos { line: 1, column: 1 },
                error.to_string(),
            );
            Rebuild::Failed(vec![d])
        }
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("note: could not open a browser ({opener}: {e}); open {url} yourself");
    }
}
