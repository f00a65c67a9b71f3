//! `stance.xlsx`: every table of a run in one workbook, with native charts.
//!
//! Sheets `actors`, `dyads`, `wide`, `dyads_wide`, `sentences` (when a
//! `sentences.csv` is given to read back) and `chart`: each table has a
//! frozen header, an autofilter, column widths fitted to its content and
//! number formats (`0.0000` for tone and stance, integers for counts). The
//! `chart` sheet holds two native line charts drawn from the `wide` and
//! `dyads_wide` sheets: the metric over time for the top actors (or the
//! chosen ones) and for the top dyads. Text is written as text, never as a
//! formula, so cells need no neutralising here.
//!
//! Excel stops at 1,048,576 rows: a longer `sentences.csv` is cut, and a
//! note at the top of the sheet says so (the CSV keeps every row).
//!
//! The workbook's "created" date is fixed at 1980-01-01, the date its zip
//! entries carry: with the time of the run there, the same input gave a
//! different file each second, where every other table of a run is the
//! same bytes (`run.json` says when and how a run was made).

use std::path::Path;

use rust_xlsxwriter::{
    Chart, ChartEmptyCells, ChartLegendPosition, ChartLine, ChartMarker, ChartMarkerType, Color,
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use crate::aggregate::Aggregates;
use crate::error::{Error, Result};
use crate::lexicon::Lexicons;
use crate::output::wide::{WideMetric, WideOptions, WideTable, actor_table, dyad_table};
use crate::output::{ACTORS_HEADER, AtomicFile, DYADS_HEADER, SENTENCES_HEADER};

/// The workbook.
pub const XLSX_FILE: &str = "stance.xlsx";
/// Excel's row limit, header included.
pub const MAX_ROWS: usize = 1_048_576;
/// Excel's column limit.
pub const MAX_COLS: usize = 16_384;
/// Excel's limit on the characters of one cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Lines in a chart of the top actors or dyads, at most (a chosen list of
/// actors is drawn whole).
pub const CHART_LINES: usize = 6;
/// Widest column, in characters.
const MAX_WIDTH: usize = 60;

/// The cell formats of the workbook.
struct Formats {
    header: Format,
    header_num: Format,
    int: Format,
    fixed4: Format,
    title: Format,
    note: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDE6F0))
                .set_border_bottom(FormatBorder::Thin),
            header_num: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDE6F0))
                .set_border_bottom(FormatBorder::Thin)
                .set_align(FormatAlign::Right),
            int: Format::new().set_num_format("0"),
            fixed4: Format::new().set_num_format("0.0000"),
            title: Format::new().set_bold().set_font_size(14),
            note: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0xA61B1B)),
        }
    }
}

/// The kind of a column, for its format and width.
#[derive(Clone, Copy, PartialEq)]
enum Col {
    Text,
    Int,
    Fixed4,
}

fn xerr(path: &Path, e: XlsxError) -> Error {
    Error::Other(format!("{}: {e}", path.display()))
}

/// A text cell cut to Excel's limit of characters per cell.
fn fit(s: &str) -> &str {
    match s.char_indices().nth(MAX_CELL_CHARS - 1) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Column width (in characters) for content of `chars` characters.
fn width(chars: usize) -> f64 {
    (chars.clamp(6, MAX_WIDTH) + 2) as f64
}

/// Writes a header row (right-aligned over the first `text_cols` columns'
/// numbers), freezes it (and `freeze_cols` columns), sets the autofilter
/// over `rows` data rows (a note says so when `total` did not fit), the
/// column widths and the print layout (header
/// repeated on every page, landscape, one page wide when that stays
/// readable).
#[allow(clippy::too_many_arguments)]
fn finish_table(
    ws: &mut Worksheet,
    header: &[&str],
    text_cols: usize,
    widths: &[usize],
    rows: usize,
    total: usize,
    freeze_cols: u16,
    f: &Formats,
) -> std::result::Result<(), XlsxError> {
    for (c, h) in header.iter().enumerate() {
        let fmt = if c < text_cols {
            &f.header
        } else {
            &f.header_num
        };
        ws.write_string_with_format(0, c as u16, *h, fmt)?;
        ws.set_column_width(c as u16, width(widths[c].max(h.chars().count() + 2)))?;
    }
    ws.set_freeze_panes(1, freeze_cols)?;
    if !header.is_empty() {
        ws.autofilter(0, 0, rows as u32, (header.len() - 1) as u16)?;
    }
    if total > rows {
        let note = format!(
            "Only the first {rows} of {total} rows are here (Excel's limit is {MAX_ROWS} rows): \
             the CSV table has them all."
        );
        ws.write_string_with_format(0, header.len() as u16 + 1, note, &f.note)?;
    }
    ws.set_repeat_rows(0, 0)?;
    ws.set_landscape();
    if header.len() <= 16 {
        ws.set_print_fit_to_pages(1, 0);
    }
    Ok(())
}

/// One cell of a long table.
fn cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    kind: Col,
    text: &str,
    num: f64,
    f: &Formats,
) -> std::result::Result<(), XlsxError> {
    match kind {
        Col::Text => ws.write_string(row, col, fit(text)).map(|_| ()),
        Col::Int => ws
            .write_number_with_format(row, col, num, &f.int)
            .map(|_| ()),
        Col::Fixed4 => ws
            .write_number_with_format(row, col, num, &f.fixed4)
            .map(|_| ()),
    }
}

