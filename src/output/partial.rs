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

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::aggregate::{Aggregates, Counters, Role, Tally};
use crate::corpus::{Document, Reject};
use crate::error::{Error, Result};
use crate::lexicon::{LexiconSource, Lexicons};
use crate::output::AtomicFile;
use crate::output::wide::parse_period;
use crate::pipeline::RejectSummary;

/// The partial file `stance score --partial` writes.
pub const PARTIAL_FILE: &str = "partial.json";
/// The `format` field of a partial file.
pub const FORMAT: &str = "stancemeter-partial";
/// The version of the partial format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

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
            digest: digest.iter().map(|b| format!("{b:02x}")).collect(),
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
    /// `--date`, as `2021-01-08`.
    pub date: Option<String>,
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
/// shard: each reads all of it).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InvalidUtf8Summary {
    /// Documents with invalid UTF-8.
    pub documents: u64,
    /// Byte sequences replaced by U+FFFD.
    pub sequences_replaced: u64,
    /// The first few affected.
    pub examples: Vec<String>,
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
                period,
                actor: id(a).to_string(),
                role: role.as_str().to_string(),
                tally: *t,
            })
            .collect();
        let dyads = agg
            .sorted_dyads(&id)
            .into_iter()
            .map(|(period, s, t, v)| DyadRow {
                period,
                source: id(s).to_string(),
                target: id(t).to_string(),
                tally: *v,
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
        let mut f = AtomicFile::create(dir, PARTIAL_FILE)?;
        let path = f.path().to_path_buf();
        let mut body = || -> std::io::Result<()> {
            f.write_all(b"{\"header\": ")?;
            serde_json::to_writer_pretty(&mut f, &self.header)?;
            write_rows(&mut f, "actors", &self.actors)?;
            write_rows(&mut f, "dyads", &self.dyads)?;
            write_rows(&mut f, "rejects", &self.rejects)?;
            f.write_all(b"}\n")
        };
        body().map_err(|e| Error::io(&path, e))?;
        Ok(f)
    }

    /// Reads a partial file, checking its format and version first.
    pub fn read(path: &Path) -> Result<Partial> {
        #[derive(Deserialize)]
        struct Probe {
            header: ProbeHeader,
        }
        #[derive(Deserialize)]
        struct ProbeHeader {
            format: String,
            format_version: u32,
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let not_partial = |why: String| {
            Error::Usage(format!(
                "{}: not a partial file of `stance score --partial` ({why})",
                path.display()
            ))
        };
        let probe: Probe =
            serde_json::from_slice(&bytes).map_err(|e| not_partial(e.to_string()))?;
        if probe.header.format != FORMAT {
            return Err(not_partial(format!("format is '{}'", probe.header.format)));
        }
        if probe.header.format_version != FORMAT_VERSION {
            return Err(Error::Usage(format!(
                "{}: partial format version {}, but this stance reads version {FORMAT_VERSION}: \
                 merge with the stance that wrote it, or score the shard again",
                path.display(),
                probe.header.format_version
            )));
        }
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::Other(format!(
                "{}: damaged partial file ({e}); score this shard again",
                path.display()
            ))
        })
    }
}

/// Writes `,\n"name": [` then one compact row per line, then `]`.
fn write_rows<T: Serialize>(f: &mut AtomicFile, name: &str, rows: &[T]) -> std::io::Result<()> {
    write!(f, ",\n\"{name}\": [")?;
    for (i, r) in rows.iter().enumerate() {
        f.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *f, r)?;
    }
    f.write_all(if rows.is_empty() { b"]" } else { b"\n]" })
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
            date: None,
            format: None,
            id_field: "id".into(),
            date_field: "date".into(),
            text_field: "text".into(),
            max_doc_bytes,
        }
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
        let part = Partial {
            header: PartialHeader {
                format: FORMAT.into(),
                format_version: FORMAT_VERSION,
                tool_version: "test".into(),
                shard: Some(ShardSpec { index: 1, count: 2 }),
                settings: settings("week", 1),
                lexicons: lex.sources().iter().map(LexiconId::from).collect(),
                inputs: vec!["x".into()],
                stream: StreamSummary::default(),
                invalid_utf8: InvalidUtf8Summary::default(),
                sentences_file: None,
                raw_cells: false,
                counters: agg.counters,
                rejects_by_reason: BTreeMap::new(),
            },
            actors,
            dyads,
            rejects: vec![],
        };
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
            text.replace("\"format_version\": 1", "\"format_version\": 9"),
        )
        .unwrap();
        let e = Partial::read(&path).unwrap_err().to_string();
        assert!(e.contains("partial format version 9"), "{e}");
        std::fs::write(&path, "{\"documents\": 3}").unwrap();
        let e = Partial::read(&path).unwrap_err().to_string();
        assert!(e.contains("not a partial file"), "{e}");
    }
}
