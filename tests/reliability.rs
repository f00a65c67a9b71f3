//! Reliability: bad input never crashes a run, nothing is lost, a closed
//! pipe or a signal leaves no partial table.
//!
//! * property tests of the text pipeline (normaliser, splitter, cleaner,
//!   scorer) on arbitrary Unicode and arbitrary bytes;
//! * one test per record-level fault, each on inputs it writes itself,
//!   checking the exit code, the warning, the rejects.csv row and that every
//!   good record was still scored;
//! * limits: a 100 MB line or CSV record is rejected in bounded memory;
//! * `stance ... | head -1` exits 0; SIGINT/SIGTERM exit 130/143 and leave
//!   neither a temporary file nor a half-written table.
//!
//! All text here is made up for these tests.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use stancemeter::text::{NewsSplitter, Normalized, SentenceSplitter, clean};
use stancemeter::{Lexicons, Scorer};

// ================================================================ helpers

fn lexicons() -> &'static Lexicons {
    static LEX: OnceLock<Lexicons> = OnceLock::new();
    LEX.get_or_init(|| Lexicons::defaults().expect("default lexicons"))
}

fn stance() -> Command {
    Command::new(env!("CARGO_BIN_EXE_stance"))
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, bytes).expect("write fixture");
    path
}

/// Waits for `child` at most `limit`; kills it and fails past that.
fn wait_at_most(child: &mut Child, limit: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("stance did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ================================================================ properties

/// Checks everything the text pipeline promises about `text`.
fn check_text_pipeline(text: &str) -> Result<(), TestCaseError> {
    let lex = lexicons();

    // The normaliser: its map sends every folded range inside the original.
    let norm = Normalized::new(text);
    let folded = norm.text();
    let r = norm.orig_range(0..folded.len());
    prop_assert!(r.start <= r.end && r.end <= text.len());
    for (i, _) in folded.char_indices() {
        let r = norm.orig_range(i..folded.len());
        prop_assert!(text.get(r.clone()).is_some(), "{r:?} of {text:?}");
    }

    // The cleaner gives text, the splitter spans over it.
    let (cleaned, _stats) = clean(text, lex.boilerplate());
    for source in [text, cleaned.as_str()] {
        let spans = NewsSplitter::new().spans(source);
        let mut end = 0;
        for span in &spans {
            prop_assert!(span.start >= end, "spans out of order: {spans:?}");
            prop_assert!(span.start < span.end, "empty span {span:?}");
            prop_assert!(source.get(span.clone()).is_some(), "{span:?} of {source:?}");
            // Between sentences there is only white space.
            let gap = &source[end..span.start];
            prop_assert!(gap.trim().is_empty(), "text {gap:?} dropped by {spans:?}");
            end = span.end;
        }
        prop_assert!(source[end..].trim().is_empty(), "tail dropped: {spans:?}");
    }

    // Lexicons::find on the raw text: every range inside it.
    let m = lex.find(text, None);
    let hits = m
        .actors
        .iter()
        .map(|h| (h.tok.clone(), h.span.clone()))
        .chain(m.tone.iter().map(|h| (h.tok.clone(), h.span.clone())))
        .chain(m.modifiers.iter().map(|h| (h.tok.clone(), h.span.clone())));
    for (tok, span) in hits {
        prop_assert!(tok.start < tok.end && tok.end <= m.tokens.len(), "{tok:?}");
        prop_assert!(text.get(span.clone()).is_some(), "{span:?} of {text:?}");
    }

    // Scoring each sentence (and the whole text as one) stays in bounds.
    let spans = NewsSplitter::new().spans(&cleaned);
    let sentences = spans.iter().map(|r| &cleaned[r.clone()]).chain([text]);
    for sentence in sentences {
        let s = Scorer::new(lex).score_sentence(sentence, None);
        prop_assert!(
            (-1.0..=1.0).contains(&s.tone),
            "tone {} for {sentence:?}",
            s.tone
        );
        prop_assert!(s.sum.is_finite());
        let m = &s.matches;
        let ranges = m
            .actors
            .iter()
            .map(|h| (h.tok.clone(), h.span.clone()))
            .chain(m.tone.iter().map(|h| (h.tok.clone(), h.span.clone())))
            .chain(m.modifiers.iter().map(|h| (h.tok.clone(), h.span.clone())));
        for (tok, span) in ranges {
            prop_assert!(tok.start < tok.end && tok.end <= m.tokens.len());
            prop_assert!(sentence.get(span.clone()).is_some(), "{span:?}");
        }
        for t in &m.tokens {
            prop_assert!(t.start <= t.end && m.norm.text().get(t.start..t.end).is_some());
        }
        let a = &s.attribution;
        for &i in a.source.iter().chain(&a.also_sources).chain(&a.targets) {
            prop_assert!(i < m.actors.len());
        }
        for t in &s.terms {
            prop_assert!(t.hit < m.tone.len() && t.weight.is_finite());
        }
        let _ = s.evidence(lex, sentence);
    }
    Ok(())
}

/// Text that looks like news often enough to reach the scoring rules:
/// lexicon words, quotes, negators, contrast words, odd punctuation and
/// white space, mixed with arbitrary characters.
fn newsy_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(vec![
            "North Korea", "Seoul", "Pyongyang", "Kim Jong Un", "the U.S.", "KCNA",
            "condemned", "welcomed", "did not", "sharply", "but", "although", "talks",
            "\u{201c}thug\u{201d}", "‘", "’s", "sanctions", "lift sanctions", "was accused by",
            "Mr.", "Jan. 8", "U.N.", "(", ")", "\"", "'", ",", ";", ":", ".", "...", "!?",
            "\u{2014}", "-", " ", "  ", "\n", "\n\n", "\r\n", "\t", "\u{a0}", "\u{200b}",
            "\u{feff}", "\u{fffd}", "e\u{301}", "\u{130}", "ǅ", "ß", "ﬁ", "İstanbul",
            "\u{1F600}", "Advertisement", "Read more",
        ]).prop_map(str::to_string),
        1 => any::<String>(),
        1 => "[.!?;:,\"'()\\-\u{2026}\u{3002} \n]{1,30}",
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.join(" "))
}

