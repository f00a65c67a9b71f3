//! A fast reimplementation of the sentence breaks that
//! [sentencex](https://crates.io/crates/sentencex) 0.1.33 finds in one line
//! of English (`English {}.segment(line)`), for [`super::split`].
//!
//! sentencex allocates and runs several regular expressions on every line;
//! this module finds the same breaks with byte scans, and only looks for
//! quotes and brackets when a line has a break inside it. It reproduces
//! sentencex's rules step by step (the function names follow sentencex's, so
//! the two can be read side by side): terminator runs (`.`, `!`, `?`, the
//! other Unicode terminators, spaced ellipses), what follows a terminator
//! (lower case, digits, a comma, an ellipsis before `I`), its abbreviation
//! list, name initials, trailing markers (`a.m.`, `Ph.D.`, `ft.`) with its
//! fronting words, sentence starters, numbered references (`[1]`), quotes
//! (paired as sentencex's quote expression pairs them, with its mispairing
//! checks), brackets, and stray closing quotes.
//!
//! Lines with what it does not reimplement are left to sentencex: list items
//! (`(a) … (b) …`, bullets), e-mail addresses, backticks and CJK brackets;
//! [`sentence_starts`] then returns [`Unsupported`]. Tests in `split.rs`
//! compare this module with sentencex on generated text.
//!
//! No word list or character table of sentencex's is copied here: they are
//! read from sentencex at run time, through its public API, the first time a
//! line is split (see "sentencex's data" below), so sentencex must stay a
//! dependency. Should sentencex answer in a way this module does not expect,
//! every line is left to sentencex.

use std::ops::{Deref, RangeInclusive};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicU64, Ordering};
use std::sync::{LazyLock, OnceLock};

use regex::Regex;
use sentencex::languages::{English, Language};
use wide::u8x16;

use crate::text::norm::{Block, for_each_marked, within};

/// The line holds something this module leaves to sentencex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unsupported;

type Res<T> = Result<T, Unsupported>;

/// Appends to `cuts` the sentence starts that sentencex finds in `line`
/// (excluding 0), in increasing order, each at a non-whitespace character:
/// the same values as splitting `English {}.segment(line)` and skipping the
/// leading whitespace of each segment but the first.
///
/// `line` must hold no `\n` (it is one line of text, trimmed), and `hits`
/// must be [`collect_hits`] of it. On [`Unsupported`] `cuts` is left as it
/// was, and so it is on every line when sentencex's data could not be read
/// (see [`data_is_usable`]).
pub(crate) fn sentence_starts(
    scan: Scan<'_>,
    buffers: &mut Buffers,
    cuts: &mut Vec<usize>,
) -> Res<()> {
    if !data_is_usable() {
        return Err(Unsupported);
    }
    let line = scan.text;
    let first = cuts.len();
    let result = Paragraph::new(scan, buffers).boundaries(cuts);
    if result.is_err() {
        cuts.truncate(first);
        return result;
    }
    boundaries_to_starts(line, cuts, first);
    Ok(())
}

/// Turns the sentence boundaries in `cuts[first..]` (increasing, the last
/// one the line's length) into segment starts past leading whitespace, as
/// `split::sentencex_cuts` derives them from sentencex's segments.
fn boundaries_to_starts(line: &str, cuts: &mut Vec<usize>, first: usize) {
    let n = cuts.len();
    let mut write = first;
    let mut last = 0;
    for i in first..n.saturating_sub(1) {
        let (b, next) = (cuts[i], cuts[i + 1]);
        let segment = &line[b..next];
        let cut = b + (segment.len() - trim_start(segment).len());
        if cut > last && cut < line.len() && line.is_char_boundary(cut) {
            cuts[write] = cut;
            write += 1;
            last = cut;
        }
    }
    cuts.truncate(write);
}

// ---------------------------------------------------------------------------
// sentencex's data.
//
// Everything below is read from sentencex 0.1.33 through its public API
// (English's `Language` methods), once, the first time a line is split:
// the word lists as they are, the terminators from its terminator
// expression, and the quote pairs, trailing markers and list bullets by
// asking it about probe strings. Where a probe needs candidates (characters
// that may be quotation marks, words that may trail a number), they are
// this module's own and sentencex decides which count and how. Tests below
// check the tables against sentencex more widely than the probes do.

/// sentencex's English.
static ENGLISH: English = English {};

/// A table read from sentencex, and whether sentencex answered as this
/// module expects (else the table is empty).
struct Read<T> {
    table: T,
    ok: bool,
}

impl<T: Default> Read<T> {
    fn new(read: impl FnOnce() -> Option<T>) -> Read<T> {
        match read() {
            Some(table) => Read { table, ok: true },
            None => Read {
                table: T::default(),
                ok: false,
            },
        }
    }
}

impl<T> Deref for Read<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.table
    }
}

/// sentencex's abbreviations (lower case), sentence starters and fronting
/// words (lower case).
static ABBREVIATIONS: LazyLock<WordSet> =
    LazyLock::new(|| WordSet::new(ENGLISH.get_abbreviations()));
static STARTERS: LazyLock<WordSet> =
    LazyLock::new(|| WordSet::new(ENGLISH.get_sentence_starters()));
static FRONTING: LazyLock<WordSet> = LazyLock::new(|| WordSet::new(ENGLISH.get_fronting_words()));
static TERMINATORS: LazyLock<Read<()>> = LazyLock::new(|| Read::new(read_terminators));
static QUOTES: LazyLock<Read<Quotes>> = LazyLock::new(|| Read::new(read_quotes));
static MARKERS: LazyLock<Read<Markers>> = LazyLock::new(|| Read::new(read_markers));

/// True when all of sentencex's data could be read (reading it on the first
/// call); else every line is left to sentencex. (The list bullets are read
/// one character at a time, when a line first asks about it: see
/// [`is_bullet`].)
fn data_is_usable() -> bool {
    // 0 until known, then 1 (usable) or 2. Whoever sees 1 sees the tables
    // read (the atomics they set start with safe values).
    static USABLE: AtomicU8 = AtomicU8::new(0);
    match USABLE.load(Ordering::Acquire) {
        0 => {
            let _ = (&*ABBREVIATIONS, &*STARTERS, &*FRONTING);
            let usable = TERMINATORS.ok && QUOTES.ok && MARKERS.ok;
            USABLE.store(if usable { 1 } else { 2 }, Ordering::Release);
            usable
        }
        state => state == 1,
    }
}

/// sentencex's sentence terminators beyond ASCII, sorted, once read (the
/// ASCII ones are `!`, `.` and `?`, as in sentencex's
/// `is_sentence_terminator`).
static TERMINATORS_BEYOND_ASCII: OnceLock<&'static [char]> = OnceLock::new();

/// The lowest lead byte of a terminator beyond ASCII or `…`, once
/// the terminators are read (until then, the lowest lead byte).
static MIN_TERMINATOR_LEAD: AtomicU8 = AtomicU8::new(0xC0);

/// The first terminator beyond ASCII, once the terminators are read (until
/// then, U+0080).
static FIRST_TERMINATOR: AtomicU32 = AtomicU32::new(0x80);

/// Reads sentencex's sentence terminators from its terminator expression
/// (`get_sentence_break_regex`), which must be
/// `\.(?:[ \t]+\.){2,}|[!?…](?:[ \t]+[!?…])+|[T]+` (as this module
/// reimplements it), where `T` lists the terminators.
fn read_terminators() -> Option<()> {
    let pattern = ENGLISH.get_sentence_break_regex().as_str();
    let terminators = pattern
        .strip_prefix(r"\.(?:[ \t]+\.){2,}|[!?…](?:[ \t]+[!?…])+|[")?
        .strip_suffix("]+")?;
    // A class of plain characters (no escapes, ranges, negation or set
    // operations).
    if terminators.is_empty() || terminators.contains(['\\', '[', ']', '^', '-', '&', '~']) {
        return None;
    }
    let mut ascii: Vec<char> = terminators.chars().filter(char::is_ascii).collect();
    ascii.sort_unstable();
    ascii.dedup();
    if ascii != ['!', '.', '?'] {
        return None;
    }
    let mut beyond_ascii: Vec<char> = terminators.chars().filter(|c| !c.is_ascii()).collect();
    beyond_ascii.sort_unstable();
    beyond_ascii.dedup();
    // Read once per process.
    let beyond_ascii: &'static [char] =
        TERMINATORS_BEYOND_ASCII.get_or_init(|| Box::leak(beyond_ascii.into_boxed_slice()));
    let min_lead = beyond_ascii
        .iter()
        .chain(&['\u{2026}'])
        .map(|c| c.encode_utf8(&mut [0; 4]).as_bytes()[0])
        .min()?;
    MIN_TERMINATOR_LEAD.store(min_lead, Ordering::Relaxed);
    if let Some(&first) = beyond_ascii.first() {
        FIRST_TERMINATOR.store(u32::from(first), Ordering::Relaxed);
    }
    Some(())
}

/// A set of bytes.
#[derive(Debug, Clone, Copy)]
struct ByteSet([bool; 256]);

impl Default for ByteSet {
    fn default() -> ByteSet {
        ByteSet([false; 256])
    }
}

impl ByteSet {
    fn insert(&mut self, b: u8) {
        self.0[usize::from(b)] = true;
    }

    fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b)]
    }
}

/// One of sentencex's quote pairs (its `QuotePair`); ambiguous pairs are
/// guarded by word boundaries in its quote expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pair {
    open: &'static str,
    close: &'static str,
    ambiguous: bool,
    /// The opener is the closer.
    symmetric: bool,
}

impl Pair {
    fn new(open: &'static str, close: &'static str, ambiguous: bool) -> Pair {
        Pair {
            open,
            close,
            ambiguous,
            symmetric: open == close,
        }
    }

    fn is_symmetric(&self) -> bool {
        self.symmetric
    }
}

/// sentencex's quote pairs ([`read_quotes`]).
#[derive(Debug, Default)]
struct Quotes {
    /// The pairs in the order sentencex tries them (an opener before the
    /// shorter openers it starts with).
    pairs: Vec<Pair>,
    /// For each byte, the pairs (indices into `pairs`, in order) whose
    /// opener starts with it.
    by_first_byte: Vec<Vec<u8>>,
    /// The openers of sentencex's quick scan (`CLEAN_QUOTE_OPENERS`): single
    /// characters whose pair holds no `'` or backtick, with their pair.
    plain: Vec<(char, u8)>,
    /// The closers, longest first (`QUOTE_CLOSERS_BY_LEN`).
    closers: Vec<&'static str>,
    /// The closers of the pairs whose opener is the same token, longest
    /// first.
    symmetric: Vec<&'static str>,
    /// The first bytes of the openers, and of the closers.
    opener_bytes: ByteSet,
    closer_bytes: ByteSet,
}

impl Quotes {
    /// The pairs whose opener starts with `b`, in order.
    fn starting_with(&self, b: u8) -> &[u8] {
        self.by_first_byte
            .get(usize::from(b))
            .map_or(&[], Vec::as_slice)
    }

    /// The pair sentencex's quick scan opens at `c`.
    fn plain_opener(&self, c: char) -> Option<u8> {
        self.plain.iter().find(|p| p.0 == c).map(|p| p.1)
    }

