/** Words for a refresh that stopped part-way (issue 15): what is shown and why not all. */
import type { ListingStop } from './types';
import { formatCount } from './format';

/**
 * "Agency: showing 31,200 of ~52,000: the refresh stopped at page 312: Edges did not answer."
 * `shown` is the account's rows in the list (what was fetched, plus rows the refresh did not
 * reach, kept from before).
 */
export function partialText(label: string, stop: ListingStop): string {
  const of = stop.expectedTotal !== null ? ` of ~${formatCount(stop.expectedTotal)}` : '';
  const reason = stop.reason.replace(/\.+$/, '');
  return `${label}: showing ${formatCount(stop.fetched)}${of}: the refresh stopped at page ${formatCount(stop.pages)}: ${reason}.`;
}

/** What the rows below are, said once under the stop. */
export const PARTIAL_HINT =
  'Invitations the refresh did not reach are kept as last seen, never taken as withdrawn or gone. Refresh to try again.';
