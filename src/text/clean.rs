//! Cleaning scraped news text before sentence splitting.
//!
//! [`clean`] drops two kinds of noise, line by line:
//!
//! * **boilerplate**: lines listed in the editable boilerplate list
//!   (`lexicons/boilerplate.txt`, parsed by [`Boilerplate::parse`]), such as
//!   `Advertisement` or `Read more: …`;
//! * **repeated lines**: a line that repeats an earlier line of the same text,
//!   typically a headline scraped twice or a pull quote. The first occurrence
//!   is kept.
//!
//! **Hard-wrapped text** (transcripts and scanned documents broken into
//! lines of ~60 characters, where most lines end mid-sentence) is detected
//! by [`is_hard_wrapped`]; in such a text a line that does not end with
//! sentence-final punctuation is joined to the next with a space, so that
//! the splitter, which ends a sentence at every line break, sees whole
//! sentences. Repeated-line removal is off for such texts: wrapped lines
//! are not units, and two may repeat by chance.
//!
//! Lines are compared after the same normalisation in both cases: surrounding
//! whitespace trimmed, inner runs of whitespace collapsed to one space, case
//! folded, and curly quotes and apostrophes (`“ ” „ ‘ ’` and the like) treated
//! as their straight forms. Only lines of at least [`MIN_REPEAT_CHARS`]
//! characters (after that normalisation) count as repeats, so short lines that
//! legitimately recur (`—`, `Photo`, `1.`) are kept.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::hash::{Hash, Hasher};
use std::ops::Range;

use crate::error::{Error, Result};
use crate::text::norm::within;
use crate::text::split::line_ranges;
use wide::u8x16;

/// A line must have at least this many characters (after trimming and
/// collapsing whitespace) for a later copy of it to be dropped as a repeat.
pub const MIN_REPEAT_CHARS: usize = 20;

/// The editable list of boilerplate lines (`lexicons/boilerplate.txt`).
///
/// One entry per line; lines starting with `#` (after leading whitespace)
/// and blank lines are ignored, and each entry is trimmed. A document line
/// equal to an entry is noise. An entry ending in `*` matches every line that
/// starts with the rest of the entry (the text before the `*`, as written,
/// so `Photo: *` needs the colon). Comparison ignores case, repeated
/// whitespace and the curly/straight quote difference (see the
/// [module documentation](self)). To list an entry that really starts with
/// `#` or ends with `*`, write `\#` or `\*`.
///
/// # Example
///
/// ```
/// use stancemeter::text::Boilerplate;
///
/// let list = "# scraped noise\nAdvertisement\nRead more:*\n";
/// let boilerplate = Boilerplate::parse(list, "lexicons/boilerplate.txt")?;
/// assert_eq!(boilerplate.len(), 2);
/// assert!(boilerplate.is_boilerplate("  ADVERTISEMENT "));
/// assert!(boilerplate.is_boilerplate("Read more: Seoul and Tokyo resume talks"));
/// assert!(!boilerplate.is_boilerplate("The advertisement campaign ended."));
/// # Ok::<(), stancemeter::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Boilerplate {
    /// Normalised whole-line entries.
    exact: HashSet<String>,
    /// Normalised prefixes (from entries ending in `*`), sorted, no duplicates.
    prefixes: Vec<String>,
    /// For each first byte, the range of `prefixes` starting with it (sorted
    /// prefixes are grouped by first byte), so that a line is compared only
    /// with the few prefixes that can match it, not with all of them. Empty
    /// (no prefixes) for an empty list.
    prefixes_by_first: Vec<Range<usize>>,
    /// How many bytes of a line's key [`Boilerplate::matches_head`] needs:
    /// one more than the longest whole-line entry (a longer key can equal
    /// none), and at least the longest prefix. 0 for an empty list.
    head_bytes: usize,
    /// The first three key bytes of every entry of three bytes or more
    /// (see [`Boilerplate::may_start`]).
    starts: HashSet<[u8; 3]>,
    /// The prefix entries of one or two bytes.
    short_prefixes: Vec<String>,
}

impl Boilerplate {
    /// Parses the boilerplate list in `src`.
    ///
    /// `file` names the list in error messages.
    ///
    /// # Errors
    ///
    /// [`Error::Lexicon`] with the 1-based line number when an entry is only
    /// `*`, which would drop every line of every document.
    pub fn parse(src: &str, file: &str) -> Result<Boilerplate> {
        let mut exact = HashSet::default();
        let mut prefixes = Vec::new();
        let mut key = String::new();
        let src = src.strip_prefix('\u{feff}').unwrap_or(src);
        for (index, raw) in src.lines().enumerate() {
            let entry = raw.trim();
            if entry.is_empty() || entry.starts_with('#') {
                continue;
            }
            let entry = entry
                .strip_prefix('\\')
                .filter(|e| e.starts_with('#'))
                .unwrap_or(entry);
            if let Some(literal) = entry.strip_suffix("\\*") {
                normalise_into(&format!("{literal}*"), &mut key);
                exact.insert(key.clone());
            } else if let Some(prefix) = entry.strip_suffix('*') {
                if prefix.trim().is_empty() {
                    return Err(Error::lexicon(
                        file,
                        index + 1,
                        "the entry `*` would match every line; write the start of the line \
                         before the `*` (e.g. `Read more:*`)",
                    ));
                }
                normalise_prefix_into(prefix, &mut key);
                prefixes.push(key.clone());
            } else {
                normalise_into(entry, &mut key);
                exact.insert(key.clone());
            }
        }
        prefixes.sort_unstable();
        prefixes.dedup();
        let prefixes_by_first = (0..=u8::MAX)
            .map(|b| {
                let start = prefixes.partition_point(|p| p.as_bytes()[0] < b);
                let end = prefixes.partition_point(|p| p.as_bytes()[0] <= b);
                start..end
            })
            .collect();
        let longest_exact = exact.iter().map(String::len).max().map_or(0, |n| n + 1);
        let longest_prefix = prefixes.iter().map(String::len).max().unwrap_or(0);
        let starts = exact
            .iter()
            .chain(&prefixes)
            .filter_map(|k| k.as_bytes().first_chunk::<3>().copied())
            .collect();
        let short_prefixes = prefixes.iter().filter(|p| p.len() < 3).cloned().collect();
        Ok(Boilerplate {
            exact,
            prefixes,
            prefixes_by_first,
            head_bytes: longest_exact.max(longest_prefix),
            starts,
            short_prefixes,
        })
    }

    /// False when no entry can match the line `trimmed` (trimmed of white
    /// space), told from its first three bytes alone; true when one may,
    /// or when those bytes do not settle it (a line of fewer than three, or
    /// beyond ASCII, or with two white-space bytes after its first).
    ///
    /// Those three bytes, when plain, are the first three of the line's key
    /// (lower-cased, white space as one space), which is then three bytes
    /// or more: a whole-line entry of fewer cannot equal it, and a longer
    /// entry, or a prefix, must start with those three. On hard-wrapped
    /// text, where only boilerplate is looked for, this spares working out
    /// the head of the key of about nine lines in ten of the UN speeches,
    /// which had cost 3% of the instructions of a one-thread run on UNGDC.
    fn may_start(&self, trimmed: &[u8]) -> bool {
        let Some(&[a, b, c]) = trimmed.first_chunk::<3>() else {
            return true;
        };
        if a >= 0x80 || b >= 0x80 || c >= 0x80 || is_ascii_space(a) {
            return true;
        }
        if is_ascii_space(b) && is_ascii_space(c) {
            return true;
        }
        let key = [
            KEY_FOLD[usize::from(a)],
            KEY_FOLD[usize::from(b)],
            KEY_FOLD[usize::from(c)],
        ];
        self.starts.contains(&key)
            || self
                .short_prefixes
                .iter()
                .any(|p| key.starts_with(p.as_bytes()))
    }

