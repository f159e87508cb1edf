//! Reviews already published. A review's site is fixed by what it is made of: its commit and
//! the previous review's (the comparison and who changed what), the two tags' names and dates,
//! where the portfolio sits in the repository, the templates, the options and kamsite itself.
//! A build with reviews writes a fingerprint of all that beside each review's site
//! (`reviews/<slug>/.kamsite-review`). The next build into the same folder keeps the files of
//! each review whose fingerprint it finds unchanged, as they are, instead of rendering its
//! thousand pages again: a quarterly publish renders the current site and the new review.
//!
//! Everything a review's site depends on is in the fingerprint, so a kept site is the site
//! the build would render, byte for byte (tests/it/reviews.rs compares the two). kamsite
//! itself is the running program's bytes, not its version number: a build of other code
//! renders anew.

use std::hash::Hasher;

use siphasher::sip128::{Hasher128, SipHasher13};

use super::reviews::Review;

/// The fingerprint's file in each review's folder.
pub const FINGERPRINT: &str = ".kamsite-review";

/// kamsite itself, as the fingerprint of the running program's bytes (77 MB with its line
/// tables: read in chunks, on a thread of its own while the reviews load, and once per
/// process: the preview rebuilds many times).
pub struct Program(Option<std::thread::JoinHandle<()>>);

static PROGRAM: std::sync::OnceLock<Option<u128>> = std::sync::OnceLock::new();

impl Program {
    pub fn start() -> Program {
        if PROGRAM.get().is_some() {
            return Program(None);
        }
        Program(Some(std::thread::spawn(|| {
            PROGRAM.get_or_init(program_fingerprint);
        })))
    }

    fn fingerprint(self) -> Option<u128> {
        if let Some(thread) = self.0 {
            let _ = thread.join();
        }
        *PROGRAM.get_or_init(program_fingerprint)
    }
}

fn program_fingerprint() -> Option<u128> {
    use std::io::Read;
    let mut file = std::fs::File::open("/proc/self/exe")
        .or_else(|_| std::env::current_exe().and_then(std::fs::File::open))
        .ok()?;
    let mut h = Fingerprint::new();
    let mut chunk = vec![0; 1 << 20];
    loop {
        match file.read(&mut chunk) {
            Ok(0) => break,
            // Unprefixed: how many bytes a read returns must not matter.
            Ok(n) => h.0.write(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(h.finish())
}

/// What every review's site of one build depends on besides its own revisions: kamsite, the
/// portfolio's templates and the options. Empty when kamsite cannot read its own program
/// (then nothing is kept: every review renders).
#[derive(Clone, Copy, Debug, Default)]
pub struct Basis(Option<u128>);

impl Basis {
    /// `overrides`: the portfolio's `templates/`, name and text.
    pub fn of(program: Program, overrides: &[(String, String)], incognito: bool) -> Basis {
        Basis(program.fingerprint().map(|program| {
            let mut h = Fingerprint::new();
            h.bytes(&program.to_le_bytes());
            h.count(overrides.len());
            for (name, text) in overrides {
                h.text(name);
                h.text(text);
            }
            h.count(usize::from(incognito));
            h.finish()
        }))
    }
}

/// The fingerprint of review `i` of `reviews` (oldest first) as its file holds it, or `None`
/// when `basis` has none.
pub fn fingerprint(basis: Basis, reviews: &[Review], i: usize) -> Option<String> {
    let basis = basis.0?;
    let mut h = Fingerprint::new();
    h.bytes(&basis.to_le_bytes());
    let review = &reviews[i];
    h.text(&review.repo.prefix);
    for r in std::iter::once(review).chain(i.checked_sub(1).map(|p| &reviews[p])) {
        h.text(&r.tag.name);
        h.text(&r.tag.commit);
        h.text(&r.tag.date.map(|d| d.to_string()).unwrap_or_default());
    }
    Some(format!(
        "kamsite review site, fingerprint {:032x}\n",
        h.finish()
    ))
}

/// SipHash-1-3 with 128 bits, fixed keys: the same on every machine and every Rust release
/// (unlike std's `DefaultHasher`). Each value is written with its length first, so two
/// different lists of values never feed the same bytes.
struct Fingerprint(SipHasher13);

impl Fingerprint {
    fn new() -> Self {
        Fingerprint(SipHasher13::new_with_keys(
            0x6b61_6d73_6974_6531,
            0x7265_7669_6577_7331,
        ))
    }

    fn count(&mut self, n: usize) {
        self.0.write(&(n as u64).to_le_bytes());
    }

    fn bytes(&mut self, b: &[u8]) {
        self.count(b.len());
        self.0.write(b);
    }

    fn text(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    fn finish(self) -> u128 {
        self.0.finish128().as_u128()
    }
}
