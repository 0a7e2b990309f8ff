/**
 * The one place screens import backend types from. Generated bindings (ts-rs, `./bindings/`)
 * win; what Rust has not exported yet comes from `./pending-types.ts`.
 */
import type { AppInfo as AppInfoBinding } from './bindings/AppInfo';
import type { KeyringStatus } from './pending-types';

export type { Age } from './bindings/Age';
export type { Capabilities } from './bindings/Capabilities';
export type { ErrorKind } from './bindings/ErrorKind';
export type { InvitationCategory } from './bindings/InvitationCategory';
export type { Limit } from './bindings/Limit';
export type { NewInvitation } from './bindings/NewInvitation';
export type { Person } from './bindings/Person';
export type { ProviderKind } from './bindings/ProviderKind';
export type { ProviderOverride } from './bindings/ProviderOverride';
export type { ReceivedInvitation } from './bindings/ReceivedInvitation';
export type { RemoteAccount } from './bindings/RemoteAccount';
export type { Response } from './bindings/Response';
export type { SentInvitation } from './bindings/SentInvitation';
export type { WriteOutcome } from './bindings/WriteOutcome';

export type * from './pending-types';

/**
 * docs/ipc.md gives `AppInfo` a `keyring` field that the Rust struct does not have yet; it is
 * optional here so the Settings screen shows it as soon as it arrives.
 */
export type AppInfo = AppInfoBinding & { keyring?: KeyringStatus };
