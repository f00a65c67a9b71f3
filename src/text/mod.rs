//! Stage 2: text handling — clean scraped noise, split sentences, normalise
//! for matching.
//!
//! * [`clean()`] drops boilerplate lines ("Advertisement") and lines that repeat
//!   an earlier line of the same document (a repeated headline).
//! * [`split`] splits text into sentences, holding on wire-news hard cases.
//! * [`norm`] folds case and punctuation variants for lexicon matching while
//!   keeping a map back to the original bytes.

pub mod clean;
pub mod norm;
pub mod split;
mod split_fast;

pub use clean::{Boilerplate, CleanStats, clean};
pub use norm::Normalized;
pub use split::{NewsSplitter, SentenceSplitter};
