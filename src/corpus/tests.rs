//! Tests of corpus reading, on fixtures written to temporary directories.
//! All sample text here is made up for these tests.

use super::ahead::{Event, Group, Pending};
use super::*;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use tempfile::TempDir;

type Item = std::result::Result<Document, Reject>;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create fixture dir");
    }
    std::fs::write(&path, bytes).expect("write fixture");
    path
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip finish")
}

/// `bytes` as one Zstandard frame with a checksum, as the `zstd` command
/// writes by default.
fn zstd(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = zstd::stream::write::Encoder::new(Vec::new(), 3).expect("zstd");
    encoder.include_checksum(true).expect("zstd checksum");
    encoder.write_all(bytes).expect("zstd");
    encoder.finish().expect("zstd finish")
}

fn read_with(inputs: &[PathBuf], options: ReadOptions) -> Vec<Item> {
    Corpus::open(inputs, options)
        .expect("open corpus")
        .collect()
}

fn read(inputs: &[PathBuf]) -> Vec<Item> {
    read_with(inputs, ReadOptions::default())
}

fn docs(items: &[Item]) -> Vec<&Document> {
    items.iter().filter_map(|i| i.as_ref().ok()).collect()
}

fn rejects(items: &[Item]) -> Vec<&Reject> {
    items.iter().filter_map(|i| i.as_ref().err()).collect()
}

fn one_doc(items: &[Item]) -> &Document {
    assert_eq!(items.len(), 1, "expected one item, got {items:#?}");
    items[0].as_ref().expect("a document")
}

fn one_reject(items: &[Item]) -> &Reject {
    assert_eq!(items.len(), 1, "expected one item, got {items:#?}");
    items[0].as_ref().expect_err("a reject")
}

/// Owned copies of `(a, b)` pairs, to compare with what was read.
fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// `(id, text)` of each document read.
fn id_texts(items: &[Item]) -> Vec<(String, String)> {
    docs(items)
        .iter()
        .map(|d| (d.id.clone(), d.text.clone()))
        .collect()
}

fn date(s: &str) -> Option<DocDate> {
    Some(DocDate::parse(s).expect("test date"))
}

fn tmp() -> TempDir {
    tempfile::tempdir().expect("tempdir")
}

// ---------------------------------------------------------------- formats

#[test]
fn format_from_path_and_name() {
    let f = |p: &str| Format::from_path(Path::new(p));
    assert_eq!(f("a.txt"), Some(Format::Txt));
    assert_eq!(f("a.text"), Some(Format::Txt));
    assert_eq!(f("a.TXT.GZ"), Some(Format::Txt));
    assert_eq!(f("dir.v2/a.jsonl"), Some(Format::Jsonl));
    assert_eq!(f("a.ndjson.gz"), Some(Format::Jsonl));
    assert_eq!(f("a.json"), Some(Format::Jsonl));
    assert_eq!(f("a.csv"), Some(Format::Csv));
    assert_eq!(f("a.tsv"), Some(Format::Tsv));
    assert_eq!(f("a.tab"), Some(Format::Tsv));
    assert_eq!(f("README.md"), None);
    assert_eq!(f("a.gz"), None);
    assert_eq!(f(".DS_Store"), None);
    assert_eq!(f("Makefile"), None);
    for (name, format) in [
        ("txt", Format::Txt),
        ("jsonl", Format::Jsonl),
        ("ndjson", Format::Jsonl),
        ("CSV", Format::Csv),
        ("tsv", Format::Tsv),
    ] {
        assert_eq!(name.parse::<Format>(), Ok(format));
    }
    let err = "xml".parse::<Format>().expect_err("unknown");
    assert!(err.contains("unknown format 'xml'"), "{err}");
    assert_eq!(Format::Jsonl.to_string(), "jsonl");
}

#[test]
fn corpus_is_send() {
    fn send<T: Send>() {}
    send::<Corpus>();
}

// ---------------------------------------------------------------- opening

#[test]
fn open_errors_are_usage_errors() {
    let dir = tmp();
    let missing = dir.path().join("nope.jsonl");
    let err =
        Corpus::open(std::slice::from_ref(&missing), ReadOptions::default()).expect_err("missing");
    assert!(matches!(err, Error::Usage(_)));
    assert_eq!(
        err.to_string(),
        format!("input '{}' does not exist", missing.display())
    );

    let notes = write(dir.path(), "notes.md", b"hello");
    let err =
        Corpus::open(std::slice::from_ref(&notes), ReadOptions::default()).expect_err("unknown");
    let msg = err.to_string();
    assert!(matches!(err, Error::Usage(_)));
    assert!(
        msg.contains("notes.md") && msg.contains("--format"),
        "{msg}"
    );

    // With --format, the same file is read.
    let options = ReadOptions {
        format: Some(Format::Txt),
        ..ReadOptions::default()
    };
    assert_eq!(one_doc(&read_with(&[notes], options)).text, "hello");

    let err = Corpus::open(&["-".into()], ReadOptions::default()).expect_err("stdin");
    assert!(matches!(err, Error::Usage(_)));
    assert!(err.to_string().contains("--format"));
    let options = ReadOptions {
        format: Some(Format::Jsonl),
        ..ReadOptions::default()
    };
    let corpus = Corpus::open(&["-".into()], options).expect("stdin with format");
    assert_eq!(corpus.files().collect::<Vec<_>>(), [PathBuf::from("-")]);
    assert_eq!(corpus.file_count(), 1);
    assert_eq!(corpus.total_bytes(), 0);
}

