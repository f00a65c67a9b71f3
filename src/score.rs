//! Stage 4: tone rules — every rule that turns matched terms into a
//! sentence tone lives here.
//!
//! A sentence's tone is computed in five steps:
//!
//! 1. [`Lexicons::find`] finds tone terms, modifiers and actors in one pass
//!    (phrases beat single words: "lift sanctions" is one conciliatory term,
//!    not a hostile "sanctions").
//! 2. [`NAMES`](rule_names) sets aside the terms that are words of a name
//!    ("Criminal" in "International Criminal Court", "Peace" in "National
//!    Peace Committee"): they are no stance of anyone's.
//! 3. Each tone term starts at its lexicon weight (−4 … +4) and the rules
//!    below adjust it, in this order: [`NEGATION`](rule_negation),
//!    [`DEMANDED`](rule_demanded), [`INTENSITY`](rule_intensity), [`PROBLEMS`](rule_problems),
//!    [`REJECTED`](rule_rejected), [`AGREED ACT`](rule_agreed_act),
//!    [`QUOTED`](rule_quoted),
//!    [`CONTRAST`](rule_contrast), [`CONCESSION`](rule_concession). Each rule
//!    that fires records a [`Note`] on the term ([`TermScore::notes`]),
//!    which the evidence column and `stance explain` render as text.
//! 4. The adjusted weights are summed, but for words of no stance (rows
//!    lighter than [`NO_STANCE_WEIGHT`]), and squashed into [−1, 1] with
//!    `sum / sqrt(sum² + ALPHA)` (VADER's "compound" normalisation, so a
//!    single strong term gives about ±0.6 and several push toward ±1).
//! 5. The label is `conciliatory` above [`LABEL_THRESHOLD`], `hostile`
//!    below its negative, `neutral` in between.
//!
//! Rules are scoped to a clause: a clause ends at `,` `;` `:` `(` `)` and a
//! contrast or concession word starts a new one.
//!
//! ```
//! use stancemeter::{Lexicons, Scorer, score::Label};
//! let lex = Lexicons::defaults()?;
//! let scorer = Scorer::new(&lex);
//! let s = scorer.score_sentence("Pyongyang did not condemn Seoul.", None);
//! assert_eq!(s.label, Label::Conciliatory);
//! let s = scorer.score_sentence("Pyongyang sharply condemned Seoul.", None);
//! assert_eq!(s.label, Label::Hostile);
//! # Ok::<(), stancemeter::Error>(())
//! ```

use std::fmt::{self, Write as _};
use std::ops::Range;

use crate::attribute::{Attribution, attribute_into};
use crate::corpus::DocDate;
use crate::decimal::push_fixed;
use crate::lexicon::{Lexicons, Matches, ModifierKind, ToneHit};
use crate::text::norm::{Block, for_each_marked, within};
use wide::u8x16;

/// The normalisation constant in `sum / sqrt(sum² + ALPHA)`; VADER's value.
/// With it a weight-2 term alone gives 0.46, a weight-3 term 0.61.
pub const ALPHA: f64 = 15.0;

/// A sentence is conciliatory when its tone is above this, hostile when
/// below its negative. 0.25 is the tone of a single weight-1 term (a bare
/// "talks" or "visit"), which therefore stays neutral: mild words alone do
/// not make a stance, as the labelling rules ask.
pub const LABEL_THRESHOLD: f64 = 0.25;

/// Tone rows lighter than this are words of no stance, kept only so that
/// their words are not read as a stronger term ("relief agencies" is no
/// act of aid, "floods kill" no attack, "earthquake struck" no strike): they
/// weigh nothing in a sentence's sum, so they cannot push it over
/// [`LABEL_THRESHOLD`] or back under it; nor do they part a speaker from
/// its verb ("war veterans said").
pub const NO_STANCE_WEIGHT: f64 = 0.25;

/// How many words a negator may stand before the term it negates ("did not
/// publicly condemn": 2).
pub const NEGATION_WINDOW: usize = 3;

/// How many words before a term an intensifier or dampener may stand
/// ("sharply and publicly criticised": 3 is too far; "sharply criticised": 1).
pub const INTENSITY_WINDOW_BEFORE: usize = 2;

/// How many words after a term an intensifier or dampener may stand
/// ("eased somewhat": 1).
pub const INTENSITY_WINDOW_AFTER: usize = 1;

/// Factor for a hostile term set in quotation marks ("called Kim a
/// 'thug'"): a quoted insult is a deliberate, attributed jab, stronger than
/// the same word in the reporter's voice.
pub const QUOTED_HOSTILE_FACTOR: f64 = 1.5;

/// Tone fixed-point scale: aggregates add tones as integer millionths, so
/// sums are exact and independent of the order documents are merged in.
pub const TONE_SCALE: f64 = 1_000_000.0;

/// The three tone labels. The default is [`Label::Neutral`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    /// Toward cooperation: praise, offers, agreements, de-escalation.
    Conciliatory,
    /// No stance.
    #[default]
    Neutral,
    /// Toward conflict: threats, accusations, sanctions, attacks.
    Hostile,
}

impl Label {
    /// `conciliatory`, `neutral` or `hostile`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Label::Conciliatory => "conciliatory",
            Label::Neutral => "neutral",
            Label::Hostile => "hostile",
        }
    }

    /// The label of a tone value.
    pub fn of(tone: f64) -> Label {
        if tone > LABEL_THRESHOLD {
            Label::Conciliatory
        } else if tone < -LABEL_THRESHOLD {
            Label::Hostile
        } else {
            Label::Neutral
        }
    }
}

/// One tone term with the weight the rules gave it.
#[derive(Debug, Clone)]
pub struct TermScore {
    /// Index into [`Matches::tone`].
    pub hit: usize,
    /// The lexicon weight.
    pub base: f64,
    /// The weight after the rules.
    pub weight: f64,
    /// What each rule did, in order. Render one with [`Note::display`]
    /// ("negated by 'not' ×-0.8"); [`Scored::evidence`] renders them all.
    pub notes: Vec<Note>,
}

/// What one rule did to a tone term: which rule fired, the modifier that
/// made it fire (an index into [`Lexicons::modifiers`]) and the factor the
/// weight was multiplied (or, for [`Note::BeforeContrast`], divided) by.
///
/// Notes are plain values, so scoring a sentence formats no text; render
/// one with [`Note::display`].
///
/// ```
/// use stancemeter::{Lexicons, Scorer, score::Note};
/// let lex = Lexicons::defaults()?;
/// let text = "Pyongyang did not condemn Seoul.";
/// let s = Scorer::new(&lex).score_sentence(text, None);
/// let note = s.terms[0].notes[0];
/// assert!(matches!(note, Note::Negated { .. }));
/// assert_eq!(note.display(&lex).to_string(), format!("negated by 'not' ×{}", note.factor()));
/// # Ok::<(), stancemeter::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Note {
    /// [`rule_negation`]: "negated by 'not' ×-0.8".
    Negated {
        /// Index into [`Lexicons::modifiers`] of the negator.
        modifier: usize,
        /// Its factor.
        factor: f64,
    },
    /// [`rule_demanded`]: "demanded by 'should' ×-0.6", "demanded by
    /// 'called for' ×-0.6".
    Demanded {
        /// Index into [`Lexicons::modifiers`] of the modal.
        modifier: usize,
        /// Its factor.
        factor: f64,
        /// Index into [`Matches::actors`] of the actor the concession is
        /// demanded of (the modal's subject, or the maker a verb of kind
        /// `call` names), a target of the sentence.
        actor: usize,
    },
    /// [`rule_intensity`]: "intensifier 'sharply' ×1.4", "dampener
    /// 'somewhat' ×0.6".
    Intensity {
        /// Index into [`Lexicons::modifiers`] of the intensifier or dampener.
        modifier: usize,
        /// Its factor.
        factor: f64,
    },
    /// [`rule_quoted`]: "quoted ×1.5".
    Quoted {
        /// [`QUOTED_HOSTILE_FACTOR`].
        factor: f64,
    },
    /// [`rule_contrast`], a term after the contrast word: "after 'but' ×1.5".
    AfterContrast {
        /// Index into [`Lexicons::modifiers`] of the contrast word.
        modifier: usize,
        /// Its factor.
        factor: f64,
    },
    /// [`rule_contrast`], a term before the contrast word (its weight is
    /// divided by the factor): "before 'but' ÷1.5".
    BeforeContrast {
        /// Index into [`Lexicons::modifiers`] of the contrast word.
        modifier: usize,
        /// Its factor.
        factor: f64,
    },
    /// [`rule_concession`]: "conceded by 'despite' ×0.5".
    Conceded {
        /// Index into [`Lexicons::modifiers`] of the concession word.
        modifier: usize,
        /// Its factor.
        factor: f64,
    },
    /// [`rule_problems`]: the term fights a problem ("against a problem ×0")
    /// or is the problem fought ("a problem fought ×0").
    Problem {
        /// The term is the problem, not the fight.
        fought: bool,
    },
    /// [`rule_rejected`]: the term is what a rejected offer offers ("what
    /// is rejected ×0").
    Rejected,
    /// [`rule_agreed_act`]: the term is an agreement to a hostile act
    /// ("what is agreed is hostile ×0").
    AgreedAct,
    /// [`rule_negation`]: the negator stands in a "why … not" question
    /// that proposes the act ([`rhetorical_why`]), so it does not negate
    /// it ("'not' in a 'why … not' question ×1").
    Rhetorical {
        /// Index into [`Lexicons::modifiers`] of the negator.
        modifier: usize,
    },
}

impl Note {
    /// The factor the rule applied.
    pub fn factor(&self) -> f64 {
        match *self {
            Note::Negated { factor, .. }
            | Note::Demanded { factor, .. }
            | Note::Intensity { factor, .. }
            | Note::Quoted { factor }
            | Note::AfterContrast { factor, .. }
            | Note::BeforeContrast { factor, .. }
            | Note::Conceded { factor, .. } => factor,
            Note::Problem { .. } | Note::Rejected | Note::AgreedAct => 0.0,
            Note::Rhetorical { .. } => 1.0,
        }
    }

    /// The modifier that made the rule fire (an index into
    /// [`Lexicons::modifiers`]); `None` for [`Note::Quoted`],
    /// [`Note::Problem`], [`Note::Rejected`] and [`Note::AgreedAct`].
    pub fn modifier(&self) -> Option<usize> {
        match *self {
            Note::Negated { modifier, .. }
            | Note::Demanded { modifier, .. }
            | Note::Intensity { modifier, .. }
            | Note::AfterContrast { modifier, .. }
            | Note::BeforeContrast { modifier, .. }
            | Note::Conceded { modifier, .. }
            | Note::Rhetorical { modifier } => Some(modifier),
            Note::Quoted { .. } | Note::Problem { .. } | Note::Rejected | Note::AgreedAct => None,
        }
    }

    /// The note as evidence text ("negated by 'not' ×-0.8"), with the
    /// modifier words taken from `lex`, the lexicons the sentence was
    /// scored with.
    pub fn display<'a>(&self, lex: &'a Lexicons) -> NoteDisplay<'a> {
        NoteDisplay { note: *self, lex }
    }
}

/// A [`Note`] with the lexicons to render it: see [`Note::display`].
#[derive(Debug, Clone, Copy)]
pub struct NoteDisplay<'a> {
    note: Note,
    lex: &'a Lexicons,
}

impl fmt::Display for NoteDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = |i: usize| &self.lex.modifiers()[i].word;
        match self.note {
            Note::Negated { modifier, factor } => {
                write!(f, "negated by '{}' ×{factor}", word(modifier))
            }
            Note::Demanded {
                modifier, factor, ..
            } => {
                write!(f, "demanded by '{}' ×{factor}", word(modifier))
            }
            Note::Intensity { modifier, factor } => {
                let md = &self.lex.modifiers()[modifier];
                write!(f, "{} '{}' ×{factor}", md.kind.as_str(), md.word)
            }
            Note::Quoted { factor } => write!(f, "quoted ×{factor}"),
            Note::AfterContrast { modifier, factor } => {
                write!(f, "after '{}' ×{factor}", word(modifier))
            }
            Note::BeforeContrast { modifier, factor } => {
                write!(f, "before '{}' ÷{factor}", word(modifier))
            }
            Note::Conceded { modifier, factor } => {
                write!(f, "conceded by '{}' ×{factor}", word(modifier))
            }
            Note::Problem { fought: false } => write!(f, "against a problem ×0"),
            Note::Problem { fought: true } => write!(f, "a problem fought ×0"),
            Note::Rejected => write!(f, "what is rejected ×0"),
            Note::AgreedAct => write!(f, "what is agreed is hostile ×0"),
            Note::Rhetorical { modifier } => {
                write!(f, "'{}' in a 'why … not' question ×1", word(modifier))
            }
        }
    }
}

/// The full result for one sentence: matches, term weights, tone, label and
/// attribution. The default is an empty, neutral result (for
/// [`Scorer::score_sentence_into`] to fill).
#[derive(Debug, Clone, Default)]
pub struct Scored {
    /// What the lexicons found, less the tone terms in [`Scored::in_names`].
    pub matches: Matches,
    /// Tone terms set aside by [`rule_names`] as words of a name, in the
    /// order of the sentence: not weighed, not attributed.
    pub in_names: Vec<ToneHit>,
    /// Tone terms with their adjusted weights.
    pub terms: Vec<TermScore>,
    /// Sum of the adjusted weights.
    pub sum: f64,
    /// Tone in [−1, 1].
    pub tone: f64,
    /// The label.
    pub label: Label,
    /// Who is the source and who the targets.
    pub attribution: Attribution,
}

impl Scored {
    /// The actor who is the source (as named, not rolled up): the source
    /// mention's, or the document's `speaker` when the source is its
    /// unnamed voice ([`Attribution::speaker_voice`]). `speaker` must be the
    /// one the sentence was scored with.
    ///
    /// ```
    /// use stancemeter::{Lexicons, Scorer};
    /// let lex = Lexicons::defaults()?;
    /// let prk = lex.actor_index("PRK");
    /// let text = "The puppet regime of south Korea keeps staging the farce.";
    /// let s = Scorer::new(&lex).score_sentence_as(text, None, prk);
    /// assert_eq!(s.attribution.source, None);
    /// assert_eq!(s.source_actor(prk), prk);
    /// # Ok::<(), stancemeter::Error>(())
    /// ```
    pub fn source_actor(&self, speaker: Option<usize>) -> Option<usize> {
        let named = self
            .attribution
            .source
            .map(|i| self.matches.actors[i].actor);
        named.or(speaker.filter(|_| self.attribution.speaker_voice))
    }

