//! Stage 5: attribution — who says or does it (the *source*, with any
//! co-sources) and toward whom (the *targets*).
//!
//! Roles are decided on rolled-up actors (Kim Jong Un, KCNA and Pyongyang
//! are all North Korea), so a sentence never makes an actor its own target.
//! The *key term* is the tone term that carries the sentence (the strongest
//! on the side of the total). The source rules, tried in this order:
//!
//! 1. **Passive agent** — "Seoul *was* accused *by* Pyongyang": a form of
//!    *be* followed by "by" and an actor makes that actor the source and the
//!    subject the target. When a passive holds a tone term, only such a
//!    passive counts: in "traders were kidnapped by gangs, and Chile is now
//!    ranked by the World Bank" the World Bank kidnapped no one.
//! 2. **Reported speech** — an actor right before or after a reporting verb
//!    ("…, KCNA said", "according to Seoul", "according to figures
//!    published by the UN", see `REPORT_WORDS`; the `speech` words of
//!    `modifiers.csv`; and a verb such as "warned" or "protested" that ends
//!    the sentence, "…, Pyongyang warned") is the speaker. When the clause
//!    reported before the verb opens with another actor that *acts*
//!    ("North Korea fired …,
//!    Seoul's military said": a tone term follows it within two words, or
//!    the sentence has no stance), the speaker only relays and that actor is
//!    the source; the speaker is then a target only if no one else is. A
//!    term in quotation marks is the speaker's own words: it is no
//!    act of the subject's ("Taiwan will “pay a heavy price” …, Beijing
//!    said" is Beijing's threat).
//!    Otherwise the speaker evaluates and is the source, and the actor the
//!    clause is about is the target ("Russia's war is a crime, the
//!    Canadian premier said"; "Erdogan said Serbia and Kosovo had agreed …").
//! 3. **Target-only construction** — "China *faced* renewed criticism",
//!    "Iran *came under* fire", "drew condemnation": the subject undergoes
//!    the act. It is the target; the source is an actor after "from"/"by"
//!    if one is named, else there is none. Likewise the subject of a
//!    conciliatory act it *receives* from a named actor: "Kim *received* a
//!    message of condolences *from* Carter" is USA → PRK.
//! 4. **Actor before the key term** — the first actor named before it
//!    ("Pyongyang condemned Seoul"); with none, there is no source. Nor is
//!    there when that actor is the object of a verb of tone right before
//!    it ("The committee *denounced* Seoul for its war drills"), nor an
//!    actor after "against" ("slogans *against India*"), nor an actor
//!    glued to "pro-"/"anti-" ("the *pro-U.S.* conservatives"). Then
//!    the sides named after the key term by "between", none of them the
//!    speaker, act on each other ("the war *between Iran and Iraq*", see
//!    `Sentence::parties`); else
//!    an agent named after the key term is the source: "the illegal
//!    occupation of Kuwait *by Iraq*", "the war crimes committed
//!    *by the Japanese imperialists*" (see `Sentence::act_agent`). An
//!    actor that the key term describes after "is" ("Russia *is the
//!    aggressor*", "the United Nations *remains indispensable*", "the
//!    U.S. *imperialist aggressor* forces") is the
//!    target, with no source (see `Sentence::described_by`); so is one
//!    told what it should do ("The U.S. *should* stop its drills", see
//!    `Sentence::demanded_of`); so is the subject of a passive with no
//!    actor as agent ("Israel *was condemned* over the raid", see
//!    `Sentence::passive_subject`), which no speaker's voice makes the
//!    speaker's act when it is hostile.
//! 5. **No tone term** — the first actor named acts (visits, announces,
//!    publishes), unless it is only described ("Nigeria *is* Africa's most
//!    populous country": no source); there are no targets.
//!
//! **The speaker's voice.** In a document with a speaker (a state news
//! agency's story, a delegation's speech), a sentence with a stance that
//! rule 4 left without a source is the speaker's own judgement: "The puppet
//! regime of south Korea keeps staging the farce" in a KCNA story is
//! Pyongyang's hostility toward Seoul. The speaker, unnamed in the
//! sentence, then becomes the source ([`Attribution::speaker_voice`]) when
//! some target other than the speaker itself, and other than the victim of
//! an act the sentence describes ("the wars *against Iraq*", "the
//! *occupied* Palestinian territory"), is left for it; a sentence aimed only
//! at the speaker ("The imperialists seek to stifle the DPRK") or at a
//! victim keeps no source.
//!
//! Actors joined to the source by "and" or commas ("Chile, Peru and
//! Bolivia announced …"), or paired by a hyphen ("the U.S.-South Korean
//! drills"), are **co-sources**. When they have no one else to
//! act on ("Armenia and Azerbaijan agreed to a border truce") they act toward
//! each other: the relation is *mutual* and the other co-sources are the
//! targets. A hostile act is mutual only when the sentence says it goes
//! both ways ("exchanged fire", "accused each other") or names a conflict
//! by its two sides ("the Iran-Iraq war"); otherwise it is a joint act
//! ("Washington and Seoul staged drills") with no target named.
//!
//! **Targets**, unless a rule above set them: the actor whose act is judged
//! ("condemned *China's* drills", "praised *Trump's* leadership"), else the
//! first other actor after the key term, else the last one before it; plus
//! the actors joined to it by "and". Other actors (a drill partner, a venue,
//! a victim, a third country in passing) are only mentioned: among them the
//! place of a conflict ("the war *in Sudan*") and the victim of an act that
//! the source only judges ("condemns the aggression *against Ukraine*"; see
//! `SCENE_NOUNS` and `Sentence::victim`), and a go-between ("a truce
//! *brokered by Qatar*", `Sentence::beside_the_act`). A venue is the target of a
//! visit whose visitor has no one else to aim at: "Sisi arrived *in New
//! Delhi* for a state visit" (`Sentence::is_visit`).

use std::ops::Range;

use crate::lexicon::{ActorKind, Lexicons, Matches, ModifierKind, ToneHit};
use crate::score::{Label, NO_STANCE_WEIGHT, Note, TermScore, normalise};

/// Forms of *be*, which make a passive ("was accused by") or a description
/// ("is the largest state on its continent").
const BE_FORMS: &[&str] = &["is", "are", "was", "were", "be", "been", "being"];

/// Verbs that say what their subject amounts to, as *be* does: "“Taiwan
/// independence” *means* war, … the spokesman told" is the speaker's
/// warning about Taiwan, not an act of Taiwan's. See `Sentence::acts`.
const MEANING_VERBS: &[&str] = &[
    "means", "mean", "meant", "spell", "spells", "spelled", "spelt",
];

/// Verbs whose subject undergoes the act named by the key term after them:
/// "faced criticism", "drew condemnation", "came under fire".
const UNDERGO_VERBS: &[&str] = &[
    "face",
    "faces",
    "faced",
    "facing",
    "draw",
    "draws",
    "drew",
    "drawn",
    "drawing",
    "under",
    "received",
    "receives",
    "receiving",
    "suffered",
    "suffers",
    "attracted",
    "attracts",
    "reeling",
    "endured",
    "endures",
];

/// Verbs whose subject is given what the conciliatory term after them
/// names, by the actor after "from": "received a message of
/// congratulations from", "won praise from", "drew support from".
const RECEIVE_VERBS: &[&str] = &[
    "received",
    "receives",
    "receiving",
    "won",
    "wins",
    "earned",
    "earns",
    "drew",
    "draws",
    "got",
    "gets",
];

/// How many words may stand between a [`RECEIVE_VERBS`] verb and its term
/// ("received a message of *condolences*").
const RECEIVE_WINDOW: usize = 4;

/// How far a giver may follow "from" ("from Jimmy Carter, ex-president
/// of the *U.S.*").
const GIVER_WINDOW: usize = 8;

/// How far "by" may follow a form of *be* ("was barred from the council's
/// next two sessions by").
const PASSIVE_WINDOW: usize = 8;

/// How far "by" may follow a form of *be* when only phrases of place and
/// time stand between the participle and it ("were launched at a merchant
/// ship in the Gulf of Aden by"): see `Sentence::long_passive`.
const LONG_PASSIVE_WINDOW: usize = 12;

/// Words that may not stand between the participle of a long passive and
/// its "by", besides the forms of *be* ([`BE_FORMS`]): a new clause, a
/// modal, or a cause ("because of", "thanks to"). See
/// `Sentence::long_passive`.
const LONG_PASSIVE_STOPS: &[&str] = &[
    "that", "which", "who", "whom", "whose", "and", "or", "but", "as", "if", "while", "when",
    "said", "says", "say", "will", "would", "could", "can", "may", "might", "must", "should",
    "shall", "has", "have", "had", "because", "thanks",
];

/// Irregular participles of giving, making and the like, besides
/// [`IRREGULAR_PARTICIPLES`] and [`PARTICIPLES`]: one of them may open a
/// long passive ("A wreath *was sent* to the grave of … by"), and one
/// standing between may have an agent of its own ("the efforts *made* on
/// climate by Indonesia"). See `Sentence::long_passive`.
const OTHER_PARTICIPLES: &[&str] = &[
    "made", "shown", "set", "given", "put", "taken", "brought", "done", "seen", "sent", "held",
    "known", "chosen", "drawn", "laid", "led", "paid", "won", "built",
];

/// How far an agent may follow "by" ("by a majority decision of the UN").
const AGENT_WINDOW: usize = 5;

/// How many words may stand between a speaker and its reporting verb
/// ("KCNA said", "Seoul's Unification Ministry said").
const SPEAKER_BEFORE: usize = 3;

/// How many words of a person's name may follow an office between a
/// speaker and its verb (see `Sentence::office_and_name`).
const NAME_WORDS: usize = 4;

/// Words that may not stand between a speaker and its verb: they show the
/// actor belongs to another phrase ("talks with Washington *and* said",
/// "derided Yoon *as* “a simpleton” in a statement").
const NOT_IN_SPEAKER_PHRASE: &[&str] = &["and", "or", "but", "to", "that", "with", "of", "as"];

/// Verbs that report speech when they end a sentence after their speaker,
/// with the reported words before them: "The drills rehearse an invasion,
/// Pyongyang warned." Elsewhere most of them are acts with an object
/// ("warned Seoul", "charged him with spying"), so they are not `speech`
/// words of `modifiers.csv`; those that carry tone keep it.
const TRAILING_SPEECH: &[&str] = &[
    "warned",
    "warns",
    "cautioned",
    "protested",
    "complained",
    "charged",
    "charges",
    "alleged",
    "vowed",
    "threatened",
    "demanded",
    "lamented",
    "retorted",
    "countered",
    "fumed",
    "boasted",
    "pledged",
    "promised",
];

/// Nouns of military exercises: an actor "with" whom they are held is a
/// partner, not a target (see `Sentence::beside_the_act`).
const DRILL_NOUNS: &[&str] = &[
    "drill",
    "drills",
    "exercise",
    "exercises",
    "manoeuvres",
    "maneuvers",
    "wargames",
    "games",
];

/// Words before "at" that aim at what follows, which is then no forum:
/// "fired at U.N. peacekeepers", "a swipe at the EU summit".
const AIM_WORDS: &[&str] = &[
    "fired", "firing", "fire", "shot", "shots", "shooting", "aimed", "aiming", "directed",
    "pointed", "hurled", "threw", "thrown", "lashed", "hit", "hitting", "struck", "jab", "jabs",
    "swipe", "swipes", "dig", "digs", "angry", "anger", "furious", "fury", "outrage", "outraged",
    "railed", "sneered", "scoffed", "laughed", "glared", "rockets", "missiles", "shells", "stones",
];

/// Nouns of a meeting after a body's name, which make it the place of the
/// act after "at": "at the NATO summit", "at the ASEAN talks".
const MEETING_NOUNS: &[&str] = &[
    "summit",
    "summits",
    "meeting",
    "meetings",
    "talks",
    "session",
    "conference",
    "forum",
    "headquarters",
    "assembly",
    "council",
    "ministerial",
    "gathering",
];

/// How many words may stand between two mentions of one name ("U.S.
/// *President* Donald Trump", "Turkish *President Tayyip* Erdogan",
/// "Israeli *Defence Minister Yoav* Gallant").
const NAME_GAP: usize = 3;

/// Words that show two mentions of the same actor are not one name:
/// "Russia *and* Russian speakers", "Moscow *said* Russian troops".
const NOT_IN_NAME: &[&str] = &[
    "and", "or", "but", "nor", "to", "that", "with", "of", "in", "on", "at", "by", "for", "from",
    "against", "as", "than", "the", "a", "an", "its", "their", "his", "her", "is", "are", "was",
    "were", "has", "have", "had", "will", "would", "said", "says", "told", "when", "while",
    "after", "before", "if", "who", "which",
];

/// Who a trailing reporting verb may be said to, between it and the end
/// of the sentence: "…, Ali warned *lawmakers* on Thursday."
const AUDIENCE_WORDS: &[&str] = &[
    "lawmakers",
    "legislators",
    "parliament",
    "reporters",
    "journalists",
    "supporters",
    "troops",
    "diplomats",
    "delegates",
    "crowds",
    "students",
    "parliamentarians",
    "senators",
];

/// Starts of verbs whose subjects act on each other: "exchanged fire",
/// "traded accusations", "clashed", "fought".
const RECIPROCAL_VERBS: &[&str] = &["exchang", "trade", "trading", "clash", "fought", "feud"];

/// Nouns of a conflict, crisis, tragedy or violent event whose "in" names
/// where it happens: the actor after "the war in", "the conflict in the",
/// "the situation in", "the humanitarian catastrophe in", "a shooting spree
/// in" is the place, neither source nor target ("concern over the war in
/// Sudan", "we deplore the humanitarian catastrophe in Yemen", "the
/// massacres in Bosnia"). Not "bombing" or "explosion": "the American
/// bombing in Cambodia" was done to it, "the nuclear explosion in China"
/// by it.
const SCENE_NOUNS: &[&str] = &[
    "war",
    "wars",
    "conflict",
    "conflicts",
    "fighting",
    "hostilities",
    "bloodshed",
    "violence",
    "crisis",
    "crises",
    "turmoil",
    "unrest",
    "instability",
    "insurgency",
    "situation",
    "situations",
    "tragedy",
    "catastrophe",
    "disaster",
    "emergency",
    "suffering",
    "attack",
    "attacks",
    "bombings",
    "atrocities",
    "clashes",
    "massacre",
    "massacres",
    "killings",
    "shooting",
    "shootings",
    "spree",
    "blast",
    "riots",
];

/// Words of living or being posted somewhere, whose "in" names a place,
/// neither source nor target: "a Korean writer *resident in* the U.S.",
/// "Korean residents in Japan", "GIs *stationed in* south Korea".
const RESIDENCE_WORDS: &[&str] = &[
    "resident",
    "residents",
    "residing",
    "living",
    "based",
    "stationed",
    "born",
];

/// Words of an event being held, whose "in" names its place, neither
/// source nor target: "a seminar *held in* Nigeria", "meetings *took place
/// in* Benin and Brazil", "a rally *staged in* Japan". Only when the place
/// ends the phrase ([`PLACE_FOLLOWERS`]): in "Palestinians *held in*
/// Israeli jails" the actor is the jailer.
const EVENT_WORDS: &[&str] = &["held", "place", "convened", "staged"];

/// Words that may follow the place of an event (after [`EVENT_WORDS`] and
/// "in"): a list, a date, another place, a relative clause.
const PLACE_FOLLOWERS: &[&str] = &[
    "and",
    "or",
    "on",
    "in",
    "from",
    "to",
    "at",
    "for",
    "with",
    "between",
    "during",
    "since",
    "last",
    "this",
    "early",
    "late",
    "recently",
    "under",
    "by",
    "as",
    "where",
    "which",
    "that",
    "when",
    "until",
    "till",
    "after",
    "before",
    "amid",
    "over",
    "earlier",
    "later",
    "today",
    "yesterday",
    "tomorrow",
];

/// Tone categories of acts done *to* someone: the actor after "against"
/// such an act is its victim ("aggression against Ukraine", "sanctions
/// against Venezuela").
const ACT_CATEGORIES: &[&str] = &[
    "fight",
    "assault",
    "coerce",
    "sanction",
    "force_posture",
    "accuse",
    "threaten",
];

/// Words after a capital that make it the name of a document or a
/// meeting, not an actor: "the Beijing *Declaration*", "the Doha *Round*",
/// "the Addis Ababa *Action* Agenda". See `Sentence::names_a_document`.
const DOCUMENT_WORDS: &[&str] = &[
    "declaration",
    "declarations",
    "programme",
    "program",
    "statute",
    "treaty",
    "pact",
    "consensus",
    "protocol",
    "accord",
    "accords",
    "agreement",
    "agreements",
    "communique",
    "platform",
    "final",
    "round",
    "action",
    "conference",
    "convention",
    "conventions",
    "process",
    "principles",
    "document",
    "plan",
    "framework",
];

/// False for most words that are none of [`DOCUMENT_WORDS`] and
/// [`COUNTRY_DOCUMENT_WORDS`], by length and first byte: the words after
/// a name are tested for every candidate role, so the lists are read
/// only for the few that pass.
fn may_be_document_word(w: &str) -> bool {
    w.len() >= 4
        && matches!(
            w.as_bytes()[0],
            b'a'..=b'd' | b'f' | b'p' | b'r' | b's' | b't'
        )
}

/// Words after a country's name that make it the name of a document:
/// "the Barbados *Programme* of Action", "the Samoa *Pathway*", "the
/// Uruguay *Round*".
const COUNTRY_DOCUMENT_WORDS: &[&str] = &[
    "declaration",
    "programme",
    "statute",
    "pact",
    "consensus",
    "protocol",
    "accords",
    "communique",
    "pathway",
    "platform",
    "round",
];

/// How many words may stand between a hostile act and the "against" or
/// "on" naming its victim (see [`ACT_GAP_WORDS`]).
const ACT_GAP: usize = 3;

/// Words, besides participles ("-ed") and adverbs ("-ly"), that may stand
/// between a hostile act and the "against" or "on" naming its victim:
/// "the embargo *set* against Cuba", "the attacks *carried out* on",
/// "the blockade *which is* imposed on".
const ACT_GAP_WORDS: &[&str] = &[
    "set", "out", "being", "been", "is", "are", "was", "were", "which", "that", "now", "still",
    "waged", "made", "done", "launched",
];

/// Tone categories of judging an act: "condemn", "reject", "protest",
/// "demand an end to".
const JUDGING_CATEGORIES: &[&str] = &["disapprove", "reject", "protest", "demand"];

/// How many words may stand between a judging term and the act it judges
/// ("condemned *the continued* aggression against").
const JUDGED_WITHIN: usize = 3;

/// The words that may stand there: articles, a few modifiers of time, and
/// "an end to". An adjective of tone ("a *brutal* war of aggression
/// against") is no judging verb, and a noun between shows it is not.
const JUDGED_GAP_WORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "any",
    "all",
    "such",
    "its",
    "their",
    "continued",
    "continuing",
    "ongoing",
    "renewed",
    "recent",
    "latest",
    "new",
    "further",
    "repeated",
    "end",
    "to",
];

/// Participles that make the actor right after them the victim of an act
/// by someone else: "the *occupied* Palestinian territory".
const VICTIM_PARTICIPLES: &[&str] = &["occupied", "besieged", "blockaded", "annexed"];

/// Nouns after an actor's name that make it the doer, not the one who
/// undergoes: "the rule of the Japanese *imperialists*", "the shelling of
/// the south Korean *puppet* army", "the occupation of Israeli
/// *forces*".
const DOER_NOUNS: &[&str] = &[
    "imperialism",
    "imperialists",
    "imperialist",
    "puppet",
    "puppets",
    "warmongers",
    "forces",
    "troops",
    "army",
    "armies",
    "military",
    "regime",
    "authorities",
    "aggressors",
    "militarists",
];

/// Nouns whose "of" names who undergoes an act or holds what it violates,
/// not who does it: "the occupation *of* Kuwait", "the blockade *of* Cuba",
/// "the rights *of* the Palestinian people", "the sovereignty *of*
/// Lebanon", and the authority whose will is defied: "in breach of the
/// resolutions *of* the Security Council". For the speaker's voice, which
/// describes such acts and does none, the actor after them is a victim
/// ("the aggression of Israel" names the aggressor, so "aggression" is
/// not here).
const UNDERGONE_NOUNS: &[&str] = &[
    "slaughter",
    "massacre",
    "massacres",
    "killing",
    "killings",
    "murder",
    "persecution",
    "oppression",
    "repression",
    "occupation",
    "annexation",
    "invasion",
    "blockade",
    "bombing",
    "bombardment",
    "shelling",
    "siege",
    "partition",
    "dismemberment",
    "colonization",
    "colonisation",
    "subjugation",
    "destabilization",
    "destabilisation",
    "strangulation",
    "rights",
    "sovereignty",
    "integrity",
    "independence",
    "suffering",
    "sufferings",
    "plight",
    "territory",
    "territories",
    "resolution",
    "resolutions",
    "decisions",
    "authority",
    "charter",
    "mandate",
];

/// Counts of people between an act and its victims: "the killing *of
/// thousands* of Palestinians".
const QUANTITY_WORDS: &[&str] = &[
    "thousands",
    "hundreds",
    "millions",
    "tens",
    "dozens",
    "scores",
];

/// Single words that may follow a trailing reporting verb ("…, Seoul
/// warned again").
const WHEN_WORDS: &[&str] = &["today", "yesterday", "tonight", "again", "earlier", "later"];

/// Words that open a closing phrase of where or when a trailing speaker
/// spoke: "…, Yoon warned *at* an Armed Forces Day ceremony on Tuesday".
/// See `Sentence::said_where`.
const SAID_WHERE_PREPOSITIONS: &[&str] = &["at", "in", "during", "on", "from", "via", "before"];

/// Words that open a closing clause of background after a trailing
/// speech verb: "…, Seoul warned *as* tensions rose". See
/// `Sentence::background_to_end`.
const BACKGROUND_OPENERS: &[&str] = &["as", "amid", "while", "after", "following"];

/// Words of a span of time before a closing clause of background ("*a
/// week* after the attacks", "*two days* after", "*hours* after"). See
/// [`Sentence::time_after_to_end`].
const TIME_SPAN_WORDS: &[&str] = &[
    "a", "an", "one", "two", "three", "four", "five", "six", "several", "few", "just", "only",
    "barely", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years",
];

/// How many words such a closing phrase may have.
const SAID_WHERE_MAX: usize = 10;

/// How many words a closing clause of background may have ("…, Foreign
/// Secretary David Cameron warned on Thursday, *after the Russian
/// ambassador was summoned over a years-long hacking campaign targeting
/// lawmakers*"): a clause with its own subject and verb runs longer than
/// where and when.
const BACKGROUND_MAX: usize = 16;

/// How many words may stand between a reporting verb and a speaker after it
/// ("said the Foreign Ministry", "according to the South Korean military").
const SPEAKER_AFTER: usize = 2;

/// Words of a document that stands between a reporting verb and its
/// source, up to [`REPORT_AFTER`] of them: "according to *figures
/// published by* the UN refugee agency", "said *a report from* the IMF".
const REPORT_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "new",
    "latest",
    "official",
    "figures",
    "data",
    "estimates",
    "report",
    "statement",
    "survey",
    "study",
    "count",
    "tally",
    "published",
    "released",
    "issued",
    "compiled",
    "by",
    "from",
    "of",
];

/// How many [`REPORT_WORDS`] may stand between a reporting verb and a
/// speaker after it.
const REPORT_AFTER: usize = 5;

