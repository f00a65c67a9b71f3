//! The whole run: documents in, aggregates (and optionally sentence rows)
//! out, in parallel and in bounded memory.
//!
//! Each worker of a pool takes the next batch of documents from the corpus
//! (reading and parsing it while it holds the input, one worker at a time),
//! scores it, sums its documents' tallies into one table, and hands the
//! batch to the calling thread, which merges batches strictly in input
//! order. A document is read and scored on the same core, while its text is
//! still in that core's caches, and no worker waits on a reader thread that
//! the operating system has left queued behind a busy core. Only a few
//! batches more than there are workers are ever read but not merged, so
//! memory stays bounded however uneven the batches. Because aggregates are
//! integer sums ([`crate::aggregate`]), the tables do not depend on the
//! thread count or on the grouping into batches, and sentence rows come out
//! in input order.
//!
//! With one thread there is no pool: each document is read, scored and
//! merged in turn on the calling thread (see `Pipeline::run_inline`; tallies
//! are summed per batch there too), so a one-thread run uses one core, with
//! the same events, tables and rows.
//!
//! ```
//! use stancemeter::{Lexicons, Pipeline, PipelineOptions, corpus::{Document, DocDate}};
//! let lex = Lexicons::defaults()?;
//! let pipeline = Pipeline::new(lex, PipelineOptions::default());
//! let doc = Document {
//!     id: "a1".into(),
//!     date: DocDate::parse("2024-03-01"),
//!     text: "North Korea condemned South Korea's drills.".into(),
//!     fields: Default::default(),
//! };
//! let out = pipeline.process(&doc);
//! assert_eq!(out.aggregates.counters.sentences, 1);
//! assert_eq!(out.aggregates.dyads.len(), 1);
//! # Ok::<(), stancemeter::Error>(())
//! ```

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::aggregate::{Aggregates, Period, PeriodKind};
use crate::corpus::{Document, Reject};
use crate::error::{Error, Result};
use crate::lexicon::Lexicons;
use crate::output::{CellPolicy, SentenceCells, SentenceCsv, join_into};
use crate::score::{Label, Recent, Scored, Scorer};
use crate::text::clean::{CleanBuffers, clean_into};
use crate::text::{NewsSplitter, strip_markup};

/// Documents per batch, at most. The first batches are smaller (see
/// [`batch_full`]).
const BATCH_DOCS: usize = 256;
/// Text bytes per batch, whichever limit comes first. At most
/// [`EXTRA_BATCHES`] more batches than there are workers are read but not
/// yet merged, so this sets peak memory: at 8 MB, a UNGDC run at 2 threads
/// peaked anywhere from 100 to 150 MB; at 2 MB, about 55-75 MB, and no more
/// on a corpus four times as long, no slower.
const BATCH_BYTES: usize = 2 << 20;
/// Batches that may be read but not yet merged beyond one per worker: room
/// for a finished batch to wait for an earlier one to be merged without
/// holding up the next.
const EXTRA_BATCHES: usize = 2;

/// Whether batch number `index` (from 0), with `docs` documents of `bytes`
/// bytes of text, is full. Batch sizes ramp up, 1, 2, 4 … [`BATCH_DOCS`]
/// documents, so that a small corpus is spread over the workers rather than
/// taken whole by the first; then each holds up to [`BATCH_DOCS`] documents
/// or [`BATCH_BYTES`] bytes.
fn batch_full(index: u64, docs: usize, bytes: usize) -> bool {
    docs >= batch_docs(index) || bytes >= BATCH_BYTES
}

/// The bytes of text an item adds to its batch (none for a reject).
fn text_len(item: &std::result::Result<Document, Reject>) -> usize {
    item.as_ref().map_or(0, |d| d.text.len())
}

/// The most documents batch number `index` holds (see [`batch_full`]).
fn batch_docs(index: u64) -> usize {
    BATCH_DOCS.min(1 << index.min(u64::from(BATCH_DOCS.ilog2())))
}

/// A batch of read documents (or rejects), in input order.
type Batch = Vec<std::result::Result<Document, Reject>>;

/// What a batch gives when scored: each document's output (without its
/// tallies) or the reject read in its place, and the batch's tallies
/// summed.
type BatchOut = (Vec<std::result::Result<DocOutput, Reject>>, Aggregates);

/// The longest sentence scored as one, in bytes. A longer "sentence" (a
/// table flattened into one line, a run of punctuation, a list of thousands
/// of names) is scored in pieces of at most this size, cut at white space,
/// so time and memory per sentence stay bounded. `run.json` counts them.
pub const MAX_SENTENCE_BYTES: usize = 4096;

/// Options of a run.
#[derive(Debug, Clone, Default)]
pub struct PipelineOptions {
    /// Time bucket size.
    pub period: PeriodKind,
    /// Report people, ministries and media as themselves instead of rolling
    /// them up to their state.
    pub no_rollup: bool,
    /// Produce a row per sentence.
    pub sentences: bool,
    /// With [`PipelineOptions::sentences`] on: the worker threads render
    /// each document's sentence rows as `sentences.csv` rows with this cell
    /// policy (see [`render_sentences`](crate::output::render_sentences)),
    /// and the sink gets [`Event::SentenceCsv`] instead of
    /// [`Event::Sentences`]. This is how `stance score --sentences` keeps
    /// the one thread writing the file from becoming the limit.
    pub sentence_csv: Option<CellPolicy>,
    /// Worker threads; `None` or 0 for all cores.
    pub threads: Option<usize>,
    /// The actor (index into [`Lexicons::actors`]) every document speaks
    /// for: first-person references ("we", "my Government") mean it.
    pub speaker: Option<usize>,
    /// A record field holding each document's speaker as an actor id or
    /// name (see [`Lexicons::actor_by_id_or_name`]; e.g.
    /// `country_iso3`), used when `speaker` is not set.
    pub speaker_field: Option<String>,
    /// "I", "me" and "my" mean the speaker too (see
    /// [`Scorer::first_person`]): for speeches.
    pub first_person: bool,
}

impl PipelineOptions {
    /// The worker threads a run uses: [`PipelineOptions::threads`], or all
    /// cores when it is `None` or 0.
    ///
    /// ```
    /// use stancemeter::pipeline::PipelineOptions;
    /// let two = PipelineOptions { threads: Some(2), ..PipelineOptions::default() };
    /// assert_eq!(two.threads(), 2);
    /// assert!(PipelineOptions { threads: Some(0), ..two }.threads() >= 1);
    /// ```
    pub fn threads(&self) -> usize {
        match self.threads {
            Some(n) if n > 0 => n,
            _ => std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

/// One sentence as written to `sentences.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceRow {
    /// Document id.
    pub doc_id: String,
    /// Document date as given (`2021-01-08`, `2021`), empty when undated.
    pub date: String,
    /// 1-based sentence number within the document.
    pub sentence_no: u32,
    /// The sentence.
    pub text: String,
    /// Tone in [−1, 1].
    pub tone: f64,
    /// Label.
    pub label: Label,
    /// Source actor id, empty when none.
    pub source: String,
    /// Target actor ids.
    pub targets: Vec<String>,
    /// Every actor id named.
    pub actors: Vec<String>,
    /// Matched terms, weights and rules.
    pub evidence: String,
}

/// What one document produced.
#[derive(Debug, Clone, Default)]
pub struct DocOutput {
    /// Its tallies.
    pub aggregates: Aggregates,
    /// Its sentence rows, when asked for.
    pub rows: Vec<SentenceRow>,
    /// Its sentence rows rendered as CSV, instead of `rows`, when
    /// [`PipelineOptions::sentence_csv`] asks for it.
    pub csv: Vec<u8>,
    /// What the run should tell about it, if anything.
    pub notes: Option<Box<DocNotes>>,
}

/// What about one document a run tells its user: scored, but perhaps not as
/// they meant. The counters of [`Aggregates`] count these; [`RunTotals`]
/// keeps the first few documents of each kind, in input order, to name.
///
/// ```
/// use stancemeter::{Lexicons, Pipeline, PipelineOptions, corpus::{Document, DocDate}};
/// let options = PipelineOptions {
///     speaker_field: Some("country".into()),
///     ..PipelineOptions::default()
/// };
/// let pipeline = Pipeline::new(Lexicons::defaults()?, options);
/// let doc = Document {
///     id: "speech-7".into(),
///     date: DocDate::parse("2019"),
///     text: "We welcome the agreement with Germany.".into(),
///     fields: [("country".to_string(), "Britain".to_string())].into(),
/// };
/// let notes = pipeline.process(&doc).notes.expect("something to tell");
/// // "Britain" is an alias, neither the id (GBR) nor the name (United
/// // Kingdom): the speech has no speaker.
/// assert_eq!(notes.unknown_speaker.as_deref(), Some("Britain"));
/// // A year alone is coarser than the default period, months.
/// assert_eq!(notes.coarse_date.as_deref(), Some("2019"));
/// # Ok::<(), stancemeter::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocNotes {
    /// The document's id.
    pub id: String,
    /// Its [`PipelineOptions::speaker_field`] value, when that names no
    /// actor: the document then has no speaker.
    pub unknown_speaker: Option<String>,
    /// It has no [`PipelineOptions::speaker_field`] field: no speaker.
    pub no_speaker_field: bool,
    /// Stretches of its text longer than [`MAX_SENTENCE_BYTES`] with no
    /// sentence end, scored in pieces.
    pub long_sentences_cut: u64,
    /// Its date, when that is coarser than [`PipelineOptions::period`] (a
    /// year under months): it is tallied under a period of its own.
    pub coarse_date: Option<String>,
}

/// A speaker field value that is no actor id, as [`NotedDocuments`] keeps
/// it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnknownSpeaker {
    /// The value, as written.
    pub value: String,
    /// The id of the first document with it.
    pub first_document: String,
    /// How many documents have it.
    pub documents: u64,
}

