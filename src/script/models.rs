//! Functions that declare a whole row of transitions at once: a Dirichlet row from observed
//! counts (`dirichlet_row`) and competing risks from yearly rates (`competing_rates`); and
//! tables read from CSV files in the scenario's folder (`read_csv`, `read_csv_columns`).
//! docs/scripting.md documents them for analysts, docs/methods.md their definitions.
//!
//! A child module of `api`: it fills the same builder with the same helpers.

use super::*;
use crate::script::sandbox::{self, SourceLog};
use std::path::Path;

/// The Dirichlet parameters α_i (count + prior) accepted: the shapes of the gamma weights that
/// `gamma_mean_sd` samples accurately (see `crate::dist::GAMMA_SHAPES`).
pub const DIRICHLET_ALPHAS: (f64, f64) = crate::dist::GAMMA_SHAPES;

/// Registers the row functions on `engine`, writing into `builder`.
pub(super) fn register(engine: &mut Engine, builder: &SharedBuilder) {
    let b = builder.clone();
    engine.register_fn(
        "dirichlet_row",
        move |ctx: NativeCallContext, from: &str, counts: Map| -> FnResult<Map> {
            dirichlet_row(&ctx, &b, from, &counts, &Map::new())
        },
    );
    let b = builder.clone();
    engine.register_fn(
        "dirichlet_row",
        move |ctx: NativeCallContext, from: &str, counts: Map, options: Map| -> FnResult<Map> {
            dirichlet_row(&ctx, &b, from, &counts, &options)
        },
    );
    let b = builder.clone();
    engine.register_fn(
        "competing_rates",
        move |ctx: NativeCallContext, from: &str, rates: Map| -> FnResult<Map> {
            competing_rates(&ctx, &b, from, &rates)
        },
    );
}

/// Refuses a row function for a state that already has transitions or a whole row.
fn claim_row(
    ctx: &NativeCallContext,
    b: &Builder,
    from: usize,
    function: &'static str,
) -> FnResult<()> {
    let name = &b.states[from];
    if let Some((_, at, other)) = b.whole_rows.iter().find(|(s, _, _)| *s == from) {
        return Err(fail(
            ctx,
            format!(
                "{function}(\"{name}\", ...): the row of \"{name}\" is already declared by {other}(...) at {at}"
            ),
        ));
    }
    if let Some(r) = b.transitions.iter().find(|r| r.from == from) {
        return Err(fail(
            ctx,
            format!(
                "{function}(\"{name}\", ...) declares the whole row of \"{name}\", but \
                 transition \"{name}\" → \"{}\" is already declared at {}\nhelp: give that \
                 destination in the map of {function}(...) instead",
                b.states[r.to], r.origin
            ),
        ));
    }
    Ok(())
}

/// Declares a transition of a whole row (already claimed).
fn push_transition(b: &mut Builder, from: usize, to: usize, probability: Expr, at: &SourcePos) {
    b.transitions.push(TransitionRule {
        from,
        to,
        probability,
        origin: at.clone(),
    });
}

/// The destinations of a row function's map, as declared state indices, each once.
fn destinations(
    ctx: &NativeCallContext,
    b: &Builder,
    function: &str,
    map: &Map,
) -> FnResult<Vec<(usize, Dynamic)>> {
    if map.is_empty() {
        return Err(fail(
            ctx,
            format!("{function}: the map of destinations is empty"),
        ));
    }
    let mut out: Vec<(usize, Dynamic)> = Vec::new();
    for (to, v) in map {
        let t = state_index(ctx, b, to)?;
        if out.iter().any(|(s, _)| *s == t) {
            return Err(fail(
                ctx,
                format!(
                    "{function}: state \"{}\" is given twice (written differently)",
                    b.states[t]
                ),
            ));
        }
        out.push((t, v.clone()));
    }
    // In the order the states are declared (a map's keys come sorted).
    out.sort_by_key(|(t, _)| *t);
    Ok(out)
}

