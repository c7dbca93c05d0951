// Denied flows the way a collector sends them: an admin mints an ingest token (scope flows.ingest)
// through the API, and batches of generic records are posted with it as a bearer token.
import type { CreatedToken, FlowIngestResult, GenericFlowRecord } from '@egress/shared';
import { request } from '@playwright/test';

import { type ApiSession, expectOk } from './api.ts';

export async function ingestToken(admin: ApiSession, name: string): Promise<string> {
  const res = await admin.send('POST', '/api/v1/tokens', { name, scopes: ['flows.ingest'] });
  return ((await expectOk(res, 201)) as CreatedToken).token;
}

export async function postFlows(
  baseURL: string,
  token: string,
  records: GenericFlowRecord[],
): Promise<FlowIngestResult> {
  const context = await request.newContext({
    baseURL,
    extraHTTPHeaders: { authorization: `Bearer ${token}` },
  });
  try {
    const res = await context.post('/api/v1/flows', { data: { format: 'generic', records } });
    const body = (await res.json()) as FlowIngestResult;
    if (!res.ok()) throw new Error(`POST /api/v1/flows answered ${res.status()}: ${JSON.stringify(body)}`);
    if (body.rejected > 0) throw new Error(`flows rejected: ${JSON.stringify(body.errors)}`);
    return body;
  } finally {
    await context.dispose();
  }
}
