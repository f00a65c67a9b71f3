//! Wide tables: one row per period, one column per actor or dyad.
//!
//! `stance_wide.csv` has `period` and one column per actor (its net stance
//! as source by default, actors ordered by their sentences as source);
//! `dyads_wide.csv` has one column per `SRC→TGT` pair among the pairs with
//! most sentences. Every period between the first and the last dated period
//! of the run is present, with empty cells where there is no data, so a
//! chart's time axis has no gaps; `undated` comes last. These are the tables
//! to chart in a spreadsheet: select the table, insert a line chart.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use chrono::{Datelike, NaiveDate};

use crate::aggregate::{Aggregates, Period, PeriodKind, Role, Tally};
use crate::error::{Error, Result};
use crate::lexicon::Lexicons;
use crate::output::{AtomicFile, CellPolicy, CsvFile, fixed4, safe_cell};

/// The actor wide table.
pub const STANCE_WIDE_FILE: &str = "stance_wide.csv";
/// The dyad wide table.
pub const DYADS_WIDE_FILE: &str = "dyads_wide.csv";
/// Dyad columns in `dyads_wide.csv` (and lines in each chart) by default.
pub const DEFAULT_TOP: usize = 10;
/// At most this many periods are filled in between the first and the last
/// dated period; a longer range (a stray date centuries away under
/// `--period day`) keeps only the periods that have data.
pub const MAX_FILLED_PERIODS: usize = 100_000;

/// The number in each cell of a wide table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WideMetric {
    /// (conciliatory − hostile) / sentences, in [−1, 1] (the default).
    #[default]
    NetStance,
    /// Mean sentence tone, in [−1, 1].
    MeanTone,
    /// Sentences counted.
    Sentences,
}

impl WideMetric {
    /// `net_stance`, `mean_tone` or `sentences`: the column name in the
    /// long tables.
    pub fn as_str(&self) -> &'static str {
        match self {
            WideMetric::NetStance => "net_stance",
            WideMetric::MeanTone => "mean_tone",
            WideMetric::Sentences => "sentences",
        }
    }

    /// A label for chart axes and titles.
    pub fn label(&self) -> &'static str {
        match self {
            WideMetric::NetStance => "Net stance",
            WideMetric::MeanTone => "Mean tone",
            WideMetric::Sentences => "Sentences",
        }
    }

    /// The value of a tally.
    pub fn value(&self, t: &Tally) -> f64 {
        match self {
            WideMetric::NetStance => t.net_stance(),
            WideMetric::MeanTone => t.mean_tone(),
            WideMetric::Sentences => t.sentences as f64,
        }
    }

    /// The cell text of a tally: 4 decimals, or an integer for sentences.
    pub fn format(&self, t: &Tally) -> String {
        match self {
            WideMetric::Sentences => t.sentences.to_string(),
            _ => fixed4(self.value(t)),
        }
    }

    /// True for the metrics bounded by [−1, 1].
    pub fn is_signed(&self) -> bool {
        !matches!(self, WideMetric::Sentences)
    }
}

impl std::str::FromStr for WideMetric {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<WideMetric, String> {
        Ok(match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "net_stance" | "net" | "stance" => WideMetric::NetStance,
            "mean_tone" | "tone" => WideMetric::MeanTone,
            "sentences" | "count" => WideMetric::Sentences,
            _ => {
                return Err(format!(
                    "unknown metric '{s}': use net_stance, mean_tone or sentences"
                ));
            }
        })
    }
}

/// What the wide tables (and the `.xlsx` charts) show.
#[derive(Debug, Clone)]
pub struct WideOptions {
    /// The actors to show (`--wide-actors PRK,KOR,USA`), in this order;
    /// `None` for every actor with sentences as source, by volume. When
    /// given, `dyads_wide.csv` keeps the pairs between them (with one actor:
    /// the pairs it is part of).
    pub actors: Option<Vec<String>>,
    /// The number in each cell.
    pub metric: WideMetric,
    /// Dyad columns in `dyads_wide.csv`; also the lines in each `.xlsx`
    /// chart, up to [`CHART_LINES`](crate::output::xlsx::CHART_LINES).
    pub top: usize,
    /// The run's period, to fill in the periods without data.
    pub period: PeriodKind,
}

