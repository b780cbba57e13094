//! The native model a scenario script declares: no rhai types, validated, ready to simulate.
//!
//! May import: `dist`, `expr`, `error`, `source_text`, `stats`.

use crate::dist::DistributionSpec;
use crate::expr::Expr;
use indexmap::IndexMap;
use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where in a script something was declared (`file:line:column`), for error messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourcePos {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for SourcePos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Name of the group of people who belong to no declared subgroup.
pub const REMAINDER_GROUP: &str = "övriga";
/// Default name of the ordinary-practice arm.
pub const DEFAULT_BASELINE: &str = "Ordinarie arbetssätt";
/// Default name of the society perspective, added when the script declares none.
pub const DEFAULT_SOCIETY: &str = "society";

/// The scenario's own words in one language. A text the scenario does not give in that
/// language is the Swedish one, except the target group, which is `None` (outputs then use
/// their own word for people).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScenarioTexts {
    pub name: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_group: Option<String>,
}

/// The languages a scenario may give texts in: its own (Swedish, first) and the report's others.
pub const TEXT_LANGUAGES: [&str; 2] = ["sv", "en"];

/// A validated scenario: everything the simulation needs.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// The people counted by `cohort` and the intakes, as a plural noun ("familjer",
    /// "elever"), where the scenario names them (`target_group`); outputs say "personer"
    /// otherwise.
    pub target_group: Option<String>,
    /// The scenario's texts in languages other than its own (Swedish), where it gives them
    /// (`name: #{ sv: "…", en: "…" }`), by language code ("en").
    pub translations: IndexMap<String, ScenarioTexts>,
    pub currency: String,
    pub price_year: Option<i64>,
    /// The calendar year of year 0 of the horizon (`first_year`), for the budget view; `None`:
    /// years read "år 1", "år 2", ….
    pub first_year: Option<i32>,
    /// Number of simulated years (years `0..horizon`).
    pub horizon: u32,
    /// Yearly discount rate, e.g. 0.035.
    pub discount_rate: f64,
    /// Yearly discount rate of the non-monetary outcomes (0: undiscounted, the default; e.g.
    /// 0.03 for QALYs as TLV asks).
    pub outcome_discount_rate: f64,
    /// Number of people in the target group; with intakes, the total of those within the
    /// horizon at the parameters' medians (for display: each iteration draws its own counts).
    pub cohort: u32,
    /// The intakes of an open cohort (`intake`, `intakes`), in calendar-year order; empty for
    /// the single cohort of `cohort` people starting in year 0.
    pub intakes: Vec<Intake>,
    /// Whether subgroup sizes and starting states are drawn per person or known counts.
    pub composition: Composition,
    pub actors: Vec<String>,
    /// Where each actor is declared.
    pub actor_origins: Vec<SourcePos>,
    pub perspectives: Vec<Perspective>,
    /// The point of view the headline reports (`decision_perspective`): a perspective's or an
    /// actor's name; `None` for all actors together (the net of every actor).
    pub decision_perspective: Option<String>,
    pub states: Vec<String>,
    /// Where each state is declared.
    pub state_origins: Vec<SourcePos>,
    /// Subgroups; the last one is always the remainder group [`REMAINDER_GROUP`].
    pub subgroups: Vec<Subgroup>,
    pub parameters: Vec<Parameter>,
    /// Values drawn once per person (`attribute`), read by rules as formulas.
    pub attributes: Vec<Attribute>,
    /// Named sets of states whose time is counted together (`episode`).
    pub episodes: Vec<Episode>,
    /// Declared rank correlations between parameters (`correlate`, `correlation`).
    pub correlations: Vec<RankCorrelation>,
    /// The correlations' groups of parameters, checked positive definite at load.
    pub correlated_groups: Vec<CorrelatedGroup>,
    /// `arms[0]` is ordinary practice; the others are interventions.
    pub arms: Vec<Arm>,
    pub transitions: Vec<TransitionRule>,
    pub costs: Vec<CostRule>,
    /// Names of the non-monetary outcomes.
    pub outcomes: Vec<String>,
    pub outcome_rules: Vec<OutcomeRule>,
    /// The script's file name, for messages.
    pub file: String,
    /// SHA-256 (hex) of the script and every file it imports, for reproducibility footers and
    /// for matching analyses to their model.
    pub source_hash: String,
    /// The comment block at the top of the script (what it is, its sources), without `//`.
    pub notes: String,
    /// Display names and units of parameters, states, actors and outcomes.
    pub labels: Labels,
    /// The texts of the files the script read, under the names messages give them, so that an
    /// error found while simulating can show its rule's line.
    pub sources: Vec<(String, String)>,
}

