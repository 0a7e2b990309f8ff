//! InviteDesk's desktop app: the Tauri shell over `invitedesk-core`.
//!
//! Layers (see README, "Architecture"): `commands` (thin Tauri wrappers) → `invitedesk_core`
//! (the domain: accounts, providers, database, invitations, jobs, history; no Tauri types).
//! This crate keeps only what needs Tauri: the builder and setup, the commands, the store
//! adapter, the navigation guard and the event emitters.

pub mod autopilot_scheduler;
pub mod command_names;
pub mod commands;
pub mod logging;
pub mod navigation;
pub mod rendering;
pub mod store_adapter;
pub mod tray;

// The domain, under the names the commands, the IPC tests and the benches use.
pub use invitedesk_core::{
    accounts, age, autopilot, blocking, damaged, db, desk, error, history, insights, invitations,
    jobs, linkedin, lists, memory, model, providers,
};

use std::sync::Arc;

use tauri::Manager;

/// Plugins and commands, shared by the app and the IPC tests so both see exactly the same
/// surface. Call `.invoke_handler` only here: a second call would replace this list.
pub fn builder<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        // Autopilot's "what it did" after each run; sent from Rust, so the webview gets no
        // notification permission (tests/ipc_acl.rs checks it is refused).
        .plugin(tauri_plugin_notification::init())
        // The window never leaves the app's own pages (the IPC would go with it).
        .plugin(navigation::guard())
        // Steers the autopilot task, which `run()` starts once the desk is open.
        .manage(autopilot_scheduler::Scheduler::default())
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::app::app_notices,
            commands::app::open_profile,
            commands::app::open_log_folder,
            commands::accounts::list_accounts,
            commands::accounts::discover_accounts,
            commands::accounts::add_accounts,
            commands::accounts::add_demo_account,
            commands::accounts::rename_account,
            commands::accounts::set_default_account,
            commands::accounts::replace_account_key,
            commands::accounts::remove_account,
            commands::accounts::get_account_settings,
            commands::accounts::save_account_settings,
            commands::accounts::account_limits,
            commands::accounts::list_orphaned_keys,
            commands::accounts::delete_orphaned_keys,
            commands::sent::list_sent,
            commands::sent::refresh_sent,
            commands::sent::set_pin,
            commands::sent::preview_withdraw,
            commands::sent::export_plan_csv,
            commands::sent::sent_window,
            commands::sent::preview_withdraw_selection,
            commands::received::list_received,
            commands::received::refresh_received,
            commands::received::preview_respond,
            commands::jobs::start_job,
            commands::jobs::list_jobs,
            commands::jobs::job_items,
            commands::jobs::cancel_job,
            commands::jobs::resume_job,
            commands::jobs::discard_job,
            commands::jobs::retry_failed,
            commands::activity::list_activity,
            commands::activity::export_activity_csv,
            commands::send::send_invitation,
            commands::insights::get_insights,
            commands::insights::export_insights_csv,
            commands::insights::check_acceptances,
            commands::insights::limits_at_a_glance,
            commands::lists::preview_withdraw_list,
            commands::lists::sent_flags,
            commands::lists::preview_withdraw_do_not_contact,
            commands::lists::preview_withdraw_duplicates,
            commands::lists::list_do_not_contact,
            commands::lists::import_do_not_contact,
            commands::lists::add_do_not_contact,
            commands::lists::remove_do_not_contact,
            commands::lists::export_do_not_contact_csv,
            commands::autopilot::autopilot_overview,
            commands::autopilot::create_autopilot_rule,
            commands::autopilot::update_autopilot_rule,
            commands::autopilot::delete_autopilot_rule,
            commands::autopilot::set_autopilot_rule_paused,
            commands::autopilot::set_autopilot_paused,
            commands::autopilot::preview_autopilot_rule,
            commands::autopilot::confirm_autopilot_rule,
            commands::autopilot::autopilot_history,
            commands::autopilot::run_autopilot_now,
            commands::autopilot::set_close_to_tray,
            commands::autopilot::install_autopilot_timer,
            commands::autopilot::remove_autopilot_timer,
            commands::lists::preview_bulk_send,
        ])
}

/// Brings the main window to the front: un-minimised, shown, focused.
pub(crate) fn focus_main_window<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// The platform dirs for this app (`$XDG_DATA_HOME/app.invitedesk.desktop`, …); the
/// command-line tool finds the same ones.
pub fn app_paths<R: tauri::Runtime>(app: &tauri::App<R>) -> Result<desk::Paths, tauri::Error> {
    let p = app.path();
    Ok(desk::Paths {
        data_dir: p.app_data_dir()?,
        config_dir: p.app_config_dir()?,
        cache_dir: p.app_cache_dir()?,
    })
}

