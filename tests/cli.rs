//! Integration tests: run the `stance` binary on small fixtures the tests
//! write themselves (all text written by the team), and on the bundled
//! sample corpus.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

fn stance() -> assert_cmd::Command {
    cargo_bin_cmd!("stance")
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Parses a CSV file into (header, rows).
fn table(p: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(p).unwrap();
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (h, rows)
}

fn col(h: &[String], name: &str) -> usize {
    h.iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// A scraped wire story written for these tests: a repeated headline,
/// "Advertisement" lines, an info_icon line, reported speech and a quoted insult.
const SCRAPED_STORY: &str = "Top Stories\n\n\
North Korea Offers To Mend Ties With Seoul After Party Meeting\n\n\
Advertisement\n\n\
North Korea Offers To Mend Ties With Seoul After Party Meeting\n\
info_icon\n\n\
The North's leader, Kim Jong Un, pledged to sharply improve his country's relations with South Korea, state media said Saturday.\n\n\
The U.S. envoy, who arrived in Seoul on Jan. 5, has called Kim a “tyrant” and ruled out an early meeting.\n\n\
Advertisement\n\n\
Advertisement\n";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&p, text).unwrap();
    p
}

#[test]
fn scraped_story_is_cleaned_and_attributed() {
    let d = tempfile::tempdir().unwrap();
    let story = write(d.path(), "story.txt", SCRAPED_STORY);
    let out = d.path().join("out");
    stance()
        .args(["score", "--sentences", "--date", "2021-01-09", "-o"])
        .arg(&out)
        .arg(&story)
        .assert()
        .success()
        .stdout(predicate::str::contains("Scored 1 documents"));
    let (h, rows) = table(&out.join("sentences.csv"));
    let text = col(&h, "text");
    let texts: Vec<&str> = rows.iter().map(|r| r[text].as_str()).collect();
    assert!(
        !texts
            .iter()
            .any(|t| t.contains("Advertisement") || t.contains("info_icon")),
        "{texts:?}"
    );
    let headline = "North Korea Offers To Mend Ties With Seoul After Party Meeting";
    assert_eq!(
        texts.iter().filter(|t| **t == headline).count(),
        1,
        "{texts:?}"
    );
    let find = |needle: &str| {
        rows.iter()
            .find(|r| r[text].contains(needle))
            .unwrap_or_else(|| panic!("no sentence with {needle}: {texts:?}"))
    };
    let (label, source, targets) = (col(&h, "label"), col(&h, "source"), col(&h, "targets"));
    let r = find("pledged to sharply improve");
    assert_eq!(
        (r[label].as_str(), r[source].as_str(), r[targets].as_str()),
        ("conciliatory", "PRK", "KOR")
    );
    let r = find("“tyrant”");
    assert_eq!((r[label].as_str(), r[source].as_str()), ("hostile", "USA"));
    assert!(r[targets].contains("PRK"), "{r:?}");
    assert!(r[col(&h, "evidence")].contains("quoted"), "{r:?}");
    let r = find(headline);
    assert_eq!(
        (r[label].as_str(), r[source].as_str()),
        ("conciliatory", "PRK")
    );
    let (_, a) = table(&out.join("actors.csv"));
    assert!(a.iter().all(|r| r[0] == "2021-01"), "{a:?}");
}

