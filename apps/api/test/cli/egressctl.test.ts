// egressctl against the real API over HTTP: what a deploy pipeline sees (output and exit codes).
import { mkdir, mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Grant } from '@egress/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EXIT, EXPLAIN_EXIT } from '../../../cli/src/exit-codes.ts';
import { run } from '../../../cli/src/main.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let dir: string;
let env: NodeJS.ProcessEnv;

function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const done = run(
    args,
    { ...env, ...extraEnv },
    { out: (s) => out.push(s), err: (s) => err.push(s), cwd: dir },
  );
  return done.then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
}

beforeAll(async () => {
  t = await createTestApp();
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  env = { EGRESS_URL: address, EGRESS_TOKEN: t.users.engineer.token };
  dir = await mkdtemp(join(tmpdir(), 'egressctl-e2e-'));
  await t.factories.destination({
    host: 'github.com',
    ports: [
      { port: 22, protocol: 'TCP' },
      { port: 443, protocol: 'TCP' },
    ],
    sensitivity: 'sensitive',
  });
  await t.factories.service({
    name: 'service.github',
    namespace: 'payments',
    selector: { matchLabels: { app: 'github' } },
  });
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

const rulesDir = () => join(dir, 'manifests/egress/external');

describe('egressctl rules sync', () => {
  it('refuses a port-wide rule without --allow-port-wide (exit 2), filing nothing', async () => {
    await mkdir(rulesDir(), { recursive: true });
    for (const f of ['github.com:443.rule', '443.rule', 'unknown.example.org:443.rule'])
      await writeFile(join(rulesDir(), f), '');
    const before = await t.db.grant.count();
    const r = await cli(['rules', 'sync', '--service', 'service.github']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toContain('443.rule asks for port-wide access');
    expect(r.err).toContain('--allow-port-wide');
    expect(r.out).toBe('');
    expect(await t.db.grant.count()).toBe(before);
  });

  it('requests what the rule files declare and reports unknown destinations with exit 3', async () => {
    const r = await cli(['rules', 'sync', '--service', 'service.github', '--allow-port-wide'], {
      GITHUB_REPOSITORY: 'acme/github-sync',
      GITHUB_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    });
    expect(r.code, r.err).toBe(EXIT.unknownDestinations);
    expect(r.out).toContain('requested  github.com:443 (pending)');
    expect(r.out).toContain('requested  *:443 (pending)');
    expect(r.err).toContain('unknown destination unknown.example.org');
    // Each request names where it came from: token, repository and commit, in its fields and its words.
    const wide = (
      await t.as('viewer', { method: 'GET', url: '/api/v1/grants?service=service.github&destination=*' })
    ).json<{ items: Grant[] }>().items[0];
    expect(wide?.source).toEqual({
      token: 'engineer test token',
      repository: 'acme/github-sync',
      commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    });
    expect(wide?.justification).toBe(
      'Declared in the rule files (manifests/egress/external) of acme/github-sync at commit a1b2c3d4e5f60718293a4b5c6d7e8f9012345678.',
    );
  });

  it('--repository and --commit win over the CI variables, and name the source in a given justification', async () => {
    await t.factories.service({ name: 'service.flags', namespace: 'payments' });
    const flagsDir = join(dir, 'flags-rules');
    await mkdir(flagsDir, { recursive: true });
    await writeFile(join(flagsDir, 'github.com:22.rule'), '');
    const r = await cli(
      [
        'rules',
        'sync',
        '--service',
        'service.flags',
        '--dir',
        flagsDir,
        '--repository',
        'acme/flags',
        '--commit',
        'abcdef1',
        '--justification',
        'Clones the deploy keys repository over SSH.',
      ],
      { GITHUB_REPOSITORY: 'acme/ignored', GITHUB_SHA: '0000000000000000000000000000000000000000' },
    );
    expect(r.code, r.err).toBe(EXIT.ok);
    const g = (await t.as('viewer', { method: 'GET', url: '/api/v1/grants?service=service.flags' })).json<{
      items: Grant[];
    }>().items[0];
    expect(g?.source).toMatchObject({ repository: 'acme/flags', commit: 'abcdef1' });
    expect(g?.justification).toBe(
      'Clones the deploy keys repository over SSH. (rule files of acme/flags at commit abcdef1)',
    );
  });

  it('is idempotent: a second sync changes nothing', async () => {
    await unlink(join(rulesDir(), 'unknown.example.org:443.rule'));
    const before = await t.db.grant.count();
    const r = await cli(['rules', 'sync', '--service', 'service.github', '--allow-port-wide']);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.out).toContain('unchanged  github.com:443 (pending)');
    expect(await t.db.grant.count()).toBe(before);
  });

  it('status exits 5 while grants are pending, 0 once approved', async () => {
    expect((await cli(['status', '--service', 'service.github'])).code).toBe(EXIT.pending);
    const approver2 = await t.addUser('approver', 'second-approver');
    const pending = await t.db.grant.findMany({
      where: { state: 'pending', service: { name: 'service.github' } },
    });
    for (const g of pending) {
      await t.as('approver', {
        method: 'POST',
        url: `/api/v1/grants/${g.id}/approve`,
        payload: { comment: 'Reviewed for the test.' },
      });
      await t.as(approver2, {
        method: 'POST',
        url: `/api/v1/grants/${g.id}/approve`,
        payload: { comment: 'Reviewed for the test.' },
      });
    }
    const r = await cli(['status', '--service', 'service.github']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toMatch(/active\s+service\.github -> github\.com:443/);
  });

  it('with --prune revokes active grants whose rule file is gone', async () => {
    await unlink(join(rulesDir(), '443.rule'));
    const r = await cli(['rules', 'sync', '--service', 'service.github', '--prune']);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.out).toContain('revoked    *:443 (revoked)');
    const grants = (
      await t.as('viewer', { method: 'GET', url: '/api/v1/grants?service=service.github&state=active' })
    ).json<{ items: Grant[] }>().items;
    expect(grants.map((g) => `${g.destination ?? '*'}:${g.port}`)).toEqual(['github.com:443']);
  });

  it('exits 4 when the token is refused, and 1 with the API message for a refused request', async () => {
    expect((await cli(['status'], { EGRESS_TOKEN: 'egc_not-a-token' })).code).toBe(EXIT.auth);
    const r = await cli([
      'request',
      '--service',
      'service.github',
      '--destination',
      'github.com',
      '--port',
      '8443',
      '--justification',
      'Needed to reach the alternate port.',
    ]);
    expect(r.code).toBe(EXIT.failed);
    expect(r.err).toContain('body.port');
    expect(r.err).toMatch(/request id [0-9a-f-]{36}/);
  });

  it('a viewer token cannot sync rules (exit 4)', async () => {
    expect(
      (
        await cli(['rules', 'sync', '--service', 'service.github', '--allow-port-wide'], {
          EGRESS_TOKEN: t.users.viewer.token,
        })
      ).code,
    ).toBe(EXIT.auth);
  });
});

describe('egressctl render', () => {
  it('prints the same YAML as the API and writes one file per object with --out', async () => {
    const r = await cli(['render']);
    expect(r.code).toBe(EXIT.ok);
    const api = await t.as('viewer', { method: 'GET', url: '/api/v1/manifests?format=yaml' });
    expect(`${r.out}\n`.trim()).toBe(api.body.trim());
    const out = await cli(['render', '--out', 'rendered']);
    expect(out.code).toBe(EXIT.ok);
    const items = (await t.as('viewer', { method: 'GET', url: '/api/v1/manifests' })).json<{
      items: unknown[];
    }>().items;
    const gw = await readdir(join(dir, 'rendered/egress-gateways'));
    expect(gw).toContain('deployment-github-com.yaml');
    expect(out.err).toContain(`wrote ${items.length} objects`);
  });

  it("renders offline from the API's export of the compiler input, byte for byte like the API", async () => {
    const exported = await t.as('viewer', { method: 'GET', url: '/api/v1/manifests?format=input' });
    expect(exported.statusCode).toBe(200);
    await writeFile(join(dir, 'export.json'), exported.body);
    const r = await cli(['render', '--offline', 'export.json'], { EGRESS_TOKEN: '' });
    expect(r.code, r.err).toBe(EXIT.ok);
    const api = await t.as('viewer', { method: 'GET', url: '/api/v1/manifests?format=yaml' });
    expect(r.out.trim()).toBe(api.body.trim());
  });
});

describe('egressctl explain', () => {
  beforeAll(async () => {
    const res = await t.as('admin', {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { enforcedNamespaces: ['payments'] },
    });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('exits 0 when allowed (the active github.com:443 grant), printing each check; a viewer token is enough', async () => {
    const r = await cli(['explain', 'service.github', 'github.com:443'], {
      EGRESS_TOKEN: t.users.viewer.token,
    });
    expect(r.code, r.err).toBe(EXPLAIN_EXIT.allowed);
    expect(r.out).toMatch(
      /^ALLOWED {2}service\.github \(payments\) -> github\.com:443\/TCP {2}path: gateway/,
    );
    for (const check of [
      'identity',
      'grant',
      'gateway-ready',
      'dns-steering',
      'gateway-ingress',
      'default-deny',
      'port-wide',
    ])
      expect(r.out).toMatch(new RegExp(`^  (ok  |FAIL) ${check} `, 'm'));
  });

  it('exits 1 when denied, with the request to make', async () => {
    const r = await cli(['explain', 'service.github', 'github.com:22']);
    expect(r.code, r.err).toBe(EXPLAIN_EXIT.denied);
    expect(r.out).toMatch(/^DENIED/);
    expect(r.out).toContain('fix: request: ');
    expect(r.out).toContain('egressctl request --service service.github --destination github.com --port 22');
  });

  it('exits 2 when open (a namespace that is not enforced)', async () => {
    await t.factories.service({
      name: 'service.shop',
      namespace: 'shop',
      selector: { matchLabels: { app: 'shop' } },
    });
    const r = await cli(['explain', 'service.shop', 'github.com:443']);
    expect(r.code, r.err).toBe(EXPLAIN_EXIT.open);
    expect(r.out).toContain('fix: namespace-not-enforced');
  });

  it('exits 7 when it cannot answer (bad target, unknown service), 4 without a token', async () => {
    const bad = await cli(['explain', 'service.github', 'github.com']);
    expect(bad.code).toBe(EXIT.explainFailed);
    expect(bad.err).toContain('HOST:PORT');
    const unknown = await cli(['explain', 'no.such.service', 'github.com:443']);
    expect(unknown.code).toBe(EXIT.explainFailed);
    expect(unknown.err).toContain('(404)');
    expect((await cli(['explain', 'service.github', 'github.com:443'], { EGRESS_TOKEN: '' })).code).toBe(
      EXIT.auth,
    );
  });
});
