//! Per-iteration tables: the scenario's formulas evaluated natively, once per iteration, for every
//! arm variant, subgroup, year (and time in state where a rule reads it). The cohort loop then only
//! looks numbers up.
//!
//! A *variant* is the practice a person receives: 0 is ordinary practice (the baseline, and
//! everyone in an intervention arm who does not take part); `a > 0` is intervention arm `a`'s
//! participants.

use crate::error::number;
use crate::expr::program::{Level, Program, Segment, Slot};
use crate::expr::{Dependencies, EvalContext, Expr};
use crate::scenario::{Accrual, Intake, Scenario, SourcePos, StartAge};

/// What does not change between iterations: dimensions, rule lookups, discount factors.
pub struct Plan<'s> {
    pub scenario: &'s Scenario,
    /// Arms (= variants).
    pub arms: usize,
    pub groups: usize,
    pub years: usize,
    pub states: usize,
    pub actors: usize,
    pub outcomes: usize,
    /// For each state, the transition rules out of it (indices into `scenario.transitions`).
    pub rules_from: Vec<Vec<usize>>,
    /// For each state, its slot among the states whose exits read a duration (time in state
    /// or an episode's time): their rows are tabled by that duration.
    pub tis_slot: Vec<Option<usize>>,
    pub tis_states: usize,
    /// For each state, the duration its exits read (at most one, checked at load).
    pub row_clock: Vec<Option<Clock>>,
    /// States whose exits read a value of the person (an attribute, or the age where start
    /// ages are drawn per person): their rows are evaluated per person-year in the walk.
    pub person_rows: Vec<bool>,
    /// `person_cost[rule]`: whether `scenario.costs[rule]` is evaluated per person-year (it
    /// reads a duration or a value of the person) instead of being tabled and applied to counts.
    pub person_cost: Vec<bool>,
    /// The same for `scenario.outcome_rules`.
    pub person_outcome: Vec<bool>,
    /// Per state, the cost rules evaluated per person-year in it.
    pub person_costs_in: Vec<Vec<usize>>,
    /// Per state, the outcome rules evaluated per person-year in it.
    pub person_outcomes_in: Vec<Vec<usize>>,
    /// What the walk must follow per person besides the state.
    pub person: PersonNeeds,
    /// Each attribute's median: rows evaluated per person are also tabled (and checked) at
    /// the medians, for display and `check`.
    pub attribute_medians: Vec<f64>,
    /// For each state, what its exits read besides parameters: a row that reads neither the arm,
    /// the subgroup nor the year is evaluated once per iteration and copied.
    pub row_reads: Vec<RowReads>,
    /// (1 + r)^-t per year.
    pub discount: Vec<f64>,
    /// The outcomes' discount factor of each year (all 1 when they are not discounted).
    pub outcome_discount: Vec<f64>,
    /// The drop-off formula of every `effect(m, dropoff)` that is not a plain number, with the
    /// rule it appears in: checked to lie in [0, 1] in every iteration.
    pub dropoffs: Vec<(Expr, SourcePos)>,
    /// The tables' formulas compiled to one program, and where each one's value lands.
    pub formulas: TableFormulas,
    /// The tabled costs and outcomes, as they fill a block.
    pub amounts: TabledAmounts,
}

/// The formulas [`Tables::fill`] evaluates, compiled to one [`Program`]: each formula's slot,
/// and the segments that compute a group of them in one table context.
pub struct TableFormulas {
    pub program: Program,
    /// The slot of each `scenario.transitions[i].probability`.
    pub transition: Vec<Slot>,
    /// The slot of each `scenario.costs[i].amount`.
    pub cost: Vec<Slot>,
    /// The slot of each `scenario.outcome_rules[i].value`.
    pub outcome: Vec<Slot>,
    /// The slot of each `Plan::dropoffs[i]`.
    pub dropoff: Vec<Slot>,
    /// Per arm, the slots of its program's start-up, uptake and cost per participant (the
    /// baseline's are unused).
    pub program_amounts: Vec<[Slot; 3]>,
    /// Per state, the transitions out of it.
    pub row: Vec<Segment>,
    /// Each `dropoffs[i]` alone.
    pub dropoff_alone: Vec<Segment>,
    /// Per arm, each of its program amounts alone (indexed as `program_amounts`).
    pub program_alone: Vec<[Segment; 3]>,
}

impl TableFormulas {
    fn new(sc: &Scenario, plan_dropoffs: &[(Expr, SourcePos)], rules_from: &[Vec<usize>]) -> Self {
        let zero = Expr::constant(0.0);
        let programs: Vec<[&Expr; 3]> = sc
            .arms
            .iter()
            .map(|a| match &a.program {
                Some(p) => [&p.startup, &p.uptake, &p.per_participant],
                None => [&zero; 3],
            })
            .collect();
        let formulas = sc
            .transitions
            .iter()
            .map(|r| &r.probability)
            .chain(sc.costs.iter().map(|r| &r.amount))
            .chain(sc.outcome_rules.iter().map(|r| &r.value))
            .chain(plan_dropoffs.iter().map(|(e, _)| e))
            .chain(programs.iter().flatten().copied());
        let (program, slots) = Program::compile(formulas);
        let mut slots = slots.into_iter();
        let mut take = |n: usize| -> Vec<Slot> { slots.by_ref().take(n).collect() };
        let transition = take(sc.transitions.len());
        let cost = take(sc.costs.len());
        let outcome = take(sc.outcome_rules.len());
        let dropoff = take(plan_dropoffs.len());
        let program_amounts: Vec<[Slot; 3]> = take(programs.len() * 3)
            .chunks(3)
            .map(|c| [c[0], c[1], c[2]])
            .collect();
        let row = rules_from
            .iter()
            .map(|rules| {
                let roots: Vec<Slot> = rules.iter().map(|&i| transition[i]).collect();
                program.segment(&roots)
            })
            .collect();
        let dropoff_alone = dropoff.iter().map(|&d| program.segment(&[d])).collect();
        let program_alone = program_amounts
            .iter()
            .map(|slots| slots.map(|s| program.segment(&[s])))
            .collect();
        TableFormulas {
            transition,
            cost,
            outcome,
            dropoff,
            program_amounts,
            row,
            dropoff_alone,
            program_alone,
            program,
        }
    }
}

/// A duration a state's rules read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    TimeInState,
    /// The time in the episode with this index (which contains the state).
    Episode(usize),
}

