//! A walk of a directory tree in sorted order whose memory does not grow
//! with the size of a directory: see [`SortedWalk`].

use std::collections::{BinaryHeap, VecDeque};
use std::ffi::OsString;
use std::fs::{self, FileType};
use std::io;
use std::path::{Path, PathBuf};

/// Names of one directory held at once, at most (see [`SortedWalk`]).
pub(super) const LIST_BATCH: usize = 1 << 17;

/// What [`SortedWalk`] meets.
#[derive(Debug)]
pub(super) enum Walked {
    /// A regular file (reached through a symbolic link or not; the path is
    /// the one inside the tree), with its size when sizes were asked for.
    File(PathBuf, u64),
    /// A named pipe, socket or device.
    Special(PathBuf),
    /// What could not be walked: a directory that cannot be listed, a
    /// broken symbolic link, a link back to a directory above it.
    Problem(PathBuf, String),
    /// A directory of stance's own output ([`is_stance_output`]): not
    /// walked.
    OutputDir(PathBuf),
}

/// Whether `dir` holds the output of a `stance score` or `stance merge`
/// run: a `run.json` whose `tool` is `stance`. Such a directory inside a
/// corpus (`stance score corpus/ -o corpus/out`, shards' parts) is not
/// read as documents: its `sentences.csv` has a `text` column, and a run
/// would score the sentences of the last one again.
pub(super) fn is_stance_output(dir: &Path) -> bool {
    #[derive(serde::Deserialize)]
    struct RunJson {
        tool: Option<String>,
    }
    let Ok(file) = fs::File::open(dir.join("run.json")) else {
        return false;
    };
    serde_json::from_reader::<_, RunJson>(io::BufReader::new(file))
        .is_ok_and(|r| r.tool.as_deref() == Some("stance"))
}

/// A depth-first walk of the directory `root`: each directory's entries in
/// byte order of their names, subdirectories walked where they sort,
/// symbolic links followed (a link back to a directory above it is a
/// [`Walked::Problem`], not followed), names starting with `.` skipped.
///
/// Sorting needs the names of a directory, and a flat directory of a
/// million stories would hold a million of them (`walkdir`, which this
/// replaced, held about 110 bytes per file: 74 MB for 400,000 files in one
/// directory against 33 MB for 100,000). Here a directory is listed in
/// passes, each keeping only the next names in order after the last one
/// taken, with their types (about 60 bytes a name): [`LIST_BATCH`] of
/// them, or if a directory is more than five times that, a quarter of the
/// rest. So a directory is listed at most five times, and holds at most
/// 131,072 names or a quarter of them. A listing costs a few hundred
/// nanoseconds a name (the standard library allocates each entry): the
/// three more listings of a directory of 400,000 one-story files made
/// scoring it about an eighth slower (6.6 s against 5.9 s), at 30 MB instead
/// of 74. (A directory that changes during the walk gives what each pass
/// saw.)
pub(super) struct SortedWalk {
    root: PathBuf,
    sizes: bool,
    batch: usize,
    started: bool,
    /// The directories being walked, innermost last.
    stack: Vec<Level>,
}

/// A directory being walked.
struct Level {
    dir: PathBuf,
    /// Tells a link back to this directory.
    id: DirId,
    /// The next names, in order, with their types (not following links;
    /// `None` if the listing could not tell).
    names: VecDeque<(OsString, Option<FileType>)>,
    /// The last name listed; the next pass lists the names after it.
    after: Option<OsString>,
    /// No names are left after `names`.
    complete: bool,
    /// Names listed at most per pass.
    batch: usize,
}

/// A directory entry's name and type (not following links; `None` if it
/// could not be told), ordered by the name.
struct Named(OsString, Option<FileType>);

impl PartialEq for Named {
    fn eq(&self, other: &Named) -> bool {
        self.0 == other.0
    }
}

impl Eq for Named {}

