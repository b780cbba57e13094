//! The results of a run, as written to JSON (`schema` "socinv.result/1") and read by the reports.
//!
//! Sign convention: `net = baseline cost − intervention arm cost (program cost included)`,
//! discounted to year 0; positive means the investment pays back.

use crate::samples::{Column, PointOfView, RunSamples, payback_of, points_of_view};
use crate::scenario::{Composition, Described, Labels, Scenario, ScenarioTexts, StartAge};
use crate::sensitivity::drivers::{Driver, ParameterRanks, drivers};
use crate::sim::{IterationResult, SimSettings, year_table};
use crate::stats::{
    Histogram, Interval, Payback, RatioOfMeans, Share, Summary, UNKNOWN, interval_or_unknown,
    wilson,
};
use indexmap::IndexMap;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

pub use crate::samples::{ComparisonSamples, PointOfViewKind, net_of, saving};

/// Schema identifier of the results JSON.
pub const SCHEMA: &str = "socinv.result/1";

#[derive(Debug, Serialize, Deserialize)]
pub struct RunResults {
    pub schema: String,
    pub socinv_version: String,
    pub scenario: ScenarioInfo,
    pub settings: SettingsInfo,
    pub comparisons: Vec<Comparison>,
    pub arms: IndexMap<String, ArmSummary>,
    /// The expected value of perfect information for the decision invest / don't invest (with
    /// several interventions: the choice among all options, as in `option_comparison`):
    /// first for all actors, then per perspective (empty without interventions).
    #[serde(default)]
    pub value_of_information: Vec<crate::sensitivity::voi::Evpi>,
    /// The options compared with each other (decision tables, pairwise differences); absent
    /// with fewer than two interventions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option_comparison: Option<crate::compare::OptionComparison>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ScenarioInfo {
    pub name: String,
    pub description: String,
    /// The people of the target group as a plural noun ("familjer"), where the scenario names
    /// them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_group: Option<String>,
    /// The scenario's texts in other languages, by language code ("en"), where it gives them.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub translations: IndexMap<String, ScenarioTexts>,
    pub file: String,
    pub source_hash: String,
    pub currency: String,
    pub price_year: Option<i64>,
    /// The calendar year of year 0 (`first_year`); absent: years read "år 1", "år 2", ….
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_year: Option<i32>,
    pub horizon_years: u32,
    pub discount_rate: f64,
    /// The outcomes' discount rate (0: undiscounted).
    #[serde(default)]
    pub outcome_discount_rate: f64,
    /// The people of the target group; with intakes, their total at the parameters' medians.
    pub cohort: u32,
    /// The intakes of an open cohort (absent for a single cohort starting in year 0).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub intakes: Vec<IntakeInfo>,
    /// What the years of the results (`per_year`, the payback year) count: "calendar" (years
    /// of the programme, with intakes arriving in them); absent for a single cohort, whose
    /// years are years since its start (the same numbers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_basis: Option<String>,
    /// "drawn" (subgroups and starting states drawn per person) or "exact" (known counts).
    #[serde(default = "drawn")]
    pub composition: String,
    pub actors: Vec<String>,
    pub perspectives: Vec<PerspectiveInfo>,
    pub states: Vec<String>,
    pub subgroups: Vec<SubgroupInfo>,
    pub arms: Vec<String>,
    pub parameters: Vec<ParameterInfo>,
    /// Declared rank correlations between parameters (absent when there are none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub correlations: Vec<CorrelationInfo>,
    /// Values drawn once per person (`attribute`; absent when there are none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<AttributeInfo>,
    /// Sets of states whose time is counted together (`episode`; absent when there are none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub episodes: Vec<EpisodeInfo>,
    pub outcomes: Vec<String>,
    /// The comment block at the top of the script: what the intervention is, the sources.
    pub notes: String,
    /// Each intervention's program, as written in the script.
    pub programs: Vec<ProgramInfo>,
    /// The transition rules as formulas, with where they are declared.
    pub rules: Vec<String>,
    /// The first year's tables at the parameters' medians (null if they cannot be evaluated).
    pub tables_at_medians: Option<TablesAtMedians>,
    /// Labels, units and sources of the names above, by kind and name (absent when the script
    /// gives none); the names stay the keys everywhere else.
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub labels: Labels,
}

/// One intake of an open cohort.
#[derive(Debug, Serialize, Deserialize)]
pub struct IntakeInfo {
    /// The calendar year it arrives in (0 = the first year of the horizon).
    pub year: u32,
    /// Its number of people as written: a number or a formula of parameters.
    pub count: String,
    /// The number at the parameters' medians, rounded to whole people (null when invalid).
    pub people_at_medians: Option<u32>,
    /// Where it is declared (`file:line:column`).
    pub declared_at: String,
}

/// A value drawn once per person: heterogeneity between people, not a parameter.
#[derive(Debug, Serialize, Deserialize)]
pub struct AttributeInfo {
    pub name: String,
    /// The distribution as written, e.g. `uniform(0.95, 1.05)`.
    pub distribution: String,
    /// The spread between people: P1, P50 and P99 of the distribution.
    pub p1: f64,
    pub p50: f64,
    pub p99: f64,
    /// Its label, unit and source where the script gives them (also in `labels.parameters`).
    #[serde(flatten)]
    pub described: Described,
    /// Where it is declared (`file:line:column`).
    pub declared_at: String,
}

/// An episode: the states whose time `time_in_episode(name)` counts together.
#[derive(Debug, Serialize, Deserialize)]
pub struct EpisodeInfo {
    pub name: String,
    pub states: Vec<String>,
    /// Where it is declared (`file:line:column`).
    pub declared_at: String,
}

