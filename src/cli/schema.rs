//! `kamsite schema`: the JSON Schema of an account file's front matter, for editors (point a
//! YAML language server at it) and other tools. Kept in docs/ and tested against the model.

use std::process::ExitCode;

pub const ACCOUNT_SCHEMA: &str = include_str!("../../docs/account.schema.json");

pub fn run() -> ExitCode {
    super::stdout_result(super::write_stdout(ACCOUNT_SCHEMA.as_bytes()))
}
