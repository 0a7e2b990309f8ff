//! Gives the memory a burst of work freed back to the system once the app is quiet again.
//!
//! glibc's allocator keeps what a burst frees (reading 10,000 cached rows for Sent's key lists,
//! a page of IPC JSON, a refresh) in its arenas, one per thread that allocated: after opening
//! Sent over 10,000 rows the app process held ~29 MB it no longer used, counted in its memory
//! as long as it ran. `malloc_trim` returns those pages. It walks every arena under its lock,
//! so it runs on its own thread, once work has stopped for [`QUIET`], not after every call.

use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long no work may have been noted before the freed memory is given back.
pub const QUIET: Duration = Duration::from_millis(1500);

struct Trimmer {
    /// When work was last noted; `None` once its memory was given back.
    last_work: Mutex<Option<Instant>>,
    wake: Condvar,
}

fn trimmer() -> &'static Trimmer {
    static TRIMMER: OnceLock<Trimmer> = OnceLock::new();
    TRIMMER.get_or_init(|| {
        // The thread's own `trimmer()` waits until this initialisation has returned.
        let spawned = std::thread::Builder::new()
            .name("memory trim".into())
            .spawn(|| trim_when_quiet(trimmer()));
        if let Err(e) = spawned {
            log::warn!("freed memory will not be given back to the system: {e}");
        }
        Trimmer {
            last_work: Mutex::new(None),
            wake: Condvar::new(),
        }
    })
}

/// Notes that work which may have freed memory just ended; the memory goes back to the
/// system once nothing else was noted for [`QUIET`].
pub fn work_ended() {
    if !TRIMS {
        return;
    }
    let trimmer = trimmer();
    if let Ok(mut last_work) = trimmer.last_work.lock() {
        // Only an idle trimmer needs waking: a waiting one looks at the time again itself.
        let idle = last_work.is_none();
        *last_work = Some(Instant::now());
        if idle {
            trimmer.wake.notify_one();
        }
    }
}

fn trim_when_quiet(trimmer: &Trimmer) {
    let Ok(mut last_work) = trimmer.last_work.lock() else {
        return;
    };
    loop {
        let wait = match *last_work {
            None => None,
            Some(at) if at.elapsed() < QUIET => Some(QUIET - at.elapsed()),
            Some(_) => {
                *last_work = None;
                drop(last_work);
                give_back_now();
                last_work = match trimmer.last_work.lock() {
                    Ok(l) => l,
                    Err(_) => return,
                };
                continue;
            }
        };
        last_work = match wait {
            None => trimmer
                .wake
                .wait(last_work)
                .unwrap_or_else(|p| p.into_inner()),
            Some(left) => {
                let (l, _) = trimmer
                    .wake
                    .wait_timeout(last_work, left)
                    .unwrap_or_else(|p| p.into_inner());
                l
            }
        };
    }
}

/// Blocks at least this large get pages of their own, returned when freed.
const OWN_PAGES_FROM: usize = 256 * 1024;
/// Free space above this at the top of an arena goes back when a block is freed.
const KEEP_AT_TOP: usize = 1024 * 1024;

/// Fixes glibc's thresholds for large blocks; call before any thread starts. Left to itself,
/// glibc raises both after a large block is freed (an IPC answer, the Sent lists read at
/// 100,000 rows): blocks up to that size then come from the arenas, and up to twice it of
/// free space stays at the top of each thread's arena, which `malloc_trim` does not reach
/// (it trims the top of the main arena only). Measured: the app at 10,000 cached rows held
/// ~7 MiB less once settled.
pub fn configure() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt only sets the allocator's parameters.
        let set = unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, OWN_PAGES_FROM as i32)
                & libc::mallopt(libc::M_TRIM_THRESHOLD, KEEP_AT_TOP as i32)
        };
        if set != 1 {
            // Before any logger exists (first thing in `run()`): straight to stderr.
            eprintln!("InviteDesk: the allocator's thresholds were not set: freed memory may stay with the app");
        }
    }
}

/// Whether this build can give freed memory back (glibc on Linux; other systems' allocators
/// return it themselves).
pub const TRIMS: bool = cfg!(all(target_os = "linux", target_env = "gnu"));

/// Gives every arena's free pages back now.
fn give_back_now() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let started = Instant::now();
        // SAFETY: malloc_trim only takes the allocator's own locks and returns free pages.
        unsafe {
            libc::malloc_trim(0);
        }
        log::debug!(
            "freed memory given back to the system in {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
}
