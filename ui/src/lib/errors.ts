/**
 * What to tell the user for each error kind. Rust's `message` says what happened; the title
 * and hint here add what to do, in the words of the screen the error shows on.
 */
import type { AppError, ProviderKind } from './types';
import { providerLabel } from './format';

export type Explanation = { title: string; hint: string | null };

/** Where each provider's key is found, for the "check your key" hints. */
const KEY_PLACES: Record<ProviderKind, string> = {
  connectsafely: 'ConnectSafely’s dashboard (Settings → API)',
  edges: 'Edges’ developer settings',
  linkup: 'LinkupAPI’s dashboard',
  demo: 'the demo',
};

/** Errors from testing or saving a key (Add account, Replace key). */
export function explainKeyError(err: AppError, provider: ProviderKind): Explanation {
  const name = providerLabel(provider);
  switch (err.kind) {
    case 'badCredentials':
      return {
        title: `${name} refused this key`,
        hint:
          provider === 'linkup'
            ? `Copy the API key again from ${KEY_PLACES[provider]}; if the key is right, the LinkedIn login token may have expired: get a new one and paste it.`
            : 'Nothing was saved, and the form keeps what you typed.',
      };
    case 'billing':
      return {
        title: `${name} says the trial or subscription has ended`,
        hint: 'Nothing was saved. Test the key again once the plan is active.',
      };
    case 'insufficientCredits':
      return {
        title: `No ${name} credits left`,
        hint: `Top up the credits of your ${name} account, then try again.`,
      };
    case 'network':
      return {
        title: `Could not reach ${name}`,
        hint: 'Nothing was saved, and your entries are kept: press “Test and save” again when the connection is back.',
      };
    case 'rateLimited':
      return {
        title: `${name} asks to slow down`,
        hint: 'Nothing was saved, and your entries are kept.',
      };
    case 'providerUnavailable':
      return {
        title: `${name} is not answering properly right now`,
        hint: 'This is usually temporary. Nothing was saved, and your entries are kept.',
      };
    case 'unexpectedResponse':
      return {
        title: `${name} answered something InviteDesk did not understand`,
        hint: 'Try again later; if it keeps happening, the provider may have changed its API.',
      };
    case 'keyringUnavailable':
      return {
        title: 'The system keyring is locked or missing',
        hint: 'InviteDesk keeps keys only in the system keyring, never in a file, so it cannot save this key until the keyring is available.',
      };
    case 'invalidInput':
      return { title: 'Please check the form', hint: null };
    case 'notFound':
      return { title: 'No LinkedIn account found for this key', hint: `Connect a LinkedIn account in ${name} first.` };
    default:
      return { title: 'The key could not be tested', hint: null };
  }
}

/** Errors anywhere else: a short title for the banner. */
export function explainError(err: AppError): Explanation {
  switch (err.kind) {
    case 'badCredentials':
      return { title: 'A key was refused', hint: null };
    case 'keyMissing':
      return { title: 'A key is missing from the keyring', hint: 'Replace the key on the Accounts screen.' };
    case 'keyringUnavailable':
      return { title: 'The system keyring is locked or missing', hint: null };
    case 'network':
      return { title: 'No connection', hint: null };
    case 'rateLimited':
      return { title: 'Slowed down by the provider', hint: null };
    case 'billing':
      return { title: 'Billing problem at the provider', hint: null };
    case 'insufficientCredits':
      return { title: 'No credits left', hint: null };
    case 'providerUnavailable':
      return { title: 'The provider is not answering', hint: null };
    case 'storage':
      return { title: 'Local storage failed', hint: null };
    case 'unconfirmed':
      return { title: 'Not confirmed by the provider yet', hint: null };
    default:
      return { title: 'Something went wrong', hint: null };
  }
}

/** Errors from sending a connection request (the Send screen). The form keeps what was typed. */
export function explainSendError(err: AppError): Explanation {
  switch (err.kind) {
    case 'alreadyInvited':
      return { title: 'Not sent: this person already has, or recently had, an invitation', hint: null };
    case 'alreadyConnected':
      return { title: 'Not sent: you are already connected', hint: null };
    case 'rateLimited':
      return { title: 'Not sent: the invitation limit is reached for now', hint: null };
    case 'unconfirmed':
      return {
        title: 'Not confirmed: the request may or may not have gone out',
        hint: 'InviteDesk never sends it twice: it checks first, at the time below.',
      };
    case 'invalidInput':
      return { title: 'Please check the form', hint: 'Nothing was sent.' };
    case 'notFound':
      return { title: 'Not sent: LinkedIn does not know this profile', hint: 'Check the profile link.' };
    default:
      return { title: `Not sent: ${explainError(err).title.toLowerCase()}`, hint: null };
  }
}
