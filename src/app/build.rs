//! The one build behind `kamsite build`, `kamsite serve` and `kamsite pack`, as Zola's
//! `Site::load` + `build` and mdBook's `MDBook::load` + `build`: a [`BuildPlan`] (what the
//! command line asked for) becomes a [`Built`] — the current portfolio, its baseline, every
//! tagged review, their analyses and their sites, held in memory. `build` writes every file
//! of it into one staging folder and swaps it in; `serve` renders the file a browser asks for;
//! both through [`Built::render`], so the preview equals a build with the same options.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use super::project::{Error, Project, When};
use super::published;
use super::reviews::{self, Review};
use crate::analyse::trends::Column;
use crate::analyse::{Analysis, Baseline};
use crate::diagnostics::Diagnostic;
use crate::load::{Manifest, Root};
use crate::output::Staging;
use crate::site::{Archive, File, Options, Site};
use crate::validate::Cache;

/// What a build is asked to do: every option of `kamsite build`, and of `serve` and `pack`,
/// which take the same (SPEC §10 v1.2).
#[derive(Clone, Debug, Default)]
pub struct BuildPlan {
    pub portfolio: PathBuf,
    pub when: When,
    /// A git revision or a previous portfolio.json (`--baseline`).
    pub baseline: Option<String>,
    /// A tag glob (`--reviews 'review/*'`).
    pub reviews: Option<String>,
    pub incognito: bool,
}

/// Everything a build reads: the portfolio (loaded, valid, settled), the reviews, the baseline
/// it compares with, the templates and `static/`.
pub struct Inputs {
    pub project: Project,
    pub reviews: Vec<Review>,
    /// `--baseline`, resolved; `None` with reviews means "the newest review".
    baseline: Option<Baseline>,
    templates: crate::site::Templates,
    /// With reviews: what their sites depend on besides their revisions (see `published`).
    published: super::published::Basis,
    statics: Vec<(String, Vec<u8>)>,
    options: Options,
}

/// The analyses of the inputs.
pub struct Analyses<'a> {
    pub current: Analysis<'a>,
    pub reviews: Vec<Analysis<'a>>,
    /// The trend columns (the reviews oldest first, then now); empty without reviews.
    pub trends: Vec<Column>,
}

/// The sites of the analyses, ready to render.
pub struct Sites<'a> {
    current: Site<'a>,
    /// Each review's site with its folder (`reviews/review-2026-q3/`).
    reviews: Vec<(String, Site<'a>)>,
}

self_cell::self_cell!(
    /// The inputs and their analyses (which borrow them).
    pub struct Analysed {
        owner: Inputs,
        #[covariant]
        dependent: Analyses,
    }
);

self_cell::self_cell!(
    /// A build in memory: the analysed inputs and the sites made from them.
    pub struct Built {
        owner: Analysed,
        #[covariant]
        dependent: Sites,
    }
);

/// One file of the output: a file of a site (the current one, or review `n`'s), or a static
/// file of the portfolio.
#[derive(Clone, Copy, Debug)]
enum Source {
    Current(File),
    Review(usize, File),
    Static(usize),
}

/// What makes a [`Source`]'s file.
enum Origin<'s> {
    Site(&'s Site<'s>, File),
    Static(&'s [u8]),
}

/// A review's fingerprints in this build (see `published`): of what its site is made of, and
/// of its files when they were kept from the output.
#[derive(Clone, Copy, Debug)]
struct Published {
    inputs: Option<u128>,
    kept: Option<u128>,
}

/// What a build wrote, for the summary line.
#[derive(Debug)]
pub struct Report {
    pub pages: usize,
    /// Reviews whose sites were kept from the output as they were (unchanged since).
    pub kept: usize,
    pub seconds: f64,
    pub target: PathBuf,
    /// Something to tell the user although the build succeeded (see `output::Committed`).
    pub warning: Option<String>,
}

/// The fingerprint of `site`'s files as `read` gives them (see `published::files`).
fn files_fingerprint(
    site: &Site<'_>,
    read: impl Fn(&str) -> Option<Vec<u8>> + Sync,
) -> Option<u128> {
    let each: Option<Vec<u128>> = site
        .files()
        .par_iter()
        .map(|(p, _)| read(p).map(|bytes| published::file(&bytes)))
        .collect();
    let each = each?;
    Some(published::files(
        site.files().iter().map(|(p, _)| p.as_str()).zip(each),
    ))
}

