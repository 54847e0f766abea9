//! The dev server's HTTP side: serves the built site from memory (never from disk, so no request
//! can reach a file outside it), with [`resolve`] turning a request's target into a file of the
//! site or a refusal; injects the live-reload script into HTML pages; and streams rebuild events
//! to open pages over Server-Sent Events.
//!
//! A small HTTP/1.1 server of its own, so that every limit is its own to set (tiny_http, used
//! before, starts a thread per connection without bound and reads a request line of any length,
//! and offers no setting for either): a fixed pool of
//! [`WORKERS`] threads answers requests, at most [`MAX_CONNECTIONS`] connections are open at
//! once (past it, a `503` at once), a request's head may be at most [`MAX_HEAD`] bytes and must
//! arrive within [`HEAD_TIMEOUT`], and open event streams, at most [`MAX_STREAMS`], take no
//! thread at all (events are written to each stream by whoever broadcasts them). Requests
//! naming another host are refused ([`host_allowed`]: a page on another site cannot read the
//! dev server through DNS rebinding), and every answer carries the production site's content
//! security policy ([`csp`]).
//!
//! This file owns the server itself: the listening socket, the accepting thread, the worker
//! pool and its limits, and the loop that answers one connection's requests. The rest, one
//! concern a file:
//! - [`request`]: reading and parsing a request's head, and waiting for the next one;
//! - [`route`]: a request's target to a file of the site, and the `Host` check;
//! - [`response`]: answers (files with the live-reload script, 404s, the dev endpoints) and how
//!   they are written, with the content security policy;
//! - [`live`]: the site as served, and the live-reload event streams rebuilds are broadcast to.

mod answer;
mod live;
mod request;
mod response;
mod route;

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::error::{Error, Result};

use answer::{Reply, answer};
pub use live::{Event, Files, Problem, Shared};
use live::{events, keep_alive};
use request::wait_readable;
pub use request::{Head, HeadError, read_head};
use response::{Answer, write_answer};
pub use response::{csp, inject, media_type};
use route::machine_name;
pub use route::{DEV_PREFIX, Dev, Resolution, host_allowed, resolve};

/// Threads answering requests.
pub const WORKERS: usize = 16;
/// Connections open at once, event streams not counted; past it, new ones get a `503`.
pub const MAX_CONNECTIONS: usize = 256;
/// Open event streams (live-reload pages); past it, new ones get a `503`.
pub const MAX_STREAMS: usize = 512;
/// The longest request head (request line and headers) taken.
pub const MAX_HEAD: usize = 16 * 1024;
/// How long a request's head may take to arrive.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a kept-alive connection may wait for its next request (less while others wait
/// for a worker).
pub(super) const IDLE: Duration = Duration::from_secs(5);

/// The running HTTP server.
pub struct Server {
    accept: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
    pub addr: SocketAddr,
}

/// What the accepting thread and the workers share.
struct Pool {
    queue: Mutex<std::collections::VecDeque<TcpStream>>,
    ready: std::sync::Condvar,
    /// Connections accepted and not yet closed or handed to the event streams.
    open: AtomicUsize,
}

