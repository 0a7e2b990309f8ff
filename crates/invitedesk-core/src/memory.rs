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

#[derive(Default)]
struct Pending {
    /// When work was last noted; `None` once trimmed.
    last_work: Option<Instant>,
}

struct Trimmer {
    pending: Mutex<Pending>,
    wake: Condvar,
}

fn trimmer() -> &'static Trimmer {
    static TRIMMER: OnceLock<&'static Trimmer> = OnceLock::new();
    TRIMMER.get_or_init(|| {
        let trimmer: &'static Trimmer = Box::leak(Box::new(Trimmer {
            pending: Mutex::new(Pending::default()),
            wake: Condvar::new(),
        }));
        let spawned = std::thread::Builder::new()
            .name("memory trim".into())
            .spawn(move || trim_when_quiet(trimmer));
        if let Err(e) = spawned {
            log::warn!("freed memory will not be given back to the system: {e}");
        }
        trimmer
    })
}

/// Notes that work which may have freed memory just ended; the memory goes back to the
/// system once nothing else was noted for [`QUIET`].
pub fn work_ended() {
    if !TRIMS {
        return;
    }
    let trimmer = trimmer();
    if let Ok(mut pending) = trimmer.pending.lock() {
        pending.last_work = Some(Instant::now());
        trimmer.wake.notify_one();
    }
}

fn trim_when_quiet(trimmer: &Trimmer) {
    let Ok(mut pending) = trimmer.pending.lock() else {
        return;
    };
    loop {
        match pending.last_work {
            None => {
                pending = match trimmer.wake.wait(pending) {
                    Ok(p) => p,
                    Err(_) => return,
                };
            }
            Some(at) if at.elapsed() < QUIET => {
                let left = QUIET - at.elapsed();
                pending = match trimmer.wake.wait_timeout(pending, left) {
                    Ok((p, _)) => p,
                    Err(_) => return,
                };
            }
            Some(_) => {
                pending.last_work = None;
                drop(pending);
                give_back_now();
                pending = match trimmer.pending.lock() {
                    Ok(p) => p,
                    Err(_) => return,
                };
            }
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
