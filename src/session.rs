//! The library's façade: a scenario loaded once, and what can be done with it.
//!
//! The command line ([`crate::cli`]) maps its arguments to these calls and writes what they
//! return; tests, a server or a notebook call them the same way. A [`Session`] owns the scenario
//! and the worker threads; each method runs one stage of the flow (simulate, check, analyse) on
//! them and returns typed values ([`Run`], the analyses' result types), which the renderers of
//! [`crate::report`] turn into text, JSON, CSV, HTML or a workbook.
//!
//! May import every module below it in the flow: script, scenario, sim, stats, results,
//! sensitivity, followup, compare, report. Only cli.rs imports it.

use crate::error::{Error, Result};
use crate::followup::observed::{self, ObservedFile};
use crate::followup::{self, FollowUp, FollowUpSettings};
use crate::report::SamplesLayout;
use crate::report::html::{self, Lang};
use crate::results::RunResults;
use crate::samples::{CHUNK, Column, MEMORY_LIMIT, RunSamples};
use crate::scenario::Scenario;
use crate::script::load_scenario;
use crate::sensitivity::precision::{self, PrecisionProgress};
use crate::sensitivity::tornado::{self, Others, TornadoReport};
use crate::sensitivity::{Analysis, Metric, Progress, sobol, sweep, threshold, voi};
use crate::sim::check::CheckReport;
use crate::sim::likelihood::{self, SyntheticCohort};
use crate::sim::shard::{Part, PartHeader, Shard};
use crate::sim::{self, IterationResult, SimSettings};
use std::path::Path;

/// A scenario loaded once, with the worker threads that simulate it.
pub struct Session {
    scenario: Scenario,
    pool: rayon::ThreadPool,
}

/// How a run to a precision target ended.
#[derive(Clone, Copy, Debug)]
pub struct PrecisionStop {
    /// The target MCSE of every mean net.
    pub target: f64,
    /// Whether it was reached (else the iteration limit stopped the run).
    pub reached: bool,
    /// The largest MCSE of a mean net when the run stopped.
    pub mcse: f64,
}

/// A finished run: the settings it used, every iteration's values and their summary.
pub struct Run {
    /// The settings, with the number of iterations actually run.
    pub settings: SimSettings,
    /// Every iteration's values, one column per quantity.
    pub samples: RunSamples,
    pub results: RunResults,
    /// How a run to precision stopped; `None` for a run of a fixed size.
    pub precision: Option<PrecisionStop>,
}

/// The settings every sensitivity analysis shares.
#[derive(Clone, Debug, Default)]
pub struct AnalysisSettings {
    pub iterations: usize,
    pub seed: u64,
    /// How every evaluation of the model evaluates the cohort.
    pub method: sim::Method,
    /// Parameters fixed for the whole analysis: (parameter index, value).
    pub fixed: Vec<(usize, f64)>,
    /// The perspective whose net is analysed (None: all actors).
    pub perspective: Option<usize>,
}

impl Session {
    /// Loads the scenario script at `path` (sandboxed, run once) and starts `threads` worker
    /// threads (`None`: one per core).
    pub fn load(path: &Path, threads: Option<usize>) -> Result<Session> {
        Session::new(load_scenario(path)?, threads)
    }

    /// Loads the scenario script at `path` under the name `display` (see
    /// [`crate::script::load_scenario_named`]).
    pub fn load_named(path: &Path, display: &str, threads: Option<usize>) -> Result<Session> {
        Session::new(crate::script::load_scenario_named(path, display)?, threads)
    }

    /// A session on a scenario built elsewhere.
    pub fn new(scenario: Scenario, threads: Option<usize>) -> Result<Session> {
        let mut pool = rayon::ThreadPoolBuilder::new();
        if let Some(t) = threads {
            pool = pool.num_threads(t);
        }
        let pool = pool
            .build()
            .map_err(|e| Error::Usage(format!("cannot start the worker threads: {e}")))?;
        Ok(Session { scenario, pool })
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The number of worker threads.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Makes `name` (a perspective, an actor or "all actors") the decision perspective of the
    /// headline, in place of the scenario's own.
    pub fn decide_for(&mut self, name: &str) -> std::result::Result<(), String> {
        self.scenario.decision_perspective = self.scenario.decision_perspective_named(name)?;
        Ok(())
    }

    /// The index of the perspective `name`, or an error listing the scenario's perspectives.
    pub fn perspective_index(&self, name: &str) -> std::result::Result<usize, String> {
        let perspectives = &self.scenario.perspectives;
        perspectives
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| {
                let known: Vec<&str> = perspectives.iter().map(|p| p.name.as_str()).collect();
                format!(
                    "the scenario has no such perspective; its perspectives are: {}",
                    known.join(", ")
                )
            })
    }

