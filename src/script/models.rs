//! Functions that declare a whole row of transitions at once: a Dirichlet row from observed
//! counts (`dirichlet_row`) and competing risks from yearly rates (`competing_rates`).
//! docs/scripting.md documents them for analysts, docs/methods.md their definitions.
//!
//! A child module of `api`: it fills the same builder with the same helpers.

use super::*;

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
