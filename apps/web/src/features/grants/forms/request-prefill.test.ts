import type { Destination } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { isIpAddress, parsePortList, preferredPort, requestStart } from './request-prefill.ts';

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

  it('keeps an unregistered host name (to propose it) and an IP address aside', () => {
    expect(requestStart({ destination: 'api.example.org', port: 8443 }, [github])).toEqual({
      service: '',
      destination: 'api.example.org',
      unregistered: undefined,
    });
    expect(requestStart({ destination: '10.0.0.7' }, [github])).toEqual({
      service: '',
      destination: '',
      unregistered: '10.0.0.7',
    });
    expect(requestStart({}, [github]).unregistered).toBeUndefined();
  });

  it('picks the linked port only when the destination has it, never another', () => {
    expect(preferredPort(github, 443)).toBe(443);
    expect(preferredPort(github, 8443)).toBeUndefined();
    expect(preferredPort(github, undefined)).toBeUndefined();
  });

  it('reads a proposed port list', () => {
    expect(parsePortList('465, 587')).toEqual([
      { port: 465, protocol: 'TCP' },
      { port: 587, protocol: 'TCP' },
    ]);
    expect(parsePortList('465 x')).toBeNull();
  });

  it('tells IP literals from host names', () => {
    expect(isIpAddress('10.0.0.7')).toBe(true);
    expect(isIpAddress('2001:db8::1')).toBe(true);
    expect(isIpAddress('github.com')).toBe(false);
    expect(isIpAddress('1.2.3.example.com')).toBe(false);
  });
});
