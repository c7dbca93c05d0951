// A real Kubernetes control plane (etcd + kube-apiserver) and CoreDNS for tests, built from
// Go modules by tools/harness/build.sh. No Docker, no kubelet, no controller-manager.
//
// Network hygiene: every process binds 127.0.0.1 only; CoreDNS never forwards; nothing here
// connects to a ClusterIP or any non-loopback address. See docs/harness.md.

import { execFile, spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, rmSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

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
  stop(): Promise<void>;
}

export interface CoreDns {
  /** UDP and TCP DNS port on 127.0.0.1. */
  port: number;
  corefilePath: string;
  stop(): Promise<void>;
}

export const KUBECONFIG_CONTEXT = "egress-test";

const HERE = dirname(fileURLToPath(import.meta.url));
const BUILD_SH = resolve(HERE, "..", "build.sh");
const TOOLS = ["etcd", "kube-apiserver", "coredns", "helm", "envoy-validator"] as const;

/**
 * Folder holding the harness binaries: `$EGRESS_HARNESS_BIN` if set, else the versioned cache
 * folder printed by `build.sh --print-dir`. Throws (with the command to run) if binaries are missing.
 */
export async function harnessBinDir(): Promise<string> {
  const dir = process.env["EGRESS_HARNESS_BIN"] ?? (await run("bash", [BUILD_SH, "--print-dir"])).trim();
  const missing = TOOLS.filter((t) => !existsSync(join(dir, t)));
  if (missing.length > 0) {
    throw new Error(`harness binaries missing in ${dir}: ${missing.join(", ")}; run tools/harness/build.sh`);
  }
  return dir;
}

/** Starts etcd and kube-apiserver on free loopback ports; resolves once the API serves requests. */
export async function startControlPlane(opts: { binDir: string; timeoutMs?: number }): Promise<ControlPlane> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const dir = await makeTempDir("egress-cp-");
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
    const etcd = startProc(join(opts.binDir, "etcd"), [
      "--name=test",
      `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=test=${peerUrl}`,
      "--unsafe-no-fsync=true",
      "--log-level=warn",
    ], join(dir, "etcd.log"), dir);
    procs.push(etcd);
    await waitFor("etcd", etcd, timeoutMs, async () => (await httpGet(`${etcdUrl}/readyz`)).status === 200);

    const server = `https://127.0.0.1:${apiPort}`;
    const apiserver = startProc(join(opts.binDir, "kube-apiserver"), [
      `--etcd-servers=${etcdUrl}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, "apiserver-certs")}`,
      `--tls-cert-file=${pki.serverCert}`,
      `--tls-private-key-file=${pki.serverKey}`,
      `--client-ca-file=${pki.caCert}`,
      `--service-account-issuer=${server}`,
      `--service-account-key-file=${pki.saPub}`,
      `--service-account-signing-key-file=${pki.saKey}`,
      "--service-cluster-ip-range=10.96.0.0/12",
      "--authorization-mode=RBAC",
      "--disable-admission-plugins=ServiceAccount",
      "--allow-privileged=true",
      "--enable-garbage-collector=false",
      "--endpoint-reconciler-type=none",
      "--profiling=false",
    ], join(dir, "kube-apiserver.log"), dir);
    procs.push(apiserver);

    const caPem = await readFile(pki.caCert, "utf8");
    const clientCertPem = await readFile(pki.adminCert, "utf8");
    const clientKeyPem = await readFile(pki.adminKey, "utf8");
    const tls = { ca: caPem, cert: clientCertPem, key: clientKeyPem };
    await waitFor("kube-apiserver", apiserver, timeoutMs, async () => {
      if ((await httpGet(`${server}/readyz`, tls)).status !== 200) return false;
      return (await httpGet(`${server}/api/v1/namespaces/default`, tls)).status === 200;
    });

    const b64 = (s: string): string => Buffer.from(s).toString("base64");
    const kubeconfig = [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- name: ${KUBECONFIG_CONTEXT}`,
      "  cluster:",
      `    server: ${server}`,
      `    certificate-authority-data: ${b64(caPem)}`,
      "users:",
      "- name: admin",
      "  user:",
      `    client-certificate-data: ${b64(clientCertPem)}`,
      `    client-key-data: ${b64(clientKeyPem)}`,
      "contexts:",
      `- name: ${KUBECONFIG_CONTEXT}`,
      "  context:",
      `    cluster: ${KUBECONFIG_CONTEXT}`,
      "    user: admin",
      "    namespace: default",
      `current-context: ${KUBECONFIG_CONTEXT}`,
      "",
    ].join("\n");
    const kubeconfigPath = join(dir, "kubeconfig");
    await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
    return { kubeconfigPath, kubeconfig, server, caPem, clientCertPem, clientKeyPem, dir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Starts CoreDNS on 127.0.0.1 serving cluster.local from the control plane, with `snippetPath`
 * imported into the `.` server block (as the product's ConfigMap snippet is). No `forward`.
 * Resolves once `/ready` answers 200 (the kubernetes plugin has synced).
 */
export async function startCoreDns(opts: {
  binDir: string;
  kubeconfigPath: string;
  snippetPath: string;
  context?: string;
  timeoutMs?: number;
}): Promise<CoreDns> {
  await assertNoForward(await readFile(opts.snippetPath, "utf8"));
  const dir = await makeTempDir("egress-coredns-");
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
  const corefilePath = join(dir, "Corefile");
  await writeFile(corefilePath, corefile);
  const proc = startProc(join(opts.binDir, "coredns"), ["-conf", corefilePath], join(dir, "coredns.log"), dir);
  const stop = async (): Promise<void> => {
    await proc.stop();
    await removeTempDir(dir);
  };
  try {
    await waitFor("coredns", proc, opts.timeoutMs ?? 30_000, async () =>
      (await httpGet(`http://127.0.0.1:${readyPort}/ready`)).status === 200,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, corefilePath, stop };
}

