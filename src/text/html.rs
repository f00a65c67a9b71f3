//! Markup left in scraped text: HTML tags and character references.
//!
//! Text taken from a feed's `content:encoded`, a site's API or a page's
//! inner HTML still carries its markup: `<p>Seoul condemned
//! Pyongyang.</p><p>Tokyo …`, `Pyongyang&#8217;s`, `&quot;thug&quot;`.
//! Left in, the tags run paragraphs together, keep a boilerplate line
//! (`<div class="ad">Advertisement</div>`) from being a line of its own for
//! the [cleaner](crate::text::clean()), and end up in `sentences.csv`; the
//! references hide the quotation marks that the quoted-insult rule looks
//! for. [`strip_markup`] turns such text into plain text before cleaning.
//!
//! Tags are removed only from text that is HTML: one that has the closing
//! tag of a tag it knows (`</p>`, `</a>`), a line break tag (`<br>`,
//! `<br/>`) or a comment. Plain text with a `<` in it ("fewer than 5 <10 mm shells", or
//! the `<a ` of a scanned speech) is left alone, and in HTML a `<` that
//! does not open a tag closed within [`MAX_TAG_BYTES`] stays text. Character
//! references are decoded in any text (by the `html-escape` crate, which
//! knows every named reference of HTML5): `&amp;` in a news story is always
//! markup that leaked.

use std::borrow::Cow;

/// Tags that start or end a block of text, lower case: each becomes a line
/// break, so that paragraphs, list items and headings are lines of their
/// own, as the sentence splitter and the cleaner expect.
const BLOCK_TAGS: &[&str] = &[
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "caption",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
];

/// Tags inside a line of text, lower case: they go, and leave nothing.
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "center", "cite", "em", "font", "head", "html", "i", "iframe", "img",
    "noscript", "picture", "q", "s", "script", "small", "source", "span", "strong", "style", "sub",
    "sup", "time", "u", "video",
];

/// The entry of [`BLOCK_TAGS`] or [`INLINE_TAGS`] that `name` is, in any
/// case: the tags whose presence marks a text as HTML.
fn known_tag(name: &[u8]) -> Option<&'static str> {
    BLOCK_TAGS
        .iter()
        .chain(INLINE_TAGS)
        .find(|t| t.as_bytes().eq_ignore_ascii_case(name))
        .copied()
}

/// The longest tag removed, attributes and all: a `<` with no `>` within
/// this many bytes (or another `<` first) is text.
pub const MAX_TAG_BYTES: usize = 2048;

/// Tags whose content is not text to read: it goes with them.
const HIDDEN_TAGS: &[&str] = &["head", "iframe", "noscript", "script", "style", "video"];

/// The text without its HTML markup, or `None` when it has none (no tag it
/// knows, no comment, no character reference to decode).
///
/// Block tags (`<p>`, `<br>`, `<div>`, `<li>`, headings …) become line
/// breaks, other tags (`<a>`, `<em>`, `<span>` …) disappear, comments and
/// the content of `<script>`, `<style>` and the like go, and character
/// references are decoded (`&#8217;` → `’`, `&quot;` → `"`, `&nbsp;` → a
/// no-break space).
///
/// ```
/// use stancemeter::text::strip_markup;
///
/// let html = "<p>Seoul condemned Pyongyang&#8217;s launch.</p><p>Biden called Kim a &quot;thug&quot;.</p>";
/// assert_eq!(
///     strip_markup(html).as_deref(),
///     Some("\nSeoul condemned Pyongyang’s launch.\n\nBiden called Kim a \"thug\".\n")
/// );
/// assert_eq!(strip_markup("Fewer than 5 <10 mm shells fell & none hit."), None);
/// ```
pub fn strip_markup(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    // Most texts have neither: one pass tells.
    let first = memchr::memchr2(b'<', b'&', bytes)?;
    let rest = &bytes[first..];
    let has_tags = memchr::memchr_iter(b'<', rest).any(|i| marks_html(bytes, first + i));
    let has_refs = memchr::memchr(b'&', rest).is_some();
    if !has_tags && !has_refs {
        return None;
    }
    let plain: Cow<str> = if has_tags {
        Cow::Owned(strip_tags(text))
    } else {
        Cow::Borrowed(text)
    };
    match html_escape::decode_html_entities(&plain) {
        Cow::Owned(decoded) => Some(decoded),
        Cow::Borrowed(_) if has_tags => Some(plain.into_owned()),
        Cow::Borrowed(_) => None,
    }
}