/// The first few documents of each kind of [`DocNotes`], in input order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NotedDocuments {
    /// The first few distinct speaker field values that are no actor id,
    /// each with its first document and how many documents have it (a
    /// corpus that names its speakers "Britain", "Holland", … has one such
    /// value per speaker, repeated in every document).
    pub unknown_speakers: Vec<UnknownSpeaker>,
    /// Ids of documents with no speaker field.
    pub no_speaker_field: Vec<String>,
    /// Ids of documents with a stretch of text scored in pieces.
    pub long_sentences_cut: Vec<String>,
    /// `(document id, date)` of documents dated more coarsely than the
    /// period.
    pub coarse_dates: Vec<(String, String)>,
}

impl NotedDocuments {
    /// How many documents of each kind are kept.
    pub const KEPT: usize = 5;

    fn add(&mut self, n: &DocNotes) {
        fn keep<T>(list: &mut Vec<T>, item: impl FnOnce() -> T) {
            if list.len() < NotedDocuments::KEPT {
                list.push(item());
            }
        }
        if let Some(value) = &n.unknown_speaker {
            match self.unknown_speakers.iter_mut().find(|u| u.value == *value) {
                Some(u) => u.documents += 1,
                None => keep(&mut self.unknown_speakers, || UnknownSpeaker {
                    value: value.clone(),
                    first_document: n.id.clone(),
                    documents: 1,
                }),
            }
        }
        if n.no_speaker_field {
            keep(&mut self.no_speaker_field, || n.id.clone());
        }
        if n.long_sentences_cut > 0 {
            keep(&mut self.long_sentences_cut, || n.id.clone());
        }
        if let Some(date) = &n.coarse_date {
            keep(&mut self.coarse_dates, || (n.id.clone(), date.clone()));
        }
    }
}

/// What [`Pipeline::run`] reports as it goes.
#[derive(Debug)]
pub enum Event<'a> {
    /// A record that could not be read.
    Reject(&'a Reject),
    /// The sentence rows of one document, in input order.
    Sentences(&'a [SentenceRow]),
    /// The sentence rows of one document rendered as CSV, in input order,
    /// when [`PipelineOptions::sentence_csv`] is set.
    SentenceCsv(&'a [u8]),
    /// Documents scored so far.
    Progress {
        /// Documents scored.
        documents: u64,
    },
}

/// Rejected records, grouped by reason.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RejectSummary {
    /// How many.
    pub count: u64,
    /// The first few `input: location`s.
    pub examples: Vec<String>,
}

/// The totals of a run.
#[derive(Debug, Clone, Default)]
pub struct RunTotals {
    /// All tallies.
    pub aggregates: Aggregates,
    /// Rejected records by reason.
    pub rejects: BTreeMap<String, RejectSummary>,
    /// Wall time.
    pub elapsed: Duration,
    /// Threads used.
    pub threads: usize,
    /// The first few documents scored otherwise than the user may have
    /// meant (see [`DocNotes`]).
    pub noted: NotedDocuments,
    /// The first reject in input order, in full: `input: location: reason`.
    pub first_reject: Option<String>,
}

impl RunTotals {
    /// Total rejected records.
    pub fn rejected(&self) -> u64 {
        self.rejects.values().map(|r| r.count).sum()
    }
}

/// What scoring a document needs besides its text, kept by each thread
/// from document to document (each use clears what it takes): the
/// sentence result, the spans, and the actors of a sentence by role.
/// Fresh ones for every document, with the splitter's (see
/// [`NewsSplitter::spans_into`]), were 0.71% of the instructions of a
/// one-thread run on every tenth UN speech, most of them growing the same
/// vectors again.
#[derive(Debug, Default)]
struct DocBuffers {
    scored: Scored,
    /// The actors of the document's last sentences.
    recent: Recent,
    /// The sentences' spans, any over [`MAX_SENTENCE_BYTES`] cut.
    spans: Vec<std::ops::Range<usize>>,
    mentioned: Vec<u32>,
    targets: Vec<u32>,
    sources: Vec<u32>,
    /// A `sentences.csv` row's joined target ids, actor ids and evidence.
    row_cells: [String; 3],
    /// The document's cleaned text, and the cleaner's buffers.
    text: String,
    clean: CleanBuffers,
}

/// What one sentence's row is made of, for [`Pipeline::push_row`]: the
/// sentence `n` (0-based) of `doc`, as scored, with its source, targets
/// and actors as reported (actor indices).
struct RowOf<'a> {
    doc: &'a Document,
    date_text: &'a str,
    n: usize,
    sentence: &'a str,
    s: &'a Scored,
    source: Option<u32>,
    targets: &'a [u32],
    mentioned: &'a [u32],
}

thread_local! {
    static DOC_BUFFERS: std::cell::RefCell<DocBuffers> = std::cell::RefCell::new(DocBuffers::default());
}

/// The scoring pipeline: lexicons, splitter and options.
#[derive(Debug)]
pub struct Pipeline {
    lex: Lexicons,
    splitter: NewsSplitter,
    options: PipelineOptions,
}

impl Pipeline {
    /// A pipeline over these lexicons.
    pub fn new(lex: Lexicons, options: PipelineOptions) -> Pipeline {
        Pipeline {
            lex,
            splitter: NewsSplitter::new(),
            options,
        }
    }

    /// Its lexicons.
    pub fn lexicons(&self) -> &Lexicons {
        &self.lex
    }

    /// Its options.
    pub fn options(&self) -> &PipelineOptions {
        &self.options
    }

    /// The actor index reported in tables for a named actor.
    fn reported(&self, actor: usize) -> u32 {
        if self.options.no_rollup {
            actor as u32
        } else {
            self.lex.actors()[actor].root as u32
        }
    }

    /// Cleans, splits and scores one document.
    pub fn process(&self, doc: &Document) -> DocOutput {
        let mut tallies = Aggregates::default();
        let mut out = self.process_adding(doc, &mut tallies);
        out.aggregates = tallies;
        out
    }

