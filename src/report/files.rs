//! Output files: every path checked before any work, all outputs of a command written together
//! or none, and no temporary file that outlives the process in the user's folder.
//!
//! [`OutputPlan::check`] resolves each output path — the existing folder canonicalised, plus the
//! file name; a link followed to the file it points to — and refuses, as usage errors (exit 2):
//! a folder that does not exist, a folder given as the file, anything but a regular file (a
//! device, pipe or socket), two outputs on one file, an output that is one of the command's
//! inputs, and a folder socinv cannot write in.
//!
//! [`OutputPlan::commit`] first writes every output to an unnamed temporary file in its folder
//! (Linux `O_TMPFILE`: it vanishes with the process, however the process ends), then puts them in
//! place one by one with a rename. The file each one replaces is kept (as a hard link) until all
//! are in place, and put back if a later one fails, so a command leaves all its outputs or none.
//! Where unnamed files are not available (other systems, some network file systems), and for
//! the instant between linking and renaming, the temporary names are
//! `.socinv-HOST-PID-XXXXXX.tmp` (and `.bak` for the kept files); such files left by a killed
//! process are removed the next time socinv writes to that folder, once that process is gone.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The name every temporary file of socinv starts with.
const PREFIX: &str = ".socinv-";

/// The outputs of one command, checked; [`OutputPlan::commit`] writes them.
#[derive(Debug)]
pub struct OutputPlan {
    outputs: Vec<PlannedOutput>,
}

#[derive(Debug)]
struct PlannedOutput {
    /// The option that named it, e.g. `--json`.
    flag: String,
    /// The file that will be replaced or created: canonical folder + file name.
    target: PathBuf,
}

/// What a command reads, which no output may replace.
#[derive(Debug, Default)]
pub struct Inputs {
    files: Vec<PathBuf>,
    /// A folder whose `.rhai` files (at any depth) are all inputs.
    scripts_under: Option<PathBuf>,
}

impl Inputs {
    /// These files.
    pub fn files(files: impl IntoIterator<Item = PathBuf>) -> Inputs {
        Inputs {
            files: files.into_iter().collect(),
            scripts_under: None,
        }
    }

    /// A scenario and every `.rhai` file in its folder or below it: what `import` can read.
    pub fn scenario(path: &Path) -> Inputs {
        Inputs {
            files: vec![path.to_path_buf()],
            scripts_under: folder_of(path).canonicalize().ok(),
        }
    }

    /// These inputs and `file`.
    pub fn add(&mut self, file: &Path) {
        self.files.push(file.to_path_buf());
    }
}

impl OutputPlan {
    /// Checks the outputs (`(flag, path)`; `None` = not asked for) against each other and the
    /// command's `inputs`, before any work is done. Also removes temporary files that killed
    /// socinv processes left in the output folders.
    pub fn check(outputs: &[(&str, Option<&Path>)], inputs: &Inputs) -> Result<OutputPlan> {
        let files: Vec<(PathBuf, Option<FileId>)> = inputs
            .files
            .iter()
            .map(|p| {
                let canonical = p.canonicalize().unwrap_or_else(|_| p.clone());
                let id = FileId::of(&canonical);
                (canonical, id)
            })
            .collect();
        let mut planned: Vec<(PlannedOutput, Option<FileId>)> = Vec::new();
        for &(flag, path) in outputs {
            let Some(path) = path else { continue };
            let target = resolve(flag, path)?;
            let id = FileId::of(&target);
            let same = |other: &Path, other_id: Option<FileId>| {
                other == target || (id.is_some() && other_id == id)
            };
            if let Some((other, _)) = planned.iter().find(|(o, i)| same(&o.target, *i)) {
                return Err(Error::Usage(format!(
                    "{flag} and {} both write {}: give them different files",
                    other.flag,
                    path.display()
                )));
            }
            let script = target.extension().is_some_and(|x| x == "rhai")
                && inputs
                    .scripts_under
                    .as_ref()
                    .is_some_and(|d| target.starts_with(d));
            if script {
                return Err(Error::Usage(format!(
                    "{flag} {}: a .rhai file beside or below the scenario is an input of this \
                     command (the scenario may import it); give another file name",
                    path.display()
                )));
            }
            if files.iter().any(|(p, i)| same(p, *i)) {
                return Err(Error::Usage(format!(
                    "{flag} {}: that is an input of this command; writing it would replace it — \
                     give another file name",
                    path.display()
                )));
            }
            let dir = folder_of(&target);
            remove_stale_temporaries(dir);
            probe_writable(flag, path, dir)?;
            let flag = flag.to_string();
            planned.push((PlannedOutput { flag, target }, id));
        }
        Ok(OutputPlan {
            outputs: planned.into_iter().map(|(o, _)| o).collect(),
        })
    }

