// A real Kubernetes control plane (etcd + kube-apiserver) and CoreDNS for tests, built from
// Go modules by tools/harness/build.sh. No Docker, no kubelet, no controller-manager.
//
// Network hygiene: every process binds 127.0.0.1 only; CoreDNS never forwards; nothing here
// connects to a ClusterIP or any non-loopback address. See docs/harness.md.

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { AUDIT_POLICY } from './audit.ts';
import { makePki } from './pki.ts';
import {
  freePorts,
  httpGet,
  makeTempDir,
  type Proc,
  removeTempDir,
  run,
  startProc,
  waitFor,
} from './util.ts';

export interface ControlPlane {
  /** Kubeconfig file (admin, `O=system:masters`), context `egress-test`. */
  kubeconfigPath: string;
  kubeconfig: string;
  /** https://127.0.0.1:PORT */
  server: string;
  caPem: string;
  /** Admin client certificate and key (PEM), for HTTP clients other than kubectl. */
  clientCertPem: string;
  clientKeyPem: string;
  /** Temp folder holding PKI, etcd data and logs (removed by stop()). */
  dir: string;
  /** The kube-apiserver's audit log (JSON lines, see audit.ts), when started with `auditLog: true`. */
  auditLogPath: string | null;
  /** Stops kube-apiserver only (etcd keeps its data): clients get "connection refused". */
  stopApiserver(): Promise<void>;
  /** Starts kube-apiserver again on the same port with the same etcd, PKI and flags; resolves when ready. */
  startApiserver(): Promise<void>;
  stop(): Promise<void>;
}

export const KUBECONFIG_CONTEXT = 'egress-test';

const HERE = dirname(fileURLToPath(import.meta.url));
const BUILD_SH = resolve(HERE, '..', 'build.sh');
const TOOLS = ['etcd', 'kube-apiserver', 'coredns', 'helm', 'envoy-validator', 'netpol-oracle'] as const;

/**
 * Folder holding the harness binaries: `$EGRESS_HARNESS_BIN` if set, else the versioned cache
 * folder printed by `build.sh --print-dir`. Throws (with the command to run) if binaries are missing.
 */
export async function harnessBinDir(): Promise<string> {
  const dir = process.env['EGRESS_HARNESS_BIN'] ?? (await run('bash', [BUILD_SH, '--print-dir'])).trim();
  const missing = TOOLS.filter((t) => !existsSync(join(dir, t)));
  if (missing.length > 0) {
    throw new Error(`harness binaries missing in ${dir}: ${missing.join(', ')}; run tools/harness/build.sh`);
  }
  return dir;
}