#[test]
fn output_columns_are_exact() {
    let d = tempfile::tempdir().unwrap();
    let story = write(
        d.path(),
        "2024-02-03-a.txt",
        "Japan praised South Korea. China condemned Japan.\n",
    );
    let out = d.path().join("o");
    stance()
        .args(["score", "--sentences", "-q", "-o"])
        .arg(&out)
        .arg(&story)
        .assert()
        .success()
        .stdout("");
    let first = |f: &str| read(&out.join(f)).lines().next().unwrap().to_string();
    assert_eq!(
        first("actors.csv"),
        "period,actor,actor_name,role,sentences,conciliatory,neutral,hostile,mean_tone,net_stance"
    );
    assert_eq!(
        first("dyads.csv"),
        "period,source,target,sentences,conciliatory,neutral,hostile,mean_tone,net_stance"
    );
    assert_eq!(
        first("sentences.csv"),
        "doc_id,date,sentence_no,text,tone,label,source,targets,actors,evidence"
    );
    assert_eq!(first("rejects.csv"), "input,location,reason");
    let dyads = read(&out.join("dyads.csv"));
    assert!(dyads.contains("2024-02,CHN,JPN,1,0,0,1,"), "{dyads}");
    assert!(dyads.contains("2024-02,JPN,KOR,1,1,0,0,"), "{dyads}");
    let run: serde_json::Value = serde_json::from_str(&read(&out.join("run.json"))).unwrap();
    assert_eq!(run["documents"], 1);
    assert_eq!(run["sentences"], 2);
    assert_eq!(run["lexicons"].as_array().unwrap().len(), 4);
    assert_eq!(run["lexicons"][0]["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn refuses_to_overwrite_without_force() {
    let d = tempfile::tempdir().unwrap();
    let story = write(d.path(), "a.txt", "Russia threatened Ukraine.\n");
    let out = d.path().join("o");
    stance()
        .args(["score", "-q", "-o"])
        .arg(&out)
        .arg(&story)
        .assert()
        .success();
    let before = read(&out.join("actors.csv"));
    stance()
        .args(["score", "-q", "-o"])
        .arg(&out)
        .arg(&story)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already holds").and(predicate::str::contains("--force")));
    assert_eq!(read(&out.join("actors.csv")), before);
    stance()
        .args(["score", "-q", "--force", "-o"])
        .arg(&out)
        .arg(&story)
        .assert()
        .success();
}

/// A corpus spread over many files of every format, and the same documents
/// in one JSONL file.
fn mixed_corpus(dir: &Path) -> (PathBuf, PathBuf) {
    let texts = [
        "Pyongyang condemned Seoul's drills with Washington.",
        "South Korea offered talks to North Korea, the Unification Ministry said.",
        "China and Japan agreed to improve ties.",
        "The Kremlin warned NATO against sending troops to Ukraine.",
        "The European Union imposed new sanctions on Russia.",
        "Iran's foreign minister accused Israel of sabotage.",
        "The United Nations welcomed the prisoner exchange between Russia and Ukraine.",
        "Washington was criticised by Beijing for its export controls.",
    ];
    let split = dir.join("split");
    let mut one = String::new();
    for i in 0..64 {
        let text = texts[i % texts.len()];
        let date = format!("2024-{:02}-{:02}", i % 12 + 1, i % 27 + 1);
        let id = format!("doc{i:03}");
        one.push_str(&serde_json::json!({"id": id, "date": date, "text": text}).to_string());
        one.push('\n');
        match i % 3 {
            0 => {
                write(&split, &format!("txt/{date}/{id}.txt"), text);
            }
            1 => {
                let f = fs::File::create(split.join(format!("{id}.jsonl.gz"))).unwrap();
                let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
                writeln!(
                    gz,
                    "{}",
                    serde_json::json!({"id": id, "date": date, "text": text})
                )
                .unwrap();
                gz.finish().unwrap();
            }
            _ => {
                let mut w = csv::Writer::from_path(split.join(format!("{id}.csv"))).unwrap();
                w.write_record(["id", "date", "text"]).unwrap();
                w.write_record([id.as_str(), date.as_str(), text]).unwrap();
                w.flush().unwrap();
            }
        }
    }
    let one_path = write(dir, "one.jsonl", &one);
    (split, one_path)
}

#[test]
fn tables_are_byte_identical_across_threads_and_splits() {
    let d = tempfile::tempdir().unwrap();
    let (split, one) = mixed_corpus(d.path());
    let run = |input: &Path, threads: &str, out: &str| -> PathBuf {
        let o = d.path().join(out);
        stance()
            .args([
                "score",
                "-q",
                "--sentences",
                "--xlsx",
                "--threads",
                threads,
                "-o",
            ])
            .arg(&o)
            .arg(input)
            .assert()
            .success();
        o
    };
    let a = run(&one, "1", "a");
    let b = run(&one, "2", "b");
    let c = run(&split, "3", "c");
    for f in [
        "actors.csv",
        "dyads.csv",
        "sentences.csv",
        "stance_wide.csv",
        "dyads_wide.csv",
    ] {
        assert_eq!(
            read(&a.join(f)),
            read(&b.join(f)),
            "{f} differs between 1 and 2 threads"
        );
    }
    let bytes = |d: &Path| std::fs::read(d.join("stance.xlsx")).unwrap();
    assert!(
        bytes(&a) == bytes(&b),
        "stance.xlsx differs between 1 and 2 threads"
    );
    for f in ["actors.csv", "dyads.csv"] {
        assert_eq!(
            read(&a.join(f)),
            read(&c.join(f)),
            "{f} differs between one file and many"
        );
    }
    let (_, rows) = table(&a.join("dyads.csv"));
    assert!(
        rows.iter()
            .any(|r| r[1] == "EU" && r[2] == "RUS" && r[6] != "0"),
        "{rows:?}"
    );
    assert!(
        rows.iter().any(|r| r[1] == "CHN" && r[2] == "USA"),
        "passive 'by Beijing': {rows:?}"
    );
}

#[test]
fn bad_records_are_reported_not_lost_and_strict_stops() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "feed.jsonl",
        "{\"id\":\"a\",\"date\":\"2024-03-01\",\"text\":\"Seoul praised Tokyo.\"}\n\
         {not json\n\
         {\"id\":\"c\",\"date\":\"31/31/2024\",\"text\":\"Tokyo thanked Seoul.\"}\n\
         {\"id\":\"d\",\"date\":\"2024-03-04\",\"body\":\"no text field\"}\n\
         {\"id\":\"e\",\"date\":\"March 5, 2024\",\"text\":\"Beijing accused Tokyo of provocations.\"}\n",
    );
    let out = d.path().join("o");
    stance()
        .args(["score", "-o"])
        .arg(&out)
        .arg(&f)
        .assert()
        .success()
        .stderr(predicate::str::contains("3 record(s) skipped"))
        // The first, in full: a reason class alone may not say what to do.
        .stderr(predicate::str::contains(
            "\n  first: ".to_string() + &f.display().to_string() + ": line 2: not valid JSON",
        ));
    let (_, rejects) = table(&out.join("rejects.csv"));
    let locs: Vec<&str> = rejects.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(locs, ["line 2", "line 3", "line 4"]);
    assert!(rejects[1][2].contains("31/31/2024"), "{rejects:?}");
    let run: serde_json::Value = serde_json::from_str(&read(&out.join("run.json"))).unwrap();
    assert_eq!(run["documents"], 2);
    assert_eq!(run["documents_rejected"], 3);
    stance()
        .args(["score", "--strict", "-q", "-o"])
        .arg(d.path().join("strict"))
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("line 2").and(predicate::str::contains("--strict")));
    assert!(!d.path().join("strict/actors.csv").exists());
}

#[test]
fn stdin_needs_format_and_then_reads() {
    let d = tempfile::tempdir().unwrap();
    stance()
        .args(["score", "-", "-o"])
        .arg(d.path().join("x"))
        .write_stdin("id,date,text\n1,2024-01-01,Seoul praised Tokyo.\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--format"));
    stance()
        .args(["score", "-", "--format", "csv", "-q", "-o"])
        .arg(d.path().join("y"))
        .write_stdin("id,date,text\n1,2024-01-01,Seoul praised Tokyo.\n")
        .assert()
        .success();
    assert!(read(&d.path().join("y/dyads.csv")).contains("2024-01,KOR,JPN,1,1,0,0"));
}

/// Runs `stance score - --format FORMAT -q` with `args`, `bytes` on its
/// standard input, into `out`; it must succeed and reject nothing.
fn score_stdin(out: &Path, format: &str, args: &[&str], bytes: Vec<u8>) {
    stance()
        .args(["score", "-", "--format", format, "-q"])
        .args(args)
        .arg("-o")
        .arg(out)
        .write_stdin(bytes)
        .assert()
        .success();
    assert_eq!(
        read(&out.join("rejects.csv")),
        "input,location,reason\n",
        "{}",
        out.display()
    );
}

#[test]
fn a_tarball_on_stdin_is_read_as_the_files_inside() {
    let d = tempfile::tempdir().unwrap();
    let mut t = tar::Builder::new(Vec::new());
    for (name, text) in [
        ("./news/2024-01-02-a.txt", "Seoul praised Tokyo."),
        ("./news/2024-01-03-b.txt", "Tokyo welcomed Seoul's offer."),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(text.len() as u64);
        h.set_mode(0o644);
        t.append_data(&mut h, name, text.as_bytes()).unwrap();
    }
    let tar = t.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    let gz = gz.finish().unwrap();
    for (name, bytes) in [("tar", tar), ("tar.gz", gz)] {
        let out = d.path().join(name);
        score_stdin(&out, "txt", &["--sentences"], bytes);
        let sentences = read(&out.join("sentences.csv"));
        assert!(sentences.contains("-/news/2024-01-02-a.txt"), "{sentences}");
        assert!(sentences.contains("-/news/2024-01-03-b.txt"), "{sentences}");
        let dyads = read(&out.join("dyads.csv"));
        assert!(dyads.contains("2024-01,KOR,JPN,1,1,0,0"), "{name}: {dyads}");
        assert!(dyads.contains("2024-01,JPN,KOR,1,1,0,0"), "{name}: {dyads}");
    }
}