impl PartialOrd for Named {
    fn partial_cmp(&self, other: &Named) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Named {
    fn cmp(&self, other: &Named) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

#[cfg(unix)]
type DirId = (u64, u64);
#[cfg(not(unix))]
type DirId = PathBuf;

/// What tells a directory from all others: device and inode numbers on
/// Unix, the canonical path elsewhere.
fn dir_id(path: &Path) -> io::Result<DirId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = fs::metadata(path)?;
        Ok((m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        fs::canonicalize(path)
    }
}

impl SortedWalk {
    /// A walk of `root`, a directory (its own name is not filtered); with
    /// `sizes`, each file's size is looked up (a `stat` each).
    pub(super) fn new(root: &Path, sizes: bool) -> SortedWalk {
        SortedWalk::with_batch(root, sizes, LIST_BATCH)
    }

    /// [`SortedWalk::new`] holding at most `batch` names of a directory.
    pub(super) fn with_batch(root: &Path, sizes: bool, batch: usize) -> SortedWalk {
        SortedWalk {
            root: root.to_path_buf(),
            sizes,
            batch: batch.max(1),
            started: false,
            stack: Vec::new(),
        }
    }

    /// Starts walking the directory `dir`; a problem if it cannot be.
    fn enter(&mut self, dir: PathBuf, id: DirId) -> Option<Walked> {
        let mut level = Level {
            dir,
            id,
            names: VecDeque::new(),
            after: None,
            complete: false,
            batch: self.batch,
        };
        let problem = level.list();
        self.stack.push(level);
        problem
    }
}

impl Level {
    /// Lists the next `batch` names after `after`, in order; a problem if
    /// the directory cannot be listed (which ends it).
    fn list(&mut self) -> Option<Walked> {
        let batch = self.batch;
        let first = self.after.is_none();
        let cannot = |dir: &Path, e: &io::Error| {
            Walked::Problem(
                dir.to_path_buf(),
                format!("cannot read: {}", super::describe_io(e)),
            )
        };
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) => {
                self.complete = true;
                return Some(cannot(&self.dir, &e));
            }
        };
        // The `batch` smallest names after `after`: a heap whose top is
        // the largest kept.
        let mut kept: BinaryHeap<Named> = BinaryHeap::new();
        let mut more = false;
        let mut left = 0usize;
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    self.complete = true;
                    return Some(cannot(&self.dir, &e));
                }
            };
            let name = entry.file_name();
            if name.as_encoded_bytes().starts_with(b".")
                || self.after.as_ref().is_some_and(|a| name <= *a)
            {
                continue;
            }
            left += 1;
            if kept.len() == batch {
                more = true;
                if kept.peek().is_some_and(|top| name >= top.0) {
                    continue;
                }
                kept.pop();
            }
            // The type of most entries is in the listing: no `stat`.
            kept.push(Named(name, entry.file_type().ok()));
        }
        self.names
            .extend(kept.into_sorted_vec().into_iter().map(|n| (n.0, n.1)));
        self.after = self.names.back().map(|(n, _)| n.clone());
        self.complete = !more;
        if first && left > 5 * batch {
            // A first look at a very large directory: 4 more passes at most.
            self.batch = (left - batch).div_ceil(4);
        }
        None
    }
}

impl Iterator for SortedWalk {
    type Item = Walked;

    fn next(&mut self) -> Option<Walked> {
        if !self.started {
            self.started = true;
            let root = self.root.clone();
            match dir_id(&root) {
                Ok(id) => {
                    if let Some(problem) = self.enter(root, id) {
                        return Some(problem);
                    }
                }
                Err(e) => {
                    return Some(Walked::Problem(
                        root,
                        format!("cannot read: {}", super::describe_io(&e)),
                    ));
                }
            }
        }
        loop {
            let level = self.stack.last_mut()?;
            let Some((name, kind)) = level.names.pop_front() else {
                if level.complete {
                    self.stack.pop();
                } else if let Some(problem) = level.list() {
                    return Some(problem);
                }
                continue;
            };
            let path = level.dir.join(&name);
            let kind = match kind {
                Some(kind) => kind,
                None => match fs::symlink_metadata(&path) {
                    Ok(m) => m.file_type(),
                    Err(e) => {
                        let reason = format!("cannot read: {}", super::describe_io(&e));
                        return Some(Walked::Problem(path, reason));
                    }
                },
            };
            let kind = if kind.is_symlink() {
                match fs::metadata(&path) {
                    Ok(m) => m.file_type(),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {
                        return Some(Walked::Problem(
                            path,
                            "broken symbolic link (its target does not exist)".to_string(),
                        ));
                    }
                    Err(e) => {
                        let reason = format!("cannot read: {}", super::describe_io(&e));
                        return Some(Walked::Problem(path, reason));
                    }
                }
            } else {
                kind
            };
            if kind.is_dir() {
                let id = match dir_id(&path) {
                    Ok(id) => id,
                    Err(e) => {
                        let reason = format!("cannot read: {}", super::describe_io(&e));
                        return Some(Walked::Problem(path, reason));
                    }
                };
                if is_stance_output(&path) {
                    return Some(Walked::OutputDir(path));
                }
                if let Some(above) = self.stack.iter().find(|l| l.id == id) {
                    let reason = format!(
                        "symbolic link loop back to '{}', not followed",
                        above.dir.display()
                    );
                    return Some(Walked::Problem(path, reason));
                }
                if let Some(problem) = self.enter(path, id) {
                    return Some(problem);
                }
                continue;
            }
            if !kind.is_file() {
                return Some(Walked::Special(path));
            }
            let size = if self.sizes {
                fs::metadata(&path).map_or(0, |m| m.len())
            } else {
                0
            };
            return Some(Walked::File(path, size));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create fixture dir");
        }
        fs::write(path, b"Talks resumed.").expect("write fixture");
    }

    /// What a walk meets, as paths relative to `root` with a mark.
    fn shown(root: &Path, walk: impl Iterator<Item = Walked>) -> Vec<String> {
        let rel = |p: &Path| {
            p.strip_prefix(root)
                .unwrap_or(p)
                .to_string_lossy()
                .into_owned()
        };
        walk.map(|w| match w {
            Walked::File(p, size) => format!("{} {size}", rel(&p)),
            Walked::Special(p) => format!("{} special", rel(&p)),
            Walked::Problem(p, reason) => format!("{}: {reason}", rel(&p)),
            Walked::OutputDir(p) => format!("{} stance output", rel(&p)),
        })
        .collect()
    }