/// What the cohort walk follows per person besides state and time in state; all false and 0
/// for a scenario that uses none of it, whose walk is then the plain one.
#[derive(Clone, Copy, Debug, Default)]
pub struct PersonNeeds {
    /// Episode times (some rule reads one).
    pub episodes: bool,
    /// Number of attributes drawn per person.
    pub attributes: usize,
    /// A start age drawn per person (some subgroup has an age distribution).
    pub drawn_age: bool,
    /// Some state's rows are evaluated per person.
    pub rows: bool,
    /// Some cost or outcome is evaluated per person-year.
    pub amounts: bool,
}

impl PersonNeeds {
    /// Whether the walk needs anything beyond the plain state and time in state.
    pub fn any(&self) -> bool {
        self.episodes || self.attributes > 0 || self.drawn_age || self.rows || self.amounts
    }
}

/// The duration that `reads` (the rules out of, or in, `state`) read there, if any: time in
/// state, or the time of an episode containing the state (an episode the state is not in reads
/// 0 there). At most one; the script refuses rules that read two.
pub fn clock_read(sc: &Scenario, state: usize, reads: &Dependencies) -> Option<Clock> {
    if reads.time_in_state {
        return Some(Clock::TimeInState);
    }
    reads
        .episodes
        .iter()
        .find(|&&e| sc.episodes[e].states[state])
        .map(|&e| Clock::Episode(e))
}

/// Whether a rule in `state` reading `reads` must be evaluated per person: it reads an
/// attribute, or the age where start ages are drawn per person, or (for amounts, `duration`)
/// a duration.
fn per_person(sc: &Scenario, state: usize, reads: &Dependencies, duration: bool) -> bool {
    reads.attributes
        || (reads.age && sc.draws_start_age())
        || (duration && clock_read(sc, state, reads).is_some())
}

/// What the transition rules out of one state read, for sharing rows between arms, subgroups
/// and years that cannot differ.
#[derive(Clone, Copy, Debug, Default)]
pub struct RowReads {
    pub arm: bool,
    pub subgroup: bool,
    pub year: bool,
}

impl<'s> Plan<'s> {
    pub fn new(scenario: &'s Scenario) -> Self {
        let states = scenario.states.len();
        let mut rules_from = vec![Vec::new(); states];
        for (i, r) in scenario.transitions.iter().enumerate() {
            rules_from[r.from].push(i);
        }
        let mut tis_slot = vec![None; states];
        let mut row_clock = vec![None; states];
        let mut person_rows = vec![false; states];
        let mut tis_states = 0;
        for (s, rules) in rules_from.iter().enumerate() {
            let reads: Vec<Dependencies> = rules
                .iter()
                .map(|&i| scenario.transitions[i].probability.dependencies())
                .collect();
            if let Some(clock) = reads.iter().find_map(|d| clock_read(scenario, s, d)) {
                row_clock[s] = Some(clock);
                tis_slot[s] = Some(tis_states);
                tis_states += 1;
            }
            person_rows[s] = reads.iter().any(|d| per_person(scenario, s, d, false));
        }
        let person_cost: Vec<bool> = scenario
            .costs
            .iter()
            .map(|r| per_person(scenario, r.state, &r.amount.dependencies(), true))
            .collect();
        let person_outcome: Vec<bool> = scenario
            .outcome_rules
            .iter()
            .map(|r| per_person(scenario, r.state, &r.value.dependencies(), true))
            .collect();
        let mut person_costs_in = vec![Vec::new(); states];
        for (i, r) in scenario.costs.iter().enumerate() {
            if person_cost[i] {
                person_costs_in[r.state].push(i);
            }
        }
        let mut person_outcomes_in = vec![Vec::new(); states];
        for (i, r) in scenario.outcome_rules.iter().enumerate() {
            if person_outcome[i] {
                person_outcomes_in[r.state].push(i);
            }
        }
        let reads_episode = sc_formulas(scenario)
            .iter()
            .any(|(e, _)| !e.dependencies().episodes.is_empty());
        let person = PersonNeeds {
            episodes: reads_episode,
            attributes: scenario.attributes.len(),
            drawn_age: scenario.draws_start_age(),
            rows: person_rows.contains(&true),
            amounts: person_cost.contains(&true) || person_outcome.contains(&true),
        };
        let attribute_medians = scenario
            .attributes
            .iter()
            .map(|a| a.distribution.dist.quantile(0.5))
            .collect();
        let row_reads = rules_from
            .iter()
            .map(|rules| {
                rules.iter().fold(RowReads::default(), |r, &i| {
                    let d = scenario.transitions[i].probability.dependencies();
                    RowReads {
                        arm: r.arm || d.arm,
                        subgroup: r.subgroup || d.subgroup,
                        year: r.year || d.year,
                    }
                })
            })
            .collect();
        let years = scenario.horizon as usize;
        let discount = super::discount_factors(scenario.discount_rate, years);
        let outcome_discount = super::discount_factors(scenario.outcome_discount_rate, years);
        let mut dropoffs: Vec<(Expr, SourcePos)> = Vec::new();
        let formulas = sc_formulas(scenario);
        for (e, origin) in formulas {
            for d in e.dropoffs() {
                if d.as_constant().is_none() && !dropoffs.iter().any(|(x, _)| x.same(&d)) {
                    dropoffs.push((d, origin.clone()));
                }
            }
        }
        let formulas = TableFormulas::new(scenario, &dropoffs, &rules_from);
        let amounts = TabledAmounts::new(scenario, &formulas, &person_cost, &person_outcome);
        Plan {
            scenario,
            formulas,
            amounts,
            dropoffs,
            arms: scenario.arms.len(),
            groups: scenario.subgroups.len(),
            years,
            states,
            actors: scenario.actors.len(),
            outcomes: scenario.outcomes.len(),
            rules_from,
            tis_slot,
            tis_states,
            row_clock,
            person_rows,
            person_cost,
            person_outcome,
            person_costs_in,
            person_outcomes_in,
            person,
            attribute_medians,
            row_reads,
            discount,
            outcome_discount,
        }
    }

    /// Cells per year of a person's amounts: (actor, transfer) costs, then outcomes.
    pub fn amount_width(&self) -> usize {
        self.actors * 2 + self.outcomes
    }

    /// Index of the (variant, group, year) block; rows and cost cells are laid out under it.
    #[inline(always)]
    pub fn block(&self, variant: usize, group: usize, year: usize) -> usize {
        (variant * self.groups + group) * self.years + year
    }