/// `dirichlet_row(from, #{ state: count, ... }, #{ prior, source })`: the row of `from` as a
/// Dirichlet(count + prior) distribution, from independent gamma weights.
fn dirichlet_row(
    ctx: &NativeCallContext,
    builder: &SharedBuilder,
    from: &str,
    counts: &Map,
    options: &Map,
) -> FnResult<Map> {
    let mut b = builder.lock();
    let f = state_index(ctx, &b, from)?;
    claim_row(ctx, &b, f, "dirichlet_row")?;
    let from = b.states[f].clone();
    check_keys(ctx, "dirichlet_row options", options, &["prior", "source"])?;
    let prior = match options.get("prior") {
        Some(v) => to_number(ctx, "dirichlet_row prior", v)?,
        None => 0.0,
    };
    if !(prior.is_finite() && prior >= 0.0) {
        return Err(fail(
            ctx,
            format!(
                "dirichlet_row prior: {} must be a number ≥ 0 (1 for a uniform prior, 0.5 for \
                 Jeffreys')",
                number(prior)
            ),
        ));
    }
    let source = match options.get("source") {
        Some(v) => Some(to_string(ctx, "dirichlet_row source", v)?),
        None => None,
    };
    let mut row = Vec::new();
    for (t, v) in destinations(ctx, &b, "dirichlet_row", counts)? {
        let to = &b.states[t];
        let count = to_number(ctx, &format!("dirichlet_row: the count of \"{to}\""), &v)?;
        if !(count.is_finite() && count >= 0.0) {
            return Err(fail(
                ctx,
                format!(
                    "dirichlet_row: the count of \"{to}\" is {}; a count is a number of people ≥ 0",
                    number(count)
                ),
            ));
        }
        let alpha = count + prior;
        if alpha < DIRICHLET_ALPHAS.0 {
            return Err(fail(
                ctx,
                format!(
                    "dirichlet_row: the count of \"{to}\" is {} with a prior of {}: a \
                     destination needs count + prior ≥ {}\nhelp: add a prior, as in \
                     dirichlet_row(\"{from}\", counts, #{{ prior: 1 }}), or leave \"{to}\" out \
                     if no one can go there",
                    number(count),
                    number(prior),
                    DIRICHLET_ALPHAS.0
                ),
            ));
        }
        if alpha > DIRICHLET_ALPHAS.1 {
            return Err(fail(
                ctx,
                format!(
                    "dirichlet_row: the count of \"{to}\" is {}; counts + prior above {} are \
                     not sampled accurately\nhelp: with that many observations the row is \
                     practically known: use transition(...) with the observed shares",
                    number(count),
                    number(DIRICHLET_ALPHAS.1)
                ),
            ));
        }
        row.push((t, count, alpha));
    }
    if row.iter().all(|&(t, _, _)| t == f) {
        return Err(fail(
            ctx,
            format!(
                "dirichlet_row(\"{from}\", ...): the counts name only \"{from}\" itself; give \
                 the destinations people left for"
            ),
        ));
    }
    let total: f64 = row.iter().map(|&(_, c, _)| c).sum();
    let at = origin(ctx, &b);
    let mut weights = Vec::new();
    for &(t, count, alpha) in &row {
        let name = format!("{from}→{}", b.states[t]);
        if name.contains(['=', ',']) {
            return Err(fail(
                ctx,
                format!(
                    "dirichlet_row: its parameter \"{name}\" would contain '=' or ','; rename \
                     the states without them"
                ),
            ));
        }
        if let Some(p) = b.parameters.iter().find(|p| p.name == name) {
            return Err(fail(
                ctx,
                format!(
                    "dirichlet_row: its parameter \"{name}\" is already declared at {}",
                    p.origin
                ),
            ));
        }
        let prior_text = if prior > 0.0 {
            format!(" + prior {}", number(prior))
        } else {
            String::new()
        };
        let about = Described {
            label: None,
            unit: None,
            source: Some(format!(
                "{}Dirichlet weight of dirichlet_row(\"{from}\"): {} of {} observed{prior_text}",
                source
                    .as_ref()
                    .map(|s| format!("{s}; "))
                    .unwrap_or_default(),
                number(count),
                number(total)
            )),
        };
        let names: Vec<String> = b.parameters.iter().map(|p| p.name.clone()).collect();
        distinct_display(
            ctx,
            "parameter",
            &names,
            &b.labels.parameters,
            &name,
            &about,
        )?;
        let dist = Distribution::gamma_mean_sd(alpha, alpha.sqrt()).map_err(|e| fail(ctx, e))?;
        let index = b.parameters.len();
        b.parameters.push(Parameter {
            name: name.clone(),
            distribution: DistributionSpec {
                written: format!("gamma({}, 1), a Dirichlet weight", number(alpha)),
                dist,
            },
            origin: at.clone(),
        });
        b.labels.parameters.insert(name.clone(), about);
        weights.push((t, Expr::new(Node::Param { index, name })));
    }
    let sum = weights
        .iter()
        .map(|(_, w)| w.clone())
        .reduce(|a, w| Expr::binary(BinaryOp::Add, a, w))
        .unwrap_or_else(|| Expr::constant(1.0));
    let mut probabilities = Map::new();
    for (t, w) in weights {
        let p = checked(ctx, Expr::binary(BinaryOp::Div, w, sum.clone()))?;
        if t != f {
            push_transition(&mut b, f, t, p.clone(), &at);
        }
        probabilities.insert(b.states[t].as_str().into(), Dynamic::from(p));
    }
    b.whole_rows.push((f, at, "dirichlet_row"));
    Ok(probabilities)
}

