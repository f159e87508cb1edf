//! The account file's front matter (SPEC §3) as typed structs.
//!
//! Every struct denies unknown fields: a typo must never silently drop data. The one open map is
//! `extra:`, handed to templates untouched.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::enums::*;
use super::{Close, Date, Quarter};

/// One key customer: its facts, its narrative and where they came from.
#[derive(Clone, Debug)]
pub struct Account {
    /// Front-matter `id`, else the file stem.
    pub id: String,
    /// Path relative to the portfolio root, with `/` separators (stable across platforms).
    pub source: String,
    /// Shared, not copied: the preview's cache hands the same parsed file to every rebuild,
    /// and a CSV source's rows copy it only when they add to it (`Arc::make_mut`).
    pub front: std::sync::Arc<FrontMatter>,
    /// The Markdown narrative after the front matter (shared like `front`).
    pub body: std::sync::Arc<str>,
    /// 1-based line in the file where the body starts (for diagnostics in the narrative).
    pub body_line: usize,
    /// Where each financials entry and opportunity came from (the file, or a CSV row).
    pub origins: super::Origins,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub name: String,
    pub id: Option<String>,
    /// System name → the account's key in that system (`erp: "100457"`), which sources match
    /// with `match: ids.NAME`; several keys when the account is several customers of that
    /// system (`erp: ["100457", "100458"]`, a customer hierarchy). Keys are text: `007` stays
    /// `007`, as the ERP writes it.
    #[serde(default, deserialize_with = "nullable")]
    pub ids: IndexMap<String, Keys>,
    pub designation: Designation,
    pub owner: Option<String>,
    pub sponsor: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub team: Vec<TeamMember>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub country: Option<String>,
    pub customer_since: Option<Date>,
    #[serde(default, deserialize_with = "nullable")]
    pub tags: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub relationship: Relationship,
    #[serde(default, deserialize_with = "nullable")]
    pub plan: Plan,
    /// Criterion name → 1–5. Names are defined by `scoring.attractiveness` in kamsite.yaml.
    #[serde(default, deserialize_with = "nullable")]
    pub attractiveness: IndexMap<String, f64>,
    /// Criterion name → 1–5. Names are defined by `scoring.strength` in kamsite.yaml.
    #[serde(default, deserialize_with = "nullable")]
    pub strength: IndexMap<String, f64>,
    #[serde(default, deserialize_with = "nullable")]
    pub financials: Vec<Financials>,
    #[serde(default, deserialize_with = "nullable")]
    pub health: Health,
    #[serde(default, deserialize_with = "nullable")]
    pub contacts: Vec<Contact>,
    #[serde(default, deserialize_with = "nullable")]
    pub opportunities: Vec<Opportunity>,
    #[serde(default, deserialize_with = "nullable")]
    pub joint_initiatives: Vec<JointInitiative>,
    /// Offering name (from kamsite.yaml `offerings`) → our position.
    #[serde(default, deserialize_with = "nullable")]
    pub whitespace: IndexMap<String, Coverage>,
    #[serde(default, deserialize_with = "nullable")]
    pub actions: Vec<Action>,
    /// Free-form data for custom templates; never validated.
    pub extra: Option<serde_json::Value>,
}

/// An account's keys in one system: one, or several (a customer hierarchy).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keys {
    pub keys: Vec<String>,
    /// Where a single key written as a number (`erp: 0000100457`) stands in the YAML, as byte
    /// offset and length: YAML reads it as the number 100457, but an ERP key is text as
    /// written, so the loader takes its spelling from there.
    pub spelled_at: Option<(usize, usize)>,
}

impl Keys {
    pub fn iter(&self) -> impl Iterator<Item = &String> {
        self.keys.iter()
    }
}

impl FrontMatter {
    /// Takes the spelling of keys written as numbers from `yaml`, the text they were read
    /// from: `erp: 0000100457` is the key `0000100457`, not 100457.
    pub fn spell_keys(&mut self, yaml: &str) {
        for keys in self.ids.values_mut() {
            if let Some((at, len)) = keys.spelled_at.take() {
                if let Some(text) = yaml.get(at..at + len) {
                    keys.keys = vec![text.trim().to_string()];
                }
            }
        }
    }
}

