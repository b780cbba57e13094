//! The scenario's own words: the target group's noun and texts per language (`name:
//! #{ sv: …, en: … }`), carried into the results; wrong forms refused at their line.

use crate::common::{load_error, run, scenario};
use socinv::report::html::Lang;

const MODEL: &str = r#"
state("hemma"); state("placerad");
start(#{ hemma: 1.0 });
actor("kommun");
transition("hemma", "placerad", 0.1);
cost("placerad", "kommun", 1000);
intervention("Stöd", #{ startup: 1000, years: 1, funded_by: #{ kommun: 1.0 } });
"#;

fn with(settings: &str) -> String {
    format!("scenario(#{{ {settings}, horizon: 2, cohort: 25 }});{MODEL}")
}

#[test]
fn texts_per_language_and_the_target_group_reach_the_results() {
    let sc = scenario(&with(
        r#"name: #{ sv: "Familjestöd", en: "Family support" },
           description: #{ sv: "För familjer", en: "For families" },
           target_group: #{ sv: "familjer", en: "families" }"#,
    ));
    assert_eq!(sc.name, "Familjestöd");
    assert_eq!(sc.target_group.as_deref(), Some("familjer"));
    let (_, results) = run(&sc, 10, 1);
    let info = &results.scenario;
    let sv = info.texts_in("sv");
    let en = info.texts_in("en");
    assert_eq!(
        (
            sv.name.as_str(),
            sv.description.as_str(),
            sv.target_group.as_deref()
        ),
        ("Familjestöd", "För familjer", Some("familjer"))
    );
    assert_eq!(
        (
            en.name.as_str(),
            en.description.as_str(),
            en.target_group.as_deref()
        ),
        ("Family support", "For families", Some("families"))
    );
    let json = socinv::report::json(&results);
    assert!(json.contains(r#""target_group": "familjer""#), "{json}");
    assert!(json.contains(r#""name": "Family support""#), "{json}");
    // and back: the report reads the same texts from the JSON
    let back =
        socinv::results::RunResults::from_json(serde_json::from_str(&json).unwrap()).unwrap();
    assert_eq!(back.scenario.texts_in("en"), en);
    // the report speaks of the target group with its noun, in its language
    for (lang, title, group) in [
        (Lang::Sv, "Familjestöd", "Målgrupp: 25 familjer"),
        (Lang::En, "Family support", "Target group: 25 families"),
    ] {
        let page = socinv::report::html::render(&results, &[], lang).unwrap();
        let doc = scraper::Html::parse_document(&page);
        let h1 = scraper::Selector::parse("h1").unwrap();
        let meta = scraper::Selector::parse("header p.meta").unwrap();
        let text = |sel| -> String { doc.select(sel).next().unwrap().text().collect() };
        assert_eq!(text(&h1), title);
        assert!(text(&meta).starts_with(group), "{}", text(&meta));
    }
}

#[test]
fn a_text_in_one_language_serves_both_but_the_target_group_only_its_own() {
    let sc = scenario(&with(r#"name: "Familjestöd", target_group: "familjer""#));
    assert!(sc.translations.is_empty());
    let (_, results) = run(&sc, 10, 1);
    let en = results.scenario.texts_in("en");
    assert_eq!(en.name, "Familjestöd");
    // "25 familjer" in an English report would read wrong: it says "people" instead
    assert_eq!(en.target_group, None);
    let page = socinv::report::html::render(&results, &[], Lang::En).unwrap();
    assert!(page.contains("Target group: 25 people"), "{page}");
    let json = socinv::report::json(&results);
    assert!(!json.contains("translations"), "{json}");
    // English only for the name: the description stays Swedish in English
    let sc = scenario(&with(
        r#"name: #{ sv: "Familjestöd", en: "Family support" }, description: "Bara svenska""#,
    ));
    let (_, results) = run(&sc, 10, 1);
    assert_eq!(results.scenario.texts_in("en").description, "Bara svenska");
}

#[test]
fn texts_in_other_languages_or_without_swedish_are_refused_at_their_line() {
    let e = load_error(&with(r#"name: #{ en: "Family support" }"#));
    assert!(
        e.contains("test.rhai:1:") && e.contains("the Swedish text is missing"),
        "{e}"
    );
    let e = load_error(&with(r#"name: #{ sv: "Familjestöd", fr: "Soutien" }"#));
    assert!(e.contains(r#""fr" is not a language of the report"#), "{e}");
    let e = load_error(&with(r#"name: "Familjestöd", target_group: 25"#));
    assert!(
        e.contains("scenario target_group: expected text in quotes"),
        "{e}"
    );
    let e = load_error(&with(r#"name: #{ sv: 5 }"#));
    assert!(e.contains("scenario name (sv): expected text"), "{e}");
}