#[test]
fn directory_walk_is_sorted_and_skips_hidden_and_unknown() {
    let dir = tmp();
    let root = dir.path().join("news");
    write(&root, "b.txt", b"second");
    write(&root, "a.txt", b"first");
    write(&root, "c/z.txt", b"third");
    write(
        &root,
        "c/a.jsonl",
        b"{\"id\": \"c-a\", \"text\": \"in c\"}\n",
    );
    write(&root, "c.txt", b"after the c directory");
    write(&root, "README.md", b"# about");
    write(&root, "c/notes.docx", b"PK");
    write(&root, ".hidden.txt", b"hidden");
    write(&root, ".git/HEAD.txt", b"hidden dir");
    write(&root, "d/.DS_Store", b"\0\0");

    let corpus = Corpus::open(std::slice::from_ref(&root), ReadOptions::default()).expect("open");
    let files: Vec<String> = corpus
        .files()
        .map(|p| {
            p.strip_prefix(&root)
                .expect("under root")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(files, ["a.txt", "b.txt", "c/a.jsonl", "c/z.txt", "c.txt"]);
    let skipped: Vec<PathBuf> = corpus.skipped_files().to_vec();
    assert_eq!(skipped, [root.join("README.md"), root.join("c/notes.docx")]);
    let items: Vec<Item> = corpus.collect();
    let ids: Vec<&str> = docs(&items).iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["a.txt", "b.txt", "c-a", "c/z.txt", "c.txt"]);
    assert!(rejects(&items).is_empty());
}

#[test]
fn inputs_keep_their_order() {
    let dir = tmp();
    let b = write(dir.path(), "b.txt", b"bee");
    let a = write(dir.path(), "a.txt", b"ay");
    let items = read(&[b, a]);
    let texts: Vec<&str> = docs(&items).iter().map(|d| d.text.as_str()).collect();
    assert_eq!(texts, ["bee", "ay"]);
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_a_reject_not_a_hang() {
    let dir = tmp();
    let root = dir.path().join("r");
    write(&root, "sub/a.txt", b"text");
    std::os::unix::fs::symlink(&root, root.join("sub/loop")).expect("symlink");
    let items = read(&[root]);
    assert_eq!(docs(&items).len(), 1);
    let r = rejects(&items);
    assert_eq!(r.len(), 1, "{items:#?}");
    assert!(r[0].reason.contains("loop"), "{}", r[0].reason);
}

#[cfg(unix)]
#[test]
fn broken_symlink_is_a_reject() {
    let dir = tmp();
    let root = dir.path().join("r");
    write(&root, "a.txt", b"text");
    std::os::unix::fs::symlink(root.join("gone.txt"), root.join("b.txt")).expect("symlink");
    let items = read(std::slice::from_ref(&root));
    assert_eq!(docs(&items).len(), 1);
    let r = rejects(&items);
    assert_eq!(r.len(), 1, "{items:#?}");
    assert_eq!(r[0].input, root.join("b.txt").to_string_lossy());
    assert_eq!(
        r[0].reason,
        "broken symbolic link (its target does not exist)"
    );
}

#[cfg(unix)]
#[test]
fn special_files_in_a_directory_are_rejects_not_skipped_in_silence() {
    let dir = tmp();
    let root = dir.path().join("r");
    write(&root, "a.txt", b"text");
    // A socket named like a corpus file: not read (a named pipe could block
    // for ever), but reported.
    let socket = root.join("feed.jsonl");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind a socket");
    let items = read(std::slice::from_ref(&root));
    assert_eq!(docs(&items).len(), 1);
    let r = rejects(&items);
    assert_eq!(r.len(), 1, "{items:#?}");
    assert_eq!(r[0].input, socket.to_string_lossy());
    assert!(
        r[0].reason.starts_with("not a regular file"),
        "{}",
        r[0].reason
    );
}

// ---------------------------------------------------------------- txt

#[test]
fn txt_id_and_date() {
    let dir = tmp();
    let root = dir.path().join("corpus");
    write(
        &root,
        "2021/2021-01-08-talks.txt",
        b"Envoys met in the capital.",
    );
    write(&root, "undated.txt", b"No date here.");
    let items = read(std::slice::from_ref(&root));
    let d = docs(&items);
    assert_eq!(d[0].id, "2021/2021-01-08-talks.txt");
    assert_eq!(d[0].date, date("2021-01-08"));
    assert_eq!(d[0].text, "Envoys met in the capital.");
    assert!(d[0].fields.is_empty());
    assert_eq!(d[1].id, "undated.txt");
    assert_eq!(d[1].date, None);

    // --date wins over the path for .txt.
    let options = ReadOptions {
        date: date("2020-05"),
        ..ReadOptions::default()
    };
    let items = read_with(&[root], options);
    assert!(docs(&items).iter().all(|d| d.date == date("2020-05")));
}

#[test]
fn txt_given_directly_keeps_its_path_as_id_and_date_from_full_path() {
    let dir = tmp();
    let file = write(dir.path(), "2019-11-30/story.txt", b"A note.");
    let items = read(std::slice::from_ref(&file));
    let doc = one_doc(&items);
    assert_eq!(doc.id, file.to_string_lossy());
    assert_eq!(doc.date, date("2019-11-30"));

    // Relative to a directory root, the date in the root's own path counts too.
    let items = read(&[dir.path().join("2019-11-30")]);
    let doc = one_doc(&items);
    assert_eq!(doc.id, "story.txt");
    assert_eq!(doc.date, date("2019-11-30"));
}

#[test]
fn txt_encodings() {
    let dir = tmp();
    let bom = write(dir.path(), "bom.txt", b"\xef\xbb\xbfCaf\xc3\xa9 talks");
    let mut le = vec![0xff, 0xfe];
    le.extend(
        "Caf\u{e9} \u{201c}talks\u{201d}"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    let le = write(dir.path(), "utf16le.txt", &le);
    let mut be = vec![0xfe, 0xff];
    be.extend(
        "Seoul \u{c11c}\u{c6b8}"
            .encode_utf16()
            .flat_map(u16::to_be_bytes),
    );
    let be = write(dir.path(), "utf16be.txt", &be);
    let cp1252 = write(
        dir.path(),
        "cp1252.txt",
        b"Caf\xe9 \x93talks\x94 \x96 \x80 5",
    );
    let utf8 = write(dir.path(), "utf8.txt", "Caf\u{e9} \u{2014} ok".as_bytes());
    let items = read(&[bom, le, be, cp1252, utf8]);
    let texts: Vec<&str> = docs(&items).iter().map(|d| d.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Caf\u{e9} talks",
            "Caf\u{e9} \u{201c}talks\u{201d}",
            "Seoul \u{c11c}\u{c6b8}",
            "Caf\u{e9} \u{201c}talks\u{201d} \u{2013} \u{20ac} 5",
            "Caf\u{e9} \u{2014} ok",
        ]
    );
}

#[test]
fn txt_binary_empty_and_too_big() {
    let dir = tmp();
    let binary = write(dir.path(), "image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    let r = one_reject(&read(std::slice::from_ref(&binary))).clone();
    assert_eq!(r.input, binary.to_string_lossy());
    assert_eq!(r.location, "");
    assert_eq!(r.reason, "binary file (contains NUL bytes)");

    let empty = write(dir.path(), "empty.txt", b"");
    let doc = one_doc(&read(&[empty])).clone();
    assert_eq!(doc.text, "");

    let options = ReadOptions {
        max_doc_bytes: 10,
        ..ReadOptions::default()
    };
    let big = write(dir.path(), "big.txt", b"0123456789AB");
    let r = one_reject(&read_with(&[big], options.clone())).clone();
    assert_eq!(r.reason, "document is 12 bytes, over --max-doc-bytes 10");
    let big_gz = write(dir.path(), "big.txt.gz", &gzip(&[b'x'; 5000]));
    let r = one_reject(&read_with(&[big_gz], options.clone())).clone();
    assert_eq!(r.reason, "document is 5000 bytes, over --max-doc-bytes 10");
    let fits = write(dir.path(), "fits.txt", b"0123456789");
    assert_eq!(one_doc(&read_with(&[fits], options)).text, "0123456789");
}

#[test]
fn vanished_file_is_a_reject() {
    let dir = tmp();
    let a = write(dir.path(), "a.jsonl", b"{\"text\": \"x\"}\n");
    let b = write(dir.path(), "b.txt", b"still here");
    let corpus = Corpus::open(&[a.clone(), b], ReadOptions::default()).expect("open");
    std::fs::remove_file(&a).expect("remove");
    let items: Vec<Item> = corpus.collect();
    assert_eq!(items.len(), 2);
    let r = items[0].as_ref().expect_err("reject");
    assert_eq!(r.location, "");
    assert!(r.reason.starts_with("cannot read file: "), "{}", r.reason);
    assert_eq!(items[1].as_ref().expect("doc").text, "still here");
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_a_reject() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tmp();
    let a = write(dir.path(), "locked.txt", b"secret");
    std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if File::open(&a).is_ok() {
        return; // running as root: permissions do not stop us
    }
    let r = one_reject(&read(&[a])).clone();
    assert_eq!(r.reason, "cannot read file: permission denied");
}

// ---------------------------------------------------------------- jsonl

const JSONL: &str = r#"{"id": "a1", "date": "2021-01-08", "text": "First story.", "country_iso3": "KOR", "page": 3, "front": true, "tags": ["x"], "meta": {"k": 1}, "note": null}
{"id": 17, "date": 2017, "text": "Second story."}
{"date": "Jan. 9, 2021", "text": "No id here."}
"#;

#[test]
fn jsonl_fields_ids_and_dates() {
    let dir = tmp();
    let file = write(dir.path(), "news.jsonl", JSONL.as_bytes());
    let items = read(&[file]);
    let d = docs(&items);
    assert_eq!(d.len(), 3, "{items:#?}");
    assert_eq!(d[0].id, "a1");
    assert_eq!(d[0].date, date("2021-01-08"));
    assert_eq!(d[0].text, "First story.");
    let fields: Vec<(&str, &str)> = d[0]
        .fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    // A nested object's scalars are kept under dotted names.
    assert_eq!(
        fields,
        [
            ("country_iso3", "KOR"),
            ("front", "true"),
            ("meta.k", "1"),
            ("page", "3")
        ]
    );
    assert_eq!(d[1].id, "17");
    assert_eq!(d[1].date, date("2017"));
    assert!(d[1].fields.is_empty());
    let in_dir = dir.path().join("news.jsonl").to_string_lossy().into_owned();
    assert_eq!(d[2].id, format!("{in_dir}:3"));
    assert_eq!(d[2].date, date("2021-01-09"));
}

#[test]
fn jsonl_default_id_is_relative_in_a_directory() {
    let dir = tmp();
    write(dir.path(), "sub/n.jsonl", b"\n{\"text\": \"t\"}\n");
    let items = read(&[dir.path().to_path_buf()]);
    assert_eq!(one_doc(&items).id, "sub/n.jsonl:2");
}

#[test]
fn jsonl_renamed_fields() {
    let dir = tmp();
    let file = write(
        dir.path(),
        "renamed.ndjson",
        br#"{"doc_id": "k-1", "published": "8 January 2021", "body": "Renamed.", "id": "other", "text": "not the text"}"#,
    );
    let options = ReadOptions {
        id_field: "doc_id".into(),
        date_field: "published".into(),
        text_field: "body".into(),
        ..ReadOptions::default()
    };
    let items = read_with(std::slice::from_ref(&file), options);
    let doc = one_doc(&items);
    assert_eq!(doc.id, "k-1");
    assert_eq!(doc.date, date("2021-01-08"));
    assert_eq!(doc.text, "Renamed.");
    // The default-named fields are now just other fields.
    assert_eq!(doc.fields["id"], "other");
    assert_eq!(doc.fields["text"], "not the text");

    let r = one_reject(&read_with(
        &[file],
        ReadOptions {
            text_field: "content".into(),
            ..ReadOptions::default()
        },
    ))
    .clone();
    assert_eq!(r.location, "line 1");
    assert_eq!(
        r.reason,
        "no text field 'content' (use --text-field to name it; its string fields: body, doc_id, published, text)"
    );
}

#[test]
fn jsonl_dates_fall_back_to_option() {
    let dir = tmp();
    let file = write(
        dir.path(),
        "d.jsonl",
        br#"{"text": "a"}
{"text": "b", "date": null}
{"text": "c", "date": ""}
{"text": "d", "date": "2001-09"}
"#,
    );
    let options = ReadOptions {
        date: date("1999-12-31"),
        ..ReadOptions::default()
    };
    let items = read_with(&[file], options);
    let dates: Vec<String> = docs(&items)
        .iter()
        .map(|d| d.date.map(|d| d.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(dates, ["1999-12-31", "1999-12-31", "1999-12-31", "2001-09"]);
}

#[test]
fn jsonl_bad_lines_are_rejects_and_reading_goes_on() {
    let dir = tmp();
    let text = concat!(
        "{\"id\": \"ok1\", \"text\": \"fine\"}\n",
        "{\"id\": \"x\" \"text\": \"missing comma\"}\n",
        "\n",
        "   \n",
        "[1, 2]\n",
        "{\"id\": \"no-text\", \"body\": \"wrong field\"}\n",
        "{\"id\": \"bad-date\", \"date\": \"31/31/2021\", \"text\": \"t\"}\n",
        "{\"id\": \"num-text\", \"text\": 42}\n",
        "{\"id\": \"bool-date\", \"date\": true, \"text\": \"t\"}\n",
        "{\"id\": [1], \"text\": \"t\"}\n",
        "{\"id\": \"ok2\", \"text\": \"also fine\"}\r\n",
        "{\"id\": \"ok3\", \"text\": \"last, no newline\"}",
    );
    let file = write(dir.path(), "mixed.jsonl", text.as_bytes());
    let items = read(std::slice::from_ref(&file));
    let ids: Vec<&str> = docs(&items).iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["ok1", "ok2", "ok3"]);
    let r: Vec<(&str, &str)> = rejects(&items)
        .iter()
        .map(|r| (r.location.as_str(), r.reason.as_str()))
        .collect();
    assert_eq!(
        r,
        [
            ("line 2", "not valid JSON: expected `,` or `}` at column 12"),
            (
                "line 5",
                "not a JSON object but an array (each line must be one {...} record)"
            ),
            (
                "line 6",
                "no text field 'text' (use --text-field to name it; its string fields: body)"
            ),
            ("line 7", "unreadable date '31/31/2021'"),
            (
                "line 8",
                "text field 'text' is a number, not a string or a list of strings (use --text-field to name another)"
            ),
            ("line 9", "unreadable date 'true'"),
            (
                "line 10",
                "id field 'id' is an array, not a string or number"
            ),
        ]
    );
    assert!(
        rejects(&items)
            .iter()
            .all(|r| r.input == file.to_string_lossy())
    );
}

/// Records whose fields are nested, as APIs give them: a dotted path names
/// a field inside objects (a key with the dots in it comes first), a text
/// given as a list of strings is read as paragraphs, and nested scalars are
/// kept as fields under their dotted names (for --speaker-field).
#[test]
fn jsonl_nested_fields_by_dotted_path_and_text_as_paragraphs() {
    let dir = tmp();
    let file = write(
        dir.path(),
        "api.jsonl",
        concat!(
            r#"{"id": "n1", "meta": {"published": "2021-01-08T10:00:00Z", "source": {"iso": "GBR"}}, "fields": {"body": "Seoul condemned Pyongyang."}}"#,
            "\n",
            r#"{"id": "n2", "meta": {"published": "2021-01-09"}, "fields": {"body": ["Tokyo met Seoul.", "", null, "Beijing praised the deal."]}}"#,
            "\n",
            r#"{"id": "n3", "fields.body": "A key with dots in it wins.", "fields": {"body": "Not this one."}}"#,
            "\n",
            r#"{"id": "n4", "fields": {"headline": "Only a headline", "tags": {"topic": "x"}}}"#,
            "\n",
            r#"{"id": "n5", "fields": {"body": ["A paragraph.", 7]}}"#,
            "\n",
            r#"{"id": "n6", "fields": "not an object"}"#,
            "\n",
        )
        .as_bytes(),
    );
    let options = ReadOptions {
        text_field: "fields.body".into(),
        date_field: "meta.published".into(),
        ..ReadOptions::default()
    };
    let items = read_with(std::slice::from_ref(&file), options);
    assert_eq!(
        id_texts(&items),
        pairs(&[
            ("n1", "Seoul condemned Pyongyang."),
            ("n2", "Tokyo met Seoul.\n\nBeijing praised the deal."),
            ("n3", "A key with dots in it wins."),
        ])
    );
    let d = docs(&items);
    assert_eq!(
        (d[0].date, d[1].date),
        (date("2021-01-08"), date("2021-01-09"))
    );
    // Nested scalars stay as dotted fields; what was taken does not.
    assert_eq!(
        d[0].fields.iter().collect::<Vec<_>>(),
        [(&"meta.source.iso".to_string(), &"GBR".to_string())]
    );
    assert_eq!(
        d[2].fields.get("fields.body").map(String::as_str),
        Some("Not this one.")
    );
    let reasons: Vec<&str> = rejects(&items).iter().map(|r| r.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "no text field 'fields.body' (use --text-field to name it; its string fields: \
             fields.headline, fields.tags.topic)",
            "text field 'fields.body' is a list holding a number, not a string or a list of \
             strings (use --text-field to name another)",
            "no text field 'fields.body' (use --text-field to name it; its string fields: fields)",
        ]
    );
}

#[test]
fn jsonl_nan_and_infinity_read_as_null() {
    let dir = tmp();
    let file = write(
        dir.path(),
        "py.jsonl",
        concat!(
            "{\"id\": \"p1\", \"score\": NaN, \"hi\": Infinity, \"lo\": -Infinity, ",
            "\"text\": \"NaN stays \\\" NaN in text\"}\n",
            "{\"id\": \"p2\", \"text\": NaNa}\n",
        )
        .as_bytes(),
    );
    let items = read(&[file]);
    let doc = items[0].as_ref().expect("NaN read as null");
    assert_eq!(doc.text, "NaN stays \" NaN in text");
    assert!(doc.fields.is_empty(), "{:?}", doc.fields);
    let r = items[1].as_ref().expect_err("NaNa is not a token");
    assert!(r.reason.starts_with("not valid JSON"), "{}", r.reason);
    assert_eq!(non_finite_as_null("[1, 2]"), None);
    assert_eq!(
        non_finite_as_null("[NaN,-Infinity]").as_deref(),
        Some("[null,null]")
    );
}

#[test]
fn jsonl_bom_invalid_utf8_and_long_lines() {
    let dir = tmp();
    let mut bytes = b"\xef\xbb\xbf{\"id\": \"bom\", \"text\": \"after a BOM\"}\n".to_vec();
    bytes.extend(b"{\"id\": \"latin\", \"text\": \"caf\xe9\"}\n");
    bytes.extend(format!("{{\"id\": \"long\", \"text\": \"{}\"}}\n", "y".repeat(300)).as_bytes());
    bytes.extend(b"{\"id\": \"short\", \"text\": \"fits\"}\n");
    let file = write(dir.path(), "enc.jsonl", &bytes);
    let options = ReadOptions {
        max_doc_bytes: 100,
        ..ReadOptions::default()
    };
    let items = read_with(&[file], options);
    let d = docs(&items);
    assert_eq!(d[0].text, "after a BOM");
    // A line in Windows-1252 is read so (see `decode_record`).
    assert_eq!(d[1].text, "caf\u{e9}");
    assert_eq!(d[2].id, "short");
    let r = rejects(&items);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].location, "line 3");
    assert_eq!(
        r[0].reason,
        "document is 326 bytes, over --max-doc-bytes 100"
    );
}

#[test]
fn read_line_bounded_keeps_at_most_max_plus_one() {
    let data = format!("{}\nab\n\nlast", "z".repeat(10_000));
    let mut reader = BufReader::with_capacity(7, data.as_bytes());
    let mut buf = Vec::new();
    assert_eq!(
        read_line_bounded(&mut reader, &mut buf, 5).ok(),
        Some(Some(10_000))
    );
    assert_eq!(buf.len(), 6);
    assert_eq!(
        read_line_bounded(&mut reader, &mut buf, 5).ok(),
        Some(Some(2))
    );
    assert_eq!(buf, b"ab");
    assert_eq!(
        read_line_bounded(&mut reader, &mut buf, 5).ok(),
        Some(Some(0))
    );
    assert_eq!(
        read_line_bounded(&mut reader, &mut buf, 5).ok(),
        Some(Some(4))
    );
    assert_eq!(buf, b"last");
    assert_eq!(read_line_bounded(&mut reader, &mut buf, 5).ok(), Some(None));
}

#[test]
fn find_newline_finds_the_first_line_feed() {
    assert_eq!(find_newline(b""), None);
    assert_eq!(find_newline(b"\n"), Some(0));
    assert_eq!(find_newline(b"no end"), None);
    assert_eq!(find_newline(b"a\r\nb\n"), Some(2));
    // Every position in a long buffer, as the fast search works in blocks.
    for at in [0, 1, 7, 8, 15, 16, 31, 32, 63, 64, 100, 4095] {
        let mut bytes = vec![b'x'; 4096];
        bytes[at] = b'\n';
        bytes[4095] = b'\n';
        assert_eq!(find_newline(&bytes), Some(at));
        assert_eq!(find_newline(&bytes[..at]), None);
    }
}

#[test]
fn jsonl_lines_across_buffer_ends_read_whole() {
    // Records longer than the reader's buffer, and short ones between.
    let long = "The council met again. ".repeat(20_000);
    let mut data = String::new();
    for i in 0..5 {
        data.push_str(&format!("{{\"id\": \"r{i}\", \"text\": \"{long}{i}\"}}\n"));
        data.push_str(&format!("{{\"id\": \"s{i}\", \"text\": \"Short {i}.\"}}\n"));
    }
    let dir = TempDir::new().expect("temp dir");
    let path = write(dir.path(), "long.jsonl", data.as_bytes());
    let items = read_with(&[path], ReadOptions::default());
    assert_eq!(items.len(), 10);
    for (n, item) in items.iter().enumerate() {
        let doc = item.as_ref().expect("a document");
        if n % 2 == 0 {
            assert_eq!(doc.text, format!("{long}{}", n / 2));
        } else {
            assert_eq!(doc.text, format!("Short {}.", n / 2));
        }
    }
}

// ---------------------------------------------------------------- csv / tsv

#[test]
fn csv_fields_ids_and_rejects() {
    let dir = tmp();
    let text = "\u{feff}id,date,text,country_iso3,extra\n\
                c1,2021-01-08,\"A quoted, comma text\",PRK,\n\
                ,Jan 9 2021,No id here,KOR,x\n\
                c3,2021-01-10,too,few\n\
                c4,31/31/2021,bad date,USA,\n\
                c5,,\"Two\nlines\",,\n\
                c6,2021-01-11,\"He said \"\"no\"\"\",CHN,y\n";
    let file = write(dir.path(), "news.csv", text.as_bytes());
    let items = read(std::slice::from_ref(&file));
    let d = docs(&items);
    assert_eq!(d.len(), 4, "{items:#?}");
    assert_eq!(d[0].id, "c1");
    assert_eq!(d[0].date, date("2021-01-08"));
    assert_eq!(d[0].text, "A quoted, comma text");
    let fields: Vec<(&str, &str)> = d[0]
        .fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(fields, [("country_iso3", "PRK")]);
    assert_eq!(d[1].id, format!("{}:2", file.to_string_lossy()));
    assert_eq!(d[1].date, date("2021-01-09"));
    assert_eq!(d[1].fields["extra"], "x");
    assert_eq!(d[2].id, "c5");
    assert_eq!(d[2].date, None);
    assert_eq!(d[2].text, "Two\nlines");
    assert_eq!(d[3].text, "He said \"no\"");
    let r: Vec<(&str, &str)> = rejects(&items)
        .iter()
        .map(|r| (r.location.as_str(), r.reason.as_str()))
        .collect();
    assert_eq!(
        r,
        [
            (
                "record 3 (line 4)",
                "CSV: record has 4 fields, header has 5"
            ),
            ("record 4 (line 5)", "unreadable date '31/31/2021'"),
        ]
    );
}

#[test]
fn csv_record_lines_count_multiline_fields() {
    let dir = tmp();
    let text = "id,text\na,\"one\ntwo\nthree\"\nb,x,extra\nc,fine\n";
    let file = write(dir.path(), "m.csv", text.as_bytes());
    let items = read(&[file]);
    let r = rejects(&items);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].location, "record 2 (line 5)");
    assert_eq!(docs(&items).len(), 2);
}

#[test]
fn csv_missing_text_column_is_one_reject() {
    let dir = tmp();
    let file = write(
        dir.path(),
        "nobody.csv",
        b"id,date,body\n1,2021,one\n2,2021,two\n",
    );
    let r = one_reject(&read(std::slice::from_ref(&file))).clone();
    assert_eq!(r.input, file.to_string_lossy());
    assert_eq!(r.location, "");
    assert_eq!(
        r.reason,
        "no column 'text' in header (columns: id, date, body); use --text-field"
    );
    let options = ReadOptions {
        text_field: "body".into(),
        ..ReadOptions::default()
    };
    let items = read_with(&[file], options);
    assert_eq!(docs(&items).len(), 2);
}

#[test]
fn csv_open_quote_runs_to_the_end() {
    let dir = tmp();
    let text = "id,text,src\na,fine,s\nb,\"never closed,s\nc,lost,s\nd,lost,s\n";
    let file = write(dir.path(), "q.csv", text.as_bytes());
    let items = read(&[file]);
    assert_eq!(docs(&items).len(), 1);
    let r = rejects(&items);
    assert_eq!(r.len(), 1, "{items:#?}");
    assert_eq!(r[0].location, "record 2 (line 3)");
    assert_eq!(
        r[0].reason,
        "CSV: a quote opened in this record is never closed, so lines 3-5 (to the end of the \
         file) were read as one record"
    );
    // Even when the field count happens to match (the quote is in the last
    // column), the record is not taken as a document.
    let text = "id,text\na,fine\nb,\"never closed\nc,lost";
    let file = write(dir.path(), "last.csv", text.as_bytes());
    let items = read(&[file]);
    assert_eq!(docs(&items).len(), 1);
    assert_eq!(one_reject(&items[1..]).location, "record 2 (line 3)");
}

#[test]
fn csv_quote_closed_later_spans_lines() {
    let dir = tmp();
    let text = "id,text,src\na,\"opens,s\nb,close\"d\nc,ok,s\n";
    let file = write(dir.path(), "q.csv", text.as_bytes());
    let items = read(&[file]);
    assert_eq!(docs(&items)[0].id, "c");
    let r = one_reject(&items[..1]);
    assert_eq!(r.location, "record 1 (line 2)");
    assert_eq!(
        r.reason,
        "CSV: record has 2 fields, header has 3; it spans lines 2-3, so a quote may have been \
         left open"
    );
}

#[test]
fn csv_open_quote_is_told_only_when_the_input_ends_inside_quotes() {
    let open = |data: &[u8], delimiter: u8| -> Vec<bool> {
        let mut reader = CsvRecords::new(Box::new(io::Cursor::new(data.to_vec())), delimiter);
        let mut out = Vec::new();
        while let Some(r) = reader.read(1 << 20, 1 << 10).expect("read") {
            out.push(r.open_quote);
        }
        out
    };
    assert_eq!(open(b"a,\"b\"\"\"\n", b','), [false]); // "b""" is b"
    assert_eq!(open(b"a,\"b\"\"\n", b','), [true]); // "b"" is still open
    assert_eq!(open(b"a,b\"c\n", b','), [false]); // a quote inside a field
    assert_eq!(open(b"a,b \"c", b','), [false]);
    assert_eq!(open(b"\xef\xbb\xbf\"a\r\n", b','), [true]); // after a BOM
    assert_eq!(open(b"x\r\n\"a\"x\r\n\"open", b','), [false, false, true]);
    assert_eq!(open(b"x\t\"a,\n", b'\t'), [true]);
    assert_eq!(open(b"x,\"a\t\"b\"\n", b'\t'), [false]); // x,"a unquoted, "b" quoted
    assert_eq!(open(b"x,\"a\t\"\n", b'\t'), [true]); // the second field opens a quote
    assert_eq!(open(b"", b','), Vec::<bool>::new());
}

