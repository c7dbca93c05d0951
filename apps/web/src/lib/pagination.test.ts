import { describe, expect, it } from 'vitest';

import { nextPageSearch, pageNumber, previousPageSearch } from './pagination.ts';

describe('cursor pagination in the URL', () => {
  it('walks forward and back to the first page', () => {
    const p1 = {};
    const p2 = nextPageSearch(p1, 'c2');
    const p3 = nextPageSearch(p2, 'c3');
    expect(p2).toEqual({ cursor: 'c2', prev: '-' });
    expect(p3).toEqual({ cursor: 'c3', prev: '-,c2' });
    expect(pageNumber(p3)).toBe(3);
    expect(previousPageSearch(p3)).toEqual({ cursor: 'c2', prev: '-' });
    expect(previousPageSearch(previousPageSearch(p3))).toEqual({ cursor: undefined, prev: undefined });
    expect(pageNumber(p1)).toBe(1);
  });
});
