/**
 * Which system's fonts the page asks for first (`data-os` on the root, read by app.css).
 *
 * A font family the system lacks is not free on Linux: WebKitGTK asks fontconfig for every
 * family in the list, in order, for every size and weight the page uses, until one is
 * installed, and it does not resolve `system-ui`. With one stack for all systems (`system-ui,
 * -apple-system, 'Segoe UI', Roboto, Ubuntu, Cantarell, 'Noto Sans', 'DejaVu Sans', …`) the
 * first page made 92 full fontconfig matches instead of 7 (~60 ms of the web process's CPU
 * before the first paint). Each system now gets the stack that resolves at its first family.
 */
export type Os = 'mac' | 'windows' | 'linux';

export function osOf(userAgent: string): Os {
  if (/Mac OS X|Macintosh/.test(userAgent)) return 'mac';
  if (/Windows/.test(userAgent)) return 'windows';
  return 'linux';
}

export function markOs(root: HTMLElement = document.documentElement, userAgent = navigator.userAgent): Os {
  const os = osOf(userAgent);
  root.dataset.os = os;
  return os;
}
