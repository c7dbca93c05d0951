// egressctl: the command line for deploy pipelines. Token from EGRESS_TOKEN, API from EGRESS_URL.
import { parseArgs } from 'node:util';

import { auditVerify } from './audit-verify.ts';
import { type ApiClient, createClient } from './client.ts';
import { type Io, render, request, rulesSync, sourceFrom, status } from './commands.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { explain } from './explain.ts';
import { commandHelp, type CommandName, isCommandName, VERSION } from './help.ts';

export const HELP = `egressctl — Egress Control from the command line

  egressctl <command> --help   a command's flags and an example
  egressctl --version          print the version

  egressctl render [--offline export.json] [--out DIR]
      Print the desired Kubernetes objects as YAML (from the API, or offline from a JSON export of the
      compiler input); --out writes one file per object instead.
  egressctl rules sync --service NAME [--dir manifests/egress/external] [--prune] [--justification TEXT]
                       [--allow-port-wide] [--repository OWNER/NAME] [--commit SHA]
      Read <host>:<port>.rule and <port>.rule files and request what is missing; --prune revokes
      active grants whose rule file is gone. A <port>.rule (port-wide: any host on the port) is refused
      (exit 2, nothing filed) unless --allow-port-wide. The requests name the repository and commit
      (--repository/--commit, else GITHUB_REPOSITORY/GITHUB_SHA or CI_PROJECT_PATH/CI_COMMIT_SHA).
  egressctl request --service NAME (--destination HOST | --port-wide) --port N --justification TEXT [--expires RFC3339]
  egressctl status [--service NAME] [--json]
      Pending and active grants; --json prints one JSON document (docs/egressctl.md).
  egressctl explain SERVICE HOST:PORT [--protocol TCP|UDP]
      Whether the service can reach HOST:PORT now, each check on the way and what would change it.
      Exit 0 allowed, 1 denied, 2 open (its namespace is not enforced); 4 token, 7 could not answer.
  egressctl audit verify --checkpoint FILE --csv EXPORT.csv [--public-key BASE64]
      Offline: check a CSV export of the audit log (GET /api/v1/audit-events?format=csv) against signed
      checkpoints (one JSON checkpoint, or the file target's checkpoints.jsonl); names the first bad row.

Environment: EGRESS_URL (default http://127.0.0.1:8080), EGRESS_TOKEN (an API token, egc_...).
Exit codes: 0 ok, 1 the API refused or failed, 2 bad usage or input, 3 unknown destinations in rule
files, 4 missing or refused token, 5 (status) some grants still pending, 6 (audit verify) the export does not
match the checkpoints. explain has its own: 0 allowed, 1 denied, 2 open, 4 missing or refused token, 7 the
question could not be answered.`;

const OPTIONS = {
  offline: { type: 'string' },
  out: { type: 'string' },
  service: { type: 'string' },
  dir: { type: 'string', default: 'manifests/egress/external' },
  prune: { type: 'boolean', default: false },
  justification: { type: 'string' },
  destination: { type: 'string' },
  'port-wide': { type: 'boolean', default: false },
  'allow-port-wide': { type: 'boolean', default: false },
  repository: { type: 'string' },
  commit: { type: 'string' },
  port: { type: 'string' },
  expires: { type: 'string' },
  checkpoint: { type: 'string' },
  csv: { type: 'string' },
  'public-key': { type: 'string' },
  protocol: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'V', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function need(value: string | undefined, flag: string): string {
  if (!value) throw new CliError(`missing --${flag}\n\n${HELP}`, EXIT.usage);
  return value;
}

function portOf(v: Values): number {
  const port = Number(need(v.port, 'port'));
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new CliError('--port must be a number from 1 to 65535', EXIT.usage);
  return port;
}

function clientFrom(env: NodeJS.ProcessEnv): ApiClient {
  const token = env.EGRESS_TOKEN;
  if (!token)
    throw new CliError(
      'EGRESS_TOKEN is not set: create an API token in the console (Tokens) and export it',
      EXIT.auth,
    );
  return createClient(env.EGRESS_URL ?? 'http://127.0.0.1:8080', token);
}

type Handler = (v: Values, env: NodeJS.ProcessEnv, io: Io, args: string[]) => Promise<number>;

const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

// Keyed like COMMAND_HELP: a command without its help (help.ts) does not typecheck.
const COMMANDS: Record<CommandName, Handler> = {
  render: (v, env, io) =>
    render({ ...optional('offline', v.offline), ...optional('out', v.out) }, () => clientFrom(env), io),
  'rules sync': (v, env, io) =>
    rulesSync(
      {
        service: need(v.service, 'service'),
        dir: v.dir,
        prune: v.prune,
        allowPortWide: v['allow-port-wide'],
        source: sourceFrom({ ...optional('repository', v.repository), ...optional('commit', v.commit) }, env),
        ...optional('justification', v.justification),
      },
      clientFrom(env),
      io,
    ),
  request: (v, env, io) => {
    if (!v['port-wide'] && !v.destination)
      throw new CliError('give --destination HOST or --port-wide', EXIT.usage);
    const opts = {
      service: need(v.service, 'service'),
      destination: v['port-wide'] ? null : (v.destination ?? null),
      port: portOf(v),
      justification: need(v.justification, 'justification'),
    };
    return request({ ...opts, ...optional('expiresAt', v.expires) }, clientFrom(env), io);
  },
  status: (v, env, io) => status({ ...optional('service', v.service), json: v.json }, clientFrom(env), io),
  explain: (v, env, io, args) =>
    explain({ args: args.slice(1), ...optional('protocol', v.protocol) }, () => clientFrom(env), io),
  'audit verify': (v, _env, io) =>
    auditVerify(
      {
        checkpoint: need(v.checkpoint, 'checkpoint'),
        csv: need(v.csv, 'csv'),
        ...optional('publicKey', v['public-key']),
      },
      io,
    ),
};

/** "status" or "rules sync": the command the positionals name, if any. */
function commandOf(positionals: string[]): CommandName | undefined {
  const [command = '', sub] = positionals;
  if (isCommandName(command)) return command;
  const two = `${command} ${sub ?? ''}`;
  return isCommandName(two) ? two : undefined;
}

function unknown(positionals: string[]): CliError {
  return new CliError(`unknown command ${positionals.join(' ') || '(none)'}\n\n${HELP}`, EXIT.usage);
}

function dispatch(positionals: string[], v: Values, env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  const command = commandOf(positionals);
  if (command === undefined) throw unknown(positionals);
  if (v.json && command !== 'status') throw new CliError('--json is offered by status only', EXIT.usage);
  return COMMANDS[command](v, env, io, positionals);
}

/** `egressctl status --help`, `egressctl help rules sync`: one command's help; else the overview. */
function printHelp(positionals: string[], io: Io): number {
  const named = positionals[0] === 'help' ? positionals.slice(1) : positionals;
  if (named.length === 0) {
    io.out(HELP);
    return EXIT.ok;
  }
  const command = commandOf(named);
  if (command === undefined) throw unknown(named);
  io.out(commandHelp(command));
  return EXIT.ok;
}

export async function run(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    if (values.version) {
      io.out(`egressctl ${VERSION}`);
      return EXIT.ok;
    }
    if (values.help || positionals[0] === 'help') return printHelp(positionals, io);
    if (positionals.length === 0) {
      io.out(HELP);
      return EXIT.usage;
    }
    return await dispatch(positionals, values, env, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`egressctl: ${error.message}`);
      return error.code;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`egressctl: ${error.message}\n\n${HELP}`);
      return EXIT.usage;
    }
    throw error;
  }
}
