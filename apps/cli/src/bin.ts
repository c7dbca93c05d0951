#!/usr/bin/env node
import { EXIT } from './exit-codes.ts';
import { run } from './main.ts';

// pnpm runs scripts in the package folder; INIT_CWD is where the user typed the command.
const io = {
  out: (t: string) => process.stdout.write(`${t}\n`),
  err: (t: string) => process.stderr.write(`${t}\n`),
  cwd: process.env.INIT_CWD ?? process.cwd(),
};
run(process.argv.slice(2), process.env, io).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(EXIT.failed);
  },
);
