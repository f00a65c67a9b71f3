//! Stage 3: lexicons — load, validate and compile the actor and tone matchers.
//!
//! Four plain files, editable in a spreadsheet or a text editor, make up a
//! lexicon set. The defaults under `lexicons/` are embedded in the binary;
//! `--lexicons DIR` replaces any of them with the file of the same name in
//! `DIR` (files missing from `DIR` keep their default):
//!
//! | file | columns | one row is |
//! |---|---|---|
//! | `actors.csv` | `id,name,kind,parent,alias,case,valid_from,valid_to` | one alias of one actor |
//! | `tone.csv` | `term,weight,category` | a word or phrase with its weight, −4 … +4 |
//! | `modifiers.csv` | `word,kind,factor` | a negator, damage, intensifier, dampener, contrast, concession, demand, call, speech, self or first-person word |
//! | `boilerplate.txt` | one line each | a scraped-noise line to drop |
//!
//! Extra columns (a `note`, say) are allowed and ignored. Every row is
//! validated when loaded; the first bad row stops the load with an
//! [`Error::Lexicon`] naming the file, the line and what is wrong.
//!
//! All entries are compiled into **one** matcher over folded text (see
//! [`crate::text::norm`]): a trie whose steps are whole words, reached
//! through a compact hash table (`lexicon/matcher.rs`), so a sentence is
//! scanned once, about one lookup per word, for actors, tone terms and
//! modifiers together. It finds every occurrence at a word boundary
//! (overlapping ones included); a greedy longest-first selection then picks
//! among them, which, unlike leftmost-longest search followed by a boundary
//! filter, never loses a shorter valid match hidden behind a longer invalid
//! one.

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::fmt;
use std::ops::Range;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::corpus::DocDate;
use crate::error::{Error, Result};
use crate::text::Boilerplate;
use crate::text::norm::{Normalized, Token, fold, fold_keep_case, is_word_char, tokens_into};

mod matcher;
mod screen;
use matcher::WordIndex;
use screen::ActorScreen;

/// The most words a `...` gap in a tone phrase may skip.
pub const MAX_GAP: usize = 4;

/// How many words may stand between a term of the opposite tone inside a
/// gapped phrase and the phrase's last word for the term to still be part
/// of the object ("ending a *bitter trade* dispute"). See
/// `Lexicons::drop_swallowing_gaps`.
pub const OBJECT_MODIFIERS_MAX: usize = 2;

/// Words that part a term inside a gapped phrase from the phrase's last
/// word: prepositions, articles, conjunctions and pronouns start another
/// phrase, so the term stands on its own ("resumed *airstrikes* after peace
/// talks"). See `Lexicons::drop_swallowing_gaps`.
pub const OBJECT_BREAKS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "after", "before", "with", "without", "to", "for", "of",
    "in", "on", "at", "by", "from", "as", "while", "over", "against", "into", "its", "their",
    "his", "her", "our", "that", "which", "who", "than", "despite", "amid",
];

/// The default lexicon files, embedded at build time from `lexicons/`.
pub const DEFAULT_ACTORS: &str = include_str!("../lexicons/actors.csv");
/// Default `tone.csv`.
pub const DEFAULT_TONE: &str = include_str!("../lexicons/tone.csv");
/// Default `modifiers.csv`.
pub const DEFAULT_MODIFIERS: &str = include_str!("../lexicons/modifiers.csv");
/// Default `boilerplate.txt`.
pub const DEFAULT_BOILERPLATE: &str = include_str!("../lexicons/boilerplate.txt");

/// The four lexicon file names, in the order they are loaded.
pub const FILE_NAMES: [&str; 4] = ["actors.csv", "tone.csv", "modifiers.csv", "boilerplate.txt"];

/// What an actor is. People, ministries and media roll up to a parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActorKind {
    /// A state (ISO 3166-1 alpha-3 id).
    State,
    /// A person: a leader, minister, spokesperson.
    Person,
    /// An organisation: an international body, a ministry, an army.
    Organisation,
    /// A news outlet, typically state media.
    Media,
    /// An armed or other non-state group.
    Group,
    /// Not an actor: a phrase that contains an alias but means something
    /// else ("Jordan River", "Latin American", "Washington state"). Longest
    /// match lets it claim the words; it never appears in the tables.
    Ignore,
}

impl ActorKind {
    fn parse(s: &str) -> Option<ActorKind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "state" => ActorKind::State,
            "person" => ActorKind::Person,
            "organisation" | "organization" => ActorKind::Organisation,
            "media" => ActorKind::Media,
            "group" => ActorKind::Group,
            "ignore" => ActorKind::Ignore,
            _ => return None,
        })
    }

    /// The name used in the lexicon file.
    pub fn as_str(&self) -> &'static str {
        match self {
            ActorKind::State => "state",
            ActorKind::Person => "person",
            ActorKind::Organisation => "organisation",
            ActorKind::Media => "media",
            ActorKind::Group => "group",
            ActorKind::Ignore => "ignore",
        }
    }
}

/// How the letter case of an alias must match the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseRule {
    /// Any case (`any`).
    Any,
    /// Every letter upper case in the alias must be upper case in the text
    /// (`cap`, the default): `US` does not match "us", `Turkey` does not
    /// match "turkey", but matches "TURKEY" in an all-caps headline.
    Cap,
    /// Character for character (`exact`).
    Exact,
}

/// One actor: a state, person, organisation, outlet or group.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Its id (`PRK`, `UN`, `PRK_KCNA`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// What it is.
    pub kind: ActorKind,
    /// Index of its parent actor, if any.
    pub parent: Option<usize>,
    /// Index of the top of its parent chain (itself when it has no parent):
    /// the actor it rolls up to in the tables.
    pub root: usize,
}

/// One alias row of `actors.csv`.
#[derive(Debug, Clone)]
pub struct Alias {
    /// Index of the actor in [`Lexicons::actors`].
    pub actor: usize,
    /// The alias as written in the file.
    pub surface: String,
    /// Its case rule.
    pub case: CaseRule,
    /// First day the alias means this actor (inclusive), if limited.
    pub valid_from: Option<DocDate>,
    /// Last day the alias means this actor (inclusive), if limited.
    pub valid_to: Option<DocDate>,
    /// Line in `actors.csv`.
    pub line: usize,
    /// The alias names a place that stands for the actor (a capital, a seat
    /// of government): optional column `place`. "a summit *in* Addis Ababa"
    /// uses it as a venue, and a venue is neither source nor target.
    pub place: bool,
    /// The alias names an institution that many states have ("Congress",
    /// "National Security Council"): optional column `generic`. Right
    /// after another actor's name ("Peru's Congress", "the Turkish National
    /// Security Council") or before "of" and one ("the Congress of
    /// Colombia"), it is that actor's own, and no mention of its row's
    /// actor.
    pub generic: bool,
    /// Actors (their roots: indices into [`Lexicons::actors`]) of which
    /// one must be named nearby for the alias to count: optional column
    /// `context`. "the North" is North Korea only where a Korea is named in
    /// the sentence, in one of the three before it in the document, or is
    /// the document's speaker; elsewhere it is no actor (the North of the
    /// world's economy). Empty: the alias always counts.
    pub context: Vec<usize>,
    /// A second actor the same words name (index into
    /// [`Lexicons::actors`]): optional column `also`. "the two Koreas" is
    /// North Korea and, as its pair, South Korea: two mentions of the same
    /// words, joined like "U.S.-China" (each acts toward the other).
    pub also: Option<usize>,
    case_form: Vec<char>,
    /// Where `case_form` has an upper-case letter: all that the `cap` rule
    /// looks at.
    upper_at: Vec<usize>,
}

impl Alias {
    fn dated(&self) -> bool {
        self.valid_from.is_some() || self.valid_to.is_some()
    }

    /// Whether the alias applies to a document of this date. An undated
    /// document only sees undated aliases.
    pub fn valid_on(&self, date: Option<DocDate>) -> bool {
        match date {
            None => !self.dated(),
            Some(d) => {
                let first = (d.year, d.month.unwrap_or(1), d.day.unwrap_or(1));
                let ok_from = self
                    .valid_from
                    .is_none_or(|f| first >= (f.year, f.month.unwrap_or(1), f.day.unwrap_or(1)));
                let ok_to = self
                    .valid_to
                    .is_none_or(|t| first <= (t.year, t.month.unwrap_or(12), t.day.unwrap_or(31)));
                ok_from && ok_to
            }
        }
    }

    fn case_ok(&self, original: &str) -> bool {
        if self.case == CaseRule::Any {
            return true;
        }
        if original.is_ascii() {
            if self.case == CaseRule::Cap {
                // `fold_keep_case` changes no ASCII letter and makes none,
                // so only the alias's upper-case places need looking at.
                let bytes = original.as_bytes();
                return bytes.len() == self.case_form.len()
                    && self.upper_at.iter().all(|&i| bytes[i].is_ascii_uppercase());
            }
            // What `fold_keep_case` does to ASCII, byte by byte, with no
            // string built: most aliases in most text are ASCII.
            let fold = |b: u8| -> char {
                match b {
                    b'-' => ' ',
                    b'`' => '\'',
                    b if b.is_ascii_whitespace() => ' ',
                    b => char::from(b),
                }
            };
            return original.len() == self.case_form.len()
                && original.bytes().zip(&self.case_form).all(|(b, &a)| {
                    let t = fold(b);
                    match self.case {
                        CaseRule::Exact => t == a,
                        _ => !a.is_uppercase() || t.is_uppercase(),
                    }
                });
        }
        match self.case {
            CaseRule::Any => true,
            CaseRule::Exact => fold_keep_case(original)
                .chars()
                .eq(self.case_form.iter().copied()),
            CaseRule::Cap => {
                let text: Vec<char> = fold_keep_case(original).chars().collect();
                text.len() == self.case_form.len()
                    && self
                        .case_form
                        .iter()
                        .zip(&text)
                        .all(|(a, t)| !a.is_uppercase() || t.is_uppercase())
            }
        }
    }
}

/// One piece of a tone term after its first word.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// A word; `prefix` when written with a trailing `*`.
    Word { text: String, prefix: bool },
    /// `...`: up to [`MAX_GAP`] other words.
    Gap,
}

/// One row of `tone.csv`.
#[derive(Debug, Clone)]
pub struct ToneTerm {
    /// The term as written (`improv* ... ties`).
    pub term: String,
    /// Weight, −4 (most hostile) … +4 (most conciliatory).
    pub weight: f64,
    /// Category (`threaten`, `cooperate`, ...).
    pub category: String,
    /// Line in `tone.csv`.
    pub line: usize,
    /// Whether the anchor (the part found by the matcher) ends in a
    /// wildcard word.
    anchor_prefix: bool,
    /// What must follow the anchor, word by word.
    rest: Vec<Part>,
}

/// What a modifier word does; the rules live in [`crate::score`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModifierKind {
    /// Flips and weakens the next tone term in its clause ("not", "no longer").
    Negator,
    /// A verb of damage ("disrupted", "endangers", "wrecked"): flips and
    /// weakens the next tone term in its clause like a negator, but only a
    /// conciliatory one ("disrupted the peace process" is hostile; "ruined
    /// by war" stays hostile).
    Damage,
    /// Strengthens a nearby tone term ("sharply").
    Intensifier,
    /// Weakens a nearby tone term ("somewhat"); never flips it.
    Dampener,
    /// "but", "however": the clause after it weighs more.
    Contrast,
    /// "although", "despite": the clause it opens weighs less.
    Concession,
    /// A modal of demand ("should", "must", "ought to", "had better"):
    /// with an actor as its subject, the concessions after it are demanded
    /// of that actor, flipped and weakened by the factor
    /// ([`crate::score::rule_demanded`]).
    Demand,
    /// A verb that calls for an act ("call for", "demand", "insist on",
    /// "press for"): a concession it calls for, whose maker is named inside
    /// it ("the withdrawal *of U.S.* troops") or right after the verb
    /// ("demanded *Japan* apologise"), is demanded of that actor, flipped
    /// and weakened by the factor ([`crate::score::rule_demanded`]). It may
    /// be a tone term as well ("demanded" −1.5) and keeps both roles.
    Call,
    /// A reporting verb ("said", "according to") marking reported speech.
    Speech,
    /// A first-person reference ("we", "our country", "my Government",
    /// "this delegation"): the document's speaker, when one is given.
    SelfRef,
    /// A first-person singular pronoun ("I", "me", "my"): the document's
    /// speaker only when asked for ([`crate::Scorer::first_person`]), since
    /// in a speech it is the delegate speaking for the state, but in a news
    /// agency's story mostly someone quoted.
    FirstPerson,
}

impl ModifierKind {
    fn parse(s: &str) -> Option<ModifierKind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "negator" => ModifierKind::Negator,
            "damage" => ModifierKind::Damage,
            "intensifier" => ModifierKind::Intensifier,
            "dampener" | "hedge" => ModifierKind::Dampener,
            "contrast" => ModifierKind::Contrast,
            "concession" => ModifierKind::Concession,
            "demand" => ModifierKind::Demand,
            "call" => ModifierKind::Call,
            "speech" => ModifierKind::Speech,
            "self" => ModifierKind::SelfRef,
            "first_person" => ModifierKind::FirstPerson,
            _ => return None,
        })
    }

    /// A verb of damage or of demand, which keeps its role beside a tone
    /// term of the same words ("undermined" −2 is hostile and turns the
    /// kindness after it; "demanded" −1.5 is hostile and turns the
    /// concession after it), where any other modifier and a tone term
    /// compete for the words.
    pub fn keeps_tone_role(&self) -> bool {
        matches!(self, ModifierKind::Damage | ModifierKind::Call)
    }

    /// The name used in the lexicon file.
    pub fn as_str(&self) -> &'static str {
        match self {
            ModifierKind::Negator => "negator",
            ModifierKind::Damage => "damage",
            ModifierKind::Intensifier => "intensifier",
            ModifierKind::Dampener => "dampener",
            ModifierKind::Contrast => "contrast",
            ModifierKind::Concession => "concession",
            ModifierKind::Demand => "demand",
            ModifierKind::Call => "call",
            ModifierKind::Speech => "speech",
            ModifierKind::SelfRef => "self",
            ModifierKind::FirstPerson => "first_person",
        }
    }
}

/// One row of `modifiers.csv`.
#[derive(Debug, Clone)]
pub struct Modifier {
    /// The word or phrase.
    pub word: String,
    /// What it does.
    pub kind: ModifierKind,
    /// Its factor (see [`ModifierKind`]).
    pub factor: f64,
}

/// Where one lexicon file came from, and its SHA-256, for `run.json`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LexiconSource {
    /// `actors.csv`, ...
    pub file: String,
    /// A path, or `built-in`.
    pub origin: String,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// Number of entries loaded from it.
    pub entries: usize,
}

