//! The follow-up in the terminal: what was observed, how the posterior was computed, each
//! parameter before and after, and the forecast before and now.

use super::format::{self, amount, share};
use super::summary::{point_of_view, range};
use crate::followup::FollowUp;
use crate::followup::forecast::{NoForecast, UpdatedForecast};
use crate::results::PointOfViewKind;
use crate::schema::followup::{FollowUpReport, PosteriorMethod, Spread, Verdict};

/// A median and its 90 % range, to 3 significant digits (what a prior written by hand
/// supports).
fn spread(s: &Spread) -> String {
    let v = format::amount;
    format!("{} ({}–{})", v(s.p50), v(s.p5), v(s.p95))
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Contradicted => "contradicted",
        Verdict::Shifted => "shifted",
        Verdict::Confirmed => "confirmed",
        Verdict::Unchanged => "unchanged",
    }
}

impl FollowUpReport {
    /// The terminal table.
    pub fn table(&self) -> String {
        let o = &self.observed;
        let p = &self.posterior;
        let years = match o.last_calendar_year {
            Some(last) if o.years > 1 => {
                format!("{} years ({}–{last})", o.years, last - o.years as i32 + 1)
            }
            Some(last) => format!("1 year ({last})"),
            None if o.years == 1 => "1 year".to_string(),
            None => format!("{} years", o.years),
        };
        let method = match p.method {
            PosteriorMethod::ImportanceSampling => "importance sampling from the prior".to_string(),
            PosteriorMethod::SequentialMonteCarlo => format!(
                "sequential Monte Carlo ({} tempering {}, {} moves each, {:.0} % accepted), \
                 as importance sampling alone left too few effective particles",
                p.stages,
                if p.stages == 1 { "step" } else { "steps" },
                p.moves_per_stage,
                100.0 * p.acceptance.unwrap_or(0.0)
            ),
        };
        let mut out = format!(
            "Follow-up of {} with {}: {} people ({} took part), {years} observed, {} yearly \
             moves.\nPosterior: {method}; {} particles, effective sample size {}.\n\n",
            self.file,
            self.observed_file,
            o.people,
            o.participants,
            o.moves,
            format::grouped(p.particles as f64, 0),
            format::grouped(p.effective_sample_size.floor(), 0),
        );
        let mut rows = vec![vec![
            "Parameter".to_string(),
            "Before: median (90 %)".to_string(),
            "After: median (90 %)".to_string(),
            "Verdict".to_string(),
        ]];
        for u in self.parameters.iter().filter(|u| u.informed) {
            rows.push(vec![
                u.name.clone(),
                spread(&u.prior),
                spread(&u.posterior),
                verdict(u.verdict).to_string(),
            ]);
        }
        out.push_str(&format::table_with_whole_names(&rows, "  "));
        let kept: Vec<&str> = self
            .parameters
            .iter()
            .filter(|u| !u.informed)
            .map(|u| u.name.as_str())
            .collect();
        if !kept.is_empty() {
            out.push_str(&format!(
                "\nNot read by any transition or starting share, so kept as before: {}.\n",
                kept.join(", ")
            ));
        }
        out.push_str(
            "\ncontradicted: the median after lies outside the 90 % range before;\nshifted: the \
             median before lies outside the 90 % range after, the median after within the range \
             before;\nconfirmed: neither, and the sd after is at most 0.8 × the sd before;\n\
             unchanged: the observed years say little about it yet.\n",
        );
        out
    }
}

impl FollowUp {
    /// The terminal table: the parameters, then the forecast.
    pub fn table(&self) -> String {
        let mut out = self.update.table();
        match (&self.forecast, &self.no_forecast) {
            (Some(f), _) => out.push_str(&forecast_table(f, self.update.observed.people)),
            (None, Some(why)) => out.push_str(&format!("\n{}\n", no_forecast(why))),
            (None, None) => {}
        }
        out
    }
}

/// Why there is no forecast, in words.
pub fn no_forecast(why: &NoForecast) -> String {
    match why {
        NoForecast::NobodyTookPart => "Nobody in the observed file took part in an intervention: \
            there is no investment to forecast again."
            .to_string(),
        NoForecast::SeveralInterventions { interventions } => format!(
            "The observed people took part in {} interventions ({}): the forecast follows one \
             intervention as it is run; give one file per intervention.",
            interventions.len(),
            interventions
                .iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        NoForecast::Unsupported { what } => format!(
            "No forecast: it does not yet follow a scenario with {what}; the parameters before \
             and after are above."
        ),
    }
}

/// The forecast before and now: the decision perspective's headline, then every point of
/// view's net of the observed years, of the years left, and P(loss) before and now.
fn forecast_table(f: &UpdatedForecast, observed_people: usize) -> String {
    let (Some(before), Some(now)) = (f.before.comparisons.first(), f.after.comparisons.first())
    else {
        return String::new();
    };
    let sc = &f.after.scenario;
    let (d_before, d_now) = (before.decision_net(), now.decision_net());
    let years = match sc.first_year {
        Some(first) if f.observed_years > 1 => {
            format!("{first}–{}", first + f.observed_years as i32 - 1)
        }
        Some(first) => first.to_string(),
        None => format!("years 1–{}", f.observed_years),
    };
    let mut out = format!(
        "\nForecast of \"{}\" for {}, with the observed years ({years}) as they were:\n",
        f.intervention,
        point_of_view(sc, &d_now)
    );
    out.push_str(&format!(
        "  P(net > 0): before {} -> now {}\n  Net before: {} (90%: {})\n  Net now:    {} (90%: {})\n",
        share(d_before.prob_net_positive, d_before.prob_net_positive_ci),
        share(d_now.prob_net_positive, d_now.prob_net_positive_ci),
        amount(d_before.net.mean),
        range(d_before.net),
        amount(d_now.net.mean),
        range(d_now.net),
    ));
    let drawn = match f.people_before {
        Some(n) => format!("{n} people"),
        None => "the scenario's intakes".to_string(),
    };
    let to_come = if f.people_before.is_none() {
        " and the intakes still to come"
    } else {
        ""
    };
    out.push_str(&format!(
        "  Before: the prior, {drawn}, participation drawn by the uptake; now: the posterior, \
         the {observed_people} observed people{to_come}.\n\n",
    ));
    let mut rows = vec![vec![
        "Point of view".to_string(),
        "Net so far".to_string(),
        "Years left".to_string(),
        "Years left, 90%".to_string(),
        "P(loss) before".to_string(),
        "P(loss) now".to_string(),
    ]];
    for p in &f.periods {
        let loss = |c: &crate::results::Comparison| {
            c.shares_of(p.kind, &p.name)
                .map(|s| (s.prob_loss, s.prob_loss_ci))
        };
        let shown =
            |x: Option<(f64, [f64; 2])>| x.map_or("–".to_string(), |(p, ci)| share(p, ci));
        rows.push(vec![
            match p.kind {
                PointOfViewKind::AllActors => "all actors".to_string(),
                _ => sc.labels.actor(&p.name).to_string(),
            },
            amount(p.so_far.mean),
            amount(p.rest.mean),
            range(&p.rest),
            shown(loss(before)),
            shown(loss(now)),
        ]);
    }
    out.push_str(&format::table_with_whole_names(&rows, "  "));
    out
}
