// The gateway Services' addresses the DNS snippet is compiled with, from live Services as the API
// server returns them (single-stack, dual-stack, headless, and objects that are not ours to read).
import { describe, expect, it } from 'vitest';

import type { LiveObject } from '../kube/resources.ts';
import { gatewayAddressesOf } from './gateway-state.ts';

const scope = {
  gatewayNamespace: 'egress-gateways',
  dnsNamespace: 'kube-system',
  namespaces: ['egress-gateways', 'kube-system'],
};

function service(
  name: string,
  spec: Record<string, unknown>,
  namespace = 'egress-gateways',
  component = 'gateway',
): LiveObject {
  return {
    kind: 'Service',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/component': component } },
    spec,
  };
}

describe('gatewayAddressesOf', () => {
  it('takes every family of clusterIPs, the primary first, as the API server lists them', () => {
    expect(
      gatewayAddressesOf(
        [
          service('single', { clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'] }),
          service('dual', { clusterIP: 'fd00:10:96::14', clusterIPs: ['fd00:10:96::14', '10.96.0.21'] }),
        ],
        scope,
      ),
    ).toEqual({ single: ['10.96.0.20'], dual: ['fd00:10:96::14', '10.96.0.21'] });
  });

  it('falls back to clusterIP, and leaves out Services without an address', () => {
    expect(
      gatewayAddressesOf(
        [
          service('old', { clusterIP: '10.96.0.22' }),
          service('headless', { clusterIP: 'None', clusterIPs: ['None'] }),
          service('pending', {}),
        ],
        scope,
      ),
    ).toEqual({ old: ['10.96.0.22'] });
  });

  it('reads only gateway Services in the gateway namespace', () => {
    expect(
      gatewayAddressesOf(
        [
          service('elsewhere', { clusterIPs: ['10.96.0.23'] }, 'other'),
          service('not-a-gateway', { clusterIPs: ['10.96.0.24'] }, 'egress-gateways', 'dns-rewrite'),
          { ...service('deploy', {}), kind: 'Deployment' },
        ],
        scope,
      ),
    ).toEqual({});
  });
});
