//! The site as files in memory: templates (built in, overridable), the pages (one [`Page`]
//! each), assets and exports. A pure function of (analysis, options, templates): nothing here
//! reads or writes the disk — the layer above reads the templates and `static/`, and writes
//! (`kamsite build`) or serves (`kamsite serve`) what [`Site::render`] gives.

use super::format::{self, Fmt, DASH};
use super::markdown::{self, Narrative};
use super::page::{self, Page};
use super::pages::Shared;
use super::view::Common;
use crate::analyse::trends::Column;
use crate::analyse::{Analysis, Finding};
use rayon::prelude::*;

/// Built-in templates, compiled into the binary so it works anywhere: every file under
/// `templates/`, listed by `build.rs` (a new page's template needs no line here).
pub const TEMPLATES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/templates.rs"));

const ASSETS: &[(&str, &str)] = &[
    ("assets/style.css", include_str!("../../assets/style.css")),
    ("assets/site.js", include_str!("../../assets/site.js")),
];

/// Build settings from the command line. (The baseline, if any, is part of the analysis.)
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub incognito: bool,
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
    fn link(self, page: Page) -> Option<String> {
        match (self, page) {
            (Archive::None, _) => None,
            (Archive::Current, Page::Reviews) => Some("reviews/index.html".into()),
            (Archive::Current, Page::Trends) => Some("trends/index.html".into()),
            (Archive::Review, Page::Reviews) => Some("../index.html".into()),
            (Archive::Review, Page::Trends) => Some("../../trends/index.html".into()),
            _ => None,
        }
    }
}

/// A template that does not parse or render.
#[derive(Debug)]
pub struct BuildError(pub String);

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The site's templates: the built-in ones, with the portfolio's own on top.
pub struct Templates {
    tera: tera::Tera,
    /// Whether `pack.html` is the built-in one, which outputs each key account's page whole
    /// (`{{ sheet | safe }}`): then the pack can be written as it renders
    /// ([`Site::write_pack`]). A template of one's own could do anything with a page.
    builtin_pack: bool,
}

/// Tera with the built-in templates, then `overrides` (the portfolio's `templates/`, name and
/// text) on top: same names replace, new names add.
pub fn templates(overrides: Vec<(String, String)>) -> Result<Templates, BuildError> {
    let builtin_pack = !overrides.iter().any(|(n, _)| n == PACK_TEMPLATE);
    let mut all: Vec<(String, String)> = TEMPLATES
        .iter()
        .map(|(n, c)| (n.to_string(), c.to_string()))
        .collect();
    for (name, content) in overrides {
        all.retain(|(n, _)| *n != name);
        all.push((name, content));
    }
    let mut tera = tera::Tera::new();
    tera.set_escape_fn(escape_html);
    tera.add_raw_templates(all)
        .map_err(|e| BuildError(template_error(&e)))?;
    Ok(Templates { tera, builtin_pack })
}

/// HTML-escapes `input` exactly as Tera's own escaping does (`&`, `<`, `>`, `"`, `'`), but
/// writes the runs between those characters whole: Tera's writes every byte with a call of
/// its own through `dyn Write`, which was 7 % of a 10,000-account build.
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        let entity: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[start..i])?;
        out.write_all(entity)?;
        start = i + 1;
    }
    out.write_all(&bytes[start..])
}

/// The pack's template, and the start of the marker that stands for a key account's page in
/// it while the pack is written as it renders. An HTML comment: were a narrative to hold the
/// same text, the markers would not be found exactly once each, and the pack renders whole.
const PACK_TEMPLATE: &str = "pack.html";
const KEY_PAGE_MARK: &str = "<!--kamsite:key-account-page:";

/// How many key account pages of the pack are rendered (in parallel) before they are
/// written: enough to keep both threads busy, few enough to hold little.
const KEY_PAGES_AT_ONCE: usize = 64;

fn template_error(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    msg
}

/// Template `name` with `context`, written to `w` as it renders.
fn render_to(
    tera: &tera::Tera,
    name: &str,
    context: &impl serde::Serialize,
    w: &mut dyn std::io::Write,
) -> Result<(), BuildError> {
    render_values(tera, name, &values(context)?, w)
}

/// `context` as Tera's values.
fn values(context: &impl serde::Serialize) -> Result<tera::Context, BuildError> {
    tera::Context::from_serialize(context).map_err(|e| BuildError(template_error(&e)))
}

