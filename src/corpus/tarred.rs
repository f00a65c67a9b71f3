//! The files inside a tar archive (`.tar`, `.tar.gz`, `.tgz`, `.tar.zst`,
//! `.tzst`: the form many collections of stories are shipped in), each read
//! as an input file of its own.
//!
//! A tar archive has no index: it is one stream of members, each a header
//! and its bytes, and a compressed one can only be read from its start. So
//! the whole archive is one entry of the corpus (one file for `--shard-by
//! file`, read by one reader), and its members are read in the order they
//! are stored. The `tar` crate reads the headers (ustar, GNU long names, pax
//! extended headers) on a thread of its own, which hands each member's
//! bytes on as a stream of chunks, a few ahead; a member nobody reads (of
//! an unknown format) is passed over.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::{
    Chunks, Compression, CountingReader, Document, Format, InputFile, InvalidUtf8, Part,
    ReadOptions, Reject, Source, next_item, source_from_raw,
};

/// Bytes in one chunk of a member's data.
const CHUNK: usize = 256 * 1024;
/// Chunks of a member read ahead of its reader, at most.
const MEMBER_CHUNKS: usize = 4;
/// Members read ahead of the reader, at most: with [`MEMBER_CHUNKS`], the
/// archive thread holds at most about 16 MB.
const MEMBERS_AHEAD: usize = 16;

/// What the archive thread finds, in the archive's order.
pub(super) enum TarItem {
    /// A regular file: its name (without a leading `./`), its size, and
    /// its data as chunks ending with an empty one (an error in its place
    /// when the data cannot be read to its end).
    Member(String, u64, Receiver<io::Result<Vec<u8>>>),
    /// A member that is not a regular file nor a directory (a link, a
    /// device): its name. Not read; a link's target is read as itself.
    NotFile(String),
    /// The archive cannot be read on from here: why, and the name of the
    /// last member before the damage, if any.
    Broken(String, Option<String>),
    /// The archive cannot be read on from inside the member being read,
    /// whose reader has the error, [`ArchiveDamage`]: nothing more.
    Stopped,
    /// The end of the archive, reached with no error.
    End,
}

/// The error a member's reader gets where the archive around it cannot be
/// read on (damaged compressed data, a cut archive): why.
#[derive(Debug)]
pub(super) struct ArchiveDamage(pub String);

impl std::fmt::Display for ArchiveDamage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ArchiveDamage {}

/// Why the archive cannot be read on, compressed with `compression`: the
/// decompressor's error, or the `tar` crate's in plain words (its own
/// quotes a damaged header's bytes, newlines and all).
fn damage(e: &io::Error, compression: Compression) -> String {
    if let Some(said) = e.get_ref().and_then(|i| i.downcast_ref::<ArchiveDamage>()) {
        return said.0.clone();
    }
    if let Some(corrupt) = super::corrupt_data(e, compression) {
        return corrupt;
    }
    let text = super::describe_io(e);
    if text.contains("cksum") || text.contains("checksum") {
        "a header is damaged or is no tar header: its checksum does not match".to_string()
    } else if text.contains("entire block") {
        "it ends inside a header".to_string()
    } else {
        let line = text.lines().next().unwrap_or_default();
        line.chars().take(200).collect()
    }
}

/// Whether `path` names a tar archive, by its extension (case-insensitive):
/// `.tar`, `.tar.gz`, `.tgz`, `.tar.zst`, `.tar.zstd` or `.tzst`.
pub(super) fn is_tar(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let name = name.to_ascii_lowercase();
    [".tar", ".tar.gz", ".tgz", ".tar.zst", ".tar.zstd", ".tzst"]
        .iter()
        .any(|ext| name.len() > ext.len() && name.ends_with(ext))
}

/// Bytes of a tar archive's start up to the end of its first header's
/// magic number (`ustar` at offset 257).
pub(super) const MAGIC_END: usize = 262;

/// Whether `head`, the start of a stream, is a tar header with the magic
/// number of POSIX and GNU tar (not old V7 archives, which have none).
pub(super) fn has_magic(head: &[u8]) -> bool {
    head.get(257..MAGIC_END) == Some(b"ustar")
}

/// A member's name as the archive stores it, without the `./` or `/` it
/// may start with.
fn clean_name(raw: &[u8]) -> String {
    let name = String::from_utf8_lossy(raw);
    let mut name: &str = &name;
    loop {
        let trimmed = name.trim_start_matches('/');
        let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
        if trimmed.len() == name.len() {
            break;
        }
        name = trimmed;
    }
    name.to_string()
}

