import type { Explain } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { completeQuestion, firstFailure, requestSearch, verdictSentence } from './reach-text.ts';

const base: Explain = {
  service: 'billing.api',
  namespace: 'payments',
  host: 'api.stripe.com',
  port: 443,
  protocol: 'TCP',
  verdict: 'denied',
  path: 'gateway',
  steps: [
    { check: 'service', ok: true, detail: 'billing.api in namespace payments' },
    { check: 'grant', ok: false, detail: 'no grant' },
    { check: 'gateway-ingress', ok: false, detail: 'does not admit' },
  ],
  fixes: [
    {
      kind: 'request',
      detail: 'request it',
      request: { service: 'billing.api', destination: 'api.stripe.com', port: 443 },
    },
  ],
};

describe('explain wording', () => {
  it('says each verdict in a sentence naming the service, the target and the path', () => {
    expect(verdictSentence(base)).toBe(
      'Denied: billing.api cannot reach api.stripe.com:443. A grant would open it through its gateway.',
    );
    expect(verdictSentence({ ...base, verdict: 'allowed' })).toBe(
      'Allowed: billing.api can reach api.stripe.com:443 through the destination’s gateway.',
    );
    expect(verdictSentence({ ...base, verdict: 'open', path: 'direct' })).toContain(
      'namespace payments is not enforced',
    );
    expect(verdictSentence({ ...base, path: 'port-wide' })).toContain('by a port-wide grant');
  });

  it('points at the first failing check of a denial only', () => {
    expect(firstFailure(base)?.check).toBe('grant');
    expect(firstFailure({ ...base, verdict: 'open' })).toBeUndefined();
  });

  it('turns a request fix into the request form’s prefill link; port-wide leaves the host to pick', () => {
    expect(requestSearch(base.fixes[0]!)).toEqual({
      service: 'billing.api',
      destination: 'api.stripe.com',
      port: 443,
    });
    expect(
      requestSearch({
        kind: 'request',
        detail: '',
        request: { service: 's', destination: null, port: 5432 },
      }),
    ).toEqual({ service: 's', port: 5432 });
    expect(requestSearch({ kind: 'pending', detail: '', grantId: 'g' })).toBeNull();
  });

  it('asks only a complete question: service, host and a port in range', () => {
    expect(completeQuestion({ service: ' s ', host: 'API.Example.com', port: 443 })).toEqual({
      service: 's',
      host: 'api.example.com',
      port: 443,
    });
    expect(completeQuestion({ service: 's', host: 'h' })).toBeNull();
    expect(completeQuestion({ service: 's', host: 'h', port: 70000 })).toBeNull();
    expect(completeQuestion({ service: '', host: 'h', port: 1 })).toBeNull();
  });
});
