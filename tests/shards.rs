//! Sharded runs: `stance score --shard I/N --partial` on each shard, then
//! `stance merge`, must give exactly the tables of a single run; shards must
//! partition the documents; parts that do not belong together are refused.
//! Reading input files ahead on several threads (`--readers`) changes
//! nothing either.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

fn stance() -> assert_cmd::Command {
    cargo_bin_cmd!("stance")
}

fn read(p: &Path) -> Vec<u8> {
    fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn json(p: &Path) -> serde_json::Value {
    serde_json::from_slice(&read(p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&p, text).unwrap();
    p
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/news")
}

/// The tables `stance score` writes by default.
const TABLES: [&str; 5] = [
    "actors.csv",
    "dyads.csv",
    "stance_wide.csv",
    "dyads_wide.csv",
    "rejects.csv",
];

/// A small corpus written for these tests: JSONL, CSV and .txt files, ids
/// that repeat across files, a record without an id, undated and year-only
/// documents, and bad records (broken JSON, an unreadable date, a CSV row
/// with too many fields).
fn generated_corpus(dir: &Path) -> PathBuf {
    let root = dir.join("corpus");
    let texts = [
        "North Korea condemned South Korea's joint drills with Washington.",
        "Seoul welcomed Pyongyang's offer of talks, the unification ministry said.",
        "China and Japan agreed to improve ties.",
        "Russia threatened Ukraine, the Kremlin said.",
        "Tokyo protested to Beijing over coast guard ships near the Senkakus.",
        "The United States praised South Korea for its help.",
        "Iran vowed harsh punishment for Israel.",
        "The European Union imposed new sanctions on Russia.",
        "Ukraine and Russia exchanged prisoners.",
        "Beijing criticised Washington's tariffs.",
    ];
    let mut a = String::new();
    for i in 0..24 {
        let id = if i % 5 == 0 {
            "dup".to_string()
        } else {
            format!("a{i}")
        };
        let date = match i % 7 {
            0 => String::new(),
            1 => "2023".to_string(),
            _ => format!("2024-{:02}-{:02}", i % 12 + 1, i % 27 + 1),
        };
        a.push_str(
            &serde_json::json!({"id": id, "date": date, "text": texts[i % texts.len()]})
                .to_string(),
        );
        a.push('\n');
        if i == 6 {
            a.push_str("{\"id\": \"broken\", \"date\": \n");
        }
        if i == 13 {
            a.push_str("{\"id\": \"a-bad-date\", \"date\": \"31/31/2024\", \"text\": \"Seoul praised Tokyo.\"}\n");
        }
    }
    a.push_str("{\"date\": \"2024-05-05\", \"text\": \"Japan thanked South Korea.\"}\n");
    write(&root, "a.jsonl", &a);
    let mut b = String::from("id,date,text\n");
    for i in 0..12 {
        let id = if i % 4 == 0 {
            "dup".to_string()
        } else {
            format!("b{i}")
        };
        b.push_str(&format!(
            "{id},2024-{:02}-15,\"{}\"\n",
            i % 12 + 1,
            texts[(i * 3) % texts.len()]
        ));
        if i == 5 {
            b.push_str("b-wide,2024-02-02,\"Seoul praised Tokyo.\",extra\n");
        }
    }
    write(&root, "b.csv", &b);
    write(
        &root,
        "stories/2024-03-05-drills.txt",
        "North Korea fired missiles after Seoul and Washington began drills.\n\nSouth Korea condemned the launch.\n",
    );
    write(
        &root,
        "stories/2024-11-07-hotline.txt",
        "Pyongyang answered the hotline again, Seoul said.\n",
    );
    write(
        &root,
        "z.jsonl",
        "{\"id\": \"dup\", \"date\": \"2024-06-01\", \"text\": \"China praised Russia.\"}\nnot json at all\n",
    );
    root
}

fn score(input: &Path, out: &Path, extra: &[&str]) {
    stance()
        .args(["score", "-q", "-o"])
        .arg(out)
        .arg(input)
        .args(extra)
        .assert()
        .success();
}

/// Scores `input` as `n` shards into `dir/1` ... `dir/n`; returns the part dirs.
fn shards(input: &Path, dir: &Path, n: u32, extra: &[&str]) -> Vec<PathBuf> {
    (1..=n)
        .map(|i| {
            let out = dir.join(i.to_string());
            let spec = format!("{i}/{n}");
            score(
                input,
                &out,
                &[&["--partial", "--shard", &spec], extra].concat(),
            );
            out
        })
        .collect()
}

fn merge(parts: &[PathBuf], out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    stance()
        .args(["merge", "-q", "-o"])
        .arg(out)
        .args(parts)
        .args(extra)
        .assert()
}

fn assert_same_files(a: &Path, b: &Path, files: &[&str]) {
    for f in files {
        let (x, y) = (read(&a.join(f)), read(&b.join(f)));
        assert!(
            x == y,
            "{f} differs between {} and {}:\n{}\n---\n{}",
            a.display(),
            b.display(),
            String::from_utf8_lossy(&x),
            String::from_utf8_lossy(&y)
        );
    }
}

/// Single run vs `ns` shards merged: every table byte-identical.
fn shards_merge_to_single_run(input: &Path, extra: &[&str], ns: &[u32]) {
    split_merge_to_single_run(input, extra, &[], ns);
}

/// [`shards_merge_to_single_run`] with `shard_extra` given to the shards
/// only (`--shard-by file`); returns the last merge's part dirs.
fn split_merge_to_single_run(
    input: &Path,
    extra: &[&str],
    shard_extra: &[&str],
    ns: &[u32],
) -> (tempfile::TempDir, Vec<PathBuf>) {
    let d = tempfile::tempdir().unwrap();
    let single = d.path().join("single");
    score(input, &single, extra);
    let mut last = Vec::new();
    for &n in ns {
        let both = [extra, shard_extra].concat();
        let parts = shards(input, &d.path().join(format!("parts{n}")), n, &both);
        for p in &parts {
            // The rejects a shard kept on disk while it ran left no file.
            let want = BTreeSet::from(["partial.json".to_string(), "run.json".to_string()]);
            assert_eq!(listing(p), want, "{}", p.display());
        }
        let merged = d.path().join(format!("merged{n}"));
        merge(&parts, &merged, &[]).success();
        assert_same_files(&single, &merged, &TABLES);
        let (s, m) = (
            json(&single.join("run.json")),
            json(&merged.join("run.json")),
        );
        for key in [
            "documents",
            "documents_rejected",
            "rejects_by_reason",
            "sentences",
            "sentences_with_actors_by_label",
            "undated_documents",
            "documents_dated_coarser_than_period",
            "invalid_utf8",
        ] {
            assert_eq!(s[key], m[key], "{key} with {n} shards");
        }
        assert_eq!(m["merged_parts"].as_array().unwrap().len(), n as usize);
        last = parts;
    }
    (d, last)
}

#[test]
fn merge_summary_counts_as_a_single_run_does() {
    // The merge's summary gives the labels of the sentences naming an
    // actor on a line of their own, as `stance score` does, not beside all
    // sentences, whose count they do not add up to.
    let d = tempfile::tempdir().unwrap();
    let single = stance()
        .args(["score", "-o"])
        .arg(d.path().join("single"))
        .arg(sample())
        .assert()
        .success();
    let parts = shards(&sample(), &d.path().join("parts"), 3, &[]);
    let merged = stance()
        .args(["merge", "-o"])
        .arg(d.path().join("merged"))
        .args(&parts)
        .assert()
        .success();
    let line = |out: &[u8]| {
        String::from_utf8_lossy(out)
            .lines()
            .find(|l| l.starts_with("Sentences naming an actor:"))
            .map(str::to_string)
    };
    let (a, b) = (
        line(&single.get_output().stdout),
        line(&merged.get_output().stdout),
    );
    assert!(a.is_some(), "{a:?}");
    assert_eq!(
        a.map(|l| l.split(". Undated").next().unwrap_or("").to_string()),
        b.map(|l| l.trim_end_matches('.').to_string())
    );
    let merged_out = String::from_utf8_lossy(&merged.get_output().stdout).into_owned();
    assert!(
        merged_out.contains("Merged 3 of 3 shard(s): 50 documents, 287 sentences.\n"),
        "{merged_out}"
    );
}

/// Shards whose parts go inside the corpus they read (`-o corpus/parts/I`)
/// do not read each other's parts: each part directory holds a stance
/// `run.json`, and the walk passes over it. They merge to a single run's
/// tables, and a single run there later does not read them either.
#[test]
fn parts_written_inside_the_corpus_are_not_read_as_input() {
    let d = tempfile::tempdir().unwrap();
    let corpus = generated_corpus(d.path());
    let single = d.path().join("single");
    score(&corpus, &single, &[]);
    let parts = shards(&corpus, &corpus.join("parts"), 3, &["--sentences"]);
    let out = d.path().join("merged");
    merge(&parts, &out, &[]).success();
    assert_same_files(&single, &out, &TABLES);
    let again = corpus.join("again");
    stance()
        .args(["score", "-o"])
        .arg(&again)
        .arg(&corpus)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Did not read 3 directory(ies) of earlier stance output",
        ));
    assert_same_files(&single, &again, &TABLES);
    let run: serde_json::Value = serde_json::from_slice(&read(&again.join("run.json"))).unwrap();
    assert_eq!(
        run["output_directories_not_read"].as_array().map(Vec::len),
        Some(3)
    );
}

