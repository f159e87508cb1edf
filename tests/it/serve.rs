//! `kamsite serve` on loopback: serves the site with a live-reload client, rebuilds on change,
//! reports problems to open pages and keeps the last good site. Every wait is bounded.
#![allow(clippy::unwrap_used)] // a failing test may panic; the library may not

use crate::common;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Fixture, NO_COUNT, QUIET};

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `kamsite serve` on a free port; returns the process and its address.
fn start(f: &Fixture) -> (Serve, String) {
    start_with(f, &[])
}

/// [`start`] with extra environment variables.
fn start_with(f: &Fixture, env: &[(&str, &std::path::Path)]) -> (Serve, String) {
    start_in(f, f.path(), env)
}

/// Starts `kamsite serve PORTFOLIO` from the folder `cwd`.
fn start_in(
    f: &Fixture,
    portfolio: &std::path::Path,
    env: &[(&str, &std::path::Path)],
) -> (Serve, String) {
    start_full(f, portfolio, env, &[])
}

/// Starts `kamsite serve PORTFOLIO ARGS…` from the fixture's folder.
fn start_full(
    f: &Fixture,
    portfolio: &std::path::Path,
    env: &[(&str, &std::path::Path)],
    args: &[&str],
) -> (Serve, String) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("kamsite"))
        .current_dir(f.path())
        .args(["serve", "--port", "0"])
        .arg(portfolio)
        .args(args)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if let Some(url) = line.strip_prefix("serving http://") {
            break url.split('/').next().unwrap().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {}); // keep draining stderr
    (Serve(child), addr)
}

fn get(addr: &str, path: &str) -> (String, String) {
    let (status, body) = raw(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n"),
    );
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// Sends `request` as it is; returns the status line and the body's bytes.
fn raw(addr: &str, request: &str) -> (String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    s.read_to_end(&mut response).unwrap();
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(response.len());
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let body = response.get(split + 4..).unwrap_or_default().to_vec();
    (head.lines().next().unwrap_or("").to_string(), body)
}

/// Reads the event stream until `needle` appears (at most 20 s).
fn wait_for(events: &mut TcpStream, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline && !seen.contains(needle) {
        if let Ok(n) = events.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
    assert!(
        seen.contains(needle),
        "no `{needle}` in the event stream: {seen}"
    );
    seen
}

#[test]
fn serves_rebuilds_and_reports_problems() {
    let f = Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account("acme.md", QUIET);
    let (_serve, addr) = start(&f);

    let (status, body) = get(&addr, "/");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(
        body.contains("Portfolio dashboard") && body.contains("/__kamsite/events"),
        "{body}"
    );
    let (status, _) = get(&addr, "/accounts/acme/");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert_eq!(get(&addr, "/../kamsite.yaml").0, "HTTP/1.1 404 Not Found");
    assert_eq!(
        get(&addr, "/%2e%2e/kamsite.yaml").0,
        "HTTP/1.1 404 Not Found"
    );

    let mut events = subscribe(&addr);

    std::fs::write(
        f.path().join("accounts/acme.md"),
        QUIET.replace("Quiet Ltd", "Renamed Ltd"),
    )
    .unwrap();
    wait_for(&mut events, "data: reload");
    assert!(get(&addr, "/accounts/acme/").1.contains("Renamed Ltd"));

    std::fs::write(
        f.path().join("accounts/acme.md"),
        "---\nname: Renamed Ltd\ndesgnation: other\n---\n",
    )
    .unwrap();
    let problem = wait_for(&mut events, "event: problem");
    assert!(problem.contains("unknown key `desgnation`"), "{problem}");
    // The last good site is still served.
    assert!(get(&addr, "/accounts/acme/").1.contains("Renamed Ltd"));
    // Fixed: the pages reload with the new content.
    std::fs::write(
        f.path().join("accounts/acme.md"),
        "---\nname: Fixed Ltd\ndesignation: other\n---\n",
    )
    .unwrap();
    wait_for(&mut events, "data: reload");
    assert!(get(&addr, "/accounts/acme/").1.contains("Fixed Ltd"));
}

/// Reads the event stream for `for_how_long` and returns what came.
fn listen(events: &mut TcpStream, for_how_long: Duration) -> String {
    let deadline = Instant::now() + for_how_long;
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        match events.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            Err(_) => {} // read timeout: keep listening until the deadline
        }
    }
    seen
}

