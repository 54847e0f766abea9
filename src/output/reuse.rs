//! The previous output, kept beside the output folder (`.NAME.previous`) and reused as the next
//! build's staging folder, so that a build writes only the files that changed.
//!
//! Why: a build that writes every file of a new folder and then deletes the previous one
//! creates and frees an inode for each of its files and folders (35,000 files in 21,000 folders
//! for a 10,000-item hub). On ext4 that is most of a build's time on disk: after mass deletions
//! each new inode is searched for among the recently freed ones, and folders are spread over
//! the disk's block groups, whose bitmaps are read back from disk. Measured on this project's
//! build machine: making 21,000 folders took 0.9 s on a quiet disk and 2.8 to 4.6 s right after
//! a tree of the same size was deleted, which then took 2.6 to 3.4 s more. Rebuilt in place,
//! a folder that holds the same files as before is neither made nor deleted.
//!
//! How: the spare is the build before the current output (the swap renames the output to it).
//! A build takes it as its staging folder when it is a real folder holding the build marker
//! (anything else at that name is not ours: it is left alone, and the previous output is then
//! removed as before). Every file the build writes is compared with what the spare holds at that
//! path and written only when different ([`crate::fs::write_or_keep`]: never into an existing
//! file, never through a link); then everything the build did not write is removed
//! ([`prune`]). The result is the same tree a build into an empty folder gives, which
//! `tests/cli/reliability.rs` checks file by file. Meanwhile [`warm`] reads the folder ahead
//! (measured with the kernel's caches dropped before each build, 10,000 items: 6.5 s without it,
//! 3.7 to 4.0 s with it; no difference with warm caches).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fs;

/// Where the output folder `name` in `parent` keeps its spare: `.NAME.previous`.
pub(super) fn spare_path(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.previous"))
}

/// Whether `spare` is a spare a build may reuse: a real folder (not a link) holding the marker
/// every build writes, as a real file.
fn is_reusable(spare: &Path) -> bool {
    std::fs::symlink_metadata(spare).is_ok_and(|m| m.is_dir())
        && std::fs::symlink_metadata(spare.join(super::MARKER)).is_ok_and(|m| m.is_file())
}

/// What [`take`] did with the spare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Taken {
    /// Renamed to the staging folder, to be rebuilt in place.
    Reused,
    /// A build, but no longer in memory: left where it is, for the caller to set aside.
    Cold,
    /// Nothing to reuse (none, or not a build).
    Nothing,
}

/// Renames the spare to `staging` when it may be reused and is still in memory.
pub(super) fn take(spare: &Path, staging: &Path) -> Taken {
    if !is_reusable(spare) {
        Taken::Nothing
    } else if !in_memory(spare) {
        Taken::Cold
    } else if std::fs::rename(spare, staging).is_ok() {
        Taken::Reused
    } else {
        Taken::Nothing
    }
}

/// How many of the spare's files are looked at to tell whether it is still in memory.
const SAMPLES: usize = 48;

/// Whether most of the spare's files are still in the page cache, judged on a sample (the files
/// nearest its top, breadth first). Reusing a spare means reading it to compare; read back from a
/// slow disk, that costs far more than writing a new folder (measured on this project's build
/// machine, 10,000 items: 87 s against about 12 s), so a spare the system no longer holds in
/// memory is not reused.
fn in_memory(spare: &Path) -> bool {
    let mut sample = Vec::new();
    let mut folders = std::collections::VecDeque::from([spare.to_path_buf()]);
    let mut visited = 0;
    while let Some(dir) = folders.pop_front() {
        visited += 1;
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            match entry.file_type() {
                Ok(t) if t.is_dir() => folders.push_back(entry.path()),
                Ok(t) if t.is_file() && sample.len() < SAMPLES => sample.push(entry.path()),
                _ => {}
            }
        }
        if sample.len() >= SAMPLES || visited >= SAMPLES {
            break;
        }
    }
    let held = sample.iter().filter(|p| fs::is_in_memory(p)).count();
    held * 4 >= sample.len() * 3
}

/// Threads that read the reused folder ahead of the build: they wait on the disk, not the CPU.
const WARMERS: usize = 8;

/// Reads the reused folder's folders, and asks the kernel to read its files, in the background
/// while the build loads and renders, so that comparing each file and removing stale ones finds
/// them in memory. Only reads, never follows a link (folders are entered by their own type, files
/// opened with `O_NOFOLLOW` and without updating their access time), and stops at the first
/// error: it changes no outcome, only when the disk is read. Where the page cache is cold (a
/// machine that reclaims it between builds), comparing file by file waited on one read at a time.
pub(super) fn warm(dir: &Path) {
    use std::sync::{Arc, Mutex};
    struct Queue {
        dirs: Vec<PathBuf>,
        busy: usize,
    }
    let queue = Arc::new((
        Mutex::new(Queue {
            dirs: vec![dir.to_path_buf()],
            busy: 0,
        }),
        std::sync::Condvar::new(),
    ));
    for _ in 0..WARMERS {
        let queue = Arc::clone(&queue);
        let spawned = std::thread::Builder::new().name("warm".into()).spawn(move || {
            let (lock, wake) = &*queue;
            loop {
                let next = {
                    let mut q = lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    loop {
                        if let Some(d) = q.dirs.pop() {
                            q.busy += 1;
                            break Some(d);
                        }
                        if q.busy == 0 {
                            break None;
                        }
                        q = wake.wait(q).unwrap_or_else(std::sync::PoisonError::into_inner);
                    }
                };
                let Some(d) = next else {
                    wake.notify_all();
                    return;
                };
                let found = warm_one(&d);
                let mut q = lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                q.dirs.extend(found);
                q.busy -= 1;
                wake.notify_all();
            }
        });
        if spawned.is_err() {
            return;
        }
    }
}