/// `competing_rates(from, #{ state: rate, ... })`: the yearly probability of leaving for each
/// destination when the causes compete, `(1 − exp(−Σ r)) · r_i / Σ r`.
fn competing_rates(
    ctx: &NativeCallContext,
    builder: &SharedBuilder,
    from: &str,
    rates: &Map,
) -> FnResult<Map> {
    let mut b = builder.lock();
    let f = state_index(ctx, &b, from)?;
    claim_row(ctx, &b, f, "competing_rates")?;
    let from = b.states[f].clone();
    let mut row = Vec::new();
    for (t, v) in destinations(ctx, &b, "competing_rates", rates)? {
        let to = b.states[t].clone();
        if t == f {
            return Err(fail(
                ctx,
                format!(
                    "competing_rates(\"{from}\", ...): a rate to \"{from}\" itself; staying is \
                     what is left over"
                ),
            ));
        }
        let rate = to_expr(ctx, &format!("competing_rates: the rate to \"{to}\""), &v)?;
        if let Some(r) = rate.as_constant()
            && !(r.is_finite() && r >= 0.0)
        {
            return Err(fail(
                ctx,
                format!(
                    "competing_rates: the rate to \"{to}\" is {}; a yearly rate is ≥ 0",
                    number(r)
                ),
            ));
        }
        row.push((t, rate));
    }
    let total = row
        .iter()
        .map(|(_, r)| r.clone())
        .reduce(|a, r| Expr::binary(BinaryOp::Add, a, r))
        .unwrap_or_else(|| Expr::constant(0.0));
    let leaving = Expr::unary(UnaryOp::RateToProb, total.clone());
    let at = origin(ctx, &b);
    let mut probabilities = Map::new();
    for (t, rate) in row {
        let share = Expr::binary(BinaryOp::Div, rate, total.clone());
        let p = Expr::binary(BinaryOp::Mul, leaving.clone(), share);
        // No rate at all: no one leaves (the share would be 0/0).
        let p = match total.as_constant() {
            Some(r) if r > 0.0 => p,
            Some(_) => Expr::constant(0.0),
            None => Expr::new(Node::IfElse(
                Expr::binary(BinaryOp::Gt, total.clone(), Expr::constant(0.0)),
                p,
                Expr::constant(0.0),
            )),
        };
        let p = checked(ctx, p)?;
        push_transition(&mut b, f, t, p.clone(), &at);
        probabilities.insert(b.states[t].as_str().into(), Dynamic::from(p));
    }
    b.whole_rows.push((f, at, "competing_rates"));
    Ok(probabilities)
}

// ---------------------------------------------------------------------------------------------
// Data files

/// The most rows (and the most columns) a data file may have: a list's and a map's limit.
pub const MAX_TABLE_ROWS: usize = crate::script::sandbox::MAX_LIST_ELEMENTS;

/// Registers `read_csv` and `read_csv_columns`, which read from `dir` under the sandbox's rules
/// and log each file's text in `sources` (so that it is part of the content hash).
pub(in crate::script) fn register_data_files(engine: &mut Engine, dir: &Path, sources: &SourceLog) {
    let (d, log) = (dir.to_path_buf(), sources.clone());
    engine.register_fn(
        "read_csv",
        move |ctx: NativeCallContext, name: &str| -> FnResult<Array> {
            let table = read_table(&ctx, &d, &log, "read_csv", name)?;
            Ok(table
                .rows
                .into_iter()
                .map(|row| {
                    let map: Map = table
                        .headers
                        .iter()
                        .map(|h| h.as_str().into())
                        .zip(row)
                        .collect();
                    Dynamic::from(map)
                })
                .collect())
        },
    );
    let (d, log) = (dir.to_path_buf(), sources.clone());
    engine.register_fn(
        "read_csv_columns",
        move |ctx: NativeCallContext, name: &str| -> FnResult<Map> {
            let table = read_table(&ctx, &d, &log, "read_csv_columns", name)?;
            let mut columns: Vec<Array> = vec![Array::new(); table.headers.len()];
            for row in table.rows {
                for (column, cell) in columns.iter_mut().zip(row) {
                    column.push(cell);
                }
            }
            Ok(table
                .headers
                .iter()
                .map(|h| h.as_str().into())
                .zip(columns.into_iter().map(Dynamic::from))
                .collect())
        },
    );
}

/// A CSV file's header and its rows of values (numbers or text).
struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<Dynamic>>,
}

