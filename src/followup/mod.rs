//! Follow-up: what the observed history of the real cohort says about the scenario's
//! assumptions, and what it now means for the investment. The parameters' prior is updated by
//! the likelihood of every observed yearly move (the model's own transition tables,
//! [`crate::sim::likelihood`]) into their posterior ([`posterior`]); each parameter is
//! compared before and after; and the forecast is made again from what has happened
//! ([`forecast`]).
//!
//! May import: `results`, `sensitivity` (its progress), `schema`, `sim`, `scenario`, `stats`,
//! `source_text`, `error`; never
//! `report` (it returns typed values and never formats).

pub mod forecast;
pub mod observed;
pub mod posterior;

use crate::error::{Error, Result};
use crate::scenario::Scenario;
use crate::schema::followup::{
    FOLLOWUP, FollowUpReport, ObservedSummary, ParameterUpdate, PosteriorMethod, PosteriorSummary,
    Spread, Verdict,
};
use crate::sensitivity::Progress;
use crate::sim::likelihood::Likelihood;
use crate::sim::{ParameterSampler, SimSettings};
use crate::stats::weighted_spread;
use forecast::{NoForecast, UpdatedForecast};
use observed::{ObservedFile, year_text};
use posterior::{Method, Posterior};
use serde::{Deserialize, Serialize};

/// What `socinv follow-up` found (schema `socinv.followup/1`): the parameters before and
/// after, and the forecast before and now (or why there is none).
#[derive(Debug, Serialize, Deserialize)]
pub struct FollowUp {
    #[serde(flatten)]
    pub update: FollowUpReport,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forecast: Option<UpdatedForecast>,
    /// Why there is no forecast, where there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_forecast: Option<NoForecast>,
}

/// How to run a follow-up.
#[derive(Clone, Debug)]
pub struct FollowUpSettings {
    /// Particles of the posterior sampler.
    pub particles: usize,
    pub seed: u64,
    /// Parameters fixed with `--set`: (parameter index, value).
    pub fixed: Vec<(usize, f64)>,
}

/// The posterior sd, as a share of the prior's, at or below which an uncontradicted
/// parameter counts as confirmed.
pub const CONFIRMED_SD_RATIO: f64 = 0.8;

/// Updates `scenario`'s parameters with the observed cohort of `file`, then its forecast;
/// `progress` is told of the two stages and of each iteration of the forecasts.
pub fn follow_up(
    scenario: &Scenario,
    file: &ObservedFile,
    settings: &FollowUpSettings,
    progress: &dyn Progress,
) -> Result<FollowUp> {
    progress.stage("posterior", None, "particles");
    let (update, posterior, likelihood) = update(scenario, file, settings)?;
    progress.stage(
        "forecast",
        Some(2 * posterior.params.len() as u64),
        "iterations",
    );
    let (forecast, no_forecast) = match forecast::updated_forecast(
        scenario,
        &likelihood,
        &posterior,
        settings.seed,
        &settings.fixed,
        &|| progress.advance(1),
    )? {
        Ok(forecast) => (Some(forecast), None),
        Err(why) => (None, Some(why)),
    };
    Ok(FollowUp {
        update,
        forecast,
        no_forecast,
    })
}

/// The parameters' update alone: the report, the posterior, and the likelihood it came from.
pub fn update<'s>(
    scenario: &'s Scenario,
    file: &ObservedFile,
    settings: &FollowUpSettings,
) -> Result<(FollowUpReport, Posterior, Likelihood<'s>)> {
    let likelihood = Likelihood::new(scenario, file.cohort.clone())?;
    let sim_settings = SimSettings {
        method: crate::sim::Method::Individual,
        iterations: settings.particles,
        seed: settings.seed,
        fixed: settings.fixed.clone(),
    };
    let sampler = ParameterSampler::new(scenario, &sim_settings);
    let Some(posterior) =
        posterior::sample(&likelihood, &sampler, settings.particles, settings.seed)?
    else {
        let at = sampler.at_normals(&vec![0.0; scenario.parameters.len()]);
        return Err(impossible(scenario, file, &likelihood, &at));
    };
    let report = FollowUpReport {
        schema: FOLLOWUP.to_string(),
        socinv_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: scenario.name.clone(),
        file: scenario.file.clone(),
        source_hash: scenario.source_hash.clone(),
        observed_file: file.name.clone(),
        seed: settings.seed,
        fixed: settings
            .fixed
            .iter()
            .map(|(i, v)| (scenario.parameters[*i].name.clone(), *v))
            .collect(),
        labels: scenario.labels.clone(),
        observed: observed_summary(scenario, file),
        posterior: posterior_summary(&posterior),
        parameters: updates(scenario, settings, &posterior),
    };
    Ok((report, posterior, likelihood))
}

fn observed_summary(scenario: &Scenario, file: &ObservedFile) -> ObservedSummary {
    let cohort = &file.cohort;
    let years = cohort.years();
    ObservedSummary {
        people: cohort.people.len(),
        participants: cohort.people.iter().filter(|p| p.variant > 0).count(),
        person_years: cohort.people.iter().map(|p| p.states.len()).sum(),
        moves: cohort.moves(),
        years,
        last_calendar_year: scenario.first_year.map(|y| y + years as i32 - 1),
    }
}

