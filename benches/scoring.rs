//! Micro-benchmarks on the public API: sentence splitting, lexicon matching,
//! scoring one sentence, one whole document, the bundled sample corpus
//! (`examples/news`, document by document) and building the default
//! lexicons. All text is the team's own (the story below is fictional).
//!
//! Run with `cargo bench --bench scoring` (about two minutes on 2 cores).
//! Throughput is reported in bytes of input text.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use stancemeter::corpus::{DocDate, Document};
use stancemeter::text::{NewsSplitter, SentenceSplitter};
use stancemeter::{Lexicons, Pipeline, PipelineOptions, Scorer};

/// One long, hard sentence: possessive, curly quotes, quoted insult,
/// contrast, reported speech, abbreviations.
const SENTENCE: &str = "North Korea’s state media sharply condemned the joint U.S.-South Korean \
drills on Tuesday, calling them a “rehearsal for invasion”, but said Pyongyang remained open to \
talks with Seoul, KCNA reported.";

/// A fictional multi-paragraph wire story (headline, dateline, noise line,
/// quotes, negation, contrast, abbreviations, numbers), about 2 KB.
const DOCUMENT: &str = "Seoul offers talks as Pyongyang fires two missiles into the sea\n\n\
SEOUL, May 13 (Meridian Wire) — South Korea on Monday offered to resume high-level talks with \
North Korea, a day after Pyongyang fired two short-range ballistic missiles into the sea off \
its east coast. The Unification Ministry said it hoped the North would respond positively and \
proposed a first meeting at the truce village of Panmunjom on May 27.\n\n\
Advertisement\n\n\
North Korea’s official KCNA news agency did not mention the offer. It called the latest \
launches a “legitimate exercise of the right to self-defence” and accused Washington and Seoul \
of staging “reckless war drills” near its borders. Kim Yo Jong, the sister of leader Kim Jong \
Un, warned that the South would “pay dearly” for any provocation.\n\n\
U.S. Secretary of State Antony Blinken welcomed Seoul’s initiative but said the United States \
would not ease sanctions until Pyongyang took concrete steps toward denuclearization. “We remain \
ready to meet without preconditions,” he told reporters in Washington on Monday.\n\n\
China’s Foreign Ministry urged all sides to exercise restraint and to return to dialogue. \
Spokesman Wang Wenbin said Beijing had “always supported” improved ties between the two Koreas \
and opposed any move that could raise tensions on the peninsula.\n\n\
Japan protested the launches through diplomatic channels in Beijing, Tokyo said, and Prime \
Minister Fumio Kishida called them “absolutely unacceptable”. Russia, which has deepened its \
military cooperation with the North, blocked a U.N. Security Council statement condemning the \
tests.\n\n\
Analysts in Seoul said the offer was unlikely to produce a quick breakthrough. Although the two \
sides reopened a hotline in 2023, they have not held formal talks since 2018, when Mr. Kim met \
South Korean and U.S. leaders three times. Trade between the two Koreas fell to $1.2 million \
last year, the ministry said.\n\n\
The missiles flew about 300 km before landing outside Japan’s exclusive economic zone, South \
Korea’s Joint Chiefs of Staff said.";

/// The `.txt` items of `examples/news` as documents, in file-name order.
fn sample_corpus() -> Vec<Document> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/news");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("examples/news is readable")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no .txt files in {}", dir.display());
    paths
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            Document {
                date: name.get(..10).and_then(DocDate::parse),
                text: std::fs::read_to_string(p).expect("sample text is UTF-8"),
                id: name,
                fields: Default::default(),
            }
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let lex = Lexicons::defaults().expect("default lexicons load");
    let date = DocDate::parse("2024-05-13");
    let splitter = NewsSplitter::new();

    let mut g = c.benchmark_group("text");
    g.throughput(Throughput::Bytes(DOCUMENT.len() as u64));
    g.bench_function("split_document", |b| {
        b.iter(|| splitter.spans(black_box(DOCUMENT)))
    });
    g.finish();

    let mut g = c.benchmark_group("sentence");
    g.throughput(Throughput::Bytes(SENTENCE.len() as u64));
    g.bench_function("find_matches", |b| {
        b.iter(|| lex.find(black_box(SENTENCE), date))
    });
    let scorer = Scorer::new(&lex);
    g.bench_function("score_sentence", |b| {
        b.iter(|| scorer.score_sentence(black_box(SENTENCE), date))
    });
    g.finish();

    let pipeline = Pipeline::new(lex.clone(), PipelineOptions::default());
    let doc = Document {
        id: "bench".into(),
        date,
        text: DOCUMENT.into(),
        fields: Default::default(),
    };
    let corpus = sample_corpus();
    let corpus_bytes: usize = corpus.iter().map(|d| d.text.len()).sum();
    let mut g = c.benchmark_group("document");
    g.throughput(Throughput::Bytes(doc.text.len() as u64));
    g.bench_function("process_document", |b| {
        b.iter(|| pipeline.process(black_box(&doc)))
    });
    g.finish();

    let mut g = c.benchmark_group("corpus");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(corpus_bytes as u64));
    g.bench_function("process_examples_news", |b| {
        b.iter(|| {
            for d in &corpus {
                black_box(pipeline.process(black_box(d)));
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("lexicons");
    g.sample_size(10);
    g.bench_function("build_defaults", |b| {
        b.iter(|| Lexicons::defaults().expect("load"))
    });
    g.finish();
}

criterion_group! {
    name = scoring;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);
    targets = benches
}
criterion_main!(scoring);
