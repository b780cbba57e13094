//! The rhai bridge: a sandboxed engine runs a scenario script once and builds a [`Scenario`].
//!
//! The script's top level *declares* the model through the functions registered in the `api` module;
//! formulas become [`crate::expr::Expr`] graphs. Nothing here runs during the simulation.
//!
//! The sandbox: no file or network access (rhai has none unless registered), no clock or
//! `sleep`, `eval` disabled, `import` only of regular `.rhai` files in the scenario's own folder
//! (UTF-8, at most 10 MB, no cycles), limits on load time, operations, call depth, expression
//! depth, string, array and map sizes, formula size and depth; `print`/`debug` go to stderr,
//! capped.
//!
//! May import: `scenario`, `sim` (correlation groups), `dist`, `expr`, `error`, `stats`. Known
//! exception, to be removed: `print`/`debug` write through `report::terminal`.

mod api;
mod diagnostic;
mod sandbox;

use crate::error::{Error, Result};
use crate::scenario::Scenario;
use rhai::{AST, Engine, EvalAltResult, Position};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex};

pub use sandbox::{MAX_FILE_BYTES, MAX_LOAD_TIME, MAX_OPERATIONS};

/// The name among `known` that `name` was probably meant to be: the same ignoring case and
/// diacritics, or a few edits away (for "did you mean" in messages).
pub fn closest_name<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    diagnostic::closest(name, known)
}

/// Whether two names are the same after Unicode normalisation (NFC), as the script compares
/// them.
pub fn same_name(a: &str, b: &str) -> bool {
    diagnostic::same_name(a, b)
}

/// Reads and runs a scenario script, returning the validated model.
pub fn load_scenario(path: &Path) -> Result<Scenario> {
    load_scenario_named(path, &path.display().to_string())
}

/// Loads the scenario script at `path`, named `display` in messages and results (a merge reads
/// the scenario where it is now under the name the shards gave it).
pub fn load_scenario_named(path: &Path, display: &str) -> Result<Scenario> {
    let display = display.to_string();
    let source = match read_script(path) {
        Ok(text) => text,
        Err(ReadError::Io(e)) => return Err(Error::io(path, e)),
        Err(ReadError::Bad(e)) => return Err(Error::Script(e.at(&display))),
    };
    let dir = path
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(Path::new("."));
    load_scenario_str(&source, &display, dir)
}

/// Runs a scenario script given as text; `file` names it in messages, `dir` is where `import`
/// may look.
pub fn load_scenario_str(source: &str, file: &str, dir: &Path) -> Result<Scenario> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let sources: sandbox::SourceLog = Arc::new(Mutex::new(Vec::new()));
    // Every message shows the line it points at, in the main script or an import.
    let named = || {
        let mut all = vec![(file.to_string(), source.to_string())];
        for (name, text) in sources.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            let stem = name.strip_suffix(".rhai").unwrap_or(name);
            all.push((stem.to_string(), text.clone()));
            all.push((name.clone(), text.clone()));
        }
        all
    };
    let shown = |text: String| Error::Script(diagnostic::render(&text, &named()));
    let builder = api::SharedBuilder::new(file, source);
    let stopped = sandbox::StopToken::default();
    let mut engine = sandbox::engine(file, dir, &sources, &stopped);
    api::register(&mut engine, &builder);

    let mut ast = compile(&engine, source).map_err(|e| shown(e.at(file)))?;
    ast.set_source(file);
    if let Err(e) = engine.run_ast(&ast) {
        let text = eval_message(file, &e, &stopped, &current_sources(file, source, &sources));
        return Err(shown(text));
    }
    // A limit reached inside a call that ignores errors (a sort comparator) still stops it.
    if let Some((token, _)) = stopped.get() {
        let stop = EvalAltResult::ErrorTerminated(token.to_string().into(), Position::NONE);
        let text = eval_message(file, &stop, &stopped, &[]);
        return Err(shown(text));
    }
    let imports = std::mem::take(&mut *sources.lock().unwrap_or_else(|p| p.into_inner()));
    builder.set_source_hash(source_hash(source, &imports));
    let finished = builder.finish();
    sources
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .extend(imports);
    let mut scenario = finished.map_err(shown)?;
    scenario.sources = named();
    Ok(scenario)
}

/// The main script and the imports read so far, by the names messages give them.
fn current_sources(
    file: &str,
    source: &str,
    sources: &sandbox::SourceLog,
) -> Vec<(String, String)> {
    let mut all = vec![(file.to_string(), source.to_string())];
    all.extend(
        sources
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned(),
    );
    all
}

