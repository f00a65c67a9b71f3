//! Stage 6: aggregates — mergeable accumulators per actor, dyad and period.
//!
//! Every number is an integer: counts of sentences by label, and the sum of
//! tones in millionths ([`TONE_SCALE`]). Adding
//! integers gives the same result in any order, so documents can be scored
//! on any number of threads, in any batches, on any number of machines, and
//! merged into byte-identical tables. Means are computed only when a table
//! is written.

use rustc_hash::FxHashMap as HashMap;
use std::fmt;

use crate::corpus::DocDate;
use crate::score::{Label, TONE_SCALE};

/// The time bucket size, chosen with `--period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PeriodKind {
    /// `2021-01-08`
    Day,
    /// ISO week, `2021-W01`
    Week,
    /// `2021-01` (the default)
    #[default]
    Month,
    /// `2021-Q1`
    Quarter,
    /// `2021`
    Year,
    /// One bucket, `all`.
    All,
}

impl std::str::FromStr for PeriodKind {
    type Err = String;
    fn from_str(s: &str) -> Result<PeriodKind, String> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "day" => PeriodKind::Day,
            "week" => PeriodKind::Week,
            "month" => PeriodKind::Month,
            "quarter" => PeriodKind::Quarter,
            "year" => PeriodKind::Year,
            "all" => PeriodKind::All,
            _ => {
                return Err(format!(
                    "unknown period '{s}': use day, week, month, quarter, year or all"
                ));
            }
        })
    }
}

/// One time bucket. Its text form sorts chronologically as text, with
/// `undated` last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    /// Everything (`all`).
    All,
    /// A year (`2021`); also a year-only date under a finer period.
    Year(i32),
    /// A quarter (`2021-Q1`).
    Quarter(i32, u8),
    /// A month (`2021-01`); also a month-only date under a finer period.
    Month(i32, u8),
    /// An ISO week (`2021-W01`).
    Week(i32, u8),
    /// A day (`2021-01-08`).
    Day(i32, u8, u8),
    /// Documents without a date (`undated`).
    Undated,
}

impl Period {
    /// The bucket of a document date. The flag is true when the date is
    /// coarser than the period asked for (a year-only date under
    /// `--period month`): it keeps its own precision (`2017`).
    ///
    /// ```
    /// use stancemeter::aggregate::{Period, PeriodKind};
    /// use stancemeter::corpus::DocDate;
    /// let d = DocDate::parse("2021-01-08");
    /// assert_eq!(Period::of(d, PeriodKind::Week).0.to_string(), "2021-W01");
    /// assert_eq!(Period::of(d, PeriodKind::Quarter).0.to_string(), "2021-Q1");
    /// assert_eq!(Period::of(DocDate::parse("2017"), PeriodKind::Month), (Period::Year(2017), true));
    /// assert_eq!(Period::of(None, PeriodKind::Month).0.to_string(), "undated");
    /// ```
    pub fn of(date: Option<DocDate>, kind: PeriodKind) -> (Period, bool) {
        if kind == PeriodKind::All {
            return (Period::All, false);
        }
        let Some(d) = date else {
            return (Period::Undated, false);
        };
        let y = d.year;
        match (kind, d.month, d.day) {
            (PeriodKind::Year, _, _) => (Period::Year(y), false),
            (_, None, _) => (Period::Year(y), true),
            (PeriodKind::Quarter, Some(m), _) => (Period::Quarter(y, (m - 1) / 3 + 1), false),
            (PeriodKind::Month, Some(m), _) => (Period::Month(y, m), false),
            (_, Some(m), None) => (Period::Month(y, m), true),
            (PeriodKind::Week, Some(m), Some(_)) => match d.iso_week() {
                Some((wy, w)) => (Period::Week(wy, w as u8), false),
                None => (Period::Month(y, m), true),
            },
            (PeriodKind::Day, Some(m), Some(day)) => (Period::Day(y, m, day), false),
            (PeriodKind::All, _, _) => (Period::All, false),
        }
    }
}

