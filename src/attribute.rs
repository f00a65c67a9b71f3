//! Stage 5: attribution — who says or does it (the *source*) and toward
//! whom (the *targets*).
//!
//! Roles are decided on rolled-up actors (Kim Jong Un, KCNA and Pyongyang
//! are all North Korea), so a sentence never makes an actor its own target.
//! The rules, tried in this order:
//!
//! 1. **Passive agent** — "Seoul *was* accused *by* Pyongyang", "sanctions
//!    *were* imposed *by* the EU": a form of *be* followed within four words
//!    by "by" and an actor makes that actor the source.
//! 2. **Reported speech** — "…, KCNA said", "Seoul's ministry said that …",
//!    "according to Washington": an actor right before or after a reporting
//!    verb (the `speech` words of `modifiers.csv`) is the speaker, and the
//!    speaker is the source.
//! 3. **Actor before the tone** — otherwise the first actor named before the
//!    strongest tone term is the source (the subject in news word order:
//!    "Pyongyang condemned Seoul"). With no actor before it, there is no
//!    source: the actors are only targets ("Sanctions on Iran were
//!    tightened").
//! 4. **No tone term** — the first actor named is the source (the actor that
//!    visits, announces, publishes).
//!
//! Targets are the other actors named, each once, in order of mention.

use crate::lexicon::{Lexicons, Matches, ModifierKind};
use crate::score::TermScore;

/// Words that make a passive: a form of *be*.
const BE_FORMS: &[&str] = &["is", "are", "was", "were", "be", "been", "being"];

/// How far "by" may follow a form of *be* ("was sharply criticised by").
const PASSIVE_WINDOW: usize = 4;

/// How many words may stand between a speaker and its reporting verb
/// ("KCNA said", "Seoul's Unification Ministry said").
const SPEAKER_BEFORE: usize = 3;

/// How many words may stand between a reporting verb and a speaker after it
/// ("said the Foreign Ministry", "according to the South Korean military").
const SPEAKER_AFTER: usize = 2;

/// The roles in one sentence, as indices into [`Matches::actors`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attribution {
    /// The mention that is the source, if any.
    pub source: Option<usize>,
    /// The first mention of each other actor.
    pub targets: Vec<usize>,
    /// Which rule chose the source (for the evidence column).
    pub rule: Option<&'static str>,
}

/// Assigns source and targets (see the module docs for the rules).
pub fn attribute(lex: &Lexicons, m: &Matches, terms: &[TermScore], sum: f64) -> Attribution {
    if m.actors.is_empty() {
        return Attribution::default();
    }
    let root = |i: usize| lex.actors()[m.actors[i].actor].root;
    let (source, rule) = if let Some(s) = passive_agent(m) {
        (Some(s), Some("passive 'by' agent"))
    } else if let Some(s) = speaker(lex, m) {
        (Some(s), Some("speaker of reported speech"))
    } else if terms.is_empty() {
        (Some(0), Some("first actor (no tone term)"))
    } else {
        let key = strongest_term(m, terms, sum);
        let start = m.tone[key].tok.start;
        match m.actors.iter().position(|a| a.tok.end <= start) {
            Some(s) => (Some(s), Some("first actor before the tone term")),
            None => (None, Some("none: no actor before the tone term")),
        }
    };
    let mut seen: Vec<usize> = source.map(root).into_iter().collect();
    let mut targets = Vec::new();
    for i in 0..m.actors.len() {
        let r = root(i);
        if !seen.contains(&r) {
            seen.push(r);
            targets.push(i);
        }
    }
    Attribution {
        source,
        targets,
        rule,
    }
}

/// The hit index of the term that carries the sentence: the largest weight
/// on the side of the total.
fn strongest_term(m: &Matches, terms: &[TermScore], sum: f64) -> usize {
    let mut best = &terms[0];
    for t in terms {
        let on_side = sum == 0.0 || (t.weight > 0.0) == (sum > 0.0);
        let best_on_side = sum == 0.0 || (best.weight > 0.0) == (sum > 0.0);
        if (on_side && !best_on_side)
            || (on_side == best_on_side && t.weight.abs() > best.weight.abs())
        {
            best = t;
        }
    }
    let _ = m;
    best.hit
}

fn word(m: &Matches, i: usize) -> &str {
    let t = m.tokens[i];
    &m.norm.text()[t.start..t.end]
}

/// Rule 1: "was … by X".
fn passive_agent(m: &Matches) -> Option<usize> {
    for (i, _) in m.tokens.iter().enumerate() {
        if !BE_FORMS.contains(&word(m, i)) {
            continue;
        }
        for j in i + 1..(i + 1 + PASSIVE_WINDOW).min(m.tokens.len()) {
            if word(m, j) != "by" {
                continue;
            }
            // The agent starts right after "by", or after "by the".
            if let Some(a) = m.actors.iter().position(|a| {
                a.tok.start == j + 1 || (a.tok.start == j + 2 && word(m, j + 1) == "the")
            }) {
                return Some(a);
            }
        }
    }
    None
}

