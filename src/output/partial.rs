//! Partial results: the raw accumulators of one shard of a run, which
//! `stance merge` adds up into exactly the tables of a single run.
//!
//! `stance score --shard I/N` scores the documents whose id hashes to shard
//! `I` of `N` ([`ShardSpec`]); with `--partial` it writes, instead of the
//! tables, one file, [`PARTIAL_FILE`]: the integer sums behind every table
//! cell ([`Tally`], [`Counters`]), the rejected records with their position
//! in the input, and everything a merge must check — the options that change
//! table content, the lexicon checksums, and a fingerprint of the input
//! stream that every shard of one run reads in full. Because the sums are
//! integers, the merged tables are byte-identical to a single run's.
//!
//! The file is JSON: an object with a `header` (format, version, shard,
//! settings, lexicons, counters, rejects by reason), then the arrays
//! `actors`, `dyads` and `rejects`, one row per line.
//!
//! ```
//! use stancemeter::output::partial::ShardSpec;
//! let shard: ShardSpec = "2/7".parse().unwrap();
//! assert_eq!((shard.index, shard.count), (2, 7));
//! assert!("0/3".parse::<ShardSpec>().is_err());
//! // Every id belongs to exactly one shard.
//! let owners = (1..=7).filter(|i| ShardSpec { index: *i, count: 7 }.owns_id("wire-0001"));
//! assert_eq!(owners.count(), 1);
//! ```

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Seek, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::aggregate::{Aggregates, Counters, Role, Tally};
use crate::corpus::{Document, Reject};
use crate::error::{Error, Result};
use crate::lexicon::{LexiconSource, Lexicons, hex};
use crate::output::AtomicFile;
use crate::output::wide::parse_period;
use crate::pipeline::RejectSummary;

/// The partial file `stance score --partial` writes.
pub const PARTIAL_FILE: &str = "partial.json";
/// The `format` field of a partial file.
pub const FORMAT: &str = "stancemeter-partial";
/// The version of the partial format this build writes and reads. Version 2:
/// the counters by label count only the sentences that name an actor.
pub const FORMAT_VERSION: u32 = 2;

/// Shard `index` of `count` (1-based), written `I/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ShardSpec {
    /// Which shard, 1 ..= `count`.
    pub index: u32,
    /// How many shards the run is split into.
    pub count: u32,
}

impl std::str::FromStr for ShardSpec {
    type Err = String;

    /// `I/N` with 1 ≤ I ≤ N.
    fn from_str(s: &str) -> std::result::Result<ShardSpec, String> {
        let Some((i, n)) = s.trim().split_once('/') else {
            return Err(format!(
                "'{s}' is not I/N: write the shard number and the number of shards, e.g. 2/7"
            ));
        };
        let num = |t: &str| t.trim().parse::<u32>().ok();
        let (Some(index), Some(count)) = (num(i), num(n)) else {
            return Err(format!(
                "'{s}': I and N in I/N must be whole numbers, e.g. 2/7"
            ));
        };
        if count == 0 {
            return Err(format!("'{s}': there must be at least 1 shard"));
        }
        if index == 0 || index > count {
            return Err(format!(
                "'{s}': shards are numbered from 1 to N: use 1/{count} ... {count}/{count}"
            ));
        }
        Ok(ShardSpec { index, count })
    }
}

impl std::fmt::Display for ShardSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The shard (1 ..= `count`) a key belongs to: the first 8 bytes of the
/// SHA-256 of `key`, read as a big-endian integer, modulo `count`, plus 1.
/// Stable across platforms and releases; in Python:
/// `int.from_bytes(hashlib.sha256(key).digest()[:8], "big") % count + 1`.
pub fn shard_of(key: &[u8], count: u32) -> u32 {
    let digest = Sha256::digest(key);
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % u64::from(count.max(1))) as u32 + 1
}

/// How `--shard I/N` splits a run: by document id (every shard reads every
/// input and keeps the documents whose id hashes to it) or by input file
/// (every shard reads only the files whose [`CorpusEntry::key`] hashes to
/// it, so shards of a corpus of many files share out the reading and
/// decompressing too).
///
/// [`CorpusEntry::key`]: crate::corpus::CorpusEntry::key
///
/// ```
/// use stancemeter::output::partial::ShardBy;
/// assert_eq!("file".parse::<ShardBy>(), Ok(ShardBy::File));
/// assert_eq!(ShardBy::default().to_string(), "id");
/// assert!("page".parse::<ShardBy>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShardBy {
    /// By a hash of the document id (the default).
    #[default]
    Id,
    /// By a hash of the input file's key.
    File,
}

impl std::str::FromStr for ShardBy {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<ShardBy, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "id" => Ok(ShardBy::Id),
            "file" => Ok(ShardBy::File),
            _ => Err(format!("'{s}' is not a way to shard: use id or file")),
        }
    }
}

impl std::fmt::Display for ShardBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ShardBy::Id => "id",
            ShardBy::File => "file",
        })
    }
}

/// The position that orders a rejected record with `--shard-by file`: its
/// entry's place among all the corpus's entries (every shard sees the same
/// list, see [`Corpus::entries`](crate::corpus::Corpus::entries)), then its
/// place among that entry's rejects. A shard sees only its own entries, so
/// it cannot know a reject's place in the whole stream, but this key sorts
/// rejects exactly as a single run meets them: entry by entry, each entry's
/// in order.
pub fn entry_seq(entry: u64, nth: u64) -> u64 {
    (entry << 40) | (nth & ((1 << 40) - 1))
}

/// The key that assigns a rejected record (which may have no id) to a
/// shard: its file name (without directories, so shards reading copies of
/// the corpus at different paths agree), a line feed, and its location.
pub fn reject_key(r: &Reject) -> String {
    let name = Path::new(&r.input)
        .file_name()
        .map_or(r.input.as_str(), |n| n.to_str().unwrap_or(&r.input));
    format!("{name}\n{}", r.location)
}

