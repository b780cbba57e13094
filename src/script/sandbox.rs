//! The sandboxed rhai engine: limits, no `eval`, no clock, imports only from the scenario's own
//! folder, each read as a regular UTF-8 file of bounded size, without cycles.

use rhai::{
    Dynamic, Engine, EvalAltResult, FLOAT, INT, Module, ModuleResolver, NativeCallContext,
    Position, Scope,
};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// Operations a script may run before it is stopped (an endless loop ends in about a second).
pub const MAX_OPERATIONS: u64 = 10_000_000;

/// Wall-clock time that loading a scenario (its script and imports) may take.
pub const MAX_LOAD_TIME: Duration = Duration::from_secs(10);

/// The largest script file read, scenario or import (bytes).
pub const MAX_FILE_BYTES: u64 = 10_000_000;

/// How deep imports may nest (a file importing one that imports another, ...).
pub const MAX_IMPORT_DEPTH: usize = 32;

/// Lines that `print`/`debug` may write while a script loads; the rest is suppressed.
pub const MAX_PRINT_LINES: usize = 100;

/// Bytes that `print`/`debug` may write while a script loads; the rest is suppressed.
pub const MAX_PRINT_BYTES: usize = 64 * 1024;

/// How deep functions may call each other.
pub const MAX_CALL_LEVELS: usize = 32;

/// How deep an expression may nest (brackets, calls inside calls).
pub const MAX_EXPR_DEPTH: usize = 64;

/// The longest text a script may build, in bytes (å, ä and ö take two).
pub const MAX_TEXT_BYTES: usize = 100_000;

/// The most elements a list may hold. rhai re-measures a list at every push (quadratic):
/// 10,000 elements keep an endless `a.push(x)` loop to well under a second and are ample for
/// yearly values or data.
pub const MAX_LIST_ELEMENTS: usize = 10_000;

/// The most entries a map may hold.
pub const MAX_MAP_ENTRIES: usize = 10_000;

/// The most modules a script may import.
pub const MAX_MODULES: usize = 32;

/// The most variables a script may declare at once.
pub const MAX_VARIABLES: usize = 10_000;

/// The most lines a script file may have: rhai counts lines in 16 bits, so beyond this its
/// positions would be wrong.
pub const MAX_LINES: usize = u16::MAX as usize;

/// The token `on_progress` stops a script with once [`MAX_LOAD_TIME`] has passed.
pub const TIMEOUT_TOKEN: &str = "socinv: load time limit";

/// The token `on_progress` stops a script with once it has run [`MAX_OPERATIONS`] (in one call).
pub const OPERATIONS_TOKEN: &str = "socinv: operation limit";

