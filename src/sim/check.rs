//! `socinv check`'s analysis: the model evaluated at many parameter draws, as the simulation
//! evaluates it, with every invalid value collected instead of stopping at the first, and the
//! warnings about parts of the model that do nothing. Typed results; the report formats them.
//!
//! The draws are the run's own (iteration `i` of a run with the same seed has the parameter
//! values of draw `i`) plus corners of the parameter space: every parameter at P1, every one at
//! P99, and each alone at P1 and at P99 with the others at their medians. Each draw fills the
//! per-iteration tables with `Tables::fill_inspected`, the engine's one set of rules: every
//! arm, subgroup, year, time in state, treated or not, during and after the program.
//!
//! Values of the person: attributes are not parameters. The rules that read them are evaluated
//! at the attributes' medians, except in the corners with every parameter at P1 (P99), which
//! move every attribute to its P1 (P99) too, and in one more pair of corners per attribute (it
//! alone at P1 and P99). The costs and outcomes the walk evaluates per person-year (no table
//! holds them) are evaluated here as the walk would, at every duration a person can have; a
//! start age drawn per person is taken at its median.

use super::tables::{Inspector, Plan, Rule, Tables, Violation};
use super::{ParameterSampler, SimSettings};
use crate::expr::{Expr, Node};
use crate::scenario::{Scenario, SourcePos};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// How many draws `check` samples unless told otherwise.
pub const DEFAULT_DRAWS: usize = 1_000;

/// The quantiles of the corner draws.
pub const CORNER_LOW: f64 = 0.01;
pub const CORNER_HIGH: f64 = 0.99;

/// Where a draw's parameter values come from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DrawKind {
    /// Sampled as iteration `iteration` of a run with the same seed.
    Sampled { iteration: usize },
    /// Every parameter at the quantile `q`.
    AllAt { q: f64 },
    /// Parameter `parameter` at the quantile `q`, the others at their medians.
    OneAt { parameter: usize, q: f64 },
    /// Attribute `attribute` at the quantile `q`; the other attributes and the parameters at
    /// their medians.
    AttributeAt { attribute: usize, q: f64 },
}

/// One set of parameter values the model was evaluated at.
#[derive(Clone, Debug)]
pub struct CheckDraw {
    pub kind: DrawKind,
    pub params: Vec<f64>,
    /// The values of the attributes the rules evaluated per person read in this draw: their
    /// medians, but at the corners (`AllAt` moves them with the parameters, `AttributeAt` one
    /// alone).
    pub attributes: Vec<f64>,
}

/// The draws of a check: `draws` sampled with `seed`, then the corners: those of the
/// parameters (every attribute at the same quantile in the two where every parameter is), then
/// each attribute alone at P1 and P99.
pub fn check_draws(scenario: &Scenario, draws: usize, seed: u64) -> Vec<CheckDraw> {
    let settings = SimSettings {
        method: super::Method::Individual,
        iterations: draws,
        seed,
        fixed: Vec::new(),
    };
    let sampler = ParameterSampler::new(scenario, &settings);
    let attributes_at = |q: f64| -> Vec<f64> {
        scenario
            .attributes
            .iter()
            .map(|a| a.distribution.dist.quantile(q))
            .collect()
    };
    let attribute_medians = attributes_at(0.5);
    let mut out: Vec<CheckDraw> = (0..draws)
        .map(|iteration| CheckDraw {
            kind: DrawKind::Sampled { iteration },
            params: sampler.sample(iteration),
            attributes: attribute_medians.clone(),
        })
        .collect();
    let at = |q: f64| -> Vec<f64> {
        scenario
            .parameters
            .iter()
            .map(|p| p.distribution.dist.quantile(q))
            .collect()
    };
    let medians: Vec<f64> = scenario
        .parameters
        .iter()
        .map(|p| p.distribution.dist.median())
        .collect();
    for q in [CORNER_LOW, CORNER_HIGH] {
        out.push(CheckDraw {
            kind: DrawKind::AllAt { q },
            params: at(q),
            attributes: attributes_at(q),
        });
    }
    for (parameter, p) in scenario.parameters.iter().enumerate() {
        for q in [CORNER_LOW, CORNER_HIGH] {
            let mut params = medians.clone();
            params[parameter] = p.distribution.dist.quantile(q);
            out.push(CheckDraw {
                kind: DrawKind::OneAt { parameter, q },
                params,
                attributes: attribute_medians.clone(),
            });
        }
    }
    for (attribute, a) in scenario.attributes.iter().enumerate() {
        for q in [CORNER_LOW, CORNER_HIGH] {
            let mut attributes = attribute_medians.clone();
            attributes[attribute] = a.distribution.dist.quantile(q);
            out.push(CheckDraw {
                kind: DrawKind::AttributeAt { attribute, q },
                params: medians.clone(),
                attributes,
            });
        }
    }
    out
}

