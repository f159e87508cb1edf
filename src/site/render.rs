//! Building the site: templates (embedded, overridable), pages rendered in parallel into a
//! staging folder, assets, exports and `static/`, then one atomic swap.

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

use super::format::{self, Fmt, DASH};
use super::lists;
use super::markdown::{self, Narrative};
use super::pages::{self, Shared};
use super::view::{self, Common};
use crate::analyse::{Analysis, Finding};
use crate::load::Root;
use crate::model::Portfolio;
use crate::output::{OutputError, Staging};

/// Built-in templates, compiled into the binary so it works anywhere.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    (
        "dashboard.html",
        include_str!("../../templates/dashboard.html"),
    ),
    (
        "accounts.html",
        include_str!("../../templates/accounts.html"),
    ),
    ("account.html", include_str!("../../templates/account.html")),
    (
        "managers.html",
        include_str!("../../templates/managers.html"),
    ),
    ("manager.html", include_str!("../../templates/manager.html")),
    (
        "findings.html",
        include_str!("../../templates/findings.html"),
    ),
    ("actions.html", include_str!("../../templates/actions.html")),
    (
        "whitespace.html",
        include_str!("../../templates/whitespace.html"),
    ),
    (
        "partials/chart.html",
        include_str!("../../templates/partials/chart.html"),
    ),
    (
        "partials/findings.html",
        include_str!("../../templates/partials/findings.html"),
    ),
    ("changes.html", include_str!("../../templates/changes.html")),
    (
        "effectiveness.html",
        include_str!("../../templates/effectiveness.html"),
    ),
    ("reviews.html", include_str!("../../templates/reviews.html")),
    ("trends.html", include_str!("../../templates/trends.html")),
];

const ASSETS: &[(&str, &str)] = &[
    ("assets/style.css", include_str!("../../assets/style.css")),
    ("assets/site.js", include_str!("../../assets/site.js")),
];

/// The portfolio-wide pages: output path, template, relative root, navigation key, title.
const SINGLES: [(&str, &str, &str, &str, &str); 8] = [
    ("index.html", "dashboard.html", "", "dashboard", "Dashboard"),
    (
        "accounts/index.html",
        "accounts.html",
        "../",
        "accounts",
        "Accounts",
    ),
    (
        "managers/index.html",
        "managers.html",
        "../",
        "managers",
        "Managers",
    ),
    (
        "findings/index.html",
        "findings.html",
        "../",
        "findings",
        "Findings",
    ),
    (
        "actions/index.html",
        "actions.html",
        "../",
        "actions",
        "Actions",
    ),
    (
        "whitespace/index.html",
        "whitespace.html",
        "../",
        "whitespace",
        "Whitespace",
    ),
    (
        "effectiveness/index.html",
        "effectiveness.html",
        "../",
        "effectiveness",
        "Effectiveness",
    ),
    // Last, so that builds without a baseline can leave it out.
    (
        "changes/index.html",
        "changes.html",
        "../",
        "changes",
        "Changes",
    ),
];

/// Build settings from the command line. (The baseline, if any, is part of the analysis.)
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub incognito: bool,
    /// Show a progress bar (the caller decides: terminal, long build, not quiet).
    pub progress: bool,
    /// Where this site sits in a build with reviews (SPEC §14), for the navigation.
    pub archive: Archive,
}

/// A site's place in a build with `--reviews`: the current site links to `reviews/` and
/// `trends/` below it, a review's site (under `reviews/<slug>/`) links two folders up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Archive {
    /// A build without reviews: no links to them.
    #[default]
    None,
    /// The current site, at the root of the output.
    Current,
    /// A review's site, under `reviews/<slug>/`.
    Review,
}

impl Archive {
    /// The reviews index and the trends page, relative to this site's root.
    fn links(self) -> (Option<String>, Option<String>) {
        match self {
            Archive::None => (None, None),
            Archive::Current => (
                Some("reviews/index.html".into()),
                Some("trends/index.html".into()),
            ),
            Archive::Review => (
                Some("../index.html".into()),
                Some("../../trends/index.html".into()),
            ),
        }
    }
}

#[derive(Debug)]
pub enum BuildError {
    Template(String),
    Output(OutputError),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Template(m) => write!(f, "{m}"),
            BuildError::Output(e) => write!(f, "{e}"),
        }
    }
}

impl From<OutputError> for BuildError {
    fn from(e: OutputError) -> Self {
        BuildError::Output(e)
    }
}

/// What was built, for the summary line.
#[derive(Debug)]
pub struct Report {
    pub pages: usize,
    pub seconds: f64,
    pub target: std::path::PathBuf,
    /// Something to tell the user although the build succeeded (see `output::Committed`).
    pub warning: Option<String>,
}

