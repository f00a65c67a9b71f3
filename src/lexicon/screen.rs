//! A cheap test that a sentence names no actor. See [`ActorScreen`].

use rustc_hash::FxHashMap as HashMap;

use super::{Alias, CaseRule, Modifier, ModifierKind};
use crate::text::norm::{
    HI, LO, block_words, fold, fold_ascii_byte, gather_high_bits, tail_words,
    word_and_apostrophe_bits,
};

/// Longest key run: a pattern with no shorter run sets [`ActorScreen::always`].
const MAX_KEY: usize = 48;

/// Says, for a fraction of the cost of [`Lexicons::find`](super::Lexicons::find),
/// that a sentence cannot name an actor: no alias of `actors.csv` and, for
/// a document with a speaker, no first-person modifier (`self` in
/// `modifiers.csv`) can match in it. The pipeline then skips scoring it,
/// since only sentences that name an actor reach a table.
///
/// Every alias is keyed by one of its runs of letters and digits:
///
/// * An alias whose case rule (`cap`, `exact`) needs a capital keeps the
///   longest run that holds one ("korea" of `north Korea`). Where the alias
///   matches, the text's run there has a capital too, so only the text's
///   runs with a capital are looked up for these keys: in running text,
///   about one word in ten.
/// * Any other alias (case `any`, or no capital) keeps its longest run,
///   looked up at every run of the text, after a test of the run's length
///   and first byte that rules most runs out.
///
/// A run that is a key is then checked against each alias keyed by it: the
/// folded alias must stand in the text around the run. The answer is a
/// superset: "may name an actor" is true wherever [`Lexicons::find`](super::Lexicons::find)
/// finds an alias (or, with a speaker, a first-person modifier), and for
/// any sentence with characters beyond ASCII; a property test holds it to
/// that.
#[derive(Debug, Clone, Default)]
pub(super) struct ActorScreen {
    /// Key run (folded) of an alias needing a capital → range of `checks`.
    capped: HashMap<Box<[u8]>, (u32, u32)>,
    /// Key run of any other alias or first-person modifier → range of `checks`.
    plain: HashMap<Box<[u8]>, (u32, u32)>,
    /// Bit `n` (at most 63) of `[b & 31]` set: some `plain` key of an
    /// alias is `n` bytes long and starts with a byte `c` with `c & 31 ==
    /// b & 31` (`b` a letter or digit): two loads and a shift rule most runs
    /// of the text out.
    plain_shapes: [u64; 32],
    /// The same for keys of aliases and first-person modifiers.
    plain_shapes_self: [u64; 32],
    checks: Vec<Check>,
    /// Some alias has no run at all: every sentence passes.
    always: bool,
}

/// An alias (or first-person modifier) to look for around a key run.
#[derive(Debug, Clone)]
struct Check {
    /// The folded pattern.
    pattern: Box<[u8]>,
    /// Where its key run starts in it.
    key_at: usize,
    /// A first-person modifier: counts only for a document with a speaker.
    self_ref: bool,
}

