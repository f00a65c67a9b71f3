//! A hand-written reader for the common shape of a JSON Lines record: one
//! object of strings, integers, booleans and nulls. See [`parse`].

use wide::u8x16;

use super::{FlatRecord, FlatValue};
use crate::text::norm::within;

/// The fields of `line` if it is a flat JSON object this reader is sure
/// of, exactly as `serde_json` would read them into a [`FlatRecord`];
/// `None` for anything else, which then goes to `serde_json` (so a line
/// this reader declines is read as before, and one it accepts cannot be
/// read differently).
///
/// It declines, rather than decide, whatever is rare or subtle: nested
/// values, numbers with a fraction or an exponent, integers beyond 64
/// bits, `-0`, surrogate escapes that do not pair, control characters in
/// strings, anything after the object but white space.
///
/// Why: `serde_json` builds each string that has escapes (a speech's line
/// breaks are `\n`) in a buffer of its own that grows by doubling, and the
/// document then copies it; here a string is copied once, into a `String`
/// with room for the rest of the line, a run at a time between the escapes
/// (found sixteen bytes at a time, see [`string_stop`]). On UN speeches reading JSON took 36 instructions a
/// word, 7% of a run.
pub(super) fn parse(line: &str) -> Option<FlatRecord> {
    let mut r = Reader {
        b: line.as_bytes(),
        s: line,
        at: 0,
    };
    r.ws();
    r.eat(b'{')?;
    let mut fields = Vec::with_capacity(8);
    r.ws();
    if r.peek() == Some(b'}') {
        r.at += 1;
    } else {
        loop {
            r.ws();
            let key = r.string()?;
            r.ws();
            r.eat(b':')?;
            r.ws();
            let value = r.value()?;
            fields.push((key, value));
            r.ws();
            match r.peek()? {
                b',' => r.at += 1,
                b'}' => {
                    r.at += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    r.ws();
    (r.at == r.b.len()).then_some(FlatRecord(fields))
}

struct Reader<'a> {
    b: &'a [u8],
    s: &'a str,
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.at).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.at += 1)
    }

    /// JSON's white space: space, tab, line feed, carriage return.
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn value(&mut self) -> Option<FlatValue> {
        match self.peek()? {
            b'"' => self.string().map(FlatValue::String),
            b't' => self.word("true", FlatValue::Bool(true)),
            b'f' => self.word("false", FlatValue::Bool(false)),
            b'n' => self.word("null", FlatValue::Null),
            b'-' | b'0'..=b'9' => self.integer(),
            _ => None,
        }
    }

    fn word(&mut self, w: &str, v: FlatValue) -> Option<FlatValue> {
        self.b[self.at..].starts_with(w.as_bytes()).then(|| {
            self.at += w.len();
            v
        })
    }

    /// An integer as `serde_json` prints it back: written without a sign
    /// or leading zeros it is its own text, and any other form is
    /// declined.
    fn integer(&mut self) -> Option<FlatValue> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        self.at += usize::from(negative);
        let digits = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        let d = &self.s[digits..self.at];
        // A fraction or exponent (a float), "01" and "-0" are declined.
        if d.is_empty()
            || matches!(self.peek(), Some(b'.' | b'e' | b'E'))
            || (d.starts_with('0') && (d.len() > 1 || negative))
        {
            return None;
        }
        let magnitude: u64 = d.parse().ok()?;
        if negative && magnitude > i64::MIN.unsigned_abs() {
            return None; // serde_json reads it as a float
        }
        Some(FlatValue::Integer(self.s[start..self.at].to_string()))
    }

    /// A string, its escapes decoded.
    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out: Option<String> = None;
        loop {
            let rest = &self.b[self.at..];
            let stop = string_stop(rest)?;
            // JSON strings hold no raw control characters.
            if rest[stop] < 0x20 {
                return None;
            }
            let run = &self.s[self.at..self.at + stop];
            self.at += stop + 1;
            if rest[stop] == b'"' {
                return Some(match out {
                    // No escape: one allocation of the exact size.
                    None => run.to_string(),
                    Some(mut s) => {
                        s.push_str(run);
                        if s.capacity() > 2 * s.len() + 64 {
                            s.shrink_to_fit();
                        }
                        s
                    }
                });
            }
            // An escape: room for the rest of the line, which holds the rest
            // of the string (a document's text is most of its line).
            let s = out.get_or_insert_with(|| String::with_capacity(rest.len()));
            s.push_str(run);
            let c = self.peek()?;
            self.at += 1;
            match c {
                b'"' => s.push('"'),
                b'\\' => s.push('\\'),
                b'/' => s.push('/'),
                b'b' => s.push('\u{8}'),
                b'f' => s.push('\u{c}'),
                b'n' => s.push('\n'),
                b'r' => s.push('\r'),
                b't' => s.push('\t'),
                b'u' => {
                    let unit = self.hex4()?;
                    let c = match unit {
                        0xD800..=0xDBFF => {
                            // A pair: the low half must follow at once.
                            if !self.b[self.at..].starts_with(b"\\u") {
                                return None;
                            }
                            self.at += 2;
                            let low = self.hex4()?;
                            if !(0xDC00..=0xDFFF).contains(&low) {
                                return None;
                            }
                            0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        }
                        0xDC00..=0xDFFF => return None,
                        _ => unit,
                    };
                    s.push(char::from_u32(c)?);
                }
                _ => return None,
            }
        }
    }

    /// Four hexadecimal digits.
    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.at..self.at + 4)?;
        if !h.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        self.at += 4;
        u32::from_str_radix(h, 16).ok()
    }
}