proptest! {
    #[test]
    fn text_pipeline_never_panics_on_unicode(text in any::<String>()) {
        check_text_pipeline(&text)?;
    }

    #[test]
    fn text_pipeline_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_text_pipeline(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn text_pipeline_never_panics_on_newsy_text(text in newsy_text()) {
        check_text_pipeline(&text)?;
    }
}

#[test]
fn long_sentences_and_repeated_punctuation_stay_fast() {
    // One sentence of 20,000 words, and runs of punctuation and quotes.
    let words = "Pyongyang did not sharply condemn the talks but welcomed Seoul ";
    let cases = [
        words.repeat(2_000),
        "!".repeat(200_000),
        ".".repeat(200_000),
        "\"".repeat(100_000),
        "( ".repeat(100_000),
        "Mr. ".repeat(50_000),
        "\n".repeat(200_000),
    ];
    for text in &cases {
        let start = Instant::now();
        let (cleaned, _) = clean(text, lexicons().boilerplate());
        let spans = NewsSplitter::new().spans(&cleaned);
        for span in spans {
            let s = Scorer::new(lexicons()).score_sentence(&cleaned[span], None);
            assert!((-1.0..=1.0).contains(&s.tone));
        }
        // Generous for a debug build on a loaded machine; quadratic
        // behaviour would take minutes.
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{:?} for {:?}…",
            start.elapsed(),
            &text[..20]
        );
    }
}

// ================================================================ record-level faults

/// What a `stance score` run left behind.
struct Run {
    status: ExitStatus,
    stderr: String,
    out: PathBuf,
}

impl Run {
    fn rejects(&self) -> Vec<[String; 3]> {
        let mut reader = csv::Reader::from_path(self.out.join("rejects.csv")).expect("rejects.csv");
        let header = reader.headers().expect("header").clone();
        assert_eq!(
            header.iter().collect::<Vec<_>>(),
            ["input", "location", "reason"]
        );
        reader
            .records()
            .map(|r| {
                let r = r.expect("row");
                [r[0].to_string(), r[1].to_string(), r[2].to_string()]
            })
            .collect()
    }

    fn json(&self) -> serde_json::Value {
        let text = fs::read_to_string(self.out.join("run.json")).expect("run.json");
        serde_json::from_str(&text).expect("run.json is JSON")
    }

    /// Documents scored, from run.json.
    fn documents(&self) -> u64 {
        self.json()["documents"].as_u64().expect("documents")
    }

    /// The `doc_id`s of sentences.csv, once each, in order.
    fn scored_ids(&self) -> Vec<String> {
        let mut reader =
            csv::Reader::from_path(self.out.join("sentences.csv")).expect("sentences.csv");
        let mut ids: Vec<String> = Vec::new();
        for r in reader.records() {
            let id = r.expect("row")[0].to_string();
            if ids.last() != Some(&id) {
                ids.push(id);
            }
        }
        ids
    }

    /// The sentence texts of sentences.csv.
    fn sentences(&self) -> Vec<String> {
        let mut reader =
            csv::Reader::from_path(self.out.join("sentences.csv")).expect("sentences.csv");
        reader
            .records()
            .map(|r| r.expect("row")[3].to_string())
            .collect()
    }

    /// The one warning line on standard error.
    fn warning(&self) -> &str {
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| l.starts_with("stance: warning:"))
            .collect();
        assert_eq!(lines.len(), 1, "stderr: {}", self.stderr);
        lines[0]
    }
}

/// Runs `stance score INPUTS -o out --sentences -q --force EXTRA...` in
/// `dir` (paths in rejects.csv are then relative to it).
fn score(dir: &Path, inputs: &[&str], extra: &[&str]) -> Run {
    let output = stance()
        .current_dir(dir)
        .args([
            "score",
            "-o",
            "out",
            "--sentences",
            "-q",
            "--force",
            "--threads",
            "2",
        ])
        .args(inputs)
        .args(extra)
        .output()
        .expect("run stance");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    Run {
        status: output.status,
        stderr,
        out: dir.join("out"),
    }
}

/// Good JSONL records `ids`, each one hostile sentence.
fn good_jsonl(ids: &[&str]) -> String {
    ids.iter()
        .map(|id| {
            format!(
                "{{\"id\": \"{id}\", \"date\": \"2022-03-0{}\", \"text\": \"Pyongyang condemned the drills by Seoul.\"}}\n",
                id.len() % 9 + 1
            )
        })
        .collect()
}

