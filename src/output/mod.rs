//! Stage 7: output — CSV tables and `run.json`, written atomically.
//!
//! Every file is first written to a hidden temporary file in the output
//! directory and renamed over its final name only when complete, and the
//! tables of a run are renamed together at the end: a crash or Ctrl-C never
//! leaves a half-written table, and tables from an earlier run stay intact
//! until the new ones are ready.
//!
//! CSV is UTF-8, RFC 4180, with a header row; rows are sorted; numbers have
//! fixed decimals (tone and stance with 4). Text cells that a spreadsheet
//! would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
//! return) get a leading `'`, unless raw cells are asked for.

pub mod partial;
pub mod svg;
pub mod wide;
pub mod xlsx;

use std::borrow::Cow;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::aggregate::{Aggregates, Period, Role};
use crate::decimal::{push_fixed, push_int};
use crate::error::{Error, Result};
use crate::lexicon::Lexicons;
use crate::pipeline::SentenceRow;

/// The per-actor table.
pub const ACTORS_FILE: &str = "actors.csv";
/// The per-dyad table.
pub const DYADS_FILE: &str = "dyads.csv";
/// The per-sentence table.
pub const SENTENCES_FILE: &str = "sentences.csv";
/// The run record.
pub const RUN_FILE: &str = "run.json";
/// Rejected records.
pub const REJECTS_FILE: &str = "rejects.csv";

/// Header of `actors.csv`.
pub const ACTORS_HEADER: [&str; 10] = [
    "period",
    "actor",
    "actor_name",
    "role",
    "sentences",
    "conciliatory",
    "neutral",
    "hostile",
    "mean_tone",
    "net_stance",
];
/// Header of `dyads.csv`.
pub const DYADS_HEADER: [&str; 9] = [
    "period",
    "source",
    "target",
    "sentences",
    "conciliatory",
    "neutral",
    "hostile",
    "mean_tone",
    "net_stance",
];
/// Header of `sentences.csv`.
pub const SENTENCES_HEADER: [&str; 10] = [
    "doc_id",
    "date",
    "sentence_no",
    "text",
    "tone",
    "label",
    "source",
    "targets",
    "actors",
    "evidence",
];
/// Header of `rejects.csv`.
pub const REJECTS_HEADER: [&str; 3] = ["input", "location", "reason"];

/// Neutralises a text cell a spreadsheet would evaluate as a formula, by
/// prefixing `'` (OWASP's advice for CSV injection).
///
/// ```
/// use stancemeter::output::safe_cell;
/// assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
/// assert_eq!(safe_cell("North Korea"), "North Korea");
/// ```
pub fn safe_cell(s: &str) -> Cow<'_, str> {
    if s == "-" {
        return Cow::Borrowed(s); // standard input's name, not a formula
    }
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// A number with four decimals, never "-0.0000": what `format!("{x:.4}")`
/// writes otherwise (see [`push_fixed`]).
pub fn fixed4(x: f64) -> String {
    let mut s = String::with_capacity(8);
    push_fixed4(&mut s, x);
    s
}

/// Appends `x` as [`fixed4`] writes it to `out`.
pub fn push_fixed4(out: &mut String, x: f64) {
    let start = out.len();
    push_fixed(out, x, 4, false);
    if &out[start..] == "-0.0000" {
        out.replace_range(start..start + 1, "");
    }
}

/// The numeric cells of a row, written into one buffer reused from row to
/// row: no allocation per cell (writing UNGDC's 93,000 rows made more than
/// half a million small strings).
#[derive(Debug, Default)]
struct NumCells {
    buf: String,
    ends: Vec<usize>,
}

impl NumCells {
    fn clear(&mut self) -> &mut Self {
        self.buf.clear();
        self.ends.clear();
        self
    }

    fn int(&mut self, n: u64) -> &mut Self {
        push_int(&mut self.buf, n);
        self.ends.push(self.buf.len());
        self
    }

    fn fixed4(&mut self, x: f64) -> &mut Self {
        push_fixed4(&mut self.buf, x);
        self.ends.push(self.buf.len());
        self
    }

    /// The cells written since the last `clear`.
    fn cells(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(a, &b)| &self.buf[a..b])
    }
}

/// The system's error under the one the `tempfile` crate makes of it, which
/// adds the temporary name (`No such file or directory (os error 2) at path
/// "out/.actors.csv.Ab3xYz.tmp"`): the user named the final file, and the
/// message names that.
pub(crate) fn without_temp_name(e: std::io::Error) -> std::io::Error {
    let text = e.to_string();
    match text.find(" at path ") {
        Some(at) if e.get_ref().is_some() => std::io::Error::new(e.kind(), &text[..at]),
        _ => e,
    }
}

/// A file written to a temporary name in its directory and renamed into
/// place by [`AtomicFile::commit`]. Dropped without commit, it is deleted.
#[derive(Debug)]
pub struct AtomicFile {
    tmp: BufWriter<NamedTempFile>,
    path: PathBuf,
}

