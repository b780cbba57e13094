//! The report in English.

use super::{Change, Messages};
use crate::report::html::fmt::NBSP;
use crate::schema::Metric;
use crate::schema::followup::Verdict;
use maud::html;

pub(crate) static MESSAGES: Messages = Messages {
    years: |k| match k {
        1 => format!("1{NBSP}year"),
        k => format!("{k}{NBSP}years"),
    },
    year_n: |k| format!("year{NBSP}{k}"),
    years_n_to_m: |a, b| format!("years{NBSP}{a}–{b}"),
    between: |e| format!("between {} and {}", e.lo, e.hi),
    people: |n, group| format!("{n} {}", group.unwrap_or("people")),
    and: " and ",
    all_actors: "all actors",

    decision_brief: "decision brief",
    kicker: "Decision brief · social investment",
    meta_target_group: |people| format!("Target group: {people}"),
    meta_horizon: |h| format!("horizon {h}"),
    meta_prices: |y| format!("{y} prices"),
    meta_discount_rate: |r| format!("discount rate {r}"),
    meta_simulations: |n| format!("{n} simulations"),
    which_option_is_best: "Which option is best?",
    appendix_title: "Appendix: the model",
    overview_caption: "The interventions at a glance",

    intervention: "Intervention",
    expected_net: "Expected net",
    range90: "90% of outcomes",
    risk_of_loss: "Risk of a loss",
    paid_back_within_horizon: "Paid back within the horizon",
    compared_with: "compared with",
    net: "Net",
    loss: "Loss",
    gain: "Gain",
    median_lower: "median",
    median_cap: "Median",
    mean_short: "mean",
    mean_lower: "mean",
    mean_cap: "Mean",
    band90: "90% of outcomes (P5–P95)",
    band50: "half (P25–P75)",
    years_from_start: "Years from the start",
    perspective_lower: "perspective",
    perspective_cap: "Perspective",
    perspective_colon: "Perspective:",
    difference: "Difference",

    headline_range: |who, e| {
        html! {
            "For " (who) ", with 90% probability the net lies between "
            b { (e.lo) } " and " b { (e.hi) } "."
        }
    },
    headline_risk: |loss| html! { "The risk of a loss is " b { (loss) } "." },
    headline_payback: |p, k, all_named| {
        html! {
            @if all_named { "Counting all actors together, it pays back within " }
            @else { "It pays back within " }
            b { (k) } " with " b { (p) } " probability."
        }
    },
    headline_payback_fewer: |h, within, all_named| {
        html! {
            "Fewer than half of the outcomes pay back"
            @if all_named { ", counting all actors together" }
            ": the probability of payback within the " (h) " horizon is " b { (within) } "."
        }
    },
    headline_payback_never: |h, all_named| {
        html! {
            @if all_named { "Counting all actors together, the investment" }
            @else { "The investment" }
            " pays back within the " (h) " horizon in none of the outcomes."
        }
    },
    perspectives_aria: "The decision perspective and society",
    for_word: "For",
    perspective_card_detail: |between, chance| {
        format!(
            "expected net; with 90% probability {between}; the probability of a positive net is \
             {chance}"
        )
    },
    for_all_actors_suffix: ", all actors",
    share_negative: "share of outcomes with a negative net",
    paid_back_within: |h| format!("Paid back within {h}"),
    half_within: |k| format!("half within {k}"),
    fewer_than_half_pay_back: "fewer than half pay back",
    investment: "Investment",
    investment_sub: "the program's cost, present value",
    net_per_krona: "Net per krona invested",
    net_per_krona_sub: "expected net ÷ expected investment",
    paid_by: |payers| html! { "The intervention is paid for by " (payers) "." },
    net_for_actor: |who, amount| html! { (amount) " for " (who) },
    net_per_actor: |items| html! { "On average the net is " (items) "." },
    net_definition: |rate, price_year, n, expected| {
        let prices = price_year
            .map(|y| format!(" in {y} prices"))
            .unwrap_or_default();
        let spread = if expected {
            "The spread comes from uncertain assumptions alone: every simulation reckons with \
             the target group's expected outcome, without the chance of what happens to each \
             person"
        } else {
            "The spread comes from uncertain assumptions and from chance in a small target group"
        };
        format!(
            "How the net is reckoned: the cost under ordinary practice minus the cost with the \
             intervention (its own cost included), for all actors, discounted to the first year \
             at {rate} a year{prices}. A positive net means the investment pays back within the \
             horizon. {spread}; every figure rests on {n} simulations."
        )
    },

    net_title: "How large will the net be?",
    net_desc: |range, middle, median, mean, loss| {
        format!(
            "The distribution of the net. 90% of outcomes lie {range}, half {middle}. The \
             median is {median}, the mean {mean}. The risk of a loss is {loss}."
        )
    },
    net_read: "The line shows where 90% of the outcomes land (P5–P95), the box half of them \
               (P25–P75), the blue bar in the box the median and the ring the mean. Left of the \
               zero line (shaded) the investment makes a loss.",
    net_caption: |range, middle| format!("90% of outcomes lie {range}, half {middle}."),
    histogram_title: "The net, every simulation",
    histogram_desc: "Histogram of the net in every simulation; bars below zero (a loss) in \
                     vermillion, above zero in blue. The outermost half per cent at each end is \
                     left out.",
    share_of_simulations: "Share of simulations (%)",
    fan_title: "When does it turn? The net year by year",
    fan_turn: |k| match k {
        Some(k) => format!("The median turns positive after {k}."),
        None => "The median does not turn positive within the horizon.".to_string(),
    },
    fan_end: |h, median, between| {
        format!("After {h} the median is {median}, and 90% of outcomes lie {between}.")
    },
    fan_read: "The cumulative net (discounted) after each year: first the money goes out, then \
               the savings come in. The bands show the uncertainty, the line the median. Where \
               the line crosses zero, half of the outcomes have paid back.",
    cumulative_net: "Cumulative net",
    positive_after: |k| format!("positive after {k}"),
    payback_title: "How sure is payback?",
    payback_desc: |points| {
        format!(
            "The probability that the investment has paid back within a number of years: {points}."
        )
    },
    payback_read: "The share of simulations in which the cumulative net has reached zero, year \
                   by year. An outcome that does not reach zero within the horizon does not pay \
                   back.",
    probability_of_payback: "Probability of payback",
    half_of_outcomes: "half of the outcomes",
    actors_title: "Who pays and who gains?",
    actors_desc_item: |name, mean, between| format!("{name}: {mean} ({between})"),
    actors_desc: |items| {
        format!(
            "The net per actor and perspective, the mean and where 90% of the outcomes land: \
             {items}."
        )
    },
    actors_read: "Each actor's net: what it saves minus what it pays (the program's cost lands \
                  with those who fund it). A negative net means the actor pays more than it gets \
                  back, even when the investment pays for the whole.",
    actor_or_perspective: "Actor / perspective",
    range90_p5_p95: "90% of outcomes (P5 … P95)",
    prob_positive_net: "Probability of a positive net",
    outcomes_title: "What happens to the target group?",
    outcomes_read: |h, rate| {
        let discounted = match rate {
            None => "not discounted".to_string(),
            Some(r) => format!("discounted at {r} a year"),
        };
        format!(
            "Totals for the whole target group over {h}, {discounted}. The difference is the \
             intervention minus ordinary practice, simulation by simulation."
        )
    },
    outcome: "Outcome",
    drivers_title: "Which assumptions decide?",
    drivers_read: "The uncertain assumptions most strongly tied to the net (Spearman's rank \
                   correlation, −1 to 1). Better evidence on these is worth the most.",
    assumption: "Assumption",
    relation_to_net: "Relation to the net",
    direction: "Direction",
    higher_value_higher_net: "higher value → higher net",
    higher_value_lower_net: "higher value → lower net",

    budget_title: "The budget year by year",
    budget_chart_title: |who| format!("The net year by year for {who}"),
    budget_read: |price_year, rate| {
        let prices = match price_year {
            Some(y) => format!("in {y} prices"),
            None => "in constant prices".to_string(),
        };
        format!(
            "The calculation as a budget reads it: amounts per year, undiscounted, {prices}. \
             Invested is the intervention's cost, costs avoided what need not be paid compared \
             with ordinary practice, and the net the difference between them. The bars show the \
             net's mean, the whiskers where 90% of outcomes fall (P5–P95). The ranges hold for \
             each year on its own and do not add up. The present value is the net discounted to \
             the first year at {rate} a year; the present values add up to the net."
        )
    },
    budget_desc: |sentence, items| {
        format!("{sentence} The net per year, its mean and where 90% of outcomes fall: {items}.")
    },
    budget_x_desc: "Budget year",
    budget_y_desc: "Net per year",
    deficit: "deficit",
    surplus: "surplus",
    negative_word: "negative",
    positive_word: "positive",
    zero_word: "zero",
    first_years: |k| {
        const WORDS: [&str; 13] = [
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve",
        ];
        match k {
            1 => "the first year".to_string(),
            k => match WORDS.get(k as usize) {
                Some(w) => format!("the first {w} years"),
                None => format!("the first {k} years"),
            },
        }
    },
    budget_every_year: |who, sign, span| {
        format!("For {who} the net is {sign} in every year ({span})")
    },
    budget_first_then: |who, sign, first, span, then, from| {
        format!("For {who} the net is {sign} in {first} ({span}) and {then} from {from}")
    },
    budget_runs: |who, runs| format!("For {who} the net is {runs}"),
    budget_run: |sign, span| format!("{sign} in {span}"),
    largest_outlay: |year, amount| format!("largest outlay in {year}: {amount}"),
    largest_surplus: |year, amount| format!("largest surplus in {year}: {amount}"),
    budget_caption: |who| format!("For {who}: invested, costs avoided and net per year"),
    budget_actors_caption: "The net per actor and year: the mean, and below it where 90% of \
                            outcomes fall",
    year: "Year",
    invested: "Invested",
    avoided: "Costs avoided",
    net_present_value: "Net, present value",
    total: "Total",

    options_read: |baseline| {
        html! {
            "All options are compared in the same simulations, net against " (baseline)
            " (whose net is 0). " b { "Probability of being best" } ": the share of simulations \
            in which the option has the highest net (ties split). " b { "Expected loss" } ": how \
            much worse than the best option of each simulation the choice is on average; for the \
            option best on average it is the expected value of perfect information (EVPI)."
        }
    },
    option: "Option",
    prob_best: "Probability of being best",
    expected_loss: "Expected loss",
    best: "best",
    ties: |share| format!("Several options share the highest net in {share}."),
    pairwise_caption: "Two interventions against each other: the first one's net minus the \
                       second one's, in each simulation",
    comparison: "Comparison",
    difference_in_net: "Difference in net",
    prob_first_better: "Probability the first is better",

    fixed_colon: "fixed:",
    model_evaluations: "model evaluations",
    iterations_per_run: "iterations per run",
    seed_lower: "seed",
    metric_subject: |metric| match metric {
        Metric::ProbNetPositive => "the probability of a positive net",
        Metric::Payback => "the probability of payback within the horizon",
        Metric::Roi => "the ROI (mean net ÷ mean investment)",
        Metric::Net => "the mean net",
    },
    metric_axis: |metric| match metric {
        Metric::ProbNetPositive => "Probability of a positive net",
        Metric::Payback => "Probability of payback",
        Metric::Roi => "Net ÷ investment",
        Metric::Net => "Mean net",
    },

    tornado_title: |subject| format!("Which assumptions move {subject} most?"),
    at: "at",
    assumption_at: "assumption at",
    tornado_item: |name, low, pl, high, ph| format!("{name}: {low} at {pl} and {high} at {ph}"),
    others_at_medians: "the other assumptions at their medians",
    others_uncertain: "the other assumptions uncertain as usual",
    tornado_desc: |base, pl, ph, others, items| {
        format!(
            "Tornado diagram. Base value {base}. Each assumption in turn is set to its {pl} and \
             {ph}, {others}. Largest effects: {items}."
        )
    },
    tornado_read: |base, subject, pl, ph, others| {
        format!(
            "The vertical line is the base value ({base}). The bars show how {subject} changes when one \
             assumption at a time is set to a low ({pl}, dark grey) or high ({ph}, light grey) value, with \
             {others}. Longest bars on top: there the uncertainty matters most."
        )
    },
    swing: "Swing",

    sweep_zero_at: |param, z| format!("The mean net crosses zero at {param} ≈ {z}."),
    sweep_no_zero: |param| {
        format!("The mean net does not change sign within the range of {param} tried.")
    },
    sweep_title: |param| format!("The net as {param} varies"),
    mean_net_lower: "mean net",
    sweep_band: "90% of outcomes (P5–P95)",
    zero_at: "zero at",
    sweep_prob_title: |param| format!("The probability of a positive net as {param} varies"),
    p_net_positive: "P(net > 0)",
    sweep_read: |param| {
        format!(
            "The same simulations with {param} fixed at different values. Where the mean \
             net crosses zero is the break-even; where the probability of a positive net \
             reaches the risk the board accepts (say 80%) is the limit for an acceptable \
             risk."
        )
    },
    heatmap_title: |y, x| format!("The probability of a positive net over {y} and {x}"),
    heatmap_desc: |y, x, worst, best| {
        format!(
            "Heat map: {y} on the vertical axis, {x} on the horizontal; the probability of \
             a positive net ranges from {worst} to {best} over the grid. Blue: likely to pay; \
             vermillion: likely a loss."
        )
    },
    heatmap_read: "Each cell is a run with the two assumptions fixed at its row's and column's \
                   values. Blue means the investment likely pays, vermillion that it likely makes \
                   a loss; the number in the cell is the probability of a positive net.",

    threshold_found: |subject, target, param, value, pm| {
        format!("{subject} reaches {target} when {param} = {value}{pm}.")
    },
    threshold_not_found: |subject, target, param, range| {
        format!("{subject} does not reach {target} anywhere within the P1–P99 of {param}{range}.")
    },
    threshold_prior: |median, p5, p95| {
        format!("The scenario's assumption: median {median}, 90% between {p5} and {p95}.")
    },
    threshold_title: |param| format!("Break-even: what value of {param} is needed?"),
    mc_band: "± 2 Monte Carlo errors",
    target_lower: "target",
    break_even_read: "Break-even success (as WSIPP): how many avoided outcomes per participant \
                      are needed for the intervention to carry its cost, if that outcome carried \
                      all the savings, compared with what the model expects.",
    cost_per_participant: "Cost per participant",
    value_per_avoided: "Value per avoided outcome",
    needed_per_participant: "Needed per participant",
    expected_per_participant: "Expected per participant",

    sobol_title: "How much of the uncertainty comes from each assumption? (Sobol)",
    cohort_chance: "chance in the cohort",
    sobol_item: |name, first, total| format!("{name}: first order {first}, total {total}"),
    sobol_desc: |items| {
        format!("Sobol indices per assumption, largest first-order index first: {items}.")
    },
    share_of_variance: "Share of the net's variance",
    first_order_s1: "first order (S1)",
    total_st: "total (ST)",
    sobol_read: "First-order index: the share of the net's variance the assumption explains alone. \
                 Total index: the share it explains including interactions with the others. An \
                 assumption with a total index near zero can be fixed without changing the answer. \
                 In a small cohort a total index also counts the interaction with chance in who \
                 is in it, so the totals can add up to more than 1, and a high total does not \
                 mean that knowing the assumption better is worth much (see the value of \
                 information). The whiskers show 95% confidence intervals.",
    sobol_imprecise: "The estimates here are too imprecise to read (wide intervals): run the \
                      analysis with a larger --base.",
    first_order_s1_cap: "First order (S1)",
    total_st_cap: "Total (ST)",
    chance_driven: "This total index is mostly interaction with chance in the cohort, not the \
                    assumption's own share: read the first-order index.",

    evidence_worth_title: "What is better evidence worth?",
    voi_read: "The expected value of perfect information (EVPI): what the decision would gain on \
               average if all uncertainty went away. Per assumption (EVPPI): the gain of knowing \
               that assumption for sure. When the value exceeds what a study or evaluation \
               costs, it pays to find out more before deciding.",
    best_choice_now: "The best choice on current evidence:",
    knowledge_of: "Knowledge of",
    expected_value: "Expected value",
    share_of_evpi: "Share of the EVPI",
    everything_evpi: "Everything (EVPI)",
    all_assumptions_without_chance: "All assumptions, without chance in the cohort",
    voi_for_whom: |n| format!("The amounts are for the whole target group ({n})."),

    sensitivity_title: "Sensitivity analysis",
    sensitivity_read: "Which assumptions decide the result, and how strong an effect is needed \
                       for the investment to pay. Each analysis uses the same random numbers in \
                       every setting it compares, so the differences come from the assumptions, \
                       not from chance.",
    research_title: "For analysts and researchers",
    research_subtitle: "in depth: variance and the value of more evidence",
    research_read: "This part is not needed for the decision. It shows what better evidence \
                    before the decision would be worth (the value of information) and how the \
                    uncertainty of the net divides among the assumptions (Sobol indices), for \
                    those who review the model or plan an evaluation.",
    evpi_run_read: |command| {
        html! {
            "The expected value of perfect information (EVPI) for the decision to invest or \
             not, for the whole target group: what the decision would gain on average if all \
             uncertainty went away. The first column counts chance in who is in the group, \
             which no study removes; the second only the uncertainty of the assumptions. When \
             the value is small beside what an evaluation costs, there is little to gain by \
             waiting. "
            code { (command) } " splits it by assumption."
        }
    },
    best_choice_today: "Best choice today",
    evpi_everything: "EVPI, everything",
    evpi_assumptions: "EVPI, the assumptions",

    appendix_read: "What the calculation rests on, as written in the scenario file.",
    set_up: "Set-up",
    target_group_size: "Size of the target group",
    horizon: "Horizon",
    discount_rate: "Discount rate",
    currency: "Currency",
    price_year: "Price year",
    arms_compared: "Arms compared",
    states: "States",
    actors: "Actors",
    subgroups: "Subgroups",
    transfers_left_out: "; transfers left out",
    outcomes: "Outcomes",
    attributes: "Attributes drawn per person (not parameters)",
    episode: "Episode",
    start_age: "Start age",
    drawn_per_person: ", drawn per person",
    parameters_title: "Uncertain assumptions (parameters)",
    parameter: "Parameter",
    distribution: "Distribution",
    unit: "Unit",
    source: "Source",
    fixed_at: "fixed at",
    programs_title: "The interventions",
    startup_cost: "Start-up cost",
    per_participant_and_year: "Per participant and year",
    program_years: "When",
    uptake: "Uptake",
    funded_by: "Funded by",
    tables_at_medians_title: "The first year's transitions at the medians",
    tables_at_medians_read: |subgroup| {
        format!(
            "The probability of moving from the row's state to the column's during year{NBSP}1, \
             for the subgroup {subgroup} (participants, for the interventions), with every \
             uncertain parameter at its median."
        )
    },
    from_to: "from \\ to",
    state: "State",
    yearly_cost_table: "Yearly cost per person and state (ordinary practice)",
    entry_cost_table: "One-off cost on entering the state",
    transition_rules: "Transition rules",
    sources: "Sources",
    description_and_sources: "Description and sources",

    followup_title: "Follow-up",
    after_years: |k| {
        let words = [
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        ];
        let w = words
            .get(k as usize)
            .map_or_else(|| k.to_string(), |w| w.to_string());
        if k == 1 {
            format!("After {w} year")
        } else {
            format!("After {w} years")
        }
    },
    followup_headline: |after, who, before, now, change| match change {
        Change::Rose => html! {
            (after) ", the probability that the investment pays back for " (who) " has risen from "
            b { (before) } " to " b { (now) } "."
        },
        Change::Fell => html! {
            (after) ", the probability that the investment pays back for " (who) " has fallen from "
            b { (before) } " to " b { (now) } "."
        },
        Change::Same => html! {
            (after) ", the probability that the investment pays back for " (who) " is what it was before the start, "
            b { (now) } "."
        },
    },
    followup_net: |now, between, before| {
        format!(
            "The net is now expected to be {now}, with 90{NBSP}% probability {between}. Before the start, {before} was expected."
        )
    },
    followup_so_far: |years, who, so_far, rest| {
        format!(
            "For {who}, {years} have so far given a net of {so_far}; the rest of the horizon is expected to give {rest}."
        )
    },
    followup_basis: |people, participants, years| {
        format!(
            "This rests on what has happened to {people} in {years}, {participants} of whom took part \
             in the intervention. Before the start: the scenario's assumptions. Now: the assumptions \
             updated with what has happened, and the observed years as they were."
        )
    },
    followup_params_title: "What the outcome says about the assumptions",
    followup_params_read: "Each assumption the outcome can inform: the median and 90\u{a0}% of the \
        likely values before the start and now.",
    before_start: "Before the start",
    now: "Now",
    verdict: "Verdict",
    verdict_word: |v| match v {
        Verdict::Contradicted => "contradicted by the outcome",
        Verdict::Shifted => "shifted",
        Verdict::Confirmed => "confirmed",
        Verdict::Unchanged => "unchanged so far",
    },
    params_chart_title: "The assumptions now, measured against before the start",
    params_chart_read: "The grey field is each assumption's 90\u{a0}% likely values before the \
        start, the dashed line its median. The blue bar is where its likely values lie now, and the \
        dot its median now. A dot outside the grey field means the outcome contradicts the \
        assumption.",
    params_chart_axis: "percentile of the assumption before the start",
    range_before: "90\u{a0}% before the start",
    range_now: "90\u{a0}% now",
    median_now: "median now",
    params_chart_item: |name, median, verdict| {
        format!("{name}: the median now at percentile {median} ({verdict})")
    },
    followup_not_informed: |names| {
        format!("Assumptions no observed state informs, and so unchanged: {names}.")
    },
    followup_povs_title: "So far and ahead, per actor and perspective",
    followup_povs_read: "The net so far compares what has happened with what ordinary practice would \
        likely have cost for the same people; the rest is the forecast of the years left.",
    point_of_view: "Actor or perspective",
    so_far: "So far",
    years_left: "Years left",
    loss_before: "Risk of loss before the start",
    loss_now: "Risk of loss now",
    state_title: |state| format!("People in the state “{state}”, year by year"),
    state_read: "The dots are what has been observed. The grey band is the forecast before the \
        start, the blue band the forecast now (90\u{a0}% of outcomes, the line the median).",
    band_before: "before the start",
    band_now: "now",
    observed: "observed",
    number_of_people: "people",
    year_word: "year",
    state_desc: |state, observed, year, end| {
        format!(
            "In {year}, {observed} people were in “{state}”. At the end of the horizon the median is now {end}."
        )
    },

    to_reproduce: "To reproduce the numbers",
    program: "Program",
    scenario: "Scenario",
    file: "File",
    content_hash: "Content hash",
    seed: "Seed",
    iterations: "Iterations",
    fixed_set: "Fixed (--set)",
    sensitivity_analysis: "Sensitivity analysis",
    report_rendered: "Report rendered",
    same_numbers: "The same file, seed and number of iterations give the same numbers:",
};