    /// True when `line` is boilerplate: it equals an entry, or starts with a
    /// prefix entry, after normalisation. Blank lines are never boilerplate.
    pub fn is_boilerplate(&self, line: &str) -> bool {
        let mut key = String::new();
        normalise_into(line, &mut key);
        self.matches_key(&key)
    }

    /// True when the normalised line `key` is boilerplate.
    fn matches_key(&self, key: &str) -> bool {
        !key.is_empty()
            && (self.exact.contains(key)
                || self.prefixes.iter().any(|p| key.starts_with(p.as_str())))
    }

    /// True when the line whose key starts with `head` is boilerplate.
    /// `head` is the whole key when `complete`, else at least
    /// [`Boilerplate::head_bytes`] bytes of it (possibly ending inside a
    /// character): enough for every prefix entry, and too long for every
    /// whole-line entry. The same answer as [`Boilerplate::matches_key`] on
    /// the whole key, without normalising the rest of a long line.
    fn matches_head(&self, head: &[u8], complete: bool) -> bool {
        let Some(&first) = head.first() else {
            return false;
        };
        if complete
            && head.len() < self.head_bytes
            && std::str::from_utf8(head).is_ok_and(|key| self.exact.contains(key))
        {
            return true;
        }
        // Only the prefixes with the same first byte can match. Their second
        // bytes are compared in place first: most differ there, and a
        // `starts_with` is a call to `memcmp` (0.6% of the samples of a run
        // on the hard-wrapped UN speeches).
        let Some(range) = self.prefixes_by_first.get(usize::from(first)) else {
            return false;
        };
        self.prefixes[range.clone()].iter().any(|p| {
            let p = p.as_bytes();
            p.len() <= head.len()
                && p.get(1).is_none_or(|&second| head[1] == second)
                && head.starts_with(p)
        })
    }

    /// The number of distinct entries (whole-line and prefix).
    pub fn len(&self) -> usize {
        self.exact.len() + self.prefixes.len()
    }

    /// True when the list has no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Counts of what [`clean`] dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CleanStats {
    /// Lines dropped because they are boilerplate.
    pub boilerplate_lines: u64,
    /// Lines dropped because they repeat an earlier line of the same text.
    pub repeated_lines: u64,
    /// Line breaks joined because the text is hard-wrapped.
    pub joined_lines: u64,
}

impl CleanStats {
    /// Adds `other`'s counts to these (to total over documents).
    pub fn add(&mut self, other: &CleanStats) {
        self.boilerplate_lines += other.boilerplate_lines;
        self.repeated_lines += other.repeated_lines;
        self.joined_lines += other.joined_lines;
    }
}

/// Drops boilerplate lines and lines that repeat an earlier line of `text`.
///
/// A line is boilerplate when `boilerplate` says so. A line repeats when its
/// normalised form (see the [module documentation](self)) equals that of an
/// earlier kept line and has at least [`MIN_REPEAT_CHARS`] characters; the
/// first occurrence is kept. Boilerplate is checked first, so a repeated
/// boilerplate line counts as boilerplate each time.
///
/// The result keeps paragraph structure: kept lines are trimmed of surrounding
/// whitespace and joined with `\n`; whitespace-only lines become one empty
/// line, runs of them (including runs left by dropped lines) collapse to one,
/// and there are none at the start or end. Line ends may be `\n`, `\r\n`, `\r`,
/// U+2028 or U+2029, as for the
/// [sentence splitter](crate::text::split::NewsSplitter).
///
/// # Example
///
/// ```
/// use stancemeter::text::{Boilerplate, CleanStats, clean};
///
/// let boilerplate = Boilerplate::parse("Advertisement\n", "boilerplate.txt")?;
/// let text = "Seoul and Tokyo resume talks\n\
///             \n\
///             SEOUL -- The two sides met on Monday.\n\
///             Advertisement\n\
///             \n\
///             \n\
///             Seoul and Tokyo resume talks\n\
///             Officials said the talks went well.";
/// let (cleaned, stats) = clean(text, &boilerplate);
/// assert_eq!(
///     cleaned,
///     "Seoul and Tokyo resume talks\n\
///      \n\
///      SEOUL -- The two sides met on Monday.\n\
///      \n\
///      Officials said the talks went well."
/// );
/// assert_eq!(stats, CleanStats { boilerplate_lines: 1, repeated_lines: 1, joined_lines: 0 });
/// # Ok::<(), stancemeter::Error>(())
/// ```
pub fn clean(text: &str, boilerplate: &Boilerplate) -> (String, CleanStats) {
    let mut out = String::new();
    let stats = clean_into(text, boilerplate, &mut out, &mut CleanBuffers::default());
    (out, stats)
}

/// The buffers [`clean_into`] works in, kept from one text to the next
/// (the pipeline keeps one per thread): the lines, a key's first bytes and
/// the lines seen so far. Made afresh for each UN speech, with the cleaned
/// text, they were about half a percent of a one-thread run.
#[derive(Default)]
pub(crate) struct CleanBuffers {
    lines: Vec<Option<LineInfo>>,
    head: Vec<u8>,
    repeats: Repeats,
}

impl std::fmt::Debug for CleanBuffers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CleanBuffers").finish_non_exhaustive()
    }
}

/// [`clean`] into `out` (cleared first), with `buffers` for its working.
pub(crate) fn clean_into(
    text: &str,
    boilerplate: &Boilerplate,
    out: &mut String,
    buffers: &mut CleanBuffers,
) -> CleanStats {
    let mut stats = CleanStats::default();
    let CleanBuffers {
        lines,
        head,
        repeats,
    } = buffers;
    let wrapped = scan_lines(text, lines);
    // One pass: each line is dropped as boilerplate or as a repeat, or
    // written out. Neither test normalises a whole long line (see
    // [`Repeats`]): only the first bytes of its key, and for repeats the
    // last ones, are computed; whole keys only when the ends agree with an
    // earlier line's.
    let head_bytes = if wrapped {
        boilerplate.head_bytes
    } else {
        boilerplate.head_bytes.max(QUICK_BYTES)
    };
    let min_chars = if wrapped { 0 } else { MIN_REPEAT_CHARS };
    head.clear();
    head.reserve(head_bytes + 8);
    repeats.clear();
    out.clear();
    out.reserve(text.len());
    let mut blank_pending = false;
    let mut open_sentence = false;
    for line in lines.drain(..) {
        let Some(LineInfo { range, ends }) = line else {
            blank_pending = !out.is_empty();
            continue;
        };
        let trimmed = &text[range.clone()];
        // Wrapped text is searched for boilerplate only, so a line that no
        // entry can start needs no key at all.
        if !wrapped || boilerplate.may_start(trimmed.as_bytes()) {
            head.clear();
            let (chars, complete) = normalise_head(trimmed, head, head_bytes, min_chars);
            if boilerplate.matches_head(head, complete) {
                stats.boilerplate_lines += 1;
                continue;
            }
            if !wrapped
                && chars >= MIN_REPEAT_CHARS
                && repeats.is_repeat(text, range, head, complete)
            {
                stats.repeated_lines += 1;
                continue;
            }
        }
        if !out.is_empty() {
            if wrapped && open_sentence && !blank_pending {
                out.push(' ');
                stats.joined_lines += 1;
            } else {
                out.push_str(if blank_pending { "\n\n" } else { "\n" });
            }
        }
        open_sentence = !ends;
        blank_pending = false;
        out.push_str(trimmed);
    }
    stats
}

/// A non-blank line found by [`scan_lines`].
struct LineInfo {
    /// The line's byte range in the text, trimmed of surrounding white space.
    range: Range<usize>,
    /// Whether it ends with sentence-final punctuation ([`ends_sentence`]).
    ends: bool,
}

