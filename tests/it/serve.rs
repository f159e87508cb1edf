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
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("kamsite"))
        .args(["serve", "--port", "0"])
        .arg(f.path())
        .env("NO_COLOR", "1")
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
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (
        head.lines().next().unwrap_or("").to_string(),
        body.to_string(),
    )
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

    let mut events = TcpStream::connect(&addr).unwrap();
    events
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    write!(
        events,
        "GET /__kamsite/events HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    wait_for(&mut events, "text/event-stream");

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
    let mut events = TcpStream::connect(&addr).unwrap();
    events
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    write!(
        events,
        "GET /__kamsite/events HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    wait_for(&mut events, "text/event-stream");
    // Pages are requested as a browser would (each request reads the served site).
    for path in ["/", "/accounts/acme/", "/findings/"] {
        assert_eq!(get(&addr, path).0, "HTTP/1.1 200 OK");
    }
    let idle = listen(&mut events, Duration::from_secs(4));
    assert!(
        !idle.contains("data: reload"),
        "reload without a change: {idle}"
    );
    std::fs::write(
        f.path().join("accounts/acme.md"),
        QUIET.replace("Quiet Ltd", "Edited Ltd"),
    )
    .unwrap();
    wait_for(&mut events, "data: reload");
    assert!(get(&addr, "/accounts/acme/").1.contains("Edited Ltd"));
}
