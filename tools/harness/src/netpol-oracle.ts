// The independent NetworkPolicy oracle: the harness's netpol-oracle binary (cyclonus's matcher, see
// docs/harness.md), run once per batch of queries. It shares no code with the product's evaluation.

import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** A pod of the cluster: its namespace and labels (the namespace's labels come from `namespaces`). */
export interface OraclePod {
  namespace: string;
  podLabels: Record<string, string>;
}

export interface OracleQuery {
  /** The client pod; `ip` only matters to ingress ipBlock rules of the destination. */
  source: OraclePod & { ip?: string };
  /** A pod (`internal`, with its pod IP) or an address outside the cluster (`ip` only). */
  destination: { internal?: OraclePod; ip: string };
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
}

export interface OracleDirection {
  allowed: boolean;
  /** Some policy selects this end for this direction. */
  isolated: boolean;
  /** "namespace/name" of the selecting policies that allow the traffic, and of those that do not. */
  allowedBy: string[];
  deniedBy: string[];
}

/** Allowed = the source's egress allows it AND the destination's ingress allows it. */
export interface OracleVerdict {
  allowed: boolean;
  ingress: OracleDirection;
  egress: OracleDirection;
}

export interface OracleInput {
  /** networking.k8s.io/v1 NetworkPolicy objects, as the compiler emits them. */
  policies: readonly unknown[];
  /** Labels of every namespace a query names (namespaceSelector matches these). */
  namespaces: Record<string, { labels: Record<string, string> }>;
  queries: readonly OracleQuery[];
}

/** Runs `netpol-oracle` once over all the queries; one verdict per query, in order. */
export async function netpolOracle(binDir: string, input: OracleInput): Promise<OracleVerdict[]> {
  const child = spawn(join(binDir, 'netpol-oracle'), [], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => stdout.push(b));
  child.stderr.on('data', (b: Buffer) => stderr.push(b));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.end(JSON.stringify(input));
  const code = await exited;
  if (code !== 0) {
    throw new Error(`netpol-oracle exited ${code}: ${Buffer.concat(stderr).toString('utf8').trim()}`);
  }
  const { verdicts } = JSON.parse(Buffer.concat(stdout).toString('utf8')) as { verdicts: OracleVerdict[] };
  if (verdicts.length !== input.queries.length) {
    throw new Error(`netpol-oracle answered ${verdicts.length} verdicts for ${input.queries.length} queries`);
  }
  return verdicts;
}