/// One fault: `inputs` hold one bad record among good ones. Checks exit 0,
/// the warning, the one rejects.csv row and that exactly the good documents
/// were scored. Then `--strict` stops at the same record with exit 1, the
/// same reason, and nothing written.
fn check_fault(
    dir: &Path,
    inputs: &[&str],
    good_ids: &[&str],
    reject: [&str; 3],
    warning: &str,
) -> Run {
    let run = score(dir, inputs, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", run.stderr);
    assert_eq!(run.rejects(), [reject.map(String::from)]);
    assert!(
        run.warning().starts_with(&format!(
            "stance: warning: 1 record(s) skipped ({warning}); see "
        )),
        "{}",
        run.warning()
    );
    assert_eq!(run.documents(), good_ids.len() as u64);
    assert_eq!(run.scored_ids(), good_ids);
    assert_eq!(run.json()["documents_rejected"], 1);

    let strict = stance()
        .current_dir(dir)
        .args(["score", "-o", "strict-out", "-q", "--strict"])
        .args(inputs)
        .output()
        .expect("run stance");
    let stderr = String::from_utf8_lossy(&strict.stderr);
    assert_eq!(strict.status.code(), Some(1), "{stderr}");
    let location = if reject[1].is_empty() {
        String::new()
    } else {
        format!("{}: ", reject[1])
    };
    assert!(
        stderr.contains(&format!(
            "{}: {location}{} (stopped by --strict)",
            reject[0], reject[2]
        )),
        "{stderr}"
    );
    // Nothing was written: no table, no temporary file.
    let left: Vec<_> = fs::read_dir(dir.join("strict-out"))
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
    run
}

#[test]
fn fault_jsonl_line_not_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = good_jsonl(&["a1"]);
    text.push_str("{\"id\": \"x\", \"text\": \"cut off\n");
    text.push_str(&good_jsonl(&["a2"]));
    write(dir.path(), "feed.jsonl", text);
    check_fault(
        dir.path(),
        &["feed.jsonl"],
        &["a1", "a2"],
        [
            "feed.jsonl",
            "line 2",
            "not valid JSON: EOF while parsing a string at column 28",
        ],
        "1 not valid JSON",
    );
}

#[test]
fn fault_jsonl_missing_text_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = good_jsonl(&["a1", "a2"]);
    text.push_str("{\"id\": \"x\", \"body\": \"Seoul protested.\"}\n");
    write(dir.path(), "feed.jsonl", text);
    check_fault(
        dir.path(),
        &["feed.jsonl"],
        &["a1", "a2"],
        [
            "feed.jsonl",
            "line 3",
            "no text field 'text' (use --text-field to name it; its string fields: body)",
        ],
        "1 no text field",
    );
}

#[test]
fn fault_unreadable_date() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text =
        "{\"id\": \"x\", \"date\": \"the 45th of Smarch\", \"text\": \"Tokyo protested.\"}\n"
            .to_string();
    text.push_str(&good_jsonl(&["a1"]));
    write(dir.path(), "feed.jsonl", text);
    check_fault(
        dir.path(),
        &["feed.jsonl"],
        &["a1"],
        [
            "feed.jsonl",
            "line 1",
            "unreadable date 'the 45th of Smarch'",
        ],
        "1 unreadable date",
    );
}

#[test]
fn fault_csv_wrong_column_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "wire.csv",
        "id,date,text\n\
         c1,2022-01-03,Seoul welcomed the talks.\n\
         c2,2022-01-04,Tokyo,protested,loudly\n\
         c3,2022-01-05,\"Beijing, too, welcomed the talks.\"\n",
    );
    check_fault(
        dir.path(),
        &["wire.csv"],
        &["c1", "c3"],
        [
            "wire.csv",
            "record 2 (line 3)",
            "CSV: record has 5 fields, header has 3",
        ],
        "1 CSV",
    );
}

#[test]
fn fault_csv_broken_quote() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The quote opened in c2 is never closed: it would swallow c3 into c2's
    // text. The record is rejected with the lines it ran over.
    write(
        dir.path(),
        "wire.csv",
        "id,date,text\n\
         c1,2022-01-03,Seoul welcomed the talks.\n\
         c2,2022-01-04,\"Tokyo protested.\n\
         c3,2022-01-05,Beijing welcomed the talks.\n",
    );
    write(dir.path(), "more.jsonl", good_jsonl(&["a1"]));
    check_fault(
        dir.path(),
        &["wire.csv", "more.jsonl"],
        &["c1", "a1"],
        [
            "wire.csv",
            "record 2 (line 3)",
            "CSV: a quote opened in this record is never closed, so lines 3-4 (to the end of \
             the file) were read as one record",
        ],
        "1 CSV",
    );
}

#[test]
fn fault_document_over_the_size_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = format!(
        "Seoul protested. {}",
        "More words follow here. ".repeat(100)
    );
    write(dir.path(), "2022-01-03-big.txt", &big);
    write(dir.path(), "2022-01-03-small.txt", "Seoul protested.");
    let run = score(dir.path(), &["."], &["--max-doc-bytes", "1000"]);
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(
        run.rejects(),
        [[
            "./2022-01-03-big.txt".to_string(),
            String::new(),
            format!("document is {} bytes, over --max-doc-bytes 1000", big.len()),
        ]]
    );
    assert!(
        run.warning().contains("(1 document is"),
        "{}",
        run.warning()
    );
    assert_eq!(run.scored_ids(), ["2022-01-03-small.txt"]);
}

#[test]
fn fault_binary_file_with_nul_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0\0".to_vec();
    bytes.extend((0..=255u8).cycle().take(4096));
    write(dir.path(), "program.txt", bytes);
    write(dir.path(), "feed.jsonl", good_jsonl(&["a1"]));
    check_fault(
        dir.path(),
        &["program.txt", "feed.jsonl"],
        &["a1"],
        ["program.txt", "", "binary file (contains NUL bytes)"],
        "1 binary file",
    );
}