/// Starts reading the members of the (decompressed) archive `raw`, which
/// was compressed with `compression` (for messages), on a thread of its
/// own; its items come out of the receiver in order, the last one
/// [`TarItem::End`], [`TarItem::Broken`] or [`TarItem::Stopped`].
/// Directories and hidden names (as a directory walk leaves out:
/// `.DS_Store`, the `._story.txt` that macOS's tar adds beside each file)
/// are left out. When the receiver is dropped, the thread stops.
fn members(raw: Box<dyn Read + Send>, compression: Compression) -> Receiver<TarItem> {
    let (tx, items) = sync_channel(MEMBERS_AHEAD);
    let failed = tx.clone();
    let spawned = std::thread::Builder::new()
        .name("stance-tar".to_string())
        .spawn(move || read_members(raw, compression, &tx));
    if let Err(e) = spawned {
        let why = format!("cannot start a thread to read the archive: {e}");
        let _ = failed.send(TarItem::Broken(why, None));
    }
    items
}

/// The archive thread: see [`members`].
fn read_members(raw: Box<dyn Read + Send>, compression: Compression, tx: &SyncSender<TarItem>) {
    // The archive's bytes, counted as the `tar` crate reads them.
    let read = Arc::new(AtomicU64::new(0));
    let mut archive = tar::Archive::new(CountingReader {
        inner: raw,
        counter: Arc::clone(&read),
        file_counter: None,
    });
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(e) => {
            let _ = tx.send(TarItem::Broken(damage(&e, compression), None));
            return;
        }
    };
    let mut last: Option<String> = None;
    // Where the header after the last entry met starts.
    let mut next_header = 0u64;
    for entry in entries {
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let _ = tx.send(TarItem::Broken(damage(&e, compression), last));
                return;
            }
        };
        let stored = entry.header().entry_size().unwrap_or_else(|_| entry.size());
        next_header = (entry.raw_file_position() + stored).next_multiple_of(BLOCK);
        let name = clean_name(&entry.path_bytes());
        let kind = entry.header().entry_type();
        if kind.is_dir() || name.is_empty() || super::zipped::hidden(&name) {
            continue;
        }
        let regular = kind.is_file() || kind.is_contiguous() || kind.is_gnu_sparse();
        if !regular {
            if tx.send(TarItem::NotFile(name)).is_err() {
                return;
            }
            continue;
        }
        let size = entry.size();
        let (chunks_tx, chunks) = sync_channel(MEMBER_CHUNKS);
        if tx
            .send(TarItem::Member(name.clone(), size, chunks))
            .is_err()
        {
            return;
        }
        if let Err(e) = pump(&mut entry, size, &chunks_tx) {
            // Said by the member's reader, if it is still reading; else by
            // the archive's reject.
            let why = damage(&e, compression);
            let told = chunks_tx
                .send(Err(io::Error::other(ArchiveDamage(why.clone()))))
                .is_ok();
            let _ = tx.send(if told {
                TarItem::Stopped
            } else {
                TarItem::Broken(why, Some(name))
            });
            return;
        }
        last = Some(name);
    }
    // The `tar` crate ends at a block of zeros (the end-of-archive marker)
    // and, the same way, at the end of the data where a header should
    // start: an archive cut at a member's end would pass for whole, its
    // later members lost unsaid. Only the marker's block is read past that
    // header's place.
    drop(archive);
    let read = read.load(Ordering::Relaxed);
    let _ = tx.send(if read >= next_header + BLOCK {
        TarItem::End
    } else if read == 0 {
        TarItem::Broken("it is empty".to_string(), None)
    } else {
        let why = "it ends where a header should start, with no end-of-archive marker: it \
                   was cut short there";
        TarItem::Broken(why.to_string(), last)
    });
}

/// Bytes in a tar block: headers and the data after them start at
/// multiples of it.
const BLOCK: u64 = 512;

