// One HTTP POST to a receiver. node:http rather than fetch so the SSRF guard can sit in the DNS lookup
// and judge the very addresses the socket connects to (no gap for DNS rebinding between check and
// connect). Redirects are never followed: a 3xx is a failed attempt like any other non-2xx.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

import { isPublicAddress, urlHost } from './webhooks.address.ts';

export interface SendResult {
  ok: boolean;
  /** The receiver's HTTP status, or null when no response came. */
  status: number | null;
  /** A short reason for a failed attempt, null on success. */
  error: string | null;
}

export type Send = (
  url: string,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal,
) => Promise<SendResult>;

const MAX_ERROR = 300;
const BODY_SAMPLE = 200;

class BlockedAddressError extends Error {
  readonly code = 'EBLOCKED';
}

const blockedMessage = (address: string) =>
  `${address} is not a public address (set EGRESS_WEBHOOK_ALLOW_PRIVATE=true to allow it)`;

/** dns.lookup that refuses to hand a non-public address to the socket. */
const guardedLookup: LookupFunction = (hostname, options: LookupOptions, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const blocked = addresses.find((a) => !isPublicAddress(a.address));
    const first = addresses[0];
    if (blocked || !first)
      return callback(
        new BlockedAddressError(blocked ? blockedMessage(blocked.address) : `${hostname} has no address`),
        '',
        0,
      );
    if (options.all) return callback(null, addresses);
    return callback(null, first.address, first.family);
  });
};

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= MAX_ERROR ? flat : `${flat.slice(0, MAX_ERROR - 1)}…`;
}

/** Reads at most a small sample of the body (for the delivery log), then lets the rest go. */
async function sample(res: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res) {
    text += (chunk as Buffer).toString('utf8');
    if (text.length >= BODY_SAMPLE) break;
  }
  res.destroy();
  return text.slice(0, BODY_SAMPLE);
}

async function outcome(res: IncomingMessage): Promise<SendResult> {
  const status = res.statusCode ?? 0;
  const body = await sample(res).catch(() => '');
  if (status >= 200 && status < 300) return { ok: true, status, error: null };
  const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
  return { ok: false, status, error: clip(`HTTP ${status}${redirect}${body ? `: ${body}` : ''}`) };
}

function describe(error: unknown, timeoutMs: number, timedOut: boolean): string {
  if (timedOut) return `no response within ${timeoutMs / 1000} s`;
  if (error instanceof BlockedAddressError) return clip(error.message);
  const e = error as NodeJS.ErrnoException;
  return clip(e.code ? `${e.code}: ${e.message}` : e.message);
}

export function createSender({
  allowPrivate,
  timeoutMs,
}: {
  allowPrivate: boolean;
  timeoutMs: number;
}): Send {
  return (rawUrl, headers, body, stop) => {
    const url = new URL(rawUrl);
    const host = urlHost(url);
    // A literal IP never goes through lookup, so it is judged here.
    if (!allowPrivate && isIP(host) !== 0 && !isPublicAddress(host))
      return Promise.resolve({ ok: false, status: null, error: blockedMessage(host) });
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([timeout, stop]);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<SendResult>((resolve) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          signal,
          ...(allowPrivate ? {} : { lookup: guardedLookup }),
        },
        (res) => {
          outcome(res).then(resolve, (error: unknown) =>
            resolve({
              ok: false,
              status: res.statusCode ?? null,
              error: describe(error, timeoutMs, timeout.aborted),
            }),
          );
        },
      );
      req.on('error', (error) =>
        resolve({ ok: false, status: null, error: describe(error, timeoutMs, timeout.aborted) }),
      );
      req.end(body);
    });
  };
}