#[test]
fn compressed_stdin_is_told_by_its_magic_number() {
    let d = tempfile::tempdir().unwrap();
    let csv = "id,date,text\n1,2024-01-01,Seoul praised Tokyo.\n";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(csv.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let zst = zstd::stream::encode_all(csv.as_bytes(), 3).unwrap();
    for (name, bytes) in [("plain", csv.as_bytes().to_vec()), ("gz", gz), ("zst", zst)] {
        let out = d.path().join(name);
        score_stdin(&out, "csv", &[], bytes);
        assert!(
            read(&out.join("dyads.csv")).contains("2024-01,KOR,JPN,1,1,0,0"),
            "{name}"
        );
    }
}

#[test]
fn a_zip_or_a_tarball_of_the_sample_corpus_gives_the_tables_of_the_corpus() {
    use zip::write::SimpleFileOptions;
    let d = tempfile::tempdir().unwrap();
    // examples/news, every file deflated into one archive under a folder.
    let news = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/news");
    let mut names: Vec<PathBuf> = fs::read_dir(&news)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let archive = d.path().join("news.zip");
    let mut w = zip::ZipWriter::new(fs::File::create(&archive).unwrap());
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for p in &names {
        let name = format!("news/{}", p.file_name().unwrap().to_string_lossy());
        w.start_file(name, options).unwrap();
        w.write_all(&fs::read(p).unwrap()).unwrap();
    }
    w.finish().unwrap();
    // The same files in a gzipped tarball, in reverse order.
    let tarball = d.path().join("news.tar.gz");
    let gz = flate2::write::GzEncoder::new(
        fs::File::create(&tarball).unwrap(),
        flate2::Compression::default(),
    );
    let mut t = tar::Builder::new(gz);
    for p in names.iter().rev() {
        let name = format!("./news/{}", p.file_name().unwrap().to_string_lossy());
        t.append_path_with_name(p, name).unwrap();
    }
    t.into_inner().unwrap().finish().unwrap();
    for (input, out) in [
        (news.as_path(), "plain"),
        (archive.as_path(), "zipped"),
        (tarball.as_path(), "tarred"),
    ] {
        stance()
            .args(["score", "-q", "-o"])
            .arg(d.path().join(out))
            .arg(input)
            .assert()
            .success();
    }
    for table in [
        "actors.csv",
        "dyads.csv",
        "stance_wide.csv",
        "dyads_wide.csv",
        "rejects.csv",
    ] {
        let plain = read(&d.path().join("plain").join(table));
        assert_eq!(plain, read(&d.path().join("zipped").join(table)), "{table}");
        assert_eq!(plain, read(&d.path().join("tarred").join(table)), "{table}");
    }
    // The README inside is listed as skipped, under the tarball's name.
    let run = read(&d.path().join("tarred").join("run.json"));
    assert!(run.contains("news.tar.gz/news/README.md"), "{run}");
}

#[test]
fn field_options_rename_columns() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "x.tsv",
        "uid\tpublished\tbody\nk1\t8 Jan 2021\tMoscow condemned Kyiv.\n",
    );
    let out = d.path().join("o");
    stance()
        .args([
            "score",
            "-q",
            "--sentences",
            "--id-field",
            "uid",
            "--date-field",
            "published",
            "--text-field",
            "body",
            "--period",
            "quarter",
            "-o",
        ])
        .arg(&out)
        .arg(&f)
        .assert()
        .success();
    let s = read(&out.join("sentences.csv"));
    assert!(s.contains("k1,2021-01-08,1,Moscow condemned Kyiv.,"), "{s}");
    assert!(read(&out.join("dyads.csv")).contains("2021-Q1,RUS,UKR,1,0,0,1"));

    // Nested fields, as an API gives them, named by dotted paths: the text
    // (a list of paragraphs in one record), the date and the speaker.
    let f = write(
        d.path(),
        "api.jsonl",
        "{\"id\":\"g1\",\"meta\":{\"date\":\"2021-01-08T10:00:00Z\",\"iso\":\"jpn\"},\"fields\":{\"body\":\"We condemn the drills of Pyongyang.\"}}\n\
         {\"id\":\"g2\",\"meta\":{\"date\":\"2021-01-09\",\"iso\":\"JPN\"},\"fields\":{\"body\":[\"Seoul met Tokyo.\",\"Beijing praised the deal.\"]}}\n",
    );
    let out = d.path().join("api");
    stance()
        .args([
            "score",
            "-q",
            "--sentences",
            "--text-field",
            "fields.body",
            "--date-field",
            "meta.date",
            "--speaker-field",
            "meta.iso",
            "-o",
        ])
        .arg(&out)
        .arg(&f)
        .assert()
        .success()
        .stderr("");
    let s = read(&out.join("sentences.csv"));
    assert!(
        s.contains("g2,2021-01-09,1,Seoul met Tokyo.,")
            && s.contains("g2,2021-01-09,2,Beijing praised the deal.,"),
        "{s}"
    );
    // "We" is the speaker the nested field names.
    assert!(read(&out.join("dyads.csv")).contains("2021-01,JPN,PRK,1,0,0,1"));
}

#[test]
fn period_option_buckets_and_undated_documents() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "x.jsonl",
        "{\"id\":\"1\",\"date\":\"2021-01-08\",\"text\":\"Seoul praised Tokyo.\"}\n\
         {\"id\":\"2\",\"date\":\"2017\",\"text\":\"Seoul praised Tokyo.\"}\n\
         {\"id\":\"3\",\"text\":\"Seoul praised Tokyo.\"}\n",
    );
    for (period, want) in [
        ("week", vec!["2017", "2021-W01", "undated"]),
        ("day", vec!["2017", "2021-01-08", "undated"]),
        ("all", vec!["all"]),
    ] {
        let out = d.path().join(period);
        stance()
            .args(["score", "-q", "--period", period, "-o"])
            .arg(&out)
            .arg(&f)
            .assert()
            .success();
        let (_, rows) = table(&out.join("dyads.csv"));
        let periods: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(periods, want, "{period}");
        let run: serde_json::Value = serde_json::from_str(&read(&out.join("run.json"))).unwrap();
        assert_eq!(run["undated_documents"], 1);
    }
    stance()
        .args(["score", "--period", "fortnight", "-o"])
        .arg(d.path().join("z"))
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "use day, week, month, quarter, year or all",
        ));
}

/// A spreadsheet export dated day first: without --date-order its records
/// are rejected as ambiguous, with a hint on the terminal; with it they are
/// read in that order. RSS and GDELT dates need no option.
#[test]
fn date_order_reads_day_first_exports_and_is_asked_for() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "export.csv",
        "id,date,text
         1,03/02/2021,Seoul praised Tokyo.
         2,25/02/2021 14:05,Seoul praised Tokyo.
         3,\"Wed, 03 Mar 2021 09:00:00 +0900\",Seoul praised Tokyo.
         4,20210304120000,Seoul praised Tokyo.