impl Period {
    /// True when this is a bucket of `kind` (not a coarser date kept at its
    /// own precision, not `undated`).
    pub fn is_kind(&self, kind: PeriodKind) -> bool {
        matches!(
            (self, kind),
            (Period::Day(..), PeriodKind::Day)
                | (Period::Week(..), PeriodKind::Week)
                | (Period::Month(..), PeriodKind::Month)
                | (Period::Quarter(..), PeriodKind::Quarter)
                | (Period::Year(..), PeriodKind::Year)
                | (Period::All, PeriodKind::All)
        )
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::All => f.write_str("all"),
            Period::Undated => f.write_str("undated"),
            Period::Year(y) => write!(f, "{y:04}"),
            Period::Quarter(y, q) => write!(f, "{y:04}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            Period::Week(y, w) => write!(f, "{y:04}-W{w:02}"),
            Period::Day(y, m, d) => write!(f, "{y:04}-{m:02}-{d:02}"),
        }
    }
}

/// The role an actor plays in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// It says or does the stance-bearing act.
    Source,
    /// The act is aimed at it.
    Target,
    /// It is named (every sentence that names it, whatever its role).
    Mentioned,
}

impl Role {
    /// `source`, `target` or `mentioned`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Source => "source",
            Role::Target => "target",
            Role::Mentioned => "mentioned",
        }
    }
}

/// Counts for one cell of a table. All integers, so merging is exact.
///
/// ```
/// use stancemeter::aggregate::Tally;
/// use stancemeter::score::Label;
/// let mut a = Tally::default();
/// a.add(Label::Hostile, -600_000);
/// let mut b = Tally::default();
/// b.add(Label::Conciliatory, 200_000);
/// a.merge(&b);
/// assert_eq!(a.sentences, 2);
/// assert_eq!(a.mean_tone(), -0.2);
/// assert_eq!(a.net_stance(), 0.0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tally {
    /// Sentences counted.
    pub sentences: u64,
    /// Of which conciliatory.
    pub conciliatory: u64,
    /// Of which neutral.
    pub neutral: u64,
    /// Of which hostile.
    pub hostile: u64,
    /// Sum of tones, in millionths.
    pub tone_micros: i64,
}

impl Tally {
    /// Counts one sentence.
    pub fn add(&mut self, label: Label, tone_micros: i64) {
        self.sentences += 1;
        match label {
            Label::Conciliatory => self.conciliatory += 1,
            Label::Neutral => self.neutral += 1,
            Label::Hostile => self.hostile += 1,
        }
        self.tone_micros += tone_micros;
    }

    /// Adds another tally to this one.
    pub fn merge(&mut self, o: &Tally) {
        self.sentences += o.sentences;
        self.conciliatory += o.conciliatory;
        self.neutral += o.neutral;
        self.hostile += o.hostile;
        self.tone_micros += o.tone_micros;
    }

    /// Mean tone over the sentences, in [−1, 1]; 0 when there are none.
    pub fn mean_tone(&self) -> f64 {
        if self.sentences == 0 {
            0.0
        } else {
            self.tone_micros as f64 / TONE_SCALE / self.sentences as f64
        }
    }

    /// (conciliatory − hostile) / sentences; 0 when there are none.
    pub fn net_stance(&self) -> f64 {
        if self.sentences == 0 {
            0.0
        } else {
            (self.conciliatory as f64 - self.hostile as f64) / self.sentences as f64
        }
    }
}

/// Run-wide counters that also merge exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Counters {
    /// Documents scored.
    pub documents: u64,
    /// Documents without a date.
    pub undated_documents: u64,
    /// Documents whose date is coarser than the period (kept at their own precision).
    pub coarse_dated_documents: u64,
    /// Sentences, naming an actor or not.
    pub sentences: u64,
    /// Sentences naming at least one actor.
    pub sentences_with_actors: u64,
    /// Sentences with a source.
    pub sentences_with_source: u64,
    /// Sentences naming an actor, by label. (The tone of a sentence that
    /// names none reaches no table, and the pipeline does not score it.)
    pub conciliatory: u64,
    /// Sentences naming an actor, by label.
    pub neutral: u64,
    /// Sentences naming an actor, by label.
    pub hostile: u64,
    /// Documents whose HTML markup was removed (see
    /// [`strip_markup`](crate::text::strip_markup)).
    pub markup_documents: u64,
    /// Boilerplate lines dropped.
    pub boilerplate_lines: u64,
    /// Repeated lines dropped.
    pub repeated_lines: u64,
    /// Line breaks joined in hard-wrapped texts.
    pub joined_lines: u64,
    /// Bytes of document text scored.
    pub text_bytes: u64,
    /// Documents with a speaker (`--speaker`, `--speaker-field`).
    pub documents_with_speaker: u64,
    /// Documents with no `--speaker-field` value (the field missing, empty
    /// or null).
    pub no_speaker_field: u64,
    /// Documents whose `--speaker-field` value is not an actor id.
    pub unknown_speakers: u64,
    /// Sentences longer than the limit, scored in pieces.
    pub long_sentences_cut: u64,
}

