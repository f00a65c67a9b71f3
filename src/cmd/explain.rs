//! `stance explain`: show how sentences are scored, term by term.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::PathBuf;

use stancemeter::corpus::DocDate;
use stancemeter::lexicon::ToneTerm;
use stancemeter::text::{NewsSplitter, SentenceSplitter, strip_markup};
use stancemeter::{Lexicons, Recent, Scored, Scorer};

const AFTER_HELP: &str = "\
For each sentence: the tone in [-1, 1] and its label, the source and targets with the rule
that chose them, every actor found (alias → actor → rolled-up actor), and every tone term
with its lexicon weight, category and the rules that changed it (negation, intensifier,
dampener, quotes, contrast, concession).

Examples:
  stance explain \"Biden has called Kim a 'thug'.\"
  stance explain --date 2019-06-30 \"Trump met Kim at the border.\"
  echo \"Seoul welcomed the offer but warned Pyongyang.\" | stance explain -";

/// Show how text is scored: actors, terms, weights, rules, source and targets.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The text to explain ('-' reads standard input). Several words are joined with spaces.
    #[arg(required = true, value_name = "TEXT")]
    text: Vec<String>,

    /// Document date (decides which date-limited aliases apply).
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    date: Option<DocDate>,

    /// Directory of lexicon files overriding the built-in ones.
    #[arg(long, value_name = "DIR")]
    lexicons: Option<PathBuf>,

    /// Actor id of the text's speaker: "we", "our country", "my Government" refer to it,
    /// and it is the source of a sentence with a stance and no other.
    #[arg(long, value_name = "ID")]
    speaker: Option<String>,

    /// With --speaker: "I", "me" and "my" refer to the speaker too (speeches).
    #[arg(long, requires = "speaker")]
    first_person: bool,
}

/// Runs `stance explain`.
pub fn run(a: Args) -> anyhow::Result<()> {
    let lex = super::load_lexicons(a.lexicons.as_deref())?;
    let text = if a.text.len() == 1 && a.text[0] == "-" {
        // Invalid UTF-8 is replaced (U+FFFD), as in the corpus readers.
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes)?;
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        a.text.join(" ")
    };
    // HTML pasted from a page reads as `stance score` reads it.
    let text = strip_markup(&text).unwrap_or(text);
    let speaker = match &a.speaker {
        Some(id) => Some(super::speaker_index(&lex, id)?),
        None => None,
    };
    let mut out = std::io::stdout().lock();
    let spans = NewsSplitter::new().spans(&text);
    if spans.is_empty() {
        anyhow::bail!(stancemeter::Error::Usage("no text to explain".into()));
    }
    // Sentences are scored in turn, as `stance score` scores a document:
    // an actor named in one lets "the North" of the next count.
    let scorer = Scorer::new(&lex).first_person(a.first_person);
    let (mut s, mut recent) = (Scored::default(), Recent::default());
    for (n, span) in spans.into_iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        let sentence = &text[span];
        scorer.score_sentence_after(sentence, a.date, speaker, n, &mut recent, &mut s);
        explain(&mut out, &lex, sentence, speaker, &s)?;
    }
    Ok(())
}

fn explain(
    out: &mut impl Write,
    lex: &Lexicons,
    sentence: &str,
    speaker: Option<usize>,
    s: &Scored,
) -> std::io::Result<()> {
    let actor = |i: usize| {
        let a = &lex.actors()[s.matches.actors[i].actor];
        let root = &lex.actors()[a.root];
        root.id.clone()
    };
    writeln!(out, "sentence: {sentence}")?;
    writeln!(
        out,
        "tone:     {:+.4} ({}), sum of weights {:+.2}",
        s.tone,
        s.label.as_str(),
        s.sum
    )?;
    let source = s
        .source_actor(speaker)
        .map(|a| lex.actors()[lex.actors()[a].root].id.clone())
        .unwrap_or_else(|| "(none)".into());
    let rule = s.attribution.rule.unwrap_or("no actor");
    writeln!(out, "source:   {source}   [{rule}]")?;
    let targets: Vec<String> = s.attribution.targets.iter().map(|&i| actor(i)).collect();
    writeln!(
        out,
        "targets:  {}",
        if targets.is_empty() {
            "(none)".to_string()
        } else {
            targets.join(", ")
        }
    )?;
    if !s.attribution.also_sources.is_empty() {
        let also: Vec<String> = s
            .attribution
            .also_sources
            .iter()
            .map(|&i| actor(i))
            .collect();
        let how = if s.attribution.mutual {
            "mutual: each acts toward the others"
        } else {
            "acting with the source"
        };
        writeln!(out, "co-sources: {}   [{how}]", also.join(", "))?;
    }
    if s.matches.actors.is_empty() {
        writeln!(out, "actors:   (none)")?;
    }
    for (i, h) in s.matches.actors.iter().enumerate() {
        let a = &lex.actors()[h.actor];
        let line = match h.alias {
            Some(i) if !lex.aliases()[i].context.is_empty() => {
                let ids: Vec<&str> = lex.aliases()[i]
                    .context
                    .iter()
                    .map(|&c| lex.actors()[c].id.as_str())
                    .collect();
                format!(
                    "actors.csv line {}, as one of {} is named nearby",
                    lex.aliases()[i].line,
                    ids.join(", ")
                )
            }
            Some(i) => format!("actors.csv line {}", lex.aliases()[i].line),
            None => "first-person reference to the speaker".to_string(),
        };
        let roll = if a.root != h.actor {
            format!(" → {}", lex.actors()[a.root].id)
        } else {
            String::new()
        };
        writeln!(
            out,
            "{}\"{}\" → {} ({}, {}){roll}   [{line}]",
            if i == 0 { "actors:   " } else { "          " },
            &sentence[h.span.clone()],
            a.id,
            a.name,
            a.kind.as_str(),
        )?;
    }
    if s.terms.is_empty() {
        writeln!(out, "terms:    (none)")?;
    }
    for (i, t) in s.terms.iter().enumerate() {
        let hit = &s.matches.tone[t.hit];
        let term = &lex.tone()[hit.term];
        let mut line = term_line(i == 0, "terms:    ", &sentence[hit.span.clone()], term);
        for n in &t.notes {
            let _ = write!(line, ", {}", n.display(lex));
        }
        if !t.notes.is_empty() {
            let _ = write!(line, " → {:+.2}", t.weight);
        }
        writeln!(out, "{line}   [tone.csv line {}]", term.line)?;
    }
    for (i, hit) in s.in_names.iter().enumerate() {
        let term = &lex.tone()[hit.term];
        let line = term_line(i == 0, "in names: ", &sentence[hit.span.clone()], term);
        writeln!(
            out,
            "{line}, in a name: not scored   [tone.csv line {}]",
            term.line
        )?;
    }
    for h in &s.matches.modifiers {
        let m = &lex.modifiers()[h.modifier];
        writeln!(
            out,
            "modifier: \"{}\" {} ×{}",
            &sentence[h.span.clone()],
            m.kind.as_str(),
            m.factor
        )?;
    }
    Ok(())
}

/// `"text" = 'term' category ±weight`, after `label` on the first line of
/// its list and spaces on the others.
fn term_line(first: bool, label: &str, text: &str, term: &ToneTerm) -> String {
    let lead = if first { label } else { "          " };
    format!(
        "{lead}\"{text}\" = '{}' {} {:+.1}",
        term.term, term.category, term.weight
    )
}