    /// The ambiguous pairs whose opener is their closer, with that token.
    fn ambiguous_symmetric(&self) -> impl Iterator<Item = (u8, &'static str)> + '_ {
        (0u8..)
            .zip(&self.pairs)
            .filter(|(_, p)| p.ambiguous && p.is_symmetric())
            .map(|(i, p)| (i, p.close))
    }
}

/// Characters that may be quotation marks, the candidates [`read_quotes`]
/// asks sentencex about: those the Unicode standard gives the
/// Quotation_Mark property (the quotation mark and apostrophe, the
/// guillemets, the single and double quotation marks of the General
/// Punctuation block, the CJK corner brackets and their vertical and
/// halfwidth forms, the double prime quotation marks, the fullwidth
/// quotation mark and apostrophe), and the other CJK brackets that East
/// Asian text quotes with (the angle, double angle, lenticular, tortoise
/// shell and square brackets of U+3008–U+3011 and U+3014–U+301B). The
/// grave accent is left out: lines with one go to sentencex.
const QUOTATION_MARKS: &[RangeInclusive<char>] = &[
    '"'..='"',
    '\''..='\'',
    '\u{AB}'..='\u{AB}',
    '\u{BB}'..='\u{BB}',
    '\u{2018}'..='\u{201F}',
    '\u{2039}'..='\u{203A}',
    '\u{2E42}'..='\u{2E42}',
    '\u{3008}'..='\u{3011}',
    '\u{3014}'..='\u{301F}',
    '\u{FE41}'..='\u{FE44}',
    '\u{FF02}'..='\u{FF02}',
    '\u{FF07}'..='\u{FF07}',
    '\u{FF62}'..='\u{FF63}',
];

/// sentencex's quote pairs, learnt by asking it (`get_skippable_ranges`)
/// for the quote range that opens at the start of `{opener}a{closers} x`,
/// for each candidate opener: each of [`QUOTATION_MARKS`], and the ASCII
/// ones doubled. `{closers}` holds every candidate once and the ASCII ones
/// doubled, so whatever closer an opener waits for follows it; the range
/// carries sentencex's pair.
fn read_quotes() -> Option<Quotes> {
    let marks: Vec<char> = QUOTATION_MARKS.iter().flat_map(Clone::clone).collect();
    let doubled: Vec<String> = marks
        .iter()
        .filter(|c| c.is_ascii())
        .map(|&c| [c, c].iter().collect())
        .collect();
    let closers_text: String = marks
        .iter()
        .map(char::to_string)
        .chain(doubled.iter().cloned())
        .collect();
    let mut pairs: Vec<Pair> = Vec::new();
    // The probe texts, with the pair sentencex gave each.
    let mut probes: Vec<(String, Pair)> = Vec::new();
    let mut ranges = Vec::new();
    for opener in marks.iter().map(char::to_string).chain(doubled) {
        let text = format!("{opener}a{closers_text} x");
        ENGLISH.get_skippable_ranges(&text, &mut ranges);
        let Some(found) = ranges
            .iter()
            .find(|r| r.start == 0 && r.is_quote())
            .and_then(|r| r.quote_pair)
        else {
            continue;
        };
        let pair = Pair::new(found.open, found.close, found.ambiguous);
        if !pairs.contains(&pair) {
            pairs.push(pair);
        }
        probes.push((text, pair));
    }
    // sentencex tries an opener before the shorter ones it starts with (it
    // must, or the longer would never be found); checked below.
    pairs.sort_by_key(|p| std::cmp::Reverse(p.open.len()));
    u8::try_from(pairs.len()).ok()?;
    for p in &pairs {
        let (&open, &close) = (p.open.as_bytes().first()?, p.close.as_bytes().first()?);
        // Openers are found among the quote hits, closers among all hits;
        // an ambiguous pair is a single ASCII character ([`guarded_match`]).
        if class(open) & QUOTE == 0
            || !is_hit(close)
            || (p.ambiguous && !(p.is_symmetric() && p.open.len() == 1 && open.is_ascii()))
        {
            return None;
        }
    }

    let mut quotes = Quotes {
        by_first_byte: vec![Vec::new(); 256],
        ..Quotes::default()
    };
    for (i, p) in (0u8..).zip(&pairs) {
        let first = p.open.as_bytes()[0];
        quotes.by_first_byte[usize::from(first)].push(i);
        quotes.opener_bytes.insert(first);
        quotes.closer_bytes.insert(p.close.as_bytes()[0]);
        let plain = |s: &str| !s.contains(['\'', '`']);
        let mut chars = p.open.chars();
        if let (Some(c), None) = (chars.next(), chars.next())
            && plain(p.open)
            && plain(p.close)
            && quotes.plain_opener(c).is_none()
        {
            quotes.plain.push((c, i));
        }
        if !quotes.closers.contains(&p.close) {
            quotes.closers.push(p.close);
        }
        if p.is_symmetric() && !quotes.symmetric.contains(&p.close) {
            quotes.symmetric.push(p.close);
        }
    }
    quotes.closers.sort_by_key(|c| std::cmp::Reverse(c.len()));
    quotes.symmetric.sort_by_key(|c| std::cmp::Reverse(c.len()));
    quotes.pairs = pairs;

    // Each probe gets sentencex's pair from [`identify_pair`]'s search.
    for (text, pair) in &probes {
        let found = quotes
            .starting_with(text.as_bytes()[0])
            .iter()
            .map(|&i| quotes.pairs[usize::from(i)])
            .find(|p| text.starts_with(p.open));
        if found != Some(*pair) {
            return None;
        }
    }
    // `peel_leading_symmetric_quote` takes off a whole closer (`''`), not a
    // shorter one it starts with (`'`): then `{closer},` continues.
    if !quotes
        .symmetric
        .iter()
        .all(|s| ENGLISH.continue_in_next_word(&format!("{s},")))
    {
        return None;
    }
    Some(quotes)
}

/// Words that may trail a number or a name in English: the candidates
/// [`read_markers`] asks sentencex about, each also without its full stops
/// and with a space after each.
const MARKER_CANDIDATES: &[&[&str]] = &[
    // Times of day and eras.
    &["a.m", "p.m", "A.D", "B.C", "B.C.E", "C.E", "A.H", "B.P"],
    // Units.
    &[
        "in", "ft", "yd", "mi", "mph", "km", "kph", "cm", "mm", "kg", "mg", "ml", "oz", "lb",
        "lbs", "gal", "qt", "pt", "fl", "sq", "cu", "tsp", "tbsp", "hr", "hrs", "min", "sec", "yr",
        "yrs", "mo", "wk", "deg", "ac", "ha", "bbl", "psi", "rpm",
    ],
    // Degrees, and what else follows a name.
    &[
        "B.A", "B.S", "B.Sc", "B.Com", "B.Ed", "B.Eng", "B.Arch", "B.F.A", "M.A", "M.S", "M.Sc",
        "M.Com", "M.Ed", "M.Eng", "M.B.A", "M.F.A", "M.P.H", "M.Phil", "D.Phil", "Ph.D", "Ed.D",
        "Psy.D", "M.D", "D.O", "D.D.S", "D.M.D", "D.V.M", "J.D", "LL.B", "LL.M", "LL.D", "R.N",
        "C.P.A", "Esq", "Jr", "Sr",
    ],
    // Compass points.
    &[
        "N", "S", "E", "W", "N.E", "N.W", "S.E", "S.W", "N.N.E", "E.N.E", "E.S.E", "S.S.E",
        "S.S.W", "W.S.W", "W.N.W", "N.N.W",
    ],
];

/// The spellings of [`MARKER_CANDIDATES`] to try: as written, without full
/// stops, with a space after each full stop, and what follows each space.
fn marker_spellings() -> Vec<String> {
    let mut out = Vec::new();
    for candidate in MARKER_CANDIDATES.iter().copied().flatten() {
        let spaced = candidate.replace('.', ". ");
        out.extend(
            spaced
                .match_indices(' ')
                .map(|(i, _)| spaced[i + 1..].to_string()),
        );
        out.push(candidate.to_string());
        out.push(candidate.replace('.', ""));
        out.push(spaced);
    }
    out
}

/// `word` with each combination of upper- and lower-case letters (all of
/// them for up to six letters; else as it is, lower and upper case).
fn case_variants(word: &str) -> (Vec<String>, bool) {
    let letters = word.bytes().filter(u8::is_ascii_alphabetic).count();
    if letters > 6 {
        let mut v = vec![
            word.to_string(),
            word.to_ascii_lowercase(),
            word.to_ascii_uppercase(),
        ];
        v.dedup();
        return (v, false);
    }
    let variants = (0..1u32 << letters)
        .map(|mask| {
            let mut k = 0;
            word.chars()
                .map(|c| {
                    if !c.is_ascii_alphabetic() {
                        return c;
                    }
                    k += 1;
                    if mask >> (k - 1) & 1 == 1 {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect()
        })
        .collect();
    (variants, true)
}

/// sentencex's trailing markers (its `MarkerTable` is not public), learnt
/// by asking `period_suppresses_boundary` about heads ending in each
/// spelling of each candidate ([`marker_spellings`]), in every case: with
/// no word before the full stop, only a trailing marker can suppress the
/// break before `x`. Then `zq {marker}` tells whether it needs a digit
/// before it, `5 {marker}` before `7` whether a digit after it breaks, and
/// before `Qz` whether an upper-case word does.
fn read_markers() -> Option<Markers> {
    const WORD: &str = "zq";
    const CAPITALISED: &str = "Qz";
    // The probes test the marker only if sentencex knows none of these.
    if FRONTING.contains_lowercase(WORD)
        || ABBREVIATIONS.contains_lowercase(WORD)
        || [CAPITALISED, "x", "7"].iter().any(|w| STARTERS.contains(w))
    {
        return None;
    }
    // Whether sentencex suppresses the break after the head made of
    // `parts`, before `next`. The heads are built in one buffer: there are
    // thousands of probes.
    let mut head = String::new();
    let mut suppresses = |parts: &[&str], next: &str| {
        head.clear();
        parts.iter().for_each(|part| head.push_str(part));
        ENGLISH.period_suppresses_boundary(&head, "", next)
    };
    let mut seen = std::collections::HashSet::new();
    let mut list = Vec::new();
    for spelling in marker_spellings() {
        let lower = spelling.to_ascii_lowercase();
        if !seen.insert(lower.clone()) {
            continue;
        }
        let (variants, every_case) = case_variants(&lower);
        let mut found = Vec::new();
        for v in &variants {
            if !suppresses(&["5 ", v], "x") {
                continue;
            }
            let digit_only = !suppresses(&[WORD, " ", v], "x");
            let before = if digit_only { "5 " } else { "" };
            found.push(Marker {
                suffix: v.clone(),
                ignore_case: false,
                digit_only,
                digit_breaks: !suppresses(&["5 ", v], "7"),
                uppercase_breaks: !suppresses(&[WORD, " ", before, v], CAPITALISED),
            });
        }
        let same_flags = |a: &Marker, b: &Marker| {
            (a.digit_only, a.digit_breaks, a.uppercase_breaks)
                == (b.digit_only, b.digit_breaks, b.uppercase_breaks)
        };
        match found.first() {
            Some(first)
                if every_case
                    && found.len() == variants.len()
                    && found.iter().all(|m| same_flags(m, first)) =>
            {
                list.push(Marker {
                    suffix: lower,
                    ignore_case: true,
                    ..first.clone()
                });
            }
            _ => list.extend(found),
        }
    }
    // The order of sentencex's markers is not known: no head may match two
    // (one the end of the other after a space or a digit).
    for m in &list {
        let suffix = m.suffix.as_bytes();
        if !m.suffix.is_ascii() {
            return None;
        }
        for i in 1..suffix.len() {
            if (suffix[i - 1].is_ascii_whitespace() || suffix[i - 1].is_ascii_digit())
                && list
                    .iter()
                    .any(|o| o.suffix.eq_ignore_ascii_case(&m.suffix[i..]))
            {
                return None;
            }
        }
    }
    Some(Markers::new(list))
}

/// sentencex's list bullets, as bits over U+2000–U+2FFF (the characters
/// whose UTF-8 starts with `0xE2`, the only ones sentencex takes for
/// bullets), learnt one character at a time, the first time a line asks
/// about it ([`probe_bullet`]): text holds few distinct characters of that
/// range, and asking sentencex about all 4096 of them at once (as
/// `read_bullets` in the tests does) costs as much as splitting a
/// megabyte of text. `known` marks the characters asked about, `bullet`
/// those of them that are bullets.
struct Bullets {
    known: [AtomicU64; 64],
    bullet: [AtomicU64; 64],
}

static BULLETS: Bullets = Bullets {
    known: [const { AtomicU64::new(0) }; 64],
    bullet: [const { AtomicU64::new(0) }; 64],
};

/// Set (for good) when sentencex answered a [`probe_bullet`] in a way this
/// module does not expect: the line that asked, and every line after it,
/// is then left to sentencex ([`has_list_items`]).
static BULLET_PROBE_FAILED: AtomicBool = AtomicBool::new(false);

/// True when `c` is one of sentencex's list bullets (asking sentencex the
/// first time `c` comes up).
fn is_bullet(c: char) -> bool {
    let k = (c as u32).wrapping_sub(0x2000) as usize;
    if k >= 0x1000 {
        return false;
    }
    let (word, bit) = (k / 64, 1u64 << (k % 64));
    // Whoever sees the `known` bit sees the `bullet` bit set before it.
    if BULLETS.known[word].load(Ordering::Acquire) & bit == 0 {
        match probe_bullet(c) {
            Some(true) => {
                BULLETS.bullet[word].fetch_or(bit, Ordering::Relaxed);
            }
            Some(false) => {}
            None => {
                BULLET_PROBE_FAILED.store(true, Ordering::Relaxed);
                return false;
            }
        }
        BULLETS.known[word].fetch_or(bit, Ordering::Release);
    }
    BULLETS.bullet[word].load(Ordering::Relaxed) & bit != 0
}

/// Whether sentencex takes `c` for a list bullet, learnt by segmenting
/// `ab\n{c} Q\n`: sentencex starts a sentence at a line that starts with a
/// bullet, and at no other line start. `None` if sentencex answers with
/// something that is not a piece of the text. A test checks the answers
/// against `read_bullets` (in the tests), which asks about every character
/// at once.
fn probe_bullet(c: char) -> Option<bool> {
    const LINE_START: usize = 3;
    let mut buf = [0u8; 4];
    let text = ["ab\n", c.encode_utf8(&mut buf), " Q\n"].concat();
    let base = text.as_ptr().addr();
    let mut bullet = false;
    for segment in ENGLISH.segment(&text) {
        let offset = segment.as_ptr().addr().checked_sub(base)?;
        bullet |= offset == LINE_START;
    }
    Some(bullet)
}

// ---------------------------------------------------------------------------
// The byte index.

/// A superset of the bytes the splitter looks for: line ends, terminators,
/// quotes, brackets, `@`, backticks and the lead bytes of characters beyond
/// ASCII (`b >= 0xC0`). It also lets through the other control characters,
/// `#`, `$`, `%`, `&`, `;`, `=`, `\`, `^`, `_`, `|`, `~` and DEL, which every
/// reader of the hits skips: that makes it cheap to test sixteen bytes at a
/// time, in a few vector operations, in [`collect_hits`]. Three tests:
/// the bytes up to `)` but the space (control characters, `!`, `"`, `#`,
/// `$`, `%`, `&`, `'`, `(`, `)`); the ASCII bytes whose value modulo 32 is 0
/// or 27 to 31, but the space (`;`, `<`, `=`, `>`, `?`, `@`, `[`, `\`, `]`,
/// `^`, `_`, `` ` ``, `{`, `|`, `}`, `~`, DEL); and `.` and the lead bytes.
/// A test checks it against the list of the bytes looked for.
#[inline(always)]
fn is_hit(b: u8) -> bool {
    let low = (b <= b')') & (b != b' ');
    let marks = (b.wrapping_add(5) & 0x1F <= 5) & (b < 0x80) & (b != b' ');
    low | marks | (b == b'.') | (b >= 0xC0)
}

/// Stores in `out` the positions of the bytes of `text` that pass
/// [`is_hit`], in increasing order. Texts longer than `u32::MAX` bytes get
/// no hits (the caller must not use this module for them).
pub(crate) fn collect_hits(text: &str, out: &mut Vec<u32>) {
    out.clear();
    let b = text.as_bytes();
    if u32::try_from(b.len()).is_err() {
        return;
    }
    // (Zero bytes are hits: `for_each_marked` keeps the padded tail's
    // bytes out.)
    for_each_marked(b, hit_mask, |at| out.push(at as u32));
}

/// [`is_hit`] for each byte of a block.
#[inline(always)]
fn hit_mask(v: &Block) -> u64 {
    v.mask(|x| {
        let splat = u8x16::splat;
        let space = x.cmp_eq(splat(b' '));
        let low = within(x, 0, b')');
        let y = (x + splat(5)) & splat(0x1F);
        let marks = within(y, 0, 5) & within(x, 0, 0x7F);
        let dot = x.cmp_eq(splat(b'.'));
        let lead = within(x, 0xC0, 0xFF);
        ((low | marks) & !space) | dot | lead
    })
}

/// A line with its [`collect_hits`] (positions in the text the line was cut
/// from, which starts `base` bytes before the line).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scan<'a> {
    text: &'a str,
    hits: &'a [u32],
    base: usize,
    /// The [`class`]es of the hit bytes, or-ed.
    classes: u8,
}

/// Classes of hit bytes, for quick tests of what a line holds.
const TERMINATOR: u8 = 1;
const BEYOND_ASCII: u8 = 2;
const CLOSE_PAREN: u8 = 4;
const AT: u8 = 8;
const APOSTROPHE_OR_BACKTICK: u8 = 16;
const QUOTE: u8 = 32;
const BACKTICK: u8 = 64;

/// The class of a hit byte.
fn class(b: u8) -> u8 {
    match b {
        b'.' | b'!' | b'?' => TERMINATOR,
        b')' => CLOSE_PAREN,
        b'@' => AT,
        b'\'' => APOSTROPHE_OR_BACKTICK | QUOTE,
        b'`' => APOSTROPHE_OR_BACKTICK | QUOTE | BACKTICK,
        b'"' => QUOTE,
        0xC0.. => BEYOND_ASCII | QUOTE,
        _ => 0,
    }
}

impl<'a> Scan<'a> {
    /// `line`, starting at byte `base` of the text `hits` were collected
    /// from; `hits` must hold the line's hits, and may hold hits just
    /// before or after it (in its surrounding whitespace).
    pub(crate) fn new(line: &'a str, mut hits: &'a [u32], base: usize) -> Scan<'a> {
        while let [first, rest @ ..] = hits
            && (*first as usize) < base
        {
            hits = rest;
        }
        while let [rest @ .., last] = hits
            && (*last as usize) >= base + line.len()
        {
            hits = rest;
        }
        let bytes = line.as_bytes();
        let classes = hits
            .iter()
            .fold(0, |c, &h| c | class(bytes[h as usize - base]));
        Scan {
            text: line,
            hits,
            base,
            classes,
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The hits, as positions in the line.
    pub(crate) fn all(&self) -> impl Iterator<Item = usize> + 'a {
        let base = self.base;
        self.hits.iter().map(move |&h| h as usize - base)
    }

    /// True when the line has a terminator or a character beyond ASCII:
    /// else sentencex finds no break in it.
    pub(crate) fn may_have_breaks(&self) -> bool {
        self.classes & (TERMINATOR | BEYOND_ASCII) != 0
    }

    /// True when some hit has one of the `classes`.
    fn has(&self, classes: u8) -> bool {
        self.classes & classes != 0
    }

    /// The hits at or after `from`.
    fn hits_from(&self, from: usize) -> impl Iterator<Item = usize> + 'a {
        let base = self.base;
        let i = self.hits.partition_point(|&h| (h as usize) < base + from);
        self.hits[i..].iter().map(move |&h| h as usize - base)
    }

    /// The first occurrence of `token` at or after `from`, like
    /// `text[from..].find(token)` (the first byte of `token` must pass
    /// [`is_hit`]).
    fn find(&self, from: usize, token: &str) -> Option<usize> {
        let bytes = self.bytes();
        self.hits_from(from)
            .find(|&h| has_prefix(&bytes[h..], token.as_bytes()))
    }

    /// The non-overlapping occurrences of `token` at or after `from`, like
    /// `text[from..].match_indices(token)`.
    fn match_indices(&self, from: usize, token: &'a str) -> impl Iterator<Item = usize> + 'a {
        let bytes = self.bytes();
        let mut next_allowed = from;
        self.hits_from(from).filter(move |&h| {
            let found = h >= next_allowed && has_prefix(&bytes[h..], token.as_bytes());
            if found {
                next_allowed = h + token.len();
            }
            found
        })
    }

    /// True when some hit is one of `set`.
    fn any_byte(&self, set: impl Fn(u8) -> bool) -> bool {
        let bytes = self.bytes();
        self.all().any(|h| set(bytes[h]))
    }

    /// `text[..end]` with its hits.
    fn prefix(&self, end: usize) -> Scan<'a> {
        let i = self
            .hits
            .partition_point(|&h| (h as usize) < self.base + end);
        let hits = &self.hits[..i];
        let bytes = self.bytes();
        let classes = hits
            .iter()
            .fold(0, |c, &h| c | class(bytes[h as usize - self.base]));
        Scan {
            text: &self.text[..end],
            hits,
            base: self.base,
            classes,
        }
    }
}

// ---------------------------------------------------------------------------
// Characters and words.

/// sentencex's `is_sentence_terminator`: `!`, `.`, `?` and its terminators
/// beyond ASCII ([`read_terminators`]).
#[inline]
fn is_terminator(c: char) -> bool {
    if c.is_ascii() {
        return matches!(c, '!' | '.' | '?');
    }
    u32::from(c) >= FIRST_TERMINATOR.load(Ordering::Relaxed)
        && TERMINATORS_BEYOND_ASCII
            .get()
            .is_some_and(|t| t.binary_search(&c).is_ok())
}

/// The members of the spaced `[!?…]` runs of sentencex's terminator
/// expression ([`read_terminators`] checks them).
fn is_emphatic(c: char) -> bool {
    matches!(c, '!' | '?' | '\u{2026}')
}

/// The regex crate's Unicode `\w`, for the characters beyond ASCII (rare
/// next to the quotes and terminators where it is asked).
static WORD_CHAR: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"^\w").ok());

