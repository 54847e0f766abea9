//! The only writer into the output folder. A build is written to a staging folder beside it and
//! swapped in whole, so a failed build leaves the previous output exactly as it was.

use std::path::{Component, Path, PathBuf};

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

/// Refuses output folders whose replacement would destroy something that is not a build:
/// the site root itself, a folder holding the content, or a non-empty folder with no `index.html`.
pub fn check_out_dir(root: &Path, out: &Path) -> Result<()> {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (root_c, out_c) = (canon(root), canon(out));
    if root_c.starts_with(&out_c) {
        return Err(Error::Usage(format!(
            "refusing to build into {}: it holds the site's own content",
            out.display()
        )));
    }
    if out.is_dir() {
        let mut entries = std::fs::read_dir(out).map_err(|e| Error::io(out, e))?;
        let non_empty = entries.next().is_some();
        if non_empty && !out.join("index.html").is_file() {
            return Err(Error::Usage(format!(
                "refusing to replace {}: it is not empty and does not look like an iehp build (no index.html); remove it or choose another --out",
                out.display()
            )));
        }
    } else if out.exists() {
        return Err(Error::Usage(format!(
            "{} exists and is not a folder",
            out.display()
        )));
    }
    Ok(())
}

/// A build being written: files go into a staging folder beside `out`; [`Staging::commit`]
/// swaps it in whole. Dropped without a commit, the staging folder is removed and `out` is
/// left exactly as it was.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    old: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn begin(out: &Path) -> Result<Self> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".to_string());
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        fs::remove_dir_all(&dir)?;
        fs::create_dir_all(&dir)?;
        Ok(Self {
            dir,
            out: out.to_path_buf(),
            old,
            committed: false,
        })
    }

    /// Writes one file; safe to call from several threads at once.
    pub fn write(&self, file: &OutputFile) -> Result<()> {
        check_path(&file.path)?;
        let path = self.dir.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, &file.bytes)
    }

    /// Replaces `out` with everything written.
    pub fn commit(mut self) -> Result<()> {
        let t0 = std::time::Instant::now();
        swap(&self.dir, &self.out, &self.old)?;
        self.committed = true;
        crate::timing::stage_time("swap", t0);
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Writes `files` as the new content of `out`, atomically from the reader's point of view.
pub fn write_site(out: &Path, files: &[OutputFile]) -> Result<()> {
    for f in files {
        check_path(&f.path)?;
    }
    let staging = Staging::begin(out)?;
    files.par_iter().try_for_each(|f| staging.write(f))?;
    staging.commit()
}

fn swap(staging: &Path, out: &Path, old: &Path) -> Result<()> {
    if out.exists() {
        fs::remove_dir_all(old)?;
        fs::rename(out, old)?;
        if let Err(e) = fs::rename(staging, out) {
            // Put the previous build back so the folder is never left missing.
            let _ = fs::rename(old, out);
            return Err(e);
        }
        remove_tree_parallel(old)
    } else {
        fs::rename(staging, out)
    }
}

/// Removes a previous build's tree, its top-level folders in parallel (a large build has tens
/// of thousands of files).
fn remove_tree_parallel(dir: &Path) -> Result<()> {
    let entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.par_iter().try_for_each(|p| {
        if p.is_dir() {
            fs::remove_dir_all(p)
        } else {
            std::fs::remove_file(p).map_err(|e| Error::io(p, e))
        }
    })?;
    fs::remove_dir_all(dir)
}

#[cfg(test)]
mod tests {
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
        let leftovers: Vec<_> = std::fs::read_dir(&tmp)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, [std::ffi::OsString::from("output")]);
        // A bad path fails before anything is touched.
        assert!(write_site(&out, &[OutputFile::new("../evil", "x")]).is_err());
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "two");
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
