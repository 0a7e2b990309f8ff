import { describe, expect, it } from 'vitest';
import { countingHint, noteLength } from './note';
// The same vectors pin the Rust count (src-tauri/providers/notes.rs).
import vectors from './note-length.vectors.json';

describe('noteLength', () => {
  it('gives the answers the Rust count gives, for each way of counting', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(5);
    for (const v of vectors) {
      expect(noteLength(v.text, 'utf16CodeUnits'), JSON.stringify(v.text)).toBe(v.utf16CodeUnits);
      expect(noteLength(v.text, 'codePoints'), JSON.stringify(v.text)).toBe(v.codePoints);
    }
  });

  it('counts the trimmed note', () => {
    expect(noteLength('  é👋 ok \n', 'utf16CodeUnits')).toBe(6);
    expect(noteLength('  é👋 ok \n', 'codePoints')).toBe(5);
  });

  it('says how the provider counts', () => {
    expect(countingHint('utf16CodeUnits', 'ConnectSafely')).toContain('an emoji (and a few rare characters) counts as 2');
    expect(countingHint('codePoints', 'Edges')).toContain('every character counts as 1');
  });
});
