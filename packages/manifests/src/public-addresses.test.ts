// The safety property of every policy the compiler writes: no egress rule lets a pod reach a private,
// link-local or cluster range, except the two deliberate, in-cluster-facing allowances:
// - a gateway policy's resolver rule: the configured resolver CIDRs, on port 53 only;
// - the default-deny policy of an enforced namespace: pods (by selector), cluster DNS, and the
//   configured pod, service and internal ranges.
import { cidrContains, parseCidr, type ParsedCidr } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { ofKind, type PolicyRule, policySpec } from '../test/helpers.ts';
import { richInput } from '../test/scenarios.ts';
import { seedInput } from '../test/seed-input.ts';
import {
  compile,
  type CompilerInput,
  DEFAULT_DENY_NAME,
  type KubernetesObject,
  PUBLIC_EXCEPT,
  publicAddressBlocks,
} from './index.ts';

function cidr(text: string): ParsedCidr {
  const result = parseCidr(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

const METADATA = cidr('169.254.169.254/32');
// docs/design.md §6, restated here rather than read from PUBLIC_EXCEPT, so that dropping an entry there fails.
const PRIVATE = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
].map(cidr);

/** Does this ipBlock let traffic reach any address of `range`? */
function reaches(block: { cidr: string; except?: string[] }, range: ParsedCidr): boolean {
  const allowed = cidr(block.cidr);
  const overlaps = cidrContains(allowed, range) || cidrContains(range, allowed);
  if (!overlaps) return false;
  // Reachable unless an except entry covers the whole range.
  return !(block.except ?? []).some((e) => cidrContains(cidr(e), range));
}

interface Allowance {
  policy: string;
  rule: PolicyRule;
}

function egressRules(objects: readonly KubernetesObject[]): Allowance[] {
  return ofKind(objects, 'NetworkPolicy').flatMap((o) =>
    (policySpec(o).egress ?? []).map((rule) => ({
      policy: `${o.metadata.namespace ?? ''}/${o.metadata.name}`,
      rule,
    })),
  );
}

function isResolverRule(a: Allowance, input: CompilerInput): boolean {
  const onlyDns = (a.rule.ports ?? []).length > 0 && (a.rule.ports ?? []).every((p) => p.port === 53);
  const blocks = (a.rule.to ?? []).map((peer) => peer.ipBlock?.cidr);
  return (
    onlyDns &&
    a.policy.startsWith(`${input.settings.gatewayNamespace}/`) &&
    blocks.every((b) => b !== undefined && input.settings.gatewayResolver.cidrs.includes(b))
  );
}

function isDefaultDenyRule(a: Allowance): boolean {
  return a.policy.endsWith(`/${DEFAULT_DENY_NAME}`);
}

describe.each([
  ['rich scenario', richInput],
  ['seed scenario', seedInput],
])('public addresses in the %s', (_name, build) => {
  const input = build();
  const rules = egressRules(compile(input));

  it('has policies to check', () => {
    expect(rules.length).toBeGreaterThan(5);
  });

  it('excludes every non-public range and 169.254.169.254 from every 0.0.0.0/0 and ::/0 block', () => {
    const wide = rules.flatMap((a) =>
      (a.rule.to ?? []).flatMap((p) => (p.ipBlock && p.ipBlock.cidr.endsWith('/0') ? [p.ipBlock] : [])),
    );
    expect(wide.length).toBeGreaterThan(2);
    for (const block of wide) {
      expect(reaches(block, METADATA)).toBe(false);
      for (const range of PRIVATE)
        expect(reaches(block, range), `${block.cidr} reaches ${range.text}`).toBe(false);
      for (const own of [
        ...input.settings.podCidrs,
        ...input.settings.serviceCidrs,
        ...input.settings.internalCidrs,
      ]) {
        expect(reaches(block, cidr(own)), `${block.cidr} reaches cluster range ${own}`).toBe(false);
      }
    }
  });

  it('allows no private range anywhere except the resolver on port 53 and the in-cluster default-deny rules', () => {
    for (const a of rules) {
      if (isResolverRule(a, input) || isDefaultDenyRule(a)) continue;
      for (const peer of a.rule.to ?? []) {
        expect(peer.ipBlock, `${a.policy}: a non-ipBlock peer outside the default-deny policy`).toBeDefined();
        for (const range of PRIVATE)
          expect(reaches(peer.ipBlock!, range), `${a.policy} reaches ${range.text}`).toBe(false);
      }
    }
  });

  it('never opens the metadata address, not even in the deliberate allowances', () => {
    for (const a of rules) {
      for (const peer of a.rule.to ?? [])
        if (peer.ipBlock) expect(reaches(peer.ipBlock, METADATA), a.policy).toBe(false);
    }
  });

  it('never leaves an egress rule without destinations (an empty "to" would mean everywhere)', () => {
    for (const a of rules) expect(a.rule.to?.length ?? 0, a.policy).toBeGreaterThan(0);
  });
});

describe('publicAddressBlocks', () => {
  it('is 0.0.0.0/0 and ::/0 minus the fixed list and the cluster ranges of each family, sorted', () => {
    const input = richInput();
    const [v4, v6] = publicAddressBlocks(input.settings);
    expect(v4?.ipBlock.cidr).toBe('0.0.0.0/0');
    expect(v4?.ipBlock.except).toEqual(
      expect.arrayContaining([
        ...PUBLIC_EXCEPT.ipv4,
        '10.96.0.0/12',
        '10.244.0.0/16',
        '192.168.10.0/24',
        '203.0.113.0/24',
        '169.254.20.10/32',
      ]),
    );
    expect(v4?.ipBlock.except).toHaveLength(PUBLIC_EXCEPT.ipv4.length + 5);
    expect(v4?.ipBlock.except?.[0]).toBe('0.0.0.0/8');
    expect(v6).toEqual({
      ipBlock: {
        cidr: '::/0',
        except: ['::1/128', 'fc00::/7', 'fd00:10:96::/112', 'fd00:10:244::/56', 'fe80::/10'],
      },
    });
  });
});