/// Splits `text` into `lines` (cleared first) as [`clean`] sees them
/// (`None` for a blank line), and tells whether it is hard-wrapped (see
/// [`is_hard_wrapped`]).
///
/// Both come from one scan of the text: [`is_hard_wrapped`] on its own
/// walked every byte again, for a quarter of the cleaner's cost. Its lines
/// (`str::lines`, which ends lines only at `\n`, dropping a `\r` before it)
/// are the same as these when every line break is `\n` or `\r\n`; a text
/// with another line end (`\r` alone, U+2028, U+2029) asks
/// [`is_hard_wrapped`] itself, so the answer is always the same.
fn scan_lines(text: &str, lines: &mut Vec<Option<LineInfo>>) -> bool {
    lines.clear();
    let (mut count, mut open) = (0usize, 0usize);
    let mut only_newlines = true;
    let mut previous_end: Option<usize> = None;
    for line in line_ranges(text) {
        if let Some(end) = previous_end {
            let separator = &text[end..line.start];
            only_newlines &= separator == "\n" || separator == "\r\n";
        }
        previous_end = Some(line.end);
        let raw = &text[line.clone()];
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            lines.push(None);
            continue;
        }
        let start = line.start + (raw.len() - raw.trim_start().len());
        // The line's own trimming does not change what `ends_sentence`
        // says (it looks at the end, past trailing white space).
        let ends = ends_sentence(trimmed);
        count += 1;
        open += usize::from(is_open_line(trimmed, ends));
        lines.push(Some(LineInfo {
            range: start..start + trimmed.len(),
            ends,
        }));
    }
    if only_newlines {
        wrapped_by_count(count, open)
    } else {
        is_hard_wrapped(text)
    }
}

/// Whether `s` has at least `n` characters, without counting them when its
/// length in bytes already tells.
///
/// Else an ASCII `s` has as many characters as bytes; any other has its
/// bytes that start a character counted (all but `0x80` to `0xBF`),
/// independently of each other: `chars().nth` steps from one character to
/// the next, each step waiting on the width of the one before, and on
/// hard-wrapped text, where most lines are under `4 * n` bytes, that chain
/// cost as much as the rest of the line's checks. The count is kept in
/// bytes, 255 bytes at a time, so that it runs sixteen bytes to the
/// instruction (a `usize` count ran four).
fn has_chars(s: &str, n: usize) -> bool {
    if s.len() >= n.saturating_mul(4) {
        return true;
    }
    let starts = |c: &[u8]| c.iter().fold(0u8, |k, &b| k + u8::from((b as i8) >= -0x40));
    s.len() >= n
        && (s.is_ascii()
            || s.as_bytes()
                .chunks(255)
                .map(|c| usize::from(starts(c)))
                .sum::<usize>()
                >= n)
}

/// Bytes at each end of a line's key that [`Repeats`] hashes.
const QUICK_BYTES: usize = 48;

/// The long lines of one text seen so far, to find repeats cheaply.
///
/// Two lines repeat when their normalised keys are equal. Building and
/// hashing the whole key of every line cost more than anything else in
/// [`clean`], and almost every line is new, so a line is first looked up
/// by a *quick hash* of only the first and last [`QUICK_BYTES`] bytes of its
/// key. Equal keys have equal ends, so a line whose quick hash is new is
/// certainly new. Only when the quick hash was seen are whole keys built
/// (and kept, for the next comparison) and compared, so the answer is
/// exactly that of comparing whole keys.
#[derive(Default)]
struct Repeats {
    /// Quick hash → index of the first line with it in `lines`.
    by_quick: HashMap<u64, usize>,
    /// The distinct long lines kept so far.
    lines: Vec<SeenLine>,
    /// Scratch for the last bytes of a key, in reverse.
    tail: Vec<u8>,
}

/// A long line kept by [`Repeats`].
struct SeenLine {
    /// Its trimmed byte range in the text.
    range: Range<usize>,
    /// Its whole key, once needed.
    key: Option<String>,
    /// The next kept line with the same quick hash (a different key).
    next: Option<usize>,
}

impl Repeats {
    /// Forgets every line seen, for the next text (keeping the memory).
    fn clear(&mut self) {
        self.by_quick.clear();
        self.lines.clear();
        self.tail.clear();
    }

    /// True when the line `text[range]` (trimmed, with at least
    /// [`MIN_REPEAT_CHARS`] characters of key) repeats an earlier line given
    /// here; otherwise it is remembered. `head` holds the first bytes of its
    /// key: all of it when `complete`, else at least [`QUICK_BYTES`].
    fn is_repeat(&mut self, text: &str, range: Range<usize>, head: &[u8], complete: bool) -> bool {
        let line = &text[range.clone()];
        let tail: &[u8] = if complete {
            &head[head.len().saturating_sub(QUICK_BYTES)..]
        } else {
            normalise_tail(line, &mut self.tail, QUICK_BYTES);
            self.tail.truncate(QUICK_BYTES);
            self.tail.reverse();
            &self.tail
        };
        let mut hasher = rustc_hash::FxHasher::default();
        head[..head.len().min(QUICK_BYTES)].hash(&mut hasher);
        tail.hash(&mut hasher);
        let quick = hasher.finish();
        let new = SeenLine {
            range,
            key: None,
            next: None,
        };
        let Some(&first) = self.by_quick.get(&quick) else {
            self.by_quick.insert(quick, self.lines.len());
            self.lines.push(new);
            return false;
        };
        // The ends match an earlier line: compare whole keys.
        let mut key = String::new();
        normalise_into(line, &mut key);
        let mut at = first;
        loop {
            let seen = &mut self.lines[at];
            let seen_key = seen.key.get_or_insert_with(|| {
                let mut k = String::new();
                normalise_into(&text[seen.range.clone()], &mut k);
                k
            });
            if *seen_key == key {
                return true;
            }
            match seen.next {
                Some(next) => at = next,
                None => break,
            }
        }
        self.lines[at].next = Some(self.lines.len());
        self.lines.push(SeenLine {
            key: Some(key),
            ..new
        });
        false
    }
}

/// Whether a line ends with sentence-final punctuation (possibly followed
/// by closing quotes or brackets).
///
/// Asked of every line; most end with an ASCII byte that is neither white
/// space nor a closing mark, which answers at once (the general way decodes
/// characters from the end: 59 instructions a line on UN speeches).
fn ends_sentence(line: &str) -> bool {
    match line.as_bytes().last() {
        Some(b' ' | b'\t'..=b'\r' | b'"' | b'\'' | b')' | b']') | None => {}
        Some(&b) if b.is_ascii() => return matches!(b, b'.' | b'!' | b'?' | b':' | b';'),
        Some(_) => {}
    }
    ends_sentence_slow(line)
}

/// [`ends_sentence`] character by character: any line.
fn ends_sentence_slow(line: &str) -> bool {
    let last = line
        .trim_end()
        .trim_end_matches(['"', '\'', '”', '’', ')', ']', '»']);
    last.ends_with(['.', '!', '?', ':', ';', '…'])
}

/// A line must be at least this long to count as wrapped mid-sentence.
pub const WRAP_MIN_CHARS: usize = 25;

/// Whether `text` is hard-wrapped: at least 8 non-blank lines, and more
/// than half of them are long lines (see [`WRAP_MIN_CHARS`]) that end
/// without sentence-final punctuation. News copy,
/// where headlines and captions are the only such lines, stays well under.
///
/// ```
/// use stancemeter::text::clean::is_hard_wrapped;
/// let wrapped = "The delegation of my country wishes to\nexpress its deep concern about the\n".repeat(5);
/// assert!(is_hard_wrapped(&wrapped));
/// assert!(!is_hard_wrapped("Headline\n\nFirst sentence. Second one.\nAnother paragraph.\n"));
/// ```
pub fn is_hard_wrapped(text: &str) -> bool {
    let (mut lines, mut open) = (0usize, 0usize);
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        lines += 1;
        open += usize::from(is_open_line(line.trim(), ends_sentence(line)));
    }
    wrapped_by_count(lines, open)
}