/// An idle preview stays idle: the build's own reads of the portfolio must not count as
/// changes (they once made it rebuild in a loop, five reloads a second). And the event does
/// come with its cause: one edit, then a reload.
#[test]
fn idle_preview_sends_no_reload_until_a_file_changes() {
    let f = Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account("acme.md", QUIET);
    let (_serve, addr) = start(&f);
    let mut events = subscribe(&addr);
    // Pages are requested as a browser would (each request reads the served site).
    for path in ["/", "/accounts/acme/", "/findings/"] {
        assert_eq!(get(&addr, path).0, "HTTP/1.1 200 OK");
    }
    let idle = listen(&mut events, Duration::from_secs(10));
    assert!(
        !idle.contains("data: reload"),
        "reload without a change: {idle}"
    );
    std::fs::write(
        f.path().join("accounts/acme.md"),
        QUIET.replace("Quiet Ltd", "Edited Ltd"),
    )
    .unwrap();
    one_reload(&mut events);
    assert!(get(&addr, "/accounts/acme/").1.contains("Edited Ltd"));
}

/// The events that follow one save, for 1.5 s after its reload; fails unless there was
/// exactly one reload.
fn one_reload(events: &mut TcpStream) -> String {
    let after = wait_for(events, "data: reload") + &listen(events, Duration::from_millis(1500));
    assert_eq!(
        after.matches("data: reload").count(),
        1,
        "one save, one reload: {after}"
    );
    after
}

/// Writes `rel` in place as an editor (or a script) does — opens it, truncating or creating
/// it, and writes a moment later: on a busy machine the two can be further apart than the
/// debounce — and checks one reload, never a build of the half-written file (which showed
/// "empty file" over the page for a moment, and reloaded twice), and `name` on `page`.
fn paused_save_reloads_once(rel: &str, name: &str, page: &str) {
    use std::io::Write;
    let f = Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account("acme.md", QUIET);
    let (_serve, addr) = start(&f);
    let mut events = subscribe(&addr);
    let mut file = std::fs::File::create(f.path().join(rel)).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    file.write_all(QUIET.replace("Quiet Ltd", name).as_bytes())
        .unwrap();
    drop(file);
    let after = one_reload(&mut events);
    assert!(
        !after.contains("event: problem"),
        "the half-written file was built: {after}"
    );
    assert!(get(&addr, page).1.contains(name));
}

#[test]
fn a_save_paused_between_truncating_and_writing_reloads_once() {
    paused_save_reloads_once("accounts/acme.md", "Edited Ltd", "/accounts/acme/");
}

#[test]
fn a_new_file_written_a_moment_after_its_creation_reloads_once() {
    paused_save_reloads_once("accounts/beta.md", "Beta Ltd", "/accounts/beta/");
}

/// An account file that is a link to a file elsewhere in the portfolio: an edit of that file
/// is an edit of the account (the watcher hears of it under the file's own name).
#[test]
fn an_edit_through_a_link_is_seen() {
    let f = Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .file("shared/acme.md", QUIET);
    std::fs::create_dir_all(f.path().join("accounts")).unwrap();
    std::os::unix::fs::symlink("../shared/acme.md", f.path().join("accounts/acme.md")).unwrap();
    let (_serve, addr) = start(&f);
    assert!(get(&addr, "/accounts/acme/").1.contains("Quiet Ltd"));
    let mut events = subscribe(&addr);
    std::fs::write(
        f.path().join("shared/acme.md"),
        QUIET.replace("Quiet Ltd", "Linked Ltd"),
    )
    .unwrap();
    wait_for(&mut events, "data: reload");
    assert!(get(&addr, "/accounts/acme/").1.contains("Linked Ltd"));
}

