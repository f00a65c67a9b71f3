//! `stance plot`: an SVG chart of stance over time, or a source × target
//! heatmap, from the tables `stance score` wrote.
//!
//! It reads the long tables `actors.csv` and `dyads.csv` (not the wide
//! ones): they hold every role and every metric, so one scored directory
//! can be charted any way without scoring again.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use stancemeter::aggregate::{Period, Role, Tally};
use stancemeter::output::svg::{self, Heatmap, Line, LineChart};
use stancemeter::output::wide::{WideMetric, full_periods, infer_kind, parse_period};
use stancemeter::output::{ACTORS_FILE, AtomicFile, DYADS_FILE};
use stancemeter::score::TONE_SCALE;

const AFTER_HELP: &str = "\
Reads actors.csv and dyads.csv from OUT_DIR (made by `stance score ... -o OUT_DIR`) and
writes an SVG chart: one line per actor (its net stance as source by default) or per dyad,
over every period of the run, with a zero line, labelled axes and a legend. Dots mark the
periods with data; lines join them across periods without. Undated documents are left out.

--heatmap draws a source × target matrix of the metric over the whole run instead: each
cell is one directed pair, coloured from red (hostile) to blue (conciliatory), with its
value and number of sentences.

Examples:
  stance score examples/news -o stance-out
  stance plot stance-out -o stance.svg                       top 6 actors as source
  stance plot stance-out --actors PRK,KOR,USA -o koreas.svg
  stance plot stance-out --dyads PRK-KOR,KOR-PRK -o pair.svg
  stance plot stance-out --role target --metric mean_tone -o targets.svg
  stance plot stance-out --heatmap -o heatmap.svg            top 12 actors in dyads
  stance plot stance-out --heatmap --actors PRK,KOR,USA,JPN,CHN -o heatmap.svg";

/// Draw an SVG chart of stance over time, or a source × target heatmap.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Output directory of `stance score` (holding actors.csv and dyads.csv).
    #[arg(value_name = "OUT_DIR")]
    dir: PathBuf,

    /// The SVG file to write (default: OUT_DIR/stance.svg, or OUT_DIR/heatmap.svg with
    /// --heatmap). Replaced if it exists.
    #[arg(short, long, value_name = "FILE.svg")]
    output: Option<PathBuf>,

    /// Actors to draw, by id (PRK,KOR,USA); default: the --top actors with most
    /// sentences in --role. With --heatmap: the rows and columns.
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    actors: Vec<String>,

    /// Dyads to draw as SRC-TGT pairs (PRK-KOR,USA-PRK): the metric of the sentences
    /// from SRC toward TGT.
    #[arg(
        long,
        value_name = "PAIRS",
        value_delimiter = ',',
        conflicts_with = "heatmap"
    )]
    dyads: Vec<String>,

    /// The actors' role: source (what they say and do), target (what is aimed at
    /// them) or mentioned (every sentence naming them).
    #[arg(long, default_value = "source", value_name = "ROLE", value_parser = parse_role, conflicts_with = "heatmap")]
    role: Role,

    /// What to draw: net_stance ((conciliatory - hostile) / sentences), mean_tone or
    /// sentences.
    #[arg(long, default_value = "net_stance", value_name = "METRIC", value_parser = parse_metric)]
    metric: WideMetric,

    /// Draw a source × target matrix over the whole run instead of lines.
    #[arg(long)]
    heatmap: bool,

    /// How many actors when none are chosen (default 6 lines, 12 heatmap rows).
    #[arg(long, value_name = "N")]
    top: Option<usize>,

    /// Chart title (default: says what is drawn).
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,

    /// No message on success.
    #[arg(short, long)]
    quiet: bool,
}

fn parse_role(s: &str) -> Result<Role, String> {
    match s.to_ascii_lowercase().as_str() {
        "source" => Ok(Role::Source),
        "target" => Ok(Role::Target),
        "mentioned" => Ok(Role::Mentioned),
        _ => Err(format!(
            "unknown role '{s}': use source, target or mentioned"
        )),
    }
}

fn parse_metric(s: &str) -> Result<WideMetric, String> {
    s.parse()
}

fn usage(msg: String) -> anyhow::Error {
    anyhow::Error::new(stancemeter::Error::Usage(msg))
}

