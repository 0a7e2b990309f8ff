//! `invitedesk-cli`: the command-line tool on its own (the code is the library's, `run`).

use std::process::ExitCode;

fn main() -> ExitCode {
    invitedesk_cli::run(std::env::args_os())
}
