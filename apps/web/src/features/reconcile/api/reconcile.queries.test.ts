import { describe, expect, it } from 'vitest';

import { splitManifests } from './reconcile.queries.ts';

describe('splitManifests', () => {
  it('reads kind, name and namespace of each document', () => {
    const yaml = [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  labels:',
      '    app: x',
      '  name: github-com',
      '  namespace: egress',
      'spec: {}',
      '---',
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata:',
      '  name: allow',
      '',
    ].join('\n');
    expect(splitManifests(yaml).map(({ kind, name, namespace }) => ({ kind, name, namespace }))).toEqual([
      { kind: 'Service', name: 'github-com', namespace: 'egress' },
      { kind: 'NetworkPolicy', name: 'allow', namespace: null },
    ]);
    expect(splitManifests('')).toEqual([]);
  });
});
