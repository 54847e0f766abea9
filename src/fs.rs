//! Every `std::fs` call the generator makes; each error names its path.
//!
//! Every write into the output, the link cache or a new content file goes through this module,
//! and nothing here follows a symbolic link: [`write_new`] (a file in a build's staging folder,
//! which the swap makes visible whole), [`write_new_atomic`] (a new content file, whole or not
//! at all), [`replace`] (a file replaced whole, atomically: the external-link cache),
//! [`Folders`] (folders inside the staging folder, new or a previous build reused),
//! [`write_or_keep`] (a file inside a previous build reused as the staging folder),
//! [`open_lock_file`] (the output folder's lock). Removal ([`remove_dir_all`],
//! [`remove_entry`]) deletes a link itself, never what it points to.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

pub fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| Error::io(path, e))
}

/// Whether `path` itself is a symbolic link (not followed).
pub fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn refuse_link(path: &Path, what: &str) -> Error {
    let target = fs::read_link(path)
        .map(|t| format!(" (to {})", t.display()))
        .unwrap_or_default();
    Error::Usage(format!(
        "refusing to write {what} {}: it is a symbolic link{target}, and iehp never writes or deletes through a link; remove the link or point iehp at the real path",
        path.display()
    ))
}

/// Fails when `path` is a symbolic link: for files iehp will replace, checked before any work.
pub fn refuse_symlink(path: &Path, what: &str) -> Result<()> {
    if is_symlink(path) {
        Err(refuse_link(path, what))
    } else {
        Ok(())
    }
}

/// Creates `path` and its missing parents (the folder an output or a cache goes in, named by
/// the user; links the user put on the way are theirs to use).
pub fn create_dir_all(path: &Path) -> Result<()> {
    fs::create_dir_all(path).map_err(|e| Error::io(path, e))
}

/// The folders inside `base` (a build's staging folder) that files are written in: each made
/// where missing, every component a real folder, never a link. Each folder is made or checked
/// once and then remembered, rather than every component checked again for each file (that was
/// about 90,000 `lstat` calls for a 10,000-item hub's 35,000 files). Safe to share between
/// threads.
pub struct Folders {
    base: PathBuf,
    clear: bool,
    known: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
}

impl Folders {
    /// Folders in a new, empty `base`: something already in the way of one (which only
    /// another process could have put there) is refused, never removed.
    pub fn new_in(base: &Path) -> Self {
        Self::with(base, false)
    }

    /// Folders in a previous build reused as `base`: a file or link in the way of one is
    /// removed (a link itself, never what it points to) and a real folder made in its place.
    pub fn rebuilt_in(base: &Path) -> Self {
        Self::with(base, true)
    }

    fn with(base: &Path, clear: bool) -> Self {
        Self {
            base: base.to_path_buf(),
            clear,
            known: Default::default(),
        }
    }

    /// Makes `rel` (relative to the base) and the folders above it real folders.
    pub fn make(&self, rel: &Path) -> Result<()> {
        if rel.as_os_str().is_empty() || self.known().contains(rel) {
            return Ok(());
        }
        // The folder above first, so the one below is made in a checked folder: a link
        // further up is never passed through.
        if let Some(up) = rel.parent() {
            self.make(up)?;
        }
        self.make_one(&self.base.join(rel))?;
        self.known().insert(rel.to_path_buf());
        Ok(())
    }

    fn known(&self) -> std::sync::MutexGuard<'_, std::collections::HashSet<PathBuf>> {
        self.known
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// One folder at `at`, whose parent is a real folder. Another thread may make the same one
    /// at the same time: a real folder found there is always kept.
    fn make_one(&self, at: &Path) -> Result<()> {
        // In a new staging folder, folders are missing: make first, look after.
        if !self.clear {
            match fs::create_dir(at) {
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                done => return done.map_err(|e| Error::io(at, e)),
            }
        }
        match fs::symlink_metadata(at) {
            Ok(m) if m.is_dir() => return Ok(()),
            Ok(_) if self.clear => match fs::remove_file(at) {
                // A file or link (the link itself is removed); or gone, or a folder by now.
                Ok(()) => {}
                Err(_) if !fs::symlink_metadata(at).is_ok_and(|m| !m.is_dir()) => {}
                Err(e) => return Err(Error::io(at, e)),
            },
            Ok(m) if m.file_type().is_symlink() => return Err(refuse_link(at, "into folder")),
            Ok(_) => {
                return Err(Error::Usage(format!(
                    "{} exists and is not a folder",
                    at.display()
                )));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(at, e)),
        }
        match fs::create_dir(at) {
            Err(e)
                if e.kind() == std::io::ErrorKind::AlreadyExists
                    && fs::symlink_metadata(at).is_ok_and(|m| m.is_dir()) =>
            {
                Ok(())
            }
            done => done.map_err(|e| Error::io(at, e)),
        }
    }
}

