//! The one way socinv writes CSV (the samples and every sensitivity analysis): cells are typed,
//! and a text cell a spreadsheet would run as a formula is neutralised.
//!
//! The rule: a text cell — a column header or a name from the scenario — that starts with `=`,
//! `+`, `-`, `@`, a tab or a carriage return gets a `'` in front, which Excel, LibreOffice and
//! Google Sheets show as text (the OWASP advice against CSV injection). Numbers are written as
//! numbers (the shortest text that reads back as the same `f64`), so −1200 stays a number.
//!
//! Every CSV is written in a [`CsvDialect`]: `standard` (comma, decimal point, as R, Python and
//! English Excel read it) or `excel-sv` (what Excel with Swedish settings opens correctly by
//! double-click: a UTF-8 byte order mark, `;` between cells, a decimal comma, no thousands
//! separator). A writer takes the dialect in effect ([`with_dialect`]) when it is created, so
//! every CSV socinv writes, the analyses' included, follows `--csv-dialect`.

use crate::error::{Error, Result};
use std::borrow::Cow;
use std::cell::Cell as ScopedCell;
use std::io::Write;

/// How a CSV file spells its separators and numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum CsvDialect {
    /// Comma between cells, decimal point (R, Python, English Excel).
    #[default]
    Standard,
    /// For Excel with Swedish settings: UTF-8 byte order mark, semicolon between cells,
    /// decimal comma, no thousands separator.
    ExcelSv,
}

impl CsvDialect {
    fn delimiter(self) -> u8 {
        match self {
            CsvDialect::Standard => b',',
            CsvDialect::ExcelSv => b';',
        }
    }

    /// A number as this dialect writes it: the shortest text that reads back as the same
    /// `f64` (never with an exponent), with a decimal comma in `excel-sv`.
    pub fn number(self, v: f64) -> String {
        let text = v.to_string();
        match self {
            CsvDialect::Standard => text,
            CsvDialect::ExcelSv => text.replace('.', ","),
        }
    }
}

thread_local! {
    static DIALECT: ScopedCell<CsvDialect> = const { ScopedCell::new(CsvDialect::Standard) };
}

/// Runs `f` with `dialect` as the dialect of every [`CsvWriter::new`] created in it (on this
/// thread); the dialect before is restored afterwards, also when `f` panics.
pub fn with_dialect<T>(dialect: CsvDialect, f: impl FnOnce() -> T) -> T {
    struct Restore(CsvDialect);
    impl Drop for Restore {
        fn drop(&mut self) {
            DIALECT.with(|d| d.set(self.0));
        }
    }
    let _restore = Restore(DIALECT.with(|d| d.replace(dialect)));
    f()
}

/// The dialect [`CsvWriter::new`] uses here and now (see [`with_dialect`]).
pub fn current_dialect() -> CsvDialect {
    DIALECT.with(|d| d.get())
}

/// One cell of a CSV row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'a> {
    /// Text; neutralised if it could start a formula.
    Text(&'a str),
    /// A number, written as a number.
    Number(f64),
    /// An empty cell (a value that is not defined).
    Empty,
}

impl Cell<'_> {
    /// A number, or an empty cell when it is not finite (undefined).
    pub fn finite(x: f64) -> Self {
        if x.is_finite() {
            Cell::Number(x)
        } else {
            Cell::Empty
        }
    }
}

impl From<f64> for Cell<'_> {
    fn from(v: f64) -> Self {
        Cell::Number(v)
    }
}

impl From<Option<f64>> for Cell<'_> {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Cell::Empty, Cell::Number)
    }
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(s: &'a str) -> Self {
        Cell::Text(s)
    }
}

impl<'a> From<&'a String> for Cell<'a> {
    fn from(s: &'a String) -> Self {
        Cell::Text(s)
    }
}