/// Where the run of plain string bytes at the start of `rest` stops: the
/// offset of its first `"`, `\\` or control character (below `0x20`,
/// which a JSON string may not hold raw), if any.
///
/// Sixteen bytes at a time, all three tests at once. This replaced a
/// `memchr2` for the first two and a second pass over the run for the
/// third: in the hard-wrapped UN speeches an escaped line break comes every
/// sixty bytes or so, and on such short runs the call and set-up of
/// `memchr2` cost more than the search. Reading UNGDC's strings took 574 M
/// instructions, now 451 M, and a one-thread run 2% less time.
#[inline]
fn string_stop(rest: &[u8]) -> Option<usize> {
    let (blocks, tail) = rest.as_chunks::<16>();
    for (i, block) in blocks.iter().enumerate() {
        let x = u8x16::new(*block);
        let stops =
            x.cmp_eq(u8x16::splat(b'"')) | x.cmp_eq(u8x16::splat(b'\\')) | within(x, 0, 0x1f);
        let mask = stops.move_mask();
        if mask != 0 {
            return Some(16 * i + mask.trailing_zeros() as usize);
        }
    }
    let at = tail
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    Some(16 * blocks.len() + at)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields as `serde_json` reads them, to compare with.
    fn by_serde(line: &str) -> Option<Vec<(String, String)>> {
        serde_json::from_str::<FlatRecord>(line).ok().map(show)
    }

    fn show(r: FlatRecord) -> Vec<(String, String)> {
        r.0.into_iter()
            .map(|(k, v)| (k, format!("{v:?}")))
            .collect()
    }

    fn by_hand(line: &str) -> Option<Vec<(String, String)>> {
        parse(line).map(show)
    }

    #[test]
    fn reads_flat_records_as_serde_json_does() {
        for line in [
            r#"{"id":"a1","date":"2021-03-04","text":"Seoul said \"no\".\nPyongyang: \u00e9\u4e2d\ud83d\ude00 \/ \\ \t\b\f\r"}"#,
            r#" { "n" : -42 , "m": 18446744073709551615, "z": 0, "ok": true, "no": false, "x": null } "#,
            r#"{"k":-9223372036854775808}"#,
            r#"{}"#,
            r#"{"text":"","text":"twice"}"#,
            r#"{"a\"b":"c"}"#,
            "{\"text\":\"caf\u{e9} \u{1F600}\"}\r\n",
        ] {
            let hand = by_hand(line);
            assert!(hand.is_some(), "declined {line}");
            assert_eq!(hand, by_serde(line), "{line}");
        }
    }

    #[test]
    fn declines_what_is_rare_or_not_json() {
        for line in [
            r#"{"n":1.5}"#,
            r#"{"n":1e3}"#,
            r#"{"n":-0}"#,
            r#"{"n":01}"#,
            r#"{"n":18446744073709551616}"#,
            r#"{"n":-9223372036854775809}"#,
            r#"{"a":[1]}"#,
            r#"{"a":{"b":1}}"#,
            r#"{"a":"\ud83d"}"#,
            r#"{"a":"\ude00"}"#,
            r#"{"a":"\ud83d\u0041"}"#,
            r#"{"a":"\x41"}"#,
            r#"{"a":"\u12"}"#,
            "{\"a\":\"tab\there\"}",
            r#"{"a":"b"} x"#,
            r#"{"a":"b",}"#,
            r#"{"a" "b"}"#,
            r#"{"a":"b""#,
            r#"["a"]"#,
            r#"{"a":tru}"#,
            r#"{"a":NaN}"#,
            "",
        ] {
            assert_eq!(by_hand(line), None, "{line}");
        }
        // Lone surrogates and "-0": serde_json makes no flat record of them
        // either, so declining them changes nothing.
        for line in [r#"{"a":"\ud83d"}"#, r#"{"a":"\ude00"}"#, r#"{"n":-0}"#] {
            assert_eq!(by_serde(line), None, "{line}");
        }
    }

    /// Strings long enough for the sixteen-byte blocks of `string_stop`,
    /// with an escape, a raw control character or a byte that is neither
    /// at every place, on either side of a block's end.
    #[test]
    fn long_strings_read_as_serde_json_reads_them() {
        let pieces = [
            "\\n", "\\\"", "\\\\", "\\u00e9", "\u{1}", "\u{1f}", "\t", " ", "\u{7f}", "é", "~",
        ];
        for len in 0..40 {
            let plain: String = (0..len).map(|i| (b'a' + (i % 26) as u8) as char).collect();
            for at in 0..=len {
                for piece in pieces {
                    let text = format!("{}{piece}{}", &plain[..at], &plain[at..]);
                    let line = format!("{{\"text\":\"{text}\",\"id\":\"{text}x\"}}");
                    assert_eq!(by_hand(&line), by_serde(&line), "{line:?}");
                }
            }
            // Unterminated: no closing quote in the line.
            let line = format!("{{\"text\":\"{plain}");
            assert_eq!(by_hand(&line), None);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(3000))]
        /// Whatever it accepts, `serde_json` reads the same; on lines made
        /// of JSON's pieces, valid or not.
        #[test]
        fn never_differs_from_serde_json(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "{", "}", "\"", ":", ",", " ", "\t", "\n", "\\", "\\\"", "\\n", "\\u00e9",
                "\\ud83d", "\\ude00", "\\u", "\\x", "0", "7", "-", ".", "e", "true",
                "null", "fals", "a", "é", "😀", "\u{1}", "[", "]",
            ]), 0..24),
            key in "[a-z\"\\\\]{0,3}",
            value in "[ -~é\u{1}]{0,12}",
        ) {
            let line: String = parts.concat();
            if let Some(hand) = by_hand(&line) {
                proptest::prop_assert_eq!(Some(hand), by_serde(&line), "{}", line);
            }
            // And on records that are mostly well formed.
            let line = format!("{{\"{key}\": \"{value}\", \"n\": {}}}", parts.concat());
            if let Some(hand) = by_hand(&line) {
                proptest::prop_assert_eq!(Some(hand), by_serde(&line), "{}", line);
            }
            let line = format!("{{\"{key}\": \"{value}\"}}");
            proptest::prop_assert_eq!(by_hand(&line), by_serde(&line), "{}", line);
        }
    }
}