    /// The program window of the practice `variant` (None for ordinary practice).
    pub fn program_window(&self, variant: usize) -> Option<(u32, u32)> {
        if variant == 0 {
            return None;
        }
        self.scenario.arms[variant]
            .program
            .as_ref()
            .map(|p| p.window())
    }

    /// Where the tables' formulas are evaluated: episode times read 0, attributes their
    /// medians, and the age is NaN until the caller sets it (`Tables::fill` does).
    pub fn context<'p>(
        &'p self,
        params: &'p [f64],
        variant: usize,
        group: usize,
        year: usize,
        time_in_state: u32,
    ) -> EvalContext<'p> {
        EvalContext {
            params,
            year: year as u32,
            time_in_state,
            episode_time: &[],
            attributes: &self.attribute_medians,
            age: f64::NAN,
            arm: variant,
            subgroup: group,
            program: self.program_window(variant),
        }
    }
}

/// Every formula of the scenario with the place it is declared.
fn sc_formulas(sc: &Scenario) -> Vec<(&Expr, &SourcePos)> {
    let mut all: Vec<(&Expr, &SourcePos)> = Vec::new();
    all.extend(sc.transitions.iter().map(|r| (&r.probability, &r.origin)));
    all.extend(sc.costs.iter().map(|r| (&r.amount, &r.origin)));
    all.extend(sc.outcome_rules.iter().map(|r| (&r.value, &r.origin)));
    for p in sc.arms.iter().filter_map(|a| a.program.as_ref()) {
        for e in [&p.startup, &p.per_participant, &p.uptake] {
            all.push((e, &p.origin));
        }
    }
    all
}

/// Where a model number went wrong; turned into a message by the caller.
#[derive(Debug)]
pub struct Violation {
    pub message: String,
    /// The parameter indices the offending rules read.
    pub params: Vec<usize>,
    pub variant: usize,
    pub group: usize,
    pub year: usize,
    pub time_in_state: Option<u32>,
    /// Where the offending rule is declared, if one is.
    pub origin: Option<SourcePos>,
}

/// A rule whose values `Tables::fill` checks, for grouping what `socinv check` finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// The starting share of `state` in subgroup `group` (must lie in [0, 1]).
    StartShare { group: usize, state: usize },
    /// The starting shares of subgroup `group` (must add up to 1).
    StartSum { group: usize },
    /// An amount of intervention `arm`'s program.
    Program { arm: usize, amount: ProgramAmount },
    /// The drop-off of `Plan::dropoffs[index]` (must lie in [0, 1]).
    Dropoff { index: usize },
    /// `Scenario::transitions[index]` (a probability in [0, 1]).
    Transition { index: usize },
    /// The transitions out of `state` (must add up to at most 1).
    RowSum { state: usize },
    /// `Scenario::costs[index]` (a finite amount).
    Cost { index: usize },
    /// `Scenario::outcome_rules[index]` (a finite value).
    Outcome { index: usize },
    /// The count of `Scenario::intakes[index]` (a whole number ≥ 0 once rounded).
    IntakeCount { index: usize },
}

/// The amounts of a program, each checked per arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProgramAmount {
    Startup,
    Uptake,
    PerParticipant,
}

impl ProgramAmount {
    /// The key the script writes in `intervention(...)`.
    pub fn key(self) -> &'static str {
        match self {
            ProgramAmount::Startup => "startup",
            ProgramAmount::Uptake => "uptake",
            ProgramAmount::PerParticipant => "per_participant",
        }
    }
}

/// What [`Tables::fill`] does with the values it checks: a run stops at the first invalid one
/// ([`StopAtFirst`]); `socinv check` collects them all and looks at the values.
pub trait Inspector {
    /// An invalid `value` of `rule`; `violation` describes it. `Err` stops the fill.
    fn invalid(
        &mut self,
        rule: Rule,
        value: f64,
        violation: impl FnOnce() -> Violation,
    ) -> Result<(), Violation>;

    /// A value of a starting share, transition or uptake, valid or not (in that order of
    /// evaluation; the default ignores it).
    #[inline(always)]
    fn evaluated(&mut self, _rule: Rule, _value: f64) {}
}

/// The simulation's inspector: the first invalid value stops the iteration.
pub struct StopAtFirst;

impl Inspector for StopAtFirst {
    #[inline(always)]
    fn invalid(
        &mut self,
        _rule: Rule,
        _value: f64,
        violation: impl FnOnce() -> Violation,
    ) -> Result<(), Violation> {
        Err(violation())
    }
}

/// One iteration's tables. Reused between iterations on a thread (buffers are overwritten).
#[derive(Default)]
pub struct Tables {
    /// Cumulative transition rows: `rows[(block * S + s) * S ..][..S]`.
    pub rows: Vec<f64>,
    /// Rows for states whose exits read time in state:
    /// `tis_rows[((block * T + slot) * H + (tis - 1)) * S ..][..S]`.
    pub tis_rows: Vec<f64>,
    /// Yearly cost per person: `yearly[((block * S + s) * A + actor) * 2 + transfer]`.
    pub yearly_cost: Vec<f64>,
    /// One-off cost per entry, same layout as `yearly_cost`.
    pub entry_cost: Vec<f64>,
    /// Outcome per person-year: `yearly_outcome[(block * S + s) * O + o]`.
    pub yearly_outcome: Vec<f64>,
    /// Outcome per entry, same layout.
    pub entry_outcome: Vec<f64>,
    /// Each subgroup's start age (the median where it is drawn per person; NaN where none).
    pub start_age: Vec<f64>,
    /// Cumulative subgroup shares.
    pub group_cum: Vec<f64>,
    /// Cumulative starting shares per group: `start_cum[g * S + s]`.
    pub start_cum: Vec<f64>,
    /// Uptake per arm and subgroup: `uptake[arm * G + group]` (1 for the baseline, unused).
    pub uptake: Vec<f64>,
    /// Program start-up cost per arm (0 for the baseline).
    pub startup: Vec<f64>,
    /// Cost per participant-year: `per_participant[(arm * G + group) * H + year]`, 0 outside
    /// the program years.
    pub per_participant: Vec<f64>,
    /// The people of each intake (`Scenario::intakes`) in this iteration.
    pub intake_counts: Vec<u32>,
    /// The values of the compiled formulas (`Plan::formulas`) in the context last computed.
    slots: Vec<f64>,
    /// One block of each amount table (as [`Tables::amount_tables`]) with the cells that rules
    /// of the parameters alone write.
    base_block: [Vec<f64>; 4],
    /// Scratch for the rows: the probabilities of one row, and episode times.
    probs: Vec<f64>,
    episode_time: Vec<u32>,
    first_year: Vec<u32>,
}