/// Set once a script has reached a limit of time or operations: the limit's token and the
/// operations the current call had run.
pub type StopToken = Arc<OnceLock<(&'static str, u64)>>;

/// The files a script read, main scenario first, then each import once in the order loaded:
/// (name, text). The content hash covers all of them.
pub type SourceLog = Arc<Mutex<Vec<(String, String)>>>;

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// Builds the engine every scenario runs in. `file` names the main script in messages, `dir` is
/// where imports are looked up, `sources` collects the imported files' texts.
pub fn engine(file: &str, dir: &Path, sources: &SourceLog, stopped: &StopToken) -> Engine {
    let mut engine = Engine::new();
    let started = Instant::now();
    let progress = stopped.clone();
    engine
        .set_max_operations(MAX_OPERATIONS)
        .set_max_call_levels(MAX_CALL_LEVELS)
        .set_max_expr_depths(MAX_EXPR_DEPTH, 32)
        .set_max_string_size(MAX_TEXT_BYTES)
        .set_max_array_size(MAX_LIST_ELEMENTS)
        .set_max_map_size(MAX_MAP_ENTRIES)
        .set_max_modules(MAX_MODULES)
        .set_max_variables(MAX_VARIABLES)
        .set_max_functions(1_000)
        .set_fail_on_invalid_map_property(true)
        // Registered operators (e.g. `/` of two integers giving a fraction) take precedence over
        // rhai's built-in ones only with fast operators off.
        .set_fast_operators(false)
        // Constant folding would apply rhai's built-in operators to constants (`() >= 4` folds to
        // `false`), bypassing the rules of `number_rules`; a script runs once, so it gains little.
        .set_optimization_level(rhai::OptimizationLevel::None)
        .disable_symbol("eval")
        .set_module_resolver(FolderResolver::new(file, dir, sources))
        // Every operation reports here: a sort comparator with an endless loop gets a fresh
        // operation budget for each comparison, the clock stops it all the same.
        // `sort` ignores a comparator's errors (and counts each comparison's operations
        // afresh), so once a limit is reached every later operation fails, and `stopped` says
        // so after the script should it end inside such a call.
        .on_progress(move |ops| {
            if ops % 1024 == 0 && started.elapsed() > MAX_LOAD_TIME {
                let _ = progress.set((TIMEOUT_TOKEN, ops));
            }
            if ops >= MAX_OPERATIONS {
                let _ = progress.set((OPERATIONS_TOKEN, ops));
            }
            progress
                .get()
                .map(|&(token, _)| Dynamic::from(token.to_string()))
        });
    let output = Arc::new(Mutex::new(PrintBudget::default()));
    let out = output.clone();
    engine.on_print(move |text| locked(&out).write(text));
    engine.on_debug(move |text, source, pos| {
        let line = match source {
            Some(src) => format!("[debug {src}:{pos}] {text}"),
            None => format!("[debug {pos}] {text}"),
        };
        locked(&output).write(&line);
    });
    forbid_clock(&mut engine);
    number_rules(&mut engine);
    super::api::models::register_data_files(&mut engine, dir, sources);
    engine
}

/// Plain numbers as in a spreadsheet: `1/12` is a fraction, not rhai's integer division; an
/// integer overflow is an error (rhai checks `+ - * **` itself); a value that is not a number
/// (NaN) is not silently dropped by `min`/`max` or turned into `false` by a comparison; `()`
/// (e.g. `year` without its parentheses) is not a value to compute with.
fn number_rules(engine: &mut Engine) {
    type Checked<T> = Result<T, Box<EvalAltResult>>;
    fn error<T>(message: String) -> Checked<T> {
        Err(EvalAltResult::ErrorArithmetic(message, Position::NONE).into())
    }
    engine.register_fn("/", |a: INT, b: INT| -> Checked<FLOAT> {
        if b == 0 {
            return error(format!("Division by zero: {a} / 0"));
        }
        Ok(a as FLOAT / b as FLOAT)
    });
    // `x /= 12` with an integer `x`: the `Dynamic` slot lets the integer become a fraction.
    engine.register_fn("/=", |x: &mut Dynamic, b: INT| -> Checked<()> {
        let a = if let Ok(a) = x.as_int() {
            if b == 0 {
                return error(format!("Division by zero: {a} / 0"));
            }
            a as FLOAT
        } else if let Ok(a) = x.as_float() {
            a
        } else {
            return error(format!(
                "cannot divide {} by a number",
                super::diagnostic::plain_type(x.type_name())
            ));
        };
        *x = Dynamic::from_float(a / b as FLOAT);
        Ok(())
    });
    for (name, shift) in [("<<", true), (">>", false)] {
        engine.register_fn(name, move |a: INT, b: INT| -> Checked<INT> {
            let shifted = u32::try_from(b).ok().and_then(|b| {
                if shift {
                    a.checked_shl(b).filter(|r| r >> b == a)
                } else {
                    a.checked_shr(b)
                }
            });
            shifted.map_or_else(|| error(format!("integer overflow: {a} {name} {b}")), Ok)
        });
    }
    fn nan_aware(x: FLOAT, y: FLOAT, pick_first: bool) -> FLOAT {
        if x.is_nan() || y.is_nan() {
            FLOAT::NAN
        } else if pick_first {
            x
        } else {
            y
        }
    }
    // exp, ln and pow of plain numbers, whole ones included (rhai has exp and ln of fractions
    // only, and no pow).
    engine.register_fn("exp", |x: INT| (x as FLOAT).exp());
    engine.register_fn("ln", |x: INT| (x as FLOAT).ln());
    engine.register_fn("pow", |x: FLOAT, y: FLOAT| x.powf(y));
    engine.register_fn("pow", |x: INT, y: FLOAT| (x as FLOAT).powf(y));
    engine.register_fn("pow", |x: FLOAT, y: INT| x.powf(y as FLOAT));
    engine.register_fn("pow", |x: INT, y: INT| (x as FLOAT).powf(y as FLOAT));
    engine.register_fn("min", |x: FLOAT, y: FLOAT| nan_aware(x, y, x <= y));
    engine.register_fn("min", |x: INT, y: FLOAT| {
        nan_aware(x as FLOAT, y, x as FLOAT <= y)
    });
    engine.register_fn("min", |x: FLOAT, y: INT| {
        nan_aware(x, y as FLOAT, x <= y as FLOAT)
    });
    engine.register_fn("max", |x: FLOAT, y: FLOAT| nan_aware(x, y, x >= y));
    engine.register_fn("max", |x: INT, y: FLOAT| {
        nan_aware(x as FLOAT, y, x as FLOAT >= y)
    });
    engine.register_fn("max", |x: FLOAT, y: INT| {
        nan_aware(x, y as FLOAT, x >= y as FLOAT)
    });
    type Compare = fn(&FLOAT, &FLOAT) -> bool;
    let comparisons: [(&str, Compare); 6] = [
        ("<", FLOAT::lt),
        ("<=", FLOAT::le),
        (">", FLOAT::gt),
        (">=", FLOAT::ge),
        ("==", FLOAT::eq),
        ("!=", FLOAT::ne),
    ];
    for (name, compare) in comparisons {
        let checked = move |x: FLOAT, y: FLOAT| -> Checked<bool> {
            if x.is_nan() || y.is_nan() {
                return error(format!(
                    "{x} {name} {y}: a value that is not a number (NaN, e.g. from 0/0) cannot \
                     be compared"
                ));
            }
            Ok(compare(&x, &y))
        };
        engine.register_fn(name, checked);
        engine.register_fn(name, move |x: INT, y: FLOAT| checked(x as FLOAT, y));
        engine.register_fn(name, move |x: FLOAT, y: INT| checked(x, y as FLOAT));
    }
    let operators = [
        "+", "-", "*", "/", "%", "**", "<", "<=", ">", ">=", "==", "!=", "&", "|", "^", "<<", ">>",
    ];
    for name in operators {
        let no_value = move |ctx: NativeCallContext| -> Box<EvalAltResult> {
            EvalAltResult::ErrorRuntime(
                format!(
                    "a value in `{name}` is `()`, which has no value: did you forget the \
                     parentheses of a function, as in `year()`, or a function's result?"
                )
                .into(),
                ctx.call_position(),
            )
            .into()
        };
        engine.register_fn(name, move |ctx: NativeCallContext, _: (), _: Dynamic| {
            Err::<Dynamic, _>(no_value(ctx))
        });
        engine.register_fn(name, move |ctx: NativeCallContext, _: Dynamic, _: ()| {
            Err::<Dynamic, _>(no_value(ctx))
        });
    }
}

/// Scripts must not wait or read the time: a result must depend on the script alone.
fn forbid_clock(engine: &mut Engine) {
    fn refuse(name: &str) -> Box<EvalAltResult> {
        EvalAltResult::ErrorRuntime(
            format!(
                "`{name}` is not available in scenario scripts (they cannot wait or read the clock)"
            )
            .into(),
            Position::NONE,
        )
        .into()
    }
    engine.register_fn("sleep", |_: INT| -> Result<(), Box<EvalAltResult>> {
        Err(refuse("sleep"))
    });
    engine.register_fn("sleep", |_: FLOAT| -> Result<(), Box<EvalAltResult>> {
        Err(refuse("sleep"))
    });
    engine.register_fn("timestamp", || -> Result<(), Box<EvalAltResult>> {
        Err(refuse("timestamp"))
    });
}

/// What `print`/`debug` have written so far; stops at [`MAX_PRINT_LINES`] or [`MAX_PRINT_BYTES`].
#[derive(Default)]
struct PrintBudget {
    lines: usize,
    bytes: usize,
    suppressed: bool,
}

impl PrintBudget {
    fn write(&mut self, text: &str) {
        if self.suppressed {
            return;
        }
        let lines = text.lines().count().max(1);
        if self.lines + lines > MAX_PRINT_LINES || self.bytes + text.len() + 1 > MAX_PRINT_BYTES {
            self.suppressed = true;
            crate::console::eprintln(&format!(
                "[further output of print/debug suppressed: at most {MAX_PRINT_LINES} lines or \
                 {} KiB]",
                MAX_PRINT_BYTES / 1024
            ));
            return;
        }
        self.lines += lines;
        self.bytes += text.len() + 1;
        crate::console::eprintln(text);
    }
}

/// Resolves `import "name"` to `name.rhai` inside one folder; refuses anything outside it, files
/// that are not regular or too large, text that is not UTF-8, and import cycles.
struct FolderResolver {
    dir: PathBuf,
    /// The main script's name, for naming a cycle.
    main: String,
    /// The imports being loaded, outermost first: (import name, canonical path).
    loading: Mutex<Vec<(String, PathBuf)>>,
    /// Modules already loaded, so that a file imported twice runs (and declares) once.
    cache: Mutex<HashMap<PathBuf, Arc<Module>>>,
    sources: SourceLog,
}

impl FolderResolver {
    fn new(main: &str, dir: &Path, sources: &SourceLog) -> Self {
        FolderResolver {
            dir: dir.to_path_buf(),
            main: main.to_string(),
            // The main script counts as being loaded: importing it is a cycle too.
            loading: Mutex::new(
                Path::new(main)
                    .file_name()
                    .and_then(|name| dir.join(name).canonicalize().ok())
                    .map(|p| vec![(String::new(), p)])
                    .unwrap_or_default(),
            ),
            cache: Mutex::new(HashMap::new()),
            sources: sources.clone(),
        }
    }
}

/// `import "helper"` of a file that is not there: where it was looked for, and a file of a
/// similar name if the folder has one.
fn missing_import(path: &str, dir: &Path, pos: Position) -> Box<EvalAltResult> {
    let name = super::module_file(path);
    let folder = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let others: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".rhai"))
        .collect();
    let help = match super::diagnostic::closest(&name, others.iter().map(String::as_str)) {
        Some(near) => format!(
            "\nhelp: did you mean \"{}\"?",
            near.strip_suffix(".rhai").unwrap_or(near)
        ),
        None => "\nhelp: put the file next to the scenario; imports are read only from its folder"
            .to_string(),
    };
    EvalAltResult::ErrorRuntime(
        format!(
            "import \"{path}\": no file {name} in the scenario's folder ({}){help}",
            folder.display()
        )
        .into(),
        pos,
    )
    .into()
}

