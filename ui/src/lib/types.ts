/**
 * The one place screens import backend types from: the ts-rs bindings generated from Rust
 * (`./bindings/`, `cargo test --lib export_bindings`). A type docs/ipc.md names that has no
 * binding yet goes in `./pending-types.ts` and is re-exported here until the binding lands.
 */
export type * from './pending-types';

export type { AccountSettings } from './bindings/AccountSettings';
export type { AccountStatus } from './bindings/AccountStatus';
export type { AccountView } from './bindings/AccountView';
export type { ActivityAction } from './bindings/ActivityAction';
export type { ActivityFilter } from './bindings/ActivityFilter';
export type { ActivityRow } from './bindings/ActivityRow';
export type { Age } from './bindings/Age';
export type { AppError } from './bindings/AppError';
export type { AppInfo } from './bindings/AppInfo';
export type { AsOf } from './bindings/AsOf';
export type { Capabilities } from './bindings/Capabilities';
export type { ErrorKind } from './bindings/ErrorKind';
export type { InvitationCategory } from './bindings/InvitationCategory';
export type { ItemOutcome } from './bindings/ItemOutcome';
export type { JobAction } from './bindings/JobAction';
export type { JobItemView } from './bindings/JobItemView';
export type { JobPlan } from './bindings/JobPlan';
export type { JobProgress } from './bindings/JobProgress';
export type { JobState } from './bindings/JobState';
export type { JobSummary } from './bindings/JobSummary';
export type { KeyringStatus } from './bindings/KeyringStatus';
export type { Limit } from './bindings/Limit';
export type { NewAccountInput } from './bindings/NewAccountInput';
export type { NewInvitation } from './bindings/NewInvitation';
export type { PausedAccount } from './bindings/PausedAccount';
export type { Person } from './bindings/Person';
export type { PlanAccount } from './bindings/PlanAccount';
export type { PlanItem } from './bindings/PlanItem';
export type { ProviderKind } from './bindings/ProviderKind';
export type { ProviderOverride } from './bindings/ProviderOverride';
export type { ReceivedInvitation } from './bindings/ReceivedInvitation';
export type { ReceivedRow } from './bindings/ReceivedRow';
export type { ReceivedSnapshot } from './bindings/ReceivedSnapshot';
export type { RefreshAccount } from './bindings/RefreshAccount';
export type { RefreshProgress } from './bindings/RefreshProgress';
export type { RefreshSummary } from './bindings/RefreshSummary';
export type { RemoteAccount } from './bindings/RemoteAccount';
export type { Response } from './bindings/Response';
export type { Screen as RefreshScreen } from './bindings/Screen';
export type { SentInvitation } from './bindings/SentInvitation';
export type { SentRow } from './bindings/SentRow';
export type { SentSnapshot } from './bindings/SentSnapshot';
export type { SkipCount } from './bindings/SkipCount';
export type { WithdrawRequest } from './bindings/WithdrawRequest';
export type { WriteOutcome } from './bindings/WriteOutcome';