/// The cells of a state's row of amounts (costs by actor × transfer, or outcomes) that some
/// tabled rule writes, as a set of positions; every position where the row has more than 64.
/// The others are 0 in every block.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Priced(u64);

impl Priced {
    /// Adds position `i` of a row of `width`.
    fn insert(&mut self, i: usize, width: usize) {
        self.0 |= if width > 64 { u64::MAX } else { 1 << i };
    }

    /// The positions below `width`, in ascending order.
    pub fn cells(self, width: usize) -> impl Iterator<Item = usize> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            let i = bits.trailing_zeros() as usize;
            bits &= bits.wrapping_sub(1);
            (i < 64).then_some(i)
        })
        .chain(64..if self.0 == u64::MAX { width } else { 64 })
        .take_while(move |&i| i < width)
    }
}

/// `v` as `n` zeros.
fn resize(v: &mut Vec<f64>, n: usize) {
    v.clear();
    v.resize(n, 0.0);
}

/// `v` with `n` values: those it holds are kept, new ones are 0.
fn fit(v: &mut Vec<f64>, n: usize) {
    v.resize(n, 0.0);
}

impl Tables {
    /// The cumulative row out of state `s` after `time_in_state` years in it, in table block
    /// `block`.
    #[inline(always)]
    pub fn row(&self, plan: &Plan, block: usize, s: usize, time_in_state: usize) -> &[f64] {
        let s_n = plan.states;
        match plan.tis_slot[s] {
            None => {
                let at = (block * s_n + s) * s_n;
                &self.rows[at..at + s_n]
            }
            Some(slot) => {
                let at = ((block * plan.tis_states + slot) * plan.years + time_in_state - 1) * s_n;
                &self.tis_rows[at..at + s_n]
            }
        }
    }

    /// Evaluates every formula for this iteration's parameter values.
    pub fn fill(&mut self, plan: &Plan, params: &[f64]) -> Result<(), Violation> {
        self.fill_inspected(plan, params, &mut StopAtFirst)
    }

