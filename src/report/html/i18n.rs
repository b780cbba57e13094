//! Language helpers the catalogue's messages need: the language code, the names of points of
//! view and actors as a sentence uses them, lists, readable formulas, and the sentences the
//! headline and the who-gains line assemble from the catalogue ([`super::messages`]).
//!
//! Years are counted as the reader counts them: year 0 of the model is the first year, so a
//! payback in model year t is "within t + 1 years" (the charts' x axis, "years from the start",
//! uses the same count).

use super::messages::Messages;
use super::{Ctx, Lang, fmt};
use crate::results::{Comparison, PointOfViewNet, ScenarioInfo};
use crate::scenario::{DEFAULT_SOCIETY, Labels};
use maud::{Markup, html};

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

    /// The report's words and sentences in this language.
    pub(crate) fn messages(self) -> &'static Messages {
        match self {
            Lang::Sv => &super::messages::sv::MESSAGES,
            Lang::En => &super::messages::en::MESSAGES,
        }
    }
}

/// A point of view as a sentence names it (plain text): "kommunen", "alla aktörer", a
/// perspective's name as written; in English "the kommun", "all actors".
pub(super) fn point_of_view(lang: Lang, sc: &ScenarioInfo, pov: &PointOfViewNet) -> String {
    match (pov.name, lang) {
        (None, _) => lang.messages().all_actors.to_string(),
        (Some(name), _) if pov.is_actor => actor_named(lang, sc, name),
        (Some(DEFAULT_SOCIETY), Lang::Sv) => "samhället".to_string(),
        (Some(name), _) => sc.labels.actor(name).to_string(),
    }
}

/// An actor as a sentence names it: its label as written, or its name in the definite form
/// ("kommunen", "betalas av regionen"); in English "the kommun".
pub(super) fn actor_named(lang: Lang, sc: &ScenarioInfo, name: &str) -> String {
    let label = sc.labels.actor(name);
    match lang {
        Lang::Sv if label == name => definite(name),
        Lang::Sv => label.to_string(),
        Lang::En if label == name => format!("the {name}"),
        Lang::En => label.to_string(),
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

/// "a", "a och b", "a, b och c".
pub(super) fn list(m: &Messages, items: Vec<Markup>) -> Markup {
    let n = items.len();
    html! {
        @for (i, item) in items.into_iter().enumerate() {
            @if i > 0 && i + 1 == n { (m.and) } @else if i > 0 { ", " }
            (item)
        }
    }
}

/// A formula as written, with each parameter's name replaced by its label where it has one:
/// `p_ut * 0.8` → `Andel som blir utan sysselsättning per år * 0.8`.
pub(super) fn readable_formula(labels: &Labels, written: &str) -> String {
    let mut out = String::with_capacity(written.len());
    let mut word = String::new();
    let mut in_string = false;
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            out.push_str(labels.parameter(word));
            word.clear();
        }
    };
    for ch in written.chars() {
        if in_string {
            out.push(ch);
            in_string = ch != '"';
        } else if ch.is_alphanumeric() || ch == '_' {
            word.push(ch);
        } else {
            flush(&mut word, &mut out);
            in_string = ch == '"';
            out.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The headline: for the decision perspective, the 90 % range of the net and the risk of a
/// loss; then payback (reckoned over all actors), with the numbers in `<b>`.
pub(super) fn headline(ctx: &Ctx, c: &Comparison) -> Vec<Markup> {
    let (lang, m, sc) = (ctx.lang, ctx.m, &ctx.r.scenario);
    let horizon = sc.horizon_years;
    let pov = c.decision_net();
    let who = point_of_view(lang, sc, &pov);
    let ends = ctx.amounts().quantile_ends(pov.net);
    let (p_loss, p_loss_ci) = pov.prob_loss.unwrap_or((c.prob_loss, c.prob_loss_ci));
    let loss = fmt::percent_ci(lang, p_loss, p_loss_ci);
    let within = fmt::percent_ci(
        lang,
        c.payback.prob_within_horizon,
        c.payback.prob_within_horizon_ci,
    );
    let h = ctx.years(horizon);
    // payback is reckoned over all actors: named so when the headline speaks for another view
    let all_named = pov.name.is_some();
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
            (m.headline_payback)(&p, &ctx.years(t + 1), all_named)
        }
        None if c.payback.prob_within_horizon > 0.0 => {
            (m.headline_payback_fewer)(&h, &within, all_named)
        }
        None => (m.headline_payback_never)(&h, all_named),
    };
    vec![
        (m.headline_range)(&who, &ends),
        (m.headline_risk)(&loss),
        payback,
    ]
}

/// Who funds the program and what each actor gains on average: `funded_by` holds the actors
/// as a sentence names them and their shares, `by_actor` the actors and their mean nets.
pub(super) fn who_gains(
    ctx: &Ctx,
    funded_by: &[(String, f64)],
    by_actor: &[(String, String)],
) -> Markup {
    let m = ctx.m;
    let payers: Vec<Markup> = funded_by
        .iter()
        .map(|(a, s)| {
            let share = ((*s - 1.0).abs() >= 1e-12).then(|| fmt::percent(ctx.lang, *s));
            html! { b { (a) } @if let Some(share) = share { " (" (share) ")" } }
        })
        .collect();
    let gains: Vec<Markup> = by_actor
        .iter()
        .map(|(a, amount)| (m.net_for_actor)(a, amount))
        .collect();
    html! {
        @if !payers.is_empty() { ((m.paid_by)(list(m, payers))) " " }
        ((m.net_per_actor)(list(m, gains)))
    }
}

#[cfg(test)]
mod tests {
    use super::{definite, readable_formula};
    use crate::scenario::{Described, Labels};

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

    #[test]
    fn formulas_read_with_labels() {
        let mut labels = Labels::default();
        labels.parameters.insert(
            "p_ut".into(),
            Described {
                label: Some("Andel utan arbete".into()),
                ..Described::default()
            },
        );
        assert_eq!(
            readable_formula(&labels, "p_ut * 0.8 + p_x"),
            "Andel utan arbete * 0.8 + p_x"
        );
        // a quoted name is left as written
        assert_eq!(
            readable_formula(&labels, "if_else(arm_is(\"p_ut\"), p_ut, 1)"),
            "if_else(arm_is(\"p_ut\"), Andel utan arbete, 1)"
        );
    }
}
