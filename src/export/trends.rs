//! `data/trends.json` (SPEC §14): the trend columns as written, each review's numbers exactly
//! those of its §11 export (`portfolio` is the same object, `scores` the same keys).

use serde::Serialize;

use crate::analyse::trends::Column;

/// The schema id of `data/trends.json`.
pub const SCHEMA: &str = "kamsite/trends/v1";

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    reviews: Vec<Review<'a>>,
}

#[derive(Serialize)]
struct Review<'a> {
    tag: Option<&'a str>,
    commit: Option<&'a str>,
    period: Option<&'a str>,
    as_of: &'a str,
    portfolio: &'a crate::analyse::Aggregates,
    accounts: Vec<Account<'a>>,
}

/// A review's scores of an account (the export's, without their components).
#[derive(Serialize)]
struct Scores {
    attractiveness: Option<f64>,
    strength: Option<f64>,
    health: Option<f64>,
    health_coverage_pct: f64,
}

#[derive(Serialize)]
struct Account<'a> {
    id: &'a str,
    designation: &'a str,
    quadrant: Option<&'a str>,
    scores: Scores,
    revenue_ttm: Option<f64>,
}

/// `data/trends.json`: the columns oldest first, the current state last.
pub fn json(columns: &[Column]) -> String {
    let doc = Document {
        schema: SCHEMA,
        reviews: columns
            .iter()
            .map(|c| Review {
                tag: c.tag.as_deref(),
                commit: c.commit.as_deref(),
                period: c.period.as_deref(),
                as_of: &c.as_of,
                portfolio: &c.portfolio,
                accounts: c
                    .accounts
                    .iter()
                    .map(|a| Account {
                        id: &a.id,
                        designation: a.designation,
                        quadrant: a.quadrant,
                        scores: Scores {
                            attractiveness: a.attractiveness,
                            strength: a.strength,
                            health: a.health,
                            health_coverage_pct: a.health_coverage_pct,
                        },
                        revenue_ttm: a.revenue_ttm,
                    })
                    .collect(),
            })
            .collect(),
    };
    super::to_json_text(&doc)
}
