//! Writes a synthetic portfolio for benchmarks:
//! `cargo run --release --example gen-portfolio -- --accounts 10000 --seed 1 [--financials-csv | --financials-xlsx] OUT`
//! (by default, as teams keep them: half the accounts with their financials from an ERP export,
//! `data/financials.csv`; `--financials-csv`: every account's financials there; `--financials-xlsx`:
//! in the workbook `data/financials.xlsx`)
#![allow(clippy::unwrap_used)] // a failing test or benchmark may panic; the library may not

#[path = "../benches/synth/mod.rs"]
mod synth;

fn main() {
    let mut accounts = 1000;
    let mut seed = 1;
    let mut out = None;
    let mut csv = false;
    let mut xlsx = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--accounts" => accounts = args.next().and_then(|v| v.parse().ok()).unwrap_or(accounts),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            "--financials-csv" => csv = true,
            "--financials-xlsx" => xlsx = true,
            other => out = Some(std::path::PathBuf::from(other)),
        }
    }
    let Some(out) = out else {
        eprintln!("usage: gen-portfolio [--accounts N] [--seed S] [--financials-csv | --financials-xlsx] OUT");
        std::process::exit(2);
    };
    let written = if xlsx {
        synth::write_portfolio_xlsx(&out, accounts, seed)
    } else if csv {
        synth::write_portfolio_csv(&out, accounts, seed)
    } else {
        synth::write_portfolio(&out, accounts, seed)
    };
    if let Err(e) = written {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
    eprintln!("wrote {accounts} accounts to {}", out.display());
}
