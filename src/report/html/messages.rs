//! The report's message catalogue: every word and sentence of the report's own text, one file
//! per language ([`sv`], [`en`]), each a [`Messages`] value.
//!
//! A missing message is a compile error: each language file builds the whole struct. Words and
//! headings are `&'static str`; sentences that carry values are functions of those values, which
//! return plain text (maud escapes it where it goes) or [`Markup`] where a sentence marks its
//! numbers in `<b>` or a command in `<code>`. The values come formatted (amounts, shares, years): one number formatter
//! per locale lives in [`super::fmt`].

pub(super) mod en;
pub(super) mod sv;

use super::fmt::Ends;
use crate::schema::Metric;
use crate::schema::followup::Verdict;
use maud::Markup;

/// How a share moved between two forecasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Change {
    Rose,
    Fell,
    /// The same when rounded as shown.
    Same,
}

/// The words and sentences of the report in one language.
pub(crate) struct Messages {
    // numbers and lists
    /// "4 år" / "4 years" / "1 year".
    pub years: fn(u32) -> String,
    /// A model year as the reader counts it: "år 1".
    pub year_n: fn(u32) -> String,
    /// "år 1–3".
    pub years_n_to_m: fn(u32, u32) -> String,
    /// "mellan −1,6 och 2,3 mnkr".
    pub between: fn(&Ends) -> String,
    /// "25 familjer": a count and the scenario's target group noun ("personer" without one).
    pub people: fn(&str, Option<&str>) -> String,
    /// The last separator of a list: " och ".
    pub and: &'static str,
    pub all_actors: &'static str,

    // the document and its header
    pub decision_brief: &'static str,
    pub kicker: &'static str,
    /// "Målgrupp: 25 familjer", given "25 familjer".
    pub meta_target_group: fn(&str) -> String,
    pub meta_horizon: fn(&str) -> String,
    pub meta_prices: fn(i64) -> String,
    pub meta_discount_rate: fn(&str) -> String,
    pub meta_simulations: fn(&str) -> String,
    pub which_option_is_best: &'static str,
    pub appendix_title: &'static str,
    pub overview_caption: &'static str,

    // shared table heads and words
    pub intervention: &'static str,
    pub expected_net: &'static str,
    /// "90 % av utfallen": the one interval of the report.
    pub range90: &'static str,
    pub risk_of_loss: &'static str,
    pub paid_back_within_horizon: &'static str,
    pub compared_with: &'static str,
    pub net: &'static str,
    pub loss: &'static str,
    pub gain: &'static str,
    pub median_lower: &'static str,
    pub median_cap: &'static str,
    pub mean_short: &'static str,
    pub mean_lower: &'static str,
    pub mean_cap: &'static str,
    pub band90: &'static str,
    pub band50: &'static str,
    pub years_from_start: &'static str,
    pub perspective_lower: &'static str,
    pub perspective_cap: &'static str,
    pub perspective_colon: &'static str,
    pub difference: &'static str,

    // the headline and the cards
    /// "För kommunen blir nettot med 90 % sannolikhet mellan <b>lo</b> och <b>hi</b>."
    pub headline_range: fn(who: &str, ends: &Ends) -> Markup,
    pub headline_risk: fn(loss: &str) -> Markup,
    /// Payback within `years` with probability `p`; `all_named`: the headline speaks for a
    /// decision perspective, so this sentence, reckoned for all actors, says so.
    pub headline_payback: fn(p: &str, years: &str, all_named: bool) -> Markup,
    pub headline_payback_fewer: fn(horizon: &str, within: &str, all_named: bool) -> Markup,
    pub headline_payback_never: fn(horizon: &str, all_named: bool) -> Markup,
    pub perspectives_aria: &'static str,
    pub for_word: &'static str,
    pub perspective_card_detail: fn(between: &str, chance: &str) -> String,
    pub for_all_actors_suffix: &'static str,
    pub share_negative: &'static str,
    pub paid_back_within: fn(&str) -> String,
    pub half_within: fn(&str) -> String,
    pub fewer_than_half_pay_back: &'static str,
    pub investment: &'static str,
    pub investment_sub: &'static str,
    pub net_per_krona: &'static str,
    pub net_per_krona_sub: &'static str,
    /// "Insatsen betalas av <b>kommunen</b>."
    pub paid_by: fn(payers: Markup) -> Markup,
    /// "−1,6 mnkr för kommunen".
    pub net_for_actor: fn(who: &str, amount: &str) -> Markup,
    pub net_per_actor: fn(items: Markup) -> Markup,
    /// `expected`: each simulation is the cohort's expectation (`--method expected`).
    pub net_definition:
        fn(rate: &str, price_year: Option<i64>, iterations: &str, expected: bool) -> String,