/// Makes `path`, in a folder being rebuilt in place, a regular file holding `bytes`: a regular
/// file that already holds exactly them is left as it is (not written: its inode, blocks and
/// date stay); anything else there (another file, a folder, a link) is removed (a link itself)
/// and a new file written. Nothing is ever written into an existing file, so a file linked from
/// elsewhere is never changed through its link. Says whether it wrote.
pub fn write_or_keep(path: &Path, bytes: &[u8]) -> Result<bool> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(path, e)),
        Ok(m) => {
            if m.is_file() && m.len() == bytes.len() as u64 && holds(path, bytes) {
                return Ok(false);
            }
            remove_dir_all(path)?;
        }
    }
    write_new(path, bytes).map(|()| true)
}

/// Asks the kernel to read the regular file at `path` into memory in the background (never
/// through a link, without updating its access time); does nothing where that is not offered.
pub fn read_ahead(path: &Path) {
    #[cfg(target_os = "linux")]
    if let Ok(file) = open_to_read(path) {
        use std::os::unix::io::AsRawFd;
        // SAFETY: the descriptor is open for as long as `file` lives; plain integers.
        unsafe {
            libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_WILLNEED);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = path;
}

/// Whether the regular file at `path` (opened without following a link) is in the page cache,
/// its first 64 KB at least: read with `preadv2(RWF_NOWAIT)`, which fails rather than wait for
/// the disk. Where that call or flag is not offered, taken as in memory.
pub fn is_in_memory(path: &Path) -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::io::AsRawFd;
        let Ok(file) = open_to_read(path) else {
            return false;
        };
        let Ok(meta) = file.metadata() else {
            return false;
        };
        if !meta.is_file() {
            return false;
        }
        let want = meta.len().min(64 * 1024) as usize;
        if want == 0 {
            return true;
        }
        let mut buf = vec![0u8; want];
        let iov = libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: buf.len(),
        };
        // SAFETY: `iov` points into `buf`, which outlives the call; the descriptor is open for
        // as long as `file` lives.
        let n = unsafe { libc::preadv2(file.as_raw_fd(), &iov, 1, 0, libc::RWF_NOWAIT) };
        match usize::try_from(n) {
            Ok(n) => n == want,
            // Only "it would wait" says no: a file system without the flag is taken as holding it.
            Err(_) => std::io::Error::last_os_error().raw_os_error() != Some(libc::EAGAIN),
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        let _ = path;
        true
    }
}

/// Opens a file to read it, never through a link, and where the system offers it without
/// updating its access time (reading to compare or ahead is not a use, and would otherwise make
/// every file's inode dirty); `O_NOATIME` is for the file's owner only, so anyone else opens it
/// the usual way.
fn open_to_read(path: &Path) -> std::io::Result<fs::File> {
    let open = |flags: i32| {
        let mut options = fs::OpenOptions::new();
        options.read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(flags);
        }
        #[cfg(not(unix))]
        let _ = flags;
        options.open(path)
    };
    #[cfg(target_os = "linux")]
    match open(libc::O_NOFOLLOW | libc::O_NOATIME) {
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => {}
        opened => return opened,
    }
    #[cfg(unix)]
    return open(libc::O_NOFOLLOW);
    #[cfg(not(unix))]
    open(0)
}

