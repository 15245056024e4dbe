//! The `lessons` binary: see `lessons --help` and `lessons_web::cli`.

/// jemalloc, not glibc's malloc: under concurrent searches and writes glibc's arenas
/// kept freed memory resident (RssAnon climbing while the live heap stayed flat; see
/// BENCHMARKS.md, round three), and jemalloc hands unused pages back on its own.
/// Without the `jemalloc` feature the system allocator is used (for heap profilers).
#[cfg(feature = "jemalloc")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    lessons_web::cli::main()
}