/**
 * Checks that a Corefile snippet parses and sets up (as imported into a `.` block): runs
 * `coredns -conf` on a loopback port and waits for it to start or exit. Throws with CoreDNS's
 * output when it is rejected.
 */
export async function validateCorefileSnippet(binDir: string, snippet: string): Promise<void> {
  await assertNoForward(snippet);
  const dir = await makeTempDir("egress-corefile-");
  try {
    const [port] = await freePorts(1);
    await writeFile(join(dir, "snippet.conf"), snippet);
    await writeFile(
      join(dir, "Corefile"),
      `.:${port} {\n    bind 127.0.0.1\n    import ${join(dir, "snippet.conf")}\n    whoami\n}\n`,
    );
    const proc = startProc(join(binDir, "coredns"), ["-conf", join(dir, "Corefile")], join(dir, "coredns.log"), dir);
    try {
      // CoreDNS prints "CoreDNS-<version>" once every plugin is set up and the server listens.
      await waitFor("coredns", proc, 15_000, async () => (await readFile(proc.logPath, "utf8")).includes("CoreDNS-"));
    } finally {
      await proc.stop();
    }
  } finally {
    await removeTempDir(dir);
  }
}

async function assertNoForward(corefileText: string): Promise<void> {
  if (/^\s*(forward|grpc)\b/m.test(corefileText)) {
    throw new Error("Corefile snippets used in tests must not forward queries (network hygiene, docs/harness.md)");
  }
}

// ---- processes -------------------------------------------------------------------------------

interface Proc {
  name: string;
  logPath: string;
  child: ChildProcess;
  exited: Promise<void>;
  exitCode(): number | null | "signal";
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // If the test process exits without stop(), do not leave servers or temp folders behind.
  process.on("exit", () => {
    for (const c of live) c.kill("SIGKILL");
    for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
  });
}

async function makeTempDir(prefix: string): Promise<string> {
  installExitHook();
  const dir = await mkdtemp(join(tmpdir(), prefix));
  liveDirs.add(dir);
  return dir;
}

async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  liveDirs.delete(dir);
}

function startProc(bin: string, args: string[], logPath: string, cwd: string): Proc {
  if (!existsSync(bin)) throw new Error(`${bin} not found; run tools/harness/build.sh`);
  installExitHook();
  const name = bin.split("/").pop() ?? bin;
  const log = openSync(logPath, "w");
  let child: ChildProcess;
  try {
    child = spawn(bin, args, { cwd, stdio: ["ignore", log, log] });
  } finally {
    closeSync(log);
  }
  live.add(child);
  let code: number | null | "signal" = null;
  const exited = new Promise<void>((res) => {
    child.once("exit", (c, sig) => {
      code = sig !== null ? "signal" : c;
      live.delete(child);
      res();
    });
    child.once("error", () => {
      code = -1;
      live.delete(child);
      res();
    });
  });
  const stop = async (): Promise<void> => {
    if (code === null) {
      child.kill("SIGTERM");
      const done = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!done) {
        child.kill("SIGKILL");
        await exited;
      }
    }
  };
  return { name, logPath, child, exited, exitCode: () => code, stop };
}

