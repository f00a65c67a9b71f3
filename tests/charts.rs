//! Charts and wide tables: `stance.xlsx` opened with a reader crate,
//! `stance plot` SVGs parsed as XML, wide tables checked period by period.
//! The aggregates come from the bundled sample corpus or from a few
//! documents written here.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use calamine::{Data, Reader, Xlsx};
use predicates::prelude::*;
use stancemeter::aggregate::{Aggregates, PeriodKind};
use stancemeter::corpus::{Corpus, DocDate, Document, ReadOptions};
use stancemeter::output::CellPolicy;
use stancemeter::output::wide::{WideMetric, WideOptions, write_wide};
use stancemeter::output::xlsx::write_xlsx;
use stancemeter::{Lexicons, Pipeline, PipelineOptions};

fn stance() -> assert_cmd::Command {
    cargo_bin_cmd!("stance")
}

fn sample_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/news")
}

/// Scores the sample corpus with the binary into `dir` (with sentences.csv).
fn score_sample(dir: &Path) {
    stance()
        .arg("score")
        .arg(sample_corpus())
        .arg("-o")
        .arg(dir)
        .args(["-q", "--sentences", "--threads", "1"])
        .assert()
        .success();
}

/// The sample corpus's aggregates, through the library.
fn sample_aggregates(period: PeriodKind) -> (Pipeline, Aggregates) {
    let corpus = Corpus::open(&[sample_corpus()], ReadOptions::default()).unwrap();
    let pipeline = Pipeline::new(
        Lexicons::defaults().unwrap(),
        PipelineOptions {
            period,
            threads: Some(1),
            ..PipelineOptions::default()
        },
    );
    let totals = pipeline.run(corpus, &mut |_| Ok(())).unwrap();
    (pipeline, totals.aggregates)
}

/// Aggregates of documents `(date, text)` written here.
fn aggregates_of(docs: &[(&str, &str)], period: PeriodKind) -> (Pipeline, Aggregates) {
    let pipeline = Pipeline::new(
        Lexicons::defaults().unwrap(),
        PipelineOptions {
            period,
            threads: Some(1),
            ..PipelineOptions::default()
        },
    );
    let items: Vec<_> = docs
        .iter()
        .enumerate()
        .map(|(i, (date, text))| {
            Ok(Document {
                id: format!("d{i}"),
                date: DocDate::parse(date),
                text: text.to_string(),
                fields: Default::default(),
            })
        })
        .collect();
    let totals = pipeline.run(items.into_iter(), &mut |_| Ok(())).unwrap();
    (pipeline, totals.aggregates)
}

fn table(p: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(p).unwrap();
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (h, rows)
}

fn commit_all(files: Vec<stancemeter::output::AtomicFile>) {
    for f in files {
        f.commit().unwrap();
    }
}

/// A cell as text the way the CSV writes it (numbers with 4 decimals).
fn cell_text(d: &Data, decimals: bool) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if decimals => stancemeter::output::fixed4(*f),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

