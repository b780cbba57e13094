//! socinv's errors: each says what went wrong, where, and what to fix.

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