/// The age a subgroup's people have in year 0 (`start_age`); `age()` adds the year.
#[derive(Debug, Serialize, Deserialize)]
pub struct StartAgeInfo {
    /// "fixed" (a number or a formula of parameters, the same for everyone in the group) or
    /// "drawn" (a distribution, drawn once per person).
    pub kind: String,
    /// As written: the number, the formula or the distribution.
    pub written: String,
    /// A fixed age at the parameters' medians (null when it cannot be evaluated); the median
    /// of a drawn one.
    pub median: Option<f64>,
}

/// A rank correlation between two parameters, and the normal correlation of its copula.
#[derive(Debug, Serialize, Deserialize)]
pub struct CorrelationInfo {
    pub first: String,
    pub second: String,
    /// Spearman's ρ as declared.
    pub spearman: f64,
    /// The Gaussian copula's correlation, 2·sin(π·ρ/6).
    pub normal: f64,
    /// Where it is declared (`file:line:column`).
    pub declared_at: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ProgramInfo {
    pub arm: String,
    pub startup: String,
    pub per_participant: String,
    pub years: String,
    pub uptake: String,
    /// Actor → share of the program cost.
    pub funded_by: IndexMap<String, f64>,
    /// The states in which the program is given (and the cost per participant charged).
    #[serde(default)]
    pub given_in: Vec<String>,
}

/// Year 0 of the model at the parameters' medians, for the remainder subgroup.
#[derive(Debug, Serialize, Deserialize)]
pub struct TablesAtMedians {
    pub subgroup: String,
    /// Arm → `[from][to]` yearly transition probabilities (participants for interventions).
    pub transitions: IndexMap<String, Vec<Vec<f64>>>,
    /// `[state][actor]` yearly cost per person under ordinary practice (0 from the cost rules
    /// evaluated per person and year, which no table holds).
    pub yearly_cost: Vec<Vec<f64>>,
    /// `[state][actor]` one-off cost on entering the state.
    pub entry_cost: Vec<Vec<f64>>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PerspectiveInfo {
    pub name: String,
    pub actors: Vec<String>,
    pub excludes_transfers: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SubgroupInfo {
    pub name: String,
    pub share: f64,
    /// The known number of people, where the composition is exact (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// The age its people start at (absent when the script gives none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_age: Option<StartAgeInfo>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ParameterInfo {
    pub name: String,
    pub distribution: String,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    /// The value it was fixed at with `--set`, if any.
    pub fixed_at: Option<f64>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SettingsInfo {
    pub iterations: usize,
    pub seed: u64,
    /// How each iteration evaluated the cohort: "individual" (every person walked, the
    /// cohort's chance included) or "expected" (the expectation given the parameters).
    pub method: crate::sim::Method,
}

impl SettingsInfo {
    /// Whether the iterations are expectations over the cohort's chance, so the ranges show
    /// the parameters' uncertainty alone.
    pub fn without_cohort_chance(&self) -> bool {
        self.method == crate::sim::Method::Expected
    }
}

/// Intervention against ordinary practice.
#[derive(Debug, Serialize, Deserialize)]
pub struct Comparison {
    pub intervention: String,
    pub baseline: String,
    /// Baseline cost − intervention arm cost, program included.
    pub net: Summary,
    /// Baseline cost − intervention arm cost, program excluded.
    pub savings: Summary,
    /// The program cost.
    pub investment: Summary,
    /// The return on investment, mean net / mean investment; null when the mean investment
    /// is 0.
    #[serde(deserialize_with = "roi_any_version")]
    pub roi: Option<Roi>,
    pub prob_net_positive: f64,
    pub prob_net_positive_mcse: f64,
    /// The Wilson 95% interval of prob_net_positive.
    #[serde(default = "unknown", deserialize_with = "interval_or_unknown")]
    pub prob_net_positive_ci: Interval,
    /// The probability of a loss, P(net < 0): 1 − prob_net_positive unless the net can be
    /// exactly 0. (Results written before it existed read it as 1 − prob_net_positive.)
    #[serde(default = "nan")]
    pub prob_loss: f64,
    #[serde(default = "nan")]
    pub prob_loss_mcse: f64,
    /// The Wilson 95% interval of prob_loss.
    #[serde(default = "unknown", deserialize_with = "interval_or_unknown")]
    pub prob_loss_ci: Interval,
    pub payback: Payback,
    pub by_actor: IndexMap<String, NetShare>,
    pub by_perspective: IndexMap<String, NetShare>,
    pub per_year: Vec<YearNet>,
    /// Outcome difference, intervention arm − baseline (cohort totals).
    pub outcomes: IndexMap<String, Summary>,
    pub participants: Summary,
    /// The net's histogram (for the report's chart when it is drawn from this JSON).
    #[serde(default)]
    pub net_histogram: Option<Histogram>,
    /// Parameters by the strength of their rank correlation with the net, strongest first.
    pub drivers: Vec<Driver>,
    /// The same for the net of each perspective.
    pub drivers_by_perspective: IndexMap<String, Vec<Driver>>,
    /// The decision perspective the headline reports, where the scenario (or `--perspective`)
    /// names one; absent: all actors, whose numbers are `net`, `prob_loss` and `payback`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_perspective: Option<DecisionPerspective>,
    /// Who pays and who saves, year by year: one line per actor, then per perspective, then
    /// all actors (empty in results written before it existed). See [`BudgetLine`].
    #[serde(default)]
    pub budget: Vec<BudgetLine>,
}

/// One point of view's budget, year by year: what it invests in the program, what it avoids
/// paying, and its net. Amounts are per iteration differences, summarised over iterations.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BudgetLine {
    /// The actor's or perspective's name, or "all actors".
    pub name: String,
    pub kind: PointOfViewKind,
    /// Whether transfers are left out of `avoided` (a perspective that excludes them).
    pub excludes_transfers: bool,
    /// One per year of the horizon, in order.
    pub years: Vec<BudgetYear>,
}

/// One year of a [`BudgetLine`]. `invested`, `avoided` and `net` are undiscounted, in kronor of
/// the price year (as a budget reads them); `net_discounted` is `net` discounted to year 0, and
/// sums over the years to the point of view's net.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BudgetYear {
    /// The year of the horizon, 0-based (year 0 is "år 1").
    pub year: u32,
    /// The calendar year, where the scenario gives `first_year` (`first_year + year`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar_year: Option<i32>,
    /// The program cost this point of view pays in the year (its `funded_by` share).
    pub invested: Summary,
    /// The costs it avoids in the year: cost under ordinary practice − cost with the
    /// intervention, program excluded (transfers left out where `excludes_transfers`).
    pub avoided: Summary,
    /// `avoided − invested`.
    pub net: Summary,
    /// `net` discounted to year 0.
    pub net_discounted: Summary,
    /// The share of iterations in which the year's net is > 0.
    pub prob_net_positive: f64,
    /// The Wilson 95% interval of prob_net_positive.
    pub prob_net_positive_ci: Interval,
}

/// The decision perspective of a comparison: its net and P(net > 0) are those of
/// `by_perspective[name]` (or `by_actor[name]` for an actor), its P(loss) is here.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DecisionPerspective {
    pub name: String,
    /// "perspective" or "actor".
    pub kind: String,
    /// P(net < 0) of this point of view.
    pub prob_loss: f64,
    /// The Wilson 95% interval of prob_loss.
    pub prob_loss_ci: Interval,
}

/// A point of view's chances: of a gain and of a loss, with their Wilson 95% intervals.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PovShares {
    pub prob_net_positive: f64,
    pub prob_net_positive_ci: Interval,
    pub prob_loss: f64,
    pub prob_loss_ci: Interval,
}