/// Whether the regular file at `path` (opened without following a link) holds exactly `bytes`.
fn holds(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut file) = open_to_read(path) else {
        return false;
    };
    if !file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
    {
        return false;
    }
    let mut held = Vec::with_capacity(bytes.len());
    file.read_to_end(&mut held).is_ok() && held == bytes
}

/// Removes a folder tree (a missing one is fine). A link is removed itself: nothing it points to
/// is touched.
pub fn remove_dir_all(path: &Path) -> Result<()> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path, e)),
        Ok(m) if m.is_dir() => match fs::remove_dir_all(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(path, e)),
            _ => Ok(()),
        },
        Ok(_) => fs::remove_file(path).map_err(|e| Error::io(path, e)),
    }
}

/// Removes one entry of a tree: a folder with everything in it, or a file or link.
pub fn remove_entry(path: &Path) -> Result<()> {
    remove_dir_all(path)
}

pub fn rename(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to).map_err(|e| Error::io(to, e))
}

pub fn exists(path: &Path) -> bool {
    path.exists()
}

pub fn is_dir(path: &Path) -> bool {
    path.is_dir()
}

fn open_new(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    // `create_new` (O_EXCL) fails on any existing entry, a dangling link included, so a link
    // planted at the name is never followed.
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// Writes a new file, refusing to overwrite anything, a link included (a build's staging
/// folder, `iehp new`).
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = open_new(path).map_err(|e| {
        if is_symlink(path) {
            refuse_link(path, "file")
        } else {
            Error::io(path, e)
        }
    })?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))
}

/// A new file written whole or not at all, never over anything (a link included): the bytes go
/// to a temporary file beside it, which is then linked at `path` (failing if something is
/// there) and removed. A crash leaves no half-written file at `path` (`iehp new`).
pub fn write_new_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if fs::symlink_metadata(path).is_ok() {
        return Err(if is_symlink(path) {
            refuse_link(path, "file")
        } else {
            Error::io(path, std::io::Error::from(std::io::ErrorKind::AlreadyExists))
        });
    }
    let tmp = unique_sibling(path, "tmp");
    let written = open_new(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .map_err(|e| Error::io(&tmp, e))
        .and_then(|()| fs::hard_link(&tmp, path).map_err(|e| Error::io(path, e)));
    let _ = fs::remove_file(&tmp);
    written
}

/// Opens (creating it if needed) a lock file, never through a link.
pub fn open_lock_file(path: &Path) -> Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path).map_err(|e| {
        if is_symlink(path) {
            refuse_link(path, "lock file")
        } else {
            Error::io(path, e)
        }
    })
}

/// A name beside `path` no other process or thread picks: process id, time and a counter.
pub fn unique_sibling(path: &Path, tag: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.{tag}-{}-{nanos:x}-{n}", std::process::id()))
}

