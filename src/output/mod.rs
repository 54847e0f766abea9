//! The only writer into the output folder. A build is written to a staging folder beside it and
//! swapped in whole, so a failed build leaves the previous output exactly as it was. The
//! previous output, renamed aside by the swap, is kept as the spare (`.output.previous`) that
//! the next build reuses as its staging folder, writing only what changed (see [`reuse`]); or,
//! where it cannot be kept (see [`Previous`]), renamed aside (`.output.old-*`) and removed: by
//! the build itself, or by a process of its own in the background, so the build does not wait
//! for tens of thousands of files to be deleted. Whatever a killed build or remover leaves, the
//! next build into the same folder removes.

mod remover;
mod reuse;

use remover::being_removed;
#[cfg(unix)]
use remover::start_remover;
pub use remover::{REMOVER_COMMAND, remove_previous_build};

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::fs;

/// One file of the built site, at a `/`-separated path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// Checks that a planned path stays inside the output folder: relative, no `..`, no empty or
/// `.` segments, no backslashes or drive prefixes.
pub fn check_path(path: &str) -> Result<()> {
    let bad = path.is_empty()
        || path.contains('\\')
        || path.contains('\0')
        || path
            .split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == "..")
        || Path::new(path)
            .components()
            .any(|c| !matches!(c, Component::Normal(_)));
    if bad {
        Err(Error::Usage(format!(
            "refusing to write {path:?}: it is not a plain path inside the output folder"
        )))
    } else {
        Ok(())
    }
}

/// The file every build leaves at the top of its output folder: a later build replaces only a
/// folder that holds it (or nothing at all), so `--out` can never wipe content, a theme or
/// anything else that is not a build. Its text is fixed, so builds stay byte-identical.
pub const MARKER: &str = ".iehp-build";
const MARKER_TEXT: &str =
    "This folder is a site built by iehp. The next `iehp build` into it replaces it whole.\n";

fn canonical(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    // Not there yet: its parent's real path and its name.
    match (p.parent(), p.file_name()) {
        (Some(parent), Some(name)) => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            canonical(parent).join(name)
        }
        _ => p.to_path_buf(),
    }
}

/// Whether `out` holds a previous build: its marker, a real file.
fn is_previous_build(out: &Path) -> bool {
    std::fs::symlink_metadata(out.join(MARKER)).is_ok_and(|m| m.is_file())
}

/// Refuses output folders whose replacement would destroy something that is not a build: a
/// symbolic link (replacing it would delete through it), the site root, its `content/` or
/// `themes/` or anything holding or inside them, or a non-empty folder without the marker a
/// build leaves. The default `output/` with an `index.html` is taken as a build made before
/// the marker existed.
pub fn check_out_dir(root: &Path, out: &Path) -> Result<()> {
    if fs::is_symlink(out) {
        let target = std::fs::read_link(out)
            .map(|t| format!(" (to {})", t.display()))
            .unwrap_or_default();
        return Err(Error::Usage(format!(
            "refusing to build into {}: it is a symbolic link{target}, and a build replaces its output folder whole, which would delete through the link; build into the real folder with --out, or remove the link",
            out.display()
        )));
    }
    let out_c = canonical(out);
    let root_c = canonical(root);
    if root_c.starts_with(&out_c) {
        return Err(Error::Usage(format!(
            "refusing to build into {}: it holds the site's own content",
            out.display()
        )));
    }
    for (name, what) in [("content", "the site's content"), ("themes", "the site's themes")] {
        let guarded = canonical(&root.join(name));
        if out_c.starts_with(&guarded) || guarded.starts_with(&out_c) {
            return Err(Error::Usage(format!(
                "refusing to build into {}: it is or holds {what} ({}); choose an --out outside it",
                out.display(),
                guarded.display()
            )));
        }
    }
    match std::fs::symlink_metadata(out) {
        Ok(m) if m.is_dir() => {
            let mut entries = std::fs::read_dir(out).map_err(|e| Error::io(out, e))?;
            let non_empty = entries.next().is_some();
            let legacy = out_c == root_c.join("output") && out.join("index.html").is_file();
            if non_empty && !is_previous_build(out) && !legacy {
                return Err(Error::Usage(format!(
                    "refusing to replace {}: it is not empty and is not an iehp build (no {MARKER} file, which every build writes); remove it or choose another --out",
                    out.display()
                )));
            }
        }
        Ok(_) => {
            return Err(Error::Usage(format!(
                "{} exists and is not a folder",
                out.display()
            )));
        }
        Err(_) => {}
    }
    Ok(())
}

