//! `stance eval`: accuracy against gold-labelled sentences.

use std::io::Write;
use std::path::{Path, PathBuf};

use stancemeter::eval::{EvalReport, LABELS, Prf, evaluate, read_gold};
use stancemeter::output::{AtomicFile, CellPolicy, CsvFile};

const AFTER_HELP: &str = "\
The gold file is JSON Lines, one sentence per line:
  {\"id\": \"g1\", \"date\": \"2024-05-01\", \"text\": \"...\", \"actors\": [\"PRK\", \"KOR\"],
   \"source\": \"PRK\", \"also_sources\": [], \"targets\": [\"KOR\"], \"tone\": \"hostile\"}
Actor ids are rolled up (KCNA and Kim Jong Un count as PRK).

Prints tone accuracy, macro-F1 and the confusion matrix; actor precision, recall and F1;
source accuracy (no gold source is right when none is predicted; also_sources count as
right); target precision, recall and F1. Writes every item that is wrong anywhere, with
gold and predicted values and the evidence, to eval-errors.csv.

The --min-* options turn it into a gate: exit 1 when a figure falls below its minimum.

Examples:
  stance eval gold.jsonl
  stance eval gold.jsonl --lexicons my-lex --errors my-errors.csv
  stance eval gold.jsonl --min-tone-acc 0.85 --min-source-acc 0.8";

/// Measure accuracy against gold-labelled sentences.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Gold file (JSON Lines).
    gold: PathBuf,

    /// Directory of lexicon files overriding the built-in ones.
    #[arg(long, value_name = "DIR")]
    lexicons: Option<PathBuf>,

    /// Where to write the items that are wrong anywhere.
    #[arg(long, value_name = "FILE", default_value = "eval-errors.csv")]
    errors: PathBuf,

    /// Fail (exit 1) if tone accuracy is below this.
    #[arg(long, value_name = "X")]
    min_tone_acc: Option<f64>,

    /// Fail if actor F1 is below this.
    #[arg(long, value_name = "X")]
    min_actor_f1: Option<f64>,

    /// Fail if source accuracy is below this.
    #[arg(long, value_name = "X")]
    min_source_acc: Option<f64>,

    /// Fail if target F1 is below this.
    #[arg(long, value_name = "X")]
    min_target_f1: Option<f64>,
}

/// Runs `stance eval`.
///
/// The errors file is written and the gates are checked whatever happens to
/// standard output: with `stance eval ... | head -1` the pipe closes early,
/// which is not an error (exit 0), but a gate that fails still exits 1.
pub fn run(a: Args) -> anyhow::Result<()> {
    let lex = super::load_lexicons(a.lexicons.as_deref())?;
    let gold = read_gold(&a.gold)?;
    let r = evaluate(&lex, &gold);
    let wrong = write_errors(&a.errors, &r)?;
    let printed = print_report(&mut std::io::stdout().lock(), &a, &r, wrong);

    let mut failed = Vec::new();
    let mut gate = |name: &str, value: f64, min: Option<f64>| {
        if let Some(m) = min
            && value < m
        {
            failed.push(format!("{name} {value:.3} < {m}"));
        }
    };
    gate("tone accuracy", r.tone_accuracy(), a.min_tone_acc);
    gate("actor F1", r.actors.f1(), a.min_actor_f1);
    gate("source accuracy", r.source_accuracy(), a.min_source_acc);
    gate("target F1", r.targets.f1(), a.min_target_f1);
    if !failed.is_empty() {
        anyhow::bail!("below the minimum: {}", failed.join(", "));
    }
    // A closed pipe comes back as an io error that main.rs turns into exit 0.
    printed?;
    Ok(())
}

/// Prints the metrics with `writeln!` (not `println!`, which panics when
/// the reader of a pipe has gone).
fn print_report(
    out: &mut impl Write,
    a: &Args,
    r: &EvalReport,
    wrong: usize,
) -> std::io::Result<()> {
    writeln!(out, "{} items from {}", r.items, a.gold.display())?;
    writeln!(out)?;
    writeln!(
        out,
        "tone     accuracy {:.3}   macro-F1 {:.3}",
        r.tone_accuracy(),
        r.tone_macro_f1()
    )?;
    writeln!(
        out,
        "         gold \\ predicted  conciliatory  neutral  hostile"
    )?;
    for (i, l) in LABELS.iter().enumerate() {
        writeln!(
            out,
            "         {l:<18} {:>12} {:>8} {:>8}",
            r.confusion[i][0], r.confusion[i][1], r.confusion[i][2]
        )?;
    }
    let prf = |out: &mut dyn Write, name: &str, p: &Prf| {
        writeln!(
            out,
            "{name:<8} precision {:.3}   recall {:.3}   F1 {:.3}   (tp {}, fp {}, fn {})",
            p.precision(),
            p.recall(),
            p.f1(),
            p.tp,
            p.fp,
            p.r#fn
        )
    };
    prf(out, "actors", &r.actors)?;
    writeln!(out, "source   accuracy {:.3}", r.source_accuracy())?;
    prf(out, "targets", &r.targets)?;
    writeln!(
        out,
        "\n{wrong} item(s) wrong somewhere: see {}",
        a.errors.display()
    )
}

/// Writes every item that is wrong somewhere to `path`; returns how many.
fn write_errors(path: &Path, r: &EvalReport) -> anyhow::Result<usize> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| anyhow::anyhow!("--errors needs a file name"))?
        .to_string_lossy()
        .into_owned();
    let header = [
        "id",
        "wrong",
        "text",
        "gold_tone",
        "tone",
        "score",
        "gold_actors",
        "actors",
        "gold_source",
        "source",
        "gold_targets",
        "targets",
        "evidence",
    ];
    let mut f = CsvFile::create(&dir, &name, &header, CellPolicy::default())?;
    let mut n = 0;
    for (g, p, wrong) in r.errors() {
        n += 1;
        let text = f.cell(&g.text).into_owned();
        let ev = f.cell(&p.evidence).into_owned();
        f.row([
            g.id.as_str(),
            &wrong.join(";"),
            &text,
            &g.tone,
            &p.tone,
            &format!("{:.4}", p.score),
            &g.actors.join(";"),
            &p.actors.join(";"),
            g.source.as_deref().unwrap_or(""),
            p.source.as_deref().unwrap_or(""),
            &g.targets.join(";"),
            &p.targets.join(";"),
            &ev,
        ])?;
    }
    let file: AtomicFile = f.finish()?;
    file.commit()?;
    Ok(n)
}
