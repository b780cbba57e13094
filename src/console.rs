//! Text made safe for the terminal, for every layer that writes a scenario's strings there:
//! control characters a terminal would act on (C0 except newline and tab, so also carriage
//! return and ESC; DEL; C1, U+0080–U+009F, with CSI U+009B) are shown as escapes, `\u{1b}`.
//! `report::terminal` writes the outputs with it; a script's `print` goes through [`eprintln()`].

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write as _;

/// Whether a terminal would act on `c` rather than show it.
pub(crate) fn is_terminal_control(c: char) -> bool {
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

/// Writes `text` and a newline to stderr, cleaned (a failure to write is ignored: there is no
/// better place to say so).
pub fn eprintln(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", clean(text));
}