#[test]
fn tsv_and_empty_csv() {
    let dir = tmp();
    let tsv = write(
        dir.path(),
        "t.tsv",
        b"id\ttext\tdate\nt1\tTabbed, with comma\t2024-02-29\n",
    );
    let empty = write(dir.path(), "empty.csv", b"");
    let header_only = write(dir.path(), "header.csv", b"id,text\n");
    let items = read(&[tsv, empty, header_only]);
    let doc = one_doc(&items);
    assert_eq!(doc.text, "Tabbed, with comma");
    assert_eq!(doc.date, date("2024-02-29"));
}

#[test]
fn csv_too_big_record() {
    let dir = tmp();
    let text = format!("id,text\na,{}\nb,ok\n", "w".repeat(50));
    let file = write(dir.path(), "big.csv", text.as_bytes());
    let options = ReadOptions {
        max_doc_bytes: 20,
        ..ReadOptions::default()
    };
    let items = read_with(&[file], options);
    assert_eq!(
        rejects(&items)[0].reason,
        "document is 51 bytes, over --max-doc-bytes 20"
    );
    assert_eq!(docs(&items)[0].id, "b");
}

// ---------------------------------------------------------------- gzip

/// The same four files for each kind of compression, packed by `pack` and
/// named `names`: [`JSONL`], a CSV row `{id},from {label} csv`, a `.txt`
/// `from {label} txt`, and two JSONL records packed one after the other
/// (concatenated gzip members, Zstandard frames: one stream).
fn packed_files(
    dir: &Path,
    pack: fn(&[u8]) -> Vec<u8>,
    names: [&str; 4],
    label: &str,
    id: &str,
) -> [PathBuf; 4] {
    let mut multi = pack(b"{\"id\": \"m1\", \"text\": \"one\"}\n");
    multi.extend(pack(b"{\"id\": \"m2\", \"text\": \"two\"}\n"));
    [
        write(dir, names[0], &pack(JSONL.as_bytes())),
        write(
            dir,
            names[1],
            &pack(format!("id,text\n{id},from {label} csv\n").as_bytes()),
        ),
        write(dir, names[2], &pack(format!("from {label} txt").as_bytes())),
        write(dir, names[3], &multi),
    ]
}

#[test]
fn gzip_any_format() {
    let dir = tmp();
    let names = ["a.jsonl.gz", "b.csv.gz", "c.txt.gz", "d.jsonl.gz"];
    let [jsonl, csv, txt, multi] = packed_files(dir.path(), gzip, names, "gzip", "g1");
    let items = read(&[jsonl, csv, txt, multi]);
    assert!(rejects(&items).is_empty(), "{items:#?}");
    let ids: Vec<&str> = docs(&items).iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids[..2], ["a1", "17"]);
    assert_eq!(
        ids[3..],
        [
            "g1",
            &*dir.path().join("c.txt.gz").to_string_lossy(),
            "m1",
            "m2"
        ]
    );
}

/// Four damaged files in `dir` with the extension `ext`, made by `pack`
/// from `n` made-up JSONL records: `corrupt` (64 bytes flipped in the
/// middle), `truncated` (cut at half), and plain CSV and JSONL behind the
/// compressed extension; and what reading them and then a good `.txt` file
/// gives.
fn read_damaged(
    dir: &Path,
    ext: &str,
    pack: fn(&[u8]) -> Vec<u8>,
    n: usize,
) -> ([PathBuf; 4], Vec<Item>) {
    let mut lines = String::new();
    for i in 1..=n {
        lines.push_str(&format!(
            "{{\"id\": \"n{i}\", \"text\": \"line {i} of made-up text with some words {}\"}}\n",
            i * 7919 % 1000
        ));
    }
    let full = pack(lines.as_bytes());
    let mut bytes = full.clone();
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 64] {
        *b ^= 0x5a;
    }
    let paths = [
        write(dir, &format!("corrupt.jsonl.{ext}"), &bytes),
        write(
            dir,
            &format!("truncated.jsonl.{ext}"),
            &full[..full.len() / 2],
        ),
        write(dir, &format!("plain.csv.{ext}"), b"id,text\n1,x\n"),
        write(dir, &format!("plain.jsonl.{ext}"), b"{\"text\": \"x\"}\n"),
    ];
    let mut inputs = paths.to_vec();
    inputs.push(write(dir, "good.txt", b"next file"));
    (paths, read(&inputs))
}

/// The rejects of `items` whose input is `path`.
fn rejects_of<'a>(items: &'a [Item], path: &Path) -> Vec<&'a Reject> {
    rejects(items)
        .into_iter()
        .filter(|r| r.input == path.to_string_lossy())
        .collect()
}

/// Each of `paths`, not compressed as its name says, has one reject, on
/// line 1, whose reason holds `why` (the decompressor's word for a bad
/// header).
fn assert_bad_header(items: &[Item], paths: &[&PathBuf], why: &str) {
    for path in paths {
        let r = rejects_of(items, path);
        assert_eq!(r.len(), 1, "{r:#?}");
        assert_eq!(r[0].location, "line 1");
        assert!(r[0].reason.contains(why), "{}", r[0].reason);
    }
}

#[test]
fn corrupt_gzip_is_a_reject_and_the_run_goes_on() {
    let dir = tmp();
    let ([corrupt, truncated, not_gzip, not_gzip_json], items) =
        read_damaged(dir.path(), "gz", gzip, 2000);
    let of = |path: &Path| rejects_of(&items, path);
    // Deflate finds flipped bits late (at the latest by the CRC at the end),
    // so garbage lines may come first; the gzip error ends the file.
    let r = of(&corrupt);
    let last = r.last().expect("a reject for the corrupt file");
    assert!(last.location.starts_with("line "), "{}", last.location);
    assert!(
        last.reason.starts_with("corrupt gzip data"),
        "{}",
        last.reason
    );
    let r = of(&truncated);
    assert_eq!(r.len(), 1, "{r:#?}");
    assert!(
        r[0].reason.starts_with("corrupt gzip data"),
        "{}",
        r[0].reason
    );
    assert_bad_header(&items, &[&not_gzip, &not_gzip_json], "invalid gzip header");
    let d = docs(&items);
    assert_eq!(d.last().map(|d| d.text.as_str()), Some("next file"));
    // Lines before the damage were read, in order.
    assert_eq!(d[0].id, "n1");
    assert!(d.len() > 2);
}

// ---------------------------------------------------------------- zstd

#[test]
fn zstd_any_format_and_either_extension() {
    let dir = tmp();
    let names = ["a.jsonl.zst", "b.CSV.ZST", "c.txt.zstd", "d.jsonl.zst"];
    let [jsonl, csv, txt, multi] = packed_files(dir.path(), zstd, names, "zstd", "z1");
    // The same text read plain and from zstd gives the same documents.
    let plain = write(dir.path(), "e.jsonl", JSONL.as_bytes());
    let items = read(&[jsonl.clone(), csv, txt, multi]);
    assert!(rejects(&items).is_empty(), "{items:#?}");
    let ids: Vec<&str> = docs(&items).iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids[..2], ["a1", "17"]);
    assert_eq!(
        ids[ids.len() - 4..],
        [
            "z1",
            &*dir.path().join("c.txt.zstd").to_string_lossy(),
            "m1",
            "m2"
        ]
    );
    let texts = |items: &[Item]| -> Vec<(String, Option<DocDate>)> {
        docs(items)
            .iter()
            .map(|d| (d.text.clone(), d.date))
            .collect()
    };
    assert_eq!(texts(&read(&[jsonl])), texts(&read(&[plain])));
    // A directory walk picks the compressed files up by their extensions.
    let walked = read(&[dir.path().to_path_buf()]);
    assert!(rejects(&walked).is_empty(), "{walked:#?}");
    assert_eq!(
        docs(&walked).len(),
        docs(&items).len() + JSONL.lines().count()
    );
}

#[test]
fn zstd_with_a_long_window_is_read() {
    // As `zstd --long=31` writes from a stream of unknown size: the frame
    // asks for a 2 GB window, which libzstd refuses by default.
    let dir = tmp();
    let mut encoder = zstd::stream::write::Encoder::new(Vec::new(), 3).expect("zstd");
    encoder.window_log(31).expect("window");
    encoder.long_distance_matching(true).expect("long");
    encoder.write_all(JSONL.as_bytes()).expect("zstd");
    let bytes = encoder.finish().expect("zstd finish");
    let long = write(dir.path(), "long.jsonl.zst", &bytes);
    let items = read(&[long]);
    assert!(rejects(&items).is_empty(), "{items:#?}");
    assert_eq!(docs(&items).len(), JSONL.lines().count());
}

#[test]
fn compressed_files_named_as_plain_are_read_as_what_they_hold() {
    // A download saved without its .gz: told by its magic number.
    let dir = tmp();
    let jsonl = write(dir.path(), "feed.jsonl", &gzip(JSONL.as_bytes()));
    let csv = write(
        dir.path(),
        "rows.csv",
        &zstd(b"id,text\nz1,from zstd csv\n"),
    );
    let txt = write(dir.path(), "story.txt", &gzip(b"from gzip txt"));
    let plain = write(
        dir.path(),
        "plain.txt",
        b"\x1f plain text after a control byte",
    );
    let items = read(&[jsonl, csv, txt, plain]);
    assert!(rejects(&items).is_empty(), "{items:#?}");
    let texts: Vec<&str> = docs(&items).iter().map(|d| d.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "First story.",
            "Second story.",
            "No id here.",
            "from zstd csv",
            "from gzip txt",
            "\u{1f} plain text after a control byte"
        ]
    );
}

/// Gives one byte a read, as a slow pipe may.
struct Trickle(std::io::Cursor<Vec<u8>>);

impl Read for Trickle {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = out.len().min(1);
        self.0.read(&mut out[..n])
    }
}

#[test]
fn sniffing_gathers_the_magic_number_from_short_reads_and_keeps_every_byte() {
    let packed = zstd(b"{\"text\": \"x\"}\n");
    for (bytes, want) in [
        (packed.clone(), super::Compression::Zstd),
        (gzip(b"x"), super::Compression::Gzip),
        (b"abc".to_vec(), super::Compression::None),
        (vec![0x28, 0xb5, 0x2f], super::Compression::None),
        (Vec::new(), super::Compression::None),
        (
            b"BZh91AY&SY\x01\x02".to_vec(),
            super::Compression::Unread("bzip2"),
        ),
        (b"BZh9".to_vec(), super::Compression::Unread("bzip2")),
        (
            b"BZh9 is no bzip2 header".to_vec(),
            super::Compression::None,
        ),
        (
            b"\xfd7zXZ\x00\x00".to_vec(),
            super::Compression::Unread("xz"),
        ),
        (
            b"\x04\x22\x4d\x18\x64".to_vec(),
            super::Compression::Unread("lz4"),
        ),
        (
            b"7z\xbc\xaf\x27\x1c".to_vec(),
            super::Compression::Unread("7z"),
        ),
        (b"Rar!\x1a\x07".to_vec(), super::Compression::Unread("rar")),
    ] {
        for trickle in [false, true] {
            let raw: Box<dyn Read + Send> = if trickle {
                Box::new(Trickle(std::io::Cursor::new(bytes.clone())))
            } else {
                Box::new(std::io::Cursor::new(bytes.clone()))
            };
            let (got, mut r) = super::Compression::sniff(raw).expect("sniff");
            assert_eq!(got, want, "{bytes:?} trickle {trickle}");
            let mut all = Vec::new();
            r.read_to_end(&mut all).expect("read");
            assert_eq!(all, bytes, "trickle {trickle}");
        }
    }
}

