/**
 * Chart.js is 170 KB of the 435 KB bundle and only Insights draws with it: it is loaded the
 * first time a chart is drawn, so start-up does not parse and run it (its own chunk, from the
 * app's files like the rest, so the CSP is unchanged).
 */
let loading: Promise<typeof import('./chartjs')> | null = null;

export function loadChartjs(): Promise<typeof import('./chartjs')> {
  loading ??= import('./chartjs');
  return loading;
}
