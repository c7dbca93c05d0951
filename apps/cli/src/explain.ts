// egressctl explain SERVICE HOST:PORT: the API's answer as a checklist, and an exit code a deploy
// pipeline can gate on (0 allowed, 1 denied, 2 open). Its failures leave 0–2 alone: 4 token, 7 otherwise.
import { type Explain, type Protocol, ProtocolSchema } from '@egress/shared';

import type { ApiClient } from './client.ts';
import type { Io } from './commands.ts';
import { CliError, EXIT, EXPLAIN_EXIT } from './exit-codes.ts';

function target(arg: string | undefined): { host: string; port: number } {
  const m = arg ? /^(.+):(\d+)$/.exec(arg) : null;
  const port = m ? Number(m[2]) : NaN;
  if (!m?.[1] || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new CliError(
      `give the destination as HOST:PORT (port 1–65535), not ${arg ?? '(nothing)'}`,
      EXIT.usage,
    );
  return { host: m[1], port };
}

/** --protocol, checked with the API's own schema so the request is typed (and a typo needs no round trip). */
function protocolOf(flag: string | undefined): Protocol | undefined {
  if (flag === undefined) return undefined;
  const parsed = ProtocolSchema.safeParse(flag.toUpperCase());
  if (!parsed.success) throw new CliError(`--protocol must be TCP or UDP, not ${flag}`, EXIT.usage);
  return parsed.data;
}

export function format(e: Explain): string[] {
  const lines = [
    `${e.verdict.toUpperCase()}  ${e.service} (${e.namespace}) -> ${e.host}:${e.port}/${e.protocol}  path: ${e.path}`,
  ];
  for (const s of e.steps) lines.push(`  ${s.ok ? 'ok  ' : 'FAIL'} ${s.check.padEnd(16)} ${s.detail}`);
  for (const f of e.fixes) {
    const extra = f.request
      ? `  (egressctl request --service ${f.request.service} ${f.request.destination ? `--destination ${f.request.destination}` : '--port-wide'} --port ${f.request.port} --justification ...)`
      : f.link
        ? `  ${f.link}`
        : '';
    lines.push(`  fix: ${f.kind}: ${f.detail}${extra}`);
  }
  return lines;
}

async function answer(
  opts: { args: string[]; protocol?: string },
  client: () => ApiClient,
  io: Io,
): Promise<number> {
  const [service, dest, extra] = opts.args;
  if (!service || extra !== undefined)
    throw new CliError('usage: egressctl explain SERVICE HOST:PORT [--protocol TCP|UDP]', EXIT.usage);
  const { host, port } = target(dest);
  const e = await client().explain({ query: { service, host, port, protocol: protocolOf(opts.protocol) } });
  for (const line of format(e)) io.out(line);
  return EXPLAIN_EXIT[e.verdict];
}

export async function explain(
  opts: { args: string[]; protocol?: string },
  client: () => ApiClient,
  io: Io,
): Promise<number> {
  try {
    return await answer(opts, client, io);
  } catch (error) {
    if (error instanceof CliError && error.code !== EXIT.auth)
      throw new CliError(error.message, EXIT.explainFailed);
    throw error;
  }
}
