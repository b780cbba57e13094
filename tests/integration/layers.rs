//! The modules import one way: each module may import only modules of lower layers (below), so
//! there is no circle between modules. Read from the `crate::` paths of src/ (comments and
//! `#[cfg(test)] mod tests` left out).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, lowest first: the engine half (formulas and numbers, the scenario, the engine,
/// the script that builds a scenario), the typed results, the analyses, the outputs, the
/// session façade over them, the command line.
const LAYERS: &[&[&str]] = &[
    &["stats", "expr"],
    &["error", "source_text", "console"],
    &["dist"],
    &["scenario"],
    &["sim"],
    &["script"],
    &["schema"],
    &["samples"],
    &["sensitivity"],
    &["compare"],
    &["results"],
    &["followup"],
    &["report"],
    &["session"],
    &["cli"],
];

/// The top-level module of a file under src/.
fn module_of(relative: &Path) -> String {
    let first = relative.components().next().unwrap();
    let name = first.as_os_str().to_string_lossy().to_string();
    name.trim_end_matches(".rs").to_string()
}

/// The top-level modules a source text names as `crate::name`, outside comments and its unit
/// tests.
fn imports(text: &str) -> BTreeSet<String> {
    let code = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut out = BTreeSet::new();
    for line in code.lines() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        let line = line.split(" //").next().unwrap_or("");
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
            rest = after;
        }
    }
    out
}

/// Every (importer, imported) pair of top-level modules in src/.
fn module_graph() -> BTreeMap<(String, String), Vec<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut edges: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(&src).unwrap();
            let from = module_of(relative);
            if from == "lib" || from == "main" {
                continue;
            }
            for to in imports(&std::fs::read_to_string(&path).unwrap()) {
                if to != from {
                    edges
                        .entry((from.clone(), to))
                        .or_default()
                        .push(relative.display().to_string());
                }
            }
        }
    }
    edges
}

fn layer_of(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|l| l.contains(&module))
        .unwrap_or_else(|| panic!("module `{module}` is in no layer: add it to LAYERS"))
}

#[test]
fn layers_module_imports_go_one_way() {
    let graph = module_graph();
    assert!(
        graph.len() > 20,
        "the scan found too few imports: {graph:?}"
    );
    let mut wrong = Vec::new();
    for ((from, to), files) in &graph {
        if layer_of(from) < layer_of(to)
            || (layer_of(from) == layer_of(to) && graph.contains_key(&(to.clone(), from.clone())))
        {
            wrong.push(format!("{from} imports {to} (in {})", files.join(", ")));
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layer order (a lower module imports a higher one, which makes a \
         circle possible): {wrong:#?}"
    );
}

#[test]
fn layers_the_check_sees_a_circle() {
    // the scan reads paths, not comments, and a path in a lower module counts
    let text = "//! see crate::report\nuse crate::results::X;\nfn f() { crate::report::x(); }\n\
                #[cfg(test)]\nmod tests { use crate::cli; }\n";
    let found: Vec<String> = imports(text).into_iter().collect();
    assert_eq!(found, ["report", "results"]);
    assert!(layer_of("sensitivity") < layer_of("report"));
    assert!(layer_of("sensitivity") < layer_of("results"));
}