    /// Writes every planned output (`contents` by flag; every planned flag must be there):
    /// all of them, or, when one fails, none — the files they would replace stay as they were.
    pub fn commit(self, contents: &[(&str, &[u8])]) -> Result<()> {
        let contents: Vec<(&str, Content)> = (contents.iter())
            .map(|&(flag, bytes)| (flag, Content::Bytes(bytes)))
            .collect();
        self.commit_contents(&contents)
    }

    /// [`OutputPlan::commit`] for contents that may be written as they are made
    /// ([`Content::Written`]), never held in memory whole.
    pub fn commit_contents(self, contents: &[(&str, Content)]) -> Result<()> {
        let mut staged = Vec::with_capacity(self.outputs.len());
        for o in &self.outputs {
            let content = contents
                .iter()
                .find(|(f, _)| *f == o.flag)
                .map(|(_, c)| c)
                .unwrap_or_else(|| panic!("no content for the planned output {}", o.flag));
            staged.push(Staged::write(&o.target, content).map_err(|e| Error::io(&o.target, e))?);
        }
        let mut placed: Vec<Placed> = Vec::with_capacity(staged.len());
        for (s, o) in staged.into_iter().zip(&self.outputs) {
            match s.place(&o.target) {
                Ok(p) => placed.push(p),
                Err(e) => {
                    for p in placed.into_iter().rev() {
                        p.roll_back();
                    }
                    return Err(Error::io(&o.target, e));
                }
            }
        }
        for p in placed {
            p.finish();
        }
        Ok(())
    }
}

/// What an output file holds.
pub enum Content<'a> {
    /// Bytes rendered before.
    Bytes(&'a [u8]),
    /// Bytes written by this function into the staged file (through a buffer) as they are made:
    /// for an output too large to hold in memory, such as the per-iteration samples.
    Written(&'a dyn Fn(&mut dyn Write) -> io::Result<()>),
}

impl Content<'_> {
    fn write_to(&self, file: &mut File) -> io::Result<()> {
        match self {
            Content::Bytes(bytes) => file.write_all(bytes),
            Content::Written(fill) => {
                let mut buffered = io::BufWriter::new(file);
                fill(&mut buffered)?;
                buffered.flush()
            }
        }
    }
}

/// Writes `bytes` to `path` atomically, with no checks: a failure leaves `path` as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let target = absolute_target(path).map_err(|e| Error::io(path, e))?;
    let staged = Staged::write(&target, &Content::Bytes(bytes)).map_err(|e| Error::io(path, e))?;
    staged
        .place(&target)
        .map_err(|e| Error::io(path, e))?
        .finish();
    Ok(())
}

/// Creates `path` with `bytes`, atomically, never replacing a file: a usage error when `path`
/// exists (also when another process creates it meanwhile).
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let exists = || {
        Error::Usage(format!(
            "{} already exists; choose another name or remove it",
            path.display()
        ))
    };
    if path.symlink_metadata().is_ok() {
        return Err(exists());
    }
    let target = absolute_target(path).map_err(|e| {
        Error::Usage(format!(
            "{}: cannot write there: the folder {}: {e}",
            path.display(),
            folder_of(path).display()
        ))
    })?;
    let staged = Staged::write(&target, &Content::Bytes(bytes)).map_err(|e| Error::io(path, e))?;
    match staged.place_new(&target) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(exists()),
        Err(e) => Err(Error::io(path, e)),
    }
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The canonical folder of `path` joined with its file name (no checks).
fn absolute_target(path: &Path) -> io::Result<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    Ok(folder_of(path).canonicalize()?.join(name))
}

