//! The previous output's removal in the background: `iehp remove-previous-build DIR`, a process
//! of its own that a build starts for the output it set aside when that output cannot be kept as
//! the spare (see `reuse`), so the build does not wait for tens of thousands of files to go.

use std::path::Path;

use crate::error::{Error, Result};
use crate::fs;

/// The hidden command a build starts to remove its previous output in the background.
pub const REMOVER_COMMAND: &str = "remove-previous-build";

/// Whether `dir` is named as the previous output a swap set aside: `.NAME.old-…`, as
/// [`fs::unique_sibling`] names it. Nothing else is ever handed to a remover.
pub(super) fn is_previous_output_name(dir: &Path) -> bool {
    dir.file_name()
        .map(|n| n.to_string_lossy())
        .and_then(|n| {
            n.strip_prefix('.')
                .map(|n| n.contains(".old-") && !n.starts_with('.'))
        })
        .unwrap_or(false)
}

/// Opens `dir` itself (never through a link) and takes its lock without waiting: the lock says
/// a remover is at work on it, and goes when that process ends, however it ends.
#[cfg(unix)]
pub(super) fn lock_dir(dir: &Path) -> Option<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_DIRECTORY)
        .open(dir)
        .ok()?;
    // SAFETY: the descriptor is open for as long as `file` lives; flock takes plain integers.
    let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
    locked.then_some(file)
}

/// Whether a remover holds `dir` now.
pub(super) fn being_removed(dir: &Path) -> bool {
    #[cfg(unix)]
    {
        !fs::is_symlink(dir) && dir.is_dir() && lock_dir(dir).is_none()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        false
    }
}

/// `iehp remove-previous-build DIR`: removes the previous output a build set aside, holding its
/// lock meanwhile so that builds leave it alone, and says `removing` on stdout once it holds it
/// (the build waits for that line, and removes the folder itself if it does not come). Refuses
/// anything not named as a set-aside output, a link, or a folder another remover holds; links
/// inside are removed, never followed.
pub fn remove_previous_build(dir: &Path) -> Result<()> {
    if !is_previous_output_name(dir) || fs::is_symlink(dir) || !dir.is_dir() {
        return Err(Error::Usage(format!(
            "refusing to remove {}: it is not the previous output of a build (a folder named .NAME.old-…)",
            dir.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::io::Write;
        let Some(_lock) = lock_dir(dir) else {
            return Err(Error::Usage(format!(
                "{} is being removed already",
                dir.display()
            )));
        };
        let mut stdout = std::io::stdout();
        let _ = writeln!(stdout, "removing").and_then(|()| stdout.flush());
        // The build that started this has returned: give way to whatever runs next.
        // SAFETY: plain integers; `0` names this process. Failing leaves the priority as it was.
        unsafe {
            libc::setpriority(libc::PRIO_PROCESS, 0, 10);
        }
        fs::remove_dir_all(dir)
    }
    #[cfg(not(unix))]
    {
        fs::remove_dir_all(dir)
    }
}

/// Starts a remover for `old` and waits until it holds it; false when none could.
#[cfg(unix)]
pub(super) fn start_remover(old: &Path) -> bool {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let Ok(exe) = std::env::current_exe() else {
        return false;
    };
    let Ok(mut child) = Command::new(exe)
        .arg(REMOVER_COMMAND)
        .arg(old)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    else {
        return false;
    };
    let mut line = String::new();
    let said = child
        .stdout
        .take()
        .map(|out| std::io::BufReader::new(out).read_line(&mut line));
    if matches!(said, Some(Ok(_))) && line.trim_end() == "removing" {
        // It carries on alone (its pipe closed, it writes nothing more).
        return true;
    }
    let _ = child.wait();
    false
}
