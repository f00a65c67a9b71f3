//! The files inside a `.zip` archive (the form many datasets are shared
//! in: a spreadsheet export of articles, a folder of stories), each read
//! as an input file of its own.
//!
//! The archive's central directory is listed with the `zip` crate; each
//! member is then read straight from its offset in the archive with a
//! reader of its own (stored, raw deflate through `flate2`, or Deflate64
//! through `deflate64`), so that
//! members stream like files and can be read by different threads at once.
//! Its CRC-32 is checked at its end.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

/// Where a member's data is and how to read it.
#[derive(Debug, Clone)]
pub(super) struct ZipMember {
    /// Its name in the archive (`news/2019.jsonl`).
    pub name: String,
    /// Offset of its local header in the archive.
    header_start: u64,
    /// Bytes of its data in the archive.
    pub compressed: u64,
    /// Bytes once decompressed.
    size: u64,
    /// How its data is compressed.
    method: Method,
    crc32: u32,
}

/// The compression methods of the members stance reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Stored,
    Deflated,
    /// Deflate with a 64 KB window (method 9), as 7-Zip and some Windows
    /// tools write large files.
    Deflate64,
}

/// A member of an archive, as listed.
pub(super) enum Listed {
    /// One to read.
    Member(ZipMember),
    /// One that cannot be read, and why.
    Unreadable(String, String),
}

/// Whether a member's name is one to leave out, as a directory walk leaves
/// out hidden names: a directory entry, or a path with a part starting
/// with `.` or named `__MACOSX` (the resource forks macOS adds to the
/// archives it makes, `__MACOSX/._story.txt`).
pub(super) fn hidden(name: &str) -> bool {
    name.ends_with('/')
        || name
            .split('/')
            .any(|part| part.starts_with('.') || part == "__MACOSX")
}

/// The members of the archive at `path`, sorted by name, hidden ones left
/// out. The error says why the archive cannot be listed.
pub(super) fn list(path: &Path) -> Result<Vec<Listed>, String> {
    let file =
        File::open(path).map_err(|e| format!("cannot read file: {}", super::describe_io(&e)))?;
    let archive = zip::ZipArchive::new(io::BufReader::new(file))
        .map_err(|e| format!("not a readable zip archive ({e})"))?;
    let mut listed = Vec::new();
    for i in 0..archive.len() {
        let entry = archive
            .by_index_data(i)
            .map_err(|e| format!("not a readable zip archive ({e})"))?;
        // Names not in UTF-8 are read as CP437, zip's old encoding.
        let name = match entry.name() {
            Ok(name) => name.into_owned(),
            Err(_) => String::from_utf8_lossy(entry.name_raw()).into_owned(),
        };
        if entry.is_dir() || hidden(&name) {
            continue;
        }
        let method = match entry.compression() {
            zip::CompressionMethod::Stored => Ok(Method::Stored),
            zip::CompressionMethod::Deflated => Ok(Method::Deflated),
            zip::CompressionMethod::Deflate64 => Ok(Method::Deflate64),
            other => Err(other),
        };
        let item = match method {
            _ if entry.encrypted() => Listed::Unreadable(
                name,
                "encrypted in the zip archive: not read; extract it first".to_string(),
            ),
            Err(other) => Listed::Unreadable(
                name,
                format!(
                    "compressed with {other} in the zip archive, which stance does not read \
                     (only stored, deflated and Deflate64 members); extract it first"
                ),
            ),
            Ok(method) => Listed::Member(ZipMember {
                name,
                header_start: entry.header_start(),
                compressed: entry.compressed_size(),
                size: entry.size(),
                method,
                crc32: entry.crc32(),
            }),
        };
        listed.push(item);
    }
    listed.sort_by(|a, b| name_of(a).cmp(name_of(b)));
    Ok(listed)
}

fn name_of(l: &Listed) -> &str {
    match l {
        Listed::Member(m) => &m.name,
        Listed::Unreadable(name, _) => name,
    }
}

/// The archive `file` opened at the start of `m`'s data (past its local
/// header, whose name and extra field lengths may differ from the central
/// directory's).
pub(super) fn seek_to_data(mut file: File, m: &ZipMember) -> io::Result<File> {
    let damaged = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
    file.seek(SeekFrom::Start(m.header_start))?;
    let mut header = [0u8; 30];
    file.read_exact(&mut header)
        .map_err(|_| damaged("its local header is cut short"))?;
    if header[..4] != [0x50, 0x4b, 0x03, 0x04] {
        return Err(damaged("no local header where the directory says"));
    }
    let name_len = u64::from(u16::from_le_bytes([header[26], header[27]]));
    let extra_len = u64::from(u16::from_le_bytes([header[28], header[29]]));
    file.seek(SeekFrom::Start(m.header_start + 30 + name_len + extra_len))?;
    Ok(file)
}

/// `raw`, the member's `compressed` bytes, decompressed and checked.
pub(super) fn decode(raw: Box<dyn Read + Send>, m: &ZipMember) -> Box<dyn Read + Send> {
    let inner: Box<dyn Read + Send> = match m.method {
        Method::Stored => raw,
        Method::Deflated => Box::new(flate2::read::DeflateDecoder::new(raw)),
        Method::Deflate64 => Box::new(deflate64::Deflate64Decoder::new(raw)),
    };
    Box::new(Checked {
        inner,
        crc: flate2::Crc::new(),
        want_crc: m.crc32,
        want_size: m.size,
    })
}

/// A member's bytes, whose CRC-32 and size are compared with the central
/// directory's at the end: damage in a stored member, or in deflated data
/// that still inflates, is an error, not text.
struct Checked {
    inner: Box<dyn Read + Send>,
    crc: flate2::Crc,
    want_crc: u32,
    want_size: u64,
}

impl Read for Checked {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        if n > 0 {
            self.crc.update(&out[..n]);
        } else if !out.is_empty()
            && (self.crc.sum() != self.want_crc
                || u64::from(self.crc.amount()) != self.want_size & 0xffff_ffff)
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "its CRC-32 or size does not match the archive's directory",
            ));
        }
        Ok(n)
    }
}
