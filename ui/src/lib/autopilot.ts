/** Autopilot's words: schedules, skip reasons and outcomes, in one place for the screen. */
import type { RuleSchedule, RunSkipReason, RuleRun, RuleAction, InvitationCategory } from './types';

export const WEEKDAYS: { iso: number; short: string }[] = [
  { iso: 1, short: 'Mon' },
  { iso: 2, short: 'Tue' },
  { iso: 3, short: 'Wed' },
  { iso: 4, short: 'Thu' },
  { iso: 5, short: 'Fri' },
  { iso: 6, short: 'Sat' },
  { iso: 7, short: 'Sun' },
];

/** "Daily at 09:00", "Mon, Wed at 08:30", "Weekdays at 07:00". */
export function describeSchedule(s: RuleSchedule): string {
  const days = [...s.weekdays].sort((a, b) => a - b);
  let when: string;
  if (days.length === 7) when = 'Daily';
  else if (days.join() === '1,2,3,4,5') when = 'Weekdays';
  else if (days.join() === '6,7') when = 'Weekends';
  else when = days.map((d) => WEEKDAYS[d - 1]?.short ?? '?').join(', ');
  return `${when} at ${s.time}`;
}

export const SKIP_TEXT: Record<RunSkipReason, string> = {
  paused: 'Paused',
  notConfirmed: 'First preview not confirmed yet',
  quietHours: 'Quiet hours',
  hold: 'Provider hold',
  capReached: 'Daily cap reached',
  nothingToDo: 'Nothing to do',
  runningElsewhere: 'Running in another InviteDesk process',
};

/** One line for a run in the history. */
export function describeRun(run: RuleRun): string {
  if (run.outcome === 'acted') {
    const failed = run.failed > 0 ? `, ${run.failed} failed` : '';
    return `Acted on ${run.succeeded} of ${run.planned}${failed}`;
  }
  if (run.outcome === 'failed') return 'Failed';
  if (run.skipReason) return `Skipped: ${SKIP_TEXT[run.skipReason].toLowerCase()}`;
  return 'Skipped';
}

export const TRIGGER_TEXT: Record<RuleRun['trigger'], string> = {
  scheduled: 'On schedule',
  manual: 'Run now',
  confirmed: 'First preview confirmed',
};

/** The categories an Ignore rule may pick: never people's connection invitations. */
export const IGNORABLE: { category: InvitationCategory; label: string }[] = [
  { category: 'newsletter', label: 'Newsletters' },
  { category: 'organization', label: 'Company pages' },
  { category: 'event', label: 'Events' },
  { category: 'memberFollow', label: 'Follow requests' },
];

export type RuleKind = RuleAction['kind'];

export const KIND_TEXT: Record<RuleKind, string> = {
  withdraw: 'Withdraw stale sent invitations',
  accept: 'Accept connection invitations',
  ignore: 'Ignore newsletters, pages and events',
};

/** `HH:MM`, 24-hour. */
export function isTime(text: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(text.trim());
}