/// The file an output path will write: checks what the user gave.
fn resolve(flag: &str, path: &Path) -> Result<PathBuf> {
    let shown = path.display();
    let Some(name) = path.file_name() else {
        return Err(Error::Usage(format!(
            "{flag} {shown}: give a file name, e.g. {}",
            path.join("socinv-output").display()
        )));
    };
    let dir = folder_of(path);
    let dir = match dir.canonicalize() {
        Ok(d) if d.is_dir() => d,
        Ok(_) => {
            return Err(Error::Usage(format!(
                "{flag} {shown}: {} is not a folder",
                dir.display()
            )));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(Error::Usage(format!(
                "{flag} {shown}: the folder {} does not exist",
                dir.display()
            )));
        }
        Err(e) => {
            return Err(Error::Usage(format!(
                "{flag} {shown}: cannot reach the folder {}: {e}",
                dir.display()
            )));
        }
    };
    let mut target = dir.join(name);
    if target.symlink_metadata().is_ok_and(|m| m.is_symlink()) {
        target = target.canonicalize().map_err(|_| {
            Error::Usage(format!(
                "{flag} {shown}: a link to a file that does not exist; give the file itself"
            ))
        })?;
    }
    match target.metadata() {
        Ok(m) if m.is_dir() => Err(Error::Usage(format!(
            "{flag} {shown}: that is a folder; give a file name, e.g. {}",
            path.join("socinv-output").display()
        ))),
        Ok(m) if !m.is_file() => Err(Error::Usage(format!(
            "{flag} {shown}: not a regular file (a device, pipe or socket); give a file name"
        ))),
        Ok(_) => Ok(target),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(target),
        Err(e) => Err(Error::Usage(format!("{flag} {shown}: {e}"))),
    }
}

/// Fails with a usage error when no file can be created in `dir`.
fn probe_writable(flag: &str, path: &Path, dir: &Path) -> Result<()> {
    // tempfile_in: an unnamed file on Linux, else one removed at once
    tempfile::tempfile_in(dir).map(drop).map_err(|e| {
        Error::Usage(format!(
            "{flag} {}: cannot write in the folder {}: {e}",
            path.display(),
            dir.display()
        ))
    })
}

/// A file's identity on its device, to see two names of one file (hard links).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FileId(u64, u64);

impl FileId {
    #[cfg(unix)]
    fn of(path: &Path) -> Option<FileId> {
        use std::os::unix::fs::MetadataExt;
        path.metadata().ok().map(|m| FileId(m.dev(), m.ino()))
    }

    #[cfg(not(unix))]
    fn of(_: &Path) -> Option<FileId> {
        None
    }
}

/// `HOST-PID-`: what a temporary name carries to tell whose it is.
fn owner_tag() -> String {
    format!("{}-{}-", host_name(), std::process::id())
}

fn host_name() -> String {
    #[cfg(unix)]
    let name = rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned();
    #[cfg(not(unix))]
    let name = std::env::var("COMPUTERNAME").unwrap_or_default();
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    if name.is_empty() {
        "host".to_string()
    } else {
        name
    }
}

/// Creates a file of socinv's temporary name in `dir` with `make` (retried on a name taken).
fn temp_name_in<R>(
    dir: &Path,
    suffix: &str,
    permissions: Option<std::fs::Permissions>,
    make: impl FnMut(&Path) -> io::Result<R>,
) -> io::Result<tempfile::NamedTempFile<R>> {
    let prefix = format!("{PREFIX}{}", owner_tag());
    let mut b = tempfile::Builder::new();
    b.prefix(&prefix).suffix(suffix);
    if let Some(p) = permissions {
        b.permissions(p);
    }
    b.make_in(dir, make)
}

/// Removes `.socinv-HOST-PID-*.tmp` / `.bak` files in `dir` of this host whose process is gone.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let host = host_name();
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(rest) = name.strip_prefix(PREFIX) else {
            continue;
        };
        let Some(rest) = rest
            .strip_suffix(".tmp")
            .or_else(|| rest.strip_suffix(".bak"))
        else {
            continue;
        };
        // HOST-PID-RANDOM; the host name has no '-'
        let mut parts = rest.splitn(3, '-');
        let (Some(h), Some(pid), Some(_)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if h == host && !process_alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return true;
    };
    !matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}

#[cfg(not(unix))]
fn process_alive(_: u32) -> bool {
    true // unknown: keep the file
}

/// An output written and synced, not yet visible under its name.
enum Staged {
    /// Linux: an `O_TMPFILE` file of the target's folder, with no name.
    #[cfg(target_os = "linux")]
    Unnamed(File),
    /// A named temporary file in the target's folder, removed when dropped.
    Named(tempfile::NamedTempFile),
}