/// The text of the four lexicon files, and where each came from.
#[derive(Debug, Clone)]
pub struct LexiconTexts {
    /// `actors.csv` contents.
    pub actors: String,
    /// `tone.csv` contents.
    pub tone: String,
    /// `modifiers.csv` contents.
    pub modifiers: String,
    /// `boilerplate.txt` contents.
    pub boilerplate: String,
    /// Origin of each, in [`FILE_NAMES`] order (a path or `built-in`).
    pub origins: [String; 4],
}

impl LexiconTexts {
    /// Lexicons given as text, each file named as in [`FILE_NAMES`] in
    /// error messages (for lexicons built in code, or tests).
    ///
    /// ```
    /// use stancemeter::lexicon::{LexiconTexts, Lexicons};
    /// let lex = Lexicons::from_texts(&LexiconTexts::new(
    ///     "id,name,kind,parent,alias,case,valid_from,valid_to\nPRK,North Korea,state,,Pyongyang,,,\n",
    ///     "term,weight,category\ncondemn*,-2,disapprove\n",
    ///     "word,kind,factor\nnot,negator,-0.8\n",
    ///     "Advertisement\n",
    /// ))?;
    /// assert_eq!(lex.find("Pyongyang condemned it.", None).tone.len(), 1);
    /// # Ok::<(), stancemeter::Error>(())
    /// ```
    pub fn new(actors: &str, tone: &str, modifiers: &str, boilerplate: &str) -> LexiconTexts {
        LexiconTexts {
            actors: actors.to_string(),
            tone: tone.to_string(),
            modifiers: modifiers.to_string(),
            boilerplate: boilerplate.to_string(),
            origins: FILE_NAMES.map(|f| f.to_string()),
        }
    }

    /// The embedded defaults.
    pub fn defaults() -> LexiconTexts {
        LexiconTexts {
            origins: FILE_NAMES.map(|_| "built-in".to_string()),
            ..LexiconTexts::new(
                DEFAULT_ACTORS,
                DEFAULT_TONE,
                DEFAULT_MODIFIERS,
                DEFAULT_BOILERPLATE,
            )
        }
    }

    /// The defaults, with every file present in `dir` read from there.
    pub fn from_dir(dir: &Path) -> Result<LexiconTexts> {
        if dir.is_file() {
            // `--lexicons my-lex/tone.csv`: the file's directory is meant.
            let hint = match dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                Some(parent) => format!("give its directory, '{}'", parent.display()),
                None => "give the directory that holds it".to_string(),
            };
            return Err(Error::Usage(format!(
                "'{}' is a file, not a lexicon directory: {hint} (a lexicon directory holds any of {})",
                dir.display(),
                FILE_NAMES.join(", ")
            )));
        }
        if !dir.is_dir() {
            return Err(Error::Usage(format!(
                "lexicon directory '{}' does not exist (write the defaults there with `stance lexicon export {}`)",
                dir.display(),
                dir.display()
            )));
        }
        let mut t = LexiconTexts::defaults();
        for (i, name) in FILE_NAMES.iter().enumerate() {
            let path = dir.join(name);
            if path.exists() {
                let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
                let text = String::from_utf8(bytes).map_err(|_| {
                    Error::lexicon(
                        &path.display().to_string(),
                        0,
                        "not valid UTF-8; save the file as UTF-8 (CSV UTF-8 in Excel)",
                    )
                })?;
                let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text).to_string();
                match i {
                    0 => t.actors = text,
                    1 => t.tone = text,
                    2 => t.modifiers = text,
                    _ => t.boilerplate = text,
                }
                t.origins[i] = path.display().to_string();
            }
        }
        Ok(t)
    }
}

/// Buffers that [`Lexicons::find`] reuses from one sentence to the next on
/// a thread (borrowed from `SCRATCH` in place; a nested call, were there
/// one, would start with empty ones).
struct Scratch {
    found: Vec<(usize, usize, usize)>,
    actors: Vec<(usize, usize, usize)>,
    others: Vec<(usize, usize, Ref)>,
    dual: Vec<(usize, usize, Ref)>,
    /// The runs of a sentence with apostrophes inside tokens.
    runs: Vec<Token>,
}

impl Scratch {
    const fn new() -> Scratch {
        Scratch {
            found: Vec::new(),
            actors: Vec::new(),
            others: Vec::new(),
            dual: Vec::new(),
            runs: Vec::new(),
        }
    }
}

thread_local! {
    /// Borrowed in place, and set up when the thread starts: taking the
    /// buffers out of a `Cell` and putting them back moved twelve words
    /// each way and checked that the thread's copy was set up, about 100
    /// instructions a sentence (1% of scoring one).
    static SCRATCH: RefCell<Scratch> = const { RefCell::new(Scratch::new()) };
}

/// A reference from a matcher pattern to the entry it stands for.
#[derive(Debug, Clone, Copy)]
enum Ref {
    Alias(u32),
    Tone(u32),
    Modifier(u32),
}

/// A [`Ref`] with what deciding a tone term's candidacy needs first, kept
/// inline so that the many terms sharing an anchor ("peace", `halt*`) are
/// ruled out from this flat list, without a load of each term and of its
/// parts from memory (on UN speeches those loads were a third of the time
/// spent in [`Lexicons::find`] itself, waiting on cache misses).
#[derive(Debug, Clone, Copy)]
struct Target {
    r: Ref,
    /// A tone term whose anchor ends in a wildcard word.
    anchor_prefix: bool,
    /// What follows a tone term's anchor.
    next: Next,
}

/// The first of a tone term's [`Part`]s after its anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// None: the anchor is the whole term (also for aliases and modifiers).
    Nothing,
    /// A `...` gap, then a word starting with this byte (0 if something
    /// else follows the gap, or an empty word).
    Gap(u8),
    /// A word starting with this byte (0 for an empty word, which
    /// cannot be ruled out by its first byte).
    Word(u8),
}

impl Target {
    fn of(r: Ref, tone: &[ToneTerm]) -> Target {
        let Ref::Tone(i) = r else {
            return Target {
                r,
                anchor_prefix: false,
                next: Next::Nothing,
            };
        };
        let t = &tone[i as usize];
        Target {
            r,
            anchor_prefix: t.anchor_prefix,
            next: match t.rest.first() {
                None => Next::Nothing,
                Some(Part::Gap) => Next::Gap(match t.rest.get(1) {
                    Some(Part::Word { text, .. }) => text.bytes().next().unwrap_or(0),
                    _ => 0,
                }),
                Some(Part::Word { text, .. }) => Next::Word(text.bytes().next().unwrap_or(0)),
            },
        }
    }
}

/// A found actor alias.
#[derive(Debug, Clone)]
pub struct ActorHit {
    /// Index into [`Lexicons::actors`] of the actor as named (not rolled up).
    pub actor: usize,
    /// Index into [`Lexicons::aliases`]; `None` for a first-person
    /// reference ("we", "my Government") to the document's speaker.
    pub alias: Option<usize>,
    /// Token range in [`Matches::tokens`].
    pub tok: Range<usize>,
    /// Byte range in the original sentence.
    pub span: Range<usize>,
    /// Joined to the next mention by a hyphen, en dash or slash alone, as
    /// in "*U.S.*-South Korean drills" or "the *Russia*–Ukraine talks": a
    /// pair, as if joined by "and". Also the first of the two mentions
    /// that the words of a pair make ("the two Koreas": [`Alias::also`]).
    pub paired: bool,
    /// Glued by a hyphen to a word of support after it ("the *Iran*-backed
    /// Houthis", "*U.S.*-funded programmes"): it names who stands behind
    /// someone else, and is never the one acting ([`BACKING_WORDS`]).
    pub backs: bool,
}

/// Words of support: a name glued before one by a hyphen stands behind
/// someone else ("*Iran*-backed", "*U.S.*-funded": [`ActorHit::backs`]),
/// and so does one after such a participle and "by" in an aside ("Syrian
/// troops, *backed by Moscow*, …").
pub const BACKING_WORDS: &[&str] = &[
    "backed",
    "supported",
    "funded",
    "financed",
    "armed",
    "sponsored",
    "allied",
    "aligned",
    "trained",
    "equipped",
    "aided",
    "assisted",
    "accompanied",
    "escorted",
    "joined",
    "flanked",
    "helped",
    "bolstered",
    "emboldened",
    "encouraged",
    "reinforced",
    "advised",
];

/// A found tone term.
#[derive(Debug, Clone)]
pub struct ToneHit {
    /// Index into [`Lexicons::tone`].
    pub term: usize,
    /// Token range (a gapped phrase covers its gap).
    pub tok: Range<usize>,
    /// Byte range in the original sentence.
    pub span: Range<usize>,
}

/// A found modifier.
#[derive(Debug, Clone)]
pub struct ModifierHit {
    /// Index into [`Lexicons::modifiers`].
    pub modifier: usize,
    /// Token range.
    pub tok: Range<usize>,
    /// Byte range in the original sentence.
    pub span: Range<usize>,
}

/// Everything the lexicons found in one sentence, in text order.
#[derive(Debug, Clone, Default)]
pub struct Matches {
    /// The folded sentence.
    pub norm: Normalized,
    /// Its words.
    pub tokens: Vec<Token>,
    /// Actor mentions (longest non-overlapping aliases).
    pub actors: Vec<ActorHit>,
    /// Tone terms (longest non-overlapping, competing with modifiers).
    pub tone: Vec<ToneHit>,
    /// Modifiers (longest non-overlapping, competing with tone terms;
    /// but a verb of damage, kind `damage`, is kept alongside a tone term
    /// on exactly the same words: "undermined" is hostile and turns the
    /// kindness after it).
    pub modifiers: Vec<ModifierHit>,
}

/// Warnings and counts from [`Lexicons::check`].
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// Problems that do not stop a run but deserve a look.
    pub warnings: Vec<String>,
    /// `(what, count)` lines for the coverage summary.
    pub counts: Vec<(String, usize)>,
}

/// The loaded, validated and compiled lexicons.
///
/// ```
/// use stancemeter::Lexicons;
/// let lex = Lexicons::defaults()?;
/// let m = lex.find("Pyongyang condemned Seoul.", None);
/// let ids: Vec<&str> = m.actors.iter().map(|h| lex.actors()[h.actor].id.as_str()).collect();
/// assert_eq!(ids, ["PRK", "KOR"]);
/// # Ok::<(), stancemeter::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Lexicons {
    actors: Vec<Actor>,
    by_id: HashMap<String, usize>,
    /// Lower-cased actor name → the one actor of that name (`None` for a
    /// name that several actors share: a person in two offices).
    by_name: HashMap<String, Option<usize>>,
    /// Every actor named in some alias's `context` (roots, sorted): the
    /// only names [`Recent`](crate::Recent) keeps.
    context_roots: Vec<usize>,
    /// Aliases of two or more words by their folded text.
    multiword: HashMap<String, Vec<usize>>,
    /// Per alias, the [`AliasFlags`] of its optional columns.
    alias_flags: Vec<u8>,
    aliases: Vec<Alias>,
    tone: Vec<ToneTerm>,
    modifiers: Vec<Modifier>,
    boilerplate: Boilerplate,
    sources: Vec<LexiconSource>,
    /// Every folded pattern, indexed by its first word.
    index: WordIndex,
    /// What each pattern stands for: `refs[ref_start[p]..ref_start[p + 1]]`
    /// (one flat list, so a match costs one lookup, not a pointer chase).
    refs: Vec<Target>,
    ref_start: Vec<u32>,
    /// Rules out most sentences that name no actor, cheaply.
    screen: ActorScreen,
}

impl Lexicons {
    /// The built-in lexicons.
    pub fn defaults() -> Result<Lexicons> {
        Lexicons::from_texts(&LexiconTexts::defaults())
    }

    /// Loads a lexicon directory; files it lacks keep their defaults.
    pub fn load(dir: &Path) -> Result<Lexicons> {
        Lexicons::from_texts(&LexiconTexts::from_dir(dir)?)
    }

    /// Parses, validates and compiles lexicons from their texts.
    pub fn from_texts(t: &LexiconTexts) -> Result<Lexicons> {
        let file = |i: usize| -> String {
            if t.origins[i] == "built-in" {
                format!("built-in {}", FILE_NAMES[i])
            } else {
                t.origins[i].clone()
            }
        };
        // Every file is read, so that the problems of all are told at once.
        let mut problems = Problems::default();
        // The actor file is most of the work: the others are read beside it.
        let (actors, (tone, modifiers, boilerplate)) = rayon::join(
            || parse_actors(&t.actors, &file(0)),
            || {
                (
                    parse_tone(&t.tone, &file(1)),
                    parse_modifiers(&t.modifiers, &file(2)),
                    Boilerplate::parse(&t.boilerplate, &file(3)),
                )
            },
        );
        let parsed = (
            problems.note(actors),
            problems.note(tone),
            problems.note(modifiers),
            problems.note(boilerplate),
        );
        problems.into_result()?;
        let (Some((actors, by_id, aliases)), Some(tone), Some(modifiers), Some(boilerplate)) =
            parsed
        else {
            return Err(Error::Other(
                "a lexicon file could not be read, with no problem told".into(),
            ));
        };
        let entries = [
            aliases.len(),
            tone.len(),
            modifiers.len(),
            boilerplate.len(),
        ];
        let texts = [&t.actors, &t.tone, &t.modifiers, &t.boilerplate];
        let sources = || -> Vec<LexiconSource> {
            (0..4)
                .map(|i| LexiconSource {
                    file: FILE_NAMES[i].to_string(),
                    origin: t.origins[i].clone(),
                    sha256: hex(&Sha256::digest(texts[i].as_bytes())),
                    entries: entries[i],
                })
                .collect()
        };
        // Folded once for the matcher, the screen and the elided pairs.
        let folded_aliases: Vec<String> = aliases.iter().map(|a| fold(&a.surface)).collect();
        let no_actor = |a: &Alias| actors[a.actor].kind == ActorKind::Ignore;
        // The matcher, and beside it the screen and the smaller tables.
        let ((index, refs, ref_start), (screen, multiword, sources)) = rayon::join(
            || Lexicons::matcher(&folded_aliases, &tone, &modifiers),
            || {
                let screen = ActorScreen::new(&aliases, &folded_aliases, &modifiers, no_actor);
                // Aliases of two or more words, by folded text, for the
                // elliptical "North and South Korea" ([`Lexicons::add_elided`]).
                let mut multiword: HashMap<String, Vec<usize>> = HashMap::default();
                for (i, (a, folded)) in aliases.iter().zip(&folded_aliases).enumerate() {
                    if folded.contains(' ') && !no_actor(a) {
                        multiword.entry(folded.clone()).or_default().push(i);
                    }
                }
                (screen, multiword, sources())
            },
        );
        let mut by_name: HashMap<String, Option<usize>> = HashMap::default();
        for (i, a) in actors.iter().enumerate() {
            by_name
                .entry(a.name.to_lowercase())
                .and_modify(|one| *one = None)
                .or_insert(Some(i));
        }
        let alias_flags = aliases
            .iter()
            .map(|a| {
                let mut f = 0;
                if a.generic {
                    f |= AliasFlags::GENERIC;
                }
                if !a.context.is_empty() {
                    f |= AliasFlags::CONTEXT;
                }
                if a.also.is_some() {
                    f |= AliasFlags::ALSO;
                }
                if a.surface.trim().contains(char::is_whitespace) {
                    f |= AliasFlags::WORDS;
                }
                f
            })
            .collect();
        let mut context_roots: Vec<usize> = aliases
            .iter()
            .flat_map(|a| a.context.iter().copied())
            .collect();
        context_roots.sort_unstable();
        context_roots.dedup();
        Ok(Lexicons {
            actors,
            by_id,
            by_name,
            context_roots,
            multiword,
            alias_flags,
            aliases,
            tone,
            modifiers,
            boilerplate,
            sources,
            index,
            refs,
            ref_start,
            screen,
        })
    }

