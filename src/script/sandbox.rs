//! The sandboxed rhai engine: limits, no `eval`, no clock, imports only from the scenario's own
//! folder, each read as a regular UTF-8 file of bounded size, without cycles.

use rhai::{Dynamic, Engine, EvalAltResult, FLOAT, INT, Module, ModuleResolver, Position, Scope};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Operations a script may run before it is stopped (an endless loop ends in about a second).
pub const MAX_OPERATIONS: u64 = 10_000_000;

/// Wall-clock time that loading a scenario (its script and imports) may take.
pub const MAX_LOAD_TIME: Duration = Duration::from_secs(10);

/// The largest script file read, scenario or import (bytes).
pub const MAX_FILE_BYTES: u64 = 10_000_000;

/// Lines that `print`/`debug` may write while a script loads; the rest is suppressed.
pub const MAX_PRINT_LINES: usize = 100;

/// Bytes that `print`/`debug` may write while a script loads; the rest is suppressed.
pub const MAX_PRINT_BYTES: usize = 64 * 1024;

/// The token `on_progress` stops a script with once [`MAX_LOAD_TIME`] has passed.
pub const TIMEOUT_TOKEN: &str = "socinv: load time limit";

/// The files a script read, main scenario first, then each import once in the order loaded:
/// (name, text). The content hash covers all of them.
pub type SourceLog = Arc<Mutex<Vec<(String, String)>>>;

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// Builds the engine every scenario runs in. `file` names the main script in messages, `dir` is
/// where imports are looked up, `sources` collects the imported files' texts.
pub fn engine(file: &str, dir: &Path, sources: &SourceLog) -> Engine {
    let mut engine = Engine::new();
    let started = Instant::now();
    let expired = AtomicBool::new(false);
    engine
        .set_max_operations(MAX_OPERATIONS)
        .set_max_call_levels(32)
        .set_max_expr_depths(64, 32)
        .set_max_string_size(100_000)
        // rhai re-measures an array at every push (quadratic): 10,000 elements keep an endless
        // `a.push(x)` loop to well under a second and are ample for yearly values or data.
        .set_max_array_size(10_000)
        .set_max_map_size(10_000)
        .set_max_modules(32)
        .set_max_variables(10_000)
        .set_max_functions(1_000)
        .set_fail_on_invalid_map_property(true)
        // Registered operators (e.g. `/` of two integers giving a fraction) take precedence over
        // rhai's built-in ones only with fast operators off.
        .set_fast_operators(false)
        .disable_symbol("eval")
        .set_module_resolver(FolderResolver::new(file, dir, sources))
        // Every operation reports here: a sort comparator with an endless loop gets a fresh
        // operation budget for each comparison, the clock stops it all the same.
        // `sort` ignores a comparator's errors, so once the time is up every operation fails.
        .on_progress(move |ops| {
            if ops % 1024 == 0 && started.elapsed() > MAX_LOAD_TIME {
                expired.store(true, Ordering::Relaxed);
            }
            expired
                .load(Ordering::Relaxed)
                .then(|| Dynamic::from(TIMEOUT_TOKEN.to_string()))
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
    engine
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
            eprintln!(
                "[further output of print/debug suppressed: at most {MAX_PRINT_LINES} lines or \
                 {} KiB]",
                MAX_PRINT_BYTES / 1024
            );
            return;
        }
        self.lines += lines;
        self.bytes += text.len() + 1;
        eprintln!("{text}");
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
            return Err(refuse("no such file"));
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
        let mut ast = super::compile(engine, &text).map_err(|e| {
            in_module(EvalAltResult::ErrorRuntime(e.message.into(), e.position).into())
        })?;
        ast.set_source(path);
        locked(&self.sources).push((name.clone(), text));
        locked(&self.loading).push((name, real.clone()));
        let module = Module::eval_ast_as_new(Scope::new(), &ast, engine);
        locked(&self.loading).pop();
        let module = Arc::new(module.map_err(in_module)?);
        locked(&self.cache).insert(real, module.clone());
        Ok(module)
    }
}
