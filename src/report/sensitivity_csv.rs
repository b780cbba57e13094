//! The CSV files of the sensitivity analyses (`--csv FILE`): one row per result, plain numbers.
//!
//! The `csv` methods of the schema types are defined here, on the output side.
//!
//! May import: `schema`, `error` and `report::csv_file`.

use crate::error::Result;
use crate::report::csv_file::{Cell, CsvWriter};
use crate::schema::{SobolReport, SweepReport, ThresholdReport, TornadoReport, VoiReport};

impl TornadoReport {
    /// One row per (intervention, parameter).
    pub fn csv(&self) -> Result<Vec<u8>> {
        let mut w = CsvWriter::new();
        w.header([
            "intervention",
            "parameter",
            "low_value",
            "high_value",
            "at_low",
            "at_low_mcse",
            "at_high",
            "at_high_mcse",
            "swing",
            "swing_mcse",
        ])?;
        for r in &self.results {
            for b in &r.bars {
                w.row(&[
                    Cell::Text(&r.intervention),
                    Cell::Text(&b.parameter),
                    b.low_value.into(),
                    b.high_value.into(),
                    b.at_low.value.into(),
                    b.at_low.mcse.into(),
                    b.at_high.value.into(),
                    b.at_high.mcse.into(),
                    b.swing.value.into(),
                    b.swing.mcse.into(),
                ])?;
            }
        }
        w.finish()
    }
}
impl SweepReport {
    /// One row per (grid point, intervention).
    pub fn csv(&self) -> Result<Vec<u8>> {
        let mut w = CsvWriter::new();
        let mut header: Vec<String> = self.axes.iter().map(|a| a.parameter.clone()).collect();
        header.extend(
            [
                "intervention",
                "net_mean",
                "net_mcse",
                "net_p5",
                "net_p95",
                "prob_net_positive",
                "prob_net_positive_mcse",
                "prob_payback",
                "prob_payback_mcse",
            ]
            .map(String::from),
        );
        w.header(&header)?;
        for p in &self.points {
            for r in &p.results {
                let mut row: Vec<Cell> = p.values.iter().map(|&v| Cell::Number(v)).collect();
                row.extend([
                    Cell::Text(&r.intervention),
                    r.net.value.into(),
                    r.net.mcse.into(),
                    r.net_p5.into(),
                    r.net_p95.into(),
                    r.prob_net_positive.value.into(),
                    r.prob_net_positive.mcse.into(),
                    r.prob_payback.value.into(),
                    r.prob_payback.mcse.into(),
                ]);
                w.row(&row)?;
            }
        }
        w.finish()
    }
}
impl ThresholdReport {
    /// The search curve and the result, one row per (intervention, trial value).
    pub fn csv(&self) -> Result<Vec<u8>> {
        let mut w = CsvWriter::new();
        w.header([
            "intervention",
            "parameter_value",
            "metric",
            "metric_mcse",
            "threshold",
            "threshold_mcse",
        ])?;
        for r in &self.results {
            for c in &r.curve {
                w.row(&[
                    Cell::Text(&r.intervention),
                    c.value.into(),
                    c.metric.value.into(),
                    c.metric.mcse.into(),
                    r.value.into(),
                    r.value_mcse.into(),
                ])?;
            }
        }
        w.finish()
    }
}
impl SobolReport {
    /// One row per (intervention, input); an undefined value is an empty cell.
    pub fn csv(&self) -> Result<Vec<u8>> {
        let mut w = CsvWriter::new();
        w.header([
            "intervention",
            "input",
            "first_order",
            "first_order_lo",
            "first_order_hi",
            "total",
            "total_lo",
            "total_hi",
        ])?;
        for r in &self.results {
            for i in &r.indices {
                w.row(&[
                    Cell::Text(&r.intervention),
                    Cell::Text(&i.input),
                    Cell::finite(i.first_order),
                    Cell::finite(i.first_order_ci[0]),
                    Cell::finite(i.first_order_ci[1]),
                    Cell::finite(i.total),
                    Cell::finite(i.total_ci[0]),
                    Cell::finite(i.total_ci[1]),
                ])?;
            }
        }
        w.finish()
    }
}
impl VoiReport {
    /// One row per parameter: parameter, evppi, evppi_mcse, share_of_evpi.
    pub fn csv(&self) -> Result<Vec<u8>> {
        let mut w = CsvWriter::new();
        w.header(["parameter", "evppi", "evppi_mcse", "share_of_evpi"])?;
        for p in &self.evppi {
            w.row(&[
                Cell::Text(&p.parameter),
                p.evppi.into(),
                p.evppi_mcse.into(),
                p.share_of_evpi.into(),
            ])?;
        }
        w.finish()
    }
}
