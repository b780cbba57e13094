//! The scenario language: every function a script can call, and the builder they fill.
//! docs/scripting.md documents each of them for analysts.

use super::diagnostic;
use crate::dist::{Distribution, DistributionSpec};
use crate::error::{amount as amount_text, number};
use crate::expr::{BinaryOp, Expr, Node, UnaryOp};
use crate::scenario::{
    Accrual, Arm, Attribute, Composition, CostRule, DEFAULT_BASELINE, DEFAULT_SOCIETY, Described,
    Episode, Intake, Labels, OutcomeRule, Parameter, Perspective, Program, REMAINDER_GROUP,
    RankCorrelation, Scenario, ScenarioTexts, SourcePos, StartAge, Subgroup, TEXT_LANGUAGES,
    TransitionRule,
};
use rhai::{Array, Dynamic, Engine, EvalAltResult, FLOAT, INT, Map, NativeCallContext};
use std::sync::{Arc, Mutex, MutexGuard};

#[path = "models.rs"]
pub(super) mod models;

type FnResult<T> = Result<T, Box<EvalAltResult>>;

/// The model as declared so far, shared by the registered functions.
#[derive(Clone)]
pub struct SharedBuilder(Arc<Mutex<Builder>>);

#[derive(Default)]
struct Builder {
    file: String,
    source_hash: String,
    notes: String,
    settings: Option<Settings>,
    actors: Vec<String>,
    actor_origins: Vec<SourcePos>,
    perspectives: Vec<Perspective>,
    states: Vec<String>,
    state_origins: Vec<SourcePos>,
    /// Starting shares for everyone without a subgroup start of their own.
    start: Option<Vec<Expr>>,
    /// The people per state of `start_counts(...)` for everyone, if it was used.
    start_counts: Option<Vec<u32>>,
    /// Where a count (`subgroup_count`, `start_counts`) was first used: counts make the
    /// composition exact.
    counts_used_at: Option<SourcePos>,
    /// Whether an intervention named the states it is given in (later states would be missing).
    given_in_named: bool,
    subgroups: Vec<DeclaredSubgroup>,
    /// The start age for everyone without one of their own (`start_age(x)`).
    start_age: Option<StartAge>,
    parameters: Vec<Parameter>,
    attributes: Vec<Attribute>,
    episodes: Vec<Episode>,
    correlations: Vec<RankCorrelation>,
    baseline: Option<String>,
    interventions: Vec<Arm>,
    transitions: Vec<TransitionRule>,
    costs: Vec<CostRule>,
    outcomes: Vec<String>,
    outcome_rules: Vec<OutcomeRule>,
    labels: Labels,
    /// The intakes of an open cohort, in declaration order.
    intakes: Vec<Intake>,
    /// States whose whole row a row function (`dirichlet_row`, `competing_rates`) declared:
    /// (state, where, function); no other transition may leave them.
    whole_rows: Vec<(usize, SourcePos, &'static str)>,
}

struct Settings {
    /// The name, description and target group, in Swedish and, where given, in English.
    texts: ScenarioTexts,
    texts_en: Option<ScenarioTextsGiven>,
    currency: String,
    price_year: Option<i64>,
    first_year: Option<i32>,
    horizon: u32,
    discount_rate: f64,
    outcome_discount_rate: f64,
    /// `None` where the script declares intakes instead.
    cohort: Option<u32>,
    composition: Option<Composition>,
    /// `decision_perspective`, as written (checked once perspectives and actors are known).
    decision_perspective: Option<String>,
    /// Where `scenario(...)` is called.
    origin: SourcePos,
}

struct DeclaredSubgroup {
    name: String,
    share: f64,
    /// The known number of people, for `subgroup_count`.
    count: Option<u32>,
    start: Option<Vec<Expr>>,
    /// The people per state of its `start_counts(...)`, if used.
    start_counts: Option<Vec<u32>>,
    start_age: Option<StartAge>,
}

impl SharedBuilder {
    pub fn new(file: &str, source: &str) -> Self {
        SharedBuilder(Arc::new(Mutex::new(Builder {
            file: file.to_string(),
            notes: leading_comments(source),
            ..Builder::default()
        })))
    }

    /// Sets the content hash of every file the script read (see `script::source_hash`).
    pub fn set_source_hash(&self, hash: String) {
        self.lock().source_hash = hash;
    }

    fn lock(&self) -> MutexGuard<'_, Builder> {
        self.0.lock().unwrap_or_else(|poison| poison.into_inner())
    }

    /// Validates what the script declared and returns the scenario.
    pub fn finish(&self) -> Result<Scenario, String> {
        let mut b = self.lock();
        let file = b.file.clone();
        let missing = |what: &str| format!("{file}: {what}");
        let settings = b.settings.take().ok_or_else(|| {
            missing("the script never calls scenario(#{ name: ..., horizon: ..., cohort: ... })")
        })?;
        if b.states.is_empty() {
            return Err(missing("no states: declare them with state(\"name\")"));
        }
        if b.actors.is_empty() {
            return Err(missing(
                "no actors: declare who carries costs with actor(\"kommun\")",
            ));
        }
        if b.interventions.is_empty() {
            return Err(missing(
                "no intervention: declare one with intervention(\"name\", #{ ... })",
            ));
        }
        let composition = match (settings.composition, &b.counts_used_at) {
            (Some(Composition::Drawn), Some(at)) => {
                return Err(format!(
                    "{at}: counts (subgroup_count, start_counts) are known numbers, but the \
                     scenario says composition: \"drawn\"; remove one of the two"
                ));
            }
            (Some(c), _) => c,
            (None, Some(_)) => Composition::Exact,
            (None, None) => Composition::Drawn,
        };
        let cohort = cohort_or_intakes(&mut b, &settings)?;
        check_counts(&b, cohort).map_err(|e| missing(&e))?;
        let total_share: f64 = b.subgroups.iter().map(|g| g.share).sum();
        if total_share > 1.0 + 1e-9 {
            return Err(missing(&format!(
                "the subgroups' shares add up to {}, more than 1",
                number(total_share)
            )));
        }
        let mut subgroups = Vec::new();
        for g in b.subgroups.drain(..).collect::<Vec<_>>() {
            let start_counts = g
                .start_counts
                .clone()
                .or_else(|| g.start.is_none().then(|| b.start_counts.clone()).flatten());
            let start = g.start.or_else(|| b.start.clone()).ok_or_else(|| {
                missing(&format!(
                    "subgroup \"{}\" has no starting shares: call start(#{{...}}) for everyone \
                     or start(#{{...}}, \"{}\")",
                    g.name, g.name
                ))
            })?;
            subgroups.push(Subgroup {
                name: g.name,
                share: g.share,
                start,
                count: g.count,
                start_counts,
                start_age: g.start_age.or_else(|| b.start_age.clone()),
            });
        }
        let rest_start = b
            .start
            .clone()
            .ok_or_else(|| missing("no starting shares: call start(#{ \"state\": share, ... })"))?;
        let counted: Option<u32> = subgroups.iter().map(|g| g.count).sum();
        subgroups.push(Subgroup {
            name: REMAINDER_GROUP.to_string(),
            share: (1.0 - total_share).max(0.0),
            start: rest_start,
            // With intakes no count is known: each intake is split by the shares.
            count: counted.filter(|_| b.intakes.is_empty()).map(|c| cohort - c),
            start_counts: b.start_counts.clone(),
            start_age: b.start_age.clone(),
        });
        check_durations_and_ages(&b, &subgroups)?;
        if !b.perspectives.iter().any(|p| p.exclude_transfers) {
            let all = (0..b.actors.len()).collect();
            b.perspectives.push(Perspective {
                name: DEFAULT_SOCIETY.to_string(),
                actors: all,
                exclude_transfers: true,
            });
        }
        let decision_perspective = match &settings.decision_perspective {
            None => None,
            Some(name) => {
                crate::scenario::decision_perspective_among(name, &b.perspectives, &b.actors)
                    .map_err(|e| format!("{}: scenario {e}", settings.origin))?
            }
        };
        check_size(&b, subgroups.len(), settings.horizon).map_err(|m| missing(&m))?;
        let mut arms = vec![Arm {
            name: b
                .baseline
                .clone()
                .unwrap_or_else(|| DEFAULT_BASELINE.into()),
            program: None,
        }];
        arms.append(&mut b.interventions);
        // Interventions declared before some states are given in those too (by default
        // a program is given in every state; a named list forbids later states).
        let n_states = b.states.len();
        for p in arms.iter_mut().filter_map(|a| a.program.as_mut()) {
            p.given_in.resize(n_states, true);
        }
        let correlated_groups = crate::sim::correlation::groups(&b.parameters, &b.correlations)?;
        let mut translations = indexmap::IndexMap::new();
        if let Some(en) = settings.texts_en {
            translations.insert("en".to_string(), en.or(&settings.texts));
        }
        Ok(Scenario {
            name: settings.texts.name,
            description: settings.texts.description,
            target_group: settings.texts.target_group,
            translations,
            currency: settings.currency,
            price_year: settings.price_year,
            first_year: settings.first_year,
            horizon: settings.horizon,
            discount_rate: settings.discount_rate,
            outcome_discount_rate: settings.outcome_discount_rate,
            cohort,
            intakes: std::mem::take(&mut b.intakes),
            composition,
            actors: std::mem::take(&mut b.actors),
            actor_origins: std::mem::take(&mut b.actor_origins),
            perspectives: std::mem::take(&mut b.perspectives),
            decision_perspective,
            states: std::mem::take(&mut b.states),
            state_origins: std::mem::take(&mut b.state_origins),
            subgroups,
            parameters: std::mem::take(&mut b.parameters),
            attributes: std::mem::take(&mut b.attributes),
            episodes: std::mem::take(&mut b.episodes),
            correlations: std::mem::take(&mut b.correlations),
            correlated_groups,
            arms,
            transitions: std::mem::take(&mut b.transitions),
            costs: std::mem::take(&mut b.costs),
            outcomes: std::mem::take(&mut b.outcomes),
            outcome_rules: std::mem::take(&mut b.outcome_rules),
            file,
            source_hash: b.source_hash.clone(),
            notes: b.notes.clone(),
            labels: std::mem::take(&mut b.labels),
            sources: Vec::new(),
        })
    }
}