impl Default for WideOptions {
    fn default() -> WideOptions {
        WideOptions {
            actors: None,
            metric: WideMetric::NetStance,
            top: DEFAULT_TOP,
            period: PeriodKind::Month,
        }
    }
}

/// Splits `PRK,KOR, usa` into upper-case ids (for `--wide-actors`).
pub fn parse_actor_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|a| a.trim().to_ascii_uppercase())
        .filter(|a| !a.is_empty())
        .collect()
}

/// The actor indices of `ids`, or a usage error naming the first unknown
/// id. Call it before a run to check `--wide-actors`.
pub fn resolve_actors(lex: &Lexicons, ids: &[String]) -> Result<Vec<u32>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let up = id.trim().to_ascii_uppercase();
        let Some(i) = lex.actor_index(&up) else {
            return Err(Error::Usage(format!(
                "--wide-actors: '{id}' is not an actor id in actors.csv (use ids such as PRK, USA, UN)"
            )));
        };
        if !out.contains(&(i as u32)) {
            out.push(i as u32);
        }
    }
    Ok(out)
}

/// A wide table: one row per period, one column per series.
#[derive(Debug, Clone, PartialEq)]
pub struct WideTable {
    /// Column names (actor ids, or `SRC→TGT`), without `period`.
    pub columns: Vec<String>,
    /// Display names of the columns (actor names, or `Source → Target`).
    pub names: Vec<String>,
    /// Period labels, sorted as text (chronologically), `undated` last.
    pub periods: Vec<String>,
    /// `cells[row][col]`: the tally, `None` where there is no data.
    pub cells: Vec<Vec<Option<Tally>>>,
}

impl WideTable {
    /// Sentences per column over all periods.
    pub fn column_totals(&self) -> Vec<u64> {
        let mut t = vec![0; self.columns.len()];
        for row in &self.cells {
            for (c, v) in row.iter().enumerate() {
                t[c] += v.map_or(0, |v| v.sentences);
            }
        }
        t
    }
}

/// The period after `p` at its own precision (`2024-12` → `2025-01`,
/// `2020-W53` → `2021-W01`); `None` for `all` and `undated`.
///
/// ```
/// use stancemeter::aggregate::Period;
/// use stancemeter::output::wide::next_period;
/// assert_eq!(next_period(Period::Month(2024, 12)), Some(Period::Month(2025, 1)));
/// assert_eq!(next_period(Period::Week(2020, 53)), Some(Period::Week(2021, 1)));
/// ```
pub fn next_period(p: Period) -> Option<Period> {
    Some(match p {
        Period::Year(y) => Period::Year(y + 1),
        Period::Quarter(y, 4) => Period::Quarter(y + 1, 1),
        Period::Quarter(y, q) => Period::Quarter(y, q + 1),
        Period::Month(y, 12) => Period::Month(y + 1, 1),
        Period::Month(y, m) => Period::Month(y, m + 1),
        Period::Week(y, w) if u32::from(w) >= iso_weeks_in(y) => Period::Week(y + 1, 1),
        Period::Week(y, w) => Period::Week(y, w + 1),
        Period::Day(y, m, d) => {
            let next = NaiveDate::from_ymd_opt(y, m.into(), d.into())?.succ_opt()?;
            Period::Day(next.year(), next.month() as u8, next.day() as u8)
        }
        Period::All | Period::Undated => return None,
    })
}

/// 52 or 53: the ISO weeks of year `y` (28 December is always in the last).
fn iso_weeks_in(y: i32) -> u32 {
    NaiveDate::from_ymd_opt(y, 12, 28).map_or(52, |d| d.iso_week().week())
}