impl ShardSpec {
    /// True when the document with this id is in this shard. Documents
    /// with the same id are always in the same shard.
    pub fn owns_id(&self, id: &str) -> bool {
        shard_of(id.as_bytes(), self.count) == self.index
    }

    /// True when the input file with this [`CorpusEntry::key`] is in this
    /// shard (`--shard-by file`).
    ///
    /// [`CorpusEntry::key`]: crate::corpus::CorpusEntry::key
    pub fn owns_key(&self, key: &str) -> bool {
        shard_of(key.as_bytes(), self.count) == self.index
    }

    /// True when this item of the input stream is in this shard: a document
    /// by its id, a rejected record by its [`reject_key`].
    pub fn owns(&self, item: &std::result::Result<Document, Reject>) -> bool {
        match item {
            Ok(d) => self.owns_id(&d.id),
            Err(r) => shard_of(reject_key(r).as_bytes(), self.count) == self.index,
        }
    }
}

/// A fingerprint of the whole input stream (every document id and rejected
/// record, in order), the same for every shard of one run: a merge refuses
/// shards that read different inputs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StreamSummary {
    /// Items read: documents plus rejected records.
    pub items: u64,
    /// Documents read (in all shards together).
    pub documents: u64,
    /// Records rejected (in all shards together).
    pub rejects: u64,
    /// Hex SHA-256 over the document ids and reject keys in order.
    pub digest: String,
}

impl StreamSummary {
    /// The fingerprint of a run split by file (`--shard-by file`), which no
    /// shard reads in full: the corpus's entries (shard key and size) in
    /// order, as `items`; `documents` and `rejects` stay 0, unknown.
    pub fn of_entries(
        entries: impl IntoIterator<Item = crate::corpus::CorpusEntry>,
    ) -> StreamSummary {
        let mut hasher = Sha256::new();
        let mut items = 0;
        for e in entries {
            items += 1;
            hasher.update(b"f");
            hasher.update(e.key.as_bytes());
            hasher.update([0xFF]);
            hasher.update(e.size.to_le_bytes());
        }
        StreamSummary {
            items,
            documents: 0,
            rejects: 0,
            digest: hex(&hasher.finalize()),
        }
    }
}

/// Builds a [`StreamSummary`] item by item.
#[derive(Debug, Clone, Default)]
pub struct StreamDigest {
    summary: StreamSummary,
    hasher: Sha256,
}

impl StreamDigest {
    /// Counts one item of the input stream.
    pub fn add(&mut self, item: &std::result::Result<Document, Reject>) {
        self.summary.items += 1;
        match item {
            Ok(d) => {
                self.summary.documents += 1;
                self.hasher.update(b"d");
                self.hasher.update(d.id.as_bytes());
            }
            Err(r) => {
                self.summary.rejects += 1;
                self.hasher.update(b"r");
                self.hasher.update(reject_key(r).as_bytes());
            }
        }
        // 0xFF never occurs in UTF-8: an unambiguous separator.
        self.hasher.update([0xFF]);
    }

    /// The summary of the items counted so far.
    pub fn summary(&self) -> StreamSummary {
        let digest = self.hasher.clone().finalize();
        StreamSummary {
            digest: hex(&digest),
            ..self.summary.clone()
        }
    }
}

/// The options of `stance score` that change what the tables hold: parts
/// of one run must agree on all of them. Keys are the option names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// `--period`: `day`, `week`, `month`, `quarter`, `year` or `all`.
    pub period: String,
    /// `--no-rollup`.
    pub no_rollup: bool,
    /// `--speaker`, upper case.
    pub speaker: Option<String>,
    /// `--speaker-field`.
    pub speaker_field: Option<String>,
    /// `--first-person` (absent in partials written before it: off).
    #[serde(default)]
    pub first_person: bool,
    /// `--date`, as `2021-01-08`.
    pub date: Option<String>,
    /// `--date-order`: `dmy` or `mdy` (absent in partials written before it).
    #[serde(default)]
    pub date_order: Option<String>,
    /// `--records-field` (absent in partials written before it).
    #[serde(default)]
    pub records_field: Option<String>,
    /// `--format`.
    pub format: Option<String>,
    /// `--id-field`.
    pub id_field: String,
    /// `--date-field`.
    pub date_field: String,
    /// `--text-field`.
    pub text_field: String,
    /// `--max-doc-bytes`.
    pub max_doc_bytes: u64,
    /// `--shard-by`: `id` or `file` (`id` in partials written before it).
    #[serde(default)]
    pub shard_by: ShardBy,
}

impl Settings {
    /// The settings that differ, as `(option, this value, other value)`,
    /// with the option written as on the command line (`--period`).
    pub fn differences(&self, other: &Settings) -> Vec<(String, String, String)> {
        let (a, b) = match (serde_json::to_value(self), serde_json::to_value(other)) {
            (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) => (a, b),
            _ => return Vec::new(),
        };
        a.iter()
            .filter(|(k, v)| b.get(*k) != Some(v))
            .map(|(k, v)| {
                let theirs = b.get(k).cloned().unwrap_or_default();
                (
                    format!("--{}", k.replace('_', "-")),
                    shown(v),
                    shown(&theirs),
                )
            })
            .collect()
    }
}