#[test]
fn fault_corrupt_gzip() {
    use flate2::{Compression, write::GzEncoder};
    let dir = tempfile::tempdir().expect("tempdir");
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(good_jsonl(&["z1", "z2", "z3"]).as_bytes())
        .expect("gzip");
    let whole = gz.finish().expect("gzip");
    // Cut short: the first records may come out, then the stream fails.
    write(dir.path(), "cut.jsonl.gz", &whole[..whole.len() - 12]);
    // Not gzip at all behind a .gz name.
    write(dir.path(), "fake.txt.gz", "plain text, not gzip");
    write(dir.path(), "feed.jsonl", good_jsonl(&["a1"]));
    let run = score(
        dir.path(),
        &["cut.jsonl.gz", "fake.txt.gz", "feed.jsonl"],
        &[],
    );
    assert_eq!(run.status.code(), Some(0));
    let rejects = run.rejects();
    assert_eq!(rejects.len(), 2, "{rejects:?}");
    assert_eq!(rejects[0][0], "cut.jsonl.gz");
    assert!(rejects[0][1].starts_with("line "), "{rejects:?}");
    assert!(
        rejects[0][2].starts_with("corrupt gzip data (")
            && rejects[0][2].ends_with("the rest of the file is skipped"),
        "{rejects:?}"
    );
    assert_eq!(rejects[1][..2], ["fake.txt.gz".to_string(), String::new()]);
    assert_eq!(
        rejects[1][2],
        "corrupt gzip data (invalid gzip header); the rest of the file is skipped"
    );
    assert!(
        run.warning().contains("(2 corrupt gzip data)"),
        "{}",
        run.warning()
    );
    let ids = run.scored_ids();
    assert_eq!(ids.last().map(String::as_str), Some("a1"));
    assert_eq!(run.documents(), ids.len() as u64);
}

#[test]
fn fault_damaged_tarballs() {
    use flate2::{Compression, write::GzEncoder};
    let dir = tempfile::tempdir().expect("tempdir");
    let member = |name: &str, text: &str| {
        let mut h = tar::Header::new_gnu();
        h.set_size(text.len() as u64);
        h.set_mode(0o644);
        h.set_path(name).expect("name");
        h.set_cksum();
        let mut bytes = h.as_bytes().to_vec();
        bytes.extend_from_slice(text.as_bytes());
        bytes.resize(bytes.len().next_multiple_of(512), 0);
        bytes
    };
    let (first, second) = (
        member("t1.txt", "Seoul welcomed the talks."),
        member("t2.txt", &"Tokyo protested to Beijing. ".repeat(40)),
    );
    // Cut inside t2.txt, uncompressed and gzipped.
    let cut = [&first[..], &second[..700]].concat();
    write(dir.path(), "cut.tar", &cut);
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(&cut).expect("gzip");
    write(dir.path(), "cut.tar.gz", gz.finish().expect("gzip"));
    write(
        dir.path(),
        "not.tar",
        "plain text behind a .tar name\n".repeat(30),
    );
    write(dir.path(), "feed.jsonl", good_jsonl(&["a1"]));
    let run = score(
        dir.path(),
        &["cut.tar", "cut.tar.gz", "not.tar", "feed.jsonl"],
        &[],
    );
    assert_eq!(run.status.code(), Some(0));
    let rejects = run.rejects();
    assert_eq!(rejects.len(), 3, "{rejects:?}");
    for (r, input) in rejects.iter().zip(["cut.tar/t2.txt", "cut.tar.gz/t2.txt"]) {
        assert_eq!(r[..2], [input.to_string(), String::new()]);
        assert_eq!(
            r[2],
            "the archive ends inside this member (after 188 of its 1120 bytes); the rest of \
             the file, and the files after it in the archive, are not read"
        );
    }
    assert_eq!(rejects[2][0], "not.tar");
    assert!(
        rejects[2][2].starts_with("not a readable tar archive ("),
        "{rejects:?}"
    );
    // Grouped by kind in the summary, the byte counts left out.
    let warning = run.warning();
    assert!(
        warning.contains("2 the archive ends inside this member")
            && warning.contains("1 not a readable tar archive"),
        "{warning}"
    );
    assert_eq!(
        run.scored_ids().first().map(String::as_str),
        Some("cut.tar/t1.txt")
    );
    assert_eq!(run.documents(), 3);
}

#[test]
fn fault_corrupt_zstd() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut z = zstd::stream::write::Encoder::new(Vec::new(), 3).expect("zstd");
    z.include_checksum(true).expect("zstd checksum");
    z.write_all(good_jsonl(&["z1", "z2", "z3"]).as_bytes())
        .expect("zstd");
    let whole = z.finish().expect("zstd");
    // Cut short: the frame never ends.
    write(dir.path(), "cut.jsonl.zst", &whole[..whole.len() - 12]);
    // Not zstd at all behind a .zst name.
    write(dir.path(), "fake.txt.zst", "plain text, not zstd");
    write(dir.path(), "feed.jsonl", good_jsonl(&["a1"]));
    let run = score(
        dir.path(),
        &["cut.jsonl.zst", "fake.txt.zst", "feed.jsonl"],
        &[],
    );
    assert_eq!(run.status.code(), Some(0));
    let rejects = run.rejects();
    assert_eq!(rejects.len(), 2, "{rejects:?}");
    assert_eq!(
        rejects[0][..2],
        ["cut.jsonl.zst".to_string(), "line 1".to_string()]
    );
    assert!(
        rejects[0][2].starts_with("corrupt zstd data (")
            && rejects[0][2].ends_with("the rest of the file is skipped"),
        "{rejects:?}"
    );
    assert_eq!(rejects[1][..2], ["fake.txt.zst".to_string(), String::new()]);
    assert_eq!(
        rejects[1][2],
        "corrupt zstd data (unknown frame descriptor); the rest of the file is skipped"
    );
    assert!(
        run.warning().contains("(2 corrupt zstd data)"),
        "{}",
        run.warning()
    );
    assert_eq!(run.scored_ids(), ["a1"]);
}

