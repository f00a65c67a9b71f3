//! Stage 1: read a corpus into [`Document`]s.
//!
//! Inputs are files or directories (walked recursively, in sorted order so a
//! run is reproducible) or `-` for standard input. Formats are chosen by file
//! extension, after stripping an optional `.gz` (gzip) or `.zst` (Zstandard);
//! a file named as plain whose first bytes are gzip's or Zstandard's magic
//! number is decompressed too; a `.zip` archive is read as the files inside
//! it, in name order, and a tar archive (`.tar`, `.tar.gz`, `.tgz`,
//! `.tar.zst`) as the files inside it, in the archive's order:
//!
//! * `.txt` — one document per file. Its id is the path relative to the
//!   input root; its date is `--date`, else a `YYYY-MM-DD` or `YYYYMMDD` found
//!   in the path, else none.
//! * `.jsonl` / `.ndjson` / `.json` — one JSON object per line, fields
//!   `id`, `date`, `text` by default (renamable); other scalar fields are
//!   kept in [`Document::fields`]. A file holding one JSON array of such
//!   objects, or pretty-printed objects one after another, is read too.
//! * `.csv` / `.tsv` — a header row, then one record per row, same fields.
//!
//! Reading is streaming: [`Corpus`] is an iterator that holds one file open at
//! a time (one per reader thread with [`Corpus::read_ahead`]) and never the
//! whole corpus. A bad record (not JSON, no text field,
//! an unreadable date, too big) does not stop the run: it is yielded as a
//! [`Reject`] naming the file and line, for the caller to count and report.
//!
//! Memory stays bounded whatever the input: a JSONL line or CSV record over
//! [`ReadOptions::max_doc_bytes`] is skipped with a buffer of at most that
//! size (the bytes past it are counted, not kept) and the next record is
//! read; a `.txt` file is read up to the limit. Bytes that are invalid in a
//! file's encoding are replaced by U+FFFD and counted in [`InvalidUtf8`].

mod ahead;
use ahead::Ahead;
mod date;
mod flat;
mod tarred;
mod walk;
mod zipped;

pub use date::{DateOrder, DocDate};

use crate::error::{Error, Result};
use flate2::read::MultiGzDecoder;
use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, OnceLock};

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
    /// rendered as text), e.g. `country_iso3`, those inside JSON objects
    /// under their dotted path (`source.name`); empty for .txt. JSON `null`s,
    /// arrays and empty CSV cells are left out.
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

/// How much invalid text was repaired in the documents read: byte
/// sequences that are not valid in the file's encoding (invalid UTF-8 in a
/// UTF-8 document, an unpaired surrogate in UTF-16) are replaced by U+FFFD
/// and counted here instead of rejecting the document; and how many
/// documents were not UTF-8 at all and were read as Windows-1252.
///
/// [`Corpus::invalid_utf8`] gives a shared handle that the reader updates
/// as it goes (only for documents it yields, not for rejects).
///
/// ```
/// use stancemeter::corpus::{Corpus, ReadOptions};
///
/// let dir = tempfile::tempdir()?;
/// std::fs::write(
///     dir.path().join("wire.jsonl"),
///     b"{\"id\": \"w1\", \"text\": \"\xe2\x80\x9cok\xe2\x80\x9d and \xff\xfe \xe2\x80\x94\"}\n\
///       {\"id\": \"w2\", \"text\": \"caf\xe9\"}\n",
/// )?;
/// let corpus = Corpus::open(&[dir.path().join("wire.jsonl")], ReadOptions::default())?;
/// let invalid = corpus.invalid_utf8();
/// let docs: Vec<_> = corpus.collect();
/// // UTF-8 (three valid characters beyond ASCII) with \xff and \xfe
/// // each invalid on its own.
/// assert_eq!(docs[0].as_ref().unwrap().text, "\u{201c}ok\u{201d} and \u{fffd}\u{fffd} \u{2014}");
/// assert_eq!((invalid.documents(), invalid.sequences()), (1, 2));
/// assert_eq!(invalid.examples(), [format!("{}: line 1", dir.path().join("wire.jsonl").display())]);
/// // Windows-1252: decoded, not repaired.
/// assert_eq!(docs[1].as_ref().unwrap().text, "caf\u{e9}");
/// assert_eq!(invalid.windows_1252_documents(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct InvalidUtf8 {
    documents: AtomicU64,
    sequences: AtomicU64,
    /// Each example with the number of its corpus entry.
    examples: Mutex<Vec<(u64, String)>>,
    /// Documents read as Windows-1252 because they are not UTF-8.
    windows_1252: AtomicU64,
    /// The first few of them, with the numbers of their corpus entries.
    windows_1252_examples: Mutex<Vec<(u64, String)>>,
    /// The number of the entry being read (see [`Corpus::numbered`]).
    entry: AtomicU64,
}

impl InvalidUtf8 {
    /// How many `input: location`s [`examples`](InvalidUtf8::examples) keeps.
    pub const MAX_EXAMPLES: usize = 5;

    /// Documents with at least one replaced sequence.
    pub fn documents(&self) -> u64 {
        self.documents.load(Ordering::Relaxed)
    }

    /// Invalid byte sequences replaced by U+FFFD, in all documents.
    pub fn sequences(&self) -> u64 {
        self.sequences.load(Ordering::Relaxed)
    }

    /// The first few documents affected, as `input: location` (or `input`
    /// for a whole file), in reading order.
    pub fn examples(&self) -> Vec<String> {
        let examples = self.examples.lock().unwrap_or_else(|e| e.into_inner());
        examples.iter().map(|(_, x)| x.clone()).collect()
    }

    /// The number of the corpus entry (see [`Corpus::numbered`]) of each of
    /// [`examples`](InvalidUtf8::examples).
    pub fn example_entries(&self) -> Vec<u64> {
        let examples = self.examples.lock().unwrap_or_else(|e| e.into_inner());
        examples.iter().map(|(n, _)| *n).collect()
    }

    /// Documents that are not UTF-8 (no byte-order mark, as many invalid
    /// sequences as valid multi-byte characters or more), read as
    /// Windows-1252: rows of a spreadsheet's "CSV" saved on Windows, an
    /// old `.txt` file.
    pub fn windows_1252_documents(&self) -> u64 {
        self.windows_1252.load(Ordering::Relaxed)
    }

    /// The first few of
    /// [`windows_1252_documents`](InvalidUtf8::windows_1252_documents), as
    /// `input: location` (or `input` for a whole file), in reading order,
    /// with the numbers of their corpus entries.
    pub fn windows_1252_examples(&self) -> Vec<(u64, String)> {
        self.windows_1252_examples
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Adds the counts and examples of `other`, a file read ahead (see
    /// [`Corpus::read_ahead`]), read after everything counted here.
    fn absorb(&self, other: &InvalidUtf8) {
        self.documents
            .fetch_add(other.documents(), Ordering::Relaxed);
        self.sequences
            .fetch_add(other.sequences(), Ordering::Relaxed);
        self.windows_1252
            .fetch_add(other.windows_1252_documents(), Ordering::Relaxed);
        for (mine, theirs) in [
            (&self.examples, &other.examples),
            (&self.windows_1252_examples, &other.windows_1252_examples),
        ] {
            let theirs = theirs.lock().unwrap_or_else(|e| e.into_inner());
            let mut mine = mine.lock().unwrap_or_else(|e| e.into_inner());
            let room = Self::MAX_EXAMPLES.saturating_sub(mine.len());
            mine.extend(theirs.iter().take(room).cloned());
        }
    }

    /// Counts a document read as Windows-1252, at `input: location`.
    fn add_windows_1252(&self, input: &str, location: &str) {
        self.windows_1252.fetch_add(1, Ordering::Relaxed);
        let mut examples = self
            .windows_1252_examples
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if examples.len() < Self::MAX_EXAMPLES {
            let shown = if location.is_empty() {
                input.to_string()
            } else {
                format!("{input}: {location}")
            };
            examples.push((self.entry.load(Ordering::Relaxed), shown));
        }
    }

    /// Counts `sequences` replaced in one document at `input: location`.
    fn add(&self, sequences: u64, input: &str, location: &str) {
        if sequences == 0 {
            return;
        }
        self.documents.fetch_add(1, Ordering::Relaxed);
        self.sequences.fetch_add(sequences, Ordering::Relaxed);
        let mut examples = self.examples.lock().unwrap_or_else(|e| e.into_inner());
        if examples.len() < Self::MAX_EXAMPLES {
            let entry = self.entry.load(Ordering::Relaxed);
            examples.push((
                entry,
                if location.is_empty() {
                    input.to_string()
                } else {
                    format!("{input}: {location}")
                },
            ));
        }
    }
}

/// The number of invalid UTF-8 sequences in `bytes`: how many U+FFFD
/// [`String::from_utf8_lossy`] puts in.
fn invalid_utf8_sequences(bytes: &[u8]) -> u64 {
    if std::str::from_utf8(bytes).is_ok() {
        return 0;
    }
    bytes
        .utf8_chunks()
        .filter(|c| !c.invalid().is_empty())
        .count() as u64
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
/// assert_eq!(Format::from_path(Path::new("cc-news/2019.JSONL.ZST")), Some(Format::Jsonl));
/// assert_eq!(Format::from_path(Path::new("backup.tar.zst")), None);
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

/// The file extensions a directory's files are read by, for messages about
/// the others (`.text` and `.tab` are read too).
pub const KNOWN_EXTENSIONS: &str = ".txt, .jsonl, .ndjson, .json, .csv or .tsv, optionally .gz or .zst, \
     or a .zip or .tar (.tar.gz, .tgz, .tar.zst) of them";

impl Format {
    /// From a path's extension after stripping `.gz`, `.zst` or `.zstd`
    /// (case-insensitive): txt/text → Txt, jsonl/ndjson/json → Jsonl,
    /// csv → Csv, tsv/tab → Tsv. `None` for anything else.
    pub fn from_path(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let name = match Compression::from_path(path) {
            Compression::None => &name[..],
            _ => Path::new(&name).file_stem()?.to_str()?,
        };
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
    /// The field or column holding the text (default `text`); several,
    /// separated by commas (`title,text`), are joined in that order, each
    /// a paragraph of its own (see [`ReadOptions::text_fields`]).
    pub text_field: String,
    /// The date of documents that carry none (`--date`). For `.txt` it
    /// overrides a date found in the path; a record's own date field wins
    /// over it.
    pub date: Option<DocDate>,
    /// In JSON, the array of records inside each top-level object, as a
    /// path of field names joined by `.`: `articles` for NewsAPI's
    /// responses, `response.docs` for the New York Times' article search.
    /// `None` (the default): each top-level object is a record.
    pub records_field: Option<String>,
    /// How to read numeric dates with the year last (`08/01/2021`); with
    /// `None` a record dated so is rejected as ambiguous. See
    /// [`DocDate::parse_in`].
    pub date_order: Option<DateOrder>,
    /// The largest document (a `.txt` file, a JSONL line, a CSV record) read;
    /// a bigger one is rejected (default 32 MiB).
    pub max_doc_bytes: usize,
}

impl ReadOptions {
    /// The fields [`ReadOptions::text_field`] names, in order.
    ///
    /// A record's text is theirs, joined by a blank line: the headline
    /// becomes a paragraph of its own, split into sentences and scored
    /// like the body. Fields that are absent or empty from a JSON record
    /// are left out (a record needs one); a CSV file needs every column.
    ///
    /// ```
    /// use stancemeter::corpus::ReadOptions;
    ///
    /// let options = ReadOptions { text_field: "title, text".into(), ..ReadOptions::default() };
    /// assert_eq!(options.text_fields().collect::<Vec<_>>(), ["title", "text"]);
    /// ```
    pub fn text_fields(&self) -> impl Iterator<Item = &str> {
        self.text_field
            .split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
    }

    /// Whether [`ReadOptions::text_field`] names more than one field.
    fn joins_text(&self) -> bool {
        self.text_fields().nth(1).is_some()
    }
}

/// How the text fields of a record are joined: a paragraph break.
const TEXT_FIELD_JOIN: &str = "\n\n";

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            format: None,
            id_field: "id".to_string(),
            date_field: "date".to_string(),
            text_field: "text".to_string(),
            date: None,
            date_order: None,
            records_field: None,
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
    /// The shard key (see [`CorpusEntry::key`]).
    key: String,
    format: Format,
    /// How the file is compressed (by extension; sniffed for stdin).
    compression: Compression,
    stdin: bool,
    /// On-disk size when the corpus was opened (a zip member's: its
    /// compressed bytes; a tar member's: its bytes in the archive).
    size: u64,
    /// Whether it is a file of its own or a part of an archive.
    part: Part,
}

/// What an [`InputFile`] is: a file of its own, an archive read as the
/// files inside it, or one of those.
#[derive(Debug, Clone)]
enum Part {
    /// A file of its own, or standard input.
    Whole,
    /// A file inside the zip archive at `path`.
    ZipMember(zipped::ZipMember),
    /// The tar archive at `path`, read as the files inside it (its
    /// `format` is unused: each member has its own).
    TarArchive,
    /// A file inside the tar archive at `path`, by its name there; read
    /// from the archive's stream.
    TarMember(String),
}

impl InputFile {
    /// The file as rejects name it: its path, and an archive member's
    /// name after its archive's (`exports.zip/2019.csv`).
    fn shown(&self) -> String {
        let path = self.path.to_string_lossy();
        match &self.part {
            Part::ZipMember(m) => format!("{path}/{}", m.name),
            Part::TarMember(name) => format!("{path}/{name}"),
            Part::Whole | Part::TarArchive => path.into_owned(),
        }
    }

    /// The file as listed in [`Corpus::files`] and the read log: its path,
    /// or a zip member's [shown](InputFile::shown) name.
    fn listed(&self) -> PathBuf {
        match &self.part {
            Part::ZipMember(_) | Part::TarMember(_) => PathBuf::from(self.shown()),
            Part::Whole | Part::TarArchive => self.path.clone(),
        }
    }

    /// The tar archive at `path`, named `name` in ids and `key` in shard
    /// keys, `size` bytes on disk.
    fn tar(path: PathBuf, name: String, key: String, size: u64) -> InputFile {
        InputFile {
            compression: Compression::from_path(&path),
            path,
            name,
            key,
            format: Format::Txt,
            stdin: false,
            size,
            part: Part::TarArchive,
        }
    }
}

/// One entry of a corpus, in reading order: an input file, or a problem
/// found while walking a directory (a link loop, a named pipe), which is
/// read as one reject. See [`Corpus::entries`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusEntry {
    /// The path as rejects and `run.json` show it.
    pub path: String,
    /// The name that decides its shard with `--shard-by file`, the same on
    /// every machine wherever the corpus is mounted: the path relative to
    /// the directory given as input (with `/` separators), or the file name
    /// of a file given by name; `-` for standard input.
    pub key: String,
    /// On-disk size when the corpus was opened (0 for standard input and
    /// walking problems).
    pub size: u64,
    /// A file to read, not a problem found while walking.
    pub file: bool,
}

/// A streaming reader over all inputs: an iterator of documents and rejects,
/// in a deterministic order (inputs in the order given; files inside a
/// directory walked recursively and sorted by path; records in file order).
///
/// It holds one file open at a time (or one per reader thread, see
/// [`Corpus::read_ahead`]), and is `Send` so that it can read on a thread
/// of its own.
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
/// assert_eq!(corpus.file_count(), 2);
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
    /// The inputs as given, checked; directories are walked as they are
    /// read, so a corpus of millions of files is never listed in memory.
    roots: Arc<[Root]>,
    /// The walk that reading goes through.
    walk: EntryWalk,
    /// Which entries to read ([`Corpus::retain`]); all when `None`.
    keep: Option<Keep>,
    /// Entries the reading walk has met, kept or not.
    entries_met: u64,
    /// The files to read, counted when first asked for (a walk of its own).
    survey: OnceLock<Survey>,
    /// What the reading walk has met.
    log: Arc<Mutex<ReadLog>>,
    bytes_read: Arc<AtomicU64>,
    invalid_utf8: Arc<InvalidUtf8>,
    current: Option<Open>,
    /// Files read at once on threads of their own ([`Corpus::read_ahead`]);
    /// at most 1, the calling thread reads.
    readers: usize,
    /// The files being read ahead, once reading has started with `readers > 1`.
    ahead: Option<Ahead>,
    /// With `ahead`: the entry of the last item returned.
    item_entry: u64,
}

/// A filter on entries, see [`Corpus::retain`].
type Keep = Box<dyn Fn(&CorpusEntry) -> bool + Send + Sync>;

/// How many files [`Corpus::skipped_files`] and [`ReadLog`] list.
const MAX_LISTED: usize = 1000;

/// The files a corpus will read, counted by a walk of the inputs.
#[derive(Debug, Default)]
struct Survey {
    files: u64,
    bytes: u64,
    skipped: Vec<PathBuf>,
    skipped_count: u64,
}

/// The files reading has met so far (see [`Corpus::read_log`]): counts, and
/// the first 1,000 of each kind.
#[derive(Debug, Default, Clone)]
pub struct ReadLog {
    /// Files opened.
    pub files: u64,
    /// The first files opened.
    pub first_files: Vec<PathBuf>,
    /// Files inside directories skipped because their format is unknown.
    pub skipped: u64,
    /// The first of them.
    pub first_skipped: Vec<PathBuf>,
    /// Directories of stance's own output met inside the inputs, not read
    /// (the first 1,000).
    pub output_dirs: Vec<PathBuf>,
}

/// One input as given on the command line.
#[derive(Debug, Clone)]
enum Root {
    /// A file named explicitly, or standard input.
    File(InputFile),
    /// A zip archive named explicitly: its path, its name in ids and its
    /// shard key.
    Zip(PathBuf, String, String),
    /// A directory, walked recursively in sorted order.
    Dir(PathBuf),
}

/// What walking the inputs meets, in reading order.
enum WalkItem {
    File(InputFile),
    /// A problem found while walking, read as one reject, with its shard key.
    Reject(Reject, String),
    /// A file of unknown format inside a directory: not an entry.
    Skipped(PathBuf),
    /// A directory of stance's own output inside an input: not walked,
    /// not an entry.
    OutputDir(PathBuf),
}

/// A walk over the inputs, one item at a time: explicit files as they are,
/// directories recursively, sorted by file name, following symbolic links,
/// skipping hidden names. Every walk over the same inputs meets the same
/// items in the same order (unless the files change in between).
struct EntryWalk {
    roots: Arc<[Root]>,
    format: Option<Format>,
    /// Whether to look up the size of each file found in a directory (a
    /// `stat` each, a fifth of the time of reading a directory of small
    /// files); without it, sizes are 0 until the file is opened.
    sizes: bool,
    next_root: usize,
    dir: Option<(PathBuf, walk::SortedWalk)>,
    /// The members of the zip archive met last, still to give.
    pending: VecDeque<WalkItem>,
}

impl EntryWalk {
    fn new(roots: &Arc<[Root]>, format: Option<Format>, sizes: bool) -> EntryWalk {
        EntryWalk {
            roots: Arc::clone(roots),
            format,
            sizes,
            next_root: 0,
            dir: None,
            pending: VecDeque::new(),
        }
    }
}

impl Iterator for EntryWalk {
    type Item = WalkItem;

