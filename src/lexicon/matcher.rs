//! The lexicon matcher: every folded pattern in a trie of whole words,
//! looked up through a compact hash table. See [`WordIndex`].

use std::ops::Range;

use rustc_hash::FxHashMap as HashMap;

use crate::text::norm::{Block, Token, capital_bits, for_each_marked, is_word_char};

/// Flag on a trie table value that is a pattern number, not a node: the
/// node is that one pattern, ending with its last run, and nothing more.
const LONE: u32 = 1 << 31;

/// Flag on a trie table value that is a node where no pattern ends and no
/// stem continues, only longer patterns ("the" of "the united states"):
/// the next run is looked up with no load of the node.
const PREFIX: u32 = 1 << 30;

/// Bytes of a stem's start that index it in [`WordIndex::stems`].
const STEM_KEY: usize = 3;

/// The matcher: every folded pattern (actor alias, tone anchor, modifier) in
/// a trie whose steps are whole words, so that a sentence costs about one
/// hash lookup per word.
///
/// Patterns match only from a word boundary: where a word starts, or at a
/// character that is not part of a word. A pattern is a sequence of *runs*
/// (letters and digits) joined by other characters, perhaps with some of
/// those at its end: `u.s.` is `u` `.` `s` `.`. A pattern that begins with a
/// run can only match where a run of the text begins, and then its runs are
/// the text's runs one by one, joined by the same characters. So every
/// prefix of a pattern that ends with a run is a trie node, keyed by its own
/// bytes; matching from a run of the text looks up the text from there to
/// the end of that run, then to the end of the next run, and so on while
/// the node has longer patterns below it. A node lists the patterns that end
/// there (with the trailing non-run characters some have, compared byte by
/// byte) and the stems of wildcard tone terms that continue from it inside
/// the text's next run ("peace talk" of `peace talk*` in "peace talks"); the
/// stems that are a single run are indexed apart, by their first
/// [`STEM_KEY`] bytes. A pattern that ends inside a word and is not such a
/// stem could only be rejected later (aliases, modifiers and whole-word terms
/// need a word boundary at their end), so it is not looked for there.
///
/// A pattern that begins with any other character (a quote, a sign) is
/// checked at every such character of the text.
///
/// The result is every occurrence of every pattern at a word boundary,
/// exactly what the Aho-Corasick automaton this replaced found (an anchored
/// walk from each boundary). But most words of a sentence start no pattern
/// and cost one lookup in a table that stays in cache, where the automaton
/// paid a dependent memory load for every byte of every walk: on UN speeches
/// that walk was a third of the whole run.
#[derive(Debug, Clone)]
pub(super) struct WordIndex {
    patterns: Vec<String>,
    /// First run of a pattern → index into `nodes`.
    heads: ByteTable,
    /// Longer pattern prefix ending with a run → index into `nodes`.
    deeper: ByteTable,
    /// Which (node, hash of a run) pairs start a key of `deeper`: asked
    /// before a longer key is hashed and looked up.
    steps: StepFilter,
    nodes: Vec<Node>,
    /// Patterns ending at a node: `(pattern, bytes after the node's key)`.
    finals: Vec<(u32, u32)>,
    /// Multi-run stems continuing from a node.
    deep_stems: Vec<Probe>,
    /// First [`STEM_KEY`] bytes of a single-run stem → a range of
    /// `by_stem`.
    stems: StemIndex,
    /// Single-run stems grouped by their [`StemIndex`] key, each group
    /// shortest first.
    by_stem: Vec<Probe>,
    /// Single-run stems shorter than [`STEM_KEY`] bytes, shortest first.
    short_stems: Vec<Probe>,
    /// Patterns that begin outside a run, shortest first.
    odd: Vec<Probe>,
}

/// A pattern to compare byte by byte at some place of the text: its first
/// 8 bytes as a little-endian word (zero-padded), its length and its
/// number. Most such patterns are stems of 8 bytes or fewer, and comparing
/// one costs a load, a mask and a compare, with no call and no load of the
/// pattern's text.
#[derive(Debug, Clone, Copy)]
struct Probe {
    head: u64,
    len: u32,
    pattern: u32,
}

impl Probe {
    fn new(patterns: &[String], p: u32) -> Probe {
        let b = patterns[p as usize].as_bytes();
        Probe {
            head: load(b, 0, b.len().min(8)),
            len: b.len() as u32,
            pattern: p,
        }
    }

    /// The pattern occurs in `text` at `s`.
    #[inline(always)]
    fn at(&self, patterns: &[String], text: &[u8], s: usize) -> bool {
        let n = self.len as usize;
        s + n <= text.len()
            && load(text, s, n.min(8)) == self.head
            && (n <= 8 || text[s + 8..s + n] == patterns[self.pattern as usize].as_bytes()[8..])
    }
}

/// A node of [`WordIndex`]: a pattern prefix that ends with a run.
#[derive(Debug, Clone, Default)]
struct Node {
    /// Range of [`WordIndex::finals`].
    finals: (u32, u32),
    /// Range of [`WordIndex::deep_stems`].
    stems: (u32, u32),
    /// Some longer pattern has a further run.
    more: bool,
}

/// Whether `key` is a single run of letters and digits: a pattern's first
/// word, where longer keys go on past it.
fn is_one_run(key: &[u8]) -> bool {
    std::str::from_utf8(key).is_ok_and(|k| k.chars().all(is_word_char))
}