    /// The one matcher of aliases (`folded`), tone terms and modifiers:
    /// each folded pattern once, pointing at the entries it stands for
    /// (`refs[ref_start[p]..ref_start[p + 1]]`).
    fn matcher(
        folded: &[String],
        tone: &[ToneTerm],
        modifiers: &[Modifier],
    ) -> (WordIndex, Vec<Target>, Vec<u32>) {
        let mut index: HashMap<String, usize> = HashMap::default();
        let mut refs: Vec<Vec<Ref>> = Vec::new();
        let mut add = |pat: String, r: Ref| {
            let n = index.len();
            let i = *index.entry(pat).or_insert(n);
            if i == refs.len() {
                refs.push(Vec::new());
            }
            refs[i].push(r);
        };
        for (i, pattern) in folded.iter().enumerate() {
            add(pattern.clone(), Ref::Alias(i as u32));
        }
        for (i, term) in tone.iter().enumerate() {
            add(tone_anchor(&term.term), Ref::Tone(i as u32));
        }
        for (i, m) in modifiers.iter().enumerate() {
            add(fold(&m.word), Ref::Modifier(i as u32));
        }
        let mut patterns = vec![String::new(); index.len()];
        for (pat, i) in index {
            patterns[i] = pat;
        }
        let mut ref_start = Vec::with_capacity(refs.len() + 1);
        let mut ref_list = Vec::new();
        for r in &refs {
            ref_start.push(ref_list.len() as u32);
            ref_list.extend_from_slice(r);
        }
        ref_start.push(ref_list.len() as u32);
        let stem = |p: usize| {
            refs[p].iter().any(|r| match r {
                Ref::Tone(i) => tone[*i as usize].anchor_prefix,
                _ => false,
            })
        };
        let index = WordIndex::new(patterns, stem);
        let refs = ref_list.iter().map(|&r| Target::of(r, tone)).collect();
        (index, refs, ref_start)
    }

    /// Whether an alias's `context` names the actor whose root is `root`.
    pub(crate) fn is_context_root(&self, root: usize) -> bool {
        self.context_roots.binary_search(&root).is_ok()
    }

    /// All actors, in file order.
    pub fn actors(&self) -> &[Actor] {
        &self.actors
    }

