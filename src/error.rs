//! The library's error type.
//!
//! Errors that stop a run (a bad lexicon row, an input path that does not
//! exist, an output that cannot be written) are [`Error`]s. Problems with a
//! single record of the corpus are *not* errors: they become
//! [`Reject`](crate::corpus::Reject)s, are counted and reported, and the run
//! goes on.

use std::path::PathBuf;

/// Everything that can stop a run, with the context a user needs to fix it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A lexicon file has a bad row. `line` is 1-based and counts the header.
    #[error("{file}:{line}: {message}")]
    Lexicon {
        /// The lexicon file (e.g. `lexicons/tone.csv`).
        file: String,
        /// 1-based line number in that file.
        line: usize,
        /// What is wrong, and what to do.
        message: String,
    },
    /// Lexicon files have bad rows: every one found (each an
    /// [`Error::Lexicon`]), file by file in line order, so that one check
    /// lists all there is to fix.
    #[error("{}", problem_list(.0))]
    Lexicons(Vec<Error>),
    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The options given cannot work together, or an input is missing.
    #[error("{0}")]
    Usage(String),
    /// A record was bad and `--strict` asked to stop on the first one.
    #[error("{}", record_message(input, location, reason))]
    Record {
        /// The input file.
        input: String,
        /// Line or record number within it.
        location: String,
        /// What is wrong.
        reason: String,
    },
    /// Anything else, with its message.
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A lexicon error at `file:line`.
    pub fn lexicon(file: &str, line: usize, message: impl Into<String>) -> Error {
        Error::Lexicon {
            file: file.to_string(),
            line,
            message: message.into(),
        }
    }
}

/// How many of the problems of an [`Error::Lexicons`] its message lists.
pub const PROBLEMS_LISTED: usize = 50;

/// The message of an [`Error::Lexicons`]: how many, then one per line.
fn problem_list(list: &[Error]) -> String {
    let mut out = format!(
        "{} problems in the lexicons; fix them all, then check again with `stance lexicon check`:",
        list.len()
    );
    for e in list.iter().take(PROBLEMS_LISTED) {
        out.push_str("\n  ");
        out.push_str(&e.to_string());
    }
    if list.len() > PROBLEMS_LISTED {
        out.push_str(&format!("\n  … and {} more", list.len() - PROBLEMS_LISTED));
    }
    out
}

/// `input: location: reason`, or `input: reason` for a whole file.
fn record_message(input: &str, location: &str, reason: &str) -> String {
    if location.is_empty() {
        format!("{input}: {reason}")
    } else {
        format!("{input}: {location}: {reason}")
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
