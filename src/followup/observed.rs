//! The observed file: what has happened to the real cohort so far, one row per person and year.
//!
//! ```text
//! person,year,state,arm,subgroup
//! 1,2027,hög frånvaro,Skolsociala team,hög risk
//! 1,2028,närvaro,Skolsociala team,hög risk
//! ```
//!
//! Columns (by header, in any order; Swedish headers `person`, `år`, `tillstånd`, `insats`,
//! `undergrupp` work too; comma or semicolon separated):
//! - `person`: any id, the same on each of the person's rows;
//! - `year`: the calendar year where the scenario states `first_year`, otherwise the year
//!   counted from 1 (`1` is the first year); one row per year from the first (with intakes,
//!   from the year of the person's intake), without gaps;
//! - `state`: a state's name or label;
//! - `arm`: the intervention the person took part in, or ordinary practice's name (or empty);
//! - `subgroup` (optional): the person's subgroup, where known (empty: not known).

use crate::error::{Error, Result};
use crate::scenario::Scenario;
use crate::sim::likelihood::{ObservedCohort, ObservedPerson};
use crate::source_text::{closest, same_name};
use indexmap::IndexMap;

/// The observed cohort, with where each of its rows came from.
#[derive(Clone, Debug)]
pub struct ObservedFile {
    pub name: String,
    pub cohort: ObservedCohort,
    /// `lines[person][year]`: the line of the file that gave that person-year.
    pub lines: Vec<Vec<usize>>,
}

/// The columns by their English and Swedish headers, in the order the rows are read.
const COLUMNS: [(&str, &str); 5] = [
    ("person", "person"),
    ("year", "år"),
    ("state", "tillstånd"),
    ("arm", "insats"),
    ("subgroup", "undergrupp"),
];
/// The one optional column: `subgroup`.
const OPTIONAL: usize = 4;

/// One person's rows as read, before they are checked to form a history.
struct Rows {
    first_line: usize,
    arm: (usize, usize),
    group: Option<(Option<usize>, usize)>,
    /// (model year, state, line)
    years: Vec<(usize, usize, usize)>,
}

/// Reads the observed file `text` (named `name` in messages) against `scenario`.
pub fn parse(scenario: &Scenario, name: &str, text: &str) -> Result<ObservedFile> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header = text.lines().next().unwrap_or("");
    let delimiter = if header.contains(';') && !header.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let at = |line: usize, message: String| Error::Usage(format!("{name}:{line}: {message}"));
    let headers = reader
        .headers()
        .map_err(|e| at(1, format!("cannot read the header row: {e}")))?
        .clone();
    let mut index: Vec<Option<usize>> = vec![None; COLUMNS.len()];
    for (i, h) in headers.iter().enumerate() {
        let Some(k) = COLUMNS
            .iter()
            .position(|(en, sv)| h.to_lowercase() == *en || h.to_lowercase() == *sv)
        else {
            return Err(at(
                1,
                format!(
                    "unknown column \"{h}\": the columns are person, year, state, arm and \
                     (optional) subgroup"
                ),
            ));
        };
        if index[k].is_some() {
            return Err(at(1, format!("the column \"{h}\" is given twice")));
        }
        index[k] = Some(i);
    }
    for (k, (en, _)) in COLUMNS.iter().enumerate() {
        if index[k].is_none() && k != OPTIONAL {
            return Err(at(
                1,
                format!(
                    "the column \"{en}\" is missing: the header must name person, year, state, \
                     arm and (optional) subgroup"
                ),
            ));
        }
    }
    let col = |c: usize| index[c];
    let mut people: IndexMap<String, Rows> = IndexMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            at(line, format!("cannot read the row: {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(str::is_empty) {
            continue;
        }
        let field = |c: usize| col(c).and_then(|i| record.get(i)).unwrap_or("");
        let id = field(0);
        if id.is_empty() {
            return Err(at(
                line,
                "the person is empty: give each person an id".into(),
            ));
        }
        let year = parse_year(scenario, field(1)).map_err(|m| at(line, m))?;
        let state = find(
            field(2),
            &scenario.states,
            |s| scenario.labels.state(s),
            "state",
        )
        .map_err(|m| at(line, m))?;
        let arm = if field(3).is_empty() {
            0
        } else {
            let names: Vec<String> = scenario.arms.iter().map(|a| a.name.clone()).collect();
            find(field(3), &names, |a| a, "arm").map_err(|m| at(line, m))?
        };
        let group = match col(OPTIONAL).map(|_| field(OPTIONAL)) {
            None => None,
            Some("") => Some(None),
            Some(g) => {
                let names: Vec<String> =
                    scenario.subgroups.iter().map(|s| s.name.clone()).collect();
                Some(Some(
                    find(g, &names, |s| s, "subgroup").map_err(|m| at(line, m))?,
                ))
            }
        };
        let rows = people.entry(id.to_string()).or_insert_with(|| Rows {
            first_line: line,
            arm: (arm, line),
            group: group.map(|g| (g, line)),
            years: Vec::new(),
        });
        if rows.arm.0 != arm {
            return Err(at(
                line,
                format!(
                    "person {id} is in arm \"{}\" here but in \"{}\" on line {}: a person \
                     receives one practice throughout",
                    scenario.arms[arm].name, scenario.arms[rows.arm.0].name, rows.arm.1
                ),
            ));
        }
        if let (Some((known, first)), Some(g)) = (rows.group, group)
            && known != g
        {
            return Err(at(
                line,
                format!("person {id} has another subgroup here than on line {first}"),
            ));
        }
        if let Some(&(_, _, other)) = rows.years.iter().find(|(t, _, _)| *t == year) {
            return Err(at(
                line,
                format!(
                    "person {id} is counted twice in {}: also on line {other}",
                    year_text(scenario, year)
                ),
            ));
        }
        rows.years.push((year, state, line));
    }
    if people.is_empty() {
        return Err(at(
            2,
            "the file has no rows: give one row per person and year".into(),
        ));
    }
    let mut cohort = ObservedCohort::default();
    let mut lines = Vec::new();
    let entries: Vec<usize> = scenario.intakes.iter().map(|i| i.year as usize).collect();
    for (id, mut rows) in people {
        rows.years.sort_unstable();
        let (entry, first) = (rows.years[0].0, rows.years[0].2);
        if entries.is_empty() && entry != 0 {
            return Err(at(
                first,
                format!(
                    "person {id}'s first row is {}: everyone in the cohort starts in {}, so \
                     give one row per year from {}, without gaps",
                    year_text(scenario, entry),
                    year_text(scenario, 0),
                    year_text(scenario, 0)
                ),
            ));
        }
        if !entries.is_empty() && !entries.contains(&entry) {
            let arrivals: Vec<String> = entries.iter().map(|&k| year_text(scenario, k)).collect();
            return Err(at(
                first,
                format!(
                    "person {id}'s first row is {}, when no intake arrives: a person's rows \
                     start in the year of their intake ({})",
                    year_text(scenario, entry),
                    arrivals.join(", ")
                ),
            ));
        }
        for (k, &(year, _, line)) in rows.years.iter().enumerate() {
            if year != entry + k {
                return Err(at(
                    line,
                    format!(
                        "person {id} has no row for {} (the rows start on line {}): give one \
                         row per year from {}, without gaps",
                        year_text(scenario, entry + k),
                        rows.first_line,
                        year_text(scenario, entry)
                    ),
                ));
            }
        }
        lines.push(rows.years.iter().map(|y| y.2).collect());
        cohort.people.push(ObservedPerson {
            id,
            group: rows.group.and_then(|g| g.0),
            variant: rows.arm.0,
            entry,
            states: rows.years.iter().map(|y| y.1).collect(),
        });
    }
    Ok(ObservedFile {
        name: name.to_string(),
        cohort,
        lines,
    })
}

