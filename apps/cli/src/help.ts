// Per-command help: `egressctl <command> --help` (or `egressctl help <command>`) prints what the command
// does, each of its flags and an example a pipeline can copy. help.test.ts checks that every command has
// an entry and that every flag egressctl accepts is documented under a command that uses it.
import pkg from '../package.json' with { type: 'json' };

/** From apps/cli/package.json, so a release bump is the only place the version lives. */
export const VERSION: string = pkg.version;

export interface CommandHelp {
  usage: string;
  /** What it does, in a sentence or two. */
  summary: string;
  /** [flag as typed, what it means]. */
  flags: [string, string][];
  /** Lines a pipeline can copy. */
  examples: string[];
  /** What its exit codes mean, when it has its own. */
  exit?: string;
}

const TOKEN = 'Needs EGRESS_TOKEN (and EGRESS_URL unless the API is at http://127.0.0.1:8080).';

export const COMMAND_HELP = {
  render: {
    usage: 'egressctl render [--offline export.json] [--out DIR]',
    summary:
      'Print the desired Kubernetes objects as YAML: from the API, or offline (no token) from a JSON ' +
      'export of the compiler input (GET /api/v1/manifests?format=input).',
    flags: [
      ['--offline FILE', 'compile this JSON export locally instead of asking the API'],
      ['--out DIR', 'write one file per object under DIR instead of printing them'],
    ],
    examples: ['egressctl render --out rendered/', 'egressctl render --offline export.json > objects.yaml'],
  },
  'rules sync': {
    usage:
      'egressctl rules sync --service NAME [--dir manifests/egress/external] [--prune] [--justification TEXT] ' +
      '[--allow-port-wide] [--repository OWNER/NAME] [--commit SHA]',
    summary:
      'Read <host>:<port>.rule and <port>.rule files and request the access that has no pending or ' +
      'active grant; unregistered destinations are reported (exit 3). Never approves anything. ' +
      TOKEN,
    flags: [
      ['--service NAME', 'the registered service the rules are for (required)'],
      ['--dir DIR', 'the folder of rule files (default manifests/egress/external)'],
      ['--prune', 'also revoke active grants whose rule file is gone'],
      [
        '--justification TEXT',
        'why, shown to approvers (default: "Declared in the service repository rule files")',
      ],
      [
        '--allow-port-wide',
        'file <port>.rule files (any host on that port, the widest access); without it they are refused (exit 2)',
      ],
      [
        '--repository OWNER/NAME',
        'the repository the rules come from, named in the justification (default: $GITHUB_REPOSITORY or $CI_PROJECT_PATH)',
      ],
      ['--commit SHA', 'the commit the rules come from (default: $GITHUB_SHA or $CI_COMMIT_SHA)'],
    ],
    examples: ['egressctl rules sync --service service.github --justification "CI pulls from GitHub"'],
  },
  request: {
    usage:
      'egressctl request --service NAME (--destination HOST | --port-wide) --port N --justification TEXT [--expires RFC3339]',
    summary: `Ask for access for one service; prints the grant id and how many approvals it needs. ${TOKEN}`,
    flags: [
      ['--service NAME', 'the registered service (required)'],
      ['--destination HOST', 'a registered destination host'],
      ['--port-wide', 'any host on the port instead of one destination (needs two approvals)'],
      ['--port N', 'the port, 1 to 65535 (required)'],
      ['--justification TEXT', 'why the service needs it, a sentence at least (required)'],
      ['--expires RFC3339', 'when the grant should end, e.g. 2026-12-31T23:59:59Z'],
    ],
    examples: [
      'egressctl request --service service.github --destination github.com --port 443 \\\n    --justification "Release job pushes tags"',
    ],
  },
  status: {
    usage: 'egressctl status [--service NAME] [--json]',
    summary:
      'List pending and active grants (all pages), one line each; exits 5 while any is pending, so a ' +
      `deploy can wait for approval. ${TOKEN}`,
    flags: [
      ['--service NAME', 'only this service’s grants'],
      ['--json', 'one JSON document instead of lines (fields: docs/egressctl.md, "status --json")'],
    ],
    examples: [
      'egressctl status --service service.github',
      'egressctl status --json | jq -r \'.grants[] | select(.state == "pending") | .id\'',
    ],
    exit: '0 nothing pending, 5 some grants still pending, 1 the API failed, 4 token.',
  },
  explain: {
    usage: 'egressctl explain SERVICE HOST:PORT [--protocol TCP|UDP]',
    summary:
      'Whether the service can reach HOST:PORT now, each check on the way and what would change it. ' + TOKEN,
    flags: [['--protocol TCP|UDP', 'the protocol (default TCP)']],
    examples: ['egressctl explain service.github github.com:443 || exit 1'],
    exit: '0 allowed, 1 denied, 2 open (namespace not enforced), 4 token, 7 could not answer.',
  },
  'audit verify': {
    usage: 'egressctl audit verify --checkpoint FILE --csv EXPORT.csv [--public-key BASE64]',
    summary:
      'Offline, no token: check a CSV export of the audit log (GET /api/v1/audit-events?format=csv) ' +
      "against signed checkpoints (one JSON checkpoint, or the file target's checkpoints.jsonl); " +
      'names the first bad row.',
    flags: [
      ['--checkpoint FILE', 'a signed checkpoint (JSON) or a checkpoints.jsonl file (required)'],
      ['--csv FILE', 'the CSV export to check (required)'],
      ['--public-key BASE64', 'the signing key to trust, instead of the one in the checkpoint'],
    ],
    examples: ['egressctl audit verify --checkpoint checkpoints.jsonl --csv audit.csv'],
    exit: '0 the export matches, 6 it does not (the output names the first bad row), 2 bad input.',
  },
} as const satisfies Record<string, CommandHelp>;

export type CommandName = keyof typeof COMMAND_HELP;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_HELP, name);
}

/** Words wrapped at `width` columns, for a terminal. */
function wrap(text: string, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

/** The text `egressctl <command> --help` prints. */
export function commandHelp(name: CommandName): string {
  const h: CommandHelp = COMMAND_HELP[name];
  const width = Math.max(...h.flags.map(([flag]) => flag.length), '-h, --help'.length);
  const flags = [...h.flags, ['-h, --help', 'this help'] as const]
    .map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`)
    .join('\n');
  return [
    `Usage: ${h.usage}`,
    '',
    wrap(h.summary),
    '',
    'Flags:',
    flags,
    '',
    h.examples.length === 1 ? 'Example:' : 'Examples:',
    ...h.examples.map((e) => `  ${e}`),
    ...(h.exit ? ['', `Exit codes: ${h.exit}`] : []),
  ].join('\n');
}