    // the figures
    pub net_title: &'static str,
    pub net_desc: fn(range: &str, middle: &str, median: &str, mean: &str, loss: &str) -> String,
    pub net_read: &'static str,
    pub net_caption: fn(range: &str, middle: &str) -> String,
    pub histogram_title: &'static str,
    pub histogram_desc: &'static str,
    pub share_of_simulations: &'static str,
    pub fan_title: &'static str,
    pub fan_turn: fn(Option<&str>) -> String,
    pub fan_end: fn(years: &str, median: &str, between: &str) -> String,
    pub fan_read: &'static str,
    pub cumulative_net: &'static str,
    pub positive_after: fn(&str) -> String,
    pub payback_title: &'static str,
    pub payback_desc: fn(points: &str) -> String,
    pub payback_read: &'static str,
    pub probability_of_payback: &'static str,
    pub half_of_outcomes: &'static str,
    pub actors_title: &'static str,
    pub actors_desc_item: fn(name: &str, mean: &str, between: &str) -> String,
    pub actors_desc: fn(items: &str) -> String,
    pub actors_read: &'static str,
    pub actor_or_perspective: &'static str,
    pub range90_p5_p95: &'static str,
    pub prob_positive_net: &'static str,
    pub outcomes_title: &'static str,
    /// Totals over `years`, discounted at the rate (or not, `None`).
    pub outcomes_read: fn(years: &str, rate: Option<&str>) -> String,
    pub outcome: &'static str,
    pub drivers_title: &'static str,
    pub drivers_read: &'static str,
    pub assumption: &'static str,
    pub relation_to_net: &'static str,
    pub direction: &'static str,
    pub higher_value_higher_net: &'static str,
    pub higher_value_lower_net: &'static str,

    // the budget year by year
    pub budget_title: &'static str,
    /// The chart's title: "Nettot år för år för kommunen".
    pub budget_chart_title: fn(who: &str) -> String,
    /// How to read the budget: undiscounted, in the price year's money (or constant prices),
    /// the present value at `rate`.
    pub budget_read: fn(price_year: Option<i64>, rate: &str) -> String,
    /// The chart's description: the sentence, then every year's mean and range.
    pub budget_desc: fn(sentence: &str, items: &str) -> String,
    pub budget_x_desc: &'static str,
    pub budget_y_desc: &'static str,
    pub deficit: &'static str,
    pub surplus: &'static str,
    /// The sign of a net as a sentence says it: "negativt", "positivt", "noll".
    pub negative_word: &'static str,
    pub positive_word: &'static str,
    pub zero_word: &'static str,
    /// "det första året", "de första två åren".
    pub first_years: fn(u32) -> String,
    /// "För kommunen är nettot negativt varje år (2027–2031)".
    pub budget_every_year: fn(who: &str, sign: &str, span: &str) -> String,
    /// "För kommunen är nettot negativt de första två åren (2027–2028) och positivt från 2029".
    pub budget_first_then:
        fn(who: &str, sign: &str, first: &str, span: &str, then: &str, from: &str) -> String,
    /// "För kommunen är nettot negativt 2027, positivt 2028–2029 och negativt 2030": `runs`
    /// from [`Messages::budget_run`].
    pub budget_runs: fn(who: &str, runs: &str) -> String,
    pub budget_run: fn(sign: &str, span: &str) -> String,
    /// "störst utgift 2027: mellan … och …".
    pub largest_outlay: fn(year: &str, amount: &str) -> String,
    pub largest_surplus: fn(year: &str, amount: &str) -> String,
    pub budget_caption: fn(who: &str) -> String,
    pub budget_actors_caption: &'static str,
    pub year: &'static str,
    pub invested: &'static str,
    pub avoided: &'static str,
    pub net_present_value: &'static str,
    pub total: &'static str,