impl Counters {
    /// Adds another set of counters.
    pub fn merge(&mut self, o: &Counters) {
        self.documents += o.documents;
        self.undated_documents += o.undated_documents;
        self.coarse_dated_documents += o.coarse_dated_documents;
        self.sentences += o.sentences;
        self.sentences_with_actors += o.sentences_with_actors;
        self.sentences_with_source += o.sentences_with_source;
        self.conciliatory += o.conciliatory;
        self.neutral += o.neutral;
        self.hostile += o.hostile;
        self.markup_documents += o.markup_documents;
        self.boilerplate_lines += o.boilerplate_lines;
        self.repeated_lines += o.repeated_lines;
        self.joined_lines += o.joined_lines;
        self.text_bytes += o.text_bytes;
        self.documents_with_speaker += o.documents_with_speaker;
        self.unknown_speakers += o.unknown_speakers;
        self.no_speaker_field += o.no_speaker_field;
        self.long_sentences_cut += o.long_sentences_cut;
    }
}

/// Tallies per (period, actor, role) and per (period, source, target).
/// Actors are indices into [`Lexicons::actors`](crate::Lexicons::actors).
#[derive(Debug, Clone, Default)]
pub struct Aggregates {
    /// Per actor and role.
    pub actors: HashMap<(Period, u32, Role), Tally>,
    /// Per directed pair.
    pub dyads: HashMap<(Period, u32, u32), Tally>,
    /// Run-wide counters.
    pub counters: Counters,
}

impl Aggregates {
    /// Counts one sentence: its sources (the source first, then co-sources),
    /// targets and every actor it names (each a distinct actor index,
    /// already rolled up if wanted). Dyads run from the source to each
    /// target, and from each co-source to each target or, when the sentence
    /// is `mutual` (the co-sources act toward each other), to the source.
    #[allow(clippy::too_many_arguments)]
    pub fn add_sentence(
        &mut self,
        period: Period,
        label: Label,
        tone_micros: i64,
        sources: &[u32],
        targets: &[u32],
        mentioned: &[u32],
        mutual: bool,
    ) {
        let mut dyad = |s: u32, t: u32| {
            if s != t {
                self.dyads
                    .entry((period, s, t))
                    .or_default()
                    .add(label, tone_micros);
            }
        };
        if let Some((&first, co)) = sources.split_first() {
            for &t in targets {
                dyad(first, t);
            }
            for &c in co {
                if mutual {
                    dyad(c, first);
                } else {
                    for &t in targets {
                        dyad(c, t);
                    }
                }
            }
        }
        let mut role = |a: u32, r: Role| {
            self.actors
                .entry((period, a, r))
                .or_default()
                .add(label, tone_micros);
        };
        for &s in sources {
            role(s, Role::Source);
        }
        for &t in targets {
            role(t, Role::Target);
        }
        if mutual && let Some(&first) = sources.first() {
            role(first, Role::Target);
        }
        for &a in mentioned {
            role(a, Role::Mentioned);
        }
    }

    /// Adds another set of aggregates to this one.
    pub fn merge(&mut self, other: &Aggregates) {
        for (k, v) in &other.actors {
            self.actors.entry(*k).or_default().merge(v);
        }
        for (k, v) in &other.dyads {
            self.dyads.entry(*k).or_default().merge(v);
        }
        self.counters.merge(&other.counters);
    }

    /// Actor rows sorted by period text, actor id, role.
    pub fn sorted_actors<'a>(&'a self, id: &dyn Fn(u32) -> &'a str) -> Vec<ActorRow> {
        let ranks = Ranks::of(self.actors.keys().map(|k| (k.0, [k.1, k.1])), id);
        sorted_by(&self.actors, |&(p, a, r)| {
            let key = u128::from(ranks.actor(a)) << 8 | r as u128;
            ((u128::from(ranks.period(p)) << 64 | key), (p, a, r))
        })
    }

    /// Dyad rows sorted by period text, source id, target id.
    pub fn sorted_dyads<'a>(&'a self, id: &dyn Fn(u32) -> &'a str) -> Vec<DyadRow> {
        let ranks = Ranks::of(self.dyads.keys().map(|k| (k.0, [k.1, k.2])), id);
        sorted_by(&self.dyads, |&(p, s, t)| {
            let key = u128::from(ranks.actor(s)) << 32 | u128::from(ranks.actor(t));
            ((u128::from(ranks.period(p)) << 64 | key), (p, s, t))
        })
    }
}