/// The `actors` sheet: `actors.csv` with numbers as numbers.
fn actors_sheet(wb: &mut Workbook, lex: &Lexicons, agg: &Aggregates, f: &Formats) -> XResult {
    let ws = wb.add_worksheet().set_name("actors")?;
    let id = |a: u32| lex.actors()[a as usize].id.as_str();
    let rows = agg.sorted_actors(&id);
    let kinds = [
        Col::Text,
        Col::Text,
        Col::Text,
        Col::Text,
        Col::Int,
        Col::Int,
        Col::Int,
        Col::Int,
        Col::Fixed4,
        Col::Fixed4,
    ];
    let mut widths = [0usize; 10];
    let n = rows.len().min(MAX_ROWS - 1);
    for (r, (period, a, role, t)) in rows.iter().take(n).enumerate() {
        let actor = &lex.actors()[*a as usize];
        let period = period.to_string();
        let texts = [period.as_str(), &actor.id, &actor.name, role.as_str()];
        let nums = [
            t.sentences as f64,
            t.conciliatory as f64,
            t.neutral as f64,
            t.hostile as f64,
            t.mean_tone(),
            t.net_stance(),
        ];
        let row = (r + 1) as u32;
        for (c, kind) in kinds.iter().enumerate() {
            let (text, num) = if c < 4 {
                (texts[c], 0.0)
            } else {
                ("", nums[c - 4])
            };
            cell(ws, row, c as u16, *kind, text, num, f)?;
            widths[c] = widths[c].max(if c < 4 { text.chars().count() } else { 7 });
        }
    }
    finish_table(ws, &ACTORS_HEADER, 4, &widths, n, rows.len(), 0, f)
}

/// The `dyads` sheet: `dyads.csv` with numbers as numbers.
fn dyads_sheet(wb: &mut Workbook, lex: &Lexicons, agg: &Aggregates, f: &Formats) -> XResult {
    let ws = wb.add_worksheet().set_name("dyads")?;
    let id = |a: u32| lex.actors()[a as usize].id.as_str();
    let rows = agg.sorted_dyads(&id);
    let mut widths = [0usize; 9];
    let n = rows.len().min(MAX_ROWS - 1);
    for (r, (period, s, t, v)) in rows.iter().take(n).enumerate() {
        let row = (r + 1) as u32;
        let period = period.to_string();
        let texts = [period.as_str(), id(*s), id(*t)];
        for (c, text) in texts.iter().enumerate() {
            ws.write_string(row, c as u16, *text)?;
            widths[c] = widths[c].max(text.chars().count());
        }
        let ints = [v.sentences, v.conciliatory, v.neutral, v.hostile];
        for (c, x) in ints.iter().enumerate() {
            ws.write_number_with_format(row, (c + 3) as u16, *x as f64, &f.int)?;
        }
        ws.write_number_with_format(row, 7, v.mean_tone(), &f.fixed4)?;
        ws.write_number_with_format(row, 8, v.net_stance(), &f.fixed4)?;
        widths[3..].iter_mut().for_each(|w| *w = 7);
    }
    finish_table(ws, &DYADS_HEADER, 3, &widths, n, rows.len(), 0, f)
}

