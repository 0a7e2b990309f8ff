/**
 * Keyboard shortcuts: the table (what the help overlay lists) and the one dispatcher.
 *
 * A shortcut does exactly what its button does: the dispatcher finds the control marked
 * `data-shortcut="<id>"` in the current screen and clicks (or focuses) it, so a disabled button
 * stays disabled, "Withdraw selected" still opens its preview, and the screens need no code of
 * their own, only the attribute. Nothing fires while the user types in a field (Escape there
 * leaves the field), nor while a dialog is open (the dialog has the keyboard; Escape closes it).
 */
import { SCREENS, type Screen } from './app-state.svelte';

/** Controls a shortcut acts on, by their `data-shortcut` value. */
export type ShortcutTarget = 'filter' | 'refresh' | 'select-all' | 'withdraw-selected' | 'accept-selected';

export type ShortcutAction =
  | { kind: 'target'; target: ShortcutTarget }
  | { kind: 'screen'; screen: Screen }
  | { kind: 'help' }
  | { kind: 'leaveField' };

export type Shortcut = {
  /** The keys as shown to people, each a way to do it ("Ctrl+F", "/"). */
  keys: string[];
  does: string;
  /** Where it works, when not everywhere. */
  where?: string;
  action: ShortcutAction;
  matches: (e: KeyboardEvent) => boolean;
};

/** No Ctrl, Alt or Meta (Shift is part of the character: "?" is Shift+/). */
const plain = (e: KeyboardEvent) => !e.ctrlKey && !e.altKey && !e.metaKey;
const ctrl = (e: KeyboardEvent) => (e.ctrlKey || e.metaKey) && !e.altKey;
const letter = (e: KeyboardEvent, l: string) => plain(e) && e.key.toLowerCase() === l;

export const SHORTCUTS: Shortcut[] = [
  {
    keys: ['/', 'Ctrl+F'],
    does: 'Search the list',
    where: 'Sent, Received',
    action: { kind: 'target', target: 'filter' },
    matches: (e) => (plain(e) && e.key === '/') || (ctrl(e) && e.key.toLowerCase() === 'f'),
  },
  {
    keys: ['R', 'F5', 'Ctrl+R'],
    does: 'Refresh the list from the provider',
    where: 'Sent, Received',
    action: { kind: 'target', target: 'refresh' },
    matches: (e) => letter(e, 'r') || (plain(e) && e.key === 'F5') || (ctrl(e) && e.key.toLowerCase() === 'r'),
  },
  {
    keys: ['Ctrl+A'],
    does: 'Select every row shown',
    where: 'Sent, Received',
    action: { kind: 'target', target: 'select-all' },
    matches: (e) => ctrl(e) && !e.shiftKey && e.key.toLowerCase() === 'a',
  },
  {
    keys: ['W'],
    does: 'Withdraw the selected invitations (opens the preview first)',
    where: 'Sent',
    action: { kind: 'target', target: 'withdraw-selected' },
    matches: (e) => letter(e, 'w'),
  },
  {
    keys: ['A'],
    does: 'Accept the selected invitations (opens the preview first)',
    where: 'Received',
    action: { kind: 'target', target: 'accept-selected' },
    matches: (e) => letter(e, 'a'),
  },
  // In the sidebar's order.
  ...SCREENS.map(
    ({ id: screen, label }, i): Shortcut => ({
      keys: [`Ctrl+${i + 1}`],
      does: `Go to ${label}`,
      action: { kind: 'screen', screen },
      matches: (e) => ctrl(e) && e.key === String(i + 1),
    }),
  ),
  {
    keys: ['?', 'F1'],
    does: 'Show these shortcuts',
    action: { kind: 'help' },
    matches: (e) => (plain(e) && e.key === '?') || (plain(e) && e.key === 'F1'),
  },
  {
    keys: ['Esc'],
    does: 'Leave the search field; close a dialog',
    action: { kind: 'leaveField' },
    matches: (e) => e.key === 'Escape',
  },
];

