//! socinv's integration tests: one binary, one module per concern.

mod cli;
mod common;
mod distributions;
mod docs;
mod engine;
mod scenarios;
mod sensitivity;