/// A wide sheet (`wide`, `dyads_wide`).
fn wide_sheet(
    wb: &mut Workbook,
    name: &str,
    table: &WideTable,
    metric: WideMetric,
    f: &Formats,
) -> XResult {
    let ws = wb.add_worksheet().set_name(name)?;
    let cols = table.columns.len().min(MAX_COLS - 1);
    let header: Vec<&str> = std::iter::once("period")
        .chain(table.columns.iter().take(cols).map(String::as_str))
        .collect();
    let mut widths = vec![7usize; cols + 1];
    let n = table.periods.len().min(MAX_ROWS - 1);
    let fmt = if metric.is_signed() {
        &f.fixed4
    } else {
        &f.int
    };
    for (r, (period, row)) in table.periods.iter().zip(&table.cells).take(n).enumerate() {
        let r = (r + 1) as u32;
        ws.write_string(r, 0, period)?;
        widths[0] = widths[0].max(period.len());
        for (c, v) in row.iter().take(cols).enumerate() {
            if let Some(t) = v {
                ws.write_number_with_format(r, (c + 1) as u16, metric.value(t), fmt)?;
            }
        }
    }
    finish_table(ws, &header, 1, &widths, n, table.periods.len(), 1, f)
}

/// Undoes the `'` a formula-safe CSV put before `=`, `+`, `-`, `@`, tab or
/// carriage return: in a workbook text is never run as a formula.
fn unquote(s: &str) -> &str {
    match s.as_bytes() {
        [b'\'', b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r', ..] => &s[1..],
        _ => s,
    }
}

/// The `sentences` sheet, read back from `sentences.csv`, in constant
/// memory (a million rows never sit in memory). Rows past Excel's limit are
/// left out, and a note at the top of the sheet says how many.
fn sentences_sheet(wb: &mut Workbook, path: &Path, f: &Formats, max_rows: usize) -> Result<()> {
    let err = |e: csv::Error| Error::Other(format!("{}: {e}", path.display()));
    let reader = || {
        csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(path)
            .map_err(err)
    };
    // First pass: count, so that the note (row 1) can go before the rows.
    let mut total = 0u64;
    let mut rec = csv::ByteRecord::new();
    let mut rd = reader()?;
    while rd.read_byte_record(&mut rec).map_err(err)? {
        total += 1;
    }
    let shown = total.min((max_rows - 1) as u64);
    let mut rd = reader()?;
    let mut header: Vec<String> = rd
        .headers()
        .map_err(err)?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    if header.iter().all(String::is_empty) {
        header = SENTENCES_HEADER.iter().map(|h| h.to_string()).collect();
    }
    header.truncate(MAX_COLS - 2);
    let kinds: Vec<Col> = header
        .iter()
        .map(|h| match h.as_str() {
            "sentence_no" => Col::Int,
            "tone" => Col::Fixed4,
            _ => Col::Text,
        })
        .collect();
    let ws = wb
        .add_worksheet_with_constant_memory()
        .map_err(|e| xerr(path, e))?;
    let x = |e| xerr(path, e);
    ws.set_name("sentences").map_err(x)?;
    // In constant-memory mode widths, header and note come before the rows.
    for (c, h) in header.iter().enumerate() {
        let w = match h.as_str() {
            "text" => 80,
            "evidence" => MAX_WIDTH,
            "doc_id" => 30,
            "actors" | "targets" => 16,
            _ => 10,
        };
        ws.set_column_width(c as u16, width(w)).map_err(x)?;
        let fmt = if kinds[c] == Col::Text {
            &f.header
        } else {
            &f.header_num
        };
        ws.write_string_with_format(0, c as u16, h, fmt)
            .map_err(x)?;
    }
    if total > shown {
        let note = format!(
            "Only the first {shown} of {total} sentences are here (Excel's limit is {} rows): \
             sentences.csv has them all.",
            MAX_ROWS
        );
        ws.write_string_with_format(0, header.len() as u16 + 1, note, &f.note)
            .map_err(x)?;
    }
    ws.set_freeze_panes(1, 0).map_err(x)?;
    ws.set_repeat_rows(0, 0).map_err(x)?;
    ws.set_landscape();
    ws.autofilter(0, 0, shown as u32, header.len().saturating_sub(1) as u16)
        .map_err(x)?;
    let mut row = 0u32;
    for rec in rd.records().take(shown as usize) {
        let rec = rec.map_err(err)?;
        row += 1;
        for (c, v) in rec.iter().enumerate().take(header.len()) {
            let kind = kinds[c];
            let num = match kind {
                Col::Text => None,
                _ => v.parse::<f64>().ok(),
            };
            match num {
                Some(n) => cell(ws, row, c as u16, kind, "", n, f),
                None if v.is_empty() => Ok(()),
                None => ws.write_string(row, c as u16, fit(unquote(v))).map(|_| ()),
            }
            .map_err(x)?;
        }
    }
    Ok(())
}

type XResult = std::result::Result<(), XlsxError>;

/// One line chart of the first `n` series of a wide sheet.
fn line_chart(
    sheet: &str,
    table: &WideTable,
    n: usize,
    title: &str,
    metric: WideMetric,
) -> Option<Chart> {
    // Undated rows sort last; a time axis leaves them out.
    let dated = table.periods.iter().filter(|p| *p != "undated").count();
    let rows = if dated > 0 {
        dated
    } else {
        table.periods.len()
    };
    let n = n.min(table.columns.len()).min(MAX_COLS - 1);
    if rows == 0 || n == 0 {
        return None;
    }
    let last = rows.min(MAX_ROWS - 1) as u32;
    let mut chart = Chart::new_line();
    // Like `stance plot`: dots mark the periods with data, lines join them
    // across the periods without.
    chart.show_empty_cells_as(ChartEmptyCells::Connected);
    for c in 1..=n as u16 {
        chart
            .add_series()
            .set_name((sheet, 0, c))
            .set_categories((sheet, 1, 0, last, 0))
            .set_values((sheet, 1, c, last, c))
            .set_marker(
                ChartMarker::new()
                    .set_type(ChartMarkerType::Circle)
                    .set_size(5),
            );
    }
    chart.title().set_name(title);
    chart.x_axis().set_name("Period");
    // The category axis crosses at 0: drawn dark, it is the zero line;
    // its labels stay at the bottom.
    chart
        .x_axis()
        .set_label_position(rust_xlsxwriter::ChartAxisLabelPosition::Low)
        .set_format(
            ChartLine::new()
                .set_color(Color::RGB(0x222222))
                .set_width(1.5),
        );
    let y = chart.y_axis();
    if metric.is_signed() {
        y.set_name(&format!(
            "{} (−1 hostile … +1 conciliatory)",
            metric.label()
        ))
        .set_min(-1.0)
        .set_max(1.0)
        .set_major_unit(0.5)
        .set_num_format("0.0");
    } else {
        y.set_name("Sentences").set_min(0.0);
    }
    chart.legend().set_position(ChartLegendPosition::Right);
    chart.set_width(960).set_height(460);
    Some(chart)
}

/// The `chart` sheet: one chart for the actors, one for the dyads.
fn chart_sheet(
    wb: &mut Workbook,
    actors: &WideTable,
    dyads: &WideTable,
    opts: &WideOptions,
    f: &Formats,
) -> XResult {
    let ws = wb.add_worksheet().set_name("chart")?;
    let m = opts.metric;
    let role = if m == WideMetric::Sentences {
        "Sentences as source"
    } else {
        &format!("{} as source", m.label())
    };
    let n_actors = match opts.actors {
        Some(_) => actors.columns.len(),
        None => opts.top.min(CHART_LINES).min(actors.columns.len()),
    };
    let n_dyads = opts.top.min(CHART_LINES).min(dyads.columns.len());
    let actor_title = match opts.actors {
        Some(_) => format!("{role}: {}", actors.columns.join(", ")),
        None => format!("{role}: top {n_actors} actors by sentences"),
    };
    let dyad_title = format!("{} of the top {} dyads (source→target)", m.label(), n_dyads);
    ws.write_string_with_format(0, 0, "Stance over time", &f.title)?;
    ws.write_string(
        1,
        0,
        format!(
            "Drawn from the sheets 'wide' and 'dyads_wide': dots mark the periods with data, lines \
             join them across periods without. {}",
            if m.is_signed() {
                "−1: all hostile, +1: all conciliatory."
            } else {
                ""
            }
        ),
    )?;
    let mut row = 3;
    match line_chart("wide", actors, n_actors, &actor_title, m) {
        Some(c) => ws.insert_chart(row, 0, &c)?,
        None => {
            ws.write_string_with_format(row, 0, "No actor has sentences as source.", &f.note)?
        }
    };
    row += 25;
    match line_chart("dyads_wide", dyads, n_dyads, &dyad_title, m) {
        Some(c) => ws.insert_chart(row, 0, &c)?,
        None => ws.write_string_with_format(row, 0, "No dyad (source → target) found.", &f.note)?,
    };
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 1);
    ws.set_active(true);
    Ok(())
}

