//! Sentence splitting tuned for wire news.
//!
//! [`NewsSplitter`] runs [sentencex](https://crates.io/crates/sentencex)'s
//! English rules on each line of the text, then re-decides the breaks where
//! sentencex alone gets wire copy wrong. Spans are byte ranges into the text;
//! see [`SentenceSplitter`] for the guarantees.
//!
//! sentencex's breaks are found by `split_fast`, a reimplementation of
//! sentencex 0.1.33's English segmentation that scans each text once for
//! the bytes that matter and gives exactly sentencex's breaks; the few lines
//! it leaves alone (list items, e-mail addresses, backticks, CJK brackets)
//! go to sentencex itself. Tests compare the two on generated text.
//!
//! # The rules
//!
//! * **Every line break ends a sentence.** `\n`, `\r\n`, a lone `\r`, U+2028
//!   and U+2029 end a line. Headlines, datelines and bylines without final
//!   punctuation are sentences of their own; no sentence spans two lines.
//! * **Titles never end a sentence.** After `Mr.`, `Mrs.`, `Ms.`, `Dr.`,
//!   `Gen.`, `Lt.`, `Col.`, `Sgt.`, `Capt.`, `Adm.`, `Gov.`, `Sen.`, `Rep.`,
//!   `Pres.`, `Prof.`, `Rev.` and other ranks, and after `vs.`, `v.`,
//!   `approx.`, `e.g.`, `i.e.` and `a.k.a.`, the sentence goes on, even before
//!   a name that looks like a sentence start (`Rep. Will Hurd`). Titles count
//!   only when capitalised (`Gen.`, not `gen.`).
//! * **`No.` before a number** (`No. 2`) never ends a sentence; elsewhere
//!   sentencex decides (`Will he stay? No. He resigned.` splits).
//! * **Abbreviations that can end a sentence** (`U.S.`, `U.N.`, `U.K.`,
//!   `E.U.` and any other dotted capitals such as `J.P.`; single initials such
//!   as `F.`; `Inc.`, `Co.`, `Corp.`, `Ltd.`, `Jr.`, `Sr.`, `St.`, `etc.`;
//!   month abbreviations such as `Jan.` and `Sept.`) end a sentence only when
//!   the next word, possibly after an opening quote or bracket, is a common
//!   sentence starter: a function word such as `The`, `A`, `In`, `But`, `He`,
//!   `She`, `It`, `They`, `We`, `This`, `That`, `On`, `At` (the full list is
//!   `STARTERS` in the source). So `left for the U.S. The talks…` splits,
//!   while `U.S. Trade Representative Tai`, `Hyundai Motor Co. Chairman…`,
//!   `John F. Kennedy` and `Jan. 20` stay whole. Before any other
//!   capitalised word the sentence goes on: merging two sentences is the
//!   safer error for tone scoring than cutting a title from its name.
//! * **Places after a comma.** `D.C.` and the AP state abbreviations
//!   (`Calif.`, `Ky.`, `N.J.`, …) follow the rule above, and in addition
//!   end a sentence before *any* capitalised word when they follow a comma,
//!   because AP style puts a comma after the state when the sentence goes on
//!   (`Lexington, Ky., said`). So `in Washington, D.C. Officials said…`
//!   splits, while `D.C. Mayor…` without a comma before it does not.
//! * **Times of day.** After a number and `a.m.` or `p.m.` (`5 p.m.`,
//!   `11:45 p.m.`) the sentence goes on before lower case, digits, a day or
//!   month name, a time zone (`EDT`, `GMT`, `KST`, …) or a word followed by
//!   `time` (`Moscow time`), and ends before any other capitalised word or a
//!   quote: `at 10 a.m. Tuesday` stays whole, while `at 6 p.m. Police said…`
//!   and `at 5 p.m. "We will talk," he said.` split. Without a number before
//!   (`A.M. Best Co.`) they follow the previous rule.
//! * **Quoted questions and exclamations keep their speaker.**
//!   After `?` or `!` and a closing quote, the sentence goes on when the next
//!   word is lower case (`"Is this war?" he asked.`, which sentencex gets
//!   wrong when the opening quote is missing from the line), or when the
//!   next sentence starts with a capitalised word and has a verb of speech
//!   (`said`, `asked`, `added`, `told`, `shouted`, …) among its first twelve
//!   words (`“Is this war?” Kim asked.`, `“Why now?” Chinese Foreign Minister
//!   Wang Yi asked reporters.`), with no quote opening before it.
//! * **Paragraphs glued with a comma are split again.** After `.`, `!` or
//!   `?` (perhaps with a closing quote), a comma, two spaces or more and a
//!   capital letter or an opening quote end a sentence: a list of
//!   paragraphs joined with `", "` (`… on Friday.,  On the occasion …`).
//!   One space (`the U.S., Japan`) or a small letter after it goes on.
//! * **Everything else is sentencex's**: decimals and money (`$34.5 billion`,
//!   `3.2%`, `1.5 million`), ellipses (`...` and `…` before lower case go on,
//!   before a capital they end the sentence), full stops inside closing
//!   quotes (`."` and `.”` stay with their sentence), `?` and `!` inside quotes
//!   before lower case, parentheses such as `(R-Ky.).`.
//!
//! # Where sentencex alone goes wrong on news
//!
//! These are what the rules above fix: it splits `Ms. Lee` after a lower-case
//! word (it reads `MS` as the degree), splits after a title before a name
//! that is also a starter word (`Rep. Will`), splits after `approx.` and
//! `Ft.`, splits `a.m. Tuesday` and `a.m. GMT`, keeps `p.m. "We will…`
//! together, never splits `Washington, D.C. Officials…`, keeps
//! `“Is this war?”` apart from `Kim asked.`, and does not treat a single
//! `\n` as a break.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::LazyLock;

use sentencex::languages::{English, Language};

use super::split_fast;

/// Splits text into sentences.
///
/// Spans are byte ranges into `text`, in order, non-overlapping, trimmed of
/// surrounding whitespace, never empty, and together they cover every
/// non-whitespace character of `text`.
///
/// # Example
///
/// ```
/// use stancemeter::text::{NewsSplitter, SentenceSplitter};
///
/// let text = "Talks resumed. Both sides agreed.";
/// let spans = NewsSplitter::new().spans(text);
/// let sentences: Vec<&str> = spans.into_iter().map(|r| &text[r]).collect();
/// assert_eq!(sentences, ["Talks resumed.", "Both sides agreed."]);
/// ```
pub trait SentenceSplitter: Send + Sync {
    /// The byte ranges of the sentences of `text`, in order.
    fn spans(&self, text: &str) -> Vec<Range<usize>>;
}

/// The default splitter: sentencex (English) with news rules on top.
///
/// See the [module documentation](self) for the rules. The splitter holds no
/// state, so one value can be shared between threads.
///
/// # Example
///
/// ```
/// use stancemeter::text::{NewsSplitter, SentenceSplitter};
///
/// let text = "SEOUL, Jan. 20 (Yonhap)\n\
///             Ms. Lee met U.S. envoys at 10 a.m. Tuesday. The talks ended.";
/// let splitter = NewsSplitter::new();
/// let sentences: Vec<&str> = splitter.spans(text).into_iter().map(|r| &text[r]).collect();
/// assert_eq!(
///     sentences,
///     [
///         "SEOUL, Jan. 20 (Yonhap)",
///         "Ms. Lee met U.S. envoys at 10 a.m. Tuesday.",
///         "The talks ended.",
///     ]
/// );
/// ```
#[derive(Debug, Clone, Default)]
pub struct NewsSplitter {
    _private: (),
}

impl NewsSplitter {
    /// Creates the splitter.
    pub fn new() -> NewsSplitter {
        NewsSplitter::default()
    }
}

impl SentenceSplitter for NewsSplitter {
    fn spans(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::with_capacity(text.len() / 96 + 1);
        fast_spans(text, &mut out);
        out
    }
}

impl NewsSplitter {
    /// Like [`SentenceSplitter::spans`], but appends the spans to `out`;
    /// its working buffers are kept by the thread from call to call. A
    /// loop over many documents with one `out` then allocates nothing for
    /// most of them (the pipeline splits this way).
    ///
    /// ```
    /// use stancemeter::text::NewsSplitter;
    ///
    /// let splitter = NewsSplitter::new();
    /// let mut spans = Vec::new();
    /// let mut sentences = 0;
    /// for text in ["Talks resumed. Both sides agreed.", "Seoul protested."] {
    ///     spans.clear();
    ///     splitter.spans_into(text, &mut spans);
    ///     sentences += spans.len();
    /// }
    /// assert_eq!(sentences, 3);
    /// ```
    pub fn spans_into(&self, text: &str, out: &mut Vec<Range<usize>>) {
        fast_spans(text, out);
    }
}

