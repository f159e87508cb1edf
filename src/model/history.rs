//! Who changed an account since the comparison point (SPEC §17), as read from git by the
//! layers above and handed to the analysis.

/// One commit, as the account page names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    /// The first ten characters of its id.
    pub short: String,
    pub author: String,
    /// YYYY-MM-DD.
    pub date: String,
    pub subject: String,
}

/// The commits that touched an account's file or its source rows since the comparison
/// point, oldest first, and whether it has changes not committed yet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountHistory {
    pub commits: Vec<Commit>,
    pub uncommitted: bool,
    /// Parallel to `commits`: the commit changed a workbook the account has rows in, whose
    /// changes cannot be read row by row — it counts only if the account's figures changed.
    pub by_workbook: Vec<bool>,
    /// The same for `uncommitted`.
    pub uncommitted_by_workbook: bool,
}
