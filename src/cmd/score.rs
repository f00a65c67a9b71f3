//! `stance score`: score a corpus and write the tables.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use stancemeter::aggregate::PeriodKind;
use stancemeter::corpus::{Corpus, DocDate, Format, ReadOptions};
use stancemeter::output::{
    self, ACTORS_FILE, CellPolicy, DYADS_FILE, REJECTS_FILE, RUN_FILE, SENTENCES_FILE,
};
use stancemeter::pipeline::{Event, Pipeline, PipelineOptions};

const AFTER_HELP: &str = "\
Inputs: files and directories (walked recursively, in sorted order), each optionally
gzip-compressed (.gz); '-' reads standard input (give --format).
  .txt            one document per file; id = path relative to the input; date = --date,
                  else a YYYY-MM-DD or YYYYMMDD in the path, else undated
  .jsonl .ndjson  one JSON object per line with id, date, text (see --id-field ...)
  .csv .tsv       a header row, then one document per row, same fields
Dates: 2021, 2021-01, 2021-01-08, timestamps (the date as published is kept), and news
forms such as \"January 8, 2021\" or \"8 Jan 2021\".

Outputs (in -o DIR):
  actors.csv      period,actor,actor_name,role,sentences,conciliatory,neutral,hostile,
                  mean_tone,net_stance   (role: source, target, mentioned)
  dyads.csv       period,source,target,sentences,conciliatory,neutral,hostile,mean_tone,
                  net_stance
  sentences.csv   with --sentences: doc_id,date,sentence_no,text,tone,label,source,
                  targets,actors,evidence
  rejects.csv     records that could not be read: input,location,reason
  run.json        inputs, counts, rejects by reason, timings, lexicon checksums
net_stance = (conciliatory - hostile) / sentences; mean_tone is in [-1, 1].
Tables are written atomically; the same input gives byte-identical tables at any --threads.

Examples:
  stance score examples/news -o stance-out
  stance score corpus/ more.jsonl.gz -o out --period quarter --sentences
  stance score seed.txt --date 2021-01-08 --sentences -o seed-out
  zcat feed.jsonl.gz | stance score - --format jsonl --text-field body -o out";

/// Score a corpus and write per-actor and per-dyad stance tables.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Files or directories to score ('-' for standard input).
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,

    /// Output directory.
    #[arg(short, long, value_name = "DIR", default_value = "stance-out")]
    output: PathBuf,

    /// Time bucket: day, week, month, quarter, year or all.
    #[arg(long, default_value = "month", value_name = "PERIOD", value_parser = parse_period)]
    period: PeriodKind,

    /// Also write sentences.csv: one row per sentence with its tone, roles and evidence.
    #[arg(long)]
    sentences: bool,

    /// Date of every .txt document (and of JSONL/CSV records that have none).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    date: Option<DocDate>,

    /// Input format when it cannot be told from the extension (required for '-'):
    /// txt, jsonl, csv, tsv.
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    format: Option<Format>,

    /// JSONL/CSV field holding the document id.
    #[arg(long, default_value = "id", value_name = "FIELD")]
    id_field: String,

    /// JSONL/CSV field holding the date.
    #[arg(long, default_value = "date", value_name = "FIELD")]
    date_field: String,

    /// JSONL/CSV field holding the text.
    #[arg(long, default_value = "text", value_name = "FIELD")]
    text_field: String,

    /// Directory of lexicon files (actors.csv, tone.csv, modifiers.csv, boilerplate.txt);
    /// files it lacks keep the built-in defaults.
    #[arg(long, value_name = "DIR")]
    lexicons: Option<PathBuf>,

    /// Actor id every document speaks for (e.g. PRK for KCNA stories): first-person
    /// references such as "we", "our country", "my Government" then mean that actor.
    #[arg(long, value_name = "ID", conflicts_with = "speaker_field")]
    speaker: Option<String>,

    /// JSONL/CSV field holding each document's speaker as an actor id (e.g. country_iso3).
    #[arg(long, value_name = "FIELD")]
    speaker_field: Option<String>,

    /// Keep people, ministries and media as actors of their own instead of rolling
    /// them up to their state.
    #[arg(long)]
    no_rollup: bool,

    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,

    /// Overwrite tables already in the output directory.
    #[arg(long)]
    force: bool,

    /// Stop at the first record that cannot be read (exit 1) instead of skipping it.
    #[arg(long)]
    strict: bool,

    /// Documents larger than this many bytes are rejected.
    #[arg(long, value_name = "BYTES", default_value_t = 32 << 20)]
    max_doc_bytes: usize,

    /// Write text cells as they are; by default cells starting with = + - @ get a
    /// leading ' so spreadsheets do not run them as formulas.
    #[arg(long)]
    raw_cells: bool,

    /// No progress and no summary on the terminal.
    #[arg(short, long)]
    quiet: bool,
}

