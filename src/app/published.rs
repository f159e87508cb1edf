//! Reviews already published. A review's site is a function of its analysis, its tag's name,
//! the templates, the options and kamsite itself (`site::Site` is a pure function of those).
//! A build with reviews writes beside each review's site (`reviews/<slug>/.kamsite-review`)
//! a fingerprint of those inputs and one of the files it wrote. The next build into the same
//! folder keeps a review, file for file, when the inputs' fingerprint is unchanged and the
//! files there are still the ones written (same bytes, regular files, the mode a new file
//! gets); anything else renders it again. A quarterly publication then renders the current
//! site and the new review, not the whole archive.
//!
//! The inputs' fingerprint is taken of what the analysis was made from, as it was read — the
//! revision's files (their bytes), the date and period it settled on, the same of the
//! previous review (its baseline), both tags, who changed what as git told — not of the
//! commit ids that led to it: git can give other contents for one commit (`git replace`), and
//! a date or a setting outside the commit can change what is read. (Hashing the analysis
//! itself, through `Debug`, was complete by construction but took 0.3 s for 8 reviews of
//! 1,000 accounts.) kamsite itself is the running program's bytes, not its version number: a
//! build of other code renders anew.

use std::hash::Hasher;

use siphasher::sip128::{Hasher128, SipHasher13};

use super::reviews::Review;
use crate::analyse::Analysis;

/// The fingerprint file in each review's folder.
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

/// The fingerprint of what the site of review `i` of `reviews` (oldest first, analysed as
/// `analyses`) is made of; `None` when `basis` has none. A review's analysis is a function of
/// its revision (the files read, as read), the date and period it settled on, the previous
/// review's revision and settled date (its baseline), the two tags, and who changed what
/// between them (read from `git log`, which a user's settings or `git replace` can change).
pub fn inputs(
    basis: Basis,
    reviews: &[Review],
    analyses: &[Analysis<'_>],
    i: usize,
) -> Option<u128> {
    let basis = basis.0?;
    let mut h = Fingerprint::new();
    h.bytes(&basis.to_le_bytes());
    for r in std::iter::once(&reviews[i]).chain(i.checked_sub(1).map(|p| &reviews[p])) {
        h.bytes(&r.content.to_le_bytes());
        h.text(&r.tag.name);
        h.text(&r.tag.commit);
        let p = &r.project;
        h.text(&format!(
            "{:?} {:?} {:?} {:?}",
            p.as_of, p.as_of_from, p.period, p.period_from
        ));
    }
    for a in &analyses[i].accounts {
        h.text(&format!("{:?}", a.history));
    }
    Some(h.finish())
}

/// The fingerprint of a revision's files, as read: each path with its bytes' fingerprint
/// ([`file`]), in the order given, and the revision's name (which its pages show).
pub fn revision<'p>(label: &str, each: impl ExactSizeIterator<Item = (&'p str, u128)>) -> u128 {
    let mut h = Fingerprint::new();
    h.text(label);
    h.bytes(&files(each).to_le_bytes());
    h.finish()
}

/// The fingerprint of one file's bytes.
pub fn file(bytes: &[u8]) -> u128 {
    let mut h = Fingerprint::new();
    h.bytes(bytes);
    h.finish()
}

/// The fingerprint of a site's files: each path with its bytes' fingerprint ([`file`]), in
/// the order the site lists them.
pub fn files<'p>(each: impl ExactSizeIterator<Item = (&'p str, u128)>) -> u128 {
    let mut h = Fingerprint::new();
    h.count(each.len());
    for (path, bytes) in each {
        h.text(path);
        h.bytes(&bytes.to_le_bytes());
    }
    h.finish()
}

/// A review's fingerprint file: what its site is made of, and what was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub inputs: u128,
    pub files: u128,
}

impl Stamp {
    pub fn text(self) -> String {
        format!(
            "kamsite review site\ninputs {:032x}\nfiles {:032x}\n",
            self.inputs, self.files
        )
    }

    /// A fingerprint file's content; `None` unless it is exactly what [`Stamp::text`] writes.
    pub fn parse(bytes: &[u8]) -> Option<Stamp> {
        let text = std::str::from_utf8(bytes).ok()?;
        let rest = text.strip_prefix("kamsite review site\ninputs ")?;
        let (inputs, rest) = rest.split_once("\nfiles ")?;
        let files = rest.strip_suffix('\n')?;
        let hex = |s: &str| (s.len() == 32).then(|| u128::from_str_radix(s, 16).ok())?;
        let stamp = Stamp {
            inputs: hex(inputs)?,
            files: hex(files)?,
        };
        (stamp.text().as_bytes() == bytes).then_some(stamp)
    }
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
