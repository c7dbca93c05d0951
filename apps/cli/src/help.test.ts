import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { EXIT } from './exit-codes.ts';
import { COMMAND_HELP, type CommandName } from './help.ts';
import { run } from './main.ts';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    text: () => out.join('\n'),
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), cwd: process.cwd() },
  };
}

const COMMANDS = Object.keys(COMMAND_HELP) as CommandName[];
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('egressctl --version', () => {
  it('prints the package version and exits 0, also with -V and before a command', async () => {
    for (const args of [['--version'], ['-V'], ['status', '--version']]) {
      const a = io();
      expect(await run(args, {}, a.io), args.join(' ')).toBe(EXIT.ok);
      expect(a.out).toEqual([`egressctl ${pkg.version}`]);
    }
  });
});

describe('egressctl <command> --help', () => {
  it.each(COMMANDS)('%s: its usage, every flag, an example; exit 0 and nothing sent', async (command) => {
    const a = io();
    // No EGRESS_TOKEN: help must not need one, and must not reach the API.
    expect(await run([...command.split(' '), '--help'], {}, a.io)).toBe(EXIT.ok);
    const text = a.text();
    expect(text).toMatch(new RegExp(`^Usage: egressctl ${command} `));
    for (const [flag] of COMMAND_HELP[command].flags) expect(text).toContain(flag);
    expect(text).toMatch(/\nExamples?:\n {2}egressctl /);
    expect(a.err).toEqual([]);
    // The same text from `egressctl help <command>` and `-h`.
    const b = io();
    expect(await run(['help', ...command.split(' ')], {}, b.io)).toBe(EXIT.ok);
    expect(b.text()).toBe(text);
    const c = io();
    expect(await run([...command.split(' '), '-h'], {}, c.io)).toBe(EXIT.ok);
    expect(c.text()).toBe(text);
  });

  it('documents every flag egressctl accepts under a command', async () => {
    const documented = COMMANDS.flatMap((c) => COMMAND_HELP[c].flags.map(([f]) => f.split(' ')[0]));
    const src = readFileSync(new URL('./main.ts', import.meta.url), 'utf8');
    const options = src.slice(src.indexOf('const OPTIONS = {'), src.indexOf('} as const;'));
    const accepted = [...options.matchAll(/^ {2}'?([a-z-]+)'?: \{ type/gm)].map((m) => `--${m[1]}`);
    expect(accepted.length).toBeGreaterThan(10);
    const global = ['--help', '--version'];
    expect(accepted.filter((f) => !global.includes(f) && !documented.includes(f))).toEqual([]);
    // The overview names each command and how to get its help.
    const a = io();
    await run(['--help'], {}, a.io);
    for (const c of COMMANDS) expect(a.text()).toContain(`egressctl ${c}`);
    expect(a.text()).toContain('egressctl <command> --help');
  });

  it('refuses help for a command that does not exist, with exit 2', async () => {
    const a = io();
    expect(await run(['frobnicate', '--help'], {}, a.io)).toBe(EXIT.usage);
    expect(a.err.join('\n')).toContain('unknown command frobnicate');
  });

  it('refuses --json on a command other than status, before sending anything', async () => {
    const a = io();
    expect(await run(['render', '--json'], { EGRESS_URL: 'http://127.0.0.1:9' }, a.io)).toBe(EXIT.usage);
    expect(a.err.join('\n')).toContain('--json is offered by status only');
  });
});