/// Words after a possessive that make it the speaker's own office ("said
/// Japan's foreign minister", "according to Seoul's Joint Chiefs of
/// Staff"). After a reporting verb, any other possessive begins the reported
/// clause ("said Pyongyang's tests were a threat"), and its actor is not the
/// speaker.
const SPEAKER_OFFICES: &[&str] = &[
    "foreign",
    "defense",
    "defence",
    "unification",
    "state",
    "national",
    "joint",
    "top",
    "chief",
    "senior",
    "deputy",
    "vice",
    "prime",
    "president",
    "leader",
    "premier",
    "chancellor",
    "king",
    "minister",
    "ministry",
    "government",
    "cabinet",
    "official",
    "officials",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "envoy",
    "ambassador",
    "embassy",
    "mission",
    "delegation",
    "representative",
    "military",
    "army",
    "navy",
    "news",
    "agency",
    "office",
    "secretary",
    "general",
    "commission",
    "commissioner",
    "chairperson",
    "chairman",
    "chairwoman",
    "adviser",
    "advisor",
    "negotiator",
    "commander",
];

/// Whether `word` names an actor's office, body or force, which may stand
/// between its name and its verb ("the Japanese *government* should",
/// "the south Korean *authorities* must"): a word of [`DOER_NOUNS`] or
/// [`SPEAKER_OFFICES`].
pub(crate) fn is_office_word(word: &str) -> bool {
    OFFICE_WORDS.contains(word)
}

/// The words of [`is_office_word`], in a hash set: it is asked of the
/// words after most mentions of most sentences, and going through the 60
/// words of both lists one by one cost about 300 instructions a word
/// (0.5% of a run on UNGDC).
static OFFICE_WORDS: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
    std::sync::LazyLock::new(|| DOER_NOUNS.iter().chain(SPEAKER_OFFICES).copied().collect());

/// How close the key term must follow an actor for that actor to be the one
/// acting ("North Korea *has fired*"): at most this many words between.
const ACTS_WITHIN: usize = 2;

/// How many words may stand between a subject's past-tense verb and the
/// tone term of its object for the subject to act ("*launched hundreds of*
/// balloons carrying trash": 2). See `Sentence::verb_then_object`.
const VERB_OBJECT_WITHIN: usize = 4;

/// Nouns of rule after which "in" and a capital name the state, not a
/// venue: "dismissed the *government in* Kyiv as a regime", "the puppet
/// *regime in* Seoul". See `Sentence::venue`.
const RULER_NOUNS: &[&str] = &[
    "government",
    "regime",
    "authorities",
    "leadership",
    "rulers",
    "junta",
    "administration",
];

/// How many words may stand between a reported subject's noun phrase and
/// its past verb when the speaker's own side undergoes the deed ("Chinese
/// infantry *backed by tanks and artillery* crossed into northern Vietnam
/// …"). See `Sentence::did_to_speaker`.
const DEED_VERB_WITHIN: usize = 6;

/// Words that end the stretch between a reported subject and its past verb
/// (see `Sentence::did_to_speaker`): a new clause, a modal, a negation or
/// a verb of speech.
const DEED_GAP_STOPS: &[&str] = &[
    "that", "which", "who", "whom", "whose", "if", "while", "when", "as", "said", "says", "say",
    "will", "would", "could", "can", "may", "might", "must", "should", "shall", "not", "to",
];

/// Irregular past tenses of verbs of deeds that take an object ("North
/// Korea *sent* hundreds of balloons …"). See `Sentence::verb_then_object`.
const IRREGULAR_PASTS: &[&str] = &[
    "sent", "flew", "shot", "threw", "struck", "hit", "fought", "blew", "tore", "broke", "sank",
    "stole", "brought", "built",
];

/// Modals of the future or of a condition: "will be crushed", "would be
/// treated as" (see `Sentence::will_undergo`).
const FUTURE_MODALS: &[&str] = &["will", "would", "shall"];

/// Past participles not in "-ed" that "will be" may come before ("will be
/// met with", "would be dealt a blow", "will be hit").
const PARTICIPLES: &[&str] = &[
    "met",
    "dealt",
    "hit",
    "struck",
    "shot",
    "beaten",
    "taught",
    "given",
    "shown",
    "held",
    "brought",
    "sent",
    "punished",
    "crushed",
    "sunk",
    "blown",
    "torn",
    "thrown",
    "overthrown",
    "overrun",
];

/// Verbs of giving that "will" may come before in a subject's reported
/// pledge ("Saudi Arabia *will provide* $400 million in humanitarian aid").
/// See `Sentence::verb_then_object`.
const FUTURE_GIVING: &[&str] = &[
    "provide", "give", "send", "supply", "deliver", "donate", "grant", "lend", "invest",
];

/// Words that end an object phrase: a new clause, a speech verb or a
/// negation ("North Korea fired *and* …", "Japan warned *that* …").
const OBJECT_STOPS: &[&str] = &[
    "that", "which", "who", "whom", "whose", "and", "or", "but", "as", "if", "while", "when",
    "said", "says", "say", "not",
];

/// How many words of a noun phrase headed by a mention may stand between
/// it and its act in a reported clause ("*Three Russian MiG-31 fighter
/// jets* entered Estonian airspace …, Tallinn said"). See
/// `Sentence::head_noun_phrase`.
const HEAD_PHRASE_WITHIN: usize = 4;

/// Words that open a clause or join two, and so end a noun phrase.
const CLAUSE_WORDS: &[&str] = &[
    "that", "which", "who", "whom", "whose", "and", "or", "but", "as", "if", "while", "when",
    "said", "says", "say", "will", "would", "could", "can", "may", "might", "must", "should",
    "has", "have", "had", "not", "also", "again", "is", "are", "was", "were", "the", "a", "an",
];

/// Rule 4 found no source: no actor stands before the key term.
const RULE_NONE_BEFORE: &str = "none: no actor before the tone term";

/// Rule 4 found no source: the first actor is what the key term says it is
/// ("Russia *is the aggressor*"), and the target.
const RULE_DESCRIBED: &str = "none: the first actor is described by the tone term";

/// Rule 4 found no source: the first actor is told what it should do
/// ("The U.S. *should* stop its drills"), and is the target.
const RULE_DEMANDED: &str = "none: the first actor is told what it should do";

/// Rule 4 found no source: the first actor is the subject of a passive
/// with no actor as its agent ("Israel *was condemned*"), and the target.
const RULE_PASSIVE_SUBJECT: &str = "none: the first actor undergoes a passive";
const RULE_SUMMONED_TO: &str = "the actor an envoy was summoned to";

/// Participles that do not end in "-ed" but make a passive with *be*
/// ("were hit", "was struck"): looked up only after a form of *be*.
const IRREGULAR_PARTICIPLES: &[&str] = &[
    "hit",
    "struck",
    "shot",
    "beaten",
    "overrun",
    "taken",
    "thrown",
    "cut",
    "caught",
    "stolen",
    "hurt",
    "forbidden",
    "shaken",
    "torn",
    "slain",
    "bombed",
    "sold",
];

/// Participles after *be* that say how the subject stands or feels, not
/// what was done to it: in "we are deeply concerned", "Beijing is opposed
/// to", "Seoul was pleased" the subject holds the stance and is its source.
const STATIVE_PARTICIPLES: &[&str] = &[
    "concerned",
    "alarmed",
    "worried",
    "disappointed",
    "dismayed",
    "pleased",
    "satisfied",
    "encouraged",
    "heartened",
    "gratified",
    "delighted",
    "outraged",
    "shocked",
    "appalled",
    "troubled",
    "disturbed",
    "saddened",
    "angered",
    "frustrated",
    "convinced",
    "committed",
    "determined",
    "prepared",
    "opposed",
    "resolved",
    "united",
    "engaged",
    "interested",
    "involved",
    "dedicated",
    "devoted",
    "grieved",
    "distressed",
    "perturbed",
    "aggrieved",
    "indebted",
    "obliged",
    "honoured",
    "honored",
    "privileged",
    "inspired",
    "attached",
    "entitled",
    "motivated",
    "guided",
    "driven",
    "moved",
    "touched",
    "impressed",
];

/// Categories of a term that can say what an actor is, after "is": an
/// insult, an accusation, a threat ("Russia is the aggressor", "Iran is a
/// threat to the region"), or praise ("Japan is a reliable partner").
const DESCRIBING_CATEGORIES: &[&str] = &["insult", "accuse", "threaten", "praise", "cooperate"];

/// Prepositions that put an actor on the other side of the subject's act:
/// in "action *against* South Africa is a welcome development" the action
/// is welcome, not South Africa. ("Talks *with* Pyongyang are commendable"
/// and "the policy *of* the United Kingdom Government was racist" do
/// judge the actor.)
const NOT_BEFORE_SUBJECT: &[&str] = &["against", "on", "upon", "over"];

/// Prepositions that, first in a sentence, open a phrase of circumstance
/// whose actors are passed over for the source when the main clause after
/// its comma opens with another actor (see `Sentence::conceded`). Not
/// "for", which gives a point of view ("For Japan, the drills are a
/// threat").
const OPENING_PREPOSITIONS: &[&str] = &[
    "in",
    "on",
    "at",
    "after",
    "before",
    "during",
    "following",
    "with",
    "without",
    "regarding",
    "concerning",
    "as",
    "over",
    "under",
    "since",
    "upon",
    "ahead",
    "like",
    "unlike",
];

/// Prepositions: an actor right after one is no subject ("the conflict
/// *between* Israel and Palestine must end").
const PREPOSITIONS: &[&str] = &[
    "of", "between", "among", "in", "on", "upon", "at", "for", "with", "about", "to", "from",
    "against", "by", "over", "toward", "towards", "into",
];

/// Words of feeling: after "is", the actor's own stance, not what it is
/// ("we are *grateful* to", "the Chileans are *grateful*").
const FEELING_WORDS: &[&str] = &[
    "grateful",
    "thankful",
    "proud",
    "pleased",
    "happy",
    "glad",
    "delighted",
    "concerned",
    "ready",
    "willing",
    "determined",
    "eager",
    "confident",
    "hopeful",
    "satisfied",
    "appreciative",
    "indebted",
    "sorry",
    "angry",
    "outraged",
    "disappointed",
];

/// Words that may stand between "is" and a describing term: articles and
/// a few adverbs and adjectives of degree ("is *still the main* threat").
const DESCRIBED_GAP_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "still",
    "also",
    "now",
    "clearly",
    "truly",
    "indeed",
    "only",
    "main",
    "real",
    "true",
    "very",
    "most",
    "biggest",
    "greatest",
    "chief",
    "principal",
    "our",
];

/// Rule 3's source when no actor after "from" or "by" does the act the
/// subject undergoes: the actor whose act it is, named right before it
/// ("suffered from *Chinese* retaliation"). See
/// `Sentence::attributive_agent`.
const RULE_ATTRIBUTIVE_AGENT: &str =
    "target-only construction, the act's own actor ('Russian attacks')";

/// Rule 4's sources when no actor stands before the key term: the two
/// sides of a relation named after it ("the military agreement *between
/// Japan and south Korea*").
const RULE_PARTIES: &str = "the parties 'between' whom the tone term is";

/// Rule 4's source when no actor before the key term does it: the agent
/// named after the act ("the occupation of Kuwait *by Iraq*").
const RULE_ACT_AGENT: &str = "agent of the act ('… by X')";

/// Rule 4's source when the key term stands in an opening participial
/// phrase: the main clause's subject ("*Angered* that Tokyo's white paper
/// claimed the islets, *Seoul* summoned a Japanese diplomat").
const RULE_PARTICIPLE: &str = "subject of the clause after an opening participle";

/// Plural nouns an adjective in "-ing" may open a sentence with
/// ("*Developing countries* need …", "*Emerging economies* …"). See
/// `Sentence::opening_participle`.
const GROUP_NOUNS: &[&str] = &[
    "countries",
    "nations",
    "states",
    "economies",
    "markets",
    "powers",
    "peoples",
];

/// Participles whose "with" names what the subject underwent, as "by"
/// would: "were *hit with* sanctions", "was *slapped with* tariffs". Not
/// "presented with a gift by", "equipped with": there "with" names a thing
/// given or had.
const WITH_PARTICIPLES: &[&str] = &["hit", "slapped", "threatened", "charged"];

/// Participles of harm whose "in" names the attack the subject underwent
/// ("depots *were hit in* an overnight drone attack", "*were damaged in*
/// shelling"). Not "were engaged in fighting", the subject's own act. See
/// `Sentence::passive_subject`.
const IN_PARTICIPLES: &[&str] = &[
    "hit",
    "struck",
    "damaged",
    "destroyed",
    "killed",
    "wounded",
    "injured",
    "targeted",
];

/// How many words a subject's noun phrase may run on after the mention
/// that opens it before its form of *be* ("*Georgian* oil depots near the
/// coast *were* hit"). See `Sentence::subject_phrase`.
const SUBJECT_PHRASE_MAX: usize = 8;

/// Words that end a subject's noun phrase, besides the forms of *be*: they
/// start a clause of their own or belong to a verb ("Russia *said* the
/// depots were hit", "Seoul *warned that* …", "we do *not want to* be
/// threatened", "*should* be resisted"). See `Sentence::subject_phrase`.
const SUBJECT_PHRASE_STOPS: &[&str] = &[
    "that", "which", "who", "whom", "whose", "where", "when", "while", "said", "says", "say",
    "told", "tells", "if", "as", "because", "and", "or", "but", "to", "not", "do", "does", "did",
    "will", "would", "shall", "should", "can", "could", "may", "might", "must", "have", "has",
    "had", "we", "they", "it", "he", "she", "i", "how", "what", "why", "whether", "see", "sees",
    "know", "knows", "believe", "believes", "think", "thinks", "hope", "hopes", "feel", "feels",
    "note", "notes", "recall", "recalls",
];

/// Words in "-ing" that open a sentence as prepositions, not as the
/// participle of its subject's act ("*According* to Seoul, …", "*Including*
/// the talks, …"), besides those of [`OPENING_PREPOSITIONS`] ("*Following*
/// the war, Japan …", "*During* the talks, …"). See
/// `Sentence::opening_participle`.
const ING_PREPOSITIONS: &[&str] = &[
    "according",
    "including",
    "considering",
    "excluding",
    "notwithstanding",
    "pending",
    "barring",
    "nothing",
    "something",
    "anything",
    "everything",
];

/// Prepositions that may join an act to its object before the "by" of its
/// agent: "the occupation *of* Kuwait by", "the attacks *on* civilians by".
const ACT_AGENT_PREPS: &[&str] = &[
    "of", "against", "on", "upon", "in", "to", "toward", "towards",
];

/// The other words that may stand between an act and the "by" of its
/// agent: articles and participles of doing ("the atrocities *committed*
/// by", "the threats *posed* by", "sanctions *imposed* by").
const ACT_AGENT_GAP_WORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "committed",
    "imposed",
    "made",
    "launched",
    "perpetrated",
    "posed",
    "waged",
    "pursued",
    "carried",
    "out",
    "undertaken",
    "staged",
    "conducted",
    "inflicted",
    "unleashed",
    "levelled",
    "leveled",
    "practised",
    "practiced",
    "caused",
    "instigated",
    "orchestrated",
    "engineered",
    "spread",
    "given",
    "provided",
    "extended",
    "offered",
    "announced",
    "adopted",
    "taken",
    "signed",
    "concluded",
    "reached",
    "shown",
    "displayed",
];

/// Words that end the phrase after "by" before an actor: the actor after
/// them is not the agent ("by peaceful means *against* Seoul").
const NOT_IN_AGENT_PHRASE: &[&str] = &[
    "against", "on", "in", "for", "to", "with", "from", "at", "into", "over", "toward", "towards",
    "upon", "and", "or", "than",
];

/// Prepositions that aim an act at what follows them: an actor after one
/// in the phrase after a passive's "by" is the act's object, not its agent
/// ("battered by Western sanctions *against* Russia", "staged by them
/// *against* the DPRK"). "Between" names the parties of an event, not its
/// agent ("encouraged by the dialogue *between* North and South Korea").
/// Not "in", "from" or "at", which more often place the agent ("by a
/// publishing house *in* Peru").
const AIMED_AT: &[&str] = &[
    "against", "on", "upon", "over", "toward", "towards", "into", "between",
];

/// Categories of acts a speaker before its verb may only report ("Seoul's
/// military said North Korea *fired* two missiles"): force, sanctions,
/// cutting ties, aid and concessions. Words of judgement, speech and
/// cooperation after "X said" are more often X's own view of the subject.
const REPORTED_ACTS: &[&str] = &[
    "assault",
    "fight",
    "force_posture",
    "coerce",
    "sanction",
    "reduce_relations",
    "aid",
    "yield",
    "de_escalate",
];

/// How many words may stand between the key term and the "by" of its agent
/// ("the occupation *of Kuwait* by Iraq").
const ACT_AGENT_WITHIN: usize = 4;

/// Rule 4 found no source: the first actor is the object of a tone term.
const RULE_OBJECT_FIRST: &str = "none: the first actor is the object of a tone term";

/// The rule name when the document's speaker is the source of a sentence
/// that names no other (see [`Attribution::speaker_voice`]).
pub(crate) const RULE_SPEAKER_VOICE: &str =
    "the document's speaker (no actor before the tone term)";

/// The roles in one sentence, as indices into [`Matches::actors`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attribution {
    /// The mention that is the source, if any.
    pub source: Option<usize>,
    /// Mentions of co-sources (other actors acting with the source).
    pub also_sources: Vec<usize>,
    /// The first mention of each target actor.
    pub targets: Vec<usize>,
    /// Whether source and co-sources act toward each other (then the
    /// targets are the co-sources).
    pub mutual: bool,
    /// The source is the document's speaker, not named in the sentence
    /// (`source` is then `None`): a sentence of a speaker's document with a
    /// stance and no other source (see the module docs, and
    /// [`Scored::source_actor`]).
    ///
    /// [`Scored::source_actor`]: crate::Scored::source_actor
    pub speaker_voice: bool,
    /// Which rule chose the source (for the evidence column).
    pub rule: Option<&'static str>,
}

impl Attribution {
    /// Empties it: no source, no co-sources, no targets, no rule.
    pub(crate) fn clear(&mut self) {
        self.source = None;
        self.also_sources.clear();
        self.targets.clear();
        self.mutual = false;
        self.speaker_voice = false;
        self.rule = None;
    }
}

/// Sentences with up to this many actor mentions keep their links on the
/// stack; longer ones allocate.
const LINKS_ON_STACK: usize = 32;

/// Assigns source, co-sources and targets (see the module docs).
pub fn attribute(lex: &Lexicons, m: &Matches, terms: &[TermScore], sum: f64) -> Attribution {
    let mut out = Attribution::default();
    attribute_into(lex, m, terms, sum, None, &mut out);
    out
}