/// The regex crate's `\w` on U+0080–U+00FF and on U+2000–U+207F, as bits
/// (two `u64`s per block of 128 characters): the Latin-1 letters (`ª`,
/// `µ`, `º`, `À`–`ÿ` but `×` and `÷`), and in General Punctuation and
/// superscripts only the joiners U+200C and U+200D, the connectors `‿`,
/// `⁀` and `⁔`, and the letters `ⁱ` and `ⁿ`. These blocks hold what English
/// news has beyond ASCII (curly quotes, dashes, ellipses, no-break and
/// other spaces, accented letters); answering from the bits spares
/// compiling [`WORD_CHAR`], which costs as much as splitting a megabyte of
/// text. A test checks every bit against the regex.
const WORD_BITS_LATIN1: [u64; 2] = [0x0420_0400_0000_0000, 0xff7f_ffff_ff7f_ffff];
const WORD_BITS_PUNCTUATION: [u64; 2] = [0x8000_0000_0000_3000, 0x8002_0000_0010_0001];

/// True when `c` is a word character in the regex crate's (Unicode) sense.
fn is_word(c: char) -> Res<bool> {
    if c.is_ascii() {
        return Ok(c.is_ascii_alphanumeric() || c == '_');
    }
    let code = u32::from(c);
    let bits = match code & !0x7F {
        0x80 => Some(&WORD_BITS_LATIN1),
        0x2000 => Some(&WORD_BITS_PUNCTUATION),
        _ => None,
    };
    if let Some(bits) = bits {
        let k = (code & 0x7F) as usize;
        return Ok(bits[k / 64] >> (k % 64) & 1 == 1);
    }
    let regex = WORD_CHAR.as_ref().ok_or(Unsupported)?;
    let mut buf = [0u8; 4];
    Ok(regex.is_match(c.encode_utf8(&mut buf)))
}