/// The first place a rule gave an invalid value, in draw order.
#[derive(Debug)]
pub struct FindingExample {
    /// Index into [`CheckReport::draws`].
    pub draw: usize,
    pub kind: DrawKind,
    pub value: f64,
    /// The engine's description: arm variant, subgroup, year, time in state, the parameters
    /// the rule reads, and the message `run` would give.
    pub violation: Violation,
    /// The draw's parameter values.
    pub params: Vec<f64>,
    /// The attributes' values in the draw (see [`CheckDraw::attributes`]).
    pub attributes: Vec<f64>,
}

/// A rule that gives an invalid value in some draws: `run` would stop there.
#[derive(Debug)]
pub struct Finding {
    pub rule: Rule,
    /// Where the rule is declared, where it is one declaration.
    pub origin: Option<SourcePos>,
    /// In how many draws the rule gives an invalid value.
    pub failing_draws: usize,
    pub example: FindingExample,
}

/// Why an intervention changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoChange {
    /// `start_year` is at or beyond the horizon.
    StartsAfterHorizon,
    /// `years: 0`.
    NoYears,
    /// The uptake is 0 in every draw and subgroup.
    NoUptake,
    /// Its participants' transitions, costs and outcomes equal ordinary practice's in every
    /// draw, in every state they can reach: only its cost differs.
    NoEffect,
}

/// Something in the model that does nothing, or more than the analyst may mean: `check`
/// reports it and goes on (`--strict` makes it an error).
#[derive(Clone, Debug, PartialEq)]
pub enum Warning {
    /// A parameter that no rule reads (e.g. a rhai variable reused for a second `param`).
    UnusedParameter { parameter: usize },
    /// An actor with no cost rule and no share of a program.
    ActorWithoutCost { actor: usize },
    /// A state no one starts in or can move to.
    UnreachableState { state: usize },
    /// An intervention that changes nothing.
    InterventionChangesNothing { arm: usize, why: NoChange },
    /// A rule with an `effect(...)` not tied to an arm, in a scenario with several
    /// interventions: it applies to each of them.
    EffectForEveryArm { rule: FormulaRule },
    /// An intake arriving at or after the horizon: it is never simulated.
    IntakeAfterHorizon { intake: usize },
    /// An attribute that no rule reads: it is drawn for every person and changes nothing.
    UnusedAttribute { attribute: usize },
    /// An episode whose time no rule reads.
    UnusedEpisode { episode: usize },
    /// A start age is given, but no rule reads `age()`.
    StartAgeUnread,
}

/// A declaration that holds a formula.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormulaRule {
    Transition(usize),
    Cost(usize),
    Outcome(usize),
    /// An intervention's program (by arm).
    Program(usize),
}

impl Warning {
    /// Where the declaration the warning is about is, if the scenario knows it.
    pub fn origin<'a>(&self, sc: &'a Scenario) -> Option<&'a SourcePos> {
        match *self {
            Warning::UnusedParameter { parameter } => Some(&sc.parameters[parameter].origin),
            Warning::ActorWithoutCost { actor } => sc.actor_origins.get(actor),
            Warning::UnreachableState { state } => sc.state_origins.get(state),
            Warning::InterventionChangesNothing { arm, .. } => {
                sc.arms[arm].program.as_ref().map(|p| &p.origin)
            }
            Warning::EffectForEveryArm { rule } => Some(rule.origin(sc)),
            Warning::IntakeAfterHorizon { intake } => Some(&sc.intakes[intake].origin),
            Warning::UnusedAttribute { attribute } => Some(&sc.attributes[attribute].origin),
            Warning::UnusedEpisode { episode } => Some(&sc.episodes[episode].origin),
            Warning::StartAgeUnread => None,
        }
    }
}

