//! Comparing the options with each other: ordinary practice (net 0 by definition, the nets are
//! measured against it) and every intervention, as one decision.
//!
//! For one point of view (all actors, a perspective or an actor) with nets `NB_j,i` of option j in
//! iteration i (common random numbers: every option is simulated on the same draws, so the
//! options' nets are compared iteration by iteration):
//!
//! - **expected net** `mean_i NB_j,i` with MCSE `sd/√n`; the **best option** on current evidence
//!   has the highest expected net (ordinary practice, then the earlier declared, wins a tie);
//! - **probability of being best**: the share of iterations in which `NB_j,i` is the highest, an
//!   iteration where k options share the highest net counting 1/k for each (ties split); the
//!   share of such iterations is stated as `prob_tie`;
//! - **expected loss** of choosing j: `mean_i (max_k NB_k,i − NB_j,i)` with MCSE `sd/√n`; the best
//!   option's expected loss is the EVPI, `mean_i max_k NB_k,i − max_k mean_i NB_k,i`;
//! - **pairwise** A − B: the per-iteration difference `NB_A,i − NB_B,i` summarised (mean ± MCSE,
//!   P5–P95), with P(A better) = share of iterations with a positive difference.
//!
//! Shares carry Wilson 95% intervals (for a split count k/n with k not whole, the same formula).
//! Everything is reduced in iteration order: the same seed gives the same values on any thread
//! count. No formatting here.
//!
//! May import: `samples`, `schema`, `sim`, `scenario`, `stats`, `error`; not `results` (which
//! imports this module) nor `report`.

use crate::samples::{NetOf, RunSamples};
use crate::scenario::Scenario;
use crate::stats::{Share, Summary, wilson_fraction};
use serde::{Deserialize, Serialize};

/// One option in a decision table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptionAssessment {
    pub name: String,
    /// Mean net over iterations (0 for ordinary practice).
    pub expected_net: f64,
    pub expected_net_mcse: f64,
    /// The share of iterations in which this option's net is the highest (ties split).
    pub prob_best: Share,
    /// Mean over iterations of (the highest net − this option's net), ≥ 0.
    pub expected_loss: f64,
    pub expected_loss_mcse: f64,
}

/// The decision among all options from one point of view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisionTable {
    /// "all actors", a perspective's name, or an actor's name (in `by_actor`).
    pub point_of_view: String,
    /// The option with the highest expected net.
    pub best: String,
    /// Ordinary practice first, then the interventions in the order declared.
    pub options: Vec<OptionAssessment>,
    /// The share of iterations in which two or more options share the highest net.
    pub prob_tie: Share,
    /// The EVPI of the choice among all options: the best option's expected loss.
    pub evpi: f64,
    pub evpi_mcse: f64,
}

/// Option A against option B from one point of view, paired by iteration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairwiseComparison {
    pub point_of_view: String,
    pub a: String,
    pub b: String,
    /// Net of A − net of B per iteration.
    pub difference: Summary,
    /// Share of iterations in which A's net is higher than B's.
    pub prob_a_better: Share,
    /// Share in which B's is higher (the rest are ties).
    pub prob_b_better: Share,
}

/// The comparison of the options with each other (present with two or more interventions).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptionComparison {
    /// For all actors, then for each perspective.
    pub decisions: Vec<DecisionTable>,
    /// For each actor alone.
    pub decisions_by_actor: Vec<DecisionTable>,
    /// Every pair of options (earlier declared as A), for all actors, then each perspective.
    pub pairwise: Vec<PairwiseComparison>,
}

/// The options' per-iteration nets from one point of view.
pub struct OptionNets {
    pub point_of_view: String,
    /// Ordinary practice first, then each intervention.
    pub names: Vec<String>,
    /// `nets[option][iteration]`; `nets[0]` is all zeros.
    pub nets: Vec<Vec<f64>>,
}

impl OptionNets {
    /// The points of view of the options' comparison: all actors, each perspective and each
    /// actor, in that order.
    fn views(scenario: &Scenario) -> Vec<(String, NetOf)> {
        let perspectives = scenario.perspectives.iter().enumerate();
        let actors = scenario.actors.iter().enumerate();
        std::iter::once(("all actors".to_string(), NetOf::AllActors))
            .chain(perspectives.map(|(p, persp)| (persp.name.clone(), NetOf::Perspective(p))))
            .chain(actors.map(|(a, name)| (name.clone(), NetOf::Actor(a))))
            .collect()
    }

    /// The nets of every option from one point of view.
    fn of(
        scenario: &Scenario,
        samples: &RunSamples,
        point_of_view: &str,
        net: NetOf,
    ) -> OptionNets {
        OptionNets {
            point_of_view: point_of_view.to_string(),
            names: scenario.arms.iter().map(|a| a.name.clone()).collect(),
            nets: std::iter::once(vec![0.0; samples.len()])
                .chain(
                    scenario
                        .interventions()
                        .map(|(arm, _)| samples.column(net.column(arm)).into_owned()),
                )
                .collect(),
        }
    }

    fn n(&self) -> usize {
        self.nets.first().map_or(0, Vec::len)
    }

