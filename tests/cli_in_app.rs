//! The .deb ships the command-line tool inside the app's binary: `/usr/bin/invitedesk-cli` is
//! a script (packaging/invitedesk-cli) running `invitedesk cli …`, so the code the two share is
//! downloaded once. The whole command-line suite runs through that path too:
//! `INVITEDESK_CLI=<a copy of the script pointing at target/debug/invitedesk> cargo test -p
//! invitedesk-cli` (README, "Tests").

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

const APP: &str = env!("CARGO_BIN_EXE_invitedesk");

fn run(program: &Path, args: &[&str]) -> Output {
    // No DISPLAY, no D-Bus: the tool must answer without the window's session.
    Command::new(program)
        .args(args)
        .env_clear()
        .output()
        .expect("run the program")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_app_binary_answers_as_the_command_line_tool() {
    let version = run(Path::new(APP), &["cli", "--version"]);
    assert!(version.status.success(), "{version:?}");
    assert_eq!(
        stdout(&version).trim(),
        format!("invitedesk-cli {}", env!("CARGO_PKG_VERSION"))
    );

    let help = run(Path::new(APP), &["cli", "withdraw", "--help"]);
    assert!(help.status.success(), "{help:?}");
    assert!(
        stdout(&help).contains("Usage: invitedesk-cli withdraw"),
        "the tool's own name in its usage: {}",
        stdout(&help)
    );

    // A usage error is the tool's (clap's exit code 2), not a window opening.
    let wrong = run(Path::new(APP), &["cli", "no-such-command"]);
    assert_eq!(wrong.status.code(), Some(2), "{wrong:?}");
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("Usage: invitedesk-cli"));
}

#[test]
fn the_package_installs_the_tool_as_a_script_running_the_app() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let conf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json")).unwrap())
            .unwrap();
    let installed_app = format!("/usr/bin/{}", conf["mainBinaryName"].as_str().unwrap());
    let script = conf["bundle"]["linux"]["deb"]["files"]["/usr/bin/invitedesk-cli"]
        .as_str()
        .expect("the .deb maps /usr/bin/invitedesk-cli to a file in the repository");
    let script = root.join(script);
    let mode = std::fs::metadata(&script).unwrap().permissions().mode();
    assert_eq!(mode & 0o111, 0o111, "{} is executable", script.display());

    // The script as installed, but running this build's binary where the .deb puts the app.
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(
        text.contains(&format!("exec {installed_app} cli \"$@\"")),
        "{text}"
    );
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("invitedesk-cli");
    std::fs::write(&copy, text.replace(&installed_app, APP)).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();

    let out = run(&copy, &["sent", "list", "--help"]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out).contains("Usage: invitedesk-cli sent list"),
        "{}",
        stdout(&out)
    );
}