/// Holds the output folder's lock: builds into one folder, from this process or another, run
/// one after another. The lock is the kernel's (`flock`), so a killed build releases it.
pub struct OutputLock {
    _file: std::fs::File,
}

impl OutputLock {
    /// Takes the lock on `out`, waiting (and saying so) while another build holds it.
    pub fn take(out: &Path) -> Result<Self> {
        let (parent, name) = parent_and_name(out);
        let path = parent.join(format!(".{name}.lock"));
        let file = fs::open_lock_file(&path)?;
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            let fd = file.as_raw_fd();
            // SAFETY: `fd` is open for as long as `file` lives; flock takes plain integers.
            if unsafe { libc::flock(fd, libc::LOCK_EX | libc::LOCK_NB) } != 0 {
                eprintln!("waiting for another build into {} to finish", out.display());
                // SAFETY: as above.
                if unsafe { libc::flock(fd, libc::LOCK_EX) } != 0 {
                    return Err(Error::io(&path, std::io::Error::last_os_error()));
                }
            }
        }
        Ok(Self { _file: file })
    }
}

fn parent_and_name(out: &Path) -> (PathBuf, String) {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_string());
    (parent, name)
}

/// Removes what killed builds into `out` left beside it (`.output.staging-*`, `.output.old-*`).
/// Only called under the lock, when no other build can be using them.
fn remove_leftovers(parent: &Path, name: &str) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Ok(());
    };
    let (staging, old, tmp) = (
        format!(".{name}.staging-"),
        format!(".{name}.old-"),
        format!(".{name}.tmp-"),
    );
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let n = file_name.to_string_lossy();
        if n.starts_with(&old) && being_removed(&entry.path()) {
            // A remover is at work on it (and if it is killed, a later build finishes).
            continue;
        }
        if n.starts_with(&staging) || n.starts_with(&old) || n.starts_with(&tmp) {
            remove_tree_parallel(&entry.path())?;
        }
    }
    Ok(())
}

/// What becomes of the previous output once the new one is in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Previous {
    /// Kept beside the output as the spare the next build reuses (`.NAME.previous`). Where that
    /// name holds something that is not a build (or the output is not one), handed to a process
    /// of its own, this program run as `iehp remove-previous-build DIR` (see
    /// [`remove_previous_build`]), which removes it while the build returns; where that cannot
    /// start (or off Unix), removed now.
    Kept,
    /// Removed before [`Staging::commit`] returns.
    RemovedNow,
}

/// A build being written: files go into a staging folder beside `out`; [`Staging::commit`]
/// swaps it in whole. The staging folder is the spare the build before the previous one left
/// (see [`reuse`]) when there is one, rebuilt in place; otherwise a new, empty folder. Dropped
/// without a commit, a reused staging folder becomes the spare again (the next build compares
/// against whatever it holds) and a new one is removed; `out` is left exactly as it was. Holds
/// the output folder's lock from start to end.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    old: PathBuf,
    spare: PathBuf,
    /// Whether `dir` is a reused spare: then every path written is recorded, and what was not
    /// written is removed before the swap.
    reused: bool,
    written: Mutex<HashSet<String>>,
    folders: fs::Folders,
    committed: bool,
    _lock: OutputLock,
}