/// The spans [`NewsSplitter`] gives when every line goes through sentencex
/// itself rather than this module's fast reimplementation of it: the
/// reference the fast path is tested against. Not part of the stable API.
#[doc(hidden)]
pub fn reference_spans(text: &str) -> Vec<Range<usize>> {
    spans_with(text, Segmenter::Sentencex)
}

/// Which implementation of sentencex's English rules finds the base breaks.
#[derive(Debug, Clone, Copy)]
enum Segmenter<'a> {
    /// [`split_fast`], falling back to sentencex on lines it does not
    /// handle; with the [`split_fast::collect_hits`] of the whole text that
    /// fall in the line (untrimmed).
    Fast(&'a [u32]),
    /// sentencex on every line.
    Sentencex,
}

/// Buffers reused from line to line.
#[derive(Debug, Default)]
struct Scratch {
    /// Sentence starts within the line.
    cuts: Vec<usize>,
    /// For [`split_fast`].
    buffers: split_fast::Buffers,
}

/// [`NewsSplitter::spans`] with sentencex on every line.
fn spans_with(text: &str, segmenter: Segmenter<'_>) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(text.len() / 96 + 1);
    let mut scratch = Scratch::default();
    for line in line_ranges(text) {
        let (start, end) = trim_range(text, line.start, line.end);
        if start < end {
            split_line(&text[start..end], start, segmenter, &mut scratch, &mut out);
        }
    }
    out
}

thread_local! {
    /// The buffers of [`fast_spans`], kept by each thread from text to
    /// text: the hits, and the scratch space of its lines (each line
    /// clears what it uses). Fresh ones for every document, with the
    /// pipeline's own per-document buffers, were 0.71% of the instructions
    /// of a one-thread run on every tenth UN speech, most of them growing
    /// the same vectors again.
    static FAST_SPANS: RefCell<(Vec<u32>, Scratch)> = RefCell::new((Vec::new(), Scratch::default()));
}

/// [`NewsSplitter::spans_into`]: one scan of the text finds the bytes that
/// matter (line ends, terminators, quotes, brackets, characters beyond
/// ASCII); the lines come from it as [`line_ranges`] would cut them.
fn fast_spans(text: &str, out: &mut Vec<Range<usize>>) {
    if u32::try_from(text.len()).is_err() {
        out.extend(spans_with(text, Segmenter::Sentencex));
        return;
    }
    crate::with_thread_buffers(&FAST_SPANS, Default::default, |(hits, scratch)| {
        fast_spans_with(text, hits, scratch, out)
    });
}

/// [`fast_spans`] with the buffers it reuses.
fn fast_spans_with(
    text: &str,
    hits: &mut Vec<u32>,
    scratch: &mut Scratch,
    out: &mut Vec<Range<usize>>,
) {
    hits.clear();
    hits.reserve(text.len() / 16);
    split_fast::collect_hits(text, hits);
    let bytes = text.as_bytes();
    let mut line = |start: usize, end: usize, hits: &[u32], out: &mut Vec<Range<usize>>| {
        let (start, end) = trim_range(text, start, end);
        if start < end {
            split_line(
                &text[start..end],
                start,
                Segmenter::Fast(hits),
                scratch,
                out,
            );
        }
    };
    let mut line_start = 0;
    // The index of the line's first hit.
    let mut first_hit = 0;
    for (i, &h) in hits.iter().enumerate() {
        let h = h as usize;
        if h < line_start {
            // The `\n` of a `\r\n`.
            first_hit = i + 1;
            continue;
        }
        let Some(break_len) = line_break_len(bytes, h) else {
            continue;
        };
        line(line_start, h, &hits[first_hit..i], out);
        line_start = h + break_len;
        first_hit = i + 1;
    }
    line(line_start, text.len(), &hits[first_hit..], out);
}

/// Byte ranges of the lines of `text`, without their line terminators.
///
/// A line ends at `\n`, `\r\n`, a lone `\r`, U+2028 (line separator) or
/// U+2029 (paragraph separator). Empty lines are yielded too, so callers can
/// see paragraph breaks.
///
/// One pass over the text: [`next_break_candidate`] skips sixty-four bytes at a
/// time to the next byte that may start a line break, and only those bytes
/// are looked at more closely.
pub(crate) fn line_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut pos = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let start = pos;
        let mut i = start;
        loop {
            i = next_break_candidate(bytes, i);
            if i >= bytes.len() {
                done = true;
                return Some(start..bytes.len());
            }
            if let Some(break_len) = line_break_len(bytes, i) {
                pos = i + break_len;
                return Some(start..i);
            }
            // 0xE2 starting other punctuation (`’`, `—`, `…`).
            i += 1;
        }
    })
}

/// The first byte at or after `from` that may start a line break: `\n`,
/// `\r`, or 0xE2 (the first byte of U+2028 and U+2029 in UTF-8, and of
/// other punctuation); `bytes.len()` if there is none.
///
/// Sixty-four bytes per round: a flag per byte, set without branches (which
/// the compiler turns into vector operations), then the flags sixteen at a
/// time as a `u128`, whose trailing zeros give the first flagged byte.
fn next_break_candidate(bytes: &[u8], from: usize) -> usize {
    let candidate = |b: u8| (b == b'\n') | (b == b'\r') | (b == 0xE2);
    let mut at = from;
    let (blocks, _) = bytes[from..].as_chunks::<64>();
    for block in blocks {
        let mut flags = [0u8; 64];
        for (flag, &b) in flags.iter_mut().zip(block) {
            *flag = u8::from(candidate(b));
        }
        let (words, _) = flags.as_chunks::<16>();
        for (k, word) in (0..).zip(words) {
            let word = u128::from_le_bytes(*word);
            if word != 0 {
                return at + k * 16 + (word.trailing_zeros() / 8) as usize;
            }
        }
        at += 64;
    }
    bytes[at..]
        .iter()
        .position(|&b| candidate(b))
        .map_or(bytes.len(), |i| at + i)
}

/// The length of the line break starting at byte `i`, if one does: `\n`,
/// `\r\n`, a lone `\r`, U+2028 or U+2029.
fn line_break_len(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes[i] {
        b'\n' => Some(1),
        b'\r' if bytes.get(i + 1) == Some(&b'\n') => Some(2),
        b'\r' => Some(1),
        0xE2 if bytes.get(i + 1) == Some(&0x80)
            && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) =>
        {
            Some(3)
        }
        _ => None,
    }
}

/// `start..end` of `text` without leading and trailing whitespace.
fn trim_range(text: &str, start: usize, end: usize) -> (usize, usize) {
    let s = &text[start..end];
    // Most lines start and end with a visible ASCII character.
    if let (Some(&first), Some(&last)) = (s.as_bytes().first(), s.as_bytes().last())
        && first.is_ascii_graphic()
        && last.is_ascii_graphic()
    {
        return (start, end);
    }
    let trimmed_start = s.trim_start();
    let new_start = start + (s.len() - trimmed_start.len());
    (new_start, new_start + trimmed_start.trim_end().len())
}

/// Splits one trimmed, non-empty line (starting at byte `base` of the whole
/// text) and pushes its sentence spans onto `out`. `cuts` is scratch space.
fn split_line(
    line: &str,
    base: usize,
    segmenter: Segmenter<'_>,
    scratch: &mut Scratch,
    out: &mut Vec<Range<usize>>,
) {
    let Scratch { cuts, buffers } = scratch;
    let scan = match segmenter {
        Segmenter::Fast(hits) => Some(split_fast::Scan::new(line, hits, base)),
        Segmenter::Sentencex => None,
    };
    // Lines with no terminator at all (headlines, datelines, bylines) need
    // no segmenter. Non-ASCII lines might hold other scripts' terminators.
    let no_breaks = match &scan {
        Some(scan) => !scan.may_have_breaks(),
        None => line
            .bytes()
            .all(|b| b < 0x80 && !matches!(b, b'.' | b'!' | b'?')),
    };
    if no_breaks {
        out.push(base..base + line.len());
        return;
    }

    cuts.clear();
    match scan {
        Some(scan) => {
            fast_cuts(line, scan, buffers, cuts);
            let bytes = line.as_bytes();
            let ends = scan
                .all()
                .filter(|&h| matches!(bytes[h], b'.' | b'!' | b'?'));
            apply_abbreviation_rules(line, ends, cuts);
        }
        None => {
            sentencex_cuts(line, cuts);
            let ends = line.match_indices(['.', '!', '?']).map(|(i, _)| i);
            apply_abbreviation_rules(line, ends, cuts);
        }
    }
    apply_attribution_rule(line, cuts);

    let mut start = 0;
    for end in cuts.iter().copied().chain(std::iter::once(line.len())) {
        let piece = line[start..end].trim_end();
        if !piece.is_empty() {
            out.push(base + start..base + start + piece.len());
        }
        start = end;
    }
}