    /// [`Tables::fill`], handing every checked value to `inspector`: the engine's one set of
    /// rules, whether a run stops at the first invalid value or `check` collects them all.
    pub fn fill_inspected(
        &mut self,
        plan: &Plan,
        params: &[f64],
        inspector: &mut impl Inspector,
    ) -> Result<(), Violation> {
        let sc = plan.scenario;
        let (a_n, g_n, h, s_n) = (plan.arms, plan.groups, plan.years, plan.states);
        let blocks = a_n * g_n * h;
        let f = &plan.formulas;
        f.program.run_iteration(params, &mut self.slots);

        // Start ages (formulas of the parameters alone, checked at load).
        self.start_age.clear();
        for g in &sc.subgroups {
            self.start_age.push(match &g.start_age {
                None => f64::NAN,
                Some(StartAge::Fixed(e)) => e.eval(&plan.context(params, 0, 0, 0, 1)),
                Some(StartAge::Drawn(d)) => d.dist.quantile(0.5),
            });
        }
        let start_age = self.start_age.clone();
        let age = |g: usize, t: usize| start_age[g] + t as f64;

        // Subgroups and starting shares (the same in every arm: people start alike).
        self.group_cum.clear();
        let mut acc = 0.0;
        for g in &sc.subgroups {
            acc += g.share;
            self.group_cum.push(acc);
        }
        *self
            .group_cum
            .last_mut()
            .expect("the remainder group exists") = 1.0;
        resize(&mut self.start_cum, g_n * s_n);
        for (g, group) in sc.subgroups.iter().enumerate() {
            let cx = EvalContext {
                age: age(g, 0),
                ..plan.context(params, 0, g, 0, 1)
            };
            let mut acc = 0.0;
            // The parameters the shares up to `s` read, for a message.
            let reads = |s: usize| -> Vec<usize> {
                (group.start[..=s].iter())
                    .flat_map(|e| e.dependencies().params)
                    .collect()
            };
            for (s, share) in group.start.iter().enumerate() {
                let x = share.eval(&cx);
                let rule = Rule::StartShare { group: g, state: s };
                inspector.evaluated(rule, x);
                if !(0.0..=1.0).contains(&x) {
                    inspector.invalid(rule, x, || Violation {
                        message: format!(
                            "the start share of \"{}\" is {}, outside [0, 1]",
                            sc.states[s],
                            number(x)
                        ),
                        params: reads(s),
                        variant: 0,
                        group: g,
                        year: 0,
                        time_in_state: None,
                        origin: None,
                    })?;
                }
                acc += x;
                self.start_cum[g * s_n + s] = acc;
            }
            if (acc - 1.0).abs() > 1e-9 && group.share > 0.0 {
                inspector.invalid(Rule::StartSum { group: g }, acc, || Violation {
                    message: format!("the start shares add up to {}, not 1", number(acc)),
                    params: reads(s_n - 1),
                    variant: 0,
                    group: g,
                    year: 0,
                    time_in_state: None,
                    origin: None,
                })?;
            }
            self.start_cum[g * s_n + s_n - 1] = 1.0;
        }

        // Programs: uptake per subgroup (decided in the start year), the start-up once, the
        // cost per participant per subgroup and program year.
        resize(&mut self.uptake, a_n * g_n);
        resize(&mut self.startup, a_n);
        resize(&mut self.per_participant, a_n * g_n * h);
        self.uptake[..g_n].fill(1.0);
        for (a, arm) in sc.interventions() {
            let p = arm.program.as_ref().expect("interventions have a program");
            let slots = &mut self.slots;
            let mut check = |amount: ProgramAmount, g: usize, t: u32| {
                let (e, max, k) = match amount {
                    ProgramAmount::Startup => (&p.startup, None, 0),
                    ProgramAmount::Uptake => (&p.uptake, Some(1.0), 1),
                    ProgramAmount::PerParticipant => (&p.per_participant, None, 2),
                };
                let cx = EvalContext {
                    age: age(g, t as usize),
                    ..plan.context(params, a, g, t as usize, 1)
                };
                let x = f.evaluate(&f.program_alone[a][k], f.program_amounts[a][k], &cx, slots);
                let rule = Rule::Program { arm: a, amount };
                if amount == ProgramAmount::Uptake {
                    inspector.evaluated(rule, x);
                }
                let ok = x.is_finite() && x >= 0.0 && max.is_none_or(|m| x <= m);
                if !ok {
                    let range = match max {
                        Some(m) => format!("between 0 and {m}"),
                        None => "≥ 0".to_string(),
                    };
                    inspector.invalid(rule, x, || Violation {
                        message: format!(
                            "intervention \"{}\": {} must be {range}, got {}",
                            arm.name,
                            amount.key(),
                            number(x)
                        ),
                        params: e.dependencies().params,
                        variant: a,
                        group: g,
                        year: t as usize,
                        time_in_state: None,
                        origin: Some(p.origin.clone()),
                    })?;
                }
                Ok(x)
            };
            let remainder = g_n - 1;
            self.startup[a] = check(ProgramAmount::Startup, remainder, p.start_year)?;
            for g in 0..g_n {
                self.uptake[a * g_n + g] = check(ProgramAmount::Uptake, g, p.start_year)?;
                let (start, end) = p.window();
                for t in start..end.min(h as u32) {
                    self.per_participant[(a * g_n + g) * h + t as usize] =
                        check(ProgramAmount::PerParticipant, g, t)?;
                }
            }
        }

        // Every effect's drop-off is a share in [0, 1] (else an effect grows after the program).
        for (index, (dropoff, origin)) in plan.dropoffs.iter().enumerate() {
            let varies = f.program.level(f.dropoff[index]) >= Level::Context;
            for v in 1..a_n {
                for g in 0..g_n {
                    for t in 0..h {
                        if !varies && (v, g, t) != (1, 0, 0) {
                            continue;
                        }
                        let cx = EvalContext {
                            age: age(g, t),
                            ..plan.context(params, v, g, t, 1)
                        };
                        let x = f.evaluate(
                            &f.dropoff_alone[index],
                            f.dropoff[index],
                            &cx,
                            &mut self.slots,
                        );
                        if !(0.0..=1.0).contains(&x) {
                            inspector.invalid(Rule::Dropoff { index }, x, || Violation {
                                message: format!(
                                    "the drop-off of effect(..., {dropoff}) is {}, outside [0, 1] \
                                     (a share of the effect lost each year after the program)",
                                    number(x)
                                ),
                                params: dropoff.dependencies().params,
                                variant: v,
                                group: g,
                                year: t,
                                time_in_state: None,
                                origin: Some(origin.clone()),
                            })?;
                        }
                    }
                }
            }
        }

        // Transition rows.
        // Every row that can be read is written below: those of the last year (no one moves
        // on from it) and those of durations longer than the years so far are not, and keep
        // whatever they held.
        fit(&mut self.rows, blocks * s_n * s_n);
        fit(&mut self.tis_rows, blocks * plan.tis_states * h * s_n);
        let mut probs = std::mem::take(&mut self.probs);
        probs.resize(s_n, 0.0);
        let mut episode_time = std::mem::take(&mut self.episode_time);
        episode_time.resize(sc.episodes.len(), 0);
        let mut first_year = std::mem::take(&mut self.first_year);
        first_year.resize(sc.episodes.len(), 0);
        for v in 0..a_n {
            for g in 0..g_n {
                for t in 0..h.saturating_sub(1) {
                    let block = plan.block(v, g, t);
                    for s in 0..s_n {
                        // The arm, subgroup and year whose row this one equals: the first one
                        // (already filled) where the exits read nothing that differs.
                        let reads = plan.row_reads[s];
                        let same = |t_same: usize| {
                            (
                                if reads.arm { v } else { 0 },
                                if reads.subgroup { g } else { 0 },
                                if reads.year { t } else { t_same },
                            )
                        };
                        let row = (block * s_n + s) * s_n;
                        let (sv, sg, st) = same(0);
                        let mut cx = EvalContext {
                            age: age(g, t),
                            ..plan.context(params, v, g, t, 1)
                        };
                        // A state's plain row is its row at duration 1 (as for time in state).
                        if let Some(Clock::Episode(e)) = plan.row_clock[s] {
                            first_year.fill(0);
                            first_year[e] = 1;
                            cx.episode_time = &first_year;
                        }
                        let segment = &f.row[s];
                        // The row's formulas in this arm, subgroup and year are computed
                        // before its first row (at any duration) that is not a copy.
                        let mut in_context = false;
                        if (sv, sg, st) == (v, g, t) {
                            f.program.run_context(segment, &cx, &mut self.slots);
                            in_context = true;
                            f.program.run_duration(segment, &cx, &mut self.slots);
                            let slots = &self.slots;
                            fill_row_from(
                                plan,
                                RowPlace::of(&cx, None),
                                s,
                                |i| slots[f.transition[i] as usize],
                                &mut probs,
                                &mut self.rows[row..row + s_n],
                                inspector,
                            )?;
                        } else {
                            let from = (plan.block(sv, sg, st) * s_n + s) * s_n;
                            self.rows.copy_within(from..from + s_n, row);
                        }
                        if let Some(slot) = plan.tis_slot[s] {
                            let tis_row = |block: usize, tis: u32| {
                                ((block * plan.tis_states + slot) * h + tis as usize - 1) * s_n
                            };
                            // A person can have spent at most t + 1 years in a state by year t;
                            // `tis` years first occur in year tis − 1.
                            for tis in 1..=(t as u32 + 1) {
                                let row = tis_row(block, tis);
                                let (sv, sg, st) = same(tis as usize - 1);
                                if (sv, sg, st) == (v, g, t) {
                                    let mut cx = cx;
                                    match plan.row_clock[s] {
                                        Some(Clock::Episode(e)) => {
                                            episode_time.fill(0);
                                            episode_time[e] = tis;
                                            cx.episode_time = &episode_time;
                                        }
                                        _ => cx.time_in_state = tis,
                                    }
                                    if !in_context {
                                        f.program.run_context(segment, &cx, &mut self.slots);
                                        in_context = true;
                                    }
                                    f.program.run_duration(segment, &cx, &mut self.slots);
                                    let slots = &self.slots;
                                    fill_row_from(
                                        plan,
                                        RowPlace::of(&cx, Some(tis)),
                                        s,
                                        |i| slots[f.transition[i] as usize],
                                        &mut probs,
                                        &mut self.tis_rows[row..row + s_n],
                                        inspector,
                                    )?;
                                } else {
                                    let from = tis_row(plan.block(sv, sg, st), tis);
                                    self.tis_rows.copy_within(from..from + s_n, row);
                                }
                            }
                        }
                    }
                }
            }
        }

        (self.probs, self.episode_time, self.first_year) = (probs, episode_time, first_year);

        // Costs and outcomes: cells that only rules of the parameters write are summed once and
        // copied to every block, unless one of those rules is invalid (then every rule is
        // checked in every block, in order, as the others always are).
        let (n_a, n_o) = (plan.actors, plan.outcomes);
        let amounts = &plan.amounts;
        let once_valid = (amounts.once.iter()).all(|a| self.slots[a.slot as usize].is_finite());
        let (once, per_block) = match once_valid {
            true => (&amounts.once[..], &amounts.per_block[..]),
            false => (&[][..], &amounts.all[..]),
        };
        let widths = [s_n * n_a * 2, s_n * n_a * 2, s_n * n_o, s_n * n_o];
        let mut base = std::mem::take(&mut self.base_block);
        for (b, width) in base.iter_mut().zip(widths) {
            resize(b, width);
        }
        for a in once {
            base[a.table][a.cell] += self.slots[a.slot as usize];
        }
        for (table, width) in self.amount_tables().into_iter().zip(widths) {
            fit(table, blocks * width);
        }
        for v in 0..a_n {
            for g in 0..g_n {
                for t in 0..h {
                    let block = plan.block(v, g, t);
                    for ((table, width), b) in
                        self.amount_tables().into_iter().zip(widths).zip(&base)
                    {
                        table[block * width..(block + 1) * width].copy_from_slice(b);
                    }
                    if per_block.is_empty() {
                        continue;
                    }
                    let cx = EvalContext {
                        age: age(g, t),
                        ..plan.context(params, v, g, t, 1)
                    };
                    f.program
                        .run_context(&amounts.segment, &cx, &mut self.slots);
                    for a in per_block {
                        let x = self.slots[a.slot as usize];
                        if !x.is_finite() {
                            inspector.invalid(a.rule, x, || {
                                amount_violation(sc, a.rule, x, (v, g, t))
                            })?;
                        }
                        let width = widths[a.table];
                        self.amount_tables()[a.table][block * width + a.cell] += x;
                    }
                }
            }
        }
        self.base_block = base;
        self.fill_intakes(plan, params, inspector)
    }