impl Staging {
    pub fn begin(out: &Path) -> Result<Self> {
        let (parent, name) = parent_and_name(out);
        fs::create_dir_all(&parent)?;
        let lock = OutputLock::take(out)?;
        if fs::is_symlink(out) {
            return Err(Error::Usage(format!(
                "refusing to build into {}: it is a symbolic link",
                out.display()
            )));
        }
        remove_leftovers(&parent, &name)?;
        let dir = fs::unique_sibling(&parent.join(&name), "staging");
        let old = fs::unique_sibling(&parent.join(&name), "old");
        let spare = reuse::spare_path(&parent, &name);
        let taken = reuse::take(&spare, &dir);
        if taken == reuse::Taken::Cold {
            // Set aside and removed in the background, like a previous output that is not kept:
            // its name is then free for the output this build replaces.
            let cold = fs::unique_sibling(&parent.join(&name), "old");
            if fs::rename(&spare, &cold).is_ok() {
                remove_set_aside(&cold, true)?;
            }
        }
        let reused = taken == reuse::Taken::Reused;
        if reused {
            reuse::warm(&dir);
        } else {
            std::fs::create_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        let folders = if reused {
            fs::Folders::rebuilt_in(&dir)
        } else {
            fs::Folders::new_in(&dir)
        };
        let staging = Self {
            dir,
            out: out.to_path_buf(),
            old,
            spare,
            reused,
            written: Mutex::new(HashSet::new()),
            folders,
            committed: false,
            _lock: lock,
        };
        staging.put(MARKER, MARKER_TEXT.as_bytes())?;
        Ok(staging)
    }

    /// Writes one file; safe to call from several threads at once. Never through a link.
    pub fn write(&self, file: &OutputFile) -> Result<()> {
        check_path(&file.path)?;
        if file.path == MARKER {
            return Err(Error::Usage(format!(
                "refusing to write {MARKER}: the name is the build's own marker"
            )));
        }
        self.put(&file.path, &file.bytes)
    }

    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = Path::new(rel).parent() {
            self.folders.make(parent)?;
        }
        if !self.reused {
            return fs::write_new(&path, bytes);
        }
        fs::write_or_keep(&path, bytes)?;
        self.written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(rel.to_string());
        Ok(())
    }

    /// Replaces `out` with everything written; the previous output goes as `previous` says.
    pub fn commit(mut self, previous: Previous) -> Result<()> {
        if self.reused {
            let t0 = std::time::Instant::now();
            let written = std::mem::take(
                &mut *self
                    .written
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            );
            reuse::prune(&self.dir, &written)?;
            crate::timing::stage_time("stale files of the reused folder removed", t0);
        }
        let t0 = std::time::Instant::now();
        // Only a build is kept as the spare (a legacy output without the marker is removed).
        let keep = previous == Previous::Kept && is_previous_build(&self.out) && reuse::is_free(&self.spare);
        let aside = if keep { &self.spare } else { &self.old };
        let set_aside = swap(&self.dir, &self.out, aside)?;
        self.committed = true;
        crate::timing::stage_time("swap", t0);
        if set_aside && !keep {
            let t1 = std::time::Instant::now();
            let handed_over = remove_set_aside(&self.old, previous != Previous::RemovedNow)?;
            crate::timing::stage_time(
                if handed_over {
                    "previous output: handed to a background remover"
                } else {
                    "previous output: removed"
                },
                t1,
            );
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let put_back =
                self.reused && reuse::is_free(&self.spare) && std::fs::rename(&self.dir, &self.spare).is_ok();
            if !put_back {
                let _ = fs::remove_dir_all(&self.dir);
            }
        }
    }
}

#[cfg(test)]
/// Writes `files` as the new content of `out`, atomically from the reader's point of view.
pub fn write_site(out: &Path, files: &[OutputFile]) -> Result<()> {
    for f in files {
        check_path(&f.path)?;
    }
    let staging = Staging::begin(out)?;
    files.par_iter().try_for_each(|f| staging.write(f))?;
    staging.commit(Previous::RemovedNow)
}