/// `^[0-9a-z]`.
fn starts_with_ascii_lowercase_or_digit(s: &str) -> bool {
    s.as_bytes()
        .first()
        .is_some_and(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9'))
}

/// sentencex's `CONTINUE_AFTER_NONWORD_REGEX`, `^\W*[0-9a-z]`: the first
/// word character of `s` is an ASCII lower-case letter or digit.
fn continues_after_nonword(s: &str) -> Res<bool> {
    for c in s.chars() {
        if is_word(c)? {
            return Ok(c.is_ascii_lowercase() || c.is_ascii_digit());
        }
    }
    Ok(false)
}

/// `get_next_word_approx`: at most 30 bytes from `start`, rounded up to a
/// character boundary.
fn next_word_approx(text: &str, start: usize) -> &str {
    if start >= text.len() {
        return "";
    }
    let mut end = (start + 30).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    &text[start..end]
}

/// ASCII bytes that are Unicode whitespace.
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// `s.trim_start()`, quicker on ASCII.
fn trim_start(s: &str) -> &str {
    let bytes = s.as_bytes();
    let i = bytes
        .iter()
        .position(|&b| !is_ascii_space(b))
        .unwrap_or(bytes.len());
    if bytes.get(i).is_some_and(|&b| b >= 0x80) {
        return s[i..].trim_start();
    }
    &s[i..]
}

/// `s.trim_end()`, quicker on ASCII.
fn trim_end(s: &str) -> &str {
    let bytes = s.as_bytes();
    let end = bytes
        .iter()
        .rposition(|&b| !is_ascii_space(b))
        .map_or(0, |i| i + 1);
    if end > 0 && bytes[end - 1] >= 0x80 {
        return s[..end].trim_end();
    }
    &s[..end]
}

/// The part of `text` (trimmed at its end) after the last character for
/// which `split` holds; `split_ascii` is `split` on ASCII characters.
#[inline]
fn last_split(text: &str, split_ascii: impl Fn(u8) -> bool, split: impl Fn(char) -> bool) -> &str {
    let bytes = text.as_bytes();
    let mut end = bytes.len();
    while end > 0 && is_ascii_space(bytes[end - 1]) {
        end -= 1;
    }
    let mut start = end;
    while start > 0 {
        let b = bytes[start - 1];
        if b >= 0x80 {
            // Beyond ASCII: go by characters.
            let trimmed = text.trim_end();
            return match trimmed.char_indices().rev().find(|&(_, c)| split(c)) {
                Some((i, c)) => &trimmed[i + c.len_utf8()..],
                None => trimmed,
            };
        }
        if split_ascii(b) {
            break;
        }
        start -= 1;
    }
    &text[start..end]
}

/// `get_last_word`: the last word of `text`, split on whitespace, `.` and
/// `/`.
fn last_word(text: &str) -> &str {
    last_split(
        text,
        |b| is_ascii_space(b) || b == b'.' || b == b'/',
        |c| c.is_whitespace() || c == '.' || c == '/',
    )
}

/// `get_last_word_full`: like [`last_word`] but keeping inner full stops.
fn last_word_full(text: &str) -> &str {
    last_split(
        text,
        |b| is_ascii_space(b) || b == b'/',
        |c| c.is_whitespace() || c == '/',
    )
}

/// The longest word a [`word_key`] holds, in bytes.
const KEY_BYTES: usize = 15;

/// An ASCII word of at most [`KEY_BYTES`] bytes, lower-cased if asked, and
/// its length, packed into an integer.
fn word_key(word: &[u8], lower: bool) -> Option<u128> {
    let mut buf = [0u8; 16];
    buf[15] = u8::try_from(word.len())
        .ok()
        .filter(|&n| usize::from(n) <= KEY_BYTES)?;
    for (d, &s) in buf.iter_mut().zip(word) {
        *d = if lower { s.to_ascii_lowercase() } else { s };
    }
    Some(u128::from_le_bytes(buf))
}

/// A set of [`word_key`]s, in an open-addressing hash table (0 marks an
/// empty slot; no key is 0).
#[derive(Debug)]
struct KeySet {
    slots: Vec<u128>,
}

impl KeySet {
    fn new(keys: &[u128]) -> KeySet {
        let mut slots = vec![0u128; (keys.len() * 4).next_power_of_two()];
        for &key in keys {
            let mut i = Self::slot(key, slots.len());
            while slots[i] != 0 && slots[i] != key {
                i = (i + 1) & (slots.len() - 1);
            }
            slots[i] = key;
        }
        KeySet { slots }
    }

    fn slot(key: u128, len: usize) -> usize {
        let folded = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
        (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & (len - 1)
    }

    fn contains(&self, key: u128) -> bool {
        let mask = self.slots.len() - 1;
        let mut i = Self::slot(key, self.slots.len());
        loop {
            match self.slots[i] {
                0 => return false,
                k if k == key => return true,
                _ => i = (i + 1) & mask,
            }
        }
    }
}

/// One of sentencex's word lists: its words, sorted, and the [`word_key`]s
/// of the ASCII ones that have one, for quick lookups.
#[derive(Debug)]
struct WordSet {
    keys: KeySet,
    sorted: Vec<String>,
    /// The length of the longest word, in bytes.
    longest: usize,
}

impl WordSet {
    fn new<'a>(words: impl IntoIterator<Item = &'a String>) -> WordSet {
        let mut sorted: Vec<String> = words.into_iter().cloned().collect();
        sorted.sort_unstable();
        sorted.dedup();
        let keys: Vec<u128> = sorted
            .iter()
            .filter(|w| w.is_ascii())
            .filter_map(|w| word_key(w.as_bytes(), false))
            .collect();
        WordSet {
            keys: KeySet::new(&keys),
            longest: sorted.iter().map(String::len).max().unwrap_or(0),
            sorted,
        }
    }

    fn contains_sorted(&self, word: &str) -> bool {
        self.sorted
            .binary_search_by(|w| w.as_str().cmp(word))
            .is_ok()
    }

    /// `word` is in the list as it is.
    fn contains(&self, word: &str) -> bool {
        if word.len() <= KEY_BYTES && word.is_ascii() {
            return word_key(word.as_bytes(), false).is_some_and(|k| self.keys.contains(k));
        }
        word.len() <= self.longest && self.contains_sorted(word)
    }

    /// `abbreviation_set_contains`: `word`, lower-cased, is in the list
    /// (whose words are lower case).
    fn contains_lowercase(&self, word: &str) -> bool {
        if word.is_ascii() {
            if word.len() <= KEY_BYTES {
                return word_key(word.as_bytes(), true).is_some_and(|k| self.keys.contains(k));
            }
            return word.len() <= self.longest && self.contains_sorted(&word.to_ascii_lowercase());
        }
        // Lower-casing leaves at least one byte of each character, which
        // has four at most.
        word.len() <= 4 * self.longest && self.contains_sorted(&word.to_lowercase())
    }
}

/// `is_abbreviation_for(word, ".")`.
fn is_abbreviation(word: &str) -> bool {
    let set = &*ABBREVIATIONS;
    if word.is_empty() || (word.len() > set.longest && word.is_ascii()) {
        // Lower-casing keeps the length of ASCII words.
        return false;
    }
    set.contains_lowercase(word)
}

/// A single ASCII capital letter.
fn is_single_ascii_upper(s: &str) -> bool {
    s.len() == 1 && s.as_bytes()[0].is_ascii_uppercase()
}

/// `next_word_is_sentence_starter`.
fn next_word_is_starter(next_word_approx: &str) -> bool {
    let trimmed = trim_start(next_word_approx);
    let end = trimmed
        .find(|c: char| c.is_whitespace() || c == ',' || is_terminator(c))
        .unwrap_or(trimmed.len());
    end > 0 && STARTERS.contains(&trimmed[..end])
}

// ---------------------------------------------------------------------------
// Quotes.

/// `is_symmetric_quote_closer`: the closer of a pair whose opener is the
/// same token.
fn is_symmetric_closer(s: &str) -> bool {
    QUOTES
        .symmetric
        .iter()
        .any(|c| c.len() == s.len() && has_prefix(s.as_bytes(), c.as_bytes()))
}

/// `s.starts_with(prefix)`, for the short tokens of quotes (without a call
/// to `memcmp`).
#[inline]
fn has_prefix(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s.iter().zip(prefix).all(|(a, b)| a == b)
}

/// `s.ends_with(suffix)`, likewise.
#[inline]
fn has_suffix(s: &[u8], suffix: &[u8]) -> bool {
    s.len() >= suffix.len() && has_prefix(&s[s.len() - suffix.len()..], suffix)
}

/// The pair of a quote range starting at `text[start..]`
/// (`identify_quote_pair`).
fn identify_pair(text: &str, start: usize) -> Option<u8> {
    let quotes = &*QUOTES;
    let rest = &text[start..];
    let &first = rest.as_bytes().first()?;
    quotes.starting_with(first).iter().copied().find(|&i| {
        has_prefix(
            rest.as_bytes(),
            quotes.pairs[usize::from(i)].open.as_bytes(),
        )
    })
}

/// `peel_leading_symmetric_quote`.
fn peel_leading_symmetric_quote(s: &str) -> &str {
    let trimmed = trim_start(s);
    let Some(&first) = trimmed.as_bytes().first() else {
        return trimmed;
    };
    if first.is_ascii() && !matches!(first, b'\'' | b'"' | b'`') {
        return trimmed;
    }
    for closer in &QUOTES.symmetric {
        if has_prefix(trimmed.as_bytes(), closer.as_bytes()) {
            return trim_start(&trimmed[closer.len()..]);
        }
    }
    trimmed
}

/// Calls `found(start, end)` for each match of sentencex's `QUOTES_REGEX` in
/// `scan`'s text, in order. Backticks and CJK brackets (the `0xE3` lead
/// byte) are [`Unsupported`].
fn quote_regex_matches(scan: Scan<'_>, mut found: impl FnMut(usize, usize)) -> Res<()> {
    let quotes = &*QUOTES;
    let bytes = scan.bytes();
    let mut i = 0;
    while let Some(p) = scan
        .hits_from(i)
        .find(|&h| quotes.opener_bytes.contains(bytes[h]) || matches!(bytes[h], b'`' | 0xE3))
    {
        if matches!(bytes[p], b'`' | 0xE3) {
            return Err(Unsupported);
        }
        match quote_match_at(scan, quotes, p)? {
            Some(end) => {
                found(p, end);
                i = end;
            }
            None => i = p + 1,
        }
    }
    Ok(())
}

/// The end of the match of sentencex's quote expression that starts at `p`,
/// if one does: its alternatives are the pairs, in order (`open.*?close`, or
/// for an ambiguous pair `\Bopen\b.*?[^\sclose]close\B`), then the
/// ambiguous pairs again as whole lines (`^open.+?close$`).
#[inline(always)]
fn quote_match_at(scan: Scan<'_>, quotes: &Quotes, p: usize) -> Res<Option<usize>> {
    let text = scan.text;
    let rest = &text[p..];
    let candidates = quotes.starting_with(text.as_bytes()[p]);
    for &i in candidates {
        let pair = quotes.pairs[usize::from(i)];
        if !has_prefix(rest.as_bytes(), pair.open.as_bytes()) {
            continue;
        }
        let end = if pair.ambiguous {
            // A single ASCII character (`read_quotes` checks).
            guarded_match(scan, p, pair.open.as_bytes()[0])?
        } else {
            scan.find(p + pair.open.len(), pair.close)
                .map(|at| at + pair.close.len())
        };
        if end.is_some() {
            return Ok(end);
        }
    }
    if p == 0 {
        // The line holds no `\n`: `^` is its start and `$` its end.
        for &i in candidates {
            let pair = quotes.pairs[usize::from(i)];
            if pair.ambiguous
                && text.starts_with(pair.open)
                && text.ends_with(pair.close)
                && text.len() > pair.open.len() + pair.close.len()
            {
                return Ok(Some(text.len()));
            }
        }
    }
    Ok(None)
}

/// The end of a match of `\Bq\b(?s:.*?[^\sq])q\B` starting at the `q` at
/// `p`, if any (`q` is ASCII).
fn guarded_match(scan: Scan<'_>, p: usize, q: u8) -> Res<Option<usize>> {
    let text = scan.text;
    if let Some(prev) = text[..p].chars().next_back()
        && is_word(prev)?
    {
        return Ok(None);
    }
    match text[p + 1..].chars().next() {
        Some(next) if is_word(next)? => {}
        _ => return Ok(None),
    }
    let bytes = text.as_bytes();
    // The content is at least the word character after the opener.
    for close in scan.hits_from(p + 2).filter(|&h| bytes[h] == q) {
        // The character before the closer: not whitespace, not `q`.
        let Some(before) = text[..close].chars().next_back() else {
            continue;
        };
        if before.is_whitespace() || before == char::from(q) {
            continue;
        }
        if let Some(after) = text[close + 1..].chars().next()
            && is_word(after)?
        {
            continue;
        }
        return Ok(Some(close + 1));
    }
    Ok(None)
}

// ---------------------------------------------------------------------------
// Skippable ranges.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Quote,
    Parentheses,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mispairing {
    None,
    Certain,
    Possible,
}

/// sentencex's `SkippableRange` (quotes and brackets; lines with e-mail
/// addresses or list items are not handled here).
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    kind: Kind,
    /// Index into [`Quotes::pairs`] for quotes.
    pair: u8,
    mispairing: Mispairing,
}

impl Span {
    fn quote(start: usize, end: usize, pair: u8) -> Span {
        Span {
            start,
            end,
            kind: Kind::Quote,
            pair,
            mispairing: Mispairing::None,
        }
    }

    fn contains(&self, position: usize) -> bool {
        position > self.start && position < self.end
    }

    fn is_quote(&self) -> bool {
        self.kind == Kind::Quote
    }

    fn is_symmetric_quote(&self) -> bool {
        self.is_quote() && QUOTES.pairs[usize::from(self.pair)].is_symmetric()
    }
}

/// `is_in_quote_range` (on the ranges as they are, in their order).
fn is_in_quote_range(ranges: &[Span], idx: usize) -> bool {
    let pos = ranges.partition_point(|r| r.start <= idx);
    ranges[..pos].iter().any(|r| r.is_quote() && idx < r.end)
}

/// `is_contraction_quote`.
fn is_contraction_quote(text: &str, idx: usize, token: &str) -> bool {
    let prev = text[..idx].chars().next_back();
    let next = text[idx + token.len()..].chars().next();
    prev.is_some_and(char::is_alphanumeric) && next.is_some_and(char::is_alphanumeric)
}

/// `is_quote_candidate`.
fn is_quote_candidate(text: &str, idx: usize, token: &str, ranges: &[Span]) -> bool {
    !is_in_quote_range(ranges, idx) && !is_contraction_quote(text, idx, token)
}

/// `is_opener_shape`.
fn is_opener_shape(text: &str, idx: usize, token: &str) -> bool {
    let prev = text[..idx].chars().next_back();
    let next = text[idx + token.len()..].chars().next();
    prev.is_none_or(char::is_whitespace) && next.is_some_and(char::is_whitespace)
}

/// `has_possible_inline_sentence_break` on `text[start..end]`:
/// `.[ \t]+[A-Z]`.
fn has_possible_inline_sentence_break(scan: Scan<'_>, start: usize, end: usize) -> bool {
    let bytes = &scan.bytes()[..end];
    scan.hits_from(start)
        .take_while(|&h| h < end)
        .filter(|&h| bytes[h] == b'.')
        .any(|dot| {
            let tail = &bytes[dot + 1..];
            match tail.iter().position(|&b| !matches!(b, b' ' | b'\t')) {
                Some(blanks) => blanks > 0 && tail[blanks].is_ascii_uppercase(),
                None => false,
            }
        })
}

/// `starts_new_utterance`.
fn starts_new_utterance(text: &str, from: usize) -> bool {
    let tail = &text[from..];
    let trimmed = tail.trim_start_matches([' ', '\t']);
    trimmed.len() < tail.len()
        && trimmed
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_uppercase)
}

/// `candidate_opens_clean_span`.
fn candidate_opens_clean_span(scan: Scan<'_>, idx: usize, token: &str, ranges: &[Span]) -> bool {
    let text = scan.text;
    if !is_opener_shape(text, idx, token) {
        return false;
    }
    let content_start = idx + token.len();
    scan.match_indices(content_start, token)
        .find(|&y| is_quote_candidate(text, y, token, ranges))
        .is_some_and(|y| !has_possible_inline_sentence_break(scan, content_start, y))
}

/// `quote_candidates_should_pair`.
fn quote_candidates_should_pair(
    scan: Scan<'_>,
    opener: usize,
    closer: usize,
    token: &str,
    ranges: &[Span],
) -> bool {
    let text = scan.text;
    if !is_opener_shape(text, opener, token) {
        return false;
    }
    let back_to_back = starts_new_utterance(text, closer + token.len())
        && has_possible_inline_sentence_break(scan, opener + token.len(), closer);
    !back_to_back || !candidate_opens_clean_span(scan, closer, token, ranges)
}

/// `collect_quote_ranges`.
fn collect_quote_ranges(scan: Scan<'_>, out: &mut Vec<Span>) -> Res<()> {
    let text = scan.text;
    if !scan.has(APOSTROPHE_OR_BACKTICK | BEYOND_ASCII)
        || !scan.any_byte(|b| matches!(b, b'\'' | b'`' | 0xE3))
    {
        scan_unambiguous_quotes(scan, out);
        return Ok(());
    }
    let mut failed = false;
    quote_regex_matches(scan, |start, end| match identify_pair(text, start) {
        Some(pair) => out.push(Span::quote(start, end, pair)),
        None => failed = true,
    })?;
    if failed {
        return Err(Unsupported);
    }
    // `append_space_padded_quote_pairs` (`'`; backticks are unsupported).
    let quotes = &*QUOTES;
    for (pair, token) in quotes.ambiguous_symmetric() {
        let mut pending: Option<usize> = None;
        for idx in scan.match_indices(0, token) {
            if !is_quote_candidate(text, idx, token, out) {
                continue;
            }
            if let Some(opener) = pending
                && quote_candidates_should_pair(scan, opener, idx, token, out)
            {
                out.push(Span::quote(opener, idx + token.len(), pair));
                pending = None;
            } else {
                pending = Some(idx);
            }
        }
    }
    Ok(())
}

