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

/// How an ASCII byte folds: lower case, `-` and white space to a space, a
/// backtick to `'` (the ASCII half of [`fold_char`]). Branch-free arithmetic
/// rather than a table lookup, so that loops over it vectorise.
#[inline(always)]
fn fold_ascii_byte(b: u8) -> u8 {
    let upper = b.wrapping_sub(b'A') < 26;
    // `-`, space, `\t`, `\n`, `\r` and form feed (not the vertical tab 0x0B).
    let space = (b == b'-') | (b == b' ') | ((b.wrapping_sub(b'\t') < 5) & (b != 0x0B));
    let folded = b | (u8::from(upper) << 5);
    let folded = if space { b' ' } else { folded };
    if b == b'`' { b'\'' } else { folded }
}

impl Normalized {
    /// Folds `s` (see the module docs).
    pub fn new(s: &str) -> Normalized {
        if s.is_ascii() {
            // Fast path: no offset map, and the bytes folded by arithmetic
            // rather than a table lookup, which the compiler turns into SIMD
            // (16 bytes per instruction) on its own.
            let bytes: Vec<u8> = s.bytes().map(fold_ascii_byte).collect();
            // ASCII folds to ASCII, so the bytes are valid UTF-8 (checking
            // that again costs little next to folding them one by one).
            let text = String::from_utf8(bytes).unwrap_or_default();
            return Normalized {
                text,
                map: Vec::new(),
            };
        }
        // Built as bytes: an ASCII run is folded with the same vectorised
        // arithmetic as the fast path, where a `String` would take it one
        // `char` push at a time. Each piece is valid UTF-8, so the check at
        // the end cannot fail.
        let mut text: Vec<u8> = Vec::with_capacity(s.len());
        let mut map = Vec::with_capacity(s.len() + 1);
        let mut folded_char = String::new();
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // A run of ASCII: folded byte by byte, offsets one to one.
            let run = bytes[i..].iter().take_while(|b| b.is_ascii()).count();
            if run > 0 {
                text.extend(bytes[i..i + run].iter().map(|&b| fold_ascii_byte(b)));
                map.extend(i as u32..(i + run) as u32);
                i += run;
                continue;
            }
            let Some(c) = s[i..].chars().next() else {
                break;
            };
            folded_char.clear();
            fold_char(c, true, &mut folded_char);
            text.extend_from_slice(folded_char.as_bytes());
            map.extend(std::iter::repeat_n(i as u32, folded_char.len()));
            i += c.len_utf8();
        }
        map.push(s.len() as u32);
        let text = String::from_utf8(text).unwrap_or_default();
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
    // ASCII text (nearly every sentence once folded) takes the word-at-a-time
    // path, which also finds out whether the text is ASCII.
    ascii_tokens(folded.as_bytes()).unwrap_or_else(|| unicode_tokens(folded))
}

