//! Stage 1: read a corpus into [`Document`]s.
//!
//! Inputs are files or directories (walked recursively, in sorted order so a
//! run is reproducible) or `-` for standard input. Formats are chosen by file
//! extension, after stripping an optional `.gz`:
//!
//! * `.txt` — one document per file. Its id is the path relative to the
//!   input root; its date is `--date`, else a `YYYY-MM-DD` or `YYYYMMDD` found
//!   in the path, else none.
//! * `.jsonl` / `.ndjson` — one JSON object per line, fields `id`, `date`,
//!   `text` by default (renamable); other scalar fields are kept in
//!   [`Document::fields`].
//! * `.csv` / `.tsv` — a header row, then one record per row, same fields.
//!
//! Reading is streaming: [`Corpus`] is an iterator that holds one file open at
//! a time and never the whole corpus. A bad record (not JSON, no text field,
//! an unreadable date, too big) does not stop the run: it is yielded as a
//! [`Reject`] naming the file and line, for the caller to count and report.

mod date;

pub use date::DocDate;

use crate::error::{Error, Result};
use flate2::read::MultiGzDecoder;
use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The default for [`ReadOptions::max_doc_bytes`]: 32 MiB.
pub const DEFAULT_MAX_DOC_BYTES: usize = 32 * 1024 * 1024;

/// The longest stretch of a bad value quoted back in a [`Reject`] reason.
const QUOTE_MAX_CHARS: usize = 60;

/// One document of the corpus.
///
/// ```
/// use stancemeter::corpus::{DocDate, Document};
///
/// let doc = Document {
///     id: "kcna-1".into(),
///     date: DocDate::parse("2021-01-08"),
///     text: "The delegation arrived.".into(),
///     fields: Default::default(),
/// };
/// assert_eq!(doc.date.map(|d| d.year), Some(2021));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The document's id: the id field of a record, else `<file>:<line>`
    /// (JSONL) or `<file>:<record>` (CSV); for `.txt` the path relative to
    /// the input root.
    pub id: String,
    /// The document's date, as precise as the source gives it.
    pub date: Option<DocDate>,
    /// The document's text.
    pub text: String,
    /// Other scalar fields of a JSONL/CSV record (strings; numbers and bools
    /// rendered as text), e.g. `country_iso3`; empty for .txt. JSON `null`s
    /// and empty CSV cells are left out.
    pub fields: BTreeMap<String, String>,
}

/// A record that could not be read; the run counts and reports it instead of
/// stopping.
///
/// ```
/// use stancemeter::corpus::Reject;
///
/// let r = Reject {
///     input: "news.jsonl".into(),
///     location: "line 12".into(),
///     reason: "no text field 'body' (use --text-field to name it)".into(),
/// };
/// assert_eq!(
///     r.to_string(),
///     "news.jsonl: line 12: no text field 'body' (use --text-field to name it)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// The input file, as given or as walked (`-` for standard input).
    pub input: String,
    /// Where in the file: `line 12` (JSONL, 1-based), `record 5 (line 7)`
    /// (CSV, data records counted from 1), or empty for the whole file.
    pub location: String,
    /// What is wrong, short and specific.
    pub reason: String,
}

impl fmt::Display for Reject {
    /// `input: location: reason`, or `input: reason` for a whole file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}: {}", self.input, self.reason)
        } else {
            write!(f, "{}: {}: {}", self.input, self.location, self.reason)
        }
    }
}

impl From<Reject> for Error {
    /// A reject as a run-stopping [`Error::Record`] (for `--strict`).
    fn from(r: Reject) -> Error {
        Error::Record {
            input: r.input,
            location: r.location,
            reason: r.reason,
        }
    }
}

/// The format of an input file.
///
/// ```
/// use std::path::Path;
/// use stancemeter::corpus::Format;
///
/// assert_eq!(Format::from_path(Path::new("ungdc.jsonl.gz")), Some(Format::Jsonl));
/// assert_eq!(Format::from_path(Path::new("a/b.TXT")), Some(Format::Txt));
/// assert_eq!(Format::from_path(Path::new("README.md")), None);
/// assert_eq!("tsv".parse::<Format>(), Ok(Format::Tsv));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text, one document per file.
    Txt,
    /// JSON Lines, one object per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
}