    /// The index of the actor with this id.
    pub fn actor_index(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The actor a speaker field names: by its id in any case (`prk`), else
    /// by its name as `actors.csv` writes it, in any case (`North Korea`),
    /// when no other actor has that name.
    ///
    /// ```
    /// use stancemeter::Lexicons;
    /// let lex = Lexicons::defaults()?;
    /// let prk = lex.actor_index("PRK");
    /// assert_eq!(lex.actor_by_id_or_name(" prk "), prk);
    /// assert_eq!(lex.actor_by_id_or_name("north korea"), prk);
    /// assert_eq!(lex.actor_by_id_or_name("Pyongyang"), None); // an alias, not the name
    /// // A name two actors share (one person, two offices) needs the id.
    /// assert_eq!(lex.actor_by_id_or_name("Michel Barnier"), None);
    /// assert!(lex.actor_by_id_or_name("EU_MICHEL_BARNIER").is_some());
    /// # Ok::<(), stancemeter::Error>(())
    /// ```
    pub fn actor_by_id_or_name(&self, value: &str) -> Option<usize> {
        let value = value.trim();
        self.actor_index(&value.to_ascii_uppercase())
            .or_else(|| self.by_name.get(&value.to_lowercase()).copied().flatten())
    }

    /// All alias rows.
    pub fn aliases(&self) -> &[Alias] {
        &self.aliases
    }

    /// All tone terms.
    pub fn tone(&self) -> &[ToneTerm] {
        &self.tone
    }

    /// All modifiers.
    pub fn modifiers(&self) -> &[Modifier] {
        &self.modifiers
    }

    /// The boilerplate list.
    pub fn boilerplate(&self) -> &Boilerplate {
        &self.boilerplate
    }

    /// Where each file came from, with checksums.
    pub fn sources(&self) -> &[LexiconSource] {
        &self.sources
    }

    /// False only if `sentence` cannot name an actor: no alias can match in
    /// it, nor, when the document has a `speaker`, a first-person modifier
    /// ("we", "my delegation"). True for some sentences that name none
    /// after all (an alias's key word alone, characters beyond ASCII); a
    /// few times cheaper than [`Lexicons::find`].
    ///
    /// ```
    /// let lex = stancemeter::Lexicons::defaults()?;
    /// assert!(lex.may_name_actor("North Korea fired a missile.", false));
    /// assert!(!lex.may_name_actor("The weather was fine.", false));
    /// // "We" refers to a document's speaker, if it has one.
    /// assert!(!lex.may_name_actor("We regret this.", false));
    /// assert!(lex.may_name_actor("We regret this.", true));
    /// # Ok::<(), stancemeter::Error>(())
    /// ```
    pub fn may_name_actor(&self, sentence: &str, speaker: bool) -> bool {
        self.screen.may_name_actor(sentence, speaker)
    }

    /// Finds actors, tone terms and modifiers in one sentence, for a
    /// document of the given date (which decides date-limited aliases).
    pub fn find(&self, sentence: &str, date: Option<DocDate>) -> Matches {
        let mut out = Matches::default();
        self.find_into(sentence, date, &mut out);
        out
    }

    /// [`Lexicons::find`] into `out`, in place of what it held, reusing its
    /// buffers: a loop over many sentences then allocates next to nothing.
    pub(crate) fn find_into(&self, sentence: &str, date: Option<DocDate>, out: &mut Matches) {
        self.find_near(sentence, date, None, &[], out);
    }

    /// [`Lexicons::find_into`] for a sentence of a document whose speaker
    /// is the actor at index `speaker`, and whose sentences just before
    /// named the actors whose roots are `near`: the speaker and those let
    /// an alias with a `context` count ([`Alias::context`]).
    pub(crate) fn find_near(
        &self,
        sentence: &str,
        date: Option<DocDate>,
        speaker: Option<usize>,
        near: &[usize],
        out: &mut Matches,
    ) {
        // Candidate lists come from this thread's scratch buffers: no
        // allocation for them per sentence.
        crate::with_thread_buffers(&SCRATCH, Scratch::new, |scratch| {
            self.find_with(sentence, date, (speaker, near), out, scratch)
        });
    }

    /// [`Lexicons::find_into`] with these scratch buffers.
    fn find_with(
        &self,
        sentence: &str,
        date: Option<DocDate>,
        near: (Option<usize>, &[usize]),
        out: &mut Matches,
        scratch: &mut Scratch,
    ) {
        let Matches {
            norm,
            tokens: toks,
            actors,
            tone,
            modifiers,
        } = out;
        norm.refold(sentence);
        let norm: &Normalized = norm;
        let text = norm.text();
        let joined = tokens_into(text, toks);
        let toks: &[Token] = toks;
        let words = Words {
            text,
            toks,
            norm,
            sentence,
        };
        let Scratch {
            found,
            actors: actor_c, // start, end, alias
            others: other_c,
            dual: dual_c,
            runs,
        } = scratch;
        found.clear();
        actor_c.clear();
        other_c.clear();
        dual_c.clear();
        // Every pattern at a word boundary, by start and then end.
        self.index.find(text, toks, joined, runs, found);
        for &(s, e, pattern) in found.iter() {
            let right_ok = right_boundary(text, e);
            let mut alias_pick: Option<usize> = None;
            // The gap after the anchor ending at `.0`, once worked out.
            // With the low five bits of the first byte of each of its
            // tokens, as a set.
            let mut gap: Option<(usize, Range<usize>, u32)> = None;
            let mut gap_at = |end: usize| -> (Range<usize>, u32) {
                match &gap {
                    Some((e, range, firsts)) if *e == end => (range.clone(), *firsts),
                    _ => {
                        let at = toks.partition_point(|t| t.start < end);
                        let range = words.gap_range(at);
                        let firsts = toks[range.clone()]
                            .iter()
                            .fold(0u32, |m, t| m | 1 << (text.as_bytes()[t.start] & 31));
                        gap = Some((end, range.clone(), firsts));
                        (range, firsts)
                    }
                }
            };
            // The first byte of the token after byte `.0`, once looked up.
            let mut after: Option<(usize, Option<u8>)> = None;
            let refs =
                &self.refs[self.ref_start[pattern] as usize..self.ref_start[pattern + 1] as usize];
            for target in refs {
                let r = &target.r;
                match *r {
                    Ref::Alias(i) => {
                        let a = &self.aliases[i as usize];
                        if !right_ok || !a.valid_on(date) {
                            continue;
                        }
                        let orig = &sentence[norm.orig_range(s..e)];
                        if !a.case_ok(orig) {
                            continue;
                        }
                        // A dated row that applies beats an undated one.
                        let better = match alias_pick {
                            None => true,
                            Some(p) => a.dated() && !self.aliases[p].dated(),
                        };
                        if better {
                            alias_pick = Some(i as usize);
                        }
                    }
                    Ref::Modifier(i) if right_ok => {
                        if self.modifiers[i as usize].kind.keeps_tone_role() {
                            // A verb of damage or of demand may be a hostile
                            // term too ("undermined", "demanded"): it keeps
                            // both roles.
                            dual_c.push((s, e, *r));
                        } else {
                            other_c.push((s, e, *r));
                        }
                    }
                    Ref::Modifier(_) => {}
                    Ref::Tone(i) => {
                        let end = if target.anchor_prefix {
                            word_end(text, e)
                        } else if right_ok {
                            e
                        } else {
                            continue;
                        };
                        match target.next {
                            Next::Nothing => {
                                other_c.push((s, end, *r));
                                continue;
                            }
                            // The first-byte test `Words::word_matches` would
                            // fail, decided before the term is fetched.
                            Next::Word(b) if b != 0 => {
                                let first = match after {
                                    Some((x, first)) if x == end => first,
                                    _ => {
                                        let at = toks.partition_point(|t| t.start < end);
                                        let first =
                                            toks.get(at).and_then(|t| text.as_bytes().get(t.start));
                                        let first = first.copied();
                                        after = Some((end, first));
                                        first
                                    }
                                };
                                if first != Some(b) {
                                    continue;
                                }
                            }
                            // No token of the gap's range starts as the word
                            // after the gap does (by the low five bits of
                            // its first byte): many terms share an anchor
                            // (`end ... war`, `end ... blockade`, ...), and
                            // most are ruled out here, before the term is
                            // fetched.
                            Next::Gap(b) if b != 0 && gap_at(end).1 & 1 << (b & 31) == 0 => {
                                continue;
                            }
                            _ => {}
                        }
                        let t = &self.tone[i as usize];
                        let found = match t.rest.split_first() {
                            // The anchor's terms mostly share one gap.
                            Some((Part::Gap, tail)) => match_after_gap(&words, gap_at(end).0, tail),
                            _ => match_rest(&words, end, &t.rest),
                        };
                        if let Some(end) = found {
                            other_c.push((s, end, *r));
                        }
                    }
                }
            }
            if let Some(p) = alias_pick {
                actor_c.push((s, e, p));
            }
        }
        self.drop_swallowing_gaps(text, toks, other_c);
        let tok_range = |s: usize, e: usize| -> Range<usize> {
            let a = toks.partition_point(|t| t.end <= s);
            // Every token before `a` starts before `e`; a match spans few
            // tokens, so counting on from `a` beats a second search.
            let b = a + toks[a..].iter().take_while(|t| t.start < e).count();
            a..b
        };
        *actor_c = select_longest(std::mem::take(actor_c));
        actors.clear();
        for &(s, e, alias) in actor_c.iter() {
            if self.actors[self.aliases[alias].actor].kind == ActorKind::Ignore {
                continue; // the words are taken, by no actor
            }
            actors.push(ActorHit {
                actor: self.aliases[alias].actor,
                alias: Some(alias),
                tok: tok_range(s, e),
                span: norm.orig_range(s..e),
                paired: false,
                backs: false,
            });
        }
        // What the sentence's aliases ask for, from one compact lookup
        // each: most sentences need none of the four passes below.
        let flags = actors
            .iter()
            .filter_map(|h| h.alias)
            .fold(0, |f, a| f | self.alias_flags[a]);
        if flags & AliasFlags::GENERIC != 0 {
            self.drop_owned_generics(text, toks, actors);
        }
        if flags & AliasFlags::CONTEXT != 0 {
            self.drop_out_of_context(sentence, actors, near);
        }
        if flags & AliasFlags::ALSO != 0 {
            self.add_pairs(actors);
        }
        if flags & AliasFlags::WORDS != 0 {
            self.add_elided(sentence, norm, toks, date, actors);
        }
        for h in actors.iter_mut() {
            h.backs = glued_backing(sentence, h.span.end);
        }
        for x in 1..actors.len() {
            let gap = sentence.get(actors[x - 1].span.end..actors[x].span.start);
            actors[x - 1].paired = matches!(gap, Some("-" | "\u{2013}" | "/"))
                // The two mentions of the words of a pair ([`Alias::also`]).
                || actors[x - 1].span == actors[x].span;
        }
        *other_c = select_longest(std::mem::take(other_c));
        tone.clear();
        modifiers.clear();
        for &(s, e, r) in other_c.iter() {
            let tok = tok_range(s, e);
            let span = norm.orig_range(s..e);
            match r {
                Ref::Tone(i) => tone.push(ToneHit {
                    term: i as usize,
                    tok,
                    span,
                }),
                Ref::Modifier(i) => modifiers.push(ModifierHit {
                    modifier: i as usize,
                    tok,
                    span,
                }),
                Ref::Alias(_) => {}
            }
        }
        if !dual_c.is_empty() {
            // A verb of damage or of demand shares its words with a tone
            // term of the same words only: a longer one takes them
            // ("building block", "call* for ... dialogue").
            dual_c.retain(|&(s, e, _)| {
                !other_c
                    .iter()
                    .any(|&(s2, e2, _)| s2 < e && s < e2 && (s2, e2) != (s, e))
            });
            if dual_c.len() > 1 {
                *dual_c = select_longest(std::mem::take(dual_c));
            }
            for &(s, e, r) in dual_c.iter() {
                if let Ref::Modifier(i) = r {
                    modifiers.push(ModifierHit {
                        modifier: i as usize,
                        tok: tok_range(s, e),
                        span: norm.orig_range(s..e),
                    });
                }
            }
            modifiers.sort_by_key(|h| (h.tok.start, h.tok.end));
        }
    }

    /// An alias with a `context` ("the North", "the South": column
    /// `context`) names its actor only where one of its context actors is
    /// named too: by another alias of the sentence, or `near` it (the
    /// document's speaker; the roots named in the sentences just before). A Korea named nearby makes "the North" North Korea; the
    /// North of "dialogue between the North and the South" in a speech on
    /// trade is no one, and the mention is dropped. Mentions by context
    /// aliases do not count for one another: "the North and the South"
    /// alone name no one. Nor does a context alias count as the start of a
    /// longer name or compound ([`in_longer_name`]).
    fn drop_out_of_context(
        &self,
        sentence: &str,
        actors: &mut Vec<ActorHit>,
        (speaker, near): (Option<usize>, &[usize]),
    ) {
        let context = |h: &ActorHit| h.alias.map_or(&[][..], |a| &self.aliases[a].context[..]);
        let speaker = speaker.map(|s| self.actors[s].root);
        let named = |root: usize| {
            speaker == Some(root)
                || near.contains(&root)
                || actors
                    .iter()
                    .any(|h| context(h).is_empty() && self.actors[h.actor].root == root)
        };
        let keep: Vec<bool> = actors
            .iter()
            .map(|h| {
                let c = context(h);
                c.is_empty() || (!in_longer_name(sentence, h) && c.iter().any(|&r| named(r)))
            })
            .collect();
        let mut i = 0;
        actors.retain(|_| {
            i += 1;
            keep[i - 1]
        });
    }

    /// Adds the actor that a word before "and" names by sharing the rest
    /// of the next mention's words: "*North* and South Korea", "South and
    /// North Korean leaders", "East and West Germany". The word, the
    /// mention's words after its first, make an alias of another actor
    /// ("North" + "Korea"), and the word is no one's yet. The new mention
    /// is joined to the next by "and", as a list.
    fn add_elided(
        &self,
        sentence: &str,
        norm: &Normalized,
        toks: &[Token],
        date: Option<DocDate>,
        actors: &mut Vec<ActorHit>,
    ) {
        let text = norm.text();
        let mut x = 0;
        while x < actors.len() {
            let h = &actors[x];
            let (t, end) = (h.tok.start, h.tok.end);
            let free = |k: usize| !actors.iter().any(|a| a.tok.contains(&k));
            let elided = (t >= 2 && end - t >= 2)
                .then(|| (&toks[t - 2], &toks[t - 1]))
                .filter(|(w, and)| {
                    &text[and.start..and.end] == "and"
                        && &text[w.end..and.start] == " "
                        && &text[and.end..toks[t].start] == " "
                        && free(t - 2)
                })
                .and_then(|(w, _)| {
                    let rest = toks[t].end..toks[end - 1].end;
                    let key = [&text[w.start..w.end], &text[rest.clone()]].concat();
                    let orig = [
                        &sentence[norm.orig_range(w.start..w.end)],
                        &sentence[norm.orig_range(rest)],
                    ]
                    .concat();
                    let root = |a: usize| self.actors[a].root;
                    self.multiword.get(&key)?.iter().copied().find(|&i| {
                        let a = &self.aliases[i];
                        a.valid_on(date)
                            && a.case_ok(&orig)
                            && a.context.is_empty()
                            && root(a.actor) != root(h.actor)
                    })
                });
            if let Some(i) = elided {
                let w = &toks[t - 2];
                actors.insert(
                    x,
                    ActorHit {
                        actor: self.aliases[i].actor,
                        alias: Some(i),
                        tok: t - 2..t - 1,
                        span: norm.orig_range(w.start..w.end),
                        paired: false,
                        backs: false,
                    },
                );
                x += 1;
            }
            x += 1;
        }
    }

    /// Adds, right after each mention by an alias with an `also` actor
    /// ("the two Koreas"), a mention of that actor by the same words.
    fn add_pairs(&self, actors: &mut Vec<ActorHit>) {
        let also = |h: &ActorHit| h.alias.and_then(|a| self.aliases[a].also);
        let mut i = 0;
        while i < actors.len() {
            if let Some(second) = also(&actors[i]) {
                let twin = ActorHit {
                    actor: second,
                    ..actors[i].clone()
                };
                actors.insert(i + 1, twin);
                i += 1;
            }
            i += 1;
        }
    }

    /// A generic institution's alias (column `generic`: "Congress",
    /// "National Security Council") next to another actor's name is that
    /// actor's institution: "Peru's Congress", "the Brazilian Congress",
    /// "the Congress of Colombia" (or "of the", as in "the Central Military
    /// Commission of the Workers' Party") name Peru, Brazil and Colombia, not the
    /// U.S. Congress the bare word means. Such a mention is dropped; the
    /// name beside it stands for both. Next to a name of the same actor
    /// ("the U.S. Congress") it stays.
    fn drop_owned_generics(&self, text: &str, toks: &[Token], actors: &mut Vec<ActorHit>) {
        let generic = |h: &ActorHit| h.alias.is_some_and(|a| self.aliases[a].generic);
        let root = |h: &ActorHit| self.actors[h.actor].root;
        let owned: Vec<bool> = (0..actors.len())
            .map(|i| {
                let h = &actors[i];
                if !generic(h) {
                    return false;
                }
                // "Peru's Congress", "Brazilian Congress".
                let before = i
                    .checked_sub(1)
                    .map(|j| &actors[j])
                    .is_some_and(|p| p.tok.end == h.tok.start && root(p) != root(h));
                // "the Congress of Colombia", "the Central Military
                // Commission of the Workers' Party of Korea".
                let word = |k: usize| toks.get(k).map(|t| &text[t.start..t.end]);
                let after = actors.get(i + 1).is_some_and(|n| {
                    let of = h.tok.end;
                    word(of) == Some("of")
                        && (n.tok.start == of + 1
                            || (n.tok.start == of + 2 && word(of + 1) == Some("the")))
                        && root(n) != root(h)
                });
                before || after
            })
            .collect();
        let mut i = 0;
        actors.retain(|_| {
            i += 1;
            !owned[i - 1]
        });
    }

    /// A phrase with a `...` gap must not swallow a term of the opposite
    /// tone that stands on its own inside it: in "resumed airstrikes after
    /// peace talks", `resum* ... talks` would hide the hostile "airstrikes".
    /// Such a gapped match is dropped, and the words inside it count on
    /// their own. A term in the noun phrase that the phrase's last word
    /// heads belongs to its object and is swallowed as meant: right before
    /// that word ("dropped its *retaliatory* tariffs") or at most
    /// [`OBJECT_MODIFIERS_MAX`] words before it with none of
    /// [`OBJECT_BREAKS`] between ("ending a *bitter* trade dispute") stays
    /// one phrase.
    fn drop_swallowing_gaps(
        &self,
        text: &str,
        toks: &[Token],
        cands: &mut Vec<(usize, usize, Ref)>,
    ) {
        let weight = |r: &Ref| match r {
            Ref::Tone(i) => self.tone[*i as usize].weight,
            _ => 0.0,
        };
        let gapped = |r: &Ref| match r {
            Ref::Tone(i) => self.tone[*i as usize].rest.contains(&Part::Gap),
            _ => false,
        };
        if !cands.iter().any(|(_, _, r)| gapped(r)) {
            return; // the common case: no gapped phrase, nothing to drop
        }
        let drop: Vec<bool> = cands
            .iter()
            .map(|&(s, e, r)| {
                if !gapped(&r) {
                    return false;
                }
                // Start of the phrase's last word.
                let last = toks[..toks.partition_point(|t| t.start < e)]
                    .last()
                    .map_or(e, |t| t.start);
                cands.iter().any(|&(s2, e2, r2)| {
                    s2 > s && e2 < e && weight(&r2) * weight(&r) < 0.0 && {
                        let between = &text[e2.min(last)..last];
                        let mut words = between
                            .split(|c: char| !is_word_char(c))
                            .filter(|w| !w.is_empty());
                        // Not the object's own modifiers: the term stands
                        // on its own.
                        words.clone().count() > OBJECT_MODIFIERS_MAX
                            || words.any(|w| OBJECT_BREAKS.contains(&w))
                    }
                })
            })
            .collect();
        let mut i = 0;
        cands.retain(|_| {
            i += 1;
            !drop[i - 1]
        });
    }

    /// Looks for problems that do not stop a run (an alias claimed by two
    /// actors at once, overlapping date ranges, tone terms that can never
    /// win because a modifier has the same text) and counts coverage.
    pub fn check(&self) -> CheckReport {
        let mut report = CheckReport::default();
        let mut by_alias: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, a) in self.aliases.iter().enumerate() {
            by_alias.entry(fold(&a.surface)).or_default().push(i);
        }
        let mut keys: Vec<&String> = by_alias.keys().collect();
        keys.sort();
        for k in keys {
            let rows = &by_alias[k];
            for (x, &i) in rows.iter().enumerate() {
                for &j in &rows[x + 1..] {
                    let (a, b) = (&self.aliases[i], &self.aliases[j]);
                    // A dated row beside an undated one is no clash: the
                    // dated one applies inside its range, the other outside
                    // ("Kim Kwan-jin" a minister, then nobody).
                    if !ranges_overlap(a, b) || a.dated() != b.dated() {
                        continue;
                    }
                    let case_apart = a.case != CaseRule::Any
                        && b.case != CaseRule::Any
                        && a.case_form != b.case_form;
                    if a.actor != b.actor && !case_apart {
                        report.warnings.push(format!(
                            "actors.csv:{} and :{}: alias '{}' is claimed by {} and {} for overlapping dates; the first row wins",
                            a.line, b.line, a.surface, self.actors[a.actor].id, self.actors[b.actor].id
                        ));
                    } else if a.actor == b.actor && a.dated() && b.dated() {
                        report.warnings.push(format!(
                            "actors.csv:{} and :{}: alias '{}' of {} has overlapping date ranges",
                            a.line, b.line, a.surface, self.actors[a.actor].id
                        ));
                    }
                }
            }
        }
        let mod_words: HashMap<String, &Modifier> =
            self.modifiers.iter().map(|m| (fold(&m.word), m)).collect();
        for t in &self.tone {
            if t.rest.is_empty()
                && !t.anchor_prefix
                && let Some(m) = mod_words.get(&fold(&t.term))
                && !m.kind.keeps_tone_role()
            {
                report.warnings.push(format!(
                    "tone.csv:{}: '{}' is also a {} in modifiers.csv; the tone entry wins",
                    t.line,
                    t.term,
                    m.kind.as_str()
                ));
            }
        }
        for kind in [
            ActorKind::State,
            ActorKind::Person,
            ActorKind::Organisation,
            ActorKind::Media,
            ActorKind::Group,
            ActorKind::Ignore,
        ] {
            let n = self.actors.iter().filter(|a| a.kind == kind).count();
            report
                .counts
                .push((format!("actors: {}", kind.as_str()), n));
        }
        report.counts.push(("aliases".into(), self.aliases.len()));
        report.counts.push((
            "aliases limited by date".into(),
            self.aliases.iter().filter(|a| a.dated()).count(),
        ));
        report.counts.push((
            "tone terms: conciliatory".into(),
            self.tone.iter().filter(|t| t.weight > 0.0).count(),
        ));
        report.counts.push((
            "tone terms: hostile".into(),
            self.tone.iter().filter(|t| t.weight < 0.0).count(),
        ));
        report.counts.push((
            "tone terms: phrases".into(),
            self.tone.iter().filter(|t| t.term.contains(' ')).count(),
        ));
        let mut cats: Vec<(&str, usize)> = Vec::new();
        for t in &self.tone {
            match cats.iter_mut().find(|(c, _)| *c == t.category) {
                Some(c) => c.1 += 1,
                None => cats.push((&t.category, 1)),
            }
        }
        cats.sort();
        for (c, n) in cats {
            report.counts.push((format!("tone category: {c}"), n));
        }
        report
            .counts
            .push(("modifiers".into(), self.modifiers.len()));
        report
            .counts
            .push(("boilerplate lines".into(), self.boilerplate.len()));
        report
    }
}

impl fmt::Display for CaseRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CaseRule::Any => "any",
            CaseRule::Cap => "cap",
            CaseRule::Exact => "exact",
        })
    }
}

/// Whether a hyphen or en dash at byte `end` of `sentence` glues the name
/// before it to one of [`BACKING_WORDS`], as a whole word ("Iran-backed",
/// "U.S.-funded"; not "Iran-backedness").
fn glued_backing(sentence: &str, end: usize) -> bool {
    let Some(rest) = sentence
        .get(end..)
        .and_then(|r| r.strip_prefix(['-', '\u{2013}']))
    else {
        return false;
    };
    BACKING_WORDS.iter().any(|w| {
        rest.get(..w.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(w))
            && !rest[w.len()..].starts_with(|c: char| c.is_alphanumeric())
    })
}

