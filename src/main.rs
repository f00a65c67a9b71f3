//! The `stance` command line: parses arguments and calls the library.
//! Each subcommand lives in its own file under `src/cmd/`.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

mod cmd;

/// mimalloc: glibc malloc and free were 7% of a run (many small per-sentence
/// vectors); mimalloc makes them cheaper without changing any code.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // A closed pipe (`stance explain ... | head`) is not an error.
            let broken_pipe = err.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            // Ctrl-C or SIGTERM during `stance score`: 130 or 143.
            if let Some(interrupted) = err.downcast_ref::<cmd::interrupt::Interrupted>() {
                let _ = writeln!(std::io::stderr(), "stance: {interrupted}");
                return ExitCode::from(interrupted.exit_code());
            }
            // writeln!, not eprintln!, which would panic on a closed stderr.
            let _ = writeln!(
                std::io::stderr(),
                "stance: error: {}",
                cmd::error_text(&err)
            );
            let usage = err.chain().any(|c| {
                matches!(
                    c.downcast_ref::<stancemeter::Error>(),
                    Some(stancemeter::Error::Usage(_))
                )
            });
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}