/// Byte ranges of the runs of letters and digits in `s`.
pub(super) fn runs(s: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(a)) => {
                out.push(a..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(a) = start {
        out.push(a..s.len());
    }
    out
}

impl WordIndex {
    /// Indexes `patterns`; `stem(p)` says that pattern `p` may also end
    /// inside a word (a wildcard tone anchor).
    pub(super) fn new(patterns: Vec<String>, stem: impl Fn(usize) -> bool) -> WordIndex {
        #[derive(Default)]
        struct Building {
            finals: Vec<(u32, u32)>,
            stems: Vec<u32>,
            more: bool,
        }
        let mut keys: HashMap<Box<[u8]>, u32> = HashMap::default();
        let mut building: Vec<Building> = Vec::new();
        let mut node_of = |key: &[u8], building: &mut Vec<Building>| -> usize {
            let n = *keys.entry(Box::from(key)).or_insert_with(|| {
                building.push(Building::default());
                building.len() as u32 - 1
            });
            n as usize
        };
        // (node, low 32 bits of the hash of the run after it) of every longer key.
        let mut steps: Vec<(u32, u32)> = Vec::new();
        let mut root_stems: HashMap<usize, Vec<u32>> = HashMap::default();
        let mut short_stems = Vec::new();
        let mut odd = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            let pi = i as u32;
            let r = runs(p);
            let Some(first) = r.first() else {
                if !p.is_empty() {
                    odd.push(pi); // no run at all: "--"
                }
                continue;
            };
            if first.start > 0 {
                odd.push(pi);
                continue;
            }
            let bytes = p.as_bytes();
            let mut parent = None;
            for (k, run) in r.iter().enumerate() {
                let n = node_of(&bytes[..run.end], &mut building);
                building[n].more |= k + 1 < r.len();
                if let Some(up) = parent {
                    steps.push((up, ByteTable::hash(bytes, run.start, run.len()).1 as u32));
                }
                parent = Some(n as u32);
            }
            let last = r[r.len() - 1].clone();
            let n = node_of(&bytes[..last.end], &mut building);
            building[n].finals.push((pi, (p.len() - last.end) as u32));
            if stem(i) && last.end == p.len() {
                if r.len() == 1 {
                    match bytes.first_chunk::<STEM_KEY>() {
                        Some(&[a, b, c]) => root_stems
                            .entry(StemIndex::key(a, b, c))
                            .or_default()
                            .push(pi),
                        None => short_stems.push(pi),
                    }
                } else {
                    let parent = node_of(&bytes[..r[r.len() - 2].end], &mut building);
                    building[parent].stems.push(pi);
                }
            }
        }
        let len = |&p: &u32| patterns[p as usize].len();
        let mut finals = Vec::new();
        let mut deep_stems = Vec::new();
        let nodes: Vec<Node> = building
            .into_iter()
            .map(|mut b| {
                b.finals.sort_by_key(|f| (len(&f.0), f.0));
                b.stems.sort_by_key(|p| (len(p), *p));
                let f = finals.len() as u32;
                finals.extend_from_slice(&b.finals);
                let s = deep_stems.len() as u32;
                deep_stems.extend(b.stems.iter().map(|&p| Probe::new(&patterns, p)));
                Node {
                    finals: (f, finals.len() as u32),
                    stems: (s, deep_stems.len() as u32),
                    more: b.more,
                }
            })
            .collect();
        let mut by_stem = Vec::new();
        let mut stem_keys: Vec<usize> = root_stems.keys().copied().collect();
        stem_keys.sort_unstable();
        let stems = StemIndex::new(stem_keys.iter().map(|k| {
            let mut v = root_stems.remove(k).unwrap_or_default();
            v.sort_by_key(|p| (len(p), *p));
            let start = by_stem.len() as u32;
            by_stem.extend(v.iter().map(|&p| Probe::new(&patterns, p)));
            // The low five bits of each stem's fourth byte; a stem of three
            // bytes fits any.
            let fourth = v.iter().fold(0u32, |m, &p| {
                match patterns[p as usize].as_bytes().get(STEM_KEY) {
                    Some(&d) => m | 1 << (d & 31),
                    None => u32::MAX,
                }
            });
            (
                *k,
                StemGroup {
                    start,
                    end: by_stem.len() as u32,
                    fourth,
                },
            )
        }));
        // Heads are looked up for every word of the text, longer prefixes
        // only below a head: apart, the heads' table is small and hot.
        // A node that is one whole pattern and nothing more (most single
        // words) is stored in the table as that pattern, flagged: a hit then
        // costs no further loads.
        let value = |n: u32| {
            let node: &Node = &nodes[n as usize];
            let finals_of = &finals[node.finals.0 as usize..node.finals.1 as usize];
            match finals_of {
                [(p, 0)] if !node.more && node.stems.0 == node.stems.1 && *p < PREFIX => LONE | p,
                [] if node.more && node.stems.0 == node.stems.1 && n < PREFIX => PREFIX | n,
                _ => n,
            }
        };
        let (heads, deeper): (Vec<_>, Vec<_>) = keys
            .iter()
            .map(|(k, &n)| (&k[..], value(n)))
            .partition(|(k, _)| is_one_run(k));
        let heads = ByteTable::new(heads.into_iter());
        let deeper = ByteTable::new(deeper.into_iter());
        short_stems.sort_by_key(|p| (len(p), *p));
        odd.sort_by_key(|p| (len(p), *p));
        let probes = |v: Vec<u32>| v.iter().map(|&p| Probe::new(&patterns, p)).collect();
        let (short_stems, odd) = (probes(short_stems), probes(odd));
        WordIndex {
            patterns,
            heads,
            deeper,
            steps: StepFilter::new(&steps),
            nodes,
            finals,
            deep_stems,
            stems,
            by_stem,
            short_stems,
            odd,
        }
    }

    /// How many patterns of `group` (sorted by length) are shorter than `len`.
    fn shorter_than(group: &[Probe], len: usize) -> usize {
        group.partition_point(|p| (p.len as usize) < len)
    }

    /// Appends `(start, end, pattern)` for every pattern occurring in
    /// `text` at a word boundary, ordered by start and then end. `toks` are
    /// the [`tokens`] of `text`, and `joined` whether one holds an
    /// apostrophe (as [`tokens_into`](crate::text::norm::tokens_into)
    /// returns); `runs` is a buffer for the runs when one does.
    pub(super) fn find(
        &self,
        text: &str,
        toks: &[Token],
        joined: bool,
        runs: &mut Vec<Token>,
        out: &mut Vec<(usize, usize, usize)>,
    ) {
        if !joined {
            // No token holds an apostrophe: the runs are the tokens.
            return self.find_in_runs(text, toks, out);
        }
        // The text's runs: tokens split at their inner apostrophes. The
        // apostrophes are found from a mask of the text, and the tokens
        // between those that hold one copied as they are: splitting every
        // token was 1.3% of the instructions of scoring a sentence.
        runs.clear();
        // Tokens before `copied` are in `runs`; `open` is the token being
        // split and where its next piece starts.
        let mut copied = 0;
        let mut open: Option<(usize, usize)> = None;
        let mut j = 0;
        for_each_marked(text.as_bytes(), Block::apostrophes, |at| {
            while j < toks.len() && toks[j].end <= at {
                j += 1;
            }
            let Some(t) = toks.get(j).filter(|t| t.start <= at) else {
                return; // between tokens
            };
            let from = match open {
                Some((k, from)) if k == j => from,
                _ => {
                    if let Some((k, from)) = open {
                        runs.push(Token {
                            start: from,
                            end: toks[k].end,
                        });
                        copied = k + 1;
                    }
                    runs.extend_from_slice(&toks[copied..j]);
                    t.start
                }
            };
            runs.push(Token {
                start: from,
                end: at,
            });
            open = Some((j, at + 1));
        });
        if let Some((k, from)) = open {
            runs.push(Token {
                start: from,
                end: toks[k].end,
            });
            copied = k + 1;
        }
        runs.extend_from_slice(&toks[copied..]);
        self.find_in_runs(text, runs, out);
    }

    /// [`WordIndex::find`] given the runs of the text.
    fn find_in_runs(&self, text: &str, rs: &[Token], out: &mut Vec<(usize, usize, usize)>) {
        if u32::try_from(text.len()).is_ok() && !force_wide() {
            self.find_in_runs_as::<true>(text, rs, out);
        } else {
            self.find_in_runs_as::<false>(text, rs, out);
        }
    }

    /// [`WordIndex::find_in_runs`]; with `NARROW`, for a text shorter than
    /// 4 GiB (any sentence), each run's offsets are read through a `u32`.
    /// The compiler then knows that an offset plus the 8 or 16 bytes a
    /// lookup reads cannot overflow, and drops that test from every load of
    /// a run's bytes, and the loop's arithmetic gets simpler around it:
    /// scoring a sentence takes 2.4% fewer instructions.
    fn find_in_runs_as<const NARROW: bool>(
        &self,
        text: &str,
        rs: &[Token],
        out: &mut Vec<(usize, usize, usize)>,
    ) {
        let off = |x: usize| if NARROW { x as u32 as usize } else { x };
        let bytes = text.as_bytes();
        // Patterns of `group` at `s` (compared byte by byte).
        let at = |s: usize, group: &[Probe], out: &mut Vec<(usize, usize, usize)>| {
            for p in group {
                if p.at(&self.patterns, bytes, s) {
                    out.push((s, s + p.len as usize, p.pattern as usize));
                }
            }
        };
        // Every run's head is looked up first, in a tight loop of
        // independent lookups, so that their cache misses overlap instead of
        // waiting one after another behind the work on each match.
        const AHEAD: usize = 64;
        // (As plain `u32`s, `NO_HEAD` for none, and each run's hash cut to
        // 32 bits: half the bytes to zero per sentence of `Option<u32>`s
        // and whole hashes.)
        const NO_HEAD: u32 = u32::MAX;
        let mut heads = [NO_HEAD; AHEAD];
        // Each run's hash, kept for the steps below a node.
        let mut hashes = [0u32; AHEAD];
        for i in 0..rs.len().min(AHEAD) {
            let r = rs[i];
            let (s, e) = (off(r.start), off(r.end));
            let ((k0, k1), x) = ByteTable::hash(bytes, s, e - s);
            hashes[i] = x as u32;
            heads[i] = self.heads.find(k0, k1, x, bytes, s, e).unwrap_or(NO_HEAD);
            // A head that only starts longer keys ("the"), none of which
            // goes on with this run, starts nothing: ruled out here, where
            // this run's hash is at hand (three runs in ten are such heads,
            // and most are ruled out).
            if let Some(p) = i.checked_sub(1)
                && heads[p] & (LONE | PREFIX) == PREFIX
                && !self.steps.may_have(heads[p] & !PREFIX, x as u32)
            {
                heads[p] = NO_HEAD;
            }
        }
        for (i, r) in rs.iter().enumerate() {
            let (s, e) = (off(r.start), off(r.end));
            let first = out.len();
            let run = &bytes[s..e];
            // Single-run stems that end inside this run.
            if !self.short_stems.is_empty() {
                let n = Self::shorter_than(&self.short_stems, run.len());
                at(s, &self.short_stems[..n], out);
            }
            if run.len() > STEM_KEY
                && let Some(g) = self.stems.get(run[0], run[1], run[2])
                && g.fourth >> (run[STEM_KEY] & 31) & 1 != 0
            {
                let group = &self.by_stem[g.start as usize..g.end as usize];
                at(s, &group[..Self::shorter_than(group, run.len())], out);
            }
            // Down the trie, a run at a time.
            let mut end = e;
            let mut next = i + 1;
            let mut found = match heads.get(i) {
                Some(&h) => (h != NO_HEAD).then_some(h),
                None => self.heads.get(bytes, s, end),
            };
            while let Some(n) = found {
                if n & LONE != 0 {
                    out.push((s, end, (n & !LONE) as usize));
                    break;
                }
                // A prefix-only node has nothing of its own: on to the next run.
                let more = n & PREFIX != 0 || {
                    let node = &self.nodes[n as usize];
                    for &(p, tail) in &self.finals[node.finals.0 as usize..node.finals.1 as usize] {
                        // Most patterns end with their last run: no need to
                        // fetch the pattern's text at all.
                        if tail == 0 || {
                            let pat = self.patterns[p as usize].as_bytes();
                            bytes[end..].starts_with(&pat[pat.len() - tail as usize..])
                        } {
                            out.push((s, end + tail as usize, p as usize));
                        }
                    }
                    // Stems that end inside the next run.
                    let next_end = rs.get(next).map_or(end, |r| r.end);
                    for p in &self.deep_stems[node.stems.0 as usize..node.stems.1 as usize] {
                        if s + (p.len as usize) < next_end && p.at(&self.patterns, bytes, s) {
                            out.push((s, s + p.len as usize, p.pattern as usize));
                        }
                    }
                    node.more
                };
                if !more || next >= rs.len() {
                    break;
                }
                // No longer key goes on with the next run: no need to hash
                // the text from `s` to its end and look it up.
                let (r_start, r_end) = (off(rs[next].start), off(rs[next].end));
                let hash = match hashes.get(next) {
                    Some(&x) => x,
                    None => ByteTable::hash(bytes, r_start, r_end - r_start).1 as u32,
                };
                if !self.steps.may_have(n & !PREFIX, hash) {
                    break;
                }
                end = r_end;
                next += 1;
                found = self.deeper.get(bytes, s, end);
            }
            // The patterns from this run came out by end, with no sort
            // (which cost about 400 instructions a call): the stems shorter
            // than STEM_KEY bytes, then the longer ones, each group
            // shortest first, all ending inside the run; then node by node
            // down the trie, each node's patterns shortest first (a
            // pattern's trailing non-run characters end before the next
            // run starts), then its stems, shortest first, ending inside
            // that next run, where the next node's patterns end.
            debug_assert!(out[first..].is_sorted_by_key(|&(_, e, _)| e));
        }
        if !self.odd.is_empty() {
            let before = out.len();
            for (s, c) in text.char_indices() {
                if !is_word_char(c) {
                    at(s, &self.odd, out);
                }
            }
            if out.len() > before {
                out.sort_by_key(|&(s, e, _)| (s, e));
            }
        }
    }
}