    /// [`Pipeline::process`], the document's tallies added to `agg` (those
    /// of its batch) rather than kept in its output. Each of a document's
    /// sentences went into tables of the document's own, which were then
    /// added to the batch's: tables allocated and merged per document, 0.9%
    /// of the instructions of a one-thread run on UNGDC and 1.4% of its
    /// time.
    fn process_adding(&self, doc: &Document, agg: &mut Aggregates) -> DocOutput {
        let mut out = DocOutput::default();
        let plain = strip_markup(&doc.text);
        let (period, coarse) = Period::of(doc.date, self.options.period);
        let c = &mut agg.counters;
        c.documents += 1;
        c.undated_documents += doc.date.is_none() as u64;
        c.coarse_dated_documents += coarse as u64;
        c.markup_documents += plain.is_some() as u64;
        c.text_bytes += doc.text.len() as u64;
        let date_text = doc.date.map(|d| d.to_string()).unwrap_or_default();
        let mut notes = DocNotes {
            coarse_date: coarse.then(|| date_text.clone()),
            ..DocNotes::default()
        };
        let speaker = self.options.speaker.or_else(|| {
            let field = self.options.speaker_field.as_ref()?;
            let Some(code) = doc.fields.get(field) else {
                agg.counters.no_speaker_field += 1;
                notes.no_speaker_field = true;
                return None;
            };
            let found = self.lex.actor_by_id_or_name(code);
            if found.is_none() {
                agg.counters.unknown_speakers += 1;
                notes.unknown_speaker = Some(code.clone());
            }
            found
        });
        agg.counters.documents_with_speaker += speaker.is_some() as u64;
        crate::with_thread_buffers(&DOC_BUFFERS, DocBuffers::default, |buffers| {
            // The cleaned text, in this thread's buffer while it is scored.
            let mut text = std::mem::take(&mut buffers.text);
            let cs = clean_into(
                plain.as_deref().unwrap_or(&doc.text),
                self.lex.boilerplate(),
                &mut text,
                &mut buffers.clean,
            );
            let c = &mut agg.counters;
            c.boilerplate_lines += cs.boilerplate_lines;
            c.repeated_lines += cs.repeated_lines;
            c.joined_lines += cs.joined_lines;
            let cut_before = agg.counters.long_sentences_cut;
            self.score_sentences(
                doc, &text, speaker, period, &date_text, agg, buffers, &mut out,
            );
            notes.long_sentences_cut = agg.counters.long_sentences_cut - cut_before;
            buffers.text = text;
        });
        if notes != DocNotes::default() {
            notes.id = doc.id.clone();
            out.notes = Some(Box::new(notes));
        }
        out
    }

    /// Splits the cleaned `text` of `doc` and scores its sentences into
    /// `agg` (and, with `--sentences`, their rows into `out`), with this
    /// thread's `buffers`.
    #[allow(clippy::too_many_arguments)]
    fn score_sentences(
        &self,
        doc: &Document,
        text: &str,
        speaker: Option<usize>,
        period: Period,
        date_text: &str,
        agg: &mut Aggregates,
        buffers: &mut DocBuffers,
        out: &mut DocOutput,
    ) {
        let scorer = Scorer::new(&self.lex).first_person(self.options.first_person);
        let DocBuffers {
            scored,
            recent,
            spans,
            mentioned,
            targets,
            sources,
            row_cells,
            ..
        } = buffers;
        let DocOutput { rows, csv, .. } = out;
        // With `sentence_csv`, rows go straight into CSV as they are scored.
        let mut csv_rows = match self.options.sentence_csv {
            Some(cells) if self.options.sentences => Some(SentenceCsv::new(csv, cells)),
            _ => None,
        };
        spans.clear();
        recent.clear();
        self.splitter.spans_into(text, spans);
        if spans.iter().any(|span| span.len() > MAX_SENTENCE_BYTES) {
            for span in std::mem::take(spans) {
                if span.len() > MAX_SENTENCE_BYTES {
                    agg.counters.long_sentences_cut += 1;
                    spans.extend(cut_long(text, span, MAX_SENTENCE_BYTES));
                } else {
                    spans.push(span);
                }
            }
        }
        for (n, span) in spans.iter().cloned().enumerate() {
            let sentence = &text[span];
            agg.counters.sentences += 1;
            // Only a sentence that names an actor reaches a table: one that
            // cannot is counted and not scored, unless its row is wanted.
            if !self.options.sentences && !self.lex.may_name_actor(sentence, speaker.is_some()) {
                continue;
            }
            scorer.score_sentence_after(sentence, doc.date, speaker, n, recent, scored);
            let s = &*scored;
            let mention = |i: usize| self.reported(s.matches.actors[i].actor);
            let a = &s.attribution;
            let source = s.source_actor(speaker).map(|x| self.reported(x));
            sources.clear();
            sources.extend(source);
            for &i in &a.also_sources {
                let id = mention(i);
                if !sources.contains(&id) {
                    sources.push(id);
                }
            }
            targets.clear();
            for &t in &a.targets {
                let id = mention(t);
                if Some(id) != source && !targets.contains(&id) {
                    targets.push(id);
                }
            }
            mentioned.clear();
            for i in 0..s.matches.actors.len() {
                let id = mention(i);
                if !mentioned.contains(&id) {
                    mentioned.push(id);
                }
            }
            agg.add_sentence(
                period,
                s.label,
                s.tone_micros(),
                sources,
                targets,
                mentioned,
                a.mutual,
            );
            let c = &mut agg.counters;
            if !mentioned.is_empty() {
                c.sentences_with_actors += 1;
                c.sentences_with_source += source.is_some() as u64;
                match s.label {
                    Label::Conciliatory => c.conciliatory += 1,
                    Label::Neutral => c.neutral += 1,
                    Label::Hostile => c.hostile += 1,
                }
            }
            if self.options.sentences {
                let row = RowOf {
                    doc,
                    date_text,
                    n,
                    sentence,
                    s,
                    source,
                    targets,
                    mentioned,
                };
                self.push_row(&row, &mut csv_rows, rows, row_cells);
            }
        }
        if let Some(w) = csv_rows {
            w.finish();
        }
    }

    /// Appends the row of one scored sentence: to the document's CSV when
    /// rows are rendered as they come, else to its rows. Kept out of line:
    /// inlined into the loop of [`Pipeline::score_sentences`], it made a
    /// run without `--sentences` take 0.3% more instructions.
    #[inline(never)]
    fn push_row(
        &self,
        r: &RowOf<'_>,
        csv_rows: &mut Option<SentenceCsv<'_>>,
        rows: &mut Vec<SentenceRow>,
        [targets_text, actors_text, evidence]: &mut [String; 3],
    ) {
        let s = r.s;
        if let Some(w) = csv_rows {
            let id = |a: u32| self.lex.actors()[a as usize].id.as_str();
            join_into(targets_text, r.targets.iter().map(|&a| id(a)));
            join_into(actors_text, r.mentioned.iter().map(|&a| id(a)));
            s.evidence_into(&self.lex, r.sentence, evidence);
            w.row(&SentenceCells {
                doc_id: &r.doc.id,
                date: r.date_text,
                sentence_no: r.n as u32 + 1,
                text: r.sentence,
                tone: s.tone,
                label: s.label,
                source: r.source.map_or("", id),
                targets: targets_text,
                actors: actors_text,
                evidence,
            });
        } else {
            let id = |a: u32| self.lex.actors()[a as usize].id.clone();
            rows.push(SentenceRow {
                doc_id: r.doc.id.clone(),
                date: r.date_text.to_string(),
                sentence_no: r.n as u32 + 1,
                text: r.sentence.to_string(),
                tone: s.tone,
                label: s.label,
                source: r.source.map(id).unwrap_or_default(),
                targets: r.targets.iter().map(|&a| id(a)).collect(),
                actors: r.mentioned.iter().map(|&a| id(a)).collect(),
                evidence: s.evidence(&self.lex, r.sentence),
            });
        }
    }

