//! The report in Swedish, written to be read aloud: definite forms ("betalas av kommunen"),
//! ranges as "mellan … och …", no command-line words in the decision part.

use super::{Change, Messages};
use crate::report::html::fmt::NBSP;
use crate::schema::Metric;
use crate::schema::followup::Verdict;
use maud::html;

pub(crate) static MESSAGES: Messages = Messages {
    years: |k| format!("{k}{NBSP}år"),
    year_n: |k| format!("år{NBSP}{k}"),
    years_n_to_m: |a, b| format!("år{NBSP}{a}–{b}"),
    between: |e| format!("mellan {} och {}", e.lo_figure, e.hi),
    people: |n, group| format!("{n} {}", group.unwrap_or("personer")),
    and: " och ",
    all_actors: "alla aktörer",

    decision_brief: "beslutsunderlag",
    kicker: "Beslutsunderlag · social investering",
    meta_target_group: |people| format!("Målgrupp: {people}"),
    meta_horizon: |h| format!("kalkylperiod {h}"),
    meta_prices: |y| format!("i {y} års priser"),
    meta_discount_rate: |r| format!("diskonteringsränta {r}"),
    meta_simulations: |n| format!("{n} simuleringar"),
    which_option_is_best: "Vilket alternativ är bäst?",
    appendix_title: "Bilaga: modellen",
    overview_caption: "Insatserna i korthet",

    intervention: "Insats",
    expected_net: "Förväntat netto",
    range90: "90\u{a0}% av utfallen",
    risk_of_loss: "Risk för förlust",
    paid_back_within_horizon: "Återbetald inom kalkylperioden",
    compared_with: "jämfört med",
    net: "Netto",
    loss: "Förlust",
    gain: "Vinst",
    median_lower: "median",
    median_cap: "Median",
    mean_short: "medel",
    mean_lower: "medelvärde",
    mean_cap: "Medelvärde",
    band90: "90\u{a0}% av utfallen (P5–P95)",
    band50: "hälften (P25–P75)",
    years_from_start: "År från start",
    perspective_lower: "perspektiv",
    perspective_cap: "Perspektiv",
    perspective_colon: "Perspektiv:",
    difference: "Skillnad",

    headline_range: |who, e| {
        html! {
            "För " (who) " blir nettot med 90\u{a0}% sannolikhet mellan "
            b { (e.lo_figure) } " och " b { (e.hi) } "."
        }
    },
    headline_risk: |loss| html! { "Risken för förlust är " b { (loss) } "." },
    headline_payback: |p, k, all_named| {
        html! {
            @if all_named { "Räknat för alla aktörer tillsammans är investeringen med " }
            @else { "Investeringen är med " }
            b { (p) } " sannolikhet återbetald inom " b { (k) } "."
        }
    },
    headline_payback_fewer: |h, within, all_named| {
        html! {
            "Färre än hälften av utfallen betalar tillbaka investeringen"
            @if all_named { ", räknat för alla aktörer tillsammans" }
            ": sannolikheten att den är återbetald inom kalkylperioden på " (h) " är "
            b { (within) } "."
        }
    },
    headline_payback_never: |h, all_named| {
        html! {
            @if all_named { "Räknat för alla aktörer tillsammans betalar investeringen" }
            @else { "Investeringen betalar" }
            " inte tillbaka sig inom kalkylperioden på " (h) " i något av utfallen."
        }
    },
    perspectives_aria: "Beslutsperspektivet och samhället",
    for_word: "För",
    perspective_card_detail: |between, chance| {
        format!(
            "förväntat netto; med 90{NBSP}% sannolikhet {between}; sannolikheten att nettot \
             blir positivt är {chance}"
        )
    },
    for_all_actors_suffix: " för alla aktörer",
    share_negative: "andel utfall med negativt netto",
    paid_back_within: |h| format!("Återbetald inom {h}"),
    half_within: |k| format!("hälften inom {k}"),
    fewer_than_half_pay_back: "färre än hälften betalar tillbaka",
    investment: "Investering",
    investment_sub: "insatsens kostnad, nuvärde",
    net_per_krona: "Netto per investerad krona",
    net_per_krona_sub: "förväntat netto ÷ förväntad investering",
    paid_by: |payers| html! { "Insatsen betalas av " (payers) "." },
    net_for_actor: |who, amount| html! { (amount) " för " (who) },
    net_per_actor: |items| html! { "I genomsnitt blir nettot " (items) "." },
    net_definition: |rate, price_year, n, expected| {
        let prices = price_year
            .map(|y| format!(" i {y} års priser"))
            .unwrap_or_default();
        let spread = if expected {
            "Spridningen kommer bara från osäkra antaganden: varje simulering räknar med \
             målgruppens förväntade utfall, utan slumpen i vad som händer enskilda personer"
        } else {
            "Spridningen kommer från osäkra antaganden och från slumpen i en liten målgrupp"
        };
        format!(
            "Så räknas nettot: kostnaden med ordinarie arbetssätt minus kostnaden med insatsen \
             (insatsens egen kostnad inräknad), för alla aktörer, diskonterat till det första \
             året med {rate} per år{prices}. Ett positivt netto betyder att investeringen lönar \
             sig inom kalkylperioden. {spread}; varje siffra bygger på {n} simuleringar."
        )
    },

    net_title: "Hur stort blir nettot?",
    net_desc: |range, middle, median, mean, loss| {
        format!(
            "Nettots fördelning. 90{NBSP}% av utfallen ligger {range}, hälften {middle}. \
             Medianen är {median} och medelvärdet {mean}. Risken för förlust är {loss}."
        )
    },
    net_read: "Strecket visar var 90\u{a0}% av utfallen hamnar (P5–P95), lådan hälften av dem \
               (P25–P75), det blå strecket i lådan medianen och ringen medelvärdet. Till vänster \
               om nollstrecket (skuggat) går investeringen med förlust.",
    net_caption: |range, middle| format!("90{NBSP}% av utfallen ligger {range}, hälften {middle}."),
    histogram_title: "Nettots fördelning, alla simuleringar",
    histogram_desc: "Histogram över nettot i varje simulering; staplar under noll (förlust) i \
                     rödorange, över noll i blått. Den yttersta halva procenten i var ände är \
                     utelämnad.",
    share_of_simulations: "Andel simuleringar (%)",
    fan_title: "När vänder det? Nettot år för år",
    fan_turn: |k| match k {
        Some(k) => format!("Medianen blir positiv efter {k}."),
        None => "Medianen blir inte positiv inom kalkylperioden.".to_string(),
    },
    fan_end: |h, median, between| {
        format!("Efter {h} är medianen {median}, och 90{NBSP}% av utfallen ligger {between}.")
    },
    fan_read: "Det ackumulerade nettot (diskonterat) efter varje år: först går pengarna ut, sedan \
               kommer besparingarna. Banden visar osäkerheten, linjen medianen. Där linjen korsar \
               noll har investeringen betalat sig i hälften av utfallen.",
    cumulative_net: "Ackumulerat netto",
    positive_after: |k| format!("positivt efter {k}"),
    payback_title: "Hur säkert betalar det tillbaka sig?",
    payback_desc: |points| {
        format!("Sannolikheten att investeringen är återbetald inom ett visst antal år: {points}.")
    },
    payback_read: "Andelen simuleringar där det ackumulerade nettot har nått noll, år för år. Ett \
                   utfall som inte når noll inom kalkylperioden betalar inte tillbaka sig.",
    probability_of_payback: "Sannolikhet för återbetalning",
    half_of_outcomes: "hälften av utfallen",
    actors_title: "Vem betalar och vem vinner?",
    actors_desc_item: |name, mean, between| format!("{name}: {mean} ({between})"),
    actors_desc: |items| {
        format!(
            "Nettot per aktör och perspektiv, medelvärdet och var 90{NBSP}% av utfallen \
             hamnar: {items}."
        )
    },
    actors_read: "Varje aktörs netto: vad den sparar minus vad den betalar (insatsens kostnad \
                  hamnar hos dem som finansierar den). Ett negativt netto betyder att aktören \
                  betalar mer än den får tillbaka, även om investeringen lönar sig för helheten.",
    actor_or_perspective: "Aktör / perspektiv",
    range90_p5_p95: "90\u{a0}% av utfallen (P5 … P95)",
    prob_positive_net: "Sannolikhet för positivt netto",
    outcomes_title: "Vad händer med målgruppen?",
    outcomes_read: |h, rate| {
        let discounted = match rate {
            None => "inte diskonterade".to_string(),
            Some(r) => format!("diskonterade med {r} per år"),
        };
        format!(
            "Summor för hela målgruppen under {h}, {discounted}. Skillnaden är insatsen minus \
             ordinarie arbetssätt, simulering för simulering."
        )
    },
    outcome: "Utfall",
    drivers_title: "Vilka antaganden avgör?",
    drivers_read: "De osäkra antaganden som hänger starkast ihop med nettot (Spearmans \
                   rangkorrelation, från −1 till 1). Här lönar det sig mest att skaffa bättre \
                   underlag.",
    assumption: "Antagande",
    relation_to_net: "Samband med nettot",
    direction: "Riktning",
    higher_value_higher_net: "högre värde → högre netto",
    higher_value_lower_net: "högre värde → lägre netto",

    budget_title: "Budgeten år för år",
    budget_chart_title: |who| format!("Nettot år för år för {who}"),
    budget_read: |price_year, rate| {
        let prices = match price_year {
            Some(y) => format!("i {y} års priser"),
            None => "i fasta priser".to_string(),
        };
        format!(
            "Så ser kalkylen ut i budgeten: belopp per år, odiskonterade, {prices}. Investerat \
             är insatsens kostnad, undvikna kostnader det som inte behöver betalas jämfört med \
             ordinarie arbetssätt, och nettot skillnaden mellan dem. Staplarna visar nettots \
             medelvärde, strecken var 90{NBSP}% av utfallen hamnar (P5–P95). Intervallen gäller \
             varje år för sig och kan inte summeras. Nuvärdet är nettot diskonterat till det \
             första året med {rate} per år; nuvärdena summerar till nettot."
        )
    },
    budget_desc: |sentence, items| {
        format!(
            "{sentence} Nettot per år, medelvärdet och var 90{NBSP}% av utfallen hamnar: {items}."
        )
    },
    budget_x_desc: "Budgetår",
    budget_y_desc: "Netto per år",
    deficit: "underskott",
    surplus: "överskott",
    negative_word: "negativt",
    positive_word: "positivt",
    zero_word: "noll",
    first_years: |k| {
        const WORDS: [&str; 13] = [
            "noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva",
            "tolv",
        ];
        match k {
            1 => "det första året".to_string(),
            k => match WORDS.get(k as usize) {
                Some(w) => format!("de första {w} åren"),
                None => format!("de första {k} åren"),
            },
        }
    },
    budget_every_year: |who, sign, span| format!("För {who} är nettot {sign} varje år ({span})"),
    budget_first_then: |who, sign, first, span, then, from| {
        format!("För {who} är nettot {sign} {first} ({span}) och {then} från {from}")
    },
    budget_runs: |who, runs| format!("För {who} är nettot {runs}"),
    budget_run: |sign, span| format!("{sign} {span}"),
    largest_outlay: |year, amount| format!("störst utgift {year}: {amount}"),
    largest_surplus: |year, amount| format!("störst överskott {year}: {amount}"),
    budget_caption: |who| format!("För {who}: investerat, undvikna kostnader och netto per år"),
    budget_actors_caption: "Nettot per aktör och år: medelvärdet, och under det var 90\u{a0}% av \
                            utfallen hamnar",
    year: "År",
    invested: "Investerat",
    avoided: "Undvikna kostnader",
    net_present_value: "Netto, nuvärde",
    total: "Summa",

    options_read: |baseline| {
        html! {
            "Alla alternativ jämförs i samma simuleringar, netto mot " (baseline)
            " (som har netto 0). " b { "Sannolikhet att vara bäst" } ": andelen simuleringar där \
            alternativet har högst netto (lika utfall delas). " b { "Förväntad förlust" } ": hur \
            mycket sämre än det bästa alternativet i varje simulering valet i genomsnitt blir; för \
            det alternativ som är bäst i genomsnitt är den värdet av perfekt information (EVPI)."
        }
    },
    option: "Alternativ",
    prob_best: "Sannolikhet att vara bäst",
    expected_loss: "Förväntad förlust",
    best: "bäst",
    ties: |share| format!("Flera alternativ delar högsta nettot i {share}."),
    pairwise_caption: "Två insatser mot varandra: nettot för den första minus nettot för den \
                       andra, i varje simulering",
    comparison: "Jämförelse",
    difference_in_net: "Skillnad i netto",
    prob_first_better: "Sannolikhet att den första är bättre",

    fixed_colon: "fixerat:",
    model_evaluations: "modellkörningar",
    iterations_per_run: "iterationer per körning",
    seed_lower: "frö",
    metric_subject: |metric| match metric {
        Metric::ProbNetPositive => "sannolikheten för ett positivt netto",
        Metric::Payback => "sannolikheten för återbetalning inom perioden",
        Metric::Roi => "avkastningen (förväntat netto ÷ förväntad investering)",
        Metric::Net => "medelnettot",
    },
    metric_axis: |metric| match metric {
        Metric::ProbNetPositive => "Sannolikhet för positivt netto",
        Metric::Payback => "Sannolikhet för återbetalning",
        Metric::Roi => "Netto ÷ investering",
        Metric::Net => "Medelnetto",
    },

    tornado_title: |subject| format!("Vilka antaganden flyttar {subject} mest?"),
    at: "vid",
    assumption_at: "antagandet vid",
    tornado_item: |name, low, pl, high, ph| format!("{name}: {low} vid {pl} och {high} vid {ph}"),
    others_at_medians: "övriga antaganden på sina medianer",
    others_uncertain: "övriga antaganden osäkra som vanligt",
    tornado_desc: |base, pl, ph, others, items| {
        format!(
            "Tornadodiagram. Basvärde {base}. Varje antagande sätts i tur och ordning till sin {pl} \
             och {ph}, {others}. Störst påverkan: {items}."
        )
    },
    tornado_read: |base, subject, pl, ph, others| {
        format!(
            "Det lodräta strecket är basvärdet ({base}). Staplarna visar hur {subject} ändras när ett \
             antagande i taget sätts till ett lågt ({pl}, mörkgrått) eller högt ({ph}, ljusgrått) värde, \
             med {others}. Längst staplar överst: där spelar osäkerheten störst roll."
        )
    },
    swing: "Skillnad",

    sweep_zero_at: |param, z| format!("Medelnettot passerar noll vid {param} ≈ {z}."),
    sweep_no_zero: |param| {
        format!("Medelnettot byter inte tecken inom det undersökta intervallet för {param}.")
    },
    sweep_title: |param| format!("Nettot när {param} varierar"),
    mean_net_lower: "medelnetto",
    sweep_band: "90 % av utfallen (P5–P95)",
    zero_at: "noll vid",
    sweep_prob_title: |param| format!("Sannolikheten för positivt netto när {param} varierar"),
    p_net_positive: "P(netto > 0)",
    sweep_read: |param| {
        format!(
            "Samma simuleringar med {param} fast på olika värden. Där medelnettot korsar \
             noll går brytpunkten; där sannolikheten för positivt netto når den risk \
             nämnden kan acceptera (till exempel 80 %) går gränsen för en acceptabel risk."
        )
    },
    heatmap_title: |y, x| format!("Sannolikheten för positivt netto över {y} och {x}"),
    heatmap_desc: |y, x, worst, best| {
        format!(
            "Värmekarta: {y} på den lodräta axeln, {x} på den vågräta; sannolikheten för \
             positivt netto går från {worst} till {best} över rutnätet. Blått: troligen lönsamt; \
             rödorange: troligen förlust."
        )
    },
    heatmap_read: "Varje ruta är en körning med de två antagandena fasta på radens och kolumnens \
                   värden. Blått betyder att investeringen troligen lönar sig, rödorange att den \
                   troligen går med förlust; talet i rutan är sannolikheten för positivt netto.",

    threshold_found: |subject, target, param, value, pm| {
        format!("{subject} når {target} när {param} = {value}{pm}.")
    },
    threshold_not_found: |subject, target, param, range| {
        format!("{subject} når inte {target} någonstans inom {param}s P1–P99{range}.")
    },
    threshold_prior: |median, p5, p95| {
        format!("Antagandet i scenariot: median {median}, 90 % mellan {p5} och {p95}.")
    },
    threshold_title: |param| format!("Brytpunkt: vilket värde på {param} behövs?"),
    mc_band: "± 2 Monte Carlo-fel",
    target_lower: "mål",
    break_even_read: "Brytpunkt för framgång (som WSIPP): hur många undvikna utfall per deltagare \
                      som behövs för att insatsen ska bära sin kostnad, om just det utfallet bar \
                      alla besparingar, jämfört med vad modellen förväntar sig.",
    cost_per_participant: "Kostnad per deltagare",
    value_per_avoided: "Värde per undvikt utfall",
    needed_per_participant: "Behövs per deltagare",
    expected_per_participant: "Förväntas per deltagare",

    sobol_title: "Hur mycket av osäkerheten kommer från varje antagande? (Sobol)",
    cohort_chance: "slumpen i målgruppen",
    sobol_item: |name, first, total| format!("{name}: första ordningen {first}, totalt {total}"),
    sobol_desc: |items| {
        format!("Sobolindex per antagande, störst första ordningens index först: {items}.")
    },
    share_of_variance: "Andel av nettots varians",
    first_order_s1: "första ordningen (S1)",
    total_st: "totalt (ST)",
    sobol_read: "Första ordningens index: den andel av nettots variation som antagandet förklarar \
                 ensamt. Totalindex: andelen det förklarar inklusive samspel med andra antaganden. \
                 Ett antagande med totalindex nära noll kan sättas till ett fast värde utan att \
                 svaret ändras. I en liten målgrupp räknar totalindex också samspelet med slumpen \
                 i vilka som ingår, så totalindexen kan summera till över 1 och ett högt \
                 totalindex betyder inte att mer kunskap om antagandet lönar sig (se värdet av \
                 information). Strecken visar 95 % konfidensintervall.",
    sobol_imprecise: "Skattningarna är här för osäkra för att läsas (breda intervall): kör \
                      analysen med ett större --base.",
    first_order_s1_cap: "Första ordningen (S1)",
    total_st_cap: "Totalt (ST)",
    chance_driven: "Totalindexet är här mest samspel med slumpen i målgruppen, inte antagandets \
                    eget bidrag: läs första ordningens index.",

    evidence_worth_title: "Vad är bättre kunskap värd?",
    voi_read: "Värdet av perfekt information (EVPI): hur mycket beslutet i genomsnitt skulle \
               vinna på att all osäkerhet försvann. Per antagande (EVPPI): vinsten av att veta \
               just det antagandet säkert. Är värdet större än vad en utredning eller \
               utvärdering kostar lönar det sig att ta reda på mer innan beslutet.",
    best_choice_now: "Bästa valet med dagens kunskap:",
    knowledge_of: "Kunskap om",
    expected_value: "Förväntat värde",
    share_of_evpi: "Andel av EVPI",
    everything_evpi: "Allt (EVPI)",
    all_assumptions_without_chance: "Alla antaganden, utan slumpen i målgruppen",
    voi_for_whom: |n| format!("Beloppen gäller hela målgruppen ({n})."),

    sensitivity_title: "Känslighetsanalys",
    sensitivity_read: "Vilka antaganden som avgör resultatet, och hur starka effekter som behövs \
                       för att investeringen ska löna sig. Varje analys körs med samma slumptal i \
                       alla jämförda lägen, så skillnaderna kommer från antagandena och inte från \
                       slumpen.",
    research_title: "För analytiker och forskare",
    research_subtitle: "fördjupning: varians och värdet av mer kunskap",
    research_read: "Den här delen behövs inte för beslutet. Den visar vad bättre kunskap före \
                    beslutet skulle vara värd (värdet av information) och hur osäkerheten i \
                    nettot fördelar sig på antagandena (Sobolindex), för den som granskar \
                    modellen eller planerar en utvärdering.",
    evpi_run_read: |command| {
        html! {
            "Värdet av perfekt information (EVPI) för beslutet att investera eller inte, för \
             hela målgruppen: hur mycket beslutet i genomsnitt skulle vinna på att all osäkerhet \
             försvann. Den första kolumnen räknar med slumpen i vilka som ingår i målgruppen, \
             som ingen utredning tar bort; den andra bara med osäkerheten i antagandena. Är \
             värdet litet jämfört med vad en utvärdering kostar finns lite att vinna på att \
             vänta. "
            code { (command) } " delar upp värdet per antagande."
        }
    },
    best_choice_today: "Bästa val i dag",
    evpi_everything: "EVPI, allt",
    evpi_assumptions: "EVPI, antagandena",

    appendix_read: "Vad beräkningen bygger på, som det står i scenariofilen.",
    set_up: "Upplägg",
    target_group_size: "Målgruppens storlek",
    horizon: "Kalkylperiod",
    discount_rate: "Diskonteringsränta",
    currency: "Valuta",
    price_year: "Prisår",
    arms_compared: "Jämförda alternativ",
    states: "Tillstånd",
    actors: "Aktörer",
    subgroups: "Delgrupper",
    transfers_left_out: "; transfereringar räknas inte",
    outcomes: "Utfall",
    attributes: "Egenskaper som dras per person (inte parametrar)",
    episode: "Episod",
    start_age: "Startålder",
    drawn_per_person: ", dras per person",
    parameters_title: "Osäkra antaganden (parametrar)",
    parameter: "Parameter",
    distribution: "Fördelning",
    unit: "Enhet",
    source: "Källa",
    fixed_at: "fixerad till",
    programs_title: "Insatserna",
    startup_cost: "Startkostnad",
    per_participant_and_year: "Per deltagare och år",
    program_years: "Under",
    uptake: "Andel som deltar",
    funded_by: "Betalas av",
    tables_at_medians_title: "Första årets övergångar vid medianvärdena",
    tables_at_medians_read: |subgroup| {
        format!(
            "Sannolikheten att gå från tillståndet i raden till tillståndet i kolumnen under \
             år{NBSP}1, för delgruppen {subgroup} (deltagarna, för insatserna), när varje osäker \
             parameter ligger på sin median."
        )
    },
    from_to: "från \\ till",
    state: "Tillstånd",
    yearly_cost_table: "Årlig kostnad per person och tillstånd (ordinarie arbetssätt)",
    entry_cost_table: "Engångskostnad vid inträde i tillståndet",
    transition_rules: "Övergångsregler",
    sources: "Källor",
    description_and_sources: "Beskrivning och källor",

    followup_title: "Uppföljning",
    after_years: |k| {
        let words = [
            "noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio",
        ];
        match words.get(k as usize) {
            Some(w) => format!("Efter {w}{NBSP}år"),
            None => format!("Efter {k}{NBSP}år"),
        }
    },
    followup_headline: |after, who, before, now, change| match change {
        Change::Rose => html! {
            (after) ": sannolikheten att investeringen betalar sig för " (who) " har stigit från "
            b { (before) } " till " b { (now) } "."
        },
        Change::Fell => html! {
            (after) ": sannolikheten att investeringen betalar sig för " (who) " har sjunkit från "
            b { (before) } " till " b { (now) } "."
        },
        Change::Same => html! {
            (after) ": sannolikheten att investeringen betalar sig för " (who) " är densamma som före starten, "
            b { (now) } "."
        },
    },
    followup_net: |now, between, before| {
        format!(
            "Nettot väntas nu bli {now}, med 90{NBSP}% sannolikhet {between}. Före starten väntades nettot bli {before}."
        )
    },
    followup_so_far: |years, who, so_far, rest| {
        format!(
            "För {who} gav {years} ett netto på {so_far}; resten av kalkylperioden väntas ge {rest}."
        )
    },
    followup_basis: |people, participants, years| {
        format!(
            "Underlaget är vad som har hänt {people} under {years}, av vilka {participants} deltog i \
             insatsen. Före starten: scenariots antaganden. Nu: antagandena uppdaterade med det som \
             har hänt, och de observerade åren som de blev."
        )
    },
    followup_params_title: "Vad utfallet säger om antagandena",
    followup_params_read: "Varje antagande som utfallet kan säga något om: medianen och 90\u{a0}% av \
        de troliga värdena före starten och nu.",
    before_start: "Före starten",
    now: "Nu",
    verdict: "Bedömning",
    verdict_word: |v| match v {
        Verdict::Contradicted => "motsagt av utfallet",
        Verdict::Shifted => "förskjutet",
        Verdict::Confirmed => "bekräftat",
        Verdict::Unchanged => "oförändrat än så länge",
    },
    params_chart_title: "Antagandena nu, jämförda med före starten",
    params_chart_read: "Det grå fältet är varje antagandes 90\u{a0}% troliga värden före starten, \
        den streckade linjen dess median. Den blå stapeln är var de troliga värdena ligger nu, \
        och punkten är medianen nu. En punkt utanför det grå fältet betyder att utfallet \
        motsäger antagandet.",
    params_chart_axis: "percentil av antagandet före starten",
    range_before: "90\u{a0}% före starten",
    range_now: "90\u{a0}% nu",
    median_now: "median nu",
    params_chart_item: |name, median, verdict| {
        format!("{name}: medianen nu vid percentil {median} ({verdict})")
    },
    followup_not_informed: |names| {
        format!(
            "Antaganden som inga observerade tillstånd säger något om, och som därför är oförändrade: {names}."
        )
    },
    followup_povs_title: "Hittills och framåt, per aktör och perspektiv",
    followup_povs_read: "Nettot hittills jämför det som har hänt med vad ordinarie arbetssätt \
        troligen hade kostat för samma personer; resten är prognosen för åren som är kvar.",
    point_of_view: "Aktör eller perspektiv",
    so_far: "Hittills",
    years_left: "Återstående år",
    loss_before: "Risk för förlust före starten",
    loss_now: "Risk för förlust nu",
    state_title: |state| format!("Antal personer i tillståndet ”{state}”, år för år"),
    state_read: "Punkterna är det som har observerats. Det grå bandet är prognosen före starten, \
        det blå bandet är prognosen nu (90\u{a0}% av utfallen, linjen är medianen).",
    band_before: "före starten",
    band_now: "nu",
    observed: "observerat",
    number_of_people: "antal",
    year_word: "år",
    state_desc: |state, observed, year, end| {
        format!(
            "År {year} var {observed} personer i ”{state}”. Vid kalkylperiodens slut är medianen nu {end}."
        )
    },

    to_reproduce: "För att återskapa siffrorna",
    program: "Program",
    scenario: "Scenario",
    file: "Fil",
    content_hash: "Innehållshash",
    seed: "Slumpfrö",
    iterations: "Iterationer",
    fixed_set: "Fixerade (--set)",
    sensitivity_analysis: "Känslighetsanalys",
    report_rendered: "Rapporten skapad",
    same_numbers: "Samma fil, frö och antal iterationer ger samma siffror:",
};
