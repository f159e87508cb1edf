//! Building the site: templates (embedded, overridable), pages rendered in parallel into a
//! staging folder, assets, exports and `static/`, then one atomic swap.

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

use super::format::{Fmt, DASH};
use super::markdown::{self, Narrative};
use super::pages::{self, Shared};
use super::view::{self, Common};
use crate::analyse::{self, Analysis};
use crate::load::Root;
use crate::model::{Portfolio, Quarter};
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
];

const ASSETS: &[(&str, &str)] = &[
    ("assets/style.css", include_str!("../../assets/style.css")),
    ("assets/site.js", include_str!("../../assets/site.js")),
];

/// The portfolio-wide pages: output path, template, relative root, navigation key, title.
const SINGLES: [(&str, &str, &str, &str, &str); 7] = [
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
    // Last, so that builds without a baseline can leave it out.
    (
        "changes/index.html",
        "changes.html",
        "../",
        "changes",
        "Changes",
    ),
];

/// Build settings from the command line.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options<'a> {
    pub incognito: bool,
    /// What to compare against (the changes page and the matrix arrows).
    pub baseline: Option<&'a crate::baseline::Baseline>,
    /// Show a progress bar (the caller decides: terminal, long build, not quiet).
    pub progress: bool,
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

pub fn build(
    root: &Root,
    portfolio: &Portfolio,
    analysis: &Analysis<'_>,
    out: &Path,
    options: Options<'_>,
) -> Result<Report, BuildError> {
    let started = Instant::now();
    let mut t = crate::timings::Timings::start();
    let tera = templates(root)?;
    let staging = Staging::new(out, &root.dir)?;
    t.mark("templates + staging");
    let config = &portfolio.config;
    let shared = shared(portfolio, analysis, options);
    t.mark("summaries + P-1/P-4 aggregates");
    let allow_html = config.allow_raw_html;
    let overview = portfolio
        .overview
        .as_deref()
        .map(|md| markdown::render(md, allow_html, "overview-"));
    let c = &shared.common;

    // Every page is one job in one parallel pass: the big list pages (accounts, findings)
    // render while account pages do, instead of before them.
    let bar = options.progress.then(|| {
        let bar = indicatif::ProgressBar::new(analysis.accounts.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} account pages")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    // The changes page exists only with a baseline.
    let singles = if options.baseline.is_some() {
        SINGLES.len()
    } else {
        SINGLES.len() - 1
    };
    let managers = analysis.portfolio.managers.len();
    let jobs = singles + managers + analysis.accounts.len();
    (0..jobs).into_par_iter().try_for_each(|job| {
        if job < singles {
            let (path, template, rel_root, nav, title) = SINGLES[job];
            let data = match nav {
                "dashboard" => pages::dashboard(&shared, overview.as_ref()),
                "accounts" => pages::accounts(&shared),
                "managers" => pages::managers(&shared),
                "findings" => pages::findings(&shared),
                "actions" => pages::actions(&shared),
                "changes" => pages::changes(&shared),
                _ => pages::whitespace(&shared),
            };
            staging.write(
                path,
                render(&tera, template, &page(c, rel_root, nav, title, data))?.as_bytes(),
            )?;
        } else if job < singles + managers {
            let m = &analysis.portfolio.managers[job - singles];
            let path = format!("managers/{}/index.html", view::manager_slug(&m.name));
            let html = render(
                &tera,
                "manager.html",
                &page(
                    c,
                    "../../",
                    "managers",
                    &m.name,
                    pages::manager(&shared, &m.name),
                ),
            )?;
            staging.write(&path, html.as_bytes())?;
        } else {
            let i = job - singles - managers;
            let html = account_page(&tera, &shared, i)?;
            staging.write(
                &format!("accounts/{}/index.html", analysis.accounts[i].account.id),
                html.as_bytes(),
            )?;
            if let Some(b) = &bar {
                b.inc(1);
            }
        }
        Ok::<(), BuildError>(())
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let pages_written = jobs;
    t.mark("pages");

    for (path, content) in ASSETS {
        staging.write(path, content.as_bytes())?;
    }
    if !options.incognito {
        staging.write(
            "data/portfolio.json",
            crate::export::json(analysis, config).as_bytes(),
        )?;
        staging.write(
            "data/accounts.csv",
            crate::export::csv(analysis, config).as_bytes(),
        )?;
    }
    copy_static(root, &staging)?;
    t.mark("assets, exports, static");
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
pub fn shared<'a>(
    portfolio: &'a Portfolio,
    analysis: &'a Analysis<'a>,
    options: Options<'a>,
) -> Shared<'a> {
    let config = &portfolio.config;
    let fmt = Fmt {
        incognito: options.incognito,
    };
    let period = analysis.period;
    let common = Common {
        title: config.title.clone(),
        company: config.company.clone(),
        period: period.map_or_else(|| DASH.to_string(), |p| p.to_string()),
        as_of: analysis.as_of.to_string(),
        currency: config.currency.clone(),
        incognito: options.incognito,
        baseline: options.baseline.map(|b| b.label.clone()),
    };

    // Findings per account, in one pass (both lists are sorted by account id).
    let mut by_account: Vec<Vec<&analyse::Finding>> = vec![Vec::new(); analysis.accounts.len()];
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
    let mut by_owner: std::collections::BTreeMap<String, Vec<usize>> =
        std::collections::BTreeMap::new();
    for (i, a) in analysis.accounts.iter().enumerate() {
        if let Some(owner) = &a.account.front.owner {
            by_owner.entry(owner.clone()).or_default().push(i);
        }
    }
    let at = |p: Option<Quarter>| {
        p.map(|p| analyse::analyse(portfolio, Some(p), analysis.as_of).portfolio)
    };
    Shared {
        analysis,
        config,
        fmt,
        common,
        summaries,
        by_account,
        portfolio_findings,
        previous: at(period.map(|p| p.minus(1))),
        year_ago: at(period.map(|p| p.minus(4))),
        quarters: period.map_or_else(Vec::new, |p| (0..8).rev().map(|n| p.minus(n)).collect()),
        by_owner,
        baseline: options.baseline,
    }
}

/// Renders account `i`'s page (Markdown, charts, template): the unit of parallel work.
pub fn account_page(
    tera: &tera::Tera,
    shared: &Shared<'_>,
    i: usize,
) -> Result<String, BuildError> {
    let a = &shared.analysis.accounts[i];
    let narrative: Narrative =
        markdown::render(&a.account.body, shared.config.allow_raw_html, "plan-");
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

/// `static/` is copied verbatim (contents are read and written, so a symlink inside cannot make
/// kamsite write outside the output folder).
fn copy_static(root: &Root, staging: &Staging) -> Result<(), BuildError> {
    let files = crate::load::files_under(root, "static")
        .map_err(|d| BuildError::Template(format!("{}: {}", d.file, d.message)))?;
    for (rel, path) in files {
        let bytes = crate::load::read_file(&path).map_err(|e| {
            let file = root.display(&format!("static/{rel}"));
            BuildError::Template(format!("cannot read {file}: {e}"))
        })?;
        staging.write(&rel, &bytes)?;
    }
    Ok(())
}