/// Writes `stance.xlsx` into an [`AtomicFile`] (not yet committed): sheets
/// `actors`, `dyads`, `wide`, `dyads_wide`, `sentences` (read back from
/// `sentences`, when given) and `chart` (opened first), as described in the
/// [module documentation](self).
pub fn write_xlsx(
    dir: &Path,
    lex: &Lexicons,
    agg: &Aggregates,
    opts: &WideOptions,
    sentences: Option<&Path>,
) -> Result<AtomicFile> {
    let actors = actor_table(lex, agg, opts)?;
    let dyads = dyad_table(lex, agg, opts)?;
    let mut file = AtomicFile::create(dir, XLSX_FILE)?;
    let path = file.path().to_path_buf();
    let f = Formats::new();
    let mut wb = Workbook::new();
    let x = |e| xerr(&path, e);
    let created = ExcelDateTime::from_ymd(1980, 1, 1).map_err(x)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&created));
    actors_sheet(&mut wb, lex, agg, &f).map_err(x)?;
    dyads_sheet(&mut wb, lex, agg, &f).map_err(x)?;
    wide_sheet(&mut wb, "wide", &actors, opts.metric, &f).map_err(x)?;
    wide_sheet(&mut wb, "dyads_wide", &dyads, opts.metric, &f).map_err(x)?;
    if let Some(s) = sentences {
        sentences_sheet(&mut wb, s, &f, MAX_ROWS)?;
    }
    chart_sheet(&mut wb, &actors, &dyads, opts, &f).map_err(x)?;
    wb.save_to_writer(&mut file).map_err(x)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn the_same_tables_give_the_same_workbook_bytes_at_any_time() {
        use crate::aggregate::Period;
        use crate::score::Label;
        let lex = Lexicons::defaults().unwrap();
        let (prk, kor) = (
            lex.actor_index("PRK").unwrap() as u32,
            lex.actor_index("KOR").unwrap() as u32,
        );
        let mut agg = Aggregates::default();
        for (m, tone) in [(1, -400_000), (2, 250_000), (3, -100_000)] {
            let label = Label::of(tone as f64 / 1e6);
            let p = Period::Month(2024, m);
            agg.add_sentence(p, label, tone, &[prk], &[kor], &[prk, kor], false);
        }
        let write = || {
            let dir = tempfile::tempdir().unwrap();
            let f = write_xlsx(dir.path(), &lex, &agg, &WideOptions::default(), None).unwrap();
            let path = f.path().to_path_buf();
            f.commit().unwrap();
            std::fs::read(path).unwrap()
        };
        let first = write();
        // The workbook's dates have whole seconds: one written a second
        // later with the time of writing in it would differ.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert!(first == write(), "stance.xlsx differs between two writes");
    }

    #[test]
    fn long_text_is_cut_to_the_cell_limit() {
        let long = "é".repeat(MAX_CELL_CHARS + 10);
        assert_eq!(fit(&long).chars().count(), MAX_CELL_CHARS - 1);
        assert_eq!(fit("short"), "short");
        assert_eq!(unquote("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unquote("'quoted'"), "'quoted'");
    }

    #[test]
    fn a_sentences_sheet_past_the_row_limit_is_cut_with_a_note() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("sentences.csv");
        let mut text = format!("\u{feff}{}\n", SENTENCES_HEADER.join(","));
        for i in 1..=5 {
            text.push_str(&format!(
                "d{i},2024-01-0{i},{i},'-Pyongyang said {i},-0.5000,hostile,PRK,KOR,PRK;KOR,x\n"
            ));
        }
        std::fs::write(&csv, text).unwrap();
        let mut wb = Workbook::new();
        sentences_sheet(&mut wb, &csv, &Formats::new(), 4).unwrap();
        let out = dir.path().join("s.xlsx");
        wb.save(&out).unwrap();
        let mut x: Xlsx<_> = calamine::open_workbook(&out).unwrap();
        let r = x.worksheet_range("sentences").unwrap();
        assert_eq!(r.get_value((0, 0)), Some(&Data::String("doc_id".into())));
        // Header + 3 rows (a limit of 4 rows), the note beside the header.
        assert_eq!(r.get_value((3, 0)), Some(&Data::String("d3".into())));
        assert_eq!(r.get_value((4, 0)), None);
        assert_eq!(r.get_value((1, 2)), Some(&Data::Float(1.0)));
        assert_eq!(r.get_value((1, 4)), Some(&Data::Float(-0.5)));
        assert_eq!(
            r.get_value((1, 3)),
            Some(&Data::String("-Pyongyang said 1".into()))
        );
        let note = r.get_value((0, 11)).unwrap().to_string();
        assert!(
            note.starts_with("Only the first 3 of 5 sentences"),
            "{note}"
        );
    }
}