impl Format {
    /// From a path's extension after stripping `.gz` (case-insensitive):
    /// txt/text → Txt, jsonl/ndjson/json → Jsonl, csv → Csv, tsv/tab → Tsv.
    /// `None` for anything else.
    pub fn from_path(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        let ext = Path::new(name).extension()?.to_str()?;
        Format::from_name(ext)
    }

    /// A format name or extension, lower case.
    fn from_name(name: &str) -> Option<Format> {
        match name {
            "txt" | "text" => Some(Format::Txt),
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            "tsv" | "tab" => Some(Format::Tsv),
            _ => None,
        }
    }

    /// The format's name, as accepted by `--format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
        }
    }
}

impl fmt::Display for Format {
    /// The format's name: `txt`, `jsonl`, `csv` or `tsv`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    /// `txt`, `jsonl`, `ndjson`, `csv`, `tsv` (and the other extensions of
    /// [`Format::from_path`]), case-insensitive.
    fn from_str(s: &str) -> std::result::Result<Format, String> {
        Format::from_name(&s.trim().to_ascii_lowercase()).ok_or_else(|| {
            format!("unknown format '{s}' (expected txt, jsonl, ndjson, csv or tsv)")
        })
    }
}

/// How to read the inputs.
///
/// ```
/// use stancemeter::corpus::ReadOptions;
///
/// let options = ReadOptions { text_field: "body".into(), ..ReadOptions::default() };
/// assert_eq!(options.id_field, "id");
/// assert_eq!(options.max_doc_bytes, 32 * 1024 * 1024);
/// ```
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Forces the format of every file read, including files found in
    /// directories (which are then all read, whatever their extension).
    /// Required for standard input (`-`).
    pub format: Option<Format>,
    /// The field or column holding the document id (default `id`).
    pub id_field: String,
    /// The field or column holding the date (default `date`).
    pub date_field: String,
    /// The field or column holding the text (default `text`).
    pub text_field: String,
    /// The date of documents that carry none (`--date`). For `.txt` it
    /// overrides a date found in the path; a record's own date field wins
    /// over it.
    pub date: Option<DocDate>,
    /// The largest document (a `.txt` file, a JSONL line, a CSV record) read;
    /// a bigger one is rejected (default 32 MiB).
    pub max_doc_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            format: None,
            id_field: "id".to_string(),
            date_field: "date".to_string(),
            text_field: "text".to_string(),
            date: None,
            max_doc_bytes: DEFAULT_MAX_DOC_BYTES,
        }
    }
}

/// One file to read.
#[derive(Debug, Clone)]
struct InputFile {
    /// The path to open; `-` for stdin.
    path: PathBuf,
    /// The name used in ids: the path relative to a directory input (with
    /// `/` separators), or the path as given.
    name: String,
    format: Format,
    /// Gzip-compressed (by extension; sniffed for stdin).
    gzip: bool,
    stdin: bool,
    /// On-disk size when the corpus was opened.
    size: u64,
}

/// What the iterator goes through: files, and problems found while walking.
#[derive(Debug, Clone)]
enum Entry {
    File(usize),
    Reject(Reject),
}