/// Replaces the file at `path` whole: the bytes go to a new file beside it, which is then
/// renamed over it, so a reader sees the old file or the new one, never a part. A link at
/// `path` is refused, not written through.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    if is_symlink(path) {
        return Err(refuse_link(path, "file"));
    }
    if path.is_dir() {
        return Err(Error::Usage(format!(
            "refusing to write {}: it is a folder",
            path.display()
        )));
    }
    let tmp = unique_sibling(path, "tmp");
    let written = open_new(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .map_err(|e| Error::io(&tmp, e));
    if let Err(e) = written.and_then(|()| rename(&tmp, path)) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn write_or_keep_keeps_the_same_bytes_and_never_writes_through_a_link() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        let page = d.join("page.html");
        fs::write(&page, "same").unwrap();
        let ino = fs::metadata(&page).unwrap().ino();
        assert!(!write_or_keep(&page, b"same").unwrap(), "kept");
        assert_eq!(fs::metadata(&page).unwrap().ino(), ino);
        assert!(write_or_keep(&page, b"changed").unwrap());
        assert_eq!(fs::read_to_string(&page).unwrap(), "changed");
        // A link, to a file or a folder: removed itself, its target untouched.
        let precious = d.join("precious.txt");
        fs::write(&precious, "keep").unwrap();
        std::os::unix::fs::symlink(&precious, d.join("a.html")).unwrap();
        assert!(
            write_or_keep(&d.join("a.html"), b"keep").unwrap(),
            "a link is never kept"
        );
        assert!(!is_symlink(&d.join("a.html")));
        // A file with a second name elsewhere: replaced, the other name keeps its bytes.
        fs::hard_link(&precious, d.join("b.html")).unwrap();
        assert!(write_or_keep(&d.join("b.html"), b"other").unwrap());
        assert_eq!(fs::read_to_string(&precious).unwrap(), "keep");
        // A folder where a file goes, and a file where a folder goes.
        fs::create_dir_all(d.join("c.html/inner")).unwrap();
        assert!(write_or_keep(&d.join("c.html"), b"c").unwrap());
        Folders::rebuilt_in(d).make(Path::new("page.html/sub")).unwrap();
        assert!(d.join("page.html/sub").is_dir());
        assert_eq!(fs::read_to_string(&precious).unwrap(), "keep");
    }

    #[cfg(unix)]
    #[test]
    fn writes_never_follow_links() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("precious.txt");
        fs::write(&target, "keep").unwrap();
        let link = tmp.path().join("link.txt");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = replace(&link, b"overwritten").unwrap_err().to_string();
        assert!(e.contains("symbolic link"), "{e}");
        let e = write_new(&link, b"overwritten").unwrap_err().to_string();
        assert!(e.contains("symbolic link"), "{e}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep");

        // A dangling link is not created through either.
        let dangling = tmp.path().join("dangling");
        std::os::unix::fs::symlink(tmp.path().join("nowhere"), &dangling).unwrap();
        assert!(write_new(&dangling, b"x").is_err());
        assert!(replace(&dangling, b"x").is_err());
        assert!(!tmp.path().join("nowhere").exists());

        // Removing a link to a folder removes the link only.
        let dir = tmp.path().join("dir");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("f"), "f").unwrap();
        let dir_link = tmp.path().join("dir-link");
        std::os::unix::fs::symlink(&dir, &dir_link).unwrap();
        remove_dir_all(&dir_link).unwrap();
        assert!(!dir_link.exists() && dir.join("f").exists());

        // No folder is made through a link.
        let e = Folders::new_in(tmp.path()).make(Path::new("dir-link/a"));
        assert!(e.is_ok(), "the link is gone: a real folder is made");
        std::os::unix::fs::symlink(&dir, tmp.path().join("l2")).unwrap();
        let folders = Folders::new_in(tmp.path());
        let e = folders.make(Path::new("l2/a")).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert!(!dir.join("a").exists());
        // Asked again, it is refused again (a refusal is not remembered as a folder).
        assert!(folders.make(Path::new("l2/b")).is_err());
        assert!(!dir.join("b").exists());
        // A file in the way is refused in a new folder, replaced in a rebuilt one.
        fs::write(tmp.path().join("f"), "f").unwrap();
        let e = Folders::new_in(tmp.path()).make(Path::new("f/a")).unwrap_err();
        assert!(e.to_string().contains("not a folder"), "{e}");
        Folders::rebuilt_in(tmp.path()).make(Path::new("l2/a")).unwrap();
        assert!(tmp.path().join("l2/a").is_dir() && !is_symlink(&tmp.path().join("l2")));
        assert!(!dir.join("a").exists(), "the link was removed, not followed");
    }

    #[test]
    fn a_new_file_is_written_whole_and_never_over_anything() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("new.md");
        write_new_atomic(&path, b"one").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "one");
        assert!(write_new_atomic(&path, b"two").is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "one");
        #[cfg(unix)]
        {
            let link = tmp.path().join("link.md");
            std::os::unix::fs::symlink(tmp.path().join("target.md"), &link).unwrap();
            let e = write_new_atomic(&link, b"x").unwrap_err().to_string();
            assert!(e.contains("symbolic link"), "{e}");
            assert!(!tmp.path().join("target.md").exists());
        }
        let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().flatten().collect();
        assert_eq!(
            names.len(),
            if cfg!(unix) { 2 } else { 1 },
            "no temporary file left"
        );
    }

    #[test]
    fn replace_is_whole_and_leaves_nothing_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("cache.json");
        replace(&path, b"one").unwrap();
        replace(&path, b"two").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "two");
        let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1);
    }
}
