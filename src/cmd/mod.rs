//! Subcommands, one file each, and the top-level argument parser.

use clap::{Parser, Subcommand};

pub mod eval;
pub mod explain;
pub mod interrupt;
pub mod lexicon;
pub mod merge;
pub mod plot;
pub mod progress;
pub mod score;

use stancemeter::aggregate::PeriodKind;
use stancemeter::corpus::{DateOrder, DocDate};
use stancemeter::output::CellPolicy;
use stancemeter::output::wide::{self, WideMetric, WideOptions};

/// An error and its causes, joined by ": " as `{:#}` prints them, except
/// a cause whose text the message before it already ends with: an error
/// that quotes its own source ([`stancemeter::Error::Io`]: "out.csv: No
/// space left on device") would otherwise say it twice.
pub fn error_text(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if out.is_empty() {
            out = text;
        } else if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
    }
    out
}

/// A line on standard error; a closed stderr is no reason to fail a run.
pub fn warn(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// The options that shape the written tables, shared by `score` and `merge`.
#[derive(Debug, clap::Args)]
pub struct TableArgs {
    /// Write text cells as they are; by default cells starting with = + - @ get a
    /// leading ' so spreadsheets do not run them as formulas.
    #[arg(long)]
    pub raw_cells: bool,

    /// Actors (ids, comma-separated) for the columns of stance_wide.csv and the charts;
    /// default: the actors with most sentences as source.
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub wide_actors: Vec<String>,

    /// What stance_wide.csv holds per period and actor: net_stance, mean_tone or sentences.
    #[arg(long, value_name = "METRIC", default_value = "net_stance", value_parser = parse_metric)]
    pub wide_metric: WideMetric,

    /// How many dyads dyads_wide.csv (and the dyad chart) shows, by volume.
    #[arg(long, value_name = "N", default_value_t = wide::DEFAULT_TOP)]
    pub wide_top: usize,

    /// Write CSVs that open correctly by double-click in Excel: a UTF-8 byte-order mark
    /// (Excel otherwise garbles "Pyongyang’s" and non-Latin names), formula-safe cells.
    #[arg(long, conflicts_with = "raw_cells")]
    pub excel: bool,

    /// Also write stance.xlsx: the tables as sheets, and native line charts of net stance
    /// over time for the top actors and dyads.
    #[arg(long)]
    pub xlsx: bool,
}

impl TableArgs {
    /// The wide-table options for tables by `period`.
    pub fn wide(&self, period: PeriodKind) -> WideOptions {
        WideOptions {
            actors: (!self.wide_actors.is_empty()).then(|| {
                self.wide_actors
                    .iter()
                    .map(|s| s.trim().to_ascii_uppercase())
                    .collect()
            }),
            metric: self.wide_metric,
            top: self.wide_top,
            period,
        }
    }

    /// How text cells are written.
    pub fn cells(&self) -> CellPolicy {
        CellPolicy {
            raw: self.raw_cells,
            bom: self.excel,
        }
    }
}

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

/// Parses `--date`. A numeric date with the year last is refused here:
/// `08/01/2021` on a command line is better written `2021-01-08` than
/// explained with an order.
pub fn parse_date(s: &str) -> Result<DocDate, String> {
    DocDate::parse(s).ok_or_else(|| {
        if DocDate::needs_order(s) {
            format!("cannot read date '{s}': day or month first? write it as YYYY-MM-DD")
        } else {
            format!("cannot read date '{s}'; write it as YYYY-MM-DD")
        }
    })
}

/// Parses `--date-order`.
pub fn parse_date_order(s: &str) -> Result<DateOrder, String> {
    s.parse()
}

/// The index of actor `id` for `--speaker`, or a usage error naming it.
pub fn speaker_index(lex: &stancemeter::Lexicons, id: &str) -> anyhow::Result<usize> {
    lex.actor_index(&id.to_ascii_uppercase()).ok_or_else(|| {
        anyhow::Error::new(stancemeter::Error::Usage(format!(
            "--speaker '{id}' is not an actor id in actors.csv (use an id such as PRK, USA, UN)"
        )))
    })
}

/// Parses `--wide-metric`.
pub fn parse_metric(s: &str) -> Result<WideMetric, String> {
    s.parse::<WideMetric>().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::error_text;

    #[test]
    fn error_text_says_each_cause_once() {
        let io = || std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
        // An error quoting its source is not followed by the source again.
        let err = anyhow::Error::new(stancemeter::Error::io("/x/gold.jsonl", io()));
        assert_eq!(error_text(&err), "/x/gold.jsonl: No such file or directory");
        // Context that does not quote its cause keeps it.
        let err = anyhow::Error::new(io()).context("writing the output tables");
        assert_eq!(
            error_text(&err),
            "writing the output tables: No such file or directory"
        );
        // Both at once.
        let err = anyhow::Error::new(stancemeter::Error::io("out/actors.csv", io()))
            .context("writing the output tables");
        assert_eq!(
            error_text(&err),
            "writing the output tables: out/actors.csv: No such file or directory"
        );
    }
}