/// A streaming reader over all inputs: an iterator of documents and rejects,
/// in a deterministic order (inputs in the order given; files inside a
/// directory walked recursively and sorted by path; records in file order).
///
/// It holds one file open at a time, and is `Send` so that it can read on a
/// thread of its own.
///
/// ```
/// use stancemeter::corpus::{Corpus, ReadOptions};
///
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("2021-01-08-talks.txt"), "Talks resumed.")?;
/// std::fs::write(
///     dir.path().join("wire.jsonl"),
///     "{\"id\": \"w1\", \"date\": \"Jan. 9, 2021\", \"text\": \"A ship docked.\", \"desk\": \"asia\"}\n\
///      not json\n",
/// )?;
/// std::fs::write(dir.path().join("README.md"), "about this folder")?;
///
/// let corpus = Corpus::open(&[dir.path().to_path_buf()], ReadOptions::default())?;
/// assert_eq!(corpus.files().len(), 2);
/// assert_eq!(corpus.skipped_files().len(), 1); // README.md
/// let items: Vec<_> = corpus.collect();
///
/// let first = items[0].as_ref().unwrap();
/// assert_eq!(first.id, "2021-01-08-talks.txt");
/// assert_eq!(first.date.unwrap().to_string(), "2021-01-08");
/// let second = items[1].as_ref().unwrap();
/// assert_eq!((second.id.as_str(), second.fields["desk"].as_str()), ("w1", "asia"));
/// let reject = items[2].as_ref().unwrap_err();
/// assert_eq!(reject.location, "line 2");
/// assert!(reject.reason.starts_with("not valid JSON"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Corpus {
    options: ReadOptions,
    inputs: Vec<InputFile>,
    files: Vec<PathBuf>,
    skipped: Vec<PathBuf>,
    entries: VecDeque<Entry>,
    total_bytes: u64,
    bytes_read: Arc<AtomicU64>,
    current: Option<Open>,
}

/// The file being read.
struct Open {
    /// Index into `Corpus::inputs`.
    input: usize,
    /// `bytes_read` when the file was opened.
    bytes_at_start: u64,
    source: Source,
}

/// The state of reading one file.
enum Source {
    /// A file that gives one item (a `.txt` document, or a reject for the
    /// whole file), still to be yielded.
    One(Option<std::result::Result<Document, Reject>>),
    Jsonl(JsonlSource),
    Csv(Box<CsvSource>),
    /// Nothing left to read in this file.
    Done,
}

impl Corpus {
    /// Resolves the inputs.
    ///
    /// Each path must exist, else `Err(Error::Usage)`. Directories are walked
    /// recursively in sorted order, following symbolic links (a link loop is
    /// reported as a [`Reject`], not followed). Inside a directory, hidden
    /// files and directories (names starting with `.`) are skipped, and so
    /// are files of unknown format (`README.md`), which are listed in
    /// [`skipped_files`](Corpus::skipped_files). A file named explicitly with
    /// an unknown extension and no `options.format` is an `Err(Error::Usage)`.
    /// `-` means standard input and needs `options.format`.
    ///
    /// ```
    /// use stancemeter::corpus::{Corpus, ReadOptions};
    ///
    /// let err = Corpus::open(&["no/such/dir".into()], ReadOptions::default()).err().unwrap();
    /// assert_eq!(err.to_string(), "input 'no/such/dir' does not exist");
    /// ```
    pub fn open(inputs: &[PathBuf], options: ReadOptions) -> Result<Corpus> {
        let mut corpus = Corpus {
            options,
            inputs: Vec::new(),
            files: Vec::new(),
            skipped: Vec::new(),
            entries: VecDeque::new(),
            total_bytes: 0,
            bytes_read: Arc::new(AtomicU64::new(0)),
            current: None,
        };
        for input in inputs {
            corpus.add_input(input)?;
        }
        corpus.total_bytes = corpus.inputs.iter().map(|f| f.size).sum();
        Ok(corpus)
    }

    /// The files that will be read, in order (`-` for standard input).
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Files inside directories that were skipped because their format is
    /// unknown.
    pub fn skipped_files(&self) -> &[PathBuf] {
        &self.skipped
    }