    /// The tone as integer millionths (what aggregates add up).
    pub fn tone_micros(&self) -> i64 {
        (self.tone * TONE_SCALE).round() as i64
    }

    /// The audit trail: each matched term with its weight and the rules that
    /// changed it, then the attribution rule. `sentence` must be the text
    /// that was scored.
    pub fn evidence(&self, lex: &Lexicons, sentence: &str) -> String {
        let mut out = String::new();
        self.evidence_into(lex, sentence, &mut out);
        out
    }

    /// [`Scored::evidence`] into `out`, which is cleared first.
    pub(crate) fn evidence_into(&self, lex: &Lexicons, sentence: &str, out: &mut String) {
        out.clear();
        for t in &self.terms {
            let hit = &self.matches.tone[t.hit];
            let term = &lex.tone()[hit.term];
            if !out.is_empty() {
                out.push_str("; ");
            }
            // "condemn[disapprove -2.0 negated by 'not' ×-0.8 = +1.60]"
            out.push_str(&sentence[hit.span.clone()]);
            out.push('[');
            out.push_str(&term.category);
            out.push(' ');
            push_fixed(out, t.base, 1, true);
            for n in &t.notes {
                let _ = write!(out, " {}", n.display(lex));
            }
            if !t.notes.is_empty() {
                out.push_str(" = ");
                push_fixed(out, t.weight, 2, true);
            }
            out.push(']');
        }
        for hit in &self.in_names {
            if !out.is_empty() {
                out.push_str("; ");
            }
            // "Peace[in a name: not scored]"
            out.push_str(&sentence[hit.span.clone()]);
            out.push_str("[in a name: not scored]");
        }
        if let Some(rule) = self.attribution.rule {
            if !out.is_empty() {
                out.push_str("; ");
            }
            out.push_str("source: ");
            out.push_str(rule);
        }
        if !self.attribution.also_sources.is_empty() {
            let names: Vec<&str> = self
                .attribution
                .also_sources
                .iter()
                .map(|&i| &sentence[self.matches.actors[i].span.clone()])
                .collect();
            let _ = write!(out, "; co-sources: {}", names.join(", "));
            if self.attribution.mutual {
                out.push_str(" (mutual)");
            }
        }
    }
}

/// The actors a document named in its last few sentences, for
/// [`Scorer::score_sentence_after`]: where an alias with a `context`
/// ("the North") finds the actor it needs ("Seoul" a sentence before).
/// Only aliases without a context count, so "the North and the South"
/// alone name no one.
#[derive(Debug, Clone, Default)]
pub struct Recent {
    /// (sentence number, root actor) of each mention of an actor that
    /// some alias's `context` names (the others cannot matter).
    named: Vec<(usize, usize)>,
    /// The roots of `named` for the sentence being scored.
    roots: Vec<usize>,
}

impl Recent {
    /// How many sentences back a name counts: three, enough for a story's
    /// next paragraph to say "the North" after one names North or South
    /// Korea, and short enough that a speech moving from Korea to the
    /// world's economy a paragraph later does not make its "dialogue
    /// between the North and the South" the Koreas'.
    pub const WINDOW: usize = 3;

    /// Forgets every name: call at the start of each document.
    pub fn clear(&mut self) {
        self.named.clear();
    }
}

/// Scores sentences with a set of lexicons.
#[derive(Debug, Clone, Copy)]
pub struct Scorer<'a> {
    lex: &'a Lexicons,
    first_person: bool,
}

impl<'a> Scorer<'a> {
    /// A scorer over these lexicons.
    pub fn new(lex: &'a Lexicons) -> Scorer<'a> {
        Scorer {
            lex,
            first_person: false,
        }
    }

    /// With `on`, the first-person singular pronouns (the `first_person`
    /// words of `modifiers.csv`: "I", "me", "my") also mean a document's
    /// speaker, as "we" does. Right for speeches, where the delegate
    /// speaks for the state; not for a news agency's stories, where "I" is
    /// mostly someone quoted. Off by default. A capital "I" that is a roman
    /// numeral ("World War I", "resolution 181 (I)") or part of an
    /// abbreviation ("a.i.") is no pronoun.
    ///
    /// ```
    /// use stancemeter::{Lexicons, Scorer};
    /// let lex = Lexicons::defaults()?;
    /// let (syr, chn) = (lex.actor_index("SYR"), lex.actor_index("CHN"));
    /// let text = "I would like to tell the Chinese delegation that the sanctions are unjust.";
    /// let plain = Scorer::new(&lex).score_sentence_as(text, None, syr);
    /// assert_eq!(plain.source_actor(syr), chn);
    /// let speech = Scorer::new(&lex).first_person(true).score_sentence_as(text, None, syr);
    /// assert_eq!(speech.source_actor(syr), syr);
    /// # Ok::<(), stancemeter::Error>(())
    /// ```
    pub fn first_person(mut self, on: bool) -> Scorer<'a> {
        self.first_person = on;
        self
    }

    /// Scores one sentence of a document with the given date (the date
    /// decides which date-limited aliases apply).
    ///
    /// ```
    /// use stancemeter::{Lexicons, Scorer};
    /// let lex = Lexicons::defaults()?;
    /// let s = Scorer::new(&lex).score_sentence("Seoul welcomed the talks but warned Pyongyang.", None);
    /// assert!(s.tone < 0.0); // the clause after "but" weighs more
    /// # Ok::<(), stancemeter::Error>(())
    /// ```
    pub fn score_sentence(&self, sentence: &str, date: Option<DocDate>) -> Scored {
        self.score_sentence_as(sentence, date, None)
    }

    /// Like [`Scorer::score_sentence`], for a document whose speaker is the
    /// actor at index `speaker` (a UN delegation's speech, a state news
    /// agency's story): first-person references ("we", "our country", "my
    /// Government", the `self` words of `modifiers.csv`) then count as
    /// mentions of that actor.
    ///
    /// ```
    /// use stancemeter::{Lexicons, Scorer};
    /// let lex = Lexicons::defaults()?;
    /// let prk = lex.actor_index("PRK");
    /// let s = Scorer::new(&lex).score_sentence_as("We condemn the drills of Seoul.", None, prk);
    /// let source = s.attribution.source.map(|i| lex.actors()[s.matches.actors[i].actor].id.as_str());
    /// assert_eq!(source, Some("PRK"));
    /// # Ok::<(), stancemeter::Error>(())
    /// ```
    pub fn score_sentence_as(
        &self,
        sentence: &str,
        date: Option<DocDate>,
        speaker: Option<usize>,
    ) -> Scored {
        let mut out = Scored::default();
        self.score_sentence_into(sentence, date, speaker, &mut out);
        out
    }

    /// Like [`Scorer::score_sentence_as`], but writes the result into `out`,
    /// in place of what it held, and reuses its buffers: a loop over many
    /// sentences with one `Scored` allocates next to nothing per sentence
    /// (the pipeline scores this way).
    ///
    /// ```
    /// use stancemeter::{Lexicons, Scored, Scorer};
    /// let lex = Lexicons::defaults()?;
    /// let scorer = Scorer::new(&lex);
    /// let mut s = Scored::default();
    /// let mut hostile = 0;
    /// for sentence in ["Seoul condemned the missile launch.", "Talks resumed in Geneva."] {
    ///     scorer.score_sentence_into(sentence, None, None, &mut s);
    ///     hostile += usize::from(s.tone < 0.0);
    /// }
    /// assert_eq!(hostile, 1);
    /// # Ok::<(), stancemeter::Error>(())
    /// ```
    pub fn score_sentence_into(
        &self,
        sentence: &str,
        date: Option<DocDate>,
        speaker: Option<usize>,
        out: &mut Scored,
    ) {
        self.lex
            .find_near(sentence, date, speaker, &[], &mut out.matches);
        self.score_found(sentence, speaker, out);
    }

    /// Like [`Scorer::score_sentence_into`], for sentence `n` (0-based) of
    /// a document, after its sentences before `n` went through this with
    /// the same `recent` (start each document with [`Recent::default`] or
    /// [`Recent::clear`]). An alias with a `context` (`actors.csv`: "the
    /// North", "the South") counts where one of its context actors is
    /// named in the sentence, in one of the [`Recent::WINDOW`] sentences
    /// before it, or is the document's speaker. The pipeline scores this
    /// way; sentences it skips need not be passed.
    ///
    /// ```
    /// use stancemeter::{Lexicons, Recent, Scored, Scorer};
    /// let lex = Lexicons::defaults()?;
    /// let scorer = Scorer::new(&lex);
    /// let (mut s, mut recent) = (Scored::default(), Recent::default());
    /// let doc = ["Seoul put its troops on alert.", "The North fired two missiles."];
    /// scorer.score_sentence_after(doc[1], None, None, 1, &mut recent, &mut s);
    /// assert!(s.matches.actors.is_empty()); // no Korea named: no one
    /// recent.clear();
    /// for (n, sentence) in doc.iter().enumerate() {
    ///     scorer.score_sentence_after(sentence, None, None, n, &mut recent, &mut s);
    /// }
    /// // After a sentence naming South Korea, "the North" is North Korea.
    /// assert_eq!(lex.actors()[s.matches.actors[0].actor].id, "PRK");
    /// # Ok::<(), stancemeter::Error>(())
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn score_sentence_after(
        &self,
        sentence: &str,
        date: Option<DocDate>,
        speaker: Option<usize>,
        n: usize,
        recent: &mut Recent,
        out: &mut Scored,
    ) {
        recent.roots.clear();
        if !recent.named.is_empty() {
            recent.named.retain(|&(m, _)| m + Recent::WINDOW >= n);
            recent.roots.extend(recent.named.iter().map(|&(_, r)| r));
        }
        self.lex
            .find_near(sentence, date, speaker, &recent.roots, &mut out.matches);
        for h in &out.matches.actors {
            let root = self.lex.actors()[h.actor].root;
            if self.lex.is_context_root(root)
                && h.alias
                    .is_some_and(|a| self.lex.aliases()[a].context.is_empty())
            {
                recent.named.push((n, root));
            }
        }
        self.score_found(sentence, speaker, out);
    }

    /// Scores the sentence whose actors, tone terms and modifiers are in
    /// `out.matches`.
    fn score_found(&self, sentence: &str, speaker: Option<usize>, out: &mut Scored) {
        if let Some(sp) = speaker {
            add_self_references(self.lex, sentence, &mut out.matches, sp, self.first_person);
        }
        rule_names(self.lex, sentence, &mut out.matches, &mut out.in_names);
        let matches = &out.matches;
        out.terms.clear();
        if matches.tone.is_empty() && matches.actors.is_empty() {
            // Nothing to weigh and no one to attribute: neutral, and the
            // rules below would only confirm it.
            out.sum = 0.0;
            out.tone = 0.0;
            out.label = Label::Neutral;
            out.attribution.clear();
            return;
        }
        out.terms
            .extend(matches.tone.iter().enumerate().map(|(i, h)| {
                let w = self.lex.tone()[h.term].weight;
                TermScore {
                    hit: i,
                    base: w,
                    weight: w,
                    notes: Vec::new(),
                }
            }));
        if !out.terms.is_empty() {
            self.apply_rules(sentence, matches, speaker, &mut out.terms);
        }
        let sum: f64 = out
            .terms
            .iter()
            .filter(|t| t.base.abs() >= NO_STANCE_WEIGHT)
            .map(|t| t.weight)
            .sum();
        out.sum = sum;
        out.tone = normalise(sum);
        out.label = Label::of(out.tone);
        attribute_into(
            self.lex,
            matches,
            &out.terms,
            sum,
            speaker,
            &mut out.attribution,
        );
    }
}

impl Scorer<'_> {
    /// Runs the rules, in the order of the module docs, on a sentence with
    /// at least one tone term.
    ///
    /// A rule whose kind of modifier word is absent from the sentence
    /// cannot fire, so one pass over the modifiers decides which rules run,
    /// and the clause numbers are only computed when a rule that uses them
    /// does.
    fn apply_rules(
        &self,
        sentence: &str,
        m: &Matches,
        speaker: Option<usize>,
        terms: &mut [TermScore],
    ) {
        let (mut negator, mut demand, mut intensity, mut contrast, mut concession) =
            (false, false, false, false, false);
        for h in &m.modifiers {
            match self.lex.modifiers()[h.modifier].kind {
                ModifierKind::Negator | ModifierKind::Damage => negator = true,
                ModifierKind::Intensifier | ModifierKind::Dampener => intensity = true,
                ModifierKind::Contrast => contrast = true,
                ModifierKind::Concession => concession = true,
                // A demand turns only a concession: most sentences with
                // a modal have none, and need no clause numbers for it.
                ModifierKind::Demand | ModifierKind::Call => {
                    demand = demand
                        || terms.iter().any(|t| {
                            t.weight > 0.0
                                && CONCESSION_CATEGORIES.contains(
                                    &self.lex.tone()[m.tone[t.hit].term].category.as_str(),
                                )
                        })
                }
                ModifierKind::Speech | ModifierKind::SelfRef | ModifierKind::FirstPerson => {}
            }
        }
        let run = |clauses: &[usize], terms: &mut [TermScore]| {
            if negator {
                rule_negation(self.lex, m, clauses, terms);
            }
            if demand {
                rule_demanded(self.lex, m, clauses, speaker, terms);
            }
            if intensity {
                rule_intensity(self.lex, m, clauses, terms);
            }
            rule_problems(self.lex, m, terms);
            rule_rejected(self.lex, m, terms);
            rule_agreed_act(self.lex, m, terms);
            rule_quoted(sentence, m, terms);
            if contrast {
                rule_contrast(self.lex, m, terms);
            }
            if concession {
                rule_concession(self.lex, m, clauses, terms);
            }
        };
        let n = m.tokens.len();
        if !(negator || demand || intensity || concession) {
            run(&[], terms);
        } else if n <= CLAUSE_IDS_ON_STACK {
            // Clause numbers live on the stack unless the sentence is long.
            let mut ids = [0usize; CLAUSE_IDS_ON_STACK];
            clause_ids(self.lex, m, &mut ids[..n]);
            run(&ids[..n], terms);
        } else {
            let mut ids = vec![0usize; n];
            clause_ids(self.lex, m, &mut ids);
            run(&ids, terms);
        }
    }
}

