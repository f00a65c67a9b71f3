//! Document dates with their precision (year, month or day).
//!
//! News corpora date their documents as precisely as the source allows: a
//! speech archive may know only the year (`"1946"`), a wire story the day
//! (`"2021-01-08"`, `"Jan. 8, 2021"`, `"2021-01-08T23:30:00-05:00"`).
//! [`DocDate`] keeps the date together with that precision, so that
//! aggregation by year, month or ISO week never invents a day that the source
//! did not give.

use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// The years a [`DocDate`] can hold. Anything outside is almost surely a
/// misread number (a page count, an id), not a news date.
const YEARS: std::ops::RangeInclusive<i32> = 1000..=9999;

/// A document date with its precision: a year, a month, or a day.
///
/// `day` is only ever set together with `month`. Dates order
/// chronologically, and a less precise date sorts before the more precise
/// dates it contains (`2021` < `2021-01` < `2021-01-08`).
///
/// ```
/// use stancemeter::corpus::DocDate;
///
/// let d = DocDate::parse("Jan. 8, 2021").unwrap();
/// assert_eq!(d, DocDate::ymd(2021, 1, 8).unwrap());
/// assert_eq!(d.to_string(), "2021-01-08");
/// assert_eq!(DocDate::parse("1946").unwrap().to_string(), "1946");
/// assert!(DocDate::parse("2021") < DocDate::parse("2021-01"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocDate {
    /// The year, in `1000..=9999`.
    pub year: i32,
    /// The month, `1..=12`, if known.
    pub month: Option<u8>,
    /// The day of the month, if known (only with a month).
    pub day: Option<u8>,
}

/// How to read a numeric date with the year last, such as `08/01/2021`:
/// day first ([`DateOrder::Dmy`], 8 January, as most of the world writes
/// it) or month first ([`DateOrder::Mdy`], August 1, as in the United
/// States). Nothing in such a date says which, so [`DocDate::parse`] reads
/// none of them and [`DocDate::parse_in`] reads them in the order given.
///
/// ```
/// use stancemeter::corpus::DateOrder;
///
/// assert_eq!("dmy".parse::<DateOrder>(), Ok(DateOrder::Dmy));
/// assert_eq!(DateOrder::Mdy.to_string(), "mdy");
/// assert!("ymd".parse::<DateOrder>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateOrder {
    /// Day, month, year: `08/01/2021` is 8 January 2021.
    Dmy,
    /// Month, day, year: `08/01/2021` is August 1, 2021.
    Mdy,
}

impl DateOrder {
    /// The order in words: `day/month/year` or `month/day/year`.
    pub fn describe(self) -> &'static str {
        match self {
            DateOrder::Dmy => "day/month/year",
            DateOrder::Mdy => "month/day/year",
        }
    }
}

impl fmt::Display for DateOrder {
    /// `dmy` or `mdy`, as the option takes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateOrder::Dmy => "dmy",
            DateOrder::Mdy => "mdy",
        })
    }
}

impl FromStr for DateOrder {
    type Err = String;

    /// `dmy` or `mdy`, in any case.
    fn from_str(s: &str) -> Result<DateOrder, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dmy" => Ok(DateOrder::Dmy),
            "mdy" => Ok(DateOrder::Mdy),
            _ => Err(format!(
                "unknown date order '{s}': give dmy (08/01/2021 is 8 January) or mdy (08/01/2021 is August 1)"
            )),
        }
    }
}

impl DocDate {
    /// A day-precision date, or `None` if it does not exist (`2021-02-29`)
    /// or the year is outside `1000..=9999`.
    ///
    /// ```
    /// use stancemeter::corpus::DocDate;
    ///
    /// assert!(DocDate::ymd(2024, 2, 29).is_some()); // a leap year
    /// assert!(DocDate::ymd(2021, 2, 29).is_none());
    /// assert!(DocDate::ymd(2021, 13, 1).is_none());
    /// ```
    pub fn ymd(year: i32, month: u8, day: u8) -> Option<DocDate> {
        if !YEARS.contains(&year) {
            return None;
        }
        NaiveDate::from_ymd_opt(year, u32::from(month), u32::from(day))?;
        Some(DocDate {
            year,
            month: Some(month),
            day: Some(day),
        })
    }

    /// A year-precision date, if the year is in `1000..=9999`.
    fn y(year: i32) -> Option<DocDate> {
        YEARS.contains(&year).then_some(DocDate {
            year,
            month: None,
            day: None,
        })
    }

    /// A month-precision date, if the year is in range and the month is `1..=12`.
    fn ym(year: i32, month: u8) -> Option<DocDate> {
        (YEARS.contains(&year) && (1..=12).contains(&month)).then_some(DocDate {
            year,
            month: Some(month),
            day: None,
        })
    }

