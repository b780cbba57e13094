//! A run split into shards, for a cluster: shard K of N simulates one contiguous block of the
//! iterations and writes a *part*; the parts merged give back every iteration in order, so the
//! results of the merge are the single run's, byte for byte, for any split. That holds because
//! each iteration's random streams are keyed by (seed, iteration) alone (see [`super::rng`]).
//!
//! A part file is the line `socinv.part/1`, one line of JSON ([`PartHeader`]: the scenario, the
//! settings, the shard and the layout of a record), then the iterations as records of
//! little-endian `f64`s (layout in [`RecordLayout`]). The header carries the SHA-256 of the
//! records, so a truncated or damaged part is refused, not merged.

use super::{ArmResult, IterationResult, SimSettings};
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::ops::Range;

/// The first line of a part file.
pub const PART_SCHEMA: &str = "socinv.part/1";

/// Shard `index` of `count` (1-based: `--shard 1/4` … `--shard 4/4`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Reads `K/N`, with 1 ≤ K ≤ N.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("{text}: write the shard as K/N, e.g. 3/8 (shard 3 of 8)"))?;
        let number = |s: &str| s.trim().parse::<usize>().ok();
        match (number(k), number(n)) {
            (Some(index), Some(count)) if 1 <= index && index <= count => {
                Ok(Shard { index, count })
            }
            (Some(_), Some(_)) => Err(format!(
                "{text}: K must be between 1 and N (shards are numbered 1/N … N/N)"
            )),
            _ => Err(format!(
                "{text}: write the shard as K/N with whole numbers, e.g. 3/8"
            )),
        }
    }

    /// The iterations of this shard among `total`: the `index`-th of `count` contiguous blocks
    /// whose sizes differ by at most one.
    pub fn iterations(&self, total: usize) -> Range<usize> {
        let at = |k: usize| ((k as u128 * total as u128) / self.count as u128) as usize;
        at(self.index - 1)..at(self.index)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl TryFrom<String> for Shard {
    type Error = String;
    fn try_from(text: String) -> Result<Shard, String> {
        Shard::parse(&text)
    }
}

impl From<Shard> for String {
    fn from(shard: Shard) -> String {
        shard.to_string()
    }
}

/// The numbers of one iteration's record, in this order: the parameter values, then per arm
/// the vectors of [`ArmResult`] in declaration order, `participants` last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordLayout {
    pub parameters: usize,
    pub arms: usize,
    pub actors: usize,
    pub years: usize,
    pub outcomes: usize,
}

impl RecordLayout {
    /// The layout of `scenario`'s iterations, read off one of them.
    fn of(scenario: &Scenario, first: Option<&IterationResult>) -> RecordLayout {
        RecordLayout {
            parameters: scenario.parameters.len(),
            arms: scenario.arms.len(),
            actors: scenario.actors.len(),
            years: first
                .and_then(|it| it.arms.first())
                .map_or(0, ArmResult::years),
            outcomes: scenario.outcomes.len(),
        }
    }

    /// The numbers of one arm's part of a record.
    fn per_arm(&self) -> usize {
        let (a, y) = (self.actors, self.years);
        3 * a + y + 3 * a * y + self.outcomes + 1
    }

    /// The numbers of one record.
    fn record(&self) -> usize {
        self.parameters + self.arms * self.per_arm()
    }
}

/// What a part says about the run it is part of; all parts of one run agree on everything but
/// `shard` and `first_iteration`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartHeader {
    pub schema: String,
    pub socinv_version: String,
    /// The scenario script as the shard was given it, which names it in the results.
    pub scenario_file: String,
    /// Where the scenario script was: its absolute path when the shard ran.
    pub scenario_path: String,
    /// The scenario's [`Scenario::source_hash`]: the merge refuses a scenario that changed.
    pub source_hash: String,
    pub seed: u64,
    /// The iterations of the whole run.
    pub iterations: usize,
    /// Parameters fixed with `--set`: (parameter index, value).
    pub fixed: Vec<(usize, f64)>,
    pub method: super::Method,
    pub shard: Shard,
    /// The first iteration of this part; it holds [`Shard::iterations`] of the run.
    pub first_iteration: usize,
    pub layout: RecordLayout,
    /// SHA-256 (hex) of the records.
    pub records_sha256: String,
}

impl PartHeader {
    /// The run's settings.
    pub fn settings(&self) -> SimSettings {
        SimSettings {
            method: self.method,
            iterations: self.iterations,
            seed: self.seed,
            fixed: self.fixed.clone(),
        }
    }

    /// Whether `other` is a part of the same run.
    fn same_run(&self, other: &PartHeader) -> bool {
        self.schema == other.schema
            && self.socinv_version == other.socinv_version
            && self.source_hash == other.source_hash
            && self.seed == other.seed
            && self.iterations == other.iterations
            && self.fixed == other.fixed
            && self.method == other.method
            && self.shard.count == other.shard.count
            && self.layout == other.layout
    }
}