    /// Total on-disk bytes of all input files (the compressed size for `.gz`;
    /// 0 for standard input).
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// A shared counter of on-disk bytes consumed so far, for a progress bar;
    /// it reaches [`total_bytes`](Corpus::total_bytes) when reading is done.
    pub fn bytes_read(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.bytes_read)
    }

    fn add_input(&mut self, input: &Path) -> Result<()> {
        let shown = input.to_string_lossy().into_owned();
        if input == Path::new("-") {
            let format = self.options.format.ok_or_else(|| {
                Error::Usage(
                    "reading standard input ('-') needs --format (txt, jsonl, csv or tsv)"
                        .to_string(),
                )
            })?;
            self.push_file(InputFile {
                path: input.to_path_buf(),
                name: "-".to_string(),
                format,
                gzip: false,
                stdin: true,
                size: 0,
            });
            return Ok(());
        }
        let meta = match std::fs::metadata(input) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(Error::Usage(format!("input '{shown}' does not exist")));
            }
            Err(e) => return Err(Error::io(input, e)),
        };
        if meta.is_dir() {
            return self.add_dir(input);
        }
        let format = match self.options.format.or_else(|| Format::from_path(input)) {
            Some(format) => format,
            None => {
                return Err(Error::Usage(format!(
                    "input '{shown}' has an unknown format (expected .txt, .jsonl, .ndjson, \
                     .csv or .tsv, optionally .gz); use --format to name it"
                )));
            }
        };
        self.push_file(InputFile {
            path: input.to_path_buf(),
            name: shown,
            format,
            gzip: is_gz(input),
            stdin: false,
            size: meta.len(),
        });
        Ok(())
    }

    fn add_dir(&mut self, root: &Path) -> Result<()> {
        let walk = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walk {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let path = e.path().unwrap_or(root).to_string_lossy().into_owned();
                    let reason = match (e.loop_ancestor(), e.io_error()) {
                        (Some(ancestor), _) => format!(
                            "symbolic link loop back to '{}', not followed",
                            ancestor.display()
                        ),
                        (None, Some(io))
                            if io.kind() == io::ErrorKind::NotFound
                                && e.path().is_some_and(Path::is_symlink) =>
                        {
                            "broken symbolic link (its target does not exist)".to_string()
                        }
                        (None, Some(io)) => format!("cannot read: {}", describe_io(io)),
                        (None, None) => format!("cannot read: {e}"),
                    };
                    self.entries.push_back(Entry::Reject(Reject {
                        input: path,
                        location: String::new(),
                        reason,
                    }));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.path();
            let Some(format) = self.options.format.or_else(|| Format::from_path(path)) else {
                self.skipped.push(path.to_path_buf());
                continue;
            };
            let relative = path.strip_prefix(root).unwrap_or(path);
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
            self.push_file(InputFile {
                path: path.to_path_buf(),
                name,
                format,
                gzip: is_gz(path),
                stdin: false,
                size,
            });
        }
        Ok(())
    }

    fn push_file(&mut self, file: InputFile) {
        self.files.push(file.path.clone());
        self.entries.push_back(Entry::File(self.inputs.len()));
        self.inputs.push(file);
    }

    /// Opens input `i` for reading; a failure is the file's one reject.
    fn open_input(&self, i: usize) -> Source {
        let mut file = self.inputs[i].clone();
        let shown = file.path.to_string_lossy().into_owned();
        let whole_file = |reason: String| {
            Source::One(Some(Err(Reject {
                input: shown.clone(),
                location: String::new(),
                reason,
            })))
        };
        let raw: Box<dyn Read + Send> = if file.stdin {
            Box::new(io::stdin())
        } else {
            match File::open(&file.path) {
                Ok(f) => Box::new(CountingReader {
                    inner: f,
                    counter: Arc::clone(&self.bytes_read),
                }),
                Err(e) => return whole_file(format!("cannot read file: {}", describe_io(&e))),
            }
        };
        let reader: Box<dyn Read + Send> = if file.gzip {
            Box::new(MultiGzDecoder::new(raw))
        } else if file.stdin {
            // Standard input has no name to tell: look for the gzip magic.
            let mut buffered = BufReader::new(raw);
            match buffered.fill_buf() {
                Ok([0x1f, 0x8b, ..]) => {
                    file.gzip = true;
                    Box::new(MultiGzDecoder::new(buffered))
                }
                Ok(_) => Box::new(buffered),
                Err(e) => return whole_file(format!("cannot read file: {}", describe_io(&e))),
            }
        } else {
            raw
        };
        match file.format {
            Format::Txt => Source::One(Some(read_txt(&file, reader, &self.options))),
            Format::Jsonl => Source::Jsonl(JsonlSource {
                input: shown,
                name: file.name.clone(),
                gzip: file.gzip,
                reader: BufReader::with_capacity(256 * 1024, reader),
                line: 0,
                buf: Vec::new(),
                done: false,
            }),
            Format::Csv | Format::Tsv => {
                let delimiter = if file.format == Format::Tsv {
                    b'\t'
                } else {
                    b','
                };
                CsvSource::open(shown, &file, reader, delimiter, &self.options)
            }
        }
    }

    /// Accounts a finished file as wholly read (even if it stopped early).
    fn finish(&mut self, open: &Open) {
        let target = open.bytes_at_start + self.inputs[open.input].size;
        let now = self.bytes_read.load(Ordering::Relaxed);
        if now < target {
            self.bytes_read.fetch_add(target - now, Ordering::Relaxed);
        }
    }
}

