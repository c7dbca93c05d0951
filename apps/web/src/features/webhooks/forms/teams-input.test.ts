import { describe, expect, it } from 'vitest';

import { parseTeams } from './teams-input.tsx';

describe('parseTeams', () => {
  it('splits on commas and new lines, trims, and drops empty parts (the shared schema judges each name)', () => {
    expect(parseTeams(' payments, search ,\nplatform,, ')).toEqual(['payments', 'search', 'platform']);
    expect(parseTeams('')).toEqual([]);
    expect(parseTeams(' , ')).toEqual([]);
  });
});