/// Template `name` with values already made, written to `w` as it renders.
pub(super) fn render_values(
    tera: &tera::Tera,
    name: &str,
    ctx: &tera::Context,
    w: &mut dyn std::io::Write,
) -> Result<(), BuildError> {
    // Tera writes a page in thousands of small pieces: into a buffer it can write to without
    // a call through `dyn Write` each (5 % of a build's time), which passes them on 64 KB at
    // a time.
    let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, w);
    tera.render_to(name, ctx, &mut buffered)
        .map_err(|e| BuildError(format!("rendering {name}: {}", template_error(&e))))?;
    std::io::Write::flush(&mut buffered).map_err(|e| BuildError(e.to_string()))
}

/// A partial template rendered on its own with `context` (the pack renders its key account
/// pages in parallel this way).
pub(super) fn partial(
    tera: &tera::Tera,
    name: &str,
    context: &impl serde::Serialize,
) -> Result<String, BuildError> {
    let mut html = Vec::new();
    render_to(tera, name, context, &mut NulToReplacement::new(&mut html))?;
    String::from_utf8(html).map_err(|e| BuildError(e.to_string()))
}

/// NUL is not allowed in HTML; a value holding one (YAML `"\0"`) shows U+FFFD instead, the
/// CommonMark rule that narratives already follow. Every page and partial is written
/// through this, which also keeps the first error of the writer below: Tera reports it as
/// its own, and it is the writer's error that the caller should see.
struct NulToReplacement<'w> {
    inner: &'w mut dyn std::io::Write,
    failed: Option<std::io::Error>,
}

impl<'w> NulToReplacement<'w> {
    fn new(inner: &'w mut dyn std::io::Write) -> Self {
        NulToReplacement {
            inner,
            failed: None,
        }
    }

    /// `result` of rendering, unless the writer failed: then the writer's error.
    fn outcome<T>(self, result: Result<T, BuildError>) -> std::io::Result<Result<T, BuildError>> {
        match self.failed {
            Some(e) => Err(e),
            None => Ok(result),
        }
    }

    fn write_all_nul_free(&mut self, buf: &[u8]) -> std::io::Result<()> {
        // A SIMD search: the common case, no NUL, costs next to nothing (the standard
        // library's own search was 1.5 % of a build).
        if memchr::memchr(0, buf).is_none() {
            return self.inner.write_all(buf);
        }
        let mut parts = buf.split(|&b| b == 0);
        if let Some(first) = parts.next() {
            self.inner.write_all(first)?;
        }
        for part in parts {
            self.inner.write_all("\u{fffd}".as_bytes())?;
            self.inner.write_all(part)?;
        }
        Ok(())
    }
}