#[test]
fn compressions_stance_does_not_read_are_said_with_what_to_do() {
    let dir = tmp();
    // A bzip2 stream saved without its extension: one reject, not text.
    let plain = write(dir.path(), "feed.jsonl", b"BZh91AY&SY\x8a\x93\x00\x00");
    write(dir.path(), "wire.txt", b"Talks resumed.");
    // Inside a directory, a file named as bzip2 or 7z is skipped and listed.
    write(dir.path(), "old.jsonl.bz2", b"BZh91AY&SY");
    write(dir.path(), "more.7z", b"7z\xbc\xaf\x27\x1c");
    let corpus = Corpus::open(&[dir.path().to_path_buf()], ReadOptions::default()).expect("open");
    let skipped: Vec<String> = corpus
        .skipped_files()
        .iter()
        .map(|p| {
            p.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(skipped, ["more.7z", "old.jsonl.bz2"]);
    let items: Vec<Item> = corpus.collect();
    let r = rejects(&items);
    assert_eq!(r.len(), 1, "{r:#?}");
    assert_eq!(r[0].input, plain.to_string_lossy());
    assert_eq!(
        r[0].reason,
        format!(
            "cannot read file: compressed with bzip2, which stance does not read: decompress \
             it first, or pipe it in (`bzip2 -dc {} | stance score - --format jsonl`; stance \
             reads gzip and Zstandard as they are)",
            plain.to_string_lossy()
        )
    );
    assert_eq!(docs(&items).len(), 1);

    // Named as inputs: usage errors that say what to do.
    let named = |name: &str| {
        let path = dir.path().join(name);
        let err = Corpus::open(&[path], ReadOptions::default()).expect_err(name);
        err.to_string().replace(&*dir.path().to_string_lossy(), ".")
    };
    assert_eq!(
        named("old.jsonl.bz2"),
        "input './old.jsonl.bz2' is compressed with bzip2, which stance does not read: \
         decompress it first, or pipe it in (`bzip2 -dc ./old.jsonl.bz2 | stance score - \
         --format jsonl`; stance reads gzip and Zstandard as they are)"
    );
    write(dir.path(), "stories.tar.bz2", b"BZh91AY&SY");
    assert_eq!(
        named("stories.tar.bz2"),
        "input './stories.tar.bz2' is a tar archive compressed with bzip2, which stance does \
         not read: recompress it (`bzip2 -dc ./stories.tar.bz2 | zstd -o stories.tar.zst`; \
         stance reads .tar.gz and .tar.zst as they are) or extract it"
    );
    assert_eq!(
        named("more.7z"),
        "input './more.7z' is a 7z archive, which stance does not read: extract it first \
         (stance reads .zip and tar archives as they are)"
    );
}

#[test]
fn corrupt_zstd_is_a_reject_and_the_run_goes_on() {
    let dir = tmp();
    let ([corrupt, truncated, not_zstd, not_zstd_json], items) =
        read_damaged(dir.path(), "zst", zstd, 20_000);
    let of = |path: &Path| rejects_of(&items, path);
    for path in [&corrupt, &truncated, &not_zstd, &not_zstd_json] {
        let r = of(path);
        let last = r.last().unwrap_or_else(|| panic!("no reject for {path:?}"));
        assert!(last.location.starts_with("line "), "{}", last.location);
        assert!(
            last.reason.starts_with("corrupt zstd data (")
                && last.reason.ends_with("); the rest of the file is skipped"),
            "{path:?}: {}",
            last.reason
        );
    }
    // A file that is not zstd at all fails at its first line, on its header.
    assert_bad_header(
        &items,
        &[&not_zstd, &not_zstd_json],
        "unknown frame descriptor",
    );
    // The truncated file gives the documents of its whole blocks (Zstandard
    // decodes a block, up to 128 KB, at a time) before the cut, then its one
    // reject (the corrupt one may give some lines of its damaged block too).
    let d = docs(&items);
    assert_eq!(d.last().map(|d| d.text.as_str()), Some("next file"));
    assert_eq!(of(&truncated).len(), 1, "{:#?}", of(&truncated));
    let from_truncated = d.iter().filter(|d| d.id.starts_with('n')).count();
    assert!(
        from_truncated > 100,
        "{from_truncated} documents read before the damage"
    );
    assert!(from_truncated < 2 * 20_000, "{from_truncated}");
}

// ---------------------------------------------- small and large compressed

/// JSONL of `n` records whose text is pseudo-random hex (compressing to
/// about half), so that a few thousand records make a compressed file of
/// over [`DECODE_AHEAD_MIN`] bytes.
fn noisy_jsonl(n: usize) -> String {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out = String::new();
    for i in 0..n {
        let mut text = format!("Record {i}:");
        for _ in 0..40 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            text.push_str(&format!(" {:x}", x >> 24));
        }
        out.push_str(&format!("{{\"id\": \"r{i}\", \"text\": \"{text}.\"}}\n"));
    }
    out
}

#[test]
fn small_compressed_files_read_inline_as_large_ones_read_ahead() {
    // Files under DECODE_AHEAD_MIN are decompressed by the reading thread,
    // larger ones on a thread of their own: both give the same documents,
    // and a file cut short gives one reject after the documents before the
    // cut, either way.
    let dir = tmp();
    let big = noisy_jsonl(5_000);
    let small = noisy_jsonl(50);
    for (ext, pack) in [("gz", gzip as fn(&[u8]) -> Vec<u8>), ("zst", zstd)] {
        for (size, text) in [("big", &big), ("small", &small)] {
            let bytes = pack(text.as_bytes());
            assert_eq!(
                bytes.len() as u64 >= DECODE_AHEAD_MIN,
                size == "big",
                "{size}.{ext}: {} bytes",
                bytes.len()
            );
            let whole = write(dir.path(), &format!("{size}.jsonl.{ext}"), &bytes);
            let items = read(&[whole]);
            assert!(rejects(&items).is_empty(), "{size}.{ext}");
            let ids: Vec<&str> = docs(&items).iter().map(|d| d.id.as_str()).collect();
            let want = text.lines().count();
            assert_eq!(ids.len(), want, "{size}.{ext}");
            assert_eq!(
                ids.last(),
                Some(&&*format!("r{}", want - 1)),
                "{size}.{ext}"
            );

            let cut = write(
                dir.path(),
                &format!("cut-{size}.jsonl.{ext}"),
                &bytes[..bytes.len() * 3 / 4],
            );
            let items = read(&[cut]);
            let r = rejects(&items);
            assert_eq!(r.len(), 1, "cut {size}.{ext}: {r:#?}");
            let name = if ext == "gz" { "gzip" } else { "zstd" };
            assert!(
                r[0].reason.starts_with(&format!("corrupt {name} data (")),
                "{}",
                r[0].reason
            );
            let read_ids: Vec<&str> = docs(&items).iter().map(|d| d.id.as_str()).collect();
            assert!(
                read_ids.len() < want && read_ids[..] == ids[..read_ids.len()],
                "cut {size}.{ext}: {} of {want} read",
                read_ids.len()
            );
            if size == "big" {
                assert!(
                    read_ids.len() > want / 2,
                    "cut big.{ext}: {}",
                    read_ids.len()
                );
            }
        }
    }
}

// ---------------------------------------------------------------- zip

/// Reads the directory `dir`: its items, and its rejects as (input, with
/// `dir` shown as `.`, and reason).
fn read_dir_rejects(dir: &Path) -> (Vec<Item>, Vec<(String, String)>) {
    let items = read(&[dir.to_path_buf()]);
    let base = dir.to_string_lossy().into_owned();
    let r = rejects(&items)
        .iter()
        .map(|r| (r.input.replace(&base, "."), r.reason.clone()))
        .collect();
    (items, r)
}

/// A zip archive of `(name, bytes, deflated)` members (a name ending in
/// `/` is a directory entry).
fn zip_of(members: &[(&str, &[u8], bool)]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for &(name, bytes, deflated) in members {
        let method = if deflated {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let options = SimpleFileOptions::default().compression_method(method);
        if name.ends_with('/') {
            w.add_directory(name, options).expect("zip dir");
        } else {
            w.start_file(name, options).expect("zip file");
            w.write_all(bytes).expect("zip write");
        }
    }
    w.finish().expect("zip finish").into_inner()
}

#[test]
fn zip_members_are_read_as_files_in_name_order() {
    let dir = tmp();
    let archive = zip_of(&[
        ("news/wire.jsonl", JSONL.as_bytes(), true),
        ("briefs.csv", b"id,text\nb1,from a stored csv\n", false),
        ("b/story.txt", b"from a deflated txt", true),
        (
            "c.jsonl.gz",
            &gzip(b"{\"id\": \"g1\", \"text\": \"gzip inside zip\"}\n"),
            false,
        ),
        ("README.md", b"not a corpus file", true),
        (
            "__MACOSX/._story.txt",
            b"\x00\x05\x16\x07 resource fork",
            false,
        ),
        (".hidden.txt", b"hidden", false),
        ("empty/", b"", false),
    ]);
    write(dir.path(), "news.zip", &archive);
    write(dir.path(), "z.txt", b"after the archive");

    // Walked from a directory: names relative to it, the archive's members
    // in name order where the archive stands.
    let corpus = Corpus::open(&[dir.path().to_path_buf()], ReadOptions::default()).expect("open");
    let files: Vec<String> = corpus
        .files()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let base = dir.path().to_string_lossy().into_owned();
    assert_eq!(
        files,
        [
            format!("{base}/news.zip/b/story.txt"),
            format!("{base}/news.zip/briefs.csv"),
            format!("{base}/news.zip/c.jsonl.gz"),
            format!("{base}/news.zip/news/wire.jsonl"),
            format!("{base}/z.txt"),
        ]
    );
    let keys: Vec<String> = corpus.entries().map(|e| e.key).collect();
    assert_eq!(
        keys,
        [
            "news.zip/b/story.txt",
            "news.zip/briefs.csv",
            "news.zip/c.jsonl.gz",
            "news.zip/news/wire.jsonl",
            "z.txt"
        ]
    );
    let items: Vec<Item> = corpus.collect();
    assert!(rejects(&items).is_empty(), "{items:#?}");
    let got: Vec<(&str, &str)> = docs(&items)
        .iter()
        .map(|d| (d.id.as_str(), d.text.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("news.zip/b/story.txt", "from a deflated txt"),
            ("b1", "from a stored csv"),
            ("g1", "gzip inside zip"),
            ("a1", "First story."),
            ("17", "Second story."),
            ("news.zip/news/wire.jsonl:3", "No id here."),
            ("z.txt", "after the archive"),
        ]
    );

    // Named as an input: the same documents, the archive named as given.
    let items = read(&[dir.path().join("news.zip")]);
    assert!(rejects(&items).is_empty(), "{items:#?}");
    assert_eq!(docs(&items).len(), 6);
    assert_eq!(docs(&items)[0].id, format!("{base}/news.zip/b/story.txt"));
}

#[test]
fn damaged_zip_archives_and_members_are_rejects_and_the_run_goes_on() {
    let dir = tmp();
    let mut archive = zip_of(&[
        ("a.txt", b"first member, stored and then damaged", false),
        ("b.txt", b"second member, deflated and whole", true),
        (
            "c.txt",
            b"third member, its method made one not read",
            false,
        ),
    ]);
    // Damage a.txt's stored bytes: its CRC-32 no longer matches.
    let at = archive
        .windows(5)
        .position(|w| w == b"first")
        .expect("a.txt's bytes");
    archive[at] = b'F';
    // Mark c.txt as bzip2 (method 12) in the central directory.
    let central = archive
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == [0x50, 0x4b, 0x01, 0x02])
        .map(|(i, _)| i)
        .nth(2)
        .expect("c.txt's directory entry");
    archive[central + 10] = 12;
    write(dir.path(), "damaged.zip", &archive);
    write(dir.path(), "not-a.zip", b"plain text behind a .zip name");
    let cut = zip_of(&[("x.txt", b"cut off before its directory", true)]);
    write(dir.path(), "truncated.zip", &cut[..cut.len() - 30]);
    write(dir.path(), "z.txt", b"next file");
    let (items, r) = read_dir_rejects(dir.path());
    assert_eq!(r.len(), 4, "{r:#?}");
    assert_eq!(r[0].0, "./damaged.zip/a.txt");
    assert_eq!(
        r[0].1,
        "corrupt zip data (its CRC-32 or size does not match the archive's directory); \
         the rest of the file is skipped"
    );
    assert_eq!(r[1].0, "./damaged.zip/c.txt");
    assert!(
        r[1].1.starts_with("compressed with ") && r[1].1.ends_with("extract it first"),
        "{}",
        r[1].1
    );
    assert_eq!(r[2].0, "./not-a.zip");
    assert!(
        r[2].1.starts_with("not a readable zip archive ("),
        "{}",
        r[2].1
    );
    assert_eq!(r[3].0, "./truncated.zip");
    assert!(
        r[3].1.starts_with("not a readable zip archive ("),
        "{}",
        r[3].1
    );
    let texts: Vec<&str> = docs(&items).iter().map(|d| d.text.as_str()).collect();
    assert_eq!(texts, ["second member, deflated and whole", "next file"]);
}

#[test]
fn deflate64_members_are_read_and_checked() {
    // Made with 7-Zip (see tests/data/zip/README.md): wire.jsonl in
    // Deflate64, the brief stored.
    let archive = include_bytes!("../../tests/data/zip/deflate64.zip");
    let dir = tmp();
    let path = write(dir.path(), "export.zip", archive);
    let items = read(std::slice::from_ref(&path));
    assert!(rejects(&items).is_empty(), "{items:#?}");
    let d = docs(&items);
    assert_eq!(d.len(), 121);
    assert!(
        d[0].id.ends_with("export.zip/notes/2023-05-06-brief.txt"),
        "{}",
        d[0].id
    );
    assert_eq!(
        d[0].text,
        "Tokyo condemned the missile launch by Pyongyang.\n"
    );
    assert_eq!((d[1].id.as_str(), d[120].id.as_str()), ("d64-0", "d64-119"));
    assert_eq!(
        d[120].text,
        "Beijing protested to Manila over the patrol. Officials met for round 119."
    );
    // A flipped bit in the Deflate64 data: a reject, never other text.
    let name_at = archive
        .windows(10)
        .position(|w| w == b"wire.jsonl")
        .expect("wire.jsonl's local header");
    let header = name_at - 30;
    assert_eq!(archive[header..header + 4], [0x50, 0x4b, 0x03, 0x04]);
    let extra = usize::from(u16::from_le_bytes([
        archive[header + 28],
        archive[header + 29],
    ]));
    let data = name_at + 10 + extra;
    let mut damaged = archive.to_vec();
    damaged[data + 20] ^= 0x10;
    let path = write(dir.path(), "damaged.zip", &damaged);
    let items = read(&[path]);
    let r = rejects(&items);
    assert_eq!(r.len(), 1, "{items:#?}");
    assert!(
        r[0].input.ends_with("damaged.zip/wire.jsonl"),
        "{}",
        r[0].input
    );
    assert!(
        r[0].reason.starts_with("corrupt zip data ("),
        "{}",
        r[0].reason
    );
}

#[test]
fn a_zip_archive_under_another_name_is_one_reject() {
    let dir = tmp();
    let archive = zip_of(&[("a.csv", b"id,text\n1,x\n", true)]);
    let csv = write(dir.path(), "export.csv", &archive);
    let items = read(&[csv]);
    let r = one_reject(&items);
    assert_eq!(
        r.reason,
        "cannot read file: a zip archive: stance reads the files inside one named *.zip, \
         not from standard input or under another name"
    );
}

// ---------------------------------------------------------------- tar

/// A tar archive of `(name, bytes)` regular files, in this order; a name
/// ending in `/` is a directory entry, one starting with `->` a symbolic
/// link (`->name`) to `a.txt`.
fn tar_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for &(name, bytes) in members {
        let mut h = tar::Header::new_gnu();
        h.set_mode(0o644);
        if let Some(link) = name.strip_prefix("->") {
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_size(0);
            b.append_link(&mut h, link, "a.txt").expect("tar link");
        } else if name.ends_with('/') {
            h.set_entry_type(tar::EntryType::Directory);
            h.set_size(0);
            b.append_data(&mut h, name, &[][..]).expect("tar dir");
        } else {
            h.set_size(bytes.len() as u64);
            b.append_data(&mut h, name, bytes).expect("tar file");
        }
    }
    b.into_inner().expect("tar finish")
}