/// Refuses what the engine cannot table: the exits of a state reading two durations (time in
/// state and an episode's time, or two episodes), and `age()` read where a subgroup has no
/// start age. Messages point at the rule.
fn check_durations_and_ages(b: &Builder, subgroups: &[Subgroup]) -> Result<(), String> {
    let duration_names = |state: usize, d: &crate::expr::Dependencies| -> Vec<String> {
        let mut names = Vec::new();
        if d.time_in_state {
            names.push("time_in_state()".to_string());
        }
        for &e in &d.episodes {
            if b.episodes[e].states[state] {
                names.push(format!("time_in_episode(\"{}\")", b.episodes[e].name));
            }
        }
        names
    };
    for s in 0..b.states.len() {
        let mut read: Vec<String> = Vec::new();
        for r in b.transitions.iter().filter(|r| r.from == s) {
            for name in duration_names(s, &r.probability.dependencies()) {
                if !read.contains(&name) {
                    read.push(name);
                }
            }
            if read.len() > 1 {
                return Err(format!(
                    "{}: the transitions out of \"{}\" read {} and {}; the exits of one state \
                     may read one duration: use one of them in all of its exits",
                    r.origin, b.states[s], read[0], read[1]
                ));
            }
        }
    }
    let reads_age = b
        .transitions
        .iter()
        .map(|r| (&r.probability, &r.origin))
        .chain(b.costs.iter().map(|r| (&r.amount, &r.origin)))
        .chain(b.outcome_rules.iter().map(|r| (&r.value, &r.origin)))
        .find(|(e, _)| e.dependencies().age);
    if let Some((_, at)) = reads_age
        && let Some(g) = subgroups.iter().find(|g| g.start_age.is_none())
    {
        let whom = if g.name == REMAINDER_GROUP {
            "everyone".to_string()
        } else {
            format!("subgroup \"{}\"", g.name)
        };
        return Err(format!(
            "{at}: age() needs the age people start at, and {whom} has none: call \
             start_age(15) for everyone, or start_age(15, \"subgroup\") per subgroup \
             (a distribution such as uniform(13, 16) draws it per person)"
        ));
    }
    Ok(())
}

/// An error if a formula that is the same for every person of a subgroup (start shares,
/// program amounts, start ages) reads a value of the person.
fn refuse_person_values(ctx: &NativeCallContext, what: &str, e: &Expr) -> FnResult<()> {
    let d = e.dependencies();
    let read = if d.attributes {
        Some("an attribute")
    } else if !d.episodes.is_empty() {
        Some("time_in_episode(...)")
    } else if d.time_in_state {
        Some("time_in_state()")
    } else if d.age {
        Some("age()")
    } else {
        None
    };
    match read {
        Some(read) => Err(fail(
            ctx,
            format!(
                "{what} cannot read {read}: it is one value for everyone it applies to; \
                 person values are for transitions, costs and outcomes"
            ),
        )),
        None => Ok(()),
    }
}

impl Builder {
    /// Adds a rank correlation between two declared parameters.
    fn add_correlation(
        &mut self,
        ctx: &NativeCallContext,
        first: &str,
        second: &str,
        spearman: f64,
    ) -> FnResult<()> {
        let index =
            |name: &str| -> FnResult<usize> {
                let i = self.parameters.iter().position(|p| p.name == name).ok_or_else(|| {
                fail(
                    ctx,
                    format!(
                        "correlate: no parameter \"{name}\" is declared yet\nhelp: declare it \
                         with param(\"{name}\", ...) before correlating it"
                    ),
                )
            })?;
                if self.parameters[i].distribution.dist.is_fixed() {
                    return Err(fail(
                        ctx,
                        format!(
                            "correlate: parameter \"{name}\" is fixed ({}); only uncertain \
                         parameters can be correlated",
                            self.parameters[i].distribution
                        ),
                    ));
                }
                Ok(i)
            };
        let (a, b) = (index(first)?, index(second)?);
        if a == b {
            return Err(fail(
                ctx,
                format!("correlate: \"{first}\" with itself; name two different parameters"),
            ));
        }
        if !(spearman > -1.0 && spearman < 1.0) {
            return Err(fail(
                ctx,
                format!(
                    "correlate: the rank correlation must lie strictly between -1 and 1, got {}",
                    number(spearman)
                ),
            ));
        }
        let (first_index, second_index) = (a.min(b), a.max(b));
        if self
            .correlations
            .iter()
            .any(|c| c.first == first_index && c.second == second_index)
        {
            return Err(fail(
                ctx,
                format!("correlate: \"{first}\" and \"{second}\" are correlated twice"),
            ));
        }
        let origin = origin(ctx, self);
        self.correlations.push(RankCorrelation {
            first: first_index,
            second: second_index,
            spearman,
            origin,
        });
        Ok(())
    }

    /// Notes where a count was first used: counts make the composition exact.
    fn mark_counts_used(&mut self, ctx: &NativeCallContext) {
        if self.counts_used_at.is_none() {
            self.counts_used_at = Some(origin(ctx, self));
        }
    }

    /// Declares a subgroup with its share (and its known size, from `subgroup_count`).
    fn add_subgroup(
        &mut self,
        ctx: &NativeCallContext,
        name: &str,
        share: f64,
        count: Option<u32>,
    ) -> FnResult<()> {
        if name == REMAINDER_GROUP
            || self
                .subgroups
                .iter()
                .any(|g| diagnostic::same_name(&g.name, name))
        {
            return Err(fail(ctx, format!("subgroup \"{name}\" is declared twice")));
        }
        if count.is_some() {
            self.mark_counts_used(ctx);
        }
        self.subgroups.push(DeclaredSubgroup {
            name: name.to_string(),
            share,
            count,
            start: None,
            start_counts: None,
            start_age: None,
        });
        Ok(())
    }

    /// Sets the starting shares (and counts, from `start_counts`) of everyone (`group` None)
    /// or of one subgroup; each may be set once.
    fn set_start(
        &mut self,
        ctx: &NativeCallContext,
        group: Option<&str>,
        shares: Vec<Expr>,
        counts: Option<Vec<u32>>,
    ) -> FnResult<()> {
        let (start, start_counts) = match group {
            None => {
                if self.start.is_some() {
                    return Err(fail(ctx, "start(...) for everyone is called twice"));
                }
                (&mut self.start, &mut self.start_counts)
            }
            Some(group) => {
                let names: Vec<String> = self.subgroups.iter().map(|g| g.name.clone()).collect();
                let i = lookup(ctx, "subgroup", &names, group)?;
                if self.subgroups[i].start.is_some() {
                    return Err(fail(
                        ctx,
                        format!("start(..., \"{group}\") is called twice"),
                    ));
                }
                let g = &mut self.subgroups[i];
                (&mut g.start, &mut g.start_counts)
            }
        };
        *start = Some(shares);
        let counted = counts.is_some();
        *start_counts = counts;
        if counted {
            self.mark_counts_used(ctx);
        }
        Ok(())
    }
}

/// The target group's size: the scenario's `cohort`, or with intakes (which replace it) the
/// total of those within the horizon at the parameters' medians. Sorts the intakes by calendar
/// year (stably: intakes of one year keep their order).
fn cohort_or_intakes(b: &mut Builder, settings: &Settings) -> Result<u32, String> {
    let Some(first) = b.intakes.first() else {
        return settings.cohort.ok_or_else(|| {
            format!(
                "{}: scenario: `cohort` (the number of people in the target group) is required\n\
                 help: write cohort: 100 in scenario(#{{ ... }}), or declare the intakes of an \
                 open cohort with intake(year, count)",
                settings.origin
            )
        });
    };
    if let Some(cohort) = settings.cohort {
        return Err(format!(
            "{}: intake(...): the scenario also gives cohort: {cohort}; with intakes the target \
             group is the people of all intakes\nhelp: remove `cohort` from scenario(#{{ ... }}) \
             ({})",
            first.origin, settings.origin
        ));
    }
    if let Some(at) = &b.counts_used_at {
        return Err(format!(
            "{at}: counts (subgroup_count, start_counts) fix the people of one cohort, but the \
             scenario has intakes\nhelp: give the subgroups shares (subgroup(name, share), \
             start(...)); composition: \"exact\" splits each intake by the shares"
        ));
    }
    b.intakes.sort_by_key(|i| i.year);
    let medians: Vec<f64> = b
        .parameters
        .iter()
        .map(|p| p.distribution.dist.median())
        .collect();
    let cx = crate::expr::EvalContext::of_parameters(&medians, 0);
    let total: f64 = b
        .intakes
        .iter()
        .filter(|i| i.year < settings.horizon)
        .map(|i| Intake::whole_people(i.count.eval(&cx)).map_or(0.0, f64::from))
        .sum();
    Ok(total.min(f64::from(u32::MAX)) as u32)
}

/// Checks that the counts given with `subgroup_count` and `start_counts` add up: the subgroups
/// to at most the cohort, and each group's starting counts to the group's size, which must be
/// known (a counted subgroup, or the people outside the subgroups when every subgroup is
/// counted).
fn check_counts(b: &Builder, cohort: u32) -> Result<(), String> {
    let people = |c: &[u32]| c.iter().map(|&x| u64::from(x)).sum::<u64>();
    let counted: u64 = b
        .subgroups
        .iter()
        .filter_map(|g| g.count)
        .map(u64::from)
        .sum();
    if counted > u64::from(cohort) {
        return Err(format!(
            "the subgroups' counts add up to {counted} people, more than the cohort of {cohort}"
        ));
    }
    let all_counted = b.subgroups.iter().all(|g| g.count.is_some());
    let rest = all_counted.then(|| u64::from(cohort) - counted);
    let groups = b
        .subgroups
        .iter()
        .map(|g| {
            let counts = g.start_counts.as_ref().or(if g.start.is_none() {
                b.start_counts.as_ref()
            } else {
                None
            });
            (g.name.as_str(), g.count.map(u64::from), counts)
        })
        .chain(std::iter::once((
            REMAINDER_GROUP,
            rest,
            b.start_counts.as_ref(),
        )));
    for (name, size, counts) in groups {
        let Some(counts) = counts else { continue };
        let n = people(counts);
        match size {
            Some(size) if size == n => {}
            Some(size) => {
                return Err(format!(
                    "the starting counts of \"{name}\" add up to {n} people, but the group has \
                     {size}"
                ));
            }
            None if name == REMAINDER_GROUP => {
                return Err(format!(
                    "start_counts(#{{...}}) counts {n} people outside the subgroups, but their \
                     number is only known when every subgroup is given with \
                     subgroup_count(name, people)"
                ));
            }
            None => {
                return Err(format!(
                    "subgroup \"{name}\" is given as a share, so its size is not known: give it \
                     with subgroup_count(\"{name}\", {n}) to count its starting states"
                ));
            }
        }
    }
    Ok(())
}

/// The most uncertain parameters a scenario may declare (each is drawn every iteration and
/// takes part in every sensitivity analysis).
pub const MAX_PARAMETERS: usize = 1_000;

/// The most numbers an iteration's tables may hold (8 bytes each, about 160 MB): transition rows,
/// rows by time in state, costs and outcomes, for every arm, subgroup and year.
pub const MAX_TABLE_CELLS: u128 = 20_000_000;

