//! The one way socinv writes to the terminal: tables and summaries on stdout, messages and the
//! `error:` line on stderr.
//!
//! Scenario strings (names, descriptions, notes, script `print`s) are user input, so every line
//! is cleaned here of control characters a terminal would act on: C0 except newline and tab
//! (so also carriage return and ESC), DEL, and C1 (U+0080–U+009F, with CSI U+009B). Each is shown
//! as an escape, `\u{1b}`, so that no escape sequence reaches the terminal and the text still
//! shows what was there. The crate's lints forbid `print!`/`eprint!` elsewhere.

use crate::error::{Error, Result};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write as _;

/// Whether a terminal would act on `c` rather than show it.
fn is_terminal_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c)
}

/// `text` with every terminal control character written as an escape, `\u{1b}`.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_terminal_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_terminal_control(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Writes `text` to stdout, cleaned, and flushes.
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(clean(text).as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("stdout", e))
}

/// Writes `text` and a newline to stdout, cleaned.
pub fn println(text: &str) -> Result<()> {
    print(&format!("{text}\n"))
}

/// Writes `text` and a newline to stderr, cleaned (a failure to write is ignored: there is no
/// better place to say so).
pub fn eprintln(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", clean(text));
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