",
    );
    let run = |order: Option<&str>, out: &str| {
        let out = d.path().join(out);
        let mut cmd = stance();
        cmd.args(["score", "--period", "day", "-o"])
            .arg(&out)
            .arg(&f);
        if let Some(o) = order {
            cmd.args(["--date-order", o]);
        }
        (cmd.assert().success(), out)
    };
    let periods = |out: &Path| -> Vec<String> {
        let (_, rows) = table(&out.join("dyads.csv"));
        rows.iter().map(|r| r[0].clone()).collect()
    };

    let (assert, out) = run(None, "none");
    assert.stderr(
        predicate::str::contains("2 record(s) skipped (2 ambiguous date)")
            .and(predicate::str::contains("--date-order dmy (8 January)")),
    );
    assert_eq!(periods(&out), ["2021-03-03", "2021-03-04"]);
    let rejects = read(&out.join("rejects.csv"));
    assert!(
        rejects.contains("record 2 (line 3),ambiguous date '25/02/2021 14:05' (day or month first? give --date-order dmy or mdy)"),
        "{rejects}"
    );

    let (assert, out) = run(Some("dmy"), "dmy");
    assert.stderr(predicate::str::contains("skipped").not());
    assert_eq!(
        periods(&out),
        ["2021-02-03", "2021-02-25", "2021-03-03", "2021-03-04"]
    );

    let (assert, out) = run(Some("mdy"), "mdy");
    assert.stderr(
        predicate::str::contains("1 record(s) skipped (1 unreadable date)")
            .and(predicate::str::contains("--date-order dmy (8 January)").not()),
    );
    assert_eq!(periods(&out), ["2021-03-02", "2021-03-03", "2021-03-04"]);

    stance()
        .args(["score", "--date-order", "ymd", "-o"])
        .arg(d.path().join("bad"))
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("give dmy"));
    stance()
        .args(["score", "--date", "03/02/2021", "-o"])
        .arg(d.path().join("bad"))
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("write it as YYYY-MM-DD"));
}

/// The same stories as JSON Lines, as a Scrapy-style JSON array and as
/// pretty-printed records give the same tables.
#[test]
fn json_arrays_and_pretty_records_score_like_json_lines() {
    let d = tempfile::tempdir().unwrap();
    let records = [
        r#"{"id": "k1", "date": "2021-03-02", "text": "Seoul praised Tokyo for the \"frank\" talks."}"#,
        r#"{"id": "k2", "date": "2021-03-09", "text": "Pyongyang condemned the drills of Washington [KCNA]."}"#,
        r#"{"id": "k3", "date": "2021-04-01", "text": "China welcomed the ceasefire."}"#,
    ];
    let lines = write(d.path(), "lines.jsonl", &(records.join("\n") + "\n"));
    let array = write(
        d.path(),
        "array.json",
        &format!("[\n{}\n]\n", records.join(",\n")),
    );
    let pretty_text: String = records
        .iter()
        .map(|r| {
            let v: serde_json::Value = serde_json::from_str(r).unwrap();
            serde_json::to_string_pretty(&v).unwrap() + "\n"
        })
        .collect();
    let pretty = write(d.path(), "pretty.json", &pretty_text);
    let mut tables = Vec::new();
    for input in [&lines, &array, &pretty] {
        let out = d
            .path()
            .join(input.file_name().unwrap())
            .with_extension("out");
        stance()
            .args(["score", "-q", "-o"])
            .arg(&out)
            .arg(input)
            .assert()
            .success()
            .stderr("");
        let (_, rows) = table(&out.join("dyads.csv"));
        assert_eq!(rows.len(), 2, "{rows:?}");
        tables.push((read(&out.join("actors.csv")), read(&out.join("dyads.csv"))));
    }
    assert_eq!(tables[0], tables[1]);
    assert_eq!(tables[0], tables[2]);
}

/// A story whose text is still HTML (a feed's content field): its tags
/// and character references are gone from the sentences, the boilerplate
/// inside a tag is dropped as a line of its own, the quoted insult is
/// seen, and run.json counts the document.
#[test]
fn html_left_in_scraped_text_is_stripped() {
    let d = tempfile::tempdir().unwrap();
    let story = "<p>Tokyo welcomed the talks with Seoul.</p><div class=\\\"ad\\\">Advertisement</div>\
                 <p>Biden called Kim a &quot;thug&quot; and said Pyongyang&#8217;s tests were a threat.</p>\
                 <script>var x = \\\"<p>Seoul praised Pyongyang.</p>\\\";</script>";
    let f = write(
        d.path(),
        "feed.jsonl",
        &format!("{{\"id\":\"h1\",\"date\":\"2021-06-01\",\"text\":\"{story}\"}}\n"),
    );
    let out = d.path().join("out");
    stance()
        .args(["score", "-q", "--sentences", "-o"])
        .arg(&out)
        .arg(&f)
        .assert()
        .success();
    let (h, rows) = table(&out.join("sentences.csv"));
    let text: Vec<&str> = rows.iter().map(|r| r[col(&h, "text")].as_str()).collect();
    assert_eq!(
        text,
        [
            "Tokyo welcomed the talks with Seoul.",
            "Biden called Kim a \"thug\" and said Pyongyang’s tests were a threat.",
        ]
    );
    let evidence = &rows[1][col(&h, "evidence")];
    assert!(evidence.contains("quoted ×1.5"), "{evidence}");
    assert_eq!(rows[1][col(&h, "source")], "USA");
    let run: serde_json::Value = serde_json::from_str(&read(&out.join("run.json"))).unwrap();
    assert_eq!(run["documents_with_markup_removed"], 1);
    assert_eq!(run["boilerplate_lines_dropped"], 1);
}

/// Records whose fields have other names than the defaults: the rejects
/// list the string fields there are, and when no document gets a date, a
/// note names the field that holds dates.
#[test]
fn other_field_names_are_pointed_out() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "export.jsonl",
        "{\"id\":\"1\",\"body\":\"Seoul condemned Pyongyang.\",\"views\":1610064000,\"publishedAt\":\"2021-01-08T10:00:00Z\"}\n\
         {\"id\":\"2\",\"body\":\"Tokyo praised Beijing.\",\"views\":1610064001,\"publishedAt\":\"2021-01-09T10:00:00Z\"}\n",
    );
    let out = d.path().join("out");
    stance()
        .args(["score", "-q", "-o"])
        .arg(&out)
        .arg(&f)
        .assert()
        .success();
    assert!(
        read(&out.join("rejects.csv"))
            .contains("no text field 'text' (use --text-field to name it; its string fields: body, publishedAt)"),
        "{}",
        read(&out.join("rejects.csv"))
    );
    stance()
        .args(["score", "-q", "--force", "--text-field", "body", "-o"])
        .arg(&out)
        .arg(&f)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "no document has a date in field 'date', but field 'publishedAt' holds dates such as \
             '2021-01-08T10:00:00Z': give --date-field publishedAt",
        ));
    stance()
        .args([
            "score",
            "-q",
            "--force",
            "--text-field",
            "body",
            "--date-field",
            "publishedAt",
            "-o",
        ])
        .arg(&out)
        .arg(&f)
        .assert()
        .success()
        .stderr("");
}

