//! The sensitivity outputs as typed schema values: each type read back from its JSON writes the
//! same bytes (NaN as null included), and a file is read by its `schema` field.

use crate::common::scenario;
use serde::Serialize;
use socinv::schema::SensitivityOutput;
use socinv::sensitivity::sweep::{Axis, sweep};
use socinv::sensitivity::threshold::{Target, ThresholdStatus, threshold};
use socinv::sensitivity::tornado::{Others, tornado};
use socinv::sensitivity::{Analysis, Metric, sobol, voi};

/// Two correlated parameters and a cohort the intervention does not change, so the net is
/// −(100 + 10a + 2b) (a threshold at net −150 is found, at 10⁶ not); `constant` keeps it fixed
/// (Sobol indices then undefined: NaN, written as null).
fn source(constant: bool) -> String {
    let startup = if constant {
        "100"
    } else {
        "100 + 10 * a + 2 * b"
    };
    format!(
        r#"
scenario(#{{ name: "round trip", horizon: 2, cohort: 20 }});
actor("kommun");
state("frisk");
state("sjuk");
start(#{{ frisk: 1.0 }});
let a = param("a", uniform(0, 10), #{{ label: "Effekt", unit: "andel" }});
let b = param("b", normal(1, 0.2));
correlate("a", "b", 0.5);
intervention("x", #{{ startup: {startup}, funded_by: #{{ kommun: 1.0 }} }});
transition("frisk", "sjuk", 0.3);
cost("sjuk", "kommun", 1000);
"#
    )
}

fn analysis(sc: &socinv::scenario::Scenario) -> Analysis<'_> {
    Analysis {
        method: socinv::sim::Method::Individual,
        scenario: sc,
        iterations: 60,
        seed: 3,
        fixed: Vec::new(),
        perspective: None,
        progress: &socinv::sensitivity::NoProgress,
    }
}

/// JSON → the type its schema names → JSON: the same text.
fn assert_round_trip(value: &impl Serialize, schema: &str) {
    let written = serde_json::to_string_pretty(value).unwrap();
    let read = SensitivityOutput::from_json(serde_json::from_str(&written).unwrap())
        .unwrap_or_else(|e| panic!("{schema} should read back: {e}"));
    assert_eq!(read.header().schema, schema);
    let again = match &read {
        SensitivityOutput::Tornado(r) => serde_json::to_string_pretty(r),
        SensitivityOutput::Sweep(r) => serde_json::to_string_pretty(r),
        SensitivityOutput::Threshold(r) => serde_json::to_string_pretty(r),
        SensitivityOutput::Sobol(r) => serde_json::to_string_pretty(r),
        SensitivityOutput::Voi(r) => serde_json::to_string_pretty(r),
    }
    .unwrap();
    assert_eq!(again, written, "{schema} changed on its way back");
}

#[test]
fn schema_tornado_round_trips() {
    let sc = scenario(&source(false));
    let r = tornado(&analysis(&sc), Metric::Net, 0.1, 0.9, Others::Vary).unwrap();
    assert!(!r.correlated.is_empty() && !r.header.labels.is_empty());
    assert_round_trip(&r, "socinv.tornado/1");
}

#[test]
fn schema_sweep_round_trips() {
    let sc = scenario(&source(false));
    let a = analysis(&sc);
    let axes = vec![
        Axis::parse(&a, "a=0..10:3").unwrap(),
        Axis::parse(&a, "b=0.5..1.5:2").unwrap(),
    ];
    assert_round_trip(&sweep(&a, axes).unwrap(), "socinv.sweep/1");
}

#[test]
fn schema_threshold_round_trips_found_and_not_met() {
    let sc = scenario(&source(false));
    for (target, status) in [
        ("net=-150", ThresholdStatus::Found),
        ("net=1000000", ThresholdStatus::NotMet),
    ] {
        let r = threshold(&analysis(&sc), "a", Target::parse(target).unwrap()).unwrap();
        assert_eq!(r.results[0].status, status);
        // the JSON carries the statement in words, which the output side writes
        let json = serde_json::to_value(&r).unwrap();
        let words = json["results"][0]["statement"].as_str().unwrap();
        let expected = match status {
            ThresholdStatus::Found => "the mean net reaches -150 at Effekt = ",
            ThresholdStatus::NotMet => "the mean net stays between ",
        };
        assert!(words.starts_with(expected), "{words}");
        assert_round_trip(&r, "socinv.threshold/1");
    }
}

#[test]
fn schema_sobol_round_trips_with_undefined_indices() {
    let sc = scenario(&source(false));
    assert_round_trip(
        &sobol::sobol(&analysis(&sc), 16, 10).unwrap(),
        "socinv.sobol/1",
    );
    let sc = scenario(&source(true));
    let r = sobol::sobol(&analysis(&sc), 8, 0).unwrap();
    // no bootstrap and no variance: null intervals and indices
    assert!(r.results[0].indices.iter().all(|i| i.first_order.is_nan()));
    assert!(serde_json::to_string(&r).unwrap().contains("null"));
    assert_round_trip(&r, "socinv.sobol/1");
}

#[test]
fn schema_voi_round_trips() {
    let sc = scenario(&source(false));
    assert_round_trip(&voi::voi(&analysis(&sc)).unwrap(), "socinv.voi/1");
}

#[test]
fn schema_unknown_or_missing_schema_is_refused() {
    for text in [r#"{"schema": "socinv.tornado/9"}"#, r#"{"results": []}"#] {
        let e = SensitivityOutput::from_json(serde_json::from_str(text).unwrap()).unwrap_err();
        assert!(e.to_string().contains("unknown schema"), "{e}");
    }
    // a known schema with a field missing says which
    let e =
        SensitivityOutput::from_json(serde_json::json!({"schema": "socinv.voi/1"})).unwrap_err();
    assert!(e.to_string().contains("missing field"), "{e}");
}
