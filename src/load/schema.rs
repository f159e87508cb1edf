//! The shape of an account file's front matter and of kamsite.yaml, as data.
//!
//! serde's derive knows the same shape but stops at the first problem; this description lets
//! `walk.rs` check a whole file and report every problem. It is kept equal to the model by
//! tests: `walk::tests` decode every example file both ways, and `tests/export_schema.rs`
//! compares it with docs/account.schema.json (keys, required keys and enum values).
//! Ranges and consistency (ratings 1–5, names defined by kamsite.yaml) are not here: they live
//! in `validate/mod.rs`, which runs on what the walk could decode, so there is one copy of each rule.

use crate::model::{
    ActionStatus, Coverage, DateFormat, Designation, Encoding, InitiativeStatus, Measure,
    OpportunityStage, RetentionRisk, Role, Severity, Stage, Stance, UnknownAccounts,
};

/// What a value must look like.
#[derive(Debug)]
pub enum Shape {
    /// Any scalar, taken as text.
    Text,
    /// A number (decimals allowed).
    Number,
    /// A whole number.
    Integer,
    Bool,
    /// `YYYY-MM-DD`.
    Date,
    /// `YYYY-Qn`.
    Quarter,
    /// A quarter or a date.
    Close,
    /// One of these words.
    OneOf(&'static [&'static str]),
    List(&'static Shape),
    Record(&'static Record),
    /// A mapping from names the user chooses (criteria, offerings, rule ids) to values.
    Names(&'static Shape),
    /// Anything (`extra:`).
    Any,
    /// A scalar taken as text, or the inner shape (a list of keys, a mapping).
    TextOr(&'static Shape),
}

/// A mapping with known keys.
#[derive(Debug)]
pub struct Record {
    pub fields: &'static [Field],
    /// The shape of keys not in `fields`; `None`: other keys are errors.
    pub rest: Option<&'static Shape>,
}

#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub shape: Shape,
    pub presence: Presence,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// Must be there, with a value.
    Required,
    /// May be missing or empty (`contacts:` with nothing under it).
    Optional,
}

const fn req(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        shape,
        presence: Presence::Required,
    }
}

const fn opt(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        shape,
        presence: Presence::Optional,
    }
}

impl Record {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + Clone {
        self.fields.iter().map(|f| f.name)
    }
}

/// An account file's front matter (SPEC §3, `model::FrontMatter`).
pub static FRONT_MATTER: Record = Record {
    fields: &[
        req("name", Shape::Text),
        opt("id", Shape::Text),
        opt(
            "ids",
            Shape::Names(&Shape::TextOr(&Shape::List(&Shape::Text))),
        ),
        req("designation", Shape::OneOf(Designation::NAMES)),
        opt("owner", Shape::Text),
        opt("sponsor", Shape::Text),
        opt("team", Shape::List(&Shape::Record(&TEAM_MEMBER))),
        opt("industry", Shape::Text),
        opt("region", Shape::Text),
        opt("country", Shape::Text),
        opt("customer_since", Shape::Date),
        opt("tags", Shape::List(&Shape::Text)),
        opt("relationship", Shape::Record(&RELATIONSHIP)),
        opt("plan", Shape::Record(&PLAN)),
        opt("attractiveness", Shape::Names(&Shape::Number)),
        opt("strength", Shape::Names(&Shape::Number)),
        opt("financials", Shape::List(&Shape::Record(&FINANCIALS))),
        opt("health", Shape::Record(&HEALTH)),
        opt("contacts", Shape::List(&Shape::Record(&CONTACT))),
        opt("opportunities", Shape::List(&Shape::Record(&OPPORTUNITY))),
        opt(
            "joint_initiatives",
            Shape::List(&Shape::Record(&JOINT_INITIATIVE)),
        ),
        opt("whitespace", Shape::Names(&Shape::OneOf(Coverage::NAMES))),
        opt("actions", Shape::List(&Shape::Record(&ACTION))),
        opt("extra", Shape::Any),
    ],
    rest: None,
};

static TEAM_MEMBER: Record = Record {
    fields: &[req("name", Shape::Text), opt("role", Shape::Text)],
    rest: None,
};

static RELATIONSHIP: Record = Record {
    fields: &[
        opt("stage", Shape::OneOf(Stage::NAMES)),
        opt("target", Shape::OneOf(Stage::NAMES)),
        opt("rating", Shape::Record(&RATING)),
    ],
    rest: None,
};

static RATING: Record = Record {
    fields: &[req("ours", Shape::Integer), req("theirs", Shape::Integer)],
    rest: None,
};