/// Whether [`WordIndex::find_in_runs`] takes its path for texts of 4 GiB
/// or more whatever the length: never, but in tests, which check that
/// path on texts of any size.
#[cfg(not(test))]
#[inline(always)]
fn force_wide() -> bool {
    false
}

#[cfg(test)]
fn force_wide() -> bool {
    tests::FORCE_WIDE.get()
}

/// A filter of the steps from a node of [`WordIndex`] to a longer key: the
/// node and the hash of the run that follows it, 16 bits per step. Most
/// nodes below which a sentence's words are looked up are the start of
/// longer patterns only ("the" of "the united states"), and most words
/// after them go on with no pattern: on UN speeches, seven lookups of a
/// longer key in eight found nothing. The filter answers most of those from
/// the run's hash, already worked out for the run's own lookup, where the
/// lookup hashed the whole longer key first.
#[derive(Debug, Clone)]
struct StepFilter {
    bits: Vec<u64>,
}

impl StepFilter {
    fn new(steps: &[(u32, u32)]) -> StepFilter {
        let mut f = StepFilter {
            bits: vec![0; (steps.len() * 16).next_power_of_two().max(64) / 64],
        };
        for &(node, hash) in steps {
            let bit = f.bit(node, hash);
            f.bits[bit / 64] |= 1 << (bit % 64);
        }
        f
    }