/// The merge warns about the rejected records as the single run does: the
/// count by reason, the first in input order in full, the hint for
/// ambiguous dates when there are some.
#[test]
fn a_merge_warns_about_rejects_as_a_single_run_does() {
    let d = tempfile::tempdir().unwrap();
    let corpus = generated_corpus(d.path());
    let warning = |out: &Path, stderr: &[u8]| {
        String::from_utf8_lossy(stderr)
            .replace(&out.display().to_string(), "OUT")
            .lines()
            .filter(|l| l.contains("skipped") || l.starts_with("  first: "))
            .map(String::from)
            .collect::<Vec<_>>()
    };
    let single = d.path().join("single");
    let run = stance()
        .args(["score", "-q", "-o"])
        .arg(&single)
        .arg(&corpus)
        .assert()
        .success();
    let expected = warning(&single, &run.get_output().stderr);
    assert_eq!(expected.len(), 2, "{expected:?}");
    assert!(
        expected[0].starts_with("stance: warning: 4 record(s) skipped (")
            && expected[0].ends_with("; see OUT/rejects.csv"),
        "{expected:?}"
    );
    assert!(expected[1].contains("a.jsonl: line 8: "), "{expected:?}");
    let parts = shards(&corpus, &d.path().join("parts"), 3, &[]);
    let out = d.path().join("merged");
    let merged = merge(&parts, &out, &[]).success();
    assert_eq!(warning(&out, &merged.get_output().stderr), expected);
}

