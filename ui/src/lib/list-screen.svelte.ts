/**
 * What the two invitation lists (Sent, Received) share around their table: following the
 * refresh and the jobs that change their rows, and the bulk dry run before a job.
 */
import { jobs } from './jobs.svelte';
import type { ScreenData } from './snapshot.svelte';
import type { AppError, JobAction, JobPlan } from './types';

/**
 * Keeps a list in step: refresh progress, rows a job of `ownsJob`'s actions finished (or found
 * already gone) leave at once, and the list reloads from the cache when such a job ends.
 * Returns the function that stops all three.
 */
export function followListUpdates(
  data: ScreenData<{ key: string }>,
  ownsJob: (action: JobAction) => boolean,
  accountId: () => string | null,
): () => void {
  const stops = [
    data.listenProgress(),
    jobs.onItem((job, item) => {
      if (ownsJob(job.action) && (item.outcome === 'done' || item.outcome === 'alreadyGone')) {
        data.removeKeys(new Set([item.key]));
      }
    }),
    jobs.onEnd((job) => {
      if (ownsJob(job.action)) void data.load(accountId());
    }),
  ];
  return () => stops.forEach((stop) => stop());
}

/** The bulk dry run: the plan shown in the preview dialog, and whether one is being made. */
export class BulkPreview {
  plan = $state.raw<JobPlan | null>(null);
  busy = $state(false);

  /** Makes the plan; resolves to the error instead of rejecting (the screen shows it). */
  async run(make: () => Promise<JobPlan>): Promise<AppError | null> {
    this.busy = true;
    try {
      this.plan = await make();
      return null;
    } catch (e) {
      return e as AppError;
    } finally {
      this.busy = false;
    }
  }
}
