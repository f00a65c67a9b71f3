//! # stancemeter
//!
//! Measure the **tone between actors** in news: who is conciliatory or
//! hostile toward whom, per period.
//!
//! The library is one linear pipeline, one module per stage, data flowing
//! one way:
//!
//! [`corpus`] (readers → [`Document`]) → [`text`] (strip HTML, clean, split, normalise) →
//! [`lexicon`] (load, validate, compile matchers) → [`score`] (tone rules per
//! sentence) → [`attribute`] (source and targets) → [`aggregate`] (mergeable
//! tallies per actor, dyad and period) → [`output`] (CSV tables).
//!
//! [`Pipeline`] runs them all over a corpus in parallel. [`decimal`] writes
//! the fixed-decimal numbers of the evidence column and the tables.
//!
//! ```
//! use stancemeter::{Lexicons, Scorer};
//!
//! let lex = Lexicons::defaults()?;
//! let scored = Scorer::new(&lex).score_sentence(
//!     "North Korea sharply condemned Seoul's joint drills with Washington, KCNA said.",
//!     None,
//! );
//! assert_eq!(scored.label.as_str(), "hostile");
//! let id = |i: usize| lex.actors()[lex.actors()[scored.matches.actors[i].actor].root].id.as_str();
//! assert_eq!(scored.attribution.source.map(id), Some("PRK"));
//! # Ok::<(), stancemeter::Error>(())
//! ```

#![warn(missing_docs)]

pub mod aggregate;
pub mod attribute;
pub mod corpus;
pub mod decimal;
pub mod error;
pub mod eval;
pub mod lexicon;
pub mod output;
pub mod pipeline;
pub mod score;
pub mod text;

pub use corpus::{Corpus, DocDate, Document, ReadOptions, Reject};
pub use error::{Error, Result};
pub use lexicon::Lexicons;
pub use pipeline::{Pipeline, PipelineOptions};
pub use score::{Recent, Scored, Scorer};

/// Runs `f` with this thread's buffers in `key`, borrowed in place, so that
/// a loop over sentences or documents reuses them instead of allocating
/// afresh; if they are already borrowed (a call nested in another, which
/// nothing in the pipeline makes), with `fresh()` ones instead. The
/// matcher's candidate lists, the splitter's scratch space and a
/// document's buffers are kept this way.
#[inline(always)]
pub(crate) fn with_thread_buffers<T: 'static, R>(
    key: &'static std::thread::LocalKey<std::cell::RefCell<T>>,
    fresh: impl FnOnce() -> T,
    f: impl FnOnce(&mut T) -> R,
) -> R {
    key.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buffers) => f(&mut buffers),
        Err(_) => f(&mut fresh()),
    })
}