/// One row of `actors.csv` or `dyads.csv`, as a tally.
#[derive(Debug, Clone)]
struct Row {
    period: Period,
    /// The actor (actors.csv) or source (dyads.csv).
    a: String,
    /// The role (actors.csv) or target (dyads.csv).
    b: String,
    /// The actor's name (actors.csv only).
    name: String,
    tally: Tally,
}

/// Undoes the `'` a formula-safe table put before `=`, `+`, `-`, `@`.
fn unquote(s: &str) -> &str {
    match s.as_bytes() {
        [b'\'', b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r', ..] => &s[1..],
        _ => s,
    }
}

/// Reads a long table, checking it has the columns needed.
fn read_table(
    dir: &Path,
    file: &str,
    a: &str,
    b: &str,
    name: Option<&str>,
) -> anyhow::Result<Vec<Row>> {
    let path = dir.join(file);
    if !dir.is_dir() {
        return Err(usage(format!(
            "'{}' is not a directory: make one with `stance score INPUT... -o {}`",
            dir.display(),
            dir.display()
        )));
    }
    if !path.is_file() {
        return Err(usage(format!(
            "'{}' has no {file}: it is written by `stance score INPUT... -o {}`",
            dir.display(),
            dir.display()
        )));
    }
    let mut rd =
        csv::Reader::from_path(&path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let header: Vec<String> = rd
        .headers()
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let col = |c: &str| {
        header.iter().position(|h| h == c).ok_or_else(|| {
            anyhow::anyhow!(
                "{}: no column '{c}' (is it a table written by `stance score`?)",
                path.display()
            )
        })
    };
    let (cp, ca, cb) = (col("period")?, col(a)?, col(b)?);
    let cn = name.map(col).transpose()?;
    let (cs, cc, cneu, ch, ct) = (
        col("sentences")?,
        col("conciliatory")?,
        col("neutral")?,
        col("hostile")?,
        col("mean_tone")?,
    );
    let mut rows = Vec::new();
    for (i, rec) in rd.records().enumerate() {
        let rec = rec.map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let line = i + 2;
        let get = |c: usize| rec.get(c).unwrap_or("");
        let num = |c: usize| -> anyhow::Result<u64> {
            get(c).parse().map_err(|_| {
                anyhow::anyhow!(
                    "{}:{line}: '{}' in column {} is not a count",
                    path.display(),
                    get(c),
                    header[c]
                )
            })
        };
        let period = parse_period(get(cp)).ok_or_else(|| {
            anyhow::anyhow!(
                "{}:{line}: '{}' is not a period label",
                path.display(),
                get(cp)
            )
        })?;
        let sentences = num(cs)?;
        let mean: f64 = get(ct).parse().map_err(|_| {
            anyhow::anyhow!(
                "{}:{line}: mean_tone '{}' is not a number",
                path.display(),
                get(ct)
            )
        })?;
        rows.push(Row {
            period,
            a: unquote(get(ca)).to_string(),
            b: unquote(get(cb)).to_string(),
            name: cn.map(|c| unquote(get(c)).to_string()).unwrap_or_default(),
            tally: Tally {
                sentences,
                conciliatory: num(cc)?,
                neutral: num(cneu)?,
                hostile: num(ch)?,
                tone_micros: (mean * sentences as f64 * TONE_SCALE).round() as i64,
            },
        });
    }
    Ok(rows)
}

/// The periods of the x axis: every period of the run's granularity from
/// the first to the last; undated rows and dates coarser than the rest are
/// left out (and counted).
fn axis(rows: &[&Row]) -> (Vec<Period>, usize) {
    let present: BTreeSet<Period> = rows.iter().map(|r| r.period).collect();
    let kind = infer_kind(&present);
    let keep = |p: &Period| p.is_kind(kind);
    let left_out = present.iter().filter(|p| !keep(p)).count();
    let kept: Vec<Period> = present.into_iter().filter(keep).collect();
    (full_periods(kept, kind), left_out)
}

fn kind_word(periods: &[Period]) -> &'static str {
    match periods.first() {
        Some(Period::Day(..)) => "by day",
        Some(Period::Week(..)) => "by ISO week",
        Some(Period::Month(..)) => "by month",
        Some(Period::Quarter(..)) => "by quarter",
        Some(Period::Year(..)) => "by year",
        _ => "over the whole run",
    }
}

/// Sums rows per key.
fn totals<'a, K: std::hash::Hash + Eq>(
    rows: impl Iterator<Item = &'a Row>,
    key: impl Fn(&Row) -> K,
) -> HashMap<K, Tally> {
    let mut m: HashMap<K, Tally> = HashMap::new();
    for r in rows {
        m.entry(key(r)).or_default().merge(&r.tally);
    }
    m
}

