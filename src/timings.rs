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
                "timing: {stage:<28} {:>8.1} ms  (memory {} MB, peak {} MB)",
                (now - self.last).as_secs_f64() * 1000.0,
                status_mb("VmRSS:"),
                status_mb("VmHWM:"),
            );
        }
        self.last = now;
    }
}

/// A memory figure of this process from `/proc/self/status` (`VmRSS:` now, `VmHWM:` its
/// peak), in MB; "?" where there is no such file.
fn status_mb(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or_else(|| "?".into(), |kb| (kb * 1024 / 1_000_000).to_string())
}
