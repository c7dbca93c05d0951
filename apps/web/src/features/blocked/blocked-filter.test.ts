import { describe, expect, it } from 'vitest';

import { blockedApiQuery, isFiltered, pickFilter, sinceTimestamp } from './blocked-filter.ts';

describe('blocked-egress filters', () => {
  const now = Date.parse('2026-11-26T12:00:00.000Z');

  it('turns a since preset into a timestamp at request time', () => {
    expect(sinceTimestamp('1h', now)).toBe('2026-11-26T11:00:00.000Z');
    expect(sinceTimestamp('24h', now)).toBe('2026-11-25T12:00:00.000Z');
    expect(sinceTimestamp('7d', now)).toBe('2026-11-19T12:00:00.000Z');
  });

  it('passes the URL filters to the API and leaves out the unset ones', () => {
    expect(blockedApiQuery({ service: '-', known: 'false', since: '1h' }, now)).toEqual({
      service: '-',
      namespace: undefined,
      destination: undefined,
      known: 'false',
      since: '2026-11-26T11:00:00.000Z',
    });
    expect(blockedApiQuery({}, now).since).toBeUndefined();
  });

  it('knows when a filter narrows the list, ignoring the tab and the page', () => {
    expect(isFiltered({})).toBe(false);
    expect(isFiltered({ destination: '' })).toBe(false);
    expect(isFiltered({ namespace: 'ci' })).toBe(true);
    const search = { tab: 'inbox', cursor: 'c2', prev: '-', known: 'true' as const };
    expect(pickFilter(search)).toEqual({
      service: undefined,
      namespace: undefined,
      destination: undefined,
      known: 'true',
      since: undefined,
    });
  });
});
