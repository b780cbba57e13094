//! socinv's errors: each says what went wrong, where, and what to fix.
//!
//! May import: `stats` only: every other module imports this one.

use std::path::PathBuf;

/// Everything that can stop a socinv command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario script has a syntax error, fails while running, or declares an invalid model.
    /// The message starts with `file:line:column` where the script is at fault.
    #[error("{0}")]
    Script(String),
    /// The model produced an invalid number during simulation (a probability outside \[0,1\], a row
    /// summing over 1, a NaN cost): the message names the rule, arm, year, iteration and parameters.
    #[error("{0}")]
    Model(String),
    /// A command-line setting does not fit the scenario (e.g. `--set` of an unknown parameter).
    #[error("{0}")]
    Usage(String),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The process exit code: 2 for problems in the user's input, 1 for the system's.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Script(_) | Error::Model(_) | Error::Usage(_) => 2,
            Error::Io { .. } => 1,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// socinv's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A number as a person writes it in a message: at most 12 significant digits
/// (0.8999999999999999 is 0.9), an exponent only beyond 10¹⁵ or below 10⁻⁶.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if x == 0.0 {
        return "0".to_string();
    }
    if x.abs() >= 1e15 || x.abs() < 1e-6 {
        let text = format!("{x:.11e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        format!("{mantissa}e{exponent}")
    } else {
        format!("{}", crate::stats::round_sig(x, 12))
    }
}

/// An amount in a message: [`number`] with a space between groups of thousands and a minus
/// sign, as in the reports: `−250 000`, `8 000.5`.
pub fn amount(x: f64) -> String {
    let plain = number(x.abs());
    if !x.is_finite() || x.abs() >= 1e15 {
        return number(x);
    }
    let (int, frac) = match plain.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (plain.as_str(), None),
    };
    let mut out = String::new();
    if x < 0.0 {
        out.push('−');
    }
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_messages_are_written_as_people_write_them() {
        assert_eq!(number(0.8999999999999999), "0.9");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(number(-0.25), "-0.25");
        assert_eq!(number(f64::MAX), "1.79769313486e308");
        assert_eq!(number(1e-9), "1e-9");
        assert_eq!(number(250000.0), "250000");
        assert_eq!(amount(-250000.0), "−250 000");
        assert_eq!(amount(8000.5), "8 000.5");
        assert_eq!(amount(999.0), "999");
        assert_eq!(amount(1234567.0), "1 234 567");
    }
}