/// The portfolio's template overrides (`templates/`), name and text. A template that cannot
/// be read is a problem of the portfolio, like any other file.
pub fn read_templates(root: &Root) -> Result<Vec<(String, String)>, String> {
    let files = crate::load::files_under(root, "templates")
        .map_err(|d| format!("{}: {}", d.file, d.message))?;
    files
        .into_iter()
        .map(|(name, path)| {
            crate::load::read_file(&path)
                .and_then(|b| String::from_utf8(b).map_err(std::io::Error::other))
                .map(|text| (name.clone(), text))
                .map_err(|e| {
                    format!(
                        "cannot read {}: {e}",
                        root.display(&format!("templates/{name}"))
                    )
                })
        })
        .collect()
}

/// What `build` reads beyond the plans, checked as `build` reads it: the portfolio's template
/// overrides (parsed, so that a broken one fails `check` and not only `build`) and `static/`
/// (links out of the portfolio, files that are not regular files). `check` passing means
/// `build` will not fail on input.
pub fn site_inputs(root: &Root) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // A link in templates/ that leads out of the portfolio or into a hidden file is reported
    // as such (before anyone reads it).
    if let Err(d) = crate::load::files_under(root, "templates") {
        out.push(d);
        if let Err(d) = crate::load::files_under(root, "static") {
            out.push(d);
        }
        return out;
    }
    let parsed =
        read_templates(root).and_then(|t| crate::site::templates(t).map_err(|e| e.to_string()));
    if let Err(m) = parsed {
        // Tera names the template it could not parse (`--> account.html:1:7`); name the file.
        let names = crate::load::files_under(root, "templates").unwrap_or_default();
        let file = names
            .iter()
            .find(|(n, _)| m.contains(&format!("--> {n}:")))
            .map_or_else(
                || "templates".to_string(),
                |(n, _)| format!("templates/{n}"),
            );
        let detail = m.trim_start_matches("error: ").trim_end().to_string();
        out.push(
            Diagnostic::error(
                root.display(&file),
                "the template does not parse; `build` would fail",
            )
            .with_help(Some(detail)),
        );
    }
    if let Err(d) = crate::load::files_under(root, "static") {
        out.push(d);
    }
    out
}

/// The files of `static/`, copied into the site as they are (read, never linked, so a link
/// inside cannot make kamsite write outside the output folder).
fn read_statics(root: &Root) -> Result<Vec<(String, Vec<u8>)>, String> {
    let files = crate::load::files_under(root, "static")
        .map_err(|d| format!("{}: {}", d.file, d.message))?;
    files
        .into_iter()
        .map(|(rel, path)| {
            crate::load::read_file(&path)
                .map(|bytes| (rel.clone(), bytes))
                .map_err(|e| {
                    format!(
                        "cannot read {}: {e}",
                        root.display(&format!("static/{rel}"))
                    )
                })
        })
        .collect()
}

impl Inputs {
    /// Opens everything `plan` asks for. `cache` holds parsed account files across calls (the
    /// preview keeps one); with reviews, a build shares one between the current portfolio and
    /// the reviews, since most account files are the same bytes at every tag. Without either,
    /// no cache: it would hold a second copy of every file for nothing.
    pub fn open(plan: &BuildPlan, cache: Option<&Cache>) -> Result<Inputs, Error> {
        let own = Cache::default();
        let cache = match (cache, &plan.reviews) {
            (Some(c), _) => Some(c),
            (None, Some(_)) => Some(&own),
            (None, None) => None,
        };
        let mut t = crate::timings::Timings::start();
        let program = plan
            .reviews
            .is_some()
            .then(super::published::Program::start);
        let project = Project::open_with(&plan.portfolio, plan.when, cache)?;
        t.mark("open (load … plausibility)");
        let reviews = match &plan.reviews {
            Some(pattern) => reviews::open_all(&plan.portfolio, pattern, cache.unwrap_or(&own))?,
            None => Vec::new(),
        };
        if plan.reviews.is_some() {
            t.mark("reviews: read, open");
        }
        let baseline = match &plan.baseline {
            Some(arg) => Some(super::baseline::resolve(arg, &plan.portfolio)?),
            None => None,
        };
        let overrides = read_templates(&project.root).map_err(Error::Output)?;
        let published = match program {
            Some(p) => super::published::Basis::of(p, &overrides, plan.incognito),
            None => super::published::Basis::default(),
        };
        let templates =
            crate::site::templates(overrides).map_err(|e| Error::Output(e.to_string()))?;
        let statics = read_statics(&project.root).map_err(Error::Output)?;
        t.mark("templates, static files");
        let archive = if reviews.is_empty() {
            Archive::None
        } else {
            Archive::Current
        };
        Ok(Inputs {
            project,
            reviews,
            baseline,
            templates,
            published,
            statics,
            options: Options {
                incognito: plan.incognito,
                archive,
            },
        })
    }
}

