//! The systemd **user** timer that runs `invitedesk-cli autopilot run` while the app is closed:
//! two unit files under `$XDG_CONFIG_HOME/systemd/user` (default `~/.config/systemd/user`),
//! enabled with `systemctl --user`. Nothing runs as root and nothing is written outside the
//! user's config. The timer wakes every 15 minutes; the tool runs only the rules that are due,
//! so a rule still fires at its own time (within 15 minutes) and never twice for one slot.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;
use ts_rs::TS;

use crate::error::{AppError, AppResult};

pub const SERVICE_FILE: &str = "invitedesk-autopilot.service";
pub const TIMER_FILE: &str = "invitedesk-autopilot.timer";

/// Whether the timer is installed, for Settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "TimerStatus.ts")]
pub struct TimerStatus {
    pub installed: bool,
    /// The folder the unit files are (or would be) in.
    pub unit_dir: String,
}

/// `$XDG_CONFIG_HOME/systemd/user`, or `~/.config/systemd/user`.
pub fn unit_dir(xdg_config_home: Option<PathBuf>, home: Option<PathBuf>) -> AppResult<PathBuf> {
    let base = xdg_config_home
        .filter(|p| p.is_absolute())
        .or_else(|| home.map(|h| h.join(".config")))
        .ok_or_else(|| {
            AppError::storage(
                "Neither XDG_CONFIG_HOME nor HOME is set, so there is no user systemd folder.",
            )
        })?;
    Ok(base.join("systemd").join("user"))
}

/// The folder for this process's environment.
pub fn default_unit_dir() -> AppResult<PathBuf> {
    unit_dir(
        std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from),
        std::env::var_os("HOME").map(PathBuf::from),
    )
}

/// A path as one systemd command-line word: quoted, with `\`, `"` and `%` escaped.
fn exec_word(path: &Path) -> String {
    let text = path.to_string_lossy();
    let escaped = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('%', "%%");
    format!("\"{escaped}\"")
}

pub fn service_text(cli: &Path) -> String {
    format!(
        "# Written by InviteDesk (Settings → Autopilot). Remove it from there.\n\
         [Unit]\n\
         Description=InviteDesk autopilot: run the rules that are due\n\
         \n\
         [Service]\n\
         Type=oneshot\n\
         ExecStart={} autopilot run\n\
         # The keyring lives on the session bus; a locked keyring fails the run, not the timer.\n\
         Nice=10\n",
        exec_word(cli)
    )
}

pub fn timer_text() -> String {
    "# Written by InviteDesk (Settings → Autopilot). Remove it from there.\n\
     [Unit]\n\
     Description=InviteDesk autopilot: check for due rules every 15 minutes\n\
     \n\
     [Timer]\n\
     OnCalendar=*:0/15\n\
     Persistent=true\n\
     RandomizedDelaySec=60\n\
     \n\
     [Install]\n\
     WantedBy=timers.target\n"
        .to_string()
}

/// Runs `systemctl --user …`; a trait so tests record the calls instead.
pub trait Systemctl {
    fn run(&self, args: &[&str]) -> AppResult<()>;
}

pub struct UserSystemctl;

impl Systemctl for UserSystemctl {
    fn run(&self, args: &[&str]) -> AppResult<()> {
        let output = Command::new("systemctl")
            .arg("--user")
            .args(args)
            .output()
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    AppError::new(
                        crate::error::ErrorKind::NotSupported,
                        "systemctl is not installed, so InviteDesk cannot install a timer. Keep \
                         the app open in the tray for rules to run.",
                    )
                } else {
                    AppError::internal(format!("Could not run systemctl: {e}"))
                }
            })?;
        if output.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().next().unwrap_or("").trim();
        if stderr.contains("bus") || stderr.contains("XDG_RUNTIME_DIR") {
            return Err(AppError::new(
                crate::error::ErrorKind::NotSupported,
                format!(
                    "This session has no systemd user manager ({first}). Keep the app open in \
                     the tray for rules to run."
                ),
            ));
        }
        Err(AppError::internal(format!(
            "systemctl --user {} failed: {first}",
            args.join(" ")
        )))
    }
}

pub fn status(dir: &Path) -> TimerStatus {
    TimerStatus {
        installed: dir.join(TIMER_FILE).is_file(),
        unit_dir: dir.to_string_lossy().into_owned(),
    }
}

/// Writes both unit files and enables the timer. When systemctl fails, the files are removed
/// again, so nothing is left half installed.
pub fn install(dir: &Path, cli: &Path, systemctl: &dyn Systemctl) -> AppResult<TimerStatus> {
    if !cli.is_file() {
        return Err(AppError::not_found(format!(
            "The command-line tool is not at {}; install InviteDesk's package, which includes it.",
            cli.display()
        )));
    }
    let storage = |p: &Path, e: std::io::Error| {
        AppError::storage(format!("Could not write {}: {e}", p.display()))
    };
    fs::create_dir_all(dir).map_err(|e| storage(dir, e))?;
    let service = dir.join(SERVICE_FILE);
    let timer = dir.join(TIMER_FILE);
    fs::write(&service, service_text(cli)).map_err(|e| storage(&service, e))?;
    fs::write(&timer, timer_text()).map_err(|e| storage(&timer, e))?;
    let enabled = systemctl
        .run(&["daemon-reload"])
        .and_then(|_| systemctl.run(&["enable", "--now", TIMER_FILE]));
    if let Err(e) = enabled {
        let _ = fs::remove_file(&service);
        let _ = fs::remove_file(&timer);
        return Err(e);
    }
    Ok(status(dir))
}