/// The entries of a table of tallies, each as `(period, x, y, tally)`,
/// sorted by the number `key` gives its key (with the row's three first
/// cells). Only the numbers and the entries' places are sorted, then the
/// rows are made in that order: moving whole rows while sorting, and
/// fetching each tally from the hash table in sorted (that is, random)
/// order, took most of the time of sorting.
fn sorted_by<K, X: Copy, Y: Copy>(
    table: &HashMap<K, Tally>,
    key: impl Fn(&K) -> (u128, (Period, X, Y)),
) -> Vec<(Period, X, Y, Tally)> {
    let mut rows: Vec<((Period, X, Y), Tally)> = Vec::with_capacity(table.len());
    let mut order: Vec<(u128, u32)> = Vec::with_capacity(table.len());
    for (k, t) in table {
        let (n, cells) = key(k);
        order.push((n, rows.len() as u32));
        rows.push((cells, *t));
    }
    order.sort_unstable();
    order
        .into_iter()
        .map(|(_, i)| {
            let ((p, x, y), t) = rows[i as usize];
            (p, x, y, t)
        })
        .collect()
}

/// A row of [`Aggregates::sorted_actors`]: period, actor, role, tally.
pub type ActorRow = (Period, u32, Role, Tally);

/// A row of [`Aggregates::sorted_dyads`]: period, source, target, tally.
pub type DyadRow = (Period, u32, u32, Tally);

/// The order of the periods and actors of a table's rows, by their text:
/// sorting tens of thousands of rows by numbers, with each period written
/// once, instead of comparing and writing texts for every row (a fifth of
/// the time of writing UNGDC's tables).
struct Ranks {
    /// Each period, its rank among the periods' texts and its text.
    periods: HashMap<Period, (u32, String)>,
    /// By actor index: its rank among the actors' ids.
    actors: HashMap<u32, u32>,
}

