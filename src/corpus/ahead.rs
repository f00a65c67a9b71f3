//! Reading files ahead on threads of their own: see [`Corpus::read_ahead`].

use super::*;

impl Corpus {
    /// [`Iterator::next`] with files read ahead on reader threads (see
    /// [`Corpus::read_ahead`]).
    pub(super) fn next_ahead(&mut self) -> Option<std::result::Result<Document, Reject>> {
        if self.ahead.is_none() {
            self.ahead = Some(Ahead::start(self.readers, &self.options, &self.bytes_read));
        }
        loop {
            self.fill_ahead();
            let ahead = self.ahead.as_mut()?;
            if let Some(group) = &mut ahead.current {
                match group.events.next() {
                    Some(Event::Item(item)) => return Some(item),
                    Some(Event::Skipped(skipped)) => {
                        self.log_skipped(skipped);
                        continue;
                    }
                    Some(Event::End { invalid_utf8, size }) => {
                        self.invalid_utf8.absorb(&invalid_utf8);
                        ahead.files_done += 1;
                        ahead.bytes_done += size;
                        group.files.pop_front();
                        if let Some(&(entry, _)) = group.files.front() {
                            self.item_entry = entry;
                        } else {
                            ahead.current = None;
                        }
                        continue;
                    }
                    None => {}
                }
                match group.chunks.recv() {
                    Ok(events) => group.events = events.into_iter(),
                    Err(_) => {
                        // The reader stopped before the end of the group (a
                        // panic): each file left is said, none lost.
                        let Some((entry, input)) = group.files.pop_front() else {
                            ahead.current = None;
                            continue;
                        };
                        self.item_entry = entry;
                        if group.files.is_empty() {
                            ahead.current = None;
                        }
                        return Some(Err(Reject {
                            input,
                            location: String::new(),
                            reason: "reading stopped unexpectedly (its reader thread failed): \
                                     the rest of this file was not read; please report this"
                                .to_string(),
                        }));
                    }
                }
                continue;
            }
            match ahead.queue.pop_front()? {
                Pending::Reject(r, entry) => {
                    self.item_entry = entry;
                    return Some(Err(r));
                }
                Pending::Files(group) => {
                    if let Some(&(entry, _)) = group.files.front() {
                        self.item_entry = entry;
                        ahead.current = Some(group);
                    }
                }
            }
        }
    }

    /// Hands the next entries to the readers, up to twice as many groups
    /// as there are readers, so that none waits for work. Consecutive files
    /// go to one reader together, as many as make about [`AHEAD_GROUP_BYTES`]
    /// at the mean size of the files read so far (at most
    /// [`AHEAD_GROUP_FILES`]): each group costs a hand-over between threads,
    /// which for files of a few hundred bytes would cost more than reading
    /// them.
    fn fill_ahead(&mut self) {
        loop {
            let Some(ahead) = &self.ahead else {
                return;
            };
            if ahead.walked || ahead.queue.len() >= 2 * self.readers {
                return;
            }
            let group_files = match ahead.files_done {
                0 => 1,
                n => (AHEAD_GROUP_BYTES * n / ahead.bytes_done.max(1)).clamp(1, AHEAD_GROUP_FILES),
            };
            let mut files: Vec<(InputFile, u64)> = Vec::new();
            let mut reject = None;
            while (files.len() as u64) < group_files {
                match self.next_entry() {
                    Some(WalkItem::File(file)) => files.push((file, self.entries_met - 1)),
                    Some(WalkItem::Reject(r, _)) => {
                        reject = Some((r, self.entries_met - 1));
                        break;
                    }
                    Some(WalkItem::Skipped(_) | WalkItem::OutputDir(_)) => {}
                    None => {
                        if let Some(ahead) = &mut self.ahead {
                            ahead.walked = true;
                        }
                        break;
                    }
                }
            }
            let Some(ahead) = &mut self.ahead else {
                return;
            };
            if !files.is_empty() {
                let (tx, rx) = sync_channel(AHEAD_CHUNKS);
                let shown = files
                    .iter()
                    .map(|(f, entry)| (*entry, f.path.to_string_lossy().into_owned()))
                    .collect();
                // The readers outlive the queue (see `Ahead`); if they are
                // gone, the group's channel says so when it is read.
                let _ = ahead.jobs.send(Job { files, chunks: tx });
                ahead.queue.push_back(Pending::Files(Group {
                    files: shown,
                    chunks: rx,
                    events: Vec::new().into_iter(),
                }));
            }
            if let Some((r, entry)) = reject {
                ahead.queue.push_back(Pending::Reject(r, entry));
            }
        }
    }
}

/// Items a reader thread passes on at once, at most.
const AHEAD_ITEMS: usize = 256;
/// Bytes of files a reader is given at once, about (see `fill_ahead`).
const AHEAD_GROUP_BYTES: u64 = 1 << 20;
/// Files a reader is given at once, at most.
const AHEAD_GROUP_FILES: u64 = 64;

