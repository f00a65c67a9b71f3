//! Per-sentence time of `Scorer::score_sentence` against the `vader-parity`
//! crate (a Rust port of VADER with output parity to Python's
//! vaderSentiment 3.3.2), one thread, on the same sentences; and of
//! `Scorer::score_sentence_into`, the same scoring into one reused result
//! (what a loop over many sentences, and the pipeline, use).
//!
//! Meant to be run by `bash benches/vader_compare.sh`, which makes the
//! sentences and also times Python's vaderSentiment. Environment:
//!
//! * `STANCE_VADER_CSV`: a `sentences.csv` written by `stance score
//!   --sentences --raw-cells` (columns `date` and `text` are used); without
//!   it the bench prints why and does nothing;
//! * `STANCE_VADER_N`: how many sentences (default 10000; the first N, the
//!   list repeated if it is shorter);
//! * `STANCE_VADER_TXT`: write the sentences used there, one per line;
//! * `STANCE_VADER_OUT`: write the results there (`name value` lines), and
//!   vader-parity's compound scores to the same path + `.compound`;
//! * `STANCE_BENCH_REPS`: timed passes over the sentences per scorer
//!   (default 7), the two scorers' passes alternating; the medians and the
//!   median of the pairs' ratios are reported.
//!
//! It also times a floor for any word-by-word lexicon scorer: each sentence
//! lower-cased into a reused buffer, cut into runs of letters and digits,
//! and each run looked up once in a hash set of the first words of every
//! alias, tone term and modifier of the default lexicons. No multi-word pattern,
//! wildcard, case rule, rule or attribution: what is left of a per-sentence
//! budget after this loop is all the scorer proper may take.

use std::hint::black_box;
use std::time::Instant;

use rustc_hash::FxHashSet;

use stancemeter::corpus::DocDate;
use stancemeter::{Lexicons, Scored, Scorer};
use vader_parity::SentimentIntensityAnalyzer;

/// The allocator the `stance` binary uses; both scorers run on it here.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Median seconds of `reps` passes of `pass` (after one untimed warm-up).
fn time_passes(reps: usize, mut pass: impl FnMut()) -> f64 {
    pass();
    let mut secs: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            pass();
            t.elapsed().as_secs_f64()
        })
        .collect();
    secs.sort_by(f64::total_cmp);
    secs[secs.len() / 2]
}

