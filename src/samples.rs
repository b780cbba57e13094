//! Per-iteration quantities: what each iteration gives, one column per quantity ([`Column`]),
//! for every summary, analysis and per-iteration output of a run. The sign convention is the
//! results': `net = baseline cost − intervention cost`.
//!
//! A run's columns ([`RunSamples`]) are filled chunk by chunk while it simulates, so the
//! iterations themselves are never all kept. Small runs keep the columns in memory; a run
//! whose columns would take more than [`MEMORY_LIMIT`] bytes keeps them in a temporary file
//! (deleted when the run is dropped) and reads one column at a time, so the statistics hold a
//! few columns at once rather than every iteration; every figure is the same, to the bit, as
//! from memory.
//!
//! May import: `sim`, `scenario`, `stats`; imported by `sensitivity`, `compare`, `results`
//! (which re-exports it) and `report`.

use crate::scenario::{ALL_ACTORS, Scenario};
use crate::sim::{ArmResult, IterationResult};
use crate::stats::payback_year;
use rayon::prelude::*;
use std::borrow::Cow;
#[cfg(not(unix))]
use std::io::{Read, Seek, SeekFrom, Write};
#[cfg(not(unix))]
use std::sync::Mutex;

/// The iterations a run simulates and files as one block of its columns.
pub const CHUNK: usize = 4096;

/// The most bytes a run's columns keep in memory; beyond it they go to a temporary file.
pub const MEMORY_LIMIT: usize = 32 << 20;

/// A per-iteration quantity. Amounts are discounted to year 0; `arm` 0 is ordinary practice
/// and the comparisons are of each intervention (`arm` ≥ 1) with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// The value drawn (or fixed) for a parameter.
    Param(usize),
    /// An arm's cost, all actors and its program included.
    Cost { arm: usize },
    /// An arm's program cost.
    Program { arm: usize },
    /// The people taking part in an arm.
    Participants { arm: usize },
    /// An arm's cost to one actor.
    ActorCost { arm: usize, actor: usize },
    /// An arm's cost in one year, all actors.
    YearCost { arm: usize, year: usize },
    /// An arm's outcome total.
    Outcome { arm: usize, outcome: usize },
    /// The net of an intervention ([`saving`] of the arms' costs).
    Net { arm: usize },
    /// The net before the program cost: `net + investment`.
    Savings { arm: usize },
    /// The intervention's program cost.
    Investment { arm: usize },
    /// The net of years `0..=year`; in the last year it is `Net` itself.
    CumulativeNet { arm: usize, year: usize },
    /// The payback year of the cumulative nets ([`payback_year`]), NaN if it does not pay back.
    Payback { arm: usize },
    /// The net to one actor.
    ActorNet { arm: usize, actor: usize },
    /// The net to one perspective.
    PerspectiveNet { arm: usize, perspective: usize },
    /// An outcome's total with the intervention minus without.
    OutcomeGain { arm: usize, outcome: usize },
    /// What a point of view ([`points_of_view`]) invests in the program in one year.
    Invested {
        arm: usize,
        view: usize,
        year: usize,
    },
    /// What a point of view avoids paying in one year ([`saving`] of its costs but the program).
    Avoided {
        arm: usize,
        view: usize,
        year: usize,
    },
    /// The payback year of a point of view's cumulated yearly nets (the last being its own
    /// net, so that they agree in sign); NaN if it does not pay back, and for all actors.
    ViewPayback { arm: usize, view: usize },
}

/// Whose net a comparison's column is: all actors', a perspective's or an actor's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetOf {
    AllActors,
    Perspective(usize),
    Actor(usize),
}

impl NetOf {
    /// The column of intervention `arm`'s net from this point of view.
    pub fn column(self, arm: usize) -> Column {
        match self {
            NetOf::AllActors => Column::Net { arm },
            NetOf::Perspective(perspective) => Column::PerspectiveNet { arm, perspective },
            NetOf::Actor(actor) => Column::ActorNet { arm, actor },
        }
    }
}

/// A point of view of the budget: its actors, and whether it leaves transfers out.
#[derive(Clone, Debug)]
pub struct PointOfView {
    pub name: String,
    pub kind: PointOfViewKind,
    pub actors: Vec<usize>,
    pub excludes_transfers: bool,
}

/// Whose numbers a line is: an actor, a perspective (a set of actors), or all actors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointOfViewKind {
    Actor,
    Perspective,
    /// Every actor, transfers included (the comparison's `net`); its name is
    /// [`crate::scenario::ALL_ACTORS`].
    AllActors,
}

