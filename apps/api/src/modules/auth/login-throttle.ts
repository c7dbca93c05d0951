// Failed sign-ins per client address, across accounts: password spraying (one address, many accounts, one
// or two passwords each) slips under the per-address-and-account limit, so this one counts every attempt
// from an address in a fixed window and refuses further ones once `max` have failed. An attempt counts
// while it is being checked (so a burst of parallel guesses cannot all pass before any fails) and is
// given back when it succeeds. Kept in memory per replica, like @fastify/rate-limit's store: with N
// replicas behind a balancer an address gets at most N × max failures a window.
export interface LoginThrottle {
  /** Reserves an attempt: null when allowed, else the seconds until the address may try again. */
  begin(address: string): number | null;
  /** The attempt did not fail on credentials (it succeeded, or the server failed): it does not count. */
  release(address: string): void;
  /** True once per address and window: the caller writes the one summary audit row then. */
  firstRefusal(address: string): { windowEndsAt: Date } | null;
}

interface Window {
  start: number;
  failures: number;
  summarised: boolean;
}

const MAX_TRACKED = 100_000;

export function createLoginThrottle({
  max,
  windowMs,
  now,
}: {
  max: number;
  windowMs: number;
  now: () => Date;
}): LoginThrottle {
  const windows = new Map<string, Window>();

  function current(address: string): Window {
    const t = now().getTime();
    let w = windows.get(address);
    if (!w || t - w.start >= windowMs) {
      if (windows.size >= MAX_TRACKED) sweep(t);
      w = { start: t, failures: 0, summarised: false };
      windows.set(address, w);
    }
    return w;
  }

  function sweep(t: number) {
    for (const [address, w] of windows) if (t - w.start >= windowMs) windows.delete(address);
    // Still full (a flood of distinct addresses): forget the oldest rather than grow without bound.
    for (const address of windows.keys()) {
      if (windows.size < MAX_TRACKED) break;
      windows.delete(address);
    }
  }

  return {
    begin(address) {
      const w = current(address);
      if (w.failures >= max) return Math.max(1, Math.ceil((w.start + windowMs - now().getTime()) / 1000));
      w.failures++;
      return null;
    },
    release(address) {
      const w = windows.get(address);
      if (w && w.failures > 0) w.failures--;
    },
    firstRefusal(address) {
      const w = current(address);
      if (w.summarised) return null;
      w.summarised = true;
      return { windowEndsAt: new Date(w.start + windowMs) };
    },
  };
}