impl fmt::Debug for Corpus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Corpus")
            .field("files", &self.files)
            .field("skipped", &self.skipped)
            .field("total_bytes", &self.total_bytes)
            .finish_non_exhaustive()
    }
}

impl Iterator for Corpus {
    type Item = std::result::Result<Document, Reject>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(open) = &mut self.current {
                let item = match &mut open.source {
                    Source::One(item) => item.take(),
                    Source::Jsonl(src) => src.next(&self.options),
                    Source::Csv(src) => src.next(&self.options),
                    Source::Done => None,
                };
                match item {
                    Some(item) => return Some(item),
                    None => {
                        if let Some(open) = self.current.take() {
                            self.finish(&open);
                        }
                    }
                }
            }
            match self.entries.pop_front()? {
                Entry::Reject(r) => return Some(Err(r)),
                Entry::File(i) => {
                    let bytes_at_start = self.bytes_read.load(Ordering::Relaxed);
                    let source = self.open_input(i);
                    self.current = Some(Open {
                        input: i,
                        bytes_at_start,
                        source,
                    });
                }
            }
        }
    }
}

/// Counts the bytes read through it into a shared counter.
struct CountingReader<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn is_gz(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// A short, lower-case description of an I/O error.
fn describe_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file (was it moved or deleted?)".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::IsADirectory => "is a directory".to_string(),
        _ => {
            let text = e.to_string();
            // "Invalid argument (os error 22)" → "invalid argument (os error 22)"
            let mut chars = text.chars();
            match chars.next() {
                Some(c) if c.is_uppercase() && chars.next().is_some_and(char::is_lowercase) => {
                    c.to_lowercase().chain(text.chars().skip(1)).collect()
                }
                _ => text,
            }
        }
    }
}

/// The reason for a read error in the middle of a file.
fn read_error_reason(e: &io::Error, gzip: bool) -> String {
    let corrupt = matches!(
        e.kind(),
        io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput | io::ErrorKind::UnexpectedEof
    );
    if gzip && corrupt {
        format!(
            "corrupt gzip data ({}); the rest of the file is skipped",
            describe_io(e)
        )
    } else {
        format!("cannot read file: {}", describe_io(e))
    }
}

/// A value quoted back in a reason, cut short if long.
fn quote(value: &str) -> String {
    if value.chars().count() <= QUOTE_MAX_CHARS {
        value.to_string()
    } else {
        let cut: String = value.chars().take(QUOTE_MAX_CHARS).collect();
        format!("{cut}…")
    }
}

fn too_big(bytes: u64, max: usize) -> String {
    format!("document is {bytes} bytes, over --max-doc-bytes {max}")
}

fn unreadable_date(value: &str) -> String {
    format!("unreadable date '{}'", quote(value))
}