#[test]
fn sample_corpus_shards_merge_to_the_single_run() {
    shards_merge_to_single_run(&sample(), &[], &[1, 3, 7]);
}

#[test]
fn generated_corpus_with_repeated_ids_and_bad_records_merges_exactly() {
    let d = tempfile::tempdir().unwrap();
    let corpus = generated_corpus(d.path());
    // The fixture really has what it is meant to have.
    let check = d.path().join("check");
    score(&corpus, &check, &[]);
    let run = json(&check.join("run.json"));
    assert!(run["documents_rejected"].as_u64().unwrap() >= 4, "{run}");
    assert!(run["undated_documents"].as_u64().unwrap() >= 1, "{run}");
    shards_merge_to_single_run(&corpus, &[], &[1, 3, 7]);
    shards_merge_to_single_run(&corpus, &["--period", "week", "--no-rollup"], &[3]);
}

/// A corpus of many files, as a decade of daily wire files would be: JSONL
/// by month in year directories (one of them gzipped), each file with a
/// document holding invalid UTF-8 and a broken line, plus the mixed corpus
/// of [`generated_corpus`].
fn many_files_corpus(dir: &Path) -> PathBuf {
    let root = generated_corpus(dir);
    let texts = [
        "Pyongyang denounced the sanctions imposed by Washington.",
        "Seoul and Tokyo pledged closer cooperation on North Korea.",
        "Moscow accused Kyiv of shelling the border region.",
        "The United Nations welcomed the ceasefire between Israel and Hamas.",
    ];
    for year in [2023, 2024] {
        for month in 1..=6 {
            let mut lines = Vec::new();
            for k in 0..3 {
                let text = texts[(month + k) % texts.len()];
                let line = serde_json::json!({
                    "id": format!("w{year}-{month}-{k}"),
                    "date": format!("{year}-{month:02}-{:02}", k * 9 + 1),
                    "text": text,
                })
                .to_string();
                lines.push(line.into_bytes());
            }
            // Invalid UTF-8 inside a UTF-8 text (`#` becomes two bytes that
            // are not UTF-8 between dashes and quotes, which keep the line
            // UTF-8), and a line that is not JSON.
            let bad = format!(
                "{{\"id\": \"u{year}-{month}\", \"date\": \"{year}-{month:02}-20\", \"text\": \"Beijing protested # to Manila.\"}}"
            );
            lines.push(
                bad.bytes()
                    .flat_map(|b| {
                        if b == b'#' {
                            "\u{201c}\u{2014}"
                                .bytes()
                                .chain([0xFF, 0xFE])
                                .chain("\u{2014}\u{201d}".bytes())
                                .collect()
                        } else {
                            vec![b]
                        }
                    })
                    .collect(),
            );
            lines.push(b"{\"id\": \"cut\", \"text\": ".to_vec());
            let mut body = lines.join(&b'\n');
            body.push(b'\n');
            let mut path = root.join(format!("{year}/{month:02}.jsonl"));
            if (year, month) == (2024, 3) {
                use std::io::Write;
                let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                gz.write_all(&body).unwrap();
                body = gz.finish().unwrap();
                path.set_extension("jsonl.gz");
            }
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, body).unwrap();
        }
    }
    // A year of stories as a gzipped tarball: one file to shards by file,
    // its documents shared out by id.
    let gz = flate2::write::GzEncoder::new(
        fs::File::create(root.join("2025-stories.tar.gz")).unwrap(),
        flate2::Compression::fast(),
    );
    let mut tarball = tar::Builder::new(gz);
    for (k, text) in texts.iter().cycle().take(9).enumerate() {
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o644);
        let name = format!("2025/2025-{:02}-0{}-story.txt", k + 1, k % 9 + 1);
        tarball
            .append_data(&mut header, name, text.as_bytes())
            .unwrap();
    }
    tarball.into_inner().unwrap().finish().unwrap();
    root
}

