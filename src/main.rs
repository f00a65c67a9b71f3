//! The `stance` command line: parses arguments and calls the library.
//! Each subcommand lives in its own file under `src/cmd/`.

use std::process::ExitCode;

use clap::Parser;

mod cmd;

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
            eprintln!("stance: error: {err:#}");
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