impl AtomicFile {
    /// Starts `dir/name`.
    pub fn create(dir: &Path, name: &str) -> Result<AtomicFile> {
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| Error::io(dir.join(name), without_temp_name(e)))?;
        Ok(AtomicFile {
            tmp: BufWriter::with_capacity(1 << 16, tmp),
            path: dir.join(name),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes, syncs and renames into place.
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        let tmp = self
            .tmp
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;
        tmp.as_file().sync_all().map_err(|e| Error::io(&path, e))?;
        // Temporary files are created private (0600); a table is not.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::Permissions::from_mode(0o644);
            tmp.as_file()
                .set_permissions(mode)
                .map_err(|e| Error::io(&path, e))?;
        }
        tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
        Ok(())
    }

    /// The flushed temporary file, to read back a finished but uncommitted
    /// table (the xlsx writer re-reads `sentences.csv`).
    pub fn flushed_temp_path(&mut self) -> Result<&Path> {
        self.tmp.flush().map_err(|e| Error::io(&self.path, e))?;
        Ok(self.tmp.get_ref().path())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.flush()
    }
}

/// Creates the output directory, refusing to overwrite any of `files` in it
/// unless `force`.
pub fn prepare_dir(dir: &Path, files: &[&str], force: bool) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage(format!(
            "output '{}' exists and is not a directory",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    if !force {
        let existing: Vec<&str> = files
            .iter()
            .copied()
            .filter(|f| dir.join(f).exists())
            .collect();
        if !existing.is_empty() {
            return Err(Error::Usage(format!(
                "'{}' already holds {}; add --force to overwrite, or choose another -o",
                dir.display(),
                existing.join(", ")
            )));
        }
    }
    Ok(())
}

fn csv_err(path: &Path, e: csv::Error) -> Error {
    Error::Other(format!("{}: {e}", path.display()))
}

/// How text cells are written.
#[derive(Debug, Clone, Copy, Default)]
pub struct CellPolicy {
    /// Write text cells exactly as they are (no formula neutralising).
    pub raw: bool,
    /// Start every CSV with a UTF-8 byte-order mark (`--excel`), without
    /// which Excel reads UTF-8 as the local code page and garbles
    /// "Pyongyang’s" and non-Latin names.
    pub bom: bool,
}

impl CellPolicy {
    fn cell<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if self.raw {
            Cow::Borrowed(s)
        } else {
            safe_cell(s)
        }
    }
}

/// A CSV table being written to an [`AtomicFile`]: header first, then
/// rows, then [`CsvFile::finish`] and [`AtomicFile::commit`].
#[derive(Debug)]
pub struct CsvFile {
    sink: Sink,
    path: PathBuf,
    cells: CellPolicy,
}

/// Where a [`CsvFile`]'s bytes go: through a CSV writer, or (for rows
/// rendered elsewhere) straight into the file.
#[derive(Debug)]
enum Sink {
    Csv(Box<csv::Writer<AtomicFile>>),
    Raw(AtomicFile),
    /// A switch between the two failed.
    Broken,
}

impl CsvFile {
    /// Starts `dir/name` with its header row.
    pub fn create(dir: &Path, name: &str, header: &[&str], cells: CellPolicy) -> Result<CsvFile> {
        let mut file = AtomicFile::create(dir, name)?;
        let path = file.path().to_path_buf();
        if cells.bom {
            file.write_all("\u{feff}".as_bytes())
                .map_err(|e| Error::io(&path, e))?;
        }
        let mut f = CsvFile {
            sink: Sink::Csv(Box::new(csv::Writer::from_writer(file))),
            path,
            cells,
        };
        f.row(header.iter().copied())?;
        Ok(f)
    }

    /// A text cell as this file writes it (formula-safe unless raw).
    pub fn cell<'a>(&self, s: &'a str) -> Cow<'a, str> {
        self.cells.cell(s)
    }

    /// Writes one row.
    pub fn row<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) -> Result<()> {
        let (w, path) = self.csv()?;
        w.write_record(fields).map_err(|e| csv_err(path, e))
    }

    /// Writes rows already rendered as CSV (by [`render_sentences`]), after
    /// the rows written so far.
    pub fn write_rendered(&mut self, bytes: &[u8]) -> Result<()> {
        let path = &self.path;
        self.sink = match std::mem::replace(&mut self.sink, Sink::Broken) {
            Sink::Csv(w) => Sink::Raw(
                w.into_inner()
                    .map_err(|e| Error::io(path, e.into_error()))?,
            ),
            other => other,
        };
        match &mut self.sink {
            Sink::Raw(f) => f.write_all(bytes).map_err(|e| Error::io(path, e)),
            _ => Err(broken(path)),
        }
    }

    /// The CSV writer (back from writing raw bytes if need be) and the path.
    fn csv(&mut self) -> Result<(&mut csv::Writer<AtomicFile>, &Path)> {
        if let Sink::Raw(_) = self.sink
            && let Sink::Raw(f) = std::mem::replace(&mut self.sink, Sink::Broken)
        {
            self.sink = Sink::Csv(Box::new(csv::Writer::from_writer(f)));
        }
        match &mut self.sink {
            Sink::Csv(w) => Ok((w, &self.path)),
            _ => Err(broken(&self.path)),
        }
    }

    /// Finishes the file (still to be committed).
    pub fn finish(self) -> Result<AtomicFile> {
        let path = self.path;
        match self.sink {
            Sink::Csv(w) => w.into_inner().map_err(|e| Error::io(&path, e.into_error())),
            Sink::Raw(f) => Ok(f),
            Sink::Broken => Err(broken(&path)),
        }
    }
}