/// The actors, then the perspectives, then all actors.
pub fn points_of_view(scenario: &Scenario) -> Vec<PointOfView> {
    let actors = scenario
        .actors
        .iter()
        .enumerate()
        .map(|(a, name)| PointOfView {
            name: name.clone(),
            kind: PointOfViewKind::Actor,
            actors: vec![a],
            excludes_transfers: false,
        });
    let perspectives = scenario.perspectives.iter().map(|p| PointOfView {
        name: p.name.clone(),
        kind: PointOfViewKind::Perspective,
        actors: p.actors.clone(),
        excludes_transfers: p.exclude_transfers,
    });
    let all = PointOfView {
        name: ALL_ACTORS.to_string(),
        kind: PointOfViewKind::AllActors,
        actors: (0..scenario.actors.len()).collect(),
        excludes_transfers: false,
    };
    actors.chain(perspectives).chain([all]).collect()
}

/// Where each [`Column`] is in a row of values of one iteration: the parameters, then a block
/// per arm, then a block per intervention.
#[derive(Clone, Debug)]
pub struct Layout {
    params: usize,
    actors: usize,
    years: usize,
    outcomes: usize,
    arms: usize,
    perspectives: usize,
    /// The actors, the perspectives, then all actors ([`points_of_view`]).
    views: Vec<PointOfView>,
}

impl Layout {
    pub fn new(scenario: &Scenario) -> Layout {
        Layout {
            params: scenario.parameters.len(),
            actors: scenario.actors.len(),
            years: scenario.horizon as usize,
            outcomes: scenario.outcomes.len(),
            arms: scenario.arms.len(),
            perspectives: scenario.perspectives.len(),
            views: points_of_view(scenario),
        }
    }

    /// The points of view of the budget lines (see [`Column::Invested`]).
    pub fn views(&self) -> &[PointOfView] {
        &self.views
    }

    fn arm_width(&self) -> usize {
        3 + self.actors + self.years + self.outcomes
    }

    fn view_width(&self) -> usize {
        2 * self.years + 1
    }

    fn intervention_width(&self) -> usize {
        4 + self.years
            + self.actors
            + self.perspectives
            + self.outcomes
            + self.views.len() * self.view_width()
    }

    /// The number of columns.
    pub fn width(&self) -> usize {
        self.params
            + self.arms * self.arm_width()
            + self.arms.saturating_sub(1) * self.intervention_width()
    }

    fn arm_base(&self, arm: usize) -> usize {
        debug_assert!(arm < self.arms);
        self.params + arm * self.arm_width()
    }

    fn intervention_base(&self, arm: usize) -> usize {
        debug_assert!((1..self.arms).contains(&arm));
        self.params + self.arms * self.arm_width() + (arm - 1) * self.intervention_width()
    }

    /// The first of a point of view's columns within its intervention's block.
    fn view_offset(&self, view: usize) -> usize {
        4 + self.years + self.actors + self.perspectives + self.outcomes + view * self.view_width()
    }

    /// The index of `column` in a row.
    pub fn index(&self, column: Column) -> usize {
        let (h, a) = (self.years, self.actors);
        match column {
            Column::Param(p) => p,
            Column::Cost { arm } => self.arm_base(arm),
            Column::Program { arm } => self.arm_base(arm) + 1,
            Column::Participants { arm } => self.arm_base(arm) + 2,
            Column::ActorCost { arm, actor } => self.arm_base(arm) + 3 + actor,
            Column::YearCost { arm, year } => self.arm_base(arm) + 3 + a + year,
            Column::Outcome { arm, outcome } => self.arm_base(arm) + 3 + a + h + outcome,
            Column::Net { arm } => self.intervention_base(arm),
            Column::Savings { arm } => self.intervention_base(arm) + 1,
            Column::Investment { arm } => self.intervention_base(arm) + 2,
            Column::Payback { arm } => self.intervention_base(arm) + 3,
            Column::CumulativeNet { arm, year } => self.intervention_base(arm) + 4 + year,
            Column::ActorNet { arm, actor } => self.intervention_base(arm) + 4 + h + actor,
            Column::PerspectiveNet { arm, perspective } => {
                self.intervention_base(arm) + 4 + h + a + perspective
            }
            Column::OutcomeGain { arm, outcome } => {
                self.intervention_base(arm) + 4 + h + a + self.perspectives + outcome
            }
            Column::Invested { arm, view, year } => {
                self.intervention_base(arm) + self.view_offset(view) + year
            }
            Column::Avoided { arm, view, year } => {
                self.intervention_base(arm) + self.view_offset(view) + h + year
            }
            Column::ViewPayback { arm, view } => {
                self.intervention_base(arm) + self.view_offset(view) + 2 * h
            }
        }
    }