/// [`attribute`] into `out`, in place of what it held, reusing its lists:
/// scoring many sentences then allocates nothing for them. With the
/// document's `speaker` (an actor index), a sentence left without a source
/// may be its voice (see the module docs).
pub(crate) fn attribute_into(
    lex: &Lexicons,
    m: &Matches,
    terms: &[TermScore],
    sum: f64,
    speaker: Option<usize>,
    out: &mut Attribution,
) {
    out.clear();
    if m.actors.is_empty() {
        return;
    }
    let mut s = Sentence { lex, m, links: &[] };
    let n_links = m.actors.len() - 1;
    let mut links_on_stack = [Link::None; LINKS_ON_STACK];
    let links_on_heap: Vec<Link>;
    s.links = if n_links <= LINKS_ON_STACK {
        for (x, l) in links_on_stack[..n_links].iter_mut().enumerate() {
            *l = s.link(x);
        }
        &links_on_stack[..n_links]
    } else {
        links_on_heap = (0..n_links).map(|x| s.link(x)).collect();
        &links_on_heap
    };
    let key = (!terms.is_empty()).then(|| strongest_term(terms, sum));
    let speaker_root = speaker.map(|sp| lex.actors()[sp].root);

    // Mentions as ranges: `coordinated` gives a run of neighbours.
    let mut preset_targets: Option<Range<usize>> = None;
    // The speaker that only relays another actor's act.
    let mut relayed_by: Range<usize> = 0..0;
    // Rule 4 decided the source (or that there is none).
    let mut by_rule_4 = false;
    let label = Label::of(normalise(sum));
    let root = |i: usize| lex.actors()[m.actors[i].actor].root;
    let stance = label != Label::Neutral;
    let (source, rule) = if let Some((agent, be)) = s.passive_agent() {
        preset_targets = s.first_before(be).map(|a| s.coordinated(a));
        (Some(agent), Some("passive 'by' agent"))
    } else if let Some((speaker, verb)) = s.speaker() {
        match s.reported_subject(speaker, verb) {
            Some((subj, true))
                if s.acts(subj, verb, stance)
                    || (stance && s.did_to_speaker(subj, speaker, verb)) =>
            {
                relayed_by = s.coordinated(speaker);
                (Some(subj), Some("actor of the reported act"))
            }
            Some((subj, false)) if stance && s.only_reports(subj) => {
                relayed_by = s.coordinated(speaker);
                (Some(subj), Some("actor of the reported act"))
            }
            Some((subj, _)) => {
                preset_targets = Some(s.coordinated(subj));
                (Some(speaker), Some("speaker of reported speech"))
            }
            None => (Some(speaker), Some("speaker of reported speech")),
        }
    } else if let Some((verb, ts, giver)) = s.undergo_verb() {
        let subject = s.first_before(verb);
        preset_targets = subject.map(|a| s.coordinated(a));
        match giver {
            Some(g) => (Some(g), Some("recipient construction ('received … from')")),
            None => match s.agent_after(ts, &["from", "by"]) {
                Some(agent) => (
                    Some(agent),
                    Some("target-only construction ('faced', 'drew')"),
                ),
                // Not the subject's own actor: "Israel must lift the
                // blockade … of the people under Israeli occupation" is
                // aimed at Israel.
                None => match s.attributive_agent(ts).filter(|&g| {
                    subject.is_none_or(|a| s.coordinated(a).all(|a| root(a) != root(g)))
                }) {
                    Some(agent) => (Some(agent), Some(RULE_ATTRIBUTIVE_AGENT)),
                    None => (None, Some("target-only construction ('faced', 'drew')")),
                },
            },
        }
    } else if let Some(k) = key {
        by_rule_4 = true;
        let ks = m.tone[k].tok.start;
        let may_act = |a: usize| {
            m.actors[a].tok.end <= ks && !s.venue(a) && !s.pro_or_anti(a) && !s.against(a)
        };
        // Not one in an opening clause that a concession word sets aside
        // ("Despite Egyptian mediation, Hamas accused Israel …"), unless
        // there is no other.
        // Nor the object of an opening participle ("Vowing to hunt down
        // Chechen rebels, Putin ruled out talks") when the main clause's
        // subject is there to act.
        let participle = s.opening_participle();
        let participles = |a: usize| {
            participle.is_some_and(|(comma, subj)| {
                m.actors[a].tok.start < comma && may_act(subj) && !s.conceded(subj, ks)
            })
        };
        // Nor a backer named in an aside ("Syrian troops, backed by Moscow,
        // …"), unless there is no other; never one in an opening
        // participle's phrase with a subject after it ("Backed by U.S. air
        // strikes, Iraqi forces …").
        let actor_before = (0..m.actors.len())
            .find(|&a| may_act(a) && !s.conceded(a, ks) && !participles(a) && s.backer(a).is_none())
            .or_else(|| {
                (0..m.actors.len())
                    .find(|&a| may_act(a) && (participle.is_none() || s.backer(a).is_none()))
            });
        let first_is_object = actor_before.is_some_and(|a| s.object_of_term(a, terms, sum));
        match actor_before.filter(|_| !first_is_object) {
            Some(a) if s.described_by(a, k, speaker_root) => {
                preset_targets = Some(s.coordinated(a));
                (None, Some(RULE_DESCRIBED))
            }
            Some(a) if s.demanded_of(a, ks, speaker_root) => {
                preset_targets = Some(s.coordinated(a));
                (None, Some(RULE_DEMANDED))
            }
            Some(a) if s.passive_subject(a, ks) => {
                preset_targets = Some(s.coordinated(a));
                match s.summoned_to(ks) {
                    Some(host) => (Some(host), Some(RULE_SUMMONED_TO)),
                    None => (None, Some(RULE_PASSIVE_SUBJECT)),
                }
            }
            Some(a) => (Some(a), Some("first actor before the tone term")),
            None => {
                if let Some(first) = s.parties(terms, sum, speaker_root) {
                    // The sides act on each other, on no one else.
                    preset_targets = Some(first..first);
                    (Some(first), Some(RULE_PARTIES))
                } else {
                    match s.act_agent(k) {
                        Some(agent) => (Some(agent), Some(RULE_ACT_AGENT)),
                        // The key term in the opening participle's phrase:
                        // the participle is its subject's act.
                        None if let Some((_, subj)) =
                            participle.filter(|&(comma, _)| ks < comma) =>
                        {
                            (Some(subj), Some(RULE_PARTICIPLE))
                        }
                        None if first_is_object => (None, Some(RULE_OBJECT_FIRST)),
                        None => (None, Some(RULE_NONE_BEFORE)),
                    }
                }
            }
        }
    } else {
        let first = (0..m.actors.len()).find(|&a| !s.venue(a) && !s.pro_or_anti(a));
        match first {
            Some(a) if !s.described(a) => (Some(a), Some("first actor (no tone term)")),
            Some(_) => (None, Some("none: the actor is only described")),
            None => (None, Some("none: only a venue is named")),
        }
    };

    out.source = source;
    out.rule = rule;
    let mut taken = Roots::default(); // roots already given a role
    if let Some(src) = source {
        taken.push(root(src));
        for a in s.coordinated(src) {
            if !taken.contains(root(a)) {
                taken.push(root(a));
                out.also_sources.push(a);
            }
        }
    }
    if key.is_none() && preset_targets.is_none() {
        return; // no stance, no targets
    }
    let primary: Range<usize> = match preset_targets {
        Some(t) => t,
        None => {
            // Kindness is never aimed at an actor someone is "anti-": the
            // families of "anti-Japanese" fighters are no kindness to Japan.
            // Nor is anything aimed at one someone is "pro-": "the struggle
            // against the pro-U.S. conservatives" is aimed at them.
            let conciliatory = label == Label::Conciliatory;
            // Not the relaying speaker; nor, when co-sources may act on
            // each other, its state named with it ("Israel and Hamas agreed
            // …, *Qatar*'s foreign ministry spokesman Majed al-Ansari said").
            let relaying = |i: usize| {
                relayed_by.contains(&i)
                    || (!out.also_sources.is_empty()
                        && relayed_by.clone().any(|j| root(j) == root(i)))
            };
            let candidate = |i: &usize| {
                !taken.contains(root(*i))
                    && !relaying(*i)
                    && !s.venue(*i)
                    && source.is_none_or(|src| !s.victim(*i, src) && !s.backs(*i, src))
                    && (!conciliatory || !s.anti(*i))
                    && !s.glued_to(*i, "pro")
                    && !s.backs_actor(*i)
                    && !s.subject_pronoun(*i)
                    && !s.beside_the_act(*i)
            };
            // Each actor tested once (the first 64; any further ones, rare,
            // as asked): the searches below may each ask about every actor,
            // and the venue test alone is a look along the sentence.
            let first_64 = (0..m.actors.len().min(64))
                .filter(candidate)
                .fold(0u64, |b, i| b | 1 << i);
            let candidate = |i: &usize| match *i {
                i @ 0..64 => first_64 >> i & 1 != 0,
                _ => candidate(i),
            };
            let candidates = || (0..m.actors.len()).filter(candidate);
            // The first term on the side of the total: usually the main verb.
            let ks = first_on_side(m, terms, sum).unwrap_or(0);
            // The actor a concession is demanded of ("the United States
            // must lift the sanctions on Venezuela"), or a state or group
            // told before the key term what it should do ("Israel should
            // shoulder the blame for the freeze in talks"): the one
            // pressed. Not the speaker ("we must not forget"), nor an
            // international body, which is asked to act on someone else
            // ("the United Nations should ensure that Namibia does not
            // fall victim to the ambitions of Pretoria").
            let demanded = terms
                .iter()
                .find_map(|t| {
                    t.notes.iter().find_map(|n| match *n {
                        Note::Demanded { actor, .. } if (t.weight > 0.0) == (sum > 0.0) => {
                            Some(actor)
                        }
                        _ => None,
                    })
                })
                .filter(candidate)
                .or_else(|| {
                    // Most sentences have no modal: nothing to look for.
                    let modal = m
                        .modifiers
                        .iter()
                        .any(|h| lex.modifiers()[h.modifier].kind == ModifierKind::Demand);
                    if !modal {
                        return None;
                    }
                    let ks = key.map_or(0, |k| m.tone[k].tok.start);
                    candidates().find(|&c| s.told_to(c, ks, speaker_root))
                });
            let judged = candidates().find(|&c| s.possessive_before_tone(c));
            let pick = demanded
                .or(judged)
                .or_else(|| candidates().find(|&c| m.actors[c].tok.start >= ks))
                .or_else(|| candidates().rev().find(|&c| m.actors[c].tok.start < ks));
            pick.map(|p| s.coordinated(p)).unwrap_or_default()
        }
    };
    for t in primary {
        let r = root(t);
        if !taken.contains(r) {
            taken.push(r);
            out.targets.push(t);
        }
    }
    // A visit's host: when the visitor, a named source, has no one else to
    // aim at, the capital it visits in ("Sisi arrived in New Delhi for a
    // state visit"), as the labelling rules ask for visits.
    if source.is_some()
        && out.targets.is_empty()
        && out.also_sources.is_empty()
        && key.is_some_and(|k| s.is_visit(k))
        && let Some(host) = (0..m.actors.len())
            .find(|&i| !taken.contains(root(i)) && !relayed_by.contains(&i) && s.venue(i))
    {
        taken.push(root(host));
        out.targets.push(host);
    }
    // Co-sources act toward each other when they agree, meet or sign; a
    // hostile act of theirs is joint ("Washington and Seoul staged drills")
    // unless the sentence says it is reciprocal ("exchanged fire",
    // "accused each other").
    if out.targets.is_empty()
        && !out.also_sources.is_empty()
        && key.is_some()
        && (label != Label::Hostile || s.reciprocal() || key.is_some_and(|k| s.pair_conflict(k)))
    {
        out.mutual = true;
        out.targets.extend_from_slice(&out.also_sources);
    }
    // A relaying speaker with no one else in view is the counterpart
    // ("North Korea accepted the offer, Seoul's ministry said").
    if out.targets.is_empty() && stance {
        for t in relayed_by {
            let r = root(t);
            if !taken.contains(r) {
                taken.push(r);
                out.targets.push(t);
            }
        }
    }
    // The speaker's voice: a stance that rule 4 left without a source, aimed
    // at someone other than the speaker and, when hostile, the victims of
    // the acts it describes. Kindness toward a victim is aimed at it: "the
    // resolution expresses support for the sovereignty of Ukraine". The
    // subject of a hostile passive with no agent underwent what someone
    // unnamed did ("Two NATO soldiers were killed"), not the speaker's
    // judgement.
    let hostile_passive = label == Label::Hostile && out.rule == Some(RULE_PASSIVE_SUBJECT);
    if let Some(speaker_root) = speaker_root
        && by_rule_4
        && source.is_none()
        && stance
        && !hostile_passive
    {
        let hostile = label == Label::Hostile;
        let aimed_at = |t: usize| root(t) != speaker_root && !(hostile && s.victim_of_act(t));
        if out.targets.iter().any(|&t| aimed_at(t)) {
            out.targets.retain(|&t| aimed_at(t));
            out.speaker_voice = true;
            out.rule = Some(RULE_SPEAKER_VOICE);
        }
    }
}

/// How one mention is joined to the next (see [`Sentence::link`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Link {
    /// Not joined.
    None,
    /// By "and" or "or", or a hyphen: "Chile and Peru", "U.S.-Japan".
    And,
    /// By a comma only: joined when the list goes on to an "and".
    Comma,
    /// One name: "U.S. President Donald Trump".
    Name,
}

/// Rolled-up actors already given a role: a short list, on the stack
/// until it outgrows it.
#[derive(Default)]
struct Roots {
    first: [usize; 8],
    len: usize,
    more: Vec<usize>,
}

impl Roots {
    fn contains(&self, root: usize) -> bool {
        self.first[..self.len.min(self.first.len())].contains(&root) || self.more.contains(&root)
    }

    fn push(&mut self, root: usize) {
        if self.len < self.first.len() {
            self.first[self.len] = root;
        } else {
            self.more.push(root);
        }
        self.len += 1;
    }
}

/// The first token of the first tone term on the side of the total.
fn first_on_side(m: &Matches, terms: &[TermScore], sum: f64) -> Option<usize> {
    terms
        .iter()
        .filter(|t| sum == 0.0 || (t.weight > 0.0) == (sum > 0.0))
        .map(|t| m.tone[t.hit].tok.start)
        .min()
}

/// The hit index of the key term: the largest weight on the side of the
/// total (the first of equals).
fn strongest_term(terms: &[TermScore], sum: f64) -> usize {
    let side = |w: f64| sum == 0.0 || (w > 0.0) == (sum > 0.0);
    let mut best = &terms[0];
    for t in terms {
        let better_side = side(t.weight) && !side(best.weight);
        let same_side_stronger =
            side(t.weight) == side(best.weight) && t.weight.abs() > best.weight.abs();
        if better_side || same_side_stronger {
            best = t;
        }
    }
    best.hit
}

/// Whether the folded text between two mentions is a comma and "the":
/// ", the ".
fn comma_then_the(gap: &str) -> bool {
    gap.trim()
        .strip_prefix(',')
        .is_some_and(|rest| rest.trim() == "the")
}

/// A sentence's matches with the lexicons, and the questions the rules ask.
struct Sentence<'a> {
    lex: &'a Lexicons,
    m: &'a Matches,
    /// `links[x]`: how mention `x` is joined to mention `x + 1` (see
    /// [`Sentence::link`]), computed once.
    links: &'a [Link],
}

