//! The examples in the documentation run as they are.

use crate::common::run;
use std::path::Path;

/// The rhai code blocks of a markdown file.
fn rhai_blocks(markdown: &str) -> Vec<String> {
    markdown
        .split("```rhai\n")
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn the_scripting_guide_example_runs() {
    let text = std::fs::read_to_string("docs/scripting.md").unwrap();
    let example = &rhai_blocks(&text)[0];
    let sc = socinv::script::load_scenario_str(example, "docs/scripting.md", Path::new("docs"))
        .unwrap_or_else(|e| panic!("the guide's example must run: {e}"));
    let (_, r) = run(&sc, 200, 1);
    assert!(r.comparisons[0].net.mean.is_finite());
}

#[test]
fn the_template_of_socinv_new_runs() {
    let text = include_str!("../../src/templates/new_scenario.rhai");
    let sc = socinv::script::load_scenario_str(text, "template.rhai", Path::new("."))
        .unwrap_or_else(|e| panic!("the template must run: {e}"));
    let (_, r) = run(&sc, 200, 1);
    assert!(r.comparisons[0].net.mean.is_finite());
}