/// The keys with most sentences, then by key.
fn top_keys<K: Ord + Clone>(m: &HashMap<K, Tally>, n: usize) -> Vec<K> {
    let mut v: Vec<(&K, &Tally)> = m.iter().filter(|(_, t)| t.sentences > 0).collect();
    v.sort_by(|x, y| y.1.sentences.cmp(&x.1.sentences).then_with(|| x.0.cmp(y.0)));
    v.into_iter().take(n).map(|(k, _)| k.clone()).collect()
}

/// A short list for error messages: `PRK, KOR, USA and 12 more`.
fn some(v: &[String]) -> String {
    const SHOW: usize = 12;
    if v.len() <= SHOW {
        v.join(", ")
    } else {
        format!("{} and {} more", v[..SHOW].join(", "), v.len() - SHOW)
    }
}

/// `PRK-KOR`, `PRK→KOR` or `PRK>KOR` → (PRK, KOR).
fn parse_pair(s: &str) -> anyhow::Result<(String, String)> {
    let s = s.trim();
    let parts: Vec<&str> = s.split(['-', '>', '→']).filter(|p| !p.is_empty()).collect();
    match parts[..] {
        [a, b] => Ok((a.trim().to_ascii_uppercase(), b.trim().to_ascii_uppercase())),
        _ => Err(usage(format!(
            "--dyads: '{s}' is not a pair; write SOURCE-TARGET, e.g. --dyads PRK-KOR,USA-PRK"
        ))),
    }
}

/// Runs `stance plot`.
pub fn run(a: Args) -> anyhow::Result<()> {
    let out = a.output.clone().unwrap_or_else(|| {
        a.dir.join(if a.heatmap {
            "heatmap.svg"
        } else {
            "stance.svg"
        })
    });
    let actors: Vec<String> = a
        .actors
        .iter()
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| !s.is_empty())
        .collect();
    let (svg, what) = if a.heatmap {
        heatmap(&a, &actors)?
    } else {
        lines(&a, &actors)?
    };
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .ok_or_else(|| usage(format!("-o '{}' is not a file name", out.display())))?
        .to_string_lossy()
        .into_owned();
    // An SVG under another name (`chart.png`) would not open as what its
    // name says.
    match out.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("svg") => {}
        _ => {
            return Err(usage(format!(
                "-o '{}': stance plot writes SVG, so name the file .svg (for a PNG, convert \
                 it, e.g. `rsvg-convert chart.svg -o chart.png`)",
                out.display()
            )));
        }
    }
    if !parent.is_dir() {
        return Err(usage(format!(
            "cannot write '{}': directory '{}' does not exist",
            out.display(),
            parent.display()
        )));
    }
    let mut file = AtomicFile::create(&parent, &name)?;
    file.write_all(svg.as_bytes())
        .map_err(|e| stancemeter::Error::io(&out, e))?;
    file.commit()?;
    if !a.quiet {
        writeln!(std::io::stdout(), "Wrote {} ({what}).", out.display())?;
    }
    Ok(())
}

fn metric_axis(m: WideMetric) -> String {
    match m {
        WideMetric::NetStance => "net stance (conciliatory − hostile) / sentences".into(),
        WideMetric::MeanTone => "mean tone of the sentences".into(),
        WideMetric::Sentences => "sentences".into(),
    }
}