#[test]
fn xlsx_has_every_sheet_header_value_and_both_charts() {
    let d = tempfile::tempdir().unwrap();
    score_sample(d.path());
    let (pipeline, agg) = sample_aggregates(PeriodKind::Month);
    let opts = WideOptions::default();
    commit_all(
        write_wide(
            d.path(),
            pipeline.lexicons(),
            &agg,
            &opts,
            CellPolicy::default(),
        )
        .unwrap(),
    );
    let sentences = d.path().join("sentences.csv");
    write_xlsx(d.path(), pipeline.lexicons(), &agg, &opts, Some(&sentences))
        .unwrap()
        .commit()
        .unwrap();
    let path = d.path().join("stance.xlsx");
    let mut x: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(
        x.sheet_names(),
        [
            "actors",
            "dyads",
            "wide",
            "dyads_wide",
            "sentences",
            "chart"
        ]
    );

    // Each table sheet equals its CSV: header, every row, every value.
    for (sheet, csv_name, decimal_cols) in [
        ("actors", "actors.csv", &[8usize, 9][..]),
        ("dyads", "dyads.csv", &[7, 8][..]),
        (
            "wide",
            "stance_wide.csv",
            &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12][..],
        ),
        (
            "dyads_wide",
            "dyads_wide.csv",
            &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10][..],
        ),
    ] {
        let (h, rows) = table(&d.path().join(csv_name));
        let r = x.worksheet_range(sheet).unwrap();
        let got: Vec<Vec<String>> = r
            .rows()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .map(|(c, v)| cell_text(v, decimal_cols.contains(&c)))
                    .collect()
            })
            .collect();
        assert_eq!(got[0], h, "{sheet} header");
        assert_eq!(got.len(), rows.len() + 1, "{sheet} rows");
        assert_eq!(&got[1..], &rows[..], "{sheet} values");
    }
    // Spot values: counts are numbers, not text.
    let actors = x.worksheet_range("actors").unwrap();
    assert!(matches!(actors.get_value((1, 4)), Some(Data::Float(_))));

    let s = x.worksheet_range("sentences").unwrap();
    let (sh, srows) = table(&sentences);
    assert_eq!(s.height(), srows.len() + 1);
    assert_eq!(cell_text(&s.get((0, 3)).cloned().unwrap(), false), sh[3]);
    assert_eq!(
        cell_text(&s.get((1, 3)).cloned().unwrap(), false),
        srows[0][3]
    );
    assert!(matches!(s.get_value((1, 4)), Some(Data::Float(_))));

    // The chart parts: two native line charts drawn from the wide sheets.
    let mut zip = zip::ZipArchive::new(fs::File::open(&path).unwrap()).unwrap();
    let mut chart = |n: usize| {
        let mut s = String::new();
        zip.by_name(&format!("xl/charts/chart{n}.xml"))
            .unwrap_or_else(|_| panic!("chart{n}.xml"))
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    let c1 = chart(1);
    assert!(c1.contains("<c:lineChart>"));
    assert!(
        c1.contains("wide!$B$2:$B$13"),
        "first series: PRK, 12 months"
    );
    assert_eq!(c1.matches("<c:ser>").count(), 6);
    assert!(c1.contains("Net stance as source: top 6 actors by sentences"));
    assert!(c1.contains("Period") && c1.contains("hostile"));
    let c2 = chart(2);
    assert!(c2.contains("dyads_wide!$B$2:$B$13"));
    assert!(c2.contains("top 6 dyads"));
    assert_eq!(c2.matches("<c:ser>").count(), 6);
}

#[test]
fn xlsx_charts_follow_the_chosen_actors_and_metric() {
    let d = tempfile::tempdir().unwrap();
    let (pipeline, agg) = sample_aggregates(PeriodKind::Quarter);
    let opts = WideOptions {
        actors: Some(vec!["PRK".into(), "KOR".into(), "USA".into()]),
        metric: WideMetric::Sentences,
        top: 10,
        period: PeriodKind::Quarter,
    };
    write_xlsx(d.path(), pipeline.lexicons(), &agg, &opts, None)
        .unwrap()
        .commit()
        .unwrap();
    let path = d.path().join("stance.xlsx");
    let mut x: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(
        x.sheet_names(),
        ["actors", "dyads", "wide", "dyads_wide", "chart"]
    );
    let wide = x.worksheet_range("wide").unwrap();
    let header: Vec<String> = wide
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header, ["period", "PRK", "KOR", "USA"]);
    let periods: Vec<String> = wide.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert_eq!(periods, ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]);
    // Sentence counts are whole numbers.
    assert!(matches!(wide.get_value((1, 1)), Some(Data::Float(f)) if f.fract() == 0.0 && *f > 0.0));
    // dyads_wide keeps the pairs among the chosen actors.
    let dw = x.worksheet_range("dyads_wide").unwrap();
    for c in dw.rows().next().unwrap().iter().skip(1) {
        let c = c.to_string();
        let (s, t) = c.split_once('→').unwrap();
        assert!(
            ["PRK", "KOR", "USA"].contains(&s) && ["PRK", "KOR", "USA"].contains(&t),
            "{c}"
        );
    }
    let mut zip = zip::ZipArchive::new(fs::File::open(&path).unwrap()).unwrap();
    let mut c1 = String::new();
    zip.by_name("xl/charts/chart1.xml")
        .unwrap()
        .read_to_string(&mut c1)
        .unwrap();
    assert_eq!(c1.matches("<c:ser>").count(), 3);
    assert!(c1.contains("Sentences as source: PRK, KOR, USA"));
}

