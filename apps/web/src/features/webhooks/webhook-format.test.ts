import { NOTIFICATION_EVENTS } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { canRetry, EVENT_DESCRIPTIONS, urlHost } from './webhook-format.ts';

describe('webhook formatting', () => {
  it('shows only the host of a webhook URL, never its path (Slack URLs carry the token there)', () => {
    expect(urlHost('https://hooks.slack.com/services/T000/B000/XXXX')).toBe('hooks.slack.com');
    expect(urlHost('http://127.0.0.1:8081/hook')).toBe('127.0.0.1:8081');
    expect(urlHost('not a url')).toBe('not a url');
  });

  it('describes every notification event', () => {
    for (const event of NOTIFICATION_EVENTS) expect(EVENT_DESCRIPTIONS[event]).toMatch(/\w/);
  });

  it('offers a retry for failed deliveries only', () => {
    expect(canRetry({ status: 'failed' })).toBe(true);
    expect(canRetry({ status: 'pending' })).toBe(false);
    expect(canRetry({ status: 'succeeded' })).toBe(false);
  });
});
