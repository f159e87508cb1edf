//! The preview's HTTP/1.1 server on `std::net`: GET and HEAD of the site's files and one
//! Server-Sent Events stream. It is small on purpose (see the README on why no HTTP crate):
//! every request is bounded in size and time, connections are bounded in number, a request
//! whose `Host` is not the preview's own is refused (DNS rebinding), and anything malformed
//! gets a 400.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::state::Preview;

/// The endpoint pages listen on for "reload" and "problem" events.
const EVENTS: &str = "/__kamsite/events";
/// Connections served at once; beyond this a connection gets 503 at once. Far more than a
/// browser opens, and each idle one is dropped after `REQUEST_TIME`.
const MAX_CONNECTIONS: usize = 512;
/// A request (line and headers) must arrive within this time.
const REQUEST_TIME: Duration = Duration::from_secs(5);
/// Longest request line or header line, and most header lines.
const MAX_LINE: u64 = 8 * 1024;
const MAX_HEADERS: usize = 100;

/// Injected before `</body>` of every HTML page, in serve mode only.
const CLIENT: &str = r#"<script>(function(){var s=new EventSource("/__kamsite/events");s.onmessage=function(e){if(e.data==="reload")location.reload();};s.addEventListener("problem",function(e){var d=document.getElementById("kamsite-problem");if(!d){d=document.createElement("pre");d.id="kamsite-problem";d.style.cssText="position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;margin:0;padding:1rem;background:#3d1513;color:#fff;font:13px/1.4 monospace;white-space:pre-wrap;z-index:99";document.body.appendChild(d);}d.textContent=JSON.parse(e.data);});})();</script>"#;

/// Accepts connections until the process ends, one thread per connection.
pub fn serve(listener: TcpListener, preview: &Arc<Preview>, hosts: Option<Vec<String>>) {
    let open = Arc::new(AtomicUsize::new(0));
    let hosts = Arc::new(hosts);
    for stream in listener.incoming().flatten() {
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            let mut stream = stream;
            let _ = reply(
                &mut stream,
                "503 Service Unavailable",
                "text/plain",
                b"busy",
                false,
            );
            continue;
        }
        let (preview, count, hosts) = (Arc::clone(preview), Arc::clone(&open), Arc::clone(&hosts));
        let spawned = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || {
                let _ = respond(&preview, stream, hosts.as_deref());
                count.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            open.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// A parsed request: what the server needs of it.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub host: Option<String>,
}

/// Reads one request within `REQUEST_TIME`; `Ok(None)` when it is malformed.
fn read_request(stream: &TcpStream) -> std::io::Result<Option<Request>> {
    let deadline = Instant::now() + REQUEST_TIME;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = |buf: &mut String| -> std::io::Result<usize> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        stream.set_read_timeout(Some(left))?;
        buf.clear();
        reader.by_ref().take(MAX_LINE).read_line(buf)
    };
    let mut request_line = String::new();
    line(&mut request_line)?;
    let mut host = None;
    let mut header = String::new();
    for n in 0.. {
        if n > MAX_HEADERS || line(&mut header)? == 0 {
            return Ok(None);
        }
        let h = header.trim_end_matches(['\r', '\n']);
        if h.is_empty() {
            break;
        }
        let Some((name, value)) = h.split_once(':') else {
            return Ok(None);
        };
        if name.eq_ignore_ascii_case("host") {
            host = Some(value.trim().to_ascii_lowercase());
        }
    }
    Ok(parse_request_line(&request_line).map(|(method, path)| Request { method, path, host }))
}

/// `GET /path HTTP/1.1` → (method, decoded path); `None` when malformed.
pub fn parse_request_line(line: &str) -> Option<(String, String)> {
    let line = line.strip_suffix('\n')?.trim_end_matches('\r');
    let mut parts = line.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || method.is_empty()
        || !method.bytes().all(|b| b.is_ascii_uppercase())
        || !target.starts_with('/')
        || !version.starts_with("HTTP/1.")
    {
        return None;
    }
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or("/"))?;
    Some((method.to_string(), path))
}