/// A ustar member whose name is given by a pax extended header before it
/// (as `tar --format=pax` and Python's tarfile write names over 100 bytes).
fn pax_member(long_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let record = |key: &str, value: &str| {
        // "<length> key=value\n", the length counting itself.
        let body = format!(" {key}={value}\n");
        let mut len = body.len() + 1;
        while format!("{len}{body}").len() != len {
            len += 1;
        }
        format!("{len}{body}")
    };
    let pax = record("path", long_name);
    let mut h = tar::Header::new_ustar();
    h.set_entry_type(tar::EntryType::XHeader);
    h.set_path("PaxHeaders/x").expect("pax header name");
    h.set_size(pax.len() as u64);
    h.set_cksum();
    b.append(&h, pax.as_bytes()).expect("pax header");
    let mut h = tar::Header::new_ustar();
    h.set_path("short-stand-in.txt").expect("stand-in name");
    h.set_size(bytes.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    b.append(&h, bytes).expect("pax member");
    b.into_inner().expect("tar finish")
}

/// The members every tar test archive holds, in archive order (not name
/// order): every format, one gzipped inside, a GNU long name, and what is
/// not read (a README, macOS's `._` file, a hidden file, a directory, a
/// link).
fn tar_sample() -> Vec<u8> {
    let long = format!("{}/2021-02-03-long.txt", "deep".repeat(30));
    tar_of(&[
        ("./news/wire.jsonl", JSONL.as_bytes()),
        ("./b/", b""),
        ("./b/story.txt", b"from a txt in a tar"),
        ("./._story.txt", b"\x00\x05\x16\x07 resource fork"),
        ("./.hidden.txt", b"hidden"),
        ("./briefs.csv", b"id,text\nb1,from a csv in a tar\n"),
        (
            "./c.jsonl.gz",
            &gzip(b"{\"id\": \"g1\", \"text\": \"gzip inside tar\"}\n"),
        ),
        ("./README.md", b"not a corpus file"),
        ("->./link.txt", b""),
        (&long, b"a name past 100 bytes"),
    ])
}

#[test]
fn is_tar_by_extension() {
    for yes in [
        "a.tar",
        "a.TAR.GZ",
        "x/a.tgz",
        "a.tar.zst",
        "a.tar.zstd",
        "a.tzst",
    ] {
        assert!(tarred::is_tar(Path::new(yes)), "{yes}");
    }
    for no in [
        ".tar",
        "a.tar.bz2",
        "a.tar.xz",
        "tar.txt",
        "a.gz",
        "a.zip",
        "atar",
    ] {
        assert!(!tarred::is_tar(Path::new(no)), "{no}");
    }
}

#[test]
fn tar_members_are_read_as_files_in_archive_order() {
    let dir = tmp();
    let plain = tar_sample();
    write(dir.path(), "in/a.tar", &plain);
    write(dir.path(), "in/b.tar.gz", &gzip(&plain));
    write(dir.path(), "in/c.tgz", &gzip(&plain));
    write(dir.path(), "in/d.tar.zst", &zstd(&plain));
    write(dir.path(), "in/e.tzst", &zstd(&plain));
    write(dir.path(), "in/z.txt", b"after the archives");
    let root = dir.path().join("in");
    let long = format!("{}/2021-02-03-long.txt", "deep".repeat(30));

    // Walked from a directory: each archive is one file and one entry.
    let corpus = Corpus::open(std::slice::from_ref(&root), ReadOptions::default()).expect("open");
    let keys: Vec<String> = corpus.entries().map(|e| e.key).collect();
    assert_eq!(
        keys,
        ["a.tar", "b.tar.gz", "c.tgz", "d.tar.zst", "e.tzst", "z.txt"]
    );
    assert_eq!(corpus.file_count(), 6);
    let log = corpus.read_log();
    let items: Vec<Item> = corpus.collect();
    assert!(rejects(&items).is_empty(), "{items:#?}");
    let got: Vec<(&str, &str)> = docs(&items)
        .iter()
        .map(|d| (d.id.as_str(), d.text.as_str()))
        .collect();
    let mut want = Vec::new();
    for archive in ["a.tar", "b.tar.gz", "c.tgz", "d.tar.zst", "e.tzst"] {
        want.extend([
            ("a1".to_string(), "First story."),
            ("17".to_string(), "Second story."),
            (format!("{archive}/news/wire.jsonl:3"), "No id here."),
            (format!("{archive}/b/story.txt"), "from a txt in a tar"),
            ("b1".to_string(), "from a csv in a tar"),
            ("g1".to_string(), "gzip inside tar"),
            (format!("{archive}/{long}"), "a name past 100 bytes"),
        ]);
    }
    want.push(("z.txt".to_string(), "after the archives"));
    let want: Vec<(&str, &str)> = want.iter().map(|(i, t)| (i.as_str(), *t)).collect();
    assert_eq!(got, want);
    // A date in a member's name dates it, as in a file's.
    let dated = docs(&items)[6];
    assert_eq!(
        dated.date.map(|d| d.to_string()).as_deref(),
        Some("2021-02-03")
    );

    // What was passed over is listed as skipped, hidden names and
    // directories apart.
    let log = log.lock().expect("log");
    let base = root.to_string_lossy().into_owned();
    assert_eq!((log.files, log.skipped), (6, 10));
    assert_eq!(
        log.first_skipped[..2],
        [
            PathBuf::from(format!("{base}/a.tar/README.md")),
            PathBuf::from(format!("{base}/a.tar/link.txt")),
        ]
    );

    // Named as an input: the archive named as given; --format reads every
    // member as that format (the README too).
    let named = root.join("b.tar.gz");
    let items = read(std::slice::from_ref(&named));
    assert_eq!(docs(&items).len(), 7);
    assert_eq!(
        docs(&items)[3].id,
        format!("{}/b/story.txt", named.to_string_lossy())
    );
    let options = ReadOptions {
        format: Some(Format::Txt),
        ..ReadOptions::default()
    };
    let items = read_with(&[named], options);
    let texts: Vec<&str> = docs(&items).iter().map(|d| d.text.as_str()).collect();
    assert_eq!(texts.len(), 6, "{texts:#?}");
    assert!(texts.contains(&"not a corpus file"), "{texts:#?}");
}

#[test]
fn a_pax_path_names_the_member() {
    let dir = tmp();
    let long = format!("{}/2022-03-04-pax.txt", "folder".repeat(25));
    let tar = write(dir.path(), "pax.tar", &pax_member(&long, b"named by pax"));
    let items = read(&[tar]);
    let doc = one_doc(&items);
    assert!(doc.id.ends_with(&format!("pax.tar/{long}")), "{}", doc.id);
    assert_eq!(doc.text, "named by pax");
}

#[test]
fn a_big_tar_member_streams_through_in_chunks() {
    let dir = tmp();
    // About 1.1 MB of JSON lines: more chunks than the thread reads ahead.
    let mut big = Vec::new();
    for k in 0..16_000 {
        big.extend_from_slice(
            format!(
                "{{\"id\": \"r{k}\", \"text\": \"Record {k} of a big member, read whole.\"}}\n"
            )
            .as_bytes(),
        );
    }
    assert!(big.len() > 4 * 256 * 1024, "{}", big.len());
    let archive = tar_of(&[("big.jsonl", &big), ("after.txt", b"the member after it")]);
    for (name, bytes) in [
        ("big.tar", archive.clone()),
        ("big.tar.zst", zstd(&archive)),
    ] {
        let items = read(&[write(dir.path(), name, &bytes)]);
        assert!(rejects(&items).is_empty(), "{name}");
        let ds = docs(&items);
        assert_eq!(ds.len(), 16_001, "{name}");
        assert_eq!(ds[15_999].id, "r15999");
        assert_eq!(ds[16_000].text, "the member after it");
    }
}

#[test]
fn a_member_whose_thread_stops_without_its_end_is_an_error_not_its_end() {
    let (tx, rx) = sync_channel(4);
    tx.send(Ok(b"some bytes".to_vec())).expect("send");
    drop(tx); // no empty chunk: the thread is gone
    let mut data = Chunks::new(rx, "the thread reading the archive stopped unexpectedly");
    let mut got = Vec::new();
    let err = data.read_to_end(&mut got).expect_err("not the end");
    assert_eq!(got, b"some bytes");
    assert!(err.to_string().contains("stopped unexpectedly"), "{err}");

    // With its end marker, the member ends there.
    let (tx, rx) = sync_channel(4);
    tx.send(Ok(b"whole".to_vec())).expect("send");
    tx.send(Ok(Vec::new())).expect("send");
    drop(tx);
    let mut got = Vec::new();
    Chunks::new(rx, "the thread reading the archive stopped unexpectedly")
        .read_to_end(&mut got)
        .expect("read");
    assert_eq!(got, b"whole");
}

#[test]
fn damaged_tar_archives_are_rejects_and_the_run_goes_on() {
    let dir = tmp();
    let first = b"first member, whole".as_slice();
    // Text that compresses little, so that cutting the gzipped archive in
    // half cuts inside this member.
    let second: String = (0..3100u32)
        .map(|i| char::from(b'a' + (i.wrapping_mul(2_654_435_761) >> 27) as u8 % 26))
        .collect();
    let two = tar_of(&[
        ("a.txt", first),
        ("b.txt", second.as_bytes()),
        ("c.txt", b"third"),
    ]);
    // Plain, cut inside b.txt's data.
    write(dir.path(), "1-cut.tar", &two[..512 + 512 + 512 + 1000]);
    // Gzipped, cut inside b.txt's data.
    let gz = gzip(&two);
    write(dir.path(), "2-cut.tar.gz", &gz[..gz.len() / 2]);
    // b.txt's header damaged: its checksum fails.
    let mut bad_header = two.clone();
    bad_header[1024] ^= 0x20;
    write(dir.path(), "3-header.tar", &bad_header);
    // Cut at the end of a.txt: where b.txt's header should be, nothing.
    write(dir.path(), "3b-cut-at-header.tar", &two[..1024]);
    // Empty.
    write(dir.path(), "3c-empty.tar", b"");
    // Not a tar at all.
    write(
        dir.path(),
        "4-not.tar",
        &"plain text behind a .tar name\n".repeat(40).into_bytes(),
    );
    // Not a tar, in gzip.
    write(dir.path(), "5-not.tar.gz", &gzip(b"plain text, gzipped"));
    write(dir.path(), "z.txt", b"next file");
    let (items, r) = read_dir_rejects(dir.path());
    assert_eq!(r.len(), 7, "{r:#?}");
    assert_eq!(r[0].0, "./1-cut.tar/b.txt");
    assert_eq!(
        r[0].1,
        "the archive ends inside this member (after 1000 of its 3100 bytes); \
         the rest of the file, and the files after it in the archive, are not read"
    );
    assert_eq!(r[1].0, "./2-cut.tar.gz/b.txt");
    assert!(
        r[1].1.starts_with("corrupt gzip data (")
            && r[1]
                .1
                .ends_with("the files after it in the archive, are not read"),
        "{}",
        r[1].1
    );
    assert_eq!(r[2].0, "./3-header.tar");
    assert_eq!(
        r[2].1,
        "cannot read the archive on after its member 'a.txt' (a header is damaged or is no \
         tar header: its checksum does not match): the members after it are not read"
    );
    assert_eq!(r[3].0, "./3b-cut-at-header.tar");
    assert_eq!(
        r[3].1,
        "cannot read the archive on after its member 'a.txt' (it ends where a header should \
         start, with no end-of-archive marker: it was cut short there): the members after it \
         are not read"
    );
    assert_eq!(r[4].0, "./3c-empty.tar");
    assert_eq!(
        r[4].1,
        "not a readable tar archive (it is empty): nothing in it is read"
    );
    assert_eq!(r[5].0, "./4-not.tar");
    assert_eq!(
        r[5].1,
        "not a readable tar archive (a header is damaged or is no tar header: its checksum \
         does not match): nothing in it is read"
    );
    assert_eq!(r[6].0, "./5-not.tar.gz");
    assert_eq!(
        r[6].1,
        "not a readable tar archive (it ends inside a header): nothing in it is read"
    );
    let texts: Vec<&str> = docs(&items).iter().map(|d| d.text.as_str()).collect();
    assert_eq!(
        texts,
        [&["first member, whole"; 4][..], &["next file"]].concat()
    );
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(96))]

    /// A tar archive cut anywhere gives the documents of the members whole
    /// before the cut, and says it was cut unless only the end-of-archive
    /// marker's second block or the padding after it is gone.
    #[test]
    fn a_tar_cut_anywhere_keeps_its_whole_members_and_says_it_was_cut(
        cut_at in 0usize..5_700,
        gzipped in proptest::bool::ANY,
    ) {
        let sizes = [100usize, 700, 1300];
        let texts: Vec<String> = sizes
            .iter()
            .enumerate()
            .map(|(i, &n)| format!("m{i} ").repeat(n / 3 + 1)[..n].to_string())
            .collect();
        let names = ["a.txt", "b.txt", "c.txt"];
        let members: Vec<(&str, &[u8])> =
            names.iter().zip(&texts).map(|(n, t)| (*n, t.as_bytes())).collect();
        let whole = tar_of(&members);
        // Each member's header and data end; then the marker.
        let mut at = 0;
        let mut data_ends = Vec::new();
        for &n in &sizes {
            data_ends.push(at + 512 + n);
            at += 512 + n.next_multiple_of(512);
        }
        let marker_end = at + 512;
        let cut = &whole[..cut_at.min(whole.len())];
        let dir = tmp();
        let bytes = if gzipped { gzip(cut) } else { cut.to_vec() };
        let name = if gzipped { "cut.tar.gz" } else { "cut.tar" };
        let items = read(&[write(dir.path(), name, &bytes)]);
        let whole_before = data_ends.iter().filter(|&&e| e <= cut.len()).count();
        let got: Vec<&str> = docs(&items).iter().map(|d| d.text.as_str()).collect();
        let want: Vec<&str> = texts[..whole_before].iter().map(String::as_str).collect();
        proptest::prop_assert_eq!(got, want, "cut at {}", cut.len());
        let said = !rejects(&items).is_empty();
        proptest::prop_assert_eq!(said, cut.len() < marker_end, "cut at {}: {:#?}", cut.len(), items);
    }

    /// Bytes of a tar archive's headers or data changed anywhere: reading
    /// ends, with no panic of the archive's thread (which would show as a
    /// reject saying it stopped unexpectedly), and gives no more documents
    /// than the archive has members.
    #[test]
    fn a_tar_with_bytes_changed_anywhere_is_read_to_an_end(
        flips in proptest::collection::vec((0usize..5_632, 1u8..=255), 1..4),
    ) {
        let members: Vec<(String, String)> = (0..3)
            .map(|i| (format!("d{i}/s{i}.txt"), format!("Story {i}. ").repeat(40 + 50 * i)))
            .collect();
        let refs: Vec<(&str, &[u8])> =
            members.iter().map(|(n, t)| (n.as_str(), t.as_bytes())).collect();
        let mut bytes = tar_of(&refs);
        for &(at, x) in &flips {
            if let Some(b) = bytes.get_mut(at) {
                *b ^= x;
            }
        }
        let dir = tmp();
        let items = read(&[write(dir.path(), "changed.tar", &bytes)]);
        proptest::prop_assert!(docs(&items).len() <= members.len(), "{:#?}", items);
        for r in rejects(&items) {
            proptest::prop_assert!(!r.reason.contains("unexpectedly"), "{:#?}", r);
        }
    }
}

// ---------------------------------------------------------------- progress

#[test]
fn bytes_read_reaches_total() {
    let dir = tmp();
    write(dir.path(), "a.jsonl", JSONL.as_bytes());
    write(dir.path(), "b.jsonl.gz", &gzip(JSONL.as_bytes()));
    write(dir.path(), "c.txt", b"short");
    let mut broken = gzip(JSONL.as_bytes());
    broken.truncate(20);
    write(dir.path(), "d.jsonl.gz", &broken);
    let corpus = Corpus::open(&[dir.path().to_path_buf()], ReadOptions::default()).expect("open");
    let expected: u64 = corpus
        .files()
        .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum();
    assert_eq!(corpus.total_bytes(), expected);
    let counter = corpus.bytes_read();
    assert_eq!(counter.load(Ordering::Relaxed), 0);
    let items: Vec<Item> = corpus.collect();
    assert_eq!(docs(&items).len(), 7);
    assert_eq!(counter.load(Ordering::Relaxed), expected);
}

// ---------------------------------------------------------------- read ahead

/// Everything a run learns from reading `corpus`: each item with its entry
/// number, the invalid UTF-8 tally, the read log and the bytes counted.
fn read_all(mut corpus: Corpus, readers: usize) -> (Vec<(u64, Item)>, String, String, u64) {
    corpus.read_ahead(readers);
    let (invalid, log, bytes) = (
        corpus.invalid_utf8(),
        corpus.read_log(),
        corpus.bytes_read(),
    );
    let items: Vec<(u64, Item)> = corpus.numbered().collect();
    let invalid = format!(
        "{} {} {:?} {:?} | {} {:?}",
        invalid.documents(),
        invalid.sequences(),
        invalid.examples(),
        invalid.example_entries(),
        invalid.windows_1252_documents(),
        invalid.windows_1252_examples(),
    );
    let log = format!("{:?}", log.lock().expect("log"));
    (items, invalid, log, bytes.load(Ordering::Relaxed))
}

/// A directory of every kind of entry: JSONL (one gzipped) with invalid
/// UTF-8 and broken lines, a gzipped file cut short, CSV, TSV, many
/// one-line `.txt` files (so that readers are given several at once), a
/// broken symbolic link, a file of unknown format and an empty file.
fn mixed_corpus(root: &Path) {
    for month in 1..=9u8 {
        let mut body = Vec::new();
        for k in 0..40 {
            body.extend_from_slice(
                format!(
                    "{{\"id\": \"m{month}-{k}\", \"date\": \"2022-{month:02}-{:02}\", \
                     \"text\": \"Story {k} of month {month}: talks went on.\"}}\n",
                    k % 28 + 1
                )
                .as_bytes(),
            );
        }
        // UTF-8 with a stray byte (replaced), then a line that is not JSON.
        body.extend_from_slice(
            b"{\"id\": \"bad\", \"text\": \"\xe2\x80\x9ccut\xe2\x80\x9d \xFF here\"}\nnot json\n",
        );
        let name = format!("wire/2022-{month:02}.jsonl");
        if month == 4 {
            write(root, &format!("{name}.gz"), &gzip(&body));
        } else {
            write(root, &name, &body);
        }
    }
    write(
        root,
        "desk.csv",
        b"id,date,text\nc1,2022-03-01,Ministers met.\nc2,,\xFFbad byte\n",
    );
    write(root, "desk2.tsv", b"id\ttext\nt1\tA ship docked.\n");
    for i in 0..150 {
        let text = if i % 37 == 0 {
            b"odd \xC3 byte".to_vec()
        } else {
            format!("Note {i}.").into_bytes()
        };
        write(
            root,
            &format!("notes/2022-05-{:02}-{i:03}.txt", i % 28 + 1),
            &text,
        );
    }
    write(root, "notes/empty.txt", b"");
    // A gzip stream cut short: its lines up to the cut, then a reject.
    let mut cut = gzip(
        b"{\"id\": \"z1\", \"text\": \"Talks resumed.\"}\n"
            .repeat(200)
            .as_slice(),
    );
    cut.truncate(cut.len() / 2);
    write(root, "wire/2022-10.jsonl.gz", &cut);
    write(root, "README.md", b"not read");
    // Stories in a tar archive, with a member that is not read.
    let mut stories: Vec<(String, Vec<u8>)> = (0..30)
        .map(|i| {
            (
                format!("2022-06-{:02}-{i}.txt", i % 28 + 1),
                format!("Tar note {i}.").into_bytes(),
            )
        })
        .collect();
    stories.insert(7, ("notes.md".to_string(), b"not read".to_vec()));
    let members: Vec<(&str, &[u8])> = stories
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    write(root, "stories.tar.gz", &gzip(&tar_of(&members)));
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("gone.jsonl"), root.join("notes/link.jsonl"))
        .expect("symlink");
}

#[test]
fn read_ahead_gives_what_one_reader_gives() {
    let dir = tmp();
    let root = dir.path().join("c");
    mixed_corpus(&root);
    let open = || Corpus::open(std::slice::from_ref(&root), ReadOptions::default()).expect("open");
    let one = read_all(open(), 1);
    assert!(one.0.len() > 500, "{}", one.0.len());
    assert!(one.0.iter().any(|(_, i)| i.is_err()));
    assert!(
        one.0.iter().any(|(_, i)| i
            .as_ref()
            .is_err_and(|r| r.input.ends_with("2022-10.jsonl.gz"))),
        "the cut gzip file gives a reject"
    );
    // 9 JSONL lines with a byte replaced; 1 CSV row and 5 `.txt` files
    // read as Windows-1252.
    assert!(one.1.starts_with("9 9 "), "{}", one.1);
    assert!(one.1.contains(" | 6 "), "{}", one.1);
    for readers in [2, 3, 8] {
        let many = read_all(open(), readers);
        assert_eq!(many.0, one.0, "{readers} readers");
        assert_eq!(many.1, one.1, "{readers} readers");
        assert_eq!(many.2, one.2, "{readers} readers");
        assert_eq!(many.3, one.3, "{readers} readers");
    }
    // Entries left out by `retain` are neither read nor numbered anew.
    let odd = |e: &CorpusEntry| e.key.len() % 2 == 1;
    let mut c = open();
    c.retain(odd);
    let one = read_all(c, 1);
    assert!(!one.0.is_empty());
    let mut c = open();
    c.retain(odd);
    assert_eq!(read_all(c, 4), one);
}

