// The kube-apiserver's audit log, read back to count the requests a client made: the one count of API
// server cost that does not depend on the client telling the truth about itself (a client-side counter
// misses what a library does behind its back: informer re-lists, watch re-opens, leader-election renewals).
//
// The harness's policy logs every request at level Metadata and omits the RequestReceived stage, so a
// request appears once (ResponseComplete) or, for a watch, twice (ResponseStarted, then ResponseComplete
// when it ends) under one auditID. A request is counted once, by its auditID, at the time it was received.

import { readFile } from 'node:fs/promises';

/** Every request, Metadata level (no bodies): who, what verb, which resource; RequestReceived omitted. */
export const AUDIT_POLICY = [
  'apiVersion: audit.k8s.io/v1',
  'kind: Policy',
  'omitStages: ["RequestReceived"]',
  'rules:',
  '- level: Metadata',
  '',
].join('\n');

export interface AuditEvent {
  auditID: string;
  stage: string;
  verb: string;
  requestURI: string;
  userAgent?: string;
  user: { username: string };
  objectRef?: {
    resource?: string;
    namespace?: string;
    name?: string;
    subresource?: string;
    apiGroup?: string;
  };
  responseStatus?: { code?: number };
  requestReceivedTimestamp: string;
}

/** One request as counted: the first audit event seen for its auditID. */
export interface AuditRequest {
  verb: string;
  /** "deployments", "deployments/status", ... ("" for non-resource URLs such as /readyz). */
  resource: string;
  username: string;
  userAgent: string;
  receivedAt: Date;
  code: number | undefined;
  uri: string;
}

const MUTATING = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

export function isMutating(verb: string): boolean {
  return MUTATING.has(verb);
}

/** Parses an audit log (JSON lines); a torn last line (the server still writing) is skipped. */
export function parseAuditLog(text: string): AuditRequest[] {
  const seen = new Set<string>();
  const out: AuditRequest[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let e: AuditEvent;
    try {
      e = JSON.parse(line) as AuditEvent;
    } catch {
      continue;
    }
    if (seen.has(e.auditID)) continue;
    seen.add(e.auditID);
    const ref = e.objectRef;
    const resource = ref?.resource ? `${ref.resource}${ref.subresource ? `/${ref.subresource}` : ''}` : '';
    out.push({
      verb: e.verb,
      resource,
      username: e.user.username,
      userAgent: e.userAgent ?? '',
      receivedAt: new Date(e.requestReceivedTimestamp),
      code: e.responseStatus?.code,
      uri: e.requestURI,
    });
  }
  return out;
}

export async function readAuditLog(path: string): Promise<AuditRequest[]> {
  return parseAuditLog(await readFile(path, 'utf8'));
}

export interface AuditFilter {
  /** Only requests by this user (the harness admin is "egress-test-admin"). */
  username?: string;
  /** Received at or after. */
  from?: Date;
  /** Received before. */
  to?: Date;
}

export function selectRequests(requests: AuditRequest[], filter: AuditFilter): AuditRequest[] {
  return requests.filter(
    (r) =>
      (filter.username === undefined || r.username === filter.username) &&
      (filter.from === undefined || r.receivedAt >= filter.from) &&
      (filter.to === undefined || r.receivedAt < filter.to),
  );
}

export interface RequestCounts {
  total: number;
  mutating: number;
  /** "verb resource" -> count, e.g. "list deployments" -> 3, sorted by count then name. */
  byVerbResource: [string, number][];
}

export function countRequests(requests: AuditRequest[]): RequestCounts {
  const by = new Map<string, number>();
  for (const r of requests) {
    const key = `${r.verb} ${r.resource || r.uri}`;
    by.set(key, (by.get(key) ?? 0) + 1);
  }
  const byVerbResource = [...by].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return {
    total: requests.length,
    mutating: requests.filter((r) => isMutating(r.verb)).length,
    byVerbResource,
  };
}
