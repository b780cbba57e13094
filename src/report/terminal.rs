//! The one way socinv writes to the terminal: tables and summaries on stdout, messages and the
//! `error:` line on stderr.
//!
//! Scenario strings (names, descriptions, notes, script `print`s) are user input, so every line
//! is cleaned here of control characters a terminal would act on: C0 except newline and tab
//! (so also carriage return and ESC), DEL, and C1 (U+0080–U+009F, with CSI U+009B). Each is shown
//! as an escape, `\u{1b}`, so that no escape sequence reaches the terminal and the text still
//! shows what was there. The crate's lints forbid `print!`/`eprint!` elsewhere.

use crate::console::is_terminal_control;
pub use crate::console::{clean, eprintln};
use crate::error::{Error, Result};
use std::io::{IsTerminal as _, Write as _};

/// Writes `text` to stdout, cleaned, its lines wrapped to 100 columns
/// ([`fit_lines`](super::format::fit_lines)), and flushes.
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(super::format::fit_lines(&clean(text)).as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("stdout", e))
}

/// Writes machine-readable output (JSON, CSV asked for with `-`) to stdout: byte for byte into
/// a pipe or a file, cleaned ([`clean`]) when stdout is a terminal, which must not receive a
/// scenario's control characters raw (JSON leaves C1 characters such as U+009B unescaped, CSV
/// every control character).
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let text;
    let bytes = if out.is_terminal() {
        text = clean(&String::from_utf8_lossy(bytes)).into_owned();
        text.as_bytes()
    } else {
        bytes
    };
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("stdout", e))
}

/// Writes `text` and a newline to stdout, cleaned.
pub fn println(text: &str) -> Result<()> {
    print(&format!("{text}\n"))
}

/// Whether stderr takes colour, as clap decides it: a terminal, `NO_COLOR` unset or empty,
/// `CLICOLOR_FORCE` to force it (anstream's rules, the ones clap's own errors follow).
pub fn stderr_has_colour() -> bool {
    !matches!(
        anstream::AutoStream::choice(&std::io::stderr()),
        anstream::ColorChoice::Never
    )
}

/// `error: ` as clap writes it: red and bold when `colour`, plain otherwise.
pub fn error_prefix(colour: bool) -> String {
    if colour {
        let style = *clap::builder::styling::Styles::styled().get_error();
        format!("{style}error:{style:#} ")
    } else {
        "error: ".to_string()
    }
}

/// Writes `error: MESSAGE` to stderr, the message cleaned, the prefix coloured like clap's when
/// stderr takes colour.
pub fn eprint_error(message: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "{}{}",
        error_prefix(stderr_has_colour()),
        clean(message)
    );
}

/// Writes a command-line error of clap's (usage, unknown argument, `--help`, `--version`) and
/// exits with its code: stdout for help and version, stderr otherwise. Clap echoes arguments as
/// they are, so when one holds a control character the message is written cleaned ([`clean`]),
/// its `error:` coloured as clap would; otherwise clap writes it itself, in its colours.
pub fn exit_with_clap_error(mut error: clap::Error) -> ! {
    use clap::error::ContextValue;
    let arguments_have_controls = std::env::args_os()
        .skip(1)
        .any(|a| a.to_string_lossy().chars().any(is_terminal_control));
    if !arguments_have_controls {
        error.exit()
    }
    // clap's own rendering drops styling but can keep raw control characters of the arguments
    let cleaned: Vec<_> = error
        .context()
        .filter_map(|(kind, value)| match value {
            ContextValue::String(s) => Some((kind, ContextValue::String(clean(s).into_owned()))),
            ContextValue::Strings(v) => Some((
                kind,
                ContextValue::Strings(v.iter().map(|s| clean(s).into_owned()).collect()),
            )),
            _ => None,
        })
        .collect();
    for (kind, value) in cleaned {
        error.insert(kind, value);
    }
    let text = error.render().to_string();
    let text = clean(&text);
    if error.use_stderr() {
        let message = text.strip_prefix("error: ").unwrap_or(&text);
        eprint_error(message.trim_end());
    } else {
        let _ = print(&text);
    }
    std::process::exit(error.exit_code())
}

