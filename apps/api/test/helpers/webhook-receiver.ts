// A real HTTP receiver on 127.0.0.1 for webhook tests: records every request with its raw body, answers
// with scripted statuses per path (200 once the script runs out), and verifies signatures exactly as the
// receiver snippet in docs/notifications.md does.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
  /** Unix seconds on the test's clock when the request arrived. */
  receivedAt: number;
}

export interface Receiver {
  /** A URL on this receiver with a fresh path, so each webhook's requests can be told apart. */
  url(name: string): string;
  /** Statuses to answer on `path`, in order; afterwards 200. */
  script(path: string, statuses: number[]): void;
  /** Always answer `status` on `path`. */
  always(path: string, status: number): void;
  requests(path: string): ReceivedRequest[];
  close(): Promise<void>;
}

/** `now` is the clock the app under test runs on, so freshness is judged as a receiver would at arrival. */
export async function startReceiver(now: () => Date = () => new Date()): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const scripts = new Map<string, number[]>();
  const fixed = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        path,
        headers: req.headers,
        body,
        json: JSON.parse(body) as Record<string, unknown>,
        receivedAt: Math.floor(now().getTime() / 1000),
      });
      const status = scripts.get(path)?.shift() ?? fixed.get(path) ?? 200;
      res
        .writeHead(status, { 'content-type': 'text/plain' })
        .end(status < 300 ? 'ok' : `receiver says ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    script: (path, statuses) => scripts.set(path, [...statuses]),
    always: (path, status) => fixed.set(path, status),
    requests: (path) => received.filter((r) => r.path === path),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A receiver's check: recompute `v1=HMAC-SHA256(secret, "<timestamp>.<raw body>")`, compare in constant
 * time, and refuse timestamps more than `toleranceSeconds` away from `nowSeconds` (default: arrival).
 */
export function signatureValid(
  secret: string,
  r: ReceivedRequest,
  nowSeconds = r.receivedAt,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(r.headers['x-egress-timestamp']);
  const received = r.headers['x-egress-signature'];
  if (!Number.isInteger(timestamp) || typeof received !== 'string') return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${r.body}`).digest('hex')}`;
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}
