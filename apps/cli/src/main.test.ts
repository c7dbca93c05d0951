import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readRules } from './commands.ts';
import { EXIT } from './exit-codes.ts';
import { run } from './main.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), cwd: process.cwd() },
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'egressctl-rules-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('egressctl command line', () => {
  it('prints help and exits 0 with --help, 2 with no command', async () => {
    const a = io();
    expect(await run(['--help'], {}, a.io)).toBe(EXIT.ok);
    expect(a.out.join('\n')).toContain('rules sync');
    expect(await run([], {}, io().io)).toBe(EXIT.usage);
  });

  it('refuses unknown commands and flags with exit 2', async () => {
    const a = io();
    expect(await run(['frobnicate'], {}, a.io)).toBe(EXIT.usage);
    expect(a.err.join('\n')).toContain('unknown command frobnicate');
    expect(await run(['status', '--bogus'], {}, io().io)).toBe(EXIT.usage);
  });

  it('exits 4 with a clear message when EGRESS_TOKEN is missing', async () => {
    const a = io();
    expect(await run(['status'], {}, a.io)).toBe(EXIT.auth);
    expect(a.err.join('\n')).toContain('EGRESS_TOKEN is not set');
  });

  it('validates request flags before sending anything', async () => {
    const a = io();
    expect(
      await run(
        [
          'request',
          '--service',
          's',
          '--destination',
          'github.com',
          '--port',
          '70000',
          '--justification',
          'x',
        ],
        { EGRESS_TOKEN: 'egc_x' },
        a.io,
      ),
    ).toBe(EXIT.usage);
    expect(a.err.join('\n')).toContain('--port must be a number from 1 to 65535');
    expect(
      await run(
        ['request', '--service', 's', '--port', '443', '--justification', 'x'],
        { EGRESS_TOKEN: 'egc_x' },
        io().io,
      ),
    ).toBe(EXIT.usage);
  });

  it('reads <host>:<port>.rule and <port>.rule files, ignoring other files', async () => {
    for (const f of ['github.com:443.rule', '443.rule', 'README.md', 'API.Stripe.com:443.rule'])
      await writeFile(join(dir, f), '');
    expect(await readRules(dir)).toEqual([
      { destination: null, port: 443 },
      { destination: 'api.stripe.com', port: 443 },
      { destination: 'github.com', port: 443 },
    ]);
  });

  it('rejects a badly named rule file with exit 2, naming it', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'egressctl-bad-'));
    await writeFile(join(bad, 'github.com:https.rule'), '');
    const a = io();
    expect(
      await run(
        ['rules', 'sync', '--service', 'svc', '--dir', bad],
        { EGRESS_TOKEN: 'egc_x', EGRESS_URL: 'http://127.0.0.1:9' },
        a.io,
      ),
    ).toBe(EXIT.usage);
    expect(a.err.join('\n')).toContain('github.com:https.rule');
    await rm(bad, { recursive: true, force: true });
  });
});

describe('egressctl rules sync --allow-port-wide', () => {
  it('refuses a port-wide rule file without the flag, before contacting the API (exit 2)', async () => {
    const wide = await mkdtemp(join(tmpdir(), 'egressctl-wide-'));
    await writeFile(join(wide, '443.rule'), '');
    await writeFile(join(wide, 'github.com:443.rule'), '');
    const a = io();
    // Port 9 (discard) answers nothing: a request would fail with exit 1, not 2.
    const env = { EGRESS_TOKEN: 'egc_x', EGRESS_URL: 'http://127.0.0.1:9' };
    expect(await run(['rules', 'sync', '--service', 'svc', '--dir', wide], env, a.io)).toBe(EXIT.usage);
    expect(a.err.join('\n')).toContain('443.rule asks for port-wide access');
    expect(a.err.join('\n')).toContain('Nothing was filed');
    // With the flag it goes on to the API (which is not there: exit 1).
    const b = io();
    expect(
      await run(['rules', 'sync', '--service', 'svc', '--dir', wide, '--allow-port-wide'], env, b.io),
    ).not.toBe(EXIT.usage);
    await rm(wide, { recursive: true, force: true });
  });
});

describe('egressctl render --offline', () => {
  it('compiles a JSON export of the compiler input without any API, to stdout or a folder', async () => {
    const { SettingsSchema } = await import('@egress/shared');
    const input = {
      settings: SettingsSchema.parse({ enforcedNamespaces: ['payments'] }),
      readiness: 'all',
      destinations: [
        {
          id: 'd1',
          host: 'github.com',
          gatewayName: 'github-com',
          sensitivity: 'sensitive',
          ports: [{ port: 443, protocol: 'TCP' }],
          gateway: { minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 70 },
        },
      ],
      services: [
        {
          id: 's1',
          name: 'service.github',
          namespace: 'payments',
          selector: { matchLabels: { app: 'github' } },
        },
      ],
      grants: [{ id: 'g1', serviceId: 's1', destinationId: 'd1', port: 443 }],
    };
    await writeFile(join(dir, 'export.json'), JSON.stringify(input));
    const a = io();
    a.io.cwd = dir;
    expect(await run(['render', '--offline', 'export.json'], {}, a.io)).toBe(EXIT.ok);
    const yaml = a.out.join('\n');
    expect(yaml).toContain('kind: Deployment');
    expect(yaml).toContain('name: github-com');
    expect(yaml).toContain('app: github');
    const b = io();
    b.io.cwd = dir;
    expect(await run(['render', '--offline', 'export.json', '--out', 'out'], {}, b.io)).toBe(EXIT.ok);
    expect(b.err.join('\n')).toMatch(/wrote \d+ objects to out/);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(join(dir, 'out/egress-gateways'))).toContain('networkpolicy-github-com.yaml');
    const missing = io();
    expect(await run(['render', '--offline', join(dir, 'nope.json')], {}, missing.io)).toBe(EXIT.usage);
  });
});
