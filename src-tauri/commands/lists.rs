//! Lists: withdraw by list, the do-not-contact list, duplicates across accounts.

use tauri::{AppHandle, Runtime, State};

use super::blocking;
use super::desk::exports_dir;
use crate::db::do_not_contact::DoNotContactEntry;
use crate::desk::Desk;
use crate::error::AppResult;
use crate::jobs::JobPlan;
use crate::lists::{BulkSendPreview, DoNotContactImport, ListWithdrawPreview, SentFlags};
use crate::model::Person;

/// Matches a pasted or imported list against the pending sent invitations of one account (or
/// all) and previews withdrawing the matched ones. Changes nothing.
#[tauri::command]
pub async fn preview_withdraw_list(
    desk: State<'_, Desk>,
    text: String,
    account_id: Option<String>,
) -> AppResult<ListWithdrawPreview> {
    let lists = desk.lists();
    blocking(move || lists.preview_withdraw_list(&text, account_id.as_deref())).await
}

/// Which pending invitations go to people on the do-not-contact list, and who is invited from
/// two or more accounts.
#[tauri::command]
pub async fn sent_flags(desk: State<'_, Desk>) -> AppResult<SentFlags> {
    let lists = desk.lists();
    blocking(move || lists.sent_flags()).await
}

/// Previews withdrawing every pending invitation to someone on the do-not-contact list.
#[tauri::command]
pub async fn preview_withdraw_do_not_contact(
    desk: State<'_, Desk>,
    account_id: Option<String>,
) -> AppResult<JobPlan> {
    let lists = desk.lists();
    blocking(move || lists.preview_withdraw_do_not_contact(account_id.as_deref())).await
}

/// Previews withdrawing the older invitations of people invited from several accounts.
#[tauri::command]
pub async fn preview_withdraw_duplicates(desk: State<'_, Desk>) -> AppResult<JobPlan> {
    let lists = desk.lists();
    blocking(move || lists.preview_withdraw_duplicates()).await
}

#[tauri::command]
pub async fn list_do_not_contact(desk: State<'_, Desk>) -> AppResult<Vec<DoNotContactEntry>> {
    let lists = desk.lists();
    blocking(move || lists.do_not_contact()).await
}

#[tauri::command]
pub async fn import_do_not_contact(
    desk: State<'_, Desk>,
    text: String,
) -> AppResult<DoNotContactImport> {
    let lists = desk.lists();
    blocking(move || lists.import_do_not_contact(&text)).await
}

/// Adds the other side of a Sent or Received row.
#[tauri::command]
pub async fn add_do_not_contact(
    desk: State<'_, Desk>,
    person: Person,
) -> AppResult<DoNotContactEntry> {
    let lists = desk.lists();
    blocking(move || lists.add_do_not_contact(&person)).await
}

#[tauri::command]
pub async fn remove_do_not_contact(desk: State<'_, Desk>, person_key: String) -> AppResult<()> {
    let lists = desk.lists();
    blocking(move || lists.remove_do_not_contact(&person_key)).await
}

/// Writes the list as CSV to the Downloads folder; returns the file's path.
#[tauri::command]
pub async fn export_do_not_contact_csv<R: Runtime>(
    app: AppHandle<R>,
    desk: State<'_, Desk>,
) -> AppResult<String> {
    let lists = desk.lists();
    let dir = exports_dir(&app, &desk);
    let path = blocking(move || lists.export_do_not_contact_csv(&dir)).await?;
    Ok(path.display().to_string())
}

/// Previews a bulk send from one account: each line's rendered note, its length as the
/// provider counts it, why a line is skipped, the days the daily cap spreads it over, and the
/// plan to start with `start_job`. Changes nothing.
#[tauri::command]
pub async fn preview_bulk_send(
    desk: State<'_, Desk>,
    account_id: String,
    text: String,
    template: Option<String>,
) -> AppResult<BulkSendPreview> {
    let lists = desk.lists();
    blocking(move || lists.preview_bulk_send(&account_id, &text, template.as_deref())).await
}