/// SHA-256 (hex) of the main script's text and every imported file's name and text, in the
/// order loaded: a change in any file the model reads changes the hash.
fn source_hash(main: &str, imports: &[(String, String)]) -> String {
    let mut hasher = Sha256::new();
    let mut part = |name: &str, text: &str| {
        for piece in [name.as_bytes(), text.as_bytes()] {
            hasher.update((piece.len() as u64).to_le_bytes());
            hasher.update(piece);
        }
    };
    part("", main);
    for (name, text) in imports {
        part(name, text);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A problem in a script file that may have a position in it.
#[derive(Debug)]
pub(crate) struct LoadError {
    pub message: String,
    pub position: Position,
}

impl LoadError {
    fn new(message: impl Into<String>, position: Position) -> Self {
        LoadError {
            message: message.into(),
            position,
        }
    }

    /// `file:line:column: message`, or `file: message` without a position.
    fn at(&self, file: &str) -> String {
        if self.position.is_none() {
            format!("{file}: {}", self.message)
        } else {
            format!("{}: {}", at(file, self.position), self.message)
        }
    }
}

pub(crate) enum ReadError {
    /// The file cannot be read at all (missing, no permission).
    Io(std::io::Error),
    /// The file is read but is not a script socinv accepts.
    Bad(LoadError),
}

/// Reads a script: a regular file of at most [`MAX_FILE_BYTES`], UTF-8 (a byte-order mark is
/// skipped). A FIFO or a device is refused before it is opened, so reading cannot hang.
pub(crate) fn read_script(path: &Path) -> std::result::Result<String, ReadError> {
    let bad = |m: String| ReadError::Bad(LoadError::new(m, Position::NONE));
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(bad(
            "is not a regular file (a folder, pipe or device?); give the path of a .rhai file"
                .to_string(),
        ));
    }
    let too_large = || {
        bad(format!(
            "is larger than {} MB; a scenario script is text of a few kilobytes",
            MAX_FILE_BYTES / 1_000_000
        ))
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    decode(bytes).map_err(ReadError::Bad)
}

/// The text of a script file's bytes: UTF-8 without its byte-order mark, or where the first byte
/// that is not UTF-8 lies.
fn decode(mut bytes: Vec<u8>) -> std::result::Result<String, LoadError> {
    if bytes.starts_with(b"\xef\xbb\xbf") {
        bytes.drain(..3);
    }
    let utf16 = bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff");
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let valid = std::str::from_utf8(valid).expect("the prefix is valid");
        let line = valid.matches('\n').count() + 1;
        let column = valid.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        let encoding = if utf16 {
            "it is UTF-16"
        } else {
            "it was probably saved as Latin-1 or Windows-1252"
        };
        LoadError::new(
            format!("is not UTF-8 text ({encoding}): save the file as UTF-8"),
            Position::new(
                u16::try_from(line).unwrap_or(u16::MAX),
                u16::try_from(column).unwrap_or(u16::MAX),
            ),
        )
    })
}

/// Compiles a script after checking what rhai would silently accept (an unclosed comment) or
/// get wrong (lines beyond 65,535); a syntax error from a spreadsheet habit says what to write.
pub(crate) fn compile(engine: &Engine, source: &str) -> std::result::Result<AST, LoadError> {
    let lines = source.lines().count();
    if lines > sandbox::MAX_LINES {
        return Err(LoadError::new(
            format!(
                "has {} lines; a scenario script may have at most {} (move data or parts into \
                 files it imports)",
                count(lines),
                count(sandbox::MAX_LINES)
            ),
            Position::NONE,
        ));
    }
    if let Some(pos) = unclosed_block_comment(source) {
        return Err(LoadError::new(
            "syntax error: this `/*` comment is never closed with `*/`, so it hides the rest of \
             the file",
            pos,
        ));
    }
    engine.compile(source).map_err(|e| {
        let pos = e.position();
        let line = pos
            .line()
            .and_then(|l| source.lines().nth(l - 1))
            .unwrap_or_default();
        if let Some(habit) = diagnostic::number_habit(line, pos.position().unwrap_or(0)) {
            return LoadError::new(
                format!("syntax error: {}\nhelp: {}", habit.message, habit.help),
                Position::new(
                    u16::try_from(pos.line().unwrap_or(1)).unwrap_or(u16::MAX),
                    u16::try_from(habit.column).unwrap_or(u16::MAX),
                ),
            );
        }
        if let Some(hint) = pos
            .position()
            .and_then(|column| non_ascii_name(line, column))
        {
            return LoadError::new(format!("syntax error: {hint}"), pos);
        }
        // A spreadsheet's argument separator: `cost("risk"; "kommun"; 100)`.
        let semicolon = pos.position().is_some_and(|column| {
            line.chars().nth(column - 1) == Some(';')
                && line.chars().take(column - 1).filter(|&c| c == '(').count()
                    > line.chars().take(column - 1).filter(|&c| c == ')').count()
        });
        let separator = if semicolon {
            "\nhelp: separate the arguments with commas, as in cost(\"risk\", \"kommun\", 100); \
             a `;` ends a statement"
        } else {
            ""
        };
        let message = match e.err_type() {
            rhai::ParseErrorType::ExprTooDeep => format!(
                "the expression nests more than {} levels deep (brackets or calls inside each \
                 other)\nhelp: compute parts of it in variables with let",
                sandbox::MAX_EXPR_DEPTH
            ),
            rhai::ParseErrorType::LiteralTooLarge(what, _) if what == "Length of string" => {
                format!(
                    "a text may be at most {} bytes long (å, ä and ö take two)",
                    count(sandbox::MAX_TEXT_BYTES)
                )
            }
            rhai::ParseErrorType::UnexpectedEOF => "the script ends in the middle of a statement: \
                                                    is a `)`, `]` or `}` missing?"
                .to_string(),
            other => plain_types(&other.to_string()),
        };
        LoadError::new(format!("syntax error: {message}{separator}"), pos)
    })
}