fn ranges_overlap(a: &Alias, b: &Alias) -> bool {
    let lo = |d: Option<DocDate>| {
        d.map_or((i32::MIN, 0, 0), |d| {
            (d.year, d.month.unwrap_or(1), d.day.unwrap_or(1))
        })
    };
    let hi = |d: Option<DocDate>| {
        d.map_or((i32::MAX, 0, 0), |d| {
            (d.year, d.month.unwrap_or(12), d.day.unwrap_or(31))
        })
    };
    lo(a.valid_from) <= hi(b.valid_to) && lo(b.valid_from) <= hi(a.valid_to)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a match ending at byte `e` ends at a word boundary: no word
/// character on both sides of `e`.
fn right_boundary(text: &str, e: usize) -> bool {
    let bytes = text.as_bytes();
    // An ASCII byte is its own character, tested without decoding.
    let next_word = match bytes.get(e) {
        None => return true,
        Some(&b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => text[e..].chars().next().is_some_and(is_word_char),
    };
    // Most matches end where a run ends: decided without the byte before.
    if !next_word {
        return true;
    }
    let prev_word = match e.checked_sub(1).map(|p| bytes[p]) {
        None => false,
        Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => text[..e].chars().next_back().is_some_and(is_word_char),
    };
    !prev_word
}

/// Extends a wildcard match to the end of its word.
fn word_end(text: &str, mut e: usize) -> usize {
    let bytes = text.as_bytes();
    while let Some(&b) = bytes.get(e) {
        // ASCII bytes without decoding; a character beyond ASCII decoded.
        if b.is_ascii() {
            if !b.is_ascii_alphanumeric() {
                break;
            }
            e += 1;
        } else {
            match text[e..].chars().next() {
                Some(c) if is_word_char(c) => e += c.len_utf8(),
                _ => break,
            }
        }
    }
    e
}

/// The words of a sentence, for matching the parts of a tone phrase.
struct Words<'a> {
    text: &'a str,
    toks: &'a [Token],
    norm: &'a Normalized,
    /// The original sentence.
    sentence: &'a str,
}

impl Words<'_> {
    /// Token `i` is written against token `i - 1` with no space between
    /// ("U.S.", "decades-old"): the two are one word when a gap counts words.
    fn attached(&self, i: usize) -> bool {
        i > 0 && {
            let a = self
                .norm
                .orig_range(self.toks[i - 1].end..self.toks[i].start);
            let between = &self.sentence[a];
            if between.is_ascii() {
                // `char::is_whitespace` on ASCII: space and \t \n \v \f \r.
                !between.bytes().any(|b| matches!(b, b' ' | b'\t'..=b'\r'))
            } else {
                !between.contains(char::is_whitespace)
            }
        }
    }

    /// The tokens where the phrase may go on after a `...` that starts at
    /// token `at`: from `at` while at most [`MAX_GAP`] words are skipped
    /// and no clause break (`;` `:` `(` `)`) comes between. Many terms
    /// share an anchor (`halt* ... talks`, `halt* ... aid`, ...), so the
    /// range is worked out once per anchor.
    fn gap_range(&self, at: usize) -> Range<usize> {
        let toks = self.toks;
        let Some(first) = toks.get(at) else {
            return at..at;
        };
        // Tokens hold no clause break, so only the text between tokens is
        // looked at, each piece once.
        let prev_end = at.checked_sub(1).map_or(0, |p| toks[p].end);
        if self.breaks(prev_end, first.start) {
            return at..at;
        }
        let mut skipped_words = 0;
        // Whether token `i - 1` is attached to token `i - 2`.
        let mut attached = false;
        let mut i = at + 1;
        while i < toks.len() {
            // Tokens at..i are skipped; count the words they make.
            if i - 1 == at || !attached {
                skipped_words += 1;
            }
            if skipped_words > MAX_GAP {
                break;
            }
            let (space, clause_break) = self.between(i);
            if clause_break {
                break;
            }
            attached = !space;
            i += 1;
        }
        at..i
    }

    /// Whether the folded text from byte `a` to `b` holds a clause break.
    fn breaks(&self, a: usize, b: usize) -> bool {
        self.text.as_bytes()[a..b]
            .iter()
            .any(|&c| matches!(c, b';' | b':' | b'(' | b')'))
    }

    /// What stands between tokens `i - 1` and `i` (`i > 0`): white space in
    /// the original (else the two are [attached](Words::attached)), and a
    /// clause break.
    fn between(&self, i: usize) -> (bool, bool) {
        let (a, b) = (self.toks[i - 1].end, self.toks[i].start);
        if !self.norm.same_offsets() {
            return (!self.attached(i), self.breaks(a, b));
        }
        // ASCII: the original has the folded text's offsets and the same
        // clause breaks, so one pass over its bytes tells both; most
        // tokens are one byte apart.
        let bytes = self.sentence.as_bytes();
        if b == a + 1
            && let Some(&c) = bytes.get(a)
        {
            return (
                matches!(c, b' ' | b'\t'..=b'\r'),
                matches!(c, b';' | b':' | b'(' | b')'),
            );
        }
        let (mut space, mut clause_break) = (false, false);
        for &c in &self.sentence.as_bytes()[a..b] {
            // `char::is_whitespace` on ASCII: space and \t \n \v \f \r.
            space |= matches!(c, b' ' | b'\t'..=b'\r');
            clause_break |= matches!(c, b';' | b':' | b'(' | b')');
        }
        (space, clause_break)
    }

    /// Whether token `i` is the word `w` (or `w` with a possessive `'s`),
    /// or, for a `prefix`, starts with it.
    #[inline(always)]
    fn word_matches(&self, i: usize, w: &str, prefix: bool) -> bool {
        let Some(t) = self.toks.get(i) else {
            return false;
        };
        let (word, w) = (&self.text.as_bytes()[t.start..t.end], w.as_bytes());
        // Most tests fail, nearly all of them on the first byte: decided
        // there, with no string comparison.
        if let (Some(a), Some(b)) = (word.first(), w.first())
            && a != b
        {
            return false;
        }
        if prefix {
            word.starts_with(w)
        } else {
            word == w || word.strip_suffix(b"'s").is_some_and(|b| b == w)
        }
    }
}

/// Matches the parts of a tone phrase that follow its anchor (which ends at
/// byte `end`); returns the end byte of the whole phrase.
fn match_rest(w: &Words<'_>, end: usize, rest: &[Part]) -> Option<usize> {
    if rest.is_empty() {
        return Some(end);
    }
    let next = w.toks.partition_point(|t| t.start < end);
    match_parts(w, next, rest, false)
}

/// Matches `parts` starting at token `at`. `after_gap` lifts the rule that
/// phrase words be adjacent for the first part.
fn match_parts(w: &Words<'_>, at: usize, parts: &[Part], after_gap: bool) -> Option<usize> {
    let Some((first, rest)) = parts.split_first() else {
        return at.checked_sub(1).map(|i| w.toks[i].end);
    };
    match first {
        Part::Word { text, prefix } => {
            if !w.word_matches(at, text, *prefix) {
                return None;
            }
            // Words of a phrase must be adjacent apart from spaces, quotes
            // and dots; a clause break (, ; :) ends the phrase.
            if !after_gap && at > 0 && !rest_gap_ok(w.text, w.toks[at - 1].end, w.toks[at].start) {
                return None;
            }
            match_parts(w, at + 1, rest, false)
        }
        Part::Gap => match_after_gap(w, w.gap_range(at), rest),
    }
}

/// Matches `parts` (what follows a `...`) at the first token of `range`
/// (a [`Words::gap_range`]) where they match.
fn match_after_gap(w: &Words<'_>, range: Range<usize>, parts: &[Part]) -> Option<usize> {
    match parts.split_first() {
        // What `match_parts` does with a first word after a gap, with the
        // word tested here: most tokens of the range fail that test, and
        // many terms share one range.
        Some((Part::Word { text, prefix }, rest)) => range
            .into_iter()
            .filter(|&i| w.word_matches(i, text, *prefix))
            .find_map(|i| match_parts(w, i + 1, rest, false)),
        _ => range
            .into_iter()
            .find_map(|i| match_parts(w, i, parts, true)),
    }
}

fn rest_gap_ok(text: &str, a: usize, b: usize) -> bool {
    // All four are ASCII, so a byte test is exact (a non-ASCII byte fails).
    text.as_bytes()[a..b]
        .iter()
        .all(|&c| matches!(c, b' ' | b'"' | b'\'' | b'.'))
}

/// Keeps the longest of overlapping candidates: sort by start, longest
/// first, then keep each that does not overlap one already kept.
/// Kept intervals are disjoint, so a candidate overlaps one of them exactly
/// when the kept interval starting last before the candidate's end reaches
/// past its start: one ordered-map lookup each, O(n log n) in all.
#[inline(always)]
fn select_longest<T: Copy>(mut c: Vec<(usize, usize, T)>) -> Vec<(usize, usize, T)> {
    // Candidates already in order and none overlapping the next (so none
    // overlapping any, none being empty) are all kept, in that order: what
    // the sorts below would give back. Candidates come in by start, and in
    // most sentences none overlap.
    if c.windows(2).all(|w| w[0].1 <= w[1].0) {
        return c;
    }
    c.sort_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(a.0.cmp(&b.0)));
    if c.len() <= 16 {
        // A sentence's handful of candidates: a linear check beats the map,
        // and the kept ones move to the front of the same vector.
        let mut k = 0;
        for i in 0..c.len() {
            let (s, e, _) = c[i];
            if !c[..k].iter().any(|&(ks, ke, _)| ks < e && s < ke) {
                c[k] = c[i];
                k += 1;
            }
        }
        c.truncate(k);
        c.sort_by_key(|x| x.0);
        return c;
    }
    let mut kept: std::collections::BTreeMap<usize, (usize, T)> = std::collections::BTreeMap::new();
    for (s, e, t) in c {
        let overlaps = kept
            .range(..e)
            .next_back()
            .is_some_and(|(_, (ke, _))| *ke > s);
        if !overlaps {
            kept.insert(s, (e, t));
        }
    }
    kept.into_iter().map(|(s, (e, t))| (s, e, t)).collect()
}

/// Folded text of the part of a tone term found by the matcher: its words
/// up to the first wildcard (whose stem ends the anchor) or the first gap.
fn tone_anchor(term: &str) -> String {
    let mut words = Vec::new();
    for w in term.split_whitespace() {
        if w == "..." {
            break;
        }
        if let Some(stem) = w.strip_suffix('*') {
            words.push(stem);
            break;
        }
        words.push(w);
    }
    fold(&words.join(" "))
}

/// Reads a CSV lexicon into (line, field-by-column-name) rows.
struct CsvTable {
    file: String,
    columns: HashMap<String, usize>,
    rows: Vec<(usize, csv::StringRecord)>,
    /// Rows that are not valid CSV (a stray comma), left out of `rows`.
    bad_rows: Vec<Error>,
}

/// The problems found in the rows of lexicon files. A row with a problem
/// is left out and the next one read, so that one `stance lexicon check`
/// (or a run) lists every bad row, not only the first: what someone fixing
/// a lexicon in a spreadsheet needs.
#[derive(Debug, Default)]
struct Problems(Vec<Error>);

impl Problems {
    /// Starts with the rows of `t` that are not valid CSV.
    fn from_table(t: &mut CsvTable) -> Problems {
        Problems(std::mem::take(&mut t.bad_rows))
    }

    /// The value of `r`, or its problems noted.
    fn note<T>(&mut self, r: Result<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(Error::Lexicons(list)) => {
                self.0.extend(list);
                None
            }
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    /// [`Problems::into_result`] for the problems of one file, in line
    /// order (rows that are not valid CSV were noted first).
    fn into_result_by_line(mut self) -> Result<()> {
        self.0.sort_by_key(|e| match e {
            Error::Lexicon { line, .. } => *line,
            _ => 0,
        });
        self.into_result()
    }

    /// `Ok` when nothing was noted; one problem as itself, more as an
    /// [`Error::Lexicons`].
    fn into_result(self) -> Result<()> {
        let mut list = self.0;
        match list.len() {
            0 => Ok(()),
            1 => Err(list.remove(0)),
            _ => Err(Error::Lexicons(list)),
        }
    }
}

impl CsvTable {
    fn parse(src: &str, file: &str, required: &[&str]) -> Result<CsvTable> {
        let src = src.strip_prefix('\u{FEFF}').unwrap_or(src);
        // Fields are trimmed where they are read (`CsvTable::get`): the
        // reader's own trimming builds every record a second time, and took
        // half of the parsing (an eighth of the whole lexicon build).
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(false)
            .comment(None)
            .from_reader(src.as_bytes());
        let headers = rdr
            .headers()
            .map_err(|e| Error::lexicon(file, 1, format!("cannot read the header row: {e}")))?
            .clone();
        let columns: HashMap<String, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().to_ascii_lowercase(), i))
            .collect();
        for r in required {
            if !columns.contains_key(*r) {
                return Err(Error::lexicon(
                    file,
                    1,
                    format!(
                        "the header has no '{r}' column (found: {}); the header must name {}",
                        headers.iter().map(str::trim).collect::<Vec<_>>().join(", "),
                        required.join(", ")
                    ),
                ));
            }
        }
        let mut rows = Vec::new();
        let mut bad_rows = Vec::new();
        for rec in rdr.records() {
            match rec {
                Ok(r) => {
                    let line = r.position().map_or(0, |p| p.line() as usize);
                    if r.iter().all(|f| f.trim().is_empty()) {
                        continue;
                    }
                    rows.push((line, r));
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line() as usize);
                    let msg = match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => format!(
                            "row has {len} fields but the header has {expected_len}; check for a stray comma or an unquoted field"
                        ),
                        _ => format!("not valid CSV: {e}"),
                    };
                    bad_rows.push(Error::lexicon(file, line, msg));
                }
            }
        }
        Ok(CsvTable {
            file: file.to_string(),
            columns,
            rows,
            bad_rows,
        })
    }

    /// Where each of the columns `names` is, looked up once for all rows
    /// (by name at every field, the lookups were a fifth of reading the
    /// actor file); `None` for a column the file lacks.
    fn columns<const N: usize>(&self, names: [&str; N]) -> [Option<usize>; N] {
        names.map(|n| self.columns.get(n).copied())
    }

    /// The field of `row` in column `col` (from [`CsvTable::columns`]),
    /// trimmed of white space at both ends (as a spreadsheet's "Seoul " is
    /// meant), or "" if there is none.
    fn get<'r>(&self, row: &'r csv::StringRecord, col: Option<usize>) -> &'r str {
        col.and_then(|i| row.get(i)).map_or("", str::trim)
    }

    /// Checks each row with `row` (its line and fields), noting in
    /// `problems` the rows it finds fault with, and going on with the next.
    fn for_rows(
        &self,
        problems: &mut Problems,
        mut row: impl FnMut(usize, &csv::StringRecord) -> Result<()>,
    ) {
        for (line, record) in &self.rows {
            problems.note(row(*line, record));
        }
    }

    fn err(&self, line: usize, msg: impl Into<String>) -> Error {
        Error::lexicon(&self.file, line, msg)
    }

    /// Notes `raw` (a `what`, "term" or "word") in `seen` by its folded
    /// form, or names the line it is already on: each term or word is one
    /// row of its file.
    fn first_row(
        &self,
        seen: &mut HashMap<String, usize>,
        line: usize,
        what: &str,
        raw: &str,
    ) -> Result<()> {
        let key = fold(raw);
        if let Some(prev) = seen.get(&key) {
            return Err(self.err(
                line,
                format!("duplicate {what} '{raw}' (also on line {prev}); keep one row"),
            ));
        }
        seen.insert(key, line);
        Ok(())
    }
}