#[test]
fn shards_split_by_file_read_only_their_files_and_merge_to_the_single_run() {
    let d = tempfile::tempdir().unwrap();
    let corpus = many_files_corpus(d.path());
    let check = d.path().join("check");
    score(&corpus, &check, &[]);
    let run = json(&check.join("run.json"));
    let files = run["files_read"].as_u64().unwrap();
    assert!(files >= 15, "{run}");
    assert!(
        run["invalid_utf8"]["documents"].as_u64().unwrap() >= 10,
        "{run}"
    );
    let (runs, parts) =
        split_merge_to_single_run(&corpus, &[], &["--shard-by", "file"], &[1, 3, 7]);
    // Each file was read by exactly one of the 7 shards, and the reading was
    // shared out.
    let read: Vec<u64> = parts
        .iter()
        .map(|p| json(&p.join("run.json"))["files_read"].as_u64().unwrap())
        .collect();
    assert_eq!(read.iter().sum::<u64>(), files, "{read:?}");
    assert!(read.iter().filter(|&&n| n > 0).count() >= 3, "{read:?}");
    let part = json(&parts[0].join("partial.json"));
    assert_eq!(part["header"]["settings"]["shard_by"], "file");
    // No part knows the totals of the input; the merge states them.
    let merged = json(&runs.path().join("merged7/run.json"));
    assert_eq!(merged["input_stream"]["documents"], run["documents"]);
    assert_eq!(merged["input_stream"]["rejects"], run["documents_rejected"]);
    // With other options too.
    split_merge_to_single_run(
        &corpus,
        &["--period", "week", "--no-rollup"],
        &["--shard-by", "file"],
        &[3],
    );
}