    /// The index of an option by name.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The decision table.
    pub fn decision_table(&self) -> DecisionTable {
        let n = self.n();
        let k = self.nets.len();
        let mut best_count = vec![0.0; k];
        let mut ties = 0usize;
        let mut top = vec![0.0; n];
        for (i, t) in top.iter_mut().enumerate() {
            let max = self
                .nets
                .iter()
                .map(|v| v[i])
                .fold(f64::NEG_INFINITY, f64::max);
            let winners: Vec<usize> = (0..k).filter(|&j| self.nets[j][i] == max).collect();
            if winners.len() > 1 {
                ties += 1;
            }
            for &j in &winners {
                best_count[j] += 1.0 / winners.len() as f64;
            }
            *t = max;
        }
        let options: Vec<OptionAssessment> = (0..k)
            .map(|j| {
                let (expected_net, expected_net_mcse) = mean_mcse(&self.nets[j]);
                let loss: Vec<f64> = top.iter().zip(&self.nets[j]).map(|(t, v)| t - v).collect();
                let (expected_loss, expected_loss_mcse) = mean_mcse(&loss);
                OptionAssessment {
                    name: self.names[j].clone(),
                    expected_net,
                    expected_net_mcse,
                    prob_best: share_of(best_count[j], n),
                    expected_loss,
                    expected_loss_mcse,
                }
            })
            .collect();
        // the highest mean; the earlier option wins a tie (ordinary practice first)
        let best = (1..k).fold(0, |b, j| {
            if options[j].expected_net > options[b].expected_net {
                j
            } else {
                b
            }
        });
        DecisionTable {
            point_of_view: self.point_of_view.clone(),
            best: self.names[best].clone(),
            evpi: options[best].expected_loss,
            evpi_mcse: options[best].expected_loss_mcse,
            options,
            prob_tie: Share::count(ties, n),
        }
    }

    /// Option `a` against option `b` (indices into `names`).
    pub fn pairwise(&self, a: usize, b: usize) -> PairwiseComparison {
        let d: Vec<f64> = self.nets[a]
            .iter()
            .zip(&self.nets[b])
            .map(|(x, y)| x - y)
            .collect();
        PairwiseComparison {
            point_of_view: self.point_of_view.clone(),
            a: self.names[a].clone(),
            b: self.names[b].clone(),
            difference: Summary::of(&d).unwrap_or_else(Summary::undefined),
            prob_a_better: Share::of(&d, |v| *v > 0.0),
            prob_b_better: Share::of(&d, |v| *v < 0.0),
        }
    }
}

fn mean_mcse(values: &[f64]) -> (f64, f64) {
    let e = crate::schema::Estimate::mean(values);
    (e.value, e.mcse)
}

/// A share of `count` (possibly fractional: split ties) of `n`.
fn share_of(count: f64, n: usize) -> Share {
    let p = count / n.max(1) as f64;
    Share {
        p,
        mcse: (p * (1.0 - p) / n.max(1) as f64).sqrt(),
        ci: wilson_fraction(count, n),
    }
}

impl OptionComparison {
    /// The comparison of a run's options; `None` with fewer than two interventions (the
    /// comparison with ordinary practice is then all there is).
    pub fn of(scenario: &Scenario, samples: &RunSamples) -> Option<OptionComparison> {
        if scenario.arms.len() < 3 || samples.is_empty() {
            return None;
        }
        let overall = 1 + scenario.perspectives.len();
        let k = scenario.arms.len();
        let mut comparison = OptionComparison {
            decisions: Vec::new(),
            decisions_by_actor: Vec::new(),
            pairwise: Vec::new(),
        };
        // one point of view's nets at a time
        for (v, (name, net)) in OptionNets::views(scenario).into_iter().enumerate() {
            let nets = OptionNets::of(scenario, samples, &name, net);
            if v < overall {
                comparison.decisions.push(nets.decision_table());
                comparison.pairwise.extend(
                    (0..k)
                        .flat_map(|a| (a + 1..k).map(move |b| (a, b)))
                        .map(|(a, b)| nets.pairwise(a, b)),
                );
            } else {
                comparison.decisions_by_actor.push(nets.decision_table());
            }
        }
        Some(comparison)
    }
}

impl PairwiseComparison {
    /// B against A: the difference negated (its quantiles mirrored, P5 of B − A = −P95 of
    /// A − B), the two shares swapped.
    pub fn reversed(&self) -> PairwiseComparison {
        let d = &self.difference;
        let flip = |ci: crate::stats::Interval| [-ci[1], -ci[0]];
        PairwiseComparison {
            point_of_view: self.point_of_view.clone(),
            a: self.b.clone(),
            b: self.a.clone(),
            difference: Summary {
                mean: -d.mean,
                sd: d.sd,
                mcse: d.mcse,
                p5: -d.p95,
                p10: -d.p90,
                p25: -d.p75,
                p50: -d.p50,
                p75: -d.p25,
                p90: -d.p10,
                p95: -d.p5,
                min: -d.max,
                max: -d.min,
                p5_ci: flip(d.p95_ci),
                p50_ci: flip(d.p50_ci),
                p95_ci: flip(d.p5_ci),
            },
            prob_a_better: self.prob_b_better,
            prob_b_better: self.prob_a_better,
        }
    }
}