/// How a declared name is shown to people: a `label` instead of the name, the `unit` its values
/// are in, and the `source` of its numbers; each optional. The name stays the identifier (JSON
/// keys, CSV, `--set`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Described {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The labels and units of a scenario's names, by kind and name; a name without one is shown as
/// itself.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Labels {
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub parameters: IndexMap<String, Described>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub states: IndexMap<String, Described>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub actors: IndexMap<String, Described>,
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub outcomes: IndexMap<String, Described>,
}

fn shown<'a>(map: &'a IndexMap<String, Described>, name: &'a str) -> &'a str {
    map.get(name)
        .and_then(|d| d.label.as_deref())
        .unwrap_or(name)
}

fn unit_of<'a>(map: &'a IndexMap<String, Described>, name: &str) -> Option<&'a str> {
    map.get(name).and_then(|d| d.unit.as_deref())
}

impl Labels {
    pub fn is_empty(&self) -> bool {
        self.parameters.is_empty()
            && self.states.is_empty()
            && self.actors.is_empty()
            && self.outcomes.is_empty()
    }

    /// A parameter's label, or its name.
    pub fn parameter<'a>(&'a self, name: &'a str) -> &'a str {
        shown(&self.parameters, name)
    }

    /// A state's label, or its name.
    pub fn state<'a>(&'a self, name: &'a str) -> &'a str {
        shown(&self.states, name)
    }

    /// An actor's label, or its name.
    pub fn actor<'a>(&'a self, name: &'a str) -> &'a str {
        shown(&self.actors, name)
    }

    /// An outcome's label, or its name.
    pub fn outcome<'a>(&'a self, name: &'a str) -> &'a str {
        shown(&self.outcomes, name)
    }

    /// The unit of a parameter's values, if the script gave one.
    pub fn parameter_unit(&self, name: &str) -> Option<&str> {
        unit_of(&self.parameters, name)
    }

    /// The unit of an outcome's values, if the script gave one.
    pub fn outcome_unit(&self, name: &str) -> Option<&str> {
        unit_of(&self.outcomes, name)
    }

    /// A parameter's label with its unit in brackets, "Andel som återgår (andel)".
    pub fn parameter_with_unit(&self, name: &str) -> String {
        with_unit(self.parameter(name), self.parameter_unit(name))
    }

    /// An outcome's label with its unit in brackets.
    pub fn outcome_with_unit(&self, name: &str) -> String {
        with_unit(self.outcome(name), self.outcome_unit(name))
    }
}

/// `"label (unit)"`, or the label alone.
pub fn with_unit(label: &str, unit: Option<&str>) -> String {
    match unit {
        Some(u) => format!("{label} ({u})"),
        None => label.to_string(),
    }
}

/// How the cohort's subgroups and starting states are formed in each iteration.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Composition {
    /// Each person's subgroup and starting state are drawn from the shares: the counts vary
    /// between iterations (binomially), as for a target group not yet known by name.
    #[default]
    Drawn,
    /// The counts are known: cohort × share, rounded by largest remainder (ties broken at
    /// random), the same in every iteration where the shares are plain numbers.
    Exact,
}

/// A named set of actors whose costs are added up.
#[derive(Clone, Debug)]
pub struct Perspective {
    pub name: String,
    /// Indices into [`Scenario::actors`].
    pub actors: Vec<usize>,
    /// True for the society perspective: transfer cost items are left out.
    pub exclude_transfers: bool,
}

/// The name `decision_perspective` and `--perspective` accept for the net of all actors.
pub const ALL_ACTORS: &str = "all actors";

impl Scenario {
    /// Resolves a decision perspective's name: a perspective, an actor, or [`ALL_ACTORS`]
    /// (`Ok(None)`). The error says which names there are, with the closest one first.
    pub fn decision_perspective_named(&self, name: &str) -> Result<Option<String>, String> {
        decision_perspective_among(name, &self.perspectives, &self.actors)
    }
}

