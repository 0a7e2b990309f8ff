/**
 * Whether a table's wide layout (one line per record) fits, so a screen can switch to a
 * compact one (secondary text under the primary) before the table scrolls sideways: at the
 * window's minimum size (900 × 560) Activity and Received fit only compact.
 */

/** The least width a grid track takes: "132px" → 132, "minmax(140px, 1fr)" → 140, "1fr" → 0. */
export function trackMinWidth(track: string): number {
  const px = /(\d+(?:\.\d+)?)px/.exec(track);
  return px ? Number(px[1]) : 0;
}

/** The table's own padding and borders, and a vertical scroll bar's room. */
const TABLE_CHROME = 20;

/** Whether columns with these tracks fit in `width` px without scrolling sideways. */
export function tracksFit(tracks: string[], width: number): boolean {
  return tracks.reduce((sum, t) => sum + trackMinWidth(t), 0) + TABLE_CHROME <= width;
}

/**
 * An action: calls `onwidth` with the element's width (padding included) once laid out and on
 * every change, before the frame paints. Nothing where the browser lays nothing out (jsdom in
 * the unit tests): the screens keep their wide layout there.
 */
export function observeWidth(node: HTMLElement, onwidth: (width: number) => void) {
  if (typeof ResizeObserver === 'undefined') return;
  const observer = new ResizeObserver(() => onwidth(node.clientWidth));
  observer.observe(node);
  return { destroy: () => observer.disconnect() };
}
