//! Micro-benchmarks: sentence splitting, lexicon matching, scoring one
//! sentence, and one whole document. Text is the team's own.
//!
//! Run with `cargo bench --bench scoring`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use stancemeter::corpus::{DocDate, Document};
use stancemeter::text::{NewsSplitter, SentenceSplitter};
use stancemeter::{Lexicons, Pipeline, PipelineOptions, Scorer};

const SENTENCE: &str = "North Korea’s state media sharply condemned the joint U.S.-South Korean \
drills on Tuesday, calling them a “rehearsal for invasion”, but said Pyongyang remained open to \
talks with Seoul, KCNA reported.";

const DOCUMENT: &str = "Seoul Offers Talks As Tensions Ease\n\n\
South Korea on Monday offered to resume high-level talks with North Korea, a day after \
Pyongyang fired two short-range missiles into the sea. The Unification Ministry said it \
hoped the North would respond positively.\n\n\
Advertisement\n\n\
U.S. Secretary of State Antony Blinken welcomed the offer but warned that Washington would \
not ease sanctions until Pyongyang took concrete steps toward denuclearization. China's \
Foreign Ministry urged all sides to exercise restraint.\n\n\
Russia and China have blocked new U.N. Security Council sanctions since 2022. Japan \
protested the launches through diplomatic channels in Beijing, Tokyo said.";

fn benches(c: &mut Criterion) {
    let lex = Lexicons::defaults().expect("default lexicons load");
    let splitter = NewsSplitter::new();
    let doc_text = DOCUMENT.repeat(4);

    let mut g = c.benchmark_group("text");
    g.throughput(Throughput::Bytes(doc_text.len() as u64));
    g.bench_function("split_document", |b| {
        b.iter(|| splitter.spans(black_box(&doc_text)))
    });
    g.finish();

    let mut g = c.benchmark_group("sentence");
    g.throughput(Throughput::Bytes(SENTENCE.len() as u64));
    g.bench_function("find_matches", |b| {
        b.iter(|| lex.find(black_box(SENTENCE), None))
    });
    let scorer = Scorer::new(&lex);
    g.bench_function("score_sentence", |b| {
        b.iter(|| scorer.score_sentence(black_box(SENTENCE), None))
    });
    g.finish();

    let pipeline = Pipeline::new(lex.clone(), PipelineOptions::default());
    let doc = Document {
        id: "bench".into(),
        date: DocDate::parse("2024-05-01"),
        text: doc_text.clone(),
        fields: Default::default(),
    };
    let mut g = c.benchmark_group("document");
    g.throughput(Throughput::Bytes(doc.text.len() as u64));
    g.bench_function("process_document", |b| {
        b.iter(|| pipeline.process(black_box(&doc)))
    });
    g.finish();

    c.bench_function("build_default_lexicons", |b| {
        b.iter(|| Lexicons::defaults().expect("load"))
    });
}

criterion_group!(scoring, benches);
criterion_main!(scoring);
