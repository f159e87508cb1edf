//! The reader is right only if every document it reads gives serde-saphyr's value: these
//! tests compare the two on real files and on generated documents full of corner cases.

use crate::model::FrontMatter;

/// Both readers' values for `yaml`, after the loader's own step (`spell_keys`); `None` for
/// a document this reader leaves.
fn both(yaml: &str) -> Option<(String, String)> {
    let mut fast: FrontMatter = super::from_str(yaml)?;
    fast.spell_keys(yaml);
    let slow = match serde_saphyr::from_str::<FrontMatter>(yaml) {
        Ok(mut slow) => {
            slow.spell_keys(yaml);
            format!("{slow:?}")
        }
        Err(e) => format!("serde-saphyr rejects it: {e}"),
    };
    Some((format!("{fast:?}"), slow))
}

fn same_as_serde_saphyr(yaml: &str) -> bool {
    match both(yaml) {
        Some((fast, slow)) => {
            assert_eq!(fast, slow, "read differently:\n{yaml}");
            true
        }
        None => false,
    }
}

#[test]
fn reads_the_example_portfolio_as_serde_saphyr_does() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (mut files, mut read) = (0, 0);
    for dir in ["example-portfolio", "tests"] {
        for entry in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let Ok(split) = crate::load::split(&text) else {
                continue;
            };
            files += 1;
            read += same_as_serde_saphyr(split.yaml) as usize;
        }
    }
    // The point is speed: most real plans must be read here, not handed on.
    assert!(
        files >= 20 && read * 10 >= files * 8,
        "{read} of {files} read"
    );
}

#[test]
fn reads_each_form_of_a_plan() {
    let plan = "name: Acme\r\nids: { erp: 0000100457, crm: [\"A-1\", 007] }   # keys\r\n\
        designation: key\r\nsponsor: Maria Lopez (COO)  \r\n\r\n# a comment\r\n\
        team:\r\n- name: Lee Park\r\n  role: Finance, EMEA\r\n-   name: 'Ana'\r\n\
        tags: [a, 'b c', \"d\"]\r\nplan:\r\n   objectives:\r\n     - \"Grow: no, text\"\r\n\
        \x20    - { name: Revenue, measure: revenue_ttm, from: 2025-Q4, target: 4800000, by: 2027-Q4 }\r\n\
        health:\r\n  nps: -7\r\n  satisfaction: 0.5\r\n  referenceable: true\r\n\
        contacts:\r\nopportunities: []\r\nextra: { a: [1, -2, 3.5, x, 2027-Q1] }\r\n";
    assert!(same_as_serde_saphyr(plan));
    // A few that are left: each has a meaning this reader does not decide.
    for left in [
        "name: Acme\ndesignation: key\nowner: ~x\nhealth: { referenceable: yes }",
        "name: &a Acme\ndesignation: key",
        "name: Acme\ndesignation: key\nowner: |\n  Dana",
        "name: \"Ac\\u006De\"\ndesignation: key",
        "name: Acme\ndesignation: key\nname: Other",
        "name: Acme\n\tdesignation: key",
        "name: Acme\ndesignation: key\nowner: Dana\n  Whitfield",
        "name: Acme\ndesignation: key\ntags: [a, b,]",
        // Found by a hostile tester: serde-saphyr rejects each, or is slow to check it.
        "name: A\ndesignation: key\ntags: [a[b]",
        "name: A\ndesignation: key\nextra: {a: b{c}",
    ] {
        assert!(super::from_str::<FrontMatter>(left).is_none(), "{left}");
    }
    let too_large = format!(
        "name: A\ndesignation: key\nhealth: {{ nps: 1{} }}\n",
        "0".repeat(309)
    );
    let long_key = format!("name{}: A\ndesignation: key\n", " ".repeat(1021));
    let many_keys = format!(
        "name: A\ndesignation: key\nextra:\n{}",
        (0..300).map(|i| format!("  k{i}: v\n")).collect::<String>()
    );
    for left in [too_large, long_key, many_keys] {
        assert!(
            super::from_str::<FrontMatter>(&left).is_none(),
            "{left:.80}"
        );
    }
}

