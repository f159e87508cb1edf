//! `kamsite serve`: the live preview of the one build, with every option of `kamsite build`.
//! The preview runs in `app::serve`; this prints what it reports and opens the browser.

use std::process::ExitCode;

use super::{terminal_text, ServeArgs, EXIT_INVALID};
use crate::app::serve::{self, Event};

pub fn run(args: &ServeArgs) -> ExitCode {
    let plan = args.build.plan(&args.portfolio);
    let open = args.open;
    let started = |url: &str| {
        if open {
            if let Err(e) = opener::open_browser(url) {
                anstream::eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
            }
        }
    };
    let result = serve::run(plan, &args.bind, args.port, started, |event| {
        match event {
        Event::Exposed(ip) => anstream::eprintln!(
            "warning: serving on {ip} exposes the review — every revenue figure of the portfolio — to the network; use --bind 127.0.0.1 to keep it on this machine"
        ),
        Event::Serving(url) => anstream::eprintln!("serving {url} (Ctrl-C to stop)"),
        Event::Rebuilt(ms) => anstream::eprintln!("rebuilt in {ms} ms"),
        Event::Failed(problems) => anstream::eprintln!("{}", terminal_text(problems)),
    }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            anstream::eprintln!("error: {}", terminal_text(&e));
            ExitCode::from(EXIT_INVALID)
        }
    }
}
