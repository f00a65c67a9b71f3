//! Subcommands, one file each, and the top-level argument parser.

use clap::{Parser, Subcommand};

pub mod eval;
pub mod explain;
pub mod lexicon;
pub mod merge;
pub mod plot;
pub mod score;

const ABOUT: &str = "Measure the tone between actors in news: who is conciliatory or hostile toward whom, by period.";

const LONG_ABOUT: &str = "\
Measure the tone between actors in news: who is conciliatory or hostile toward whom, by period.

stance reads dated documents, splits them into sentences, finds the actors each sentence
names (states, leaders, ministries, state media, international organisations, armed groups),
rates each sentence from hostile (-1) to conciliatory (+1) with editable lexicons and rules,
attributes the tone to a source (who says or does it) and targets (toward whom), and writes
per-actor and per-dyad tables by period as CSV.

Start with:
  stance score examples/news -o stance-out      score the bundled sample corpus
  stance explain --date 2021-01-08 \"Biden has called Kim a 'thug'.\"
                                                see how one sentence is scored
  stance lexicon export my-lexicons             copy the default lexicons to edit them
  stance eval gold.jsonl                        measure accuracy against labelled sentences
  stance plot stance-out -o stance.svg          chart stance over time from a scored directory
  stance score corpus/ --shard 2/7 --partial -o parts/2
  stance merge parts/* -o stance-out            score on many machines, merge into one run

Exit codes: 0 success (also when some records were rejected; they are reported),
1 runtime error, 2 usage error, 130/143 stopped by Ctrl-C/SIGTERM (no partial tables).";

/// Top-level arguments.
#[derive(Debug, Parser)]
#[command(name = "stance", version, about = ABOUT, long_about = LONG_ABOUT)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Score(score::Args),
    Merge(merge::Args),
    Explain(explain::Args),
    Eval(eval::Args),
    Lexicon(lexicon::Args),
    Plot(plot::Args),
}

/// Runs the chosen subcommand.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Score(a) => score::run(a),
        Command::Merge(a) => merge::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Lexicon(a) => lexicon::run(a),
        Command::Plot(a) => plot::run(a),
    }
}

/// Loads the lexicons from `dir`, or the built-in ones.
pub fn load_lexicons(dir: Option<&std::path::Path>) -> anyhow::Result<stancemeter::Lexicons> {
    Ok(match dir {
        Some(d) => stancemeter::Lexicons::load(d)?,
        None => stancemeter::Lexicons::defaults()?,
    })
}

/// The index of actor `id` for `--speaker`, or a usage error naming it.
pub fn speaker_index(lex: &stancemeter::Lexicons, id: &str) -> anyhow::Result<usize> {
    lex.actor_index(&id.to_ascii_uppercase()).ok_or_else(|| {
        anyhow::Error::new(stancemeter::Error::Usage(format!(
            "--speaker '{id}' is not an actor id in actors.csv (use an id such as PRK, USA, UN)"
        )))
    })
}
