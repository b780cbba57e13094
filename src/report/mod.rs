//! Outputs: the terminal summary, the results JSON, the per-iteration samples CSV, the model
//! description of `socinv check`. Each renders to memory; [`write_atomic`] puts it on disk.
//!
//! May import: any module below it (`results`, `compare`, `sensitivity`, `schema`, `samples`,
//! `sim`, `scenario`, …); only `session` and `cli` import it (and, a known exception, `script` for the
//! terminal).

mod check;
pub mod csv_file;
pub mod files;
pub mod followup;
pub mod format;
pub mod html;
mod samples;
pub mod sensitivity_csv;
pub mod sensitivity_table;
mod summary;
pub mod terminal;
pub mod xlsx;

pub use check::{check_findings, check_json, finding_headline, model_description, warning_line};
pub(crate) use check::{draw_name as check_draw_name, value as check_value};
pub(crate) use samples::{SampleColumn, SamplesTable};
pub use samples::{SamplesLayout, write_samples_csv};
pub use summary::{summary_text, summary_text_comparing};

use crate::error::Result;
use crate::results::RunResults;
use std::path::Path;

/// The results as pretty-printed JSON (`schema` "socinv.result/1").
pub fn json(results: &RunResults) -> String {
    let mut text = serde_json::to_string_pretty(results).expect("results serialise");
    text.push('\n');
    text
}

/// Writes a file atomically: a failure never leaves a partial file (see [`files`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    files::write_atomic(path, bytes)
}