    fn next(&mut self) -> Option<WalkItem> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            let Some((root, walk)) = &mut self.dir else {
                let next = self.roots.get(self.next_root)?;
                self.next_root += 1;
                match next {
                    Root::File(f) => return Some(WalkItem::File(f.clone())),
                    Root::Zip(path, name, key) => {
                        self.pending = zip_items(path, name, key, self.format);
                        continue;
                    }
                    Root::Dir(root) => {
                        let walk = walk::SortedWalk::new(root, self.sizes);
                        self.dir = Some((root.clone(), walk));
                        continue;
                    }
                }
            };
            let root: &Path = root;
            let Some(walked) = walk.next() else {
                self.dir = None;
                continue;
            };
            let (path, size) = match walked {
                walk::Walked::File(path, size) => (path, size),
                walk::Walked::Problem(path, reason) => {
                    let reject = Reject {
                        input: path.to_string_lossy().into_owned(),
                        location: String::new(),
                        reason,
                    };
                    return Some(WalkItem::Reject(reject, relative_name(root, &path)));
                }
                walk::Walked::OutputDir(path) => return Some(WalkItem::OutputDir(path)),
                walk::Walked::Special(path) => {
                    // Reading a named pipe could wait for ever on its writer;
                    // a socket or a device is no corpus. Not read, but said.
                    let reject = Reject {
                        input: path.to_string_lossy().into_owned(),
                        location: String::new(),
                        reason: "not a regular file (a named pipe, socket or device): not read \
                                 from inside a directory; name it as an input to read it"
                            .to_string(),
                    };
                    return Some(WalkItem::Reject(reject, relative_name(root, &path)));
                }
            };
            if is_zip(&path) {
                let name = relative_name(root, &path);
                self.pending = zip_items(&path, &name, &name, self.format);
                continue;
            }
            if tarred::is_tar(&path) {
                let name = relative_name(root, &path);
                return Some(WalkItem::File(InputFile::tar(
                    path,
                    name.clone(),
                    name,
                    size,
                )));
            }
            let Some(format) = self.format.or_else(|| Format::from_path(&path)) else {
                return Some(WalkItem::Skipped(path));
            };
            let name = relative_name(root, &path);
            return Some(WalkItem::File(InputFile {
                compression: Compression::from_path(&path),
                path,
                key: name.clone(),
                name,
                format,
                stdin: false,
                size,
                part: Part::Whole,
            }));
        }
    }
}

/// The name of the compressed format or archive stance does not read that
/// `path`'s extension says it is in, if one does.
fn unread_extension(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    UNREAD_EXTENSIONS
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|&(_, name)| name)
}

