//! How the binaries use memory from the kernel.

/// Turns off transparent huge pages for this process (Linux; elsewhere nothing).
///
/// mimalloc asks for huge pages on its arenas where the system allows them on request
/// (`madvise`, Debian's default). The kernel then zeroes 2 MiB on the first touch of each, and
/// again after mimalloc hands part of one back: at 10k records that was 17 % of a build's CPU
/// in `clear_page_erms`, with 40 MB more peak memory. Without them a 10k build took 17 % less
/// CPU and time and 17 % less memory, and the preview's saves were as fast
/// (docs/performance.md, "Transparent huge pages"). The setting is the process's own
/// (`prctl(PR_SET_THP_DISABLE)`, inherited by children); the system's stays as it is.
pub fn without_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE reads only its integer arguments; it changes how
    // the kernel backs this process's future page faults, nothing Rust relies on.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Frees `value` on a thread of its own, so that whoever waits for the caller does not wait for
/// the freeing: the preview lets go of the last rebuild's analysis of 10,000 records (~12 ms
/// of frees) while the site is still being made, and a page is consistent that much sooner.
/// Values are freed in the order they are handed over.
pub fn drop_later<T: Send + 'static>(value: T) {
    type Garbage = Box<dyn Send>;
    static DROPPER: std::sync::OnceLock<Option<std::sync::mpsc::Sender<Garbage>>> =
        std::sync::OnceLock::new();
    let dropper = DROPPER.get_or_init(|| {
        let (send, receive) = std::sync::mpsc::channel::<Garbage>();
        std::thread::Builder::new()
            .name("drop-later".into())
            .spawn(move || receive.into_iter().for_each(drop))
            .ok()
            .map(|_| send)
    });
    // Without the thread (it could not start), or after it ended, the value is freed here.
    if let Some(dropper) = dropper {
        let _ = dropper.send(Box::new(value));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    /// Sets its flag when dropped on the `drop-later` thread.
    struct Flag(Arc<AtomicBool>);

    impl Drop for Flag {
        fn drop(&mut self) {
            let there = std::thread::current().name() == Some("drop-later");
            self.0.store(there, Ordering::SeqCst);
        }
    }

    #[test]
    fn a_value_dropped_later_is_dropped_on_another_thread() {
        let dropped = Arc::new(AtomicBool::new(false));
        super::drop_later(Flag(Arc::clone(&dropped)));
        let deadline = Instant::now() + Duration::from_secs(10);
        while !dropped.load(Ordering::SeqCst) {
            assert!(Instant::now() < deadline, "not dropped on its own thread");
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}