/// As root, permission bits do not stop a read (chmod 000 is no test). A
/// directory entry that is a dangling symbolic link cannot be read by
/// anyone: the walk reports it and goes on.
#[cfg(unix)]
#[test]
fn fault_unreadable_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir(dir.path().join("news")).expect("mkdir");
    std::os::unix::fs::symlink("moved-away.txt", dir.path().join("news/2022-01-03-a.txt"))
        .expect("symlink");
    write(
        &dir.path().join("news"),
        "2022-01-04-b.txt",
        "Seoul protested.",
    );
    check_fault(
        dir.path(),
        &["news"],
        &["2022-01-04-b.txt"],
        [
            "news/2022-01-03-a.txt",
            "",
            "broken symbolic link (its target does not exist)",
        ],
        "1 broken symbolic link",
    );
}

#[test]
fn utf16_with_bom_is_decoded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "\u{201c}Pyongyang condemned the drills,\u{201d} Seoul\u{2019}s envoy said.";
    let mut le = vec![0xff, 0xfe];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    write(dir.path(), "2022-01-03-le.txt", le);
    let mut be = vec![0xfe, 0xff];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    write(dir.path(), "2022-01-03-be.txt", be);
    let run = score(dir.path(), &["."], &[]);
    assert_eq!(run.status.code(), Some(0), "{}", run.stderr);
    assert!(run.rejects().is_empty());
    assert_eq!(run.sentences(), [text, text]);
    assert_eq!(run.json()["invalid_utf8"]["documents"], 0);
    assert_eq!(run.stderr, "");
}

#[test]
fn windows_1252_text_with_smart_quotes_is_decoded() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 0x93/0x94 are “ ” and 0x96 is – in windows-1252; 0xe9 is é.
    write(
        dir.path(),
        "2022-01-03-legacy.txt",
        b"The envoy called Kim a \x93thug\x94 \x96 a clich\xe9 in Seoul.",
    );
    let run = score(dir.path(), &["."], &[]);
    assert_eq!(run.status.code(), Some(0), "{}", run.stderr);
    assert_eq!(
        run.sentences(),
        ["The envoy called Kim a \u{201c}thug\u{201d} \u{2013} a clich\u{e9} in Seoul."]
    );
    // Decoded, not repaired: nothing counted as invalid; the decoding is
    // counted and noted.
    assert_eq!(run.json()["invalid_utf8"]["documents"], 0);
    assert_eq!(
        run.json()["invalid_utf8"]["documents_read_as_windows_1252"],
        1
    );
    assert_eq!(
        run.stderr,
        "stance: note: 1 document(s) are not UTF-8 and were read as Windows-1252 (first: \
         ./2022-01-03-legacy.txt; see out/run.json)\n"
    );
}

#[test]
fn invalid_utf8_in_jsonl_is_replaced_and_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bytes = good_jsonl(&["a1"]).into_bytes();
    // UTF-8 (its curly quotes, dash and apostrophe outnumber the bad
    // bytes) with three bytes that are not.
    bytes.extend(b"{\"id\": \"bad\", \"date\": \"2022-03-01\", \"text\": \"\xe2\x80\x9cSeoul\xe2\x80\x9d \xff\xfe protested \xc3 \xe2\x80\x94 at last\xe2\x80\x99s end.\"}\n");
    bytes.extend(good_jsonl(&["a2"]).into_bytes());
    write(dir.path(), "feed.jsonl", bytes);
    let run = score(dir.path(), &["feed.jsonl"], &[]);
    assert_eq!(run.status.code(), Some(0));
    assert!(run.rejects().is_empty());
    assert_eq!(run.scored_ids(), ["a1", "bad", "a2"]);
    assert!(
        run.sentences()
            .contains(&"\u{201c}Seoul\u{201d} \u{fffd}\u{fffd} protested \u{fffd} \u{2014} at last\u{2019}s end.".to_string()),
        "{:?}",
        run.sentences()
    );
    assert_eq!(
        run.json()["invalid_utf8"],
        serde_json::json!({"documents": 1, "sequences_replaced": 3, "examples": ["feed.jsonl: line 2"], "documents_read_as_windows_1252": 0})
    );
    assert_eq!(
        run.warning(),
        "stance: warning: 1 document(s) had invalid UTF-8: 3 byte sequence(s) replaced by \
         U+FFFD (first: feed.jsonl: line 2; see out/run.json)"
    );
}

// ================================================================ limits

