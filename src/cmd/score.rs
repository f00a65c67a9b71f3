//! `stance score`: score a corpus and write the tables.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::Ordering;

use anyhow::Context;
use serde_json::json;
use stancemeter::Lexicons;
use stancemeter::aggregate::{Aggregates, Counters, PeriodKind};
use stancemeter::corpus::{
    Corpus, DateOrder, DocDate, Format, KNOWN_EXTENSIONS, ReadLog, ReadOptions,
};
use stancemeter::output::partial::{
    FORMAT, FORMAT_VERSION, InvalidUtf8Summary, LexiconId, PARTIAL_FILE, Partial, PartialHeader,
    RejectRow, RejectSpill, Settings, ShardBy, ShardSpec, StreamDigest, StreamSummary, entry_seq,
};
use stancemeter::output::wide;
use stancemeter::output::{self, REJECTS_FILE, RUN_FILE, SENTENCES_FILE, TableOptions};
use stancemeter::pipeline::{
    Event, MAX_SENTENCE_BYTES, NotedDocuments, Pipeline, PipelineOptions, RunTotals,
};

use super::interrupt;
use super::progress::Progress;

const AFTER_HELP: &str = "\
Inputs: files and directories (walked recursively, in sorted order), each optionally
compressed (.gz gzip, .zst Zstandard; also told by their first bytes, on standard input or
in a file saved without its .gz), .zip archives (the files inside, in name order, each
read as a file of its own) and tar archives (.tar, .tar.gz, .tgz, .tar.zst: the files
inside, in the archive's order, the archive one file for --shard-by file); '-' reads
standard input (give --format; a tar archive there is read as the files inside, each as
--format says).
  .txt            one document per file; id = path relative to the input; date = --date,
                  else a YYYY-MM-DD or YYYYMMDD in the path, else undated
  .jsonl .ndjson  one JSON object per line with id, date, text (see --id-field ...);
  .json           the same, or one JSON array of such objects, or pretty-printed objects
  .csv .tsv       a header row, then one document per row, same fields (a .csv file's
                  delimiter, comma, semicolon or tab, is the one its header uses most)
Dates: 2021, 2021-01, 2021-01-08, timestamps (the date as published is kept), 20210108101500,
Unix times (1610064000, or 13 digits in ms; the UTC day), 2021/01/08, news forms such as
\"January 8, 2021\" or \"8 Jan 2021\", and these with a time after them (\"Fri, 08 Jan 2021
10:15:00 +0000\"). 08/01/2021 needs --date-order dmy or mdy.

Outputs (in -o DIR):
  actors.csv      period,actor,actor_name,role,sentences,conciliatory,neutral,hostile,
                  mean_tone,net_stance   (role: source, target, mentioned)
  dyads.csv       period,source,target,sentences,conciliatory,neutral,hostile,mean_tone,
                  net_stance
  sentences.csv   with --sentences: doc_id,date,sentence_no,text,tone,label,source,
                  targets,actors,evidence
  stance_wide.csv one row per period, one column per actor (net stance as source; see
                  --wide-actors, --wide-metric); periods without data have empty cells
  dyads_wide.csv  one row per period, one column per SRC→TGT pair among the top pairs
  stance.xlsx     with --xlsx: the tables as sheets plus native line charts
  rejects.csv     records that could not be read: input,location,reason
  run.json        inputs, counts, rejects by reason, invalid UTF-8 replaced, timings,
                  lexicon checksums
  partial.json    with --partial, instead of the tables (and rejects.csv): the integer
                  sums behind them, for `stance merge`
net_stance = (conciliatory - hostile) / sentences; mean_tone is in [-1, 1].
Tables are written atomically; the same input gives byte-identical tables at any --threads.
Ctrl-C (SIGINT) or SIGTERM stops the run with exit code 130 or 143: its temporary files are
removed and tables from an earlier run are left as they were.

Shards: --shard I/N scores only the documents whose id hashes to shard I of N (the first 8
bytes of SHA-256 of the id, modulo N, plus 1; a rejected record goes by its file name and
location), so N machines can each read the same inputs and score a different Nth. With
--partial each writes partial.json; `stance merge` adds them up into exactly the tables of
a single run. Every such shard reads every input; with --shard-by file a shard reads only
the input files whose name (the path inside a directory given as input, or the file name)
hashes to it, so a corpus of many files splits its reading and decompressing too (a file
inside a .zip counts as a file; a tar archive counts as one file).

Examples:
  stance score examples/news -o stance-out
  stance score corpus/ more.jsonl.gz -o out --period quarter --sentences
  stance score seed.txt --date 2021-01-08 --sentences -o seed-out
  zcat feed.jsonl.gz | stance score - --format jsonl --text-field body -o out
  stance score export.csv --date-order dmy --text-field title,text -o out
                                                   # a spreadsheet export dated 08/01/2021
  stance score newsapi/ --records-field articles --text-field title,content \\
      --date-field publishedAt --id-field url -o out  # saved pages of an API's results
  stance score guardian.jsonl --text-field fields.bodyText --date-field webPublicationDate \\
      -o out                                       # fields inside objects, by dotted path
  stance score speeches.jsonl --speaker-field country --first-person --period year -o out
                                                   # each speech for its country: FRA or France
  stance score corpus/ --shard 2/7 --partial -o parts/2     # one of 7 shards, on any machine
  stance merge parts/* -o stance-out                         # once all 7 are done
  stance score daily/ --shard 3/16 --shard-by file --partial -o parts/3
                                                   # each of 16 reads only its own files";

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
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    date: Option<DocDate>,

    /// How to read numeric dates with the year last in JSONL/CSV records: dmy (08/01/2021 is
    /// 8 January, as most of the world writes it) or mdy (August 1, as in the US). Without it,
    /// records dated so are rejected as ambiguous.
    #[arg(long, value_name = "ORDER", value_parser = super::parse_date_order)]
    date_order: Option<DateOrder>,

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

    /// JSON: the array of records inside each top-level object, as a path of fields joined by
    /// '.' (articles for NewsAPI's responses, response.docs for the NYT's article search);
    /// by default each top-level object is a record.
    #[arg(long, value_name = "PATH")]
    records_field: Option<String>,

    /// JSONL/CSV field holding the text; several, comma-separated (title,text), are joined
    /// in that order, each a paragraph. In JSON a field inside objects is named by its
    /// dotted path (fields.bodyText), as are the id, date and speaker fields; a text given as
    /// a list of strings is read as paragraphs.
    #[arg(long, default_value = "text", value_name = "FIELD")]
    text_field: String,

    /// Directory of lexicon files (actors.csv, tone.csv, modifiers.csv, boilerplate.txt);
    /// files it lacks keep the built-in defaults.
    #[arg(long, value_name = "DIR")]
    lexicons: Option<PathBuf>,

    /// Actor id every document speaks for (e.g. PRK for KCNA stories): first-person
    /// references such as "we", "our country", "my Government" then mean that actor, and a
    /// sentence with a stance and no other source is its own judgement.
    #[arg(long, value_name = "ID", conflicts_with = "speaker_field")]
    speaker: Option<String>,

    /// JSONL/CSV field holding each document's speaker as an actor id (e.g. country_iso3) or
    /// an actor's name as actors.csv writes it (France). A document whose value is missing or
    /// names no actor has no speaker: the run warns, names the first few, and lists them in
    /// run.json.
    #[arg(long, value_name = "FIELD")]
    speaker_field: Option<String>,

    /// With --speaker or --speaker-field: "I", "me" and "my" mean the speaker too. Right for
    /// speeches (UN General Debate: "I thank the Secretary-General" is the delegation's
    /// thanks); leave it off for a news agency's stories, where "I" is mostly someone quoted.
    #[arg(long)]
    first_person: bool,

    /// Keep people, ministries and media as actors of their own instead of rolling
    /// them up to their state.
    #[arg(long)]
    no_rollup: bool,

    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,

    /// Input files read at once (default: one per 4 worker threads). With 2 or more, each
    /// is read ahead on a thread of its own; with 1, the workers read in turn. Raise it for
    /// many small files, many .gz files on a large machine, or network storage; one file is
    /// always read by one thread at a time. Tables are the same.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    readers: Option<u16>,

    /// Overwrite tables already in the output directory.
    #[arg(long)]
    force: bool,

    /// Stop at the first record that cannot be read (exit 1) instead of skipping it.
    #[arg(long)]
    strict: bool,

    /// Documents larger than this many bytes are rejected.
    #[arg(long, value_name = "BYTES", default_value_t = 32 << 20)]
    max_doc_bytes: usize,

    #[command(flatten)]
    tables: super::TableArgs,

    /// Score only shard I of N (1-based): the documents whose id hashes to I. Every shard
    /// reads all inputs; together the N shards score each document exactly once. Use with
    /// --partial and combine with `stance merge` (alone it gives a 1/N sample's tables).
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<ShardSpec>,

    /// How --shard splits the run: `id` (each shard reads every input and keeps the
    /// documents whose id hashes to it) or `file` (each shard reads only the input files
    /// whose name hashes to it: for a corpus of many files, no shard reads the others').
    /// All shards of a run must use the same.
    #[arg(long, value_name = "id|file", default_value = "id", requires = "shard")]
    shard_by: ShardBy,

    /// Write partial.json (the integer sums behind the tables, for `stance merge`)
    /// instead of the tables. With --sentences, sentences.csv is written beside it.
    #[arg(long, conflicts_with_all = ["xlsx", "wide_actors", "wide_metric", "wide_top"])]
    partial: bool,

    /// No progress and no summary on the terminal.
    #[arg(short, long)]
    quiet: bool,
}

fn parse_shard(s: &str) -> Result<ShardSpec, String> {
    s.parse()
}

fn parse_period(s: &str) -> Result<PeriodKind, String> {
    s.parse()
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse::<Format>().map_err(|e| e.to_string())
}

/// When no document had a date: a field of the first documents whose
/// value reads as one (`publishedAt`, `created_utc`), with that value, for
/// a hint; a field named like a date (`date`, `time`, `published`,
/// `created`, `…_at`) first, since a count can look like a Unix time.
/// Reads at most 100 documents again; not standard input.
fn date_like_field(inputs: &[PathBuf], options: &ReadOptions) -> Option<(String, String)> {
    if inputs.iter().any(|p| p.as_os_str() == "-") {
        return None;
    }
    let named = |k: &str| {
        let k = k.to_ascii_lowercase();
        ["date", "time", "publish", "created", "_at", "day"]
            .iter()
            .any(|w| k.contains(w))
    };
    let corpus = Corpus::open(inputs, options.clone()).ok()?;
    corpus.take(100).flatten().find_map(|doc| {
        let mut dates: Vec<(String, String)> = doc
            .fields
            .into_iter()
            .filter(|(_, v)| DocDate::parse_in(v, options.date_order).is_some())
            .collect();
        dates.sort_by_key(|(k, _)| !named(k));
        dates.into_iter().next()
    })
}

/// Runs `stance score`.
pub fn run(a: Args) -> anyhow::Result<()> {
    if a.first_person && a.speaker.is_none() && a.speaker_field.is_none() {
        anyhow::bail!(stancemeter::Error::Usage(
            "--first-person makes \"I\", \"me\" and \"my\" mean the document's speaker, \
             and there is none: give --speaker ID or --speaker-field FIELD too"
                .to_string()
        ));
    }
    let lex = super::load_lexicons(a.lexicons.as_deref())?;
    let speaker = match &a.speaker {
        Some(id) => Some(super::speaker_index(&lex, id)?),
        None => None,
    };
    let files = if a.partial {
        let mut files = vec![PARTIAL_FILE, RUN_FILE];
        if a.sentences {
            files.push(SENTENCES_FILE);
        }
        files
    } else {
        output::table_files(a.tables.xlsx, a.sentences)
    };
    let wide_opts = a.tables.wide(a.period);
    if let Some(ids) = &wide_opts.actors {
        wide::resolve_actors(&lex, ids)?;
    }
    let options = ReadOptions {
        format: a.format,
        id_field: a.id_field.clone(),
        date_field: a.date_field.clone(),
        text_field: a.text_field.clone(),
        date: a.date,
        date_order: a.date_order,
        records_field: a.records_field.clone(),
        max_doc_bytes: a.max_doc_bytes,
    };
    let mut corpus = Corpus::open(&a.inputs, options.clone())?;
    // With --shard-by file, the shard's own entries are all it reads; the
    // list of every entry (walked, not held) fingerprints the run, and
    // `all_files` counts the files in it.
    let mut all_files = None;
    let split_by_file = match a.shard {
        Some(shard) if a.shard_by == ShardBy::File => {
            if a.inputs.iter().any(|p| p.as_os_str() == "-") {
                anyhow::bail!(stancemeter::Error::Usage(
                    "--shard-by file cannot split standard input ('-'), which is one stream: \
                     use --shard-by id, or give the files"
                        .to_string()
                ));
            }
            let mut files = 0;
            let summary =
                StreamSummary::of_entries(corpus.entries().inspect(|e| files += e.file as u64));
            all_files = Some(files);
            corpus.retain(move |e| shard.owns_key(&e.key));
            Some(summary)
        }
        _ => None,
    };
    output::prepare_dir(&a.output, &files, a.force)?;
    // From here on temporary files exist: SIGINT/SIGTERM stop the run cleanly.
    interrupt::install(&a.output, &files)?;
    let cells = a.tables.cells();
    // What reading meets, for run.json (nothing lists the files up front).
    let read_log = corpus.read_log();
    // Counting the bytes to read walks the inputs once more: only for a
    // progress bar, which shows the fraction done.
    let total_bytes = if Progress::draws_bar(a.quiet) {
        corpus.total_bytes()
    } else {
        0
    };
    let bytes_read = corpus.bytes_read();
    let invalid_utf8 = corpus.invalid_utf8();

    let pipeline = Pipeline::new(
        lex,
        PipelineOptions {
            period: a.period,
            no_rollup: a.no_rollup,
            sentences: a.sentences,
            sentence_csv: a.sentences.then_some(cells),
            threads: a.threads,
            speaker,
            speaker_field: a.speaker_field.clone(),
            first_person: a.first_person,
        },
    );
    let readers = match a.readers {
        Some(n) => usize::from(n),
        None => Corpus::default_readers(pipeline.options().threads()),
    };
    corpus.read_ahead(readers);
    let mut sentences = if a.sentences {
        Some(output::sentences_file(&a.output, cells)?)
    } else {
        None
    };
    // A partial keeps its rejects (with their place in the input) in partial.json.
    let mut rejects = if a.partial {
        None
    } else {
        Some(output::rejects_file(&a.output, cells)?)
    };

    // A shard split by id reads the whole input and keeps its share. Its
    // partial fingerprints the whole stream, so that `stance merge` can tell
    // shards of one run from shards of different inputs, and notes each
    // reject's place in it, so that the merged rejects.csv is in input
    // order. Split by file, the place is the reject's entry and its rank
    // among that entry's rejects (see `entry_seq`).
    let stream = Mutex::new(StreamDigest::default());
    // With --shard-by file: the entry of the last reject, and its rejects so far.
    let mut last_entry = (u64::MAX, 0u64);
    // This shard's rejects go to disk as they come, not into memory.
    let kept_rejects = if a.partial {
        Some(Mutex::new(RejectSpill::new_in(&a.output)?))
    } else {
        None
    };
    let docs = corpus
        .numbered()
        .enumerate()
        .map(|(seq, (entry, item))| (seq, entry, item))
        .filter(|(seq, entry, item)| {
            if a.partial && split_by_file.is_none() {
                lock(&stream).add(item);
            }
            let keep = split_by_file.is_some() || a.shard.is_none_or(|s| s.owns(item));
            if keep
                && let Some(spill) = &kept_rejects
                && let Err(r) = item
            {
                let seq = if split_by_file.is_some() {
                    if last_entry.0 != *entry {
                        last_entry = (*entry, 0);
                    }
                    last_entry.1 += 1;
                    entry_seq(*entry, last_entry.1 - 1)
                } else {
                    *seq as u64
                };
                lock(spill).push(&RejectRow {
                    seq,
                    input: r.input.clone(),
                    location: r.location.clone(),
                    reason: r.reason.clone(),
                });
            }
            keep
        })
        .map(|(_, _, item)| item);

    let progress = Progress::new(a.quiet, total_bytes, "documents");
    let result = pipeline.run(docs, &mut |event| {
        if let Some(signal) = interrupt::pending() {
            // Stops the run; the temporary files are deleted as they drop.
            return Err(stancemeter::Error::Other(format!(
                "interrupted by {}",
                interrupt::signal_name(signal)
            )));
        }
        match event {
            Event::Reject(r) => {
                if let Some(w) = rejects.as_mut() {
                    output::write_reject(w, r)?;
                }
                if a.strict {
                    let reason = format!("{} (stopped by --strict)", r.reason);
                    if r.location.is_empty() {
                        // A whole file: "input: reason", as in the warning
                        // (Error::Record would print an empty location).
                        return Err(stancemeter::Error::Other(format!("{}: {reason}", r.input)));
                    }
                    return Err(stancemeter::Error::Record {
                        input: r.input.clone(),
                        location: r.location.clone(),
                        reason,
                    });
                }
            }
            Event::Sentences(rows) => {
                if let Some(w) = sentences.as_mut() {
                    output::write_sentences(w, rows)?;
                }
            }
            Event::SentenceCsv(bytes) => {
                if let Some(w) = sentences.as_mut() {
                    w.write_rendered(bytes)?;
                }
            }
            Event::Progress { documents } => {
                progress.update(documents, bytes_read.load(Ordering::Relaxed));
            }
        }
        Ok(())
    });
    progress.finish();
    let totals = match result {
        Ok(totals) => totals,
        Err(e) => return Err(interrupt::check().err().unwrap_or_else(|| e.into())),
    };

    let lex = pipeline.lexicons();
    let agg = &totals.aggregates;
    let windows_1252 = invalid_utf8.windows_1252_examples();
    let invalid = InvalidUtf8Summary {
        documents: invalid_utf8.documents(),
        sequences_replaced: invalid_utf8.sequences(),
        examples: invalid_utf8.examples(),
        example_entries: if split_by_file.is_some() {
            invalid_utf8.example_entries()
        } else {
            Vec::new()
        },
        documents_read_as_windows_1252: invalid_utf8.windows_1252_documents(),
        windows_1252_examples: windows_1252.iter().map(|(_, f)| f.clone()).collect(),
        windows_1252_entries: if split_by_file.is_some() {
            windows_1252.iter().map(|&(n, _)| n).collect()
        } else {
            Vec::new()
        },
    };
    let log = lock(&read_log).clone();
    let mut run_json = json!({
        "tool": "stance",
        "version": env!("CARGO_PKG_VERSION"),
        "command": std::env::args().collect::<Vec<_>>(),
        "inputs": a.inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "files_read": log.files,
        "files": log.first_files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "files_skipped_unknown_format": log
            .first_skipped
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>(),
        "output_directories_not_read": log
            .output_dirs
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>(),
        "period": period_name(a.period),
        "rollup": !a.no_rollup,
        "speaker": a.speaker,
        "speaker_field": a.speaker_field,
        "first_person": a.first_person,
        "shard": a.shard.map(|s| s.to_string()),
        "shard_by": a.shard.map(|_| a.shard_by.to_string()),
        "partial": a.partial,
        "documents_rejected": totals.rejected(),
        "rejects_by_reason": totals.rejects,
        "invalid_utf8": invalid,
        "elapsed_seconds": (totals.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        "threads": totals.threads,
        "readers": readers,
        "lexicons": lex.sources(),
        "noted_documents": noted_json(&totals.noted),
    });
    add_counts(&mut run_json, &agg.counters);

    // Everything is complete: now commit all files together. A signal that
    // arrives from here on waits for the commit (a few renames) to finish,
    // so the tables are either all new or all from the earlier run.
    let end_phase = interrupt::end_phase();
    interrupt::check()?;
    // `rejects` is None exactly with --partial.
    let done = match rejects {
        Some(rejects) => {
            let opts = TableOptions {
                cells,
                wide: wide_opts,
                xlsx: a.tables.xlsx,
            };
            // Two tables are written at once, by the run's own threads:
            // with --threads 1, one.
            let writers = rayon::ThreadPoolBuilder::new()
                .num_threads(totals.threads.clamp(1, 2))
                .build()
                .map_err(|e| anyhow::anyhow!("cannot start threads to write the tables: {e}"))?;
            writers.install(|| {
                output::write_tables(&a.output, lex, agg, &opts, rejects, sentences, &run_json)
            })?
        }
        None => {
            let header = PartialHeader {
                format: FORMAT.to_string(),
                format_version: FORMAT_VERSION,
                tool_version: env!("CARGO_PKG_VERSION").to_string(),
                shard: a.shard,
                settings: settings(&a),
                lexicons: lex.sources().iter().map(LexiconId::from).collect(),
                inputs: a.inputs.iter().map(|p| p.display().to_string()).collect(),
                stream: match split_by_file {
                    Some(summary) => summary,
                    None => lock(&stream).summary(),
                },
                invalid_utf8: invalid,
                sentences_file: a.sentences.then(|| SENTENCES_FILE.to_string()),
                raw_cells: cells.raw,
                counters: agg.counters,
                rejects_by_reason: totals
                    .rejects
                    .iter()
                    .map(|(k, v)| (k.clone(), v.into()))
                    .collect(),
            };
            let (actors, dyads) = Partial::rows(lex, agg);
            let part = Partial {
                header,
                actors,
                dyads,
                rejects: Vec::new(),
            };
            // partial.json last: when it is there, so is the rest.
            let mut done: Vec<_> = sentences
                .map(|w| w.finish())
                .transpose()?
                .into_iter()
                .collect();
            done.push(output::write_json(&a.output, RUN_FILE, &run_json)?);
            let spill = kept_rejects
                .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
                .ok_or_else(|| anyhow::anyhow!("a partial run keeps its rejects"))?;
            done.push(part.write_with_spill(&a.output, spill)?);
            done
        }
    };
    output::commit_all(done).context("writing the output tables")?;
    interrupt::committed();
    drop(end_phase);

    if totals.rejected() > 0 {
        let listed = if a.partial {
            format!(
                "listed in {} and, after `stance merge`, in rejects.csv",
                a.output.join(PARTIAL_FILE).display()
            )
        } else {
            format!("see {}", a.output.join(REJECTS_FILE).display())
        };
        let by_reason = totals.rejects.iter().map(|(k, v)| (k.as_str(), v.count));
        for line in rejects_warning(by_reason, &listed, totals.first_reject.as_deref()) {
            super::warn(&line);
        }
    }
    // A named file of unknown format is a usage error; inside a directory
    // such files are passed over (a corpus folder holds notes and
    // spreadsheets too), and the summary counts them. When nothing at all
    // was read (a folder of `.html` or `.doc` files, an empty input), the
    // tables would hold only their headers: say so, and why if files were
    // passed over.
    if totals.aggregates.counters.documents == 0 && totals.rejected() == 0 && a.shard.is_none() {
        let inputs = a
            .inputs
            .iter()
            .map(|p| match p.to_str() {
                Some("-") => "standard input".to_string(),
                _ => p.display().to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let why = match log.first_skipped.first() {
            Some(first) => format!(
                "; {} file(s) skipped as not {KNOWN_EXTENSIONS}, first {}, all listed in {}: give --format to read every file as one format",
                log.skipped,
                first.display(),
                a.output.join(RUN_FILE).display()
            ),
            None => String::new(),
        };
        super::warn(&format!(
            "stance: warning: no documents in {inputs}: the tables hold only their headers{why}"
        ));
    }
    let c = &totals.aggregates.counters;
    if c.documents > 0
        && c.undated_documents == c.documents
        && a.date.is_none()
        && let Some((field, value)) = date_like_field(&a.inputs, &options)
    {
        super::warn(&format!(
            "stance: note: no document has a date in field '{}', but field '{field}' holds dates \
             such as '{value}': give --date-field {field}",
            a.date_field
        ));
    }
    if invalid_utf8.windows_1252_documents() > 0 {
        super::warn(&format!(
            "stance: note: {} document(s) are not UTF-8 and were read as Windows-1252 (first: {}; see {})",
            invalid_utf8.windows_1252_documents(),
            windows_1252.first().map_or("", |(_, f)| f.as_str()),
            a.output.join(RUN_FILE).display()
        ));
    }
    if invalid_utf8.documents() > 0 {
        super::warn(&format!(
            "stance: warning: {} document(s) had invalid UTF-8: {} byte sequence(s) replaced by U+FFFD (first: {}; see {})",
            invalid_utf8.documents(),
            invalid_utf8.sequences(),
            invalid_utf8.examples().first().map_or("", String::as_str),
            a.output.join(RUN_FILE).display()
        ));
    }
    for line in document_notes(
        c,
        &period_name(a.period),
        a.speaker_field.as_deref().filter(|_| a.speaker.is_none()),
        Some(&totals.noted),
        pipeline.lexicons(),
        &a.output.join(RUN_FILE),
    ) {
        super::warn(&line);
    }
    if !a.quiet {
        // A closed stdout (`stance score ... | head -1`) ends here with an
        // io error that main.rs turns into exit 0: the tables are written.
        print_summary(
            &mut std::io::stdout().lock(),
            &a,
            pipeline.lexicons(),
            &totals,
            readers,
            &shard_note(a.shard, all_files, log.files),
            &log,
        )?;
    }
    Ok(())
}

/// `(shard 2/7)` or `(shard 2/7 by file: 3 of 20 files)` for the summary,
/// empty for a whole run.
fn shard_note(shard: Option<ShardSpec>, all_files: Option<u64>, read: u64) -> String {
    match (shard, all_files) {
        (Some(s), Some(all)) => format!(" (shard {s} by file: {read} of {all} files)"),
        (Some(s), None) => format!(" (shard {s})"),
        (None, _) => String::new(),
    }
}

/// Locks a mutex, also one a panicking thread left behind.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `month`, `week`, ...: a period kind as `--period` takes it.
pub fn period_name(kind: PeriodKind) -> String {
    format!("{kind:?}").to_lowercase()
}

/// The options that change what the tables hold, for partial.json.
fn settings(a: &Args) -> Settings {
    Settings {
        period: period_name(a.period),
        no_rollup: a.no_rollup,
        speaker: a.speaker.as_ref().map(|s| s.to_ascii_uppercase()),
        speaker_field: a.speaker_field.clone(),
        first_person: a.first_person,
        date: a.date.map(|d| d.to_string()),
        date_order: a.date_order.map(|o| o.to_string()),
        records_field: a.records_field.clone(),
        format: a.format.map(|f| f.to_string()),
        id_field: a.id_field.clone(),
        date_field: a.date_field.clone(),
        text_field: a.text_field.clone(),
        max_doc_bytes: a.max_doc_bytes as u64,
        shard_by: a.shard_by,
    }
}

/// Adds the run's counts to `run.json` (shared with `stance merge`).
pub fn add_counts(run_json: &mut serde_json::Value, c: &Counters) {
    let counts = json!({
        "documents_with_speaker": c.documents_with_speaker,
        "documents_with_unknown_speaker": c.unknown_speakers,
        "documents_without_speaker_field": c.no_speaker_field,
        "documents": c.documents,
        "undated_documents": c.undated_documents,
        "documents_dated_coarser_than_period": c.coarse_dated_documents,
        "sentences": c.sentences,
        "sentences_with_actors": c.sentences_with_actors,
        "sentences_with_source": c.sentences_with_source,
        "sentences_with_actors_by_label": {"conciliatory": c.conciliatory, "neutral": c.neutral, "hostile": c.hostile},
        "documents_with_markup_removed": c.markup_documents,
        "boilerplate_lines_dropped": c.boilerplate_lines,
        "repeated_lines_dropped": c.repeated_lines,
        "wrapped_line_breaks_joined": c.joined_lines,
        "long_sentences_cut": c.long_sentences_cut,
        "text_bytes": c.text_bytes,
    });
    if let (Some(run), serde_json::Value::Object(counts)) = (run_json.as_object_mut(), counts) {
        run.extend(counts);
    }
}

/// The warning about rejected records (shared with `stance merge`): how
/// many by reason class, where they are listed, the first in full, and for
/// ambiguous dates the option that reads them.
pub fn rejects_warning<'r>(
    by_reason: impl Iterator<Item = (&'r str, u64)>,
    listed: &str,
    first: Option<&str>,
) -> Vec<String> {
    let mut total = 0;
    let mut ambiguous_dates = false;
    let reasons: Vec<String> = by_reason
        .map(|(reason, count)| {
            total += count;
            ambiguous_dates |= reason == "ambiguous date";
            format!("{count} {reason}")
        })
        .collect();
    let mut lines = vec![format!(
        "stance: warning: {total} record(s) skipped ({}); {listed}",
        reasons.join(", ")
    )];
    lines.extend(first.map(|f| format!("  first: {f}")));
    if ambiguous_dates {
        lines.push(
            "stance: dates such as 08/01/2021 are read with --date-order dmy (8 January) or \
             --date-order mdy (August 1)"
                .to_string(),
        );
    }
    lines
}

/// The first documents of each kind of [`NotedDocuments`], for `run.json`.
fn noted_json(n: &NotedDocuments) -> serde_json::Value {
    json!({
        "unknown_speaker": n.unknown_speakers.iter().map(|u| json!({"value": u.value, "first_id": u.first_document, "documents": u.documents})).collect::<Vec<_>>(),
        "no_speaker_field": n.no_speaker_field,
        "long_sentences_cut": n.long_sentences_cut,
        "coarse_dates": n.coarse_dates.iter().map(|(id, date)| json!({"id": id, "date": date})).collect::<Vec<_>>(),
    })
}

/// Warnings and notes on documents that were scored, but perhaps not as
/// the user meant: a speaker field whose value is no actor id or that is
/// missing (such documents have no speaker, so their "we" is nobody's), and
/// text with no sentence end for more than [`MAX_SENTENCE_BYTES`] (scored
/// in pieces), and dates coarser than the period (their rows carry their
/// own date as the period: `2020` among the months). `speaker_field` is the field
/// when it was used; `noted` names the first documents (`stance merge` has
/// only the counts).
pub fn document_notes(
    c: &Counters,
    period: &str,
    speaker_field: Option<&str>,
    noted: Option<&NotedDocuments>,
    lex: &Lexicons,
    run_file: &std::path::Path,
) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(field) = speaker_field {
        if c.unknown_speakers > 0 {
            let examples = noted.map_or(String::new(), |n| {
                let listed: Vec<String> = n
                    .unknown_speakers
                    .iter()
                    .map(|u| {
                        let (value, first, n) = (&u.value, &u.first_document, u.documents);
                        let of = match n {
                            1 => format!("document {first}"),
                            _ => format!("{n} documents, first {first}"),
                        };
                        match actor_named(lex, value) {
                            Some(actor) => format!("'{value}' ({of}; that is {actor})"),
                            None => format!("'{value}' ({of})"),
                        }
                    })
                    .collect();
                // Documents with other values still.
                let shown: u64 = n.unknown_speakers.iter().map(|u| u.documents).sum();
                let more = if c.unknown_speakers > shown {
                    ", and other values"
                } else {
                    ""
                };
                format!(": {}{more}", listed.join(", "))
            });
            lines.push(format!(
                "stance: warning: {} document(s) whose '{field}' is neither an actor id nor an \
                 actor's name have no speaker{examples}. Give ids or names from the id and name \
                 columns of actors.csv, such as FRA or France (`stance lexicon export DIR` \
                 writes it)",
                c.unknown_speakers
            ));
        }
        if c.no_speaker_field > 0 {
            let first = noted
                .and_then(|n| n.no_speaker_field.first())
                .map_or(String::new(), |id| format!(" (first: document {id})"));
            lines.push(format!(
                "stance: warning: {} document(s) with no '{field}' (missing, empty or null) have \
                 no speaker{first}",
                c.no_speaker_field
            ));
        }
    }
    if c.coarse_dated_documents > 0 {
        let first = noted
            .and_then(|n| n.coarse_dates.first())
            .map_or(String::new(), |(id, date)| {
                format!(" (first: document {id}, dated {date})")
            });
        lines.push(format!(
            "stance: note: {} document(s) are dated more coarsely than --period {period}, so \
             their rows carry their own date as the period{first}",
            c.coarse_dated_documents
        ));
    }
    if c.long_sentences_cut > 0 {
        let first = noted
            .and_then(|n| n.long_sentences_cut.first())
            .map_or(String::new(), |id| format!(", first in document {id}"));
        lines.push(format!(
            "stance: note: {} stretch(es) of text ran over {MAX_SENTENCE_BYTES} bytes with no \
             sentence end and were scored in pieces cut at spaces{first}; see {}",
            c.long_sentences_cut,
            run_file.display()
        ));
    }
    lines
}

/// The id of the one actor that `value` names in full, by its name or an
/// alias ("Britain", "the DPRK"), for a hint.
fn actor_named(lex: &Lexicons, value: &str) -> Option<String> {
    let value = value.trim();
    if let Some(a) = lex
        .actors()
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(value))
    {
        return Some(a.id.clone());
    }
    match lex.find(value, None).actors.as_slice() {
        [hit] if hit.span == (0..value.len()) => Some(lex.actors()[hit.actor].id.clone()),
        _ => None,
    }
}

fn print_summary(
    out: &mut impl Write,
    a: &Args,
    lex: &Lexicons,
    totals: &RunTotals,
    readers: usize,
    shard: &str,
    log: &ReadLog,
) -> std::io::Result<()> {
    let c = &totals.aggregates.counters;
    let readers = if readers > 1 {
        format!(", {readers} readers")
    } else {
        String::new()
    };
    let secs = totals.elapsed.as_secs_f64();
    let mb = c.text_bytes as f64 / 1e6;
    writeln!(
        out,
        "Scored {} documents{shard}, {} sentences ({:.0}% naming an actor) in {} ({:.1} MB/s, {} threads{readers}).",
        c.documents,
        c.sentences,
        if c.sentences > 0 {
            100.0 * c.sentences_with_actors as f64 / c.sentences as f64
        } else {
            0.0
        },
        elapsed_text(secs),
        if secs > 0.0 { mb / secs } else { 0.0 },
        totals.threads
    )?;
    writeln!(
        out,
        "{}. Undated documents: {}.",
        label_counts(c),
        c.undated_documents
    )?;
    if let Some(first) = log.first_skipped.first() {
        writeln!(
            out,
            "Skipped {} file(s) in formats stance does not read (first {}; all listed in run.json).",
            log.skipped,
            first.display()
        )?;
    }
    if let Some(first) = log.output_dirs.first() {
        writeln!(
            out,
            "Did not read {} directory(ies) of earlier stance output inside the inputs (first {}; all listed in run.json).",
            log.output_dirs.len(),
            first.display()
        )?;
    }
    print_top_sources(out, lex, &totals.aggregates)?;
    if a.partial {
        writeln!(
            out,
            "\nPartial results written to {}; combine every shard's with `stance merge`.",
            a.output.join(PARTIAL_FILE).display()
        )
    } else {
        writeln!(out, "\nTables written to {}", a.output.display())
    }
}

/// A run's time for the summary: milliseconds under a second (a small
/// corpus is scored in a few, which `0.00 s` hid), else seconds.
fn elapsed_text(secs: f64) -> String {
    if secs < 0.9995 {
        format!("{:.0} ms", secs * 1000.0)
    } else {
        format!("{secs:.2} s")
    }
}

/// How the sentences naming an actor are labelled, for the summary
/// (shared with `stance merge`).
pub fn label_counts(c: &Counters) -> String {
    format!(
        "Sentences naming an actor: {} conciliatory, {} neutral, {} hostile",
        c.conciliatory, c.neutral, c.hostile
    )
}

/// The top actors as source with their net stance (shared with `stance merge`).
pub fn print_top_sources(
    out: &mut impl Write,
    lex: &Lexicons,
    agg: &Aggregates,
) -> std::io::Result<()> {
    let top = output::top_sources(lex, agg, 10);
    if !top.is_empty() {
        writeln!(
            out,
            "\nTop actors as source (net stance = (conciliatory - hostile) / sentences):"
        )?;
        for (id, name, n, net) in top {
            writeln!(
                out,
                "  {id:<10} {name:<28} {n:>8} sentences   net stance {net:+.2}"
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::elapsed_text;

    #[test]
    fn short_runs_are_timed_in_milliseconds() {
        assert_eq!(elapsed_text(0.0), "0 ms");
        assert_eq!(elapsed_text(0.0042), "4 ms");
        assert_eq!(elapsed_text(0.9994), "999 ms");
        // Where milliseconds would round up to 1000, seconds take over.
        assert_eq!(elapsed_text(0.9996), "1.00 s");
        assert_eq!(elapsed_text(2.137), "2.14 s");
    }
}