/// Whether a non-blank line (trimmed; `ends` says if it ends a sentence) is
/// evidence of hard wrapping: only a long line ending mid-sentence is;
/// captions, labels and bylines are short.
fn is_open_line(trimmed: &str, ends: bool) -> bool {
    !ends && has_chars(trimmed, WRAP_MIN_CHARS)
}

/// The verdict of [`is_hard_wrapped`] from its counts: at least 8 non-blank
/// lines, more than half of them open.
fn wrapped_by_count(lines: usize, open: usize) -> bool {
    lines >= 8 && open * 2 > lines
}

/// Writes the comparison form of `line` into `out`: trimmed, whitespace runs
/// collapsed to one space, lower-cased, curly quotes made straight.
fn normalise_into(line: &str, out: &mut String) {
    out.clear();
    push_normalised(line.trim(), out);
}

/// Like [`normalise_into`] but keeps one trailing space if `prefix` ends
/// with whitespace (`Photo *` must not match `Photographs`).
fn normalise_prefix_into(prefix: &str, out: &mut String) {
    out.clear();
    push_normalised(prefix.trim_start(), out);
}

/// How an ASCII byte appears in a line's key: lower-cased, a backtick as
/// `'`, white space (`\t` to `\r`) as a space (a run of it is one space:
/// the callers see to that).
const KEY_FOLD: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = if i as u8 == b'`' {
            b'\''
        } else if matches!(i as u8, b'\t'..=b'\r') {
            b' '
        } else {
            (i as u8).to_ascii_lowercase()
        };
        i += 1;
    }
    t
};

/// Whether `window` is plain ASCII text: printable characters and single
/// white-space bytes (a space, or a tab and the like), no control character,
/// no two white-space bytes in a row. Its key is then just its bytes
/// [`KEY_FOLD`]ed, one character per byte, with no run to collapse and
/// nothing to decode: the fast path of [`normalise_head`] and
/// [`normalise_tail`] for windows longer than [`PLAIN_BLOCK`] bytes
/// ([`plain_block`] tests the usual, shorter ones the same way, sixteen
/// bytes at a time).
fn is_plain_ascii(window: &[u8]) -> bool {
    // Two passes without early exits or state carried from byte to byte.
    let allowed = |b: u8| (b.wrapping_sub(b' ') < 95) | (b.wrapping_sub(b'\t') < 5);
    let space = |b: u8| (b == b' ') | (b.wrapping_sub(b'\t') < 5);
    let bad = window.iter().fold(false, |bad, &b| bad | !allowed(b));
    let next = window.get(1..).unwrap_or_default();
    let double = window
        .iter()
        .zip(next)
        .fold(false, |double, (&a, &b)| double | (space(a) & space(b)));
    !bad && !double
}

/// The longest window [`plain_block`] takes.
const PLAIN_BLOCK: usize = 64;

/// A window of at most [`PLAIN_BLOCK`] bytes, if it is plain ASCII (see
/// [`is_plain_ascii`]), [`fold_plain`]ed at the start of a block of that
/// size; `None` if it is not plain or is longer.
///
/// The same tests as [`is_plain_ascii`], on the window padded with letters
/// (which are allowed and not white space, so they change neither test) to
/// a block of fixed size, with no loop over a remainder byte by byte, which
/// for a window of a line's first 48 to 64 bytes cost more than the rest.
/// The tests and the fold run on sixteen bytes at a time ([`u8x16`]): the
/// compiler did not vectorise the test for two white-space bytes in a row,
/// which compares each byte with the next, and on the hard-wrapped UN
/// speeches, a line of sixty characters each, this function cost 5% of a
/// run's instructions. [`is_plain_ascii`] and [`fold_plain`] say the same
/// byte by byte, and a test holds the two equal.
fn plain_block(window: &[u8]) -> Option<[u8; PLAIN_BLOCK]> {
    let mut block = [b'a'; PLAIN_BLOCK];
    block.get_mut(..window.len())?.copy_from_slice(window);
    let (parts, _) = block.as_chunks::<16>();
    let v: [u8x16; 4] = std::array::from_fn(|i| u8x16::new(parts[i]));
    let (mut allowed, mut space) = (0u64, 0u64);
    for (i, &x) in v.iter().enumerate() {
        let ws = within(x, b'\t', b'\r');
        let sp = ws | x.cmp_eq(u8x16::splat(b' '));
        let ok = within(x, b' ', b'~') | ws;
        allowed |= u64::from(ok.move_mask() as u16) << (16 * i);
        space |= u64::from(sp.move_mask() as u16) << (16 * i);
    }
    // Letters pad the block: allowed, and not white space.
    if allowed != u64::MAX || space & (space >> 1) != 0 {
        return None;
    }
    let mut folded = [0u8; PLAIN_BLOCK];
    for (out, &x) in folded.as_chunks_mut::<16>().0.iter_mut().zip(&v) {
        // `fold_plain`: capitals lower-cased, a backtick made an
        // apostrophe, `\t` to `\r` made a space.
        let x = x | (within(x, b'A', b'Z') & u8x16::splat(0x20));
        let x = x.cmp_eq(u8x16::splat(b'`')).blend(u8x16::splat(b'\''), x);
        let x = within(x, b'\t', b'\r').blend(u8x16::splat(b' '), x);
        *out = x.to_array();
    }
    Some(folded)
}

/// [`KEY_FOLD`] for a byte of a plain window (see [`is_plain_ascii`]), in
/// arithmetic rather than a table look-up, so that a window is folded many
/// bytes at a time.
#[inline]
fn fold_plain(b: u8) -> u8 {
    let b = if b.wrapping_sub(b'A') < 26 {
        b | 0x20
    } else {
        b
    };
    let b = if b == b'`' { b'\'' } else { b };
    if b.wrapping_sub(b'\t') < 5 { b' ' } else { b }
}

/// ASCII white space as the key sees it: space, `\t`, `\n`, vertical tab,
/// form feed, `\r`.
#[inline]
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t'..=b'\r')
}

/// Appends the normalised form of `s` (already trimmed at the start) to
/// `out`: the whole key, as [`normalise_head`] writes its start.
fn push_normalised(s: &str, out: &mut String) {
    let mut buf = std::mem::take(out).into_bytes();
    buf.reserve(s.len());
    normalise_head(s, &mut buf, usize::MAX, usize::MAX);
    // Only whole characters were written, so this never fails.
    *out = String::from_utf8(buf)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
}

/// How a character appears in a key, when it is not white space (which
/// collapses to one space): curly quotes and the like made straight, every
/// other character lower-cased. Calls `emit` with each output character.
#[inline]
fn fold_char(c: char, mut emit: impl FnMut(char)) {
    match c {
        '‘' | '’' | '‚' | '‛' | '′' | '´' | '`' => emit('\''),
        '“' | '”' | '„' | '‟' | '″' | '«' | '»' => emit('"'),
        c if c.is_ascii() => emit(c.to_ascii_lowercase()),
        c => c.to_lowercase().for_each(emit),
    }
}

