// A token is either for API access (it acts with a role) or for flow ingestion (it holds only the
// flows.ingest scope, and must not name a role: the API refuses both together).
import type { CreateTokenBody } from '@egress/shared';

export type TokenPurpose = 'api' | 'ingest';

export function tokenBody(values: CreateTokenBody, purpose: TokenPurpose): CreateTokenBody {
  const { role, scopes: _ignored, ...rest } = values;
  return purpose === 'ingest' ? { ...rest, scopes: ['flows.ingest'] } : { ...rest, role };
}