impl FormulaRule {
    pub fn origin<'a>(&self, sc: &'a Scenario) -> &'a SourcePos {
        match *self {
            FormulaRule::Transition(i) => &sc.transitions[i].origin,
            FormulaRule::Cost(i) => &sc.costs[i].origin,
            FormulaRule::Outcome(i) => &sc.outcome_rules[i].origin,
            FormulaRule::Program(a) => {
                &sc.arms[a]
                    .program
                    .as_ref()
                    .expect("interventions have a program")
                    .origin
            }
        }
    }
}

/// A value of the person a rule reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PersonValue {
    Attribute(usize),
    Age,
    TimeInState,
    Episode(usize),
}

/// Where the engine follows people one by one: a rule evaluated per person and year (it reads
/// an attribute, the age where start ages are drawn per person, or, for costs and outcomes, a
/// duration), or a state's exits tabled by a duration.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonRule {
    pub rule: PersonRuleKind,
    /// The values of the person it reads.
    pub reads: Vec<PersonValue>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PersonRuleKind {
    /// The transitions out of a state, evaluated per person and year.
    Exits { state: usize },
    /// A cost rule (index into `Scenario::costs`), evaluated per person and year.
    Cost(usize),
    /// An outcome rule (index into `Scenario::outcome_rules`), evaluated per person and year.
    Outcome(usize),
    /// The transitions out of a state, tabled by the duration they read (not per person).
    ExitsByDuration { state: usize },
}

/// The values of the person `exprs` read, in the order attributes, age, time in state,
/// episodes.
fn person_values<'e>(
    sc: &Scenario,
    exprs: impl Iterator<Item = &'e Expr> + Clone,
) -> Vec<PersonValue> {
    let reads = |test: &dyn Fn(&Node) -> bool| exprs.clone().any(|e| e.any_node(test));
    let mut out: Vec<PersonValue> = (0..sc.attributes.len())
        .filter(|&i| reads(&|n| matches!(n, Node::Attribute { index, .. } if *index == i)))
        .map(PersonValue::Attribute)
        .collect();
    if reads(&|n| matches!(n, Node::Age)) {
        out.push(PersonValue::Age);
    }
    if reads(&|n| matches!(n, Node::TimeInState)) {
        out.push(PersonValue::TimeInState);
    }
    out.extend(
        (0..sc.episodes.len())
            .filter(|&i| {
                reads(&|n| matches!(n, Node::EpisodeTime { episode, .. } if *episode == i))
            })
            .map(PersonValue::Episode),
    );
    out
}

/// The attributes a rule's formulas read (none for rules that hold no attribute).
pub fn attributes_read(sc: &Scenario, rule: Rule) -> Vec<usize> {
    let exprs: Vec<&Expr> = match rule {
        Rule::Transition { index } => vec![&sc.transitions[index].probability],
        Rule::RowSum { state } => sc
            .transitions
            .iter()
            .filter(|r| r.from == state)
            .map(|r| &r.probability)
            .collect(),
        Rule::Cost { index } => vec![&sc.costs[index].amount],
        Rule::Outcome { index } => vec![&sc.outcome_rules[index].value],
        _ => Vec::new(),
    };
    person_values(sc, exprs.into_iter())
        .into_iter()
        .filter_map(|v| match v {
            PersonValue::Attribute(i) => Some(i),
            _ => None,
        })
        .collect()
}

/// The rules the engine evaluates per person and year, and the exits tabled by a duration, as
/// the simulation's plan decides them; empty for a scenario that reads no value of the person.
pub fn person_rules(sc: &Scenario) -> Vec<PersonRule> {
    let plan = Plan::new(sc);
    let mut out = Vec::new();
    for s in 0..plan.states {
        let exits = || {
            plan.rules_from[s]
                .iter()
                .map(|&i| &sc.transitions[i].probability)
        };
        if plan.person_rows[s] {
            out.push(PersonRule {
                rule: PersonRuleKind::Exits { state: s },
                reads: person_values(sc, exits()),
            });
        } else if plan.row_clock[s].is_some() {
            out.push(PersonRule {
                rule: PersonRuleKind::ExitsByDuration { state: s },
                reads: person_values(sc, exits()),
            });
        }
    }
    for (i, r) in sc
        .costs
        .iter()
        .enumerate()
        .filter(|(i, _)| plan.person_cost[*i])
    {
        out.push(PersonRule {
            rule: PersonRuleKind::Cost(i),
            reads: person_values(sc, std::iter::once(&r.amount)),
        });
    }
    for (i, r) in sc
        .outcome_rules
        .iter()
        .enumerate()
        .filter(|(i, _)| plan.person_outcome[*i])
    {
        out.push(PersonRule {
            rule: PersonRuleKind::Outcome(i),
            reads: person_values(sc, std::iter::once(&r.value)),
        });
    }
    out
}