/// The net of one point of view as the headline shows it.
#[derive(Clone, Copy, Debug)]
pub struct PointOfViewNet<'a> {
    /// The perspective's or actor's name; `None` for all actors.
    pub name: Option<&'a str>,
    pub is_actor: bool,
    pub net: &'a Summary,
    pub prob_net_positive: f64,
    pub prob_net_positive_ci: Interval,
    /// P(net < 0), where the results hold it (all actors and the decision perspective).
    pub prob_loss: Option<(f64, Interval)>,
    /// Payback from this point of view's yearly net, where the results hold it (not in
    /// results written before per-perspective payback existed).
    pub payback: Option<&'a Payback>,
}

impl<'a> PointOfViewNet<'a> {
    /// Whether the two differ enough to show both: the mean nets differ in sign, or
    /// P(net > 0) by more than 10 percentage points.
    pub fn differs_from(&self, other: &PointOfViewNet<'_>) -> bool {
        (self.net.mean > 0.0) != (other.net.mean > 0.0)
            || (self.prob_net_positive - other.prob_net_positive).abs() > 0.10
    }
}

impl Comparison {
    /// The net of the decision perspective (all actors when none is named).
    pub fn decision_net(&self) -> PointOfViewNet<'_> {
        self.decision_perspective
            .as_ref()
            .and_then(|d| {
                let share = if d.kind == "actor" {
                    self.by_actor.get(&d.name)
                } else {
                    self.by_perspective.get(&d.name)
                }?;
                Some(PointOfViewNet {
                    name: Some(&d.name),
                    is_actor: d.kind == "actor",
                    net: &share.net,
                    prob_net_positive: share.prob_net_positive,
                    prob_net_positive_ci: share.prob_net_positive_ci,
                    prob_loss: Some((d.prob_loss, d.prob_loss_ci)),
                    payback: share.payback.as_ref(),
                })
            })
            .unwrap_or(PointOfViewNet {
                name: None,
                is_actor: false,
                net: &self.net,
                prob_net_positive: self.prob_net_positive,
                prob_net_positive_ci: self.prob_net_positive_ci,
                prob_loss: Some((self.prob_loss, self.prob_loss_ci)),
                payback: Some(&self.payback),
            })
    }

    /// P(net > 0) and P(loss), with their intervals, of a point of view (`name` is ignored for
    /// all actors); `None` for a name the comparison does not hold.
    pub fn shares_of(&self, kind: PointOfViewKind, name: &str) -> Option<PovShares> {
        let share = match kind {
            PointOfViewKind::Actor => self.by_actor.get(name)?,
            PointOfViewKind::Perspective => self.by_perspective.get(name)?,
            PointOfViewKind::AllActors => {
                return Some(PovShares {
                    prob_net_positive: self.prob_net_positive,
                    prob_net_positive_ci: self.prob_net_positive_ci,
                    prob_loss: self.prob_loss,
                    prob_loss_ci: self.prob_loss_ci,
                });
            }
        };
        Some(PovShares {
            prob_net_positive: share.prob_net_positive,
            prob_net_positive_ci: share.prob_net_positive_ci,
            prob_loss: share.prob_loss,
            prob_loss_ci: share.prob_loss_ci,
        })
    }

    /// The budget line of a point of view (`name` is ignored for all actors).
    pub fn budget_line(&self, kind: PointOfViewKind, name: &str) -> Option<&BudgetLine> {
        self.budget
            .iter()
            .find(|l| l.kind == kind && (kind == PointOfViewKind::AllActors || l.name == name))
    }

    /// The budget line of the decision perspective (all actors when none is named).
    pub fn decision_budget(&self) -> Option<&BudgetLine> {
        match &self.decision_perspective {
            None => self.budget_line(PointOfViewKind::AllActors, ""),
            Some(d) if d.kind == "actor" => self.budget_line(PointOfViewKind::Actor, &d.name),
            Some(d) => self.budget_line(PointOfViewKind::Perspective, &d.name),
        }
    }

    /// The net of the society perspective (the one leaving transfers out), unless it is the
    /// decision perspective or does not differ from it ([`PointOfViewNet::differs_from`]).
    pub fn society_net_if_different<'a>(
        &'a self,
        sc: &'a ScenarioInfo,
    ) -> Option<PointOfViewNet<'a>> {
        let society = sc.perspectives.iter().find(|p| p.excludes_transfers)?;
        let decision = self.decision_net();
        if decision.name == Some(society.name.as_str()) && !decision.is_actor {
            return None;
        }
        let share = self.by_perspective.get(&society.name)?;
        let net = PointOfViewNet {
            name: Some(&society.name),
            is_actor: false,
            net: &share.net,
            prob_net_positive: share.prob_net_positive,
            prob_net_positive_ci: share.prob_net_positive_ci,
            prob_loss: None,
            payback: share.payback.as_ref(),
        };
        net.differs_from(&decision).then_some(net)
    }
}