    /// Parses a document date.
    ///
    /// Accepted forms:
    ///
    /// * ISO 8601: `2021`, `2021-01`, `2021-01-08`, `20210108`, and a date
    ///   with a time: `2021-01-08T10:15:00Z`, `2021-01-08T23:30:00-05:00`,
    ///   `2021-01-08 10:15:00` (seconds and fractions optional).
    /// * Compact timestamps as GDELT writes them: `20210108101500`
    ///   (`YYYYMMDDhhmmss`).
    /// * Unix times: seconds since 1970 in 10 digits, perhaps with a
    ///   fraction (`1610064000`, `1610064000.5`), or milliseconds in 13
    ///   (`1610064000000`); the day is UTC's.
    /// * The year first with slashes or dots: `2021/01/08`, `2021.1.8`.
    /// * News forms: `January 8, 2021`, `Jan 8, 2021`, `Jan. 8, 2021`,
    ///   `Sept. 5, 2024`, `8 Jan 2021`, `8 January 2021`, `8 Jan. 2021`,
    ///   `8-Jan-2021`, `Friday, January 8, 2021`, `January 2021` (the comma
    ///   is optional, month names are case-insensitive, a day may carry an
    ///   ordinal suffix as in `January 8th, 2021`).
    /// * Any of these but the bare year and month followed by a time of
    ///   day, as feeds and bylines write it: `Fri, 08 Jan 2021 10:15:00
    ///   +0000` (RSS and e-mail), `January 8, 2021, 9:30 a.m. ET`,
    ///   `2021-01-08 10:15:00 UTC`.
    ///
    /// A numeric date with the year last (`08/01/2021`, `8.1.2021`) is
    /// read by [`DocDate::parse_in`] given a [`DateOrder`], never here:
    /// it is 8 January in most of the world and August 1 in the United
    /// States, and nothing in it says which.
    ///
    /// **Time zones are not applied.** For a timestamp with an offset the
    /// result is the civil date *as published*, the date part written in the
    /// string: `2021-01-08T23:30:00-05:00` is 2021-01-08, even though it is
    /// already 2021-01-09 in UTC. A news story belongs to the day its
    /// publisher printed on it; shifting to UTC would move evening stories
    /// of the Americas to the next day.
    ///
    /// Surrounding whitespace is ignored. Anything else gives `None`,
    /// including impossible dates (`2021-02-30`), malformed times, and years
    /// outside `1000..=9999`.
    ///
    /// ```
    /// use stancemeter::corpus::DocDate;
    ///
    /// let day = DocDate::ymd(2021, 1, 8);
    /// assert_eq!(DocDate::parse("2021-01-08T23:30:00-05:00"), day);
    /// assert_eq!(DocDate::parse("Friday, January 8, 2021"), day);
    /// assert_eq!(DocDate::parse(" 8 Jan. 2021 "), day);
    /// assert_eq!(DocDate::parse("Fri, 08 Jan 2021 23:30:00 -0500"), day);
    /// assert_eq!(DocDate::parse("20210108233000"), day);
    /// assert_eq!(DocDate::parse("1610064000"), day); // 2021-01-08T00:00:00Z
    /// assert_eq!(DocDate::parse("January 2021").unwrap().to_string(), "2021-01");
    /// assert_eq!(DocDate::parse("2021-02-30"), None);
    /// assert_eq!(DocDate::parse("31/12/2021"), None); // see DocDate::parse_in
    /// ```
    pub fn parse(s: &str) -> Option<DocDate> {
        DocDate::parse_in(s, None)
    }

    /// Like [`DocDate::parse`], and also reads numeric dates with the year
    /// last (`08/01/2021`, `8.1.2021`, `08-01-2021`, perhaps with a time
    /// after them) in the given order.
    ///
    /// ```
    /// use stancemeter::corpus::{DateOrder, DocDate};
    ///
    /// let dmy = DocDate::parse_in("08/01/2021", Some(DateOrder::Dmy));
    /// assert_eq!(dmy, DocDate::ymd(2021, 1, 8));
    /// let mdy = DocDate::parse_in("08/01/2021 14:05", Some(DateOrder::Mdy));
    /// assert_eq!(mdy, DocDate::ymd(2021, 8, 1));
    /// assert_eq!(DocDate::parse_in("13/01/2021", Some(DateOrder::Mdy)), None);
    /// assert_eq!(DocDate::parse_in("08/01/2021", None), None);
    /// ```
    pub fn parse_in(s: &str, order: Option<DateOrder>) -> Option<DocDate> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        if s.as_bytes()[0].is_ascii_digit()
            && let Some(d) = parse_iso(s)
        {
            return Some(d);
        }
        let date = without_time(s).unwrap_or(s);
        if date.as_bytes()[0].is_ascii_digit()
            && let Some(d) = parse_iso(date).or_else(|| numeric_date(date, order))
        {
            return Some(d);
        }
        parse_news(date)
    }

    /// Whether `s` is a numeric date with the year last (`08/01/2021`,
    /// perhaps with a time after it): a date that only
    /// [`DocDate::parse_in`] with a [`DateOrder`] reads.
    ///
    /// ```
    /// use stancemeter::corpus::DocDate;
    ///
    /// assert!(DocDate::needs_order("08/01/2021"));
    /// assert!(DocDate::needs_order("8.1.2021 10:15"));
    /// assert!(!DocDate::needs_order("2021/01/08"));
    /// assert!(!DocDate::needs_order("8 Jan 2021"));
    /// ```
    pub fn needs_order(s: &str) -> bool {
        let s = s.trim();
        year_last(without_time(s).unwrap_or(s)).is_some()
    }

    /// Finds a date in a file path: the last `YYYY-MM-DD`, `YYYY_MM_DD` or
    /// `YYYYMMDD` that is a valid date and is not part of a longer run of
    /// digits.
    ///
    /// ```
    /// use stancemeter::corpus::DocDate;
    ///
    /// assert_eq!(DocDate::from_path("news/2021-01-08-kim.txt"), DocDate::ymd(2021, 1, 8));
    /// assert_eq!(DocDate::from_path("2020/20210108_kcna.txt"), DocDate::ymd(2021, 1, 8));
    /// assert_eq!(DocDate::from_path("id-202101081234.txt"), None); // a longer number
    /// assert_eq!(DocDate::from_path("notes.txt"), None);
    /// ```
    pub fn from_path(path: &str) -> Option<DocDate> {
        let b = path.as_bytes();
        // Maximal runs of ASCII digits, as (start, end).
        let mut runs = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_digit() {
                let start = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                runs.push((start, i));
            } else {
                i += 1;
            }
        }
        let mut found = None;
        for (k, &(start, end)) in runs.iter().enumerate() {
            let date = match end - start {
                8 => compact_date(&b[start..end]),
                4 => separated_date(b, &runs[k..]),
                _ => None,
            };
            if date.is_some() {
                found = date;
            }
        }
        found
    }

    /// The ISO 8601 week `(year, week)` of a day-precision date; `None` for
    /// a year or month.
    ///
    /// The ISO year can differ from the calendar year in the first and last
    /// days of a year.
    ///
    /// ```
    /// use stancemeter::corpus::DocDate;
    ///
    /// assert_eq!(DocDate::ymd(2021, 1, 3).unwrap().iso_week(), Some((2020, 53)));
    /// assert_eq!(DocDate::ymd(2024, 12, 30).unwrap().iso_week(), Some((2025, 1)));
    /// assert_eq!(DocDate::parse("2021-01").unwrap().iso_week(), None);
    /// ```
    pub fn iso_week(&self) -> Option<(i32, u32)> {
        let date =
            NaiveDate::from_ymd_opt(self.year, u32::from(self.month?), u32::from(self.day?))?;
        let week = date.iso_week();
        Some((week.year(), week.week()))
    }
}