    /// The tables of amounts per block: yearly costs, one-off costs, yearly outcomes, one-off
    /// outcomes (as [`TabledAmount::table`] numbers them).
    fn amount_tables(&mut self) -> [&mut Vec<f64>; 4] {
        [
            &mut self.yearly_cost,
            &mut self.entry_cost,
            &mut self.yearly_outcome,
            &mut self.entry_outcome,
        ]
    }

    /// The people of each intake in this iteration: its count rounded to the nearest whole
    /// number, which must be ≥ 0 and finite.
    fn fill_intakes(
        &mut self,
        plan: &Plan,
        params: &[f64],
        inspector: &mut impl Inspector,
    ) -> Result<(), Violation> {
        self.intake_counts.clear();
        let remainder = plan.groups - 1;
        for (index, intake) in plan.scenario.intakes.iter().enumerate() {
            let x = intake.count.eval(&plan.context(params, 0, remainder, 0, 1));
            let people = match Intake::whole_people(x) {
                Some(n) => n,
                None => {
                    inspector.invalid(Rule::IntakeCount { index }, x, || Violation {
                        message: format!(
                            "the intake of year {} has {} people; a count must be a finite \
                             number ≥ 0 (it is rounded to whole people)",
                            intake.year,
                            number(x)
                        ),
                        params: intake.count.dependencies().params,
                        variant: 0,
                        group: remainder,
                        year: intake.year as usize,
                        time_in_state: None,
                        origin: Some(intake.origin.clone()),
                    })?;
                    0
                }
            };
            self.intake_counts.push(people);
        }
        Ok(())
    }
}

/// The message for an amount rule (`Rule::Cost` or `Rule::Outcome`) whose value `x` is not a
/// finite number in arm variant, subgroup and year `at`.
fn amount_violation(sc: &Scenario, rule: Rule, x: f64, at: (usize, usize, usize)) -> Violation {
    let (message, reads, origin) = match rule {
        Rule::Cost { index } => {
            let r = &sc.costs[index];
            let message = format!(
                "the cost of \"{}\" for \"{}\" is {x}, not a finite number",
                sc.states[r.state], sc.actors[r.actor]
            );
            (message, &r.amount, &r.origin)
        }
        Rule::Outcome { index } => {
            let r = &sc.outcome_rules[index];
            let message = format!(
                "outcome \"{}\" in \"{}\" is {x}, not a finite number",
                sc.outcomes[r.outcome], sc.states[r.state]
            );
            (message, &r.value, &r.origin)
        }
        _ => unreachable!("only costs and outcomes are amounts"),
    };
    Violation {
        message,
        params: reads.dependencies().params,
        variant: at.0,
        group: at.1,
        year: at.2,
        time_in_state: None,
        origin: Some(origin.clone()),
    }
}

/// The tabled costs and outcomes (not those evaluated per person), as they fill a block.
#[derive(Debug, Default)]
pub struct TabledAmounts {
    /// Every tabled rule: costs, then outcomes, each in declaration order.
    pub all: Vec<TabledAmount>,
    /// Those whose cell no rule that reads the arm, subgroup or year writes: summed once per
    /// iteration.
    pub once: Vec<TabledAmount>,
    /// The others, summed in every block.
    pub per_block: Vec<TabledAmount>,
    /// The operations that compute them in a block, beyond the iteration's.
    pub segment: Segment,
    /// Per state, the cost cells (actor × transfer) and the outcome cells some rule writes.
    pub priced: Vec<[Priced; 2]>,
}

/// A tabled cost or outcome: its rule, its formula's slot, and the cell it adds to.
#[derive(Clone, Copy, Debug)]
pub struct TabledAmount {
    pub rule: Rule,
    pub slot: Slot,
    /// The table: 0 yearly costs, 1 one-off costs, 2 yearly outcomes, 3 one-off outcomes.
    pub table: usize,
    /// The cell within a block of that table.
    pub cell: usize,
}