/// `run.json` without what differs between runs of the same input: the
/// command, the time taken, the threads and readers used.
fn run_facts(dir: &Path) -> serde_json::Value {
    let mut run = json(&dir.join("run.json"));
    let obj = run.as_object_mut().unwrap();
    for key in ["command", "elapsed_seconds", "threads", "readers"] {
        assert!(obj.remove(key).is_some(), "run.json has no {key}");
    }
    run
}

#[test]
fn reading_files_ahead_on_several_threads_changes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let corpus = many_files_corpus(d.path());
    let one = d.path().join("one");
    score(
        &corpus,
        &one,
        &["--threads", "1", "--readers", "1", "--sentences"],
    );
    assert_eq!(json(&one.join("run.json"))["readers"], 1);
    for (threads, readers) in [("1", "3"), ("3", "2"), ("2", "16")] {
        let many = d.path().join(format!("t{threads}r{readers}"));
        let args = ["--threads", threads, "--readers", readers, "--sentences"];
        score(&corpus, &many, &args);
        for file in TABLES.iter().chain(&["sentences.csv"]) {
            assert!(
                read(&one.join(file)) == read(&many.join(file)),
                "{file} differs with {threads} threads and {readers} readers"
            );
        }
        assert_eq!(run_facts(&one), run_facts(&many), "{args:?}");
        assert_eq!(
            json(&many.join("run.json"))["readers"],
            readers.parse::<u64>().unwrap()
        );
    }
    // Shards split by file read ahead too, and still merge to the single run.
    split_merge_to_single_run(
        &corpus,
        &[],
        &["--shard-by", "file", "--readers", "3"],
        &[3],
    );
    // The summary says how many read.
    stance()
        .args(["score", "--readers", "3", "--force", "-o"])
        .arg(d.path().join("t1r3"))
        .arg(&corpus)
        .assert()
        .success()
        .stdout(predicate::str::contains("threads, 3 readers)."));
    // The default is one reader per four threads; 0 readers is refused.
    score(&corpus, &d.path().join("t8"), &["--threads", "8"]);
    assert_eq!(json(&d.path().join("t8/run.json"))["readers"], 2);
    stance()
        .args(["score", "-q", "--readers", "0", "-o"])
        .arg(d.path().join("zero"))
        .arg(&corpus)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--readers"));
}