/// Every period of `kind` from the first to the last of `present` at that
/// granularity, plus every other period of `present` (a coarser date kept
/// at its own precision, `undated`), sorted as text: chronologically, with
/// `undated` last. A range longer than [`MAX_FILLED_PERIODS`] is not filled.
///
/// ```
/// use stancemeter::aggregate::{Period, PeriodKind};
/// use stancemeter::output::wide::full_periods;
/// let p = full_periods([Period::Month(2023, 11), Period::Month(2024, 2), Period::Undated], PeriodKind::Month);
/// let text: Vec<String> = p.iter().map(|p| p.to_string()).collect();
/// assert_eq!(text, ["2023-11", "2023-12", "2024-01", "2024-02", "undated"]);
/// ```
pub fn full_periods(present: impl IntoIterator<Item = Period>, kind: PeriodKind) -> Vec<Period> {
    let present: BTreeSet<Period> = present.into_iter().collect();
    let mut all = present.clone();
    let mut dated = present.iter().copied().filter(|p| p.is_kind(kind));
    if let Some(first) = dated.next() {
        let last = dated.next_back().unwrap_or(first);
        let mut filled = Vec::new();
        let mut p = first;
        while p < last && filled.len() < MAX_FILLED_PERIODS {
            filled.push(p);
            match next_period(p) {
                Some(n) => p = n,
                None => break,
            }
        }
        if p == last {
            all.extend(filled);
        }
    }
    let mut v: Vec<(String, Period)> = all.into_iter().map(|p| (p.to_string(), p)).collect();
    v.sort();
    v.into_iter().map(|(_, p)| p).collect()
}

/// Reads a period label back (`2024-01`, `2024-W05`, `2024-Q1`, `2024`,
/// `2024-01-08`, `all`, `undated`).
///
/// ```
/// use stancemeter::aggregate::Period;
/// use stancemeter::output::wide::parse_period;
/// assert_eq!(parse_period("2024-W05"), Some(Period::Week(2024, 5)));
/// assert_eq!(parse_period("2024-13"), None);
/// ```
pub fn parse_period(s: &str) -> Option<Period> {
    let num = |t: &str| -> Option<u32> {
        (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    match s {
        "all" => return Some(Period::All),
        "undated" => return Some(Period::Undated),
        _ => {}
    }
    let parts: Vec<&str> = s.split('-').collect();
    let year = i32::try_from(num(parts[0]).filter(|_| parts[0].len() == 4)?).ok()?;
    match parts[1..] {
        [] => Some(Period::Year(year)),
        [q] if q.starts_with('Q') => {
            let q = num(&q[1..])?;
            (1..=4)
                .contains(&q)
                .then_some(Period::Quarter(year, q as u8))
        }
        [w] if w.starts_with('W') => {
            let w = num(&w[1..])?;
            (1..=iso_weeks_in(year))
                .contains(&w)
                .then_some(Period::Week(year, w as u8))
        }
        [m] => {
            let m = num(m)?;
            (1..=12)
                .contains(&m)
                .then_some(Period::Month(year, m as u8))
        }
        [m, d] => {
            let date = NaiveDate::from_ymd_opt(year, num(m)?, num(d)?)?;
            Some(Period::Day(year, date.month() as u8, date.day() as u8))
        }
        _ => None,
    }
}

/// The granularity most periods in `periods` have (`undated` and `all`
/// aside): what a table read back was made with.
pub fn infer_kind<'a>(periods: impl IntoIterator<Item = &'a Period>) -> PeriodKind {
    let mut counts: HashMap<u8, usize> = HashMap::new();
    for p in periods {
        let k = match p {
            Period::Day(..) => 0,
            Period::Week(..) => 1,
            Period::Month(..) => 2,
            Period::Quarter(..) => 3,
            Period::Year(..) => 4,
            Period::All | Period::Undated => 5,
        };
        *counts.entry(k).or_default() += 1;
    }
    let best = counts
        .iter()
        .filter(|(k, _)| **k < 5)
        .max_by_key(|(k, n)| (**n, std::cmp::Reverse(**k)))
        .map(|(k, _)| *k);
    match best {
        Some(0) => PeriodKind::Day,
        Some(1) => PeriodKind::Week,
        Some(2) => PeriodKind::Month,
        Some(3) => PeriodKind::Quarter,
        Some(4) => PeriodKind::Year,
        _ if counts.contains_key(&5) => PeriodKind::All,
        _ => PeriodKind::Month,
    }
}

/// The periods of both wide tables: every period of the run, filled in.
fn run_periods(agg: &Aggregates, kind: PeriodKind) -> Vec<Period> {
    // Each period once, before the ordered set: tens of thousands of rows
    // share a few hundred periods.
    let mut present: Vec<Period> = agg
        .actors
        .keys()
        .map(|k| k.0)
        .chain(agg.dyads.keys().map(|k| k.0))
        .collect();
    present.sort_unstable();
    present.dedup();
    full_periods(present, kind)
}

/// The actor columns: the chosen actors in their order, else every actor
/// with sentences as source, by sentences (then id).
fn actor_columns(lex: &Lexicons, agg: &Aggregates, opts: &WideOptions) -> Result<Vec<u32>> {
    if let Some(ids) = &opts.actors {
        return resolve_actors(lex, ids);
    }
    let mut per: HashMap<u32, u64> = HashMap::new();
    for ((_, a, role), t) in &agg.actors {
        if *role == Role::Source && t.sentences > 0 {
            *per.entry(*a).or_default() += t.sentences;
        }
    }
    let id = |a: u32| lex.actors()[a as usize].id.as_str();
    let mut v: Vec<(u32, u64)> = per.into_iter().collect();
    v.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| id(x.0).cmp(id(y.0))));
    Ok(v.into_iter().map(|(a, _)| a).collect())
}