/// A small deterministic generator (xorshift), so that a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Scalars where YAML's rules bite: nulls, YAML 1.1 booleans, numbers in every spelling,
/// indicators, quotes and escapes, comments, colons, non-ASCII, limits of the integers.
const TRICKY: &[&str] = &[
    "Acme",
    "Acme GmbH",
    "R&D, EMEA",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "~",
    "null",
    "NULL",
    "Null",
    "",
    "007",
    "0",
    "-0",
    "0x1F",
    "0o17",
    "0b11",
    "1e3",
    "1E-2",
    "1_000",
    ".inf",
    "-.inf",
    ".NaN",
    "+5",
    "-5",
    "5",
    "74",
    "3.14",
    "4.",
    ".5",
    "5.0",
    "-7.25",
    "1.5.3",
    "2026-05-16",
    "2027-Q1",
    "12:30",
    "a: b",
    "a #b",
    "a#b",
    "#c",
    "'q'",
    "\"dq\"",
    "\"a\\\"b\"",
    "'it''s'",
    "\"x\" y",
    "'x' # c",
    "[a, b]",
    "{a: 1}",
    "[]",
    "{}",
    "- x",
    "&a x",
    "*a",
    "!tag x",
    "|",
    ">",
    "%x",
    "@x",
    "`x`",
    "?x",
    ":x",
    "a:",
    "Ünïcödé",
    "true",
    "False",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999.5",
    "+Infinity",
    "infinity",
    "nan",
    "1,5",
    "key: value: x",
    "\u{85}x",
    "x\u{feff}",
    "owned",
    "won",
    "qualified",
    "key",
    "other",
    "low",
    "Spare parts",
];

fn scalar(rng: &mut Rng, typed: &[&str]) -> String {
    if rng.below(6) == 0 {
        rng.pick(TRICKY).to_string()
    } else {
        rng.pick(typed).to_string()
    }
}

/// One optional part of a generated document: its lines, `{indent}` standing for one level.
type Part<'a> = Box<dyn Fn(&mut Rng) -> Vec<String> + 'a>;

