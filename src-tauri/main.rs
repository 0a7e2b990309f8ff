// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::ffi::OsString;
use std::process::ExitCode;

fn main() -> ExitCode {
    // `invitedesk cli …` is the command-line tool: the .deb installs `/usr/bin/invitedesk-cli`
    // as a script running it, so the download carries the code the two share once.
    let args: Vec<OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a.as_os_str() == "cli") {
        let tool_args =
            std::iter::once(OsString::from("invitedesk-cli")).chain(args.into_iter().skip(2));
        return invitedesk_cli::run(tool_args);
    }
    invitedesk_lib::run();
    ExitCode::SUCCESS
}
