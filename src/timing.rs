//! Stage timings for benchmarks and profiling: with `IEHP_TIMINGS=1` set, each stage says how
//! long it took on stderr. Any stage may call it; it calls nothing.

use std::time::Instant;

/// With `IEHP_TIMINGS=1`, prints how long a stage took.
pub fn stage_time(stage: &str, since: Instant) {
    if std::env::var_os("IEHP_TIMINGS").is_some() {
        eprintln!("{stage}: {:.3} s", since.elapsed().as_secs_f64());
    }
}