impl ModuleResolver for FolderResolver {
    fn resolve(
        &self,
        engine: &Engine,
        _source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<Arc<Module>, Box<EvalAltResult>> {
        let refuse = |why: &str| -> Box<EvalAltResult> {
            EvalAltResult::ErrorRuntime(
                format!(
                    "import \"{path}\" is not allowed: {why}; scenarios may import only .rhai \
                     files from their own folder ({})",
                    self.dir.display()
                )
                .into(),
                pos,
            )
            .into()
        };
        let relative = Path::new(path);
        let plain = relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !plain {
            return Err(refuse("the path leaves the folder"));
        }
        let with_ext = self.dir.join(relative).with_extension("rhai");
        let (Ok(real), Ok(root)) = (with_ext.canonicalize(), self.dir.canonicalize()) else {
            return Err(missing_import(path, &self.dir, pos));
        };
        if !real.starts_with(&root) {
            return Err(refuse("the file lies outside the folder (a link?)"));
        }
        if let Some(module) = locked(&self.cache).get(&real) {
            return Ok(module.clone());
        }
        let name = super::module_file(path);
        {
            let loading = locked(&self.loading);
            if loading.iter().any(|(_, p)| *p == real) {
                let mut chain = vec![self.main.clone()];
                chain.extend(
                    loading
                        .iter()
                        .map(|(n, _)| n.clone())
                        .filter(|n| !n.is_empty()),
                );
                chain.push(name);
                return Err(EvalAltResult::ErrorRuntime(
                    format!(
                        "import cycle: {}; a file must not import itself, directly or through \
                         others",
                        chain.join(" imports ")
                    )
                    .into(),
                    pos,
                )
                .into());
            }
        }
        if locked(&self.loading).len() > MAX_IMPORT_DEPTH {
            return Err(refuse(&format!(
                "imports nest more than {MAX_IMPORT_DEPTH} files deep"
            )));
        }
        let in_module =
            |err: Box<EvalAltResult>| Box::new(EvalAltResult::ErrorInModule(path.into(), err, pos));
        let text = super::read_script(&real).map_err(|e| {
            let e = match e {
                super::ReadError::Bad(e) => e,
                super::ReadError::Io(e) => super::LoadError {
                    message: format!("cannot be read: {e}"),
                    position: Position::NONE,
                },
            };
            let message = if e.position.is_none() {
                format!("import \"{path}\": {name} {}", e.message)
            } else {
                e.message
            };
            in_module(EvalAltResult::ErrorRuntime(message.into(), e.position).into())
        })?;
        // Logged before compiling, so that a syntax error in it can show its line.
        locked(&self.sources).push((name.clone(), text.clone()));
        let mut ast = super::compile(engine, &text).map_err(|e| {
            let message = if e.position.is_none() {
                format!("import \"{path}\": {name} {}", e.message)
            } else {
                e.message
            };
            in_module(EvalAltResult::ErrorRuntime(message.into(), e.position).into())
        })?;
        ast.set_source(path);
        locked(&self.loading).push((name, real.clone()));
        let module = Module::eval_ast_as_new(Scope::new(), &ast, engine);
        locked(&self.loading).pop();
        let module = Arc::new(module.map_err(in_module)?);
        locked(&self.cache).insert(real, module.clone());
        Ok(module)
    }
}

/// The text of a data file `name` that a script reads (`read_csv`), under the rules of imports:
/// a path inside `dir` (no `..`, no absolute path, no link leading out), a regular file of at
/// most [`MAX_FILE_BYTES`], UTF-8 (a byte-order mark is skipped). The error says what to fix.
pub fn read_data_file(dir: &Path, name: &str) -> Result<String, String> {
    let relative = Path::new(name);
    let plain = !name.is_empty()
        && relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if !plain {
        return Err(format!(
            "the path leaves the scenario's folder ({}); data files are read only from it and \
             its subfolders",
            dir.display()
        ));
    }
    let path = dir.join(relative);
    let (Ok(real), Ok(root)) = (path.canonicalize(), dir.canonicalize()) else {
        let others: Vec<String> = std::fs::read_dir(path.parent().unwrap_or(dir))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        let file = relative
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let help = match super::diagnostic::closest(&file, others.iter().map(String::as_str)) {
            Some(near) => format!("\nhelp: did you mean \"{near}\"?"),
            None => "\nhelp: put the file next to the scenario".to_string(),
        };
        return Err(format!(
            "no file {name} in the scenario's folder ({}){help}",
            dir.display()
        ));
    };
    if !real.starts_with(&root) {
        return Err(format!(
            "{name} lies outside the scenario's folder (a link?); data files are read only from it"
        ));
    }
    match std::fs::metadata(&real) {
        Ok(m) if !m.is_file() => {
            return Err(format!(
                "{name} is not a regular file (a folder, pipe or device?); give a CSV file"
            ));
        }
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            return Err(format!(
                "{name} is larger than {} MB, the most a data file may hold",
                MAX_FILE_BYTES / 1_000_000
            ));
        }
        _ => {}
    }
    super::read_script(&real).map_err(|e| match e {
        super::ReadError::Io(e) => format!("{name} cannot be read: {e}"),
        super::ReadError::Bad(e) if e.position.is_none() => format!("{name} {}", e.message),
        super::ReadError::Bad(e) => format!(
            "{name}:{}:{}: {}",
            e.position.line().unwrap_or(0),
            e.position.position().unwrap_or(0),
            e.message
        ),
    })
}
