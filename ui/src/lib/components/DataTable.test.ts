import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import TableHarness from '../../test/TableHarness.svelte';
import { rowAt } from './DataTable.svelte';

type Row = { id: string; name: string; age: number | null };

function rows(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => ({ id: `r${i}`, name: `Person ${String(i).padStart(5, '0')}`, age: i % 97 }));
}

const rendered = () => screen.queryAllByTestId('row');
const names = () => screen.queryAllByTestId('cell-name').map((el) => el.textContent);

describe('DataTable virtualization', () => {
  it('renders only a window of rows out of 10,000', () => {
    render(TableHarness, { rows: rows(10_000) });
    const table = screen.getByRole('table');
    expect(table.getAttribute('aria-rowcount')).toBe('10001');
    const count = rendered().length;
    expect(count).toBeGreaterThan(5);
    expect(count).toBeLessThan(60);
    expect(rendered()[0].dataset.key).toBe('r0');
  });

  it('moves the window when the list is scrolled', async () => {
    const { container } = render(TableHarness, { rows: rows(10_000) });
    const scroller = container.querySelector('.scroller') as HTMLElement;
    // Rows are 48px by default: 5,000 rows down.
    scroller.scrollTop = 48 * 5000;
    await fireEvent.scroll(scroller);
    const keys = rendered().map((r) => r.dataset.key);
    expect(keys).toContain('r5000');
    expect(keys).not.toContain('r0');
    expect(keys.length).toBeLessThan(60);
  });

  it('finds the row at a scroll offset by binary search', () => {
    const offsets = [0, 48, 96, 200, 248];
    expect(rowAt(offsets, 0)).toBe(0);
    expect(rowAt(offsets, 47)).toBe(0);
    expect(rowAt(offsets, 48)).toBe(1);
    expect(rowAt(offsets, 150)).toBe(2);
    expect(rowAt(offsets, 10_000)).toBe(3);
  });
});

describe('DataTable sorting', () => {
  const data: Row[] = [
    { id: 'a', name: 'Émile', age: 3 },
    { id: 'b', name: 'bob', age: null },
    { id: 'c', name: 'Alice', age: 40 },
    { id: 'd', name: 'Zoë', age: 12 },
  ];

  it('sorts by a column, toggles the direction, keeps unknown values last', async () => {
    render(TableHarness, { rows: data });
    expect(names()).toEqual(['Émile', 'bob', 'Alice', 'Zoë']);

    await fireEvent.click(screen.getByTestId('sort-name'));
    expect(names()).toEqual(['Alice', 'bob', 'Émile', 'Zoë']);
    expect(screen.getByTestId('sort-name').closest('[role="columnheader"]')?.getAttribute('aria-sort')).toBe('ascending');

    await fireEvent.click(screen.getByTestId('sort-name'));
    expect(names()).toEqual(['Zoë', 'Émile', 'bob', 'Alice']);

    // Age starts descending (its firstDir); the row without an age stays last either way.
    await fireEvent.click(screen.getByTestId('sort-age'));
    expect(names()).toEqual(['Alice', 'Zoë', 'Émile', 'bob']);
    await fireEvent.click(screen.getByTestId('sort-age'));
    expect(names()).toEqual(['Émile', 'Zoë', 'Alice', 'bob']);
  });

  it('sorts 10,000 rows and still renders only a window', async () => {
    render(TableHarness, { rows: rows(10_000) });
    await fireEvent.click(screen.getByTestId('sort-name'));
    await fireEvent.click(screen.getByTestId('sort-name'));
    expect(rendered()[0].dataset.key).toBe('r9999');
    expect(rendered().length).toBeLessThan(60);
  });
});

describe('DataTable selection', () => {
  it('selects a range with shift-click, in the order shown', async () => {
    let selected: string[] = [];
    render(TableHarness, { rows: rows(20), onselect: (k: string[]) => (selected = k) });
    const boxes = () => rendered().map((r) => within(r).getByTestId('row-select') as HTMLInputElement);

    await fireEvent.click(boxes()[2]);
    await fireEvent.click(boxes()[6], { shiftKey: true });
    expect(selected.sort()).toEqual(['r2', 'r3', 'r4', 'r5', 'r6']);
    expect(boxes().filter((b) => b.checked)).toHaveLength(5);

    // Shift-click on a selected row from the new anchor clears that range.
    await fireEvent.click(boxes()[4], { shiftKey: true });
    expect(selected.sort()).toEqual(['r2', 'r3']);
  });

  it('selects a range with shift-click on the rows themselves', async () => {
    let selected: string[] = [];
    render(TableHarness, { rows: rows(20), onselect: (k: string[]) => (selected = k) });
    const cells = screen.getAllByTestId('cell-name');
    await fireEvent.click(cells[8]);
    await fireEvent.click(cells[5], { shiftKey: true });
    expect(selected.sort()).toEqual(['r5', 'r6', 'r7', 'r8']);
  });

  it('"select all" takes every row passed in (all that match the filter), not only the visible ones', async () => {
    let selected: string[] = [];
    render(TableHarness, { rows: rows(5000), onselect: (k: string[]) => (selected = k) });
    await fireEvent.click(screen.getByTestId('select-all'));
    expect(selected).toHaveLength(5000);
    await fireEvent.click(screen.getByTestId('select-all'));
    expect(selected).toHaveLength(0);
  });
});