/// The error for a [`CsvFile`] whose switch between its writers failed.
fn broken(path: &Path) -> Error {
    Error::Other(format!(
        "{}: an earlier write failed, so nothing more can be written to it",
        path.display()
    ))
}

/// Writes `actors.csv` into an [`AtomicFile`] (not yet committed).
pub fn write_actors(
    dir: &Path,
    lex: &Lexicons,
    agg: &Aggregates,
    cells: CellPolicy,
) -> Result<AtomicFile> {
    let mut f = CsvFile::create(dir, ACTORS_FILE, &ACTORS_HEADER, cells)?;
    let id = |a: u32| lex.actors()[a as usize].id.as_str();
    let texts = ActorCells::new(lex, cells);
    write_rows(&mut f, &agg.sorted_actors(&id), |out, &(p, a, role, t)| {
        out.period(p);
        out.push(&texts.id_and_name[a as usize]);
        out.push(role.as_str());
        out.tally(&t);
    })?;
    f.finish()
}

/// Writes `dyads.csv` into an [`AtomicFile`] (not yet committed).
pub fn write_dyads(
    dir: &Path,
    lex: &Lexicons,
    agg: &Aggregates,
    cells: CellPolicy,
) -> Result<AtomicFile> {
    let mut f = CsvFile::create(dir, DYADS_FILE, &DYADS_HEADER, cells)?;
    let id = |a: u32| lex.actors()[a as usize].id.as_str();
    let texts = ActorCells::new(lex, cells);
    write_rows(&mut f, &agg.sorted_dyads(&id), |out, &(p, s, t, v)| {
        out.period(p);
        out.push(&texts.id[s as usize]);
        out.push(&texts.id[t as usize]);
        out.tally(&v);
    })?;
    f.finish()
}

/// Rows of `actors.csv` or `dyads.csv` rendered by one task.
const ROWS_PER_PART: usize = 4096;

/// Parts rendered at once, then written: the rows held as text at any
/// time (a few MB), however long the table.
const PARTS_AT_ONCE: usize = 8;

/// Writes `rows` to `f`, each rendered by `render` as the CSV writer would
/// write it. The rows are rendered in parts of [`ROWS_PER_PART`] by the
/// threads of the current pool, and written in order: with two threads,
/// the two long tables and the wide ones are shared between both rather
/// than one table a thread.
///
/// Only the text cells (period, actor id and name) go through the CSV
/// writer, each once (see [`ActorCells`]); the other cells are numbers and
/// roles, which never need quotes. Passing every cell of every row through
/// the CSV writer, which looks at each byte, was the largest cost of
/// writing the tables: about 20 ms each for UNGDC's, the part of a run no
/// second thread shared.
fn write_rows<R: Sync>(
    f: &mut CsvFile,
    rows: &[R],
    render: impl Fn(&mut RowText, &R) + Sync,
) -> Result<()> {
    use rayon::prelude::*;
    for group in rows.chunks(ROWS_PER_PART * PARTS_AT_ONCE) {
        let parts: Vec<String> = group
            .par_chunks(ROWS_PER_PART)
            .map(|part| {
                let mut out = RowText::default();
                for row in part {
                    render(&mut out, row);
                }
                out.line
            })
            .collect();
        for part in parts {
            f.write_rendered(part.as_bytes())?;
        }
    }
    Ok(())
}

/// Each actor's cells in the long tables, as the CSV writer writes them,
/// by actor index: its id's, and its id's and name's.
struct ActorCells {
    id: Vec<String>,
    id_and_name: Vec<String>,
}

impl ActorCells {
    fn new(lex: &Lexicons, cells: CellPolicy) -> ActorCells {
        let (id, id_and_name) = lex
            .actors()
            .iter()
            .map(|a| {
                let id = csv_field(&cells.cell(&a.id)).into_owned();
                let both = format!("{id},{}", csv_field(&cells.cell(&a.name)));
                (id, both)
            })
            .unzip();
        ActorCells { id, id_and_name }
    }
}

/// Rows being rendered, cell by cell.
#[derive(Default)]
struct RowText {
    /// The rows so far.
    line: String,
    /// The current period and its cell.
    period: Option<(Period, String)>,
}