/// Tera with the built-in templates, then the portfolio's `templates/` on top (same names
/// replace, new names add).
pub fn templates(root: &Root) -> Result<tera::Tera, BuildError> {
    let mut all: Vec<(String, String)> = TEMPLATES
        .iter()
        .map(|(n, c)| (n.to_string(), c.to_string()))
        .collect();
    let files = crate::load::files_under(root, "templates")
        .map_err(|d| BuildError::Template(format!("{}: {}", d.file, d.message)))?;
    for (name, path) in files {
        let content = crate::load::read_file(&path)
            .and_then(|b| String::from_utf8(b).map_err(std::io::Error::other))
            .map_err(|e| {
                BuildError::Template(format!(
                    "cannot read {}: {e}",
                    root.display(&format!("templates/{name}"))
                ))
            })?;
        all.retain(|(n, _)| *n != name);
        all.push((name, content));
    }
    let mut tera = tera::Tera::new();
    tera.add_raw_templates(all)
        .map_err(|e| BuildError::Template(template_error(&e)))?;
    Ok(tera)
}

fn template_error(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    msg
}

fn render(
    tera: &tera::Tera,
    name: &str,
    context: &impl serde::Serialize,
) -> Result<String, BuildError> {
    let ctx = tera::Context::from_serialize(context)
        .map_err(|e| BuildError::Template(template_error(&e)))?;
    tera.render(name, &ctx)
        .map(nul_to_replacement)
        .map_err(|e| BuildError::Template(format!("rendering {name}: {}", template_error(&e))))
}

/// NUL is not allowed in HTML; a value holding one (YAML `"\0"`) shows U+FFFD instead, the
/// CommonMark rule that narratives already follow.
fn nul_to_replacement(html: String) -> String {
    if html.contains('\0') {
        html.replace('\0', "\u{fffd}")
    } else {
        html
    }
}

/// Context of one page: shared `site`, the relative `root`, navigation and the page's own data.
fn page<'a, T: serde::Serialize>(
    common: &'a Common,
    root: &'a str,
    nav: &'a str,
    title: &'a str,
    data: T,
) -> PageContext<'a, T> {
    PageContext {
        site: common,
        root,
        nav,
        page_title: title,
        page: data,
    }
}

/// What every template receives: shared `site`, the relative `root`, navigation and the page.
#[derive(serde::Serialize)]
struct PageContext<'a, T> {
    site: &'a Common,
    root: &'a str,
    nav: &'a str,
    page_title: &'a str,
    page: T,
}

/// One file of the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum File {
    /// A portfolio page: index into [`SINGLES`].
    Single(usize),
    /// A manager's page: index into the analysis' managers.
    Manager(usize),
    /// An account's page: index into the analysis' accounts.
    Account(usize),
    /// A built-in stylesheet or script: index into [`ASSETS`].
    Asset(usize),
    PortfolioJson,
    AccountsCsv,
    /// A file of the portfolio's `static/`: its path in the site and on disk.
    Static(String, std::path::PathBuf),
}

/// A site ready to render: templates, the page views' shared data and the list of its files.
/// `kamsite build` renders every file into a staging folder; `kamsite serve` renders the file
/// a browser asks for. Both call [`Site::render`], so the preview is the build, byte for byte.
pub struct Site<'a> {
    tera: tera::Tera,
    shared: Shared<'a>,
    overview: Option<Narrative>,
    files: Vec<(String, File)>,
    /// Path → index into `files`, for serving one file by its path.
    index: std::collections::HashMap<String, usize>,
    /// The portfolio, to name its files in messages.
    root: Root,
}