impl std::io::Write for NulToReplacement<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf).map(|()| buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if self.failed.is_some() {
            return Err(std::io::Error::other("an earlier write failed"));
        }
        self.write_all_nul_free(buf).map_err(|e| {
            let shown = std::io::Error::new(e.kind(), e.to_string());
            self.failed = Some(e);
            shown
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The HTML of `page` showing `data`, with its template, root, navigation and title.
pub(super) fn page_html<T: serde::Serialize>(
    tera: &tera::Tera,
    page: Page,
    common: &Common,
    analysis: &Analysis<'_>,
    data: &T,
    w: &mut dyn std::io::Write,
) -> Result<(), BuildError> {
    let ctx = page_values(page, common, analysis, data)?;
    render_values(tera, page.template(), &ctx, w)
}

/// Tera's values for `page` showing `data`: with them made, the view can be dropped before
/// the page renders (the findings page's views are 10 MB at 10,000 accounts).
pub(super) fn page_values<T: serde::Serialize>(
    page: Page,
    common: &Common,
    analysis: &Analysis<'_>,
    data: &T,
) -> Result<tera::Context, BuildError> {
    let title = page.title(analysis);
    values(&context(common, page.root(), page.key(), &title, data))
}

/// Context of one page: shared `site`, the relative `root`, navigation and the page's own data.
fn context<'a, T: serde::Serialize>(
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum File {
    Page(Page),
    /// A built-in stylesheet or script: index into [`ASSETS`].
    Asset(usize),
    PortfolioJson,
    AccountsCsv,
    TrendsJson,
}

/// A site ready to render: templates, the page views' shared data and the list of its files.
/// `kamsite build` renders every file and writes it; `kamsite serve` renders the file a
/// browser asks for. Both call [`Site::render`], so the preview is the build, byte for byte.
pub struct Site<'a> {
    tera: &'a tera::Tera,
    /// Whether the pack may be written as it renders (see [`Templates`]).
    stream_pack: bool,
    shared: Shared<'a>,
    overview: Option<Narrative>,
    /// The trend columns, in the current site of a build with reviews.
    trends: Option<&'a [Column]>,
    files: Vec<(String, File)>,
    /// Path → index into `files`, for serving one file by its path.
    index: std::collections::HashMap<String, usize>,
}

impl<'a> Site<'a> {
    /// The site of `analysis` with `tera`'s templates; `overview` is overview.md; `trends`
    /// the columns of a build with reviews (the current site shows them).
    pub fn new(
        templates: &'a Templates,
        overview: Option<&str>,
        analysis: &'a Analysis<'a>,
        options: Options,
        trends: Option<&'a [Column]>,
    ) -> Site<'a> {
        let archive = options.archive;
        let exists = |p: Page| match p {
            Page::Changes => analysis.changes.is_some(),
            Page::Reviews | Page::Trends => archive != Archive::None,
            _ => true,
        };
        let mut shared = shared(analysis, options);
        let (nav, nav_more) = page::navigation(analysis, exists, |p: Page| archive.link(p));
        shared.common.nav = nav;
        shared.common.nav_more = nav_more;
        let overview =
            overview.map(|md| markdown::render(md, analysis.config.allow_raw_html, "overview-"));
        let own = |p: &Page| match p {
            Page::Reviews | Page::Trends => archive == Archive::Current,
            p => exists(*p),
        };
        let mut files: Vec<(String, File)> = Page::PORTFOLIO
            .iter()
            .filter(|p| own(p))
            .map(|p| (p.path(analysis), File::Page(*p)))
            .collect();
        for i in 0..analysis.portfolio.managers.len() {
            files.push((
                Page::Manager(i).path(analysis),
                File::Page(Page::Manager(i)),
            ));
        }
        for i in 0..analysis.accounts.len() {
            files.push((
                Page::Account(i).path(analysis),
                File::Page(Page::Account(i)),
            ));
        }
        for (i, (path, _)) in ASSETS.iter().enumerate() {
            files.push((path.to_string(), File::Asset(i)));
        }
        // Exports would give the masked amounts away.
        if !options.incognito {
            files.push(("data/portfolio.json".into(), File::PortfolioJson));
            files.push(("data/accounts.csv".into(), File::AccountsCsv));
            if archive == Archive::Current {
                files.push(("data/trends.json".into(), File::TrendsJson));
            }
        }
        let index = files
            .iter()
            .enumerate()
            .map(|(i, (p, _))| (p.clone(), i))
            .collect();
        Site {
            tera: &templates.tera,
            stream_pack: templates.builtin_pack,
            shared,
            overview,
            trends,
            files,
            index,
        }
    }

    /// Every file of the site, with its path relative to the site's root.
    pub fn files(&self) -> &[(String, File)] {
        &self.files
    }

    /// The file at `path` (relative to the site's root), if the site has one.
    pub fn file(&self, path: &str) -> Option<File> {
        self.index.get(path).map(|&i| self.files[i].1)
    }

    /// How many of the site's files are pages.
    pub fn pages(&self) -> usize {
        self.files
            .iter()
            .filter(|(_, f)| matches!(f, File::Page(_)))
            .count()
    }

    /// Marks this site as the archived review `tag` (every page says so and links to the
    /// current site).
    pub fn archived_as(mut self, tag: &str) -> Site<'a> {
        self.shared.common.review = Some(tag.to_string());
        self
    }

    /// One file written to `w` as it is made: the same bytes as [`Site::render`], without
    /// holding more than needs be. `portfolio.json` (65 MB at 10,000 accounts) is serialised
    /// row by row, a page is written as its template runs, the pack's key account pages a
    /// few dozen at a time ([`Site::write_pack`]). A template's error is the inner `Err`;
    /// the outer one is `w`'s own.
    pub fn write(
        &self,
        file: File,
        w: &mut dyn std::io::Write,
    ) -> std::io::Result<Result<(), BuildError>> {
        let an = self.shared.analysis;
        let trends = self.trends.unwrap_or_default();
        let whole = |w: &mut dyn std::io::Write, bytes: &[u8]| w.write_all(bytes).map(Ok);
        let page = match file {
            File::Page(p) => p,
            File::Asset(i) => return whole(w, ASSETS[i].1.as_bytes()),
            File::PortfolioJson => return crate::export::json_to(an, w).map(Ok),
            File::AccountsCsv => return whole(w, crate::export::csv(an).as_bytes()),
            File::TrendsJson => return whole(w, crate::export::trends::json(trends).as_bytes()),
        };
        let mut out = NulToReplacement::new(w);
        let written = if page == Page::Pack && self.stream_pack {
            self.write_pack(&mut out)
        } else {
            page.write(&self.page_context(), &mut out)
        };
        out.outcome(written)
    }

    /// The review pack written to `w` as it renders. The document is rendered with a marker
    /// in place of each key account's page; those pages are then rendered a few dozen at a
    /// time and written in order between the document's parts. Holding them all at once
    /// (20 MB of HTML at 10,000 accounts, then Tera's copy of it and the output) was the
    /// largest peak of memory of a build. Should the markers not each be found once, in
    /// order, the pack renders whole.
    fn write_pack(&self, w: &mut dyn std::io::Write) -> Result<(), BuildError> {
        let cx = self.page_context();
        let keys = super::pack::key_accounts(&self.shared);
        let markers: Vec<String> = (0..keys.len())
            .map(|k| format!("{KEY_PAGE_MARK}{k}-->"))
            .collect();
        let shell = page::pack_html(&cx, markers.clone())?;
        let found: Vec<usize> = shell
            .match_indices(KEY_PAGE_MARK)
            .map(|(at, _)| at)
            .collect();
        let each_once = found.len() == markers.len()
            && found
                .iter()
                .zip(&markers)
                .all(|(&at, m)| shell[at..].starts_with(m.as_str()));
        if !each_once {
            return Page::Pack.write(&cx, w);
        }
        // `w` keeps its own error; the caller reports that one.
        let io = |e: std::io::Error| BuildError(e.to_string());
        let mut from = 0;
        let mut places = found.iter().zip(&markers);
        for chunk in keys.chunks(KEY_PAGES_AT_ONCE) {
            let pages = chunk
                .par_iter()
                .map(|&i| page::pack_sheet(&cx, i))
                .collect::<Result<Vec<_>, _>>()?;
            for (html, (&at, marker)) in pages.iter().zip(places.by_ref()) {
                w.write_all(&shell.as_bytes()[from..at]).map_err(io)?;
                w.write_all(html.as_bytes()).map_err(io)?;
                from = at + marker.len();
            }
        }
        w.write_all(&shell.as_bytes()[from..]).map_err(io)
    }

    fn page_context(&self) -> page::Context<'_, 'a> {
        page::Context {
            tera: self.tera,
            shared: &self.shared,
            overview: self.overview.as_ref(),
            trends: self.trends.unwrap_or_default(),
        }
    }

    /// The bytes of one file.
    pub fn render(&self, file: File) -> Result<Vec<u8>, BuildError> {
        let mut bytes = Vec::new();
        match self.write(file, &mut bytes) {
            Ok(written) => written.map(|()| bytes),
            Err(e) => Err(BuildError(e.to_string())),
        }
    }
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
        nav: Vec::new(),
        nav_more: Vec::new(),
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
        .par_iter()
        .zip(&by_account)
        .map(|(a, f)| super::view::summary(a, f, fmt))
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

#[cfg(test)]
mod tests {
    /// The site's escaping must be Tera's, byte for byte: pages are compared with earlier
    /// builds, and a missed `'` would open an attribute.
    #[test]
    fn escaping_is_teras_own() {
        for input in [
            "",
            "plain",
            "<script>alert('x')</script>",
            "a & b \"c\" 'd' <e> &amp;",
            "Müller & Söhne — “quoted” ✓",
            "&",
            "'''",
            "ends with <",
        ] {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            super::escape_html(input, &mut ours).unwrap();
            tera::escape_html(input, &mut teras).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(teras).unwrap()
            );
        }
    }
}