/// What `check` found.
#[derive(Debug)]
pub struct CheckReport {
    pub draws: Vec<CheckDraw>,
    /// Per rule with invalid values, in the order of the first failing draw.
    pub findings: Vec<Finding>,
    pub warnings: Vec<Warning>,
    /// The draws (indices into `draws`) in which at least one rule gives an invalid value.
    pub failing: Vec<usize>,
}

/// Collects one draw's invalid values (the first per rule) and what the warnings need.
struct Collector<'s> {
    scenario: &'s Scenario,
    failures: BTreeMap<Rule, (f64, Violation)>,
    /// Per transition rule: a probability > 0 was seen.
    transition_positive: Vec<bool>,
    /// Per state: a subgroup with people starts there with a share > 0.
    start_positive: Vec<bool>,
    /// Per arm: an uptake > 0 was seen.
    uptake_positive: Vec<bool>,
}

impl Inspector for Collector<'_> {
    fn invalid(
        &mut self,
        rule: Rule,
        value: f64,
        violation: impl FnOnce() -> Violation,
    ) -> Result<(), Violation> {
        self.failures
            .entry(rule)
            .or_insert_with(|| (value, violation()));
        Ok(())
    }

    fn evaluated(&mut self, rule: Rule, value: f64) {
        if value.is_nan() || value <= 0.0 {
            return;
        }
        match rule {
            Rule::Transition { index } => self.transition_positive[index] = true,
            Rule::StartShare { group, state } if self.scenario.subgroups[group].share > 0.0 => {
                self.start_positive[state] = true;
            }
            Rule::Program { arm, .. } => self.uptake_positive[arm] = true,
            _ => {}
        }
    }
}

/// What one draw gave.
struct DrawOutcome {
    failures: BTreeMap<Rule, (f64, Violation)>,
    transition_positive: Vec<bool>,
    start_positive: Vec<bool>,
    uptake_positive: Vec<bool>,
    /// `differs[arm * S + state]`: the participants' row, costs or outcomes of the state
    /// differ from ordinary practice's somewhere.
    differs: Vec<bool>,
}

/// Evaluates the model at `draws` sampled draws (with `seed`) and the corners, in parallel
/// (the results do not depend on the number of threads), and looks for what does nothing.
pub fn check(scenario: &Scenario, draws: usize, seed: u64) -> CheckReport {
    let plan = Plan::new(scenario);
    let all = check_draws(scenario, draws, seed);
    // One plan per setting of the attributes: the tables evaluate the rules read per person at
    // the plan's attribute values (the medians unless set here).
    let mut settings: Vec<&[f64]> = Vec::new();
    let setting_of: Vec<usize> = all
        .iter()
        .map(|d| {
            settings
                .iter()
                .position(|s| *s == d.attributes.as_slice())
                .unwrap_or_else(|| {
                    settings.push(&d.attributes);
                    settings.len() - 1
                })
        })
        .collect();
    let plans: Vec<Plan> = settings
        .iter()
        .map(|values| {
            let mut p = Plan::new(scenario);
            p.attribute_medians = values.to_vec();
            p
        })
        .collect();
    let mut findings: BTreeMap<Rule, Finding> = BTreeMap::new();
    let mut failing = Vec::new();
    let (s_n, a_n) = (plan.states, plan.arms);
    let mut transition_positive = vec![false; scenario.transitions.len()];
    let mut start_positive = vec![false; s_n];
    let mut uptake_positive = vec![false; a_n];
    let mut differs = vec![false; a_n * s_n];
    // In chunks, so that memory holds a chunk's outcomes, not every draw's; merged in draw
    // order, so that the result does not depend on the threads.
    const CHUNK: usize = 4_096;
    let evaluated = all.chunks(CHUNK).enumerate().flat_map(|(c, chunk)| {
        let outcomes: Vec<DrawOutcome> = chunk
            .par_iter()
            .enumerate()
            .map_init(Tables::default, |tables, (i, d)| {
                evaluate(&plans[setting_of[c * CHUNK + i]], tables, &d.params)
            })
            .collect();
        outcomes
            .into_iter()
            .enumerate()
            .map(move |(i, o)| (c * CHUNK + i, o))
    });
    for (i, o) in evaluated {
        if !o.failures.is_empty() {
            failing.push(i);
        }
        for (rule, (value, violation)) in o.failures {
            findings
                .entry(rule)
                .and_modify(|f| f.failing_draws += 1)
                .or_insert_with(|| Finding {
                    rule,
                    origin: violation.origin.clone(),
                    failing_draws: 1,
                    example: FindingExample {
                        draw: i,
                        kind: all[i].kind,
                        value,
                        violation,
                        params: all[i].params.clone(),
                        attributes: all[i].attributes.clone(),
                    },
                });
        }
        let or = |acc: &mut [bool], x: &[bool]| acc.iter_mut().zip(x).for_each(|(a, b)| *a |= b);
        or(&mut transition_positive, &o.transition_positive);
        or(&mut start_positive, &o.start_positive);
        or(&mut uptake_positive, &o.uptake_positive);
        or(&mut differs, &o.differs);
    }
    let mut findings: Vec<Finding> = findings.into_values().collect();
    findings.sort_by_key(|f| (f.example.draw, f.rule));

    let reachable = reachable_states(scenario, &start_positive, &transition_positive);
    let warnings = warnings(scenario, &reachable, &uptake_positive, &differs);
    CheckReport {
        draws: all,
        findings,
        warnings,
        failing,
    }
}