impl<'a> Analyses<'a> {
    fn of(inputs: &'a Inputs) -> Analyses<'a> {
        let mut t = crate::timings::Timings::start();
        let reviews = reviews::analyse_all(&inputs.reviews);
        // With reviews and no --baseline, the current site compares with the newest review.
        let newest = match &inputs.baseline {
            None => reviews::newest_baseline(&inputs.reviews, &reviews),
            Some(_) => None,
        };
        let baseline = inputs.baseline.as_ref().or(newest.as_ref());
        let mut current = inputs.project.analyse(baseline);
        // Against a git revision: who changed what since, uncommitted edits included.
        if let Some(commit) = baseline.and_then(|b| b.commit.as_deref()) {
            if let Ok(repo) = crate::load::git::Repository::of(&inputs.project.root.dir) {
                let who = super::history::between(&repo, commit, None, &inputs.project.portfolio);
                current = current.with_history(who);
            }
        }
        t.mark("analyse");
        let trends = if inputs.reviews.is_empty() {
            Vec::new()
        } else {
            inputs
                .reviews
                .par_iter()
                .zip(&reviews)
                .map(|(r, a)| Column::of(a, Some((&r.tag.name, &r.tag.commit))))
                .chain(rayon::iter::once(Column::of(&current, None)))
                .collect()
        };
        Analyses {
            current,
            reviews,
            trends,
        }
    }
}

impl Built {
    /// Opens, analyses and prepares everything `plan` asks for (`cache`: see [`Inputs::open`]).
    pub fn open(plan: &BuildPlan, cache: Option<&Cache>) -> Result<Built, Error> {
        let inputs = Inputs::open(plan, cache)?;
        let analysed = Analysed::new(inputs, |i| Analyses::of(i));
        let mut t = crate::timings::Timings::start();
        let built = Built::new(analysed, |a| {
            let inputs = a.borrow_owner();
            let analyses = a.borrow_dependent();
            let project = &inputs.project;
            let trends = (!analyses.trends.is_empty()).then_some(analyses.trends.as_slice());
            let current = Site::new(
                &inputs.templates,
                project.portfolio.overview.as_deref(),
                &analyses.current,
                inputs.options,
                trends,
            );
            let review_options = Options {
                archive: Archive::Review,
                ..inputs.options
            };
            let reviews = inputs
                .reviews
                .par_iter()
                .zip(&analyses.reviews)
                .map(|(r, analysis)| {
                    let site = Site::new(&inputs.templates, None, analysis, review_options, None)
                        .archived_as(&r.tag.name);
                    (format!("reviews/{}/", r.tag.slug()), site)
                })
                .collect();
            Sites { current, reviews }
        });
        t.mark("sites: views, summaries");
        Ok(built)
    }

    /// The current portfolio.
    pub fn project(&self) -> &Project {
        &self.borrow_owner().borrow_owner().project
    }

    /// The current portfolio's analysis.
    pub fn analysis(&self) -> &Analysis<'_> {
        &self.borrow_owner().borrow_dependent().current
    }

    /// How many reviews the build holds.
    pub fn reviews(&self) -> usize {
        self.borrow_owner().borrow_owner().reviews.len()
    }

