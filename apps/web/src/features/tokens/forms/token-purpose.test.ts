import { describe, expect, it } from 'vitest';

import { tokenBody } from './token-purpose.ts';

describe('token purpose', () => {
  const values = { name: 'collector', role: 'admin' as const, expiresAt: '2030-01-01T00:00:00.000Z' };

  it('makes an ingest token scoped and role-less', () => {
    expect(tokenBody(values, 'ingest')).toEqual({
      name: 'collector',
      expiresAt: '2030-01-01T00:00:00.000Z',
      scopes: ['flows.ingest'],
    });
  });

  it('keeps the role of an API-access token and sends no scopes', () => {
    expect(tokenBody({ ...values, scopes: ['flows.ingest'] }, 'api')).toEqual(values);
  });
});