/// One shard's iterations and what they belong to.
#[derive(Clone, Debug)]
pub struct Part {
    pub header: PartHeader,
    pub iterations: Vec<IterationResult>,
}

impl Part {
    /// The part of shard `shard` of the run of `scenario` (read from `scenario_path`) with
    /// `settings`, holding `iterations` (those of [`Shard::iterations`]).
    pub fn new(
        scenario: &Scenario,
        scenario_path: String,
        settings: &SimSettings,
        shard: Shard,
        iterations: Vec<IterationResult>,
    ) -> Part {
        Part {
            header: PartHeader {
                schema: PART_SCHEMA.to_string(),
                socinv_version: env!("CARGO_PKG_VERSION").to_string(),
                scenario_file: scenario.file.clone(),
                scenario_path,
                source_hash: scenario.source_hash.clone(),
                seed: settings.seed,
                iterations: settings.iterations,
                fixed: settings.fixed.clone(),
                method: settings.method,
                shard,
                first_iteration: shard.iterations(settings.iterations).start,
                layout: RecordLayout::of(scenario, iterations.first()),
                records_sha256: String::new(),
            },
            iterations,
        }
    }

    /// The part file's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let layout = self.header.layout;
        let mut records = Vec::with_capacity(self.iterations.len() * layout.record() * 8);
        for it in &self.iterations {
            let mut put = |values: &[f64]| {
                for v in values {
                    records.extend_from_slice(&v.to_le_bytes());
                }
            };
            put(&it.params);
            for arm in &it.arms {
                put(&arm.cost_by_actor);
                put(&arm.transfer_by_actor);
                put(&arm.program_by_actor);
                put(&arm.cost_by_year);
                put(&arm.cost_by_actor_year);
                put(&arm.transfer_by_actor_year);
                put(&arm.program_by_actor_year);
                put(&arm.outcomes);
                put(&[arm.participants]);
            }
        }
        let header = PartHeader {
            records_sha256: sha256_hex(&records),
            ..self.header.clone()
        };
        let mut bytes = format!(
            "{PART_SCHEMA}\n{}\n",
            serde_json::to_string(&header).expect("a part header serialises")
        )
        .into_bytes();
        bytes.extend_from_slice(&records);
        bytes
    }

    /// Reads a part file's bytes; the error says what is wrong with the file.
    pub fn decode(bytes: &[u8]) -> Result<Part, String> {
        let mut reader = PartReader::open(bytes, bytes.len() as u64)?;
        let mut iterations = Vec::with_capacity(reader.left);
        while reader.read_chunk(usize::MAX, &mut iterations)? > 0 {}
        Ok(Part {
            header: reader.header,
            iterations,
        })
    }
}

/// A part file read a few iterations at a time, so that a merge holds no part whole: its
/// header is checked when it is opened, its records' checksum once the last is read.
pub struct PartReader<R> {
    pub header: PartHeader,
    records: R,
    /// The iterations not read yet.
    left: usize,
    hasher: Sha256,
}

impl<R: std::io::Read> PartReader<R> {
    /// Reads the header of a part file of `len` bytes from `file`, and checks that the file
    /// holds as many records as its shard has iterations; the error says what is wrong.
    pub fn open(mut file: R, len: u64) -> Result<PartReader<R>, String> {
        let not_a_part = || {
            format!(
                "not a socinv part file (it should start with the line {PART_SCHEMA}, as \
                 `socinv run --shard K/N --part FILE` writes it)"
            )
        };
        let first = read_line(&mut file, PART_SCHEMA.len() + 64).ok_or_else(not_a_part)?;
        if first != PART_SCHEMA.as_bytes() {
            return Err(match std::str::from_utf8(&first) {
                Ok(line) if line.starts_with("socinv.part/") => format!(
                    "a part file of format {line}, which this socinv ({}) cannot read; merge \
                     it with the socinv that wrote it",
                    env!("CARGO_PKG_VERSION")
                ),
                _ => not_a_part(),
            });
        }
        let second = read_line(&mut file, MAX_HEADER).ok_or_else(not_a_part)?;
        let header: PartHeader = serde_json::from_slice(&second)
            .map_err(|e| format!("the part's header cannot be read ({e})"))?;
        let records = len.saturating_sub((first.len() + second.len() + 2) as u64);
        let layout = header.layout;
        let expected = header.shard.iterations(header.iterations).len();
        let needed = (expected as u64) * (layout.record() as u64) * 8;
        if records != needed
            || header.first_iteration != header.shard.iterations(header.iterations).start
        {
            return Err(format!(
                "the part holds {records} bytes of iterations where shard {} of a run of {} \
                 iterations needs {needed}: the file is incomplete (was the shard stopped?); \
                 run the shard again",
                header.shard, header.iterations,
            ));
        }
        Ok(PartReader {
            header,
            records: file,
            left: expected,
            hasher: Sha256::new(),
        })
    }