/// The app's desk: the registry on tauri-plugin-store (written atomically, see
/// `store_adapter`), keys in `secrets`, job progress to the window. `run()` and the IPC tests
/// both build it here.
pub fn open_desk<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    paths: desk::Paths,
    secrets: Arc<dyn accounts::SecretStore>,
    options: desk::DeskOptions,
) -> Result<desk::Desk, error::AppError> {
    let registry = store_adapter::PluginAccountsStorage::open(app, paths.accounts_file())?;
    Ok(desk::Desk::open_with(
        paths,
        secrets,
        Box::new(registry),
        Arc::new(commands::desk::EmitJobEvents(app.clone())),
        options,
    ))
}

/// Builds the tray icon the first time the page finishes loading (the desk is open by then:
/// `setup` runs before the main thread serves the page).
fn install_tray_once<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    static INSTALLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let Some(desk) = app.try_state::<desk::Desk>() else {
        return;
    };
    if INSTALLED.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let started = std::time::Instant::now();
    tray::install(app, desk.autopilot.paused().unwrap_or(false));
    // What start-up allocated and dropped (the page's files, the desk's first reads) goes
    // back to the system once the first screen's requests are over.
    memory::work_ended();
    log::debug!(
        "tray icon built after the page loaded: {:.1} ms",
        millis(started.elapsed())
    );
}

fn millis(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn run() {
    // What runs before the window can show, in the log at debug level (`RUST_LOG=debug`).
    let started = std::time::Instant::now();
    // Before any thread allocates: what bursts of work free goes back to the system.
    memory::configure();
    // Also before any thread (it may set environment variables) and before the webview starts.
    let rendering = rendering::configure();
    // Keys must outlive the process: a build without this OS's keyring does not start.
    let secrets = match accounts::KeyringStore::native() {
        Ok(store) => Arc::new(store),
        Err(e) => {
            eprintln!("InviteDesk cannot start: {}", e.message);
            std::process::exit(1);
        }
    };
    // First: a second launch hands over to the running app (which comes to the front) and
    // exits before it opens anything, so two windows never run jobs on the same data. The
    // job lease (`jobs::lease`) covers the processes this cannot see (the command-line tool).
    // The database's quick check reads the whole file: started now, it runs beside the
    // window's creation (on the other core) instead of before the page can be served.
    let context = tauri::generate_context!();
    let early_check = desk::Paths::of_app(&context.config().identifier)
        .ok()
        .map(|paths| Arc::new(db::recovery::EarlyCheck::start(paths.database_file())));
    let single = tauri_plugin_single_instance::init(|app, _args, _cwd| {
        focus_main_window(app);
    });
    let app = tauri::Builder::default()
        .plugin(single)
        // Stderr and a rotating file in the log folder; `RUST_LOG` sets the level.
        .plugin(logging::plugin())
        // The window comes back where and as large as the user left it.
        .plugin(tauri_plugin_window_state::Builder::default().build())
        // The tray icon waits until the page has loaded: building it takes the main thread
        // (which serves the page's files) for tens of milliseconds of D-Bus and icon work.
        .on_page_load(|webview, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                install_tray_once(webview.app_handle());
            }
        })
        // Close-to-tray (a setting on the Autopilot screen): the window hides, rules keep firing.
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                if window.label() == "main" && tray::keeps_running(window.app_handle()) {
                    api.prevent_close();
                    let _ = window.hide();
                }
            }
        });
    builder(app)
        .setup(move |app| {
            let setup_at = started.elapsed();
            let paths = app_paths(app)?;
            let options = desk::DeskOptions {
                early_check,
                ..Default::default()
            };
            let desk = open_desk(app.handle(), paths, secrets, options)?;
            let desk_at = started.elapsed();
            // The first screen lists the accounts with their key state (a keyring round trip
            // each): read them now, beside the window's creation.
            let accounts = desk.accounts.clone();
            tauri::async_runtime::spawn(blocking::off_thread(move || {
                accounts.warm_key_states();
                Ok(())
            }));
            let autopilot = desk.autopilot.clone();
            app.manage(desk);
            app.state::<autopilot_scheduler::Scheduler>()
                .start(app.handle().clone(), autopilot);
            log::debug!("the page is drawn: {rendering:?}");
            log::debug!(
                "start-up until the window's event loop runs: {:.1} ms (plugins and window \
                 {:.1}, desk {:.1}, scheduler {:.1})",
                millis(started.elapsed()),
                millis(setup_at),
                millis(desk_at - setup_at),
                millis(started.elapsed() - desk_at)
            );
            Ok(())
        })
        .run(context)
        .expect("error while running InviteDesk");
}