fn respond(
    preview: &Preview,
    mut stream: TcpStream,
    hosts: Option<&[String]>,
) -> std::io::Result<()> {
    let Some(request) = read_request(&stream)? else {
        return reply(
            &mut stream,
            "400 Bad Request",
            "text/plain",
            b"bad request",
            false,
        );
    };
    let head = request.method == "HEAD";
    let host_ok = match (hosts, &request.host) {
        (None, _) => true,
        (Some(allowed), Some(h)) => allowed.iter().any(|a| a == h),
        (Some(_), None) => false,
    };
    if !host_ok {
        let msg = b"this preview answers only to localhost (the Host header names another site)";
        return reply(
            &mut stream,
            "403 Forbidden",
            "text/plain; charset=utf-8",
            msg,
            head,
        );
    }
    if request.method != "GET" && !head {
        return reply(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"only GET",
            false,
        );
    }
    if request.path == EVENTS {
        return events(preview, stream);
    }
    // Only plain path segments: nothing can name a file outside the site.
    let rel = request.path.trim_start_matches('/');
    if rel
        .split('/')
        .any(|c| c == ".." || c == "." || c.contains('\\'))
    {
        return reply(
            &mut stream,
            "404 Not Found",
            "text/plain; charset=utf-8",
            b"not found",
            head,
        );
    }
    let Some(site) = preview.site() else {
        // No good build yet: a page that shows the problem and reloads once it is fixed.
        let page = format!("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>kamsite</title></head><body><p>The portfolio does not build yet; the problems are shown below and the page reloads when they are fixed.</p>{CLIENT}</body></html>");
        return reply(
            &mut stream,
            "503 Service Unavailable",
            "text/html; charset=utf-8",
            page.as_bytes(),
            head,
        );
    };
    match site.get(rel) {
        Some(Ok(bytes)) => {
            let path = if rel.is_empty() || rel.ends_with('/') {
                "index.html"
            } else {
                rel
            };
            let kind = content_type(path);
            let html = kind.starts_with("text/html") || !path.contains('.');
            if html {
                reply(
                    &mut stream,
                    "200 OK",
                    "text/html; charset=utf-8",
                    &inject(&bytes),
                    head,
                )
            } else {
                reply(&mut stream, "200 OK", kind, &bytes, head)
            }
        }
        Some(Err(problem)) => reply(
            &mut stream,
            "500 Internal Server Error",
            "text/plain; charset=utf-8",
            problem.as_bytes(),
            head,
        ),
        None => reply(
            &mut stream,
            "404 Not Found",
            "text/plain; charset=utf-8",
            b"not found",
            head,
        ),
    }
}

fn inject(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(body);
    match text.rfind("</body>") {
        Some(i) => format!("{}{CLIENT}{}", &text[..i], &text[i..]).into_bytes(),
        None => body.to_vec(),
    }
}

fn events(preview: &Preview, mut stream: TcpStream) -> std::io::Result<()> {
    stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\n\r\n")?;
    let (mut seen, problem) = preview.status();
    if let Some(p) = problem {
        send_problem(&mut stream, &p)?;
    }
    loop {
        match preview.wait(seen, Duration::from_secs(15)) {
            // Also detects closed connections.
            None => stream.write_all(b": keep-alive\n\n")?,
            Some((attempts, problem)) => {
                seen = attempts;
                match problem {
                    Some(p) => send_problem(&mut stream, &p)?,
                    None => stream.write_all(b"data: reload\n\n")?,
                }
            }
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

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `%20` → space; `None` for an invalid escape or text that is not UTF-8 (a 400).
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
            let (h, l) = (hex(bytes.get(i + 1))?, hex(bytes.get(i + 2))?);
            // Two hex digits are at most 255.
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_lines() {
        assert_eq!(
            parse_request_line("GET /a%20b/?x=1 HTTP/1.1\r\n"),
            Some(("GET".into(), "/a b/".into()))
        );
        for bad in [
            "GET / HTTP/1.1",        // no line end: the line was cut
            "GET  / HTTP/1.1\r\n",   // two spaces
            "get / HTTP/1.1\r\n",    // lower-case method
            "GET x HTTP/1.1\r\n",    // not a path
            "GET / SPDY/3\r\n",      // not HTTP/1
            "GET /%zz HTTP/1.1\r\n", // bad escape
            "GET /%ff HTTP/1.1\r\n", // not UTF-8
            "GET / HTTP/1.1 x\r\n",  // extra part
            "\r\n",
        ] {
            assert_eq!(parse_request_line(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("/a%20b/%C3%BC").as_deref(), Some("/a b/ü"));
        assert_eq!(percent_decode("/%2e%2e/x").as_deref(), Some("/../x"));
        assert_eq!(percent_decode("/100%"), None);
    }
}