impl RowText {
    /// Starts a row with its period's cell.
    fn period(&mut self, p: Period) {
        let cell = match &mut self.period {
            Some((q, cell)) if *q == p => cell,
            other => &other.insert((p, csv_field(&p.to_string()).into_owned())).1,
        };
        self.line.push_str(cell);
    }

    /// Adds a cell already rendered.
    fn push(&mut self, cell: &str) {
        self.line.push(',');
        self.line.push_str(cell);
    }

    /// Ends a row with a tally's numbers.
    fn tally(&mut self, t: &crate::aggregate::Tally) {
        let out = &mut self.line;
        for n in [t.sentences, t.conciliatory, t.neutral, t.hostile] {
            out.push(',');
            push_int(out, n);
        }
        out.push(',');
        push_fixed4(out, t.mean_tone());
        out.push(',');
        push_fixed4(out, t.net_stance());
        out.push('\n');
    }
}

/// `s` as the CSV writer writes it as a cell of a row: in quotes (its own
/// quotes doubled) when it holds a comma, a quote or a line break, else as
/// it is.
fn csv_field(s: &str) -> Cow<'_, str> {
    if !s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        return Cow::Borrowed(s);
    }
    // Written as the first cell of a row of two, the second empty, and cut
    // from that row: a field alone is not closed until the row ends.
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing into memory cannot fail.
    let _ = w.write_record([s, ""]);
    let row = match w.into_inner() {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => String::new(),
    };
    Cow::Owned(match row.strip_suffix(",\n") {
        Some(cell) => cell.to_string(),
        None => row,
    })
}

/// Starts `sentences.csv`.
pub fn sentences_file(dir: &Path, cells: CellPolicy) -> Result<CsvFile> {
    CsvFile::create(dir, SENTENCES_FILE, &SENTENCES_HEADER, cells)
}

/// Writes sentence rows to a file started by [`sentences_file`].
pub fn write_sentences(f: &mut CsvFile, rows: &[SentenceRow]) -> Result<()> {
    let cells = f.cells;
    let (w, path) = f.csv()?;
    sentence_rows(w, cells, rows).map_err(|e| csv_err(path, e))
}

/// Renders sentence rows into `out` exactly as [`write_sentences`] writes
/// them, for [`CsvFile::write_rendered`] to copy into the file.
///
/// The pipeline's worker threads render each document's rows this way (see
/// [`PipelineOptions::sentence_csv`](crate::pipeline::PipelineOptions::sentence_csv)),
/// so the one thread writing `sentences.csv` only copies bytes: rendering
/// there, and freeing on it every string the workers allocated, took a
/// sixth of a `--sentences` run's CPU time on one thread that the workers
/// waited for.
///
/// ```
/// use stancemeter::output::{CellPolicy, render_sentences};
/// use stancemeter::pipeline::SentenceRow;
/// use stancemeter::score::Label;
/// let row = SentenceRow {
///     doc_id: "d1".into(),
///     date: "2021-01-08".into(),
///     sentence_no: 1,
///     text: "Seoul said: \"no\", then +1.".into(),
///     tone: -0.25,
///     label: Label::Hostile,
///     source: "KOR".into(),
///     targets: vec!["PRK".into()],
///     actors: vec!["KOR".into(), "PRK".into()],
///     evidence: "-0.25".into(),
/// };
/// let mut out = Vec::new();
/// render_sentences(&[row], CellPolicy::default(), &mut out);
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "d1,2021-01-08,1,\"Seoul said: \"\"no\"\", then +1.\",-0.2500,hostile,KOR,PRK,KOR;PRK,'-0.25\n"
/// );
/// ```
pub fn render_sentences(rows: &[SentenceRow], cells: CellPolicy, out: &mut Vec<u8>) {
    let mut w = csv::WriterBuilder::new()
        .buffer_capacity(
            rows.iter()
                .map(|r| r.text.len() + r.evidence.len() + 64)
                .sum(),
        )
        .from_writer(out);
    // Writing into memory cannot fail.
    let _ = sentence_rows(&mut w, cells, rows).and_then(|()| Ok(w.flush()?));
}

/// The rows of `sentences.csv`, for [`write_sentences`] and
/// [`render_sentences`] alike.
fn sentence_rows<W: Write>(
    w: &mut csv::Writer<W>,
    cells: CellPolicy,
    rows: &[SentenceRow],
) -> csv::Result<()> {
    let mut nums = NumCells::default();
    let mut targets = String::new();
    let mut actors = String::new();
    for r in rows {
        join_into(&mut targets, r.targets.iter().map(String::as_str));
        join_into(&mut actors, r.actors.iter().map(String::as_str));
        let row = SentenceCells {
            doc_id: &r.doc_id,
            date: &r.date,
            sentence_no: r.sentence_no,
            text: &r.text,
            tone: r.tone,
            label: r.label,
            source: &r.source,
            targets: &targets,
            actors: &actors,
            evidence: &r.evidence,
        };
        sentence_record(w, cells, &mut nums, &row)?;
    }
    Ok(())
}

