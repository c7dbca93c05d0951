import type { Destination } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { isIpAddress, preferredPort, requestStart } from './request-prefill.ts';

function destination(host: string, ports: number[]): Destination {
  return { host, ports: ports.map((port) => ({ port, protocol: 'TCP' })) } as Destination;
}

const github = destination('github.com', [22, 443]);

describe('request form prefill', () => {
  it('selects a registered destination named by the link', () => {
    expect(requestStart({ service: 'service.ci', destination: 'GitHub.com' }, [github])).toEqual({
      service: 'service.ci',
      destination: 'github.com',
      unregistered: undefined,
    });
  });

  it('keeps an unregistered destination aside instead of selecting it', () => {
    expect(requestStart({ destination: 'api.example.org', port: 8443 }, [github])).toEqual({
      service: '',
      destination: '',
      unregistered: 'api.example.org',
    });
    expect(requestStart({}, [github]).unregistered).toBeUndefined();
  });

  it('picks the linked port when the destination has it, else its first', () => {
    expect(preferredPort(github, 443)).toBe(443);
    expect(preferredPort(github, 8443)).toBe(22);
    expect(preferredPort(github, undefined)).toBe(22);
  });

  it('tells IP literals from host names', () => {
    expect(isIpAddress('10.0.0.7')).toBe(true);
    expect(isIpAddress('2001:db8::1')).toBe(true);
    expect(isIpAddress('github.com')).toBe(false);
    expect(isIpAddress('1.2.3.example.com')).toBe(false);
  });
});
