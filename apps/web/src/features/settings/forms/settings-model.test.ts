import { SettingsSchema } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { buildPatch, describeSettings, leafPathFor, toText } from './settings-model.ts';

describe('settings form model', () => {
  const settings = SettingsSchema.parse({});
  const sections = describeSettings(settings);
  const initial = toText(settings, sections);

  it('edits every leaf as text and sends only the changed settings', () => {
    expect(initial['podCidrs']).toBe('10.244.0.0/16');
    expect(initial['defaultGateway/minReplicas']).toBe('2');
    const text = { ...initial, podCidrs: '10.244.0.0/16\n10.245.0.0/16', 'defaultGateway/maxReplicas': '7' };
    const { patch, errors } = buildPatch(sections, text, initial);
    expect(errors).toEqual({});
    expect(patch).toEqual({
      podCidrs: ['10.244.0.0/16', '10.245.0.0/16'],
      defaultGateway: { minReplicas: 2, maxReplicas: 7, targetCPUUtilizationPercentage: 70 },
    });
  });

  it('reports schema errors on the leaf that is wrong', () => {
    const text = {
      ...initial,
      'defaultGateway/maxReplicas': '1',
      'defaultGateway/minReplicas': '3',
      gatewayNamespace: 'Not_Valid',
    };
    const { patch, errors } = buildPatch(sections, text, initial);
    expect(patch).toEqual({});
    expect(errors['defaultGateway/maxReplicas']).toMatch(/at least minReplicas/);
    expect(errors['gatewayNamespace']).toBeTruthy();
    expect(leafPathFor(['gatewayResources', 'limits', 'cpu'], sections)).toBe('gatewayResources/limits/cpu');
    expect(leafPathFor(['podCidrs', 0], sections)).toBe('podCidrs');
  });

  it('offers the enforcement mode as a choice with human names, and the exclusions as a list', () => {
    const mode = sections.find((s) => s.key === 'enforcementMode');
    expect(mode?.title).toBe('Which namespaces are enforced');
    expect(mode?.leaves).toMatchObject([{ path: 'enforcementMode', kind: 'choice', options: [{ value: 'listed', label: 'Only the listed namespaces' }, { value: 'all', label: 'Every namespace except those left open' }] }]);
    expect(initial['excludedNamespaces']).toBe('kube-node-lease\nkube-public\nkube-system');
    const text = { ...initial, enforcementMode: 'all', excludedNamespaces: 'kube-system\nmonitoring' };
    expect(buildPatch(sections, text, initial)).toEqual({ patch: { enforcementMode: 'all', excludedNamespaces: ['kube-system', 'monitoring'] }, errors: {} });
    expect(buildPatch(sections, { ...initial, enforcementMode: 'some' }, initial).errors['enforcementMode']).toBe('must be "listed" or "all"');
  });
});
