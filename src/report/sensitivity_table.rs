//! The terminal tables of the sensitivity analyses (what `socinv tornado|sweep|threshold|sobol|
//! voi` print), and the threshold's JSON with the English statement it carries.
//!
//! The analyses (`crate::sensitivity`) return schema values (`crate::schema`) and never format;
//! the `table` methods of those types, and the threshold's `Serialize`, are defined here, on the
//! output side.
//!
//! May import: `schema`, `scenario` (labels) and `report::format`.

use crate::report::format::{amount, mean_with_mcse, percent, table, table_with_whole_names};
use crate::schema::{
    BreakEven, CurvePoint, Header, Metric, Others, SobolReport, SweepReport, Target,
    ThresholdReport, ThresholdResult, ThresholdStatus, TornadoReport, VoiReport,
};
use serde::{Serialize, Serializer};

/// The metric's value for readers: amounts for net and ROI, percentages for probabilities.
pub fn show(metric: Metric, value: f64) -> String {
    match metric {
        Metric::Net | Metric::Roi => amount(value),
        Metric::ProbNetPositive | Metric::Payback => {
            format!("{:.1}%", value * 100.0)
        }
    }
}

/// A metric's estimate with its MCSE, "X (± Y)": amounts rounded to what the MCSE supports.
pub fn show_with_mcse(metric: Metric, value: f64, mcse: f64) -> String {
    match metric {
        Metric::Net | Metric::Roi => mean_with_mcse(value, mcse),
        Metric::ProbNetPositive | Metric::Payback => {
            format!("{} (± {})", show(metric, value), show(metric, mcse))
        }
    }
}

/// What the metric is, in words.
pub fn metric_label(metric: Metric) -> &'static str {
    match metric {
        Metric::Net => "the mean net",
        Metric::ProbNetPositive => "the probability of a positive net",
        Metric::Roi => "the ROI (mean net / mean investment)",
        Metric::Payback => "the probability of payback within the horizon",
    }
}

/// The JSON of `socinv threshold` (`socinv.threshold/1`): the report's fields, each result with
/// its plain-words `statement` after `value_mcse`.
impl Serialize for ThresholdReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Written<'a> {
            #[serde(flatten)]
            header: &'a Header,
            parameter: &'a str,
            target: &'a Target,
            search_range: &'a [f64; 2],
            results: Vec<WrittenResult<'a>>,
            break_even: &'a [BreakEven],
        }
        #[derive(Serialize)]
        struct WrittenResult<'a> {
            intervention: &'a str,
            status: ThresholdStatus,
            value: Option<f64>,
            value_mcse: Option<f64>,
            statement: String,
            curve: &'a [CurvePoint],
        }
        Written {
            header: &self.header,
            parameter: &self.parameter,
            target: &self.target,
            search_range: &self.search_range,
            results: self
                .results
                .iter()
                .map(|r| WrittenResult {
                    intervention: &r.intervention,
                    status: r.status,
                    value: r.value,
                    value_mcse: r.value_mcse,
                    statement: statement(self, r),
                    curve: &r.curve,
                })
                .collect(),
            break_even: &self.break_even,
        }
        .serialize(serializer)
    }
}

/// "the mean net reaches 0 at effect = 0.42 (± 0.01 MCSE)", or where the metric stays when the
/// target is not met: the `statement` of a threshold result in its JSON and table.
pub fn statement(report: &ThresholdReport, r: &ThresholdResult) -> String {
    let target = report.target;
    let shown = report.header.labels.parameter(&report.parameter);
    match (r.status, r.value) {
        (ThresholdStatus::Found, Some(value)) => format!(
            "{} reaches {} at {shown} = {} (± {} MCSE)",
            metric_label(target.metric),
            show(target.metric, target.value),
            amount(value),
            amount(r.value_mcse.unwrap_or(0.0))
        ),
        _ => {
            let (min, max) = r.curve.iter().fold((f64::MAX, f64::MIN), |(a, b), c| {
                (a.min(c.metric.value), b.max(c.metric.value))
            });
            let [lo, hi] = report.search_range;
            format!(
                "{} stays between {} and {} for {shown} within its P1–P99 ({} … {}): the \
                 target {} is not met there",
                metric_label(target.metric),
                show(target.metric, min),
                show(target.metric, max),
                amount(lo),
                amount(hi),
                show(target.metric, target.value)
            )
        }
    }
}