impl Staged {
    /// Writes `content` for `target` in the target's folder, with the permissions of the file
    /// it replaces (or the umask's for a new one).
    fn write(target: &Path, content: &Content) -> io::Result<Staged> {
        let dir = folder_of(target);
        let mode = existing_mode(target);
        #[cfg(target_os = "linux")]
        if let Some(file) = unnamed_file(dir)? {
            let mut file = file;
            if let Some(mode) = mode {
                use std::os::unix::fs::PermissionsExt;
                file.set_permissions(std::fs::Permissions::from_mode(mode))?;
            }
            content.write_to(&mut file)?;
            file.sync_all()?;
            return Ok(Staged::Unnamed(file));
        }
        Ok(Staged::Named(named_file(dir, mode, content)?))
    }

    /// Gives the staged file a temporary name in `target`'s folder.
    fn named(self, target: &Path) -> io::Result<tempfile::TempPath> {
        match self {
            #[cfg(target_os = "linux")]
            Staged::Unnamed(file) => {
                use std::os::fd::AsRawFd;
                let proc_path = format!("/proc/self/fd/{}", file.as_raw_fd());
                let linked = temp_name_in(folder_of(target), ".tmp", None, |p| {
                    rustix::fs::linkat(
                        rustix::fs::CWD,
                        proc_path.as_str(),
                        rustix::fs::CWD,
                        p,
                        rustix::fs::AtFlags::SYMLINK_FOLLOW,
                    )
                    .map_err(io::Error::from)
                });
                match linked {
                    Ok(named) => Ok(named.into_temp_path()),
                    // no /proc: copy the file to a named one
                    Err(_) => {
                        std::io::Seek::rewind(&mut &file)?;
                        let copy = |to: &mut dyn Write| io::copy(&mut &file, to).map(|_| ());
                        let mode = existing_mode(target);
                        let content = Content::Written(&copy);
                        Ok(named_file(folder_of(target), mode, &content)?.into_temp_path())
                    }
                }
            }
            Staged::Named(tmp) => Ok(tmp.into_temp_path()),
        }
    }

