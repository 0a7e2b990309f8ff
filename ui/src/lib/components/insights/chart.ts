/**
 * What an Insights chart shows, independent of how it is drawn, and the formatting its labels share.
 *
 * The charts are drawn by Chart.js 4 (chartjs.ts) on a canvas. It suits the app's CSP
 * (`script-src 'self'; style-src 'self'`, Object.prototype frozen): it is bundled like our own
 * code, injects no `<style>` and writes no `style` attribute (it sizes the canvas through CSSOM,
 * `el.style.width = …`, which the CSP does not govern), never evaluates strings, and has coped
 * with a frozen Object.prototype since 4.4.3. Canvas pixels are not styled, so colours are read
 * from app.css variables at draw time and redrawn when the theme changes (theme.ts). The numbers
 * on hover are DOM text (Chart.svelte's tooltip) and each chart's numbers open as a table.
 * tests/e2e/insights.rs checks in the real window that no CSP violation happens.
 */

/** A colour role; theme.ts maps each to an app.css variable. */
export type Tone = 'accepted' | 'late' | 'pending' | 'ignored' | 'withdrawn' | 'invited' | 'backlog';

/** One series: a value per label. Several bar series are stacked, the first at the bottom. */
export type Series = { label: string; tone: Tone; values: number[] };

/** What hovering a label shows (and what the accessible table holds): a title and its numbers. */
export type Tip = { title: string; rows: { label: string; value: string; tone?: Tone }[] };

export type ChartSpec = {
  kind: 'bar' | 'line';
  /** What the chart shows: the numbers table's caption. */
  title: string;
  labels: string[];
  /** What the labels are, as the numbers table's first column heading ("Week", "Day"). */
  rowsName: string;
  series: Series[];
  tips: Tip[];
  /** Fixed axis top (100 for percentages); otherwise from the data. */
  yMax?: number;
  unit?: string;
  /** Show every n-th axis label. */
  labelEvery: number;
  /** A dashed vertical line before the label at `index` (the withdraw threshold). */
  marker?: { index: number; label: string } | null;
  /** Draw a legend of the series (a single self-explaining series needs none). */
  legend: boolean;
};

// One formatter each, made once: WebKit builds a new Intl formatter on every toLocale*String call,
// which costs a few hundred milliseconds over the years of days a large history has.
const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const percentFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** "2 Mar" for a `YYYY-MM-DD` day (UTC, as the series are). */
export function shortDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? day : dayFormat.format(d);
}

export function formatPercent(p: number | null | undefined): string {
  return p == null ? '—' : `${percentFormat.format(p)} %`;
}

/** Every n-th label, so that about `count` show along the axis. */
export function labelStep(labels: number, count = 8): number {
  return Math.max(1, Math.ceil(labels / count));
}