    /// Writes the values of iteration `it` into `row` (of [`Layout::width`] values).
    pub fn fill(&self, it: &IterationResult, row: &mut [f64]) {
        row[..self.params].copy_from_slice(&it.params);
        for (arm, r) in it.arms.iter().enumerate() {
            let at = |c| self.index(c);
            row[at(Column::Cost { arm })] = r.total();
            row[at(Column::Program { arm })] = r.program();
            row[at(Column::Participants { arm })] = r.participants;
            let base = at(Column::ActorCost { arm, actor: 0 });
            row[base..base + self.actors].copy_from_slice(&r.cost_by_actor);
            let base = at(Column::YearCost { arm, year: 0 });
            row[base..base + self.years].copy_from_slice(&r.cost_by_year);
            let base = at(Column::Outcome { arm, outcome: 0 });
            row[base..base + self.outcomes].copy_from_slice(&r.outcomes);
        }
        for arm in 1..self.arms {
            self.fill_comparison(&it.arms[0], &it.arms[arm], arm, row);
        }
    }

    /// The columns of the comparison of intervention `arm` (with results `i`) with ordinary
    /// practice (`b`).
    fn fill_comparison(&self, b: &ArmResult, i: &ArmResult, arm: usize, row: &mut [f64]) {
        let at = |c| self.index(c);
        let horizon = self.years;
        let net = saving(b.total(), i.total());
        let investment = i.program();
        row[at(Column::Net { arm })] = net;
        row[at(Column::Investment { arm })] = investment;
        row[at(Column::Savings { arm })] = net + investment;
        let first = at(Column::CumulativeNet { arm, year: 0 });
        let mut acc = 0.0;
        for t in 0..horizon {
            acc += saving(b.cost_by_year[t], i.cost_by_year[t]);
            row[first + t] = if t + 1 == horizon { net } else { acc };
        }
        row[at(Column::Payback { arm })] = year_or_nan(payback_year(&row[first..first + horizon]));
        for actor in 0..self.actors {
            row[at(Column::ActorNet { arm, actor })] =
                saving(b.cost_by_actor[actor], i.cost_by_actor[actor]);
        }
        let perspective_views = &self.views[self.actors..self.actors + self.perspectives];
        for (perspective, pov) in perspective_views.iter().enumerate() {
            row[at(Column::PerspectiveNet { arm, perspective })] = pov
                .actors
                .iter()
                .map(|&a| {
                    let (mut bc, mut ic) = (b.cost_by_actor[a], i.cost_by_actor[a]);
                    if pov.excludes_transfers {
                        bc -= b.transfer_by_actor[a];
                        ic -= i.transfer_by_actor[a];
                    }
                    saving(bc, ic)
                })
                .sum();
        }
        for outcome in 0..self.outcomes {
            row[at(Column::OutcomeGain { arm, outcome })] =
                i.outcomes[outcome] - b.outcomes[outcome];
        }
        let mut cumulative = vec![0.0; horizon];
        for (view, pov) in self.views.iter().enumerate() {
            let invested = at(Column::Invested { arm, view, year: 0 });
            let avoided = at(Column::Avoided { arm, view, year: 0 });
            for t in 0..horizon {
                let (mut program, mut cost_b, mut cost_i) = (0.0, 0.0, 0.0);
                for &a in &pov.actors {
                    let (xb, xi) = (b.at(a, t), i.at(a, t));
                    program += i.program_by_actor_year[xi] - b.program_by_actor_year[xb];
                    let (mut cb, mut ci) = (
                        b.cost_by_actor_year[xb] - b.program_by_actor_year[xb],
                        i.cost_by_actor_year[xi] - i.program_by_actor_year[xi],
                    );
                    if pov.excludes_transfers {
                        cb -= b.transfer_by_actor_year[xb];
                        ci -= i.transfer_by_actor_year[xi];
                    }
                    cost_b += cb;
                    cost_i += ci;
                }
                row[invested + t] = program;
                row[avoided + t] = saving(cost_b, cost_i);
            }
            let total = match pov.kind {
                PointOfViewKind::Actor => Some(row[at(Column::ActorNet { arm, actor: view })]),
                PointOfViewKind::Perspective => Some(
                    row[at(Column::PerspectiveNet {
                        arm,
                        perspective: view - self.actors,
                    })],
                ),
                PointOfViewKind::AllActors => None,
            };
            row[at(Column::ViewPayback { arm, view })] = total.map_or(f64::NAN, |total| {
                let mut acc = 0.0;
                for (t, c) in cumulative.iter_mut().enumerate() {
                    acc += row[avoided + t] - row[invested + t];
                    *c = if t + 1 == horizon { total } else { acc };
                }
                year_or_nan(payback_year(&cumulative))
            });
        }
    }
}