/// Whether `path` names a zip archive (by its extension).
fn is_zip(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// The walk's items for the zip archive at `path`, named `name` in ids and
/// `key` in shard keys: a file for each member of a known format (or of
/// `format`), a skipped file for the others, a reject for each member that
/// cannot be read and for an archive that cannot be listed.
fn zip_items(path: &Path, name: &str, key: &str, format: Option<Format>) -> VecDeque<WalkItem> {
    let shown = path.to_string_lossy();
    let listed = match zipped::list(path) {
        Ok(listed) => listed,
        Err(reason) => {
            let reject = Reject {
                input: shown.into_owned(),
                location: String::new(),
                reason,
            };
            return VecDeque::from([WalkItem::Reject(reject, key.to_string())]);
        }
    };
    listed
        .into_iter()
        .map(|l| match l {
            zipped::Listed::Unreadable(member, reason) => WalkItem::Reject(
                Reject {
                    input: format!("{shown}/{member}"),
                    location: String::new(),
                    reason,
                },
                format!("{key}/{member}"),
            ),
            zipped::Listed::Member(m) => {
                let inner = Path::new(&m.name);
                let Some(format) = format.or_else(|| Format::from_path(inner)) else {
                    return WalkItem::Skipped(PathBuf::from(format!("{shown}/{}", m.name)));
                };
                let compression = match Compression::from_path(inner) {
                    Compression::None => Compression::Zip,
                    c => c,
                };
                WalkItem::File(InputFile {
                    path: path.to_path_buf(),
                    name: format!("{name}/{}", m.name),
                    key: format!("{key}/{}", m.name),
                    format,
                    compression,
                    stdin: false,
                    size: m.compressed,
                    part: Part::ZipMember(m),
                })
            }
        })
        .collect()
}

impl WalkItem {
    /// The entry this item is, or `None` for a skipped file.
    fn entry(&self) -> Option<CorpusEntry> {
        match self {
            WalkItem::File(f) => Some(CorpusEntry {
                path: f.shown(),
                key: f.key.clone(),
                size: f.size,
                file: true,
            }),
            WalkItem::Reject(r, key) => Some(CorpusEntry {
                path: r.input.clone(),
                key: key.clone(),
                size: 0,
                file: false,
            }),
            WalkItem::Skipped(_) | WalkItem::OutputDir(_) => None,
        }
    }
}

/// The file being read.
struct Open {
    file: InputFile,
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
    Tar(Box<tarred::TarSource>),
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
    /// [`skipped_files`](Corpus::skipped_files); named pipes, sockets and
    /// devices there are not read but reported, each as a [`Reject`]. A file named explicitly with
    /// an unknown extension and no `options.format` is an `Err(Error::Usage)`.
    /// `-` means standard input and needs `options.format`.
    ///
    /// Opening checks the inputs but lists no files: reading walks the
    /// directories one file at a time, so memory does not grow with the
    /// number of files. [`file_count`](Corpus::file_count) and
    /// [`total_bytes`](Corpus::total_bytes) walk them once more, when first
    /// asked.
    ///
    /// ```
    /// use stancemeter::corpus::{Corpus, ReadOptions};
    ///
    /// let err = Corpus::open(&["no/such/dir".into()], ReadOptions::default()).err().unwrap();
    /// assert_eq!(err.to_string(), "input 'no/such/dir' does not exist");
    /// ```
    pub fn open(inputs: &[PathBuf], options: ReadOptions) -> Result<Corpus> {
        let roots: Vec<Root> = inputs
            .iter()
            .map(|input| root(input, &options))
            .collect::<Result<_>>()?;
        let roots: Arc<[Root]> = roots.into();
        let corpus = Corpus {
            // Reading needs no sizes up front: a file's is read when it is
            // opened.
            walk: EntryWalk::new(&roots, options.format, false),
            options,
            roots,
            keep: None,
            entries_met: 0,
            survey: OnceLock::new(),
            log: Arc::new(Mutex::new(ReadLog::default())),
            bytes_read: Arc::new(AtomicU64::new(0)),
            invalid_utf8: Arc::new(InvalidUtf8::default()),
            current: None,
            readers: 1,
            ahead: None,
            item_entry: 0,
        };
        Ok(corpus)
    }

    /// Counts the files to read and their bytes, and notes skipped files:
    /// a walk of the inputs, the first time it is asked for.
    fn survey(&self) -> &Survey {
        self.survey.get_or_init(|| {
            let mut survey = Survey::default();
            for item in EntryWalk::new(&self.roots, self.options.format, true) {
                if let WalkItem::Skipped(path) = &item {
                    survey.skipped_count += 1;
                    if survey.skipped.len() < MAX_LISTED {
                        survey.skipped.push(path.clone());
                    }
                    continue;
                }
                if let (WalkItem::File(f), Some(e)) = (&item, item.entry())
                    && self.keep.as_ref().is_none_or(|keep| keep(&e))
                {
                    survey.files += 1;
                    survey.bytes += f.size;
                }
            }
            survey
        })
    }

    /// The files that will be read, in order (`-` for standard input; a
    /// file inside a zip archive as the archive's path joined with its
    /// name, `exports.zip/2019.csv`). This walks the directories again;
    /// [`file_count`](Corpus::file_count) only counts.
    pub fn files(&self) -> impl Iterator<Item = PathBuf> + '_ {
        EntryWalk::new(&self.roots, self.options.format, true).filter_map(|item| {
            let WalkItem::File(f) = &item else {
                return None;
            };
            let e = item.entry()?;
            self.keep
                .as_ref()
                .is_none_or(|keep| keep(&e))
                .then(|| f.listed())
        })
    }

    /// How many files will be read (counted by a walk, the first time).
    pub fn file_count(&self) -> u64 {
        self.survey().files
    }

    /// What reading has met so far, shared: the files opened and skipped,
    /// counted and the first 1,000 of each listed, for a report after a run
    /// (the corpus itself is consumed by then).
    ///
    /// ```
    /// use stancemeter::corpus::{Corpus, ReadOptions};
    ///
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("a.txt"), "Talks resumed.")?;
    /// std::fs::write(dir.path().join("notes.md"), "not a corpus format")?;
    /// let corpus = Corpus::open(&[dir.path().to_path_buf()], ReadOptions::default())?;
    /// let log = corpus.read_log();
    /// assert_eq!(corpus.count(), 1);
    /// let log = log.lock().unwrap();
    /// assert_eq!((log.files, log.skipped), (1, 1));
    /// assert!(log.first_skipped[0].ends_with("notes.md"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn read_log(&self) -> Arc<Mutex<ReadLog>> {
        Arc::clone(&self.log)
    }

    /// Every entry of the inputs, in order: the files and the problems found
    /// while walking directories, all of them (also those that
    /// [`retain`](Corpus::retain) leaves out). This walks the directories
    /// again, one entry at a time.
    ///
    /// ```
    /// use stancemeter::corpus::{Corpus, ReadOptions};
    ///
    /// let dir = tempfile::tempdir()?;
    /// std::fs::create_dir(dir.path().join("2021"))?;
    /// std::fs::write(dir.path().join("2021/jan.jsonl"), "")?;
    /// std::fs::write(dir.path().join("feb.jsonl"), "")?;
    /// let corpus = Corpus::open(&[dir.path().to_path_buf()], ReadOptions::default())?;
    /// let keys: Vec<String> = corpus.entries().map(|e| e.key).collect();
    /// assert_eq!(keys, ["2021/jan.jsonl", "feb.jsonl"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn entries(&self) -> impl Iterator<Item = CorpusEntry> + '_ {
        EntryWalk::new(&self.roots, self.options.format, true).filter_map(|item| item.entry())
    }

    /// Reads only the entries for which `keep` is true (`--shard-by file`):
    /// the others are never opened. [`files`](Corpus::files),
    /// [`file_count`](Corpus::file_count) and
    /// [`total_bytes`](Corpus::total_bytes) then count the kept files only.
    ///
    /// ```
    /// use stancemeter::corpus::{Corpus, ReadOptions};
    ///
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("a.jsonl"), r#"{"id": "1", "text": "Talks resumed."}"#)?;
    /// std::fs::write(dir.path().join("b.jsonl"), "not json")?;
    /// let mut corpus = Corpus::open(&[dir.path().to_path_buf()], ReadOptions::default())?;
    /// corpus.retain(|e| e.key == "a.jsonl");
    /// assert_eq!(corpus.file_count(), 1);
    /// let items: Vec<_> = corpus.collect();
    /// assert_eq!(items.len(), 1);
    /// assert!(items[0].is_ok()); // b.jsonl, with its bad line, was not read
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn retain(&mut self, keep: impl Fn(&CorpusEntry) -> bool + Send + Sync + 'static) {
        self.keep = Some(Box::new(keep));
        // `keep` sees each entry as `entries` shows it, size and all.
        self.walk.sizes = true;
        self.survey = OnceLock::new();
    }

    /// Files inside directories that were skipped because their format is
    /// unknown (the first 1,000; [`skipped_count`](Corpus::skipped_count)
    /// counts them all).
    pub fn skipped_files(&self) -> &[PathBuf] {
        &self.survey().skipped
    }

    /// How many files inside directories were skipped for their format.
    pub fn skipped_count(&self) -> u64 {
        self.survey().skipped_count
    }

    /// Reads up to `readers` files at once, each on a thread of its own,
    /// ahead of the caller (the default, 1, reads on the calling thread).
    ///
    /// One thread decompresses and parses at about 270 MB/s of text from
    /// `.gz` and 660 MB/s from plain JSONL, and opens about 80,000 small
    /// files a second: enough for a few cores of scoring, not for a large
    /// machine, and less on network storage. With more readers, a corpus of
    /// many files is read in parallel. The items, their order, their entry
    /// numbers, [`invalid_utf8`](Corpus::invalid_utf8) and
    /// [`read_log`](Corpus::read_log) are the same as with one reader: each
    /// file is read whole by one thread into a bounded queue (a few
    /// 256 KB chunks), and the files are handed on in order. A file whose
    /// reader fails unexpectedly ends with a reject saying so. One file is
    /// still read by one thread, so a corpus of one file gains nothing.
    ///
    /// ```
    /// use stancemeter::corpus::{Corpus, ReadOptions};
    ///
    /// let dir = tempfile::tempdir()?;
    /// for month in 1..=6 {
    ///     let line = format!("{{\"id\": \"m{month}\", \"text\": \"Talks resumed.\"}}\nnot json\n");
    ///     std::fs::write(dir.path().join(format!("2021-{month:02}.jsonl")), line)?;
    /// }
    /// let one = Corpus::open(&[dir.path().to_path_buf()], ReadOptions::default())?;
    /// let mut three = Corpus::open(&[dir.path().to_path_buf()], ReadOptions::default())?;
    /// three.read_ahead(3);
    /// let show = |c: Corpus| -> Vec<String> {
    ///     c.numbered().map(|(n, item)| match item {
    ///         Ok(d) => format!("{n} {}", d.id),
    ///         Err(r) => format!("{n} {}", r.location),
    ///     }).collect()
    /// };
    /// let items = show(three);
    /// assert_eq!(items, show(one));
    /// assert_eq!(items[..4], ["0 m1", "0 line 2", "1 m2", "1 line 2"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn read_ahead(&mut self, readers: usize) {
        self.readers = readers.max(1);
    }

    /// The number of readers [`read_ahead`](Corpus::read_ahead) is given by
    /// default for `threads` scoring threads: one per four, at least 1 and
    /// at most 8. One reader keeps up with about eight cores of scoring on
    /// `.gz` (reading UNGDC alone gives 800 MB/s of text, and one core
    /// scores about 100 MB/s), twenty on plain JSONL (2,100 MB/s), but with
    /// fewer on small files; a reader costs a few MB.
    ///
    /// ```
    /// use stancemeter::corpus::Corpus;
    /// assert_eq!(Corpus::default_readers(2), 1);
    /// assert_eq!(Corpus::default_readers(8), 2);
    /// assert_eq!(Corpus::default_readers(128), 8);
    /// ```
    pub fn default_readers(threads: usize) -> usize {
        (threads / 4).clamp(1, 8)
    }

    /// Each item with the number of the entry it comes from (its place in
    /// [`entries`](Corpus::entries), counting entries that
    /// [`retain`](Corpus::retain) leaves out).
    ///
    /// ```
    /// use stancemeter::corpus::{Corpus, ReadOptions};
    ///
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("a.jsonl"), "not json\nnor this\n")?;
    /// std::fs::write(dir.path().join("b.jsonl"), "nor that\n")?;
    /// let mut corpus = Corpus::open(&[dir.path().to_path_buf()], ReadOptions::default())?;
    /// corpus.retain(|e| e.key == "b.jsonl");
    /// let numbers: Vec<u64> = corpus.numbered().map(|(n, _)| n).collect();
    /// assert_eq!(numbers, [1]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn numbered(self) -> Numbered {
        Numbered(self)
    }

    /// Total on-disk bytes of all input files (the compressed size for
    /// `.gz` and `.zst`; 0 for standard input).
    pub fn total_bytes(&self) -> u64 {
        self.survey().bytes
    }

    /// A shared counter of on-disk bytes consumed so far, for a progress bar;
    /// it reaches [`total_bytes`](Corpus::total_bytes) when reading is done.
    pub fn bytes_read(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.bytes_read)
    }

    /// A shared tally of invalid text replaced by U+FFFD in the documents
    /// read so far (see [`InvalidUtf8`]).
    pub fn invalid_utf8(&self) -> Arc<InvalidUtf8> {
        Arc::clone(&self.invalid_utf8)
    }

    /// Accounts a finished file as wholly read (even if it stopped early).
    fn finish(&mut self, open: &Open) {
        let target = open.bytes_at_start + open.file.size;
        let now = self.bytes_read.load(Ordering::Relaxed);
        if now < target {
            self.bytes_read.fetch_add(target - now, Ordering::Relaxed);
        }
    }
}

/// Opens `file` for reading; a failure is the file's one reject. The bytes
/// read from disk are counted into `bytes_read`, and also into `file_bytes`
/// when given; invalid UTF-8 into `invalid_utf8`.
fn open_source(
    file: &mut InputFile,
    options: &ReadOptions,
    bytes_read: &Arc<AtomicU64>,
    file_bytes: Option<&Arc<AtomicU64>>,
    invalid_utf8: &Arc<InvalidUtf8>,
) -> Source {
    let whole_file = |reason: String| whole_file_reject(file.shown(), reason);
    let raw: Box<dyn Read + Send> = if file.stdin {
        Box::new(io::stdin())
    } else if let Part::ZipMember(m) = &file.part {
        // Only the member's own bytes are counted, as its size was.
        let f = match File::open(&file.path).and_then(|f| zipped::seek_to_data(f, m)) {
            Ok(f) => f,
            Err(e) => return whole_file(read_error_reason(&e, file.compression)),
        };
        let counted = Box::new(CountingReader {
            inner: f.take(m.compressed),
            counter: Arc::clone(bytes_read),
            file_counter: file_bytes.cloned(),
        });
        zipped::decode(counted, m)
    } else {
        match File::open(&file.path) {
            Ok(f) => {
                // The size now, from the open file (cheaper than a
                // lookup by path, which the walk skipped).
                if let Ok(meta) = f.metadata() {
                    file.size = meta.len();
                }
                Box::new(CountingReader {
                    inner: f,
                    counter: Arc::clone(bytes_read),
                    file_counter: file_bytes.cloned(),
                })
            }
            Err(e) => return whole_file(format!("cannot read file: {}", describe_io(&e))),
        }
    };
    source_from_raw(file, raw, options, invalid_utf8)
}

/// A source whose one item is a reject of the whole file `input`: what a
/// file that cannot be opened or started on reads as.
fn whole_file_reject(input: String, reason: String) -> Source {
    Source::One(Some(Err(Reject {
        input,
        location: String::new(),
        reason,
    })))
}

/// Reads `file` from `raw`, its bytes as stored (perhaps compressed); a
/// failure to start is the file's one reject.
fn source_from_raw(
    file: &mut InputFile,
    raw: Box<dyn Read + Send>,
    options: &ReadOptions,
    invalid_utf8: &Arc<InvalidUtf8>,
) -> Source {
    let shown = file.shown();
    let whole_file = |reason: String| whole_file_reject(shown.clone(), reason);
    // Standard input has no name to tell, and a file named as plain may
    // still be compressed (a download saved without its `.gz`): look for
    // the magic numbers.
    let raw = if file.compression == Compression::None {
        match Compression::sniff(raw) {
            Ok((compression, raw)) => {
                file.compression = compression;
                raw
            }
            // (An archive damaged before the member's first bytes says so.)
            Err(e) => return whole_file(read_error_reason(&e, Compression::None)),
        }
    } else {
        raw
    };
    if let Compression::Unread(name) = file.compression {
        // A command can name a file of its own, not standard input or a
        // file inside an archive.
        let path = (matches!(file.part, Part::Whole) && !file.stdin).then_some(shown.as_str());
        let advice = unread_advice(name, path, Some(file.format));
        return whole_file(format!("cannot read file: {advice}"));
    }
    let ahead = file.stdin || file.size >= DECODE_AHEAD_MIN;
    let mut reader = match file.compression.decoder(raw, ahead) {
        Ok(r) => r,
        Err(e) => return whole_file(read_error_reason(&e, file.compression)),
    };
    if file.stdin {
        // Standard input may be a tar archive (`curl …/stories.tar.gz |
        // stance score - --format txt`), told by the magic number of its
        // first header.
        match peek(reader, tarred::MAGIC_END) {
            Ok((head, r)) => {
                reader = r;
                if tarred::has_magic(&head) {
                    file.part = Part::TarArchive;
                }
            }
            Err(e) => return whole_file(read_error_reason(&e, file.compression)),
        }
    }
    if let Part::TarArchive = file.part {
        let archive = file.clone();
        return Source::Tar(Box::new(tarred::TarSource::new(
            archive,
            reader,
            Arc::clone(invalid_utf8),
        )));
    }
    let reader = match file.format {
        Format::Txt => reader,
        Format::Jsonl | Format::Csv | Format::Tsv => as_utf8(reader),
    };
    match file.format {
        Format::Txt => Source::One(Some(read_txt(file, reader, options, invalid_utf8))),
        Format::Jsonl => Source::Jsonl(JsonlSource::new(
            shown,
            file.name.clone(),
            file.compression,
            BufReader::with_capacity(256 * 1024, reader),
            Arc::clone(invalid_utf8),
        )),
        Format::Csv | Format::Tsv => {
            let delimiter = if file.format == Format::Tsv {
                b'\t'
            } else {
                b','
            };
            let invalid = Arc::clone(invalid_utf8);
            CsvSource::open(shown, file, reader, delimiter, options, invalid)
        }
    }
}

/// The input `input` as given: standard input, a file, or a directory.
fn root(input: &Path, options: &ReadOptions) -> Result<Root> {
    let shown = input.to_string_lossy().into_owned();
    if input == Path::new("-") {
        let format = options.format.ok_or_else(|| {
            Error::Usage(
                "reading standard input ('-') needs --format (txt, jsonl, csv or tsv)".to_string(),
            )
        })?;
        return Ok(Root::File(InputFile {
            path: input.to_path_buf(),
            name: "-".to_string(),
            key: "-".to_string(),
            format,
            compression: Compression::None,
            stdin: true,
            size: 0,
            part: Part::Whole,
        }));
    }
    let meta = match std::fs::metadata(input) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(Error::Usage(format!("input '{shown}' does not exist")));
        }
        Err(e) => return Err(Error::io(input, e)),
    };
    if meta.is_dir() {
        return Ok(Root::Dir(input.to_path_buf()));
    }
    // The shard key of a file named as an input: its file name, so that
    // machines mounting the corpus at different paths agree.
    let key = input
        .file_name()
        .map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
    if is_zip(input) {
        return Ok(Root::Zip(input.to_path_buf(), shown, key));
    }
    if tarred::is_tar(input) {
        let size = meta.len();
        return Ok(Root::File(InputFile::tar(
            input.to_path_buf(),
            shown,
            key,
            size,
        )));
    }
    let format = match options.format.or_else(|| Format::from_path(input)) {
        Some(format) => format,
        None if let Some(name) = unread_extension(input) => {
            let inner = input.file_stem().map(Path::new);
            let tar = inner.is_some_and(tarred::is_tar)
                || input.extension().is_some_and(|e| {
                    e.eq_ignore_ascii_case("tbz2") || e.eq_ignore_ascii_case("txz")
                });
            let advice = if tar {
                // Piped in, a tar archive would be read as one stream.
                format!(
                    "a tar archive compressed with {name}, which stance does not read: \
                     recompress it (`{name} -dc {shown} | zstd -o stories.tar.zst`; stance \
                     reads .tar.gz and .tar.zst as they are) or extract it"
                )
            } else {
                unread_advice(name, Some(&shown), inner.and_then(Format::from_path))
            };
            return Err(Error::Usage(format!("input '{shown}' is {advice}")));
        }
        None => {
            return Err(Error::Usage(format!(
                "input '{shown}' has an unknown format (expected {KNOWN_EXTENSIONS}); \
                 use --format to name it"
            )));
        }
    };
    Ok(Root::File(InputFile {
        path: input.to_path_buf(),
        name: shown,
        key,
        format,
        compression: Compression::from_path(input),
        stdin: false,
        size: meta.len(),
        part: Part::Whole,
    }))
}