/// [`tokens`] for any text, one character at a time.
fn unicode_tokens(folded: &str) -> Vec<Token> {
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

/// `0x01` in every byte of a `u64`.
const LO: u64 = u64::from_ne_bytes([0x01; 8]);
/// `0x80` in every byte of a `u64`.
const HI: u64 = u64::from_ne_bytes([0x80; 8]);

/// For eight ASCII bytes `x` (little-endian: the first byte lowest): bit 7
/// of each byte set where the byte is an ASCII letter or digit, and, second,
/// where it is `'`.
///
/// Plain `u64` arithmetic (SWAR), no branches: since every byte is below
/// `0x80`, adding `0x80 - lo` to a byte sets its bit 7 exactly when the byte
/// is at least `lo`, and never carries into the next byte.
#[inline(always)]
fn word_and_apostrophe_bits(x: u64) -> (u64, u64) {
    let digit = x.wrapping_add(0x50 * LO) & !x.wrapping_add(0x46 * LO); // b'0'..=b'9'
    let l = x | (0x20 * LO); // lower case; `@` and `[` stay outside a..=z
    let letter = l.wrapping_add(0x1F * LO) & !l.wrapping_add(0x05 * LO); // b'a'..=b'z'
    let q = x ^ (u64::from(b'\'') * LO);
    // Bit 7 set where `q` is a zero byte, exactly (no carries between bytes).
    let apostrophe = !((q & !HI).wrapping_add(!HI) | q) & HI;
    ((digit | letter) & HI, apostrophe)
}

/// Gathers bit 7 of each byte of `m` (other bits clear) into the low 8
/// bits: byte `i` to bit `i`. The multiplication moves bit `8i + 7` to bit
/// `56 + i` with no carries into the top byte.
#[inline(always)]
fn gather_high_bits(m: u64) -> u64 {
    ((m >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// Masks of up to 64 bytes (a whole number of 8-byte words), bit `i` for
/// byte `i`: word bytes (ASCII letters and digits) and apostrophes; `None`
/// if a byte is beyond ASCII.
#[inline(always)]
fn block_masks(bytes: &[u8]) -> Option<(u64, u64)> {
    let (mut word, mut apostrophe, mut high) = (0u64, 0u64, 0u64);
    for (j, chunk) in bytes.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        high |= x;
        let (w, a) = word_and_apostrophe_bits(x);
        word |= gather_high_bits(w) << (8 * j);
        // Most words have no apostrophe.
        if a != 0 {
            apostrophe |= gather_high_bits(a) << (8 * j);
        }
    }
    (high & HI == 0).then_some((word, apostrophe))
}

/// [`tokens`] for ASCII text, 64 bytes at a time; `None` as soon as a byte
/// beyond ASCII turns up (then [`unicode_tokens`] decides), or for text of
/// 4 GiB or more.
///
/// The same rules as the character loop, on bit masks instead of a branch
/// at every byte: for each 64-byte block, a mask of its word bytes; an
/// apostrophe joins it when the bytes on both sides are word bytes (the
/// masks shifted by one, with the neighbouring blocks' end bits carried
/// in); tokens start and end wherever the mask changes from one byte to the
/// next, so the work per token is a `trailing_zeros` for each of its ends.
/// About half the time of a byte loop on news sentences (its exits at
/// every word boundary are hard to predict), for about 10% fewer
/// instructions.
fn ascii_tokens(b: &[u8]) -> Option<Vec<Token>> {
    let n = b.len();
    u32::try_from(n).ok()?;
    let mut out = Vec::with_capacity(n / 5 + 1);
    // Token ends found but not yet paired into tokens: the start of a
    // token still open, then the ends found in the current block.
    let mut edges = [0u32; 128];
    let mut k = 0usize;
    // The masks of the block being processed (the one before the block just
    // read), and of the block before it; `ext` masks have the apostrophes
    // that join tokens set too.
    let (mut word, mut apostrophe) = (0u64, 0u64);
    let (mut prev_word, mut prev_ext) = (0u64, 0u64);
    // The offset of `word`'s block: the first one processed is padding before
    // the text.
    let mut base = 0u32.wrapping_sub(64);
    let mut step = |next_word: u64, next_apostrophe: u64, out: &mut Vec<Token>| {
        let mut ext = word;
        if apostrophe != 0 {
            let left = (word << 1) | (prev_word >> 63);
            let right = (word >> 1) | (next_word << 63);
            ext |= apostrophe & left & right;
        }
        let mut ends = ext ^ ((ext << 1) | (prev_ext >> 63));
        while ends != 0 {
            // At most 64 ends per block plus an open start: `k` < 128.
            edges[k & 127] = base.wrapping_add(ends.trailing_zeros());
            k += 1;
            ends &= ends - 1;
        }
        let whole = k & !1;
        if whole > 0 {
            out.extend(edges[..whole].chunks_exact(2).map(|p| Token {
                start: p[0] as usize,
                end: p[1] as usize,
            }));
            edges[0] = edges[whole & 127];
            k -= whole;
        }
        (prev_word, prev_ext) = (word, ext);
        (word, apostrophe) = (next_word, next_apostrophe);
        base = base.wrapping_add(64);
    };
    let mut blocks = b.chunks_exact(64);
    for block in blocks.by_ref() {
        let (w, a) = block_masks(block)?;
        step(w, a, &mut out);
    }
    // The last bytes, padded with zeros (not word bytes) to whole words.
    let rest = blocks.remainder();
    let mut tail = [0u8; 64];
    tail[..rest.len()].copy_from_slice(rest);
    let (w, a) = block_masks(&tail[..rest.len().div_ceil(8) * 8])?;
    step(w, a, &mut out);
    // Beyond the text nothing is a word byte: this closes a token running
    // to the end unless the padding already did.
    step(0, 0, &mut out);
    debug_assert_eq!(k, 0);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How each ASCII byte folds, as a table: what `fold_ascii_byte` was
    /// first written as.
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

    #[test]
    fn ascii_byte_folding_matches_the_table_and_fold_char() {
        for b in 0..128u8 {
            assert_eq!(fold_ascii_byte(b), ASCII_FOLD[b as usize], "{b:#x}");
            let mut s = String::new();
            fold_char(char::from(b), true, &mut s);
            assert_eq!(s.as_bytes(), [ASCII_FOLD[b as usize]], "{b:#x}");
        }
    }

    /// `Normalized::new` as first written: a table lookup per ASCII byte and
    /// `char` pushes.
    fn reference_normalized(s: &str) -> (String, Vec<u32>) {
        if s.is_ascii() {
            let bytes: Vec<u8> = s.bytes().map(|b| ASCII_FOLD[b as usize]).collect();
            return (String::from_utf8(bytes).unwrap(), Vec::new());
        }
        let mut text = String::with_capacity(s.len());
        let mut map = Vec::with_capacity(s.len() + 1);
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
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
            let c = s[i..].chars().next().unwrap();
            let before = text.len();
            fold_char(c, true, &mut text);
            for _ in before..text.len() {
                map.push(i as u32);
            }
            i += c.len_utf8();
        }
        map.push(s.len() as u32);
        (text, map)
    }

    /// `ASCII_WORD[b]`: byte `b` is an ASCII letter or digit (a word byte).
    const ASCII_WORD: [bool; 256] = {
        let mut t = [false; 256];
        let mut i = 0;
        while i < 128 {
            t[i] = (i as u8).is_ascii_alphanumeric();
            i += 1;
        }
        t
    };

    /// `ascii_tokens` as first written: a byte loop with a branch at every
    /// word boundary.
    fn reference_ascii_tokens(b: &[u8]) -> Vec<Token> {
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

    /// `tokens` as first written.
    fn reference_tokens(folded: &str) -> Vec<Token> {
        if folded.is_ascii() {
            reference_ascii_tokens(folded.as_bytes())
        } else {
            unicode_tokens(folded)
        }
    }

    /// Characters the generated strings are made of: letters of both cases,
    /// digits, apostrophes, white space, punctuation (including the bytes
    /// next to the letter and digit ranges), a NUL and non-ASCII letters,
    /// marks and quotes.
    const ALPHABET: &[char] = &[
        'a', 'b', 'z', 'k', 'A', 'Z', 'M', '0', '5', '9', '\'', '\'', '\'', ' ', ' ', '\t', '\n',
        '\r', '\u{0B}', '\u{0C}', '-', '`', '.', ',', '"', '/', ':', '@', '[', '{', '\0', '\u{7F}',
        'é', 'Ö', 'ß', 'ğ', '한', '’', '—', '\u{301}', '\u{A0}', '²', '٣',
    ];

    /// Random strings over [`ALPHABET`], half of them ASCII only, with many
    /// lengths around multiples of 8 and 64.
    fn generated_strings() -> Vec<String> {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: usize| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
        };
        let ascii: Vec<char> = ALPHABET.iter().copied().filter(char::is_ascii).collect();
        let mut out = Vec::new();
        for round in 0..20_000 {
            let alphabet: &[char] = if round % 2 == 0 { &ascii } else { ALPHABET };
            let len = match round % 4 {
                0 => next(200),
                1 => 56 + next(16),
                2 => 120 + next(16),
                _ => next(10),
            };
            // Some strings lean towards words, some towards punctuation.
            let bias = next(3);
            let mut s = String::new();
            while s.len() < len {
                let c = if bias > 0 && next(3) > 0 {
                    ['a', 'Q', '7', '\''][next(4)]
                } else {
                    alphabet[next(alphabet.len())]
                };
                s.push(c);
            }
            out.push(s);
        }
        out
    }

    #[test]
    fn tokens_match_the_reference_on_generated_strings() {
        for s in generated_strings() {
            assert_eq!(tokens(&s), reference_tokens(&s), "{s:?}");
            if s.is_ascii() {
                assert_eq!(tokens(&s), unicode_tokens(&s), "{s:?}");
            }
            let folded = fold(&s);
            assert_eq!(tokens(&folded), reference_tokens(&folded), "{folded:?}");
        }
    }

    #[test]
    fn tokens_match_the_reference_on_every_short_ascii_string() {
        // Every string of up to 5 bytes over the bytes that matter, placed
        // after 0 to 11 and 56 to 67 bytes so that it straddles words and
        // blocks.
        let alphabet = [b'a', b'Z', b'3', b'\'', b' ', b'.'];
        let mut buf = Vec::new();
        for len in 0..=5u32 {
            for code in 0..alphabet.len().pow(len) {
                let mut c = code;
                let mut piece = Vec::new();
                for _ in 0..len {
                    piece.push(alphabet[c % alphabet.len()]);
                    c /= alphabet.len();
                }
                for pad in (0..12).chain(56..68) {
                    buf.clear();
                    buf.extend(std::iter::repeat_n(b'x', pad));
                    buf.extend_from_slice(&piece);
                    let s = std::str::from_utf8(&buf).unwrap();
                    assert_eq!(tokens(s), reference_tokens(s), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn normalized_matches_the_reference_on_generated_strings() {
        for s in generated_strings() {
            let n = Normalized::new(&s);
            let (text, map) = reference_normalized(&s);
            assert_eq!(n.text, text, "{s:?}");
            assert_eq!(n.map, map, "{s:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn tokens_match_the_reference(
            chars in proptest::collection::vec(proptest::sample::select(ALPHABET), 0..150)
        ) {
            let s: String = chars.into_iter().collect();
            proptest::prop_assert_eq!(tokens(&s), reference_tokens(&s));
            let n = Normalized::new(&s);
            let (text, map) = reference_normalized(&s);
            proptest::prop_assert_eq!(&n.text, &text);
            proptest::prop_assert_eq!(&n.map, &map);
        }

        #[test]
        fn tokens_match_the_reference_on_any_string(s in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(tokens(&s), reference_tokens(&s));
        }
    }

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
