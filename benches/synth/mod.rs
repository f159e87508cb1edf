//! Deterministic synthetic portfolios for benchmarks: Pareto-distributed revenue, eight quarters,
//! every field of SPEC §3 with realistic gaps, and ~500-word narratives with headings, lists and
//! a table. Shared by `examples/gen-portfolio.rs` and the criterion benches.

#![allow(dead_code)]

use std::fmt::Write as _;

/// splitmix64: tiny, fast and good enough for test data; no dependency needed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

pub const OFFERINGS: [&str; 5] = [
    "Spare parts",
    "Field service",
    "Predictive maintenance",
    "Training",
    "Retrofit kits",
];
const MANAGERS: [&str; 8] = [
    "Dana Whitfield",
    "Marco Bellini",
    "Priya Nair",
    "Sofia Lindqvist",
    "Tom Okafor",
    "Kenji Ito",
    "Amara Obi",
    "Lucas Meyer",
];
const STAGES: [&str; 6] = [
    "exploratory",
    "basic",
    "cooperative",
    "interdependent",
    "integrated",
    "disintegrating",
];
const INDUSTRIES: [&str; 8] = [
    "Industrial machinery",
    "Energy",
    "Rail",
    "Food processing",
    "Pharmaceuticals",
    "Logistics",
    "Mining",
    "Automotive",
];
const REGIONS: [(&str, &str); 6] = [
    ("EMEA", "DE"),
    ("EMEA", "FR"),
    ("AMER", "US"),
    ("AMER", "BR"),
    ("APAC", "JP"),
    ("APAC", "IN"),
];
const ROLES: [&str; 7] = [
    "decision_maker",
    "influencer",
    "buyer",
    "user",
    "gatekeeper",
    "sponsor",
    "champion",
];
const STANCES: [&str; 5] = ["champion", "supporter", "neutral", "sceptic", "blocker"];
const OPP_STAGES: [&str; 6] = [
    "identified",
    "qualified",
    "proposal",
    "negotiation",
    "won",
    "lost",
];
const WORDS: [&str; 24] = [
    "the",
    "customer",
    "plant",
    "maintenance",
    "downtime",
    "contract",
    "service",
    "supplier",
    "growth",
    "margin",
    "engineering",
    "procurement",
    "programme",
    "relationship",
    "retrofit",
    "capacity",
    "quality",
    "training",
    "forecast",
    "value",
    "risk",
    "budget",
    "partner",
    "team",
];
pub const QUARTERS: [&str; 8] = [
    "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3",
];