/// `scan_unambiguous_quotes`: the quote ranges of a line without `'`,
/// backticks or CJK brackets.
fn scan_unambiguous_quotes(scan: Scan<'_>, out: &mut Vec<Span>) {
    let quotes = &*QUOTES;
    let text = scan.text;
    let bytes = text.as_bytes();
    let mut cursor = 0;
    while let Some(opener) = scan
        .hits_from(cursor)
        .find(|&h| matches!(bytes[h], b'"' | 0xC2 | 0xE2))
    {
        let Some(c) = text[opener..].chars().next() else {
            return;
        };
        let Some(pair) = quotes.plain_opener(c) else {
            cursor = opener + c.len_utf8();
            continue;
        };
        let close = quotes.pairs[usize::from(pair)].close;
        let content_start = opener + c.len_utf8();
        match scan.find(content_start, close) {
            Some(at) => {
                let end = at + close.len();
                out.push(Span::quote(opener, end, pair));
                cursor = end;
            }
            None => cursor = content_start,
        }
    }
}

/// sentencex's `PARENS_REGEX`,
/// `[\(（<{\[](?:[^\)\]}>）]|\\[\)\]}>）])*[\)\]}>）]`: from an opening bracket
/// to the first closing one after it.
fn collect_parentheses(scan: Scan<'_>, out: &mut Vec<Span>) {
    const FULLWIDTH_OPEN: &[u8] = "\u{ff08}".as_bytes();
    const FULLWIDTH_CLOSE: &[u8] = "\u{ff09}".as_bytes();
    let bytes = scan.bytes();
    let mut i = 0;
    loop {
        let Some(open) = scan.hits_from(i).find(|&j| {
            matches!(bytes[j], b'(' | b'<' | b'{' | b'[') || bytes[j..].starts_with(FULLWIDTH_OPEN)
        }) else {
            return;
        };
        let open_len = if bytes[open] == 0xEF { 3 } else { 1 };
        let Some(close) = scan.hits_from(open + open_len).find(|&j| {
            matches!(bytes[j], b')' | b']' | b'}' | b'>') || bytes[j..].starts_with(FULLWIDTH_CLOSE)
        }) else {
            return;
        };
        let end = close + if bytes[close] == 0xEF { 3 } else { 1 };
        out.push(Span {
            start: open,
            end,
            kind: Kind::Parentheses,
            pair: 0,
            mispairing: Mispairing::None,
        });
        i = end;
    }
}

/// `tag_quote_mispairing`.
fn tag_quote_mispairing(scan: Scan<'_>, ranges: &mut [Span], parens: &mut Vec<(usize, usize)>) {
    parens.clear();
    parens.extend(
        ranges
            .iter()
            .filter(|r| r.kind == Kind::Parentheses)
            .map(|r| (r.start, r.end)),
    );
    let parens = &*parens;
    let paren_containing = |x: usize| {
        parens
            .partition_point(|p| p.0 < x)
            .checked_sub(1)
            .map(|i| parens[i])
            .filter(|p| x < p.1)
    };
    let mut parity: Option<(&str, bool)> = None;
    for slot in ranges.iter_mut() {
        if !slot.is_quote() {
            continue;
        }
        slot.mispairing = if !slot.is_symmetric_quote() {
            Mispairing::None
        } else if paren_containing(slot.start).is_some_and(|p| p.1 < slot.end)
            || paren_containing(slot.end).is_some_and(|p| p.0 > slot.start)
        {
            Mispairing::Certain
        } else {
            let token = QUOTES.pairs[usize::from(slot.pair)].open;
            let odd = match parity {
                Some((seen, odd)) if seen == token => odd,
                _ => {
                    let odd = scan.match_indices(0, token).count() % 2 == 1;
                    parity = Some((token, odd));
                    odd
                }
            };
            if odd {
                Mispairing::Possible
            } else {
                Mispairing::None
            }
        };
    }
}

// ---------------------------------------------------------------------------
// Trailing markers.

/// One of sentencex's trailing markers: the suffix (ASCII), whether it is
/// matched ignoring ASCII case, whether it needs a digit before it, whether
/// a digit after it breaks the sentence, and whether an upper-case word
/// that is not a starter does (unless the words before the marker are
/// capitalised or fronting).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Marker {
    suffix: String,
    ignore_case: bool,
    digit_only: bool,
    digit_breaks: bool,
    uppercase_breaks: bool,
}

/// The folded last two bytes of a marker or a word.
fn two_byte_key(second_last: u8, last: u8) -> u16 {
    u16::from(second_last.to_ascii_lowercase()) << 8 | u16::from(last.to_ascii_lowercase())
}

/// sentencex's trailing markers ([`read_markers`]), with an index: the
/// markers (by position) by [`two_byte_key`] of their suffix's end, and the
/// set of those keys, as bits.
#[derive(Debug, Default)]
struct Markers {
    list: Vec<Marker>,
    index: Vec<(u16, usize)>,
    bits: Vec<u64>,
}

impl Markers {
    fn new(list: Vec<Marker>) -> Markers {
        let mut index = Vec::new();
        for (i, m) in list.iter().enumerate() {
            match m.suffix.as_bytes() {
                [.., a, b] => index.push((two_byte_key(*a, *b), i)),
                // As sentencex's filter: any byte before it.
                &[b] => index.extend((0..=u8::MAX).map(|a| (two_byte_key(a, b), i))),
                [] => {}
            }
        }
        index.sort_unstable();
        index.dedup();
        let mut bits = vec![0u64; 1 << 10];
        for &(key, _) in &index {
            bits[usize::from(key >> 6)] |= 1 << (key & 63);
        }
        Markers { list, index, bits }
    }

    /// The markers that may end with `second_last`, `last`, in order.
    fn ending_with(&self, second_last: u8, last: u8) -> impl Iterator<Item = &Marker> {
        let key = two_byte_key(second_last, last);
        let present = self
            .bits
            .get(usize::from(key >> 6))
            .is_some_and(|&word| word & (1 << (key & 63)) != 0);
        let candidates = if !present {
            &[][..]
        } else {
            let first = self.index.partition_point(|e| e.0 < key);
            let n = self.index[first..]
                .iter()
                .take_while(|e| e.0 == key)
                .count();
            &self.index[first..first + n]
        };
        candidates.iter().map(|&(_, i)| &self.list[i])
    }
}

/// A trailing marker found before a terminator, and the text before it.
struct MarkerMatch<'a> {
    prefix: &'a str,
    digit_breaks: bool,
    uppercase_breaks: bool,
}

/// `classify_trailing_marker`.
fn classify_trailing_marker(head: &str) -> Option<MarkerMatch<'_>> {
    let trimmed = trim_end(head);
    let bytes = trimmed.as_bytes();
    let [.., second_last, last] = bytes else {
        return None;
    };
    // The markers whose suffix ends like `head`, in their order.
    MARKERS.ending_with(*second_last, *last).find_map(|marker| {
        let suffix = marker.suffix.as_bytes();
        let idx = bytes.len().checked_sub(suffix.len())?;
        let matches = if marker.ignore_case {
            bytes[idx..].eq_ignore_ascii_case(suffix)
        } else {
            &bytes[idx..] == suffix
        };
        if !matches {
            return None;
        }
        // The suffix is ASCII, so `idx` is a character boundary.
        let prefix = &trimmed[..idx];
        let predecessor_ok = if marker.digit_only {
            trim_end(prefix)
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_digit())
        } else {
            prefix
                .chars()
                .next_back()
                .is_none_or(|c| c.is_whitespace() || c.is_ascii_digit())
        };
        predecessor_ok.then_some(MarkerMatch {
            prefix,
            digit_breaks: marker.digit_breaks,
            uppercase_breaks: marker.uppercase_breaks,
        })
    })
}

/// `word_before_marker_is_capitalised`.
fn word_before_marker_is_capitalised(prefix: &str) -> bool {
    let trimmed =
        prefix.trim_end_matches(|c: char| c.is_ascii_digit() || c == ':' || c.is_whitespace());
    let word = match trimmed
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace())
    {
        Some((i, c)) => &trimmed[i + c.len_utf8()..],
        None => trimmed,
    };
    word.as_bytes().first().is_some_and(u8::is_ascii_uppercase)
}

/// `prefix_is_purely_fronting`.
fn prefix_is_purely_fronting(scan: Scan<'_>, prefix: &str) -> Res<bool> {
    let segment_is_fronting = |seg: &str| {
        seg.split(|c: char| {
            c.is_whitespace() || c == ',' || c == ';' || c == '\u{2014}' || c == '\u{2013}'
        })
        .all(|tok| {
            let bare = tok.trim_end_matches('.');
            bare.is_empty()
                || bare.chars().all(|c| c.is_ascii_digit() || c == ':')
                || bare.chars().next().is_some_and(char::is_uppercase)
                || FRONTING.contains_lowercase(bare)
                || ABBREVIATIONS.contains_lowercase(bare)
        })
    };
    // `prefix` starts the line.
    let scan = scan.prefix(prefix.len());
    if !scan.has(QUOTE) || !scan.any_byte(|b| QUOTES.opener_bytes.contains(b)) {
        return Ok(segment_is_fronting(prefix));
    }
    let mut cursor = 0;
    let mut all = true;
    quote_regex_matches(scan, |start, end| {
        if all && !segment_is_fronting(&prefix[cursor..start]) {
            all = false;
        }
        cursor = end;
    })?;
    Ok(all && segment_is_fronting(&prefix[cursor..]))
}

/// `marker_bypasses_suppression`.
fn marker_bypasses_suppression(
    scan: Scan<'_>,
    marker: &MarkerMatch<'_>,
    next_word: &str,
    next_is_starter: bool,
) -> Res<bool> {
    let mut chars = trim_start(next_word).chars();
    let first = chars.next();
    if first.is_some_and(|c| c.is_ascii_uppercase()) && chars.next() == Some('.') {
        return Ok(false);
    }
    Ok(match first {
        Some(c) if c.is_ascii_digit() => marker.digit_breaks,
        Some(c) if c.is_uppercase() => {
            next_is_starter
                || (marker.uppercase_breaks
                    && !word_before_marker_is_capitalised(marker.prefix)
                    && !prefix_is_purely_fronting(scan, marker.prefix)?)
        }
        _ => false,
    })
}

// ---------------------------------------------------------------------------
// Terminator runs.

/// The end of the terminator-expression match starting at `i` (a
/// character boundary), if one starts there:
/// `\.(?:[ \t]+\.){2,}|[!?…](?:[ \t]+[!?…])+|[terminators]+`.
fn terminator_match_at(text: &str, i: usize) -> Option<usize> {
    let c = text[i..].chars().next()?;
    if c == '.'
        && let Some(end) = spaced_run(text, i + 1, |c| c == '.', 3)
    {
        return Some(end);
    }
    if is_emphatic(c)
        && let Some(end) = spaced_run(text, i + c.len_utf8(), is_emphatic, 2)
    {
        return Some(end);
    }
    if is_terminator(c) {
        let mut end = i + c.len_utf8();
        while let Some(next) = text[end..].chars().next() {
            if !is_terminator(next) {
                break;
            }
            end += next.len_utf8();
        }
        return Some(end);
    }
    None
}

/// After a first member ending at `end`, extends over `[ \t]+member`
/// repeats; the end if there are at least `min_total` members.
fn spaced_run(
    text: &str,
    mut end: usize,
    is_member: impl Fn(char) -> bool,
    min_total: usize,
) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut count = 1;
    loop {
        let mut k = end;
        while matches!(bytes.get(k), Some(b' ' | b'\t')) {
            k += 1;
        }
        if k == end {
            break;
        }
        match text[k..].chars().next() {
            Some(c) if is_member(c) => {
                count += 1;
                end = k + c.len_utf8();
            }
            _ => break,
        }
    }
    (count >= min_total).then_some(end)
}

/// `should_fold`: a spaced dot run after a `!`, `?` or `…` run joins it.
fn should_fold(text: &str, prev: (usize, usize), start: usize, end: usize) -> bool {
    let is_blank = |b: u8| matches!(b, b' ' | b'\t');
    let prev_is_emphatic = text[prev.0..prev.1].ends_with(['!', '?', '\u{2026}']);
    let candidate = &text.as_bytes()[start..end];
    let candidate_is_dot_run =
        candidate.first() == Some(&b'.') && candidate.iter().all(|&b| b == b'.' || is_blank(b));
    let gap = &text.as_bytes()[prev.1..start];
    prev_is_emphatic && candidate_is_dot_run && !gap.is_empty() && gap.iter().all(|&b| is_blank(b))
}

/// The next hit, from `hits[*next..]`, where a terminator match may start:
/// `.`, `!`, `?`, `…` or another Unicode terminator. Advances `*next` past
/// it.
fn next_terminator_candidate(scan: Scan<'_>, next: &mut usize) -> Option<usize> {
    let text = scan.text;
    let bytes = text.as_bytes();
    let min_lead = MIN_TERMINATOR_LEAD.load(Ordering::Relaxed);
    while let Some(&h) = scan.hits.get(*next) {
        *next += 1;
        let h = h as usize - scan.base;
        match bytes[h] {
            b'.' | b'!' | b'?' => return Some(h),
            // Characters below the first terminator beyond ASCII need no
            // look.
            b if b >= min_lead => {
                if let Some(c) = text[h..].chars().next()
                    && (is_emphatic(c) || is_terminator(c))
                {
                    return Some(h);
                }
            }
            _ => {}
        }
    }
    None
}

