import { describe, expect, it } from 'vitest';

import { emptyDays } from './activity.ts';

describe('emptyDays', () => {
  it('lists N UTC days ending today, oldest first', () => {
    const days = emptyDays(3, Date.parse('2025-03-04T10:00:00Z'));
    expect(days.map((d) => d.date)).toEqual(['2025-03-02', '2025-03-03', '2025-03-04']);
    expect(days[0]).toEqual({ date: '2025-03-02', requested: 0, approved: 0, rejected: 0 });
  });
});