    /// Runs the simulation with `settings`, then summarises it.
    pub fn run(&self, settings: SimSettings, progress: &dyn Progress) -> Result<Run> {
        progress.stage("run", Some(settings.iterations as u64), "iterations");
        let mut samples = self.samples();
        self.pool.install(|| {
            sim::simulate_in_chunks(
                &self.scenario,
                &settings,
                (0..settings.iterations, CHUNK),
                &|| progress.advance(1),
                &mut |chunk| push(&mut samples, &chunk),
            )
        })?;
        Ok(self.finish(settings, samples, None))
    }

    /// Runs shard `shard` of the run with `settings` and returns its part; `scenario_path` is
    /// where the merge will read the scenario again.
    pub fn run_shard(
        &self,
        settings: &SimSettings,
        shard: Shard,
        scenario_path: String,
        progress: &dyn Progress,
    ) -> Result<Part> {
        let range = shard.iterations(settings.iterations);
        progress.stage("run shard", Some(range.len() as u64), "iterations");
        let iterations = self.pool.install(|| {
            sim::simulate_shard(&self.scenario, settings, shard, &|| progress.advance(1))
        })?;
        Ok(Part::new(
            &self.scenario,
            scenario_path,
            settings,
            shard,
            iterations,
        ))
    }

    /// The run that the merged parts of `header`'s run make up, summarised as
    /// [`Session::run`] summarises it: the same results, byte for byte.
    pub fn merged(&self, header: &PartHeader, iterations: Vec<IterationResult>) -> Result<Run> {
        let mut chunks = iterations.chunks(CHUNK);
        self.merged_from(header, |into| {
            into.extend_from_slice(chunks.next().unwrap_or_default());
            Ok(())
        })
    }

    /// [`Session::merged`] with the iterations read in order a chunk at a time: `next_chunk`
    /// appends the next few to its vector, or none once all are read.
    pub fn merged_from(
        &self,
        header: &PartHeader,
        mut next_chunk: impl FnMut(&mut Vec<IterationResult>) -> Result<()>,
    ) -> Result<Run> {
        if header.source_hash != self.scenario.source_hash {
            return Err(Error::Usage(format!(
                "the scenario {} has changed since the shards ran (its files' hash was {}, \
                 is {}): run the shards again, or give --scenario with the version they ran",
                self.scenario.file, header.source_hash, self.scenario.source_hash
            )));
        }
        let mut samples = self.samples();
        let mut chunk = Vec::with_capacity(CHUNK);
        loop {
            chunk.clear();
            next_chunk(&mut chunk)?;
            if chunk.is_empty() {
                break;
            }
            push(&mut samples, &chunk)?;
        }
        Ok(self.finish(header.settings(), samples, None))
    }

    /// The columns of a run: in memory, or in a temporary file for a large run.
    fn samples(&self) -> RunSamples {
        RunSamples::new(&self.scenario, MEMORY_LIMIT)
    }

    /// Runs batches until the MCSE of every mean net is at most `target`, or `max_iterations`
    /// are done (`settings.iterations` is ignored); `on_batch` is told after each batch.
    pub fn run_to_precision(
        &self,
        settings: SimSettings,
        target: f64,
        max_iterations: usize,
        progress: &dyn Progress,
        on_batch: &(dyn Fn(&PrecisionProgress) + Sync),
    ) -> Result<Run> {
        let mut samples = self.samples();
        let run = self.pool.install(|| {
            precision::run_to_precision(
                &self.scenario,
                &settings,
                (target, max_iterations),
                &|| progress.advance(1),
                on_batch,
                &mut |chunk| push(&mut samples, &chunk),
            )
        })?;
        let settings = SimSettings {
            iterations: run.iterations,
            ..settings
        };
        let stop = PrecisionStop {
            target,
            reached: run.reached,
            mcse: run.mcse,
        };
        Ok(self.finish(settings, samples, Some(stop)))
    }

    fn finish(
        &self,
        settings: SimSettings,
        samples: RunSamples,
        precision: Option<PrecisionStop>,
    ) -> Run {
        // on the session's workers, as many as the simulation's
        let results = self
            .pool
            .install(|| RunResults::new(&self.scenario, &settings, &samples));
        Run {
            settings,
            samples,
            results,
            precision,
        }
    }