    #[inline(always)]
    fn bit(&self, node: u32, hash: u32) -> usize {
        (mix(u64::from(node) ^ SEED[2], u64::from(hash)) >> 20) as usize
            & (self.bits.len() * 64 - 1)
    }

    /// False if no longer key starts with node `node` and then a run of
    /// hash `hash`.
    #[inline(always)]
    fn may_have(&self, node: u32, hash: u32) -> bool {
        let bit = self.bit(node, hash);
        self.bits[bit / 64] & (1 << (bit % 64)) != 0
    }
}

/// The single-run stems' groups by their first [`STEM_KEY`] (three) bytes,
/// each cut to its low five bits: a set of 32,768 bits says which keys some
/// stem has, and the number of set bits before a key's bit is its group's
/// place. Different bytes share their low five bits (`p` and `0`, `P` and
/// `p`), so a group holds every stem whose key lands on it, and each is
/// compared in full. A key costs a few shifts, a load and a test, and a hit
/// a count of bits, where a hash table cost a hash and its two loads for
/// every word of four bytes or more; and most words' first three bytes
/// start some stem.
///
/// The bits are kept sixteen to a word, each word beside the count of set
/// bits before it (8 KB, in the first-level cache): one load gives both,
/// and the bits before a key's in its word are counted from a table of
/// 256 bytes, two lookups. Counting them in a word of 64 took about twenty
/// instructions without a `popcnt` instruction, which the portable x86-64
/// build does not assume (about 1.2% of the instructions of scoring a
/// sentence); this way scoring takes 0.7% fewer.
#[derive(Debug, Clone)]
struct StemIndex {
    /// Per 16 keys: the count of set bits before them (high half) and
    /// their bits (low half). (An array: its indexes need no bounds check.)
    words: Box<[u32; StemIndex::KEYS / 16]>,
    /// The group of each set bit, in order.
    groups: Vec<StemGroup>,
}

/// The number of set bits of each byte.
const BYTE_ONES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = (i as u8).count_ones() as u8;
        i += 1;
    }
    t
};