#[test]
fn no_rollup_keeps_people_and_media_apart() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "2024-05-01.txt",
        "KCNA denounced Yoon Suk Yeol.\n",
    );
    let out = d.path().join("o");
    stance()
        .args(["score", "-q", "--no-rollup", "-o"])
        .arg(&out)
        .arg(&f)
        .assert()
        .success();
    let dy = read(&out.join("dyads.csv"));
    assert!(
        dy.contains("2024-05,PRK_KCNA,KOR_YOON_SUK_YEOL,1,0,0,1"),
        "{dy}"
    );
    let out = d.path().join("r");
    stance()
        .args(["score", "-q", "-o"])
        .arg(&out)
        .arg(&f)
        .assert()
        .success();
    assert!(read(&out.join("dyads.csv")).contains("2024-05,PRK,KOR,1,0,0,1"));
}

#[test]
fn missing_input_and_unknown_extension_are_usage_errors() {
    let d = tempfile::tempdir().unwrap();
    stance()
        .args(["score", "no/such/dir", "-o"])
        .arg(d.path().join("o"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/dir"));
    let f = write(d.path(), "notes.docx", "x");
    stance()
        .args(["score", "-o"])
        .arg(d.path().join("o"))
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("notes.docx").and(predicate::str::contains("--format")));
}

#[test]
fn skipped_files_and_an_empty_corpus_are_warned_about() {
    let d = tempfile::tempdir().unwrap();
    // A corpus folder with the stories saved as web pages and a note: no
    // file stance reads, so the tables would be empty without a word.
    let corpus = d.path().join("corpus");
    write(
        &corpus,
        "2021/story-1.html",
        "<p>Seoul condemned the launch.</p>",
    );
    write(
        &corpus,
        "2021/story-2.html",
        "<p>Tokyo welcomed the talks.</p>",
    );
    write(&corpus, "notes.docx", "x");
    let out = d.path().join("o");
    stance()
        .args(["score", "-o"])
        .arg(&out)
        .arg(&corpus)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("no documents in")
                .and(predicate::str::contains("3 file(s) skipped"))
                .and(predicate::str::contains("story-1.html"))
                .and(predicate::str::contains("--format")),
        )
        .stdout(predicate::str::contains(
            "Skipped 3 file(s) in formats stance does not read (first",
        ));
    let run = read(&out.join("run.json"));
    assert!(run.contains("story-2.html"), "{run}");
    // With one story stance reads beside them, the summary counts the
    // skipped files and there is no warning.
    write(
        &corpus,
        "2021/story-3.txt",
        "Seoul condemned the launch by Pyongyang.",
    );
    stance()
        .args(["score", "--force", "--date", "2021-03-01", "-o"])
        .arg(&out)
        .arg(&corpus)
        .assert()
        .success()
        .stderr(predicate::str::is_empty())
        .stdout(
            predicate::str::contains("Scored 1 documents")
                .and(predicate::str::contains("Skipped 3 file(s)"))
                // A run this small takes milliseconds, not "0.00 s".
                .and(predicate::str::is_match(r"naming an actor\) in \d+ ms \(").unwrap()),
        );
    // Read as text, every file is a document: nothing is skipped.
    stance()
        .args([
            "score",
            "--force",
            "--format",
            "txt",
            "--date",
            "2021-03-01",
            "-o",
        ])
        .arg(&out)
        .arg(&corpus)
        .assert()
        .success()
        .stderr(predicate::str::is_empty())
        .stdout(
            predicate::str::contains("Scored 4 documents")
                .and(predicate::str::contains("Skipped").not()),
        );
    // An empty standard input.
    stance()
        .args(["score", "-", "--format", "jsonl", "--force", "-q", "-o"])
        .arg(&out)
        .write_stdin("")
        .assert()
        .success()
        .stderr(predicate::str::contains("no documents in standard input"));
    // A corpus that is all rejects says so through the rejects, not twice.
    let bad = write(d.path(), "bad.jsonl", "{not json\n");
    stance()
        .args(["score", "--force", "-q", "-o"])
        .arg(&out)
        .arg(&bad)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("1 record(s) skipped")
                .and(predicate::str::contains("no documents").not()),
        );
}

#[test]
fn explain_shows_terms_rules_and_roles() {
    // Leaders' names resolve by date: without one, Biden is no actor.
    stance()
        .args(["explain", "Biden has called Kim a “thug”."])
        .assert()
        .success()
        .stdout(predicate::str::contains("targets:  (none)"));
    stance()
        .args([
            "explain",
            "--date",
            "2021-01-08",
            "Biden has called Kim a “thug”.",
        ])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("source:   USA")
                .and(predicate::str::contains("targets:  PRK"))
                .and(predicate::str::contains("quoted"))
                .and(predicate::str::contains("hostile")),
        );
    stance()
        .args(["explain", "-"])
        .write_stdin("Seoul did not condemn Tokyo. Tokyo welcomed the move but warned Seoul.")
        .assert()
        .success()
        .stdout(
            predicate::str::contains("negated by").and(predicate::str::contains("after 'but'")),
        );
    // Co-sources, and whether they act on each other.
    stance()
        .args(["explain", "Washington and Seoul staged joint drills."])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("targets:  (none)").and(predicate::str::contains(
                "co-sources: KOR   [acting with the source]",
            )),
        );
    stance()
        .args([
            "explain",
            "India and Pakistan exchanged fire on the border.",
        ])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("targets:  PAK").and(predicate::str::contains(
                "co-sources: PAK   [mutual: each acts toward the others]",
            )),
        );
    // Sentences are explained in turn, as a document: "the North" is North
    // Korea after a sentence naming Seoul, and no one on its own.
    stance()
        .args([
            "explain",
            "Seoul put its troops on alert. The North denounced the drills.",
        ])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("source:   PRK")
                .and(predicate::str::contains(
                    "\"The North\" → PRK (North Korea, state)   [actors.csv line",
                ))
                .and(predicate::str::contains(
                    "as one of PRK, KOR is named nearby]",
                )),
        );
    stance()
        .args(["explain", "The North denounced the drills."])
        .assert()
        .success()
        .stdout(predicate::str::contains("actors:   (none)"));
    // A word of a name is listed, with its lexicon line, as not scored.
    stance()
        .args(["explain", "Kenya defied the International Criminal Court."])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("in names: \"Criminal\" = 'criminal' insult -1.5, in a name: not scored   [tone.csv line")
                .and(predicate::str::contains("terms:    \"defied\"")),
        );
}

