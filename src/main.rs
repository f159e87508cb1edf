//! The `kamsite` binary: everything lives in the library; this only hands over the exit code.

/// Rendering thousands of pages allocates millions of small strings and maps; mimalloc does
/// that markedly faster than glibc's allocator, especially across threads (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    kamsite::cli::run()
}
