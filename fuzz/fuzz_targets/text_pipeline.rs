//! The text pipeline on arbitrary text: clean, split, score every sentence
//! with the default lexicons. Never a panic; spans in order and in bounds;
//! tone in [-1, 1]; every match range inside its sentence; a sentence the
//! screen rules out names no actor.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use stancemeter::text::{NewsSplitter, SentenceSplitter, clean};
use stancemeter::{Lexicons, Scorer};

fn lexicons() -> &'static Lexicons {
    static LEX: OnceLock<Lexicons> = OnceLock::new();
    LEX.get_or_init(|| Lexicons::defaults().expect("default lexicons"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lex = lexicons();
    let (cleaned, _) = clean(&text, lex.boilerplate());
    let spans = NewsSplitter::new().spans(&cleaned);
    let mut end = 0;
    for span in &spans {
        assert!(end <= span.start && span.start < span.end, "{spans:?}");
        assert!(cleaned.get(span.clone()).is_some(), "{span:?}");
        assert!(cleaned[end..span.start].trim().is_empty(), "text dropped");
        end = span.end;
    }
    assert!(cleaned[end..].trim().is_empty(), "tail dropped");
    let scorer = Scorer::new(lex);
    for span in spans {
        let sentence = &cleaned[span];
        let s = scorer.score_sentence(sentence, None);
        assert!((-1.0..=1.0).contains(&s.tone), "tone {}", s.tone);
        let m = &s.matches;
        for h in &m.actors {
            assert!(sentence.get(h.span.clone()).is_some() && h.tok.end <= m.tokens.len());
        }
        for h in &m.tone {
            assert!(sentence.get(h.span.clone()).is_some() && h.tok.end <= m.tokens.len());
        }
        for h in &m.modifiers {
            assert!(sentence.get(h.span.clone()).is_some() && h.tok.end <= m.tokens.len());
        }
        let _ = s.evidence(lex, sentence);
        if !lex.may_name_actor(sentence, false) {
            assert!(m.actors.is_empty(), "screened out: {sentence:?}");
        }
    }
});