/// Refuses a model too large to simulate, saying what to make smaller; `groups` counts the
/// remainder group. The cell count follows the layout in `sim::tables`.
fn check_size(b: &Builder, groups: usize, horizon: u32) -> Result<(), String> {
    if b.parameters.len() > MAX_PARAMETERS {
        return Err(format!(
            "{} parameters are more than the {MAX_PARAMETERS} a scenario may have; fix the \
             minor ones with fixed(...) values or combine them",
            b.parameters.len()
        ));
    }
    let n = |x: usize| x as u128;
    let states = n(b.states.len());
    let years = n(horizon as usize);
    let blocks = n(b.interventions.len() + 1) * n(groups) * years;
    // States whose rows are tabled by a duration: time in state or an episode they belong to.
    let tis_states = n((0..b.states.len())
        .filter(|&s| {
            b.transitions.iter().any(|r| {
                let d = r.probability.dependencies();
                r.from == s
                    && (d.time_in_state || d.episodes.iter().any(|&e| b.episodes[e].states[s]))
            })
        })
        .count());
    let per_block = states * states
        + 4 * states * n(b.actors.len())
        + 2 * states * n(b.outcomes.len())
        + tis_states * years * states;
    let cells = blocks * per_block;
    if cells > MAX_TABLE_CELLS {
        return Err(format!(
            "the model is too large to simulate: its tables would hold {} numbers per \
             iteration, more than {} (about {} MB). They grow with arms × \
             subgroups × years × states² (here {} × {} × {years} × {states}²), and with \
             time_in_state() in the exits of {tis_states} states by another factor of years; \
             use fewer states, a shorter horizon, fewer arms or subgroups",
            super::count(usize::try_from(cells).unwrap_or(usize::MAX)),
            super::count(MAX_TABLE_CELLS as usize),
            MAX_TABLE_CELLS * 8 / 1_000_000,
            b.interventions.len() + 1,
            groups,
        ));
    }
    Ok(())
}

/// The `//` comment lines at the top of a script, without the markers (rulers of `=`/`-` dropped).
fn leading_comments(source: &str) -> String {
    let mut lines = Vec::new();
    for line in source.lines() {
        let t = line.trim();
        if t.is_empty() {
            if lines.is_empty() {
                continue;
            }
            break;
        }
        let Some(text) = t.strip_prefix("//") else {
            break;
        };
        let text = text.strip_prefix(' ').unwrap_or(text).trim_end();
        if !text.is_empty() && text.chars().all(|c| c == '=' || c == '-') {
            continue;
        }
        lines.push(text.to_string());
    }
    lines.join("\n")
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the registered functions

/// An error at the call: `message` is the headline, and may go on with lines `help: ...` that
/// say what to write instead (see `diagnostic::render`).
fn fail(ctx: &NativeCallContext, message: impl Into<String>) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(message.into().into(), ctx.call_position()).into()
}

/// A value's kind in the scenario language's words, with the value where it helps:
/// "the text \"0.1\"", "a list", "the distribution normal(1, 2)".
fn kind_of(v: &Dynamic) -> String {
    if let Some(d) = v.clone().try_cast::<DistributionSpec>() {
        format!("the distribution {d}")
    } else if let Ok(x) = v.as_float() {
        format!("the number {}", number(x))
    } else if let Ok(i) = v.as_int() {
        format!("the number {i}")
    } else if v.is_string() {
        format!("the text \"{v}\"")
    } else if v.is_array() {
        "a list [...]".to_string()
    } else if v.is_map() {
        "a map #{...}".to_string()
    } else if v.is_bool() {
        format!("the truth value `{v}`")
    } else if v.is_char() {
        format!("the character '{v}'")
    } else if v.is_unit() {
        "`()`, which has no value".to_string()
    } else if v.is::<Expr>() {
        "a formula of parameters".to_string()
    } else if v.is_fnptr() {
        "a function".to_string()
    } else if v.is_int() || v.is_float() {
        format!("the number {v}")
    } else {
        "a value that is not a number".to_string()
    }
}

/// The error for a distribution where a number or formula is expected: name it with param.
fn distribution_here(
    ctx: &NativeCallContext,
    what: &str,
    v: &Dynamic,
) -> Option<Box<EvalAltResult>> {
    let d = v.clone().try_cast::<DistributionSpec>()?;
    let call = d.written.split('(').next().unwrap_or_default().to_string();
    Some(fail(
        ctx,
        format!(
            "{what}: {d} is a distribution, not a number or a formula\nhelp: {call}(...) is a \
             distribution: give it a name with param(\"name\", {call}(...)), as in \
             let x = param(\"x\", {d}); and use x here"
        ),
    ))
}

fn origin(ctx: &NativeCallContext, b: &Builder) -> SourcePos {
    let pos = ctx.call_position();
    SourcePos {
        file: ctx
            .call_source()
            .map(str::to_string)
            .unwrap_or_else(|| b.file.clone()),
        line: pos.line().unwrap_or(0),
        column: pos.position().unwrap_or(0),
    }
}

/// A number or a formula, as an expression.
fn to_expr(ctx: &NativeCallContext, what: &str, v: &Dynamic) -> FnResult<Expr> {
    if let Some(e) = v.clone().try_cast::<Expr>() {
        Ok(e)
    } else if let Ok(x) = v.as_float() {
        Ok(Expr::constant(x))
    } else if let Ok(i) = v.as_int() {
        Ok(Expr::constant(i as f64))
    } else if v.is_bool() {
        Err(fail(
            ctx,
            format!(
                "{what}: expected a number or a formula of parameters, got the truth value `{v}`; \
                 write a number such as 1 or 0.15"
            ),
        ))
    } else if v.is_unit() {
        Err(fail(
            ctx,
            format!(
                "{what}: `()` has no value; did you forget the parentheses of a function, as in \
                 `year()`?"
            ),
        ))
    } else if let Some(e) = distribution_here(ctx, what, v) {
        Err(e)
    } else {
        let unquoted = v
            .clone()
            .into_string()
            .ok()
            .filter(|t| t.trim().parse::<f64>().is_ok())
            .map(|t| format!("\nhelp: a number has no quotes: write {}", t.trim()))
            .unwrap_or_default();
        Err(fail(
            ctx,
            format!(
                "{what}: expected a number or a formula of parameters, got {}{unquoted}",
                kind_of(v)
            ),
        ))
    }
}

/// An intake's number of people: a plain number (a whole number ≥ 0) or a formula that reads
/// parameters only (rounded in each iteration).
fn intake_count(ctx: &NativeCallContext, what: &str, v: &Dynamic) -> FnResult<Expr> {
    let e = to_expr(ctx, what, v)?;
    if let Some(x) = e.as_constant() {
        if Intake::whole_people(x).is_none_or(|n| f64::from(n) != x) {
            return Err(fail(
                ctx,
                format!(
                    "{what}: expected a whole number of people ≥ 0, got {}",
                    number(x)
                ),
            ));
        }
        return Ok(e);
    }
    let reads = e.dependencies();
    let params_only = crate::expr::Dependencies {
        params: reads.params.clone(),
        ..Default::default()
    };
    if reads != params_only {
        return Err(fail(
            ctx,
            format!(
                "{what}: the formula reads the year, the arm, the subgroup or the time in state; \
                 an intake's count is drawn once per iteration and may read parameters only"
            ),
        ));
    }
    Ok(e)
}

/// A condition: a number, a formula, or a truth value of plain rhai (`true` is 1).
fn to_condition(ctx: &NativeCallContext, what: &str, v: &Dynamic) -> FnResult<Expr> {
    match v.as_bool() {
        Ok(b) => Ok(Expr::constant(if b { 1.0 } else { 0.0 })),
        Err(_) => to_expr(ctx, what, v),
    }
}

/// A formula made by the script, refused where it grows past the engine's limits on size and
/// depth (which evaluating and printing it rely on).
fn checked(ctx: &NativeCallContext, e: Expr) -> FnResult<Expr> {
    e.check_limits().map_err(|m| fail(ctx, m))?;
    Ok(e)
}

/// `lookup(values, index)`, folded when the index is a plain number.
fn lookup_expr(
    ctx: &NativeCallContext,
    what: &str,
    values: &rhai::Array,
    index: Expr,
) -> FnResult<Expr> {
    if values.is_empty() {
        return Err(fail(ctx, format!("{what}: the list of values is empty")));
    }
    let values = values
        .iter()
        .enumerate()
        .map(|(i, v)| to_expr(ctx, &format!("{what}: value {i} of the list"), v))
        .collect::<FnResult<Vec<Expr>>>()?;
    if let Some(i) = index.as_constant() {
        return match crate::expr::lookup_position(i, values.len()) {
            Some(k) => Ok(values[k].clone()),
            None => Err(fail(ctx, format!("{what}: the index is not a number"))),
        };
    }
    checked(ctx, Expr::new(Node::Lookup(values, index)))
}

/// A plain number (no parameters).
fn to_number(ctx: &NativeCallContext, what: &str, v: &Dynamic) -> FnResult<f64> {
    if let Ok(x) = v.as_float() {
        Ok(x)
    } else if let Ok(i) = v.as_int() {
        Ok(i as f64)
    } else if v.is::<Expr>() {
        Err(fail(
            ctx,
            format!("{what}: must be a plain number here, not a formula of parameters"),
        ))
    } else if v.is_unit() {
        Err(fail(
            ctx,
            format!("{what}: `()` has no value; did you forget the parentheses of a function?"),
        ))
    } else if let Some(e) = distribution_here(ctx, what, v) {
        Err(e)
    } else {
        Err(fail(
            ctx,
            format!("{what}: expected a number, got {}", kind_of(v)),
        ))
    }
}

fn to_whole(ctx: &NativeCallContext, what: &str, v: &Dynamic, min: i64) -> FnResult<u32> {
    let x = to_number(ctx, what, v)?;
    if x.fract() != 0.0 || x < min as f64 || x > f64::from(u32::MAX) {
        return Err(fail(
            ctx,
            format!("{what}: expected a whole number ≥ {min}, got {}", number(x)),
        ));
    }
    Ok(x as u32)
}

/// The English texts a scenario gives, each where given.
struct ScenarioTextsGiven {
    name: Option<String>,
    description: Option<String>,
    target_group: Option<String>,
}

impl ScenarioTextsGiven {
    /// The texts, the Swedish ones where no English is given (but no Swedish target group:
    /// an English report then says "people").
    fn or(self, swedish: &ScenarioTexts) -> ScenarioTexts {
        ScenarioTexts {
            name: self.name.unwrap_or_else(|| swedish.name.clone()),
            description: self
                .description
                .unwrap_or_else(|| swedish.description.clone()),
            target_group: self.target_group,
        }
    }
}