/// Opens the event stream and waits for its headers.
fn subscribe(addr: &str) -> TcpStream {
    let mut events = TcpStream::connect(addr).unwrap();
    events
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    write!(
        events,
        "GET /__kamsite/events HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    wait_for(&mut events, "text/event-stream");
    events
}

/// The preview's client script, removed so a served page can be compared with a built one.
fn without_client(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(body);
    match (
        text.find("<script>(function(){var s=new EventSource"),
        text.rfind("</body>"),
    ) {
        (Some(start), Some(end)) if start < end => {
            format!("{}{}", &text[..start], &text[end..]).into_bytes()
        }
        _ => body.to_vec(),
    }
}

const ACCOUNT: &str = "---\nname: NAME\ndesignation: other\nfinancials:\n  - { period: 2026-Q3, revenue: REVENUE }\n---\nBody\n";

fn account(name: &str, revenue: u32) -> String {
    ACCOUNT
        .replace("NAME", name)
        .replace("REVENUE", &revenue.to_string())
}

/// After a sequence of edits — an account, kamsite.yaml, a new account, a removed one, and a
/// revenue change that moves *other* accounts across the concentration threshold — every file
/// the preview serves equals what a fresh `kamsite build` writes.
#[test]
fn served_site_equals_a_fresh_build_after_edits() {
    let config = format!("{NO_COUNT}as_of: 2026-10-05\n");
    let f = Fixture::new()
        .file("kamsite.yaml", &config)
        .account("a.md", account("Alpha", 100))
        .account("b.md", account("Beta", 100))
        .account("c.md", account("Gamma", 100));
    let (_serve, addr) = start(&f);
    let mut events = subscribe(&addr);
    let edit = |rel: &str, content: Option<String>, events: &mut TcpStream| {
        let path = f.path().join(rel);
        match content {
            Some(c) => std::fs::write(path, c).unwrap(),
            None => std::fs::remove_file(path).unwrap(),
        }
        wait_for(events, "data: reload");
    };
    edit(
        "accounts/a.md",
        Some(account("Alpha Renamed", 100)),
        &mut events,
    );
    edit("kamsite.yaml", Some("as_of: 2026-10-05\ntitle: Edited Review\nfindings:\n  key-account-count: { enabled: false }\n  concentration-risk: { max_share_pct: 30 }\n".into()), &mut events);
    edit("accounts/d.md", Some(account("Delta", 100)), &mut events);
    edit("accounts/c.md", None, &mut events);
    // Alpha 1000 of 1200: Beta and Delta drop below 30 % and lose their concentration finding.
    edit(
        "accounts/a.md",
        Some(account("Alpha Renamed", 1000)),
        &mut events,
    );

    let compared = equals_a_build(&addr, f.path(), &[]);
    assert!(compared >= 10, "only {compared} files compared");
    // And nothing more: the removed account is gone from the preview too.
    assert_eq!(get(&addr, "/accounts/c/").0, "HTTP/1.1 404 Not Found");
    let dashboard = get(&addr, "/").1;
    assert!(
        dashboard.contains("Edited Review") && !dashboard.contains("Gamma"),
        "{dashboard}"
    );
}

/// Builds `portfolio` with `args` and checks that the preview at `addr` serves every file of
/// it, byte for byte; returns how many files were compared.
fn equals_a_build(addr: &str, portfolio: &std::path::Path, args: &[&str]) -> usize {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let built = Command::new(assert_cmd::cargo::cargo_bin("kamsite"))
        .args(["build", "-q", "-o"])
        .arg(&site)
        .arg(portfolio)
        .args(args)
        .status()
        .unwrap();
    assert!(built.success(), "build {args:?}");
    let mut compared = 0;
    for entry in walkdir::WalkDir::new(&site)
        .into_iter()
        .filter_map(Result::ok)
    {
        // kamsite's own marks (whose folder it is, what a published review is made of) are
        // not pages to preview.
        let mark = entry.file_name().to_string_lossy().starts_with(".kamsite-");
        if !entry.file_type().is_file() || mark {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&site)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let (status, body) = raw(
            addr,
            &format!("GET /{rel} HTTP/1.1\r\nHost: {addr}\r\n\r\n"),
        );
        assert_eq!(status, "HTTP/1.1 200 OK", "{rel} {args:?}");
        assert!(
            without_client(&body) == std::fs::read(entry.path()).unwrap(),
            "{rel} differs from the build with {args:?}"
        );
        compared += 1;
    }
    compared
}

fn git(dir: &std::path::Path, args: &[&str], date: &str) {
    let ok = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@t")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@t")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?}");
}