/** Starts etcd and kube-apiserver on free loopback ports; resolves once the API serves requests. */
export async function startControlPlane(opts: {
  binDir: string;
  timeoutMs?: number;
  /** Extra kube-apiserver flags (appended; a later flag wins), e.g. `--feature-gates=...`. */
  apiserverArgs?: string[];
  /**
   * Write an audit log of every request (level Metadata, see audit.ts) to `<dir>/audit.log`, to count
   * a client's requests from the server's side. Off by default: the blocking log backend writes one line
   * per request before answering it.
   */
  auditLog?: boolean;
}): Promise<ControlPlane> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const dir = await makeTempDir('egress-cp-');
  const procs: Proc[] = [];
  const stop = async (): Promise<void> => {
    for (const p of [...procs].reverse()) await p.stop();
    await removeTempDir(dir);
  };
  try {
    const pki = await makePki(dir);
    const [etcdClient, etcdPeer, apiPort] = await freePorts(3);
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const peerUrl = `http://127.0.0.1:${etcdPeer}`;
    const etcd = startProc(
      join(opts.binDir, 'etcd'),
      [
        '--name=test',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=test=${peerUrl}`,
        '--unsafe-no-fsync=true',
        '--log-level=warn',
      ],
      join(dir, 'etcd.log'),
      dir,
    );
    procs.push(etcd);
    await waitFor('etcd', etcd, timeoutMs, async () => (await httpGet(`${etcdUrl}/readyz`)).status === 200);

    const server = `https://127.0.0.1:${apiPort}`;
    const auditLogPath = opts.auditLog ? join(dir, 'audit.log') : null;
    const auditArgs: string[] = [];
    if (auditLogPath !== null) {
      const policy = join(dir, 'audit-policy.yaml');
      await writeFile(policy, AUDIT_POLICY);
      auditArgs.push(
        `--audit-policy-file=${policy}`,
        `--audit-log-path=${auditLogPath}`,
        '--audit-log-format=json',
        '--audit-log-maxbackup=0',
        '--audit-log-maxsize=0',
      );
    }
    const apiserverArgs = [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, 'apiserver-certs')}`,
      `--tls-cert-file=${pki.serverCert}`,
      `--tls-private-key-file=${pki.serverKey}`,
      `--client-ca-file=${pki.caCert}`,
      `--service-account-issuer=${server}`,
      `--service-account-key-file=${pki.saPub}`,
      `--service-account-signing-key-file=${pki.saKey}`,
      '--service-cluster-ip-range=10.96.0.0/12',
      '--authorization-mode=RBAC',
      '--disable-admission-plugins=ServiceAccount',
      '--allow-privileged=true',
      '--enable-garbage-collector=false',
      '--endpoint-reconciler-type=none',
      '--profiling=false',
      ...auditArgs,
      ...(opts.apiserverArgs ?? []),
    ];

    const caPem = await readFile(pki.caCert, 'utf8');
    const clientCertPem = await readFile(pki.adminCert, 'utf8');
    const clientKeyPem = await readFile(pki.adminKey, 'utf8');
    const tls = { ca: caPem, cert: clientCertPem, key: clientKeyPem };
    let starts = 0;
    const launchApiserver = async (): Promise<void> => {
      starts += 1;
      const log = join(dir, starts === 1 ? 'kube-apiserver.log' : `kube-apiserver-${starts}.log`);
      const apiserver = startProc(join(opts.binDir, 'kube-apiserver'), apiserverArgs, log, dir);
      // etcd stays first in `procs`, so stop() still stops the apiserver before etcd.
      procs.splice(1, procs.length - 1, apiserver);
      await waitFor('kube-apiserver', apiserver, timeoutMs, async () => {
        if ((await httpGet(`${server}/readyz`, tls)).status !== 200) return false;
        return (await httpGet(`${server}/api/v1/namespaces/default`, tls)).status === 200;
      });
    };
    await launchApiserver();
    const stopApiserver = async (): Promise<void> => {
      await procs[1]?.stop();
    };

    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    const kubeconfig = [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: ${KUBECONFIG_CONTEXT}`,
      '  cluster:',
      `    server: ${server}`,
      `    certificate-authority-data: ${b64(caPem)}`,
      'users:',
      '- name: admin',
      '  user:',
      `    client-certificate-data: ${b64(clientCertPem)}`,
      `    client-key-data: ${b64(clientKeyPem)}`,
      'contexts:',
      `- name: ${KUBECONFIG_CONTEXT}`,
      '  context:',
      `    cluster: ${KUBECONFIG_CONTEXT}`,
      '    user: admin',
      '    namespace: default',
      `current-context: ${KUBECONFIG_CONTEXT}`,
      '',
    ].join('\n');
    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
    return {
      kubeconfigPath,
      kubeconfig,
      server,
      caPem,
      clientCertPem,
      clientKeyPem,
      dir,
      auditLogPath,
      stopApiserver,
      startApiserver: async () => {
        await stopApiserver();
        await launchApiserver();
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Starts CoreDNS on 127.0.0.1 serving cluster.local from the control plane, with `snippetPath`
 * imported into the `.` server block (as the product's ConfigMap snippet is). No `forward`.
 * Resolves once `/ready` answers 200 (the kubernetes plugin has synced) and the DNS port listens.
 */