/// Appends to `cuts` the sentence starts that sentencex finds in `line`,
/// computed by [`split_fast`] where it can, else by sentencex.
fn fast_cuts(
    line: &str,
    scan: split_fast::Scan<'_>,
    buffers: &mut split_fast::Buffers,
    cuts: &mut Vec<usize>,
) {
    let first = cuts.len();
    // A bug in the fast path must not take the run down either: sentencex
    // then decides the line.
    let fast = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        split_fast::sentence_starts(scan, buffers, cuts)
    }));
    if !matches!(fast, Ok(Ok(()))) {
        cuts.truncate(first);
        sentencex_cuts(line, cuts);
    }
}

/// Appends to `cuts` the sentence starts that sentencex finds in `line`
/// (excluding 0), in increasing order, each at a non-whitespace character.
fn sentencex_cuts(line: &str, cuts: &mut Vec<usize>) {
    let line_addr = line.as_ptr().addr();
    // sentencex is young (its latest release fixed a panic on Unicode
    // whitespace), so a panic in it must not take the whole run down: the
    // line then keeps only the breaks the news rules add.
    let Ok(segments) = std::panic::catch_unwind(|| English {}.segment(line)) else {
        return;
    };
    let mut last = 0;
    for seg in segments.iter().skip(1) {
        // Segments are subslices of `line`; recover their offsets. Any
        // segment that does not sit inside the line, goes backwards or does
        // not start on a char boundary is ignored, so a sentencex bug can
        // only cost a split, never coverage.
        let Some(offset) = seg.as_ptr().addr().checked_sub(line_addr) else {
            continue;
        };
        if offset.saturating_add(seg.len()) > line.len() {
            continue;
        }
        let lead = seg.len() - seg.trim_start().len();
        let cut = offset + lead;
        if cut > last && cut < line.len() && line.is_char_boundary(cut) {
            cuts.push(cut);
            last = cut;
        }
    }
}

/// How an abbreviation before a full stop affects a sentence break there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Abbrev {
    /// Titles and the like: the sentence always goes on.
    Never,
    /// Can end a sentence: split only before a sentence starter.
    MaybeFinal,
    /// A state or `D.C.`: like `MaybeFinal`, and after `City, ` it also
    /// splits before any capitalised word.
    Place,
    /// `No.`: the sentence goes on before a number; otherwise sentencex
    /// decides.
    BeforeNumber,
    /// `a.m.`, `p.m.`: after a number, the sentence goes on before a day, a
    /// month, a time zone or `… time`, and ends before any other capitalised
    /// word. Without a number before, like `MaybeFinal`.
    Time,
}

/// Re-decides every break after `abbreviation.` followed by whitespace, for
/// the abbreviations this module knows, per the rules in the module docs;
/// and adds the breaks of [`glued_paragraph`]. `ends` are the line's `.`,
/// `!` and `?`, in order.
fn apply_abbreviation_rules(line: &str, ends: impl Iterator<Item = usize>, cuts: &mut Vec<usize>) {
    let bytes = line.as_bytes();
    for dot in ends {
        let after = &line[dot + 1..];
        if !after.starts_with(char::is_whitespace) {
            if let Some(next) = glued_paragraph(line, dot)
                && let Err(i) = cuts.binary_search(&next)
            {
                cuts.insert(i, next);
            } else if inside_dotted_acronym(bytes, dot)
                && let Ok(i) = cuts.binary_search(&(dot + 1))
            {
                cuts.remove(i);
            }
            continue;
        }
        if bytes[dot] != b'.' {
            continue;
        }
        let next = dot + 1 + (after.len() - after.trim_start().len());
        if next >= line.len() {
            break;
        }
        let Some((token_start, kind)) = abbreviation_before(bytes, dot) else {
            continue;
        };
        let rest = &line[next..];
        let split = match kind {
            Abbrev::Never => false,
            Abbrev::BeforeNumber => {
                if rest.starts_with(|c: char| c.is_ascii_digit() || c == '#') {
                    false
                } else {
                    continue;
                }
            }
            Abbrev::MaybeFinal => starts_with_starter(rest),
            Abbrev::Time if after_number(bytes, token_start) => {
                starts_with_capital(rest) && !starts_with_time_word(rest)
            }
            // `A.M. Best Co.`: no clock time before, so a plain abbreviation.
            Abbrev::Time => starts_with_starter(rest),
            Abbrev::Place => {
                starts_with_starter(rest)
                    || (after_comma(bytes, token_start) && starts_with_capital(rest))
            }
        };
        match (cuts.binary_search(&next), split) {
            (Ok(i), false) => {
                cuts.remove(i);
            }
            (Err(i), true) => cuts.insert(i, next),
            _ => {}
        }
    }
}

/// Where the next paragraph starts if the `.`, `!` or `?` at `end`
/// (perhaps with closing quotes) is glued to it by a comma: the comma, two
/// spaces or more, then a capital letter or an opening quote. That is what
/// a list of paragraphs joined with `", "` looks like when each paragraph
/// started with a space ("… on Friday.,  On the occasion …"), as in a KCNA
/// collection where 9,300 sentences were glued to the next one that way.
/// Prose never writes `.,` before two spaces; one space (`the U.S., Japan`)
/// or a small letter after it (`the C.C.,  the party`) goes on. The comma
/// stays at the end of the first sentence.
fn glued_paragraph(line: &str, end: usize) -> Option<usize> {
    // Most terminators are followed by a space or end the line.
    if !matches!(
        line.as_bytes().get(end + 1),
        Some(b',' | b'"' | b'\'' | 0xE2)
    ) {
        return None;
    }
    let after = line[end + 1..].trim_start_matches(['"', '\'', '”', '’']);
    let rest = after.strip_prefix(",  ")?.trim_start_matches(' ');
    rest.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || matches!(c, '"' | '“' | '‘' | '\''))
        .then_some(line.len() - rest.len())
}

/// Whether the full stop `bytes[dot]` is inside a dotted acronym joined to
/// the word before it: a single letter after a hyphen or slash before it,
/// a letter and a full stop right after it ("DPRK-U.S. talks",
/// "anti-U.S. rallies", "pro-U.N. forces"). The splitter's own list knows
/// "U.S." only as a word of its own, and broke these after "U.".
fn inside_dotted_acronym(bytes: &[u8], dot: usize) -> bool {
    bytes[dot] == b'.'
        && dot >= 2
        && bytes[dot - 1].is_ascii_alphabetic()
        && matches!(bytes[dot - 2], b'-' | b'/')
        && bytes.get(dot + 1).is_some_and(u8::is_ascii_alphabetic)
        && bytes.get(dot + 2) == Some(&b'.')
}

/// If the word ending at the full stop `bytes[dot]` is a known abbreviation,
/// its start and kind.
fn abbreviation_before(bytes: &[u8], dot: usize) -> Option<(usize, Abbrev)> {
    let mut start = dot;
    while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'.') {
        start -= 1;
        if dot - start > 8 {
            return None;
        }
    }
    // The word must stand alone: start of line, or after a space or an
    // ASCII opening mark. `(Rep.` and `"Mr.` count, `Café.` does not.
    if start > 0
        && !matches!(
            bytes[start - 1],
            b' ' | b'\t' | b'(' | b'[' | b'"' | b'\'' | b'-' | b'/'
        )
    {
        // A multi-byte character right before: allow only an opening
        // curly quote or a no-break space.
        if !(start >= 2 && bytes[start - 1] >= 0x80 && opening_mark_before(bytes, start)) {
            return None;
        }
    }
    let word = &bytes[start..dot];
    let first = *word.first()?;
    if first == b'.' {
        return None;
    }
    let kind = lookup(word)?;
    Some((start, kind))
}

