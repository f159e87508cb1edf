//! `kamsite serve`: build into a temporary folder, serve it on loopback, rebuild when a file of
//! the portfolio changes and tell open pages to reload (Server-Sent Events). A failed rebuild
//! keeps the last good site and shows the problems in the page as an overlay.
//!
//! All state lives in one `Server` value shared by the threads (no statics), and every lock
//! failure is handled, so a panicking thread cannot take the server down with it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::Duration;

use super::{ServeArgs, EXIT_INVALID};
use crate::diagnostics::{self, Format};
use crate::project::{Error, Project};
use crate::site;

/// The endpoint pages listen on for "reload" and "problem" events.
const EVENTS: &str = "/__kamsite/events";

/// Injected before `</body>` of every HTML page, in serve mode only.
const CLIENT: &str = r#"<script>(function(){var s=new EventSource("/__kamsite/events");s.onmessage=function(e){if(e.data==="reload")location.reload();};s.addEventListener("problem",function(e){var d=document.getElementById("kamsite-problem");if(!d){d=document.createElement("pre");d.id="kamsite-problem";d.style.cssText="position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;margin:0;padding:1rem;background:#3d1513;color:#fff;font:13px/1.4 monospace;white-space:pre-wrap;z-index:99";document.body.appendChild(d);}d.textContent=JSON.parse(e.data);});})();</script>"#;

#[derive(Default)]
struct State {
    /// Bumped after every successful build.
    generation: u64,
    /// Why the latest build failed (the last good site is still served).
    problem: Option<String>,
    /// Bumped on every build attempt, so listeners also learn about new problems.
    attempts: u64,
}

struct Server {
    portfolio: PathBuf,
    site: PathBuf,
    state: Mutex<State>,
    changed: Condvar,
}

impl Server {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A poisoned lock only means another thread panicked mid-update; the counters are still
        // meaningful, so keep serving.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Builds the site; on failure records the problems and keeps the previous site.
    fn rebuild(&self) {
        let result = build(&self.portfolio, &self.site);
        let mut state = self.state();
        state.attempts += 1;
        match result {
            Ok(()) => {
                state.generation += 1;
                state.problem = None;
                anstream::eprintln!("rebuilt");
            }
            Err(problem) => {
                anstream::eprintln!("{problem}");
                state.problem = Some(problem);
            }
        }
        drop(state);
        self.changed.notify_all();
    }
}

fn build(portfolio: &Path, out: &Path) -> Result<(), String> {
    let project = match Project::open(portfolio, crate::project::When::default()) {
        Ok(p) => p,
        Err(Error::Invalid { diagnostics, .. }) => {
            return Err(diagnostics
                .iter()
                .map(|d| diagnostics::render(d, Format::Human, false))
                .collect())
        }
        Err(e) => return Err(e.to_string()),
    };
    let analysis = project.analyse(None);
    site::build(
        &project.root,
        &project.portfolio,
        &analysis,
        out,
        site::Options::default(),
    )
    .map(|_| ())
    .map_err(|e| e.to_string())
}

pub fn run(args: &ServeArgs) -> std::process::ExitCode {
    match serve(args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            anstream::eprintln!("error: {e}");
            std::process::ExitCode::from(EXIT_INVALID)
        }
    }
}

fn serve(args: &ServeArgs) -> Result<(), String> {
    if !args.portfolio.is_dir() {
        return Err(format!(
            "portfolio folder not found: {}",
            args.portfolio.display()
        ));
    }
    let tmp = tempfile::tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let server = Arc::new(Server {
        portfolio: args.portfolio.clone(),
        site: tmp.path().join("site"),
        state: Mutex::new(State::default()),
        changed: Condvar::new(),
    });
    server.rebuild();

    let listener = TcpListener::bind((args.bind.as_str(), args.port))
        .map_err(|e| format!("cannot listen on {}:{}: {e}", args.bind, args.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let url = format!("http://{addr}/");
    anstream::eprintln!("serving {url} (Ctrl-C to stop)");

    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            let _ = tx.send(event);
        }
    })
    .map_err(|e| format!("cannot watch files: {e}"))?;
    notify::Watcher::watch(
        &mut watcher,
        &args.portfolio,
        notify::RecursiveMode::Recursive,
    )
    .map_err(|e| format!("cannot watch {}: {e}", args.portfolio.display()))?;
    let rebuilder = Arc::clone(&server);
    std::thread::spawn(move || watch(&rebuilder, &rx));

    if args.open {
        let opener = if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        let _ = std::process::Command::new(opener).arg(&url).spawn();
    }
    for stream in listener.incoming().flatten() {
        let server = Arc::clone(&server);
        std::thread::spawn(move || {
            let _ = respond(&server, stream);
        });
    }
    drop(watcher);
    Ok(())
}