/// Whether the mention `h` of `sentence` is glued by a hyphen to the
/// word after it or followed by a capitalised word: then it is the start
/// of a longer name or compound ("the South Phyongan Province", "the
/// North Atlantic", "the North-South dialogue", "the north-east Asian
/// region"), and a context alias there names no one.
fn in_longer_name(sentence: &str, h: &ActorHit) -> bool {
    let rest = sentence.get(h.span.end..).unwrap_or("");
    let next_word = rest.strip_prefix(' ').and_then(|r| r.chars().next());
    rest.starts_with(['-', '\u{2010}', '\u{2011}', '\u{2013}'])
        || next_word.is_some_and(char::is_uppercase)
}

/// Bits of [`Lexicons::alias_flags`]: which passes over a sentence's
/// mentions an alias asks for.
struct AliasFlags;

impl AliasFlags {
    /// Column `generic`: [`Lexicons::drop_owned_generics`].
    const GENERIC: u8 = 1;
    /// Column `context`: [`Lexicons::drop_out_of_context`].
    const CONTEXT: u8 = 2;
    /// Column `also`: [`Lexicons::add_pairs`].
    const ALSO: u8 = 4;
    /// Two words or more: [`Lexicons::add_elided`].
    const WORDS: u8 = 8;
}

type ActorTables = (Vec<Actor>, HashMap<String, usize>, Vec<Alias>);

fn parse_actors(src: &str, file: &str) -> Result<ActorTables> {
    let mut t = CsvTable::parse(src, file, &["id", "name", "kind", "alias"])?;
    // Sized for every row at once: growing the alias table as it fills
    // copied it over and over (a quarter of the lexicon build).
    let rows = t.rows.len();
    let mut actors: Vec<Actor> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::default();
    let mut parent_names: Vec<(String, usize)> = Vec::new(); // per actor: parent id, line
    // Per alias: its `context` ids, its `also` id and its line.
    let mut optional_ids: Vec<(String, String, usize)> = Vec::with_capacity(rows);
    let mut aliases: Vec<Alias> = Vec::with_capacity(rows);
    type RowKey = (usize, String, Option<DocDate>, Option<DocDate>);
    let mut seen: HashMap<RowKey, usize> = HashMap::default();
    seen.reserve(rows);
    let mut problems = Problems::from_table(&mut t);
    let [
        id_c,
        name_c,
        kind_c,
        parent_c,
        alias_c,
        case_c,
        from_c,
        to_c,
        place_c,
        generic_c,
        context_c,
        also_c,
    ] = t.columns([
        "id",
        "name",
        "kind",
        "parent",
        "alias",
        "case",
        "valid_from",
        "valid_to",
        "place",
        "generic",
        "context",
        "also",
    ]);
    t.for_rows(&mut problems, |line, row| {
            let id = t.get(row, id_c);
            if id.is_empty() {
                return Err(t.err(line, "empty id"));
            }
            if !id
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '-')
            {
                return Err(t.err(
                    line,
                    format!(
                        "id '{id}' may only use A-Z, 0-9, '_' and '-' (e.g. PRK, UN, PRK_KCNA)"
                    ),
                ));
            }
            let name = t.get(row, name_c);
            if name.is_empty() {
                return Err(t.err(line, format!("empty name for id {id}")));
            }
            let kind_s = t.get(row, kind_c);
            let kind = ActorKind::parse(kind_s).ok_or_else(|| {
            t.err(
                line,
                format!("kind '{kind_s}' is not one of state, person, organisation, media, group, ignore"),
            )
        })?;
            let parent = t.get(row, parent_c);
            if parent == id {
                return Err(t.err(line, format!("{id} is its own parent")));
            }
            let idx = match by_id.get(id) {
                Some(&i) => {
                    let a = &actors[i];
                    let (p, pline) = &parent_names[i];
                    if a.name != name || a.kind != kind || p != parent {
                        return Err(t.err(
                        line,
                        format!(
                            "id {id} has name/kind/parent '{name}'/{}/'{parent}' here but '{}'/{}/'{p}' on line {pline}; rows of one id must agree",
                            kind.as_str(),
                            a.name,
                            a.kind.as_str()
                        ),
                    ));
                    }
                    i
                }
                None => {
                    actors.push(Actor {
                        id: id.to_string(),
                        name: name.to_string(),
                        kind,
                        parent: None,
                        root: actors.len(),
                    });
                    parent_names.push((parent.to_string(), line));
                    by_id.insert(id.to_string(), actors.len() - 1);
                    actors.len() - 1
                }
            };
            let surface = t.get(row, alias_c);
            if surface.is_empty() {
                return Err(t.err(line, format!("empty alias for {id}")));
            }
            if !surface.chars().any(is_word_char) {
                return Err(t.err(line, format!("alias '{surface}' has no letters or digits")));
            }
            let case_s = t.get(row, case_c);
            let case = match case_s.to_ascii_lowercase().as_str() {
                "" | "cap" => CaseRule::Cap,
                "any" => CaseRule::Any,
                "exact" => CaseRule::Exact,
                _ => {
                    return Err(t.err(
                        line,
                        format!("case '{case_s}' is not one of cap (default), any, exact"),
                    ));
                }
            };
            let date = |c: Option<usize>, col: &str| -> Result<Option<DocDate>> {
                let v = t.get(row, c);
                if v.is_empty() {
                    return Ok(None);
                }
                DocDate::parse(v).map(Some).ok_or_else(|| {
                    t.err(
                        line,
                        format!("{col} '{v}' is not a date (write YYYY-MM-DD)"),
                    )
                })
            };
            let place_s = t.get(row, place_c);
            let place = match place_s.to_ascii_lowercase().as_str() {
                "" | "no" => false,
                "capital" | "seat" | "city" | "yes" => true,
                _ => {
                    return Err(t.err(
                        line,
                        format!("place '{place_s}' is not one of capital, seat, city (or empty)"),
                    ));
                }
            };
            let generic_s = t.get(row, generic_c);
            let generic = match generic_s.to_ascii_lowercase().as_str() {
                "" | "no" => false,
                "yes" => true,
                _ => {
                    return Err(t.err(
                        line,
                        format!("generic '{generic_s}' is not yes (or empty)"),
                    ));
                }
            };
            let valid_from = date(from_c, "valid_from")?;
            let valid_to = date(to_c, "valid_to")?;
            if let (Some(f), Some(to)) = (valid_from, valid_to)
                && f > to
            {
                return Err(t.err(line, format!("valid_from {f} is after valid_to {to}")));
            }
            // Same actor, same letters in the same case, same dates: a duplicate.
            // ("South Korea" and KCNA's "south Korea" are two rows on purpose.)
            let folded = fold_keep_case(surface);
            let case_form: Vec<char> = folded.chars().collect();
            let key = (idx, folded, valid_from, valid_to);
            if let Some(prev) = seen.get(&key) {
                return Err(t.err(
                line,
                format!("duplicate alias '{surface}' for {id} (same as line {prev} once accents, hyphens and curly quotes are folded); delete one row"),
            ));
            }
            seen.insert(key, line);
            let upper_at = (0..case_form.len())
                .filter(|&i| case_form[i].is_uppercase())
                .collect();
            optional_ids.push((
                t.get(row, context_c).to_string(),
                t.get(row, also_c).trim().to_string(),
                line,
            ));
            aliases.push(Alias {
                actor: idx,
                surface: surface.to_string(),
                case,
                valid_from,
                valid_to,
                line,
                place,
                generic,
                context: Vec::new(),
                also: None,
                case_form,
                upper_at,
            });
            Ok(())
    });
    // Resolve parents, then roots (rejecting cycles).
    for i in 0..actors.len() {
        let (p, line) = &parent_names[i];
        if p.is_empty() {
            continue;
        }
        let parent = by_id.get(p.as_str()).copied().ok_or_else(|| {
            t.err(
                *line,
                format!("parent '{p}' of {} is not an id in this file", actors[i].id),
            )
        });
        actors[i].parent = problems.note(parent);
    }
    problems.into_result_by_line()?;
    for i in 0..actors.len() {
        let mut cur = i;
        let mut steps = 0;
        while let Some(p) = actors[cur].parent {
            cur = p;
            steps += 1;
            if steps > actors.len() {
                return Err(t.err(
                    parent_names[i].1,
                    format!("the parent chain of {} loops back on itself", actors[i].id),
                ));
            }
        }
        actors[i].root = cur;
    }
    // Resolve each alias's `context` ids (to the roots they roll up to)
    // and its `also` id.
    let actor_named =
        |col: &str, name: &str, line: usize, alias: &str, write: &str| match by_id.get(name) {
            Some(&i) if actors[i].kind == ActorKind::Ignore => Err(t.err(
                line,
                format!("{col} '{name}' is a phrase to ignore, not an actor"),
            )),
            Some(&i) => Ok(i),
            None => Err(t.err(
                line,
                format!("{col} '{name}' of alias '{alias}' is not an id in this file; {write}"),
            )),
        };
    for (alias, (context, also, line)) in aliases.iter_mut().zip(&optional_ids) {
        for name in context.split_whitespace() {
            let write = "write actor ids separated by spaces (PRK KOR)";
            let i = actor_named("context", name, *line, &alias.surface, write)?;
            alias.context.push(actors[i].root);
        }
        if !also.is_empty() {
            let write = "write one actor id (KOR)";
            let i = actor_named("also", also, *line, &alias.surface, write)?;
            if i == alias.actor {
                return Err(t.err(
                    *line,
                    format!(
                        "also '{also}' is the row's own id; name a second actor or leave it empty"
                    ),
                ));
            }
            alias.also = Some(i);
        }
    }
    Ok((actors, by_id, aliases))
}

/// Categories on the conciliatory side (positive weights).
pub const CONCILIATORY_CATEGORIES: &[&str] = &[
    "appeal",
    "intent_cooperate",
    "consult",
    "cooperate",
    "aid",
    "yield",
    "de_escalate",
    "settle",
    "praise",
];

/// Categories on the hostile side (negative weights).
pub const HOSTILE_CATEGORIES: &[&str] = &[
    "demand",
    "disapprove",
    "accuse",
    "reject",
    "threaten",
    "protest",
    "reduce_relations",
    "sanction",
    "force_posture",
    "coerce",
    "assault",
    "fight",
    "insult",
];

fn parse_tone(src: &str, file: &str) -> Result<Vec<ToneTerm>> {
    let mut t = CsvTable::parse(src, file, &["term", "weight", "category"])?;
    let mut problems = Problems::from_table(&mut t);
    let mut out: Vec<ToneTerm> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::default();
    let [term_c, weight_c, category_c] = t.columns(["term", "weight", "category"]);
    t.for_rows(&mut problems, |line, row| {
            let term_raw = t.get(row, term_c);
            if term_raw.is_empty() {
                return Err(t.err(line, "empty term"));
            }
            let words: Vec<&str> = term_raw.split_whitespace().collect();
            let mut anchor_prefix = false;
            let mut rest = Vec::new();
            let mut in_anchor = true;
            for (i, w) in words.iter().enumerate() {
                if *w == "..." {
                    if i == 0 || i == words.len() - 1 {
                        return Err(t.err(
                            line,
                            format!("'{term_raw}': '...' must stand between two words"),
                        ));
                    }
                    if words[i - 1] == "..." {
                        return Err(t.err(line, format!("'{term_raw}': two '...' in a row")));
                    }
                    in_anchor = false;
                    rest.push(Part::Gap);
                    continue;
                }
                let (stem, prefix) = match w.strip_suffix('*') {
                    Some(s) => (s, true),
                    None => (*w, false),
                };
                if stem.contains('*') {
                    return Err(t.err(line, format!("'{term_raw}': '*' may only end a word")));
                }
                if prefix && stem.chars().filter(|c| c.is_alphanumeric()).count() < 3 {
                    return Err(t.err(
                        line,
                        format!(
                            "'{term_raw}': the stem '{stem}*' is too short (3 letters at least)"
                        ),
                    ));
                }
                if !stem.chars().any(is_word_char) {
                    return Err(t.err(line, format!("'{term_raw}': '{w}' has no letters")));
                }
                if in_anchor {
                    if prefix {
                        anchor_prefix = true;
                        in_anchor = false;
                    }
                } else {
                    // A folded word may contain spaces (hyphenated words):
                    // each piece must match a token.
                    let folded = fold(stem);
                    let pieces: Vec<&str> = folded.split_whitespace().collect();
                    for (k, p) in pieces.iter().enumerate() {
                        rest.push(Part::Word {
                            text: p.to_string(),
                            prefix: prefix && k == pieces.len() - 1,
                        });
                    }
                }
            }
            let w_s = t.get(row, weight_c);
            let weight: f64 = w_s
                .parse()
                .map_err(|_| t.err(line, format!("weight '{w_s}' is not a number (use -4 … 4)")))?;
            if !(-4.0..=4.0).contains(&weight) || weight == 0.0 || !weight.is_finite() {
                return Err(t.err(
                    line,
                    format!("weight {w_s} must be between -4 and 4 and not 0"),
                ));
            }
            let category = t.get(row, category_c).to_ascii_lowercase();
            if category.is_empty() {
                return Err(t.err(line, format!("'{term_raw}' has no category")));
            }
            if CONCILIATORY_CATEGORIES.contains(&category.as_str()) && weight < 0.0 {
                return Err(t.err(
                line,
                format!("'{term_raw}': category {category} is conciliatory but the weight {w_s} is negative"),
            ));
            }
            if HOSTILE_CATEGORIES.contains(&category.as_str()) && weight > 0.0 {
                return Err(t.err(
                line,
                format!(
                    "'{term_raw}': category {category} is hostile but the weight {w_s} is positive"
                ),
            ));
            }
            t.first_row(&mut seen, line, "term", term_raw)?;
            out.push(ToneTerm {
                term: term_raw.to_string(),
                weight,
                category,
                line,
                anchor_prefix,
                rest,
            });
            Ok(())
    });
    problems.into_result_by_line()?;
    Ok(out)
}