/// Byte ranges of the runs of ASCII letters and digits in `b`.
fn ascii_runs(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &c) in b.iter().enumerate() {
        match (c.is_ascii_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(a)) => {
                out.push((a, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(a) = start {
        out.push((a, b.len()));
    }
    out
}

impl ActorScreen {
    pub(super) fn new(aliases: &[Alias], modifiers: &[Modifier]) -> ActorScreen {
        // Every pattern to screen for: (folded pattern, where the alias
        // needs a capital if it does, first-person modifier). A pattern
        // beyond ASCII never matches an ASCII sentence, and the screen
        // passes every other sentence, so it needs no key.
        let mut patterns: Vec<(String, Option<Vec<bool>>, bool)> = Vec::new();
        for a in aliases {
            let pattern = fold(&a.surface);
            // Where the alias needs a capital, if its case form lines up
            // with the folded pattern byte for byte.
            let case_form: String = a.case_form.iter().collect();
            let capitals = (a.case != CaseRule::Any
                && case_form.is_ascii()
                && case_form.len() == pattern.len())
            .then(|| case_form.bytes().map(|b| b.is_ascii_uppercase()).collect());
            patterns.push((pattern, capitals, false));
        }
        for m in modifiers.iter().filter(|m| m.kind == ModifierKind::SelfRef) {
            patterns.push((fold(&m.word), None, true));
        }
        patterns.retain(|(p, _, _)| p.is_ascii());
        // How many patterns each run is part of: the key of a pattern is its
        // run shared with the fewest others ("korea" rather than "republic"
        // in `Republic of Korea`), so that a key found in the text has few
        // patterns to check, and runs of one or two letters ("u" of `U.S.`,
        // also a common word's length) only when there is no other.
        let mut shared: HashMap<&[u8], u32> = HashMap::default();
        for (p, _, _) in &patterns {
            let p = p.as_bytes();
            let mut runs: Vec<&[u8]> = ascii_runs(p).iter().map(|&(a, e)| &p[a..e]).collect();
            runs.sort_unstable();
            runs.dedup();
            for r in runs {
                *shared.entry(r).or_default() += 1;
            }
        }
        // (capped, key, check), in lexicon order.
        let mut keyed: Vec<(bool, Box<[u8]>, Check)> = Vec::new();
        let mut always = false;
        for (pattern, capitals, self_ref) in &patterns {
            let p = pattern.as_bytes();
            let best = |runs: &mut dyn Iterator<Item = (usize, usize)>| {
                runs.min_by_key(|&(a, e)| (e - a < 3, shared[&p[a..e]], usize::MAX - (e - a), a))
            };
            let runs = ascii_runs(p);
            let capped = capitals.as_ref().and_then(|caps| {
                best(
                    &mut runs
                        .iter()
                        .copied()
                        .filter(|&(a, e)| caps[a..e].contains(&true)),
                )
            });
            let (is_capped, run) = match capped {
                Some(r) => (true, Some(r)),
                None => (false, best(&mut runs.iter().copied())),
            };
            let Some((a, e)) = run.filter(|&(a, e)| e - a <= MAX_KEY) else {
                always = true; // nothing to key it by
                continue;
            };
            keyed.push((
                is_capped,
                p[a..e].into(),
                Check {
                    pattern: p.into(),
                    key_at: a,
                    self_ref: *self_ref,
                },
            ));
        }
        // Group the checks by key; the same pattern (several rows, dates
        // or case rules) is checked once.
        fn order(x: &(bool, Box<[u8]>, Check)) -> (bool, &[u8], &[u8], usize, bool) {
            let c = &x.2;
            (x.0, &x.1, &c.pattern, c.key_at, c.self_ref)
        }
        keyed.sort_unstable_by(|x, y| order(x).cmp(&order(y)));
        keyed.dedup_by(|x, y| order(x) == order(y));
        let mut screen = ActorScreen {
            always,
            ..ActorScreen::default()
        };
        for (capped, key, check) in keyed {
            if !capped {
                let bit = 1 << key.len().min(63);
                screen.plain_shapes_self[usize::from(key[0] & 31)] |= bit;
                if !check.self_ref {
                    screen.plain_shapes[usize::from(key[0] & 31)] |= bit;
                }
            }
            let map = if capped {
                &mut screen.capped
            } else {
                &mut screen.plain
            };
            let n = screen.checks.len() as u32;
            let range = map.entry(key).or_insert((n, n));
            range.1 = n + 1;
            screen.checks.push(check);
        }
        screen
    }

    /// False only if no alias, and with `speaker` no first-person
    /// modifier, can match in `sentence`.
    pub(super) fn may_name_actor(&self, sentence: &str, speaker: bool) -> bool {
        let b = sentence.as_bytes();
        if self.always {
            return true;
        }
        let mut word = [0u64; MASK_WORDS + 1];
        let mut upper = [0u64; MASK_WORDS + 1];
        let Some(n) = run_masks(b, &mut word, &mut upper) else {
            // Longer than the masks hold, or beyond ASCII.
            return !b.is_ascii() || self.may_name_actor_bytes(b, speaker);
        };
        // Each run of `word`: its start `s` is the next set bit, its end
        // `e` the next clear one (`word[n]` is 0, so there always is one).
        let (mut k, mut m) = (0, word[0]);
        loop {
            while m == 0 {
                k += 1;
                if k >= n {
                    return false;
                }
                m = word[k];
            }
            let s = k * 64 + m.trailing_zeros() as usize;
            let mut kk = k;
            let mut c = !m & (u64::MAX << (s % 64));
            while c == 0 {
                kk += 1;
                c = !word[kk];
            }
            let e = kk * 64 + c.trailing_zeros() as usize;
            // Capitals in s..e: from the start's bit in its block, every
            // block after it, and the end's block below the end's bit. (If
            // the run ends in its own block, the end's bit is in 1..=63.)
            let from_start = u64::MAX << (s % 64);
            let below_end = (1u64 << (e % 64)).wrapping_sub(1);
            let up = if kk == k {
                upper[k] & from_start & below_end != 0
            } else {
                upper[k] & from_start != 0
                    || upper[k + 1..kk].iter().any(|&u| u != 0)
                    || upper[kk] & below_end != 0
            };
            if self.run_may_name_actor(b, s, e, up, speaker) {
                return true;
            }
            (k, m) = (kk, word[kk] & (u64::MAX << (e % 64)));
        }
    }

    /// [`ActorScreen::may_name_actor`] for ASCII text, a byte at a time:
    /// for sentences longer than the masks hold, and the reference the mask
    /// version is tested against.
    fn may_name_actor_bytes(&self, b: &[u8], speaker: bool) -> bool {
        let mut i = 0;
        while i < b.len() {
            if !b[i].is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let start = i;
            let mut upper = false;
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                upper |= b[i].is_ascii_uppercase();
                i += 1;
            }
            if self.run_may_name_actor(b, start, i, upper, speaker) {
                return true;
            }
        }
        false
    }

    /// Whether an alias (or first-person modifier) may match around the
    /// run `b[s..e]` of the ASCII text `b`, which has a capital if `upper`.
    #[inline(always)]
    fn run_may_name_actor(&self, b: &[u8], s: usize, e: usize, upper: bool, speaker: bool) -> bool {
        let n = e - s;
        let shapes = if speaker {
            &self.plain_shapes_self
        } else {
            &self.plain_shapes
        };
        let plain = shapes[usize::from(b[s] & 31)] & (1 << n.min(63)) != 0;
        if !upper && !plain {
            return false;
        }
        if n > MAX_KEY {
            return false; // no key is that long: longer patterns set `always`
        }
        let mut buf = [0u8; MAX_KEY];
        for (k, &c) in buf.iter_mut().zip(&b[s..e]) {
            *k = c.to_ascii_lowercase();
        }
        let key = &buf[..n];
        let found = |map: &HashMap<Box<[u8]>, (u32, u32)>| {
            map.get(key).is_some_and(|&(x, y)| {
                self.checks[x as usize..y as usize]
                    .iter()
                    .any(|c| (speaker || !c.self_ref) && c.stands_at(b, s))
            })
        };
        (upper && found(&self.capped)) || (plain && found(&self.plain))
    }
}

/// 64-byte blocks the masks of [`run_masks`] hold.
const MASK_WORDS: usize = 72;

/// Bit masks of `b`, bit `i % 64` of `word[i / 64]` for byte `i`: ASCII
/// letters and digits in `word`, capitals in `upper`. The number of mask
/// words used, or `None` if `b` has a byte beyond ASCII or is longer than
/// the masks (which must have room for one more word, left 0).
fn run_masks(b: &[u8], word: &mut [u64], upper: &mut [u64]) -> Option<usize> {
    let n = b.len().div_ceil(64);
    if n >= word.len() {
        return None;
    }
    let mut high = 0u64;
    let mut block = |k: usize, words: &[u64]| {
        let (mut w, mut u) = (0u64, 0u64);
        for (j, &x) in words.iter().enumerate() {
            high |= x;
            w |= gather_high_bits(word_and_apostrophe_bits(x).0) << (8 * j);
            // Bit 7 set where the byte is at least b'A' and not past b'Z'.
            let capital = x.wrapping_add(0x3F * LO) & !x.wrapping_add(0x25 * LO) & HI;
            u |= gather_high_bits(capital) << (8 * j);
        }
        word[k] = w;
        upper[k] = u;
    };
    let (blocks, _) = b.as_chunks::<64>();
    for (k, c) in blocks.iter().enumerate() {
        block(k, &block_words(c));
    }
    let (tail, tail_len) = tail_words(b);
    if tail_len > 0 {
        block(blocks.len(), &tail[..tail_len]);
    }
    (high & HI == 0).then_some(n)
}

impl Check {
    /// The folded pattern stands in the ASCII text `b` with its key run at
    /// byte `run`.
    fn stands_at(&self, b: &[u8], run: usize) -> bool {
        let Some(s) = run.checked_sub(self.key_at) else {
            return false;
        };
        b.get(s..s + self.pattern.len()).is_some_and(|t| {
            t.iter()
                .zip(self.pattern.iter())
                .all(|(&x, &p)| fold_ascii_byte(x) == p)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DocDate, Lexicons, Scorer};
    use proptest::prelude::*;
    use std::sync::LazyLock;

    static LEX: LazyLock<Lexicons> =
        LazyLock::new(|| Lexicons::defaults().expect("the default lexicons load"));

    fn screen(s: &str, speaker: bool) -> bool {
        LEX.may_name_actor(s, speaker)
    }

    /// What the screen stands in for: the sentence, scored in full, names
    /// an actor, on any date (the screen ignores alias dates), with or
    /// without a speaker (index 0, any actor will do).
    fn names_actor(s: &str, speaker: bool) -> bool {
        let scorer = Scorer::new(&LEX);
        let speaker = speaker.then_some(0);
        [
            None,
            DocDate::parse("1985-06-01"),
            DocDate::parse("2019-05-01"),
        ]
        .into_iter()
        .any(|d| {
            !scorer
                .score_sentence_as(s, d, speaker)
                .matches
                .actors
                .is_empty()
        })
    }

    #[test]
    fn actors_pass_and_plain_sentences_do_not() {
        for s in [
            "North Korea fired a missile on Tuesday.",
            "NORTH KOREA FIRED A MISSILE.",
            "The talks in Washington ended.",
            "He met the south Korean puppet authorities.", // case `any`
            "Türkiye said nothing.",                       // beyond ASCII: always passes
        ] {
            assert!(screen(s, false), "{s}");
        }
        for s in [
            "The weather was fine.",
            "Member States met in the hall.", // "States" alone names no one
            "north korea fired a missile.",   // `cap` aliases need their capitals
            "",
            "...",
        ] {
            assert!(!screen(s, false), "{s}");
            assert!(!names_actor(s, false), "{s}");
        }
    }

    #[test]
    fn first_person_words_pass_only_with_a_speaker() {
        let s = "We regret this decision.";
        assert!(!screen(s, false));
        assert!(screen(s, true));
        assert!(names_actor(s, true));
        assert!(screen("It is my delegation's view.", true));
    }

    #[test]
    fn runs_across_blocks_and_long_sentences() {
        // "Korea" straddling the 64-byte blocks of the masks, at each offset.
        for pad in 55..70 {
            let s = format!("{} North Korea said.", "a".repeat(pad));
            assert!(screen(&s, false), "pad {pad}");
            let s = format!("{} north korea said.", "b ".repeat(pad));
            assert!(!screen(&s, false), "pad {pad}");
        }
        // Longer than the masks hold: the byte loop decides, the same way.
        let filler = "the delegates spoke at length about the weather, ".repeat(120);
        assert!(filler.len() > MASK_WORDS * 64);
        assert!(!screen(&filler, false));
        assert!(screen(&format!("{filler}and then Japan spoke."), false));
        // A run longer than any key is none of them.
        assert!(!screen(&format!("K{}", "x".repeat(MAX_KEY)), false));
    }

    /// Pieces of sentences: aliases (picked by index) and words near them.
    fn piece() -> impl Strategy<Value = String> {
        let n = LEX.aliases().len();
        prop_oneof![
            3 => (0..n).prop_map(|i| LEX.aliases()[i].surface.clone()),
            3 => prop::sample::select(vec![
                "the", "talks", "Member", "States", "Republic", "of", "President", "we",
                "our", "my", "delegation", "government", "U", "S", "N", "Korea", "korean",
                "puppet", "south", "North", "army", "I", "a", "Minister", "said", "Mr",
            ])
            .prop_map(String::from),
            1 => "[A-Za-z0-9]{1,12}",
        ]
    }

    fn sentence() -> impl Strategy<Value = String> {
        let cased = (piece(), 0..4u8).prop_map(|(p, c)| match c {
            0 => p.to_lowercase(),
            1 => p.to_uppercase(),
            2 => {
                let mut cs = p.chars();
                cs.next()
                    .map(|f| f.to_uppercase().chain(cs).collect())
                    .unwrap_or_default()
            }
            _ => p,
        });
        let sep = prop::sample::select(vec![
            " ", " ", " ", ", ", "-", "'", "'s ", ". ", "\t", " (", "`", "  ", "\"",
        ]);
        prop::collection::vec((cased, sep), 1..12).prop_map(|v| {
            v.into_iter()
                .flat_map(|(p, s)| [p, s.to_string()])
                .collect::<String>()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Never says "no actor" where the full scoring finds one.
        #[test]
        fn no_actor_means_none_is_found(s in sentence(), speaker in any::<bool>()) {
            if !screen(&s, speaker) {
                prop_assert!(!names_actor(&s, speaker), "screened out: {s:?} (speaker {speaker})");
            }
        }

        /// The 64-byte masks find the same runs as the byte loop.
        #[test]
        fn masks_agree_with_the_byte_loop(
            s in prop::collection::vec(
                prop_oneof![
                    3 => "[a-z]{1,9}",
                    1 => "[A-Z][a-z]{0,8}",
                    1 => "[ .,'0-9-]{1,3}",
                    1 => sentence(),
                ],
                0..60,
            ).prop_map(|v| v.join(" ")),
            speaker in any::<bool>(),
        ) {
            let sc = &LEX.screen;
            // The byte loop is for ASCII text; any other passes.
            let bytes = !s.is_ascii() || sc.may_name_actor_bytes(s.as_bytes(), speaker);
            prop_assert_eq!(sc.may_name_actor(&s, speaker), bytes);
        }
    }
}