/// A document shaped like front matter, with tricky scalars and layouts mixed in.
fn document(rng: &mut Rng) -> String {
    let indent = " ".repeat(1 + rng.below(4));
    let nl = if rng.below(8) == 0 { "\r\n" } else { "\n" };
    let mut lines: Vec<String> = Vec::new();
    let words = [
        "Acme",
        "Dana Whitfield",
        "Lee Park",
        "Field service",
        "2026-09-04",
    ];
    let numbers = ["3", "4", "5", "4.9", "-7", "74", "0", "8550", "0.5", "100"];
    lines.push(format!("name: {}", scalar(rng, &words)));
    lines.push(format!(
        "designation: {}",
        scalar(rng, &["key", "other", "candidate"])
    ));
    let optional: Vec<Part<'_>> = vec![
        Box::new(|r| vec![format!("owner: {}", scalar(r, &words))]),
        Box::new(|r| vec![format!("customer_since: {}", scalar(r, &["2005-07-01"]))]),
        Box::new(|r| {
            vec![format!(
                "tags: [{}, {}]",
                scalar(r, &words),
                scalar(r, &words)
            )]
        }),
        Box::new(|r| {
            vec![format!(
                "ids: {{ erp: {} }}",
                scalar(r, &["0000100457", "A-1"])
            )]
        }),
        Box::new(|r| match r.below(3) {
            0 => vec![
                "relationship:".into(),
                format!("{{indent}}stage: {}", scalar(r, &["basic", "cooperative"])),
                format!(
                    "{{indent}}rating: {{ ours: {}, theirs: {} }}",
                    scalar(r, &numbers),
                    scalar(r, &numbers)
                ),
            ],
            1 => vec!["relationship:".into()],
            _ => vec![format!(
                "relationship: {{ stage: {} }}",
                scalar(r, &["basic"])
            )],
        }),
        Box::new(|r| {
            vec![
                "attractiveness:".into(),
                format!(
                    "{{indent}}{}: {}",
                    scalar(r, &["size", "growth", "Spare parts", "profitability"]),
                    scalar(r, &numbers)
                ),
                format!("{{indent}}profitability: {}", scalar(r, &numbers)),
            ]
        }),
        Box::new(|r| {
            vec![
                "health:".into(),
                format!("{{indent}}satisfaction: {}", scalar(r, &numbers)),
                format!("{{indent}}nps: {}", scalar(r, &numbers)),
                format!("{{indent}}referenceable: {}", scalar(r, &["true", "false"])),
                format!("{{indent}}retention_risk: {}", scalar(r, &["low", "high"])),
            ]
        }),
        Box::new(|r| {
            let dash = if r.below(2) == 0 { "{indent}- " } else { "- " };
            vec![
                "contacts:".into(),
                format!(
                    "{dash}{{ name: {}, role: {}, last_contact: {} }}",
                    scalar(r, &words),
                    scalar(r, &["buyer", "user"]),
                    scalar(r, &["2026-09-04"])
                ),
                format!("{dash}name: {}", scalar(r, &words)),
                format!(
                    "{}  title: {}",
                    if dash.starts_with('{') {
                        "{indent}"
                    } else {
                        ""
                    },
                    scalar(r, &words)
                ),
            ]
        }),
        Box::new(|r| {
            vec![
                "opportunities:".into(),
                format!(
                    "{{indent}}- {{ name: {}, value: {}, stage: {}, close: {} }}",
                    scalar(r, &words),
                    scalar(r, &numbers),
                    scalar(r, &["won", "qualified"]),
                    scalar(r, &["2027-Q1", "2027-02-15"])
                ),
            ]
        }),
        Box::new(|r| {
            vec!["plan:".into(), "{indent}objectives:".into(),
            format!("{{indent}}{{indent}}- {}", scalar(r, &words)),
            format!("{{indent}}{{indent}}- {{ name: {}, measure: revenue_ttm, target: {}, by: {} }}", scalar(r, &words), scalar(r, &numbers), scalar(r, &["2027-Q4"]))]
        }),
        Box::new(|r| {
            vec![
                "whitespace:".into(),
                format!(
                    "{{indent}}Spare parts: {}",
                    scalar(r, &["owned", "partial"])
                ),
            ]
        }),
        Box::new(|r| {
            vec![format!(
                "extra: {{ a: {}, b: [{}, {}] }}",
                scalar(r, &words),
                scalar(r, &numbers),
                scalar(r, &words)
            )]
        }),
        Box::new(|r| vec![format!("# {}", scalar(r, &words)), String::new()]),
    ];
    for _ in 0..rng.below(10) {
        let i = rng.below(optional.len());
        lines.extend(optional[i](rng));
    }
    let mut text = String::new();
    for line in lines {
        let mut line = line.replace("{indent}", &indent);
        match rng.below(20) {
            0 => line.push_str("   "),
            1 => line.push_str(" # note"),
            2 => line.insert(0, ' '),
            _ => {}
        }
        text.push_str(&line);
        text.push_str(nl);
    }
    text
}

#[test]
fn reads_generated_documents_as_serde_saphyr_does() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut read, total) = (0, 20_000);
    for _ in 0..total {
        read += same_as_serde_saphyr(&document(&mut rng)) as usize;
    }
    // Both sides of the comparison must be exercised: many read, many left.
    assert!(
        read > total / 10 && read < total * 9 / 10,
        "{read} of {total} read"
    );
}