impl fmt::Debug for Corpus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Corpus")
            .field("roots", &self.roots)
            .finish_non_exhaustive()
    }
}

impl Corpus {
    /// The next entry to read from the walk, past skipped files and the
    /// entries [`retain`](Corpus::retain) leaves out, noted in the log.
    fn next_entry(&mut self) -> Option<WalkItem> {
        loop {
            let item = self.walk.next()?;
            if let WalkItem::Skipped(path) = item {
                self.log_skipped(vec![path]);
                continue;
            }
            if let WalkItem::OutputDir(path) = item {
                let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
                if log.output_dirs.len() < MAX_LISTED {
                    log.output_dirs.push(path);
                }
                continue;
            }
            self.entries_met += 1;
            if let Some(keep) = &self.keep
                && item.entry().is_some_and(|e| !keep(&e))
            {
                continue;
            }
            if let WalkItem::File(f) = &item {
                let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
                log.files += 1;
                if log.first_files.len() < MAX_LISTED {
                    log.first_files.push(f.listed());
                }
            }
            return Some(item);
        }
    }

    /// Notes files not read in the log: of an unknown format, inside a
    /// directory or an archive.
    fn log_skipped(&self, skipped: Vec<PathBuf>) {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        for path in skipped {
            log.skipped += 1;
            if log.first_skipped.len() < MAX_LISTED {
                log.first_skipped.push(path);
            }
        }
    }

    /// [`Iterator::next`] reading on this thread, one file at a time.
    fn next_here(&mut self) -> Option<std::result::Result<Document, Reject>> {
        loop {
            if let Some(open) = &mut self.current {
                let item = next_item(&mut open.source, &self.options);
                if let Some(skipped) = open.source.take_skipped() {
                    self.log_skipped(skipped);
                }
                match item {
                    Some(item) => return Some(item),
                    None => {
                        if let Some(open) = self.current.take() {
                            self.finish(&open);
                        }
                    }
                }
            }
            match self.next_entry()? {
                WalkItem::Reject(r, _) => return Some(Err(r)),
                WalkItem::File(file) => {
                    self.invalid_utf8
                        .entry
                        .store(self.entries_met - 1, Ordering::Relaxed);
                    let bytes_at_start = self.bytes_read.load(Ordering::Relaxed);
                    let mut file = file;
                    let source = open_source(
                        &mut file,
                        &self.options,
                        &self.bytes_read,
                        None,
                        &self.invalid_utf8,
                    );
                    self.current = Some(Open {
                        file,
                        bytes_at_start,
                        source,
                    });
                }
                WalkItem::Skipped(_) | WalkItem::OutputDir(_) => {}
            }
        }
    }
}

impl Iterator for Corpus {
    type Item = std::result::Result<Document, Reject>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.readers > 1 {
            self.next_ahead()
        } else {
            self.next_here()
        }
    }
}

impl Source {
    /// The files inside an archive that reading it has passed over since
    /// last asked (see [`Corpus::log_skipped`]), if any.
    fn take_skipped(&mut self) -> Option<Vec<PathBuf>> {
        match self {
            Source::Tar(src) if !src.skipped.is_empty() => Some(std::mem::take(&mut src.skipped)),
            _ => None,
        }
    }
}

/// The next item of a file being read.
fn next_item(
    source: &mut Source,
    options: &ReadOptions,
) -> Option<std::result::Result<Document, Reject>> {
    match source {
        Source::One(item) => item.take(),
        Source::Jsonl(src) => src.next(options),
        Source::Csv(src) => src.next(options),
        Source::Tar(src) => src.next(options),
        Source::Done => None,
    }
}

/// A [`Corpus`] whose items carry the number of their entry; see
/// [`Corpus::numbered`].
pub struct Numbered(Corpus);

impl Iterator for Numbered {
    type Item = (u64, std::result::Result<Document, Reject>);

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.0.next()?;
        // Read here, the entry an item comes from is the last one met: an
        // item is returned as soon as it is read. Read ahead, it is noted.
        let entry = if self.0.readers > 1 {
            self.0.item_entry
        } else {
            self.0.entries_met - 1
        };
        Some((entry, item))
    }
}

/// Compressed files of at least this many bytes (and standard input) are
/// decompressed on a thread of their own ([`decode_ahead`]); smaller ones by
/// the thread that reads them. Starting a thread for each file made a
/// directory of 20,000 one-story `.txt.gz` files (4 KB each) take 1.36 s on
/// two cores instead of 0.24 s for the same stories plain, most of it
/// system time; a 1 MB file decompresses in a few milliseconds.
const DECODE_AHEAD_MIN: u64 = 1 << 20;

/// Bytes in one chunk that [`decode_ahead`] passes on.
const AHEAD_CHUNK: usize = 256 * 1024;
/// Chunks [`decode_ahead`] decompresses ahead of the reader, at most. The
/// workers read in turn, a batch of up to 2 MB of text at a time, and the
/// one reading waits for the decompressor whenever it is not far enough
/// ahead: with 16 chunks (4 MB) UNGDC's `.gz` on two threads took 1.11-1.13
/// s, with 8 or 4, 1.14-1.16 s and 1.30-1.35 s.
const AHEAD_CHUNKS: usize = 16;

/// Reads a decompressor on a thread of its own, up to [`AHEAD_CHUNKS`]
/// chunks ahead, so that decompressing (more than half the cost of reading a
/// `.gz`) runs beside parsing and scoring rather than before them: with
/// `--threads 1` a second core decompresses, and on a machine with many
/// cores the one reading thread, which feeds every worker, keeps up with
/// more of them. Memory stays bounded (about 4.5 MB); an error of the
/// decompressor comes out of `read` as itself, after every byte before it; a
/// panic comes out as an error too (the bytes of its unfinished chunk are
/// lost with it, and the file's reject says the rest is skipped); when the
/// reader is dropped first, the thread stops at its next chunk.
fn decode_ahead<R: Read + Send + 'static>(mut inner: R) -> Chunks {
    let (tx, rx) = sync_channel::<io::Result<Vec<u8>>>(AHEAD_CHUNKS);
    let failed = tx.clone();
    let worker = std::thread::Builder::new()
        .name("stance-decompress".to_string())
        .spawn(move || {
            loop {
                let mut buf = vec![0u8; AHEAD_CHUNK];
                let (filled, error) = fill(&mut inner, &mut buf);
                let end = filled < buf.len();
                buf.truncate(filled);
                // A send fails only when the reader is gone: stop.
                if filled > 0 && tx.send(Ok(buf)).is_err() {
                    return;
                }
                if let Some(e) = error {
                    let _ = tx.send(Err(e));
                    return;
                }
                if end {
                    let _ = tx.send(Ok(Vec::new()));
                    return;
                }
            }
        });
    if let Err(e) = worker {
        let why = format!("cannot start a thread to decompress: {e}");
        let _ = failed.send(Err(io::Error::other(why)));
    }
    Chunks::new(rx, "the decompressing thread failed")
}

/// Reads `r` into `buf` until it is full or the data ends, through
/// interrupted reads: how many bytes it read, and the error that stopped it
/// first, if one did.
fn fill(r: &mut impl Read, buf: &mut [u8]) -> (usize, Option<io::Error>) {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (filled, Some(e)),
        }
    }
    (filled, None)
}

/// The bytes `r` holds, read in if it holds none (empty at the end), read
/// again when a signal interrupts the read.
fn buffered(r: &mut impl BufRead) -> io::Result<&[u8]> {
    loop {
        match r.fill_buf() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
            Ok(_) => break,
        }
    }
    // What was just filled, given again (a borrow returned from inside the
    // loop would outlive the loop's next call).
    r.fill_buf()
}

/// [`buffered`], setting `eof` on an error: a reader that failed is read
/// no further.
fn buffered_or_end<'r>(r: &'r mut impl BufRead, eof: &mut bool) -> io::Result<&'r [u8]> {
    buffered(r).inspect_err(|_| *eof = true)
}

/// The reading end of the chunks of bytes another thread sends, in order:
/// an empty chunk marks the end, an error ends them early (after every byte
/// before it), and the channel closing with neither (the thread panicked)
/// is the error `lost`, never the end. Dropping it lets the sending thread
/// stop at its next send.
struct Chunks {
    rx: Receiver<io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    pos: usize,
    done: bool,
    lost: &'static str,
}

impl Chunks {
    fn new(rx: Receiver<io::Result<Vec<u8>>>, lost: &'static str) -> Chunks {
        Chunks {
            rx,
            chunk: Vec::new(),
            pos: 0,
            done: false,
            lost,
        }
    }
}

impl Read for Chunks {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.chunk.len() {
            if self.done {
                return Ok(0);
            }
            match self.rx.recv() {
                Ok(Ok(chunk)) if chunk.is_empty() => self.done = true,
                Ok(Ok(chunk)) => {
                    self.chunk = chunk;
                    self.pos = 0;
                }
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(_) => {
                    self.done = true;
                    return Err(io::Error::other(self.lost));
                }
            }
        }
        let n = out.len().min(self.chunk.len() - self.pos);
        out[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Counts the bytes read through it into a shared counter.
struct CountingReader<R> {
    inner: R,
    counter: Arc<AtomicU64>,
    /// The file's own count, when it is read ahead (see [`Corpus::read_ahead`]).
    file_counter: Option<Arc<AtomicU64>>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        if let Some(c) = &self.file_counter {
            c.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// `path` relative to the directory `root` it was found in, with `/`
/// separators (the name of a walked file in ids and shard keys).
fn relative_name(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// How an input file is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compression {
    None,
    /// `.gz`: gzip, one member or several one after another.
    Gzip,
    /// `.zst` or `.zstd`: Zstandard, one frame or several.
    Zstd,
    /// A member of a zip archive, decompressed as it is opened (see
    /// [`zipped::decode`]): nothing more to undo here.
    Zip,
    /// A zip archive where a file was expected (on standard input, or
    /// named as some other format): not read.
    ZipArchive,
    /// Compressed in a format stance does not decompress (`bzip2`, `xz`,
    /// `lz4`), or an archive other than zip and tar (`7z`, `rar`), told by
    /// its magic number: not read, with what to do instead.
    Unread(&'static str),
}

/// Bytes at the start of a stream that tell how it is compressed: bzip2's
/// header and the magic number of its first block.
const SNIFF_BYTES: usize = 10;

/// The compressed formats and archives stance does not read, by extension
/// (lower case): their names in messages.
const UNREAD_EXTENSIONS: &[(&str, &str)] = &[
    ("bz2", "bzip2"),
    ("tbz2", "bzip2"),
    ("xz", "xz"),
    ("txz", "xz"),
    ("lz4", "lz4"),
    ("7z", "7z"),
    ("rar", "rar"),
];

/// What to do with `file`, compressed as `name` (one of
/// [`UNREAD_EXTENSIONS`]'s), for stance to read it: the command to pipe it
/// in names the file and its `format` when they are known.
fn unread_advice(name: &str, file: Option<&str>, format: Option<Format>) -> String {
    match name {
        "7z" | "rar" => format!(
            "a {name} archive, which stance does not read: extract it first (stance reads \
             .zip and tar archives as they are)"
        ),
        _ => format!(
            "compressed with {name}, which stance does not read: decompress it first, or pipe \
             it in (`{name} -dc {} | stance score - --format {}`; stance reads gzip and \
             Zstandard as they are)",
            file.unwrap_or("FILE"),
            format.map_or("…", Format::name),
        ),
    }
}

impl Compression {
    /// By the file's last extension (case-insensitive).
    fn from_path(path: &Path) -> Compression {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("gz") => Compression::Gzip,
            Some(e) if e.eq_ignore_ascii_case("zst") || e.eq_ignore_ascii_case("zstd") => {
                Compression::Zstd
            }
            _ => Compression::None,
        }
    }

    /// How `raw` is compressed, told by its first bytes (gzip's or
    /// Zstandard's magic number, a zip archive's, or those of what stance
    /// does not read: bzip2, xz, lz4, 7z, rar; text does not start with
    /// any of them), and a reader of all of it. A file's first read gives them with no read
    /// more; a pipe may give fewer than the [`SNIFF_BYTES`] looked at, at first.
    fn sniff(raw: Box<dyn Read + Send>) -> io::Result<(Compression, Box<dyn Read + Send>)> {
        fn of(head: &[u8]) -> Compression {
            // bzip2's "BZh" and block size, then (when seen) the magic
            // number of its first block or of an empty stream's end.
            const BZIP2_BLOCK: [&[u8]; 2] = [b"1AY&SY", &[0x17, 0x72, 0x45, 0x38, 0x50, 0x90]];
            match head {
                [0x1f, 0x8b, ..] => Compression::Gzip,
                [0x28, 0xb5, 0x2f, 0xfd, ..] => Compression::Zstd,
                [b'P', b'K', 3, 4, ..] => Compression::ZipArchive,
                [b'B', b'Z', b'h', b'1'..=b'9', rest @ ..]
                    if rest.len() < 6 || BZIP2_BLOCK.iter().any(|m| rest.starts_with(m)) =>
                {
                    Compression::Unread("bzip2")
                }
                [0xfd, b'7', b'z', b'X', ..] => Compression::Unread("xz"),
                [0x04, 0x22, 0x4d, 0x18, ..] => Compression::Unread("lz4"),
                [b'7', b'z', 0xbc, 0xaf, ..] => Compression::Unread("7z"),
                [b'R', b'a', b'r', b'!', ..] => Compression::Unread("rar"),
                _ => Compression::None,
            }
        }
        let (head, r) = peek(raw, SNIFF_BYTES)?;
        Ok((of(&head), r))
    }

    /// The name of the compressed format, for messages.
    fn name(self) -> &'static str {
        match self {
            Compression::None => "plain",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Zip => "zip",
            Compression::ZipArchive => "zip archive",
            Compression::Unread(name) => name,
        }
    }

    /// `raw` decompressed; with `ahead`, on a thread of its own ahead of
    /// the reader (see [`decode_ahead`]). Zstandard's decoder fails to start
    /// only when its context cannot be allocated or set.
    fn decoder(self, raw: Box<dyn Read + Send>, ahead: bool) -> io::Result<Box<dyn Read + Send>> {
        fn boxed<D: Read + Send + 'static>(d: D, ahead: bool) -> Box<dyn Read + Send> {
            if ahead {
                Box::new(decode_ahead(d))
            } else {
                Box::new(d)
            }
        }
        Ok(match self {
            Compression::None => raw,
            Compression::Zip => boxed(raw, ahead),
            Compression::ZipArchive => {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    "a zip archive: stance reads the files inside one named *.zip, not from \
                     standard input or under another name",
                ));
            }
            Compression::Unread(name) => {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    unread_advice(name, None, None),
                ));
            }
            Compression::Gzip => boxed(MultiGzDecoder::new(raw), ahead),
            Compression::Zstd => {
                let mut decoder = zstd::stream::read::Decoder::new(raw)?;
                // Frames made with `zstd --long=31` (as some big dumps
                // are) need a window of up to 2 GB, past libzstd's
                // default limit of 128 MB, which would refuse them as
                // "frame requires too much memory". The window is
                // allocated as the frame asks and filled as data comes.
                decoder.window_log_max(31)?;
                boxed(decoder, ahead)
            }
        })
    }
}