    /// Appends up to `max` of the part's next iterations to `out` and returns how many; 0 once
    /// all are read, which is when their checksum is checked.
    pub fn read_chunk(
        &mut self,
        max: usize,
        out: &mut Vec<IterationResult>,
    ) -> Result<usize, String> {
        let n = max.min(self.left);
        let layout = self.header.layout;
        let mut bytes = vec![0; n * layout.record() * 8];
        self.records
            .read_exact(&mut bytes)
            .map_err(|e| format!("the part's iterations cannot be read ({e})"))?;
        self.hasher.update(&bytes);
        self.left -= n;
        if n == 0 && hex(&self.hasher.clone().finalize()) != self.header.records_sha256 {
            return Err(
                "the part's iterations do not match their checksum: the file is \
                        damaged; run the shard again"
                    .to_string(),
            );
        }
        let mut values = bytes
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")));
        let mut take = |n: usize| -> Vec<f64> { values.by_ref().take(n).collect() };
        let (a, y) = (layout.actors, layout.years);
        out.extend((0..n).map(|_| {
            IterationResult {
                params: take(layout.parameters),
                arms: (0..layout.arms)
                    .map(|_| ArmResult {
                        cost_by_actor: take(a),
                        transfer_by_actor: take(a),
                        program_by_actor: take(a),
                        cost_by_year: take(y),
                        cost_by_actor_year: take(a * y),
                        transfer_by_actor_year: take(a * y),
                        program_by_actor_year: take(a * y),
                        outcomes: take(layout.outcomes),
                        participants: take(1)[0],
                    })
                    .collect(),
            }
        }));
        Ok(n)
    }
}

/// The longest header line a part may have (its `--set` values and paths are short).
const MAX_HEADER: usize = 1 << 20;

/// The next line of `file`, without its end; `None` at the end of the file, on an error, or
/// past `max` bytes.
fn read_line(file: &mut impl std::io::Read, max: usize) -> Option<Vec<u8>> {
    let mut line = Vec::new();
    let mut byte = [0u8];
    loop {
        file.read_exact(&mut byte).ok()?;
        if byte[0] == b'\n' {
            return Some(line);
        }
        if line.len() == max {
            return None;
        }
        line.push(byte[0]);
    }
}

/// Puts the parts of one run together: every shard once, the iterations in order. `names`
/// name the parts in messages. Returns the run's header (that of shard 1) and its iterations.
pub fn merge(
    parts: Vec<Part>,
    names: &[String],
) -> Result<(PartHeader, Vec<IterationResult>), String> {
    let headers: Vec<&PartHeader> = parts.iter().map(|p| &p.header).collect();
    let order = shard_order(&headers, names)?;
    let mut parts: Vec<Option<Part>> = parts.into_iter().map(Some).collect();
    let mut taken = order
        .iter()
        .map(|&i| parts[i].take().expect("each part once"));
    let first = taken.next().expect("shard 1 is there");
    let mut iterations = first.iterations;
    iterations.reserve(first.header.iterations - iterations.len());
    for part in taken {
        iterations.extend(part.iterations);
    }
    Ok((first.header, iterations))
}

/// Checks that these headers are the parts of one run, every shard once, and returns their
/// places in shard order. `names` name the parts in messages.
pub fn shard_order(headers: &[&PartHeader], names: &[String]) -> Result<Vec<usize>, String> {
    let Some(&reference) = headers.first() else {
        return Err("give the part files to merge".to_string());
    };
    let count = reference.shard.count;
    let mut slots: Vec<Option<usize>> = vec![None; count];
    for (i, header) in headers.iter().enumerate() {
        let name = &names[i];
        if !header.same_run(reference) {
            return Err(format!(
                "{name} is a part of another run than {}: the parts of one run share the \
                 scenario, socinv version, --seed, --iterations, --set, --method and the N of \
                 --shard K/N",
                names[0]
            ));
        }
        let slot = &mut slots[header.shard.index - 1];
        if let Some(earlier) = slot {
            return Err(format!(
                "{name} and {} are both shard {}: give each shard once",
                names[*earlier], header.shard
            ));
        }
        *slot = Some(i);
    }
    let missing: Vec<String> = (1..=count)
        .filter(|k| slots[k - 1].is_none())
        .map(|k| format!("{k}/{count}"))
        .collect();
    match missing.as_slice() {
        [] => Ok(slots.into_iter().flatten().collect()),
        [one] => Err(format!(
            "shard {one} is missing: the merge needs every shard of the run"
        )),
        several => Err(format!(
            "shards {} are missing: the merge needs every shard of the run",
            several.join(", ")
        )),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