/// What starts at a `<`: a comment, or a tag of [`known_tag`].
#[derive(Debug, PartialEq, Eq)]
enum Markup {
    Comment,
    /// A tag: its name (lower case, from [`known_tag`]) and whether it closes.
    Tag(&'static str, bool),
}

/// The markup starting at `bytes[at]` (a `<`), if any.
fn tag_at(bytes: &[u8], at: usize) -> Option<Markup> {
    let rest = &bytes[at + 1..];
    if rest.starts_with(b"!--") {
        return Some(Markup::Comment);
    }
    let (closing, rest) = match rest.strip_prefix(b"/") {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let len = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    // The name must end the tag or be followed by its attributes.
    if len == 0
        || !matches!(
            rest.get(len),
            Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r')
        )
    {
        return None;
    }
    known_tag(&rest[..len]).map(|t| Markup::Tag(t, closing))
}

/// Whether the `<` at `at` shows the text is HTML: a comment, a closing
/// tag of [`known_tag`] or an opening block tag with nothing after its name
/// (`</a>`, `<p>`), or a line break (`<br>`, `<br/>`, `<br />`).
fn marks_html(bytes: &[u8], at: usize) -> bool {
    let rest = &bytes[at + 1..];
    match tag_at(bytes, at) {
        Some(Markup::Comment) => true,
        Some(Markup::Tag(name, true)) => rest.get(name.len() + 1) == Some(&b'>'),
        Some(Markup::Tag(name, false)) if BLOCK_TAGS.contains(&name) && name != "br" => {
            rest.get(name.len()) == Some(&b'>')
        }
        Some(Markup::Tag("br", false)) => {
            let after = &rest[2..];
            after.starts_with(b">") || after.starts_with(b"/>") || after.starts_with(b" />")
        }
        _ => false,
    }
}

/// The end (one past the `>`) of the tag starting at `at`, quoted
/// attribute values skipped; `None` if no `>` ends it within
/// [`MAX_TAG_BYTES`], or a `<` outside quotes comes first.
fn tag_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut quote = None;
    let end = bytes.len().min(at + MAX_TAG_BYTES);
    for (i, &b) in bytes[..end].iter().enumerate().skip(at + 1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return Some(i + 1),
            (None, b'<') => return None,
            _ => {}
        }
    }
    None
}

/// `text` with its tags and comments removed (see [`strip_markup`]).
fn strip_tags(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // Bytes of `text` from `copied` on are still to be written.
    let mut copied = 0;
    let mut i = 0;
    while let Some(found) = memchr::memchr(b'<', &bytes[i..]) {
        let at = i + found;
        let Some(markup) = tag_at(bytes, at) else {
            i = at + 1;
            continue;
        };
        out.push_str(&text[copied..at]);
        let end = match markup {
            Markup::Comment => find(bytes, at + 4, b"-->").map_or(bytes.len(), |e| e + 3),
            Markup::Tag(name, closing) => {
                let Some(end) = tag_end(bytes, at) else {
                    // Never closed: not a tag after all.
                    out.push('<');
                    copied = at + 1;
                    i = at + 1;
                    continue;
                };
                if BLOCK_TAGS.contains(&name) {
                    out.push('\n');
                }
                if !closing && HIDDEN_TAGS.contains(&name) && !bytes[..end].ends_with(b"/>") {
                    hidden_end(bytes, end, name)
                } else {
                    end
                }
            }
        };
        copied = end;
        i = end;
    }
    out.push_str(&text[copied..]);
    out
}

/// Where the content of hidden tag `name`, opened before `from`, ends:
/// one past the `>` of its closing tag, or the end of the text.
fn hidden_end(bytes: &[u8], from: usize, name: &'static str) -> usize {
    let mut i = from;
    while let Some(found) = memchr::memchr(b'<', &bytes[i..]) {
        let at = i + found;
        if tag_at(bytes, at) == Some(Markup::Tag(name, true)) {
            return tag_end(bytes, at).unwrap_or(bytes.len());
        }
        i = at + 1;
    }
    bytes.len()
}