/// The stems of one key of [`StemIndex`].
#[derive(Debug, Clone, Copy)]
struct StemGroup {
    /// Range of [`WordIndex::by_stem`].
    start: u32,
    end: u32,
    /// Bit `d & 31` set for the fourth byte `d` of each stem (all bits for
    /// a stem of three bytes): a word whose fourth byte's bit is clear
    /// starts none of them, and is not compared with each. Words share
    /// their first three letters with some stem far more often than their
    /// first four (`con` of `condemn*` and `continue`): on 20 MB of UN
    /// speeches this spared more than half of the walks through a group
    /// (384,153 → 173,558).
    fourth: u32,
}

impl StemIndex {
    const KEYS: usize = 1 << 15;

    /// The key of a stem or word that starts with bytes `a`, `b`, `c`.
    #[inline(always)]
    fn key(a: u8, b: u8, c: u8) -> usize {
        (usize::from(a & 31) << 10) | (usize::from(b & 31) << 5) | usize::from(c & 31)
    }

    /// The index of `groups`: `(key, group)`, keys distinct and ascending.
    fn new(groups: impl Iterator<Item = (usize, StemGroup)>) -> StemIndex {
        let mut t = StemIndex {
            words: Box::new([0; Self::KEYS / 16]),
            groups: Vec::new(),
        };
        for (k, g) in groups {
            debug_assert!(t.words[k / 16] & (1 << (k % 16)) == 0, "keys are distinct");
            t.words[k / 16] |= 1 << (k % 16);
            t.groups.push(g);
        }
        let mut n = 0u32;
        for w in t.words.iter_mut() {
            let ones = w.count_ones();
            *w |= n << 16;
            n += ones;
        }
        t
    }

    /// The stems to compare at a word starting with `a`, `b`, `c`.
    #[inline(always)]
    fn get(&self, a: u8, b: u8, c: u8) -> Option<StemGroup> {
        // Word `key / 16` and bit `key % 16` of the key (see `key`), from
        // the bytes themselves: through `key` they cost 0.2% more.
        let w = self.words
            [(usize::from(a & 31) << 6) | (usize::from(b & 31) << 1) | usize::from(c >> 4 & 1)];
        let bit = 1u32 << (c & 15);
        if w & bit == 0 {
            return None;
        }
        let below = w & (bit - 1);
        let place = (w >> 16)
            + u32::from(BYTE_ONES[(below & 0xff) as usize])
            + u32::from(BYTE_ONES[(below >> 8 & 0xff) as usize]);
        Some(self.groups[place as usize])
    }
}

/// A hash table from byte strings to `u32`, built once and laid out for
/// lookups that mostly miss: a 16-bit-per-key filter answers most misses
/// alone, and each slot of an array at most half full holds the first 8
/// bytes of its key, the key's length and its value, so a hit on a key of
/// 8 bytes or fewer (most words) costs one slot load and a comparison of a
/// word. Longer keys keep bytes 8..16 in [`ByteTable::entries`] and any
/// further bytes in [`ByteTable::rest`]. `HashMap<Box<[u8]>, _>` paid a
/// pointer chase to a separately allocated key on every hit, and a third of
/// the matcher's time went there.
#[derive(Debug, Clone)]
pub(super) struct ByteTable {
    /// One bit per hash value: some key has it. Its 65,536 bits (8 KB)
    /// stay in the first-level cache and answer most misses alone: 16 or
    /// more bits a key for each table of the default lexicons (the largest
    /// has under 4,096 keys). The size is fixed so that indexing it needs
    /// no bounds check; a table of many more keys gets more false hits,
    /// each then looked up in the slots.
    filter: Box<[u64; FILTER_WORDS]>,
    slots: Vec<Slot>,
    entries: Vec<Entry>,
    /// Bytes past the first 16 of long keys.
    rest: Vec<u8>,
}

/// A slot of [`ByteTable`]: empty when `len` is 0 (keys are never empty).
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    /// The key's first 8 bytes, zero-padded.
    k0: u64,
    len: u32,
    /// The key's value, or for a key over 8 bytes its index in
    /// [`ByteTable::entries`].
    value: u32,
}

/// The rest of a key over 8 bytes.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Bytes 8..16, zero-padded.
    k1: u64,
    /// Where bytes 16.. of the key are in [`ByteTable::rest`].
    rest: u32,
    value: u32,
}

/// Folded multiply: the high and low halves of a 128-bit product, mixed.
#[inline(always)]
fn mix(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// `n` (at most 8) bytes of `b` from `at` as a little-endian word,
/// zero-padded: one unaligned load and a mask, unless the text ends within
/// 8 bytes. `n` is never 0 (keys, runs and patterns are never empty), so
/// the mask needs no test for it: that test was 0.5% of the instructions
/// of scoring a sentence.
#[inline(always)]
fn load(b: &[u8], at: usize, n: usize) -> u64 {
    debug_assert!(n > 0, "keys, runs and patterns are never empty");
    let w = match b.get(at..at + 8) {
        Some(c) => u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]),
        None => load_tail(b, at, n),
    };
    w & (u64::MAX >> (64 - 8 * n.min(8)))
}

#[cold]
fn load_tail(b: &[u8], at: usize, n: usize) -> u64 {
    let mut x = [0u8; 8];
    let n = n.min(8).min(b.len().saturating_sub(at));
    x[..n].copy_from_slice(&b[at..at + n]);
    u64::from_le_bytes(x)
}

const SEED: [u64; 3] = [
    0x243f_6a88_85a3_08d3,
    0x1319_8a2e_0370_7344,
    0xa409_3822_299f_31d0,
];

/// Words of [`ByteTable::filter`].
const FILTER_WORDS: usize = 1024;

impl Default for ByteTable {
    fn default() -> ByteTable {
        ByteTable::new(std::iter::empty())
    }
}