fn evaluate(plan: &Plan, tables: &mut Tables, params: &[f64]) -> DrawOutcome {
    let sc = plan.scenario;
    let mut c = Collector {
        scenario: sc,
        failures: BTreeMap::new(),
        transition_positive: vec![false; sc.transitions.len()],
        start_positive: vec![false; plan.states],
        uptake_positive: vec![false; plan.arms],
    };
    tables
        .fill_inspected(plan, params, &mut c)
        .expect("the collector never stops the fill");
    let mut differs = differences(plan, tables);
    person_amounts(plan, tables, params, &mut c, &mut differs);
    DrawOutcome {
        differs,
        failures: c.failures,
        transition_positive: c.transition_positive,
        start_positive: c.start_positive,
        uptake_positive: c.uptake_positive,
    }
}

/// The costs and outcomes the walk evaluates per person-year (the tables leave them out), as
/// the walk evaluates them: every arm, subgroup and year, every duration a person can have
/// there (1 to year + 1, where the rule reads one), the draw's attribute values, the subgroup's
/// start age (the median of a drawn one) plus the year. Invalid values go to the collector;
/// where a participant's amount differs from ordinary practice's, `differs` is set.
fn person_amounts(
    plan: &Plan,
    tables: &Tables,
    params: &[f64],
    c: &mut Collector,
    differs: &mut [bool],
) {
    let sc = plan.scenario;
    let (s_n, e_n) = (plan.states, sc.episodes.len());
    let amounts = sc
        .costs
        .iter()
        .enumerate()
        .filter(|(i, _)| plan.person_cost[*i])
        .map(|(index, r)| {
            let what = format!(
                "the cost of \"{}\" for \"{}\"",
                sc.states[r.state], sc.actors[r.actor]
            );
            (Rule::Cost { index }, r.state, &r.amount, &r.origin, what)
        })
        .chain(
            sc.outcome_rules
                .iter()
                .enumerate()
                .filter(|(i, _)| plan.person_outcome[*i])
                .map(|(index, r)| {
                    let what = format!(
                        "outcome \"{}\" in \"{}\"",
                        sc.outcomes[r.outcome], sc.states[r.state]
                    );
                    (Rule::Outcome { index }, r.state, &r.value, &r.origin, what)
                }),
        );
    let mut episode = vec![0_u32; e_n];
    for (rule, state, e, origin, what) in amounts {
        let clock = super::tables::clock_read(sc, state, &e.dependencies());
        for g in 0..plan.groups {
            for t in 0..plan.years {
                let durations = if clock.is_some() { t as u32 + 1 } else { 1 };
                for d in 1..=durations {
                    episode.iter_mut().for_each(|x| *x = 0);
                    let time_in_state = match clock {
                        Some(super::tables::Clock::Episode(i)) => {
                            episode[i] = d;
                            1
                        }
                        _ => d,
                    };
                    let mut baseline = f64::NAN;
                    for v in 0..plan.arms {
                        let cx = crate::expr::EvalContext {
                            episode_time: &episode,
                            age: tables.start_age[g] + t as f64,
                            ..plan.context(params, v, g, t, time_in_state)
                        };
                        let x = e.eval(&cx);
                        if v == 0 {
                            baseline = x;
                        } else if x.to_bits() != baseline.to_bits() {
                            differs[v * s_n + state] = true;
                        }
                        if !x.is_finite() {
                            let _ = c.invalid(rule, x, || Violation {
                                message: format!(
                                    "{what} is {} for a person, not a finite number",
                                    crate::error::number(x)
                                ),
                                params: e.dependencies().params,
                                variant: v,
                                group: g,
                                year: t,
                                time_in_state: clock.map(|_| d),
                                origin: Some(origin.clone()),
                            });
                        }
                    }
                }
            }
        }
    }
}