/// The dyad columns: the `top` pairs by sentences (then ids), among the
/// chosen actors when there are any.
fn dyad_columns(lex: &Lexicons, agg: &Aggregates, opts: &WideOptions) -> Result<Vec<(u32, u32)>> {
    let chosen: Option<HashSet<u32>> = match &opts.actors {
        Some(ids) => Some(resolve_actors(lex, ids)?.into_iter().collect()),
        None => None,
    };
    let keep = |s: u32, t: u32| match &chosen {
        None => true,
        Some(c) if c.len() == 1 => c.contains(&s) || c.contains(&t),
        Some(c) => c.contains(&s) && c.contains(&t),
    };
    let mut per: HashMap<(u32, u32), u64> = HashMap::new();
    for ((_, s, t), v) in &agg.dyads {
        if v.sentences > 0 && keep(*s, *t) {
            *per.entry((*s, *t)).or_default() += v.sentences;
        }
    }
    let id = |a: u32| lex.actors()[a as usize].id.as_str();
    let mut v: Vec<((u32, u32), u64)> = per.into_iter().collect();
    // Pairs are distinct, so no two compare equal: the `top` first are
    // picked out, then only they are sorted.
    let order = |x: &((u32, u32), u64), y: &((u32, u32), u64)| {
        y.1.cmp(&x.1)
            .then_with(|| (id(x.0.0), id(x.0.1)).cmp(&(id(y.0.0), id(y.0.1))))
    };
    if opts.top < v.len() {
        v.select_nth_unstable_by(opts.top, order);
        v.truncate(opts.top);
    }
    v.sort_unstable_by(order);
    Ok(v.into_iter().map(|(k, _)| k).collect())
}

/// The actor wide table: net stance (or the chosen metric) as source.
pub fn actor_table(lex: &Lexicons, agg: &Aggregates, opts: &WideOptions) -> Result<WideTable> {
    let cols = actor_columns(lex, agg, opts)?;
    let periods = run_periods(agg, opts.period);
    let cells = periods
        .iter()
        .map(|p| {
            cols.iter()
                .map(|a| {
                    agg.actors
                        .get(&(*p, *a, Role::Source))
                        .filter(|t| t.sentences > 0)
                        .copied()
                })
                .collect()
        })
        .collect();
    let actor = |a: u32| &lex.actors()[a as usize];
    Ok(WideTable {
        columns: cols.iter().map(|a| actor(*a).id.clone()).collect(),
        names: cols.iter().map(|a| actor(*a).name.clone()).collect(),
        periods: periods.iter().map(|p| p.to_string()).collect(),
        cells,
    })
}