impl Serialize for Keys {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.keys.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Keys, D::Error> {
        /// A key as YAML reads it: text, a number (spelling to be recovered), or a list of
        /// keys (each read as text as written).
        enum Raw {
            Text(String),
            Number(String),
            List(Vec<String>),
        }
        impl<'de> Deserialize<'de> for Raw {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Raw, D::Error> {
                struct Visit;
                impl<'de> serde::de::Visitor<'de> for Visit {
                    type Value = Raw;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a key, or a list of keys")
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Raw, E> {
                        Ok(Raw::Text(v.to_string()))
                    }
                    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Raw, E> {
                        Ok(Raw::Number(v.to_string()))
                    }
                    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Raw, E> {
                        Ok(Raw::Number(v.to_string()))
                    }
                    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Raw, E> {
                        Ok(Raw::Number(v.to_string()))
                    }
                    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Raw, E> {
                        Ok(Raw::Number(v.to_string()))
                    }
                    fn visit_seq<A: serde::de::SeqAccess<'de>>(
                        self,
                        mut seq: A,
                    ) -> Result<Raw, A::Error> {
                        let mut keys = Vec::new();
                        // Each item as text as written (`007` stays `007`).
                        while let Some(k) = seq.next_element::<String>()? {
                            keys.push(k);
                        }
                        Ok(Raw::List(keys))
                    }
                }
                d.deserialize_any(Visit)
            }
        }
        let spanned = serde_saphyr::Spanned::<Raw>::deserialize(d)?;
        let span = spanned.referenced.span();
        Ok(match spanned.value {
            Raw::Text(k) => Keys {
                keys: vec![k],
                spelled_at: None,
            },
            Raw::List(keys) => Keys {
                keys,
                spelled_at: None,
            },
            Raw::Number(k) => Keys {
                keys: vec![k],
                spelled_at: span
                    .byte_offset()
                    .zip(span.byte_len())
                    .map(|(o, l)| (o as usize, l as usize)),
            },
        })
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TeamMember {
    pub name: String,
    pub role: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Relationship {
    pub stage: Option<Stage>,
    pub target: Option<Stage>,
    pub rating: Option<Rating>,
}

/// How each side rates the relationship, 1–5. Both are required so a gap can be measured.
#[derive(Clone, Copy, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    pub ours: i64,
    pub theirs: i64,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub horizon_months: Option<i64>,
    pub last_reviewed: Option<Date>,
    pub next_review: Option<Date>,
    #[serde(default, deserialize_with = "nullable")]
    pub objectives: Vec<Objective>,
}

/// An objective of the plan (SPEC §16): text, shown as written, or measured — a §5 metric to
/// bring from its value at `from` to `target` by `by`. A mapping without `measure` is text.
#[derive(Clone, Debug, Serialize)]
pub struct Objective {
    pub name: String,
    pub measure: Option<Measure>,
    pub from: Option<Quarter>,
    pub target: Option<f64>,
    pub by: Option<Quarter>,
}

impl<'de> Deserialize<'de> for Objective {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Measured {
            name: String,
            measure: Option<Measure>,
            from: Option<Quarter>,
            target: Option<f64>,
            by: Option<Quarter>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Text(String),
            Measured(Measured),
        }
        Ok(match Written::deserialize(d)? {
            Written::Text(name) => Objective {
                name,
                measure: None,
                from: None,
                target: None,
                by: None,
            },
            Written::Measured(m) => Objective {
                name: m.name,
                measure: m.measure,
                from: m.from,
                target: m.target,
                by: m.by,
            },
        })
    }
}

/// One quarter of the account's numbers, in the portfolio currency.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Financials {
    pub period: Quarter,
    pub revenue: Option<f64>,
    pub gross_margin: Option<f64>,
    pub cost_to_serve: Option<f64>,
    /// The customer's addressable spend on what we could supply, same quarter.
    pub category_spend: Option<f64>,
    pub discount_pct: Option<f64>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Health {
    /// CSAT 0–10.
    pub satisfaction: Option<f64>,
    /// Net promoter score −100..100.
    pub nps: Option<f64>,
    pub retention_risk: Option<RetentionRisk>,
    pub referenceable: Option<bool>,
    pub surveyed: Option<Date>,
}

/// A person in the customer's decision-making unit.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub title: Option<String>,
    pub role: Option<Role>,
    pub stance: Option<Stance>,
    /// Who on our side holds this relationship.
    pub our_contact: Option<String>,
    pub last_contact: Option<Date>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Opportunity {
    pub name: String,
    pub offering: Option<String>,
    pub value: f64,
    pub stage: OpportunityStage,
    /// Percent; when missing, the stage's default (SPEC §3).
    pub probability: Option<f64>,
    pub close: Option<Close>,
}

impl Opportunity {
    pub fn effective_probability(&self) -> f64 {
        self.probability
            .unwrap_or_else(|| self.stage.default_probability())
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JointInitiative {
    pub name: String,
    pub status: InitiativeStatus,
    pub investment: Option<f64>,
    pub started: Option<Date>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub action: String,
    pub owner: Option<String>,
    pub due: Option<Date>,
    /// Defaults to `open`: an action written down without a status is still to do.
    #[serde(default = "default_action_status")]
    pub status: ActionStatus,
}

/// `contacts:` with nothing under it is YAML null; plan authors write that while drafting, so
/// null means "empty" for every list, map and section rather than a type error.
pub(crate) fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(d).map(Option::unwrap_or_default)
}

fn default_action_status() -> ActionStatus {
    ActionStatus::Open
}

#[cfg(test)]
mod tests {
    /// An ERP key is text as written: leading zeros and trailing decimals are part of it.
    #[test]
    fn an_account_may_have_several_keys_in_one_system() {
        let front: super::FrontMatter = serde_saphyr::from_str(
            "name: A\ndesignation: other\nids: { erp: [\"100457\", 100458], crm: x }\n",
        )
        .unwrap();
        assert_eq!(front.ids["erp"].keys, ["100457", "100458"]);
        assert_eq!(front.ids["crm"].keys, ["x"]);
    }

    #[test]
    fn ids_keep_their_text_as_written() {
        let yaml = "name: A\ndesignation: other\nids: { erp: 007, crm: 1.50, sap: 100457, x: \"a b\", y: 0000100457 }\n";
        let mut front: super::FrontMatter = serde_saphyr::from_str(yaml).unwrap();
        front.spell_keys(yaml);
        let ids: Vec<(&str, &str)> = front
            .ids
            .iter()
            .map(|(k, v)| (&k[..], &v.keys[0][..]))
            .collect();
        assert_eq!(
            ids,
            [
                ("erp", "007"),
                ("crm", "1.50"),
                ("sap", "100457"),
                ("x", "a b"),
                ("y", "0000100457")
            ]
        );
    }
}
