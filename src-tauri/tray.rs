//! The tray icon and its menu: Open, Run rules now, Pause autopilot, Quit. With close-to-tray
//! on, closing the window hides it and the app stays here so rules fire on time.
//!
//! Under a desktop with no StatusNotifier host (Xvfb, some window managers) the icon may simply
//! not show; building it must not fail the app, so a failure is logged and the app carries on
//! without a tray (and then closing the window quits, as without the setting).

use tauri::menu::{CheckMenuItem, Menu, MenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, Runtime};

use crate::autopilot_scheduler::Scheduler;
use crate::desk::Desk;

/// Managed once the tray exists.
pub struct Tray<R: Runtime> {
    _icon: TrayIcon<R>,
    pause: CheckMenuItem<R>,
}

impl<R: Runtime> Tray<R> {
    /// Keeps the menu's check in step with the pause switch on the Autopilot screen.
    pub fn show_paused(&self, paused: bool) {
        let _ = self.pause.set_checked(paused);
    }
}

pub fn install<R: Runtime>(app: &AppHandle<R>, paused: bool) {
    match build(app, paused) {
        Ok(tray) => {
            app.manage(tray);
        }
        Err(e) => log::warn!("no tray icon ({e}); closing the window will quit"),
    }
}

fn build<R: Runtime>(app: &AppHandle<R>, paused: bool) -> tauri::Result<Tray<R>> {
    let open = MenuItem::with_id(app, "open", "Open InviteDesk", true, None::<&str>)?;
    let run = MenuItem::with_id(app, "run", "Run rules now", true, None::<&str>)?;
    let pause =
        CheckMenuItem::with_id(app, "pause", "Pause autopilot", true, paused, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit InviteDesk", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &run, &pause, &quit])?;
    let mut builder = TrayIconBuilder::with_id("main")
        .tooltip("InviteDesk")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "open" => crate::focus_main_window(app),
            "run" => app.state::<Scheduler>().run_now(),
            "pause" => toggle_pause(app),
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    let icon = builder.build(app)?;
    Ok(Tray { _icon: icon, pause })
}

fn toggle_pause<R: Runtime>(app: &AppHandle<R>) {
    let desk = app.state::<Desk>();
    let paused = !desk.autopilot.paused().unwrap_or(false);
    if let Err(e) = desk.autopilot.set_paused(paused) {
        log::error!("could not pause autopilot: {}", e.message);
    }
    if let Some(tray) = app.try_state::<Tray<R>>() {
        tray.show_paused(paused);
    }
    app.state::<Scheduler>().rules_changed();
    let _ = tauri::Emitter::emit(app, "autopilot-ran", Vec::<()>::new());
}

/// Whether closing the main window should hide it instead: the setting is on and the tray
/// exists to bring it back.
pub fn keeps_running<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.try_state::<Tray<R>>().is_some()
        && app
            .try_state::<Desk>()
            .is_some_and(|d| d.autopilot.close_to_tray().unwrap_or(false))
}