#[test]
fn wide_tables_have_every_period_with_empty_cells_where_there_is_no_data() {
    // November 2023 and February 2024 only: December and January are gaps.
    let docs = [
        ("2023-11-20", "North Korea condemned South Korea."),
        ("2023-11-21", "Seoul condemned Pyongyang."),
        ("2024-02-02", "North Korea praised South Korea."),
        ("", "North Korea condemned Japan."),
    ];
    let (pipeline, agg) = aggregates_of(&docs, PeriodKind::Month);
    let d = tempfile::tempdir().unwrap();
    commit_all(
        write_wide(
            d.path(),
            pipeline.lexicons(),
            &agg,
            &WideOptions::default(),
            CellPolicy::default(),
        )
        .unwrap(),
    );
    let (h, rows) = table(&d.path().join("stance_wide.csv"));
    assert_eq!(h, ["period", "PRK", "KOR"]);
    assert_eq!(
        rows,
        [
            ["2023-11", "-1.0000", "-1.0000"],
            ["2023-12", "", ""],
            ["2024-01", "", ""],
            ["2024-02", "1.0000", ""],
            ["undated", "-1.0000", ""],
        ]
    );
    let (h, rows) = table(&d.path().join("dyads_wide.csv"));
    assert_eq!(h, ["period", "PRK→KOR", "KOR→PRK", "PRK→JPN"]);
    let periods: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        periods,
        ["2023-11", "2023-12", "2024-01", "2024-02", "undated"]
    );
    assert_eq!(rows[1], ["2023-12", "", "", ""]);
    assert_eq!(rows[3], ["2024-02", "1.0000", "", ""]);

    // ISO weeks across the new year: 2020 has 53 weeks.
    let docs = [
        ("2020-12-21", "North Korea condemned South Korea."),
        ("2021-01-12", "North Korea condemned South Korea."),
    ];
    let (pipeline, agg) = aggregates_of(&docs, PeriodKind::Week);
    let d = tempfile::tempdir().unwrap();
    let opts = WideOptions {
        metric: WideMetric::Sentences,
        period: PeriodKind::Week,
        ..WideOptions::default()
    };
    commit_all(
        write_wide(
            d.path(),
            pipeline.lexicons(),
            &agg,
            &opts,
            CellPolicy::default(),
        )
        .unwrap(),
    );
    let (_, rows) = table(&d.path().join("stance_wide.csv"));
    let got: BTreeMap<String, String> = rows
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let want: BTreeMap<String, String> = [
        ("2020-W52", "1"),
        ("2020-W53", ""),
        ("2021-W01", ""),
        ("2021-W02", "1"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
}

/// The data-series polylines of an SVG (stroke width 2), by colour.
fn series_polylines(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG parses as XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke-width") == Some("2"))
        .map(|n| n.attribute("stroke").unwrap_or("").to_string())
        .collect()
}

fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

#[test]
fn plot_draws_one_line_per_actor_with_axes_zero_line_and_legend() {
    let d = tempfile::tempdir().unwrap();
    score_sample(d.path());
    let svg_path = d.path().join("k.svg");
    stance()
        .arg("plot")
        .arg(d.path())
        .args(["--actors", "PRK,kor,USA", "-o"])
        .arg(&svg_path)
        .assert()
        .success()
        .stdout(predicate::str::contains("3 line(s), 12 period(s)"));
    let svg = fs::read_to_string(&svg_path).unwrap();
    let lines = series_polylines(&svg);
    assert_eq!(lines.len(), 3, "{lines:?}");
    let distinct: std::collections::BTreeSet<_> = lines.iter().collect();
    assert_eq!(distinct.len(), 3, "each line its own colour");
    let t = texts(&svg);
    for want in ["period", "2024-01", "0", "+1", "−1"] {
        assert!(t.iter().any(|x| x == want), "{want} in {t:?}");
    }
    assert!(
        t.iter().any(|x| x.starts_with("PRK North Korea (")),
        "{t:?}"
    );
    assert!(
        t.iter().any(|x| x.starts_with("net stance")),
        "y axis title"
    );
    // The zero line: a thin black polyline.
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert!(doc.descendants().any(|n| n.has_tag_name("polyline")
        && n.attribute("stroke") == Some("#000000")
        && n.attribute("stroke-width") == Some("1")));
    // No temporary file is left beside the output.
    let leftovers: Vec<_> = fs::read_dir(d.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());

    // Defaults: the top 6 actors, into OUT_DIR/stance.svg.
    stance()
        .arg("plot")
        .arg(d.path())
        .arg("-q")
        .assert()
        .success()
        .stdout("");
    let svg = fs::read_to_string(d.path().join("stance.svg")).unwrap();
    assert_eq!(series_polylines(&svg).len(), 6);
}

#[test]
fn plot_dyads_roles_metrics_and_heatmap() {
    let d = tempfile::tempdir().unwrap();
    score_sample(d.path());
    let out = d.path().join("d.svg");
    stance()
        .arg("plot")
        .arg(d.path())
        .args(["--dyads", "PRK-KOR,KOR→PRK", "--metric", "mean_tone", "-o"])
        .arg(&out)
        .assert()
        .success();
    let svg = fs::read_to_string(&out).unwrap();
    assert_eq!(series_polylines(&svg).len(), 2);
    assert!(texts(&svg).iter().any(|t| t.starts_with("PRK→KOR (")));

    stance()
        .arg("plot")
        .arg(d.path())
        .args([
            "--role",
            "target",
            "--metric",
            "sentences",
            "--top",
            "3",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let svg = fs::read_to_string(&out).unwrap();
    assert_eq!(series_polylines(&svg).len(), 3);
    assert!(texts(&svg).iter().any(|t| t == "sentences"));

    let heat = d.path().join("h.svg");
    stance()
        .arg("plot")
        .arg(d.path())
        .args(["--heatmap", "--actors", "PRK,KOR,USA", "-o"])
        .arg(&heat)
        .assert()
        .success()
        .stdout(predicate::str::contains("3 × 3 actors"));
    let svg = fs::read_to_string(&heat).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    // 9 cells (3 × 3) plus the colour bar (20) and its "no sentences" key.
    let rects = doc.descendants().filter(|n| n.has_tag_name("rect")).count();
    assert!(rects >= 9 + 21, "{rects} rects");
    let t = texts(&svg);
    assert!(t.iter().any(|x| x.starts_with("n=")), "{t:?}");
    assert!(t.iter().any(|x| x == "source (rows)"));
}

#[test]
fn plot_reads_tables_saved_with_a_bom() {
    let d = tempfile::tempdir().unwrap();
    score_sample(d.path());
    let p = d.path().join("actors.csv");
    let body = fs::read_to_string(&p).unwrap();
    fs::write(&p, format!("\u{feff}{body}")).unwrap();
    stance()
        .arg("plot")
        .arg(d.path())
        .args(["--actors", "PRK", "-q"])
        .assert()
        .success();
}

#[test]
fn plot_says_what_is_missing() {
    let d = tempfile::tempdir().unwrap();
    stance().arg("plot").arg(d.path()).assert().code(2).stderr(
        predicate::str::contains("has no actors.csv").and(predicate::str::contains("stance score")),
    );
    stance()
        .arg("plot")
        .arg(d.path().join("nope"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a directory"));
    score_sample(d.path());
    stance()
        .arg("plot")
        .arg(d.path())
        .args(["--actors", "PRK,ATLANTIS"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("'ATLANTIS' is not in").and(predicate::str::contains("PRK")),
        );
    stance()
        .arg("plot")
        .arg(d.path())
        .args(["--dyads", "PRK-ATLANTIS"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no sentence from PRK toward ATLANTIS",
        ));
    stance()
        .arg("plot")
        .arg(d.path())
        .args(["--dyads", "PRK"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("write SOURCE-TARGET"));
    stance()
        .arg("plot")
        .arg(d.path())
        .args(["--role", "speaker"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("use source, target or mentioned"));
    stance()
        .arg("plot")
        .arg(d.path())
        .args(["-o", "/nonexistent-dir/x.svg"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not exist"));
    // An SVG is not written under another kind's name; .SVG is an SVG.
    let png = d.path().join("chart.png");
    stance()
        .arg("plot")
        .arg(d.path())
        .arg("-o")
        .arg(&png)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "stance plot writes SVG, so name the file .svg",
        ));
    assert!(!png.exists());
    stance()
        .arg("plot")
        .arg(d.path())
        .arg("-o")
        .arg(d.path().join("CHART.SVG"))
        .assert()
        .success();
    fs::remove_file(d.path().join("dyads.csv")).unwrap();
    stance()
        .arg("plot")
        .arg(d.path())
        .arg("--heatmap")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no dyads.csv"));
}

#[test]
fn plot_help_has_examples() {
    stance().args(["plot", "--help"]).assert().success().stdout(
        predicate::str::contains("stance plot stance-out --dyads PRK-KOR")
            .and(predicate::str::contains("--heatmap"))
            .and(predicate::str::contains("--role")),
    );
}