fn parse_modifiers(src: &str, file: &str) -> Result<Vec<Modifier>> {
    let mut t = CsvTable::parse(src, file, &["word", "kind", "factor"])?;
    let mut problems = Problems::from_table(&mut t);
    let mut out = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::default();
    let [word_c, kind_c, factor_c] = t.columns(["word", "kind", "factor"]);
    t.for_rows(&mut problems, |line, row| {
            let word = t.get(row, word_c);
            if word.is_empty() || !word.chars().any(is_word_char) {
                return Err(t.err(line, "empty word"));
            }
            if word.contains('*') {
                return Err(t.err(
                    line,
                    format!("'{word}': wildcards are not allowed in modifiers"),
                ));
            }
            let kind_s = t.get(row, kind_c);
            let kind = ModifierKind::parse(kind_s).ok_or_else(|| {
            t.err(
                line,
                format!(
                    "kind '{kind_s}' is not one of negator, damage, intensifier, dampener, contrast, concession, demand, call, speech, self, first_person"
                ),
            )
        })?;
            let f_s = t.get(row, factor_c);
            let factor: f64 = if f_s.is_empty()
                && matches!(
                    kind,
                    ModifierKind::Speech | ModifierKind::SelfRef | ModifierKind::FirstPerson
                ) {
                1.0
            } else {
                f_s.parse()
                    .map_err(|_| t.err(line, format!("factor '{f_s}' is not a number")))?
            };
            let ok = match kind {
                ModifierKind::Negator
                | ModifierKind::Damage
                | ModifierKind::Demand
                | ModifierKind::Call => (-1.0..0.0).contains(&factor),
                ModifierKind::Intensifier | ModifierKind::Contrast => factor > 1.0 && factor <= 3.0,
                ModifierKind::Dampener | ModifierKind::Concession => factor > 0.0 && factor < 1.0,
                ModifierKind::Speech | ModifierKind::SelfRef | ModifierKind::FirstPerson => {
                    factor.is_finite()
                }
            };
            if !ok {
                let want = match kind {
                    ModifierKind::Negator
                    | ModifierKind::Damage
                    | ModifierKind::Demand
                    | ModifierKind::Call => "from -1 up to (not including) 0",
                    ModifierKind::Intensifier | ModifierKind::Contrast => "above 1 and at most 3",
                    ModifierKind::Dampener | ModifierKind::Concession => "between 0 and 1",
                    ModifierKind::Speech | ModifierKind::SelfRef | ModifierKind::FirstPerson => {
                        "a number"
                    }
                };
                return Err(t.err(
                    line,
                    format!("factor {f_s} for a {} must be {want}", kind.as_str()),
                ));
            }
            t.first_row(&mut seen, line, "word", word)?;
            out.push(Modifier {
                word: word.to_string(),
                kind,
                factor,
            });
            Ok(())
    });
    problems.into_result_by_line()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::norm::tokens;

    const ACTORS: &str = "id,name,kind,parent,alias,case,valid_from,valid_to\n\
PRK,North Korea,state,,North Korea,,,\n\
PRK,North Korea,state,,Pyongyang,,,\n\
PRK,North Korea,state,,DPRK,,,\n\
KOR,South Korea,state,,South Korea,,,\n\
KOR,South Korea,state,,south Korea,,,\n\
KOR,South Korea,state,,Seoul,,,\n\
USA,United States,state,,US,,,\n\
USA,United States,state,,U.S.,,,\n\
USA,United States,state,,Washington,,,\n\
TUR,Turkey,state,,Turkey,,,\n\
PRK_KIM_JONG_UN,Kim Jong Un,person,PRK,Kim Jong Un,,,\n\
PRK_KIM_JONG_UN,Kim Jong Un,person,PRK,Kim,,,\n\
USA_TRUMP,Donald Trump,person,USA,Trump,,2017-01-20,2021-01-20\n\
PRK_KCNA,KCNA,media,PRK,KCNA,exact,,\n";
    const TONE: &str = "term,weight,category\n\
sanction*,-2.5,sanction\n\
lift* ... sanction*,3,yield\n\
improv* ... ties,2.5,cooperate\n\
condemn*,-2,disapprove\n\
thug,-3,insult\n\
peace talks,2.5,consult\n\
talks,1,consult\n";
    const MODS: &str =
        "word,kind,factor\nnot,negator,-0.8\nsharply,intensifier,1.4\nsaid,speech,1\n";

    fn lex() -> Lexicons {
        Lexicons::from_texts(&LexiconTexts::new(ACTORS, TONE, MODS, "Advertisement\n")).unwrap()
    }

    fn ids(l: &Lexicons, m: &Matches) -> Vec<String> {
        m.actors
            .iter()
            .map(|h| l.actors[h.actor].id.clone())
            .collect()
    }

    fn terms(l: &Lexicons, s: &str, m: &Matches) -> Vec<String> {
        m.tone
            .iter()
            .map(|h| format!("{}={}", l.tone[h.term].term, &s[h.span.clone()]))
            .collect()
    }

    #[test]
    fn actors_by_case_rule_and_possessive() {
        let l = lex();
        let s = "Let us see: the US and North Korea’s envoy met; TURKEY and turkey.";
        assert_eq!(ids(&l, &l.find(s, None)), ["USA", "PRK", "TUR"]);
        let s = "KCNA said south Korea and Seoul's ally; kcna.";
        assert_eq!(ids(&l, &l.find(s, None)), ["PRK_KCNA", "KOR", "KOR"]);
    }

    #[test]
    fn longest_alias_wins_and_shorter_valid_match_survives() {
        let l = lex();
        let s = "Kim Jongil met Kim Jong Un.";
        let m = l.find(s, None);
        let spans: Vec<&str> = m.actors.iter().map(|h| &s[h.span.clone()]).collect();
        assert_eq!(spans, ["Kim", "Kim Jong Un"]);
    }

    #[test]
    fn spreadsheet_padding_around_fields_is_ignored() {
        // The same lexicons with spaces and tabs around every field, in the
        // header too, and a row of blanks: what a spreadsheet may save.
        let pad = |csv: &str| -> String {
            csv.lines()
                .map(|line| {
                    let cells: Vec<String> = line.split(',').map(|c| format!(" {c}\t ")).collect();
                    cells.join(",") + "\n"
                })
                .collect::<String>()
                + "  ,,\t,,,,,\n"
        };
        let plain = lex();
        let actors = pad(ACTORS);
        let tone = pad(TONE).replace("  ,,\t,,,,,\n", " , ,\n");
        let mods = pad(MODS).replace("  ,,\t,,,,,\n", ",,\n");
        let padded =
            Lexicons::from_texts(&LexiconTexts::new(&actors, &tone, &mods, "Advertisement\n"))
                .unwrap();
        assert_eq!(padded.actors().len(), plain.actors().len());
        assert_eq!(padded.tone().len(), plain.tone().len());
        for s in [
            "Pyongyang sharply condemned Seoul.",
            "North Korea did not lift the sanctions on South Korea.",
            "Seoul said the peace talks would improve ties.",
        ] {
            let (a, b) = (plain.find(s, None), padded.find(s, None));
            assert_eq!(ids(&padded, &b), ids(&plain, &a), "{s}");
            let spans = |m: &Matches| m.tone.iter().map(|h| h.span.clone()).collect::<Vec<_>>();
            assert_eq!(spans(&b), spans(&a), "{s}");
            assert_eq!(b.modifiers.len(), a.modifiers.len(), "{s}");
        }
    }

    #[test]
    fn ignore_rows_claim_words_for_no_actor() {
        let a = format!(
            "{ACTORS}JOR,Jordan,state,,Jordan,,,\nNOT_ACTOR,not an actor,ignore,,Jordan River,,,\n"
        );
        let l = Lexicons::from_texts(&LexiconTexts::new(&a, TONE, MODS, "")).unwrap();
        assert!(ids(&l, &l.find("Pilgrims waded into the Jordan River.", None)).is_empty());
        assert_eq!(ids(&l, &l.find("Jordan condemned it.", None)), ["JOR"]);
    }

    #[test]
    fn dated_alias_only_inside_its_range() {
        let l = lex();
        let d = |s: &str| DocDate::parse(s);
        assert_eq!(
            ids(&l, &l.find("Trump spoke.", d("2019-05-01"))),
            ["USA_TRUMP"]
        );
        assert!(ids(&l, &l.find("Trump spoke.", d("2015-05-01"))).is_empty());
        assert!(ids(&l, &l.find("Trump spoke.", None)).is_empty());
    }

    #[test]
    fn phrases_beat_words_and_gaps_allow_inserted_words() {
        let l = lex();
        let s = "Washington lifted some of its sanctions and imposed new sanctions.";
        let m = l.find(s, None);
        assert_eq!(
            terms(&l, s, &m),
            [
                "lift* ... sanction*=lifted some of its sanctions",
                "sanction*=sanctions"
            ]
        );
        let s = "Kim promised to improve his nation's ties abroad.";
        assert_eq!(
            terms(&l, s, &l.find(s, None)),
            ["improv* ... ties=improve his nation's ties"]
        );
        let s = "Peace talks resumed; talks.";
        assert_eq!(
            terms(&l, s, &l.find(s, None)),
            ["peace talks=Peace talks", "talks=talks"]
        );
    }

    #[test]
    fn wildcard_extends_to_word_end_but_needs_left_boundary() {
        let l = lex();
        let s = "Seoul condemned it; recondemn is not a word.";
        let m = l.find(s, None);
        assert_eq!(terms(&l, s, &m), ["condemn*=condemned"]);
        assert_eq!(m.modifiers.len(), 1);
    }

    #[test]
    fn gap_counts_words_not_tokens() {
        let l = lex();
        let s = "The EU lifted its long-standing U.S. sanctions.";
        assert_eq!(
            terms(&l, s, &l.find(s, None)),
            ["lift* ... sanction*=lifted its long-standing U.S. sanctions"]
        );
        let s = "They lifted one two three four five sanctions.";
        assert_eq!(terms(&l, s, &l.find(s, None)), ["sanction*=sanctions"]);
    }

    /// `Words::gap_range` as first written: white space and clause breaks
    /// looked up separately, each gap twice.
    fn reference_gap_range(w: &Words<'_>, at: usize) -> Range<usize> {
        let prev_end = at.checked_sub(1).map_or(0, |p| w.toks[p].end);
        let mut skipped_words = 0;
        let breaks = |a: usize, b: usize| {
            w.text.as_bytes()[a..b]
                .iter()
                .any(|&c| matches!(c, b';' | b':' | b'(' | b')'))
        };
        let mut i = at;
        while i < w.toks.len() {
            if i > at && (i - 1 == at || !w.attached(i - 1)) {
                skipped_words += 1;
            }
            if skipped_words > MAX_GAP {
                break;
            }
            let from = if i == at { prev_end } else { w.toks[i - 1].end };
            if breaks(from, w.toks[i].start) {
                break;
            }
            i += 1;
        }
        at..i
    }

    #[test]
    fn gap_range_matches_the_reference() {
        let sentences = [
            "The EU lifted its long-standing U.S. sanctions.",
            "The EU’s envoy lifted its long‑standing U.S. sanctions.",
            "They lifted one two three four five sanctions; then (again) more.",
            "Kim\tlifted\u{0B}the ban: a-b-c-d-e-f sanctions, ok",
            "Erdoğan lifted  the  ban (in\u{A0}part) on Türkiye's 3.5% trade",
            "a.b.c.d.e.f.g h i j k l",
            "",
        ];
        for s in sentences {
            let norm = Normalized::new(s);
            let toks = tokens(norm.text());
            let w = Words {
                text: norm.text(),
                toks: &toks,
                norm: &norm,
                sentence: s,
            };
            for at in 0..=toks.len() {
                assert_eq!(
                    w.gap_range(at),
                    reference_gap_range(&w, at),
                    "{s:?} at {at}"
                );
            }
        }
    }

    #[test]
    fn boundaries_match_the_character_loops() {
        // `right_boundary` and `word_end` as first written, a character at
        // a time.
        let right = |t: &str, e: usize| {
            e >= t.len()
                || !t[e..].chars().next().is_some_and(is_word_char)
                || !t[..e].chars().next_back().is_some_and(is_word_char)
        };
        let end = |t: &str, mut e: usize| {
            for c in t[e..].chars() {
                if !is_word_char(c) {
                    break;
                }
                e += c.len_utf8();
            }
            e
        };
        for t in [
            "condemned it",
            "türkiye's ties",
            "a1é2 ş-b ’x",
            "",
            "ab",
            "é",
        ] {
            for e in (0..=t.len()).filter(|&e| t.is_char_boundary(e)) {
                assert_eq!(right_boundary(t, e), right(t, e), "{t:?} {e}");
                assert_eq!(word_end(t, e), end(t, e), "{t:?} {e}");
            }
        }
    }

    #[test]
    fn gap_does_not_swallow_opposite_tone() {
        let l = lex();
        let s = "Kim improved and condemned their ties.";
        assert_eq!(terms(&l, s, &l.find(s, None)), ["condemn*=condemned"]);
        let s = "Kim improved his nation's ties.";
        assert_eq!(
            terms(&l, s, &l.find(s, None)),
            ["improv* ... ties=improved his nation's ties"]
        );
        // A term that is part of the phrase's object is swallowed as meant,
        // right before its last word or with a word of the object between.
        let s = "Kim improved his condemned ties.";
        assert_eq!(
            terms(&l, s, &l.find(s, None)),
            ["improv* ... ties=improved his condemned ties"]
        );
        let s = "Kim improved condemned trade ties.";
        assert_eq!(
            terms(&l, s, &l.find(s, None)),
            ["improv* ... ties=improved condemned trade ties"]
        );
        // Not with a preposition or an article between: another phrase.
        let s = "Kim improved condemned and trade ties.";
        assert_eq!(terms(&l, s, &l.find(s, None)), ["condemn*=condemned"]);
    }

    #[test]
    fn gap_stops_at_clause_punctuation() {
        let l = lex();
        let s = "They lifted the ban; sanctions stay.";
        assert_eq!(terms(&l, s, &l.find(s, None)), ["sanction*=sanctions"]);
    }

    #[test]
    fn token_ranges_point_at_words() {
        let l = lex();
        let s = "Pyongyang sharply condemned Seoul.";
        let m = l.find(s, None);
        assert_eq!(m.actors[0].tok, 0..1);
        assert_eq!(m.modifiers[0].tok, 1..2);
        assert_eq!(m.tone[0].tok, 2..3);
        assert_eq!(m.actors[1].tok, 3..4);
    }

    fn err(actors: &str, tone: &str, mods: &str) -> String {
        Lexicons::from_texts(&LexiconTexts::new(actors, tone, mods, ""))
            .unwrap_err()
            .to_string()
    }

    /// Every bad row of every file is told at once, file by file in line
    /// order, rows that are not valid CSV among them; a single problem is
    /// told as itself.
    #[test]
    fn with_several_bad_rows_every_one_is_reported() {
        let h = "id,name,kind,parent,alias,case,valid_from,valid_to\n";
        let bad_actors = format!(
            "{h}PRK,North Korea,country,,DPRK,,,\nPRK,North Korea,state,,Pyongyang,,,\n\
             KOR,South Korea,state,XYZ,Seoul,,,\nJPN,Japan,state,,,,,\n"
        );
        let bad_tone = "term,weight,category\nthreat*,2,threaten\npeace,2,praise\n\
                        war,-3,fight,extra\ntalks,1x,consult\n";
        let bad_mods = "word,kind,factor\nvery,sometimes,1.5\n";
        let e = Lexicons::from_texts(&LexiconTexts::new(&bad_actors, bad_tone, bad_mods, ""))
            .unwrap_err();
        let Error::Lexicons(list) = &e else {
            panic!("not a list of problems: {e}");
        };
        let at: Vec<String> = list
            .iter()
            .map(|e| e.to_string().split(": ").next().unwrap_or("").to_string())
            .collect();
        assert_eq!(
            at,
            [
                "actors.csv:2",
                // Parents are resolved once every row is read, then told
                // in line order too.
                "actors.csv:4",
                "actors.csv:5",
                "tone.csv:2",
                "tone.csv:4",
                "tone.csv:5",
                "modifiers.csv:2"
            ]
        );
        let text = e.to_string();
        assert!(
            text.starts_with(
                "7 problems in the lexicons; fix them all, then check again with `stance lexicon check`:\n  actors.csv:2: kind 'country'"
            ),
            "{text}"
        );
        assert!(
            text.contains("\n  tone.csv:4: row has 4 fields but the header has 3"),
            "{text}"
        );
        // One problem alone is itself.
        let e = err(ACTORS, TONE, bad_mods);
        assert!(e.starts_with("modifiers.csv:2: kind 'sometimes'"), "{e}");
        // A long list is cut, saying how many more there are.
        let many: String = (0..60).map(|i| format!("term{i},9,praise\n")).collect();
        let e = err(ACTORS, &format!("term,weight,category\n{many}"), MODS);
        assert_eq!(
            e.lines().count(),
            1 + crate::error::PROBLEMS_LISTED + 1,
            "{e}"
        );
        assert!(
            e.starts_with("60 problems") && e.ends_with("\n  … and 10 more"),
            "{e}"
        );
    }

    #[test]
    fn a_generic_alias_next_to_another_actor_is_that_actors() {
        let a = "id,name,kind,parent,alias,case,valid_from,valid_to,place,generic\n\
PER,Peru,state,,Peru,,,,,\n\
PER,Peru,state,,Peruvian,,,,,\n\
USA,United States,state,,U.S.,,,,,\n\
USA_CONGRESS,U.S. Congress,organisation,USA,Congress,,,,,yes\n\
USA_CONGRESS,U.S. Congress,organisation,USA,Capitol Hill,,,,,\n";
        let l = Lexicons::from_texts(&LexiconTexts::new(a, TONE, MODS, "")).unwrap();
        let found = |s: &str| ids(&l, &l.find(s, None));
        assert_eq!(found("Peru's Congress met."), ["PER"]);
        assert_eq!(found("The Peruvian Congress met."), ["PER"]);
        assert_eq!(found("The Congress of Peru met."), ["PER"]);
        assert_eq!(found("The Congress of the Peruvian people met."), ["PER"]);
        assert_eq!(
            found("The Congress of the whole of Peru met."),
            ["USA_CONGRESS", "PER"]
        );
        assert_eq!(found("The U.S. Congress met."), ["USA", "USA_CONGRESS"]);
        assert_eq!(found("Congress met Peru."), ["USA_CONGRESS", "PER"]);
        assert_eq!(found("Congress and Peru met."), ["USA_CONGRESS", "PER"]);
        // Only aliases marked generic: Capitol Hill is the U.S. Congress's.
        assert_eq!(found("Peru's Capitol Hill met."), ["PER", "USA_CONGRESS"]);
        let bad = a.replace(",,yes\n", ",,maybe\n");
        let e = Lexicons::from_texts(&LexiconTexts::new(&bad, TONE, MODS, ""))
            .unwrap_err()
            .to_string();
        assert_eq!(e, "actors.csv:5: generic 'maybe' is not yes (or empty)");
    }

    #[test]
    fn a_context_alias_counts_only_near_its_context() {
        let a = "id,name,kind,parent,alias,case,valid_from,valid_to,place,generic,context\n\
PRK,North Korea,state,,North Korea,,,,,,\n\
PRK,North Korea,state,,the north,,,,,,PRK KOR\n\
KOR,South Korea,state,,Seoul,,,,,,\n\
KOR,South Korea,state,,the south,,,,,,PRK KOR\n\
KOR_MOU,Unification Ministry,organisation,KOR,Unification Ministry,,,,,,\n\
JPN,Japan,state,,Japan,,,,,,\n";
        let l = Lexicons::from_texts(&LexiconTexts::new(a, TONE, MODS, "")).unwrap();
        let near = |s: &str, speaker: Option<&str>, recent: &[&str]| {
            let speaker = speaker.and_then(|id| l.actor_index(id));
            let recent: Vec<usize> = recent.iter().filter_map(|id| l.actor_index(id)).collect();
            let mut m = Matches::default();
            l.find_near(s, None, speaker, &recent, &mut m);
            ids(&l, &m)
        };
        // Alone, or with each other only: no one.
        assert!(near("The North fired a missile.", None, &[]).is_empty());
        assert!(near("Talks between the north and the south resumed.", None, &[]).is_empty());
        assert!(near("The North fired a missile.", None, &["JPN"]).is_empty());
        // A Korea in the sentence, under a Korea, before it, or speaking.
        assert_eq!(
            near("Seoul said the North fired.", None, &[]),
            ["KOR", "PRK"]
        );
        assert_eq!(
            near("The Unification Ministry blamed the North.", None, &[]),
            ["KOR_MOU", "PRK"]
        );
        assert_eq!(near("The North fired a missile.", None, &["KOR"]), ["PRK"]);
        assert_eq!(
            near("Ties with the south froze.", Some("PRK"), &[]),
            ["KOR"]
        );
        // The start of a longer name or a compound: no one.
        for s in [
            "Seoul warned the North Atlantic allies.",
            "Seoul funds the South Phyongan hospital.",
            "Seoul backs the North-South dialogue.",
            "Seoul eyes the north-east Asian region.",
        ] {
            assert_eq!(near(s, None, &[]), ["KOR"], "{s}");
        }
        // A possessive or a comma is no longer name.
        assert_eq!(
            near("Seoul doubts the north's claim.", None, &[]),
            ["KOR", "PRK"]
        );
        // The column is optional; a context must name actors.
        let bad = a.replace(",PRK KOR\n", ",PRK KOREA\n");
        let e = err(&bad, TONE, MODS);
        assert_eq!(
            e,
            "actors.csv:3: context 'KOREA' of alias 'the north' is not an id in this file; write actor ids separated by spaces (PRK KOR)"
        );
    }

    #[test]
    fn an_alias_with_also_names_a_pair_and_an_elided_word_its_actor() {
        let a = "id,name,kind,parent,alias,case,valid_from,valid_to,place,generic,context,also\n\
PRK,North Korea,state,,North Korea,,,,,,,\n\
PRK,North Korea,state,,North Korean,,,,,,,\n\
PRK,North Korea,state,,two Koreas,,,,,,,KOR\n\
KOR,South Korea,state,,South Korea,,,,,,,\n\
KOR,South Korea,state,,South Korean,,,,,,,\n\
SDN,Sudan,state,,Sudan,,,,,,,\n\
SSD,South Sudan,state,,South Sudan,,,,,,,\n\
GEO,Georgia,state,,South Ossetia,,,,,,,\n\
IGNORE,no actor,ignore,,South America,,,,,,,\n";
        let l = Lexicons::from_texts(&LexiconTexts::new(a, TONE, MODS, "")).unwrap();
        let found = |s: &str| {
            let m = l.find(s, None);
            let spans: Vec<String> = m
                .actors
                .iter()
                .map(|h| s[h.span.clone()].to_string())
                .collect();
            let paired: Vec<bool> = m.actors.iter().map(|h| h.paired).collect();
            (ids(&l, &m), spans, paired)
        };
        // One mention per actor of the pair, the first paired to the second.
        let (ids_, spans, paired) = found("The two Koreas met.");
        assert_eq!(ids_, ["PRK", "KOR"]);
        assert_eq!(spans, ["two Koreas", "two Koreas"]);
        assert_eq!(paired, [true, false]);
        // "North" before "and South Korea" is North Korea.
        let (ids_, spans, _) = found("Talks between North and South Korea resumed.");
        assert_eq!(ids_, ["PRK", "KOR"]);
        assert_eq!(spans, ["North", "South Korea"]);
        assert_eq!(
            found("South and North Korean envoys met.").0,
            ["KOR", "PRK"]
        );
        // Not when the word is named already, makes no alias, or only a
        // phrase to ignore; nor across a comma or another word.
        assert_eq!(found("Sudan and South Sudan met.").0, ["SDN", "SSD"]);
        assert_eq!(found("East and South Korea met.").0, ["KOR"]);
        assert_eq!(
            found("North and South America met.").0,
            Vec::<String>::new()
        );
        assert_eq!(found("North, and South Korea met.").0, ["KOR"]);
        assert_eq!(found("North or South Korea met.").0, ["KOR"]);
        // The case rule holds for the made-up name.
        assert_eq!(found("north and South Korea met.").0, ["KOR"]);
        for (id, msg) in [
            (
                "KOREA",
                "also 'KOREA' of alias 'two Koreas' is not an id in this file; write one actor id (KOR)",
            ),
            (
                "PRK",
                "also 'PRK' is the row's own id; name a second actor or leave it empty",
            ),
            (
                "IGNORE",
                "also 'IGNORE' is a phrase to ignore, not an actor",
            ),
        ] {
            let text = a.replace(
                "two Koreas,,,,,,,KOR\n",
                &format!("two Koreas,,,,,,,{id}\n"),
            );
            assert_eq!(err(&text, TONE, MODS), format!("actors.csv:4: {msg}"));
        }
    }

    #[test]
    fn bad_rows_name_file_line_and_problem() {
        let h = "id,name,kind,parent,alias,case,valid_from,valid_to\n";
        let e = err(
            &format!("{h}PRK,North Korea,country,,DPRK,,,\n"),
            TONE,
            MODS,
        );
        assert_eq!(
            e,
            "actors.csv:2: kind 'country' is not one of state, person, organisation, media, group, ignore"
        );
        let e = err(
            &format!("{h}PRK,North Korea,state,,DPRK,,,\nX_Y,Y,person,ZZZ,Y,,,\n"),
            TONE,
            MODS,
        );
        assert!(e.starts_with("actors.csv:3: parent 'ZZZ'"), "{e}");
        let e = err(&format!("{h}PRK,North Korea,state,,,,,\n"), TONE, MODS);
        assert_eq!(e, "actors.csv:2: empty alias for PRK");
        let e = err(
            &format!("{h}PRK,North Korea,state,,DPRK,,2020-01-01,2019-01-01\n"),
            TONE,
            MODS,
        );
        assert!(
            e.contains("actors.csv:2: valid_from 2020-01-01 is after"),
            "{e}"
        );
        let e = err(
            &format!("{h}PRK,North Korea,state,,DPRK,,,\nPRK,North Korea,state,,DPRK,,,\n"),
            TONE,
            MODS,
        );
        assert!(e.contains("actors.csv:3: duplicate alias"), "{e}");
        let e = err(ACTORS, "term,weight,category\nthreat*,2,threaten\n", MODS);
        assert!(
            e.contains("tone.csv:2:") && e.contains("hostile but the weight 2"),
            "{e}"
        );
        let e = err(ACTORS, "term,weight,category\nx,-5,threaten\n", MODS);
        assert!(e.contains("tone.csv:2: weight -5 must be between"), "{e}");
        let e = err(ACTORS, "term,weight,category\n... ties,2,cooperate\n", MODS);
        assert!(e.contains("must stand between two words"), "{e}");
        let e = err(
            ACTORS,
            "term,weight,category\nwar,-3,fight\nWar,-3,fight\n",
            MODS,
        );
        assert!(e.contains("tone.csv:3: duplicate term"), "{e}");
        let e = err(ACTORS, TONE, "word,kind,factor\nnot,negator,0.8\n");
        assert!(
            e.contains("modifiers.csv:2: factor 0.8 for a negator"),
            "{e}"
        );
        let e = err(ACTORS, TONE, "word,kind,factor\nharmed,damage,2\n");
        assert!(
            e.contains("modifiers.csv:2: factor 2 for a damage must be from -1"),
            "{e}"
        );
        let e = err(ACTORS, TONE, "word,kind,factor\nharmed,harm,-0.8\n");
        assert!(e.contains("is not one of negator, damage,"), "{e}");
        let e = err(ACTORS, "term,weight\nx,1\n", MODS);
        assert!(
            e.contains("tone.csv:1: the header has no 'category' column"),
            "{e}"
        );
        let e = err(ACTORS, "term,weight,category\nx,1,consult,extra\n", MODS);
        assert!(
            e.contains("tone.csv:2: row has 4 fields but the header has 3"),
            "{e}"
        );
    }

    #[test]
    fn check_warns_about_shared_aliases() {
        let h = "id,name,kind,parent,alias,case,valid_from,valid_to\n";
        let a = format!("{h}GEO,Georgia,state,,Georgia,,,\nUSA,United States,state,,Georgia,,,\n");
        let l = Lexicons::from_texts(&LexiconTexts::new(&a, TONE, MODS, "")).unwrap();
        let r = l.check();
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
        assert!(r.warnings[0].contains("claimed by GEO and USA"));
        // A dated row and an undated one for the same words take turns.
        let a = format!(
            "{h}KOR,South Korea,state,,Kim Kwan-jin,,2010-12-04,2014-06-30\n\
             NAMESAKE,namesake,ignore,,Kim Kwan-jin,,,\n\
             USA,United States,state,,Bush,,2001-01-20,2009-01-20\n\
             GBR,United Kingdom,state,,Bush,,2005-01-01,2006-01-01\n"
        );
        let l = Lexicons::from_texts(&LexiconTexts::new(&a, TONE, MODS, "")).unwrap();
        let r = l.check();
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
        assert!(r.warnings[0].contains("claimed by USA and GBR"));
    }

    #[test]
    fn check_warns_when_a_modifier_hides_a_tone_term_but_not_a_verb_that_keeps_both() {
        let tone = "term,weight,category\ncondemn*,-2,disapprove\nstop,1,de_escalate\n\
                    undermined,-2,disapprove\ndemanded,-1.5,demand\n";
        let mods = "word,kind,factor\nstop,negator,-0.8\nundermined,damage,-0.8\n\
                    demanded,call,-0.6\n";
        let l = Lexicons::from_texts(&LexiconTexts::new(ACTORS, tone, mods, "")).unwrap();
        let r = l.check();
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
        assert!(
            r.warnings[0].contains("tone.csv:3: 'stop' is also a negator in modifiers.csv"),
            "{:?}",
            r.warnings
        );
    }

    #[test]
    fn roll_up_follows_parent_chain() {
        let l = lex();
        let kcna = l.actor_index("PRK_KCNA").unwrap();
        assert_eq!(l.actors[l.actors[kcna].root].id, "PRK");
    }
}
