//! Memory a burst of work freed goes back to the system once the app is quiet (`memory`).
//! Its own test binary: it reads the whole process's resident size, one test at a time.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use invitedesk_core::memory;

/// Resident pages of this process, in bytes.
fn resident() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

/// The tests measure the same process: one at a time. `None` where the allocator gives freed
/// memory back itself (nothing to test).
fn alone_with_a_trimming_allocator() -> Option<MutexGuard<'static, ()>> {
    if !memory::TRIMS {
        eprintln!("this build's allocator returns freed memory itself");
        return None;
    }
    static ONE: Mutex<()> = Mutex::new(());
    Some(ONE.lock().unwrap_or_else(|p| p.into_inner()))
}

#[test]
fn memory_freed_by_a_burst_goes_back_once_work_stops() {
    let Some(_alone) = alone_with_a_trimming_allocator() else {
        return;
    };
    // A burst on a worker thread, as a command runs: 48 MB in small blocks (the size of rows
    // read from the cache), freed, with a few blocks kept between them so the allocator cannot
    // just shrink its heap from the top.
    let kept = std::thread::spawn(|| {
        let blocks: Vec<Box<[u8; 512]>> = (0..96_000).map(|i| Box::new([i as u8; 512])).collect();
        let mut kept = Vec::new();
        for (i, b) in blocks.into_iter().enumerate() {
            if i % 4096 == 4095 {
                kept.push(b);
            }
        }
        kept
    })
    .join()
    .unwrap();
    let after_burst = resident();

    memory::work_ended();
    let deadline = Instant::now() + memory::QUIET + Duration::from_secs(5);
    let mut now = resident();
    while now + 24_000_000 > after_burst && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        now = resident();
    }
    assert!(
        now + 24_000_000 <= after_burst,
        "resident {} MB after the burst, {} MB once quiet: the freed memory was kept",
        after_burst / 1_000_000,
        now / 1_000_000
    );
    drop(kept);
}

#[test]
fn work_after_a_large_block_was_freed_leaves_nothing_resident() {
    let Some(_alone) = alone_with_a_trimming_allocator() else {
        return;
    };
    memory::configure();
    let before = resident();
    std::thread::spawn(|| {
        // An 8 MB answer, freed: glibc's own thresholds would rise to its size...
        drop(std::hint::black_box(vec![1u8; 8 << 20]));
        // ...so that 12 MB of work in 200 KB blocks, freed, stayed at the top of this
        // thread's arena, where no trim reaches.
        let blocks: Vec<Vec<u8>> = (0..60).map(|i| vec![i as u8; 200 << 10]).collect();
        drop(std::hint::black_box(blocks));
    })
    .join()
    .unwrap();
    let after = resident();
    assert!(
        after < before + 3_000_000,
        "resident {} MB before, {} MB after the work was freed: it stayed with the process",
        before / 1_000_000,
        after / 1_000_000
    );
}
