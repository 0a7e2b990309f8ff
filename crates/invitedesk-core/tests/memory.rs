//! Memory a burst of work freed goes back to the system once the app is quiet (`memory`).
//! Its own test binary: it reads the whole process's resident size.

use std::time::{Duration, Instant};

use invitedesk_core::memory;

/// Resident pages of this process, in bytes.
fn resident() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[test]
fn memory_freed_by_a_burst_goes_back_once_work_stops() {
    if !memory::TRIMS {
        eprintln!("this build's allocator returns freed memory itself");
        return;
    }
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