impl Sentence<'_> {
    fn word(&self, i: usize) -> &str {
        let t = self.m.tokens[i];
        &self.m.norm.text()[t.start..t.end]
    }

    /// Whether token `i` is the word `w`: `self.word(i) == w` by bytes,
    /// for the loops that test every token.
    fn is(&self, i: usize, w: &str) -> bool {
        let t = self.m.tokens[i];
        t.end.wrapping_sub(t.start) == w.len()
            && self.m.norm.text().as_bytes().get(t.start..t.end) == Some(w.as_bytes())
    }

    /// Folded text between token `a`'s end and token `b`'s start.
    fn between(&self, a: usize, b: usize) -> &str {
        let text = self.m.norm.text();
        let (x, y) = (self.m.tokens[a].end, self.m.tokens[b].start);
        if x <= y { &text[x..y] } else { "" }
    }

    /// Whether token `i` follows token `i - 1` with only spaces or hyphens
    /// between them, as the words of one name or phrase do ("Abu Zuhri",
    /// "MiG-31 fighter").
    fn joined(&self, i: usize) -> bool {
        self.between(i - 1, i).chars().all(|c| c == ' ' || c == '-')
    }

    /// Whether mention `a` stands in a clause opened by a concession word
    /// ("despite", "although", "amid") that a comma closes before token
    /// `ks`, and the main clause after that comma opens with another actor:
    /// "*Despite* weeks of Egyptian mediation, Hamas accused …". (After
    /// "Although Colombia had turned away the flights, it agreed …" the
    /// main clause's subject is the conceded one.)
    ///
    /// An opening phrase of circumstance works the same way: "*In* the
    /// DPRK-Japan relations, Japan must …", "*Under* pressure from
    /// Washington, Seoul agreed …" (one of [`OPENING_PREPOSITIONS`] as the
    /// sentence's first word).
    fn conceded(&self, a: usize, ks: usize) -> bool {
        let at = &self.m.actors[a].tok;
        let no_break_before = |t: usize| !self.between(t, at.start).contains([',', ';', ':']);
        // Most sentences have no concession before the mention: ask that
        // first, and look for the comma only then.
        let opened =
            (at.start > 0 && OPENING_PREPOSITIONS.contains(&self.word(0)) && no_break_before(0))
                || self.m.modifiers.iter().any(|h| {
                    h.tok.end <= at.start
                        && self.lex.modifiers()[h.modifier].kind == ModifierKind::Concession
                        && no_break_before(h.tok.start)
                });
        if !opened {
            return false;
        }
        let Some(main) = self.after_comma(at.end..ks) else {
            return false;
        };
        let main = if self.is(main, "the") { main + 1 } else { main };
        // Not a list the comma goes on with ("In the first year China,
        // Russia, Nepal and other countries published …", "… set up bases
        // in Hungary, Albania and Macedonia"): the mention starts no list,
        // and neither a comma (which every `Link::Comma` has) nor "and"
        // follows it.
        // The actor may come with its title ("…, President Luiz Inácio Lula
        // da Silva thanked Beijing").
        self.m.actors.iter().enumerate().any(|(i, x)| {
            (x.tok.start == main || (x.tok.start > main && self.titled_from(x.tok.start) == main))
                && self.coordinated(i).start == i
                && self.links.get(i) != Some(&Link::And)
                && (x.tok.end >= self.m.tokens.len()
                    || !self.between(x.tok.end - 1, x.tok.end).contains(','))
        })
    }

    /// The first mention that starts before token `tok`.
    fn first_before(&self, tok: usize) -> Option<usize> {
        self.m.actors.iter().position(|a| a.tok.start < tok)
    }

    /// How mention `x` is joined to mention `x + 1`: [`Link::And`] by "and"
    /// or "or" (with "the"/"both" allowed), [`Link::Name`] as one name,
    /// [`Link::Comma`] by a comma only
    /// (perhaps with "the": "Peru, the Dominican Republic and Chile"),
    /// [`Link::None`] not at all.
    fn link(&self, x: usize) -> Link {
        let (ex, sy) = (self.m.actors[x].tok.end, self.m.actors[x + 1].tok.start);
        if ex == 0 || sy < ex {
            // The two actors of the same words ("the two Koreas") are a pair.
            return if self.m.actors[x].paired {
                Link::And
            } else {
                Link::None
            };
        }
        let gap = &self.m.norm.text()[self.m.tokens[ex - 1].end..self.m.tokens[sy].start];
        if self.one_name(x, gap) {
            return Link::Name;
        }
        if self.m.actors[x].paired {
            return Link::And;
        }
        // Joined by "and"/"or" when every word of the gap is one of these
        // four and at least one is "and" or "or"; stop at the first other
        // word (gaps between distant mentions are long).
        let mut conjunction = false;
        let mut only_list_words = true;
        let mut words = gap
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .peekable();
        // The first name's office after its possessive belongs to it:
        // "between *Ethiopia's government* and the TPLF".
        if self.possessive(x) {
            words.next_if_eq(&"s");
            while words.next_if(|w| is_office_word(w)).is_some() {}
        }
        for w in words {
            match w {
                "and" | "or" => conjunction = true,
                "the" | "both" => {}
                _ => {
                    only_list_words = false;
                    break;
                }
            }
        }
        if conjunction && only_list_words {
            Link::And
        } else if gap.trim() == "," || comma_then_the(gap) {
            Link::Comma
        } else {
            Link::None
        }
    }

    /// Whether mentions `x` and `x + 1`, with `gap` the text between them,
    /// name one person or body: the same actor rolled up, at most
    /// [`NAME_GAP`] words apart, and those words no [`NOT_IN_NAME`] word,
    /// no tone term or modifier, with nothing but spaces between them (and
    /// the full stop of an abbreviation):
    /// "*U.S.* President *Donald Trump*", "*Turkish* President Tayyip
    /// *Erdogan*". Such a name is one mention in a list: "mediated by
    /// Turkish President Tayyip Erdogan" is a go-between, Erdogan with it.
    fn one_name(&self, x: usize, gap: &str) -> bool {
        let (a, b) = (&self.m.actors[x], &self.m.actors[x + 1]);
        let actors = self.lex.actors();
        if actors[a.actor].root != actors[b.actor].root || b.tok.start - a.tok.end > NAME_GAP {
            return false;
        }
        let hit = |r: &Range<usize>| r.start < b.tok.start && a.tok.end < r.end;
        gap.bytes()
            .all(|c| c.is_ascii_alphabetic() || c == b' ' || c == b'.')
            && (a.tok.end..b.tok.start).all(|i| !NOT_IN_NAME.contains(&self.word(i)))
            && !self.m.tone.iter().any(|t| hit(&t.tok))
            && !self.m.modifiers.iter().any(|t| hit(&t.tok))
    }

    /// The mention and every mention joined to it in a list ("Chile,
    /// Peru and Bolivia"; a comma joins only inside a list that ends
    /// with "and" or "or"), in order: a run of neighbouring mentions,
    /// never empty.
    fn coordinated(&self, a: usize) -> Range<usize> {
        let n = self.m.actors.len();
        let links = self.links;
        // A comma link counts when the chain after it reaches an "and".
        let joined = |x: usize| -> bool {
            let mut i = x;
            while i < links.len() {
                match links[i] {
                    Link::And => return true,
                    Link::Name if i == x => return true,
                    Link::Comma | Link::Name => i += 1,
                    Link::None => return links[x] == Link::Comma && self.and_others(i),
                }
            }
            links[x] == Link::Comma && self.and_others(i)
        };
        let mut first = a;
        while first > 0 && joined(first - 1) {
            first -= 1;
        }
        let mut last = a;
        while last + 1 < n && joined(last) {
            last += 1;
        }
        first..last + 1
    }

    /// Whether the mention is a venue: a place alias (a capital, a seat of
    /// government) right after "in" or "at" ("a summit in Addis Ababa",
    /// "talks at the Kremlin"), but for a ruler's seat ([`RULER_NOUNS`]:
    /// "the government *in Kyiv*", "the puppet regime *in Seoul*" are the
    /// state).
    fn venue(&self, a: usize) -> bool {
        let h = &self.m.actors[a];
        let Some(alias) = h.alias else {
            return false;
        };
        let Some(p) = self.word_before(a) else {
            return false;
        };
        let place = self.lex.aliases()[alias].place;
        if place {
            return (matches!(self.word(p), "in" | "at")
                && !self.embassy_host(p)
                && !self.seat_of_rule(p))
                || self.names_a_document(a, place);
        }
        self.scene(a, p)
            || self.listed_in_scene(a)
            || self.opening_place(a)
            || self.names_a_document(a, place)
            || self.forum(a)
    }

    /// Whether the "in" or "at" at token `p` follows one of [`RULER_NOUNS`]
    /// ("the regime *in* Pretoria"), and not a summit's "Heads of State and
    /// Government *in* Copenhagen".
    fn seat_of_rule(&self, p: usize) -> bool {
        p > 0 && RULER_NOUNS.contains(&self.word(p - 1)) && !(p > 1 && self.is(p - 2, "and"))
    }

    /// Whether the "in" at token `p` names the host of an embassy that a
    /// tone term opens, closes or reopens: "the United States reopened its
    /// embassy *in* Honiara" is aimed at Solomon Islands, not a venue.
    fn embassy_host(&self, p: usize) -> bool {
        p > 0
            && matches!(
                self.word(p - 1),
                "embassy" | "embassies" | "consulate" | "consulates"
            )
            && self.m.tone.iter().any(|t| t.tok.contains(&(p - 1)))
    }

    /// Whether mention `a` ends a list with "and" and others that are no
    /// actor of the lexicons: "Argentina, Chile, Peru *and four other*
    /// Latin American countries", "Mali, Niger *and others*". The comma
    /// list before it is then a list too.
    fn and_others(&self, a: usize) -> bool {
        let end = self.m.actors[a].tok.end;
        let n = self.m.tokens.len();
        end + 1 < n
            && self.is(end, "and")
            && !self.between(end - 1, end).contains([',', ';', ':'])
            && (end + 1..(end + 3).min(n)).any(|i| self.is(i, "other") || self.is(i, "others"))
    }

    /// Whether mention `a` is a forum where the act takes place: an
    /// international body's organ ("at the U.N. Security Council", "at the
    /// European Council") or a body's meeting ("at the NATO summit", "at
    /// the ASEAN talks") after "at", the "at" of no tone term ("lashed out
    /// at" aims) nor after a word of aiming ([`AIM_WORDS`]: "fired at U.N.
    /// peacekeepers"). "Kinshasa and Kigali traded accusations at the U.N.
    /// Security Council" accuse each other, not the council.
    fn forum(&self, a: usize) -> bool {
        // Asked of most mentions: the "at" before the name's first mention
        // ([`Link::Name`]) is looked for first.
        let mut start = a;
        while start > 0 && self.links[start - 1] == Link::Name {
            start -= 1;
        }
        let Some(p) = self.word_before(start) else {
            return false;
        };
        if p == 0 || !self.is(p, "at") || AIM_WORDS.contains(&self.word(p - 1)) {
            return false;
        }
        // The name's last mention says what it names: "the U.N. *Security
        // Council*".
        let mut end = a;
        while self.links.get(end) == Some(&Link::Name) {
            end += 1;
        }
        let last = &self.m.actors[end];
        let actors = self.lex.actors();
        let named = &actors[last.actor];
        let organ = named.kind == ActorKind::Organisation
            && named.parent.is_some()
            && actors[named.root].kind == ActorKind::Organisation;
        let meeting = last.tok.end < self.m.tokens.len()
            && MEETING_NOUNS.contains(&self.word(last.tok.end))
            && actors[named.root].kind == ActorKind::Organisation;
        (organ || meeting)
            && !self.possessive(end)
            && !self.m.tone.iter().any(|t| t.tok.contains(&p))
    }

    /// Whether mention `a` is the scene of a conflict, an event or a
    /// residence, or listed after one: no agent of a passive or an act
    /// ("perturbed by the conflicts *in Chad*"), where a capital after
    /// "in" may be ("the policies pursued by the regime in Pretoria").
    fn in_scene(&self, a: usize) -> bool {
        self.word_before(a).is_some_and(|p| self.scene(a, p)) || self.listed_in_scene(a)
    }

    /// Whether mention `a` is listed after a scene ("the conflicts in
    /// Madagascar, *Somalia* and *Afghanistan*"): the first of the mentions
    /// joined to it is the place of a conflict.
    fn listed_in_scene(&self, a: usize) -> bool {
        // Commas count: "in Libya, Syria, Yemen and elsewhere" is a list
        // with no actor after "and".
        let first = self.first_joined(a);
        first != a
            && self
                .word_before(first)
                .is_some_and(|p| self.scene(first, p))
    }

    /// Whether mention `a` only names a document or a meeting, by the
    /// word right after it: "the *Beijing* Declaration", "the *Rome*
    /// Statute", "the *Helsinki* Final Act", "the *Doha* Round", "the
    /// *Barbados* Programme of Action". After a capital, any of
    /// [`DOCUMENT_WORDS`]; after a country's name, the few of
    /// [`COUNTRY_DOCUMENT_WORDS`] ("the *Japan* agreement" may be one with
    /// Japan).
    fn names_a_document(&self, a: usize, place: bool) -> bool {
        let (start, end) = (self.m.actors[a].tok.start, self.m.actors[a].tok.end);
        if end >= self.m.tokens.len() || !may_be_document_word(self.word(end)) {
            return false;
        }
        // Not one of a pair: "the *U.S.-Japan* pact" is theirs.
        let paired = self.m.actors.get(a + 1).is_some_and(|b| b.tok.start == end)
            || (a > 0 && self.m.actors[a - 1].tok.end == start);
        let next = self.word(end);
        if paired {
            false
        } else if place {
            DOCUMENT_WORDS.contains(&next)
        } else {
            COUNTRY_DOCUMENT_WORDS.contains(&next)
                && self.lex.actors()[self.m.actors[a].actor].kind == ActorKind::State
        }
    }

    /// The token before mention `a`, past a "the": where its preposition
    /// would be ("in *the* Sudan", "*against* South Africa").
    fn word_before(&self, a: usize) -> Option<usize> {
        match self.m.actors[a].tok.start {
            0 => None,
            1 => Some(0),
            s if self.is(s - 1, "the") => Some(s - 2),
            s => Some(s - 1),
        }
    }

    /// Whether mention `a` is, or is listed with, the place a sentence
    /// opens with: "*In Iraq*, al-Qaeda blew up the mosque", "In the Sudan,
    /// the fighting goes on", "In Liberia, Sierra Leone and Burundi,
    /// democracy …". The sentence's first word is "in" (perhaps with
    /// "the"), and a comma closes the place or the list of places. A name
    /// after that comma starts the sentence proper ("In Namibia, South
    /// Africa upholds its rule").
    fn opening_place(&self, a: usize) -> bool {
        // Most sentences open with another word: that test first.
        if self.m.tokens.is_empty() || !self.is(0, "in") {
            return false;
        }
        let group = self.coordinated(a);
        let last = group.end - 1;
        let end = self.m.actors[last].tok.end;
        self.word_before(group.start) == Some(0)
            && end < self.m.tokens.len()
            && self.between(end - 1, end).starts_with(',')
    }

    /// Whether mention `a` (or the list it is in) follows "against" ("slogans
    /// *against India*", "the war against the Sudan and Chad"): what is
    /// done against an actor is never done by it.
    fn against(&self, a: usize) -> bool {
        self.word_before_list(a)
            .is_some_and(|w| self.is(w, "against"))
    }

    /// Whether mention `a` (or its list) stands beside the act, only
    /// mentioned, never a target: its go-between, after "brokered by",
    /// "mediated by", "hosted by" or "facilitated by" ("a truce *brokered
    /// by Qatar, Egypt and the United States*"), or a partner in drills,
    /// right after "with" within two words of a [`DRILL_NOUNS`] word
    /// ("suspended the drills *with South Korea* to support diplomacy with
    /// Pyongyang"). The list's preposition is found once for both.
    fn beside_the_act(&self, a: usize) -> bool {
        const BROKERING: &[&str] = &["brokered", "mediated", "hosted", "facilitated"];
        self.word_before_list(a).is_some_and(|w| {
            (w > 0 && self.is(w, "by") && BROKERING.contains(&self.word(w - 1)))
                || (self.is(w, "with")
                    && (w.saturating_sub(2)..w).any(|i| DRILL_NOUNS.contains(&self.word(i))))
        })
    }

    /// Where the phrase of support that mention `a` (or its list) backs
    /// someone in begins: the token of its participle, when "by" and the
    /// list follow it ("*Backed by Moscow*, Syrian troops …", "Syrian
    /// troops, *backed by Russian warplanes*, shelled …"). The phrase opens
    /// the sentence or follows a comma: it is an aside on who stands behind
    /// the act, and the backer is not the one acting. "by" after a verb of
    /// the sentence proper ("the plan was supported by China") is a
    /// passive's agent instead.
    fn backer(&self, a: usize) -> Option<usize> {
        let by = self.word_before_list(a)?;
        let p = by.checked_sub(1)?;
        (self.is(by, "by")
            && crate::lexicon::BACKING_WORDS.contains(&self.word(p))
            && (p == 0 || self.between(p - 1, p).contains(',')))
        .then_some(p)
    }

    /// Whether mention `a` backs the source `src` (see
    /// [`Sentence::backer`]): the source opens the clause after the phrase
    /// ("Backed by Moscow, *Syrian* troops shelled …") or ends the words
    /// before it ("*Syrian* troops, backed by Moscow, shelled …"). An ally
    /// of the one acting is no target of its act; one backing somebody
    /// else ("the puppets, backed by the U.S., …" in a judgement of both)
    /// stays one.
    fn backs(&self, a: usize, src: usize) -> bool {
        let Some(p) = self.backer(a) else {
            return false;
        };
        let tok = &self.m.actors[src].tok;
        if p == 0 {
            let end = self.m.actors[self.coordinated(a).end - 1].tok.end;
            self.after_comma(end..self.m.tokens.len())
                .is_some_and(|comma| {
                    tok.start >= comma && self.titled_from(tok.start).max(comma) - comma <= 2
                })
        } else {
            tok.end <= p && p - tok.end <= 2
        }
    }

    /// Whether tone hit `k` is a visit ("visit", "visited", "a state
    /// visit"): a term of category `consult` whose last word starts with
    /// "visit".
    fn is_visit(&self, k: usize) -> bool {
        let hit = &self.m.tone[k];
        self.lex.tone()[hit.term].category == "consult"
            && hit.tok.end > 0
            && self.word(hit.tok.end - 1).starts_with("visit")
    }

    /// The token before the list that mention `a` is in (see
    /// [`Sentence::word_before`]): where the list's preposition would be
    /// ("against *Chile, Peru and Bolivia*").
    fn word_before_list(&self, a: usize) -> Option<usize> {
        self.word_before(self.coordinated(a).start)
    }

    /// Whether mention `a` is glued to "pro-" or "anti-" ("the *pro-U.S.*
    /// conservatives", "*anti-Japanese* rallies") or to a word of support
    /// after it ("the *Iran*-backed Houthis", [`ActorHit::backs`]): it
    /// describes someone else, for, against or behind it, and is never the
    /// one acting.
    ///
    /// [`ActorHit::backs`]: crate::lexicon::ActorHit::backs
    fn pro_or_anti(&self, a: usize) -> bool {
        self.glued_to(a, "pro") || self.anti(a) || self.m.actors[a].backs
    }

    /// Whether mention `a` stands behind the actor named right after it,
    /// its word of support between, perhaps with one more word ("the
    /// *Iran*-backed Houthis", "*Iranian*-backed Hamas terrorists"): the
    /// backed actor is the one aimed at. A sponsor of a thing ("a
    /// *U.S.*-backed resolution", "*UN*-sponsored conferences") may be the
    /// target itself.
    fn backs_actor(&self, a: usize) -> bool {
        let end = self.m.actors[a].tok.end;
        self.m.actors[a].backs
            && self
                .m
                .actors
                .get(a + 1)
                .is_some_and(|b| b.tok.start > end && b.tok.start <= end + 2)
    }

    /// Whether mention `a` is glued to "anti-" ("*anti-Japanese* rallies").
    fn anti(&self, a: usize) -> bool {
        self.glued_to(a, "anti")
    }

    /// Whether mention `a` is the speaker's "we" or "I": a subject, never
    /// the one an act is aimed at ("in welcoming this new Member, *we* are
    /// certain …"), where "us", "our country" or "my Government" may be
    /// ("those who threaten *us*").
    fn subject_pronoun(&self, a: usize) -> bool {
        let h = &self.m.actors[a];
        h.alias.is_none()
            && h.tok.len() == 1
            && (self.is(h.tok.start, "we") || self.is(h.tok.start, "i"))
    }

    /// Whether mention `a` follows `prefix` and a hyphen ("pro-U.S.").
    fn glued_to(&self, a: usize, prefix: &str) -> bool {
        // Hyphens are spaces in the folded text.
        let s = self.m.actors[a].tok.start;
        s >= 1 && self.is(s - 1, prefix) && self.between(s - 1, s) == " "
    }

    /// Whether mention `a`, after "in" at token `p`, is where a conflict
    /// happens: "the war in Ukraine", "the crisis in the Sudan" (one of
    /// [`SCENE_NOUNS`] before "in"), where someone lives
    /// ([`RESIDENCE_WORDS`]) or where an event is held ([`EVENT_WORDS`]).
    /// Not when the mention names one side
    /// of a pair, another mention right after it ("tension in DPRK-U.S.
    /// relations").
    fn scene(&self, a: usize, p: usize) -> bool {
        if p == 0 || !self.is(p, "in") {
            return false;
        }
        let before = self.word(p - 1);
        let end = self.m.actors[a].tok.end;
        let event = EVENT_WORDS.contains(&before) && {
            // The place ends the phrase: the sentence, a clause or a list
            // goes on after it, not a noun it qualifies.
            let last = self.m.actors[self.coordinated(a).last().unwrap_or(a)]
                .tok
                .end;
            last >= self.m.tokens.len()
                || self
                    .between(last - 1, last)
                    .contains([',', ';', ':', '.', '(', ')'])
                || PLACE_FOLLOWERS.contains(&self.word(last))
        };
        if !(event || SCENE_NOUNS.contains(&before) || RESIDENCE_WORDS.contains(&before)) {
            return false;
        }
        // Hyphens are spaces in the folded text; a comma ends the pair.
        let paired =
            self.m.actors.get(a + 1).is_some_and(|b| {
                b.tok.start == end && matches!(self.between(end - 1, end), " " | "/")
            });
        !paired
    }

    /// Whether mention `a` is the victim of an act that the sentence's
    /// source only judges, not carries out (with the actors joined to it):
    /// the actor after "against" an
    /// act that a judging term just before condemns ("we condemn the
    /// aggression *against Ukraine*", "rejects the sanctions *against
    /// Venezuela*"), or after a participle of [`VICTIM_PARTICIPLES`] that
    /// the source does not act with ("concern at the *occupied
    /// Palestinian* territory"). Such an actor is only mentioned, not a
    /// target; where the source does the act ("Israel *occupied* Syrian
    /// land", "Russia waged war against Ukraine"), it stays one.
    fn victim(&self, a: usize, source: usize) -> bool {
        let first = self.first_joined(a);
        let v = self.m.actors[first].tok.start;
        if v == 0 || self.possessive(a) {
            return false;
        }
        let lex = self.lex;
        let category = |t: &crate::lexicon::ToneHit| lex.tone()[t.term].category.as_str();
        if VICTIM_PARTICIPLES.contains(&self.word(v - 1)) {
            return !self
                .m
                .tone
                .iter()
                .any(|t| t.tok.end == v && self.acts_on(source, t.tok.start));
        }
        let Some(act) = self.act_before(first, &["against"]) else {
            return false;
        };
        let no_stop = |x: usize, y: usize| !self.between(x, y).contains([',', ';', ':', '(', ')']);
        self.m.tone.iter().any(|e| {
            e.tok.end <= act.tok.start
                && act.tok.start - e.tok.end <= JUDGED_WITHIN
                && JUDGING_CATEGORIES.contains(&category(e))
                && no_stop(e.tok.end - 1, act.tok.start)
                && (e.tok.end..act.tok.start).all(|i| JUDGED_GAP_WORDS.contains(&self.word(i)))
        })
    }

    /// Whether mention `a` is the victim of an act named right before it:
    /// "the wars *against Iraq*", "the bombing attack *on the United
    /// Nations* offices", "the *occupied* Palestinian territory". The
    /// speaker's voice describes such acts and does none, so for it such an
    /// actor is only mentioned.
    fn victim_of_act(&self, a: usize) -> bool {
        let first = self.first_joined(a);
        let v = self.m.actors[first].tok.start;
        !self.possessive(a)
            && !self.insulted(a)
            && ((v >= 1 && VICTIM_PARTICIPLES.contains(&self.word(v - 1)))
                || self.act_before(first, &["against", "on"]).is_some()
                || self.undergoes(first))
    }

    /// Whether an insult is part of mention `a` or right after it ("the
    /// *U.S. imperialists*", "the Japanese *imperialist* troops"): no
    /// one calls a victim so, so the actor is the enemy, not the victim,
    /// of a war "against" it that the speaker's side fought.
    fn insulted(&self, a: usize) -> bool {
        // The insult after the last of a coordination names them all: "the
        // Japanese and U.S. *imperialists*".
        self.coordinated(a).any(|b| {
            let t = &self.m.actors[b].tok;
            self.m.tone.iter().any(|h| {
                (t.contains(&h.tok.start) || h.tok.start == t.end)
                    && self.lex.tone()[h.term].category == "insult"
            })
        })
    }

    /// Whether mention `a` follows "of" (perhaps "of the") after one of
    /// [`UNDERGONE_NOUNS`]: "the occupation *of Kuwait*", "the inalienable
    /// rights *of the Palestinian* people".
    fn undergoes(&self, a: usize) -> bool {
        let v = self.m.actors[a].tok.start;
        let mut of = if v >= 2 && self.is(v - 1, "of") {
            v - 1
        } else if v >= 3 && self.is(v - 1, "the") && self.is(v - 2, "of") {
            v - 2
        } else {
            return false;
        };
        // "the slaughter of *thousands of* Palestinian civilians".
        if of >= 3 && QUANTITY_WORDS.contains(&self.word(of - 1)) && self.is(of - 2, "of") {
            of -= 2;
        }
        // "the rule of the Japanese imperialists", "the shelling of the
        // south Korean puppet army": there "of" names the doers.
        let end = self.m.actors[a].tok.end;
        let doers =
            (end..(end + 2).min(self.m.tokens.len())).any(|i| DOER_NOUNS.contains(&self.word(i)));
        UNDERGONE_NOUNS.contains(&self.word(of - 1)) && !doers
    }

    /// The first of the mentions joined to mention `a` by "and", "or" or
    /// commas ("against Iraq and *Afghanistan*" → Iraq), from the cached
    /// links.
    fn first_joined(&self, a: usize) -> usize {
        let mut first = a;
        while first > 0 && self.links.get(first - 1).is_some_and(|&l| l != Link::None) {
            first -= 1;
        }
        first
    }

    /// The hostile act (a tone term of [`ACT_CATEGORIES`]) right before one
    /// of `preps` and perhaps "the" before mention `a`: "aggression
    /// *against* Ukraine", "the attack *on the* UN offices".
    fn act_before(&self, a: usize, preps: &[&str]) -> Option<&crate::lexicon::ToneHit> {
        let v = self.m.actors[a].tok.start;
        let prep = |i: usize| preps.iter().any(|w| self.is(i, w));
        let p = if v >= 1 && prep(v - 1) {
            v - 1
        } else if v >= 2 && self.is(v - 1, "the") && prep(v - 2) {
            v - 2
        } else {
            return None;
        };
        // Words that may stand between the act and its preposition: "the
        // embargo *unfairly set* against Cuba", "the attack *carried out*
        // on the camp", "the blockade *which is imposed* on Gaza".
        let gap = |i: usize| {
            let w = self.word(i);
            w.ends_with("ed") || w.ends_with("ly") || ACT_GAP_WORDS.contains(&w)
        };
        self.m.tone.iter().find(|t| {
            let term = &self.lex.tone()[t.term];
            t.tok.end <= p
                && p - t.tok.end <= ACT_GAP
                && term.weight < 0.0
                && ACT_CATEGORIES.contains(&term.category.as_str())
                && (t.tok.end..p).all(gap)
                && !self
                    .between(t.tok.end - 1, p)
                    .contains([';', ':', '(', ')'])
        })
    }

    /// Whether the source (with its co-sources) does the act of the tone
    /// term starting at token `ts`: the first tone term after the source
    /// starts at most [`ACTS_WITHIN`] words after it, with no form of *be*
    /// between, and is that term or joined to it by "and" or a comma, term
    /// by term ("Israel *has occupied*", "the United States *invaded and
    /// occupied*"; not "Lithuania *condemned the* occupied").
    fn acts_on(&self, source: usize, ts: usize) -> bool {
        let group = self.coordinated(source);
        let end = self.m.actors[group.last().unwrap_or(source)].tok.end;
        let next_term = |from: usize| {
            self.m
                .tone
                .iter()
                .filter(|t| t.tok.start >= from)
                .min_by_key(|t| t.tok.start)
        };
        let Some(mut t) = next_term(end) else {
            return false;
        };
        if t.tok.start > ts
            || t.tok.start - end > ACTS_WITHIN
            || (end..t.tok.start).any(|i| BE_FORMS.contains(&self.word(i)))
        {
            return false;
        }
        while t.tok.start < ts {
            let Some(n) = next_term(t.tok.end) else {
                return false;
            };
            let joined = t.tok.end > 0
                && ((n.tok.start == t.tok.end + 1 && self.is(t.tok.end, "and"))
                    || (n.tok.start == t.tok.end
                        && self.between(t.tok.end - 1, n.tok.start).trim() == ","));
            if !joined {
                return false;
            }
            t = n;
        }
        t.tok.start == ts
    }

    /// Whether the mention is followed by a possessive `'s` (or `'`).
    fn possessive(&self, a: usize) -> bool {
        let end = self.m.actors[a].tok.end;
        if end == 0 {
            return false;
        }
        let t = self.m.tokens[end - 1];
        let word = &self.m.norm.text()[t.start..t.end];
        word.ends_with("'s") || self.m.norm.text()[t.end..].starts_with('\'')
    }

    /// Whether the word after mention `a` is one of [`SPEAKER_OFFICES`].
    fn office_after(&self, a: usize) -> bool {
        let end = self.m.actors[a].tok.end;
        end < self.m.tokens.len() && SPEAKER_OFFICES.contains(&self.word(end))
    }

    /// The sentence says its act goes both ways: "each other", "one
    /// another", "mutual(ly)", "tit-for-tat", "between" two named sides, or
    /// a verb of two sides
    /// ([`RECIPROCAL_VERBS`]: "exchanged fire", "traded accusations",
    /// "clashed").
    fn reciprocal(&self) -> bool {
        let n = self.m.tokens.len();
        (0..n).any(|i| {
            let w = self.word(i);
            let next = |x: &str| i + 1 < n && self.is(i + 1, x);
            (w == "each" && (next("other") || next("other's")))
                || (w == "one" && (next("another") || next("another's")))
                || (w == "between" && self.between_parties(i))
                || (w == "tit" && next("for"))
                || w.starts_with("mutual")
                || RECIPROCAL_VERBS.iter().any(|v| w.starts_with(v))
        })
    }

    /// Whether the key term `k` comes right after a pair named with a
    /// hyphen, as its head noun: "the *Iran-Iraq* war", "the
    /// *Israeli-Palestinian* conflict" are between the two. Drills are not
    /// ("*U.S.-South Korean* drills" are joint), nor is a term further on
    /// ("*U.S.-Japan* joint exercises").
    fn pair_conflict(&self, k: usize) -> bool {
        let hit = &self.m.tone[k];
        self.lex.tone()[hit.term].category != "force_posture"
            && self
                .m
                .actors
                .windows(2)
                .any(|w| w[0].paired && w[1].tok.end == hit.tok.start)
    }

    /// "between" at token `i` names two sides: "between them", "between
    /// the two", "between both", "between the DPRK and the U.S.".
    fn between_parties(&self, i: usize) -> bool {
        let n = self.m.tokens.len();
        let at = |j: usize, w: &str| j < n && self.is(j, w);
        at(i + 1, "them")
            || at(i + 1, "both")
            || (at(i + 1, "the") && at(i + 2, "two"))
            || self
                .m
                .actors
                .iter()
                .any(|a| a.tok.start == i + 1 || (a.tok.start == i + 2 && at(i + 1, "the")))
    }

    /// Rule 4: the first of the parties named right after a tone term on
    /// the side of the total, or inside it, by "between" ("agreements
    /// *between* south Korea and Japan", "relations *between* Seoul and
    /// Tokyo have improved",
    /// "tension *between* the two Koreas' navies" does not name two): two
    /// or more actors joined by "and", none of them the speaker. They are
    /// the co-sources, each other's targets. With the speaker among them
    /// ("relations between the DPRK and Malawi"), the speaker's voice
    /// decides instead.
    fn parties(&self, terms: &[TermScore], sum: f64, speaker_root: Option<usize>) -> Option<usize> {
        let n = self.m.tokens.len();
        let at = terms
            .iter()
            .filter(|t| sum == 0.0 || (t.weight > 0.0) == (sum > 0.0))
            .find_map(|t| {
                // After the term, or inside it: "relations between ...
                // improved" holds its sides.
                let tok = &self.m.tone[t.hit].tok;
                (tok.start..(tok.end + 3).min(n)).find(|&i| self.is(i, "between"))
            })?;
        let first = self.m.actors.iter().position(|a| {
            a.tok.start == at + 1 || (a.tok.start == at + 2 && self.is(at + 1, "the"))
        })?;
        let group = self.coordinated(first);
        let two = group.clone().any(|a| {
            self.lex.actors()[self.m.actors[a].actor].root
                != self.lex.actors()[self.m.actors[first].actor].root
        });
        (group.start == first && two && !group.clone().any(|a| self.is_speaker(a, speaker_root)))
            .then_some(first)
    }

    /// "China's coercive drills": a possessive mention with a tone term
    /// starting within two words after it.
    fn possessive_before_tone(&self, a: usize) -> bool {
        let end = self.m.actors[a].tok.end;
        self.possessive(a)
            && self
                .m
                .tone
                .iter()
                .any(|t| t.tok.start >= end && t.tok.start - end <= 2)
    }

    /// Rule 3: an undergo verb up to three words before a hostile term, or
    /// a [`RECEIVE_VERBS`] verb up to [`RECEIVE_WINDOW`] words before a
    /// conciliatory one with an actor after "from": the verb's token, the
    /// term's, and for a received one the giver.
    fn undergo_verb(&self) -> Option<(usize, usize, Option<usize>)> {
        for t in &self.m.tone {
            let ts = t.tok.start;
            let hostile = self.lex.tone()[t.term].weight < 0.0;
            if !hostile {
                // "received a message of condolences from Carter": what
                // is received comes from the actor after "from". The few
                // words before the term are tested first, on their first
                // letter, then as verbs; most terms have none of them.
                let receives = |i: usize| {
                    let w = self.word(i);
                    matches!(w.as_bytes().first(), Some(b'r' | b'w' | b'e' | b'd' | b'g'))
                        && RECEIVE_VERBS.contains(&w)
                };
                let from = ts.saturating_sub(RECEIVE_WINDOW);
                if let Some(v) = (from..ts)
                    .rev()
                    .find(|&i| receives(i) && self.first_before(i).is_some())
                {
                    if let Some(giver) = self.giver_after(ts) {
                        return Some((v, ts, Some(giver)));
                    }
                    // Given by no one named ("drew praise *from* speaker
                    // after speaker", no actor after it): the subject
                    // still only receives.
                    let end = t.tok.end;
                    if end < self.m.tokens.len()
                        && self.is(end, "from")
                        && !self.m.actors.iter().any(|a| a.tok.start > end)
                    {
                        return Some((v, ts, None));
                    }
                }
                continue;
            }
            let undergo_before = |at: usize| {
                (at.saturating_sub(3)..at).rev().find(|&i| {
                    UNDERGO_VERBS.contains(&self.word(i)) && self.first_before(i).is_some()
                })
            };
            // Or counted from the act's own actor, if named before it ("has
            // endured years of *U.S.-led* sanctions").
            if let Some(v) = undergo_before(ts).or_else(|| {
                self.attributive_agent(ts)
                    .and_then(|a| undergo_before(self.m.actors[a].tok.start))
            }) {
                return Some((v, ts, None));
            }
        }
        None
    }

    /// Mention `a` is the object of a verb of tone on the side of the
    /// total that stands right before it, perhaps with "the": "The meeting
    /// *denounced* the Lee Myung Bak forces for their provocations". The
    /// subject is then no actor, and `a` is not the source for standing
    /// first before a stronger term in the reason clause. A preposition
    /// between ("killed in U.S. strikes", "war hawks of south Korea") makes
    /// it no object, and an insult right before a name is an epithet ("the
    /// puppet south Korean army", "fascist Germany").
    fn object_of_term(&self, a: usize, terms: &[TermScore], sum: f64) -> bool {
        let start = self.m.actors[a].tok.start;
        terms.iter().any(|t| {
            let hit = &self.m.tone[t.hit];
            (t.weight > 0.0) == (sum > 0.0)
                && self.lex.tone()[hit.term].category != "insult"
                && hit.tok.end <= start
                && (hit.tok.end == start || (hit.tok.end + 1 == start && self.is(start - 1, "the")))
                && !self
                    .between(hit.tok.end - 1, start)
                    .contains([',', ';', ':', '(', ')', '\''])
        })
    }

    /// The giver of what a [`RECEIVE_VERBS`] verb's subject received: the
    /// first mention within [`GIVER_WINDOW`] words after the first "from"
    /// after token `after`, also past a name it does not know and a comma
    /// ("from Jimmy Carter, ex-president of the U.S."), not past a `;`.
    fn giver_after(&self, after: usize) -> Option<usize> {
        let j = (after..self.m.tokens.len()).find(|&j| self.is(j, "from"))?;
        self.mention_after(j, GIVER_WINDOW, &[';'])
    }

    /// The first mention starting within `window` words after token `j`,
    /// with none of `stops` between.
    fn mention_after(&self, j: usize, window: usize, stops: &[char]) -> Option<usize> {
        self.m.actors.iter().position(|a| {
            a.tok.start > j
                && a.tok.start <= j + window
                && !self.between(j, a.tok.start).contains(stops)
        })
    }

    /// The one who summons an envoy in a passive: the first mention within
    /// [`AGENT_WINDOW`] words after "summoned to", when the key term at
    /// token `ks` is "summoned": "Japan's deputy ambassador was summoned
    /// *to South Korea's Foreign Ministry*", "… summoned to the foreign
    /// ministry *in Beijing*" (the capital is the host's).
    fn summoned_to(&self, ks: usize) -> Option<usize> {
        if !(self.is(ks, "summoned") && ks + 1 < self.m.tokens.len() && self.is(ks + 1, "to")) {
            return None;
        }
        self.mention_after(ks + 1, AGENT_WINDOW, &[',', ';'])
    }

    /// The actor named right before the hostile act that starts at token
    /// `ts`, as the word that says whose act it is: "suffered from *Chinese*
    /// retaliation", "struggling under relentless *Russian* attacks", "is
    /// reeling from *U.S.-led* sanctions", "under *Israel's* occupation".
    /// The act is a term of [`ACT_CATEGORIES`]; the mention ends where it
    /// starts, or one "led" or "backed" word before it ("U.S.-led").
    fn attributive_agent(&self, ts: usize) -> Option<usize> {
        // Most acts have no actor right before them: the word before is
        // read only when one ends there.
        let a = self.m.actors.iter().position(|a| {
            a.tok.end == ts
                || (a.tok.end + 1 == ts && matches!(self.word(ts - 1), "led" | "backed"))
        })?;
        let end = self.m.actors[a].tok.end;
        if end == 0 {
            return None;
        }
        let act = self.m.tone.iter().any(|t| {
            t.tok.start == ts && ACT_CATEGORIES.contains(&self.lex.tone()[t.term].category.as_str())
        });
        (act && !self.between(end - 1, end).contains([',', ';', ':', '('])).then_some(a)
    }

    /// The first mention within [`AGENT_WINDOW`] words after one of `preps`
    /// that follows token `after`.
    fn agent_after(&self, after: usize, preps: &[&str]) -> Option<usize> {
        for j in after..self.m.tokens.len() {
            if !preps.iter().any(|p| self.is(j, p)) {
                continue;
            }
            if let Some(a) = self.mention_after(j, AGENT_WINDOW, &[',', ';']) {
                return Some(a);
            }
        }
        None
    }

    /// Rule 4's agent of the act: the mention right after a "by" that
    /// follows tone hit `key` within [`ACT_AGENT_WITHIN`] words of
    /// [`ACT_AGENT_GAP_WORDS`], in the same clause: "the occupation of
    /// Kuwait by Iraq", "the embargo *imposed* by the Council",
    /// "attacked by Russia, the city …". A term of tone that describes a
    /// thing done ("the *commendable* efforts made by", "*supports* many
    /// decisions taken by") has a noun between, and "by peaceful means",
    /// with no actor after it, names no one.
    fn act_agent(&self, key: usize) -> Option<usize> {
        let end = self.m.tone.get(key)?.tok.end;
        let n = self.m.tokens.len();
        // Any word may follow a preposition ("violations of international
        // law by"); before one, only the gap words and actors' words.
        let mut after_prep = false;
        for j in end..(end + ACT_AGENT_WITHIN + 1).min(n) {
            if self.between(j - 1, j).contains([',', ';', ':']) {
                return None;
            }
            if self.is(j, "by") {
                // "by the racist regime of South Africa", but not "by
                // peaceful means against Seoul" or "by isolating the DPRK".
                if j + 1 < n && self.word(j + 1).ends_with("ing") {
                    return None;
                }
                let a = self
                    .mention_after(j, AGENT_WINDOW, &[',', ';'])
                    .filter(|&a| !self.in_scene(a))?;
                let start = self.m.actors[a].tok.start;
                let joined = (j + 1..start).any(|i| NOT_IN_AGENT_PHRASE.contains(&self.word(i)));
                return (!joined).then_some(a);
            }
            let w = self.word(j);
            after_prep |= ACT_AGENT_PREPS.contains(&w);
            let in_mention = self.m.actors.iter().any(|a| a.tok.contains(&j));
            // Acts joined by "and" share the agent: "the invasion *and
            // annexation* of Kuwait by Iraq", "acts of aggression *and
            // intimidation* by Israel"; the words of the second act, right
            // after the "and", only.
            let joined_act = matches!(w, "and" | "or")
                || self.m.tone.iter().any(|t| {
                    t.tok.contains(&j)
                        && t.tok.start > end
                        && matches!(self.word(t.tok.start - 1), "and" | "or")
                });
            if !after_prep && !in_mention && !joined_act && !ACT_AGENT_GAP_WORDS.contains(&w) {
                return None;
            }
        }
        None
    }

    /// Rule 2: "was … by X": the agent mention and the be-form's token.
    ///
    /// A "by" after a be-form, in the same clause (no comma between), may
    /// start a passive's agent. The passive of the act the sentence rates
    /// is one with a tone term before its "by" and after the be-form or the
    /// "by" before ("was voted by ten states but vetoed by Washington").
    /// The first of those with an agent is the source. If none has one
    /// ("were kidnapped by gangs"), no passive names the source, not even
    /// one of no tone ("…, Chile is now ranked by the World Bank"). Only
    /// with no rated passive does any passive's agent count ("sanctions
    /// were imposed by the EU").
    fn passive_agent(&self) -> Option<(usize, usize)> {
        // An agent is a mention after a "by", so only a "by" before the
        // last mention can have one, and only a be-form at most
        // PASSIVE_WINDOW words before such a "by" can start a passive:
        // look there only (and nowhere without one).
        let last_mention = self.m.actors.iter().map(|a| a.tok.start).max()?;
        let first_by = (0..last_mention).find(|&j| self.is(j, "by"))?;
        if let Some(found) = self.headline_passive() {
            return Some(found);
        }
        let last_by = (first_by..last_mention)
            .rev()
            .find(|&j| self.is(j, "by"))
            .unwrap_or(first_by);
        let mut rated = false;
        let mut unrated = None;
        for i in first_by.saturating_sub(LONG_PASSIVE_WINDOW)..last_by {
            if !BE_FORMS.iter().any(|be| self.is(i, be)) {
                continue;
            }
            // A progressive is active: "who *is making* the first visit by
            // a pontiff" ("is being investigated by" is passive).
            let next = self.word(i + 1);
            if next.ends_with("ing") && next != "being" {
                continue;
            }
            // The be-form, or the "by" before this one.
            let mut from = i;
            for j in i + 1..(i + 1 + LONG_PASSIVE_WINDOW).min(self.m.tokens.len()) {
                if !self.is(j, "by") {
                    continue;
                }
                if j > i + PASSIVE_WINDOW && !self.long_passive(i, j) {
                    break;
                }
                if self.between(i, j).contains([',', ';']) {
                    break;
                }
                // A long passive's agent stands in a plain phrase: "by the
                // recent events *in* East Timor" names no doer.
                let agent = self.agent_of_by(j).filter(|&a| {
                    j <= i + PASSIVE_WINDOW
                        || (j + 1..self.m.actors[a].tok.start)
                            .all(|k| !NOT_IN_AGENT_PHRASE.contains(&self.word(k)))
                });
                if self
                    .m
                    .tone
                    .iter()
                    .any(|t| t.tok.start > from && t.tok.end <= j)
                {
                    rated = true;
                    if let Some(a) = agent {
                        return Some((a, i));
                    }
                } else if unrated.is_none() {
                    unrated = agent.map(|a| (a, i));
                }
                from = j;
            }
        }
        if rated { None } else { unrated }
    }

    /// Whether the form of *be* at token `be` and the "by" at token `by`,
    /// more than [`PASSIVE_WINDOW`] words apart, still make one passive:
    /// a participle right after *be* (not one of [`STATIVE_PARTICIPLES`]),
    /// then only phrases of place and time ("Two drones *were launched* at
    /// a merchant ship in the Gulf of Aden *by* Houthi forces"). Any other
    /// participle ("-ed" past four letters, so "Red Sea" passes, or one of
    /// [`IRREGULAR_PARTICIPLES`], [`PARTICIPLES`] or
    /// [`OTHER_PARTICIPLES`]), any "-ing" word or any of
    /// [`LONG_PASSIVE_STOPS`] between may have a "by" of its own. Nor may
    /// the passive stand in a relative clause ("the line *which was
    /// drawn* in the waters of the DPRK by the U.S. imperialist aggressor
    /// forces"): its doer is no more than a detail of the speaker's own
    /// description.
    fn long_passive(&self, be: usize, by: usize) -> bool {
        let irregular = |w: &str| {
            IRREGULAR_PARTICIPLES.contains(&w)
                || PARTICIPLES.contains(&w)
                || OTHER_PARTICIPLES.contains(&w)
        };
        let p = self.word(be + 1);
        let participle = (p.ends_with("ed") || irregular(p)) && !STATIVE_PARTICIPLES.contains(&p);
        // The verb group's first word ("which *have* been forced", "that
        // *was* being perpetrated").
        let mut first = be;
        while first > 0
            && (BE_FORMS.contains(&self.word(first - 1))
                || ["has", "have", "had"].contains(&self.word(first - 1)))
        {
            first -= 1;
        }
        let relative = first > 0 && ["which", "that", "who"].contains(&self.word(first - 1));
        participle
            && !relative
            && !(be + 2..by).any(|k| {
                let w = self.word(k);
                (w.len() > 4 && w.ends_with("ed"))
                    || w.ends_with("ing")
                    || LONG_PASSIVE_STOPS.contains(&w)
                    || BE_FORMS.contains(&w)
                    || irregular(w)
            })
    }

    /// A passive with no form of *be*, as headlines write it and as a
    /// reduced clause reads: the first mention, perhaps with one word of
    /// its own ("Myanmar *Junta*"), then a participle that is the
    /// sentence's first tone term, then "by" and the agent ("Kenya *Praised
    /// By* U.N. Chief …", "Myanmar Junta *Condemned By* ASEAN Over …"). The
    /// agent mention and the participle's token.
    fn headline_passive(&self) -> Option<(usize, usize)> {
        let first = self.m.actors.first()?;
        let t = self.m.tone.first()?;
        let (ts, te) = (t.tok.start, t.tok.end);
        let by = te;
        let participle = te > ts && self.word(te - 1).ends_with("ed");
        if !participle
            || ts < first.tok.end
            || ts - first.tok.end > 1
            || by >= self.m.tokens.len()
            || !self.is(by, "by")
            || self
                .between(first.tok.end - 1, by)
                .contains([',', ';', ':'])
        {
            return None;
        }
        Some((self.agent_of_by(by)?, ts))
    }

    /// The agent a passive's "by" at token `by` names: the first mention
    /// within [`AGENT_WINDOW`] words after it, in the same clause, not in a
    /// scene, and not past a word that aims the agent's act at what
    /// follows ("battered by Western sanctions *against* Russia" names no
    /// agent; see [`AIMED_AT`]).
    fn agent_of_by(&self, by: usize) -> Option<usize> {
        self.mention_after(by, AGENT_WINDOW, &[',', ';'])
            .filter(|&a| !self.in_scene(a))
            .filter(|&a| {
                (by + 1..self.m.actors[a].tok.start).all(|i| !AIMED_AT.contains(&self.word(i)))
            })
    }

    /// Rule 4: mention `a` (perhaps with others joined to it, perhaps
    /// heading a short noun phrase: "Russian diplomats") is the subject of
    /// a passive with no actor for agent, and the key term at token `ks` is
    /// what it underwent: either the term is the participle ("Israel *was
    /// condemned* over the raid", "Russian diplomats *have been expelled*")
    /// or it follows the "by" of one ("websites *were hit by* a wave of
    /// *cyberattacks*"); or the participle is the first term after the
    /// subject ("Seoul *was accused* of *spying*"). A passive with an actor
    /// for agent is rule 1's.
    /// The participle ends in "-ed" or is one of [`IRREGULAR_PARTICIPLES`],
    /// and is none of [`STATIVE_PARTICIPLES`] ("we are deeply concerned"
    /// is a stance the subject holds). One adverb may stand after *be*
    /// ("was sharply criticised", "were not invited").
    fn passive_subject(&self, a: usize, ks: usize) -> bool {
        let participle = |i: usize| {
            let w = self.word(i);
            (w.ends_with("ed") || IRREGULAR_PARTICIPLES.contains(&w))
                && !STATIVE_PARTICIPLES.contains(&w)
        };
        // The form of *be* (perhaps with one adverb after it) before token
        // `p`, within three words after the subject.
        let end = self.m.actors[self.coordinated(a).last().unwrap_or(a)]
            .tok
            .end;
        let be_before = |p: usize| {
            let adverb = |i: usize| {
                self.word(i).ends_with("ly")
                    || ["not", "never", "also", "again"].contains(&self.word(i))
            };
            let be = match p.checked_sub(1) {
                Some(b) if BE_FORMS.contains(&self.word(b)) => b,
                Some(b) if b > 0 && adverb(b) && BE_FORMS.contains(&self.word(b - 1)) => b - 1,
                _ => return false,
            };
            be >= end
                && (be - end <= 3 || self.subject_phrase(end, be))
                && !self
                    .between(end.saturating_sub(1), be)
                    .contains([',', ';', ':'])
        };
        // The participle is the key term, or the first term after the
        // subject ("Seoul *was accused* of spying", key term "spying").
        let first_after = self.m.tone.iter().map(|t| t.tok.start).find(|&t| t >= end);
        if [Some(ks), first_after]
            .into_iter()
            .flatten()
            .any(|p| participle(p) && be_before(p))
        {
            return true;
        }
        // "were hit by a wave of cyberattacks", "were hit with sanctions",
        // "were hit in an overnight drone attack": "by" (or "with" after
        // one of [`WITH_PARTICIPLES`], "in" after one of
        // [`IN_PARTICIPLES`]) within four words before the key term, no
        // actor between them.
        (ks.saturating_sub(5)..ks).any(|by| {
            by > 0
                && (self.is(by, "by")
                    || (self.is(by, "with") && WITH_PARTICIPLES.contains(&self.word(by - 1)))
                    || (self.is(by, "in") && IN_PARTICIPLES.contains(&self.word(by - 1))))
                && participle(by - 1)
                && be_before(by - 1)
                && !self
                    .m
                    .actors
                    .iter()
                    .any(|x| x.tok.start > by && x.tok.start < ks)
        })
    }

    /// Whether tokens `from..be` can be the rest of a subject's noun phrase
    /// before its form of *be* at `be`: at most [`SUBJECT_PHRASE_MAX`]
    /// words, none a past form ("-ed"), a verb of speech or a word that
    /// opens a clause ([`SUBJECT_PHRASE_STOPS`]), no actor and no tone term
    /// among them ("*Georgian* oil depots near the coast were hit", "Hamas
    /// arms caches in the north were struck"; not "Russia said the depots
    /// were hit").
    fn subject_phrase(&self, from: usize, be: usize) -> bool {
        be - from <= SUBJECT_PHRASE_MAX
            && (from..be).all(|i| {
                let w = self.word(i);
                !w.ends_with("ed") && !SUBJECT_PHRASE_STOPS.contains(&w) && !BE_FORMS.contains(&w)
            })
            && !self
                .m
                .actors
                .iter()
                .any(|a| a.tok.start >= from && a.tok.start < be)
            && !self
                .m
                .tone
                .iter()
                .any(|t| t.tok.start >= from && t.tok.start < be)
    }

    /// Rule 3: the speaker mention (the first of its coordination) and the
    /// first token of its reporting verb.
    fn speaker(&self) -> Option<(usize, usize)> {
        for h in &self.m.modifiers {
            if self.lex.modifiers()[h.modifier].kind != ModifierKind::Speech {
                continue;
            }
            let v = h.tok.start;
            let tone_between = |a: usize, b: usize| {
                self.m.tone.iter().any(|t| {
                    t.tok.start >= a
                        && t.tok.end <= b
                        && self.lex.tone()[t.term].weight.abs() >= crate::score::NO_STANCE_WEIGHT
                })
            };
            // "X said": the last actor ending shortly before the verb, in
            // the same phrase.
            // Or with an office and a name between ("Hamas *official Sami
            // Abu Zuhri* told", "Indian *Foreign Ministry spokesman Arindam
            // Bagchi* said").
            if let Some(a) = self.m.actors.iter().rposition(|a| {
                a.tok.end <= v
                    && (v - a.tok.end <= SPEAKER_BEFORE || self.office_and_name(a.tok.end, v))
            }) {
                let end = self.m.actors[a].tok.end;
                let phrase_ok = !self.between(end - 1, v).contains([',', ';', ':'])
                    && (end..v).all(|i| !NOT_IN_SPEAKER_PHRASE.contains(&self.word(i)));
                if phrase_ok && !tone_between(end, v) {
                    return Some((self.coordinated(a).start, v));
                }
            }
            // "said X", "according to X", "according to figures published
            // by X"; but "said X's tests were …"
            // reports a clause about X (see SPEAKER_OFFICES), and so does
            // "said X should …". After "told" the actor is the one told
            // ("Modi told Zelenskiy that …"), never the speaker.
            if matches!(self.word(v), "told" | "tells") {
                continue;
            }
            // Nor after "said of" or "said about": "…,” the committee said
            // *of* South Korea's president.
            if h.tok.end < self.m.tokens.len() && matches!(self.word(h.tok.end), "of" | "about") {
                continue;
            }
            let reported_by = |a: &crate::lexicon::ActorHit| {
                let (from, to) = (h.tok.end, a.tok.start);
                to >= from
                    && (to - from <= SPEAKER_AFTER
                        || (to - from <= REPORT_AFTER
                            && (from..to).all(|i| REPORT_WORDS.contains(&self.word(i)))))
            };
            if let Some(a) = self.m.actors.iter().position(reported_by)
                && (!self.possessive(a) || self.office_after(a))
                && !self.is_demand_modal(self.after_subject(a, self.m.tokens.len()))
            {
                return Some((a, v));
            }
            if let Some(a) = self.named_then_titled(h.tok.end) {
                return Some((a, v));
            }
        }
        self.trailing_speech()
    }

    /// "said *Zhu Fenglian, a spokeswoman for Beijing's* Taiwan Affairs
    /// Office": after a reporting verb ending at token `at`, a person's name
    /// (one to [`NAME_WORDS`] words), a comma, "a", "an" or "the", one to
    /// three of [`SPEAKER_OFFICES`] ("spokeswoman", "foreign minister"),
    /// "for", "of" or "at", perhaps "the", and the mention whose office it
    /// is.
    fn named_then_titled(&self, at: usize) -> Option<usize> {
        let n = self.m.tokens.len();
        // The name: words joined by spaces up to the comma.
        let comma = (at + 1..n.min(at + NAME_WORDS + 1)).find(|&i| !self.joined(i))?;
        if !self.between(comma - 1, comma).trim().starts_with(',')
            || self
                .m
                .actors
                .iter()
                .any(|a| a.tok.start < comma && a.tok.end > at)
        {
            return None;
        }
        let mut i = comma;
        if i < n && matches!(self.word(i), "a" | "an" | "the") {
            i += 1;
        }
        let offices = (i..n.min(i + 3))
            .take_while(|&k| SPEAKER_OFFICES.contains(&self.word(k)) && (k == i || self.joined(k)))
            .count();
        i += offices;
        if offices == 0 || i >= n || !matches!(self.word(i), "for" | "of" | "at") {
            return None;
        }
        i += 1;
        if i < n && self.is(i, "the") {
            i += 1;
        }
        self.m.actors.iter().position(|a| a.tok.start == i)
    }

    /// "…, Pyongyang warned (on Monday).": a [`TRAILING_SPEECH`] verb at
    /// the end, or before "on" and one word or one of [`WHEN_WORDS`], perhaps
    /// with its audience between ([`AUDIENCE_WORDS`]: "warned lawmakers"); right
    /// before it an actor, perhaps with its office ("Seoul's foreign ministry
    /// warned", [`SPEAKER_OFFICES`]) or an office and a name ("Israeli
    /// Defence Minister Yoav Gallant warned"); and before that actor only a comma or
    /// a quote, perhaps with "the". So "the people of Pakistan feel
    /// threatened", "as Guyana has long pledged to do" and "are being
    /// threatened" report no one. The speaker and the verb.
    fn trailing_speech(&self) -> Option<(usize, usize)> {
        let n = self.m.tokens.len();
        // Every sentence with an actor asks this: the verb is looked for
        // only where it may stand, and each of those words is first tested
        // on its length and last letter.
        let text = self.m.norm.text().as_bytes();
        let verb_at = |i: usize| {
            // Tested on the token's bytes first (every such verb has five
            // letters or more and ends in "d" or "s"), without making the
            // word: most words fail here.
            let t = &self.m.tokens[i];
            t.end - t.start >= 5
                && matches!(text[t.end - 1], b'd' | b's')
                && TRAILING_SPEECH.contains(&self.word(i))
        };
        // The end of the sentence, before "on Monday" or "again", or before
        // where and when it was said ("at a ceremony in Seoul on Tuesday").
        let end = if n >= 2 && self.is(n - 2, "on") {
            n - 2
        } else if n >= 1 && WHEN_WORDS.contains(&self.word(n - 1)) {
            n - 1
        } else {
            n
        };
        // Or before a closing clause of background, perhaps after "on
        // Sunday" ("…, Thailand's army chief warned on Sunday *as fighting
        // raged across the border*").
        let ends_at = |e: usize| {
            e == end
                || self.said_where(e)
                || self.background_to_end(e)
                || self.time_after_to_end(e)
                || (self.is(e, "on")
                    && (self.background_to_end(e + 2) || self.time_after_to_end(e + 2)))
        };
        // The verb, perhaps before its audience ("warned lawmakers").
        let v = (end.saturating_sub(BACKGROUND_MAX + 4)..end)
            .rev()
            .find(|&v| {
                verb_at(v)
                    && (ends_at(v + 1)
                        || (AUDIENCE_WORDS.contains(&self.word(v + 1)) && ends_at(v + 2)))
            })?;
        let a = self.m.actors.iter().rposition(|a| a.tok.end <= v)?;
        let first = self.coordinated(a).start;
        let (start, end) = (self.m.actors[first].tok.start, self.m.actors[a].tok.end);
        // Only its office between, or an office and a name ("Israeli
        // *Defence Minister Yoav Gallant* warned").
        let office_only = ((end..v).all(|i| SPEAKER_OFFICES.contains(&self.word(i)))
            || self.office_and_name(end, v))
            && !self.between(end - 1, v).contains([',', ';', ':']);
        let lead = self.titled_from(start);
        let lead = if lead > 0 && self.is(lead - 1, "the") {
            lead - 1
        } else {
            lead
        };
        let opens = lead > 0 && self.between(lead - 1, lead).contains([',', '"', '\'']);
        (office_only && opens).then_some((first, v))
    }

    /// Whether tokens `from..to` are an office and a person's name, joined
    /// by spaces: one or more of [`SPEAKER_OFFICES`], then one to
    /// [`NAME_WORDS`] other words ("*official Sami Abu Zuhri*", "*Foreign
    /// Ministry spokesman Arindam Bagchi*").
    fn office_and_name(&self, from: usize, to: usize) -> bool {
        if from == 0 || from >= to || to - from > NAME_WORDS + 4 || to > self.m.tokens.len() {
            return false;
        }
        let offices = (from..to)
            .take_while(|&i| SPEAKER_OFFICES.contains(&self.word(i)))
            .count();
        let names = to - from - offices;
        offices > 0
            && (1..=NAME_WORDS).contains(&names)
            && (from + offices..to).all(|i| !NOT_IN_SPEAKER_PHRASE.contains(&self.word(i)))
            && (from + 1..to).all(|i| self.joined(i))
    }

    /// Where a person's title and given names before mention start `start`
    /// begin ("*Prime Minister Narendra* Modi", "*Foreign Minister* Wang
    /// Yi"): back over at most two words joined by spaces, then over one or
    /// more of [`SPEAKER_OFFICES`], perhaps joined by "of" ("Secretary of
    /// State"); `start` itself when no title stands there.
    fn titled_from(&self, start: usize) -> usize {
        let joined = |i: usize| self.between(i - 1, i).trim().is_empty();
        let mut names = start;
        while names > 0
            && start - names < 2
            && joined(names)
            && !SPEAKER_OFFICES.contains(&self.word(names - 1))
            && !matches!(
                self.word(names - 1),
                "and" | "or" | "the" | "of" | "that" | "who"
            )
        {
            names -= 1;
        }
        // Offices, perhaps joined by "of" ("*Secretary of State* Alexander
        // Haig").
        let office = |i: usize| SPEAKER_OFFICES.contains(&self.word(i));
        let mut title = names;
        while title > 0
            && joined(title)
            && (office(title - 1)
                || (title >= 2 && title < names && self.is(title - 1, "of") && office(title - 2)))
        {
            title -= 1;
        }
        if title < names { title } else { start }
    }

    /// Whether the words from token `at` to the end say where or when
    /// something was said, and nothing more: a [`SAID_WHERE_PREPOSITIONS`]
    /// word, then at most [`SAID_WHERE_MAX`] words with no comma, no tone
    /// term and no actor but a venue ("at an Armed Forces Day ceremony",
    /// "in a speech in Tokyo on Tuesday", "during a visit to the border").
    fn said_where(&self, at: usize) -> bool {
        self.closing_phrase(at, SAID_WHERE_PREPOSITIONS, SAID_WHERE_MAX)
            && !self.m.tone.iter().any(|t| t.tok.end > at)
            && self
                .m
                .actors
                .iter()
                .enumerate()
                .all(|(i, a)| a.tok.start < at || self.venue(i))
    }

    /// Whether the words from token `at` to the end are a clause of
    /// background after a trailing speech verb: one of
    /// [`BACKGROUND_OPENERS`], then at most [`BACKGROUND_MAX`] words with
    /// no comma. It may hold tone ("as fighting raged") and name other
    /// actors ("after the Russian ambassador was summoned"): the stance is
    /// the speaker's, the background only its occasion.
    fn background_to_end(&self, at: usize) -> bool {
        self.closing_phrase(at, BACKGROUND_OPENERS, BACKGROUND_MAX)
    }

    /// Whether the words from token `at` to the end are a span of time
    /// before a clause of background: at most three of [`TIME_SPAN_WORDS`]
    /// or numbers, then [`Sentence::background_to_end`] ("…, Indian Foreign
    /// Minister Pranab Mukherjee warned on Friday, *a week after the
    /// attacks*").
    fn time_after_to_end(&self, at: usize) -> bool {
        let n = self.m.tokens.len();
        let mut i = at;
        while i < n && i - at < 3 && {
            let w = self.word(i);
            TIME_SPAN_WORDS.contains(&w) || w.bytes().all(|b| b.is_ascii_digit())
        } {
            i += 1;
        }
        i > at && self.background_to_end(i)
    }

    /// Whether the words from token `at` to the end are one of `openers`
    /// and at most `max` words in all, with no comma.
    fn closing_phrase(&self, at: usize, openers: &[&str], max: usize) -> bool {
        let n = self.m.tokens.len();
        at < n
            && n - at <= max
            && openers.contains(&self.word(at))
            && !self.between(at, n - 1).contains([',', ';', ':'])
    }

    /// The actor a reported clause is about: the first mention of another
    /// actor than the speaker's, standing at the start of the sentence
    /// (within its first three words: "North Korea fired …, Seoul said") or
    /// right after the verb ("Erdogan said Serbia and Kosovo …"); none when
    /// the sentence opens with the speaker's own side. The flag
    /// tells which: `true` when the clause comes before its reporting verb.
    fn reported_subject(&self, speaker: usize, verb: usize) -> Option<(usize, bool)> {
        let root = |i: usize| self.lex.actors()[self.m.actors[i].actor].root;
        let speakers = self.coordinated(speaker);
        let speakers_own = |i: usize| speakers.clone().any(|j| root(j) == root(i));
        // A clause that opens with the speaker's own side reports its own
        // act ("Lithuania expelled Russia's ambassador …, Foreign Minister
        // Gabrielius Landsbergis said"): no other actor is its subject.
        if self.m.actors[0].tok.start <= 2 && speakers_own(0) && !speakers.contains(&0) {
            return None;
        }
        // The clause may open after a phrase of circumstance or concession
        // ("Despite a deal reached in July, *Chinese* coast guard ships
        // fired …, Manila said"): counted from its comma, and only its own
        // actors.
        let opens = self.opening_phrase_end().filter(|&o| o < verb).unwrap_or(0);
        let first = (0..self.m.actors.len())
            .find(|&i| !speakers_own(i) && self.m.actors[i].tok.start >= opens)?;
        let start = self.m.actors[first].tok.start;
        // A doer named in an "of" phrase counts only when the clause tells
        // of its act ("Ships of the Chinese coast guard blasted …"), not
        // when it is a party to what others do ("The delegations of
        // Afghanistan and Jordan expressed agreement with Guatemala").
        let part_acts = || {
            self.part_of(opens, start)
                && (self.acts(first, verb, true) || self.did_to_speaker(first, speaker, verb))
        };
        if (start - opens <= 2 || self.launched_by(opens, start) || part_acts()) && start < verb {
            Some((first, true))
        } else if start > verb && start <= verb + 3 {
            Some((first, false))
        } else {
            None
        }
    }

    /// Whether the clause that opens at token `opens` names the doer of
    /// its act at token `start` as the agent of a participle right after
    /// its head noun: one to three words, a participle ("-ed", or one of
    /// [`IRREGULAR_PASTS`]) that is not a word of support, "by" and
    /// perhaps "the" ("*Missiles fired by the* Houthis struck a tanker …,
    /// the U.S. military said"; "*Drones launched by* the RSF hit …"). The
    /// weapons are the agent's act. Not "*Rebels backed by* Rwanda
    /// attacked …": a backer stands behind the act (see
    /// [`crate::lexicon::BACKING_WORDS`]). The head may be a weapon or an
    /// attack ("missiles", "bombs"), but no other act of tone ("*Sanctions*
    /// applied by the U.S. are an anachronism, Rodong Sinmun says"): what is
    /// said of such an act is the speaker's judgement.
    fn launched_by(&self, opens: usize, start: usize) -> bool {
        let Some(by) = start.checked_sub(1 + usize::from(start > 0 && self.is(start - 1, "the")))
        else {
            return false;
        };
        if by < opens + 2 || by > opens + 4 || !self.is(by, "by") {
            return false;
        }
        let participle = self.word(by - 1);
        let judged = |t: &ToneHit| {
            let term = &self.lex.tone()[t.term];
            term.weight.abs() >= NO_STANCE_WEIGHT
                && !["force_posture", "assault"].contains(&term.category.as_str())
        };
        (participle.ends_with("ed") || IRREGULAR_PASTS.contains(&participle))
            && !crate::lexicon::BACKING_WORDS.contains(&participle)
            && !self
                .between(opens, start)
                .contains([',', ';', ':', '(', '"', '“'])
            && !self
                .m
                .tone
                .iter()
                .any(|t| t.tok.start >= opens && t.tok.start < by && judged(t))
    }

    /// Whether the clause that opens at token `opens` names the doer of its
    /// act at token `start` in an "of" phrase after a head of one or two
    /// words, perhaps with "the" ("*Ships of the* Chinese coast guard
    /// blasted …", "*Units of* the Russian army shelled …"): the head is a
    /// plural, the actor's parts or tools. No punctuation, clause word or
    /// tone term in the head: "the invasion of Ukraine" is an act done to
    /// Ukraine. Not an office ("The chairman of the Mexican Committee …
    /// noted that …" is a speaker).
    fn part_of(&self, opens: usize, start: usize) -> bool {
        let Some(of) = start.checked_sub(1 + usize::from(start > 0 && self.is(start - 1, "the")))
        else {
            return false;
        };
        let head = self.word(of - 1);
        of > opens
            && of <= opens + 2
            && self.is(of, "of")
            && head.ends_with('s')
            && !head.ends_with("ss")
            && !is_office_word(head)
            && (opens + 1..start).all(|i| self.joined(i))
            && (opens..of).all(|i| {
                let w = self.word(i);
                !CLAUSE_WORDS.contains(&w) || ["the", "a", "an"].contains(&w)
            })
            && !self
                .m
                .tone
                .iter()
                .any(|t| t.tok.start >= opens && t.tok.start < start)
    }

    /// Whether the reported clause tells of the subject's past deed to the
    /// speaker's own side, however long its predicate: the subject mention
    /// (or its coordination) is followed, within [`DEED_VERB_WITHIN`] words
    /// of its noun phrase, by a past verb ("-ed" or [`IRREGULAR_PASTS`]; not
    /// a participle before "by": "infantry *backed by* tanks"), and after
    /// that verb, with no punctuation but hyphens between, by a mention of
    /// the speaker's own side ("Soviet tanks and troops *stormed* into
    /// *Budapest* before dawn … and opened fire on government buildings,
    /// Hungarian state radio said"; "Chinese infantry backed by tanks and
    /// artillery *crossed* into northern *Vietnam* …, Radio Hanoi said").
    /// The speaker tells what was done to it: the doer is the source,
    /// whichever word carries the tone. Not a possessive ("China's
    /// ships …"), a question, a subject told what it must do or what
    /// will be done to it (see [`Sentence::acts`]), or a clause with an
    /// insult: there the speaker judges.
    fn did_to_speaker(&self, subj: usize, speaker: usize, verb: usize) -> bool {
        let root = |i: usize| self.lex.actors()[self.m.actors[i].actor].root;
        let speakers = self.coordinated(speaker);
        let group = self.coordinated(subj);
        let end = self.m.actors[group.end - 1].tok.end;
        if (self.possessive(subj) && !self.office_after(subj)) || end >= verb {
            return false;
        }
        let (tok, text) = (&self.m.tokens, self.m.norm.text());
        if text[tok[end - 1].end..tok[verb].start].contains('?')
            || self.is_demand_modal(self.after_subject(subj, verb))
            || self.will_undergo(end, verb)
        {
            return false;
        }
        // A clause that calls names ("*Traitor* Lee Myung Bak promoted …,
        // thus revealing his intention to persist in the standoff with the
        // DPRK, says Minju Joson"): the speaker judges, it does not only
        // tell.
        if self
            .m
            .tone
            .iter()
            .any(|t| t.tok.start < verb && self.lex.tone()[t.term].category == "insult")
        {
            return false;
        }
        let past = |i: usize| {
            let w = self.word(i);
            (w.ends_with("ed") || IRREGULAR_PASTS.contains(&w))
                && !STATIVE_PARTICIPLES.contains(&w)
                && !self.is(i + 1, "by")
        };
        let Some(deed) = (end..verb.min(end + DEED_VERB_WITHIN + 1))
            .take_while(|&i| {
                let w = self.word(i);
                self.joined(i) && !DEED_GAP_STOPS.contains(&w) && !BE_FORMS.contains(&w)
            })
            .find(|&i| past(i))
        else {
            return false;
        };
        (group.end..self.m.actors.len()).any(|i| {
            let a = &self.m.actors[i];
            a.tok.start > deed
                && a.tok.start < verb
                && !speakers.contains(&i)
                && speakers.clone().any(|j| root(j) == root(i))
                && (deed + 1..=a.tok.start).all(|t| self.joined(t))
        })
    }

    /// A sentence's opening participial phrase ("-ed": "Angered",
    /// "Encouraged", "Alarmed"; "-ing": "Declaring", "Speaking", but none of
    /// [`ING_PREPOSITIONS`] or [`OPENING_PREPOSITIONS`]), ended by its first
    /// comma: the token after that comma and the main clause's subject, the
    /// first actor after it, at most two words on, not counting its title
    /// and given names ("Angered that …, *Seoul* hauled in …", "Encouraged
    /// by the talks, the *Chinese* side …", "Declaring …, Prime Minister
    /// Vladimir *Putin* …"). When the key term stands in the phrase, the
    /// participle is that subject's own feeling or act; the phrase's own
    /// actors are the participle's objects ("Vowing to hunt down *Chechen
    /// rebels*, Putin ruled out talks"), not the main clause's source. Not
    /// when a form of *be* stands before the comma: "Invited to the
    /// reception were …" is an inversion, its subject after the verb.
    fn opening_participle(&self) -> Option<(usize, usize)> {
        let n = self.m.tokens.len();
        if n == 0 {
            return None;
        }
        let first = self.word(0);
        // "-ing" before a plural noun is an adjective: "*Developing*
        // countries need …".
        let participle = first.ends_with("ed")
            || (first.ends_with("ing")
                && !ING_PREPOSITIONS.contains(&first)
                && !OPENING_PREPOSITIONS.contains(&first)
                && (n < 2 || !GROUP_NOUNS.contains(&self.word(1))));
        // Not a name ("Beijing, …").
        if !participle || self.m.actors.first().is_some_and(|a| a.tok.start == 0) {
            return None;
        }
        let comma = self.after_comma(1..n)?;
        // Not an inversion ("Invited to the reception *were* …"): a form of
        // *be* of the participle's own phrase, not of a clause inside it
        // ("Declaring *that* there would be no more war, …").
        let clause = (1..comma).find(|&t| self.is(t, "that")).unwrap_or(comma);
        if (1..clause).any(|t| BE_FORMS.contains(&self.word(t))) {
            return None;
        }
        let a = (0..self.m.actors.len()).find(|&a| self.m.actors[a].tok.start >= comma)?;
        // Its title and given names may stand before it ("*Prime Minister
        // Vladimir* Putin").
        let start = self.m.actors[a].tok.start;
        let lead = self.titled_from(start).max(comma);
        // Not the next name of a list that the comma only parts ("Citing
        // moves of the U.S., *Japan* and south Korea, the article …").
        let list = self.coordinated(a);
        let listed = list.start < a
            || (a > 0
                && self.m.actors[a - 1].tok.end == comma
                && start == comma
                && list.end > a + 1);
        (lead - comma <= 2 && !listed && (!self.possessive(a) || self.office_after(a)))
            .then_some((comma, a))
    }

    /// The token after the comma that ends a sentence's opening phrase of
    /// circumstance or concession (its first word one of
    /// [`OPENING_PREPOSITIONS`] or a concession: "In July, …", "Despite
    /// the deal, …"), if it opens with one.
    fn opening_phrase_end(&self) -> Option<usize> {
        let opening = !self.m.tokens.is_empty()
            && (OPENING_PREPOSITIONS.contains(&self.word(0))
                || self.m.modifiers.iter().any(|h| {
                    h.tok.start == 0
                        && self.lex.modifiers()[h.modifier].kind == ModifierKind::Concession
                }));
        if !opening {
            return None;
        }
        self.after_comma(1..self.m.tokens.len())
    }

    /// The first token in `range` (which must start after token 0) that a
    /// comma stands right before: where an opening phrase ends.
    fn after_comma(&self, mut range: Range<usize>) -> Option<usize> {
        range.find(|&t| self.between(t - 1, t).contains(','))
    }

    /// Whether a speaker before its verb only reports the act of the
    /// subject `subj` of the clause after it ("South Korea's military said
    /// *North Korea fired* two ballistic missiles"): the subject acts
    /// ([`Sentence::acts`]) in its clause, up to the first comma or
    /// semicolon after it, and every stance-bearing term of the sentence
    /// stands there, each of [`REPORTED_ACTS`]. A term outside it is the
    /// speaker's own judgement ("Seoul *condemned* the launch and said …",
    /// "…, calling it a provocation"), and so is a term of praise, blame or
    /// cooperation ("the Syrian federation said Kim Jong Il *led* the
    /// struggle to *victory*"): then the speaker is the source.
    fn only_reports(&self, subj: usize) -> bool {
        let n = self.m.tokens.len();
        let start = self.m.actors[subj].tok.start;
        let end = (start + 1..n)
            .find(|&t| self.between(t - 1, t).contains([',', ';', ':']))
            .unwrap_or(n);
        let weighs = |t: &ToneHit| self.lex.tone()[t.term].weight.abs() >= NO_STANCE_WEIGHT;
        self.m.tone.iter().filter(|t| weighs(t)).all(|t| {
            t.tok.start > start
                && t.tok.end <= end
                && REPORTED_ACTS.contains(&self.lex.tone()[t.term].category.as_str())
        }) && self.acts(subj, end, true)
    }

    /// Whether the subject mention acts in its reported clause, which ends
    /// before token `verb` (the reporting verb after it, or the clause's
    /// first comma when the verb comes first: [`Sentence::only_reports`]):
    /// the sentence has no stance, or a tone term follows the subject
    /// (or its coordination) within [`ACTS_WITHIN`] words, before `verb`,
    /// with no form of *be*, undergo verb ("will face") or verb of meaning
    /// ("means war") between, and not
    /// itself a threat undergone ("would pay a heavy price"). A possessive
    /// does not act ("Russia's war"), unless an office follows it
    /// ("Brazil's president will travel …"), nor one a demand modal follows
    /// ("Rwanda must withdraw …"). Nor does a subject whose term stands in quotation marks
    /// ("Taiwan will “pay a heavy price” …, Beijing said"; "Russia has a
    /// “true friend” in Pyongyang, Kim said"): the quoted words are the
    /// speaker's own, so the speaker judges and the subject is the target.
    /// Nor does the subject of a question in its clause ("“Who authorised
    /// NATO to bomb …?” Ivanov said"): the speaker challenges it.
    fn acts(&self, subj: usize, verb: usize, stance: bool) -> bool {
        if self.possessive(subj) && !self.office_after(subj) {
            return false;
        }
        // A question the speaker puts ("“Who authorised *NATO* to bomb a
        // sovereign country?” Ivanov said") is the speaker's challenge,
        // not a report of the subject's act.
        let (tok, text) = (&self.m.tokens, self.m.norm.text());
        let from = tok[self.m.actors[subj].tok.start].end;
        let to = tok.get(verb).map_or(text.len(), |t| t.start);
        if from < to && text[from..to].contains('?') {
            return false;
        }
        // Told what it must do, it does nothing yet: the speaker demands
        // ("“Rwanda *must* withdraw its troops,” Kinshasa said").
        if self.is_demand_modal(self.after_subject(subj, verb)) {
            return false;
        }
        if !stance {
            return true;
        }
        let group = self.coordinated(subj);
        let end = self.m.actors[group.last().unwrap_or(subj)].tok.end;
        // What will be done to it, it does not do: the speaker threatens
        // ("Any Japanese attempt at provocation *would be crushed*, Kim
        // said").
        if self.will_undergo(end, verb) {
            return false;
        }
        self.m.tone.iter().any(|t| {
            let ts = t.tok.start;
            ts >= end
                && ts < verb
                && (ts - end <= ACTS_WITHIN
                    || self.head_noun_phrase(end, ts)
                    || self.verb_then_object(end, ts))
                && (end..ts).all(|i| {
                    let w = self.word(i);
                    !BE_FORMS.contains(&w)
                        && !UNDERGO_VERBS.contains(&w)
                        && !MEANING_VERBS.contains(&w)
                })
                && !self.quoted(&t.tok)
                && !self.undergone(t)
        })
    }

    /// Whether tokens `from..to`, at most [`HEAD_PHRASE_WITHIN`] words
    /// right after a mention, can be the rest of the noun phrase it opens
    /// (and a last "has", "have" or "had" of its verb):
    /// no punctuation but hyphens between them, none of them a preposition,
    /// an article, a word that opens a clause, a past form ("-ed") or a
    /// possessive ("Three *Russian MiG-31 fighter jets* entered", "*Chinese
    /// coast guard ships* fired"; not "Russian claims *that* Kyiv shelled",
    /// "the U.S. imperialists *kicked off the* Korean War", "the south
    /// Korean *group's* provocations").
    fn head_noun_phrase(&self, from: usize, to: usize) -> bool {
        // The perfect's auxiliary may end it: "Chinese fighter jets *had*
        // locked their radar on …".
        let head_end = if to > from + 1 && ["has", "have", "had"].contains(&self.word(to - 1)) {
            to - 1
        } else {
            to
        };
        from > 0
            && to - from <= HEAD_PHRASE_WITHIN
            && (from..head_end).all(|i| {
                let w = self.word(i);
                !PREPOSITIONS.contains(&w)
                    && !CLAUSE_WORDS.contains(&w)
                    && !w.ends_with("ed")
                    && !w.ends_with("'s")
                    && self.joined(i)
            })
            && self.between(to - 1, to).chars().all(|c| c == ' ')
    }

    /// Whether token `verb`, right after a subject mention, is a past-tense
    /// verb ("-ed", or one of [`IRREGULAR_PASTS`]) whose object phrase runs to the tone term at `ts`:
    /// at most [`VERB_OBJECT_WITHIN`] words between, joined by spaces or
    /// hyphens, none of them one of [`OBJECT_STOPS`] or an actor ("North
    /// Korea *launched hundreds of* balloons carrying trash …, Seoul's
    /// military said": the balloons are the North's act, not words of the
    /// South's).
    fn verb_then_object(&self, verb: usize, ts: usize) -> bool {
        // Or "will" and a verb of giving ("Saudi Arabia *will provide $400
        // million in* humanitarian aid to Ukraine, the Ukrainian foreign
        // ministry said"): the pledge is the subject's act.
        let verb = if self.is(verb, "will")
            && verb + 1 < ts
            && FUTURE_GIVING.contains(&self.word(verb + 1))
        {
            verb + 1
        } else {
            verb
        };
        // A sum of money may stand in the object ("$400 million").
        let joined =
            |i: usize| self.joined(i) || matches!(self.between(i - 1, i), " $" | " €" | " £");
        ts > verb + 1
            && ts - verb - 1 <= VERB_OBJECT_WITHIN
            && (self.word(verb).ends_with("ed")
                || IRREGULAR_PASTS.contains(&self.word(verb))
                || FUTURE_GIVING.contains(&self.word(verb)))
            && (verb + 1..=ts).all(|i| joined(i) && !OBJECT_STOPS.contains(&self.word(i)))
            && !self
                .m
                .actors
                .iter()
                .any(|a| a.tok.start > verb && a.tok.start < ts)
    }

    /// Whether the clause that runs from token `from` to `to` says what
    /// will be done to its subject: a modal of the future or of a condition
    /// ([`FUTURE_MODALS`]), "be" and a participle, each perhaps one word
    /// after the last ("will be met with a firm response", "would be
    /// swiftly crushed", "would not be tolerated"), with no comma or
    /// semicolon before the modal. Not "will be holding talks", nor "would
    /// be willing".
    fn will_undergo(&self, from: usize, to: usize) -> bool {
        let to = to.min(self.m.tokens.len());
        let participle = |i: usize| {
            let w = self.word(i);
            (w.ends_with("ed") && w.len() > 4) || PARTICIPLES.contains(&w)
        };
        // Each word after the last, or one word later.
        let next = |i: usize| i + 1..(i + 3).min(to);
        for m in from..to {
            if m > from && self.between(m - 1, m).contains([',', ';']) {
                return false;
            }
            if FUTURE_MODALS.contains(&self.word(m))
                && let Some(be) = next(m).find(|&j| self.is(j, "be"))
                && next(be).any(participle)
            {
                return true;
            }
        }
        false
    }

    /// Whether a tone hit is something its subject suffers, not does: a
    /// threat that starts with an undergo verb or "pay" ("would *pay a
    /// heavy price*", "will *face consequences*").
    fn undergone(&self, t: &crate::lexicon::ToneHit) -> bool {
        let first = self.word(t.tok.start);
        self.lex.tone()[t.term].category == "threaten"
            && (first.starts_with("pay") || UNDERGO_VERBS.contains(&first))
    }

    /// Whether the words of `tok` stand right inside quotation marks, as
    /// [`rule_quoted`](crate::score::rule_quoted) tells them, and the
    /// quotation does not open inside them: in "Beijing *lodged “solemn
    /// representations”* with Tokyo" the verb is the subject's own and
    /// only the words of its protest are quoted.
    fn quoted(&self, tok: &Range<usize>) -> bool {
        let (Some(first), Some(last)) = (
            self.m.tokens.get(tok.start),
            tok.end.checked_sub(1).and_then(|i| self.m.tokens.get(i)),
        ) else {
            return false;
        };
        let text = self.m.norm.text();
        let span = first.start..last.end;
        crate::score::next_to_quote(text, &span) && !text[span].contains(['"', '\''])
    }

    /// Rule 4: mention `a` (perhaps with others joined to it) is followed
    /// by a form of *be*, then perhaps [`DESCRIBED_GAP_WORDS`], then tone
    /// hit `key`, a noun or adjective of [`DESCRIBING_CATEGORIES`]: "Russia
    /// *is the aggressor*", "Japan *is a reliable partner*". The sentence
    /// says what the actor is; it does nothing. A participle ("is
    /// threatening", "was accused") is an act, and no description.
    fn described_by(&self, a: usize, key: usize, speaker_root: Option<usize>) -> bool {
        let Some(hit) = self.m.tone.get(key) else {
            return false;
        };
        // A term that can describe: no participle ("is threatening", "was
        // accused"), adverb ("is *aggressively* promoting") or feeling,
        // which is the actor's own stance ("the Chileans are
        // grateful").
        let describes = |h: &crate::lexicon::ToneHit| {
            let cat = self.lex.tone()[h.term].category.as_str();
            let first = self.word(h.tok.start);
            DESCRIBING_CATEGORIES.contains(&cat)
                && !first.ends_with("ing")
                && !first.ends_with("ed")
                && !first.ends_with("ly")
                && !FEELING_WORDS.contains(&first)
        };
        // The speaker's own "we", or its name ("Chile is a peaceful
        // country" in Chile's speech): a self-portrait is its own stance.
        if !describes(hit) || self.is_speaker(a, speaker_root) {
            return false;
        }
        // Praise aimed on ("a close friend *of* the Chinese people", "a
        // reliable partner *for* our neighbours") and hostility aimed on an
        // actor ("is hostile *to the DPRK*") are the actor's stance toward
        // someone: it is the source. Not "a threat to peace", "traitors to
        // the nation".
        let n = self.m.tokens.len();
        let next = hit.tok.end;
        let prep = |ws: &[&str]| next < n && ws.contains(&self.word(next));
        if self.lex.tone()[hit.term].weight > 0.0 {
            if prep(&["to", "of", "for", "with", "toward", "towards"]) {
                return false;
            }
        } else if prep(&["to", "toward", "towards", "against"])
            && self.mention_after(next, 2, &[',', ';']).is_some()
        {
            return false;
        }
        // The actor starts the subject: "action *against* South Africa is a
        // welcome development" welcomes the action.
        if self
            .word_before(a)
            .is_some_and(|b| NOT_BEFORE_SUBJECT.contains(&self.word(b)))
        {
            return false;
        }
        let be = self.after_subject(a, hit.tok.start);
        // Words of other describing terms may stand between ("is the
        // *brutal* aggressor"), not a feeling or an act ("is concerned about
        // the threats", "is committed to cooperation").
        let other_term = |i: usize| {
            self.m
                .tone
                .iter()
                .any(|t| t.tok.contains(&i) && describes(t))
        };
        // An epithet: an insult right after the name, perhaps after other
        // ones ("the U.S. *imperialist aggressor* forces"), says what the
        // actor is as much as "is" does.
        let epithet = self.lex.tone()[hit.term].category == "insult"
            && (be..hit.tok.start).all(other_term)
            && !self
                .between(be - 1, hit.tok.start)
                .contains([',', ';', ':']);
        if epithet {
            return true;
        }
        be < hit.tok.start
            && matches!(
                self.word(be),
                "is" | "are" | "was" | "were" | "remains" | "remain"
            )
            && (be + 1..hit.tok.start)
                .all(|i| DESCRIBED_GAP_WORDS.contains(&self.word(i)) || other_term(i))
            && !self.between(be, hit.tok.start).contains([',', ';', ':'])
    }

    /// Whether mention `a` is the document's speaker (rolled up to
    /// `speaker_root`): a first-person word ("we"), which always is, or
    /// the speaker's name ("Chile" in Chile's speech).
    fn is_speaker(&self, a: usize, speaker_root: Option<usize>) -> bool {
        let h = &self.m.actors[a];
        h.alias.is_none() || speaker_root.is_some_and(|sp| self.lex.actors()[h.actor].root == sp)
    }

    /// Rule 4: mention `a` (with those joined to it, past its office or
    /// body: "the south Korean *authorities*") is the subject of a modal
    /// of demand before the key term at `ks` ("The U.S. *should* withdraw
    /// its troops", "the Lee group *had better* stop"): someone, the
    /// speaker if the document has one, demands the act of it. Not the
    /// speaker itself ("we must", "Chile must" in Chile's speech), which
    /// pledges.
    fn demanded_of(&self, a: usize, ks: usize, speaker_root: Option<usize>) -> bool {
        self.demand_modal_of(a, ks, speaker_root).is_some()
    }

    /// [`Sentence::demanded_of`], with the token of the modal.
    fn demand_modal_of(&self, a: usize, ks: usize, speaker_root: Option<usize>) -> Option<usize> {
        if self.is_speaker(a, speaker_root) {
            return None;
        }
        let last = self.coordinated(a).last().unwrap_or(a);
        let end = self.m.actors[last].tok.end;
        let m = self.after_subject(a, ks);
        (m < ks && !self.between(end - 1, m).contains([',', ';', ':']) && self.is_demand_modal(m))
            .then_some(m)
    }

    /// Whether mention `c`, a state or group other than the speaker, is
    /// told what it should do before token `ks`, in the clause of `ks`:
    /// "Israel *should* shoulder the blame for the freeze in talks", "said
    /// that the United States *must* recognise the front". Not an actor
    /// after a preposition ("the conflict *between* Israel and Palestine
    /// must end"), nor the subject of a passive ("Israel must not *be*
    /// denied the right to exist"), nor an international body, which is
    /// asked to act on someone else ("the United Nations should ensure
    /// that Namibia does not fall victim to the ambitions of Pretoria").
    fn told_to(&self, c: usize, ks: usize, speaker_root: Option<usize>) -> bool {
        let Some(modal) = self.demand_modal_of(c, ks, speaker_root) else {
            return false;
        };
        let end = self
            .m
            .modifiers
            .iter()
            .find(|h| h.tok.start == modal)
            .map_or(modal + 1, |h| h.tok.end);
        let mut after = end;
        if after < ks && self.is(after, "not") {
            after += 1;
        }
        let passive = after < ks
            && (self.is(after, "be")
                || (self.is(after, "have") && after + 1 < ks && self.is(after + 1, "been")));
        let root = self.lex.actors()[self.m.actors[c].actor].root;
        let first = self.coordinated(c).start;
        !passive
            && self.lex.actors()[root].kind != ActorKind::Organisation
            && self
                .word_before(first)
                .is_none_or(|w| !PREPOSITIONS.contains(&self.word(w)))
            && !self.between(modal, ks).contains([',', ';', ':'])
    }

    /// Whether a modal of demand (a modifier of kind `demand`: "should",
    /// "must", "had better") starts at token `i`.
    fn is_demand_modal(&self, i: usize) -> bool {
        self.m.modifiers.iter().any(|h| {
            h.tok.start == i && self.lex.modifiers()[h.modifier].kind == ModifierKind::Demand
        })
    }

    /// The token after the subject that mention `a` starts, before token
    /// `limit`: past those joined to it, its office or body ("the Lee
    /// regime", "the Israeli authorities"), and an "of" with another actor
    /// ("the puppet authorities of south Korea").
    fn after_subject(&self, a: usize, limit: usize) -> usize {
        let office = |i: usize| is_office_word(self.word(i));
        let mut last = self.coordinated(a).last().unwrap_or(a);
        let mut end = self.m.actors[last].tok.end;
        loop {
            let mut i = end;
            while i < limit && i < end + 2 && office(i) {
                i += 1;
            }
            // "of", perhaps "the", and another actor's name right after.
            let next = self.m.actors.get(last + 1).map(|b| b.tok.start);
            let of_actor = i < limit
                && self.is(i, "of")
                && next.is_some_and(|n| n == i + 1 || (n == i + 2 && self.is(i + 1, "the")))
                && next.is_some_and(|n| n < limit);
            if !of_actor {
                return i;
            }
            last = self.coordinated(last + 1).last().unwrap_or(last + 1);
            end = self.m.actors[last].tok.end;
        }
    }

    /// Rule 5: the mention is followed by "is" or "are", but not "is to"
    /// (a description, not an act: "Brazil is the largest state on its
    /// country"; "was sworn in" is an event).
    fn described(&self, a: usize) -> bool {
        let end = self.m.actors[a].tok.end;
        end < self.m.tokens.len()
            && matches!(self.word(end), "is" | "are")
            && self
                .m
                .tokens
                .get(end + 1)
                .is_none_or(|_| self.word(end + 1) != "to")
    }
}

