//! Watching the inputs with notify: `content/` (with `site.yaml`), the theme's folder and the
//! root's `.gitignore`, never the output. [`classify`] says, from a path alone, what a change
//! there means; [`Debounce`] turns a burst of events (an editor's save-by-rename, a checkout of
//! a hundred files) into one rebuild. Both are pure.

use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::content::SITE_FILE;
use crate::content::discover::is_scratch;
use crate::error::{Error, Result};

/// What a change at a path means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A content file or folder under `content/`.
    Content,
    /// `content/site.yaml`.
    Settings,
    /// A `.gitignore` or `.ignore` deciding which content files count.
    IgnoreRules,
    /// A file of the theme in use (templates, static files, strings).
    Theme,
    /// Anything else: hidden files, editors' leftovers, other themes, the output, `.git`.
    Nothing,
}

/// What a change at `rel` (relative to the site root) means, when the site uses theme `theme`.
pub fn classify(rel: &Path, theme: &str) -> Change {
    let parts: Vec<&str> = match rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect::<Option<Vec<&str>>>()
    {
        Some(parts) if !parts.is_empty() => parts,
        _ => return Change::Nothing,
    };
    let name = parts[parts.len() - 1];
    let ignore_file = name == ".gitignore" || name == ".ignore";
    let folders = &parts[..parts.len() - 1];
    if folders.iter().any(|f| f.starts_with('.')) {
        return Change::Nothing;
    }
    match parts[0] {
        ".gitignore" if parts.len() == 1 => Change::IgnoreRules,
        "content" if ignore_file => Change::IgnoreRules,
        _ if is_scratch(name) && parts.len() > 1 => Change::Nothing,
        "content" if rel == Path::new(SITE_FILE) => Change::Settings,
        "content" => Change::Content,
        "themes" if parts.len() == 1 || parts[1] == theme => Change::Theme,
        _ => Change::Nothing,
    }
}

/// Whether an event naming `paths` (absolute) may change the site: something under `content/`
/// or `themes/` that is not hidden nor an editor's scratch file, or lost events (no paths).
pub fn may_change_site(root: &Path, paths: &[PathBuf]) -> bool {
    paths.is_empty()
        || paths.iter().any(|p| {
            let Ok(rel) = p.strip_prefix(root) else {
                return false;
            };
            // Any theme counts: which one the site uses is the rebuild's to know.
            let theme = rel
                .components()
                .nth(1)
                .and_then(|c| c.as_os_str().to_str())
                .unwrap_or("");
            classify(rel, theme) != Change::Nothing
        })
}

/// Gathers events into bursts: a burst ends after `quiet` without events, or `longest` after it
/// began when events never stop.
#[derive(Debug, Clone)]
pub struct Debounce {
    quiet: Duration,
    longest: Duration,
    burst: Option<(Instant, Instant)>,
}

/// The longest a rebuild waits for events that never stop.
pub const LONGEST: Duration = Duration::from_secs(1);

impl Debounce {
    pub fn new(quiet: Duration, longest: Duration) -> Self {
        Self {
            quiet,
            longest,
            burst: None,
        }
    }

    /// An event that matters arrived at `at`.
    pub fn event(&mut self, at: Instant) {
        self.burst = Some(match self.burst {
            Some((first, _)) => (first, at),
            None => (at, at),
        });
    }

    /// When the burst under way should end, if one is.
    pub fn deadline(&self) -> Option<Instant> {
        self.burst
            .map(|(first, last)| (last + self.quiet).min(first + self.longest))
    }

    /// Whether the burst is over at `now`; if so, starts afresh.
    pub fn due(&mut self, now: Instant) -> bool {
        match self.deadline() {
            Some(deadline) if now >= deadline => {
                self.burst = None;
                true
            }
            _ => false,
        }
    }
}

/// Starts watching the site's inputs; every event's paths go to `send`. The watcher stops when
/// dropped.
pub fn start(
    root: &Path,
    send: impl Fn(Vec<PathBuf>) + Send + 'static,
) -> Result<notify::RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        match event {
            Ok(event) if !changes_files(&event.kind) => {}
            Ok(event) => send(event.paths),
            // The kernel dropped events (queue overflow): treat the whole tree as touched.
            Err(_) => send(Vec::new()),
        }
    })
    .map_err(|e| watch_error(root, e))?;
    // The root itself, not recursively: `.gitignore`, and `content/` or `themes/` appearing.
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| watch_error(root, e))?;
    for dir in ["content", "themes"] {
        let path = root.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| watch_error(&path, e))?;
        }
    }
    Ok(watcher)
}

