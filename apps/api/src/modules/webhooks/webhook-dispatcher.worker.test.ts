import { describe, expect, it } from 'vitest';

import { BACKOFF_SCHEDULE_MS, jitteredBackoff } from './webhook-dispatcher.worker.ts';
import { escapeMrkdwn } from './webhooks.slack.ts';

describe('backoff', () => {
  it('follows the schedule within ±20 %, and keeps growing despite the jitter', () => {
    for (let attempt = 1; attempt <= 9; attempt++) {
      const base = BACKOFF_SCHEDULE_MS[Math.min(attempt, BACKOFF_SCHEDULE_MS.length) - 1]!;
      expect(jitteredBackoff(attempt, () => 0)).toBe(base * 0.8);
      expect(jitteredBackoff(attempt, () => 1)).toBe(base * 1.2);
    }
    for (let attempt = 1; attempt < BACKOFF_SCHEDULE_MS.length; attempt++) {
      expect(jitteredBackoff(attempt + 1, () => 0)).toBeGreaterThan(jitteredBackoff(attempt, () => 1));
    }
  });
});

describe('escapeMrkdwn', () => {
  it('escapes the characters Slack treats as markup', () => {
    expect(escapeMrkdwn('<!channel> & <https://x|y>')).toBe('&lt;!channel&gt; &amp; &lt;https://x|y&gt;');
  });
});