/// Sentences of up to this many tokens keep their clause numbers in a
/// stack array; longer ones allocate.
const CLAUSE_IDS_ON_STACK: usize = 128;

/// Turns first-person references into mentions of the speaker, unless an
/// actor alias already covers the same words; the singular pronouns only
/// with `first_person` (see [`Scorer::first_person`]).
fn add_self_references(
    lex: &Lexicons,
    sentence: &str,
    m: &mut Matches,
    speaker: usize,
    first_person: bool,
) {
    let mut added = false;
    for h in &m.modifiers {
        match lex.modifiers()[h.modifier].kind {
            ModifierKind::SelfRef => {}
            ModifierKind::FirstPerson if first_person && is_pronoun(sentence, h.span.clone()) => {}
            _ => continue,
        }
        let overlaps = m
            .actors
            .iter()
            .any(|a| a.tok.start < h.tok.end && h.tok.start < a.tok.end);
        if !overlaps {
            m.actors.push(crate::lexicon::ActorHit {
                actor: speaker,
                alias: None,
                tok: h.tok.clone(),
                span: h.span.clone(),
                paired: false,
                backs: false,
            });
            added = true;
        }
    }
    if added {
        m.actors.sort_by_key(|a| (a.tok.start, a.tok.end));
    }
}

/// Whether the words at `span` of `sentence` are a pronoun: any but "I"
/// are; a lower-case "i" is not ("a.i."), and a capital one is not when it is glued to a dot, a bracket
/// or a hyphen ("a.i.", "(I)", "I-A"), nor right after a number or a
/// capitalised word other than the sentence's first ("World War I",
/// "Annex I"), where it is a roman numeral. "Today I", "Mr. President,
/// I" and "as I said" are pronouns.
fn is_pronoun(sentence: &str, span: Range<usize>) -> bool {
    let word = &sentence[span.clone()];
    if !word.eq_ignore_ascii_case("i") {
        return true;
    }
    if word != "I" {
        return false; // "a.i.", "(i)": the pronoun is a capital
    }
    let head = &sentence[..span.start];
    let before = head.chars().next_back();
    let after = sentence[span.end..].chars().next();
    if matches!(before, Some('.' | '(' | '[' | '-' | '/'))
        || matches!(after, Some('.' | ')' | ']' | '-' | '/'))
    {
        return false;
    }
    let trimmed = head.trim_end();
    let prev = trimmed
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    // The sentence's first word, perhaps after a quote or a bullet.
    let first_word = trimmed
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .len()
        == prev.len();
    let numeral_like = prev
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || (c.is_uppercase() && !first_word));
    !numeral_like && !NUMBERED_NOUNS.contains(&prev)
}

/// Nouns a roman numeral follows even at the start of a sentence ("Annex I
/// lists the parties"), where a capitalised word before "I" is otherwise
/// taken to start the sentence ("Today I").
const NUMBERED_NOUNS: &[&str] = &[
    "Annex",
    "Appendix",
    "Article",
    "Book",
    "Category",
    "Chapter",
    "Class",
    "Committee",
    "Group",
    "Level",
    "Part",
    "Phase",
    "Protocol",
    "Round",
    "Schedule",
    "Section",
    "Stage",
    "Tier",
    "Title",
    "Type",
    "Volume",
    "War",
];

/// Squashes a sum of weights into [−1, 1]: `sum / sqrt(sum² + ALPHA)`.
pub fn normalise(sum: f64) -> f64 {
    if !sum.is_finite() {
        return 0.0;
    }
    // `+ 0.0` turns a negative zero into zero, so it never prints as "-0".
    (sum / (sum * sum + ALPHA).sqrt()).clamp(-1.0, 1.0) + 0.0
}

/// Writes the clause number of every token into `ids` (one slot per
/// token, all zero on entry): a new clause starts after `,` `;` `:` `(`
/// `)` and at every contrast or concession word.
///
/// The punctuation is found 64 bytes at a time from a bit mask, and each
/// mark found is given to the first token after it: a sentence has a few
/// of those marks, where looking at the gap between each pair of tokens in
/// turn cost about 30 instructions a token: 3.2% of the instructions of
/// scoring a sentence, now 1.6%.
/// The marks are ASCII and never inside a token, so the mask finds exactly
/// the characters a char search of the gaps would.
fn clause_ids(lex: &Lexicons, m: &Matches, ids: &mut [usize]) {
    debug_assert_eq!(ids.len(), m.tokens.len());
    debug_assert!(ids.iter().all(|&x| x == 0));
    // Mark the tokens where a contrast or concession word starts a clause
    // with 1 ...
    for h in &m.modifiers {
        let kind = lex.modifiers()[h.modifier].kind;
        if matches!(kind, ModifierKind::Contrast | ModifierKind::Concession)
            && h.tok.start < ids.len()
        {
            ids[h.tok.start] = 1;
        }
    }
    // ... and the tokens after a gap with punctuation (not the first: a
    // mark before it starts no clause) ...
    let toks = &m.tokens;
    let mut next = 0;
    for_each_marked(m.norm.text().as_bytes(), clause_marks, |at| {
        while next < toks.len() && toks[next].start < at {
            next += 1;
        }
        if next > 0
            && let Some(slot) = ids.get_mut(next)
        {
            *slot = 1;
        }
    });
    // ... then count clause starts.
    let mut id = 0;
    for slot in ids {
        id += usize::from(*slot != 0);
        *slot = id;
    }
}

/// The bytes of a block that end a clause: `,` `;` `:` `(` `)`.
#[inline(always)]
fn clause_marks(v: &Block) -> u64 {
    v.mask(|x| x.cmp_eq(u8x16::splat(b',')) | within(x, b'(', b')') | within(x, b':', b';'))
}