    #[test]
    fn walks_in_byte_order_whatever_the_batch() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("news");
        for name in [
            "b.txt",
            "B.txt",
            "a/z.jsonl",
            "a/deeper/x.txt",
            "a.txt",
            "ä.txt",
            "10.txt",
            "9.txt",
            ".hidden.txt",
            ".git/config.txt",
            "c/.also-hidden",
        ] {
            touch(&root.join(name));
        }
        fs::create_dir_all(root.join("empty")).expect("mkdir");
        #[cfg(unix)]
        {
            use std::os::unix::fs::symlink;
            symlink(root.join("a"), root.join("link-to-a")).expect("symlink");
            symlink(root.join("b.txt"), root.join("link-to-b.txt")).expect("symlink");
            symlink(root.join("gone.txt"), root.join("c/broken.txt")).expect("symlink");
            symlink(&root, root.join("a/deeper/up")).expect("symlink");
        }
        let want_all: Vec<String> = shown(&root, SortedWalk::new(&root, true));
        let mut want = vec!["10.txt 14", "9.txt 14", "B.txt 14"];
        #[cfg(unix)]
        want.push(
            // `up` is a link back to the root, two levels above it.
            "a/deeper/up: symbolic link loop back to '{root}', not followed",
        );
        want.extend(["a/deeper/x.txt 14", "a/z.jsonl 14", "a.txt 14", "b.txt 14"]);
        #[cfg(unix)]
        want.extend([
            "c/broken.txt: broken symbolic link (its target does not exist)",
            "link-to-a/deeper/up: symbolic link loop back to '{root}', not followed",
            "link-to-a/deeper/x.txt 14",
            "link-to-a/z.jsonl 14",
            "link-to-b.txt 14",
        ]);
        want.push("ä.txt 14");
        let root_shown = root.display().to_string();
        let want: Vec<String> = want
            .iter()
            .map(|w| w.replace("{root}", &root_shown))
            .collect();
        assert_eq!(want_all, want);
        for batch in [1, 2, 3, 5] {
            let got = shown(&root, SortedWalk::with_batch(&root, true, batch));
            assert_eq!(got, want, "batch of {batch}");
        }
        // Without sizes, files show 0.
        let no_sizes = shown(&root, SortedWalk::new(&root, false));
        assert_eq!(no_sizes[0], "10.txt 0");
    }

    #[test]
    fn a_flat_directory_is_held_a_batch_at_a_time() {
        let dir = tempfile::tempdir().expect("tempdir");
        let names: Vec<String> = (0..50)
            .map(|i| format!("story-{:02}.txt", (i * 37) % 50))
            .collect();
        for name in &names {
            touch(&dir.path().join("flat").join(name));
        }
        let root = dir.path().join("flat");
        let mut sorted = names.clone();
        sorted.sort();
        let want: Vec<String> = sorted.iter().map(|n| format!("{n} 0")).collect();
        // At most `batch` names held, or a quarter of the rest if more.
        for (batch, most) in [(7, 11), (2, 12), (12, 12), (60, 50)] {
            let mut walk = SortedWalk::with_batch(&root, false, batch);
            let mut got = Vec::new();
            let mut most_held = 0;
            while let Some(w) = walk.next() {
                let held = walk.stack.iter().map(|l| l.names.len()).max().unwrap_or(0);
                most_held = most_held.max(held + 1); // the one just taken
                got.push(w);
            }
            assert_eq!(most_held, most, "names held with a batch of {batch}");
            assert_eq!(shown(&root, got.into_iter()), want, "batch of {batch}");
        }
    }

    #[test]
    fn a_root_that_cannot_be_listed_is_one_problem() {
        let dir = tempfile::tempdir().expect("tempdir");
        let gone = dir.path().join("gone");
        let got: Vec<Walked> = SortedWalk::new(&gone, false).collect();
        assert_eq!(got.len(), 1);
        assert!(
            matches!(&got[0], Walked::Problem(p, r) if *p == gone && r.starts_with("cannot read: ")),
            "{got:?}"
        );
    }

    #[test]
    fn stance_output_directories_are_met_not_walked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        touch(&root.join("a.txt"));
        touch(&root.join("out/sentences.csv"));
        fs::write(
            root.join("out/run.json"),
            "{\"tool\": \"stance\", \"documents\": 3}",
        )
        .expect("write");
        // A run.json of another tool, or not JSON, is a file like others.
        touch(&root.join("other/notes.txt"));
        fs::write(root.join("other/run.json"), "{\"tool\": \"mytool\"}").expect("write");
        touch(&root.join("zz/b.txt"));
        fs::write(root.join("zz/run.json"), "not json").expect("write");
        let met = shown(root, SortedWalk::new(root, false));
        assert_eq!(
            met,
            [
                "a.txt 0",
                "other/notes.txt 0",
                "other/run.json 0",
                "out stance output",
                "zz/b.txt 0",
                "zz/run.json 0",
            ]
        );
    }
}
