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

use rustc_hash::FxHashSet as HashSet;
use std::ops::Range;

use crate::error::{Error, Result};
use crate::text::split::line_ranges;

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
        Ok(Boilerplate { exact, prefixes })
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
    let mut stats = CleanStats::default();
    let wrapped = is_hard_wrapped(text);
    // First pass: drop boilerplate, and note the normalised keys of the long
    // lines, all in one buffer (no allocation per line).
    let mut lines: Vec<Kept> = Vec::new();
    let mut keys = String::new();
    let mut long_keys: Vec<(usize, Range<usize>)> = Vec::new();
    let mut key = String::new();
    for line in line_ranges(text) {
        let raw = &text[line.clone()];
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            lines.push(Kept::Blank);
            continue;
        }
        normalise_into(trimmed, &mut key);
        if boilerplate.matches_key(&key) {
            stats.boilerplate_lines += 1;
            continue;
        }
        if !wrapped && key.chars().nth(MIN_REPEAT_CHARS - 1).is_some() {
            let from = keys.len();
            keys.push_str(&key);
            long_keys.push((lines.len(), from..keys.len()));
        }
        let start = line.start + (raw.len() - raw.trim_start().len());
        lines.push(Kept::Line(start..start + trimmed.len()));
    }
    // Second pass: among the long lines, only the first of each key stays.
    let mut seen: HashSet<&str> =
        HashSet::with_capacity_and_hasher(long_keys.len(), Default::default());
    for (index, range) in long_keys {
        if !seen.insert(&keys[range]) {
            lines[index] = Kept::Repeat;
            stats.repeated_lines += 1;
        }
    }
    // Output: kept lines joined by `\n`, one blank line per run of blanks.
    let mut out = String::with_capacity(text.len());
    let mut blank_pending = false;
    let mut open_sentence = false;
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

/// Whether a line ends with sentence-final punctuation (possibly followed
/// by closing quotes or brackets).
fn ends_sentence(line: &str) -> bool {
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
        // Only a long line ending mid-sentence is evidence of wrapping;
        // captions, labels and bylines are short.
        open += (!ends_sentence(line) && line.trim().chars().count() >= WRAP_MIN_CHARS) as usize;
    }
    lines >= 8 && open * 2 > lines
}

/// What the first pass of [`clean`] decided about a line.
enum Kept {
    /// A whitespace-only line (a paragraph break).
    Blank,
    /// A line to keep: its trimmed byte range in the text.
    Line(Range<usize>),
    /// A long line that repeats an earlier one.
    Repeat,
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

/// How an ASCII byte (other than white space) appears in a line's key:
/// lower-cased, a backtick as `'`.
const KEY_FOLD: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = if i as u8 == b'`' {
            b'\''
        } else {
            (i as u8).to_ascii_lowercase()
        };
        i += 1;
    }
    t
};

/// Appends the normalised form of `s` (already trimmed at the start) to `out`.
fn push_normalised(s: &str, out: &mut String) {
    let mut buf = std::mem::take(out).into_bytes();
    buf.reserve(s.len());
    let bytes = s.as_bytes();
    // ASCII white space (what `char::is_whitespace` says of ASCII).
    let space = |b: u8| matches!(b, b' ' | b'\t'..=b'\r');
    let mut in_space = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII fast path: whole runs between spaces, folded by a table.
        if b.is_ascii() {
            if space(b) {
                in_space = true;
                i += 1;
                continue;
            }
            if in_space {
                buf.push(b' ');
                in_space = false;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii() && !space(bytes[i]) {
                i += 1;
            }
            buf.extend(bytes[start..i].iter().map(|&b| KEY_FOLD[b as usize]));
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
            buf.push(b' ');
            in_space = false;
        }
        let mut tmp = [0u8; 4];
        match c {
            '‘' | '’' | '‚' | '‛' | '′' | '´' => buf.push(b'\''),
            '“' | '”' | '„' | '‟' | '″' | '«' | '»' => buf.push(b'"'),
            c => {
                for l in c.to_lowercase() {
                    buf.extend_from_slice(l.encode_utf8(&mut tmp).as_bytes());
                }
            }
        }
    }
    if in_space {
        buf.push(b' ');
    }
    // Only whole characters were written, so this never fails.
    *out = String::from_utf8(buf)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