/// The first `n` bytes of `raw` (all of it if shorter), and a reader of
/// all of it, those bytes too. A file's first read gives them with no read
/// more; a pipe's short first read is topped up.
fn peek(raw: Box<dyn Read + Send>, n: usize) -> io::Result<(Vec<u8>, Box<dyn Read + Send>)> {
    let mut r = BufReader::new(raw);
    let first = loop {
        match r.fill_buf() {
            Ok(b) => break b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    };
    if first.len() >= n || first.is_empty() {
        let head = first[..first.len().min(n)].to_vec();
        return Ok((head, Box::new(r)));
    }
    let mut head = first.to_vec();
    r.consume(head.len());
    let mut byte = [0u8; 1];
    while head.len() < n {
        match r.read(&mut byte) {
            Ok(0) => break,
            Ok(_) => head.push(byte[0]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let all = io::Cursor::new(head.clone()).chain(r);
    Ok((head, Box::new(all)))
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
fn read_error_reason(e: &io::Error, compression: Compression) -> String {
    if let Some(damage) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<tarred::ArchiveDamage>())
    {
        return format!(
            "{damage}; the rest of the file, and the files after it in the archive, are not read"
        );
    }
    match corrupt_data(e, compression) {
        Some(corrupt) => format!("{corrupt}; the rest of the file is skipped"),
        None => format!("cannot read file: {}", describe_io(e)),
    }
}

/// `corrupt gzip data (…)`, when `e` is damage in data compressed with
/// `compression`.
fn corrupt_data(e: &io::Error, compression: Compression) -> Option<String> {
    let corrupt = match e.kind() {
        io::ErrorKind::InvalidData | io::ErrorKind::InvalidInput | io::ErrorKind::UnexpectedEof => {
            compression != Compression::None
        }
        // Zstandard's decoder reports damage ("unknown frame descriptor",
        // "restored data doesn't match checksum") as `Other`.
        io::ErrorKind::Other => compression == Compression::Zstd,
        _ => false,
    };
    corrupt.then(|| format!("corrupt {} data ({})", compression.name(), describe_io(e)))
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

/// Why a record's date was not read: ambiguous (`08/01/2021` with no
/// `--date-order`, when either order makes a date) or unreadable.
fn unreadable_date(value: &str, order: Option<DateOrder>) -> String {
    let shown = quote(value);
    if !DocDate::needs_order(value) {
        return format!("unreadable date '{shown}'");
    }
    match order {
        Some(order) => format!(
            "unreadable date '{shown}' (not a date when read as {}, from --date-order {order})",
            order.describe()
        ),
        None if [DateOrder::Dmy, DateOrder::Mdy]
            .iter()
            .any(|&o| DocDate::parse_in(value, Some(o)).is_some()) =>
        {
            format!("ambiguous date '{shown}' (day or month first? give --date-order dmy or mdy)")
        }
        None => format!("unreadable date '{shown}'"),
    }
}

/// Reads a whole `.txt` file as one document.
fn read_txt(
    file: &InputFile,
    reader: Box<dyn Read + Send>,
    options: &ReadOptions,
    invalid_utf8: &InvalidUtf8,
) -> std::result::Result<Document, Reject> {
    let shown = file.shown();
    let reject = |reason: String| Reject {
        input: shown.clone(),
        location: String::new(),
        reason,
    };
    let max = options.max_doc_bytes;
    if file.compression == Compression::None && !file.stdin && file.size > max as u64 {
        return Err(reject(too_big(file.size, max)));
    }
    let mut bytes = Vec::new();
    let mut limited = reader.take((max as u64).saturating_add(1));
    limited
        .read_to_end(&mut bytes)
        .map_err(|e| reject(read_error_reason(&e, file.compression)))?;
    if bytes.len() > max {
        // Count the rest, to say how big the document is.
        let mut rest = limited.into_inner();
        let more = io::copy(&mut rest, &mut io::sink()).unwrap_or(0);
        return Err(reject(too_big(bytes.len() as u64 + more, max)));
    }
    let (text, invalid, windows_1252) = decode_text(&bytes).map_err(reject)?;
    invalid_utf8.add(invalid, &shown, "");
    if windows_1252 {
        invalid_utf8.add_windows_1252(&shown, "");
    }
    let date = options
        .date
        .or_else(|| DocDate::from_path(&file.name))
        .or_else(|| DocDate::from_path(&shown));
    Ok(Document {
        id: file.name.clone(),
        date,
        text,
        fields: BTreeMap::new(),
    })
}

/// Decodes a text file: UTF-8 (a BOM stripped), UTF-16 with a BOM, else
/// windows-1252. A file with NUL bytes (not UTF-16) is binary: an error.
///
/// Without a BOM, a file that is not valid UTF-8 is still read as UTF-8 when
/// its valid multi-byte characters outnumber its invalid sequences (a UTF-8
/// story with a stray byte keeps its curly quotes); otherwise it is
/// windows-1252, where every byte is a character. Returns the text and the
/// number of invalid sequences replaced by U+FFFD.
fn decode_text(bytes: &[u8]) -> std::result::Result<(String, u64, bool), String> {
    let binary = || Err("binary file (contains NUL bytes)".to_string());
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = &bytes[bom..];
        if encoding == encoding_rs::UTF_8 {
            if body.contains(&0) {
                return binary();
            }
            let invalid = invalid_utf8_sequences(body);
            return Ok((String::from_utf8_lossy(body).into_owned(), invalid, false));
        }
        let (text, had_errors) = encoding.decode_without_bom_handling(body);
        let invalid = if had_errors {
            // U+FFFD in the output that were not U+FFFD in the input.
            let be = encoding == encoding_rs::UTF_16BE;
            let genuine = body
                .chunks_exact(2)
                .filter(|u| {
                    let unit = if be {
                        u16::from_be_bytes([u[0], u[1]])
                    } else {
                        u16::from_le_bytes([u[0], u[1]])
                    };
                    unit == 0xfffd
                })
                .count();
            text.chars()
                .filter(|&c| c == '\u{fffd}')
                .count()
                .saturating_sub(genuine) as u64
        } else {
            0
        };
        return Ok((text.into_owned(), invalid, false));
    }
    if bytes.contains(&0) {
        return binary();
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), 0, false));
    }
    // Not UTF-8: decoded as one record is (see `decode_record`).
    let (mut text, decoded) = decode_record(&[bytes]);
    let text = text.pop().unwrap_or_default().into_owned();
    Ok(match decoded {
        Decoded::Windows1252 => (text, 0, true),
        Decoded::Replaced(invalid) => (text, invalid, false),
        Decoded::Utf8 => (text, 0, false),
    })
}

/// The valid non-ASCII characters and the invalid sequences of `bytes`
/// read as UTF-8.
fn utf8_tally(bytes: &[u8]) -> (u64, u64) {
    let mut multibyte = 0u64;
    let mut invalid = 0u64;
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count() as u64;
        invalid += !chunk.invalid().is_empty() as u64;
    }
    (multibyte, invalid)
}

/// A CSV or JSON input as UTF-8: one that starts with a UTF-16
/// byte-order mark (Excel's "Unicode text") is decoded from UTF-16,
/// streaming, by the `encoding_rs_io` crate; any other is passed on as it
/// is (a record that is not UTF-8 is decoded on its own, see
/// [`decode_record`]). A read error met looking at the first bytes is
/// given to the reader after them.
fn as_utf8(mut reader: Box<dyn Read + Send>) -> Box<dyn Read + Send> {
    let mut head = Vec::with_capacity(2);
    let mut error = None;
    let mut limited = (&mut reader).take(2);
    loop {
        match limited.read_to_end(&mut head) {
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    let utf16 = matches!(head[..], [0xff, 0xfe] | [0xfe, 0xff]);
    let replay = Replay {
        head: io::Cursor::new(head),
        error,
        rest: reader,
    };
    if utf16 {
        Box::new(encoding_rs_io::DecodeReaderBytesBuilder::new().build(replay))
    } else {
        Box::new(replay)
    }
}

/// How a record's bytes were decoded (see [`decode_record`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decoded {
    /// Valid UTF-8.
    Utf8,
    /// UTF-8 with this many invalid sequences replaced by U+FFFD.
    Replaced(u64),
    /// Not UTF-8: read as Windows-1252.
    Windows1252,
}

/// Decodes one record's bytes (`parts`: a JSON line, or a CSV record's
/// fields), as a `.txt` file's are ([`decode_text`]): UTF-8; or, when it
/// is not and its invalid sequences are at least as many as its valid
/// non-ASCII characters, Windows-1252 (a spreadsheet's "CSV" saved on
/// Windows, where `Côte d’Ivoire` has two bytes that are not UTF-8 and no
/// valid multi-byte character; a UTF-8 story with a stray byte keeps its
/// curly quotes); otherwise UTF-8 with the invalid sequences replaced. The record is the
/// unit, as the file is for `.txt`: a stray byte in one story of a UTF-8
/// corpus touches that story only.
fn decode_record<'a>(parts: &[&'a [u8]]) -> (Vec<std::borrow::Cow<'a, str>>, Decoded) {
    use std::borrow::Cow;
    if let Ok(text) = parts
        .iter()
        .map(|p| std::str::from_utf8(p))
        .collect::<std::result::Result<Vec<_>, _>>()
    {
        return (text.into_iter().map(Cow::Borrowed).collect(), Decoded::Utf8);
    }
    let (multibyte, invalid) = parts
        .iter()
        .map(|p| utf8_tally(p))
        .fold((0, 0), |(m, i), (pm, pi)| (m + pm, i + pi));
    if multibyte <= invalid {
        let text = parts
            .iter()
            .map(|p| encoding_rs::WINDOWS_1252.decode_without_bom_handling(p).0)
            .collect();
        return (text, Decoded::Windows1252);
    }
    let text = parts.iter().map(|p| String::from_utf8_lossy(p)).collect();
    (text, Decoded::Replaced(invalid))
}

/// The bytes [`as_utf8`] looked at, then the error it met (if any), then
/// the rest of the input.
struct Replay {
    head: io::Cursor<Vec<u8>>,
    error: Option<io::Error>,
    rest: Box<dyn Read + Send>,
}