/// Peak resident memory of a running process, in kB (Linux).
#[cfg(target_os = "linux")]
fn peak_rss_kb(pid: u32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

/// Standard input is `-` in rejects.csv; the formula guard may write it
/// `'-` (a cell starting with `-`).
#[cfg(target_os = "linux")]
fn assert_stdin_name(input: &str) {
    assert!(input == "-" || input == "'-", "{input}");
}

/// Streams a 100 MB record between good ones through standard input and,
/// before closing it, reads the process's peak memory: the reader must skip
/// the record with a bounded buffer, not hold it.
#[cfg(target_os = "linux")]
fn huge_record_through_stdin(
    format: &str,
    head: &str,
    open: &str,
    close: &str,
    tail: &str,
) -> (tempfile::TempDir, Run, u64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = stance()
        .current_dir(dir.path())
        .args([
            "score",
            "-",
            "--format",
            format,
            "-o",
            "out",
            "--sentences",
            "-q",
        ])
        .args(["--max-doc-bytes", "1000000", "--threads", "2"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn stance");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(head.as_bytes()).expect("write");
    stdin.write_all(open.as_bytes()).expect("write");
    let chunk = "All work and no play. ".repeat(1 << 15); // 704 KiB
    let mut sent = 0;
    while sent < 100_000_000 {
        stdin.write_all(chunk.as_bytes()).expect("write");
        sent += chunk.len();
    }
    stdin.write_all(close.as_bytes()).expect("write");
    stdin.write_all(tail.as_bytes()).expect("write");
    stdin.flush().expect("flush");
    // All but the last pipe-full has been read; give it a moment for the
    // rest, then look at the peak while the process waits for more input.
    std::thread::sleep(Duration::from_millis(300));
    let peak = peak_rss_kb(child.id());
    drop(stdin);
    let status = wait_at_most(&mut child, Duration::from_secs(60));
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let out = dir.path().join("out");
    (
        dir,
        Run {
            status,
            stderr,
            out,
        },
        peak,
    )
}

#[cfg(target_os = "linux")]
#[test]
fn huge_jsonl_line_is_rejected_in_bounded_memory() {
    let head = good_jsonl(&["a1"]);
    let tail = good_jsonl(&["a2", "a3"]);
    let (_dir, run, peak_kb) = huge_record_through_stdin(
        "jsonl",
        &head,
        "{\"id\": \"huge\", \"text\": \"",
        "\"}\n",
        &tail,
    );
    assert_eq!(run.status.code(), Some(0), "{}", run.stderr);
    let rejects = run.rejects();
    assert_eq!(rejects.len(), 1);
    assert_stdin_name(&rejects[0][0]);
    assert_eq!(rejects[0][1], "line 2");
    assert!(
        rejects[0][2].ends_with("bytes, over --max-doc-bytes 1000000"),
        "{rejects:?}"
    );
    assert_eq!(run.scored_ids(), ["a1", "a2", "a3"]);
    // About 15 MB in practice; holding the line would take over 100 MB.
    assert!(
        peak_kb < 80_000,
        "peak memory {peak_kb} kB for a 100 MB line"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn huge_csv_record_is_rejected_in_bounded_memory() {
    let head = "id,date,text\nc1,2022-01-03,Seoul protested.\n";
    let tail = "c3,2022-01-04,Tokyo protested.\n";
    let (_dir, run, peak_kb) =
        huge_record_through_stdin("csv", head, "c2,2022-01-03,\"", "\"\n", tail);
    assert_eq!(run.status.code(), Some(0), "{}", run.stderr);
    let rejects = run.rejects();
    assert_eq!(rejects.len(), 1);
    assert_stdin_name(&rejects[0][0]);
    assert_eq!(rejects[0][1], "record 2 (line 3)");
    assert!(
        rejects[0][2].ends_with("bytes, over --max-doc-bytes 1000000"),
        "{rejects:?}"
    );
    assert_eq!(run.scored_ids(), ["c1", "c3"]);
    assert!(
        peak_kb < 80_000,
        "peak memory {peak_kb} kB for a 100 MB record"
    );
}

// ================================================================ closed stdout

/// Runs stance with standard output a pipe, reads `lines` lines of it (0:
/// none) and closes it; returns the exit status and standard error.
fn with_closed_stdout(
    dir: &Path,
    args: &[&str],
    stdin: &str,
    lines: usize,
) -> (ExitStatus, String) {
    let mut child = stance()
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn stance");
    let mut stderr = child.stderr.take().expect("stderr");
    let errors = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut input = child.stdin.take().expect("stdin");
    let stdin = stdin.to_string();
    let feeder = std::thread::spawn(move || {
        // The writes fail once stance has stopped reading: that is fine.
        let _ = input.write_all(stdin.as_bytes());
    });
    let stdout = child.stdout.take().expect("stdout");
    let mut reader = BufReader::new(stdout);
    for _ in 0..lines {
        let mut line = String::new();
        reader.read_line(&mut line).expect("read a line");
        assert!(!line.is_empty(), "stance printed fewer than {lines} lines");
    }
    drop(reader); // the reader of the pipe goes away, like `head -1`
    let status = wait_at_most(&mut child, Duration::from_secs(60));
    feeder.join().expect("stdin thread");
    let stderr = errors.join().expect("stderr thread");
    (status, stderr)
}

/// `| head -1` (one line read) and `| true` (none read): exit 0, no panic,
/// nothing on standard error.
fn check_closed_stdout(dir: &Path, args: &[&str], stdin: &str) {
    for lines in [0, 1] {
        let (status, stderr) = with_closed_stdout(dir, args, stdin, lines);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(
            status.code(),
            Some(0),
            "{args:?} after {lines} line(s): {stderr}"
        );
        assert_eq!(stderr, "", "{args:?}");
    }
}

#[test]
fn closed_stdout_is_not_an_error_for_score() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "feed.jsonl", good_jsonl(&["a1", "a2"]));
    let args = ["score", "feed.jsonl", "-o", "out", "--force"];
    check_closed_stdout(dir.path(), &args, "");
    // The tables were complete before the summary was printed.
    assert!(dir.path().join("out/actors.csv").is_file());
    assert!(dir.path().join("out/run.json").is_file());
}

#[test]
fn closed_stdout_is_not_an_error_for_lexicon_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    check_closed_stdout(dir.path(), &["lexicon", "check"], "");
}

#[test]
fn closed_stdout_is_not_an_error_for_explain() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Enough sentences that the output cannot all fit in the pipe.
    let text = "Pyongyang sharply condemned the drills by Seoul, KCNA said. ".repeat(2_000);
    check_closed_stdout(dir.path(), &["explain", "-"], &text);
    check_closed_stdout(dir.path(), &["explain", "Seoul welcomed the talks."], "");
}

#[test]
fn closed_stdout_is_not_an_error_for_eval_but_the_gate_still_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let gold = "{\"id\": \"g1\", \"date\": \"2022-01-03\", \"text\": \"North Korea condemned Seoul.\", \
                \"actors\": [\"PRK\", \"KOR\"], \"source\": \"PRK\", \"targets\": [\"KOR\"], \"tone\": \"hostile\"}\n\
                {\"id\": \"g2\", \"date\": \"2022-01-03\", \"text\": \"Japan welcomed the talks.\", \
                \"actors\": [\"JPN\"], \"source\": \"JPN\", \"targets\": [], \"tone\": \"hostile\"}\n";
    write(dir.path(), "gold.jsonl", gold);
    check_closed_stdout(dir.path(), &["eval", "gold.jsonl"], "");
    // The errors file is written whatever happens to standard output.
    let errors = fs::read_to_string(dir.path().join("eval-errors.csv")).expect("eval-errors.csv");
    assert!(errors.contains("g2"), "{errors}");
    // A failing gate still fails when nobody reads the report.
    let (status, stderr) = with_closed_stdout(
        dir.path(),
        &["eval", "gold.jsonl", "--min-tone-acc", "0.9"],
        "",
        0,
    );
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("below the minimum: tone accuracy 0.500 < 0.9"),
        "{stderr}"
    );
}