#[test]
fn a_reader_that_stops_early_leaves_a_reject_for_each_file_left() {
    let dir = tmp();
    let mut corpus =
        Corpus::open(&[dir.path().to_path_buf()], ReadOptions::default()).expect("open");
    corpus.read_ahead(2);
    // A group of three files whose reader sent the first file, one item of
    // the second, and then died.
    let (tx, rx) = sync_channel(AHEAD_CHUNKS);
    let doc = |id: &str| Document {
        id: id.to_string(),
        date: None,
        text: "Talks resumed.".to_string(),
        fields: BTreeMap::new(),
    };
    tx.send(vec![
        Event::Item(Ok(doc("a1"))),
        Event::End {
            invalid_utf8: Arc::default(),
            size: 10,
        },
        Event::Item(Ok(doc("b1"))),
    ])
    .expect("send");
    drop(tx);
    let (jobs, _) = std::sync::mpsc::channel();
    corpus.ahead = Some(Ahead {
        jobs,
        queue: VecDeque::from([Pending::Files(Group {
            files: VecDeque::from([
                (0, "a.jsonl".to_string()),
                (1, "b.jsonl".to_string()),
                (2, "c.jsonl".to_string()),
            ]),
            chunks: rx,
            events: Vec::new().into_iter(),
        })]),
        current: None,
        walked: true,
        files_done: 0,
        bytes_done: 0,
    });
    let items: Vec<(u64, String)> = corpus
        .numbered()
        .map(|(n, item)| match item {
            Ok(d) => (n, d.id),
            Err(r) => (n, format!("{}: {}", r.input, r.reason)),
        })
        .collect();
    let stopped = "reading stopped unexpectedly (its reader thread failed): the rest of this \
                   file was not read; please report this";
    assert_eq!(
        items,
        [
            (0, "a1".to_string()),
            (1, "b1".to_string()),
            (1, format!("b.jsonl: {stopped}")),
            (2, format!("c.jsonl: {stopped}")),
        ]
    );
}

// ---------------------------------------------------------------- real corpus

/// The shared corpora, if this checkout has them beside it.
fn shared_corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    dir.is_dir().then_some(dir)
}

#[test]
fn reads_real_kcna_head_without_rejects() {
    let Some(dir) = shared_corpus() else {
        return;
    };
    let kcna = dir.join("kcna.jsonl");
    if !kcna.is_file() {
        return;
    }
    let corpus = Corpus::open(&[kcna], ReadOptions::default()).expect("open kcna");
    let items: Vec<Item> = corpus.take(200).collect();
    assert_eq!(items.len(), 200);
    assert!(rejects(&items).is_empty(), "{:#?}", rejects(&items));
    for doc in docs(&items) {
        assert!(doc.id.starts_with("kcna:"), "{}", doc.id);
        assert!(doc.date.and_then(|d| d.day).is_some(), "{}", doc.id);
        assert!(!doc.text.is_empty());
        assert!(doc.fields.contains_key("title"));
    }
}

// ---------------------------------------------------------------- bounded CSV records

/// All records of `data` as `csv::Reader` reads them (no header handling,
/// any field count): (start line, fields). The line is the one the
/// record's first byte is on: 1 + the `\n`s before it. (The csv crate's own
/// line, and its byte offset, stop where the record before ended, before
/// the `\n` of a `\r\n` and any blank lines: those, and a BOM, are passed
/// over here.)
fn csv_crate_records(data: &[u8], delimiter: u8) -> Vec<(u64, Vec<Vec<u8>>)> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let mut out = Vec::new();
    let mut row = csv::ByteRecord::new();
    while reader.read_byte_record(&mut row).expect("in-memory read") {
        let mut at = row.position().map_or(0, |p| p.byte() as usize);
        if at == 0 && data.starts_with(b"\xef\xbb\xbf") {
            at = 3;
        }
        while matches!(data.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        let line = 1 + data[..at].iter().filter(|&&b| b == b'\n').count() as u64;
        out.push((line, row.iter().map(<[u8]>::to_vec).collect()));
    }
    out
}

/// The same with [`CsvRecords`] and limits high enough to keep everything.
fn bounded_records(data: &[u8], delimiter: u8) -> Vec<(u64, Vec<Vec<u8>>)> {
    let mut reader = CsvRecords::new(Box::new(io::Cursor::new(data.to_vec())), delimiter);
    let mut out = Vec::new();
    while let Some(r) = reader
        .read(usize::MAX / 2, 1 << 20)
        .expect("in-memory read")
    {
        assert!(!r.truncated);
        assert_eq!(r.fields, reader.fields().count());
        assert_eq!(r.bytes, reader.fields().map(<[u8]>::len).sum::<usize>());
        out.push((r.line, reader.fields().map(<[u8]>::to_vec).collect()));
    }
    out
}

proptest::proptest! {
    /// The bounded reader splits records and fields exactly like the csv
    /// crate (quotes, doubled quotes, CR/LF/CRLF, blank lines, a BOM), and
    /// gives each the line its first byte is on, after `\r\n` too.
    #[test]
    fn bounded_csv_reader_agrees_with_csv_crate(
        pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "a", "bc", ",", "\t", "\"", "\"\"", "\n", "\r", "\r\n", " ", "\u{e9}",
                "\u{feff}", "\u{201c}",
            ]),
            0..60,
        ),
        tsv in proptest::bool::ANY,
    ) {
        let data = pieces.concat();
        let delimiter = if tsv { b'\t' } else { b',' };
        proptest::prop_assert_eq!(
            bounded_records(data.as_bytes(), delimiter),
            csv_crate_records(data.as_bytes(), delimiter)
        );
    }
}

#[test]
fn bounded_csv_reader_keeps_at_most_the_limit() {
    // One 3 MB field, one field per character of a 1 MB run of commas, and
    // a quote that stays open for 2 MB: none is held, all are counted, and
    // the record after each is read whole.
    let mut data = b"id,text\n".to_vec();
    data.extend(b"big,");
    data.extend(std::iter::repeat_n(b'x', 3 << 20));
    data.extend(b"\nok1,fine\nwide,");
    data.extend(std::iter::repeat_n(b',', 1 << 20));
    data.extend(b"\nok2,fine\nopen,\"");
    data.extend(std::iter::repeat_n(b'y', 2 << 20));
    data.extend(b"\nstill quoted\"\nok3,fine\n");
    let mut reader = CsvRecords::new(Box::new(io::Cursor::new(data)), b',');
    let max = 1000;
    let mut seen = Vec::new();
    while let Some(r) = reader.read(max, 3).expect("read") {
        assert!(reader.out.len() <= max + 1, "buffer {}", reader.out.len());
        assert!(reader.ends.len() <= 64, "ends {}", reader.ends.len());
        let first = String::from_utf8_lossy(reader.field(0)).into_owned();
        seen.push((r.line, r.fields, r.bytes, r.truncated, first));
    }
    assert_eq!(
        seen,
        [
            (1, 2, 6, false, "id".to_string()),
            (2, 2, 3 + (3 << 20), true, String::new()),
            (3, 2, 7, false, "ok1".to_string()),
            (4, (1 << 20) + 2, 4, true, String::new()),
            (5, 2, 7, false, "ok2".to_string()),
            (6, 2, 4 + (2 << 20) + 13, true, String::new()),
            (8, 2, 7, false, "ok3".to_string()),
        ]
    );
}

#[test]
fn csv_huge_record_is_rejected_and_the_next_is_read() {
    let dir = tmp();
    let mut data = b"id,text\na,before\nb,\"".to_vec();
    data.extend(std::iter::repeat_n(b'z', 5 << 20));
    data.extend(b"\"\nc,after\n");
    let file = write(dir.path(), "huge.csv", &data);
    let options = ReadOptions {
        max_doc_bytes: 4096,
        ..ReadOptions::default()
    };
    let items = read_with(&[file], options);
    let d = docs(&items);
    assert_eq!(
        d.iter().map(|d| d.text.as_str()).collect::<Vec<_>>(),
        ["before", "after"]
    );
    let r = one_reject(&items[1..2]);
    assert_eq!(r.location, "record 2 (line 3)");
    assert_eq!(
        r.reason,
        format!(
            "document is {} bytes, over --max-doc-bytes 4096",
            1 + (5 << 20)
        )
    );
}

#[test]
fn csv_header_over_the_limits_is_one_reject() {
    let dir = tmp();
    let header = format!("id,text,{}\n1,x\n", "c,".repeat(CSV_MAX_COLUMNS));
    let file = write(dir.path(), "wide.csv", header.as_bytes());
    let r = one_reject(&read(&[file])).clone();
    assert_eq!(r.location, "line 1");
    assert_eq!(
        r.reason,
        "CSV: the header row has 65539 fields, over the limit of 65536; the file is skipped"
    );
    let file = write(
        dir.path(),
        "long.csv",
        format!("id,{}\n", "t".repeat(50)).as_bytes(),
    );
    let options = ReadOptions {
        max_doc_bytes: 20,
        ..ReadOptions::default()
    };
    let r = one_reject(&read_with(&[file], options)).clone();
    assert_eq!(
        r.reason,
        "CSV: the header row is 52 bytes, over --max-doc-bytes 20; the file is skipped"
    );
}

// ---------------------------------------------------------------- invalid UTF-8 is counted

#[test]
fn invalid_utf8_is_replaced_and_counted_per_document() {
    let dir = tmp();
    // Each JSON line and CSV record is decoded on its own: UTF-8 with a
    // stray byte among its curly quotes keeps them, a record whose bytes
    // are Windows-1252 is read so.
    let jsonl = write(
        dir.path(),
        "a.jsonl",
        "{\"id\": \"j1\", \"text\": \"\u{201c}bad\u{201d} "
            .as_bytes()
            .iter()
            .chain(b"\xff here \xe2\x80\x94\"}\n")
            .chain(b"{\"id\": \"j2\", \"text\": \"clean \xc3\xa9\"}\n")
            .chain(b"{\"id\": \"j3\", \"text\": \"caf\xe9 \x93quoted\x94\"}\n")
            .chain(b"not json \xff\n")
            .copied()
            .collect::<Vec<u8>>()
            .as_slice(),
    );
    let csv = write(
        dir.path(),
        "b.csv",
        b"id,text,desk\nc1,fine,asia\nc2,caf\xe9,\xffdesk\nc3,\xe2\x80\x9cok\xe2\x80\x9d \xff,x\n",
    );
    // A UTF-8 story with curly quotes and one stray byte stays UTF-8.
    let mostly = write(
        dir.path(),
        "c.txt",
        "\u{201c}Talks\u{201d} resumed \u{2014} "
            .as_bytes()
            .iter()
            .chain(b"\x81 today.")
            .copied()
            .collect::<Vec<u8>>()
            .as_slice(),
    );
    let bom = write(dir.path(), "d.txt", b"\xef\xbb\xbfBOM then \xe2\x80 cut");
    let mut utf16 = vec![0xff, 0xfe];
    for unit in [0x0041u16, 0xd800, 0x0042, 0xfffd] {
        utf16.extend(unit.to_le_bytes());
    }
    let utf16 = write(dir.path(), "e.txt", &utf16);
    // Windows-1252 is decoded, not replaced.
    let cp1252 = write(dir.path(), "f.txt", b"\x93Caf\xe9\x94");
    let corpus = Corpus::open(
        &[
            jsonl.clone(),
            csv.clone(),
            mostly.clone(),
            bom.clone(),
            utf16.clone(),
            cp1252.clone(),
        ],
        ReadOptions::default(),
    )
    .expect("open");
    let invalid = corpus.invalid_utf8();
    let items: Vec<Item> = corpus.collect();
    let texts: Vec<&str> = docs(&items).iter().map(|d| d.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "\u{201c}bad\u{201d} \u{fffd} here \u{2014}",
            "clean \u{e9}",
            "caf\u{e9} \u{201c}quoted\u{201d}",
            "fine",
            "caf\u{e9}",
            "\u{201c}ok\u{201d} \u{fffd}",
            "\u{201c}Talks\u{201d} resumed \u{2014} \u{fffd} today.",
            "BOM then \u{fffd} cut",
            "A\u{fffd}B\u{fffd}",
            "\u{201c}Caf\u{e9}\u{201d}",
        ]
    );
    assert_eq!(docs(&items)[4].fields["desk"], "\u{ff}desk");
    assert_eq!(rejects(&items).len(), 1); // the line that is not JSON: not counted
    assert_eq!(invalid.documents(), 5);
    // j1, c3, c.txt, d.txt: 1 each; e.txt: 1 (the genuine U+FFFD in the
    // UTF-16 file is not counted).
    assert_eq!(invalid.sequences(), 5);
    let shown = |p: &Path| p.to_string_lossy().into_owned();
    assert_eq!(
        invalid.examples(),
        [
            format!("{}: line 1", shown(&jsonl)),
            format!("{}: record 3 (line 4)", shown(&csv)),
            shown(&mostly),
            shown(&bom),
            shown(&utf16),
        ]
    );
    assert_eq!(invalid.windows_1252_documents(), 3);
    let windows_1252: Vec<String> = invalid
        .windows_1252_examples()
        .into_iter()
        .map(|(_, x)| x)
        .collect();
    assert_eq!(
        windows_1252,
        [
            format!("{}: line 3", shown(&jsonl)),
            format!("{}: record 2 (line 3)", shown(&csv)),
            shown(&cp1252),
        ]
    );
}

/// A CSV or TSV file saved as UTF-16 with a byte-order mark (Excel's
/// "Unicode text") is decoded from UTF-16; a JSON file too.
#[test]
fn utf16_csv_and_json_with_a_bom_are_decoded() {
    let dir = tmp();
    let utf16le = |s: &str| -> Vec<u8> {
        let mut b = vec![0xff, 0xfe];
        b.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        b
    };
    let utf16be = |s: &str| -> Vec<u8> {
        let mut b = vec![0xfe, 0xff];
        b.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        b
    };
    let tsv = write(
        dir.path(),
        "excel.tsv",
        &utf16le("id\ttext\r\nu1\tC\u{f4}te d\u{2019}Ivoire praised Ghana.\r\n"),
    );
    let jsonl = write(
        dir.path(),
        "u.jsonl",
        &utf16be("{\"id\": \"u2\", \"text\": \"T\u{fc}rkiye \u{2014} talks.\"}\n"),
    );
    let items = read(&[tsv, jsonl]);
    let got: Vec<(&str, &str)> = docs(&items)
        .iter()
        .map(|d| (d.id.as_str(), d.text.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("u1", "C\u{f4}te d\u{2019}Ivoire praised Ghana."),
            ("u2", "T\u{fc}rkiye \u{2014} talks."),
        ]
    );
    assert!(rejects(&items).is_empty());
}

#[test]
fn decode_text_prefers_utf8_only_when_it_looks_like_utf8() {
    // Mostly valid multi-byte UTF-8: UTF-8 with replacements.
    assert_eq!(
        decode_text(
            "\u{e9}\u{e9}"
                .as_bytes()
                .iter()
                .chain(b"\xff")
                .copied()
                .collect::<Vec<_>>()
                .as_slice()
        ),
        Ok(("\u{e9}\u{e9}\u{fffd}".to_string(), 1, false))
    );
    // As many invalid bytes as valid characters: windows-1252.
    assert_eq!(
        decode_text(b"\xc3\xa9\xe9"),
        Ok(("\u{c3}\u{a9}\u{e9}".to_string(), 0, true))
    );
    assert_eq!(decode_text(b"plain"), Ok(("plain".to_string(), 0, false)));
    assert_eq!(
        decode_text(b"a\0b"),
        Err("binary file (contains NUL bytes)".to_string())
    );
}

#[test]
fn bounded_csv_reader_takes_any_limits_in_any_order() {
    let data = format!(
        "a,{}\nb,{}\nc,{}\n",
        "x".repeat(300),
        "y".repeat(3000),
        ",".repeat(100)
    );
    let mut reader = CsvRecords::new(Box::new(io::Cursor::new(data.into_bytes())), b',');
    let r = reader.read(10, 1).expect("read").expect("record");
    assert_eq!((r.bytes, r.fields, r.truncated), (301, 2, true));
    // A bigger limit later grows the buffers up to the new limit only.
    let r = reader.read(500, 200).expect("read").expect("record");
    assert_eq!((r.bytes, r.fields, r.truncated), (3001, 2, true));
    assert!(reader.out.len() <= 501);
    let r = reader.read(5000, 50).expect("read").expect("record");
    assert_eq!((r.bytes, r.fields, r.truncated), (1, 102, true));
    assert!(reader.ends.len() <= 64);
    assert!(reader.read(0, 0).expect("read").is_none());
}

// ---------------------------------------------------------- jsonl fast path