impl Read for Replay {
    /// The head's bytes and, in the same call, as many of the rest as one
    /// read gives: the readers look at their first buffer to tell a
    /// file's layout and delimiter, which two bytes would not show.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.head.read(buf)?;
        if n == 0 {
            if let Some(e) = self.error.take() {
                return Err(e);
            }
            return self.rest.read(buf);
        }
        if n == buf.len() || self.error.is_some() {
            return Ok(n);
        }
        match self.rest.read(&mut buf[n..]) {
            Ok(more) => Ok(n + more),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(n),
            Err(e) => {
                // Given after the head's bytes, by the next call.
                self.error = Some(e);
                Ok(n)
            }
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
        let newline = find_newline(available);
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

/// The position of the first `\n` in `bytes`.
///
/// The same as `bytes.iter().position(|&b| b == b'\n')`, but through the
/// `memchr` crate, which compares 32 bytes at a step where the processor
/// has AVX2 (the standard library's search takes 8): a JSON Lines record
/// is a whole document, so this scan runs over every byte of the input.
fn find_newline(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', bytes)
}

/// Reading a JSON Lines file.
struct JsonlSource {
    /// The file as given or walked, for rejects.
    input: String,
    /// The name for default ids.
    name: String,
    compression: Compression,
    reader: BufReader<Box<dyn Read + Send>>,
    /// The number of the last line read (1-based); 0 before the first.
    line: usize,
    buf: Vec<u8>,
    /// Set after a read error: the rest of the file is skipped.
    done: bool,
    /// Where invalid UTF-8 is counted.
    invalid_utf8: Arc<InvalidUtf8>,
    /// How the file holds its records, known once its start is seen.
    layout: JsonLayout,
    /// In an array or a stream of values, the number of the last record
    /// read (1-based).
    record_no: usize,
    /// The line where record [`JsonlSource::record_no`] begins.
    record_line: usize,
    /// In an array: its `[` and its `]` have been passed.
    opened: bool,
    closed: bool,
    /// With `--records-field`, the records of the last value read that are
    /// still to be given.
    /// (Filled by [`JsonlSource::record`], which borrows the reader's
    /// buffer and so takes `&self`.)
    pending: std::cell::RefCell<std::collections::VecDeque<std::result::Result<Document, Reject>>>,
}

/// How a JSON input holds its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JsonLayout {
    /// Not looked at yet.
    Unknown,
    /// JSON Lines: one record per line.
    Lines,
    /// One JSON array of records (`[{...},{...}]`, on one line or many), as
    /// Scrapy's and pandas' `.json` exports write them.
    Array,
    /// Records written over several lines each, one after another
    /// (pretty-printed objects, one file per story).
    Stream,
}

impl JsonLayout {
    /// The layout of a JSON input that begins with `start` (as much of the
    /// file as is buffered): an array if its first value opens with `[`;
    /// records over many lines if the first line is a lone `{`; else JSON
    /// Lines.
    fn of(start: &[u8]) -> JsonLayout {
        let start = start.strip_prefix(b"\xef\xbb\xbf").unwrap_or(start);
        let Some(first) = start.iter().position(|b| !b.is_ascii_whitespace()) else {
            return JsonLayout::Lines;
        };
        let rest = &start[first..];
        match rest[0] {
            b'[' => JsonLayout::Array,
            // Pretty-printers (Python's `json.dump(indent=…)`, `jq`) put
            // the opening brace on a line of its own; a JSON Lines file
            // never does, not even with a broken first line.
            b'{' if find_newline(rest).is_some_and(|end| rest[1..end].trim_ascii().is_empty()) => {
                JsonLayout::Stream
            }
            _ => JsonLayout::Lines,
        }
    }
}

/// What [`JsonlSource::next_value`] found.
enum JsonValue {
    /// A value of this many bytes (its first `max_doc_bytes + 1` in the
    /// buffer), starting on this line.
    Value { length: usize, line: usize },
    /// The end of the array or of the input.
    End,
    /// The array or stream is broken: `(location, reason)`; the rest of
    /// the file is skipped.
    Broken(String, String),
}

impl JsonlSource {
    /// A JSON source reading `reader`, named `input` in rejects and `name`
    /// in default ids, its layout not yet known.
    fn new(
        input: String,
        name: String,
        compression: Compression,
        reader: BufReader<Box<dyn Read + Send>>,
        invalid_utf8: Arc<InvalidUtf8>,
    ) -> JsonlSource {
        JsonlSource {
            input,
            name,
            compression,
            reader,
            line: 0,
            buf: Vec::new(),
            done: false,
            invalid_utf8,
            layout: JsonLayout::Unknown,
            record_no: 0,
            record_line: 0,
            opened: false,
            closed: false,
            pending: Default::default(),
        }
    }

    fn next(&mut self, options: &ReadOptions) -> Option<std::result::Result<Document, Reject>> {
        if let Some(item) = self.pending.get_mut().pop_front() {
            return Some(item);
        }
        if self.layout == JsonLayout::Unknown {
            self.layout = loop {
                match self.reader.fill_buf() {
                    Ok(start) => break JsonLayout::of(start),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    // A reader need not give the same error twice (a
                    // file that is not gzip): report this one.
                    Err(e) => {
                        self.layout = JsonLayout::Lines;
                        self.done = true;
                        self.line = 1;
                        return Some(Err(self.reject(read_error_reason(&e, self.compression))));
                    }
                }
            };
        }
        if self.layout != JsonLayout::Lines {
            return self.next_in_values(options);
        }
        while !self.done {
            // Fast path: a whole line (and its `\n`) already in the reader's
            // buffer is read from there, not copied into `buf` first. That
            // is every line but the few that cross the end of the buffer or
            // of the file, which `read_line_bounded` reads as before.
            let buffered = loop {
                match self.reader.fill_buf() {
                    Ok(available) => {
                        break Ok(find_newline(available)
                            .filter(|&end| end <= options.max_doc_bytes)
                            .ok_or(available.is_empty()));
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => break Err(e),
                }
            };
            let read = match buffered {
                Ok(Ok(end)) => {
                    self.line += 1;
                    let item = self.record(&self.reader.buffer()[..end], options);
                    self.reader.consume(end + 1);
                    match item {
                        Some(item) => return Some(item),
                        None => continue,
                    }
                }
                // The end of the input, as `read_line_bounded` would say.
                Ok(Err(true)) => Ok(None),
                Ok(Err(false)) => {
                    read_line_bounded(&mut self.reader, &mut self.buf, options.max_doc_bytes)
                }
                Err(e) => Err(e),
            };
            self.line += 1;
            let length = match read {
                Ok(Some(length)) => length,
                Ok(None) => return None,
                Err(e) => {
                    self.done = true;
                    return Some(Err(self.reject(read_error_reason(&e, self.compression))));
                }
            };
            if length > options.max_doc_bytes {
                return Some(Err(
                    self.reject(too_big(length as u64, options.max_doc_bytes))
                ));
            }
            if let Some(item) = self.record(&self.buf, options) {
                return Some(item);
            }
        }
        None
    }

    /// [`JsonlSource::next`] in a JSON array or a stream of values: each
    /// value is a record, numbered from 1 for rejects and default ids.
    fn next_in_values(
        &mut self,
        options: &ReadOptions,
    ) -> Option<std::result::Result<Document, Reject>> {
        if let Some(item) = self.pending.get_mut().pop_front() {
            return Some(item);
        }
        while !self.done {
            let found = self.next_value(options.max_doc_bytes);
            let (length, line) = match found {
                Ok(JsonValue::Value { length, line }) => (length, line),
                Ok(JsonValue::End) => return None,
                Ok(JsonValue::Broken(location, reason)) => {
                    self.done = true;
                    return Some(Err(Reject {
                        input: self.input.clone(),
                        location,
                        reason,
                    }));
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(self.reject(read_error_reason(&e, self.compression))));
                }
            };
            self.record_no += 1;
            self.record_line = line;
            if length > options.max_doc_bytes {
                return Some(Err(
                    self.reject(too_big(length as u64, options.max_doc_bytes))
                ));
            }
            let buf = std::mem::take(&mut self.buf);
            let item = self.record(&buf, options);
            self.buf = buf;
            if let Some(item) = item {
                return Some(item);
            }
        }
        None
    }

    /// The next value of a JSON array or stream of values, copied into
    /// `buf` (at most `max + 1` bytes of it). Strings and nesting are
    /// followed only as far as finding where the value ends: the value
    /// itself is then read as a record, and rejected alone if it is not
    /// one. Commas between values are passed over, in an array or not.
    fn next_value(&mut self, max: usize) -> io::Result<JsonValue> {
        self.buf.clear();
        let array = self.layout == JsonLayout::Array;
        if self.record_no == 0 && self.line == 0 {
            self.line = 1;
            if self.reader.fill_buf()?.starts_with(b"\xef\xbb\xbf") {
                self.reader.consume(3);
            }
        }
        // Up to the value's first byte.
        let first = loop {
            let Some(b) = self.peek()? else {
                return Ok(if array && !self.closed {
                    JsonValue::Broken(
                        format!("line {}", self.line),
                        format!(
                            "the JSON array is not closed: the file ends after record {}",
                            self.record_no
                        ),
                    )
                } else {
                    JsonValue::End
                });
            };
            match b {
                b' ' | b'\t' | b'\r' | b'\n' | b',' => self.bump(b),
                b'[' if array && !self.opened => {
                    self.opened = true;
                    self.bump(b);
                }
                b']' if array && !self.closed => {
                    self.closed = true;
                    self.bump(b);
                }
                _ if self.closed => {
                    return Ok(JsonValue::Broken(
                        format!("line {}", self.line),
                        format!(
                            "content after the closing ] of the JSON array: {}; the rest of the file is skipped",
                            shown_byte(b)
                        ),
                    ));
                }
                _ => break b,
            }
        };
        let start_line = self.line;
        let mut length = 0usize;
        let mut keep = |buf: &mut Vec<u8>, bytes: &[u8]| {
            let room = (max + 1).saturating_sub(buf.len());
            buf.extend_from_slice(&bytes[..bytes.len().min(room)]);
            length += bytes.len();
        };
        if !matches!(first, b'{' | b'[' | b'"') {
            // A bare number, `true` or `null`, or a stray `}`: its first
            // byte, then up to the next separator.
            keep(&mut self.buf, &[first]);
            self.bump(first);
            while let Some(b) = self.peek()? {
                if matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b',' | b']' | b'}') {
                    break;
                }
                keep(&mut self.buf, &[b]);
                self.bump(b);
            }
            return Ok(JsonValue::Value {
                length,
                line: start_line,
            });
        }
        let mut depth = 0usize;
        let mut in_string = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                return Ok(JsonValue::Broken(
                    format!("record {} (line {start_line})", self.record_no + 1),
                    "the file ends inside this record".to_string(),
                ));
            }
            // The bytes of this buffer that belong to the value.
            let mut end = None;
            let mut i = 0;
            while i < available.len() {
                if in_string {
                    // Most of a record is the text of its strings.
                    match memchr::memchr2(b'"', b'\\', &available[i..]) {
                        None => i = available.len(),
                        Some(j) if available[i + j] == b'\\' => i += j + 2,
                        Some(j) => {
                            i += j + 1;
                            in_string = false;
                            // A string that is the whole value ends here.
                            if depth == 0 {
                                end = Some(i);
                                break;
                            }
                        }
                    }
                    continue;
                }
                match available[i] {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            // An escape's second byte may lie past this buffer.
            let take = end.unwrap_or(available.len()).min(available.len());
            let chunk = &available[..take];
            self.line += chunk.iter().filter(|&&c| c == b'\n').count();
            keep(&mut self.buf, chunk);
            let skip_escaped = i > available.len();
            self.reader.consume(take);
            if skip_escaped {
                // The byte after a `\\` that ended the buffer.
                if let Some(b) = self.peek()? {
                    keep(&mut self.buf, &[b]);
                    self.bump(b);
                }
            }
            if end.is_some() {
                return Ok(JsonValue::Value {
                    length,
                    line: start_line,
                });
            }
        }
    }