/// Writes the start of the key of `s` (trimmed, as [`normalise_into`]
/// would) into `out`: whole characters, until it holds at least
/// `min_bytes` bytes *and* `min_chars` characters, or the whole key.
/// Returns the number of characters written, and whether that is the
/// whole key.
///
/// [`clean`] needs only that much of a line: a boilerplate entry is short,
/// a repeat needs [`MIN_REPEAT_CHARS`] characters and [`Repeats`] hashes
/// [`QUICK_BYTES`]. Normalising the whole of a 500-byte paragraph for that
/// was the cleaner's main cost.
fn normalise_head(s: &str, out: &mut Vec<u8>, min_bytes: usize, min_chars: usize) -> (usize, bool) {
    let bytes = s.as_bytes();
    // Fast path: when the bytes the key needs are plain ASCII, each is one
    // key byte and one character, so the key's start is those bytes folded.
    // `need` key bytes are enough; if the last of them is a space, the loop
    // below would write it only with the character after it.
    let need = min_bytes.saturating_sub(out.len()).max(min_chars);
    if need == 0 {
        return (0, bytes.is_empty());
    }
    let mut take = need.min(bytes.len());
    if take > 0 && is_ascii_space(bytes[take - 1]) {
        take = (take + 1).min(bytes.len());
    }
    let window = &bytes[..take];
    if let Some(folded) = plain_block(window) {
        out.extend_from_slice(&folded[..take]);
        return (take, take == bytes.len());
    }
    if window.len() > PLAIN_BLOCK && is_plain_ascii(window) {
        out.extend(window.iter().map(|&b| fold_plain(b)));
        return (take, take == bytes.len());
    }
    normalise_head_slow(s, out, min_bytes, min_chars)
}

