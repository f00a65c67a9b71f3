//! `stance merge`: add up the partial results of shards (`stance score
//! --shard I/N --partial`) into exactly the tables of a single run.
//!
//! Every number in a partial file is an integer sum, so adding them gives
//! the same aggregates as scoring the whole corpus at once, and the tables
//! are written by the same code as `stance score`'s: byte-identical.
//! Before adding anything the merge checks that the parts belong together
//! (same options, lexicons and inputs; each shard exactly once).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use serde_json::json;
use stancemeter::Error;
use stancemeter::aggregate::{Aggregates, PeriodKind};
use stancemeter::corpus::InvalidUtf8;
use stancemeter::lexicon::Lexicons;
use stancemeter::output::partial::{
    InvalidUtf8Summary, PARTIAL_FILE, Partial, PartialFile, PartialHeader, ReasonSummary, ShardBy,
    ShardSpec, SortedRejects, StreamSummary,
};
use stancemeter::output::wide;
use stancemeter::output::{
    self, CellPolicy, CsvFile, REJECTS_FILE, RUN_FILE, SENTENCES_HEADER, TableOptions,
};

use super::interrupt;
use super::progress::Progress;

const AFTER_HELP: &str = "\
Each PART is a partial.json written by `stance score --partial`, or the directory holding
one. The parts must be the shards 1/N ... N/N of one run: scored with the same options that
change the tables (--period, --no-rollup, --speaker, --date, field names, ...) and the same
--shard-by, the same lexicons (compared by SHA-256) and the same inputs (compared by a
fingerprint of every document id, or with --shard-by file of every file's name and size).
A shard given twice, a missing shard, or parts that do not belong together
are refused with the file and the difference named; --allow-incomplete writes tables from
the shards you have (run.json lists the missing ones).

Writes the same files as `stance score` (actors.csv, dyads.csv, stance_wide.csv,
dyads_wide.csv, rejects.csv, run.json; stance.xlsx with --xlsx), byte-identical to a single
run's tables; run.json lists the parts merged. With --sentences, sentences.csv is every
shard's sentences.csv (each shard scored with --sentences), shard 1 first, each in input
order.

Lexicons are needed to name the actors: the built-in ones, or --lexicons DIR with the same
files the shards used.

Examples:
  for i in 1 2 3; do stance score corpus/ --shard $i/3 --partial -o parts/$i -q; done
  stance merge parts/1 parts/2 parts/3 -o stance-out
  stance merge parts/*/partial.json -o out --excel --xlsx --wide-actors PRK,KOR,USA
  stance merge parts/* --lexicons my-lex -o out         shards scored with --lexicons my-lex";

/// Combine the partial results of shards into the tables of a single run.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Partial files (partial.json from `stance score --partial`), or directories holding one.
    #[arg(required = true, value_name = "PART")]
    parts: Vec<PathBuf>,

    /// Output directory.
    #[arg(short, long, value_name = "DIR", default_value = "stance-out")]
    output: PathBuf,

    /// Directory of lexicon files the shards were scored with (default: built-in);
    /// their checksums must match the shards'.
    #[arg(long, value_name = "DIR")]
    lexicons: Option<PathBuf>,

    /// Also write sentences.csv: the shards' sentences.csv (each scored with --sentences),
    /// shard by shard.
    #[arg(long)]
    sentences: bool,

    /// Write tables even if some shards are missing (a duplicate shard is always an error).
    #[arg(long)]
    allow_incomplete: bool,

    /// Overwrite tables already in the output directory.
    #[arg(long)]
    force: bool,

    #[command(flatten)]
    tables: super::TableArgs,

    /// No summary on the terminal.
    #[arg(short, long)]
    quiet: bool,
}

/// A partial file and where it was read from: its header and how many
/// rejects it has. Its rows are added to the merged aggregates as it is read
/// and then dropped, and its rejects go to a [`SortedRejects`], so a merge
/// holds one part's rows at a time, however many shards and rejects.
struct Part {
    file: PathBuf,
    header: PartialHeader,
    rejects: u64,
    /// The place in the input of each of the header's reject examples
    /// (`input: location`), to order the examples of all parts.
    example_seqs: HashMap<String, u64>,
}

impl Part {
    /// The shard, a whole run counting as shard 1/1.
    fn shard(&self) -> ShardSpec {
        self.header
            .shard
            .unwrap_or(ShardSpec { index: 1, count: 1 })
    }
}

fn usage(message: String) -> anyhow::Error {
    anyhow::Error::new(Error::Usage(message))
}

/// Runs `stance merge`.
pub fn run(a: Args) -> anyhow::Result<()> {
    let start = Instant::now();
    let lex = super::load_lexicons(a.lexicons.as_deref())?;
    // Read the parts one at a time: each is checked against the first and
    // its rows added up at once. Rows are added only while the lexicons fit
    // the first part; if they do not, `check_lexicons` below says so.
    let part_files: Vec<PathBuf> = a
        .parts
        .iter()
        .map(|p| partial_path(p))
        .collect::<anyhow::Result<_>>()?;
    let sizes: Vec<u64> = part_files.iter().map(|f| file_size(f)).collect();
    let progress = Progress::new(a.quiet, sizes.iter().sum(), "parts");
    let mut read = 0;
    let mut parts: Vec<Part> = Vec::with_capacity(a.parts.len());
    let mut agg = Aggregates::default();
    let mut lexicons_fit = false;
    // Rejects in input order: each carries its place in the whole input.
    let mut sorted_rejects = SortedRejects::new(SortedRejects::MERGE_LIMIT);
    for (file, size) in part_files.into_iter().zip(sizes) {
        read += size;
        let f = PartialFile::read(&file)?;
        let (rejects, example_seqs) = read_rejects(&f, &mut sorted_rejects)?;
        let PartialFile {
            header,
            actors,
            dyads,
            ..
        } = f;
        let part = Part {
            file,
            header,
            rejects,
            example_seqs,
        };
        match parts.first() {
            Some(first) => check_together(first, &part)?,
            None => lexicons_fit = check_lexicons(&lex, &part, None).is_ok(),
        }
        if lexicons_fit {
            Partial::add_rows(&lex, &mut agg, &part.header, &actors, &dyads)
                .map_err(|e| anyhow::anyhow!("{}: {e}", part.file.display()))?;
        }
        parts.push(part);
        progress.update(parts.len() as u64, read);
    }
    parts.sort_by_key(|p| p.shard().index);
    let missing = check_shards(&parts, a.allow_incomplete)?;

    check_lexicons(&lex, &parts[0], a.lexicons.as_deref())?;
    let settings = &parts[0].header.settings;
    let period: PeriodKind = settings
        .period
        .parse()
        .map_err(|e| anyhow::anyhow!("{}: {e}", parts[0].file.display()))?;
    let wide_opts = a.tables.wide(period);
    if let Some(ids) = &wide_opts.actors {
        wide::resolve_actors(&lex, ids)?;
    }
    if a.sentences {
        check_sentences(&parts, a.tables.raw_cells)?;
    }

    let files = output::table_files(a.tables.xlsx, a.sentences);
    output::prepare_dir(&a.output, &files, a.force)?;
    // From here on temporary files exist: SIGINT/SIGTERM stop the merge cleanly.
    interrupt::install(&a.output, &files)?;
    let cells = a.tables.cells();
    let mut rejects = output::rejects_file(&a.output, cells)?;
    let reread = |e: std::io::Error| anyhow::anyhow!("reading back the sorted rejects: {e}");
    // The first in input order, in full, for the warning.
    let mut first_reject = None;
    for (i, r) in sorted_rejects.into_sorted().map_err(reread)?.enumerate() {
        let r = r.map_err(reread)?.reject();
        if i == 0 {
            first_reject = Some(r.to_string());
        }
        output::write_reject(&mut rejects, &r)?;
        if (i + 1).is_multiple_of(4096) {
            interrupt::check()?;
        }
    }
    let sentences = if a.sentences {
        Some(merge_sentences(&a.output, &parts, cells, &progress)?)
    } else {
        None
    };
    progress.finish();

    let reasons = merge_reasons(&parts);
    let rejected: u64 = reasons.values().map(|r| r.count).sum();
    let first = &parts[0].header;
    let mut run_json = json!({
        "tool": "stance",
        "version": env!("CARGO_PKG_VERSION"),
        "command": std::env::args().collect::<Vec<_>>(),
        "merged_parts": parts.iter().map(|p| json!({
            "file": p.file.display().to_string(),
            "shard": p.header.shard.map(|s| s.to_string()),
            "inputs": p.header.inputs,
            "documents": p.header.counters.documents,
            "sentences": p.header.counters.sentences,
            "documents_rejected": p.rejects,
            "scored_by": p.header.tool_version,
        })).collect::<Vec<_>>(),
        "shards": parts[0].shard().count,
        "missing_shards": missing.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        "inputs": first.inputs,
        // Split by file, no part knows the totals: the merge does.
        "input_stream": if by_file(&parts) {
            StreamSummary {
                documents: agg.counters.documents,
                rejects: rejected,
                ..first.stream.clone()
            }
        } else {
            first.stream.clone()
        },
        "period": settings.period,
        "rollup": !settings.no_rollup,
        "speaker": settings.speaker,
        "speaker_field": settings.speaker_field,
        "first_person": settings.first_person,
        "documents_rejected": rejected,
        "rejects_by_reason": reasons,
        "invalid_utf8": if by_file(&parts) {
            InvalidUtf8Summary::combine(
                parts.iter().map(|p| &p.header.invalid_utf8),
                InvalidUtf8::MAX_EXAMPLES,
            )
        } else {
            first.invalid_utf8.clone()
        },
        "elapsed_seconds": (start.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        "lexicons": lex.sources(),
    });
    super::score::add_counts(&mut run_json, &agg.counters);
    let opts = TableOptions {
        cells,
        wide: wide_opts,
        xlsx: a.tables.xlsx,
    };
    // Commit all files together; a signal from here on waits for the
    // commit (a few renames), as in `stance score`.
    let end_phase = interrupt::end_phase();
    interrupt::check()?;
    let done = output::write_tables(&a.output, &lex, &agg, &opts, rejects, sentences, &run_json)?;
    output::commit_all(done).context("writing the output tables")?;
    interrupt::committed();
    drop(end_phase);

    if rejected > 0 {
        let listed = format!("see {}", a.output.join(REJECTS_FILE).display());
        let by_reason = reasons.iter().map(|(k, v)| (k.as_str(), v.count));
        for line in super::score::rejects_warning(by_reason, &listed, first_reject.as_deref()) {
            super::warn(&line);
        }
    }
    for line in super::score::document_notes(
        &agg.counters,
        &settings.period,
        settings
            .speaker_field
            .as_deref()
            .filter(|_| settings.speaker.is_none()),
        None,
        &lex,
        &a.output.join(RUN_FILE),
    ) {
        super::warn(&line);
    }
    if !a.quiet {
        let out = &mut std::io::stdout().lock();
        print_summary(out, &a, &parts, &missing, &lex, &agg)?;
    }
    Ok(())
}

/// The size of a file for the progress bar; 0 if it cannot be read (the
/// read itself then says why).
fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// The partial file of a PART argument: the file itself, or `partial.json`
/// in a directory.
fn partial_path(p: &Path) -> anyhow::Result<PathBuf> {
    if p.is_dir() {
        let file = p.join(PARTIAL_FILE);
        if !file.is_file() {
            return Err(usage(format!(
                "'{}' holds no {PARTIAL_FILE}: give the -o directory of `stance score --partial`, \
                 or the partial file itself",
                p.display()
            )));
        }
        Ok(file)
    } else if p.is_file() {
        Ok(p.to_path_buf())
    } else {
        Err(usage(format!("'{}' does not exist", p.display())))
    }
}

/// Refuses a part that is not from the same run as the first: another
/// tool version, other options, other lexicons, another number of shards,
/// other inputs.
fn check_together(first: &Part, p: &Part) -> anyhow::Result<()> {
    let a = &first.header;
    let b = &p.header;
    let (fa, fb) = (first.file.display(), p.file.display());
    let mut why = Vec::new();
    if a.tool_version != b.tool_version {
        why.push(format!(
            "{fb} was scored by stance {} but {fa} by stance {}",
            b.tool_version, a.tool_version
        ));
    }
    for (opt, theirs, ours) in b.settings.differences(&a.settings) {
        why.push(format!("{opt} is {theirs} in {fb} but {ours} in {fa}"));
    }
    for (x, y) in b.lexicons.iter().zip(&a.lexicons) {
        if x.file != y.file || x.sha256 != y.sha256 {
            why.push(format!(
                "lexicon {} differs: {fb} used {} (sha256 {:.12}…), {fa} used {} (sha256 {:.12}…)",
                x.file, x.origin, x.sha256, y.origin, y.sha256
            ));
        }
    }
    if why.is_empty() && p.shard().count != first.shard().count {
        why.push(format!(
            "{fb} is shard {} but {fa} is shard {}: all parts must split the run the same way",
            p.shard(),
            first.shard()
        ));
    }
    if why.is_empty() && b.stream != a.stream {
        why.push(format!(
            "they read different inputs ({} items in {fb}, {} in {fa}, or other document ids): \
             every shard must read the same inputs in the same order",
            b.stream.items, a.stream.items
        ));
    }
    if !why.is_empty() {
        return Err(usage(format!(
            "cannot merge {fb} with {fa}: {}; score every shard of a run with the same \
             options, lexicons and inputs",
            why.join("; ")
        )));
    }
    Ok(())
}

/// Checks that each shard 1..N is there exactly once (parts sorted by
/// shard), and that complete shards add up to the whole input. Returns the
/// missing shards (only with `allow_incomplete`).
fn check_shards(parts: &[Part], allow_incomplete: bool) -> anyhow::Result<Vec<ShardSpec>> {
    let count = parts[0].shard().count;
    for w in parts.windows(2) {
        if w[0].shard() == w[1].shard() {
            return Err(usage(format!(
                "shard {} is given twice: {} and {}; give each shard once",
                w[0].shard(),
                w[0].file.display(),
                w[1].file.display()
            )));
        }
    }
    let missing: Vec<ShardSpec> = (1..=count)
        .filter(|i| !parts.iter().any(|p| p.shard().index == *i))
        .map(|index| ShardSpec { index, count })
        .collect();
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|s| s.to_string()).collect();
        let message = format!(
            "missing shard(s) {} ({} of {count} given)",
            list.join(", "),
            parts.len()
        );
        if !allow_incomplete {
            return Err(usage(format!(
                "{message}: merge every shard's partial.json, or add --allow-incomplete to \
                 write tables from the shards you have"
            )));
        }
        super::warn(&format!(
            "stance: warning: {message}; the tables cover only part of the input"
        ));
        return Ok(missing);
    }
    // Split by file, no shard knows the others' counts: each file is in
    // exactly one shard by construction, and the fingerprint of the entry
    // list (checked to agree) is all there is to check.
    if by_file(parts) {
        return Ok(Vec::new());
    }
    // Each document and reject is counted by exactly one shard.
    let stream = &parts[0].header.stream;
    let documents: u64 = parts.iter().map(|p| p.header.counters.documents).sum();
    let rejects: u64 = parts.iter().map(|p| p.rejects).sum();
    if (documents, rejects) != (stream.documents, stream.rejects) {
        return Err(anyhow::anyhow!(
            "the shards do not add up: they scored {documents} documents and rejected {rejects} \
             records, but their inputs hold {} and {}; score the shards again with this stance",
            stream.documents,
            stream.rejects
        ));
    }
    Ok(Vec::new())
}

/// Whether the parts split their run by input file (`--shard-by file`); all
/// parts agree, or the merge has stopped.
fn by_file(parts: &[Part]) -> bool {
    parts[0].header.settings.shard_by == ShardBy::File
}

/// Checks that `lex` are the lexicons the parts were scored with.
fn check_lexicons(lex: &Lexicons, first: &Part, dir: Option<&Path>) -> anyhow::Result<()> {
    let ours = lex.sources();
    let theirs = &first.header.lexicons;
    let same = ours.len() == theirs.len()
        && ours
            .iter()
            .zip(theirs)
            .all(|(x, y)| x.file == y.file && x.sha256 == y.sha256);
    if same {
        return Ok(());
    }
    let used: Vec<String> = theirs
        .iter()
        .map(|l| format!("{} from {}", l.file, l.origin))
        .collect();
    let given = dir.map_or("the built-in lexicons".to_string(), |d| {
        format!("the lexicons in {}", d.display())
    });
    Err(usage(format!(
        "{} was scored with other lexicons than {given} ({}): pass --lexicons DIR with the \
         files the shards used",
        first.file.display(),
        used.join(", ")
    )))
}

/// With `--sentences`: every part has its sentences.csv, written with the
/// same `--raw-cells` as this merge.
fn check_sentences(parts: &[Part], raw_cells: bool) -> anyhow::Result<()> {
    for p in parts {
        let h = &p.header;
        if h.sentences_file.is_none() {
            return Err(usage(format!(
                "{} was scored without --sentences: score that shard again with --sentences, \
                 or merge without --sentences",
                p.file.display()
            )));
        }
        if h.raw_cells != raw_cells {
            let (with, without) = if h.raw_cells {
                ("", "out")
            } else {
                ("out", "")
            };
            return Err(usage(format!(
                "{}: its sentences.csv was written with{with} --raw-cells, but this merge is \
                 with{without} it; give --raw-cells to both or to neither",
                p.file.display()
            )));
        }
    }
    Ok(())
}

/// `sentences.csv`: the parts' sentence rows, shard by shard, copied as
/// written (each row already formula-safe or raw, as the shard wrote it).
fn merge_sentences(
    dir: &Path,
    parts: &[Part],
    cells: CellPolicy,
    progress: &Progress,
) -> anyhow::Result<CsvFile> {
    let mut out = output::sentences_file(dir, cells)?;
    let paths: Vec<PathBuf> = parts
        .iter()
        .map(|p| {
            let name = p.header.sentences_file.as_deref().unwrap_or("");
            p.file.parent().unwrap_or(Path::new(".")).join(name)
        })
        .collect();
    progress.grow(paths.iter().map(|p| file_size(p)).sum());
    // The count stays at the parts read; the bytes of their rows move on.
    for (p, path) in parts.iter().zip(&paths) {
        let damaged = |what: String| {
            anyhow::anyhow!(
                "{}: {what}; it is not the sentences.csv of {}: score that shard again",
                path.display(),
                p.file.display()
            )
        };
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let mut r = csv::Reader::from_reader(std::io::BufReader::new(file));
        let header = r
            .headers()
            .map_err(|e| damaged(e.to_string()))?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}'))
            .collect::<Vec<_>>();
        if header != SENTENCES_HEADER {
            return Err(damaged(format!("unexpected header {}", header.join(","))));
        }
        let (mut rows, mut shown) = (0u64, 0u64);
        let mut rec = csv::StringRecord::new();
        while r
            .read_record(&mut rec)
            .map_err(|e| damaged(e.to_string()))?
        {
            out.row(rec.iter())?;
            rows += 1;
            // Millions of rows take a while: show it, and stop soon after
            // a signal.
            if rows.is_multiple_of(4096) {
                interrupt::check()?;
                let at = r.position().byte();
                progress.advance(parts.len() as u64, at - shown);
                shown = at;
            }
        }
        progress.advance(parts.len() as u64, r.position().byte() - shown);
        let expected = p.header.counters.sentences;
        if rows != expected {
            return Err(damaged(format!(
                "{rows} rows, but the partial counted {expected} sentences"
            )));
        }
    }
    Ok(out)
}

/// Passes the rejects of `f` to `sorted`; returns how many there are and
/// the place in the input of each of the header's examples.
fn read_rejects(
    f: &PartialFile,
    sorted: &mut SortedRejects,
) -> anyhow::Result<(u64, HashMap<String, u64>)> {
    let examples: HashSet<&String> = f
        .header
        .rejects_by_reason
        .values()
        .flat_map(|s| &s.examples)
        .collect();
    let (mut count, mut seqs) = (0, HashMap::new());
    f.rejects(|r| {
        count += 1;
        // The examples are a part's first rejects of each reason: once all
        // are placed, the rest need no look-up (nor a string built).
        if seqs.len() < examples.len() {
            let place = r.place();
            if examples.contains(&place) {
                seqs.entry(place).or_insert(r.seq);
            }
        }
        sorted
            .push(r)
            .map_err(|e| format!("cannot write rejects to a temporary file (TMPDIR): {e}"))
    })?;
    Ok((count, seqs))
}

/// Rejects by reason over all parts: counts added, the first examples in
/// input order.
fn merge_reasons(parts: &[Part]) -> BTreeMap<String, ReasonSummary> {
    let mut merged: BTreeMap<String, (u64, Vec<(u64, String)>)> = BTreeMap::new();
    for p in parts {
        // An example is `input: location`; its place in the input orders it.
        let seq_of = &p.example_seqs;
        for (reason, summary) in &p.header.rejects_by_reason {
            let e = merged.entry(reason.clone()).or_default();
            e.0 += summary.count;
            e.1.extend(
                summary
                    .examples
                    .iter()
                    .map(|x| (seq_of.get(x).copied().unwrap_or(u64::MAX), x.clone())),
            );
        }
    }
    merged
        .into_iter()
        .map(|(reason, (count, mut examples))| {
            examples.sort();
            examples.truncate(5);
            let examples = examples.into_iter().map(|(_, x)| x).collect();
            (reason, ReasonSummary { count, examples })
        })
        .collect()
}

fn print_summary(
    out: &mut impl std::io::Write,
    a: &Args,
    parts: &[Part],
    missing: &[ShardSpec],
    lex: &Lexicons,
    agg: &Aggregates,
) -> std::io::Result<()> {
    let c = &agg.counters;
    let count = parts[0].shard().count;
    let incomplete = if missing.is_empty() {
        String::new()
    } else {
        format!(", {} MISSING", missing.len())
    };
    writeln!(
        out,
        "Merged {} of {count} shard(s){incomplete}: {} documents, {} sentences.\n{}.",
        parts.len(),
        c.documents,
        c.sentences,
        super::score::label_counts(c),
    )?;
    super::score::print_top_sources(out, lex, agg)?;
    writeln!(out, "\nTables written to {}", a.output.display())
}