    /// The next byte of the input, not consumed; `None` at its end.
    fn peek(&mut self) -> io::Result<Option<u8>> {
        loop {
            match self.reader.fill_buf() {
                Ok(available) => return Ok(available.first().copied()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Consumes byte `b`, just peeked, counting lines.
    fn bump(&mut self, b: u8) {
        if b == b'\n' {
            self.line += 1;
        }
        self.reader.consume(1);
    }

    /// A reject of line [`JsonlSource::line`], or in an array or stream of
    /// values, of record [`JsonlSource::record_no`] begun on that line.
    fn reject(&self, reason: String) -> Reject {
        Reject {
            input: self.input.clone(),
            location: self.location(),
            reason,
        }
    }

    /// `line N`, or in an array or stream of values `record N (line L)`.
    fn location(&self) -> String {
        match self.layout {
            JsonLayout::Array | JsonLayout::Stream if self.record_no > 0 => {
                format!("record {} (line {})", self.record_no, self.record_line)
            }
            _ => format!("line {}", self.line),
        }
    }

    /// The document or reject for line [`JsonlSource::line`], whose bytes
    /// (without the `\n`, at most `max_doc_bytes`) are `bytes`; `None` for a
    /// blank line, which is skipped.
    fn record(
        &self,
        bytes: &[u8],
        options: &ReadOptions,
    ) -> Option<std::result::Result<Document, Reject>> {
        let mut bytes = bytes;
        if self.line == 1 {
            bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        // Valid UTF-8 (the usual case) is borrowed after one fast check.
        let (text, decoded) = match std::str::from_utf8(bytes) {
            Ok(t) => (std::borrow::Cow::Borrowed(t), Decoded::Utf8),
            Err(_) => {
                let (mut text, decoded) = decode_record(&[bytes]);
                (text.pop().unwrap_or_default(), decoded)
            }
        };
        // Default ids number the lines, or the records of an array.
        let number = match self.layout {
            JsonLayout::Array | JsonLayout::Stream => self.record_no,
            JsonLayout::Lines | JsonLayout::Unknown => self.line,
        };
        if let Some(path) = &options.records_field {
            return self.records_inside(&text, path, number, decoded, options);
        }
        let record = match flat_record(&text, &self.name, number, options) {
            Some(document) => Ok(document),
            None => match self.layout {
                JsonLayout::Array | JsonLayout::Stream => parse_json(&text).and_then(|value| {
                    let name = &self.name;
                    document_from_json(value, "element", || format!("{name}:{number}"), options)
                }),
                JsonLayout::Lines | JsonLayout::Unknown => {
                    jsonl_record(&text, &self.name, number, options)
                }
            },
        };
        let record = record.map_err(|reason| self.reject(reason));
        if record.is_ok() {
            match decoded {
                Decoded::Utf8 => {}
                Decoded::Replaced(n) => self.invalid_utf8.add(n, &self.input, &self.location()),
                Decoded::Windows1252 => self
                    .invalid_utf8
                    .add_windows_1252(&self.input, &self.location()),
            }
        }
        Some(record)
    }

    /// With `--records-field`: the records of the array at `path` inside
    /// the value `text` (line or record `number`), queued in `pending`;
    /// the first of them, or a reject for the value when it has no such
    /// array, or `None` for an empty one.
    fn records_inside(
        &self,
        text: &str,
        path: &str,
        number: usize,
        decoded: Decoded,
        options: &ReadOptions,
    ) -> Option<std::result::Result<Document, Reject>> {
        use serde_json::Value;
        let found = parse_json(text).and_then(|value| {
            let mut at = value;
            for field in path.split('.') {
                let Value::Object(mut map) = at else {
                    return Err(format!(
                        "not a JSON object but {} where --records-field {path} looks for '{field}'",
                        json_type(&at)
                    ));
                };
                at = map.remove(field).ok_or_else(|| {
                    format!(
                        "no field '{field}' (--records-field {path} names the array of records)"
                    )
                })?;
            }
            match at {
                Value::Array(records) => Ok(records),
                other => Err(format!(
                    "'{path}' is {}, not an array of records",
                    json_type(&other)
                )),
            }
        });
        let records = match found {
            Ok(records) => records,
            Err(reason) => return Some(Err(self.reject(reason))),
        };
        let location = self.location();
        match decoded {
            Decoded::Utf8 => {}
            Decoded::Replaced(n) => self.invalid_utf8.add(n, &self.input, &location),
            Decoded::Windows1252 => self.invalid_utf8.add_windows_1252(&self.input, &location),
        }
        let mut pending = self.pending.borrow_mut();
        for (k, record) in records.into_iter().enumerate() {
            let name = &self.name;
            let item = document_from_json(
                record,
                "element",
                || format!("{name}:{number}.{}", k + 1),
                options,
            )
            .map_err(|reason| Reject {
                input: self.input.clone(),
                location: format!("{location}, element {}", k + 1),
                reason,
            });
            pending.push_back(item);
        }
        pending.pop_front()
    }
}

/// For a reason: the fields of a record that hold strings, other than its
/// id and date, the candidates for `--text-field` (`; its string fields:
/// body, title`), at most eight; empty if it has none.
fn string_fields(
    map: &serde_json::Map<String, serde_json::Value>,
    options: &ReadOptions,
) -> String {
    // Nested ones by their dotted path, as --text-field takes them.
    fn walk(map: &serde_json::Map<String, serde_json::Value>, prefix: &str, out: &mut Vec<String>) {
        for (key, value) in map {
            let name = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                serde_json::Value::String(_) => out.push(name),
                serde_json::Value::Object(inner) => walk(inner, &name, out),
                _ => {}
            }
        }
    }
    let mut all = Vec::new();
    walk(map, "", &mut all);
    let names: Vec<&str> = all
        .iter()
        .map(String::as_str)
        .filter(|k| *k != options.id_field && *k != options.date_field)
        .take(8)
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!("; its string fields: {}", names.join(", "))
    }
}

/// A byte as a reason shows it: `'x'` if printable ASCII, else its value.
fn shown_byte(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", b as char)
    } else {
        format!("byte 0x{b:02x}")
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
    let value = parse_json(line)?;
    document_from_json(value, "line", || format!("{name}:{line_no}"), options)
}

/// A JSON value, or why it is not one. Python's `NaN` and `Infinity` are
/// read as null.
fn parse_json(line: &str) -> std::result::Result<serde_json::Value, String> {
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
    Ok(value)
}

/// The document a JSON record holds; `default_id` names it when it has no
/// id of its own. `unit` is what holds one record (`line`, `element`), for
/// the reason when the value is no object.
fn document_from_json(
    value: serde_json::Value,
    unit: &str,
    default_id: impl FnOnce() -> String,
    options: &ReadOptions,
) -> std::result::Result<Document, String> {
    use serde_json::Value;
    let Value::Object(mut map) = value else {
        return Err(format!(
            "not a JSON object but {} (each {unit} must be one {{...}} record)",
            json_type(&value)
        ));
    };
    let text = if options.joins_text() {
        // Several fields: those present, null or empty ones left out.
        let mut parts = Vec::new();
        let mut present = false;
        for field in options.text_fields() {
            match take_path(&mut map, field) {
                None | Some(Value::Null) => {}
                Some(value) => {
                    present = true;
                    let part = text_of(value, field)?;
                    if !part.trim().is_empty() {
                        parts.push(part);
                    }
                }
            }
        }
        if !present {
            return Err(format!(
                "none of the text fields '{}' (use --text-field to name them{})",
                options.text_fields().collect::<Vec<_>>().join("', '"),
                string_fields(&map, options)
            ));
        }
        parts.join(TEXT_FIELD_JOIN)
    } else {
        match take_path(&mut map, options.text_field.trim()) {
            Some(value) => text_of(value, &options.text_field)?,
            None => {
                return Err(format!(
                    "no text field '{}' (use --text-field to name it{})",
                    options.text_field,
                    string_fields(&map, options)
                ));
            }
        }
    };
    let id = match take_path(&mut map, &options.id_field) {
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
    let id = id.filter(|s| !s.is_empty()).unwrap_or_else(default_id);
    let date = match take_path(&mut map, &options.date_field) {
        None | Some(Value::Null) => options.date,
        Some(Value::String(s)) if s.trim().is_empty() => options.date,
        Some(Value::String(s)) => Some(
            DocDate::parse_in(&s, options.date_order)
                .ok_or_else(|| unreadable_date(&s, options.date_order))?,
        ),
        Some(Value::Number(n)) => {
            let s = n.to_string();
            Some(DocDate::parse(&s).ok_or_else(|| unreadable_date(&s, None))?)
        }
        Some(other) => return Err(unreadable_date(&other.to_string(), None)),
    };
    let mut fields = BTreeMap::new();
    scalar_fields(map, "", &mut fields);
    Ok(Document {
        id,
        date,
        text,
        fields,
    })
}

/// Takes the value a field names out of `map`: the key itself, or, for a
/// dotted path that is no key (`fields.bodyText`, `source.name`), the
/// value down the nested objects it names.
fn take_path(
    map: &mut serde_json::Map<String, serde_json::Value>,
    path: &str,
) -> Option<serde_json::Value> {
    if let Some(value) = map.remove(path) {
        return Some(value);
    }
    for (dot, _) in path.match_indices('.') {
        if let Some(serde_json::Value::Object(inner)) = map.get_mut(&path[..dot])
            && let Some(value) = take_path(inner, &path[dot + 1..])
        {
            return Some(value);
        }
    }
    None
}

/// A text field's value as text: a string, or a list of strings (the
/// paragraphs of a story), joined as paragraphs.
fn text_of(value: serde_json::Value, field: &str) -> std::result::Result<String, String> {
    use serde_json::Value;
    let not_text = |what: &str| {
        format!(
            "text field '{field}' is {what}, not a string or a list of strings (use \
             --text-field to name another)"
        )
    };
    match value {
        Value::String(text) => Ok(text),
        Value::Array(items) => {
            let mut parts = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(part) if part.trim().is_empty() => {}
                    Value::String(part) => parts.push(part),
                    Value::Null => {}
                    other => {
                        return Err(not_text(&format!("a list holding {}", json_type(&other))));
                    }
                }
            }
            Ok(parts.join(TEXT_FIELD_JOIN))
        }
        other => Err(not_text(json_type(&other))),
    }
}

/// The scalar fields of a record (strings; numbers and booleans as text)
/// into `out`, those of nested objects under dotted names (`source.name`),
/// as `--speaker-field` and the like name them.
fn scalar_fields(
    map: serde_json::Map<String, serde_json::Value>,
    prefix: &str,
    out: &mut BTreeMap<String, String>,
) {
    use serde_json::Value;
    for (key, value) in map {
        let name = if prefix.is_empty() {
            key
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::String(s) => {
                out.insert(name, s);
            }
            Value::Number(n) => {
                out.insert(name, n.to_string());
            }
            Value::Bool(b) => {
                out.insert(name, b.to_string());
            }
            Value::Object(inner) => scalar_fields(inner, &name, out),
            Value::Null | Value::Array(_) => {}
        }
    }
}

/// A record's id: its own when it has a non-empty one, else `name:line`.
fn record_id(id: Option<String>, name: &str, line_no: usize) -> String {
    id.filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("{name}:{line_no}"))
}

/// A value of a flat JSON record, as [`flat_record`] reads it.
#[derive(Debug)]
enum FlatValue {
    String(String),
    /// An integer, printed as `serde_json` prints one back.
    Integer(String),
    Bool(bool),
    Null,
}

impl<'de> serde::Deserialize<'de> for FlatValue {
    /// A string, an integer, a boolean or null; anything else (a fraction,
    /// an array, an object) is an error, which leaves the line to
    /// [`jsonl_record`].
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = FlatValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, an integer, a boolean or null")
            }
            fn visit_str<E>(self, s: &str) -> std::result::Result<FlatValue, E> {
                Ok(FlatValue::String(s.to_owned()))
            }
            fn visit_string<E>(self, s: String) -> std::result::Result<FlatValue, E> {
                Ok(FlatValue::String(s))
            }
            fn visit_i64<E>(self, n: i64) -> std::result::Result<FlatValue, E> {
                Ok(FlatValue::Integer(n.to_string()))
            }
            fn visit_u64<E>(self, n: u64) -> std::result::Result<FlatValue, E> {
                Ok(FlatValue::Integer(n.to_string()))
            }
            fn visit_bool<E>(self, b: bool) -> std::result::Result<FlatValue, E> {
                Ok(FlatValue::Bool(b))
            }
            fn visit_unit<E>(self) -> std::result::Result<FlatValue, E> {
                Ok(FlatValue::Null)
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// The fields of a flat JSON record in the order written.
struct FlatRecord(Vec<(String, FlatValue)>);

impl<'de> serde::Deserialize<'de> for FlatRecord {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = FlatRecord;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object of strings, integers, booleans and nulls")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<FlatRecord, A::Error> {
                let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(entry) = map.next_entry()? {
                    fields.push(entry);
                }
                Ok(FlatRecord(fields))
            }
        }
        d.deserialize_map(Visitor)
    }
}

