/**
 * A note's length as the account's provider counts it. The rule per provider lives in Rust
 * (`providers::notes`) and arrives as `capabilities.noteCounting`; this only applies it, so the
 * counter answers on every keystroke. `note-length.vectors.json` pins this and the Rust count
 * to the same answers.
 */
import type { NoteCounting } from './types';

/** Length of the trimmed note (what is sent is trimmed). */
export function noteLength(note: string, counting: NoteCounting): number {
  const text = note.trim();
  // JavaScript strings are UTF-16: `length` counts code units; spreading counts code points.
  return counting === 'utf16CodeUnits' ? text.length : [...text].length;
}

/** The counter's tooltip: how `provider` counts, and what is refused. */
export function countingHint(counting: NoteCounting, provider: string): string {
  const unit =
    counting === 'utf16CodeUnits'
      ? `Counted as ${provider} counts a note: in UTF-16 units, as JavaScript does, so an emoji (and a few rare characters) counts as 2.`
      : `Counted as ${provider} counts a note: every character counts as 1.`;
  return `${unit} Newlines and tabs count; other invisible control characters are refused when you send.`;
}