/// A setting's value as a user would type it; `(not given)` for none.
fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "(not given)".to_string(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One lexicon file the shard used: as in `run.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LexiconId {
    /// `actors.csv`, `tone.csv`, `modifiers.csv` or `boilerplate.txt`.
    pub file: String,
    /// A path, or `built-in`.
    pub origin: String,
    /// Hex SHA-256 of the file's bytes: what a merge compares.
    pub sha256: String,
    /// Entries loaded from it.
    pub entries: usize,
}

impl From<&LexiconSource> for LexiconId {
    fn from(s: &LexiconSource) -> LexiconId {
        LexiconId {
            file: s.file.clone(),
            origin: s.origin.clone(),
            sha256: s.sha256.clone(),
            entries: s.entries,
        }
    }
}

/// Rejected records of one reason class (as in `run.json`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReasonSummary {
    /// How many.
    pub count: u64,
    /// The first few `input: location`s.
    pub examples: Vec<String>,
}

impl From<&RejectSummary> for ReasonSummary {
    fn from(r: &RejectSummary) -> ReasonSummary {
        ReasonSummary {
            count: r.count,
            examples: r.examples.clone(),
        }
    }
}

/// Invalid UTF-8 replaced in the whole input stream (the same in every
/// shard: each reads all of it), or with `--shard-by file` in the shard's
/// own files.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InvalidUtf8Summary {
    /// Documents with invalid UTF-8.
    pub documents: u64,
    /// Byte sequences replaced by U+FFFD.
    pub sequences_replaced: u64,
    /// The first few affected.
    pub examples: Vec<String>,
    /// With `--shard-by file`, the place of each example's file among the
    /// corpus's entries, so that a merge can list the shards' examples in
    /// input order; empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub example_entries: Vec<u64>,
    /// Documents that are not UTF-8, read as Windows-1252 (0 in partials
    /// written before it).
    #[serde(default)]
    pub documents_read_as_windows_1252: u64,
    /// The first few of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub windows_1252_examples: Vec<String>,
    /// With `--shard-by file`, the place of each of them among the
    /// corpus's entries, as for [`example_entries`](InvalidUtf8Summary::example_entries).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub windows_1252_entries: Vec<u64>,
}

impl InvalidUtf8Summary {
    /// Adds up the summaries of shards split by file: counts summed, the
    /// examples in input order (by [`example_entries`], then as each shard
    /// listed them), the first `max` kept.
    ///
    /// [`example_entries`]: InvalidUtf8Summary::example_entries
    pub fn combine<'a>(
        parts: impl IntoIterator<Item = &'a InvalidUtf8Summary>,
        max: usize,
    ) -> InvalidUtf8Summary {
        let mut out = InvalidUtf8Summary::default();
        let mut examples = Vec::new();
        let mut windows_1252 = Vec::new();
        for (shard, p) in parts.into_iter().enumerate() {
            out.documents += p.documents;
            out.sequences_replaced += p.sequences_replaced;
            out.documents_read_as_windows_1252 += p.documents_read_as_windows_1252;
            for (i, x) in p.examples.iter().enumerate() {
                let entry = p.example_entries.get(i).copied().unwrap_or(u64::MAX);
                examples.push((entry, shard, i, x.clone()));
            }
            for (i, x) in p.windows_1252_examples.iter().enumerate() {
                let entry = p.windows_1252_entries.get(i).copied().unwrap_or(u64::MAX);
                windows_1252.push((entry, shard, i, x.clone()));
            }
        }
        examples.sort();
        windows_1252.sort();
        out.examples = examples.into_iter().take(max).map(|e| e.3).collect();
        out.windows_1252_examples = windows_1252.into_iter().take(max).map(|e| e.3).collect();
        out
    }
}

/// Everything in a partial file but its rows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartialHeader {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`FORMAT_VERSION`] when written.
    pub format_version: u32,
    /// The `stance` version that scored the shard.
    pub tool_version: String,
    /// The shard, `None` for a whole run (which merges as shard 1/1).
    pub shard: Option<ShardSpec>,
    /// The options that change table content.
    pub settings: Settings,
    /// The lexicon files used.
    pub lexicons: Vec<LexiconId>,
    /// The inputs as given on the command line.
    pub inputs: Vec<String>,
    /// The fingerprint of the whole input stream.
    pub stream: StreamSummary,
    /// Invalid UTF-8 in the whole input stream.
    pub invalid_utf8: InvalidUtf8Summary,
    /// `sentences.csv` beside the partial file (with `--sentences`), else `None`.
    pub sentences_file: Option<String>,
    /// Whether `sentences.csv` was written with `--raw-cells`.
    pub raw_cells: bool,
    /// This shard's counters.
    pub counters: Counters,
    /// This shard's rejected records by reason.
    pub rejects_by_reason: BTreeMap<String, ReasonSummary>,
}

/// One cell of `actors.csv`, as integer sums.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorRow {
    /// Period label (`2024-01`, `undated`, ...).
    pub period: String,
    /// Actor id.
    pub actor: String,
    /// `source`, `target` or `mentioned`.
    pub role: String,
    /// The sums.
    #[serde(flatten)]
    pub tally: Tally,
}

/// One cell of `dyads.csv`, as integer sums.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DyadRow {
    /// Period label.
    pub period: String,
    /// Source actor id.
    pub source: String,
    /// Target actor id.
    pub target: String,
    /// The sums.
    #[serde(flatten)]
    pub tally: Tally,
}

/// A rejected record with its position in the whole input stream, so a
/// merge writes `rejects.csv` in input order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectRow {
    /// 0-based position among all items (documents and rejects) read.
    pub seq: u64,
    /// The input file.
    pub input: String,
    /// Line or record within it.
    pub location: String,
    /// What is wrong.
    pub reason: String,
}

impl RejectRow {
    /// The record as the corpus reported it.
    pub fn reject(&self) -> Reject {
        Reject {
            input: self.input.clone(),
            location: self.location.clone(),
            reason: self.reason.clone(),
        }
    }

    /// `input: location` (or `input`), as in `run.json`'s examples.
    pub fn place(&self) -> String {
        if self.location.is_empty() {
            self.input.clone()
        } else {
            format!("{}: {}", self.input, self.location)
        }
    }
}

/// A partial file: header and rows.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Partial {
    /// Format, shard, settings, counters.
    pub header: PartialHeader,
    /// Per actor, role and period, sorted like `actors.csv`.
    pub actors: Vec<ActorRow>,
    /// Per directed pair and period, sorted like `dyads.csv`.
    pub dyads: Vec<DyadRow>,
    /// Rejected records of this shard, in input order.
    pub rejects: Vec<RejectRow>,
}

fn role_from(s: &str) -> Option<Role> {
    [Role::Source, Role::Target, Role::Mentioned]
        .into_iter()
        .find(|r| r.as_str() == s)
}

impl Partial {
    /// The rows of `agg`, sorted like the tables, actors named by id.
    pub fn rows(lex: &Lexicons, agg: &Aggregates) -> (Vec<ActorRow>, Vec<DyadRow>) {
        let id = |a: u32| lex.actors()[a as usize].id.as_str();
        let actors = agg
            .sorted_actors(&id)
            .into_iter()
            .map(|(period, a, role, t)| ActorRow {
                period: period.to_string(),
                actor: id(a).to_string(),
                role: role.as_str().to_string(),
                tally: t,
            })
            .collect();
        let dyads = agg
            .sorted_dyads(&id)
            .into_iter()
            .map(|(period, s, t, v)| DyadRow {
                period: period.to_string(),
                source: id(s).to_string(),
                target: id(t).to_string(),
                tally: v,
            })
            .collect();
        (actors, dyads)
    }

    /// Adds this partial's rows and counters to `agg`, resolving actor ids
    /// against `lex`. The error says which row cannot be read.
    pub fn add_to(&self, lex: &Lexicons, agg: &mut Aggregates) -> std::result::Result<(), String> {
        Partial::add_rows(lex, agg, &self.header, &self.actors, &self.dyads)
    }

    /// [`Partial::add_to`] for a partial taken apart: its header's counters
    /// and its rows.
    pub fn add_rows(
        lex: &Lexicons,
        agg: &mut Aggregates,
        header: &PartialHeader,
        actors: &[ActorRow],
        dyads: &[DyadRow],
    ) -> std::result::Result<(), String> {
        let actor = |id: &str| {
            lex.actor_index(id)
                .map(|i| i as u32)
                .ok_or_else(|| format!("actor '{id}' is not in the lexicons given to the merge"))
        };
        let period =
            |p: &str| parse_period(p).ok_or_else(|| format!("'{p}' is not a period label"));
        for r in actors {
            let role = role_from(&r.role).ok_or_else(|| format!("'{}' is not a role", r.role))?;
            let key = (period(&r.period)?, actor(&r.actor)?, role);
            agg.actors.entry(key).or_default().merge(&r.tally);
        }
        for r in dyads {
            let key = (period(&r.period)?, actor(&r.source)?, actor(&r.target)?);
            agg.dyads.entry(key).or_default().merge(&r.tally);
        }
        agg.counters.merge(&header.counters);
        Ok(())
    }

    /// Writes [`PARTIAL_FILE`] into `dir` as an [`AtomicFile`] (not yet
    /// committed): the header indented, then one row per line.
    pub fn write(&self, dir: &Path) -> Result<AtomicFile> {
        self.write_file(dir, None)
    }

    /// [`Partial::write`] with the rejects of `spill` after those of
    /// `self.rejects` (which a spilling run leaves empty).
    pub fn write_with_spill(&self, dir: &Path, spill: RejectSpill) -> Result<AtomicFile> {
        self.write_file(dir, Some(spill))
    }

    fn write_file(&self, dir: &Path, spill: Option<RejectSpill>) -> Result<AtomicFile> {
        let mut f = AtomicFile::create(dir, PARTIAL_FILE)?;
        let path = f.path().to_path_buf();
        let body = || -> std::io::Result<()> {
            f.write_all(b"{\"header\": ")?;
            serde_json::to_writer_pretty(&mut f, &self.header)?;
            write_rows(&mut f, "actors", json_lines(&self.actors))?;
            write_rows(&mut f, "dyads", json_lines(&self.dyads))?;
            let rejects = json_lines(&self.rejects);
            match spill {
                // The spilled rows are compact JSON lines already.
                Some(spill) => write_rows(
                    &mut f,
                    "rejects",
                    rejects.chain(spill.into_reader()?.lines()),
                )?,
                None => write_rows(&mut f, "rejects", rejects)?,
            }
            f.write_all(b"}\n")
        };
        body().map_err(|e| Error::io(&path, e))?;
        Ok(f)
    }

    /// Reads a partial file, checking its format and version first.
    pub fn read(path: &Path) -> Result<Partial> {
        let file = PartialFile::read(path)?;
        let mut rejects = Vec::new();
        file.rejects(|r| {
            rejects.push(r);
            Ok(())
        })?;
        Ok(Partial {
            header: file.header,
            actors: file.actors,
            dyads: file.dyads,
            rejects,
        })
    }
}

/// A partial file read but for its rejects, which [`PartialFile::rejects`]
/// hands over one at a time: a merge of shards with millions of rejects
/// need not hold them. It holds the file's bytes until it is dropped (a
/// second pass over them is much faster than a second read of the file
/// through `serde_json`'s reader).
#[derive(Debug)]
pub struct PartialFile {
    /// Format, shard, settings, counters.
    pub header: PartialHeader,
    /// Per actor, role and period.
    pub actors: Vec<ActorRow>,
    /// Per directed pair and period.
    pub dyads: Vec<DyadRow>,
    path: std::path::PathBuf,
    bytes: Vec<u8>,
}

impl PartialFile {
    /// Reads a partial file, checking its format and version first.
    pub fn read(path: &Path) -> Result<PartialFile> {
        #[derive(Deserialize)]
        struct Probe {
            header: ProbeHeader,
        }
        #[derive(Deserialize)]
        struct ProbeHeader {
            format: String,
            format_version: u32,
        }
        /// Everything but the rejects, which are read on their own.
        #[derive(Deserialize)]
        struct Tables {
            header: PartialHeader,
            actors: Vec<ActorRow>,
            dyads: Vec<DyadRow>,
            #[allow(dead_code)] // required here, read by `PartialFile::rejects`
            rejects: serde::de::IgnoredAny,
        }
        let not_partial = |why: String| {
            Error::Usage(format!(
                "{}: not a partial file of `stance score --partial` ({why})",
                path.display()
            ))
        };
        // Format and version are checked before the tables' content: a
        // file of another version, or no partial at all, must not be
        // reported as damaged.
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let tables = serde_json::from_slice::<Tables>(&bytes);
        let (format, version) = match &tables {
            Ok(t) => (t.header.format.clone(), t.header.format_version),
            Err(_) => {
                let probe: Probe =
                    serde_json::from_slice(&bytes).map_err(|e| not_partial(e.to_string()))?;
                (probe.header.format, probe.header.format_version)
            }
        };
        if format != FORMAT {
            return Err(not_partial(format!("format is '{format}'")));
        }
        if version != FORMAT_VERSION {
            return Err(Error::Usage(format!(
                "{}: partial format version {version}, but this stance reads version \
                 {FORMAT_VERSION}: merge with the stance that wrote it, or score the shard again",
                path.display(),
            )));
        }
        let tables = tables.map_err(|e| damaged(path, e))?;
        Ok(PartialFile {
            header: tables.header,
            actors: tables.actors,
            dyads: tables.dyads,
            path: path.to_path_buf(),
            bytes,
        })
    }

    /// Hands each reject row to `each`, in the file's order. An error of
    /// `each` stops the read and is reported with the file's name.
    pub fn rejects(
        &self,
        mut each: impl FnMut(RejectRow) -> std::result::Result<(), String>,
    ) -> Result<()> {
        // An error of `each` is not damage to the file: kept apart.
        let mut refused: Option<String> = None;
        let mut each = |r: RejectRow| each(r).inspect_err(|e| refused = Some(e.clone()));
        let mut de = serde_json::Deserializer::from_slice(&self.bytes);
        let streamed = serde::de::DeserializeSeed::deserialize(
            RejectsOnly {
                each: &mut each,
                array: false,
            },
            &mut de,
        );
        if let Some(why) = refused {
            return Err(Error::Other(format!("{}: {why}", self.path.display())));
        }
        streamed.map_err(|e| damaged(&self.path, e))
    }
}

fn damaged(path: &Path, e: serde_json::Error) -> Error {
    Error::Other(format!(
        "{}: damaged partial file ({e}); score this shard again",
        path.display()
    ))
}

/// The rows of a partial file's `rejects` array, one by one, to a
/// callback; every other field is skipped. The same visitor reads the
/// file's object (`array` false) and then the array in it (`array` true).
struct RejectsOnly<'f, F> {
    each: &'f mut F,
    array: bool,
}

impl<'de, F> serde::de::DeserializeSeed<'de> for RejectsOnly<'_, F>
where
    F: FnMut(RejectRow) -> std::result::Result<(), String>,
{
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        if self.array {
            d.deserialize_seq(self)
        } else {
            d.deserialize_map(self)
        }
    }
}

impl<'de, F> serde::de::Visitor<'de> for RejectsOnly<'_, F>
where
    F: FnMut(RejectRow) -> std::result::Result<(), String>,
{
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(if self.array {
            "an array of rejected records"
        } else {
            "a partial file with a `rejects` array"
        })
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "rejects" {
                map.next_value_seed(RejectsOnly {
                    each: &mut *self.each,
                    array: true,
                })?;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<(), A::Error> {
        use serde::de::Error as _;
        while let Some(row) = seq.next_element::<RejectRow>()? {
            (self.each)(row).map_err(A::Error::custom)?;
        }
        Ok(())
    }
}

/// A shard's rejected records kept on disk as they come, one JSON row per
/// line, in an unnamed temporary file that is gone when this is dropped or
/// the process dies: a shard that rejects millions of records holds none of
/// them in memory. [`Partial::write_with_spill`] copies them into the
/// partial file.
///
/// ```
/// use stancemeter::output::partial::{RejectRow, RejectSpill};
/// let dir = tempfile::tempdir().unwrap();
/// let mut spill = RejectSpill::new_in(dir.path()).unwrap();
/// spill.push(&RejectRow { seq: 4, input: "feed.jsonl".into(), location: "line 5".into(), reason: "not valid JSON".into() });
/// assert_eq!(spill.len(), 1);
/// // The file has no name: the directory stays empty.
/// assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
/// ```
#[derive(Debug)]
pub struct RejectSpill {
    out: BufWriter<File>,
    rows: u64,
    error: Option<std::io::Error>,
}

impl RejectSpill {
    /// An empty spill in `dir` (on the same disk as the output).
    pub fn new_in(dir: &Path) -> Result<RejectSpill> {
        let file =
            tempfile::tempfile_in(dir).map_err(|e| Error::io(dir, super::without_temp_name(e)))?;
        Ok(RejectSpill {
            out: BufWriter::new(file),
            rows: 0,
            error: None,
        })
    }

    /// Appends a row. The reader thread that calls this cannot stop the run,
    /// so the first write error is kept and reported when the spill is
    /// copied into the partial file.
    pub fn push(&mut self, r: &RejectRow) {
        if self.error.is_some() {
            return;
        }
        let written = serde_json::to_writer(&mut self.out, r)
            .map_err(std::io::Error::from)
            .and_then(|()| self.out.write_all(b"\n"));
        match written {
            Ok(()) => self.rows += 1,
            Err(e) => self.error = Some(e),
        }
    }

    /// Rows pushed.
    pub fn len(&self) -> u64 {
        self.rows
    }

    /// No rows pushed.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The rows from the start, or the first write error.
    fn into_reader(self) -> std::io::Result<BufReader<File>> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let mut file = self.out.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        Ok(BufReader::new(file))
    }
}

