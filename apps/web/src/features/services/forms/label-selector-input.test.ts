import { describe, expect, it } from 'vitest';

import { formatLabels, parseLabels } from './label-selector-input.tsx';

describe('label selector text', () => {
  it('splits on commas and newlines and keeps empty values', () => {
    expect(parseLabels('app=payments, tier = web\nteam=')).toEqual({
      app: 'payments',
      tier: 'web',
      team: '',
    });
    expect(parseLabels(' , ')).toEqual({});
    expect(formatLabels({ app: 'a', b: '' })).toBe('app=a, b=');
  });
});