    // the comparison of options
    pub options_read: fn(baseline: &str) -> Markup,
    pub option: &'static str,
    pub prob_best: &'static str,
    pub expected_loss: &'static str,
    pub best: &'static str,
    pub ties: fn(share: &str) -> String,
    pub pairwise_caption: &'static str,
    pub comparison: &'static str,
    pub difference_in_net: &'static str,
    pub prob_first_better: &'static str,

    // the sensitivity analyses: what each was run with, and their metrics
    /// "fixerat:", before the `--set` values.
    pub fixed_colon: &'static str,
    /// "modellkörningar": the size of a Sobol analysis.
    pub model_evaluations: &'static str,
    /// "iterationer per körning": the size of the other analyses.
    pub iterations_per_run: &'static str,
    /// "frö".
    pub seed_lower: &'static str,
    /// A metric as the subject of a sentence: "medelnettot", "sannolikheten för ett positivt
    /// netto".
    pub metric_subject: fn(Metric) -> &'static str,
    /// A metric's axis title: "Medelnetto", "Sannolikhet för positivt netto".
    pub metric_axis: fn(Metric) -> &'static str,

    // the tornado
    /// "Vilka antaganden flyttar medelnettot mest?"
    pub tornado_title: fn(subject: &str) -> String,
    /// "vid", as in "vid P10".
    pub at: &'static str,
    /// "antagandet vid", before "P10" in the chart's legend.
    pub assumption_at: &'static str,
    /// "Effekt: 1,2 mnkr vid P10 och 3,4 mnkr vid P90".
    pub tornado_item: fn(name: &str, low: &str, pl: &str, high: &str, ph: &str) -> String,
    /// "övriga antaganden på sina medianer".
    pub others_at_medians: &'static str,
    /// "övriga antaganden osäkra som vanligt".
    pub others_uncertain: &'static str,
    /// "Tornadodiagram. Basvärde …. Varje antagande sätts i tur och ordning till sin P10 och
    /// P90, …. Störst påverkan: …."
    pub tornado_desc: fn(base: &str, pl: &str, ph: &str, others: &str, items: &str) -> String,
    /// "Det lodräta strecket är basvärdet (…). Staplarna visar hur … ändras när ett antagande i
    /// taget sätts till ett lågt (P10, mörkgrått) eller högt (P90, ljusgrått) värde, med …."
    pub tornado_read: fn(base: &str, subject: &str, pl: &str, ph: &str, others: &str) -> String,
    /// "Skillnad": the swing between the low and the high value.
    pub swing: &'static str,

    // the sweep
    /// "Medelnettot passerar noll vid … ≈ 0,83."
    pub sweep_zero_at: fn(param: &str, zero: &str) -> String,
    /// "Medelnettot byter inte tecken inom det undersökta intervallet för …."
    pub sweep_no_zero: fn(param: &str) -> String,
    /// "Nettot när … varierar".
    pub sweep_title: fn(param: &str) -> String,
    /// "medelnetto", the curve's legend.
    pub mean_net_lower: &'static str,
    /// "90 % av utfallen (P5–P95)", the band's legend (with a plain space, as the chart has
    /// always had it).
    pub sweep_band: &'static str,
    /// "noll vid", before the value where the mean net crosses zero.
    pub zero_at: &'static str,
    /// "Sannolikheten för positivt netto när … varierar".
    pub sweep_prob_title: fn(param: &str) -> String,
    /// "P(netto > 0)".
    pub p_net_positive: &'static str,
    /// "Samma simuleringar med … fast på olika värden. …"
    pub sweep_read: fn(param: &str) -> String,
    /// "Sannolikheten för positivt netto över … och …", the heat map's title.
    pub heatmap_title: fn(y: &str, x: &str) -> String,
    /// "Värmekarta: … på den lodräta axeln, … på den vågräta; sannolikheten för positivt netto
    /// går från … till … över rutnätet. …"
    pub heatmap_desc: fn(y: &str, x: &str, worst: &str, best: &str) -> String,
    /// "Varje ruta är en körning med de två antagandena fasta på radens och kolumnens värden. …"
    pub heatmap_read: &'static str,