impl<'a> Site<'a> {
    /// Loads the templates (built-in, then the portfolio's overrides) and lists the files.
    pub fn new(
        root: &Root,
        overview: Option<&str>,
        analysis: &'a Analysis<'a>,
        options: Options,
    ) -> Result<Site<'a>, BuildError> {
        let tera = templates(root)?;
        let shared = shared(analysis, options);
        let overview =
            overview.map(|md| markdown::render(md, analysis.config.allow_raw_html, "overview-"));
        // The changes page exists only with a baseline.
        let singles = if analysis.changes.is_some() {
            SINGLES.len()
        } else {
            SINGLES.len() - 1
        };
        let mut files: Vec<(String, File)> = (0..singles)
            .map(|i| (SINGLES[i].0.to_string(), File::Single(i)))
            .collect();
        for (i, m) in analysis.portfolio.managers.iter().enumerate() {
            let path = format!("managers/{}/index.html", view::manager_slug(&m.name));
            files.push((path, File::Manager(i)));
        }
        for (i, a) in analysis.accounts.iter().enumerate() {
            files.push((
                format!("accounts/{}/index.html", a.account.id),
                File::Account(i),
            ));
        }
        for (i, (path, _)) in ASSETS.iter().enumerate() {
            files.push((path.to_string(), File::Asset(i)));
        }
        // Exports would give the masked amounts away.
        if !options.incognito {
            files.push(("data/portfolio.json".into(), File::PortfolioJson));
            files.push(("data/accounts.csv".into(), File::AccountsCsv));
        }
        // `static/` is copied verbatim (contents are read and written, so a symlink inside
        // cannot make kamsite write outside the output folder).
        let statics = crate::load::files_under(root, "static")
            .map_err(|d| BuildError::Template(format!("{}: {}", d.file, d.message)))?;
        for (rel, path) in statics {
            files.push((rel.clone(), File::Static(rel, path)));
        }
        let index = files
            .iter()
            .enumerate()
            .map(|(i, (p, _))| (p.clone(), i))
            .collect();
        Ok(Site {
            tera,
            shared,
            overview,
            files,
            index,
            root: root.clone(),
        })
    }

    /// Every file of the site, with its path relative to the site's root.
    pub fn files(&self) -> &[(String, File)] {
        &self.files
    }

    /// The file at `path` (relative to the site's root), if the site has one.
    pub fn file(&self, path: &str) -> Option<&File> {
        self.index.get(path).map(|&i| &self.files[i].1)
    }

    /// Marks this site as the archived review `tag` (every page says so and links to the
    /// current site).
    pub fn archived_as(mut self, tag: &str) -> Site<'a> {
        self.shared.common.review = Some(tag.to_string());
        self
    }

    /// A page outside the site's own list (the reviews index, the trends page), rendered with
    /// this site's templates and shared data.
    pub fn render_page(
        &self,
        template: &str,
        root: &str,
        nav: &str,
        title: &str,
        data: &impl serde::Serialize,
    ) -> Result<Vec<u8>, BuildError> {
        let context = page(&self.shared.common, root, nav, title, data);
        render(&self.tera, template, &context).map(String::into_bytes)
    }

    /// Renders every file into `staging` under `prefix` (`""`, or `reviews/<slug>/`), in
    /// parallel; returns the number of pages.
    pub fn write_into(
        &self,
        staging: &Staging,
        prefix: &str,
        bar: Option<&indicatif::ProgressBar>,
    ) -> Result<usize, BuildError> {
        self.files().par_iter().try_for_each(|(path, file)| {
            staging.write(&format!("{prefix}{path}"), &self.render(file)?)?;
            if let (Some(b), File::Account(_)) = (bar, file) {
                b.inc(1);
            }
            Ok::<(), BuildError>(())
        })?;
        Ok(self
            .files()
            .iter()
            .filter(|(_, f)| matches!(f, File::Single(_) | File::Manager(_) | File::Account(_)))
            .count())
    }

    fn root_display(&self, rel: &str) -> String {
        self.root.display(rel)
    }

    /// The bytes of one file.
    pub fn render(&self, file: &File) -> Result<Vec<u8>, BuildError> {
        let shared = &self.shared;
        let an = shared.analysis;
        let c = &shared.common;
        let html = match file {
            File::Single(i) => {
                let (_, template, root, nav, title) = SINGLES[*i];
                // Each page has its own view type; `show` renders any of them.
                let show = |data: &dyn erased::Page| {
                    data.render(&self.tera, template, c, root, nav, title)
                };
                match nav {
                    "dashboard" => show(&pages::dashboard(shared, self.overview.as_ref())),
                    "accounts" => show(&lists::accounts(shared)),
                    "managers" => show(&lists::managers(shared)),
                    "findings" => show(&lists::findings(shared)),
                    "actions" => show(&lists::actions(shared)),
                    "changes" => show(&lists::changes(shared)),
                    "effectiveness" => show(&super::effectiveness::effectiveness(shared)),
                    _ => show(&lists::whitespace(shared)),
                }?
            }
            File::Manager(i) => {
                let m = &an.portfolio.managers[*i];
                let data = lists::manager(shared, m);
                render(
                    &self.tera,
                    "manager.html",
                    &page(c, "../../", "managers", &m.name, data),
                )?
            }
            File::Account(i) => account_page(&self.tera, shared, *i)?,
            File::Asset(i) => return Ok(ASSETS[*i].1.as_bytes().to_vec()),
            File::PortfolioJson => crate::export::json(an),
            File::AccountsCsv => crate::export::csv(an),
            File::Static(rel, path) => {
                return crate::load::read_file(path).map_err(|e| {
                    let file = self.root_display(&format!("static/{rel}"));
                    BuildError::Template(format!("cannot read {file}: {e}"))
                })
            }
        };
        Ok(html.into_bytes())
    }
}

