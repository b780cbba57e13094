//! The values of the person (episodes, attributes, start ages) as the outputs show them: carried
//! into the results JSON, absent where a scenario has none.

use crate::common::{run, scenario};
use std::path::Path;

fn json_of(sc: &socinv::scenario::Scenario) -> serde_json::Value {
    let (_, results) = run(sc, 2, 1);
    let text = serde_json::to_string_pretty(&results).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    // The reports read the JSON back: the new fields round-trip.
    let back: socinv::results::RunResults = serde_json::from_str(&text).unwrap();
    let again = serde_json::to_value(&back.scenario).unwrap();
    for key in ["attributes", "episodes", "subgroups", "labels"] {
        assert_eq!(again.get(key), v["scenario"].get(key), "{key}");
    }
    v
}

#[test]
fn the_sick_sicker_json_carries_its_episode_and_attribute() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sick_sicker.rhai");
    let sc = socinv::script::load_scenario(&path).unwrap();
    let v = json_of(&sc);
    let s = &v["scenario"];
    let episodes = s["episodes"].as_array().unwrap();
    assert_eq!(episodes.len(), 1, "{s}");
    assert_eq!(episodes[0]["name"], "ill");
    assert_eq!(episodes[0]["states"], serde_json::json!(["S1", "S2"]));
    assert!(
        episodes[0]["declared_at"]
            .as_str()
            .unwrap()
            .contains("sick_sicker.rhai:29:"),
        "{}",
        episodes[0]
    );
    let attributes = s["attributes"].as_array().unwrap();
    assert_eq!(attributes.len(), 1, "{s}");
    let x = &attributes[0];
    assert_eq!(x["name"], "x");
    assert_eq!(x["distribution"], "uniform(0.95, 1.05)");
    for (key, want) in [("p1", 0.951), ("p50", 1.0), ("p99", 1.049)] {
        let got = x[key].as_f64().unwrap();
        assert!((got - want).abs() < 1e-9, "{key}: {got} vs {want}");
    }
    // No label given: no label keys, and no start age in any subgroup.
    assert!(x.get("label").is_none(), "{x}");
    for g in s["subgroups"].as_array().unwrap() {
        assert!(g.get("start_age").is_none(), "{g}");
    }
}