    /// Scores a stream of documents in parallel. `sink` sees every reject,
    /// the sentence rows of every document (in input order, when
    /// [`PipelineOptions::sentences`] is on) and progress; an error it
    /// returns stops the run.
    ///
    /// With more than one thread, `docs` is advanced by the worker threads,
    /// one at a time and in order (so it must be `Send`), and `sink` is
    /// called on the calling thread; with one, both run on the calling
    /// thread.
    pub fn run<I>(
        &self,
        docs: I,
        sink: &mut dyn FnMut(Event<'_>) -> Result<()>,
    ) -> Result<RunTotals>
    where
        I: Iterator<Item = std::result::Result<Document, Reject>> + Send,
    {
        let start = Instant::now();
        let threads = self.options.threads();
        let mut totals = RunTotals {
            threads,
            ..RunTotals::default()
        };
        let mut merger = Merger {
            totals: &mut totals,
            sink,
            documents: 0,
        };
        if threads == 1 {
            self.run_inline(docs, &mut merger)?;
        } else {
            self.run_parallel(docs, threads, &mut merger)?;
        }
        totals.elapsed = start.elapsed();
        Ok(totals)
    }

    /// [`Pipeline::run`] with one thread: reads, scores and merges each
    /// document in turn on the calling thread, with no thread pool, so that
    /// `--threads 1` really uses one core (a cluster slot of one CPU, a fair
    /// 1-vs-N comparison) and no time goes to handing batches between
    /// threads. The sink sees exactly the events of the parallel path, in
    /// the same order: each document's reject or sentence rows as it is
    /// merged, and a progress event at the end of every batch (the batches
    /// of [`batch_full`], as the workers would have taken them), so
    /// progress, `--strict` and Ctrl-C behave as with more threads.
    fn run_inline<I>(&self, docs: I, merger: &mut Merger<'_, '_>) -> Result<()>
    where
        I: Iterator<Item = std::result::Result<Document, Reject>>,
    {
        let mut index = 0u64;
        let mut in_batch = 0usize;
        let mut bytes = 0usize;
        let mut tallies = Aggregates::default();
        for item in docs {
            bytes += text_len(&item);
            in_batch += 1;
            merger.item(self.score_item(item, &mut tallies))?;
            if batch_full(index, in_batch, bytes) {
                merger.tallies(&std::mem::take(&mut tallies));
                merger.progress()?;
                index += 1;
                in_batch = 0;
                bytes = 0;
            }
        }
        if in_batch > 0 {
            merger.tallies(&tallies);
            merger.progress()?;
        }
        Ok(())
    }

    /// Scores one item of a batch: a document gives its output, its
    /// tallies added to the batch's `tallies` (not kept in the output); a
    /// reject stays itself. Both ways of running score this way.
    fn score_item(
        &self,
        item: std::result::Result<Document, Reject>,
        tallies: &mut Aggregates,
    ) -> std::result::Result<DocOutput, Reject> {
        item.map(|d| self.process_adding(&d, tallies))
    }

    /// [`Pipeline::run`] on a pool of `threads` workers (see the [module
    /// documentation](self)). The calling thread merges.
    fn run_parallel<I>(&self, docs: I, threads: usize, merger: &mut Merger<'_, '_>) -> Result<()>
    where
        I: Iterator<Item = std::result::Result<Document, Reject>> + Send,
    {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| Error::Other(format!("cannot start {threads} worker threads: {e}")))?;
        let input = SharedInput {
            state: Mutex::new(Input {
                docs,
                next: 0,
                ended: false,
                unmerged: 0,
                stop: false,
            }),
            room: Condvar::new(),
            limit: threads + EXTRA_BATCHES,
        };
        let (done_tx, done_rx) = std::sync::mpsc::channel::<(u64, BatchOut)>();
        pool.in_place_scope(|jobs| -> Result<()> {
            for _ in 0..threads {
                let (done, input) = (done_tx.clone(), &input);
                // Each worker runs one of these loops. A loop must not wait
                // inside rayon (a `par_iter` over its batch): a worker waiting
                // there may steal another loop and run it nested, where it can
                // wait for room behind its own unfinished batch, forever.
                jobs.spawn(move |_| {
                    let _stop = StopOnPanic(input);
                    while let Some((index, batch)) = input.take() {
                        let mut tallies = Aggregates::default();
                        // The documents are dropped here, on the thread
                        // that read them, as soon as they are scored.
                        let outs = batch
                            .into_iter()
                            .map(|item| self.score_item(item, &mut tallies))
                            .collect();
                        // The receiver outlives every job of this scope.
                        let _ = done.send((index, (outs, tallies)));
                    }
                });
            }
            drop(done_tx);
            // A panic of the sink, too, must not leave workers waiting.
            let _stop = StopOnPanic(&input);
            // Merge in input order; a finished batch waits in `pending` for
            // the ones before it.
            let mut pending: BTreeMap<u64, BatchOut> = BTreeMap::new();
            let mut next_out = 0u64;
            let mut merge = || -> Result<()> {
                for (index, done) in done_rx.iter() {
                    pending.insert(index, done);
                    while let Some((outs, tallies)) = pending.remove(&next_out) {
                        next_out += 1;
                        merger.tallies(&tallies);
                        for out in outs {
                            merger.item(out)?;
                        }
                        merger.progress()?;
                        input.merged();
                    }
                }
                Ok(())
            };
            let merged = merge();
            if merged.is_err() {
                // The sink stopped the run (an error, --strict, Ctrl-C): the
                // workers finish the batch they hold and take no more.
                input.stop();
            }
            merged
        })
    }
}

/// The corpus, shared by the workers of [`Pipeline::run_parallel`], who
/// take batches from it in turn.
struct SharedInput<I> {
    state: Mutex<Input<I>>,
    /// Signalled when a batch is merged, the input ends or the run stops.
    room: Condvar,
    /// Batches read but not yet merged, at most.
    limit: usize,
}

/// What [`SharedInput`]'s lock guards.
struct Input<I> {
    docs: I,
    /// Number of the next batch.
    next: u64,
    /// The corpus has no more documents.
    ended: bool,
    /// Batches taken and not yet merged.
    unmerged: usize,
    /// The merging stopped on an error, or a worker panicked: take no more.
    stop: bool,
}

impl<I> SharedInput<I>
where
    I: Iterator<Item = std::result::Result<Document, Reject>>,
{
    fn lock(&self) -> std::sync::MutexGuard<'_, Input<I>> {
        // Poisoned only by a panic in the corpus, which the pool passes on
        // once every worker has stopped.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads the next batch and its number, once fewer than `limit`
    /// batches are unmerged; `None` at the end of the input or once the
    /// run is stopped.
    fn take(&self) -> Option<(u64, Batch)> {
        let mut s = self.lock();
        while s.unmerged >= self.limit && !s.stop && !s.ended {
            s = self.room.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        if s.stop || s.ended {
            return None;
        }
        let index = s.next;
        let mut batch = Vec::with_capacity(batch_docs(index));
        let mut bytes = 0;
        loop {
            let Some(item) = s.docs.next() else {
                s.ended = true;
                self.room.notify_all();
                break;
            };
            bytes += text_len(&item);
            batch.push(item);
            if batch_full(index, batch.len(), bytes) {
                break;
            }
        }
        if batch.is_empty() {
            return None;
        }
        s.next += 1;
        s.unmerged += 1;
        Some((index, batch))
    }

    /// One batch merged: room for another.
    fn merged(&self) {
        self.lock().unmerged -= 1;
        self.room.notify_one();
    }

    /// Stops the workers: each takes no further batch.
    fn stop(&self) {
        self.lock().stop = true;
        self.room.notify_all();
    }
}

/// Stops the workers when a worker or the merging thread panics: a batch
/// would never be merged, and they could wait for room forever. The pool
/// passes the panic on once they have stopped.
struct StopOnPanic<'a, I>(&'a SharedInput<I>)
where
    I: Iterator<Item = std::result::Result<Document, Reject>>;

impl<I> Drop for StopOnPanic<'_, I>
where
    I: Iterator<Item = std::result::Result<Document, Reject>>,
{
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
    }
}

