//! A path into a YAML document (`financials[2].revenue`): how a check, or a finding, names the
//! value it is about. The model carries no positions; the path is looked up only when a
//! problem needs its line and column (`load::positions`).

use std::fmt;

/// One step of a path into the YAML document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Whether a problem is about a mapping key (a misspelt name) or the value under it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Key,
    Value,
}

/// A path from the document root, e.g. `financials[2].revenue`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct YamlPath(pub Vec<Seg>);

impl YamlPath {
    pub fn root() -> YamlPath {
        YamlPath(Vec::new())
    }

    pub fn key(&self, k: impl Into<String>) -> YamlPath {
        let mut p = self.clone();
        p.0.push(Seg::Key(k.into()));
        p
    }

    pub fn index(&self, i: usize) -> YamlPath {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
}

impl fmt::Display for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}
