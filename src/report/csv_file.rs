//! The one way socinv writes CSV (the samples and every sensitivity analysis): cells are typed,
//! and a text cell a spreadsheet would run as a formula is neutralised.
//!
//! The rule: a text cell — a column header or a name from the scenario — that starts with `=`,
//! `+`, `-`, `@`, a tab or a carriage return gets a `'` in front, which Excel, LibreOffice and
//! Google Sheets show as text (the OWASP advice against CSV injection). Numbers are written as
//! numbers (the shortest text that reads back as the same `f64`), so −1200 stays a number.

use crate::error::{Error, Result};
use std::borrow::Cow;

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

/// A CSV file being written to memory; the only CSV writer of socinv.
pub struct CsvWriter {
    inner: csv::Writer<Vec<u8>>,
}

impl Default for CsvWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvWriter {
    pub fn new() -> Self {
        CsvWriter {
            inner: csv::Writer::from_writer(Vec::new()),
        }
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
                Cell::Number(v) => Cow::Owned(v.to_string()),
                Cell::Empty => Cow::Borrowed(""),
            })
            .collect();
        self.inner
            .write_record(fields.iter().map(|f| f.as_bytes()))
            .map_err(csv_error)
    }

    /// The file's bytes.
    pub fn finish(self) -> Result<Vec<u8>> {
        self.inner
            .into_inner()
            .map_err(|e| Error::Usage(format!("writing CSV: {e}")))
    }
}

fn csv_error(e: csv::Error) -> Error {
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
}