/// The progress bar of a long command, on stderr while it is a terminal; hidden otherwise, so
/// that pipes, files and tests see nothing of it. Shows the stage, a bar, steps done of all,
/// the rate and the time left.
pub struct ProgressDisplay {
    bar: indicatif::ProgressBar,
}

impl ProgressDisplay {
    /// Drawn on stderr if stderr is a terminal, else hidden.
    pub fn on_stderr() -> ProgressDisplay {
        if std::io::stderr().is_terminal() {
            ProgressDisplay::drawn_to(indicatif::ProgressDrawTarget::stderr())
        } else {
            ProgressDisplay::drawn_to(indicatif::ProgressDrawTarget::hidden())
        }
    }

    fn drawn_to(target: indicatif::ProgressDrawTarget) -> ProgressDisplay {
        let bar = indicatif::ProgressBar::with_draw_target(None, target);
        ProgressDisplay { bar }
    }

    /// Sets the number of steps of the stage (the bar's length).
    pub fn set_steps(&self, steps: u64) {
        self.bar.set_length(steps);
    }

    /// Sets the text after the counts (e.g. the MCSE reached so far).
    pub fn set_note(&self, note: String) {
        self.bar.set_message(note);
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for ProgressDisplay {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// The template of a stage with a known length, `unit` naming a step.
fn style_with_length(label: &str, unit: &str) -> indicatif::ProgressStyle {
    let template =
        format!("{label} {{bar:24}} {{done}}/{{steps}} {unit} · {{rate}} · ETA {{eta}} {{msg}}");
    with_rate(indicatif::ProgressStyle::with_template(&template))
}

/// The template of a stage whose length is not known ahead: a spinner and the count.
fn style_without_length(label: &str, unit: &str) -> indicatif::ProgressStyle {
    let template = format!("{label} {{spinner}} {{done}} {unit} · {{rate}} {{msg}}");
    with_rate(indicatif::ProgressStyle::with_template(&template))
}

fn with_rate(
    style: std::result::Result<indicatif::ProgressStyle, indicatif::style::TemplateError>,
) -> indicatif::ProgressStyle {
    style
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{}/s", super::format::grouped(state.per_sec(), 0));
            },
        )
        .with_key(
            "done",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{}", super::format::grouped(state.pos() as f64, 0));
            },
        )
        .with_key(
            "steps",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let steps = state.len().map_or(f64::NAN, |n| n as f64);
                let _ = write!(w, "{}", super::format::grouped(steps, 0));
            },
        )
}

impl crate::sensitivity::Progress for ProgressDisplay {
    fn stage(&self, label: &str, steps: Option<u64>, unit: &'static str) {
        let label = clean(label);
        match steps {
            Some(n) => {
                self.bar.set_style(style_with_length(&label, unit));
                self.bar.set_length(n);
            }
            None => {
                self.bar.set_style(style_without_length(&label, unit));
                self.bar.unset_length();
            }
        }
        self.bar.set_position(0);
        self.bar.reset_eta();
        self.bar.reset_elapsed();
    }

    fn advance(&self, steps: u64) {
        self.bar.inc(steps);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_as_escapes() {
        assert_eq!(clean("plain\ttext\nÅÄÖ – ok"), "plain\ttext\nÅÄÖ – ok");
        assert_eq!(
            clean("a\u{1b}[31mb\u{9b}2Jc\rd\u{7f}e\u{7}"),
            "a\\u{1b}[31mb\\u{9b}2Jc\\u{d}d\\u{7f}e\\u{7}"
        );
        assert_eq!(clean(&clean("\u{1b}")), "\\u{1b}");
    }

    #[test]
    fn tables_line_up_with_escaped_names() {
        let rows = vec![
            vec!["x\u{1b}[1m".to_string(), "1".to_string()],
            vec!["plain name".to_string(), "22".to_string()],
        ];
        let text = crate::report::format::table(&rows, "");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "x\\u{1b}[1m    1");
        assert_eq!(lines[0].chars().count(), lines[1].chars().count(), "{text}");
    }
}