fn year_or_nan(year: Option<u32>) -> f64 {
    year.map_or(f64::NAN, f64::from)
}

/// A payback column's value read back: the year, or `None` (NaN).
pub fn payback_of(value: f64) -> Option<u32> {
    (!value.is_nan()).then_some(value as u32)
}

/// Every [`Column`] of a run, one value per iteration, in iteration order.
pub struct RunSamples {
    layout: Layout,
    n: usize,
    /// The most bytes of columns kept in memory.
    memory_limit: usize,
    store: Store,
}

enum Store {
    /// `columns[j][iteration]`.
    Memory(Vec<Vec<f64>>),
    /// Chunks of [`CHUNK`] iterations (the last may be shorter), one after the other; within
    /// a chunk of `len` iterations, column `j` is `len` little-endian f64 at `j * len * 8`.
    File {
        file: std::fs::File,
        /// Each chunk's offset and number of iterations.
        chunks: Vec<(u64, usize)>,
    },
}

impl RunSamples {
    /// Empty columns, kept in memory while they take at most `memory_limit` bytes and in a
    /// temporary file from the chunk that would take them past it.
    pub fn new(scenario: &Scenario, memory_limit: usize) -> Self {
        let layout = Layout::new(scenario);
        let store = Store::Memory(vec![Vec::new(); layout.width()]);
        RunSamples {
            layout,
            n: 0,
            memory_limit,
            store,
        }
    }

    /// The columns of `iterations`, in memory.
    pub fn of(scenario: &Scenario, iterations: &[IterationResult]) -> Self {
        let mut samples = RunSamples::new(scenario, usize::MAX);
        samples
            .push(iterations)
            .expect("columns in memory need no file");
        samples
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The number of iterations.
    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The parameters whose value is not the same in every iteration.
    pub fn varying_parameters(&self) -> Vec<usize> {
        (0..self.layout.params)
            .filter(|&p| {
                let values = self.column(Column::Param(p));
                values.iter().any(|v| *v != values[0])
            })
            .collect()
    }

    /// Whether the columns are kept in a temporary file.
    pub fn in_file(&self) -> bool {
        matches!(self.store, Store::File { .. })
    }

    /// Appends the next iterations (each call a chunk of the file, if there is one).
    pub fn push(&mut self, iterations: &[IterationResult]) -> std::io::Result<()> {
        let width = self.layout.width();
        let len = iterations.len();
        let bytes = (self.n + len).saturating_mul(width).saturating_mul(8);
        if bytes > self.memory_limit && !self.in_file() {
            self.move_to_file()?;
        }
        let layout = &self.layout;
        // one row per iteration, then each column of the chunk, in parallel
        let rows: Vec<Vec<f64>> = iterations
            .par_iter()
            .map(|it| {
                let mut row = vec![0.0; width];
                layout.fill(it, &mut row);
                row
            })
            .collect();
        match &mut self.store {
            Store::Memory(columns) => {
                columns
                    .par_iter_mut()
                    .enumerate()
                    .for_each(|(j, column)| column.extend(rows.iter().map(|row| row[j])));
            }
            Store::File { file, chunks } => {
                let offset = chunks
                    .last()
                    .map_or(0, |&(o, l)| o + (l * width * 8) as u64);
                let mut bytes = vec![0u8; width * len * 8];
                bytes
                    .par_chunks_mut((len * 8).max(1))
                    .enumerate()
                    .for_each(|(j, column)| {
                        for (b, row) in column.chunks_exact_mut(8).zip(&rows) {
                            b.copy_from_slice(&row[j].to_le_bytes());
                        }
                    });
                write_at(file, &bytes, offset)?;
                chunks.push((offset, len));
            }
        }
        self.n += len;
        Ok(())
    }

    /// Moves the columns kept in memory to a temporary file, [`CHUNK`] iterations a chunk.
    fn move_to_file(&mut self) -> std::io::Result<()> {
        let file = tempfile::tempfile()?;
        let width = self.layout.width();
        let Store::Memory(columns) = std::mem::replace(&mut self.store, Store::Memory(Vec::new()))
        else {
            unreachable!("only columns in memory move to a file")
        };
        let mut chunks = Vec::new();
        let mut offset = 0;
        for start in (0..self.n).step_by(CHUNK) {
            let len = CHUNK.min(self.n - start);
            let mut bytes = Vec::with_capacity(width * len * 8);
            for column in &columns {
                for v in &column[start..start + len] {
                    bytes.extend_from_slice(&v.to_le_bytes());
                }
            }
            write_at(&file, &bytes, offset)?;
            chunks.push((offset, len));
            offset += bytes.len() as u64;
        }
        self.store = Store::File { file, chunks };
        Ok(())
    }

    /// One column's values, in iteration order.
    pub fn column(&self, column: Column) -> Cow<'_, [f64]> {
        self.column_at(self.layout.index(column))
    }