/// A variable name with a letter rhai does not allow in names (`let årskostnad`), where rhai
/// stopped at `column`: the headline and what to write instead.
fn non_ascii_name(line: &str, column: usize) -> Option<String> {
    let chars: Vec<char> = line.chars().collect();
    let letter = *chars.get(column.checked_sub(1)?)?;
    if letter.is_ascii() || !letter.is_alphabetic() {
        return None;
    }
    let word = |c: &char| c.is_alphanumeric() || *c == '_';
    let start = chars[..column - 1]
        .iter()
        .rposition(|c| !word(c))
        .map_or(0, |i| i + 1);
    let end = chars[column - 1..]
        .iter()
        .position(|c| !word(c))
        .map_or(chars.len(), |i| column - 1 + i);
    let name: String = chars[start..end].iter().collect();
    let plain: String = name
        .chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'Å' | 'Ä' => 'A',
            'ö' => 'o',
            'Ö' => 'O',
            'é' => 'e',
            other => other,
        })
        .collect();
    Some(format!(
        "a variable name cannot hold '{letter}' (`{name}`)\nhelp: write it without å, ä, ö \
         (e.g. {plain}); names in quotes, of states, actors and parameters, may have them"
    ))
}

/// A count as limits are written in messages and docs/methods.md: `65,535`.
pub(crate) fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// rhai's type names in a message replaced by the scenario language's words.
fn plain_types(text: &str) -> String {
    let mut text = text.to_string();
    for (rhai, plain) in [
        ("&str | ImmutableString | String", "text"),
        ("ImmutableString", "text"),
        ("socinv::dist::DistributionSpec", "distribution"),
        ("socinv::expr::Expr", "formula"),
        ("rhai::Array", "list"),
        ("rhai::Map", "map"),
        ("Dynamic", "value"),
        ("i64", "number"),
        ("f64", "number"),
    ] {
        text = text.replace(rhai, plain);
    }
    text
}