/// `YYYY` `sep` `MM` `sep` `DD` starting at the first of `runs` (a 4-digit
/// run), where `sep` is `-` or `_` and the month and day runs have exactly two
/// digits.
fn separated_date(b: &[u8], runs: &[(usize, usize)]) -> Option<DocDate> {
    let [(ys, ye), (ms, me), (ds, de), ..] = *runs else {
        return None;
    };
    let sep = *b.get(ye)?;
    if !(sep == b'-' || sep == b'_') || ms != ye + 1 || me - ms != 2 {
        return None;
    }
    if b.get(me) != Some(&sep) || ds != me + 1 || de - ds != 2 {
        return None;
    }
    DocDate::ymd(
        digits(&b[ys..ye])?,
        digits(&b[ms..me])? as u8,
        digits(&b[ds..de])? as u8,
    )
}

/// `YYYYMMDD` (exactly eight digits).
fn compact_date(b: &[u8]) -> Option<DocDate> {
    if b.len() != 8 {
        return None;
    }
    DocDate::ymd(
        digits(&b[..4])?,
        digits(&b[4..6])? as u8,
        digits(&b[6..])? as u8,
    )
}

/// The value of a short run of ASCII digits (at most 9, so no overflow).
fn digits(b: &[u8]) -> Option<i32> {
    if b.is_empty() || b.len() > 9 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        b.iter()
            .fold(0i32, |acc, &c| acc * 10 + i32::from(c - b'0')),
    )
}

/// ISO 8601 forms (the input is trimmed and starts with a digit).
fn parse_iso(s: &str) -> Option<DocDate> {
    let b = s.as_bytes();
    if let Some(date) = unix_time(b) {
        return Some(date);
    }
    match b.len() {
        4 => return DocDate::y(digits(b)?),
        7 if b[4] == b'-' => return DocDate::ym(digits(&b[..4])?, digits(&b[5..])? as u8),
        8 => return compact_date(b),
        14 => {
            // GDELT's YYYYMMDDhhmmss.
            let two = |i: usize, max: i32| digits(&b[i..i + 2]).is_some_and(|v| v <= max);
            return (two(8, 23) && two(10, 59) && two(12, 60))
                .then(|| compact_date(&b[..8]))
                .flatten();
        }
        _ => {}
    }
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let date = DocDate::ymd(
        digits(&b[..4])?,
        digits(&b[5..7])? as u8,
        digits(&b[8..10])? as u8,
    )?;
    match b.get(10) {
        None => Some(date),
        Some(b'T' | b't' | b' ') if valid_time(&s[11..]) => Some(date),
        _ => None,
    }
}