// ---------------------------------------------------------------------------
// List items.

/// True when sentencex's list-item detector (`detect_list_items`) finds list
/// items in the line.
/// (`candidates` is a reused buffer: a line whose first word may be a
/// marker, as "Distinguished" may be a Roman numeral, cost an allocation.)
fn has_list_items(scan: Scan<'_>, candidates: &mut Vec<list::Candidate>) -> bool {
    // A failed bullet probe leaves the line to sentencex too.
    list::detect(scan, candidates) || BULLET_PROBE_FAILED.load(Ordering::Relaxed)
}

mod list {
    //! sentencex's `list_markers.rs`, for one line (no `\n`), answering
    //! only whether it finds list items.

    const MIN_GAP_BYTES: usize = 4;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Family {
        Tier1,
        Bullet,
        Numeric,
        LetterParen,
        LetterDot,
        Roman,
    }

    const FAMILIES: usize = 6;

    impl Family {
        fn idx(self) -> usize {
            self as usize
        }
    }

    #[derive(Debug, Clone, Copy)]
    pub(super) struct Candidate {
        pos: usize,
        family: Family,
        first_byte: u8,
        line_start: bool,
    }

    pub(super) fn detect(scan: super::Scan<'_>, candidates: &mut Vec<Candidate>) -> bool {
        let line = scan.text;
        let bytes = line.as_bytes();
        candidates.clear();
        let content_start = first_non_ws(bytes, 0, bytes.len());
        if let Some((family, first_byte)) = classify_line(&line[content_start..]) {
            candidates.push(Candidate {
                pos: 0,
                family,
                first_byte,
                line_start: true,
            });
        }
        // Inline markers start after a space or tab, and all hold a `)`
        // (`(a)`, `ii)`, `2.)`) or are bullets (lead byte 0xE2): the
        // positions sentencex's scan would try that may hold one.
        // Token starts come in order (a `)` is in the token that starts at
        // or after the last bullet or `)` token before it).
        let mut last_start = None;
        if scan.has(super::CLOSE_PAREN | super::BEYOND_ASCII) {
            for h in scan.all() {
                if h < content_start {
                    continue;
                }
                let pos = match bytes[h] {
                    b')' => match bytes[content_start..h]
                        .iter()
                        .rposition(|&b| b == b' ' || b == b'\t')
                    {
                        Some(blank) => content_start + blank + 1,
                        None => continue,
                    },
                    0xE2 if h > content_start && matches!(bytes[h - 1], b' ' | b'\t') => h,
                    _ => continue,
                };
                if last_start == Some(pos) {
                    continue;
                }
                last_start = Some(pos);
                if may_start_inline_marker(bytes, pos)
                    && let Some((family, first_byte)) = classify_marker_at(&line[pos..])
                {
                    candidates.push(Candidate {
                        pos,
                        family,
                        first_byte,
                        line_start: false,
                    });
                }
            }
        }
        !candidates.is_empty() && finalise(candidates)
    }

    /// A cheap necessary condition for `classify_marker_at` at `pos`: a
    /// bullet's lead byte, `(`, or a run of ASCII letters and digits ending
    /// in `)` or `.)`.
    fn may_start_inline_marker(bytes: &[u8], pos: usize) -> bool {
        match bytes[pos] {
            0xE2 | b'(' => true,
            b if b.is_ascii_alphanumeric() => {
                let run = bytes[pos..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count();
                let rest = &bytes[pos + run..];
                rest.starts_with(b")") || rest.starts_with(b".)")
            }
            _ => false,
        }
    }

    /// A cheap necessary condition for `consume_marker` on `bytes`: a
    /// bullet's lead byte, `(`, `*`, `+`, `-`, a digit, a letter before `)`
    /// or `.`, or two Roman-numeral letters.
    fn may_start_line_marker(bytes: &[u8]) -> bool {
        match bytes {
            [0xE2 | b'(' | b'*' | b'+' | b'-' | b'0'..=b'9', ..] => true,
            [a, b, ..] if a.is_ascii_alphabetic() => {
                matches!(b, b')' | b'.') || (is_roman_byte(*a) && is_roman_byte(*b))
            }
            _ => false,
        }
    }

    fn first_non_ws(bytes: &[u8], start: usize, end: usize) -> usize {
        let mut i = start;
        while i < end && matches!(bytes[i], b' ' | b'\t') {
            i += 1;
        }
        i
    }

    fn classify_line(line: &str) -> Option<(Family, u8)> {
        let first_byte = *line.as_bytes().first()?;
        if !may_start_line_marker(line.as_bytes()) {
            return None;
        }
        let (family, len) = consume_marker(line)?;
        next_content_char(&line[len..])?;
        Some((family, first_byte))
    }

    fn classify_marker_at(s: &str) -> Option<(Family, u8)> {
        let first_byte = *s.as_bytes().first()?;
        let (family, len) = consume_marker(s)?;
        if s.as_bytes()[len - 1] == b'.'
            && matches!(family, Family::Numeric | Family::LetterDot | Family::Roman)
        {
            return None;
        }
        let next = next_content_char(&s[len..])?;
        if next.is_lowercase() {
            return None;
        }
        if family == Family::Bullet {
            return None;
        }
        Some((family, first_byte))
    }

    fn next_content_char(after_marker: &str) -> Option<char> {
        let bytes = after_marker.as_bytes();
        let n = first_non_ws(bytes, 0, bytes.len());
        if n == 0 {
            return None;
        }
        let c = after_marker[n..].chars().next()?;
        (c != '\n' && c != '\r').then_some(c)
    }

    fn consume_marker(s: &str) -> Option<(Family, usize)> {
        None.or_else(|| match_unicode_bullet(s).map(|n| (Family::Tier1, n)))
            .or_else(|| match_paren_form(s).map(|n| (Family::Tier1, n)))
            .or_else(|| match_roman(s).map(|n| (Family::Roman, n)))
            .or_else(|| match_numeric(s).map(|n| (Family::Numeric, n)))
            .or_else(|| match_ascii_bullet(s).map(|n| (Family::Bullet, n)))
            .or_else(|| match_letter_paren(s).map(|n| (Family::LetterParen, n)))
            .or_else(|| match_letter_dot(s).map(|n| (Family::LetterDot, n)))
    }

    fn match_unicode_bullet(s: &str) -> Option<usize> {
        // sentencex's quick check: its bullets start with this byte.
        if s.as_bytes().first() != Some(&0xE2) {
            return None;
        }
        let c = s.chars().next()?;
        super::is_bullet(c).then(|| c.len_utf8())
    }

    fn match_ascii_bullet(s: &str) -> Option<usize> {
        match s.as_bytes().first()? {
            b'*' | b'+' | b'-' => Some(1),
            _ => None,
        }
    }

    fn match_numeric(s: &str) -> Option<usize> {
        let b = s.as_bytes();
        let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        closer_len_at(b, n).map(|cl| n + cl)
    }

    fn match_roman(s: &str) -> Option<usize> {
        let b = s.as_bytes();
        let n = b.iter().take_while(|&&c| is_roman_byte(c)).count();
        if n < 2 {
            return None;
        }
        closer_len_at(b, n).map(|cl| n + cl)
    }

    fn match_letter_paren(s: &str) -> Option<usize> {
        let b = s.as_bytes();
        if b.len() < 2 || !b[0].is_ascii_alphabetic() {
            return None;
        }
        match b[1] {
            b')' => Some(2),
            b'.' if b.get(2) == Some(&b')') => Some(3),
            _ => None,
        }
    }

    fn match_letter_dot(s: &str) -> Option<usize> {
        let b = s.as_bytes();
        (b.len() >= 2 && b[0].is_ascii_lowercase() && b[1] == b'.').then_some(2)
    }

    fn match_paren_form(s: &str) -> Option<usize> {
        let inside = s.strip_prefix('(')?;
        let close = inside.find(')')?;
        let inner = &inside.as_bytes()[..close];
        let short_numeric =
            (1..=2).contains(&inner.len()) && inner.iter().all(|b| b.is_ascii_digit());
        let single_letter = inner.len() == 1 && inner[0].is_ascii_alphabetic();
        let roman = !inner.is_empty() && inner.iter().all(|&b| is_roman_byte(b));
        (short_numeric || single_letter || roman).then_some(close + 2)
    }

    fn closer_len_at(b: &[u8], pos: usize) -> Option<usize> {
        match b.get(pos)? {
            b'.' if b.get(pos + 1) == Some(&b')') => Some(2),
            b'.' | b')' => Some(1),
            _ => None,
        }
    }

    fn is_roman_byte(b: u8) -> bool {
        matches!(
            b.to_ascii_lowercase(),
            b'i' | b'v' | b'x' | b'l' | b'c' | b'd' | b'm'
        )
    }

    /// `finalise`, answering whether a family wins.
    fn finalise(candidates: &mut Vec<Candidate>) -> bool {
        candidates.sort_by_key(|c| (c.pos, !c.line_start));
        candidates.dedup_by_key(|c| c.pos);
        if candidates.iter().any(|c| c.family == Family::Roman) {
            for c in candidates.iter_mut() {
                if matches!(c.family, Family::LetterDot | Family::LetterParen)
                    && is_roman_byte(c.first_byte)
                {
                    c.family = Family::Roman;
                }
            }
        }
        let mut family_last = [usize::MAX; FAMILIES];
        candidates.retain(|c| {
            let last = family_last[c.family.idx()];
            let keep = last == usize::MAX || c.pos - last >= MIN_GAP_BYTES;
            if keep {
                family_last[c.family.idx()] = c.pos;
            }
            keep
        });
        let mut counts = [0u32; FAMILIES];
        let mut tier1_at_line_start = false;
        for c in candidates.iter() {
            counts[c.family.idx()] += 1;
            if c.family == Family::Tier1 && c.line_start {
                tier1_at_line_start = true;
            }
        }
        tier1_at_line_start
            || counts[Family::Tier1.idx()] >= 2
            || [
                Family::Bullet,
                Family::Numeric,
                Family::LetterParen,
                Family::LetterDot,
                Family::Roman,
            ]
            .iter()
            .any(|f| counts[f.idx()] >= 2)
    }
}

// ---------------------------------------------------------------------------
// The segmenter.

/// One paragraph (here: one line) being segmented, with the skippable ranges
/// built on first need.
struct Paragraph<'a, 'b> {
    scan: Scan<'a>,
    /// `buffers.ranges` holds the line's skippable ranges.
    ranges_ready: bool,
    /// `OrphanCloserPositions`: the token whose candidate positions
    /// `buffers.orphan_positions` holds.
    orphan_token: Option<&'static str>,
    buffers: &'b mut Buffers,
}

/// Buffers reused from line to line.
#[derive(Debug, Default)]
pub(crate) struct Buffers {
    list_candidates: Vec<list::Candidate>,
    ranges: Vec<Span>,
    orphan_positions: Vec<usize>,
    parens: Vec<(usize, usize)>,
}

impl<'a, 'b> Paragraph<'a, 'b> {
    fn new(scan: Scan<'a>, buffers: &'b mut Buffers) -> Paragraph<'a, 'b> {
        Paragraph {
            scan,
            ranges_ready: false,
            orphan_token: None,
            buffers,
        }
    }

    /// `collect_sentence_breaks`: pushes the sentence boundaries after 0,
    /// the last one the text's length.
    fn boundaries(&mut self, out: &mut Vec<usize>) -> Res<()> {
        let text = self.scan.text;
        // Backticks (`` `…' ``, `` ``…'' ``) are left to sentencex.
        if self.scan.has(BACKTICK) || has_list_items(self.scan, &mut self.buffers.list_candidates) {
            return Err(Unsupported);
        }
        let mut last = 0;
        let mut pending: Option<(usize, usize)> = None;
        let mut next_hit = 0;
        while let Some(start) = next_terminator_candidate(self.scan, &mut next_hit) {
            let Some(end) = terminator_match_at(text, start) else {
                continue;
            };
            // Matches do not overlap: go on after this one.
            while self
                .scan
                .hits
                .get(next_hit)
                .is_some_and(|&h| h as usize - self.scan.base < end)
            {
                next_hit += 1;
            }
            match pending {
                Some(prev) if should_fold(text, prev, start, end) => pending = Some((prev.0, end)),
                Some(prev) => {
                    self.handle_match(prev.0, prev.1, &mut last, out)?;
                    pending = Some((start, end));
                }
                None => pending = Some((start, end)),
            }
        }
        if let Some(prev) = pending {
            self.handle_match(prev.0, prev.1, &mut last, out)?;
        }
        if last != text.len() {
            out.push(text.len());
        }
        Ok(())
    }

    /// The body of `collect_sentence_breaks`'s loop for one terminator run.
    fn handle_match(
        &mut self,
        start: usize,
        end: usize,
        last: &mut usize,
        out: &mut Vec<usize>,
    ) -> Res<()> {
        if end == self.scan.text.len() {
            // Nothing follows: the boundary, if any, is the end, which ends
            // the last sentence anyway.
            return Ok(());
        }
        let Some(boundary) = self.find_boundary(start, end)? else {
            return Ok(());
        };
        let text = self.scan.text;
        let break_at = if boundary >= text.len() {
            // Nothing contains the end, starts there or follows it.
            Some(text.len())
        } else {
            self.ensure_ranges()?;
            let ranges = std::mem::take(&mut self.buffers.ranges);
            let result = match self.containing_range(&ranges, boundary, start, end) {
                Some(range) => self.inner_terminator_boundary(&range, boundary),
                None => self.extend_past_orphan_closer(&ranges, boundary).map(Some),
            };
            self.buffers.ranges = ranges;
            result?
        };
        if let Some(b) = break_at
            && b > *last
        {
            out.push(b);
            *last = b;
        }
        Ok(())
    }

