//! The pages of the site, one variant each: its path, template, title, place in the
//! navigation and relative root live here, so adding a page touches its view, its template and
//! one variant — not a positional table, a string match and hand-written navigation.

use rayon::prelude::*;
use serde::Serialize;

use super::markdown::{self, Narrative};
use super::pages::Shared;
use super::render::{page_html, page_values, render_values, BuildError};
use super::{account_page, effectiveness, lists, pack, pages, trends};
use crate::analyse::trends::Column;
use crate::analyse::Analysis;

/// What rendering a page needs besides the page itself.
pub(super) struct Context<'s, 'a> {
    pub tera: &'a tera::Tera,
    pub shared: &'s Shared<'a>,
    pub overview: Option<&'s Narrative>,
    pub trends: &'a [Column],
}

/// A page of the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Page {
    Dashboard,
    Accounts,
    Managers,
    Findings,
    Actions,
    Whitespace,
    Effectiveness,
    /// Only with a baseline.
    Changes,
    /// Only in a build with `--reviews`, in the current site.
    Reviews,
    /// Only in a build with `--reviews`, in the current site.
    Trends,
    /// The review pack: one self-contained document (SPEC §18).
    Pack,
    /// A manager's page: index into the analysis' managers.
    Manager(usize),
    /// An account's page: index into the analysis' accounts.
    Account(usize),
}

/// Whether a page is in the navigation, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Nav {
    /// Always there.
    Main,
    /// There when the page exists (Changes, Reviews, Trends).
    More,
    /// Under another page's entry (a manager under Managers).
    Under(Page),
    /// Not in the navigation (the pack is linked from the dashboard).
    Hidden,
}

impl Page {
    /// The portfolio-wide pages, in navigation order.
    pub const PORTFOLIO: [Page; 11] = [
        Page::Dashboard,
        Page::Accounts,
        Page::Managers,
        Page::Findings,
        Page::Actions,
        Page::Whitespace,
        Page::Effectiveness,
        Page::Changes,
        Page::Reviews,
        Page::Trends,
        Page::Pack,
    ];

    /// The page's file, relative to the site's root.
    pub fn path(self, analysis: &Analysis<'_>) -> String {
        match self {
            Page::Dashboard => "index.html".into(),
            Page::Manager(i) => format!(
                "managers/{}/index.html",
                crate::slug::manager_slug(&analysis.portfolio.managers[i].name)
            ),
            Page::Account(i) => format!("accounts/{}/index.html", analysis.accounts[i].account.id),
            other => format!("{}/index.html", other.key()),
        }
    }

    /// The name of the page in the navigation, and of its folder.
    pub fn key(self) -> &'static str {
        match self {
            Page::Dashboard => "dashboard",
            Page::Accounts | Page::Account(_) => "accounts",
            Page::Managers | Page::Manager(_) => "managers",
            Page::Findings => "findings",
            Page::Actions => "actions",
            Page::Whitespace => "whitespace",
            Page::Effectiveness => "effectiveness",
            Page::Changes => "changes",
            Page::Reviews => "reviews",
            Page::Trends => "trends",
            Page::Pack => "pack",
        }
    }

    /// The template that renders the page.
    pub fn template(self) -> &'static str {
        match self {
            Page::Manager(_) => "manager.html",
            Page::Account(_) => "account.html",
            Page::Dashboard => "dashboard.html",
            other => match other.key() {
                "accounts" => "accounts.html",
                "managers" => "managers.html",
                "findings" => "findings.html",
                "actions" => "actions.html",
                "whitespace" => "whitespace.html",
                "effectiveness" => "effectiveness.html",
                "changes" => "changes.html",
                "reviews" => "reviews.html",
                "pack" => "pack.html",
                _ => "trends.html",
            },
        }
    }

    /// The page's title: its name, or the manager's or account's.
    pub fn title(self, analysis: &Analysis<'_>) -> String {
        match self {
            Page::Manager(i) => analysis.portfolio.managers[i].name.clone(),
            Page::Account(i) => analysis.accounts[i].account.front.name.clone(),
            Page::Pack => "Review pack".into(),
            other => {
                let key = other.key();
                let mut title = key[..1].to_uppercase();
                title.push_str(&key[1..]);
                title
            }
        }
    }

    /// The way back to the site's root from the page's folder.
    pub fn root(self) -> &'static str {
        match self {
            Page::Dashboard => "",
            Page::Manager(_) | Page::Account(_) => "../../",
            _ => "../",
        }
    }

    /// The page's HTML, written to `w` as it renders: the one place that says which view
    /// each page shows.
    pub(super) fn write(
        self,
        cx: &Context<'_, '_>,
        w: &mut dyn std::io::Write,
    ) -> Result<(), BuildError> {
        let (s, an) = (cx.shared, cx.shared.analysis);
        let show = |data: &dyn ErasedView| data.values(cx, self);
        // Each view is dropped once Tera's values are made from it, before the page renders.
        let values = match self {
            Page::Dashboard => show(&pages::dashboard(s, cx.overview)),
            Page::Accounts => show(&lists::accounts(s)),
            Page::Managers => show(&lists::managers(s)),
            Page::Findings => show(&lists::findings(s)),
            Page::Actions => show(&lists::actions(s)),
            Page::Whitespace => show(&lists::whitespace(s)),
            Page::Effectiveness => show(&effectiveness::effectiveness(s)),
            Page::Changes => show(&lists::changes(s)),
            Page::Reviews => show(&trends::reviews_page(cx.trends, s.fmt)),
            Page::Trends => show(&trends::trends_page(cx.trends, s.fmt)),
            Page::Pack => {
                let key_pages = pack::key_accounts(s)
                    .par_iter()
                    .map(|&i| pack_sheet(cx, i))
                    .collect::<Result<_, _>>()?;
                show(&pack::pack(s, cx.overview, key_pages))
            }
            Page::Manager(i) => show(&lists::manager(s, &an.portfolio.managers[i])),
            Page::Account(i) => {
                let a = &an.accounts[i];
                let narrative =
                    markdown::render(&a.account.body, an.config.allow_raw_html, "plan-");
                show(&account_page::account(s, i, &narrative))
            }
        }?;
        render_values(cx.tera, self.template(), &values, w)
    }

    fn nav(self) -> Nav {
        match self {
            Page::Changes | Page::Reviews | Page::Trends => Nav::More,
            Page::Manager(_) => Nav::Under(Page::Managers),
            Page::Account(_) => Nav::Under(Page::Accounts),
            Page::Pack => Nav::Hidden,
            _ => Nav::Main,
        }
    }
}