/// Reads a whole `.txt` file as one document.
fn read_txt(
    file: &InputFile,
    reader: Box<dyn Read + Send>,
    options: &ReadOptions,
) -> std::result::Result<Document, Reject> {
    let reject = |reason: String| Reject {
        input: file.path.to_string_lossy().into_owned(),
        location: String::new(),
        reason,
    };
    let max = options.max_doc_bytes;
    if !file.gzip && !file.stdin && file.size > max as u64 {
        return Err(reject(too_big(file.size, max)));
    }
    let mut bytes = Vec::new();
    let mut limited = reader.take((max as u64).saturating_add(1));
    limited
        .read_to_end(&mut bytes)
        .map_err(|e| reject(read_error_reason(&e, file.gzip)))?;
    if bytes.len() > max {
        // Count the rest, to say how big the document is.
        let mut rest = limited.into_inner();
        let more = io::copy(&mut rest, &mut io::sink()).unwrap_or(0);
        return Err(reject(too_big(bytes.len() as u64 + more, max)));
    }
    let text = decode_text(&bytes).map_err(reject)?;
    let date = options
        .date
        .or_else(|| DocDate::from_path(&file.name))
        .or_else(|| DocDate::from_path(&file.path.to_string_lossy()));
    Ok(Document {
        id: file.name.clone(),
        date,
        text,
        fields: BTreeMap::new(),
    })
}

/// Decodes a text file: UTF-8 (a BOM stripped), UTF-16 with a BOM, else
/// windows-1252. A file with NUL bytes (not UTF-16) is binary: an error.
fn decode_text(bytes: &[u8]) -> std::result::Result<String, String> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = &bytes[bom..];
        if encoding == encoding_rs::UTF_8 {
            if body.contains(&0) {
                return Err("binary file (contains NUL bytes)".to_string());
            }
            return Ok(String::from_utf8_lossy(body).into_owned());
        }
        let (text, _) = encoding.decode_without_bom_handling(body);
        return Ok(text.into_owned());
    }
    if bytes.contains(&0) {
        return Err("binary file (contains NUL bytes)".to_string());
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Ok(text.into_owned())
        }
    }
}

/// Reads one line into `buf` (without its `\n`), keeping at most `max + 1`
/// bytes of it. Returns the line's full length in bytes, or `None` at the end
/// of input.
fn read_line_bounded(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<Option<usize>> {
    buf.clear();
    let mut total = 0usize;
    let mut started = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(started.then_some(total));
        }
        started = true;
        let newline = available.iter().position(|&b| b == b'\n');
        let chunk = &available[..newline.unwrap_or(available.len())];
        let room = max.saturating_add(1).saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        total += chunk.len();
        let used = newline.map_or(available.len(), |i| i + 1);
        reader.consume(used);
        if newline.is_some() {
            return Ok(Some(total));
        }
    }
}

/// Reading a JSON Lines file.
struct JsonlSource {
    /// The file as given or walked, for rejects.
    input: String,
    /// The name for default ids.
    name: String,
    gzip: bool,
    reader: BufReader<Box<dyn Read + Send>>,
    /// The number of the last line read (1-based); 0 before the first.
    line: usize,
    buf: Vec<u8>,
    /// Set after a read error: the rest of the file is skipped.
    done: bool,
}

