//! The report's sentences in Swedish and English. Single words and headings are chosen in place
//! with [`Lang::pick`]; the sentences that carry numbers are built here.
//!
//! Years are counted as the reader counts them: year 0 of the model is the first year, so a
//! payback in model year t is "within t + 1 years" (the charts' x axis, "years from the start",
//! uses the same count).

use super::fmt::{self, Money, NBSP};
use super::{Lang, esc};
use crate::results::{Comparison, PointOfViewNet, ScenarioInfo};
use crate::scenario::DEFAULT_SOCIETY;

impl Lang {
    /// The Swedish or the English text.
    pub(crate) fn pick<'a>(self, sv: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Sv => sv,
            Lang::En => en,
        }
    }

    /// The language code for `<html lang>`.
    pub(crate) fn code(self) -> &'static str {
        self.pick("sv", "en")
    }
}

/// "4 år" / "4 years" / "1 year".
pub(super) fn years(lang: Lang, k: u32) -> String {
    match (lang, k) {
        (Lang::Sv, _) => format!("{k}{NBSP}år"),
        (Lang::En, 1) => format!("1{NBSP}year"),
        (Lang::En, _) => format!("{k}{NBSP}years"),
    }
}

/// A point of view as the headline names it, escaped: "kommunen", "alla aktörer", a
/// perspective's name as written; in English "the kommun", "all actors".
pub(super) fn point_of_view(lang: Lang, sc: &ScenarioInfo, pov: &PointOfViewNet) -> String {
    match (pov.name, lang) {
        (None, _) => lang.pick("alla aktörer", "all actors").to_string(),
        (Some(name), Lang::Sv) if pov.is_actor && sc.labels.actor(name) == name => {
            esc(&definite(name))
        }
        (Some(name), Lang::En) if pov.is_actor => format!("the {}", esc(sc.labels.actor(name))),
        (Some(DEFAULT_SOCIETY), Lang::Sv) => "samhället".to_string(),
        (Some(name), _) => esc(sc.labels.actor(name)),
    }
}

/// The definite form of a Swedish noun, for an actor's name: "kommun" → "kommunen", "region"
/// → "regionen"; a name already definite ("staten", "individen") or proper
/// ("Försäkringskassan"), or of several words, stays as written.
fn definite(name: &str) -> String {
    let proper = name.chars().next().is_some_and(char::is_uppercase);
    let definite = ["en", "et", "na", "an"]
        .iter()
        .any(|end| name.ends_with(end));
    if proper || definite || name.contains(' ') {
        name.to_string()
    } else if name.ends_with(['a', 'e', 'o', 'u', 'y', 'å', 'ä', 'ö', 'i']) {
        format!("{name}n")
    } else {
        format!("{name}en")
    }
}