/// Key account `i`'s page of the pack, rendered with its own template (the pack renders them
/// in parallel).
pub(super) fn pack_sheet(cx: &Context<'_, '_>, i: usize) -> Result<String, BuildError> {
    let k = pack::key_page(cx.shared, i);
    super::render::partial(cx.tera, "partials/pack-account.html", &Sheet { k: &k })
}

/// The pack with `key_pages` in place of its key accounts' pages (in the order of
/// [`pack::key_accounts`]).
pub(super) fn pack_html(
    cx: &Context<'_, '_>,
    key_pages: Vec<String>,
) -> Result<String, BuildError> {
    let (s, an) = (cx.shared, cx.shared.analysis);
    let view = pack::pack(s, cx.overview, key_pages);
    let mut html = Vec::new();
    page_html(cx.tera, Page::Pack, &s.common, an, &view, &mut html)?;
    String::from_utf8(html).map_err(|e| BuildError(e.to_string()))
}

/// The context of a key account's page of the pack.
#[derive(serde::Serialize)]
struct Sheet<'a, 'b> {
    k: &'a pack::KeyPage<'b>,
}

/// Any page's view, rendered with the page's template (each page has its own view type).
trait ErasedView {
    fn values(&self, cx: &Context<'_, '_>, page: Page) -> Result<tera::Context, BuildError>;
}

impl<T: Serialize> ErasedView for T {
    fn values(&self, cx: &Context<'_, '_>, page: Page) -> Result<tera::Context, BuildError> {
        page_values(page, &cx.shared.common, cx.shared.analysis, self)
    }
}

/// One entry of the navigation.
#[derive(Clone, Debug, Serialize)]
pub struct NavLink {
    /// What the page's `nav` is when this entry is the current one.
    pub key: &'static str,
    pub title: String,
    /// Relative to the site's root.
    pub href: String,
}

/// The navigation of a site: the pages always there, then those that exist in this build
/// (`more`). `href` of each page relative to the site's root, given by `href_of` (a review's
/// site links its Reviews and Trends entries two folders up).
pub fn navigation(
    analysis: &Analysis<'_>,
    exists: impl Fn(Page) -> bool,
    href_of: impl Fn(Page) -> Option<String>,
) -> (Vec<NavLink>, Vec<NavLink>) {
    let link = |p: Page| NavLink {
        key: p.key(),
        title: p.title(analysis),
        href: href_of(p).unwrap_or_else(|| p.path(analysis)),
    };
    let main = Page::PORTFOLIO
        .iter()
        .filter(|p| p.nav() == Nav::Main)
        .map(|p| link(*p))
        .collect();
    let more = Page::PORTFOLIO
        .iter()
        .filter(|p| p.nav() == Nav::More && exists(**p))
        .map(|p| link(*p))
        .collect();
    (main, more)
}
