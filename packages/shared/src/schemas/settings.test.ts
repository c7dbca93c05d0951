import { describe, expect, it } from 'vitest';

import { cidrContains, CidrSchema, parseCidr, quantityValue, SettingsSchema } from './settings.ts';

function cidr(text: string) {
  const result = parseCidr(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe('CidrSchema', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['169.254.169.254/32', '169.254.169.254/32'],
    [' 192.168.0.0/16 ', '192.168.0.0/16'],
    ['::/0', '::/0'],
    ['FE80:0:0::/10', 'fe80::/10'],
    ['2001:0db8:0000:0000:0000:0000:0000:0000/32', '2001:db8::/32'],
    ['2001:db8:0:0:1:0:0:0/128', '2001:db8:0:0:1::/128'],
    ['::ffff:192.0.2.0/120', '::ffff:c000:200/120'],
    // The deprecated IPv4-compatible form is ::0:a.b.c.d, not IPv4-mapped (ipaddr.js alone reads it so).
    ['::1.2.3.0/120', '::102:300/120'],
  ])('accepts %s as %s', (input, canonical) => {
    expect(CidrSchema.parse(input)).toBe(canonical);
  });

  it.each([
    ['10.244.0.1/16', 'network address of the range: 10.244.0.0/16'],
    ['fd00::1/8', 'network address of the range: fd00::/8'],
    ['10.0.0.0', 'must be a CIDR'],
    ['10.0.0.0/33', 'at most 32'],
    ['2001:db8::/129', 'at most 128'],
    ['01.2.3.4/32', 'not an IPv4 address'],
    ['256.0.0.0/8', 'not an IPv4 address'],
    ['1.2.3/24', 'not an IPv4 address'],
    ['1::2::3/64', 'not an IPv6 address'],
    ['1:2:3:4:5:6:7:8:9/64', 'not an IPv6 address'],
    ['10.0.0.0/08', 'must be a CIDR'],
    // Forms ipaddr.js reads but a policy's reader would not: short, octal or hex IPv4, zone indexes.
    ['10.1/16', 'not an IPv4 address'],
    ['0xa.0.0.0/8', 'not an IPv4 address'],
    ['fe80::%eth0/64', 'not an IPv6 address'],
    ['::ffff:010.0.0.0/120', 'not an IPv6 address'],
    ['00001::/16', 'not an IPv6 address'],
  ])('refuses %s', (input, message) => {
    const result = CidrSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(message);
  });

  it('decides containment by family and prefix', () => {
    expect(cidrContains(cidr('169.254.0.0/16'), cidr('169.254.169.254/32'))).toBe(true);
    expect(cidrContains(cidr('169.254.169.253/32'), cidr('169.254.169.254/32'))).toBe(false);
    expect(cidrContains(cidr('0.0.0.0/0'), cidr('10.0.0.0/8'))).toBe(true);
    expect(cidrContains(cidr('::/0'), cidr('10.0.0.0/8'))).toBe(false);
    expect(cidrContains(cidr('fc00::/7'), cidr('fd00:ec2::254/128'))).toBe(true);
  });
});

describe('SettingsSchema', () => {
  it('gives working defaults for an empty object', () => {
    const settings = SettingsSchema.parse({});
    expect(settings).toMatchObject({
      gatewayNamespace: 'egress-gateways',
      labelDomain: 'egress.example.com',
      enforcedNamespaces: [],
      podCidrs: ['10.244.0.0/16'],
      serviceCidrs: ['10.96.0.0/12'],
      internalCidrs: [],
      clusterDomain: 'cluster.local',
      dnsConfigMap: { namespace: 'kube-system', name: 'egress-control-dns' },
      gatewayResolver: { cidrs: [] },
      defaultGateway: { minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 70 },
      gatewayResources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '256Mi' } },
      flowDedupWindowSeconds: 300,
      flowRetentionDays: 30,
    });
    expect(settings.envoyImage).toMatch(/^docker\.io\/envoyproxy\/envoy:v1\.36\.\d+$/);
  });

  it('does not share default arrays between parses', () => {
    const a = SettingsSchema.parse({});
    a.enforcedNamespaces.push('mutated');
    expect(SettingsSchema.parse({}).enforcedNamespaces).toEqual([]);
  });

  it('drops unknown keys of a stored value instead of failing', () => {
    expect(SettingsSchema.parse({ retiredSetting: true })).not.toHaveProperty('retiredSetting');
  });

  it('canonicalises CIDRs and refuses ranges that would open the metadata endpoint', () => {
    expect(SettingsSchema.parse({ podCidrs: ['FD00:10:244::/56'] }).podCidrs).toEqual(['fd00:10:244::/56']);
    expect(SettingsSchema.safeParse({ internalCidrs: ['169.254.0.0/16'] }).success).toBe(false);
    expect(SettingsSchema.safeParse({ podCidrs: ['0.0.0.0/0'] }).success).toBe(false);
    // The resolver may be the metadata server (GCE): it is only ever opened on port 53.
    expect(SettingsSchema.safeParse({ gatewayResolver: { cidrs: ['169.254.169.254/32'] } }).success).toBe(
      true,
    );
  });

  it.each([
    [{ envoyImage: 'envoyproxy/envoy' }, 'pin a tag or a digest'],
    [{ envoyImage: 'registry.local:5000/envoy' }, 'pin a tag or a digest'],
    [{ labelDomain: 'egress.kubernetes.io' }, 'reserved'],
    [{ labelDomain: 'Egress.Example.com' }, 'DNS subdomain'],
    [{ enforcedNamespaces: ['Payments'] }, 'DNS-1123'],
    [
      { defaultGateway: { minReplicas: 4, maxReplicas: 2, targetCPUUtilizationPercentage: 70 } },
      'at least minReplicas',
    ],
    [
      { gatewayResources: { requests: { cpu: '2', memory: '64Mi' }, limits: { cpu: '1', memory: '256Mi' } } },
      'CPU limit',
    ],
    [
      { gatewayResources: { requests: { cpu: '100m', memory: '1G' }, limits: { cpu: '1', memory: 'lots' } } },
      'quantity',
    ],
    [{ flowDedupWindowSeconds: 5 }, 'must be between 10 and 86400'],
    [{ flowDedupWindowSeconds: 90000 }, 'must be between 10 and 86400'],
    [{ flowRetentionDays: 0 }, 'must be between 1 and 365'],
    [{ flowRetentionDays: 7.5 }, 'must be an integer'],
  ])('refuses %j', (input, message) => {
    const result = SettingsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join('; ')).toContain(message);
  });

  it('accepts an image pinned by tag and digest', () => {
    const image = `docker.io/envoyproxy/envoy:v1.36.13@sha256:${'a'.repeat(64)}`;
    expect(SettingsSchema.parse({ envoyImage: image }).envoyImage).toBe(image);
  });

  it('reads Kubernetes quantities', () => {
    expect(quantityValue('100m')).toBeCloseTo(0.1);
    expect(quantityValue('64Mi')).toBe(64 * 2 ** 20);
    expect(quantityValue('1G')).toBe(1e9);
    expect(quantityValue('1.5')).toBe(1.5);
    expect(quantityValue('lots')).toBeNaN();
  });
});