/// Adds scored documents and rejects to the totals in input order and
/// passes them on to the sink: the one place both ways of running merge.
struct Merger<'t, 's> {
    totals: &'t mut RunTotals,
    sink: &'s mut dyn FnMut(Event<'_>) -> Result<()>,
    /// Documents merged so far.
    documents: u64,
}

impl Merger<'_, '_> {
    /// Merges what scoring one document produced, or the reject read in
    /// its place.
    fn item(&mut self, item: std::result::Result<DocOutput, Reject>) -> Result<()> {
        match item {
            Err(r) => {
                let key = reason_class(&r.reason);
                let e = self.totals.rejects.entry(key).or_default();
                e.count += 1;
                if e.examples.len() < 5 {
                    let loc = if r.location.is_empty() {
                        r.input.clone()
                    } else {
                        format!("{}: {}", r.input, r.location)
                    };
                    e.examples.push(loc);
                }
                if self.totals.first_reject.is_none() {
                    self.totals.first_reject = Some(r.to_string());
                }
                (self.sink)(Event::Reject(&r))
            }
            Ok(o) => {
                // Its tallies are in its batch's (`tallies`).
                self.documents += 1;
                if let Some(n) = &o.notes {
                    self.totals.noted.add(n);
                }
                if !o.csv.is_empty() {
                    (self.sink)(Event::SentenceCsv(&o.csv))
                } else if !o.rows.is_empty() {
                    (self.sink)(Event::Sentences(&o.rows))
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Adds a batch's tallies: every scored document's reach the totals
    /// this way, summed per batch apart from the document (the sums are
    /// exact, so their grouping and order do not matter).
    fn tallies(&mut self, a: &Aggregates) {
        self.totals.aggregates.merge(a);
    }

    /// Reports the documents merged so far (once per batch).
    fn progress(&mut self) -> Result<()> {
        (self.sink)(Event::Progress {
            documents: self.documents,
        })
    }
}

/// Cuts `text[span]` into pieces of at most `max` bytes, at white space
/// where there is some, trimmed, never empty.
fn cut_long(text: &str, span: std::ops::Range<usize>, max: usize) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = span.start;
    while start < span.end {
        while start < span.end && text[start..].starts_with(char::is_whitespace) {
            start += text[start..].chars().next().map_or(1, char::len_utf8);
        }
        if start >= span.end {
            break;
        }
        let mut end = if span.end - start <= max {
            span.end
        } else {
            let mut limit = start + max;
            while !text.is_char_boundary(limit) {
                limit -= 1;
            }
            match text[start..limit].rfind(char::is_whitespace) {
                Some(ws) if ws > 0 => start + ws,
                _ => limit.max(start + text[start..].chars().next().map_or(1, char::len_utf8)),
            }
        };
        while end > start && text[..end].ends_with(char::is_whitespace) {
            end -= text[..end].chars().next_back().map_or(1, char::len_utf8);
        }
        if end > start {
            out.push(start..end);
        }
        start = end.max(start + 1);
        while start < span.end && !text.is_char_boundary(start) {
            start += 1;
        }
    }
    out
}

/// Groups reject reasons: the text before the first quote, colon or
/// parenthesis ("unreadable date '31/31/2021'" → "unreadable date").
fn reason_class(reason: &str) -> String {
    let end = reason.find([':', '\'', '(', '"']).unwrap_or(reason.len());
    let class = reason[..end].trim();
    if class.is_empty() {
        reason.to_string()
    } else {
        class.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::{Counters, Role, Tally};
    use crate::corpus::DocDate;
    use crate::output::render_sentences;

    /// Tables of a run in key order, with its counters: what two runs that
    /// should agree are compared by.
    type SortedTallies = (
        Vec<((Period, u32, Role), Tally)>,
        Vec<((Period, u32, u32), Tally)>,
        Counters,
    );

    fn sorted_tallies(a: &Aggregates) -> SortedTallies {
        let mut actors: Vec<_> = a.actors.iter().map(|(k, v)| (*k, *v)).collect();
        actors.sort_by_key(|(k, _)| *k);
        let mut dyads: Vec<_> = a.dyads.iter().map(|(k, v)| (*k, *v)).collect();
        dyads.sort_by_key(|(k, _)| *k);
        (actors, dyads, a.counters)
    }

    fn doc(id: &str, date: &str, text: &str) -> Document {
        Document {
            id: id.into(),
            date: DocDate::parse(date),
            text: text.into(),
            fields: Default::default(),
        }
    }

    #[test]
    fn long_sentences_are_cut_at_white_space() {
        let text = "word ".repeat(3000) + "é".repeat(5000).as_str();
        let pieces = cut_long(&text, 0..text.len(), 4096);
        assert!(pieces.iter().all(|r| r.len() <= 4096 && !r.is_empty()));
        let joined: String = pieces
            .iter()
            .map(|r| text[r.clone()].replace(' ', ""))
            .collect();
        assert_eq!(joined, text.replace(' ', ""));
        let p = Pipeline::new(Lexicons::defaults().unwrap(), PipelineOptions::default());
        let out = p.process(&doc(
            "x",
            "2024-01-01",
            &("Seoul condemned Tokyo, ".repeat(2000) + "."),
        ));
        assert_eq!(out.aggregates.counters.long_sentences_cut, 1);
        assert!(out.aggregates.counters.sentences > 10);
        // Cut between two short sentences, the pieces stay in their place.
        let options = PipelineOptions {
            sentences: true,
            ..PipelineOptions::default()
        };
        let p = Pipeline::new(Lexicons::defaults().unwrap(), options);
        let long = "Seoul condemned Tokyo, ".repeat(400) + ".";
        let out = p.process(&doc(
            "y",
            "2024-01-01",
            &format!("Seoul met Tokyo. {long} Tokyo met Seoul."),
        ));
        assert_eq!(out.aggregates.counters.long_sentences_cut, 1);
        let texts: Vec<&str> = out.rows.iter().map(|r| r.text.as_str()).collect();
        assert!(texts.len() > 3);
        assert_eq!(texts[0], "Seoul met Tokyo.");
        assert_eq!(texts[texts.len() - 1], "Tokyo met Seoul.");
        assert_eq!(
            texts[1..texts.len() - 1].concat().replace(' ', ""),
            long.replace(' ', "")
        );
        let numbers: Vec<u32> = out.rows.iter().map(|r| r.sentence_no).collect();
        assert_eq!(numbers, (1..=texts.len() as u32).collect::<Vec<_>>());
    }

    /// A run adds each document's sentences straight into its batch's
    /// tallies; they must sum to what `process` gives each document alone,
    /// counters included (markup, boilerplate, undated, cut sentences).
    #[test]
    fn run_totals_are_the_sum_of_each_documents_tallies() {
        let texts = [
            "<p>Seoul condemned Pyongyang's missile launch.</p>",
            "Advertisement\nChina and Japan agreed to improve ties.\nChina and Japan agreed to improve ties.",
            "Russia threatened Ukraine. The Kremlin said Kyiv had refused talks.",
            "A quiet day with no actor at all.",
        ];
        let docs: Vec<Document> = (0..40)
            .map(|i| {
                let date = if i % 5 == 0 {
                    String::new()
                } else {
                    format!("202{}-03-0{}", i % 3, i % 9 + 1)
                };
                doc(&format!("d{i}"), &date, texts[i % texts.len()])
            })
            .collect();
        for threads in [1, 2] {
            let p = with_rows(threads);
            let mut sum = Aggregates::default();
            for d in &docs {
                sum.merge(&p.process(d).aggregates);
            }
            let totals = p
                .run(docs.clone().into_iter().map(Ok), &mut |_| Ok(()))
                .unwrap();
            assert_eq!(sorted_tallies(&totals.aggregates), sorted_tallies(&sum));
            let c = totals.aggregates.counters;
            assert_eq!(
                (c.documents, c.undated_documents, c.markup_documents),
                (40, 8, 10)
            );
            assert!(
                c.boilerplate_lines >= 10
                    && c.repeated_lines >= 10
                    && !totals.aggregates.dyads.is_empty()
            );
        }
    }

    /// Documents whose speaker field is no actor id or is missing, and
    /// those with text cut into pieces, are named in input order, the
    /// first five of each kind (of unknown speakers, the first five values,
    /// each with its first document and count), at any thread count; the
    /// counters count them all.
    #[test]
    fn documents_scored_otherwise_than_meant_are_named_in_input_order() {
        let run_on = "Seoul condemned Tokyo, ".repeat(400);
        let docs: Vec<Document> = (0..300)
            .map(|i| {
                let mut d = doc(
                    &format!("d{i}"),
                    // A year alone is coarser than the default months.
                    if i % 40 == 3 { "2024" } else { "2024-05-01" },
                    if i % 50 == 7 {
                        &run_on
                    } else {
                        "We welcome the talks with Japan."
                    },
                );
                match i % 3 {
                    0 => {
                        d.fields.insert("iso".into(), "kor".into());
                    }
                    1 => {
                        d.fields.insert("iso".into(), format!("Atlantis {}", i % 7));
                    }
                    _ => {}
                }
                d
            })
            .collect();
        let mut seen = Vec::new();
        for threads in [1, 2, 3] {
            let lex = with_rows(1).lexicons().clone();
            let p = Pipeline::new(
                lex,
                PipelineOptions {
                    threads: Some(threads),
                    speaker_field: Some("iso".into()),
                    ..Default::default()
                },
            );
            let totals = p
                .run(docs.clone().into_iter().map(Ok), &mut |_| Ok(()))
                .unwrap();
            let c = totals.aggregates.counters;
            assert_eq!(
                (
                    c.documents_with_speaker,
                    c.unknown_speakers,
                    c.no_speaker_field
                ),
                (100, 100, 100)
            );
            assert_eq!(c.long_sentences_cut, 6);
            assert_eq!(c.coarse_dated_documents, 8);
            let n = &totals.noted;
            // i = 1, 4, 7, … has value i % 7: 1, 4, 0, 3, 6, 2, 5, 1, …;
            // 1 and 4 come 15 times in the 100, the others 14.
            let unknown: Vec<UnknownSpeaker> =
                [(1, 1, 15), (4, 4, 15), (0, 7, 14), (3, 10, 14), (6, 13, 14)]
                    .iter()
                    .map(|&(v, first, documents)| UnknownSpeaker {
                        value: format!("Atlantis {v}"),
                        first_document: format!("d{first}"),
                        documents,
                    })
                    .collect();
            assert_eq!(n.unknown_speakers, unknown);
            assert_eq!(n.no_speaker_field, ["d2", "d5", "d8", "d11", "d14"]);
            assert_eq!(n.long_sentences_cut, ["d7", "d57", "d107", "d157", "d207"]);
            let coarse: Vec<(String, String)> = [3, 43, 83, 123, 163]
                .iter()
                .map(|i| (format!("d{i}"), "2024".to_string()))
                .collect();
            assert_eq!(n.coarse_dates, coarse);
            // A document with nothing to tell carries no notes.
            let out = p.process(&docs[0]);
            assert_eq!(out.notes, None);
            let out = p.process(&docs[7]);
            let notes = out.notes.expect("notes");
            assert_eq!(
                (notes.id.as_str(), notes.unknown_speaker.as_deref()),
                ("d7", Some("Atlantis 0"))
            );
            assert!(notes.long_sentences_cut == 1 && !notes.no_speaker_field);
            seen.push(totals.noted);
        }
        assert!(seen.windows(2).all(|w| w[0] == w[1]));
    }

    #[test]
    fn reason_classes() {
        assert_eq!(
            reason_class("unreadable date '31/31/2021'"),
            "unreadable date"
        );
        assert_eq!(
            reason_class("not valid JSON: expected value"),
            "not valid JSON"
        );
        assert_eq!(
            reason_class("binary file (contains NUL bytes)"),
            "binary file"
        );
    }

    /// A pipeline on the default lexicons with `threads` workers that
    /// passes on sentence rows.
    fn with_rows(threads: usize) -> Pipeline {
        // Built once for all the tests here.
        static LEX: std::sync::OnceLock<Lexicons> = std::sync::OnceLock::new();
        Pipeline::new(
            LEX.get_or_init(|| Lexicons::defaults().unwrap()).clone(),
            PipelineOptions {
                threads: Some(threads),
                sentences: true,
                ..Default::default()
            },
        )
    }

    #[test]
    fn run_is_identical_for_any_thread_count() {
        let texts = [
            "North Korea condemned South Korea and the United States.",
            "Seoul welcomed Pyongyang's offer of talks.",
            "China and Japan agreed to improve ties.",
            "Russia threatened Ukraine, the Kremlin said.",
        ];
        let docs: Vec<Document> = (0..600)
            .map(|i| {
                doc(
                    &format!("d{i}"),
                    &format!("2024-{:02}-10", i % 12 + 1),
                    texts[i % texts.len()],
                )
            })
            .collect();
        let mut results = Vec::new();
        for threads in [1, 2, 3] {
            let p = with_rows(threads);
            let mut rows = Vec::new();
            let totals = p
                .run(docs.clone().into_iter().map(Ok), &mut |e| {
                    if let Event::Sentences(r) = e {
                        rows.extend(r.iter().cloned());
                    }
                    Ok(())
                })
                .unwrap();
            results.push((sorted_tallies(&totals.aggregates), rows));
        }
        assert_eq!(results[0], results[1]);
        assert_eq!(results[0], results[2]);
        assert_eq!(results[0].0.2.documents, 600);
    }

    #[test]
    fn sentence_rows_rendered_by_the_workers_are_the_rows_in_order() {
        let texts = [
            "North Korea condemned South Korea, \"firmly\", and the United States.",
            "=cmd Seoul welcomed Pyongyang's offer of talks.\nChina and Japan agreed to improve ties.",
            "Nothing here names anyone.",
        ];
        let docs: Vec<Document> = (0..300)
            .map(|i| doc(&format!("d{i}"), "2024-05-10", texts[i % texts.len()]))
            .collect();
        let mut rows = Vec::new();
        with_rows(1)
            .run(docs.clone().into_iter().map(Ok), &mut |e| {
                if let Event::Sentences(r) = e {
                    rows.extend(r.iter().cloned());
                }
                Ok(())
            })
            .unwrap();
        assert!(rows.len() >= 300, "{}", rows.len());
        for cells in [
            CellPolicy::default(),
            CellPolicy {
                raw: true,
                bom: false,
            },
        ] {
            let mut expected = Vec::new();
            render_sentences(&rows, cells, &mut expected);
            for threads in [1, 3] {
                let mut p = with_rows(threads);
                p.options.sentence_csv = Some(cells);
                let mut got = Vec::new();
                let mut docs_seen = 0;
                p.run(docs.clone().into_iter().map(Ok), &mut |e| {
                    match e {
                        Event::Sentences(_) => panic!("rows not rendered"),
                        Event::SentenceCsv(b) => {
                            docs_seen += 1;
                            got.extend_from_slice(b);
                        }
                        _ => {}
                    }
                    Ok(())
                })
                .unwrap();
                assert_eq!(docs_seen, 300);
                assert_eq!(
                    String::from_utf8_lossy(&got),
                    String::from_utf8_lossy(&expected)
                );
            }
        }
    }

    /// Sentences that cannot name an actor are counted and not scored: the
    /// tables and counters are those of scoring every sentence, as
    /// `--sentences` does, with labels counted for sentences naming an actor.
    #[test]
    fn sentences_naming_no_actor_are_counted_not_scored() {
        let text = "The weather was fine and the talks were cordial. \
                    North Korea condemned the drills. We deplore war. \
                    Member States welcomed the peaceful agreement. \
                    Seoul praised Tokyo for its help. I deplore the war.";
        let docs = vec![doc("a", "2024-01-01", text), doc("b", "2024-02-01", text)];
        let tables = |sentences: bool, speaker: Option<usize>, first_person: bool| {
            let lex = Lexicons::defaults().unwrap();
            let p = Pipeline::new(
                lex,
                PipelineOptions {
                    sentences,
                    speaker,
                    first_person,
                    threads: Some(1),
                    ..PipelineOptions::default()
                },
            );
            let totals = p
                .run(docs.clone().into_iter().map(Ok), &mut |_| Ok(()))
                .unwrap();
            sorted_tallies(&totals.aggregates)
        };
        let jpn = Lexicons::defaults().unwrap().actor_index("JPN");
        for (speaker, first_person) in [(None, false), (jpn, false), (jpn, true)] {
            let (skipping, scoring) = (
                tables(false, speaker, first_person),
                tables(true, speaker, first_person),
            );
            assert_eq!(skipping, scoring, "speaker {speaker:?}");
            let c = &skipping.2;
            assert_eq!(c.sentences, 12);
            // Without a speaker, 2 of 6 sentences name an actor; with one,
            // "We deplore war." names it too, and with first_person "I
            // deplore the war." as well.
            let named = match (speaker, first_person) {
                (None, _) => 4,
                (Some(_), false) => 6,
                (Some(_), true) => 8,
            };
            assert_eq!(c.sentences_with_actors, named, "speaker {speaker:?}");
            assert_eq!(c.conciliatory + c.neutral + c.hostile, named);
            assert!(c.hostile >= 2 && c.conciliatory >= 2, "{c:?}");
        }
    }

    #[test]
    fn the_north_names_north_korea_within_three_sentences_of_a_korea() {
        let text = "Seoul put its troops on alert. The North fired two missiles. \
                    Markets were calm. The North fired again. Rain fell. \
                    Schools closed. The North fired a third time.";
        let lex = Lexicons::defaults().unwrap();
        let with = |sentences: bool| {
            Pipeline::new(
                Lexicons::defaults().unwrap(),
                PipelineOptions {
                    sentences,
                    threads: Some(1),
                    ..PipelineOptions::default()
                },
            )
        };
        let p = with(true);
        let actors = |d: &Document| -> Vec<String> {
            let out = p.process(d);
            out.rows.iter().map(|r| r.actors.join(";")).collect()
        };
        // Seoul is named in sentence 0: "the North" counts in 1 and 3 (up
        // to 3 sentences on; its own mentions extend nothing), not in 6.
        let a = doc("a", "2024-01-01", text);
        assert_eq!(actors(&a), ["KOR", "PRK", "", "PRK", "", "", ""]);
        // A new document starts with no one named.
        let b = doc("b", "2024-01-02", "The North fired two missiles.");
        assert_eq!(actors(&b), [""]);
        // The document's speaker is named throughout.
        let p = Pipeline::new(
            Lexicons::defaults().unwrap(),
            PipelineOptions {
                sentences: true,
                speaker: lex.actor_index("KOR"),
                ..PipelineOptions::default()
            },
        );
        let out = p.process(&b);
        assert_eq!(out.rows[0].actors, ["PRK"]);
        // Sentences skipped for naming no one keep their place in the count.
        let tallies = |sentences: bool| {
            let totals = with(sentences)
                .run(vec![Ok(a.clone()), Ok(b.clone())].into_iter(), &mut |_| {
                    Ok(())
                })
                .unwrap();
            sorted_tallies(&totals.aggregates)
        };
        let (skipping, scoring) = (tallies(false), tallies(true));
        assert_eq!(skipping, scoring);
        assert_eq!(skipping.2.sentences_with_actors, 3);
    }

    #[test]
    fn rejects_are_counted_and_passed_on() {
        let p = Pipeline::new(Lexicons::defaults().unwrap(), PipelineOptions::default());
        let items = vec![
            Ok(doc("a", "2024-01-01", "Seoul praised Tokyo.")),
            Err(Reject {
                input: "x.jsonl".into(),
                location: "line 2".into(),
                reason: "not valid JSON: eof".into(),
            }),
            Err(Reject {
                input: "y.csv".into(),
                location: String::new(),
                reason: "no column 'text' in header".into(),
            }),
        ];
        let mut seen = 0;
        let t = p
            .run(items.into_iter(), &mut |e| {
                if let Event::Reject(_) = e {
                    seen += 1;
                }
                Ok(())
            })
            .unwrap();
        assert_eq!(seen, 2);
        assert_eq!(t.rejected(), 2);
        assert_eq!(t.rejects["not valid JSON"].examples, ["x.jsonl: line 2"]);
        assert_eq!(t.rejects["no column"].examples, ["y.csv"]);
        // The first is kept whole, reason and all, for the warning.
        assert_eq!(
            t.first_reject.as_deref(),
            Some("x.jsonl: line 2: not valid JSON: eof")
        );
        assert_eq!(t.aggregates.counters.documents, 1);
    }

    /// Every event a run passes to its sink, as text, and its totals.
    fn logged_run(threads: usize, items: &[std::result::Result<Document, Reject>]) -> Vec<String> {
        let p = with_rows(threads);
        let mut log = Vec::new();
        let totals = p
            .run(items.iter().cloned(), &mut |e| {
                log.push(match e {
                    Event::Reject(r) => format!("reject {}", r.location),
                    Event::Sentences(rows) => format!("rows {} {}", rows[0].doc_id, rows.len()),
                    Event::Progress { documents } => format!("progress {documents}"),
                    Event::SentenceCsv(b) => format!("csv {}", b.len()),
                });
                Ok(())
            })
            .unwrap();
        assert_eq!(totals.threads, threads);
        let (actors, dyads, counters) = sorted_tallies(&totals.aggregates);
        log.push(format!("{actors:?}"));
        log.push(format!("{dyads:?}"));
        log.push(format!("{counters:?}"));
        log.push(format!("{:?}", totals.rejects));
        log.push(format!("{:?} {:?}", totals.first_reject, totals.noted));
        log
    }

    /// A slow batch does not let the other workers read ahead: finished
    /// batches waiting to be merged in order count against the batches
    /// read, so only a fixed number of documents is ever read but not yet
    /// merged, however uneven their scoring times.
    #[test]
    fn a_slow_batch_holds_back_the_reading() {
        use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
        let long = "Moscow warned Kyiv against a new offensive. ".repeat(10_000);
        // The slow document opens the first batch of full size (after 1 +
        // 2 + … + 128 documents).
        let slow = (0..8).map(|i| 1 << i).sum::<usize>();
        assert!(batch_full(7, 128, 0) && !batch_full(8, 255, 0) && batch_full(8, 256, 0));
        let read = AtomicUsize::new(0);
        let docs = (0..30_000)
            .map(|i| {
                let text = if i == slow { long.as_str() } else { "Hi." };
                Ok(doc(&format!("d{i}"), "2023-06-01", text))
            })
            .inspect(|_| {
                read.fetch_add(1, Relaxed);
            });
        let (mut merged, mut most_ahead) = (0, 0);
        with_rows(2)
            .run(docs, &mut |e| {
                if let Event::Sentences(_) = e {
                    merged += 1;
                    most_ahead = most_ahead.max(read.load(Relaxed) - merged);
                }
                Ok(())
            })
            .unwrap();
        assert_eq!(merged, 30_000);
        // Read but not merged: at most a full batch per worker and
        // EXTRA_BATCHES more; without the limit the other worker would have
        // read everything while the slow batch was scored.
        let bound = (2 + EXTRA_BATCHES) * BATCH_DOCS;
        assert!(
            most_ahead <= bound,
            "{most_ahead} documents read ahead of the merging, at most {bound}"
        );
        assert!(most_ahead > BATCH_DOCS, "the other worker did read ahead");
    }

    /// Runs `run` on a thread of its own; panics if it takes a minute (a
    /// deadlock), else gives what it returned or how it panicked.
    fn within_a_minute<T: Send + 'static>(
        run: impl FnOnce() -> T + Send + 'static,
    ) -> std::thread::Result<T> {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)));
        });
        rx.recv_timeout(Duration::from_secs(60))
            .expect("the run neither ended nor panicked within a minute")
    }

    /// A panic in the corpus, in a worker or in the sink ends the run with
    /// that panic, not with workers waiting forever for room to read.
    #[test]
    fn a_panic_ends_the_run_instead_of_hanging_it() {
        let many = |panic_at: Option<usize>| {
            (0..5_000).map(move |i| {
                assert!(Some(i) != panic_at, "corpus panics at {i}");
                Ok(doc(&format!("d{i}"), "2023-06-01", "Moscow warned Kyiv."))
            })
        };
        for threads in [2, 3] {
            let err =
                within_a_minute(move || with_rows(threads).run(many(Some(2_000)), &mut |_| Ok(())))
                    .unwrap_err();
            let msg = err.downcast_ref::<String>().map_or("", |s| s.as_str());
            assert_eq!(msg, "corpus panics at 2000");

            let mut seen = 0;
            let err = within_a_minute(move || {
                with_rows(threads).run(many(None), &mut |e| {
                    if let Event::Sentences(_) = e {
                        seen += 1;
                        assert!(seen < 700, "sink panics");
                    }
                    Ok(())
                })
            })
            .unwrap_err();
            assert_eq!(err.downcast_ref::<&str>(), Some(&"sink panics"));
        }
    }

    /// A worker that panics while scoring (a bug) stops the others, which
    /// would otherwise wait forever for its batch to be merged.
    #[test]
    fn a_worker_panic_wakes_the_workers_waiting_for_room() {
        let input = SharedInput {
            state: Mutex::new(Input {
                docs: (0..100).map(|i| Ok(doc(&format!("d{i}"), "", "Hi."))),
                next: 0,
                ended: false,
                unmerged: 0,
                stop: false,
            }),
            room: Condvar::new(),
            limit: 1,
        };
        // Waits for `waiting` up to a minute; if it is stuck, frees it and
        // fails (the scope cannot end while it waits).
        let finished = |waiting: &std::thread::ScopedJoinHandle<'_, _>| {
            let deadline = Instant::now() + Duration::from_secs(60);
            while !waiting.is_finished() {
                if Instant::now() > deadline {
                    input.stop();
                    panic!("a worker still waits for room");
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        };
        std::thread::scope(|scope| {
            let (index, batch) = input.take().unwrap();
            assert_eq!((index, batch.len()), (0, 1));
            let waiting = scope.spawn(|| input.take());
            std::thread::sleep(Duration::from_millis(50));
            assert!(!waiting.is_finished(), "no room until batch 0 is merged");
            let scoring = scope.spawn(|| {
                let _stop = StopOnPanic(&input);
                panic!("a bug while scoring");
            });
            assert!(scoring.join().is_err());
            finished(&waiting);
            assert!(waiting.join().unwrap().is_none());
        });
        // Without a panic, merging a batch makes the room.
        let mut s = input.lock();
        (s.stop, s.unmerged) = (false, 1);
        drop(s);
        std::thread::scope(|scope| {
            let waiting = scope.spawn(|| input.take());
            std::thread::sleep(Duration::from_millis(50));
            assert!(!waiting.is_finished(), "no room until batch 0 is merged");
            input.merged();
            finished(&waiting);
            let (index, batch) = waiting.join().unwrap().unwrap();
            assert_eq!((index, batch.len()), (1, 2));
        });
    }

    /// A sink error with several workers (as with --strict or Ctrl-C)
    /// stops the reading soon: the workers take no batch after it.
    #[test]
    fn a_sink_error_stops_the_workers() {
        use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
        let read = AtomicUsize::new(0);
        let docs = (0..30_000)
            .map(|i| Ok(doc(&format!("d{i}"), "2023-06-01", "Moscow warned Kyiv.")))
            .inspect(|_| {
                read.fetch_add(1, Relaxed);
            });
        let mut seen = 0;
        let err = with_rows(2)
            .run(docs, &mut |e| {
                if let Event::Sentences(_) = e {
                    seen += 1;
                    if seen == 1_000 {
                        return Err(Error::Other("stop".into()));
                    }
                }
                Ok(())
            })
            .unwrap_err();
        assert_eq!(err.to_string(), "stop");
        let read = read.into_inner();
        assert!(
            read <= 1_000 + (2 + EXTRA_BATCHES) * BATCH_DOCS,
            "{read} documents read after the sink stopped at 1,000"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(16))]
        /// Whatever the corpus (documents of any length, rejects anywhere,
        /// as many as fill a few ramped batches or none), a run passes the
        /// same events to its sink and ends with the same totals on one
        /// thread as on two or three.
        #[test]
        fn any_corpus_gives_the_same_events_at_any_thread_count(
            docs in proptest::collection::vec((0usize..5, 1usize..30, proptest::bool::weighted(0.05)), 0..600)
        ) {
            let texts = [
                "Tokyo thanked Seoul for its help after the flood. ",
                "Moscow warned Kyiv against a new offensive. ",
                "Talks resumed. ",
                "",
                "Beijing and Washington did not condemn the trade talks. ",
            ];
            let items: Vec<std::result::Result<Document, Reject>> = docs
                .iter()
                .enumerate()
                .map(|(i, &(t, n, reject))| {
                    if reject {
                        Err(Reject {
                            input: "in.jsonl".into(),
                            location: format!("line {}", i + 1),
                            reason: "not valid JSON".into(),
                        })
                    } else {
                        Ok(doc(&format!("p{i}"), "2023-06-01", &texts[t].repeat(n)))
                    }
                })
                .collect();
            let one = logged_run(1, &items);
            proptest::prop_assert_eq!(&one, &logged_run(2, &items));
            proptest::prop_assert_eq!(&one, &logged_run(3, &items));
        }
    }

    #[test]
    fn one_thread_runs_inline_with_the_same_events_and_tables() {
        let texts = [
            "Tokyo thanked Seoul for its help after the flood.",
            "Moscow warned Kyiv against a new offensive.",
            "Beijing and Washington resumed their trade talks.",
            "",
        ];
        // Over ten batches (1, 2, 4 … 256 documents, then the last 189),
        // with rejects among the documents.
        let items: Vec<std::result::Result<Document, Reject>> = (0..700)
            .map(|i| {
                if i % 97 == 5 {
                    Err(Reject {
                        input: "in.jsonl".into(),
                        location: format!("line {}", i + 1),
                        reason: format!("unreadable date '{i}'"),
                    })
                } else {
                    Ok(doc(&format!("n{i}"), "2023-06-01", texts[i % texts.len()]))
                }
            })
            .collect();
        let one = logged_run(1, &items);
        assert!(one.contains(&"reject line 6".to_string()));
        let progress: Vec<&String> = one.iter().filter(|l| l.starts_with("progress")).collect();
        assert_eq!(progress.len(), 10);
        // Documents merged so far; the sixth item is a reject.
        assert_eq!(progress[..3], ["progress 1", "progress 3", "progress 6"]);
        let documents = items.iter().filter(|i| i.is_ok()).count();
        assert_eq!(*progress[9], format!("progress {documents}"));
        assert_eq!(one, logged_run(2, &items));
        assert_eq!(one, logged_run(3, &items));

        // One thread: the input is read on the calling thread, and a sink
        // error (as with --strict or Ctrl-C) stops reading right away.
        let caller = std::thread::current().id();
        let read = std::sync::atomic::AtomicUsize::new(0);
        let p = Pipeline::new(
            Lexicons::defaults().unwrap(),
            PipelineOptions {
                threads: Some(1),
                ..Default::default()
            },
        );
        let docs = items.iter().cloned().inspect(|_| {
            assert_eq!(std::thread::current().id(), caller);
            read.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        let err = p
            .run(docs, &mut |e| match e {
                Event::Reject(_) => Err(Error::Other("stop".into())),
                _ => Ok(()),
            })
            .unwrap_err();
        assert_eq!(err.to_string(), "stop");
        assert_eq!(read.into_inner(), 6);
    }
}