/// Per arm and state: whether the participants' tables differ from ordinary practice's.
fn differences(plan: &Plan, tables: &Tables) -> Vec<bool> {
    let (s_n, h, n_a, n_o) = (plan.states, plan.years, plan.actors, plan.outcomes);
    let mut differs = vec![false; plan.arms * s_n];
    for a in 1..plan.arms {
        for g in 0..plan.groups {
            for t in 0..h {
                let (ours, theirs) = (plan.block(a, g, t), plan.block(0, g, t));
                for s in 0..s_n {
                    let slot = &mut differs[a * s_n + s];
                    if *slot {
                        continue;
                    }
                    let rows = if plan.tis_slot[s].is_some() { t + 1 } else { 1 };
                    let row_differs = t + 1 < h
                        && (1..=rows).any(|tis| {
                            tables.row(plan, ours, s, tis) != tables.row(plan, theirs, s, tis)
                        });
                    let cells = |block: usize, width: usize| (block * s_n + s) * width;
                    let cost = |v: &[f64]| {
                        let (x, y) = (cells(ours, n_a * 2), cells(theirs, n_a * 2));
                        v[x..x + n_a * 2] != v[y..y + n_a * 2]
                    };
                    let outcome = |v: &[f64]| {
                        let (x, y) = (cells(ours, n_o), cells(theirs, n_o));
                        v[x..x + n_o] != v[y..y + n_o]
                    };
                    *slot = row_differs
                        || cost(&tables.yearly_cost)
                        || cost(&tables.entry_cost)
                        || outcome(&tables.yearly_outcome)
                        || outcome(&tables.entry_outcome);
                }
            }
        }
    }
    differs
}

/// The states someone can be in: a start state, or one a transition with a probability > 0
/// in some draw leads to from a state someone can be in.
fn reachable_states(sc: &Scenario, start: &[bool], positive: &[bool]) -> Vec<bool> {
    let mut reached = start.to_vec();
    loop {
        let mut grew = false;
        for (r, _) in sc.transitions.iter().zip(positive).filter(|(_, p)| **p) {
            if reached[r.from] && !reached[r.to] {
                reached[r.to] = true;
                grew = true;
            }
        }
        if !grew {
            return reached;
        }
    }
}

