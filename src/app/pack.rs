//! `kamsite pack` (SPEC §18): the review pack of the one build — the same file a build writes
//! to `pack/index.html` — written as one HTML file, and printed to PDF by a headless Chromium
//! or Chrome when asked. The browser is found before anything is written: without one,
//! nothing is.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{BuildPlan, Built, Error};

/// Where the pack goes: the HTML file, and the PDF when asked for.
pub struct Targets {
    pub html: PathBuf,
    pub pdf: Option<PathBuf>,
}

/// The browsers tried, in order, when `KAMSITE_BROWSER` is not set.
const BROWSERS: [&str; 6] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "microsoft-edge",
];

/// How long a browser may take to print the pack before it is stopped.
const PRINT_TIMEOUT: Duration = Duration::from_secs(120);

/// The headless browser to print with: `KAMSITE_BROWSER`, else the first of [`BROWSERS`] on
/// the PATH.
pub fn browser() -> Result<PathBuf, Error> {
    if let Some(b) = std::env::var_os("KAMSITE_BROWSER").filter(|b| !b.is_empty()) {
        let b = PathBuf::from(b);
        return match which(&b) {
            Some(found) => Ok(found),
            None => Err(Error::Usage(format!(
                "KAMSITE_BROWSER is `{}`, which is not a program that can be run",
                b.display()
            ))),
        };
    }
    BROWSERS
        .iter()
        .find_map(|name| which(Path::new(name)))
        .ok_or_else(|| {
            Error::Usage(
                "--pdf prints through a headless Chromium or Chrome, and none was found on the PATH: install one (Debian/Ubuntu: `apt-get install chromium`; macOS: Google Chrome), or set KAMSITE_BROWSER to its path; nothing was written".into(),
            )
        })
}

/// `name` as a runnable file: a path as given, or found on the PATH.
fn which(name: &Path) -> Option<PathBuf> {
    let runnable = |p: &Path| {
        p.is_file() && {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                p.metadata()
                    .is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
            }
            #[cfg(not(unix))]
            {
                true
            }
        }
    };
    if name.components().count() > 1 {
        return runnable(name).then(|| name.to_path_buf());
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| runnable(p))
}

/// The pack of `plan`'s build, as bytes.
pub fn render(plan: &BuildPlan) -> Result<(Built, Vec<u8>), Error> {
    let built = Built::open(plan, None)?;
    let html = built
        .render("pack/index.html")
        .ok_or_else(|| Error::Output("the build has no review pack".into()))??;
    Ok((built, html))
}

/// Prints `html` to a PDF at `pdf` with `browser`: the file is written next to the target and
/// renamed into place only when the browser succeeded.
pub fn print(browser: &Path, html: &[u8], pdf: &Path) -> Result<(), Error> {
    let fail =
        |m: String| Error::Output(format!("cannot print the pack to {}: {m}", pdf.display()));
    let work = tempfile::tempdir().map_err(|e| fail(e.to_string()))?;
    let page = work.path().join("pack.html");
    std::fs::write(&page, html).map_err(|e| fail(e.to_string()))?;
    let printed = work.path().join("pack.pdf");
    let profile = work.path().join("profile");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--disable-gpu",
            // The page is the pack kamsite just wrote (no script, nothing fetched); the
            // sandbox cannot start as root, which CI runners are.
            "--no-sandbox",
            "--no-first-run",
            "--no-default-browser-check",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", printed.display()))
        .arg(url(&page))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("cannot start {}: {e}", browser.display())))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > PRINT_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(fail(format!(
                    "{} did not finish within {} s",
                    browser.display(),
                    PRINT_TIMEOUT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(fail(e.to_string())),
        }
    };
    let produced = std::fs::metadata(&printed).is_ok_and(|m| m.len() > 0);
    if !status.success() || !produced {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            use std::io::Read;
            let _ = e.read_to_string(&mut err);
        }
        let last = err
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        return Err(fail(format!(
            "{} did not print it ({status}{}{})",
            browser.display(),
            if last.is_empty() { "" } else { ": " },
            crate::diagnostics::clip(last)
        )));
    }
    let bytes = std::fs::read(&printed).map_err(|e| fail(e.to_string()))?;
    crate::output::write_file_atomically(pdf, &bytes).map_err(|e| fail(e.to_string()))
}

/// A `file://` URL of `path` (absolute; each byte outside the unreserved set percent-encoded).
fn url(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::from("file://");
    for b in abs.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
