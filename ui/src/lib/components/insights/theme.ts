/**
 * The charts' colours, read from app.css variables at draw time (a canvas is not styled by CSS),
 * and a signal for when they change: the OS theme, or anything that restyles the root element.
 */
import type { Tone } from './chart';

/** Each tone's fill and, where the fill alone is too faint to see, its outline. */
export const TONE_VARS: Record<Tone, { fill: string; line?: string }> = {
  accepted: { fill: '--success' },
  late: { fill: '--warning' },
  pending: { fill: '--accent-soft', line: '--accent' },
  ignored: { fill: '--text-faint' },
  withdrawn: { fill: '--danger' },
  invited: { fill: '--accent' },
  backlog: { fill: '--accent-soft', line: '--accent' },
};

export type Palette = {
  tone: (t: Tone) => { fill: string; line: string };
  grid: string;
  axis: string;
  text: string;
  hover: string;
  marker: string;
  font: string;
};

export function readPalette(root: Element = document.documentElement): Palette {
  const css = getComputedStyle(root);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    tone: (t) => {
      const { fill, line } = TONE_VARS[t];
      return { fill: v(fill), line: v(line ?? fill) };
    },
    grid: v('--border-subtle'),
    axis: v('--border-strong'),
    text: v('--text-muted'),
    hover: v('--bg-hover'),
    marker: v('--danger'),
    font: getComputedStyle(document.body).fontFamily || 'sans-serif',
  };
}

/** Calls `redraw` when the colours may have changed; returns the unsubscribe. */
export function onThemeChange(redraw: () => void): () => void {
  const dark = window.matchMedia?.('(prefers-color-scheme: dark)');
  dark?.addEventListener('change', redraw);
  // A theme chosen in the app would restyle the root element (a class or data attribute).
  const observer = new MutationObserver(redraw);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'data-theme'] });
  return () => {
    dark?.removeEventListener('change', redraw);
    observer.disconnect();
  };
}