/// The model year of a `year` field.
fn parse_year(scenario: &Scenario, field: &str) -> std::result::Result<usize, String> {
    let horizon = scenario.horizon as i64;
    let Ok(v) = field.parse::<i64>() else {
        return Err(format!("the year \"{field}\" is not a whole number"));
    };
    let (t, first, last) = match scenario.first_year {
        Some(y0) => (
            v.saturating_sub(y0 as i64),
            y0 as i64,
            y0 as i64 + horizon - 1,
        ),
        None => (v.saturating_sub(1), 1, horizon),
    };
    if t < 0 || t >= horizon {
        let kind = if scenario.first_year.is_some() {
            "calendar year"
        } else {
            "year (counted from 1)"
        };
        return Err(format!(
            "the {kind} {v} is outside the scenario's horizon, {first}–{last}"
        ));
    }
    Ok(t as usize)
}

/// The year `t` of the horizon as messages name it: "2028", or "year 2".
pub fn year_text(scenario: &Scenario, t: usize) -> String {
    match scenario.first_year {
        Some(_) => year_field(scenario, t),
        None => format!("year {}", t + 1),
    }
}

/// The year `t` of the horizon as the file's `year` column writes it: "2028", or "2".
fn year_field(scenario: &Scenario, t: usize) -> String {
    match scenario.first_year {
        Some(y0) => (y0 as i64 + t as i64).to_string(),
        None => (t + 1).to_string(),
    }
}

/// The index of `value` among `names` (by name or, through `label`, by label).
fn find<'a>(
    value: &str,
    names: &'a [String],
    label: impl Fn(&'a str) -> &'a str,
    what: &str,
) -> std::result::Result<usize, String> {
    if let Some(i) = names
        .iter()
        .position(|n| same_name(n, value) || same_name(label(n), value))
    {
        return Ok(i);
    }
    let hint = closest(value, names.iter().map(String::as_str))
        .map(|c| format!("; did you mean \"{c}\"?"))
        .unwrap_or_else(|| ".".into());
    let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    Err(format!(
        "unknown {what} \"{value}\"{hint} The {what}s are {}.",
        list.join(", ")
    ))
}

/// The observed file of `cohort`, in the format [`parse`] reads.
pub fn to_csv(scenario: &Scenario, cohort: &ObservedCohort) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| Error::Usage(format!("cannot write the observed file: {e}"));
    writer
        .write_record(["person", "year", "state", "arm", "subgroup"])
        .map_err(io)?;
    for p in &cohort.people {
        for (t, &s) in p.states.iter().enumerate() {
            let group = p.group.map_or("", |g| scenario.subgroups[g].name.as_str());
            writer
                .write_record([
                    p.id.as_str(),
                    &year_field(scenario, p.entry + t),
                    &scenario.states[s],
                    &scenario.arms[p.variant].name,
                    group,
                ])
                .map_err(io)?;
        }
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Usage(format!("cannot write the observed file: {e}")))?;
    Ok(String::from_utf8(bytes).expect("the CSV of UTF-8 names"))
}
