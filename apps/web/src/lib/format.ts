// Time and number formatting, in one place so every page says "3 h ago" the same way.
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "5 min ago", "3 h ago", "2 d ago"; future times as "in 3 h". */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const diff = now - Date.parse(iso);
  const abs = Math.abs(diff);
  if (abs < MINUTE) return diff >= 0 ? 'just now' : 'in under a minute';
  const span = duration(abs);
  return diff >= 0 ? `${span} ago` : `in ${span}`;
}

/** A compact span: "45 min", "3 h", "2 d", "5 mo". */
export function duration(ms: number): string {
  if (ms < HOUR) return `${Math.max(1, Math.floor(ms / MINUTE))} min`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)} h`;
  if (ms < 60 * DAY) return `${Math.floor(ms / DAY)} d`;
  return `${Math.floor(ms / (30 * DAY))} mo`;
}

/** The exact time in UTC, e.g. "2025-03-04 12:30:05 UTC". */
export function utc(iso: string): string {
  return `${iso.slice(0, 19).replace('T', ' ')} UTC`;
}

/** A UTC calendar day key, "2025-03-04". */
export function dayKey(date: Date | string): string {
  return (typeof date === 'string' ? new Date(date) : date).toISOString().slice(0, 10);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** Bytes in the largest unit that keeps a number of at least 1: "512 B", "3.4 KB", "1.2 GB" (powers of 1000). */
export function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit] ?? ''}`;
}