impl JsonlSource {
    fn next(&mut self, options: &ReadOptions) -> Option<std::result::Result<Document, Reject>> {
        while !self.done {
            let read = read_line_bounded(&mut self.reader, &mut self.buf, options.max_doc_bytes);
            self.line += 1;
            let reject = |reason: String| Reject {
                input: self.input.clone(),
                location: format!("line {}", self.line),
                reason,
            };
            let length = match read {
                Ok(Some(length)) => length,
                Ok(None) => return None,
                Err(e) => {
                    self.done = true;
                    return Some(Err(reject(read_error_reason(&e, self.gzip))));
                }
            };
            if length > options.max_doc_bytes {
                return Some(Err(reject(too_big(length as u64, options.max_doc_bytes))));
            }
            let mut bytes = self.buf.as_slice();
            if self.line == 1 {
                bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let text = String::from_utf8_lossy(bytes);
            let record = jsonl_record(&text, &self.name, self.line, options).map_err(reject);
            return Some(record);
        }
        None
    }
}

/// A JSON value's type, for reasons.
fn json_type(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Turns one JSON line into a document.
fn jsonl_record(
    line: &str,
    name: &str,
    line_no: usize,
    options: &ReadOptions,
) -> std::result::Result<Document, String> {
    use serde_json::Value;
    let value: Value = match serde_json::from_str(line) {
        Ok(value) => value,
        // Python's json module writes NaN and Infinity: read them as null.
        Err(e) => match non_finite_as_null(line).map(|l| serde_json::from_str(&l)) {
            Some(Ok(value)) => value,
            _ => {
                let mut message = e.to_string();
                if let Some(at) = message.rfind(" at line ") {
                    message.truncate(at);
                }
                return Err(format!(
                    "not valid JSON: {message} at column {}",
                    e.column()
                ));
            }
        },
    };
    let Value::Object(mut map) = value else {
        return Err(format!(
            "not a JSON object but {} (each line must be one {{...}} record)",
            json_type(&value)
        ));
    };
    let text = match map.remove(&options.text_field) {
        Some(Value::String(text)) => text,
        None => {
            return Err(format!(
                "no text field '{}' (use --text-field to name it)",
                options.text_field
            ));
        }
        Some(other) => {
            return Err(format!(
                "text field '{}' is {}, not a string (use --text-field to name another)",
                options.text_field,
                json_type(&other)
            ));
        }
    };
    let id = match map.remove(&options.id_field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        Some(other) => {
            return Err(format!(
                "id field '{}' is {}, not a string or number",
                options.id_field,
                json_type(&other)
            ));
        }
    };
    let id = id
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("{name}:{line_no}"));
    let date = match map.remove(&options.date_field) {
        None | Some(Value::Null) => options.date,
        Some(Value::String(s)) if s.trim().is_empty() => options.date,
        Some(Value::String(s)) => Some(DocDate::parse(&s).ok_or_else(|| unreadable_date(&s))?),
        Some(Value::Number(n)) => {
            let s = n.to_string();
            Some(DocDate::parse(&s).ok_or_else(|| unreadable_date(&s))?)
        }
        Some(other) => return Err(unreadable_date(&other.to_string())),
    };
    let fields = map
        .into_iter()
        .filter_map(|(key, value)| match value {
            Value::String(s) => Some((key, s)),
            Value::Number(n) => Some((key, n.to_string())),
            Value::Bool(b) => Some((key, b.to_string())),
            _ => None,
        })
        .collect();
    Ok(Document {
        id,
        date,
        text,
        fields,
    })
}

/// The line with the bare tokens `NaN`, `Infinity` and `-Infinity` outside
/// strings replaced by `null`, or `None` if it has none.
fn non_finite_as_null(line: &str) -> Option<String> {
    const TOKENS: [&str; 3] = ["-Infinity", "Infinity", "NaN"];
    let b = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    let mut in_string = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            _ if !in_string => {
                let boundary_before = i == 0 || !b[i - 1].is_ascii_alphanumeric();
                let token = TOKENS.iter().find(|t| {
                    b[i..].starts_with(t.as_bytes())
                        && b.get(i + t.len())
                            .is_none_or(|c| !c.is_ascii_alphanumeric())
                });
                if let (true, Some(token)) = (boundary_before, token) {
                    out.push_str(&line[copied..i]);
                    out.push_str("null");
                    i += token.len();
                    copied = i;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&line[copied..]);
    Some(out)
}

/// Reading a CSV or TSV file.
struct CsvSource {
    input: String,
    name: String,
    gzip: bool,
    reader: csv::Reader<Box<dyn Read + Send>>,
    /// Column names, from the header.
    columns: Vec<String>,
    id: Option<usize>,
    date: Option<usize>,
    text: usize,
    /// Data records read so far (the current one's number, 1-based).
    record: u64,
    row: csv::ByteRecord,
    done: bool,
}

impl CsvSource {
    /// Reads the header; a missing text column is the file's one reject.
    fn open(
        input: String,
        file: &InputFile,
        reader: Box<dyn Read + Send>,
        delimiter: u8,
        options: &ReadOptions,
    ) -> Source {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(false)
            .from_reader(reader);
        let header_reject = |location: &str, reason: String| {
            Source::One(Some(Err(Reject {
                input: input.clone(),
                location: location.to_string(),
                reason,
            })))
        };
        let columns: Vec<String> = match reader.byte_headers() {
            Ok(headers) => headers
                .iter()
                .map(|h| {
                    String::from_utf8_lossy(h)
                        .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                        .to_string()
                })
                .collect(),
            Err(e) => {
                let reason = match e.kind() {
                    csv::ErrorKind::Io(io) => read_error_reason(io, file.gzip),
                    _ => format!("CSV: cannot read the header: {e}"),
                };
                return header_reject("line 1", reason);
            }
        };
        if columns.len() <= 1 && columns.first().is_none_or(|c| c.is_empty()) {
            // An empty file: nothing to read.
            return Source::Done;
        }
        let find = |name: &str| columns.iter().position(|c| c == name);
        let Some(text) = find(&options.text_field) else {
            // The whole file is unusable: no location.
            return header_reject(
                "",
                format!(
                    "no column '{}' in header (columns: {}); use --text-field",
                    options.text_field,
                    quote(&columns.join(", "))
                ),
            );
        };
        let id = find(&options.id_field);
        let date = find(&options.date_field);
        Source::Csv(Box::new(CsvSource {
            input,
            name: file.name.clone(),
            gzip: file.gzip,
            reader,
            columns,
            id,
            date,
            text,
            record: 0,
            row: csv::ByteRecord::new(),
            done: false,
        }))
    }

    fn next(&mut self, options: &ReadOptions) -> Option<std::result::Result<Document, Reject>> {
        if self.done {
            return None;
        }
        let result = self.reader.read_byte_record(&mut self.row);
        let line = self.row.position().map_or(0, csv::Position::line);
        let ok = match result {
            Ok(false) => {
                self.done = true;
                return None;
            }
            Ok(true) => Ok(()),
            Err(e) => Err(e),
        };
        self.record += 1;
        let location = format!("record {} (line {line})", self.record);
        let reject = |reason: String| {
            Some(Err(Reject {
                input: self.input.clone(),
                location: location.clone(),
                reason,
            }))
        };
        if let Err(e) = ok {
            return match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => {
                    let mut reason =
                        format!("CSV: record has {len} fields, header has {expected_len}");
                    // The next record starts on `next_line`; a record
                    // spanning lines may hold an unclosed quote.
                    let next_line = self.reader.position().line();
                    if next_line > line + 1 {
                        reason.push_str(&format!(
                            "; it spans lines {line}-{}, so a quote may have been left open",
                            next_line - 1
                        ));
                    }
                    reject(reason)
                }
                csv::ErrorKind::Io(io) => {
                    self.done = true;
                    reject(read_error_reason(io, self.gzip))
                }
                _ => {
                    self.done = true;
                    reject(format!("CSV: {e}; the rest of the file is skipped"))
                }
            };
        }
        let size = self.row.as_slice().len();
        if size > options.max_doc_bytes {
            return reject(too_big(size as u64, options.max_doc_bytes));
        }
        let cell = |i: usize| String::from_utf8_lossy(self.row.get(i).unwrap_or_default());
        let id = self
            .id
            .map(|i| cell(i).into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("{}:{}", self.name, self.record));
        let date = match self.date.map(cell) {
            Some(s) if !s.trim().is_empty() => match DocDate::parse(&s) {
                Some(date) => Some(date),
                None => return reject(unreadable_date(&s)),
            },
            _ => options.date,
        };
        let text = cell(self.text).into_owned();
        let mut fields = BTreeMap::new();
        for (i, column) in self.columns.iter().enumerate() {
            if i == self.text || Some(i) == self.id || Some(i) == self.date {
                continue;
            }
            let value = cell(i);
            if !value.is_empty() {
                fields
                    .entry(column.clone())
                    .or_insert_with(|| value.into_owned());
            }
        }
        Some(Ok(Document {
            id,
            date,
            text,
            fields,
        }))
    }
}

#[cfg(test)]
mod tests;
