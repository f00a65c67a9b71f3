//! End-to-end benchmark of the release `stance` binary, run as a
//! subprocess so that each run's wall time, CPU time and peak RSS can be
//! measured (`wait4`).
//!
//! Run with `cargo bench --bench end_to_end`. It scores one corpus with
//! `--threads 1` and `--threads N` (N = available cores, at least 2), the
//! two alternating so that a slow spell of a shared machine hits both, and
//! prints a table (median wall time, MB/s, MB/s per core, sentences/s, peak
//! RSS) and the speed-up (median of the pairs' ratios), then compares the
//! gzipped corpus with `zcat > /dev/null` and its Zstandard copy (made once
//! in the cache directory) with `zstd -dc > /dev/null`, optionally with `rg
//! --count-matches -F -i -w` over every lexicon term, and checks memory
//! growth on the corpus read 4 times in one run, with N threads and with one,
//! and on a directory of 20,000 one-story `.txt` files (made once in the
//! cache directory) read once and 4 times, with one thread, then times that
//! directory with `--readers 1` and `--readers 2` on N threads. Last, it cuts the
//! corpus into 24 gzipped files (once, in the cache directory) and runs 8
//! shards of it, as many at a time as there are cores, split by id and by
//! file, each merged and checked against a single run's tables.
//!
//! The corpus is `../shared/corpus/ungdc.jsonl.gz` (decompressed once into
//! `target/tmp/stance-bench/`) when present; otherwise a deterministic
//! ~64 MB JSONL corpus is generated there from `examples/news`.
//!
//! Environment: `STANCE_BENCH_CORPUS=FILE` scores FILE instead (plain or
//! `.gz`; the other form is made in the cache directory);
//! `STANCE_BENCH_REPS=n` sets the repetitions per measurement (default 3).

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const STANCE: &str = env!("CARGO_BIN_EXE_stance");
const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");
const CACHE_DIR: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/stance-bench");
/// Size of the corpus generated from `examples/news`.
const GENERATED_BYTES: u64 = 64_000_000;
const MB: f64 = 1e6;
/// How much of the corpus `rg` searches.
const RG_BYTES: u64 = 8_000_000;

/// One finished subprocess.
struct Measured {
    wall: f64,
    cpu: f64,
    max_rss_bytes: u64,
}

/// Runs `cmd` to completion, reaping it with `wait4` to get its resource
/// usage. Panics when it cannot start or exits with a code not in `ok`.
fn measure(cmd: &mut Command, ok: &[i32]) -> Measured {
    let start = Instant::now();
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it in.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own unreaped child; the pointers are valid.
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    let wall = start.elapsed().as_secs_f64();
    assert_eq!(
        got,
        pid,
        "wait4 failed: {}",
        std::io::Error::last_os_error()
    );
    drop(child); // already reaped; dropping a Child neither waits nor kills
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    assert!(
        code.is_some_and(|c| ok.contains(&c)),
        "{cmd:?} failed (wait status {status:#x})"
    );
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Measured {
        wall,
        cpu: secs(ru.ru_utime) + secs(ru.ru_stime),
        max_rss_bytes: ru.ru_maxrss as u64 * 1024, // KiB on Linux
    }
}

/// `reps` runs of `make()`.
fn repeat(reps: usize, ok: &[i32], mut make: impl FnMut() -> Command) -> Vec<Measured> {
    (0..reps).map(|_| measure(&mut make(), ok)).collect()
}