/// The UTC day of a Unix time: seconds since 1970-01-01 UTC in 10 digits,
/// perhaps with a fraction (`1609459200`, Reddit's `1609459200.0`), or
/// milliseconds in 13 (`1609459200000`, as JavaScript writes them): the
/// instants from September 2001 to November 2286. Such a number names an
/// instant, not a local day, so the day is UTC's. Other lengths are not
/// read as times (8 digits are `YYYYMMDD`, 14 GDELT's `YYYYMMDDhhmmss`,
/// 12 could be `YYYYMMDDhhmm`).
fn unix_time(b: &[u8]) -> Option<DocDate> {
    let (whole, fraction) = match b.iter().position(|&c| c == b'.') {
        Some(dot) => (&b[..dot], Some(&b[dot + 1..])),
        None => (b, None),
    };
    if !whole.iter().all(u8::is_ascii_digit)
        || fraction.is_some_and(|f| f.is_empty() || !f.iter().all(u8::is_ascii_digit))
    {
        return None;
    }
    let value: i64 = std::str::from_utf8(whole).ok()?.parse().ok()?;
    let seconds = match (whole.len(), fraction) {
        (10, _) => value,
        (13, None) => value / 1000,
        _ => return None,
    };
    // 1970-01-01 is day 719,163 of the common era.
    let day = i32::try_from(seconds.div_euclid(86_400) + 719_163).ok()?;
    let date = NaiveDate::from_num_days_from_ce_opt(day)?;
    DocDate::ymd(date.year(), date.month() as u8, date.day() as u8)
}

/// Checks an ISO 8601 time of day with an optional zone:
/// `HH:MM[:SS[.fff]][Z|±HH[:MM]|±HHMM]`.
fn valid_time(t: &str) -> bool {
    let b = t.as_bytes();
    let two = |i: usize, max: i32| b.get(i..i + 2).and_then(digits).is_some_and(|v| v <= max);
    if !(two(0, 23) && b.get(2) == Some(&b':') && two(3, 59)) {
        return false;
    }
    let mut i = 5;
    if b.get(i) == Some(&b':') {
        // 60 allows a leap second.
        if !two(i + 1, 60) {
            return false;
        }
        i += 3;
        if matches!(b.get(i), Some(b'.' | b',')) {
            let start = i + 1;
            i = start;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return false;
            }
        }
    }
    let zone = &b[i..];
    match zone {
        [] | [b'Z' | b'z'] => true,
        [b'+' | b'-', rest @ ..] => match rest.len() {
            2 => two(i + 1, 23),
            4 => two(i + 1, 23) && two(i + 3, 59),
            5 => two(i + 1, 23) && rest[2] == b':' && two(i + 4, 59),
            _ => false,
        },
        _ => false,
    }
}

/// Month names and abbreviations, lower case, with their numbers.
const MONTHS: &[(&str, u8)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

/// Weekday names and abbreviations, lower case.
const WEEKDAYS: &[&str] = &[
    "monday",
    "mon",
    "tuesday",
    "tue",
    "tues",
    "wednesday",
    "wed",
    "thursday",
    "thu",
    "thur",
    "thurs",
    "friday",
    "fri",
    "saturday",
    "sat",
    "sunday",
    "sun",
];

/// A month name or abbreviation (an abbreviation may end in `.`).
fn month_name(token: &str) -> Option<u8> {
    let lower = token.to_ascii_lowercase();
    let (name, dotted) = match lower.strip_suffix('.') {
        Some(n) => (n, true),
        None => (lower.as_str(), false),
    };
    let &(key, number) = MONTHS.iter().find(|(m, _)| *m == name)?;
    // "January." is not a form anyone writes; "Jan." and "Sept." are. May is
    // both a name and its own abbreviation.
    let is_abbreviation = key.len() <= 4 && key != "june" && key != "july";
    (!dotted || is_abbreviation || key == "may").then_some(number)
}

/// A day of the month, 1 or 2 digits, optionally with an English ordinal suffix.
fn day_number(token: &str) -> Option<u8> {
    let lower = token.to_ascii_lowercase();
    let number = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| lower.strip_suffix(suffix))
        .unwrap_or(&lower);
    if number.is_empty() || number.len() > 2 {
        return None;
    }
    let n = digits(number.as_bytes())?;
    (1..=31).contains(&n).then_some(n as u8)
}

/// A 4-digit year in range.
fn year_number(token: &str) -> Option<i32> {
    if token.len() != 4 {
        return None;
    }
    digits(token.as_bytes()).filter(|y| YEARS.contains(y))
}

/// Numeric dates other than ISO's: the year first with `/` or `.`
/// (`2021/01/08`, `2021.1.8`), and with an order the year last
/// (`08/01/2021`, `8.1.2021`, `08-01-2021`).
fn numeric_date(s: &str, order: Option<DateOrder>) -> Option<DocDate> {
    let b = s.as_bytes();
    let sep = *b.iter().find(|c| !c.is_ascii_digit())?;
    if sep == b'/' || sep == b'.' {
        let mut parts = b.split(|&c| c == sep);
        if let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
            && y.len() == 4
            && (1..=2).contains(&m.len())
            && (1..=2).contains(&d.len())
        {
            return DocDate::ymd(digits(y)?, digits(m)? as u8, digits(d)? as u8);
        }
    }
    let (first, second, year) = year_last(s)?;
    match order? {
        DateOrder::Dmy => DocDate::ymd(year, second, first),
        DateOrder::Mdy => DocDate::ymd(year, first, second),
    }
}