/// A text cell as written: with a leading `'` when it starts with a formula character.
pub fn text_cell(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// A CSV file being written, to memory (`W = Vec<u8>`) or to a file as it goes; the only CSV
/// writer of socinv.
pub struct CsvWriter<W: Write = Vec<u8>> {
    inner: csv::Writer<W>,
    dialect: CsvDialect,
}

impl Default for CsvWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvWriter {
    /// A writer to memory in the dialect in effect ([`with_dialect`]; `standard` by default).
    pub fn new() -> Self {
        Self::in_dialect(current_dialect())
    }

    /// A writer to memory in `dialect`.
    pub fn in_dialect(dialect: CsvDialect) -> Self {
        Self::start(Vec::new(), dialect).expect("writing to memory does not fail")
    }

    /// The file's bytes.
    pub fn finish(self) -> Result<Vec<u8>> {
        self.inner.into_inner().map_err(csv_error)
    }
}

impl<W: Write> CsvWriter<W> {
    /// A writer to `out` in the dialect in effect ([`with_dialect`]).
    pub fn to(out: W) -> Result<Self> {
        Self::start(out, current_dialect())
    }

    fn start(mut out: W, dialect: CsvDialect) -> Result<Self> {
        if dialect == CsvDialect::ExcelSv {
            // the byte order mark tells Excel the file is UTF-8 (else å, ä, ö break)
            out.write_all("\u{feff}".as_bytes()).map_err(csv_error)?;
        }
        Ok(CsvWriter {
            inner: csv::WriterBuilder::new()
                .delimiter(dialect.delimiter())
                .from_writer(out),
            dialect,
        })
    }

    /// The header row: every name a text cell.
    pub fn header<S: AsRef<str>>(&mut self, names: impl IntoIterator<Item = S>) -> Result<()> {
        let cells: Vec<String> = names
            .into_iter()
            .map(|n| text_cell(n.as_ref()).into_owned())
            .collect();
        self.inner.write_record(&cells).map_err(csv_error)
    }

    /// A row of cells.
    pub fn row(&mut self, cells: &[Cell]) -> Result<()> {
        let fields: Vec<Cow<str>> = cells
            .iter()
            .map(|c| match c {
                Cell::Text(s) => text_cell(s),
                Cell::Number(v) => Cow::Owned(self.dialect.number(*v)),
                Cell::Empty => Cow::Borrowed(""),
            })
            .collect();
        self.inner
            .write_record(fields.iter().map(|f| f.as_bytes()))
            .map_err(csv_error)
    }

    /// Writes out what is still buffered.
    pub fn flush(mut self) -> Result<()> {
        self.inner.flush().map_err(csv_error)
    }
}

fn csv_error(e: impl std::fmt::Display) -> Error {
    Error::Usage(format!("writing CSV: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_text_is_neutralised_and_numbers_stay_numbers() {
        let mut w = CsvWriter::new();
        w.header([
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-x",
            "@SUM(A1)",
            "\tt",
            "ok",
        ])
        .unwrap();
        w.row(&[
            Cell::Number(-1200.0),
            Cell::Text("-2"),
            Cell::Empty,
            Cell::Text("a=b"),
            Cell::Number(0.5),
            Cell::Text("\rcr"),
        ])
        .unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(
            text,
            "\"'=HYPERLINK(\"\"http://x\"\")\",'+1,'-x,'@SUM(A1),'\tt,ok\n\
             -1200,'-2,,a=b,0.5,\"'\rcr\"\n"
        );
    }

    #[test]
    fn excel_sv_has_a_bom_semicolons_and_decimal_commas() {
        let mut w = CsvWriter::in_dialect(CsvDialect::ExcelSv);
        w.header(["namn", "värde; kr", "=x"]).unwrap();
        w.row(&[
            Cell::Text("a,b"),
            Cell::Number(-1234567.25),
            Cell::Number(0.000001),
        ])
        .unwrap();
        w.row(&[Cell::Text("1.5"), Cell::Number(1e21), Cell::Empty])
            .unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(
            text,
            "\u{feff}namn;\"värde; kr\";'=x\n\
             a,b;-1234567,25;0,000001\n\
             1.5;1000000000000000000000;\n"
        );
    }

    #[test]
    fn writers_follow_the_dialect_in_effect_and_it_is_restored() {
        let write = || {
            let mut w = CsvWriter::new();
            w.row(&[Cell::Number(0.5), Cell::Number(2.0)]).unwrap();
            String::from_utf8(w.finish().unwrap()).unwrap()
        };
        assert_eq!(write(), "0.5,2\n");
        let inside = with_dialect(CsvDialect::ExcelSv, write);
        assert_eq!(inside, "\u{feff}0,5;2\n");
        assert_eq!(current_dialect(), CsvDialect::Standard);
        assert_eq!(write(), "0.5,2\n");
    }
}
