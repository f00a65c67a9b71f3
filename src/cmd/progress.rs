//! Progress on a long `stance score` or `stance merge`: a bar on a
//! terminal, a line every 10 seconds otherwise, nothing with `--quiet`.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar on a terminal; a line every 10 seconds otherwise.
pub struct Progress {
    /// What is counted, for the message (`documents`, `parts`).
    unit: &'static str,
    bar: Option<ProgressBar>,
    /// Without a bar, how often to write a line; `None` when quiet.
    log: Option<Duration>,
    start: Instant,
    last: std::cell::Cell<Instant>,
    /// Bytes done so far.
    at: std::cell::Cell<u64>,
}

impl Progress {
    /// A bar over `total_bytes` (none with `quiet`), counting `unit`.
    /// Whether [`Progress::new`] will draw a bar, which needs the total.
    pub fn draws_bar(quiet: bool) -> bool {
        !quiet && std::io::stderr().is_terminal()
    }

    pub fn new(quiet: bool, total_bytes: u64, unit: &'static str) -> Progress {
        let tty = std::io::stderr().is_terminal();
        let bar = (!quiet && tty).then(|| {
            let b = ProgressBar::new(total_bytes.max(1));
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta}) {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        });
        Progress {
            unit,
            bar,
            log: (!quiet && !tty).then_some(Duration::from_secs(10)),
            start: Instant::now(),
            last: std::cell::Cell::new(Instant::now()),
            at: std::cell::Cell::new(0),
        }
    }

    /// `count` of the unit done, `bytes` of the total read.
    pub fn update(&self, count: u64, bytes: u64) {
        self.at.set(bytes);
        if let Some(b) = &self.bar {
            b.set_position(bytes);
            b.set_message(format!("{count} {}", self.unit));
        } else if let Some(line) = self.log_line(count, bytes) {
            super::warn(&line);
        }
    }

    /// The line to log now, if one is due.
    fn log_line(&self, count: u64, bytes: u64) -> Option<String> {
        let every = self.log?;
        if self.last.get().elapsed() < every {
            return None;
        }
        self.last.set(Instant::now());
        Some(format!(
            "stance: {count} {}, {:.1} MB read, {:.0} s",
            self.unit,
            bytes as f64 / 1e6,
            self.start.elapsed().as_secs_f64()
        ))
    }

    /// `count` of the unit done, `bytes` more read.
    pub fn advance(&self, count: u64, bytes: u64) {
        self.update(count, self.at.get() + bytes);
    }

    /// `bytes` more to read than the total given to [`Progress::new`].
    pub fn grow(&self, bytes: u64) {
        if let Some(b) = &self.bar {
            b.inc_length(bytes);
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logging_every(every: Duration) -> Progress {
        Progress {
            log: Some(every),
            ..Progress::new(true, 100, "parts")
        }
    }

    #[test]
    fn a_line_when_due_with_the_unit_and_the_bytes() {
        let p = logging_every(Duration::ZERO);
        p.advance(2, 1_500_000);
        assert_eq!(p.at.get(), 1_500_000);
        let line = p.log_line(3, 2_500_000).unwrap();
        assert!(line.starts_with("stance: 3 parts, 2.5 MB read, "), "{line}");
        // Not due yet: nothing.
        assert_eq!(
            logging_every(Duration::from_secs(3600)).log_line(1, 10),
            None
        );
        // Quiet: never.
        assert_eq!(Progress::new(true, 100, "parts").log_line(1, 10), None);
    }
}