/// The first place of `needle` in `bytes` at or after `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(&bytes[from.min(bytes.len())..], needle).map(|i| from + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_line_breaks_or_nothing() {
        let html = "<div class=\"story\"><h1>Seoul Protests</h1>\n<p>Seoul <em>strongly</em> \
                    condemned <a href=\"/x?a=1&amp;b=2\" title=\"a > b\">Pyongyang</a>.<br/>Tokyo \
                    agreed.</p><div class='ad'>Advertisement</div></div>";
        assert_eq!(
            strip_markup(html).as_deref(),
            Some(
                "\n\nSeoul Protests\n\n\nSeoul strongly condemned Pyongyang.\nTokyo agreed.\n\nAdvertisement\n\n"
            )
        );
    }

    #[test]
    fn scripts_styles_and_comments_go_with_their_content() {
        let html = "<p>One.</p><script type=\"text/javascript\">var a = \"<p>no</p>\";</script>\
                    <style>p { color: red }</style><!-- <p>hidden</p> --><P>Two.</P>";
        assert_eq!(strip_markup(html).as_deref(), Some("\nOne.\n\nTwo.\n"));
        // A hidden tag never closed hides the rest; an unclosed comment too.
        assert_eq!(
            strip_markup("<p>One.</p><script>x").as_deref(),
            Some("\nOne.\n")
        );
        assert_eq!(strip_markup("One.<!-- two").as_deref(), Some("One."));
    }

    #[test]
    fn references_are_decoded_with_or_without_tags() {
        assert_eq!(
            strip_markup(
                "Pyongyang&#8217;s &quot;thug&quot; remark &amp; Seoul&#x2019;s reply&nbsp;."
            )
            .as_deref(),
            Some("Pyongyang’s \"thug\" remark & Seoul’s reply\u{a0}.")
        );
        // Escaped markup stays text: references are decoded after tags go.
        assert_eq!(
            strip_markup("<p>Use &lt;p&gt; tags.</p>").as_deref(),
            Some("\nUse <p> tags.\n")
        );
    }

    #[test]
    fn plain_text_is_left_alone() {
        for plain in [
            "Seoul condemned Pyongyang.",
            "Fewer than 5 <10 mm shells fell.",
            "AT&T and R&D spending rose < 2%.",
            "The <unknown> tag and a lone < at the end <",
            "x <p",
            "<pyongyang> is not a tag, nor is <b2b",
            "A scanned speech: <a free and fair election> was held <p 12>.",
            "Tags that open but never close: <p class=x>One.<b>Two.",
        ] {
            assert_eq!(strip_markup(plain), None, "{plain:?}");
        }
        // In HTML, a known tag never closed is kept as text, the rest
        // stripped; so is one whose `>` is too far or after another `<`.
        assert_eq!(
            strip_markup("<b>Bold</b> and <p unclosed").as_deref(),
            Some("Bold and <p unclosed")
        );
        assert_eq!(
            strip_markup("<i>x</i><a then <b>y</b>").as_deref(),
            Some("x<a then y")
        );
        assert_eq!(
            strip_markup("<p>One.<p>Two.").as_deref(),
            Some("\nOne.\nTwo.")
        );
        let far = format!("<br>A <a {}> B", "x".repeat(MAX_TAG_BYTES));
        assert_eq!(
            strip_markup(&far),
            Some(format!("\nA <a {}> B", "x".repeat(MAX_TAG_BYTES)))
        );
    }

    proptest::proptest! {
        /// Any text: no panic, and stripping twice changes nothing more
        /// than decoding references that the first pass made (`&amp;lt;`).
        #[test]
        fn strips_any_text(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "<", ">", "/", "p", "br", "a", "script", "style", "!--", "-->", "\"", "'",
                    " ", "\n", "&", "amp;", "#8217;", "quot;", "x", "\u{e9}", "=",
                ]),
                0..40,
            ),
        ) {
            let text = pieces.concat();
            if let Some(plain) = strip_markup(&text) {
                proptest::prop_assert!(plain.len() <= text.len() * 4 + 4);
            }
        }
    }
}