/// The fast path of [`jsonl_record`]: the document of a *flat* record (one
/// object whose values are strings, integers, booleans or nulls, each key
/// once), read by [`flat::parse`] (or, for a line it declines, by
/// `serde_json`) straight into the document's strings.
///
/// Going through `serde_json::Value` costs a map, and a `Value` for every
/// field that is then taken apart again; here the fields are read into a
/// plain list and moved into the document.
///
/// `None` for anything else: nested values, numbers with a fraction or an
/// exponent, `NaN`, a repeated key, a date that does not parse, or malformed
/// JSON. [`jsonl_record`] then reads the line, so documents, rejects and
/// their reasons are always its own.
fn flat_record(line: &str, name: &str, line_no: usize, options: &ReadOptions) -> Option<Document> {
    if options.joins_text() {
        return None;
    }
    let FlatRecord(record) = flat::parse(line).or_else(|| serde_json::from_str(line).ok())?;
    let (mut text, mut id, mut date) = (None, None, None);
    let mut fields = BTreeMap::new();
    for (key, value) in record {
        let slot = if key == options.text_field {
            &mut text
        } else if key == options.id_field {
            &mut id
        } else if key == options.date_field {
            &mut date
        } else {
            let value = match value {
                FlatValue::String(s) | FlatValue::Integer(s) => Some(s),
                FlatValue::Bool(b) => Some(b.to_string()),
                FlatValue::Null => None,
            };
            // A repeated key: the slow path knows which copy wins.
            if fields.insert(key, value).is_some() {
                return None;
            }
            continue;
        };
        if slot.replace(value).is_some() {
            return None;
        }
    }
    let Some(FlatValue::String(text)) = text else {
        return None;
    };
    let id = match id {
        None | Some(FlatValue::Null) => None,
        Some(FlatValue::String(s) | FlatValue::Integer(s)) => Some(s),
        Some(FlatValue::Bool(b)) => Some(b.to_string()),
    };
    let id = record_id(id, name, line_no);
    let date = match date {
        None | Some(FlatValue::Null) => options.date,
        Some(FlatValue::String(s)) if s.trim().is_empty() => options.date,
        Some(FlatValue::String(s) | FlatValue::Integer(s)) => {
            Some(DocDate::parse_in(&s, options.date_order)?)
        }
        Some(FlatValue::Bool(_)) => return None,
    };
    let fields = fields
        .into_iter()
        .filter_map(|(key, value)| Some((key, value?)))
        .collect();
    Some(Document {
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

/// The most columns a CSV header may have.
const CSV_MAX_COLUMNS: usize = 1 << 16;

/// One CSV record as read by [`CsvRecords`].
#[derive(Debug, Clone, Copy)]
struct CsvRecord {
    /// The line the record starts on (1-based).
    line: u64,
    /// Bytes of field content (quotes and delimiters not counted), all of
    /// them, also those past the limit.
    bytes: usize,
    /// Number of fields, all of them.
    fields: usize,
    /// The record was over a limit: its fields were counted, not kept.
    truncated: bool,
    /// The input ended inside a quoted field: a quote was never closed.
    open_quote: bool,
}

/// Where the parser is in a field, to tell a quote left open at the end of
/// the input (`csv_core` ends the record there without saying so). These are
/// `csv_core`'s default rules: `"` opens a quoted field only at its start,
/// `""` inside one is a quote, and after the closing quote the field goes on
/// unquoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

impl QuoteState {
    fn step(self, b: u8, delimiter: u8) -> QuoteState {
        use QuoteState::*;
        let end = b == delimiter || b == b'\n' || b == b'\r';
        match (self, b) {
            (Quoted, b'"') => QuoteInQuoted,
            (Quoted, _) => Quoted,
            (QuoteInQuoted, b'"') => Quoted,
            (FieldStart, b'"') => Quoted,
            _ if end => FieldStart,
            _ => Unquoted,
        }
    }
}

/// CSV records read with `csv_core` in bounded memory.
///
/// `csv::Reader` keeps a whole record in memory, so a 100 MB cell, or a
/// quote left open in a big file (which makes the rest of the file one
/// record), would grow a buffer that big. Here a record's field bytes are
/// kept only up to a limit; past it they are counted and dropped, and the
/// parser goes on to the end of the record, so the records after it are
/// still read.
struct CsvRecords {
    core: csv_core::Reader,
    input: BufReader<Box<dyn Read + Send>>,
    /// Field bytes of the current record (its length is the buffer size).
    out: Vec<u8>,
    /// Field end offsets within `out` (its length is the buffer size).
    ends: Vec<usize>,
    /// Fields kept of the current record.
    kept: usize,
    eof: bool,
    delimiter: u8,
    /// Quote state after the bytes consumed so far.
    quote: QuoteState,
    /// Bytes consumed so far (to skip a BOM as `csv_core` does).
    consumed: u64,
}

impl CsvRecords {
    fn new(reader: Box<dyn Read + Send>, delimiter: u8) -> CsvRecords {
        CsvRecords {
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            input: BufReader::with_capacity(64 * 1024, reader),
            out: Vec::new(),
            ends: Vec::new(),
            kept: 0,
            eof: false,
            delimiter,
            quote: QuoteState::FieldStart,
            consumed: 0,
        }
    }

    /// Reads a `.csv` file's header line to choose its delimiter: a comma,
    /// a semicolon or a tab, whichever it holds most often outside quotes
    /// (a comma on a tie). Spreadsheets where the decimal mark is a comma
    /// (most of Europe, Latin America) save "CSV" with semicolons, and
    /// some tools save tab-separated text as `.csv`. A first line `sep=;`
    /// (Excel's way to name the delimiter) names it instead: then `true`,
    /// and that line is the next record, for the caller to pass over.
    /// Nothing is consumed.
    fn choose_delimiter(&mut self) -> io::Result<bool> {
        // A reader need not give the same error twice: the caller reports
        // this one.
        let start = buffered(&mut self.input)?;
        let start = start.strip_prefix(b"\xef\xbb\xbf").unwrap_or(start);
        if let Some(&[b's' | b'S', b'e' | b'E', b'p' | b'P', b'=', sep]) = start.get(..5)
            && sep.is_ascii_punctuation() | (sep == b'\t')
            && matches!(
                start.get(5..),
                Some([b'\n', ..] | [b'\r', b'\n', ..]) | Some([])
            )
        {
            self.delimiter = sep;
            self.core = csv_core::ReaderBuilder::new().delimiter(sep).build();
            return Ok(true);
        }
        let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
        let mut quoted = false;
        for &b in start {
            match b {
                b'"' => quoted = !quoted,
                b'\n' if !quoted => break,
                _ if !quoted => {
                    if let Some(c) = counts.iter_mut().find(|c| c.0 == b) {
                        c.1 += 1;
                    }
                }
                _ => {}
            }
        }
        // The first of the most frequent: a comma unless another beats it.
        let best = counts
            .iter()
            .fold(counts[0], |best, &c| if c.1 > best.1 { c } else { best })
            .0;
        if best != self.delimiter {
            self.delimiter = best;
            self.core = csv_core::ReaderBuilder::new().delimiter(best).build();
        }
        Ok(false)
    }

    /// The line the reader is on: the next record starts on it or later.
    fn line(&self) -> u64 {
        self.core.line()
    }

    /// Reads the next record, keeping at most `max_bytes` bytes and
    /// `max_fields` fields of it. `Ok(None)` at the end of the input.
    fn read(&mut self, max_bytes: usize, max_fields: usize) -> io::Result<Option<CsvRecord>> {
        use csv_core::ReadRecordResult;
        if self.eof {
            return Ok(None);
        }
        // Line ends before the record (the `\n` of a `\r\n` that ended the
        // last one, blank lines; a BOM before them) are given to `csv_core`
        // first, which passes over them and counts them: the line taken is
        // then the one the record starts on. (It was the line after the
        // last record: one short after a `\r\n`, and short by the blank
        // lines after them.)
        loop {
            let input = buffered_or_end(&mut self.input, &mut self.eof)?;
            let bom = if self.consumed == 0 && input.starts_with(b"\xef\xbb\xbf") {
                3
            } else {
                0
            };
            let ends = input[bom..]
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
                .count();
            if ends == 0 {
                break;
            }
            // (Room for output `csv_core` asks for, though a line end
            // writes none.)
            let (mut out, mut record_ends) = ([0u8; 1], [0usize; 1]);
            let (_, nin, _, _) =
                self.core
                    .read_record(&input[..bom + ends], &mut out, &mut record_ends);
            for &b in &input[bom..nin.max(bom)] {
                self.quote = self.quote.step(b, self.delimiter);
            }
            self.consumed += nin as u64;
            self.input.consume(nin);
            if nin < bom + ends {
                break; // not expected: whatever is left, the loop below reads
            }
        }
        let line = self.core.line();
        let (mut outlen, mut endlen) = (0usize, 0usize);
        let (mut bytes, mut fields) = (0usize, 0usize);
        let mut truncated = false;
        if self.out.is_empty() {
            self.out
                .resize(max_bytes.saturating_add(1).min(64 * 1024), 0);
        }
        if self.ends.is_empty() {
            self.ends.resize(max_fields.clamp(1, 64), 0);
        }
        loop {
            let input = buffered_or_end(&mut self.input, &mut self.eof)?;
            let at_end = input.is_empty();
            let (result, nin, nout, nend) =
                self.core
                    .read_record(input, &mut self.out[outlen..], &mut self.ends[endlen..]);
            let mut seen = &input[..nin];
            if self.consumed == 0 {
                seen = seen.strip_prefix(b"\xef\xbb\xbf").unwrap_or(seen);
            }
            for &b in seen {
                self.quote = self.quote.step(b, self.delimiter);
            }
            self.consumed += nin as u64;
            self.input.consume(nin);
            outlen += nout;
            endlen += nend;
            bytes += nout;
            fields += nend;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    let cap = max_bytes.saturating_add(1);
                    if self.out.len() < cap && !truncated {
                        let size = self.out.len().saturating_mul(2).max(1024).min(cap);
                        self.out.resize(size, 0);
                    } else {
                        // Over the limit: count the rest, reusing the buffer.
                        truncated = true;
                        outlen = 0;
                    }
                }
                ReadRecordResult::OutputEndsFull => {
                    if self.ends.len() < max_fields && !truncated {
                        let size = self.ends.len().saturating_mul(2).max(64).min(max_fields);
                        self.ends.resize(size, 0);
                    } else {
                        truncated = true;
                        endlen = 0;
                    }
                }
                ReadRecordResult::Record => {
                    self.kept = if truncated { 0 } else { endlen };
                    let open_quote = at_end && self.quote == QuoteState::Quoted;
                    return Ok(Some(CsvRecord {
                        line,
                        bytes,
                        fields,
                        truncated,
                        open_quote,
                    }));
                }
                ReadRecordResult::End => {
                    self.eof = true;
                    return Ok(None);
                }
            }
        }
    }

    /// Field `i` of the record just read (empty if it was not kept).
    fn field(&self, i: usize) -> &[u8] {
        if i >= self.kept {
            return &[];
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.out[start..self.ends[i]]
    }

    /// The kept fields of the record just read.
    fn fields(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.kept).map(|i| self.field(i))
    }
}

/// Reading a CSV or TSV file.
struct CsvSource {
    input: String,
    name: String,
    compression: Compression,
    reader: CsvRecords,
    /// Column names, from the header.
    columns: Vec<String>,
    id: Option<usize>,
    date: Option<usize>,
    /// The text columns, in the order of `--text-field`.
    text: Vec<usize>,
    /// Data records read so far (the current one's number, 1-based).
    record: u64,
    done: bool,
    /// Where invalid UTF-8 is counted.
    invalid_utf8: Arc<InvalidUtf8>,
}

impl CsvSource {
    /// Reads the header; a missing text column is the file's one reject.
    fn open(
        input: String,
        file: &InputFile,
        reader: Box<dyn Read + Send>,
        delimiter: u8,
        options: &ReadOptions,
        invalid_utf8: Arc<InvalidUtf8>,
    ) -> Source {
        let mut reader = CsvRecords::new(reader, delimiter);
        let header_reject = |location: &str, reason: String| {
            Source::One(Some(Err(Reject {
                input: input.clone(),
                location: location.to_string(),
                reason,
            })))
        };
        if file.format == Format::Csv {
            match reader.choose_delimiter() {
                // Excel's `sep=;` line: the header is on the next one.
                Ok(true) => {
                    if let Err(e) = reader.read(options.max_doc_bytes, CSV_MAX_COLUMNS) {
                        return header_reject("line 1", read_error_reason(&e, file.compression));
                    }
                }
                Ok(false) => {}
                Err(e) => {
                    return header_reject("line 1", read_error_reason(&e, file.compression));
                }
            }
        }
        let header = match reader.read(options.max_doc_bytes, CSV_MAX_COLUMNS) {
            Ok(Some(header)) => header,
            // An empty file: nothing to read.
            Ok(None) => return Source::Done,
            Err(e) => return header_reject("line 1", read_error_reason(&e, file.compression)),
        };
        if header.truncated {
            let reason = if header.fields > CSV_MAX_COLUMNS {
                format!(
                    "CSV: the header row has {} fields, over the limit of {CSV_MAX_COLUMNS}; \
                     the file is skipped",
                    header.fields
                )
            } else {
                format!(
                    "CSV: the header row is {} bytes, over --max-doc-bytes {}; the file is skipped",
                    header.bytes, options.max_doc_bytes
                )
            };
            return header_reject("line 1", reason);
        }
        let columns: Vec<String> = reader
            .fields()
            .map(|h| {
                String::from_utf8_lossy(h)
                    .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                    .to_string()
            })
            .collect();
        if columns.len() <= 1 && columns.first().is_none_or(|c| c.is_empty()) {
            // A blank header: nothing to read.
            return Source::Done;
        }
        let find = |name: &str| columns.iter().position(|c| c == name);
        let mut text = Vec::new();
        for field in options.text_fields() {
            let Some(i) = find(field) else {
                // The whole file is unusable: no location.
                return header_reject(
                    "",
                    format!(
                        "no column '{field}' in header (columns: {}); use --text-field",
                        quote(&columns.join(", "))
                    ),
                );
            };
            text.push(i);
        }
        if text.is_empty() {
            return header_reject("", "--text-field names no column".to_string());
        }
        let id = find(&options.id_field);
        let date = find(&options.date_field);
        Source::Csv(Box::new(CsvSource {
            input,
            name: file.name.clone(),
            compression: file.compression,
            reader,
            columns,
            id,
            date,
            text,
            record: 0,
            done: false,
            invalid_utf8,
        }))
    }

    fn next(&mut self, options: &ReadOptions) -> Option<std::result::Result<Document, Reject>> {
        if self.done {
            return None;
        }
        let result = self
            .reader
            .read(options.max_doc_bytes, self.columns.len() + 1);
        let row = match result {
            Ok(None) => {
                self.done = true;
                return None;
            }
            Ok(Some(row)) => Ok(row),
            Err(e) => Err(e),
        };
        self.record += 1;
        let line = row.as_ref().map_or(self.reader.line(), |r| r.line);
        let location = format!("record {} (line {line})", self.record);
        let reject = |reason: String| {
            Some(Err(Reject {
                input: self.input.clone(),
                location: location.clone(),
                reason,
            }))
        };
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                self.done = true;
                return reject(read_error_reason(&e, self.compression));
            }
        };
        if row.open_quote {
            let last = self.reader.line().saturating_sub(1).max(line);
            let lines = if last > line {
                format!("lines {line}-{last}")
            } else {
                format!("line {line}")
            };
            return reject(format!(
                "CSV: a quote opened in this record is never closed, so {lines} (to the end \
                 of the file) were read as one record"
            ));
        }
        if row.fields != self.columns.len() {
            let mut reason = format!(
                "CSV: record has {} fields, header has {}",
                row.fields,
                self.columns.len()
            );
            // The next record starts on `next_line`; a record spanning
            // lines may hold an unclosed quote.
            let next_line = self.reader.line();
            if next_line > line + 1 {
                reason.push_str(&format!(
                    "; it spans lines {line}-{}, so a quote may have been left open",
                    next_line - 1
                ));
            }
            return reject(reason);
        }
        if row.truncated || row.bytes > options.max_doc_bytes {
            return reject(too_big(row.bytes as u64, options.max_doc_bytes));
        }
        // Valid UTF-8 (the usual case) is borrowed; a record that is not is
        // decoded as a whole (see `decode_record`).
        let valid = self.reader.fields().all(|f| std::str::from_utf8(f).is_ok());
        let decoded = (!valid).then(|| decode_record(&self.reader.fields().collect::<Vec<_>>()));
        let cell = |i: usize| -> std::borrow::Cow<str> {
            match &decoded {
                None => std::borrow::Cow::Borrowed(
                    std::str::from_utf8(self.reader.field(i)).unwrap_or_default(),
                ),
                Some((cells, _)) => cells.get(i).cloned().unwrap_or_default(),
            }
        };
        let id = self
            .id
            .map(|i| cell(i).into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("{}:{}", self.name, self.record));
        let date = match self.date.map(cell) {
            Some(s) if !s.trim().is_empty() => match DocDate::parse_in(&s, options.date_order) {
                Some(date) => Some(date),
                None => return reject(unreadable_date(&s, options.date_order)),
            },
            _ => options.date,
        };
        let text = match self.text[..] {
            [one] => cell(one).into_owned(),
            ref several => several
                .iter()
                .map(|&i| cell(i))
                .filter(|part| !part.trim().is_empty())
                .collect::<Vec<_>>()
                .join(TEXT_FIELD_JOIN),
        };
        let mut fields = BTreeMap::new();
        for (i, column) in self.columns.iter().enumerate() {
            if self.text.contains(&i) || Some(i) == self.id || Some(i) == self.date {
                continue;
            }
            let value = cell(i);
            if !value.is_empty() {
                fields
                    .entry(column.clone())
                    .or_insert_with(|| value.into_owned());
            }
        }
        match decoded.map(|(_, how)| how) {
            None | Some(Decoded::Utf8) => {}
            Some(Decoded::Replaced(n)) => self.invalid_utf8.add(n, &self.input, &location),
            Some(Decoded::Windows1252) => {
                self.invalid_utf8.add_windows_1252(&self.input, &location)
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
