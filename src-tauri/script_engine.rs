//! The page's JavaScript engine. On Linux the webview is WebKitGTK, whose JavaScriptCore
//! compiles hot functions to machine code in up to three tiers. InviteDesk's page is a thin
//! view: the core sorts, filters and counts (100,000 rows in SQLite), and the page renders one
//! window of rows and a few charts, so compiled code buys the user nothing they could see,
//! while the compilers' code and working memory stay in every launch. Turned off, the web
//! process holds ~10 MiB less at 10,000 cached rows (`make bench-startup`, README), and no
//! page of it is both writable and executable.
//!
//! JavaScriptCore reads its options from `JSC_*` variables when it starts; WebKit starts the
//! web process with the app's environment, so setting one here reaches the engine that runs
//! the page (and the app process's own, which reads event results). A value the user set wins.

/// The option's variable: `JSC_useJIT=true` in the environment turns the compilers back on.
pub const JIT_VARIABLE: &str = "JSC_useJIT";

/// Runs the page's scripts without the JIT unless the environment says otherwise. Call
/// before any thread starts (it sets an environment variable) and before the webview exists.
pub fn configure() {
    if cfg!(target_os = "linux") && std::env::var_os(JIT_VARIABLE).is_none() {
        std::env::set_var(JIT_VARIABLE, "false");
    }
}