/// The headline: for the decision perspective, the 90 % range of the net and the risk of a
/// loss; then payback (reckoned over all actors), with the numbers in `<b>`. Scenario names
/// are escaped.
pub(super) fn headline(
    lang: Lang,
    money: &Money,
    c: &Comparison,
    sc: &ScenarioInfo,
) -> Vec<String> {
    let horizon = sc.horizon_years;
    let pov = c.decision_net();
    let who = point_of_view(lang, sc, &pov);
    let (lo, hi, scale) = money.quantile_range_parts(pov.net);
    let (p_loss, p_loss_ci) = pov.prob_loss.unwrap_or((c.prob_loss, c.prob_loss_ci));
    let loss = fmt::percent_ci(lang, p_loss, p_loss_ci);
    let range = match lang {
        Lang::Sv => format!(
            "För {who} blir nettot med 90{NBSP}% sannolikhet mellan <b>{lo}</b> och <b>{}</b>.",
            money.with_unit(&hi, scale)
        ),
        Lang::En => format!(
            "For {who}, with 90% probability the net lies between <b>{}</b> and <b>{}</b>.",
            money.with_unit(&lo, scale),
            money.with_unit(&hi, scale)
        ),
    };
    let risk = match lang {
        Lang::Sv => format!("Risken för förlust är <b>{loss}</b>."),
        Lang::En => format!("The risk of a loss is <b>{loss}</b>."),
    };
    let within = fmt::percent_ci(
        lang,
        c.payback.prob_within_horizon,
        c.payback.prob_within_horizon_ci,
    );
    let h = years(lang, horizon);
    let payback = match c.payback.median_year {
        Some(t) => {
            let t_ = t as usize;
            let ci = c
                .payback
                .cdf_ci
                .get(t_)
                .copied()
                .unwrap_or(crate::stats::UNKNOWN);
            let p = fmt::percent_ci(lang, c.payback.cdf.get(t_).copied().unwrap_or(0.5), ci);
            let k = years(lang, t + 1);
            match lang {
                Lang::Sv => {
                    format!("Återbetalning sker med <b>{p}</b> sannolikhet inom <b>{k}</b>.")
                }
                Lang::En => format!("It pays back within <b>{k}</b> with <b>{p}</b> probability."),
            }
        }
        None if c.payback.prob_within_horizon > 0.0 => match lang {
            Lang::Sv => format!(
                "Färre än hälften av utfallen betalar tillbaka sig: sannolikheten för \
                 återbetalning inom kalkylperioden på {h} är <b>{within}</b>."
            ),
            Lang::En => format!(
                "Fewer than half of the outcomes pay back: the probability of payback within \
                 the {h} horizon is <b>{within}</b>."
            ),
        },
        None => match lang {
            Lang::Sv => format!(
                "Investeringen betalar inte tillbaka sig inom kalkylperioden på {h} i något av \
                 utfallen."
            ),
            Lang::En => {
                format!("The investment pays back within the {h} horizon in none of the outcomes.")
            }
        },
    };
    let payback = match pov.name {
        None => payback,
        Some(_) => {
            let mut chars = payback.chars();
            let first: String = chars
                .next()
                .into_iter()
                .flat_map(char::to_lowercase)
                .collect();
            format!(
                "{} {first}{}",
                lang.pick(
                    "Räknat för alla aktörer tillsammans:",
                    "Counting all actors together:"
                ),
                chars.as_str()
            )
        }
    };
    vec![range, risk, payback]
}

/// Who funds the program and what each actor gains on average (HTML, names escaped).
pub(super) fn who_gains(
    lang: Lang,
    money: &Money,
    funded_by: &[(String, f64)],
    by_actor: &[(String, f64, f64)],
) -> String {
    let list = |items: Vec<String>| -> String {
        let and = lang.pick(" och ", " and ");
        match items.len() {
            0 => String::new(),
            1 => items[0].clone(),
            n => format!("{}{and}{}", items[..n - 1].join(", "), items[n - 1]),
        }
    };
    let payers = list(
        funded_by
            .iter()
            .map(|(a, s)| {
                if (*s - 1.0).abs() < 1e-12 {
                    format!("<b>{}</b>", esc(a))
                } else {
                    format!("<b>{}</b> ({})", esc(a), fmt::percent(lang, *s))
                }
            })
            .collect(),
    );
    let gains = list(
        by_actor
            .iter()
            .map(|(a, mean, mcse)| format!("{} {}", esc(a), money.mean(*mean, *mcse)))
            .collect(),
    );
    let mut out = String::new();
    if !payers.is_empty() {
        out.push_str(&match lang {
            Lang::Sv => format!("Insatsen betalas av {payers}. "),
            Lang::En => format!("The intervention is paid for by {payers}. "),
        });
    }
    out.push_str(&match lang {
        Lang::Sv => format!("Nettot i genomsnitt per aktör: {gains}."),
        Lang::En => format!("The average net per actor: {gains}."),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::definite;

    #[test]
    fn actor_names_take_their_definite_form_once() {
        assert_eq!(definite("kommun"), "kommunen");
        assert_eq!(definite("region"), "regionen");
        assert_eq!(definite("skola"), "skolan");
        for kept in [
            "staten",
            "individen",
            "Försäkringskassan",
            "region och kommun",
        ] {
            assert_eq!(definite(kept), kept);
        }
    }
}