/// Renames `out` to `old` and `staging` to `out`; says whether there was an `out` to set aside.
fn swap(staging: &Path, out: &Path, old: &Path) -> Result<bool> {
    match std::fs::symlink_metadata(out) {
        Ok(m) if m.file_type().is_symlink() => Err(Error::Usage(format!(
            "refusing to replace {}: it is a symbolic link",
            out.display()
        ))),
        Ok(_) => {
            fs::remove_dir_all(old)?;
            fs::rename(out, old)?;
            if let Err(e) = fs::rename(staging, out) {
                // Put the previous build back so the folder is never left missing.
                let _ = fs::rename(old, out);
                return Err(e);
            }
            Ok(true)
        }
        Err(_) => fs::rename(staging, out).map(|()| false),
    }
}

/// Removes a tree set aside beside the output: handed to a background remover when `in_background`
/// allows and one starts, otherwise removed now. Says whether it was handed over.
fn remove_set_aside(dir: &Path, in_background: bool) -> Result<bool> {
    #[cfg(unix)]
    let handed_over = in_background && start_remover(dir);
    #[cfg(not(unix))]
    let handed_over = {
        let _ = in_background;
        false
    };
    if !handed_over {
        remove_tree_parallel(dir)?;
    }
    Ok(handed_over)
}