/// A text in one language (the same in every language), or per language as
/// `#{ sv: "…", en: "…" }` (Swedish required): the Swedish text and the English one if given.
fn in_languages(
    ctx: &NativeCallContext,
    what: &str,
    v: &Dynamic,
) -> FnResult<(String, Option<String>)> {
    let Some(map) = v.read_lock::<Map>() else {
        return Ok((to_string(ctx, what, v)?, None));
    };
    for key in map.keys() {
        if !TEXT_LANGUAGES.contains(&key.as_str()) {
            return Err(fail(
                ctx,
                format!(
                    "{what}: \"{key}\" is not a language of the report; give the text in \
                     Swedish as sv and, if you like, in English as en, e.g. \
                     #{{ sv: \"Familjestöd\", en: \"Family support\" }}"
                ),
            ));
        }
    }
    let text = |lang: &str| -> FnResult<Option<String>> {
        map.get(lang)
            .map(|t| to_string(ctx, &format!("{what} ({lang})"), t))
            .transpose()
    };
    let Some(swedish) = text("sv")? else {
        return Err(fail(
            ctx,
            format!(
                "{what}: the Swedish text is missing; add sv: \"…\" (the scenario's own \
                 language; en is the English one)"
            ),
        ));
    };
    Ok((swedish, text("en")?))
}

fn to_string(ctx: &NativeCallContext, what: &str, v: &Dynamic) -> FnResult<String> {
    v.clone().into_string().map_err(|_| {
        fail(
            ctx,
            format!("{what}: expected text in quotes, got {}", kind_of(v)),
        )
    })
}