/// The return on investment: the ratio of the mean net to the mean investment (what
/// "net / investment" means for the program as a whole), with its delta-method MCSE.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Roi {
    pub ratio_of_means: f64,
    /// Delta-method MCSE (results written before it existed carry an upper bound,
    /// (MCSE(net) + |ROI|·MCSE(investment)) / mean investment).
    #[serde(deserialize_with = "null_as_nan")]
    pub mcse: f64,
    /// The distribution of the per-iteration ratio net / investment, for its spread (P5 … P95);
    /// null when the investment is 0 in some iteration. Its mean is not the ROI.
    pub per_iteration: Option<Summary>,
}

/// Reads `roi` as written now ([`Roi`]) or before (the per-iteration ratio's [`Summary`], whose
/// mean was reported as the ROI): the latter keeps the spread and is completed by
/// [`RunResults::from_json`].
fn roi_any_version<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Roi>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum AnyRoi {
        Current(Roi),
        Before(Summary),
    }
    Ok(Option::<AnyRoi>::deserialize(d)?.map(|r| match r {
        AnyRoi::Current(r) => r,
        AnyRoi::Before(s) => Roi {
            ratio_of_means: f64::NAN,
            mcse: f64::NAN,
            per_iteration: Some(s),
        },
    }))
}

/// The net of one actor or perspective.
#[derive(Debug, Serialize, Deserialize)]
pub struct NetShare {
    pub net: Summary,
    pub prob_net_positive: f64,
    /// The Wilson 95% interval of prob_net_positive.
    #[serde(default = "unknown", deserialize_with = "interval_or_unknown")]
    pub prob_net_positive_ci: Interval,
    /// P(net < 0). (Results written before it existed read it as 1 − prob_net_positive.)
    #[serde(default = "nan")]
    pub prob_loss: f64,
    /// The Wilson 95% interval of prob_loss.
    #[serde(default = "unknown", deserialize_with = "interval_or_unknown")]
    pub prob_loss_ci: Interval,
    /// Payback from this point of view's yearly net (discounted, cumulated); null in results
    /// written before it existed.
    #[serde(default)]
    pub payback: Option<Payback>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct YearNet {
    pub year: u32,
    /// The net of years 0..=year; in the last year it is the net.
    pub cumulative_net: Summary,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ArmSummary {
    pub cost: ArmCost,
    pub outcomes: IndexMap<String, Summary>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct ArmCost {
    /// All actors, program included.
    pub total: Summary,
    pub by_actor: IndexMap<String, Summary>,
    pub program: Summary,
}

fn summary(values: &[f64]) -> Summary {
    Summary::of(values).unwrap_or_else(Summary::undefined)
}

/// [`summary`] of values that may be reordered.
fn summary_of(values: Vec<f64>) -> Summary {
    Summary::of_vec(values).unwrap_or_else(Summary::undefined)
}

/// [`summary`] of a column, without a copy if it was read from a file.
fn summary_of_column(values: Cow<[f64]>) -> Summary {
    summary_of(values.into_owned())
}

fn net_share(values: &[f64], payback: Payback) -> NetShare {
    let positive = Share::of(values, |v| *v > 0.0);
    let loss = Share::of(values, |v| *v < 0.0);
    NetShare {
        net: summary(values),
        prob_net_positive: positive.p,
        prob_net_positive_ci: positive.ci,
        prob_loss: loss.p,
        prob_loss_ci: loss.ci,
        payback: Some(payback),
    }
}

/// Each point of view's net per iteration over the years `0..years` (discounted to year 0):
/// the actors, then the perspectives, then all actors. For the follow-up, which splits the
/// net into the years observed and the years left.
pub fn nets_through(
    scenario: &Scenario,
    iterations: &[IterationResult],
    arm: usize,
    years: usize,
) -> Vec<(String, PointOfViewKind, Vec<f64>)> {
    let samples = RunSamples::of(scenario, iterations);
    let years = years.min(scenario.horizon as usize);
    points_of_view(scenario)
        .into_iter()
        .enumerate()
        .map(|(view, pov)| {
            let net: Vec<Vec<f64>> = (0..years)
                .map(|year| yearly_net(&samples, arm, view, year))
                .collect();
            let total = (0..iterations.len())
                .map(|k| net.iter().map(|year| year[k]).sum())
                .collect();
            (pov.name, pov.kind, total)
        })
        .collect()
}

/// A point of view's discounted net in one year, per iteration: what it avoids paying minus
/// what it invests.
fn yearly_net(samples: &RunSamples, arm: usize, view: usize, year: usize) -> Vec<f64> {
    let invested = samples.column(Column::Invested { arm, view, year });
    let avoided = samples.column(Column::Avoided { arm, view, year });
    avoided
        .iter()
        .zip(invested.iter())
        .map(|(a, i)| a - i)
        .collect()
}

/// A point of view's budget line: undiscounted amounts (divided by each year's discount
/// factor), year by year.
fn budget_line(
    samples: &RunSamples,
    arm: usize,
    view: usize,
    pov: &PointOfView,
    scenario: &Scenario,
) -> BudgetLine {
    let horizon = scenario.horizon as usize;
    let factors = crate::sim::discount_factors(scenario.discount_rate, horizon);
    let years = (0..horizon)
        .map(|t| {
            let undiscounted = |v: Cow<[f64]>| {
                let mut v = v.into_owned();
                for x in &mut v {
                    *x /= factors[t];
                }
                summary_of(v)
            };
            let net = yearly_net(samples, arm, view, t);
            let positive = Share::of(&net, |v| *v > 0.0);
            let net_discounted = summary(&net);
            BudgetYear {
                year: t as u32,
                calendar_year: scenario.first_year.map(|f| f + t as i32),
                invested: undiscounted(samples.column(Column::Invested { arm, view, year: t })),
                avoided: undiscounted(samples.column(Column::Avoided { arm, view, year: t })),
                net: undiscounted(Cow::Owned(net)),
                net_discounted,
                prob_net_positive: positive.p,
                prob_net_positive_ci: positive.ci,
            }
        })
        .collect();
    BudgetLine {
        name: pov.name.clone(),
        kind: pov.kind,
        excludes_transfers: pov.excludes_transfers,
        years,
    }
}

/// The payback years of a column of [`Column::Payback`] or [`Column::ViewPayback`].
fn payback_years(samples: &RunSamples, column: Column) -> Vec<Option<u32>> {
    samples
        .column(column)
        .iter()
        .map(|&v| payback_of(v))
        .collect()
}

fn unknown() -> Interval {
    UNKNOWN
}

/// The [`Roi`] of a comparison's nets and investments; `None` when the mean investment is 0.
pub fn roi(net: &[f64], investment: &[f64]) -> Option<Roi> {
    let r = RatioOfMeans::of(net, investment)?;
    let ratios: Vec<f64> = net.iter().zip(investment).map(|(n, i)| n / i).collect();
    Some(Roi {
        ratio_of_means: r.ratio,
        mcse: r.mcse,
        per_iteration: Summary::of(&ratios),
    })
}

/// Reads a number written as `null` (serde_json writes NaN and infinities so) back as NaN, for
/// quantities that are undefined with too few iterations.
pub fn null_as_nan<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Option::<f64>::deserialize(d).map(|v| v.unwrap_or(f64::NAN))
}

fn drawn() -> String {
    "drawn".to_string()
}

fn nan() -> f64 {
    f64::NAN
}

impl RunResults {
    /// Reads results written by `socinv run --json`, filling in what older files lack.
    pub fn from_json(value: serde_json::Value) -> serde_json::Result<RunResults> {
        let mut r: RunResults = serde_json::from_value(value)?;
        let n = r.settings.iterations;
        // a share's Wilson interval follows from the share and n
        let count = |p: f64| (p * n as f64).round() as usize;
        let fill = |ci: &mut Interval, p: f64| {
            if ci[0].is_nan() && p.is_finite() {
                *ci = wilson(count(p), n);
            }
        };
        for c in &mut r.comparisons {
            if c.prob_loss.is_nan() {
                c.prob_loss = 1.0 - c.prob_net_positive;
                c.prob_loss_mcse = c.prob_net_positive_mcse;
            }
            fill(&mut c.prob_net_positive_ci, c.prob_net_positive);
            fill(&mut c.prob_loss_ci, c.prob_loss);
            fill(
                &mut c.payback.prob_within_horizon_ci,
                c.payback.prob_within_horizon,
            );
            if c.payback.cdf_ci.len() != c.payback.cdf.len() {
                c.payback.cdf_ci = c.payback.cdf.iter().map(|&p| wilson(count(p), n)).collect();
            }
            for s in c.by_actor.values_mut().chain(c.by_perspective.values_mut()) {
                fill(&mut s.prob_net_positive_ci, s.prob_net_positive);
                if s.prob_loss.is_nan() {
                    s.prob_loss = 1.0 - s.prob_net_positive;
                }
                fill(&mut s.prob_loss_ci, s.prob_loss);
            }
            // before, `roi` was the mean of per-iteration ratios: the ratio of the means is
            // recomputed, and its MCSE bounded by Cauchy–Schwarz (|cov| ≤ σ_N σ_I)
            if let Some(roi) = &mut c.roi
                && roi.ratio_of_means.is_nan()
            {
                let (net, inv) = (&c.net, &c.investment);
                roi.ratio_of_means = net.mean / inv.mean;
                roi.mcse = (net.mcse + roi.ratio_of_means.abs() * inv.mcse) / inv.mean.abs();
            }
        }
        Ok(r)
    }

    /// Chooses the decision perspective again (`socinv report --perspective`): a perspective,
    /// an actor or [`crate::scenario::ALL_ACTORS`]; its P(loss) is read from `by_perspective` /
    /// `by_actor`. The error names the known points of view.
    pub fn choose_decision_perspective(&mut self, name: &str) -> Result<(), String> {
        let perspectives: Vec<crate::scenario::Perspective> = self
            .scenario
            .perspectives
            .iter()
            .map(|p| crate::scenario::Perspective {
                name: p.name.clone(),
                actors: Vec::new(),
                exclude_transfers: p.excludes_transfers,
            })
            .collect();
        let chosen = crate::scenario::decision_perspective_among(
            name,
            &perspectives,
            &self.scenario.actors,
        )?;
        for c in &mut self.comparisons {
            c.decision_perspective = match &chosen {
                None => None,
                Some(name) => {
                    let (kind, share) = match c.by_perspective.get(name) {
                        Some(share) => ("perspective", share),
                        None => (
                            "actor",
                            c.by_actor
                                .get(name)
                                .ok_or_else(|| format!("the results hold no net for \"{name}\""))?,
                        ),
                    };
                    Some(DecisionPerspective {
                        name: name.clone(),
                        kind: kind.to_string(),
                        prob_loss: share.prob_loss,
                        prob_loss_ci: share.prob_loss_ci,
                    })
                }
            };
        }
        Ok(())
    }

    /// Summarises the iterations of a run.
    pub fn new(scenario: &Scenario, settings: &SimSettings, samples: &RunSamples) -> Self {
        // Each part on its own worker: the same values whatever the number of threads.
        let interventions: Vec<usize> = scenario.interventions().map(|(a, _)| a).collect();
        // The drivers first: the parameters' ranks are dropped before the rest is summarised.
        let drivers: Vec<ComparisonDrivers> = {
            let parameters = ParameterRanks::of(samples);
            interventions
                .par_iter()
                .map(|&a| ComparisonDrivers::of(scenario, samples, &parameters, a))
                .collect()
        };
        let ((comparisons, arms), (value_of_information, option_comparison)) = rayon::join(
            || {
                rayon::join(
                    || {
                        interventions
                            .par_iter()
                            .zip(drivers)
                            .map(|(&a, d)| comparison(scenario, samples, d, a))
                            .collect()
                    },
                    || {
                        let summaries: Vec<ArmSummary> = (0..scenario.arms.len())
                            .into_par_iter()
                            .map(|a| arm_summary(scenario, samples, a))
                            .collect();
                        scenario
                            .arms
                            .iter()
                            .map(|arm| arm.name.clone())
                            .zip(summaries)
                            .collect()
                    },
                )
            },
            || {
                rayon::join(
                    || {
                        if scenario.arms.len() > 1 {
                            crate::sensitivity::voi::evpi(scenario, samples)
                        } else {
                            Vec::new()
                        }
                    },
                    || crate::compare::OptionComparison::of(scenario, samples),
                )
            },
        );
        RunResults {
            schema: SCHEMA.to_string(),
            socinv_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: scenario_info(scenario, settings),
            settings: SettingsInfo {
                iterations: settings.iterations,
                seed: settings.seed,
                method: settings.method,
            },
            comparisons,
            arms,
            value_of_information,
            option_comparison,
        }
    }
}

/// The attributes for outputs, with their spread between people and labels.
pub fn attribute_infos(scenario: &Scenario) -> Vec<AttributeInfo> {
    scenario
        .attributes
        .iter()
        .map(|a| {
            let d = &a.distribution.dist;
            AttributeInfo {
                name: a.name.clone(),
                distribution: a.distribution.written.clone(),
                p1: d.quantile(0.01),
                p50: d.quantile(0.5),
                p99: d.quantile(0.99),
                described: scenario
                    .labels
                    .parameters
                    .get(&a.name)
                    .cloned()
                    .unwrap_or_default(),
                declared_at: a.origin.to_string(),
            }
        })
        .collect()
}

/// The episodes for outputs, with their states.
pub fn episode_infos(scenario: &Scenario) -> Vec<EpisodeInfo> {
    scenario
        .episodes
        .iter()
        .map(|e| EpisodeInfo {
            name: e.name.clone(),
            states: scenario
                .states
                .iter()
                .zip(&e.states)
                .filter(|(_, within)| **within)
                .map(|(s, _)| s.clone())
                .collect(),
            declared_at: e.origin.to_string(),
        })
        .collect()
}

/// A subgroup's start age for outputs: a fixed one evaluated at the parameters' medians.
pub fn start_age_info(scenario: &Scenario, group: usize, age: &StartAge) -> StartAgeInfo {
    match age {
        StartAge::Fixed(e) => {
            let medians: Vec<f64> = scenario
                .parameters
                .iter()
                .map(|p| p.distribution.dist.median())
                .collect();
            let cx = crate::expr::EvalContext::of_parameters(&medians, group);
            StartAgeInfo {
                kind: "fixed".to_string(),
                written: e.to_string(),
                median: Some(e.eval(&cx)).filter(|x| x.is_finite()),
            }
        }
        StartAge::Drawn(d) => StartAgeInfo {
            kind: "drawn".to_string(),
            written: d.written.clone(),
            median: Some(d.dist.median()),
        },
    }
}

impl ScenarioInfo {
    /// The scenario's name, description and target group in the language `code` ("sv",
    /// "en"): its own texts, or the Swedish ones where it gives none in that language (but no
    /// target group: an output then uses its own word for people).
    pub fn texts_in(&self, code: &str) -> ScenarioTexts {
        if let Some(t) = self.translations.get(code) {
            return t.clone();
        }
        ScenarioTexts {
            name: self.name.clone(),
            description: self.description.clone(),
            target_group: (code == crate::scenario::TEXT_LANGUAGES[0])
                .then(|| self.target_group.clone())
                .flatten(),
        }
    }
}

/// Describes the scenario for outputs (parameters with their P5, P50, P95).
pub fn scenario_info(scenario: &Scenario, settings: &SimSettings) -> ScenarioInfo {
    ScenarioInfo {
        name: scenario.name.clone(),
        description: scenario.description.clone(),
        target_group: scenario.target_group.clone(),
        translations: scenario.translations.clone(),
        file: scenario.file.clone(),
        source_hash: scenario.source_hash.clone(),
        currency: scenario.currency.clone(),
        price_year: scenario.price_year,
        first_year: scenario.first_year,
        horizon_years: scenario.horizon,
        discount_rate: scenario.discount_rate,
        outcome_discount_rate: scenario.outcome_discount_rate,
        cohort: scenario.cohort,
        intakes: scenario
            .intakes
            .iter()
            .zip(scenario.intake_people_at_medians())
            .map(|(i, people)| IntakeInfo {
                year: i.year,
                count: i.count.to_string(),
                people_at_medians: people,
                declared_at: i.origin.to_string(),
            })
            .collect(),
        year_basis: (!scenario.intakes.is_empty()).then(|| "calendar".to_string()),
        composition: match scenario.composition {
            Composition::Drawn => "drawn",
            Composition::Exact => "exact",
        }
        .to_string(),
        actors: scenario.actors.clone(),
        perspectives: scenario
            .perspectives
            .iter()
            .map(|p| PerspectiveInfo {
                name: p.name.clone(),
                actors: p
                    .actors
                    .iter()
                    .map(|&a| scenario.actors[a].clone())
                    .collect(),
                excludes_transfers: p.exclude_transfers,
            })
            .collect(),
        states: scenario.states.clone(),
        subgroups: scenario
            .subgroups
            .iter()
            .enumerate()
            .map(|(i, g)| SubgroupInfo {
                name: g.name.clone(),
                share: g.share,
                count: g
                    .count
                    .filter(|_| scenario.composition == Composition::Exact),
                start_age: g.start_age.as_ref().map(|a| start_age_info(scenario, i, a)),
            })
            .collect(),
        arms: scenario.arms.iter().map(|a| a.name.clone()).collect(),
        parameters: scenario
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let d = &p.distribution.dist;
                ParameterInfo {
                    name: p.name.clone(),
                    distribution: p.distribution.written.clone(),
                    p5: d.quantile(0.05),
                    p50: d.quantile(0.5),
                    p95: d.quantile(0.95),
                    fixed_at: settings
                        .fixed
                        .iter()
                        .find(|(j, _)| *j == i)
                        .map(|(_, v)| *v),
                }
            })
            .collect(),
        correlations: scenario
            .correlations
            .iter()
            .map(|c| CorrelationInfo {
                first: scenario.parameters[c.first].name.clone(),
                second: scenario.parameters[c.second].name.clone(),
                spearman: c.spearman,
                normal: crate::sim::correlation::normal_correlation(c.spearman),
                declared_at: c.origin.to_string(),
            })
            .collect(),
        attributes: attribute_infos(scenario),
        episodes: episode_infos(scenario),
        outcomes: scenario.outcomes.clone(),
        labels: scenario.labels.clone(),
        notes: scenario.notes.clone(),
        programs: scenario
            .interventions()
            .filter_map(|(_, arm)| {
                arm.program.as_ref().map(|p| ProgramInfo {
                    arm: arm.name.clone(),
                    startup: p.startup.to_string(),
                    per_participant: p.per_participant.to_string(),
                    years: format!(
                        "{}–{}",
                        p.start_year,
                        (p.start_year + p.years).saturating_sub(1)
                    ),
                    uptake: p.uptake.to_string(),
                    funded_by: p
                        .funded_by
                        .iter()
                        .map(|(a, s)| (scenario.actors[*a].clone(), *s))
                        .collect(),
                    given_in: scenario
                        .states
                        .iter()
                        .zip(&p.given_in)
                        .filter(|(_, g)| **g)
                        .map(|(s, _)| s.clone())
                        .collect(),
                })
            })
            .collect(),
        rules: scenario
            .transitions
            .iter()
            .map(|r| {
                format!(
                    "{} → {}: {}  ({})",
                    scenario.states[r.from], scenario.states[r.to], r.probability, r.origin
                )
            })
            .collect(),
        tables_at_medians: tables_at_medians(scenario),
    }
}

