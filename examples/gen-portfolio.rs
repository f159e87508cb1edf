//! Writes a synthetic portfolio for benchmarks:
//! `cargo run --release --example gen-portfolio -- --accounts 10000 --seed 1 OUT`
#![allow(clippy::unwrap_used)] // a failing test or benchmark may panic; the library may not

#[path = "../benches/synth/mod.rs"]
mod synth;

fn main() {
    let mut accounts = 1000;
    let mut seed = 1;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--accounts" => accounts = args.next().and_then(|v| v.parse().ok()).unwrap_or(accounts),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            other => out = Some(std::path::PathBuf::from(other)),
        }
    }
    let Some(out) = out else {
        eprintln!("usage: gen-portfolio [--accounts N] [--seed S] OUT");
        std::process::exit(2);
    };
    if let Err(e) = synth::write_portfolio(&out, accounts, seed) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
    eprintln!("wrote {accounts} accounts to {}", out.display());
}
