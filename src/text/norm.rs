//! Normalisation for matching, with a map back to the original text.
//!
//! Lexicon entries and sentences go through the same folding so that a
//! lexicon written in plain ASCII matches wire copy as it is printed:
//!
//! * letters are lower-cased and stripped of diacritics (`Türkiye` →
//!   `turkiye`, `Erdoğan` → `erdogan`);
//! * curly apostrophes and primes become `'` (`China’s` → `china's`), curly
//!   and angle quotes become `"`;
//! * hyphens and dashes become spaces, so `Kim Jong-un` matches `kim jong un`
//!   and `U.S.-led` contains `u.s.`;
//! * every kind of white space becomes a plain space.
//!
//! Matches are found in the folded text; [`Normalized::orig_range`] maps them
//! back to byte ranges of the original sentence for case checks and evidence.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A folded copy of a text plus, for every folded byte, the byte offset of
/// the original character it came from.
///
/// ```
/// use stancemeter::text::Normalized;
/// let n = Normalized::new("Seoul’s Unification Ministry");
/// assert_eq!(n.text(), "seoul's unification ministry");
/// // "seoul's" is 7 folded bytes; the curly apostrophe was 3 bytes long.
/// assert_eq!(n.orig_range(0..7), 0..9);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    text: String,
    /// `map[i]` is the original offset of folded byte `i`; one extra entry at
    /// the end holds the original length. Empty when the original was all
    /// ASCII: then every character folds to one byte and offsets are equal.
    map: Vec<u32>,
}

/// How each ASCII byte folds: lower case, `-` and white space to a space,
/// a backtick to `'` (the ASCII half of [`fold_char`]).
const ASCII_FOLD: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = match b {
            b'-' | b' ' | b'\t' | b'\n' | b'\r' | 0x0C => b' ',
            b'`' => b'\'',
            _ => b.to_ascii_lowercase(),
        };
        i += 1;
    }
    t
};

/// `ASCII_WORD[b]`: byte `b` is an ASCII letter or digit (a word byte).
pub(crate) const ASCII_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 128 {
        t[i] = (i as u8).is_ascii_alphanumeric();
        i += 1;
    }
    t
};

impl Normalized {
    /// Folds `s` (see the module docs).
    pub fn new(s: &str) -> Normalized {
        if s.is_ascii() {
            // Fast path: one table lookup per byte and no offset map.
            let bytes: Vec<u8> = s.bytes().map(|b| ASCII_FOLD[b as usize]).collect();
            // The table maps ASCII to ASCII, so the bytes are valid UTF-8.
            let text = String::from_utf8(bytes).unwrap_or_default();
            return Normalized {
                text,
                map: Vec::new(),
            };
        }
        let mut text = String::with_capacity(s.len());
        let mut map = Vec::with_capacity(s.len() + 1);
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // A run of ASCII: folded by the table, offsets one to one.
            let run = bytes[i..].iter().take_while(|b| b.is_ascii()).count();
            if run > 0 {
                let folded = bytes[i..i + run]
                    .iter()
                    .map(|&b| char::from(ASCII_FOLD[b as usize]));
                text.extend(folded);
                map.extend(i as u32..(i + run) as u32);
                i += run;
                continue;
            }
            let Some(c) = s[i..].chars().next() else {
                break;
            };
            let before = text.len();
            fold_char(c, true, &mut text);
            for _ in before..text.len() {
                map.push(i as u32);
            }
            i += c.len_utf8();
        }
        map.push(s.len() as u32);
        Normalized { text, map }
    }

    /// The folded text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Maps a byte range of the folded text to the byte range of the original
    /// characters it came from.
    pub fn orig_range(&self, r: Range<usize>) -> Range<usize> {
        if self.map.is_empty() {
            let n = self.text.len();
            return r.start.min(n)..r.end.min(n).max(r.start.min(n));
        }
        let start = self.map[r.start.min(self.map.len() - 1)] as usize;
        let end = if r.end >= self.text.len() {
            self.map[self.map.len() - 1] as usize
        } else {
            // The original character that produced folded byte `r.end`
            // starts right where the previous one ended.
            self.map[r.end] as usize
        };
        start..end.max(start)
    }
}

/// Folds one character into `out`: the same rules as [`Normalized`], with
/// lower-casing only when `lower` is set (case checks need the rest of the
/// folding without it).
pub fn fold_char(c: char, lower: bool, out: &mut String) {
    if c.is_ascii() {
        match c {
            '-' => out.push(' '),
            '`' => out.push('\''),
            c if c.is_ascii_whitespace() => out.push(' '),
            c if lower => out.push(c.to_ascii_lowercase()),
            c => out.push(c),
        }
        return;
    }
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{2032}' | '\u{FF07}' => {
            out.push('\'')
        }
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}'
        | '\u{2033}' | '\u{FF02}' => out.push('"'),
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => {
            out.push(' ')
        }
        c if c.is_whitespace() => out.push(' '),
        c => {
            for d in c.nfd().filter(|d| !is_combining_mark(*d)) {
                if lower {
                    out.extend(d.to_lowercase());
                } else {
                    out.push(d);
                }
            }
        }
    }
}