/// `serve` takes every option of `build` (SPEC §10 v1.2) and serves exactly what `build`
/// writes with the same options: masked amounts, another period and date, a git baseline,
/// and tagged reviews with their trends.
#[test]
fn the_preview_equals_a_build_with_the_same_options() {
    let f = Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account("a.md", "---\nname: Alpha\ndesignation: key\nowner: Dana\nattractiveness: { size: 4 }\nstrength: { price: 3 }\nfinancials:\n  - { period: 2026-Q2, revenue: 100 }\n  - { period: 2026-Q3, revenue: 120 }\n---\nBody\n")
        .account("b.md", account("Beta", 300));
    git(f.path(), &["init", "-q"], "2026-07-01T10:00:00");
    git(f.path(), &["add", "-A"], "2026-07-01T10:00:00");
    git(f.path(), &["commit", "-qm", "q2"], "2026-07-01T10:00:00");
    git(f.path(), &["tag", "review/2026-Q2"], "2026-07-01T10:00:00");
    std::fs::write(f.path().join("accounts/b.md"), account("Beta", 900)).unwrap();
    git(f.path(), &["commit", "-qam", "q3"], "2026-10-02T10:00:00");
    git(f.path(), &["tag", "review/2026-Q3"], "2026-10-02T10:00:00");
    std::fs::write(f.path().join("accounts/b.md"), account("Beta", 950)).unwrap();
    for args in [
        &["--incognito"][..],
        &["--period", "2026-Q2", "--as-of", "2026-10-05"],
        &["--baseline", "review/2026-Q2", "--as-of", "2026-10-05"],
        &["--reviews", "review/*", "--as-of", "2026-10-05"],
    ] {
        let (_serve, addr) = start_full(&f, f.path(), &[], args);
        let compared = equals_a_build(&addr, f.path(), args);
        assert!(
            compared >= 10,
            "only {compared} files compared with {args:?}"
        );
        if args[0] == "--reviews" {
            assert_eq!(get(&addr, "/reviews/review-2026-q2/").0, "HTTP/1.1 200 OK");
            assert_eq!(get(&addr, "/trends/").0, "HTTP/1.1 200 OK");
        }
        if args[0] == "--baseline" {
            assert_eq!(get(&addr, "/changes/").0, "HTTP/1.1 200 OK");
        }
    }
}

/// DNS rebinding: a page on another site that points its own name at 127.0.0.1 sends its own
/// name as `Host`; the preview refuses it. Malformed requests get 400.
#[test]
fn foreign_hosts_and_malformed_requests_are_refused() {
    let f = Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account("acme.md", QUIET);
    let (_serve, addr) = start(&f);
    let port = addr.rsplit(':').next().unwrap();
    let (status, body) = raw(
        &addr,
        "GET /data/portfolio.json HTTP/1.1\r\nHost: evil.example.com\r\n\r\n",
    );
    assert_eq!(status, "HTTP/1.1 403 Forbidden");
    assert!(!String::from_utf8_lossy(&body).contains("acme"));
    assert_eq!(
        raw(&addr, "GET /data/portfolio.json HTTP/1.1\r\n\r\n").0,
        "HTTP/1.1 403 Forbidden"
    );
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let (status, _) = raw(
            &addr,
            &format!("GET /data/portfolio.json HTTP/1.1\r\nHost: {host}\r\n\r\n"),
        );
        assert_eq!(status, "HTTP/1.1 200 OK", "{host}");
    }
    for bad in [
        "GARBAGE\r\n\r\n",
        "GET /%zz HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "GET / HTTP/1.1\r\nno colon here\r\n\r\n",
    ] {
        assert_eq!(raw(&addr, bad).0, "HTTP/1.1 400 Bad Request", "{bad:?}");
    }
}

