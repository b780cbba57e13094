//! The updated forecast: the real cohort's horizon simulated again under the posterior, with
//! what has been observed kept as it happened ([`crate::sim::reforecast`]), beside the forecast
//! before anything was observed (the prior, a cohort of the same size drawn as a run draws it).
//! Both are summarised as runs ([`RunResults`]): net, P(loss), payback per actor and
//! perspective, year by year; and the net is split into the years observed and those left.

use super::posterior::Posterior;
use crate::error::Result;
use crate::results::{PointOfViewKind, RunResults, nets_through};
use crate::scenario::Scenario;
use crate::sim::likelihood::Likelihood;
use crate::sim::reforecast::{Followed, ForecastIteration, reforecast, unsupported};
use crate::sim::{IterationResult, ParameterSampler, SimSettings};
use crate::stats::{Summary, quantile_sorted};
use serde::{Deserialize, Serialize};

/// The forecast before and after the observations, for the intervention as it is run.
#[derive(Debug, Serialize, Deserialize)]
pub struct UpdatedForecast {
    /// The intervention the participants take part in.
    pub intervention: String,
    /// The years of the horizon observed: up to the last year anybody was observed in.
    pub observed_years: usize,
    /// People in the forecast before: the observed cohort's size, or the scenario's where its
    /// subgroups are counted; absent with intakes, whose counts are the scenario's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people_before: Option<u32>,
    /// The forecast before anything was observed: the prior; participants drawn by the uptake.
    pub before: RunResults,
    /// The forecast now: the posterior; the observed people, their observed years as they were.
    pub after: RunResults,
    /// Per point of view (actors, perspectives, all actors): the net of the observed years and
    /// of the years left, now.
    pub periods: Vec<PeriodNet>,
    /// Per state, how many people are in it each year: observed, and the bands before and now.
    pub states: Vec<StateTrajectory>,
}

/// Why a follow-up has no forecast.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoForecast {
    /// Nobody in the observed file took part in an intervention.
    NobodyTookPart,
    /// The observed people took part in several interventions; the forecast follows one.
    SeveralInterventions { interventions: Vec<String> },
    /// The scenario has what the forecast cannot yet follow (`what`: e.g. "costs or outcomes
    /// evaluated per person").
    Unsupported { what: String },
}

/// One point of view's net, split at the last observed year (discounted to year 0).
#[derive(Debug, Serialize, Deserialize)]
pub struct PeriodNet {
    pub name: String,
    pub kind: PointOfViewKind,
    /// The net of the observed years: the observed arm against its counterfactual.
    pub so_far: Summary,
    /// The net of the years left, as now forecast.
    pub rest: Summary,
}

/// The people in one state, year by year.
#[derive(Debug, Serialize, Deserialize)]
pub struct StateTrajectory {
    pub state: String,
    /// In each observed year, the people observed in the state (of `observed_people`).
    pub observed: Vec<u32>,
    /// In each observed year, the people observed.
    pub observed_people: Vec<u32>,
    /// Each year of the horizon, the people in the state in the forecast before (the
    /// intervention as run: participants under it, the others under ordinary practice).
    pub before: Vec<Band>,
    /// The same, now.
    pub after: Vec<Band>,
}

