//! `kamsite schema`: the JSON Schema of an account file's front matter, for editors (point a
//! YAML language server at it) and other tools. Kept in docs/ and tested against the model.

use std::io::Write;
use std::process::ExitCode;

pub const ACCOUNT_SCHEMA: &str = include_str!("../../docs/account.schema.json");

pub fn run() -> ExitCode {
    let _ = std::io::stdout().write_all(ACCOUNT_SCHEMA.as_bytes());
    ExitCode::SUCCESS
}