pub fn build(
    root: &Root,
    portfolio: &Portfolio,
    analysis: &Analysis<'_>,
    out: &Path,
    options: Options,
) -> Result<Report, BuildError> {
    let started = Instant::now();
    let mut t = crate::timings::Timings::start();
    let site = Site::new(root, portfolio.overview.as_deref(), analysis, options)?;
    let staging = Staging::new(
        out,
        &root.dir,
        &crate::load::Manifest::new(&portfolio.config),
    )?;
    t.mark("templates, summaries, staging");

    // Every file is one job in one parallel pass: the big list pages (accounts, findings)
    // render while account pages do, instead of before them.
    let bar = options.progress.then(|| {
        let bar = indicatif::ProgressBar::new(analysis.accounts.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} account pages")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let pages_written = site.write_into(&staging, "", bar.as_ref())?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    t.mark("pages, assets, exports, static");
    let crate::output::Committed { target, warning } = staging.commit()?;
    t.mark("commit (swap + remove old)");
    Ok(Report {
        pages: pages_written,
        seconds: started.elapsed().as_secs_f64(),
        target,
        warning,
    })
}

/// Everything the page builders share, computed once per build.
pub fn shared<'a>(analysis: &'a Analysis<'a>, options: Options) -> Shared<'a> {
    let config = analysis.config;
    let fmt = Fmt {
        incognito: options.incognito,
    };
    let common = Common {
        title: config.title.clone(),
        company: config.company.clone(),
        period: analysis
            .period
            .map_or_else(|| DASH.to_string(), |p| p.to_string()),
        as_of: analysis.as_of.to_string(),
        currency: config.currency.clone(),
        incognito: options.incognito,
        baseline: analysis.changes.as_ref().map(|c| c.label.clone()),
        print_header: format::css_string(&format!(
            "{} · review period {}",
            config.title,
            analysis
                .period
                .map_or_else(|| DASH.to_string(), |p| p.to_string())
        )),
        reviews_href: options.archive.links().0,
        trends_href: options.archive.links().1,
        review: None,
    };

    // Findings per account, in one pass (both lists are sorted by account id).
    let mut by_account: Vec<Vec<&Finding>> = vec![Vec::new(); analysis.accounts.len()];
    let mut portfolio_findings = Vec::new();
    let mut k = 0;
    for f in &analysis.findings {
        match &f.account {
            None => portfolio_findings.push(f),
            Some(id) => {
                while k < analysis.accounts.len() && analysis.accounts[k].account.id < *id {
                    k += 1;
                }
                if k < analysis.accounts.len() {
                    by_account[k].push(f);
                }
            }
        }
    }
    let summaries = analysis
        .accounts
        .iter()
        .zip(&by_account)
        .map(|(a, f)| view::summary(a, f, fmt))
        .collect();
    Shared {
        analysis,
        fmt,
        common,
        summaries,
        by_account,
        portfolio_findings,
    }
}

/// Renders account `i`'s page (Markdown, charts, template): the unit of parallel work.
pub fn account_page(
    tera: &tera::Tera,
    shared: &Shared<'_>,
    i: usize,
) -> Result<String, BuildError> {
    let a = &shared.analysis.accounts[i];
    let narrative: Narrative = markdown::render(
        &a.account.body,
        shared.analysis.config.allow_raw_html,
        "plan-",
    );
    let data = super::account_page::account(shared, i, &narrative);
    render(
        tera,
        "account.html",
        &page(
            &shared.common,
            "../../",
            "accounts",
            &a.account.front.name,
            data,
        ),
    )
}

/// Renders a page from any view type, so one table of portfolio pages can hold them all.
mod erased {
    use super::{page, render, BuildError, Common};

    pub trait Page {
        fn render(
            &self,
            tera: &tera::Tera,
            template: &str,
            common: &Common,
            root: &str,
            nav: &str,
            title: &str,
        ) -> Result<String, BuildError>;
    }

    impl<T: serde::Serialize> Page for T {
        fn render(
            &self,
            tera: &tera::Tera,
            template: &str,
            common: &Common,
            root: &str,
            nav: &str,
            title: &str,
        ) -> Result<String, BuildError> {
            render(tera, template, &page(common, root, nav, title, self))
        }
    }
}