    // the threshold
    /// "Medelnettot når 0 kr när … = 0,83 (± 0,02).": `subject` capitalised, `pm` the MCSE
    /// (" (± 0,02)") or empty.
    pub threshold_found:
        fn(subject: &str, target: &str, param: &str, value: &str, pm: &str) -> String,
    /// "Medelnettot når inte 0 kr någonstans inom …s P1–P99 (0,07 … 0,26).": `range` is
    /// " (lo … hi)".
    pub threshold_not_found: fn(subject: &str, target: &str, param: &str, range: &str) -> String,
    /// "Antagandet i scenariot: median 0,6, 90 % mellan 0,355 och 1,01."
    pub threshold_prior: fn(median: &str, p5: &str, p95: &str) -> String,
    /// "Brytpunkt: vilket värde på … behövs?"
    pub threshold_title: fn(param: &str) -> String,
    /// "± 2 Monte Carlo-fel", the band's legend.
    pub mc_band: &'static str,
    /// "mål", before the target's value.
    pub target_lower: &'static str,
    /// "Brytpunkt för framgång (som WSIPP): …"
    pub break_even_read: &'static str,
    pub cost_per_participant: &'static str,
    pub value_per_avoided: &'static str,
    pub needed_per_participant: &'static str,
    pub expected_per_participant: &'static str,

    // the Sobol indices
    /// "Hur mycket av osäkerheten kommer från varje antagande? (Sobol)".
    pub sobol_title: &'static str,
    /// "slumpen i målgruppen": cohort chance as an input.
    pub cohort_chance: &'static str,
    /// "…: första ordningen 0,42, totalt 0,51".
    pub sobol_item: fn(name: &str, first: &str, total: &str) -> String,
    /// "Sobolindex per antagande, störst första ordningens index först: …."
    pub sobol_desc: fn(items: &str) -> String,
    /// "Andel av nettots varians", the chart's axis.
    pub share_of_variance: &'static str,
    /// "första ordningen (S1)", the chart's legend.
    pub first_order_s1: &'static str,
    /// "totalt (ST)", the chart's legend.
    pub total_st: &'static str,
    /// "Första ordningens index: den andel av nettots variation som antagandet förklarar
    /// ensamt. …"
    pub sobol_read: &'static str,
    /// "Skattningarna är här för osäkra för att läsas (breda intervall): kör analysen med ett
    /// större --base."
    pub sobol_imprecise: &'static str,
    /// "Första ordningen (S1)", a column's head.
    pub first_order_s1_cap: &'static str,
    /// "Totalt (ST)", a column's head.
    pub total_st_cap: &'static str,
    /// "Totalindexet är här mest samspel med slumpen i målgruppen, …", after a †.
    pub chance_driven: &'static str,

    // the value of information
    /// "Vad är bättre kunskap värd?", the heading of a `socinv voi` output and of the run's
    /// EVPI.
    pub evidence_worth_title: &'static str,
    /// "Värdet av perfekt information (EVPI): hur mycket beslutet i genomsnitt skulle vinna på
    /// att all osäkerhet försvann. …"
    pub voi_read: &'static str,
    /// "Bästa valet med dagens kunskap:", before the option.
    pub best_choice_now: &'static str,
    pub knowledge_of: &'static str,
    pub expected_value: &'static str,
    pub share_of_evpi: &'static str,
    /// "Allt (EVPI)".
    pub everything_evpi: &'static str,
    /// "Alla antaganden, utan slumpen i målgruppen".
    pub all_assumptions_without_chance: &'static str,
    /// "Beloppen gäller hela målgruppen (25)."
    pub voi_for_whom: fn(cohort: u32) -> String,

    // the sensitivity parts: with each intervention, and for analysts and researchers
    /// "Känslighetsanalys".
    pub sensitivity_title: &'static str,
    /// "Vilka antaganden som avgör resultatet, och hur starka effekter som behövs för att
    /// investeringen ska löna sig. …"
    pub sensitivity_read: &'static str,
    /// "För analytiker och forskare".
    pub research_title: &'static str,
    /// "fördjupning: varians och värdet av mer kunskap".
    pub research_subtitle: &'static str,
    /// "Den här delen behövs inte för beslutet. …"
    pub research_read: &'static str,
    /// "Värdet av perfekt information (EVPI) för beslutet att investera eller inte, för hela
    /// målgruppen: …", ending with what `command` (`socinv voi`) adds.
    pub evpi_run_read: fn(command: &str) -> Markup,
    pub best_choice_today: &'static str,
    /// "EVPI, allt".
    pub evpi_everything: &'static str,
    /// "EVPI, antagandena".
    pub evpi_assumptions: &'static str,

