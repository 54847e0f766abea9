//! `iehp serve`: builds the site into memory, serves it, watches the inputs and, after each burst
//! of edits, rebuilds only what depends on them, then tells open pages. A broken edit never stops
//! it: the last good site stays up and the problems show in the terminal and over open pages.
//!
//! Only this module touches sockets and notify. It writes nothing: not into `output/`, not
//! anywhere.

pub mod http;
pub mod rebuild;
pub mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use jiff::civil::Date;

use crate::error::{Error, Result};
use http::{Server, Shared};
use rebuild::{Builder, Touched};
use watch::{Change, Debounce};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
    pub now: Option<Date>,
    /// After every rebuild, build from scratch too and report any file that differs.
    pub verify: bool,
    /// How long a burst of events must fall quiet before the rebuild.
    pub quiet: Duration,
}

enum Msg {
    /// Paths an event named; none when the watcher lost events and everything must be re-read.
    Paths(Vec<PathBuf>),
    /// A search index built for a generation of the site (`None`: given up, as out of date),
    /// and how long it took.
    Index(u64, Result<Option<crate::search::IndexFiles>>, Duration),
    Stop,
}

/// The search index job under way, if one is: one at a time, on a thread of its own that runs
/// only on cores nothing else wants, and only once edits pause, so that it neither slows the
/// rebuilds an editor waits for nor works on a site the next save changes.
struct Indexer {
    pool: rayon::ThreadPool,
    /// The generation the running job builds, and its flag to give up.
    running: Option<(u64, Arc<AtomicBool>)>,
    tx: mpsc::Sender<Msg>,
}

impl Indexer {
    /// Starts building the last good build's index, unless a job is under way (when it ends,
    /// a newer generation gets its own) or it is published already.
    fn start(&mut self, builder: &Builder) {
        if self.running.is_some() || builder.index_published() {
            return;
        }
        let Some(job) = builder.index_job() else {
            return;
        };
        let stop = Arc::new(AtomicBool::new(false));
        self.running = Some((job.generation(), stop.clone()));
        let tx = self.tx.clone();
        self.pool.spawn(move || {
            let started = Instant::now();
            let generation = job.generation();
            let index = job.run(&|| stop.load(Ordering::Relaxed));
            let _ = tx.send(Msg::Index(generation, index, started.elapsed()));
        });
    }

    /// Tells the running job to give up if the site has moved on from what it indexes.
    fn stop_if_stale(&self, builder: &Builder) {
        if let Some((generation, stop)) = &self.running
            && *generation != builder.generation()
        {
            stop.store(true, Ordering::Relaxed);
        }
    }
}

