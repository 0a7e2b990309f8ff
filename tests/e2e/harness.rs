//! Launches the real app in the real WebKitGTK window and drives it through WebDriver.
//!
//! Per test: fresh `XDG_*` and `HOME` dirs, a private X server (`xvfb-run`), a private D-Bus
//! session with an unlocked throwaway gnome-keyring, and `WebKitWebDriver` on a free port (used
//! directly: tauri-driver's proxy drops a request now and then, toolchain.md §9.0). WebKitWebDriver
//! starts the app binary itself, so the app inherits that whole environment. Everything runs in one
//! process group that `Drop` kills, so a failing test tears down as cleanly as a passing one.
// Each flow uses part of this toolbox.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;

use crate::framebuffer::{self, Rect};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

pub type TestResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

const DEFAULT_WAIT: Duration = Duration::from_secs(15);

/// The environment one app lives in: dirs, X, D-Bus, keyring and the WebDriver server.
pub struct Desktop {
    dirs: tempfile::TempDir,
    driver: Child,
    port: u16,
    env: HashMap<String, String>,
}

impl Desktop {
    /// Starts X, D-Bus, the keyring and WebKitWebDriver. `env` is passed to the app (e.g. the
    /// `INVITEDESK_*_URL` of fake servers).
    pub fn start(env: &[(&str, String)]) -> TestResult<Desktop> {
        let dirs = tempfile::Builder::new()
            .prefix("invitedesk-e2e.")
            .tempdir()?;
        for d in ["home", "data", "config", "cache", "runtime", "fb"] {
            std::fs::create_dir_all(dirs.path().join(d))?;
        }
        let port = free_port()?;
        let mut vars: HashMap<String, String> = HashMap::new();
        let p = |d: &str| dirs.path().join(d).display().to_string();
        vars.insert("HOME".into(), p("home"));
        vars.insert("XDG_DATA_HOME".into(), p("data"));
        vars.insert("XDG_CONFIG_HOME".into(), p("config"));
        vars.insert("XDG_CACHE_HOME".into(), p("cache"));
        vars.insert("XDG_RUNTIME_DIR".into(), p("runtime"));
        vars.insert("TAURI_WEBVIEW_AUTOMATION".into(), "true".into());
        // AT-SPI stalls (toolchain.md §9.5 e). How the page is drawn without a GPU (§9.5 d) is
        // the app's own choice (`rendering`), tested as a user gets it.
        vars.insert("NO_AT_BRIDGE".into(), "1".into());
        vars.insert("GTK_A11Y".into(), "none".into());
        for (k, v) in env {
            vars.insert((*k).to_string(), v.clone());
        }
        std::fs::set_permissions(
            dirs.path().join("runtime"),
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )?;

        let script = format!(
            r#"printf throwaway | gnome-keyring-daemon --unlock --components=secrets --foreground >/dev/null 2>&1 &
for _ in $(seq 1 100); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' && break
  sleep 0.1
done
env | grep -E '^(DISPLAY|DBUS_SESSION_BUS_ADDRESS|XAUTHORITY)=' > {session}
exec WebKitWebDriver --port={port} --host=127.0.0.1"#,
            session = p("session.env"),
        );
        let log = std::fs::File::create(dirs.path().join("driver.log"))?;
        let server_args = format!("-screen 0 1440x960x24 -fbdir {}", p("fb"));
        let mut cmd = Command::new("xvfb-run");
        cmd.args(["-a", "-s", &server_args, "dbus-run-session", "--"])
            .args(["sh", "-c", &script])
            // Cargo points LD_LIBRARY_PATH at seven build and toolchain directories; left in,
            // every library the app and WebKit's processes load is first looked for there
            // (~4,400 failed opens a launch). A user's launch has none of that.
            .env_remove("LD_LIBRARY_PATH")
            .envs(&vars)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        // Its own process group, so Drop can take down Xvfb, D-Bus, the keyring and the app too.
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let driver = cmd.spawn()?;
        Ok(Desktop {
            dirs,
            driver,
            port,
            env: vars,
        })
    }

    pub fn dir(&self, name: &str) -> PathBuf {
        self.dirs.path().join(name)
    }

    pub fn env(&self, key: &str) -> Option<&str> {
        self.env.get(key).map(String::as_str)
    }

    /// Starts the app and opens a WebDriver session on its main window.
    pub async fn launch(&self) -> TestResult<App> {
        let app = self
            .launch_binary(Path::new(env!("CARGO_BIN_EXE_invitedesk")))
            .await?;
        app.wait_for("[data-testid=nav-accounts]").await?;
        Ok(app)
    }

    /// Starts `binary` (any Tauri app; the start-up bench also runs a hello world) and opens a
    /// WebDriver session on its window, without waiting for anything in the page.
    pub async fn launch_binary(&self, binary: &Path) -> TestResult<App> {
        // Both ring and aws-lc are linked into the test binary; pick one for fantoccini's rustls.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut caps = serde_json::Map::new();
        // No browserName: WebKitWebDriver reports "MiniBrowser" and would refuse a mismatch.
        caps.insert(
            "webkitgtk:browserOptions".into(),
            json!({ "binary": binary.display().to_string(), "args": [] }),
        );
        let deadline = Instant::now() + Duration::from_secs(40);
        let client = loop {
            let mut builder = ClientBuilder::rustls()?;
            builder.capabilities(caps.clone());
            match builder
                .connect(&format!("http://127.0.0.1:{}", self.port))
                .await
            {
                Ok(c) => break c,
                Err(_) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => {
                    return Err(format!(
                        "WebDriver session did not start: {e}\n--- driver log ---\n{}",
                        self.driver_log()
                    )
                    .into())
                }
            }
        };
        Ok(App {
            client,
            framebuffer: self.dir("fb").join("Xvfb_screen0"),
            driver_log: self.dirs.path().join("driver.log"),
        })
    }