static PLAN: Record = Record {
    fields: &[
        opt("horizon_months", Shape::Integer),
        opt("last_reviewed", Shape::Date),
        opt("next_review", Shape::Date),
        opt(
            "objectives",
            Shape::List(&Shape::TextOr(&Shape::Record(&OBJECTIVE))),
        ),
    ],
    rest: None,
};

/// A measured objective (SPEC §16); a mapping without `measure` is a text objective.
static OBJECTIVE: Record = Record {
    fields: &[
        req("name", Shape::Text),
        opt("measure", Shape::OneOf(Measure::NAMES)),
        opt("from", Shape::Quarter),
        opt("target", Shape::Number),
        opt("by", Shape::Quarter),
    ],
    rest: None,
};

static FINANCIALS: Record = Record {
    fields: &[
        req("period", Shape::Quarter),
        opt("revenue", Shape::Number),
        opt("gross_margin", Shape::Number),
        opt("cost_to_serve", Shape::Number),
        opt("category_spend", Shape::Number),
        opt("discount_pct", Shape::Number),
    ],
    rest: None,
};

static HEALTH: Record = Record {
    fields: &[
        opt("satisfaction", Shape::Number),
        opt("nps", Shape::Number),
        opt("retention_risk", Shape::OneOf(RetentionRisk::NAMES)),
        opt("referenceable", Shape::Bool),
        opt("surveyed", Shape::Date),
    ],
    rest: None,
};

static CONTACT: Record = Record {
    fields: &[
        req("name", Shape::Text),
        opt("title", Shape::Text),
        opt("role", Shape::OneOf(Role::NAMES)),
        opt("stance", Shape::OneOf(Stance::NAMES)),
        opt("our_contact", Shape::Text),
        opt("last_contact", Shape::Date),
    ],
    rest: None,
};

static OPPORTUNITY: Record = Record {
    fields: &[
        req("name", Shape::Text),
        opt("offering", Shape::Text),
        req("value", Shape::Number),
        req("stage", Shape::OneOf(OpportunityStage::NAMES)),
        opt("probability", Shape::Number),
        opt("close", Shape::Close),
    ],
    rest: None,
};

static JOINT_INITIATIVE: Record = Record {
    fields: &[
        req("name", Shape::Text),
        req("status", Shape::OneOf(InitiativeStatus::NAMES)),
        opt("investment", Shape::Number),
        opt("started", Shape::Date),
    ],
    rest: None,
};

static ACTION: Record = Record {
    fields: &[
        req("action", Shape::Text),
        opt("owner", Shape::Text),
        opt("due", Shape::Date),
        opt("status", Shape::OneOf(ActionStatus::NAMES)),
    ],
    rest: None,
};

/// kamsite.yaml (SPEC §2, `model::Config`). Every key has a default.
pub static CONFIG: Record = Record {
    fields: &[
        opt("title", Shape::Text),
        opt("company", Shape::Text),
        opt("currency", Shape::Text),
        opt("period", Shape::Quarter),
        opt("as_of", Shape::Date),
        opt("base_url", Shape::Text),
        opt("allow_raw_html", Shape::Bool),
        opt("repo_url", Shape::Text),
        opt("fiscal_year_start", Shape::Integer),
        opt("managers", Shape::List(&Shape::Record(&MANAGER))),
        opt("offerings", Shape::List(&Shape::Text)),
        opt("scoring", Shape::Record(&SCORING)),
        opt("guidelines", Shape::Record(&GUIDELINES)),
        opt("findings", Shape::Names(&Shape::Record(&RULE_OVERRIDE))),
        opt("changes", Shape::Record(&CHANGES)),
        opt("objectives", Shape::Record(&OBJECTIVES)),
        opt("sources", Shape::Record(&SOURCES)),
    ],
    rest: None,
};

/// `sources:` (SPEC §13, `model::Sources`).
static SOURCES: Record = Record {
    fields: &[
        opt("financials", Shape::Record(&FINANCIALS_SOURCE)),
        opt("opportunities", Shape::Record(&OPPORTUNITIES_SOURCE)),
    ],
    rest: None,
};

/// The keys every source has, then its `columns`.
macro_rules! source {
    ($columns:expr) => {
        Record {
            fields: &[
                req("file", Shape::Text),
                opt("sheet", Shape::Text),
                opt("header_row", Shape::Integer),
                opt("skip_rows_starting_with", Shape::List(&Shape::Text)),
                opt("date_format", Shape::OneOf(DateFormat::NAMES)),
                opt("encoding", Shape::OneOf(Encoding::NAMES)),
                req("account", Shape::Text),
                opt("match", Shape::Text),
                opt("delimiter", Shape::Text),
                opt("decimal", Shape::Text),
                opt("unknown_accounts", Shape::OneOf(UnknownAccounts::NAMES)),
                req("columns", Shape::Record($columns)),
                opt(
                    "stages",
                    Shape::Names(&Shape::OneOf(OpportunityStage::NAMES)),
                ),
            ],
            rest: None,
        }
    };
}