    /// The column at index `j` of the layout.
    fn column_at(&self, j: usize) -> Cow<'_, [f64]> {
        match &self.store {
            Store::Memory(columns) => Cow::Borrowed(&columns[j]),
            Store::File { .. } => {
                let mut values = Vec::with_capacity(self.n);
                self.read_chunks(&[j], |block| values.extend_from_slice(block[0]));
                Cow::Owned(values)
            }
        }
    }

    /// Calls `f` with the values of `columns` for each iteration, in order.
    pub fn for_each_row(&self, columns: &[Column], mut f: impl FnMut(usize, &[f64])) {
        let indices: Vec<usize> = columns.iter().map(|&c| self.layout.index(c)).collect();
        let mut row = vec![0.0; indices.len()];
        let mut start = 0;
        let mut per_block = |block: &[&[f64]]| {
            let len = block.first().map_or(0, |c| c.len());
            for k in 0..len {
                for (v, column) in row.iter_mut().zip(block) {
                    *v = column[k];
                }
                f(start + k, &row);
            }
            start += len;
        };
        match &self.store {
            Store::Memory(all) => {
                let block: Vec<&[f64]> = indices.iter().map(|&j| all[j].as_slice()).collect();
                per_block(&block);
            }
            Store::File { .. } => self.read_chunks(&indices, per_block),
        }
    }

    /// Reads the chunks of a file store in order and calls `f` with the values of the columns
    /// `indices` in each.
    fn read_chunks(&self, indices: &[usize], mut f: impl FnMut(&[&[f64]])) {
        let Store::File { file, chunks } = &self.store else {
            unreachable!("only a file store is read in chunks")
        };
        let mut bytes = Vec::new();
        let mut values: Vec<Vec<f64>> = vec![Vec::new(); indices.len()];
        for &(offset, len) in chunks {
            for (&j, column) in indices.iter().zip(values.iter_mut()) {
                bytes.resize(len * 8, 0);
                read_at(file, &mut bytes, offset + (j * len * 8) as u64)
                    .unwrap_or_else(|e| panic!("the run's temporary file cannot be read: {e}"));
                column.clear();
                column.extend(
                    bytes
                        .chunks_exact(8)
                        .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes"))),
                );
            }
            let block: Vec<&[f64]> = values.iter().map(Vec::as_slice).collect();
            f(&block);
        }
    }
}

/// Writes `bytes` at `offset` of `file`.
fn write_at(file: &std::fs::File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
    }
    #[cfg(not(unix))]
    {
        let mut file = file;
        file.seek(SeekFrom::Start(offset))?;
        file.write_all(bytes)
    }
}

/// Reads `bytes.len()` bytes at `offset` of `file` (on Unix without moving a shared cursor, so
/// that the workers read in parallel).
fn read_at(file: &std::fs::File, bytes: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
    }
    #[cfg(not(unix))]
    {
        static CURSOR: Mutex<()> = Mutex::new(());
        let _one_at_a_time = CURSOR.lock().expect("no reader panicked");
        let mut file = file;
        file.seek(SeekFrom::Start(offset))?;
        file.read_exact(bytes)
    }
}

