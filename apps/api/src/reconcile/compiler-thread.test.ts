import { createHash } from 'node:crypto';

import { compile, type CompilerInput } from '@egress/manifests';
import { gatewayNameFor, SettingsSchema } from '@egress/shared';
import { afterAll, describe, expect, it } from 'vitest';

import { createCompilerThread } from './compiler-thread.ts';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function input(): CompilerInput {
  return {
    settings: SettingsSchema.parse({ enforcedNamespaces: ['payments'] }),
    destinations: [
      {
        id: id(1),
        host: 'api.stripe.com',
        gatewayName: gatewayNameFor('api.stripe.com'),
        sensitivity: 'sensitive',
        ports: [{ port: 443, protocol: 'TCP' }],
        gateway: { minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 70 },
      },
    ],
    services: [
      {
        id: id(2),
        name: 'service.billing',
        namespace: 'payments',
        selector: { matchLabels: { app: 'billing' } },
      },
    ],
    grants: [{ id: id(3), serviceId: id(2), destinationId: id(1), port: 443 }],
    readiness: 'all',
  };
}

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('the compiler thread', () => {
  const thread = createCompilerThread();
  afterAll(() => thread.close());

  it('answers with exactly what the compiler gives in-process', async () => {
    const objects = await thread.compile(input());
    expect(objects.length).toBeGreaterThan(5);
    expect(objects).toEqual(compile(input(), { sha256Hex }));
  });

  it('leaves the event loop free while it compiles', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      // An in-process compile would resolve before any timer could fire; on the thread, timers run.
      await Promise.all(Array.from({ length: 20 }, () => thread.compile(input())));
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });

  it('answers concurrent requests each with its own result', async () => {
    const one = input();
    const two = { ...input(), grants: [] };
    const [a, b] = await Promise.all([thread.compile(one), thread.compile(two)]);
    expect(a).toEqual(compile(one, { sha256Hex }));
    expect(b).toEqual(compile(two, { sha256Hex }));
    expect(a).not.toEqual(b);
  });

  it("rejects a bad input with the compiler's message and keeps working", async () => {
    const broken = { ...input(), destinations: null } as unknown as CompilerInput;
    await expect(thread.compile(broken)).rejects.toThrow(/^compile failed: /);
    expect(await thread.compile(input())).toEqual(compile(input(), { sha256Hex }));
  });

  it('answers a sequence of changing inputs (sent as changes to the previous answer) exactly as the compiler does', async () => {
    const two = {
      ...input(),
      destinations: [
        ...input().destinations,
        {
          ...input().destinations[0]!,
          id: id(9),
          host: 'api.github.com',
          gatewayName: gatewayNameFor('api.github.com'),
        },
      ],
    };
    const sequence = [
      input(),
      two,
      { ...two, grants: [...two.grants, { id: id(10), serviceId: id(2), destinationId: id(9), port: 443 }] },
      two,
      input(),
      input(),
    ];
    for (const step of sequence) expect(await thread.compile(step)).toEqual(compile(step, { sha256Hex }));
  });

  it('starts a new worker after being closed', async () => {
    await thread.close();
    expect(await thread.compile(input())).toEqual(compile(input(), { sha256Hex }));
  });
});
