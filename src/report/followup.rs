//! The follow-up in the terminal: what was observed, how the posterior was computed, and each
//! parameter before and after.

use super::format;
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