fn median(runs: &[Measured], f: impl Fn(&Measured) -> f64) -> f64 {
    let mut v: Vec<f64> = runs.iter().map(f).collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn peak_rss(runs: &[Measured]) -> u64 {
    runs.iter().map(|r| r.max_rss_bytes).max().unwrap_or(0)
}

/// Whether `program --version` runs.
fn on_path(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Writes `path` through `fill` into a temporary file renamed into place,
/// unless it already exists (an interrupted run leaves no half file).
fn cached(path: &Path, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> PathBuf {
    if !path.exists() {
        std::fs::create_dir_all(CACHE_DIR).expect("create the bench cache directory");
        let part = path.with_extension("part");
        let mut out = BufWriter::new(File::create(&part).expect("create cache file"));
        fill(&mut out)
            .and_then(|_| out.flush())
            .unwrap_or_else(|e| panic!("writing {}: {e}", part.display()));
        drop(out);
        std::fs::rename(&part, path).expect("rename cache file");
    }
    path.to_path_buf()
}

fn gunzip_to(gz: &Path, name: &str) -> PathBuf {
    let path = Path::new(CACHE_DIR).join(name);
    if !path.exists() {
        println!("decompressing {} to {}", gz.display(), path.display());
    }
    cached(&path, |out| {
        let mut d = flate2::read::MultiGzDecoder::new(BufReader::new(File::open(gz)?));
        std::io::copy(&mut d, out).map(|_| ())
    })
}

fn gzip_to(plain: &Path, name: &str) -> PathBuf {
    let path = Path::new(CACHE_DIR).join(name);
    if !path.exists() {
        println!("compressing {} to {}", plain.display(), path.display());
    }
    cached(&path, |out| {
        let mut e = flate2::write::GzEncoder::new(out, flate2::Compression::new(6));
        std::io::copy(&mut BufReader::new(File::open(plain)?), &mut e)?;
        e.finish().map(|_| ())
    })
}

/// The plain corpus as Zstandard (level 3, the `zstd` command's default),
/// made once in the cache directory.
fn zstd_to(plain: &Path, name: &str) -> PathBuf {
    let path = Path::new(CACHE_DIR).join(name);
    if !path.exists() {
        println!("compressing {} to {}", plain.display(), path.display());
    }
    cached(&path, |out| {
        let mut e = zstd::stream::write::Encoder::new(out, 3)?;
        e.include_checksum(true)?;
        std::io::copy(&mut BufReader::new(File::open(plain)?), &mut e)?;
        e.finish().map(|_| ())
    })
}

/// The `examples/news` items as (id, text): the `.txt` files, `wire.jsonl`
/// and `briefs.csv` (headline + text).
fn news_items() -> Vec<(String, String)> {
    let dir = Path::new(MANIFEST_DIR).join("examples/news");
    let mut items = Vec::new();
    let mut txt: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/news is readable")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    txt.sort();
    for p in txt {
        let id = p.file_stem().unwrap().to_string_lossy().into_owned();
        items.push((id, std::fs::read_to_string(&p).expect("UTF-8 sample")));
    }
    let wire = BufReader::new(File::open(dir.join("wire.jsonl")).expect("wire.jsonl"));
    for line in wire.lines() {
        let v: serde_json::Value = serde_json::from_str(&line.expect("read wire.jsonl"))
            .expect("wire.jsonl is JSON Lines");
        let field = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        items.push((field("id"), field("text")));
    }
    let mut briefs = csv::Reader::from_path(dir.join("briefs.csv")).expect("briefs.csv");
    for rec in briefs.records() {
        let rec = rec.expect("briefs.csv is CSV");
        items.push((rec[0].to_string(), format!("{}\n{}", &rec[2], &rec[3])));
    }
    items
}

/// A deterministic JSONL corpus of about `GENERATED_BYTES`: the sample items
/// over and over, each copy with its own id and date.
fn generated_corpus() -> PathBuf {
    let items = news_items();
    let name = format!("news-{}mb.jsonl", GENERATED_BYTES / 1_000_000);
    let path = Path::new(CACHE_DIR).join(name);
    if !path.exists() {
        println!("generating {} from examples/news", path.display());
    }
    cached(&path, |out| {
        let mut written = 0u64;
        for rep in 0u64.. {
            for (k, (id, text)) in items.iter().enumerate() {
                let k = k as u64;
                let date = format!(
                    "{}-{:02}-{:02}",
                    2000 + rep % 25,
                    1 + (rep + k) % 12,
                    1 + (rep * 7 + k) % 28
                );
                let rec = serde_json::json!({"id": format!("{id}-r{rep:05}"), "date": date, "text": text});
                let line = format!("{rec}\n");
                out.write_all(line.as_bytes())?;
                written += line.len() as u64;
            }
            if written >= GENERATED_BYTES {
                break;
            }
        }
        Ok(())
    })
}

/// Files in the directory of one-story files made by [`many_files_dir`].
const MANY_FILES: usize = 20_000;

/// A directory of [`MANY_FILES`] small `.txt` files in 200 subdirectories,
/// one story each from `examples/news`, made once in the cache directory:
/// a corpus of one file per story, whose memory must not grow with the
/// number of files.
fn many_files_dir() -> PathBuf {
    let dir = Path::new(CACHE_DIR).join(format!("news-{MANY_FILES}-files"));
    cached_dir(&dir, |dir| {
        let items = news_items();
        for n in 0..MANY_FILES {
            let (id, text) = &items[n % items.len()];
            let sub = dir.join(format!("{:03}", n / 100));
            std::fs::create_dir_all(&sub).expect("create the many-files directory");
            let date = format!("2024-{:02}-{:02}", 1 + n % 12, 1 + n % 28);
            std::fs::write(sub.join(format!("{date}-{id}-{n}.txt")), text).expect("write a file");
        }
    })
}

/// [`cached`] for a directory: `fill` makes it (emptied first) unless an
/// earlier run finished it, which a hidden marker file (skipped by the
/// corpus walk) records.
fn cached_dir(dir: &Path, fill: impl FnOnce(&Path)) -> PathBuf {
    let done = dir.join(".complete");
    if !done.exists() {
        println!("generating {}", dir.display());
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).expect("create a bench cache directory");
        fill(dir);
        std::fs::write(&done, "").expect("mark the directory complete");
    }
    dir.to_path_buf()
}

/// Files the corpus is cut into for the comparison of ways to shard.
const SPLIT_FILES: usize = 24;
/// Shards in that comparison.
const SPLIT_SHARDS: usize = 8;

/// The corpus cut at line ends into [`SPLIT_FILES`] gzipped files of about
/// equal size, made once in the cache directory.
fn split_corpus(plain: &Path) -> PathBuf {
    let stem = plain.file_stem().unwrap_or_default().to_string_lossy();
    let size = std::fs::metadata(plain).expect("corpus").len();
    // The size in the name: another corpus of the same name is cut anew.
    let dir = Path::new(CACHE_DIR).join(format!("{stem}-{size}-{SPLIT_FILES}-gz"));
    cached_dir(&dir, |dir| {
        let per_file = size / SPLIT_FILES as u64 + 1;
        let open = |k: usize| {
            let f = File::create(dir.join(format!("part-{k:02}.jsonl.gz"))).expect("create a part");
            flate2::write::GzEncoder::new(BufWriter::new(f), flate2::Compression::fast())
        };
        let (mut k, mut written) = (0, 0u64);
        let mut part = open(0);
        for line in BufReader::new(File::open(plain).expect("open corpus")).split(b'\n') {
            let line = line.expect("read corpus");
            if written >= per_file * (k as u64 + 1) && k + 1 < SPLIT_FILES {
                part.finish().expect("finish a part");
                k += 1;
                part = open(k);
            }
            part.write_all(&line)
                .and_then(|_| part.write_all(b"\n"))
                .expect("write a part");
            written += line.len() as u64 + 1;
        }
        part.finish().expect("finish a part");
    })
}

/// Runs the [`SPLIT_SHARDS`] shards of `input`, `--shard-by by`, at most
/// `parallel` at a time with one thread each (as GNU parallel would), then
/// merges them into `out`; returns the shards' wall time and the merge's.
fn run_shards(input: &Path, by: &str, parallel: usize, dir: &Path, out: &Path) -> (f64, f64) {
    let start = Instant::now();
    let mut running: Vec<std::process::Child> = Vec::new();
    let mut next = 1;
    while next <= SPLIT_SHARDS || !running.is_empty() {
        while running.len() < parallel && next <= SPLIT_SHARDS {
            let part = dir.join(next.to_string());
            let child = Command::new(STANCE)
                .arg("score")
                .arg(input)
                .args([
                    "--shard",
                    &format!("{next}/{SPLIT_SHARDS}"),
                    "--shard-by",
                    by,
                ])
                .args(["--partial", "--threads", "1", "-q", "--force", "-o"])
                .arg(&part)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .spawn()
                .expect("start a shard");
            running.push(child);
            next += 1;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
        running.retain_mut(|c| match c.try_wait().expect("wait for a shard") {
            Some(status) => {
                assert!(status.success(), "a shard failed: {status}");
                false
            }
            None => true,
        });
    }
    let shards = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let status = Command::new(STANCE)
        .args(["merge", "-q", "--force", "-o"])
        .arg(out)
        .args((1..=SPLIT_SHARDS).map(|i| dir.join(i.to_string())))
        .stdout(Stdio::null())
        .status()
        .expect("start the merge");
    assert!(status.success(), "the merge failed: {status}");
    (shards, start.elapsed().as_secs_f64())
}

/// The corpus to score: (label, plain file, gzipped file).
fn corpus() -> (String, PathBuf, PathBuf) {
    if let Ok(p) = std::env::var("STANCE_BENCH_CORPUS") {
        let p = PathBuf::from(p);
        let meta = std::fs::metadata(&p)
            .unwrap_or_else(|e| panic!("STANCE_BENCH_CORPUS={}: {e}", p.display()));
        assert!(meta.is_file(), "STANCE_BENCH_CORPUS must be a file");
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let label = format!("{} (STANCE_BENCH_CORPUS)", p.display());
        // The cache name carries the size so that another file of the same
        // name is not mistaken for this one.
        return match name.strip_suffix(".gz") {
            Some(plain) => {
                let plain = gunzip_to(&p, &format!("{}-{plain}", meta.len()));
                (label, plain, p)
            }
            None => {
                let gz = gzip_to(&p, &format!("{}-{name}.gz", meta.len()));
                (label, p, gz)
            }
        };
    }
    let ungdc = Path::new(MANIFEST_DIR).join("../shared/corpus/ungdc.jsonl.gz");
    if ungdc.is_file() {
        let plain = gunzip_to(&ungdc, "ungdc.jsonl");
        return ("UNGDC ungdc.jsonl".into(), plain, ungdc);
    }
    println!(
        "{} not found: using a corpus generated from examples/news instead",
        ungdc.display()
    );
    let plain = generated_corpus();
    let gz = gzip_to(
        &plain,
        &format!("{}.gz", plain.file_name().unwrap().to_string_lossy()),
    );
    ("examples/news ×N (generated)".into(), plain, gz)
}

/// Copies the whole lines of `src` up to `max` bytes into `dst`; returns
/// the bytes written.
fn write_head(src: &Path, dst: &Path, max: u64) -> u64 {
    let mut out = BufWriter::new(File::create(dst).expect("create head file"));
    let mut written = 0u64;
    let mut line = Vec::new();
    let mut r = BufReader::new(File::open(src).expect("open corpus"));
    while written < max && r.read_until(b'\n', &mut line).expect("read corpus") > 0 {
        out.write_all(&line).expect("write head file");
        written += line.len() as u64;
        line.clear();
    }
    out.flush().expect("write head file");
    written
}

/// `stance score INPUTS -o OUT --force -q --threads T`.
fn score_cmd(inputs: &[&Path], out: &Path, threads: usize) -> Command {
    let mut c = Command::new(STANCE);
    c.arg("score")
        .args(inputs)
        .arg("-o")
        .arg(out)
        .args(["--force", "-q", "--threads", &threads.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    c
}

/// A counter from the `run.json` of the last run into `out`.
fn run_count(out: &Path, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(out.join("run.json")).ok()?;
    serde_json::from_str::<serde_json::Value>(&text).ok()?[key].as_u64()
}

/// Every actor alias, tone term (the parts of a `...` phrase, without a
/// trailing `*`) and modifier of the default lexicons, one per line.
fn write_terms(dir: &Path) -> PathBuf {
    let lex = dir.join("lexicons");
    let status = Command::new(STANCE)
        .args(["lexicon", "export"])
        .arg(&lex)
        .stdout(Stdio::null())
        .status()
        .expect("run stance lexicon export");
    assert!(status.success(), "stance lexicon export failed");
    let mut terms = std::collections::BTreeSet::new();
    for (file, column) in [
        ("actors.csv", "alias"),
        ("tone.csv", "term"),
        ("modifiers.csv", "word"),
    ] {
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(lex.join(file))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let col = r
            .headers()
            .expect("header row")
            .iter()
            .position(|h| h == column)
            .unwrap_or_else(|| panic!("{file} has no column {column}"));
        for rec in r.records() {
            let rec = rec.unwrap_or_else(|e| panic!("{file}: {e}"));
            for part in rec.get(col).unwrap_or_default().split("...") {
                let part = part.trim().trim_end_matches('*').trim();
                if !part.is_empty() {
                    terms.insert(part.to_string());
                }
            }
        }
    }
    let path = dir.join("terms.txt");
    let text: String = terms.iter().map(|t| format!("{t}\n")).collect();
    std::fs::write(&path, text).expect("write terms.txt");
    println!("terms.txt: {} terms", terms.len());
    path
}

/// Prints the load average (Linux): other work on the machine slows the runs.
fn print_load(when: &str) {
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        let avg: Vec<&str> = load.split_whitespace().take(3).collect();
        println!("load average {when} (1, 5, 15 min): {}", avg.join(" "));
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not supported.
    let reps: usize = std::env::var("STANCE_BENCH_REPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(3);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads_n = cores.max(2);
    let (label, plain, gz) = corpus();
    let size = std::fs::metadata(&plain).expect("corpus").len();
    let gz_size = std::fs::metadata(&gz).expect("gzipped corpus").len();
    let size_mb = size as f64 / MB;
    let tmp = tempfile::tempdir().expect("temporary directory");
    let out = tmp.path().join("out");

    println!("binary:  {STANCE}");
    println!(
        "corpus:  {label}: {} ({size_mb:.1} MB), gzipped {} ({:.1} MB)",
        plain.display(),
        gz.display(),
        gz_size as f64 / MB
    );
    println!("machine: {cores} core(s) available; {reps} run(s) per measurement, median wall time");
    print_load("before");
    // Warm the page cache so that the first run does not pay for the disk.
    for p in [&plain, &gz] {
        let mut f = File::open(p).expect("open corpus");
        std::io::copy(&mut f, &mut std::io::sink()).expect("read corpus");
    }

    println!();
    println!(
        "{:<22} {:>8} {:>7} {:>8} {:>6} {:>7} {:>9} {:>11} {:>9}",
        "input",
        "size MB",
        "threads",
        "wall s",
        "CPU %",
        "MB/s",
        "MB/s/core",
        "sentences/s",
        "peak RSS"
    );
    let row = |input: &str, threads: usize, runs: &[Measured], sentences: Option<u64>| {
        let wall = median(runs, |r| r.wall);
        let cpu = median(runs, |r| r.cpu);
        let mbs = size_mb / wall;
        let sps = sentences.map_or("?".into(), |n| format!("{:.0}", n as f64 / wall));
        println!(
            "{input:<22} {size_mb:>8.1} {threads:>7} {wall:>8.2} {:>6.0} {mbs:>7.1} {:>9.1} {sps:>11} {:>6.0} MB",
            100.0 * cpu / wall,
            mbs / threads as f64,
            peak_rss(runs) as f64 / MB
        );
        wall
    };
    let plain_name = plain.file_name().unwrap().to_string_lossy().into_owned();
    // One-thread and N-thread runs alternate, so that a slow spell of a
    // shared machine hits both alike; the speed-up is the median of the
    // ratios of each pair.
    let (mut one, mut many) = (Vec::new(), Vec::new());
    for _ in 0..reps {
        one.extend(repeat(1, &[0], || score_cmd(&[plain.as_path()], &out, 1)));
        many.extend(repeat(1, &[0], || {
            score_cmd(&[plain.as_path()], &out, threads_n)
        }));
    }
    let sentences = run_count(&out, "sentences");
    let documents = run_count(&out, "documents");
    let walls = [
        row(&plain_name, 1, &one, sentences),
        row(&plain_name, threads_n, &many, sentences),
    ];
    let base_rss = peak_rss(&many);
    let mut pair_ratios: Vec<f64> = one
        .iter()
        .zip(&many)
        .map(|(a, b)| a.wall / b.wall)
        .collect();
    pair_ratios.sort_by(f64::total_cmp);
    let gz_name = gz.file_name().unwrap().to_string_lossy().into_owned();
    let gz_runs = repeat(reps, &[0], || score_cmd(&[gz.as_path()], &out, threads_n));
    let gz_wall = row(&gz_name, threads_n, &gz_runs, run_count(&out, "sentences"));
    let zst = zstd_to(
        &plain,
        &format!(
            "{}-{}.zst",
            size,
            plain.file_name().unwrap().to_string_lossy()
        ),
    );
    let zst_name = zst.file_name().unwrap().to_string_lossy().into_owned();
    let zst_runs = repeat(reps, &[0], || score_cmd(&[zst.as_path()], &out, threads_n));
    let zst_wall = row(
        &zst_name,
        threads_n,
        &zst_runs,
        run_count(&out, "sentences"),
    );
    println!(
        "speedup {threads_n} threads vs 1: {:.2}× median of {} alternating pairs (each: {}), {:.2}× ratio of medians (ideal {threads_n}×)",
        pair_ratios[pair_ratios.len() / 2],
        pair_ratios.len(),
        pair_ratios
            .iter()
            .map(|r| format!("{r:.2}"))
            .collect::<Vec<_>>()
            .join(" "),
        walls[0] / walls[1]
    );
    println!("(MB = 10^6 bytes of uncompressed input; CPU % = user + system time / wall time)");

    println!();
    if on_path("zcat") {
        let z = repeat(reps, &[0], || {
            let mut c = Command::new("zcat");
            c.arg(&gz).stdout(Stdio::null());
            c
        });
        let zw = median(&z, |r| r.wall);
        println!(
            "gzip input: stance {threads_n} threads {gz_wall:.2} s vs `zcat > /dev/null` {zw:.2} s: {:.1}× the time of decompression alone",
            gz_wall / zw
        );
    } else {
        println!("zcat not on PATH: skipping the gzip comparison");
    }
    if on_path("zstd") {
        let z = repeat(reps, &[0], || {
            let mut c = Command::new("zstd");
            c.args(["-dc", "-q"]).arg(&zst).stdout(Stdio::null());
            c
        });
        let zw = median(&z, |r| r.wall);
        println!(
            "zstd input: stance {threads_n} threads {zst_wall:.2} s ({:.2}× the plain file's {:.2} s) vs `zstd -dc > /dev/null` {zw:.2} s",
            zst_wall / walls[1],
            walls[1]
        );
    } else {
        println!("zstd not on PATH: skipping the zstd comparison");
    }

    if on_path("rg") {
        // rg with -i -w over thousands of literals runs at about 1 MB/s, so
        // it gets one run on the first RG_BYTES of the corpus.
        let terms = write_terms(tmp.path());
        let head = tmp.path().join("head");
        let head_bytes = write_head(&plain, &head, RG_BYTES);
        let r = measure(
            Command::new("rg")
                .args(["--count-matches", "-F", "-i", "-w", "-f"])
                .arg(&terms)
                .arg(&head)
                .stdout(Stdio::null()),
            &[0, 1],
        );
        let rg_mbs = head_bytes as f64 / MB / r.wall;
        let ours_mbs = size_mb / walls[0];
        println!(
            "rg --count-matches -F -i -w -f terms.txt, first {:.0} MB, one run: {:.2} s = {rg_mbs:.2} MB/s (CPU {:.0}%, peak RSS {:.0} MB); stance 1 thread {ours_mbs:.1} MB/s = {:.1}× rg",
            head_bytes as f64 / MB,
            r.wall,
            100.0 * r.cpu / r.wall,
            r.max_rss_bytes as f64 / MB,
            ours_mbs / rg_mbs
        );
    } else {
        println!("rg not on PATH: skipping the ripgrep comparison");
    }

    println!();
    // Peak RSS with several threads depends on how many batches happen to
    // be read but not yet merged, so each size takes the highest of `reps` runs; with one
    // thread it does not, and one run each shows the streaming alone.
    let big = repeat(reps, &[0], || {
        score_cmd(&[plain.as_path(); 4], &out, threads_n)
    });
    let docs4 = run_count(&out, "documents");
    if let (Some(d1), Some(d4)) = (documents, docs4) {
        assert_eq!(
            d4,
            4 * d1,
            "the corpus given 4 times should give 4× the documents"
        );
    }
    let big1 = measure(&mut score_cmd(&[plain.as_path(); 4], &out, 1), &[0]);
    let base1 = peak_rss(&one);
    let growth = |a: u64, b: u64| 100.0 * (b as f64 / a as f64 - 1.0);
    println!(
        "memory growth, {threads_n} threads (highest of {reps} runs): corpus ({size_mb:.0} MB) peak RSS {:.0} MB; corpus 4× ({:.0} MB, the file given 4 times, {:.1} s) peak RSS {:.0} MB: {:+.1}%",
        base_rss as f64 / MB,
        4.0 * size_mb,
        median(&big, |r| r.wall),
        peak_rss(&big) as f64 / MB,
        growth(base_rss, peak_rss(&big))
    );
    println!(
        "memory growth, 1 thread: corpus peak RSS {:.0} MB; corpus 4× ({:.1} s) peak RSS {:.0} MB: {:+.1}%",
        base1 as f64 / MB,
        big1.wall,
        big1.max_rss_bytes as f64 / MB,
        growth(base1, big1.max_rss_bytes)
    );
    // Shards split by id read everything; split by file, only their own.
    let split = split_corpus(&plain);
    let single = tmp.path().join("split-single");
    measure(&mut score_cmd(&[split.as_path()], &single, threads_n), &[0]);
    for by in ["id", "file"] {
        let merged = tmp.path().join(format!("split-{by}"));
        let (shards, merge) = run_shards(&split, by, cores, &tmp.path().join(by), &merged);
        let same = ["actors.csv", "dyads.csv", "rejects.csv"]
            .iter()
            .all(|f| std::fs::read(single.join(f)).ok() == std::fs::read(merged.join(f)).ok());
        assert!(
            same,
            "the {by}-split shards did not merge to the single run's tables"
        );
        println!(
            "{SPLIT_SHARDS} shards --shard-by {by:<4} of the corpus cut into {SPLIT_FILES} .gz files, {cores} at a time, one thread each: {shards:.2} s, merge {merge:.2} s; tables identical to one run's"
        );
    }
    // Many small files: the walk must hold no list of them.
    let many = many_files_dir();
    let few = measure(&mut score_cmd(&[many.as_path()], &out, 1), &[0]);
    let files1 = run_count(&out, "files_read");
    let lots = measure(&mut score_cmd(&[many.as_path(); 4], &out, 1), &[0]);
    let files4 = run_count(&out, "files_read");
    assert_eq!(
        files4,
        files1.map(|n| 4 * n),
        "the directory given 4 times should read 4× the files"
    );
    println!(
        "memory growth with files, 1 thread: {MANY_FILES} one-story files ({:.1} s) peak RSS {:.0} MB; {} (the directory given 4 times, {:.1} s) peak RSS {:.0} MB: {:+.1}%",
        few.wall,
        few.max_rss_bytes as f64 / MB,
        4 * MANY_FILES,
        lots.wall,
        lots.max_rss_bytes as f64 / MB,
        growth(few.max_rss_bytes, lots.max_rss_bytes)
    );
    // The same files read by one reader (the workers, in turn) and by two
    // reader threads (`--readers`), scored on every core, alternating; the
    // tables must not change.
    let (r1, r2) = (tmp.path().join("readers1"), tmp.path().join("readers2"));
    let (mut one_reader, mut two_readers) = (Vec::new(), Vec::new());
    for _ in 0..reps {
        let mut c = score_cmd(&[many.as_path()], &r1, threads_n);
        one_reader.push(measure(c.args(["--readers", "1"]), &[0]));
        let mut c = score_cmd(&[many.as_path()], &r2, threads_n);
        two_readers.push(measure(c.args(["--readers", "2"]), &[0]));
    }
    let same = ["actors.csv", "dyads.csv", "rejects.csv"]
        .iter()
        .all(|f| std::fs::read(r1.join(f)).ok() == std::fs::read(r2.join(f)).ok());
    assert!(same, "--readers 2 changed the tables");
    let (w1, w2) = (
        median(&one_reader, |m| m.wall),
        median(&two_readers, |m| m.wall),
    );
    println!(
        "{MANY_FILES} one-story files, {threads_n} threads: --readers 1 {w1:.2} s, --readers 2 {w2:.2} s ({:.2}×, median of {reps} alternating pairs); tables identical",
        w1 / w2
    );
    print_load("after");
}