#[test]
fn attribute_labels_and_start_ages_are_in_the_json_and_absent_without_them() {
    let with = scenario(
        r#"scenario(#{ name: "t", horizon: 3, cohort: 20 });
actor("k");
state("a"); state("b");
start(#{ a: 1.0 });
intervention("x", #{});
subgroup("unga", 0.4);
let p = param("p", uniform(0.1, 0.3));
start_age(10 + 20 * p);
start_age(uniform(13, 17), "unga");
let risk = attribute("risk", uniform(0.5, 1.5), #{ label: "Individuell risk", unit: "faktor", source: "antagande" });
transition("a", "b", min(p * risk, 1));
cost("a", "k", 100 + age());
"#,
    );
    let v = json_of(&with);
    let s = &v["scenario"];
    let risk = &s["attributes"][0];
    assert_eq!(risk["label"], "Individuell risk", "{risk}");
    assert_eq!(risk["unit"], "faktor");
    assert_eq!(risk["source"], "antagande");
    assert_eq!(
        s["labels"]["parameters"]["risk"]["label"],
        "Individuell risk"
    );
    let groups = s["subgroups"].as_array().unwrap();
    assert_eq!(groups[0]["name"], "unga");
    assert_eq!(
        groups[0]["start_age"],
        serde_json::json!({ "kind": "drawn", "written": "uniform(13, 17)", "median": 15.0 })
    );
    let fixed = &groups[1]["start_age"];
    assert_eq!(fixed["kind"], "fixed", "{fixed}");
    assert!(fixed["written"].as_str().unwrap().contains('p'), "{fixed}");
    assert!(
        (fixed["median"].as_f64().unwrap() - 14.0).abs() < 1e-9,
        "{fixed}"
    );
    assert!(s.get("episodes").is_none(), "{s}");

    // A scenario without values of the person has none of the new keys.
    let without = scenario(
        r#"scenario(#{ name: "t", horizon: 3, cohort: 20 });
actor("k");
state("a"); state("b");
start(#{ a: 1.0 });
intervention("x", #{});
transition("a", "b", 0.2);
cost("a", "k", 100);
"#,
    );
    let v = json_of(&without);
    let s = &v["scenario"];
    for key in ["episodes", "attributes"] {
        assert!(s.get(key).is_none(), "{key} in {s}");
    }
    for g in s["subgroups"].as_array().unwrap() {
        assert!(g.get("start_age").is_none(), "{g}");
    }
}

/// The report's appendix lists the attributes (label, distribution, P1–P99), episodes and start
/// ages, escaped; a scenario without them has no such lines.
#[test]
fn the_report_appendix_lists_the_values_of_the_person_escaped() {
    use socinv::report::html::{Lang, Options, render_with};
    let sc = scenario(
        r#"scenario(#{ name: "t", horizon: 3, cohort: 20 });
actor("k");
state("a"); state("b");
start(#{ a: 1.0 });
intervention("x", #{});
start_age(uniform(13, 17));
let borta = episode("<b>borta</b>", ["a", "b"]);
let risk = attribute("risk", uniform(0.5, 1.5), #{ label: "<i>risk</i>" });
transition("a", "b", min(0.2 * risk, 1));
cost("a", "k", 100 + age() + borta);
"#,
    );
    let (_, r) = run(&sc, 5, 1);
    for (lang, attributes, episode, age) in [
        (
            Lang::En,
            "Attributes drawn per person (not parameters)",
            "Episode",
            "Start age",
        ),
        (
            Lang::Sv,
            "Egenskaper som dras per person (inte parametrar)",
            "Episod",
            "Startålder",
        ),
    ] {
        let options = Options {
            lang,
            date: None,
            net_samples: Vec::new(),
        };
        let html = render_with(&r, &[], &options).unwrap();
        assert!(!html.contains("<i>risk"), "the label became markup");
        assert!(!html.contains("<b>borta"), "the episode name became markup");
        let p1 = if lang == Lang::Sv { "0,51" } else { "0.51" };
        for part in [
            format!(
                "<dt>{attributes}</dt><dd>&lt;i&gt;risk&lt;/i&gt; <code>uniform(0.5, 1.5)</code> (P1 {p1}"
            ),
            format!("<dt>{episode} &lt;b&gt;borta&lt;/b&gt;</dt><dd>a, b</dd>"),
            format!("<dt>{age}</dt><dd>övriga: <code>uniform(13, 17)</code>"),
        ] {
            assert!(html.contains(&part), "{part} not in the appendix");
        }
    }
    let plain = scenario(
        r#"scenario(#{ name: "t", horizon: 3, cohort: 20 });
actor("k");
state("a"); state("b");
start(#{ a: 1.0 });
intervention("x", #{});
transition("a", "b", 0.2);
cost("a", "k", 100);
"#,
    );
    let (_, r) = run(&plain, 5, 1);
    let options = Options {
        lang: Lang::En,
        date: None,
        net_samples: Vec::new(),
    };
    let html = render_with(&r, &[], &options).unwrap();
    for absent in ["Attributes drawn", "<dt>Episode", "<dt>Start age"] {
        assert!(!html.contains(absent), "{absent} in a report without them");
    }
}

/// An attribute is not a parameter: `--set`, `--vary` and `--param` refuse its name and say
/// why (exit 2, no output written).
#[test]
fn the_analyses_refuse_an_attribute_and_say_it_is_one() {
    use crate::common::{folder, socinv_in};
    let script = r#"scenario(#{ name: "t", horizon: 3, cohort: 20 });
actor("k");
state("a"); state("b");
start(#{ a: 1.0 });
intervention("x", #{});
let p = param("p", uniform(0.1, 0.3));
let risk = attribute("risk", uniform(0.5, 1.5));
transition("a", "b", min(p * risk, 1) * effect(0.5, 0.0));
cost("a", "k", 100);
"#;
    let dir = folder(&[("t.rhai", script)]);
    for args in [
        &[
            "run", "t.rhai", "-n", "5", "--set", "risk=1", "--json", "r.json",
        ][..],
        &[
            "sweep",
            "t.rhai",
            "-n",
            "5",
            "--vary",
            "risk=0.5..1",
            "--json",
            "r.json",
        ],
        &[
            "threshold",
            "t.rhai",
            "-n",
            "5",
            "--param",
            "risk",
            "--json",
            "r.json",
        ],
    ] {
        let out = socinv_in(dir.path(), args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr
                .contains("\"risk\" is an attribute, drawn once per person")
                && out.stderr.contains("its parameters are: p"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(
            !dir.path().join("r.json").exists(),
            "{args:?} wrote an output"
        );
    }
}