/// Whether an event can mean a file changed: reading one (the rebuild itself reads them) does not.
fn changes_files(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode, EventKind};
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Watches one more folder, recursively (a `content/` or `themes/` that appeared).
pub fn add(watcher: &mut notify::RecommendedWatcher, dir: &Path) -> Result<()> {
    watcher
        .watch(dir, RecursiveMode::Recursive)
        .map_err(|e| watch_error(dir, e))
}

fn watch_error(path: &Path, e: notify::Error) -> Error {
    Error::Usage(format!("cannot watch {} for changes: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn case(rel: &str, expected: Change) {
        assert_eq!(classify(Path::new(rel), "default"), expected, "{rel}");
    }

    #[test]
    fn paths_are_sorted_by_what_they_touch() {
        case("content/events/summit.md", Change::Content);
        case("content/events", Change::Content);
        case("content", Change::Content);
        case("content/data/noc.yaml", Change::Content);
        case("content/site.yaml", Change::Settings);
        case("content/.gitignore", Change::IgnoreRules);
        case("content/events/.ignore", Change::IgnoreRules);
        case(".gitignore", Change::IgnoreRules);
        case("themes/default/templates/base.html", Change::Theme);
        case("themes/default/static/style.css", Change::Theme);
        case("themes/default", Change::Theme);
        case("themes", Change::Theme);
        case("themes/other/templates/base.html", Change::Nothing);
        case("output/index.html", Change::Nothing);
        case("target/debug/iehp", Change::Nothing);
        case(".git/index", Change::Nothing);
        case("README.md", Change::Nothing);
    }

    #[test]
    fn hidden_and_scratch_files_are_nothing() {
        case("content/events/.summit.md.swp", Change::Nothing);
        case("content/events/summit.md~", Change::Nothing);
        case("content/events/#summit.md#", Change::Nothing);
        case("content/events/4913", Change::Nothing);
        case("content/events/summit.md.tmp", Change::Nothing);
        case("content/events/summit.md___jb_tmp___", Change::Nothing);
        case("content/.hidden/summit.md", Change::Nothing);
        case("themes/default/templates/.base.html.swp", Change::Nothing);
        case("themes/default/static/style.css~", Change::Nothing);
        case("content/.git/config", Change::Nothing);
    }

    #[test]
    fn edits_that_may_change_the_site() {
        let root = Path::new("/site");
        let may = |p: &str| may_change_site(root, &[root.join(p)]);
        assert!(may("content/events/a.md"));
        assert!(may("content"));
        assert!(may("themes/other/static/x.css"));
        assert!(!may("content/events/.a.md.swp"));
        assert!(!may("output/index.html"));
        assert!(!may_change_site(
            root,
            &[PathBuf::from("/elsewhere/content/a.md")]
        ));
        assert!(may_change_site(root, &[]), "lost events may be anything");
    }

    #[test]
    fn a_burst_ends_after_a_quiet_spell_or_at_the_longest() {
        let t = Instant::now();
        let ms = Duration::from_millis;
        let mut d = Debounce::new(ms(10), ms(100));
        assert_eq!(d.deadline(), None);
        assert!(!d.due(t));
        // A checkout: events every 2 ms for 30 ms give one rebuild, 10 ms after the last.
        for k in 0..16 {
            d.event(t + ms(2 * k));
            assert!(!d.due(t + ms(2 * k + 1)));
        }
        assert_eq!(d.deadline(), Some(t + ms(40)));
        assert!(!d.due(t + ms(39)));
        assert!(d.due(t + ms(40)));
        assert_eq!(d.deadline(), None, "the next event starts a new burst");
        // Events that never stop still give a rebuild at the longest.
        let u = t + ms(1000);
        for k in 0..60 {
            d.event(u + ms(5 * k));
        }
        assert_eq!(d.deadline(), Some(u + ms(100)));
    }
}