fn check_keys(ctx: &NativeCallContext, what: &str, map: &Map, allowed: &[&str]) -> FnResult<()> {
    for key in map.keys() {
        if !allowed.contains(&key.as_str()) {
            let guess = diagnostic::closest(key, allowed.iter().copied())
                .map(|near| format!(": did you mean `{near}`?"))
                .unwrap_or_default();
            return Err(fail(
                ctx,
                format!(
                    "{what}: unknown key `{key}`{guess}\nhelp: the keys are: {}",
                    allowed.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// The optional map of a declaration (`#{ label: "...", unit: "..." }`), with only the keys
/// `allowed`, each a non-empty text.
fn described(
    ctx: &NativeCallContext,
    what: &str,
    map: &Map,
    allowed: &[&str],
) -> FnResult<Described> {
    check_keys(ctx, what, map, allowed)?;
    let text = |key: &str| -> FnResult<Option<String>> {
        let Some(v) = map.get(key) else {
            return Ok(None);
        };
        let t = to_string(ctx, &format!("{what} {key}"), v)?;
        if t.trim().is_empty() {
            return Err(fail(
                ctx,
                format!("{what} {key}: the text is empty; write one or leave the key out"),
            ));
        }
        Ok(Some(t))
    };
    Ok(Described {
        label: text("label")?,
        unit: text("unit")?,
        source: text("source")?,
    })
}

/// Refuses a declaration that would be shown as another of its kind is (the same label, or a
/// label that is another's name): two rows of a table would read the same.
fn distinct_display(
    ctx: &NativeCallContext,
    kind: &str,
    names: &[String],
    labels: &indexmap::IndexMap<String, Described>,
    name: &str,
    about: &Described,
) -> FnResult<()> {
    let shown = about.label.as_deref().unwrap_or(name);
    for other in names.iter().filter(|o| *o != name) {
        let other_shown = labels
            .get(other)
            .and_then(|d| d.label.as_deref())
            .unwrap_or(other);
        if other_shown == shown {
            return Err(fail(
                ctx,
                format!(
                    "{kind} \"{name}\" would be shown as \"{shown}\", as {kind} \"{other}\" is; \
                     give each a label of its own"
                ),
            ));
        }
    }
    Ok(())
}

/// Where `name` is in `list`, comparing names in Unicode normal form C (a decomposed `ö` is
/// the same letter).
fn find(list: &[String], name: &str) -> Option<usize> {
    list.iter().position(|x| diagnostic::same_name(x, name))
}

/// The declared name of this kind, or an error that suggests the closest one (ignoring case
/// and diacritics, a few edits away).
fn lookup(ctx: &NativeCallContext, kind: &str, list: &[String], name: &str) -> FnResult<usize> {
    find(list, name).ok_or_else(|| {
        let declared = format!("declared {kind}s: {}", list.join(", "));
        let message = match diagnostic::closest(name, list.iter().map(String::as_str)) {
            Some(near) => format!(
                "unknown {kind} \"{name}\": did you mean \"{near}\"?\nhelp: names must match \
                 exactly, in case and accents too; {declared}"
            ),
            None if list.is_empty() => format!(
                "unknown {kind} \"{name}\": no {kind} is declared yet\nhelp: declare it before \
                 using it"
            ),
            None => {
                format!("unknown {kind} \"{name}\"\nhelp: declare it before using it; {declared}")
            }
        };
        fail(ctx, message)
    })
}

fn state_index(ctx: &NativeCallContext, b: &Builder, name: &str) -> FnResult<usize> {
    lookup(ctx, "state", &b.states, name)
}

fn actor_index(ctx: &NativeCallContext, b: &Builder, name: &str) -> FnResult<usize> {
    lookup(ctx, "actor", &b.actors, name)
}

/// Starting shares from `#{ state: share }`.
fn start_shares(ctx: &NativeCallContext, b: &Builder, map: &Map) -> FnResult<Vec<Expr>> {
    let mut shares = vec![Expr::constant(0.0); b.states.len()];
    for (state, share) in map {
        let i = state_index(ctx, b, state)?;
        shares[i] = to_expr(ctx, &format!("start share of \"{state}\""), share)?;
        refuse_person_values(ctx, &format!("the start share of \"{state}\""), &shares[i])?;
    }
    let constants: Option<Vec<f64>> = shares.iter().map(Expr::as_constant).collect();
    if let Some(values) = constants {
        if let Some(bad) = values.iter().find(|v| !(0.0..=1.0).contains(*v)) {
            return Err(fail(
                ctx,
                format!("a start share of {} is outside [0, 1]", number(*bad)),
            ));
        }
        let sum: f64 = values.iter().sum();
        if (sum - 1.0).abs() > 1e-9 {
            return Err(fail(
                ctx,
                format!("the start shares add up to {}, not 1", number(sum)),
            ));
        }
    }
    Ok(shares)
}

/// Starting shares from `#{ state: people }`, with the people per state.
fn start_count_shares(
    ctx: &NativeCallContext,
    b: &Builder,
    map: &Map,
) -> FnResult<(Vec<Expr>, Vec<u32>)> {
    let mut counts = vec![0u32; b.states.len()];
    for (state, people) in map {
        let i = state_index(ctx, b, state)?;
        counts[i] = to_whole(ctx, &format!("start count of \"{state}\""), people, 0)?;
    }
    let total: u64 = counts.iter().map(|&c| u64::from(c)).sum();
    if total == 0 {
        return Err(fail(ctx, "start_counts: the counts add up to 0 people"));
    }
    let shares = counts
        .iter()
        .map(|&c| Expr::constant(f64::from(c) / total as f64))
        .collect();
    Ok((shares, counts))
}

// ---------------------------------------------------------------------------------------------
// Registration

/// Registers the whole scenario language on `engine`, writing into `builder`.
pub fn register(engine: &mut Engine, builder: &SharedBuilder) {
    engine.register_type_with_name::<Expr>("Formula");
    engine.register_fn("to_string", |e: &mut Expr| e.to_string());
    engine.register_fn("to_debug", |e: &mut Expr| e.to_string());
    engine.register_type_with_name::<DistributionSpec>("Distribution");
    engine.register_fn("to_string", |d: &mut DistributionSpec| d.to_string());
    engine.register_fn("to_debug", |d: &mut DistributionSpec| d.to_string());

    register_declarations(engine, builder);
    register_distributions(engine);
    register_formulas(engine, builder);
    models::register(engine, builder);
}

fn register_declarations(engine: &mut Engine, builder: &SharedBuilder) {
    let b = builder.clone();
    engine.register_fn("scenario", move |ctx: NativeCallContext, map: Map| -> FnResult<()> {
        let mut b = b.lock();
        if b.settings.is_some() {
            return Err(fail(&ctx, "scenario(...) is called twice"));
        }
        let keys = [
            "name",
            "description",
            "currency",
            "price_year",
            "horizon",
            "discount_rate",
            "outcome_discount_rate",
            "cohort",
            "composition",
            "decision_perspective",
            "first_year",
            "target_group",
        ];
        check_keys(&ctx, "scenario", &map, &keys)?;
        let get = |k: &str| map.get(k).cloned();
        let (name, name_en) = match get("name") {
            Some(v) => in_languages(&ctx, "scenario name", &v)?,
            None => return Err(fail(&ctx, "scenario: `name` is required")),
        };
        let (description, description_en) = match get("description") {
            Some(v) => in_languages(&ctx, "scenario description", &v)?,
            None => (String::new(), None),
        };
        let (target_group, target_group_en) = match get("target_group") {
            Some(v) => {
                let (sv, en) = in_languages(&ctx, "scenario target_group", &v)?;
                (Some(sv), en)
            }
            None => (None, None),
        };
        let texts_en = (name_en.is_some() || description_en.is_some() || target_group_en.is_some())
            .then_some(ScenarioTextsGiven {
                name: name_en,
                description: description_en,
                target_group: target_group_en,
            });
        let horizon = match get("horizon") {
            Some(v) => to_whole(&ctx, "scenario horizon (years)", &v, 1)?,
            None => return Err(fail(&ctx, "scenario: `horizon` (years) is required")),
        };
        if horizon > 200 {
            return Err(fail(&ctx, format!("scenario horizon: {horizon} years is more than 200")));
        }
        // Required unless the script declares intakes (checked at the end).
        let cohort = match get("cohort") {
            Some(v) => Some(to_whole(&ctx, "scenario cohort (people)", &v, 1)?),
            None => None,
        };
        let discount_rate = match get("discount_rate") {
            Some(v) => to_number(&ctx, "scenario discount_rate", &v)?,
            None => 0.035,
        };
        if !(0.0..1.0).contains(&discount_rate) {
            return Err(fail(
                &ctx,
                format!(
                    "scenario discount_rate: {discount_rate} is outside [0, 1); write 3.5% as 0.035"
                ),
            ));
        }
        let outcome_discount_rate = match get("outcome_discount_rate") {
            Some(v) => to_number(&ctx, "scenario outcome_discount_rate", &v)?,
            None => 0.0,
        };
        if !(0.0..1.0).contains(&outcome_discount_rate) {
            return Err(fail(
                &ctx,
                format!(
                    "scenario outcome_discount_rate: {outcome_discount_rate} is outside [0, 1); \
                     write 3% as 0.03"
                ),
            ));
        }
        let text = |k: &str, default: &str| -> FnResult<String> {
            match get(k) {
                Some(v) => to_string(&ctx, &format!("scenario {k}"), &v),
                None => Ok(default.to_string()),
            }
        };
        let composition = match get("composition") {
            None => None,
            Some(v) => match to_string(&ctx, "scenario composition", &v)?.as_str() {
                "drawn" => Some(Composition::Drawn),
                "exact" => Some(Composition::Exact),
                other => {
                    return Err(fail(
                        &ctx,
                        format!(
                            "scenario composition: \"{other}\" is not a composition; write \
                             \"drawn\" (each person's subgroup and starting state drawn from the \
                             shares) or \"exact\" (known counts: cohort × share, rounded)"
                        ),
                    ));
                }
            },
        };
        let price_year = match get("price_year") {
            Some(v) => Some(i64::from(to_whole(&ctx, "scenario price_year", &v, 1900)?)),
            None => None,
        };
        // The calendar year of year 0: a whole number within 1900..=2200.
        let first_year = match get("first_year") {
            None => None,
            Some(v) => {
                let x = to_number(&ctx, "scenario first_year", &v)?;
                if x.fract() != 0.0 || !(1900.0..=2200.0).contains(&x) {
                    return Err(fail(
                        &ctx,
                        format!(
                            "scenario first_year: expected the calendar year of the horizon's first year, a whole number from 1900 to 2200 (e.g. 2027), got {}",
                            number(x)
                        ),
                    ));
                }
                Some(x as i32)
            }
        };
        b.settings = Some(Settings {
            texts: ScenarioTexts {
                name,
                description,
                target_group,
            },
            texts_en,
            currency: text("currency", "SEK")?,
            price_year,
            first_year,
            horizon,
            discount_rate,
            outcome_discount_rate,
            cohort,
            composition,
            decision_perspective: match get("decision_perspective") {
                Some(v) => Some(to_string(&ctx, "scenario decision_perspective", &v)?),
                None => None,
            },
            origin: origin(&ctx, &b),
        });
        Ok(())
    });

    let b = builder.clone();
    engine.register_fn(
        "intake",
        move |ctx: NativeCallContext, year: Dynamic, count: Dynamic| -> FnResult<()> {
            let year = to_whole(&ctx, "intake year", &year, 0)?;
            let count = intake_count(&ctx, "intake count (people)", &count)?;
            let mut b = b.lock();
            let origin = origin(&ctx, &b);
            b.intakes.push(Intake {
                year,
                count,
                origin,
            });
            Ok(())
        },
    );
    let b = builder.clone();
    engine.register_fn(
        "intakes",
        move |ctx: NativeCallContext, counts: Array| -> FnResult<()> {
            if counts.is_empty() {
                return Err(fail(&ctx, "intakes: the list of counts is empty"));
            }
            let counts = counts
                .iter()
                .enumerate()
                .map(|(i, c)| intake_count(&ctx, &format!("intakes: the count of year {i}"), c))
                .collect::<FnResult<Vec<Expr>>>()?;
            let mut b = b.lock();
            let origin = origin(&ctx, &b);
            for (year, count) in (0..).zip(counts) {
                b.intakes.push(Intake {
                    year,
                    count,
                    origin: origin.clone(),
                });
            }
            Ok(())
        },
    );

    let declare_actor = {
        let b = builder.clone();
        move |ctx: &NativeCallContext, name: &str, about: Described| -> FnResult<()> {
            let mut b = b.lock();
            if find(&b.actors, name).is_some() {
                return Err(fail(ctx, format!("actor \"{name}\" is declared twice")));
            }
            distinct_display(ctx, "actor", &b.actors, &b.labels.actors, name, &about)?;
            b.actors.push(name.to_string());
            let at = origin(ctx, &b);
            b.actor_origins.push(at);
            if about != Described::default() {
                b.labels.actors.insert(name.to_string(), about);
            }
            Ok(())
        }
    };
    let declare = declare_actor.clone();
    engine.register_fn(
        "actor",
        move |ctx: NativeCallContext, name: &str| -> FnResult<()> {
            declare(&ctx, name, Described::default())
        },
    );
    engine.register_fn(
        "actor",
        move |ctx: NativeCallContext, name: &str, map: Map| -> FnResult<()> {
            let about = described(&ctx, "actor", &map, &["label"])?;
            declare_actor(&ctx, name, about)
        },
    );

    let b = builder.clone();
    engine.register_fn(
        "perspective",
        move |ctx: NativeCallContext, name: &str, actors: Array| -> FnResult<()> {
            let mut b = b.lock();
            if b.perspectives
                .iter()
                .any(|p| diagnostic::same_name(&p.name, name))
            {
                return Err(fail(
                    &ctx,
                    format!("perspective \"{name}\" is declared twice"),
                ));
            }
            let mut list = Vec::new();
            for a in &actors {
                let a = to_string(&ctx, "perspective actor", a)?;
                list.push(actor_index(&ctx, &b, &a)?);
            }
            if list.is_empty() {
                return Err(fail(&ctx, format!("perspective \"{name}\" has no actors")));
            }
            b.perspectives.push(Perspective {
                name: name.to_string(),
                actors: list,
                exclude_transfers: false,
            });
            Ok(())
        },
    );

    let b = builder.clone();
    engine.register_fn(
        "society_perspective",
        move |ctx: NativeCallContext, name: &str| -> FnResult<()> {
            let mut b = b.lock();
            if b.perspectives.iter().any(|p| p.exclude_transfers) {
                return Err(fail(&ctx, "society_perspective(...) is called twice"));
            }
            if b.actors.is_empty() {
                return Err(fail(
                    &ctx,
                    "declare the actors before society_perspective(...)",
                ));
            }
            let all = (0..b.actors.len()).collect();
            b.perspectives.push(Perspective {
                name: name.to_string(),
                actors: all,
                exclude_transfers: true,
            });
            Ok(())
        },
    );

    let declare_state = {
        let b = builder.clone();
        move |ctx: &NativeCallContext, name: &str, about: Described| -> FnResult<()> {
            let mut b = b.lock();
            if find(&b.states, name).is_some() {
                return Err(fail(ctx, format!("state \"{name}\" is declared twice")));
            }
            if b.start.is_some() || !b.transitions.is_empty() || b.given_in_named {
                return Err(fail(
                    ctx,
                    format!(
                        "declare state \"{name}\" before start(...), the transitions and any \
                         intervention with given_in"
                    ),
                ));
            }
            distinct_display(ctx, "state", &b.states, &b.labels.states, name, &about)?;
            b.states.push(name.to_string());
            let at = origin(ctx, &b);
            b.state_origins.push(at);
            if about != Described::default() {
                b.labels.states.insert(name.to_string(), about);
            }
            Ok(())
        }
    };
    let declare = declare_state.clone();
    engine.register_fn(
        "state",
        move |ctx: NativeCallContext, name: &str| -> FnResult<()> {
            declare(&ctx, name, Described::default())
        },
    );
    engine.register_fn(
        "state",
        move |ctx: NativeCallContext, name: &str, map: Map| -> FnResult<()> {
            let about = described(&ctx, "state", &map, &["label"])?;
            declare_state(&ctx, name, about)
        },
    );

    let b = builder.clone();
    engine.register_fn(
        "start",
        move |ctx: NativeCallContext, map: Map| -> FnResult<()> {
            let mut b = b.lock();
            let shares = start_shares(&ctx, &b, &map)?;
            b.set_start(&ctx, None, shares, None)
        },
    );

    let b = builder.clone();
    engine.register_fn(
        "start",
        move |ctx: NativeCallContext, map: Map, group: &str| -> FnResult<()> {
            let mut b = b.lock();
            let shares = start_shares(&ctx, &b, &map)?;
            b.set_start(&ctx, Some(group), shares, None)
        },
    );

    let b = builder.clone();
    engine.register_fn(
        "subgroup",
        move |ctx: NativeCallContext, name: &str, share: Dynamic| -> FnResult<()> {
            let mut b = b.lock();
            let share = to_number(&ctx, "subgroup share", &share)?;
            if !(0.0..=1.0).contains(&share) {
                return Err(fail(
                    &ctx,
                    format!("subgroup share {} is outside [0, 1]", number(share)),
                ));
            }
            b.add_subgroup(&ctx, name, share, None)
        },
    );

    let b = builder.clone();
    engine.register_fn(
        "subgroup_count",
        move |ctx: NativeCallContext, name: &str, people: Dynamic| -> FnResult<()> {
            let mut b = b.lock();
            if b.settings.as_ref().is_some_and(|s| s.cohort.is_none()) {
                return Err(fail(
                    &ctx,
                    "subgroup_count(...): the scenario gives no cohort (it has intakes, or \
                     forgot `cohort`); a count is a part of one cohort\nhelp: with intakes give \
                     the subgroup a share: subgroup(name, share)",
                ));
            }
            let Some(cohort) = b.settings.as_ref().and_then(|s| s.cohort) else {
                return Err(fail(
                    &ctx,
                    "call scenario(#{ ..., cohort: ... }) before subgroup_count(...): a count is \
                     a part of the cohort",
                ));
            };
            let count = to_whole(&ctx, "subgroup_count (people)", &people, 0)?;
            if count > cohort {
                return Err(fail(
                    &ctx,
                    format!("subgroup_count(\"{name}\", {count}): the cohort has {cohort} people"),
                ));
            }
            let share = f64::from(count) / f64::from(cohort);
            b.add_subgroup(&ctx, name, share, Some(count))
        },
    );

    let b = builder.clone();
    engine.register_fn(
        "start_counts",
        move |ctx: NativeCallContext, map: Map| -> FnResult<()> {
            let mut b = b.lock();
            let (shares, counts) = start_count_shares(&ctx, &b, &map)?;
            b.set_start(&ctx, None, shares, Some(counts))
        },
    );

    let b = builder.clone();
    engine.register_fn(
        "start_counts",
        move |ctx: NativeCallContext, map: Map, group: &str| -> FnResult<()> {
            let mut b = b.lock();
            let (shares, counts) = start_count_shares(&ctx, &b, &map)?;
            b.set_start(&ctx, Some(group), shares, Some(counts))
        },
    );

    let declare_param = {
        let b = builder.clone();
        move |ctx: &NativeCallContext,
              name: &str,
              dist: DistributionSpec,
              about: Described|
              -> FnResult<Expr> {
            let mut b = b.lock();
            if b.parameters
                .iter()
                .any(|p| diagnostic::same_name(&p.name, name))
            {
                return Err(fail(ctx, format!("parameter \"{name}\" is declared twice")));
            }
            if name.contains(['=', ',']) || name.trim() != name || name.is_empty() {
                return Err(fail(
                    ctx,
                    format!(
                        "parameter name \"{name}\": use a name without '=', ',' or surrounding spaces"
                    ),
                ));
            }
            let names: Vec<String> = b.parameters.iter().map(|p| p.name.clone()).collect();
            distinct_display(ctx, "parameter", &names, &b.labels.parameters, name, &about)?;
            let index = b.parameters.len();
            let origin = origin(ctx, &b);
            b.parameters.push(Parameter {
                name: name.to_string(),
                distribution: dist,
                origin,
            });
            if about != Described::default() {
                b.labels.parameters.insert(name.to_string(), about);
            }
            Ok(Expr::new(Node::Param {
                index,
                name: name.to_string(),
            }))
        }
    };
    register_named_draw(engine, "param", declare_param);
    engine.register_fn(
        "param",
        |ctx: NativeCallContext, name: &str, v: Dynamic| -> FnResult<Expr> {
            Err(fail(
                &ctx,
                format!(
                    "param(\"{name}\", ...) needs a distribution such as beta_mean_sd(0.2, 0.05) \
                     or fixed(0.2), got {}",
                    kind_of(&v)
                ),
            ))
        },
    );

    let b = builder.clone();
    engine.register_fn(
        "correlate",
        move |ctx: NativeCallContext, first: &str, second: &str, rho: Dynamic| -> FnResult<()> {
            let rho = to_number(&ctx, "correlate(...)'s rank correlation", &rho)?;
            b.lock().add_correlation(&ctx, first, second, rho)
        },
    );
    let b = builder.clone();
    engine.register_fn(
        "correlation",
        move |ctx: NativeCallContext, names: Array, matrix: Array| -> FnResult<()> {
            let names: Vec<String> = names
                .iter()
                .map(|n| to_string(&ctx, "correlation(...)'s parameter names", n))
                .collect::<FnResult<_>>()?;
            let k = names.len();
            let what = format!("correlation(...)'s matrix: give {k} rows of {k} numbers");
            let rows: Vec<Vec<f64>> = matrix
                .iter()
                .map(|row| {
                    let row = row
                        .clone()
                        .try_cast::<Array>()
                        .ok_or_else(|| fail(&ctx, format!("{what}; a row is {}", kind_of(row))))?;
                    row.iter().map(|x| to_number(&ctx, &what, x)).collect()
                })
                .collect::<FnResult<_>>()?;
            if rows.len() != k || rows.iter().any(|r| r.len() != k) {
                return Err(fail(&ctx, what));
            }
            let mut b = b.lock();
            for i in 0..k {
                if rows[i][i] != 1.0 {
                    return Err(fail(
                        &ctx,
                        format!(
                            "correlation(...): the diagonal must be 1 (a parameter's correlation \
                             with itself), row {} has {}",
                            i + 1,
                            number(rows[i][i])
                        ),
                    ));
                }
                for j in i + 1..k {
                    if rows[i][j] != rows[j][i] {
                        return Err(fail(
                            &ctx,
                            format!(
                                "correlation(...): the matrix must be symmetric, row {} column {} \
                                 is {} but row {} column {} is {}",
                                i + 1,
                                j + 1,
                                number(rows[i][j]),
                                j + 1,
                                i + 1,
                                number(rows[j][i])
                            ),
                        ));
                    }
                    if rows[i][j] != 0.0 {
                        b.add_correlation(&ctx, &names[i], &names[j], rows[i][j])?;
                    }
                }
            }
            Ok(())
        },
    );

    let b = builder.clone();
    engine.register_fn(
        "baseline",
        move |ctx: NativeCallContext, name: &str| -> FnResult<()> {
            let mut b = b.lock();
            if b.baseline.is_some() {
                return Err(fail(&ctx, "baseline(...) is called twice"));
            }
            if b.interventions
                .iter()
                .any(|a| diagnostic::same_name(&a.name, name))
            {
                return Err(fail(&ctx, format!("\"{name}\" is already an intervention")));
            }
            b.baseline = Some(name.to_string());
            Ok(())
        },
    );

    let b = builder.clone();
    engine.register_fn(
        "intervention",
        move |ctx: NativeCallContext, name: &str, map: Map| -> FnResult<()> {
            let mut b = b.lock();
            let baseline = b.baseline.clone().unwrap_or_else(|| DEFAULT_BASELINE.into());
            if diagnostic::same_name(name, &baseline) || b.interventions.iter().any(|a| diagnostic::same_name(&a.name, name)) {
                return Err(fail(&ctx, format!("arm \"{name}\" is declared twice")));
            }
            let keys = [
                "startup",
                "per_participant",
                "years",
                "start_year",
                "uptake",
                "funded_by",
                "given_in",
            ];
            check_keys(&ctx, "intervention", &map, &keys)?;
            let expr = |k: &str, default: f64| -> FnResult<Expr> {
                match map.get(k) {
                    Some(v) => to_expr(&ctx, &format!("intervention {k}"), v),
                    None => Ok(Expr::constant(default)),
                }
            };
            let startup = expr("startup", 0.0)?;
            let per_participant = expr("per_participant", 0.0)?;
            let uptake = expr("uptake", 1.0)?;
            // A constant amount that can never be valid is refused here, at its line.
            for (key, e) in [("startup", &startup), ("per_participant", &per_participant)] {
                if let Some(x) = e.as_constant()
                    && !(x.is_finite() && x >= 0.0)
                {
                    return Err(fail(
                        &ctx,
                        format!(
                            "intervention \"{name}\": {key} must be ≥ 0, got {}\nhelp: a \
                             program's costs are amounts of at least 0; a saving belongs in \
                             the cost rules",
                            amount_text(x)
                        ),
                    ));
                }
            }
            if let Some(u) = uptake.as_constant()
                && !(0.0..=1.0).contains(&u)
            {
                return Err(fail(&ctx, format!("intervention uptake {} is outside [0, 1]", number(u))));
            }
            let years = match map.get("years") {
                Some(v) => to_whole(&ctx, "intervention years", v, 0)?,
                None => 1,
            };
            let start_year = match map.get("start_year") {
                Some(v) => to_whole(&ctx, "intervention start_year", v, 0)?,
                None => 0,
            };
            let mut funded_by = Vec::new();
            if let Some(v) = map.get("funded_by") {
                let Some(shares) = v.clone().try_cast::<Map>() else {
                    return Err(fail(
                        &ctx,
                        "intervention funded_by: expected a map such as #{ kommun: 0.6, region: 0.4 }",
                    ));
                };
                for (actor, share) in &shares {
                    let a = actor_index(&ctx, &b, actor)?;
                    let s = to_number(&ctx, &format!("funded_by share of \"{actor}\""), share)?;
                    if !(0.0..=1.0).contains(&s) {
                        return Err(fail(&ctx, format!("funded_by share {} is outside [0, 1]", number(s))));
                    }
                    funded_by.push((a, s));
                }
                let sum: f64 = funded_by.iter().map(|(_, s)| s).sum();
                if (sum - 1.0).abs() > 1e-9 {
                    return Err(fail(
                        &ctx,
                        format!("intervention funded_by: the shares add up to {}, not 1", number(sum)),
                    ));
                }
            }
            // What each program formula may read: the start-up is one sum for the program,
            // uptake is decided once per person (in the start year), and the cost per
            // participant may vary by year and subgroup; none may read a person's time in state.
            for (e, key, year_ok, subgroup_ok) in [
                (&startup, "startup", false, false),
                (&uptake, "uptake", false, true),
                (&per_participant, "per_participant", true, true),
            ] {
                refuse_person_values(&ctx, &format!("intervention {key}"), e)?;
                let d = e.dependencies();
                let what = if d.year && !year_ok {
                    Some("year()")
                } else if d.subgroup && !subgroup_ok {
                    Some("in_subgroup(...)")
                } else {
                    None
                };
                if let Some(what) = what {
                    return Err(fail(
                        &ctx,
                        format!(
                            "intervention {key}: it cannot read {what} (start-up is one sum in \
                             the start year; uptake is decided per person and subgroup in the \
                             start year; per_participant may read year() and in_subgroup(...))"
                        ),
                    ));
                }
            }
            let given_in = match map.get("given_in") {
                None => vec![true; b.states.len()],
                Some(v) => {
                    let Some(list) = v.clone().try_cast::<Array>() else {
                        return Err(fail(
                            &ctx,
                            "intervention given_in: expected a list of states such as \
                             [\"hemma med stöd\", \"HVB\"]",
                        ));
                    };
                    let mut given = vec![false; b.states.len()];
                    for v in &list {
                        let name = to_string(&ctx, "intervention given_in", v)?;
                        given[state_index(&ctx, &b, &name)?] = true;
                    }
                    b.given_in_named = true;
                    if !given.contains(&true) {
                        return Err(fail(
                            &ctx,
                            "intervention given_in: name at least one state the program is given in",
                        ));
                    }
                    given
                }
            };
            let costly = startup.as_constant() != Some(0.0) || per_participant.as_constant() != Some(0.0);
            if costly && funded_by.is_empty() {
                return Err(fail(
                    &ctx,
                    "intervention: say who pays the program with funded_by: #{ kommun: 1.0 }",
                ));
            }
            let origin = origin(&ctx, &b);
            b.interventions.push(Arm {
                name: name.to_string(),
                program: Some(Program {
                    startup,
                    per_participant,
                    start_year,
                    years,
                    uptake,
                    given_in,
                    funded_by,
                    origin,
                }),
            });
            Ok(())
        },
    );

    let b = builder.clone();
    engine.register_fn(
        "transition",
        move |ctx: NativeCallContext, from: &str, to: &str, p: Dynamic| -> FnResult<()> {
            let mut b = b.lock();
            let f = state_index(&ctx, &b, from)?;
            let t = state_index(&ctx, &b, to)?;
            if f == t {
                return Err(fail(
                    &ctx,
                    format!("transition from \"{from}\" to itself: staying is what is left over"),
                ));
            }
            if let Some((_, at, function)) = b.whole_rows.iter().find(|(s, _, _)| *s == f) {
                return Err(fail(
                    &ctx,
                    format!(
                        "transition \"{from}\" → \"{to}\": the row of \"{from}\" is declared \
                         whole by {function}(...) at {at}; add the destination there"
                    ),
                ));
            }
            if let Some(prev) = b.transitions.iter().find(|r| r.from == f && r.to == t) {
                return Err(fail(
                    &ctx,
                    format!(
                        "transition \"{from}\" → \"{to}\" is already declared at {}; combine \
                         the two with if_else(...)",
                        prev.origin
                    ),
                ));
            }
            let probability = to_expr(&ctx, "transition probability", &p)?;
            if let Some(x) = probability.as_constant()
                && !(0.0..=1.0).contains(&x)
            {
                return Err(fail(
                    &ctx,
                    format!(
                        "transition \"{from}\" → \"{to}\": probability {} is outside [0, 1]",
                        number(x)
                    ),
                ));
            }
            let origin = origin(&ctx, &b);
            b.transitions.push(TransitionRule {
                from: f,
                to: t,
                probability,
                origin,
            });
            Ok(())
        },
    );

    for (fname, accrual, transfer) in [
        ("cost", Accrual::Yearly, false),
        ("transfer", Accrual::Yearly, true),
        ("entry_cost", Accrual::OnEntry, false),
        ("entry_transfer", Accrual::OnEntry, true),
    ] {
        let b = builder.clone();
        engine.register_fn(
            fname,
            move |ctx: NativeCallContext, state: &str, actor: &str, x: Dynamic| -> FnResult<()> {
                let mut b = b.lock();
                let s = state_index(&ctx, &b, state)?;
                let a = actor_index(&ctx, &b, actor)?;
                let amount = to_expr(&ctx, &format!("{fname} amount"), &x)?;
                let origin = origin(&ctx, &b);
                b.costs.push(CostRule {
                    state: s,
                    actor: a,
                    amount,
                    accrual,
                    transfer,
                    origin,
                });
                Ok(())
            },
        );
    }

    for (fname, accrual) in [
        ("outcome", Accrual::Yearly),
        ("entry_outcome", Accrual::OnEntry),
    ] {
        let declare_outcome = {
            let b = builder.clone();
            move |ctx: &NativeCallContext,
                  name: &str,
                  state: &str,
                  x: Dynamic,
                  about: Described|
                  -> FnResult<()> {
                let mut b = b.lock();
                let s = state_index(ctx, &b, state)?;
                let value = to_expr(ctx, &format!("{fname} value"), &x)?;
                if about != Described::default() || find(&b.outcomes, name).is_none() {
                    distinct_display(
                        ctx,
                        "outcome",
                        &b.outcomes,
                        &b.labels.outcomes,
                        name,
                        &about,
                    )?;
                }
                if about != Described::default() {
                    match b.labels.outcomes.get(name) {
                        Some(before) if *before != about => {
                            return Err(fail(
                                ctx,
                                format!(
                                    "{fname}(\"{name}\", ...): the outcome's label and unit are \
                                     already given differently in an earlier call; give them once"
                                ),
                            ));
                        }
                        _ => {
                            b.labels.outcomes.insert(name.to_string(), about);
                        }
                    }
                }
                let outcome = match find(&b.outcomes, name) {
                    Some(i) => i,
                    None => {
                        b.outcomes.push(name.to_string());
                        b.outcomes.len() - 1
                    }
                };
                let origin = origin(ctx, &b);
                b.outcome_rules.push(OutcomeRule {
                    outcome,
                    state: s,
                    value,
                    accrual,
                    origin,
                });
                Ok(())
            }
        };
        let declare = declare_outcome.clone();
        engine.register_fn(
            fname,
            move |ctx: NativeCallContext, name: &str, state: &str, x: Dynamic| -> FnResult<()> {
                declare(&ctx, name, state, x, Described::default())
            },
        );
        engine.register_fn(
            fname,
            move |ctx: NativeCallContext,
                  name: &str,
                  state: &str,
                  x: Dynamic,
                  map: Map|
                  -> FnResult<()> {
                let about = described(&ctx, fname, &map, &["label", "unit"])?;
                declare_outcome(&ctx, name, state, x, about)
            },
        );
    }
}

fn register_distributions(engine: &mut Engine) {
    fn made(
        ctx: &NativeCallContext,
        written: String,
        dist: Result<Distribution, String>,
    ) -> FnResult<DistributionSpec> {
        dist.map(|dist| DistributionSpec {
            written: written.clone(),
            dist,
        })
        .map_err(|e| {
            // a message that already names the call with its arguments is not prefixed again
            let name = written.split('(').next().unwrap_or_default();
            if e.starts_with(&format!("{name}(")) {
                fail(ctx, e)
            } else {
                fail(ctx, format!("{written}: {e}"))
            }
        })
    }
    fn n(ctx: &NativeCallContext, v: &Dynamic) -> FnResult<f64> {
        to_number(ctx, "distribution argument", v)
    }
    fn list(ctx: &NativeCallContext, a: &Array) -> FnResult<Vec<f64>> {
        a.iter().map(|v| n(ctx, v)).collect()
    }

    engine.register_fn("fixed", |ctx: NativeCallContext, x: Dynamic| {
        let x = n(&ctx, &x)?;
        made(&ctx, format!("fixed({x})"), Distribution::fixed(x))
    });
    type Two = fn(f64, f64) -> Result<Distribution, String>;
    let twos: [(&str, Two); 6] = [
        ("uniform", Distribution::uniform),
        ("normal", Distribution::normal),
        ("lognormal", Distribution::lognormal),
        ("beta", Distribution::beta),
        ("beta_mean_sd", Distribution::beta_mean_sd),
        ("gamma_mean_sd", Distribution::gamma_mean_sd),
    ];
    for (name, f) in twos {
        engine.register_fn(
            name,
            move |ctx: NativeCallContext, a: Dynamic, b: Dynamic| {
                let (a, b) = (n(&ctx, &a)?, n(&ctx, &b)?);
                made(&ctx, format!("{name}({a}, {b})"), f(a, b))
            },
        );
    }
    type Three = fn(f64, f64, f64) -> Result<Distribution, String>;
    let threes: [(&str, Three); 3] = [
        ("lognormal_ci", Distribution::lognormal_ci),
        ("triangular", Distribution::triangular),
        ("pert", Distribution::pert),
    ];
    for (name, f) in threes {
        engine.register_fn(
            name,
            move |ctx: NativeCallContext, a: Dynamic, b: Dynamic, c: Dynamic| {
                let (a, b, c) = (n(&ctx, &a)?, n(&ctx, &b)?, n(&ctx, &c)?);
                made(&ctx, format!("{name}({a}, {b}, {c})"), f(a, b, c))
            },
        );
    }
    engine.register_fn(
        "truncated_normal",
        |ctx: NativeCallContext, m: Dynamic, s: Dynamic, lo: Dynamic, hi: Dynamic| {
            let (m, s, lo, hi) = (n(&ctx, &m)?, n(&ctx, &s)?, n(&ctx, &lo)?, n(&ctx, &hi)?);
            made(
                &ctx,
                format!("truncated_normal({m}, {s}, {lo}, {hi})"),
                Distribution::truncated_normal(m, s, lo, hi),
            )
        },
    );
    engine.register_fn(
        "discrete",
        |ctx: NativeCallContext, values: Array, weights: Array| {
            let (v, w) = (list(&ctx, &values)?, list(&ctx, &weights)?);
            made(
                &ctx,
                format!("discrete({v:?}, {w:?})"),
                Distribution::discrete(v, w),
            )
        },
    );
    engine.register_fn("empirical", |ctx: NativeCallContext, values: Array| {
        let v = list(&ctx, &values)?;
        made(
            &ctx,
            format!("empirical({v:?})"),
            Distribution::empirical(v),
        )
    });
}

fn register_formulas(engine: &mut Engine, builder: &SharedBuilder) {
    let binary_ops = [
        ("+", BinaryOp::Add),
        ("-", BinaryOp::Sub),
        ("*", BinaryOp::Mul),
        ("/", BinaryOp::Div),
        ("**", BinaryOp::Pow),
        ("pow", BinaryOp::Pow),
        ("min", BinaryOp::Min),
        ("max", BinaryOp::Max),
        ("<", BinaryOp::Lt),
        ("<=", BinaryOp::Le),
        (">", BinaryOp::Gt),
        (">=", BinaryOp::Ge),
        ("==", BinaryOp::Eq),
        ("!=", BinaryOp::Ne),
        ("and", BinaryOp::And),
        ("or", BinaryOp::Or),
        ("odds_ratio", BinaryOp::OddsRatio),
    ];
    for (name, op) in binary_ops {
        engine.register_fn(name, move |ctx: NativeCallContext, a: Expr, b: Expr| {
            checked(&ctx, Expr::binary(op, a, b))
        });
        engine.register_fn(name, move |ctx: NativeCallContext, a: Expr, b: FLOAT| {
            checked(&ctx, Expr::binary(op, a, Expr::constant(b)))
        });
        engine.register_fn(name, move |ctx: NativeCallContext, a: FLOAT, b: Expr| {
            checked(&ctx, Expr::binary(op, Expr::constant(a), b))
        });
        engine.register_fn(name, move |ctx: NativeCallContext, a: Expr, b: INT| {
            checked(&ctx, Expr::binary(op, a, Expr::constant(b as f64)))
        });
        engine.register_fn(name, move |ctx: NativeCallContext, a: INT, b: Expr| {
            checked(&ctx, Expr::binary(op, Expr::constant(a as f64), b))
        });
    }
    // Functions that rhai lacks for plain numbers get plain-number versions too.
    for name in ["and", "or", "odds_ratio"] {
        let op = binary_ops
            .iter()
            .find(|(n, _)| *n == name)
            .expect("listed")
            .1;
        engine.register_fn(
            name,
            move |ctx: NativeCallContext, a: Dynamic, b: Dynamic| {
                let (a, b) = if op == BinaryOp::OddsRatio {
                    (to_expr(&ctx, name, &a)?, to_expr(&ctx, name, &b)?)
                } else {
                    (to_condition(&ctx, name, &a)?, to_condition(&ctx, name, &b)?)
                };
                checked(&ctx, Expr::binary(op, a, b))
            },
        );
    }
    let unary_ops = [
        ("-", UnaryOp::Neg),
        ("not", UnaryOp::Not),
        ("exp", UnaryOp::Exp),
        ("ln", UnaryOp::Ln),
        ("rate_to_prob", UnaryOp::RateToProb),
    ];
    for (name, op) in unary_ops {
        engine.register_fn(name, move |ctx: NativeCallContext, a: Expr| {
            checked(&ctx, Expr::unary(op, a))
        });
    }
    for name in ["not", "rate_to_prob"] {
        let op = unary_ops
            .iter()
            .find(|(n, _)| *n == name)
            .expect("listed")
            .1;
        engine.register_fn(name, move |ctx: NativeCallContext, a: Dynamic| {
            let a = if op == UnaryOp::Not {
                to_condition(&ctx, name, &a)?
            } else {
                to_expr(&ctx, name, &a)?
            };
            checked(&ctx, Expr::unary(op, a))
        });
    }

    engine.register_fn(
        "if_else",
        |ctx: NativeCallContext, c: Dynamic, a: Dynamic, b: Dynamic| -> FnResult<Expr> {
            let c = to_condition(&ctx, "if_else condition", &c)?;
            let a = to_expr(&ctx, "if_else value", &a)?;
            let b = to_expr(&ctx, "if_else value", &b)?;
            checked(
                &ctx,
                match c.as_constant() {
                    Some(x) if x.is_nan() => Expr::constant(f64::NAN),
                    Some(x) if x != 0.0 => a,
                    Some(_) => b,
                    None => Expr::new(Node::IfElse(c, a, b)),
                },
            )
        },
    );
    engine.register_fn(
        "effect",
        |ctx: NativeCallContext, m: Dynamic, dropoff: Dynamic| -> FnResult<Expr> {
            let m = to_expr(&ctx, "effect multiplier", &m)?;
            let d = to_expr(&ctx, "effect dropoff", &dropoff)?;
            if let Some(x) = d.as_constant()
                && !(0.0..=1.0).contains(&x)
            {
                return Err(fail(
                    &ctx,
                    format!("effect dropoff {} is outside [0, 1]", number(x)),
                ));
            }
            checked(
                &ctx,
                Expr::new(Node::Effect {
                    multiplier: m,
                    dropoff: d,
                    arm: None,
                }),
            )
        },
    );
    let b = builder.clone();
    engine.register_fn(
        "effect",
        move |ctx: NativeCallContext, m: Dynamic, dropoff: Dynamic, arm: &str| -> FnResult<Expr> {
            let m = to_expr(&ctx, "effect multiplier", &m)?;
            let d = to_expr(&ctx, "effect dropoff", &dropoff)?;
            if let Some(x) = d.as_constant()
                && !(0.0..=1.0).contains(&x)
            {
                return Err(fail(&ctx, format!("effect dropoff {x} is outside [0, 1]")));
            }
            let b = b.lock();
            let names: Vec<String> = b.interventions.iter().map(|a| a.name.clone()).collect();
            let baseline = b.baseline.as_deref().unwrap_or(DEFAULT_BASELINE);
            if arm == baseline {
                return Err(fail(
                    &ctx,
                    format!(
                        "effect(..., \"{arm}\"): \"{arm}\" is ordinary practice, which has no \
                         effect; name the intervention the effect belongs to"
                    ),
                ));
            }
            let index = lookup(&ctx, "intervention", &names, arm)?;
            checked(
                &ctx,
                Expr::new(Node::Effect {
                    multiplier: m,
                    dropoff: d,
                    arm: Some((index + 1, arm.to_string())),
                }),
            )
        },
    );
    engine.register_fn(
        "lookup",
        |ctx: NativeCallContext, values: rhai::Array, index: Dynamic| -> FnResult<Expr> {
            let index = to_expr(&ctx, "lookup index", &index)?;
            lookup_expr(&ctx, "lookup", &values, index)
        },
    );
    engine.register_fn(
        "by_year",
        |ctx: NativeCallContext, values: rhai::Array| -> FnResult<Expr> {
            lookup_expr(&ctx, "by_year", &values, Expr::new(Node::Year))
        },
    );
    engine.register_fn("year", || Expr::new(Node::Year));
    engine.register_fn("time_in_state", || Expr::new(Node::TimeInState));
    engine.register_fn("age", || Expr::new(Node::Age));
    register_person_values(engine, builder);
    engine.register_fn("treated", || Expr::new(Node::Treated));
    engine.register_fn("years_since_end", || Expr::new(Node::YearsSinceEnd));

    let b = builder.clone();
    engine.register_fn(
        "arm_is",
        move |ctx: NativeCallContext, name: &str| -> FnResult<Expr> {
            let b = b.lock();
            let baseline = b
                .baseline
                .clone()
                .unwrap_or_else(|| DEFAULT_BASELINE.into());
            let mut arms = vec![baseline];
            arms.extend(b.interventions.iter().map(|a| a.name.clone()));
            let arm = lookup(&ctx, "arm", &arms, name)?;
            Ok(Expr::new(Node::ArmIs {
                arm,
                name: name.to_string(),
            }))
        },
    );

    let b = builder.clone();
    engine.register_fn(
        "in_subgroup",
        move |ctx: NativeCallContext, name: &str| -> FnResult<Expr> {
            let b = b.lock();
            let names: Vec<String> = b.subgroups.iter().map(|g| g.name.clone()).collect();
            let group = if name == REMAINDER_GROUP {
                // The remainder group's index is only known at the end; it is the last one.
                return Err(fail(
                    &ctx,
                    format!("in_subgroup(\"{REMAINDER_GROUP}\"): write not(in_subgroup(...)) for the remainder"),
                ));
            } else {
                lookup(&ctx, "subgroup", &names, name)?
            };
            Ok(Expr::new(Node::InSubgroup {
                group,
                name: name.to_string(),
            }))
        },
    );
}

/// Registers `fname(name, distribution)` and `fname(name, distribution, #{ label, unit, source })`
/// (`param`, `attribute`), both declared by `declare`.
fn register_named_draw(
    engine: &mut Engine,
    fname: &'static str,
    declare: impl Fn(&NativeCallContext, &str, DistributionSpec, Described) -> FnResult<Expr>
    + Clone
    + Send
    + Sync
    + 'static,
) {
    let plain = declare.clone();
    engine.register_fn(
        fname,
        move |ctx: NativeCallContext, name: &str, dist: DistributionSpec| -> FnResult<Expr> {
            plain(&ctx, name, dist, Described::default())
        },
    );
    engine.register_fn(
        fname,
        move |ctx: NativeCallContext,
              name: &str,
              dist: DistributionSpec,
              map: Map|
              -> FnResult<Expr> {
            let about = described(&ctx, fname, &map, &["label", "unit", "source"])?;
            declare(&ctx, name, dist, about)
        },
    );
}

/// `episode`, `time_in_episode`, `attribute` and `start_age`: what the walk follows per person.
fn register_person_values(engine: &mut Engine, builder: &SharedBuilder) {
    let b = builder.clone();
    engine.register_fn(
        "episode",
        move |ctx: NativeCallContext, name: &str, states: rhai::Array| -> FnResult<Expr> {
            let mut b = b.lock();
            if b.episodes
                .iter()
                .any(|e| diagnostic::same_name(&e.name, name))
            {
                return Err(fail(&ctx, format!("episode \"{name}\" is declared twice")));
            }
            if states.is_empty() {
                return Err(fail(
                    &ctx,
                    format!("episode \"{name}\" needs its states, e.g. [\"S1\", \"S2\"]"),
                ));
            }
            let mut members = vec![false; b.states.len()];
            for v in &states {
                let Some(state) = v.clone().into_string().ok() else {
                    return Err(fail(
                        &ctx,
                        format!(
                            "episode \"{name}\": its states are names in quotes, got {}",
                            kind_of(v)
                        ),
                    ));
                };
                members[state_index(&ctx, &b, &state)?] = true;
            }
            let origin = origin(&ctx, &b);
            let episode = b.episodes.len();
            b.episodes.push(Episode {
                name: name.to_string(),
                states: members,
                origin,
            });
            Ok(Expr::new(Node::EpisodeTime {
                episode,
                name: name.to_string(),
            }))
        },
    );

    let b = builder.clone();
    engine.register_fn(
        "time_in_episode",
        move |ctx: NativeCallContext, name: &str| -> FnResult<Expr> {
            let b = b.lock();
            let names: Vec<String> = b.episodes.iter().map(|e| e.name.clone()).collect();
            let episode = lookup(&ctx, "episode", &names, name)?;
            Ok(Expr::new(Node::EpisodeTime {
                episode,
                name: name.to_string(),
            }))
        },
    );

    let declare_attribute = {
        let b = builder.clone();
        move |ctx: &NativeCallContext,
              name: &str,
              dist: DistributionSpec,
              about: Described|
              -> FnResult<Expr> {
            let mut b = b.lock();
            if b.attributes
                .iter()
                .any(|a| diagnostic::same_name(&a.name, name))
                || b.parameters
                    .iter()
                    .any(|p| diagnostic::same_name(&p.name, name))
            {
                return Err(fail(
                    ctx,
                    format!("\"{name}\" is already declared as a parameter or attribute"),
                ));
            }
            let index = b.attributes.len();
            let origin = origin(ctx, &b);
            b.attributes.push(Attribute {
                name: name.to_string(),
                distribution: dist,
                origin,
            });
            if about != Described::default() {
                b.labels.parameters.insert(name.to_string(), about);
            }
            Ok(Expr::new(Node::Attribute {
                index,
                name: name.to_string(),
            }))
        }
    };
    register_named_draw(engine, "attribute", declare_attribute);

    let set_start_age = {
        let b = builder.clone();
        move |ctx: &NativeCallContext, age: Dynamic, group: Option<&str>| -> FnResult<()> {
            let mut b = b.lock();
            let age = match age.clone().try_cast::<DistributionSpec>() {
                Some(d) => StartAge::Drawn(d),
                None => {
                    let e = to_expr(ctx, "start_age", &age)?;
                    refuse_person_values(ctx, "start_age", &e)?;
                    let d = e.dependencies();
                    if d.year || d.arm || d.subgroup {
                        return Err(fail(
                            ctx,
                            "start_age: the age in year 0 may read parameters only (age() \
                             adds the year)",
                        ));
                    }
                    if let Some(x) = e.as_constant().filter(|x| !(x.is_finite() && *x >= 0.0)) {
                        return Err(fail(
                            ctx,
                            format!("start_age must be ≥ 0, got {}", number(x)),
                        ));
                    }
                    StartAge::Fixed(e)
                }
            };
            let slot = match group {
                None => &mut b.start_age,
                Some(group) => {
                    let names: Vec<String> = b.subgroups.iter().map(|g| g.name.clone()).collect();
                    let i = lookup(ctx, "subgroup", &names, group)?;
                    &mut b.subgroups[i].start_age
                }
            };
            if slot.is_some() {
                return Err(fail(
                    ctx,
                    "start_age(...) is given twice for the same people",
                ));
            }
            *slot = Some(age);
            Ok(())
        }
    };
    let set = set_start_age.clone();
    engine.register_fn(
        "start_age",
        move |ctx: NativeCallContext, age: Dynamic| -> FnResult<()> { set(&ctx, age, None) },
    );
    engine.register_fn(
        "start_age",
        move |ctx: NativeCallContext, age: Dynamic, group: &str| -> FnResult<()> {
            set_start_age(&ctx, age, Some(group))
        },
    );
}
