//! No input, however broken, may panic: arbitrary bytes, and YAML-shaped text built from the real
//! keys with arbitrary values, go through the parser and validation.
#![allow(clippy::unwrap_used)] // a failing test or benchmark may panic; the library may not

use kamsite::load::parse_account;
use proptest::prelude::*;

const KEYS: &[&str] = &[
    "name",
    "id",
    "designation",
    "owner",
    "team",
    "relationship",
    "stage",
    "rating",
    "ours",
    "theirs",
    "plan",
    "horizon_months",
    "attractiveness",
    "strength",
    "financials",
    "period",
    "revenue",
    "gross_margin",
    "health",
    "nps",
    "contacts",
    "role",
    "opportunities",
    "value",
    "probability",
    "close",
    "whitespace",
    "actions",
    "due",
    "status",
    "extra",
    "<<",
    "&a",
    "*a",
];

fn yamlish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        proptest::sample::select(KEYS).prop_map(str::to_string),
        "[-:{}\\[\\],'\" #&*!|>0-9a-zQ.\n]{0,8}",
        Just("\n  - ".to_string()),
        Just(": ".to_string()),
        Just("2026-Q3".to_string()),
        Just("1e309".to_string()),
    ];
    proptest::collection::vec(token, 0..40).prop_map(|t| format!("---\n{}\n---\nbody", t.concat()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_account("accounts/x.md", "accounts/x.md", bytes);
    }

    #[test]
    fn arbitrary_front_matter_never_panics(text in yamlish()) {
        let _ = parse_account("accounts/x.md", "accounts/x.md", text.into_bytes());
    }
}
