import type { Settings } from '@egress/shared';

import { contentHash, type Sha256Hex, sortedRecord, withSortedKey } from './canonical.ts';
import type { KubernetesObject, ObjectMeta } from './types.ts';

export const MANAGED_BY = 'egress-control';
export const GATEWAY_APP = 'egress-gateway';

/** Label and annotation keys under the configured label domain. */
export interface Keys {
  gateway: string;
  destination: string;
  service: string;
  port: string;
  /** On cluster-scoped objects: the namespace they concern. */
  namespace: string;
  contentHash: string;
  configHash: string;
  /** Namespace label ("true") whose pods may scrape the gateways' metrics port (docs/decisions.md). */
  metricsScraper: string;
}

export function keysFor(settings: Settings): Keys {
  const d = settings.labelDomain;
  return {
    gateway: `${d}/gateway`,
    destination: `${d}/destination`,
    service: `${d}/service`,
    port: `${d}/port`,
    namespace: `${d}/namespace`,
    contentHash: `${d}/content-hash`,
    configHash: `${d}/config-hash`,
    metricsScraper: `${d}/metrics-scraper`,
  };
}

/** Labels every object carries: who manages it and what it is. */
export function baseLabels(name: string, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/name': name,
  };
}

export function objectMeta(
  name: string,
  namespace: string,
  labels: Record<string, string>,
  annotations: Record<string, string> = {},
): ObjectMeta {
  return { name, namespace, labels: sortedRecord(labels), annotations: sortedRecord(annotations) };
}

/** Adds the content-hash annotation (hash of the object without it) and returns the object. */
export function withContentHash(obj: KubernetesObject, keys: Keys, hash: Sha256Hex): KubernetesObject {
  obj.metadata.annotations = withSortedKey(
    obj.metadata.annotations,
    keys.contentHash,
    contentHash(obj, hash),
  );
  return obj;
}
