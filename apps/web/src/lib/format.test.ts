import { describe, expect, it } from 'vitest';

import { dayKey, duration, relativeTime, utc } from './format.ts';

describe('format', () => {
  const now = Date.parse('2025-03-04T12:00:00Z');

  it('says how long ago, in the largest sensible unit', () => {
    expect(relativeTime('2025-03-04T11:59:30Z', now)).toBe('just now');
    expect(relativeTime('2025-03-04T11:15:00Z', now)).toBe('45 min ago');
    expect(relativeTime('2025-03-04T09:00:00Z', now)).toBe('3 h ago');
    expect(relativeTime('2025-03-02T12:00:00Z', now)).toBe('2 d ago');
    expect(relativeTime('2025-03-05T12:00:00Z', now)).toBe('in 1 d');
  });

  it('formats spans and UTC times', () => {
    expect(duration(90 * 24 * 3600_000)).toBe('3 mo');
    expect(utc('2025-03-04T12:30:05.123Z')).toBe('2025-03-04 12:30:05 UTC');
    expect(dayKey('2025-03-04T23:59:59Z')).toBe('2025-03-04');
  });
});
