//! The relationship map (the KAM relationship model): the people on our side on the left, the
//! customer's contacts on the right grouped by role and coloured by stance, a line for every
//! contact a person on our side holds. A bow tie shows as one or two lines; a diamond as many.

use plotters::prelude::*;

use super::charts::{
    draw, finish, text, with_overlay, Chart, Table, GREEN, GREY, ORANGE, SKY, VERMILLION,
};
use crate::analyse::Relationship;
use crate::model::{Contact, Stance};

const WIDTH: i32 = 720;
const ROW: i32 = 44;
const OURS_X: i32 = 200;
const THEIRS_X: i32 = 330;

fn stance_colour(s: Option<Stance>) -> RGBColor {
    match s {
        Some(Stance::Champion) => GREEN,
        Some(Stance::Supporter) => SKY,
        Some(Stance::Neutral) | None => GREY,
        Some(Stance::Sceptic) => ORANGE,
        Some(Stance::Blocker) => VERMILLION,
    }
}

/// The map of `contacts` with `relationship`'s shape; `id` makes the SVG's ids unique.
pub fn map(
    id: &str,
    contacts: &[Contact],
    stale: &[Option<i64>],
    relationship: &Relationship,
    table: Table,
) -> Chart {
    let stale_of = |c: &Contact| {
        contacts
            .iter()
            .position(|x| std::ptr::eq(x, c))
            .and_then(|i| stale.get(i).copied().flatten())
    };
    // Customer contacts by role (in the order roles first appear), then our people in the order
    // they first hold a contact, so lines cross as little as a simple layout allows.
    let mut roles: Vec<&str> = Vec::new();
    for c in contacts {
        let role = c.role.map_or("role not given", |r| r.as_str());
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    let mut theirs: Vec<(&str, &Contact)> = Vec::new();
    for role in &roles {
        theirs.extend(
            contacts
                .iter()
                .filter(|c| c.role.map_or("role not given", |r| r.as_str()) == *role)
                .map(|c| (*role, c)),
        );
    }
    let mut ours: Vec<&str> = Vec::new();
    for (_, c) in &theirs {
        if let Some(o) = c
            .our_contact
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
        {
            if !ours.contains(&o) {
                ours.push(o);
            }
        }
    }
    // Right column: a header row per role, then its contacts.
    let mut y = 60;
    let mut right: Vec<(i32, &str, &Contact)> = Vec::new();
    let mut headers: Vec<(i32, &str)> = Vec::new();
    let mut last_role = "";
    for (role, c) in &theirs {
        if *role != last_role {
            headers.push((y, role));
            y += 30;
            last_role = role;
        }
        right.push((y, role, c));
        y += ROW;
    }
    let height = (y + 10).max(56 + ours.len() as i32 * ROW + 10).max(120);
    // Left column, centred against the right one.
    let top = 56 + ((y - 56) - ours.len() as i32 * ROW).max(0) / 2;
    let left: Vec<(i32, &str)> = ours
        .iter()
        .enumerate()
        .map(|(i, o)| (top + i as i32 * ROW + 12, *o))
        .collect();
    let mut overlay = String::new();
    let svg = draw((WIDTH as u32, height as u32), |root| {
        text(&mut overlay, OURS_X, 24, "end", 14, "Our side");
        text(&mut overlay, THEIRS_X, 24, "start", 14, "The customer");
        for (cy, _, c) in &right {
            if let Some(o) = c.our_contact.as_deref().map(str::trim) {
                if let Some((oy, _)) = left.iter().find(|(_, name)| *name == o) {
                    root.draw(&PathElement::new(
                        vec![(OURS_X + 8, *oy), (THEIRS_X - 8, *cy)],
                        GREY.stroke_width(2),
                    ))?;
                }
            }
        }
        for (oy, name) in &left {
            root.draw(&Circle::new((OURS_X, *oy), 7, BLACK.mix(0.7).filled()))?;
            text(&mut overlay, OURS_X - 14, oy + 5, "end", 14, name);
        }
        for (hy, role) in &headers {
            text(
                &mut overlay,
                THEIRS_X - 8,
                hy + 6,
                "start",
                12,
                &role.replace('_', " ").to_uppercase(),
            );
        }
        for (cy, _, c) in &right {
            root.draw(&Circle::new(
                (THEIRS_X, *cy),
                8,
                stance_colour(c.stance).filled(),
            ))?;
            let stance = c.stance.map_or("stance not given", |s| s.as_str());
            let senior = matches!(
                c.role,
                Some(crate::model::Role::DecisionMaker | crate::model::Role::Sponsor)
            );
            let last = match (c.last_contact, stale_of(c)) {
                (Some(d), Some(days)) => format!(", last contact {d}: not met for {days} days"),
                (Some(d), None) => format!(", last contact {d}"),
                (None, _) if senior => ", no last contact recorded".to_string(),
                _ => String::new(),
            };
            let held = if c
                .our_contact
                .as_deref()
                .is_some_and(|o| !o.trim().is_empty())
            {
                ""
            } else {
                ", held by nobody on our side"
            };
            text(&mut overlay, THEIRS_X + 14, cy + 1, "start", 14, &c.name);
            text(
                &mut overlay,
                THEIRS_X + 14,
                cy + 17,
                "start",
                12,
                &format!("{stance}{last}{held}"),
            );
        }
        Ok(())
    });
    let description = format!(
        "{} contact{} at the customer, grouped by role and coloured by stance (green champion, blue supporter, grey neutral, orange sceptic, red blocker), linked to the {} {} on our side who hold{} them: a {} relationship (a diamond needs at least {} contacts held by at least {} of our people).",
        relationship.contacts,
        if relationship.contacts == 1 { "" } else { "s" },
        relationship.our_people,
        if relationship.our_people == 1 { "person" } else { "people" },
        if relationship.our_people == 1 { "s" } else { "" },
        relationship.shape.as_str(),
        crate::numfmt::short(relationship.min_contacts),
        crate::numfmt::short(relationship.min_our_contacts),
    );
    finish(
        id,
        "Relationship map",
        &description,
        with_overlay(svg, &overlay),
        table,
    )
}