pub fn config() -> String {
    let mut s = String::from("title: Synthetic portfolio\ncompany: Benchmark Components\ncurrency: EUR\nas_of: 2026-10-05\nmanagers:\n");
    for (i, m) in MANAGERS.iter().enumerate() {
        let _ = writeln!(s, "  - {{ name: {m}, capacity: {} }}", 4 + i % 3);
    }
    let _ = writeln!(s, "offerings: [{}]", OFFERINGS.join(", "));
    s
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        let w = rng.pick(&WORDS);
        if i == 0 {
            let mut c = w.chars();
            s.extend(c.next().map(|c| c.to_ascii_uppercase()));
            s.push_str(c.as_str());
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

fn paragraph(rng: &mut Rng, sentences: usize) -> String {
    (0..sentences)
        .map(|_| {
            let n = 8 + rng.below(8);
            sentence(rng, n)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The file name and text of account `i`.
pub fn account(i: usize, seed: u64) -> (String, String) {
    let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(i as u64));
    let id = format!("acct-{i:05}");
    let (region, country) = REGIONS[rng.below(REGIONS.len())];
    // Pareto (alpha 1.16, the 80/20 law) quarterly revenue from 20k upwards, capped.
    let revenue = (20_000.0 / (1.0 - rng.unit()).powf(1.0 / 1.16)).min(50_000_000.0);
    let designation = if i % 10 < 2 {
        "key"
    } else if i % 10 < 4 {
        "candidate"
    } else {
        "other"
    };
    let owner = MANAGERS[i % MANAGERS.len()];
    let mut s = String::with_capacity(8 * 1024);
    let _ = write!(
        s,
        "---\nname: Customer {i} {}\ndesignation: {designation}\nowner: {owner}\n",
        rng.pick(&["GmbH", "Ltd", "Inc.", "S.A.", "AS"])
    );
    if designation == "key" && rng.chance(0.85) {
        s.push_str("sponsor: Maria Lopez (COO)\nteam:\n  - { name: Lee Park, role: Supply chain }\n  - { name: Ana Ruiz, role: Finance }\n");
    }
    let _ = write!(s, "industry: {}\nregion: {region}\ncountry: {country}\ncustomer_since: 20{:02}-0{}-01\ntags: [{}, segment-{}]\n",
        rng.pick(&INDUSTRIES), 5 + rng.below(20), 1 + rng.below(9), region.to_lowercase(), i % 7);
    let stage = STAGES[rng.below(STAGES.len())];
    let _ = write!(
        s,
        "relationship:\n  stage: {stage}\n  target: {}\n  rating: {{ ours: {}, theirs: {} }}\n",
        STAGES[rng.below(5)],
        2 + rng.below(4),
        1 + rng.below(5)
    );
    let _ = write!(s, "plan:\n  horizon_months: {}\n  last_reviewed: 2026-0{}-1{}\n  next_review: 2027-01-15\n  objectives:\n    - Grow share of wallet by {} points\n    - Move the relationship to {}\n",
        [6, 12, 24, 36][rng.below(4)], 3 + rng.below(7), rng.below(10), 2 + rng.below(10), STAGES[2 + rng.below(3)]);
    if rng.chance(0.95) {
        s.push_str("attractiveness:\n");
        for k in [
            "profitability",
            "revenue_potential",
            "strategic_value",
            "geographic_fit",
            "size",
            "growth",
        ] {
            let _ = writeln!(s, "  {k}: {}", 1 + rng.below(5));
        }
        s.push_str("strength:\n");
        for k in ["offer_fit", "service", "price", "relationship"] {
            let _ = writeln!(s, "  {k}: {}", 1 + rng.below(5));
        }
    }
    s.push_str("financials:\n");
    let growth = rng.unit() * 0.5 - 0.2;
    let measured = rng.chance(0.8);
    for (n, q) in QUARTERS.iter().enumerate() {
        if n == 7 && rng.chance(0.03) {
            continue; // the latest quarter not reported yet
        }
        let r =
            (revenue * (1.0 + growth).powf((n as f64 - 7.0) / 4.0) * (0.97 + rng.unit() * 0.06))
                .round();
        let _ = write!(s, "  - {{ period: {q}, revenue: {r}");
        if measured {
            let _ = write!(
                s,
                ", gross_margin: {}, cost_to_serve: {}",
                (r * (0.15 + rng.unit() * 0.25)).round(),
                (r * (0.05 + rng.unit() * 0.12)).round()
            );
        }
        let _ = writeln!(
            s,
            ", category_spend: {}, discount_pct: {:.1} }}",
            (r * (2.0 + rng.unit() * 8.0)).round(),
            rng.unit() * 9.0
        );
    }
    let _ = write!(s, "health:\n  satisfaction: {:.1}\n  nps: {}\n  retention_risk: {}\n  referenceable: {}\n  surveyed: 2026-06-15\n",
        3.0 + rng.unit() * 7.0, rng.below(120) as i64 - 40, rng.pick(&["low", "low", "medium", "high"]), rng.chance(0.5));
    s.push_str("contacts:\n");
    for c in 0..1 + rng.below(5) {
        let _ = writeln!(s, "  - {{ name: Contact {c} of {i}, title: Manager, role: {}, stance: {}, our_contact: {}, last_contact: 2026-09-0{} }}",
            rng.pick(&ROLES), rng.pick(&STANCES), if c % 2 == 0 { owner } else { "Lee Park" }, 1 + rng.below(9));
    }
    s.push_str("opportunities:\n");
    for o in 0..rng.below(4) {
        let _ = writeln!(
            s,
            "  - {{ name: Opportunity {o}, offering: {}, value: {}, stage: {}, close: 2027-Q{} }}",
            rng.pick(&OFFERINGS),
            (revenue * rng.unit()).round(),
            rng.pick(&OPP_STAGES),
            1 + rng.below(4)
        );
    }
    if designation != "other" {
        let _ = writeln!(
            s,
            "joint_initiatives:\n  - {{ name: Joint programme, status: {}, investment: {} }}",
            rng.pick(&["planned", "active", "completed", "stopped"]),
            (revenue * 0.05).round()
        );
    }
    s.push_str("whitespace:\n");
    for o in OFFERINGS {
        let _ = writeln!(
            s,
            "  {o}: {}",
            rng.pick(&[
                "owned",
                "partial",
                "opportunity",
                "competitor",
                "not_applicable"
            ])
        );
    }
    s.push_str("actions:\n");
    for a in 0..1 + rng.below(3) {
        let _ = writeln!(
            s,
            "  - {{ action: Action {a}, owner: {owner}, due: 2026-{:02}-1{}, status: {} }}",
            6 + rng.below(7),
            rng.below(10),
            rng.pick(&["open", "done", "blocked", "dropped", "open"])
        );
    }
    s.push_str("---\n");
    // ~500 words of narrative in the shape of a real plan.
    let _ = write!(
        s,
        "## The customer's business\n\n{}\n\n{}\n\n## Challenges\n\n",
        paragraph(&mut rng, 5),
        paragraph(&mut rng, 4)
    );
    for _ in 0..4 {
        let _ = writeln!(s, "- {}", sentence(&mut rng, 9));
    }
    let _ = write!(
        s,
        "\n## The relationship\n\n{}\n\n{}\n",
        paragraph(&mut rng, 5),
        paragraph(&mut rng, 4)
    );
    let _ = write!(s, "\n## Our strategy\n\n{}\n\n{}\n\n## SWOT\n\n| Strengths | Weaknesses | Opportunities | Threats |\n|---|---|---|---|\n", paragraph(&mut rng, 5), paragraph(&mut rng, 6));
    for _ in 0..3 {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            sentence(&mut rng, 4),
            sentence(&mut rng, 4),
            sentence(&mut rng, 4),
            sentence(&mut rng, 4)
        );
    }
    let _ = write!(
        s,
        "\n## Risks\n\n- {}\n- {}\n\n## Next steps\n\n- [ ] {}\n- [x] {}\n",
        sentence(&mut rng, 10),
        sentence(&mut rng, 10),
        sentence(&mut rng, 7),
        sentence(&mut rng, 7)
    );
    (format!("accounts/{}/{id}.md", region.to_lowercase()), s)
}

/// Writes a whole portfolio of `n` accounts into `dir`, as teams keep them: half of the
/// accounts (the odd ones) with their financials from the ERP's export, `data/financials.csv`,
/// the other half with financials written in their front matter.
pub fn write_portfolio(dir: &std::path::Path, n: usize, seed: u64) -> std::io::Result<()> {
    write_with_csv(dir, n, seed, |i| i % 2 == 1)
}

/// [`write_portfolio`] with every account's financials in `data/financials.csv` (matched by
/// account id): for timing CSV sources.
pub fn write_portfolio_csv(dir: &std::path::Path, n: usize, seed: u64) -> std::io::Result<()> {
    write_with_csv(dir, n, seed, |_| true)
}

/// Writes the portfolio, the financials of the accounts `in_csv` picks moved to
/// `data/financials.csv`.
fn write_with_csv(
    dir: &std::path::Path,
    n: usize,
    seed: u64,
    in_csv: impl Fn(usize) -> bool,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("accounts"))?;
    std::fs::create_dir_all(dir.join("data"))?;
    let config = config()
        + "sources:\n  financials:\n    file: data/financials.csv\n    account: Account\n    columns: { period: Quarter, revenue: Revenue, gross_margin: Gross margin,\n               cost_to_serve: Cost to serve, category_spend: Category spend, discount_pct: Discount % }\n";
    std::fs::write(dir.join("kamsite.yaml"), config)?;
    let mut csv = String::from(
        "Account,Quarter,Revenue,Gross margin,Cost to serve,Category spend,Discount %\n",
    );
    for i in 0..n {
        let (rel, text) = account(i, seed);
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if !in_csv(i) {
            std::fs::write(path, text)?;
            continue;
        }
        let id = rel.rsplit('/').next().unwrap_or("").trim_end_matches(".md");
        let mut kept = String::with_capacity(text.len());
        for line in text.lines() {
            let Some(entry) = line.strip_prefix("  - { period: ") else {
                if line != "financials:" {
                    kept.push_str(line);
                    kept.push('\n');
                }
                continue;
            };
            let entry = entry.trim_end_matches(" }");
            let period = entry.split(", ").next().unwrap_or("");
            let value = |name: &str| {
                entry
                    .split(", ")
                    .find_map(|f| f.strip_prefix(name).and_then(|v| v.strip_prefix(": ")))
                    .unwrap_or("")
                    .to_string()
            };
            let _ = writeln!(
                csv,
                "{id},{period},{},{},{},{},{}",
                value("revenue"),
                value("gross_margin"),
                value("cost_to_serve"),
                value("category_spend"),
                value("discount_pct")
            );
        }
        std::fs::write(path, kept)?;
    }
    std::fs::write(dir.join("data/financials.csv"), csv)
}

/// [`write_portfolio_csv`], with the financials as an Excel workbook (`data/financials.xlsx`,
/// numbers as typed cells) instead of a CSV file: what reading a workbook costs.
pub fn write_portfolio_xlsx(dir: &std::path::Path, n: usize, seed: u64) -> std::io::Result<()> {
    write_portfolio_csv(dir, n, seed)?;
    let csv_path = dir.join("data/financials.csv");
    let text = std::fs::read_to_string(&csv_path)?;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let fail = |e: rust_xlsxwriter::XlsxError| std::io::Error::other(e.to_string());
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(v) if r > 0 && c > 1 => sheet.write_number(r, c, v).map_err(fail)?,
                _ if cell.is_empty() => continue,
                _ => sheet.write_string(r, c, cell).map_err(fail)?,
            };
        }
    }
    book.save(dir.join("data/financials.xlsx")).map_err(fail)?;
    std::fs::remove_file(csv_path)?;
    let config = std::fs::read_to_string(dir.join("kamsite.yaml"))?
        .replace("data/financials.csv", "data/financials.xlsx");
    std::fs::write(dir.join("kamsite.yaml"), config)
}
