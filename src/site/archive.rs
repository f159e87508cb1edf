//! A build with reviews (SPEC §14): the current site at the root, each tagged review's site
//! under `reviews/<slug>/`, the reviews index, the trends page and `data/trends.json`, all
//! written into one staging folder and swapped in at once — a failure anywhere writes nothing.
//! The reviews are independent, so their sites render in parallel on the one rayon pool.

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

use super::format::Fmt;
use super::render::{Archive, BuildError, Options, Report, Site};
use super::trends::{self, Column};
use crate::analyse::Analysis;
use crate::load::Root;
use crate::model::Portfolio;
use crate::output::Staging;
use crate::reviews::Tag;

/// A review's analysis (with the previous review as its baseline), for rendering.
pub struct ReviewSite<'a> {
    pub tag: &'a Tag,
    pub analysis: &'a Analysis<'a>,
}

/// Builds the current site and the archive into `out`. Templates and `static/` come from the
/// current portfolio, so every review in the archive has the same navigation (a tag's own
/// templates could not link to reviews made after it).
pub fn build(
    root: &Root,
    portfolio: &Portfolio,
    analysis: &Analysis<'_>,
    reviews: &[ReviewSite<'_>],
    out: &Path,
    options: Options,
) -> Result<Report, BuildError> {
    let started = Instant::now();
    let mut t = crate::timings::Timings::start();
    let archive = !reviews.is_empty();
    let current_options = Options {
        archive: if archive {
            Archive::Current
        } else {
            Archive::None
        },
        ..options
    };
    let current = Site::new(
        root,
        portfolio.overview.as_deref(),
        analysis,
        current_options,
    )?;
    let review_options = Options {
        archive: Archive::Review,
        progress: false,
        ..options
    };
    let sites = reviews
        .par_iter()
        .map(|r| {
            let site = Site::new(root, None, r.analysis, review_options)?.archived_as(&r.tag.name);
            Ok((format!("reviews/{}/", r.tag.slug()), site))
        })
        .collect::<Result<Vec<_>, BuildError>>()?;
    t.mark("sites: templates, summaries");
    let staging = Staging::new(
        out,
        &root.dir,
        &crate::load::Manifest::new(&portfolio.config),
    )?;
    let (mine, theirs) = rayon::join(
        || current.write_into(&staging, "", None),
        || {
            sites
                .par_iter()
                .map(|(prefix, site)| site.write_into(&staging, prefix, None))
                .collect::<Result<Vec<usize>, BuildError>>()
        },
    );
    let mut pages = mine? + theirs?.iter().sum::<usize>();
    t.mark("sites: pages");
    if archive {
        let columns: Vec<Column<'_>> = reviews
            .par_iter()
            .map(|r| (Some(r.tag), r.analysis))
            .chain(rayon::iter::once((None, analysis)))
            .map(|(tag, analysis)| Column {
                tag,
                doc: crate::export::json_value(analysis),
            })
            .collect();
        let fmt = Fmt {
            incognito: options.incognito,
        };
        let read = trends::read(&columns);
        let index = trends::reviews_page(&read, fmt);
        let html = current.render_page("reviews.html", "../", "reviews", "Reviews", &index)?;
        staging.write("reviews/index.html", &html)?;
        let page = trends::trends_page(&read, fmt);
        let html = current.render_page("trends.html", "../", "trends", "Trends", &page)?;
        staging.write("trends/index.html", &html)?;
        // Like the other exports, the trends would give masked amounts away.
        if !options.incognito {
            staging.write("data/trends.json", trends::json(&columns).as_bytes())?;
        }
        pages += 2;
    }
    t.mark("reviews, trends");
    let crate::output::Committed { target, warning } = staging.commit()?;
    t.mark("commit");
    Ok(Report {
        pages,
        seconds: started.elapsed().as_secs_f64(),
        target,
        warning,
    })
}