/// The line chart: actors in a role, and/or dyads.
fn lines(a: &Args, chosen: &[String]) -> anyhow::Result<(String, String)> {
    let actor_rows = read_table(&a.dir, ACTORS_FILE, "actor", "role", Some("actor_name"))?;
    let pairs: Vec<(String, String)> = a
        .dyads
        .iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| parse_pair(s))
        .collect::<anyhow::Result<_>>()?;
    let dyad_rows = if pairs.is_empty() {
        Vec::new()
    } else {
        read_table(&a.dir, DYADS_FILE, "source", "target", None)?
    };
    let role = a.role.as_str();
    let in_role: Vec<&Row> = actor_rows.iter().filter(|r| r.b == role).collect();
    if actor_rows.is_empty() {
        return Err(usage(format!(
            "{} has no rows: nothing to plot (did the corpus name any actor?)",
            a.dir.join(ACTORS_FILE).display()
        )));
    }
    // The actors to draw.
    let per_actor = totals(in_role.iter().copied(), |r| r.a.clone());
    let ids: Vec<String> = if !chosen.is_empty() {
        for id in chosen {
            if !per_actor.contains_key(id) {
                let roles: BTreeSet<&str> = actor_rows
                    .iter()
                    .filter(|r| &r.a == id)
                    .map(|r| r.b.as_str())
                    .collect();
                let known = top_keys(&per_actor, usize::MAX);
                return Err(usage(if roles.is_empty() {
                    format!(
                        "--actors: '{id}' is not in {}; actors there as {role}: {}",
                        a.dir.join(ACTORS_FILE).display(),
                        some(&known)
                    )
                } else {
                    format!(
                        "--actors: '{id}' has no rows as {role} in {} (it has rows as {}); try --role {}",
                        a.dir.join(ACTORS_FILE).display(),
                        roles.iter().copied().collect::<Vec<_>>().join(", "),
                        roles.iter().next().copied().unwrap_or("source")
                    )
                }));
            }
        }
        chosen.to_vec()
    } else if pairs.is_empty() {
        top_keys(&per_actor, a.top.unwrap_or(6))
    } else {
        Vec::new()
    };
    let per_pair = totals(dyad_rows.iter(), |r| (r.a.clone(), r.b.clone()));
    for (s, t) in &pairs {
        if !per_pair.contains_key(&(s.clone(), t.clone())) {
            let known: Vec<String> = top_keys(&per_pair, 8)
                .into_iter()
                .map(|(s, t)| format!("{s}-{t}"))
                .collect();
            return Err(usage(format!(
                "--dyads: no sentence from {s} toward {t} in {}; the pairs with most sentences: {}",
                a.dir.join(DYADS_FILE).display(),
                some(&known)
            )));
        }
    }
    let used: Vec<&Row> = in_role
        .iter()
        .copied()
        .filter(|r| ids.contains(&r.a))
        .chain(
            dyad_rows
                .iter()
                .filter(|r| pairs.contains(&(r.a.clone(), r.b.clone()))),
        )
        .collect();
    // The axis covers the whole run, not only the drawn series.
    let all: Vec<&Row> = actor_rows.iter().chain(dyad_rows.iter()).collect();
    let (periods, left_out) = axis(&all);
    if periods.is_empty() {
        return Err(usage(format!(
            "{} has only undated rows: no time axis to plot",
            a.dir.join(ACTORS_FILE).display()
        )));
    }
    let index: HashMap<Period, usize> = periods.iter().enumerate().map(|(i, p)| (*p, i)).collect();
    let m = a.metric;
    let mut lines = Vec::new();
    let names: HashMap<&str, &str> = actor_rows
        .iter()
        .map(|r| (r.a.as_str(), r.name.as_str()))
        .collect();
    let mut series = |label: String, rows: Vec<&Row>| {
        let mut values = vec![None; periods.len()];
        for r in rows {
            if let Some(&i) = index.get(&r.period)
                && r.tally.sentences > 0
            {
                values[i] = Some(m.value(&r.tally));
            }
        }
        lines.push(Line { label, values });
    };
    for id in &ids {
        let rows: Vec<&Row> = used
            .iter()
            .copied()
            .filter(|r| &r.a == id && r.b == role)
            .collect();
        let n: u64 = rows.iter().map(|r| r.tally.sentences).sum();
        let name = names.get(id.as_str()).copied().unwrap_or("");
        let label = if name.is_empty() || name == id {
            format!("{id} ({n} sentences)")
        } else {
            format!("{id} {name} ({n} sentences)")
        };
        series(label, rows);
    }
    for (s, t) in &pairs {
        let rows: Vec<&Row> = dyad_rows
            .iter()
            .filter(|r| &r.a == s && &r.b == t)
            .collect();
        let n: u64 = rows.iter().map(|r| r.tally.sentences).sum();
        series(format!("{s}→{t} ({n} sentences)"), rows);
    }
    let span = match (periods.first(), periods.last()) {
        (Some(f), Some(l)) if f != l => format!(", {f} to {l}"),
        _ => String::new(),
    };
    let subject = match (ids.is_empty(), pairs.is_empty()) {
        (false, true) => format!(" as {role}"),
        (true, false) => " by dyad (source→target)".to_string(),
        _ => String::new(),
    };
    let title = a
        .title
        .clone()
        .unwrap_or_else(|| format!("{}{subject}, {}{span}", m.label(), kind_word(&periods)));
    let mut caption =
        String::from("Dots: periods with data; lines join them across periods without.");
    if left_out > 0 {
        caption.push_str(&format!(
            " {left_out} undated or coarser-dated period(s) not shown."
        ));
    }
    let chart = LineChart {
        title,
        y_label: metric_axis(m),
        x_label: "period".into(),
        periods: periods.iter().map(|p| p.to_string()).collect(),
        lines,
        signed: m.is_signed(),
        caption,
        size: (1000, 540),
    };
    let svg = svg::line_chart(&chart)?;
    let what = format!(
        "{} line(s), {} period(s)",
        chart.lines.len(),
        chart.periods.len()
    );
    Ok((svg, what))
}

