// Test-data factories that create objects through the REST API, so API tests, Playwright specs and the
// dev seed all build data the way a user would (validation, audit and all). Isomorphic: the caller
// supplies `send` (Fastify's inject, Playwright's request context, fetch), this file only shapes bodies.
import type { z } from 'zod';

import { type CreateDestinationBody, type Destination, DestinationSchema } from '../schemas/destinations.ts';
import { type CreateGrantBody, type Grant, GrantSchema } from '../schemas/grants.ts';
import { type CreateServiceBody, type Service, ServiceSchema } from '../schemas/services.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One HTTP call against the API, relative to its origin (e.g. "/api/v1/services"). */
export type Send = (
  method: HttpMethod,
  url: string,
  body?: unknown,
) => Promise<{ status: number; body: unknown }>;

let counter = 0;

/** A name part unique within this process (counter) and across processes (random suffix). */
export function uniqueSuffix(): string {
  counter += 1;
  return `${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

async function create<S extends z.ZodType>(
  send: Send,
  url: string,
  body: unknown,
  schema: S,
): Promise<z.output<S>> {
  const res = await send('POST', url, body);
  if (res.status !== 201) {
    throw new Error(
      `factory: POST ${url} answered ${res.status}, expected 201\nrequest: ${JSON.stringify(body)}\nresponse: ${JSON.stringify(res.body)}`,
    );
  }
  const parsed = schema.safeParse(res.body);
  if (!parsed.success) {
    throw new Error(
      `factory: POST ${url} returned a body that does not match its schema: ${parsed.error.message}\nresponse: ${JSON.stringify(res.body)}`,
    );
  }
  return parsed.data;
}

/** Grant overrides may name the service and destination, or leave the factory to create them. */
export type GrantOverrides = Partial<CreateGrantBody> & {
  /** Settings for the destination the factory creates when `destination` is not given. */
  destinationOverrides?: Partial<CreateDestinationBody>;
};

export function createFactories(send: Send) {
  function service(overrides: Partial<CreateServiceBody> = {}): Promise<Service> {
    const suffix = uniqueSuffix();
    const body: CreateServiceBody = {
      name: `service.test-${suffix}`,
      namespace: 'test-apps',
      selector: { matchLabels: { app: `test-${suffix}` } },
      ...overrides,
    };
    return create(send, '/api/v1/services', body, ServiceSchema);
  }

  function destination(overrides: Partial<CreateDestinationBody> = {}): Promise<Destination> {
    const body: CreateDestinationBody = {
      host: `d${uniqueSuffix()}.example.com`,
      ports: [{ port: 443, protocol: 'TCP' }],
      sensitivity: 'standard',
      ...overrides,
    };
    return create(send, '/api/v1/destinations', body, DestinationSchema);
  }

  /** A pending grant; creates a service and a standard destination (port 443) unless they are named. */
  async function grant(overrides: GrantOverrides = {}): Promise<Grant> {
    const { destinationOverrides, ...fields } = overrides;
    const serviceName = fields.service ?? (await service()).name;
    let host = fields.destination;
    let port = fields.port;
    if (host === undefined) {
      const created = await destination(destinationOverrides);
      host = created.host;
      port ??= created.ports[0]?.port;
    }
    const body: CreateGrantBody = {
      justification: 'Needed by the test suite to exercise the grant workflow.',
      ...fields,
      service: serviceName,
      destination: host,
      port: port ?? 443,
    };
    return create(send, '/api/v1/grants', body, GrantSchema);
  }

  return { service, destination, grant };
}

export type Factories = ReturnType<typeof createFactories>;
