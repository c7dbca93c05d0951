import { describe, expect, it } from 'vitest';

import { endpoints } from './endpoints.ts';
import {
  ApiError,
  createApiClient,
  endpointUrl,
  type TransportRequest,
  type TransportResponse,
} from './endpoints-client.ts';

const GRANT = {
  id: '0b7f9a52-3c1e-4a57-9a7e-2f0e6c1d8a11',
  serviceId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  service: 'payments',
  serviceNamespace: 'shop',
  destination: 'api.stripe.com',
  destinationId: '2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f60',
  destinationSensitivity: 'standard',
  port: 443,
  state: 'pending',
  justification: 'card payments',
  requestedBy: 'dev@example.com',
  requestedAt: '2026-12-07T08:00:00.000Z',
  expiresAt: null,
  requiredApprovals: 1,
  approvals: [],
  decidedBy: null,
  decidedAt: null,
  reason: null,
  source: null,
  serviceTeam: null,
  requestedByName: 'Eng',
  activatedAt: null,
  durationSeconds: null,
  renewsGrantId: null,
  pendingRenewalId: null,
  proposedDestination: null,
};

function answer(status: number, body: string, headers: Record<string, string> = {}): TransportResponse {
  return {
    status,
    statusText: status === 404 ? 'Not Found' : '',
    ok: status < 400,
    headers: { get: (n) => headers[n] ?? null },
    text: () => Promise.resolve(body),
  };
}

function recording(res: TransportResponse) {
  const seen: TransportRequest<never>[] = [];
  const client = createApiClient({ transport: (req) => (seen.push(req), Promise.resolve(res)) });
  return { client, seen };
}

describe('createApiClient', () => {
  it('substitutes and encodes path parameters, serialises the query and sends the body as JSON', async () => {
    const { client, seen } = recording(answer(200, JSON.stringify({ items: [], nextCursor: null })));
    await client.listGrants({
      query: { state: 'pending', service: 'a b&c', destination: '', requestedBy: undefined, limit: 5 },
    });
    expect(seen[0]).toMatchObject({
      method: 'GET',
      url: '/api/v1/grants?state=pending&service=a%20b%26c&limit=5',
      body: null,
      accept: 'json',
    });
    await client.rejectGrant({ params: { id: 'x/../y' }, body: { reason: 'no' } }).catch(() => undefined);
    expect(seen[1]).toMatchObject({
      method: 'POST',
      url: '/api/v1/grants/x%2F..%2Fy/reject',
      body: '{"reason":"no"}',
    });
    expect(endpointUrl('syncRules', { params: { id: 'abc' }, body: { rules: [] } })).toBe(
      '/api/v1/services/abc/rules:sync',
    );
  });

  it('returns the parsed answer of the endpoint schema', async () => {
    const { client } = recording(answer(200, JSON.stringify({ ...GRANT, internalColumn: 'dropped' })));
    const grant = await client.getGrant({ params: { id: GRANT.id } });
    expect(grant.service).toBe('payments');
    expect(grant).not.toHaveProperty('internalColumn');
  });

  it('refuses an answer that does not match the schema, naming the field', async () => {
    const { client } = recording(
      answer(200, JSON.stringify({ ...GRANT, port: 'https' }), { 'x-request-id': 'r-1' }),
    );
    const error: unknown = await client.getGrant({ params: { id: GRANT.id } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'invalid_response', requestId: 'r-1' });
    expect((error as ApiError).message).toContain('port');
  });

  it('turns the error envelope into an ApiError with its details and request id, and tells onError', async () => {
    const envelope = {
      error: {
        code: 'validation_failed',
        message: 'invalid request',
        details: [{ field: 'body.port', message: 'must be 1–65535' }],
        requestId: 'req-7',
      },
    };
    const errors: string[] = [];
    const client = createApiClient({
      transport: () => Promise.resolve(answer(400, JSON.stringify(envelope))),
      onError: (e, req) => errors.push(`${req.endpoint} ${req.method} ${req.url}: ${e.code}`),
    });
    const error: unknown = await client
      .requestGrant({ body: { service: 's', destination: 'h', port: 0, justification: 'why not' } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'invalid request',
      details: envelope.error.details,
      requestId: 'req-7',
      enveloped: true,
    });
    expect(errors).toEqual(['requestGrant POST /api/v1/grants: validation_failed']);
  });

  it('falls back to the status line and the request id header when the body is not the envelope', async () => {
    const { client } = recording(answer(404, '<html>gone</html>', { 'x-request-id': 'hdr-1' }));
    const error: unknown = await client.getSettings().catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 404,
      code: 'http_404',
      message: 'the server answered 404 Not Found',
      requestId: 'hdr-1',
      enveloped: false,
    });
  });

  it('answers undefined for 204 and the raw text for text()', async () => {
    const { client: none } = recording(answer(204, ''));
    expect(await none.deleteService({ params: { id: GRANT.serviceId } })).toBeUndefined();
    const { client, seen } = recording(answer(200, 'kind: Namespace\n'));
    expect(await client.text('getManifests', { query: { format: 'yaml' } })).toBe('kind: Namespace\n');
    expect(seen[0]).toMatchObject({ url: '/api/v1/manifests?format=yaml', accept: 'text' });
  });

  it('has a path placeholder for exactly the keys of each params schema', () => {
    for (const [name, def] of Object.entries(endpoints)) {
      const placeholders = [...def.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const keys = 'params' in def ? Object.keys(def.params.shape).sort() : [];
      expect(placeholders, name).toEqual(keys);
    }
  });
});