/// The source × target heatmap over the whole run.
fn heatmap(a: &Args, chosen: &[String]) -> anyhow::Result<(String, String)> {
    let rows = read_table(&a.dir, DYADS_FILE, "source", "target", None)?;
    if rows.is_empty() {
        return Err(usage(format!(
            "{} has no rows: no dyad to plot",
            a.dir.join(DYADS_FILE).display()
        )));
    }
    let per_pair = totals(rows.iter(), |r| (r.a.clone(), r.b.clone()));
    let mut per_actor: HashMap<String, Tally> = HashMap::new();
    for ((s, t), v) in &per_pair {
        per_actor.entry(s.clone()).or_default().merge(v);
        per_actor.entry(t.clone()).or_default().merge(v);
    }
    let ids = if chosen.is_empty() {
        let mut top = top_keys(&per_actor, a.top.unwrap_or(12));
        top.sort();
        top
    } else {
        for id in chosen {
            if !per_actor.contains_key(id) {
                return Err(usage(format!(
                    "--actors: '{id}' is in no dyad of {}; actors there: {}",
                    a.dir.join(DYADS_FILE).display(),
                    some(&top_keys(&per_actor, usize::MAX))
                )));
            }
        }
        chosen.to_vec()
    };
    let m = a.metric;
    let cells: Vec<Vec<Option<(f64, u64)>>> = ids
        .iter()
        .map(|s| {
            ids.iter()
                .map(|t| {
                    per_pair
                        .get(&(s.clone(), t.clone()))
                        .filter(|v| v.sentences > 0)
                        .map(|v| (m.value(v), v.sentences))
                })
                .collect()
        })
        .collect();
    let periods: BTreeSet<String> = rows.iter().map(|r| r.period.to_string()).collect();
    let dated: Vec<&String> = periods.iter().filter(|p| *p != "undated").collect();
    let span = match (dated.first(), dated.last()) {
        (Some(f), Some(l)) if f != l => format!(", {f} to {l}"),
        (Some(f), _) => format!(", {f}"),
        _ => String::new(),
    };
    let title = a.title.clone().unwrap_or_else(|| {
        format!(
            "{} from source (row) toward target (column){span}",
            m.label()
        )
    });
    let shown: u64 = cells.iter().flatten().flatten().map(|(_, n)| n).sum();
    let map = Heatmap {
        title,
        rows: ids.clone(),
        cols: ids.clone(),
        cells,
        signed: m.is_signed(),
        scale_label: m.label().to_string(),
        caption: format!(
            "Each cell: sentences from the row's actor toward the column's; n = sentences ({shown} in all). Source: {}",
            a.dir.join(DYADS_FILE).display()
        ),
    };
    let svg = svg::heatmap(&map)?;
    Ok((svg, format!("{0} × {0} actors", ids.len())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_parse_in_three_spellings() {
        for s in ["PRK-KOR", "prk→kor", "PRK>KOR"] {
            assert_eq!(parse_pair(s).unwrap(), ("PRK".into(), "KOR".into()));
        }
        let e = parse_pair("PRK").unwrap_err().to_string();
        assert!(e.contains("write SOURCE-TARGET"), "{e}");
    }

    #[test]
    fn formula_quotes_are_undone() {
        assert_eq!(unquote("'-X"), "-X");
        assert_eq!(unquote("'a"), "'a");
    }
}