async function waitFor(what: string, proc: Proc, timeoutMs: number, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr = "";
  while (Date.now() < deadline) {
    const code = proc.exitCode();
    if (code !== null) throw new Error(`${what} exited (${code}) before becoming ready\n${await tail(proc)}`);
    try {
      if (await ready()) return;
    } catch (err) {
      lastErr = err instanceof Error ? err.message : String(err);
    }
    await sleep(250);
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms${lastErr ? ` (last error: ${lastErr})` : ""}\n${await tail(proc)}`);
}

async function tail(proc: Proc, lines = 40): Promise<string> {
  await sleep(100);
  const text = await readFile(proc.logPath, "utf8").catch(() => "");
  return `--- last ${lines} lines of ${proc.name} output ---\n${text.trimEnd().split("\n").slice(-lines).join("\n")}`;
}

// ---- PKI (openssl CLI) -------------------------------------------------------------------------

interface Pki {
  caCert: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
  saKey: string;
  saPub: string;
}

async function makePki(dir: string): Promise<Pki> {
  const p = (f: string): string => join(dir, f);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await run("openssl", [
    "req", "-x509", ...ec, "-keyout", p("ca.key"), "-out", p("ca.crt"), "-days", "2", "-subj", "/CN=egress-test-ca",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  const leaf = async (name: string, subj: string, ext: string): Promise<void> => {
    await run("openssl", ["req", "-new", ...ec, "-keyout", p(`${name}.key`), "-out", p(`${name}.csr`), "-subj", subj]);
    await writeFile(p(`${name}.ext`), ext);
    await run("openssl", [
      "x509", "-req", "-in", p(`${name}.csr`), "-CA", p("ca.crt"), "-CAkey", p("ca.key"), "-CAcreateserial",
      "-days", "2", "-extfile", p(`${name}.ext`), "-out", p(`${name}.crt`),
    ]);
  };
  await leaf(
    "server",
    "/CN=kube-apiserver",
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n" +
      "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.96.0.1\n",
  );
  await leaf(
    "admin",
    "/O=system:masters/CN=egress-test-admin",
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n",
  );
  await run("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", p("sa.key")]);
  await run("openssl", ["pkey", "-in", p("sa.key"), "-pubout", "-out", p("sa.pub")]);
  return {
    caCert: p("ca.crt"),
    serverCert: p("server.crt"),
    serverKey: p("server.key"),
    adminCert: p("admin.crt"),
    adminKey: p("admin.key"),
    saKey: p("sa.key"),
    saPub: p("sa.pub"),
  };
}

// ---- small helpers ------------------------------------------------------------------------------

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((res, rej) => {
    execFile(cmd, args, { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) rej(new Error(`${cmd} ${args.join(" ")} failed: ${err.message}\n${stderr}`));
      else res(stdout);
    });
  });
}

type Ports<N extends number, A extends number[] = []> = A["length"] extends N ? A : Ports<N, [...A, number]>;

/** Free TCP ports on 127.0.0.1 (held together so they are distinct, then released). */
async function freePorts<N extends 1 | 2 | 3 | 4>(n: N): Promise<Ports<N>> {
  const servers = await Promise.all(
    Array.from({ length: n }, () =>
      new Promise<ReturnType<typeof createServer>>((res, rej) => {
        const s = createServer();
        s.once("error", rej);
        s.listen(0, "127.0.0.1", () => res(s));
      }),
    ),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    if (a === null || typeof a === "string") throw new Error("unexpected server address");
    return a.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((res) => s.close(() => res()))));
  return ports as Ports<N>;
}

function httpGet(
  url: string,
  tls?: { ca: string; cert: string; key: string },
): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const u = new URL(url);
    if (u.hostname !== "127.0.0.1") {
      rej(new Error(`refusing to connect to ${u.hostname}: the harness only talks to 127.0.0.1`));
      return;
    }
    const req = (u.protocol === "https:" ? httpsRequest : httpRequest)(
      u,
      { method: "GET", timeout: 5_000, ...(tls ?? {}) },
      (resp) => {
        const chunks: Buffer[] = [];
        resp.on("data", (c: Buffer) => chunks.push(c));
        resp.on("end", () => res({ status: resp.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        resp.on("error", rej);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout: GET ${url}`)));
    req.on("error", rej);
    req.end();
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms));
}
