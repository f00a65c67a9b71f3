//! `stance lexicon`: check lexicon files, or export the defaults to edit.

use std::io::Write;
use std::path::PathBuf;

use stancemeter::lexicon::{
    DEFAULT_ACTORS, DEFAULT_BOILERPLATE, DEFAULT_MODIFIERS, DEFAULT_TONE, FILE_NAMES,
};

const AFTER_HELP: &str = "\
Lexicons are four plain files, editable in a spreadsheet or text editor:
  actors.csv       id,name,kind,parent,alias,case,valid_from,valid_to   (one row per alias)
  tone.csv         term,weight,category      (weight -4 hostile ... +4 conciliatory)
  modifiers.csv    word,kind,factor          (negator, damage, intensifier, dampener,
                                              contrast, concession, demand, call, speech,
                                              self, first_person)
  boilerplate.txt  one scraped-noise line per line ('*' at the end matches a prefix)

To edit: stance lexicon export my-lex; change the files; stance lexicon check my-lex;
then stance score ... --lexicons my-lex. Files missing from the directory keep the defaults.";

/// Check lexicon files or export the built-in ones for editing.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Validate a lexicon directory (or the built-in lexicons), print warnings and coverage.
    Check {
        /// Lexicon directory; the built-in lexicons when omitted.
        dir: Option<PathBuf>,
    },
    /// Write the built-in lexicon files into DIR, to edit them.
    Export {
        /// Directory to write actors.csv, tone.csv, modifiers.csv and boilerplate.txt into.
        dir: PathBuf,
        /// Overwrite files already there.
        #[arg(long)]
        force: bool,
    },
}

/// Runs `stance lexicon`.
pub fn run(a: Args) -> anyhow::Result<()> {
    match a.action {
        Action::Check { dir } => {
            let lex = super::load_lexicons(dir.as_deref())?;
            // A closed pipe (`stance lexicon check | head -1`) is an io error
            // that main.rs turns into exit 0, not a panic as with println!.
            let mut out = std::io::stdout().lock();
            for s in lex.sources() {
                writeln!(
                    out,
                    "{:<16} {:>6} entries  from {}  sha256 {}",
                    s.file,
                    s.entries,
                    s.origin,
                    &s.sha256[..16]
                )?;
            }
            let report = lex.check();
            writeln!(out)?;
            for (what, n) in &report.counts {
                writeln!(out, "{what:<40} {n:>6}")?;
            }
            if report.warnings.is_empty() {
                writeln!(out, "\nOK: no problems found.")?;
            } else {
                writeln!(out, "\n{} warning(s):", report.warnings.len())?;
                for w in &report.warnings {
                    writeln!(out, "  {w}")?;
                }
            }
            Ok(())
        }
        Action::Export { dir, force } => {
            stancemeter::output::prepare_dir(&dir, &FILE_NAMES, force)?;
            let texts = [
                DEFAULT_ACTORS,
                DEFAULT_TONE,
                DEFAULT_MODIFIERS,
                DEFAULT_BOILERPLATE,
            ];
            for (name, text) in FILE_NAMES.iter().zip(texts) {
                let mut f = stancemeter::output::AtomicFile::create(&dir, name)?;
                f.write_all(text.as_bytes())?;
                f.commit()?;
            }
            writeln!(
                std::io::stdout().lock(),
                "Wrote {} to {}",
                FILE_NAMES.join(", "),
                dir.display()
            )?;
            Ok(())
        }
    }
}