#[test]
fn shards_split_by_file_are_refused_where_they_cannot_work() {
    let d = tempfile::tempdir().unwrap();
    let by_id = shards(&sample(), &d.path().join("id"), 2, &[]);
    let by_file = shards(
        &sample(),
        &d.path().join("file"),
        2,
        &["--shard-by", "file"],
    );
    let out = d.path().join("o");
    merge(&[by_id[0].clone(), by_file[1].clone()], &out, &[])
        .code(2)
        .stderr(
            predicate::str::contains("--shard-by is file").and(predicate::str::contains("but id")),
        );
    // A shard that saw another list of files.
    let corpus = generated_corpus(d.path());
    let other = shards(&corpus, &d.path().join("other"), 2, &["--shard-by", "file"]);
    write(
        &corpus,
        "late.jsonl",
        "{\"id\": \"late\", \"text\": \"Seoul praised Tokyo.\"}\n",
    );
    let later = shards(&corpus, &d.path().join("later"), 2, &["--shard-by", "file"]);
    merge(&[other[0].clone(), later[1].clone()], &out, &[])
        .code(2)
        .stderr(predicate::str::contains("read different inputs"));
    merge(&later, &out, &[]).success();
    // The summary says how many files this shard read.
    stance()
        .args(["score", "--shard", "2/3", "--shard-by", "file", "-o"])
        .arg(d.path().join("summary"))
        .arg(sample())
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"\(shard 2/3 by file: \d+ of 32 files\)").unwrap());
    // Standard input is one stream: it can only be split by id.
    stance()
        .args([
            "score",
            "-",
            "--format",
            "jsonl",
            "--shard",
            "1/2",
            "--shard-by",
            "file",
            "--partial",
            "-o",
        ])
        .arg(d.path().join("stdin"))
        .write_stdin("{\"id\": \"1\", \"text\": \"Seoul praised Tokyo.\"}\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--shard-by file cannot split standard input",
        ));
    // --shard-by without --shard, or with a way that does not exist.
    for (args, says) in [
        (&["--shard-by", "file"][..], "--shard"),
        (
            &["--shard", "1/2", "--shard-by", "page"][..],
            "use id or file",
        ),
    ] {
        stance()
            .args(["score", "-o"])
            .arg(d.path().join("bad"))
            .arg(sample())
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
    assert!(!d.path().join("bad").exists());
}

#[test]
fn shards_partition_the_documents() {
    let d = tempfile::tempdir().unwrap();
    let corpus = generated_corpus(d.path());
    for input in [sample(), corpus] {
        let single = d.path().join("single");
        score(&input, &single, &["--sentences", "--force"]);
        let total = json(&single.join("run.json"))["documents"]
            .as_u64()
            .unwrap();
        let ids = |dir: &Path| -> BTreeSet<String> {
            let mut r = csv::Reader::from_path(dir.join("sentences.csv")).unwrap();
            r.records().map(|x| x.unwrap()[0].to_string()).collect()
        };
        let all = ids(&single);
        let parts = shards(&input, &d.path().join("p"), 3, &["--sentences"]);
        let mut seen = BTreeSet::new();
        let mut documents = 0;
        for p in &parts {
            let part = json(&p.join("partial.json"));
            documents += part["header"]["counters"]["documents"].as_u64().unwrap();
            // Every shard reads the whole input.
            assert_eq!(part["header"]["stream"]["documents"], total);
            for id in ids(p) {
                assert!(seen.insert(id.clone()), "{id} is in two shards");
            }
        }
        assert_eq!(documents, total);
        assert_eq!(seen, all);
        // Merged sentences: the shards' rows, shard by shard.
        let merged = d.path().join("m");
        merge(&parts, &merged, &["--sentences", "--force"]).success();
        let rows = |p: &Path| -> Vec<String> {
            let mut r = csv::Reader::from_path(p.join("sentences.csv")).unwrap();
            let mut v: Vec<String> = r
                .records()
                .map(|x| x.unwrap().iter().collect::<Vec<_>>().join("|"))
                .collect();
            v.sort();
            v
        };
        assert_eq!(rows(&merged), rows(&single));
        fs::remove_dir_all(d.path().join("p")).unwrap();
    }
}

#[test]
fn merge_renders_like_score_with_excel_and_wide_options() {
    let d = tempfile::tempdir().unwrap();
    let opts = [
        "--excel",
        "--wide-actors",
        "PRK,KOR,USA",
        "--wide-metric",
        "mean_tone",
        "--wide-top",
        "3",
    ];
    let single = d.path().join("single");
    score(&sample(), &single, &[&opts[..], &["--xlsx"]].concat());
    let parts = shards(&sample(), &d.path().join("p"), 3, &[]);
    let merged = d.path().join("merged");
    merge(&parts, &merged, &[&opts[..], &["--xlsx"]].concat()).success();
    assert_same_files(&single, &merged, &TABLES);
    assert!(read(&merged.join("actors.csv")).starts_with("\u{feff}".as_bytes()));
    assert!(merged.join("stance.xlsx").is_file());
}

