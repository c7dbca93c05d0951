import { describe, expect, it } from 'vitest';

import { type AttributableService, createAttributor } from './flows.attribution.ts';

const svc = (name: string, namespace: string, matchLabels: Record<string, string>): AttributableService => ({
  id: `id-${name}`,
  name,
  namespace,
  matchLabels,
});

describe('attribution of a denied flow to a service', () => {
  const checkout = svc('shop.checkout', 'shop', { app: 'checkout' });
  const checkoutCanary = svc('shop.checkout-canary', 'shop', { app: 'checkout', track: 'canary' });
  const attribute = createAttributor([
    checkoutCanary,
    checkout,
    svc('shop.cart', 'shop', { app: 'cart' }),
    svc('other.checkout', 'other', { app: 'checkout' }),
  ]);

  it('matches when the selector is a subset of the pod labels, in the same namespace', () => {
    expect(attribute('shop', { app: 'checkout', 'pod-template-hash': '6c9f8d7b5' })?.name).toBe(
      'shop.checkout',
    );
    expect(attribute('other', { app: 'checkout' })?.name).toBe('other.checkout');
  });

  it('prefers the most specific selector', () => {
    expect(attribute('shop', { app: 'checkout', track: 'canary' })?.name).toBe('shop.checkout-canary');
  });

  it('breaks a tie between equally specific selectors by name', () => {
    const a = svc('b.second', 'ns', { team: 'x' });
    const b = svc('a.first', 'ns', { tier: 'web' });
    expect(createAttributor([a, b])('ns', { team: 'x', tier: 'web' })?.name).toBe('a.first');
    expect(createAttributor([b, a])('ns', { team: 'x', tier: 'web' })?.name).toBe('a.first');
  });

  it('leaves a flow unattributed when no selector matches or the namespace differs', () => {
    expect(attribute('shop', { app: 'search' })).toBeNull();
    expect(attribute('payments', { app: 'checkout' })).toBeNull();
    expect(attribute('shop', { app: 'checkout-v2' })).toBeNull();
  });

  it('attributes a record without labels only when its namespace has exactly one service', () => {
    expect(attribute('other', {})?.name).toBe('other.checkout');
    expect(attribute('shop', {})).toBeNull();
    expect(attribute('empty', {})).toBeNull();
  });
});
