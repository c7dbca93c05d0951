import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isPublicAddress, urlAddressProblem } from './webhooks.address.ts';
import { createSender } from './webhooks.sender.ts';

describe('isPublicAddress', () => {
  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (ip) => {
    expect(isPublicAddress(ip)).toBe(true);
  });
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
    'ff02::1',
    'not-an-ip',
  ])('%s is not', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });
});

describe('urlAddressProblem', () => {
  it('names loopback, private and metadata literals and localhost; leaves names for send time', () => {
    expect(urlAddressProblem('http://127.0.0.1:8080/x')).toMatch(/private, loopback or link-local/);
    expect(urlAddressProblem('http://[::1]/x')).toMatch(/::1/);
    expect(urlAddressProblem('http://169.254.169.254/latest/meta-data')).toMatch(/169\.254\.169\.254/);
    expect(urlAddressProblem('http://localhost:9000/x')).toMatch(/localhost/);
    expect(urlAddressProblem('https://hooks.slack.com/services/T/B/X')).toBeNull();
    expect(urlAddressProblem('https://93.184.215.14/hook')).toBeNull();
  });
});

describe('the sender', () => {
  let server: Server;
  let port = 0;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const stop = new AbortController().signal;

  it('refuses a private receiver, by literal or by a name resolving to it, before connecting', async () => {
    const send = createSender({ allowPrivate: false, timeoutMs: 2000 });
    const literal = await send(`http://127.0.0.1:${port}/`, {}, '{}', stop);
    const named = await send(`http://localhost:${port}/`, {}, '{}', stop);
    expect(literal).toMatchObject({ ok: false, status: null });
    expect(literal.error).toContain('127.0.0.1 is not a public address');
    expect(named).toMatchObject({ ok: false, status: null });
    expect(named.error).toMatch(/(127\.0\.0\.1|::1) is not a public address/);
    expect(hits).toBe(0);
  });

  it('reaches it when private receivers are allowed', async () => {
    const send = createSender({ allowPrivate: true, timeoutMs: 2000 });
    expect(await send(`http://localhost:${port}/`, {}, '{}', stop)).toEqual({
      ok: true,
      status: 200,
      error: null,
    });
    expect(hits).toBe(1);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const send = createSender({ allowPrivate: true, timeoutMs: 300 });
    const result = await send(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/`, {}, '{}', stop);
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    expect(result).toEqual({ ok: false, status: null, error: 'no response within 0.3 s' });
  });
});