#[test]
fn bad_shard_values_are_usage_errors() {
    let d = tempfile::tempdir().unwrap();
    for (bad, says) in [
        ("0/3", "numbered from 1"),
        ("4/3", "numbered from 1"),
        ("x/y", "whole numbers"),
        ("3", "not I/N"),
        ("1/0", "at least 1"),
    ] {
        stance()
            .args(["score", "--partial", "--shard", bad, "-o"])
            .arg(d.path().join("o"))
            .arg(sample())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says).and(predicate::str::contains("--shard")));
    }
    assert!(!d.path().join("o").exists());
    // --partial writes no tables, so table options belong to `stance merge`.
    stance()
        .args(["score", "--partial", "--xlsx", "-o"])
        .arg(d.path().join("o"))
        .arg(sample())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--xlsx"));
}

#[test]
fn mismatched_partials_are_refused_with_the_difference_named() {
    let d = tempfile::tempdir().unwrap();
    let month = shards(&sample(), &d.path().join("month"), 2, &[]);
    let week = shards(&sample(), &d.path().join("week"), 2, &["--period", "week"]);
    let out = d.path().join("o");
    merge(&[month[0].clone(), week[1].clone()], &out, &[])
        .code(2)
        .stderr(
            predicate::str::contains("--period is week")
                .and(predicate::str::contains("but month"))
                .and(predicate::str::contains(
                    week[1].join("partial.json").display().to_string(),
                )),
        );
    assert!(!out.exists());

    // Another reading of dates.
    let dmy = shards(
        &sample(),
        &d.path().join("dmy"),
        2,
        &["--date-order", "dmy"],
    );
    merge(&[month[0].clone(), dmy[1].clone()], &out, &[])
        .code(2)
        .stderr(predicate::str::contains("--date-order is dmy"));
    assert!(!out.exists());

    // Another number of shards.
    let three = shards(&sample(), &d.path().join("three"), 3, &[]);
    merge(&[month[0].clone(), three[1].clone()], &out, &[])
        .code(2)
        .stderr(predicate::str::contains("split the run the same way"));

    // Other inputs.
    let other = shards(&generated_corpus(d.path()), &d.path().join("other"), 2, &[]);
    merge(&[month[0].clone(), other[1].clone()], &out, &[])
        .code(2)
        .stderr(predicate::str::contains("read different inputs"));

    // Other lexicons: refused, then accepted with the same --lexicons.
    let lex = d.path().join("lex");
    stance()
        .args(["lexicon", "export"])
        .arg(&lex)
        .assert()
        .success();
    let boiler = lex.join("boilerplate.txt");
    let text = String::from_utf8(read(&boiler)).unwrap() + "Sign up for our newsletter\n";
    fs::write(&boiler, text).unwrap();
    let lex_arg = lex.display().to_string();
    let edited = shards(
        &sample(),
        &d.path().join("edited"),
        2,
        &["--lexicons", &lex_arg],
    );
    merge(&[month[0].clone(), edited[1].clone()], &out, &[])
        .code(2)
        .stderr(predicate::str::contains("lexicon boilerplate.txt differs"));
    merge(&edited, &out, &[])
        .code(2)
        .stderr(predicate::str::contains("--lexicons DIR"));
    merge(&edited, &out, &["--lexicons", &lex_arg]).success();

    // Not a partial file.
    let single = d.path().join("single");
    score(&sample(), &single, &[]);
    merge(&[single.join("run.json")], &out, &["--force"])
        .code(2)
        .stderr(predicate::str::contains("not a partial file"));
    merge(std::slice::from_ref(&single), &out, &["--force"])
        .code(2)
        .stderr(predicate::str::contains("holds no partial.json"));
}

