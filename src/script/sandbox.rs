//! The sandboxed rhai engine: limits, no `eval`, imports only from the scenario's own folder.

use rhai::module_resolvers::FileModuleResolver;
use rhai::{Engine, EvalAltResult, Module, ModuleResolver, Position};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Operations a script may run before it is stopped (an endless loop ends in about a second).
pub const MAX_OPERATIONS: u64 = 10_000_000;

/// Builds the engine every scenario runs in.
pub fn engine(dir: &Path) -> Engine {
    let mut engine = Engine::new();
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
        .disable_symbol("eval")
        .set_module_resolver(FolderResolver::new(dir))
        .on_print(crate::report::terminal::eprintln)
        .on_debug(|text, source, pos| {
            crate::report::terminal::eprintln(&match source {
                Some(src) => format!("[debug {src}:{pos}] {text}"),
                None => format!("[debug {pos}] {text}"),
            })
        });
    engine
}

/// Resolves `import "name"` to `name.rhai` inside one folder; refuses anything outside it.
struct FolderResolver {
    dir: PathBuf,
    inner: FileModuleResolver,
}

impl FolderResolver {
    fn new(dir: &Path) -> Self {
        FolderResolver {
            dir: dir.to_path_buf(),
            inner: FileModuleResolver::new_with_path(dir),
        }
    }
}

impl ModuleResolver for FolderResolver {
    fn resolve(
        &self,
        engine: &Engine,
        source: Option<&str>,
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
        self.inner.resolve(engine, source, path, pos)
    }
}