    /// `get_skippable_ranges`, built once.
    fn ensure_ranges(&mut self) -> Res<()> {
        if self.ranges_ready {
            return Ok(());
        }
        if self.scan.has(AT) {
            // E-mail addresses: left to sentencex.
            return Err(Unsupported);
        }
        let Buffers { ranges, parens, .. } = &mut *self.buffers;
        ranges.clear();
        collect_quote_ranges(self.scan, ranges)?;
        collect_parentheses(self.scan, ranges);
        ranges.sort_unstable_by_key(|r| r.start);
        tag_quote_mispairing(self.scan, ranges, parens);
        self.ranges_ready = true;
        Ok(())
    }

    /// `find_boundary`.
    fn find_boundary(&self, start: usize, end: usize) -> Res<Option<usize>> {
        let text = self.scan.text;
        let head = &text[..start];
        let matched = &text[start..end];
        let next_word = next_word_approx(text, end);
        // The window past its leading whitespace (asked twice below).
        let trimmed_next = trim_start(next_word);
        // sentencex runs its `^(\s*\[\d+])+` when the window holds a `[`.
        if trimmed_next.starts_with('[')
            && let Some(m) = numbered_reference(next_word)?
        {
            return Ok(Some(end + m));
        }
        if terminator_continues(matched, head, next_word)? {
            return Ok(None);
        }
        let last = last_word(head);
        if matched == "." {
            if is_code_like_numbered_token(head, next_word) {
                return Ok(None);
            }
            if period_suppresses_boundary(self.scan, head, last, next_word)? {
                return Ok(None);
            }
        }
        // sentencex's own check (exclamations such as `Yahoo!`): it costs
        // a few comparisons.
        if ENGLISH.is_exclamation_for(last) {
            return Ok(None);
        }
        let trailing_ws = next_word.len() - trimmed_next.len();
        Ok(Some(end + trailing_ws))
    }

    /// `containing_range`: the first range that holds `boundary` and is not
    /// a mispaired quote.
    fn containing_range(
        &self,
        ranges: &[Span],
        boundary: usize,
        start: usize,
        end: usize,
    ) -> Option<Span> {
        // Sorted by start: no range from the first that starts at or after
        // `boundary` on can hold it.
        ranges
            .iter()
            .take_while(|r| r.start < boundary)
            .find(|r| {
                r.contains(boundary)
                    && match r.mispairing {
                        Mispairing::None => true,
                        Mispairing::Certain => false,
                        Mispairing::Possible => !self.has_strong_sentence_break(start, end),
                    }
            })
            .copied()
    }

    /// `has_strong_sentence_break`.
    fn has_strong_sentence_break(&self, start: usize, end: usize) -> bool {
        let text = self.scan.text;
        if end - start != 1 || text.as_bytes()[start] != b'.' {
            return false;
        }
        let next_word = next_word_approx(text, start + 1);
        let trimmed_next = trim_start(next_word);
        if !trimmed_next
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_uppercase)
        {
            return false;
        }
        let head = &text[..start];
        let last = last_word(head);
        if last.is_empty() || is_single_ascii_upper(last) {
            return false;
        }
        if is_abbreviation(last) || is_multi_dot_abbreviation(head, last.len()) {
            return false;
        }
        if is_symmetric_closer(last) {
            return true;
        }
        next_word_is_starter(trimmed_next)
    }

    /// `inner_terminator_boundary`.
    fn inner_terminator_boundary(&self, range: &Span, boundary: usize) -> Res<Option<usize>> {
        let text = self.scan.text;
        if !range.is_quote() || boundary >= range.end {
            return Ok(None);
        }
        let head = &text[..range.end];
        if !QUOTES
            .closers
            .iter()
            .any(|c| boundary + c.len() == range.end && has_suffix(head.as_bytes(), c.as_bytes()))
        {
            return Ok(None);
        }
        Ok(boundary_extend(next_word_approx(text, range.end))?.map(|extend| range.end + extend))
    }

    /// `extend_past_orphan_closer`.
    fn extend_past_orphan_closer(&mut self, ranges: &[Span], boundary: usize) -> Res<usize> {
        let text = self.scan.text;
        if !text
            .as_bytes()
            .get(boundary)
            .is_some_and(|&b| QUOTES.closer_bytes.contains(b))
        {
            return Ok(boundary);
        }
        let i = ranges.partition_point(|r| r.start < boundary);
        if ranges.get(i).is_some_and(|r| r.start == boundary) {
            return Ok(boundary);
        }
        let rest = &text[boundary..];
        let mut found = None;
        for &closer in &QUOTES.closers {
            if has_prefix(rest.as_bytes(), closer.as_bytes())
                && self.is_orphan_closer(ranges, boundary, closer)
            {
                found = Some(closer);
                break;
            }
        }
        let Some(closer) = found else {
            return Ok(boundary);
        };
        if closer_opens_next_sentence(text, boundary, closer, ranges) {
            return Ok(boundary);
        }
        let advance_past_space = |pos: usize| {
            let rest = &text[pos..];
            pos + (rest.len() - trim_start(rest).len())
        };
        let mut boundary = advance_past_space(boundary + closer.len());
        while let Some(end) = terminator_match_at(text, boundary) {
            boundary = advance_past_space(end);
        }
        Ok(boundary)
    }

    /// `is_orphan_closer`.
    fn is_orphan_closer(&mut self, ranges: &[Span], boundary: usize, closer: &'static str) -> bool {
        if !is_symmetric_closer(closer) {
            return true;
        }
        let text = self.scan.text;
        let positions = &mut self.buffers.orphan_positions;
        if self.orphan_token != Some(closer) {
            positions.clear();
            positions.extend(
                self.scan
                    .match_indices(0, closer)
                    .filter(|&idx| is_quote_candidate(text, idx, closer, ranges)),
            );
            self.orphan_token = Some(closer);
        }
        let before = positions.partition_point(|&p| p < boundary);
        let total = positions.len();
        before % 2 == 1 || (before == 0 && total - before == 1)
    }
}

/// `closer_opens_next_sentence`.
fn closer_opens_next_sentence(text: &str, boundary: usize, closer: &str, ranges: &[Span]) -> bool {
    is_symmetric_closer(closer)
        && text[..boundary]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace)
        && starts_new_utterance(text, boundary + closer.len())
        && ranges.iter().any(|r| {
            r.end <= boundary && r.is_symmetric_quote() && text[r.start..].starts_with(closer)
        })
}

/// `NUMBERED_REFERENCE_REGEX`, `^(\s*\[\d+])+`: the end of the match.
fn numbered_reference(s: &str) -> Res<Option<usize>> {
    let bytes = s.as_bytes();
    let mut pos = 0;
    let mut matched = None;
    loop {
        let rest = &s[pos..];
        let trimmed = trim_start(rest);
        let open = pos + (rest.len() - trimmed.len());
        if bytes.get(open) != Some(&b'[') {
            break;
        }
        let mut i = open + 1;
        while let Some(&b) = bytes.get(i) {
            if b.is_ascii_digit() {
                i += 1;
            } else if b >= 0x80 {
                // A non-ASCII decimal digit would count too.
                return Err(Unsupported);
            } else {
                break;
            }
        }
        if i == open + 1 || bytes.get(i) != Some(&b']') {
            break;
        }
        pos = i + 1;
        matched = Some(pos);
    }
    Ok(matched)
}

/// `terminator_continues`.
fn terminator_continues(matched: &str, head: &str, next_word: &str) -> Res<bool> {
    if matched.chars().nth(1).is_some() {
        return Ok(is_ellipsis_continuation(next_word)
            || (head.chars().next_back().is_some_and(|c| !c.is_whitespace())
                && starts_with_ascii_lowercase_or_digit(next_word)));
    }
    if continue_in_next_word(next_word) {
        return Ok(true);
    }
    Ok(matches!(matched, "!" | "?")
        && matches!(head.as_bytes().last(), Some(b' ' | b'\t'))
        && continues_after_nonword(next_word)?)
}

/// English `is_ellipsis_continuation`: `^\s+[0-9a-z]` or
/// `^\s+I(?:[\s'’]|$)`.
fn is_ellipsis_continuation(s: &str) -> bool {
    let trimmed = trim_start(s);
    if trimmed.len() == s.len() {
        return false;
    }
    match trimmed.as_bytes().first() {
        Some(b'a'..=b'z' | b'0'..=b'9') => true,
        Some(b'I') => {
            let rest = &trimmed[1..];
            rest.is_empty()
                || rest.starts_with(|c: char| c.is_whitespace() || c == '\'' || c == '\u{2019}')
        }
        _ => false,
    }
}

/// `continue_in_next_word`.
fn continue_in_next_word(s: &str) -> bool {
    starts_with_ascii_lowercase_or_digit(s) || peel_leading_symmetric_quote(s).starts_with(',')
}

/// `get_boundary_extend`.
fn boundary_extend(word: &str) -> Res<Option<usize>> {
    if continue_in_next_word(word.trim()) || continues_after_nonword(word)? {
        return Ok(None);
    }
    let mut count = 0;
    for c in word.chars() {
        if c.is_whitespace() || is_terminator(c) {
            count += c.len_utf8();
        } else {
            break;
        }
    }
    Ok(Some(count))
}

/// `is_code_like_numbered_token`: `7.Bg5`.
fn is_code_like_numbered_token(head: &str, next_word: &str) -> bool {
    head.bytes().next_back().is_some_and(|b| b.is_ascii_digit())
        && next_word.starts_with(char::is_alphabetic)
        && next_word.bytes().any(|b| b.is_ascii_digit())
}

/// `period_suppresses_boundary`.
fn period_suppresses_boundary(
    scan: Scan<'_>,
    head: &str,
    last: &str,
    next_word: &str,
) -> Res<bool> {
    let suppress = is_name_initial(head, last, next_word) || is_abbreviation(last);
    let marker = classify_trailing_marker(head);
    if !suppress && marker.is_none() {
        return Ok(false);
    }
    let next_is_starter = next_word_is_starter(next_word);
    let marker_bypass = match &marker {
        Some(m) => marker_bypasses_suppression(scan, m, next_word, next_is_starter)?,
        None => false,
    };
    Ok(!marker_bypass && !should_override_abbreviation(head, last, next_is_starter))
}

/// `is_name_initial_for`.
fn is_name_initial(head: &str, last: &str, next_word: &str) -> bool {
    if !is_single_ascii_upper(last) {
        return false;
    }
    let head = trim_end(head);
    let prefix = head[..head.len() - last.len()]
        .trim_end_matches(|c: char| c.is_whitespace() || c == '.' || c == '/');
    if last_word(prefix)
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_uppercase)
    {
        return true;
    }
    starts_with_initial(next_word)
}

/// `starts_with_initial`: `J.` then the end or whitespace.
fn starts_with_initial(s: &str) -> bool {
    let t = trim_start(s).as_bytes();
    t.first().is_some_and(u8::is_ascii_uppercase)
        && t.get(1) == Some(&b'.')
        && trim_start(s)[2..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace)
}

/// `should_override_abbrev_suppression_for`.
fn should_override_abbreviation(head: &str, last: &str, next_is_starter: bool) -> bool {
    if !next_is_starter {
        return false;
    }
    if last.as_bytes().first().is_some_and(u8::is_ascii_uppercase) {
        return true;
    }
    if is_multi_dot_abbreviation(head, last.len()) {
        return true;
    }
    last.chars().nth(1).is_some() && ABBREVIATIONS.contains(last)
}

/// `is_multi_dot_abbreviation`.
fn is_multi_dot_abbreviation(head: &str, tail_len: usize) -> bool {
    let full = last_word_full(head);
    full.len() > tail_len && is_abbreviation(full)
}

#[cfg(test)]
mod tests {
    //! The tables read from sentencex, checked against sentencex more widely
    //! than the probes that read them: whole ranges of characters, all short
    //! strings, and lines split both ways.

    use super::*;

    /// The sentence starts sentencex finds in `line` (as `split.rs` derives
    /// them).
    fn sentencex_starts(line: &str) -> Vec<usize> {
        let base = line.as_ptr().addr();
        let mut cuts = Vec::new();
        for segment in ENGLISH.segment(line).iter().skip(1) {
            let offset = segment.as_ptr().addr() - base;
            let cut = offset + (segment.len() - segment.trim_start().len());
            if cut > cuts.last().copied().unwrap_or(0) && cut < line.len() {
                cuts.push(cut);
            }
        }
        cuts
    }

    /// The sentence starts this module finds in `line`, if it handles it.
    fn fast_starts(line: &str) -> Option<Vec<usize>> {
        let mut hits = Vec::new();
        collect_hits(line, &mut hits);
        let mut cuts = Vec::new();
        let scan = Scan::new(line, &hits, 0);
        sentence_starts(scan, &mut Buffers::default(), &mut cuts).ok()?;
        Some(cuts)
    }