/// True when the bytes right before `at` are `“`, `‘` or a no-break space.
fn opening_mark_before(bytes: &[u8], at: usize) -> bool {
    let before = &bytes[..at];
    before.ends_with("“".as_bytes())
        || before.ends_with("‘".as_bytes())
        || before.ends_with("\u{a0}".as_bytes())
}

/// The abbreviations this module knows, lower case and without the final
/// stop, by kind, and whether they count only when written with a capital
/// (`Gen.` is a title, `gen.` is not).
const ABBREVIATIONS: &[(Abbrev, bool, &[&str])] = &[
    // Titles and ranks.
    (
        Abbrev::Never,
        true,
        &[
            "mr", "mrs", "ms", "messrs", "dr", "drs", "gen", "gens", "lt", "col", "sgt", "capt",
            "cmdr", "adm", "maj", "brig", "cpl", "pvt", "gov", "govs", "sen", "sens", "rep",
            "reps", "pres", "prof", "rev", "msgr", "supt", "hon", "mt", "ft",
        ],
    ),
    (
        Abbrev::Never,
        false,
        &["vs", "v", "approx", "e.g", "i.e", "a.k.a", "cf", "viz"],
    ),
    (Abbrev::BeforeNumber, true, &["no", "nos"]),
    (
        Abbrev::MaybeFinal,
        true,
        &[
            "inc", "co", "corp", "ltd", "bros", "jr", "sr", "st", "ave", "blvd", "jan", "feb",
            "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        ],
    ),
    (Abbrev::MaybeFinal, false, &["etc"]),
    (Abbrev::Time, false, &["a.m", "p.m"]),
    // `D.C.` and the AP state abbreviations.
    (
        Abbrev::Place,
        true,
        &[
            "d.c", "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind",
            "kan", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev",
            "okla", "ore", "pa", "tenn", "vt", "va", "wash", "wis", "wyo", "n.h", "n.j", "n.m",
            "n.y", "n.c", "n.d", "s.c", "s.d", "r.i", "w.va",
        ],
    ),
];

/// The longest entry of [`ABBREVIATIONS`], in bytes.
const MAX_ABBREVIATION_LEN: usize = 6;

/// A word of at most 8 ASCII bytes, lower-cased and packed into an integer
/// (no entry contains a NUL byte, so the packing is unambiguous).
fn word_key(word: &[u8]) -> Option<u64> {
    let mut buf = [0u8; 8];
    for (dst, src) in buf.get_mut(..word.len())?.iter_mut().zip(word) {
        *dst = src.to_ascii_lowercase();
    }
    Some(u64::from_le_bytes(buf))
}

/// [`ABBREVIATIONS`] as a table sorted by [`word_key`], for binary search.
static ABBREVIATION_TABLE: LazyLock<Vec<(u64, Abbrev, bool)>> = LazyLock::new(|| {
    let mut table: Vec<(u64, Abbrev, bool)> = ABBREVIATIONS
        .iter()
        .flat_map(|&(kind, needs_capital, words)| {
            words.iter().filter_map(move |w| {
                debug_assert!(w.len() <= MAX_ABBREVIATION_LEN);
                word_key(w.as_bytes()).map(|key| (key, kind, needs_capital))
            })
        })
        .collect();
    table.sort_unstable_by_key(|entry| entry.0);
    table
});

/// The first letters of the entries of [`ABBREVIATIONS`] that count without
/// a capital; other lower-case words are rejected before the table lookup.
const LOWER_CASE_FIRST_LETTERS: &[u8] = b"aceipv";

/// Looks up an abbreviation (the ASCII word before a full stop, without the
/// final stop).
fn lookup(word: &[u8]) -> Option<Abbrev> {
    let first = *word.first()?;
    if first.is_ascii_lowercase() && !LOWER_CASE_FIRST_LETTERS.contains(&first) {
        return None;
    }
    let capitalised = first.is_ascii_uppercase();
    let (kind, needs_capital) = if word.len() <= MAX_ABBREVIATION_LEN
        && let Some(key) = word_key(word)
        && let Ok(i) = ABBREVIATION_TABLE.binary_search_by_key(&key, |entry| entry.0)
    {
        let (_, kind, needs_capital) = ABBREVIATION_TABLE[i];
        (kind, needs_capital)
    } else if is_dotted_acronym(word) || (word.len() == 1 && capitalised) {
        (Abbrev::MaybeFinal, true)
    } else {
        return None;
    };
    (capitalised || !needs_capital).then_some(kind)
}

/// `U.S`, `J.P`, `U.S.A`: single capital letters joined by full stops.
fn is_dotted_acronym(word: &[u8]) -> bool {
    word.len() >= 3
        && word.iter().enumerate().all(|(i, &b)| {
            if i % 2 == 0 {
                b.is_ascii_uppercase()
            } else {
                b == b'.'
            }
        })
        && word.len() % 2 == 1
}

/// True when the word starting at `start` follows `, ` (as in
/// `Washington, D.C.`).
fn after_comma(bytes: &[u8], start: usize) -> bool {
    let head = bytes[..start].trim_ascii_end();
    head.len() < start && head.last() == Some(&b',')
}

/// True when the word starting at `start` follows a number (`5 p.m.`,
/// `11:45 p.m.`).
fn after_number(bytes: &[u8], start: usize) -> bool {
    bytes[..start]
        .trim_ascii_end()
        .last()
        .is_some_and(u8::is_ascii_digit)
}

/// Opening quotes and brackets that may come before a sentence's first word.
fn skip_opening_marks(s: &str) -> &str {
    s.trim_start_matches(['"', '\'', '“', '‘', '(', '['])
}

/// True when `s` starts (after opening marks) with an upper-case letter.
fn starts_with_capital(s: &str) -> bool {
    skip_opening_marks(s).starts_with(char::is_uppercase)
}

/// Function words that start sentences and almost never follow an
/// abbreviation inside one. Case-sensitive. `No` is left out (`U.S. No. 2`),
/// as is `I` (`World War I.`).
const STARTERS: &[&str] = &[
    "A",
    "About",
    "According",
    "After",
    "Again",
    "Against",
    "Also",
    "Although",
    "Among",
    "An",
    "And",
    "Another",
    "Any",
    "As",
    "At",
    "Because",
    "Before",
    "Both",
    "But",
    "By",
    "Despite",
    "During",
    "Each",
    "Earlier",
    "Even",
    "Every",
    "For",
    "From",
    "He",
    "Her",
    "Here",
    "His",
    "How",
    "However",
    "If",
    "In",
    "Instead",
    "It",
    "Its",
    "Last",
    "Later",
    "Many",
    "Meanwhile",
    "More",
    "Most",
    "Much",
    "My",
    "Neither",
    "Nor",
    "Now",
    "Of",
    "On",
    "Once",
    "Only",
    "Or",
    "Other",
    "Others",
    "Our",
    "Over",
    "Several",
    "She",
    "Since",
    "So",
    "Some",
    "Still",
    "Such",
    "That",
    "The",
    "Their",
    "Then",
    "There",
    "These",
    "They",
    "This",
    "Those",
    "Though",
    "Thus",
    "To",
    "Today",
    "Under",
    "Until",
    "We",
    "What",
    "When",
    "Where",
    "Whether",
    "Which",
    "While",
    "Who",
    "Why",
    "With",
    "Without",
    "Yesterday",
    "Yet",
    "You",
];

/// True when `s` starts (after opening marks) with a word in [`STARTERS`],
/// followed by a non-letter (a space, an apostrophe, a comma, …).
fn starts_with_starter(s: &str) -> bool {
    let s = skip_opening_marks(s);
    let len = s
        .bytes()
        .position(|b| !b.is_ascii_alphabetic())
        .unwrap_or(s.len());
    if len == 0 || !s.as_bytes()[0].is_ascii_uppercase() {
        return false;
    }
    let word = &s[..len];
    // `A.` is an initial (`J. A. Smith`), not the article.
    if s[len..].starts_with('.') {
        return false;
    }
    STARTERS.contains(&word)
}

/// Words that continue a time of day: days, months, time zones.
const TIME_WORDS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Aug",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "Eastern",
    "Central",
    "Mountain",
    "Pacific",
    "Greenwich",
    "ET",
    "EST",
    "EDT",
    "CT",
    "CST",
    "CDT",
    "MT",
    "MST",
    "MDT",
    "PT",
    "PST",
    "PDT",
    "GMT",
    "UTC",
    "BST",
    "CET",
    "CEST",
    "EET",
    "EEST",
    "MSK",
    "IST",
    "KST",
    "JST",
    "HKT",
    "SGT",
    "AEST",
    "AEDT",
];