/// [`Scenario::decision_perspective_named`] over the declared names.
pub fn decision_perspective_among(
    name: &str,
    perspectives: &[Perspective],
    actors: &[String],
) -> Result<Option<String>, String> {
    if name == ALL_ACTORS {
        return Ok(None);
    }
    let known: Vec<&str> = perspectives
        .iter()
        .map(|p| p.name.as_str())
        .chain(actors.iter().map(String::as_str))
        .collect();
    if known.contains(&name) {
        return Ok(Some(name.to_string()));
    }
    let guess = crate::source_text::closest(name, known.iter().copied())
        .map(|near| format!(" (did you mean \"{near}\"?)"))
        .unwrap_or_default();
    let quoted = |names: Vec<&str>| {
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Err(format!(
        "decision perspective \"{name}\" is neither a perspective nor an actor{guess}; the \
         perspectives are {}; the actors are {}; or write \"{ALL_ACTORS}\"",
        quoted(perspectives.iter().map(|p| p.name.as_str()).collect()),
        quoted(actors.iter().map(String::as_str).collect()),
    ))
}

/// A subgroup of the cohort with its own share and starting distribution.
#[derive(Clone, Debug)]
pub struct Subgroup {
    pub name: String,
    /// Share of the cohort (the remainder group gets what is left).
    pub share: f64,
    /// Starting share per state (index = state), as formulas of the parameters.
    pub start: Vec<Expr>,
    /// The known number of people (`subgroup_count`); with an exact composition the other
    /// groups share what is left by their shares.
    pub count: Option<u32>,
    /// The known number of people per starting state (`start_counts`), adding up to `count`.
    pub start_counts: Option<Vec<u32>>,
    /// The age people of this group start at (`start_age`), if the script gives one.
    pub start_age: Option<StartAge>,
}

/// The age a subgroup's people have in year 0; `age()` adds the year.
#[derive(Clone, Debug)]
pub enum StartAge {
    /// The same for everyone in the group: a number or a formula of parameters.
    Fixed(Expr),
    /// Drawn once per person from a distribution (an age distribution).
    Drawn(DistributionSpec),
}

/// A value drawn once per person, e.g. an effect modifier `X ~ U(0.95, 1.05)`.
#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: String,
    pub distribution: DistributionSpec,
    pub origin: SourcePos,
}

/// A named set of states whose time is counted together: `time_in_episode(name)` is the years
/// since the person entered the set, counting the current year, and 0 outside it.
#[derive(Clone, Debug)]
pub struct Episode {
    pub name: String,
    /// `states[state]`: whether the state belongs to the episode.
    pub states: Vec<bool>,
    pub origin: SourcePos,
}

/// People entering the programme in one calendar year: a closed cohort of its own, whose
/// year 0 is calendar year `year`, followed to the end of the horizon.
#[derive(Clone, Debug)]
pub struct Intake {
    /// The calendar year of arrival (0 = the first year of the horizon).
    pub year: u32,
    /// The number of people: a formula of parameters, rounded to a whole number in each
    /// iteration.
    pub count: Expr,
    pub origin: SourcePos,
}

impl Intake {
    /// A count as a whole number of people: rounded to the nearest (halves away from 0);
    /// `None` when it is negative, not finite or beyond `u32`.
    pub fn whole_people(x: f64) -> Option<u32> {
        let n = x.round();
        (n.is_finite() && n >= 0.0 && n <= f64::from(u32::MAX)).then_some(n as u32)
    }
}

/// One uncertain input.
#[derive(Clone, Debug)]
pub struct Parameter {
    pub name: String,
    pub distribution: DistributionSpec,
    pub origin: SourcePos,
}

/// An arm: ordinary practice (no program) or an intervention.
#[derive(Clone, Debug)]
pub struct Arm {
    pub name: String,
    pub program: Option<Program>,
}

/// An intervention's program: what it costs, who pays, who takes part, when it runs.
#[derive(Clone, Debug)]
pub struct Program {
    /// One-off cost in the start year.
    pub startup: Expr,
    /// Cost per participant and year while the program runs, charged for participants in a
    /// state of `given_in`; may read the year and the subgroup.
    pub per_participant: Expr,
    /// First year of the program.
    pub start_year: u32,
    /// Number of years it runs.
    pub years: u32,
    /// Share of the cohort that takes part (evaluated per subgroup in the start year).
    pub uptake: Expr,
    /// `given_in[state]`: whether a participant in that state receives the program (and is
    /// charged `per_participant`) in a program year.
    pub given_in: Vec<bool>,
    /// (actor index, share of the program cost); shares sum to 1.
    pub funded_by: Vec<(usize, f64)>,
    pub origin: SourcePos,
}