/// Reads and parses data file `name`: comma- or semicolon-separated (a header line with a `;`
/// makes it semicolon-separated, as Excel saves CSV in Swedish), a header of distinct names,
/// every row as long as the header, every cell a number or text.
fn read_table(
    ctx: &NativeCallContext,
    dir: &Path,
    sources: &SourceLog,
    function: &str,
    name: &str,
) -> FnResult<Table> {
    let at = |m: String| fail(ctx, format!("{function}(\"{name}\"): {m}"));
    let text = sandbox::read_data_file(dir, name).map_err(at)?;
    sources
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push((name.to_string(), text.clone()));
    let header_line = text.lines().next().unwrap_or_default();
    let semicolons = header_line.contains(';');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if semicolons { b';' } else { b',' })
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let csv_error = |e: csv::Error| -> Box<EvalAltResult> {
        match e.kind() {
            csv::ErrorKind::UnequalLengths {
                pos,
                expected_len,
                len,
            } => at(format!(
                "row {} has {len} cells, the header {expected_len}\nhelp: every row needs a \
                 cell for each column (a {} inside a value must be in quotes)",
                pos.as_ref().map_or(0, |p| p.line()),
                if semicolons { "';'" } else { "','" }
            )),
            _ => at(format!("is not a CSV file that can be read: {e}")),
        }
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(str::to_string)
        .collect();
    if headers.is_empty() || text.trim().is_empty() {
        return Err(at(
            "the file is empty; its first row names the columns".into()
        ));
    }
    if headers.len() > MAX_TABLE_ROWS {
        return Err(at(format!("more than {MAX_TABLE_ROWS} columns")));
    }
    for (c, h) in headers.iter().enumerate() {
        if h.is_empty() {
            return Err(at(format!(
                "column {} of the header (row 1) has no name; the first row names the columns",
                c + 1
            )));
        }
        if let Some(first) = headers[..c].iter().position(|o| o == h) {
            return Err(at(format!(
                "columns {} and {} of the header (row 1) are both named \"{h}\"",
                first + 1,
                c + 1
            )));
        }
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, |p| p.line());
        if rows.len() == MAX_TABLE_ROWS {
            return Err(at(format!("more than {MAX_TABLE_ROWS} rows of data")));
        }
        let row = record
            .iter()
            .zip(&headers)
            .enumerate()
            .map(|(c, (cell, header))| {
                cell_value(cell, semicolons).map_err(|m| {
                    at(format!(
                        "row {line}, column \"{header}\" (column {}): {m}",
                        c + 1
                    ))
                })
            })
            .collect::<FnResult<Vec<Dynamic>>>()?;
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(at("the file has a header but no rows of data".into()));
    }
    Ok(Table { headers, rows })
}

/// A number as a CSV cell writes it: a decimal point, or in a semicolon-separated file a decimal
/// comma; `None` if it is not one.
fn parse_number(cell: &str, semicolons: bool) -> Option<f64> {
    let plain = |t: &str| {
        let first = t.trim_start_matches(['-', '+']).chars().next();
        // Rust also reads "inf" and "NaN"; a cell of text should stay text.
        if first.is_some_and(|c| c.is_ascii_digit() || c == '.') {
            t.parse::<f64>().ok()
        } else {
            None
        }
    };
    plain(cell).or_else(|| {
        (semicolons && cell.matches(',').count() == 1 && !cell.contains('.'))
            .then(|| plain(&cell.replace(',', ".")))
            .flatten()
    })
}

/// The value of a cell: a number, or text; a number written as a spreadsheet shows it (with
/// spaces, a percent sign, a decimal comma in a comma-separated file) or an empty cell is an
/// error that says what to write.
fn cell_value(cell: &str, semicolons: bool) -> Result<Dynamic, String> {
    if cell.is_empty() {
        return Err("the cell is empty; write a number or a text (a 0 if that is meant)".into());
    }
    if let Some(x) = parse_number(cell, semicolons) {
        if !x.is_finite() || x.abs() > crate::dist::MAX_AMOUNT {
            return Err(format!(
                "{cell} is beyond ±10^15, more than any amount in a model"
            ));
        }
        return Ok(Dynamic::from_float(x));
    }
    let squeezed: String = cell
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if squeezed != cell && parse_number(&squeezed, semicolons).is_some() {
        return Err(format!(
            "\"{cell}\" is a number with spaces; write {}",
            squeezed.replace(',', ".")
        ));
    }
    if let Some(percent) = squeezed.strip_suffix('%')
        && let Some(x) = parse_number(percent, semicolons)
    {
        return Err(format!("\"{cell}\": write {cell} as {}", number(x / 100.0)));
    }
    if !semicolons && parse_number(&squeezed.replace(',', "."), false).is_some() {
        return Err(format!(
            "\"{cell}\" has a decimal comma in a file separated by commas; write {}, or save \
             the file separated by semicolons (as Excel does in Swedish), where a decimal comma \
             is read",
            squeezed.replace(',', ".")
        ));
    }
    Ok(Dynamic::from(cell.to_string()))
}
