//! Accuracy against a gold file: tone, actors, source and targets.
//!
//! A gold file is JSON Lines, one labelled sentence per line:
//! `{"id", "text", "date", "actors": [...], "source": "PRK" | null,
//! "also_sources": [...], "targets": [...], "tone": "hostile"}`. Every item
//! is scored with the current lexicons and compared on rolled-up actor ids:
//!
//! * **tone**: accuracy, macro-F1 over the three labels, confusion matrix;
//! * **actors**: micro precision, recall and F1 over (item, actor) pairs;
//! * **source**: accuracy; no gold source counts as right when none is
//!   predicted, and `also_sources` are accepted as right;
//! * **targets**: micro precision, recall and F1.
//!
//! ```
//! use stancemeter::{Lexicons, eval::{GoldItem, evaluate}};
//! let lex = Lexicons::defaults()?;
//! let gold: GoldItem = serde_json::from_str(r#"{"id":"x1","date":"2024-01-02",
//!   "text":"Pyongyang condemned Seoul.","actors":["PRK","KOR"],
//!   "source":"PRK","targets":["KOR"],"tone":"hostile"}"#).unwrap();
//! let report = evaluate(&lex, &[gold]);
//! assert_eq!(report.tone_accuracy(), 1.0);
//! assert_eq!(report.source_accuracy(), 1.0);
//! # Ok::<(), stancemeter::Error>(())
//! ```

use std::io::BufRead;
use std::path::Path;

use crate::corpus::DocDate;
use crate::error::{Error, Result};
use crate::lexicon::Lexicons;
use crate::score::Scorer;

/// One gold-labelled sentence.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct GoldItem {
    /// Item id.
    #[serde(default)]
    pub id: String,
    /// The sentence.
    pub text: String,
    /// Its date (decides date-limited aliases).
    #[serde(default)]
    pub date: Option<String>,
    /// Every actor mentioned, rolled up.
    #[serde(default)]
    pub actors: Vec<String>,
    /// The source, if any.
    #[serde(default)]
    pub source: Option<String>,
    /// Co-sources, also accepted as the source.
    #[serde(default)]
    pub also_sources: Vec<String>,
    /// Targets.
    #[serde(default)]
    pub targets: Vec<String>,
    /// `hostile`, `conciliatory` or `neutral`.
    pub tone: String,
}

/// What the tool predicted for one item.
#[derive(Debug, Clone, Default)]
pub struct Prediction {
    /// Label.
    pub tone: String,
    /// Tone value.
    pub score: f64,
    /// Actors, rolled up, in order of mention.
    pub actors: Vec<String>,
    /// Source.
    pub source: Option<String>,
    /// Targets.
    pub targets: Vec<String>,
    /// Evidence, as in `sentences.csv`.
    pub evidence: String,
}

/// Precision / recall counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Prf {
    /// True positives.
    pub tp: u64,
    /// False positives.
    pub fp: u64,
    /// False negatives.
    pub r#fn: u64,
}

impl Prf {
    fn add(&mut self, gold: &[String], pred: &[String]) {
        for p in pred {
            if gold.contains(p) {
                self.tp += 1;
            } else {
                self.fp += 1;
            }
        }
        self.r#fn += gold.iter().filter(|g| !pred.contains(g)).count() as u64;
    }

    /// tp / (tp + fp); 1 when nothing was predicted.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// tp / (tp + fn); 1 when there was nothing to find.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.r#fn)
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// The labels in confusion-matrix order.
pub const LABELS: [&str; 3] = ["conciliatory", "neutral", "hostile"];

/// The results of an evaluation.
#[derive(Debug, Clone, Default)]
pub struct EvalReport {
    /// Items evaluated.
    pub items: u64,
    /// `confusion[gold][predicted]`, in [`LABELS`] order.
    pub confusion: [[u64; 3]; 3],
    /// Actor detection.
    pub actors: Prf,
    /// Sources right.
    pub source_right: u64,
    /// Target detection.
    pub targets: Prf,
    /// Per item: gold, prediction, and which parts were wrong.
    pub rows: Vec<(GoldItem, Prediction, Vec<&'static str>)>,
}

impl EvalReport {
    /// Share of items with the right label.
    pub fn tone_accuracy(&self) -> f64 {
        let right: u64 = (0..3).map(|i| self.confusion[i][i]).sum();
        ratio(right, self.items)
    }