/// Reject rows from any number of parts, given back in input order (by
/// `seq`) in bounded memory: up to `limit` rows are held and sorted in
/// memory; beyond that each full batch is sorted and written to an unnamed
/// temporary file (in the system's temporary directory, `TMPDIR`), and the
/// batches are merged as they are read back (and into one whenever there
/// are 64 of them, so the open files stay few).
///
/// ```
/// use stancemeter::output::partial::{RejectRow, SortedRejects};
/// let row = |seq| RejectRow { seq, input: "a.jsonl".into(), location: format!("line {}", seq + 1), reason: "empty text".into() };
/// let mut sorted = SortedRejects::new(2); // at most 2 rows in memory
/// for seq in [7, 3, 9, 1, 4] {
///     sorted.push(row(seq)).unwrap();
/// }
/// let seqs: Vec<u64> = sorted.into_sorted().unwrap().map(|r| r.unwrap().seq).collect();
/// assert_eq!(seqs, [1, 3, 4, 7, 9]);
/// ```
#[derive(Debug)]
pub struct SortedRejects {
    rows: Vec<RejectRow>,
    runs: Vec<File>,
    limit: usize,
}

impl SortedRejects {
    /// Rows held in memory by `stance merge` before it spills (about
    /// 15 MB of rows).
    pub const MERGE_LIMIT: usize = 100_000;