/// Runs until Ctrl-C.
pub fn serve(opts: ServeOptions) -> Result<()> {
    // Events name absolute paths; so must the root they are compared with.
    let root = std::fs::canonicalize(&opts.root).map_err(|e| Error::io(&opts.root, e))?;
    let (tx, rx) = mpsc::channel::<Msg>();
    {
        let tx = tx.clone();
        ctrlc::set_handler(move || {
            let _ = tx.send(Msg::Stop);
        })
        .map_err(|e| Error::system("cannot handle Ctrl-C", e))?;
    }

    // Counts events that may change the site, as they happen: a rebuild under way when one
    // arrives is abandoned, and the next one takes in both edits.
    let edits = Arc::new(AtomicU64::new(0));
    // Watching starts before the first build, so an edit made while it runs is not missed.
    let mut watcher = {
        let (tx, edits, root) = (tx.clone(), edits.clone(), root.clone());
        watch::start(&root.clone(), move |paths| {
            if watch::may_change_site(&root, &paths) {
                edits.fetch_add(1, Ordering::SeqCst);
            }
            let _ = tx.send(Msg::Paths(paths));
        })?
    };
    let mut watched: Vec<PathBuf> = ["content", "themes"]
        .iter()
        .map(|d| root.join(d))
        .filter(|p| p.is_dir())
        .collect();

    let started = Instant::now();
    let mut builder = Builder::new(rebuild::Options {
        root: root.clone(),
        drafts: opts.drafts,
        now: opts.now,
    });
    let shared = Arc::new(Shared::default());
    let edits_at_start = Arc::new(AtomicU64::new(0));
    {
        let (edits, at_start) = (edits.clone(), edits_at_start.clone());
        builder.abandon_when(move || edits.load(Ordering::SeqCst) != at_start.load(Ordering::SeqCst));
    }
    // The first build includes the search index, so the site is whole from the start.
    match builder.rebuild(&Touched::default()) {
        Ok(delta) => {
            let pages = delta.rendered;
            let files = shared.apply(delta).len();
            println!(
                "built {pages} pages ({files} files) in memory in {:.2} s",
                started.elapsed().as_secs_f64()
            );
        }
        Err(e) => report_failure(&shared, &e),
    }
    if opts.verify {
        verify(&builder, &shared, &opts);
    }

    let server = Server::start(SocketAddr::new(opts.bind, opts.port), shared.clone())?;
    let base_path = shared.files().base_path().to_string();
    println!("serving http://{}{base_path} (Ctrl-C to stop)", server.addr);
    if !opts.bind.is_loopback() {
        println!(
            "warning: bound to {}: other machines on the network can see this site",
            opts.bind
        );
    }

    let mut indexer = Indexer {
        pool: rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|_| "search index".to_string())
            .start_handler(|_| yield_to_rebuilds())
            .build()
            .map_err(|e| Error::system("cannot start the search index thread", e))?,
        running: None,
        tx: tx.clone(),
    };
    let mut debounce = Debounce::new(opts.quiet, watch::LONGEST);
    let mut touched = Touched::default();
    // When to start the search index, and to hand freed memory back to the system, once
    // edits pause.
    let mut index_at: Option<Instant> = None;
    let mut tidy_at: Option<Instant> = None;
    loop {
        let deadline = [debounce.deadline(), index_at, tidy_at]
            .into_iter()
            .flatten()
            .min();
        let msg = match deadline {
            Some(deadline) => rx.recv_timeout(deadline.saturating_duration_since(Instant::now())),
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match msg {
            Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => break,
            Ok(Msg::Paths(paths)) => {
                let rewatched = follow_folders(&root, &paths, &mut watcher, &mut watched, &mut touched);
                if take_in(&root, &paths, &mut builder, &mut touched) || rewatched {
                    debounce.event(Instant::now());
                }
            }
            Ok(Msg::Index(generation, index, took)) => {
                indexer.running = None;
                match index {
                    Ok(Some(index)) => {
                        index_ready(&mut builder, &shared, generation, index, took, &opts);
                    }
                    // Out of date before it was done: the current site's follows.
                    Ok(None) => {}
                    Err(e) => report_failure(&shared, &e),
                }
                index_at = Some(Instant::now() + INDEX_AFTER);
                tidy_at = Some(Instant::now() + TIDY_AFTER);
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
        let quiet = debounce.deadline().is_none();
        if index_at.is_some_and(|t| t <= Instant::now()) && quiet {
            index_at = None;
            indexer.start(&builder);
        }
        if tidy_at.is_some_and(|t| t <= Instant::now()) && quiet {
            tidy_at = None;
            crate::memory::return_freed_memory();
        }
        if debounce.due(Instant::now()) && !touched.is_empty() {
            let batch = std::mem::take(&mut touched);
            edits_at_start.store(edits.load(Ordering::SeqCst), Ordering::SeqCst);
            if !root.join("content").is_dir() {
                // Moved away or deleted: keep serving the last good site until it is back
                // (`follow_folders` then has everything read again).
                let gone = Error::Content(vec![crate::error::Diagnostic::error(
                    "content",
                    0,
                    0,
                    "the content/ folder is gone (moved or deleted); it is read again as soon as it is back",
                )]);
                report_failure(&shared, &gone);
                continue;
            }
            if !rebuild(&mut builder, &shared, &batch, &opts) {
                // Abandoned for a newer edit: that edit's rebuild takes in this one's files too.
                touched.content.extend(batch.content);
                touched.settings |= batch.settings;
                touched.ignore_rules |= batch.ignore_rules;
                touched.theme |= batch.theme;
                debounce.event(Instant::now());
                continue;
            }
            indexer.stop_if_stale(&builder);
            index_at = Some(Instant::now() + INDEX_AFTER);
            tidy_at = Some(Instant::now() + TIDY_AFTER);
            // A `content/` or `themes/` folder that appeared since is watched from now on.
            for dir in ["content", "themes"].map(|d| root.join(d)) {
                if dir.is_dir() && !watched.contains(&dir) {
                    if let Err(e) = watch::add(&mut watcher, &dir) {
                        eprintln!("{e}");
                    }
                    watched.push(dir);
                }
            }
        }
    }
    println!("stopping");
    drop(watcher);
    server.stop();
    Ok(())
}

/// Adds what `paths` touch to `touched`; returns whether any of it matters.
fn take_in(root: &Path, paths: &[PathBuf], builder: &mut Builder, touched: &mut Touched) -> bool {
    if paths.is_empty() {
        // Events were lost: read everything again.
        touched.ignore_rules = true;
        touched.settings = true;
        touched.theme = true;
        return true;
    }
    let theme = builder.theme_name();
    let mut matters = false;
    for abs in paths {
        let Ok(rel) = abs.strip_prefix(root) else {
            continue;
        };
        match watch::classify(rel, &theme) {
            Change::Content => {
                if builder.wants(abs) {
                    touched.content.insert(abs.clone());
                    matters = true;
                }
            }
            Change::Settings => {
                touched.settings = true;
                matters = true;
            }
            Change::IgnoreRules => {
                touched.ignore_rules = true;
                matters = true;
            }
            Change::Theme => {
                touched.theme = true;
                matters = true;
            }
            Change::Nothing => {}
        }
    }
    matters
}

/// Follows `content/` and `themes/` moving away, coming back, or being deleted and made again:
/// a folder that is gone is no longer watched, and one that (re)appears is watched afresh and
/// everything is read again. Returns whether it did anything.
fn follow_folders(
    root: &Path,
    paths: &[PathBuf],
    watcher: &mut notify::RecommendedWatcher,
    watched: &mut Vec<PathBuf>,
    touched: &mut Touched,
) -> bool {
    let mut acted = false;
    for dir in ["content", "themes"].map(|d| root.join(d)) {
        // An event naming the folder itself (it moved, or was made or removed): whatever the
        // watcher held for it may point elsewhere now.
        let itself = paths.is_empty() || paths.contains(&dir);
        let present = dir.is_dir();
        let is_watched = watched.contains(&dir);
        if is_watched && (!present || itself) {
            let _ = notify::Watcher::unwatch(watcher, &dir);
            watched.retain(|w| *w != dir);
            // A rebuild follows: it says the folder is gone, or reads it all again.
            touched.ignore_rules = true;
            acted = true;
        }
        if present && !watched.contains(&dir) {
            if let Err(e) = watch::add(watcher, &dir) {
                eprintln!("{e}");
                continue;
            }
            watched.push(dir);
            touched.ignore_rules = true;
            touched.settings = true;
            touched.theme = true;
            acted = true;
        }
    }
    acted
}

/// Rebuilds and publishes; false when the rebuild was abandoned for a newer edit.
fn rebuild(builder: &mut Builder, shared: &Shared, touched: &Touched, opts: &ServeOptions) -> bool {
    let started = Instant::now();
    match builder.rebuild(touched) {
        Ok(delta) => {
            let built = started.elapsed();
            let (rendered, planned) = (delta.rendered, delta.planned);
            let swaps = delta.style_swaps.clone();
            let changed = shared.apply(delta);
            let total = started.elapsed();
            if shared.is_failing() {
                println!("fixed: serving the new site");
            }
            shared.fixed();
            let count = changed.len();
            shared.changed(changed, swaps);
            println!(
                "rebuilt in {:.1} ms ({:.1} ms to build): {rendered} of {planned} pages rendered, {count} files changed",
                total.as_secs_f64() * 1000.0,
                built.as_secs_f64() * 1000.0,
            );
            if opts.verify && builder.index_published() {
                verify(builder, shared, opts);
            }
        }
        Err(e) if rebuild::is_abandoned(&e) => {
            println!("{}", rebuild::ABANDONED);
            return false;
        }
        Err(e) => report_failure(shared, &e),
    }
    true
}

/// How long edits must pause before the search index of the site as it is then is built.
const INDEX_AFTER: Duration = Duration::from_millis(300);

/// How long the server must be quiet after a rebuild or a new search index before it returns
/// the memory they freed.
const TIDY_AFTER: Duration = Duration::from_millis(250);

/// Lowers the calling thread's priority, so that the search index, built in the background,
/// gives way to the rebuilds an editor waits for. On Linux a thread has its own scheduling
/// policy: `SCHED_IDLE` runs it only on a core nothing else wants (a nice value of 19 still took
/// a share, and a rebuild beside it took a third longer). Elsewhere `setpriority` would lower
/// the whole server, so it is left alone.
fn yield_to_rebuilds() {
    #[cfg(target_os = "linux")]
    // SAFETY: both calls take plain integers or a pointer to a local; `0` names the calling
    // thread. Failing is harmless: the thread keeps its priority.
    unsafe {
        let param = libc::sched_param { sched_priority: 0 };
        if libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) != 0 {
            libc::setpriority(libc::PRIO_PROCESS, 0, 19);
        }
    }
}

/// Publishes a search index if it is the last good build's, with the search page that names it.
fn index_ready(
    builder: &mut Builder,
    shared: &Shared,
    generation: u64,
    index: crate::search::IndexFiles,
    took: Duration,
    opts: &ServeOptions,
) {
    let Some(delta) = builder.take_index(generation, index) else {
        // A newer build came meanwhile; its own index follows.
        return;
    };
    let search_pages = match builder.rebuild(&Touched::default()) {
        Ok(delta) => delta,
        Err(e) => return report_failure(shared, &e),
    };
    let mut changed = shared.apply(delta);
    changed.extend(shared.apply(search_pages));
    let count = changed.len();
    shared.changed(changed, None);
    println!(
        "search index rebuilt in {:.0} ms: {count} files changed",
        took.as_secs_f64() * 1000.0
    );
    if opts.verify {
        verify(builder, shared, opts);
    }
}

fn report_failure(shared: &Shared, e: &Error) {
    let problems = rebuild::problems(e);
    for p in &problems {
        println!("{p}");
    }
    if problems.is_empty() {
        println!("{e}");
    }
    println!(
        "{} problem{}: still serving the last good site",
        problems.len().max(1),
        if problems.len() == 1 { "" } else { "s" }
    );
    shared.failed(&problems);
}

/// Compares what is served with a build from scratch.
fn verify(builder: &Builder, shared: &Shared, opts: &ServeOptions) {
    let Some(now) = builder.now() else {
        return;
    };
    let served = shared.files().snapshot();
    let options = rebuild::Options {
        root: opts.root.clone(),
        drafts: opts.drafts,
        now: Some(now),
    };
    match rebuild::differences(&options, now, &served) {
        Ok(differ) if differ.is_empty() => println!("verify: same as a clean build"),
        Ok(differ) => println!(
            "verify: {} files differ from a clean build: {}",
            differ.len(),
            differ.join(", ")
        ),
        Err(e) => println!("verify: a clean build fails: {e}"),
    }
}
