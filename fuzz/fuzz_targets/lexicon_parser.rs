//! The lexicon parser on arbitrary files: `Lexicons::from_texts` returns Ok
//! or a precise Err, never panics; lexicons it accepts can score text, and
//! their screen (`Lexicons::may_name_actor`) never rules out a sentence in
//! which scoring finds an actor, with or without a speaker: sentences made
//! of their own aliases, in several cases, are tried.
//!
//! The input is split on NUL bytes into actors.csv, tone.csv, modifiers.csv
//! and boilerplate.txt; a part that is missing is a file with only its
//! header (fast to build, unlike the full defaults).
#![no_main]

use libfuzzer_sys::fuzz_target;
use stancemeter::lexicon::LexiconTexts;
use stancemeter::{Lexicons, Scorer};

fuzz_target!(|data: &[u8]| {
    let mut texts = LexiconTexts {
        actors: "id,name,kind,parent,alias,case,valid_from,valid_to\n".to_string(),
        tone: "term,weight,category\n".to_string(),
        modifiers: "word,kind,factor\n".to_string(),
        boilerplate: String::new(),
        origins: std::array::from_fn(|i| format!("fuzz-{i}")),
    };
    let mut parts = data.split(|&b| b == 0);
    for (i, slot) in [
        &mut texts.actors,
        &mut texts.tone,
        &mut texts.modifiers,
        &mut texts.boilerplate,
    ]
    .into_iter()
    .enumerate()
    {
        if let Some(part) = parts.next() {
            *slot = String::from_utf8_lossy(part).into_owned();
            texts.origins[i] = format!("fuzz-part-{i}");
        }
    }
    let lex = match Lexicons::from_texts(&texts) {
        Ok(lex) => lex,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    let _ = lex.check();
    let scorer = Scorer::new(&lex);
    for sentence in [
        "North Korea sharply condemned Seoul's drills, KCNA said.",
        "Officials did not welcome the talks but warned Tokyo.",
        "We will never allow it, although Kim called it a \u{201c}thug\u{201d} move.",
    ] {
        let s = scorer.score_sentence(sentence, None);
        assert!((-1.0..=1.0).contains(&s.tone), "tone {}", s.tone);
        let _ = s.evidence(&lex, sentence);
        if let Some(id) = s.attribution.source {
            assert!(id < s.matches.actors.len());
        }
    }
    let mut sentences: Vec<String> = Vec::new();
    for a in lex.aliases().iter().take(8) {
        let s = &a.surface;
        sentences.push(format!("Then {s} spoke."));
        sentences.push(format!("{}, and {}-{s}'s", s.to_uppercase(), s.to_lowercase()));
        sentences.push(format!("x{s} ({s})"));
    }
    if !lex.actors().is_empty() {
        for s in &sentences {
            for speaker in [None, Some(0)] {
                if !lex.may_name_actor(s, speaker.is_some()) {
                    let found = scorer.score_sentence_as(s, None, speaker);
                    assert!(found.matches.actors.is_empty(), "screened out: {s:?}");
                }
            }
        }
    }
});