/// Rule 2: an actor next to a reporting verb.
fn speaker(lex: &Lexicons, m: &Matches) -> Option<usize> {
    for h in &m.modifiers {
        if lex.modifiers()[h.modifier].kind != ModifierKind::Speech {
            continue;
        }
        let tone_between =
            |a: usize, b: usize| m.tone.iter().any(|t| t.tok.start >= a && t.tok.end <= b);
        // "X said": the last actor ending shortly before the verb.
        if let Some(a) = m
            .actors
            .iter()
            .rposition(|a| a.tok.end <= h.tok.start && h.tok.start - a.tok.end <= SPEAKER_BEFORE)
        {
            let gap = m.norm.text()
                [m.tokens[m.actors[a].tok.end - 1].end..m.tokens[h.tok.start].start]
                .contains([',', ';', ':']);
            if !gap && !tone_between(m.actors[a].tok.end, h.tok.start) {
                return Some(a);
            }
        }
        // "said X", "according to X".
        if let Some(a) = m
            .actors
            .iter()
            .position(|a| a.tok.start >= h.tok.end && a.tok.start - h.tok.end <= SPEAKER_AFTER)
        {
            return Some(a);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::Scorer;
    use crate::lexicon::{FILE_NAMES, LexiconTexts, Lexicons};

    fn lex() -> Lexicons {
        Lexicons::from_texts(&LexiconTexts {
            actors: "id,name,kind,parent,alias,case,valid_from,valid_to\n\
                     PRK,North Korea,state,,Pyongyang,,,\nPRK,North Korea,state,,North Korea,,,\n\
                     KOR,South Korea,state,,Seoul,,,\nUSA,United States,state,,Washington,,,\n\
                     EU,European Union,organisation,,EU,,,\nRUS,Russia,state,,Russia,,,\n\
                     PRK_KCNA,KCNA,media,PRK,KCNA,,,\nPRK_KIM,Kim Jong Un,person,PRK,Kim,,,\n\
                     USA_BIDEN,Joe Biden,person,USA,Biden,,,\n"
                .into(),
            tone:
                "term,weight,category\ncondemn*,-2,disapprove\naccus*,-2,accuse\nthug,-3,insult\n\
                   sanction*,-2.5,sanction\nimprov* ... ties,2.5,cooperate\nmet,1,consult\n"
                    .into(),
            modifiers: "word,kind,factor\nsaid,speech,1\naccording to,speech,1\n".into(),
            boilerplate: String::new(),
            origins: FILE_NAMES.map(|f| f.to_string()),
        })
        .unwrap()
    }

    /// (source id, target ids), rolled up.
    fn roles(s: &str) -> (Option<String>, Vec<String>) {
        let l = lex();
        let sc = Scorer::new(&l).score_sentence(s, None);
        let id = |i: usize| {
            l.actors()[l.actors()[sc.matches.actors[i].actor].root]
                .id
                .clone()
        };
        (
            sc.attribution.source.map(id),
            sc.attribution.targets.iter().map(|&i| id(i)).collect(),
        )
    }

    fn r(src: Option<&str>, tg: &[&str]) -> (Option<String>, Vec<String>) {
        (
            src.map(String::from),
            tg.iter().map(|s| s.to_string()).collect(),
        )
    }

    #[test]
    fn subject_before_tone_is_source() {
        assert_eq!(
            roles("Pyongyang condemned Seoul and Washington."),
            r(Some("PRK"), &["KOR", "USA"])
        );
        assert_eq!(
            roles("Biden, who takes office soon, has called Kim a thug."),
            r(Some("USA"), &["PRK"])
        );
    }

    #[test]
    fn reported_speech_speaker_is_source() {
        assert_eq!(
            roles("Seoul must stop its provocations and sanctions, KCNA said."),
            r(Some("PRK"), &["KOR"])
        );
        assert_eq!(
            roles("According to Seoul, Pyongyang condemned Washington."),
            r(Some("KOR"), &["PRK", "USA"])
        );
    }

    #[test]
    fn passive_agent_is_source() {
        assert_eq!(
            roles("Seoul was accused by Pyongyang of spying."),
            r(Some("PRK"), &["KOR"])
        );
        assert_eq!(
            roles("New sanctions were imposed by the EU on Russia."),
            r(Some("EU"), &["RUS"])
        );
        // An active sentence with "by" is not a passive.
        assert_eq!(
            roles("Pyongyang condemned drills by Washington."),
            r(Some("PRK"), &["USA"])
        );
    }

    #[test]
    fn no_actor_before_tone_means_no_source() {
        assert_eq!(
            roles("Sanctions on Pyongyang were tightened."),
            r(None, &["PRK"])
        );
    }

    #[test]
    fn neutral_sentence_first_actor_acts() {
        assert_eq!(
            roles("Kim visited a factory near Pyongyang."),
            r(Some("PRK"), &[])
        );
        assert_eq!(roles("Nothing names an actor here."), r(None, &[]));
    }

    #[test]
    fn never_own_target() {
        assert_eq!(
            roles("Kim said North Korea would improve its ties."),
            r(Some("PRK"), &[])
        );
    }
}
