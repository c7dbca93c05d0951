import { describe, expect, it } from 'vitest';

import { describeAlert, topDestinations, windowChoices, windowLabel } from './alert-format.ts';

describe('alert formatting', () => {
  it('labels windows in the largest whole unit', () => {
    expect(windowLabel(60)).toBe('1 min');
    expect(windowLabel(5400)).toBe('90 min');
    expect(windowLabel(3600)).toBe('1 h');
    expect(windowLabel(86_400)).toBe('24 h');
    expect(windowLabel(90)).toBe('90 s');
  });

  it('offers the presets plus a window set elsewhere, in order', () => {
    expect(windowChoices()).toEqual([60, 300, 900, 3600, 21_600, 86_400]);
    expect(windowChoices(600)).toEqual([60, 300, 600, 900, 3600, 21_600, 86_400]);
    expect(windowChoices(300)).toHaveLength(6);
  });

  it('names the top destinations and counts the rest', () => {
    const destinations = [
      { destination: 'github.com', port: 443, protocol: 'TCP' as const, count: 12 },
      { destination: '10.0.0.7', port: 53, protocol: 'UDP' as const, count: 3 },
      { destination: 'a.example.com', port: 80, protocol: 'TCP' as const, count: 2 },
      { destination: 'b.example.com', port: 80, protocol: 'TCP' as const, count: 1 },
    ];
    expect(topDestinations({ destinations }, 2)).toEqual({
      text: 'github.com:443 ×12, 10.0.0.7:53/UDP ×3',
      more: 2,
    });
    expect(topDestinations({ destinations: [] })).toEqual({ text: '', more: 0 });
  });

  it('says whose flows an alert is about', () => {
    expect(describeAlert({ ruleName: 'Noisy', service: 'service.ci', sourceNamespace: 'ci' })).toBe(
      'Noisy: service.ci',
    );
    expect(describeAlert({ ruleName: 'Noisy', service: null, sourceNamespace: 'jobs' })).toBe(
      'Noisy: unattributed flows in jobs',
    );
  });
});
