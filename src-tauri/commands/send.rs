//! Send screen: one connection request with an optional note.

use tauri::State;

use crate::desk::Desk;
use crate::error::AppResult;
use crate::invitations::send;
use crate::model::{NewInvitation, WriteOutcome};

/// Checks the address, the note and the re-invite block locally, then sends through the
/// account's provider and records the request in the activity history.
#[tauri::command]
pub async fn send_invitation(
    desk: State<'_, Desk>,
    account_id: String,
    request: NewInvitation,
) -> AppResult<WriteOutcome> {
    send::send_invitation(desk.accounts.clone(), desk.db.clone(), account_id, request).await
}
