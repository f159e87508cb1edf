//! The front-matter values of an account that differ from the comparison point (SPEC §17):
//! dotted path, then → now. Lists of entries named by a key (`financials` by `period`,
//! `contacts` by `name`) are compared entry by entry, so a quarter added in front does not
//! make every later one look changed.

use serde_json::Value;

/// One value that differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueChange {
    /// `strength.service`, `financials[2026-Q3].revenue`.
    pub path: String,
    /// As written; `—` when absent on that side.
    pub then: String,
    pub now: String,
}

/// The key that names an entry of a list, when it has one.
fn entry_name(v: &Value) -> Option<String> {
    ["period", "name", "action", "offering"]
        .iter()
        .find_map(|k| v.get(k).and_then(scalar))
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        }),
        _ => None,
    }
}

/// Every scalar of `v` by its path, in document order.
pub fn flatten(v: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(v, String::new(), &mut out);
    out
}

fn walk(v: &Value, path: String, out: &mut Vec<(String, String)>) {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match v {
        Value::Null => {}
        Value::Object(m) => {
            for (k, x) in m {
                walk(x, join(k), out);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                let name = entry_name(x).unwrap_or_else(|| i.to_string());
                walk(x, format!("{path}[{name}]"), out);
            }
        }
        x => {
            if let Some(s) = scalar(x) {
                out.push((path, s));
            }
        }
    }
}

/// The values that differ between `then` and `now` (paths in `now`'s order, then those only
/// `then` has).
pub fn differences(then: &Value, now: &Value) -> Vec<ValueChange> {
    let then = flatten(then);
    let now = flatten(now);
    // Looked up by path (an account has a few hundred values: a scan per value was quadratic).
    let then_at: std::collections::HashMap<&str, &str> =
        then.iter().map(|(p, v)| (p.as_str(), v.as_str())).collect();
    let now_at: std::collections::HashSet<&str> = now.iter().map(|(p, _)| p.as_str()).collect();
    let dash = || "—".to_string();
    let mut out: Vec<ValueChange> = now
        .iter()
        .filter_map(|(p, v)| {
            let before = then_at.get(p.as_str()).copied();
            (before != Some(v.as_str())).then(|| ValueChange {
                path: p.clone(),
                then: before.map_or_else(dash, str::to_string),
                now: v.clone(),
            })
        })
        .collect();
    out.extend(
        then.iter()
            .filter(|(p, _)| !now_at.contains(p.as_str()))
            .map(|(p, v)| ValueChange {
                path: p.clone(),
                then: v.clone(),
                now: dash(),
            }),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_are_compared_by_their_name_not_their_place() {
        let then = json!({ "strength": { "service": 4 }, "financials": [{ "period": "2026-Q2", "revenue": 100 }] });
        let now = json!({ "strength": { "service": 2 }, "financials": [{ "period": "2026-Q1", "revenue": 90 }, { "period": "2026-Q2", "revenue": 100.0 }] });
        let d = differences(&then, &now);
        let shown: Vec<String> = d
            .iter()
            .map(|c| format!("{}: {} → {}", c.path, c.then, c.now))
            .collect();
        assert_eq!(
            shown,
            [
                "strength.service: 4 → 2",
                "financials[2026-Q1].period: — → 2026-Q1",
                "financials[2026-Q1].revenue: — → 90",
            ]
        );
    }
}