impl TornadoReport {
    /// The readable table, one per intervention.
    pub fn table(&self) -> String {
        let m = self.metric;
        let mut out = format!(
            "Tornado of {} ({}), {} iterations, seed {}: each parameter at its P{} and P{}, the \
             others {}.\n",
            metric_label(m),
            self.header.perspective,
            self.header.iterations,
            self.header.seed,
            (self.low * 100.0).round(),
            (self.high * 100.0).round(),
            match self.others {
                Others::Vary => "drawn from their distributions",
                Others::Median => "at their medians",
            }
        );
        for group in &self.correlated {
            out.push_str(&format!(
                "Correlated: {}; moving one moves the others to their {} given it.\n",
                group.join(", "),
                match self.others {
                    Others::Vary => "distribution",
                    Others::Median => "median",
                }
            ));
        }
        for r in &self.results {
            out.push_str(&format!(
                "\n{}: base {}\n",
                r.intervention,
                show_with_mcse(m, r.base.value, r.base.mcse)
            ));
            let labels = &self.header.labels;
            let mut rows = vec![vec![
                "parameter".to_string(),
                "low value".into(),
                "high value".into(),
                "at low".into(),
                "at high".into(),
                "swing (± MCSE)".into(),
            ]];
            for b in &r.bars {
                let value = |v: f64| {
                    let shown = crate::report::format::amount(v);
                    match labels.parameter_unit(&b.parameter) {
                        Some(unit) => format!("{shown} {unit}"),
                        None => shown,
                    }
                };
                rows.push(vec![
                    labels.parameter(&b.parameter).to_string(),
                    value(b.low_value),
                    value(b.high_value),
                    show(m, b.at_low.value),
                    show(m, b.at_high.value),
                    show_with_mcse(m, b.swing.value, b.swing.mcse),
                ]);
            }
            out.push_str(&table_with_whole_names(&rows, "  "));
        }
        out
    }
}
impl SweepReport {
    /// A table per intervention: one row per grid point.
    pub fn table(&self) -> String {
        let labels = &self.header.labels;
        let names: Vec<String> = self
            .axes
            .iter()
            .map(|a| labels.parameter_with_unit(&a.parameter))
            .collect();
        let mut out = format!(
            "Sweep over {} ({}), {} iterations per point, seed {}; net in the scenario's currency.\n",
            names.join(" × "),
            self.header.perspective,
            self.header.iterations,
            self.header.seed
        );
        let interventions = self.points.first().map_or(0, |p| p.results.len());
        for k in 0..interventions {
            out.push_str(&format!("\n{}\n", self.points[0].results[k].intervention));
            let mut header = names.clone();
            header.extend([
                "mean net (± MCSE)".to_string(),
                "P5 … P95".into(),
                "P(net > 0) (± MCSE)".into(),
                "P(payback) (± MCSE)".into(),
            ]);
            let mut rows = vec![header];
            for p in &self.points {
                let r = &p.results[k];
                let mut row: Vec<String> = p.values.iter().map(|v| amount(*v)).collect();
                row.extend([
                    mean_with_mcse(r.net.value, r.net.mcse),
                    format!("{} … {}", amount(r.net_p5), amount(r.net_p95)),
                    show_with_mcse(
                        Metric::ProbNetPositive,
                        r.prob_net_positive.value,
                        r.prob_net_positive.mcse,
                    ),
                    show_with_mcse(Metric::Payback, r.prob_payback.value, r.prob_payback.mcse),
                ]);
                rows.push(row);
            }
            out.push_str(&table(&rows, "  "));
        }
        out
    }
}
impl ThresholdReport {
    pub fn table(&self) -> String {
        let m = self.target.metric;
        let mut out = format!(
            "Threshold of {} for {} = {} ({}), {} iterations per trial value, seed {}; searched \
             within P1–P99 = {} … {}\n",
            self.header.labels.parameter(&self.parameter),
            metric_label(m),
            show(m, self.target.value),
            self.header.perspective,
            self.header.iterations,
            self.header.seed,
            amount(self.search_range[0]),
            amount(self.search_range[1])
        );
        for r in &self.results {
            out.push_str(&format!("\n{}: {}\n", r.intervention, statement(self, r)));
            let param = self.header.labels.parameter_with_unit(&self.parameter);
            let mut rows = vec![vec![param, "metric (± MCSE)".to_string()]];
            for c in &r.curve {
                rows.push(vec![
                    amount(c.value),
                    show_with_mcse(m, c.metric.value, c.metric.mcse),
                ]);
            }
            out.push_str(&table(&rows, "  "));
        }
        if !self.break_even.is_empty() {
            out.push_str(
                "\nBreak-even success (WSIPP style: cost per participant ÷ value of one avoided \
                 outcome, as if that outcome carried all the savings)\n",
            );
            let mut rows = vec![vec![
                "intervention · outcome".to_string(),
                "cost/participant".into(),
                "value/avoided".into(),
                "needed/participant".into(),
                "achieved/participant".into(),
            ]];
            for b in &self.break_even {
                rows.push(vec![
                    format!(
                        "{} · {}",
                        b.intervention,
                        self.header.labels.outcome(&b.outcome)
                    ),
                    amount(b.cost_per_participant),
                    amount(b.value_per_avoided),
                    mean_with_mcse(
                        b.break_even_per_participant,
                        b.break_even_per_participant_mcse,
                    ),
                    mean_with_mcse(b.achieved_per_participant, b.achieved_per_participant_mcse),
                ]);
            }
            out.push_str(&table(&rows, "  "));
        }
        out
    }
}
/// An index for the table: 2 decimals, "–" when undefined.
fn index(x: f64) -> String {
    if x.is_finite() {
        // no "-0.00" for a small negative estimate
        format!("{:.2}", if x.abs() < 0.005 { 0.0 } else { x })
    } else {
        "–".to_string()
    }
}