/// Sends the `size` bytes of a member's data as chunks, then an empty
/// chunk; stops early, with no error, when the member's reader is gone. A
/// member whose data ends before `size` bytes (a cut archive) is an error.
fn pump(data: &mut impl Read, size: u64, tx: &SyncSender<io::Result<Vec<u8>>>) -> io::Result<()> {
    let mut sent = 0u64;
    while sent < size {
        // No bigger than what is left: most members are stories of a few
        // kilobytes, and a whole chunk zeroed for each cost more than
        // reading it.
        let len = usize::try_from(size - sent).map_or(CHUNK, |left| left.min(CHUNK));
        let mut buf = vec![0u8; len];
        let (filled, error) = super::fill(data, &mut buf);
        buf.truncate(filled);
        sent += filled as u64;
        if filled > 0 && tx.send(Ok(buf)).is_err() {
            return Ok(()); // not read: the archive goes on past it
        }
        if let Some(e) = error {
            return Err(e); // after every byte before it
        }
        if filled < len {
            break;
        }
    }
    if sent < size {
        // The data was read whole (decompressed with no error): the
        // archive itself is cut.
        return Err(io::Error::other(ArchiveDamage(format!(
            "the archive ends inside this member (after {sent} of its {size} bytes)"
        ))));
    }
    let _ = tx.send(Ok(Vec::new()));
    Ok(())
}

/// Reading a tar archive: its members one after another, each read as a
/// file of its own format (by its name, or `--format`), named after the
/// archive (`stories.tar.gz/2019/talks.txt`) in ids and rejects.
pub(super) struct TarSource {
    /// The archive.
    archive: InputFile,
    items: Receiver<TarItem>,
    /// The member being read.
    member: Option<Box<Source>>,
    /// Members not read (of an unknown format, not regular files), as
    /// listed in the read log, not yet handed to it.
    pub(super) skipped: Vec<PathBuf>,
    invalid_utf8: Arc<InvalidUtf8>,
    /// The last member met, for a message if the thread fails.
    last: Option<String>,
    ended: bool,
}

impl TarSource {
    /// Reads the archive `archive` from `raw`, decompressed.
    pub(super) fn new(
        archive: InputFile,
        raw: Box<dyn Read + Send>,
        invalid_utf8: Arc<InvalidUtf8>,
    ) -> TarSource {
        TarSource {
            items: members(raw, archive.compression),
            archive,
            member: None,
            skipped: Vec::new(),
            invalid_utf8,
            last: None,
            ended: false,
        }
    }

    /// The next document or reject of the archive.
    pub(super) fn next(
        &mut self,
        options: &ReadOptions,
    ) -> Option<std::result::Result<Document, Reject>> {
        loop {
            if let Some(source) = &mut self.member {
                if let Some(item) = next_item(source, options) {
                    return Some(item);
                }
                self.member = None;
            }
            if self.ended {
                return None;
            }
            let shown = self.archive.shown();
            let item = self.items.recv().unwrap_or_else(|_| {
                TarItem::Broken(
                    "its reading thread stopped unexpectedly; please report this".to_string(),
                    self.last.clone(),
                )
            });
            match item {
                TarItem::End | TarItem::Stopped => self.ended = true,
                TarItem::Broken(why, after) => {
                    self.ended = true;
                    let reason = match after {
                        Some(name) => format!(
                            "cannot read the archive on after its member '{name}' ({why}): \
                             the members after it are not read"
                        ),
                        None => {
                            format!("not a readable tar archive ({why}): nothing in it is read")
                        }
                    };
                    return Some(Err(Reject {
                        input: shown,
                        location: String::new(),
                        reason,
                    }));
                }
                TarItem::NotFile(name) => {
                    self.skipped.push(PathBuf::from(format!("{shown}/{name}")));
                    self.last = Some(name);
                }
                TarItem::Member(name, size, chunks) => {
                    let inner = Path::new(&name);
                    let Some(format) = options.format.or_else(|| Format::from_path(inner)) else {
                        // Its chunks dropped: the thread passes over it.
                        self.skipped.push(PathBuf::from(format!("{shown}/{name}")));
                        self.last = Some(name);
                        continue;
                    };
                    let mut file = InputFile {
                        path: self.archive.path.clone(),
                        name: format!("{}/{name}", self.archive.name),
                        key: format!("{}/{name}", self.archive.key),
                        format,
                        compression: Compression::from_path(inner),
                        stdin: false,
                        size,
                        part: Part::TarMember(name.clone()),
                    };
                    let lost = "the thread reading the archive stopped unexpectedly";
                    let data = Box::new(Chunks::new(chunks, lost));
                    let source = source_from_raw(&mut file, data, options, &self.invalid_utf8);
                    self.member = Some(Box::new(source));
                    self.last = Some(name);
                }
            }
        }
    }
}
