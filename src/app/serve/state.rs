//! What `kamsite serve` serves: the last good build, held in memory. A build opens and
//! analyses the portfolio (and its baseline and reviews, as asked) and prepares the sites'
//! views; pages are rendered when a browser asks for them (and kept until the next build)
//! through the very function `kamsite build` writes with, so the preview equals a build byte
//! for byte and nothing is ever written to disk.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::Event;
use crate::app::{BuildPlan, Built, Error};
use crate::diagnostics::{self, Format};
use crate::validate::Cache;

/// One good build: the sites and the pages rendered from them so far.
pub struct Snapshot {
    built: Built,
    pages: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

impl Snapshot {
    /// Opens, analyses and prepares what `plan` asks for; problems as the text to show.
    pub fn build(plan: &BuildPlan, cache: &Cache) -> Result<Snapshot, String> {
        let built = Built::open(plan, Some(cache)).map_err(|e| match e {
            Error::Invalid { diagnostics, .. } | Error::Review { diagnostics, .. }
                if !diagnostics.is_empty() =>
            {
                diagnostics
                    .iter()
                    .map(|d| diagnostics::render(d, Format::Human, false))
                    .collect()
            }
            other => other.to_string(),
        })?;
        Ok(Snapshot {
            built,
            pages: Mutex::new(HashMap::new()),
        })
    }

    /// The file at `path` (relative to the site root; a folder means its `index.html`).
    pub fn get(&self, path: &str) -> Option<Result<Arc<Vec<u8>>, String>> {
        if let Some(hit) = lock(&self.pages).get(path) {
            return Some(Ok(Arc::clone(hit)));
        }
        // Rendered outside the lock: two requests for one new page may both render it, which
        // costs a little time and no correctness (the bytes are the same).
        let bytes = match self.built.render(path)? {
            Ok(b) => Arc::new(b),
            Err(e) => return Some(Err(e.to_string())),
        };
        lock(&self.pages).insert(path.to_string(), Arc::clone(&bytes));
        Some(Ok(bytes))
    }
}

/// A poisoned lock only means another thread panicked mid-update; the data is still usable.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the event stream reports.
#[derive(Default)]
pub struct Status {
    /// Bumped after every build attempt, good or bad.
    pub attempts: u64,
    /// Why the latest build failed (the last good site is still served).
    pub problem: Option<String>,
}

/// Where the preview's events go.
pub type Events = Box<dyn Fn(Event<'_>) + Send + Sync>;

/// The server's state, shared by the watcher and the connection threads: no statics.
pub struct Preview {
    pub plan: BuildPlan,
    events: Events,
    /// Parsed account files, kept across rebuilds: a save re-parses only what changed.
    cache: Cache,
    site: Mutex<Option<Arc<Snapshot>>>,
    /// Held while building: one build at a time, so the last to start is the one served.
    building: Mutex<()>,
    status: Mutex<Status>,
    changed: Condvar,
}

impl Preview {
    pub fn new(plan: BuildPlan, events: Events) -> Preview {
        Preview {
            plan,
            events,
            cache: Cache::default(),
            site: Mutex::new(None),
            building: Mutex::new(()),
            status: Mutex::new(Status::default()),
            changed: Condvar::new(),
        }
    }

    /// Tells whoever started the preview.
    pub fn tell(&self, event: Event<'_>) {
        (self.events)(event);
    }

    /// The last good build, if there was one.
    pub fn site(&self) -> Option<Arc<Snapshot>> {
        lock(&self.site).clone()
    }

    /// Builds again; on failure keeps the last good site and records the problem. Tells every
    /// open page either way.
    pub fn rebuild(&self) {
        let _building = lock(&self.building);
        let started = std::time::Instant::now();
        let result = Snapshot::build(&self.plan, &self.cache);
        let mut status = lock(&self.status);
        status.attempts += 1;
        let mut old = None;
        match result {
            Ok(snapshot) => {
                old = lock(&self.site).replace(Arc::new(snapshot));
                status.problem = None;
                self.tell(Event::Rebuilt(started.elapsed().as_millis()));
            }
            Err(problem) => {
                self.tell(Event::Failed(&problem));
                status.problem = Some(problem);
            }
        }
        drop(status);
        self.changed.notify_all();
        // The previous build is freed after the pages heard of the new one: at 10,000
        // accounts freeing it takes longer than a reload should wait.
        drop(old);
    }

    /// The latest status once the number of attempts differs from `seen`, or `None` after
    /// `timeout` without news.
    pub fn wait(&self, seen: u64, timeout: Duration) -> Option<(u64, Option<String>)> {
        let status = lock(&self.status);
        let (status, result) = self
            .changed
            .wait_timeout_while(status, timeout, |s| s.attempts == seen)
            .unwrap_or_else(PoisonError::into_inner);
        (!result.timed_out()).then(|| (status.attempts, status.problem.clone()))
    }

    /// The number of attempts so far and the current problem.
    pub fn status(&self) -> (u64, Option<String>) {
        let s = lock(&self.status);
        (s.attempts, s.problem.clone())
    }
}