impl Ranks {
    /// The ranks of the periods and actors in `keys`, actors ordered by `id`
    /// (ids are distinct, so ranks decide every comparison as ids would).
    fn of<'a>(
        keys: impl Iterator<Item = (Period, [u32; 2])>,
        id: &dyn Fn(u32) -> &'a str,
    ) -> Ranks {
        let mut periods: HashMap<Period, (u32, String)> = HashMap::default();
        let mut actors: HashMap<u32, u32> = HashMap::default();
        for (p, pair) in keys {
            periods.entry(p).or_insert_with(|| (0, p.to_string()));
            for a in pair {
                actors.insert(a, 0);
            }
        }
        let mut by_text: Vec<(&String, Period)> =
            periods.iter().map(|(p, (_, t))| (t, *p)).collect();
        by_text.sort();
        let order: Vec<Period> = by_text.into_iter().map(|(_, p)| p).collect();
        for (rank, p) in order.into_iter().enumerate() {
            if let Some(slot) = periods.get_mut(&p) {
                slot.0 = rank as u32;
            }
        }
        let mut by_id: Vec<u32> = actors.keys().copied().collect();
        by_id.sort_by(|&x, &y| id(x).cmp(id(y)).then(x.cmp(&y)));
        for (rank, a) in by_id.into_iter().enumerate() {
            actors.insert(a, rank as u32);
        }
        Ranks { periods, actors }
    }

    /// The rank of period `p` (one of the keys given).
    fn period(&self, p: Period) -> u32 {
        self.periods.get(&p).map_or(u32::MAX, |(r, _)| *r)
    }

    /// The rank of actor `a` (one of the keys given).
    fn actor(&self, a: u32) -> u32 {
        self.actors.get(&a).copied().unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_sort_by_period_text_then_actor_ids() {
        // Periods whose text order is not their enum order ("2017" before
        // "2017-01", "undated" last, "all"), actors whose ids are not in
        // index order.
        let ids = ["ZWE", "AFG", "PRK", "KOR", "CHN"];
        let id = |a: u32| ids[a as usize];
        let periods = [
            Period::Month(2017, 1),
            Period::Year(2017),
            Period::Undated,
            Period::Day(2016, 12, 31),
            Period::Year(2018),
            Period::All,
        ];
        let mut agg = Aggregates::default();
        for (i, &p) in periods.iter().enumerate() {
            for k in 0..5u32 {
                let (s, t) = ((k + i as u32) % 5, (k * 3 + 1) % 5);
                agg.add_sentence(p, Label::Hostile, -500_000, &[s], &[t], &[s, t], false);
            }
        }
        let mut want: Vec<(String, &str, Role)> = agg
            .actors
            .keys()
            .map(|(p, a, r)| (p.to_string(), id(*a), *r))
            .collect();
        want.sort();
        let got: Vec<(String, &str, Role)> = agg
            .sorted_actors(&id)
            .into_iter()
            .map(|(p, a, r, _)| (p.to_string(), id(a), r))
            .collect();
        assert_eq!(got, want);
        let mut want: Vec<(String, &str, &str)> = agg
            .dyads
            .keys()
            .map(|(p, s, t)| (p.to_string(), id(*s), id(*t)))
            .collect();
        want.sort();
        let got: Vec<(String, &str, &str)> = agg
            .sorted_dyads(&id)
            .into_iter()
            .map(|(p, s, t, _)| (p.to_string(), id(s), id(t)))
            .collect();
        assert_eq!(got, want);
        assert!(want.len() > 20 && want[0].0 == "2016-12-31", "{want:?}");
    }

    fn d(s: &str) -> Option<DocDate> {
        DocDate::parse(s)
    }

    #[test]
    fn period_labels_for_every_kind() {
        let date = d("2021-01-08");
        let label = |k| Period::of(date, k).0.to_string();
        assert_eq!(label(PeriodKind::Day), "2021-01-08");
        assert_eq!(label(PeriodKind::Week), "2021-W01");
        assert_eq!(label(PeriodKind::Month), "2021-01");
        assert_eq!(label(PeriodKind::Quarter), "2021-Q1");
        assert_eq!(label(PeriodKind::Year), "2021");
        assert_eq!(label(PeriodKind::All), "all");
        assert_eq!(
            Period::of(d("2021-01-03"), PeriodKind::Week).0.to_string(),
            "2020-W53"
        );
        assert_eq!(
            Period::of(d("2024-12-30"), PeriodKind::Week).0.to_string(),
            "2025-W01"
        );
        assert_eq!(
            Period::of(d("2021-11"), PeriodKind::Quarter),
            (Period::Quarter(2021, 4), false)
        );
        assert_eq!(
            Period::of(d("2021-11"), PeriodKind::Day),
            (Period::Month(2021, 11), true)
        );
        assert_eq!(Period::of(None, PeriodKind::Year), (Period::Undated, false));
        assert_eq!(Period::of(None, PeriodKind::All), (Period::All, false));
    }

    #[test]
    fn period_text_sorts_chronologically_with_undated_last() {
        let mut v = vec!["undated", "2021-02", "2020", "2021-01", "2019-12"];
        v.sort();
        assert_eq!(v, ["2019-12", "2020", "2021-01", "2021-02", "undated"]);
    }

    #[test]
    fn merge_is_order_independent() {
        let mut parts = Vec::new();
        for i in 0..10u32 {
            let mut a = Aggregates::default();
            let label = [Label::Hostile, Label::Neutral, Label::Conciliatory][(i % 3) as usize];
            a.add_sentence(
                Period::Year(2020),
                label,
                (i as i64 - 5) * 123_457,
                &[i % 3],
                &[3],
                &[i % 3, 3],
                false,
            );
            a.counters.sentences += 1;
            parts.push(a);
        }
        let mut fwd = Aggregates::default();
        parts.iter().for_each(|p| fwd.merge(p));
        let mut rev = Aggregates::default();
        parts.iter().rev().for_each(|p| rev.merge(p));
        assert_eq!(fwd.actors, rev.actors);
        assert_eq!(fwd.dyads, rev.dyads);
        assert_eq!(fwd.counters, rev.counters);
        let t = &fwd.actors[&(Period::Year(2020), 3, Role::Target)];
        assert_eq!(
            (t.sentences, t.hostile, t.neutral, t.conciliatory),
            (10, 4, 3, 3)
        );
    }
}