/// True when `s` starts with a word of [`TIME_WORDS`], or with a word
/// followed by ` time` (`Moscow time`), so a time of day goes on.
fn starts_with_time_word(s: &str) -> bool {
    let len = s
        .bytes()
        .position(|b| !b.is_ascii_alphabetic())
        .unwrap_or(s.len());
    if len == 0 {
        return false;
    }
    TIME_WORDS.contains(&&s[..len])
        || s[len..]
            .strip_prefix(" time")
            .is_some_and(|after| !after.starts_with(|c: char| c.is_alphanumeric()))
}

/// Verbs of speech that attribute a quote (`Kim asked.`).
const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "asked",
    "asks",
    "added",
    "adds",
    "told",
    "tells",
    "shouted",
    "shouts",
    "yelled",
    "cried",
    "wrote",
    "writes",
    "replied",
    "replies",
    "insisted",
    "wondered",
    "demanded",
    "exclaimed",
    "tweeted",
    "posted",
    "declared",
    "warned",
    "urged",
];

/// Joins an attribution (`Kim asked.`, `he asked.`) to the quoted question
/// or exclamation before it (`“Is this war?”`).
fn apply_attribution_rule(line: &str, cuts: &mut Vec<usize>) {
    let mut i = 0;
    while i < cuts.len() {
        let cut = cuts[i];
        let next_end = cuts.get(i + 1).copied().unwrap_or(line.len());
        let next = &line[cut..next_end];
        if ends_with_quoted_question(&line[..cut])
            && (next.starts_with(char::is_lowercase) || is_attribution(next))
        {
            cuts.remove(i);
        } else {
            i += 1;
        }
    }
}

/// True when `head` ends with `?` or `!` and then at least one closing quote.
fn ends_with_quoted_question(head: &str) -> bool {
    let head = head.trim_end();
    // Every closing quote here ends in one of these bytes (`”` and `’` in
    // 0x9D and 0x99).
    if !matches!(head.as_bytes().last(), Some(b'"' | b'\'' | 0x9D | 0x99)) {
        return false;
    }
    let unquoted = head.trim_end_matches(['"', '\'', '”', '’']);
    unquoted.len() < head.len() && unquoted.ends_with(['?', '!'])
}

/// How many words an attribution may take before its verb of speech: a
/// speaker's title, name and an aside about them (`Kim Yo Jong, the powerful
/// sister of North Korea's leader, asked`, ten words) fit, a new sentence
/// that only later reports speech mostly does not.
const ATTRIBUTION_WORDS: usize = 12;

