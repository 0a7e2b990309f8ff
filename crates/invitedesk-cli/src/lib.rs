//! `invitedesk-cli`: InviteDesk without a window. It opens the same data as the app (folders,
//! keyring entries, accounts file, provider overrides) through the core's one entry point,
//! `Desk::open`, so previews, pacing, caps, holds and "nothing twice" are the app's own.
//! Commands, flags, exit codes and the `--json` schema: docs/cli.md.

mod cli;
mod commands;
mod exit;
mod output;
mod paths;
mod progress;
mod schema;

use std::ffi::OsString;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use invitedesk_core::accounts::{JsonFileStorage, KeyringStore};
use invitedesk_core::desk::Desk;
use invitedesk_core::error::AppResult;

use crate::cli::Cli;
use crate::exit::Exit;
use crate::progress::CliEvents;

/// Runs one command line (`args` starts with the program's name, as `std::env::args_os` does)
/// and returns its exit code. The `invitedesk-cli` binary calls it, and so does the app's
/// binary for `invitedesk cli …` (the .deb's `/usr/bin/invitedesk-cli` is a script running
/// that, so the download carries this code once).
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    // Usage errors exit with clap's code 2.
    let cli = Cli::parse_from(args);
    let json = cli.command.json();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let e = invitedesk_core::error::AppError::internal(format!(
                "Could not start the async runtime: {e}"
            ));
            output::print_error(&e, json);
            return Exit::Failed.into();
        }
    };
    let result = runtime.block_on(async {
        let events = Arc::new(CliEvents::new(json));
        let desk = open_desk(events.clone())?;
        for notice in desk.notices() {
            output::warn(&notice);
        }
        commands::run(cli.command, &desk, &events).await
    });
    match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            output::print_error(&e, json);
            Exit::Failed.into()
        }
    }
}

/// The app's folders, the OS keyring and `accounts.json` (the plain `AccountsFile` JSON the
/// app writes through tauri-plugin-store; both write it atomically).
fn open_desk(events: Arc<CliEvents>) -> AppResult<Desk> {
    let paths = paths::app_paths()?;
    for dir in [&paths.data_dir, &paths.config_dir] {
        std::fs::create_dir_all(dir).map_err(|e| {
            invitedesk_core::error::AppError::storage(format!(
                "Could not create {}: {e}",
                dir.display()
            ))
        })?;
    }
    let registry = Box::new(JsonFileStorage::new(paths.accounts_file()));
    // Keys must outlive the process: a build without this OS's keyring refuses to run.
    let secrets = Arc::new(KeyringStore::native()?);
    Ok(Desk::open(paths, secrets, registry, events))
}
