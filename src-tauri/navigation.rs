//! Keeps every webview on the app's own pages.
//!
//! The IPC stays attached to a webview whatever it shows, so a page from elsewhere (a link in
//! provider data, a redirect) must never load in it. Tauri calls a plugin's `on_navigation` for
//! every navigation of every webview, the windows from tauri.conf.json included, so the guard is
//! a tiny plugin rather than a hand-built window. Profile links open in the system browser
//! through the `open_profile` command instead.

use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Manager, Runtime};
use url::Url;

/// Whether `url` is the app's own origin: `tauri://localhost` (Linux, macOS),
/// `http(s)://tauri.localhost` (Windows), or in a debug build the dev server when one is set.
pub fn is_app_origin(url: &Url, dev_url: Option<&Url>) -> bool {
    let own = match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost") && url.port().is_none(),
        _ => false,
    };
    own || (cfg!(debug_assertions) && dev_url.is_some_and(|dev| dev.origin() == url.origin()))
}

pub fn guard<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("navigation-guard")
        .on_navigation(|webview, url| {
            let dev_url = webview.config().build.dev_url.clone();
            let allowed = is_app_origin(url, dev_url.as_ref());
            if !allowed {
                // Scheme and host only: a query string could carry anything.
                log::warn!(
                    "blocked a navigation of the window to {}://{}",
                    url.scheme(),
                    url.host_str().unwrap_or("")
                );
            }
            allowed
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn only_the_apps_own_origin_is_allowed() {
        for ok in [
            "tauri://localhost",
            "tauri://localhost/index.html#sent",
            "http://tauri.localhost/",
            "https://tauri.localhost/assets/x.js",
        ] {
            assert!(is_app_origin(&url(ok), None), "{ok}");
        }
        for refused in [
            "https://www.linkedin.com/in/jane",
            "https://evil.example/tauri.localhost",
            "http://tauri.localhost.evil.example/",
            "http://tauri.localhost:8080/",
            "tauri://evil",
            "file:///etc/passwd",
            "about:blank",
            "data:text/html,<h1>hi</h1>",
            "javascript:alert(1)",
            "http://127.0.0.1:1420/",
        ] {
            assert!(!is_app_origin(&url(refused), None), "{refused}");
        }
    }

    #[test]
    fn the_dev_server_is_allowed_in_debug_builds_only() {
        let dev = url("http://localhost:1420");
        assert_eq!(
            is_app_origin(&url("http://localhost:1420/src/main.ts"), Some(&dev)),
            cfg!(debug_assertions)
        );
        assert!(!is_app_origin(&url("http://localhost:1421/"), Some(&dev)));
        assert!(!is_app_origin(&url("https://localhost:1420/"), Some(&dev)));
    }
}
