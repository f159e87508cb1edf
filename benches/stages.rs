//! Per-stage benchmarks on synthetic portfolios: `cargo bench --bench stages`.
//! Numbers are recorded in docs/performance.md; tests never assert on time.
#![allow(clippy::unwrap_used)] // a failing test or benchmark may panic; the library may not

mod synth;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use kamsite::analyse::{analyse, latest_period};
use kamsite::load::{self, parse_account, Root};
use kamsite::model::{Config, Date, Portfolio};

/// A portfolio of `n` synthetic accounts parsed in memory (no disk in the measurement).
fn in_memory(n: usize) -> Portfolio {
    let config: Config = serde_saphyr::from_str(&synth::config()).expect("config");
    let accounts = (0..n)
        .map(|i| {
            let (rel, text) = synth::account(i, 1);
            parse_account(&rel, &rel, text.into_bytes()).expect("synthetic accounts are valid")
        })
        .collect();
    Portfolio {
        config,
        accounts,
        overview: None,
    }
}

fn analysis(c: &mut Criterion) {
    let as_of: Date = "2026-10-05".parse().expect("date");
    let mut group = c.benchmark_group("analyse");
    for n in [1_000, 10_000] {
        let p = in_memory(n);
        let period = latest_period(&p, None);
        group.bench_with_input(BenchmarkId::from_parameter(n), &p, |b, p| {
            b.iter(|| black_box(analyse(black_box(p), period, as_of)))
        });
    }
    group.finish();
}

fn parse(c: &mut Criterion) {
    let texts: Vec<(String, String)> = (0..1_000).map(|i| synth::account(i, 1)).collect();
    c.bench_function("parse 1000 account files (one thread)", |b| {
        b.iter(|| {
            for (rel, text) in &texts {
                black_box(parse_account(rel, rel, text.clone().into_bytes()).ok());
            }
        })
    });
}

fn load_and_validate(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    synth::write_portfolio(dir.path(), 1_000, 1).expect("write portfolio");
    let root = Root::new(dir.path());
    c.bench_function("load + validate 1000 accounts from disk", |b| {
        b.iter(|| {
            let loaded = load::load(&root);
            black_box(kamsite::validate::validate(
                &root,
                &loaded,
                &kamsite::analyse::rules::catalogue(),
            ));
        })
    });
}

/// One account page and its parts, on a 1,000-account portfolio.
fn account_page(c: &mut Criterion) {
    use kamsite::site::{account_page, markdown, render};
    let p = in_memory(1_000);
    let analysis = analyse(
        &p,
        latest_period(&p, None),
        "2026-10-05".parse().expect("date"),
    );
    let shared = render::shared(&analysis, kamsite::site::Options::default());
    let tera = render::templates(Vec::new()).expect("templates");
    let site = kamsite::site::Site::new(
        &tera,
        None,
        &analysis,
        kamsite::site::Options::default(),
        None,
    );
    let page = kamsite::site::File::Page(kamsite::site::Page::Account(7));
    let body = &analysis.accounts[7].account.body;
    c.bench_function("account page: markdown + sanitise", |b| {
        b.iter(|| black_box(markdown::render(body, false, "plan-")))
    });
    let narrative = markdown::render(body, false, "plan-");
    c.bench_function("account page: context with 5 charts", |b| {
        b.iter(|| black_box(account_page::account(&shared, 7, &narrative)))
    });
    c.bench_function("account page: whole (markdown, charts, template)", |b| {
        b.iter(|| black_box(site.render(page).ok()))
    });
}

/// The two chart kinds of an account page, on typical data.
fn charts(c: &mut Criterion) {
    use kamsite::site::charts::{self, Table, BLUE, GREEN, VERMILLION};
    let quarters: Vec<String> = synth::QUARTERS.iter().map(|q| q.to_string()).collect();
    let series = |base: f64| {
        (0..8)
            .map(|i| Some(base * (1.0 + i as f64 / 20.0)))
            .collect::<Vec<_>>()
    };
    let lines = [
        ("Revenue".to_string(), BLUE, series(1e6)),
        ("Profit".to_string(), GREEN, series(2e5)),
        ("Cost to serve".to_string(), VERMILLION, series(1e5)),
    ];
    c.bench_function("chart: lines, 3 series × 8 quarters", |b| {
        b.iter(|| {
            black_box(charts::lines(
                "c",
                "t",
                "d",
                &quarters,
                &lines,
                |v| format!("{v:.0}"),
                Table::default(),
            ))
        })
    });
    let items: Vec<(String, Option<f64>, _)> = (0..9)
        .map(|i| (format!("criterion {i}"), Some(10.0 * i as f64), BLUE))
        .collect();
    c.bench_function("chart: bars, 9 criteria", |b| {
        b.iter(|| black_box(charts::bars("c", "t", "d", &items, Table::default())))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = analysis, parse, load_and_validate, account_page, charts
}
criterion_main!(benches);