/// True when `sentence` starts like an attribution: a capitalised first word
/// (a name or a pronoun) and a verb of speech among its first
/// [`ATTRIBUTION_WORDS`] words (`Kim asked.`, `He told reporters on
/// Monday.`, `Chinese Foreign Minister Wang Yi asked reporters.`), with no
/// quote opening before the verb (`“Why?” “Because,” he said.` is two
/// quotes, not one and its speaker).
fn is_attribution(sentence: &str) -> bool {
    let mut words = sentence.split_whitespace();
    if !words
        .next()
        .is_some_and(|w| w.starts_with(char::is_uppercase))
    {
        return false;
    }
    for word in words.take(ATTRIBUTION_WORDS - 1) {
        if word.starts_with(['"', '“', '‘']) {
            return false;
        }
        let bare = word.trim_end_matches(|c: char| c.is_ascii_punctuation());
        if SPEECH_VERBS.iter().any(|v| v.eq_ignore_ascii_case(bare)) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn split(text: &str) -> Vec<&str> {
        NewsSplitter::new()
            .spans(text)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn spans_into_reuses_buffers_without_carrying_anything_over() {
        // Texts that leave different things in the thread's buffers
        // (quotes and brackets, many lines, a long one, none at all), one
        // after another and in reverse: each gives what it gives with fresh
        // buffers, appended after what `out` already holds.
        let long = "The envoy (who spoke \"off the record\") said no. ".repeat(300);
        let texts = [
            "He said: \"We will not yield (not now).\" Talks ended. Dr. Kim left at 5 p.m. today.",
            "SEOUL, Jan. 20\nLine two ends here.\r\nLine three! And more?\n\n(A note.)",
            long.as_str(),
            "",
            "No terminator at all",
            "« Non », a-t-il dit. Puis il est parti.",
        ];
        let splitter = NewsSplitter::new();
        let held = 7..9;
        let mut out = Vec::from([held.clone()]);
        for text in texts.iter().chain(texts.iter().rev()) {
            out.truncate(1);
            splitter.spans_into(text, &mut out);
            assert_eq!(out[0], held, "what out held stays");
            let mut fresh = Vec::new();
            fast_spans_with(text, &mut Vec::new(), &mut Scratch::default(), &mut fresh);
            assert_eq!(out[1..], fresh, "{text:?}");
        }
    }

    /// Hard wire-news cases: input, then the expected sentences.
    const CASES: &[(&str, &[&str])] = &[
        // Plain sentences.
        (
            "Officials met in Seoul. Both sides agreed to meet again.",
            &[
                "Officials met in Seoul.",
                "Both sides agreed to meet again.",
            ],
        ),
        // U.S., U.N., U.K., E.U. mid-sentence.
        (
            "The U.S. and the U.N. backed the plan. Russia objected.",
            &["The U.S. and the U.N. backed the plan.", "Russia objected."],
        ),
        (
            "The U.K. and the E.U. signed the accord on Friday.",
            &["The U.K. and the E.U. signed the accord on Friday."],
        ),
        // Months before a day or year; a month at a sentence end before a starter.
        (
            "Talks began on Jan. 9 and ended Feb. 14. A deal followed in Aug. 2024.",
            &[
                "Talks began on Jan. 9 and ended Feb. 14.",
                "A deal followed in Aug. 2024.",
            ],
        ),
        (
            "The vote moved from Sept. 30 to Oct. 2, then to Nov. 5 and Dec. 1.",
            &["The vote moved from Sept. 30 to Oct. 2, then to Nov. 5 and Dec. 1."],
        ),
        (
            "The budget was due in Dec. The parliament missed it.",
            &["The budget was due in Dec.", "The parliament missed it."],
        ),
        // Titles (sentencex splits `Ms.` after a lower-case word).
        (
            "Mr. Moon and Mrs. Kim greeted Ms. Park and Dr. Cho at the airport.",
            &["Mr. Moon and Mrs. Kim greeted Ms. Park and Dr. Cho at the airport."],
        ),
        (
            "The envoy thanked Ms. Lee for her work.",
            &["The envoy thanked Ms. Lee for her work."],
        ),
        (
            "Lt. Gen. Park, Col. Yoon and Sgt. Choi briefed Capt. Han and Adm. Baek.",
            &["Lt. Gen. Park, Col. Yoon and Sgt. Choi briefed Capt. Han and Adm. Baek."],
        ),
        (
            "Gov. Newsom, Sen. Padilla and Rep. Lee met Pres. Ruto in the capital.",
            &["Gov. Newsom, Sen. Padilla and Rep. Lee met Pres. Ruto in the capital."],
        ),
        // A title before a name that is also a sentence starter (sentencex splits).
        (
            "He met Sgt. Maj. Lee at Ft. Bragg on Monday.",
            &["He met Sgt. Maj. Lee at Ft. Bragg on Monday."],
        ),
        (
            "The bill's sponsor, Rep. Will Hurd, voted no.",
            &["The bill's sponsor, Rep. Will Hurd, voted no."],
        ),
        (
            "The summit in St. Petersburg ended. Leaders flew home.",
            &["The summit in St. Petersburg ended.", "Leaders flew home."],
        ),
        // `No.` before a number, and `No.` as an answer.
        (
            "The No. 2 diplomat resigned. No. 3 took over.",
            &["The No. 2 diplomat resigned.", "No. 3 took over."],
        ),
        (
            "Will he stay? No. He resigned on Monday.",
            &["Will he stay?", "No.", "He resigned on Monday."],
        ),
        // Times of day.
        (
            "Polls open at 7 a.m. and close at 8 p.m. on Sunday.",
            &["Polls open at 7 a.m. and close at 8 p.m. on Sunday."],
        ),
        (
            "Ministers meet at 10 a.m. Tuesday in Geneva.",
            &["Ministers meet at 10 a.m. Tuesday in Geneva."],
        ),
        (
            "The strike began at 4 a.m. EDT and lasted an hour.",
            &["The strike began at 4 a.m. EDT and lasted an hour."],
        ),
        (
            "Sirens sounded at 9 a.m. Moscow time across the city.",
            &["Sirens sounded at 9 a.m. Moscow time across the city."],
        ),
        (
            "Fighting stopped at 6 p.m. The ceasefire held overnight.",
            &[
                "Fighting stopped at 6 p.m.",
                "The ceasefire held overnight.",
            ],
        ),
        (
            "A.M. Best Co. rated the insurer at 9 a.m. GMT on Sunday.",
            &["A.M. Best Co. rated the insurer at 9 a.m. GMT on Sunday."],
        ),
        (
            "Fighting stopped at 6 p.m. Police reopened the road.",
            &["Fighting stopped at 6 p.m.", "Police reopened the road."],
        ),
        (
            "He left at 5 p.m. \"We will return,\" he said.",
            &["He left at 5 p.m.", "\"We will return,\" he said."],
        ),
        // Company abbreviations.
        (
            "Acme Inc. and Orbit Corp. sued Delta Co. Ltd. in March.",
            &["Acme Inc. and Orbit Corp. sued Delta Co. Ltd. in March."],
        ),
        (
            "He joined Hanwha Corp. In 2019 he left.",
            &["He joined Hanwha Corp.", "In 2019 he left."],
        ),
        (
            "Samsung Electronics Co. Chairman Lee spoke first.",
            &["Samsung Electronics Co. Chairman Lee spoke first."],
        ),
        // vs. and approx. (sentencex splits after approx.).
        (
            "The match pitted Japan vs. Iran before approx. 60,000 fans.",
            &["The match pitted Japan vs. Iran before approx. 60,000 fans."],
        ),
        (
            "Approx. 40 people died. Rescuers kept searching.",
            &["Approx. 40 people died.", "Rescuers kept searching."],
        ),
        (
            "The court ruled in Roe v. Wade that year.",
            &["The court ruled in Roe v. Wade that year."],
        ),
        // Paragraphs glued with ",  ": split again, the comma kept.
        (
            "The envoy left on Friday.,  On the way he praised the talks!,  \"We agree.\",  Talks end.",
            &[
                "The envoy left on Friday.,",
                "On the way he praised the talks!,",
                "\"We agree.\",",
                "Talks end.",
            ],
        ),
        (
            "Envoys of the U.S., Japan and the C.C.,  the party's top body, met.,  in Seoul.",
            &["Envoys of the U.S., Japan and the C.C.,  the party's top body, met.,  in Seoul."],
        ),
        // A dotted acronym joined by a hyphen or slash is one word, also
        // at a sentence's end.
        (
            "The DPRK-U.S. talks and anti-U.S. rallies went on. Pro-U.N. forces left the U.S./U.K. base.",
            &[
                "The DPRK-U.S. talks and anti-U.S. rallies went on.",
                "Pro-U.N. forces left the U.S./U.K. base.",
            ],
        ),
        (
            "Seoul held drills with the south Korea-U.S. Combined Forces. Pyongyang protested.",
            &[
                "Seoul held drills with the south Korea-U.S. Combined Forces.",
                "Pyongyang protested.",
            ],
        ),
        // D.C. and states: mid-sentence, after a comma at a sentence end, and
        // without the comma.
        (
            "He flew to Washington, D.C., on Monday for talks.",
            &["He flew to Washington, D.C., on Monday for talks."],
        ),
        (
            "He flew to Washington, D.C. Officials greeted him.",
            &["He flew to Washington, D.C.", "Officials greeted him."],
        ),
        (
            "The plan came from the D.C. Mayor's office.",
            &["The plan came from the D.C. Mayor's office."],
        ),
        (
            "Police in Newark, N.J. Detectives said the suspect fled.",
            &[
                "Police in Newark, N.J.",
                "Detectives said the suspect fled.",
            ],
        ),
        (
            "He lives in Lexington, Ky. Farmers there voted no.",
            &["He lives in Lexington, Ky.", "Farmers there voted no."],
        ),
        // An abbreviation ending a sentence: split before a starter only.
        (
            "The delegation left for the U.S. The talks resume in May.",
            &[
                "The delegation left for the U.S.",
                "The talks resume in May.",
            ],
        ),
        (
            "Seoul will host U.S. Trade Representative Tai next week.",
            &["Seoul will host U.S. Trade Representative Tai next week."],
        ),
        (
            "The speech honored Martin Luther King Jr. He was 39.",
            &["The speech honored Martin Luther King Jr.", "He was 39."],
        ),
        // Initials.
        (
            "John F. Kennedy and J.P. Morgan were cited. Analysts agreed.",
            &[
                "John F. Kennedy and J.P. Morgan were cited.",
                "Analysts agreed.",
            ],
        ),
        (
            "The report by J. R. Smith was released.",
            &["The report by J. R. Smith was released."],
        ),
        // Decimals and money.
        (
            "The deal is worth $34.5 billion, up 3.2% from 1.5 million units. Shares rose.",
            &[
                "The deal is worth $34.5 billion, up 3.2% from 1.5 million units.",
                "Shares rose.",
            ],
        ),
        // Ellipses.
        (
            "The minister paused... and then denied it.",
            &["The minister paused... and then denied it."],
        ),
        (
            "The minister paused… and then denied it.",
            &["The minister paused… and then denied it."],
        ),
        (
            "Talks stalled... Then the envoy left.",
            &["Talks stalled...", "Then the envoy left."],
        ),
        // Full stops inside closing quotes.
        (
            "He called it \"a provocation.\" The ministry agreed.",
            &["He called it \"a provocation.\"", "The ministry agreed."],
        ),
        (
            "He called it “a provocation.” The ministry agreed.",
            &["He called it “a provocation.”", "The ministry agreed."],
        ),
        // `?` and `!` inside quotes with attribution.
        (
            "\"Is this a war?\" he asked.",
            &["\"Is this a war?\" he asked."],
        ),
        (
            "“Stop the strikes!” she shouted. Crowds cheered.",
            &["“Stop the strikes!” she shouted.", "Crowds cheered."],
        ),
        (
            "“Is this a war?” Kim asked. Nobody answered.",
            &["“Is this a war?” Kim asked.", "Nobody answered."],
        ),
        (
            "“Why now?” Foreign Minister Cho asked reporters on Monday.",
            &["“Why now?” Foreign Minister Cho asked reporters on Monday."],
        ),
        (
            "the war?\" he asked. Officials left.",
            &["the war?\" he asked.", "Officials left."],
        ),
        (
            "“Why now?” Nobody could say.",
            &["“Why now?”", "Nobody could say."],
        ),
        // A speaker with a title, a full name and an aside about them.
        (
            "“Who gave Ottawa that right?” Danish Foreign Minister Lars Holm asked on Monday. Talks resumed.",
            &[
                "“Who gave Ottawa that right?” Danish Foreign Minister Lars Holm asked on Monday.",
                "Talks resumed.",
            ],
        ),
        (
            "“Must we wait forever?” Ana Ruiz, the outspoken deputy leader of the Andean bloc, asked.",
            &[
                "“Must we wait forever?” Ana Ruiz, the outspoken deputy leader of the Andean bloc, asked.",
            ],
        ),
        // The verb comes too late, or after a second quote opens.
        (
            "“Why now?” The cabinet met twice on Sunday and once on Monday before officials at the ministry said nothing.",
            &[
                "“Why now?”",
                "The cabinet met twice on Sunday and once on Monday before officials at the ministry said nothing.",
            ],
        ),
        (
            "“Why now?” Officials shrugged: “Ask Rome,” one said.",
            &["“Why now?”", "Officials shrugged: “Ask Rome,” one said."],
        ),
        ("What now?! Nobody knows.", &["What now?!", "Nobody knows."]),
        (
            "\"We are ready,\" said Sen. John Smith (R-Ky.). Officials nodded.",
            &[
                "\"We are ready,\" said Sen. John Smith (R-Ky.).",
                "Officials nodded.",
            ],
        ),
        // Line and paragraph breaks; headlines and bylines.
        (
            "First paragraph ends here.\n\nSecond paragraph starts here.",
            &[
                "First paragraph ends here.",
                "Second paragraph starts here.",
            ],
        ),
        (
            "Seoul, Tokyo agree to talks\nSEOUL (Yonhap) -- The two sides met. They agreed.",
            &[
                "Seoul, Tokyo agree to talks",
                "SEOUL (Yonhap) -- The two sides met.",
                "They agreed.",
            ],
        ),
        (
            "Reporting by Jane Doe\nEditing by John Roe",
            &["Reporting by Jane Doe", "Editing by John Roe"],
        ),
        (
            "  One deal was signed.\r\nAnother was not.\rA third\u{2028}is pending.  \n\n\n",
            &[
                "One deal was signed.",
                "Another was not.",
                "A third",
                "is pending.",
            ],
        ),
        (
            "Talks with the U.S.\nThe envoy left.",
            &["Talks with the U.S.", "The envoy left."],
        ),
        // Multi-byte text.
        (
            "Le Café de Flore a fermé. Les clients sont partis.",
            &["Le Café de Flore a fermé.", "Les clients sont partis."],
        ),
        (
            "한국 정부는 회담을 환영했다. The U.S. agreed.",
            &["한국 정부는 회담을 환영했다.", "The U.S. agreed."],
        ),
        (
            "“Nous sommes prêts,” said Mr. Macron. Talks resumed.",
            &["“Nous sommes prêts,” said Mr. Macron.", "Talks resumed."],
        ),
        (
            "Exports fell, e.g. steel and chips. Imports rose.",
            &["Exports fell, e.g. steel and chips.", "Imports rose."],
        ),
        // The sentence from the research notes' comparison.
        (
            "The U.S. said on Jan. 20 that Mr. Kim met Gen. Lee. He left at 5 p.m. \"We will talk,\" he said. Talks resumed.",
            &[
                "The U.S. said on Jan. 20 that Mr. Kim met Gen. Lee.",
                "He left at 5 p.m.",
                "\"We will talk,\" he said.",
                "Talks resumed.",
            ],
        ),
        // Degenerate input.
        ("", &[]),
        (" \n\t\r\n ", &[]),
        ("....", &["...."]),
        ("?!?!", &["?!?!"]),
    ];

    #[test]
    fn hard_cases() {
        let mut failures = Vec::new();
        for (input, expected) in CASES {
            let got = split(input);
            if got != *expected {
                failures.push(format!(
                    "{input:?}\n   got      {got:?}\n   expected {expected:?}"
                ));
            }
            check_invariants(input, &NewsSplitter::new().spans(input));
        }
        assert!(
            failures.is_empty(),
            "{} cases failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
        assert!(CASES.len() >= 35);
    }

    /// A golden file: a wire story, `---`, then one expected sentence per line.
    #[test]
    fn golden_story() {
        let golden = include_str!("../../tests/data/split/wire_story.txt");
        let (input, expected) = golden
            .split_once("\n---\n")
            .expect("golden file has a `---` line");
        let expected: Vec<&str> = expected.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(split(input), expected);
    }

    /// Asserts the [`SentenceSplitter`] contract for `spans` of `text`.
    fn check_invariants(text: &str, spans: &[Range<usize>]) {
        let mut covered_to = 0;
        for span in spans {
            assert!(span.start < span.end, "empty span {span:?} in {text:?}");
            assert!(
                span.start >= covered_to,
                "overlap or disorder at {span:?} in {text:?}"
            );
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "span {span:?} not on char boundaries in {text:?}"
            );
            let sentence = &text[span.clone()];
            assert_eq!(sentence, sentence.trim(), "untrimmed span in {text:?}");
            assert!(
                !sentence.contains(['\n', '\r', '\u{2028}', '\u{2029}']),
                "span crosses a line: {sentence:?}"
            );
            assert!(
                text[covered_to..span.start].trim().is_empty(),
                "uncovered text before {span:?} in {text:?}"
            );
            covered_to = span.end;
        }
        assert!(
            text[covered_to..].trim().is_empty(),
            "uncovered tail in {text:?}"
        );
    }

    /// Fragments that stress the splitter and sentencex.
    const FRAGMENTS: &[&str] = &[
        "The",
        "the",
        "U.S.",
        "U.S",
        "Mr.",
        "Ms.",
        "No.",
        "No. 2",
        "a.m.",
        "p.m.",
        "Inc.",
        "D.C.",
        ", D.C.",
        "Ky.",
        "J.",
        "F.",
        "approx.",
        "vs.",
        "Jan.",
        "Kim",
        "said",
        "asked",
        "He",
        "In",
        "é",
        "한국",
        "日本語。",
        "“",
        "”",
        "\"",
        "'",
        "’",
        "‘",
        "(",
        ")",
        "[",
        ".",
        "..",
        "...",
        "....",
        "…",
        "!",
        "?",
        "?!",
        "!?",
        "?!?!",
        ". . .",
        " ",
        "  ",
        "\t",
        "\u{a0}",
        "\u{2009}",
        "\u{3000}",
        "\n",
        "\n\n",
        "\r\n",
        "\r",
        "\u{2028}",
        "\u{2029}",
        "\u{85}",
        "\u{301}",
        "\u{200b}",
        "\u{feff}",
        "$34.5",
        "3.2%",
        "1.5",
        "7.Bg5",
        "؟",
        "।",
        "😀",
        "x@y.com",
        "1.",
        "a",
        "Z",
        "-",
        "—",
        ",",
        ";",
        ":",
    ];

    /// A tiny deterministic generator (xorshift64*).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// 8000 strings, or `STANCE_SPLIT_STRESS` of them.
    fn stress_rounds() -> usize {
        std::env::var("STANCE_SPLIT_STRESS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(8_000)
    }

    #[test]
    fn invariants_on_generated_fragment_soup() {
        let splitter = NewsSplitter::new();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut text = String::new();
        for _ in 0..stress_rounds() {
            text.clear();
            for _ in 0..rng.below(40) {
                text.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
                if rng.below(3) > 0 {
                    text.push(' ');
                }
            }
            check_invariants(&text, &splitter.spans(&text));
        }
    }

    #[test]
    fn invariants_on_long_and_degenerate_lines() {
        let splitter = NewsSplitter::new();
        let inputs = [
            "The U.S. said the talks failed. ".repeat(10_000),
            ".".repeat(100_000),
            "?!".repeat(50_000),
            "\u{301}".repeat(20_000),
            "“".repeat(10_000) + &"”.".repeat(10_000),
            "word ".repeat(100_000),
            "Mr. ".repeat(30_000),
            "a.".repeat(50_000),
        ];
        for text in &inputs {
            check_invariants(text, &splitter.spans(text));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn invariants_on_arbitrary_unicode(text in any::<String>()) {
            check_invariants(&text, &NewsSplitter::new().spans(&text));
        }

        #[test]
        fn invariants_on_fragment_sequences(
            parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..60)
        ) {
            let text = parts.concat();
            check_invariants(&text, &NewsSplitter::new().spans(&text));
        }
    }

    #[test]
    fn lower_case_prefilter_matches_the_table() {
        for &(_, needs_capital, words) in ABBREVIATIONS {
            for word in words {
                assert!(word.len() <= MAX_ABBREVIATION_LEN, "{word}");
                if !needs_capital {
                    assert!(
                        LOWER_CASE_FIRST_LETTERS.contains(&word.as_bytes()[0]),
                        "{word}"
                    );
                }
            }
        }
    }

    #[test]
    fn line_ranges_handle_every_line_end() {
        fn lines(t: &str) -> Vec<&str> {
            line_ranges(t).map(|r| &t[r]).collect()
        }
        assert_eq!(lines("a\nb\n\nc"), ["a", "b", "", "c"]);
        assert_eq!(
            lines("a\r\nb\rc\u{2028}d\u{2029}e\n"),
            ["a", "b", "c", "d", "e", ""]
        );
        assert_eq!(lines(""), [""]);
        assert_eq!(lines("\r\n"), ["", ""]);
    }

    /// `line_ranges` as first written: four scans of the text.
    fn reference_line_ranges(text: &str) -> Vec<Range<usize>> {
        let only_newlines = !text.as_bytes().contains(&b'\r')
            && !text.contains('\u{2028}')
            && !text.contains('\u{2029}');
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut start = 0;
        loop {
            if only_newlines {
                match text[start..].find('\n') {
                    Some(rel) => {
                        out.push(start..start + rel);
                        start += rel + 1;
                        continue;
                    }
                    None => break,
                }
            }
            let next =
                (start..bytes.len()).find_map(|i| line_break_len(bytes, i).map(|len| (i, len)));
            match next {
                Some((i, len)) => {
                    out.push(start..i);
                    start = i + len;
                }
                None => break,
            }
        }
        out.push(start..text.len());
        out
    }

    /// Pieces for line-break tests: every line break, other characters
    /// starting with 0xE2 (`’`, `—`, `…`, U+202F), the bytes that continue
    /// U+2028 in other characters (`è`, `é`), letters, space.
    const LINE_PIECES: &[&str] = &[
        "\n",
        "\r",
        "\r\n",
        "\n\r",
        "\u{2028}",
        "\u{2029}",
        "’",
        "—",
        "…",
        "\u{202F}",
        "è",
        "é",
        "a",
        "b",
        "c",
        " ",
        "word ",
        "a longer run of plain words ",
    ];

    #[test]
    fn line_ranges_match_the_reference_on_generated_text() {
        let mut rng = Rng(0x5851_f42d_4c95_7f2d);
        let mut text = String::new();
        for round in 0..20_000 {
            text.clear();
            let target = match round % 3 {
                0 => rng.below(20),
                1 => 56 + rng.below(16),
                _ => 120 + rng.below(16),
            };
            while text.len() < target {
                text.push_str(LINE_PIECES[rng.below(LINE_PIECES.len())]);
            }
            let got: Vec<_> = line_ranges(&text).collect();
            assert_eq!(got, reference_line_ranges(&text), "{text:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn line_ranges_match_the_reference_on_piece_sequences(
            parts in prop::collection::vec(prop::sample::select(LINE_PIECES), 0..60)
        ) {
            let text = parts.concat();
            prop_assert_eq!(line_ranges(&text).collect::<Vec<_>>(), reference_line_ranges(&text));
        }

        #[test]
        fn line_ranges_match_the_reference_on_arbitrary_unicode(text in any::<String>()) {
            prop_assert_eq!(line_ranges(&text).collect::<Vec<_>>(), reference_line_ranges(&text));
        }
    }

    #[test]
    fn splitter_is_a_trait_object() {
        let splitter: Box<dyn SentenceSplitter> = Box::new(NewsSplitter::new());
        assert_eq!(splitter.spans("Yes. No."), [0..4, 5..8]);
    }

    // The fast path (`split_fast`) against sentencex itself: the spans must
    // be the same on any text.

    /// News-like fragments for the equivalence tests: words, sentence
    /// starters, abbreviations and initials, trailing markers, numbers,
    /// quotes of every kind, brackets and references, list markers,
    /// ellipses, terminators of other scripts, odd whitespace.
    const NEWS_FRAGMENTS: &[&str] = &[
        "the",
        "talks",
        "ended",
        "said",
        "asked",
        "people",
        "war",
        "in",
        "at",
        "on",
        "The",
        "He",
        "She",
        "They",
        "But",
        "However",
        "In",
        "At",
        "Kim",
        "Seoul",
        "Moon",
        "Jong",
        "Un",
        "I",
        "I'm",
        "Don't",
        "A",
        "U.S.",
        "U.N.",
        "D.C.",
        "Mr.",
        "Mrs.",
        "Ms.",
        "Dr.",
        "Gen.",
        "Sen.",
        "Rep.",
        "Lt.",
        "St.",
        "No.",
        "Nos.",
        "No. 2",
        "Inc.",
        "Co.",
        "Corp.",
        "Jr.",
        "Jan.",
        "Sept.",
        "etc.",
        "e.g.",
        "i.e.",
        "vs.",
        "approx.",
        "J.",
        "R.",
        "F.",
        "J. R.",
        "A.M.",
        "a.m.",
        "p.m.",
        "7 a.m.",
        "5 p.m.",
        "Ph.D.",
        "M.D.",
        "MA.",
        "5 ft.",
        "6 in.",
        "2 lb.",
        "A.D.",
        "B.C.",
        "NE.",
        "S.W.",
        "Calif.",
        "Ky.",
        "w.e.f.",
        "3.5",
        "$34.5",
        "1.5%",
        "1990.",
        "7.Bg5",
        "10:45",
        "\"",
        "'",
        "''",
        "“",
        "”",
        "‘",
        "’",
        "«",
        "»",
        "„",
        "‹",
        "›",
        "\"We will talk,\"",
        "'Juche'",
        "“Why now?”",
        "(",
        ")",
        "(R-Ky.)",
        "[",
        "]",
        "[1]",
        "[12][3]",
        "{",
        "}",
        "<",
        ">",
        "(a)",
        "(b)",
        "(1)",
        "(ii)",
        "a)",
        "b)",
        "1.",
        "2.",
        "1)",
        "2.)",
        "ii.",
        "iii)",
        "•",
        "■",
        "*",
        "-",
        "—",
        "–",
        "...",
        "…",
        ". . .",
        "..",
        ".",
        "!",
        "?",
        "?!",
        "!?",
        "! !",
        "؟",
        "।",
        "。",
        "！",
        "Yahoo!",
        ",",
        ";",
        ":",
        "/",
        "x@y.com",
        "`",
        "é",
        "Café",
        "Côte d’Ivoire",
        "한국",
        "\u{212a}y",
        "N\u{ba}",
        " ",
        "  ",
        "\t",
        "\u{a0}",
        "\u{2009}",
        "\u{3000}",
        "\u{200b}",
        "\n",
        "\r\n",
        "\u{2028}",
    ];

    /// Asserts that the fast path gives sentencex's spans on `text`.
    fn assert_same_as_sentencex(text: &str) {
        assert_eq!(
            NewsSplitter::new().spans(text),
            reference_spans(text),
            "fast path and sentencex differ on {text:?}"
        );
    }

    #[test]
    fn fast_path_matches_sentencex_on_the_hard_cases() {
        for (input, _) in CASES {
            assert_same_as_sentencex(input);
        }
        let golden = include_str!("../../tests/data/split/wire_story.txt");
        assert_same_as_sentencex(golden);
    }

    #[test]
    fn fast_path_matches_sentencex_on_generated_news() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut text = String::new();
        for round in 0..stress_rounds() {
            text.clear();
            let fragments = if round % 2 == 0 {
                NEWS_FRAGMENTS
            } else {
                FRAGMENTS
            };
            for _ in 0..rng.below(60) {
                text.push_str(fragments[rng.below(fragments.len())]);
                match rng.below(8) {
                    0 => {}
                    1 => text.push_str(". "),
                    _ => text.push(' '),
                }
            }
            assert_same_as_sentencex(&text);
        }
    }

    #[test]
    fn fast_path_handles_ordinary_lines_itself() {
        // Lines of plain news prose must not fall back to sentencex, or the
        // splitter is slow again.
        let lines = [
            "The U.S. said on Jan. 20 that Mr. Kim met Gen. Lee. He left at 5 p.m. \"We will talk,\" he said.",
            "“Is this war?” Kim asked. The ministry's spokesman (a colonel) declined to comment... Talks resumed.",
            "It rose 3.5% to $34.5 billion [1]. Exports fell, e.g. steel. Imports rose!",
            "Le Café de Flore a fermé. Côte d’Ivoire voted yes. 한국 정부는 회담을 환영했다.",
        ];
        for line in lines {
            let mut hits = Vec::new();
            split_fast::collect_hits(line, &mut hits);
            let scan = split_fast::Scan::new(line, &hits, 0);
            let mut cuts = Vec::new();
            assert_eq!(
                split_fast::sentence_starts(scan, &mut split_fast::Buffers::default(), &mut cuts),
                Ok(()),
                "{line:?}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn fast_path_matches_sentencex_on_fragment_sequences(
            parts in prop::collection::vec(prop::sample::select(NEWS_FRAGMENTS), 0..80),
            separators in prop::collection::vec(prop::sample::select(&[" ", " ", " ", "", ". ", "\n"][..]), 80),
        ) {
            let mut text = String::new();
            for (part, separator) in parts.iter().zip(&separators) {
                text.push_str(part);
                text.push_str(separator);
            }
            prop_assert_eq!(NewsSplitter::new().spans(&text), reference_spans(&text), "{:?}", text);
        }

        #[test]
        fn fast_path_matches_sentencex_on_arbitrary_unicode(text in any::<String>()) {
            prop_assert_eq!(NewsSplitter::new().spans(&text), reference_spans(&text));
        }
    }
}
