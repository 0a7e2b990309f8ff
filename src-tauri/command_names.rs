// Every app command's name, shared by `build.rs` (which generates an `allow-<name>` permission
// for each) and by `tests/ipc_acl.rs` (which checks that each one is registered in
// `generate_handler!` and granted in `capabilities/default.json`). Keep in step with `lib.rs`.

pub const COMMANDS: &[&str] = &["app_info", "open_profile"];