fn posterior_summary(p: &Posterior) -> PosteriorSummary {
    let (method, stages, acceptance) = match p.method {
        Method::ImportanceSampling => (PosteriorMethod::ImportanceSampling, 0, None),
        Method::SequentialMonteCarlo {
            stages, acceptance, ..
        } => (
            PosteriorMethod::SequentialMonteCarlo,
            stages,
            Some(acceptance),
        ),
    };
    PosteriorSummary {
        method,
        particles: p.params.len(),
        effective_sample_size: p.ess,
        stages,
        moves_per_stage: posterior::MOVES_PER_STAGE,
        acceptance,
        log_evidence: p.log_evidence,
    }
}

const PS: [f64; 3] = [0.05, 0.5, 0.95];

fn spread(values: &[f64], weights: &[f64]) -> Spread {
    let (mean, sd, q) = weighted_spread(values, weights, &PS);
    Spread {
        mean,
        sd,
        p5: q[0],
        p50: q[1],
        p95: q[2],
    }
}

/// Whether each parameter can be informed by observed states: read by a transition or a
/// starting share, or correlated with one that is.
pub fn informed_parameters(scenario: &Scenario) -> Vec<bool> {
    let mut read = vec![false; scenario.parameters.len()];
    let exprs = scenario
        .transitions
        .iter()
        .map(|t| &t.probability)
        .chain(scenario.subgroups.iter().flat_map(|g| &g.start));
    for e in exprs {
        for i in e.dependencies().params {
            read[i] = true;
        }
    }
    for g in &scenario.correlated_groups {
        if g.members.iter().any(|&m| read[m]) {
            for &m in &g.members {
                read[m] = true;
            }
        }
    }
    read
}

/// Each free parameter before and after, the most informed (smallest sd ratio) first.
fn updates(
    scenario: &Scenario,
    settings: &FollowUpSettings,
    p: &Posterior,
) -> Vec<ParameterUpdate> {
    let n = p.prior.len();
    let equal = vec![1.0 / n as f64; n];
    let informed = informed_parameters(scenario);
    let mut out: Vec<ParameterUpdate> = scenario
        .parameters
        .iter()
        .enumerate()
        .filter(|(i, _)| !settings.fixed.iter().any(|(f, _)| f == i))
        .filter_map(|(i, param)| {
            let column = |rows: &[Vec<f64>]| rows.iter().map(|r| r[i]).collect::<Vec<f64>>();
            let prior = spread(&column(&p.prior), &equal);
            if prior.sd == 0.0 {
                return None;
            }
            let posterior = spread(&column(&p.params), &p.weights);
            let sd_ratio = posterior.sd / prior.sd;
            let mut sorted = column(&p.prior);
            sorted.sort_by(f64::total_cmp);
            let percentile =
                |x: f64| sorted.partition_point(|&v| v <= x) as f64 / sorted.len() as f64;
            let outside = |x: f64, s: &Spread| x < s.p5 || x > s.p95;
            let verdict = if !informed[i] {
                Verdict::Unchanged
            } else if outside(posterior.p50, &prior) {
                Verdict::Contradicted
            } else if outside(prior.p50, &posterior) {
                Verdict::Shifted
            } else if sd_ratio <= CONFIRMED_SD_RATIO {
                Verdict::Confirmed
            } else {
                Verdict::Unchanged
            };
            Some(ParameterUpdate {
                name: param.name.clone(),
                prior,
                posterior,
                posterior_mean_mcse: posterior.sd / p.ess.sqrt(),
                sd_ratio,
                posterior_in_prior: [posterior.p5, posterior.p50, posterior.p95].map(percentile),
                verdict,
                informed: informed[i],
            })
        })
        .collect();
    out.sort_by(|a, b| a.sd_ratio.total_cmp(&b.sd_ratio));
    out
}

/// The error for observations the model cannot produce: the first impossible row.
fn impossible(
    scenario: &Scenario,
    file: &ObservedFile,
    likelihood: &Likelihood,
    params: &[f64],
) -> Error {
    let found = match likelihood.first_impossible(params) {
        Ok(found) => found,
        Err(e) => return e,
    };
    let Some(m) = found else {
        return Error::Usage(format!(
            "{}: the observed histories have probability 0 under every drawn value of the \
             scenario's parameters: check the file against the scenario",
            file.name
        ));
    };
    let person = &file.cohort.people[m.person];
    let state = |s: usize| &scenario.states[s];
    match m.year {
        None => Error::Usage(format!(
            "{}:{}: person {} starts in \"{}\", which the scenario's starting shares give \
             probability 0: check the state, or the scenario's starting states",
            file.name,
            file.lines[m.person][0],
            person.id,
            state(person.states[0])
        )),
        Some(t) => Error::Usage(format!(
            "{}:{}: person {}'s move from \"{}\" in {} to \"{}\" in {} has probability 0 in \
             the scenario (under {}): check the row, or the scenario's transitions out of \"{}\"",
            file.name,
            file.lines[m.person][t + 1],
            person.id,
            state(person.states[t]),
            year_text(scenario, person.entry + t),
            state(person.states[t + 1]),
            year_text(scenario, person.entry + t + 1),
            if person.variant == 0 {
                "ordinary practice".to_string()
            } else {
                format!("\"{}\"", scenario.arms[person.variant].name)
            },
            state(person.states[t]),
        )),
    }
}