fn warnings(sc: &Scenario, reachable: &[bool], uptake: &[bool], differs: &[bool]) -> Vec<Warning> {
    let mut out = Vec::new();
    let formulas = formulas(sc);

    // Parameters no rule reads.
    let mut read = vec![false; sc.parameters.len()];
    for (e, _) in &formulas {
        for p in e.dependencies().params {
            read[p] = true;
        }
    }
    for g in &sc.subgroups {
        for e in &g.start {
            for p in e.dependencies().params {
                read[p] = true;
            }
        }
    }
    for i in &sc.intakes {
        for p in i.count.dependencies().params {
            read[p] = true;
        }
    }
    out.extend(
        (0..sc.parameters.len())
            .filter(|&p| !read[p])
            .map(|parameter| Warning::UnusedParameter { parameter }),
    );

    // Values of the person no rule reads.
    let reads = |test: &dyn Fn(&Node) -> bool| formulas.iter().any(|(e, _)| e.any_node(test));
    out.extend(
        (0..sc.attributes.len())
            .filter(|&i| !reads(&|n| matches!(n, Node::Attribute { index, .. } if *index == i)))
            .map(|attribute| Warning::UnusedAttribute { attribute }),
    );
    out.extend(
        (0..sc.episodes.len())
            .filter(|&i| {
                !reads(&|n| matches!(n, Node::EpisodeTime { episode, .. } if *episode == i))
            })
            .map(|episode| Warning::UnusedEpisode { episode }),
    );
    if sc.subgroups.iter().any(|g| g.start_age.is_some()) && !reads(&|n| matches!(n, Node::Age)) {
        out.push(Warning::StartAgeUnread);
    }

    // Actors that carry nothing.
    let mut carries = vec![false; sc.actors.len()];
    for r in &sc.costs {
        carries[r.actor] = true;
    }
    for p in sc.arms.iter().filter_map(|a| a.program.as_ref()) {
        for &(a, _) in &p.funded_by {
            carries[a] = true;
        }
    }
    out.extend(
        (0..sc.actors.len())
            .filter(|&a| !carries[a])
            .map(|actor| Warning::ActorWithoutCost { actor }),
    );

    out.extend(
        (0..sc.states.len())
            .filter(|&s| !reachable[s])
            .map(|state| Warning::UnreachableState { state }),
    );

    // Interventions that change nothing.
    let s_n = sc.states.len();
    for (a, arm) in sc.interventions() {
        let p = arm.program.as_ref().expect("interventions have a program");
        let why = if p.start_year >= sc.horizon {
            Some(NoChange::StartsAfterHorizon)
        } else if p.years == 0 {
            Some(NoChange::NoYears)
        } else if !uptake[a] {
            Some(NoChange::NoUptake)
        } else if !(0..s_n).any(|s| reachable[s] && differs[a * s_n + s]) {
            Some(NoChange::NoEffect)
        } else {
            None
        };
        if let Some(why) = why {
            out.push(Warning::InterventionChangesNothing { arm: a, why });
        }
    }

    out.extend(
        (0..sc.intakes.len())
            .filter(|&i| sc.intakes[i].year >= sc.horizon)
            .map(|intake| Warning::IntakeAfterHorizon { intake }),
    );

    // Effects that apply to every intervention.
    if sc.arms.len() > 2 {
        let mut seen: Vec<FormulaRule> = Vec::new();
        for (e, rule) in &formulas {
            let untied = e.any_node(&|n| matches!(n, Node::Effect { arm: None, .. }));
            if untied && !seen.contains(rule) {
                seen.push(*rule);
                out.push(Warning::EffectForEveryArm { rule: *rule });
            }
        }
    }
    out
}

