//! Stopping `stance score` and `stance merge` on SIGINT (Ctrl-C) or
//! SIGTERM without leaving a partial table.
//!
//! The signal handler only stores the signal number. The command checks it
//! often (`score` at every pipeline event, at least once per batch of
//! documents; `merge` every few thousand sentence rows and before writing
//! the tables)
//! and stops with an error: the temporary files (`.<table>.XXXX.tmp`, see
//! [`AtomicFile`](stancemeter::output::AtomicFile)) are deleted as they
//! drop, no table is renamed into place, and main.rs exits with 128 + the
//! signal. Should the command not stop within [`GRACE`] (a batch stuck on a
//! huge document, a blocked read), a watchdog thread deletes the temporary
//! files this run created and exits by itself. The commit at the end (a few
//! renames) holds [`end_phase`], so the watchdog never cuts it in half.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use signal_hook::consts::{SIGINT, SIGTERM};

/// The run was stopped by SIGINT or SIGTERM; main.rs exits with 128 + the
/// signal number (130, 143) after printing this.
#[derive(Debug)]
pub struct Interrupted {
    /// The signal number.
    pub signal: i32,
    /// The output directory, for the message.
    pub output: PathBuf,
}

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "interrupted by {}: no table was written; earlier tables in {} are untouched",
            signal_name(self.signal),
            self.output.display()
        )
    }
}

impl std::error::Error for Interrupted {}

impl Interrupted {
    /// The process exit code: 128 + the signal number.
    pub fn exit_code(&self) -> u8 {
        u8::try_from(128 + self.signal).unwrap_or(1)
    }
}

/// The last signal received, 0 for none.
static SIGNAL: AtomicUsize = AtomicUsize::new(0);
/// Held while the tables are written and committed.
static END_PHASE: Mutex<()> = Mutex::new(());
/// Set once every table is renamed into place.
static COMMITTED: AtomicBool = AtomicBool::new(false);
/// The output directory, for messages.
static OUTPUT: Mutex<PathBuf> = Mutex::new(PathBuf::new());
/// How long the run gets to stop by itself after a signal.
pub const GRACE: Duration = Duration::from_secs(3);

/// Installs the handlers and the watchdog for a run writing `files`
/// into `dir`. Temporary files already in `dir` (left by another run)
/// are never touched.
pub fn install(dir: &Path, files: &[&str]) -> anyhow::Result<()> {
    *OUTPUT.lock().unwrap_or_else(|e| e.into_inner()) = dir.to_path_buf();
    for signal in [SIGINT, SIGTERM] {
        signal_hook::flag::register_usize(signal, &SIGNAL, signal as usize)
            .map_err(|e| anyhow::anyhow!("cannot handle signal {signal}: {e}"))?;
    }
    let names: Vec<String> = files.iter().map(|f| f.to_string()).collect();
    let before: HashSet<PathBuf> = temp_files(dir, &names).into_iter().collect();
    let dir = dir.to_path_buf();
    std::thread::Builder::new()
        .name("stance-signals".into())
        .spawn(move || watchdog(&dir, &names, &before))
        .map_err(|e| anyhow::anyhow!("cannot start the signal watchdog: {e}"))?;
    Ok(())
}

/// The signal received, if any.
pub fn pending() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        s => i32::try_from(s).ok(),
    }
}

/// `Err(Interrupted)` when a signal has arrived.
pub fn check() -> anyhow::Result<()> {
    match pending() {
        Some(signal) => Err(anyhow::Error::new(Interrupted {
            signal,
            output: OUTPUT.lock().map(|o| o.clone()).unwrap_or_default(),
        })),
        None => Ok(()),
    }
}

/// Records that every table is in place: a signal now only ends the
/// process.
pub fn committed() {
    COMMITTED.store(true, Ordering::SeqCst);
}

/// Holds off the watchdog while the tables are committed.
pub fn end_phase() -> MutexGuard<'static, ()> {
    END_PHASE.lock().unwrap_or_else(|e| e.into_inner())
}

/// `SIGINT`, `SIGTERM`, or the number.
pub fn signal_name(signal: i32) -> String {
    match signal {
        SIGINT => "SIGINT".to_string(),
        SIGTERM => "SIGTERM".to_string(),
        n => format!("signal {n}"),
    }
}

/// The temporary files of `names` in `dir`.
fn temp_files(dir: &Path, names: &[String]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.ends_with(".tmp") && names.iter().any(|n| name.starts_with(&format!(".{n}.")))
        })
        .map(|e| e.path())
        .collect()
}

/// Waits for a signal, gives the run [`GRACE`] to stop by itself, then
/// deletes this run's temporary files and exits.
fn watchdog(dir: &Path, names: &[String], before: &HashSet<PathBuf>) {
    let signal = loop {
        if let Some(signal) = pending() {
            break signal;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    std::thread::sleep(GRACE);
    // The run did not stop in time. Wait for a commit in progress.
    let _end = end_phase();
    if COMMITTED.load(Ordering::SeqCst) {
        super::warn(&format!(
            "stance: interrupted by {} after the tables were written",
            signal_name(signal)
        ));
        std::process::exit(128 + signal);
    }
    for path in temp_files(dir, names) {
        if !before.contains(&path) {
            let _ = std::fs::remove_file(path);
        }
    }
    super::warn(&format!(
        "stance: {}",
        Interrupted {
            signal,
            output: dir.to_path_buf(),
        }
    ));
    std::process::exit(128 + signal);
}
