//! The tool's exit codes, in one place. Scripts branch on these; `docs/cli.md` lists them.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | done: the command did what it was asked (a preview printed, a job finished with no failed item) |
//! | 1 | failed: an error (printed as `error: …`, or `{"error":…}` with `--json`), or a job that ended with every attempted item failed, or stopped on a storage error |
//! | 2 | usage error: unknown command or flag, a missing or conflicting argument (clap's own code) |
//! | 3 | a job finished, but some of its items failed (the others went through) |
//! | 4 | a job is paused: every account with work left waits on a provider hold (or its daily cap). The tool stops waiting, leaves the job resumable (`interrupted`), and the summary's `pausedUntil` says until when: run `jobs resume ID` after that |
//! | 130 | interrupted with Ctrl-C: the job was stopped between two items and can be resumed |

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done.
    Done,
    /// 1: an error, or a job whose attempted items all failed.
    Failed,
    /// 2: a usage error (clap exits with 2 by itself for the errors it finds).
    Usage,
    /// 3: a job finished with some items failed.
    SomeFailed,
    /// 4: a job paused on a provider hold (or a daily cap); resumable.
    Paused,
    /// 130: stopped with Ctrl-C; resumable.
    Interrupted,
}

impl Exit {
    pub const fn code(self) -> u8 {
        match self {
            Exit::Done => 0,
            Exit::Failed => 1,
            Exit::Usage => 2,
            Exit::SomeFailed => 3,
            Exit::Paused => 4,
            Exit::Interrupted => 130,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_codes() {
        assert_eq!(Exit::Done.code(), 0);
        assert_eq!(Exit::Failed.code(), 1);
        assert_eq!(Exit::Usage.code(), 2);
        assert_eq!(Exit::SomeFailed.code(), 3);
        assert_eq!(Exit::Paused.code(), 4);
    }
}
