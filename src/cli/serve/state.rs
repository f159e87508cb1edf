//! What `kamsite serve` serves: the site of the last good build, held in memory. A build opens
//! and analyses the portfolio and prepares the site's views; pages are rendered when a browser
//! asks for them (and kept until the next build) through the very function `kamsite build`
//! uses, so the preview equals a build byte for byte and nothing is ever written to disk.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::analyse::Analysis;
use crate::diagnostics::{self, Format};
use crate::load::ParseCache;
use crate::project::{Error, Project, When};
use crate::site::{self, BuildError, Site};

type Analysed<'a> = Analysis<'a>;
type Prepared<'a> = Site<'a>;

self_cell::self_cell!(
    /// A project and its analysis (which borrows the project).
    struct ProjectAnalysis {
        owner: Project,
        #[covariant]
        dependent: Analysed,
    }
);

self_cell::self_cell!(
    /// The analysis and the site prepared from it (which borrows the analysis).
    struct Built {
        owner: ProjectAnalysis,
        #[covariant]
        dependent: Prepared,
    }
);

/// One good build: the site and the pages rendered from it so far.
pub struct Snapshot {
    built: Built,
    pages: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

impl Snapshot {
    /// Opens, analyses and prepares the portfolio at `dir`; problems as the text to show.
    pub fn build(dir: &std::path::Path, cache: &ParseCache) -> Result<Snapshot, String> {
        let project =
            Project::open_with(dir, When::default(), Some(cache)).map_err(|e| match e {
                Error::Invalid { diagnostics, .. } => diagnostics
                    .iter()
                    .map(|d| diagnostics::render(d, Format::Human, false))
                    .collect(),
                other => other.to_string(),
            })?;
        let analysed = ProjectAnalysis::new(project, |p| p.analyse(None));
        let built = Built::try_new(analysed, |a| {
            let project = a.borrow_owner();
            Site::new(
                &project.root,
                project.portfolio.overview.as_deref(),
                a.borrow_dependent(),
                site::Options::default(),
            )
        })
        .map_err(|e: BuildError| e.to_string())?;
        Ok(Snapshot {
            built,
            pages: Mutex::new(HashMap::new()),
        })
    }

    /// The file at `path` (relative to the site root; a folder means its `index.html`).
    pub fn get(&self, path: &str) -> Option<Result<Arc<Vec<u8>>, String>> {
        let site = self.built.borrow_dependent();
        let (path, file) = match site.file(path) {
            Some(f) => (path.to_string(), f),
            None => {
                let index = format!("{}index.html", with_slash(path));
                let f = site.file(&index)?;
                (index, f)
            }
        };
        if let Some(hit) = lock(&self.pages).get(&path) {
            return Some(Ok(Arc::clone(hit)));
        }
        // Rendered outside the lock: two requests for one new page may both render it, which
        // costs a little time and no correctness (the bytes are the same).
        let bytes = match site.render(file) {
            Ok(b) => Arc::new(b),
            Err(e) => return Some(Err(e.to_string())),
        };
        lock(&self.pages).insert(path, Arc::clone(&bytes));
        Some(Ok(bytes))
    }
}

fn with_slash(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
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

/// The server's state, shared by the watcher and the connection threads: no statics.
pub struct Preview {
    pub portfolio: PathBuf,
    /// Parsed account files, kept across rebuilds: a save re-parses only what changed.
    cache: ParseCache,
    site: Mutex<Option<Arc<Snapshot>>>,
    status: Mutex<Status>,
    changed: Condvar,
}

impl Preview {
    pub fn new(portfolio: PathBuf) -> Preview {
        Preview {
            portfolio,
            cache: ParseCache::default(),
            site: Mutex::new(None),
            status: Mutex::new(Status::default()),
            changed: Condvar::new(),
        }
    }

    /// The last good build, if there was one.
    pub fn site(&self) -> Option<Arc<Snapshot>> {
        lock(&self.site).clone()
    }

    /// Builds again; on failure keeps the last good site and records the problem. Tells every
    /// open page either way.
    pub fn rebuild(&self) {
        let started = std::time::Instant::now();
        let result = Snapshot::build(&self.portfolio, &self.cache);
        let mut status = lock(&self.status);
        status.attempts += 1;
        match result {
            Ok(snapshot) => {
                *lock(&self.site) = Some(Arc::new(snapshot));
                status.problem = None;
                anstream::eprintln!("rebuilt in {} ms", started.elapsed().as_millis());
            }
            Err(problem) => {
                anstream::eprintln!("{problem}");
                status.problem = Some(problem);
            }
        }
        drop(status);
        self.changed.notify_all();
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