    /// Reads the observed file at `path` (what has happened to the real cohort) against the
    /// scenario.
    pub fn observed(&self, path: &Path) -> Result<ObservedFile> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::Usage(format!(
                "{name}: byte {} is not UTF-8 text: save the file as \"CSV UTF-8\" (in Excel: \
                 Save as, CSV UTF-8)",
                e.utf8_error().valid_up_to() + 1
            ))
        })?;
        observed::parse(&self.scenario, &name, &text)
    }

    /// Updates the scenario's parameters with the observed cohort (their distribution before
    /// and after), then its forecast (before and now), on the worker threads.
    pub fn follow_up(
        &self,
        file: &ObservedFile,
        settings: &FollowUpSettings,
        progress: &dyn Progress,
    ) -> Result<FollowUp> {
        self.pool
            .install(|| followup::follow_up(&self.scenario, file, settings, progress))
    }

    /// A synthetic observed file (CSV): `spec`'s people simulated at the parameters' medians
    /// (or `fixed` values), in the format [`Session::observed`] reads.
    pub fn synthetic_observed(
        &self,
        spec: SyntheticCohort,
        fixed: &[(usize, f64)],
        seed: u64,
    ) -> Result<String> {
        let settings = SimSettings {
            method: crate::sim::Method::Individual,
            iterations: 1,
            seed,
            fixed: fixed.to_vec(),
        };
        let sampler = sim::ParameterSampler::new(&self.scenario, &settings);
        let params = sampler.at_normals(&vec![0.0; sampler.dimension()]);
        let cohort = likelihood::synthetic(&self.scenario, &params, spec, seed)?;
        observed::to_csv(&self.scenario, &cohort)
    }

    /// Evaluates the model at `draws` parameter draws (and the corners) without simulating.
    pub fn check(&self, draws: usize, seed: u64) -> CheckReport {
        self.pool
            .install(|| sim::check::check(&self.scenario, draws, seed))
    }

    /// Runs a sensitivity analysis with `settings` on the worker threads.
    fn analyse<T: Send>(
        &self,
        settings: &AnalysisSettings,
        progress: &dyn Progress,
        run: impl FnOnce(&Analysis) -> Result<T> + Send,
    ) -> Result<T> {
        let analysis = Analysis {
            scenario: &self.scenario,
            iterations: settings.iterations,
            seed: settings.seed,
            method: settings.method,
            fixed: settings.fixed.clone(),
            perspective: settings.perspective,
            progress,
        };
        self.pool.install(|| run(&analysis))
    }

    /// One-way sensitivity: each parameter at its `low` and `high` quantile.
    pub fn tornado(
        &self,
        settings: &AnalysisSettings,
        progress: &dyn Progress,
        metric: Metric,
        (low, high): (f64, f64),
        others: Others,
    ) -> Result<TornadoReport> {
        self.analyse(settings, progress, |a| {
            tornado::tornado(a, metric, low, high, others)
        })
    }

    /// Results over a grid of parameter values, each axis written `NAME=LO..HI[:STEPS]`.
    pub fn sweep(
        &self,
        settings: &AnalysisSettings,
        progress: &dyn Progress,
        axes: &[String],
    ) -> Result<sweep::SweepReport> {
        self.analyse(settings, progress, |a| {
            let axes = axes
                .iter()
                .map(|v| sweep::Axis::parse(a, v))
                .collect::<Result<Vec<_>>>()?;
            sweep::sweep(a, axes)
        })
    }

    /// The value of `param` at which `target` is met.
    pub fn threshold(
        &self,
        settings: &AnalysisSettings,
        progress: &dyn Progress,
        param: &str,
        target: threshold::Target,
    ) -> Result<threshold::ThresholdReport> {
        self.analyse(settings, progress, |a| {
            threshold::threshold(a, param, target)
        })
    }

    /// First-order and total Sobol indices from Saltelli matrices of `base` rows.
    pub fn sobol(
        &self,
        settings: &AnalysisSettings,
        progress: &dyn Progress,
        base: usize,
        bootstrap: usize,
    ) -> Result<sobol::SobolReport> {
        self.analyse(settings, progress, |a| sobol::sobol(a, base, bootstrap))
    }

    /// The value of information: EVPI and each parameter's EVPPI.
    pub fn voi(
        &self,
        settings: &AnalysisSettings,
        progress: &dyn Progress,
    ) -> Result<voi::VoiReport> {
        self.analyse(settings, progress, voi::voi)
    }
}

impl Run {
    /// The net of every intervention per iteration, in `results.comparisons` order.
    pub fn net_samples(&self, scenario: &Scenario) -> Vec<Vec<f64>> {
        scenario
            .interventions()
            .map(|(arm, _)| self.samples.column(Column::Net { arm }).into_owned())
            .collect()
    }

    /// The decision-maker report of this run, with the nets' histograms.
    pub fn report_html(
        &self,
        scenario: &Scenario,
        lang: Lang,
        date: Option<String>,
    ) -> Result<String> {
        let options = html::Options {
            lang,
            date,
            net_samples: self.net_samples(scenario),
        };
        html::render_with(&self.results, &[], &options)
    }

    /// The workbook of this run, with its per-iteration sheet.
    pub fn workbook(&self, scenario: &Scenario, lang: Lang) -> Result<Vec<u8>> {
        crate::report::xlsx::workbook_in(lang, &self.results, Some((scenario, &self.samples)))
    }

    /// Writes the iterations' samples as CSV, in `layout`, to `out` as it goes.
    pub fn write_samples_csv(
        &self,
        scenario: &Scenario,
        layout: SamplesLayout,
        out: &mut dyn std::io::Write,
    ) -> Result<()> {
        crate::report::write_samples_csv(scenario, &self.samples, layout, out)
    }
}

/// Files the iterations of `chunk` in `samples`.
fn push(samples: &mut RunSamples, chunk: &[IterationResult]) -> Result<()> {
    samples
        .push(chunk)
        .map_err(|e| Error::io(std::env::temp_dir(), e))
}