/// `A sep B sep YYYY` with one or two digits in `A` and `B` and one
/// separator, `/`, `.` or `-`: `(A, B, YYYY)`.
fn year_last(s: &str) -> Option<(u8, u8, i32)> {
    let b = s.as_bytes();
    let sep = *b.iter().find(|c| !c.is_ascii_digit())?;
    if !matches!(sep, b'/' | b'.' | b'-') {
        return None;
    }
    let mut parts = b.split(|&c| c == sep);
    let (Some(x), Some(y), Some(year), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    if !(1..=2).contains(&x.len()) || !(1..=2).contains(&y.len()) || year.len() != 4 {
        return None;
    }
    Some((digits(x)? as u8, digits(y)? as u8, digits(year)?))
}

/// The date before a time of day that ends `s`: `10:15`, `10:15:30.5`,
/// `9:30 a.m.`, `9:30pm`, each perhaps followed by a zone (`GMT`, `ET`,
/// `+0000`, `UTC+9`), and preceded by a space, a comma or `at`. `None` if
/// `s` does not end so, or nothing is left before the time.
fn without_time(s: &str) -> Option<&str> {
    let words: Vec<&str> = s.split_whitespace().collect();
    let at = words.iter().rposition(|w| clock(w).is_some())?;
    let (hour, ampm) = clock(words[at])?;
    let mut rest = &words[at + 1..];
    let mut ampm = ampm;
    if !ampm
        && let Some((w, more)) = rest.split_first()
        && is_ampm(w)
    {
        ampm = true;
        rest = more;
    }
    if ampm && !(1..=12).contains(&hour) {
        return None;
    }
    if let Some((w, more)) = rest.split_first()
        && is_zone(w)
    {
        rest = more;
    }
    if !rest.is_empty() {
        return None;
    }
    // The clock word's place in `s` (split_whitespace yields subslices).
    let start = words[at].as_ptr() as usize - s.as_ptr() as usize;
    let mut date = s[..start].trim_end();
    date = date.strip_suffix(',').unwrap_or(date).trim_end();
    if let Some(before) = date
        .strip_suffix(" at")
        .or_else(|| date.strip_suffix(" AT"))
    {
        date = before.trim_end();
        date = date.strip_suffix(',').unwrap_or(date).trim_end();
    }
    (!date.is_empty()).then_some(date)
}

/// A time of day, `H:MM`, `HH:MM:SS` or `HH:MM:SS.fff`, perhaps with
/// `am` or `pm` (`a.m.`, `PM`) joined to it: its hour, and whether it
/// had am or pm.
fn clock(w: &str) -> Option<(i32, bool)> {
    let b = w.as_bytes();
    let colon = b.iter().position(|&c| c == b':')?;
    if !(1..=2).contains(&colon) {
        return None;
    }
    let hour = digits(&b[..colon])?;
    let two = |i: usize, max: i32| b.get(i..i + 2).and_then(digits).is_some_and(|v| v <= max);
    if !two(colon + 1, 59) {
        return None;
    }
    let mut i = colon + 3;
    if b.get(i) == Some(&b':') {
        if !two(i + 1, 60) {
            return None;
        }
        i += 3;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            i = start;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return None;
            }
        }
    }
    let ampm = match &w[i..] {
        "" => false,
        rest if is_ampm(rest) => true,
        _ => return None,
    };
    (hour <= 23).then_some((hour, ampm))
}

/// `am`, `pm`, `a.m.` or `p.m.`, in any case.
fn is_ampm(w: &str) -> bool {
    matches!(
        w.to_ascii_lowercase().as_str(),
        "am" | "pm" | "a.m." | "p.m." | "a.m" | "p.m"
    )
}

/// A time zone after a time: `Z`, an offset (`+0000`, `-05:00`, `+09`), or
/// an abbreviation of one to five capitals (`GMT`, `UTC`, `ET`, `KST`),
/// perhaps with an offset (`UTC+9`, `GMT+05:30`).
fn is_zone(w: &str) -> bool {
    let letters = w.bytes().take_while(u8::is_ascii_uppercase).count();
    if letters > 5 {
        return false;
    }
    let offset = &w.as_bytes()[letters..];
    let Some((&sign, num)) = offset.split_first() else {
        return letters > 0;
    };
    if sign != b'+' && sign != b'-' {
        return false;
    }
    let two = |d: &[u8], max: i32| digits(d).is_some_and(|v| v <= max);
    match num {
        [h] => letters > 0 && two(&[*h], 14),
        [_, _] => two(num, 14),
        [h, b':', m0, m1] => letters > 0 && two(&[*h], 14) && two(&[*m0, *m1], 59),
        [h0, h1, m0, m1] | [h0, h1, b':', m0, m1] => two(&[*h0, *h1], 14) && two(&[*m0, *m1], 59),
        _ => false,
    }
}

/// News forms: `[Weekday,] Month Day[,] Year`, `[Weekday,] Day Month Year`,
/// `Month Year`.
fn parse_news(s: &str) -> Option<DocDate> {
    // Commas only separate; a token may end in one ("8,", "Friday,").
    let mut tokens: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    // "8-Jan-2021": one word of three, joined by hyphens.
    if let Some(last) = tokens.last()
        && last.bytes().filter(|&c| c == b'-').count() == 2
        && !last.starts_with('-')
    {
        let joined = tokens.pop().unwrap_or_default();
        tokens.extend(joined.split('-'));
    }
    let mut weekday = false;
    if let Some(first) = tokens.first() {
        let lower = first.to_ascii_lowercase();
        let name = lower.strip_suffix('.').unwrap_or(&lower);
        if WEEKDAYS.contains(&name) {
            tokens.remove(0);
            weekday = true;
        }
    }
    match tokens.as_slice() {
        [month, day, year] => {
            if let (Some(m), Some(d), Some(y)) =
                (month_name(month), day_number(day), year_number(year))
            {
                return DocDate::ymd(y, m, d);
            }
            let (d, m, y) = (day_number(month)?, month_name(day)?, year_number(year)?);
            DocDate::ymd(y, m, d)
        }
        [month, year] if !weekday && !s.contains(',') => {
            // "January 2021": a month has no weekday, and takes no comma.
            DocDate::ym(year_number(year)?, month_name(month)?)
        }
        _ => None,
    }
}