/// One row of `sentences.csv` as borrowed cells: a [`SentenceRow`] with
/// its actor ids already joined by `;`.
pub(crate) struct SentenceCells<'a> {
    pub doc_id: &'a str,
    pub date: &'a str,
    pub sentence_no: u32,
    pub text: &'a str,
    pub tone: f64,
    pub label: crate::score::Label,
    pub source: &'a str,
    pub targets: &'a str,
    pub actors: &'a str,
    pub evidence: &'a str,
}

/// Writes one row of `sentences.csv`: the one place its cells are made.
fn sentence_record<W: Write>(
    w: &mut csv::Writer<W>,
    cells: CellPolicy,
    nums: &mut NumCells,
    r: &SentenceCells<'_>,
) -> csv::Result<()> {
    let (id, text, ev) = (
        cells.cell(r.doc_id),
        cells.cell(r.text),
        cells.cell(r.evidence),
    );
    nums.clear().int(u64::from(r.sentence_no)).fixed4(r.tone);
    let mut n = nums.cells();
    let (no, tone) = (n.next().unwrap_or_default(), n.next().unwrap_or_default());
    w.write_record([
        &*id,
        r.date,
        no,
        &text,
        tone,
        r.label.as_str(),
        r.source,
        r.targets,
        r.actors,
        &ev,
    ])
}

/// A document's rows of `sentences.csv` rendered as the pipeline scores
/// its sentences, into a buffer: the bytes [`render_sentences`] makes of
/// the same rows, without a [`SentenceRow`] (eight strings) made and
/// dropped for each.
pub(crate) struct SentenceCsv<'o> {
    w: csv::Writer<&'o mut Vec<u8>>,
    cells: CellPolicy,
    nums: NumCells,
}

impl<'o> SentenceCsv<'o> {
    /// Rows to be appended to `out`.
    pub(crate) fn new(out: &'o mut Vec<u8>, cells: CellPolicy) -> SentenceCsv<'o> {
        SentenceCsv {
            w: csv::WriterBuilder::new()
                .buffer_capacity(64 * 1024)
                .from_writer(out),
            cells,
            nums: NumCells::default(),
        }
    }

    /// Appends one row.
    pub(crate) fn row(&mut self, r: &SentenceCells<'_>) {
        // Writing into memory cannot fail.
        let _ = sentence_record(&mut self.w, self.cells, &mut self.nums, r);
    }

    /// Writes out the rows still buffered.
    pub(crate) fn finish(mut self) {
        let _ = self.w.flush();
    }
}

/// `out = parts.join(";")`, reusing `out`.
pub(crate) fn join_into<'a>(out: &mut String, parts: impl IntoIterator<Item = &'a str>) {
    out.clear();
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(p);
    }
}

/// Starts `rejects.csv`: one row per record that could not be read.
pub fn rejects_file(dir: &Path, cells: CellPolicy) -> Result<CsvFile> {
    CsvFile::create(dir, REJECTS_FILE, &REJECTS_HEADER, cells)
}

/// Writes one reject to a file started by [`rejects_file`].
pub fn write_reject(f: &mut CsvFile, r: &crate::corpus::Reject) -> Result<()> {
    let cells = [
        f.cell(&r.input).into_owned(),
        f.cell(&r.location).into_owned(),
        f.cell(&r.reason).into_owned(),
    ];
    f.row(cells.iter().map(String::as_str))
}

/// Writes `run.json` into an [`AtomicFile`] (not yet committed).
pub fn write_json(dir: &Path, name: &str, value: &serde_json::Value) -> Result<AtomicFile> {
    let mut file = AtomicFile::create(dir, name)?;
    let path = file.path().to_path_buf();
    serde_json::to_writer_pretty(&mut file, value)
        .map_err(|e| Error::Other(format!("{}: {e}", path.display())))?;
    file.write_all(b"\n").map_err(|e| Error::io(&path, e))?;
    Ok(file)
}

/// How the tables of a run are rendered: the options `stance score` and
/// `stance merge` share.
#[derive(Debug, Clone, Default)]
pub struct TableOptions {
    /// Text cells and byte-order mark.
    pub cells: CellPolicy,
    /// What the wide tables (and the workbook's charts) show.
    pub wide: wide::WideOptions,
    /// Also write `stance.xlsx`.
    pub xlsx: bool,
}

/// The files a run writes into its output directory, for
/// [`prepare_dir`]: the tables, `rejects.csv` and `run.json`, plus
/// `sentences.csv` and `stance.xlsx` when asked for.
pub fn table_files(xlsx: bool, sentences: bool) -> Vec<&'static str> {
    let mut files = vec![
        ACTORS_FILE,
        DYADS_FILE,
        RUN_FILE,
        REJECTS_FILE,
        wide::STANCE_WIDE_FILE,
        wide::DYADS_WIDE_FILE,
    ];
    if sentences {
        files.push(SENTENCES_FILE);
    }
    if xlsx {
        files.push(xlsx::XLSX_FILE);
    }
    files
}