#[cfg(test)]
mod tests {
    use super::RULE_PARTIES;
    use crate::Scorer;
    use crate::lexicon::{LexiconTexts, Lexicons};

    fn lex() -> Lexicons {
        Lexicons::from_texts(&LexiconTexts::new("id,name,kind,parent,alias,case,valid_from,valid_to\n\
                     PRK,North Korea,state,,Pyongyang,,,\nPRK,North Korea,state,,North Korea,,,\n\
                     KOR,South Korea,state,,Seoul,,,\nKOR,South Korea,state,,South Korea,,,\n\
                     USA,United States,state,,Washington,,,\nJPN,Japan,state,,Tokyo,,,\n\
                     EU,European Union,organisation,,EU,,,\nRUS,Russia,state,,Russia,,,\n\
                     UKR,Ukraine,state,,Ukrainian,,,\nCHN,China,state,,China,,,\nTWN,Taiwan,state,,Taiwan,,,\n\
                     UN,United Nations,organisation,,UN,,,\nMLI,Mali,state,,Mali,,,\nNER,Niger,state,,Niger,,,\n\
                     ECOWAS,ECOWAS,organisation,,ECOWAS,,,\nNGA,Nigeria,state,,Nigeria,,,\n\
                     PRK_KCNA,KCNA,media,PRK,KCNA,,,\nPRK_KIM,Kim Jong Un,person,PRK,Kim,,,\n\
                     USA_BIDEN,Joe Biden,person,USA,Biden,,,\nCAN_PM,Canada PM,person,CAN,Trudeau,,,\n\
                     CAN,Canada,state,,Canada,,,\nCAN,Canada,state,,Canadian,,,\n\
                     UN_SC,UN Security Council,organisation,UN,Security Council,,,\n"
                , "term,weight,category\ncondemn*,-2,disapprove\naccus*,-2,accuse\nthug,-3,insult\n\
                   sanction*,-2.5,sanction\nimprov* ... ties,2.5,cooperate\ndrills,-2,force_posture\n\
                   war,-3.5,fight\ngenocide,-4,assault\nfired,-3,assault\nagreed,2.5,cooperate\n\
                   criticism,-2,disapprove\nwithdraw* from,-2,reduce_relations\ntalks,1,consult\n\
                   commendable,1.5,praise\nfriend,1.5,praise\n"
                , "word,kind,factor\nsaid,speech,1\naccording to,speech,1\nannounced,speech,1\ntold,speech,1\n\
                   should,demand,-0.6\nmust,demand,-0.6\nhad better,demand,-0.6\n", ""))
        .unwrap()
    }

