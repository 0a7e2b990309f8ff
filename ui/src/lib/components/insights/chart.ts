/**
 * Chart helpers shared by the Insights charts: a "nice" axis maximum and its ticks.
 *
 * The charts are hand-drawn SVG rather than a library: the CSP (`style-src 'self'`) refuses
 * style attributes and injected `<style>`, which most chart libraries write; SVG geometry
 * attributes (x, y, width, height, d) are not styles, and colours come from app.css variables
 * through class names, so both themes work without any script-set colour.
 */

/** The smallest 1/2/5 × 10ⁿ at or above `max` (at least 1), and the ticks from 0 to it. */
export function niceScale(max: number, ticks = 4): { top: number; ticks: number[] } {
  const m = Math.max(1, max);
  const rough = m / ticks;
  const pow = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * pow).find((s) => s * ticks >= m) ?? 10 * pow;
  const stepInt = Math.max(step, 1e-9);
  const top = stepInt * Math.ceil(m / stepInt);
  const out: number[] = [];
  for (let v = 0; v <= top + 1e-9; v += stepInt) out.push(Math.round(v * 100) / 100);
  return { top, ticks: out };
}

/** "2 Mar" for a `YYYY-MM-DD` day (UTC, as the series are). */
export function shortDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return day;
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

export function formatPercent(p: number | null | undefined): string {
  return p == null ? '—' : `${p.toLocaleString('en-US', { maximumFractionDigits: 1 })} %`;
}