/** The help overlay's rows: the table, with the six "Go to" keys on one line. */
export function helpRows(): { keys: string[]; does: string; where?: string }[] {
  const screens = SHORTCUTS.filter((s) => s.action.kind === 'screen');
  const rows: { keys: string[]; does: string; where?: string }[] = [];
  for (const s of SHORTCUTS) {
    if (s.action.kind !== 'screen') rows.push(s);
    else if (s === screens[0]) {
      rows.push({
        keys: [`Ctrl+1 … ${screens.length}`],
        does: `Go to ${SCREENS.map((k) => k.label).join(', ')} (the sidebar's order)`,
      });
    }
  }
  return rows;
}

/** A field where keys are text: shortcuts stay out of its way. */
export function isTyping(el: Element | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (!(el instanceof HTMLInputElement)) return false;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(el.type);
}

/** A modal dialog is open: it has the keyboard. */
export function dialogOpen(doc: Document): boolean {
  return doc.querySelector('[role="dialog"][aria-modal="true"]') !== null;
}

export type ShortcutContext = {
  /** Where the current screen is; controls outside it (dialogs, sidebar) are never acted on. */
  root: () => ParentNode | null;
  navigate: (screen: Screen) => void;
  openHelp: () => void;
};

/** The first shortcut the key matches, if any. */
export function shortcutFor(e: KeyboardEvent): Shortcut | null {
  return SHORTCUTS.find((s) => s.matches(e)) ?? null;
}

/** Clicks or focuses the screen's control for `target`. False when the screen has none. */
function actOn(root: ParentNode, target: ShortcutTarget): boolean {
  const el = root.querySelector<HTMLElement>(`[data-shortcut="${target}"]`);
  if (!el) return false;
  if (target === 'filter') {
    el.focus();
    if (el instanceof HTMLInputElement) el.select();
    return true;
  }
  if (el instanceof HTMLButtonElement || el instanceof HTMLInputElement) {
    // A disabled control does nothing, as with the mouse.
    if (el.disabled) return true;
    // Select all only ever selects; the same checkbox clicked again would clear.
    if (target === 'select-all' && el instanceof HTMLInputElement && el.checked) return true;
  }
  el.click();
  return true;
}

/**
 * Handles one keydown. Returns true when a shortcut took it (the key's default, such as the
 * webview's reload on Ctrl+R or selecting the page's text on Ctrl+A, is then prevented).
 */
export function handleKey(e: KeyboardEvent, ctx: ShortcutContext): boolean {
  if (e.defaultPrevented || e.isComposing) return false;
  const doc = (e.target instanceof Node ? e.target.ownerDocument : null) ?? document;
  if (dialogOpen(doc)) return false;
  const shortcut = shortcutFor(e);
  if (!shortcut) return false;
  const active = doc.activeElement;
  if (isTyping(active)) {
    if (shortcut.action.kind !== 'leaveField') return false;
    // WebKit's own Escape would empty a search field without an input event, leaving the
    // list filtered by text no longer shown: the text stays, the focus leaves.
    e.preventDefault();
    (active as HTMLElement).blur();
    return true;
  }
  const root = ctx.root();
  switch (shortcut.action.kind) {
    case 'leaveField':
      return false;
    case 'help':
      ctx.openHelp();
      break;
    case 'screen':
      ctx.navigate(shortcut.action.screen);
      break;
    case 'target':
      if (!root || !actOn(root, shortcut.action.target)) return false;
      break;
  }
  e.preventDefault();
  return true;
}

/** Listens on the window; returns the function that stops. */
export function installShortcuts(ctx: ShortcutContext, target: Window = window): () => void {
  const onKey = (e: KeyboardEvent) => void handleKey(e, ctx);
  target.addEventListener('keydown', onKey);
  return () => target.removeEventListener('keydown', onKey);
}

/** Opens the help overlay from anywhere (the sidebar's button). */
export const HELP_EVENT = 'invitedesk:shortcut-help';
export function openShortcutHelp(target: Window = window): void {
  target.dispatchEvent(new CustomEvent(HELP_EVENT));
}