/// Disables the timer and removes both files. A systemctl that cannot be reached does not keep
/// the files in place: without them the timer cannot run anyway.
pub fn remove(dir: &Path, systemctl: &dyn Systemctl) -> AppResult<TimerStatus> {
    let disabled = systemctl.run(&["disable", "--now", TIMER_FILE]);
    for name in [TIMER_FILE, SERVICE_FILE] {
        let path = dir.join(name);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(AppError::storage(format!(
                    "Could not remove {}: {e}",
                    path.display()
                )))
            }
        }
    }
    let _ = systemctl.run(&["daemon-reload"]);
    if let Err(e) = disabled {
        log::warn!("systemctl could not disable the timer: {}", e.message);
    }
    Ok(status(dir))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Recorded(Mutex<Vec<String>>, Option<&'static str>);

    impl Systemctl for Recorded {
        fn run(&self, args: &[&str]) -> AppResult<()> {
            self.0.lock().unwrap().push(args.join(" "));
            match self.1 {
                Some(message) => Err(AppError::new(
                    crate::error::ErrorKind::NotSupported,
                    message,
                )),
                None => Ok(()),
            }
        }
    }

    #[test]
    fn the_unit_folder_follows_xdg_config_home_then_home() {
        assert_eq!(
            unit_dir(Some("/x/cfg".into()), Some("/home/u".into())).unwrap(),
            PathBuf::from("/x/cfg/systemd/user")
        );
        assert_eq!(
            unit_dir(None, Some("/home/u".into())).unwrap(),
            PathBuf::from("/home/u/.config/systemd/user")
        );
        assert_eq!(
            unit_dir(Some("relative".into()), Some("/home/u".into())).unwrap(),
            PathBuf::from("/home/u/.config/systemd/user"),
            "a relative XDG_CONFIG_HOME is ignored, as the spec says"
        );
    }

    #[test]
    fn installs_valid_units_enables_them_and_removes_them_cleanly() {
        let root = tempfile::tempdir().unwrap();
        let dir = unit_dir(Some(root.path().join("config")), None).unwrap();
        // A path with a space and a percent sign, quoted and escaped in ExecStart.
        let bin_dir = root.path().join("my apps");
        fs::create_dir_all(&bin_dir).unwrap();
        let cli = bin_dir.join("invitedesk-cli%1");
        fs::copy("/bin/true", &cli).unwrap();
        let systemctl = Recorded::default();

        let status = install(&dir, &cli, &systemctl).unwrap();
        assert!(status.installed);
        let service = fs::read_to_string(dir.join(SERVICE_FILE)).unwrap();
        assert!(
            service.contains(&format!(
                "ExecStart=\"{}/my apps/invitedesk-cli%%1\" autopilot run",
                root.path().display()
            )),
            "{service}"
        );
        assert_eq!(
            *systemctl.0.lock().unwrap(),
            ["daemon-reload", "enable --now invitedesk-autopilot.timer"]
        );

        match which("systemd-analyze") {
            Some(analyze) => {
                // `--user` needs a runtime dir; a private one keeps the check off the session.
                let runtime = root.path().join("runtime");
                fs::create_dir_all(&runtime).unwrap();
                fs::set_permissions(
                    &runtime,
                    std::os::unix::fs::PermissionsExt::from_mode(0o700),
                )
                .unwrap();
                let out = Command::new(analyze)
                    .args(["verify", "--user"])
                    .arg(dir.join(SERVICE_FILE))
                    .arg(dir.join(TIMER_FILE))
                    .env("XDG_CONFIG_HOME", root.path().join("config"))
                    .env("XDG_RUNTIME_DIR", &runtime)
                    .output()
                    .unwrap();
                let stderr = String::from_utf8_lossy(&out.stderr);
                // verify reports problems on stderr; units it cannot load fail the status.
                let problems: Vec<&str> = stderr
                    .lines()
                    .filter(|l| l.contains("invitedesk-autopilot"))
                    .collect();
                assert!(
                    out.status.success() && problems.is_empty(),
                    "systemd-analyze verify: {stderr}"
                );
            }
            None => println!("systemd-analyze not found: unit files not verified by systemd"),
        }

        let status = remove(&dir, &systemctl).unwrap();
        assert!(!status.installed);
        assert!(fs::read_dir(&dir).unwrap().next().is_none(), "folder empty");
        assert!(systemctl
            .0
            .lock()
            .unwrap()
            .contains(&"disable --now invitedesk-autopilot.timer".to_string()));
    }

    #[test]
    fn a_session_without_a_user_manager_leaves_nothing_behind() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("systemd/user");
        let no_bus = Recorded(
            Mutex::default(),
            Some("This session has no systemd user manager"),
        );
        let err = install(&dir, Path::new("/bin/true"), &no_bus).unwrap_err();
        assert!(err.message.contains("no systemd user manager"));
        assert!(!dir.join(SERVICE_FILE).exists() && !dir.join(TIMER_FILE).exists());
        let missing = install(&dir, Path::new("/nonexistent/invitedesk-cli"), &no_bus).unwrap_err();
        assert!(missing.message.contains("/nonexistent/invitedesk-cli"));
    }

    fn which(name: &str) -> Option<PathBuf> {
        std::env::var_os("PATH")?
            .to_str()?
            .split(':')
            .map(|d| Path::new(d).join(name))
            .find(|p| p.is_file())
    }
}