/// Per-iteration quantities of one comparison (baseline against one intervention), shared by
/// the sensitivity analyses: columns of [`RunSamples`].
pub struct ComparisonSamples {
    pub net: Vec<f64>,
    pub savings: Vec<f64>,
    pub investment: Vec<f64>,
    /// The cumulative net at the end of each year: `cumulative[year][iteration]`. Each year's
    /// net is [`saving`] of that year's costs; the last year's cumulative net is `net` itself,
    /// so it agrees with the net in sign to the last bit.
    pub cumulative: Vec<Vec<f64>>,
    /// The payback year ([`payback_year`] of the cumulative nets): `Some` exactly when net > 0.
    pub payback: Vec<Option<u32>>,
    /// Net per actor: `by_actor[actor][iteration]`.
    pub by_actor: Vec<Vec<f64>>,
    /// Net per perspective: `by_perspective[perspective][iteration]`.
    pub by_perspective: Vec<Vec<f64>>,
}

impl ComparisonSamples {
    pub fn new(scenario: &Scenario, iterations: &[IterationResult], arm: usize) -> Self {
        ComparisonSamples::from_samples(&RunSamples::of(scenario, iterations), arm)
    }

    /// The comparison of intervention `arm`, read from a run's columns.
    pub fn from_samples(samples: &RunSamples, arm: usize) -> Self {
        let layout = samples.layout();
        let column = |c| samples.column(c).into_owned();
        ComparisonSamples {
            net: column(Column::Net { arm }),
            savings: column(Column::Savings { arm }),
            investment: column(Column::Investment { arm }),
            cumulative: (0..layout.years)
                .map(|year| column(Column::CumulativeNet { arm, year }))
                .collect(),
            payback: samples
                .column(Column::Payback { arm })
                .iter()
                .map(|&v| payback_of(v))
                .collect(),
            by_actor: (0..layout.actors)
                .map(|actor| column(Column::ActorNet { arm, actor }))
                .collect(),
            by_perspective: (0..layout.perspectives)
                .map(|perspective| column(Column::PerspectiveNet { arm, perspective }))
                .collect(),
        }
    }
}

/// `baseline − intervention`, with differences at the level of floating-point rounding
/// (relative 1e-10, i.e. a hundredth of a krona on a hundred million) set to exactly 0: equal
/// costs reached through different sums must not count as a gain or a loss.
pub fn saving(baseline: f64, intervention: f64) -> f64 {
    let d = baseline - intervention;
    if d.abs() <= 1e-10 * baseline.abs().max(intervention.abs()) {
        0.0
    } else {
        d
    }
}

/// The net of intervention `arm` in one iteration: [`saving`] of the arms' total costs.
pub fn net_of(it: &IterationResult, arm: usize) -> f64 {
    saving(it.arms[0].total(), it.arms[arm].total())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_store_reads_back_what_memory_keeps() {
        let scenario =
            crate::script::load_scenario(std::path::Path::new("scenarios/familjestod.rhai"))
                .unwrap();
        let settings = crate::sim::SimSettings {
            iterations: 2 * CHUNK + 17,
            seed: 5,
            fixed: Vec::new(),
            method: crate::sim::Method::Individual,
        };
        let iterations = crate::sim::simulate(&scenario, &settings, &|| {}).unwrap();
        let memory = RunSamples::of(&scenario, &iterations);
        // in memory for the first chunk, then moved to a file
        let first = iterations.len() - CHUNK - 17;
        let mut file = RunSamples::new(&scenario, Layout::new(&scenario).width() * first * 8);
        file.push(&iterations[..first]).unwrap();
        assert!(!file.in_file());
        for chunk in iterations[first..].chunks(CHUNK) {
            file.push(chunk).unwrap();
        }
        assert!(file.in_file() && !memory.in_file());
        assert_eq!(file.len(), iterations.len());
        for j in 0..memory.layout().width() {
            let (a, b) = (memory.column_at(j), file.column_at(j));
            assert!(
                a.iter()
                    .zip(b.iter())
                    .all(|(x, y)| x.to_bits() == y.to_bits()),
                "column {j}"
            );
        }
        let columns = [Column::Net { arm: 1 }, Column::Param(2)];
        let mut rows = Vec::new();
        file.for_each_row(&columns, |k, row| rows.push((k, row.to_vec())));
        assert_eq!(rows.len(), iterations.len());
        assert!(rows.iter().all(|(k, row)| row[0].to_bits()
            == memory.column(columns[0])[*k].to_bits()
            && row[1] == iterations[*k].params[2]));
    }
}
