// CoreDNS for tests: serves cluster.local from the test control plane on 127.0.0.1, never forwards.

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { KUBECONFIG_CONTEXT } from './control-plane.ts';
import { canConnect, freePorts, httpGet, makeTempDir, removeTempDir, startProc, waitFor } from './util.ts';

export interface CoreDns {
  /** UDP and TCP DNS port on 127.0.0.1. */
  port: number;
  corefilePath: string;
  /** CoreDNS stdout+stderr (the `errors` and `log` plugins write here). */
  logPath: string;
  stop(): Promise<void>;
}

export async function startCoreDns(opts: {
  binDir: string;
  kubeconfigPath: string;
  snippetPath: string;
  context?: string;
  timeoutMs?: number;
}): Promise<CoreDns> {
  assertNoForward(await readFile(opts.snippetPath, 'utf8'));
  const dir = await makeTempDir('egress-coredns-');
  const [port, readyPort] = await freePorts(2);
  const corefile = `.:${port} {
    bind 127.0.0.1
    errors
    ready 127.0.0.1:${readyPort}
    import ${opts.snippetPath}
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig ${opts.kubeconfigPath} ${opts.context ?? KUBECONFIG_CONTEXT}
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    reload 2s 1s
}
`;
  const corefilePath = join(dir, 'Corefile');
  await writeFile(corefilePath, corefile);
  const proc = startProc(
    join(opts.binDir, 'coredns'),
    ['-conf', corefilePath],
    join(dir, 'coredns.log'),
    dir,
  );
  const stop = async (): Promise<void> => {
    await proc.stop();
    await removeTempDir(dir);
  };
  try {
    // /ready turns 200 once the kubernetes plugin has synced, but the ready listener starts
    // before the DNS listeners (Caddy runs OnStartup hooks first): also wait for the startup
    // banner, which CoreDNS prints after its servers listen, and for the TCP listener itself.
    await waitFor(
      'coredns',
      proc,
      opts.timeoutMs ?? 30_000,
      async () =>
        (await httpGet(`http://127.0.0.1:${readyPort}/ready`)).status === 200 &&
        (await readFile(proc.logPath, 'utf8')).includes('CoreDNS-') &&
        (await canConnect(port)),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, corefilePath, logPath: proc.logPath, stop };
}

/**
 * Checks that a Corefile snippet parses and sets up (as imported into a `.` block): runs
 * `coredns -conf` on a loopback port and waits for it to start or exit. Throws with CoreDNS's
 * output when it is rejected.
 */
export async function validateCorefileSnippet(binDir: string, snippet: string): Promise<void> {
  assertNoForward(snippet);
  // `;` is not a separator in a Corefile: `{ name exact a b; answer auto }` parses, but the
  // rewrite target becomes "b;" and the rule silently never matches. Reject it here.
  const semi = snippet.split('\n').find((l) => l.replace(/#.*/, '').includes(';'));
  if (semi !== undefined) {
    throw new Error(
      `Corefile snippet line contains ';' (not a separator in Corefiles; use new lines): ${semi.trim()}`,
    );
  }
  const dir = await makeTempDir('egress-corefile-');
  try {
    const [port] = await freePorts(1);
    await writeFile(join(dir, 'snippet.conf'), snippet);
    await writeFile(
      join(dir, 'Corefile'),
      `.:${port} {\n    bind 127.0.0.1\n    import ${join(dir, 'snippet.conf')}\n    whoami\n}\n`,
    );
    const proc = startProc(
      join(binDir, 'coredns'),
      ['-conf', join(dir, 'Corefile')],
      join(dir, 'coredns.log'),
      dir,
    );
    try {
      // CoreDNS prints "CoreDNS-<version>" once every plugin is set up and the server listens.
      await waitFor('coredns', proc, 15_000, async () =>
        (await readFile(proc.logPath, 'utf8')).includes('CoreDNS-'),
      );
    } catch (err) {
      const log = (await readFile(proc.logPath, 'utf8').catch(() => '')).trim();
      throw new Error(
        `Corefile snippet rejected by coredns:\n${log || (err instanceof Error ? err.message : String(err))}`,
      );
    } finally {
      await proc.stop();
    }
  } finally {
    await removeTempDir(dir);
  }
}

function assertNoForward(corefileText: string): void {
  if (/^\s*(forward|grpc)\b/m.test(corefileText)) {
    throw new Error(
      'Corefile snippets used in tests must not forward queries (network hygiene, docs/harness.md)',
    );
  }
}
