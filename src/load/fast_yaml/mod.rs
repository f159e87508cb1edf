//! A fast reader for the YAML that plans are usually written in, in front of serde-saphyr.
//!
//! Front matter is simple YAML: `key: value` lines, nested by indentation, `- item` lists and
//! one-line `{ … }` / `[ … ]` collections of plain or quoted words and numbers. serde-saphyr
//! reads everything YAML allows, with budgets against hostile files, at 10–15 MB/s here: a
//! quarter of a 10,000-account build went to it. This reader handles only that simple form,
//! about six times faster, and gives up (`None`) on anything else: anchors, aliases, tags,
//! block scalars, escapes, multi-line values, duplicate keys, merge keys, tabs, control
//! characters, deep nesting, a value whose meaning could depend on YAML's rules (`yes`, `~`,
//! `0x1F` where any type is accepted), and every type or schema error. The caller then reads
//! the file with serde-saphyr, which decides and words every problem.
//!
//! So a file read here gives the very value serde-saphyr would give, or is not read here:
//! `tests` compare the two on every Markdown file of the repository and on thousands of
//! generated documents full of YAML's corner cases.
//!
//! `parse` reads the text into a tree of nodes; `de` answers serde's questions from it the
//! way serde-saphyr would.

mod de;
mod parse;
#[cfg(test)]
mod tests;

use serde::de::DeserializeOwned;

/// Larger documents go to serde-saphyr, whose budgets (250,000 nodes, 64 levels) they could
/// reach; an account's front matter is a few kilobytes.
const MAX_BYTES: usize = 128 * 1024;
/// Deeper nesting goes to serde-saphyr (a plan nests four levels).
const MAX_DEPTH: usize = 16;
/// YAML's limit on an implicit key's length is 1,024 characters up to its `:`, spaces
/// included; longer ones go to serde-saphyr.
const MAX_KEY: usize = 1000;
/// Keys are checked against each other's spelling one by one (a mapping has a few); one with
/// more goes to serde-saphyr, so that the check stays linear in the file's length.
const MAX_ENTRIES: usize = 256;

/// Decodes `yaml` when it is in the simple form; `None` when serde-saphyr must read it.
pub fn from_str<T: DeserializeOwned>(yaml: &str) -> Option<T> {
    if yaml.len() > MAX_BYTES || !parse::printable(yaml) {
        return None;
    }
    let node = parse::Parser::new(yaml)?.document()?;
    T::deserialize(de::De(&node)).ok()
}