    /// (source, co-sources, targets) as rolled-up ids.
    fn roles(s: &str) -> (Option<String>, Vec<String>, Vec<String>) {
        let l = lex();
        let sc = Scorer::new(&l).score_sentence(s, None);
        let id = |i: &usize| {
            l.actors()[l.actors()[sc.matches.actors[*i].actor].root]
                .id
                .clone()
        };
        let a = &sc.attribution;
        (
            a.source.as_ref().map(id),
            a.also_sources.iter().map(id).collect(),
            a.targets.iter().map(id).collect(),
        )
    }

    fn r(
        src: Option<&str>,
        also: &[&str],
        tg: &[&str],
    ) -> (Option<String>, Vec<String>, Vec<String>) {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect();
        (src.map(String::from), v(also), v(tg))
    }

    #[test]
    fn sentences_naming_more_than_64_actors_keep_their_roles() {
        // Which mentions may be targets is worked out once for the first
        // 64 and asked as needed for any further ones: here the target is
        // the 71st mention, after a list of 70 states condemning it.
        let mut actors = String::from("id,name,kind,parent,alias,case,valid_from,valid_to\n");
        actors.push_str("PRK,North Korea,state,,Pyongyang,,,\n");
        for i in 0..70 {
            actors.push_str(&format!("L{i:02},Land {i:02},state,,Land{i:02},,,\n"));
        }
        let l = Lexicons::from_texts(&LexiconTexts::new(
            &actors,
            "term,weight,category\ncondemn*,-2,disapprove\nthreat*,-2.5,threaten\n",
            "word,kind,factor\n",
            "",
        ))
        .unwrap();
        let lands: Vec<String> = (0..70).map(|i| format!("Land{i:02}")).collect();
        // The 70 states condemning `object`: (mentions, source, co-sources,
        // targets).
        let condemning = |object: &str| {
            let text = format!(
                "{} and {} condemned {object}",
                lands[..69].join(", "),
                lands[69]
            );
            let sc = Scorer::new(&l).score_sentence(&text, None);
            let id = |i: &usize| l.actors()[sc.matches.actors[*i].actor].id.clone();
            let a = &sc.attribution;
            let targets: Vec<String> = a.targets.iter().map(id).collect();
            (
                sc.matches.actors.len(),
                a.source.as_ref().map(id),
                a.also_sources.len(),
                targets,
            )
        };
        let (mentions, source, also, targets) = condemning("Pyongyang.");
        assert_eq!(mentions, 71);
        assert_eq!(source.as_deref(), Some("L00"));
        assert_eq!(also, 69);
        assert_eq!(targets, ["PRK"]);
        // Nor is one someone is "pro-", the 71st mention either.
        let (mentions, source, _, targets) = condemning("the pro-Pyongyang forces.");
        assert_eq!(mentions, 71);
        assert_eq!(source.as_deref(), Some("L00"));
        assert!(targets.is_empty(), "{targets:?}");
    }

