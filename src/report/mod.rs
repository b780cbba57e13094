//! Outputs: the terminal summary, the results JSON, the per-iteration samples CSV, the model
//! description of `socinv check`. Each renders to memory; [`write_atomic`] puts it on disk.

mod check;
pub mod format;
mod summary;

pub use check::model_description;
pub use summary::summary_text;

use crate::error::{Error, Result};
use crate::results::{ComparisonSamples, RunResults};
use crate::scenario::Scenario;
use crate::sim::IterationResult;
use std::io::Write;
use std::path::Path;

/// The results as pretty-printed JSON (`schema` "socinv.result/1").
pub fn json(results: &RunResults) -> String {
    let mut text = serde_json::to_string_pretty(results).expect("results serialise");
    text.push('\n');
    text
}

/// One row per iteration: the parameter draws, then per intervention its net, savings,
/// investment, payback year and net per actor, then per arm its total cost and outcomes.
pub fn samples_csv(scenario: &Scenario, iterations: &[IterationResult]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["iteration".to_string()];
    header.extend(scenario.parameters.iter().map(|p| p.name.clone()));
    let comparisons: Vec<(String, ComparisonSamples)> = scenario
        .interventions()
        .map(|(a, arm)| {
            (
                arm.name.clone(),
                ComparisonSamples::new(scenario, iterations, a),
            )
        })
        .collect();
    for (name, _) in &comparisons {
        for col in ["net", "savings", "investment", "payback_year"] {
            header.push(format!("{col}[{name}]"));
        }
        for actor in &scenario.actors {
            header.push(format!("net[{name}][{actor}]"));
        }
    }
    for arm in &scenario.arms {
        header.push(format!("cost[{}]", arm.name));
        for o in &scenario.outcomes {
            header.push(format!("{o}[{}]", arm.name));
        }
    }
    let io = |e: csv::Error| Error::Usage(format!("writing the samples CSV: {e}"));
    w.write_record(&header).map_err(io)?;
    for (i, it) in iterations.iter().enumerate() {
        let mut row = vec![i.to_string()];
        row.extend(it.params.iter().map(f64::to_string));
        for (_, c) in &comparisons {
            row.push(c.net[i].to_string());
            row.push(c.savings[i].to_string());
            row.push(c.investment[i].to_string());
            row.push(c.payback[i].map(|y| y.to_string()).unwrap_or_default());
            row.extend(c.by_actor.iter().map(|v| v[i].to_string()));
        }
        for arm in &it.arms {
            row.push(arm.total().to_string());
            row.extend(arm.outcomes.iter().map(f64::to_string));
        }
        w.write_record(&row).map_err(io)?;
    }
    w.into_inner()
        .map_err(|e| Error::Usage(format!("writing the samples CSV: {e}")))
}

/// Writes a file atomically: a temporary file in the same folder, renamed into place, so a
/// failure never leaves a partial file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(path, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}