static FINANCIALS_SOURCE: Record = source!(&FINANCIAL_COLUMNS);
static OPPORTUNITIES_SOURCE: Record = source!(&OPPORTUNITY_COLUMNS);

static FINANCIAL_COLUMNS: Record = Record {
    fields: &[
        req("period", Shape::Text),
        opt("revenue", Shape::Text),
        opt("gross_margin", Shape::Text),
        opt("cost_to_serve", Shape::Text),
        opt("category_spend", Shape::Text),
        opt("discount_pct", Shape::Text),
    ],
    rest: None,
};

static OPPORTUNITY_COLUMNS: Record = Record {
    fields: &[
        req("name", Shape::Text),
        opt("offering", Shape::Text),
        req("value", Shape::Text),
        req("stage", Shape::Text),
        opt("probability", Shape::Text),
        opt("close", Shape::Text),
    ],
    rest: None,
};

static OBJECTIVES: Record = Record {
    fields: &[opt("tolerance_pts", Shape::Number)],
    rest: None,
};

static CHANGES: Record = Record {
    fields: &[opt("min_score_delta", Shape::Number)],
    rest: None,
};

static MANAGER: Record = Record {
    fields: &[req("name", Shape::Text), opt("capacity", Shape::Integer)],
    rest: None,
};

static SCORING: Record = Record {
    fields: &[
        opt("attractiveness", Shape::Names(&Shape::Number)),
        opt("strength", Shape::Names(&Shape::Number)),
        opt("health", Shape::Record(&HEALTH_WEIGHTS)),
        opt("matrix_split", Shape::Record(&MATRIX_SPLIT)),
        opt("health_min_coverage_pct", Shape::Number),
    ],
    rest: None,
};

static HEALTH_WEIGHTS: Record = Record {
    fields: &[
        opt("growth", Shape::Number),
        opt("profitability", Shape::Number),
        opt("share_of_wallet", Shape::Number),
        opt("satisfaction", Shape::Number),
        opt("nps", Shape::Number),
        opt("retention", Shape::Number),
        opt("relationship", Shape::Number),
    ],
    rest: None,
};

static MATRIX_SPLIT: Record = Record {
    fields: &[
        opt("attractiveness", Shape::Number),
        opt("strength", Shape::Number),
    ],
    rest: None,
};

static GUIDELINES: Record = Record {
    fields: &[
        opt("key_accounts", Shape::Record(&KEY_ACCOUNTS)),
        opt("manager_capacity", Shape::Integer),
    ],
    rest: None,
};

static KEY_ACCOUNTS: Record = Record {
    fields: &[
        opt("min", Shape::Integer),
        opt("max", Shape::Integer),
        opt("hard_min", Shape::Integer),
        opt("hard_max", Shape::Integer),
    ],
    rest: None,
};

/// `findings.<rule>`: `enabled`, `severity` and the rule's thresholds (numbers; their names
/// are checked against the rule registry by validation).
static RULE_OVERRIDE: Record = Record {
    fields: &[
        opt("enabled", Shape::Bool),
        opt("severity", Shape::OneOf(Severity::NAMES)),
    ],
    rest: Some(&Shape::Number),
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Config;

    fn keys_of(v: &serde_json::Value) -> Vec<String> {
        let mut k: Vec<String> = v
            .as_object()
            .map_or(Vec::new(), |o| o.keys().cloned().collect());
        k.sort();
        k
    }

    fn names(r: &Record) -> Vec<String> {
        let mut k: Vec<String> = r.names().map(String::from).collect();
        k.sort();
        k
    }

    /// Every key of kamsite.yaml's model is described, at every level with fixed keys (the
    /// account file's keys are compared with the JSON Schema in tests/export_schema.rs).
    #[test]
    fn config_keys_match_the_model() {
        let model = serde_json::to_value(Config::default()).unwrap_or_default();
        assert_eq!(keys_of(&model), names(&CONFIG));
        for (section, record) in [("scoring", &SCORING), ("guidelines", &GUIDELINES)] {
            assert_eq!(keys_of(&model[section]), names(record), "{section}");
        }
        assert_eq!(keys_of(&model["scoring"]["health"]), names(&HEALTH_WEIGHTS));
        assert_eq!(
            keys_of(&model["scoring"]["matrix_split"]),
            names(&MATRIX_SPLIT)
        );
        assert_eq!(
            keys_of(&model["guidelines"]["key_accounts"]),
            names(&KEY_ACCOUNTS)
        );
        assert_eq!(keys_of(&model["changes"]), names(&CHANGES));
    }
}