/// Writes every file of a finished run into [`AtomicFile`]s, not yet
/// committed, in the order to commit them: `actors.csv`, `dyads.csv`,
/// `rejects.csv` (its rows already written), the wide tables,
/// `stance.xlsx` (with `opts.xlsx`, its sentences sheet read back from
/// `sentences`), `sentences.csv` (when given) and `run.json`. `stance
/// score` and `stance merge` both call it, so equal aggregates give
/// byte-identical tables.
pub fn write_tables(
    dir: &Path,
    lex: &Lexicons,
    agg: &Aggregates,
    opts: &TableOptions,
    rejects: CsvFile,
    sentences: Option<CsvFile>,
    run_json: &serde_json::Value,
) -> Result<Vec<AtomicFile>> {
    // The two long tables and the wide ones at once: the workers are done,
    // and this is the one part of a run no other thread shares. (With two
    // threads, the wide tables and then `dyads.csv` take one while
    // `actors.csv`, the longest, takes the other.)
    let ((actors, dyads), wide) = rayon::join(
        || {
            rayon::join(
                || write_actors(dir, lex, agg, opts.cells),
                || write_dyads(dir, lex, agg, opts.cells),
            )
        },
        || wide::write_wide(dir, lex, agg, &opts.wide, opts.cells),
    );
    let mut done = vec![actors?, dyads?, rejects.finish()?];
    done.extend(wide?);
    let mut sentences = sentences.map(|w| w.finish()).transpose()?;
    if opts.xlsx {
        let back = match sentences.as_mut() {
            Some(f) => Some(f.flushed_temp_path()?.to_path_buf()),
            None => None,
        };
        done.push(xlsx::write_xlsx(
            dir,
            lex,
            agg,
            &opts.wide,
            back.as_deref(),
        )?);
    }
    done.extend(sentences);
    done.push(write_json(dir, RUN_FILE, run_json)?);
    Ok(done)
}

/// Renames finished files into place, in order.
pub fn commit_all(files: Vec<AtomicFile>) -> Result<()> {
    files.into_iter().try_for_each(AtomicFile::commit)
}