/// Every formula of the scenario but the starting shares, with its declaration.
fn formulas(sc: &Scenario) -> Vec<(&crate::expr::Expr, FormulaRule)> {
    let mut all = Vec::new();
    all.extend(
        sc.transitions
            .iter()
            .enumerate()
            .map(|(i, r)| (&r.probability, FormulaRule::Transition(i))),
    );
    all.extend(
        sc.costs
            .iter()
            .enumerate()
            .map(|(i, r)| (&r.amount, FormulaRule::Cost(i))),
    );
    all.extend(
        sc.outcome_rules
            .iter()
            .enumerate()
            .map(|(i, r)| (&r.value, FormulaRule::Outcome(i))),
    );
    for (a, arm) in sc.interventions() {
        let p = arm.program.as_ref().expect("interventions have a program");
        for e in [&p.startup, &p.per_participant, &p.uptake] {
            all.push((e, FormulaRule::Program(a)));
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(source: &str) -> Scenario {
        crate::script::load_scenario_str(source, "t.rhai", std::path::Path::new(".")).unwrap()
    }

    /// The collector sees what the engine's check stops at: the first failing draw is the
    /// iteration a run stops at, with the same message.
    #[test]
    fn the_first_finding_is_where_and_what_a_run_stops_at() {
        let sc = load(
            r#"scenario(#{ name: "t", horizon: 4, cohort: 10 });
actor("k");
state("a"); state("b");
start(#{ a: 1.0 });
let p = param("p", uniform(0.1, 0.6));
let eff = param("eff", uniform(0.5, 1.0));
intervention("x", #{ startup: 1 , funded_by: #{ k: 1.0 } });
transition("a", "b", p * 2 * eff * effect(0.9, 0.1));
cost("a", "k", 1);
"#,
        );
        let report = check(&sc, 200, 5);
        let first = &report.findings[0];
        let draw = report.failing[0];
        assert_eq!(first.example.draw, draw);
        assert_eq!(first.example.kind, DrawKind::Sampled { iteration: draw });
        let settings = SimSettings {
            method: crate::sim::Method::Individual,
            iterations: 200,
            seed: 5,
            fixed: Vec::new(),
        };
        let err = super::super::simulate(&sc, &settings, &|| {})
            .unwrap_err()
            .to_string();
        assert!(err.contains(&format!("iteration {draw} (seed 5)")), "{err}");
        assert!(err.contains(&first.example.violation.message), "{err}");
        assert_eq!(report.draws.len(), 200 + 2 + 4);
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    }

    #[test]
    fn the_corners_are_every_parameter_at_p1_at_p99_and_each_alone() {
        let sc = load(
            r#"scenario(#{ name: "t", horizon: 2, cohort: 10 });
actor("k");
state("a");
start(#{ a: 1.0 });
let a = param("a", uniform(0, 1));
let b = param("b", uniform(10, 20));
intervention("x", #{});
cost("a", "k", a + b);
"#,
        );
        let draws = check_draws(&sc, 0, 1);
        let values: Vec<Vec<f64>> = draws.iter().map(|d| d.params.clone()).collect();
        let close = |x: &[f64], y: &[f64]| x.iter().zip(y).all(|(a, b)| (a - b).abs() < 1e-9);
        for (got, want) in values.iter().zip([
            [0.01, 10.1],
            [0.99, 19.9],
            [0.01, 15.0],
            [0.99, 15.0],
            [0.5, 10.1],
            [0.5, 19.9],
        ]) {
            assert!(close(got, &want), "{got:?} vs {want:?}");
        }
        assert_eq!(draws.len(), 6);
    }

    /// With attributes: the all-parameters corners move them too, each parameter's corners
    /// keep them at their medians, and each attribute gets its own pair of corners.
    #[test]
    fn the_attributes_move_with_the_all_corners_and_each_alone() {
        let sc = load(
            r#"scenario(#{ name: "t", horizon: 2, cohort: 10 });
actor("k");
state("a"); state("b");
start(#{ a: 1.0 });
let a = param("a", uniform(0, 1));
let x = attribute("x", uniform(0, 10));
let y = attribute("y", uniform(100, 200));
intervention("v", #{});
transition("a", "b", a * x / 10 * y / 200);
"#,
        );
        let draws = check_draws(&sc, 1, 1);
        let got: Vec<(DrawKind, Vec<f64>)> = draws
            .iter()
            .map(|d| (d.kind, d.attributes.clone()))
            .collect();
        let close = |x: &[f64], y: &[f64]| x.iter().zip(y).all(|(a, b)| (a - b).abs() < 1e-9);
        let want: [(DrawKind, [f64; 2]); 9] = [
            (DrawKind::Sampled { iteration: 0 }, [5.0, 150.0]),
            (DrawKind::AllAt { q: 0.01 }, [0.1, 101.0]),
            (DrawKind::AllAt { q: 0.99 }, [9.9, 199.0]),
            (
                DrawKind::OneAt {
                    parameter: 0,
                    q: 0.01,
                },
                [5.0, 150.0],
            ),
            (
                DrawKind::OneAt {
                    parameter: 0,
                    q: 0.99,
                },
                [5.0, 150.0],
            ),
            (
                DrawKind::AttributeAt {
                    attribute: 0,
                    q: 0.01,
                },
                [0.1, 150.0],
            ),
            (
                DrawKind::AttributeAt {
                    attribute: 0,
                    q: 0.99,
                },
                [9.9, 150.0],
            ),
            (
                DrawKind::AttributeAt {
                    attribute: 1,
                    q: 0.01,
                },
                [5.0, 101.0],
            ),
            (
                DrawKind::AttributeAt {
                    attribute: 1,
                    q: 0.99,
                },
                [5.0, 199.0],
            ),
        ];
        assert_eq!(got.len(), want.len());
        for ((kind, values), (want_kind, want_values)) in got.iter().zip(&want) {
            assert_eq!(kind, want_kind);
            assert!(close(values, want_values), "{kind:?}: {values:?}");
        }
        for d in &draws[5..] {
            assert!(close(&d.params, &[0.5]), "{:?}", d.kind);
        }
    }
}
