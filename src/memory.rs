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