#[test]
fn lexicon_check_export_and_bad_rows() {
    stance()
        .args(["lexicon", "check"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("actors: state")
                .and(predicate::str::contains("tone terms: hostile")),
        );
    let d = tempfile::tempdir().unwrap();
    let lex = d.path().join("lex");
    stance()
        .args(["lexicon", "export"])
        .arg(&lex)
        .assert()
        .success();
    for f in ["actors.csv", "tone.csv", "modifiers.csv", "boilerplate.txt"] {
        assert!(lex.join(f).exists(), "{f}");
    }
    stance()
        .args(["lexicon", "check"])
        .arg(&lex)
        .assert()
        .success();
    // Break one row: a weight out of range on line 3.
    let tone = read(&lex.join("tone.csv"));
    let mut lines: Vec<String> = tone.lines().map(String::from).collect();
    let fields: Vec<&str> = lines[2].rsplitn(3, ',').collect();
    lines[2] = format!("{},9,{}", fields[2], fields[0]);
    fs::write(lex.join("tone.csv"), lines.join("\n")).unwrap();
    stance()
        .args(["lexicon", "check"])
        .arg(&lex)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "tone.csv:3: weight 9 must be between -4 and 4",
        ));
    // Break a row of two more files, as a spreadsheet edit might: every
    // problem is told at once, and a run refuses the lexicons the same way.
    let actors = read(&lex.join("actors.csv"));
    fs::write(
        lex.join("actors.csv"),
        actors.replacen(",state,", ",country,", 1),
    )
    .unwrap();
    let mods = read(&lex.join("modifiers.csv"));
    fs::write(
        lex.join("modifiers.csv"),
        format!("{mods}\nbarely,dampen,0.5\n"),
    )
    .unwrap();
    let listed = |a: assert_cmd::assert::Assert| {
        let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
        assert!(
            err.starts_with("stance: error: 3 problems in the lexicons; fix them all"),
            "{err}"
        );
        let lines: Vec<&str> = err.lines().skip(1).collect();
        assert_eq!(lines.len(), 3, "{err}");
        assert!(lines[0].contains("actors.csv:2: kind 'country'"), "{err}");
        assert!(lines[1].contains("tone.csv:3: weight 9"), "{err}");
        assert!(
            lines[2].contains("modifiers.csv:") && lines[2].contains("kind 'dampen'"),
            "{err}"
        );
    };
    listed(
        stance()
            .args(["lexicon", "check"])
            .arg(&lex)
            .assert()
            .code(1),
    );
    listed(
        stance()
            .args(["score", "--lexicons"])
            .arg(&lex)
            .arg("-o")
            .arg(d.path().join("o"))
            .arg(write(d.path(), "one.txt", "Seoul praised Tokyo."))
            .assert()
            .code(1),
    );
    stance()
        .args(["lexicon", "export", "--force"])
        .arg(&lex)
        .assert()
        .success();
    // A lexicon file given where its directory is meant.
    stance()
        .args(["lexicon", "check"])
        .arg(lex.join("tone.csv"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "tone.csv' is a file, not a lexicon directory: give its directory, '{}'",
            lex.display()
        )));
    // A user tone file with one entry replaces the default tone lexicon only.
    let mine = d.path().join("mine");
    write(
        &mine,
        "tone.csv",
        "term,weight,category\nfrobnicat*,-3,threaten\n",
    );
    let f = write(
        d.path(),
        "2024-01-01.txt",
        "Seoul frobnicated Tokyo. Seoul condemned Tokyo.",
    );
    let out = d.path().join("o");
    stance()
        .args(["score", "-q", "--sentences", "--lexicons"])
        .arg(&mine)
        .arg("-o")
        .arg(&out)
        .arg(&f)
        .assert()
        .success();
    let s = read(&out.join("sentences.csv"));
    assert!(s.contains("frobnicated[threaten -3.0]"), "{s}");
    assert!(s.contains("Seoul condemned Tokyo.,0.0000,neutral"), "{s}");
}

#[test]
fn formula_like_cells_are_neutralised_unless_raw() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "x.jsonl",
        "{\"id\":\"=cmd()\",\"date\":\"2024-01-01\",\"text\":\"-Seoul praised Tokyo.\"}\n",
    );
    let out = d.path().join("o");
    stance()
        .args(["score", "-q", "--sentences", "-o"])
        .arg(&out)
        .arg(&f)
        .assert()
        .success();
    let s = read(&out.join("sentences.csv"));
    assert!(
        s.contains("'=cmd(),2024-01-01,1,'-Seoul praised Tokyo."),
        "{s}"
    );
    let out = d.path().join("raw");
    stance()
        .args(["score", "-q", "--sentences", "--raw-cells", "-o"])
        .arg(&out)
        .arg(&f)
        .assert()
        .success();
    assert!(read(&out.join("sentences.csv")).contains("=cmd(),2024-01-01,1,-Seoul praised Tokyo."));
}

#[test]
fn sample_corpus_tells_the_story() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/news");
    stance()
        .args(["score", "-q", "-o"])
        .arg(&out)
        .arg(&sample)
        .assert()
        .success();
    let run: serde_json::Value = serde_json::from_str(&read(&out.join("run.json"))).unwrap();
    assert!(run["documents"].as_u64().unwrap() >= 40);
    assert_eq!(run["documents_rejected"], 0);
    assert_eq!(run["undated_documents"], 0);
    let (h, rows) = table(&out.join("dyads.csv"));
    let (p, s, t, net) = (
        col(&h, "period"),
        col(&h, "source"),
        col(&h, "target"),
        col(&h, "net_stance"),
    );
    let net_of = |src: &str, tgt: &str, months: &[&str]| -> f64 {
        let mut c = 0.0;
        let mut n = 0.0;
        for r in rows
            .iter()
            .filter(|r| r[s] == src && r[t] == tgt && months.contains(&r[p].as_str()))
        {
            let sent: f64 = r[col(&h, "sentences")].parse().unwrap();
            c += r[net].parse::<f64>().unwrap() * sent;
            n += sent;
        }
        assert!(n > 0.0, "no {src}→{tgt} rows in {months:?}");
        c / n
    };
    // North Korea toward South Korea: hostile before the June plenum, warmer after.
    let before = net_of(
        "PRK",
        "KOR",
        &["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"],
    );
    let after = net_of("PRK", "KOR", &["2024-06", "2024-07", "2024-08", "2024-09"]);
    assert!(before < 0.0, "PRK→KOR Jan–May {before}");
    assert!(after > 0.0, "PRK→KOR Jun–Sep {after}");
    // Russia toward Ukraine stays hostile.
    let all: Vec<&str> = rows.iter().map(|r| r[p].as_str()).collect();
    assert!(net_of("RUS", "UKR", &all) < 0.0);
}