#[test]
fn missing_and_duplicate_shards_are_detected() {
    let d = tempfile::tempdir().unwrap();
    let parts = shards(&sample(), &d.path().join("p"), 3, &[]);
    let out = d.path().join("o");
    merge(&parts[..2], &out, &[]).code(2).stderr(
        predicate::str::contains("missing shard(s) 3/3")
            .and(predicate::str::contains("--allow-incomplete")),
    );
    merge(
        &[parts[0].clone(), parts[1].clone(), parts[1].clone()],
        &out,
        &[],
    )
    .code(2)
    .stderr(predicate::str::contains("shard 2/3 is given twice"));
    // A duplicate stays an error with --allow-incomplete.
    merge(
        &[parts[0].clone(), parts[0].join("partial.json")],
        &out,
        &["--allow-incomplete"],
    )
    .code(2)
    .stderr(predicate::str::contains("given twice"));
    assert!(!out.exists());
    // Two unsharded runs are the same "shard 1/1" twice.
    let whole = d.path().join("whole");
    score(&sample(), &whole, &["--partial"]);
    merge(&[whole.clone(), whole.clone()], &out, &[])
        .code(2)
        .stderr(predicate::str::contains("shard 1/1 is given twice"));
    // The escape hatch: tables from the shards there are, and a loud warning.
    stance()
        .args(["merge", "-o"])
        .arg(&out)
        .args(&parts[..2])
        .arg("--allow-incomplete")
        .assert()
        .success()
        .stderr(predicate::str::contains("missing shard(s) 3/3"))
        .stdout(predicate::str::contains("1 MISSING"));
    let run = json(&out.join("run.json"));
    assert_eq!(run["missing_shards"], serde_json::json!(["3/3"]));
}

/// The files in `dir`, hidden temporary files included.
fn listing(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn a_failed_merge_leaves_no_half_written_file() {
    let d = tempfile::tempdir().unwrap();
    let parts = shards(&sample(), &d.path().join("p"), 3, &["--sentences"]);
    let out = d.path().join("o");
    merge(&parts, &out, &["--sentences"]).success();
    let before: Vec<(String, Vec<u8>)> = listing(&out)
        .into_iter()
        .map(|f| (f.clone(), read(&out.join(&f))))
        .collect();
    // Shard 3's sentences.csv loses its last row: the merge fails after it
    // has started writing, and must leave the earlier tables as they were.
    let s3 = parts[2].join("sentences.csv");
    let text = String::from_utf8(read(&s3)).unwrap();
    let cut = text.trim_end().rfind('\n').unwrap();
    fs::write(&s3, &text[..=cut]).unwrap();
    merge(&parts, &out, &["--sentences", "--force"])
        .code(1)
        .stderr(
            predicate::str::contains("sentences.csv")
                .and(predicate::str::contains("score that shard again")),
        );
    let after: Vec<(String, Vec<u8>)> = listing(&out)
        .into_iter()
        .map(|f| (f.clone(), read(&out.join(&f))))
        .collect();
    assert!(before == after, "{:?}", listing(&out));
    // Into a fresh directory: nothing at all.
    let fresh = d.path().join("fresh");
    merge(&parts, &fresh, &["--sentences"]).code(1);
    assert!(
        !fresh.exists() || listing(&fresh).is_empty(),
        "{:?}",
        listing(&fresh)
    );
    // Tables in the way need --force, as with `stance score`.
    merge(&parts, &out, &[])
        .code(2)
        .stderr(predicate::str::contains("--force"));
}

#[test]
fn merge_with_sentences_needs_shards_scored_with_sentences() {
    let d = tempfile::tempdir().unwrap();
    let parts = shards(&sample(), &d.path().join("p"), 2, &[]);
    merge(&parts, &d.path().join("o"), &["--sentences"])
        .code(2)
        .stderr(predicate::str::contains("scored without --sentences"));
}

#[test]
fn help_teaches_sharding_with_examples() {
    stance()
        .args(["score", "--help"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("--shard <I/N>")
                .and(predicate::str::contains("--partial"))
                .and(predicate::str::contains("--shard 2/7 --partial"))
                .and(predicate::str::contains("stance merge parts/*")),
        );
    stance()
        .args(["merge", "--help"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Usage: stance merge [OPTIONS] <PART>...")
                .and(predicate::str::contains("--allow-incomplete"))
                .and(predicate::str::contains("Examples:"))
                .and(predicate::str::contains("byte-identical")),
        );
    stance()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("merge"));
}
