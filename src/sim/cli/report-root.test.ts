import { describe, expect, it } from 'vitest';
import { reuseOf } from './report-root.js';

const files = {
  names: ['sweep.json', 'sweep.md'],
  families: [{ shown: 'cell-<n>.json', matches: /^cell-\d+\.json$/ }],
};

describe('reuseOf: what a command does with an existing --out folder', () => {
  it('uses an empty folder as it is', () => {
    expect(reuseOf([], files, false)).toEqual({ remove: [] });
  });

  it('refuses one that is not empty without --force, naming what is there and what --force would remove', () => {
    const r = reuseOf(['sweep.json', 'notes.txt'], files, false);
    expect(r).toEqual({
      refuse:
        'is not empty (2 entries: notes.txt, sweep.json); give a new or empty folder, or --force to first remove ' +
        'the files this command writes (sweep.json, sweep.md, cell-<n>.json) and keep the rest',
    });
    const many = reuseOf(['a', 'b', 'c', 'd', 'e', 'f', 'g'], files, false);
    expect('refuse' in many && many.refuse).toContain('(7 entries: a, b, c, d, e, …)');
  });

  it('with --force removes its own files, by name and by family, and keeps every other', () => {
    expect(reuseOf(['sweep.json', 'notes.txt', 'cell-12.json', 'cell-x.json', 'sweep.md.orig'], files, true)).toEqual({
      remove: ['sweep.json', 'cell-12.json'],
    });
  });
});