fn tables_at_medians(scenario: &Scenario) -> Option<TablesAtMedians> {
    let medians: Vec<f64> = scenario
        .parameters
        .iter()
        .map(|p| p.distribution.dist.median())
        .collect();
    let group = scenario.subgroups.len() - 1;
    let baseline = year_table(scenario, &medians, 0, group, 0).ok()?;
    let mut transitions = IndexMap::new();
    for (a, arm) in scenario.arms.iter().enumerate() {
        transitions.insert(
            arm.name.clone(),
            year_table(scenario, &medians, a, group, 0)
                .ok()?
                .transitions,
        );
    }
    Some(TablesAtMedians {
        subgroup: scenario.subgroups[group].name.clone(),
        transitions,
        yearly_cost: baseline.yearly_cost,
        entry_cost: baseline.entry_cost,
    })
}

/// Which parameters drive a comparison's net, for all actors and for each perspective.
struct ComparisonDrivers {
    net: Vec<Driver>,
    by_perspective: IndexMap<String, Vec<Driver>>,
}

impl ComparisonDrivers {
    fn of(
        scenario: &Scenario,
        samples: &RunSamples,
        parameters: &ParameterRanks,
        arm: usize,
    ) -> Self {
        let (net, by_perspective) = rayon::join(
            || drivers(scenario, parameters, samples.column(Column::Net { arm })),
            || {
                (0..scenario.perspectives.len())
                    .into_par_iter()
                    .map(|perspective| {
                        let values = samples.column(Column::PerspectiveNet { arm, perspective });
                        drivers(scenario, parameters, values)
                    })
                    .collect::<Vec<_>>()
            },
        );
        ComparisonDrivers {
            net,
            by_perspective: scenario
                .perspectives
                .iter()
                .map(|p| p.name.clone())
                .zip(by_perspective)
                .collect(),
        }
    }
}

