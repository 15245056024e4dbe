//! The `lessons` binary: see `lessons --help` and `lessons_web::cli`.

fn main() -> std::process::ExitCode {
    lessons_web::cli::main()
}
