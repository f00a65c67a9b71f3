//! A cheap test that a sentence names no actor. See [`ActorScreen`].

use rustc_hash::FxHashMap as HashMap;

use super::matcher::{ByteTable, runs};
use super::{Alias, CaseRule, Modifier, ModifierKind};
use crate::text::norm::{Block, fold, fold_ascii_byte};

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
/// * An alias whose case rule (`cap`, `exact`) needs a capital is keyed by
///   a run that holds one, the one fewest other aliases share ("korea" of
///   `Republic of Korea`, not "republic"). Where the alias matches, the
///   text's run there has a capital too, so these keys are looked up only
///   at the text's runs with a capital: in running text, about one word in
///   ten, found from a bit mask of the capitals.
/// * Any other alias (case `any`, or no capital), and with a speaker each
///   first-person modifier, is keyed by the run most such patterns share
///   ("puppet" of the twenty `… puppet …` aliases), looked up at the text's
///   runs whose first letter and length are those of such a key.
///
/// A run that is a key is then checked against each alias keyed by it: the
/// folded alias must stand in the text around the run. The answer is a
/// superset: "may name an actor" is true wherever [`Lexicons::find`](super::Lexicons::find)
/// finds an alias (or, with a speaker, a first-person modifier), and for
/// any sentence with characters beyond ASCII; a property test holds it to
/// that.
#[derive(Debug, Clone, Default)]
pub(super) struct ActorScreen {
    /// Key run (folded) of an alias needing a capital → index of `groups`.
    capped: ByteTable,
    /// Key run of any other alias or first-person modifier → index of `groups`.
    plain: ByteTable,
    /// Ranges of `checks` with the same key.
    groups: Vec<(u32, u32)>,
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

/// Words too common in running text to key a pattern by when it has
/// another run: keyed by "the", "the north" would be checked at a sentence's
/// every "the" (4% more instructions on UN speeches), keyed by "north" at
/// few words.
const COMMON_RUNS: &[&[u8]] = &[b"the", b"and", b"for"];

/// A key and the range of [`ActorScreen::checks`] it leads to.
type KeyChecks = (Box<[u8]>, u32, u32);

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

/// A pattern to screen for, with its runs as the matcher cuts it.
struct Pattern {
    /// The folded pattern.
    text: String,
    /// Byte ranges of its runs of letters and digits.
    runs: Vec<(usize, usize)>,
    /// Those of its runs that hold a capital it needs.
    capped: Vec<(usize, usize)>,
    /// A first-person modifier.
    self_ref: bool,
}

impl Pattern {
    /// `None` for a pattern beyond ASCII, which never matches an ASCII
    /// sentence (and the screen passes every other sentence). `capitals`
    /// marks the bytes that must be capitals where it matches.
    fn new(text: String, capitals: Option<&[bool]>, self_ref: bool) -> Option<Pattern> {
        if !text.is_ascii() {
            return None;
        }
        let runs: Vec<(usize, usize)> = runs(&text).into_iter().map(|r| (r.start, r.end)).collect();
        let capped = capitals.map_or_else(Vec::new, |caps| {
            runs.iter()
                .copied()
                .filter(|&(a, e)| caps[a..e].contains(&true))
                .collect()
        });
        Some(Pattern {
            text,
            runs,
            capped,
            self_ref,
        })
    }
}

impl ActorScreen {
    /// The screen of `aliases`, whose folded surfaces are `folded`, and of
    /// the first-person `modifiers`. Aliases for which `no_actor` is true
    /// (the rows of kind `ignore`, which take their words for no actor)
    /// are left out: a sentence that holds one and no other names no
    /// actor, and checking them at every key they share ("united" of
    /// "members of the United Nations") would only cost time.
    pub(super) fn new(
        aliases: &[Alias],
        folded: &[String],
        modifiers: &[Modifier],
        no_actor: impl Fn(&Alias) -> bool,
    ) -> ActorScreen {
        // Every alias and first-person modifier to screen for, but those
        // beyond ASCII (see `Pattern::new`).
        let mut patterns: Vec<Pattern> = Vec::new();
        for (a, pattern) in aliases.iter().zip(folded) {
            if no_actor(a) {
                continue;
            }
            // Where the alias needs a capital, if its case form lines up
            // with the folded pattern byte for byte.
            let case_form: String = a.case_form.iter().collect();
            let capitals: Option<Vec<bool>> = (a.case != CaseRule::Any
                && case_form.is_ascii()
                && case_form.len() == pattern.len())
            .then(|| case_form.bytes().map(|b| b.is_ascii_uppercase()).collect());
            patterns.extend(Pattern::new(pattern.clone(), capitals.as_deref(), false));
        }
        // First-person pronouns too: they name the speaker when a run asks
        // for that (a screen may pass what scoring then finds no actor in).
        for m in modifiers
            .iter()
            .filter(|m| matches!(m.kind, ModifierKind::SelfRef | ModifierKind::FirstPerson))
        {
            patterns.extend(Pattern::new(fold(&m.word), None, true));
        }
        // How many patterns each run is part of, among those keyed by a
        // capital (`shared`) and the others (`shared_plain`). A pattern
        // with a capital is keyed by its run shared with the fewest others
        // ("korea" rather than "republic" in `Republic of Korea`), so that a
        // key found in the text has few patterns to check; any other by its
        // run shared with the most (`puppet` of all the `… puppet …`
        // aliases), so that few keys, looked up at every word of their
        // length and first letter, cover them. Runs of one or two letters
        // ("u" of `U.S.`, also the length of common words) and the
        // [`COMMON_RUNS`] only when there is no other.
        let mut shared: [HashMap<&[u8], u32>; 2] = [HashMap::default(), HashMap::default()];
        for pat in &patterns {
            let p = pat.text.as_bytes();
            let mut runs: Vec<&[u8]> = pat.runs.iter().map(|&(a, e)| &p[a..e]).collect();
            runs.sort_unstable();
            runs.dedup();
            for r in runs {
                *shared[usize::from(pat.capped.is_empty())]
                    .entry(r)
                    .or_default() += 1;
            }
        }
        let [shared, shared_plain] = shared;
        // (capped, key, check), in lexicon order.
        let mut keyed: Vec<(bool, Box<[u8]>, Check)> = Vec::new();
        let mut always = false;
        for pat in &patterns {
            let p = pat.text.as_bytes();
            let short = |(a, e): (usize, usize)| e - a < 3 || COMMON_RUNS.contains(&&p[a..e]);
            let longer = |(a, e): (usize, usize)| usize::MAX - (e - a);
            let capped = pat
                .capped
                .iter()
                .copied()
                .min_by_key(|&r| (short(r), shared[&p[r.0..r.1]], longer(r), r.0));
            let (is_capped, run) = match capped {
                Some(r) => (true, Some(r)),
                None => (
                    false,
                    pat.runs.iter().copied().min_by_key(|&r| {
                        let most = u32::MAX - shared_plain[&p[r.0..r.1]];
                        (short(r), most, longer(r), r.0)
                    }),
                ),
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
                    self_ref: pat.self_ref,
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
        // Keys → ranges of `checks`, then the two tables.
        let mut ranges: [Vec<KeyChecks>; 2] = [Vec::new(), Vec::new()];
        for (capped, key, check) in keyed {
            if !capped {
                let bit = 1 << key.len().min(63);
                screen.plain_shapes_self[usize::from(key[0] & 31)] |= bit;
                if !check.self_ref {
                    screen.plain_shapes[usize::from(key[0] & 31)] |= bit;
                }
            }
            let n = screen.checks.len() as u32;
            screen.checks.push(check);
            let list = &mut ranges[usize::from(capped)];
            match list.last_mut() {
                Some(last) if last.0 == key => last.2 = n + 1,
                _ => list.push((key, n, n + 1)),
            }
        }
        let [plain, capped] = ranges;
        let mut table = |list: Vec<KeyChecks>| {
            let first = screen.groups.len() as u32;
            screen.groups.extend(list.iter().map(|&(_, a, b)| (a, b)));
            ByteTable::new(
                list.iter()
                    .enumerate()
                    .map(|(i, (key, _, _))| (&key[..], first + i as u32)),
            )
        };
        screen.plain = table(plain);
        screen.capped = table(capped);
        screen
    }

    /// False only if no alias, and with `speaker` no first-person
    /// modifier, can match in `sentence`.
    pub(super) fn may_name_actor(&self, sentence: &str, speaker: bool) -> bool {
        if self.always {
            return true;
        }
        // Masks on the stack, zeroed first: small ones for most sentences.
        if sentence.len() < SHORT_WORDS * 64 {
            self.screen::<{ SHORT_WORDS + 1 }>(sentence.as_bytes(), speaker)
        } else {
            self.screen::<{ MASK_WORDS + 1 }>(sentence.as_bytes(), speaker)
        }
    }

    /// [`ActorScreen::may_name_actor`] with masks of `N` words.
    #[inline(always)]
    fn screen<const N: usize>(&self, b: &[u8], speaker: bool) -> bool {
        let mut word = [0u64; N];
        let mut upper = [0u64; N];
        let Some(n) = run_masks(b, &mut word, &mut upper) else {
            // Longer than the masks hold, or beyond ASCII.
            return !b.is_ascii() || self.may_name_actor_bytes(b, speaker);
        };
        // The end of the run holding byte `p`: the next clear bit of `word`
        // (`word[n]` is 0, so there is one).
        let run_end = |p: usize| {
            let mut k = p / 64;
            let mut c = !word[k] & (u64::MAX << (p % 64));
            while c == 0 {
                k += 1;
                c = !word[k];
            }
            k * 64 + c.trailing_zeros() as usize
        };
        // Its start: after the last clear bit before `p`, or 0.
        let run_start = |p: usize| {
            let mut k = p / 64;
            let mut c = !word[k] & ((1u64 << (p % 64)) - 1);
            loop {
                if c != 0 {
                    return k * 64 + 64 - c.leading_zeros() as usize;
                }
                if k == 0 {
                    return 0;
                }
                k -= 1;
                c = !word[k];
            }
        };
        // Runs with a capital (about one word in ten), each once: the run
        // of each capital not inside the run before.
        let mut done = 0;
        for (k, &u) in upper[..n].iter().enumerate() {
            let mut u = u;
            if done > k * 64 {
                u &= u64::MAX.checked_shl((done - k * 64) as u32).unwrap_or(0);
            }
            while u != 0 {
                let p = k * 64 + u.trailing_zeros() as usize;
                let (s, e) = (run_start(p), run_end(p));
                if self.run_may_name_actor(b, s, e, true, speaker) {
                    return true;
                }
                done = e;
                u &= u64::MAX
                    .checked_shl((e - k * 64).min(64) as u32)
                    .unwrap_or(0);
            }
        }
        // Other runs, for the keys of aliases that need no capital: only
        // those whose first letter starts such a key are measured.
        let shapes = self.shapes(speaker);
        if shapes.iter().all(|&s| s == 0) {
            return false;
        }
        let mut before = 0u64; // the last bit of the block before
        for (k, &w) in word[..n].iter().enumerate() {
            let mut starts = w & !((w << 1) | before);
            before = w >> 63;
            while starts != 0 {
                let s = k * 64 + starts.trailing_zeros() as usize;
                starts &= starts - 1;
                if shapes[usize::from(b[s] & 31)] != 0
                    && self.run_may_name_actor(b, s, run_end(s), false, speaker)
                {
                    return true;
                }
            }
        }
        false
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

    /// The shapes of the keys of `plain` that count.
    #[inline(always)]
    fn shapes(&self, speaker: bool) -> &[u64; 32] {
        if speaker {
            &self.plain_shapes_self
        } else {
            &self.plain_shapes
        }
    }

    /// Whether an alias (or first-person modifier) may match around the
    /// run `b[s..e]` of the ASCII text `b`, which has a capital if `upper`.
    #[inline(always)]
    fn run_may_name_actor(&self, b: &[u8], s: usize, e: usize, upper: bool, speaker: bool) -> bool {
        let n = e - s;
        let plain = self.shapes(speaker)[usize::from(b[s] & 31)] & (1 << n.min(63)) != 0;
        if !upper && !plain {
            return false;
        }
        if n > MAX_KEY {
            return false; // no key is that long: longer patterns set `always`
        }
        let found = |table: &ByteTable| {
            let group = if n <= 16 {
                table.get_lower(b, s, e)
            } else {
                let mut buf = [0u8; MAX_KEY];
                for (k, &c) in buf.iter_mut().zip(&b[s..e]) {
                    *k = c.to_ascii_lowercase();
                }
                table.get(&buf, 0, n)
            };
            group.is_some_and(|g| {
                let (x, y) = self.groups[g as usize];
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

/// 64-byte blocks of the masks of a short sentence.
const SHORT_WORDS: usize = 6;

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
    let (blocks, _) = b.as_chunks::<64>();
    for ((block, w), u) in blocks.iter().zip(word.iter_mut()).zip(upper.iter_mut()) {
        let v = Block::new(block);
        high |= v.high();
        (*w, *u) = (v.alnum(), v.capitals());
    }
    if let Some((v, shift)) = Block::tail(b) {
        high |= v.high() >> shift;
        word[blocks.len()] = v.alnum() >> shift;
        upper[blocks.len()] = v.capitals() >> shift;
    }
    (high == 0).then_some(n)
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

    /// Capitals inside a run, and runs across the masks' 64-byte blocks,
    /// with aliases keyed by such runs: the run is found from any of its
    /// capitals, whatever block its start is in.
    #[test]
    fn runs_found_from_inner_capitals_in_any_block() {
        let actors = "id,name,kind,parent,alias,case\n\
                      EBY,eBay,organisation,,eBay,cap\n\
                      MCD,McDonald's,organisation,,McDonald's,cap\n\
                      PUP,Puppet,group,,puppet show,any\n";
        let lex = Lexicons::from_texts(&crate::lexicon::LexiconTexts::new(
            actors,
            "term,weight,category\nwar,-3,fight\n",
            "word,kind,factor\nnot,negator,-0.8\n",
            "",
        ))
        .expect("a small lexicon loads");
        let sc = &lex.screen;
        for pad in 0..140 {
            let lead = "w".repeat(pad);
            for (text, named) in [
                (format!("{lead} eBay sold."), true),
                (format!("{lead}, McDonald's opened."), true),
                (format!("{lead} a PUPPET show."), true),
                (format!("{lead} ebay sold."), false), // `cap`: needs the B
                (format!("x{lead}eBay sold."), false), // one run with the padding
                (format!("{lead} a puppet theatre."), false),
            ] {
                assert_eq!(sc.may_name_actor(&text, false), named, "{text}");
                assert_eq!(
                    sc.may_name_actor_bytes(text.as_bytes(), false),
                    named,
                    "{text}"
                );
                let found = !lex.find(&text, None).actors.is_empty();
                assert!(!found || named, "{text}");
            }
        }
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
