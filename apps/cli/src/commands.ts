import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

import { compile, type CompilerInput, type KubernetesObject, pathFor, toYaml } from '@egress/manifests';
import { type Grant, parseRule, type Rule, type Service } from '@egress/shared';

import type { ApiClient } from './client.ts';
import { CliError, EXIT } from './exit-codes.ts';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}

async function writeFolder(folder: string, objects: KubernetesObject[]): Promise<void> {
  for (const o of objects) {
    const file = join(folder, pathFor(o));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, toYaml([o]));
  }
}

/** The desired objects as the API compiles them (the JSON form of GET /api/v1/manifests). */
async function renderedObjects(client: ApiClient): Promise<KubernetesObject[]> {
  const answer = await client.getManifests();
  // The default form is the list; the same route answers the compiler input for format=input.
  if (!('items' in answer) || 'settings' in answer)
    throw new CliError('GET /api/v1/manifests answered without the list of objects', EXIT.failed);
  return answer.items;
}

/** render: from the API, or offline from a JSON export of the compiler input. */
export async function render(
  opts: { offline?: string; out?: string },
  client: () => ApiClient,
  io: Io,
): Promise<number> {
  let objects: KubernetesObject[];
  if (opts.offline) {
    const text = await readFile(resolve(io.cwd, opts.offline), 'utf8').catch((e: unknown) => {
      throw new CliError(`cannot read ${opts.offline ?? ''}: ${(e as Error).message}`, EXIT.usage);
    });
    objects = compile(JSON.parse(text) as CompilerInput);
  } else {
    objects = await renderedObjects(client());
  }
  if (opts.out) {
    await writeFolder(resolve(io.cwd, opts.out), objects);
    io.err(`wrote ${objects.length} objects to ${opts.out}`);
  } else io.out(toYaml(objects));
  return EXIT.ok;
}

export async function readRules(folder: string): Promise<Rule[]> {
  const names = await readdir(folder).catch((e: unknown) => {
    throw new CliError(`cannot read the rules folder ${folder}: ${(e as Error).message}`, EXIT.usage);
  });
  const rules: Rule[] = [];
  for (const name of names.filter((n) => n.endsWith('.rule')).sort()) {
    const parsed = parseRule(name);
    if (!parsed.ok) throw new CliError(`bad rule file ${name}: ${parsed.error}`, EXIT.usage);
    rules.push(parsed.rule);
  }
  return rules;
}

async function findService(client: ApiClient, name: string): Promise<Service> {
  const page = await client.listServices({ query: { q: name, limit: 500 } });
  const service = page.items.find((s) => s.name === name);
  if (!service) throw new CliError(`service ${name} is not registered`, EXIT.failed);
  return service;
}

const label = (g: Grant) => `${g.destination ?? '*'}:${g.port} (${g.state})`;

/** The repository and commit the rule files come from (flags, else the CI's own variables). */
export interface SourceRef {
  repository?: string;
  commit?: string;
}

export function sourceFrom(flags: SourceRef, env: NodeJS.ProcessEnv): SourceRef {
  const repository = flags.repository ?? env.GITHUB_REPOSITORY ?? env.CI_PROJECT_PATH;
  const commit = flags.commit ?? env.GITHUB_SHA ?? env.CI_COMMIT_SHA;
  return { ...(repository ? { repository } : {}), ...(commit ? { commit } : {}) };
}

/** "acme/payments at commit 1a2b3c4d…": how a justification names where its rule files came from. */
function sourceText(source: SourceRef): string | null {
  if (!source.repository && !source.commit) return null;
  const at = source.commit ? ` at commit ${source.commit}` : '';
  return `${source.repository ?? 'an unnamed repository'}${at}`;
}

/** The pipeline's justification with the source appended, within the API's 2000 characters. */
function justificationWith(text: string | undefined, source: SourceRef): string | undefined {
  const from = sourceText(source);
  if (text === undefined || from === null) return text;
  const suffix = ` (rule files of ${from})`;
  return text.slice(0, 2000 - suffix.length) + suffix;
}

/**
 * Port-wide rules (<port>.rule: any public host on the port) are the widest access there is: a sync
 * files them only when the pipeline says so with --allow-port-wide, so one stray file cannot ask for it.
 */
function refusePortWide(rules: Rule[], allowPortWide: boolean): void {
  const wide = rules.filter((r) => r.destination === null);
  if (wide.length === 0 || allowPortWide) return;
  const files = wide.map((r) => `${r.port}.rule`).join(', ');
  throw new CliError(
    `refusing to sync: ${files} ${wide.length === 1 ? 'asks' : 'ask'} for port-wide access (any public host on the port), ` +
      'the widest access there is. Nothing was filed. Name a destination (<host>:<port>.rule) instead, ' +
      'or pass --allow-port-wide if this service really needs it.',
    EXIT.usage,
  );
}