/// Lines for the flat-record fast path: escapes, non-ASCII, empty strings,
/// every scalar type, and lines it must leave to `serde_json` (nested
/// values, fractions, surrogates, repeated keys, bad records).
const FLAT_LINES: &[&str] = &[
    r#"{"id": "a1", "date": "2021-01-08", "text": "Talks resumed.", "desk": "asia"}"#,
    r#"{"text":"Line one.\nLine two.\t\"Quoted\" \\ back\/slash \u00e9 \u4e2d","id":7}"#,
    r#"  {"text": "", "id": "", "date": ""}  "#,
    r#"{"text": "café “curly” 한국", "n": -12, "ok": true, "no": false, "gone": null}"#,
    r#"{"text": "x", "id": true, "date": 2021}"#,
    r#"{"text": "x", "id": null, "date": null}"#,
    r#"{"text": "emoji \ud83d\ude00 pair"}"#,
    r#"{"text": "lone \ud83d surrogate"}"#,
    r#"{"text": "x", "score": 1.5, "big": 12345678901234567890}"#,
    r#"{"text": "x", "z": -0, "e": 1e3}"#,
    r#"{"text": "x", "tags": ["a", "b"], "meta": {"k": 1}}"#,
    r#"{"text": "first", "text": "second"}"#,
    r#"{"text": "x", "desk": "a", "desk": null}"#,
    r#"{"text": "x", "v": NaN}"#,
    r#"{"text": "x", "date": "not a date"}"#,
    r#"{"text": "x", "date": true}"#,
    r#"{"text": 5}"#,
    r#"{"id": "no text"}"#,
    r#"["not", "an", "object"]"#,
    r#"{"text": "unterminated}"#,
    r#"{"text": "x",}"#,
    r#"{"text": "x"} trailing"#,
    r#"{"text": "bad \q escape"}"#,
    "{\"text\": \"raw\ttab\"}",
    r#"{"text": "x", "n": 012}"#,
    r#"{}"#,
    r#"not json"#,
];

#[test]
fn flat_records_read_as_serde_json_reads_them() {
    let options = ReadOptions {
        date: DocDate::parse("2020"),
        ..ReadOptions::default()
    };
    let mut fast = 0;
    for line in FLAT_LINES {
        let slow = jsonl_record(line, "f.jsonl", 3, &options);
        // `None` leaves the line to the slow path, which gives the
        // document or the reason.
        if let Some(doc) = flat_record(line, "f.jsonl", 3, &options) {
            fast += 1;
            assert_eq!(Ok(doc), slow, "{line}");
        }
    }
    // The common shapes take the fast path.
    assert!(fast >= 6, "{fast}");
    for line in &FLAT_LINES[..6] {
        assert!(flat_record(line, "f", 1, &options).is_some(), "{line}");
    }
    // Bad records are never read by the fast path.
    for line in &FLAT_LINES[13..] {
        assert!(flat_record(line, "f", 1, &options).is_none(), "{line}");
    }
}

#[test]
fn flat_records_unescape_long_strings_whole() {
    // A long string with escapes throughout unescapes whole.
    let body = "Paragraph \\\"one\\\".\\n".repeat(40);
    let line = format!("{{\"text\": \"{body}\"}}");
    let doc = flat_record(&line, "f", 1, &ReadOptions::default()).expect("flat");
    assert_eq!(doc.text, "Paragraph \"one\".\n".repeat(40));
}

#[test]
fn jsonl_fast_and_slow_paths_give_the_same_items_and_rejects() {
    // The same lines read from a buffer that holds many lines (read in
    // place) and from one smaller than a line (copied line by line).
    let mut data = String::from("\u{feff}");
    for line in FLAT_LINES {
        data.push_str(line);
        data.push('\n');
    }
    data.push_str("\n   \n{\"text\": \"last, no newline\"}");
    let dir = TempDir::new().expect("temp dir");
    let path = write(dir.path(), "mixed.jsonl", data.as_bytes());
    let items = read(std::slice::from_ref(&path));
    let expected: Vec<Item> = FLAT_LINES
        .iter()
        .chain(["{\"text\": \"last, no newline\"}"].iter())
        .enumerate()
        .map(|(i, line)| {
            let line_no = if i < FLAT_LINES.len() { i + 1 } else { i + 3 };
            jsonl_record(line, "mixed.jsonl", line_no, &ReadOptions::default())
                .map(|mut d| {
                    if d.id.starts_with("mixed.jsonl:") {
                        d.id = format!("{}:{line_no}", path.display());
                    }
                    d
                })
                .map_err(|reason| Reject {
                    input: path.display().to_string(),
                    location: format!("line {line_no}"),
                    reason,
                })
        })
        .collect();
    assert_eq!(items, expected);
    let rejects = items.iter().filter(|i| i.is_err()).count();
    assert!(rejects >= 10, "{rejects}");
}

/// A reader that gives `data` in pieces of `step` bytes, then fails (or
/// panics) instead of ending.
struct Failing {
    data: Vec<u8>,
    pos: usize,
    step: usize,
    panic: bool,
}

impl Read for Failing {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.data.len() {
            if self.panic {
                panic!("decoder bug");
            }
            return Err(io::Error::new(io::ErrorKind::InvalidData, "bad block"));
        }
        let n = buf.len().min(self.step).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[test]
fn decode_ahead_passes_every_byte_in_order_then_the_error() {
    // Several chunks' worth, in odd pieces.
    let data: Vec<u8> = (0..AHEAD_CHUNK * 3 + 12_345)
        .map(|i| (i % 251) as u8)
        .collect();
    for panic in [false, true] {
        let mut r = decode_ahead(Failing {
            data: data.clone(),
            pos: 0,
            step: 7_777,
            panic,
        });
        let mut got = Vec::new();
        let mut buf = vec![0u8; 10_000];
        let err = loop {
            match r.read(&mut buf) {
                Ok(0) => panic!("the error must not pass for the end of the data"),
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => break e,
            }
        };
        if panic {
            // What the thread had read into its last chunk is lost with it.
            assert!(got[..] == data[..got.len()] && got.len() >= data.len() - AHEAD_CHUNK);
        } else {
            assert!(got == data, "{} bytes of {}", got.len(), data.len());
        }
        if panic {
            assert!(
                err.to_string().contains("decompressing thread failed"),
                "{err}"
            );
        } else {
            assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        }
        assert_eq!(r.read(&mut buf).unwrap(), 0, "after the error, the end");
    }
    // A reader dropped early lets the thread go: it drops what it read
    // from, and with it the sender of a channel nothing is sent on.
    struct Endless(#[allow(dead_code)] std::sync::mpsc::Sender<()>);
    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            buf.fill(b'x');
            Ok(buf.len())
        }
    }
    let (tx, gone) = std::sync::mpsc::channel::<()>();
    let mut r = decode_ahead(Endless(tx));
    let mut buf = [0u8; 100];
    r.read_exact(&mut buf).unwrap();
    drop(r);
    assert_eq!(
        gone.recv_timeout(std::time::Duration::from_secs(30)),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected)
    );
}

#[test]
fn items_carry_the_number_of_their_entry_and_retain_skips_whole_entries() {
    let dir = tmp();
    let root = dir.path().join("news");
    write(&root, "2024/01-02.txt", b"Seoul praised Tokyo.");
    write(
        &root,
        "2024/01-03.jsonl",
        b"{\"id\": \"j1\", \"text\": \"Talks.\"}\nnot json\n",
    );
    write(&root, "2024/notes.md", b"skipped: unknown format");
    std::os::unix::fs::symlink(root.join("gone.txt"), root.join("2024/01-04.txt"))
        .expect("symlink");
    write(&root, "2025/01-01.txt", b"Beijing protested.");
    let open = || Corpus::open(std::slice::from_ref(&root), ReadOptions::default()).expect("open");
    let entries: Vec<CorpusEntry> = open().entries().collect();
    let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "2024/01-02.txt",
            "2024/01-03.jsonl",
            "2024/01-04.txt",
            "2025/01-01.txt"
        ]
    );
    assert_eq!(
        entries.iter().map(|e| e.file).collect::<Vec<_>>(),
        [true, true, false, true]
    );
    // Every item names its entry: by id for the .txt documents, by input
    // for the rejects.
    let corpus = open();
    let log = corpus.read_log();
    let numbered: Vec<(u64, Item)> = corpus.numbered().collect();
    let numbers: Vec<u64> = numbered.iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, [0, 1, 1, 2, 3]);
    for (n, item) in &numbered {
        let e = &entries[*n as usize];
        match item {
            Ok(d) if d.id != "j1" => assert_eq!(d.id, e.key),
            Ok(_) => assert_eq!(e.key, "2024/01-03.jsonl"),
            Err(r) => assert_eq!(r.input, e.path),
        }
    }
    {
        let log = log.lock().expect("log");
        assert_eq!((log.files, log.skipped), (3, 1));
        assert!(log.first_skipped[0].ends_with("2024/notes.md"));
    }
    // Keeping 2025 only: the numbers still count every entry.
    let mut corpus = open();
    corpus.retain(|e| e.key.starts_with("2025/"));
    assert_eq!((corpus.file_count(), corpus.total_bytes()), (1, 18));
    let numbered: Vec<(u64, Item)> = corpus.numbered().collect();
    assert_eq!(numbered.len(), 1);
    assert_eq!(numbered[0].0, 3);
}

/// Day-first and month-first dates in CSV and JSONL records: rejected as
/// ambiguous without an order, read in the order given, and unreadable
/// when the order makes no date of them. Feed and timestamp forms need no
/// order.
#[test]
fn records_dated_day_or_month_first_follow_date_order() {
    let dir = tmp();
    let csv = write(
        dir.path(),
        "d.csv",
        b"id,date,text\na,08/01/2021,One.\nb,31/12/2021,Two.\nc,\"Fri, 08 Jan 2021 10:15:00 GMT\",Three.\nd,31/31/2021,Four.\n",
    );
    let jsonl = write(
        dir.path(),
        "d.jsonl",
        concat!(
            "{\"id\":\"e\",\"date\":\"8.1.2021 10:15\",\"text\":\"Five.\"}\n",
            "{\"id\":\"f\",\"date\":20210108101500,\"text\":\"Six.\"}\n",
            "{\"id\":\"g\",\"date\":\"2021/01/08\",\"text\":\"Seven.\"}\n",
        )
        .as_bytes(),
    );
    let inputs = [csv, jsonl];
    let dated = |items: &[Item]| -> Vec<(String, String)> {
        docs(items)
            .iter()
            .map(|d| {
                (
                    d.id.clone(),
                    d.date.map(|x| x.to_string()).unwrap_or_default(),
                )
            })
            .collect()
    };
    let reasons = |items: &[Item]| -> Vec<String> {
        rejects(items).iter().map(|r| r.reason.clone()).collect()
    };

    let none = read(&inputs);
    assert_eq!(
        dated(&none),
        pairs(&[
            ("c", "2021-01-08"),
            ("f", "2021-01-08"),
            ("g", "2021-01-08")
        ])
    );
    let ambiguous = |v: &str| {
        format!("ambiguous date '{v}' (day or month first? give --date-order dmy or mdy)")
    };
    assert_eq!(
        reasons(&none),
        [
            ambiguous("08/01/2021"),
            ambiguous("31/12/2021"),
            "unreadable date '31/31/2021'".to_string(),
            ambiguous("8.1.2021 10:15"),
        ]
    );

    let with = |order| {
        read_with(
            &inputs,
            ReadOptions {
                date_order: Some(order),
                ..ReadOptions::default()
            },
        )
    };
    let dmy = with(DateOrder::Dmy);
    assert_eq!(
        dated(&dmy),
        pairs(&[
            ("a", "2021-01-08"),
            ("b", "2021-12-31"),
            ("c", "2021-01-08"),
            ("e", "2021-01-08"),
            ("f", "2021-01-08"),
            ("g", "2021-01-08"),
        ])
    );
    assert_eq!(
        reasons(&dmy),
        [
            "unreadable date '31/31/2021' (not a date when read as day/month/year, from --date-order dmy)"
        ]
    );
    let mdy = with(DateOrder::Mdy);
    assert_eq!(
        dated(&mdy),
        pairs(&[
            ("a", "2021-08-01"),
            ("c", "2021-01-08"),
            ("e", "2021-08-01"),
            ("f", "2021-01-08"),
            ("g", "2021-01-08"),
        ])
    );
    assert_eq!(
        reasons(&mdy),
        [
            "unreadable date '31/12/2021' (not a date when read as month/day/year, from --date-order mdy)",
            "unreadable date '31/31/2021' (not a date when read as month/day/year, from --date-order mdy)",
        ]
    );
}

/// A `.json` file written as one array of records (pandas, and Scrapy
/// with a record per line), as pretty-printed records one after another,
/// or broken: each record is read or rejected alone, with its number and
/// line, and a break in the array itself is one reject for the rest.
#[test]
fn json_arrays_and_pretty_printed_records_are_read() {
    let dir = tmp();
    let read_one = |name: &str, bytes: &str| {
        let file = write(dir.path(), name, bytes.as_bytes());
        let items = read(&[file]);
        let got = id_texts(&items);
        let bad: Vec<(String, String)> = rejects(&items)
            .iter()
            .map(|r| (r.location.clone(), r.reason.clone()))
            .collect();
        (got, bad)
    };

    // pandas: one line, no newline at the end, a byte-order mark.
    let (got, bad) = read_one(
        "pandas.json",
        "\u{feff}[{\"id\":\"a\",\"text\":\"One.\"},{\"id\":2,\"text\":\"Two [sic].\"}]",
    );
    assert_eq!(got, pairs(&[("a", "One."), ("2", "Two [sic].")]));
    assert!(bad.is_empty(), "{bad:?}");

    // Scrapy: a record per line, ids by record number; a number and a bad
    // date among them are rejected alone.
    let (got, bad) = read_one(
        "items.json",
        "[\n{\"text\": \"He said \\\"no\\\" {twice}.\", \"tags\": [\"a\", {\"b\": \"]\"}]},\n\
         42,\n\
         {\"text\": \"Back\\\\slash.\", \"date\": \"someday\"},\n\
         {\"text\": \"Last.\"}\n]\n\n",
    );
    let name = dir.path().join("items.json").to_string_lossy().into_owned();
    assert_eq!(
        got,
        pairs(&[
            (&format!("{name}:1"), "He said \"no\" {twice}."),
            (&format!("{name}:4"), "Last."),
        ])
    );
    assert_eq!(
        bad,
        pairs(&[
            (
                "record 2 (line 3)",
                "not a JSON object but a number (each element must be one {...} record)"
            ),
            ("record 3 (line 4)", "unreadable date 'someday'"),
        ])
    );

    // Pretty-printed records, one after another.
    let (got, bad) = read_one(
        "pretty.json",
        "{\n  \"id\": \"p1\",\n  \"text\": \"First.\"\n}\n{\n  \"id\": \"p2\",\n  \"text\": \"Second.\"\n}\n",
    );
    assert_eq!(got, pairs(&[("p1", "First."), ("p2", "Second.")]));
    assert!(bad.is_empty(), "{bad:?}");

    // Stray closing brackets are rejected one by one, and reading goes on.
    let (got, bad) = read_one(
        "stray.json",
        "{\n  \"id\": \"p1\",\n  \"text\": \"First.\"\n}\n}\n]\n{\"id\": \"p2\", \"text\": \"Second.\"}\n",
    );
    assert_eq!(got, pairs(&[("p1", "First."), ("p2", "Second.")]));
    let at: Vec<&str> = bad.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(at, ["record 2 (line 5)", "record 3 (line 6)"], "{bad:?}");
    // A string among the records is rejected alone.
    let (got, bad) = read_one(
        "strings.json",
        "[\"a \\\"quoted\\\" [string]\", {\"id\":\"b\",\"text\":\"Two.\"}]",
    );
    assert_eq!(got, pairs(&[("b", "Two.")]));
    assert_eq!(
        bad,
        pairs(&[(
            "record 1 (line 1)",
            "not a JSON object but a string (each element must be one {...} record)"
        )])
    );
    let (got, bad) = read_one("stray2.json", "[{\"id\":\"a\",\"text\":\"One.\"}, }, 7]");
    assert_eq!(got, pairs(&[("a", "One.")]));
    assert_eq!(bad.len(), 2, "{bad:?}");

    // An empty array; a cut-off file; content after the array.
    assert_eq!(read_one("empty.json", " [ ]\n"), (vec![], vec![]));
    let (got, bad) = read_one(
        "cut.json",
        "[{\"id\":\"a\",\"text\":\"One.\"},\n{\"id\":\"b\",\"text\":\"Tw",
    );
    assert_eq!(got, pairs(&[("a", "One.")]));
    assert_eq!(
        bad,
        pairs(&[("record 2 (line 2)", "the file ends inside this record")])
    );
    let (got, bad) = read_one("open.json", "[{\"id\":\"a\",\"text\":\"One.\"},\n");
    assert_eq!(got, pairs(&[("a", "One.")]));
    assert_eq!(
        bad,
        pairs(&[(
            "line 2",
            "the JSON array is not closed: the file ends after record 1"
        )])
    );
    let (got, bad) = read_one(
        "junk.json",
        "[{\"id\":\"a\",\"text\":\"One.\"}]\n\nnot json\n",
    );
    assert_eq!(got, pairs(&[("a", "One.")]));
    assert_eq!(
        bad,
        pairs(&[(
            "line 3",
            "content after the closing ] of the JSON array: 'n'; the rest of the file is skipped"
        )])
    );

    // JSON Lines whose first line is broken stay JSON Lines.
    let (got, bad) = read_one(
        "lines.json",
        "{\"id\":\"a\",\"text\":\"On\n{\"id\":\"b\",\"text\":\"Two.\"}\n",
    );
    assert_eq!(got, pairs(&[("b", "Two.")]));
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].0, "line 1");
}