fn with_ci(x: f64, ci: [f64; 2]) -> String {
    if ci.iter().all(|c| c.is_finite()) {
        format!("{} [{}, {}]", index(x), index(ci[0]), index(ci[1]))
    } else {
        index(x)
    }
}

impl SobolReport {
    /// The readable table, one per intervention.
    pub fn table(&self) -> String {
        let inputs = self.results.first().map_or(0, |r| r.indices.len());
        let mut out = format!(
            "Sobol indices of the net ({}), seed {}: base {} rows, {} inputs, {} model \
             evaluations, {} bootstrap resamples.\n\
             The indices are shares of the variance of the net across the uncertain parameters \
             and cohort chance\n(which people the cohort happens to hold and how their years \
             play out). First order: the share an input\nexplains on its own; total: the share \
             it takes part in, interactions included. A total near 0 means\nthe input could be \
             fixed anywhere in its range without changing the spread of the net. Cohort \
             chance's total is\nthe share left to chance at given parameters; a parameter's \
             total also counts its interaction with\nchance (other values move some people onto \
             other paths), so totals can add up to more than 1.\n",
            self.header.perspective,
            self.header.seed,
            self.base,
            inputs,
            self.evaluations,
            self.bootstrap,
        );
        if self.header.cohort_method == crate::sim::Method::Expected {
            out.push_str(
                "With --method expected each evaluation is the expectation given the parameters: \
                 cohort chance's\nindices are 0 by construction, and the parameters share the \
                 variance of the expected net.\n",
            );
        }
        for r in &self.results {
            out.push_str(&format!(
                "\n{}: mean net {}, sd of the net {}\n",
                r.intervention,
                mean_with_mcse(r.mean_net.value, r.mean_net.mcse),
                amount(r.variance.sqrt()),
            ));
            if !r.variance.is_finite() || r.variance <= 0.0 {
                out.push_str("  The net does not vary: there is no variance to share out.\n");
                continue;
            }
            let ci = if self.bootstrap > 0 { " [95% CI]" } else { "" };
            let mut rows = vec![vec![
                "input".to_string(),
                format!("first order{ci}"),
                format!("total{ci}"),
            ]];
            for i in &r.indices {
                rows.push(vec![
                    self.header.labels.parameter(&i.input).to_string(),
                    with_ci(i.first_order, i.first_order_ci),
                    with_ci(i.total, i.total_ci),
                ]);
            }
            out.push_str(&table_with_whole_names(&rows, "  "));
            let sum: f64 = r.indices.iter().map(|i| i.first_order).sum();
            // The widest confidence interval, and estimates outside what an index can be, say
            // whether the base sample is large enough to read anything into the sum.
            let widest = r
                .indices
                .iter()
                .flat_map(|i| [i.first_order_ci, i.total_ci])
                .map(|[lo, hi]| hi - lo)
                .filter(|w| w.is_finite())
                .fold(0.0, f64::max);
            let impossible = r
                .indices
                .iter()
                .any(|i| i.first_order > 1.1 || i.first_order < -0.1 || i.total > 2.0);
            let verdict = if impossible || widest > 0.3 || sum > 1.1 {
                format!(
                    "the estimates are too imprecise to read (widest 95% CI {}): run with a \
                     larger --base.",
                    index(widest)
                )
            } else if sum < 0.9 {
                "the rest of the variance comes from interactions between inputs (cohort \
                 chance is one)."
                    .to_string()
            } else {
                "the inputs act mostly on their own (little interaction).".to_string()
            };
            out.push_str(&format!(
                "  Sum of first-order indices {}: {verdict}\n",
                index(sum)
            ));
        }
        out
    }
}
impl VoiReport {
    /// The readable table.
    pub fn table(&self) -> String {
        let h = &self.header;
        let cur = &self.currency;
        let mut out = format!(
            "Value of information: invest or not, net from the point of view of {}.\n\
             {} iterations, seed {}; amounts in {cur} for the whole cohort ({} people), \
             discounted.\n\n",
            h.perspective,
            grouped_count(h.iterations),
            h.seed,
            self.cohort
        );
        out.push_str("Expected net on current evidence:\n");
        let mut rows = Vec::new();
        for o in &self.options {
            let mark = if o.name == self.evpi.decision {
                "best"
            } else {
                ""
            };
            rows.push(vec![
                o.name.clone(),
                amount(o.expected_net),
                mark.to_string(),
            ]);
        }
        out.push_str(&table(&rows, "  "));
        out.push('\n');
        let e = &self.evpi;
        let rows = vec![
            vec![
                if h.cohort_method == crate::sim::Method::Expected {
                    "EVPI, everything known"
                } else {
                    "EVPI, everything known (upper bound)"
                }
                .to_string(),
                mean_with_mcse(e.evpi, e.evpi_mcse),
            ],
            vec![
                "EVPI, all parameters known".to_string(),
                mean_with_mcse(e.evpi_parameters, e.evpi_parameters_mcse),
            ],
        ];
        out.push_str(&table(&rows, "  "));
        out.push_str(if h.cohort_method == crate::sim::Method::Expected {
            "  Each iteration is the expectation given the parameters (--method expected): the \
             first is about the parameters too; the second is estimated by regression.\n\n"
        } else {
            "  The first includes cohort chance, which no research removes; the second is \
             estimated by regression.\n\n"
        });
        out.push_str("Per parameter (EVPPI), largest first:\n");
        let mut rows = vec![vec![
            "parameter".to_string(),
            format!("EVPPI ({cur}, ± MCSE)"),
            "share of EVPI".to_string(),
        ]];
        for p in &self.evppi {
            rows.push(vec![
                h.labels.parameter(&p.parameter).to_string(),
                mean_with_mcse(p.evppi, p.evppi_mcse),
                if p.share_of_evpi.is_finite() {
                    percent(p.share_of_evpi)
                } else {
                    "–".to_string()
                },
            ]);
        }
        if self.evppi.is_empty() {
            rows.push(vec!["(no uncertain parameters)".to_string()]);
        }
        out.push_str(&table_with_whole_names(&rows, "  "));
        out.push_str(&format!("\nMethod: {}\n", self.method));
        out
    }
}

fn grouped_count(n: usize) -> String {
    crate::report::format::grouped(n as f64, 0)
}