impl TabledAmounts {
    fn new(
        sc: &Scenario,
        f: &TableFormulas,
        person_cost: &[bool],
        person_outcome: &[bool],
    ) -> Self {
        let (n_a, n_o) = (sc.actors.len(), sc.outcomes.len());
        let entry = |accrual: Accrual| usize::from(accrual == Accrual::OnEntry);
        let costs = (sc.costs.iter().enumerate())
            .filter(|(i, _)| !person_cost[*i])
            .map(|(index, r)| TabledAmount {
                rule: Rule::Cost { index },
                slot: f.cost[index],
                table: entry(r.accrual),
                cell: (r.state * n_a + r.actor) * 2 + usize::from(r.transfer),
            });
        let outcomes = (sc.outcome_rules.iter().enumerate())
            .filter(|(i, _)| !person_outcome[*i])
            .map(|(index, r)| TabledAmount {
                rule: Rule::Outcome { index },
                slot: f.outcome[index],
                table: 2 + entry(r.accrual),
                cell: r.state * n_o + r.outcome,
            });
        let all: Vec<TabledAmount> = costs.chain(outcomes).collect();
        let varies = |a: &TabledAmount| f.program.level(a.slot) >= Level::Context;
        let varied_cells: std::collections::HashSet<(usize, usize)> = (all.iter())
            .filter(|a| varies(a))
            .map(|a| (a.table, a.cell))
            .collect();
        let (per_block, once) =
            (all.iter()).partition(|a| varied_cells.contains(&(a.table, a.cell)));
        let slots: Vec<Slot> = all.iter().map(|a| a.slot).collect();
        let mut priced = vec![[Priced::default(); 2]; sc.states.len()];
        for a in &all {
            let (kind, width) = if a.table < 2 { (0, n_a * 2) } else { (1, n_o) };
            priced[a.cell / width][kind].insert(a.cell % width, width);
        }
        TabledAmounts {
            segment: f.program.segment(&slots),
            all,
            once,
            per_block,
            priced,
        }
    }
}

impl TableFormulas {
    /// The value of the formula at `slot` in `cx`, computed by `segment` (which holds it).
    fn evaluate(&self, segment: &Segment, slot: Slot, cx: &EvalContext, slots: &mut [f64]) -> f64 {
        self.program.run_context(segment, cx, slots);
        self.program.run_duration(segment, cx, slots);
        slots[slot as usize]
    }
}

/// Where a transition row is evaluated, for messages: the arm variant, subgroup and year, and
/// the duration the row is tabled by.
#[derive(Clone, Copy, Debug)]
pub struct RowPlace {
    pub variant: usize,
    pub group: usize,
    pub year: usize,
    pub time_in_state: Option<u32>,
}

impl RowPlace {
    /// The place of `cx`, tabled by `tis` if given.
    pub fn of(cx: &EvalContext, tis: Option<u32>) -> Self {
        RowPlace {
            variant: cx.arm,
            group: cx.subgroup,
            year: cx.year as usize,
            time_in_state: tis,
        }
    }
}

/// Evaluates the transitions out of state `s` in the context `cx` and writes the cumulative
/// row: [`fill_row_from`] with the recorded formulas. `tis` is the duration the row is tabled
/// by, for messages.
pub fn fill_row(
    plan: &Plan,
    cx: &EvalContext,
    s: usize,
    tis: Option<u32>,
    probs: &mut [f64],
    row: &mut [f64],
    inspector: &mut impl Inspector,
) -> Result<(), Violation> {
    let sc = plan.scenario;
    let probability = |i: usize| sc.transitions[i].probability.eval(cx);
    fill_row_from(
        plan,
        RowPlace::of(cx, tis),
        s,
        probability,
        probs,
        row,
        inspector,
    )
}