/// The real scraped seed story, when ../shared is present.
#[test]
fn seed_story_when_shared_corpus_present() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/seed/000_9984ae1b6277484c.txt");
    if !seed.exists() {
        eprintln!("skipped: {} is absent", seed.display());
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o");
    stance()
        .args(["score", "--sentences", "--date", "2021-01-08", "-q", "-o"])
        .arg(&out)
        .arg(&seed)
        .assert()
        .success();
    let (h, rows) = table(&out.join("sentences.csv"));
    let (text, label, source, targets, actors) = (
        col(&h, "text"),
        col(&h, "label"),
        col(&h, "source"),
        col(&h, "targets"),
        col(&h, "actors"),
    );
    assert!(!rows.iter().any(|r| r[text].contains("Advertisement")));
    let mut all_actors: Vec<&str> = rows
        .iter()
        .flat_map(|r| r[actors].split(';'))
        .filter(|a| !a.is_empty())
        .collect();
    all_actors.sort();
    all_actors.dedup();
    for a in ["KOR", "PRK", "USA"] {
        assert!(all_actors.contains(&a), "{a} missing: {all_actors:?}");
    }
    let headlines: Vec<_> = rows
        .iter()
        .filter(|r| r[text].contains("Vows To Improve Ties"))
        .collect();
    assert_eq!(headlines.len(), 1);
    assert_eq!(
        (headlines[0][label].as_str(), headlines[0][source].as_str()),
        ("conciliatory", "PRK")
    );
    let r = rows
        .iter()
        .find(|r| r[text].contains("drastically improve"))
        .unwrap();
    assert_eq!(
        (r[label].as_str(), r[source].as_str()),
        ("conciliatory", "PRK")
    );
    let r = rows.iter().find(|r| r[text].contains("thug")).unwrap();
    assert_eq!((r[label].as_str(), r[source].as_str()), ("hostile", "USA"));
    assert!(r[targets].split(';').any(|t| t == "PRK"), "{r:?}");
}

/// The team’s own 1,350 gold sentences (eval/README.md) stay scored at
/// least this well: a change that loses several of them fails here.
#[test]
fn team_gold_set_stays_above_its_floors() {
    let d = tempfile::tempdir().unwrap();
    let gold = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/team-gold.jsonl");
    stance()
        .args(["eval", "--min-tone-acc", "0.90", "--min-actor-f1", "0.99"])
        .args([
            "--min-source-acc",
            "0.94",
            "--min-target-f1",
            "0.93",
            "--errors",
        ])
        .arg(d.path().join("errors.csv"))
        .arg(&gold)
        .assert()
        .success()
        .stdout(predicate::str::contains("1350 items from"));
}

#[test]
fn eval_reports_metrics_writes_errors_and_gates() {
    let d = tempfile::tempdir().unwrap();
    let gold = write(
        d.path(),
        "gold.jsonl",
        "{\"id\":\"t1\",\"date\":\"2024-02-01\",\"text\":\"Pyongyang sharply condemned Seoul's drills.\",\"actors\":[\"PRK\",\"KOR\"],\"source\":\"PRK\",\"targets\":[\"KOR\"],\"tone\":\"hostile\"}\n\
         {\"id\":\"t2\",\"date\":\"2024-02-02\",\"text\":\"Tokyo thanked Seoul for its help.\",\"actors\":[\"JPN\",\"KOR\"],\"source\":\"JPN\",\"targets\":[\"KOR\"],\"tone\":\"conciliatory\"}\n\
         {\"id\":\"t3\",\"date\":\"2024-02-03\",\"text\":\"Beijing released trade figures for January.\",\"actors\":[\"CHN\"],\"source\":\"CHN\",\"targets\":[],\"tone\":\"hostile\"}\n",
    );
    let errors = d.path().join("errs.csv");
    stance()
        .args(["eval"])
        .arg(&gold)
        .arg("--errors")
        .arg(&errors)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("tone     accuracy 0.667")
                .and(predicate::str::contains("source   accuracy 1.000"))
                .and(predicate::str::contains("1 item(s) wrong")),
        );
    let (h, rows) = table(&errors);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][col(&h, "id")], "t3");
    assert_eq!(rows[0][col(&h, "wrong")], "tone");
    stance()
        .args(["eval", "--min-tone-acc", "0.9", "--errors"])
        .arg(d.path().join("e2.csv"))
        .arg(&gold)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("tone accuracy 0.667 < 0.9"));
    let bad = write(d.path(), "bad.jsonl", "{\"text\":\"x\"}\n");
    stance()
        .args(["eval"])
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.jsonl: line 1"));
    // A file that is not there is named once, with the system's reason once.
    let missing = stance()
        .args(["eval"])
        .arg(d.path().join("missing.jsonl"))
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&missing.get_output().stderr).to_string();
    assert!(
        err.starts_with("stance: error: ")
            && err.matches("missing.jsonl").count() == 1
            && err.matches("(os error 2)").count() == 1,
        "{err}"
    );
}