impl Program {
    /// The program years `[start, end)`.
    pub fn window(&self) -> (u32, u32) {
        (self.start_year, self.start_year + self.years)
    }
}

/// A yearly transition probability from one state to another.
#[derive(Clone, Debug)]
pub struct TransitionRule {
    pub from: usize,
    pub to: usize,
    pub probability: Expr,
    pub origin: SourcePos,
}

/// When a cost or outcome accrues.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accrual {
    /// For every year a person spends in the state.
    Yearly,
    /// Once, each time a person enters the state.
    OnEntry,
}

/// A cost carried by an actor for people in (or entering) a state.
#[derive(Clone, Debug)]
pub struct CostRule {
    pub state: usize,
    pub actor: usize,
    pub amount: Expr,
    pub accrual: Accrual,
    /// A transfer (e.g. social assistance): left out of the society perspective.
    pub transfer: bool,
    pub origin: SourcePos,
}

/// A non-monetary outcome accrued in (or on entering) a state.
#[derive(Clone, Debug)]
pub struct OutcomeRule {
    pub outcome: usize,
    pub state: usize,
    pub value: Expr,
    pub accrual: Accrual,
    pub origin: SourcePos,
}

impl Scenario {
    /// Whether some subgroup draws its people's start age per person.
    pub fn draws_start_age(&self) -> bool {
        self.subgroups
            .iter()
            .any(|g| matches!(g.start_age, Some(StartAge::Drawn(_))))
    }

    /// For a message about a name that is not a parameter: why, where it is an attribute
    /// (`" (\"x\" is an attribute, ...)"`); empty otherwise.
    pub fn attribute_note(&self, name: &str) -> String {
        if self.attributes.iter().any(|a| a.name == name) {
            format!(
                " (\"{name}\" is an attribute, drawn once per person: it has no value to set, and \
                 the analyses vary parameters only)"
            )
        } else {
            String::new()
        }
    }

    /// Index of a parameter by name.
    pub fn parameter_index(&self, name: &str) -> Option<usize> {
        self.parameters.iter().position(|p| p.name == name)
    }

    /// The interventions (all arms but the baseline), with their arm index.
    pub fn interventions(&self) -> impl Iterator<Item = (usize, &Arm)> {
        self.arms.iter().enumerate().skip(1)
    }

    /// Each intake's people at the parameters' medians (`None` where the count is invalid).
    pub fn intake_people_at_medians(&self) -> Vec<Option<u32>> {
        let medians: Vec<f64> = self
            .parameters
            .iter()
            .map(|p| p.distribution.dist.median())
            .collect();
        let cx = crate::expr::EvalContext::of_parameters(
            &medians,
            self.subgroups.len().saturating_sub(1),
        );
        self.intakes
            .iter()
            .map(|i| Intake::whole_people(i.count.eval(&cx)))
            .collect()
    }

    /// The person-years a run simulates per arm and iteration (at the medians, with intakes):
    /// each intake is followed from its year to the end of the horizon.
    pub fn person_years(&self) -> f64 {
        if self.intakes.is_empty() {
            return f64::from(self.cohort) * f64::from(self.horizon);
        }
        self.intakes
            .iter()
            .zip(self.intake_people_at_medians())
            .map(|(i, n)| {
                f64::from(n.unwrap_or(0)) * f64::from(self.horizon.saturating_sub(i.year))
            })
            .sum()
    }

    /// The calendar years `first..=last` of the intakes, if there are any.
    pub fn intake_years(&self) -> Option<(u32, u32)> {
        Some((self.intakes.first()?.year, self.intakes.last()?.year))
    }

    /// Describes a transition rule for messages: `"a" → "b" (file:line:col)`.
    pub fn describe_transition(&self, rule: &TransitionRule) -> String {
        format!(
            "transition \"{}\" → \"{}\" ({})",
            self.states[rule.from], self.states[rule.to], rule.origin
        )
    }
}

/// A declared rank correlation between two parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct RankCorrelation {
    /// Parameter indices, `first < second`.
    pub first: usize,
    pub second: usize,
    /// Spearman's ρ, in (−1, 1).
    pub spearman: f64,
    pub origin: SourcePos,
}

/// Parameters joined by correlations, with their normal correlation matrix (built by
/// `sim::correlation::groups`).
#[derive(Clone, Debug)]
pub struct CorrelatedGroup {
    /// Parameter indices, ascending.
    pub members: Vec<usize>,
    /// Normal correlation matrix, in the order of `members`.
    pub normal: DMatrix<f64>,
}