    /// Asserts that this module, where it handles `line`, splits it as
    /// sentencex does; returns whether it handles it.
    fn assert_same(line: &str) -> bool {
        let Some(fast) = fast_starts(line) else {
            return false;
        };
        assert_eq!(fast, sentencex_starts(line), "{line:?}");
        true
    }

    /// sentencex's list bullets, learnt by segmenting a paragraph with a
    /// line `{c} Q` for each character `c` of U+2000–U+2FFF, as bits: how
    /// the bullets were read before [`probe_bullet`] asked about one
    /// character at a time.
    fn read_bullets() -> Option<[u64; 64]> {
        let mut text = String::from("ab\n");
        let mut starts = Vec::with_capacity(0x1000);
        for c in '\u{2000}'..='\u{2FFF}' {
            starts.push(text.len());
            text.push(c);
            text.push_str(" Q\n");
        }
        let base = text.as_ptr().addr();
        let mut bullets = [0u64; 64];
        for segment in ENGLISH.segment(&text) {
            let offset = segment.as_ptr().addr().checked_sub(base)?;
            if let Ok(k) = starts.binary_search(&offset) {
                bullets[k / 64] |= 1 << (k % 64);
            }
        }
        Some(bullets)
    }

    #[test]
    fn bullet_probes_match_reading_all_bullets_at_once() {
        let all = read_bullets().expect("sentencex answers the probe");
        assert!(all.iter().any(|&w| w != 0));
        for (k, c) in ('\u{2000}'..='\u{2FFF}').enumerate() {
            let expected = all[k / 64] >> (k % 64) & 1 == 1;
            assert_eq!(probe_bullet(c), Some(expected), "{c:?}");
            // Asked twice: the second answer comes from the bits.
            assert_eq!(is_bullet(c), expected, "{c:?}");
            assert_eq!(is_bullet(c), expected, "{c:?}");
        }
        // Outside U+2000–U+2FFF nothing is a bullet.
        for c in ['a', '\u{1FFF}', '\u{3000}'] {
            assert!(!is_bullet(c), "{c:?}");
        }
        assert!(!BULLET_PROBE_FAILED.load(Ordering::Relaxed));
    }

    #[test]
    fn word_bits_are_the_regex_s() {
        let regex = Regex::new(r"^\w").unwrap();
        // Both table ranges, and characters around them (which the regex
        // itself answers).
        let around = [
            '\u{7F}', '\u{100}', '\u{1FFF}', '\u{2080}', 'é', '한', '\u{301}',
        ];
        for c in ('\u{80}'..='\u{FF}')
            .chain('\u{2000}'..='\u{207F}')
            .chain(around)
        {
            let mut buf = [0u8; 4];
            assert_eq!(
                is_word(c),
                Ok(regex.is_match(c.encode_utf8(&mut buf))),
                "{c:?}"
            );
        }
    }

    #[test]
    fn hits_hold_every_byte_looked_for_and_no_continuation_byte() {
        // Line ends, terminators, quotes, brackets, `@`, the backtick.
        let looked_for = b"\n\r!\"'()<>?@[]{}`.";
        for b in 0..=u8::MAX {
            if looked_for.contains(&b) || b >= 0xC0 {
                assert!(is_hit(b), "{b:#x}");
            }
            // The bytes every text is mostly made of are not hits.
            if b.is_ascii_alphanumeric() || matches!(b, b' ' | b',' | b'-' | b'/' | b':') {
                assert!(!is_hit(b), "{b:#x}");
            }
            // Nor are the bytes that continue a character.
            if (0x80..0xC0).contains(&b) {
                assert!(!is_hit(b), "{b:#x}");
            }
        }
        // `collect_hits` finds them all, in blocks and in the tail.
        let text = "Ab (c) [d] {e} <f> \"g\" 'h' `i` j@k. L! M? Café — “n” ñ;\r\n".repeat(3);
        let mut hits = Vec::new();
        collect_hits(&text, &mut hits);
        assert_eq!(hits, hits_byte_by_byte(&text));
    }

    /// What `collect_hits` must find: the positions of the bytes `is_hit`
    /// picks, one byte at a time.
    fn hits_byte_by_byte(text: &str) -> Vec<u32> {
        (0u32..)
            .zip(text.bytes())
            .filter(|&(_, b)| is_hit(b))
            .map(|(i, _)| i)
            .collect()
    }

    proptest::proptest! {
        /// `collect_hits` finds the bytes `is_hit` picks, at any length (in
        /// whole blocks, in a tail read in place, in a padded short text).
        #[test]
        fn hits_are_the_bytes_is_hit_picks(text in proptest::prelude::any::<String>()) {
            let mut hits = Vec::new();
            collect_hits(&text, &mut hits);
            proptest::prop_assert_eq!(hits, hits_byte_by_byte(&text));
        }
    }

    #[test]
    fn sentencex_data_is_read() {
        assert!(data_is_usable());
        assert!(!QUOTES.pairs.is_empty() && !MARKERS.list.is_empty());
        assert!(
            TERMINATORS_BEYOND_ASCII
                .get()
                .is_some_and(|t| !t.is_empty())
                && is_bullet('•')
        );
    }

    #[test]
    fn terminators_are_sentencex_s() {
        // A starter then `c` is a starter when `c` is whitespace, a comma or
        // a terminator (`next_word_is_sentence_starter`).
        assert!(data_is_usable());
        let starter = "The";
        assert!(ENGLISH.next_word_is_sentence_starter(starter));
        for c in ('\u{80}'..='\u{1FFFF}').filter(|c| !c.is_whitespace()) {
            let probe = format!("{starter}{c}");
            assert_eq!(
                is_terminator(c),
                ENGLISH.next_word_is_sentence_starter(&probe),
                "{c:?}"
            );
        }
        for c in ['!', '.', '?', ',', 'a', ';'] {
            assert_eq!(is_terminator(c), !matches!(c, 'a' | ',' | ';'));
        }
    }

    #[test]
    fn word_lists_are_sentencex_s() {
        assert!(data_is_usable());
        let mut words: Vec<String> = Vec::new();
        for set in [
            ENGLISH.get_abbreviations(),
            ENGLISH.get_sentence_starters(),
            ENGLISH.get_fronting_words(),
        ] {
            for w in set {
                words.extend([
                    w.clone(),
                    w.to_uppercase(),
                    w.to_lowercase(),
                    format!("{w}s"),
                    w[..w.len() - w.chars().next_back().map_or(0, char::len_utf8)].to_string(),
                ]);
            }
        }
        words.extend(
            [
                "NO\u{331}",
                "N\u{b0}",
                "\u{212a}y",
                "ÉTC",
                "",
                "x",
                "averyveryverylongword",
                "Ph.D",
            ]
            .map(String::from),
        );
        let (abbreviations, starters, fronting) = (
            ENGLISH.get_abbreviations(),
            ENGLISH.get_sentence_starters(),
            ENGLISH.get_fronting_words(),
        );
        for w in &words {
            assert_eq!(
                is_abbreviation(w),
                ENGLISH.is_abbreviation_for(w, "."),
                "{w:?}"
            );
            assert_eq!(
                ABBREVIATIONS.contains(w),
                abbreviations.contains(w),
                "{w:?}"
            );
            assert_eq!(STARTERS.contains(w), starters.contains(w), "{w:?}");
            assert_eq!(
                FRONTING.contains_lowercase(w),
                fronting.contains(&w.to_lowercase()),
                "{w:?}"
            );
            let next = format!("  {w}, and");
            assert_eq!(
                next_word_is_starter(&next),
                ENGLISH.next_word_is_sentence_starter(&next),
                "{next:?}"
            );
        }
    }

    /// This module's `period_suppresses_boundary` after `head` with no word
    /// before the full stop (so only trailing markers count).
    fn marker_suppresses(head: &str, next: &str) -> bool {
        let mut hits = Vec::new();
        collect_hits(head, &mut hits);
        period_suppresses_boundary(Scan::new(head, &hits, 0), head, "", next)
            .expect("no quotes in the probes")
    }

    #[test]
    fn trailing_markers_are_sentencex_s() {
        assert!(data_is_usable());
        let mut suffixes: Vec<String> = Vec::new();
        // Every string of up to three letters and full stops.
        let alphabet: Vec<char> = ('a'..='z').chain('A'..='Z').chain(['.']).collect();
        for &a in &alphabet {
            suffixes.push(a.to_string());
            for &b in &alphabet {
                suffixes.push([a, b].iter().collect());
                for &c in &alphabet {
                    suffixes.push([a, b, c].iter().collect());
                }
            }
        }
        let heads: Vec<String> = suffixes.iter().map(|s| format!("5 {s}")).collect();
        for head in &heads {
            assert_eq!(
                classify_trailing_marker(head).is_some(),
                ENGLISH.period_suppresses_boundary(head, "", "x"),
                "{head:?}"
            );
        }
        // Every spelling of the candidates, in every case, in every probe.
        for spelling in marker_spellings() {
            for v in case_variants(&spelling.to_ascii_lowercase()).0 {
                for head in [
                    format!("5 {v}"),
                    format!("zq {v}"),
                    format!("zq 5 {v}"),
                    v.clone(),
                ] {
                    for next in ["x", "7", "Qz", "The", "J. R."] {
                        assert_eq!(
                            marker_suppresses(&head, next),
                            ENGLISH.period_suppresses_boundary(&head, "", next),
                            "{head:?} {next:?}"
                        );
                    }
                }
            }
        }
    }

    /// The characters of the blocks that hold punctuation but whitespace
    /// and the backtick, each also doubled.
    fn punctuation() -> Vec<String> {
        let blocks = [
            '!'..='/',
            ':'..='@',
            '['..='_',
            '{'..='~',
            '\u{A1}'..='\u{BF}',
            '\u{2010}'..='\u{205E}',
            '\u{2300}'..='\u{23FF}',
            '\u{2700}'..='\u{27BF}',
            '\u{2E00}'..='\u{2E5D}',
            '\u{3001}'..='\u{303F}',
            '\u{FE10}'..='\u{FE6B}',
            '\u{FF01}'..='\u{FF65}',
        ];
        let chars: Vec<char> = blocks
            .into_iter()
            .flatten()
            .filter(|c| !c.is_whitespace())
            .collect();
        chars
            .iter()
            .map(char::to_string)
            .chain(chars.iter().map(|&c| [c, c].iter().collect()))
            .collect()
    }

    #[test]
    fn quote_pairs_are_sentencex_s() {
        assert!(data_is_usable());
        let candidates = punctuation();
        // The closers: after a full stop, sentencex's boundary moves past
        // a stray closer (`extend_past_orphan_closer`).
        let closers: Vec<&str> = candidates
            .iter()
            .filter(|d| ENGLISH.segment(&format!("Xq. {d} Cd"))[0] == format!("Xq. {d} "))
            .map(String::as_str)
            .collect();
        let mut ours = QUOTES.closers.clone();
        ours.sort_unstable();
        let mut theirs = closers.clone();
        theirs.sort_unstable();
        assert_eq!(ours, theirs);

        // The openers: each with all the closers after it.
        let closers_text: String = QUOTES.closers.concat();
        let mut pairs = Vec::new();
        let mut ranges = Vec::new();
        for o in &candidates {
            ENGLISH.get_skippable_ranges(&format!("{o}a{closers_text} x"), &mut ranges);
            if let Some(p) = ranges
                .iter()
                .find(|r| r.start == 0 && r.is_quote())
                .and_then(|r| r.quote_pair)
            {
                let pair = Pair::new(p.open, p.close, p.ambiguous);
                assert_eq!(
                    identify_pair(o, 0).map(|i| QUOTES.pairs[usize::from(i)]),
                    Some(pair)
                );
                if !pairs.contains(&pair) {
                    pairs.push(pair);
                }
            }
        }
        assert_eq!(pairs.len(), QUOTES.pairs.len());
        assert!(pairs.iter().all(|p| QUOTES.pairs.contains(p)));

        // No pair hides another with the same opener: without its closer,
        // nothing opens there.
        for p in QUOTES.pairs.iter() {
            let others = closers_text.replace(p.close, "");
            ENGLISH.get_skippable_ranges(&format!("{}a{others} x", p.open), &mut ranges);
            assert!(
                !ranges.iter().any(|r| r.start == 0 && r.is_quote()),
                "{p:?}"
            );
        }
    }

    #[test]
    fn lines_with_quotes_split_as_sentencex_splits_them() {
        let marks: Vec<char> = QUOTATION_MARKS
            .iter()
            .flat_map(Clone::clone)
            .chain(['«', '»', '(', ')', '[', ']'])
            .collect();
        let mut handled = 0;
        for &a in &marks {
            for &b in &marks {
                for line in [
                    format!("He said {a}Stop. Now.{b} Then {a}we left{b}. The end."),
                    format!("{a}Why? {b}Kim asked. {a} Fine. {b} I said. {b}Ok{a}."),
                    format!("It ended.{a} The {b}U.S. Army{b} left at 5 p.m. Then {a}x{a}, and."),
                ] {
                    handled += usize::from(assert_same(&line));
                }
            }
        }
        assert!(handled > marks.len() * marks.len());
    }

    #[test]
    fn lines_with_bullets_and_symbols_split_as_sentencex_splits_them() {
        for c in '\u{2000}'..='\u{2FFF}' {
            for line in [
                format!("Items: {c} One. {c} Two. Three."),
                format!("{c} One. Two{c} Three. Four {c}{c} five. 6{c} Seven."),
            ] {
                assert_same(&line);
            }
        }
    }
}
