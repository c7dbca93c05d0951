import { type ApiClient as SharedApiClient, type ApiError, createApiClient } from '@egress/shared';

import { CliError, EXIT } from './exit-codes.ts';

/** The typed client of @egress/shared (one function per endpoint), its failures turned into exit codes. */
export type ApiClient = SharedApiClient;

function describe(error: ApiError): string {
  if (!error.enveloped) return error.code === 'invalid_response' ? error.message : `HTTP ${error.status}`;
  const details = error.details.map((d) => `\n  ${d.field}: ${d.message}`).join('');
  return `${error.message}${details}\n  (request id ${error.requestId ?? 'none'})`;
}

/** Bearer token from the environment; every API error becomes a CliError (4 for a refused token, else 1). */
export function createClient(baseUrl: string, token: string, fetchImpl: typeof fetch = fetch): ApiClient {
  return createApiClient({
    transport: async ({ method, url, body }) => {
      try {
        return await fetchImpl(new URL(url, baseUrl), {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === null ? {} : { 'content-type': 'application/json' }),
          },
          body,
        });
      } catch (error) {
        throw new CliError(`cannot reach ${baseUrl}: ${(error as Error).message}`, EXIT.failed);
      }
    },
    onError: (error, { method, url }) => {
      const code = error.status === 401 || error.status === 403 ? EXIT.auth : EXIT.failed;
      throw new CliError(`${method} ${url} failed (${error.status}): ${describe(error)}`, code);
    },
  });
}