/// The actors with most sentences as source over the whole run, with their
/// net stance: `(id, name, sentences, net_stance)`.
pub fn top_sources(lex: &Lexicons, agg: &Aggregates, n: usize) -> Vec<(String, String, u64, f64)> {
    let mut per: std::collections::HashMap<u32, crate::aggregate::Tally> = Default::default();
    for ((_, a, role), t) in &agg.actors {
        if *role == Role::Source {
            per.entry(*a).or_default().merge(t);
        }
    }
    let mut v: Vec<_> = per.into_iter().collect();
    v.sort_by(|x, y| {
        y.1.sentences.cmp(&x.1.sentences).then_with(|| {
            lex.actors()[x.0 as usize]
                .id
                .cmp(&lex.actors()[y.0 as usize].id)
        })
    });
    v.into_iter()
        .take(n)
        .map(|(a, t)| {
            let actor = &lex.actors()[a as usize];
            (
                actor.id.clone(),
                actor.name.clone(),
                t.sentences,
                t.net_stance(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file that cannot be started is named as the user named it, with
    /// the system's reason, and no temporary name.
    #[test]
    fn a_file_that_cannot_be_created_is_named_by_its_own_name() {
        let d = tempfile::tempdir().unwrap();
        let missing = d.path().join("no-such-dir");
        let err = AtomicFile::create(&missing, "actors.csv").unwrap_err();
        let text = err.to_string();
        let want = format!("{}: ", missing.join("actors.csv").display());
        assert!(text.starts_with(&want), "{text}");
        assert!(
            !text.contains(".actors.csv.") && !text.contains("at path"),
            "{text}"
        );
        // The kind of the system's error is kept.
        match err {
            Error::Io { source, .. } => assert_eq!(source.kind(), std::io::ErrorKind::NotFound),
            e => panic!("not an I/O error: {e}"),
        }
        // Errors that carry no temporary name stay as they are.
        let plain = std::io::Error::from_raw_os_error(2);
        let text = plain.to_string();
        assert_eq!(without_temp_name(plain).to_string(), text);
    }

    #[test]
    fn formula_cells_are_neutralised() {
        for s in ["=1+1", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert!(safe_cell(s).starts_with('\''), "{s}");
        }
        assert_eq!(safe_cell(""), "");
        assert_eq!(safe_cell("Pyongyang’s"), "Pyongyang’s");
    }

    #[test]
    fn fixed_decimals_without_negative_zero() {
        assert_eq!(fixed4(-0.00001), "0.0000");
        assert_eq!(fixed4(0.5), "0.5000");
        assert_eq!(fixed4(-1.0 / 3.0), "-0.3333");
        // Ties of the decimal value go to even, as `format!` does them.
        assert_eq!(fixed4(0.00005), format!("{:.4}", 0.00005));
        assert_eq!(fixed4(1.03125), "1.0312");
        assert_eq!(fixed4(-1.03125), "-1.0312");
        assert_eq!(fixed4(2.5e11), "250000000000.0000");
        assert_eq!(fixed4(f64::NAN), "NaN");
    }

    /// What [`fixed4`] must write: `format!`, without negative zero.
    fn fixed4_reference(x: f64) -> String {
        let s = format!("{x:.4}");
        if s == "-0.0000" { "0.0000".into() } else { s }
    }

    proptest::proptest! {
        #[test]
        fn fixed4_writes_what_format_writes_for_any_value(x in proptest::num::f64::ANY) {
            proptest::prop_assert_eq!(fixed4(x), fixed4_reference(x));
        }

        #[test]
        fn fixed4_writes_what_format_writes_in_the_tables_range(x in -1.0f64..=1.0) {
            proptest::prop_assert_eq!(fixed4(x), fixed4_reference(x));
        }
    }

    #[test]
    fn atomic_file_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = AtomicFile::create(dir.path(), "t.csv").unwrap();
        f.write_all(b"a,b\n").unwrap();
        assert!(!dir.path().join("t.csv").exists());
        f.commit().unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("t.csv")).unwrap(),
            "a,b\n"
        );
        let mut g = AtomicFile::create(dir.path(), "u.csv").unwrap();
        g.write_all(b"partial").unwrap();
        drop(g);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["t.csv"]);
    }

    /// Rows with every kind of awkward cell: quotes, commas, line breaks,
    /// formula starts, non-ASCII text, empty lists, negative zero tone.
    fn awkward_rows() -> Vec<SentenceRow> {
        let row = |n: u32, id: &str, text: &str, tone: f64, ev: &str| SentenceRow {
            doc_id: id.into(),
            date: if n.is_multiple_of(2) {
                "2021-03".into()
            } else {
                String::new()
            },
            sentence_no: n,
            text: text.into(),
            tone,
            label: crate::score::Label::of(tone),
            source: if n.is_multiple_of(3) {
                String::new()
            } else {
                "PRK".into()
            },
            targets: (0..n % 3).map(|i| format!("T{i}")).collect(),
            actors: vec!["PRK".into(), "KOR".into()],
            evidence: ev.into(),
        };
        vec![
            row(
                1,
                "=HYPERLINK(\"x\")",
                "Seoul said \"no\", twice.",
                -0.5,
                "-2.0 threat",
            ),
            row(2, "a,b", "A line\nbreak and a \r return.", 0.0, "@x"),
            row(3, "-", "+1 for Pyongyang’s “talks”.", -0.00001, ""),
            row(4, "plain", "", 0.99999, "+ = −"),
            row(5, "\tx", "Ünïcödé, 北朝鮮.", 1.0, "a\"b"),
        ]
    }

    /// The default cell policy, raw cells, and a byte-order mark.
    const EVERY_CELL_POLICY: [CellPolicy; 3] = [
        CellPolicy {
            raw: false,
            bom: false,
        },
        CellPolicy {
            raw: true,
            bom: false,
        },
        CellPolicy {
            raw: false,
            bom: true,
        },
    ];

    /// Lexicons whose actors have ids and names that need quotes or a
    /// formula guard in a CSV cell, and tallies of them over several
    /// periods, with tones that round to ties, negative zero and whole
    /// numbers.
    fn awkward_tables() -> (Lexicons, Aggregates) {
        use crate::aggregate::Period;
        use crate::lexicon::LexiconTexts;
        use crate::score::Label;
        let mut texts = LexiconTexts::defaults();
        texts.actors = "id,name,kind,parent,alias,case,valid_from,valid_to\n\
            KOR,\"Korea, Republic of\",state,,Seoul,,,\n\
            PRK,\"The \"\"DPRK\"\"\",state,,Pyongyang,,,\n\
            -GRP,=cmd|' /C calc'!A0,group,,the Front,,,\n\
            UN,\"United\nNations\",organisation,,the UN,,,\n\
            ETA_2,Éta-Ünïcödé,state,,Étaland,,,\n"
            .to_string();
        let lex = Lexicons::from_texts(&texts).unwrap();
        let mut agg = Aggregates::default();
        let periods = [
            Period::Month(2021, 1),
            Period::Month(2021, 12),
            Period::Year(2020),
            Period::Undated,
            Period::Day(2021, 1, 8),
        ];
        let tones = [-500_000, 0, 50, -50, 333_333, 1_000_000, -2_500_000];
        let n = lex.actors().len() as u32;
        for (i, &p) in periods.iter().enumerate() {
            for (j, &tone) in tones.iter().enumerate() {
                let (s, t) = ((i + j) as u32 % n, (i * 2 + j + 1) as u32 % n);
                let label = Label::of(tone as f64 / 1e6);
                agg.add_sentence(p, label, tone, &[s], &[t], &[s, t], j % 3 == 0);
            }
        }
        (lex, agg)
    }

    #[test]
    fn table_rows_are_what_the_csv_writer_writes() {
        let (lex, agg) = awkward_tables();
        let id = |a: u32| lex.actors()[a as usize].id.as_str();
        for cells in EVERY_CELL_POLICY {
            let dir = tempfile::tempdir().unwrap();
            let read = |f: AtomicFile| {
                let path = f.path().to_path_buf();
                f.commit().unwrap();
                std::fs::read_to_string(path).unwrap()
            };
            // The reference: every cell through the CSV writer.
            let nums = |t: &crate::aggregate::Tally| {
                [t.sentences, t.conciliatory, t.neutral, t.hostile]
                    .map(|n| n.to_string())
                    .into_iter()
                    .chain([fixed4(t.mean_tone()), fixed4(t.net_stance())])
                    .collect::<Vec<String>>()
            };
            let mut f = CsvFile::create(dir.path(), "a.csv", &ACTORS_HEADER, cells).unwrap();
            for (p, a, role, t) in agg.sorted_actors(&id) {
                let actor = &lex.actors()[a as usize];
                let head = [
                    p.to_string(),
                    f.cell(&actor.id).into(),
                    f.cell(&actor.name).into(),
                ];
                let row = head
                    .into_iter()
                    .chain([role.as_str().into()])
                    .chain(nums(&t));
                let row: Vec<String> = row.collect();
                f.row(row.iter().map(String::as_str)).unwrap();
            }
            let want = read(f.finish().unwrap());
            assert!(want.contains("\"Korea, Republic of\""), "{want}");
            assert!(want.contains("\"United\nNations\""), "{want}");
            let got = read(write_actors(dir.path(), &lex, &agg, cells).unwrap());
            assert_eq!(got, want);

            let mut f = CsvFile::create(dir.path(), "d.csv", &DYADS_HEADER, cells).unwrap();
            for (p, s, t, v) in agg.sorted_dyads(&id) {
                let head = [p.to_string(), f.cell(id(s)).into(), f.cell(id(t)).into()];
                let row: Vec<String> = head.into_iter().chain(nums(&v)).collect();
                f.row(row.iter().map(String::as_str)).unwrap();
            }
            let want = read(f.finish().unwrap());
            assert!(want.lines().count() > 20, "{want}");
            let got = read(write_dyads(dir.path(), &lex, &agg, cells).unwrap());
            assert_eq!(got, want);
        }
    }

    #[test]
    fn rendered_sentences_are_what_the_writer_writes() {
        let rows = awkward_rows();
        for cells in EVERY_CELL_POLICY {
            let dir = tempfile::tempdir().unwrap();
            let read = |f: CsvFile| {
                let path = f.path.clone();
                f.finish().unwrap().commit().unwrap();
                std::fs::read(path).unwrap()
            };
            let mut written = sentences_file(dir.path(), cells).unwrap();
            write_sentences(&mut written, &rows).unwrap();
            let written = read(written);
            // Rendered in two parts, the way documents arrive, then a row
            // written by the CSV writer after them.
            let mut rendered =
                CsvFile::create(dir.path(), "r.csv", &SENTENCES_HEADER, cells).unwrap();
            for part in rows.chunks(3) {
                let mut bytes = Vec::new();
                render_sentences(part, cells, &mut bytes);
                rendered.write_rendered(&bytes).unwrap();
            }
            write_sentences(&mut rendered, &rows[..1]).unwrap();
            let rendered = read(rendered);
            let mut expected = written.clone();
            let first_row = written
                .iter()
                .position(|&b| b == b'\n')
                .map(|i| i + 1)
                .unwrap();
            let second_row = first_row
                + written[first_row..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .unwrap()
                + 1;
            expected.extend_from_slice(&written[first_row..second_row]);
            assert_eq!(
                String::from_utf8_lossy(&rendered),
                String::from_utf8_lossy(&expected)
            );
            // The writer quoted what needed quoting, so the rows read back.
            let mut r = csv::Reader::from_reader(&rendered[if cells.bom { 3 } else { 0 }..]);
            let back: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
            assert_eq!(back.len(), rows.len() + 1);
            assert_eq!(&back[1][3], "A line\nbreak and a \r return.");
            let id = if cells.raw {
                "=HYPERLINK(\"x\")"
            } else {
                "'=HYPERLINK(\"x\")"
            };
            assert_eq!(&back[0][0], id);
        }
    }

    #[test]
    fn prepare_dir_refuses_to_overwrite_without_force() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(ACTORS_FILE), "x").unwrap();
        let e = prepare_dir(dir.path(), &[ACTORS_FILE, DYADS_FILE], false).unwrap_err();
        assert!(
            e.to_string()
                .contains("already holds actors.csv; add --force"),
            "{e}"
        );
        prepare_dir(dir.path(), &[ACTORS_FILE], true).unwrap();
    }
}
