//! # socinv
//!
//! What a social investment is likely to return, for whom, when, and with what risk.
//!
//! A Swedish kommun or region funds a delimited effort for a target group now, expecting better
//! outcomes and lower public costs later, landing with several actors. socinv simulates the real
//! cohort's year-by-year trajectories under ordinary practice and under each intervention, many
//! times over with uncertain inputs, and summarises the distribution of the net return.
//!
//! Data flows one way, one module per stage:
//!
//! ```text
//! scenario.rhai ──script (run once, sandboxed)──▶ Scenario (native, validated)
//!   ──sim (per iteration, parallel, keyed random streams)──▶ IterationResult per iteration
//!   ──results/stats (in iteration order)──▶ RunResults ──report──▶ terminal · JSON · CSV
//! ```
//!
//! - [`script`]: the rhai bridge and the scenario language ([`expr`] holds the formulas it records).
//! - [`scenario`]: the native model; [`dist`]: distributions of uncertain inputs.
//! - [`sim`]: the Monte Carlo engine; [`stats`]: summaries; [`samples`]: a comparison's
//!   per-iteration quantities; [`results`]: the output types.
//! - [`sensitivity`], [`compare`]: the analyses; they return the typed values of [`schema`]
//!   (tornado, sweep, threshold, Sobol, VOI) and never format.
//! - [`followup`]: the parameters updated with an observed cohort and the forecast made again
//!   from it (the likelihood is `sim::likelihood`, the walk from observed paths
//!   `sim::reforecast`).
//! - [`report`]: terminal summary and tables, JSON, CSV, HTML, workbook.
//! - [`session`]: a scenario loaded once, with the run and the analyses; [`cli`]: the command
//!   line, which maps its arguments onto a session.
//!
//! Modules import one way, each only from the layers before it (tests/integration/layers.rs
//! checks it): `stats`, `expr` → `error`, `source_text`, `console` → `dist` → `scenario` → `sim`
//! → `script` → `schema` → `samples` → `sensitivity` → `compare` → `results` → `followup` →
//! `report` → `session` → `cli`.

// all terminal output goes through report::terminal, which cleans control characters
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod cli;
pub mod compare;
pub mod console;
pub mod dist;
pub mod error;
pub mod expr;
pub mod followup;
pub mod report;
pub mod results;
pub mod samples;
pub mod scenario;
pub mod schema;
pub mod script;
pub mod sensitivity;
pub mod session;
pub mod sim;
pub mod source_text;
pub mod stats;

pub use error::{Error, Result};