    /// Sorted batches on disk before they are merged into one.
    const MAX_RUNS: usize = 64;

    /// Holds at most `limit` rows (at least 1) in memory.
    pub fn new(limit: usize) -> SortedRejects {
        SortedRejects {
            rows: Vec::new(),
            runs: Vec::new(),
            limit: limit.max(1),
        }
    }

    /// Adds a row; writes a sorted batch to disk when `limit` are held.
    pub fn push(&mut self, r: RejectRow) -> std::io::Result<()> {
        self.rows.push(r);
        if self.rows.len() >= self.limit {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> std::io::Result<()> {
        self.rows.sort_by_key(|r| r.seq);
        let rows = std::mem::take(&mut self.rows).into_iter().map(Ok);
        self.runs.push(write_run(rows)?);
        // Each batch on disk is an open file: past MAX_RUNS of them, they
        // are merged into one, so a merge never runs out of file handles.
        if self.runs.len() >= Self::MAX_RUNS {
            let runs = std::mem::take(&mut self.runs);
            self.runs.push(write_run(merge_runs(runs, Vec::new())?)?);
        }
        Ok(())
    }

    /// Every row pushed, by `seq` (rows with the same `seq` in the order
    /// pushed, if they were in one batch).
    pub fn into_sorted(
        mut self,
    ) -> std::io::Result<impl Iterator<Item = std::io::Result<RejectRow>>> {
        self.rows.sort_by_key(|r| r.seq);
        merge_runs(self.runs, self.rows)
    }
}

/// Writes sorted rows to an unnamed temporary file, one JSON row per line,
/// and returns it rewound.
fn write_run(rows: impl Iterator<Item = std::io::Result<RejectRow>>) -> std::io::Result<File> {
    let mut out = BufWriter::new(tempfile::tempfile()?);
    for r in rows {
        serde_json::to_writer(&mut out, &r?)?;
        out.write_all(b"\n")?;
    }
    let mut file = out.into_inner().map_err(|e| e.into_error())?;
    file.rewind()?;
    Ok(file)
}

/// The rows of sorted batches on disk and of `rows` (sorted), by `seq`.
fn merge_runs(runs: Vec<File>, rows: Vec<RejectRow>) -> std::io::Result<RunMerge> {
    let mut sources: Vec<RunSource> = runs
        .into_iter()
        .map(|f| RunSource::Disk(BufReader::new(f).lines()))
        .collect();
    sources.push(RunSource::Memory(rows.into_iter()));
    let mut merged = RunMerge {
        heads: Vec::with_capacity(sources.len()),
        heap: BinaryHeap::new(),
        sources,
    };
    for i in 0..merged.sources.len() {
        let head = merged.sources[i].next().transpose()?;
        if let Some(r) = &head {
            merged.heap.push(Reverse((r.seq, i)));
        }
        merged.heads.push(head);
    }
    Ok(merged)
}

/// One sorted batch of [`SortedRejects`].
enum RunSource {
    Disk(std::io::Lines<BufReader<File>>),
    Memory(std::vec::IntoIter<RejectRow>),
}

impl RunSource {
    fn next(&mut self) -> Option<std::io::Result<RejectRow>> {
        match self {
            RunSource::Memory(rows) => rows.next().map(Ok),
            RunSource::Disk(lines) => lines
                .next()
                .map(|line| serde_json::from_str(&line?).map_err(std::io::Error::from)),
        }
    }
}

/// The k-way merge of [`SortedRejects::into_sorted`]: a heap of each
/// batch's next `seq`.
struct RunMerge {
    sources: Vec<RunSource>,
    heads: Vec<Option<RejectRow>>,
    heap: BinaryHeap<Reverse<(u64, usize)>>,
}

impl Iterator for RunMerge {
    type Item = std::io::Result<RejectRow>;

    fn next(&mut self) -> Option<Self::Item> {
        let Reverse((_, i)) = self.heap.pop()?;
        let row = self.heads[i].take()?;
        match self.sources[i].next() {
            Some(Ok(r)) => {
                self.heap.push(Reverse((r.seq, i)));
                self.heads[i] = Some(r);
            }
            Some(Err(e)) => return Some(Err(e)),
            None => {}
        }
        Some(Ok(row))
    }
}

/// Each of `rows` as compact JSON.
fn json_lines<T: Serialize>(rows: &[T]) -> impl Iterator<Item = std::io::Result<String>> + '_ {
    rows.iter()
        .map(|r| serde_json::to_string(r).map_err(std::io::Error::from))
}

/// Writes `,\n"name": [` then one row (compact JSON) per line, then `]`.
fn write_rows(
    f: &mut AtomicFile,
    name: &str,
    rows: impl Iterator<Item = std::io::Result<String>>,
) -> std::io::Result<()> {
    write!(f, ",\n\"{name}\": [")?;
    let mut first = true;
    for row in rows {
        f.write_all(if first { b"\n" } else { b",\n" })?;
        f.write_all(row?.as_bytes())?;
        first = false;
    }
    f.write_all(if first { b"]" } else { b"\n]" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::Period;
    use crate::score::Label;

    #[test]
    fn shard_specs_parse_and_reject_nonsense() {
        assert_eq!("1/1".parse(), Ok(ShardSpec { index: 1, count: 1 }));
        assert_eq!(" 7/7 ".parse(), Ok(ShardSpec { index: 7, count: 7 }));
        for (bad, says) in [
            ("0/3", "numbered from 1"),
            ("4/3", "numbered from 1"),
            ("x/y", "whole numbers"),
            ("3", "not I/N"),
            ("1/0", "at least 1"),
            ("-1/3", "whole numbers"),
        ] {
            let e = bad.parse::<ShardSpec>().unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
        assert_eq!(ShardSpec { index: 2, count: 7 }.to_string(), "2/7");
    }

    #[test]
    fn the_hash_is_fixed_and_splits_evenly() {
        // Fixed forever: SHA-256("wire-0001")[..8] big-endian is
        // 5731014664825553507 (Python's hashlib agrees), mod N, + 1.
        let shards = |key: &[u8]| [2, 3, 7, 1000].map(|n| shard_of(key, n));
        assert_eq!(shards(b"wire-0001"), [2, 3, 6, 508]);
        assert_eq!(shards(b"dup"), [1, 2, 2, 633]);
        assert_eq!(shards(b""), [1, 2, 2, 653]);
        assert_eq!(shard_of(b"anything", 1), 1);
        let mut counts = [0u32; 4];
        for i in 0..4000 {
            counts[shard_of(format!("doc-{i}").as_bytes(), 4) as usize - 1] += 1;
        }
        assert!(
            counts.iter().all(|&c| (900..1100).contains(&c)),
            "{counts:?}"
        );
    }

    #[test]
    fn rejects_are_keyed_by_file_name_and_location() {
        let r = |input: &str| Reject {
            input: input.into(),
            location: "line 3".into(),
            reason: "not valid JSON".into(),
        };
        assert_eq!(reject_key(&r("/data/a/feed.jsonl")), "feed.jsonl\nline 3");
        assert_eq!(reject_key(&r("feed.jsonl")), "feed.jsonl\nline 3");
        let mut a = StreamDigest::default();
        a.add(&Err(r("/node1/feed.jsonl")));
        let mut b = StreamDigest::default();
        b.add(&Err(r("/node2/feed.jsonl")));
        assert_eq!(a.summary(), b.summary());
    }

    /// Default field names and options, with this period and size limit.
    fn settings(period: &str, max_doc_bytes: u64) -> Settings {
        Settings {
            period: period.into(),
            no_rollup: false,
            speaker: None,
            speaker_field: None,
            first_person: false,
            date: None,
            date_order: None,
            records_field: None,
            format: None,
            id_field: "id".into(),
            date_field: "date".into(),
            text_field: "text".into(),
            max_doc_bytes,
            shard_by: ShardBy::Id,
        }
    }

    #[test]
    fn partials_from_before_shard_by_were_split_by_id() {
        let mut v = serde_json::to_value(settings("month", 1 << 20)).unwrap();
        v.as_object_mut().unwrap().remove("shard_by");
        let back: Settings = serde_json::from_value(v).unwrap();
        assert_eq!(back, settings("month", 1 << 20));
    }

    #[test]
    fn shards_split_by_file_combine_invalid_utf8_in_input_order() {
        // Entries 0 and 3 went to one shard, entry 1 to another.
        let a = InvalidUtf8Summary {
            documents: 3,
            sequences_replaced: 5,
            examples: vec![
                "a.jsonl: line 2".into(),
                "a.jsonl: line 9".into(),
                "d.jsonl: line 1".into(),
            ],
            example_entries: vec![0, 0, 3],
            documents_read_as_windows_1252: 2,
            windows_1252_examples: vec!["c.csv".into(), "e.csv".into()],
            windows_1252_entries: vec![2, 4],
        };
        let b = InvalidUtf8Summary {
            documents: 1,
            sequences_replaced: 1,
            examples: vec!["b.jsonl: line 4".into()],
            example_entries: vec![1],
            documents_read_as_windows_1252: 1,
            windows_1252_examples: vec!["b.jsonl".into()],
            windows_1252_entries: vec![1],
        };
        for parts in [[&a, &b], [&b, &a]] {
            let c = InvalidUtf8Summary::combine(parts, 3);
            assert_eq!((c.documents, c.sequences_replaced), (4, 6));
            assert_eq!(
                c.examples,
                ["a.jsonl: line 2", "a.jsonl: line 9", "b.jsonl: line 4"]
            );
            assert!(c.example_entries.is_empty());
            assert_eq!(c.documents_read_as_windows_1252, 3);
            assert_eq!(c.windows_1252_examples, ["b.jsonl", "c.csv", "e.csv"]);
        }
        // Rejects sort entry by entry, each entry's in order.
        assert!(entry_seq(0, 5) < entry_seq(1, 0));
        assert!(entry_seq(1, 0) < entry_seq(1, 1));
        assert!(entry_seq(2, u64::MAX) < entry_seq(3, 0));
    }

    #[test]
    fn settings_differences_name_the_option() {
        let s = settings("month", 1 << 20);
        let t = Settings {
            period: "week".into(),
            ..s.clone()
        };
        assert_eq!(
            s.differences(&t),
            [("--period".into(), "month".into(), "week".into())]
        );
        assert!(s.differences(&s).is_empty());
    }

    #[test]
    fn a_partial_round_trips_through_its_file() {
        let lex = Lexicons::defaults().unwrap();
        let (prk, kor) = (
            lex.actor_index("PRK").unwrap() as u32,
            lex.actor_index("KOR").unwrap() as u32,
        );
        let mut agg = Aggregates::default();
        agg.add_sentence(
            Period::Week(2020, 53),
            Label::Hostile,
            -654_321,
            &[prk],
            &[kor],
            &[prk, kor],
            false,
        );
        agg.add_sentence(Period::Undated, Label::Neutral, 1, &[], &[], &[kor], false);
        agg.counters.sentences = 2;
        let (actors, dyads) = Partial::rows(&lex, &agg);
        let mut part = partial_with(vec![]);
        part.header.settings = settings("week", 1);
        part.header.counters = agg.counters;
        (part.actors, part.dyads) = (actors, dyads);
        let dir = tempfile::tempdir().unwrap();
        part.write(dir.path()).unwrap().commit().unwrap();
        let path = dir.path().join(PARTIAL_FILE);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("\n{\"period\":\"2020-W53\",\"source\":\"PRK\""),
            "{text}"
        );
        let back = Partial::read(&path).unwrap();
        let mut merged = Aggregates::default();
        back.add_to(&lex, &mut merged).unwrap();
        assert_eq!(merged.actors, agg.actors);
        assert_eq!(merged.dyads, agg.dyads);
        assert_eq!(merged.counters, agg.counters);

        std::fs::write(
            &path,
            text.replace("\"format_version\": 2", "\"format_version\": 9"),
        )
        .unwrap();
        let e = Partial::read(&path).unwrap_err().to_string();
        assert!(e.contains("partial format version 9"), "{e}");
        std::fs::write(&path, "{\"documents\": 3}").unwrap();
        let e = Partial::read(&path).unwrap_err().to_string();
        assert!(e.contains("not a partial file"), "{e}");
    }

    fn reject(seq: u64) -> RejectRow {
        RejectRow {
            seq,
            input: "feed.jsonl".into(),
            location: format!("line {}", seq + 1),
            reason: format!("not valid JSON: expected value at line 1 column {seq}"),
        }
    }

    /// A partial with no rows but `rejects`, as a shard of a broken feed.
    fn partial_with(rejects: Vec<RejectRow>) -> Partial {
        let lex = Lexicons::defaults().unwrap();
        Partial {
            header: PartialHeader {
                format: FORMAT.into(),
                format_version: FORMAT_VERSION,
                tool_version: "test".into(),
                shard: Some(ShardSpec { index: 2, count: 3 }),
                settings: settings("month", 1),
                lexicons: lex.sources().iter().map(LexiconId::from).collect(),
                inputs: vec!["feed.jsonl".into()],
                stream: StreamSummary::default(),
                invalid_utf8: InvalidUtf8Summary::default(),
                sentences_file: None,
                raw_cells: false,
                counters: Counters::default(),
                rejects_by_reason: BTreeMap::new(),
            },
            actors: vec![],
            dyads: vec![],
            rejects,
        }
    }

    #[test]
    fn rejects_spilled_to_disk_give_the_same_partial_file() {
        for n in [0, 1, 5] {
            let rows: Vec<RejectRow> = (0..n).map(|i| reject(i * 3 + 1)).collect();
            let dir = tempfile::tempdir().unwrap();
            let (kept, spilled) = (dir.path().join("kept"), dir.path().join("spilled"));
            std::fs::create_dir_all(&kept).unwrap();
            std::fs::create_dir_all(&spilled).unwrap();
            partial_with(rows.clone())
                .write(&kept)
                .unwrap()
                .commit()
                .unwrap();
            let mut spill = RejectSpill::new_in(&spilled).unwrap();
            for r in &rows {
                spill.push(r);
            }
            assert_eq!(spill.len(), n);
            partial_with(vec![])
                .write_with_spill(&spilled, spill)
                .unwrap()
                .commit()
                .unwrap();
            let (a, b) = (kept.join(PARTIAL_FILE), spilled.join(PARTIAL_FILE));
            assert_eq!(
                std::fs::read_to_string(&a).unwrap(),
                std::fs::read_to_string(&b).unwrap(),
                "{n} rejects"
            );
            assert_eq!(Partial::read(&b).unwrap().rejects, rows);
            // Nothing but the partial is left in the directory.
            assert_eq!(std::fs::read_dir(&spilled).unwrap().count(), 1);
        }
    }

    #[test]
    fn sorted_rejects_come_back_in_input_order_across_spilled_batches() {
        // Three shards' rejects, each in input order, interleaved as a
        // merge reads them part after part.
        let seqs: Vec<u64> = (0..3u64)
            .flat_map(|shard| (0..400u64).map(move |i| i * 3 + (shard * 2 + i) % 3))
            .collect();
        let mut want = seqs.clone();
        want.sort();
        for limit in [1, 7, 1000, SortedRejects::MERGE_LIMIT] {
            let mut sorted = SortedRejects::new(limit);
            for &q in &seqs {
                sorted.push(reject(q)).unwrap();
            }
            let back: Vec<RejectRow> = sorted
                .into_sorted()
                .unwrap()
                .collect::<std::io::Result<_>>()
                .unwrap();
            assert_eq!(
                back.iter().map(|r| r.seq).collect::<Vec<_>>(),
                want,
                "limit {limit}"
            );
            // Whole rows survive the round trip through disk.
            assert_eq!(back[17], reject(want[17]));
        }
        let empty = SortedRejects::new(4).into_sorted().unwrap();
        assert_eq!(empty.count(), 0);
    }

    #[test]
    fn reading_rejects_tells_a_refusal_from_a_damaged_file() {
        let dir = tempfile::tempdir().unwrap();
        partial_with(vec![reject(1), reject(2)])
            .write(dir.path())
            .unwrap()
            .commit()
            .unwrap();
        let path = dir.path().join(PARTIAL_FILE);
        let f = PartialFile::read(&path).unwrap();
        let mut seen = vec![];
        f.rejects(|r| {
            seen.push(r.seq);
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, [1, 2]);
        let e = f
            .rejects(|_| Err("no space left on device".into()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("partial.json: no space left on device"), "{e}");
        assert!(!e.contains("damaged"), "{e}");
        // A reject row without its reason is damage.
        let text = std::fs::read_to_string(&path).unwrap();
        let cut = text.replacen(
            ",\"reason\":\"not valid JSON: expected value at line 1 column 2\"",
            "",
            1,
        );
        assert_ne!(cut, text);
        std::fs::write(&path, cut).unwrap();
        let f = PartialFile::read(&path).unwrap();
        let e = f.rejects(|_| Ok(())).unwrap_err().to_string();
        assert!(
            e.contains("damaged partial file") && e.contains("reason"),
            "{e}"
        );
    }
}