impl fmt::Display for DocDate {
    /// `2021`, `2021-01` or `2021-01-08`, by precision.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
            if let Some(day) = self.day {
                write!(f, "-{day:02}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for DocDate {
    type Err = String;

    /// Parses with [`DocDate::parse`]; the error reads `unreadable date '…'`.
    fn from_str(s: &str) -> Result<DocDate, String> {
        DocDate::parse(s).ok_or_else(|| format!("unreadable date '{s}'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u8, d: u8) -> Option<DocDate> {
        Some(DocDate::ymd(y, m, d).expect("valid test date"))
    }

    #[test]
    fn ymd_validates_calendar() {
        assert!(DocDate::ymd(2024, 2, 29).is_some());
        assert!(DocDate::ymd(2021, 2, 29).is_none());
        assert!(DocDate::ymd(1900, 2, 29).is_none());
        assert!(DocDate::ymd(2000, 2, 29).is_some());
        assert!(DocDate::ymd(2021, 4, 31).is_none());
        assert!(DocDate::ymd(2021, 0, 1).is_none());
        assert!(DocDate::ymd(2021, 1, 0).is_none());
        assert!(DocDate::ymd(999, 1, 1).is_none());
        assert!(DocDate::ymd(10000, 1, 1).is_none());
    }

    #[test]
    fn parses_iso_forms() {
        let y = DocDate::parse("2021").expect("year");
        assert_eq!((y.year, y.month, y.day), (2021, None, None));
        let m = DocDate::parse("2021-01").expect("month");
        assert_eq!((m.year, m.month, m.day), (2021, Some(1), None));
        assert_eq!(DocDate::parse("2021-01-08"), day(2021, 1, 8));
        assert_eq!(DocDate::parse("20210108"), day(2021, 1, 8));
        assert_eq!(DocDate::parse("2021-01-08T10:15:00Z"), day(2021, 1, 8));
        assert_eq!(DocDate::parse("2021-01-08T10:15Z"), day(2021, 1, 8));
        assert_eq!(DocDate::parse("2021-01-08T10:15:00.123Z"), day(2021, 1, 8));
        assert_eq!(DocDate::parse("2021-01-08 10:15:00"), day(2021, 1, 8));
        assert_eq!(DocDate::parse("2021-01-08T10:15:00+0900"), day(2021, 1, 8));
        assert_eq!(DocDate::parse("2021-01-08T10:15:00+09"), day(2021, 1, 8));
        assert_eq!(DocDate::parse("  2021-01-08\n"), day(2021, 1, 8));
    }

    #[test]
    fn offsets_are_not_applied() {
        // Late evening in New York is already the next day in UTC: the
        // published (civil) date is kept.
        assert_eq!(DocDate::parse("2021-01-08T23:30:00-05:00"), day(2021, 1, 8));
        assert_eq!(DocDate::parse("2021-01-08T00:30:00+09:00"), day(2021, 1, 8));
    }

    #[test]
    fn rejects_bad_iso() {
        for bad in [
            "2021-02-29",
            "2021-02-30",
            "2021-13",
            "2021-00",
            "2021-1-8",
            "20210230",
            "0999",
            "999",
            "10000",
            "2021-01-08T25:00:00Z",
            "2021-01-08T10:61",
            "2021-01-08T10:15:00+5",
            "2021-01-08Tnoon",
            "2021-01-08x",
            "2021-01-08T",
            "2021-01-08T10:15:00.Z",
            "31/31/2021",
            "08/01/2021",
            "",
            "   ",
            "yesterday",
            "2021-01-08-09",
        ] {
            assert_eq!(DocDate::parse(bad), None, "{bad:?} should not parse");
        }
        assert_eq!(DocDate::parse("2024-02-29"), day(2024, 2, 29));
    }

    #[test]
    fn parses_news_forms() {
        let expected = day(2021, 1, 8);
        for form in [
            "January 8, 2021",
            "january 8, 2021",
            "JANUARY 8 2021",
            "Jan 8, 2021",
            "Jan. 8, 2021",
            "8 Jan 2021",
            "8 January 2021",
            "8 Jan. 2021",
            "Friday, January 8, 2021",
            "Fri., Jan. 8, 2021",
            "Friday, 8 January 2021",
            "January 8th, 2021",
            "08 Jan 2021",
        ] {
            assert_eq!(DocDate::parse(form), expected, "{form:?}");
        }
        assert_eq!(DocDate::parse("Sept. 5, 2024"), day(2024, 9, 5));
        assert_eq!(DocDate::parse("Sep 5, 2024"), day(2024, 9, 5));
        assert_eq!(DocDate::parse("May 1, 2022"), day(2022, 5, 1));
        assert_eq!(DocDate::parse("May. 1, 2022"), day(2022, 5, 1));
        assert_eq!(DocDate::parse("Feb 29, 2024"), day(2024, 2, 29));
        let month = DocDate::parse("January 2021").expect("month");
        assert_eq!(month.to_string(), "2021-01");
        assert_eq!(
            DocDate::parse("sept 2024").map(|d| d.to_string()),
            Some("2024-09".into())
        );
    }

    #[test]
    fn rejects_bad_news_forms() {
        for bad in [
            "Feb 29, 2021",
            "February 30, 2024",
            "Jan 32, 2021",
            "Jan 0, 2021",
            "January. 8, 2021",
            "Janu 8, 2021",
            "January 8",
            "January 8, 21",
            "January 8, 2021 at noon",
            "Friday",
            "Friday, January 2021",
            "January, 2021,",
            "8 8 2021",
            "January 8, 999",
        ] {
            assert_eq!(DocDate::parse(bad), None, "{bad:?} should not parse");
        }
    }

    #[test]
    fn parses_feed_byline_and_numeric_forms() {
        let expected = day(2021, 1, 8);
        for form in [
            "Fri, 08 Jan 2021 10:15:00 +0000",
            "Fri, 08 Jan 2021 10:15:00 GMT",
            "08 Jan 2021 10:15 -0500",
            "8 Jan 2021 23:59:60 +05:30",
            "January 8, 2021 10:15 AM",
            "Jan. 8, 2021, 9:30 a.m. ET",
            "January 8, 2021 at 9:30pm",
            "January 8, 2021, at 12:00 p.m. EST",
            "2021-01-08 10:15:00 UTC",
            "2021-01-08 10:15 UTC+9",
            "2021-01-08 10:15:00.250 KST",
            "8-Jan-2021",
            "08-JAN-2021 10:15:00",
            "2021/01/08",
            "2021/1/8",
            "2021.01.08",
            "2021/01/08 10:15:00",
            "20210108101500",
            "20210108235960",
        ] {
            assert_eq!(DocDate::parse(form), expected, "{form:?}");
        }
        // The month and day orders never guessed.
        for ambiguous in ["08/01/2021", "8.1.2021", "08-01-2021 10:15", "31/12/2021"] {
            assert_eq!(DocDate::parse(ambiguous), None, "{ambiguous:?}");
            assert!(DocDate::needs_order(ambiguous), "{ambiguous:?}");
        }
    }

    #[test]
    fn unix_times_give_the_utc_day() {
        assert_eq!(DocDate::parse("1609459200"), day(2021, 1, 1));
        assert_eq!(DocDate::parse("1609545599"), day(2021, 1, 1));
        assert_eq!(DocDate::parse("1609545600"), day(2021, 1, 2));
        assert_eq!(DocDate::parse("1609459200.0"), day(2021, 1, 1));
        assert_eq!(DocDate::parse("1609459200000"), day(2021, 1, 1));
        assert_eq!(DocDate::parse("1000000000"), day(2001, 9, 9));
        assert_eq!(DocDate::parse(" 1609459200 "), day(2021, 1, 1));
        for bad in [
            "16094592000",
            "160945920",
            "978307200000",
            "1609459200.",
            "1609459200.x",
            "1609459200000.5",
            "12345678901234567890",
            "-1609459200",
        ] {
            assert_eq!(DocDate::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn rejects_bad_times_and_numeric_forms() {
        for bad in [
            "20210108246000",
            "20210108106100",
            "202101081015000",
            "2021-01-08 10:15 utc",
            "2021-01-08 10:15 UTCPLUS",
            "2021-01-08 10:15 +1500",
            "2021-01-08 25:00",
            "2021-01-08 10:5",
            "January 8, 2021 13:00 pm",
            "January 8, 2021 0:30 am",
            "January 8, 2021 10:15 AM tomorrow",
            "January 8, 2021 10:15:",
            "January 8, 2021 10:15:00.",
            "10:15",
            "at 10:15",
            "2021/13/08",
            "2021/01/08/09",
            "2021/001/08",
            "2021.01/08",
            "2021-1-8",
            "8-Jan-21",
            "8--Jan-2021",
            "08/01/21",
            "8 8 2021",
        ] {
            assert_eq!(DocDate::parse(bad), None, "{bad:?} should not parse");
            for order in [DateOrder::Dmy, DateOrder::Mdy] {
                assert_eq!(DocDate::parse_in(bad, Some(order)), None, "{bad:?} {order}");
            }
        }
        assert!(!DocDate::needs_order("08/01/21"));
        assert!(!DocDate::needs_order("2021/01/08"));
        assert!(!DocDate::needs_order("08/01/2021 tomorrow"));
    }

    #[test]
    fn numeric_dates_with_the_year_last_follow_the_order() {
        let dmy = Some(DateOrder::Dmy);
        let mdy = Some(DateOrder::Mdy);
        assert_eq!(DocDate::parse_in("08/01/2021", dmy), day(2021, 1, 8));
        assert_eq!(DocDate::parse_in("08/01/2021", mdy), day(2021, 8, 1));
        assert_eq!(DocDate::parse_in("8.1.2021", dmy), day(2021, 1, 8));
        assert_eq!(DocDate::parse_in("08-01-2021 10:15", mdy), day(2021, 8, 1));
        assert_eq!(
            DocDate::parse_in("1/8/2021 9:30 PM EST", mdy),
            day(2021, 1, 8)
        );
        assert_eq!(DocDate::parse_in("31/12/2021", dmy), day(2021, 12, 31));
        assert_eq!(DocDate::parse_in("31/12/2021", mdy), None);
        assert_eq!(DocDate::parse_in("12/31/2021", mdy), day(2021, 12, 31));
        assert_eq!(DocDate::parse_in("29/02/2021", dmy), None);
        // The other forms do not depend on the order.
        for order in [None, dmy, mdy] {
            assert_eq!(DocDate::parse_in("2021-01-08", order), day(2021, 1, 8));
            assert_eq!(DocDate::parse_in("2021/01/08", order), day(2021, 1, 8));
            assert_eq!(DocDate::parse_in("8 Jan 2021", order), day(2021, 1, 8));
        }
        assert_eq!("MDY".parse::<DateOrder>(), Ok(DateOrder::Mdy));
        assert!("ymd".parse::<DateOrder>().is_err());
        assert_eq!(DateOrder::Dmy.describe(), "day/month/year");
    }

    #[test]
    fn display_and_from_str() {
        assert_eq!(DocDate::parse("2021").expect("y").to_string(), "2021");
        assert_eq!(DocDate::parse("2021-01").expect("m").to_string(), "2021-01");
        assert_eq!(day(2021, 1, 8).expect("d").to_string(), "2021-01-08");
        assert_eq!("Jan 8, 2021".parse::<DocDate>().ok(), day(2021, 1, 8));
        assert_eq!(
            "31/31/2021".parse::<DocDate>(),
            Err("unreadable date '31/31/2021'".to_string())
        );
    }

    #[test]
    fn order_is_chronological_then_precision() {
        let mut dates: Vec<DocDate> = ["2021-01-08", "2020", "2021", "2021-01", "2020-12-31"]
            .iter()
            .filter_map(|s| DocDate::parse(s))
            .collect();
        dates.sort();
        let shown: Vec<String> = dates.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            ["2020", "2020-12-31", "2021", "2021-01", "2021-01-08"]
        );
    }

    #[test]
    fn dates_from_paths() {
        assert_eq!(
            DocDate::from_path("news/2021-01-08-kim.txt"),
            day(2021, 1, 8)
        );
        assert_eq!(DocDate::from_path("news/2021_01_08.txt"), day(2021, 1, 8));
        assert_eq!(DocDate::from_path("kcna20210108.txt"), day(2021, 1, 8));
        // The last valid date wins.
        assert_eq!(
            DocDate::from_path("2020-05-01/story-2021-01-08.txt"),
            day(2021, 1, 8)
        );
        // An invalid later date does not hide an earlier valid one.
        assert_eq!(
            DocDate::from_path("2021-01-08/draft-2021-02-30.txt"),
            day(2021, 1, 8)
        );
        // Part of a longer digit run: not a date.
        assert_eq!(DocDate::from_path("id-202101081.txt"), None);
        assert_eq!(DocDate::from_path("12021-01-08.txt"), None);
        assert_eq!(DocDate::from_path("2021-01-081.txt"), None);
        // Mixed separators, impossible dates, no date.
        assert_eq!(DocDate::from_path("2021-01_08.txt"), None);
        assert_eq!(DocDate::from_path("2021-02-29.txt"), None);
        assert_eq!(DocDate::from_path("2024-02-29.txt"), day(2024, 2, 29));
        assert_eq!(DocDate::from_path("seed/000_9984ae1b6277484c.txt"), None);
        assert_eq!(DocDate::from_path(""), None);
        assert_eq!(DocDate::from_path("2021-01"), None);
    }

    #[test]
    fn iso_weeks_at_year_boundaries() {
        let week = |y, m, d| DocDate::ymd(y, m, d).and_then(|d| d.iso_week());
        assert_eq!(week(2021, 1, 3), Some((2020, 53)));
        assert_eq!(week(2021, 1, 4), Some((2021, 1)));
        assert_eq!(week(2024, 12, 29), Some((2024, 52)));
        assert_eq!(week(2024, 12, 30), Some((2025, 1)));
        assert_eq!(week(2021, 1, 8), Some((2021, 1)));
        assert_eq!(DocDate::parse("2021").and_then(|d| d.iso_week()), None);
        assert_eq!(DocDate::parse("2021-01").and_then(|d| d.iso_week()), None);
    }

    proptest::proptest! {
        /// Any text made of date pieces: no panic, in any order; and a
        /// date read is in range.
        #[test]
        fn parses_any_text_without_panic(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "2021", "01", "8", "31", "-", "/", ".", ":", " ", ",", "T", "Z", "+", "Jan",
                    "Fri", "at", "a.m.", "PM", "GMT", "UTC+9", "1610064000", "\u{e9}", "00",
                ]),
                0..12,
            ),
        ) {
            let text = pieces.concat();
            for order in [None, Some(DateOrder::Dmy), Some(DateOrder::Mdy)] {
                if let Some(d) = DocDate::parse_in(&text, order) {
                    proptest::prop_assert!(YEARS.contains(&d.year), "{text:?}");
                }
                let _ = DocDate::needs_order(&text);
            }
        }
    }
}
