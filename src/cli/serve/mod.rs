//! `kamsite serve`: a live preview. The site is built in memory and served on loopback; a
//! debounced watcher rebuilds when a file that matters changes, and open pages reload through
//! Server-Sent Events. A failed rebuild keeps the last good site and shows its problems over the
//! page. Nothing is written to disk, so there is nothing to clean up after Ctrl-C or SIGTERM.

mod http;
mod state;
mod watch;

use std::net::{IpAddr, TcpListener};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use super::{ServeArgs, EXIT_INVALID};
use state::Preview;

pub fn run(args: &ServeArgs) -> ExitCode {
    match serve(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            anstream::eprintln!("error: {e}");
            ExitCode::from(EXIT_INVALID)
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
    let listener = bind(&args.bind, args.port)?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    if !addr.ip().is_loopback() {
        anstream::eprintln!(
            "warning: serving on {} exposes the review — every revenue figure of the portfolio — to the network; use --bind 127.0.0.1 to keep it on this machine",
            addr.ip()
        );
    }
    // The watcher reports absolute paths; with a relative portfolio (`kamsite serve`, `.`)
    // they would never match it, and no edit would ever count. Watch the canonical path.
    let portfolio = std::fs::canonicalize(&args.portfolio).map_err(|e| {
        format!(
            "cannot open the portfolio folder {}: {e}",
            args.portfolio.display()
        )
    })?;
    // Messages keep naming files as the user typed the folder.
    let preview = Arc::new(Preview::new(args.portfolio.clone()));
    preview.rebuild();
    let _watcher = watch::start(&portfolio, Arc::clone(&preview))?;
    let url = format!("http://{}/", host_for_url(addr));
    anstream::eprintln!("serving {url} (Ctrl-C to stop)");
    if args.open {
        if let Err(e) = opener::open_browser(&url) {
            anstream::eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
        }
    }
    http::serve(listener, &preview, allowed_hosts(addr));
    Ok(())
}

/// Binds, turning "address in use" into advice.
fn bind(host: &str, port: u16) -> Result<TcpListener, String> {
    TcpListener::bind((host, port)).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "port {port} on {host} is already in use (another `kamsite serve`?); stop it or pick another port with --port"
        ),
        std::io::ErrorKind::AddrNotAvailable => {
            format!("cannot listen on {host}: not an address of this machine")
        }
        _ => format!("cannot listen on {host}:{port}: {e}"),
    })
}

fn host_for_url(addr: std::net::SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]:{}", addr.port()),
        IpAddr::V4(ip) => format!("{ip}:{}", addr.port()),
    }
}

/// The `Host` values a request may carry. On loopback only the loopback names: a web page
/// elsewhere that rebinds its own DNS name to 127.0.0.1 then cannot read the preview, because
/// its requests carry its own name. On any other address the user chose to expose the review,
/// so every name is accepted.
fn allowed_hosts(addr: std::net::SocketAddr) -> Option<Vec<String>> {
    if !addr.ip().is_loopback() {
        return None;
    }
    let port = addr.port();
    let mut hosts = Vec::new();
    for name in ["localhost", "127.0.0.1", "[::1]"] {
        hosts.push(name.to_string());
        hosts.push(format!("{name}:{port}"));
    }
    hosts.push(host_for_url(addr));
    Some(hosts)
}

/// A path relative to the portfolio, with `/` separators.
fn relative(portfolio: &Path, path: &Path) -> String {
    crate::load::slash_path(path.strip_prefix(portfolio).unwrap_or(path))
}