/// The dyad wide table: one column per `SRC→TGT` among the top pairs.
pub fn dyad_table(lex: &Lexicons, agg: &Aggregates, opts: &WideOptions) -> Result<WideTable> {
    let cols = dyad_columns(lex, agg, opts)?;
    let periods = run_periods(agg, opts.period);
    let cells = periods
        .iter()
        .map(|p| {
            cols.iter()
                .map(|(s, t)| {
                    agg.dyads
                        .get(&(*p, *s, *t))
                        .filter(|v| v.sentences > 0)
                        .copied()
                })
                .collect()
        })
        .collect();
    let actor = |a: u32| &lex.actors()[a as usize];
    Ok(WideTable {
        columns: cols
            .iter()
            .map(|(s, t)| format!("{}→{}", actor(*s).id, actor(*t).id))
            .collect(),
        names: cols
            .iter()
            .map(|(s, t)| format!("{} → {}", actor(*s).name, actor(*t).name))
            .collect(),
        periods: periods.iter().map(|p| p.to_string()).collect(),
        cells,
    })
}

/// Writes one wide table as CSV.
fn write_table(
    dir: &Path,
    name: &str,
    table: &WideTable,
    metric: WideMetric,
    cells: CellPolicy,
) -> Result<AtomicFile> {
    let cell = |s: &str| {
        if cells.raw {
            s.to_string()
        } else {
            safe_cell(s).into_owned()
        }
    };
    let header: Vec<String> = std::iter::once("period".to_string())
        .chain(table.columns.iter().map(|c| cell(c)))
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut f = CsvFile::create(dir, name, &header, cells)?;
    for (period, row) in table.periods.iter().zip(&table.cells) {
        let values: Vec<String> = row
            .iter()
            .map(|t| t.as_ref().map_or(String::new(), |t| metric.format(t)))
            .collect();
        f.row(std::iter::once(period.as_str()).chain(values.iter().map(String::as_str)))?;
    }
    f.finish()
}

