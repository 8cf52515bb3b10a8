//! The progress bar of a long `dossier build`, for a person watching a terminal.
//!
//! Nothing is drawn when standard error is not a terminal, with `--quiet`, or on CI (`CI`
//! set), so logs and the other output stay exactly as without it; and nothing for a short
//! build: the bar appears once the site is known to be big or the build has run for a while,
//! and is cleared before the summary line is printed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::site::Progress;

/// A site with more pages than this shows the bar at once.
pub const MIN_PAGES: usize = 1000;
/// Any build still running after this long shows it.
pub const AFTER: Duration = Duration::from_millis(500);

/// Whether a person is watching: standard error is a terminal, no `--quiet`, not on CI.
pub fn watched(stderr_tty: bool, quiet: bool, ci: bool) -> bool {
    stderr_tty && !quiet && !ci
}

/// Whether to draw the bar now: someone is [`watched`] and the build is long, a site of more
/// than [`MIN_PAGES`] pages (`pages` is 0 while unknown) or one running for [`AFTER`].
pub fn show(stderr_tty: bool, quiet: bool, ci: bool, pages: usize, elapsed: Duration) -> bool {
    watched(stderr_tty, quiet, ci) && (pages > MIN_PAGES || elapsed >= AFTER)
}

/// Draws `progress` on standard error until `stop` is set, then clears the bar. Call it on
/// its own thread, only when [`watched`].
pub fn draw(progress: &Progress, stop: &AtomicBool, started: Instant) {
    let mut bar: Option<ProgressBar> = None;
    while !stop.load(Ordering::Acquire) {
        let total = progress.total.load(Ordering::Relaxed);
        let done = progress.done.load(Ordering::Relaxed);
        if bar.is_none() && show(true, false, false, total, started.elapsed()) {
            let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template("{spinner} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            b.set_message("checking and analysing the records…");
            bar = Some(b);
        }
        if let Some(b) = &bar {
            if total > 0 && b.length().is_none() {
                b.set_style(
                    ProgressStyle::with_template(
                        "{spinner} rendering [{bar:30}] {pos}/{len} pages, {elapsed}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                b.set_length(total as u64);
            }
            if total > 0 {
                b.set_length(total.max(done) as u64);
                b.set_position(done as u64);
            } else {
                b.tick();
            }
        }
        std::thread::sleep(Duration::from_millis(80));
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_watched_long_build_shows_progress() {
        let long = Duration::from_secs(2);
        let short = Duration::from_millis(100);
        // A terminal, no --quiet, not on CI: big sites at once, small ones after a while.
        assert!(show(true, false, false, 10_000, short));
        assert!(show(true, false, false, 0, long));
        assert!(!show(true, false, false, 200, short));
        assert!(!show(true, false, false, MIN_PAGES, short));
        assert!(show(true, false, false, MIN_PAGES + 1, Duration::ZERO));
        assert!(show(true, false, false, 10, AFTER));
        // Piped or redirected, --quiet, or on CI: never, however big or long.
        for (tty, quiet, ci) in [
            (false, false, false),
            (true, true, false),
            (true, false, true),
            (false, true, true),
        ] {
            assert!(!watched(tty, quiet, ci));
            assert!(!show(tty, quiet, ci, 50_000, long), "{tty} {quiet} {ci}");
        }
    }
}
