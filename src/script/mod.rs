//! The rhai bridge: a sandboxed engine runs a scenario script once and builds a [`Scenario`].
//!
//! The script's top level *declares* the model through the functions registered in the `api` module;
//! formulas become [`crate::expr::Expr`] graphs. Nothing here runs during the simulation.
//!
//! The sandbox: no file or network access (rhai has none unless registered), `eval` disabled,
//! `import` only of `.rhai` files in the scenario's own folder, limits on operations, call depth,
//! expression depth, string, array and map sizes; `print`/`debug` go to stderr.

mod api;
mod sandbox;

use crate::error::{Error, Result};
use crate::scenario::Scenario;
use rhai::{EvalAltResult, ParseError, Position};
use std::path::Path;

pub use sandbox::MAX_OPERATIONS;

/// Reads and runs a scenario script, returning the validated model.
pub fn load_scenario(path: &Path) -> Result<Scenario> {
    let source = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let display = path.display().to_string();
    let dir = path
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(Path::new("."));
    load_scenario_str(&source, &display, dir)
}

/// Runs a scenario script given as text; `file` names it in messages, `dir` is where `import`
/// may look.
pub fn load_scenario_str(source: &str, file: &str, dir: &Path) -> Result<Scenario> {
    let builder = api::SharedBuilder::new(file, source);
    let mut engine = sandbox::engine(dir);
    api::register(&mut engine, &builder);

    let mut ast = engine
        .compile(source)
        .map_err(|e| Error::Script(parse_message(file, &e)))?;
    ast.set_source(file);
    engine
        .run_ast(&ast)
        .map_err(|e| Error::Script(eval_message(file, &e)))?;
    builder.finish().map_err(Error::Script)
}

fn parse_message(file: &str, err: &ParseError) -> String {
    format!(
        "{}: syntax error: {}",
        at(file, err.position()),
        err.err_type()
    )
}

/// The file an imported module came from: `import "helper"` reads `helper.rhai`.
fn module_file(name: &str) -> String {
    if Path::new(name).extension().is_some_and(|e| e == "rhai") {
        name.to_string()
    } else {
        format!("{name}.rhai")
    }
}

/// Formats a rhai runtime error as `file:line:col: message`, pointing at the innermost place.
fn eval_message(file: &str, err: &EvalAltResult) -> String {
    let mut file = file.to_string();
    let mut err = err;
    let mut outer_pos = Position::NONE;
    let mut trail = Vec::new();
    loop {
        match err {
            EvalAltResult::ErrorInFunctionCall(name, src, inner, pos) => {
                trail.push(format!(
                    "in call to function '{name}' at {}",
                    at(&file, *pos)
                ));
                if !src.is_empty() {
                    file = module_file(src);
                }
                outer_pos = *pos;
                err = inner;
            }
            EvalAltResult::ErrorInModule(name, inner, pos) => {
                trail.push(format!(
                    "in module '{name}' imported at {}",
                    at(&file, *pos)
                ));
                if !name.is_empty() {
                    file = module_file(name);
                }
                outer_pos = *pos;
                err = inner;
            }
            _ => break,
        }
    }
    let pos = if err.position().is_none() {
        outer_pos
    } else {
        err.position()
    };
    let message = match err {
        EvalAltResult::ErrorRuntime(value, _) => value.to_string(),
        EvalAltResult::ErrorParsing(p, _) => format!("syntax error: {p}"),
        EvalAltResult::ErrorTooManyOperations(_) => format!(
            "the script ran more than {MAX_OPERATIONS} operations and was stopped: \
             is there an endless loop?"
        ),
        EvalAltResult::ErrorStackOverflow(_) => {
            "the script called functions too deeply (endless recursion?)".to_string()
        }
        EvalAltResult::ErrorDataTooLarge(what, _) => {
            format!("{what} grew beyond the sandbox's limit")
        }
        EvalAltResult::ErrorMismatchDataType(_, actual, _) if actual.contains("Expr") => {
            "a formula of parameters has no value while the script runs, so rhai's `if` cannot \
             test it; use if_else(condition, value_if_true, value_if_false)"
                .to_string()
        }
        EvalAltResult::ErrorFunctionNotFound(sig, _) if sig.starts_with("eval") => {
            "`eval` is disabled in scenario scripts".to_string()
        }
        other => {
            let text = other.to_string();
            let suffix = format!(" ({})", other.position());
            text.strip_suffix(&suffix).unwrap_or(&text).to_string()
        }
    };
    let mut text = format!("{}: {message}", at(&file, pos));
    for t in trail.iter().rev() {
        text.push_str("\n  ");
        text.push_str(t);
    }
    text
}

/// `file:line:column`, or `file` alone where rhai gives no position (e.g. limit errors).
fn at(file: &str, pos: Position) -> String {
    match (pos.line(), pos.position()) {
        (Some(line), Some(col)) => format!("{file}:{line}:{col}"),
        (Some(line), None) => format!("{file}:{line}"),
        _ => format!("{file}: while running the script"),
    }
}
