//! The relationship's shape (the KAM relationship model): a "bow tie" runs through one pair of
//! people, a "diamond" connects many people on both sides. The single-threaded rule and the
//! account page's relationship map read this one value, computed from the rule's thresholds, so
//! a page can never say "diamond" while the rule says "bow tie".

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::Contact;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    BowTie,
    Diamond,
}

impl Shape {
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::BowTie => "bow tie",
            Shape::Diamond => "diamond",
        }
    }
}

/// How many people the relationship runs through, and its shape.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Relationship {
    /// Contacts at the customer.
    pub contacts: usize,
    /// Distinct people on our side holding them.
    pub our_people: usize,
    pub shape: Shape,
    /// The thresholds the shape was judged by (from `single-threaded`).
    pub min_contacts: f64,
    pub min_our_contacts: f64,
}

/// The shape of `contacts` under the `single-threaded` rule's thresholds: fewer than
/// `min_contacts` contacts, or fewer than `min_our_contacts` people on our side, is a bow tie.
pub fn relationship(
    contacts: &[Contact],
    min_contacts: f64,
    min_our_contacts: f64,
) -> Relationship {
    let ours: BTreeSet<&str> = contacts
        .iter()
        .filter_map(|c| c.our_contact.as_deref())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    let thin = (contacts.len() as f64) < min_contacts || (ours.len() as f64) < min_our_contacts;
    Relationship {
        contacts: contacts.len(),
        our_people: ours.len(),
        shape: if thin { Shape::BowTie } else { Shape::Diamond },
        min_contacts,
        min_our_contacts,
    }
}
