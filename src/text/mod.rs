//! Stage 2: text handling — clean scraped noise, split sentences, normalise
//! for matching.
//!
//! * [`strip_markup`] turns HTML left in scraped text (`<p>`, `&#8217;`)
//!   into plain text.
//! * [`clean()`] drops boilerplate lines ("Advertisement") and lines that repeat
//!   an earlier line of the same document (a repeated headline).
//! * [`split`] splits text into sentences, holding on wire-news hard cases.
//! * [`norm`] folds case and punctuation variants for lexicon matching while
//!   keeping a map back to the original bytes.

pub mod clean;
pub mod html;
pub mod norm;
pub mod split;
mod split_fast;

pub use clean::{Boilerplate, CleanStats, clean};
pub use html::strip_markup;
pub use norm::Normalized;
pub use split::{NewsSplitter, SentenceSplitter};
