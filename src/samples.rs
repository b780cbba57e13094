//! Per-iteration quantities of a comparison (baseline against one intervention): the net, the
//! savings, the investment, the cumulative net by year, the payback year, the net per actor and
//! per perspective. The results' summaries, the samples CSV and the analyses are computed from
//! them; the sign convention is the results': `net = baseline cost − intervention cost`.
//!
//! May import: `sim`, `scenario`, `stats`; imported by `sensitivity`, `compare`, `results`
//! (which re-exports it) and `report`.

use crate::scenario::Scenario;
use crate::sim::{ArmResult, IterationResult};
use crate::stats::payback_year;

/// Per-iteration quantities of one comparison, shared by the JSON and the samples CSV.
pub struct ComparisonSamples {
    pub net: Vec<f64>,
    pub savings: Vec<f64>,
    pub investment: Vec<f64>,
    /// The cumulative net at the end of each year: `cumulative[year][iteration]`. Each year's
    /// net is [`saving`] of that year's costs; the last year's cumulative net is `net` itself,
    /// so it agrees with the net in sign to the last bit.
    pub cumulative: Vec<Vec<f64>>,
    /// The payback year ([`payback_year`] of the cumulative nets): `Some` exactly when net > 0.
    pub payback: Vec<Option<u32>>,
    /// Net per actor: `by_actor[actor][iteration]`.
    pub by_actor: Vec<Vec<f64>>,
    /// Net per perspective: `by_perspective[perspective][iteration]`.
    pub by_perspective: Vec<Vec<f64>>,
}

impl ComparisonSamples {
    pub fn new(scenario: &Scenario, iterations: &[IterationResult], arm: usize) -> Self {
        fn pair(it: &IterationResult, arm: usize) -> (&ArmResult, &ArmResult) {
            (&it.arms[0], &it.arms[arm])
        }
        let net: Vec<f64> = iterations.iter().map(|it| net_of(it, arm)).collect();
        let investment: Vec<f64> = iterations.iter().map(|it| it.arms[arm].program()).collect();
        let savings = net.iter().zip(&investment).map(|(n, i)| n + i).collect();
        let horizon = scenario.horizon as usize;
        let mut cumulative = vec![vec![0.0; iterations.len()]; horizon];
        let mut by_year = vec![0.0; horizon];
        let payback = iterations
            .iter()
            .zip(&net)
            .enumerate()
            .map(|(k, (it, &net))| {
                let (b, i) = pair(it, arm);
                let mut acc = 0.0;
                for (t, c) in by_year.iter_mut().enumerate() {
                    acc += saving(b.cost_by_year[t], i.cost_by_year[t]);
                    *c = if t + 1 == horizon { net } else { acc };
                    cumulative[t][k] = *c;
                }
                payback_year(&by_year)
            })
            .collect();
        let by_actor = (0..scenario.actors.len())
            .map(|a| {
                iterations
                    .iter()
                    .map(|it| {
                        let (b, i) = pair(it, arm);
                        saving(b.cost_by_actor[a], i.cost_by_actor[a])
                    })
                    .collect()
            })
            .collect();
        let by_perspective = scenario
            .perspectives
            .iter()
            .map(|p| {
                iterations
                    .iter()
                    .map(|it| {
                        let (b, i) = pair(it, arm);
                        p.actors
                            .iter()
                            .map(|&a| {
                                let (mut bc, mut ic) = (b.cost_by_actor[a], i.cost_by_actor[a]);
                                if p.exclude_transfers {
                                    bc -= b.transfer_by_actor[a];
                                    ic -= i.transfer_by_actor[a];
                                }
                                saving(bc, ic)
                            })
                            .sum()
                    })
                    .collect()
            })
            .collect();
        ComparisonSamples {
            net,
            savings,
            investment,
            cumulative,
            payback,
            by_actor,
            by_perspective,
        }
    }
}

/// `baseline − intervention`, with differences at the level of floating-point rounding
/// (relative 1e-10, i.e. a hundredth of a krona on a hundred million) set to exactly 0: equal
/// costs reached through different sums must not count as a gain or a loss.
pub fn saving(baseline: f64, intervention: f64) -> f64 {
    let d = baseline - intervention;
    if d.abs() <= 1e-10 * baseline.abs().max(intervention.abs()) {
        0.0
    } else {
        d
    }
}

/// The net of intervention `arm` in one iteration: [`saving`] of the arms' total costs.
pub fn net_of(it: &IterationResult, arm: usize) -> f64 {
    saving(it.arms[0].total(), it.arms[arm].total())
}