    /// Mean F1 over the three labels.
    pub fn tone_macro_f1(&self) -> f64 {
        let mut sum = 0.0;
        for i in 0..3 {
            let tp = self.confusion[i][i];
            let fp: u64 = (0..3)
                .filter(|&g| g != i)
                .map(|g| self.confusion[g][i])
                .sum();
            let fnn: u64 = (0..3)
                .filter(|&p| p != i)
                .map(|p| self.confusion[i][p])
                .sum();
            sum += Prf { tp, fp, r#fn: fnn }.f1();
        }
        sum / 3.0
    }

    /// Share of items with an acceptable source.
    pub fn source_accuracy(&self) -> f64 {
        ratio(self.source_right, self.items)
    }

    /// The items wrong anywhere.
    pub fn errors(&self) -> impl Iterator<Item = &(GoldItem, Prediction, Vec<&'static str>)> {
        self.rows.iter().filter(|r| !r.2.is_empty())
    }
}

/// Reads a gold JSON Lines file; a bad line is an error naming it.
pub fn read_gold(path: &Path) -> Result<Vec<GoldItem>> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let item: GoldItem = serde_json::from_str(&line).map_err(|e| Error::Record {
            input: path.display().to_string(),
            location: format!("line {}", i + 1),
            reason: format!("not a gold item ({e}); each line needs at least text and tone"),
        })?;
        if !LABELS.contains(&item.tone.as_str()) {
            return Err(Error::Record {
                input: path.display().to_string(),
                location: format!("line {}", i + 1),
                reason: format!(
                    "tone '{}' is not conciliatory, neutral or hostile",
                    item.tone
                ),
            });
        }
        out.push(item);
    }
    Ok(out)
}

/// Scores one sentence and reports it the way the gold file does.
pub fn predict(lex: &Lexicons, text: &str, date: Option<DocDate>) -> Prediction {
    let s = Scorer::new(lex).score_sentence(text, date);
    let id = |i: usize| {
        lex.actors()[lex.actors()[s.matches.actors[i].actor].root]
            .id
            .clone()
    };
    let mut actors: Vec<String> = Vec::new();
    for i in 0..s.matches.actors.len() {
        let a = id(i);
        if !actors.contains(&a) {
            actors.push(a);
        }
    }
    let source = s.attribution.source.map(id);
    let mut targets: Vec<String> = Vec::new();
    for &t in &s.attribution.targets {
        let a = id(t);
        if Some(&a) != source.as_ref() && !targets.contains(&a) {
            targets.push(a);
        }
    }
    Prediction {
        tone: s.label.as_str().to_string(),
        score: s.tone,
        actors,
        source,
        targets,
        evidence: s.evidence(lex, text),
    }
}

/// Scores every gold item and compares.
pub fn evaluate(lex: &Lexicons, gold: &[GoldItem]) -> EvalReport {
    let mut r = EvalReport::default();
    let idx = |l: &str| LABELS.iter().position(|x| *x == l).unwrap_or(1);
    for g in gold {
        let date = g.date.as_deref().and_then(DocDate::parse);
        let p = predict(lex, &g.text, date);
        r.items += 1;
        r.confusion[idx(&g.tone)][idx(&p.tone)] += 1;
        r.actors.add(&g.actors, &p.actors);
        r.targets.add(&g.targets, &p.targets);
        let source_ok = match (&g.source, &p.source) {
            (None, None) => true,
            (Some(gs), Some(ps)) => gs == ps || g.also_sources.contains(ps),
            _ => false,
        };
        r.source_right += source_ok as u64;
        let mut wrong = Vec::new();
        if g.tone != p.tone {
            wrong.push("tone");
        }
        let same_set =
            |a: &[String], b: &[String]| a.len() == b.len() && a.iter().all(|x| b.contains(x));
        if !same_set(&g.actors, &p.actors) {
            wrong.push("actors");
        }
        if !source_ok {
            wrong.push("source");
        }
        if !same_set(&g.targets, &p.targets) {
            wrong.push("targets");
        }
        r.rows.push((g.clone(), p, wrong));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(json: &str) -> GoldItem {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn metrics_count_what_they_should() {
        let lex = Lexicons::defaults().unwrap();
        let gold = vec![
            item(
                r#"{"text":"Pyongyang condemned Seoul.","actors":["PRK","KOR"],"source":"PRK","targets":["KOR"],"tone":"hostile"}"#,
            ),
            // Wrong on purpose: gold says conciliatory and USA.
            item(
                r#"{"text":"Pyongyang condemned Seoul.","actors":["PRK","KOR","USA"],"source":"USA","targets":["KOR"],"tone":"conciliatory"}"#,
            ),
            item(
                r#"{"text":"It rained all day.","actors":[],"source":null,"targets":[],"tone":"neutral"}"#,
            ),
        ];
        let r = evaluate(&lex, &gold);
        assert_eq!(r.items, 3);
        assert!((r.tone_accuracy() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(r.confusion[0][2], 1); // gold conciliatory, predicted hostile
        assert_eq!(
            r.actors,
            Prf {
                tp: 4,
                fp: 0,
                r#fn: 1
            }
        );
        assert_eq!(r.source_right, 2);
        assert_eq!(
            r.targets,
            Prf {
                tp: 2,
                fp: 0,
                r#fn: 0
            }
        );
        let errors: Vec<_> = r.errors().map(|e| e.2.clone()).collect();
        assert_eq!(errors, [vec!["tone", "actors", "source"]]);
    }

    #[test]
    fn also_sources_count_as_right() {
        let lex = Lexicons::defaults().unwrap();
        let gold = [item(
            r#"{"text":"Seoul and Tokyo signed a defence pact.","actors":["KOR","JPN"],"source":"JPN","also_sources":["KOR"],"targets":["KOR"],"tone":"conciliatory"}"#,
        )];
        assert_eq!(evaluate(&lex, &gold).source_right, 1);
    }

    #[test]
    fn bad_gold_line_names_the_line() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("g.jsonl");
        std::fs::write(
            &p,
            "{\"text\":\"a\",\"tone\":\"neutral\"}\n{\"text\":\"b\",\"tone\":\"angry\"}\n",
        )
        .unwrap();
        let e = read_gold(&p).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("'angry'"), "{e}");
    }
}
