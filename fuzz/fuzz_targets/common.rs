//! Shared by the reader targets: fuzz bytes → a file → `Corpus::open`.

use std::path::PathBuf;
use std::sync::OnceLock;

use stancemeter::corpus::{Corpus, ReadOptions};

/// One temporary directory for the whole fuzzing process.
fn dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("tempdir"))
}

/// Writes `data` minus its first byte to a file named `name` (plus `.gz`
/// when bit 0 of the first byte is set, so the gzip decoder sees fuzz data
/// too) and reads it all. Bits 1-2 pick `--max-doc-bytes`, so the limit
/// paths are reached with small inputs.
pub fn read_all(data: &[u8], name: &str) {
    let Some((&flags, body)) = data.split_first() else {
        return;
    };
    let mut name = name.to_string();
    if flags & 1 == 1 {
        name.push_str(".gz");
    }
    let max_doc_bytes = [8, 64, 1024, 1 << 20][usize::from(flags >> 1 & 3)];
    let path: PathBuf = dir().path().join(&name);
    std::fs::write(&path, body).expect("write fuzz input");
    let options = ReadOptions {
        max_doc_bytes,
        ..ReadOptions::default()
    };
    let corpus = Corpus::open(std::slice::from_ref(&path), options).expect("open");
    let invalid = corpus.invalid_utf8();
    let mut documents = 0u64;
    for item in corpus {
        match item {
            Ok(doc) => {
                documents += 1;
                assert!(!doc.id.is_empty(), "a document without an id");
                // The limit holds on the record's bytes; decoding can at most
                // triple them (one invalid byte becomes a 3-byte U+FFFD).
                assert!(
                    doc.text.len() <= 3 * max_doc_bytes,
                    "a {}-byte text passed --max-doc-bytes {max_doc_bytes}",
                    doc.text.len()
                );
            }
            Err(reject) => {
                assert!(!reject.reason.is_empty(), "a reject without a reason");
                assert!(
                    reject.reason.len() < 1000,
                    "reason too long: {}",
                    reject.reason
                );
            }
        }
    }
    assert!(invalid.documents() <= documents);
    let _ = std::fs::remove_file(&path);
}