/// Writes the cumulative row out of state `s` from each transition's `probability` (by its
/// index in `scenario.transitions`), checking them: staying fills the gap at position `s`, and
/// the entries from the last state of positive probability on are exactly 1.
pub fn fill_row_from(
    plan: &Plan,
    place: RowPlace,
    s: usize,
    probability: impl Fn(usize) -> f64,
    probs: &mut [f64],
    row: &mut [f64],
    inspector: &mut impl Inspector,
) -> Result<(), Violation> {
    let sc = plan.scenario;
    let (v, g, t, tis) = (place.variant, place.group, place.year, place.time_in_state);
    probs.fill(0.0);
    let mut sum = 0.0;
    // A sum over 1 is only reported when each probability is valid (else it follows).
    let mut valid = true;
    let violation = |message: String, params: Vec<usize>, origin: &SourcePos| Violation {
        message,
        params,
        variant: v,
        group: g,
        year: t,
        time_in_state: tis,
        origin: Some(origin.clone()),
    };
    for &i in &plan.rules_from[s] {
        let rule = &sc.transitions[i];
        let p = probability(i);
        inspector.evaluated(Rule::Transition { index: i }, p);
        if !(0.0..=1.0).contains(&p) {
            valid = false;
            inspector.invalid(Rule::Transition { index: i }, p, || {
                violation(
                    format!(
                        "{}: the probability is {}, outside [0, 1]",
                        sc.describe_transition(rule),
                        number(p)
                    ),
                    rule.probability.dependencies().params,
                    &rule.origin,
                )
            })?;
        }
        probs[rule.to] = p;
        sum += p;
    }
    if valid && sum > 1.0 + 1e-12 {
        let rules = &plan.rules_from[s];
        let probs = &*probs;
        inspector.invalid(Rule::RowSum { state: s }, sum, || {
            let parts: Vec<String> = rules
                .iter()
                .map(|&i| {
                    let r = &sc.transitions[i];
                    format!("\n    {} = {}", sc.describe_transition(r), probs[r.to])
                })
                .collect();
            let mut reads: Vec<usize> = rules
                .iter()
                .flat_map(|&i| sc.transitions[i].probability.dependencies().params)
                .collect();
            reads.sort_unstable();
            reads.dedup();
            violation(
                format!(
                    "the transitions out of \"{}\" add up to {}, more than 1:{}",
                    sc.states[s],
                    number(sum),
                    parts.concat()
                ),
                reads,
                &sc.transitions[rules[0]].origin,
            )
        })?;
    }
    probs[s] = (1.0 - sum).max(0.0);
    let mut acc = 0.0;
    for (cell, p) in row.iter_mut().zip(probs.iter()) {
        acc += p;
        *cell = acc;
    }
    // From the last destination on, exactly 1: rounding leaves no share of the row to a state
    // no transition leads to.
    let last = probs
        .iter()
        .rposition(|&p| p > 0.0)
        .unwrap_or(row.len() - 1);
    row[last..].fill(1.0);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every tabled formula of every shipped scenario, compiled, gives the value of the
    /// recorded formula bit for bit, at low, middle and high parameter values, in every arm,
    /// subgroup and year and at durations 1–3.
    #[test]
    fn compiled_formulas_of_the_shipped_scenarios_equal_the_recorded_ones() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(root.join("scenarios"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "rhai"))
            .collect();
        files.push(root.join("benches/reference.rhai"));
        files.push(root.join("examples/sick_sicker.rhai"));
        assert!(files.len() >= 7, "{files:?}");
        let mut compared = 0_u64;
        for file in &files {
            let sc = crate::script::load_scenario(file).unwrap();
            let plan = Plan::new(&sc);
            let f = &plan.formulas;
            let mut slots = Vec::new();
            for u in [0.05, 0.5, 0.95] {
                let params: Vec<f64> = (sc.parameters.iter())
                    .map(|p| p.distribution.dist.quantile(u))
                    .collect();
                f.program.run_iteration(&params, &mut slots);
                for v in 0..plan.arms {
                    for g in 0..plan.groups {
                        for t in 0..plan.years {
                            let mut cx = plan.context(&params, v, g, t, 1);
                            cx.age = 14.0 + t as f64;
                            let mut same =
                                |e: &Expr, slot: Slot, cx: &EvalContext, slots: &[f64]| {
                                    let (want, got) = (e.eval(cx), slots[slot as usize]);
                                    assert_eq!(want.to_bits(), got.to_bits(), "{file:?}: {e}");
                                    compared += 1;
                                };
                            f.program
                                .run_context(&plan.amounts.segment, &cx, &mut slots);
                            for (i, r) in sc.costs.iter().enumerate() {
                                if !plan.person_cost[i] {
                                    same(&r.amount, f.cost[i], &cx, &slots);
                                }
                            }
                            for (i, r) in sc.outcome_rules.iter().enumerate() {
                                if !plan.person_outcome[i] {
                                    same(&r.value, f.outcome[i], &cx, &slots);
                                }
                            }
                            for (s, rules) in plan.rules_from.iter().enumerate() {
                                f.program.run_context(&f.row[s], &cx, &mut slots);
                                for tis in 1..=3 {
                                    cx.time_in_state = tis;
                                    f.program.run_duration(&f.row[s], &cx, &mut slots);
                                    for &i in rules {
                                        same(
                                            &sc.transitions[i].probability,
                                            f.transition[i],
                                            &cx,
                                            &slots,
                                        );
                                    }
                                }
                                cx.time_in_state = 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(compared > 10_000, "{compared} values compared");
    }

    /// The scenario of a script written in a test.
    fn scenario_of(script: &str) -> crate::scenario::Scenario {
        crate::script::load_scenario_str(script, "t.rhai", std::path::Path::new(".")).unwrap()
    }

    /// Rows shared between arms, subgroups and years (because their rules cannot tell them
    /// apart) equal the rows evaluated one by one.
    #[test]
    fn shared_rows_equal_rows_evaluated_one_by_one() {
        let sc = scenario_of(
            r#"scenario(#{ name: "t", horizon: 6, cohort: 10 });
actor("k");
state("a"); state("b"); state("c");
start(#{ a: 1.0 });
subgroup("hög", 0.4);
let p = param("p", uniform(0.1, 0.2));
intervention("x", #{ startup: 0 });
transition("a", "b", p * effect(0.5, 0.3));                            // arm and year
transition("b", "c", min(0.05 * time_in_state(), 0.5));                 // time in state only
transition("c", "a", if_else(in_subgroup("hög"), 0.2, 0.1) * by_year([1, 0.5]));
transition("c", "b", 0.1);
"#,
        );
        let plan = Plan::new(&sc);
        let mut tables = Tables::default();
        let params = [0.15];
        tables.fill(&plan, &params).unwrap();
        let (s_n, h) = (plan.states, plan.years);
        let mut probs = vec![0.0; s_n];
        let mut row = vec![0.0; s_n];
        for v in 0..plan.arms {
            for g in 0..plan.groups {
                for t in 0..h - 1 {
                    let block = plan.block(v, g, t);
                    for s in 0..s_n {
                        let cx = plan.context(&params, v, g, t, 1);
                        fill_row(&plan, &cx, s, None, &mut probs, &mut row, &mut StopAtFirst)
                            .unwrap();
                        let at = (block * s_n + s) * s_n;
                        assert_eq!(tables.rows[at..at + s_n], row[..], "{v} {g} {t} {s}");
                        if let Some(slot) = plan.tis_slot[s] {
                            for tis in 1..=(t as u32 + 1) {
                                let cx = plan.context(&params, v, g, t, tis);
                                fill_row(
                                    &plan,
                                    &cx,
                                    s,
                                    Some(tis),
                                    &mut probs,
                                    &mut row,
                                    &mut StopAtFirst,
                                )
                                .unwrap();
                                let at =
                                    ((block * plan.tis_states + slot) * h + tis as usize - 1) * s_n;
                                assert_eq!(tables.tis_rows[at..at + s_n], row[..], "tis {tis}");
                            }
                        }
                    }
                }
            }
        }
    }

    /// A row is exactly 1 from its last possible destination on, so rounding in the sum of the
    /// shares before it sends nobody to a state no transition leads to (here "d", after "b"
    /// and "c" on the path out of "a").
    #[test]
    fn no_share_is_left_to_a_state_no_transition_reaches() {
        let sc = scenario_of(
            r#"scenario(#{ name: "t", horizon: 3, cohort: 10 });
actor("k");
state("a"); state("b"); state("c"); state("d");
start(#{ a: 1.0 });
intervention("x", #{ startup: 0 });
transition("a", "b", 0.3);
transition("a", "c", 0.09); // 0.61 + 0.3 + 0.09 rounds to 1 − 2^-53
"#,
        );
        let plan = Plan::new(&sc);
        let mut tables = Tables::default();
        tables.fill(&plan, &[]).unwrap();
        let row = tables.row(&plan, plan.block(0, 0, 0), 0, 1);
        let stay = 1.0 - 0.3 - 0.09;
        assert!(stay + 0.3 + 0.09 < 1.0, "the case rounds below 1");
        assert_eq!(row[0], stay);
        assert_eq!(row[1], stay + 0.3);
        assert_eq!(row[2..], [1.0, 1.0], "{row:?}");
    }
}
