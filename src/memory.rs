//! When freed memory goes back to the system. The allocator (mimalloc, set in `main.rs`) hands
//! it back a second after it was freed, in whatever thread allocates next, and the next use of
//! that memory costs a page fault and the kernel zeroing a fresh page. Neither suits us:
//! `build` frees and reuses hundreds of megabytes within seconds and then exits, and the dev
//! server's rebuilds should not pay for the search index's garbage.

/// mimalloc's `mi_option_purge_delay` (milliseconds; -1: never). The `libmimalloc-sys`
/// bindings lack a constant for it, so its place in `mi_option_e` (mimalloc 3's `mimalloc.h`)
/// is written here; a test checks that the option there has the purge delay's default.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps freed memory for reuse until the process ends: for `build` and `check`, which are
/// short-lived. Measured on the 10,000-item synthetic hub: about a fifth off the build's wall
/// time (page zeroing was 15% of its CPU time), the same peak memory.
///
/// It also turns transparent huge pages off for the process. mimalloc asks for them on its
/// arenas, and then each first touch of a 2 MB region has the kernel zero all of it: 7% of a
/// 10,000-item build's CPU samples were that zeroing, and the untouched rest of each region
/// counted in its peak memory. Without them (tmpfs, 10,000 items, three runs each): wall
/// 3.06-3.39 s -> 2.67-3.01 s, peak 362-387 MB -> 331-339 MB.
pub fn keep_freed_memory() {
    // SAFETY: `mi_option_set` takes an option number and a value and touches only the
    // allocator's options; it is called before any other thread is started.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) }
    no_huge_pages();
}

fn no_huge_pages() {
    // Process-wide, existing mappings included (mimalloc made its first arena before `main`);
    // the kernel checks it at each page fault. Where it is not offered, nothing changes.
    #[cfg(target_os = "linux")]
    // SAFETY: `prctl` with PR_SET_THP_DISABLE takes plain integers and changes only this
    // process's memory policy.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Returns memory freed since the last time to the system now, while nothing waits: the dev
/// server calls it when idle. (Otherwise, after a search index build, the next rebuild paid
/// 5 to 15 ms for it.)
pub fn return_freed_memory() {
    // SAFETY: `mi_collect` takes a flag and touches only the allocator's own state; calling it
    // from any thread at any time is allowed. When mimalloc is not the global allocator (unit
    // tests), it tidies mimalloc's empty heap and nothing else.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_where_we_think() {
        // mimalloc 3 purges after 1000 ms by default; no other option of its has that default.
        // SAFETY: reads an option.
        let value = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(value, 1000);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn short_lived_commands_turn_transparent_huge_pages_off() {
        no_huge_pages();
        // SAFETY: reads this process's setting.
        let off = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
        assert_eq!(off, 1);
    }
}