fn main() {
    let Ok(csv_path) = std::env::var("STANCE_VADER_CSV") else {
        println!("vader_compare: STANCE_VADER_CSV is not set; run `bash benches/vader_compare.sh`");
        return;
    };
    let n: usize = std::env::var("STANCE_VADER_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let reps: usize = std::env::var("STANCE_BENCH_REPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&r| r > 0)
        .unwrap_or(7);

    let mut reader = csv::Reader::from_path(&csv_path)
        .unwrap_or_else(|e| panic!("STANCE_VADER_CSV={csv_path}: {e}"));
    let headers = reader.headers().expect("header row").clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{csv_path} has no column {name}"))
    };
    let (date_col, text_col) = (col("date"), col("text"));
    let mut read: Vec<(String, Option<DocDate>)> = Vec::new();
    for rec in reader.records() {
        let rec = rec.unwrap_or_else(|e| panic!("{csv_path}: {e}"));
        let text = rec[text_col]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !text.is_empty() {
            read.push((text, DocDate::parse(&rec[date_col])));
        }
        if read.len() == n {
            break;
        }
    }
    assert!(!read.is_empty(), "{csv_path} has no sentences");
    if read.len() < n {
        println!(
            "only {} sentences in {csv_path}: repeating them to make {n}",
            read.len()
        );
    }
    let sentences: Vec<(String, Option<DocDate>)> = read.iter().cycle().take(n).cloned().collect();
    let bytes: usize = sentences.iter().map(|(s, _)| s.len()).sum();
    println!(
        "{} sentences, {:.0} bytes on average, one thread, median of {reps} passes each",
        sentences.len(),
        bytes as f64 / sentences.len() as f64
    );
    if let Ok(path) = std::env::var("STANCE_VADER_TXT") {
        let text: String = sentences.iter().map(|(s, _)| format!("{s}\n")).collect();
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{path}: {e}"));
    }

    let vader = SentimentIntensityAnalyzer::new();
    let lex = Lexicons::defaults().expect("default lexicons load");
    let scorer = Scorer::new(&lex);
    let vader_pass = || {
        for (s, _) in &sentences {
            black_box(vader.polarity_scores(black_box(s)));
        }
    };
    let ours_pass = || {
        for (s, date) in &sentences {
            black_box(scorer.score_sentence(black_box(s), *date));
        }
    };
    let mut reused = Scored::default();
    let mut into_pass = || {
        for (s, date) in &sentences {
            scorer.score_sentence_into(black_box(s), *date, None, &mut reused);
            black_box(&reused);
        }
    };
    let first_words = lexicon_first_words(&lex);
    let mut folded = Vec::new();
    let mut found = 0usize;
    let mut floor_pass = || {
        for (s, _) in &sentences {
            found += lookup_words(black_box(s), &first_words, &mut folded);
        }
        black_box(found);
    };
    // The scorers' passes alternate, so that a slow spell of a shared
    // machine hits all; a ratio is the median of each round's.
    let (mut vader_secs, mut ours_secs, mut into_secs) = (Vec::new(), Vec::new(), Vec::new());
    let mut floor_secs = Vec::new();
    for _ in 0..reps {
        vader_secs.push(time_passes(1, vader_pass));
        ours_secs.push(time_passes(1, ours_pass));
        into_secs.push(time_passes(1, &mut into_pass));
        floor_secs.push(time_passes(1, &mut floor_pass));
    }
    let ratios_to = |secs: &[f64]| {
        let mut r: Vec<f64> = vader_secs.iter().zip(secs).map(|(v, o)| v / o).collect();
        r.sort_by(f64::total_cmp);
        r
    };
    let ratios = ratios_to(&ours_secs);
    let into_ratios = ratios_to(&into_secs);
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };

    let per = |secs: f64| secs * 1e6 / sentences.len() as f64;
    let (vader_us, ours_us) = (per(median(&mut vader_secs)), per(median(&mut ours_secs)));
    let into_us = per(median(&mut into_secs));
    let floor_us = per(median(&mut floor_secs));
    let listed = |r: &[f64]| {
        r.iter()
            .map(|r| format!("{r:.1}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    println!("vader-parity polarity_scores:        {vader_us:>8.2} µs/sentence");
    println!("stance Scorer::score_sentence:       {ours_us:>8.2} µs/sentence");
    println!("stance Scorer::score_sentence_into:  {into_us:>8.2} µs/sentence");
    println!(
        "floor: lower-case, split, look up:   {floor_us:>8.2} µs/sentence ({} first words of the lexicons)",
        first_words.len()
    );
    println!(
        "score_sentence is {:.1}× as fast as vader-parity (target ≥ 5×): median of {} alternating rounds ({})",
        ratios[ratios.len() / 2],
        ratios.len(),
        listed(&ratios)
    );
    println!(
        "score_sentence_into is {:.1}× as fast as vader-parity: median of {} alternating rounds ({})",
        into_ratios[into_ratios.len() / 2],
        into_ratios.len(),
        listed(&into_ratios)
    );
    if let Ok(path) = std::env::var("STANCE_VADER_OUT") {
        let results = format!(
            "vader_parity_us {vader_us}\nstance_us {ours_us}\nstance_into_us {into_us}\nfloor_us {floor_us}\n"
        );
        std::fs::write(&path, results).unwrap_or_else(|e| panic!("{path}: {e}"));
        let compound: String = sentences
            .iter()
            .map(|(s, _)| format!("{}\n", vader.polarity_scores(s).compound))
            .collect();
        let path = format!("{path}.compound");
        std::fs::write(&path, compound).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
}

/// The first run of letters and digits, lower-cased, of every alias, tone
/// term and modifier of `lex`.
fn lexicon_first_words(lex: &Lexicons) -> FxHashSet<Vec<u8>> {
    let patterns = lex
        .aliases()
        .iter()
        .map(|a| a.surface.as_str())
        .chain(lex.tone().iter().map(|t| t.term.as_str()))
        .chain(lex.modifiers().iter().map(|m| m.word.as_str()));
    patterns
        .filter_map(|p| {
            p.split(|c: char| !c.is_alphanumeric())
                .find(|w| !w.is_empty())
        })
        .map(|w| w.to_lowercase().into_bytes())
        .collect()
}

/// The floor's work on one sentence: ASCII lower-casing into `folded`,
/// runs of ASCII letters and digits, one lookup each; how many were found.
fn lookup_words(sentence: &str, words: &FxHashSet<Vec<u8>>, folded: &mut Vec<u8>) -> usize {
    folded.clear();
    folded.extend(sentence.bytes().map(|b| b.to_ascii_lowercase()));
    folded
        .split(|b| !b.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && words.contains(*w))
        .count()
}