fn same_clause(clauses: &[usize], a: usize, b: usize) -> bool {
    match (clauses.get(a), clauses.get(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Lower-case words that join the capitalised words of a name: "Day *of*
/// Solidarity", "Committee *for the* Peaceful Reunification", "Hayat Tahrir
/// *al*-Sham". [`rule_names`] looks back over at most two of them.
pub const NAME_JOINERS: [&str; 12] = [
    "of", "for", "and", "the", "to", "on", "in", "with", "against", "de", "al", "el",
];

/// Words of four letters or more that some title-case styles leave in lower
/// case ("Biden Slams Xi over Taiwan"): they do not make a sentence prose.
pub const TITLE_LOWER: [&str; 24] = [
    "about", "across", "after", "against", "amid", "among", "before", "between", "despite",
    "during", "from", "into", "onto", "over", "since", "than", "that", "through", "toward",
    "towards", "under", "until", "upon", "with",
];

/// **Names.** A tone word that is a word of a name is not anyone's stance:
/// "Criminal" in "International Criminal Court", "Cooperation" in "Gulf
/// Cooperation Council", "Peace" in "National Peace Committee of Korea",
/// "Friendship" in "Korea-Peru Friendship Association", "War" in
/// "Fatherland Liberation War". Such terms are set aside before any other
/// rule runs (into [`Scored::in_names`], which the evidence lists as
/// "Peace[in a name: not scored]"), so they neither weigh nor decide the
/// source. A term is in a name when
///
/// * it lies inside an actor's alias and is capitalised there or
///   conciliatory: "UN aid chief" is a title, not aid. A hostile word
///   written in lower case inside an alias is an epithet the writer chose
///   ("the puppet group", "U.S. imperialists") and keeps its weight; or
/// * it is capitalised where a capital says nothing of the word itself (not
///   first in the sentence, not after punctuation or a quote), and a
///   capitalised word stands right before it ("Liberation War"; also across
///   [`NAME_JOINERS`], "Day of Solidarity", when that word is not the
///   sentence's first) or right after it ("Peace Committee", "Meeting of
///   Activists").
///
/// The second test runs only in prose: in a title-case headline ("Seoul
/// Slams Pyongyang over Drills") every word is capitalised and none is
/// taken for a name. A sentence counts as prose when a word of four letters
/// or more starts in lower case, other than a preposition title case may
/// leave so ([`TITLE_LOWER`]). Lexicon phrases
/// are judged like single words, so "the Korean War" keeps the weight
/// `tone.csv` gives `korean war`, while "the Korean War Memorial" is a name.
pub fn rule_names(lex: &Lexicons, sentence: &str, m: &mut Matches, in_names: &mut Vec<ToneHit>) {
    in_names.clear();
    if m.tone.is_empty() {
        return;
    }
    let matches: &Matches = m;
    let toks = &matches.tokens;
    let orig = |t: usize| matches.norm.orig_range(toks[t].start..toks[t].end);
    let word = |t: usize| &sentence[orig(t)];
    let capital = |t: usize| word(t).chars().next().is_some_and(char::is_uppercase);
    let joiner = |t: usize| {
        let w = word(t);
        NAME_JOINERS.iter().any(|j| j.eq_ignore_ascii_case(w))
    };
    // Tokens `t` and `t + 1` are written next to each other, as the words
    // of one name are: only spaces or a hyphen between them.
    let joined = |t: usize| {
        let gap = &sentence[orig(t).end..orig(t + 1).start];
        !gap.is_empty() && gap.chars().all(|c| matches!(c, ' ' | '\u{a0}' | '-'))
    };
    let mut prose: Option<bool> = None;
    let mut is_prose = || {
        *prose.get_or_insert_with(|| {
            (0..toks.len()).any(|t| {
                let w = word(t);
                w.len() >= 4
                    && w.chars().next().is_some_and(char::is_lowercase)
                    && !TITLE_LOWER.contains(&w)
            })
        })
    };
    for h in &matches.tone {
        let capitalised = sentence[h.span.start..]
            .chars()
            .next()
            .is_some_and(char::is_uppercase);
        let in_alias = matches
            .actors
            .iter()
            .any(|a| a.alias.is_some() && a.tok.start <= h.tok.start && h.tok.end <= a.tok.end);
        let named = if in_alias {
            capitalised || lex.tone()[h.term].weight > 0.0
        } else if !capitalised || h.tok.is_empty() || !is_prose() {
            false
        } else {
            let (first, last) = (h.tok.start, h.tok.end - 1);
            // A capitalised word before it, perhaps across joiners.
            let mut before = false;
            let mut t = first;
            for _ in 0..=2 {
                if t == 0 || !joined(t - 1) {
                    break;
                }
                t -= 1;
                if !joiner(t) {
                    // Across joiners the capital must be a name's too, not
                    // the sentence's first word ("Veterans of the Korean
                    // War").
                    before = capital(t) && (t == first - 1 || (t > 0 && joined(t - 1)));
                    break;
                }
            }
            // Or a capitalised word after it (also across joiners:
            // "Meeting of Activists"), when nothing else explains its own
            // capital.
            let mut after = false;
            if first > 0 && joined(first - 1) {
                let mut t = last;
                for _ in 0..=2 {
                    if t + 1 >= toks.len() || !joined(t) {
                        break;
                    }
                    t += 1;
                    if !joiner(t) {
                        after = capital(t);
                        break;
                    }
                }
            }
            before || after
        };
        if named {
            in_names.push(h.clone());
        }
    }
    if !in_names.is_empty() {
        m.tone.retain(|h| {
            !in_names
                .iter()
                .any(|n| n.span == h.span && n.term == h.term)
        });
    }
}

/// **Negation.** A negator ("not", "never", "no longer", "didn't") negates
/// the first tone term after it, if that term starts at most
/// [`NEGATION_WINDOW`] words later in the same clause: its weight is
/// multiplied by the negator's factor (about −0.8). "did not condemn" turns
/// a hostile act into a mildly conciliatory one, "no longer threatens" and
/// "has no intention of imposing sanctions" likewise; "will not allow"
/// turns a conciliatory "allow" hostile. Only the first term is negated:
/// in "will never tolerate the reckless provocations" the provocations stay
/// hostile. But a promise or agreement negated ([`PROMISE_CATEGORIES`])
/// takes the act right after its "to" with it: "would never promise to
/// renounce the use of force" and "did not agree to lift the sanctions"
/// are hostile; and the terms joined to the negated one by "or"
/// ([`OR_JOINERS`] only between) are negated too: "will not pursue
/// absorption or any hostile act" is conciliatory. The flip is weaker than the original because a refusal to
/// act is a weaker signal than the act. A negator in a "why … not"
/// question that proposes the act ([`rhetorical_why`]: "Why should we not
/// sit down with them?") negates nothing; the term gets a
/// [`Note::Rhetorical`] instead.
///
/// A verb of damage (kind `damage`: "disrupted", "endangers", "undermined",
/// "blocked") does the same to a conciliatory term only: "disrupted the
/// peace process", "endangers peace" are hostile, while in "a country
/// ruined by war" the war stays hostile. It also damages the conciliatory
/// terms joined to that one by "and" or "or" ([`DAMAGE_JOINERS`] only
/// between): "blocked dialogue and cooperation", "undermining
/// reconciliation and unity".
pub fn rule_negation(lex: &Lexicons, m: &Matches, clauses: &[usize], terms: &mut [TermScore]) {
    let text = m.norm.text();
    let word = |i: usize| &text[m.tokens[i].start..m.tokens[i].end];
    for h in &m.modifiers {
        let md = &lex.modifiers()[h.modifier];
        if !matches!(md.kind, ModifierKind::Negator | ModifierKind::Damage) {
            continue;
        }
        let next_after = |terms: &[TermScore], tok: usize| {
            (0..terms.len())
                .filter(|&i| m.tone[terms[i].hit].tok.start >= tok)
                .min_by_key(|&i| m.tone[terms[i].hit].tok.start)
        };
        let Some(i) = next_after(terms, h.tok.end) else {
            continue;
        };
        let start = m.tone[terms[i].hit].tok.start;
        let negated = (md.kind == ModifierKind::Negator || terms[i].weight > 0.0)
            && start - h.tok.end < NEGATION_WINDOW
            && same_clause(clauses, h.tok.start, start);
        if !negated {
            continue;
        }
        if md.kind == ModifierKind::Negator && rhetorical_why(m, h.tok.start) {
            terms[i].notes.push(Note::Rhetorical {
                modifier: h.modifier,
            });
            continue;
        }
        let note = Note::Negated {
            modifier: h.modifier,
            factor: md.factor,
        };
        terms[i].weight *= md.factor;
        terms[i].notes.push(note);
        if md.kind != ModifierKind::Damage {
            // A promise or agreement negated takes the act it is to with
            // it: "would never promise to renounce the use of force", "did
            // not agree to lift the sanctions" are hostile.
            let end = m.tone[terms[i].hit].tok.end;
            let promise = PROMISE_CATEGORIES
                .contains(&lex.tone()[m.tone[terms[i].hit].term].category.as_str());
            if promise
                && end < m.tokens.len()
                && word(end) == "to"
                && let Some(j) = next_after(terms, end)
                && m.tone[terms[j].hit].tok.start == end + 1
            {
                terms[j].weight *= md.factor;
                terms[j].notes.push(note);
            }
        }
        // The terms joined to the one turned are turned too: after a
        // negator those joined by "or" ("not A or B" is neither; "neither
        // A nor B" needs no help, "nor" being a negator of its own), after
        // a verb of damage the kindnesses joined by "and" or "or".
        let damage = md.kind == ModifierKind::Damage;
        let (conjunctions, joiners): (&[&str], &[&str]) = if damage {
            (&["and", "or"], &DAMAGE_JOINERS)
        } else {
            (&["or"], &OR_JOINERS)
        };
        let mut end = m.tone[terms[i].hit].tok.end;
        while let Some(j) = next_after(terms, end) {
            let tok = m.tone[terms[j].hit].tok.clone();
            let joined = (!damage || terms[j].weight > 0.0)
                && (end..tok.start).any(|k| conjunctions.contains(&word(k)))
                && (end..tok.start).all(|k| joiners.contains(&word(k)))
                && same_clause(clauses, h.tok.start, tok.start);
            if !joined {
                break;
            }
            terms[j].weight *= md.factor;
            terms[j].notes.push(note);
            end = tok.end;
        }
    }
}

/// Words right after "why" that make a "why … not" question a proposal:
/// modals and "do" ("Why *should* we not sit down with them?", "Why
/// *don't* we meet?", "Why *can't* the two be partners?"). After "have",
/// "did" or "was" the question asks about a fact ("Why have the talks not
/// resumed?") and its negation stands. See [`rhetorical_why`].
pub const RHETORICAL_AUXILIARIES: [&str; 17] = [
    "should",
    "would",
    "could",
    "can",
    "do",
    "does",
    "shall",
    "must",
    "shouldn't",
    "wouldn't",
    "couldn't",
    "can't",
    "cannot",
    "don't",
    "doesn't",
    "mustn't",
    "not",
];

/// How many words "why" may stand before the negator of its question
/// ("Why should Indonesia and Australia not": 5).
pub const RHETORICAL_WINDOW: usize = 8;

/// **Rhetorical "why … not".** Whether the negator at word `neg` stands in
/// a question that proposes the act it seems to deny: the question opens
/// with "why", then "not" or one of [`RHETORICAL_AUXILIARIES`], the
/// negator follows within [`RHETORICAL_WINDOW`] words, and a question mark
/// ends it. "Why should we not sit down with our neighbours?" and "Why not
/// lift the sanctions?" ask for the talks and the lifting, so
/// [`rule_negation`] leaves the act's weight as it is (and notes why).
/// "Why have they not withdrawn?" asks about a fact and is negated as
/// usual.
pub fn rhetorical_why(m: &Matches, neg: usize) -> bool {
    let text = m.norm.text();
    let word = |i: usize| &text[m.tokens[i].start..m.tokens[i].end];
    let Some(why) = (neg.saturating_sub(RHETORICAL_WINDOW)..neg)
        .rev()
        .find(|&k| word(k) == "why")
    else {
        return false;
    };
    let between = &text[m.tokens[why].end..m.tokens[neg].start];
    let after = &text[m.tokens[neg].end..];
    !between.contains(['?', '!'])
        && after
            .find(['?', '!'])
            .is_some_and(|i| after.as_bytes()[i] == b'?')
        && RHETORICAL_AUXILIARIES.contains(&word(why + 1))
}

/// Tone categories of promises and agreements, whose negation reaches the
/// act right after their "to" ("never promised *to renounce* force"). See
/// [`rule_negation`].
pub const PROMISE_CATEGORIES: [&str; 2] = ["intent_cooperate", "cooperate"];

/// Words that may join a term damaged by a verb of damage to the next
/// one, which it damages too: "blocked dialogue *and* cooperation",
/// "undermined *the* talks *and their* results". See [`rule_negation`].
pub const DAMAGE_JOINERS: [&str; 8] = ["and", "or", "the", "its", "their", "his", "her", "all"];

/// Words that may join a negated term to the next one, which is negated
/// too, when "or" is among them: "will not pursue absorption *or any*
/// hostile act". See [`rule_negation`].
pub const OR_JOINERS: [&str; 8] = ["or", "any", "the", "its", "their", "his", "her", "other"];

/// Tone categories of concessions: what an actor gives up or stops doing
/// ("withdraw its troops", "release the detainees", "lift the sanctions",
/// "apologise"). See [`rule_demanded`].
pub const CONCESSION_CATEGORIES: [&str; 2] = ["yield", "de_escalate"];

/// How many words may stand between a modal of demand and the concession
/// demanded ("must *immediately and unconditionally* withdraw", "should
/// *admit the crimes and make sincere* apology"). See [`rule_demanded`].
pub const DEMAND_WINDOW: usize = 6;

/// Words after an actor named inside a concession that make it the one who
/// gains by it or the place, not the one who must make it ("the release of
/// the Palestinian *prisoners*", "the return of Japanese *abductees*", "an
/// end to the occupation of Lebanese *territory*"), or as likely one as the
/// other ("an end to the Cuban *embargo*", "Cuba's economic *blockade*",
/// where "the U.S. *blockade*" names its maker). See [`rule_demanded`].
pub const BENEFICIARY_NOUNS: [&str; 25] = [
    "prisoner",
    "prisoners",
    "detainee",
    "detainees",
    "hostage",
    "hostages",
    "captives",
    "abductees",
    "nationals",
    "citizens",
    "people",
    "fishermen",
    "patriots",
    "refugees",
    "civilians",
    "workers",
    "journalists",
    "activists",
    "students",
    "economic",
    "embargo",
    "blockade",
    "sanctions",
    "siege",
    "territory",
];

/// Words between a modal of demand and a concession that put the
/// concession in another clause or another's hands: "must take measures
/// *to* force Indonesia to withdraw", "the only system *that* every nation
/// accepts", "must work *for* the withdrawal", "should *be* allowed". See
/// [`rule_demanded`].
pub const DEMAND_BREAKS: [&str; 14] = [
    "to", "that", "which", "who", "whom", "whose", "so", "if", "when", "unless", "until",
    "because", "for", "be",
];

/// **Demands.** A modal of demand (a modifier of kind `demand`: "should",
/// "must", "ought to", "had better") whose subject is an actor turns the
/// concession it demands (a term of [`CONCESSION_CATEGORIES`]) into a
/// demand on that actor: "The U.S. should withdraw its troops", "Japan
/// must apologise" are pressure, which the event coders count as hostile
/// (CAMEO's *demand*), as `tone.csv` weighs "urged … to withdraw" (−1.5).
/// The term is multiplied by the modal's factor (−0.6: "withdraw its
/// troops" +2.5 becomes −1.5). An appeal for talks, cooperation or peace
/// keeps its tone ("Seoul should respond to the offer of dialogue", "India
/// and Pakistan should settle their dispute": categories `consult`,
/// `cooperate`, `settle`), as in `tone.csv`'s "urged … to negotiate"
/// (+1.5).
///
/// The subject is the actor named right before the modal, or before at
/// most two words of its office or force ("the Japanese *government*
/// should", "U.S. *troops* must"), in the same clause. The concession is
/// the first term after the nearest such modal, at most [`DEMAND_WINDOW`]
/// words on, in its clause, with none of [`DEMAND_BREAKS`] between (a
/// purpose, a relative clause, a passive: "sanctions on Cuba must be
/// lifted" demands nothing of Cuba). Not the speaker (a first-person "we
/// must withdraw", or "Chile must" in Chile's speech, is a pledge); not a
/// term the negation already turned ("should not withdraw").
///
/// A verb that calls for an act (kind `call`: "called for", "demanding",
/// "insisted on") does the same to the concession it calls for, on the
/// same conditions, when the actor who must make it is named: inside the
/// concession ("demanding the withdrawal *of the U.S.* forces", "insisted
/// on the removal *of U.S.* sanctions") or between the verb and it
/// ("demanded that *Japan* apologise"). The verb's own subject is the one
/// who demands, not the one pressed. A concession whose maker is not named
/// keeps its tone ("called for the lifting of the sanctions on Cuba" is
/// kind to Cuba, and says nothing of who must lift them).
pub fn rule_demanded(
    lex: &Lexicons,
    m: &Matches,
    clauses: &[usize],
    speaker: Option<usize>,
    terms: &mut [TermScore],
) {
    let text = m.norm.text();
    let word = |i: usize| m.tokens.get(i).map_or("", |t| &text[t.start..t.end]);
    let speaker_root = speaker.map(|sp| lex.actors()[sp].root);
    let named = |i: usize| {
        let a = &m.actors[i];
        a.alias.is_some() && speaker_root.is_none_or(|sp| lex.actors()[a.actor].root != sp)
    };
    // The actor mention that is the subject of the modal at token `modal`.
    let subject = |modal: usize| {
        let i = m.actors.iter().rposition(|a| a.tok.end <= modal)?;
        let a = &m.actors[i];
        let subject = named(i)
            && modal - a.tok.end <= 2
            && (a.tok.end..modal).all(|i| crate::attribute::is_office_word(word(i)))
            && same_clause(clauses, a.tok.end - 1, modal);
        subject.then_some(i)
    };
    // The actor named as the maker of the concession at tokens `term`,
    // called for by a verb ending at token `verb`.
    let maker = |verb: usize, term: &Range<usize>| {
        let inside = m
            .actors
            .iter()
            .position(|a| term.start <= a.tok.start && a.tok.end <= term.end);
        let i = match inside {
            // "the withdrawal of *U.S.* troops"; but in "the release of
            // the *Palestinian* prisoners" the actor inside is the one
            // who gains, and the one who must release them is not named.
            Some(i) => (!BENEFICIARY_NOUNS.contains(&word(m.actors[i].tok.end))).then_some(i)?,
            // "demanded *the U.S.* lift the blockade", "demanded that *the
            // south Korean authorities* immediately accept": the subject
            // of the act called for, right after the verb (perhaps after
            // "the"), and at most four words before it.
            None => {
                let i = m.actors.iter().position(|a| a.tok.start >= verb)?;
                let a = &m.actors[i];
                let lead = a.tok.start == verb || (a.tok.start == verb + 1 && word(verb) == "the");
                let tail = a.tok.end <= term.start && term.start - a.tok.end <= 4;
                (lead && tail).then_some(i)?
            }
        };
        named(i).then_some(i)
    };
    for t in terms.iter_mut() {
        let hit = &m.tone[t.hit];
        if t.weight <= 0.0
            || !CONCESSION_CATEGORIES.contains(&lex.tone()[hit.term].category.as_str())
        {
            continue;
        }
        let start = hit.tok.start;
        let Some(h) = m.modifiers.iter().rfind(|h| {
            h.tok.end <= start
                && matches!(
                    lex.modifiers()[h.modifier].kind,
                    ModifierKind::Demand | ModifierKind::Call
                )
        }) else {
            continue;
        };
        let demanded = start - h.tok.end <= DEMAND_WINDOW
            && same_clause(clauses, h.tok.start, start)
            && !(h.tok.end..start).any(|i| DEMAND_BREAKS.contains(&word(i)));
        if !demanded {
            continue;
        }
        let actor = match lex.modifiers()[h.modifier].kind {
            ModifierKind::Call => maker(h.tok.end, &hit.tok),
            _ => subject(h.tok.start),
        };
        if let Some(actor) = actor {
            let factor = lex.modifiers()[h.modifier].factor;
            t.weight *= factor;
            t.notes.push(Note::Demanded {
                modifier: h.modifier,
                factor,
                actor,
            });
        }
    }
}

/// **Intensifiers and dampeners.** The nearest intensifier ("sharply",
/// "strongly", "warmly") or dampener ("somewhat", "cautiously") within
/// [`INTENSITY_WINDOW_BEFORE`] words before or [`INTENSITY_WINDOW_AFTER`]
/// after a term, in its clause, multiplies its weight by its factor. They
/// change strength, never direction: factors are positive.
pub fn rule_intensity(lex: &Lexicons, m: &Matches, clauses: &[usize], terms: &mut [TermScore]) {
    for t in terms.iter_mut() {
        let hit = &m.tone[t.hit];
        let mut best: Option<(usize, usize)> = None; // (distance, modifier hit)
        for (i, h) in m.modifiers.iter().enumerate() {
            let kind = lex.modifiers()[h.modifier].kind;
            if !matches!(kind, ModifierKind::Intensifier | ModifierKind::Dampener) {
                continue;
            }
            let dist = if h.tok.end <= hit.tok.start {
                let d = hit.tok.start - h.tok.end;
                if d >= INTENSITY_WINDOW_BEFORE {
                    continue;
                }
                d
            } else if h.tok.start >= hit.tok.end {
                let d = h.tok.start - hit.tok.end;
                if d >= INTENSITY_WINDOW_AFTER {
                    continue;
                }
                d
            } else {
                continue;
            };
            if !same_clause(clauses, h.tok.start, hit.tok.start) {
                continue;
            }
            if best.is_none_or(|(bd, _)| dist < bd) {
                best = Some((dist, i));
            }
        }
        if let Some((_, i)) = best {
            let modifier = m.modifiers[i].modifier;
            let factor = lex.modifiers()[modifier].factor;
            t.weight *= factor;
            t.notes.push(Note::Intensity { modifier, factor });
        }
    }
}

/// Starts of words that fight something: "fight", "combat", "struggle
/// against", "tackle", "eradicate" and their forms; "war" and "wars" are
/// matched whole ("warned" is no fight), and only with a joiner after them
/// ("war on drugs", not "war crimes"). See [`rule_problems`].
pub const FIGHT_WORDS: [&str; 15] = [
    "fight", "fought", "combat", "struggl", "battl", "tackl", "eradicat", "counter", "curb",
    "confront", "defeat", "eliminat", "suppress", "stamp", "campaign",
];

/// Starts of words naming a problem that states fight together, not an
/// actor: "poverty", "terrorism", "drug trafficking", "climate change",
/// "HIV/AIDS". See [`rule_problems`].
pub const PROBLEM_WORDS: [&str; 41] = [
    "terror",
    "poverty",
    "hunger",
    "famine",
    "malnutrition",
    "disease",
    "epidemic",
    "pandemic",
    "covid",
    "hiv",
    "aids",
    "malaria",
    "ebola",
    "tuberculosis",
    "polio",
    "drug",
    "narcotic",
    "traffick",
    "smuggl",
    "pira",
    "crime",
    "corruption",
    "impunity",
    "launder",
    "racism",
    "xenophobia",
    "discrimination",
    "intolerance",
    "illiteracy",
    "unemployment",
    "inequalit",
    "underdevelopment",
    "desertification",
    "drought",
    "climate",
    "warming",
    "deforestation",
    "pollution",
    "extremis",
    "radicali",
    "inflation",
];

/// [`PROBLEM_WORDS`] as a [`WordStarts`].
const PROBLEM_STARTS: WordStarts<41> = WordStarts::new(&PROBLEM_WORDS);

/// [`FIGHT_WORDS`] as a [`WordStarts`].
const FIGHT_STARTS: WordStarts<15> = WordStarts::new(&FIGHT_WORDS);

/// A list of word starts (each of two bytes or more) to test words
/// against, built when the program is compiled: each start's first two
/// bytes, and a set of those pairs with each byte cut to its low five
/// bits. A word whose first two bytes are in no pair of the set is
/// answered from one bit, and otherwise compared in full only with the
/// starts of its first two bytes. [`rule_problems`] asks whether each
/// hostile term's word starts a problem: the 40 problem words compared one
/// by one cost about 250 instructions a term (1.5% of scoring a sentence,
/// which this set spares).
struct WordStarts<const N: usize> {
    list: &'static [&'static str; N],
    /// The first two bytes of each start, as a little-endian `u16`.
    heads: [u16; N],
    pairs: [u64; 16],
}

impl<const N: usize> WordStarts<N> {
    /// The set of `list`; fails to compile on a start shorter than two
    /// bytes.
    const fn new(list: &'static [&'static str; N]) -> WordStarts<N> {
        let mut pairs = [0u64; 16];
        let mut heads = [0u16; N];
        let mut i = 0;
        while i < N {
            let b = list[i].as_bytes();
            assert!(b.len() >= 2, "a word start has two bytes or more");
            heads[i] = u16::from_le_bytes([b[0], b[1]]);
            let k = Self::key(b[0], b[1]);
            pairs[k / 64] |= 1 << (k % 64);
            i += 1;
        }
        WordStarts { list, heads, pairs }
    }

    const fn key(a: u8, b: u8) -> usize {
        ((a & 31) as usize) << 5 | (b & 31) as usize
    }

    /// Whether `w` starts with one of the list.
    fn starts(&self, w: &str) -> bool {
        let Some(&[a, b]) = w.as_bytes().first_chunk::<2>() else {
            return false;
        };
        let k = Self::key(a, b);
        if self.pairs[k / 64] & (1 << (k % 64)) == 0 {
            return false;
        }
        let head = u16::from_le_bytes([a, b]);
        self.heads
            .iter()
            .zip(self.list)
            .any(|(&h, p)| h == head && w.starts_with(p))
    }
}

/// Words that may stand between a fight and its problem ("fight *against
/// the* scourge of poverty", "combat *illicit* drugs", "fight *people*
/// smuggling", "fighting *non-communicable* diseases"), at most
/// [`PROBLEM_WINDOW`] of them.
pub const PROBLEM_JOINERS: [&str; 35] = [
    "against",
    "on",
    "the",
    "all",
    "its",
    "their",
    "of",
    "illicit",
    "international",
    "global",
    "scourge",
    "scourges",
    "forms",
    "this",
    "these",
    "such",
    "growing",
    "transnational",
    "organized",
    "people",
    "human",
    "arms",
    "non",
    "communicable",
    "infectious",
    "deadly",
    "violent",
    "persistent",
    "cross",
    "border",
    "common",
    "nuclear",
    "certain",
    "problems",
    "other",
];

/// How many [`PROBLEM_JOINERS`] words may stand between a fight and its
/// problem.
pub const PROBLEM_WINDOW: usize = 3;

/// **Problems.** "The fight against poverty", "combating terrorism", "the
/// war on drugs", "tackle climate change": a fight aimed at a problem
/// (one of [`PROBLEM_WORDS`]) is no hostility toward anyone, and the
/// problem named as what is fought is no accusation. UN speeches are full
/// of them ("Sri Lanka remains committed to the global endeavour to fight
/// terrorism"), and weighed as written they made the speaker hostile. Both
/// terms get weight 0: a hostile tone term whose words continue, across at
/// most [`PROBLEM_WINDOW`] of [`PROBLEM_JOINERS`], into a problem word
/// ("against a problem ×0"), and a hostile tone term on a problem word
/// right after a word of [`FIGHT_WORDS`] ("a problem fought ×0"). A fight
/// against an actor keeps its weight: "the fight against ISIS", "war on
/// Iraq".
pub fn rule_problems(lex: &Lexicons, m: &Matches, terms: &mut [TermScore]) {
    let text = m.norm.text();
    let word = |i: usize| &text[m.tokens[i].start..m.tokens[i].end];
    let joiner = |i: usize| PROBLEM_JOINERS.contains(&word(i));
    // Token `i` follows token `i - 1` with no punctuation between: a list
    // ("conflict, climate change") is no fight against a problem.
    let close = |i: usize| {
        text[m.tokens[i - 1].end..m.tokens[i].start]
            .bytes()
            .all(|b| b == b' ' || b == b'/')
    };
    for t in terms.iter_mut() {
        if t.weight >= 0.0 {
            continue;
        }
        let tok = &m.tone[t.hit].tok;
        if tok.is_empty() {
            continue;
        }
        let is_war = |w: &str| w == "war" || w == "wars";
        // The fight: a problem word after its words and a few joiners. The
        // cheap tests first: most hostile terms are no fight, and most
        // start with no problem word.
        let category = lex.tone()[m.tone[t.hit].term].category.as_str();
        let fights = category == "fight" && {
            let mut after = tok.end;
            while after < m.tokens.len()
                && after - tok.end < PROBLEM_WINDOW
                && close(after)
                && joiner(after)
            {
                after += 1;
            }
            after < m.tokens.len()
                && (after > tok.end || !is_war(word(tok.end - 1)))
                && close(after)
                && PROBLEM_STARTS.starts(word(after))
                && no_actor_at(m, after)
        };
        // The problem: a problem word right after a fight word and joiners.
        let fought = !fights && PROBLEM_STARTS.starts(word(tok.start)) && {
            let mut before = tok.start;
            while before > 0
                && tok.start - before < PROBLEM_WINDOW
                && close(before)
                && joiner(before - 1)
            {
                before -= 1;
            }
            before > 0 && close(before) && {
                let w = word(before - 1);
                FIGHT_STARTS.starts(w) || (is_war(w) && before < tok.start)
            }
        };
        if fights || fought {
            t.weight = 0.0;
            t.notes.push(Note::Problem { fought });
        }
    }
}

/// No actor mention covers token `i` ("the fight against *ISIS*").
fn no_actor_at(m: &Matches, i: usize) -> bool {
    !m.actors.iter().any(|a| a.tok.start <= i && i < a.tok.end)
}

/// **Quoted hostility.** A hostile term right inside quotation marks
/// ("called Kim a “thug”", "'puppet' authorities") is multiplied by
/// [`QUOTED_HOSTILE_FACTOR`]: news quotes insults and threats verbatim to
/// attribute them, and the quoted word is the speaker's own.
pub fn rule_quoted(sentence: &str, m: &Matches, terms: &mut [TermScore]) {
    for t in terms.iter_mut() {
        if t.weight >= 0.0 {
            continue;
        }
        if next_to_quote(sentence, &m.tone[t.hit].span) {
            t.weight *= QUOTED_HOSTILE_FACTOR;
            t.notes.push(Note::Quoted {
                factor: QUOTED_HOSTILE_FACTOR,
            });
        }
    }
}

/// Starts of nouns that name what one side puts to another: what a
/// rejection is aimed at. See [`rule_rejected`].
pub const OFFER_WORDS: [&str; 15] = [
    "offer",
    "proposal",
    "invitation",
    "plan",
    "bid",
    "initiative",
    "overture",
    "request",
    "deal",
    "pact",
    "agreement",
    "accord",
    "treaty",
    "truce",
    "ceasefire",
];

/// Tone categories of accepting and agreeing: negated ("would never
/// *accept* a peace deal", "did not *agree to* the truce") they reject what
/// follows. See [`rule_rejected`].
pub const ACCEPTING_CATEGORIES: [&str; 2] = ["yield", "cooperate"];

/// Words that may join an offer to what it offers ("offer *to* mediate",
/// "proposal *for* talks", "invitation *to a* summit"), at most two.
pub const OFFERED_JOINERS: [&str; 10] = [
    "to", "of", "for", "on", "a", "the", "designed", "aimed", "meant", "intended",
];

/// **Rejected offers.** "Baku rejected Paris's offer to mediate", "Kabul
/// turned down Islamabad's proposal for talks": what is offered (the
/// mediation, the talks) is what the source rejects, not a kindness of
/// its own, and weighed as written it cancelled the rejection. A
/// conciliatory term weighs 0 ("what is rejected ×0") when it follows a
/// hostile term of category `reject` or `reduce_relations` (scrapping,
/// withdrawing from: "Pyongyang scrapped the pact designed to ease
/// tensions") in the same phrase and either that
/// term ends in an offer (one of [`OFFER_WORDS`]) and at most two
/// [`OFFERED_JOINERS`] stand between, or it is itself an offer with only
/// "the", "a", a possessive ("Islamabad's") and at most one other word
/// ("a *port* deal") between. The terms that
/// follow a zeroed offer the same way are zeroed too. An acceptance
/// negated ([`ACCEPTING_CATEGORIES`]: "would never accept a peace deal")
/// rejects as well, and an offer may be named by the last word of its
/// term ("a peace *deal*"). A negated
/// rejection ("did not reject the offer of talks") is no rejection here:
/// [`rule_negation`] has made it conciliatory already.
pub fn rule_rejected(lex: &Lexicons, m: &Matches, terms: &mut [TermScore]) {
    let rejects = |t: &TermScore| {
        let category = lex.tone()[m.tone[t.hit].term].category.as_str();
        t.weight < 0.0
            && (matches!(category, "reject" | "reduce_relations")
                || (t.base > 0.0
                    && ACCEPTING_CATEGORIES.contains(&category)
                    && t.notes.iter().any(|n| matches!(n, Note::Negated { .. }))))
    };
    if !terms.iter().any(rejects) {
        return;
    }
    let text = m.norm.text();
    let word = |i: usize| &text[m.tokens[i].start..m.tokens[i].end];
    let is_offer = |i: usize| OFFER_WORDS.iter().any(|w| word(i).starts_with(w));
    for i in 0..terms.len() {
        if !rejects(&terms[i]) {
            continue;
        }
        let mut end = m.tone[terms[i].hit].tok.end;
        let mut ends_in_offer = end > 0 && is_offer(end - 1);
        for t in terms.iter_mut().skip(i + 1) {
            let tok = m.tone[t.hit].tok.clone();
            if t.weight <= 0.0 || tok.start < end || end == 0 || tok.is_empty() {
                break;
            }
            let gap = end..tok.start;
            let joined = gap.len() <= 2
                && if ends_in_offer {
                    gap.clone().all(|g| OFFERED_JOINERS.contains(&word(g)))
                } else {
                    (is_offer(tok.start) || is_offer(tok.end - 1))
                        && gap
                            .clone()
                            .filter(|&g| {
                                let w = word(g);
                                !(w == "the" || w == "a" || w.ends_with("'s"))
                            })
                            .count()
                            <= 1
                };
            let unbroken = !text[m.tokens[end - 1].end..m.tokens[tok.start].start]
                .contains([',', ';', ':', '(', ')'])
                && !gap.clone().any(|g| matches!(word(g), "and" | "or" | "but"));
            if !(joined && unbroken) {
                break;
            }
            t.weight = 0.0;
            t.notes.push(Note::Rejected);
            end = tok.end;
            ends_in_offer = is_offer(end - 1);
        }
    }
}

/// Words that may stand between "agreed" and the "to" of what was agreed
/// ("agreed *on Tuesday* to", "agreed *unanimously* to"), at most
/// [`AGREED_GAP`] of them. See [`rule_agreed_act`].
pub const AGREED_JOINERS: [&str; 14] = [
    "on",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "today",
    "yesterday",
    "unanimously",
    "jointly",
    "also",
    "formally",
];

/// The forms of "agree" that [`rule_agreed_act`] reads (not "agreement":
/// "an agreement to halt the arms race" is a truce's).
pub const AGREE_VERBS: [&str; 4] = ["agree", "agrees", "agreed", "agreeing"];

/// Tone categories of the acts an agreement may be to: sanctions, force,
/// threats. See [`rule_agreed_act`].
pub const AGREED_ACTS: [&str; 6] = [
    "sanction",
    "coerce",
    "assault",
    "fight",
    "force_posture",
    "threaten",
];

/// How many [`AGREED_JOINERS`] may stand between "agreed" and its "to".
pub const AGREED_GAP: usize = 2;

/// **Agreed hostile acts.** "EU governments agreed on Monday to ban
/// imports of Iranian crude", "NATO's ministers agreed to freeze meetings
/// with Russia": the agreement is among the sources, and what they agreed
/// to do decides the sentence's stance toward its target. Weighed as
/// written, "agreed" (a `cooperate` term) cancelled the act. A
/// `cooperate` term that is one of [`AGREE_VERBS`] weighs 0 ("what is
/// agreed is hostile ×0") when "to" follows it, after at most
/// [`AGREED_GAP`] of [`AGREED_JOINERS`], and the word right after that
/// "to" (or that "to" itself: "to ban ... imports") starts a hostile term
/// of [`AGREED_ACTS`], or a phrase of
/// `reduce_relations` ("to freeze ... meetings", "to expel ...
/// diplomats"): the act agreed is then the hostile verb itself. An
/// agreement to an act of peace keeps its weight: "agreed to end the war"
/// is one conciliatory term after "to", "agreed to suspend tests" a lone
/// `reduce_relations` word, as ambiguous as a truce's "halt".
pub fn rule_agreed_act(lex: &Lexicons, m: &Matches, terms: &mut [TermScore]) {
    let text = m.norm.text();
    let word = |i: usize| &text[m.tokens[i].start..m.tokens[i].end];
    for i in 0..terms.len() {
        let tok = m.tone[terms[i].hit].tok.clone();
        if terms[i].weight <= 0.0
            || tok.len() != 1
            || !AGREE_VERBS.contains(&word(tok.start))
            || lex.tone()[m.tone[terms[i].hit].term].category != "cooperate"
        {
            continue;
        }
        // The "to" after the agreement, and nothing but joiners before it.
        let mut at = tok.end;
        while at < m.tokens.len() && at - tok.end < AGREED_GAP && AGREED_JOINERS.contains(&word(at))
        {
            at += 1;
        }
        if at + 1 >= m.tokens.len()
            || word(at) != "to"
            || text[m.tokens[tok.end - 1].end..m.tokens[at].start].contains([',', ';', ':'])
        {
            continue;
        }
        let act = at + 1;
        let hostile_act = terms.iter().any(|t| {
            let hit = &m.tone[t.hit];
            (hit.tok.start == act || hit.tok.start == at)
                && t.weight < 0.0
                && match lex.tone()[hit.term].category.as_str() {
                    c if AGREED_ACTS.contains(&c) => true,
                    // "to freeze meetings", "to expel diplomats"; not a lone
                    // "suspend" or "halt", which is as often a truce's.
                    "reduce_relations" => hit.tok.len() > 1,
                    _ => false,
                }
        });
        if hostile_act {
            terms[i].weight = 0.0;
            terms[i].notes.push(Note::AgreedAct);
        }
    }
}

/// Whether the words at `span` of `text` stand right inside quotation
/// marks: a quote mark (straight, curly or angle; folded text has only
/// `"` and `'`) right before them or right after. An apostrophe inside a
/// word ("Seoul's") is no quote mark here, since a term starts and ends at
/// word boundaries. What [`rule_quoted`] and the attribution of reported
/// speech call quoted.
pub(crate) fn next_to_quote(text: &str, span: &Range<usize>) -> bool {
    const QUOTES: [char; 7] = ['"', '\'', '“', '”', '‘', '’', '«'];
    let before = text[..span.start].chars().next_back();
    let after = text[span.end..].chars().next();
    before.is_some_and(|c| QUOTES.contains(&c))
        || after.is_some_and(|c| QUOTES.contains(&c) || c == '»')
}

/// **Contrast.** With a contrast word ("but", "however", "yet") that has
/// tone terms on both sides, the clause after it decides: terms after the
/// last such word are multiplied by its factor (about 1.5) and terms before
/// it divided by it. "Seoul welcomed the offer but warned of consequences"
/// comes out hostile.
pub fn rule_contrast(lex: &Lexicons, m: &Matches, terms: &mut [TermScore]) {
    let Some(c) = m.modifiers.iter().rfind(|h| {
        lex.modifiers()[h.modifier].kind == ModifierKind::Contrast
            && terms.iter().any(|t| m.tone[t.hit].tok.end <= h.tok.start)
            && terms.iter().any(|t| m.tone[t.hit].tok.start >= h.tok.end)
    }) else {
        return;
    };
    let (modifier, factor) = (c.modifier, lex.modifiers()[c.modifier].factor);
    for t in terms.iter_mut() {
        if m.tone[t.hit].tok.start >= c.tok.end {
            t.weight *= factor;
            t.notes.push(Note::AfterContrast { modifier, factor });
        } else {
            t.weight /= factor;
            t.notes.push(Note::BeforeContrast { modifier, factor });
        }
    }
}

/// **Concession.** A clause opened by a concession word ("although",
/// "despite", "even though", "while") is subordinate: terms inside it are
/// multiplied by its factor (about 0.5) when the sentence also has tone
/// terms outside it. "Despite the sanctions, Pyongyang offered talks" comes
/// out conciliatory.
pub fn rule_concession(lex: &Lexicons, m: &Matches, clauses: &[usize], terms: &mut [TermScore]) {
    for h in &m.modifiers {
        let md = &lex.modifiers()[h.modifier];
        if md.kind != ModifierKind::Concession {
            continue;
        }
        let Some(&clause) = clauses.get(h.tok.start) else {
            continue;
        };
        let inside = |t: &TermScore| clauses.get(m.tone[t.hit].tok.start) == Some(&clause);
        if !terms.iter().any(inside) || terms.iter().all(inside) {
            continue;
        }
        for t in terms.iter_mut() {
            if inside(t) {
                t.weight *= md.factor;
                t.notes.push(Note::Conceded {
                    modifier: h.modifier,
                    factor: md.factor,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::LexiconTexts;

    fn lex() -> Lexicons {
        Lexicons::from_texts(&LexiconTexts::new("id,name,kind,parent,alias,case,valid_from,valid_to\n\
                     PRK,North Korea,state,,Pyongyang,,,\nKOR,South Korea,state,,Seoul,,,\n"
                , "term,weight,category\ncondemn*,-2,disapprove\nthug,-3,insult\nwelcom*,2,praise\n\
                   warn*,-2,threaten\noffer* ... talks,2.5,intent_cooperate\nsanction*,-2.5,sanction\n\
                   eas* ... tension*,2.5,de_escalate\ntalks,1,consult\n\
                   withdraw* ... troops,2.5,de_escalate\nfreed,2.5,yield\n\
                   settle* ... dispute*,2,settle\ndemanded,-1.5,demand\n\
                   release* ... prisoners,3,yield\nlift* ... blockade*,3,yield\n"
                , "word,kind,factor\nnot,negator,-0.8\nno longer,negator,-0.8\n\
                        sharply,intensifier,1.4\nsomewhat,dampener,0.6\nbut,contrast,1.5\n\
                        despite,concession,0.5\nsaid,speech,1\nshould,demand,-0.6\n\
                        must,demand,-0.6\ndemanded,call,-0.6\ncalled for,call,-0.6\n"
                , ""))
        .unwrap()
    }

    fn score(s: &str) -> Scored {
        let l = lex();
        Scorer::new(&l).score_sentence(s, None)
    }

    /// One `Scored` reused across sentences of every kind (plain ASCII,
    /// dashes, characters beyond ASCII, none found, a speaker's "we") holds
    /// each time exactly what a fresh result would: nothing is left over.
    #[test]
    fn scoring_into_a_reused_result_equals_scoring_afresh() {
        let l = Lexicons::defaults().unwrap();
        let sc = Scorer::new(&l);
        let prk = l.actor_index("PRK");
        let sentences = [
            "Pyongyang sharply condemned Seoul's drills, but welcomed talks.",
            "",
            "The weather was fine.",
            "Kim Jong-un’s envoy — in Türkiye — warned the “puppet” regime in Seoul.",
            "We will never accept the sanctions of the United States.",
            // Mutual: the co-sources are each other's targets.
            "North Korea and South Korea agreed to cooperate.",
            "Seoul did not condemn Pyongyang.",
            "North Korea fired a missile; Japan and South Korea protested.",
            // A word of a name, set aside.
            "Seoul welcomed the ruling of the International Criminal Court.",
        ];
        let mut reused = Scored::default();
        let mut mutual = false;
        for round in 0..2 {
            for (i, text) in sentences.iter().enumerate() {
                let speaker = if (i + round) % 2 == 0 { prk } else { None };
                sc.score_sentence_into(text, None, speaker, &mut reused);
                let fresh = sc.score_sentence_as(text, None, speaker);
                assert_eq!(format!("{reused:?}"), format!("{fresh:?}"), "{text}");
                mutual |= fresh.attribution.mutual;
            }
        }
        assert!(mutual, "a sentence whose sources act toward each other");
    }

    #[test]
    fn plain_terms_sum_and_normalise() {
        let s = score("Pyongyang condemned Seoul.");
        assert_eq!(s.sum, -2.0);
        assert!((s.tone - (-2.0 / 19f64.sqrt())).abs() < 1e-12);
        assert_eq!(s.label, Label::Hostile);
        assert_eq!(score("Pyongyang and Seoul met.").label, Label::Neutral);
    }

    #[test]
    fn negation_flips_within_window_and_clause_only() {
        let s = score("Pyongyang did not condemn Seoul.");
        assert!((s.sum - 1.6).abs() < 1e-9);
        assert_eq!(s.label, Label::Conciliatory);
        let s = score("Pyongyang no longer condemns Seoul.");
        assert_eq!(s.label, Label::Conciliatory);
        // Too far away, or across a comma: no flip.
        assert_eq!(
            score("Not once in the past decade has Pyongyang condemned Seoul.").sum,
            -2.0
        );
        assert_eq!(
            score("Not surprisingly, Pyongyang condemned Seoul.").sum,
            -2.0
        );
    }

    #[test]
    fn negation_reaches_the_terms_joined_by_or() {
        // "Not A or B" is neither: both flip.
        let s = score("Pyongyang will not condemn or sanction Seoul.");
        assert!((s.sum - (1.6 + 2.0)).abs() < 1e-9, "{}", s.sum);
        let s = score("Pyongyang will not condemn or any other sanction on Seoul.");
        assert!((s.sum - (1.6 + 2.0)).abs() < 1e-9, "{}", s.sum);
        // "and" joins a second act, which stands.
        let s = score("Pyongyang did not condemn Seoul and sanctioned Tokyo.");
        assert!((s.sum - (1.6 - 2.5)).abs() < 1e-9, "{}", s.sum);
    }

    #[test]
    fn a_why_not_question_proposes_the_act_it_seems_to_deny() {
        // "Why should … not" and "why not" ask for the talks: no flip, and
        // the evidence says why.
        for text in [
            "“Why should Seoul not offer Pyongyang talks?” the minister asked.",
            "Why not offer Pyongyang new talks?",
            "Why can we not welcome Seoul's offer?",
        ] {
            let s = score(text);
            assert_eq!(s.label, Label::Conciliatory, "{text}");
            let notes = &s.terms[0].notes;
            assert!(
                matches!(notes[..], [Note::Rhetorical { .. }]),
                "{text}: {notes:?}"
            );
            let l = lex();
            assert_eq!(
                notes[0].display(&l).to_string(),
                format!(
                    "'{}' in a 'why … not' question ×1",
                    l.modifiers()[notes[0].modifier().unwrap()].word
                )
            );
        }
        // A question about a fact keeps its negation: the talks did not
        // happen. So does a "why" that ends in no question mark, and a
        // question that ended before the negator.
        for text in [
            "Why has Seoul not welcomed the talks?",
            "That is why Seoul did not welcome the talks.",
            "Why now? Seoul did not welcome the talks?",
        ] {
            let s = score(text);
            assert!(
                s.terms
                    .iter()
                    .any(|t| matches!(t.notes[..], [Note::Negated { .. }])),
                "{text}: {:?}",
                s.terms
            );
        }
    }

    #[test]
    fn negation_reaches_only_the_first_term() {
        // "not condemn" flips; the later "sanctions" stays hostile.
        let s = score("Pyongyang did not condemn the sanctions.");
        assert!((s.sum - (1.6 - 2.5)).abs() < 1e-9, "{}", s.sum);
    }

    #[test]
    fn a_verb_of_damage_flips_only_a_conciliatory_term() {
        let l = Lexicons::from_texts(&LexiconTexts::new(
            "id,name,kind,parent,alias,case,valid_from,valid_to\n\
             ISR,Israel,state,,Israel,,,\nYEM,Yemen,state,,Yemen,,,\n",
            "term,weight,category\npeace process,3,consult\nwar,-3,fight\naid,2.5,aid\n\
             undermined,-2,accuse\n",
            "word,kind,factor\ndisrupted,damage,-0.8\nruined,damage,-0.8\nundermined,damage,-0.8\n",
            "",
        ))
        .unwrap();
        let sc = Scorer::new(&l);
        let s = sc.score_sentence("Israel disrupted the peace process.", None);
        assert!((s.sum + 2.4).abs() < 1e-9, "{}", s.sum);
        assert_eq!(s.label, Label::Hostile);
        // Kindnesses joined by "and" are damaged too; one further on is not.
        let s = sc.score_sentence("Israel disrupted the peace process and the aid.", None);
        assert!((s.sum + 2.4 + 2.0).abs() < 1e-9, "{}", s.sum);
        let s = sc.score_sentence("Israel disrupted the peace process, then sent aid.", None);
        assert!((s.sum + 2.4 - 2.5).abs() < 1e-9, "{}", s.sum);
        // A verb that is a hostile term too keeps both roles.
        let s = sc.score_sentence("Israel undermined the peace process.", None);
        assert!((s.sum + 2.0 + 2.4).abs() < 1e-9, "{}", s.sum);
        // A hostile term after it keeps its sign, and so does what follows.
        let s = sc.score_sentence("Yemen, ruined by war, thanked donors for aid.", None);
        assert!((s.sum - (-3.0 + 2.5)).abs() < 1e-9, "{}", s.sum);
        let text = "Israel disrupted the peace process.";
        let e = sc.score_sentence(text, None).evidence(&l, text);
        assert!(e.contains("negated by 'disrupted' ×-0.8"), "{e}");
    }

    #[test]
    fn a_concession_demanded_of_an_actor_is_pressure() {
        let l = lex();
        let text = "Seoul should withdraw its troops.";
        let s = Scorer::new(&l).score_sentence(text, None);
        assert!((s.sum + 1.5).abs() < 1e-9, "{}", s.sum);
        assert_eq!(s.label, Label::Hostile);
        assert_eq!(
            s.evidence(&l, text),
            "withdraw its troops[de_escalate +2.5 demanded by 'should' ×-0.6 = -1.50]; \
             source: none: the first actor is told what it should do"
        );
        // The note names the actor pressed, which is the target.
        assert!(matches!(
            s.terms[0].notes[0],
            Note::Demanded { actor: 0, .. }
        ));
        assert_eq!(s.attribution.targets, [0]);
        // Its office between, and the nearest modal only.
        assert_eq!(
            score("The Seoul government must withdraw its troops.").sum,
            -1.5
        );
        assert_eq!(
            score("Seoul must and Pyongyang should withdraw their troops.").sum,
            -1.5
        );
        // An appeal to talk or settle keeps its tone.
        assert_eq!(score("Seoul should offer talks.").sum, 2.5);
        assert_eq!(
            score("Seoul and Pyongyang should settle their dispute.").sum,
            2.0
        );
        // No actor as subject, a passive, a purpose, or too far: no demand.
        assert_eq!(score("Both sides should withdraw their troops.").sum, 2.5);
        assert_eq!(score("The detainees of Seoul must be freed.").sum, 2.5);
        assert_eq!(
            score("Seoul should take steps to withdraw its troops.").sum,
            2.5
        );
        assert_eq!(
            score("Seoul should look again at every part of the old plan and withdraw its troops.")
                .sum,
            2.5
        );
        // The speaker pledges; a negated concession stays negated.
        let prk = l.actor_index("PRK");
        let s = Scorer::new(&l).score_sentence_as("Pyongyang must withdraw its troops.", None, prk);
        assert_eq!(s.sum, 2.5);
        let s = score("Seoul should not withdraw its troops.");
        assert!((s.sum + 2.0).abs() < 1e-9, "{}", s.sum);
        assert!(matches!(s.terms[0].notes[..], [Note::Negated { .. }]));
    }

    #[test]
    fn a_concession_called_for_is_pressure_on_its_named_maker() {
        let l = lex();
        // The maker named inside the concession: the verb keeps its own
        // weight as a tone term, and the concession turns.
        let text = "Pyongyang demanded the withdrawal of Seoul's troops.";
        let s = Scorer::new(&l).score_sentence(text, None);
        assert!((s.sum - (-1.5 - 1.5)).abs() < 1e-9, "{}", s.sum);
        assert!(
            s.evidence(&l, text).contains(
                "withdrawal of Seoul's troops[de_escalate +2.5 demanded by 'demanded' ×-0.6 = -1.50]"
            ),
            "{}",
            s.evidence(&l, text)
        );
        let actor = |i: usize| l.actors()[s.matches.actors[i].actor].id.as_str();
        assert_eq!(s.attribution.source.map(actor), Some("PRK"));
        assert_eq!(
            s.attribution
                .targets
                .iter()
                .map(|&i| actor(i))
                .collect::<Vec<_>>(),
            ["KOR"]
        );
        // Or named right after the verb, as the subject of the act.
        let s = score("Pyongyang called for Seoul to lift the blockade.");
        assert_eq!(s.sum, 3.0, "\"to\" puts the act in another clause");
        let s = score("Pyongyang demanded Seoul immediately lift the blockade.");
        assert!((s.sum - (-1.5 - 1.8)).abs() < 1e-9, "{}", s.sum);
        // The one who gains is not the maker; nor is an actor that only
        // comes later in the sentence; an unnamed maker keeps the tone.
        let s = score("Pyongyang called for the release of the Seoul prisoners.");
        assert_eq!(s.sum, 3.0);
        let s = score("Pyongyang demanded talks and Seoul withdraws its troops.");
        assert!((s.sum - (-1.5 + 1.0 + 2.5)).abs() < 1e-9, "{}", s.sum);
        let s = score("Pyongyang called for lifting the blockade of Seoul.");
        assert_eq!(s.sum, 3.0);
    }

    #[test]
    fn intensifier_and_dampener_change_strength_not_direction() {
        assert!((score("Pyongyang sharply condemned Seoul.").sum + 2.8).abs() < 1e-9);
        let s = score("Seoul eased tensions somewhat.");
        assert!((s.sum - 1.5).abs() < 1e-9, "{}", s.sum);
        assert_eq!(s.label, Label::Conciliatory);
    }

    #[test]
    fn quoted_insult_is_stronger() {
        let s = score("Seoul called Pyongyang a “thug”.");
        assert!((s.sum + 4.5).abs() < 1e-9);
        let s = score("Seoul called Pyongyang a 'thug'.");
        assert!((s.sum + 4.5).abs() < 1e-9);
        assert_eq!(score("Seoul called Pyongyang a thug.").sum, -3.0);
    }

    #[test]
    fn contrast_makes_the_clause_after_but_decide() {
        let s = score("Seoul welcomed the move but warned Pyongyang.");
        assert!((s.sum - (2.0 / 1.5 - 2.0 * 1.5)).abs() < 1e-9);
        assert_eq!(s.label, Label::Hostile);
        // Only one side has tone: no change.
        assert_eq!(score("But Pyongyang condemned Seoul.").sum, -2.0);
    }

    #[test]
    fn concession_clause_weighs_less() {
        let s = score("Despite the sanctions, Pyongyang offered talks.");
        assert!((s.sum - (2.5 - 1.25)).abs() < 1e-9, "{}", s.sum);
        assert_eq!(s.label, Label::Conciliatory);
    }

    #[test]
    fn evidence_lists_terms_weights_and_rules() {
        let l = lex();
        let text = "Pyongyang did not condemn Seoul.";
        let s = Scorer::new(&l).score_sentence(text, None);
        let e = s.evidence(&l, text);
        assert!(
            e.starts_with("condemn[disapprove -2.0 negated by 'not' ×-0.8 = +1.60]"),
            "{e}"
        );
    }

    #[test]
    fn an_agreement_weighs_nothing_when_what_is_agreed_is_a_hostile_act() {
        let l = Lexicons::defaults().expect("the default lexicons load");
        let agreed = |text: &str| {
            let s = Scorer::new(&l).score_sentence(text, None);
            let t = s
                .terms
                .iter()
                .find(|t| s.matches.tone[t.hit].tok.len() == 1 && t.base == 2.5)
                .expect("the agreement is a term");
            (t.weight, s.evidence(&l, text))
        };
        let (w, e) = agreed("The ministers agreed on Monday to impose sanctions on Minsk.");
        assert_eq!(w, 0.0);
        assert!(
            e.contains("agreed[cooperate +2.5 what is agreed is hostile ×0 = +0.00]"),
            "{e}"
        );
        // A gap of more than two joiners, a comma, or no hostile verb right
        // after "to": the agreement keeps its weight.
        for text in [
            "The ministers agreed after long talks to impose sanctions on Minsk.",
            "The ministers agreed, to impose sanctions on Minsk.",
            "The ministers agreed to talks on sanctions against Minsk.",
            "The ministers agreed to suspend the offensive against Minsk.",
        ] {
            assert_eq!(agreed(text).0, 2.5, "{text}");
        }
    }

    #[test]
    fn evidence_renders_every_rule_note_exactly() {
        let l = lex();
        // Concession on "sanctions", negation on "condemn", an intensifier
        // on "warned", quotes on "thug", and "but" splitting the sentence.
        let text =
            "Despite the sanctions, Seoul did not condemn Pyongyang but sharply warned the 'thug'.";
        let s = Scorer::new(&l).score_sentence(text, None);
        let kinds: Vec<Vec<&str>> = s
            .terms
            .iter()
            .map(|t| {
                t.notes
                    .iter()
                    .map(|n| match n {
                        Note::Negated { .. } => "negated",
                        Note::Demanded { .. } => "demanded",
                        Note::Intensity { .. } => "intensity",
                        Note::Quoted { .. } => "quoted",
                        Note::AfterContrast { .. } => "after",
                        Note::BeforeContrast { .. } => "before",
                        Note::Conceded { .. } => "conceded",
                        Note::Problem { .. } => "problem",
                        Note::Rejected => "rejected",
                        Note::AgreedAct => "agreed act",
                        Note::Rhetorical { .. } => "rhetorical",
                    })
                    .collect()
            })
            .collect();
        assert_eq!(
            kinds,
            [
                vec!["before", "conceded"],
                vec!["negated", "before"],
                vec!["intensity", "after"],
                vec!["quoted", "after"],
            ]
        );
        assert_eq!(
            s.evidence(&l, text),
            "sanctions[sanction -2.5 before 'but' ÷1.5 conceded by 'despite' ×0.5 = -0.83]; \
             condemn[disapprove -2.0 negated by 'not' ×-0.8 before 'but' ÷1.5 = +1.07]; \
             warned[threaten -2.0 intensifier 'sharply' ×1.4 after 'but' ×1.5 = -4.20]; \
             thug[insult -3.0 quoted ×1.5 after 'but' ×1.5 = -6.75]; \
             source: first actor before the tone term"
        );
        // A dampener names its kind; a term no rule touched has no notes.
        let text = "Seoul eased tensions somewhat, and Pyongyang welcomed it.";
        let s = Scorer::new(&l).score_sentence(text, None);
        assert_eq!(
            s.evidence(&l, text),
            "eased tensions[de_escalate +2.5 dampener 'somewhat' ×0.6 = +1.50]; \
             welcomed[praise +2.0]; source: first actor before the tone term"
        );
        let note = s.terms[0].notes[0];
        assert_eq!(note.factor(), 0.6);
        assert_eq!(
            note.modifier().map(|i| l.modifiers()[i].word.as_str()),
            Some("somewhat")
        );
    }

    /// The terms [`rule_names`] sets aside, as written, and those it keeps.
    fn names_and_terms(text: &str) -> (Vec<String>, Vec<String>) {
        let l = Lexicons::defaults().unwrap();
        let s = Scorer::new(&l).score_sentence(text, None);
        let words = |hits: &mut dyn Iterator<Item = &ToneHit>| -> Vec<String> {
            hits.map(|h| text[h.span.clone()].to_string()).collect()
        };
        (
            words(&mut s.in_names.iter()),
            words(&mut s.terms.iter().map(|t| &s.matches.tone[t.hit])),
        )
    }

    #[test]
    fn words_of_an_actors_name_are_not_its_stance() {
        // Capitalised inside an alias: a name, whatever its tone.
        let (names, terms) =
            names_and_terms("Kenya rejected the ruling of the International Criminal Court.");
        assert_eq!(
            (names, terms),
            (vec!["Criminal".into()], vec!["rejected".into()])
        );
        let (names, terms) = names_and_terms("The Gulf Cooperation Council met in Riyadh.");
        assert_eq!(
            (names, terms),
            (vec!["Cooperation".into()], vec!["met".into()])
        );
        // A conciliatory word in lower case inside an alias is a title.
        let (names, _) = names_and_terms("The UN aid chief arrived in Khartoum.");
        assert_eq!(names, ["aid"]);
        // A hostile word in lower case inside an alias is the writer's
        // epithet, and counts.
        let (names, terms) = names_and_terms("The south Korean puppet group staged drills.");
        assert!(names.is_empty(), "{names:?}");
        assert!(terms.contains(&"puppet".to_string()), "{terms:?}");
    }

    #[test]
    fn words_of_other_names_are_not_a_stance() {
        // Next to a capitalised word, or joined to one by "of", "and", "for the".
        let (names, terms) = names_and_terms(
            "A spokesman for the National Peace Committee of Korea denounced the drills.",
        );
        assert_eq!(names, ["Peace"]);
        assert!(terms.contains(&"denounced".to_string()), "{terms:?}");
        let (names, terms) = names_and_terms(
            "The Lima Institute of Culture and Friendship held a seminar on the Day of Solidarity.",
        );
        assert_eq!(
            (names, terms),
            (vec!["Friendship".into(), "Solidarity".into()], vec![])
        );
        let (names, _) =
            names_and_terms("He met members of the Committee for the Peaceful Unification today.");
        assert_eq!(names, ["Peaceful"]);
        let (names, _) = names_and_terms("Delegates attended the Meeting of Activists in Hanoi.");
        assert_eq!(names, ["Meeting"]);
        // A phrase of `tone.csv` is judged like a word: "the Korean War"
        // keeps its weight, "the Korean War Monument" is a name.
        let (names, terms) = names_and_terms("Veterans of the Korean War gathered in Seoul.");
        assert_eq!((names, terms), (vec![], vec!["Korean War".into()]));
        let (names, _) = names_and_terms("Wreaths were laid at the Korean War Monument.");
        assert_eq!(names, ["Korean War"]);
        // "War Memorial" is a tone phrase of its own (-0.1), which takes
        // the words in a name just the same.
        let (names, terms) = names_and_terms("Wreaths were laid at the Korean War Memorial.");
        assert_eq!((names.len(), terms.len()), (1, 0), "{names:?} {terms:?}");
    }

    #[test]
    fn capitals_that_position_or_headlines_explain_leave_terms_alone() {
        // First in the sentence, after punctuation or a quote.
        for text in [
            "Thank you, Comrade Kim.",
            "They said: Peace Talks would resume in Geneva.",
            "The banner read \"Warm Welcome to the Delegation\" in Seoul.",
        ] {
            let (names, terms) = names_and_terms(text);
            assert!(names.is_empty(), "{text}: {names:?}");
            assert!(!terms.is_empty(), "{text}");
        }
        // A title-case headline capitalises every word: none is a name.
        for text in [
            "Seoul Slams Pyongyang Over Missile Launch",
            "Seoul Slams Pyongyang over Missile Launch",
        ] {
            let (names, terms) = names_and_terms(text);
            assert!(names.is_empty(), "{names:?}");
            assert_eq!(terms, ["Slams", "Missile Launch"]);
        }
    }

    #[test]
    fn evidence_lists_terms_in_names() {
        let l = Lexicons::defaults().unwrap();
        let text = "Chad condemned the attack on the Peace Corps office.";
        let s = Scorer::new(&l).score_sentence(text, None);
        let e = s.evidence(&l, text);
        assert!(e.contains("Peace[in a name: not scored]"), "{e}");
        assert!(
            s.terms
                .iter()
                .all(|t| s.matches.tone[t.hit].span != s.in_names[0].span)
        );
    }

    #[test]
    fn the_speaker_is_the_voice_of_a_sentence_with_no_other_source() {
        let l = Lexicons::from_texts(&LexiconTexts::new(
            "id,name,kind,parent,alias,case,valid_from,valid_to\n\
             PRK,North Korea,state,,DPRK,,,\nKOR,South Korea,state,,south Korean,,,\n\
             USA,United States,state,,U.S.,,,\n",
            "term,weight,category\npuppet,-2.5,insult\nfarce,-2,disapprove\n\
             stifle,-2.5,coerce\ncondemned,-2,disapprove\nhelped,1.5,aid\n\
             attack,-3.5,assault\nsupport,2,cooperate\nkilling,-3,assault\n",
            "word,kind,factor\nwe,self,1\nsaid,speech,1\n",
            "",
        ))
        .unwrap();
        let sc = Scorer::new(&l);
        let prk = l.actor_index("PRK");
        let id = |s: &Scored, i: usize| l.actors()[s.matches.actors[i].actor].id.clone();
        let roles = |text: &str, speaker: Option<usize>| {
            let s = sc.score_sentence_as(text, None, speaker);
            let a = &s.attribution;
            (
                a.source.map(|i| id(&s, i)),
                a.speaker_voice,
                a.targets.iter().map(|&i| id(&s, i)).collect::<Vec<_>>(),
                a.rule,
            )
        };
        // A story of the speaker's with no source before the term: the
        // speaker's own judgement.
        let text = "The puppet regime of south Korean rulers keeps staging the farce.";
        assert_eq!(
            roles(text, prk),
            (
                None,
                true,
                vec!["KOR".to_string()],
                Some(crate::attribute::RULE_SPEAKER_VOICE)
            )
        );
        // Without a speaker, or with another source, or with no one but
        // the speaker to aim at, or with no stance, nothing changes.
        assert!(!roles(text, None).1);
        let (source, voice, ..) = roles("The U.S. condemned the DPRK.", prk);
        assert_eq!((source.as_deref(), voice), (Some("USA"), false));
        let (source, voice, targets, _) = roles("Imperialists seek to stifle the DPRK.", prk);
        assert_eq!(
            (source, voice, targets),
            (None, false, vec!["PRK".to_string()])
        );
        // Nor does it take a victim of the act it describes for a target.
        let (source, voice, ..) = roles("The brutal attack on south Korean ships goes on.", prk);
        assert_eq!((source, voice), (None, false));
        let (source, voice, ..) = roles(
            "The attack tramples the rights of south Korean people.",
            prk,
        );
        assert_eq!((source, voice), (None, false));
        // Also past a participle or an adverb, or a count of the victims.
        for text in [
            "The attack unjustly carried out on south Korean ships goes on.",
            "The killing of hundreds of south Korean sailors goes on.",
        ] {
            let (source, voice, ..) = roles(text, prk);
            assert_eq!((source, voice), (None, false), "{text}");
        }
        // What an actor is, said in the speaker's story, is the speaker's
        // judgement of it.
        let (_, voice, targets, _) = roles("The south Korean regime is a puppet.", prk);
        assert_eq!((voice, targets), (true, vec!["KOR".to_string()]));
        // An enemy named with an insult is no victim: the war against it
        // is the speaker's side's.
        let (_, voice, targets, _) =
            roles("The attack on the south Korean puppet forces goes on.", prk);
        assert_eq!((voice, targets), (true, vec!["KOR".to_string()]));
        // Not when it describes itself: a self-portrait is its own stance.
        let (source, voice, ..) = roles("The DPRK is a puppet of no one.", prk);
        assert_eq!((source.as_deref(), voice), (Some("PRK"), false));
        // But kindness toward a victim is aimed at it.
        let (_, voice, targets, _) =
            roles("Support for the rights of south Korean people grows.", prk);
        assert_eq!((voice, targets), (true, vec!["KOR".to_string()]));
        assert!(!roles("The south Korean regime met on Monday.", prk).1);
    }

    #[test]
    fn first_person_pronouns_mean_the_speaker_only_when_asked() {
        let l = Lexicons::defaults().unwrap();
        let syr = l.actor_index("SYR");
        let source = |first_person: bool, text: &str| {
            let s = Scorer::new(&l)
                .first_person(first_person)
                .score_sentence_as(text, None, syr);
            s.source_actor(syr).map(|a| l.actors()[a].id.clone())
        };
        let syr_id = Some("SYR".to_string());
        for text in [
            "I would like to tell the Chinese delegation that the sanctions are unjust.",
            "Today I would like to tell the Chinese delegation that the sanctions are unjust.",
            "Mr. President, allow me to tell the Chinese delegation that the sanctions are unjust.",
            "I visited China in May.",
        ] {
            assert_eq!(source(true, text), syr_id, "{text}");
            assert_ne!(source(false, text), syr_id, "{text}");
        }
        // Roman numerals and abbreviations are no pronouns.
        for (text, at) in [
            ("after World War I the League failed", 16),
            ("resolution 181 (I) of the Assembly", 16),
            ("Annex I lists the parties", 6),
            ("the charge d'affaires A.I. spoke", 24),
            ("the chargé d'affaires a.i. spoke", 25),
            ("resolution 242 I of 1967", 15),
        ] {
            assert!(text[at..at + 1].eq_ignore_ascii_case("i"), "{text}");
            assert!(!is_pronoun(text, at..at + 1), "{text}");
        }
        for (text, at) in [
            ("I thank you", 0),
            ("“I thank you", 3),
            ("Today I thank you", 6),
            ("as I said", 3),
            ("Mr. President, I thank you", 15),
        ] {
            assert_eq!(&text[at..at + 1], "I", "{text}");
            assert!(is_pronoun(text, at..at + 1), "{text}");
        }
        assert!(is_pronoun("allow me", 6..8));
    }

    #[test]
    fn what_a_rejected_offer_offers_is_no_kindness() {
        let l = Lexicons::from_texts(&LexiconTexts::new(
            "id,name,kind,parent,alias,case,valid_from,valid_to\n\
             AZE,Azerbaijan,state,,Baku,,,\nPAK,Pakistan,state,,Islamabad,,,\n",
            "term,weight,category\nrejected,-2,reject\nturned down,-2,reject\n\
             offer,1.5,intent_cooperate\nproposal,1,intent_cooperate\ntalks,1,consult\n\
             mediate,2,consult\nscrap* ... pact,-2.5,reduce_relations\n\
             ease ... tension*,2.5,de_escalate\ndeal,1,cooperate\ncondemned,-2,disapprove\n",
            "word,kind,factor\nnot,negator,-0.8\n",
            "",
        ))
        .unwrap();
        let sc = Scorer::new(&l);
        let weights = |text: &str| -> Vec<f64> {
            sc.score_sentence(text, None)
                .terms
                .iter()
                .map(|t| t.weight)
                .collect()
        };
        let cases: &[(&str, &[f64])] = &[
            // The offer and what it offers weigh nothing after a rejection.
            ("Baku turned down the offer to mediate.", &[-2.0, 0.0, 0.0]),
            (
                "Baku rejected Islamabad's proposal for talks.",
                &[-2.0, 0.0, 0.0],
            ),
            // Another clause, or more than two words between: the
            // kindness stays.
            (
                "Baku rejected it, then made an offer of talks.",
                &[-2.0, 1.5, 1.0],
            ),
            (
                "Baku rejected the offer and then said it wants talks.",
                &[-2.0, 0.0, 1.0],
            ),
            // A deal rejected, and what a pact scrapped was meant to do.
            ("Baku rejected the deal.", &[-2.0, 0.0]),
            (
                "Baku scrapped the pact designed to ease tensions.",
                &[-2.5, 0.0],
            ),
            // Not after a judgement: the deal condemned is still a deal.
            ("Baku condemned the deal.", &[-2.0, 1.0]),
        ];
        for &(text, want) in cases {
            assert_eq!(weights(text), want, "{text}");
        }
        // A negated rejection is no rejection.
        let negated = weights("Baku has not rejected the offer to mediate.");
        assert!(
            negated[0] > 0.0 && negated[1..].iter().all(|&w| w != 0.0),
            "{negated:?}"
        );
    }

    #[test]
    fn a_fight_against_a_problem_is_no_hostility() {
        let l = Lexicons::from_texts(&LexiconTexts::new(
            "id,name,kind,parent,alias,case,valid_from,valid_to\n\
             LKA,Sri Lanka,state,,Sri Lanka,,,\nISIS,Islamic State,group,,ISIS,,,\n\
             IRQ,Iraq,state,,Iraq,,,\nCHN,China,state,,Beijing,,,\n",
            "term,weight,category\nfight,-2.5,fight\nwar,-3,fight\nterrorism,-2,accuse\n\
             conflict,-2,fight\ncommitted to,1.5,intent_cooperate\naccused,-2,accuse\n\
             warned,-2,threaten\n",
            "word,kind,factor\nnot,negator,-0.8\n",
            "",
        ))
        .unwrap();
        let sc = Scorer::new(&l);
        let weights = |text: &str| -> Vec<(String, f64)> {
            let s = sc.score_sentence(text, None);
            s.terms
                .iter()
                .map(|t| {
                    (
                        text[s.matches.tone[t.hit].span.clone()].to_string(),
                        t.weight,
                    )
                })
                .collect()
        };
        let cases: &[(&str, &[(&str, f64)])] = &[
            // The fight and the problem fought weigh nothing ...
            (
                "Sri Lanka is committed to the fight against terrorism.",
                &[("committed to", 1.5), ("fight", 0.0), ("terrorism", 0.0)],
            ),
            ("Iraq pressed its war on illicit drugs.", &[("war", 0.0)]),
            ("Sri Lanka will combat terrorism.", &[("terrorism", 0.0)]),
            ("Beijing vowed to fight inflation.", &[("fight", 0.0)]),
            (
                "Iraq will fight people smuggling and non-communicable diseases.",
                &[("fight", 0.0)],
            ),
            // ... but a fight against an actor, a problem named without a
            // fight, a list, a word merely starting like "war", and "war"
            // right before a problem word keep theirs.
            (
                "Iraq stepped up the fight against ISIS.",
                &[("fight", -2.5)],
            ),
            (
                "Beijing accused Sri Lanka of terrorism.",
                &[("accused", -2.0), ("terrorism", -2.0)],
            ),
            (
                "Iraq cited conflict, climate change and poverty.",
                &[("conflict", -2.0)],
            ),
            (
                "Iraq warned terrorism would spread.",
                &[("warned", -2.0), ("terrorism", -2.0)],
            ),
            (
                "Iraq cited war crimes and terrorism.",
                &[("war", -3.0), ("terrorism", -2.0)],
            ),
        ];
        for &(text, want) in cases {
            let want: Vec<(String, f64)> = want.iter().map(|(t, x)| (t.to_string(), *x)).collect();
            assert_eq!(weights(text), want, "{text}");
        }
        let text = "Sri Lanka will fight poverty.";
        let s = sc.score_sentence(text, None);
        assert_eq!(s.label, Label::Neutral);
        assert!(
            s.evidence(&l, text)
                .contains("fight[fight -2.5 against a problem ×0 = +0.00]")
        );
    }

    /// The two-byte filter of [`WordStarts`] answers as comparing the word
    /// with each start would: for every start, the start with an ending,
    /// the start cut short, and words sharing only its first bytes.
    #[test]
    fn word_starts_answer_as_comparing_each_start() {
        fn check<const N: usize>(set: &WordStarts<N>, list: &[&str]) {
            let plain = |w: &str| list.iter().any(|p| w.starts_with(p));
            let mut words: Vec<String> = [
                "",
                "t",
                "te",
                "tea",
                "terrible",
                "po",
                "pope",
                "wars",
                "warning",
                "drafts",
                "counterterrorism",
                "comb",
                "fig",
                "é",
                "éa",
                "s",
            ]
            .map(String::from)
            .to_vec();
            for p in list {
                words.push(p.to_string());
                words.push(format!("{p}s"));
                words.push(p[..p.len() - 1].to_string());
            }
            for w in &words {
                assert_eq!(set.starts(w), plain(w), "{w:?}");
            }
            for p in list {
                assert!(set.starts(p) && set.starts(&format!("{p}s")), "{p}");
            }
        }
        check(&PROBLEM_STARTS, &PROBLEM_WORDS);
        check(&FIGHT_STARTS, &FIGHT_WORDS);
    }

    /// Clause numbers as first written: the gap between each pair of
    /// tokens searched for punctuation, character by character.
    fn clause_ids_gap_by_gap(l: &Lexicons, m: &Matches) -> Vec<usize> {
        let mut ids = vec![0; m.tokens.len()];
        for h in &m.modifiers {
            let kind = l.modifiers()[h.modifier].kind;
            if matches!(kind, ModifierKind::Contrast | ModifierKind::Concession) {
                ids[h.tok.start] = 1;
            }
        }
        let text = m.norm.text();
        let mut id = ids.first().copied().unwrap_or(0);
        for k in 1..ids.len() {
            let gap = &text[m.tokens[k - 1].end..m.tokens[k].start];
            let starts = ids[k] != 0 || gap.chars().any(|c| ",;:()".contains(c));
            id += usize::from(starts);
            ids[k] = id;
        }
        ids
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// Clause numbers from the punctuation masks are those of the gaps
        /// looked at one by one, for sentences with punctuation before the
        /// first word and after the last, runs of it, contrast and
        /// concession words, characters beyond ASCII, and lengths across
        /// several 64-byte blocks.
        #[test]
        fn clause_numbers_from_masks_match_the_gaps(
            pieces in proptest::collection::vec(0usize..16, 0..90)
        ) {
            const PIECES: [&str; 16] = [
                "Seoul", " ", "talks", ", ", "; ", ":", " (", ") ", "but", " despite ",
                "peace", " — ", "Türkiye", "'s", "...", "((",
            ];
            let text: String = pieces.iter().map(|&i| PIECES[i]).collect();
            let l = lex();
            let mut m = Matches::default();
            l.find_into(&text, None, &mut m);
            let mut ids = vec![0; m.tokens.len()];
            clause_ids(&l, &m, &mut ids);
            proptest::prop_assert_eq!(ids, clause_ids_gap_by_gap(&l, &m), "{}", text);
        }
    }

    #[test]
    fn tone_stays_in_range() {
        for sum in [-1e300, -50.0, -1.0, 0.0, 3.0, 1e300, f64::NAN] {
            let t = normalise(sum);
            assert!((-1.0..=1.0).contains(&t));
        }
    }
}