/// Where a `/*` starts that is still open at the end of the text (rhai nests block comments),
/// skipping strings, characters and `//` comments.
fn unclosed_block_comment(source: &str) -> Option<Position> {
    let chars: Vec<char> = source.chars().collect();
    let (mut line, mut col) = (1usize, 1usize);
    let mut i = 0;
    // Open block comments: the position of the outermost one and the depth.
    let mut open: Option<(usize, usize)> = None;
    let mut depth = 0usize;
    let step = |i: &mut usize, line: &mut usize, col: &mut usize| {
        if chars[*i] == '\n' {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
        *i += 1;
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if depth > 0 {
            if c == '*' && next == Some('/') {
                depth -= 1;
                step(&mut i, &mut line, &mut col);
            } else if c == '/' && next == Some('*') {
                depth += 1;
                step(&mut i, &mut line, &mut col);
            }
            step(&mut i, &mut line, &mut col);
            continue;
        }
        match (c, next) {
            ('/', Some('*')) => {
                open = Some((line, col));
                depth = 1;
                step(&mut i, &mut line, &mut col);
                step(&mut i, &mut line, &mut col);
            }
            ('/', Some('/')) => {
                while i < chars.len() && chars[i] != '\n' {
                    step(&mut i, &mut line, &mut col);
                }
            }
            ('"' | '`' | '\'', _) => {
                step(&mut i, &mut line, &mut col);
                while i < chars.len() && chars[i] != c {
                    if chars[i] == '\\' && c != '`' && i + 1 < chars.len() {
                        step(&mut i, &mut line, &mut col);
                    }
                    if chars[i] == '\n' && c != '`' {
                        break; // an unterminated string: rhai reports it
                    }
                    step(&mut i, &mut line, &mut col);
                }
                if i < chars.len() {
                    step(&mut i, &mut line, &mut col);
                }
            }
            _ => step(&mut i, &mut line, &mut col),
        }
    }
    let (line, col) = open.filter(|_| depth > 0)?;
    Some(Position::new(
        u16::try_from(line).unwrap_or(u16::MAX),
        u16::try_from(col).unwrap_or(u16::MAX),
    ))
}

/// The file an imported module came from: `import "helper"` reads `helper.rhai`.
fn module_file(name: &str) -> String {
    if Path::new(name).extension().is_some_and(|e| e == "rhai") {
        name.to_string()
    } else {
        format!("{name}.rhai")
    }
}

/// Formats a rhai runtime error as `file:line:col: message`, pointing at the innermost place.
fn eval_message(
    file: &str,
    err: &EvalAltResult,
    stopped: &sandbox::StopToken,
    sources: &diagnostic::Sources,
) -> String {
    let mut file = file.to_string();
    let mut err = err;
    let mut outer_file = file.clone();
    let mut outer_pos = Position::NONE;
    let mut trail = Vec::new();
    loop {
        match err {
            EvalAltResult::ErrorInFunctionCall(name, src, inner, pos) => {
                trail.push(format!(
                    "in call to function '{name}' at {}",
                    at(&file, *pos)
                ));
                outer_file = file.clone();
                if !src.is_empty() {
                    file = module_file(src);
                }
                outer_pos = *pos;
                err = inner;
            }
            EvalAltResult::ErrorInModule(name, inner, pos) => {
                trail.push(format!(
                    "in module '{name}' imported at {}",
                    at(&file, *pos)
                ));
                outer_file = file.clone();
                if !name.is_empty() {
                    file = module_file(name);
                }
                outer_pos = *pos;
                err = inner;
            }
            _ => break,
        }
    }
    let pos = if err.position().is_none() {
        // No place inside the file: name the call or import that led there.
        if !outer_pos.is_none() {
            file = outer_file;
        }
        outer_pos
    } else {
        err.position()
    };
    // The call's text, for a call that rhai found no function for.
    let call = match err {
        EvalAltResult::ErrorFunctionNotFound(..) => sources
            .iter()
            .find(|(name, _)| *name == file)
            .and_then(|(_, text)| diagnostic::text_from(text, pos.line()?, pos.position()?)),
        _ => None,
    };
    // A decimal comma is shown where it is, not at the call's name.
    let spot = call.and_then(|c| {
        let offset = diagnostic::decimal_comma_offset(c)?;
        let before: String = c.chars().take(offset).collect();
        if before.contains('\n') {
            return None;
        }
        Some(Position::new(
            u16::try_from(pos.line()?).ok()?,
            u16::try_from(pos.position()? + offset).ok()?,
        ))
    });
    let message = match err {
        EvalAltResult::ErrorRuntime(value, _) => value.to_string(),
        EvalAltResult::ErrorParsing(p, _) => format!("syntax error: {p}"),
        EvalAltResult::ErrorTooManyOperations(_) => format!(
            "the script ran more than {} operations and was stopped: is there an endless loop?",
            count(MAX_OPERATIONS as usize)
        ),
        EvalAltResult::ErrorTerminated(token, _)
            if token.clone().into_string().ok().as_deref() == Some(sandbox::TIMEOUT_TOKEN) =>
        {
            format!(
                "loading the scenario took longer than {} s and was stopped after {} operations \
                 (of the {} a call may run): is there an endless loop (e.g. in a sort \
                 comparator)?",
                MAX_LOAD_TIME.as_secs(),
                count(stopped.get().map_or(0, |&(_, ops)| ops as usize)),
                count(MAX_OPERATIONS as usize)
            )
        }
        EvalAltResult::ErrorTerminated(token, _)
            if token.clone().into_string().ok().as_deref() == Some(sandbox::OPERATIONS_TOKEN) =>
        {
            format!(
                "the script ran more than {} operations (in one call) and was stopped: is there \
                 an endless loop?",
                count(MAX_OPERATIONS as usize)
            )
        }
        EvalAltResult::ErrorStackOverflow(_) => format!(
            "functions call each other more than {} levels deep (an endless recursion?)",
            sandbox::MAX_CALL_LEVELS
        ),
        EvalAltResult::ErrorDataTooLarge(what, _) => match what.as_str() {
            "Size of array/BLOB" => format!(
                "a list may hold at most {} elements",
                count(sandbox::MAX_LIST_ELEMENTS)
            ),
            "Size of object map" => format!(
                "a map may hold at most {} entries",
                count(sandbox::MAX_MAP_ENTRIES)
            ),
            "Length of string" => format!(
                "a text may be at most {} bytes long (å, ä and ö take two)",
                count(sandbox::MAX_TEXT_BYTES)
            ),
            other => format!(
                "{} is larger than a scenario script allows",
                plain_types(other)
            ),
        },
        EvalAltResult::ErrorTooManyModules(_) => format!(
            "a script may import at most {} modules",
            count(sandbox::MAX_MODULES)
        ),
        EvalAltResult::ErrorTooManyVariables(_) => format!(
            "a script may declare at most {} variables",
            count(sandbox::MAX_VARIABLES)
        ),
        EvalAltResult::ErrorMismatchDataType(_, actual, _)
            if actual.contains("Expr") || actual.contains("Formula") =>
        {
            "a formula of parameters has no value while the script runs, so `if` cannot \
             test it; use if_else(condition, value_if_true, value_if_false)"
                .to_string()
        }
        EvalAltResult::ErrorMismatchDataType(expected, actual, _) => format!(
            "expected {}, got {}",
            diagnostic::plain_type(expected),
            diagnostic::plain_type(actual)
        ),
        EvalAltResult::ErrorFunctionNotFound(sig, _) if sig.starts_with("eval") => {
            "`eval` is disabled in scenario scripts".to_string()
        }
        EvalAltResult::ErrorFunctionNotFound(sig, _) => {
            let (message, help) = match diagnostic::script_function_call(sig, sources) {
                Some(own) => (own, call.and_then(diagnostic::split_decimal)),
                None => diagnostic::function_not_found(sig, call),
            };
            match help {
                Some(help) => format!("{message}\nhelp: {help}"),
                None => message,
            }
        }
        EvalAltResult::ErrorVariableNotFound(name, _) => {
            let declared = declared_variables(sources);
            match diagnostic::closest(name, declared.iter().map(String::as_str)) {
                Some(near) => format!("unknown variable `{name}`: did you mean `{near}`?"),
                None => format!(
                    "unknown variable `{name}`\nhelp: declare it first with let {name} = ...; \
                     a name of a state, actor or outcome is text in quotes: \"{name}\""
                ),
            }
        }
        EvalAltResult::ErrorArrayBounds(0, index, _) => {
            format!("index {index} is outside the list, which is empty")
        }
        EvalAltResult::ErrorArrayBounds(length, index, _) => format!(
            "index {index} is outside the list of {length} values (the first is [0], the last \
             [{}])",
            length - 1
        ),
        EvalAltResult::ErrorFor(_) => {
            "a for loop needs a list or a range such as 0..10".to_string()
        }
        EvalAltResult::ErrorPropertyNotFound(name, _) => {
            format!("the map has no key `{name}`")
        }
        EvalAltResult::ErrorIndexingType(what, _) => {
            format!(
                "{} cannot be indexed with [...]",
                diagnostic::plain_type(what)
            )
        }
        other => {
            let text = other.to_string();
            let suffix = format!(" ({})", other.position());
            plain_types(text.strip_suffix(&suffix).unwrap_or(&text))
        }
    };
    let mut text = format!("{}: {message}", at(&file, spot.unwrap_or(pos)));
    for t in trail.iter().rev() {
        text.push_str("\n  ");
        text.push_str(t);
    }
    text
}

/// The names a script declares with `let` or `const`, for suggestions.
fn declared_variables(sources: &diagnostic::Sources) -> Vec<String> {
    let mut names = Vec::new();
    for (_, text) in sources {
        for word in ["let ", "const "] {
            for (i, _) in text.match_indices(word) {
                let before = text[..i].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let name: String = text[i + word.len()..]
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    names
}

/// `file:line:column`, or `file` alone where rhai gives no position (e.g. limit errors).
fn at(file: &str, pos: Position) -> String {
    match (pos.line(), pos.position()) {
        (Some(line), Some(col)) => format!("{file}:{line}:{col}"),
        (Some(line), None) => format!("{file}:{line}"),
        _ => format!("{file}: while running the script"),
    }
}