    #[test]
    fn subject_before_tone_is_source_and_object_is_target() {
        assert_eq!(
            roles("Pyongyang condemned Seoul and Washington."),
            r(Some("PRK"), &[], &["KOR", "USA"])
        );
        assert_eq!(
            roles("Biden, who takes office soon, has called Kim a thug."),
            r(Some("USA"), &[], &["PRK"])
        );
    }

    #[test]
    fn bystanders_are_not_targets() {
        // A drill partner and a place in passing are only mentioned.
        assert_eq!(
            roles("Pyongyang condemned the drills Seoul held with Washington."),
            r(Some("PRK"), &[], &["KOR"])
        );
        // The actor whose act is judged is the target.
        assert_eq!(
            roles("Tokyo criticised China's drills off Taiwan."),
            r(Some("JPN"), &[], &["CHN"])
        );
    }

    #[test]
    fn reported_speech_speaker_evaluates() {
        assert_eq!(
            roles("Seoul must stop its sanctions, KCNA said."),
            r(Some("PRK"), &[], &["KOR"])
        );
        assert_eq!(
            roles("Russia's war on Ukrainian farmers is a crime, Trudeau said."),
            r(Some("CAN"), &[], &["RUS"])
        );
        assert_eq!(
            roles("According to Seoul, Pyongyang's drills threaten the region."),
            r(Some("KOR"), &[], &["PRK"])
        );
        // Words in quotation marks are the speaker's: a subject whose term
        // is quoted does not act, it is judged.
        assert_eq!(
            roles("Russia has a “friend” in Pyongyang, Kim said."),
            r(Some("PRK"), &[], &["RUS"])
        );
        assert_eq!(
            roles("Taiwan \"fired\" first, China said."),
            r(Some("CHN"), &[], &["TWN"])
        );
        // Unquoted, the same subjects act and the speakers relay.
        assert_eq!(
            roles("Russia has a friend in Pyongyang, Kim said."),
            r(Some("RUS"), &[], &["PRK"])
        );
        assert_eq!(
            roles("Taiwan fired first, China said."),
            r(Some("TWN"), &[], &["CHN"])
        );
    }

    #[test]
    fn a_verb_like_warned_that_ends_the_sentence_reports_speech() {
        assert_eq!(
            roles("Washington's sanctions are a declaration of war, Pyongyang warned."),
            r(Some("PRK"), &[], &["USA"])
        );
        assert_eq!(
            roles("\"Seoul's drills are a provocation,\" the KCNA news agency charged on Friday."),
            r(Some("PRK"), &[], &["KOR"])
        );
        assert_eq!(
            roles("The sanctions on Tokyo are illegal, China's foreign ministry protested again."),
            r(Some("CHN"), &[], &["JPN"])
        );
        // With an office and a name between the actor and the verb.
        assert_eq!(
            roles(
                "Seoul's drills will end in war, Pyongyang's Defence Minister No Kwang Chol warned on Monday."
            ),
            r(Some("PRK"), &[], &["KOR"])
        );
        // With a title of several offices joined by "of" before the name.
        assert_eq!(
            roles("Seoul's drills will end in war, Secretary of State Kim warned on Monday."),
            r(Some("PRK"), &[], &["KOR"])
        );
        // The same verbs as acts, or not at the end, report no one.
        assert_eq!(
            roles("Seoul warned Pyongyang over its sanctions."),
            r(Some("KOR"), &[], &["PRK"])
        );
        assert_eq!(
            roles("Having fought a war, the people of Russia feel threatened."),
            r(None, &[], &["RUS"])
        );
        assert_eq!(
            roles("Pyongyang must end its sanctions, as Seoul has long pledged to do."),
            r(None, &[], &["PRK"])
        );
    }

    #[test]
    fn reported_speech_speaker_relays_an_act() {
        assert_eq!(
            roles("North Korea fired missiles toward Seoul, Tokyo said."),
            r(Some("PRK"), &[], &["KOR"])
        );
        assert_eq!(
            roles("Pyongyang has agreed to talks with Seoul, the UN said."),
            r(Some("PRK"), &[], &["KOR"])
        );
        // "and said": Washington is not the speaker.
        assert_eq!(
            roles("Pyongyang accused Washington of drills and then said more."),
            r(Some("PRK"), &[], &["USA"])
        );
        // A possessive after the verb begins the reported clause; with an
        // office after it, it is the speaker.
        assert_eq!(
            roles("Biden called Kim a thug and said Russia's drills were a danger.").0,
            Some("USA".to_string())
        );
        assert_eq!(
            roles("The drills must stop, said Russia's foreign minister."),
            r(Some("RUS"), &[], &[])
        );
    }

    #[test]
    fn a_reported_subject_acts_through_a_past_verb_and_its_object() {
        // The drills are the North's, a few words after its verb.
        assert_eq!(
            roles("North Korea staged two large drills overnight, Tokyo said.").0,
            Some("PRK".to_string())
        );
        // A new clause, or an object phrase too long, and the words are
        // the speaker's.
        assert_eq!(
            roles("North Korea watched as the drills began, Tokyo said.").0,
            Some("JPN".to_string())
        );
        assert_eq!(
            roles("North Korea staged one of its very largest and longest drills, Tokyo said.").0,
            Some("JPN".to_string())
        );
    }

    #[test]
    fn relaying_speaker_is_the_counterpart_when_no_one_else_is_named() {
        assert_eq!(
            roles("North Korea agreed to the talks, Seoul said."),
            r(Some("PRK"), &[], &["KOR"])
        );
    }

    #[test]
    fn a_subject_that_will_face_something_does_not_act() {
        assert_eq!(
            roles("North Korea will face sanctions if it fired again, Biden said."),
            r(Some("USA"), &[], &["PRK"])
        );
    }

    #[test]
    fn passive_agent_is_source_and_subject_target() {
        assert_eq!(
            roles("Seoul was accused by Pyongyang of spying."),
            r(Some("PRK"), &[], &["KOR"])
        );
        // A progressive is no passive, "being" aside.
        assert_eq!(
            roles("Tokyo, which is holding talks by video with Pyongyang, condemned Seoul."),
            r(Some("JPN"), &[], &["KOR"])
        );
        assert_eq!(
            roles("Seoul is being accused by Pyongyang of spying."),
            r(Some("PRK"), &[], &["KOR"])
        );
        assert_eq!(
            roles("New sanctions were imposed by the EU on Russia."),
            r(Some("EU"), &[], &["RUS"])
        );
        assert_eq!(
            roles("Russia was condemned by a majority of the UN."),
            r(Some("UN"), &[], &["RUS"])
        );
        // The passive of the act rated names no one: a later passive's
        // agent did not do it.
        assert_eq!(
            roles(
                "Once a land where traders were accused by gangs, Nigeria is now ranked by the UN among the best."
            ),
            r(None, &[], &["NGA"])
        );
        assert_eq!(
            roles("Traders were accused by gangs, and Seoul was condemned by Pyongyang."),
            r(Some("PRK"), &[], &["KOR"])
        );
        assert_eq!(
            roles("The plan was drafted by the EU but condemned by Pyongyang."),
            r(Some("PRK"), &[], &["EU"])
        );
        // An active sentence with "by" is not a passive.
        assert_eq!(
            roles("Pyongyang condemned drills by Washington."),
            r(Some("PRK"), &[], &["USA"])
        );
    }

    #[test]
    fn a_document_may_stand_between_according_to_and_its_source() {
        assert_eq!(
            roles("The drills are a war plan, according to figures published by the EU."),
            r(Some("EU"), &[], &[])
        );
        assert_eq!(
            roles("The drills are a war plan, according to a new report from the UN."),
            r(Some("UN"), &[], &[])
        );
        // Other words between: no speaker.
        assert_eq!(
            roles("The drills are a war plan, according to traders who met the UN.").0,
            None
        );
    }