/// Writes `stance_wide.csv` and `dyads_wide.csv` into [`AtomicFile`]s (not
/// yet committed).
///
/// `stance_wide.csv`: `period` and one column per actor (the chosen ones,
/// else every actor with sentences as source, by volume) holding the
/// metric of its sentences as source. `dyads_wide.csv`: `period` and one
/// column per `SRC→TGT` among the `top` pairs by sentences. Every period in
/// the run's range is a row; cells without data are empty.
pub fn write_wide(
    dir: &Path,
    lex: &Lexicons,
    agg: &Aggregates,
    opts: &WideOptions,
    cells: CellPolicy,
) -> Result<Vec<AtomicFile>> {
    // Each table is built from every row of the run: on two threads, at
    // once.
    let (actors, dyads) = rayon::join(
        || actor_table(lex, agg, opts),
        || dyad_table(lex, agg, opts),
    );
    let (actors, dyads) = (actors?, dyads?);
    Ok(vec![
        write_table(dir, STANCE_WIDE_FILE, &actors, opts.metric, cells)?,
        write_table(dir, DYADS_WIDE_FILE, &dyads, opts.metric, cells)?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::Label;

    fn text(v: &[Period]) -> Vec<String> {
        v.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn months_and_quarters_cross_the_year() {
        let p = full_periods(
            [Period::Month(2023, 11), Period::Month(2024, 2)],
            PeriodKind::Month,
        );
        assert_eq!(text(&p), ["2023-11", "2023-12", "2024-01", "2024-02"]);
        let q = full_periods(
            [Period::Quarter(2023, 3), Period::Quarter(2024, 2)],
            PeriodKind::Quarter,
        );
        assert_eq!(text(&q), ["2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2"]);
        let y = full_periods([Period::Year(1999), Period::Year(2001)], PeriodKind::Year);
        assert_eq!(text(&y), ["1999", "2000", "2001"]);
    }

    #[test]
    fn iso_weeks_cross_the_year_with_53_weeks() {
        // 2020 has 53 ISO weeks, 2021 has 52.
        let p = full_periods(
            [Period::Week(2020, 52), Period::Week(2021, 2)],
            PeriodKind::Week,
        );
        assert_eq!(text(&p), ["2020-W52", "2020-W53", "2021-W01", "2021-W02"]);
        let p = full_periods(
            [Period::Week(2021, 51), Period::Week(2022, 1)],
            PeriodKind::Week,
        );
        assert_eq!(text(&p), ["2021-W51", "2021-W52", "2022-W01"]);
        assert_eq!(iso_weeks_in(2026), 53);
        assert_eq!(iso_weeks_in(2024), 52);
    }

    #[test]
    fn days_cross_the_year_and_leap_day() {
        let p = full_periods(
            [Period::Day(2023, 12, 30), Period::Day(2024, 1, 2)],
            PeriodKind::Day,
        );
        assert_eq!(
            text(&p),
            ["2023-12-30", "2023-12-31", "2024-01-01", "2024-01-02"]
        );
        let p = full_periods(
            [Period::Day(2024, 2, 28), Period::Day(2024, 3, 1)],
            PeriodKind::Day,
        );
        assert_eq!(text(&p), ["2024-02-28", "2024-02-29", "2024-03-01"]);
    }

    #[test]
    fn coarse_dates_and_undated_are_kept_in_text_order() {
        let p = full_periods(
            [
                Period::Undated,
                Period::Month(2017, 12),
                Period::Year(2018),
                Period::Month(2018, 2),
            ],
            PeriodKind::Month,
        );
        assert_eq!(
            text(&p),
            ["2017-12", "2018", "2018-01", "2018-02", "undated"]
        );
        assert_eq!(text(&full_periods([], PeriodKind::Month)), [] as [&str; 0]);
        assert_eq!(text(&full_periods([Period::All], PeriodKind::All)), ["all"]);
    }

    #[test]
    fn a_huge_range_is_not_filled() {
        let p = full_periods(
            [Period::Day(1000, 1, 1), Period::Day(2024, 1, 1)],
            PeriodKind::Day,
        );
        assert_eq!(text(&p), ["1000-01-01", "2024-01-01"]);
    }

    #[test]
    fn period_labels_read_back() {
        for p in [
            Period::Day(2024, 2, 29),
            Period::Week(2020, 53),
            Period::Month(2024, 1),
            Period::Quarter(2024, 4),
            Period::Year(2017),
            Period::All,
            Period::Undated,
        ] {
            assert_eq!(parse_period(&p.to_string()), Some(p));
        }
        for bad in ["2021-W53", "2024-00", "2023-02-29", "24-01", "2024-Q5", "x"] {
            assert_eq!(parse_period(bad), None, "{bad}");
        }
        let ps = [
            Period::Month(2024, 1),
            Period::Year(2023),
            Period::Month(2024, 2),
        ];
        assert_eq!(infer_kind(&ps), PeriodKind::Month);
        assert_eq!(infer_kind(&[Period::All]), PeriodKind::All);
    }

    #[test]
    fn metric_names_parse() {
        assert_eq!("net_stance".parse(), Ok(WideMetric::NetStance));
        assert_eq!("mean-tone".parse(), Ok(WideMetric::MeanTone));
        assert_eq!("Sentences".parse(), Ok(WideMetric::Sentences));
        assert!("x".parse::<WideMetric>().is_err());
        assert_eq!(parse_actor_list(" prk, KOR,,usa "), ["PRK", "KOR", "USA"]);
    }

    /// Aggregates with PRK (3 sentences as source) and KOR (1), in
    /// 2024-01 and 2024-03: 2024-02 has no data.
    fn sample() -> (Lexicons, Aggregates) {
        let lex = Lexicons::defaults().unwrap();
        let i = |id: &str| lex.actor_index(id).unwrap() as u32;
        let (prk, kor, usa) = (i("PRK"), i("KOR"), i("USA"));
        let mut agg = Aggregates::default();
        let jan = Period::Month(2024, 1);
        let mar = Period::Month(2024, 3);
        agg.add_sentence(
            jan,
            Label::Hostile,
            -600_000,
            &[prk],
            &[kor],
            &[prk, kor],
            false,
        );
        agg.add_sentence(jan, Label::Neutral, 0, &[prk], &[usa], &[prk, usa], false);
        agg.add_sentence(
            mar,
            Label::Conciliatory,
            500_000,
            &[prk],
            &[kor],
            &[prk, kor],
            false,
        );
        agg.add_sentence(
            mar,
            Label::Hostile,
            -500_000,
            &[kor],
            &[prk],
            &[prk, kor],
            false,
        );
        (lex, agg)
    }

    #[test]
    fn wide_tables_fill_gaps_and_order_by_volume() {
        let (lex, agg) = sample();
        let dir = tempfile::tempdir().unwrap();
        let files = write_wide(
            dir.path(),
            &lex,
            &agg,
            &WideOptions::default(),
            CellPolicy::default(),
        )
        .unwrap();
        for f in files {
            f.commit().unwrap();
        }
        let read = |n: &str| std::fs::read_to_string(dir.path().join(n)).unwrap();
        assert_eq!(
            read(STANCE_WIDE_FILE),
            "period,PRK,KOR\n2024-01,-0.5000,\n2024-02,,\n2024-03,1.0000,-1.0000\n"
        );
        assert_eq!(
            read(DYADS_WIDE_FILE),
            "period,PRK→KOR,KOR→PRK,PRK→USA\n\
             2024-01,-1.0000,,0.0000\n2024-02,,,\n2024-03,1.0000,-1.0000,\n"
        );
    }

    #[test]
    fn chosen_actors_metric_and_top() {
        let (lex, agg) = sample();
        let opts = WideOptions {
            actors: Some(vec!["kor".into(), "USA".into(), "PRK".into()]),
            metric: WideMetric::Sentences,
            top: 1,
            period: PeriodKind::Month,
        };
        let t = actor_table(&lex, &agg, &opts).unwrap();
        assert_eq!(t.columns, ["KOR", "USA", "PRK"]);
        let row = |r: usize| -> Vec<String> {
            t.cells[r]
                .iter()
                .map(|c| c.map_or(String::new(), |c| opts.metric.format(&c)))
                .collect()
        };
        assert_eq!(row(0), ["", "", "2"]);
        assert_eq!(row(2), ["1", "", "1"]);
        let d = dyad_table(&lex, &agg, &opts).unwrap();
        assert_eq!(d.columns, ["PRK→KOR"]);
        let one = WideOptions {
            actors: Some(vec!["USA".into()]),
            ..WideOptions::default()
        };
        assert_eq!(dyad_table(&lex, &agg, &one).unwrap().columns, ["PRK→USA"]);
        let bad = WideOptions {
            actors: Some(vec!["NOPE".into()]),
            ..WideOptions::default()
        };
        let e = actor_table(&lex, &agg, &bad).unwrap_err().to_string();
        assert!(e.contains("'NOPE' is not an actor id"), "{e}");
    }

    #[test]
    fn formula_like_ids_are_neutralised_unless_raw() {
        let table = WideTable {
            columns: vec!["-X".into()],
            names: vec!["x".into()],
            periods: vec!["2024".into()],
            cells: vec![vec![None]],
        };
        let dir = tempfile::tempdir().unwrap();
        let f = write_table(
            dir.path(),
            "w.csv",
            &table,
            WideMetric::NetStance,
            CellPolicy::default(),
        )
        .unwrap();
        f.commit().unwrap();
        let s = std::fs::read_to_string(dir.path().join("w.csv")).unwrap();
        assert_eq!(s, "period,'-X\n2024,\n");
    }
}
