//! `kamsite init` and `kamsite new`: starting points that pass `kamsite check`. Neither ever
//! overwrites a file that exists.

use std::path::Path;
use std::process::ExitCode;

use super::{InitArgs, NewArgs, EXIT_INVALID};
use crate::model::Date;

const CONFIG: &str = include_str!("scaffold/kamsite.yaml");
const OVERVIEW: &str = include_str!("scaffold/overview.md");
const ACCOUNT: &str = include_str!("scaffold/account.md");
/// The CI workflow (docs/ci.md): check on every push and pull request, publish on a review tag.
pub const WORKFLOW: &str = include_str!("scaffold/kamsite.yml");
/// Where GitHub looks for it: the portfolio folder is meant to be the repository's root.
const WORKFLOW_PATH: &str = ".github/workflows/kamsite.yml";

/// The workflow, installing the kamsite that wrote it.
pub fn workflow() -> String {
    WORKFLOW.replace("KAMSITE_VERSION", env!("CARGO_PKG_VERSION"))
}

fn fail(msg: String) -> ExitCode {
    anstream::eprintln!("error: {}", super::terminal_text(&msg));
    ExitCode::from(EXIT_INVALID)
}

/// Creates `path` with `content`, refusing to replace an existing file.
fn create(path: &Path, content: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, content.as_bytes()))
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} already exists; kamsite never overwrites it",
                path.display()
            ),
            _ => format!("cannot write {}: {e}", path.display()),
        })
}

/// An account file for `name`, with today's date as the last review.
pub fn account_file(name: &str, today: Date) -> String {
    // YAML-quote the name so that `Müller & Söhne: GmbH` stays one string.
    let quoted = format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""));
    ACCOUNT
        .replace("{name}", &quoted)
        .replace("{today}", &today.to_string())
}

pub fn init(args: &InitArgs) -> ExitCode {
    let dir = &args.dir;
    let today = match crate::app::default_as_of().map(|(d, _)| d) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    if dir.join("kamsite.yaml").exists() || dir.join("accounts").exists() {
        // An existing portfolio without CI gets the workflow, and nothing else.
        let workflow_path = dir.join(WORKFLOW_PATH);
        if !workflow_path.exists() {
            if let Err(e) = create(&workflow_path, &workflow()) {
                return fail(e);
            }
            anstream::eprintln!(
                "{} already holds a portfolio: added only the CI workflow, {WORKFLOW_PATH} (see kamsite's docs/ci.md)",
                super::terminal_text(&dir.to_string_lossy())
            );
            return ExitCode::SUCCESS;
        }
        return fail(format!(
            "{} already holds a portfolio (kamsite.yaml or accounts/); nothing was changed",
            super::terminal_text(&dir.to_string_lossy())
        ));
    }
    let files = [
        ("kamsite.yaml", CONFIG.to_string()),
        ("overview.md", OVERVIEW.to_string()),
        (
            "accounts/example-customer.md",
            account_file("Example Customer", today),
        ),
        (".gitignore", "public/\n".to_string()),
        (WORKFLOW_PATH, workflow()),
    ];
    let kept_workflow = dir.join(WORKFLOW_PATH).exists();
    for (rel, content) in &files {
        let path = dir.join(rel);
        if matches!(*rel, ".gitignore" | WORKFLOW_PATH) && path.exists() {
            continue; // the user's own .gitignore and workflow stay as they are
        }
        if let Err(e) = create(&path, content) {
            return fail(e);
        }
    }
    let ci = if kept_workflow {
        format!("CI: your own {WORKFLOW_PATH} was kept as it is")
    } else {
        format!("CI: {WORKFLOW_PATH} checks every pull request and push and publishes each `review/*` tag (see kamsite's docs/ci.md)")
    };
    anstream::eprintln!(
        "created a portfolio in {}\nnext: edit kamsite.yaml, add accounts with `kamsite new \"Customer name\" --portfolio {0}`, then `kamsite build {0}`\n{ci}",
        super::terminal_text(&dir.to_string_lossy())
    );
    ExitCode::SUCCESS
}

/// An account id (docs/format.md: `[a-z0-9][a-z0-9-]*`, at most 64) from a customer name:
/// `Müller & Söhne GmbH` → `mueller-soehne-gmbh`.
pub fn account_id(name: &str) -> String {
    let id = crate::slug::slug(name);
    let mut id: String = id.chars().take(64).collect();
    while id.ends_with('-') {
        id.pop();
    }
    if id.is_empty() {
        id.push_str("account");
    }
    id
}

pub fn new(args: &NewArgs) -> ExitCode {
    let id = account_id(&args.name);
    if args.name.trim().is_empty() {
        return fail("the account needs a name".into());
    }
    // Refused rather than stripped: the name is written into YAML and shown on the site, and
    // a control character there would either fail `check` or reach a terminal.
    if let Some(c) = args.name.chars().find(|c| c.is_control()) {
        return fail(format!(
            "the name contains a control character ({}); type the customer's name as plain text",
            c.escape_unicode()
        ));
    }
    let path = args.portfolio.join("accounts").join(format!("{id}.md"));
    let today = match crate::app::default_as_of().map(|(d, _)| d) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    match create(&path, &account_file(&args.name, today)) {
        Ok(()) => {
            let line = format!("{}\n", super::terminal_text(&path.to_string_lossy()));
            super::stdout_result(super::write_stdout(line.as_bytes()))
        }
        Err(e) => fail(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_names() {
        assert_eq!(account_id("Müller & Söhne GmbH"), "mueller-soehne-gmbh");
        assert_eq!(account_id("  Acme, Inc. "), "acme-inc");
        assert_eq!(account_id("Café Señor"), "cafe-senor");
        // deunicode transliterates every script; only a name without letters or digits
        // falls back to `account`.
        assert_eq!(account_id("株式会社"), "zhu-shi-hui-she");
        assert_eq!(account_id("Škoda Auto"), "skoda-auto");
        assert_eq!(account_id("—"), "account");
        assert_eq!(account_id(&"x".repeat(80)).len(), 64);
    }
}