fn parse_period(s: &str) -> Result<PeriodKind, String> {
    s.parse()
}

fn parse_date(s: &str) -> Result<DocDate, String> {
    DocDate::parse(s).ok_or_else(|| format!("cannot read date '{s}'; write it as YYYY-MM-DD"))
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse::<Format>().map_err(|e| e.to_string())
}

/// Runs `stance score`.
pub fn run(a: Args) -> anyhow::Result<()> {
    let lex = super::load_lexicons(a.lexicons.as_deref())?;
    let speaker = match &a.speaker {
        Some(id) => Some(super::speaker_index(&lex, id)?),
        None => None,
    };
    let mut files = vec![ACTORS_FILE, DYADS_FILE, RUN_FILE, REJECTS_FILE];
    if a.sentences {
        files.push(SENTENCES_FILE);
    }
    let options = ReadOptions {
        format: a.format,
        id_field: a.id_field.clone(),
        date_field: a.date_field.clone(),
        text_field: a.text_field.clone(),
        date: a.date,
        max_doc_bytes: a.max_doc_bytes,
    };
    let corpus = Corpus::open(&a.inputs, options)?;
    output::prepare_dir(&a.output, &files, a.force)?;
    let cells = CellPolicy { raw: a.raw_cells };
    let input_files: Vec<String> = corpus
        .files()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let skipped_files: Vec<String> = corpus
        .skipped_files()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let total_bytes = corpus.total_bytes();
    let bytes_read = corpus.bytes_read();

    let pipeline = Pipeline::new(
        lex,
        PipelineOptions {
            period: a.period,
            no_rollup: a.no_rollup,
            sentences: a.sentences,
            threads: a.threads,
            speaker,
            speaker_field: a.speaker_field.clone(),
        },
    );
    let mut sentences = if a.sentences {
        Some(output::sentences_file(&a.output, cells)?)
    } else {
        None
    };
    let mut rejects = output::rejects_file(&a.output, cells)?;

    let progress = Progress::new(a.quiet, total_bytes);
    let totals = pipeline.run(corpus, &mut |event| {
        match event {
            Event::Reject(r) => {
                output::write_reject(&mut rejects, r)?;
                if a.strict {
                    return Err(stancemeter::Error::Record {
                        input: r.input.clone(),
                        location: r.location.clone(),
                        reason: format!("{} (stopped by --strict)", r.reason),
                    });
                }
            }
            Event::Sentences(rows) => {
                if let Some(w) = sentences.as_mut() {
                    output::write_sentences(w, rows)?;
                }
            }
            Event::Progress { documents } => {
                progress.update(documents, bytes_read.load(Ordering::Relaxed));
            }
        }
        Ok(())
    })?;
    progress.finish();

    let lex = pipeline.lexicons();
    let agg = &totals.aggregates;
    let c = &agg.counters;
    let run_json = json!({
        "tool": "stance",
        "version": env!("CARGO_PKG_VERSION"),
        "command": std::env::args().collect::<Vec<_>>(),
        "inputs": a.inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "files_read": input_files.len(),
        "files": input_files.iter().take(1000).collect::<Vec<_>>(),
        "files_skipped_unknown_format": skipped_files,
        "period": format!("{:?}", a.period).to_lowercase(),
        "rollup": !a.no_rollup,
        "speaker": a.speaker,
        "speaker_field": a.speaker_field,
        "documents_with_speaker": c.documents_with_speaker,
        "documents_with_unknown_speaker": c.unknown_speakers,
        "documents": c.documents,
        "documents_rejected": totals.rejected(),
        "rejects_by_reason": totals.rejects,
        "undated_documents": c.undated_documents,
        "documents_dated_coarser_than_period": c.coarse_dated_documents,
        "sentences": c.sentences,
        "sentences_with_actors": c.sentences_with_actors,
        "sentences_with_source": c.sentences_with_source,
        "sentences_by_label": {"conciliatory": c.conciliatory, "neutral": c.neutral, "hostile": c.hostile},
        "boilerplate_lines_dropped": c.boilerplate_lines,
        "repeated_lines_dropped": c.repeated_lines,
        "wrapped_line_breaks_joined": c.joined_lines,
        "text_bytes": c.text_bytes,
        "elapsed_seconds": (totals.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        "threads": totals.threads,
        "lexicons": lex.sources(),
    });

    // Everything is complete: now commit all files together.
    let mut done = vec![
        output::write_actors(&a.output, lex, agg, cells)?,
        output::write_dyads(&a.output, lex, agg, cells)?,
        rejects.finish()?,
    ];
    if let Some(w) = sentences {
        done.push(w.finish()?);
    }
    done.push(output::write_json(&a.output, RUN_FILE, &run_json)?);
    for f in done {
        f.commit().context("writing the output tables")?;
    }

    if totals.rejected() > 0 {
        let reasons: Vec<String> = totals
            .rejects
            .iter()
            .map(|(k, v)| format!("{} {k}", v.count))
            .collect();
        eprintln!(
            "stance: warning: {} record(s) skipped ({}); see {}",
            totals.rejected(),
            reasons.join(", "),
            a.output.join(REJECTS_FILE).display()
        );
    }
    if !a.quiet {
        print_summary(&a, &pipeline, &totals);
    }
    Ok(())
}

fn print_summary(a: &Args, pipeline: &Pipeline, totals: &stancemeter::pipeline::RunTotals) {
    let c = &totals.aggregates.counters;
    let secs = totals.elapsed.as_secs_f64();
    let mb = c.text_bytes as f64 / 1e6;
    println!(
        "Scored {} documents, {} sentences ({:.0}% naming an actor) in {:.2} s ({:.1} MB/s, {} threads).",
        c.documents,
        c.sentences,
        if c.sentences > 0 {
            100.0 * c.sentences_with_actors as f64 / c.sentences as f64
        } else {
            0.0
        },
        secs,
        if secs > 0.0 { mb / secs } else { 0.0 },
        totals.threads
    );
    println!(
        "Sentences: {} conciliatory, {} neutral, {} hostile. Undated documents: {}.",
        c.conciliatory, c.neutral, c.hostile, c.undated_documents
    );
    let top = output::top_sources(pipeline.lexicons(), &totals.aggregates, 10);
    if !top.is_empty() {
        println!("\nTop actors as source (net stance = (conciliatory - hostile) / sentences):");
        for (id, name, n, net) in top {
            println!("  {id:<10} {name:<28} {n:>8} sentences   net stance {net:+.2}");
        }
    }
    println!("\nTables written to {}", a.output.display());
}

/// A progress bar on a terminal; a line every 10 seconds otherwise.
struct Progress {
    bar: Option<ProgressBar>,
    log: bool,
    start: Instant,
    last: std::cell::Cell<Instant>,
}

impl Progress {
    fn new(quiet: bool, total_bytes: u64) -> Progress {
        let tty = std::io::stderr().is_terminal();
        let bar = (!quiet && tty).then(|| {
            let b = ProgressBar::new(total_bytes.max(1));
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta}) {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        });
        Progress {
            bar,
            log: !quiet && !tty,
            start: Instant::now(),
            last: std::cell::Cell::new(Instant::now()),
        }
    }

    fn update(&self, documents: u64, bytes: u64) {
        if let Some(b) = &self.bar {
            b.set_position(bytes);
            b.set_message(format!("{documents} docs"));
        } else if self.log && self.last.get().elapsed() >= Duration::from_secs(10) {
            self.last.set(Instant::now());
            eprintln!(
                "stance: {documents} documents, {:.1} MB read, {:.0} s",
                bytes as f64 / 1e6,
                self.start.elapsed().as_secs_f64()
            );
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
