//! The live preview behind `kamsite serve`: the one build ([`super::Built`]) held in memory
//! and served on loopback, with every option of `kamsite build`; a debounced watcher rebuilds
//! when a file the build reads changes, and open pages reload through Server-Sent Events. A
//! failed rebuild keeps the last good site and shows its problems over the page. Nothing is
//! written to disk, so there is nothing to clean up after Ctrl-C or SIGTERM.

mod http;
mod state;
mod watch;

use std::net::{IpAddr, TcpListener};
use std::path::Path;
use std::sync::Arc;

use super::BuildPlan;
use state::Preview;

/// What the preview tells the person who started it; the command line prints these.
#[derive(Debug)]
pub enum Event<'a> {
    /// Listening on an address other than loopback: the review is on the network.
    Exposed(IpAddr),
    /// Serving at this URL.
    Serving(&'a str),
    /// A rebuild succeeded after this many milliseconds.
    Rebuilt(u128),
    /// A rebuild failed; the last good site is still served. The problems, as text.
    Failed(&'a str),
}

/// Serves the site `plan` describes on `bind`:`port` until the process is stopped: builds it in
/// memory, rebuilds when a file the build reads changes, and tells `events` what happens.
/// `started` is called with the URL once the first build is done (to open a browser).
pub fn run(
    plan: BuildPlan,
    bind: &str,
    port: u16,
    started: impl FnOnce(&str),
    events: impl Fn(Event<'_>) + Send + Sync + 'static,
) -> Result<(), String> {
    if !plan.portfolio.is_dir() {
        return Err(format!(
            "portfolio folder not found: {}",
            plan.portfolio.display()
        ));
    }
    let listener = bind_to(bind, port)?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    if !addr.ip().is_loopback() {
        events(Event::Exposed(addr.ip()));
    }
    // The watcher reports absolute paths; with a relative portfolio (`kamsite serve`, `.`)
    // they would never match it, and no edit would ever count. Watch the canonical path.
    let portfolio = std::fs::canonicalize(&plan.portfolio).map_err(|e| {
        format!(
            "cannot open the portfolio folder {}: {e}",
            plan.portfolio.display()
        )
    })?;
    // Messages keep naming files as the user typed the folder.
    let preview = Arc::new(Preview::new(plan, Box::new(events)));
    preview.rebuild();
    let _watcher = watch::start(&portfolio, Arc::clone(&preview))?;
    let url = format!("http://{}/", host_for_url(addr));
    preview.tell(Event::Serving(&url));
    started(&url);
    http::serve(listener, &preview, allowed_hosts(addr));
    Ok(())
}

/// Binds, turning "address in use" into advice.
fn bind_to(host: &str, port: u16) -> Result<TcpListener, String> {
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