/// Removes a previous build's tree, its top-level entries in parallel (a large build has tens
/// of thousands of files). Links inside are removed, never followed.
fn remove_tree_parallel(dir: &Path) -> Result<()> {
    if fs::is_symlink(dir) || !dir.is_dir() {
        return fs::remove_entry(dir);
    }
    let entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.par_iter().try_for_each(|p| fs::remove_entry(p))?;
    fs::remove_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::remover::{is_previous_output_name, lock_dir};
    use super::*;

    #[test]
    fn paths_that_escape_are_refused() {
        for ok in ["index.html", "events/a/index.html", "static/style.css"] {
            assert!(check_path(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "a\\b",
            "./a",
            "a/./b",
            "C:/x",
        ] {
            // "C:/x" is a normal component on Unix; only reject it where it is a prefix.
            if bad == "C:/x" && cfg!(unix) {
                continue;
            }
            assert!(check_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn swap_replaces_whole_folder() {
        let tmp = std::env::temp_dir().join(format!("iehp-out-test-{}", std::process::id()));
        let out = tmp.join("output");
        write_site(
            &out,
            &[
                OutputFile::new("index.html", "one"),
                OutputFile::new("a/b.txt", "b"),
            ],
        )
        .unwrap();
        write_site(&out, &[OutputFile::new("index.html", "two")]).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(
            !out.join("a").exists(),
            "stale files from the previous build are gone"
        );
        let mut leftovers: Vec<_> = std::fs::read_dir(&tmp)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        leftovers.sort();
        assert_eq!(
            leftovers,
            [
                std::ffi::OsString::from(".output.lock"),
                std::ffi::OsString::from("output")
            ]
        );
        // A bad path fails before anything is touched.
        assert!(write_site(&out, &[OutputFile::new("../evil", "x")]).is_err());
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "two");
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn a_build_leaves_its_marker_and_a_later_one_replaces_only_a_build() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        let out = root.join("site");
        write_site(&out, &[OutputFile::new("index.html", "x")]).unwrap();
        assert!(is_previous_build(&out));
        check_out_dir(root, &out).unwrap();
        // A folder with an index.html but no marker is not a build.
        let other = root.join("other");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("index.html"), "mine").unwrap();
        let e = check_out_dir(root, &other).unwrap_err().to_string();
        assert!(e.contains(MARKER), "{e}");
        // The default output folder of a build from before the marker is still a build.
        std::fs::create_dir_all(root.join("output")).unwrap();
        std::fs::write(root.join("output/index.html"), "old build").unwrap();
        check_out_dir(root, &root.join("output")).unwrap();
        // Content, themes, and anything inside or holding them, are refused.
        std::fs::write(root.join("content/index.html"), "x").unwrap();
        std::fs::create_dir_all(root.join("themes/default/static")).unwrap();
        for bad in [
            "content",
            "content/events",
            "themes",
            "themes/default/static",
            ".",
        ] {
            assert!(check_out_dir(root, &root.join(bad)).is_err(), "{bad}");
        }
        // A marker that the content writes is refused as a page path.
        let staging = Staging::begin(&root.join("x")).unwrap();
        assert!(staging.write(&OutputFile::new(MARKER, "x")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_output_is_refused_and_its_target_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let www = tmp.path().join("www");
        std::fs::create_dir_all(&www).unwrap();
        std::fs::write(www.join("precious.html"), "keep").unwrap();
        std::fs::write(www.join(MARKER), "even with a marker").unwrap();
        let out = tmp.path().join("output");
        std::os::unix::fs::symlink(&www, &out).unwrap();
        let e = check_out_dir(tmp.path(), &out).unwrap_err().to_string();
        assert!(e.contains("symbolic link"), "{e}");
        assert!(write_site(&out, &[OutputFile::new("index.html", "x")]).is_err());
        assert_eq!(
            std::fs::read_to_string(www.join("precious.html")).unwrap(),
            "keep"
        );
        assert!(fs::is_symlink(&out));
    }

    #[test]
    fn leftovers_of_killed_builds_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("output");
        for stale in [".output.staging-1", ".output.old-1-abc-0"] {
            std::fs::create_dir_all(tmp.path().join(stale).join("a")).unwrap();
            std::fs::write(tmp.path().join(stale).join("a/b.html"), "x").unwrap();
        }
        std::fs::create_dir_all(tmp.path().join(".other.staging-1")).unwrap();
        write_site(&out, &[OutputFile::new("index.html", "x")]).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".other.staging-1", ".output.lock", "output"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_previous_output_being_removed_is_left_to_its_remover_until_it_dies() {
        let tmp = tempfile::tempdir().unwrap();
        let old = tmp.path().join(".output.old-9-abc-0");
        std::fs::create_dir_all(old.join("events")).unwrap();
        std::fs::write(old.join("events/index.html"), "x").unwrap();
        let remover = lock_dir(&old).expect("locked");
        assert!(being_removed(&old));
        remove_leftovers(tmp.path(), "output").unwrap();
        assert!(old.join("events/index.html").exists(), "its remover's, not ours");
        // The remover died (its lock went with it): the next build finishes.
        drop(remover);
        assert!(!being_removed(&old));
        remove_leftovers(tmp.path(), "output").unwrap();
        assert!(!old.exists());
    }

    #[test]
    fn only_a_set_aside_output_is_handed_to_a_remover() {
        for ok in [".output.old-1-abc-0", ".site.old-2-ff-3"] {
            assert!(is_previous_output_name(Path::new(ok)), "{ok}");
        }
        for bad in [
            "output",
            ".output",
            ".output.staging-1",
            "..old-1",
            "old-1",
            "/",
            "x/..",
        ] {
            assert!(!is_previous_output_name(Path::new(bad)), "{bad}");
        }
        let tmp = tempfile::tempdir().unwrap();
        let precious = tmp.path().join("precious");
        std::fs::create_dir_all(&precious).unwrap();
        assert!(remove_previous_build(&precious).is_err());
        assert!(precious.is_dir());
        #[cfg(unix)]
        {
            let link = tmp.path().join(".output.old-1-abc-0");
            std::os::unix::fs::symlink(&precious, &link).unwrap();
            assert!(remove_previous_build(&link).is_err());
            assert!(precious.is_dir() && fs::is_symlink(&link));
        }
    }

    #[test]
    fn staging_names_are_unique_within_one_process() {
        let out = Path::new("/x/output");
        let a = fs::unique_sibling(out, "staging");
        let b = fs::unique_sibling(out, "staging");
        assert_ne!(a, b);
        assert!(
            a.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".output.staging-")
        );
    }
}