fn comparison(
    scenario: &Scenario,
    samples: &RunSamples,
    drivers: ComparisonDrivers,
    arm: usize,
) -> Comparison {
    let horizon = scenario.horizon as usize;
    let mut by_actor = IndexMap::new();
    let mut by_perspective = IndexMap::new();
    let povs = points_of_view(scenario);
    // The points of view in parallel, then put in order.
    let actors = scenario.actors.len();
    let lines: Vec<(BudgetLine, Option<NetShare>)> = povs
        .par_iter()
        .enumerate()
        .map(|(view, pov)| {
            let total = match pov.kind {
                PointOfViewKind::Actor => Some(Column::ActorNet { arm, actor: view }),
                PointOfViewKind::Perspective => Some(Column::PerspectiveNet {
                    arm,
                    perspective: view - actors,
                }),
                PointOfViewKind::AllActors => None,
            };
            let share = total.map(|total| {
                let payback = payback_years(samples, Column::ViewPayback { arm, view });
                net_share(&samples.column(total), Payback::of(&payback, horizon))
            });
            (budget_line(samples, arm, view, pov, scenario), share)
        })
        .collect();
    let mut budget = Vec::with_capacity(lines.len());
    for (pov, (line, share)) in povs.iter().zip(lines) {
        budget.push(line);
        match (pov.kind, share) {
            (PointOfViewKind::Actor, Some(s)) => by_actor.insert(pov.name.clone(), s),
            (PointOfViewKind::Perspective, Some(s)) => by_perspective.insert(pov.name.clone(), s),
            _ => None,
        };
    }
    let decision_perspective = scenario.decision_perspective.as_ref().and_then(|name| {
        let (kind, column) = match scenario.perspectives.iter().position(|p| &p.name == name) {
            Some(perspective) => ("perspective", Column::PerspectiveNet { arm, perspective }),
            None => {
                let actor = scenario.actors.iter().position(|a| a == name)?;
                ("actor", Column::ActorNet { arm, actor })
            }
        };
        let loss = Share::of(&samples.column(column), |v| *v < 0.0);
        Some(DecisionPerspective {
            name: name.clone(),
            kind: kind.to_string(),
            prob_loss: loss.p,
            prob_loss_ci: loss.ci,
        })
    });
    let per_year = (0..horizon)
        .into_par_iter()
        .map(|year| YearNet {
            year: year as u32,
            cumulative_net: summary_of_column(samples.column(Column::CumulativeNet { arm, year })),
        })
        .collect();
    let outcomes = scenario
        .outcomes
        .iter()
        .enumerate()
        .map(|(outcome, name)| {
            let gain = samples.column(Column::OutcomeGain { arm, outcome });
            (name.clone(), summary_of_column(gain))
        })
        .collect();
    // the net last: a column at a time is kept while the points of view are summarised
    let net = samples.column(Column::Net { arm });
    let prob = Share::of(&net, |v| *v > 0.0);
    let loss = Share::of(&net, |v| *v < 0.0);
    let investment = samples.column(Column::Investment { arm });
    Comparison {
        intervention: scenario.arms[arm].name.clone(),
        baseline: scenario.arms[0].name.clone(),
        net: summary(&net),
        savings: summary_of_column(samples.column(Column::Savings { arm })),
        investment: summary(&investment),
        roi: roi(&net, &investment),
        prob_net_positive: prob.p,
        prob_net_positive_mcse: prob.mcse,
        prob_net_positive_ci: prob.ci,
        prob_loss: loss.p,
        prob_loss_mcse: loss.mcse,
        prob_loss_ci: loss.ci,
        payback: Payback::of(&payback_years(samples, Column::Payback { arm }), horizon),
        by_actor,
        by_perspective,
        per_year,
        outcomes,
        participants: summary_of_column(samples.column(Column::Participants { arm })),
        net_histogram: Histogram::of(&net, Histogram::BINS),
        drivers: drivers.net,
        drivers_by_perspective: drivers.by_perspective,
        decision_perspective,
        budget,
    }
}

fn arm_summary(scenario: &Scenario, samples: &RunSamples, arm: usize) -> ArmSummary {
    let column = |c| summary_of_column(samples.column(c));
    ArmSummary {
        cost: ArmCost {
            total: column(Column::Cost { arm }),
            by_actor: scenario
                .actors
                .iter()
                .enumerate()
                .map(|(actor, name)| (name.clone(), column(Column::ActorCost { arm, actor })))
                .collect(),
            program: column(Column::Program { arm }),
        },
        outcomes: scenario
            .outcomes
            .iter()
            .enumerate()
            .map(|(outcome, name)| (name.clone(), column(Column::Outcome { arm, outcome })))
            .collect(),
    }
}
