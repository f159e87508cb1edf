//! Per-stage timings, printed to stderr when `KAMSITE_TIMINGS` is set, so performance work can
//! see where a build spends its time without a profiler.

use std::time::Instant;

/// Measures consecutive stages.
pub struct Timings {
    enabled: bool,
    last: Instant,
}

impl Timings {
    pub fn start() -> Timings {
        Timings {
            enabled: std::env::var_os("KAMSITE_TIMINGS").is_some(),
            last: Instant::now(),
        }
    }

    /// Records the time since the previous mark under `stage`.
    pub fn mark(&mut self, stage: &str) {
        let now = Instant::now();
        if self.enabled {
            eprintln!(
                "timing: {stage:<28} {:>8.1} ms",
                (now - self.last).as_secs_f64() * 1000.0
            );
        }
        self.last = now;
    }
}