/// Hundreds of idle half-open connections do not stop a normal request.
#[test]
fn idle_connections_do_not_block_a_request() {
    let f = Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account("acme.md", QUIET);
    let (_serve, addr) = start(&f);
    let idle: Vec<TcpStream> = (0..300)
        .filter_map(|_| TcpStream::connect(&addr).ok())
        .collect();
    assert!(
        idle.len() >= 250,
        "could only open {} connections",
        idle.len()
    );
    assert_eq!(get(&addr, "/").0, "HTTP/1.1 200 OK");
    drop(idle);
}

/// SIGTERM ends the preview and leaves nothing behind in the temporary folder (the site lives
/// in memory); a busy port is a clear error.
#[test]
fn sigterm_leaves_no_files_and_a_busy_port_is_explained() {
    let f = Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account("acme.md", QUIET);
    let tmp = tempfile::tempdir().unwrap();
    let (mut serve, addr) = start_with(&f, &[("TMPDIR", tmp.path())]);
    assert_eq!(get(&addr, "/data/portfolio.json").0, "HTTP/1.1 200 OK");
    let port = addr.rsplit(':').next().unwrap().to_string();
    let busy = Command::new(assert_cmd::cargo::cargo_bin("kamsite"))
        .args(["serve", "--port", &port])
        .arg(f.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(busy.status.code(), Some(1));
    let msg = String::from_utf8_lossy(&busy.stderr);
    assert!(
        msg.contains(&format!("port {port}")) && msg.contains("already in use"),
        "{msg}"
    );

    assert!(Command::new("kill")
        .arg("-TERM")
        .arg(serve.0.id().to_string())
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(10);
    while serve.0.try_wait().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        serve.0.try_wait().unwrap().is_some(),
        "serve did not stop on SIGTERM"
    );
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// SPEC §13: saving a CSV source rebuilds the preview, and a broken cell is reported to the
/// open pages like a broken account file.
#[test]
fn a_saved_csv_source_rebuilds_the_preview() {
    let f = Fixture::new()
        .file(
            "kamsite.yaml",
            format!("{NO_COUNT}sources:\n  financials:\n    file: data/erp.csv\n    account: Account\n    columns: {{ period: Quarter, revenue: Revenue }}\n"),
        )
        .account("acme.md", QUIET)
        .file("data/erp.csv", "Account,Quarter,Revenue\nacme,2026-Q3,1000\n");
    let (_serve, addr) = start(&f);
    assert!(get(&addr, "/accounts/acme/")
        .1
        .contains("data/erp.csv, line 2"));
    let mut events = subscribe(&addr);
    std::fs::write(
        f.path().join("data/erp.csv"),
        "Account,Quarter,Revenue\nacme,2026-Q2,900\nacme,2026-Q3,1000\n",
    )
    .unwrap();
    wait_for(&mut events, "data: reload");
    assert!(get(&addr, "/accounts/acme/")
        .1
        .contains("data/erp.csv, line 3"));
    std::fs::write(
        f.path().join("data/erp.csv"),
        "Account,Quarter,Revenue\nacme,2026-Q3,x\n",
    )
    .unwrap();
    let problem = wait_for(&mut events, "event: problem");
    assert!(problem.contains("`Revenue` is not a number"), "{problem}");
}

/// `kamsite serve` as most people start it, from inside the portfolio with no argument (or
/// `.`): the watcher reports absolute paths, and an edit must still count.
#[test]
fn a_preview_started_inside_the_portfolio_sees_edits() {
    let f = Fixture::new()
        .file("kamsite.yaml", NO_COUNT)
        .account("acme.md", QUIET);
    let (_serve, addr) = start_in(&f, std::path::Path::new("."), &[]);
    let mut events = subscribe(&addr);
    std::fs::write(
        f.path().join("accounts/acme.md"),
        QUIET.replace("Quiet Ltd", "Edited Ltd"),
    )
    .unwrap();
    wait_for(&mut events, "data: reload");
    assert!(get(&addr, "/accounts/acme/").1.contains("Edited Ltd"));
}