    #[test]
    fn a_go_between_is_no_target() {
        assert_eq!(
            roles("Seoul and Tokyo agreed to talks brokered by Washington and the EU."),
            r(Some("KOR"), &["JPN"], &["JPN"])
        );
        assert_eq!(
            roles("Seoul and Tokyo agreed to talks with Washington and the EU."),
            r(Some("KOR"), &["JPN"], &["USA", "EU"])
        );
        // Two mentions of one name are one go-between.
        assert_eq!(
            roles("Seoul and Tokyo agreed to talks brokered by Canadian Prime Minister Trudeau."),
            r(Some("KOR"), &["JPN"], &["JPN"])
        );
        // Not when other words join them.
        assert_eq!(
            roles("Seoul and Tokyo agreed to talks brokered by Canada with Canadian troops."),
            r(Some("KOR"), &["JPN"], &["CAN"])
        );
    }

    #[test]
    fn a_backer_in_an_aside_is_neither_source_nor_target_of_the_act_it_backs() {
        // An aside after the one acting, or an opening phrase before it.
        assert_eq!(
            roles("Ukrainian troops, backed by Canadian drones, fired on the town."),
            r(Some("UKR"), &[], &[])
        );
        assert_eq!(
            roles("Backed by Russia, North Korea fired two missiles into the sea."),
            r(Some("PRK"), &[], &[])
        );
        // A hostile term in the phrase: the subject after it acts, against
        // the one named after its verb.
        assert_eq!(
            roles("Backed by Canadian war planes, Ukrainian troops fired on Russia."),
            r(Some("UKR"), &[], &["RUS"])
        );
        // One backing somebody other than the source stays a target.
        assert_eq!(
            roles("North Korea condemned the puppet group, backed by Washington, for its drills."),
            r(Some("PRK"), &[], &["USA"])
        );
        // With no other actor to act, the backer is still the source.
        assert_eq!(
            roles("Supported by Washington, local fighters fired on Russia."),
            r(Some("USA"), &[], &["RUS"])
        );
        // A phrase of cause, not of support, names a target.
        assert_eq!(
            roles("Angered by sanctions from Washington, North Korea fired two missiles."),
            r(Some("PRK"), &[], &["USA"])
        );
    }

    #[test]
    fn a_subject_told_what_will_be_done_to_it_is_the_speakers_target() {
        // What "will be" or "would be" done to the subject, the speaker
        // threatens; the subject does nothing.
        assert_eq!(
            roles("Any Tokyo drills near our waters would be met with war, Kim told reporters."),
            r(Some("PRK"), &[], &["JPN"])
        );
        assert_eq!(
            roles("Tokyo drills will be punished with sanctions, Kim said."),
            r(Some("PRK"), &[], &["JPN"])
        );
        // Its own act, reported, is its own.
        assert_eq!(
            roles("Tokyo will impose sanctions on Seoul, Kim said."),
            r(Some("JPN"), &[], &["KOR"])
        );
        // An office and a given name may stand between a demonym and the
        // surname of one speaker.
        assert_eq!(
            roles("Pyongyang will face sanctions, Canadian Prime Minister Justin Trudeau warned."),
            r(Some("CAN"), &[], &["PRK"])
        );
    }

    #[test]
    fn the_one_told_is_not_the_speaker() {
        assert_eq!(
            roles("Kim told Biden that North Korea was ready for talks."),
            r(Some("PRK"), &[], &["USA"])
        );
        assert_eq!(
            roles("North Korea was ready for talks, Kim told Biden."),
            r(Some("PRK"), &[], &["USA"])
        );
    }

    #[test]
    fn a_body_meeting_at_is_a_forum_not_a_target() {
        assert_eq!(
            roles("Seoul and Tokyo traded accusations at the UN Security Council."),
            r(Some("KOR"), &["JPN"], &["JPN"])
        );
        assert_eq!(
            roles("Seoul and Tokyo traded accusations at the ECOWAS summit."),
            r(Some("KOR"), &["JPN"], &["JPN"])
        );
        // Condemned, aimed at or the body's own: a target.
        assert_eq!(
            roles("Seoul condemned the UN Security Council."),
            r(Some("KOR"), &[], &["UN"])
        );
        assert_eq!(
            roles("Seoul fired at the UN Security Council."),
            r(Some("KOR"), &[], &["UN"])
        );
        assert_eq!(
            roles("Seoul and Tokyo traded accusations at the ECOWAS."),
            r(Some("KOR"), &["JPN"], &["ECOWAS"])
        );
    }

    #[test]
    fn a_trailing_speaker_may_speak_to_an_audience() {
        assert_eq!(
            roles("The drills of Pyongyang are a war plan, Seoul warned lawmakers on Monday."),
            r(Some("KOR"), &[], &["PRK"])
        );
        assert_eq!(
            roles("The drills of Pyongyang are a war plan, Seoul warned reporters."),
            r(Some("KOR"), &[], &["PRK"])
        );
    }

    #[test]
    fn an_actor_after_against_is_not_the_source() {
        assert_eq!(
            roles("Rallies against Pyongyang condemned the drills."),
            r(None, &[], &["PRK"])
        );
        assert_eq!(
            roles("Rallies against Pyongyang and Seoul condemned the drills."),
            r(None, &[], &["PRK", "KOR"])
        );
        assert_eq!(
            roles("Rallies with Pyongyang condemned the drills."),
            r(Some("PRK"), &[], &[])
        );
    }

    #[test]
    fn a_list_joins_names_after_a_comma_and_the() {
        assert_eq!(
            roles("Pyongyang condemned Seoul, the EU and Tokyo."),
            r(Some("PRK"), &[], &["KOR", "EU", "JPN"])
        );
        assert_eq!(
            roles("Mali, the EU and Niger condemned Tokyo."),
            r(Some("MLI"), &["EU", "NER"], &["JPN"])
        );
        // A comma and any other word ends the list.
        assert_eq!(
            roles("Pyongyang condemned Seoul, then the EU and Tokyo."),
            r(Some("PRK"), &[], &["KOR"])
        );
    }

    #[test]
    fn the_subject_of_a_passive_with_no_agent_is_its_target() {
        assert_eq!(
            roles("Pyongyang was condemned over the launch."),
            r(None, &[], &["PRK"])
        );
        // With an adverb after "be", and the participle not the key term.
        assert_eq!(
            roles("Seoul was sharply accused of fired shells and sanctions."),
            r(None, &[], &["KOR"])
        );
        // A short noun phrase headed by the actor; "by" and no actor.
        assert_eq!(
            roles("Ukrainian banks were hit by sanctions again."),
            r(None, &[], &["UKR"])
        );
        // Active, the same actors act.
        assert_eq!(
            roles("Pyongyang condemned the launch."),
            r(Some("PRK"), &[], &[])
        );
        assert_eq!(
            roles("Ukrainian banks hit Tokyo by sanctions."),
            r(Some("UKR"), &[], &["JPN"])
        );
        // A comma between the actor and "be": no subject of the passive.
        assert_eq!(
            roles("Unlike Seoul, the treaty was condemned."),
            r(Some("KOR"), &[], &[])
        );
    }

    #[test]
    fn an_actor_described_by_the_key_term_is_its_target() {
        assert_eq!(roles("Pyongyang is a thug."), r(None, &[], &["PRK"]));
        assert_eq!(
            roles("Pyongyang is still the real thug and Seoul is a victim."),
            r(None, &[], &["PRK"])
        );
        // Praise aimed at someone is the actor's own stance.
        assert_eq!(
            roles("Seoul is a true friend of Tokyo."),
            r(Some("KOR"), &[], &["JPN"])
        );
        assert_eq!(
            roles("Seoul is a thug toward Tokyo."),
            r(Some("KOR"), &[], &["JPN"])
        );
        // An actor the subject's act is aimed against is not what is
        // described, nor the one who acts.
        assert_eq!(roles("Action against Pyongyang is commendable.").0, None);
        // So is its body "of" it.
        assert_eq!(
            roles("The Seoul regime of South Korea is a thug."),
            r(None, &[], &["KOR"])
        );
        // An insult right after the name is an epithet.
        assert_eq!(
            roles("After the talks the Pyongyang thug forces moved on."),
            r(None, &[], &["PRK"])
        );
        // Its regime or army, too; but an act is no description.
        assert_eq!(
            roles("The Pyongyang regime is a thug."),
            r(None, &[], &["PRK"])
        );
        assert_eq!(
            roles("Pyongyang is accusing Seoul."),
            r(Some("PRK"), &[], &["KOR"])
        );
    }

    #[test]
    fn an_actor_told_what_it_should_do_is_the_target() {
        assert_eq!(
            roles("Washington should stop the drills with Seoul."),
            r(None, &[], &["USA"])
        );
        assert_eq!(
            roles("The Pyongyang regime had better stop its accusations."),
            r(None, &[], &["PRK"])
        );
        // An act, not a demand (Seoul, the drill partner, is only
        // mentioned).
        assert_eq!(
            roles("Washington will stop the drills with Seoul."),
            r(Some("USA"), &[], &[])
        );
        // The modals are the `demand` modifiers: without them, no demand.
        let l = Lexicons::from_texts(&LexiconTexts::new(
            "id,name,kind,parent,alias,case,valid_from,valid_to\n\
             USA,United States,state,,Washington,,,\nKOR,South Korea,state,,Seoul,,,\n",
            "term,weight,category\ndrills,-2,force_posture\n",
            "word,kind,factor\nsaid,speech,1\n",
            "",
        ))
        .unwrap();
        let s =
            Scorer::new(&l).score_sentence("Washington should stop the drills with Seoul.", None);
        assert_eq!(s.attribution.rule, Some("first actor before the tone term"));
    }

    #[test]
    fn the_actor_told_what_to_do_after_a_reporting_verb_is_no_speaker() {
        // "said X should": X begins the reported clause.
        assert_eq!(
            roles("Tokyo said Seoul should stop the drills."),
            r(Some("JPN"), &[], &["KOR"])
        );
        assert_eq!(
            roles("It said Seoul should stop the drills."),
            r(None, &[], &["KOR"])
        );
        // "said X" names the speaker when no modal follows.
        assert_eq!(
            roles("The drills must stop, said Seoul."),
            r(Some("KOR"), &[], &[])
        );
    }

    #[test]
    fn the_state_told_what_to_do_is_the_target_of_the_speakers_stance() {
        // The speaker is the source; the state it presses, not the one
        // named after the key term, is the target.
        assert_eq!(
            roles(
                "Tokyo believes that Washington should bear the criticism for the drills near Seoul."
            ),
            r(Some("JPN"), &[], &["USA"])
        );
        // Not after a preposition, not in a passive, not a body asked to act.
        assert_eq!(
            roles(
                "Tokyo believes that the talks with Washington should end the drills near Seoul."
            ),
            r(Some("JPN"), &[], &["KOR"])
        );
        assert_eq!(
            roles(
                "Tokyo believes that Washington must be spared the criticism for the drills near Seoul."
            ),
            r(Some("JPN"), &[], &["KOR"])
        );
        assert_eq!(
            roles("Tokyo believes that the UN should end the drills near Seoul."),
            r(Some("JPN"), &[], &["KOR"])
        );
    }

    #[test]
    fn the_agent_named_after_an_act_is_its_source() {
        assert_eq!(
            roles("The sanctions against Seoul by Pyongyang must end."),
            r(Some("PRK"), &[], &["KOR"])
        );
        assert_eq!(
            roles("Condemned by Tokyo, the drills went ahead near Seoul."),
            r(Some("JPN"), &[], &["KOR"])
        );
        // Acts joined by "and" share their agent.
        assert_eq!(
            roles("The sanctions and drills against Seoul by Pyongyang must end."),
            r(Some("PRK"), &[], &["KOR"])
        );
        // A judgement of a thing done: the agent did the thing, not the
        // judging.
        assert_eq!(
            roles("We note the commendable efforts made by Seoul."),
            r(None, &[], &["KOR"])
        );
        // Means, not an agent; and a "by" in another clause.
        assert_eq!(
            roles("They staged drills to start a war by isolating Pyongyang."),
            r(None, &[], &["PRK"])
        );
        assert_eq!(
            roles("Sanctions by peaceful means against Seoul are pointless."),
            r(None, &[], &["KOR"])
        );
        assert_eq!(
            roles("The sanctions ended, and the plan by Pyongyang was welcomed in Seoul."),
            r(None, &[], &["PRK"])
        );
    }

    #[test]
    fn target_only_constructions() {
        assert_eq!(
            roles("China faced sharp criticism about Taiwan."),
            r(None, &[], &["CHN"])
        );
        assert_eq!(
            roles("China drew criticism from the EU."),
            r(Some("EU"), &[], &["CHN"])
        );
        assert_eq!(
            roles("Sanctions on Pyongyang were tightened."),
            r(None, &[], &["PRK"])
        );
    }

    #[test]
    fn the_object_of_a_verb_of_tone_is_not_the_source() {
        // The subject is no actor: Seoul is what was condemned, though it
        // stands first before the stronger "war".
        assert_eq!(
            roles("The committee condemned Seoul for its war drills."),
            r(None, &[], &["KOR"])
        );
        assert_eq!(
            roles("Pyongyang condemned the Seoul regime for its war drills."),
            r(Some("PRK"), &[], &["KOR"])
        );
        // A preposition between: no object, the first actor acts.
        assert_eq!(
            roles("Sanctions on Seoul led to war."),
            r(Some("KOR"), &[], &[])
        );
    }

    #[test]
    fn what_a_subject_receives_comes_from_the_giver() {
        assert_eq!(
            roles("Pyongyang received an offer of talks from Seoul."),
            r(Some("KOR"), &[], &["PRK"])
        );
        // Past a name the lexicon does not know, and its title.
        assert_eq!(
            roles(
                "Kim received a message on talks from Jimmy Carter, a former envoy of Washington."
            ),
            r(Some("USA"), &[], &["PRK"])
        );
        // Received as a host, with no giver: the host acts.
        assert_eq!(
            roles("Pyongyang received the Seoul delegation for talks."),
            r(Some("PRK"), &[], &["KOR"])
        );
    }

    #[test]
    fn co_sources_and_mutual_acts() {
        assert_eq!(
            roles("Mali and Niger announced they would withdraw from ECOWAS."),
            r(Some("MLI"), &["NER"], &["ECOWAS"])
        );
        assert_eq!(
            roles("Russia and China agreed to deepen ties."),
            r(Some("RUS"), &["CHN"], &["CHN"])
        );
        // A hostile act of two is joint, unless it goes both ways.
        assert_eq!(
            roles("Washington and Seoul staged drills."),
            r(Some("USA"), &["KOR"], &[])
        );
        for text in [
            "Russia and Ukrainian forces traded accusations of shelling.",
            "Russia and Ukrainian forces accused each other of war crimes.",
            "Russia and Ukrainian forces condemned each other’s drills.",
            "Russia and Ukrainian forces condemned one another's drills.",
            "Pyongyang and Washington remain at war, the root of the criticism between them.",
        ] {
            assert_eq!(roles(text).2.len(), 1, "{text}");
        }
    }

    #[test]
    fn the_quick_test_passes_every_trailing_speech_verb() {
        // `trailing_speech` tests a word's length and last letter before
        // looking it up.
        for w in super::TRAILING_SPEECH {
            assert!(w.len() >= 5 && w.ends_with(['d', 's']), "{w}");
        }
    }

    #[test]
    fn the_quick_test_passes_every_document_word() {
        for w in super::DOCUMENT_WORDS
            .iter()
            .chain(super::COUNTRY_DOCUMENT_WORDS)
        {
            assert!(super::may_be_document_word(w), "{w}");
        }
        assert!(!super::may_be_document_word("and"));
    }

    #[test]
    fn the_parties_between_whom_a_relation_is_act_on_each_other() {
        // No actor before the term: the sides named after "between" are
        // the co-sources and each other's targets.
        assert_eq!(
            roles("The war between Russia and China goes on."),
            r(Some("RUS"), &["CHN"], &["CHN"])
        );
        assert_eq!(
            roles("Talks between Pyongyang and Seoul resumed, the UN said nothing."),
            r(Some("PRK"), &["KOR"], &["KOR"])
        );
        // The sides may follow any term on the side of the total.
        assert_eq!(
            roles("The war goes on as do drills between Russia and China."),
            r(Some("RUS"), &["CHN"], &["CHN"])
        );
        // One actor is no pair; an actor before the term acts.
        assert_eq!(
            roles("The war between Russia and its neighbours goes on."),
            r(None, &[], &["RUS"])
        );
        assert_eq!(
            roles("Tokyo condemned the war between Russia and China."),
            r(Some("JPN"), &[], &["RUS", "CHN"])
        );
        // With the speaker among the sides, the speaker's voice decides.
        let l = lex();
        let prk = l.actor_index("PRK");
        let s = Scorer::new(&l).score_sentence_as(
            "Talks between Pyongyang and Seoul resumed.",
            None,
            prk,
        );
        assert!(s.attribution.also_sources.is_empty());
        assert_ne!(s.attribution.rule, Some(RULE_PARTIES));
    }

    /// (source, targets) by the ids of the mentions (not rolled up), with
    /// lexicons `l`.
    fn source_and_targets(l: &Lexicons, text: &str) -> (Option<String>, Vec<String>) {
        let sc = Scorer::new(l).score_sentence(text, None);
        let id = |i: &usize| l.actors()[sc.matches.actors[*i].actor].id.clone();
        let a = &sc.attribution;
        (
            a.source.as_ref().map(id),
            a.targets.iter().map(id).collect(),
        )
    }

    #[test]
    fn scenes_victims_and_pro_or_anti_mentions() {
        let l = Lexicons::from_texts(&LexiconTexts::new(
            "id,name,kind,parent,alias,case,valid_from,valid_to\n\
                     UKR,Ukraine,state,,Ukraine,,,\nRUS,Russia,state,,Russia,,,\n\
                     VEN,Venezuela,state,,Venezuela,,,\nUSA,United States,state,,United States,,,\n\
                     USA,United States,state,,U.S.,,,\nCUB,Cuba,state,,Cuba,,,\n\
                     LTU,Lithuania,state,,Lithuania,,,\nISR,Israel,state,,Israel,,,\n\
                     PSE,Palestine,state,,Palestinian,,,\nSYR,Syria,state,,Syrian,,,\n\
                     PRK,North Korea,state,,DPRK,,,\nBLR,Belarus,state,,Belarus,,,\n",
            "term,weight,category\ncondemn*,-2,disapprove\nreject*,-2,reject\n\
             aggression,-2.5,accuse\nsanctions,-2.5,sanction\nwar,-3,fight\n\
             occupied,-1.5,coerce\ninvaded,-4,fight\nbrutal,-1.5,disapprove\nslandered,-2.5,insult\n\
             concern,-1,disapprove\nhurts,-1,disapprove\nhonoured,2,praise\n",
            "word,kind,factor\nsaid,speech,1\n",
            "",
        ))
        .unwrap();
        let roles = |text: &str| source_and_targets(&l, text);
        let cases: &[(&str, Option<&str>, &[&str])] = &[
            // The place of a war is no side of it.
            ("The war in Ukraine hurts Belarus.", None, &["BLR"]),
            // Nor is the place a sentence opens with.
            ("In Ukraine, the war hurts Belarus.", None, &["BLR"]),
            (
                "In Ukraine, Russia slandered Belarus.",
                Some("RUS"),
                &["BLR"],
            ),
            // Nor is where someone lives.
            (
                "Envoys of Cuba resident in Belarus condemned the war.",
                Some("CUB"),
                &[],
            ),
            (
                "Lithuania voiced concern over the war in Ukraine.",
                Some("LTU"),
                &[],
            ),
            // An event's place, but not a place qualifying what follows.
            (
                "Lithuania honoured the dead at a service held in Belarus on Monday.",
                Some("LTU"),
                &[],
            ),
            (
                "Lithuania condemned the brutal treatment of those held in Belarus prisons.",
                Some("LTU"),
                &["BLR"],
            ),
            // Nor the agent of a passive: "by the war in Ukraine" names a
            // place.
            (
                "Lithuania is alarmed by the war in Ukraine.",
                Some("LTU"),
                &[],
            ),
            // A violent event's place too.
            (
                "Lithuania condemned the shooting spree in Belarus.",
                Some("LTU"),
                &[],
            ),
            (
                "Lithuania condemned the massacres in Ukraine.",
                Some("LTU"),
                &[],
            ),
            (
                "Russia's war in Ukraine must end, Lithuania said.",
                Some("LTU"),
                &["RUS"],
            ),
            // Nor is the victim of an act the source condemns or rejects ...
            (
                "Lithuania condemns the continued aggression against Ukraine.",
                Some("LTU"),
                &[],
            ),
            (
                "Cuba rejects the sanctions against Venezuela imposed by the United States.",
                Some("CUB"),
                &["USA"],
            ),
            // ... but it is the target of an act the source does.
            (
                "Russia waged a brutal war of aggression against Ukraine.",
                Some("RUS"),
                &["UKR"],
            ),
            (
                "The United States imposed sanctions against Venezuela.",
                Some("USA"),
                &["VEN"],
            ),
            (
                "Lithuania condemned the occupied Palestinian territory.",
                Some("LTU"),
                &[],
            ),
            ("Israel occupied Syrian land.", Some("ISR"), &["SYR"]),
            (
                "The United States invaded and occupied Syrian land.",
                Some("USA"),
                &["SYR"],
            ),
            // Victims joined by "and" are victims too.
            (
                "Lithuania condemns the aggression against Ukraine and Belarus.",
                Some("LTU"),
                &[],
            ),
            // The places listed after a scene are all scenes.
            ("The war in Russia, Ukraine and Belarus goes on.", None, &[]),
            // "pro-U.S." and "anti-DPRK" describe someone else: never the source.
            ("The pro-U.S. group slandered the DPRK.", None, &["PRK"]),
            // Nor is an actor someone is "anti-" the target of kindness.
            ("Cuba honoured the anti-DPRK fighters.", Some("CUB"), &[]),
            // Nor is anything aimed at an actor someone is "pro-".
            ("Cuba slandered the pro-DPRK fighters.", Some("CUB"), &[]),
            ("United States slandered the DPRK.", Some("USA"), &["PRK"]),
        ];
        for &(text, source, targets) in cases {
            let want = (
                source.map(String::from),
                targets.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
            );
            assert_eq!(roles(text), want, "{text}");
        }
    }

    #[test]
    fn a_capital_named_as_venue_is_neither_source_nor_target() {
        let l = Lexicons::from_texts(&LexiconTexts::new(
            "id,name,kind,parent,alias,case,valid_from,valid_to,place\n\
                     ETH,Ethiopia,state,,Addis Ababa,,,,capital\nETH,Ethiopia,state,,Ethiopia,,,,\n\
                     KEN,Kenya,state,,Kenya,,,,\nSOM,Somalia,state,,Somalia,,,,\n",
            "term,weight,category\ncondemn*,-2,disapprove\n",
            "word,kind,factor\nsaid,speech,1\n",
            "",
        ))
        .unwrap();
        let roles = |text: &str| source_and_targets(&l, text);
        assert_eq!(
            roles("At a summit in Addis Ababa, Kenya condemned Somalia."),
            (Some("KEN".into()), vec!["SOM".into()])
        );
        assert_eq!(
            roles("Addis Ababa condemned Somalia."),
            (Some("ETH".into()), vec!["SOM".into()])
        );
        assert_eq!(
            roles("Kenya condemned a raid in Ethiopia."),
            (Some("KEN".into()), vec!["ETH".into()])
        );
    }

    #[test]
    fn neutral_sentences() {
        assert_eq!(
            roles("Kim visited a factory near Pyongyang."),
            r(Some("PRK"), &[], &[])
        );
        assert_eq!(roles("Nigeria is a big oil producer."), r(None, &[], &[]));
        assert_eq!(roles("Nothing names an actor here."), r(None, &[], &[]));
        assert_eq!(
            roles("Kim said North Korea would improve its ties."),
            r(Some("PRK"), &[], &[])
        );
    }
}