/// Whether an event changes content: a create, a data write, a rename or a removal. On Linux,
/// notify also reports reads (open, access, close without writing) — the build's own reads of
/// the portfolio among them — and those must never trigger a rebuild, or each rebuild triggers
/// the next.
fn changes_content(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        // Closing a file opened for writing is the end of a save.
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

/// Rebuilds once per burst of changes (editors write several events per save).
fn watch(server: &Server, rx: &mpsc::Receiver<notify::Event>) {
    let relevant = |e: &notify::Event| {
        changes_content(&e.kind)
            && e.paths.iter().any(|p| {
                let rel = p.strip_prefix(&server.portfolio).unwrap_or(p);
                !rel.components().any(|c| {
                    let name = c.as_os_str().to_string_lossy();
                    name.starts_with('.') || name == "public" || name.ends_with('~')
                })
            })
    };
    while let Ok(event) = rx.recv() {
        if !relevant(&event) {
            continue;
        }
        while rx.recv_timeout(Duration::from_millis(150)).is_ok() {}
        server.rebuild();
    }
}

fn respond(server: &Server, mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader
        .by_ref()
        .take(8 * 1024)
        .read_line(&mut request_line)?;
    // Drain the headers; nothing in them matters here.
    let mut line = String::new();
    while reader.by_ref().take(8 * 1024).read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    if method != "GET" && method != "HEAD" {
        return reply(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"only GET",
            method == "HEAD",
        );
    }
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or("/"));
    if path == EVENTS {
        return events(server, stream);
    }
    match file_for(&server.site, &path) {
        Some(file) => {
            let mut body = std::fs::read(&file)?;
            let kind = content_type(&file);
            if kind.starts_with("text/html") {
                body = inject(body);
            }
            reply(&mut stream, "200 OK", kind, &body, method == "HEAD")
        }
        None if server.state().generation == 0 => {
            // No good build yet: a page that shows the problem and reloads once it is fixed.
            let page = format!("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>kamsite</title></head><body><p>The portfolio does not build yet; the problems are shown below and the page reloads when they are fixed.</p>{CLIENT}</body></html>");
            reply(
                &mut stream,
                "503 Service Unavailable",
                "text/html; charset=utf-8",
                page.as_bytes(),
                method == "HEAD",
            )
        }
        None => reply(
            &mut stream,
            "404 Not Found",
            "text/plain; charset=utf-8",
            b"not found",
            method == "HEAD",
        ),
    }
}

/// The file under `site` for a request path; `None` for anything outside it or missing.
fn file_for(site: &Path, path: &str) -> Option<PathBuf> {
    let rel = Path::new(path.trim_start_matches('/'));
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) && !rel.as_os_str().is_empty() {
        return None;
    }
    let mut file = site.join(rel);
    if file.is_dir() {
        file = file.join("index.html");
    }
    file.is_file().then_some(file)
}

fn inject(body: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&body);
    match text.rfind("</body>") {
        Some(i) => format!("{}{CLIENT}{}", &text[..i], &text[i..]).into_bytes(),
        None => body,
    }
}

fn events(server: &Server, mut stream: TcpStream) -> std::io::Result<()> {
    stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\n\r\n")?;
    let (mut seen_attempt, problem) = {
        let state = server.state();
        (state.attempts, state.problem.clone())
    };
    if let Some(p) = problem {
        send_problem(&mut stream, &p)?;
    }
    loop {
        let state = server.state();
        let (state, timeout) = server
            .changed
            .wait_timeout_while(state, Duration::from_secs(15), |s| {
                s.attempts == seen_attempt
            })
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if timeout.timed_out() {
            drop(state);
            stream.write_all(b": keep-alive\n\n")?; // also detects closed connections
            continue;
        }
        seen_attempt = state.attempts;
        let problem = state.problem.clone();
        drop(state);
        match problem {
            Some(p) => send_problem(&mut stream, &p)?,
            None => stream.write_all(b"data: reload\n\n")?,
        }
    }
}

fn send_problem(stream: &mut TcpStream, problem: &str) -> std::io::Result<()> {
    let data = serde_json::to_string(problem).unwrap_or_default();
    stream.write_all(format!("event: problem\ndata: {data}\n\n").as_bytes())
}

fn reply(
    stream: &mut TcpStream,
    status: &str,
    kind: &str,
    body: &[u8],
    head: bool,
) -> std::io::Result<()> {
    let header = format!("HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n", body.len());
    stream.write_all(header.as_bytes())?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `%20` → space; invalid escapes are kept as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                // Two hex digits are at most 255.
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_site() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "x").unwrap();
        assert!(file_for(dir.path(), "/").is_some());
        assert!(file_for(dir.path(), "/index.html").is_some());
        for bad in ["/../secret", "/a/../../b", "//etc/passwd", "/missing.html"] {
            assert!(
                file_for(dir.path(), &percent_decode(bad)).is_none(),
                "{bad}"
            );
        }
        assert!(file_for(dir.path(), &percent_decode("/%2e%2e/x")).is_none());
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("/a%20b/%C3%BC"), "/a b/ü");
        assert_eq!(percent_decode("/100%"), "/100%");
        assert_eq!(percent_decode("/%zz"), "/%zz");
        assert_eq!(percent_decode("/%ü%"), "/%ü%");
    }
}