// ================================================================ signals

/// Made-up wire copy, about `bytes` long: one JSON object per line.
#[cfg(unix)]
fn synthetic_news(bytes: usize) -> String {
    const WHO: [&str; 10] = [
        "North Korea",
        "South Korea",
        "Seoul",
        "Pyongyang",
        "Washington",
        "Tokyo",
        "Beijing",
        "The United Nations",
        "KCNA",
        "Moscow",
    ];
    const DID: [&str; 10] = [
        "condemned",
        "welcomed",
        "warned",
        "praised",
        "criticised",
        "thanked",
        "threatened",
        "met with",
        "accused",
        "backed",
    ];
    const WHAT: [&str; 6] = [
        "the joint drills",
        "the new talks",
        "the sanctions",
        "the aid offer",
        "the missile test",
        "the summit plan",
    ];
    let mut out = String::with_capacity(bytes + 4096);
    let mut seed: u64 = 0x5eed;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    let mut doc = 0;
    while out.len() < bytes {
        doc += 1;
        let mut text = String::new();
        for _ in 0..12 {
            text.push_str(&format!(
                "{} {} {} of {}. ",
                WHO[next(WHO.len())],
                DID[next(DID.len())],
                WHAT[next(WHAT.len())],
                WHO[next(WHO.len())]
            ));
        }
        out.push_str(&format!(
            "{{\"id\": \"s{doc}\", \"date\": \"2021-{:02}-{:02}\", \"text\": \"{text}\"}}\n",
            doc % 12 + 1,
            doc % 28 + 1
        ));
    }
    out
}

/// Every file in `dir` with its bytes, sorted by name.
#[cfg(unix)]
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).expect("read file"),
            )
        })
        .collect();
    files.sort();
    files
}

/// The hidden temporary files (`.<table>.XXXXXX.tmp`) in `dir`.
#[cfg(unix)]
fn temp_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.') && n.ends_with(".tmp"))
                .collect()
        })
        .unwrap_or_default()
}

/// Sends `signal` to `child` and waits (at most 10 s) for it to exit; its
/// status and the time it took from the signal.
#[cfg(unix)]
fn signal_and_wait(child: &mut Child, signal: libc::c_int) -> (ExitStatus, Duration) {
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    let signalled = Instant::now();
    // SAFETY: kill(2) on our own child, not yet waited for (so its pid
    // cannot have been reused).
    let rc = unsafe { libc::kill(pid, signal) };
    assert_eq!(rc, 0, "kill failed");
    let status = wait_at_most(child, Duration::from_secs(10));
    (status, signalled.elapsed())
}

/// Fills `dir/out` with an earlier run's tables; returns them.
#[cfg(unix)]
fn earlier_run(dir: &Path) -> Vec<(String, Vec<u8>)> {
    write(dir, "earlier.jsonl", good_jsonl(&["e1", "e2"]));
    let run = score(dir, &["earlier.jsonl"], &[]);
    assert_eq!(run.status.code(), Some(0), "{}", run.stderr);
    let before = snapshot(&dir.join("out"));
    let names: Vec<&str> = before.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "actors.csv",
            "dyads.csv",
            "dyads_wide.csv",
            "rejects.csv",
            "run.json",
            "sentences.csv",
            "stance_wide.csv"
        ]
    );
    before
}

#[cfg(unix)]
fn read_stderr(child: &mut Child) -> String {
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    stderr
}

/// What every stop by a signal must leave: the exit code 128 + signal,
/// `message` on standard error, no temporary file in `out`, and the tables
/// already there (`before`) as they were.
#[cfg(unix)]
fn assert_stopped_cleanly(
    status: ExitStatus,
    stderr: &str,
    code: i32,
    message: &str,
    out: &Path,
    before: &[(String, Vec<u8>)],
) {
    assert_eq!(status.code(), Some(code), "{stderr}");
    assert!(stderr.contains(message), "{stderr}");
    assert_eq!(temp_files(out), Vec::<String>::new());
    assert!(snapshot(out) == before, "earlier tables changed");
}