    /// Puts the file in place of `target`, keeping what was there until [`Placed::finish`].
    fn place(self, target: &Path) -> io::Result<Placed> {
        let tmp = self.named(target)?;
        let backup = match target.symlink_metadata() {
            Ok(m) if m.is_file() => Some(keep_backup(target)?),
            // changed since the check: replace only a regular file
            Ok(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "no longer a regular file; it changed while socinv ran",
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        match tmp.persist(target) {
            Ok(()) => {
                sync_folder(target);
                Ok(Placed {
                    target: target.to_path_buf(),
                    backup,
                })
            }
            Err(e) => {
                if let Some(b) = backup {
                    b.restore(target);
                }
                Err(e.error)
            }
        }
    }

    /// Puts the file at `target`, which must not exist.
    fn place_new(self, target: &Path) -> io::Result<()> {
        let tmp = self.named(target)?;
        tmp.persist_noclobber(target).map_err(|e| e.error)?;
        sync_folder(target);
        Ok(())
    }
}

/// A named temporary file in `dir` holding `content`, with permissions `mode` (or the umask's).
fn named_file(
    dir: &Path,
    mode: Option<u32>,
    content: &Content,
) -> io::Result<tempfile::NamedTempFile> {
    // an ordinary file: readable by others as the umask allows (tempfile's default is 0600)
    #[cfg(unix)]
    let permissions = {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::Permissions::from_mode(mode.unwrap_or(0o666)))
    };
    #[cfg(not(unix))]
    let permissions = None;
    let mut tmp = temp_name_in(dir, ".tmp", permissions, |p| {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(p)
    })?;
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    content.write_to(tmp.as_file_mut())?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// An unnamed file in `dir`, or `None` where the file system has none.
#[cfg(target_os = "linux")]
fn unnamed_file(dir: &Path) -> io::Result<Option<File>> {
    use rustix::fs::{Mode, OFlags};
    use rustix::io::Errno;
    match rustix::fs::openat(
        rustix::fs::CWD,
        dir,
        OFlags::RDWR | OFlags::TMPFILE | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o666),
    ) {
        Ok(fd) => Ok(Some(File::from(fd))),
        Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL | Errno::NOENT) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn existing_mode(target: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(target)
            .ok()
            .map(|m| m.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        let _ = target;
        None
    }
}

/// Syncs the folder of `path` so the rename survives a crash (best effort).
fn sync_folder(path: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = File::open(folder_of(path)) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// The file an output replaces, kept under a temporary name until all outputs are in place
/// (a second name of it where the file system has hard links, else moved aside).
struct Backup(tempfile::TempPath);

fn keep_backup(target: &Path) -> io::Result<Backup> {
    let dir = folder_of(target);
    let kept = temp_name_in(dir, ".bak", None, |p| std::fs::hard_link(target, p))
        .or_else(|_| temp_name_in(dir, ".bak", None, |p| std::fs::rename(target, p)))?;
    Ok(Backup(kept.into_temp_path()))
}

impl Backup {
    /// Puts the kept file back at `target`, over whatever is there now; if that fails the
    /// backup stays, for the user to find.
    fn restore(self, target: &Path) {
        if let Err(e) = self.0.persist(target) {
            let _ = e.path.keep();
        }
    }
}

/// An output in place; its backup (if it replaced a file) is still kept.
struct Placed {
    target: PathBuf,
    backup: Option<Backup>,
}

impl Placed {
    /// Undoes the placement: the file that was there is back, or a new file is removed.
    fn roll_back(self) {
        match self.backup {
            Some(b) => b.restore(&self.target),
            None => {
                let _ = std::fs::remove_file(&self.target);
            }
        }
        sync_folder(&self.target);
    }

    /// Keeps the placement: drops the backup.
    fn finish(self) {
        drop(self.backup); // TempPath removes it
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn staged_contents_have_no_name_until_placed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().canonicalize().unwrap().join("out.json");
        let staged = Staged::write(&target, &Content::Bytes(b"hello")).unwrap();
        assert!(matches!(staged, Staged::Unnamed { .. }));
        assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
        staged.place(&target).unwrap().finish();
        assert_eq!(names(dir.path()), ["out.json"]);
        assert_eq!(std::fs::read(&target).unwrap(), b"hello");
    }

    /// Contents written as they are made land whole, and one that fails to be written leaves
    /// every output as it was.
    #[test]
    fn written_contents_land_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.json"));
        std::fs::write(&a, "old a").unwrap();
        std::fs::write(&b, "old b").unwrap();
        let outputs = [
            ("--samples", Some(a.as_path())),
            ("--json", Some(b.as_path())),
        ];
        let rows = |to: &mut dyn Write| (0..10_000).try_for_each(|i| writeln!(to, "{i}"));
        let failing = |to: &mut dyn Write| {
            writeln!(to, "a first row")?;
            Err(io::Error::other("the samples could not be read"))
        };
        let plan = OutputPlan::check(&outputs, &Inputs::default()).unwrap();
        let contents = [
            ("--samples", Content::Written(&failing)),
            ("--json", Content::Bytes(b"new b")),
        ];
        let error = plan.commit_contents(&contents).unwrap_err();
        assert!(error.to_string().contains("could not be read"), "{error}");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "old b");
        assert_eq!(names(dir.path()), ["a.csv", "b.json"]);

        let plan = OutputPlan::check(&outputs, &Inputs::default()).unwrap();
        let contents = [
            ("--samples", Content::Written(&rows)),
            ("--json", Content::Bytes(b"new b")),
        ];
        plan.commit_contents(&contents).unwrap();
        let expected: String = (0..10_000).map(|i| format!("{i}\n")).collect();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), expected);
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "new b");
    }

    #[test]
    fn stale_temporaries_of_dead_processes_go_and_live_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let host = host_name();
        let dead = {
            let mut child = std::process::Command::new("true").spawn().unwrap();
            let id = child.id();
            child.wait().unwrap();
            id
        };
        let mine = std::process::id();
        for name in [
            format!(".socinv-{host}-{dead}-abc123.tmp"),
            format!(".socinv-{host}-{dead}-abc124.bak"),
            format!(".socinv-{host}-{mine}-abc125.tmp"),
            format!(".socinv-otherhost-{dead}-abc126.tmp"),
            ".socinv-abcdef.tmp".to_string(),
        ] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        remove_stale_temporaries(dir.path());
        let mut left = names(dir.path());
        left.sort();
        let mut want = vec![
            format!(".socinv-{host}-{mine}-abc125.tmp"),
            format!(".socinv-otherhost-{dead}-abc126.tmp"),
            ".socinv-abcdef.tmp".to_string(),
        ];
        want.sort();
        assert_eq!(left, want);
    }
}