impl Server {
    pub fn start(addr: SocketAddr, shared: Arc<Shared>) -> Result<Self> {
        let cannot = |e: &dyn std::fmt::Display| Error::Usage(format!("cannot listen on {addr}: {e}"));
        let listener = listen(addr).map_err(|e| cannot(&e))?;
        let addr = listener.local_addr().map_err(|e| cannot(&e))?;
        let pool = Arc::new(Pool {
            queue: Mutex::new(std::collections::VecDeque::new()),
            ready: std::sync::Condvar::new(),
            open: AtomicUsize::new(0),
        });
        for n in 0..WORKERS {
            let (pool, shared) = (pool.clone(), shared.clone());
            std::thread::Builder::new()
                .name(format!("http {n}"))
                .spawn(move || work(&pool, &shared, addr))
                .map_err(|e| cannot(&e))?;
        }
        {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("event keepalive".to_string())
                .spawn(move || keep_alive(&shared))
                .map_err(|e| cannot(&e))?;
        }
        let accept = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("http accept".to_string())
                .spawn(move || {
                    for stream in listener.incoming() {
                        if shared.stopping.load(Ordering::SeqCst) {
                            break;
                        }
                        // A connection that failed before it was accepted: nothing to answer.
                        let Ok(mut stream) = stream else { continue };
                        if pool.open.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
                            refuse_busy(&mut stream);
                            continue;
                        }
                        pool.open.fetch_add(1, Ordering::SeqCst);
                        pool.queue
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push_back(stream);
                        pool.ready.notify_one();
                    }
                    shared.stopping.store(true, Ordering::SeqCst);
                    pool.ready.notify_all();
                })
                .map_err(|e| cannot(&e))?
        };
        Ok(Server {
            accept: Some(accept),
            shared,
            addr,
        })
    }

    /// Stops accepting requests and ends every event stream.
    pub fn stop(mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        self.shared.end_streams();
        // Wake the accepting thread with a connection of our own.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake {
                SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// Answers a connection over the limit at once, without a worker, and closes it.
fn refuse_busy(stream: &mut TcpStream) {
    let _ = stream.set_nonblocking(true);
    let body = "503 Service Unavailable: too many connections to iehp serve\n";
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write(head.as_bytes());
}

/// A worker: takes connections off the queue and answers their requests, one at a time.
fn work(pool: &Pool, shared: &Shared, local: SocketAddr) {
    loop {
        let stream = {
            let mut queue = pool.queue.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(s) = queue.pop_front() {
                    break s;
                }
                if shared.stopping.load(Ordering::SeqCst) {
                    return;
                }
                queue = pool.ready.wait(queue).unwrap_or_else(|e| e.into_inner());
            }
        };
        let waiting = || !pool.queue.lock().unwrap_or_else(|e| e.into_inner()).is_empty();
        serve_connection(stream, shared, local, &waiting);
        pool.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The listening socket, made by hand for one option: TCP_NODELAY, which accepted connections
/// take from it (on Linux and the BSDs; set again on each to be sure). Responses are written
/// in pieces; with Nagle's algorithm on, the last piece waits for the browser's delayed
/// acknowledgement, some 40 ms for every request on a kept-alive connection.
fn listen(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    // So a server stopped a moment ago does not hold the port (not on Windows, where the
    // option would let two servers share it).
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.set_tcp_nodelay(true)?;
    socket.bind(&addr.into())?;
    socket.listen(128)?;
    Ok(socket.into())
}

/// Answers the requests of one connection until it closes, goes idle, or asks to close.
fn serve_connection(stream: TcpStream, shared: &Shared, local: SocketAddr, waiting: &dyn Fn() -> bool) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(HEAD_TIMEOUT));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = std::io::BufReader::new(stream);
    let machine = machine_name();
    loop {
        // Wait for the next request, giving the worker up early when others wait for one.
        if !wait_readable(&mut reader, waiting) {
            return;
        }
        let _ = reader.get_ref().set_read_timeout(Some(HEAD_TIMEOUT));
        let head = match read_head(&mut reader, MAX_HEAD) {
            Ok(head) => head,
            Err(HeadError::Gone) => return,
            Err(HeadError::TooLarge) => {
                let a = Answer::text(
                    431,
                    "431 Request Header Fields Too Large: a request's head may be at most 16 KiB",
                );
                let _ = write_answer(&mut writer, &a, true, true);
                return;
            }
            Err(HeadError::Malformed) => {
                let _ = write_answer(&mut writer, &Answer::text(400, "400 Bad Request"), true, true);
                return;
            }
        };
        let body = head.method != "HEAD";
        if let Some(host) = &head.host
            && !host_allowed(host, machine.as_deref())
        {
            let a = Answer::text(
                403,
                &format!(
                    "403 Forbidden: iehp serve answers only requests for localhost, {} or an IP address, not for {host:?} (a page on another site must not read the dev server)",
                    local.ip()
                ),
            );
            let _ = write_answer(&mut writer, &a, body, true);
            return;
        }
        if head.body {
            // The dev server takes no request bodies; closing spares reading one.
            let a = Answer::text(413, "413 Content Too Large: iehp serve takes no request bodies")
                .with("Allow", "GET, HEAD".to_string());
            let _ = write_answer(&mut writer, &a, body, true);
            return;
        }
        if head.method != "GET" && head.method != "HEAD" {
            let a = Answer::text(405, "405 Method Not Allowed").with("Allow", "GET, HEAD".to_string());
            let _ = write_answer(&mut writer, &a, body, true);
            return;
        }
        let answer = match answer(&head.target, shared) {
            Reply::Answer(a) => a,
            Reply::Events => {
                events(writer, shared, body);
                return;
            }
        };
        if write_answer(&mut writer, &answer, body, head.close).is_err() || head.close {
            return;
        }
    }
}
