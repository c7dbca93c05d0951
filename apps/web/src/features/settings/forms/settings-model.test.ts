import { SettingsSchema } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { SETTING_TEXT } from '../settings-labels.ts';
import { buildPatch, describeSettings, leafPathFor, serverError, toText } from './settings-model.ts';

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
    expect(errors['defaultGateway/maxReplicas']).toBe(
      'Maximum gateway pods must be at least minimum gateway pods',
    );
    expect(errors['gatewayNamespace']).toBe(
      'Gateway namespace must be a DNS-1123 label: lower-case letters, digits and inner hyphens',
    );
    expect(leafPathFor(['gatewayResources', 'limits', 'cpu'], sections)).toBe('gatewayResources/limits/cpu');
    expect(leafPathFor(['podCidrs', 0], sections)).toBe('podCidrs');
  });

  it('offers the enforcement mode as a choice with human names, and the exclusions as a list', () => {
    const mode = sections.find((s) => s.key === 'enforcementMode');
    expect(mode?.title).toBe('Enforced namespaces');
    expect(mode?.leaves).toMatchObject([
      {
        path: 'enforcementMode',
        label: 'Enforced namespaces',
        kind: 'choice',
        options: [
          { value: 'listed', label: 'Only the listed namespaces' },
          { value: 'all', label: 'Every namespace except those left open' },
        ],
      },
    ]);
    expect(initial['excludedNamespaces']).toBe('kube-node-lease\nkube-public\nkube-system');
    const text = { ...initial, enforcementMode: 'all', excludedNamespaces: 'kube-system\nmonitoring' };
    expect(buildPatch(sections, text, initial)).toEqual({
      patch: { enforcementMode: 'all', excludedNamespaces: ['kube-system', 'monitoring'] },
      errors: {},
    });
    expect(
      buildPatch(sections, { ...initial, enforcementMode: 'some' }, initial).errors['enforcementMode'],
    ).toBe('Enforced namespaces must be "listed" or "all"');
  });

  it('gives every field a human label and a line of help from the one label map, never a raw key', () => {
    const leaves = sections.flatMap((s) => s.leaves);
    expect(leaves.length).toBeGreaterThan(15);
    for (const leaf of leaves) {
      expect(SETTING_TEXT[leaf.path], leaf.path).toBeDefined();
      expect(leaf.label).toBe(SETTING_TEXT[leaf.path]?.label);
      expect(leaf.label.toLowerCase()).not.toBe(leaf.path.split('/').pop()?.toLowerCase());
      expect(leaf.label).not.toMatch(/^[a-z]+[A-Z]|\//);
      expect(leaf.description).toBe(SETTING_TEXT[leaf.path]?.help);
    }
    expect(new Set(leaves.map((l) => l.label)).size).toBe(leaves.length);
  });

  it('says what is wrong in plain words, naming the field and the line of a list', () => {
    const text = {
      ...initial,
      podCidrs: '10.244.0.0/16\n10.245.0.1/16',
      'defaultGateway/targetCPUUtilizationPercentage': '5',
      flowRetentionDays: '',
      'gatewayResources/limits/cpu': '10m',
    };
    const { errors } = buildPatch(sections, text, initial);
    expect(errors).toEqual({
      podCidrs: 'Pod address ranges, line 2, must be the network address of the range: 10.245.0.0/16',
      'defaultGateway/targetCPUUtilizationPercentage': 'Scale-up CPU target (%) must be at least 10',
      flowRetentionDays: 'Keep blocked traffic for (days) must be an integer',
      'gatewayResources/limits/cpu': 'CPU limit per gateway pod: the CPU limit must be at least the request',
    });
    expect(
      serverError('body.serviceCidrs.0', 'must not be a /0 (the whole address space)', sections),
    ).toEqual(['serviceCidrs', 'Service address ranges, line 1, must not be a /0 (the whole address space)']);
  });
});