/// Documents scored otherwise than the user likely meant are told about on
/// stderr, with the first few named, and listed in run.json; a merge of
/// the shards repeats the counts.
#[test]
fn documents_with_no_speaker_or_run_on_text_are_warned_about() {
    let d = tempfile::tempdir().unwrap();
    let run_on = "Seoul blamed Tokyo for the dispute and Tokyo blamed Seoul ".repeat(120);
    let f = write(
        d.path(),
        "speeches.jsonl",
        &format!(
            "{{\"id\":\"s1\",\"date\":\"2019\",\"iso\":\"Britain\",\"text\":\"We welcome the agreement with Germany.\"}}\n\
             {{\"id\":\"s2\",\"date\":\"2019\",\"iso\":\"Frnace\",\"text\":\"We condemn the occupation.\"}}\n\
             {{\"id\":\"s3\",\"date\":\"2019\",\"text\":\"We support the Secretary-General.\"}}\n\
             {{\"id\":\"s4\",\"date\":\"2019-03-02\",\"iso\":\"deu\",\"text\":\"{run_on}\"}}\n\
             {{\"id\":\"s5\",\"date\":\"2019-04-01\",\"iso\":\"Britain\",\"text\":\"We thank Germany.\"}}\n\
             {{\"id\":\"s6\",\"date\":\"2019-04-02\",\"iso\":\"japan\",\"text\":\"We thank Germany.\"}}\n"
        ),
    );
    let out = d.path().join("o");
    let run = stance()
        .args([
            "score",
            "-q",
            "--speaker-field",
            "iso",
            "--period",
            "month",
            "-o",
        ])
        .arg(&out)
        .arg(&f)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&run.get_output().stderr).to_string();
    assert!(
        err.contains(
            "stance: warning: 3 document(s) whose 'iso' is neither an actor id nor an actor's \
             name have no speaker: 'Britain' (2 documents, first s1; that is GBR), 'Frnace' \
             (document s2). Give ids"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "stance: warning: 1 document(s) with no 'iso' (missing, empty or null) have no \
             speaker (first: document s3)"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "stance: note: 1 stretch(es) of text ran over 4096 bytes with no sentence end and \
             were scored in pieces cut at spaces, first in document s4"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "stance: note: 3 document(s) are dated more coarsely than --period month, so their \
             rows carry their own date as the period (first: document s1, dated 2019)"
        ),
        "{err}"
    );
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("run.json"))).unwrap();
    let noted = &json["noted_documents"];
    assert_eq!(noted["unknown_speaker"][0]["value"], "Britain");
    assert_eq!(noted["unknown_speaker"][0]["documents"], 2);
    assert_eq!(noted["unknown_speaker"][1]["first_id"], "s2");
    assert_eq!(noted["no_speaker_field"], serde_json::json!(["s3"]));
    assert_eq!(noted["long_sentences_cut"], serde_json::json!(["s4"]));
    assert_eq!(noted["coarse_dates"][2]["id"], "s3");
    assert_eq!(json["documents_without_speaker_field"], 1);
    // "deu" by its id, "japan" by its name.
    assert_eq!(json["documents_with_speaker"], 2);

    // The shards' merge has the counts, not the documents.
    let part = d.path().join("part");
    stance()
        .args([
            "score",
            "-q",
            "--speaker-field",
            "iso",
            "--period",
            "month",
            "--partial",
            "--shard",
            "1/1",
            "-o",
        ])
        .arg(&part)
        .arg(&f)
        .assert()
        .success();
    let merged = stance()
        .args(["merge", "-q", "-o"])
        .arg(d.path().join("m"))
        .arg(part.join("partial.json"))
        .assert()
        .success();
    let err = String::from_utf8_lossy(&merged.get_output().stderr).to_string();
    assert!(
        err.contains(
            "3 document(s) whose 'iso' is neither an actor id nor an actor's name have no \
             speaker. Give ids"
        ),
        "{err}"
    );
    assert!(
        err.contains("1 document(s) with no 'iso' (missing"),
        "{err}"
    );
    assert!(
        err.contains("1 stretch(es) of text ran over 4096 bytes"),
        "{err}"
    );
    assert!(
        err.contains(
            "3 document(s) are dated more coarsely than --period month, so their rows carry \
             their own date as the period\n"
        ),
        "{err}"
    );

    // With every speaker known and no run-on text, nothing is said.
    let clean = write(
        d.path(),
        "clean.jsonl",
        "{\"id\":\"c1\",\"date\":\"2019-06-01\",\"iso\":\"fra\",\"text\":\"We welcome the agreement with Germany.\"}\n",
    );
    stance()
        .args(["score", "-q", "--speaker-field", "iso", "-o"])
        .arg(d.path().join("c"))
        .arg(&clean)
        .assert()
        .success()
        .stderr("");
}

#[test]
fn speaker_options_resolve_first_person_references() {
    let d = tempfile::tempdir().unwrap();
    let f = write(
        d.path(),
        "speeches.jsonl",
        "{\"id\":\"s1\",\"date\":\"2019\",\"iso\":\"nor\",\"text\":\"My delegation welcomes the agreement with Sweden.\"}\n\
         {\"id\":\"s2\",\"date\":\"2019\",\"iso\":\"XYZ\",\"text\":\"We condemn the occupation.\"}\n\
         {\"id\":\"s3\",\"date\":\"2019\",\"text\":\"We condemn the occupation.\"}\n",
    );
    let out = d.path().join("o");
    stance()
        .args([
            "score",
            "-q",
            "--sentences",
            "--speaker-field",
            "iso",
            "--period",
            "year",
            "-o",
        ])
        .arg(&out)
        .arg(&f)
        .assert()
        .success();
    let s = read(&out.join("sentences.csv"));
    assert!(
        s.contains("s1,2019,1,My delegation welcomes the agreement with Sweden.,"),
        "{s}"
    );
    assert!(read(&out.join("dyads.csv")).contains("2019,NOR,SWE,1,1,0,0"));
    let run: serde_json::Value = serde_json::from_str(&read(&out.join("run.json"))).unwrap();
    assert_eq!(run["documents_with_speaker"], 1);
    assert_eq!(run["documents_with_unknown_speaker"], 1);
    // A fixed speaker for every document.
    let kcna = write(
        d.path(),
        "2012-03-01-kcna.txt",
        "We will never tolerate the provocations of south Korea. \
         The reckless war drills of the puppet forces of south Korea go on.",
    );
    let out = d.path().join("k");
    stance()
        .args(["score", "-q", "--speaker", "PRK", "-o"])
        .arg(&out)
        .arg(&kcna)
        .assert()
        .success();
    // The second sentence names no source: it is the speaker's own voice.
    assert!(
        read(&out.join("dyads.csv")).contains("2012-03,PRK,KOR,2,0,0,2"),
        "{}",
        read(&out.join("dyads.csv"))
    );
    stance()
        .args(["score", "--speaker", "NOPE", "-o"])
        .arg(d.path().join("x"))
        .arg(&kcna)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--speaker 'NOPE' is not an actor id",
        ));
    // "I" is the delegate speaking for the state only with --first-person.
    let speech = write(
        d.path(),
        "2019-09-24-speech.txt",
        "I would like to tell the Chinese delegation that the sanctions are unjust.",
    );
    let dyads = |first_person: bool| {
        let out = d.path().join(format!("fp{first_person}"));
        let mut cmd = stance();
        cmd.args(["score", "-q", "--speaker", "NOR", "--period", "year"]);
        if first_person {
            cmd.arg("--first-person");
        }
        cmd.arg("-o").arg(&out).arg(&speech).assert().success();
        let run: serde_json::Value = serde_json::from_str(&read(&out.join("run.json"))).unwrap();
        assert_eq!(run["first_person"], first_person);
        read(&out.join("dyads.csv"))
    };
    let (with, without) = (dyads(true), dyads(false));
    assert!(with.contains("2019,NOR,CHN,1,0,0,1"), "{with}");
    assert!(!without.contains("NOR,CHN"), "{without}");
    stance()
        .args(["score", "--first-person", "-o"])
        .arg(d.path().join("y"))
        .arg(&speech)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "give --speaker ID or --speaker-field FIELD too",
        ));
}