/// The files being read ahead by reader threads: each group of consecutive
/// files is read by one reader, in order, into a bounded queue of its own,
/// and the groups are taken in order.
pub(super) struct Ahead {
    /// Files for the readers to read, in order.
    pub(super) jobs: std::sync::mpsc::Sender<Job>,
    /// Entries handed on and not yet taken, in order.
    pub(super) queue: VecDeque<Pending>,
    /// The group whose items are being taken.
    pub(super) current: Option<Group>,
    /// The walk has ended.
    pub(super) walked: bool,
    /// Files taken whole so far, and their bytes on disk.
    pub(super) files_done: u64,
    pub(super) bytes_done: u64,
}

/// Files for a reader thread: read them in order, send their items and the
/// end of each to `chunks`.
pub(super) struct Job {
    /// Each file with its entry number.
    files: Vec<(InputFile, u64)>,
    chunks: SyncSender<Vec<Event>>,
}

/// What a reader thread sends of its files, in order.
pub(super) enum Event {
    /// The next item of the file being read.
    Item(std::result::Result<Document, Reject>),
    /// The file is read: its invalid UTF-8 and its size on disk.
    End {
        invalid_utf8: Arc<InvalidUtf8>,
        size: u64,
    },
    /// Files inside an archive passed over, for the read log.
    Skipped(Vec<PathBuf>),
}

/// An entry handed on, in reading order.
pub(super) enum Pending {
    /// A problem found while walking, with its entry.
    Reject(Reject, u64),
    Files(Group),
}

/// Files read by a reader thread, as the taking side sees them.
pub(super) struct Group {
    /// Each file not yet taken whole: its entry and its path as shown.
    pub(super) files: VecDeque<(u64, String)>,
    pub(super) chunks: Receiver<Vec<Event>>,
    /// The events of the last chunk not yet taken.
    pub(super) events: std::vec::IntoIter<Event>,
}

impl Ahead {
    /// Starts `readers` reader threads. They stop when the `Ahead` is
    /// dropped (no more jobs) after their current file, whose queue is
    /// gone with it.
    fn start(readers: usize, options: &ReadOptions, bytes_read: &Arc<AtomicU64>) -> Ahead {
        let (jobs, rx) = std::sync::mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..readers {
            let rx = Arc::clone(&rx);
            let options = options.clone();
            let bytes_read = Arc::clone(bytes_read);
            let spawned = std::thread::Builder::new()
                .name(format!("stance-reader-{i}"))
                .spawn(move || read_files(&rx, &options, &bytes_read));
            if spawned.is_err() && i > 0 {
                break; // fewer readers; at least one is running
            }
            // With none at all, every group's queue reports its reader
            // gone: each file becomes a reject, none is lost silently.
        }
        Ahead {
            jobs,
            queue: VecDeque::new(),
            current: None,
            walked: false,
            files_done: 0,
            bytes_done: 0,
        }
    }
}

/// A reader thread: reads the files it is given, a group at a time, into
/// their queues, until there are no more.
fn read_files(jobs: &Mutex<Receiver<Job>>, options: &ReadOptions, bytes_read: &Arc<AtomicU64>) {
    'jobs: loop {
        let job = {
            let jobs = jobs.lock().unwrap_or_else(|e| e.into_inner());
            match jobs.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        let mut batch = Vec::new();
        let mut bytes = 0;
        for (mut file, entry) in job.files {
            let tally = Arc::new(InvalidUtf8::default());
            tally.entry.store(entry, Ordering::Relaxed);
            let counted = Arc::new(AtomicU64::new(0));
            let mut source = open_source(&mut file, options, bytes_read, Some(&counted), &tally);
            while let Some(item) = next_item(&mut source, options) {
                if let Some(skipped) = source.take_skipped() {
                    batch.push(Event::Skipped(skipped));
                }
                bytes += item.as_ref().map_or(0, |d| d.text.len());
                batch.push(Event::Item(item));
                if batch.len() >= AHEAD_ITEMS || bytes >= AHEAD_CHUNK {
                    if job.chunks.send(std::mem::take(&mut batch)).is_err() {
                        continue 'jobs; // the corpus was dropped
                    }
                    bytes = 0;
                }
            }
            if let Some(skipped) = source.take_skipped() {
                batch.push(Event::Skipped(skipped));
            }
            drop(source);
            // The file counts as wholly read, even if it stopped early.
            let counted = counted.load(Ordering::Relaxed);
            if counted < file.size {
                bytes_read.fetch_add(file.size - counted, Ordering::Relaxed);
            }
            batch.push(Event::End {
                invalid_utf8: tally,
                size: file.size,
            });
        }
        if !batch.is_empty() {
            let _ = job.chunks.send(batch);
        }
    }
}
