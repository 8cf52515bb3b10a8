//! Tuning of the allocator (mimalloc, the `dossier` binary's) for one-shot commands.

use std::os::raw::{c_int, c_long};

unsafe extern "C" {
    fn mi_option_set(option: c_int, value: c_long);
}

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (the same place in its v2 and v3).
const PURGE_DELAY: c_int = 15;

/// Lets mimalloc keep the memory a build frees for a second before giving it back to the
/// system (10 ms by default). A build frees and allocates again all the time (page contexts,
/// index terms): with the default, the system had to give it fresh, zeroed pages about
/// 200,000 times at 10k records, ~10 % of the build's CPU; the peak grows by a few MB
/// (docs/performance.md, "HEAD from the build's own check"). The preview keeps the default:
/// it gives memory back between saves. `MIMALLOC_PURGE_DELAY`, when set, wins. With another
/// global allocator (tests) this only sets an option no one reads.
pub fn hold_freed_memory_for_a_while() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: mi_option_set takes plain integers; an option index mimalloc does not know is
    // ignored.
    unsafe { mi_option_set(PURGE_DELAY, 1000) }
}