/// [`normalise_head`] character by character: any text.
fn normalise_head_slow(
    s: &str,
    out: &mut Vec<u8>,
    min_bytes: usize,
    min_chars: usize,
) -> (usize, bool) {
    let bytes = s.as_bytes();
    let mut chars = 0;
    let mut in_space = false;
    let mut i = 0;
    while i < bytes.len() {
        if out.len() >= min_bytes && chars >= min_chars {
            return (chars, false);
        }
        let b = bytes[i];
        if b.is_ascii() {
            i += 1;
            if is_ascii_space(b) {
                in_space = true;
                continue;
            }
            if in_space {
                out.push(b' ');
                chars += 1;
                in_space = false;
            }
            out.push(KEY_FOLD[b as usize]);
            chars += 1;
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if c.is_whitespace() {
            in_space = true;
            continue;
        }
        if in_space {
            out.push(b' ');
            chars += 1;
            in_space = false;
        }
        let mut tmp = [0u8; 4];
        fold_char(c, |l| {
            out.extend_from_slice(l.encode_utf8(&mut tmp).as_bytes());
            chars += 1;
        });
    }
    if in_space {
        out.push(b' ');
        chars += 1;
    }
    (chars, true)
}

/// Writes the end of the key of `s` into `out`, *reversed* byte by byte,
/// until it holds at least `min_bytes` bytes or the whole key: the mirror
/// of [`normalise_head`], reading `s` from its end.
fn normalise_tail(s: &str, out: &mut Vec<u8>, min_bytes: usize) {
    out.clear();
    let bytes = s.as_bytes();
    // Fast path, as in `normalise_head`: the last `min_bytes` bytes (one
    // more if the first of them is a space) folded, when they are plain.
    let mut take = min_bytes.min(bytes.len());
    if take > 0 && is_ascii_space(bytes[bytes.len() - take]) {
        take = (take + 1).min(bytes.len());
    }
    let window = &bytes[bytes.len() - take..];
    if let Some(folded) = plain_block(window) {
        out.extend(folded[..take].iter().rev());
        return;
    }
    if window.len() > PLAIN_BLOCK && is_plain_ascii(window) {
        out.extend(window.iter().rev().map(|&b| fold_plain(b)));
        return;
    }
    normalise_tail_slow(s, out, min_bytes);
}

/// [`normalise_tail`] character by character: any text. `out` is empty.
fn normalise_tail_slow(s: &str, out: &mut Vec<u8>, min_bytes: usize) {
    let bytes = s.as_bytes();
    // A trailing run of white space is one space, as at the end of
    // `push_normalised`.
    let mut in_space = false;
    let mut end = bytes.len();
    while end > 0 && out.len() < min_bytes {
        let b = bytes[end - 1];
        if b.is_ascii() {
            end -= 1;
            if is_ascii_space(b) {
                in_space = true;
                continue;
            }
            if in_space {
                out.push(b' ');
                in_space = false;
            }
            out.push(KEY_FOLD[b as usize]);
            continue;
        }
        let Some(c) = s[..end].chars().next_back() else {
            break;
        };
        end -= c.len_utf8();
        if c.is_whitespace() {
            in_space = true;
            continue;
        }
        if in_space {
            out.push(b' ');
            in_space = false;
        }
        let mut folded = [0u8; 16];
        let mut n = 0;
        fold_char(c, |l| n += l.encode_utf8(&mut folded[n..]).len());
        out.extend(folded[..n].iter().rev());
    }
    // A leading run (never left by trimming) would be one space too.
    if in_space && out.len() < min_bytes {
        out.push(b' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_reused_across_texts_clean_as_fresh_ones() {
        // The second text holds the first's long line once: seen in the
        // first text, it must not count as a repeat in the second.
        let bp = list();
        let line = "The delegation of Norway welcomed the agreement reached between the parties.";
        let texts = [
            format!("{line}\n\n{line}\n\nAdvertisement\n\nA closing line of the first story."),
            format!("Another story begins here with its own first line.\n\n{line}"),
            "short wrapped\nlines of text\nthat go on and\non without an end\nand more of\nthem here".to_string(),
            String::new(),
            format!("{line}\n\n{line}"),
        ];
        let mut buffers = CleanBuffers::default();
        let mut out = String::from("left over from before");
        for text in &texts {
            let stats = clean_into(text, &bp, &mut out, &mut buffers);
            let (fresh, fresh_stats) = clean(text, &bp);
            assert_eq!(out, fresh, "{text:?}");
            assert_eq!(stats, fresh_stats, "{text:?}");
        }
        assert_eq!(clean(&texts[1], &bp).0.matches(line).count(), 1);
    }

    const LIST: &str = r"# Boilerplate seen in scraped wire copy.

Advertisement
  Skip Advertisement  
Read more:*
Photo *
Don’t miss our newsletter
\#1 in news
Rated 5\*
";

    fn list() -> Boilerplate {
        Boilerplate::parse(LIST, "boilerplate.txt").expect("valid list")
    }

    #[test]
    fn parse_counts_entries_and_skips_comments_and_blanks() {
        let b = list();
        assert_eq!(b.len(), 7);
        assert!(!b.is_empty());
        assert!(!b.is_boilerplate("# Boilerplate seen in scraped wire copy."));
        assert!(Boilerplate::default().is_empty());
        let dup = Boilerplate::parse("Advertisement\nADVERTISEMENT\n advertisement\n", "b.txt")
            .expect("valid list");
        assert_eq!(dup.len(), 1);
        let bom = Boilerplate::parse("\u{feff}Advertisement\r\nSponsored\r\n", "b.txt")
            .expect("valid list");
        assert!(bom.is_boilerplate("Advertisement"));
        assert!(bom.is_boilerplate("Sponsored"));
    }

    #[test]
    fn exact_entries_ignore_case_whitespace_and_quote_style() {
        let b = list();
        assert!(b.is_boilerplate("Advertisement"));
        assert!(b.is_boilerplate("  ADVERTISEMENT\t"));
        assert!(b.is_boilerplate("skip   advertisement"));
        assert!(b.is_boilerplate("Don't miss our newsletter"));
        assert!(b.is_boilerplate("DON’T MISS OUR NEWSLETTER"));
        assert!(!b.is_boilerplate("Advertisements"));
        assert!(!b.is_boilerplate("The ministry bought an advertisement."));
        assert!(!b.is_boilerplate(""));
        assert!(!b.is_boilerplate("   "));
    }

    #[test]
    fn prefix_entries_match_line_starts() {
        let b = list();
        assert!(b.is_boilerplate("Read more: Seoul and Tokyo resume talks"));
        assert!(b.is_boilerplate("READ MORE:"));
        assert!(!b.is_boilerplate("Readers said more: talks"));
        assert!(b.is_boilerplate("Photo by Jane Doe"));
        // The space before `*` is part of the prefix.
        assert!(!b.is_boilerplate("Photographs show damage"));
        assert!(!b.is_boilerplate("Photo"));
    }

    #[test]
    fn escapes_allow_hash_and_star_literals() {
        let b = list();
        assert!(b.is_boilerplate("#1 in news"));
        assert!(b.is_boilerplate("Rated 5*"));
        assert!(!b.is_boilerplate("Rated 5 stars"));
    }

    #[test]
    fn star_only_entry_is_an_error_with_its_line() {
        let err = Boilerplate::parse("# list\nAdvertisement\n\n   *  \nPhoto *\n", "lex/b.txt")
            .expect_err("`*` alone must be rejected");
        match &err {
            Error::Lexicon {
                file,
                line,
                message,
            } => {
                assert_eq!(file, "lex/b.txt");
                assert_eq!(*line, 4);
                assert!(message.contains('*'), "{message}");
            }
            other => panic!("wrong error: {other:?}"),
        }
        assert!(err.to_string().starts_with("lex/b.txt:4: "));
    }

    #[test]
    fn drops_boilerplate_and_repeated_headline_keeping_the_first() {
        let text = "\
Seoul, Tokyo agree to resume talks
Advertisement

SEOUL (Wire) -- South Korea and Japan agreed on Monday to resume talks.
Read more: Markets rally in Asia

SEOUL,   TOKYO agree to resume talks
Officials said the talks would start next month.
advertisement";
        let (cleaned, stats) = clean(text, &list());
        assert_eq!(
            cleaned,
            "\
Seoul, Tokyo agree to resume talks

SEOUL (Wire) -- South Korea and Japan agreed on Monday to resume talks.

Officials said the talks would start next month."
        );
        assert_eq!(
            stats,
            CleanStats {
                boilerplate_lines: 3,
                repeated_lines: 1,
                joined_lines: 0
            }
        );
    }

    #[test]
    fn repeats_ignore_curly_quotes_case_and_spacing() {
        let text = "Kim calls sanctions “a declaration of war”\n\
                    Body text here.\n\
                    kim calls  sanctions \"a declaration of war\"";
        let (cleaned, stats) = clean(text, &Boilerplate::default());
        assert_eq!(
            cleaned,
            "Kim calls sanctions “a declaration of war”\nBody text here."
        );
        assert_eq!(stats.repeated_lines, 1);
    }

    #[test]
    fn short_repeated_lines_are_kept() {
        let text = "Photo\nFirst caption line.\n—\nPhoto\n—\n1234567890123456789\n1234567890123456789\n12345678901234567890\n12345678901234567890";
        let (cleaned, stats) = clean(text, &Boilerplate::default());
        assert_eq!(
            cleaned,
            "Photo\nFirst caption line.\n—\nPhoto\n—\n1234567890123456789\n1234567890123456789\n12345678901234567890"
        );
        assert_eq!(
            stats,
            CleanStats {
                boilerplate_lines: 0,
                repeated_lines: 1,
                joined_lines: 0
            }
        );
    }

    #[test]
    fn blank_line_structure_is_kept_and_collapsed() {
        let text = "\n \nFirst paragraph.\n  \n\t\n\nSecond paragraph,\nstill second.\n\nAdvertisement\n\nThird.\n\n \n";
        let (cleaned, stats) = clean(text, &list());
        assert_eq!(
            cleaned,
            "First paragraph.\n\nSecond paragraph,\nstill second.\n\nThird."
        );
        assert_eq!(stats.boilerplate_lines, 1);
    }

    #[test]
    fn line_endings_and_surrounding_whitespace() {
        let text = "  Headline here  \r\nBody one.\r\n\r\nBody two.\rBody three.\u{2028}Body four.";
        let (cleaned, _) = clean(text, &Boilerplate::default());
        assert_eq!(
            cleaned,
            "Headline here\nBody one.\n\nBody two.\nBody three.\nBody four."
        );
    }

    #[test]
    fn empty_and_noise_only_texts() {
        assert_eq!(clean("", &list()), (String::new(), CleanStats::default()));
        let (cleaned, stats) = clean("Advertisement\n\nAdvertisement\n", &list());
        assert_eq!(cleaned, "");
        assert_eq!(
            stats,
            CleanStats {
                boilerplate_lines: 2,
                repeated_lines: 0,
                joined_lines: 0
            }
        );
    }

    #[test]
    fn multibyte_lines_are_compared_by_characters() {
        // 20 characters, 40+ bytes: counts as long; case folds beyond ASCII.
        let text = "한국과 일본이 회담을 재개하기로 합의했다 É\n본문.\n한국과 일본이 회담을 재개하기로 합의했다 é";
        let (cleaned, stats) = clean(text, &Boilerplate::default());
        assert_eq!(cleaned, "한국과 일본이 회담을 재개하기로 합의했다 É\n본문.");
        assert_eq!(stats.repeated_lines, 1);
    }

    #[test]
    fn stats_add_totals() {
        let mut total = CleanStats::default();
        total.add(&CleanStats {
            boilerplate_lines: 2,
            repeated_lines: 1,
            joined_lines: 0,
        });
        total.add(&CleanStats {
            boilerplate_lines: 3,
            repeated_lines: 0,
            joined_lines: 0,
        });
        assert_eq!(
            total,
            CleanStats {
                boilerplate_lines: 5,
                repeated_lines: 1,
                joined_lines: 0
            }
        );
    }

    #[test]
    fn hard_wrapped_text_is_joined_into_sentences() {
        let bp = Boilerplate::default();
        let para = "My delegation wishes to express its deep\nconcern about the situation in the\nregion, which has worsened since the\nlast session of the Assembly.\n";
        let text = format!("{para}{para}{para}");
        let (out, stats) = clean(&text, &bp);
        let one = "My delegation wishes to express its deep concern about the situation in the region, which has worsened since the last session of the Assembly.";
        assert_eq!(out, format!("{one}\n{one}\n{one}"));
        assert_eq!(stats.joined_lines, 9);
        // Repeats are not removed from wrapped text: lines are not units there.
        assert_eq!(stats.repeated_lines, 0);
        // News with short headline lines is not wrapped.
        let news = "Seoul Offers Talks\n\nSouth Korea offered talks on Monday.\nThe North did not reply.\n";
        assert_eq!(
            clean(news, &bp).0,
            "Seoul Offers Talks\n\nSouth Korea offered talks on Monday.\nThe North did not reply."
        );
    }

    /// The cleaner as first written (whole keys of every line, two passes):
    /// the fast one must answer exactly as this.
    fn clean_reference(text: &str, boilerplate: &Boilerplate) -> (String, CleanStats) {
        enum Kept {
            Blank,
            Line(Range<usize>),
            Repeat,
        }
        let mut stats = CleanStats::default();
        let wrapped = is_hard_wrapped(text);
        let mut lines: Vec<Kept> = Vec::new();
        let mut keys: Vec<(usize, String)> = Vec::new();
        for line in line_ranges(text) {
            let raw = &text[line.clone()];
            let trimmed = raw.trim();
            if trimmed.is_empty() {
                lines.push(Kept::Blank);
                continue;
            }
            let mut key = String::new();
            normalise_into(trimmed, &mut key);
            if boilerplate.matches_key(&key) {
                stats.boilerplate_lines += 1;
                continue;
            }
            if !wrapped && key.chars().count() >= MIN_REPEAT_CHARS {
                keys.push((lines.len(), key));
            }
            let start = line.start + (raw.len() - raw.trim_start().len());
            lines.push(Kept::Line(start..start + trimmed.len()));
        }
        let mut seen = std::collections::HashSet::new();
        for (index, key) in keys {
            if !seen.insert(key) {
                lines[index] = Kept::Repeat;
                stats.repeated_lines += 1;
            }
        }
        let mut out = String::new();
        let (mut blank_pending, mut open_sentence) = (false, false);
        for kept in lines {
            match kept {
                Kept::Repeat => {}
                Kept::Blank => blank_pending = !out.is_empty(),
                Kept::Line(range) => {
                    if !out.is_empty() {
                        if wrapped && open_sentence && !blank_pending {
                            out.push(' ');
                            stats.joined_lines += 1;
                        } else {
                            out.push_str(if blank_pending { "\n\n" } else { "\n" });
                        }
                    }
                    open_sentence = !ends_sentence(&text[range.clone()]);
                    blank_pending = false;
                    out.push_str(&text[range]);
                }
            }
        }
        (out, stats)
    }

    /// Pieces that stress the key: case that folds to more bytes or
    /// characters (`İ`), Unicode white space, curly quotes, backticks.
    const PIECES: &[&str] = &[
        "Seoul",
        "SEOUL",
        "seoul",
        " ",
        "  ",
        "\t",
        "\u{a0}",
        "\u{85}",
        "\u{3000}",
        "İ",
        "i̇",
        "ẞ",
        "ß",
        "’",
        "'",
        "`",
        "“",
        "\"",
        "«",
        "é",
        "É",
        "한국",
        "Advertisement",
        "Read more:",
        "Photo ",
        "talks",
        "resumed",
        ".",
        ",",
        "x",
        "0123456789",
        "ǅ",
        "Σ",
        "σ",
    ];

    fn text_from(picks: &[(usize, u8)]) -> String {
        let mut t = String::new();
        for &(piece, sep) in picks {
            t.push_str(PIECES[piece % PIECES.len()]);
            match sep % 12 {
                0 => t.push('\n'),
                1 => t.push_str("\r\n"),
                2 => t.push_str("\n\n"),
                _ => {}
            }
        }
        t
    }

    #[test]
    fn key_ends_equal_the_ends_of_the_whole_key() {
        let long = "Über “quoted” ".repeat(20) + "İSTANBUL  `end`\u{3000}";
        for s in [
            "a",
            "  a  ",
            "İİİ",
            "ab\u{85}\u{85}cd",
            long.as_str(),
            "\u{a0}x\u{a0}",
        ] {
            let mut whole = String::new();
            push_normalised(s, &mut whole);
            let whole = whole.into_bytes();
            for min in [0, 1, 2, 5, 20, 48, 1000] {
                let mut head = Vec::new();
                let (chars, complete) = normalise_head(s, &mut head, min, 0);
                assert!(whole.starts_with(&head), "{s:?} {min}");
                assert_eq!(complete, head == whole, "{s:?} {min}");
                assert!(complete || head.len() >= min);
                assert_eq!(chars, String::from_utf8(head).unwrap().chars().count());
                let mut tail = Vec::new();
                normalise_tail(s, &mut tail, min);
                tail.reverse();
                assert!(whole.ends_with(&tail), "{s:?} {min}");
                assert!(tail == whole || tail.len() >= min, "{s:?} {min}");
            }
        }
    }

    /// Lines that stress the plain-ASCII fast path of the key ends: white
    /// space of every kind and length at the cut, non-ASCII, control bytes.
    const KEY_PIECES: &[&str] = &[
        "a", "Seoul", "TALKS", "`", " ", "  ", "\t", "\u{b}", "\r", "\x01", "\x7f", "é", "İ", "’",
        "\u{a0}", "0", "~", ".",
    ];

    /// `plain_block`'s vector tests and fold against `is_plain_ascii` and
    /// `fold_plain`, byte by byte: every byte value, alone and next to each
    /// kind of white space, at each end of windows of every length.
    #[test]
    fn plain_block_equals_the_bytewise_tests() {
        let byte_wise = |w: &[u8]| {
            is_plain_ascii(w).then(|| w.iter().map(|&b| fold_plain(b)).collect::<Vec<u8>>())
        };
        let check = |w: &[u8]| {
            let block = plain_block(w).map(|b| b[..w.len()].to_vec());
            assert_eq!(block, byte_wise(w), "{w:?}");
        };
        for len in 0..=PLAIN_BLOCK {
            let pattern = b"Ab c`Z\t9~";
            let base: Vec<u8> = (0..len).map(|i| pattern[i % pattern.len()]).collect();
            check(&base);
            for at in [0, len / 2, len.saturating_sub(1)]
                .into_iter()
                .filter(|&i| i < len)
            {
                for b in 0..=255u8 {
                    let mut w = base.clone();
                    w[at] = b;
                    check(&w);
                    for ws in [b' ', b'\t', b'\n', b'\x0b', b'\x0c', b'\r'] {
                        if at + 1 < len {
                            w[at + 1] = ws;
                            check(&w);
                        }
                    }
                }
            }
        }
        assert_eq!(plain_block(&[b'a'; PLAIN_BLOCK + 1]), None);
    }

    /// The byte test of `ends_sentence` against the general one: every
    /// ASCII byte last, alone or after a full stop, and the closing marks
    /// and white space beyond ASCII.
    #[test]
    fn ends_sentence_answers_as_its_general_form() {
        let mut lines: Vec<String> = Vec::new();
        for b in 0..0x80u8 {
            let c = char::from(b);
            lines.extend([
                format!("{c}"),
                format!("talks.{c}"),
                format!("talks{c}"),
                format!("x{c}"),
            ]);
        }
        for end in [
            "”", "’", "»", "…", "\u{a0}", "\u{3000}", ".”", "?’ ", "a»", ".\u{85}", "é",
        ] {
            lines.extend([
                end.to_string(),
                format!("talks{end}"),
                format!("talks.{end}"),
            ]);
        }
        lines.push(String::new());
        for line in &lines {
            assert_eq!(ends_sentence(line), ends_sentence_slow(line), "{line:?}");
        }
        assert!(ends_sentence("They met.") && ends_sentence("He said: \"No.\"  "));
        assert!(!ends_sentence("the talks in") && !ends_sentence("(see below)"));
    }

    #[test]
    fn fast_key_ends_equal_the_slow_ones() {
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng % n as u64) as usize
        };
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..next(30) {
                // Mostly plain words, so that the fast path is taken.
                let piece = if next(4) == 0 {
                    next(KEY_PIECES.len())
                } else {
                    next(4)
                };
                s.push_str(KEY_PIECES[piece]);
            }
            for (min_bytes, min_chars) in [
                (0, 0),
                (1, 0),
                (5, 3),
                (20, 20),
                (48, 20),
                // Windows either side of `PLAIN_BLOCK`.
                (PLAIN_BLOCK - 1, 20),
                (PLAIN_BLOCK, 20),
                (PLAIN_BLOCK + 1, 0),
                (usize::MAX, usize::MAX),
            ] {
                for start in [0usize, 3] {
                    let mut fast = vec![b'x'; start];
                    let mut slow = fast.clone();
                    assert_eq!(
                        normalise_head(&s, &mut fast, min_bytes, min_chars),
                        normalise_head_slow(&s, &mut slow, min_bytes, min_chars),
                        "{s:?} {min_bytes} {min_chars}"
                    );
                    assert_eq!(fast, slow, "{s:?} {min_bytes} {min_chars}");
                }
                let (mut fast, mut slow) = (Vec::new(), Vec::new());
                normalise_tail(&s, &mut fast, min_bytes);
                normalise_tail_slow(&s, &mut slow, min_bytes);
                assert_eq!(fast, slow, "{s:?} {min_bytes}");
            }
        }
        // Empty and white-space-only lines.
        for s in ["", " ", "\t\t", "a "] {
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            assert_eq!(
                normalise_head(s, &mut fast, 48, 20),
                normalise_head_slow(s, &mut slow, 48, 20)
            );
            assert_eq!(fast, slow);
        }
    }

    #[test]
    fn one_scan_tells_wrapping_as_is_hard_wrapped() {
        let para = "My delegation wishes to express its deep\nconcern about the situation in the\nregion, which has worsened since the\nlast session of the Assembly.\n";
        let base = para.repeat(3);
        let variants = [
            base.clone(),
            base.replace('\n', "\r\n"),
            // Lone `\r` and U+2028 end lines here but not for `str::lines`.
            base.replace('\n', "\r"),
            base.replace('\n', "\u{2028}"),
            base.replacen('\n', "\r", 1),
            format!("  \n\t{base}\n \n"),
            "Short line.\n".repeat(10),
            String::new(),
        ];
        for text in variants {
            assert_eq!(
                scan_lines(&text, &mut Vec::new()),
                is_hard_wrapped(&text),
                "{text:?}"
            );
            assert_eq!(
                clean(&text, &list()),
                clean_reference(&text, &list()),
                "{text:?}"
            );
        }
    }

    /// In hard-wrapped text a line's key is worked out only when its first
    /// three bytes may start an entry: lines that are entries, that start
    /// like one, or that start with bytes the test cannot settle (short,
    /// beyond ASCII, two spaces, a tab) are cleaned as the reference does.
    #[test]
    fn wrapped_text_finds_boilerplate_by_its_first_three_bytes() {
        let b = Boilerplate::parse(
            "Advertisement\nAd\nRead more:*\nPhoto *\nZ*\nby*\n©*\nA  b  c\nx\tyz\n",
            "b.txt",
        )
        .expect("valid list");
        let wrapped = "My delegation wishes to express its deep concern about the";
        let lines = [
            "Advertisement",
            "ADVERTISEMENT",
            "Advertisements of the Government were",
            "Ad",
            "Ad hoc committees of the Assembly have met since the last",
            "Read more: the talks",
            "Reading the report of the Secretary-General, we note that",
            "Photo of the day",
            "Photographs of the region show that the fighting has not",
            "Zambia and Zimbabwe",
            "by the delegation of",
            "By the Charter",
            "© Wire",
            "A  b  c",
            "A b c",
            "a\tb c",
            "x\tyz",
            "X yz",
            "xy",
            "é the",
            "Ü",
            "A\u{a0} b",
            "`Ad` was",
        ];
        let mut text = String::new();
        for line in lines {
            // Each test line among wrapped ones, so the text stays wrapped.
            for _ in 0..3 {
                text.push_str(wrapped);
                text.push('\n');
            }
            text.push_str(line);
            text.push('\n');
        }
        assert!(is_hard_wrapped(&text));
        let (out, stats) = clean(&text, &b);
        assert_eq!((out.clone(), stats), clean_reference(&text, &b));
        // Advertisement (twice), Ad, Read more, Photo, Zambia, both "by"
        // lines, ©, the three spellings of "a b c" and the two of "x yz"
        // (white space folds, case too) are dropped.
        assert_eq!(stats.boilerplate_lines, 14, "{out}");
        for kept in [
            "Advertisements of",
            "Ad hoc",
            "Reading",
            "Photographs",
            "xy",
            "`Ad` was",
        ] {
            assert!(out.contains(kept), "{kept}");
        }
    }

    #[test]
    fn prefix_entries_are_found_by_first_byte() {
        let b = Boilerplate::parse("Read more*\nRelated*\n©*\nZ*\n", "b.txt").expect("valid list");
        assert!(b.is_boilerplate("Related: talks"));
        assert!(b.is_boilerplate("read more"));
        assert!(b.is_boilerplate("© 2024 Wire"));
        assert!(b.is_boilerplate("zebra"));
        assert!(!b.is_boilerplate("Readers"));
        assert!(!b.is_boilerplate("A related story"));
        assert!(!Boilerplate::default().is_boilerplate("Read more"));
        // And by `clean`, which compares only the start of each line's key,
        // the second byte first.
        let text = "Related: talks\nReform is due.\nZ\nRe\nR\n© Wire\nREAD MORE\nReads well.\n";
        let (out, stats) = clean(text, &b);
        assert_eq!(out, "Reform is due.\nRe\nR\nReads well.");
        assert_eq!(stats.boilerplate_lines, 4);
    }

    #[test]
    fn has_chars_counts_past_255_bytes() {
        // 200 two-byte characters: 400 bytes, under 4 × 150, so counted,
        // in two pieces.
        let s = "é".repeat(200);
        assert!(has_chars(&s, 150));
        assert!(has_chars(&s, 200));
        assert!(!has_chars(&s, 201));
        assert!(has_chars(&"x".repeat(120), 120));
        assert!(!has_chars(&"x".repeat(119), 120));
    }

    proptest::proptest! {
        /// `has_chars` is a count of the characters, however they are
        /// made of bytes.
        #[test]
        fn has_chars_counts_characters(
            s in "[a éÿ’한\u{1F600}]{0,300}",
            // Up to lengths counted in more than one piece of 255 bytes.
            n in 1usize..130,
        ) {
            proptest::prop_assert_eq!(has_chars(&s, n), s.chars().count() >= n);
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_cleaner_equals_the_reference(
            picks in proptest::collection::vec((0usize..64, proptest::prelude::any::<u8>()), 0..200),
            dup in proptest::collection::vec(0usize..400, 0..6),
        ) {
            let mut text = text_from(&picks);
            // Copies of earlier lines, some with their case or spacing changed.
            let lines: Vec<String> = text.lines().map(str::to_string).collect();
            for (n, d) in dup.iter().enumerate() {
                if let Some(line) = lines.get(d % lines.len().max(1)) {
                    let copy = match n % 3 {
                        0 => line.clone(),
                        1 => line.to_uppercase(),
                        _ => format!("  {}\t", line.replace(' ', "   ")),
                    };
                    text.push('\n');
                    text.push_str(&copy);
                }
            }
            let b = list();
            proptest::prop_assert_eq!(clean(&text, &b), clean_reference(&text, &b));
            let none = Boilerplate::default();
            proptest::prop_assert_eq!(clean(&text, &none), clean_reference(&text, &none));
        }

        #[test]
        fn keys_ends_match_for_any_text(s in "\\PC{0,80}", min in 0usize..60) {
            let mut whole = String::new();
            push_normalised(s.trim_start(), &mut whole);
            let whole = whole.into_bytes();
            let mut head = Vec::new();
            let (_, complete) = normalise_head(s.trim_start(), &mut head, min, 0);
            proptest::prop_assert!(whole.starts_with(&head));
            proptest::prop_assert_eq!(complete, head == whole);
            let mut tail = Vec::new();
            normalise_tail(s.trim_start(), &mut tail, min);
            tail.reverse();
            proptest::prop_assert!(whole.ends_with(&tail));
            proptest::prop_assert!(tail == whole || tail.len() >= min);
        }
    }

    #[test]
    fn long_lines_with_equal_ends_are_told_apart() {
        // Same first and last 48+ bytes of key, different middles: the quick
        // hash agrees, the whole keys do not.
        let start =
            "The General Assembly, recalling all of its earlier resolutions on the matter, ";
        let end = " and deciding to remain seized of the matter, adopted the text.";
        let a = format!("{start}welcomed the talks{end}");
        let b = format!("{start}condemned the strikes{end}");
        let text = format!("{a}\n{b}\n{}\n{b}\n{a}", a.to_uppercase());
        let (cleaned, stats) = clean(&text, &Boilerplate::default());
        assert_eq!(cleaned, format!("{a}\n{b}"));
        assert_eq!(stats.repeated_lines, 3);
        assert_eq!(
            clean(&text, &Boilerplate::default()),
            clean_reference(&text, &Boilerplate::default())
        );
    }
}