export async function rulesSync(
  opts: {
    service: string;
    dir: string;
    prune: boolean;
    justification?: string;
    allowPortWide?: boolean;
    source?: SourceRef;
  },
  client: ApiClient,
  io: Io,
): Promise<number> {
  const parsed = await readRules(resolve(io.cwd, opts.dir));
  refusePortWide(parsed, opts.allowPortWide ?? false);
  const rules = parsed.map((r) => (r.destination === null ? String(r.port) : `${r.destination}:${r.port}`));
  const source = opts.source ?? {};
  const service = await findService(client, opts.service);
  const justification = justificationWith(opts.justification, source);
  const body = {
    rules,
    prune: opts.prune,
    ...(justification ? { justification } : {}),
    ...(source.repository || source.commit ? { source } : {}),
  };
  const result = await client.syncRules({ params: { id: service.id }, body });
  for (const g of result.created) io.out(`requested  ${label(g)}`);
  for (const g of result.unchanged) io.out(`unchanged  ${label(g)}`);
  for (const g of result.revoked) io.out(`revoked    ${label(g)}`);
  for (const h of result.unknownDestinations)
    io.err(`unknown destination ${h}: ask the security team to register it`);
  return result.unknownDestinations.length > 0 ? EXIT.unknownDestinations : EXIT.ok;
}

export async function request(
  opts: {
    service: string;
    destination: string | null;
    port: number;
    justification: string;
    expiresAt?: string;
  },
  client: ApiClient,
  io: Io,
): Promise<number> {
  const grant = await client.requestGrant({
    body: {
      service: opts.service,
      destination: opts.destination,
      port: opts.port,
      justification: opts.justification,
      ...(opts.expiresAt ? { expiresAt: opts.expiresAt } : {}),
    },
  });
  io.out(`${grant.id} ${label(grant)} needs ${grant.requiredApprovals} approval(s)`);
  return EXIT.ok;
}

/** One grant in `status --json`: stable field names and order (docs/egressctl.md documents them). */
export interface StatusGrant {
  id: string;
  state: 'pending' | 'active';
  service: string;
  namespace: string;
  /** null for a port-wide grant. */
  destination: string | null;
  port: number;
  approvals: number;
  requiredApprovals: number;
  approvedBy: string[];
  requestedBy: string;
  requestedAt: string;
  expiresAt: string | null;
}

/** `status --json`: version 1 of the document; a field is only ever added, never renamed or dropped. */
export interface StatusDocument {
  version: 1;
  service: string | null;
  pending: number;
  active: number;
  grants: StatusGrant[];
}

function statusGrant(g: Grant): StatusGrant {
  return {
    id: g.id,
    state: g.state === 'pending' ? 'pending' : 'active',
    service: g.service,
    namespace: g.serviceNamespace,
    destination: g.destination,
    port: g.port,
    approvals: g.approvals.length,
    requiredApprovals: g.requiredApprovals,
    approvedBy: g.approvals.map((a) => a.approver),
    requestedBy: g.requestedBy,
    requestedAt: g.requestedAt,
    expiresAt: g.expiresAt,
  };
}

/** Every grant in a state, page after page (a status that stops at the first page would miss some). */
async function allGrants(client: ApiClient, state: 'pending' | 'active', service?: string): Promise<Grant[]> {
  const grants: Grant[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listGrants({ query: { state, order: 'asc', limit: 500, service, cursor } });
    grants.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return grants;
}

export async function status(
  opts: { service?: string; json?: boolean },
  client: ApiClient,
  io: Io,
): Promise<number> {
  const pending = await allGrants(client, 'pending', opts.service);
  const active = await allGrants(client, 'active', opts.service);
  if (opts.json) {
    const doc: StatusDocument = {
      version: 1,
      service: opts.service ?? null,
      pending: pending.length,
      active: active.length,
      grants: [...pending, ...active].map(statusGrant),
    };
    io.out(JSON.stringify(doc, null, 2));
  } else {
    for (const g of [...pending, ...active])
      io.out(
        `${g.state.padEnd(8)} ${g.service} -> ${g.destination ?? '*'}:${g.port}  ${g.approvals.length}/${g.requiredApprovals} approvals  ${g.id}`,
      );
  }
  return pending.length > 0 ? EXIT.pending : EXIT.ok;
}

export function ruleText(rule: Rule): string {
  return rule.destination === null ? String(rule.port) : `${rule.destination}:${rule.port}`;
}

export { parseRule };