impl ByteTable {
    /// The table of `keys` (distinct, none empty) with their values.
    pub(super) fn new<'k>(keys: impl ExactSizeIterator<Item = (&'k [u8], u32)>) -> ByteTable {
        let size = (keys.len() * 2).next_power_of_two().max(16);
        let mut t = ByteTable {
            filter: Box::new([0; FILTER_WORDS]),
            slots: vec![Slot::default(); size],
            entries: Vec::new(),
            rest: Vec::new(),
        };
        for (key, value) in keys {
            assert!(!key.is_empty(), "ByteTable keys are never empty");
            let ((k0, k1), h) = Self::hash(key, 0, key.len());
            let mut i = h as usize & (size - 1);
            while t.slots[i].len != 0 {
                i = (i + 1) & (size - 1);
            }
            let value = if key.len() <= 8 {
                value
            } else {
                t.entries.push(Entry {
                    k1,
                    rest: t.rest.len() as u32,
                    value,
                });
                t.rest.extend_from_slice(key.get(16..).unwrap_or_default());
                t.entries.len() as u32 - 1
            };
            t.slots[i] = Slot {
                k0,
                len: key.len() as u32,
                value,
            };
            let bit = t.filter_bit(h);
            t.filter[bit / 64] |= 1 << (bit % 64);
        }
        t
    }

    /// The bit of [`ByteTable::filter`] for hash `h`: high bits, which the
    /// slot number (the low bits) does not use.
    #[inline(always)]
    fn filter_bit(&self, h: u64) -> usize {
        (h >> 40) as usize & (FILTER_WORDS * 64 - 1)
    }

    /// The first 16 bytes of the key `b[s..s + n]` as two words, and its hash.
    #[inline(always)]
    fn hash(b: &[u8], s: usize, n: usize) -> ((u64, u64), u64) {
        let k0 = load(b, s, n);
        let k1 = if n > 8 { load(b, s + 8, n - 8) } else { 0 };
        let mut h = mix(k0 ^ SEED[0], k1 ^ SEED[1] ^ n as u64);
        if n > 16 {
            h = Self::hash_rest(h, b, s, n);
        }
        ((k0, k1), h)
    }

    #[cold]
    fn hash_rest(mut h: u64, b: &[u8], s: usize, n: usize) -> u64 {
        let mut at = s + 16;
        while at < s + n {
            let left = s + n - at;
            let k1 = if left > 8 {
                load(b, at + 8, left - 8)
            } else {
                0
            };
            h = mix(h ^ load(b, at, left), k1 ^ SEED[2]);
            at += 16;
        }
        h
    }

    /// The value of the key `b[s..e]`. (Bytes of `b` past `e` may be read,
    /// never used: they make the common case two plain loads.)
    #[inline(always)]
    pub(super) fn get(&self, b: &[u8], s: usize, e: usize) -> Option<u32> {
        let ((k0, k1), h) = Self::hash(b, s, e - s);
        self.find(k0, k1, h, b, s, e)
    }

    /// [`ByteTable::get`] for the key `b[s..e]` of ASCII bytes, at most 16,
    /// with its capitals lower-cased: no copy of the key, the two words of
    /// it are lower-cased as they are loaded.
    #[inline(always)]
    pub(super) fn get_lower(&self, b: &[u8], s: usize, e: usize) -> Option<u32> {
        let n = e - s;
        debug_assert!(n <= 16 && b[s..e].is_ascii());
        // Bit 5 set in the capitals' bytes.
        let lower = |x: u64| x | (capital_bits(x) >> 2);
        let k0 = lower(load(b, s, n));
        let k1 = if n > 8 {
            lower(load(b, s + 8, n - 8))
        } else {
            0
        };
        let h = mix(k0 ^ SEED[0], k1 ^ SEED[1] ^ n as u64);
        self.find(k0, k1, h, b, s, e)
    }

    /// The value of the key `b[s..e]`, its first 16 bytes `k0` and `k1`
    /// and its hash `h`.
    #[inline(always)]
    fn find(&self, k0: u64, k1: u64, h: u64, b: &[u8], s: usize, e: usize) -> Option<u32> {
        let n = e - s;
        let bit = self.filter_bit(h);
        if self.filter[bit / 64] & (1 << (bit % 64)) == 0 {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot.len == 0 {
                return None;
            }
            if slot.k0 == k0 && slot.len as usize == n {
                if n <= 8 {
                    return Some(slot.value);
                }
                // Keys over 8 bytes may share their first 8 and length.
                if let Some(v) = self.get_long(slot.value, k1, b, s, e) {
                    return Some(v);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// The value of entry `en` if the key `b[s..e]` (over 8 bytes, its
    /// first 8 and length already found equal) matches the rest of it.
    fn get_long(&self, en: u32, k1: u64, b: &[u8], s: usize, e: usize) -> Option<u32> {
        let en = &self.entries[en as usize];
        let n = e - s;
        let rest_ok = n <= 16
            || self.rest.get(en.rest as usize..en.rest as usize + n - 16) == Some(&b[s + 16..e]);
        (en.k1 == k1 && rest_ok).then_some(en.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::norm::tokens_into;

    /// The definition the index must meet, by brute force: every pattern at
    /// every word boundary, kept when it ends at a word boundary or is a stem
    /// (the index leaves out the rest, which no caller can use).
    fn reference(patterns: &[String], stems: &[bool], text: &str) -> Vec<(usize, usize, usize)> {
        let word_before = |i: usize| text[..i].chars().next_back().is_some_and(is_word_char);
        let word_at = |i: usize| text[i..].chars().next().is_some_and(is_word_char);
        let mut out = Vec::new();
        for (s, _) in text.char_indices() {
            if word_before(s) && word_at(s) {
                continue;
            }
            let mut here: Vec<(usize, usize, usize)> = patterns
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.is_empty() && text[s..].starts_with(p.as_str()))
                .map(|(i, p)| (s, s + p.len(), i))
                .collect();
            here.sort_by_key(|m| m.1);
            out.extend(here);
        }
        out.retain(|&(_, e, p)| stems[p] || !(word_before(e) && word_at(e)));
        out
    }

    thread_local! {
        /// Set: [`force_wide`].
        pub(super) static FORCE_WIDE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    fn index_finds(patterns: &[String], stems: &[bool], text: &str) -> Vec<(usize, usize, usize)> {
        let index = WordIndex::new(patterns.to_vec(), |p| stems[p]);
        let mut out = Vec::new();
        let mut toks = Vec::new();
        let joined = tokens_into(text, &mut toks);
        index.find(text, &toks, joined, &mut Vec::new(), &mut out);
        // The path for texts of 4 GiB or more finds the same.
        let mut wide = Vec::new();
        FORCE_WIDE.set(true);
        index.find(text, &toks, joined, &mut Vec::new(), &mut wide);
        FORCE_WIDE.set(false);
        assert_eq!(out, wide, "{text:?}");
        let word_before = |i: usize| text[..i].chars().next_back().is_some_and(is_word_char);
        let word_at = |i: usize| text[i..].chars().next().is_some_and(is_word_char);
        out.retain(|&(_, e, p)| stems[p] || !(word_before(e) && word_at(e)));
        out
    }

    #[test]
    fn finds_words_phrases_stems_tails_and_odd_patterns() {
        let pats = [
            "talk",
            "peace talk",
            "peace",
            "u.s.",
            "u.s",
            "negotiat",
            "nation's",
            "'puppet'",
            "ab",
            "x",
            "united nations security council",
        ];
        let patterns: Vec<String> = pats.iter().map(|s| s.to_string()).collect();
        let stems: Vec<bool> = pats
            .iter()
            .map(|p| matches!(*p, "peace talk" | "negotiat" | "x"))
            .collect();
        for text in [
            "the u.s. and the nation's peace talks, negotiations",
            "called them 'puppet' forces; talk of peace talking",
            "xylophone x ab abc united nations security council members",
            "é u.s talks",
            "peace talk. peace talk",
        ] {
            let got = index_finds(&patterns, &stems, text);
            assert_eq!(got, reference(&patterns, &stems, text), "{text}");
            assert!(!got.is_empty());
        }
        // Spot checks of what the reference means.
        let text = "peace talks negotiations";
        let got = index_finds(&patterns, &stems, text);
        let found: Vec<&str> = got.iter().map(|&(s, e, _)| &text[s..e]).collect();
        assert_eq!(found, ["peace", "peace talk", "negotiat"]);
    }

    #[test]
    fn long_keys_and_tail_bytes_of_the_text() {
        // Keys over 16 bytes take the long path; a key at the very end of
        // the text takes the padded load.
        let pats = ["internationalisation", "internationalisation process", "ok"];
        let patterns: Vec<String> = pats.iter().map(|s| s.to_string()).collect();
        let stems = vec![false; 3];
        for text in [
            "internationalisation",
            "the internationalisation process ok",
            "ok",
        ] {
            assert_eq!(
                index_finds(&patterns, &stems, text),
                reference(&patterns, &stems, text),
                "{text}"
            );
        }
    }

    #[test]
    fn table_keys_sharing_their_first_bytes() {
        // Keys of one length that differ only past byte 8, or past byte 16,
        // sit in the same probe runs: each must find its own value.
        let mut keys: Vec<Vec<u8>> = Vec::new();
        for i in 0..40u8 {
            keys.push(format!("abcdefgh{}", (b'a' + i % 26) as char).into_bytes());
            keys.push(format!("abcdefghijklmnop{i:02}").into_bytes());
            keys.push(vec![b'x'; 1 + i as usize]);
        }
        keys.sort();
        keys.dedup();
        let t = ByteTable::new(keys.iter().enumerate().map(|(i, k)| (&k[..], i as u32)));
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(t.get(k, 0, k.len()), Some(i as u32), "{k:?}");
            // The same key inside a longer text.
            let text = [b"-".as_slice(), k, b"-"].concat();
            assert_eq!(t.get(&text, 1, 1 + k.len()), Some(i as u32));
        }
        for miss in [
            "abcdefgh",
            "abcdefghA",
            "abcdefghijklmnop99",
            "abcdefghijklmnop0",
            "y",
        ] {
            assert_eq!(t.get(miss.as_bytes(), 0, miss.len()), None, "{miss}");
        }
        assert_eq!(t.get(&[b'x'; 41], 0, 41), None);
    }

    #[test]
    fn stems_whose_keys_share_their_low_bits() {
        // 'p' and '0', 'q' and '1', 'A' and 'a' share their low five bits,
        // so these stems share a group of the stem index, and only the
        // full comparison tells them apart.
        let patterns: Vec<String> = ["pab", "0ab", "qa1", "1a1", "pabst"]
            .map(String::from)
            .to_vec();
        let stems = [true, true, true, true, true];
        for text in [
            "pabs 0abs qa1x 1a1x pabstx",
            "0abx pa 0a pabs",
            "PABS pab1 1a1",
        ] {
            let found = index_finds(&patterns, &stems, text);
            assert_eq!(found, reference(&patterns, &stems, text), "{text:?}");
        }
        let found = index_finds(&patterns, &stems, "0abs pabstx qa1");
        assert_eq!(found, vec![(0, 3, 1), (5, 8, 0), (5, 10, 4), (12, 15, 2)]);
    }

    #[test]
    fn every_kind_of_match_from_one_word_comes_out_by_end() {
        // From "ne" of "negotiations": stems shorter than STEM_KEY bytes,
        // longer ones, the word itself, a phrase with trailing characters
        // and stems into the next word; no sort puts them in order (a
        // debug assertion checks that they are).
        let pats = [
            "n",
            "ne",
            "neg",
            "negotiat",
            "negotiations",
            "negotiations.",
            "negotiations resum",
            "negotiations r",
            "negotiations resumed",
        ];
        let patterns: Vec<String> = pats.map(String::from).to_vec();
        let stems: Vec<bool> = pats.iter().map(|p| !p.ends_with(['s', 'd', '.'])).collect();
        for text in [
            "negotiations resumed",
            "negotiations. resumed",
            "negotiations resuming, negotiat",
        ] {
            let found = index_finds(&patterns, &stems, text);
            assert!(
                found.is_sorted_by_key(|&(s, e, _)| (s, e)),
                "{text:?}: {found:?}"
            );
            assert_eq!(found, reference(&patterns, &stems, text), "{text:?}");
        }
        let found = index_finds(&patterns, &stems, "negotiations resumed");
        let ends: Vec<usize> = found.iter().map(|&(_, e, _)| e).collect();
        assert_eq!(ends, [1, 2, 3, 8, 12, 14, 18, 20]);
    }

    #[test]
    fn stems_told_apart_by_their_fourth_byte() {
        // Three stems of key "con" and one of three bytes: a word's fourth
        // byte rules out the group only where no stem of it can match.
        let patterns: Vec<String> = ["cond", "conf", "con0", "cut"].map(String::from).to_vec();
        let stems = [true; 4];
        let text = "continue condemned confront conp0 con0s conts cutting cut cuts";
        let found = index_finds(&patterns, &stems, text);
        assert_eq!(found, reference(&patterns, &stems, text));
        let starts: Vec<&str> = found.iter().map(|&(s, e, _)| &text[s..e]).collect();
        assert_eq!(starts, ["cond", "conf", "con0", "cut", "cut", "cut"]);
    }

    #[test]
    fn stem_index_finds_each_key_and_only_those() {
        // Keys at the ends of the set and of its 16-bit words, runs of
        // neighbours, and a word with all sixteen set: every one of the
        // 32,768 keys gives its own group or none.
        let mut keys: Vec<usize> = vec![0, 1, 15, 16, 17, 31, 32, 1023, 1024, 32_767];
        keys.extend(4096..4112);
        keys.extend((5000..9000).step_by(7));
        keys.sort_unstable();
        keys.dedup();
        let group = |n: usize| StemGroup {
            start: n as u32,
            end: n as u32 + 1,
            fourth: 0,
        };
        let index = StemIndex::new(keys.iter().enumerate().map(|(n, &k)| (k, group(n))));
        for k in 0..StemIndex::KEYS {
            // The three bytes of key `k` (their low five bits are the key).
            let (a, b, c) = ((k >> 10) as u8, (k >> 5 & 31) as u8, (k & 31) as u8);
            assert_eq!(StemIndex::key(a | 0x40, b | 0x60, c | 0x20), k);
            let got = index.get(a | 0x40, b | 0x60, c | 0x20).map(|g| g.start);
            let want = keys.binary_search(&k).ok().map(|n| n as u32);
            assert_eq!(got, want, "key {k}");
        }
    }

    proptest::proptest! {
        // Cases are tiny; many are needed to meet every kind of overlap.
        #![proptest_config(proptest::test_runner::Config::with_cases(4000))]
        #[test]
        fn same_as_brute_force(
            pats in proptest::collection::vec(
                (proptest::collection::vec(
                    proptest::sample::select(vec!["a", "ab", "abc", "b", "ba", "é", "1"]), 1..4),
                 proptest::sample::select(vec![" ", ".", "'", ". "]),
                 proptest::sample::select(vec!["", ".", "'"]),
                 proptest::bool::ANY),
                1..12),
            words in proptest::collection::vec(
                (proptest::sample::select(vec!["a", "ab", "abc", "abcd", "b", "ba", "bab", "é", "éa", "1", "a1"]),
                 proptest::sample::select(vec![" ", ".", "'", ". ", ", ", " '", "'s "])),
                0..14),
        ) {
            let mut patterns = Vec::new();
            let mut stems = Vec::new();
            for (ws, sep, tail, stem) in &pats {
                let p = format!("{}{}", ws.join(sep), tail);
                if !patterns.contains(&p) {
                    stems.push(*stem && tail.is_empty());
                    patterns.push(p);
                }
            }
            let text: String = words.iter().map(|(w, s)| format!("{w}{s}")).collect();
            proptest::prop_assert_eq!(
                index_finds(&patterns, &stems, &text),
                reference(&patterns, &stems, &text)
            );
        }

        /// Texts of up to 200 words: past the 64 runs whose heads
        /// `find_in_runs` looks up ahead, and with phrases crossing that
        /// point; with no stem shorter than [`STEM_KEY`], as in the default
        /// lexicons.
        #[test]
        fn same_as_brute_force_across_chunks(
            pats in proptest::collection::vec(
                (proptest::collection::vec(
                    proptest::sample::select(vec!["ab", "abc", "abcd", "ba", "bab", "éa", "a1", "talk", "pab", "0ab"]), 1..4),
                 proptest::sample::select(vec![" ", ".", " "]),
                 proptest::bool::ANY),
                1..10),
            words in proptest::collection::vec(
                (proptest::sample::select(vec![
                    "a", "ab", "abc", "abcd", "abcde", "b", "ba", "bab", "babs", "éa", "a1",
                    "talk", "talks", "talkative", "internationalisation",
                    // Keys of the same low five bits ('p' and '0').
                    "pab", "pabs", "0abs", "0ab1",
                    // Same first three bytes as a stem, another fourth.
                    "talc", "talcs", "tal0s", "abce"]),
                 proptest::sample::select(vec![" ", ".", "'", ". ", ", ", "'s "])),
                0..200),
        ) {
            let mut patterns = Vec::new();
            let mut stems = Vec::new();
            for (ws, sep, stem) in &pats {
                let p = ws.join(sep);
                if !patterns.contains(&p) {
                    stems.push(*stem && p.len() >= STEM_KEY);
                    patterns.push(p);
                }
            }
            let text: String = words.iter().map(|(w, s)| format!("{w}{s}")).collect();
            proptest::prop_assert_eq!(
                index_finds(&patterns, &stems, &text),
                reference(&patterns, &stems, &text)
            );
        }
    }
}