    // the appendix
    pub appendix_read: &'static str,
    pub set_up: &'static str,
    pub target_group_size: &'static str,
    pub horizon: &'static str,
    pub discount_rate: &'static str,
    pub currency: &'static str,
    pub price_year: &'static str,
    pub arms_compared: &'static str,
    pub states: &'static str,
    pub actors: &'static str,
    pub subgroups: &'static str,
    pub transfers_left_out: &'static str,
    pub outcomes: &'static str,
    pub attributes: &'static str,
    pub episode: &'static str,
    pub start_age: &'static str,
    pub drawn_per_person: &'static str,
    pub parameters_title: &'static str,
    pub parameter: &'static str,
    pub distribution: &'static str,
    pub unit: &'static str,
    pub source: &'static str,
    pub fixed_at: &'static str,
    pub programs_title: &'static str,
    pub startup_cost: &'static str,
    pub per_participant_and_year: &'static str,
    pub program_years: &'static str,
    pub uptake: &'static str,
    pub funded_by: &'static str,
    pub tables_at_medians_title: &'static str,
    pub tables_at_medians_read: fn(subgroup: &str) -> String,
    pub from_to: &'static str,
    pub state: &'static str,
    pub yearly_cost_table: &'static str,
    pub entry_cost_table: &'static str,
    pub transition_rules: &'static str,
    pub sources: &'static str,
    pub description_and_sources: &'static str,

    // the follow-up
    pub followup_title: &'static str,
    /// "Efter två år", given the years observed.
    pub after_years: fn(u32) -> String,
    /// The headline: after the observed years, for whom, P(net > 0) before and now.
    pub followup_headline: fn(after: &str, who: &str, before: &str, now: &str, Change) -> Markup,
    /// The expected net now, its range, and the expected net before.
    pub followup_net: fn(now: &str, between: &str, before: &str) -> String,
    /// The net of the observed years and of those left, for whom.
    pub followup_so_far: fn(years: &str, who: &str, so_far: &str, rest: &str) -> String,
    /// What the update rests on: the people, the participants, the years.
    pub followup_basis: fn(people: &str, participants: &str, years: &str) -> String,
    pub followup_params_title: &'static str,
    pub followup_params_read: &'static str,
    pub before_start: &'static str,
    pub now: &'static str,
    pub verdict: &'static str,
    pub verdict_word: fn(Verdict) -> &'static str,
    /// The chart of the assumptions: its title, how to read it, its axis and legend.
    pub params_chart_title: &'static str,
    pub params_chart_read: &'static str,
    pub params_chart_axis: &'static str,
    pub range_before: &'static str,
    pub range_now: &'static str,
    pub median_now: &'static str,
    /// One parameter in the chart's description: its name, its median now as a percentile
    /// of before, its verdict.
    pub params_chart_item: fn(&str, &str, &str) -> String,
    /// The parameters no observation can inform.
    pub followup_not_informed: fn(&str) -> String,
    pub followup_povs_title: &'static str,
    pub followup_povs_read: &'static str,
    pub point_of_view: &'static str,
    pub so_far: &'static str,
    pub years_left: &'static str,
    pub loss_before: &'static str,
    pub loss_now: &'static str,
    /// "Antal i placering, år för år".
    pub state_title: fn(&str) -> String,
    pub state_read: &'static str,
    pub band_before: &'static str,
    pub band_now: &'static str,
    pub observed: &'static str,
    pub number_of_people: &'static str,
    pub year_word: &'static str,
    /// The chart's description: the state, the last observed count and year, the median now
    /// at the horizon's end.
    pub state_desc: fn(state: &str, observed: &str, year: &str, end: &str) -> String,

    // the footer
    pub to_reproduce: &'static str,
    pub program: &'static str,
    pub scenario: &'static str,
    pub file: &'static str,
    pub content_hash: &'static str,
    pub seed: &'static str,
    pub iterations: &'static str,
    pub fixed_set: &'static str,
    pub sensitivity_analysis: &'static str,
    pub report_rendered: &'static str,
    pub same_numbers: &'static str,
}
