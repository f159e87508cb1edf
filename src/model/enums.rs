//! Closed value sets of the account file (SPEC §3). Each enum knows its spelling in the files, so
//! error messages, exports and templates all use the same words.

use serde::{Deserialize, Serialize};

/// Declares a closed value set: serde spelling, `as_str`, `ALL` (in the spec's order) and Display.
macro_rules! domain_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in the order the spec lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Every spelling, in the same order (for the schema walk and its messages).
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The spelling used in account files and exports.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

domain_enum!(
    /// Whether the account is managed as a key account.
    Designation { Key => "key", Candidate => "candidate", Other => "other" }
);

domain_enum!(
    /// Relationship development stage (Millman & Wilson's KAM relationship model).
    Stage {
        Exploratory => "exploratory",
        Basic => "basic",
        Cooperative => "cooperative",
        Interdependent => "interdependent",
        Integrated => "integrated",
        Disintegrating => "disintegrating",
    }
);

domain_enum!(
    /// A contact's role in the customer's decision-making unit.
    Role {
        DecisionMaker => "decision_maker",
        Influencer => "influencer",
        Buyer => "buyer",
        User => "user",
        Gatekeeper => "gatekeeper",
        Sponsor => "sponsor",
        Champion => "champion",
    }
);

domain_enum!(
    /// A contact's attitude towards us.
    Stance {
        Champion => "champion",
        Supporter => "supporter",
        Neutral => "neutral",
        Sceptic => "sceptic",
        Blocker => "blocker",
    }
);

domain_enum!(
    /// Sales stage of an opportunity.
    OpportunityStage {
        Identified => "identified",
        Qualified => "qualified",
        Proposal => "proposal",
        Negotiation => "negotiation",
        Won => "won",
        Lost => "lost",
    }
);

impl OpportunityStage {
    /// Probability (percent) used when an opportunity gives none (SPEC §3).
    pub fn default_probability(self) -> f64 {
        match self {
            OpportunityStage::Identified => 10.0,
            OpportunityStage::Qualified => 25.0,
            OpportunityStage::Proposal => 50.0,
            OpportunityStage::Negotiation => 75.0,
            OpportunityStage::Won => 100.0,
            OpportunityStage::Lost => 0.0,
        }
    }

    /// Won and lost opportunities are no longer pipeline.
    pub fn is_open(self) -> bool {
        !matches!(self, OpportunityStage::Won | OpportunityStage::Lost)
    }
}

domain_enum!(
    /// Status of a joint value-creation initiative.
    InitiativeStatus { Planned => "planned", Active => "active", Completed => "completed", Stopped => "stopped" }
);

domain_enum!(
    /// Status of an action in the plan.
    ActionStatus { Open => "open", Done => "done", Blocked => "blocked", Dropped => "dropped" }
);

domain_enum!(
    /// How likely the customer is to leave.
    RetentionRisk { Low => "low", Medium => "medium", High => "high" }
);

domain_enum!(
    /// Our position for one offering at one account (the whitespace grid).
    Coverage {
        Owned => "owned",
        Partial => "partial",
        Opportunity => "opportunity",
        Competitor => "competitor",
        NotApplicable => "not_applicable",
    }
);

domain_enum!(
    /// How serious a diagnostic or a finding is.
    Severity { Error => "error", Warning => "warning", Info => "info" }
);

domain_enum!(
    /// What a source row whose account key matches no account gives (SPEC §13 v1.2): one
    /// warning per distinct key (the default), nothing (a whole-company export that holds
    /// customers without a plan), or an error.
    #[derive(Default)]
    UnknownAccounts { #[default] Warn => "warn", Ignore => "ignore", Error => "error" }
);

domain_enum!(
    /// How a source writes its date cells (SPEC §13 v1.2); ISO dates are always accepted.
    #[derive(Default)]
    DateFormat {
        #[default]
        Iso => "YYYY-MM-DD",
        DayMonthDot => "DD.MM.YYYY",
        DayMonthSlash => "DD/MM/YYYY",
        MonthDaySlash => "MM/DD/YYYY",
    }
);

domain_enum!(
    /// The text encoding of a CSV source.
    #[derive(Default)]
    Encoding {
        #[default]
        Utf8 => "utf-8",
        Windows1252 => "windows-1252",
        Iso88591 => "iso-8859-1",
        Utf16 => "utf-16",
    }
);

domain_enum!(
    /// What a measured objective measures (SPEC §16): a §5 metric computable for any quarter,
    /// or the quarter's gross margin.
    Measure {
        Revenue => "revenue",
        RevenueTtm => "revenue_ttm",
        GrossMargin => "gross_margin",
        MarginPct => "margin_pct",
        Profit => "profit",
        ProfitPct => "profit_pct",
        CostToServePct => "cost_to_serve_pct",
        ShareOfWalletPct => "share_of_wallet_pct",
        DiscountPct => "discount_pct",
    }
);