/// P5, median and P95 of a count over the iterations.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// The updated forecast of `likelihood`'s observed cohort under `posterior`, with as many
/// iterations as particles; or why there is none.
/// The forecast before uses the run's own parameter draws (`seed`, `fixed`), and both use the
/// run's cohort streams, so the two share their random numbers.
pub fn updated_forecast(
    scenario: &Scenario,
    likelihood: &Likelihood,
    posterior: &Posterior,
    seed: u64,
    fixed: &[(usize, f64)],
    on_iteration: &(dyn Fn() + Sync),
) -> Result<std::result::Result<UpdatedForecast, NoForecast>> {
    if let Some(what) = unsupported(scenario) {
        return Ok(Err(NoForecast::Unsupported {
            what: what.to_string(),
        }));
    }
    let people = likelihood.people();
    let mut arms: Vec<usize> = people
        .iter()
        .map(|p| p.variant)
        .filter(|&v| v > 0)
        .collect();
    arms.sort_unstable();
    arms.dedup();
    let arm = match arms[..] {
        [] => return Ok(Err(NoForecast::NobodyTookPart)),
        [arm] => arm,
        _ => {
            return Ok(Err(NoForecast::SeveralInterventions {
                interventions: arms
                    .iter()
                    .map(|&a| scenario.arms[a].name.clone())
                    .collect(),
            }));
        }
    };
    let iterations = posterior.params.len();
    let settings = SimSettings {
        method: crate::sim::Method::Individual,
        iterations,
        seed,
        fixed: fixed.to_vec(),
    };
    let counted = scenario
        .subgroups
        .iter()
        .any(|g| g.count.is_some() || g.start_counts.is_some());
    let people_before = if !scenario.intakes.is_empty() {
        None
    } else if counted {
        Some(scenario.cohort)
    } else {
        Some(people.len() as u32)
    };
    let sampler = ParameterSampler::new(scenario, &settings);
    let prior: Vec<Vec<f64>> = (0..iterations).map(|i| sampler.sample(i)).collect();
    let unobserved = Followed::Unobserved {
        people: people_before.unwrap_or(0),
    };
    let before = reforecast(scenario, &unobserved, arm, seed, &prior, on_iteration)?;
    let now = posterior.equally_weighted(seed);
    let after = reforecast(
        scenario,
        &Followed::Observed(likelihood),
        arm,
        seed,
        &now,
        on_iteration,
    )?;
    let observed_years = likelihood.observed_years();
    let results_of = |f: &[ForecastIteration]| -> Vec<IterationResult> {
        f.iter().map(|f| f.result.clone()).collect()
    };
    let after_iterations = results_of(&after);
    let horizon = scenario.horizon as usize;
    let so_far = nets_through(scenario, &after_iterations, arm, observed_years);
    let whole = nets_through(scenario, &after_iterations, arm, horizon);
    let periods = so_far
        .into_iter()
        .zip(whole)
        .map(|((name, kind, so_far), (_, _, whole))| {
            let rest: Vec<f64> = whole.iter().zip(&so_far).map(|(w, s)| w - s).collect();
            PeriodNet {
                name,
                kind,
                so_far: summary(&so_far),
                rest: summary(&rest),
            }
        })
        .collect();
    let states = trajectories(scenario, likelihood, observed_years, &before, &after);
    Ok(Ok(UpdatedForecast {
        intervention: scenario.arms[arm].name.clone(),
        observed_years,
        people_before,
        before: summarise(scenario, &settings, &results_of(&before), arm),
        after: summarise(scenario, &settings, &after_iterations, arm),
        periods,
        states,
    }))
}

fn summary(values: &[f64]) -> Summary {
    Summary::of(values).unwrap_or_else(Summary::undefined)
}

/// The iterations summarised as a run's, with the comparisons of arms not run left out.
fn summarise(
    scenario: &Scenario,
    settings: &SimSettings,
    iterations: &[IterationResult],
    arm: usize,
) -> RunResults {
    let mut results = RunResults::new(
        scenario,
        settings,
        &crate::samples::RunSamples::of(scenario, iterations),
    );
    let run = &scenario.arms[arm].name;
    results.comparisons.retain(|c| &c.intervention == run);
    results
        .arms
        .retain(|name, _| name == run || name == &scenario.arms[0].name);
    results.option_comparison = None;
    results
}

fn band(values: &mut [f64]) -> Band {
    values.sort_by(f64::total_cmp);
    Band {
        p5: quantile_sorted(values, 0.05),
        p50: quantile_sorted(values, 0.5),
        p95: quantile_sorted(values, 0.95),
    }
}

fn trajectories(
    scenario: &Scenario,
    likelihood: &Likelihood,
    observed_years: usize,
    before: &[ForecastIteration],
    after: &[ForecastIteration],
) -> Vec<StateTrajectory> {
    let (h, s_n) = (scenario.horizon as usize, scenario.states.len());
    let people = likelihood.people();
    let bands = |forecast: &[ForecastIteration], s: usize| -> Vec<Band> {
        (0..h)
            .map(|t| {
                let mut v: Vec<f64> = forecast
                    .iter()
                    .map(|f| f64::from(f.occupancy[t * s_n + s]))
                    .collect();
                band(&mut v)
            })
            .collect()
    };
    let observed_people: Vec<u32> = (0..observed_years)
        .map(|t| people.iter().filter(|p| p.state_in(t).is_some()).count() as u32)
        .collect();
    (0..s_n)
        .map(|s| StateTrajectory {
            state: scenario.states[s].clone(),
            observed: (0..observed_years)
                .map(|t| people.iter().filter(|p| p.state_in(t) == Some(s)).count() as u32)
                .collect(),
            observed_people: observed_people.clone(),
            before: bands(before, s),
            after: bands(after, s),
        })
        .collect()
}