/// Records of an array read the same whatever the reader's buffer size, so
/// wherever a string, an escape or a nested value is cut between two reads;
/// a record over `--max-doc-bytes` is rejected alone.
#[test]
fn json_array_records_do_not_depend_on_buffer_boundaries() {
    let text = "[\n {\"id\": \"q\", \"text\": \"Quote \\\"x\\\" and \\\\ back \\\\\\\"y\\\\\\\" [a] {b}.\",\n  \"n\": [1, [2, {\"c\": \"}\"}]], \"ok\": true},\n 7 ,\n {\"id\": \"r\", \"text\": \"Second record, long enough to cross many buffers of a few bytes.\"},\n {\"id\": \"s\", \"text\": \"Third.\"}\n]\n";
    let read_with_capacity = |capacity: usize, max_doc_bytes: usize| {
        let mut source = JsonlSource::new(
            "t.json".into(),
            "t.json".into(),
            super::Compression::None,
            BufReader::with_capacity(
                capacity,
                Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
            ),
            Arc::new(InvalidUtf8::default()),
        );
        let options = ReadOptions {
            max_doc_bytes,
            ..ReadOptions::default()
        };
        let mut out = Vec::new();
        while let Some(item) = source.next(&options) {
            out.push(match item {
                Ok(d) => format!("{} {}", d.id, d.text),
                Err(r) => format!("{} | {}", r.location, r.reason),
            });
        }
        out
    };
    let whole = read_with_capacity(1 << 16, DEFAULT_MAX_DOC_BYTES);
    assert_eq!(
        whole,
        [
            "q Quote \"x\" and \\ back \\\"y\\\" [a] {b}.",
            "record 2 (line 4) | not a JSON object but a number (each element must be one {...} record)",
            "r Second record, long enough to cross many buffers of a few bytes.",
            "s Third.",
        ]
    );
    // Layout detection needs a whole first line in the buffer.
    for capacity in 2..=40 {
        assert_eq!(
            read_with_capacity(capacity, DEFAULT_MAX_DOC_BYTES),
            whole,
            "capacity {capacity}"
        );
    }
    let small = read_with_capacity(1 << 16, 60);
    assert_eq!(small.len(), 4, "{small:?}");
    assert!(
        small[0].starts_with("record 1 (line 2) | document is 106 bytes"),
        "{small:?}"
    );
    assert!(
        small[2].starts_with("record 3 (line 5) | document is 87 bytes"),
        "{small:?}"
    );
    assert_eq!(small[3], whole[3]);
}

/// A `.csv` file saved by a spreadsheet with semicolons (decimal-comma
/// locales) or tabs is read by its header's delimiter; a comma file whose
/// text holds semicolons stays a comma file; `.tsv` is always tabs.
#[test]
fn csv_delimiter_follows_the_header() {
    let dir = tmp();
    let read_one = |name: &str, bytes: &str| {
        let file = write(dir.path(), name, bytes.as_bytes());
        let items = read(&[file]);
        let got = id_texts(&items);
        let bad: Vec<String> = rejects(&items).iter().map(|r| r.reason.clone()).collect();
        (got, bad)
    };
    let (got, bad) = read_one(
        "excel-de.csv",
        "\u{feff}id;date;text\r\n1;2021-01-08;\"Seoul, and Tokyo; both spoke.\"\r\n2;2021-01-09;Plain; text\r\n",
    );
    assert_eq!(got, pairs(&[("1", "Seoul, and Tokyo; both spoke.")]));
    assert_eq!(bad, ["CSV: record has 4 fields, header has 3"]);
    let (got, bad) = read_one(
        "comma.csv",
        "id,text\n1,\"One; two; three.\"\n2,Four; five.\n",
    );
    assert_eq!(
        got,
        pairs(&[("1", "One; two; three."), ("2", "Four; five.")])
    );
    assert!(bad.is_empty(), "{bad:?}");
    let (got, _) = read_one("tabs.csv", "id\ttext\n1\tOne, two.\n");
    assert_eq!(got, pairs(&[("1", "One, two.")]));
    // A quoted column name holding semicolons does not count.
    let (got, _) = read_one("quoted.csv", "\"a;b;c\",id,text\n1,x,Y.\n");
    assert_eq!(got, pairs(&[("x", "Y.")]));
    // `.tsv` is tabs even where the header has more semicolons.
    let (got, _) = read_one("semi.tsv", "id\ttext;x;y;z\n1\tOne.\n");
    assert!(got.is_empty());
    let (got, _) = read_one("only.csv", "text\nOne; two.\n");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1, "One; two.");
    // Excel's first line `sep=X` names the delimiter, even against the
    // header's count, and is no header itself; lines keep their numbers.
    let file = write(
        dir.path(),
        "sep.csv",
        b"sep=;\r\nid;date;text\r\n1;2021-01-08;One, two, three.\r\n2;31/31/2021;Four.\r\n",
    );
    let items = read(std::slice::from_ref(&file));
    assert_eq!(id_texts(&items), pairs(&[("1", "One, two, three.")]));
    let r = rejects(&items);
    assert_eq!(r.len(), 1, "{items:?}");
    assert_eq!(r[0].location, "record 2 (line 4)");
    let (got, bad) = read_one("bom-pipe.csv", "\u{feff}SEP=|\nid|text\n1|A, b; c.\n");
    assert_eq!(
        (got, bad),
        (pairs(&[("1", "A, b; c.")]), Vec::<String>::new())
    );
    // A first field that only starts like it is a header.
    let (got, _) = read_one("not-sep.csv", "sep=x,id,text\n1,2,Three.\n");
    assert_eq!(got, pairs(&[("2", "Three.")]));
}

/// `--text-field title,text`: the fields joined as paragraphs, in the
/// order given; in JSON a missing, null or empty field is left out and a
/// record needs one of them; in CSV every column must exist.
#[test]
fn several_text_fields_are_joined_as_paragraphs() {
    let dir = tmp();
    let jsonl = write(
        dir.path(),
        "t.jsonl",
        concat!(
            "{\"id\":\"a\",\"title\":\"Seoul Protests\",\"text\":\"Seoul protested.\",\"lang\":\"en\"}\n",
            "{\"id\":\"b\",\"text\":\"No title here.\"}\n",
            "{\"id\":\"c\",\"title\":null,\"text\":\"Null title.\"}\n",
            "{\"id\":\"d\",\"title\":\"Only a title\"}\n",
            "{\"id\":\"e\",\"title\":\" \",\"text\":\"Blank title.\"}\n",
            "{\"id\":\"f\",\"body\":\"Neither.\"}\n",
            "{\"id\":\"g\",\"title\":7,\"text\":\"Numeric title.\"}\n",
        )
        .as_bytes(),
    );
    let csv = write(
        dir.path(),
        "t.csv",
        b"id,title,text\nh,Tokyo Replies,Tokyo replied.\ni,,Untitled.\n",
    );
    let options = ReadOptions {
        text_field: "title,text".into(),
        ..ReadOptions::default()
    };
    let items = read_with(&[jsonl.clone(), csv.clone()], options);
    let got: Vec<(&str, &str)> = docs(&items)
        .iter()
        .map(|d| (d.id.as_str(), d.text.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("a", "Seoul Protests\n\nSeoul protested."),
            ("b", "No title here."),
            ("c", "Null title."),
            ("d", "Only a title"),
            ("e", "Blank title."),
            ("h", "Tokyo Replies\n\nTokyo replied."),
            ("i", "Untitled."),
        ]
    );
    // The text fields are not kept as extra fields; the others are.
    assert_eq!(docs(&items)[0].fields.keys().collect::<Vec<_>>(), ["lang"]);
    assert_eq!(docs(&items)[5].fields.len(), 0);
    let reasons: Vec<&str> = rejects(&items).iter().map(|r| r.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "none of the text fields 'title', 'text' (use --text-field to name them; its string fields: body)",
            "text field 'title' is a number, not a string or a list of strings (use --text-field to name another)",
        ]
    );
    // A CSV file without one of the columns is one reject.
    let options = ReadOptions {
        text_field: "headline,text".into(),
        ..ReadOptions::default()
    };
    let r = one_reject(&read_with(&[csv], options)).clone();
    assert_eq!(
        r.reason,
        "no column 'headline' in header (columns: id, title, text); use --text-field"
    );
}

/// The documents (or reject reasons) read from `bytes` as JSON, by a
/// reader whose buffer holds `capacity` bytes.
fn json_items(bytes: &[u8], capacity: usize) -> Vec<String> {
    let mut source = JsonlSource::new(
        "p.json".into(),
        "p.json".into(),
        super::Compression::None,
        BufReader::with_capacity(capacity, Box::new(std::io::Cursor::new(bytes.to_vec()))),
        Arc::new(InvalidUtf8::default()),
    );
    let options = ReadOptions::default();
    let mut out = Vec::new();
    while let Some(item) = source.next(&options) {
        out.push(match item {
            Ok(d) => format!("{} {:?} {:?}", d.id, d.text, d.fields),
            Err(r) => r.reason,
        });
    }
    out
}

proptest::proptest! {
    /// Records written as JSON Lines, as one JSON array (on one line or
    /// one record per line) and pretty-printed read the same, whatever
    /// their strings hold (quotes, backslashes, brackets, braces, commas,
    /// escapes, non-ASCII) and wherever the reader's buffer cuts them.
    #[test]
    fn json_layouts_read_the_same_records(
        records in proptest::collection::vec(
            (
                proptest::collection::vec(
                    proptest::sample::select(vec![
                        "a", "Seoul", " ", "\"", "\\", "[", "]", "{", "}", ",", ":", "\n",
                        "\u{e9}", "\u{201c}", "\t", "\\u0041", "/",
                    ]),
                    0..12,
                ),
                proptest::bool::ANY,
            ),
            1..6,
        ),
        capacity in 1usize..40,
    ) {
        let values: Vec<serde_json::Value> = records
            .iter()
            .enumerate()
            .map(|(i, (pieces, extra))| {
                let mut v = serde_json::json!({"id": format!("r{i}"), "text": pieces.concat()});
                if *extra {
                    v["tags"] = serde_json::json!([pieces.concat(), {"k": "]}"}]);
                    v["note"] = serde_json::json!(pieces.concat());
                }
                v
            })
            .collect();
        let lines: String = values.iter().map(|v| format!("{v}\n")).collect();
        let expected = json_items(lines.as_bytes(), 1 << 16);
        proptest::prop_assert_eq!(expected.len(), records.len());
        let one_line = serde_json::to_string(&values).expect("json");
        let per_line = format!(
            "[\n{}\n]\n",
            values.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(",\n")
        );
        let pretty: String = values
            .iter()
            .map(|v| serde_json::to_string_pretty(v).expect("json") + "\n")
            .collect();
        // Pretty-printed records are told by their first line, which the
        // buffer must hold: two bytes, "{\n".
        for (layout, least) in [(one_line, 1), (per_line, 1), (pretty, 2)] {
            proptest::prop_assert_eq!(&json_items(layout.as_bytes(), 1 << 16), &expected);
            proptest::prop_assert_eq!(
                &json_items(layout.as_bytes(), capacity.max(least)),
                &expected
            );
        }
    }
}

/// `--records-field`: the records are the elements of an array inside
/// each top-level value (an API's page of results), pretty-printed or one
/// page per line; elements and pages that are not records are rejected
/// alone.
#[test]
fn records_inside_a_field_are_read_one_by_one() {
    let dir = tmp();
    let pretty = write(
        dir.path(),
        "page.json",
        b"{\n  \"status\": \"ok\",\n  \"articles\": [\n    {\"url\": \"u1\", \"text\": \"One.\"},\n    {\"text\": \"Two.\", \"date\": \"2021-01-09T10:00:00Z\"},\n    \"not a record\",\n    {\"url\": \"u4\", \"text\": \"Four.\", \"date\": \"someday\"}\n  ]\n}\n",
    );
    let lines = write(
        dir.path(),
        "pages.jsonl",
        concat!(
            "{\"data\": {\"items\": [{\"text\": \"Five.\"}]}}\n",
            "{\"data\": {\"items\": []}}\n",
            "{\"data\": {\"items\": {\"text\": \"Six.\"}}}\n",
            "{\"data\": [1]}\n",
            "{\"other\": 1}\n",
            "[]\n",
            "{\"data\": {\"items\": [{\"text\": \"Seven.\"}, {\"text\": \"Eight.\"}]}}\n",
        )
        .as_bytes(),
    );
    let with = |path: &str| ReadOptions {
        records_field: Some(path.into()),
        id_field: "url".into(),
        ..ReadOptions::default()
    };
    let items = read_with(std::slice::from_ref(&pretty), with("articles"));
    let name = pretty.to_string_lossy().into_owned();
    assert_eq!(
        id_texts(&items),
        pairs(&[("u1", "One."), (&format!("{name}:1.2"), "Two.")])
    );
    assert_eq!(docs(&items)[1].date, date("2021-01-09"));
    let bad: Vec<(&str, &str)> = rejects(&items)
        .iter()
        .map(|r| (r.location.as_str(), r.reason.as_str()))
        .collect();
    assert_eq!(
        bad,
        [
            (
                "record 1 (line 1), element 3",
                "not a JSON object but a string (each element must be one {...} record)"
            ),
            ("record 1 (line 1), element 4", "unreadable date 'someday'"),
        ]
    );

    let items = read_with(std::slice::from_ref(&lines), with("data.items"));
    let name = lines.to_string_lossy().into_owned();
    assert_eq!(
        id_texts(&items),
        pairs(&[
            (&format!("{name}:1.1"), "Five."),
            (&format!("{name}:7.1"), "Seven."),
            (&format!("{name}:7.2"), "Eight."),
        ])
    );
    let bad: Vec<(&str, &str)> = rejects(&items)
        .iter()
        .map(|r| (r.location.as_str(), r.reason.as_str()))
        .collect();
    assert_eq!(
        bad,
        [
            (
                "line 3",
                "'data.items' is an object, not an array of records"
            ),
            (
                "line 4",
                "not a JSON object but an array where --records-field data.items looks for 'items'"
            ),
            (
                "line 5",
                "no field 'data' (--records-field data.items names the array of records)"
            ),
            (
                "line 6",
                "not a JSON object but an array where --records-field data.items looks for 'data'"
            ),
        ]
    );
}

proptest::proptest! {
    /// The JSON reader on arbitrary pieces of JSON syntax, in any layout
    /// the first bytes choose, with any buffer size: it ends, without a
    /// panic, with at most one item per byte (each record, reject or
    /// break consumes input), and with `--records-field` too.
    #[test]
    fn json_reader_ends_on_any_bytes(
        pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "[", "]", "{", "}", "\"", "\\", ",", ":", "\n", " ", "a", "1", "\"text\"",
                "\"x\"", "null", "\u{e9}", "\u{feff}", "\r\n", "{\n", "BAD",
            ]),
            0..40,
        ),
        capacity in 1usize..24,
        records in proptest::bool::ANY,
    ) {
        let bytes: Vec<u8> = pieces
            .iter()
            .flat_map(|p| if *p == "BAD" { vec![0xff] } else { p.as_bytes().to_vec() })
            .collect();
        let options = ReadOptions {
            records_field: records.then(|| "a".to_string()),
            ..ReadOptions::default()
        };
        let mut source = JsonlSource::new(
            "f.json".into(),
            "f.json".into(),
            super::Compression::None,
            BufReader::with_capacity(capacity, Box::new(std::io::Cursor::new(bytes.clone()))),
            Arc::new(InvalidUtf8::default()),
        );
        let mut n = 0usize;
        while source.next(&options).is_some() {
            n += 1;
            proptest::prop_assert!(n <= bytes.len() + 1, "{n} items from {} bytes", bytes.len());
        }
    }
}
