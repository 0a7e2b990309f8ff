import { describe, expect, it } from 'vitest';
import { trackMinWidth, tracksFit } from './table-width';

describe('table width', () => {
  it('reads the least width of fixed, minmax and flexible tracks', () => {
    expect(trackMinWidth('132px')).toBe(132);
    expect(trackMinWidth('minmax(140px, 1.5fr)')).toBe(140);
    expect(trackMinWidth('1fr')).toBe(0);
  });

  it('fits when the minimums and the scroll bar fit', () => {
    const tracks = ['100px', 'minmax(200px, 1fr)'];
    expect(tracksFit(tracks, 320)).toBe(true);
    expect(tracksFit(tracks, 310)).toBe(false);
  });
});