    /// Every file of the output, by its path relative to the output's root.
    fn sources(&self) -> Vec<(String, Source)> {
        let sites = self.borrow_dependent();
        let statics = &self.borrow_owner().borrow_owner().statics;
        let mut out: Vec<(String, Source)> = sites
            .current
            .files()
            .iter()
            .map(|(p, f)| (p.clone(), Source::Current(*f)))
            .collect();
        for (n, (prefix, site)) in sites.reviews.iter().enumerate() {
            out.extend(
                site.files()
                    .iter()
                    .map(|(p, f)| (format!("{prefix}{p}"), Source::Review(n, *f))),
            );
        }
        out.extend(
            statics
                .iter()
                .enumerate()
                .map(|(i, (p, _))| (p.clone(), Source::Static(i))),
        );
        out
    }

    /// What makes a source's file: its site, or the portfolio's static file as it is.
    fn origin(&self, source: Source) -> Origin<'_> {
        let sites = self.borrow_dependent();
        match source {
            Source::Current(f) => Origin::Site(&sites.current, f),
            Source::Review(n, f) => Origin::Site(&sites.reviews[n].1, f),
            Source::Static(i) => Origin::Static(&self.borrow_owner().borrow_owner().statics[i].1),
        }
    }

    fn bytes(&self, source: Source) -> Result<Vec<u8>, Error> {
        match self.origin(source) {
            Origin::Site(site, file) => site.render(file).map_err(|e| Error::Output(e.to_string())),
            Origin::Static(bytes) => Ok(bytes.to_vec()),
        }
    }

    /// Writes one file into `staging`, as it is made ([`Site::write`]): nothing is held
    /// whole that need not be. A signal stops a file's writing at its next write.
    fn write_one(&self, staging: &Staging, path: &str, source: Source) -> Result<(), Error> {
        let (site, file) = match self.origin(source) {
            Origin::Site(site, file) => (site, file),
            Origin::Static(bytes) => {
                return staging
                    .write(path, bytes)
                    .map_err(|e| Error::Output(e.to_string()))
            }
        };
        let mut template = Ok(());
        let written = staging.write_with(path, |w| {
            template = site.write(file, w)?;
            Ok(())
        });
        // A template's error is what stopped the writing.
        template.map_err(|e| Error::Output(e.to_string()))?;
        written.map_err(|e| Error::Output(e.to_string()))
    }

    /// The file at `path` (relative to the output's root; a folder means its `index.html`),
    /// rendered now; `None` when the output has no such file.
    pub fn render(&self, path: &str) -> Option<Result<Vec<u8>, Error>> {
        let find = |path: &str| -> Option<Source> {
            let sites = self.borrow_dependent();
            if let Some(f) = sites.current.file(path) {
                return Some(Source::Current(f));
            }
            for (n, (prefix, site)) in sites.reviews.iter().enumerate() {
                if let Some(f) = path
                    .strip_prefix(prefix.as_str())
                    .and_then(|p| site.file(p))
                {
                    return Some(Source::Review(n, f));
                }
            }
            let statics = &self.borrow_owner().borrow_owner().statics;
            statics
                .iter()
                .position(|(p, _)| p == path)
                .map(Source::Static)
        };
        let source = find(path).or_else(|| {
            let folder = if path.is_empty() || path.ends_with('/') {
                path.to_string()
            } else {
                format!("{path}/")
            };
            find(&format!("{folder}index.html"))
        })?;
        Some(self.bytes(source))
    }

    /// Writes every file into a staging folder beside `out`, in parallel, and swaps it in:
    /// nothing is written unless everything succeeded. `on_account_page` is called after each
    /// account page of the current site (for a progress bar).
    pub fn write(&self, out: &Path, on_account_page: &(dyn Fn() + Sync)) -> Result<Report, Error> {
        let started = Instant::now();
        let mut t = crate::timings::Timings::start();
        let project = self.project();
        let manifest = Manifest::new(&project.portfolio.config);
        let staging = Staging::new(out, &project.root.dir, &manifest)
            .map_err(|e| Error::Output(e.to_string()))?;
        let kept = self.keep_published(&staging)?;
        if !kept.is_empty() {
            t.mark("reviews kept as published");
        }
        let sources: Vec<(String, Source)> = self
            .sources()
            .into_iter()
            .filter(|(_, s)| !matches!(s, Source::Review(n, _) if kept[*n].kept.is_some()))
            .collect();
        // Every file is one job in one parallel pass: the big list pages render while account
        // pages do, instead of before them.
        sources.par_iter().try_for_each(|(path, source)| {
            self.write_one(&staging, path, *source)?;
            if let Source::Current(File::Page(crate::site::Page::Account(_))) = source {
                on_account_page();
            }
            Ok::<(), Error>(())
        })?;
        self.stamp_reviews(&staging, &kept)?;
        let sites = self.borrow_dependent();
        let pages = std::iter::once(&sites.current)
            .chain(sites.reviews.iter().map(|(_, site)| site))
            .map(Site::pages)
            .sum();
        t.mark("pages, assets, exports, static");
        let committed = staging.commit().map_err(|e| Error::Output(e.to_string()))?;
        t.mark("commit (swap + remove old)");
        Ok(Report {
            pages,
            kept: kept.iter().filter(|p| p.kept.is_some()).count(),
            seconds: started.elapsed().as_secs_f64(),
            target: committed.target,
            warning: committed.warning,
        })
    }

    /// Keeps, as they are, the files of each review whose site the output already holds,
    /// made of the same inputs and unchanged since (see `published`). Each review's inputs'
    /// fingerprint, and its files' when it was kept, oldest first.
    fn keep_published(&self, staging: &Staging) -> Result<Vec<Published>, Error> {
        let inputs = self.borrow_owner().borrow_owner();
        let analyses = &self.borrow_owner().borrow_dependent().reviews;
        let sites = &self.borrow_dependent().reviews;
        let held = staging.hold_previous();
        let fingerprints: Vec<Option<u128>> = (0..sites.len())
            .into_par_iter()
            .map(|i| published::inputs(inputs.published, &inputs.reviews, analyses, i))
            .collect();
        let mut out = Vec::with_capacity(sites.len());
        for ((prefix, site), fingerprint) in sites.iter().zip(fingerprints) {
            let previous = staging
                .previous(&format!("{prefix}{}", published::FINGERPRINT))
                .and_then(|b| published::Stamp::parse(&b));
            // Nothing is kept from an output that cannot be held (none, or no way to tell
            // whether another build replaces it).
            let kept = match (fingerprint, previous, &held) {
                (Some(now), Some(then), Some(_)) if now == then.inputs => {
                    files_fingerprint(site, |p| staging.previous(&format!("{prefix}{p}")))
                        .filter(|files| *files == then.files)
                }
                _ => None,
            };
            if kept.is_some() {
                site.files()
                    .par_iter()
                    .try_for_each(|(p, _)| staging.keep(&format!("{prefix}{p}")))
                    .map_err(|e| Error::Output(e.to_string()))?;
            }
            out.push(Published {
                inputs: fingerprint,
                kept,
            });
        }
        // Another build into the same folder may have swapped its site in meanwhile: what was
        // kept could then be part of either. (The folder is held open, so that no other
        // folder can have its number by the time it is compared.)
        let replaced = held.is_none_or(|held| !staging.still_holds(&held));
        if out.iter().any(|p| p.kept.is_some()) && replaced {
            return Err(Error::Output(format!(
                "another build replaced {} while this one kept its reviews from it; build again",
                staging.target().display()
            )));
        }
        Ok(out)
    }

    /// Writes each review's fingerprint file beside its site, now that its files are written.
    fn stamp_reviews(&self, staging: &Staging, fingerprints: &[Published]) -> Result<(), Error> {
        let sites = &self.borrow_dependent().reviews;
        for ((prefix, site), p) in sites.iter().zip(fingerprints) {
            let Some(inputs) = p.inputs else { continue };
            let written = || files_fingerprint(site, |p| staging.written(&format!("{prefix}{p}")));
            let files = p.kept.or_else(written).ok_or_else(|| {
                Error::Output(format!("cannot read back {prefix} to fingerprint it"))
            })?;
            let stamp = published::Stamp { inputs, files };
            staging
                .write(
                    &format!("{prefix}{}", published::FINGERPRINT),
                    stamp.text().as_bytes(),
                )
                .map_err(|e| Error::Output(e.to_string()))?;
        }
        Ok(())
    }
}