    /// Runs the app binary a second time in this desktop's X display, D-Bus session and dirs,
    /// as a user double-clicking the icon again would, and returns once it exits (or fails
    /// after `within`).
    pub fn launch_again(&self, within: Duration) -> TestResult<std::process::ExitStatus> {
        let session = std::fs::read_to_string(self.dirs.path().join("session.env"))?;
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_invitedesk"));
        cmd.envs(&self.env)
            .envs(session.lines().filter_map(|l| l.split_once('=')))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = cmd.spawn()?;
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = child.try_wait()? {
                return Ok(status);
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("the second launch was still running after {within:?}").into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn driver_log(&self) -> String {
        std::fs::read_to_string(self.dirs.path().join("driver.log")).unwrap_or_default()
    }

    /// Every file the app wrote under its data, config and cache dirs.
    pub fn app_files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for d in ["data", "config", "cache", "home"] {
            walk(&self.dir(d), &mut out);
        }
        out
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.driver.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.driver.wait();
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// One WebDriver session on the app's main window.
pub struct App {
    pub client: Client,
    framebuffer: PathBuf,
    /// The driver's output, which holds the app's own log lines (stderr).
    driver_log: PathBuf,
}

impl App {
    pub async fn wait_for(&self, css: &str) -> TestResult<Element> {
        Ok(self
            .client
            .wait()
            .at_most(DEFAULT_WAIT)
            .for_element(Locator::Css(css))
            .await
            .map_err(|e| format!("waiting for {css}: {e}"))?)
    }

    /// Clicks once the element has stopped moving, as a person aims at what they see: a click
    /// aimed while a banner or a meter still loads above it would land beside it.
    pub async fn click(&self, css: &str) -> TestResult {
        let el = self.wait_for(css).await?;
        self.wait_still(&el).await?;
        el.click().await?;
        Ok(())
    }

    /// Waits (up to 2 s) until the element's box is the same over two painted frames.
    async fn wait_still(&self, el: &Element) -> TestResult {
        const SCRIPT: &str = "
            const [el, done] = arguments;
            const box = () => { const r = el.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].join(); };
            const until = performance.now() + 2000;
            let last = box(), same = 0;
            const next = () => requestAnimationFrame(() => {
                const now = box();
                same = now === last ? same + 1 : 0;
                last = now;
                if (same >= 1 || performance.now() > until) done(same >= 1); else next();
            });
            // rAF stops in a hidden window: never wait on it past the bound.
            setTimeout(() => done(false), 2500);
            next();";
        self.client
            .execute_async(SCRIPT, vec![serde_json::to_value(el)?])
            .await?;
        Ok(())
    }

    pub async fn text(&self, css: &str) -> TestResult<String> {
        Ok(self.wait_for(css).await?.text().await?)
    }

    /// Types into an input, replacing what was there.
    pub async fn fill(&self, css: &str, value: &str) -> TestResult {
        let el = self.wait_for(css).await?;
        el.clear().await?;
        el.send_keys(value).await?;
        Ok(())
    }

    pub async fn count(&self, css: &str) -> TestResult<usize> {
        Ok(self.client.find_all(Locator::Css(css)).await?.len())
    }

    /// Polls until `check` holds, with a readable failure.
    pub async fn wait_until<F, Fut>(&self, what: &str, mut check: F) -> TestResult
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = TestResult<bool>>,
    {
        let deadline = Instant::now() + DEFAULT_WAIT;
        loop {
            if check().await.unwrap_or(false) {
                return Ok(());
            }
            if Instant::now() > deadline {
                let page = self.visible_text().await;
                return Err(
                    format!("timed out waiting until {what}; the window showed:\n{page}").into(),
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn log_tail(&self, lines: usize) -> String {
        let log = std::fs::read_to_string(&self.driver_log).unwrap_or_default();
        let all: Vec<&str> = log.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// What the window shows, for a failure message a person can act on (CI keeps no screenshots).
    async fn visible_text(&self) -> String {
        const MAX: usize = 2000;
        let shown = self
            .client
            .execute(
                "return document.body ? document.body.innerText : '';",
                vec![],
            )
            .await;
        let text = match shown {
            Ok(value) => value.as_str().unwrap_or_default().to_string(),
            Err(e) => return format!("(could not read the page: {e})"),
        };
        match text.char_indices().nth(MAX) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text,
        }
    }

    pub async fn wait_for_text(&self, css: &str, needle: &str) -> TestResult {
        self.wait_until(&format!("{css} shows {needle:?}"), || async {
            Ok(self.text(css).await?.contains(needle))
        })
        .await
    }

    /// Saves a PNG under `target/e2e-screenshots/` for people to look at.
    pub async fn screenshot(&self, name: &str) -> TestResult<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screenshots");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        // Let the last DOM change reach the screen before reading the framebuffer.
        self.client
            .execute_async(
                "const done = arguments[0]; \
                 requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)));",
                vec![],
            )
            .await?;
        let (x, y, width, height) = self.client.get_window_rect().await?;
        let crop = Rect {
            x: x as u32,
            y: y as u32,
            width: width as u32,
            height: height as u32,
        };
        framebuffer::save_png(&self.framebuffer, crop, &path)?;
        Ok(path)
    }

    pub async fn close(self) -> TestResult {
        self.client.close().await?;
        Ok(())
    }
}