/// The kill test: SIGINT in the middle of scoring a large input exits 130,
/// deletes the temporary files and leaves the earlier tables as they were.
#[cfg(unix)]
#[test]
fn sigint_mid_run_leaves_no_partial_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut before = earlier_run(dir.path());
    let out = dir.path().join("out");
    let mut size = 16 << 20;
    for attempt in 1..=3 {
        write(dir.path(), "big.jsonl", synthetic_news(size));
        let mut child = stance()
            .current_dir(dir.path())
            .args([
                "score",
                "big.jsonl",
                "-o",
                "out",
                "--force",
                "--sentences",
                "-q",
            ])
            .args(["--threads", "2"])
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn stance");
        // Started: its temporary files are there (the handler is installed
        // before they are made). Then let it score for a moment.
        let start = Instant::now();
        while temp_files(&out).is_empty() && start.elapsed() < Duration::from_secs(10) {
            if child.try_wait().expect("try_wait").is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(300));
        let (status, _) = signal_and_wait(&mut child, libc::SIGINT);
        let stderr = read_stderr(&mut child);
        assert!(!stderr.contains("panicked"), "{stderr}");
        if status.success() {
            // It finished before the signal: again with a bigger input.
            assert!(attempt < 3, "stance always finished before SIGINT");
            // The earlier tables are made again (run.json records when),
            // and the new ones are what must survive the signal.
            fs::remove_dir_all(&out).expect("clean");
            before = earlier_run(dir.path());
            size *= 4;
            continue;
        }
        let message = "stance: interrupted by SIGINT: no table was written";
        assert_stopped_cleanly(status, &stderr, 130, message, &out, &before);
        return;
    }
}

/// SIGTERM while the run is stuck waiting for input (standard input that
/// never ends): the watchdog deletes the temporary files and exits 143.
#[cfg(unix)]
#[test]
fn sigterm_while_blocked_on_input_exits_143_and_cleans_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let before = earlier_run(dir.path());
    let out = dir.path().join("out");
    let mut child = stance()
        .current_dir(dir.path())
        .args([
            "score",
            "-",
            "--format",
            "jsonl",
            "-o",
            "out",
            "--force",
            "--sentences",
        ])
        .args(["-q", "--threads", "2"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn stance");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(good_jsonl(&["t1", "t2"]).as_bytes())
        .expect("write");
    let start = Instant::now();
    while temp_files(&out).is_empty() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(!temp_files(&out).is_empty(), "stance never started");
    // The temporary files appear before the two records are scored: a
    // signal then is seen by the run itself, which stops at once (a
    // loaded machine once took that path). Give it time to score them
    // and block on the open input.
    std::thread::sleep(Duration::from_millis(500));
    let (status, took) = signal_and_wait(&mut child, libc::SIGTERM);
    // Standard input was open all along: the run could not stop by itself,
    // the watchdog ended it after its grace period.
    assert!(took >= Duration::from_secs(2), "{:?}", took);
    drop(stdin);
    let stderr = read_stderr(&mut child);
    assert_stopped_cleanly(
        status,
        &stderr,
        143,
        "interrupted by SIGTERM",
        &out,
        &before,
    );
}

/// SIGINT while `stance merge --sentences` copies a shard's sentence rows
/// (fed here through a named pipe that never ends, so the merge is surely
/// mid-way): exit 130, no temporary file left, earlier tables untouched.
#[cfg(unix)]
#[test]
fn sigint_during_merge_leaves_no_partial_table() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "in.jsonl",
        good_jsonl(&["m1", "m2", "m3", "m4"]),
    );
    for i in 1..=2 {
        let status = stance()
            .current_dir(dir.path())
            .args(["score", "in.jsonl", "-q", "--sentences", "--partial"])
            .args(["--shard", &format!("{i}/2"), "-o", &format!("p{i}")])
            .status()
            .expect("run stance score");
        assert!(status.success());
    }
    let merge = || {
        let mut c = stance();
        c.current_dir(dir.path()).args([
            "merge",
            "p1",
            "p2",
            "-q",
            "--sentences",
            "--force",
            "-o",
            "out",
        ]);
        c
    };
    assert!(merge().status().expect("run stance merge").success());
    let out = dir.path().join("out");
    let before = snapshot(&out);

    // Shard 2's sentences.csv becomes a pipe fed by a thread until the
    // merge goes away.
    let pipe = dir.path().join("p2").join("sentences.csv");
    let header = fs::read_to_string(&pipe).expect("read sentences.csv");
    let header = header.lines().next().expect("header").to_string();
    let row = vec!["x"; header.split(',').count()].join(",");
    fs::remove_file(&pipe).expect("remove");
    let c_path = std::ffi::CString::new(pipe.to_str().expect("utf-8 path")).expect("path");
    // SAFETY: mkfifo(3) on a NUL-terminated path we own.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
    let rows = Arc::new(AtomicU64::new(0));
    let written = Arc::clone(&rows);
    let writer = std::thread::spawn(move || {
        let f = fs::OpenOptions::new()
            .write(true)
            .open(&pipe)
            .expect("open pipe");
        let mut f = std::io::BufWriter::new(f);
        let mut ok = writeln!(f, "{header}").is_ok();
        while ok {
            ok = writeln!(f, "{row}").is_ok();
            written.fetch_add(1, Ordering::Relaxed);
        }
    });

    let mut child = merge().stderr(Stdio::piped()).spawn().expect("spawn merge");
    let start = Instant::now();
    while rows.load(Ordering::Relaxed) < 50_000 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the merge never read the pipe"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(!temp_files(&out).is_empty(), "no temporary file mid-merge");
    let (status, took) = signal_and_wait(&mut child, libc::SIGINT);
    // It stopped by itself, not by the watchdog after its grace period.
    assert!(took < Duration::from_secs(2), "{:?}", took);
    writer.join().expect("writer");
    let stderr = read_stderr(&mut child);
    let message = "stance: interrupted by SIGINT: no table was written";
    assert_stopped_cleanly(status, &stderr, 130, message, &out, &before);
}

#[test]
fn explain_replaces_invalid_utf8_on_standard_input() {
    let mut child = stance()
        .args(["explain", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn stance");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(b"Seoul \xff condemned Pyongyang.")
        .expect("write");
    drop(stdin);
    let output = child.wait_with_output().expect("wait");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.starts_with("sentence: Seoul \u{fffd} condemned Pyongyang.\ntone:     -"),
        "{stdout}"
    );
}
