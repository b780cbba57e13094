//! Renders the decision-maker report from a results JSON and any sensitivity JSONs:
//!
//! ```sh
//! cargo run --release -- run scenarios/familjestod.rhai --json /tmp/f.json
//! cargo run --release -- tornado scenarios/familjestod.rhai --json /tmp/t.json
//! cargo run --release --example render_report -- [--lang en] /tmp/f.json /tmp/t.json > /tmp/report.html
//! ```

use socinv::report::html::{Lang, render};
use socinv::results::RunResults;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut lang = Lang::Sv;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--lang" => {
                lang = match args.next().as_deref() {
                    Some("en") => Lang::En,
                    Some("sv") => Lang::Sv,
                    other => return Err(format!("--lang sv|en, not {other:?}").into()),
                }
            }
            _ => files.push(a),
        }
    }
    let Some((results, sensitivity)) = files.split_first() else {
        return Err(
            "usage: render_report [--lang sv|en] RESULTS.json [SENSITIVITY.json ...]".into(),
        );
    };
    let results: RunResults = serde_json::from_str(&std::fs::read_to_string(results)?)?;
    let sensitivity = sensitivity
        .iter()
        .map(|f| Ok(serde_json::from_str(&std::fs::read_to_string(f)?)?))
        .collect::<Result<Vec<serde_json::Value>, Box<dyn std::error::Error>>>()?;
    print!("{}", render(&results, &sensitivity, lang)?);
    Ok(())
}
