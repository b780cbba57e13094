//! socinv's integration tests: one binary, one module per concern.

mod arms;
mod bad_scripts;
mod browser;
mod check;
mod cli;
mod command_line;
mod commands;
mod common;
mod compare;
mod correlation;
mod distributions;
mod docs;
mod engine;
mod escaping;
mod excel_habits;
mod files;
mod labels;
mod models_rows;
mod properties;
mod report_html;
mod report_xlsx;
mod risk;
mod scenarios;
mod sensitivity;
mod sobol;
mod voi;