/// Reads one folder, asks for its files to be read ahead, and returns its sub-folders.
fn warm_one(dir: &Path) -> Vec<PathBuf> {
    let mut subdirs = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return subdirs;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            subdirs.push(entry.path());
        } else if kind.is_file() {
            fs::read_ahead(&entry.path());
        }
    }
    subdirs
}

/// Whether the spare's name is free for the output being replaced.
pub(super) fn is_free(spare: &Path) -> bool {
    std::fs::symlink_metadata(spare).is_err()
}

/// Removes from `dir` (a reused staging folder) everything that is not one of `written` (paths
/// relative to it, `/`-separated) or a folder on the way to one. Links are removed, never
/// followed. Returns how many entries it removed.
pub(super) fn prune(dir: &Path, written: &HashSet<String>) -> Result<usize> {
    let mut folders: HashSet<&str> = HashSet::new();
    for path in written {
        let mut at = path.as_str();
        while let Some(cut) = at.rfind('/') {
            at = &at[..cut];
            if !folders.insert(at) {
                break;
            }
        }
    }
    let mut removed = 0;
    prune_in(dir, "", written, &folders, &mut removed)?;
    Ok(removed)
}

fn prune_in(
    dir: &Path,
    prefix: &str,
    written: &HashSet<String>,
    folders: &HashSet<&str>,
    removed: &mut usize,
) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            fs::remove_entry(&entry.path())?;
            *removed += 1;
            continue;
        };
        let rel = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}/{name}")
        };
        // The entry's own type: a link is a link here, whatever it points to.
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && folders.contains(rel.as_str()) {
            prune_in(&entry.path(), &rel, written, folders, removed)?;
        } else if is_dir || !written.contains(&rel) {
            fs::remove_entry(&entry.path())?;
            *removed += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{OutputFile, Previous, Staging};
    use super::*;

    fn build(out: &Path, files: &[(&str, &str)]) {
        let staging = Staging::begin(out).unwrap();
        for (path, text) in files {
            staging.write(&OutputFile::new(*path, *text)).unwrap();
        }
        staging.commit(Previous::Kept).unwrap();
    }

    /// Every file of `dir` with its text, and every folder (as "path/").
    fn tree(dir: &Path) -> Vec<String> {
        let mut all: Vec<String> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| {
                let e = e.unwrap();
                let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
                if e.file_type().is_dir() {
                    format!("{rel}/")
                } else {
                    format!("{rel}={}", std::fs::read_to_string(e.path()).unwrap())
                }
            })
            .collect();
        all.sort();
        all
    }

    fn expected(files: &[(&str, &str)], folders: &[&str]) -> Vec<String> {
        let mut all: Vec<String> = files.iter().map(|(p, t)| format!("{p}={t}")).collect();
        all.extend(folders.iter().map(|f| format!("{f}/")));
        all.push(format!("{}={}", super::super::MARKER, super::super::MARKER_TEXT));
        all.sort();
        all
    }

    #[cfg(unix)]
    fn inode(path: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        std::fs::symlink_metadata(path).unwrap().ino()
    }

    #[cfg(unix)]
    #[test]
    fn a_reused_folder_ends_as_a_new_one_would_and_unchanged_files_are_not_written() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let spare = spare_path(tmp.path(), "site");
        let one = [
            ("index.html", "one"),
            ("a/b.txt", "b"),
            ("keep.txt", "same"),
            ("dir/x.html", "x"),
        ];
        let two = [
            ("index.html", "two"),
            ("keep.txt", "same"),
            ("c.txt", "c"),
            ("a", "a is a file now"),
        ];
        let three = [
            ("index.html", "three"),
            ("keep.txt", "same"),
            ("a/b.txt", "b again"),
            ("dir", "a file"),
        ];
        build(&out, &one);
        assert!(!spare.exists(), "a first build has no previous output to keep");
        build(&out, &two);
        assert_eq!(
            tree(&spare),
            expected(&one, &["a", "dir"]),
            "the previous output is the spare"
        );
        assert_eq!(tree(&out), expected(&two, &[]));
        let unchanged = inode(&spare.join("keep.txt"));
        // The third build reuses the first one's folder: its tree ends as a new folder's would.
        build(&out, &three);
        assert_eq!(tree(&out), expected(&three, &["a"]));
        assert_eq!(tree(&spare), expected(&two, &[]));
        assert_eq!(
            inode(&out.join("keep.txt")),
            unchanged,
            "an unchanged file is not written again"
        );
    }

    /// Drops the clean pages of every file under `dir` from the page cache, as a machine short of
    /// memory would; says whether that can work here (not on tmpfs, which has no disk to reread).
    /// Nothing probes the files after: a probe that misses starts reading the file back.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn evict(dir: &Path) -> bool {
        use std::os::unix::io::AsRawFd;
        // SAFETY: `statfs` fills the zeroed struct; the path is a valid C string.
        let on_tmpfs = unsafe {
            let mut st: libc::statfs = std::mem::zeroed();
            let c = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()).unwrap();
            libc::statfs(c.as_ptr(), &mut st) == 0 && st.f_type == libc::TMPFS_MAGIC
        };
        for e in walkdir::WalkDir::new(dir) {
            let e = e.unwrap();
            if e.file_type().is_file() {
                let f = std::fs::File::open(e.path()).unwrap();
                f.sync_all().unwrap();
                // SAFETY: plain integers on a descriptor open for the call.
                unsafe { libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
            }
        }
        !on_tmpfs
    }

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn a_spare_no_longer_in_memory_is_not_reused_but_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let spare = spare_path(tmp.path(), "site");
        let files = [("index.html", "same"), ("a/b.html", "b")];
        build(&out, &files);
        build(&out, &files);
        assert!(is_reusable(&spare), "the previous output is the spare");
        // A date no new file has: kept, a file keeps it; written anew, it does not.
        let long_ago = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        let page = std::fs::OpenOptions::new()
            .write(true)
            .open(spare.join("index.html"))
            .unwrap();
        page.set_modified(long_ago).unwrap();
        drop(page);
        if !evict(&spare) {
            eprintln!("skipped: this file system keeps every file in memory (tmpfs)");
            return;
        }
        build(&out, &files);
        assert_eq!(tree(&out), expected(&files, &["a"]));
        let modified = std::fs::metadata(out.join("index.html"))
            .unwrap()
            .modified()
            .unwrap();
        assert_ne!(modified, long_ago, "written anew, not reused");
        assert!(is_reusable(&spare), "the output it replaced is the spare now");
        // The cold one was set aside and handed to a remover (here: removed, the test binary is
        // no remover): nothing of it is left beside the output.
        let start = std::time::Instant::now();
        loop {
            let left: Vec<String> = std::fs::read_dir(tmp.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(".old-"))
                .collect();
            if left.is_empty() {
                break;
            }
            assert!(start.elapsed().as_secs() < 30, "{left:?}");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    #[test]
    fn a_failed_build_gives_its_reused_folder_back_as_the_spare() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let spare = spare_path(tmp.path(), "site");
        build(&out, &[("index.html", "one")]);
        build(&out, &[("index.html", "two")]);
        let staging = Staging::begin(&out).unwrap();
        assert!(!spare.exists(), "taken as the staging folder");
        staging.write(&OutputFile::new("index.html", "half")).unwrap();
        drop(staging);
        assert!(is_reusable(&spare), "given back");
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "two");
        // The next build compares against whatever the spare holds.
        build(&out, &[("index.html", "three")]);
        assert_eq!(tree(&out), expected(&[("index.html", "three")], &[]));
        let names: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("staging"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }

    #[test]
    fn prune_keeps_exactly_what_was_written_and_the_folders_on_the_way() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        for f in [
            "a/b/index.html",
            "a/old.html",
            "gone/x/index.html",
            "top.txt",
            "stale.txt",
        ] {
            std::fs::create_dir_all(d.join(f).parent().unwrap()).unwrap();
            std::fs::write(d.join(f), "x").unwrap();
        }
        // A folder where a file was written stays a mismatch: pruned.
        std::fs::create_dir_all(d.join("a/c.html")).unwrap();
        let written: HashSet<String> = ["a/b/index.html", "top.txt"]
            .into_iter()
            .map(String::from)
            .collect();
        let removed = prune(d, &written).unwrap();
        assert_eq!(removed, 4, "a/old.html, a/c.html, gone, stale.txt");
        let mut left: Vec<String> = walkdir::WalkDir::new(d)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap().path().strip_prefix(d).unwrap().display().to_string())
            .collect();
        left.sort();
        assert_eq!(left, ["a", "a/b", "a/b/index.html", "top.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn prune_removes_links_without_following_them() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("precious.html"), "keep").unwrap();
        let d = tmp.path().join("staging");
        std::fs::create_dir_all(&d).unwrap();
        // Links named like a folder the build keeps and like a file it wrote.
        std::os::unix::fs::symlink(outside.path(), d.join("events")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("precious.html"), d.join("index.html")).unwrap();
        let written: HashSet<String> = ["events/index.html".to_string()].into_iter().collect();
        assert_eq!(prune(&d, &written).unwrap(), 2);
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0);
        assert_eq!(
            std::fs::read_to_string(outside.path().join("precious.html")).unwrap(),
            "keep"
        );
    }
}
