//! `make bench` / `cargo bench --bench insights [-- --quick]`: the core side of "Insights for
//! 100,000 historical invitations opens in under 300 ms": the query, the fate inference and
//! every chart series (`InsightsService::insights_at`) over 100,000 finished invitations in a
//! database file, plus the per-invitation CSV export.
//!
//! A plain `main` (no criterion): a few runs, the median wall time. Run without `--bench`
//! (`cargo test --bench insights`) it uses 10,000 invitations, so an all-targets test stays short.

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use invitedesk_lib::db::Db;
use invitedesk_lib::insights::{demo, InsightsSeries, InsightsService};
use invitedesk_lib::invitations::{AccountRef, ProviderSource, RunSettings};
use invitedesk_lib::model::ProviderKind;
use invitedesk_lib::providers::InvitationProvider;

/// One account, no provider: Insights only reads the database.
struct OneAccount;

impl ProviderSource for OneAccount {
    fn accounts(&self) -> Vec<AccountRef> {
        vec![AccountRef {
            id: "bench".into(),
            label: "Bench".into(),
            provider: ProviderKind::ConnectSafely,
            can_ignore: true,
        }]
    }

    fn provider(&self, _: &str) -> invitedesk_lib::error::AppResult<Arc<dyn InvitationProvider>> {
        Err(invitedesk_lib::error::AppError::internal(
            "no provider in the bench",
        ))
    }

    fn settings(&self, _: &str) -> RunSettings {
        RunSettings::default()
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let quick = !bench || std::env::args().any(|a| a == "--quick");
    let n = if bench { 100_000 } else { 10_000 };
    let runs = if quick { 3 } else { 9 };

    let dir = tempfile::tempdir().expect("temp dir");
    let db = Db::open(&dir.path().join("bench.sqlite3")).expect("database");
    let now = Utc::now();
    let started = Instant::now();
    demo::seed_many(&db, "bench", n, now).expect("seed");
    println!(
        "seeded {n} finished invitations in {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );

    let service = InsightsService::new(db, Arc::new(OneAccount));
    let mut open = Vec::new();
    let mut tracked = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let i = service
            .insights_at(Some("bench"), Some(30), now)
            .expect("insights");
        open.push(t.elapsed().as_secs_f64() * 1e3);
        tracked = i.totals.tracked;
    }
    assert_eq!(tracked as usize, n);
    let mut export = Vec::new();
    for _ in 0..runs.min(3) {
        let t = Instant::now();
        service
            .export_csv(
                Some("bench"),
                InsightsSeries::Fates,
                None,
                dir.path(),
                Utc::now(),
            )
            .expect("export");
        export.push(t.elapsed().as_secs_f64() * 1e3);
    }
    println!("{:<52} {:>9}", "insights (core)", "median ms");
    println!(
        "{:<52} {:>9.1}",
        format!("get_insights over {n} invitations"),
        median(open)
    );
    println!(
        "{:<52} {:>9.1}",
        format!("export every fate as CSV ({n} rows)"),
        median(export)
    );
}