/// Folds a whole string without lower-casing (for case rules).
pub fn fold_keep_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, false, &mut out);
    }
    out
}

/// Folds a whole string with lower-casing: what lexicon entries go through.
pub fn fold(s: &str) -> String {
    Normalized::new(s).text
}

/// True for characters that make up words: letters and digits.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// A word of folded text: a maximal run of letters and digits, with inner
/// apostrophes kept (`nation's`, `didn't`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Start byte in the folded text.
    pub start: usize,
    /// End byte (exclusive) in the folded text.
    pub end: usize,
}

/// Splits folded text into [`Token`]s.
///
/// ```
/// use stancemeter::text::norm::{fold, tokens};
/// let t = fold("Kim didn't improve his nation’s ties.");
/// let words: Vec<&str> = tokens(&t).iter().map(|k| &t[k.start..k.end]).collect();
/// assert_eq!(words, ["kim", "didn't", "improve", "his", "nation's", "ties"]);
/// ```
pub fn tokens(folded: &str) -> Vec<Token> {
    if folded.is_ascii() {
        return ascii_tokens(folded.as_bytes());
    }
    let mut out = Vec::with_capacity(folded.len() / 5 + 1);
    let bytes = folded.as_bytes();
    // The character at byte `i` (ASCII without decoding) and its length.
    let char_at = |i: usize| -> (char, usize) {
        let b = bytes[i];
        if b.is_ascii() {
            (char::from(b), 1)
        } else {
            let c = folded[i..].chars().next().unwrap_or(' ');
            (c, c.len_utf8())
        }
    };
    let mut start: Option<usize> = None;
    let mut prev_end = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (c, len) = char_at(i);
        let is_word = is_word_char(c)
            || (c == '\''
                && start.is_some()
                && i + len < bytes.len()
                && is_word_char(char_at(i + len).0));
        if is_word {
            if start.is_none() {
                start = Some(i);
            }
            prev_end = i + len;
        } else if let Some(s) = start.take() {
            out.push(Token {
                start: s,
                end: prev_end,
            });
        }
        i += len;
    }
    if let Some(s) = start {
        out.push(Token {
            start: s,
            end: prev_end,
        });
    }
    out
}

/// [`tokens`] for ASCII text: the same rules on bytes.
fn ascii_tokens(b: &[u8]) -> Vec<Token> {
    let word = |x: u8| ASCII_WORD[x as usize];
    let mut out = Vec::with_capacity(b.len() / 5 + 1);
    let n = b.len();
    let mut i = 0;
    while i < n {
        while i < n && !word(b[i]) {
            i += 1;
        }
        if i == n {
            break;
        }
        let start = i;
        loop {
            while i < n && word(b[i]) {
                i += 1;
            }
            // An apostrophe between word characters stays inside the word.
            if i + 1 < n && b[i] == b'\'' && word(b[i + 1]) {
                i += 1;
            } else {
                break;
            }
        }
        out.push(Token { start, end: i });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_quotes_dashes_and_accents() {
        assert_eq!(
            fold("Türkiye’s “Erdoğan” — U.S.-led"),
            "turkiye's \"erdogan\"   u.s. led"
        );
        assert_eq!(fold("Kim\u{00A0}Jong-un"), "kim jong un");
    }

    #[test]
    fn orig_range_maps_multibyte_chars() {
        let s = "“Thug” Seoul’s";
        let n = Normalized::new(s);
        let f = n.text();
        let at = f.find("seoul's").unwrap();
        let r = n.orig_range(at..at + "seoul's".len());
        assert_eq!(&s[r], "Seoul’s");
        let at = f.find("thug").unwrap();
        assert_eq!(&s[n.orig_range(at..at + 4)], "Thug");
    }

    #[test]
    fn keep_case_folding_aligns_with_lower_folding() {
        for s in ["North Korea’s", "Türkiye", "KİM", "São Tomé"] {
            let a: Vec<char> = fold(s).chars().collect();
            let b: Vec<char> = fold_keep_case(s).chars().collect();
            // İ lower-cases to two chars; everything else aligns.
            if !s.contains('İ') {
                assert_eq!(a.len(), b.len(), "{s}");
            }
        }
    }

    #[test]
    fn tokens_keep_inner_apostrophes_only() {
        let t = fold("'quoted' Seoul's 3.5% rock-solid");
        let words: Vec<&str> = tokens(&t).iter().map(|k| &t[k.start..k.end]).collect();
        assert_eq!(words, ["quoted", "seoul's", "3", "5", "rock", "solid"]);
    }
}
