//! Stage 5: writing. Files appear whole or not at all: everything is written to a temporary
//! sibling first and renamed into place, so an interrupted run never leaves half a file.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` via a temporary file in the same folder and a rename.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
